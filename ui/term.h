/* ui/term.h — the terminal: curses set-up and teardown, colours and symbols.
 *
 * The terminal is restored on every exit path: term_close() is idempotent
 * and registered with atexit(); term_emergency_restore() is
 * async-signal-safe (it writes the reset sequences and the saved termios
 * directly) for fatal-signal handlers. */
#ifndef SRV_UI_TERM_H
#define SRV_UI_TERM_H

#include <stdbool.h>

/* Roles the views draw with; the theme maps them to colours (or, with
 * NO_COLOR, to plain attributes: colour is never the only signal). */
typedef enum {
    TH_NORMAL,
    TH_DIM,
    TH_TITLE,
    TH_HEADER,    /* table headings */
    TH_SELECTED,  /* selected row */
    TH_OK,        /* running, passed */
    TH_WARN,      /* starting, waiting */
    TH_ERR,       /* failed, crash-looping */
    TH_INFO,      /* restarting, notes */
    TH_KEY,       /* key hints */
    TH_MATCH,     /* search matches */
    TH_SOURCE0,   /* log source colours: TH_SOURCE0 + (hash % TH_NSOURCES) */
    TH__COUNT = TH_SOURCE0 + 6,
} term_role;

#define TH_NSOURCES 6

typedef struct {
    bool utf8;  /* the locale is UTF-8: box drawing and symbols */
    bool color; /* colours in use (a colour terminal, NO_COLOR unset) */
    int cols, rows;
} term_info;

/* Symbols with ASCII fallbacks. */
typedef struct {
    const char *ok, *fail, *run, *pending, *warn, *sel, *vbar, *hbar;
    const char *tl, *tr, *bl, *br, *dot_on, *dot_off, *arrow, *ellipsis;
} term_symbols;

/* Start curses on the controlling terminal (stdin/stdout must be ttys). */
int term_open(term_info *ti, char *err, unsigned long errlen);
void term_close(void);
bool term_is_open(void);
void term_emergency_restore(void);
/* After SIGWINCH: read the new size and tell curses. */
void term_refresh_size(term_info *ti);
/* The curses attribute for a role. */
int term_attr(term_role r);
const term_symbols *term_syms(void);

#endif

/* tests/vt/vtscript.h — the step scripts of the screen-test harness (vtrun).
 *
 * A script is a text file, one step a line; blank lines and lines starting
 * with '#' are ignored.  A TEXT argument is the rest of the line with the
 * surrounding blanks removed, or a double-quoted string (escapes \" \\ \n \r
 * \t \e \xHH) when blanks at its ends matter or more words follow it.
 *
 *   key NAME...            keys by name (ui/keys.c names: q, Enter, Esc, Up,
 *                          C-c, F1, PgDn, BTab...), sent one after the other
 *   keys TEXT              the bytes of TEXT as typed
 *   action NAME...         the keys of actions, looked up in the actions file
 *                          (-a FILE: "name key" lines, `srvconsole --dump-actions`)
 *   wait TEXT              until TEXT is on the screen (or the timeout)
 *   wait-re REGEX          until an extended regex matches a screen row
 *   wait-gone TEXT         until TEXT is no longer on the screen
 *   wait-exit [CODE]       until the command exits (with CODE, if given)
 *   sleep MS               keep reading the output for MS milliseconds
 *   timeout SECONDS        timeout of the waits that follow (default 5)
 *   resize COLSxROWS       resize the terminal (the kernel sends SIGWINCH)
 *   signal NAME            send a signal (TERM, HUP, INT, KILL, WINCH...) to
 *                          the command
 *   expect TEXT            TEXT is on the screen now
 *   expect-not TEXT        TEXT is not on the screen now
 *   expect-row N TEXT      row N (1 = top, -1 = bottom) contains TEXT
 *   expect-attr TEXT ATTR... every cell of the first TEXT on the screen has
 *                          ATTR: bold, underline, italic, blink, reverse,
 *                          strike, color (a non-default colour), fg=C, bg=C
 *                          (C: default, black..white, bright-black..
 *                          bright-white, 0..255); "!ATTR" negates
 *   expect-restored        the terminal is back to normal: main screen, cursor
 *                          visible, no mouse reporting
 *   expect-no-children     the command and every process it started are gone
 *                          (waits up to the timeout)
 *   mask REGEX             before `golden` compares (and writes), every match
 *                          of REGEX on a row is replaced by one '~' (for
 *                          clocks, ages, ids: include the padding around a
 *                          value of varying width in the regex)
 *   dump                   print the screen
 *   golden FILE            the screen text equals FILE (relative to -g DIR);
 *                          UPDATE_GOLDEN=1 rewrites FILE instead
 *
 * The "now" checks (expect*, dump, golden) first read the output until it has
 * been quiet for 100 ms (at most 1 s), so that they see a settled screen.
 */
#ifndef SRV_VT_SCRIPT_H
#define SRV_VT_SCRIPT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    VT_STEP_KEY,
    VT_STEP_KEYS,
    VT_STEP_WAIT,
    VT_STEP_WAIT_RE,
    VT_STEP_WAIT_GONE,
    VT_STEP_WAIT_EXIT,
    VT_STEP_SLEEP,
    VT_STEP_TIMEOUT,
    VT_STEP_RESIZE,
    VT_STEP_SIGNAL,
    VT_STEP_EXPECT,
    VT_STEP_EXPECT_NOT,
    VT_STEP_EXPECT_ROW,
    VT_STEP_EXPECT_ATTR,
    VT_STEP_EXPECT_RESTORED,
    VT_STEP_EXPECT_NO_CHILDREN,
    VT_STEP_MASK,
    VT_STEP_DUMP,
    VT_STEP_GOLDEN,
} vt_step_kind;

/* Colour in an attribute check. */
typedef enum { VT_COLOR_ANY = 0, VT_COLOR_DEFAULT, VT_COLOR_INDEX } vt_color_kind;

/* Attribute requirements: a bit set in `want` must equal the bit in `value`. */
#define VT_ATTR_BOLD (1u << 0)
#define VT_ATTR_UNDERLINE (1u << 1)
#define VT_ATTR_ITALIC (1u << 2)
#define VT_ATTR_BLINK (1u << 3)
#define VT_ATTR_REVERSE (1u << 4)
#define VT_ATTR_STRIKE (1u << 5)
#define VT_ATTR_COLOR (1u << 6) /* fg or bg not the default */

typedef struct {
    unsigned want, value;
    vt_color_kind fg_kind, bg_kind;
    bool fg_neg, bg_neg;
    int fg, bg; /* palette index for VT_COLOR_INDEX */
} vt_attrspec;

#define VT_MAX_KEYS 32

typedef struct {
    vt_step_kind kind;
    int line;        /* 1-based line in the script */
    char *src;       /* the line as written (for messages) */
    char *text;      /* TEXT, REGEX or FILE */
    size_t textlen;  /* bytes of text (TEXT may hold NULs after \x00) */
    int keys[VT_MAX_KEYS]; /* key codes (ui/keys.h) for key/action */
    int nkeys;
    long num;        /* ms, exit code (-1: any), row, signal */
    int cols, rows;  /* resize */
    bool has_re;
    regex_t re;      /* wait-re, mask */
    vt_attrspec attr;
} vt_step;

typedef struct {
    vt_step *steps;
    size_t n;
} vt_script;

/* An actions file: "name key" lines (a key name as ui/keys.c spells it). */
typedef struct {
    char **names;
    int *keys;
    size_t n;
} vt_actions;

/* Parse a script.  `name` is used in messages; `actions` may be NULL (then an
 * `action` step is an error).  Returns 0, or -1 with "NAME:LINE: message". */
int vt_script_parse(const char *text, const char *name,
                    const vt_actions *actions, vt_script *out, char *err,
                    size_t errlen);
void vt_script_free(vt_script *s);

/* Parse an actions file's text; the first key of a name wins.  Lines that
 * are blank or start with '#' are skipped.  Returns 0 or -1 with a message
 * naming NAME:LINE. */
int vt_actions_parse(const char *text, const char *name, vt_actions *out,
                     char *err, size_t errlen);
/* Key code of an action, KEYS_NONE when unknown. */
int vt_actions_key(const vt_actions *a, const char *name);
void vt_actions_free(vt_actions *a);

/* Parse "COLSxROWS" (both 1..1000). */
int vt_parse_size(const char *s, int *cols, int *rows);
/* Signal number of "TERM", "SIGTERM", "15"; -1 when unknown. */
int vt_signal_parse(const char *s);
/* Parse one attribute word into spec; -1 when unknown. */
int vt_attr_parse(const char *word, vt_attrspec *spec);

/* Replace every match of `re` in `row` (NUL-terminated, edited in place) by
 * one '~' (a match of zero length is skipped). */
void vt_mask_row(const regex_t *re, char *row);

#endif

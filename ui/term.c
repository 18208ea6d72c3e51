/* ui/term.c — see term.h. */
#include "config.h"

#include "ui/term.h"

#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static bool opened;
static bool have_termios;
static struct termios saved_termios;
static SCREEN *screen;
static int attrs[TH__COUNT];
static term_symbols syms;

static const term_symbols utf8_syms = {
    "✔", "✘", "▶", "·", "▲", "▸", "│", "─", "┌", "┐", "└", "┘", "●", "○", "→", "…",
};
static const term_symbols ascii_syms = {
    "+", "x", ">", ".", "!", ">", "|", "-", "+", "+", "+", "+", "*", "o", "->", "...",
};

const term_symbols *term_syms(void)
{
    return syms.ok ? &syms : &ascii_syms;
}

int term_attr(term_role r)
{
    return r >= 0 && r < TH__COUNT ? attrs[r] : (int)A_NORMAL;
}

static void setup_theme(bool color)
{
    /* attributes that carry meaning without colour */
    attrs[TH_NORMAL] = A_NORMAL;
    attrs[TH_DIM] = A_DIM;
    attrs[TH_TITLE] = A_BOLD;
    attrs[TH_HEADER] = A_BOLD;
    attrs[TH_SELECTED] = A_REVERSE;
    attrs[TH_OK] = A_NORMAL;
    attrs[TH_WARN] = A_NORMAL;
    attrs[TH_ERR] = A_BOLD;
    attrs[TH_INFO] = A_NORMAL;
    attrs[TH_KEY] = A_BOLD;
    attrs[TH_MATCH] = A_REVERSE;
    for (int i = 0; i < TH_NSOURCES; i++)
        attrs[TH_SOURCE0 + i] = A_NORMAL;
    if (!color)
        return;
    use_default_colors();
    static const short fg[] = {COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_BLUE,
                               COLOR_CYAN, COLOR_MAGENTA};
    for (short i = 0; i < 6; i++)
        init_pair((short)(i + 1), fg[i], -1);
    init_pair(7, COLOR_BLACK, COLOR_YELLOW); /* search match */
    attrs[TH_OK] = COLOR_PAIR(1);
    attrs[TH_WARN] = COLOR_PAIR(2);
    attrs[TH_ERR] = COLOR_PAIR(3) | A_BOLD;
    attrs[TH_INFO] = COLOR_PAIR(4);
    attrs[TH_KEY] = COLOR_PAIR(5) | A_BOLD;
    attrs[TH_MATCH] = COLOR_PAIR(7);
    attrs[TH_TITLE] = COLOR_PAIR(5) | A_BOLD;
    for (int i = 0; i < TH_NSOURCES; i++)
        attrs[TH_SOURCE0 + i] = COLOR_PAIR(1 + i % 6);
}

int term_open(term_info *ti, char *err, unsigned long errlen)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "the console needs a terminal (stdin and stdout "
                              "are not both ttys); use the headless commands");
        return -1;
    }
    have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
    const char *cs = nl_langinfo(CODESET);
    ti->utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
    syms = ti->utf8 ? utf8_syms : ascii_syms;
    screen = newterm(NULL, stdout, stdin);
    if (!screen) {
        const char *t = getenv("TERM");
        snprintf(err, errlen, "cannot initialise the terminal (TERM=%s)",
                 t ? t : "unset");
        return -1;
    }
    set_term(screen);
    opened = true;
    atexit(term_close);
    raw();      /* Ctrl-C arrives as a key: the console decides */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    mousemask(0, NULL);
    curs_set(0);
    leaveok(stdscr, TRUE);
    const char *nc = getenv("NO_COLOR");
    ti->color = has_colors() && !(nc && *nc);
    if (ti->color)
        start_color();
    setup_theme(ti->color);
    getmaxyx(stdscr, ti->rows, ti->cols);
    return 0;
}

void term_close(void)
{
    if (!opened)
        return;
    opened = false;
    curs_set(1);
    endwin();
    delscreen(screen);
    screen = NULL;
    fflush(stdout);
}

bool term_is_open(void)
{
    return opened;
}

void term_emergency_restore(void)
{
    static const char reset[] = "\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t w = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)w;
    if (have_termios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

void term_refresh_size(term_info *ti)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
        resizeterm(ws.ws_row, ws.ws_col);
    }
    getmaxyx(stdscr, ti->rows, ti->cols);
}

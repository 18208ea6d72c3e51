/* tests/vt/vtdemo.c — a tiny curses program that the screen-test harness
 * (vtrun) is tested on.
 *
 *   row 1   " vtdemo " (bold) and the terminal size
 *   rows 3+ a list of four items; the selected one in reverse video
 *   then    "last key: NAME" (ui/keys.c names) and what happened last
 *   bottom  the key help, green unless NO_COLOR is set
 *
 * Keys: j/k/Up/Down move, Enter selects, ':' opens a prompt (Enter shows the
 * text typed), 's' starts a `sleep 300` (VTDEMO_ORPHAN_SECONDS) in a session
 * of its own and leaves it behind, 'x' exits with status 3, 'q' quits (status 0).  SIGTERM and SIGHUP
 * restore the terminal and exit with 128+signal.  With --clock a row shows
 * the milliseconds since the start, which changes all the time. */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "ui/keys.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) { got_signal = sig; }

static const char *const items[] = {"alpha", "beta", "gamma", "delta"};

typedef struct {
    int sel;
    char lastkey[16];
    char event[128];
    bool prompt;
    char input[64];
    bool color;
    bool clock;
    uint64_t start;
} demo;

static void draw(const demo *d)
{
    erase();
    if (COLS < 20 || LINES < 8) {
        mvprintw(0, 0, "too small");
        refresh();
        return;
    }
    attron(A_BOLD);
    mvprintw(0, 0, " vtdemo ");
    attroff(A_BOLD);
    mvprintw(0, COLS - 12, "size %dx%d", COLS, LINES);
    for (int i = 0; i < 4; i++) {
        if (i == d->sel)
            attron(A_REVERSE);
        mvprintw(2 + i, 2, " %-10s", items[i]);
        if (i == d->sel)
            attroff(A_REVERSE);
    }
    mvprintw(7, 2, "last key: %s", d->lastkey);
    if (d->event[0])
        mvprintw(8 % LINES, 2, "%s", d->event);
    if (d->clock)
        mvprintw(LINES - 3, 2, "uptime %llu ms",
                 (unsigned long long)((util_now_ns() / 1000000u) - d->start));
    if (d->prompt)
        mvprintw(LINES - 2, 0, "> %s", d->input);
    if (d->color)
        attron(COLOR_PAIR(1));
    mvprintw(LINES - 1, 0, "q quit  j/k move  Enter select  : prompt");
    if (d->color)
        attroff(COLOR_PAIR(1));
    if (d->prompt) {
        move(LINES - 2, 2 + (int)strlen(d->input));
        curs_set(1);
    } else {
        curs_set(0);
    }
    refresh();
}

static void spawn_orphan(demo *d)
{
    pid_t p = fork();
    if (p == 0) {
        /* the grandchild: its own session, its parent gone at once */
        setsid();
        if (fork() == 0) {
            int fd;
            for (fd = 0; fd < 64; fd++)
                close(fd);
            const char *secs = getenv("VTDEMO_ORPHAN_SECONDS");
            execlp("sleep", "sleep", secs && *secs ? secs : "300", (char *)NULL);
            _exit(127);
        }
        _exit(0);
    }
    if (p > 0) {
        int st;
        while (waitpid(p, &st, 0) < 0)
            ;
    }
    snprintf(d->event, sizeof d->event, "spawned a sleep");
}

int main(int argc, char **argv)
{
    demo d;
    memset(&d, 0, sizeof d);
    d.clock = argc > 1 && !strcmp(argv[1], "--clock");
    d.start = util_now_ns() / 1000000u;
    snprintf(d.lastkey, sizeof d.lastkey, "none");

    setlocale(LC_ALL, "");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    initscr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    timeout(50);
    const char *nc = getenv("NO_COLOR");
    if (!(nc && *nc) && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_GREEN, -1);
        d.color = true;
    }
    draw(&d);
    int code = 0;
    for (;;) {
        if (got_signal) {
            endwin();
            printf("vtdemo: signal %d\n", (int)got_signal);
            return 128 + got_signal;
        }
        int ch = getch();
        if (ch == ERR) {
            if (d.clock)
                draw(&d);
            continue;
        }
        if (ch == KEY_RESIZE) {
            draw(&d);
            continue;
        }
        keys_name(ch, d.lastkey, sizeof d.lastkey);
        if (d.prompt) {
            int k = keys_normalize(ch);
            size_t n = strlen(d.input);
            if (k == '\r') {
                snprintf(d.event, sizeof d.event, "typed: %s", d.input);
                d.prompt = false;
            } else if (k == 27) {
                d.prompt = false;
            } else if (k == 127) {
                if (n)
                    d.input[n - 1] = '\0';
            } else if (ch >= 32 && ch < 256 && n + 1 < sizeof d.input) {
                d.input[n] = (char)ch;
                d.input[n + 1] = '\0';
            }
            draw(&d);
            continue;
        }
        switch (keys_normalize(ch)) {
        case 'q':
            goto out;
        case 'x':
            code = 3;
            goto out;
        case 'j':
        case KEY_DOWN:
            if (d.sel < 3)
                d.sel++;
            break;
        case 'k':
        case KEY_UP:
            if (d.sel > 0)
                d.sel--;
            break;
        case '\r':
            snprintf(d.event, sizeof d.event, "selected: %s", items[d.sel]);
            break;
        case ':':
            d.prompt = true;
            d.input[0] = '\0';
            break;
        case 's':
            spawn_orphan(&d);
            break;
        default:
            break;
        }
        draw(&d);
    }
out:
    endwin();
    printf("vtdemo: bye\n");
    return code;
}

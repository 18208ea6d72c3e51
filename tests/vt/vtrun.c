/* tests/vt/vtrun.c — the screen-test harness: runs a command in a pseudo-
 * terminal, keeps a libvterm screen of its output, and executes a script of
 * steps (keys, waits, checks on the screen; see vtscript.h).
 *
 *   vtrun [-s COLSxROWS] [-a ACTIONS] [-t SECONDS] [-g GOLDEN_DIR]
 *         [-l RAWLOG] [-v] SCRIPT|- -- COMMAND [ARG...]
 *
 * Exit status: 0 when every step passed, 1 when a step failed (the step, its
 * line and the screen are printed), 2 on a usage or script error.
 *
 * The command runs with TERM=xterm-256color (LINES and COLUMNS unset) in its
 * own session.  vtrun is a child subreaper, so that every process the
 * command starts stays its descendant, even when its parent dies: at the end
 * all of them are stopped (TERM to the command's group, KILL after 2 s), and
 * `expect-no-children` checks that none is left.
 *
 * Environment: UPDATE_GOLDEN=1 rewrites golden files; VTRUN_TIMEOUT_SCALE
 * multiplies every timeout (slow builds: sanitizers, valgrind).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/vt/vtscript.h"
#include "tests/vt/vtterm.h"

#define SETTLE_QUIET_MS 100
#define SETTLE_MAX_MS 1000

typedef struct {
    const char *script_name;
    vt_term *term;
    int master;        /* -1 once the pty reported EOF/EIO */
    pid_t child;       /* the command (session and group leader) */
    bool exited;
    int status;        /* wait status of the command */
    long timeout_ms;
    double scale;
    const char *golden_dir;
    FILE *rawlog;
    bool verbose;
    regex_t *masks[64];
    size_t nmasks;
    char why[1024];    /* reason of the current failure */
} vt_run;

static uint64_t now_ms(void) { return util_now_ns() / 1000000u; }

/* ---- processes ------------------------------------------------------------- */

/* Reap every child that has exited (the command and adopted orphans). */
static void reap(vt_run *r)
{
    int st;
    pid_t p;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
        if (p == r->child) {
            r->exited = true;
            r->status = st;
        }
    }
}

static void describe_status(int st, char *buf, size_t n)
{
    if (WIFEXITED(st))
        snprintf(buf, n, "exit status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    else
        snprintf(buf, n, "wait status %#x", (unsigned)st);
}

/* Descendants of this process (pids), from /proc.  Returns the count. */
static size_t descendants(pid_t *out, size_t cap)
{
    pid_t self = getpid();
    size_t n = 0, np = 0, capp = 256;
    pid_t *pids = util_xmalloc(capp * sizeof *pids);
    pid_t *ppids = util_xmalloc(capp * sizeof *ppids);
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char path[64], buf[512];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[got] = '\0';
        const char *rp = strrchr(buf, ')');
        char state;
        long ppid;
        if (!rp || sscanf(rp + 1, " %c %ld", &state, &ppid) != 2)
            continue;
        if (np == capp) {
            capp *= 2;
            pids = util_xrealloc(pids, capp * sizeof *pids);
            ppids = util_xrealloc(ppids, capp * sizeof *ppids);
        }
        pids[np] = (pid_t)pid;
        ppids[np++] = (pid_t)ppid;
    }
    if (d)
        closedir(d);
    /* breadth-first from self */
    pid_t *queue = util_xmalloc((np + 1) * sizeof *queue);
    size_t qh = 0, qt = 0;
    queue[qt++] = self;
    while (qh < qt) {
        pid_t parent = queue[qh++];
        for (size_t i = 0; i < np; i++)
            if (ppids[i] == parent && pids[i] != self) {
                queue[qt++] = pids[i];
                if (n < cap)
                    out[n] = pids[i];
                n++;
            }
    }
    free(queue);
    free(pids);
    free(ppids);
    return n < cap ? n : cap;
}

static void proc_cmdline(pid_t pid, char *buf, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
    FILE *f = fopen(path, "r");
    size_t got = f ? fread(buf, 1, n - 1, f) : 0;
    if (f)
        fclose(f);
    for (size_t i = 0; i < got; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    while (got && buf[got - 1] == ' ')
        got--;
    buf[got] = '\0';
    if (!got)
        snprintf(buf, n, "?");
}

/* Stop the command and everything it started: TERM to the command's group,
 * KILL to every descendant after 2 s. */
static void stop_all(vt_run *r)
{
    pid_t d[256];
    reap(r);
    if (!r->exited)
        kill(-r->child, SIGTERM);
    uint64_t end = now_ms() + 2000;
    for (;;) {
        reap(r);
        if (descendants(d, 256) == 0)
            return;
        if (now_ms() >= end)
            break;
        if (r->master >= 0) { /* keep draining so that nothing blocks */
            char buf[4096];
            ssize_t got = read(r->master, buf, sizeof buf);
            if (got <= 0 && errno != EAGAIN && errno != EINTR) {
                close(r->master);
                r->master = -1;
            }
        }
        usleep(10000);
    }
    size_t n = descendants(d, 256);
    for (size_t i = 0; i < n; i++)
        kill(d[i], SIGKILL);
    end = now_ms() + 2000;
    while (now_ms() < end) {
        reap(r);
        if (descendants(d, 256) == 0)
            return;
        usleep(10000);
    }
}

/* ---- the pty ---------------------------------------------------------------- */

static void feed(vt_run *r, const char *buf, size_t n)
{
    if (r->rawlog)
        fwrite(buf, 1, n, r->rawlog);
    vt_term_feed(r->term, buf, n);
}

static int write_all(vt_run *r, const char *p, size_t n);

/* Answers the terminal owes the program (device status and so on). */
static void answer(vt_run *r)
{
    strbuf sb = STRBUF_INIT;
    vt_term_take_output(r->term, &sb);
    if (sb.len)
        write_all(r, sb.data, sb.len);
    strbuf_free(&sb);
}

/* Read what is there, waiting at most `ms`.  Returns the bytes read. */
static size_t pump(vt_run *r, int ms)
{
    reap(r);
    if (r->master < 0) {
        if (ms > 0)
            usleep((useconds_t)ms * 1000);
        reap(r);
        return 0;
    }
    struct pollfd pfd = {.fd = r->master, .events = POLLIN};
    int rc = poll(&pfd, 1, ms);
    if (rc <= 0)
        return 0;
    size_t total = 0;
    for (;;) {
        char buf[65536];
        ssize_t got = read(r->master, buf, sizeof buf);
        if (got > 0) {
            feed(r, buf, (size_t)got);
            total += (size_t)got;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN)
            break;
        /* EOF or EIO: every slave descriptor is closed */
        close(r->master);
        r->master = -1;
        break;
    }
    answer(r);
    reap(r);
    return total;
}

static int write_all(vt_run *r, const char *p, size_t n)
{
    uint64_t end = now_ms() + (uint64_t)r->timeout_ms;
    while (n) {
        if (r->master < 0) {
            snprintf(r->why, sizeof r->why,
                     "cannot send: the terminal is closed (the command exited)");
            return -1;
        }
        ssize_t w = write(r->master, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN) {
            if (now_ms() >= end) {
                snprintf(r->why, sizeof r->why,
                         "cannot send: the command does not read its input");
                return -1;
            }
            /* the program may be blocked writing: read while we wait */
            struct pollfd pfd = {.fd = r->master, .events = POLLIN | POLLOUT};
            if (poll(&pfd, 1, 50) > 0 && (pfd.revents & POLLIN)) {
                char buf[65536];
                ssize_t got = read(r->master, buf, sizeof buf);
                if (got > 0)
                    feed(r, buf, (size_t)got);
            }
            continue;
        }
        snprintf(r->why, sizeof r->why, "cannot send: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Read until the output has been quiet for a while (bounded). */
static void settle(vt_run *r)
{
    uint64_t start = now_ms(), last = start;
    for (;;) {
        uint64_t t = now_ms();
        if (t - last >= SETTLE_QUIET_MS || t - start >= SETTLE_MAX_MS ||
            r->master < 0)
            return;
        if (pump(r, 20) > 0)
            last = now_ms();
    }
}

/* ---- screen output ------------------------------------------------------------ */

static void print_screen(vt_run *r, FILE *f, const char *title)
{
    int cols, rows, crow, ccol;
    vt_term_size(r->term, &cols, &rows);
    vt_term_cursor(r->term, &crow, &ccol);
    fprintf(f, "+--- %s %dx%d, cursor at row %d column %d%s\n", title, cols, rows,
            crow + 1, ccol + 1, vt_term_altscreen(r->term) ? ", alternate screen" : "");
    for (int i = 0; i < rows; i++) {
        char *s = vt_term_row_text(r->term, i, NULL);
        fprintf(f, "%3d|%s\n", i + 1, s);
        free(s);
    }
    fprintf(f, "+---\n");
    fflush(f);
}

/* The screen text compared with golden files: masks applied. */
static char *golden_text(vt_run *r)
{
    int cols, rows;
    vt_term_size(r->term, &cols, &rows);
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < rows; i++) {
        char *s = vt_term_row_text(r->term, i, NULL);
        for (size_t m = 0; m < r->nmasks; m++)
            vt_mask_row(r->masks[m], s);
        strbuf_adds(&sb, s);
        strbuf_addc(&sb, '\n');
        free(s);
    }
    return strbuf_detach(&sb, NULL);
}

/* Row-by-row differences between two screen texts. */
static void print_diff(const char *want, const char *have, FILE *f)
{
    const char *a = want, *b = have;
    int row = 0, shown = 0;
    while (*a || *b) {
        row++;
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a);
        size_t lb = eb ? (size_t)(eb - b) : strlen(b);
        bool has_a = *a != '\0', has_b = *b != '\0';
        if (!has_a || !has_b || la != lb || memcmp(a, b, la)) {
            fprintf(f, "  row %d:\n", row);
            if (has_a)
                fprintf(f, "  - %.*s\n", (int)la, a);
            else
                fprintf(f, "  - (no row)\n");
            if (has_b)
                fprintf(f, "  + %.*s\n", (int)lb, b);
            else
                fprintf(f, "  + (no row)\n");
            shown++;
        }
        a += la + (ea ? 1 : 0);
        b += lb + (eb ? 1 : 0);
    }
    if (!shown)
        fprintf(f, "  (no difference in the rows: line endings differ)\n");
}

/* ---- steps ---------------------------------------------------------------------- */

static bool text_on_screen(vt_run *r, const vt_step *st)
{
    return vt_term_find(r->term, st->text, NULL, NULL, NULL);
}

/* Wait until cond(r, st) == want, or the timeout. */
static bool wait_for(vt_run *r, const vt_step *st,
                     bool (*cond)(vt_run *, const vt_step *))
{
    uint64_t end = now_ms() + (uint64_t)r->timeout_ms;
    for (;;) {
        if (cond(r, st))
            return true;
        if (r->master < 0 && r->exited) {
            char s[128];
            describe_status(r->status, s, sizeof s);
            snprintf(r->why, sizeof r->why,
                     "the command ended (%s) and its output is complete", s);
            return false;
        }
        uint64_t t = now_ms();
        if (t >= end) {
            snprintf(r->why, sizeof r->why, "timed out after %.1f s",
                     (double)r->timeout_ms / 1000);
            return false;
        }
        uint64_t left = end - t;
        pump(r, left < 50 ? (int)left : 50);
    }
}

static bool c_present(vt_run *r, const vt_step *st) { return text_on_screen(r, st); }
static bool c_gone(vt_run *r, const vt_step *st) { return !text_on_screen(r, st); }
static bool c_regex(vt_run *r, const vt_step *st) { return vt_term_match(r->term, &st->re); }

static int step_golden(vt_run *r, const vt_step *st)
{
    char *path = st->text[0] == '/' || !r->golden_dir
                     ? util_xstrdup(st->text)
                     : util_path_join(r->golden_dir, st->text);
    char *have = golden_text(r);
    char err[SRV_ERRLEN];
    const char *upd = getenv("UPDATE_GOLDEN");
    int rc = 0;
    if (upd && !strcmp(upd, "1")) {
        if (util_write_file_atomic(path, have, strlen(have), err) < 0) {
            snprintf(r->why, sizeof r->why, "cannot update the golden file: %s", err);
            rc = -1;
        } else {
            printf("vtrun: golden file %s updated\n", path);
        }
    } else {
        char *want = NULL;
        size_t wl;
        if (util_read_file(path, 1 << 20, &want, &wl, err) < 0) {
            snprintf(r->why, sizeof r->why,
                     "%s (run with UPDATE_GOLDEN=1 to create it)", err);
            rc = -1;
        } else if (strcmp(want, have) != 0) {
            snprintf(r->why, sizeof r->why,
                     "the screen differs from %s (- golden, + screen; "
                     "UPDATE_GOLDEN=1 rewrites it):", path);
            fprintf(stdout, "vtrun: %s:%d: golden: %s\n", r->script_name,
                    st->line, r->why);
            print_diff(want, have, stdout);
            rc = -1;
        }
        free(want);
    }
    free(have);
    free(path);
    return rc;
}

static int step_expect_no_children(vt_run *r)
{
    pid_t d[256];
    uint64_t end = now_ms() + (uint64_t)r->timeout_ms;
    size_t n;
    for (;;) {
        pump(r, 20);
        n = descendants(d, 256);
        if (n == 0 && r->exited)
            return 0;
        if (now_ms() >= end)
            break;
    }
    strbuf sb = STRBUF_INIT;
    if (!r->exited)
        strbuf_addf(&sb, "the command (pid %ld) is still running; ", (long)r->child);
    strbuf_addf(&sb, "%zu process(es) left after %.1f s:", n,
                (double)r->timeout_ms / 1000);
    for (size_t i = 0; i < n && i < 16; i++) {
        char cmd[200];
        proc_cmdline(d[i], cmd, sizeof cmd);
        strbuf_addf(&sb, "\n    pid %ld: %s", (long)d[i], cmd);
    }
    snprintf(r->why, sizeof r->why, "%s", sb.data);
    strbuf_free(&sb);
    return -1;
}

static int run_step(vt_run *r, const vt_step *st)
{
    r->why[0] = '\0';
    switch (st->kind) {
    case VT_STEP_KEY: {
        strbuf sb = STRBUF_INIT;
        int rc = 0;
        for (int i = 0; i < st->nkeys && rc == 0; i++) {
            pump(r, 0);
            strbuf_reset(&sb);
            vt_term_key(r->term, st->keys[i], &sb);
            rc = write_all(r, sb.data ? sb.data : "", sb.len);
        }
        strbuf_free(&sb);
        return rc;
    }
    case VT_STEP_KEYS:
        pump(r, 0);
        return write_all(r, st->text, st->textlen);
    case VT_STEP_WAIT:
        return wait_for(r, st, c_present) ? 0 : -1;
    case VT_STEP_WAIT_GONE:
        return wait_for(r, st, c_gone) ? 0 : -1;
    case VT_STEP_WAIT_RE:
        return wait_for(r, st, c_regex) ? 0 : -1;
    case VT_STEP_WAIT_EXIT: {
        uint64_t end = now_ms() + (uint64_t)r->timeout_ms;
        while (!r->exited && now_ms() < end)
            pump(r, 20);
        if (!r->exited) {
            snprintf(r->why, sizeof r->why,
                     "the command is still running after %.1f s",
                     (double)r->timeout_ms / 1000);
            return -1;
        }
        settle(r);
        if (st->num >= 0 &&
            !(WIFEXITED(r->status) && WEXITSTATUS(r->status) == st->num)) {
            char s[128];
            describe_status(r->status, s, sizeof s);
            snprintf(r->why, sizeof r->why, "the command ended with %s, not %ld",
                     s, st->num);
            return -1;
        }
        return 0;
    }
    case VT_STEP_SLEEP: {
        uint64_t end = now_ms() + (uint64_t)st->num;
        for (uint64_t t; (t = now_ms()) < end;)
            pump(r, end - t < 50 ? (int)(end - t) : 50);
        return 0;
    }
    case VT_STEP_TIMEOUT:
        r->timeout_ms = (long)((double)st->num * r->scale);
        return 0;
    case VT_STEP_RESIZE: {
        pump(r, 0);
        vt_term_resize(r->term, st->cols, st->rows);
        struct winsize ws = {.ws_row = (unsigned short)st->rows,
                             .ws_col = (unsigned short)st->cols};
        if (r->master >= 0 && ioctl(r->master, TIOCSWINSZ, &ws) < 0) {
            snprintf(r->why, sizeof r->why, "TIOCSWINSZ: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    case VT_STEP_SIGNAL:
        reap(r);
        if (r->exited) {
            snprintf(r->why, sizeof r->why, "the command has already exited");
            return -1;
        }
        if (kill(r->child, (int)st->num) < 0) {
            snprintf(r->why, sizeof r->why, "kill: %s", strerror(errno));
            return -1;
        }
        return 0;
    case VT_STEP_EXPECT:
        settle(r);
        if (text_on_screen(r, st))
            return 0;
        snprintf(r->why, sizeof r->why, "the text is not on the screen");
        return -1;
    case VT_STEP_EXPECT_NOT: {
        settle(r);
        int row, col, nc;
        if (!vt_term_find(r->term, st->text, &row, &col, &nc))
            return 0;
        snprintf(r->why, sizeof r->why, "the text is on the screen (row %d column %d)",
                 row + 1, col + 1);
        return -1;
    }
    case VT_STEP_EXPECT_ROW: {
        settle(r);
        int cols, rows;
        vt_term_size(r->term, &cols, &rows);
        long row = st->num > 0 ? st->num - 1 : rows + st->num;
        if (row < 0 || row >= rows) {
            snprintf(r->why, sizeof r->why, "the screen has %d rows", rows);
            return -1;
        }
        char *s = vt_term_row_text(r->term, (int)row, NULL);
        bool ok = strstr(s, st->text) != NULL;
        if (!ok)
            snprintf(r->why, sizeof r->why, "row %ld is \"%s\"", row + 1, s);
        free(s);
        return ok ? 0 : -1;
    }
    case VT_STEP_EXPECT_ATTR: {
        settle(r);
        int row, col, nc;
        if (!vt_term_find(r->term, st->text, &row, &col, &nc)) {
            snprintf(r->why, sizeof r->why, "the text is not on the screen");
            return -1;
        }
        char why[512];
        if (vt_term_check_attr(r->term, row, col, nc, &st->attr, why, sizeof why))
            return 0;
        snprintf(r->why, sizeof r->why, "%s", why);
        return -1;
    }
    case VT_STEP_EXPECT_RESTORED: {
        settle(r);
        if (vt_term_altscreen(r->term)) {
            snprintf(r->why, sizeof r->why, "the alternate screen is still on");
            return -1;
        }
        if (!vt_term_cursor_visible(r->term)) {
            snprintf(r->why, sizeof r->why, "the cursor is still hidden");
            return -1;
        }
        if (vt_term_mouse(r->term)) {
            snprintf(r->why, sizeof r->why, "mouse reporting is still on");
            return -1;
        }
        return 0;
    }
    case VT_STEP_EXPECT_NO_CHILDREN:
        return step_expect_no_children(r);
    case VT_STEP_MASK:
        if (r->nmasks == SRV_ARRAY_LEN(r->masks)) {
            snprintf(r->why, sizeof r->why, "too many masks");
            return -1;
        }
        r->masks[r->nmasks++] = (regex_t *)&st->re;
        return 0;
    case VT_STEP_DUMP:
        settle(r);
        print_screen(r, stdout, "screen");
        return 0;
    case VT_STEP_GOLDEN:
        settle(r);
        return step_golden(r, st);
    }
    return 0;
}

/* ---- main ----------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vtrun [-s COLSxROWS] [-a ACTIONS] [-t SECONDS] [-g GOLDEN_DIR]\n"
            "             [-l RAWLOG] [-v] SCRIPT|- -- COMMAND [ARG...]\n");
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return util_xstrdup(".");
    if (slash == path)
        return util_xstrdup("/");
    return util_xstrndup(path, (size_t)(slash - path));
}

int main(int argc, char **argv)
{
    /* regexes over UTF-8 screen text: '.' is one character */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    int cols = 80, rows = 24;
    const char *actions_file = NULL, *golden_dir = NULL, *rawlog = NULL;
    double timeout_s = 5;
    bool verbose = false;
    int opt;
    while ((opt = getopt(argc, argv, "+s:a:t:g:l:vh")) != -1) {
        switch (opt) {
        case 's':
            if (vt_parse_size(optarg, &cols, &rows) < 0) {
                fprintf(stderr, "vtrun: -s wants COLSxROWS, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'a': actions_file = optarg; break;
        case 'g': golden_dir = optarg; break;
        case 'l': rawlog = optarg; break;
        case 'v': verbose = true; break;
        case 't': {
            char *end;
            timeout_s = strtod(optarg, &end);
            if (*end || !(timeout_s > 0)) {
                fprintf(stderr, "vtrun: -t wants seconds, not '%s'\n", optarg);
                return 2;
            }
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *script_path = argv[optind++];
    if (optind < argc && !strcmp(argv[optind], "--"))
        optind++;
    if (optind >= argc) {
        fprintf(stderr, "vtrun: no command to run\n");
        usage(stderr);
        return 2;
    }

    char err[SRV_ERRLEN];
    vt_actions actions = {0};
    bool have_actions = false;
    if (actions_file) {
        char *text;
        size_t len;
        if (util_read_file(actions_file, 1 << 20, &text, &len, err) < 0) {
            fprintf(stderr, "vtrun: %s\n", err);
            return 2;
        }
        int rc = vt_actions_parse(text, actions_file, &actions, err, sizeof err);
        free(text);
        if (rc < 0) {
            fprintf(stderr, "vtrun: %s\n", err);
            return 2;
        }
        have_actions = true;
    }

    char *stext;
    size_t slen;
    const char *sname = script_path;
    if (!strcmp(script_path, "-")) {
        strbuf sb = STRBUF_INIT;
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, stdin)) > 0)
            strbuf_add(&sb, buf, got);
        stext = strbuf_detach(&sb, &slen);
        sname = "<stdin>";
    } else if (util_read_file(script_path, 1 << 20, &stext, &slen, err) < 0) {
        fprintf(stderr, "vtrun: %s\n", err);
        vt_actions_free(&actions);
        return 2;
    }
    vt_script script;
    int prc = vt_script_parse(stext, sname, have_actions ? &actions : NULL,
                              &script, err, sizeof err);
    free(stext);
    vt_actions_free(&actions);
    if (prc < 0) {
        fprintf(stderr, "vtrun: %s\n", err);
        return 2;
    }

    vt_run r;
    memset(&r, 0, sizeof r);
    r.script_name = sname;
    r.verbose = verbose;
    r.scale = 1;
    const char *sc = getenv("VTRUN_TIMEOUT_SCALE");
    if (sc && *sc) {
        char *end;
        double v = strtod(sc, &end);
        if (!*end && v > 0)
            r.scale = v;
    }
    r.timeout_ms = (long)(timeout_s * 1000 * r.scale);
    char *gdir = golden_dir ? util_xstrdup(golden_dir)
                 : strcmp(script_path, "-") ? dir_of(script_path)
                                            : util_xstrdup(".");
    r.golden_dir = gdir;
    if (rawlog && !(r.rawlog = fopen(rawlog, "wb"))) {
        fprintf(stderr, "vtrun: %s: %s\n", rawlog, strerror(errno));
        vt_script_free(&script);
        free(gdir);
        return 2;
    }

    /* adopt orphans, so that nothing the command starts escapes */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGPIPE, SIG_IGN);

    r.term = vt_term_new(cols, rows);
    struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
    fflush(NULL);
    r.child = forkpty(&r.master, NULL, NULL, &ws);
    if (r.child < 0) {
        fprintf(stderr, "vtrun: forkpty: %s\n", strerror(errno));
        return 2;
    }
    if (r.child == 0) {
        setenv("TERM", "xterm-256color", 1);
        unsetenv("LINES");
        unsetenv("COLUMNS");
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "vtrun: %s: %s\r\n", argv[optind], strerror(errno));
        _exit(127);
    }
    fcntl(r.master, F_SETFL, fcntl(r.master, F_GETFL) | O_NONBLOCK);

    int status = 0;
    for (size_t i = 0; i < script.n; i++) {
        const vt_step *st = &script.steps[i];
        if (r.verbose)
            fprintf(stderr, "vtrun: %s:%d: %s\n", sname, st->line, st->src);
        if (run_step(&r, st) < 0) {
            /* a golden mismatch has printed its diff already */
            if (st->kind != VT_STEP_GOLDEN || strncmp(r.why, "the screen differs", 18))
                printf("vtrun: %s:%d: step failed: %s\n  %s\n", sname, st->line,
                       st->src, r.why);
            else
                printf("vtrun: %s:%d: step failed: %s\n", sname, st->line, st->src);
            pump(&r, 0);
            print_screen(&r, stdout, "screen");
            status = 1;
            break;
        }
    }
    stop_all(&r);
    if (r.master >= 0)
        close(r.master);
    if (r.rawlog)
        fclose(r.rawlog);
    if (status == 0 && r.verbose)
        fprintf(stderr, "vtrun: %s: all %zu steps passed\n", sname, script.n);
    vt_term_free(r.term);
    vt_script_free(&script);
    free(gdir);
    return status;
}

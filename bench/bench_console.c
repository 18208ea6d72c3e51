/* bench/bench_console.c — the console under load, in a 200x50 pseudo-
 * terminal, as a user sees it.  Prints (figures, not pass/fail):
 *
 *   - start to first frame (fork to the first screen holding the header,
 *     and the console's own measure from main() to its first doupdate);
 *   - ingest: a deployment whose step floods N 120-byte lines into the log
 *     pane; lines/s from the confirm key to the "passed" state, and the
 *     ratio to `cat FILE > /dev/null` of the same lines in the same run;
 *   - memory: the log store's bytes per retained line over the line's own
 *     bytes, and the console's peak RSS;
 *   - key-to-screen latency during the flood: `?` until the help screen's
 *     text is on the terminal (several samples: median and worst);
 *   - idle CPU: the console's user+system time over IDLE seconds with a
 *     stack of containers shown (a fake docker whose event stream stays
 *     open), as a percentage of one core.
 *
 * Usage: bench_console [LINES] [IDLE_SECONDS]   (defaults 10000000 and 30)
 * Needs $SRVCONSOLE (the binary) and $top_srcdir (for the fake docker). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

static double now_s(void)
{
    return (double)util_now_ns() / 1e9;
}

static char dir[256];

static void writef(const char *rel, const char *fmt, ...) SRV_PRINTF(2, 3);
static void writef(const char *rel, const char *fmt, ...)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    char err[256];
    util_mkdirs(path, err);
    *slash = '/';
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* ---- the console in a pty ------------------------------------------------------- */

static int master = -1;
static pid_t child = -1;
static char *screen; /* everything the console wrote since the last mark */
static size_t screen_len, screen_cap;

static void pump(int timeout_ms)
{
    struct pollfd p = {master, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0)
        return;
    char buf[65536];
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0)
        return;
    if (screen_len + (size_t)n + 1 > screen_cap) {
        screen_cap = (screen_len + (size_t)n + 1) * 2;
        screen = realloc(screen, screen_cap);
    }
    memcpy(screen + screen_len, buf, (size_t)n);
    screen_len += (size_t)n;
    screen[screen_len] = '\0';
}

static void mark(void)
{
    screen_len = 0;
    if (screen)
        screen[0] = '\0';
}

static bool seen(const char *text)
{
    return screen && memmem(screen, screen_len, text, strlen(text)) != NULL;
}

/* Wait until `text` was written; seconds waited, or -1 on timeout. */
static double wait_for(const char *text, double timeout)
{
    double t0 = now_s();
    while (!seen(text)) {
        if (now_s() - t0 > timeout)
            return -1;
        pump(5);
    }
    return now_s() - t0;
}

static void send_keys(const char *s)
{
    ssize_t w = write(master, s, strlen(s));
    (void)w;
}

static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
                     &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long status_kb(pid_t pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key)))
            v = atol(line + strlen(key) + 1);
    if (f)
        fclose(f);
    return v;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long nlines = argc > 1 ? atol(argv[1]) : 10000000;
    int idle = argc > 2 ? atoi(argv[2]) : 30;
    const char *bin = getenv("SRVCONSOLE");
    const char *top = getenv("top_srcdir");
    if (!bin || !top) {
        fprintf(stderr, "bench_console: set SRVCONSOLE and top_srcdir (make bench does)\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/srvconsole-bench-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }

    /* a project whose one deployment floods the log pane */
    writef("proj/infrastructure/config-registry.yaml", "metadata:\n  name: bench\n");
    writef("proj/flood.sh",
           "#!/bin/sh\nyes '%0118d' | head -n \"$1\"\n", 0);
    writef("proj/infrastructure/shared/configs/deployments/bench.json",
           "{\"deployments\": [{\"name\": \"Flood\", \"shortName\": \"flood\",\n"
           " \"description\": \"%ld lines of 120 bytes\", \"environments\": [\"local\"],\n"
           " \"target\": {\"type\": \"sh\", \"composing\": \"service\",\n"
           "  \"deployCommand\": \"sh ./flood.sh\", \"defaultArgs\": \"%ld\"}}]}\n",
           nlines, nlines);
    /* a stack of containers, shown while idle (fake docker, events stay open) */
    strbuf ps = STRBUF_INIT;
    const char *names[] = {"bench-mongo", "bench-redis", "bench-rabbitmq", "bench-engine",
                           "bench-agent"};
    for (int i = 0; i < 5; i++)
        strbuf_addf(&ps,
                    "{\"ID\":\"%064d\",\"Names\":\"%s\",\"Image\":\"busybox\","
                    "\"State\":\"running\",\"Status\":\"Up 5 minutes\",\"Ports\":\"\","
                    "\"Labels\":\"com.docker.compose.project=compose,com.docker.compose."
                    "service=%s\",\"CreatedAt\":\"2026-11-28 10:00:00 +0000 UTC\"}\n",
                    i + 1, names[i], names[i] + 6);
    writef("fake/ps.jsonl", "%s", ps.data);
    strbuf_free(&ps);
    writef("fake/events.jsonl", "%s", "");
    char bindir[400], src[600], dst[600];
    snprintf(bindir, sizeof bindir, "%s/bin", dir);
    mkdir(bindir, 0755);
    snprintf(src, sizeof src, "%s/tests/fakes/docker-replay", top);
    snprintf(dst, sizeof dst, "%s/docker", bindir);
    if (symlink(src, dst) != 0) {
        perror(dst);
        return 2;
    }
    /* the same lines for cat */
    char flood[600], cmd[1400];
    snprintf(flood, sizeof flood, "%s/lines.txt", dir);
    snprintf(cmd, sizeof cmd, "yes '%0118d' | head -n %ld > %s", 0, nlines, flood);
    if (system(cmd) != 0)
        return 2;
    snprintf(cmd, sizeof cmd, "cat %s > /dev/null", flood);
    double t0 = now_s();
    if (system(cmd) != 0)
        return 2;
    double t_cat = now_s() - t0;
    /* cat > /dev/null never reads (copy_file_range/splice); a pipe is what
     * a child's output crosses, so also time the lines through one */
    snprintf(cmd, sizeof cmd, "cat %s | cat > /dev/null", flood);
    t0 = now_s();
    if (system(cmd) != 0)
        return 2;
    double t_pipe = now_s() - t0;

    char stats[400];
    snprintf(stats, sizeof stats, "%s/stats", dir);
    struct winsize ws = {.ws_row = 50, .ws_col = 200};
    t0 = now_s();
    child = forkpty(&master, NULL, NULL, &ws);
    if (child < 0) {
        perror("forkpty");
        return 2;
    }
    if (child == 0) {
        char path[2048];
        snprintf(path, sizeof path, "%s:%s", bindir, getenv("PATH") ? getenv("PATH") : "");
        char fakedir[400], root[400];
        snprintf(fakedir, sizeof fakedir, "%s/fake", dir);
        snprintf(root, sizeof root, "%s/proj", dir);
        setenv("PATH", path, 1);
        setenv("FAKE_DOCKER_DIR", fakedir, 1);
        setenv("TERM", "xterm-256color", 1);
        setenv("SRVCONSOLE_STATS", stats, 1);
        setenv("SRVCONSOLE_COMPOSE", "docker compose", 1);
        setenv("XDG_CONFIG_HOME", dir, 1);
        unsetenv("LINES");
        unsetenv("COLUMNS");
        execl(bin, bin, "--root", root, (char *)NULL);
        _exit(127);
    }
    double t_first = wait_for("bench", 10);
    double t_table = wait_for("bench-agent", 10);

    /* ingest: :run local flood, confirm */
    mark();
    send_keys(":run local flood\r");
    if (wait_for("Run Flood", 10) < 0) {
        fprintf(stderr, "bench_console: the confirm dialog did not show\n%.*s\n",
                (int)(screen_len > 4000 ? 4000 : screen_len), screen ? screen : "");
        kill(child, SIGKILL);
        return 1;
    }
    mark();
    double t_run = now_s();
    send_keys("y");
    /* key latency samples while the flood runs */
    double lat[16];
    int nlat = 0;
    double t_done = -1;
    while (now_s() - t_run < 600) {
        pump(5);
        if (seen("passed")) {
            t_done = now_s();
            break;
        }
        if (nlat < 16 && now_s() - t_run > 0.2 * (nlat + 1)) {
            size_t keep = screen_len;
            send_keys("?");
            double t_k = now_s();
            while (!seen("keys in effect") && now_s() - t_k < 5)
                pump(1);
            lat[nlat++] = now_s() - t_k;
            send_keys("\033");
            (void)keep;
            mark();
        }
    }
    long hwm = status_kb(child, "VmHWM:");

    /* idle */
    double c0 = cpu_seconds(child);
    double i0 = now_s();
    while (now_s() - i0 < idle)
        pump(100);
    double c1 = cpu_seconds(child);

    send_keys("q");
    int st = 0;
    double tq = now_s();
    while (waitpid(child, &st, WNOHANG) == 0 && now_s() - tq < 10)
        pump(20);

    /* the console's own figures */
    long s_first_us = -1, s_lines = -1, s_bytes = -1, s_store = -1, s_kept = -1,
         s_kept_bytes = -1, s_dropped = -1;
    FILE *f = fopen(stats, "r");
    char key[64];
    long val;
    while (f && fscanf(f, "%63s %ld", key, &val) == 2) {
        if (!strcmp(key, "first_frame_us")) s_first_us = val;
        else if (!strcmp(key, "run_lines")) s_lines = val;
        else if (!strcmp(key, "run_bytes")) s_bytes = val;
        else if (!strcmp(key, "store_bytes")) s_store = val;
        else if (!strcmp(key, "store_lines")) s_kept = val;
        else if (!strcmp(key, "store_text_bytes")) s_kept_bytes = val;
        else if (!strcmp(key, "dropped")) s_dropped = val;
    }
    if (f)
        fclose(f);

    printf("console bench: 200x50 pty, %ld lines of 120 bytes\n", nlines);
    printf("  first frame (fork to header on screen): %8.2f ms   [target <= 10 ms]\n",
           t_first * 1e3);
    printf("  first frame (console: main to doupdate): %7.2f ms\n", s_first_us / 1e3);
    printf("  container table on screen:              %8.2f ms\n",
           (t_first + t_table) * 1e3);
    if (t_done > 0) {
        double secs = t_done - t_run;
        printf("  ingest: %ld lines in %.3f s = %.0f lines/s   [target >= 1,000,000]\n",
               s_lines > 0 ? s_lines : nlines, secs,
               (double)(s_lines > 0 ? s_lines : nlines) / secs);
        printf("  cat FILE > /dev/null: %.3f s = %.0f lines/s; console/cat time ratio %.1fx\n",
               t_cat, (double)nlines / t_cat, secs / t_cat);
        printf("  cat FILE | cat > /dev/null: %.3f s; console/(cat|cat) time ratio %.1fx\n",
               t_pipe, secs / t_pipe);
    } else {
        printf("  ingest: the run did not reach 'passed' within 600 s\n");
    }
    if (s_kept > 0 && s_kept_bytes > 0)
        printf("  log store: %ld lines retained, %ld dropped; %.3f bytes per byte of "
               "line text   [target <= 1.25]\n",
               s_kept, s_dropped, (double)s_store / (double)s_kept_bytes);
    printf("  peak RSS of the console: %.1f MiB\n", hwm / 1024.0);
    (void)s_bytes;
    if (nlat) {
        qsort(lat, (size_t)nlat, sizeof lat[0], cmp_d);
        printf("  key to screen during the flood: median %.1f ms, worst %.1f ms over %d "
               "keys   [target <= 50 ms]\n",
               lat[nlat / 2] * 1e3, lat[nlat - 1] * 1e3, nlat);
    }
    if (c0 >= 0 && c1 >= 0)
        printf("  idle CPU over %d s with %d containers shown: %.3f%% of a core   "
               "[target <= 0.1%%]\n",
               idle, 5, (c1 - c0) / (double)idle * 100.0);
    printf("  quit: %s\n", WIFEXITED(st) ? "exited" : "did not exit in 10 s");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return 0;
}

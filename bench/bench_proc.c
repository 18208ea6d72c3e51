/* bench/bench_proc.c — output ingest through core/proc and core/runner
 * (make bench).
 *
 * A child (`cat FILE`) writes N 100-byte lines; they go through core/proc
 * (pipe, line splitting) into the runner's line events, where a sink counts
 * lines and bytes.  Printed, in one run:
 *  - lines/s for 1 million and 10 million lines (target >= 1,000,000/s);
 *  - the ratio to `cat FILE > /dev/null` and to `cat FILE | cat > /dev/null`
 *    measured in the same run on the same file (target: within 2x of cat);
 *  - peak RSS after the 1M run and after the 10M run (must stay flat).
 * Each figure is the best of BENCH_RUNS runs (default 3).  Files go to
 * BENCH_DIR, else /tmp.  Figures only; the count of lines is checked. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/plan.h"
#include "core/runner.h"
#include "core/util.h"

#define LINE_BYTES 100

typedef struct {
    size_t lines, bytes;
    bool ended;
    runner_outcome outcome;
} sink;

static void s_line(void *u, size_t i, runner_stream st, const char *text, size_t len)
{
    sink *s = u;
    if (st == RUNNER_STDOUT) {
        s->lines++;
        s->bytes += len + 1;
    }
}

static void s_end(void *u, const plan *p, const runner_result *r, size_t failed)
{
    sink *s = u;
    s->ended = true;
    s->outcome = r->outcome;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int write_lines(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    char line[LINE_BYTES + 1];
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(line, sizeof line, "%09zu ", i);
        memset(line + k, 'a' + (int)(i % 26), LINE_BYTES - 1 - (size_t)k);
        line[LINE_BYTES - 1] = '\n';
        fwrite(line, 1, LINE_BYTES, f);
    }
    return fclose(f);
}

/* Wall seconds of a shell command (best of runs). */
static double time_shell(const char *cmd, int runs)
{
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        uint64_t t0 = util_now_ns();
        if (system(cmd) != 0) {
            fprintf(stderr, "bench_proc: `%s` failed\n", cmd);
            return -1;
        }
        double s = (double)(util_now_ns() - t0) / 1e9;
        if (s < best)
            best = s;
    }
    return best;
}

/* Wall seconds of the plan {cat FILE} through the runner (best of runs). */
static double time_runner(const char *path, size_t want, int runs)
{
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        plan *p = util_xcalloc(1, sizeof *p);
        arena *a = util_xmalloc(sizeof *a);
        arena_init(a);
        p->priv = a;
        p->steps = arena_alloc(a, sizeof(plan_step));
        p->n_steps = 1;
        p->steps[0].kind = PLAN_ARGV;
        p->steps[0].phase = PLAN_MAIN;
        p->steps[0].argv = arena_alloc(a, 3 * sizeof(char *));
        p->steps[0].argv[0] = arena_strdup(a, "cat");
        p->steps[0].argv[1] = arena_strdup(a, path);

        uv_loop_t loop;
        uv_loop_init(&loop);
        sink s = {0};
        runner_callbacks cb = {.plan_end = s_end, .line = s_line};
        runner *rn = runner_new(&loop, &cb, &s);
        char err[256];
        uint64_t t0 = util_now_ns();
        if (runner_start(rn, p, err, sizeof err) != 0) {
            fprintf(stderr, "bench_proc: %s\n", err);
            exit(1);
        }
        while (!s.ended && uv_run(&loop, UV_RUN_ONCE))
            ;
        double sec = (double)(util_now_ns() - t0) / 1e9;
        runner_free(rn);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        plan_free(p);
        if (s.outcome != RUNNER_OK || s.lines != want || s.bytes != want * LINE_BYTES) {
            fprintf(stderr, "bench_proc: got %zu lines / %zu bytes, want %zu lines\n", s.lines,
                    s.bytes, want);
            exit(1);
        }
        if (sec < best)
            best = sec;
    }
    return best;
}

static void bench_one(const char *dir, size_t n, int runs)
{
    char *path = util_xasprintf("%s/bench_proc.%zu.txt", dir, n);
    if (write_lines(path, n) != 0) {
        fprintf(stderr, "bench_proc: cannot write %s\n", path);
        exit(1);
    }
    char *c1 = util_xasprintf("cat '%s' > /dev/null", path);
    char *c2 = util_xasprintf("cat '%s' | cat > /dev/null", path);
    (void)time_shell(c1, 1); /* warm the page cache */
    double t_cat = time_shell(c1, runs);
    double t_pipe = time_shell(c2, runs);
    double t_us = time_runner(path, n, runs);
    printf("%9zu lines x %d B: %8.3f s  %12.0f lines/s  %6.2fx cat>/dev/null (%.3f s)  "
           "%5.2fx cat|cat (%.3f s)  peak RSS %ld KiB\n",
           n, LINE_BYTES, t_us, (double)n / t_us, t_us / t_cat, t_cat, t_us / t_pipe, t_pipe,
           peak_rss_kib());
    fflush(stdout);
    unlink(path);
    free(c1);
    free(c2);
    free(path);
}

int main(void)
{
    const char *dir = getenv("BENCH_DIR");
    if (!dir || !util_is_dir(dir))
        dir = "/tmp";
    int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 3;
    if (runs < 1)
        runs = 1;
    printf("process output through core/proc + core/runner (best of %d; target >= 1,000,000 "
           "lines/s, <= 2x cat)\n",
           runs);
    long rss0 = peak_rss_kib();
    bench_one(dir, 1000000, runs);
    long rss1 = peak_rss_kib();
    bench_one(dir, 10000000, runs);
    long rss10 = peak_rss_kib();
    printf("peak RSS: start %ld KiB, after 1M lines %ld KiB, after 10M lines %ld KiB (%+ld KiB)\n",
           rss0, rss1, rss10, rss10 - rss1);
    return 0;
}

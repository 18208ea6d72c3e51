/* bench/bench_logstore.c — the log store under a flood (make bench).
 *
 * Prints, in one run:
 *  - append rate of 120-byte lines into a 16 MiB store (one source using the
 *    whole cap, and the default quota of half the cap), with trimming going
 *    on, against a plain memcpy of the same bytes into a ring (the floor);
 *  - memory per retained line: bytes the store charges, and the RSS it
 *    added, over the text bytes retained (target <= 1.25);
 *  - peak RSS of the process;
 *  - search over the full store: counting matches of a literal ("error") and
 *    of a regular expression, and building an "only matching lines" filter.
 * Figures only; nothing is asserted. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/logstore.h"
#include "core/util.h"

#define LINE 120
#define CAP ((size_t)16 << 20)

static size_t rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    unsigned long size = 0, res = 0;
    if (fscanf(f, "%lu %lu", &size, &res) != 2)
        res = 0;
    fclose(f);
    return (size_t)res * 4;
}

static size_t peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (size_t)ru.ru_maxrss;
}

/* A log-like line of exactly LINE bytes; one in 50 says "error". */
static void mkline(char *buf, size_t i)
{
    int k = snprintf(buf, LINE + 1,
                     "2025-06-10T09:15:%02zu.%06zuZ %s request id=%zu path=/api/v1/items/%zu took %zums ",
                     (i / 1000) % 60, i % 1000000, i % 50 == 7 ? "error" : "info ", i, i % 977,
                     i % 300);
    for (size_t j = (size_t)k; j < LINE; j++)
        buf[j] = (char)('a' + j % 26);
}

static double append_rate(size_t cap, size_t scap, size_t n, const char *lines, size_t nl,
                          logstore **keep)
{
    logstore *ls = logstore_new(cap, scap);
    int s = logstore_source(ls, "flood");
    uint64_t t0 = util_now_ns();
    for (size_t i = 0; i < n; i++)
        logstore_append(ls, s, LOGSTORE_STDOUT, i, lines + (i % nl) * LINE, LINE);
    double secs = (double)(util_now_ns() - t0) / 1e9;
    if (keep)
        *keep = ls;
    else
        logstore_free(ls);
    return (double)n / secs;
}

/* A quiet source's 40,000 old lines, then a flood from another source over
 * its quota: every trim of the flood's oldest lines rewrites the index past
 * the quiet lines (the costly case of per-source trimming). */
static double append_rate_next_to_quiet(size_t n, const char *lines, size_t nl)
{
    logstore *ls = logstore_new(CAP, 0);
    int q = logstore_source(ls, "quiet");
    int s = logstore_source(ls, "flood");
    for (size_t i = 0; i < 40000; i++)
        logstore_append(ls, q, LOGSTORE_STDOUT, i, lines + (i % nl) * LINE, LINE);
    uint64_t t0 = util_now_ns();
    for (size_t i = 0; i < n; i++)
        logstore_append(ls, s, LOGSTORE_STDOUT, i, lines + (i % nl) * LINE, LINE);
    double secs = (double)(util_now_ns() - t0) / 1e9;
    if (logstore_source_dropped(ls, q) != 0)
        fprintf(stderr, "bench_logstore: the quiet source lost lines\n");
    logstore_free(ls);
    return (double)n / secs;
}

int main(void)
{
    const size_t nl = 4096, n = 5000000;
    char *lines = util_xmalloc(nl * LINE + 1);
    for (size_t i = 0; i < nl; i++)
        mkline(lines + i * LINE, i);

    /* the floor: copy the same bytes into a 16 MiB ring */
    char *ring = util_xmalloc(CAP);
    size_t at = 0;
    uint64_t t0 = util_now_ns();
    for (size_t i = 0; i < n; i++) {
        if (at + LINE > CAP)
            at = 0;
        memcpy(ring + at, lines + (i % nl) * LINE, LINE);
        at += LINE;
    }
    double memcpy_rate = (double)n / ((double)(util_now_ns() - t0) / 1e9);
    volatile char sink = ring[at / 2];
    (void)sink;
    free(ring);

    /* RSS per retained byte, sampled every 50,000 lines once the store is
     * full (it breathes by a trim's worth), then the flood's rate alone */
    size_t rss0 = rss_kib();
    double rss_max = 0, rss_sum = 0;
    size_t samples = 0;
    {
        logstore *probe = logstore_new(CAP, CAP);
        int s = logstore_source(probe, "flood");
        for (size_t i = 0; i < 2 * n / 5; i++) {
            logstore_append(probe, s, LOGSTORE_STDOUT, i, lines + (i % nl) * LINE, LINE);
            if (i % 50000 == 0 && logstore_dropped(probe)) {
                double r = (double)(rss_kib() - rss0) * 1024.0 /
                           ((double)(logstore_count(probe) - 1) * LINE);
                rss_max = r > rss_max ? r : rss_max;
                rss_sum += r;
                samples++;
            }
        }
        logstore_free(probe);
    }
    logstore *ls = NULL;
    double full = append_rate(CAP, CAP, n, lines, nl, &ls);
    double half = append_rate(CAP, 0, n, lines, nl, NULL);
    double mixed = append_rate_next_to_quiet(n, lines, nl);

    size_t retained = logstore_count(ls) - (logstore_dropped(ls) ? 1 : 0);
    double text = (double)retained * LINE;
    double charged = (double)logstore_bytes(ls) / text;

    printf("logstore append, %d-byte lines, %zu lines through a %zu MiB store\n", LINE, n,
           CAP >> 20);
    printf("  one source, quota = cap     %12.0f lines/s  (%.1f ns/line)\n", full, 1e9 / full);
    printf("  one source, quota = cap/2   %12.0f lines/s\n", half);
    printf("  next to 40k quiet lines     %12.0f lines/s  (per-source trims)\n", mixed);
    printf("  memcpy into a ring (floor)  %12.0f lines/s  -> store at %.2fx of memcpy\n",
           memcpy_rate, memcpy_rate / full);
    printf("  retained %zu lines (%zu dropped, in chunks)\n", retained, logstore_dropped(ls));
    printf("memory per retained line (target <= 1.25x its bytes)\n");
    printf("  charged by the store        %.3fx  (%.1f bytes per 120-byte line)\n", charged,
           charged * LINE);
    printf("  RSS added by the store      %.3fx mean, %.3fx max (%zu samples while flooding)\n",
           samples ? rss_sum / (double)samples : 0.0, rss_max, samples);

    char err[256];
    const char *pats[] = {"error", "err(or)? +request id=[0-9]*7 "};
    for (size_t k = 0; k < 2; k++) {
        logstore_regex *re = logstore_regex_new(pats[k], err, sizeof err);
        if (!re) {
            fprintf(stderr, "bench_logstore: %s\n", err);
            return 1;
        }
        t0 = util_now_ns();
        size_t m = logstore_count_matches(ls, re);
        double ms = (double)(util_now_ns() - t0) / 1e6;
        t0 = util_now_ns();
        logstore_filter *f = logstore_filter_new(ls);
        logstore_filter_set_regex(f, re);
        logstore_filter_sync(f);
        double fms = (double)(util_now_ns() - t0) / 1e6;
        printf("search /%s/ over %zu lines: %zu matches, count %.1f ms, filter %.1f ms "
               "(%.0f ns/line)\n",
               pats[k], logstore_count(ls), m, ms, fms, ms * 1e6 / (double)logstore_count(ls));
        logstore_filter_free(f);
        logstore_regex_free(re);
    }
    printf("peak RSS %zu KiB\n", peak_rss_kib());
    logstore_free(ls);
    free(lines);
    return 0;
}

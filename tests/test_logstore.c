/* tests/test_logstore.c — core/logstore: caps, quotas, trimming, markers,
 * search, filters, save, sequence numbers. */
#include "config.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/logstore.h"
#include "core/util.h"

/* A line of exactly `width` bytes naming its source and number. */
static size_t mkline(char *buf, size_t width, const char *src, size_t n)
{
    int k = snprintf(buf, width + 1, "%s line %zu ", src, n);
    size_t len = (size_t)k < width ? (size_t)k : width;
    for (size_t i = len; i < width; i++)
        buf[i] = (char)('a' + (i % 26));
    buf[width] = '\0';
    return width;
}

static void add(logstore *ls, int src, const char *text)
{
    logstore_append(ls, src, LOGSTORE_STDOUT, 0, text, strlen(text));
}

static char *line_str(const logstore *ls, size_t i)
{
    logstore_line l;
    cr_assert(logstore_get(ls, i, &l), "line %zu exists", i);
    return util_xstrndup(l.text, l.len);
}

/* The number a line made by mkline carries, or -1 for a marker. */
static long line_no(const logstore *ls, size_t i, int *src)
{
    logstore_line l;
    cr_assert(logstore_get(ls, i, &l));
    if (src)
        *src = l.source;
    if (l.is_marker)
        return -1;
    const char *p = memmem(l.text, l.len, " line ", 6);
    cr_assert(p, "line %zu has a number", i);
    return strtol(p + 6, NULL, 10);
}

/* Invariants that hold after any sequence of appends: sequence numbers
 * increase, each source keeps a contiguous run of its latest lines, at most
 * one marker per source, retained + dropped == appended. */
static void check_invariants(const logstore *ls, const size_t *appended, size_t nsrc)
{
    size_t retained[64] = {0}, markers[64] = {0};
    long last[64];
    for (size_t s = 0; s < nsrc; s++)
        last[s] = -2;
    uint64_t prev = 0;
    for (size_t i = 0; i < logstore_count(ls); i++) {
        logstore_line l;
        cr_assert(logstore_get(ls, i, &l));
        cr_assert_gt(l.seq, prev, "seq increases at %zu", i);
        prev = l.seq;
        cr_assert_lt((size_t)l.source, nsrc);
        if (l.is_marker) {
            markers[l.source]++;
            cr_assert_eq(last[l.source], -2, "marker of %s comes before its lines",
                         l.source_name);
            continue;
        }
        long n = line_no(ls, i, NULL);
        if (last[l.source] >= 0)
            cr_assert_eq(n, last[l.source] + 1, "%s: lines are contiguous", l.source_name);
        last[l.source] = n;
        retained[l.source]++;
    }
    size_t dropped = 0;
    for (size_t s = 0; s < nsrc; s++) {
        cr_assert_leq(markers[s], 1);
        cr_assert_eq(markers[s] > 0, logstore_source_dropped(ls, (int)s) > 0);
        cr_assert_eq(retained[s] + logstore_source_dropped(ls, (int)s), appended[s],
                     "source %zu: %zu retained + %zu dropped != %zu appended", s,
                     retained[s], logstore_source_dropped(ls, (int)s), appended[s]);
        if (retained[s])
            cr_assert_eq((size_t)last[s], appended[s] - 1, "the newest line is kept");
        dropped += logstore_source_dropped(ls, (int)s);
    }
    cr_assert_eq(dropped, logstore_dropped(ls));
}

Test(logstore, append_and_get)
{
    logstore *ls = logstore_new(0, 0);
    cr_assert_eq(logstore_cap(ls), LOGSTORE_DEFAULT_CAP);
    cr_assert_eq(logstore_source_cap(ls), LOGSTORE_DEFAULT_CAP / 2);
    int a = logstore_source(ls, "engine");
    int b = logstore_source(ls, "redis");
    cr_assert_eq(a, 0);
    cr_assert_eq(b, 1);
    cr_assert_eq(logstore_source(ls, "engine"), a, "ids are stable");
    cr_assert_str_eq(logstore_source_name(ls, b), "redis");
    cr_assert_null(logstore_source_name(ls, 7));
    cr_assert_eq(logstore_count(ls), 0);
    cr_assert_eq(logstore_first_seq(ls), logstore_next_seq(ls));

    logstore_append(ls, a, LOGSTORE_STDOUT, 1000, "hello", 5);
    logstore_append(ls, b, LOGSTORE_STDERR, 2000, "world\n", 6);
    logstore_append(ls, 99, LOGSTORE_STDOUT, 0, "ignored", 7);
    cr_assert_eq(logstore_count(ls), 2);
    logstore_line l;
    cr_assert(logstore_get(ls, 0, &l));
    cr_assert_eq(l.len, 5);
    cr_assert_eq(memcmp(l.text, "hello", 5), 0);
    cr_assert_eq(l.source, a);
    cr_assert_str_eq(l.source_name, "engine");
    cr_assert_eq(l.stream, LOGSTORE_STDOUT);
    cr_assert_eq(l.time_ns, 1000);
    cr_assert_not(l.is_marker);
    cr_assert_not(l.truncated);
    cr_assert(logstore_get(ls, 1, &l));
    cr_assert_eq(l.len, 5, "the trailing newline is not part of the line");
    cr_assert_eq(l.stream, LOGSTORE_STDERR);
    cr_assert_eq(l.time_ns, 2000);
    cr_assert_not(logstore_get(ls, 2, &l));
    cr_assert_eq(logstore_seq(ls, 1), logstore_seq(ls, 0) + 1);
    cr_assert_eq(logstore_first_seq(ls), logstore_seq(ls, 0));
    cr_assert_eq(logstore_dropped(ls), 0);
    logstore_free(ls);
}

Test(logstore, newlines_split_and_crlf)
{
    logstore *ls = logstore_new(0, 0);
    int s = logstore_source(ls, "x");
    add(ls, s, "one\r\ntwo\nthree\r\n");
    add(ls, s, "a\n\nb");
    cr_assert_eq(logstore_count(ls), 6);
    const char *want[] = {"one", "two", "three", "a", "", "b"};
    for (size_t i = 0; i < 6; i++) {
        char *t = line_str(ls, i);
        cr_expect_str_eq(t, want[i], "line %zu", i);
        free(t);
    }
    logstore_free(ls);
}

Test(logstore, empty_lines)
{
    logstore *ls = logstore_new(8192, 4096);
    int s = logstore_source(ls, "e");
    logstore_append(ls, s, LOGSTORE_STDOUT, 5, "", 0);
    logstore_append(ls, s, LOGSTORE_STDOUT, 6, NULL, 0);
    logstore_append(ls, s, LOGSTORE_STDOUT, 7, "\n", 1);
    cr_assert_eq(logstore_count(ls), 3);
    logstore_line l;
    for (size_t i = 0; i < 3; i++) {
        cr_assert(logstore_get(ls, i, &l));
        cr_assert_eq(l.len, 0);
        cr_assert_not_null(l.text);
        cr_assert_eq(l.time_ns, 5 + i);
    }
    char err[128];
    logstore_regex *re = logstore_regex_new("^$", err, sizeof err);
    cr_assert_not_null(re, "%s", err);
    cr_assert_eq(logstore_count_matches(ls, re), 3);
    logstore_regex_free(re);
    /* empty lines cost their index entry and are trimmed like others */
    for (size_t i = 0; i < 5000; i++)
        logstore_append(ls, s, LOGSTORE_STDOUT, 0, "", 0);
    cr_assert_leq(logstore_bytes(ls), logstore_source_cap(ls));
    cr_assert_gt(logstore_dropped(ls), 0);
    cr_assert_eq(logstore_count(ls) - 1 + logstore_dropped(ls), 5003,
                 "retained (minus the marker) + dropped == appended");
    logstore_free(ls);
}

Test(logstore, store_cap_holds)
{
    size_t cap = 256 << 10;
    logstore *ls = logstore_new(cap, cap);
    int src[4];
    size_t appended[4] = {0};
    const char *names[] = {"s0", "s1", "s2", "s3"};
    for (int i = 0; i < 4; i++)
        src[i] = logstore_source(ls, names[i]);
    char buf[512];
    for (size_t i = 0; i < 40000; i++) {
        size_t k = (i * 7) % 4;
        size_t w = 40 + (i * 13) % 200;
        mkline(buf, w, names[k], appended[k]++);
        logstore_append(ls, src[k], LOGSTORE_STDOUT, i, buf, w);
        cr_assert_leq(logstore_bytes(ls), cap, "bytes %zu over the cap after %zu lines",
                      logstore_bytes(ls), i);
    }
    cr_assert_gt(logstore_dropped(ls), 0);
    cr_assert_gt(logstore_bytes(ls), cap / 2, "trimming keeps most of the cap in use");
    check_invariants(ls, appended, 4);
    logstore_free(ls);
}

Test(logstore, source_quota_protects_quiet_sources)
{
    size_t cap = 1 << 20, scap = 256 << 10;
    logstore *ls = logstore_new(cap, scap);
    int quiet = logstore_source(ls, "quiet");
    int chatty = logstore_source(ls, "chatty");
    size_t appended[2] = {0};
    char buf[256];
    for (size_t i = 0; i < 100; i++) {
        mkline(buf, 100, "quiet", appended[0]++);
        logstore_append(ls, quiet, LOGSTORE_STDOUT, 0, buf, 100);
    }
    for (size_t i = 0; i < 50000; i++) {
        mkline(buf, 120, "chatty", appended[1]++);
        logstore_append(ls, chatty, LOGSTORE_STDERR, 0, buf, 120);
        if (i % 5000 == 0) {
            mkline(buf, 100, "quiet", appended[0]++);
            logstore_append(ls, quiet, LOGSTORE_STDOUT, 0, buf, 100);
        }
    }
    cr_assert_eq(logstore_source_dropped(ls, quiet), 0, "the flood evicts no quiet line");
    cr_assert_gt(logstore_source_dropped(ls, chatty), 40000);
    size_t chatty_bytes = 0, quiet_lines = 0;
    for (size_t i = 0; i < logstore_count(ls); i++) {
        logstore_line l;
        logstore_get(ls, i, &l);
        if (l.source == chatty && !l.is_marker)
            chatty_bytes += l.len + 24;
        if (l.source == quiet)
            quiet_lines++;
    }
    cr_assert_eq(quiet_lines, appended[0]);
    cr_assert_leq(chatty_bytes, scap);
    cr_assert_geq(chatty_bytes, scap / 2, "the chatty source keeps most of its quota");
    check_invariants(ls, appended, 2);
    logstore_free(ls);
}

Test(logstore, trimming_is_chunked)
{
    size_t cap = 1 << 20;
    logstore *ls = logstore_new(cap, cap);
    int s = logstore_source(ls, "flood");
    char buf[256];
    size_t trims = 0, n = 100000;
    uint64_t gen = logstore_trim_generation(ls);
    size_t before = 0;
    for (size_t i = 0; i < n; i++) {
        mkline(buf, 120, "flood", i);
        logstore_append(ls, s, LOGSTORE_STDOUT, 0, buf, 120);
        if (logstore_trim_generation(ls) != gen) {
            gen = logstore_trim_generation(ls);
            trims++;
            size_t gone = before + 1 - (logstore_count(ls) - 1);
            cr_assert_geq(gone * 144, cap / 8 - 64 * 1024,
                          "a trim drops an eighth of the cap at once (%zu lines)", gone);
        }
        before = logstore_count(ls) - (logstore_dropped(ls) ? 1 : 0);
    }
    /* 100000 lines * 144 bytes = 14.4 MB through a 1 MiB store: ~13 MB dropped
     * in chunks of >= 128 KiB: at most ~110 trims, far fewer than lines */
    cr_assert_gt(trims, 10);
    cr_assert_lt(trims, 120, "%zu trims", trims);
    logstore_free(ls);
}

Test(logstore, marker_text_and_drop_count)
{
    logstore *ls = logstore_new(64 << 10, 16 << 10);
    int q = logstore_source(ls, "db");
    int c = logstore_source(ls, "srvthreds-engine");
    size_t appended[2] = {0};
    char buf[256];
    mkline(buf, 50, "db", appended[0]++);
    logstore_append(ls, q, LOGSTORE_STDOUT, 0, buf, 50);
    for (size_t i = 0; i < 2000; i++) {
        mkline(buf, 120, "srvthreds-engine", appended[1]++);
        logstore_append(ls, c, LOGSTORE_STDOUT, i, buf, 120);
    }
    size_t dropped = logstore_source_dropped(ls, c);
    cr_assert_gt(dropped, 0);
    cr_assert_eq(logstore_dropped(ls), dropped);
    size_t nmark = 0;
    for (size_t i = 0; i < logstore_count(ls); i++) {
        logstore_line l;
        logstore_get(ls, i, &l);
        if (!l.is_marker)
            continue;
        nmark++;
        char want[128];
        snprintf(want, sizeof want, "[%zu lines dropped from srvthreds-engine]", dropped);
        cr_assert_eq(l.len, strlen(want));
        cr_assert_eq(memcmp(l.text, want, l.len), 0, "marker says %.*s", (int)l.len, l.text);
        cr_assert_eq(l.source, c);
        cr_assert_eq(l.stream, 0);
        /* it stands where the dropped lines were: after the db line, before
         * the first retained engine line */
        cr_assert_eq(i, 1);
        int src;
        cr_assert_eq(line_no(ls, i + 1, &src), (long)dropped);
        cr_assert_eq(src, c);
    }
    cr_assert_eq(nmark, 1, "one marker per source, with the running total");
    check_invariants(ls, appended, 2);
    logstore_free(ls);
}

Test(logstore, single_drop_says_line)
{
    /* global trims of a store with tiny lines: the marker grammar for 1 */
    logstore *ls = logstore_new(4096, 4096);
    int a = logstore_source(ls, "a");
    int b = logstore_source(ls, "b");
    add(ls, a, "only line of a");
    char buf[256];
    for (size_t i = 0; i < 200; i++) {
        mkline(buf, 100, "b", i);
        logstore_append(ls, b, LOGSTORE_STDOUT, 0, buf, 100);
    }
    cr_assert_eq(logstore_source_dropped(ls, a), 1, "the oldest block went first");
    logstore_line l;
    cr_assert(logstore_get(ls, 0, &l));
    cr_assert(l.is_marker);
    cr_assert_eq(l.source, a);
    char *t = line_str(ls, 0);
    cr_assert_str_eq(t, "[1 line dropped from a]");
    free(t);
    logstore_free(ls);
}

Test(logstore, seq_survives_trimming)
{
    logstore *ls = logstore_new(64 << 10, 64 << 10);
    int s = logstore_source(ls, "x");
    char buf[256];
    uint64_t s10 = 0, s600 = 0;
    for (size_t i = 0; i < 700; i++) {
        mkline(buf, 120, "x", i);
        logstore_append(ls, s, LOGSTORE_STDOUT, 0, buf, 120);
        if (i == 10)
            s10 = logstore_seq(ls, logstore_count(ls) - 1);
        if (i == 600) {
            s600 = logstore_seq(ls, logstore_count(ls) - 1);
            cr_assert_eq(line_no(ls, logstore_index_of_seq(ls, s600), NULL), 600);
        }
    }
    cr_assert_gt(logstore_dropped(ls), 0, "700 lines of 144 bytes overflow 64 KiB");
    cr_assert_gt(logstore_first_seq(ls), s10);
    /* the pane that showed line 600 finds it again, at a smaller index */
    size_t at = logstore_index_of_seq(ls, s600);
    cr_assert_eq(logstore_seq(ls, at), s600);
    cr_assert_eq(line_no(ls, at, NULL), 600);
    cr_assert_lt(at, 600);
    /* the one that showed line 10 (trimmed) lands on the marker in its place */
    logstore_line l;
    cr_assert(logstore_get(ls, logstore_index_of_seq(ls, s10), &l));
    cr_assert(l.is_marker);
    cr_assert_eq(logstore_index_of_seq(ls, 1), 0);
    cr_assert_eq(logstore_index_of_seq(ls, logstore_next_seq(ls)), logstore_count(ls));
    cr_assert_eq(logstore_seq(ls, logstore_count(ls)), 0);
    /* sequence numbers keep going up after trims */
    uint64_t next = logstore_next_seq(ls);
    add(ls, s, "tail");
    cr_assert_eq(logstore_seq(ls, logstore_count(ls) - 1), next);
    logstore_free(ls);
}

Test(logstore, huge_lines)
{
    size_t cap = 256 << 10;
    logstore *ls = logstore_new(cap, cap);
    int s = logstore_source(ls, "big");
    size_t maxl = cap / 4;
    size_t n = 3 * cap; /* bigger than the whole store */
    char *big = util_xmalloc(n);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('A' + i % 26);
    add(ls, s, "before");
    logstore_append(ls, s, LOGSTORE_STDOUT, 0, big, n);
    add(ls, s, "after");
    cr_assert_leq(logstore_bytes(ls), cap);
    long at = -1;
    for (size_t i = 0; i < logstore_count(ls); i++) {
        logstore_line l;
        logstore_get(ls, i, &l);
        if (l.truncated)
            at = (long)i;
    }
    cr_assert_geq(at, 0, "the huge line is kept, cut");
    logstore_line l;
    logstore_get(ls, (size_t)at, &l);
    cr_assert_leq(l.len, maxl);
    cr_assert_gt(l.len, maxl - 32);
    cr_assert_eq(memcmp(l.text, big, 1000), 0, "it starts like the original");
    char tail[64];
    const char *sfx = memmem(l.text, l.len, " [+", 3);
    cr_assert_not_null(sfx);
    size_t kept_text = (size_t)(sfx - l.text);
    snprintf(tail, sizeof tail, " [+%zu bytes cut]", n - kept_text);
    cr_assert_eq(l.len - kept_text, strlen(tail));
    cr_assert_eq(memcmp(sfx, tail, strlen(tail)), 0, "suffix says how much was cut");
    char *last = line_str(ls, logstore_count(ls) - 1);
    cr_assert_str_eq(last, "after");
    free(last);
    /* many huge lines: still bounded */
    for (int i = 0; i < 20; i++)
        logstore_append(ls, s, LOGSTORE_STDOUT, 0, big, maxl - 1);
    cr_assert_leq(logstore_bytes(ls), cap);
    cr_assert_gt(logstore_dropped(ls), 0);
    free(big);
    logstore_free(ls);
}

Test(logstore, memory_per_line)
{
    logstore *ls = logstore_new(16 << 20, 16 << 20);
    int s = logstore_source(ls, "m");
    char buf[256];
    for (size_t i = 0; i < 400000; i++) {
        mkline(buf, 120, "m", i);
        logstore_append(ls, s, LOGSTORE_STDOUT, i, buf, 120);
    }
    size_t lines = logstore_count(ls) - 1;
    cr_assert_gt(logstore_dropped(ls), 0);
    double ratio = (double)logstore_bytes(ls) / (double)(lines * 120);
    cr_assert_leq(ratio, 1.25, "%.3f bytes held per byte of text", ratio);
    cr_assert_gt(lines, (size_t)(16 << 20) * 7 / 8 / 150);
    logstore_free(ls);
}

Test(logstore, regex_errors_and_smart_case)
{
    char err[256];
    cr_assert_null(logstore_regex_new("", err, sizeof err));
    cr_assert_str_eq(err, "empty pattern");
    cr_assert_null(logstore_regex_new("a(b", err, sizeof err));
    cr_assert(strstr(err, "a(b"), "error names the pattern: %s", err);
    logstore_regex *lo = logstore_regex_new("error", err, sizeof err);
    logstore_regex *up = logstore_regex_new("Error", err, sizeof err);
    logstore_regex *rx = logstore_regex_new("err(or)? [0-9]+$", err, sizeof err);
    cr_assert(logstore_regex_icase(lo));
    cr_assert_not(logstore_regex_icase(up));
    cr_assert_str_eq(logstore_regex_pattern(rx), "err(or)? [0-9]+$");
    cr_assert(logstore_regex_test(lo, "AN ERROR here", 13));
    cr_assert(logstore_regex_test(lo, "an error", 8));
    cr_assert_not(logstore_regex_test(lo, "an erro", 7));
    cr_assert(logstore_regex_test(up, "an Error", 8));
    cr_assert_not(logstore_regex_test(up, "an error", 8));
    cr_assert(logstore_regex_test(rx, "ERR 42xx", 6), "only len bytes are looked at");
    cr_assert_not(logstore_regex_test(rx, "ERR 42xx", 8));
    cr_assert(logstore_regex_test(rx, "error 7", 7));
    logstore_regex_free(lo);
    logstore_regex_free(up);
    logstore_regex_free(rx);
}

Test(logstore, find_forward_backward_and_count)
{
    logstore *ls = logstore_new(0, 0);
    int s = logstore_source(ls, "x");
    for (int i = 0; i < 100; i++) {
        char b[64];
        snprintf(b, sizeof b, "%s %d", i % 10 == 3 ? "ERROR" : "info", i);
        add(ls, s, b);
    }
    char err[128];
    logstore_regex *re = logstore_regex_new("error", err, sizeof err);
    cr_assert_eq(logstore_count_matches(ls, re), 10);
    cr_assert(logstore_match(ls, re, 13));
    cr_assert_not(logstore_match(ls, re, 14));
    cr_assert_not(logstore_match(ls, re, 1000));
    cr_assert_eq(logstore_find(ls, re, 0, 1), 3);
    cr_assert_eq(logstore_find(ls, re, 3, 1), 3, "from itself");
    cr_assert_eq(logstore_find(ls, re, 4, 1), 13);
    cr_assert_eq(logstore_find(ls, re, 94, 1), -1);
    cr_assert_eq(logstore_find(ls, re, 50, -1), 43);
    cr_assert_eq(logstore_find(ls, re, 2, -1), -1);
    cr_assert_eq(logstore_find(ls, re, 5000, -1), 93);
    cr_assert_eq(logstore_find(ls, re, 5000, 1), -1);
    logstore_regex *rx = logstore_regex_new("^info [0-9]*7$", err, sizeof err);
    cr_assert_eq(logstore_count_matches(ls, rx), 10);
    cr_assert_eq(logstore_find(ls, rx, 98, -1), 97);
    logstore_regex_free(rx);
    logstore_regex_free(re);
    logstore_free(ls);
}

/* The filter's view equals a brute-force recomputation. */
static void check_filter(const logstore *ls, logstore_filter *f, const logstore_regex *re)
{
    size_t k = 0;
    for (size_t i = 0; i < logstore_count(ls); i++) {
        logstore_line l;
        logstore_get(ls, i, &l);
        if (!logstore_filter_has_source(f, l.source))
            continue;
        if (!l.is_marker && re && !logstore_regex_test(re, l.text, l.len))
            continue;
        cr_assert_lt(k, logstore_filter_count(f), "filter misses line %zu", i);
        cr_assert_eq(logstore_filter_index(f, k), i, "view line %zu is store line %zu", k, i);
        k++;
    }
    cr_assert_eq(k, logstore_filter_count(f));
}

Test(logstore, filters)
{
    logstore *ls = logstore_new(0, 0);
    int a = logstore_source(ls, "a");
    int b = logstore_source(ls, "b");
    int c = logstore_source(ls, "c");
    for (int i = 0; i < 30; i++) {
        char t[64];
        snprintf(t, sizeof t, "%s %d", i % 4 ? "ok" : "fail", i);
        add(ls, i % 3 == 0 ? a : i % 3 == 1 ? b : c, t);
    }
    char err[128];
    logstore_regex *re = logstore_regex_new("fail", err, sizeof err);
    logstore_filter *f = logstore_filter_new(ls);
    cr_assert(logstore_filter_sync(f));
    cr_assert_eq(logstore_filter_count(f), 30, "no criteria: every line");
    cr_assert_not(logstore_filter_sync(f), "nothing new");
    logstore_filter_set_regex(f, re);
    cr_assert(logstore_filter_sync(f));
    cr_assert_eq(logstore_filter_count(f), 8);
    check_filter(ls, f, re);
    int only[] = {a, c};
    logstore_filter_set_sources(f, only, 2);
    cr_assert(logstore_filter_has_source(f, a));
    cr_assert_not(logstore_filter_has_source(f, b));
    logstore_filter_sync(f);
    check_filter(ls, f, re);
    logstore_line l;
    cr_assert(logstore_filter_get(f, 0, &l));
    cr_assert_eq(memcmp(l.text, "fail 0", 6), 0);
    cr_assert_not(logstore_filter_get(f, 999, &l));
    cr_assert_eq(logstore_filter_index(f, 999), (size_t)-1);
    /* incremental: new lines only */
    add(ls, b, "fail new b");
    cr_assert_not(logstore_filter_sync(f), "b is filtered out");
    add(ls, a, "fail new a");
    cr_assert(logstore_filter_sync(f));
    check_filter(ls, f, re);
    cr_assert_eq(logstore_filter_pos_of_seq(f, logstore_seq(ls, logstore_count(ls) - 1)),
                 logstore_filter_count(f) - 1);
    logstore_filter_set_sources(f, NULL, 0);
    logstore_filter_set_regex(f, NULL);
    logstore_filter_sync(f);
    cr_assert_eq(logstore_filter_count(f), logstore_count(ls));
    logstore_filter_free(f);
    logstore_regex_free(re);
    logstore_free(ls);
}

Test(logstore, filters_follow_trims)
{
    logstore *ls = logstore_new(128 << 10, 32 << 10);
    int s[3];
    size_t appended[3] = {0};
    const char *names[] = {"p", "q", "r"};
    for (int i = 0; i < 3; i++)
        s[i] = logstore_source(ls, names[i]);
    char err[128];
    logstore_regex *re = logstore_regex_new("line [0-9]*[05] ", err, sizeof err);
    cr_assert_not_null(re, "%s", err);
    logstore_filter *f = logstore_filter_new(ls);
    logstore_filter *g = logstore_filter_new(ls);
    logstore_filter_set_regex(f, re);
    int qr[] = {s[1], s[2]};
    logstore_filter_set_sources(g, qr, 2);
    char buf[256];
    unsigned rnd = 12345;
    for (size_t i = 0; i < 20000; i++) {
        rnd = rnd * 1103515245u + 12345u;
        size_t k = (rnd >> 16) % 10 < 7 ? 0 : (rnd >> 16) % 10 < 9 ? 1 : 2;
        size_t w = 30 + (rnd >> 8) % 150;
        mkline(buf, w, names[k], appended[k]++);
        logstore_append(ls, s[k], LOGSTORE_STDOUT, 0, buf, w);
        if (i % 997 == 0) {
            logstore_filter_sync(f);
            logstore_filter_sync(g);
            check_filter(ls, f, re);
            check_filter(ls, g, NULL);
        }
    }
    logstore_filter_sync(f);
    logstore_filter_sync(g);
    check_filter(ls, f, re);
    check_filter(ls, g, NULL);
    cr_assert_gt(logstore_dropped(ls), 0);
    check_invariants(ls, appended, 3);
    logstore_filter_free(f);
    logstore_filter_free(g);
    logstore_regex_free(re);
    logstore_free(ls);
}

static char *tmpdir(void)
{
    char t[] = "/tmp/test_logstore.XXXXXX";
    cr_assert_not_null(mkdtemp(t));
    return util_xstrdup(t);
}

Test(logstore, save)
{
    char *dir = tmpdir();
    char *path = util_path_join(dir, "sub/out.log");
    logstore *ls = logstore_new(0, 0);
    int s = logstore_source(ls, "one");
    add(ls, s, "alpha");
    add(ls, s, "");
    add(ls, s, "beta error");
    char err[SRV_ERRLEN];
    cr_assert_eq(logstore_save(ls, path, NULL, err, sizeof err), 0, "%s", err);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, 1 << 20, &data, &len, err), 0);
    cr_assert_str_eq(data, "alpha\n\nbeta error\n");
    free(data);

    int t = logstore_source(ls, "two");
    add(ls, t, "gamma error");
    logstore_regex *re = logstore_regex_new("error", err, sizeof err);
    cr_assert_eq(logstore_save(ls, path, re, err, sizeof err), 0, "%s", err);
    cr_assert_eq(util_read_file(path, 1 << 20, &data, &len, err), 0);
    cr_assert_str_eq(data, "one | beta error\ntwo | gamma error\n");
    free(data);

    /* a path that cannot be written: an error naming it, the old file intact */
    char *bad = util_path_join(path, "x.log");
    cr_assert_eq(logstore_save(ls, bad, NULL, err, sizeof err), -1);
    cr_assert(strstr(err, "out.log"), "error names the path: %s", err);
    cr_assert_eq(logstore_save(ls, "", NULL, err, sizeof err), -1);
    cr_assert_eq(util_read_file(path, 1 << 20, &data, &len, err), 0);
    cr_assert_str_eq(data, "one | beta error\ntwo | gamma error\n");
    free(data);
    logstore_regex_free(re);
    logstore_free(ls);
    unlink(path);
    char *sub = util_path_join(dir, "sub");
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(bad);
    free(path);
    free(dir);
}

Test(logstore, save_includes_markers)
{
    char *dir = tmpdir();
    char *path = util_path_join(dir, "m.log");
    logstore *ls = logstore_new(4096, 4096);
    int s = logstore_source(ls, "x");
    char buf[256];
    for (size_t i = 0; i < 100; i++) {
        mkline(buf, 100, "x", i);
        logstore_append(ls, s, LOGSTORE_STDOUT, 0, buf, 100);
    }
    char err[SRV_ERRLEN];
    logstore_regex *re = logstore_regex_new("line 99 ", err, sizeof err);
    cr_assert_eq(logstore_save(ls, path, re, err, sizeof err), 0, "%s", err);
    char *data;
    size_t len;
    cr_assert_eq(util_read_file(path, 1 << 20, &data, &len, err), 0);
    char want[128];
    snprintf(want, sizeof want, "[%zu lines dropped from x]\n", logstore_dropped(ls));
    cr_assert(util_startswith(data, want), "%s", data);
    cr_assert(strstr(data, "x line 99 "));
    free(data);
    logstore_regex_free(re);
    logstore_free(ls);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
}

Test(logstore, many_sources)
{
    logstore *ls = logstore_new(64 << 10, 8 << 10);
    size_t appended[40] = {0};
    char names[40][8];
    int ids[40];
    for (int i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        ids[i] = logstore_source(ls, names[i]);
        cr_assert_eq(ids[i], i);
    }
    cr_assert_eq(logstore_source_count(ls), 40);
    char buf[256];
    for (size_t i = 0; i < 20000; i++) {
        size_t k = (i * i + 3 * i) % 40;
        mkline(buf, 80, names[k], appended[k]++);
        logstore_append(ls, ids[k], LOGSTORE_STDOUT, 0, buf, 80);
        cr_assert_leq(logstore_bytes(ls), logstore_cap(ls));
    }
    check_invariants(ls, appended, 40);
    logstore_free(ls);
}

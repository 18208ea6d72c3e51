/* tests/test_linesplit.c — core/linesplit: lines across reads, CRLF, '\r'
 * rewrites, long lines, invalid UTF-8; every case fed whole, one byte at a
 * time and in place. */
#include "config.h"
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/linesplit.h"
#include "core/util.h"

typedef struct {
    char **lines;
    size_t *lens;
    size_t n, cap;
} collected;

static void collect(void *user, const char *text, size_t len)
{
    collected *c = user;
    cr_assert_eq(text[len], '\0', "line not NUL-terminated");
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->lines = util_xrealloc(c->lines, c->cap * sizeof *c->lines);
        c->lens = util_xrealloc(c->lens, c->cap * sizeof *c->lens);
    }
    c->lines[c->n] = util_xstrndup(text, len);
    c->lens[c->n] = len;
    c->n++;
}

static void collected_free(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->lines[i]);
    free(c->lines);
    free(c->lens);
    memset(c, 0, sizeof *c);
}

enum mode { WHOLE, BYTEWISE, INPLACE, CHUNKS7 };

/* Feed `in` (n bytes) in the given mode, finish, return the lines. */
static collected run(const char *in, size_t n, enum mode m)
{
    collected c = {0};
    linesplit ls;
    linesplit_init(&ls, collect, &c);
    switch (m) {
    case WHOLE:
        linesplit_feed(&ls, in, n);
        break;
    case BYTEWISE:
        for (size_t i = 0; i < n; i++)
            linesplit_feed(&ls, in + i, 1);
        break;
    case INPLACE: {
        char *w = util_xmalloc(n + 1);
        memcpy(w, in, n);
        linesplit_feed_inplace(&ls, w, n);
        free(w);
        break;
    }
    case CHUNKS7:
        for (size_t i = 0; i < n; i += 7) {
            char w[7];
            size_t k = n - i < 7 ? n - i : 7;
            memcpy(w, in + i, k);
            linesplit_feed_inplace(&ls, w, k);
        }
        break;
    }
    linesplit_finish(&ls);
    cr_assert_eq(ls.lines, c.n);
    linesplit_free(&ls);
    return c;
}

/* The same input must give `want` (NULL-terminated) in every feeding mode. */
static void check(const char *in, size_t n, const char *const *want)
{
    static const char *const names[] = {"whole", "bytewise", "inplace", "chunks7"};
    for (int m = WHOLE; m <= CHUNKS7; m++) {
        collected c = run(in, n, (enum mode)m);
        size_t nw = 0;
        while (want[nw])
            nw++;
        cr_assert_eq(c.n, nw, "%s: %zu lines, want %zu", names[m], c.n, nw);
        for (size_t i = 0; i < nw; i++)
            cr_assert_str_eq(c.lines[i], want[i], "%s: line %zu", names[m], i);
        collected_free(&c);
    }
}

#define CHECK(in, ...)                                                        \
    do {                                                                      \
        const char *const want_[] = {__VA_ARGS__, NULL};                      \
        check(in, sizeof(in) - 1, want_);                                     \
    } while (0)

Test(linesplit, plain_lines_and_empty_lines)
{
    CHECK("one\ntwo\n\nfour\n", "one", "two", "", "four");
}

Test(linesplit, partial_last_line_delivered_at_finish)
{
    CHECK("a\nno newline", "a", "no newline");
}

Test(linesplit, nothing_in_nothing_out)
{
    collected c = run("", 0, WHOLE);
    cr_assert_eq(c.n, 0);
    collected_free(&c);
}

Test(linesplit, partial_lines_across_reads)
{
    collected c = {0};
    linesplit ls;
    linesplit_init(&ls, collect, &c);
    linesplit_feed(&ls, "hel", 3);
    cr_assert_eq(c.n, 0, "no line before its end");
    linesplit_feed(&ls, "lo wo", 5);
    linesplit_feed(&ls, "rld\nsec", 7);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.lines[0], "hello world");
    linesplit_feed(&ls, "ond\n", 4);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.lines[1], "second");
    linesplit_finish(&ls);
    cr_assert_eq(c.n, 2, "finish after a complete line adds nothing");
    linesplit_free(&ls);
    collected_free(&c);
}

Test(linesplit, crlf_is_lf)
{
    CHECK("dos\r\nline\r\n\r\nend\r\n", "dos", "line", "", "end");
}

Test(linesplit, crlf_split_between_reads)
{
    collected c = {0};
    linesplit ls;
    linesplit_init(&ls, collect, &c);
    linesplit_feed(&ls, "abc\r", 4);
    cr_assert_eq(c.n, 0);
    linesplit_feed(&ls, "\nxyz", 4);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.lines[0], "abc");
    linesplit_finish(&ls);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.lines[1], "xyz");
    linesplit_free(&ls);
    collected_free(&c);
}

Test(linesplit, progress_rewrites_collapse_to_last_state)
{
    CHECK("10%\r20%\r100% done\nnext\n", "100% done", "next");
    /* the last state is kept when the '\r' ends the line */
    CHECK("pull 1/3\rpull 3/3\r\nok\n", "pull 3/3", "ok");
    CHECK("x\r\r\r\n", "x");
    /* a shorter final state replaces the whole line (no stale tail) */
    CHECK("downloading 99%\rok\n", "ok");
    /* trailing '\r' at end of stream */
    CHECK("a\rbb\r", "bb");
    /* rewrite right at the start of a line */
    CHECK("\rfirst\n", "first");
}

Test(linesplit, rewrite_across_reads)
{
    collected c = {0};
    linesplit ls;
    linesplit_init(&ls, collect, &c);
    linesplit_feed(&ls, "45%", 3);
    linesplit_feed(&ls, "\r", 1);
    linesplit_feed(&ls, "9", 1);
    linesplit_feed(&ls, "0%\r", 3);
    linesplit_feed(&ls, "\n", 1);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.lines[0], "90%");
    linesplit_free(&ls);
    collected_free(&c);
}

Test(linesplit, invalid_utf8_and_nul_kept_as_is)
{
    static const char in[] = "caf\xc3\xa9 \xff\xfe bad \xc3(\n\x01\x00z\n";
    for (int m = WHOLE; m <= CHUNKS7; m++) {
        collected c = run(in, sizeof in - 1, (enum mode)m);
        cr_assert_eq(c.n, 2);
        cr_assert_str_eq(c.lines[0], "caf\xc3\xa9 \xff\xfe bad \xc3(");
        cr_assert_eq(c.lens[1], 3);
        cr_assert(memcmp(c.lines[1], "\x01\x00z", 3) == 0);
        collected_free(&c);
    }
}

/* A line of `n` bytes built from `unit` repeated. */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = util_xmalloc(n + 2);
    for (size_t i = 0; i < n; i++)
        s[i] = unit[i % u];
    s[n] = '\n';
    s[n + 1] = '\0';
    return s;
}

static void check_long(size_t n, enum mode m)
{
    char *s = repeat("0123456789", n);
    collected c = run(s, n + 1, m);
    size_t want_pieces = (n + LINESPLIT_MAX - 1) / LINESPLIT_MAX;
    cr_assert_eq(c.n, want_pieces, "%zu bytes: %zu pieces", n, c.n);
    size_t total = 0, mark = strlen(LINESPLIT_MARK);
    for (size_t i = 0; i < c.n; i++) {
        bool last = i + 1 == c.n;
        size_t text = last ? c.lens[i] : c.lens[i] - mark;
        cr_assert(text <= LINESPLIT_MAX);
        if (!last) {
            cr_assert_eq(text, LINESPLIT_MAX);
            cr_assert_str_eq(c.lines[i] + text, LINESPLIT_MARK, "piece %zu has the marker", i);
        }
        cr_assert(memcmp(c.lines[i], s + total, text) == 0, "piece %zu content", i);
        total += text;
    }
    cr_assert_eq(total, n, "no byte lost");
    collected_free(&c);
    free(s);
}

Test(linesplit, long_line_split_with_marker)
{
    for (int m = WHOLE; m <= INPLACE; m++) {
        check_long(LINESPLIT_MAX, (enum mode)m); /* exactly the limit: one line */
        check_long(LINESPLIT_MAX + 1, (enum mode)m);
        check_long(3 * LINESPLIT_MAX + 17, (enum mode)m);
    }
}

Test(linesplit, long_line_then_normal_line)
{
    size_t n = LINESPLIT_MAX + 10;
    char *s = repeat("x", n);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, s);
    strbuf_adds(&sb, "short\n");
    collected c = run(sb.data, sb.len, INPLACE);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(c.lens[1], 10);
    cr_assert_str_eq(c.lines[2], "short");
    collected_free(&c);
    strbuf_free(&sb);
    free(s);
}

Test(linesplit, split_does_not_cut_utf8_sequences)
{
    /* 'é' (2 bytes) placed across the 64 KiB boundary */
    size_t n = LINESPLIT_MAX + 100;
    char *s = repeat("a", n);
    s[LINESPLIT_MAX - 1] = '\xc3';
    s[LINESPLIT_MAX] = '\xa9';
    collected c = run(s, n + 1, WHOLE);
    cr_assert_eq(c.n, 2);
    size_t first = c.lens[0] - strlen(LINESPLIT_MARK);
    cr_assert_eq(first, LINESPLIT_MAX - 1, "cut moved before the sequence");
    cr_assert_eq((unsigned char)c.lines[1][0], 0xc3);
    cr_assert_eq((unsigned char)c.lines[1][1], 0xa9);
    cr_assert_eq(first + c.lens[1], n);
    collected_free(&c);
    free(s);
}

Test(linesplit, endless_progress_stays_bounded)
{
    /* a progress bar rewriting itself forever never grows the buffer */
    collected c = {0};
    linesplit ls;
    linesplit_init(&ls, collect, &c);
    char step[32];
    for (int i = 0; i < 200000; i++) {
        int k = snprintf(step, sizeof step, "\rprogress %d", i);
        linesplit_feed(&ls, step, (size_t)k);
    }
    cr_assert_eq(c.n, 0);
    cr_assert(ls.cap <= 256, "buffer stayed small (%zu)", ls.cap);
    linesplit_finish(&ls);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.lines[0], "progress 199999");
    linesplit_free(&ls);
    collected_free(&c);
}

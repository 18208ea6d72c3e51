/* core/linesplit.c — see linesplit.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/linesplit.h"
#include "core/util.h"

#define MARK_LEN (sizeof(LINESPLIT_MARK) - 1)
/* buf holds at most LINESPLIT_MAX + 1 bytes of text (one more than a piece,
 * to know where to cut), then the marker and a NUL. */
#define BUF_CAP (LINESPLIT_MAX + 1 + MARK_LEN + 1)

void linesplit_init(linesplit *ls, linesplit_fn fn, void *user)
{
    memset(ls, 0, sizeof *ls);
    ls->fn = fn;
    ls->user = user;
}

void linesplit_free(linesplit *ls)
{
    free(ls->buf);
    ls->buf = NULL;
    ls->len = ls->cap = 0;
}

static void deliver(linesplit *ls, const char *text, size_t len)
{
    ls->lines++;
    ls->fn(ls->user, text, len);
}

static void reserve(linesplit *ls, size_t need)
{
    if (need <= ls->cap)
        return;
    size_t cap = ls->cap ? ls->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > BUF_CAP)
        cap = BUF_CAP;
    ls->buf = util_xrealloc(ls->buf, cap);
    ls->cap = cap;
}

static bool utf8_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* buf holds LINESPLIT_MAX + 1 bytes: deliver the first piece (cut before an
 * incomplete UTF-8 sequence when there is one) with the marker and keep the
 * rest. */
static void split_piece(linesplit *ls)
{
    size_t cut = LINESPLIT_MAX;
    size_t k = cut;
    while (k > cut - 3 && utf8_cont((unsigned char)ls->buf[k]))
        k--;
    if (!utf8_cont((unsigned char)ls->buf[k]) && (unsigned char)ls->buf[k] >= 0xC0)
        cut = k; /* ls->buf[k] leads the sequence that would be cut */
    char tail[4];
    size_t tail_len = ls->len - cut; /* 1..4 */
    memcpy(tail, ls->buf + cut, tail_len);
    memcpy(ls->buf + cut, LINESPLIT_MARK, MARK_LEN);
    ls->buf[cut + MARK_LEN] = '\0';
    ls->splits++;
    deliver(ls, ls->buf, cut + MARK_LEN);
    memcpy(ls->buf, tail, tail_len);
    ls->len = tail_len;
}

static void append(linesplit *ls, const char *d, size_t n)
{
    while (n > 0) {
        size_t room = LINESPLIT_MAX + 1 - ls->len;
        size_t take = n < room ? n : room;
        reserve(ls, ls->len + take + 1);
        memcpy(ls->buf + ls->len, d, take);
        ls->len += take;
        d += take;
        n -= take;
        if (ls->len > LINESPLIT_MAX) {
            reserve(ls, BUF_CAP);
            split_piece(ls);
        }
    }
}

static void deliver_buf(linesplit *ls)
{
    if (!ls->buf) {
        deliver(ls, "", 0);
        return;
    }
    ls->buf[ls->len] = '\0';
    deliver(ls, ls->buf, ls->len);
    ls->len = 0;
}

static void feed(linesplit *ls, char *wdata, const char *data, size_t n)
{
    const char *p = data, *end = data + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *segend = nl ? nl : end;
        const char *run = p;
        bool delivered = false;
        for (;;) {
            const char *cr = memchr(run, '\r', (size_t)(segend - run));
            const char *run_end = cr ? cr : segend;
            size_t run_len = (size_t)(run_end - run);
            if (run_len > 0) {
                if (ls->rewrite) {
                    ls->len = 0;
                    ls->rewrite = false;
                }
                /* Fast path: the whole line is this run, followed by the
                 * terminator (LF or CRLF) inside a writable buffer. */
                if (wdata && nl && ls->len == 0 && run_len <= LINESPLIT_MAX &&
                    (run_end == segend || run_end + 1 == segend)) {
                    char *w = wdata + (run - data);
                    w[run_len] = '\0';
                    deliver(ls, w, run_len);
                    delivered = true;
                } else {
                    append(ls, run, run_len);
                }
            }
            if (!cr)
                break;
            ls->rewrite = true;
            run = cr + 1;
        }
        if (!nl)
            break;
        if (!delivered)
            deliver_buf(ls);
        ls->rewrite = false;
        p = nl + 1;
    }
}

void linesplit_feed(linesplit *ls, const char *data, size_t n)
{
    feed(ls, NULL, data, n);
}

void linesplit_feed_inplace(linesplit *ls, char *data, size_t n)
{
    feed(ls, data, data, n);
}

void linesplit_finish(linesplit *ls)
{
    if (ls->len > 0)
        deliver_buf(ls);
    ls->rewrite = false;
}

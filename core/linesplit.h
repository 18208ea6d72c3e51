/* core/linesplit.h — turns a byte stream arriving in arbitrary chunks into
 * lines.
 *
 *  - a line ends at '\n'; a line may arrive over any number of feeds (down to
 *    one byte at a time);
 *  - CRLF ends a line like LF (the '\r' is dropped);
 *  - a bare '\r' (progress bars) means "the text that follows replaces the
 *    line": only the last state of the line is delivered.  A '\r' followed by
 *    nothing but the line end keeps the state before it ("50%\r\n" is "50%");
 *  - a line longer than LINESPLIT_MAX bytes is delivered in pieces of at most
 *    LINESPLIT_MAX bytes (never cutting a UTF-8 sequence when the bytes allow
 *    it); every piece but the last ends with LINESPLIT_MARK, so the split is
 *    visible;
 *  - bytes are never altered otherwise: invalid UTF-8 and NUL bytes are
 *    kept (escaping is the display's job).
 *
 * Each line is delivered to the callback as (text, len) with text[len] ==
 * '\0', without its terminator.  Memory is bounded by one line
 * (LINESPLIT_MAX plus the marker), whatever the input. */
#ifndef SRV_LINESPLIT_H
#define SRV_LINESPLIT_H

#include <stdbool.h>
#include <stddef.h>

#define LINESPLIT_MAX (64u * 1024u)
#define LINESPLIT_MARK " [\xe2\x80\xa6line continues]"

typedef void (*linesplit_fn)(void *user, const char *text, size_t len);

typedef struct {
    linesplit_fn fn;
    void *user;
    char *buf;        /* the pending (unterminated) line */
    size_t len, cap;
    bool rewrite;     /* a bare '\r' was seen: the next text replaces buf */
    size_t lines;     /* lines (and pieces) delivered so far */
    size_t splits;    /* pieces delivered with LINESPLIT_MARK */
} linesplit;

void linesplit_init(linesplit *ls, linesplit_fn fn, void *user);
/* Feed bytes; complete lines are delivered before this returns. */
void linesplit_feed(linesplit *ls, const char *data, size_t n);
/* Same, but the caller's buffer may be modified (a NUL is written over each
 * line terminator) so that complete lines are delivered without copying.
 * `data` must stay writable; its contents are unspecified afterwards. */
void linesplit_feed_inplace(linesplit *ls, char *data, size_t n);
/* End of stream: deliver the unterminated last line, if any. */
void linesplit_finish(linesplit *ls);
void linesplit_free(linesplit *ls);

#endif

/* core/logstore.h — the log ring behind every log pane.
 *
 * A store holds the lines of one pane, from one or more sources (a build
 * step, a container, ...), in arrival order.  Memory is bounded twice:
 *
 *  - the store cap (default 16 MiB) bounds everything the store holds;
 *  - the source quota bounds each source, so a chatty source cannot evict
 *    the others' lines (default: half the store cap).
 *
 * Bytes are charged as they are held: the text blocks a source owns plus a
 * 24-byte index entry per line.  A retained 120-byte line costs 144 bytes
 * plus the unused tail of its text block (< 0.2 % with the default sizes).
 *
 * Text lives in per-source blocks (up to 64 KiB); a line never spans two
 * blocks.  Trimming frees whole blocks, oldest first, and goes well below
 * the limit (an eighth of it) so that it happens rarely and in bulk.  Where
 * lines of a source were dropped, a marker line "[N lines dropped from
 * NAME]" stands in their place (one per source, at its latest drop, with
 * the source's running total): no line ever goes silently.
 *
 * Every line (markers too) carries a sequence number, increasing along the
 * store and never reused, so a pane can find its place again after a trim
 * (logstore_index_of_seq).  Indexes (0 .. count-1) shift when lines are
 * trimmed; sequence numbers do not.
 *
 * Pointers returned by logstore_get stay valid until the next append or
 * trim (any call that adds lines).  Nothing here prints or blocks. */
#ifndef SRV_LOGSTORE_H
#define SRV_LOGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct logstore logstore;
typedef struct logstore_regex logstore_regex;
typedef struct logstore_filter logstore_filter;

#define LOGSTORE_DEFAULT_CAP ((size_t)16 << 20)
#define LOGSTORE_STDOUT 1
#define LOGSTORE_STDERR 2
/* Longest line kept whole; longer lines are cut and end with
 * " [+N bytes cut]".  Smaller when the quota is small (a quarter of it). */
#define LOGSTORE_MAX_LINE ((size_t)1 << 20)

typedef struct {
    const char *text;        /* not NUL-terminated; len bytes */
    size_t len;
    int source;              /* id from logstore_source() */
    const char *source_name;
    int stream;              /* LOGSTORE_STDOUT / LOGSTORE_STDERR; 0 on markers */
    uint64_t time_ns;        /* as given to logstore_append; markers: of the last dropped line */
    uint64_t seq;            /* sequence number, see above */
    bool is_marker;          /* "[N lines dropped from NAME]" */
    bool truncated;          /* the line was cut at the maximum line length */
} logstore_line;

/* cap_bytes 0: LOGSTORE_DEFAULT_CAP.  source_cap_bytes 0: cap / 2; larger
 * than the cap: the cap.  Caps below 4 KiB are raised to 4 KiB. */
logstore *logstore_new(size_t cap_bytes, size_t source_cap_bytes);
void logstore_free(logstore *ls);

/* Id of the source called `name`, registering it on first use.  Ids are
 * small, dense and stable (0, 1, 2, ... in order of registration), so a pane
 * may use them as colour indexes.  -1 when 65,535 sources exist already. */
int logstore_source(logstore *ls, const char *name);
const char *logstore_source_name(const logstore *ls, int source); /* NULL when unknown */
size_t logstore_source_count(const logstore *ls);

/* Append one line (text without its newline).  Text with '\n' inside is
 * split into several lines; one trailing "\n" or "\r\n" is dropped; a
 * zero-length text is one empty line.  An unknown source id is ignored.
 * May trim (see above). */
void logstore_append(logstore *ls, int source, int stream, uint64_t time_ns,
                     const char *text, size_t len);

size_t logstore_count(const logstore *ls); /* retained lines, markers included */
bool logstore_get(const logstore *ls, size_t i, logstore_line *out);
uint64_t logstore_seq(const logstore *ls, size_t i); /* 0 when i is out of range */
/* Sequence number of line 0 (logstore_next_seq() when the store is empty). */
uint64_t logstore_first_seq(const logstore *ls);
/* The sequence number the next line will get. */
uint64_t logstore_next_seq(const logstore *ls);
/* Index of the first retained line whose seq is >= seq (count when none):
 * where a pane that showed line `seq` should look now. */
size_t logstore_index_of_seq(const logstore *ls, uint64_t seq);

size_t logstore_dropped(const logstore *ls);                 /* lines, all sources */
size_t logstore_source_dropped(const logstore *ls, int source);
size_t logstore_bytes(const logstore *ls);       /* bytes charged now */
size_t logstore_cap(const logstore *ls);
size_t logstore_source_cap(const logstore *ls);
/* Changes whenever lines are removed (a trim): cached indexes are stale. */
uint64_t logstore_trim_generation(const logstore *ls);

/* ---- search --------------------------------------------------------------
 * POSIX extended regular expressions; case-insensitive when the pattern has
 * no upper-case letter ("smart case").  Markers are searched like lines. */
logstore_regex *logstore_regex_new(const char *pattern, char *err, size_t errlen);
void logstore_regex_free(logstore_regex *re);
const char *logstore_regex_pattern(const logstore_regex *re);
bool logstore_regex_icase(const logstore_regex *re);
/* Does text match (for callers holding lines of their own)? */
bool logstore_regex_test(const logstore_regex *re, const char *text, size_t len);

bool logstore_match(const logstore *ls, const logstore_regex *re, size_t i);
/* The first matching line at `from` or beyond in direction dir (> 0 forward,
 * < 0 backward; `from` itself is examined first); -1 when none.  Backward
 * from >= count starts at the last line. */
long logstore_find(const logstore *ls, const logstore_regex *re, size_t from, int dir);
size_t logstore_count_matches(const logstore *ls, const logstore_regex *re);

/* ---- filtered views ------------------------------------------------------
 * A filter is a live subset of a store: the lines matching a regex ("only
 * matching lines") and/or from a set of sources ("only these sources").
 * Markers always pass the regex (they say what is missing); the source set
 * applies to them as to any line.
 * The filter keeps sequence numbers of its lines; logstore_filter_sync()
 * brings it up to date after appends and trims, looking at new lines only
 * (and, after a trim, at the trimmed prefix only). */
logstore_filter *logstore_filter_new(const logstore *ls);
void logstore_filter_free(logstore_filter *f);
/* Borrowed: the regex must outlive its use by the filter (NULL: no regex). */
void logstore_filter_set_regex(logstore_filter *f, const logstore_regex *re);
/* Only these source ids (n == 0: every source). */
void logstore_filter_set_sources(logstore_filter *f, const int *ids, size_t n);
bool logstore_filter_has_source(const logstore_filter *f, int source);
/* True when the filter's lines changed since the previous sync. */
bool logstore_filter_sync(logstore_filter *f);
size_t logstore_filter_count(const logstore_filter *f);
/* Line k of the view (0 .. count-1); false when out of range. */
bool logstore_filter_get(const logstore_filter *f, size_t k, logstore_line *out);
/* Store index of line k of the view; (size_t)-1 when out of range. */
size_t logstore_filter_index(const logstore_filter *f, size_t k);
/* Position in the view of the first line whose seq is >= seq. */
size_t logstore_filter_pos_of_seq(const logstore_filter *f, uint64_t seq);

/* ---- save ----------------------------------------------------------------
 * Write the retained lines (only those matching `only` when not NULL;
 * markers always) to `path`, one per line, atomically.  When the store has
 * lines from more than one source each line starts with "NAME | ".
 * 0 on success, -1 with err filled (naming the path). */
int logstore_save(const logstore *ls, const char *path, const logstore_regex *only,
                  char *err, size_t errlen);

#endif

/* core/logstore.c — see logstore.h.
 *
 * Layout
 *  - Index: one 24-byte entry per retained line, in arrival order, in
 *    chunks of 1024 entries (a deque: trimming advances the head, appending
 *    fills the tail).  An entry holds the time, the sequence number and the
 *    source id (packed in one word), a 32-bit offset into the source's text
 *    and the length with a few flag bits.
 *  - Text: each source owns an array of blocks.  A block covers a range of
 *    the source's "virtual" byte stream ([vstart, vstart + used)); the entry
 *    keeps the low 32 bits of the line's virtual offset, which is enough
 *    because a source's live text spans far less than 4 GiB.  Blocks move
 *    (realloc) without touching the index.
 *  - Every line belongs to a block (empty lines too: to the block that was
 *    current when they came), so dropping a block drops exactly the lines
 *    whose seq is <= the block's last seq.
 *
 * Trimming drops whole blocks (of one source when it is over its quota, the
 * oldest ones of any source when the store is over its cap), then compacts
 * the index once: the dropped entries all sit before the last of them, so
 * only that prefix is rewritten, and the last dropped entry of each source
 * becomes its marker line. */
#include "config.h"

#include "core/logstore.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define IDX_SHIFT 10u
#define IDX_N (1u << IDX_SHIFT)
#define IDX_MASK (IDX_N - 1u)

#define FL_STREAM 3u
#define FL_MARKER 4u
#define FL_TRUNC 8u
#define LEN_SHIFT 8u
#define SRC_BITS 16u
#define SRC_MASK 0xffffu
#define MAX_SOURCES 65535u
#define MIN_CAP ((size_t)4096)
#define MAX_SOURCE_CAP ((size_t)1 << 31)
#define MAX_BLOCK ((size_t)64 << 10)
#define MIN_BLOCK ((size_t)256)
/* A trim frees 1/TRIM_DIV of the limit (at least a block): thousands of
 * lines at once, yet the store stays close to full (what it holds per byte
 * of memory matters more than how rarely it trims). */
#define TRIM_DIV 64

typedef struct {
    uint64_t time_ns;
    uint64_t seqsrc; /* seq << 16 | source */
    uint32_t off;    /* low 32 bits of the virtual offset; markers: slot */
    uint32_t lenfl;  /* len << 8 | flags */
} ls_entry;

typedef struct {
    char *mem;
    uint64_t vstart;   /* virtual offset of mem[0] */
    uint64_t last_seq; /* seq of the last line that belongs to the block */
    uint32_t used, cap;
    uint32_t nlines;
} ls_block;

typedef struct {
    char *name;
    ls_block *blocks;
    size_t b0, bn, bcap; /* live blocks are blocks[b0 .. b0+bn) */
    uint64_t vend;       /* virtual offset where the next block starts */
    size_t bytes;        /* charged: block capacities + entries */
    size_t nlines;       /* retained lines (markers excluded) */
    uint64_t dead_seq;   /* its lines with seq <= this are gone */
    size_t dropped;      /* lines dropped over the store's life */
    size_t pending;      /* dropped by the trim in progress */
    int marker_slot;     /* its marker line, or -1 */
    bool marker_placed;  /* during a compaction */
} ls_source;

typedef struct {
    char *text;
    uint32_t len;
} ls_marker;

struct logstore {
    size_t cap, source_cap, block_size, max_line;
    size_t total; /* bytes charged */

    ls_entry **chunks;
    size_t nchunks, chunks_cap;
    size_t head; /* index of line 0 inside chunks[0] */
    size_t count;
    ls_entry *spare; /* one freed chunk kept for reuse */
    /* Freed text blocks of block_size, reused before malloc: a trim frees
     * about as much as the refill after it needs, so in a flood the store
     * neither calls malloc nor fragments the heap. */
    char **pool;
    size_t npool, pool_max;

    ls_source *src;
    size_t nsrc, src_cap;

    ls_marker *markers;
    size_t nmarkers_cap;

    uint64_t next_seq;
    uint64_t trim_gen;
    uint64_t trim_hi; /* highest seq any trim ever touched */
    size_t dropped;
};

struct logstore_regex {
    regex_t re;
    char *pattern;
    bool icase;
    bool literal; /* no special characters: plain substring search */
    char *lit;    /* the literal, lower-cased when icase */
    size_t litlen;
};

/* ---- index helpers -------------------------------------------------------- */

static inline ls_entry *entry_at(const logstore *ls, size_t i)
{
    size_t p = ls->head + i;
    return &ls->chunks[p >> IDX_SHIFT][p & IDX_MASK];
}

static inline uint64_t e_seq(const ls_entry *e) { return e->seqsrc >> SRC_BITS; }
static inline unsigned e_src(const ls_entry *e) { return (unsigned)(e->seqsrc & SRC_MASK); }
static inline size_t e_len(const ls_entry *e) { return e->lenfl >> LEN_SHIFT; }

static ls_entry *entry_push(logstore *ls)
{
    size_t p = ls->head + ls->count;
    size_t c = p >> IDX_SHIFT;
    if (c == ls->nchunks) {
        if (ls->nchunks == ls->chunks_cap) {
            ls->chunks_cap = ls->chunks_cap ? ls->chunks_cap * 2 : 16;
            ls->chunks = util_xrealloc(ls->chunks, ls->chunks_cap * sizeof *ls->chunks);
        }
        ls_entry *chunk = ls->spare;
        ls->spare = NULL;
        if (!chunk)
            chunk = util_xmalloc(IDX_N * sizeof *chunk);
        ls->chunks[ls->nchunks++] = chunk;
    }
    ls->count++;
    return &ls->chunks[c][p & IDX_MASK];
}

/* Forget the first n entries. */
static void entries_drop_front(logstore *ls, size_t n)
{
    ls->head += n;
    ls->count -= n;
    size_t whole = ls->head >> IDX_SHIFT;
    if (ls->count == 0)
        whole = ls->nchunks, ls->head = 0;
    if (whole == 0)
        return;
    for (size_t k = 0; k < whole; k++) {
        if (!ls->spare)
            ls->spare = ls->chunks[k];
        else
            free(ls->chunks[k]);
    }
    memmove(ls->chunks, ls->chunks + whole, (ls->nchunks - whole) * sizeof *ls->chunks);
    ls->nchunks -= whole;
    ls->head &= IDX_MASK;
}

/* ---- creation --------------------------------------------------------------- */

logstore *logstore_new(size_t cap_bytes, size_t source_cap_bytes)
{
    logstore *ls = util_xcalloc(1, sizeof *ls);
    if (cap_bytes == 0)
        cap_bytes = LOGSTORE_DEFAULT_CAP;
    if (cap_bytes < MIN_CAP)
        cap_bytes = MIN_CAP;
    if (source_cap_bytes == 0)
        source_cap_bytes = cap_bytes / 2;
    if (source_cap_bytes > cap_bytes)
        source_cap_bytes = cap_bytes;
    if (source_cap_bytes < MIN_CAP / 2)
        source_cap_bytes = MIN_CAP / 2;
    if (source_cap_bytes > MAX_SOURCE_CAP)
        source_cap_bytes = MAX_SOURCE_CAP;
    ls->cap = cap_bytes;
    ls->source_cap = source_cap_bytes;
    size_t bs = source_cap_bytes / 32;
    bs = bs < MIN_BLOCK ? MIN_BLOCK : bs > MAX_BLOCK ? MAX_BLOCK : bs;
    ls->block_size = bs;
    ls->max_line = source_cap_bytes / 4 < LOGSTORE_MAX_LINE ? source_cap_bytes / 4
                                                            : LOGSTORE_MAX_LINE;
    size_t chunk = cap_bytes / TRIM_DIV > bs ? cap_bytes / TRIM_DIV : bs;
    ls->pool_max = chunk / bs + 2;
    ls->pool = util_xcalloc(ls->pool_max, sizeof *ls->pool);
    ls->next_seq = 1;
    return ls;
}

void logstore_free(logstore *ls)
{
    if (!ls)
        return;
    for (size_t i = 0; i < ls->nsrc; i++) {
        ls_source *s = &ls->src[i];
        for (size_t b = s->b0; b < s->b0 + s->bn; b++)
            free(s->blocks[b].mem);
        free(s->blocks);
        free(s->name);
    }
    free(ls->src);
    for (size_t i = 0; i < ls->nmarkers_cap; i++)
        free(ls->markers[i].text);
    free(ls->markers);
    for (size_t i = 0; i < ls->nchunks; i++)
        free(ls->chunks[i]);
    free(ls->chunks);
    free(ls->spare);
    for (size_t i = 0; i < ls->npool; i++)
        free(ls->pool[i]);
    free(ls->pool);
    free(ls);
}

int logstore_source(logstore *ls, const char *name)
{
    if (!name)
        name = "";
    for (size_t i = 0; i < ls->nsrc; i++)
        if (strcmp(ls->src[i].name, name) == 0)
            return (int)i;
    if (ls->nsrc >= MAX_SOURCES)
        return -1;
    if (ls->nsrc == ls->src_cap) {
        ls->src_cap = ls->src_cap ? ls->src_cap * 2 : 8;
        ls->src = util_xrealloc(ls->src, ls->src_cap * sizeof *ls->src);
    }
    ls_source *s = &ls->src[ls->nsrc];
    memset(s, 0, sizeof *s);
    s->name = util_xstrdup(name);
    s->marker_slot = -1;
    return (int)ls->nsrc++;
}

const char *logstore_source_name(const logstore *ls, int source)
{
    if (source < 0 || (size_t)source >= ls->nsrc)
        return NULL;
    return ls->src[source].name;
}

size_t logstore_source_count(const logstore *ls) { return ls->nsrc; }

/* ---- markers ------------------------------------------------------------------ */

static int marker_new(logstore *ls, const ls_source *s)
{
    size_t slot = 0;
    while (slot < ls->nmarkers_cap && ls->markers[slot].text)
        slot++;
    if (slot == ls->nmarkers_cap) {
        size_t ncap = ls->nmarkers_cap ? ls->nmarkers_cap * 2 : 4;
        ls->markers = util_xrealloc(ls->markers, ncap * sizeof *ls->markers);
        memset(ls->markers + ls->nmarkers_cap, 0,
               (ncap - ls->nmarkers_cap) * sizeof *ls->markers);
        ls->nmarkers_cap = ncap;
    }
    ls_marker *m = &ls->markers[slot];
    m->text = util_xasprintf("[%zu line%s dropped from %s]", s->dropped,
                             s->dropped == 1 ? "" : "s", s->name);
    m->len = (uint32_t)strlen(m->text);
    ls->total += m->len + sizeof(ls_entry);
    return (int)slot;
}

static void marker_free(logstore *ls, int slot)
{
    ls_marker *m = &ls->markers[slot];
    ls->total -= m->len + sizeof(ls_entry);
    free(m->text);
    m->text = NULL;
    m->len = 0;
}

/* ---- trimming --------------------------------------------------------------------- */

static void block_drop_first(logstore *ls, ls_source *s)
{
    ls_block *b = &s->blocks[s->b0];
    size_t charged = b->cap + (size_t)b->nlines * sizeof(ls_entry);
    s->bytes -= charged;
    ls->total -= charged;
    s->nlines -= b->nlines;
    s->pending += b->nlines;
    if (b->nlines) {
        s->dead_seq = b->last_seq;
        if (b->last_seq > ls->trim_hi)
            ls->trim_hi = b->last_seq;
    }
    if (s->bn == 1 && b->vstart + b->used > s->vend)
        s->vend = b->vstart + b->used;
    if (b->cap == ls->block_size && ls->npool < ls->pool_max)
        ls->pool[ls->npool++] = b->mem;
    else
        free(b->mem);
    s->b0++;
    s->bn--;
    if (s->bn == 0)
        s->b0 = 0;
}

/* Rewrite the index after blocks were dropped: remove the dead entries
 * (all at or before `hi_seq`), turn the last dead entry of each affected
 * source into its marker and remove that source's previous marker. */
static void compact(logstore *ls, uint64_t hi_seq)
{
    size_t hi = logstore_index_of_seq(ls, hi_seq);
    if (hi >= ls->count) /* cannot happen: the entry is still there */
        hi = ls->count ? ls->count - 1 : 0;
    for (size_t i = 0; i < ls->nsrc; i++)
        if (ls->src[i].pending) {
            ls->src[i].dropped += ls->src[i].pending;
            ls->dropped += ls->src[i].pending;
        }
    size_t w = ls->count ? hi + 1 : 0; /* entries [w, hi] are kept */
    for (size_t r = w; r-- > 0;) {
        ls_entry e = *entry_at(ls, r);
        ls_source *s = &ls->src[e_src(&e)];
        if (s->pending) {
            if (e.lenfl & FL_MARKER) {
                marker_free(ls, (int)e.off);
                continue;
            }
            if (e_seq(&e) <= s->dead_seq) {
                if (s->marker_placed)
                    continue;
                int slot = marker_new(ls, s);
                s->marker_slot = slot;
                s->marker_placed = true;
                e.off = (uint32_t)slot;
                e.lenfl = (ls->markers[slot].len << LEN_SHIFT) | FL_MARKER;
            }
        }
        *entry_at(ls, --w) = e;
    }
    for (size_t i = 0; i < ls->nsrc; i++) {
        ls->src[i].pending = 0;
        ls->src[i].marker_placed = false;
    }
    entries_drop_front(ls, w);
    ls->trim_gen++;
}

static void trim_source(logstore *ls, ls_source *s)
{
    size_t chunk = ls->source_cap / TRIM_DIV > ls->block_size ? ls->source_cap / TRIM_DIV
                                                               : ls->block_size;
    size_t target = ls->source_cap > chunk ? ls->source_cap - chunk : 0;
    uint64_t hi = 0;
    while (s->bytes > target && s->bn > 0) {
        if (s->blocks[s->b0].nlines)
            hi = s->blocks[s->b0].last_seq;
        block_drop_first(ls, s);
    }
    if (hi)
        compact(ls, hi);
}

static void trim_global(logstore *ls)
{
    size_t chunk = ls->cap / TRIM_DIV > ls->block_size ? ls->cap / TRIM_DIV : ls->block_size;
    size_t target = ls->cap - chunk;
    uint64_t hi = 0;
    while (ls->total > target) {
        ls_source *oldest = NULL;
        for (size_t i = 0; i < ls->nsrc; i++) {
            ls_source *s = &ls->src[i];
            if (s->bn && (!oldest || s->blocks[s->b0].last_seq <
                                         oldest->blocks[oldest->b0].last_seq))
                oldest = s;
        }
        if (!oldest)
            break; /* only markers left */
        uint64_t last = oldest->blocks[oldest->b0].last_seq;
        if (oldest->blocks[oldest->b0].nlines && last > hi)
            hi = last;
        block_drop_first(ls, oldest);
    }
    if (hi)
        compact(ls, hi);
}

/* ---- appending ----------------------------------------------------------------------- */

static ls_block *block_new(logstore *ls, ls_source *s, size_t need)
{
    if (s->bn) {
        /* close the current block: give back a large unused tail */
        ls_block *cur = &s->blocks[s->b0 + s->bn - 1];
        if (cur->cap - cur->used > cur->cap / 8) {
            size_t keep = cur->used ? cur->used : 1;
            cur->mem = util_xrealloc(cur->mem, keep);
            s->bytes -= cur->cap - cur->used;
            ls->total -= cur->cap - cur->used;
            cur->cap = cur->used;
        }
        s->vend = cur->vstart + cur->used;
    }
    if (s->b0 + s->bn == s->bcap) {
        if (s->b0 > 0) {
            memmove(s->blocks, s->blocks + s->b0, s->bn * sizeof *s->blocks);
            s->b0 = 0;
        } else {
            s->bcap = s->bcap ? s->bcap * 2 : 8;
            s->blocks = util_xrealloc(s->blocks, s->bcap * sizeof *s->blocks);
        }
    }
    size_t cap = need > ls->block_size / 8 ? need : ls->block_size;
    ls_block *b = &s->blocks[s->b0 + s->bn++];
    if (cap == ls->block_size && ls->npool)
        b->mem = ls->pool[--ls->npool];
    else
        b->mem = util_xmalloc(cap ? cap : 1);
    b->cap = (uint32_t)cap;
    b->used = 0;
    b->nlines = 0;
    b->last_seq = 0;
    b->vstart = s->vend;
    s->vend += cap;
    s->bytes += cap;
    ls->total += cap;
    return b;
}

static void append_one(logstore *ls, ls_source *s, unsigned src, unsigned stream,
                       uint64_t time_ns, const char *text, size_t len)
{
    if (len && text[len - 1] == '\r')
        len--;
    char cut[64];
    size_t cutlen = 0, keep = len;
    uint32_t flags = stream & FL_STREAM;
    if (len > ls->max_line) {
        /* the suffix for `len` is at least as long as the real one */
        keep = ls->max_line - (size_t)snprintf(cut, sizeof cut, " [+%zu bytes cut]", len);
        cutlen = (size_t)snprintf(cut, sizeof cut, " [+%zu bytes cut]", len - keep);
        flags |= FL_TRUNC;
    }
    size_t total = keep + cutlen;
    ls_block *b = s->bn ? &s->blocks[s->b0 + s->bn - 1] : NULL;
    if (!b || b->cap - b->used < total || (b->nlines >= ls->block_size / 32 && b->nlines >= 8))
        b = block_new(ls, s, total);
    if (keep) /* an empty line may come with text NULL */
        memcpy(b->mem + b->used, text, keep);
    if (cutlen)
        memcpy(b->mem + b->used + keep, cut, cutlen);
    uint64_t seq = ls->next_seq++;
    ls_entry *e = entry_push(ls);
    e->time_ns = time_ns;
    e->seqsrc = seq << SRC_BITS | src;
    e->off = (uint32_t)(b->vstart + b->used);
    e->lenfl = (uint32_t)(total << LEN_SHIFT) | flags;
    b->used += (uint32_t)total;
    b->nlines++;
    b->last_seq = seq;
    s->nlines++;
    s->bytes += sizeof(ls_entry);
    ls->total += sizeof(ls_entry);
    if (s->bytes > ls->source_cap)
        trim_source(ls, s);
    if (ls->total > ls->cap)
        trim_global(ls);
}

void logstore_append(logstore *ls, int source, int stream, uint64_t time_ns,
                     const char *text, size_t len)
{
    if (!ls || source < 0 || (size_t)source >= ls->nsrc)
        return;
    if (!text)
        len = 0;
    if (len && text[len - 1] == '\n')
        len--;
    unsigned st = stream == LOGSTORE_STDERR ? LOGSTORE_STDERR : LOGSTORE_STDOUT;
    for (;;) {
        const char *nl = len ? memchr(text, '\n', len) : NULL;
        size_t n = nl ? (size_t)(nl - text) : len;
        /* the source array does not move while appending */
        append_one(ls, &ls->src[source], (unsigned)source, st, time_ns, text, n);
        if (!nl)
            break;
        text += n + 1;
        len -= n + 1;
    }
}

/* ---- reading ------------------------------------------------------------------------------ */

static const char *entry_text(const logstore *ls, const ls_entry *e)
{
    if (e->lenfl & FL_MARKER)
        return ls->markers[e->off].text;
    if (e_len(e) == 0)
        return "";
    const ls_source *s = &ls->src[e_src(e)];
    const ls_block *bl = s->blocks + s->b0;
    uint64_t vfirst = bl[0].vstart;
    uint64_t v = vfirst + (uint32_t)(e->off - (uint32_t)vfirst);
    size_t lo = 0, hi = s->bn; /* last block with vstart <= v */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (bl[mid].vstart <= v)
            lo = mid;
        else
            hi = mid;
    }
    return bl[lo].mem + (v - bl[lo].vstart);
}

static void entry_line(const logstore *ls, const ls_entry *e, logstore_line *out)
{
    out->text = entry_text(ls, e);
    out->len = e_len(e);
    out->source = (int)e_src(e);
    out->source_name = ls->src[e_src(e)].name;
    out->is_marker = (e->lenfl & FL_MARKER) != 0;
    out->truncated = (e->lenfl & FL_TRUNC) != 0;
    out->stream = out->is_marker ? 0 : (int)(e->lenfl & FL_STREAM);
    out->time_ns = e->time_ns;
    out->seq = e_seq(e);
}

size_t logstore_count(const logstore *ls) { return ls->count; }

bool logstore_get(const logstore *ls, size_t i, logstore_line *out)
{
    if (i >= ls->count)
        return false;
    entry_line(ls, entry_at(ls, i), out);
    return true;
}

uint64_t logstore_seq(const logstore *ls, size_t i)
{
    return i < ls->count ? e_seq(entry_at(ls, i)) : 0;
}

uint64_t logstore_first_seq(const logstore *ls)
{
    return ls->count ? e_seq(entry_at(ls, 0)) : ls->next_seq;
}

uint64_t logstore_next_seq(const logstore *ls) { return ls->next_seq; }

size_t logstore_index_of_seq(const logstore *ls, uint64_t seq)
{
    size_t lo = 0, hi = ls->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e_seq(entry_at(ls, mid)) < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t logstore_dropped(const logstore *ls) { return ls->dropped; }

size_t logstore_source_dropped(const logstore *ls, int source)
{
    if (source < 0 || (size_t)source >= ls->nsrc)
        return 0;
    return ls->src[source].dropped;
}

size_t logstore_bytes(const logstore *ls) { return ls->total; }
size_t logstore_cap(const logstore *ls) { return ls->cap; }
size_t logstore_source_cap(const logstore *ls) { return ls->source_cap; }
uint64_t logstore_trim_generation(const logstore *ls) { return ls->trim_gen; }

/* ---- regex ------------------------------------------------------------------------------------ */

logstore_regex *logstore_regex_new(const char *pattern, char *err, size_t errlen)
{
    if (!pattern || !*pattern) {
        if (err && errlen)
            snprintf(err, errlen, "empty pattern");
        return NULL;
    }
    bool upper = false, literal = true;
    for (const unsigned char *p = (const unsigned char *)pattern; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            upper = true;
        if (strchr(".[]()*+?{}|^$\\", *p) || *p >= 0x80)
            literal = false;
    }
    logstore_regex *re = util_xcalloc(1, sizeof *re);
    re->icase = !upper;
    int rc = regcomp(&re->re, pattern, REG_EXTENDED | REG_NOSUB | (re->icase ? REG_ICASE : 0));
    if (rc != 0) {
        char msg[256];
        regerror(rc, &re->re, msg, sizeof msg);
        if (err && errlen)
            snprintf(err, errlen, "bad regular expression '%s': %s", pattern, msg);
        free(re);
        return NULL;
    }
    re->pattern = util_xstrdup(pattern);
    if (literal) {
        re->literal = true;
        re->litlen = strlen(pattern);
        re->lit = util_xstrdup(pattern);
        if (re->icase)
            for (char *p = re->lit; *p; p++)
                *p = (char)tolower((unsigned char)*p);
    }
    return re;
}

void logstore_regex_free(logstore_regex *re)
{
    if (!re)
        return;
    regfree(&re->re);
    free(re->pattern);
    free(re->lit);
    free(re);
}

const char *logstore_regex_pattern(const logstore_regex *re) { return re->pattern; }
bool logstore_regex_icase(const logstore_regex *re) { return re->icase; }

static bool find_literal_icase(const char *text, size_t len, const char *lit, size_t m)
{
    if (m > len)
        return false;
    unsigned char c0 = (unsigned char)lit[0];
    unsigned char C0 = (unsigned char)toupper(c0);
    const char *p = text, *end = text + len - m + 1;
    while (p < end) {
        const char *a = memchr(p, c0, (size_t)(end - p));
        const char *b = c0 != C0 ? memchr(p, C0, (size_t)(end - p)) : NULL;
        const char *q = !a ? b : !b ? a : a < b ? a : b;
        if (!q)
            return false;
        size_t k = 1;
        while (k < m && tolower((unsigned char)q[k]) == (unsigned char)lit[k])
            k++;
        if (k == m)
            return true;
        p = q + 1;
    }
    return false;
}

bool logstore_regex_test(const logstore_regex *re, const char *text, size_t len)
{
    if (!re)
        return true;
    if (re->literal) {
        if (re->icase)
            return find_literal_icase(text, len, re->lit, re->litlen);
        return memmem(text, len, re->lit, re->litlen) != NULL;
    }
#if defined(REG_STARTEND) && !defined(__SANITIZE_ADDRESS__)
    /* (ASan's regexec interceptor reads the subject up to a NUL even with
     * REG_STARTEND, and lines here are not NUL-terminated: copy there) */
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)len;
    return regexec(&re->re, text ? text : "", 1, m, REG_STARTEND) == 0;
#else
    char small[512];
    char *buf = len < sizeof small ? small : util_xmalloc(len + 1);
    if (len)
        memcpy(buf, text, len);
    buf[len] = '\0';
    bool ok = regexec(&re->re, buf, 0, NULL, 0) == 0;
    if (buf != small)
        free(buf);
    return ok;
#endif
}

static bool entry_match(const logstore *ls, const logstore_regex *re, const ls_entry *e)
{
    return logstore_regex_test(re, entry_text(ls, e), e_len(e));
}

bool logstore_match(const logstore *ls, const logstore_regex *re, size_t i)
{
    if (i >= ls->count)
        return false;
    return entry_match(ls, re, entry_at(ls, i));
}

long logstore_find(const logstore *ls, const logstore_regex *re, size_t from, int dir)
{
    if (ls->count == 0)
        return -1;
    if (dir >= 0) {
        for (size_t i = from; i < ls->count; i++)
            if (entry_match(ls, re, entry_at(ls, i)))
                return (long)i;
        return -1;
    }
    if (from >= ls->count)
        from = ls->count - 1;
    for (size_t i = from + 1; i-- > 0;)
        if (entry_match(ls, re, entry_at(ls, i)))
            return (long)i;
    return -1;
}

size_t logstore_count_matches(const logstore *ls, const logstore_regex *re)
{
    size_t n = 0;
    for (size_t i = 0; i < ls->count; i++)
        n += entry_match(ls, re, entry_at(ls, i));
    return n;
}

/* ---- filters ------------------------------------------------------------------------------------ */

struct logstore_filter {
    const logstore *ls;
    const logstore_regex *re;
    unsigned char *mask; /* per source id; NULL: every source */
    size_t nmask;
    uint64_t *seqs;
    size_t n, cap;
    uint64_t synced_next; /* lines with seq < this were looked at */
    uint64_t trim_gen;
    bool dirty;
};

logstore_filter *logstore_filter_new(const logstore *ls)
{
    logstore_filter *f = util_xcalloc(1, sizeof *f);
    f->ls = ls;
    f->dirty = true;
    return f;
}

void logstore_filter_free(logstore_filter *f)
{
    if (!f)
        return;
    free(f->mask);
    free(f->seqs);
    free(f);
}

void logstore_filter_set_regex(logstore_filter *f, const logstore_regex *re)
{
    f->re = re;
    f->dirty = true;
}

void logstore_filter_set_sources(logstore_filter *f, const int *ids, size_t n)
{
    free(f->mask);
    f->mask = NULL;
    f->nmask = 0;
    if (n) {
        int max = -1;
        for (size_t i = 0; i < n; i++)
            if (ids[i] > max)
                max = ids[i];
        f->nmask = (size_t)(max + 1);
        f->mask = util_xcalloc(f->nmask ? f->nmask : 1, 1);
        for (size_t i = 0; i < n; i++)
            if (ids[i] >= 0)
                f->mask[ids[i]] = 1;
    }
    f->dirty = true;
}

bool logstore_filter_has_source(const logstore_filter *f, int source)
{
    if (!f->mask)
        return true;
    return source >= 0 && (size_t)source < f->nmask && f->mask[source];
}

static bool filter_passes(const logstore_filter *f, const ls_entry *e)
{
    if (!logstore_filter_has_source(f, (int)e_src(e)))
        return false;
    if (e->lenfl & FL_MARKER)
        return true;
    return !f->re || entry_match(f->ls, f->re, e);
}

static void filter_push(logstore_filter *f, uint64_t seq)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->seqs = util_xrealloc(f->seqs, f->cap * sizeof *f->seqs);
    }
    f->seqs[f->n++] = seq;
}

bool logstore_filter_sync(logstore_filter *f)
{
    const logstore *ls = f->ls;
    bool changed = false;
    if (f->dirty) {
        f->n = 0;
        f->synced_next = 0;
        f->trim_gen = ls->trim_gen;
        f->dirty = false;
        changed = true;
    }
    if (f->trim_gen != ls->trim_gen) {
        /* lines up to trim_hi may have gone, markers may have come */
        uint64_t lim = ls->trim_hi < f->synced_next ? ls->trim_hi : f->synced_next - 1;
        size_t j = 0;
        while (j < f->n && f->seqs[j] <= lim)
            j++;
        size_t oldpre = j;
        uint64_t *pre = NULL;
        size_t npre = 0, precap = 0;
        j = 0;
        for (size_t i = 0; i < ls->count; i++) {
            const ls_entry *e = entry_at(ls, i);
            uint64_t seq = e_seq(e);
            if (seq > lim)
                break;
            while (j < oldpre && f->seqs[j] < seq)
                j++;
            bool keep;
            if (e->lenfl & FL_MARKER)
                keep = logstore_filter_has_source(f, (int)e_src(e));
            else
                keep = j < oldpre && f->seqs[j] == seq;
            if (keep) {
                if (npre == precap) {
                    precap = precap ? precap * 2 : 64;
                    pre = util_xrealloc(pre, precap * sizeof *pre);
                }
                pre[npre++] = seq;
            }
        }
        if (npre != oldpre || (npre && memcmp(pre, f->seqs, npre * sizeof *pre) != 0))
            changed = true;
        size_t rest = f->n - oldpre;
        if (npre + rest > f->cap) {
            f->cap = npre + rest;
            f->seqs = util_xrealloc(f->seqs, f->cap * sizeof *f->seqs);
        }
        if (rest)
            memmove(f->seqs + npre, f->seqs + oldpre, rest * sizeof *f->seqs);
        if (npre)
            memcpy(f->seqs, pre, npre * sizeof *pre);
        f->n = npre + rest;
        free(pre);
        f->trim_gen = ls->trim_gen;
    }
    if (f->synced_next < ls->next_seq) {
        for (size_t i = logstore_index_of_seq(ls, f->synced_next); i < ls->count; i++) {
            const ls_entry *e = entry_at(ls, i);
            if (filter_passes(f, e)) {
                filter_push(f, e_seq(e));
                changed = true;
            }
        }
        f->synced_next = ls->next_seq;
    }
    return changed;
}

size_t logstore_filter_count(const logstore_filter *f) { return f->n; }

size_t logstore_filter_index(const logstore_filter *f, size_t k)
{
    if (k >= f->n)
        return (size_t)-1;
    size_t i = logstore_index_of_seq(f->ls, f->seqs[k]);
    if (i >= f->ls->count || e_seq(entry_at(f->ls, i)) != f->seqs[k])
        return (size_t)-1; /* not synced since a trim */
    return i;
}

bool logstore_filter_get(const logstore_filter *f, size_t k, logstore_line *out)
{
    size_t i = logstore_filter_index(f, k);
    if (i == (size_t)-1)
        return false;
    return logstore_get(f->ls, i, out);
}

size_t logstore_filter_pos_of_seq(const logstore_filter *f, uint64_t seq)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->seqs[mid] < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- save ------------------------------------------------------------------------------------------ */

int logstore_save(const logstore *ls, const char *path, const logstore_regex *only,
                  char *err, size_t errlen)
{
    if (!path || !*path) {
        if (err && errlen)
            snprintf(err, errlen, "save: no file name");
        return -1;
    }
    bool several = false;
    for (size_t i = 1; i < ls->count && !several; i++)
        several = e_src(entry_at(ls, i)) != e_src(entry_at(ls, 0));
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, ls->total);
    for (size_t i = 0; i < ls->count; i++) {
        const ls_entry *e = entry_at(ls, i);
        if (only && !(e->lenfl & FL_MARKER) && !entry_match(ls, only, e))
            continue;
        if (several) {
            strbuf_adds(&sb, ls->src[e_src(e)].name);
            strbuf_add(&sb, " | ", 3);
        }
        strbuf_add(&sb, entry_text(ls, e), e_len(e));
        strbuf_addc(&sb, '\n');
    }
    char msg[SRV_ERRLEN];
    int rc = util_write_file_atomic(path, sb.data ? sb.data : "", sb.len, msg);
    strbuf_free(&sb);
    if (rc != 0 && err && errlen)
        snprintf(err, errlen, "%s", msg);
    return rc;
}

/* core/util.h — small shared helpers: allocation, growable buffers, an arena,
 * file I/O (bounded reads, atomic writes), paths.  No curses, no libuv.
 *
 * Conventions used across core/:
 *  - functions that can fail return 0 on success and -1 on failure, and fill a
 *    caller-provided error buffer (char err[SRV_ERRLEN]) with a message that
 *    names the file (and line:column where there is one);
 *  - allocation failure aborts (xmalloc & co): there is no sensible recovery
 *    for a console process, and it keeps every call site simple.
 */
#ifndef SRV_UTIL_H
#define SRV_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SRV_ERRLEN 1024

#if defined(__GNUC__)
#define SRV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SRV_NORETURN __attribute__((noreturn))
#else
#define SRV_PRINTF(a, b)
#define SRV_NORETURN
#endif

#define SRV_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- allocation ---------------------------------------------------------- */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);
char *util_xstrndup(const char *s, size_t n);
char *util_xasprintf(const char *fmt, ...) SRV_PRINTF(1, 2);
SRV_NORETURN void util_oom(void);

/* Format into a fixed error buffer (truncating safely). */
void util_seterr(char *err, const char *fmt, ...) SRV_PRINTF(2, 3);

/* ---- growable byte buffer ------------------------------------------------ */
typedef struct {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}
void strbuf_init(strbuf *sb);
void strbuf_free(strbuf *sb);
void strbuf_reset(strbuf *sb);
void strbuf_grow(strbuf *sb, size_t extra);
void strbuf_add(strbuf *sb, const void *p, size_t n);
void strbuf_adds(strbuf *sb, const char *s);
void strbuf_addc(strbuf *sb, char c);
void strbuf_addrep(strbuf *sb, char c, size_t n);
void strbuf_addf(strbuf *sb, const char *fmt, ...) SRV_PRINTF(2, 3);
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* Detach the buffer (caller frees); the strbuf is reset. Never NULL. */
char *strbuf_detach(strbuf *sb, size_t *len);

/* ---- arena: many small allocations freed at once -------------------------- */
typedef struct arena_block arena_block;
typedef struct {
    arena_block *head; /* current block for small allocations */
    arena_block *bigs; /* one block per large allocation */
    size_t total;      /* bytes handed out, for statistics */
} arena;

/* A position to release back to: everything allocated after arena_mark()
 * is freed by arena_release() (the arena stays usable). */
typedef struct {
    arena_block *head, *bigs;
    size_t used, total;
} arena_pos;

void arena_init(arena *a);
void arena_free(arena *a);
void *arena_alloc(arena *a, size_t n); /* 16-byte aligned, zeroed */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_sprintf(arena *a, const char *fmt, ...) SRV_PRINTF(2, 3);
arena_pos arena_mark(const arena *a);
void arena_release(arena *a, arena_pos pos);

/* ---- strings ------------------------------------------------------------- */
bool util_streq(const char *a, const char *b); /* NULL-safe */
bool util_startswith(const char *s, const char *prefix);
bool util_endswith(const char *s, const char *suffix);
/* Split a text (NULL counts as "") at '\n' into a malloc'd array of *n
 * malloc'd lines without their newline; a trailing newline ends the last
 * line and adds no empty one, so "" gives 0 lines.  Never NULL; free with
 * util_lines_free(). */
char **util_split_lines(const char *text, size_t *n);
void util_lines_free(char **lines, size_t n);
/* Levenshtein distance, capped: returns cap+1 when the distance exceeds cap. */
size_t util_edit_distance(const char *a, const char *b, size_t cap);
/* Validate UTF-8; returns true when the whole buffer is well-formed. */
bool util_utf8_valid(const char *s, size_t n);
/* Decode one code point at s (n bytes available); returns its length in bytes
 * (>=1) and stores the code point, or U+FFFD with length 1 on a bad sequence. */
size_t util_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* ---- files and paths ----------------------------------------------------- */
/* Read a whole file, refusing files larger than max_bytes.  On success *out is
 * NUL-terminated (caller frees).  Errors name the path. */
int util_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
                   char *err);
/* Write atomically: temp file in the same directory, then rename over path.
 * Missing parent directories are created.  The mode of an existing file is
 * kept; new files get 0666 & ~umask.  On failure the old file is intact. */
int util_write_file_atomic(const char *path, const void *data, size_t len,
                           char *err);
/* Two-phase form of the above, for writing a set of files all-or-nothing:
 * prepare writes the data to a temp file next to `path` (parents created);
 * commit renames it over `path`; abort removes it.  `*tmp` is malloc'd and
 * freed by commit/abort. */
#define UTIL_ATOMIC_NEW 1u    /* the caller knows `path` does not exist */
#define UTIL_ATOMIC_DIR_OK 2u /* the caller knows the parent directory exists */
int util_atomic_prepare(const char *path, const void *data, size_t len,
                        unsigned flags, char **tmp, char *err);
int util_atomic_commit(char *tmp, const char *path, char *err);
void util_atomic_abort(char *tmp);
/* Copy a directory tree (regular files and folders; symlinks are skipped).
 * Existing files in `dst` are overwritten. */
int util_copy_tree(const char *src, const char *dst, char *err);
/* mkdir -p */
int util_mkdirs(const char *path, char *err);
bool util_is_dir(const char *path);
bool util_is_file(const char *path);
bool util_exists(const char *path);
/* Join two path parts with exactly one '/' (caller frees). */
char *util_path_join(const char *a, const char *b);
/* Lexically normalise a path: collapse '//', resolve '.' and '..' (never
 * above the root of an absolute path).  Caller frees. */
char *util_path_normalize(const char *p);
/* Path of `path` relative to directory `base` when it lies below it, else a
 * copy of `path`.  Caller frees. */
char *util_path_relative(const char *path, const char *base);

/* Monotonic clock in nanoseconds. */
uint64_t util_now_ns(void);

#endif

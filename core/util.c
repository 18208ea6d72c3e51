/* core/util.c — see util.h. */
#include "config.h"

#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- allocation ---------------------------------------------------------- */

void util_oom(void)
{
    static const char msg[] = "srvconsole: out of memory\n";
    ssize_t r = write(2, msg, sizeof msg - 1);
    (void)r;
    abort();
}

void *util_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        util_oom();
    return p;
}

void *util_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        util_oom();
    return p;
}

void *util_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        util_oom();
    return q;
}

char *util_xstrdup(const char *s)
{
    return util_xstrndup(s, strlen(s));
}

char *util_xstrndup(const char *s, size_t n)
{
    char *p = util_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *util_xasprintf(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    return strbuf_detach(&sb, NULL);
}

void util_seterr(char *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SRV_ERRLEN, fmt, ap);
    va_end(ap);
}

/* ---- strbuf -------------------------------------------------------------- */

void strbuf_init(strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void strbuf_free(strbuf *sb)
{
    free(sb->data);
    strbuf_init(sb);
}

void strbuf_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

void strbuf_grow(strbuf *sb, size_t extra)
{
    if (extra >= SIZE_MAX - sb->len - 1)
        util_oom();
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    sb->data = util_xrealloc(sb->data, cap);
    sb->cap = cap;
    sb->data[sb->len] = '\0';
}

void strbuf_add(strbuf *sb, const void *p, size_t n)
{
    strbuf_grow(sb, n);
    if (n)
        memcpy(sb->data + sb->len, p, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void strbuf_adds(strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addc(strbuf *sb, char c)
{
    strbuf_grow(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

void strbuf_addrep(strbuf *sb, char c, size_t n)
{
    strbuf_grow(sb, n);
    memset(sb->data + sb->len, c, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        strbuf_add(sb, small, (size_t)n);
        return;
    }
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

char *strbuf_detach(strbuf *sb, size_t *len)
{
    if (!sb->data)
        strbuf_grow(sb, 0);
    char *p = sb->data;
    if (len)
        *len = sb->len;
    strbuf_init(sb);
    return p;
}

/* ---- arena --------------------------------------------------------------- */

struct arena_block {
    arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char mem[];
};

#define ARENA_BLOCK 65536

void arena_init(arena *a)
{
    a->head = a->bigs = NULL;
    a->total = 0;
}

static void free_blocks(arena_block *b, const arena_block *until)
{
    while (b && b != until) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
}

void arena_free(arena *a)
{
    free_blocks(a->head, NULL);
    free_blocks(a->bigs, NULL);
    arena_init(a);
}

void *arena_alloc(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    arena_block *b;
    if (n > ARENA_BLOCK / 4) {
        b = util_xmalloc(sizeof *b + n);
        b->used = b->cap = n;
        b->next = a->bigs;
        a->bigs = b;
        a->total += n;
        memset(b->mem, 0, n);
        return b->mem;
    }
    b = a->head;
    if (!b || b->cap - b->used < n) {
        b = util_xmalloc(sizeof *b + ARENA_BLOCK);
        b->used = 0;
        b->cap = ARENA_BLOCK;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->mem + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

arena_pos arena_mark(const arena *a)
{
    arena_pos p = {a->head, a->bigs, a->head ? a->head->used : 0, a->total};
    return p;
}

void arena_release(arena *a, arena_pos pos)
{
    free_blocks(a->head, pos.head);
    a->head = pos.head;
    if (a->head)
        a->head->used = pos.used;
    free_blocks(a->bigs, pos.bigs);
    a->bigs = pos.bigs;
    a->total = pos.total;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(arena *a, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    char *p = arena_strndup(a, sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return p;
}

/* ---- strings ------------------------------------------------------------- */

bool util_streq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool util_startswith(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool util_endswith(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

char **util_split_lines(const char *text, size_t *n)
{
    size_t cap = 16, k = 0;
    char **v = util_xmalloc(cap * sizeof *v);
    const char *s = text ? text : "";
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (k == cap)
            v = util_xrealloc(v, (cap *= 2) * sizeof *v);
        v[k++] = util_xstrndup(s, len);
        s += len + (e ? 1 : 0);
    }
    *n = k;
    return v;
}

void util_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

size_t util_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > cap)
        return cap + 1;
    if (m > 255 || n > 255)
        return cap + 1;
    size_t row[256], prev;
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        prev = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= m; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[m] > cap ? cap + 1 : row[m];
}

size_t util_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

bool util_utf8_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t l = util_utf8_decode(s + i, n - i, &cp);
        if (cp == 0xFFFD && l == 1)
            return false;
        i += l;
    }
    return true;
}

/* ---- files --------------------------------------------------------------- */

int util_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
                   char *err)
{
    *out = NULL;
    if (len)
        *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        util_seterr(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        util_seterr(err, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        util_seterr(err, "%s: is a directory", path);
        close(fd);
        return -1;
    }
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_bytes) {
        util_seterr(err, "%s: file is too large (%.1f MiB; the limit is %.1f MiB)",
                    path, (double)st.st_size / 1048576.0,
                    (double)max_bytes / 1048576.0);
        close(fd);
        return -1;
    }
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, S_ISREG(st.st_mode) ? (size_t)st.st_size : 4096);
    for (;;) {
        strbuf_grow(&sb, 65536);
        ssize_t r = read(fd, sb.data + sb.len, sb.cap - sb.len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            util_seterr(err, "%s: %s", path, strerror(errno));
            strbuf_free(&sb);
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        sb.len += (size_t)r;
        sb.data[sb.len] = '\0';
        if (sb.len > max_bytes) {
            util_seterr(err, "%s: file is too large (more than %.1f MiB)", path,
                        (double)max_bytes / 1048576.0);
            strbuf_free(&sb);
            close(fd);
            return -1;
        }
    }
    close(fd);
    *out = strbuf_detach(&sb, len);
    return 0;
}

int util_mkdirs(const char *path, char *err)
{
    if (util_is_dir(path))
        return 0; /* the common case: one stat */
    char *p = util_xstrdup(path);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] == '/' || p[i] == '\0') {
            char save = p[i];
            p[i] = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                util_seterr(err, "%s: cannot create directory: %s", p,
                            strerror(errno));
                free(p);
                return -1;
            }
            if (!util_is_dir(p)) {
                util_seterr(err, "%s: exists and is not a directory", p);
                free(p);
                return -1;
            }
            p[i] = save;
        }
    }
    free(p);
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static mode_t process_umask(void)
{
    static bool known;
    static mode_t um;
    if (!known) {
        um = umask(0);
        umask(um);
        known = true;
    }
    return um;
}

int util_atomic_prepare(const char *path, const void *data, size_t len,
                        unsigned flags, char **tmp_out, char *err)
{
    *tmp_out = NULL;
    char *dir = util_xstrdup(path);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? path + (slash - dir) + 1 : path;
    if (slash) {
        *slash = '\0';
        if (dir[0] && !(flags & UTIL_ATOMIC_DIR_OK) && util_mkdirs(dir, err) != 0) {
            free(dir);
            return -1;
        }
    }
    /* a unique name; O_EXCL guards against collisions */
    static unsigned long counter, pid;
    if (!pid)
        pid = (unsigned long)getpid();
    mode_t um = process_umask();
    struct stat st;
    bool existed = !(flags & UTIL_ATOMIC_NEW) && stat(path, &st) == 0;
    mode_t mode = existed ? (st.st_mode & 07777) : (0666 & ~um);
    char *tmp = NULL;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        free(tmp);
        unsigned long r = pid * 2654435761ul ^
                          (unsigned long)util_now_ns() ^ (++counter * 40503ul);
        tmp = slash ? util_xasprintf("%s/.%s.tmp%06lx", dir, base, r & 0xffffff)
                    : util_xasprintf(".%s.tmp%06lx", base, r & 0xffffff);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    free(dir);
    if (fd < 0) {
        util_seterr(err, "%s: cannot create temporary file: %s", path,
                    strerror(errno));
        free(tmp);
        return -1;
    }
    /* open() applied the umask: restore an existing file's exact mode */
    if (write_all(fd, data, len) != 0 ||
        (existed && (mode & um) && fchmod(fd, mode) != 0)) {
        util_seterr(err, "%s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (close(fd) != 0) {
        util_seterr(err, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    *tmp_out = tmp;
    return 0;
}

int util_atomic_commit(char *tmp, const char *path, char *err)
{
    int rc = 0;
    if (rename(tmp, path) != 0) {
        util_seterr(err, "%s: cannot replace: %s", path, strerror(errno));
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    return rc;
}

void util_atomic_abort(char *tmp)
{
    if (tmp)
        unlink(tmp);
    free(tmp);
}

int util_write_file_atomic(const char *path, const void *data, size_t len,
                           char *err)
{
    char *tmp;
    if (util_atomic_prepare(path, data, len, 0, &tmp, err) != 0)
        return -1;
    return util_atomic_commit(tmp, path, err);
}

int util_copy_tree(const char *src, const char *dst, char *err)
{
    if (util_mkdirs(dst, err) != 0)
        return -1;
    DIR *d = opendir(src);
    if (!d) {
        util_seterr(err, "%s: %s", src, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *s = util_path_join(src, de->d_name);
        char *t = util_path_join(dst, de->d_name);
        struct stat st;
        if (lstat(s, &st) != 0) {
            util_seterr(err, "%s: %s", s, strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = util_copy_tree(s, t, err);
        } else if (S_ISREG(st.st_mode)) {
            char *data;
            size_t len;
            rc = util_read_file(s, (size_t)st.st_size + 1, &data, &len, err);
            if (rc == 0) {
                rc = util_write_file_atomic(t, data, len, err);
                free(data);
            }
        }
        free(s);
        free(t);
    }
    closedir(d);
    return rc;
}

bool util_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool util_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool util_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *util_path_join(const char *a, const char *b)
{
    if (!a || !*a)
        return util_xstrdup(b);
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (*b == '/')
        b++;
    if (la == 1 && a[0] == '/')
        return util_xasprintf("/%s", b);
    return util_xasprintf("%.*s/%s", (int)la, a, b);
}

char *util_path_normalize(const char *p)
{
    bool abs = p[0] == '/';
    size_t n = strlen(p);
    /* segments stack */
    const char **seg = util_xmalloc((n / 2 + 2) * sizeof *seg);
    size_t *segl = util_xmalloc((n / 2 + 2) * sizeof *segl);
    size_t ns = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == '/')
            i++;
        size_t s = i;
        while (i < n && p[i] != '/')
            i++;
        size_t l = i - s;
        if (l == 0 || (l == 1 && p[s] == '.'))
            continue;
        if (l == 2 && p[s] == '.' && p[s + 1] == '.') {
            if (ns > 0 && !(segl[ns - 1] == 2 && seg[ns - 1][0] == '.' &&
                            seg[ns - 1][1] == '.')) {
                ns--;
                continue;
            }
            if (abs)
                continue;
        }
        seg[ns] = p + s;
        segl[ns] = l;
        ns++;
    }
    strbuf sb = STRBUF_INIT;
    if (abs)
        strbuf_addc(&sb, '/');
    for (size_t k = 0; k < ns; k++) {
        if (k)
            strbuf_addc(&sb, '/');
        strbuf_add(&sb, seg[k], segl[k]);
    }
    if (sb.len == 0)
        strbuf_addc(&sb, '.');
    free(seg);
    free(segl);
    return strbuf_detach(&sb, NULL);
}

char *util_path_relative(const char *path, const char *base)
{
    size_t lb = strlen(base);
    while (lb > 1 && base[lb - 1] == '/')
        lb--;
    if (strncmp(path, base, lb) == 0 && path[lb] == '/')
        return util_xstrdup(path + lb + 1);
    if (strncmp(path, base, lb) == 0 && path[lb] == '\0')
        return util_xstrdup(".");
    return util_xstrdup(path);
}

uint64_t util_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* core/value.c — see value.h. */
#include "config.h"

#include "core/value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Maps above this size get a hash index (open addressing over positions). */
#define VAL_HASH_MIN 16

typedef struct {
    size_t cap;     /* power of two */
    size_t *slots;  /* position + 1, 0 = empty */
} val_hash;

/* A map node carries its (optional) hash index right after the value, and
 * the number of leading index keys (items[0..nidx) are the canonical index
 * keys, in ascending order). */
typedef struct {
    val v;
    val_hash *h;
    size_t nidx;
} val_map_node;

static val *alloc_node(arena *a, val_kind k)
{
    val *v;
    if (k == VAL_MAP)
        v = &((val_map_node *)arena_alloc(a, sizeof(val_map_node)))->v;
    else
        v = arena_alloc(a, sizeof(val));
    v->kind = k;
    return v;
}

static val_hash **map_hash(const val *m)
{
    return &((val_map_node *)(void *)m)->h;
}

static size_t *map_nidx(const val *m)
{
    return &((val_map_node *)(void *)m)->nidx;
}

val *val_new_null(arena *a)
{
    return alloc_node(a, VAL_NULL);
}

val *val_new_bool(arena *a, bool b)
{
    val *v = alloc_node(a, VAL_BOOL);
    v->u.b = b;
    return v;
}

val *val_new_num(arena *a, double d)
{
    val *v = alloc_node(a, VAL_NUM);
    v->u.num = d;
    v->is_int = d == floor(d) && isfinite(d);
    return v;
}

val *val_new_strn(arena *a, const char *s, size_t n)
{
    val *v = alloc_node(a, VAL_STR);
    v->u.str.s = arena_strndup(a, s, n);
    v->u.str.len = n;
    return v;
}

val *val_new_str(arena *a, const char *s)
{
    return val_new_strn(a, s, strlen(s));
}

val *val_new_str_static(arena *a, const char *s)
{
    val *v = alloc_node(a, VAL_STR);
    v->u.str.s = s;
    v->u.str.len = strlen(s);
    return v;
}

val *val_new_map(arena *a)
{
    return alloc_node(a, VAL_MAP);
}

val *val_new_seq(arena *a)
{
    return alloc_node(a, VAL_SEQ);
}

/* ---- keys ---------------------------------------------------------------- */

bool val_key_is_index(const char *key, size_t len, unsigned long *idx)
{
    if (len == 0 || len > 10)
        return false;
    if (key[0] == '0')
        return len == 1 ? (idx ? (*idx = 0, true) : true) : false;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (key[i] < '0' || key[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(key[i] - '0');
    }
    if (v > 4294967294ul)
        return false;
    if (idx)
        *idx = v;
    return true;
}

static uint64_t hash_key(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static void hash_rebuild(arena *a, val *m)
{
    val_hash **hp = map_hash(m);
    size_t cap = 32;
    while (cap < m->u.map.n * 2)
        cap *= 2;
    val_hash *h = *hp;
    if (!h || h->cap < cap) {
        h = arena_alloc(a, sizeof *h);
        h->cap = cap;
        h->slots = arena_alloc(a, cap * sizeof(size_t));
        *hp = h;
    } else {
        memset(h->slots, 0, h->cap * sizeof(size_t));
    }
    for (size_t i = 0; i < m->u.map.n; i++) {
        const val_pair *p = &m->u.map.items[i];
        size_t j = hash_key(p->key, p->keylen) & (h->cap - 1);
        while (h->slots[j])
            j = (j + 1) & (h->cap - 1);
        h->slots[j] = i + 1;
    }
}

static long map_find(const val *m, const char *key, size_t len)
{
    val_hash *h = *map_hash(m);
    if (h) {
        size_t j = hash_key(key, len) & (h->cap - 1);
        while (h->slots[j]) {
            const val_pair *p = &m->u.map.items[h->slots[j] - 1];
            if (p->keylen == len && memcmp(p->key, key, len) == 0)
                return (long)(h->slots[j] - 1);
            j = (j + 1) & (h->cap - 1);
        }
        return -1;
    }
    for (size_t i = 0; i < m->u.map.n; i++) {
        const val_pair *p = &m->u.map.items[i];
        if (p->keylen == len && memcmp(p->key, key, len) == 0)
            return (long)i;
    }
    return -1;
}

static void map_reserve(arena *a, val *m)
{
    if (m->u.map.n < m->u.map.cap)
        return;
    size_t cap = m->u.map.cap ? m->u.map.cap * 2 : 8;
    val_pair *items = arena_alloc(a, cap * sizeof *items);
    if (m->u.map.n)
        memcpy(items, m->u.map.items, m->u.map.n * sizeof *items);
    m->u.map.items = items;
    m->u.map.cap = cap;
}

static void map_insert_at(arena *a, val *m, size_t pos, const char *key,
                          size_t len, val *v, bool copy)
{
    map_reserve(a, m);
    val_pair *it = m->u.map.items;
    if (pos < m->u.map.n)
        memmove(&it[pos + 1], &it[pos], (m->u.map.n - pos) * sizeof *it);
    it[pos].key = copy ? arena_strndup(a, key, len) : key;
    it[pos].keylen = len;
    it[pos].line = it[pos].col = 0;
    it[pos].merged = false;
    it[pos].v = v;
    m->u.map.n++;
    val_hash *h = *map_hash(m);
    if (m->u.map.n >= VAL_HASH_MIN) {
        if (!h || pos + 1 != m->u.map.n || m->u.map.n * 2 > h->cap) {
            hash_rebuild(a, m);
        } else {
            size_t j = hash_key(key, len) & (h->cap - 1);
            while (h->slots[j])
                j = (j + 1) & (h->cap - 1);
            h->slots[j] = pos + 1;
        }
    }
}

/* Index of a key known to be a canonical index key. */
static unsigned long pair_index(const val_pair *p)
{
    unsigned long idx = 0;
    val_key_is_index(p->key, p->keylen, &idx);
    return idx;
}

void val_map_setn(arena *a, val *m, const char *key, size_t len, val *v)
{
    long at = map_find(m, key, len);
    if (at >= 0) {
        m->u.map.items[at].v = v;
        return;
    }
    unsigned long idx;
    size_t pos = m->u.map.n;
    if (val_key_is_index(key, len, &idx)) {
        /* after the last index key that is smaller: binary search over the
         * leading index keys (a scan made a map of n index keys O(n^2)) */
        size_t *nidx = map_nidx(m);
        size_t lo = 0, hi = *nidx;
        if (hi > 0 && pair_index(&m->u.map.items[hi - 1]) < idx) {
            lo = hi;
        } else {
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (pair_index(&m->u.map.items[mid]) < idx)
                    lo = mid + 1;
                else
                    hi = mid;
            }
        }
        pos = lo;
        (*nidx)++;
    }
    map_insert_at(a, m, pos, key, len, v, true);
}

void val_map_set(arena *a, val *m, const char *key, val *v)
{
    val_map_setn(a, m, key, strlen(key), v);
}

void val_map_push(arena *a, val *m, const char *key, val *v)
{
    map_insert_at(a, m, m->u.map.n, key, strlen(key), v, false);
}

void val_map_appendn(arena *a, val *m, const char *key, size_t len, val *v)
{
    map_insert_at(a, m, m->u.map.n, key, len, v, true);
}

typedef struct {
    unsigned long idx;
    size_t pos;
} idx_entry;

static int cmp_idx_entry(const void *pa, const void *pb)
{
    const idx_entry *x = pa, *y = pb;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void val_map_sort(arena *a, val *m)
{
    size_t n = m->u.map.n, k = 0;
    bool sorted = true;
    unsigned long prev = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned long idx;
        const val_pair *p = &m->u.map.items[i];
        if (!val_key_is_index(p->key, p->keylen, &idx))
            continue;
        if (i != k || (k > 0 && idx < prev))
            sorted = false;
        prev = idx;
        k++;
    }
    *map_nidx(m) = k;
    if (sorted)
        return;
    idx_entry *ix = util_xmalloc(k * sizeof *ix);
    val_pair *items = util_xmalloc(n * sizeof *items);
    size_t j = 0, o = k;
    for (size_t i = 0; i < n; i++) {
        const val_pair *p = &m->u.map.items[i];
        unsigned long idx;
        if (val_key_is_index(p->key, p->keylen, &idx))
            ix[j++] = (idx_entry){idx, i};
        else
            items[o++] = *p;
    }
    qsort(ix, k, sizeof *ix, cmp_idx_entry);
    for (size_t i = 0; i < k; i++)
        items[i] = m->u.map.items[ix[i].pos];
    memcpy(m->u.map.items, items, n * sizeof *items);
    free(items);
    free(ix);
    if (*map_hash(m))
        hash_rebuild(a, m);
}

void val_seq_push(arena *a, val *s, val *v)
{
    if (s->u.seq.n == s->u.seq.cap) {
        size_t cap = s->u.seq.cap ? s->u.seq.cap * 2 : 8;
        val **items = arena_alloc(a, cap * sizeof *items);
        if (s->u.seq.n)
            memcpy(items, s->u.seq.items, s->u.seq.n * sizeof *items);
        s->u.seq.items = items;
        s->u.seq.cap = cap;
    }
    s->u.seq.items[s->u.seq.n++] = v;
}

/* ---- queries ------------------------------------------------------------- */

const val_pair *val_get_pairn(const val *m, const char *key, size_t len)
{
    if (!m || m->kind != VAL_MAP)
        return NULL;
    long at = map_find(m, key, len);
    return at >= 0 ? &m->u.map.items[at] : NULL;
}

const val_pair *val_get_pair(const val *m, const char *key)
{
    return val_get_pairn(m, key, strlen(key));
}

val *val_get(const val *m, const char *key)
{
    const val_pair *p = val_get_pair(m, key);
    return p ? p->v : NULL;
}

val *val_path(const val *v, const char *dotted)
{
    char part[256];
    const char *s = dotted;
    while (v && *s) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, s, n);
        part[n] = '\0';
        v = val_get(v, part);
        s += n;
        if (*s == '.')
            s++;
    }
    return (val *)v;
}

bool val_is(const val *v, val_kind k)
{
    return v && v->kind == k;
}

bool val_truthy(const val *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case VAL_NULL:
        return false;
    case VAL_BOOL:
        return v->u.b;
    case VAL_NUM:
        return v->u.num != 0 && !isnan(v->u.num);
    case VAL_STR:
        return v->u.str.len > 0;
    default:
        return true;
    }
}

const char *val_str(const val *v)
{
    return v && v->kind == VAL_STR ? v->u.str.s : NULL;
}

size_t val_len(const val *v)
{
    if (!v)
        return 0;
    if (v->kind == VAL_MAP)
        return v->u.map.n;
    if (v->kind == VAL_SEQ)
        return v->u.seq.n;
    return 0;
}

bool val_strict_equal(const val *a, const val *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case VAL_NULL:
        return true;
    case VAL_BOOL:
        return a->u.b == b->u.b;
    case VAL_NUM:
        return a->u.num == b->u.num;
    case VAL_STR:
        return a->u.str.len == b->u.str.len &&
               memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    default:
        return a == b;
    }
}

const char *val_kind_name(const val *v)
{
    if (!v)
        return "nothing";
    switch (v->kind) {
    case VAL_NULL:
        return "null";
    case VAL_BOOL:
        return "a boolean";
    case VAL_NUM:
        return v->is_int ? "an integer" : "a number";
    case VAL_STR:
        return "a string";
    case VAL_MAP:
        return "a map";
    case VAL_SEQ:
        return "a list";
    }
    return "?";
}

/* ---- JavaScript number formatting ---------------------------------------- */

/* Whether the decimal d0.d1d2…(k digits) × 10^e reads back as x. */
static bool digits_roundtrip(const char *digits, int k, int e, double x)
{
    char buf[48];
    int n = 0;
    buf[n++] = digits[0];
    buf[n++] = '.';
    for (int i = 1; i < k; i++)
        buf[n++] = digits[i];
    snprintf(buf + n, sizeof buf - (size_t)n, "e%d", e);
    return strtod(buf, NULL) == x;
}

/* Step the k-digit decimal one unit in its last place (dir = ±1) and keep it
 * when it reads back as x. */
static bool digits_neighbour(char *digits, int *k, int *e, double x, int dir)
{
    char t[24];
    int tk = *k, te = *e;
    memcpy(t, digits, (size_t)tk);
    int i = tk - 1;
    if (dir > 0) {
        while (i >= 0 && t[i] == '9')
            t[i--] = '0';
        if (i < 0) { /* 99…9 → 100…0 */
            t[0] = '1';
            te++;
        } else {
            t[i]++;
        }
    } else {
        while (i >= 0 && t[i] == '0')
            t[i--] = '9';
        if (i < 0)
            return false;
        t[i]--;
        if (t[0] == '0') { /* 10…0 → 09…9 */
            if (tk == 1)
                return false;
            memmove(t, t + 1, (size_t)(tk - 1));
            tk--;
            te--;
        }
    }
    if (!digits_roundtrip(t, tk, te, x))
        return false;
    memcpy(digits, t, (size_t)tk);
    *k = tk;
    *e = te;
    return true;
}

void val_fmt_number(strbuf *sb, double d)
{
    if (isnan(d)) {
        strbuf_adds(sb, "NaN");
        return;
    }
    if (isinf(d)) {
        strbuf_adds(sb, d < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (d == 0) {
        strbuf_addc(sb, '0');
        return;
    }
    if (d < 0) {
        strbuf_addc(sb, '-');
        d = -d;
    }
    /* fast path: integers below 2^53 */
    if (d < 9007199254740992.0 && d == floor(d)) {
        strbuf_addf(sb, "%.0f", d);
        return;
    }
    char digits[24];
    int k = 0, e = 0;
    for (int p = 1; p <= 17; p++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.*e", p - 1, d);
        /* buf = "D.DDDDe±XX": the p-digit decimal nearest to d */
        k = 0;
        const char *s = buf;
        for (; *s && *s != 'e'; s++)
            if (*s >= '0' && *s <= '9')
                digits[k++] = *s;
        e = atoi(s + 1);
        if (digits_roundtrip(digits, k, e, d))
            break;
        /* Near a power of two the rounding interval of d is asymmetric (the
         * gap below is half the gap above), so the nearest p-digit decimal
         * can miss it while its neighbour on the other side hits it: that
         * neighbour is then the shortest representation (2^-1017 is
         * "7.120236347223045e-307", not the 17-digit form). */
        if (digits_neighbour(digits, &k, &e, d, +1) ||
            digits_neighbour(digits, &k, &e, d, -1))
            break;
    }
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = e + 1; /* value = 0.digits × 10^n */
    if (k <= n && n <= 21) {
        strbuf_add(sb, digits, (size_t)k);
        strbuf_addrep(sb, '0', (size_t)(n - k));
    } else if (0 < n && n <= 21) {
        strbuf_add(sb, digits, (size_t)n);
        strbuf_addc(sb, '.');
        strbuf_add(sb, digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        strbuf_adds(sb, "0.");
        strbuf_addrep(sb, '0', (size_t)(-n));
        strbuf_add(sb, digits, (size_t)k);
    } else {
        strbuf_addc(sb, digits[0]);
        if (k > 1) {
            strbuf_addc(sb, '.');
            strbuf_add(sb, digits + 1, (size_t)(k - 1));
        }
        strbuf_addf(sb, "e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
}

static void js_join(strbuf *sb, const val *v, int depth)
{
    if (depth > 64)
        return;
    for (size_t i = 0; i < v->u.seq.n; i++) {
        if (i)
            strbuf_addc(sb, ',');
        const val *e = v->u.seq.items[i];
        if (!e || e->kind == VAL_NULL)
            continue;
        if (e->kind == VAL_SEQ)
            js_join(sb, e, depth + 1);
        else
            val_to_js_string(sb, e);
    }
}

void val_to_js_string(strbuf *sb, const val *v)
{
    strbuf_grow(sb, 0); /* an empty text still leaves a valid string */
    if (!v) {
        strbuf_adds(sb, "undefined");
        return;
    }
    switch (v->kind) {
    case VAL_NULL:
        strbuf_adds(sb, "null");
        break;
    case VAL_BOOL:
        strbuf_adds(sb, v->u.b ? "true" : "false");
        break;
    case VAL_NUM:
        val_fmt_number(sb, v->u.num);
        break;
    case VAL_STR:
        strbuf_add(sb, v->u.str.s, v->u.str.len);
        break;
    case VAL_MAP:
        strbuf_adds(sb, "[object Object]");
        break;
    case VAL_SEQ:
        js_join(sb, v, 0);
        break;
    }
}

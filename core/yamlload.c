/* core/yamlload.c — see yamlload.h.  Built on libyaml's event parser with an
 * explicit stack (no recursion), so nesting depth costs heap, not C stack. */
#include "config.h"

#include "core/yamlload.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- plain scalar resolution (js-yaml 4 default schema) ------------------ */

static bool is_dec(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c)
{
    return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_oct(char c) { return c >= '0' && c <= '7'; }

static bool resolve_null(const char *s, size_t n)
{
    return (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                       !memcmp(s, "NULL", 4)));
}

static bool resolve_bool(const char *s, size_t n)
{
    static const char *const w[] = {"true", "True", "TRUE",
                                    "false", "False", "FALSE"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(w); i++)
        if (strlen(w[i]) == n && !memcmp(s, w[i], n))
            return true;
    return false;
}

static bool resolve_int(const char *s, size_t n)
{
    size_t i = 0;
    bool digits = false;
    char ch;
    if (n == 0)
        return false;
    ch = s[i];
    if (ch == '-' || ch == '+') {
        if (++i >= n)
            return false;
        ch = s[i];
    }
    if (ch == '0') {
        if (i + 1 == n)
            return true;
        ch = s[++i];
        if (ch == 'b' || ch == 'x' || ch == 'o') {
            char base = ch;
            i++;
            for (; i < n; i++) {
                ch = s[i];
                if (ch == '_')
                    continue;
                if (base == 'b' ? (ch != '0' && ch != '1')
                                : base == 'x' ? !is_hex(ch) : !is_oct(ch))
                    return false;
                digits = true;
            }
            return digits && ch != '_';
        }
    }
    if (ch == '_')
        return false;
    for (; i < n; i++) {
        ch = s[i];
        if (ch == '_')
            continue;
        if (!is_dec(ch))
            return false;
        digits = true;
    }
    return digits && ch != '_';
}

/* ^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
 *  |\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$
 * and not ending in '_'. */
static bool resolve_float(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] == '_')
        return false;
    size_t i = 0;
    if (n == 4 && s[0] == '.' &&
        (!memcmp(s + 1, "nan", 3) || !memcmp(s + 1, "NaN", 3) ||
         !memcmp(s + 1, "NAN", 3)))
        return true;
    if (s[i] == '-' || s[i] == '+')
        i++;
    if (n - i == 4 && s[i] == '.' &&
        (!memcmp(s + i + 1, "inf", 3) || !memcmp(s + i + 1, "Inf", 3) ||
         !memcmp(s + i + 1, "INF", 3)))
        return true;
    size_t j = i;
    if (j < n && is_dec(s[j])) {
        j++;
        while (j < n && (is_dec(s[j]) || s[j] == '_'))
            j++;
        if (j < n && s[j] == '.') {
            j++;
            while (j < n && (is_dec(s[j]) || s[j] == '_'))
                j++;
        }
    } else if (i == 0 && j < n && s[j] == '.') {
        j++;
        size_t start = j;
        while (j < n && (is_dec(s[j]) || s[j] == '_'))
            j++;
        if (j == start)
            return false;
    } else {
        return false;
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < n && (s[j] == '-' || s[j] == '+'))
            j++;
        size_t start = j;
        while (j < n && is_dec(s[j]))
            j++;
        if (j == start)
            return false;
    }
    return j == n;
}

static size_t digits_n(const char *s, size_t n, size_t i, size_t count)
{
    size_t k = 0;
    while (i + k < n && k < count && is_dec(s[i + k]))
        k++;
    return k;
}

/* YYYY-MM-DD  or  YYYY-M?M-D?D([Tt]|[ \t]+)H?H:MM:SS(.F*)?([ \t]*(Z|[-+]H?H(:MM)?))? */
static bool resolve_timestamp(const char *s, size_t n)
{
    size_t i = 0;
    if (digits_n(s, n, 0, 4) != 4 || n < 5 || s[4] != '-')
        return false;
    i = 5;
    size_t m = digits_n(s, n, i, 2);
    if (m == 0 || i + m >= n || s[i + m] != '-')
        return false;
    bool strict = m == 2;
    i += m + 1;
    size_t d = digits_n(s, n, i, 2);
    if (d == 0)
        return false;
    i += d;
    if (i == n)
        return strict && d == 2;
    if (s[i] == 'T' || s[i] == 't') {
        i++;
    } else if (s[i] == ' ' || s[i] == '\t') {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
    } else {
        return false;
    }
    size_t h = digits_n(s, n, i, 2);
    if (h == 0)
        return false;
    i += h;
    for (int k = 0; k < 2; k++) {
        if (i >= n || s[i] != ':' || digits_n(s, n, i + 1, 2) != 2)
            return false;
        i += 3;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_dec(s[i]))
            i++;
    }
    if (i == n)
        return true;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] == 'Z')
        return i + 1 == n;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        i++;
        size_t th = digits_n(s, n, i, 2);
        if (th == 0)
            return false;
        i += th;
        if (i < n && s[i] == ':') {
            if (digits_n(s, n, i + 1, 2) != 2)
                return false;
            i += 3;
        }
        return i == n;
    }
    return false;
}

yaml_plain_type yamlload_resolve_plain(const char *s, size_t n)
{
    if (n == 0 || resolve_null(s, n))
        return YAML_PLAIN_NULL;
    if (resolve_bool(s, n))
        return YAML_PLAIN_BOOL;
    if (resolve_int(s, n))
        return YAML_PLAIN_INT;
    if (resolve_float(s, n))
        return YAML_PLAIN_FLOAT;
    if (resolve_timestamp(s, n))
        return YAML_PLAIN_TIMESTAMP;
    if (n == 2 && s[0] == '<' && s[1] == '<')
        return YAML_PLAIN_MERGE;
    return YAML_PLAIN_STR;
}

double yamlload_plain_number(const char *s, size_t n, yaml_plain_type t)
{
    /* the text without underscores (it can be long: "1" and 300 zeros is
     * 1e300, not the value of its first characters) */
    char small[128];
    char *buf = n < sizeof small ? small : util_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    double sign = 1, v;
    char *p = buf;
    if (*p == '-' || *p == '+') {
        if (*p == '-')
            sign = -1;
        p++;
    }
    if (t == YAML_PLAIN_INT) {
        if (!strcmp(p, "0")) {
            /* js-yaml: `if (value === '0') return 0;` before applying the
             * sign, so "-0" is +0 (while "-00" and "-0x0" are -0) */
            v = 0;
        } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'x' || p[1] == 'o')) {
            int base = p[1] == 'b' ? 2 : p[1] == 'x' ? 16 : 8;
            v = 0;
            for (char *q = p + 2; *q; q++) {
                int dgt = is_dec(*q) ? *q - '0'
                                     : (*q | 0x20) - 'a' + 10;
                v = v * base + dgt;
            }
            v *= sign;
        } else {
            v = sign * strtod(p, NULL);
        }
    } else {
        for (char *q = p; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q | 0x20);
        if (!strcmp(p, ".inf"))
            v = sign * INFINITY;
        else if (!strcmp(p, ".nan"))
            v = NAN;
        else
            v = sign * strtod(p, NULL);
    }
    if (buf != small)
        free(buf);
    return v;
}

/* ---- the event loop ------------------------------------------------------ */

typedef struct {
    char *name;
    val *v;
    size_t weight;
} anchor;

typedef struct {
    val *node;           /* map or seq being filled */
    size_t weight;       /* nodes below, aliases expanded */
    char *anchor;        /* anchor of this collection, registered at its end */
    /* maps: pending key */
    bool have_key;
    bool key_is_merge;
    char *key;
    size_t keylen;
    int kline, kcol;
} frame;

typedef struct {
    arena *a;
    const char *name;
    char *err;
    frame *st;
    size_t depth, cap;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t *aslots; /* hash index over anchors: position + 1, 0 = empty */
    size_t acap;    /* power of two, or 0 */
    size_t expanded; /* nodes added by aliases */
    val *root;
    bool have_root;
    int docs;
} loader;

static int fail(loader *L, int line, int col, const char *fmt, ...)
    SRV_PRINTF(4, 5);

static void path_of(loader *L, strbuf *sb)
{
    for (size_t i = 0; i < L->depth; i++) {
        frame *f = &L->st[i];
        if (f->node->kind == VAL_MAP) {
            if (!f->have_key)
                break;
            if (sb->len)
                strbuf_addc(sb, '.');
            strbuf_add(sb, f->key, f->keylen);
        } else {
            strbuf_addf(sb, "[%zu]", f->node->u.seq.n);
        }
    }
}

/* Shorten sb to its first `head` and last `tail` bytes joined by "...",
 * cutting at character boundaries, when it is longer than head + tail. */
static void clip(strbuf *sb, size_t head, size_t tail)
{
    if (sb->len <= head + tail + 3)
        return;
    size_t h = head, t = sb->len - tail;
    while (h > 0 && ((unsigned char)sb->data[h] & 0xC0) == 0x80)
        h--;
    while (t < sb->len && ((unsigned char)sb->data[t] & 0xC0) == 0x80)
        t++;
    memcpy(sb->data + h, "...", 3);
    memmove(sb->data + h + 3, sb->data + t, sb->len - t + 1);
    sb->len = h + 3 + (sb->len - t);
}

static int fail(loader *L, int line, int col, const char *fmt, ...)
{
    strbuf msg = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    strbuf path = STRBUF_INIT;
    path_of(L, &path);
    /* Keep the message readable and within SRV_ERRLEN: a path 256 levels
     * deep or a long key would otherwise push the message itself out of the
     * buffer ("nesting deeper than 256 levels" was cut off). */
    clip(&path, 80, 160);
    clip(&msg, 300, 120);
    if (path.len)
        util_seterr(L->err, "%s:%d:%d: %s: %s", L->name, line, col, path.data,
                    msg.data);
    else
        util_seterr(L->err, "%s:%d:%d: %s", L->name, line, col, msg.data);
    strbuf_free(&msg);
    strbuf_free(&path);
    return -1;
}

static size_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

/* Anchors are found through a hash index: a linear search made a document
 * with n anchors and m aliases O(n·m) (100,000 of each took 20 s). */
static anchor *find_anchor(loader *L, const char *name)
{
    if (!L->acap)
        return NULL;
    for (size_t j = name_hash(name) & (L->acap - 1); L->aslots[j];
         j = (j + 1) & (L->acap - 1))
        if (!strcmp(L->anchors[L->aslots[j] - 1].name, name))
            return &L->anchors[L->aslots[j] - 1];
    return NULL;
}

static void anchor_index(loader *L, size_t pos)
{
    size_t j = name_hash(L->anchors[pos].name) & (L->acap - 1);
    while (L->aslots[j])
        j = (j + 1) & (L->acap - 1);
    L->aslots[j] = pos + 1;
}

static void add_anchor(loader *L, const char *name, val *v, size_t weight)
{
    /* YAML allows redefinition: the latest definition wins */
    anchor *old = find_anchor(L, name);
    if (old) {
        old->v = v;
        old->weight = weight;
        return;
    }
    if (L->n_anchors == L->cap_anchors) {
        L->cap_anchors = L->cap_anchors ? L->cap_anchors * 2 : 8;
        L->anchors = util_xrealloc(L->anchors, L->cap_anchors * sizeof *L->anchors);
    }
    L->anchors[L->n_anchors].name = util_xstrdup(name);
    L->anchors[L->n_anchors].v = v;
    L->anchors[L->n_anchors].weight = weight;
    L->n_anchors++;
    if (L->n_anchors * 2 > L->acap) {
        free(L->aslots);
        L->acap = L->acap ? L->acap * 2 : 16;
        L->aslots = util_xcalloc(L->acap, sizeof *L->aslots);
        for (size_t i = 0; i < L->n_anchors; i++)
            anchor_index(L, i);
    } else {
        anchor_index(L, L->n_anchors - 1);
    }
}

static void key_text(strbuf *sb, const val *k)
{
    val_to_js_string(sb, k);
}

/* Maps are built in insertion order with val_map_appendn() and sorted into
 * JavaScript order when they end (val_map_sort): inserting each index key
 * in place made a map of n keys O(n^2). */
static int merge_into(loader *L, frame *f, const val *src, int line, int col)
{
    if (src->kind != VAL_MAP)
        return fail(L, line, col,
                    "cannot merge mappings; the provided source object is "
                    "unacceptable");
    for (size_t i = 0; i < src->u.map.n; i++) {
        const val_pair *p = &src->u.map.items[i];
        if (val_get_pairn(f->node, p->key, p->keylen))
            continue;
        val_map_appendn(L->a, f->node, p->key, p->keylen, p->v);
        val_pair *q = &f->node->u.map.items[f->node->u.map.n - 1];
        q->line = p->line; /* where the merged key is written */
        q->col = p->col;
        q->merged = true; /* js-yaml's overridableKeys */
    }
    return 0;
}

/* Attach a finished node to the parent frame, or make it the root.  `weight`
 * is the size of its subtree (aliases expanded), `expanded` the number of
 * nodes an alias adds to a walk of the document (0 for a node written out:
 * those are bounded by the size of the text, and counting them refused any
 * valid document of more than 2,000,000 nodes as an "alias bomb"). */
static int attach(loader *L, val *v, size_t weight, size_t expanded,
                  bool merge_key, int line, int col)
{
    L->expanded += expanded;
    if (L->expanded > YAMLLOAD_MAX_NODES)
        return fail(L, line, col,
                    "aliases expand to more than %lu nodes (alias bomb?)",
                    YAMLLOAD_MAX_NODES);
    if (L->depth == 0) {
        L->root = v;
        L->have_root = true;
        return 0;
    }
    frame *f = &L->st[L->depth - 1];
    f->weight += weight;
    if (f->node->kind == VAL_SEQ) {
        val_seq_push(L->a, f->node, v);
        return 0;
    }
    if (!f->have_key) {
        /* v is a key */
        if (v->kind == VAL_MAP || v->kind == VAL_SEQ)
            return fail(L, line, col, "complex mapping keys are not supported");
        strbuf sb = STRBUF_INIT;
        key_text(&sb, v);
        f->key = sb.data ? sb.data : util_xstrdup("");
        f->keylen = sb.len;
        f->have_key = true;
        f->kline = line;
        f->kcol = col;
        f->key_is_merge = merge_key;
        return 0;
    }
    int rc = 0;
    if (f->key_is_merge) {
        if (v->kind == VAL_SEQ) {
            for (size_t i = 0; i < v->u.seq.n && rc == 0; i++)
                rc = merge_into(L, f, v->u.seq.items[i], line, col);
        } else {
            rc = merge_into(L, f, v, line, col);
        }
    } else {
        val_pair *dup = (val_pair *)val_get_pairn(f->node, f->key, f->keylen);
        if (dup && !dup->merged) {
            rc = fail(L, f->kline, f->kcol,
                      "duplicated mapping key \"%s\" (first defined at line %d)",
                      f->key, dup->line);
        } else {
            if (!dup) {
                val_map_appendn(L->a, f->node, f->key, f->keylen, v);
                dup = &f->node->u.map.items[f->node->u.map.n - 1];
            }
            /* an explicit key replaces a merged one in place, once */
            dup->v = v;
            dup->merged = false;
            dup->line = f->kline;
            dup->col = f->kcol;
        }
    }
    free(f->key);
    f->key = NULL;
    f->have_key = false;
    f->key_is_merge = false;
    return rc;
}

static const char *tag_of(const yaml_char_t *t)
{
    return t ? (const char *)t : NULL;
}

static int scalar_event(loader *L, yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    const char *tag = tag_of(ev->data.scalar.tag);
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    yaml_plain_type t;
    if (tag && strcmp(tag, "!") != 0) {
        if (!strcmp(tag, YAML_STR_TAG)) {
            t = YAML_PLAIN_STR;
        } else if (!strcmp(tag, YAML_NULL_TAG) || !strcmp(tag, YAML_BOOL_TAG) ||
                   !strcmp(tag, YAML_INT_TAG) || !strcmp(tag, YAML_FLOAT_TAG) ||
                   !strcmp(tag, YAML_TIMESTAMP_TAG)) {
            t = yamlload_resolve_plain(s, n);
            yaml_plain_type want =
                !strcmp(tag, YAML_NULL_TAG)    ? YAML_PLAIN_NULL
                : !strcmp(tag, YAML_BOOL_TAG)  ? YAML_PLAIN_BOOL
                : !strcmp(tag, YAML_INT_TAG)   ? YAML_PLAIN_INT
                : !strcmp(tag, YAML_FLOAT_TAG) ? YAML_PLAIN_FLOAT
                                               : YAML_PLAIN_TIMESTAMP;
            if (want == YAML_PLAIN_FLOAT && t == YAML_PLAIN_INT)
                t = YAML_PLAIN_FLOAT;
            if (t != want)
                return fail(L, line, col, "cannot resolve \"%.*s\" with explicit tag %s",
                            (int)(n > 60 ? 60 : n), s, tag);
        } else {
            return fail(L, line, col, "unknown tag %s", tag);
        }
    } else if (plain && !tag) {
        t = yamlload_resolve_plain(s, n);
    } else {
        t = YAML_PLAIN_STR;
    }
    val *v;
    switch (t) {
    case YAML_PLAIN_NULL:
        v = val_new_null(L->a);
        break;
    case YAML_PLAIN_BOOL:
        v = val_new_bool(L->a, s[0] == 't' || s[0] == 'T');
        break;
    case YAML_PLAIN_INT:
    case YAML_PLAIN_FLOAT:
        v = val_new_num(L->a, yamlload_plain_number(s, n, t));
        v->is_int = t == YAML_PLAIN_INT;
        v->raw = arena_strndup(L->a, s, n);
        break;
    default:
        v = val_new_strn(L->a, s, n);
        v->quoted = !plain;
        v->timestamp = t == YAML_PLAIN_TIMESTAMP;
        break;
    }
    v->line = line;
    v->col = col;
    if (ev->data.scalar.anchor)
        add_anchor(L, (const char *)ev->data.scalar.anchor, v, 1);
    return attach(L, v, 1, 0, t == YAML_PLAIN_MERGE, line, col);
}

static int start_collection(loader *L, yaml_event_t *ev, bool map)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    const yaml_char_t *tag = map ? ev->data.mapping_start.tag
                                 : ev->data.sequence_start.tag;
    const yaml_char_t *anch = map ? ev->data.mapping_start.anchor
                                  : ev->data.sequence_start.anchor;
    if (tag && strcmp((const char *)tag, "!") != 0 &&
        strcmp((const char *)tag, map ? YAML_MAP_TAG : YAML_SEQ_TAG) != 0)
        return fail(L, line, col, "unknown tag %s", (const char *)tag);
    if (L->depth >= YAMLLOAD_MAX_DEPTH)
        return fail(L, line, col, "nesting deeper than %d levels",
                    YAMLLOAD_MAX_DEPTH);
    if (L->depth > 0) {
        frame *p = &L->st[L->depth - 1];
        if (p->node->kind == VAL_MAP && !p->have_key)
            return fail(L, line, col, "complex mapping keys are not supported");
    }
    if (L->depth == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 16;
        L->st = util_xrealloc(L->st, L->cap * sizeof *L->st);
    }
    frame *f = &L->st[L->depth++];
    memset(f, 0, sizeof *f);
    f->node = map ? val_new_map(L->a) : val_new_seq(L->a);
    f->node->line = line;
    f->node->col = col;
    f->weight = 1;
    if (anch)
        f->anchor = util_xstrdup((const char *)anch);
    return 0;
}

static void frame_clear(frame *f)
{
    free(f->key);
    free(f->anchor);
}

static int end_collection(loader *L, yaml_event_t *ev)
{
    frame f = L->st[--L->depth];
    int rc = 0;
    if (f.node->kind == VAL_MAP)
        val_map_sort(L->a, f.node);
    if (f.anchor)
        add_anchor(L, f.anchor, f.node, f.weight);
    rc = attach(L, f.node, f.weight, 0, false, f.node->line, f.node->col);
    (void)ev;
    frame_clear(&f);
    return rc;
}

static int alias_event(loader *L, yaml_event_t *ev)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    const char *name = (const char *)ev->data.alias.anchor;
    anchor *an = find_anchor(L, name);
    if (!an)
        return fail(L, line, col, "unidentified alias \"%s\"", name);
    /* an anchor whose collection is still open (a cycle) is not registered
     * yet, so it cannot be found: recursion is impossible. */
    return attach(L, an->v, an->weight, an->weight, false, line, col);
}

/* libyaml reports no document for a stream of blank lines and comments;
 * js-yaml's loadDocuments reads one (whose value is null) whenever more than
 * one character is left once a final newline is added, a BOM stripped and
 * leading spaces skipped, and returns undefined only otherwise ("", "  \n",
 * "\n"). */
static bool js_has_document(const char *data, size_t len)
{
    if (len == 0)
        return false;
    size_t n = len;
    if (data[len - 1] != '\n' && data[len - 1] != '\r')
        n++; /* the newline js-yaml appends */
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && data[i] == ' ')
        i++;
    return n - i > 1;
}

int yamlload_parse(arena *a, const char *name, const char *data, size_t len,
                   val **out, char *err)
{
    *out = NULL;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        util_seterr(err, "%s: cannot initialise the YAML parser", name);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    loader L = {.a = a, .name = name, .err = err};
    int rc = 0;
    bool done = false;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "invalid YAML";
            int line = (int)parser.problem_mark.line + 1;
            int col = (int)parser.problem_mark.column + 1;
            if (parser.error == YAML_READER_ERROR) {
                /* reader errors carry a byte offset, not a line */
                size_t off = parser.problem_offset;
                line = 1;
                col = 1;
                for (size_t i = 0; i < off && i < len; i++) {
                    if (data[i] == '\n') {
                        line++;
                        col = 1;
                    } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
                        col++;
                    }
                }
            }
            if (parser.context)
                rc = fail(&L, line, col, "%s %s", problem, parser.context);
            else
                rc = fail(&L, line, col, "%s", problem);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++L.docs > 1)
                rc = fail(&L, (int)ev.start_mark.line + 1,
                          (int)ev.start_mark.column + 1,
                          "expected a single document in the stream, but found more");
            break;
        case YAML_SCALAR_EVENT:
            rc = scalar_event(&L, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = start_collection(&L, &ev, false);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = start_collection(&L, &ev, true);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            rc = end_collection(&L, &ev);
            break;
        case YAML_ALIAS_EVENT:
            rc = alias_event(&L, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (L.depth > 0)
        frame_clear(&L.st[--L.depth]);
    free(L.st);
    for (size_t i = 0; i < L.n_anchors; i++)
        free(L.anchors[i].name);
    free(L.anchors);
    free(L.aslots);
    if (rc == 0 && L.docs == 0 && js_has_document(data, len)) {
        /* a stream of comments is null; line 0: it stands nowhere */
        L.root = val_new_null(a);
    }
    if (rc == 0)
        *out = L.root;
    return rc;
}

int yamlload_file(arena *a, const char *path, size_t max_bytes, val **out,
                  char *err)
{
    char *data;
    size_t len;
    *out = NULL;
    if (util_read_file(path, max_bytes, &data, &len, err) != 0)
        return -1;
    int rc = yamlload_parse(a, path, data, len, out, err);
    free(data);
    return rc;
}

/* core/yamlemit.c — see yamlemit.h.  The structure follows js-yaml 4.1's
 * dumper (writeNode / writeBlockMapping / writeBlockSequence / writeScalar /
 * chooseScalarStyle) so that a reader can check it against the original. */
#include "config.h"

#include "core/yamlemit.h"

#include <math.h>
#include <string.h>

#include "core/yamlload.h"

#define INDENT 2

/* ---- character classes (code points) ------------------------------------- */

static bool is_printable(uint32_t c)
{
    return (c >= 0x20 && c <= 0x7E) ||
           (c >= 0xA1 && c <= 0xD7FF && c != 0x2028 && c != 0x2029) ||
           (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

static bool is_white(uint32_t c) { return c == ' ' || c == '\t'; }

static bool is_ns_char_or_white(uint32_t c)
{
    return is_printable(c) && c != 0xFEFF && c != '\r' && c != '\n';
}

static bool plain_safe_first(uint32_t c)
{
    if (!is_printable(c) || c == 0xFEFF || is_white(c))
        return false;
    return c >= 0x80 || !strchr("-?:,[]{}#&*!|=>'\"%@`", (int)c);
}

static bool plain_safe_last(uint32_t c)
{
    return !is_white(c) && c != ':';
}

/* Block context (js-yaml passes inblock = true everywhere for our dumps):
 * flow indicators are allowed inside plain scalars. */
static bool plain_safe(uint32_t c, long prev)
{
    bool c_ns_or_white = is_ns_char_or_white(c);
    bool c_ns = c_ns_or_white && !is_white(c);
    bool prev_ns = prev >= 0 && is_ns_char_or_white((uint32_t)prev) &&
                   !is_white((uint32_t)prev);
    return (c_ns_or_white && c != '#' && !(prev == ':' && !c_ns)) ||
           (prev_ns && c == '#') || (prev == ':' && c_ns);
}

/* ---- ambiguity (testImplicitResolving) ------------------------------------ */

bool yamlemit_is_ambiguous(const char *s, size_t len)
{
    return yamlload_resolve_plain(s, len) != YAML_PLAIN_STR || len == 0;
}

static bool deprecated_bool(const char *s, size_t n)
{
    static const char *const w[] = {"y",   "Y",   "yes", "Yes", "YES", "on",
                                    "On",  "ON",  "n",   "N",   "no",  "No",
                                    "NO",  "off", "Off", "OFF"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(w); i++)
        if (strlen(w[i]) == n && !memcmp(w[i], s, n))
            return true;
    return false;
}

/* ^[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?$ */
static bool base60(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t st = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
        i++;
    if (i == st)
        return false;
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        st = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            i++;
        if (i == st)
            return false;
        groups++;
    }
    if (groups == 0)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            i++;
    }
    return i == n;
}

/* ---- scalar styles -------------------------------------------------------- */

enum { STYLE_PLAIN, STYLE_SINGLE, STYLE_LITERAL, STYLE_FOLDED, STYLE_DOUBLE };

static int choose_style(const char *s, size_t n, bool single_line_only,
                        long line_width)
{
    bool has_lb = false, has_foldable = false;
    bool track = line_width != -1;
    long prev_lb = -1; /* in UTF-16 units, like JavaScript */
    long units = 0;
    uint32_t first, last = 0;
    util_utf8_decode(s, n, &first);
    bool plain = plain_safe_first(first);
    long prev = -1;
    size_t i = 0;
    size_t lb_byte = 0; /* byte index just after the previous line break */
    while (i < n) {
        uint32_t c;
        size_t l = util_utf8_decode(s + i, n - i, &c);
        if (!single_line_only && c == '\n') {
            has_lb = true;
            if (track) {
                has_foldable = has_foldable ||
                               (units - prev_lb - 1 > line_width &&
                                s[lb_byte] != ' ');
                prev_lb = units;
                lb_byte = i + 1;
            }
        } else if (!is_printable(c)) {
            return STYLE_DOUBLE;
        }
        plain = plain && plain_safe(c, prev);
        prev = (long)c;
        last = c;
        units += c >= 0x10000 ? 2 : 1;
        i += l;
    }
    plain = plain && plain_safe_last(last);
    if (!single_line_only)
        has_foldable = has_foldable ||
                       (track && units - prev_lb - 1 > line_width &&
                        lb_byte < n && s[lb_byte] != ' ');
    if (!has_lb && !has_foldable) {
        if (plain && !yamlemit_is_ambiguous(s, n))
            return STYLE_PLAIN;
        return STYLE_SINGLE;
    }
    /* indent per level is 2: no indentation-indicator problem */
    return has_foldable ? STYLE_FOLDED : STYLE_LITERAL;
}

static void block_header(strbuf *out, const char *s, size_t n)
{
    /* needIndentIndicator: /^\n* / */
    size_t i = 0;
    while (i < n && s[i] == '\n')
        i++;
    if (i < n && s[i] == ' ')
        strbuf_addc(out, '0' + INDENT);
    bool clip = n > 0 && s[n - 1] == '\n';
    bool keep = clip && ((n >= 2 && s[n - 2] == '\n') || n == 1);
    strbuf_adds(out, keep ? "+" : clip ? "" : "-");
    strbuf_addc(out, '\n');
}

/* indentString + dropEndingNewline */
static void indent_lines(strbuf *out, const char *s, size_t n, int spaces)
{
    size_t pos = 0;
    size_t start_len = out->len;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl ? (size_t)(nl - s) + 1 : n;
        size_t ll = end - pos;
        if (ll && !(ll == 1 && s[pos] == '\n'))
            strbuf_addrep(out, ' ', (size_t)spaces);
        strbuf_add(out, s + pos, ll);
        pos = end;
    }
    if (out->len > start_len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = '\0';
}

/* UTF-16 code units of the UTF-8 byte at b (JavaScript measures strings in
 * them): 1 for a character's first byte, 2 for the first byte of a 4-byte
 * sequence (a surrogate pair), 0 for continuation bytes. */
static long utf16_units_of_byte(unsigned char b)
{
    return (b & 0xC0) == 0x80 ? 0 : b >= 0xF0 ? 2 : 1;
}

static long utf16_len(const char *s, size_t n)
{
    long u = 0;
    for (size_t i = 0; i < n; i++)
        u += utf16_units_of_byte((unsigned char)s[i]);
    return u;
}

/* foldLine.  Positions are kept both as byte offsets (for slicing) and as
 * UTF-16 indexes (for comparing with the width, as JavaScript does). */
static void fold_line(strbuf *out, const char *line, size_t len, long width)
{
    if (len == 0 || line[0] == ' ') {
        strbuf_add(out, line, len);
        return;
    }
    size_t start = 0, curr = 0, next = 0;
    long ustart = 0, ucurr = 0, unext = 0, u = 0;
    strbuf res = STRBUF_INIT;
    for (size_t k = 0; k + 1 < len; u += utf16_units_of_byte((unsigned char)line[k]), k++) {
        if (line[k] != ' ' || line[k + 1] == ' ')
            continue;
        next = k;
        unext = u;
        if (unext - ustart > width) {
            size_t end = curr > start ? curr : next;
            long uend = curr > start ? ucurr : unext;
            strbuf_addc(&res, '\n');
            strbuf_add(&res, line + start, end - start);
            start = end + 1;
            ustart = uend + 1;
        }
        curr = next;
        ucurr = unext;
    }
    strbuf_addc(&res, '\n');
    if (utf16_len(line, len) - ustart > width && curr > start) {
        strbuf_add(&res, line + start, curr - start);
        strbuf_addc(&res, '\n');
        strbuf_add(&res, line + curr + 1, len - curr - 1);
    } else {
        strbuf_add(&res, line + start, len - start);
    }
    strbuf_add(out, res.data + 1, res.len - 1);
    strbuf_free(&res);
}

static void fold_string(strbuf *out, const char *s, size_t n, long width)
{
    const char *nl = memchr(s, '\n', n);
    size_t first = nl ? (size_t)(nl - s) : n;
    fold_line(out, s, first, width);
    bool prev_more = n > 0 && (s[0] == '\n' || s[0] == ' ');
    size_t i = first;
    while (i < n) {
        size_t p = i;
        while (i < n && s[i] == '\n')
            i++;
        size_t ls = i;
        while (i < n && s[i] != '\n')
            i++;
        bool more = ls < i && s[ls] == ' ';
        strbuf_add(out, s + p, ls - p);
        if (!prev_more && !more && i > ls)
            strbuf_addc(out, '\n');
        fold_line(out, s + ls, i - ls, width);
        prev_more = more;
    }
}

static void escape_double(strbuf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c;
        size_t l = util_utf8_decode(s + i, n - i, &c);
        const char *esc = NULL;
        switch (c) {
        case 0x00: esc = "\\0"; break;
        case 0x07: esc = "\\a"; break;
        case 0x08: esc = "\\b"; break;
        case 0x09: esc = "\\t"; break;
        case 0x0A: esc = "\\n"; break;
        case 0x0B: esc = "\\v"; break;
        case 0x0C: esc = "\\f"; break;
        case 0x0D: esc = "\\r"; break;
        case 0x1B: esc = "\\e"; break;
        case 0x22: esc = "\\\""; break;
        case 0x5C: esc = "\\\\"; break;
        case 0x85: esc = "\\N"; break;
        case 0xA0: esc = "\\_"; break;
        case 0x2028: esc = "\\L"; break;
        case 0x2029: esc = "\\P"; break;
        default: break;
        }
        if (esc)
            strbuf_adds(out, esc);
        else if (is_printable(c))
            strbuf_add(out, s + i, l);
        else if (c <= 0xFF)
            strbuf_addf(out, "\\x%02X", c);
        else if (c <= 0xFFFF)
            strbuf_addf(out, "\\u%04X", c);
        else
            strbuf_addf(out, "\\U%08X", c);
        i += l;
    }
}

void yamlemit_string(strbuf *out, const char *s, size_t n, int level,
                     bool iskey, int line_width)
{
    if (n == 0) {
        strbuf_adds(out, "''");
        return;
    }
    if (deprecated_bool(s, n) || base60(s, n)) {
        strbuf_addc(out, '\'');
        strbuf_add(out, s, n);
        strbuf_addc(out, '\'');
        return;
    }
    int indent = INDENT * (level > 1 ? level : 1);
    long width = -1;
    if (line_width != -1) {
        long lo = line_width < 40 ? line_width : 40;
        long w = (long)line_width - indent;
        width = w > lo ? w : lo;
    }
    switch (choose_style(s, n, iskey, width)) {
    case STYLE_PLAIN:
        strbuf_add(out, s, n);
        break;
    case STYLE_SINGLE:
        strbuf_addc(out, '\'');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '\'')
                strbuf_addc(out, '\'');
            strbuf_addc(out, s[i]);
        }
        strbuf_addc(out, '\'');
        break;
    case STYLE_LITERAL:
        strbuf_addc(out, '|');
        block_header(out, s, n);
        indent_lines(out, s, n, indent);
        break;
    case STYLE_FOLDED: {
        strbuf_addc(out, '>');
        block_header(out, s, n);
        strbuf folded = STRBUF_INIT;
        fold_string(&folded, s, n, width);
        indent_lines(out, folded.data ? folded.data : "", folded.len, indent);
        strbuf_free(&folded);
        break;
    }
    default:
        strbuf_addc(out, '"');
        escape_double(out, s, n);
        strbuf_addc(out, '"');
        break;
    }
}

/* ---- nodes ------------------------------------------------------------------ */

typedef struct {
    strbuf *out;
    int width;
} emitter;

static void next_line(emitter *E, int level)
{
    strbuf_addc(E->out, '\n');
    strbuf_addrep(E->out, ' ', (size_t)(INDENT * level));
}

static void emit_number(strbuf *out, double d)
{
    if (isnan(d)) {
        strbuf_adds(out, ".nan");
        return;
    }
    if (isinf(d)) {
        strbuf_adds(out, d > 0 ? ".inf" : "-.inf");
        return;
    }
    if (d == 0 && signbit(d)) {
        strbuf_adds(out, "-0.0");
        return;
    }
    size_t at = out->len;
    val_fmt_number(out, d);
    if (d != floor(d)) {
        /* SCIENTIFIC_WITHOUT_DOT: 5e-100 -> 5.e-100 */
        char *p = out->data + at;
        if (*p == '-' || *p == '+')
            p++;
        char *q = p;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q > p && *q == 'e') {
            size_t off = (size_t)(q - out->data);
            strbuf_addc(out, ' ');
            memmove(out->data + off + 1, out->data + off, out->len - off - 1);
            out->data[off] = '.';
        }
    }
}

/* Whether a map has a pair to write: js-yaml skips pairs whose value is
 * undefined (a NULL value here), and writes a map left without pairs as {}. */
static bool map_has_pairs(const val *m)
{
    for (size_t i = 0; i < m->u.map.n; i++)
        if (m->u.map.items[i].v)
            return true;
    return false;
}

static bool is_block(const val *v)
{
    if (!v)
        return false;
    if (v->kind == VAL_MAP)
        return map_has_pairs(v);
    return v->kind == VAL_SEQ && v->u.seq.n > 0;
}

static void emit_node(emitter *E, const val *v, int level, bool compact);

static void emit_block_map(emitter *E, const val *m, int level, bool compact)
{
    bool first = true;
    for (size_t i = 0; i < m->u.map.n; i++) {
        const val_pair *p = &m->u.map.items[i];
        if (!p->v)
            continue; /* undefined: the key is omitted (spec 3.3.3) */
        if (!compact || !first)
            next_line(E, level);
        first = false;
        size_t at = E->out->len;
        yamlemit_string(E->out, p->key, p->keylen, level + 1, true, E->width);
        /* js-yaml: state.dump.length > 1024, a length in UTF-16 units */
        bool explicit_pair = utf16_len(E->out->data + at, E->out->len - at) > 1024;
        if (explicit_pair) {
            /* js-yaml writes keys longer than 1024 characters as "? key" */
            strbuf_adds(E->out, "  ");
            memmove(E->out->data + at + 2, E->out->data + at, E->out->len - at - 2);
            memcpy(E->out->data + at, "? ", 2);
            next_line(E, level);
        }
        if (is_block(p->v) && !explicit_pair) {
            strbuf_addc(E->out, ':');
        } else {
            strbuf_adds(E->out, ": ");
        }
        emit_node(E, p->v, level + 1, explicit_pair);
    }
}

static void emit_block_seq(emitter *E, const val *s, int level, bool compact)
{
    for (size_t i = 0; i < s->u.seq.n; i++) {
        if (!compact || i > 0)
            next_line(E, level);
        strbuf_adds(E->out, "- ");
        emit_node(E, s->u.seq.items[i], level + 1, true);
    }
}

static void emit_node(emitter *E, const val *v, int level, bool compact)
{
    if (!v) {
        strbuf_adds(E->out, "null");
        return;
    }
    switch (v->kind) {
    case VAL_NULL:
        strbuf_adds(E->out, "null");
        break;
    case VAL_BOOL:
        strbuf_adds(E->out, v->u.b ? "true" : "false");
        break;
    case VAL_NUM:
        emit_number(E->out, v->u.num);
        break;
    case VAL_STR:
        yamlemit_string(E->out, v->u.str.s, v->u.str.len, level, false, E->width);
        break;
    case VAL_MAP:
        if (!map_has_pairs(v))
            strbuf_adds(E->out, "{}");
        else
            emit_block_map(E, v, level, compact);
        break;
    case VAL_SEQ:
        if (v->u.seq.n == 0)
            strbuf_adds(E->out, "[]");
        else
            emit_block_seq(E, v, level, compact);
        break;
    }
}

void yamlemit_document(strbuf *out, const val *root, int line_width)
{
    emitter E = {out, line_width};
    emit_node(&E, root, 0, true);
    strbuf_addc(out, '\n');
}

/* core/jsonemit.c — see jsonemit.h. */
#include "config.h"

#include "core/jsonemit.h"

#include <math.h>

void jsonemit_string(strbuf *out, const char *s, size_t len)
{
    strbuf_addc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': strbuf_adds(out, "\\\""); break;
        case '\\': strbuf_adds(out, "\\\\"); break;
        case '\b': strbuf_adds(out, "\\b"); break;
        case '\f': strbuf_adds(out, "\\f"); break;
        case '\n': strbuf_adds(out, "\\n"); break;
        case '\r': strbuf_adds(out, "\\r"); break;
        case '\t': strbuf_adds(out, "\\t"); break;
        default:
            if (c < 0x20)
                strbuf_addf(out, "\\u%04x", c);
            else
                strbuf_addc(out, (char)c);
        }
    }
    strbuf_addc(out, '"');
}

static void newline(strbuf *out, int indent, int depth)
{
    if (!indent)
        return;
    strbuf_addc(out, '\n');
    strbuf_addrep(out, ' ', (size_t)(indent * depth));
}

static void emit(strbuf *out, const val *v, int indent, int depth)
{
    switch (v->kind) {
    case VAL_NULL:
        strbuf_adds(out, "null");
        break;
    case VAL_BOOL:
        strbuf_adds(out, v->u.b ? "true" : "false");
        break;
    case VAL_NUM:
        if (!isfinite(v->u.num))
            strbuf_adds(out, "null");
        else
            val_fmt_number(out, v->u.num);
        break;
    case VAL_STR:
        jsonemit_string(out, v->u.str.s, v->u.str.len);
        break;
    case VAL_MAP: {
        /* JSON.stringify leaves out properties whose value is undefined (a
         * NULL value here); an object left without any prints as {} */
        bool any = false;
        for (size_t i = 0; i < v->u.map.n; i++) {
            const val_pair *p = &v->u.map.items[i];
            if (!p->v)
                continue;
            strbuf_addc(out, any ? ',' : '{');
            any = true;
            newline(out, indent, depth + 1);
            jsonemit_string(out, p->key, p->keylen);
            strbuf_adds(out, indent ? ": " : ":");
            emit(out, p->v, indent, depth + 1);
        }
        if (!any) {
            strbuf_adds(out, "{}");
            break;
        }
        newline(out, indent, depth);
        strbuf_addc(out, '}');
        break;
    }
    case VAL_SEQ:
        if (v->u.seq.n == 0) {
            strbuf_adds(out, "[]");
            break;
        }
        strbuf_addc(out, '[');
        for (size_t i = 0; i < v->u.seq.n; i++) {
            if (i)
                strbuf_addc(out, ',');
            newline(out, indent, depth + 1);
            if (v->u.seq.items[i])
                emit(out, v->u.seq.items[i], indent, depth + 1);
            else
                strbuf_adds(out, "null");
        }
        newline(out, indent, depth);
        strbuf_addc(out, ']');
        break;
    }
}

void jsonemit(strbuf *out, const val *v, int indent)
{
    if (!v) {
        strbuf_adds(out, "undefined");
        return;
    }
    emit(out, v, indent, 0);
}

/* core/diag.c — see diag.h. */
#include "config.h"

#include "core/diag.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonemit.h"

void diag_list_init(diag_list *l)
{
    l->items = NULL;
    l->n = l->cap = 0;
}

void diag_list_free(diag_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        diag *d = &l->items[i];
        free(d->code);
        free(d->file);
        free(d->message);
        free(d->expected);
        free(d->actual);
    }
    free(l->items);
    diag_list_init(l);
}

diag *diag_add(diag_list *l, diag_severity sev, diag_source src,
               const char *code, const char *file, int line, int col,
               const char *fmt, ...)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = util_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    diag *d = &l->items[l->n++];
    memset(d, 0, sizeof *d);
    d->sev = sev;
    d->src = src;
    d->code = util_xstrdup(code ? code : "");
    d->file = util_xstrdup(file ? file : "");
    d->line = line;
    d->col = col;
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    d->message = strbuf_detach(&sb, NULL);
    return d;
}

void diag_set_expected(diag *d, const char *expected, const char *actual)
{
    free(d->expected);
    free(d->actual);
    d->expected = expected ? util_xstrdup(expected) : NULL;
    d->actual = actual ? util_xstrdup(actual) : NULL;
}

size_t diag_count(const diag_list *l, diag_severity sev, int src)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].sev == sev && (src < 0 || (int)l->items[i].src == src))
            n++;
    return n;
}

const char *diag_severity_name(diag_severity s)
{
    switch (s) {
    case DIAG_ERROR:
        return "error";
    case DIAG_WARNING:
        return "warning";
    default:
        return "info";
    }
}

void diag_format_line(strbuf *sb, const diag *d)
{
    if (d->file[0]) {
        strbuf_adds(sb, d->file);
        if (d->line > 0)
            strbuf_addf(sb, ":%d:%d", d->line, d->col);
        strbuf_adds(sb, ": ");
    }
    strbuf_addf(sb, "%s: %s", diag_severity_name(d->sev), d->message);
    if (d->expected || d->actual)
        strbuf_addf(sb, " (expected %s, actual %s)",
                    d->expected ? d->expected : "undefined",
                    d->actual ? d->actual : "undefined");
}

static void json_field_str(strbuf *sb, const char *k, const char *v)
{
    jsonemit_string(sb, k, strlen(k));
    strbuf_addc(sb, ':');
    if (v)
        jsonemit_string(sb, v, strlen(v));
    else
        strbuf_adds(sb, "null");
}

void diag_list_json(strbuf *sb, const diag_list *l)
{
    static const char *const srcs[] = {"registry", "reference", "srvconsole"};
    strbuf_addc(sb, '[');
    for (size_t i = 0; i < l->n; i++) {
        const diag *d = &l->items[i];
        strbuf_adds(sb, i ? ",\n  {" : "\n  {");
        json_field_str(sb, "severity", diag_severity_name(d->sev));
        strbuf_addc(sb, ',');
        json_field_str(sb, "source", srcs[d->src]);
        strbuf_addc(sb, ',');
        json_field_str(sb, "code", d->code);
        strbuf_addc(sb, ',');
        json_field_str(sb, "file", d->file);
        strbuf_addf(sb, ",\"line\":%d,\"column\":%d,", d->line, d->col);
        json_field_str(sb, "message", d->message);
        strbuf_addc(sb, ',');
        /* expected/actual are JSON texts already; "undefined" becomes null */
        strbuf_adds(sb, "\"expected\":");
        strbuf_adds(sb, d->expected && strcmp(d->expected, "undefined") ? d->expected : "null");
        strbuf_adds(sb, ",\"actual\":");
        strbuf_adds(sb, d->actual && strcmp(d->actual, "undefined") ? d->actual : "null");
        strbuf_addc(sb, '}');
    }
    strbuf_adds(sb, l->n ? "\n]\n" : "]\n");
}

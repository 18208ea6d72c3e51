/* src/console_lines.c — a log store seen through the ui's ui_lines
 * interface (see ui/ui.h): the log panes read retained lines, search and
 * drop counts from core/logstore without knowing about it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/logstore.h"
#include "src/console_lines.h"

/* With a filter (only some sources), the view's index k maps to the
 * store's index logstore_filter_index(k). */
static size_t cl_count(void *ctx)
{
    console_lines *cl = ctx;
    if (!cl->store)
        return 0;
    if (cl->filter) {
        logstore_filter_sync(cl->filter);
        return logstore_filter_count(cl->filter);
    }
    return logstore_count(cl->store);
}

static size_t store_index(const console_lines *cl, size_t k)
{
    return cl->filter ? logstore_filter_index(cl->filter, k) : k;
}

static bool cl_get(void *ctx, size_t i, ui_line *out)
{
    console_lines *cl = ctx;
    logstore_line l;
    if (!cl->store || i >= cl_count(cl) || !logstore_get(cl->store, store_index(cl, i), &l))
        return false;
    memset(out, 0, sizeof *out);
    out->text = l.text;
    out->len = l.len;
    out->source = cl->prefixes ? l.source_name : NULL;
    out->color = cl->prefixes ? l.source : -1;
    out->is_stderr = l.stream == 2;
    out->is_marker = l.is_marker;
    if (l.time_ns) {
        time_t t = (time_t)(l.time_ns / 1000000000u);
        struct tm tm;
        localtime_r(&t, &tm);
        snprintf(cl->timebuf, sizeof cl->timebuf, "%02d:%02d:%02d.%03u", tm.tm_hour,
                 tm.tm_min, tm.tm_sec, (unsigned)(l.time_ns / 1000000u % 1000u));
        out->time = cl->timebuf;
    }
    return true;
}

static long cl_find(void *ctx, size_t from, int dir)
{
    console_lines *cl = ctx;
    if (!cl->store || !cl->re)
        return -1;
    if (!cl->filter)
        return logstore_find(cl->store, cl->re, from, dir);
    size_t n = cl_count(cl);
    for (long k = (long)from; k >= 0 && (size_t)k < n; k += dir < 0 ? -1 : 1)
        if (logstore_match(cl->store, cl->re, store_index(cl, (size_t)k)))
            return k;
    return -1;
}

static bool cl_set_pattern(void *ctx, const char *re, char *err, size_t errlen)
{
    console_lines *cl = ctx;
    if (cl->re) {
        logstore_regex_free(cl->re);
        cl->re = NULL;
    }
    if (!re || !*re)
        return true;
    cl->re = logstore_regex_new(re, err, errlen);
    return cl->re != NULL;
}

static bool cl_matches(void *ctx, size_t i)
{
    console_lines *cl = ctx;
    return cl->store && cl->re && i < cl_count(cl) &&
           logstore_match(cl->store, cl->re, store_index(cl, i));
}

static size_t cl_match_count(void *ctx)
{
    console_lines *cl = ctx;
    if (!cl->store || !cl->re)
        return 0;
    if (!cl->filter)
        return logstore_count_matches(cl->store, cl->re);
    size_t n = cl_count(cl), m = 0;
    for (size_t k = 0; k < n; k++)
        m += logstore_match(cl->store, cl->re, store_index(cl, k));
    return m;
}

static size_t cl_dropped(void *ctx)
{
    console_lines *cl = ctx;
    return cl->store ? logstore_dropped(cl->store) : 0;
}

void console_lines_init(console_lines *cl, logstore *store, bool prefixes)
{
    memset(cl, 0, sizeof *cl);
    cl->store = store;
    cl->prefixes = prefixes;
    cl->view.ctx = cl;
    cl->view.count = cl_count;
    cl->view.get = cl_get;
    cl->view.find = cl_find;
    cl->view.set_pattern = cl_set_pattern;
    cl->view.matches = cl_matches;
    cl->view.match_count = cl_match_count;
    cl->view.dropped = cl_dropped;
}

void console_lines_only(console_lines *cl, const int *sources, size_t n)
{
    if (cl->filter) {
        logstore_filter_free(cl->filter);
        cl->filter = NULL;
    }
    if (!n || !cl->store)
        return;
    cl->filter = logstore_filter_new(cl->store);
    logstore_filter_set_sources(cl->filter, sources, n);
    logstore_filter_sync(cl->filter);
}

void console_lines_fini(console_lines *cl)
{
    if (cl->filter)
        logstore_filter_free(cl->filter);
    cl->filter = NULL;
    if (cl->re)
        logstore_regex_free(cl->re);
    cl->re = NULL;
}

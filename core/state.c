/* core/state.c — see state.h. */
#include "config.h"

#include "core/state.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#define LABEL_PROJECT "com.docker.compose.project"
#define LABEL_SERVICE "com.docker.compose.service"

typedef struct {
    state_container c;
    bool seen; /* during a ps snapshot */
} entry;

struct state_table {
    entry **v;
    size_t n, cap;
    char **names;
    size_t nnames;
    char **projects;
    size_t nprojects;
    uint64_t version;
    uint64_t last_event_ns;
    state_engine engine;
    char *engine_msg;
    bool in_snapshot;
};

/* ---- small helpers --------------------------------------------------------- */

static void seterr(char *err, size_t errlen, const char *fmt, ...) SRV_PRINTF(3, 4);
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Replace *dst by src (NULL: ""); true when it changed. */
static bool set_str(char **dst, const char *src)
{
    if (!src)
        src = "";
    if (*dst && strcmp(*dst, src) == 0)
        return false;
    free(*dst);
    *dst = util_xstrdup(src);
    return true;
}

#define SET(field, value)                                                                \
    do {                                                                                 \
        if ((field) != (value)) {                                                        \
            (field) = (value);                                                           \
            changed = true;                                                              \
        }                                                                                \
    } while (0)

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static const char *strip_slash(const char *name)
{
    return name && name[0] == '/' ? name + 1 : name;
}

/* The length of a line of docker's JSON output without its trailing
 * newline, carriage return and blanks (0: a blank line, to be skipped). */
static size_t json_line_len(const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
        len--;
    return len;
}

/* The line parsed as a JSON object, or NULL when it is not one. */
static cJSON *json_line_object(const char *line, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(line, len);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* ---- table ------------------------------------------------------------------- */

state_table *state_new(void)
{
    state_table *st = util_xcalloc(1, sizeof *st);
    st->engine_msg = util_xstrdup("");
    return st;
}

static void entry_free(entry *e)
{
    if (!e)
        return;
    free(e->c.name);
    free(e->c.id);
    free(e->c.image);
    free(e->c.project);
    free(e->c.service);
    free(e->c.ports);
    free(e->c.status);
    free(e);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void state_free(state_table *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++)
        entry_free(st->v[i]);
    free(st->v);
    free_list(st->names, st->nnames);
    free_list(st->projects, st->nprojects);
    free(st->engine_msg);
    free(st);
}

/* Position of the name in the expected list; nnames when only its project
 * matched (or when there is no list). */
static size_t expected_index(const state_table *st, const char *name)
{
    for (size_t i = 0; i < st->nnames; i++) {
        const char *pat = st->names[i];
        size_t pl = strlen(pat);
        if (pl && pat[pl - 1] == '*') {
            if (strncmp(name, pat, pl - 1) == 0)
                return i;
        } else if (strcmp(name, pat) == 0) {
            return i;
        }
    }
    return st->nnames;
}

bool state_wanted(const state_table *st, const char *name, const char *project)
{
    if (st->nnames == 0 && st->nprojects == 0)
        return true;
    if (name && expected_index(st, name) < st->nnames)
        return true;
    if (project && *project)
        for (size_t i = 0; i < st->nprojects; i++)
            if (strcmp(project, st->projects[i]) == 0)
                return true;
    return false;
}

bool state_is_failing(const state_container *c)
{
    return (c->run == STATE_EXITED && c->exit_code > 0) || c->run == STATE_RESTARTING ||
           c->run == STATE_DEAD || c->oom_killed ||
           (c->run == STATE_RUNNING && c->health == STATE_HEALTH_UNHEALTHY);
}

static const state_table *sort_table; /* qsort has no context argument in C11 */

static int cmp_entry(const void *pa, const void *pb)
{
    const state_container *a = &(*(entry *const *)pa)->c;
    const state_container *b = &(*(entry *const *)pb)->c;
    int fa = state_is_failing(a), fb = state_is_failing(b);
    if (fa != fb)
        return fb - fa;
    size_t ia = expected_index(sort_table, a->name), ib = expected_index(sort_table, b->name);
    if (ia != ib)
        return ia < ib ? -1 : 1;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return strcmp(a->id, b->id);
}

static void changed_table(state_table *st)
{
    sort_table = st;
    if (st->n > 1)
        qsort(st->v, st->n, sizeof *st->v, cmp_entry);
    sort_table = NULL;
    st->version++;
}

static entry *find_entry(const state_table *st, const char *id, const char *name)
{
    if (id && *id)
        for (size_t i = 0; i < st->n; i++)
            if (strcmp(st->v[i]->c.id, id) == 0)
                return st->v[i];
    if (name && *name)
        for (size_t i = 0; i < st->n; i++)
            if (strcmp(st->v[i]->c.name, name) == 0)
                return st->v[i];
    return NULL;
}

static entry *add_entry(state_table *st, const char *id, const char *name)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->v = util_xrealloc(st->v, st->cap * sizeof *st->v);
    }
    entry *e = util_xcalloc(1, sizeof *e);
    state_container *c = &e->c;
    c->name = util_xstrdup(name ? name : "");
    c->id = util_xstrdup(id ? id : "");
    c->image = util_xstrdup("");
    c->project = util_xstrdup("");
    c->service = util_xstrdup("");
    c->ports = util_xstrdup("");
    c->status = util_xstrdup("");
    c->restarts = -1;
    c->exit_code = -1;
    c->needs_inspect = true;
    c->inspect_gen = 1;
    st->v[st->n++] = e;
    return e;
}

static void remove_entry(state_table *st, entry *e)
{
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i] == e) {
            memmove(st->v + i, st->v + i + 1, (st->n - i - 1) * sizeof *st->v);
            st->n--;
            entry_free(e);
            return;
        }
}

void state_set_filter(state_table *st, const char *const *names, size_t nnames,
                      const char *const *projects, size_t nprojects)
{
    free_list(st->names, st->nnames);
    free_list(st->projects, st->nprojects);
    st->names = util_xcalloc(nnames ? nnames : 1, sizeof *st->names);
    st->projects = util_xcalloc(nprojects ? nprojects : 1, sizeof *st->projects);
    st->nnames = nnames;
    st->nprojects = nprojects;
    for (size_t i = 0; i < nnames; i++)
        st->names[i] = util_xstrdup(names[i] ? names[i] : "");
    for (size_t i = 0; i < nprojects; i++)
        st->projects[i] = util_xstrdup(projects[i] ? projects[i] : "");
    for (size_t i = st->n; i-- > 0;)
        if (!state_wanted(st, st->v[i]->c.name, st->v[i]->c.project))
            remove_entry(st, st->v[i]);
    changed_table(st);
}

size_t state_count(const state_table *st) { return st->n; }

const state_container *state_get(const state_table *st, size_t i)
{
    return i < st->n ? &st->v[i]->c : NULL;
}

const state_container *state_find(const state_table *st, const char *name)
{
    entry *e = find_entry(st, NULL, name);
    return e ? &e->c : NULL;
}

uint64_t state_version(const state_table *st) { return st->version; }
uint64_t state_last_event_ns(const state_table *st) { return st->last_event_ns; }

const char **state_inspect_wanted(const state_table *st, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < st->n; i++)
        k += st->v[i]->c.needs_inspect;
    *n = k;
    if (!k)
        return NULL;
    const char **v = util_xcalloc(k, sizeof *v);
    k = 0;
    for (size_t i = 0; i < st->n; i++)
        if (st->v[i]->c.needs_inspect)
            v[k++] = st->v[i]->c.name;
    return v;
}

void state_inspect_done(state_table *st, const char *const *names, const unsigned *gens,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        entry *e = find_entry(st, NULL, names[i]);
        if (e && (!gens || gens[i] == e->c.inspect_gen))
            e->c.needs_inspect = false;
    }
}

void state_set_engine(state_table *st, state_engine e, const char *msg)
{
    bool changed = set_str(&st->engine_msg, msg);
    if (st->engine != e) {
        st->engine = e;
        changed = true;
    }
    if (changed)
        st->version++;
}

state_engine state_engine_get(const state_table *st, const char **msg)
{
    if (msg)
        *msg = st->engine_msg;
    return st->engine;
}

const char *state_engine_word(state_engine e)
{
    switch (e) {
    case STATE_ENGINE_OK: return "ok";
    case STATE_ENGINE_UNREACHABLE: return "unreachable";
    case STATE_ENGINE_NO_DOCKER: return "docker not found";
    case STATE_ENGINE_UNKNOWN: break;
    }
    return "unknown";
}

const char *state_run_word(state_run r)
{
    switch (r) {
    case STATE_CREATED: return "created";
    case STATE_RUNNING: return "running";
    case STATE_PAUSED: return "paused";
    case STATE_RESTARTING: return "restarting";
    case STATE_REMOVING: return "removing";
    case STATE_EXITED: return "exited";
    case STATE_DEAD: return "dead";
    case STATE_UNKNOWN: break;
    }
    return "unknown";
}

const char *state_health_word(state_health h)
{
    switch (h) {
    case STATE_HEALTH_STARTING: return "starting";
    case STATE_HEALTH_HEALTHY: return "healthy";
    case STATE_HEALTH_UNHEALTHY: return "unhealthy";
    case STATE_HEALTH_NONE: break;
    }
    return "-";
}

const char *state_describe(const state_container *c, char *buf, size_t n)
{
    if (c->run == STATE_RUNNING && c->health == STATE_HEALTH_STARTING)
        snprintf(buf, n, "starting");
    else if (c->run == STATE_EXITED && c->exit_code >= 0)
        snprintf(buf, n, "exited %d%s", c->exit_code, c->oom_killed ? " (OOM)" : "");
    else
        snprintf(buf, n, "%s%s", state_run_word(c->run),
                 c->oom_killed && c->run != STATE_RUNNING ? " (OOM)" : "");
    return buf;
}

static state_run run_from_word(const char *s)
{
    static const struct { const char *w; state_run r; } map[] = {
        {"created", STATE_CREATED},       {"running", STATE_RUNNING},
        {"paused", STATE_PAUSED},         {"restarting", STATE_RESTARTING},
        {"removing", STATE_REMOVING},     {"exited", STATE_EXITED},
        {"dead", STATE_DEAD},
    };
    if (s)
        for (size_t i = 0; i < SRV_ARRAY_LEN(map); i++)
            if (strcmp(s, map[i].w) == 0)
                return map[i].r;
    return STATE_UNKNOWN;
}

static state_health health_from_word(const char *s)
{
    if (!s)
        return STATE_HEALTH_NONE;
    while (*s == ' ')
        s++;
    if (strcmp(s, "healthy") == 0)
        return STATE_HEALTH_HEALTHY;
    if (strcmp(s, "unhealthy") == 0)
        return STATE_HEALTH_UNHEALTHY;
    if (strcmp(s, "starting") == 0)
        return STATE_HEALTH_STARTING;
    return STATE_HEALTH_NONE;
}

/* ---- times ---------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits(const char *s, size_t len, size_t at, size_t n, unsigned *out)
{
    if (at + n > len)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[at + i]))
            return false;
        v = v * 10 + (unsigned)(s[at + i] - '0');
    }
    *out = v;
    return true;
}

/* Parses at most len bytes; *used set to the bytes of the time. */
static uint64_t parse_time(const char *s, size_t len, size_t *used)
{
    unsigned y, mo, d, h, mi, se;
    if (!digits(s, len, 0, 4, &y) || len < 19 || s[4] != '-' || !digits(s, len, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, len, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s, len, 11, 2, &h) || s[13] != ':' || !digits(s, len, 14, 2, &mi) ||
        s[16] != ':' || !digits(s, len, 17, 2, &se))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return 0;
    size_t p = 19;
    uint64_t frac = 0;
    if (p < len && s[p] == '.') {
        p++;
        unsigned nd = 0;
        while (p < len && isdigit((unsigned char)s[p])) {
            if (nd < 9) {
                frac = frac * 10 + (uint64_t)(s[p] - '0');
                nd++;
            }
            p++;
        }
        if (nd == 0)
            return 0;
        while (nd++ < 9)
            frac *= 10;
    }
    if (p < len && s[p] == ' ') /* docker ps: "... 12:00:00 +0000 UTC" */
        p++;
    int64_t off = 0;
    if (p < len && s[p] == 'Z') {
        p++;
    } else if (p < len && (s[p] == '+' || s[p] == '-')) {
        int sign = s[p] == '-' ? -1 : 1;
        unsigned oh, om;
        if (!digits(s, len, p + 1, 2, &oh))
            return 0;
        size_t q = p + 3;
        if (q < len && s[q] == ':')
            q++;
        if (!digits(s, len, q, 2, &om))
            return 0;
        off = sign * (int64_t)(oh * 3600 + om * 60);
        p = q + 2;
        if (p + 4 <= len && s[p] == ' ' && isupper((unsigned char)s[p + 1])) {
            p++; /* the zone name of docker ps */
            while (p < len && isalpha((unsigned char)s[p]))
                p++;
        }
    } else {
        return 0; /* no zone: ambiguous */
    }
    if (y < 1970)
        return 0; /* Docker's zero time 0001-01-01 means "never" */
    int64_t secs = days_from_civil((int64_t)y, mo, d) * 86400 + (int64_t)h * 3600 +
                   (int64_t)mi * 60 + (int64_t)se - off;
    if (secs < 0)
        return 0;
    if (used)
        *used = p;
    return (uint64_t)secs * 1000000000ull + frac;
}

uint64_t state_parse_time(const char *s, size_t len)
{
    if (!s)
        return 0;
    size_t used = 0;
    uint64_t t = parse_time(s, len, &used);
    return used == len ? t : 0;
}

const char *state_format_since(uint64_t ns, char *buf, size_t n)
{
    snprintf(buf, n, "%llu.%09llu", (unsigned long long)(ns / 1000000000ull),
             (unsigned long long)(ns % 1000000000ull));
    return buf;
}

size_t state_split_log_line(const char *line, size_t len, uint64_t *ts_ns)
{
    *ts_ns = 0;
    const char *sp = memchr(line, ' ', len);
    size_t tl = sp ? (size_t)(sp - line) : len;
    if (tl < 20 || tl > 40)
        return 0;
    size_t used = 0;
    uint64_t t = parse_time(line, tl, &used);
    if (!t || used != tl)
        return 0;
    *ts_ns = t;
    return sp ? tl + 1 : tl;
}

uint64_t state_logs_since(const state_container *c, uint64_t last_seen_ns)
{
    if (last_seen_ns)
        return last_seen_ns + 1;
    return c ? c->started_ns : 0;
}

/* ---- ports ----------------------------------------------------------------------- */

typedef struct {
    unsigned num;
    char text[48];
} port_tok;

static int cmp_port(const void *a, const void *b)
{
    const port_tok *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* A published port: host port, container port. */
static void port_add(port_tok **v, size_t *n, size_t *cap, const char *host, size_t hl,
                     const char *cont, size_t cl)
{
    port_tok t;
    if (cl > 20 || hl > 20 || hl == 0)
        return;
    if (hl != cl || memcmp(host, cont, hl) != 0)
        snprintf(t.text, sizeof t.text, "%.*s->%.*s", (int)hl, host, (int)cl, cont);
    else
        snprintf(t.text, sizeof t.text, "%.*s", (int)hl, host);
    t.num = (unsigned)strtoul(host, NULL, 10);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].text, t.text) == 0)
            return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = util_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = t;
}

static char *ports_join(port_tok *v, size_t n)
{
    if (n) /* v is NULL when there is none: qsort's pointer must not be */
        qsort(v, n, sizeof *v, cmp_port);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_addc(&sb, ',');
        strbuf_adds(&sb, v[i].text);
    }
    free(v);
    return strbuf_detach(&sb, NULL);
}

/* "0.0.0.0:6379->6379/tcp, :::6379->6379/tcp, 8082/tcp": published ports only */
static char *ports_from_ps(const char *s)
{
    port_tok *v = NULL;
    size_t n = 0, cap = 0;
    while (s && *s) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        const char *arrow = NULL;
        for (size_t i = 0; i + 1 < len; i++)
            if (s[i] == '-' && s[i + 1] == '>')
                arrow = s + i;
        const char *slash = memchr(s, '/', len);
        if (arrow) {
            const char *colon = arrow;
            while (colon > s && colon[-1] != ':')
                colon--;
            const char *cont = arrow + 2;
            size_t cl = slash && slash > cont ? (size_t)(slash - cont) : (size_t)(s + len - cont);
            port_add(&v, &n, &cap, colon, (size_t)(arrow - colon), cont, cl);
        } /* exposed but not published: not shown */
        s += len;
    }
    return ports_join(v, n);
}

/* NetworkSettings.Ports: {"6379/tcp":[{"HostIp":"0.0.0.0","HostPort":"6379"}],"8082/tcp":null} */
static char *ports_from_inspect(const cJSON *ports)
{
    port_tok *v = NULL;
    size_t n = 0, cap = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, ports)
    {
        const char *key = it->string ? it->string : "";
        const char *slash = strchr(key, '/');
        size_t cl = slash ? (size_t)(slash - key) : strlen(key);
        const cJSON *b;
        if (cJSON_IsArray(it))
            cJSON_ArrayForEach(b, it)
            {
                const char *hp = jstr(b, "HostPort");
                if (hp && *hp)
                    port_add(&v, &n, &cap, hp, strlen(hp), key, cl);
            }
    }
    return ports_join(v, n);
}

/* ---- docker ps -------------------------------------------------------------------- */

/* The value of one label in ps's "k=v,k=v" text (malloc'd), NULL when absent. */
static char *ps_label(const char *labels, const char *key)
{
    size_t kl = strlen(key);
    const char *p = labels;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=')
            return util_xstrndup(p + kl + 1, len - kl - 1);
        p = end ? end + 1 : NULL;
    }
    return NULL;
}

void state_ps_begin(state_table *st)
{
    st->in_snapshot = true;
    for (size_t i = 0; i < st->n; i++)
        st->v[i]->seen = false;
}

void state_ps_end(state_table *st)
{
    bool changed = false;
    for (size_t i = st->n; i-- > 0;)
        if (!st->v[i]->seen) {
            remove_entry(st, st->v[i]);
            changed = true;
        }
    st->in_snapshot = false;
    if (changed)
        changed_table(st);
}

int state_apply_ps_line(state_table *st, const char *line, size_t len, int lineno,
                        char *err, size_t errlen)
{
    len = json_line_len(line, len);
    if (len == 0)
        return 0;
    cJSON *o = json_line_object(line, len);
    if (!o) {
        seterr(err, errlen, "docker ps line %d: not a JSON object: %.60s", lineno, line);
        return -1;
    }
    const char *names = jstr(o, "Names"), *id = jstr(o, "ID");
    if (!names || !*names || !id || !*id) {
        seterr(err, errlen, "docker ps line %d: no %s", lineno, !id || !*id ? "ID" : "Names");
        cJSON_Delete(o);
        return -1;
    }
    const char *comma = strchr(names, ',');
    char *name = util_xstrndup(strip_slash(names),
                               comma ? (size_t)(comma - strip_slash(names)) : strlen(strip_slash(names)));
    const char *labels = jstr(o, "Labels");
    char *project = ps_label(labels, LABEL_PROJECT);
    char *service = ps_label(labels, LABEL_SERVICE);
    if (state_wanted(st, name, project)) {
        entry *e = find_entry(st, id, NULL);
        if (!e)
            e = find_entry(st, NULL, name);
        bool changed = false;
        if (e && strcmp(e->c.id, id) != 0) {
            /* same name, new container (re-created): start afresh */
            remove_entry(st, e);
            e = NULL;
        }
        if (!e) {
            e = add_entry(st, id, name);
            changed = true;
        }
        state_container *c = &e->c;
        e->seen = true;
        changed |= set_str(&c->name, name);
        changed |= set_str(&c->image, jstr(o, "Image"));
        changed |= set_str(&c->project, project);
        changed |= set_str(&c->service, service);
        const char *status = jstr(o, "Status");
        changed |= set_str(&c->status, status);
        char *ports = ports_from_ps(jstr(o, "Ports"));
        changed |= set_str(&c->ports, ports);
        free(ports);
        const char *cr = jstr(o, "CreatedAt");
        if (cr) {
            uint64_t t = state_parse_time(cr, strlen(cr));
            if (t)
                SET(c->created_ns, t);
        }
        state_run run = run_from_word(jstr(o, "State"));
        if (run == STATE_UNKNOWN && status) { /* Docker before 20.10: no State */
            if (util_startswith(status, "Up"))
                run = strstr(status, "(Paused)") ? STATE_PAUSED : STATE_RUNNING;
            else if (util_startswith(status, "Exited"))
                run = STATE_EXITED;
            else if (util_startswith(status, "Created"))
                run = STATE_CREATED;
            else if (util_startswith(status, "Restarting"))
                run = STATE_RESTARTING;
            else if (util_startswith(status, "Removal"))
                run = STATE_REMOVING;
            else if (util_startswith(status, "Dead"))
                run = STATE_DEAD;
        }
        SET(c->run, run);
        if (status && (util_startswith(status, "Exited (") ||
                       util_startswith(status, "Restarting ("))) {
            int code = atoi(strchr(status, '(') + 1);
            SET(c->exit_code, code);
        } else if (run == STATE_RUNNING || run == STATE_CREATED) {
            SET(c->exit_code, -1);
        }
        state_health h = STATE_HEALTH_NONE;
        if (status && strstr(status, "(healthy)"))
            h = STATE_HEALTH_HEALTHY;
        else if (status && strstr(status, "(unhealthy)"))
            h = STATE_HEALTH_UNHEALTHY;
        else if (status && strstr(status, "(health: starting)"))
            h = STATE_HEALTH_STARTING;
        if (h != STATE_HEALTH_NONE && !c->has_health)
            SET(c->has_health, true);
        if (run != STATE_RUNNING)
            h = STATE_HEALTH_NONE;
        SET(c->health, h);
        if (changed)
            changed_table(st);
    }
    free(name);
    free(project);
    free(service);
    cJSON_Delete(o);
    return 0;
}

static void mark_inspect(state_container *c)
{
    c->needs_inspect = true;
    c->inspect_gen++;
}

/* ---- docker events ------------------------------------------------------------------ */

/* cJSON keeps numbers as doubles: timeNano (~1.7e18) needs the text. */
static uint64_t raw_uint(const char *line, size_t len, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl + 2 < len; i++) {
        if (line[i] == '"' && strncmp(line + i + 1, key, kl) == 0 && line[i + 1 + kl] == '"') {
            size_t p = i + kl + 2;
            while (p < len && (line[p] == ' ' || line[p] == ':'))
                p++;
            uint64_t v = 0;
            bool any = false;
            while (p < len && isdigit((unsigned char)line[p])) {
                v = v * 10 + (uint64_t)(line[p++] - '0');
                any = true;
            }
            if (any)
                return v;
        }
    }
    return 0;
}

static int signal_number(const char *s)
{
    static const struct { const char *n; int v; } sigs[] = {
        {"HUP", 1}, {"INT", 2}, {"QUIT", 3}, {"KILL", 9}, {"USR1", 10},
        {"USR2", 12}, {"TERM", 15}, {"STOP", 19},
    };
    if (!s || !*s)
        return 0;
    if (isdigit((unsigned char)*s))
        return atoi(s);
    if (util_startswith(s, "SIG"))
        s += 3;
    for (size_t i = 0; i < SRV_ARRAY_LEN(sigs); i++)
        if (strcmp(s, sigs[i].n) == 0)
            return sigs[i].v;
    return 0;
}

int state_apply_event(state_table *st, const char *line, size_t len, char *err, size_t errlen)
{
    len = json_line_len(line, len);
    if (len == 0)
        return 0;
    cJSON *o = json_line_object(line, len);
    if (!o) {
        seterr(err, errlen, "docker events: not a JSON object: %.60s", line);
        return -1;
    }
    const char *type = jstr(o, "Type");
    const char *action = jstr(o, "Action");
    if (!action)
        action = jstr(o, "status");
    if (!action) {
        seterr(err, errlen, "docker events: no Action: %.60s", line);
        cJSON_Delete(o);
        return -1;
    }
    if (type && strcmp(type, "container") != 0) {
        cJSON_Delete(o);
        return 0;
    }
    const cJSON *actor = cJSON_GetObjectItemCaseSensitive(o, "Actor");
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(actor, "Attributes");
    const char *id = jstr(actor, "ID");
    if (!id)
        id = jstr(o, "id");
    const char *name = strip_slash(jstr(attrs, "name"));
    const char *project = jstr(attrs, LABEL_PROJECT);
    uint64_t t = raw_uint(line, len, "timeNano");
    if (!t)
        t = raw_uint(line, len, "time") * 1000000000ull;
    if (t > st->last_event_ns)
        st->last_event_ns = t;

    bool supersedes = strcmp(action, "create") == 0 || strcmp(action, "start") == 0;
    entry *e = find_entry(st, id, NULL);
    if (!e && name)
        e = find_entry(st, NULL, name);
    if (e && id && *id && *e->c.id && strcmp(e->c.id, id) != 0 && !supersedes) {
        /* an event of another container with the same name (the old one
         * being removed after a re-create): not ours any more */
        cJSON_Delete(o);
        return 0;
    }
    bool changed = false;
    bool is_rename = strcmp(action, "rename") == 0;
    if (!e) {
        static const char *const creates[] = {"create", "start", "die", "restart",
                                              "pause", "unpause", "oom", "kill", "stop"};
        bool may = false;
        for (size_t i = 0; i < SRV_ARRAY_LEN(creates); i++)
            may |= strcmp(action, creates[i]) == 0;
        may |= util_startswith(action, "health_status") || is_rename;
        if (!may || !name || !state_wanted(st, name, project)) {
            cJSON_Delete(o);
            return 0;
        }
        e = add_entry(st, id, name);
        changed = true;
    } else if (supersedes && id && *id && strcmp(e->c.id, id) != 0) {
        /* re-created under the same name */
        remove_entry(st, e);
        e = add_entry(st, id, name);
        changed = true;
    }
    state_container *c = &e->c;
    if (attrs) {
        const char *image = jstr(attrs, "image");
        if (image)
            changed |= set_str(&c->image, image);
        if (project)
            changed |= set_str(&c->project, project);
        const char *svc = jstr(attrs, LABEL_SERVICE);
        if (svc)
            changed |= set_str(&c->service, svc);
    }
    if (strcmp(action, "create") == 0) {
        SET(c->run, STATE_CREATED);
        if (t)
            SET(c->created_ns, t);
        mark_inspect(c);
    } else if (strcmp(action, "start") == 0) {
        SET(c->run, STATE_RUNNING);
        if (t)
            SET(c->started_ns, t);
        SET(c->exit_code, -1);
        SET(c->oom_killed, false);
        SET(c->health, c->has_health ? STATE_HEALTH_STARTING : STATE_HEALTH_NONE);
        mark_inspect(c);
    } else if (strcmp(action, "restart") == 0) {
        SET(c->run, STATE_RUNNING);
        mark_inspect(c);
    } else if (strcmp(action, "die") == 0) {
        SET(c->run, STATE_EXITED);
        const char *code = jstr(attrs, "exitCode");
        if (code)
            SET(c->exit_code, atoi(code));
        if (t)
            SET(c->finished_ns, t);
        SET(c->health, STATE_HEALTH_NONE);
        mark_inspect(c);
    } else if (strcmp(action, "kill") == 0) {
        SET(c->last_signal, signal_number(jstr(attrs, "signal")));
    } else if (strcmp(action, "oom") == 0) {
        SET(c->oom_killed, true);
    } else if (strcmp(action, "pause") == 0) {
        SET(c->run, STATE_PAUSED);
    } else if (strcmp(action, "unpause") == 0) {
        SET(c->run, STATE_RUNNING);
    } else if (is_rename) {
        if (name)
            changed |= set_str(&c->name, name);
    } else if (strcmp(action, "destroy") == 0) {
        remove_entry(st, e);
        changed_table(st);
        cJSON_Delete(o);
        return 1;
    } else if (util_startswith(action, "health_status")) {
        const char *w = action + strlen("health_status");
        if (*w == ':')
            w++;
        else
            w = jstr(attrs, "health_status");
        state_health h = health_from_word(w);
        if (h != STATE_HEALTH_NONE) {
            SET(c->has_health, true);
            if (c->run == STATE_RUNNING || c->run == STATE_UNKNOWN)
                SET(c->health, h);
        }
    }
    if (changed) /* docker ps's Status text is stale once an event moved the state */
        set_str(&c->status, "");
    if (is_rename && !state_wanted(st, c->name, c->project)) {
        remove_entry(st, e);
        changed = true;
    }
    if (changed)
        changed_table(st);
    cJSON_Delete(o);
    return changed ? 1 : 0;
}

/* ---- docker inspect ------------------------------------------------------------------- */

static bool jbool(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int jint(const cJSON *o, const char *key, int dflt)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(it) ? it->valueint : dflt;
}

static uint64_t jtime(const cJSON *o, const char *key)
{
    const char *s = jstr(o, key);
    return s ? state_parse_time(s, strlen(s)) : 0;
}

static bool apply_inspect_one(state_table *st, const cJSON *o)
{
    const char *id = jstr(o, "Id");
    const char *name = strip_slash(jstr(o, "Name"));
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(o, "Config");
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(config, "Labels");
    const char *project = jstr(labels, LABEL_PROJECT);
    if (!id || !name || !state_wanted(st, name, project))
        return false;
    bool changed = false;
    entry *e = find_entry(st, id, NULL);
    if (!e) {
        e = find_entry(st, NULL, name);
        if (e) { /* same name, another container: the inspect is newer */
            remove_entry(st, e);
            e = NULL;
        }
        e = add_entry(st, id, name);
        changed = true;
    }
    state_container *c = &e->c;
    changed |= set_str(&c->name, name);
    const char *image = jstr(config, "Image");
    if (image)
        changed |= set_str(&c->image, image);
    if (project)
        changed |= set_str(&c->project, project);
    const char *svc = jstr(labels, LABEL_SERVICE);
    if (svc)
        changed |= set_str(&c->service, svc);
    uint64_t created = jtime(o, "Created");
    if (created)
        SET(c->created_ns, created);
    SET(c->restarts, jint(o, "RestartCount", c->restarts));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "State");
    if (cJSON_IsObject(s)) {
        state_run run = run_from_word(jstr(s, "Status"));
        if (run == STATE_UNKNOWN) {
            run = jbool(s, "Restarting") ? STATE_RESTARTING
                  : jbool(s, "Paused")   ? STATE_PAUSED
                  : jbool(s, "Running")  ? STATE_RUNNING
                  : jbool(s, "Dead")     ? STATE_DEAD
                                         : STATE_EXITED;
        }
        SET(c->run, run);
        if (run == STATE_EXITED || run == STATE_RESTARTING || run == STATE_DEAD)
            SET(c->exit_code, jint(s, "ExitCode", c->exit_code));
        else if (run == STATE_RUNNING || run == STATE_CREATED || run == STATE_PAUSED)
            SET(c->exit_code, -1);
        SET(c->oom_killed, jbool(s, "OOMKilled"));
        uint64_t started = jtime(s, "StartedAt"), finished = jtime(s, "FinishedAt");
        if (started)
            SET(c->started_ns, started);
        if (finished)
            SET(c->finished_ns, finished);
        const cJSON *health = cJSON_GetObjectItemCaseSensitive(s, "Health");
        state_health h = STATE_HEALTH_NONE;
        if (cJSON_IsObject(health)) {
            SET(c->has_health, true);
            h = health_from_word(jstr(health, "Status"));
        }
        if (run != STATE_RUNNING)
            h = STATE_HEALTH_NONE;
        SET(c->health, h);
    }
    const cJSON *hc = cJSON_GetObjectItemCaseSensitive(config, "Healthcheck");
    if (cJSON_IsObject(hc)) {
        const cJSON *test = cJSON_GetObjectItemCaseSensitive(hc, "Test");
        const cJSON *first = cJSON_IsArray(test) ? cJSON_GetArrayItem(test, 0) : NULL;
        bool none = cJSON_IsString(first) && strcmp(first->valuestring, "NONE") == 0;
        if (!none && first)
            SET(c->has_health, true);
    }
    const cJSON *net = cJSON_GetObjectItemCaseSensitive(o, "NetworkSettings");
    const cJSON *ports = cJSON_GetObjectItemCaseSensitive(net, "Ports");
    if (cJSON_IsObject(ports)) {
        char *p = ports_from_inspect(ports);
        changed |= set_str(&c->ports, p);
        free(p);
    }
    if (changed)
        set_str(&c->status, "");
    return changed;
}

int state_apply_inspect(state_table *st, const char *json, size_t len, char *err,
                        size_t errlen)
{
    cJSON *o = cJSON_ParseWithLength(json, len);
    if (!o || !(cJSON_IsArray(o) || cJSON_IsObject(o))) {
        seterr(err, errlen, "docker inspect: not a JSON array: %.60s", json ? json : "");
        cJSON_Delete(o);
        return -1;
    }
    bool changed = false;
    if (cJSON_IsObject(o)) {
        changed = apply_inspect_one(st, o);
    } else {
        const cJSON *it;
        cJSON_ArrayForEach(it, o)
        {
            if (cJSON_IsObject(it))
                changed |= apply_inspect_one(st, it);
        }
    }
    if (changed)
        changed_table(st);
    cJSON_Delete(o);
    return changed ? 1 : 0;
}

/* ---- argv -------------------------------------------------------------------------------- */

static char **argv_new(const char *docker, const char *const *fixed, size_t nfixed,
                       size_t extra)
{
    char **v = util_xcalloc(nfixed + extra + 2, sizeof *v);
    v[0] = util_xstrdup(docker ? docker : "docker");
    for (size_t i = 0; i < nfixed; i++)
        v[i + 1] = util_xstrdup(fixed[i]);
    return v;
}

static void argv_push(char **v, const char *s)
{
    size_t i = 0;
    while (v[i])
        i++;
    v[i] = util_xstrdup(s);
}

char **state_ps_argv(const char *docker)
{
    static const char *const a[] = {"ps", "-a", "--no-trunc", "--format", "{{json .}}"};
    return argv_new(docker, a, SRV_ARRAY_LEN(a), 0);
}

char **state_events_argv(const char *docker, uint64_t since_ns)
{
    static const char *const a[] = {"events", "--format", "{{json .}}", "--filter",
                                    "type=container"};
    char **v = argv_new(docker, a, SRV_ARRAY_LEN(a), 2);
    if (since_ns) {
        char buf[64];
        argv_push(v, "--since");
        argv_push(v, state_format_since(since_ns, buf, sizeof buf));
    }
    return v;
}

char **state_inspect_argv(const char *docker, const char *const *names, size_t n)
{
    static const char *const a[] = {"inspect", "--type", "container"};
    char **v = argv_new(docker, a, SRV_ARRAY_LEN(a), n);
    for (size_t i = 0; i < n; i++)
        argv_push(v, names[i]);
    return v;
}

char **state_logs_argv(const char *docker, const char *name, uint64_t since_ns)
{
    static const char *const a[] = {"logs", "-f", "--timestamps"};
    char **v = argv_new(docker, a, SRV_ARRAY_LEN(a), 3);
    if (since_ns) {
        char buf[64];
        argv_push(v, "--since");
        argv_push(v, state_format_since(since_ns, buf, sizeof buf));
    }
    argv_push(v, name);
    return v;
}

void state_argv_free(char **argv)
{
    if (!argv)
        return;
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

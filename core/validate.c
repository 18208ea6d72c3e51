/* core/validate.c — see validate.h.  Stage functions follow spec §4.2 in
 * order; doctor checks (§4.4) follow in their own section. */
#include "config.h"

#include "core/validate.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/generate.h"
#include "core/jsonemit.h"
#include "core/yamlload.h"

#define FILE_CAP (16u * 1024u * 1024u)

extern char **environ;

typedef struct {
    const char *root;
    const registry *r;
    diag_list *out;
    arena mem; /* parsed files */
} vctx;

/* String(v) into sb.  val_to_js_string() appends nothing for an empty list
 * (String([]) is ""), which leaves a fresh strbuf without storage (data
 * NULL): start with "" so the text is always a valid C string. */
static void js_text(strbuf *sb, const val *v)
{
    strbuf_adds(sb, "");
    val_to_js_string(sb, v);
}

static char *json_of(const val *v)
{
    strbuf sb = STRBUF_INIT;
    jsonemit(&sb, v, 0);
    return strbuf_detach(&sb, NULL);
}

/* A reference issue; expected/actual printed only when expected exists. */
static diag *ref_issue(vctx *V, diag_severity sev, const char *code,
                       const char *file, int line, const char *msg,
                       const val *expected, const val *actual)
{
    diag *d = diag_add(V->out, sev, DIAG_SRC_REFERENCE, code, file, line,
                       line ? 1 : 0, "%s", msg);
    if (expected) {
        char *e = json_of(expected), *a = json_of(actual);
        diag_set_expected(d, e, a);
        free(e);
        free(a);
    }
    return d;
}

static char *abs_path(vctx *V, const char *rel)
{
    return util_path_join(V->root, rel);
}

/* Read and parse a YAML file: NULL when missing; *failed set on errors
 * (reported as reference errors: the reference throws). */
static val *load_yaml(vctx *V, const char *rel, bool *present)
{
    char *path = abs_path(V, rel);
    *present = util_exists(path);
    val *v = NULL;
    if (*present) {
        char err[SRV_ERRLEN];
        if (yamlload_file(&V->mem, path, FILE_CAP, &v, err) != 0) {
            const char *shown = strstr(err, rel) ? strstr(err, rel) : err;
            diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel, 0, 0,
                     "Error validating configurations: %s", shown);
            v = NULL;
        }
    }
    free(path);
    return v;
}

/* ---- JSON → value tree (JSON.parse semantics: last duplicate wins) ---------- */

static val *from_cjson(arena *a, const cJSON *j, int depth)
{
    if (depth > 200)
        return val_new_null(a);
    if (cJSON_IsNull(j))
        return val_new_null(a);
    if (cJSON_IsBool(j))
        return val_new_bool(a, cJSON_IsTrue(j));
    if (cJSON_IsNumber(j))
        return val_new_num(a, j->valuedouble);
    if (cJSON_IsString(j))
        return val_new_str(a, j->valuestring);
    if (cJSON_IsArray(j)) {
        val *s = val_new_seq(a);
        for (const cJSON *c = j->child; c; c = c->next)
            val_seq_push(a, s, from_cjson(a, c, depth + 1));
        return s;
    }
    val *m = val_new_map(a);
    for (const cJSON *c = j->child; c; c = c->next)
        val_map_set(a, m, c->string ? c->string : "", from_cjson(a, c, depth + 1));
    return m;
}

static val *load_json(vctx *V, const char *rel, bool *present)
{
    char *path = abs_path(V, rel);
    *present = util_exists(path);
    val *v = NULL;
    if (*present) {
        char *data;
        size_t len;
        char err[SRV_ERRLEN];
        if (util_read_file(path, FILE_CAP, &data, &len, err) != 0) {
            diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel, 0, 0,
                     "Error validating configurations: %s", err);
        } else {
            const char *end = NULL;
            cJSON *j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
            /* JSON.parse rejects anything but whitespace after the value */
            while (j && end && end < data + len &&
                   (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
                end++;
            if (j && end && end < data + len) {
                cJSON_Delete(j);
                j = NULL;
            }
            if (!j) {
                int line = 1, col = 1;
                for (const char *p = data; end && p < end && p < data + len; p++) {
                    if (*p == '\n') {
                        line++;
                        col = 1;
                    } else {
                        col++;
                    }
                }
                diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel,
                         line, col,
                         "Error validating configurations: invalid JSON");
            } else {
                v = from_cjson(&V->mem, j, 0);
                cJSON_Delete(j);
            }
            free(data);
        }
    }
    free(path);
    return v;
}

/* ---- stage 1: compose ---------------------------------------------------------------- */

static bool compose_has_port(vctx *V, const char *rel, const val *list,
                             const val *port, bool *bad)
{
    if (list && list->kind != VAL_SEQ && list->kind != VAL_NULL) {
        /* the reference calls .some() on it and throws */
        if (!*bad)
            diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel, list->line,
                     list->col, "Error validating configurations: ports is not a list");
        *bad = true;
        return false;
    }
    strbuf needle = STRBUF_INIT;
    js_text(&needle, port);
    bool found = false;
    for (size_t i = 0; i < val_len(list) && !found; i++) {
        const val *item = list->u.seq.items[i];
        if (item->kind != VAL_STR) {
            if (!*bad)
                diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel,
                         item->line, item->col,
                         "Error validating configurations: a ports item is "
                         "not a string");
            *bad = true;
            continue;
        }
        found = strstr(item->u.str.s, needle.data) != NULL;
    }
    strbuf_free(&needle);
    return found;
}

static void stage_compose_file(vctx *V, const char *rel, const val *entries)
{
    bool present;
    val *doc = load_yaml(V, rel, &present);
    if (!doc || !val_is(entries, VAL_MAP))
        return;
    const val *svcs = val_get(doc, "services");
    arena *a = &V->mem;
    for (size_t i = 0; i < entries->u.map.n; i++) {
        const val *e = entries->u.map.items[i].v;
        strbuf name = STRBUF_INIT;
        js_text(&name, val_get(e, "name"));
        const val *svc = val_get(svcs, name.data);
        if (!svc) {
            char *msg = util_xasprintf("Missing service definition for %s", name.data);
            ref_issue(V, DIAG_ERROR, "missing-service", rel, 0, msg, NULL, NULL);
            free(msg);
            strbuf_free(&name);
            continue;
        }
        const val *plist = val_get(svc, "ports");
        const val *shown = plist ? plist : val_new_seq(a);
        int line = plist ? plist->line : svc->line;
        bool bad = false;
        const val *port = val_get(e, "port");
        const val *ports = val_get(e, "ports");
        if (val_truthy(port)) {
            if (!compose_has_port(V, rel, plist, port, &bad) && !bad) {
                char *msg = util_xasprintf("Port mismatch for %s", name.data);
                ref_issue(V, DIAG_ERROR, "port-mismatch", rel, line, msg, port, shown);
                free(msg);
            }
        } else if (val_is(ports, VAL_MAP)) {
            for (size_t k = 0; k < ports->u.map.n && !bad; k++) {
                const val_pair *p = &ports->u.map.items[k];
                if (!compose_has_port(V, rel, plist, p->v, &bad) && !bad) {
                    char *msg = util_xasprintf("Port mismatch for %s.%s", name.data,
                                               p->key);
                    ref_issue(V, DIAG_ERROR, "port-mismatch", rel, line, msg, p->v,
                              shown);
                    free(msg);
                }
            }
        }
        strbuf_free(&name);
    }
}

/* ---- stage 2: Kubernetes ------------------------------------------------------------- */

static void check_manifest(vctx *V, const char *rel, const val *e)
{
    char *path = abs_path(V, rel);
    char *text;
    size_t len;
    bool ok = util_exists(path) &&
              util_read_file(path, FILE_CAP, &text, &len, NULL) == 0;
    free(path);
    if (!ok)
        return;
    /* split at every "---", as the reference does */
    const val *work = NULL;
    int work_line = 0;
    size_t pos = 0;
    int piece_line = 1;
    while (pos <= len && !work) {
        const char *sep = NULL;
        for (size_t k = pos; k + 3 <= len; k++) {
            if (text[k] == '-' && text[k + 1] == '-' && text[k + 2] == '-') {
                sep = text + k;
                break;
            }
        }
        size_t end = sep ? (size_t)(sep - text) : len;
        val *doc = NULL;
        char err[SRV_ERRLEN];
        if (yamlload_parse(&V->mem, rel, text + pos, end - pos, &doc, err) == 0 &&
            doc) {
            const char *kind = val_str(val_get(doc, "kind"));
            if (util_streq(kind, "Deployment") || util_streq(kind, "StatefulSet")) {
                work = doc;
                work_line = piece_line - 1;
            }
        }
        for (size_t k = pos; k < end; k++)
            if (text[k] == '\n')
                piece_line++;
        if (!sep)
            break;
        pos = end + 3;
    }
    free(text);
    if (!work) {
        ref_issue(V, DIAG_WARNING, "no-workload", rel, 0,
                  "No Deployment or StatefulSet found in manifest (may be Job or "
                  "other kind)",
                  NULL, NULL);
        return;
    }
    const val *containers = val_path(work, "spec.template.spec.containers");
    const val *c = val_is(containers, VAL_SEQ) && containers->u.seq.n
                       ? containers->u.seq.items[0]
                       : NULL;
    if (!c) {
        ref_issue(V, DIAG_ERROR, "no-container", rel, 0,
                  "No container definition found", NULL, NULL);
        return;
    }
    int cline = c->line ? c->line + work_line : 0;
    const val *vct = val_path(e, "kubernetes.volumeClaimTemplate");
    if (util_streq(val_str(val_get(work, "kind")), "StatefulSet") && val_truthy(vct)) {
        const val *claims = val_path(work, "spec.volumeClaimTemplates");
        const val *c0 = val_is(claims, VAL_SEQ) && claims->u.seq.n
                            ? claims->u.seq.items[0]
                            : NULL;
        if (!c0) {
            ref_issue(V, DIAG_ERROR, "no-claims", rel, 0,
                      "Missing volumeClaimTemplates for StatefulSet", NULL, NULL);
        } else {
            const val *have = val_path(c0, "spec.resources.requests.storage");
            const val *want = val_get(vct, "storage");
            if (!val_strict_equal(have, want))
                ref_issue(V, DIAG_WARNING, "storage-mismatch", rel,
                          c0->line ? c0->line + work_line : 0,
                          "Storage size mismatch", want, have);
        }
    }
    arena *a = &V->mem;
    const val *cports = val_get(c, "ports");
    val *list = val_new_seq(a);
    for (size_t i = 0; i < val_len(cports) && val_is(cports, VAL_SEQ); i++) {
        const val *cp = val_get(cports->u.seq.items[i], "containerPort");
        val_seq_push(a, list, cp ? (val *)cp : NULL);
    }
    const val *port = val_get(e, "port");
    const val *ports = val_get(e, "ports");
    if (val_truthy(port)) {
        bool found = false;
        for (size_t i = 0; i < list->u.seq.n && !found; i++)
            found = val_strict_equal(list->u.seq.items[i], port);
        if (!found)
            ref_issue(V, DIAG_ERROR, "port-mismatch", rel, cline,
                      "Port mismatch in containerPort", port, list);
    } else if (val_is(ports, VAL_MAP)) {
        for (size_t k = 0; k < ports->u.map.n; k++) {
            const val_pair *p = &ports->u.map.items[k];
            bool found = false;
            for (size_t i = 0; i < list->u.seq.n && !found; i++)
                found = val_strict_equal(list->u.seq.items[i], p->v);
            if (!found) {
                char *msg = util_xasprintf("Port mismatch for %s in containerPort",
                                           p->key);
                ref_issue(V, DIAG_ERROR, "port-mismatch", rel, cline, msg, p->v, list);
                free(msg);
            }
        }
    }
    const val *res = val_get(e, "resources");
    if (val_truthy(res)) {
        const val *cres = val_get(c, "resources");
        if (!cres) {
            ref_issue(V, DIAG_WARNING, "no-resources", rel, cline,
                      "Missing resource definitions", NULL, NULL);
        } else {
            const val *want = val_path(res, "memory.request");
            const val *have = val_path(cres, "requests.memory");
            if (!val_strict_equal(want, have))
                ref_issue(V, DIAG_WARNING, "memory-mismatch", rel, cline,
                          "Memory request mismatch", want, have);
            want = val_path(res, "cpu.request");
            have = val_path(cres, "requests.cpu");
            if (!val_strict_equal(want, have))
                ref_issue(V, DIAG_WARNING, "cpu-mismatch", rel, cline,
                          "CPU request mismatch", want, have);
        }
    }
    if (val_get(e, "image") && !val_truthy(val_get(e, "buildOnly"))) {
        char *ref = registry_image_ref(e);
        const char *img = val_str(val_get(c, "image"));
        const val *have = val_get(c, "image");
        if (!(img && (!strcmp(img, ref) || !strcmp(img, "srvthreds:dev")))) {
            val *want = val_new_str(a, ref);
            ref_issue(V, DIAG_ERROR, "image-mismatch", rel, cline, "Image mismatch",
                      want, have);
        }
        free(ref);
    }
}

static void stage_kubernetes(vctx *V)
{
    static const struct {
        const char *section, *dir;
    } sets[] = {{"services", GEN_BASE_DIR}, {"databases", GEN_MINIKUBE_DIR}};
    for (size_t s = 0; s < 2; s++) {
        const val *entries = registry_section(V->r, sets[s].section);
        for (size_t i = 0; i < val_len(entries) && val_is(entries, VAL_MAP); i++) {
            const val *e = entries->u.map.items[i].v;
            strbuf name = STRBUF_INIT;
            js_text(&name, val_get(e, "name"));
            char *rel = util_xasprintf("%s/%s.yaml", sets[s].dir, name.data);
            check_manifest(V, rel, e);
            free(rel);
            strbuf_free(&name);
        }
    }
}

/* ---- stage 3: agent configs ---------------------------------------------------------- */

static void stage_agents(vctx *V)
{
    const val *services = registry_section(V->r, "services");
    if (!val_is(services, VAL_MAP))
        return;
    for (size_t i = 0; i < services->u.map.n; i++) {
        const val_pair *sp = &services->u.map.items[i];
        char *rel = util_xasprintf("%s/%s.config.json", GEN_AGENTS_DIR, sp->key);
        bool present;
        val *cfg = load_json(V, rel, &present);
        if (!present) {
            ref_issue(V, DIAG_WARNING, "no-agent-config", rel, 0,
                      "Agent config file not found", NULL, NULL);
        } else if (cfg) {
            const val *ports = val_get(sp->v, "ports");
            if (val_truthy(ports) && val_is(ports, VAL_MAP)) {
                for (size_t k = 0; k < ports->u.map.n; k++) {
                    const val_pair *p = &ports->u.map.items[k];
                    const val *have = val_get(val_get(cfg, "ports"), p->key);
                    if (!val_strict_equal(have, p->v)) {
                        char *msg = util_xasprintf("Port mismatch for %s", p->key);
                        ref_issue(V, DIAG_ERROR, "port-mismatch", rel, 0, msg, p->v,
                                  have);
                        free(msg);
                    }
                }
            }
            const val *res = val_get(sp->v, "resources");
            if (val_truthy(res)) {
                const val *want = val_path(res, "memory.request");
                const val *have = val_path(cfg, "resources.memory.request");
                if (!val_strict_equal(want, have))
                    ref_issue(V, DIAG_WARNING, "memory-mismatch", rel, 0,
                              "Memory request mismatch", want, have);
            }
        }
        free(rel);
    }
}

/* ---- stage 4: .env.local.example -------------------------------------------------------- */

static void stage_env(vctx *V)
{
    const char *rel = GEN_CONFIGS_DIR "/.env.local.example";
    char *path = abs_path(V, rel);
    char *text;
    size_t len;
    bool ok = util_exists(path) && util_read_file(path, FILE_CAP, &text, &len, NULL) == 0;
    free(path);
    if (!ok)
        return;
    const val *local = val_path(V->r->root, "connectionStrings.local");
    if (!val_is(local, VAL_MAP)) {
        diag_add(V->out, DIAG_ERROR, DIAG_SRC_REFERENCE, "parse", rel, 0, 0,
                 "Error validating configurations: connectionStrings.local is "
                 "missing");
        free(text);
        return;
    }
    static const struct {
        const char *key, *msg, *code;
    } checks[] = {{"mongodb", "MONGO_HOST mismatch", "env-mongo"},
                  {"redis", "REDIS_HOST mismatch", "env-redis"}};
    val *manual = val_new_str(&V->mem, "Check file manually");
    for (size_t i = 0; i < 2; i++) {
        const val *want = val_get(local, checks[i].key);
        strbuf sb = STRBUF_INIT;
        js_text(&sb, want);
        if (!strstr(text, sb.data))
            ref_issue(V, DIAG_WARNING, checks[i].code, rel, 0, checks[i].msg, want,
                      manual);
        strbuf_free(&sb);
    }
    free(text);
}

/* ---- doctor checks (§4.4) -------------------------------------------------------------- */

static diag *doc_issue(vctx *V, diag_severity sev, const char *code,
                       const char *file, const val *at, const char *fmt, ...)
    SRV_PRINTF(6, 7);
static diag *doc_issue(vctx *V, diag_severity sev, const char *code,
                       const char *file, const val *at, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    diag *d = diag_add(V->out, sev, DIAG_SRC_DOCTOR, code, file,
                       at ? at->line : 0, at ? at->col : 0, "%s", sb.data);
    strbuf_free(&sb);
    return d;
}

typedef struct {
    const char *section;
    const val_pair *p;
} entry_ref;

static size_t collect_entries(vctx *V, entry_ref **out)
{
    static const char *const secs[] = {"services", "databases"};
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t s = 0; s < 2; s++) {
        const val *m = registry_section(V->r, secs[s]);
        for (size_t i = 0; i < val_len(m) && val_is(m, VAL_MAP); i++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                *out = util_xrealloc(*out, cap * sizeof **out);
            }
            (*out)[n].section = secs[s];
            (*out)[n].p = &m->u.map.items[i];
            n++;
        }
    }
    return n;
}

static bool dns1123_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  (c == '-' && i > 0 && i + 1 < n);
        if (!ok)
            return false;
    }
    return true;
}

typedef struct {
    char *key;
    size_t idx;
} seen_entry;

static int seen_cmp(const void *a, const void *b)
{
    const seen_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

static void doctor_names_and_ports(vctx *V, entry_ref *E, size_t n)
{
    const char *reg = V->r->shown;
    /* duplicate names (sorted, so 10,000 entries stay cheap) */
    seen_entry *names = util_xcalloc(n ? n : 1, sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = val_str(val_get(E[i].p->v, "name"));
        if (!name)
            continue;
        names[nn].key = (char *)name;
        names[nn].idx = i;
        nn++;
        if (!dns1123_label(name))
            doc_issue(V, DIAG_WARNING, "k8s-name", reg, val_get(E[i].p->v, "name"),
                      "%s.%s.name: \"%s\" is not a valid Kubernetes name "
                      "(lower-case letters, digits and '-', at most 63)",
                      E[i].section, E[i].p->key, name);
    }
    qsort(names, nn, sizeof *names, seen_cmp);
    for (size_t i = 1; i < nn; i++) {
        if (strcmp(names[i].key, names[i - 1].key) != 0)
            continue;
        const entry_ref *a = &E[names[i - 1].idx], *b = &E[names[i].idx];
        doc_issue(V, DIAG_WARNING, "duplicate-name", reg, val_get(b->p->v, "name"),
                  "%s.%s and %s.%s are both named \"%s\": their generated files "
                  "and containers collide",
                  a->section, a->p->key, b->section, b->p->key, names[i].key);
    }
    free(names);
    /* the same host port published twice */
    seen_entry *ports = NULL;
    size_t np = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        const val *e = E[i].p->v;
        if (val_truthy(val_get(e, "buildOnly")))
            continue;
        const val *port = val_get(e, "port");
        const val *pm = val_get(e, "ports");
        size_t k = 0, count = val_truthy(port) ? 1 : val_is(pm, VAL_MAP) ? pm->u.map.n : 0;
        for (; k < count; k++) {
            const val *pv = val_truthy(port) ? port : pm->u.map.items[k].v;
            if (np == cap) {
                cap = cap ? cap * 2 : 32;
                ports = util_xrealloc(ports, cap * sizeof *ports);
            }
            strbuf sb = STRBUF_INIT;
            js_text(&sb, pv);
            ports[np].key = strbuf_detach(&sb, NULL);
            ports[np].idx = i;
            np++;
        }
    }
    if (np) /* qsort(NULL, 0, ...) is undefined */
        qsort(ports, np, sizeof *ports, seen_cmp);
    for (size_t i = 1; i < np; i++) {
        if (strcmp(ports[i].key, ports[i - 1].key) != 0 || ports[i].idx == ports[i - 1].idx)
            continue;
        const entry_ref *a = &E[ports[i - 1].idx], *b = &E[ports[i].idx];
        doc_issue(V, DIAG_WARNING, "duplicate-port", reg, b->p->v,
                  "%s.%s and %s.%s both publish host port %s: the second one "
                  "cannot start",
                  a->section, a->p->key, b->section, b->p->key, ports[i].key);
    }
    for (size_t i = 0; i < np; i++)
        free(ports[i].key);
    free(ports);
}

static void doctor_depends(vctx *V)
{
    static const char *const secs[] = {"services", "databases"};
    for (size_t s = 0; s < 2; s++) {
        const val *m = registry_section(V->r, secs[s]);
        if (!val_is(m, VAL_MAP))
            continue;
        for (size_t i = 0; i < m->u.map.n; i++) {
            const val *dep = val_get(m->u.map.items[i].v, "dependsOn");
            for (size_t d = 0; d < val_len(dep) && val_is(dep, VAL_SEQ); d++) {
                const val *want = dep->u.seq.items[d];
                bool found = false;
                for (size_t k = 0; k < m->u.map.n && !found; k++)
                    found = val_strict_equal(val_get(m->u.map.items[k].v, "name"), want);
                if (found)
                    continue;
                strbuf sb = STRBUF_INIT;
                js_text(&sb, want);
                doc_issue(V, DIAG_WARNING, "depends-on", V->r->shown, want,
                          "%s.%s.dependsOn: \"%s\" names no entry of %s (compose "
                          "depends_on only sees services of the same file)",
                          secs[s], m->u.map.items[i].key, sb.data, secs[s]);
                strbuf_free(&sb);
            }
        }
    }
}

static void doctor_dockerfiles(vctx *V)
{
    const val *services = registry_section(V->r, "services");
    const val *dfs = val_path(V->r->root, "build.dockerfiles");
    for (size_t i = 0; i < val_len(services) && val_is(services, VAL_MAP); i++) {
        const val_pair *p = &services->u.map.items[i];
        const val *df = val_get(p->v, "dockerfile");
        if (!val_truthy(df))
            df = val_get(dfs, "builder");
        const char *s = val_str(df);
        if (!s)
            continue;
        char *path = util_path_join(V->root, s);
        if (!util_is_file(path))
            doc_issue(V, DIAG_WARNING, "dockerfile", V->r->shown, df,
                      "services.%s: Dockerfile %s does not exist", p->key, s);
        free(path);
    }
    for (size_t i = 0; i < val_len(dfs) && val_is(dfs, VAL_MAP); i++) {
        const char *s = val_str(dfs->u.map.items[i].v);
        if (!s)
            continue;
        char *path = util_path_join(V->root, s);
        if (!util_is_file(path))
            doc_issue(V, DIAG_WARNING, "dockerfile", V->r->shown,
                      dfs->u.map.items[i].v, "build.dockerfiles.%s: %s does not exist",
                      dfs->u.map.items[i].key, s);
        free(path);
    }
}

/* resources: and patches[].path of each hand-written kustomization */
static void doctor_kustomizations(vctx *V, const gen_set *gen)
{
    static const char *const dirs[] = {GEN_BASE_DIR, GEN_MINIKUBE_DIR,
                                       "infrastructure/local/minikube/manifests/prod"};
    for (size_t d = 0; d < SRV_ARRAY_LEN(dirs); d++) {
        char *rel = util_xasprintf("%s/kustomization.yaml", dirs[d]);
        char *path = util_path_join(V->root, rel);
        val *k = NULL;
        char err[SRV_ERRLEN];
        if (util_exists(path) && yamlload_file(&V->mem, path, FILE_CAP, &k, err) != 0)
            doc_issue(V, DIAG_WARNING, "kustomization", rel, NULL, "%s", err);
        free(path);
        const char *lists[] = {"resources", "patches", "patchesStrategicMerge"};
        for (size_t l = 0; k && l < SRV_ARRAY_LEN(lists); l++) {
            const val *items = val_get(k, lists[l]);
            for (size_t i = 0; i < val_len(items) && val_is(items, VAL_SEQ); i++) {
                const val *it = items->u.seq.items[i];
                const val *pv = it->kind == VAL_MAP ? val_get(it, "path") : it;
                const char *res = val_str(pv);
                if (!res)
                    continue;
                char *p2 = util_xasprintf("%s/%s/%s", V->root, dirs[d], res);
                char *rel2 = util_xasprintf("%s/%s", dirs[d], res);
                char *norm = util_path_normalize(rel2);
                bool generated = false;
                for (size_t g = 0; gen && g < gen->n && !generated; g++)
                    generated = !strcmp(gen->files[g].rel, norm);
                if (!util_exists(p2) && !generated)
                    doc_issue(V, DIAG_WARNING, "kustomization", rel, pv,
                              "%s entry %s does not exist", lists[l], res);
                else if (!util_exists(p2))
                    doc_issue(V, DIAG_WARNING, "kustomization", rel, pv,
                              "%s entry %s is not generated yet (run srvconsole "
                              "generate kubernetes)",
                              lists[l], res);
                free(norm);
                free(rel2);
                free(p2);
            }
        }
        /* Q12: a generated workload of base/ that base/kustomization.yaml
         * does not list is never applied */
        if (k && d == 0 && gen) {
            const val *items = val_get(k, "resources");
            const val *services = registry_section(V->r, "services");
            for (size_t i = 0; i < val_len(services) && val_is(services, VAL_MAP); i++) {
                const val *e = services->u.map.items[i].v;
                strbuf name = STRBUF_INIT;
                js_text(&name, val_get(e, "name"));
                strbuf_adds(&name, ".yaml");
                bool listed = false;
                for (size_t r = 0; r < val_len(items) && val_is(items, VAL_SEQ); r++)
                    listed = listed || util_streq(val_str(items->u.seq.items[r]), name.data);
                if (!listed)
                    doc_issue(V, val_truthy(val_get(e, "buildOnly")) ? DIAG_INFO
                                                                     : DIAG_WARNING,
                              "not-applied", rel, items,
                              val_truthy(val_get(e, "buildOnly"))
                                  ? "%s is generated but not applied (a build-only "
                                    "image; applied, it would crash-loop)"
                                  : "%s is generated but not listed in resources: it "
                                    "is never applied",
                              name.data);
                strbuf_free(&name);
            }
        }
        free(rel);
    }
}

/* ConfigMap hosts must name a generated Service (spec §3.9 Q1). */
static void doctor_configmap_hosts(vctx *V)
{
    static const struct {
        const char *profile, *file;
    } maps[] = {{"base", GEN_BASE_DIR "/configmap.yaml"},
                {"minikube", GEN_MINIKUBE_DIR "/configmap-minikube.yaml"}};
    const val *cs = registry_section(V->r, "connectionStrings");
    entry_ref *E;
    size_t n = collect_entries(V, &E);
    for (size_t m = 0; m < 2; m++) {
        const val *set = val_get(cs, maps[m].profile);
        const char *from = maps[m].profile;
        if (!set || set->kind == VAL_NULL) {
            set = val_get(cs, "kubernetes");
            from = "kubernetes";
        }
        static const char *const keys[] = {"mongodb", "redis", "rabbitmq"};
        for (size_t k = 0; k < 3 && val_is(set, VAL_MAP); k++) {
            const val *hv = val_get(set, keys[k]);
            const char *h = val_str(hv);
            if (!h)
                continue;
            size_t hl = strcspn(h, ":");
            if (strchr(h, '.') || (hl == 9 && !strncmp(h, "localhost", 9)))
                continue; /* a DNS name outside the cluster */
            bool found = false;
            for (size_t i = 0; i < n && !found; i++) {
                const val *e = E[i].p->v;
                const char *name = val_str(val_get(e, "name"));
                bool has_svc = val_truthy(val_get(e, "port")) ||
                               (val_is(val_get(e, "ports"), VAL_MAP) &&
                                val_len(val_get(e, "ports")) > 0);
                found = name && has_svc && strlen(name) + 8 == hl &&
                        !strncmp(h, name, strlen(name)) &&
                        !strncmp(h + strlen(name), "-service", 8);
            }
            if (!found)
                doc_issue(V, DIAG_WARNING, "configmap-host", V->r->shown, hv,
                          "connectionStrings.%s.%s: host \"%.*s\" (written into "
                          "%s) names no generated Service",
                          from, keys[k], (int)hl, h, maps[m].file);
        }
        const val *tls = val_get(set, "useTls");
        if (val_is(tls, VAL_BOOL) && tls->u.b)
            doc_issue(V, DIAG_INFO, "configmap-tls", V->r->shown, tls,
                      "connectionStrings.%s.useTls: REDIS_USE_TLS is true in %s "
                      "but the generated Redis serves no TLS",
                      from, maps[m].file);
    }
    free(E);
}

static void doctor_generated(vctx *V, const gen_set *gen)
{
    size_t missing = 0;
    for (size_t i = 0; i < gen->n; i++) {
        gen_change st = gen_file_status(V->root, &gen->files[i]);
        if (st == GEN_UPDATED)
            doc_issue(V, DIAG_WARNING, "stale", gen->files[i].rel, NULL,
                      "differs from what the registry generates (stale or edited "
                      "by hand): run srvconsole generate");
        else if (st == GEN_CREATED)
            missing++;
    }
    if (missing)
        doc_issue(V, DIAG_INFO, "not-generated", V->r->shown, NULL,
                  "%zu generated file(s) do not exist yet: run srvconsole generate",
                  missing);
}

/* Debian's docker-compose v1 rejects build.additional_contexts, which the
 * reference generator writes for every service with a build. */
static void doctor_compose_v1(vctx *V, const gen_set *gen)
{
    for (size_t i = 0; i < gen->n; i++) {
        const gen_file *f = &gen->files[i];
        if (f->group != GEN_COMPOSE || !f->data || !strstr(f->data, "additional_contexts:"))
            continue;
        doc_issue(V, DIAG_WARNING, "compose-v1", f->rel, NULL,
                  "uses build.additional_contexts, which docker-compose v1 (the compose "
                  "found here) rejects: install Compose v2 (the docker compose plugin) "
                  "or set SRVCONSOLE_COMPOSE");
    }
}

static void doctor_misc(vctx *V, char **envp)
{
    const val *services = registry_section(V->r, "services");
    for (size_t i = 0; i < val_len(services) && val_is(services, VAL_MAP); i++) {
        const val_pair *p = &services->u.map.items[i];
        if (util_streq(val_str(val_get(p->v, "restartPolicy")), "no"))
            doc_issue(V, DIAG_INFO, "one-shot", V->r->shown, p->v,
                      "services.%s runs once (restart \"no\") but becomes a "
                      "Kubernetes Deployment, which restarts it forever "
                      "(CrashLoopBackOff after it completes)",
                      p->key);
    }
    static const char *const leaks[] = {"MONGO_HOST", "REDIS_HOST", "RABBITMQ_HOST"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(leaks); i++) {
        size_t l = strlen(leaks[i]);
        for (char **e = envp; e && *e; e++)
            if (!strncmp(*e, leaks[i], l) && (*e)[l] == '=')
                doc_issue(V, DIAG_WARNING, "env-leak", "", NULL,
                          "%s is exported (%s): docker compose passes it into the "
                          "containers instead of the registry's default",
                          leaks[i], *e);
    }
}

/* ---- entry points ---------------------------------------------------------------------- */

void validate_run(const char *root, const registry *r, const validate_opts *o,
                  diag_list *out)
{
    vctx V = {root, r, out, {0}};
    arena_init(&V.mem);
    stage_compose_file(&V, GEN_COMPOSE_DIR "/docker-compose-db.yml",
                       registry_section(r, "databases"));
    stage_compose_file(&V, GEN_COMPOSE_DIR "/docker-compose-services.yml",
                       registry_section(r, "services"));
    stage_kubernetes(&V);
    stage_agents(&V);
    stage_env(&V);
    if (!o || !o->reference_only) {
        entry_ref *E;
        size_t n = collect_entries(&V, &E);
        doctor_names_and_ports(&V, E, n);
        free(E);
        doctor_depends(&V);
        doctor_dockerfiles(&V);
        gen_set gen = {0};
        char err[SRV_ERRLEN];
        bool rendered = gen_render(r, GEN_ALL, &gen, err) == 0;
        doctor_kustomizations(&V, rendered ? &gen : NULL);
        doctor_configmap_hosts(&V);
        if (rendered)
            doctor_generated(&V, &gen);
        if (rendered && o && o->compose_v1)
            doctor_compose_v1(&V, &gen);
        gen_set_free(&gen);
        doctor_misc(&V, o && o->envp ? o->envp : environ);
    }
    arena_free(&V.mem);
}

int validate_exit_status(const diag_list *l)
{
    return diag_count(l, DIAG_ERROR, -1) ? 1 : 0;
}

static void ref_block(strbuf *sb, const diag *d)
{
    strbuf_addf(sb, "  %s\n    %s\n", d->file, d->message);
    if (d->expected) {
        strbuf_addf(sb, "    Expected: %s\n", d->expected);
        strbuf_addf(sb, "    Actual:   %s\n", d->actual ? d->actual : "undefined");
    }
    strbuf_addc(sb, '\n');
}

void validate_format_text(strbuf *sb, const diag_list *l)
{
    strbuf_adds(sb, "🔍 Validating configurations against config-registry.yaml...\n\n"
                    "📦 Validating Docker Compose files...\n"
                    "☸️  Validating Kubernetes manifests...\n"
                    "🤖 Validating agent configuration files...\n"
                    "📝 Validating .env files...\n\n"
                    "📊 Validation Results:\n\n");
    size_t errs = diag_count(l, DIAG_ERROR, DIAG_SRC_REFERENCE);
    size_t warns = diag_count(l, DIAG_WARNING, DIAG_SRC_REFERENCE);
    if (errs) {
        strbuf_addf(sb, "❌ Errors (%zu):\n\n", errs);
        for (size_t i = 0; i < l->n; i++)
            if (l->items[i].src == DIAG_SRC_REFERENCE && l->items[i].sev == DIAG_ERROR)
                ref_block(sb, &l->items[i]);
    }
    if (warns) {
        strbuf_addf(sb, "\n⚠️  Warnings (%zu):\n\n", warns);
        for (size_t i = 0; i < l->n; i++)
            if (l->items[i].src == DIAG_SRC_REFERENCE &&
                l->items[i].sev == DIAG_WARNING)
                ref_block(sb, &l->items[i]);
    }
    if (errs || warns)
        strbuf_adds(sb, "\n💡 Run `npm run generate:config` to regenerate "
                        "configurations from config-registry.yaml\n\n");
    else
        strbuf_adds(sb, "✅ All configurations are valid!\n\n");
    size_t own = l->n - errs - warns - diag_count(l, DIAG_INFO, DIAG_SRC_REFERENCE);
    if (own == 0)
        return;
    strbuf_addf(sb, "🩺 srvconsole checks (%zu error(s), %zu warning(s), %zu note(s)):\n\n",
                diag_count(l, DIAG_ERROR, DIAG_SRC_REGISTRY) +
                    diag_count(l, DIAG_ERROR, DIAG_SRC_DOCTOR),
                diag_count(l, DIAG_WARNING, DIAG_SRC_REGISTRY) +
                    diag_count(l, DIAG_WARNING, DIAG_SRC_DOCTOR),
                diag_count(l, DIAG_INFO, DIAG_SRC_REGISTRY) +
                    diag_count(l, DIAG_INFO, DIAG_SRC_DOCTOR));
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < l->n; i++) {
            const diag *d = &l->items[i];
            if (d->src == DIAG_SRC_REFERENCE || (int)d->sev != pass)
                continue;
            strbuf_adds(sb, "  ");
            diag_format_line(sb, d);
            strbuf_addc(sb, '\n');
        }
    }
    strbuf_addc(sb, '\n');
}

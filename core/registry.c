/* core/registry.c — see registry.h.  The schema is declared once, as data
 * (the tables below), and walked by one checker. */
#include "config.h"

#include "core/registry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/yamlload.h"

/* ---- loading --------------------------------------------------------------- */

static int finish_load_1(registry *r, int rc, char *err)
{
    if (rc != 0)
        return -1;
    if (!r->root || (r->root->kind == VAL_NULL && r->root->line == 0)) {
        /* empty, or only comments */
        r->root = NULL;
        util_seterr(err, "%s: the registry is empty", r->shown);
        return -1;
    }
    if (r->root->kind != VAL_MAP) {
        util_seterr(err, "%s:%d:%d: expected a map at the top level, got %s",
                    r->shown, r->root->line, r->root->col,
                    val_kind_name(r->root));
        r->root = NULL;
        return -1;
    }
    return 0;
}

/* A failed load holds nothing: what it read is released here (callers that
 * free it anyway free a zeroed registry). */
static int finish_load(registry *r, int rc, char *err)
{
    if (finish_load_1(r, rc, err) == 0)
        return 0;
    registry_free(r);
    return -1;
}

int registry_load(registry *r, const char *path, const char *shown, char *err)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->mem);
    r->path = util_xstrdup(path);
    r->shown = util_xstrdup(shown ? shown : path);
    char *data;
    size_t len;
    if (util_read_file(path, REGISTRY_MAX_BYTES, &data, &len, err) != 0) {
        registry_free(r);
        return -1;
    }
    int rc = yamlload_parse(&r->mem, r->shown, data, len, &r->root, err);
    free(data);
    return finish_load(r, rc, err);
}

int registry_load_string(registry *r, const char *name, const char *text,
                         size_t len, char *err)
{
    memset(r, 0, sizeof *r);
    arena_init(&r->mem);
    r->path = util_xstrdup(name);
    r->shown = util_xstrdup(name);
    int rc = yamlload_parse(&r->mem, name, text, len, &r->root, err);
    return finish_load(r, rc, err);
}

void registry_free(registry *r)
{
    arena_free(&r->mem);
    free(r->path);
    free(r->shown);
    memset(r, 0, sizeof *r);
}

val *registry_section(const registry *r, const char *key)
{
    return val_get(r->root, key);
}

char *registry_image_ref(const val *entry)
{
    const val *img = val_get(entry, "image");
    strbuf sb = STRBUF_INIT;
    val_to_js_string(&sb, val_get(img, "repository"));
    strbuf_addc(&sb, ':');
    val_to_js_string(&sb, val_get(img, "tag"));
    return strbuf_detach(&sb, NULL);
}

/* ---- schema ------------------------------------------------------------------- */

enum {
    K_NULL = 1 << 0,
    K_BOOL = 1 << 1,
    K_INT = 1 << 2, /* an integral number */
    K_NUM = 1 << 3, /* any number */
    K_STR = 1 << 4,
    K_MAP = 1 << 5,
    K_SEQ = 1 << 6,
};
#define K_SCALAR (K_NULL | K_BOOL | K_NUM | K_STR)

enum {
    F_REQ = 1 << 0,  /* missing → error */
    F_DICT = 1 << 1, /* a map with free keys; `items` is the value schema */
};

typedef struct field field;
struct field {
    const char *key;
    unsigned kinds;
    unsigned flags;
    const field *fields; /* known keys when the value is a map */
    const field *items;  /* list item / dict value schema */
};

#define END {NULL, 0, 0, NULL, NULL}

static const field str_item = {"", K_STR, 0, NULL, NULL};
static const field int_item = {"", K_INT, 0, NULL, NULL};
static const field scalar_item = {"", K_SCALAR, 0, NULL, NULL};

static const field metadata_f[] = {
    {"name", K_STR, F_REQ, NULL, NULL},
    {"namespace", K_STR, F_REQ, NULL, NULL},
    {"version", K_STR | K_NUM, 0, NULL, NULL},
    {"description", K_STR, 0, NULL, NULL},
    END,
};

static const field image_f[] = {
    {"repository", K_STR, F_REQ, NULL, NULL},
    {"tag", K_STR | K_NUM, F_REQ, NULL, NULL},
    {"pullPolicy", K_STR, 0, NULL, NULL},
    END,
};

static const field quantity_f[] = {
    {"request", K_STR | K_NUM, 0, NULL, NULL},
    {"limit", K_STR | K_NUM, 0, NULL, NULL},
    END,
};

static const field resources_f[] = {
    {"memory", K_MAP, 0, quantity_f, NULL},
    {"cpu", K_MAP, 0, quantity_f, NULL},
    END,
};

static const field replicas_f[] = {
    {"dev", K_INT, 0, NULL, NULL},
    {"staging", K_INT, 0, NULL, NULL},
    {"production", K_INT, 0, NULL, NULL},
    END,
};

static const field volume_f[] = {
    {"mountPath", K_STR, F_REQ, NULL, NULL},
    {"hostPath", K_STR, F_REQ, NULL, NULL},
    END,
};
static const field volume_item = {"", K_MAP, 0, volume_f, NULL};

static const field command_f[] = {
    {"entrypoint", K_STR, 0, NULL, NULL},
    {"args", K_SEQ, 0, NULL, &str_item},
    END,
};

static const field pdb_f[] = {
    {"minAvailable", K_INT | K_STR, 0, NULL, NULL},
    END,
};

static const field healthcheck_f[] = {
    {"test", K_STR | K_SEQ, 0, NULL, &str_item},
    {"interval", K_STR, 0, NULL, NULL},
    {"timeout", K_STR, 0, NULL, NULL},
    {"retries", K_INT, 0, NULL, NULL},
    {"startPeriod", K_STR, 0, NULL, NULL},
    END,
};

static const field vct_f[] = {
    {"name", K_STR, F_REQ, NULL, NULL},
    {"mountPath", K_STR, F_REQ, NULL, NULL},
    {"storage", K_STR, F_REQ, NULL, NULL},
    END,
};

static const field kubernetes_f[] = {
    {"kind", K_STR, 0, NULL, NULL},
    {"volumeClaimTemplate", K_MAP, 0, vct_f, NULL},
    END,
};

/* Fields shared by services and databases. */
#define ENTRY_COMMON                                                          \
    {"name", K_STR, F_REQ, NULL, NULL},                                       \
    {"command", K_MAP | K_SEQ, 0, command_f, &str_item},                      \
    {"ports", K_MAP, F_DICT, NULL, &int_item},                                \
    {"port", K_INT, 0, NULL, NULL},                                           \
    {"environment", K_MAP, F_DICT, NULL, &scalar_item},                       \
    {"dependsOn", K_SEQ, 0, NULL, &str_item},                                 \
    {"resources", K_MAP, 0, resources_f, NULL},                               \
    {"replicas", K_MAP, 0, replicas_f, NULL},                                 \
    {"restartPolicy", K_STR, 0, NULL, NULL},                                  \
    {"volumes", K_MAP | K_SEQ, 0, volume_f, &volume_item},                    \
    {"buildOnly", K_BOOL, 0, NULL, NULL},                                     \
    {"dockerfile", K_STR, 0, NULL, NULL},                                     \
    {"healthcheck", K_MAP, 0, healthcheck_f, NULL},                           \
    {"podDisruptionBudget", K_MAP, 0, pdb_f, NULL}

static const field service_f[] = {
    ENTRY_COMMON,
    {"image", K_MAP, F_REQ, image_f, NULL},
    {"description", K_STR, F_REQ, NULL, NULL},
    END,
};
static const field service_item = {"", K_MAP, 0, service_f, NULL};

static const field database_f[] = {
    ENTRY_COMMON,
    /* required too, but check_entry() reports it in the reference's words */
    {"image", K_MAP, 0, image_f, NULL},
    {"description", K_STR, 0, NULL, NULL},
    {"kubernetes", K_MAP, 0, kubernetes_f, NULL},
    END,
};
static const field database_item = {"", K_MAP, 0, database_f, NULL};

static const field assets_f[] = {
    {"source", K_STR, 0, NULL, NULL},
    {"destination", K_STR, 0, NULL, NULL},
    END,
};

static const field dockercontext_f[] = {
    {"root", K_STR, F_REQ, NULL, NULL},
    {"thredlib", K_STR, 0, NULL, NULL},
    END,
};

static const field build_f[] = {
    {"context", K_STR, 0, NULL, NULL},
    {"distPath", K_STR, 0, NULL, NULL},
    {"workdir", K_STR, 0, NULL, NULL},
    {"assets", K_MAP, 0, assets_f, NULL},
    {"dockerfiles", K_MAP, F_DICT | F_REQ, NULL, &str_item},
    {"dockerContext", K_MAP, F_REQ, dockercontext_f, NULL},
    END,
};

static const field network_f[] = {
    {"name", K_STR, F_REQ, NULL, NULL},
    {"driver", K_STR, 0, NULL, NULL},
    END,
};
static const field network_item = {"", K_MAP, 0, network_f, NULL};

static const field conn_f[] = {
    {"mongodb", K_STR, F_REQ, NULL, NULL},
    {"redis", K_STR, F_REQ, NULL, NULL},
    {"rabbitmq", K_STR, F_REQ, NULL, NULL},
    {"mongoDirectConnection", K_BOOL, F_REQ, NULL, NULL},
    {"useTls", K_BOOL, F_REQ, NULL, NULL},
    END,
};
static const field conn_item = {"", K_MAP, 0, conn_f, NULL};

static const field jwt_f[] = {
    {"expireTime", K_STR | K_NUM, F_REQ, NULL, NULL},
    {"refreshTokenExpireTime", K_STR | K_NUM, F_REQ, NULL, NULL},
    {"secretKeyRef", K_SCALAR | K_MAP, 0, NULL, NULL},
    END,
};

static const field security_f[] = {
    {"jwt", K_MAP, F_REQ, jwt_f, NULL},
    END,
};

static const field top_f[] = {
    {"metadata", K_MAP, F_REQ, metadata_f, NULL},
    {"services", K_MAP, F_REQ | F_DICT, NULL, &service_item},
    {"databases", K_MAP, F_REQ | F_DICT, NULL, &database_item},
    {"build", K_MAP, F_REQ, build_f, NULL},
    {"networks", K_MAP, F_REQ | F_DICT, NULL, &network_item},
    {"connectionStrings", K_MAP, F_REQ | F_DICT, NULL, &conn_item},
    {"security", K_MAP, F_REQ, security_f, NULL},
    {"cloud", K_SCALAR | K_MAP | K_SEQ, 0, NULL, NULL},
    END,
};

/* ---- the checker ------------------------------------------------------------------ */

typedef struct {
    const registry *r;
    diag_list *out;
} checker;

static unsigned kind_bit(const val *v)
{
    switch (v->kind) {
    case VAL_NULL:
        return K_NULL;
    case VAL_BOOL:
        return K_BOOL;
    case VAL_NUM:
        return K_NUM | (v->u.num == floor(v->u.num) && isfinite(v->u.num) ? K_INT : 0);
    case VAL_STR:
        return K_STR;
    case VAL_MAP:
        return K_MAP;
    case VAL_SEQ:
        return K_SEQ;
    }
    return 0;
}

static void kinds_text(strbuf *sb, unsigned kinds)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {
        {K_STR, "a string"}, {K_INT, "an integer"}, {K_NUM, "a number"},
        {K_BOOL, "a boolean"}, {K_MAP, "a map"}, {K_SEQ, "a list"},
        {K_NULL, "null"},
    };
    if (kinds & K_NUM)
        kinds &= ~(unsigned)K_INT;
    size_t count = 0, total = 0;
    for (size_t i = 0; i < SRV_ARRAY_LEN(names); i++)
        if (kinds & names[i].bit)
            total++;
    for (size_t i = 0; i < SRV_ARRAY_LEN(names); i++) {
        if (!(kinds & names[i].bit))
            continue;
        if (count)
            strbuf_adds(sb, count + 1 == total ? " or " : ", ");
        strbuf_adds(sb, names[i].name);
        count++;
    }
}

static void value_preview(strbuf *sb, const val *v)
{
    switch (v->kind) {
    case VAL_STR: {
        size_t n = v->u.str.len > 40 ? 40 : v->u.str.len;
        /* never cut a UTF-8 sequence in half */
        while (n < v->u.str.len && n > 0 &&
               ((unsigned char)v->u.str.s[n] & 0xC0) == 0x80)
            n--;
        strbuf_addc(sb, '"');
        strbuf_add(sb, v->u.str.s, n);
        strbuf_adds(sb, v->u.str.len > 40 ? "…\"" : "\"");
        break;
    }
    case VAL_NUM:
        if (v->raw)
            strbuf_adds(sb, v->raw);
        else
            val_fmt_number(sb, v->u.num);
        break;
    case VAL_MAP:
    case VAL_SEQ:
        strbuf_adds(sb, val_kind_name(v));
        break;
    default:
        val_to_js_string(sb, v);
    }
}

static void check_node(checker *C, const field *f, const val *v, strbuf *path);

static const char *closest_key(const field *fields, const char *key)
{
    const char *best = NULL;
    size_t bestd = 3;
    for (const field *f = fields; f->key; f++) {
        size_t d = util_edit_distance(key, f->key, 2);
        if (d < bestd) {
            bestd = d;
            best = f->key;
        }
    }
    return best;
}

static void push_path(strbuf *path, const char *key, size_t *saved)
{
    *saved = path->len;
    if (path->len)
        strbuf_addc(path, '.');
    strbuf_adds(path, key);
}

static void pop_path(strbuf *path, size_t saved)
{
    path->len = saved;
    if (path->data)
        path->data[saved] = '\0';
}

static const char *path_or_top(const strbuf *path)
{
    return path->len ? path->data : "the top level";
}

static void check_map_fields(checker *C, const field *fields, const val *m,
                             strbuf *path)
{
    for (const field *f = fields; f->key; f++) {
        const val_pair *p = val_get_pair(m, f->key);
        size_t saved;
        if (!p) {
            if (f->flags & F_REQ)
                diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "missing-key",
                         C->r->shown, m->line, m->col,
                         "%s: missing required key \"%s\"", path_or_top(path),
                         f->key);
            continue;
        }
        push_path(path, f->key, &saved);
        check_node(C, f, p->v, path);
        pop_path(path, saved);
    }
    for (size_t i = 0; i < m->u.map.n; i++) {
        const val_pair *p = &m->u.map.items[i];
        bool known = false;
        for (const field *f = fields; f->key && !known; f++)
            known = strcmp(f->key, p->key) == 0;
        if (known)
            continue;
        const char *near = closest_key(fields, p->key);
        if (near)
            diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "unknown-key",
                     C->r->shown, p->line, p->col,
                     "%s: unknown key \"%s\" (did you mean \"%s\"?)",
                     path_or_top(path), p->key, near);
        else
            diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "unknown-key",
                     C->r->shown, p->line, p->col,
                     "%s: unknown key \"%s\" (ignored)", path_or_top(path),
                     p->key);
    }
}

static void check_node(checker *C, const field *f, const val *v, strbuf *path)
{
    unsigned bit = kind_bit(v);
    bool ok = v->kind == VAL_NUM ? (f->kinds & K_NUM) || (f->kinds & bit & K_INT)
                                 : (f->kinds & bit) != 0;
    if (!ok) {
        strbuf msg = STRBUF_INIT;
        kinds_text(&msg, f->kinds);
        strbuf got = STRBUF_INIT;
        value_preview(&got, v);
        diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "type", C->r->shown,
                 v->line, v->col, "%s: expected %s, got %s", path_or_top(path),
                 msg.data, got.data);
        strbuf_free(&msg);
        strbuf_free(&got);
        return;
    }
    if (v->kind == VAL_STR && v->timestamp)
        diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "timestamp",
                 C->r->shown, v->line, v->col,
                 "%s: %s is read as a date by the reference tooling; quote it",
                 path->data, v->u.str.s);
    if (v->kind == VAL_MAP) {
        if (f->flags & F_DICT) {
            for (size_t i = 0; i < v->u.map.n; i++) {
                const val_pair *p = &v->u.map.items[i];
                size_t saved;
                push_path(path, p->key, &saved);
                check_node(C, f->items, p->v, path);
                pop_path(path, saved);
            }
        } else if (f->fields) {
            check_map_fields(C, f->fields, v, path);
        }
    } else if (v->kind == VAL_SEQ && f->items) {
        for (size_t i = 0; i < v->u.seq.n; i++) {
            size_t saved = path->len;
            strbuf_addf(path, "[%zu]", i);
            check_node(C, f->items, v->u.seq.items[i], path);
            pop_path(path, saved);
        }
    }
}

/* ---- cross-field checks -------------------------------------------------------- */

static bool bad_file_name(const char *s)
{
    return !s || !*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, "..");
}

static void check_entry(checker *C, const char *section, const val_pair *p,
                        bool is_db, const val *builder, const val *dockerfiles)
{
    const val *e = p->v;
    if (e->kind != VAL_MAP)
        return;
    const val *name = val_get(e, "name");
    const char *ns = val_str(name);
    if (is_db && !val_get(e, "image"))
        diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "missing-image",
                 C->r->shown, e->line, e->col,
                 "Missing image configuration for %s. Database resources "
                 "require explicit image configuration.",
                 ns ? ns : p->key);
    if (ns && bad_file_name(ns))
        diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "bad-name", C->r->shown,
                 name->line, name->col,
                 "%s.%s.name: \"%s\" cannot name a file (no '/', '.' or '..')",
                 section, p->key, ns);
    /* the manifest <name>.yaml would be the file of a generated ConfigMap:
     * one overwrites the other and generate --check never settles */
    const char *cm = is_db ? "configmap-minikube" : "configmap";
    if (util_streq(ns, cm))
        diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "name-collision",
                 C->r->shown, name->line, name->col,
                 "%s.%s.name: \"%s\" names the same file as the generated "
                 "ConfigMap (%s/%s.yaml): one overwrites the other",
                 section, p->key, ns, is_db ? "minikube" : "base", cm);
    if (!is_db && bad_file_name(p->key))
        diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "bad-name", C->r->shown,
                 p->line, p->col,
                 "%s.%s: the key names an agent config file and cannot "
                 "contain '/' or be '.' or '..'",
                 section, p->key);
    const val *tag = val_path(e, "image.tag");
    if (tag && tag->kind == VAL_NUM && tag->raw) {
        strbuf js = STRBUF_INIT;
        val_fmt_number(&js, tag->u.num);
        if (strcmp(js.data, tag->raw) != 0)
            diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "numeric-tag",
                     C->r->shown, tag->line, tag->col,
                     "%s.%s.image.tag: %s is read as the number %s, so the "
                     "image becomes \"…:%s\"; quote it: \"%s\"",
                     section, p->key, tag->raw, js.data, js.data, tag->raw);
        else
            diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "numeric-tag",
                     C->r->shown, tag->line, tag->col,
                     "%s.%s.image.tag: %s is a number; quote numeric-looking "
                     "tags (\"%s\")",
                     section, p->key, tag->raw, tag->raw);
        strbuf_free(&js);
    }
    const val *port = val_get(e, "port");
    if (port && port->kind == VAL_NUM && port->u.num == 0)
        diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "port-zero",
                 C->r->shown, port->line, port->col,
                 "%s.%s.port: 0 is treated as no port at all", section, p->key);
    const val *rep = val_path(e, "replicas.dev");
    if (rep && rep->kind == VAL_NUM && rep->u.num == 0)
        diag_add(C->out, DIAG_WARNING, DIAG_SRC_REGISTRY, "replicas-zero",
                 C->r->shown, rep->line, rep->col,
                 "%s.%s.replicas.dev: 0 becomes 1 in the generated manifests",
                 section, p->key);
    /* the runtime and cmdRunner Dockerfiles take BUILDER_IMAGE from
     * services.builder: without it the compose target cannot be generated */
    if (!is_db && !val_truthy(val_get(e, "buildOnly")) && !builder) {
        const char *df = val_str(val_get(e, "dockerfile"));
        if (!df)
            df = val_str(val_get(dockerfiles, "builder"));
        const char *rt = val_str(val_get(dockerfiles, "runtime"));
        const char *cr = val_str(val_get(dockerfiles, "cmdRunner"));
        if (df && (util_streq(df, rt) || util_streq(df, cr)))
            diag_add(C->out, DIAG_ERROR, DIAG_SRC_REGISTRY, "no-builder",
                     C->r->shown, e->line, e->col,
                     "%s.%s: its Dockerfile (%s) is built FROM the builder "
                     "image, but there is no services.builder to take it from",
                     section, p->key, df);
    }
}

void registry_check(const registry *r, diag_list *out)
{
    checker C = {r, out};
    strbuf path = STRBUF_INIT;
    check_map_fields(&C, top_f, r->root, &path);
    strbuf_free(&path);

    const val *services = registry_section(r, "services");
    const val *databases = registry_section(r, "databases");
    const val *dockerfiles = val_path(r->root, "build.dockerfiles");
    const val *builder = val_get(services, "builder");
    if (val_is(services, VAL_MAP))
        for (size_t i = 0; i < services->u.map.n; i++)
            check_entry(&C, "services", &services->u.map.items[i], false,
                        builder, dockerfiles);
    if (val_is(databases, VAL_MAP))
        for (size_t i = 0; i < databases->u.map.n; i++)
            check_entry(&C, "databases", &databases->u.map.items[i], true,
                        builder, dockerfiles);
    const val *cs = registry_section(r, "connectionStrings");
    if (val_is(cs, VAL_MAP)) {
        for (size_t i = 0; i < cs->u.map.n; i++) {
            const val_pair *p = &cs->u.map.items[i];
            if (bad_file_name(p->key))
                diag_add(out, DIAG_ERROR, DIAG_SRC_REGISTRY, "bad-name",
                         r->shown, p->line, p->col,
                         "connectionStrings.%s: the key names a .env file and "
                         "cannot contain '/' or be '.' or '..'",
                         p->key);
        }
        if (!val_get(cs, "kubernetes") &&
            (!val_get(cs, "base") || !val_get(cs, "minikube")))
            diag_add(out, DIAG_ERROR, DIAG_SRC_REGISTRY, "missing-key",
                     r->shown, cs->line, cs->col,
                     "connectionStrings: the ConfigMaps need \"kubernetes\" "
                     "(or both \"base\" and \"minikube\")");
    }
    const val *nets = registry_section(r, "networks");
    if (val_is(nets, VAL_MAP) && !val_get(nets, "default"))
        diag_add(out, DIAG_ERROR, DIAG_SRC_REGISTRY, "missing-key", r->shown,
                 nets->line, nets->col,
                 "networks: missing required key \"default\"");
}

/* core/generate.c — see generate.h.  Each builder below mirrors one rule
 * table of the spec (§3.4 compose, §3.6 Kubernetes, §3.7 .env, §3.8 agent
 * configs); values copied from the registry are shared, not copied. */
#include "config.h"

#include "core/generate.h"

#include <stdlib.h>
#include <string.h>

#include "core/jsonemit.h"
#include "core/yamlemit.h"

#define YAML_HEADER                                                           \
    "# Auto-generated from config-registry.yaml\n"                            \
    "# DO NOT EDIT MANUALLY - regenerate using: npm run generate:config\n\n"

/* String(v) into sb.  val_to_js_string() appends nothing for an empty list
 * (String([]) is ""), which leaves a fresh strbuf without storage (data
 * NULL): start with "" so the text is always a valid C string. */
static void js_text(strbuf *sb, const val *v)
{
    strbuf_adds(sb, "");
    val_to_js_string(sb, v);
}

/* ---- small builders -------------------------------------------------------- */

typedef struct {
    arena *a;
    const registry *r;
    char *err;
} gen_ctx;

static val *M(gen_ctx *g) { return val_new_map(g->a); }
static val *Q(gen_ctx *g) { return val_new_seq(g->a); }
static val *S(gen_ctx *g, const char *s) { return val_new_str_static(g->a, s); }
static val *N(gen_ctx *g, double d) { return val_new_num(g->a, d); }

/* Like JavaScript's object literal: an undefined value leaves the key out.
 * Keys here are distinct string literals, never index-like: no copy and no
 * duplicate check is needed. */
static void put(gen_ctx *g, val *m, const char *key, val *v)
{
    if (v)
        val_map_push(g->a, m, key, v);
}

static void push(gen_ctx *g, val *s, val *v)
{
    val_seq_push(g->a, s, v ? v : val_new_null(g->a));
}

/* `${a}` */
static val *T(gen_ctx *g, const val *v)
{
    strbuf sb = STRBUF_INIT;
    js_text(&sb, v);
    val *s = val_new_strn(g->a, sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return s;
}

/* `${a}:${b}` */
static val *T2(gen_ctx *g, const val *a, const val *b)
{
    strbuf sb = STRBUF_INIT;
    js_text(&sb, a);
    strbuf_addc(&sb, ':');
    js_text(&sb, b);
    val *s = val_new_strn(g->a, sb.data, sb.len);
    strbuf_free(&sb);
    return s;
}

/* `${a}${suffix}` */
static val *Tsuf(gen_ctx *g, const val *a, const char *suffix)
{
    strbuf sb = STRBUF_INIT;
    js_text(&sb, a);
    strbuf_adds(&sb, suffix);
    val *s = val_new_strn(g->a, sb.data, sb.len);
    strbuf_free(&sb);
    return s;
}

/* a || b */
static val *OR(val *a, val *b) { return val_truthy(a) ? a : b; }

static val *labels_app(gen_ctx *g, val *name)
{
    val *m = M(g);
    put(g, m, "app", name);
    return m;
}

static void add_file(gen_set *s, gen_group grp, char *rel, strbuf *data)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->files = util_xrealloc(s->files, s->cap * sizeof *s->files);
    }
    gen_file *f = &s->files[s->n++];
    f->group = grp;
    f->rel = rel;
    f->data = strbuf_detach(data, &f->len);
}

static int fail(gen_ctx *g, const char *fmt, ...) SRV_PRINTF(2, 3);
static int fail(gen_ctx *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (g->err)
        vsnprintf(g->err, SRV_ERRLEN, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *entry_label(const val_pair *p)
{
    const char *n = val_str(val_get(p->v, "name"));
    return n ? n : p->key;
}

/* ---- docker-compose (§3.4) -------------------------------------------------------- */

static val *port_pair(gen_ctx *g, const val *p) { return T2(g, p, p); }

static int compose_entry(gen_ctx *g, const val_pair *p, bool services_file,
                         val *builder_image, val **out)
{
    const val *e = p->v;
    const val *build = registry_section(g->r, "build");
    const val *ctx = val_get(build, "dockerContext");
    const val *dfs = val_get(build, "dockerfiles");
    if (!val_is(val_get(e, "image"), VAL_MAP))
        return fail(g, "%s: \"%s\" has no image configuration (image.repository "
                       "and image.tag are required)",
                    services_file ? "services" : "databases", entry_label(p));
    val *image = T2(g, val_path(e, "image.repository"), val_path(e, "image.tag"));
    val *dockerfile = OR(val_get(e, "dockerfile"), val_get(dfs, "builder"));
    val *svc = M(g);
    if (val_truthy(val_get(e, "buildOnly"))) {
        put(g, svc, "image", image);
        val *b = M(g);
        put(g, b, "context", val_get(ctx, "root"));
        put(g, b, "dockerfile", dockerfile);
        val *ac = M(g);
        put(g, ac, "thredlib", val_get(ctx, "thredlib"));
        put(g, b, "additional_contexts", ac);
        put(g, svc, "build", b);
        val *prof = Q(g);
        push(g, prof, S(g, "manual"));
        put(g, svc, "profiles", prof);
        *out = svc;
        return 0;
    }
    put(g, svc, "image", image);
    put(g, svc, "container_name", val_get(e, "name"));
    put(g, svc, "restart", OR(val_get(e, "restartPolicy"), S(g, "unless-stopped")));
    val *nets = Q(g);
    push(g, nets, val_path(registry_section(g->r, "networks"), "default.name"));
    put(g, svc, "networks", nets);
    val *cmd = val_get(e, "command");
    if (val_is(cmd, VAL_MAP)) {
        val *ep = Q(g);
        push(g, ep, val_get(cmd, "entrypoint"));
        put(g, svc, "entrypoint", ep);
        put(g, svc, "command", val_get(cmd, "args"));
    } else if (val_is(cmd, VAL_SEQ)) {
        put(g, svc, "command", cmd);
    }
    val *env = val_get(e, "environment");
    if (val_is(env, VAL_MAP)) {
        val *list = Q(g);
        for (size_t i = 0; i < env->u.map.n; i++) {
            strbuf sb = STRBUF_INIT;
            strbuf_add(&sb, env->u.map.items[i].key, env->u.map.items[i].keylen);
            strbuf_addc(&sb, '=');
            js_text(&sb, env->u.map.items[i].v);
            push(g, list, val_new_strn(g->a, sb.data, sb.len));
            strbuf_free(&sb);
        }
        put(g, svc, "environment", list);
    }
    val *port = val_get(e, "port");
    val *ports = val_get(e, "ports");
    if (val_truthy(port)) {
        val *list = Q(g);
        push(g, list, port_pair(g, port));
        put(g, svc, "ports", list);
    } else if (val_is(ports, VAL_MAP) && ports->u.map.n > 0) {
        val *list = Q(g);
        for (size_t i = 0; i < ports->u.map.n; i++)
            push(g, list, port_pair(g, ports->u.map.items[i].v));
        put(g, svc, "ports", list);
    }
    val *vols = val_get(e, "volumes");
    if (val_truthy(vols)) {
        val *list = Q(g);
        size_t n = val_is(vols, VAL_SEQ) ? vols->u.seq.n : 1;
        for (size_t i = 0; i < n; i++) {
            const val *v = val_is(vols, VAL_SEQ) ? vols->u.seq.items[i] : vols;
            push(g, list, T2(g, val_get(v, "hostPath"), val_get(v, "mountPath")));
        }
        put(g, svc, "volumes", list);
    }
    val *hc = val_get(e, "healthcheck");
    if (val_truthy(hc)) {
        val *h = M(g);
        put(g, h, "test", val_get(hc, "test"));
        put(g, h, "interval", val_get(hc, "interval"));
        put(g, h, "timeout", val_get(hc, "timeout"));
        put(g, h, "retries", val_get(hc, "retries"));
        put(g, h, "start_period", val_get(hc, "startPeriod"));
        put(g, svc, "healthcheck", h);
    }
    if (services_file) {
        val *b = M(g);
        put(g, b, "context", val_get(ctx, "root"));
        put(g, b, "dockerfile", dockerfile);
        val *ac = M(g);
        put(g, ac, "thredlib", val_get(ctx, "thredlib"));
        put(g, b, "additional_contexts", ac);
        if (val_strict_equal(dockerfile, val_get(dfs, "runtime")) ||
            val_strict_equal(dockerfile, val_get(dfs, "cmdRunner"))) {
            if (!builder_image)
                return fail(g, "services: \"%s\" is built FROM the builder image, "
                               "but the registry has no services.builder",
                            entry_label(p));
            val *args = M(g);
            put(g, args, "BUILDER_IMAGE", builder_image);
            put(g, b, "args", args);
        }
        put(g, svc, "build", b);
    }
    val *dep = val_get(e, "dependsOn");
    if (val_is(dep, VAL_SEQ) && dep->u.seq.n > 0)
        put(g, svc, "depends_on", dep);
    *out = svc;
    return 0;
}

static int render_compose(gen_ctx *g, gen_set *out)
{
    const val *services = registry_section(g->r, "services");
    const val *databases = registry_section(g->r, "databases");
    const val *net = val_path(registry_section(g->r, "networks"), "default");
    if (!val_is(services, VAL_MAP) || !val_is(databases, VAL_MAP))
        return fail(g, "%s: the registry needs \"services\" and \"databases\" maps",
                    g->r->shown);
    if (!val_is(net, VAL_MAP))
        return fail(g, "%s: the registry needs networks.default", g->r->shown);
    if (!val_is(val_path(registry_section(g->r, "build"), "dockerContext"), VAL_MAP))
        return fail(g, "%s: the registry needs build.dockerContext", g->r->shown);
    const val *builder = val_get(services, "builder");
    val *builder_image = NULL;
    if (builder && val_is(val_get(builder, "image"), VAL_MAP))
        builder_image = T2(g, val_path(builder, "image.repository"),
                           val_path(builder, "image.tag"));
    static const char *const files[] = {"docker-compose-db.yml",
                                        "docker-compose-services.yml"};
    for (int f = 0; f < 2; f++) {
        const val *src = f == 0 ? databases : services;
        val *doc = M(g), *svcs = M(g);
        for (size_t i = 0; i < src->u.map.n; i++) {
            val *entry = NULL;
            const val_pair *p = &src->u.map.items[i];
            if (!val_is(p->v, VAL_MAP))
                return fail(g, "%s.%s: expected a map", f ? "services" : "databases",
                            p->key);
            if (compose_entry(g, p, f == 1, builder_image, &entry) != 0)
                return -1;
            strbuf key = STRBUF_INIT;
            js_text(&key, val_get(p->v, "name"));
            val_map_setn(g->a, svcs, key.data, key.len, entry);
            strbuf_free(&key);
        }
        put(g, doc, "services", svcs);
        val *nets = M(g), *n = M(g);
        if (f == 0) {
            put(g, n, "driver", val_get(net, "driver"));
            put(g, n, "name", val_get(net, "name"));
        } else {
            put(g, n, "external", val_new_bool(g->a, true));
        }
        strbuf key = STRBUF_INIT;
        js_text(&key, val_get(net, "name"));
        val_map_setn(g->a, nets, key.data, key.len, n);
        strbuf_free(&key);
        put(g, doc, "networks", nets);
        strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb, YAML_HEADER);
        yamlemit_document(&sb, doc, YAMLEMIT_NO_WIDTH);
        add_file(out, GEN_COMPOSE,
                 util_xasprintf("%s/%s", GEN_COMPOSE_DIR, files[f]), &sb);
    }
    return 0;
}

/* ---- Kubernetes (§3.6) ------------------------------------------------------------ */

static val *container_ports(gen_ctx *g, const val *e)
{
    val *list = Q(g);
    val *port = val_get(e, "port");
    val *ports = val_get(e, "ports");
    if (val_truthy(port)) {
        val *m = M(g);
        put(g, m, "containerPort", port);
        push(g, list, m);
    } else if (val_is(ports, VAL_MAP)) {
        for (size_t i = 0; i < ports->u.map.n; i++) {
            val *m = M(g);
            put(g, m, "containerPort", ports->u.map.items[i].v);
            put(g, m, "name", val_new_strn(g->a, ports->u.map.items[i].key,
                                           ports->u.map.items[i].keylen));
            push(g, list, m);
        }
    }
    return list;
}

static val *resources(gen_ctx *g, const val *e)
{
    const val *r = val_get(e, "resources");
    val *req = M(g), *lim = M(g), *m = M(g);
    put(g, req, "memory", OR(val_path(r, "memory.request"), S(g, "128Mi")));
    put(g, req, "cpu", OR(val_path(r, "cpu.request"), S(g, "100m")));
    put(g, lim, "memory", OR(val_path(r, "memory.limit"), S(g, "256Mi")));
    put(g, lim, "cpu", OR(val_path(r, "cpu.limit"), S(g, "200m")));
    put(g, m, "requests", req);
    put(g, m, "limits", lim);
    return m;
}

static void put_command(gen_ctx *g, val *c, const val *e)
{
    val *cmd = val_get(e, "command");
    if (val_is(cmd, VAL_MAP)) {
        val *ep = Q(g);
        push(g, ep, val_get(cmd, "entrypoint"));
        put(g, c, "command", ep);
        put(g, c, "args", val_get(cmd, "args"));
    } else if (val_is(cmd, VAL_SEQ)) {
        put(g, c, "command", cmd);
    }
}

static size_t volume_count(const val *vols)
{
    if (!val_truthy(vols))
        return 0;
    return val_is(vols, VAL_SEQ) ? vols->u.seq.n : 1;
}

static const val *volume_at(const val *vols, size_t i)
{
    return val_is(vols, VAL_SEQ) ? vols->u.seq.items[i] : vols;
}

static val *workload_meta(gen_ctx *g, val *name, val *ns)
{
    val *md = M(g);
    put(g, md, "name", name);
    put(g, md, "namespace", ns);
    put(g, md, "labels", labels_app(g, name));
    return md;
}

static val *replicas(gen_ctx *g, const val *e)
{
    return OR(val_path(e, "replicas.dev"), N(g, 1));
}

static val *selector(gen_ctx *g, val *name)
{
    val *sel = M(g);
    put(g, sel, "matchLabels", labels_app(g, name));
    return sel;
}

/* A Deployment for a service (is_db false) or a database (§3.6.1, §3.6.2). */
static val *deployment(gen_ctx *g, const val *e, bool is_db)
{
    val *name = val_get(e, "name");
    val *ns = val_path(g->r->root, "metadata.namespace");
    val *c = M(g);
    put(g, c, "name", name);
    if (is_db) {
        put(g, c, "image", T2(g, val_path(e, "image.repository"),
                              val_path(e, "image.tag")));
        put(g, c, "imagePullPolicy",
            OR(val_path(e, "image.pullPolicy"), S(g, "IfNotPresent")));
    } else {
        put(g, c, "image", S(g, "srvthreds:dev"));
        put(g, c, "imagePullPolicy", S(g, "Never"));
    }
    put(g, c, "ports", container_ports(g, e));
    if (!is_db) {
        val *ref = M(g), *from = M(g), *list = Q(g);
        put(g, ref, "name", Tsuf(g, val_path(g->r->root, "metadata.name"), "-config"));
        put(g, from, "configMapRef", ref);
        push(g, list, from);
        put(g, c, "envFrom", list);
    }
    put(g, c, "resources", resources(g, e));
    put_command(g, c, e);
    const val *vols = val_get(e, "volumes");
    size_t nv = volume_count(vols);
    val *podvols = NULL;
    if (nv) {
        val *mounts = Q(g);
        podvols = Q(g);
        for (size_t i = 0; i < nv; i++) {
            char suffix[40];
            snprintf(suffix, sizeof suffix, "-storage-%zu", i);
            val *vname = Tsuf(g, name, suffix);
            val *m = M(g);
            put(g, m, "name", vname);
            put(g, m, "mountPath", val_get(volume_at(vols, i), "mountPath"));
            push(g, mounts, m);
            val *pv = M(g);
            put(g, pv, "name", vname);
            put(g, pv, "emptyDir", M(g));
            push(g, podvols, pv);
        }
        put(g, c, "volumeMounts", mounts);
    }
    val *doc = M(g), *spec = M(g), *tmpl = M(g), *tmd = M(g), *pspec = M(g);
    put(g, doc, "apiVersion", S(g, "apps/v1"));
    put(g, doc, "kind", S(g, "Deployment"));
    put(g, doc, "metadata", workload_meta(g, name, ns));
    put(g, spec, "replicas", replicas(g, e));
    put(g, spec, "selector", selector(g, name));
    put(g, tmd, "labels", labels_app(g, name));
    put(g, tmpl, "metadata", tmd);
    val *containers = Q(g);
    push(g, containers, c);
    put(g, pspec, "containers", containers);
    put(g, pspec, "volumes", podvols);
    put(g, tmpl, "spec", pspec);
    put(g, spec, "template", tmpl);
    put(g, doc, "spec", spec);
    return doc;
}

/* §3.6.3 */
static val *statefulset(gen_ctx *g, const val *e)
{
    val *name = val_get(e, "name");
    val *ns = val_path(g->r->root, "metadata.namespace");
    const val *vct = val_path(e, "kubernetes.volumeClaimTemplate");
    val *c = M(g);
    put(g, c, "name", name);
    put(g, c, "image", T2(g, val_path(e, "image.repository"), val_path(e, "image.tag")));
    put(g, c, "imagePullPolicy",
        OR(val_path(e, "image.pullPolicy"), S(g, "IfNotPresent")));
    put(g, c, "ports", container_ports(g, e));
    put(g, c, "resources", resources(g, e));
    put_command(g, c, e);
    const val *env = val_get(e, "environment");
    if (val_is(env, VAL_MAP)) {
        val *list = Q(g);
        for (size_t i = 0; i < env->u.map.n; i++) {
            val *m = M(g);
            put(g, m, "name", val_new_strn(g->a, env->u.map.items[i].key,
                                           env->u.map.items[i].keylen));
            put(g, m, "value", T(g, env->u.map.items[i].v));
            push(g, list, m);
        }
        put(g, c, "env", list);
    }
    if (val_truthy(vct)) {
        val *mounts = Q(g), *m = M(g);
        put(g, m, "name", val_get(vct, "name"));
        put(g, m, "mountPath", val_get(vct, "mountPath"));
        push(g, mounts, m);
        put(g, c, "volumeMounts", mounts);
    }
    val *doc = M(g), *spec = M(g), *tmpl = M(g), *tmd = M(g), *pspec = M(g);
    put(g, doc, "apiVersion", S(g, "apps/v1"));
    put(g, doc, "kind", S(g, "StatefulSet"));
    put(g, doc, "metadata", workload_meta(g, name, ns));
    put(g, spec, "serviceName", Tsuf(g, name, "-service"));
    put(g, spec, "replicas", replicas(g, e));
    put(g, spec, "selector", selector(g, name));
    put(g, tmd, "labels", labels_app(g, name));
    put(g, tmpl, "metadata", tmd);
    val *containers = Q(g);
    push(g, containers, c);
    put(g, pspec, "containers", containers);
    put(g, tmpl, "spec", pspec);
    put(g, spec, "template", tmpl);
    if (val_truthy(vct)) {
        val *claims = Q(g), *cl = M(g), *cmd = M(g), *cspec = M(g);
        put(g, cmd, "name", val_get(vct, "name"));
        put(g, cl, "metadata", cmd);
        val *modes = Q(g);
        push(g, modes, S(g, "ReadWriteOnce"));
        put(g, cspec, "accessModes", modes);
        val *res = M(g), *req = M(g);
        put(g, req, "storage", val_get(vct, "storage"));
        put(g, res, "requests", req);
        put(g, cspec, "resources", res);
        put(g, cl, "spec", cspec);
        push(g, claims, cl);
        put(g, spec, "volumeClaimTemplates", claims);
    }
    put(g, doc, "spec", spec);
    return doc;
}

/* §3.6.4: NULL when the entry publishes no port. */
static val *service_doc(gen_ctx *g, const val *e)
{
    val *port = val_get(e, "port");
    val *ports = val_get(e, "ports");
    val *list = Q(g);
    if (val_truthy(port)) {
        val *m = M(g);
        put(g, m, "name", S(g, "default"));
        put(g, m, "port", port);
        put(g, m, "targetPort", port);
        push(g, list, m);
    } else if (val_is(ports, VAL_MAP) && ports->u.map.n > 0) {
        for (size_t i = 0; i < ports->u.map.n; i++) {
            val *m = M(g);
            put(g, m, "name", val_new_strn(g->a, ports->u.map.items[i].key,
                                           ports->u.map.items[i].keylen));
            put(g, m, "port", ports->u.map.items[i].v);
            put(g, m, "targetPort", ports->u.map.items[i].v);
            push(g, list, m);
        }
    } else {
        return NULL;
    }
    val *name = val_get(e, "name");
    val *doc = M(g), *md = M(g), *spec = M(g);
    put(g, doc, "apiVersion", S(g, "v1"));
    put(g, doc, "kind", S(g, "Service"));
    put(g, md, "name", Tsuf(g, name, "-service"));
    put(g, md, "namespace", val_path(g->r->root, "metadata.namespace"));
    put(g, md, "labels", labels_app(g, name));
    put(g, doc, "metadata", md);
    put(g, spec, "type", S(g, "ClusterIP"));
    put(g, spec, "selector", labels_app(g, name));
    put(g, spec, "ports", list);
    put(g, doc, "spec", spec);
    return doc;
}

static void workload_file(gen_ctx *g, gen_set *out, const char *dir,
                          const val *e, val *workload)
{
    strbuf sb = STRBUF_INIT;
    val *svc = service_doc(g, e);
    if (svc) {
        yamlemit_document(&sb, workload, YAMLEMIT_NO_WIDTH);
        strbuf_adds(&sb, "---\n");
        yamlemit_document(&sb, svc, 80);
    } else {
        strbuf_adds(&sb, YAML_HEADER);
        yamlemit_document(&sb, workload, YAMLEMIT_NO_WIDTH);
    }
    strbuf name = STRBUF_INIT;
    js_text(&name, val_get(e, "name"));
    add_file(out, GEN_KUBERNETES, util_xasprintf("%s/%s.yaml", dir, name.data), &sb);
    strbuf_free(&name);
}

static int configmap_file(gen_ctx *g, gen_set *out, const char *rel,
                          const char *profile)
{
    const val *cs = registry_section(g->r, "connectionStrings");
    const val *set = val_get(cs, profile);
    if (!set || set->kind == VAL_NULL)
        set = val_get(cs, "kubernetes");
    if (!val_is(set, VAL_MAP))
        return fail(g, "connectionStrings: no \"%s\" (nor \"kubernetes\") "
                       "connection set for %s",
                    profile, rel);
    const val *jwt = val_path(g->r->root, "security.jwt");
    if (!val_is(jwt, VAL_MAP))
        return fail(g, "%s: the registry needs security.jwt", g->r->shown);
    val *doc = M(g), *md = M(g), *data = M(g);
    put(g, doc, "apiVersion", S(g, "v1"));
    put(g, doc, "kind", S(g, "ConfigMap"));
    put(g, md, "name", Tsuf(g, val_path(g->r->root, "metadata.name"), "-config"));
    put(g, md, "namespace", val_path(g->r->root, "metadata.namespace"));
    put(g, doc, "metadata", md);
    put(g, data, "MONGO_HOST", val_get(set, "mongodb"));
    put(g, data, "REDIS_HOST", val_get(set, "redis"));
    put(g, data, "RABBITMQ_HOST", val_get(set, "rabbitmq"));
    put(g, data, "REDIS_USE_TLS", T(g, val_get(set, "useTls")));
    put(g, data, "MONGO_DIRECT_CONNECTION", T(g, val_get(set, "mongoDirectConnection")));
    put(g, data, "JWT_EXPIRE_TIME", val_get(jwt, "expireTime"));
    put(g, data, "REFRESH_TOKEN_EXPIRE_TIME", val_get(jwt, "refreshTokenExpireTime"));
    put(g, doc, "data", data);
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, YAML_HEADER);
    yamlemit_document(&sb, doc, YAMLEMIT_NO_WIDTH);
    add_file(out, GEN_KUBERNETES, util_xstrdup(rel), &sb);
    return 0;
}

static int render_kubernetes(gen_ctx *g, gen_set *out)
{
    const val *services = registry_section(g->r, "services");
    const val *databases = registry_section(g->r, "databases");
    if (!val_is(services, VAL_MAP) || !val_is(databases, VAL_MAP))
        return fail(g, "%s: the registry needs \"services\" and \"databases\" maps",
                    g->r->shown);
    if (!val_is(registry_section(g->r, "metadata"), VAL_MAP))
        return fail(g, "%s: the registry needs \"metadata\"", g->r->shown);
    for (size_t i = 0; i < services->u.map.n; i++) {
        const val *e = services->u.map.items[i].v;
        if (!val_is(e, VAL_MAP))
            return fail(g, "services.%s: expected a map", services->u.map.items[i].key);
        arena_pos mark = arena_mark(g->a);
        workload_file(g, out, GEN_BASE_DIR, e, deployment(g, e, false));
        arena_release(g->a, mark); /* the tree is rendered: drop it */
    }
    for (size_t i = 0; i < databases->u.map.n; i++) {
        const val_pair *p = &databases->u.map.items[i];
        const val *e = p->v;
        if (!val_is(e, VAL_MAP))
            return fail(g, "databases.%s: expected a map", p->key);
        if (!val_truthy(val_get(e, "image")))
            return fail(g, "Missing image configuration for %s. Database resources "
                           "require explicit image configuration.",
                        entry_label(p));
        bool sts = util_streq(val_str(val_path(e, "kubernetes.kind")), "StatefulSet");
        arena_pos mark = arena_mark(g->a);
        workload_file(g, out, GEN_MINIKUBE_DIR, e,
                      sts ? statefulset(g, e) : deployment(g, e, true));
        arena_release(g->a, mark);
    }
    if (configmap_file(g, out, GEN_BASE_DIR "/configmap.yaml", "base") != 0 ||
        configmap_file(g, out, GEN_MINIKUBE_DIR "/configmap-minikube.yaml",
                       "minikube") != 0)
        return -1;
    return 0;
}

/* ---- .env files (§3.7) ------------------------------------------------------------- */

static int render_env(gen_ctx *g, gen_set *out)
{
    const val *cs = registry_section(g->r, "connectionStrings");
    const val *jwt = val_path(g->r->root, "security.jwt");
    if (!val_is(cs, VAL_MAP))
        return fail(g, "%s: the registry needs \"connectionStrings\"", g->r->shown);
    if (!val_is(jwt, VAL_MAP))
        return fail(g, "%s: the registry needs security.jwt", g->r->shown);
    for (size_t i = 0; i < cs->u.map.n; i++) {
        const val_pair *p = &cs->u.map.items[i];
        const val *c = p->v;
        strbuf sb = STRBUF_INIT;
        strbuf_adds(&sb,
                    "# Auto-generated from config-registry.yaml\n"
                    "# DO NOT EDIT MANUALLY - regenerated automatically on deployment\n"
                    "# This file is NOT committed to git (.gitignore)\n"
                    "\n# JWT Configuration\nJWT_SECRET=\nJWT_EXPIRE_TIME=");
        js_text(&sb, val_get(jwt, "expireTime"));
        strbuf_adds(&sb, "\nREFRESH_TOKEN_SECRET=\nREFRESH_TOKEN_EXPIRE_TIME=");
        js_text(&sb, val_get(jwt, "refreshTokenExpireTime"));
        strbuf_adds(&sb, "\n\n# Database Configuration\nMONGO_HOST=");
        js_text(&sb, val_get(c, "mongodb"));
        strbuf_adds(&sb, "\nMONGO_DIRECT_CONNECTION=");
        js_text(&sb, val_get(c, "mongoDirectConnection"));
        strbuf_adds(&sb, "\n\n# Cache and Storage Configuration\nREDIS_HOST=");
        js_text(&sb, val_get(c, "redis"));
        strbuf_adds(&sb, "\nREDIS_USE_TLS=");
        js_text(&sb, val_get(c, "useTls"));
        strbuf_adds(&sb, "\n\n# Message Queue Configuration\nRABBITMQ_HOST=");
        js_text(&sb, val_get(c, "rabbitmq"));
        strbuf_addc(&sb, '\n');
        add_file(out, GEN_ENV,
                 util_xasprintf("%s/.env.%.*s", GEN_CONFIGS_DIR, (int)p->keylen,
                                p->key),
                 &sb);
    }
    return 0;
}

/* ---- agent configs (§3.8) ----------------------------------------------------------- */

static int render_agents(gen_ctx *g, gen_set *out)
{
    const val *services = registry_section(g->r, "services");
    if (!val_is(services, VAL_MAP))
        return fail(g, "%s: the registry needs a \"services\" map", g->r->shown);
    for (size_t i = 0; i < services->u.map.n; i++) {
        const val_pair *p = &services->u.map.items[i];
        const val *e = p->v;
        arena_pos mark = arena_mark(g->a);
        val *doc = M(g);
        put(g, doc, "name", val_get(e, "description"));
        put(g, doc, "description", val_get(e, "description"));
        put(g, doc, "command", val_get(e, "command"));
        put(g, doc, "ports", val_get(e, "ports"));
        put(g, doc, "resources", val_get(e, "resources"));
        strbuf sb = STRBUF_INIT;
        jsonemit(&sb, doc, 2);
        strbuf_addc(&sb, '\n');
        arena_release(g->a, mark);
        add_file(out, GEN_AGENTS,
                 util_xasprintf("%s/%.*s.config.json", GEN_AGENTS_DIR,
                                (int)p->keylen, p->key),
                 &sb);
    }
    return 0;
}

/* ---- public ------------------------------------------------------------------------ */

unsigned gen_parse_targets(int n, char *const *names, strbuf *unknown)
{
    if (n == 0)
        return GEN_ALL;
    unsigned mask = 0;
    for (int i = 0; i < n; i++) {
        const char *s = names[i];
        if (!strcmp(s, "all"))
            mask |= GEN_ALL;
        else if (!strcmp(s, "docker-compose"))
            mask |= GEN_COMPOSE;
        else if (!strcmp(s, "kubernetes"))
            mask |= GEN_KUBERNETES;
        else if (!strcmp(s, "env"))
            mask |= GEN_ENV;
        else if (!strcmp(s, "agent-configs"))
            mask |= GEN_AGENTS;
        else if (unknown) {
            if (unknown->len)
                strbuf_addc(unknown, ' ');
            strbuf_adds(unknown, s);
        }
    }
    return mask;
}

const char *gen_group_name(gen_group g)
{
    switch (g) {
    case GEN_COMPOSE:
        return "docker-compose";
    case GEN_KUBERNETES:
        return "kubernetes";
    case GEN_ENV:
        return "env";
    case GEN_AGENTS:
        return "agent-configs";
    default:
        return "all";
    }
}

void gen_set_free(gen_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->files[i].rel);
        free(s->files[i].data);
    }
    free(s->files);
    s->files = NULL;
    s->n = s->cap = 0;
}

int gen_render(const registry *r, unsigned groups, gen_set *out, char *err)
{
    arena a;
    arena_init(&a);
    gen_ctx g = {&a, r, err};
    size_t n0 = out->n;
    int rc = 0;
    if (!r->root) {
        rc = fail(&g, "no registry loaded");
    } else {
        if (rc == 0 && (groups & GEN_COMPOSE))
            rc = render_compose(&g, out);
        if (rc == 0 && (groups & GEN_KUBERNETES))
            rc = render_kubernetes(&g, out);
        if (rc == 0 && (groups & GEN_ENV))
            rc = render_env(&g, out);
        if (rc == 0 && (groups & GEN_AGENTS))
            rc = render_agents(&g, out);
    }
    /* on failure the set is left as it was: no half-rendered target */
    for (size_t i = n0; rc != 0 && i < out->n; i++) {
        free(out->files[i].rel);
        free(out->files[i].data);
    }
    if (rc != 0)
        out->n = n0;
    arena_free(&a);
    return rc;
}

gen_change gen_file_status(const char *root, const gen_file *f)
{
    char *path = util_path_join(root, f->rel);
    char *old;
    size_t len;
    gen_change st;
    if (!util_exists(path)) {
        st = GEN_CREATED;
    } else if (util_read_file(path, f->len + 1, &old, &len, NULL) != 0) {
        st = GEN_UPDATED;
    } else {
        st = len == f->len && memcmp(old, f->data, len) == 0 ? GEN_UNCHANGED
                                                             : GEN_UPDATED;
        free(old);
    }
    free(path);
    return st;
}

int gen_write(const char *root, const gen_set *s, gen_change *status, char *err)
{
    /* all-or-nothing: every changed file is first written to a temp file;
     * only when all of them are complete are they renamed into place. */
    char **tmps = util_xcalloc(s->n ? s->n : 1, sizeof *tmps);
    char *last_dir = NULL;
    int rc = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        const gen_file *f = &s->files[i];
        gen_change st = gen_file_status(root, f);
        if (status)
            status[i] = st;
        if (st == GEN_UNCHANGED)
            continue;
        char *path = util_path_join(root, f->rel);
        /* rename() cannot replace a directory: find out now, before any
         * file is committed, not halfway through the commits */
        if (st == GEN_UPDATED && !util_is_file(path)) {
            util_seterr(err, "%s: cannot replace: not a regular file", path);
            free(path);
            rc = -1;
            break;
        }
        /* files come grouped by folder: create each folder once */
        char *dir = util_xstrdup(path);
        *strrchr(dir, '/') = '\0';
        unsigned flags = st == GEN_CREATED ? UTIL_ATOMIC_NEW : 0;
        if (last_dir && !strcmp(dir, last_dir)) {
            flags |= UTIL_ATOMIC_DIR_OK;
            free(dir);
        } else {
            free(last_dir);
            last_dir = dir;
        }
        rc = util_atomic_prepare(path, f->data, f->len, flags, &tmps[i], err);
        free(path);
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!tmps[i])
            continue;
        if (rc != 0) {
            util_atomic_abort(tmps[i]);
            continue;
        }
        char *path = util_path_join(root, s->files[i].rel);
        if (util_atomic_commit(tmps[i], path, err) != 0)
            rc = -1;
        free(path);
    }
    free(tmps);
    free(last_dir);
    return rc;
}

void gen_format_report(strbuf *sb, const char *root, const gen_set *s,
                       const gen_change *status, unsigned groups)
{
    static const struct {
        gen_group g;
        const char *title;
    } heads[] = {
        {GEN_COMPOSE, "📦 Generating Docker Compose files..."},
        {GEN_KUBERNETES, "☸️  Generating Kubernetes manifests..."},
        {GEN_ENV, "📝 Generating .env files..."},
        {GEN_AGENTS, "🤖 Generating agent configuration files..."},
    };
    strbuf_adds(sb, "🚀 Generating configurations from config-registry.yaml...\n\n");
    for (size_t h = 0; h < SRV_ARRAY_LEN(heads); h++) {
        if (!(groups & heads[h].g))
            continue;
        strbuf_addf(sb, "%s\n", heads[h].title);
        for (size_t i = 0; i < s->n; i++) {
            if (s->files[i].group != heads[h].g)
                continue;
            strbuf_addf(sb, "  %s %s/%s\n",
                        status[i] == GEN_UNCHANGED ? "= Unchanged"
                        : status[i] == GEN_CREATED ? "✓ Created"
                                                   : "✓ Updated",
                        root, s->files[i].rel);
        }
    }
    strbuf_adds(sb, "\n✅ Configuration generation complete!\n");
}

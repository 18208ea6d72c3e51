/* core/deployments.c — see deployments.h. */
#include "config.h"

#include "core/deployments.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"

#define DEPLOY_FILE_CAP (16u << 20)

/* ---- JSON helpers ---------------------------------------------------------- */

/* JSON.parse keeps the last of duplicate keys; cJSON's lookup finds the
 * first.  NULL values count as absent (the reference uses `??`/truthiness). */
static const cJSON *jget(const cJSON *obj, const char *key)
{
    const cJSON *found = NULL;
    for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            found = c;
    return found && !cJSON_IsNull(found) ? found : NULL;
}

static const char *jtype(const cJSON *j)
{
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "null";
}

/* ---- loading context ------------------------------------------------------- */

typedef struct {
    deploy_set *set;
    arena *mem;
    const char *file;   /* relative path shown */
    deploy *d;
    strbuf why;         /* first error of the current deployment */
} lctx;

static void bad(lctx *L, const char *fmt, ...) SRV_PRINTF(2, 3);
static void bad(lctx *L, const char *fmt, ...)
{
    if (L->why.len) /* keep the first problem; later ones are usually consequences */
        return;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&L->why, fmt, ap);
    va_end(ap);
}

/* A string field: NULL when absent; an error when present with another type. */
static char *get_str(lctx *L, const cJSON *obj, const char *key, const char *where,
                     bool required)
{
    const cJSON *j = jget(obj, key);
    if (!j) {
        if (required)
            bad(L, "%s%s\"%s\" is missing (a string is required)", where,
                where[0] ? "." : "", key);
        return NULL;
    }
    if (!cJSON_IsString(j)) {
        bad(L, "%s%s\"%s\" must be a string, not %s", where, where[0] ? "." : "", key,
            jtype(j));
        return NULL;
    }
    return arena_strdup(L->mem, j->valuestring);
}

static deploy_tristate get_bool(lctx *L, const cJSON *obj, const char *key,
                                const char *where)
{
    const cJSON *j = jget(obj, key);
    if (!j)
        return DEPLOY_UNSET;
    if (!cJSON_IsBool(j)) {
        bad(L, "%s.\"%s\" must be true or false, not %s", where, key, jtype(j));
        return DEPLOY_UNSET;
    }
    return cJSON_IsTrue(j) ? DEPLOY_TRUE : DEPLOY_FALSE;
}

static void get_cmds(lctx *L, const cJSON *obj, const char *key, const char *where,
                     deploy_cmds *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *j = jget(obj, key);
    if (!j)
        return;
    if (!cJSON_IsArray(j)) {
        bad(L, "%s.\"%s\" must be an array of {description, command}, not %s", where, key,
            jtype(j));
        return;
    }
    out->present = true;
    size_t n = (size_t)cJSON_GetArraySize(j);
    out->items = arena_alloc(L->mem, (n ? n : 1) * sizeof *out->items);
    size_t i = 0;
    for (const cJSON *c = j->child; c; c = c->next, i++) {
        char *w = util_xasprintf("%s.%s[%zu]", where, key, i);
        if (!cJSON_IsObject(c)) {
            bad(L, "%s must be an object {description, command}, not %s", w, jtype(c));
        } else {
            char *cmd = get_str(L, c, "command", w, true);
            char *desc = get_str(L, c, "description", w, false);
            if (cmd) {
                out->items[out->n].command = cmd;
                out->items[out->n].description = desc ? desc : arena_strdup(L->mem, "");
                out->n++;
            }
        }
        free(w);
    }
}

static void get_overrides(lctx *L, const cJSON *obj, const char *where, deploy_scope *sc)
{
    const cJSON *j = jget(obj, "environmentOverrides");
    if (!j)
        return;
    if (!cJSON_IsObject(j)) {
        bad(L, "%s.\"environmentOverrides\" must be an object (environment -> override), "
               "not %s", where, jtype(j));
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(j);
    sc->overrides = arena_alloc(L->mem, (n ? n : 1) * sizeof *sc->overrides);
    for (const cJSON *c = j->child; c; c = c->next) {
        if (cJSON_IsNull(c))
            continue;
        char *w = util_xasprintf("%s.environmentOverrides.%s", where, c->string);
        if (!cJSON_IsObject(c)) {
            bad(L, "%s must be an object, not %s", w, jtype(c));
            free(w);
            continue;
        }
        /* JSON.parse: the last duplicate key wins */
        deploy_override *o = NULL;
        for (size_t k = 0; k < sc->n_overrides; k++)
            if (strcmp(sc->overrides[k].env, c->string) == 0)
                o = &sc->overrides[k];
        if (!o)
            o = &sc->overrides[sc->n_overrides++];
        memset(o, 0, sizeof *o);
        o->env = arena_strdup(L->mem, c->string);
        o->args = get_str(L, c, "defaultArgs", w, false);
        get_cmds(L, c, "preBuildCommands", w, &o->pre);
        get_cmds(L, c, "postUpCommands", w, &o->post);
        o->skip_build = get_bool(L, c, "skipBuild", w);
        free(w);
    }
}

/* defaultArgs, hooks and overrides of a scope (target or composeFiles entry). */
static void get_scope(lctx *L, const cJSON *obj, const char *where, deploy_scope *sc)
{
    sc->args = get_str(L, obj, "defaultArgs", where, false);
    get_cmds(L, obj, "preBuildCommands", where, &sc->pre);
    get_cmds(L, obj, "postUpCommands", where, &sc->post);
    get_overrides(L, obj, where, sc);
    sc->skip_build = DEPLOY_UNSET;
}

static void add_env(deploy_set *s, arena *a, const char *env)
{
    for (size_t i = 0; i < s->n_envs; i++)
        if (strcmp(s->envs[i], env) == 0)
            return;
    s->envs = util_xrealloc(s->envs, (s->n_envs + 2) * sizeof *s->envs);
    s->envs[s->n_envs++] = arena_strdup(a, env);
    s->envs[s->n_envs] = NULL;
}

static void load_deployment(lctx *L, const cJSON *j, deploy *d)
{
    d->target.skip_build = DEPLOY_UNSET;
    if (!cJSON_IsObject(j)) {
        bad(L, "must be an object, not %s", jtype(j));
        return;
    }
    d->name = get_str(L, j, "name", "", true);
    d->short_name = get_str(L, j, "shortName", "", true);
    d->description = get_str(L, j, "description", "", true);

    const cJSON *envs = jget(j, "environments");
    if (!envs) {
        bad(L, "\"environments\" is missing (an array of strings is required)");
    } else if (!cJSON_IsArray(envs)) {
        bad(L, "\"environments\" must be an array of strings, not %s", jtype(envs));
    } else {
        size_t n = (size_t)cJSON_GetArraySize(envs), i = 0;
        d->envs = arena_alloc(L->mem, (n + 1) * sizeof *d->envs);
        for (const cJSON *c = envs->child; c; c = c->next, i++) {
            if (!cJSON_IsString(c)) {
                bad(L, "environments[%zu] must be a string, not %s", i, jtype(c));
                continue;
            }
            d->envs[d->n_envs++] = arena_strdup(L->mem, c->valuestring);
        }
    }

    const cJSON *t = jget(j, "target");
    if (!t) {
        bad(L, "\"target\" is missing (an object is required)");
        return;
    }
    if (!cJSON_IsObject(t)) {
        bad(L, "\"target\" must be an object, not %s", jtype(t));
        return;
    }
    const cJSON *ty = jget(t, "type");
    d->type = DEPLOY_COMPOSE;
    d->type_name = arena_strdup(L->mem, "docker-compose");
    if (ty && !cJSON_IsString(ty)) {
        bad(L, "target.\"type\" must be a string, not %s", jtype(ty));
    } else if (ty) {
        d->type_name = arena_strdup(L->mem, ty->valuestring);
        if (strcmp(ty->valuestring, "docker-compose") == 0)
            d->type = DEPLOY_COMPOSE;
        else if (strcmp(ty->valuestring, "sh") == 0)
            d->type = DEPLOY_SH;
        else if (strcmp(ty->valuestring, "kubectl") == 0)
            d->type = DEPLOY_KUBECTL;
        else
            bad(L, "Unknown deployment type: %s (target.\"type\" must be docker-compose, sh "
                   "or kubectl)", ty->valuestring);
    }
    d->composing = get_str(L, t, "composing", "target", false);
    d->verb = get_str(L, t, "deployCommand", "target", true);
    get_scope(L, t, "target", &d->target);
    get_bool(L, t, "skipBuild", "target"); /* type-checked, never read (§5.2) */
    d->target.compose_file = get_str(L, t, "composeFile", "target", false);

    const cJSON *files = jget(t, "composeFiles");
    if (files && !cJSON_IsArray(files)) {
        bad(L, "target.\"composeFiles\" must be an array of objects, not %s", jtype(files));
        files = NULL;
    }
    if (files && d->type == DEPLOY_COMPOSE) {
        size_t n = (size_t)cJSON_GetArraySize(files), i = 0;
        d->files = arena_alloc(L->mem, (n ? n : 1) * sizeof *d->files);
        for (const cJSON *c = files->child; c; c = c->next, i++) {
            char *w = util_xasprintf("target.composeFiles[%zu]", i);
            if (!cJSON_IsObject(c)) {
                bad(L, "%s must be an object, not %s", w, jtype(c));
                free(w);
                continue;
            }
            deploy_scope *sc = &d->files[d->n_files++];
            get_scope(L, c, w, sc);
            sc->compose_file = get_str(L, c, "composeFile", w, true);
            sc->skip_build = get_bool(L, c, "skipBuild", w);
            free(w);
        }
    }
    if (d->type == DEPLOY_COMPOSE && d->n_files == 0 && !d->target.compose_file &&
        !(files && cJSON_GetArraySize(files) > 0))
        bad(L, "Docker-compose deployment requires composeFile or composeFiles.");
}

static void finish_deployment(lctx *L, deploy *d)
{
    if (!L->why.len)
        return;
    strbuf who = STRBUF_INIT;
    if (d->name)
        strbuf_addf(&who, "deployment \"%s\"", d->name);
    else if (d->short_name)
        strbuf_addf(&who, "deployment \"%s\"", d->short_name);
    else
        strbuf_addf(&who, "deployment #%zu", d->index + 1);
    d->error = arena_sprintf(L->mem, "%s: %s: %s", L->file, who.data, L->why.data);
    diag_add(&L->set->diags, DIAG_ERROR, DIAG_SRC_REGISTRY, "deployment", L->file, 0, 0,
             "%s: %s", who.data, L->why.data);
    strbuf_free(&who);
    strbuf_reset(&L->why);
}

/* 1-based line and column (in characters) of byte offset `off`. */
static void line_col(const char *data, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* ---- a strict JSON syntax check (JSON.parse's grammar) ----------------------
 * cJSON is lenient in places (raw control characters in strings) and its
 * error position is sometimes one byte late; this locates the first error
 * exactly and says what was expected. */

typedef struct {
    const char *s;
    size_t len, i;
    const char *msg;
    int depth;
} jchk;

static void jws(jchk *J)
{
    while (J->i < J->len && (J->s[J->i] == ' ' || J->s[J->i] == '\t' || J->s[J->i] == '\n' ||
                             J->s[J->i] == '\r'))
        J->i++;
}

static bool jfail(jchk *J, const char *msg)
{
    if (!J->msg)
        J->msg = J->i >= J->len ? "unexpected end of input" : msg;
    return false;
}

static bool jvalue(jchk *J);

static bool jstring(jchk *J)
{
    J->i++; /* opening quote */
    while (J->i < J->len) {
        unsigned char c = (unsigned char)J->s[J->i];
        if (c == '"') {
            J->i++;
            return true;
        }
        if (c < 0x20)
            return jfail(J, "control character in a string (escape it)");
        if (c == '\\') {
            J->i++;
            if (J->i >= J->len)
                break;
            char e = J->s[J->i];
            if (e == 'u') {
                for (int k = 1; k <= 4; k++) {
                    if (J->i + (size_t)k >= J->len) {
                        J->i = J->len;
                        return jfail(J, "");
                    }
                    char h = J->s[J->i + (size_t)k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                          (h >= 'A' && h <= 'F'))) {
                        J->i += (size_t)k;
                        return jfail(J, "bad \\u escape (four hex digits expected)");
                    }
                }
                J->i += 5;
                continue;
            }
            if (!strchr("\"\\/bfnrt", e) || e == '\0')
                return jfail(J, "bad escape in a string");
        }
        J->i++;
    }
    J->msg = "unterminated string";
    return false;
}

static bool jdigits(jchk *J)
{
    size_t st = J->i;
    while (J->i < J->len && J->s[J->i] >= '0' && J->s[J->i] <= '9')
        J->i++;
    return J->i > st || jfail(J, "digit expected in a number");
}

static bool jnumber(jchk *J)
{
    if (J->s[J->i] == '-')
        J->i++;
    if (J->i < J->len && J->s[J->i] == '0')
        J->i++;
    else if (!jdigits(J))
        return false;
    if (J->i < J->len && J->s[J->i] == '.') {
        J->i++;
        if (!jdigits(J))
            return false;
    }
    if (J->i < J->len && (J->s[J->i] == 'e' || J->s[J->i] == 'E')) {
        J->i++;
        if (J->i < J->len && (J->s[J->i] == '+' || J->s[J->i] == '-'))
            J->i++;
        if (!jdigits(J))
            return false;
    }
    return true;
}

static bool jcontainer(jchk *J, bool object)
{
    char close = object ? '}' : ']';
    if (++J->depth > 1000)
        return jfail(J, "nested too deeply");
    J->i++;
    jws(J);
    if (J->i < J->len && J->s[J->i] == close) {
        J->i++;
        J->depth--;
        return true;
    }
    for (;;) {
        if (object) {
            if (J->i >= J->len || J->s[J->i] != '"')
                return jfail(J, "expected a string key");
            if (!jstring(J))
                return false;
            jws(J);
            if (J->i >= J->len || J->s[J->i] != ':')
                return jfail(J, "expected ':' after the key");
            J->i++;
            jws(J);
        }
        if (!jvalue(J))
            return false;
        jws(J);
        if (J->i < J->len && J->s[J->i] == ',') {
            J->i++;
            jws(J);
            continue;
        }
        if (J->i < J->len && J->s[J->i] == close) {
            J->i++;
            J->depth--;
            return true;
        }
        return jfail(J, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static bool jliteral(jchk *J, const char *word)
{
    size_t n = strlen(word);
    for (size_t k = 0; k < n; k++) {
        if (J->i >= J->len || J->s[J->i] != word[k])
            return jfail(J, "unexpected character");
        J->i++;
    }
    return true;
}

static bool jvalue(jchk *J)
{
    if (J->i >= J->len)
        return jfail(J, "");
    char c = J->s[J->i];
    switch (c) {
    case '{':
        return jcontainer(J, true);
    case '[':
        return jcontainer(J, false);
    case '"':
        return jstring(J);
    case 't':
        return jliteral(J, "true");
    case 'f':
        return jliteral(J, "false");
    case 'n':
        return jliteral(J, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return jnumber(J);
        return jfail(J, "unexpected character");
    }
}

/* 0 when `data` is valid JSON, else -1 with the byte offset and a message. */
static int json_check(const char *data, size_t len, size_t *off, const char **msg)
{
    jchk J = {.s = data, .len = len};
    jws(&J);
    if (jvalue(&J)) {
        jws(&J);
        if (J.i >= len)
            return 0;
        J.msg = "unexpected text after the JSON value";
    }
    *off = J.i;
    *msg = J.msg ? J.msg : "invalid JSON";
    return -1;
}

static void parse_warning(lctx *L, const char *data, size_t len, size_t off, const char *msg)
{
    int line, col;
    if (off > len)
        off = len;
    line_col(data, off, &line, &col);
    strbuf what = STRBUF_INIT;
    strbuf_adds(&what, msg);
    if (off < len) {
        size_t n = 0;
        while (off + n < len && n < 16 && data[off + n] != '\n' && data[off + n] != '\r')
            n++;
        strbuf_adds(&what, " at '");
        strbuf_add(&what, data + off, n);
        strbuf_adds(&what, "'");
    }
    diag_add(&L->set->diags, DIAG_WARNING, DIAG_SRC_REGISTRY, "json-parse", L->file, line,
             col, "Failed to load config from %s: invalid JSON: %s; the file is skipped",
             L->file, what.data);
    strbuf_free(&what);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_file(lctx *L, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    char err[SRV_ERRLEN];
    if (util_read_file(path, DEPLOY_FILE_CAP, &data, &len, err) != 0) {
        diag_add(&L->set->diags, DIAG_WARNING, DIAG_SRC_REGISTRY, "json-read", L->file, 0, 0,
                 "Failed to load config from %s: %s; the file is skipped", L->file, err);
        return;
    }
    size_t off = 0;
    const char *msg = NULL;
    if (json_check(data, len, &off, &msg) != 0) {
        parse_warning(L, data, len, off, msg);
        free(data);
        return;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!root) { /* not expected after the check: cJSON's own limits */
        off = end && end >= data ? (size_t)(end - data) : 0;
        parse_warning(L, data, len, off, "not accepted by the JSON parser");
        free(data);
        return;
    }
    const cJSON *arr = cJSON_IsObject(root) ? jget(root, "deployments") : NULL;
    if (arr && !cJSON_IsArray(arr))
        diag_add(&L->set->diags, DIAG_WARNING, DIAG_SRC_REGISTRY, "deployments-shape",
                 L->file, 0, 0, "\"deployments\" is %s, not an array; the file is skipped",
                 jtype(arr));
    if (arr && cJSON_IsArray(arr)) {
        size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
        deploy_set *s = L->set;
        s->items = util_xrealloc(s->items, (s->n + n + 1) * sizeof *s->items);
        for (const cJSON *c = arr->child; c; c = c->next, i++) {
            deploy *d = &s->items[s->n++];
            memset(d, 0, sizeof *d);
            d->file = arena_strdup(L->mem, L->file);
            d->index = i;
            load_deployment(L, c, d);
            if (!d->envs)
                d->envs = arena_alloc(L->mem, sizeof *d->envs);
            for (size_t k = 0; k < d->n_envs; k++)
                add_env(s, L->mem, d->envs[k]);
            finish_deployment(L, d);
        }
    }
    cJSON_Delete(root);
    free(data);
}

int deploy_load(deploy_set *out, const char *root, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *dir = project_path(root, PROJECT_DEPLOYMENTS_REL);
    DIR *dh = opendir(dir);
    if (!dh) {
        if (errno == ENOENT || errno == ENOTDIR)
            snprintf(err, errlen, "No deployment configuration found. Expected:\n  - %s/*.json",
                     dir);
        else
            snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (!util_endswith(de->d_name, ".json"))
            continue;
        names = util_xrealloc(names, (nn + 1) * sizeof *names);
        names[nn++] = util_xstrdup(de->d_name);
    }
    closedir(dh);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_names);

    arena *mem = util_xcalloc(1, sizeof *mem);
    arena_init(mem);
    out->priv = mem;
    out->dir = arena_strdup(mem, dir);
    diag_list_init(&out->diags);
    lctx L = {.set = out, .mem = mem};
    strbuf_init(&L.why);
    for (size_t i = 0; i < nn; i++) {
        char *path = util_path_join(dir, names[i]);
        char *rel = util_path_join(PROJECT_DEPLOYMENTS_REL, names[i]);
        L.file = rel;
        load_file(&L, path);
        free(rel);
        free(path);
        free(names[i]);
    }
    free(names);
    strbuf_free(&L.why);
    free(dir);
    if (!out->envs) {
        out->envs = util_xcalloc(1, sizeof *out->envs);
    }
    if (out->n == 0) {
        /* keep the parse warnings visible in the error */
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < out->diags.n; i++) {
            diag_format_line(&sb, &out->diags.items[i]);
            strbuf_addc(&sb, '\n');
        }
        strbuf_adds(&sb, "No deployments found in config files.");
        snprintf(err, errlen, "%s", sb.data);
        strbuf_free(&sb);
        deploy_set_free(out);
        return -1;
    }
    return 0;
}

void deploy_set_free(deploy_set *s)
{
    if (!s)
        return;
    free(s->items);
    free(s->envs);
    diag_list_free(&s->diags);
    if (s->priv) {
        arena_free(s->priv);
        free(s->priv);
    }
    memset(s, 0, sizeof *s);
}

bool deploy_has_env(const deploy *d, const char *env)
{
    for (size_t i = 0; i < d->n_envs; i++)
        if (strcmp(d->envs[i], env) == 0)
            return true;
    return false;
}

deploy_select_status deploy_select(const deploy_set *s, const char *env, const char *name,
                                   const deploy **out, char *err, size_t errlen)
{
    *out = NULL;
    for (size_t i = 0; i < s->n; i++) {
        const deploy *d = &s->items[i];
        if (!util_streq(d->name, name) && !util_streq(d->short_name, name))
            continue;
        *out = d;
        if (!deploy_has_env(d, env)) {
            snprintf(err, errlen, "Environment \"%s\" is not valid for the deployment \"%s\".",
                     env, name);
            return DEPLOY_ENV_INVALID;
        }
        return DEPLOY_FOUND;
    }
    snprintf(err, errlen, "Deployment \"%s\" not found in deploymentConfig.json.", name);
    return DEPLOY_NOT_FOUND;
}

const deploy_override *deploy_scope_override(const deploy_scope *sc, const char *env)
{
    for (size_t i = 0; i < sc->n_overrides; i++)
        if (strcmp(sc->overrides[i].env, env) == 0)
            return &sc->overrides[i];
    return NULL;
}

const char *deploy_type_name(deploy_type t)
{
    switch (t) {
    case DEPLOY_SH:
        return "sh";
    case DEPLOY_KUBECTL:
        return "kubectl";
    default:
        return "docker-compose";
    }
}

size_t deploy_error_count(const deploy_set *s)
{
    return diag_count(&s->diags, DIAG_ERROR, -1);
}

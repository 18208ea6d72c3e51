/* core/settings.c — see settings.h. */
#include "config.h"

#include "core/settings.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "core/value.h"
#include "core/yamlload.h"

#define SETTINGS_MAX_BYTES (1u << 20)

char *settings_default_path(void)
{
    const char *x = getenv("XDG_CONFIG_HOME");
    if (x && *x)
        return util_xasprintf("%s/srvconsole/config.yaml", x);
    const char *h = getenv("HOME");
    return util_xasprintf("%s/.config/srvconsole/config.yaml", h && *h ? h : ".");
}

long long settings_parse_size(const char *s)
{
    char *end;
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    static const struct {
        const char *suffix;
        double mult;
    } units[] = {{"", 1},         {"b", 1},          {"k", 1024},     {"kb", 1e3},
                 {"kib", 1024},   {"m", 1048576},    {"mb", 1e6},     {"mib", 1048576},
                 {"g", 1073741824.0}, {"gb", 1e9},   {"gib", 1073741824.0}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (!strcasecmp(end, units[i].suffix)) {
            double b = v * units[i].mult;
            return b >= 0 && b < 9e18 ? (long long)b : -1;
        }
    }
    return -1;
}

static void set_size(const char *file, const val *v, const char *what,
                     size_t *out, diag_list *d)
{
    strbuf sb = STRBUF_INIT;
    val_to_js_string(&sb, v);
    long long b = v->kind == VAL_NUM || v->kind == VAL_STR ? settings_parse_size(sb.data) : -1;
    if (b < 65536)
        diag_add(d, DIAG_ERROR, DIAG_SRC_REGISTRY, "config", file, v->line, v->col,
                 "%s: expected a size of at least 64KiB (\"16MiB\"), got %s", what,
                 sb.data);
    else
        *out = (size_t)b;
    strbuf_free(&sb);
}

void settings_load(settings *c, const char *path, diag_list *d)
{
    memset(c, 0, sizeof *c);
    c->pane_bytes = 16u << 20;
    c->color = true;
    char *p = path ? util_xstrdup(path) : settings_default_path();
    if (!util_exists(p)) {
        free(p);
        return;
    }
    c->path = p;
    arena a;
    arena_init(&a);
    val *root = NULL;
    char err[SRV_ERRLEN];
    if (yamlload_file(&a, p, SETTINGS_MAX_BYTES, &root, err) != 0) {
        diag_add(d, DIAG_ERROR, DIAG_SRC_REGISTRY, "config", p, 0, 0, "%s", err);
    } else if (root && root->kind != VAL_MAP) {
        diag_add(d, DIAG_ERROR, DIAG_SRC_REGISTRY, "config", p, root->line, root->col,
                 "expected a map at the top level");
    } else if (root) {
        for (size_t i = 0; i < root->u.map.n; i++) {
            const val_pair *kv = &root->u.map.items[i];
            const val *v = kv->v;
            if (!strcmp(kv->key, "keys") && v->kind == VAL_MAP) {
                c->bindings = util_xcalloc(v->u.map.n ? v->u.map.n : 1, sizeof *c->bindings);
                for (size_t k = 0; k < v->u.map.n; k++) {
                    const val_pair *b = &v->u.map.items[k];
                    strbuf sb = STRBUF_INIT;
                    val_to_js_string(&sb, b->v);
                    settings_binding *cb = &c->bindings[c->n_bindings++];
                    cb->action = util_xstrdup(b->key);
                    cb->keys = strbuf_detach(&sb, NULL);
                    cb->line = b->line;
                    cb->col = b->col;
                }
            } else if (!strcmp(kv->key, "logs") && v->kind == VAL_MAP) {
                for (size_t k = 0; k < v->u.map.n; k++) {
                    const val_pair *b = &v->u.map.items[k];
                    if (!strcmp(b->key, "pane_bytes"))
                        set_size(p, b->v, "logs.pane_bytes", &c->pane_bytes, d);
                    else if (!strcmp(b->key, "source_bytes"))
                        set_size(p, b->v, "logs.source_bytes", &c->source_bytes, d);
                    else
                        diag_add(d, DIAG_WARNING, DIAG_SRC_REGISTRY, "config", p,
                                 b->line, b->col, "logs: unknown key \"%s\"", b->key);
                }
            } else if (!strcmp(kv->key, "color") && v->kind == VAL_BOOL) {
                c->color = v->u.b;
            } else {
                diag_add(d, DIAG_WARNING, DIAG_SRC_REGISTRY, "config", p, kv->line,
                         kv->col, "unknown or mistyped key \"%s\" (ignored)", kv->key);
            }
        }
    }
    arena_free(&a);
}

void settings_free(settings *c)
{
    for (size_t i = 0; i < c->n_bindings; i++) {
        free(c->bindings[i].action);
        free(c->bindings[i].keys);
    }
    free(c->bindings);
    free(c->path);
    memset(c, 0, sizeof *c);
}

/* tests/tsupport.c — see tsupport.h. */
#include "config.h"

#include "tests/tsupport.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *const TS_METADATA = "metadata:\n"
                                "  name: acme\n"
                                "  namespace: acme-ns\n";

const char *const TS_SERVICES = "services:\n"
                                "  builder:\n"
                                "    name: acme-builder\n"
                                "    description: Builds everything\n"
                                "    image:\n"
                                "      repository: acme/builder\n"
                                "      tag: v1\n"
                                "    buildOnly: true\n"
                                "  api:\n"
                                "    name: acme-api\n"
                                "    description: Public API\n"
                                "    image:\n"
                                "      repository: acme/api\n"
                                "      tag: v2\n"
                                "    dockerfile: docker/Dockerfile.run\n"
                                "    ports:\n"
                                "      web: 9000\n";

const char *const TS_DATABASES = "databases:\n"
                                 "  cache:\n"
                                 "    name: cache\n"
                                 "    image:\n"
                                 "      repository: valkey/valkey\n"
                                 "      tag: v8\n"
                                 "    port: 7000\n";

const char *const TS_BUILD = "build:\n"
                             "  dockerfiles:\n"
                             "    builder: docker/Dockerfile.build\n"
                             "    runtime: docker/Dockerfile.run\n"
                             "    cmdRunner: docker/Dockerfile.cmd\n"
                             "  dockerContext:\n"
                             "    root: ../../../../\n"
                             "    thredlib: ../../../../../lib\n";

const char *const TS_NETWORKS = "networks:\n"
                                "  default:\n"
                                "    name: acme-net\n"
                                "    driver: bridge\n";

const char *const TS_CONNECTIONS = "connectionStrings:\n"
                                   "  local:\n"
                                   "    mongodb: localhost:7001\n"
                                   "    redis: localhost:7000\n"
                                   "    rabbitmq: localhost\n"
                                   "    mongoDirectConnection: true\n"
                                   "    useTls: false\n"
                                   "  kubernetes:\n"
                                   "    mongodb: cache-service:7000\n"
                                   "    redis: cache-service:7000\n"
                                   "    rabbitmq: acme-api-service\n"
                                   "    mongoDirectConnection: false\n"
                                   "    useTls: false\n";

const char *const TS_SECURITY = "security:\n"
                                "  jwt:\n"
                                "    expireTime: 2h\n"
                                "    refreshTokenExpireTime: 30d\n";

char *ts_registry(const char *metadata, const char *services,
                  const char *databases, const char *build,
                  const char *networks, const char *connections,
                  const char *security)
{
    return util_xasprintf("%s%s%s%s%s%s%s", metadata ? metadata : TS_METADATA,
                          services ? services : TS_SERVICES,
                          databases ? databases : TS_DATABASES,
                          build ? build : TS_BUILD, networks ? networks : TS_NETWORKS,
                          connections ? connections : TS_CONNECTIONS,
                          security ? security : TS_SECURITY);
}

void ts_load(registry *r, const char *text)
{
    char err[SRV_ERRLEN] = "";
    int rc = registry_load_string(r, "reg.yaml", text, strlen(text), err);
    cr_assert_eq(rc, 0, "registry does not load: %s\n%s", err, text);
}

void ts_check(const char *text, diag_list *out)
{
    registry r;
    ts_load(&r, text);
    diag_list_init(out);
    registry_check(&r, out);
    registry_free(&r);
}

const gen_file *ts_find(const gen_set *s, const char *rel)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->files[i].rel, rel) == 0)
            return &s->files[i];
    return NULL;
}

char *ts_render_one(const char *text, unsigned groups, const char *rel)
{
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    int rc = gen_render(&r, groups, &s, err);
    cr_assert_eq(rc, 0, "render failed: %s", err);
    const gen_file *f = ts_find(&s, rel);
    char *copy = f ? util_xstrndup(f->data, f->len) : NULL;
    gen_set_free(&s);
    registry_free(&r);
    return copy;
}

const diag *ts_diag(const diag_list *l, const char *code, const char *needle)
{
    for (size_t i = 0; i < l->n; i++) {
        const diag *d = &l->items[i];
        if (code && strcmp(d->code, code) != 0)
            continue;
        if (needle && !strstr(d->message, needle))
            continue;
        return d;
    }
    return NULL;
}

size_t ts_count(const diag_list *l, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!code || strcmp(l->items[i].code, code) == 0)
            n++;
    return n;
}

char *ts_dump(const diag_list *l)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "");
    for (size_t i = 0; i < l->n; i++) {
        strbuf_addf(&sb, "  [%s] ", l->items[i].code);
        diag_format_line(&sb, &l->items[i]);
        strbuf_addc(&sb, '\n');
    }
    return strbuf_detach(&sb, NULL);
}

void ts_pos(const char *text, const char *needle, int *line, int *col)
{
    const char *at = strstr(text, needle);
    cr_assert_not_null(at, "\"%s\" not in the text", needle);
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

char *ts_tmpdir(void)
{
    char *dir = util_xstrdup("/tmp/srvtestXXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

void ts_rmrf(const char *dir)
{
    char *cmd = util_xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
    int rc = system(cmd);
    free(cmd);
    cr_expect_eq(rc, 0);
}

void ts_write(const char *root, const char *rel, const char *text)
{
    char *path = util_path_join(root, rel);
    char err[SRV_ERRLEN] = "";
    int rc = util_write_file_atomic(path, text, strlen(text), err);
    cr_assert_eq(rc, 0, "%s", err);
    free(path);
}

__attribute__((noinline)) char *ts_read(const char *root, const char *rel)
{
    char *path = util_path_join(root, rel);
    char *data = NULL;
    size_t len;
    if (util_read_file(path, 64u << 20, &data, &len, NULL) != 0)
        data = NULL;
    free(path);
    return data;
}

bool ts_exists(const char *root, const char *rel)
{
    char *path = util_path_join(root, rel);
    bool ok = util_exists(path);
    free(path);
    return ok;
}

void ts_edit(const char *root, const char *rel, const char *from, const char *to)
{
    char *text = ts_read(root, rel);
    cr_assert_not_null(text, "%s does not exist", rel);
    const char *at = strstr(text, from);
    cr_assert_not_null(at, "%s does not contain \"%s\"", rel, from);
    size_t off = (size_t)(at - text);
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, text, off);
    strbuf_adds(&sb, to);
    strbuf_adds(&sb, text + off + strlen(from));
    ts_write(root, rel, sb.data);
    strbuf_free(&sb);
    free(text);
}

size_t ts_count_entries(const char *root, const char *reldir, const char *needle)
{
    char *path = util_path_join(root, reldir);
    DIR *d = opendir(path);
    free(path);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            strstr(de->d_name, needle))
            n++;
    closedir(d);
    return n;
}

void ts_tree(const char *root, const char *text, registry *out)
{
    ts_write(root, "infrastructure/config-registry.yaml", text);
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(gen_render(&r, GEN_ALL, &s, err), 0, "%s", err);
    cr_assert_eq(gen_write(root, &s, NULL, err), 0, "%s", err);
    gen_set_free(&s);
    if (out)
        *out = r;
    else
        registry_free(&r);
}

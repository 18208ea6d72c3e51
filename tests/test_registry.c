/* tests/test_registry.c — core/registry: loading and the schema check
 * (types with key paths and file:line:col, required keys at every level,
 * unknown keys with "did you mean", the reference's database-image message,
 * numeric tags, names, cross-field checks).  Fixtures are small registries
 * of our own (tests/tsupport.c), never the reference's files. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/registry.h"
#include "core/util.h"
#include "tests/tsupport.h"

/* The registry text with the first `from` replaced by `to`. */
static char *with(const char *base, const char *from, const char *to)
{
    const char *at = strstr(base, from);
    cr_assert_not_null(at, "fixture does not contain \"%s\"", from);
    return util_xasprintf("%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
}

static char *base_registry(void)
{
    return ts_registry(NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Exactly one finding with `code`, with this severity and message, located
 * at the first occurrence of `at` in `text` (when at is not NULL). */
static void expect_one(const char *text, const char *code, diag_severity sev,
                       const char *message, const char *at)
{
    diag_list l;
    ts_check(text, &l);
    char *dump = ts_dump(&l);
    const diag *d = ts_diag(&l, code, message);
    cr_assert_not_null(d, "no [%s] \"%s\" in:\n%s", code, message, dump);
    cr_expect_str_eq(d->message, message, "%s", dump);
    cr_expect_eq(d->sev, sev, "%s: severity %d", message, d->sev);
    cr_expect_eq(d->src, DIAG_SRC_REGISTRY);
    cr_expect_str_eq(d->file, "reg.yaml");
    if (at) {
        /* `at` is a needle; an '@' in it marks the exact spot */
        int line, col;
        const char *mark = strchr(at, '@');
        char *needle = mark ? util_xasprintf("%.*s%s", (int)(mark - at), at, mark + 1)
                            : util_xstrdup(at);
        ts_pos(text, needle, &line, &col);
        if (mark)
            col += (int)(mark - at);
        free(needle);
        cr_expect_eq(d->line, line, "%s: line %d, want %d", message, d->line, line);
        cr_expect_eq(d->col, col, "%s: col %d, want %d", message, d->col, col);
        /* the one-line form names file:line:col, severity and key path */
        strbuf sb = STRBUF_INIT;
        diag_format_line(&sb, d);
        char *want = util_xasprintf("reg.yaml:%d:%d: %s: %s", line, col,
                                    diag_severity_name(sev), message);
        cr_expect_str_eq(sb.data, want);
        free(want);
        strbuf_free(&sb);
    }
    size_t same = 0;
    for (size_t i = 0; i < l.n; i++)
        if (!strcmp(l.items[i].message, message))
            same++;
    cr_expect_eq(same, 1, "\"%s\" reported %zu times:\n%s", message, same, dump);
    free(dump);
    diag_list_free(&l);
}

Test(registry, fixture_is_clean)
{
    char *text = base_registry();
    diag_list l;
    ts_check(text, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(l.n, 0, "findings on a clean registry:\n%s", dump);
    free(dump);
    diag_list_free(&l);
    free(text);
}

/* ---- type errors ---------------------------------------------------------- */

typedef struct {
    const char *from, *to; /* edit of the base registry */
    const char *message;
    const char *at; /* where the offending value starts (after the edit) */
} type_case;

Test(registry, type_errors_name_key_path_and_position)
{
    static const type_case cases[] = {
        {"      web: 9000", "      web: abc",
         "services.api.ports.web: expected an integer, got \"abc\"", "abc"},
        {"      web: 9000", "      web: 90.5",
         "services.api.ports.web: expected an integer, got 90.5", "90.5"},
        {"    port: 7000", "    port: \"7000\"",
         "databases.cache.port: expected an integer, got \"7000\"", "\"7000\""},
        {"    port: 7000", "    port: false",
         "databases.cache.port: expected an integer, got false", "port: @false"},
        {"    buildOnly: true", "    buildOnly: \"yes\"",
         "services.builder.buildOnly: expected a boolean, got \"yes\"", "\"yes\""},
        {"      repository: acme/api", "      repository: 12",
         "services.api.image.repository: expected a string, got 12", "12\n"},
        {"    dockerfile: docker/Dockerfile.run", "    dockerfile: [a]",
         "services.api.dockerfile: expected a string, got a list", "[a]"},
        {"    dockerfile: docker/Dockerfile.run", "    command: 5",
         "services.api.command: expected a map or a list, got 5", "5\n"},
        {"    dockerfile: docker/Dockerfile.run", "    dependsOn: acme-builder",
         "services.api.dependsOn: expected a list, got \"acme-builder\"",
         "acme-builder\n    ports"},
        {"    dockerfile: docker/Dockerfile.run", "    dependsOn:\n      - ok\n      - 7",
         "services.api.dependsOn[1]: expected a string, got 7", "7\n"},
        {"    dockerfile: docker/Dockerfile.run",
         "    command:\n      entrypoint: node\n      args: [a, 1.5]",
         "services.api.command.args[1]: expected a string, got 1.5", "1.5"},
        {"    dockerfile: docker/Dockerfile.run", "    environment:\n      A: [x]",
         "services.api.environment.A: expected a string, a number, a boolean or "
         "null, got a list",
         "[x]"},
        {"    port: 7000", "    port: 7000\n    replicas:\n      dev: two",
         "databases.cache.replicas.dev: expected an integer, got \"two\"", "two"},
        {"    port: 7000", "    port: 7000\n    volumes: /data",
         "databases.cache.volumes: expected a map or a list, got \"/data\"", "/data"},
        {"    port: 7000", "    port: 7000\n    healthcheck:\n      retries: \"5\"",
         "databases.cache.healthcheck.retries: expected an integer, got \"5\"",
         "\"5\""},
        {"  name: acme\n", "  name: [acme]\n",
         "metadata.name: expected a string, got a list", "[acme]"},
        {"    useTls: false\n  kubernetes", "    useTls: \"false\"\n  kubernetes",
         "connectionStrings.local.useTls: expected a boolean, got \"false\"",
         "\"false\""},
        {"    name: acme-net", "    name: 5",
         "networks.default.name: expected a string, got 5", "5\n"},
        {"  jwt:\n    expireTime: 2h\n    refreshTokenExpireTime: 30d\n", "  jwt: x\n",
         "security.jwt: expected a map, got \"x\"", "x\n"},
        {"services:\n  builder:", "services:\n  bad: 5\n  builder:",
         "services.bad: expected a map, got 5", "5\n"},
    };
    char *base = base_registry();
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *text = with(base, cases[i].from, cases[i].to);
        expect_one(text, "type", DIAG_ERROR, cases[i].message, cases[i].at);
        free(text);
    }
    free(base);
}

Test(registry, long_string_preview_is_cut_on_a_character_boundary)
{
    /* 39 ASCII bytes then "é": a cut at byte 40 would split the character */
    char *base = base_registry();
    char *text = with(base, "      web: 9000",
                      "      web: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9zzz");
    diag_list l;
    ts_check(text, &l);
    const diag *d = ts_diag(&l, "type", "services.api.ports.web");
    cr_assert_not_null(d);
    cr_expect(util_utf8_valid(d->message, strlen(d->message)), "%s", d->message);
    cr_expect(strstr(d->message, "…\"") != NULL, "%s", d->message);
    diag_list_free(&l);
    free(text);
    free(base);
}

Test(registry, a_wrong_type_stops_at_that_node)
{
    /* image is a string: one type error, no "missing repository" below it */
    char *base = base_registry();
    char *text = with(base, "    image:\n      repository: acme/api\n      tag: v2\n",
                      "    image: acme/api:v2\n");
    diag_list l;
    ts_check(text, &l);
    char *dump = ts_dump(&l);
    cr_expect_not_null(ts_diag(&l, "type", "services.api.image: expected a map, got "
                                           "\"acme/api:v2\""),
                       "%s", dump);
    cr_expect_eq(ts_count(&l, "missing-key"), 0, "%s", dump);
    free(dump);
    diag_list_free(&l);
    free(text);
    free(base);
}

/* ---- required keys ----------------------------------------------------------- */

typedef struct {
    const char *from, *to;
    const char *message;
    const char *at; /* start of the map that lacks the key */
} missing_case;

Test(registry, missing_required_keys_at_every_level)
{
    static const missing_case cases[] = {
        {"metadata:\n  name: acme\n  namespace: acme-ns\n", "",
         "the top level: missing required key \"metadata\"", "services:"},
        {"  name: acme\n", "", "metadata: missing required key \"name\"",
         "namespace: acme-ns"},
        {"  namespace: acme-ns\n", "", "metadata: missing required key \"namespace\"",
         "name: acme\n"},
        {"    name: acme-api\n", "", "services.api: missing required key \"name\"",
         "description: Public API"},
        {"    description: Public API\n", "",
         "services.api: missing required key \"description\"", "name: acme-api"},
        {"    image:\n      repository: acme/api\n      tag: v2\n", "",
         "services.api: missing required key \"image\"", "name: acme-api"},
        {"      repository: acme/api\n", "",
         "services.api.image: missing required key \"repository\"", "tag: v2"},
        {"      tag: v2\n", "", "services.api.image: missing required key \"tag\"",
         "repository: acme/api"},
        {"    name: cache\n", "", "databases.cache: missing required key \"name\"",
         "image:\n      repository: valkey"},
        {"      tag: v8\n", "", "databases.cache.image: missing required key \"tag\"",
         "repository: valkey"},
        {"  dockerfiles:\n    builder: docker/Dockerfile.build\n"
         "    runtime: docker/Dockerfile.run\n    cmdRunner: docker/Dockerfile.cmd\n",
         "", "build: missing required key \"dockerfiles\"", "dockerContext:"},
        {"  dockerContext:\n    root: ../../../../\n    thredlib: ../../../../../lib\n",
         "", "build: missing required key \"dockerContext\"", "dockerfiles:"},
        {"    root: ../../../../\n", "",
         "build.dockerContext: missing required key \"root\"", "thredlib:"},
        {"    name: acme-net\n", "", "networks.default: missing required key \"name\"",
         "driver: bridge"},
        {"    redis: localhost:7000\n", "",
         "connectionStrings.local: missing required key \"redis\"",
         "mongodb: localhost:7001"},
        {"    useTls: false\n  kubernetes", "  kubernetes",
         "connectionStrings.local: missing required key \"useTls\"",
         "mongodb: localhost:7001"},
        {"  jwt:\n    expireTime: 2h\n    refreshTokenExpireTime: 30d\n",
         "  other: 1\n", "security: missing required key \"jwt\"", "other: 1"},
        {"    expireTime: 2h\n", "", "security.jwt: missing required key \"expireTime\"",
         "refreshTokenExpireTime"},
        {"    port: 7000\n",
         "    port: 7000\n    volumes:\n      - mountPath: /d\n",
         "databases.cache.volumes[0]: missing required key \"hostPath\"",
         "mountPath: /d"},
        {"    port: 7000\n",
         "    port: 7000\n    kubernetes:\n      volumeClaimTemplate:\n"
         "        name: d\n        mountPath: /d\n",
         "databases.cache.kubernetes.volumeClaimTemplate: missing required key "
         "\"storage\"",
         "name: d\n"},
    };
    char *base = base_registry();
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *text = with(base, cases[i].from, cases[i].to);
        expect_one(text, "missing-key", DIAG_ERROR, cases[i].message, cases[i].at);
        free(text);
    }
    free(base);
}

Test(registry, every_top_level_section_is_required)
{
    static const char *const keys[] = {"metadata",          "services", "databases",
                                       "build",             "networks",
                                       "connectionStrings", "security"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(keys); i++) {
        const char *s[7] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL};
        s[i] = "";
        char *text = ts_registry(s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
        char *msg = util_xasprintf("the top level: missing required key \"%s\"", keys[i]);
        expect_one(text, "missing-key", DIAG_ERROR, msg, NULL);
        free(msg);
        free(text);
    }
}

Test(registry, optional_keys_may_be_absent)
{
    /* database description, dockerfile, thredlib, driver, pullPolicy... */
    char *base = base_registry();
    char *t1 = with(base, "    thredlib: ../../../../../lib\n", "");
    char *t2 = with(t1, "    driver: bridge\n", "");
    char *t3 = with(t2, "    dockerfile: docker/Dockerfile.run\n", "");
    diag_list l;
    ts_check(t3, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(l.n, 0, "%s", dump);
    free(dump);
    diag_list_free(&l);
    free(t3);
    free(t2);
    free(t1);
    free(base);
}

Test(registry, networks_without_default)
{
    char *text = ts_registry(NULL, NULL, NULL, NULL,
                             "networks:\n  other:\n    name: x\n", NULL, NULL);
    expect_one(text, "missing-key", DIAG_ERROR,
               "networks: missing required key \"default\"", "other:");
    free(text);
}

/* ---- unknown keys ------------------------------------------------------------ */

Test(registry, unknown_key_close_to_a_known_one_suggests_it)
{
    static const struct {
        const char *from, *to, *message, *at;
    } cases[] = {
        {"    dockerfile: docker/Dockerfile.run", "    dockerfil: docker/Dockerfile.run",
         "services.api: unknown key \"dockerfil\" (did you mean \"dockerfile\"?)",
         "dockerfil:"},
        {"    dockerfile: docker/Dockerfile.run", "    dependOn: [x]",
         "services.api: unknown key \"dependOn\" (did you mean \"dependsOn\"?)",
         "dependOn"},
        {"      tag: v2", "      tga: v2\n      tag: v2",
         "services.api.image: unknown key \"tga\" (did you mean \"tag\"?)", "tga"},
        {"  namespace: acme-ns\n", "  namespace: acme-ns\n  Name: x\n",
         "metadata: unknown key \"Name\" (did you mean \"name\"?)", "Name"},
        {"security:", "securty: {}\nsecurity:",
         "the top level: unknown key \"securty\" (did you mean \"security\"?)",
         "securty"},
    };
    char *base = base_registry();
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *text = with(base, cases[i].from, cases[i].to);
        expect_one(text, "unknown-key", DIAG_WARNING, cases[i].message, cases[i].at);
        diag_list l;
        ts_check(text, &l);
        cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), 0, "an unknown key is no error");
        diag_list_free(&l);
        free(text);
    }
    free(base);
}

Test(registry, unknown_key_far_from_any_is_ignored_with_a_warning)
{
    char *base = base_registry();
    char *text = with(base, "    port: 7000\n", "    port: 7000\n    colour: red\n");
    expect_one(text, "unknown-key", DIAG_WARNING,
               "databases.cache: unknown key \"colour\" (ignored)", "colour");
    free(text);
    text = with(base, "security:", "extras:\n  a: 1\nsecurity:");
    expect_one(text, "unknown-key", DIAG_WARNING,
               "the top level: unknown key \"extras\" (ignored)", "extras");
    free(text);
    free(base);
}

Test(registry, free_key_maps_and_cloud_never_warn)
{
    /* ports, environment, dockerfiles and connection profiles take any key;
     * "cloud" is a documented (unused) top-level key */
    char *base = base_registry();
    char *t1 = with(base, "      web: 9000",
                    "      web: 9000\n      anything: 1\n    environment:\n"
                    "      WHATEVER_KEY: x");
    char *t2 = with(t1, "    cmdRunner: docker/Dockerfile.cmd",
                    "    cmdRunner: docker/Dockerfile.cmd\n    extra: docker/x");
    char *t3 = with(t2, "security:", "cloud:\n  azure: {}\nsecurity:");
    diag_list l;
    ts_check(t3, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(l.n, 0, "%s", dump);
    free(dump);
    diag_list_free(&l);
    free(t3);
    free(t2);
    free(t1);
    free(base);
}

/* ---- databases without image ---------------------------------------------------- */

Test(registry, database_without_image_gives_the_reference_message)
{
    char *base = base_registry();
    char *text = with(base, "    image:\n      repository: valkey/valkey\n      tag: v8\n",
                      "");
    expect_one(text, "missing-image", DIAG_ERROR,
               "Missing image configuration for cache. Database resources require "
               "explicit image configuration.",
               NULL);
    /* one finding for one mistake: not also a generic "missing key" */
    diag_list l;
    ts_check(text, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(l.n, 1, "%s", dump);
    free(dump);
    diag_list_free(&l);
    /* and the generator refuses with the same words */
    registry r;
    ts_load(&r, text);
    gen_set s = {0};
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(gen_render(&r, GEN_KUBERNETES, &s, err), -1);
    cr_expect_str_eq(err, "Missing image configuration for cache. Database "
                          "resources require explicit image configuration.");
    gen_set_free(&s);
    registry_free(&r);
    free(text);
    free(base);
}

/* ---- numeric image tags ---------------------------------------------------------- */

Test(registry, numeric_tag_that_changes_is_an_error)
{
    char *base = base_registry();
    char *text = with(base, "      tag: v8", "      tag: 3.10");
    diag_list l;
    ts_check(text, &l);
    const diag *d = ts_diag(&l, "numeric-tag", NULL);
    cr_assert_not_null(d);
    cr_expect_eq(d->sev, DIAG_ERROR);
    cr_expect(strstr(d->message, "databases.cache.image.tag") != NULL, "%s", d->message);
    cr_expect(strstr(d->message, "3.1\"") != NULL, "names what it becomes: %s",
              d->message);
    int line, col;
    ts_pos(text, "3.10", &line, &col);
    cr_expect_eq(d->line, line);
    cr_expect_eq(d->col, col);
    diag_list_free(&l);
    /* what the reference writes: the image becomes valkey/valkey:3.1 */
    registry r;
    ts_load(&r, text);
    char *ref = registry_image_ref(val_get(registry_section(&r, "databases"), "cache"));
    cr_expect_str_eq(ref, "valkey/valkey:3.1");
    free(ref);
    registry_free(&r);
    free(text);
    free(base);
}

Test(registry, numeric_tag_that_survives_is_a_warning)
{
    static const char *const tags[] = {"7", "10", "1.5"};
    char *base = base_registry();
    for (size_t i = 0; i < SRV_ARRAY_LEN(tags); i++) {
        char *to = util_xasprintf("      tag: %s", tags[i]);
        char *text = with(base, "      tag: v2", to);
        diag_list l;
        ts_check(text, &l);
        const diag *d = ts_diag(&l, "numeric-tag", NULL);
        cr_assert_not_null(d, "tag %s", tags[i]);
        cr_expect_eq(d->sev, DIAG_WARNING, "tag %s", tags[i]);
        cr_expect(strstr(d->message, "services.api.image.tag") != NULL);
        cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), 0);
        diag_list_free(&l);
        free(text);
        free(to);
    }
    /* quoted, or spelled so it changes: 010 → 10, 1e3 → 1000 are errors */
    static const struct {
        const char *tag;
        int errors, warnings;
    } more[] = {{"\"3.10\"", 0, 0}, {"'7'", 0, 0}, {"010", 1, 0}, {"1e3", 1, 0}};
    for (size_t i = 0; i < SRV_ARRAY_LEN(more); i++) {
        char *to = util_xasprintf("      tag: %s", more[i].tag);
        char *text = with(base, "      tag: v2", to);
        diag_list l;
        ts_check(text, &l);
        char *dump = ts_dump(&l);
        cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), (size_t)more[i].errors,
                     "tag %s:\n%s", more[i].tag, dump);
        cr_expect_eq(diag_count(&l, DIAG_WARNING, -1), (size_t)more[i].warnings,
                     "tag %s:\n%s", more[i].tag, dump);
        free(dump);
        diag_list_free(&l);
        free(text);
        free(to);
    }
    free(base);
}

Test(registry, timestamp_looking_tag_is_a_warning)
{
    char *base = base_registry();
    char *text = with(base, "      tag: v2", "      tag: 2024-01-31");
    diag_list l;
    ts_check(text, &l);
    const diag *d = ts_diag(&l, "timestamp", "services.api.image.tag");
    cr_expect_not_null(d);
    if (d)
        cr_expect_eq(d->sev, DIAG_WARNING);
    diag_list_free(&l);
    free(text);
    free(base);
}

/* ---- port 0, replicas 0 ----------------------------------------------------------- */

Test(registry, port_zero_and_replicas_zero_are_warnings)
{
    char *base = base_registry();
    char *text = with(base, "    port: 7000", "    port: 0");
    expect_one(text, "port-zero", DIAG_WARNING,
               "databases.cache.port: 0 is treated as no port at all", "port: @0\n");
    free(text);
    text = with(base, "      web: 9000", "      web: 9000\n    replicas:\n      dev: 0");
    expect_one(text, "replicas-zero", DIAG_WARNING,
               "services.api.replicas.dev: 0 becomes 1 in the generated manifests",
               "dev: @0\n");
    diag_list l;
    ts_check(text, &l);
    cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), 0);
    diag_list_free(&l);
    free(text);
    free(base);
}

/* ---- names that cannot name files ----------------------------------------------------- */

Test(registry, names_that_cannot_be_file_names)
{
    static const struct {
        const char *from, *to, *message, *at;
    } cases[] = {
        {"    name: acme-api", "    name: acme/api",
         "services.api.name: \"acme/api\" cannot name a file (no '/', '.' or '..')",
         "acme/api\n"},
        {"    name: cache", "    name: ..",
         "databases.cache.name: \"..\" cannot name a file (no '/', '.' or '..')",
         "..\n"},
        {"    name: acme-api", "    name: \"\"",
         "services.api.name: \"\" cannot name a file (no '/', '.' or '..')",
         "\"\"\n"},
        {"  api:\n", "  ../api:\n",
         "services.../api: the key names an agent config file and cannot contain "
         "'/' or be '.' or '..'",
         "../api:"},
        {"  kubernetes:\n", "  k8s/x:\n",
         "connectionStrings.k8s/x: the key names a .env file and cannot contain "
         "'/' or be '.' or '..'",
         "k8s/x:"},
    };
    char *base = base_registry();
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *text = with(base, cases[i].from, cases[i].to);
        expect_one(text, "bad-name", DIAG_ERROR, cases[i].message, cases[i].at);
        free(text);
    }
    /* dots inside a name are fine */
    char *text = with(base, "    name: acme-api", "    name: acme.api");
    diag_list l;
    ts_check(text, &l);
    cr_expect_eq(ts_count(&l, "bad-name"), 0);
    diag_list_free(&l);
    free(text);
    free(base);
}

/* ---- cross-field checks ---------------------------------------------------------------- */

static const char *const SERVICES_NO_BUILDER =
    "services:\n"
    "  api:\n"
    "    name: acme-api\n"
    "    description: Public API\n"
    "    image:\n"
    "      repository: acme/api\n"
    "      tag: v2\n"
    "    dockerfile: %s\n"
    "%s";

Test(registry, runtime_or_cmdrunner_dockerfile_needs_services_builder)
{
    static const struct {
        const char *dockerfile, *extra;
        bool error;
    } cases[] = {
        {"docker/Dockerfile.run", "", true},
        {"docker/Dockerfile.cmd", "", true},
        {"docker/Dockerfile.other", "", false},
        {"docker/Dockerfile.run", "    buildOnly: true\n", false},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        char *svc = util_xasprintf(SERVICES_NO_BUILDER, cases[i].dockerfile,
                                   cases[i].extra);
        char *text = ts_registry(NULL, svc, NULL, NULL, NULL, NULL, NULL);
        diag_list l;
        ts_check(text, &l);
        char *dump = ts_dump(&l);
        const diag *d = ts_diag(&l, "no-builder", NULL);
        if (cases[i].error) {
            cr_expect_not_null(d, "%s:\n%s", cases[i].dockerfile, dump);
            if (d) {
                cr_expect_eq(d->sev, DIAG_ERROR);
                cr_expect(strstr(d->message, "services.api") != NULL, "%s", d->message);
                cr_expect(strstr(d->message, cases[i].dockerfile) != NULL);
            }
            /* the generator agrees: compose cannot be rendered */
            registry r;
            ts_load(&r, text);
            gen_set s = {0};
            char err[SRV_ERRLEN] = "";
            cr_expect_eq(gen_render(&r, GEN_COMPOSE, &s, err), -1);
            cr_expect(strstr(err, "acme-api") != NULL, "%s", err);
            gen_set_free(&s);
            registry_free(&r);
        } else {
            cr_expect_null(d, "%s:\n%s", cases[i].dockerfile, dump);
        }
        free(dump);
        diag_list_free(&l);
        free(text);
        free(svc);
    }
    /* no dockerfile: the builder fallback is not a runtime one */
    char *svc = util_xasprintf("services:\n  api:\n    name: acme-api\n"
                               "    description: d\n    image:\n"
                               "      repository: r\n      tag: t\n");
    char *text = ts_registry(NULL, svc, NULL, NULL, NULL, NULL, NULL);
    diag_list l;
    ts_check(text, &l);
    cr_expect_null(ts_diag(&l, "no-builder", NULL));
    diag_list_free(&l);
    free(text);
    free(svc);
}

Test(registry, connection_strings_without_kubernetes)
{
    const char *local = "  local:\n    mongodb: a\n    redis: b\n    rabbitmq: c\n"
                        "    mongoDirectConnection: true\n    useTls: false\n";
    const char *base = "  base:\n    mongodb: a\n    redis: b\n    rabbitmq: c\n"
                       "    mongoDirectConnection: true\n    useTls: false\n";
    const char *mk = "  minikube:\n    mongodb: a\n    redis: b\n    rabbitmq: c\n"
                     "    mongoDirectConnection: true\n    useTls: false\n";
    const char *msg = "connectionStrings: the ConfigMaps need \"kubernetes\" (or both "
                      "\"base\" and \"minikube\")";
    char *cs = util_xasprintf("connectionStrings:\n%s", local);
    char *text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, NULL);
    expect_one(text, "missing-key", DIAG_ERROR, msg, "  @local:");
    free(text);
    free(cs);
    cs = util_xasprintf("connectionStrings:\n%s%s", local, base);
    text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, NULL);
    expect_one(text, "missing-key", DIAG_ERROR, msg, NULL);
    free(text);
    free(cs);
    /* both ConfigMaps have a source: fine, and the generator agrees */
    cs = util_xasprintf("connectionStrings:\n%s%s%s", local, base, mk);
    text = ts_registry(NULL, NULL, NULL, NULL, NULL, cs, NULL);
    diag_list l;
    ts_check(text, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(l.n, 0, "%s", dump);
    free(dump);
    diag_list_free(&l);
    char *cm = ts_render_one(text, GEN_KUBERNETES, GEN_BASE_DIR "/configmap.yaml");
    cr_expect_not_null(cm);
    free(cm);
    free(text);
    free(cs);
}

/* ---- loading --------------------------------------------------------------------------- */

Test(registry, top_level_not_a_map)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"- a\n- b\n", "reg.yaml:1:1: expected a map at the top level, got a list"},
        {"hello\n", "reg.yaml:1:1: expected a map at the top level, got a string"},
        {"\n\n42\n", "reg.yaml:3:1: expected a map at the top level, got an integer"},
        {"--- ~\n", "reg.yaml:1:5: expected a map at the top level, got null"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        registry r;
        char err[SRV_ERRLEN] = "";
        cr_expect_eq(registry_load_string(&r, "reg.yaml", cases[i].text,
                                          strlen(cases[i].text), err),
                     -1);
        cr_expect_str_eq(err, cases[i].err);
        cr_expect_null(r.root);
        registry_free(&r);
    }
}

Test(registry, empty_file)
{
    static const char *const texts[] = {"", "\n\n", "# only a comment\n"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(texts); i++) {
        registry r;
        char err[SRV_ERRLEN] = "";
        cr_expect_eq(registry_load_string(&r, "reg.yaml", texts[i], strlen(texts[i]),
                                          err),
                     -1, "text %zu", i);
        cr_expect_str_eq(err, "reg.yaml: the registry is empty");
        registry_free(&r);
    }
}

/* A failed load holds nothing, so a caller that does not free it leaks
 * nothing (make check-valgrind); freeing it anyway stays safe. */
Test(registry, a_failed_load_holds_nothing)
{
    static const char *const texts[] = {"a: [unclosed\n", "- a\n", ""};
    for (size_t i = 0; i < SRV_ARRAY_LEN(texts); i++) {
        registry r;
        char err[SRV_ERRLEN] = "";
        cr_expect_eq(registry_load_string(&r, "reg.yaml", texts[i], strlen(texts[i]), err),
                     -1, "text %zu", i);
        cr_expect(strstr(err, "reg.yaml"), "the error names the file: %s", err);
        cr_expect_null(r.path);
        cr_expect_null(r.shown);
        cr_expect_null(r.root);
    }
    registry r;
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(registry_load(&r, "/nonexistent/config-registry.yaml", "reg.yaml", err), -1);
    cr_expect_null(r.path);
    registry_free(&r);
}

Test(registry, load_from_file_names_the_file)
{
    char *dir = ts_tmpdir();
    char *path = util_xasprintf("%s/infrastructure/config-registry.yaml", dir);
    registry r;
    char err[SRV_ERRLEN] = "";
    cr_expect_eq(registry_load(&r, path, "infrastructure/config-registry.yaml", err), -1);
    cr_expect(strstr(err, "config-registry.yaml") != NULL, "%s", err);
    registry_free(&r);

    ts_write(dir, "infrastructure/config-registry.yaml", "services: [\n");
    cr_expect_eq(registry_load(&r, path, "infrastructure/config-registry.yaml", err), -1);
    cr_expect(strncmp(err, "infrastructure/config-registry.yaml:", 36) == 0, "%s", err);
    registry_free(&r);

    char *text = base_registry();
    ts_write(dir, "infrastructure/config-registry.yaml", text);
    cr_assert_eq(registry_load(&r, path, "infrastructure/config-registry.yaml", err), 0,
                 "%s", err);
    cr_expect_str_eq(r.shown, "infrastructure/config-registry.yaml");
    cr_expect_str_eq(r.path, path);
    diag_list l;
    diag_list_init(&l);
    char *t2 = with(text, "      web: 9000", "      web: x");
    registry_free(&r);
    ts_write(dir, "infrastructure/config-registry.yaml", t2);
    cr_assert_eq(registry_load(&r, path, "infrastructure/config-registry.yaml", err), 0);
    registry_check(&r, &l);
    const diag *d = ts_diag(&l, "type", NULL);
    cr_assert_not_null(d);
    cr_expect_str_eq(d->file, "infrastructure/config-registry.yaml");
    diag_list_free(&l);
    registry_free(&r);
    free(t2);
    free(text);
    free(path);
    ts_rmrf(dir);
    free(dir);
}

Test(registry, image_ref_prints_like_javascript)
{
    char *base = base_registry();
    char *text = with(base, "      tag: v8", "      tag: 1.0");
    char *t2 = with(text, "      repository: acme/api\n", "");
    registry r;
    ts_load(&r, t2);
    char *ref = registry_image_ref(val_get(registry_section(&r, "databases"), "cache"));
    cr_expect_str_eq(ref, "valkey/valkey:1");
    free(ref);
    ref = registry_image_ref(val_get(registry_section(&r, "services"), "api"));
    cr_expect_str_eq(ref, "undefined:v2");
    free(ref);
    ref = registry_image_ref(NULL);
    cr_expect_str_eq(ref, "undefined:undefined");
    free(ref);
    cr_expect_null(registry_section(&r, "nothing"));
    registry_free(&r);
    free(t2);
    free(text);
    free(base);
}

Test(registry, odd_shapes_do_not_crash_the_checker)
{
    static const char *const texts[] = {
        "services: []\ndatabases: 5\nbuild: x\nnetworks: []\nconnectionStrings: 1\n"
        "security: null\nmetadata: ~\n",
        "services:\n  a: ~\n  b: []\n  c: {image: 5, name: [], port: {}}\n"
        "databases:\n  d: ~\n  e: {name: x}\n",
        "connectionStrings:\n  x: 5\n  y: ~\nnetworks: {default: 5}\n",
        "services:\n  a:\n    volumes: [1, ~, {mountPath: 1}]\n    command: [[], {}]\n",
        "services:\n  1: {name: one}\n  '2': {name: two}\n",
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(texts); i++) {
        diag_list l;
        ts_check(texts[i], &l);
        cr_expect_gt(diag_count(&l, DIAG_ERROR, -1), 0, "text %zu", i);
        diag_list_free(&l);
    }
}

Test(registry, names_that_collide_with_a_generated_configmap)
{
    char *base = base_registry();
    char *text = with(base, "    name: acme-api", "    name: configmap");
    expect_one(text, "name-collision", DIAG_WARNING,
               "services.api.name: \"configmap\" names the same file as the generated "
               "ConfigMap (base/configmap.yaml): one overwrites the other",
               "name: @configmap");
    free(text);
    text = with(base, "    name: cache", "    name: configmap-minikube");
    expect_one(text, "name-collision", DIAG_WARNING,
               "databases.cache.name: \"configmap-minikube\" names the same file as the "
               "generated ConfigMap (minikube/configmap-minikube.yaml): one overwrites "
               "the other",
               "name: @configmap-minikube");
    free(text);
    /* the other directory is fine */
    text = with(base, "    name: cache", "    name: configmap");
    diag_list l;
    ts_check(text, &l);
    cr_expect_eq(ts_count(&l, "name-collision"), 0);
    diag_list_free(&l);
    free(text);
    free(base);
}

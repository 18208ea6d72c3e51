/* tests/test_validate.c — core/validate: every reference check of spec §4.2
 * (provoked by editing a freshly generated tree), the exit rule, the text
 * layout of §4.1, discovery order, srvconsole's own checks (§4.4, one test
 * each) and the --json shape. */
#include "config.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/generate.h"
#include "core/util.h"
#include "core/validate.h"
#include "tests/tsupport.h"

#define DB_FILE GEN_COMPOSE_DIR "/docker-compose-db.yml"
#define SVC_FILE GEN_COMPOSE_DIR "/docker-compose-services.yml"
#define API_YAML GEN_BASE_DIR "/acme-api.yaml"
#define CACHE_YAML GEN_MINIKUBE_DIR "/cache.yaml"
#define API_JSON GEN_AGENTS_DIR "/api.config.json"
#define ENV_EXAMPLE GEN_CONFIGS_DIR "/.env.local.example"

/* The fixture's services with resources on the api, and a StatefulSet
 * database next to the fixture's cache. */
static const char *const V_SERVICES = "services:\n"
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
                                      "      web: 9000\n"
                                      "    resources:\n"
                                      "      memory: {request: 256Mi, limit: 512Mi}\n"
                                      "      cpu: {request: 150m, limit: 300m}\n";

static const char *const V_DATABASES = "databases:\n"
                                       "  cache:\n"
                                       "    name: cache\n"
                                       "    image:\n"
                                       "      repository: valkey/valkey\n"
                                       "      tag: v8\n"
                                       "    port: 7000\n"
                                       "  queue:\n"
                                       "    name: queue\n"
                                       "    image: {repository: mq, tag: \"3\"}\n"
                                       "    kubernetes:\n"
                                       "      kind: StatefulSet\n"
                                       "      volumeClaimTemplate:\n"
                                       "        name: q-data\n"
                                       "        mountPath: /q\n"
                                       "        storage: 1Gi\n"
                                       "    ports: {amqp: 5600}\n";

static const char *const V_KUSTOMIZATION = "resources:\n"
                                           "- configmap.yaml\n"
                                           "- acme-api.yaml\n";

static char *v_registry(void)
{
    return ts_registry(NULL, V_SERVICES, V_DATABASES, NULL, NULL, NULL, NULL);
}

/* The hand-written files a clean project has. */
static void handwritten(const char *root)
{
    ts_write(root, "docker/Dockerfile.build", "FROM scratch\n");
    ts_write(root, "docker/Dockerfile.run", "FROM scratch\n");
    ts_write(root, "docker/Dockerfile.cmd", "FROM scratch\n");
    ts_write(root, GEN_BASE_DIR "/kustomization.yaml", V_KUSTOMIZATION);
}

/* A generated, clean tree for `text` (NULL: v_registry()). */
static char *tree(const char *text, registry *r)
{
    char *root = ts_tmpdir();
    char *own = text ? NULL : v_registry();
    ts_tree(root, text ? text : own, r);
    handwritten(root);
    free(own);
    return root;
}

static char *const NO_ENV[] = {NULL};

static void run(const char *root, const registry *r, bool reference_only,
                char **envp, diag_list *l)
{
    diag_list_init(l);
    validate_opts o = {reference_only, envp ? envp : (char **)NO_ENV, false};
    validate_run(root, r, &o, l);
}

static size_t count_src(const diag_list *l, diag_source src)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].src == src)
            n++;
    return n;
}

/* Exactly one reference finding with this message; checks its severity,
 * file and Expected/Actual (NULL: no such lines). */
static void expect_ref(const diag_list *l, diag_severity sev, const char *file,
                       const char *message, const char *expected, const char *actual)
{
    char *dump = ts_dump(l);
    const diag *d = NULL;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].src == DIAG_SRC_REFERENCE &&
            !strcmp(l->items[i].message, message) && !strcmp(l->items[i].file, file)) {
            d = d ? d : &l->items[i];
            n++;
        }
    cr_assert_not_null(d, "no \"%s\" on %s in:\n%s", message, file, dump);
    cr_expect_eq(n, 1, "\"%s\" reported %zu times:\n%s", message, n, dump);
    cr_expect_eq(d->sev, sev, "\"%s\": severity %d", message, d->sev);
    if (expected) {
        cr_expect(d->expected && !strcmp(d->expected, expected),
                  "\"%s\": expected %s, have %s", message, expected,
                  d->expected ? d->expected : "(none)");
        cr_expect(d->actual && !strcmp(d->actual, actual),
                  "\"%s\": actual %s, have %s", message, actual,
                  d->actual ? d->actual : "(none)");
    } else {
        cr_expect_null(d->expected, "\"%s\" has an Expected line", message);
    }
    free(dump);
}

static void expect_no_ref(const diag_list *l)
{
    char *dump = ts_dump(l);
    cr_expect_eq(count_src(l, DIAG_SRC_REFERENCE), 0, "reference findings:\n%s", dump);
    free(dump);
}

static void cleanup(char *root, registry *r, diag_list *l)
{
    if (l)
        diag_list_free(l);
    if (r)
        registry_free(r);
    ts_rmrf(root);
    free(root);
}

/* ---- the clean tree ---------------------------------------------------------------- */

Test(clean, generated_tree_has_no_findings_but_notes)
{
    registry r;
    char *root = tree(NULL, &r);
    diag_list l;
    run(root, &r, false, NULL, &l);
    char *dump = ts_dump(&l);
    cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), 0, "%s", dump);
    cr_expect_eq(diag_count(&l, DIAG_WARNING, -1), 0, "%s", dump);
    /* only the note that the build-only builder is not applied */
    cr_expect_eq(l.n, 1, "%s", dump);
    cr_expect_not_null(ts_diag(&l, "not-applied", "acme-builder.yaml"), "%s", dump);
    cr_expect_eq(validate_exit_status(&l), 0);
    free(dump);
    cleanup(root, &r, &l);
}

/* The api has a Dockerfile, so the services file gets additional_contexts:
 * with compose v1 that is a warning on that file, with v2 nothing. */
Test(doctor, additional_contexts_with_compose_v1)
{
    registry r;
    char *root = tree(NULL, &r);
    char *path = util_path_join(root, SVC_FILE), *svc = NULL, err[SRV_ERRLEN];
    size_t len;
    cr_assert_eq(util_read_file(path, 1 << 20, &svc, &len, err), 0, "%s", err);
    cr_assert(strstr(svc, "additional_contexts:"), "precondition: %s", svc);
    free(svc);
    free(path);
    for (int v1 = 0; v1 <= 1; v1++) {
        diag_list l;
        diag_list_init(&l);
        validate_opts o = {false, (char **)NO_ENV, v1 == 1};
        validate_run(root, &r, &o, &l);
        char *dump = ts_dump(&l);
        const diag *d = ts_diag(&l, "compose-v1", "docker-compose v1");
        if (v1) {
            /* one warning, on the services file (the databases have no build) */
            cr_expect_eq(ts_count(&l, "compose-v1"), 1, "%s", dump);
            cr_expect(d && d->sev == DIAG_WARNING && !strcmp(d->file, SVC_FILE), "%s", dump);
        } else {
            cr_expect_null(d, "%s", dump);
        }
        free(dump);
        diag_list_free(&l);
    }
    cleanup(root, &r, NULL);
}

Test(clean, missing_files_are_skipped_by_the_reference_checks)
{
    /* only the registry: the reference checks find nothing to check, except
     * that every agent config is missing (a warning) */
    char *root = ts_tmpdir();
    char *text = v_registry();
    ts_write(root, "infrastructure/config-registry.yaml", text);
    registry r;
    ts_load(&r, text);
    diag_list l;
    run(root, &r, true, NULL, &l);
    cr_expect_eq(l.n, 2);
    expect_ref(&l, DIAG_WARNING, GEN_AGENTS_DIR "/builder.config.json",
               "Agent config file not found", NULL, NULL);
    expect_ref(&l, DIAG_WARNING, API_JSON, "Agent config file not found", NULL, NULL);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
    /* srvconsole notes that nothing is generated yet */
    run(root, &r, false, NULL, &l);
    cr_expect_not_null(ts_diag(&l, "not-generated", NULL));
    free(text);
    cleanup(root, &r, &l);
}

/* ---- stage 1: compose ----------------------------------------------------------------- */

Test(compose, missing_service_definition)
{
    static const struct {
        const char *file, *from, *to, *name;
    } cases[] = {
        {DB_FILE, "  cache:\n", "  cache2:\n", "cache"},
        {DB_FILE, "  queue:\n", "  other:\n", "queue"},
        {SVC_FILE, "  acme-api:\n", "  acme-apii:\n", "acme-api"},
        {SVC_FILE, "  acme-builder:\n", "  builder:\n", "acme-builder"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        registry r;
        char *root = tree(NULL, &r);
        ts_edit(root, cases[i].file, cases[i].from, cases[i].to);
        diag_list l;
        run(root, &r, true, NULL, &l);
        char *msg = util_xasprintf("Missing service definition for %s", cases[i].name);
        expect_ref(&l, DIAG_ERROR, cases[i].file, msg, NULL, NULL);
        cr_expect_eq(l.n, 1);
        cr_expect_eq(validate_exit_status(&l), 1);
        free(msg);
        cleanup(root, &r, &l);
    }
}

Test(compose, port_is_found_by_substring)
{
    registry r;
    char *root = tree(NULL, &r);
    /* 7000 is "found" in '17000:17000' and in '7000:1' */
    ts_edit(root, DB_FILE, "'7000:7000'", "'17000:17000'");
    ts_edit(root, SVC_FILE, "'9000:9000'", "'19000:1'");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l);
    diag_list_free(&l);
    /* not found: single port, then a named port */
    ts_edit(root, DB_FILE, "'17000:17000'", "'7001:7001'");
    ts_edit(root, SVC_FILE, "'19000:1'", "'9001:9001'\n      - 8000:8000");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, DB_FILE, "Port mismatch for cache", "7000", "[\"7001:7001\"]");
    expect_ref(&l, DIAG_ERROR, SVC_FILE, "Port mismatch for acme-api.web", "9000",
               "[\"9001:9001\",\"8000:8000\"]");
    cr_expect_eq(l.n, 2);
    cleanup(root, &r, &l);
}

Test(compose, port_list_missing_prints_empty_list)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, DB_FILE, "    ports:\n      - '5600:5600'\n", "");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, DB_FILE, "Port mismatch for queue.amqp", "5600", "[]");
    cleanup(root, &r, &l);
}

Test(compose, empty_ports_map_and_port_zero)
{
    /* ports {} checks nothing; port 0 falls back to the ports map */
    const char *svcs = "services:\n"
                       "  builder:\n"
                       "    name: b\n    description: d\n"
                       "    image: {repository: b, tag: t}\n    buildOnly: true\n"
                       "  one:\n"
                       "    name: one\n    description: d\n"
                       "    image: {repository: o, tag: t}\n"
                       "    ports: {}\n"
                       "  two:\n"
                       "    name: two\n    description: d\n"
                       "    image: {repository: t, tag: t}\n"
                       "    port: 0\n"
                       "    ports: {x: 4000}\n";
    char *text = ts_registry(NULL, svcs, NULL, NULL, NULL, NULL, NULL);
    registry r;
    char *root = tree(text, &r);
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l);
    diag_list_free(&l);
    ts_edit(root, SVC_FILE, "'4000:4000'", "'4001:4001'");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, SVC_FILE, "Port mismatch for two.x", "4000",
               "[\"4001:4001\"]");
    cr_expect_eq(l.n, 1);
    free(text);
    cleanup(root, &r, &l);
}

Test(compose, unparsable_or_odd_files_are_errors_not_crashes)
{
    static const struct {
        const char *from, *to, *message;
    } cases[] = {
        {"services:\n", "services: [\n", "Error validating configurations"},
        {"      - '7000:7000'", "      - 7000", "a ports item is not a string"},
        {"    ports:\n      - '7000:7000'", "    ports: {a: '7000:7000'}",
         "ports is not a list"},
        {"    ports:\n      - '7000:7000'", "    ports: '7000:7000'",
         "ports is not a list"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        registry r;
        char *root = tree(NULL, &r);
        ts_edit(root, DB_FILE, cases[i].from, cases[i].to);
        diag_list l;
        run(root, &r, true, NULL, &l);
        char *dump = ts_dump(&l);
        const diag *d = NULL;
        for (size_t k = 0; k < l.n && !d; k++)
            if (l.items[k].sev == DIAG_ERROR && !strcmp(l.items[k].file, DB_FILE))
                d = &l.items[k];
        cr_expect_not_null(d, "case %zu:\n%s", i, dump);
        if (d)
            cr_expect(strstr(d->message, cases[i].message) != NULL, "case %zu:\n%s", i,
                      dump);
        cr_expect_eq(l.n, 1, "one error per file: case %zu:\n%s", i, dump);
        cr_expect_eq(validate_exit_status(&l), 1, "case %zu", i);
        free(dump);
        cleanup(root, &r, &l);
    }
}

/* ---- stage 2: Kubernetes ---------------------------------------------------------------- */

Test(kubernetes, container_port_is_compared_strictly)
{
    registry r;
    char *root = tree(NULL, &r);
    /* the same number as a string is a mismatch */
    ts_edit(root, API_YAML, "containerPort: 9000", "containerPort: '9000'");
    ts_edit(root, CACHE_YAML, "containerPort: 7000", "containerPort: 7001");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, API_YAML, "Port mismatch for web in containerPort", "9000",
               "[\"9000\"]");
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "Port mismatch in containerPort", "7000",
               "[7001]");
    cr_expect_eq(l.n, 2);
    cleanup(root, &r, &l);
}

Test(kubernetes, no_workload_and_no_container)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, API_YAML, "kind: Deployment", "kind: Job");
    ts_edit(root, CACHE_YAML, "      containers:\n", "      containers: []\n      old:\n");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, API_YAML,
               "No Deployment or StatefulSet found in manifest (may be Job or other kind)",
               NULL, NULL);
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "No container definition found", NULL, NULL);
    cr_expect_eq(l.n, 2, "the file is done after either");
    cleanup(root, &r, &l);
}

Test(kubernetes, split_at_every_three_dashes)
{
    registry r;
    char *root = tree(NULL, &r);
    /* a broken piece before the workload is ignored */
    char *old = ts_read(root, API_YAML);
    char *text = util_xasprintf("foo: [\n---\n%s", old);
    ts_write(root, API_YAML, text);
    /* "---" inside a value cuts the document there */
    ts_edit(root, CACHE_YAML, "image: valkey/valkey:v8", "image: valkey/valkey---x:v8");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "Port mismatch in containerPort", "7000", "[]");
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "Image mismatch", "\"valkey/valkey:v8\"",
               "\"valkey/valkey\"");
    cr_expect_eq(l.n, 2);
    free(text);
    free(old);
    cleanup(root, &r, &l);
}

Test(kubernetes, statefulset_claims_and_storage)
{
    registry r;
    char *root = tree(NULL, &r);
    const char *q = GEN_MINIKUBE_DIR "/queue.yaml";
    ts_edit(root, q, "storage: 1Gi", "storage: 2Gi");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, q, "Storage size mismatch", "\"1Gi\"", "\"2Gi\"");
    cr_expect_eq(l.n, 1);
    diag_list_free(&l);
    ts_edit(root, q, "  volumeClaimTemplates:", "  claims:");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, q, "Missing volumeClaimTemplates for StatefulSet", NULL,
               NULL);
    cr_expect_eq(l.n, 1);
    cleanup(root, &r, &l);
}

Test(kubernetes, resources)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, API_YAML, "memory: 256Mi", "memory: 300Mi");
    ts_edit(root, API_YAML, "cpu: 150m", "cpu: 0.15");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, API_YAML, "Memory request mismatch", "\"256Mi\"",
               "\"300Mi\"");
    expect_ref(&l, DIAG_WARNING, API_YAML, "CPU request mismatch", "\"150m\"", "0.15");
    cr_expect_eq(l.n, 2);
    diag_list_free(&l);
    /* limits are never compared */
    ts_edit(root, API_YAML, "memory: 512Mi", "memory: 1Ti");
    run(root, &r, true, NULL, &l);
    cr_expect_eq(l.n, 2);
    diag_list_free(&l);
    /* no resources at all in the container */
    ts_edit(root, API_YAML, "          resources:\n", "          limitsGone:\n");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, API_YAML, "Missing resource definitions", NULL, NULL);
    cr_expect_eq(l.n, 1);
    cleanup(root, &r, &l);
}

Test(kubernetes, registry_without_a_compared_field)
{
    /* resources without memory/cpu requests: the generated defaults differ
     * from "undefined", reported without Expected/Actual lines */
    const char *svcs = "services:\n"
                       "  builder:\n"
                       "    name: b\n    description: d\n"
                       "    image: {repository: b, tag: t}\n    buildOnly: true\n"
                       "  w:\n"
                       "    name: w\n    description: d\n"
                       "    image: {repository: w, tag: t}\n"
                       "    resources: {memory: {limit: 1Gi}}\n";
    char *text = ts_registry(NULL, svcs, NULL, NULL, NULL, NULL, NULL);
    registry r;
    char *root = tree(text, &r);
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, GEN_BASE_DIR "/w.yaml", "Memory request mismatch", NULL,
               NULL);
    expect_ref(&l, DIAG_WARNING, GEN_BASE_DIR "/w.yaml", "CPU request mismatch", NULL,
               NULL);
    cr_expect_eq(validate_exit_status(&l), 0);
    free(text);
    cleanup(root, &r, &l);
}

Test(kubernetes, image)
{
    registry r;
    char *root = tree(NULL, &r);
    diag_list l;
    /* services get srvthreds:dev; the registry's own image is accepted too */
    ts_edit(root, API_YAML, "image: srvthreds:dev", "image: acme/api:v2");
    ts_edit(root, CACHE_YAML, "image: valkey/valkey:v8", "image: srvthreds:dev");
    /* build-only entries are not checked */
    ts_edit(root, GEN_BASE_DIR "/acme-builder.yaml", "image: srvthreds:dev",
            "image: anything:else");
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l);
    diag_list_free(&l);
    ts_edit(root, API_YAML, "image: acme/api:v2", "image: acme/api:v3");
    ts_edit(root, CACHE_YAML, "image: srvthreds:dev", "imageX: none");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, API_YAML, "Image mismatch", "\"acme/api:v2\"",
               "\"acme/api:v3\"");
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "Image mismatch", "\"valkey/valkey:v8\"",
               "undefined");
    cleanup(root, &r, &l);
}

Test(kubernetes, odd_shapes_are_no_crash)
{
    static const struct {
        const char *from, *to;
    } cases[] = {
        {"          ports:\n            - containerPort: 7000\n",
         "          ports: {a: {containerPort: 7000}}\n"},
        {"          ports:\n            - containerPort: 7000\n", "          ports: 7000\n"},
        {"          ports:\n            - containerPort: 7000\n",
         "          ports:\n            - 7000\n"},
        {"      containers:\n", "      containers: {a: 1}\n      old:\n"},
        {"apiVersion: apps/v1\n", "- a\n- b\n"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(cases); i++) {
        registry r;
        char *root = tree(NULL, &r);
        ts_edit(root, CACHE_YAML, cases[i].from, cases[i].to);
        diag_list l;
        run(root, &r, true, NULL, &l);
        cr_expect_eq(l.n, 1, "case %zu", i);
        cleanup(root, &r, &l);
    }
    /* ports that are not a list of maps hold no containerPort */
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, CACHE_YAML, "          ports:\n            - containerPort: 7000\n",
            "          ports: {a: {containerPort: 7000}}\n");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, CACHE_YAML, "Port mismatch in containerPort", "7000", "[]");
    cleanup(root, &r, &l);
}

/* ---- stage 3: agent configs --------------------------------------------------------------- */

Test(agents, missing_file_is_a_warning)
{
    registry r;
    char *root = tree(NULL, &r);
    char *p = util_path_join(root, API_JSON);
    cr_assert_eq(unlink(p), 0);
    free(p);
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, API_JSON, "Agent config file not found", NULL, NULL);
    cr_expect_eq(l.n, 1);
    cr_expect_eq(validate_exit_status(&l), 0);
    cleanup(root, &r, &l);
}

Test(agents, port_compared_strictly_and_memory_request)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, API_JSON, "\"web\": 9000", "\"web\": \"9000\"");
    ts_edit(root, API_JSON, "\"request\": \"256Mi\"", "\"request\": \"1Gi\"");
    /* cpu is not compared for agent configs */
    ts_edit(root, API_JSON, "\"request\": \"150m\"", "\"request\": \"1\"");
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, API_JSON, "Port mismatch for web", "9000", "\"9000\"");
    expect_ref(&l, DIAG_WARNING, API_JSON, "Memory request mismatch", "\"256Mi\"",
               "\"1Gi\"");
    cr_expect_eq(l.n, 2);
    diag_list_free(&l);
    ts_edit(root, API_JSON, "\"web\": \"9000\"", "\"other\": 9000");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_ERROR, API_JSON, "Port mismatch for web", "9000", "undefined");
    cleanup(root, &r, &l);
}

Test(agents, unparsable_json_is_an_error)
{
    static const char *const bad[] = {"{\n  \"name\": \n", "", "not json", "{} x"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(bad); i++) {
        registry r;
        char *root = tree(NULL, &r);
        ts_write(root, API_JSON, bad[i]);
        diag_list l;
        run(root, &r, true, NULL, &l);
        char *dump = ts_dump(&l);
        cr_expect_eq(l.n, 1, "case %zu:\n%s", i, dump);
        cr_expect(l.n && l.items[0].sev == DIAG_ERROR && !strcmp(l.items[0].file, API_JSON),
                  "case %zu:\n%s", i, dump);
        free(dump);
        cleanup(root, &r, &l);
    }
}

/* ---- stage 4: .env.local.example ------------------------------------------------------------ */

Test(env, example_must_contain_the_local_hosts)
{
    registry r;
    char *root = tree(NULL, &r);
    diag_list l;
    ts_write(root, ENV_EXAMPLE, "MONGO_HOST=localhost:7001\nREDIS_HOST=localhost:7000\n");
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l);
    diag_list_free(&l);
    /* substring anywhere in the text is enough */
    ts_write(root, ENV_EXAMPLE, "# localhost:7001 and localhost:7000\n");
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l);
    diag_list_free(&l);
    ts_write(root, ENV_EXAMPLE, "MONGO_HOST=localhost:7009\nREDIS_HOST=x\n");
    run(root, &r, true, NULL, &l);
    expect_ref(&l, DIAG_WARNING, ENV_EXAMPLE, "MONGO_HOST mismatch", "\"localhost:7001\"",
               "\"Check file manually\"");
    expect_ref(&l, DIAG_WARNING, ENV_EXAMPLE, "REDIS_HOST mismatch", "\"localhost:7000\"",
               "\"Check file manually\"");
    cr_expect_eq(l.n, 2);
    /* MONGO first, then REDIS */
    cr_expect_str_eq(l.items[0].message, "MONGO_HOST mismatch");
    cleanup(root, &r, &l);
}

Test(env, example_without_local_profile_is_an_error)
{
    const char *cs = "connectionStrings:\n"
                     "  kubernetes:\n    mongodb: a\n    redis: b\n    rabbitmq: c\n"
                     "    mongoDirectConnection: true\n    useTls: false\n";
    char *text = ts_registry(NULL, V_SERVICES, V_DATABASES, NULL, NULL, cs, NULL);
    registry r;
    char *root = tree(text, &r);
    diag_list l;
    run(root, &r, true, NULL, &l);
    expect_no_ref(&l); /* no example file: nothing checked */
    diag_list_free(&l);
    ts_write(root, ENV_EXAMPLE, "MONGO_HOST=a\n");
    run(root, &r, true, NULL, &l);
    cr_expect_eq(l.n, 1);
    cr_expect(l.n && l.items[0].sev == DIAG_ERROR && !strcmp(l.items[0].file, ENV_EXAMPLE));
    cr_expect_eq(validate_exit_status(&l), 1);
    free(text);
    cleanup(root, &r, &l);
}

/* ---- order, exit rule ------------------------------------------------------------------------ */

Test(order, findings_follow_the_reference_stages)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_write(root, ENV_EXAMPLE, "nothing\n");
    ts_edit(root, API_JSON, "\"web\": 9000", "\"web\": 1");
    ts_edit(root, CACHE_YAML, "containerPort: 7000", "containerPort: 1");
    ts_edit(root, API_YAML, "containerPort: 9000", "containerPort: 1");
    ts_edit(root, SVC_FILE, "'9000:9000'", "'1:1'");
    ts_edit(root, DB_FILE, "'7000:7000'", "'1:1'");
    diag_list l;
    run(root, &r, false, NULL, &l);
    static const char *const files[] = {DB_FILE,  SVC_FILE,    API_YAML,   CACHE_YAML,
                                        API_JSON, ENV_EXAMPLE, ENV_EXAMPLE};
    char *dump = ts_dump(&l);
    cr_assert_geq(l.n, SRV_ARRAY_LEN(files), "%s", dump);
    for (size_t i = 0; i < SRV_ARRAY_LEN(files); i++) {
        cr_expect_str_eq(l.items[i].file, files[i], "finding %zu:\n%s", i, dump);
        cr_expect_eq(l.items[i].src, DIAG_SRC_REFERENCE);
    }
    /* srvconsole's own findings come after every reference finding */
    for (size_t i = SRV_ARRAY_LEN(files); i < l.n; i++)
        cr_expect_neq(l.items[i].src, DIAG_SRC_REFERENCE, "%s", dump);
    free(dump);
    cleanup(root, &r, &l);
}

Test(order, exit_rule)
{
    diag_list l;
    diag_list_init(&l);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_add(&l, DIAG_WARNING, DIAG_SRC_REFERENCE, "w", "f", 0, 0, "w");
    diag_add(&l, DIAG_INFO, DIAG_SRC_DOCTOR, "i", "f", 0, 0, "i");
    diag_add(&l, DIAG_WARNING, DIAG_SRC_DOCTOR, "w", "f", 0, 0, "w");
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_add(&l, DIAG_ERROR, DIAG_SRC_REFERENCE, "e", "f", 0, 0, "e");
    cr_expect_eq(validate_exit_status(&l), 1);
    diag_list_free(&l);
}

/* ---- the text report (§4.1) ----------------------------------------------------------------- */

#define REPORT_HEAD                                                           \
    "🔍 Validating configurations against config-registry.yaml...\n"          \
    "\n"                                                                      \
    "📦 Validating Docker Compose files...\n"                                 \
    "☸️  Validating Kubernetes manifests...\n"                                \
    "🤖 Validating agent configuration files...\n"                            \
    "📝 Validating .env files...\n"                                           \
    "\n"                                                                      \
    "📊 Validation Results:\n"                                                \
    "\n"

Test(report, clean)
{
    diag_list l;
    diag_list_init(&l);
    strbuf sb = STRBUF_INIT;
    validate_format_text(&sb, &l);
    cr_expect_str_eq(sb.data, REPORT_HEAD "✅ All configurations are valid!\n\n");
    strbuf_free(&sb);
    diag_list_free(&l);
}

Test(report, errors_and_warnings_as_the_reference_prints_them)
{
    diag_list l;
    diag_list_init(&l);
    /* discovery order mixes severities; the report groups them */
    diag *d = diag_add(&l, DIAG_ERROR, DIAG_SRC_REFERENCE, "port-mismatch",
                       "infrastructure/local/docker/compose/docker-compose-services.yml",
                       3, 1, "Port mismatch for srvthreds-engine.http");
    diag_set_expected(d, "8082", "[\"8083:8083\"]");
    diag_add(&l, DIAG_WARNING, DIAG_SRC_REFERENCE, "no-agent-config",
             "infrastructure/local/configs/agents/persistence-agent.config.json", 0, 0,
             "Agent config file not found");
    d = diag_add(&l, DIAG_ERROR, DIAG_SRC_REFERENCE, "port-mismatch",
                 "infrastructure/local/configs/agents/engine.config.json", 0, 0,
                 "Port mismatch for http");
    diag_set_expected(d, "8082", "\"8082\"");
    strbuf sb = STRBUF_INIT;
    validate_format_text(&sb, &l);
    cr_expect_str_eq(
        sb.data,
        REPORT_HEAD
        "❌ Errors (2):\n"
        "\n"
        "  infrastructure/local/docker/compose/docker-compose-services.yml\n"
        "    Port mismatch for srvthreds-engine.http\n"
        "    Expected: 8082\n"
        "    Actual:   [\"8083:8083\"]\n"
        "\n"
        "  infrastructure/local/configs/agents/engine.config.json\n"
        "    Port mismatch for http\n"
        "    Expected: 8082\n"
        "    Actual:   \"8082\"\n"
        "\n"
        "\n"
        "⚠️  Warnings (1):\n"
        "\n"
        "  infrastructure/local/configs/agents/persistence-agent.config.json\n"
        "    Agent config file not found\n"
        "\n"
        "\n"
        "💡 Run `npm run generate:config` to regenerate configurations from "
        "config-registry.yaml\n"
        "\n");
    strbuf_free(&sb);
    diag_list_free(&l);
}

Test(report, warnings_only_and_undefined_actual)
{
    diag_list l;
    diag_list_init(&l);
    diag *d = diag_add(&l, DIAG_WARNING, DIAG_SRC_REFERENCE, "memory-mismatch", "a.yaml",
                       0, 0, "Memory request mismatch");
    diag_set_expected(d, "\"128Mi\"", NULL);
    strbuf sb = STRBUF_INIT;
    validate_format_text(&sb, &l);
    cr_expect_str_eq(sb.data, REPORT_HEAD
                     "\n"
                     "⚠️  Warnings (1):\n"
                     "\n"
                     "  a.yaml\n"
                     "    Memory request mismatch\n"
                     "    Expected: \"128Mi\"\n"
                     "    Actual:   undefined\n"
                     "\n"
                     "\n"
                     "💡 Run `npm run generate:config` to regenerate configurations "
                     "from config-registry.yaml\n"
                     "\n");
    strbuf_free(&sb);
    diag_list_free(&l);
}

Test(report, own_findings_in_a_section_of_their_own)
{
    diag_list l;
    diag_list_init(&l);
    diag_add(&l, DIAG_INFO, DIAG_SRC_DOCTOR, "n", "x.yaml", 2, 3, "a note");
    diag_add(&l, DIAG_WARNING, DIAG_SRC_DOCTOR, "w", "y.yaml", 0, 0, "a warning");
    diag_add(&l, DIAG_ERROR, DIAG_SRC_REGISTRY, "e", "reg.yaml", 4, 5, "an error");
    strbuf sb = STRBUF_INIT;
    validate_format_text(&sb, &l);
    /* the reference part stays clean: none of these are reference issues */
    cr_expect(util_startswith(sb.data, REPORT_HEAD "✅ All configurations are valid!\n\n"),
              "%s", sb.data);
    const char *own = sb.data + strlen(REPORT_HEAD "✅ All configurations are valid!\n\n");
    cr_expect_str_eq(own, "🩺 srvconsole checks (1 error(s), 1 warning(s), 1 note(s)):\n"
                          "\n"
                          "  reg.yaml:4:5: error: an error\n"
                          "  y.yaml: warning: a warning\n"
                          "  x.yaml:2:3: info: a note\n"
                          "\n");
    strbuf_free(&sb);
    diag_list_free(&l);
}

/* ---- --json ---------------------------------------------------------------------------------- */

Test(json, shape)
{
    diag_list l;
    diag_list_init(&l);
    strbuf sb = STRBUF_INIT;
    diag_list_json(&sb, &l);
    cr_expect_str_eq(sb.data, "[]\n");
    strbuf_reset(&sb);
    diag *d = diag_add(&l, DIAG_ERROR, DIAG_SRC_REFERENCE, "port-mismatch", "a/b.yml", 7, 1,
                       "Port mismatch for \"x\"");
    diag_set_expected(d, "8082", "[\"8083:8083\"]");
    d = diag_add(&l, DIAG_WARNING, DIAG_SRC_REFERENCE, "memory-mismatch", "c.yaml", 0, 0,
                 "Memory request mismatch");
    diag_set_expected(d, "\"1Gi\"", "undefined");
    diag_add(&l, DIAG_INFO, DIAG_SRC_DOCTOR, "note", "", 0, 0, "tab\there é");
    diag_add(&l, DIAG_WARNING, DIAG_SRC_REGISTRY, "unknown-key", "reg.yaml", 1, 2, "k");
    diag_list_json(&sb, &l);
    cJSON *j = cJSON_Parse(sb.data);
    cr_assert_not_null(j, "not JSON:\n%s", sb.data);
    cr_assert(cJSON_IsArray(j));
    cr_assert_eq(cJSON_GetArraySize(j), 4);
    static const char *const sev[] = {"error", "warning", "info", "warning"};
    static const char *const src[] = {"reference", "reference", "srvconsole", "registry"};
    for (int i = 0; i < 4; i++) {
        cJSON *o = cJSON_GetArrayItem(j, i);
        cr_assert(cJSON_IsObject(o));
        static const char *const keys[] = {"severity", "source", "code",     "file",  "line",
                                           "column",   "message", "expected", "actual"};
        for (size_t k = 0; k < SRV_ARRAY_LEN(keys); k++)
            cr_expect(cJSON_HasObjectItem(o, keys[k]), "item %d lacks %s", i, keys[k]);
        cr_expect_str_eq(cJSON_GetObjectItem(o, "severity")->valuestring, sev[i]);
        cr_expect_str_eq(cJSON_GetObjectItem(o, "source")->valuestring, src[i]);
    }
    cJSON *o = cJSON_GetArrayItem(j, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(o, "file")->valuestring, "a/b.yml");
    cr_expect_eq(cJSON_GetObjectItem(o, "line")->valueint, 7);
    cr_expect_str_eq(cJSON_GetObjectItem(o, "message")->valuestring, "Port mismatch for \"x\"");
    cr_expect_eq(cJSON_GetObjectItem(o, "expected")->valuedouble, 8082);
    cJSON *act = cJSON_GetObjectItem(o, "actual");
    cr_expect(cJSON_IsArray(act) && cJSON_GetArraySize(act) == 1);
    o = cJSON_GetArrayItem(j, 1);
    cr_expect_str_eq(cJSON_GetObjectItem(o, "expected")->valuestring, "1Gi");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(o, "actual")), "undefined becomes null");
    o = cJSON_GetArrayItem(j, 2);
    cr_expect_str_eq(cJSON_GetObjectItem(o, "message")->valuestring, "tab\there é");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(o, "expected")));
    cJSON_Delete(j);
    strbuf_free(&sb);
    diag_list_free(&l);
}

Test(json, of_a_real_run_parses)
{
    registry r;
    char *root = tree(NULL, &r);
    ts_edit(root, API_JSON, "\"web\": 9000", "\"web\": \"9000\"");
    ts_write(root, ENV_EXAMPLE, "x\n");
    diag_list l;
    char *env[] = {"MONGO_HOST=\"quoted\"\\x", NULL};
    run(root, &r, false, env, &l);
    strbuf sb = STRBUF_INIT;
    diag_list_json(&sb, &l);
    cJSON *j = cJSON_Parse(sb.data);
    cr_assert_not_null(j, "not JSON:\n%s", sb.data);
    cr_expect_eq((size_t)cJSON_GetArraySize(j), l.n);
    cJSON_Delete(j);
    strbuf_free(&sb);
    cleanup(root, &r, &l);
}

/* ---- srvconsole's own checks (§4.4): one test each ------------------------------------------ */

/* The doctor finding `code` whose message contains `needle`: present, a
 * warning, from srvconsole, and never an error. */
static void expect_doctor(const diag_list *l, const char *code, const char *needle)
{
    char *dump = ts_dump(l);
    const diag *d = ts_diag(l, code, needle);
    cr_expect_not_null(d, "no [%s] \"%s\" in:\n%s", code, needle ? needle : "", dump);
    if (d) {
        cr_expect_eq(d->src, DIAG_SRC_DOCTOR);
        cr_expect_eq(d->sev, DIAG_WARNING, "[%s] severity %d", code, d->sev);
    }
    free(dump);
}

static const char *const DUP_SERVICES = "services:\n"
                                        "  builder:\n"
                                        "    name: acme-builder\n"
                                        "    description: d\n"
                                        "    image: {repository: b, tag: t}\n"
                                        "    buildOnly: true\n"
                                        "  api:\n"
                                        "    name: acme-api\n"
                                        "    description: d\n"
                                        "    image: {repository: a, tag: t}\n"
                                        "    dockerfile: docker/Dockerfile.run\n"
                                        "    ports: {web: 9000}\n"
                                        "  api2:\n"
                                        "    name: %s\n"
                                        "    description: d\n"
                                        "    image: {repository: a, tag: t}\n"
                                        "    dockerfile: docker/Dockerfile.run\n"
                                        "    %s\n";

static diag_list doctor_run(const char *services, const char *databases,
                            const char *connections, void (*edit)(const char *root),
                            char **envp)
{
    char *text = ts_registry(NULL, services, databases, NULL, NULL, connections, NULL);
    registry r;
    char *root = tree(text, &r);
    if (edit)
        edit(root);
    diag_list l;
    run(root, &r, false, envp, &l);
    /* none of srvconsole's checks is an error: the verdict stays the
     * reference's */
    char *dump = ts_dump(&l);
    for (size_t i = 0; i < l.n; i++)
        if (l.items[i].src == DIAG_SRC_DOCTOR)
            cr_expect_neq(l.items[i].sev, DIAG_ERROR, "%s", dump);
    free(dump);
    /* and --reference drops them all */
    diag_list ref;
    run(root, &r, true, envp, &ref);
    cr_expect_eq(count_src(&ref, DIAG_SRC_DOCTOR), 0);
    diag_list_free(&ref);
    free(text);
    cleanup(root, &r, NULL);
    return l;
}

Test(doctor, duplicate_names)
{
    char *svcs = util_xasprintf(DUP_SERVICES, "acme-api", "ports: {}");
    diag_list l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    expect_doctor(&l, "duplicate-name", "services.api and services.api2");
    diag_list_free(&l);
    free(svcs);
    /* a database named like a service collides too */
    svcs = util_xasprintf(DUP_SERVICES, "cache", "ports: {}");
    l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    expect_doctor(&l, "duplicate-name", "\"cache\"");
    diag_list_free(&l);
    free(svcs);
}

Test(doctor, duplicate_host_ports)
{
    char *svcs = util_xasprintf(DUP_SERVICES, "acme-api2", "port: 7000");
    diag_list l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    expect_doctor(&l, "duplicate-port", "host port 7000");
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
    free(svcs);
    /* different ports: nothing */
    svcs = util_xasprintf(DUP_SERVICES, "acme-api2", "port: 7001");
    l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    cr_expect_null(ts_diag(&l, "duplicate-port", NULL));
    diag_list_free(&l);
    free(svcs);
}

Test(doctor, depends_on_naming_no_service)
{
    char *svcs = util_xasprintf(DUP_SERVICES, "acme-api2", "dependsOn: [acme-api, ghost]");
    diag_list l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    expect_doctor(&l, "depends-on", "\"ghost\"");
    cr_expect_null(ts_diag(&l, "depends-on", "\"acme-api\""));
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
    free(svcs);
}

static void remove_runtime_dockerfile(const char *root)
{
    char *p = util_path_join(root, "docker/Dockerfile.run");
    cr_assert_eq(unlink(p), 0);
    free(p);
}

Test(doctor, missing_dockerfile)
{
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, NULL, remove_runtime_dockerfile, NULL);
    expect_doctor(&l, "dockerfile", "services.api: Dockerfile docker/Dockerfile.run");
    expect_doctor(&l, "dockerfile", "build.dockerfiles.runtime");
    cr_expect_eq(ts_count(&l, "dockerfile"), 2);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

static void kustomization_with_missing_resource(const char *root)
{
    ts_write(root, GEN_BASE_DIR "/kustomization.yaml",
             "resources:\n- configmap.yaml\n- acme-api.yaml\n- gone.yaml\n"
             "patches:\n- path: patch-gone.yaml\n");
}

Test(doctor, kustomization_resource_missing)
{
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, NULL,
                             kustomization_with_missing_resource, NULL);
    expect_doctor(&l, "kustomization", "gone.yaml does not exist");
    expect_doctor(&l, "kustomization", "patch-gone.yaml does not exist");
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

Test(doctor, configmap_host_naming_no_service)
{
    const char *cs = "connectionStrings:\n"
                      "  kubernetes:\n"
                      "    mongodb: mongodb-service:27017\n"
                      "    redis: cache-service:7000\n"
                      "    rabbitmq: queue-service\n"
                      "    mongoDirectConnection: false\n"
                      "    useTls: false\n"
                      "  minikube:\n"
                      "    mongodb: host.minikube.internal:27017\n"
                      "    redis: localhost:7000\n"
                      "    rabbitmq: acme-builder-service\n"
                      "    mongoDirectConnection: true\n"
                      "    useTls: false\n";
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, cs, NULL, NULL);
    expect_doctor(&l, "configmap-host", "\"mongodb-service\"");
    /* the builder has no ports, so no Service */
    expect_doctor(&l, "configmap-host", "\"acme-builder-service\"");
    /* Services that exist, DNS names and localhost are fine */
    cr_expect_eq(ts_count(&l, "configmap-host"), 2);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

static void hand_edit_generated(const char *root)
{
    /* a change the reference checks do not see */
    ts_edit(root, CACHE_YAML, "  replicas: 1\n", "  replicas: 3\n");
    ts_edit(root, GEN_CONFIGS_DIR "/.env.local", "JWT_SECRET=\n", "JWT_SECRET=s3cret\n");
}

Test(doctor, stale_generated_files)
{
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, NULL, hand_edit_generated, NULL);
    expect_no_ref(&l);
    char *dump = ts_dump(&l);
    cr_expect_eq(ts_count(&l, "stale"), 2, "%s", dump);
    free(dump);
    const diag *d = ts_diag(&l, "stale", NULL);
    cr_assert_not_null(d);
    cr_expect_str_eq(d->file, CACHE_YAML);
    cr_expect(strstr(d->message, "srvconsole generate") != NULL);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

Test(doctor, exported_host_variables_leak_into_containers)
{
    char *leak[] = {"PATH=/bin", "MONGO_HOST=elsewhere:1", "REDIS_HOSTNAME=x",
                    "XRABBITMQ_HOST=y", NULL};
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, NULL, NULL, leak);
    expect_doctor(&l, "env-leak", "MONGO_HOST is exported (MONGO_HOST=elsewhere:1)");
    cr_expect_eq(ts_count(&l, "env-leak"), 1);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

Test(doctor, kubernetes_names)
{
    char *svcs = util_xasprintf(DUP_SERVICES, "Acme_API", "ports: {}");
    diag_list l = doctor_run(svcs, NULL, NULL, NULL, NULL);
    expect_doctor(&l, "k8s-name", "\"Acme_API\"");
    cr_expect_eq(ts_count(&l, "k8s-name"), 1);
    diag_list_free(&l);
    free(svcs);
}

static void everything_wrong(const char *root)
{
    remove_runtime_dockerfile(root);
    kustomization_with_missing_resource(root);
    hand_edit_generated(root);
}

Test(doctor, none_turns_a_reference_clean_tree_into_a_failure)
{
    char *svcs = util_xasprintf(DUP_SERVICES, "cache", "port: 9000\n    dependsOn: [ghost]");
    const char *cs = "connectionStrings:\n"
                     "  local:\n    mongodb: localhost:1\n    redis: localhost:2\n"
                     "    rabbitmq: localhost\n    mongoDirectConnection: true\n"
                     "    useTls: false\n"
                     "  kubernetes:\n    mongodb: mongodb-service:1\n    redis: r-service\n"
                     "    rabbitmq: q-service\n    mongoDirectConnection: true\n"
                     "    useTls: true\n";
    char *leak[] = {"REDIS_HOST=x", NULL};
    diag_list l = doctor_run(svcs, V_DATABASES, cs, everything_wrong, leak);
    char *dump = ts_dump(&l);
    /* the reference sees a clean tree (the duplicate name only makes both
     * entries check the same compose entry) ... */
    cr_expect_eq(diag_count(&l, DIAG_ERROR, DIAG_SRC_REFERENCE), 0, "%s", dump);
    /* ... srvconsole finds a lot, and the verdict is still 0 */
    static const char *const codes[] = {"duplicate-name", "duplicate-port", "depends-on",
                                        "dockerfile",     "kustomization",  "configmap-host",
                                        "stale",          "env-leak"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(codes); i++)
        cr_expect_gt(ts_count(&l, codes[i]), 0, "no %s:\n%s", codes[i], dump);
    cr_expect_eq(diag_count(&l, DIAG_ERROR, -1), 0, "%s", dump);
    cr_expect_eq(validate_exit_status(&l), 0);
    free(dump);
    diag_list_free(&l);
    free(svcs);
}

/* ---- registries the checker rejects still do not crash the validator ----------------- */

Test(robust, odd_registries_against_a_generated_tree)
{
    static const char *const texts[] = {
        "services: []\ndatabases: 5\nbuild: x\nnetworks: []\nconnectionStrings: 1\n"
        "security: null\nmetadata: ~\n",
        "services:\n  a: ~\n  b: []\n  c: {image: 5, name: [], port: {}, ports: [1]}\n"
        "databases:\n  d: ~\n  e: {name: x, kubernetes: {volumeClaimTemplate: 5}}\n",
        "connectionStrings:\n  x: 5\n  kubernetes: ~\nnetworks: {default: 5}\n",
        "services:\n  api:\n    name: acme-api\n    ports: {web: [1]}\n"
        "    resources: {memory: 5}\n    dependsOn: {a: 1}\n    image: {repository: [], "
        "tag: {}}\n",
        "databases:\n  cache:\n    name: cache\n    port: {}\n    volumes: [1, ~]\n",
        "build:\n  dockerfiles: [a]\n",
        /* values whose JavaScript text is "" */
        "services:\n  a:\n    name: []\n    port: []\n    dependsOn: [[], [~]]\n"
        "databases:\n  b:\n    name: [~]\n    ports: {x: []}\n"
        "connectionStrings:\n  local: {mongodb: [], redis: [[]]}\n"
        "  kubernetes: {mongodb: [], redis: [], rabbitmq: []}\n"
        "networks: {default: {name: []}}\nmetadata: {name: [], namespace: []}\n",
    };
    registry good;
    char *root = tree(NULL, &good);
    registry_free(&good);
    ts_write(root, ENV_EXAMPLE, "MONGO_HOST=x\n");
    for (size_t i = 0; i < SRV_ARRAY_LEN(texts); i++) {
        registry r;
        ts_load(&r, texts[i]);
        diag_list l;
        run(root, &r, false, NULL, &l);
        diag_list_free(&l);
        gen_set s = {0};
        char err[SRV_ERRLEN] = "";
        (void)gen_render(&r, GEN_ALL, &s, err);
        gen_set_free(&s);
        registry_free(&r);
    }
    cleanup(root, NULL, NULL);
}

static void kustomization_without_api(const char *root)
{
    ts_write(root, GEN_BASE_DIR "/kustomization.yaml", "resources:\n- configmap.yaml\n");
    ts_write(root, GEN_MINIKUBE_DIR "/kustomization.yaml",
             "resources:\n- ../base\n- queue.yaml\n");
    char *p = util_path_join(root, GEN_MINIKUBE_DIR "/queue.yaml");
    cr_assert_eq(unlink(p), 0);
    free(p);
}

Test(doctor, generated_workloads_not_applied)
{
    diag_list l = doctor_run(V_SERVICES, V_DATABASES, NULL, kustomization_without_api, NULL);
    expect_doctor(&l, "not-applied", "acme-api.yaml is generated but not listed");
    const diag *d = ts_diag(&l, "not-applied", "acme-builder.yaml");
    cr_expect(d && d->sev == DIAG_INFO, "the build-only builder is only a note");
    /* a listed generated file that is not on disk yet: regenerate */
    expect_doctor(&l, "kustomization", "queue.yaml is not generated yet");
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

Test(doctor, notes_for_one_shot_services_and_tls)
{
    const char *svcs = "services:\n"
                       "  builder:\n"
                       "    name: acme-builder\n    description: d\n"
                       "    image: {repository: b, tag: t}\n    buildOnly: true\n"
                       "  job:\n"
                       "    name: job\n    description: d\n"
                       "    image: {repository: j, tag: t}\n"
                       "    restartPolicy: \"no\"\n";
    const char *cs = "connectionStrings:\n"
                     "  kubernetes:\n    mongodb: cache-service:7000\n"
                     "    redis: cache-service:7000\n    rabbitmq: cache-service\n"
                     "    mongoDirectConnection: false\n    useTls: true\n";
    diag_list l = doctor_run(svcs, NULL, cs, NULL, NULL);
    const diag *d = ts_diag(&l, "one-shot", "services.job");
    cr_expect(d && d->sev == DIAG_INFO && d->src == DIAG_SRC_DOCTOR);
    d = ts_diag(&l, "configmap-tls", "REDIS_USE_TLS");
    cr_expect(d && d->sev == DIAG_INFO && d->src == DIAG_SRC_DOCTOR);
    /* base and minikube both fall back to kubernetes */
    cr_expect_eq(ts_count(&l, "configmap-tls"), 2);
    cr_expect_eq(validate_exit_status(&l), 0);
    diag_list_free(&l);
}

/* tests/test_catalog.c — the reference catalog: for every deployment of the
 * reference tree and every environment it allows, the resolved sequence
 * equals the table of spec §5.5 (one parameterised test per row).  The
 * expectations below are transcribed from the spec, not from srvconsole's
 * output.  The reference tree is $SRVTHREDS_REF, else ../shared/srvthreds
 * next to the source tree; the tests SKIP when it is absent. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/deployments.h"
#include "core/plan.h"
#include "core/shellwords.h"
#include "core/util.h"

/* Notation of §5.5 */
#define CDB "docker compose -f \"<ROOT>/infrastructure/local/docker/compose/docker-compose-db.yml\""
#define CSV                                                                                  \
    "docker compose -f \"<ROOT>/infrastructure/local/docker/compose/docker-compose-services.yml\""
#define CSVREL "docker compose -f infrastructure/local/docker/compose/docker-compose-services.yml"
#define A "infrastructure/tools/deployment-cli/assets"
#define GEN "tsx infrastructure/tools/shared/config/generator.ts"
#define VAL "tsx infrastructure/tools/shared/config/validator.ts"
#define SCRIPTS "infrastructure/local/minikube/scripts/"
#define CLEAN "find " A "/ -mindepth 1 -delete"
#define CP_EXAMPLE "cp ./infrastructure/local/configs/.env.local.example ./" A "/.env"
#define CP_DOCKER "cp ./infrastructure/local/configs/.env.docker ./" A "/.env"
#define LS_ASSETS "echo '--- Docker Assets Copied ---' && ls -aF ./" A "/ && cat ./" A "/.env"
#define REPL_LOCAL "infrastructure/local/docker/scripts/setup-repl.sh"
#define REPL_ALL                                                                             \
    "chmod +x ./infrastructure/local/docker/scripts/setup-repl.sh && "                       \
    "./infrastructure/local/docker/scripts/setup-repl.sh"

/* Each step: "phase[@scope]|display" with phase pre, build, main, post. */
typedef struct {
    const char *sn, *env, *type;
    const char *steps[12];
} row;

static row rows[] = {
    /* build.json */
    {"build_server", "local", "compose",
     {"pre|" CP_EXAMPLE, "main|" CSV " build --progress=plain srvthreds-builder"}},
    {"build_server", "minikube", "compose",
     {"pre|touch ./" A "/.env", "main|" CSV " build --progress=plain srvthreds-builder"}},
    /* databases.json */
    {"s_a_dbs", "local", "compose",
     {"pre|" GEN " docker-compose", "pre|" VAL, "main|" CDB " up -d --wait", "post|" REPL_LOCAL}},
    {"s_a_dbs", "minikube", "compose",
     {"pre|" GEN " docker-compose", "pre|" VAL, "main|" CDB " up mongo-repl-1 redis -d --wait"}},
    {"s_a_dbs", "dev", "compose",
     {"pre|" GEN " docker-compose", "pre|" VAL, "main|" CDB " up -d --wait"}},
    {"s_a_dbs", "test", "compose",
     {"pre|" GEN " docker-compose", "pre|" VAL, "main|" CDB " up -d --wait"}},
    {"d_a_dbs", "local", "compose", {"main|" CDB " down -v"}},
    {"d_a_dbs", "minikube", "compose", {"main|" CDB " down mongo-repl-1 redis -v"}},
    {"d_a_dbs", "dev", "compose", {"main|" CDB " down -v"}},
    {"d_a_dbs", "test", "compose", {"main|" CDB " down -v"}},
    /* kubernetes.json (the sh main commands end in a space) */
    {"k8s_minikube", "minikube", "sh", {"main|" SCRIPTS "setup-minikube.sh "}},
    {"k8s_validate", "minikube", "sh",
     {"pre|kubectl get pods -n srvthreds && kubectl logs deployment/srvthreds-engine -n "
      "srvthreds --tail=50",
      "main|" SCRIPTS "validate-minikube.sh "}},
    {"k8s_apply", "minikube", "kubectl",
     {"pre|" SCRIPTS "switch-to-minikube.sh",
      "main|kubectl apply -k infrastructure/local/minikube/manifests/minikube/"}},
    {"set_context", "minikube", "sh", {"main|" SCRIPTS "switch-to-minikube.sh "}},
    {"k8s_reset", "minikube", "sh", {"main|" SCRIPTS "reset-minikube.sh "}},
    {"k8s_cleanup", "minikube", "sh", {"main|" SCRIPTS "cleanup-minikube.sh "}},
    /* services.json */
    {"s_a_s", "local", "compose",
     {"pre|" CP_DOCKER, "pre|" LS_ASSETS,
      "pre|" CSVREL " build --progress=plain --no-cache srvthreds-builder",
      "main|" CSV " up -d --wait", "post|" CLEAN}},
    {"s_a_s", "dev", "compose",
     {"pre|" GEN " docker-compose agent-configs", "pre|" VAL, "pre|" CSVREL " build srvthreds-builder",
      "main|" CSV " up -d --wait"}},
    {"s_a_s", "staging", "compose",
     {"pre|" GEN " docker-compose agent-configs", "pre|" VAL, "pre|" CSVREL " build srvthreds-builder",
      "main|" CSV " up -d --wait"}},
    {"d_a_s", "local", "compose", {"main|" CSV " down -v --rmi local"}},
    {"d_a_s", "dev", "compose", {"main|" CSV " down -v --rmi local"}},
    {"s_a_dbs_s", "local", "compose",
     {"pre@0|" GEN, "pre@0|" VAL, "main@0|" CDB " up -d --wait", "post@0|" REPL_ALL,
      "pre@1|" CP_DOCKER, "pre@1|" LS_ASSETS,
      "pre@1|" CSVREL " build --progress=plain --no-cache srvthreds-builder",
      "build@1|" CSV " build", "main@1|" CSV " up -d --wait", "post@1|" CLEAN}},
    {"d_a_dbs_s", "local", "compose",
     {"main@0|" CDB " down -v", "main@1|" CSV " down -v --rmi local"}},
    {"s_s", "local", "compose",
     {"pre|" CP_EXAMPLE, "pre|" CSVREL " build --no-cache srvthreds-builder",
      "main|" CSV " up srvthreds-engine -d --wait", "post|" CLEAN}},
    {"s_s", "dev", "compose", {"main|" CSV " up srvthreds-engine -d --wait"}},
    {"d_s", "local", "compose", {"main|" CSV " down srvthreds-engine -v --rmi local"}},
    {"d_s", "dev", "compose", {"main|" CSV " down srvthreds-engine -v --rmi local"}},
    {"s_sa", "local", "compose",
     {"pre|" CP_EXAMPLE, "pre|" CSVREL " build --no-cache srvthreds-builder",
      "main|" CSV " up srvthreds-session-agent -d --wait", "post|" CLEAN}},
    {"s_sa", "dev", "compose", {"main|" CSV " up srvthreds-session-agent -d --wait"}},
    {"d_sa", "local", "compose", {"main|" CSV " down srvthreds-session-agent -v --rmi local"}},
    {"d_sa", "dev", "compose", {"main|" CSV " down srvthreds-session-agent -v --rmi local"}},
    {"s_pa", "local", "compose",
     {"pre|" CP_EXAMPLE, "pre|" CSVREL " build --no-cache srvthreds-builder",
      "main|" CSV " up srvthreds-persistence-agent -d --wait", "post|" CLEAN}},
    {"s_pa", "dev", "compose", {"main|" CSV " up srvthreds-persistence-agent -d --wait"}},
    {"d_pa", "local", "compose", {"main|" CSV " down srvthreds-persistence-agent -v --rmi local"}},
    {"d_pa", "dev", "compose", {"main|" CSV " down srvthreds-persistence-agent -v --rmi local"}},
    {"bootstrap", "local", "compose", {"main|" CSV " up srvthreds-bootstrap -d --wait"}},
    {"bootstrap", "dev", "compose", {"main|" CSV " up srvthreds-bootstrap -d --wait"}},
};

#define NROWS (sizeof rows / sizeof rows[0])

/* The reference tree as an absolute path, or NULL. */
static char *ref_root(void)
{
    const char *cands[3] = {getenv("SRVTHREDS_REF"), NULL, NULL};
    char *fromsrc = util_xasprintf("%s/../shared/srvthreds", SRV_TOP_SRCDIR);
    cands[1] = fromsrc;
    char *found = NULL;
    for (size_t i = 0; i < 2 && !found; i++) {
        if (!cands[i] || !cands[i][0])
            continue;
        char *reg = util_xasprintf("%s/infrastructure/config-registry.yaml", cands[i]);
        char buf[PATH_MAX];
        if (util_is_file(reg) && realpath(cands[i], buf))
            found = util_xstrdup(buf);
        free(reg);
    }
    free(fromsrc);
    return found;
}

static char *load_reference(deploy_set *set)
{
    char *root = ref_root();
    if (!root)
        cr_skip_test("reference tree not found (set SRVTHREDS_REF or place it at "
                     "../shared/srvthreds next to the sources)");
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(deploy_load(set, root, err, sizeof err), 0, "%s", err);
    cr_assert_eq(set->diags.n, 0, "the reference catalog loads cleanly");
    return root;
}

static char *subst_root(const char *s, const char *root)
{
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, 0);
    for (const char *p = s; *p;) {
        if (strncmp(p, "<ROOT>", 6) == 0) {
            strbuf_adds(&sb, root);
            p += 6;
        } else {
            strbuf_addc(&sb, *p++);
        }
    }
    return strbuf_detach(&sb, NULL);
}

static plan_phase_id phase_of(const char *tag, size_t len)
{
    if (len == 3 && !strncmp(tag, "pre", 3))
        return PLAN_PRE_BUILD;
    if (len == 5 && !strncmp(tag, "build", 5))
        return PLAN_BUILD;
    if (len == 4 && !strncmp(tag, "main", 4))
        return PLAN_MAIN;
    if (len == 4 && !strncmp(tag, "post", 4))
        return PLAN_POST_UP;
    cr_assert_fail("bad phase tag %.*s", (int)len, tag);
    return PLAN_NPHASES;
}

/* The parameters are row indices: Criterion copies them into a worker
 * process where the addresses of the strings may differ. */
ParameterizedTestParameters(catalog, row)
{
    static size_t idx[NROWS];
    for (size_t i = 0; i < NROWS; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, NROWS);
}

ParameterizedTest(size_t *ri, catalog, row)
{
    const row *r = &rows[*ri];
    deploy_set set;
    char *root = load_reference(&set);
    plan_opts o = {.compose = PLAN_COMPOSE_V2};
    char err[SRV_ERRLEN] = "";
    plan *p = plan_resolve(&set, root, r->env, r->sn, &o, err, sizeof err);
    cr_assert_not_null(p, "%s %s: %s", r->env, r->sn, err);
    size_t n = 0;
    while (n < 12 && r->steps[n])
        n++;
    strbuf got = STRBUF_INIT;
    strbuf_grow(&got, 0);
    for (size_t i = 0; i < p->n_steps; i++)
        strbuf_addf(&got, "  [%s@%zu] %s\n", plan_phase_name(p->steps[i].phase),
                    p->steps[i].scope, p->steps[i].display);
    cr_assert_eq(p->n_steps, n, "%s %s: %zu steps, want %zu:\n%s", r->env, r->sn, p->n_steps,
                 n, got.data);
    for (size_t i = 0; i < n; i++) {
        const plan_step *s = &p->steps[i];
        const char *spec = r->steps[i];
        const char *bar = strchr(spec, '|');
        const char *at = memchr(spec, '@', (size_t)(bar - spec));
        plan_phase_id ph = phase_of(spec, (size_t)((at ? at : bar) - spec));
        size_t scope = at ? (size_t)atoi(at + 1) : 0;
        char *want = subst_root(bar + 1, root);
        cr_assert_str_eq(s->display, want, "%s %s step %zu:\n%s", r->env, r->sn, i + 1, got.data);
        cr_assert_eq(s->phase, ph, "%s %s step %zu phase %s", r->env, r->sn, i + 1,
                     plan_phase_name(s->phase));
        cr_assert_eq(s->scope, scope, "%s %s step %zu scope", r->env, r->sn, i + 1);
        cr_assert_str_eq(s->cwd, root, "cwd is the package root");
        /* how it runs: GEN/VAL in-process, other hooks and sh through the
         * shell, compose and kubectl as argv equal to the display's words */
        bool hook = ph == PLAN_PRE_BUILD || ph == PLAN_POST_UP;
        plan_kind kind = hook ? (util_startswith(want, GEN) ? PLAN_NATIVE_GENERATE
                                 : strcmp(want, VAL) == 0  ? PLAN_NATIVE_VALIDATE
                                                           : PLAN_SHELL)
                         : strcmp(r->type, "sh") == 0 ? PLAN_SHELL
                                                      : PLAN_ARGV;
        cr_assert_eq(s->kind, kind, "%s %s step %zu kind %s", r->env, r->sn, i + 1,
                     plan_kind_name(s->kind));
        if (kind == PLAN_ARGV) {
            char **w;
            size_t nw;
            cr_assert_eq(shellwords_split(want, &w, &nw, NULL, 0), SHELLWORDS_OK);
            for (size_t k = 0; k < nw; k++)
                cr_assert_str_eq(s->argv[k], w[k], "argv[%zu]", k);
            cr_assert_null(s->argv[nw]);
            shellwords_free(w);
        } else {
            cr_assert_str_eq(s->argv[0], "/bin/sh");
            cr_assert_str_eq(s->argv[1], "-c");
            cr_assert_str_eq(s->argv[2], want);
            cr_assert_null(s->argv[3]);
        }
        free(want);
    }
    const char *type = strcmp(r->type, "compose") == 0 ? "docker-compose" : r->type;
    cr_assert_str_eq(p->type, type);
    /* with Compose v2 the only remark is the preflight one about the assets
     * folder (not in git), for the rows whose hooks write into it */
    bool uses_assets = false;
    for (size_t i = 0; i < n; i++)
        uses_assets = uses_assets || (!util_startswith(r->steps[i], "main") &&
                                      strstr(r->steps[i], A "/"));
    char *assets = util_xasprintf("%s/" A, root);
    size_t want_notes = uses_assets && !util_is_dir(assets) ? 1 : 0;
    free(assets);
    cr_assert_eq(p->n_notes, want_notes, "%s %s: %zu notes, want %zu (%s)", r->env, r->sn,
                 p->n_notes, want_notes, p->n_notes ? p->notes[0] : "");
    if (want_notes)
        cr_assert(util_startswith(p->notes[0], "preflight: " A "/ does not exist"), "%s",
                  p->notes[0]);
    strbuf_free(&got);
    plan_free(p);
    deploy_set_free(&set);
    free(root);
}

/* Every (deployment, environment) pair of the reference has exactly one row,
 * and every row names one: 20 deployments, 37 pairs. */
Test(catalog, rows_cover_the_reference)
{
    deploy_set set;
    char *root = load_reference(&set);
    cr_assert_eq(set.n, 20);
    size_t pairs = 0;
    for (size_t i = 0; i < set.n; i++) {
        const deploy *d = &set.items[i];
        for (size_t e = 0; e < d->n_envs; e++) {
            pairs++;
            size_t found = 0;
            for (size_t k = 0; k < NROWS; k++)
                found += strcmp(rows[k].sn, d->short_name) == 0 &&
                         strcmp(rows[k].env, d->envs[e]) == 0;
            cr_assert_eq(found, 1, "%s %s: %zu rows", d->envs[e], d->short_name, found);
        }
    }
    cr_assert_eq(pairs, NROWS);
    cr_assert_eq(pairs, 37);
    deploy_set_free(&set);
    free(root);
}

/* Compose v1 on the reference: `--wait` is never passed, each `up` is followed
 * by a wait step, and the plan says why. */
Test(catalog, reference_with_compose_v1)
{
    deploy_set set;
    char *root = load_reference(&set);
    plan_opts o = {.compose = PLAN_COMPOSE_V1};
    char err[SRV_ERRLEN];
    plan *p = plan_resolve(&set, root, "local", "s_a_dbs_s", &o, err, sizeof err);
    cr_assert_not_null(p, "%s", err);
    size_t waits = 0;
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        for (size_t k = 0; s->argv[k]; k++)
            cr_assert_str_neq(s->argv[k], "--wait");
        if (s->kind == PLAN_WAIT) {
            waits++;
            cr_assert(i > 0 && p->steps[i - 1].phase == PLAN_MAIN &&
                      p->steps[i - 1].kind == PLAN_ARGV);
        }
    }
    cr_assert_eq(waits, 2);
    cr_assert_geq(p->n_notes, 2);
    plan_free(p);
    deploy_set_free(&set);
    free(root);
}

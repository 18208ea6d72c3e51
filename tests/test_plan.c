/* tests/test_plan.c — core/plan_resolve: every rule of spec §5.4 on
 * deployments of our own (override replacement, the inverted skipBuild,
 * post-up only after compose `up`, composeFiles scopes, args of sh/kubectl,
 * compose paths, cwd), argv composition, native hooks, compose v1, and the
 * text/JSON views. */
#include "config.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/deployments.h"
#include "core/plan.h"
#include "core/shellwords.h"
#include "core/util.h"
#include "tests/tsupport.h"

#define DIR_REL "infrastructure/shared/configs/deployments"
#define CDIR "/infrastructure/local/docker/compose/"
#define GEN "tsx infrastructure/tools/shared/config/generator.ts"
#define VAL "tsx infrastructure/tools/shared/config/validator.ts"

static char *root;
static deploy_set set;
static bool loaded;
static char *saved_path;

static void setup(void)
{
    root = ts_tmpdir();
    loaded = false;
    saved_path = util_xstrdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
}

static void teardown(void)
{
    setenv("PATH", saved_path, 1); /* some tests put a fake docker first */
    free(saved_path);
    if (loaded)
        deploy_set_free(&set);
    ts_rmrf(root);
    free(root);
}

TestSuite(plan, .init = setup, .fini = teardown);

/* Write one deployments file holding `deployments` (JSON array items) and load it. */
static void catalog(const char *deployments)
{
    char *text = util_xasprintf("{\"deployments\": [%s]}", deployments);
    ts_write(root, DIR_REL "/x.json", text);
    free(text);
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(deploy_load(&set, root, err, sizeof err), 0, "%s", err);
    loaded = true;
}

#define D(sn, envs, target)                                                                  \
    "{\"name\": \"Name " sn "\", \"shortName\": \"" sn "\", \"description\": \"about " sn    \
    "\", \"environments\": " envs ", \"target\": " target "}"
#define HOOK(c) "{\"description\": \"do " c "\", \"command\": \"" c "\"}"

static plan *resolve_with(const char *env, const char *name, const plan_opts *o)
{
    char err[SRV_ERRLEN] = "";
    plan *p = plan_resolve(&set, root, env, name, o, err, sizeof err);
    cr_assert_not_null(p, "resolve %s %s: %s", env, name, err);
    return p;
}

static plan *resolve(const char *env, const char *name)
{
    plan_opts o = {.compose = "docker compose"};
    return resolve_with(env, name, &o);
}

static char *cpath(const char *file)
{
    return util_xasprintf("%s" CDIR "%s", root, file);
}

/* The steps as "phase|display" lines, for comparisons and messages. */
static char *dump(const plan *p)
{
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, 0);
    for (size_t i = 0; i < p->n_steps; i++)
        strbuf_addf(&sb, "%s|%s\n", plan_phase_name(p->steps[i].phase), p->steps[i].display);
    return strbuf_detach(&sb, NULL);
}

/* want: "phase|display" each; "@" in a display is replaced by the compose
 * folder of the temp root (ROOT/infrastructure/local/docker/compose). */
static void expect_steps(const plan *p, const char *const *want)
{
    strbuf w = STRBUF_INIT;
    strbuf_grow(&w, 0);
    char *dir = util_xasprintf("%s" CDIR, root);
    dir[strlen(dir) - 1] = '\0';
    for (size_t i = 0; want[i]; i++) {
        for (const char *c = want[i]; *c; c++) {
            if (*c == '@')
                strbuf_adds(&w, dir);
            else
                strbuf_addc(&w, *c);
        }
        strbuf_addc(&w, '\n');
    }
    char *got = dump(p);
    cr_assert_str_eq(got, w.data, "\ngot:\n%s\nwant:\n%s", got, w.data);
    free(got);
    free(dir);
    strbuf_free(&w);
}

/* Notes that are not preflight remarks (the temp trees here lack the compose
 * files); *first gets the first of them. */
static size_t own_notes(const plan *p, const char **first)
{
    size_t n = 0;
    *first = "";
    for (size_t i = 0; i < p->n_notes; i++) {
        if (util_startswith(p->notes[i], "preflight: "))
            continue;
        if (n++ == 0)
            *first = p->notes[i];
    }
    return n;
}

#define STEPS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_STEPS ((const char *const[]){NULL})

static void expect_argv(const plan_step *s, const char *const *want)
{
    size_t i = 0;
    for (; want[i]; i++) {
        cr_assert_not_null(s->argv[i], "argv too short at %zu (want %s)", i, want[i]);
        cr_assert_str_eq(s->argv[i], want[i], "argv[%zu]", i);
    }
    cr_assert_null(s->argv[i], "argv too long: argv[%zu] = %s", i, s->argv[i]);
}

/* ---- override resolution --------------------------------------------------- */

#define UP_HOOKS                                                                             \
    "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", \"defaultArgs\": \"-d\","      \
    " \"preBuildCommands\": [" HOOK("pre-a") ", " HOOK("pre-b") "],"                         \
    " \"postUpCommands\": [" HOOK("post-a") "],"                                             \
    " \"environmentOverrides\": {"                                                           \
    "   \"ov\": {\"preBuildCommands\": [" HOOK("pre-ov") "]},"                               \
    "   \"empty\": {\"preBuildCommands\": [], \"postUpCommands\": []},"                      \
    "   \"args\": {\"defaultArgs\": \"svc --wait\"},"                                        \
    "   \"noargs\": {\"defaultArgs\": \"\"},"                                                \
    "   \"post\": {\"postUpCommands\": [" HOOK("post-ov") "]}}}"

Test(plan, defaults_without_override)
{
    catalog(D("u", "[\"local\", \"ov\", \"empty\", \"args\", \"noargs\", \"post\"]", UP_HOOKS));
    plan *p = resolve("local", "u");
    expect_steps(p, STEPS("pre-build|pre-a", "pre-build|pre-b",
                          "up|docker compose -f \"@/c.yml\" up -d", "post-up|post-a"));
    cr_assert_str_eq(p->steps[0].description, "do pre-a");
    plan_free(p);
}

Test(plan, override_list_replaces_never_appends)
{
    catalog(D("u", "[\"ov\", \"post\"]", UP_HOOKS));
    plan *p = resolve("ov", "u");
    expect_steps(p, STEPS("pre-build|pre-ov", "up|docker compose -f \"@/c.yml\" up -d",
                          "post-up|post-a"));
    plan_free(p);
    p = resolve("post", "u");
    expect_steps(p, STEPS("pre-build|pre-a", "pre-build|pre-b",
                          "up|docker compose -f \"@/c.yml\" up -d", "post-up|post-ov"));
    plan_free(p);
}

Test(plan, empty_override_list_counts_as_present)
{
    catalog(D("u", "[\"empty\"]", UP_HOOKS));
    plan *p = resolve("empty", "u");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up -d"));
    plan_free(p);
}

Test(plan, override_args_replace_and_empty_string_counts)
{
    catalog(D("u", "[\"args\", \"noargs\"]", UP_HOOKS));
    plan *p = resolve("args", "u");
    expect_steps(p, STEPS("pre-build|pre-a", "pre-build|pre-b",
                          "up|docker compose -f \"@/c.yml\" up svc --wait", "post-up|post-a"));
    plan_free(p);
    p = resolve("noargs", "u");
    /* no args: the command ends in a space (reference quirk) */
    expect_steps(p, STEPS("pre-build|pre-a", "pre-build|pre-b",
                          "up|docker compose -f \"@/c.yml\" up ", "post-up|post-a"));
    char *path = cpath("c.yml");
    expect_argv(&p->steps[2], STEPS("docker", "compose", "-f", path, "up"));
    free(path);
    plan_free(p);
}

Test(plan, compose_argv_is_composed_not_shell)
{
    catalog(D("u", "[\"l\"]",
              "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", \"defaultArgs\": "
              "\"svc 'two words' -d --wait\"}"));
    plan *p = resolve("l", "u");
    char *path = cpath("c.yml");
    const plan_step *s = &p->steps[0];
    cr_assert_eq(s->kind, PLAN_ARGV);
    expect_argv(s, STEPS("docker", "compose", "-f", path, "up", "svc", "two words", "-d",
                         "--wait"));
    cr_assert_str_eq(s->compose_file, path);
    char *desc = util_xasprintf("Executing: %s", s->display);
    cr_assert_str_eq(s->description, desc);
    free(desc);
    free(path);
    plan_free(p);
}

/* ---- skipBuild (inverted) ---------------------------------------------------- */

Test(plan, build_only_when_skip_build_is_exactly_false)
{
    catalog(D("absent", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFiles\": "
                                   "[{\"composeFile\": \"a.yml\"}]}")
            "," D("true", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFiles\": "
                                     "[{\"composeFile\": \"a.yml\", \"skipBuild\": true}]}")
            "," D("false", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFiles\": "
                                      "[{\"composeFile\": \"a.yml\", \"skipBuild\": false}]}")
            "," D("down", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFiles\": "
                                     "[{\"composeFile\": \"a.yml\", \"skipBuild\": false}]}"));
    plan *p = resolve("l", "absent");
    expect_steps(p, STEPS("up|docker compose -f \"@/a.yml\" up "));
    plan_free(p);
    p = resolve("l", "true");
    expect_steps(p, STEPS("up|docker compose -f \"@/a.yml\" up "));
    plan_free(p);
    p = resolve("l", "false");
    expect_steps(p, STEPS("build|docker compose -f \"@/a.yml\" build",
                          "up|docker compose -f \"@/a.yml\" up "));
    char *path = cpath("a.yml");
    expect_argv(&p->steps[0], STEPS("docker", "compose", "-f", path, "build"));
    free(path);
    cr_assert_eq(p->steps[0].kind, PLAN_ARGV);
    char *desc = util_xasprintf("Building images: %s", p->steps[0].display);
    cr_assert_str_eq(p->steps[0].description, desc);
    free(desc);
    plan_free(p);
    p = resolve("l", "down");
    expect_steps(p, STEPS("up|docker compose -f \"@/a.yml\" down "));
    plan_free(p);
}

Test(plan, target_level_skip_build_is_not_read_but_an_override_is)
{
    catalog(D("t", "[\"l\", \"o\", \"x\"]",
              "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", \"skipBuild\": false,"
              " \"environmentOverrides\": {\"o\": {\"skipBuild\": false},"
              " \"x\": {\"skipBuild\": true}}}"));
    plan *p = resolve("l", "t");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up "));
    plan_free(p);
    p = resolve("o", "t");
    expect_steps(p, STEPS("build|docker compose -f \"@/c.yml\" build",
                          "up|docker compose -f \"@/c.yml\" up "));
    plan_free(p);
    p = resolve("x", "t");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up "));
    plan_free(p);
}

Test(plan, scope_override_of_skip_build_beats_the_entry)
{
    catalog(D("t", "[\"l\", \"o\"]",
              "{\"deployCommand\": \"up\", \"composeFiles\": [{\"composeFile\": \"c.yml\","
              " \"skipBuild\": false, \"environmentOverrides\": {\"o\": {\"skipBuild\": true}}}]}"));
    plan *p = resolve("l", "t");
    cr_assert_eq(p->n_steps, 2);
    plan_free(p);
    p = resolve("o", "t");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up "));
    plan_free(p);
}

/* ---- post-up ------------------------------------------------------------------ */

Test(plan, compose_post_up_only_after_up)
{
    catalog(D("down", "[\"l\"]",
              "{\"deployCommand\": \"down\", \"composeFile\": \"c.yml\", \"defaultArgs\": \"-v\","
              " \"preBuildCommands\": [" HOOK("pre") "], \"postUpCommands\": [" HOOK("post") "]}")
            "," D("build", "[\"l\"]",
                  "{\"deployCommand\": \"build\", \"composeFile\": \"c.yml\","
                  " \"environmentOverrides\": {\"l\": {\"postUpCommands\": [" HOOK("post") "]}}}")
            "," D("upd", "[\"l\"]",
                  "{\"deployCommand\": \"up -d\", \"composeFile\": \"c.yml\","
                  " \"skipBuild\": false, \"postUpCommands\": [" HOOK("post") "],"
                  " \"environmentOverrides\": {\"l\": {\"skipBuild\": false}}}"));
    plan *p = resolve("l", "down");
    expect_steps(p, STEPS("pre-build|pre", "up|docker compose -f \"@/c.yml\" down -v"));
    plan_free(p);
    p = resolve("l", "build");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" build "));
    plan_free(p);
    /* "exactly up": a verb with more words is not `up` (no build, no post-up) */
    p = resolve("l", "upd");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up -d "));
    expect_argv(&p->steps[0], STEPS("docker", "compose", "-f", p->steps[0].compose_file, "up",
                                    "-d"));
    plan_free(p);
}

/* ---- sh and kubectl ------------------------------------------------------------- */

Test(plan, sh_runs_through_the_shell_with_target_args_and_always_post)
{
    catalog(D("s", "[\"l\", \"o\"]",
              "{\"type\": \"sh\", \"deployCommand\": \"scripts/x.sh\", \"defaultArgs\": \"--fast\","
              " \"postUpCommands\": [" HOOK("after") "],"
              " \"environmentOverrides\": {\"o\": {\"defaultArgs\": \"--ignored\","
              " \"preBuildCommands\": [" HOOK("before-o") "]}}}")
            "," D("bare", "[\"l\"]", "{\"type\": \"sh\", \"deployCommand\": \"scripts/y.sh\"}"));
    plan *p = resolve("l", "s");
    expect_steps(p, STEPS("up|scripts/x.sh --fast", "post-up|after"));
    const plan_step *m = &p->steps[0];
    cr_assert_eq(m->kind, PLAN_SHELL);
    expect_argv(m, STEPS("/bin/sh", "-c", "scripts/x.sh --fast"));
    cr_assert_str_eq(m->description, "Executing shell command: scripts/x.sh --fast");
    cr_assert_null(p->compose);
    cr_assert_eq(p->n_scopes, 0);
    plan_free(p);
    /* the override's hooks apply, its defaultArgs do not */
    p = resolve("o", "s");
    expect_steps(p, STEPS("pre-build|before-o", "up|scripts/x.sh --fast", "post-up|after"));
    plan_free(p);
    p = resolve("l", "bare");
    expect_steps(p, STEPS("up|scripts/y.sh "));
    expect_argv(&p->steps[0], STEPS("/bin/sh", "-c", "scripts/y.sh "));
    plan_free(p);
}

Test(plan, kubectl_is_argv_with_target_args)
{
    catalog(D("k", "[\"l\", \"o\"]",
              "{\"type\": \"kubectl\", \"deployCommand\": \"apply\", \"defaultArgs\": \"-k "
              "manifests/x/\", \"preBuildCommands\": [" HOOK("ctx.sh") "],"
              " \"postUpCommands\": [" HOOK("post") "],"
              " \"environmentOverrides\": {\"o\": {\"defaultArgs\": \"-f other.yaml\"}}}")
            "," D("bare", "[\"l\"]", "{\"type\": \"kubectl\", \"deployCommand\": \"get pods\"}")
            "," D("ops", "[\"l\"]", "{\"type\": \"kubectl\", \"deployCommand\": \"get\","
                                    " \"defaultArgs\": \"pods | head\"}"));
    plan *p = resolve("o", "k");
    expect_steps(p, STEPS("pre-build|ctx.sh", "up|kubectl apply -k manifests/x/", "post-up|post"));
    const plan_step *m = &p->steps[1];
    cr_assert_eq(m->kind, PLAN_ARGV);
    expect_argv(m, STEPS("kubectl", "apply", "-k", "manifests/x/"));
    cr_assert_str_eq(m->description, "Executing kubectl command: kubectl apply -k manifests/x/");
    cr_assert_eq(p->steps[0].kind, PLAN_SHELL);
    expect_argv(&p->steps[0], STEPS("/bin/sh", "-c", "ctx.sh"));
    plan_free(p);
    p = resolve("l", "bare");
    expect_steps(p, STEPS("up|kubectl get pods "));
    expect_argv(&p->steps[0], STEPS("kubectl", "get", "pods"));
    plan_free(p);
    /* args that need a shell run through it, and the plan says so */
    p = resolve("l", "ops");
    cr_assert_eq(p->steps[0].kind, PLAN_SHELL);
    expect_argv(&p->steps[0], STEPS("/bin/sh", "-c", "kubectl get pods | head"));
    const char *note;
    cr_assert_eq(own_notes(p, &note), 1);
    cr_assert(strstr(note, "/bin/sh") && strstr(note, "'|'"), "%s", note);
    plan_free(p);
}

/* ---- composeFiles ----------------------------------------------------------------- */

Test(plan, compose_files_each_with_own_args_hooks_and_overrides)
{
    catalog(D("all", "[\"l\", \"o\"]",
              "{\"deployCommand\": \"up\", \"defaultArgs\": \"--target-args\","
              " \"preBuildCommands\": [" HOOK("target-pre") "],"
              " \"postUpCommands\": [" HOOK("target-post") "],"
              " \"environmentOverrides\": {\"o\": {\"preBuildCommands\": [" HOOK("target-o") "]}},"
              " \"composeFile\": \"ignored.yml\","
              " \"composeFiles\": ["
              "  {\"composeFile\": \"one.yml\", \"defaultArgs\": \"-d --wait\","
              "   \"preBuildCommands\": [" HOOK("one-pre") "], \"postUpCommands\": [" HOOK("one-post") "]},"
              "  {\"composeFile\": \"two.yml\", \"defaultArgs\": \"-d\", \"skipBuild\": false,"
              "   \"preBuildCommands\": [" HOOK("two-pre") "],"
              "   \"environmentOverrides\": {\"o\": {\"defaultArgs\": \"svc\","
              "     \"postUpCommands\": [" HOOK("two-post-o") "]}}}]}"));
    plan *p = resolve("l", "all");
    expect_steps(p, STEPS("pre-build|one-pre", "up|docker compose -f \"@/one.yml\" up -d --wait",
                          "post-up|one-post", "pre-build|two-pre",
                          "build|docker compose -f \"@/two.yml\" build",
                          "up|docker compose -f \"@/two.yml\" up -d"));
    size_t scopes[] = {0, 0, 0, 1, 1, 1};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(p->steps[i].scope, scopes[i], "scope of step %zu", i);
    cr_assert_eq(p->n_scopes, 2);
    cr_assert_str_eq(p->scopes[0], "one.yml");
    cr_assert_str_eq(p->scopes[1], "two.yml");
    plan_free(p);
    p = resolve("o", "all");
    expect_steps(p, STEPS("pre-build|one-pre", "up|docker compose -f \"@/one.yml\" up -d --wait",
                          "post-up|one-post", "pre-build|two-pre",
                          "build|docker compose -f \"@/two.yml\" build",
                          "up|docker compose -f \"@/two.yml\" up svc", "post-up|two-post-o"));
    plan_free(p);
}

Test(plan, empty_compose_files_fall_back_to_compose_file)
{
    catalog(D("e", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"c.yml\","
                              " \"composeFiles\": []}"));
    plan *p = resolve("l", "e");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" down "));
    cr_assert_eq(p->n_scopes, 1);
    plan_free(p);
}

/* ---- paths and cwd ---------------------------------------------------------------- */

Test(plan, compose_paths_are_normalised_under_the_compose_folder)
{
    catalog(D("abs", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"/abs.yml\"}")
            "," D("up1", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"../x/./y.yml\"}")
            "," D("dots", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": "
                                     "\"../../../../../../../../../../../../../../z.yml\"}")
            "," D("sp", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"a b.yml\"}"));
    plan *p = resolve("l", "abs");
    expect_steps(p, STEPS("up|docker compose -f \"@/abs.yml\" down "));
    plan_free(p);
    p = resolve("l", "up1");
    char *want = util_xasprintf("%s/infrastructure/local/docker/x/y.yml", root);
    cr_assert_str_eq(p->steps[0].compose_file, want);
    cr_assert_str_eq(p->steps[0].argv[3], want);
    free(want);
    plan_free(p);
    p = resolve("l", "dots");
    cr_assert_str_eq(p->steps[0].compose_file, "/z.yml", "never above /");
    plan_free(p);
    /* inserted between double quotes without escaping; argv keeps one word */
    p = resolve("l", "sp");
    expect_steps(p, STEPS("up|docker compose -f \"@/a b.yml\" down "));
    cr_assert(util_endswith(p->steps[0].argv[3], "/a b.yml"));
    plan_free(p);
}

Test(plan, every_step_runs_in_the_root)
{
    catalog(D("u", "[\"local\"]", UP_HOOKS));
    char *messy = util_xasprintf("%s/./sub/..//", root);
    char err[SRV_ERRLEN];
    plan_opts o = {.compose = "docker compose"};
    plan *p = plan_resolve(&set, messy, "local", "u", &o, err, sizeof err);
    cr_assert_not_null(p, "%s", err);
    cr_assert_str_eq(p->root, root);
    for (size_t i = 0; i < p->n_steps; i++)
        cr_assert_str_eq(p->steps[i].cwd, root, "cwd of step %zu", i);
    plan_free(p);
    free(messy);
}

/* ---- header, errors ---------------------------------------------------------------- */

Test(plan, header_fields)
{
    catalog(D("u", "[\"local\"]", UP_HOOKS));
    plan *p = resolve("local", "Name u");
    cr_assert_str_eq(p->env, "local");
    cr_assert_str_eq(p->name, "Name u");
    cr_assert_str_eq(p->short_name, "u");
    cr_assert_str_eq(p->description, "about u");
    cr_assert_str_eq(p->type, "docker-compose");
    cr_assert_str_eq(p->verb, "up");
    cr_assert_str_eq(p->compose, "docker compose");
    cr_assert_str_eq(p->file, DIR_REL "/x.json");
    cr_assert_not(p->compose_v1);
    const char *note;
    cr_assert_eq(own_notes(p, &note), 0, "%s", note);
    plan_free(p);
}

Test(plan, not_found_env_invalid_and_malformed)
{
    catalog(D("u", "[\"local\"]", UP_HOOKS) "," D("bad", "[\"local\"]", "{\"deployCommand\": \"up\"}"));
    char err[SRV_ERRLEN];
    cr_assert_null(plan_resolve(&set, root, "local", "zzz", NULL, err, sizeof err));
    cr_assert_str_eq(err, "Deployment \"zzz\" not found in deploymentConfig.json.");
    cr_assert_null(plan_resolve(&set, root, "prod", "u", NULL, err, sizeof err));
    cr_assert_str_eq(err, "Environment \"prod\" is not valid for the deployment \"u\".");
    cr_assert_null(plan_resolve(&set, root, "local", "bad", NULL, err, sizeof err));
    cr_assert(strstr(err, DIR_REL "/x.json") && strstr(err, "deployment \"Name bad\"") &&
                  strstr(err, "requires composeFile or composeFiles"),
              "%s", err);
}

Test(plan, null_options_mean_docker_compose_and_native_hooks)
{
    catalog(D("g", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                              " \"preBuildCommands\": [" HOOK(GEN) "]}"));
    char err[SRV_ERRLEN];
    plan *p = plan_resolve(&set, root, "l", "g", NULL, err, sizeof err);
    cr_assert_not_null(p, "%s", err);
    cr_assert_str_eq(p->compose, "docker compose");
    cr_assert_eq(p->steps[0].kind, PLAN_NATIVE_GENERATE);
    plan_free(p);
}

/* ---- native hooks -------------------------------------------------------------------- */

#define HOOKS_T                                                                              \
    "{\"deployCommand\": \"down\", \"composeFile\": \"c.yml\", \"preBuildCommands\": ["      \
    HOOK(GEN) ", " HOOK(GEN " docker-compose agent-configs") ", " HOOK(VAL) ", "             \
    HOOK(GEN "  kubernetes") ", " HOOK(GEN " env && echo x") ", " HOOK(VAL " --strict") ", " \
    HOOK("npx " GEN) ", " HOOK(GEN "x") ", " HOOK(GEN " ") "]}"

Test(plan, reference_hooks_run_in_process)
{
    catalog(D("h", "[\"l\"]", HOOKS_T));
    plan *p = resolve("l", "h");
    cr_assert_eq(p->n_steps, 10);
    plan_kind want[] = {PLAN_NATIVE_GENERATE, PLAN_NATIVE_GENERATE, PLAN_NATIVE_VALIDATE,
                        PLAN_SHELL,           PLAN_SHELL,           PLAN_SHELL,
                        PLAN_SHELL,           PLAN_SHELL,           PLAN_SHELL};
    for (size_t i = 0; i < 9; i++)
        cr_assert_eq(p->steps[i].kind, want[i], "step %zu (%s): kind %s", i, p->steps[i].display,
                     plan_kind_name(p->steps[i].kind));
    cr_assert_null(p->steps[0].targets[0], "no target: all");
    cr_assert_str_eq(p->steps[1].targets[0], "docker-compose");
    cr_assert_str_eq(p->steps[1].targets[1], "agent-configs");
    cr_assert_null(p->steps[1].targets[2]);
    /* the display stays the reference text; argv is the verbatim fallback */
    cr_assert_str_eq(p->steps[1].display, GEN " docker-compose agent-configs");
    expect_argv(&p->steps[2], STEPS("/bin/sh", "-c", VAL));
    plan_free(p);
}

Test(plan, native_hooks_off)
{
    catalog(D("h", "[\"l\"]", HOOKS_T));
    plan_opts o = {.compose = "docker compose", .verbatim_hooks = true};
    plan *p = resolve_with("l", "h", &o);
    for (size_t i = 0; i < 9; i++)
        cr_assert_eq(p->steps[i].kind, PLAN_SHELL, "step %zu", i);
    expect_argv(&p->steps[1], STEPS("/bin/sh", "-c", GEN " docker-compose agent-configs"));
    plan_free(p);
}

Test(plan, hook_recognisers)
{
    char **t = plan_generator_hook_targets(GEN " env kubernetes");
    cr_assert_not_null(t);
    cr_assert_str_eq(t[0], "env");
    cr_assert_str_eq(t[1], "kubernetes");
    cr_assert_null(t[2]);
    shellwords_free(t);
    cr_assert_null(plan_generator_hook_targets(GEN " 'env'"));
    cr_assert_null(plan_generator_hook_targets(GEN " env "));
    cr_assert_null(plan_generator_hook_targets(VAL));
    cr_assert(plan_is_validator_hook(VAL));
    cr_assert_not(plan_is_validator_hook(VAL " "));
    cr_assert_not(plan_is_validator_hook(GEN));
}

Test(plan, opts_from_env)
{
    setenv("SRVCONSOLE_COMPOSE", "podman compose", 1);
    setenv("SRVCONSOLE_NATIVE_HOOKS", "0", 1);
    plan_opts o;
    plan_opts_from_env(&o);
    cr_assert_str_eq(o.compose, "podman compose");
    cr_assert(o.verbatim_hooks);
    setenv("SRVCONSOLE_COMPOSE", "", 1);
    setenv("SRVCONSOLE_NATIVE_HOOKS", "1", 1);
    plan_opts_from_env(&o);
    cr_assert_null(o.compose);
    cr_assert_not(o.verbatim_hooks);
    unsetenv("SRVCONSOLE_NATIVE_HOOKS");
    plan_opts_from_env(&o);
    cr_assert_not(o.verbatim_hooks);
}

/* ---- compose command choice ---------------------------------------------------------- */

/* A fake `docker` on PATH that exits with `status` for "compose version". */
static void fake_docker(int status)
{
    char *bin = util_xasprintf("%s/bin", root);
    char *script = util_xasprintf("#!/bin/sh\n[ \"$1 $2\" = \"compose version\" ] && exit %d\n"
                                  "exit 3\n", status);
    ts_write(root, "bin/docker", script);
    char *path = util_xasprintf("%s/docker", bin);
    cr_assert_eq(chmod(path, 0755), 0);
    setenv("PATH", bin, 1);
    unsetenv("SRVCONSOLE_COMPOSE");
    free(path);
    free(script);
    free(bin);
}

Test(plan, detect_compose_v2)
{
    fake_docker(0);
    cr_assert_str_eq(plan_detect_compose(), "docker compose");
}

Test(plan, detect_compose_falls_back_to_v1)
{
    fake_docker(1);
    cr_assert_str_eq(plan_detect_compose(), "docker-compose");
    setenv("PATH", "/nonexistent", 1);
    cr_assert_str_eq(plan_detect_compose(), "docker-compose", "no docker at all");
}

Test(plan, detect_compose_env_wins)
{
    fake_docker(0);
    setenv("SRVCONSOLE_COMPOSE", "/opt/bin/docker-compose", 1);
    cr_assert_str_eq(plan_detect_compose(), "/opt/bin/docker-compose");
}

Test(plan, compose_is_v1)
{
    cr_assert(plan_compose_is_v1("docker-compose"));
    cr_assert(plan_compose_is_v1("/usr/bin/docker-compose"));
    cr_assert_not(plan_compose_is_v1("docker compose"));
    cr_assert_not(plan_compose_is_v1("podman compose"));
    cr_assert_not(plan_compose_is_v1(NULL));
}

Test(plan, other_compose_commands_are_split_into_argv)
{
    catalog(D("d", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"c.yml\"}"));
    plan_opts o = {.compose = "podman compose"};
    plan *p = resolve_with("l", "d", &o);
    expect_steps(p, STEPS("up|podman compose -f \"@/c.yml\" down "));
    expect_argv(&p->steps[0], STEPS("podman", "compose", "-f", p->steps[0].compose_file, "down"));
    plan_free(p);
}

/* ---- compose v1 ------------------------------------------------------------------------ */

Test(plan, v1_drops_wait_and_waits_itself)
{
    catalog(D("u", "[\"l\"]",
              "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", \"defaultArgs\": "
              "\"db cache -d --wait --timeout 5\", \"postUpCommands\": [" HOOK("post") "]}"));
    plan_opts o = {.compose = "docker-compose"};
    plan *p = resolve_with("l", "u", &o);
    cr_assert(p->compose_v1);
    char *path = cpath("c.yml");
    expect_steps(p, STEPS("up|docker-compose -f \"@/c.yml\" up db cache -d --timeout 5",
                          "up|wait until the containers of c.yml (db, cache) are running "
                          "(healthy where they have a healthcheck), at most 60 s",
                          "post-up|post"));
    expect_argv(&p->steps[0], STEPS("docker-compose", "-f", path, "up", "db", "cache", "-d",
                                    "--timeout", "5"));
    const plan_step *w = &p->steps[1];
    cr_assert_eq(w->kind, PLAN_WAIT);
    cr_assert_eq(w->phase, PLAN_MAIN);
    cr_assert_str_eq(w->compose_file, path);
    cr_assert_str_eq(w->services[0], "db");
    cr_assert_str_eq(w->services[1], "cache");
    cr_assert_null(w->services[2]);
    cr_assert_null(w->argv[0]);
    cr_assert_eq(w->timeout, 60.0);
    cr_assert_str_eq(w->cwd, root);
    bool noted = false;
    for (size_t i = 0; i < p->n_notes; i++)
        noted = noted || (strstr(p->notes[i], "--wait") && strstr(p->notes[i], "60 s"));
    cr_assert(noted, "a note says that srvconsole waits itself");
    free(path);
    plan_free(p);
}

Test(plan, v1_wait_timeout_and_all_services)
{
    catalog(D("u", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                              " \"defaultArgs\": \"-d --wait --wait-timeout 90\"}")
            "," D("v", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                                  " \"defaultArgs\": \"--wait-timeout=7 --wait -d\"}"));
    plan_opts o = {.compose = "docker-compose"};
    plan *p = resolve_with("l", "u", &o);
    expect_steps(p, STEPS("up|docker-compose -f \"@/c.yml\" up -d",
                          "up|wait until the containers of c.yml are running "
                          "(healthy where they have a healthcheck), at most 90 s"));
    cr_assert_null(p->steps[1].services[0], "no service named: all of the file");
    cr_assert_eq(p->steps[1].timeout, 90.0);
    plan_free(p);
    o.wait_timeout = 12;
    p = resolve_with("l", "v", &o);
    cr_assert_eq(p->steps[1].timeout, 7.0);
    plan_free(p);
}

Test(plan, v1_without_wait_adds_no_step)
{
    catalog(D("d", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFile\": \"c.yml\","
                              " \"defaultArgs\": \"-v\"}"));
    plan_opts o = {.compose = "docker-compose", .wait_timeout = 5};
    plan *p = resolve_with("l", "d", &o);
    expect_steps(p, STEPS("up|docker-compose -f \"@/c.yml\" down -v"));
    const char *note;
    cr_assert_eq(own_notes(p, &note), 1, "only the general v1 note");
    cr_assert(strstr(note, "Compose v2"), "%s", note);
    plan_free(p);
}

Test(plan, v2_keeps_wait)
{
    catalog(D("u", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                              " \"defaultArgs\": \"-d --wait\"}"));
    plan *p = resolve("l", "u");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up -d --wait"));
    plan_free(p);
}

Test(plan, v1_notes_additional_contexts_and_v2_hooks)
{
    ts_write(root, "infrastructure/local/docker/compose/c.yml",
             "services:\n  a:\n    build:\n      context: .\n      additional_contexts:\n"
             "        lib: ../lib\n");
    ts_write(root, "infrastructure/local/docker/compose/plain.yml", "services: {}\n");
    catalog(D("u", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFiles\": ["
                              "{\"composeFile\": \"plain.yml\"}, {\"composeFile\": \"c.yml\","
                              " \"preBuildCommands\": [{\"description\": \"builder\", \"command\":"
                              " \"docker compose -f x.yml build b\"}]}]}"));
    plan_opts o = {.compose = "docker-compose"};
    plan *p = resolve_with("l", "u", &o);
    size_t ctx = 0, hook = 0;
    for (size_t i = 0; i < p->n_notes; i++) {
        if (strstr(p->notes[i], "rejects build.additional_contexts")) {
            ctx++;
            cr_assert(strstr(p->notes[i], "compose/c.yml"), "%s", p->notes[i]);
        }
        if (strstr(p->notes[i], "\"builder\""))
            hook++;
    }
    cr_assert_eq(ctx, 1, "only the file that uses it");
    cr_assert_eq(hook, 1);
    plan_free(p);
    o.compose = "docker compose";
    p = resolve_with("l", "u", &o);
    cr_assert_eq(p->n_notes, 0, "no note with Compose v2 (and the files exist)");
    plan_free(p);
}

Test(plan, args_that_need_a_shell_run_through_it)
{
    catalog(D("u", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                              " \"defaultArgs\": \"-d $SERVICES\"}"));
    plan *p = resolve("l", "u");
    expect_steps(p, STEPS("up|docker compose -f \"@/c.yml\" up -d $SERVICES"));
    cr_assert_eq(p->steps[0].kind, PLAN_SHELL);
    expect_argv(&p->steps[0], STEPS("/bin/sh", "-c", p->steps[0].display));
    const char *note;
    cr_assert_eq(own_notes(p, &note), 1);
    cr_assert(strstr(note, "c.yml") && strstr(note, "/bin/sh"), "%s", note);
    plan_free(p);
}

/* ---- preflight (spec §5.6): notes, never steps ------------------------------------- */

static size_t notes_with(const plan *p, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_notes; i++)
        n += strstr(p->notes[i], needle) != NULL;
    return n;
}

Test(plan, preflight_missing_compose_file)
{
    catalog(D("d", "[\"l\"]", "{\"deployCommand\": \"down\", \"composeFiles\": ["
                              "{\"composeFile\": \"a.yml\"}, {\"composeFile\": \"b.yml\"}]}"));
    ts_write(root, "infrastructure/local/docker/compose/b.yml", "services: {}\n");
    plan *p = resolve("l", "d");
    cr_assert_eq(p->n_steps, 2, "no step is added");
    cr_assert_eq(p->n_notes, 1);
    cr_assert_str_eq(p->notes[0], "preflight: infrastructure/local/docker/compose/a.yml does "
                                  "not exist and no step before it generates it: run "
                                  "`srvconsole generate docker-compose` first");
    plan_free(p);
}

Test(plan, preflight_knows_what_the_generator_hooks_write)
{
    catalog(D("g", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                              " \"preBuildCommands\": [" HOOK(GEN " docker-compose") "]}")
            "," D("all", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                                    " \"preBuildCommands\": [" HOOK(GEN) "]}")
            "," D("env", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                                    " \"preBuildCommands\": [" HOOK(GEN " env") "]}")
            "," D("late", "[\"l\"]", "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                                     " \"postUpCommands\": [" HOOK(GEN) "]}"));
    plan *p = resolve("l", "g");
    cr_assert_eq(notes_with(p, "does not exist"), 0, "generated first");
    plan_free(p);
    p = resolve("l", "all");
    cr_assert_eq(notes_with(p, "does not exist"), 0, "all targets");
    plan_free(p);
    plan_opts o = {.compose = "docker compose", .verbatim_hooks = true};
    p = resolve_with("l", "all", &o);
    cr_assert_eq(notes_with(p, "does not exist"), 0, "verbatim hooks generate too");
    plan_free(p);
    p = resolve("l", "env");
    cr_assert_eq(notes_with(p, "c.yml does not exist"), 1, "env does not write compose files");
    plan_free(p);
    p = resolve("l", "late");
    cr_assert_eq(notes_with(p, "c.yml does not exist"), 1, "too late");
    plan_free(p);
}

Test(plan, preflight_assets_folder)
{
    catalog(D("a", "[\"l\"]", "{\"type\": \"sh\", \"deployCommand\": \"true\","
                              " \"preBuildCommands\": [" HOOK("touch ./infrastructure/tools/deployment-cli/assets/.env") ", "
                              HOOK("cp x ./infrastructure/tools/deployment-cli/assets/y") "]}"));
    plan *p = resolve("l", "a");
    cr_assert_eq(p->n_steps, 3);
    cr_assert_eq(notes_with(p, "preflight: infrastructure/tools/deployment-cli/assets/ does "
                               "not exist"), 1, "once");
    cr_assert_eq(notes_with(p, "mkdir -p infrastructure/tools/deployment-cli/assets"), 1);
    plan_free(p);
    char *dir = util_xasprintf("%s/infrastructure/tools/deployment-cli/assets", root);
    char err[SRV_ERRLEN];
    cr_assert_eq(util_mkdirs(dir, err), 0, "%s", err);
    free(dir);
    p = resolve("l", "a");
    cr_assert_eq(p->n_notes, 0);
    plan_free(p);
}

/* ---- views --------------------------------------------------------------------------- */

Test(plan, text_view_shows_every_display_verbatim)
{
    catalog(D("h", "[\"l\"]",
              "{\"deployCommand\": \"up\", \"composeFiles\": [{\"composeFile\": \"a.yml\","
              " \"defaultArgs\": \"-d\", \"preBuildCommands\": [" HOOK(GEN " env") "]},"
              " {\"composeFile\": \"b.yml\", \"postUpCommands\": [" HOOK("echo done") "]}]}"));
    plan_opts o = {.compose = "docker-compose"};
    plan *p = resolve_with("l", "h", &o);
    strbuf sb = STRBUF_INIT;
    plan_format_text(&sb, p);
    cr_assert(strstr(sb.data, "Plan: Name h (h) in l\n"), "%s", sb.data);
    cr_assert(strstr(sb.data, "Compose: docker-compose (v1)\n"), "%s", sb.data);
    cr_assert(strstr(sb.data, "\na.yml:\n") && strstr(sb.data, "\nb.yml:\n"), "scope headers");
    for (size_t i = 0; i < p->n_steps; i++) {
        char *line = util_xasprintf("  %zu. [%s] %s\n", i + 1,
                                    plan_phase_name(p->steps[i].phase), p->steps[i].display);
        cr_assert(strstr(sb.data, line), "missing %s in\n%s", line, sb.data);
        free(line);
    }
    cr_assert(strstr(sb.data, "do " GEN " env (in-process: srvconsole generate env)"), "%s",
              sb.data);
    cr_assert(strstr(sb.data, "\nNotes:\n  - "), "%s", sb.data);
    strbuf_free(&sb);
    plan_free(p);
}

Test(plan, json_view)
{
    catalog(D("h", "[\"l\"]",
              "{\"deployCommand\": \"up\", \"composeFile\": \"a.yml\", \"defaultArgs\": \"x -d --wait\","
              " \"preBuildCommands\": [" HOOK(GEN " env") ", " HOOK(VAL) "]}"));
    plan_opts o = {.compose = "docker-compose"};
    plan *p = resolve_with("l", "h", &o);
    strbuf sb = STRBUF_INIT;
    plan_format_json(&sb, p);
    cJSON *j = cJSON_Parse(sb.data);
    cr_assert_not_null(j, "%s", sb.data);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "shortName")->valuestring, "h");
    cr_assert_str_eq(cJSON_GetObjectItem(j, "env")->valuestring, "l");
    cr_assert_str_eq(cJSON_GetObjectItem(j, "compose")->valuestring, "docker-compose");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "composeV1")));
    cJSON *steps = cJSON_GetObjectItem(j, "steps");
    cr_assert_eq(cJSON_GetArraySize(steps), (int)p->n_steps);
    const char *kinds[] = {"native-generate", "native-validate", "argv", "wait"};
    for (int i = 0; i < 4; i++) {
        cJSON *s = cJSON_GetArrayItem(steps, i);
        cr_assert_str_eq(cJSON_GetObjectItem(s, "kind")->valuestring, kinds[i]);
        cr_assert_str_eq(cJSON_GetObjectItem(s, "display")->valuestring, p->steps[i].display);
        cr_assert_str_eq(cJSON_GetObjectItem(s, "cwd")->valuestring, root);
        cr_assert_eq(cJSON_GetObjectItem(s, "index")->valuedouble, i + 1);
    }
    cJSON *t = cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 0), "targets");
    cr_assert_str_eq(cJSON_GetArrayItem(t, 0)->valuestring, "env");
    cJSON *w = cJSON_GetArrayItem(steps, 3);
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(w, "services"), 0)->valuestring, "x");
    cr_assert_eq(cJSON_GetObjectItem(w, "timeout")->valuedouble, 60);
    cJSON *argv = cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 2), "argv");
    cr_assert_str_eq(cJSON_GetArrayItem(argv, 0)->valuestring, "docker-compose");
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "notes")), (int)p->n_notes);
    cJSON_Delete(j);
    strbuf_free(&sb);
    plan_free(p);
}

Test(plan, phase_and_kind_names)
{
    cr_assert_str_eq(plan_phase_name(PLAN_PRE_BUILD), "pre-build");
    cr_assert_str_eq(plan_phase_name(PLAN_BUILD), "build");
    cr_assert_str_eq(plan_phase_name(PLAN_MAIN), "up");
    cr_assert_str_eq(plan_phase_name(PLAN_POST_UP), "post-up");
    cr_assert_str_eq(plan_kind_name(PLAN_WAIT), "wait");
    cr_assert_str_eq(plan_kind_name(PLAN_ARGV), "argv");
}

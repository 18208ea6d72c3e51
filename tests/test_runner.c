/* tests/test_runner.c — core/runner: plans built by hand, run against fake
 * commands (scripts in a temp dir put first on PATH) that record their argv
 * and cwd. */
#include "config.h"
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/plan.h"
#include "core/runner.h"
#include "core/util.h"

/* Timing assertions are loosened under valgrind (make check-valgrind traces
 * the children too, which makes every spawn slow). */
static bool under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload");
}

/* ---- plans -------------------------------------------------------------- */

static plan *tp_new(const char *compose)
{
    plan *p = util_xcalloc(1, sizeof *p);
    arena *a = util_xmalloc(sizeof *a);
    arena_init(a);
    p->priv = a;
    p->env = arena_strdup(a, "local");
    p->name = arena_strdup(a, "test deployment");
    p->compose = compose ? arena_strdup(a, compose) : NULL;
    p->steps = arena_alloc(a, 32 * sizeof(plan_step));
    return p;
}

/* Add a step; the variadic part is its argv (NULL-terminated). */
static plan_step *tp_add(plan *p, plan_kind k, plan_phase_id ph, const char *cwd, ...)
{
    arena *a = p->priv;
    cr_assert_lt(p->n_steps, 32);
    plan_step *s = &p->steps[p->n_steps++];
    s->kind = k;
    s->phase = ph;
    s->cwd = cwd ? arena_strdup(a, cwd) : NULL;
    const char *words[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, cwd);
    for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
        words[n++] = w;
    va_end(ap);
    if (n) {
        s->argv = arena_alloc(a, (n + 1) * sizeof *s->argv);
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < n; i++) {
            s->argv[i] = arena_strdup(a, words[i]);
            strbuf_addf(&sb, "%s%s", i ? " " : "", words[i]);
        }
        s->display = arena_strdup(a, sb.data);
        strbuf_free(&sb);
    }
    return s;
}

static plan_step *tp_sh(plan *p, plan_phase_id ph, const char *cwd, const char *cmd)
{
    return tp_add(p, PLAN_SHELL, ph, cwd, "/bin/sh", "-c", cmd, NULL);
}

static char **tp_list(plan *p, const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    char **out = arena_alloc(p->priv, (n + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = arena_strdup(p->priv, v[i]);
    return out;
}

/* ---- a temp dir of fake commands, first on PATH -------------------------- */

static char *tdir;
static char *old_path;

static char *tpath(const char *name)
{
    return util_path_join(tdir, name);
}

static void write_file(const char *name, const char *text, bool exec)
{
    char *path = tpath(name);
    char err[SRV_ERRLEN];
    cr_assert_eq(util_write_file_atomic(path, text, strlen(text), err), 0, "%s", err);
    if (exec)
        chmod(path, 0755);
    free(path);
}

/* A script that records "NAME ARGS @ CWD" into DIR/log, then runs `body`. */
static void fake(const char *name, const char *body)
{
    char *script = util_xasprintf("#!/bin/sh\necho \"%s $* @ $PWD\" >> '%s/log'\n%s\n", name,
                                  tdir, body ? body : "");
    write_file(name, script, true);
    free(script);
}

static char *read_log(void)
{
    char *path = tpath("log"), *text = NULL, err[SRV_ERRLEN];
    size_t len;
    if (util_read_file(path, 1 << 20, &text, &len, err) != 0)
        text = util_xstrdup("");
    free(path);
    return text;
}

static void setup(void)
{
    char tmpl[] = "/tmp/srvrunnerXXXXXX";
    cr_assert_not_null(mkdtemp(tmpl));
    tdir = util_xstrdup(tmpl);
    old_path = util_xstrdup(getenv("PATH"));
    char *path = util_xasprintf("%s:%s", tdir, old_path);
    setenv("PATH", path, 1);
    free(path);
    char *sub = tpath("pkg");
    mkdir(sub, 0755);
    free(sub);
}

static void teardown(void)
{
    setenv("PATH", old_path, 1);
    char *cmd = util_xasprintf("rm -rf '%s'", tdir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(tdir);
    free(old_path);
}

TestSuite(runner, .init = setup, .fini = teardown);

/* ---- recording events ------------------------------------------------------ */

typedef struct {
    uv_loop_t loop;
    runner *r;
    strbuf ev;
    bool ended;
    runner_result end;
    size_t failed_step;
    char *tail;
    const char *cancel_on;  /* runner_cancel when this line arrives */
    bool free_in_end;       /* runner_free from plan_end */
    uint64_t cancel_t;
} rec;

static const char *outcome_name(runner_outcome o)
{
    return o == RUNNER_OK ? "ok" : o == RUNNER_FAILED ? "failed" : "cancelled";
}

static void e_plan_start(void *u, const plan *p)
{
    strbuf_adds(&((rec *)u)->ev, "plan_start\n");
}

static void e_plan_end(void *u, const plan *p, const runner_result *r, size_t failed)
{
    rec *t = u;
    strbuf_addf(&t->ev, "plan_end %s step=%zu code=%d\n", outcome_name(r->outcome), failed,
                r->exit_code);
    t->ended = true;
    t->end = *r;
    t->failed_step = failed;
    free(t->tail);
    t->tail = util_xstrdup(runner_tail(t->r));
    cr_assert_not(runner_busy(t->r));
    if (t->free_in_end) {
        runner_free(t->r);
        t->r = NULL;
    }
}

static void e_phase_start(void *u, plan_phase_id ph)
{
    strbuf_addf(&((rec *)u)->ev, "phase_start %s\n", plan_phase_name(ph));
}

static void e_phase_end(void *u, plan_phase_id ph, runner_outcome o, double s)
{
    cr_assert(s >= 0);
    strbuf_addf(&((rec *)u)->ev, "phase_end %s %s\n", plan_phase_name(ph), outcome_name(o));
}

static void e_step_start(void *u, size_t i, const plan_step *s)
{
    strbuf_addf(&((rec *)u)->ev, "step_start %zu\n", i);
}

static void e_step_end(void *u, size_t i, const plan_step *s, const runner_result *r)
{
    rec *t = u;
    strbuf_addf(&t->ev, "step_end %zu %s code=%d", i, outcome_name(r->outcome), r->exit_code);
    if (r->term_signal)
        strbuf_addf(&t->ev, " sig=%d", r->term_signal);
    if (r->spawn_failed)
        strbuf_adds(&t->ev, " spawn_failed");
    if (r->outcome != RUNNER_OK)
        strbuf_addf(&t->ev, " (%s)", r->error);
    strbuf_addc(&t->ev, '\n');
    cr_assert(r->seconds >= 0);
}

static void e_line(void *u, size_t i, runner_stream st, const char *text, size_t len)
{
    rec *t = u;
    cr_assert_eq(text[len], '\0');
    const char *sn = st == RUNNER_STDOUT ? "out" : st == RUNNER_STDERR ? "err" : "info";
    strbuf_addf(&t->ev, "line %zu %s %s\n", i, sn, text);
    if (t->cancel_on && strcmp(text, t->cancel_on) == 0) {
        t->cancel_t = util_now_ns();
        runner_cancel(t->r);
    }
}

static const runner_callbacks REC_CB = {e_plan_start, e_plan_end, e_phase_start, e_phase_end,
                                        e_step_start, e_step_end,  e_line};

static void rec_init(rec *t)
{
    memset(t, 0, sizeof *t);
    cr_assert_eq(uv_loop_init(&t->loop), 0);
    t->r = runner_new(&t->loop, &REC_CB, t);
}

/* Run p to its end; returns the event log (owned by t). */
static const char *rec_run(rec *t, const plan *p)
{
    char err[256];
    cr_assert_eq(runner_start(t->r, p, err, sizeof err), 0, "%s", err);
    cr_assert(runner_busy(t->r));
    cr_assert_str_eq(t->ev.data ? t->ev.data : "", "", "no event from inside runner_start");
    while (!t->ended && uv_run(&t->loop, UV_RUN_ONCE))
        ;
    cr_assert(t->ended, "plan_end came");
    return t->ev.data;
}

static void rec_fini(rec *t)
{
    if (t->r)
        runner_free(t->r);
    uv_run(&t->loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&t->loop), 0, "every handle closed");
    cr_assert_eq(proc_live_count(), 0, "no child left");
    strbuf_free(&t->ev);
    free(t->tail);
}

/* ---- tests ----------------------------------------------------------------- */

Test(runner, events_in_order_with_phases_argv_and_cwd)
{
    fake("fake", "echo \"ran $1\"");
    char *pkg = tpath("pkg");
    plan *p = tp_new("docker compose");
    tp_sh(p, PLAN_PRE_BUILD, pkg, "echo pre; echo pre-err >&2");
    tp_add(p, PLAN_ARGV, PLAN_BUILD, pkg, "fake", "build", "one two", NULL);
    tp_add(p, PLAN_ARGV, PLAN_BUILD, "/", "fake", "second", NULL);
    tp_add(p, PLAN_ARGV, PLAN_MAIN, pkg, "fake", "up", "-d", NULL);
    tp_sh(p, PLAN_POST_UP, pkg, "fake post");
    rec t;
    rec_init(&t);
    const char *ev = rec_run(&t, p);
    cr_assert_str_eq(ev, "plan_start\n"
                         "phase_start pre-build\n"
                         "step_start 0\n"
                         "line 0 out pre\n"
                         "line 0 err pre-err\n"
                         "step_end 0 ok code=0\n"
                         "phase_end pre-build ok\n"
                         "phase_start build\n"
                         "step_start 1\n"
                         "line 1 out ran build\n"
                         "step_end 1 ok code=0\n"
                         "step_start 2\n"
                         "line 2 out ran second\n"
                         "step_end 2 ok code=0\n"
                         "phase_end build ok\n"
                         "phase_start up\n"
                         "step_start 3\n"
                         "line 3 out ran up\n"
                         "step_end 3 ok code=0\n"
                         "phase_end up ok\n"
                         "phase_start post-up\n"
                         "step_start 4\n"
                         "line 4 out ran post\n"
                         "step_end 4 ok code=0\n"
                         "phase_end post-up ok\n"
                         "plan_end ok step=5 code=0\n");
    cr_assert_eq(t.failed_step, p->n_steps);
    cr_assert_eq(t.end.outcome, RUNNER_OK);
    char *log = read_log();
    char *want = util_xasprintf("fake build one two @ %s\n"
                                "fake second @ /\n"
                                "fake up -d @ %s\n"
                                "fake post @ %s\n",
                                pkg, pkg, pkg);
    cr_assert_str_eq(log, want);
    free(want);
    free(log);
    rec_fini(&t);
    plan_free(p);
    free(pkg);
}

Test(runner, stops_at_the_first_failing_step)
{
    fake("fake", NULL);
    plan *p = tp_new(NULL);
    tp_add(p, PLAN_ARGV, PLAN_BUILD, NULL, "fake", "first", NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo working; echo 'boom: disk full' >&2; exit 3");
    tp_add(p, PLAN_ARGV, PLAN_MAIN, NULL, "fake", "never", NULL);
    tp_add(p, PLAN_ARGV, PLAN_POST_UP, NULL, "fake", "never-either", NULL);
    rec t;
    rec_init(&t);
    const char *ev = rec_run(&t, p);
    cr_assert_str_eq(ev, "plan_start\n"
                         "phase_start build\n"
                         "step_start 0\n"
                         "step_end 0 ok code=0\n"
                         "phase_end build ok\n"
                         "phase_start up\n"
                         "step_start 1\n"
                         "line 1 out working\n"
                         "line 1 err boom: disk full\n"
                         "step_end 1 failed code=3 (exited with status 3)\n"
                         "phase_end up failed\n"
                         "plan_end failed step=1 code=3\n");
    cr_assert_eq(t.failed_step, 1);
    cr_assert_str_eq(t.tail, "working\nboom: disk full", "the failing step's last lines");
    char *log = read_log();
    cr_assert(strstr(log, "never") == NULL, "later steps did not run: %s", log);
    free(log);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, signal_and_missing_executable)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "kill -TERM $$");
    rec t;
    rec_init(&t);
    const char *ev = rec_run(&t, p);
    cr_assert(strstr(ev, "step_end 0 failed code=143 sig=15 (killed by signal 15") != NULL, "%s", ev);
    cr_assert_eq(t.end.term_signal, SIGTERM);
    rec_fini(&t);
    plan_free(p);

    p = tp_new(NULL);
    tp_add(p, PLAN_ARGV, PLAN_MAIN, NULL, "docker-srvconsole-missing", "ps", NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo never");
    rec_init(&t);
    ev = rec_run(&t, p);
    cr_assert_str_eq(ev, "plan_start\n"
                         "phase_start up\n"
                         "step_start 0\n"
                         "step_end 0 failed code=127 spawn_failed "
                         "(docker-srvconsole-missing: not found in PATH)\n"
                         "phase_end up failed\n"
                         "plan_end failed step=0 code=127\n");
    cr_assert(t.end.spawn_failed);
    cr_assert_str_eq(t.end.error, "docker-srvconsole-missing: not found in PATH");
    rec_fini(&t);
    plan_free(p);
}

Test(runner, missing_cwd_fails_the_step)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, "/nonexistent-srvconsole", "true");
    rec t;
    rec_init(&t);
    rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_FAILED);
    cr_assert(strstr(t.end.error, "/nonexistent-srvconsole does not exist") != NULL, "%s",
              t.end.error);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, empty_plan)
{
    plan *p = tp_new(NULL);
    rec t;
    rec_init(&t);
    cr_assert_str_eq(rec_run(&t, p), "plan_start\nplan_end ok step=0 code=0\n");
    rec_fini(&t);
    plan_free(p);
}

Test(runner, busy_refuses_a_second_plan)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "true");
    rec t;
    rec_init(&t);
    char err[256];
    cr_assert_eq(runner_start(t.r, p, err, sizeof err), 0);
    cr_assert_eq(runner_start(t.r, p, err, sizeof err), -1);
    cr_assert_str_eq(err, "a plan is already running");
    while (!t.ended && uv_run(&t.loop, UV_RUN_ONCE))
        ;
    /* a finished runner runs the next plan */
    t.ended = false;
    strbuf_reset(&t.ev);
    rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_OK);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, cancel_stops_the_step_and_skips_the_rest)
{
    fake("fake", NULL);
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo started; sleep 30; echo never");
    tp_add(p, PLAN_ARGV, PLAN_POST_UP, NULL, "fake", "later", NULL);
    rec t;
    rec_init(&t);
    t.cancel_on = "started";
    const char *ev = rec_run(&t, p);
    double s = (double)(util_now_ns() - t.cancel_t) / 1e9;
    cr_assert_str_eq(ev, "plan_start\n"
                         "phase_start up\n"
                         "step_start 0\n"
                         "line 0 out started\n"
                         "step_end 0 cancelled code=143 sig=15 (cancelled)\n"
                         "phase_end up cancelled\n"
                         "plan_end cancelled step=0 code=143\n");
    cr_assert(s < 1.5 || under_valgrind(), "TERM ended it at once (%.2fs)", s);
    char *log = read_log();
    cr_assert_str_eq(log, "", "the later step did not run");
    free(log);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, cancel_kills_a_step_ignoring_term)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "trap '' TERM; echo started; sleep 30 & wait; wait; wait");
    rec t;
    rec_init(&t);
    t.cancel_on = "started";
    rec_run(&t, p);
    double s = (double)(util_now_ns() - t.cancel_t) / 1e9;
    cr_assert_eq(t.end.outcome, RUNNER_CANCELLED);
    cr_assert_eq(t.end.term_signal, SIGKILL);
    cr_assert(s >= 1.9 && s < 6, "KILL after ~2 s (%.2fs)", s);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, free_from_plan_end)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo x");
    rec t;
    rec_init(&t);
    t.free_in_end = true;
    rec_run(&t, p);
    cr_assert_null(t.r);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, free_while_running_cancels_the_child_silently)
{
    plan *p = tp_new(NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo started; sleep 30");
    rec t;
    rec_init(&t);
    char err[256];
    cr_assert_eq(runner_start(t.r, p, err, sizeof err), 0);
    while (!strstr(t.ev.data ? t.ev.data : "", "started"))
        uv_run(&t.loop, UV_RUN_ONCE);
    cr_assert_eq(proc_live_count(), 1);
    runner_free(t.r);
    t.r = NULL;
    size_t before = t.ev.len;
    uv_run(&t.loop, UV_RUN_DEFAULT); /* to the end: the child is gone */
    cr_assert_eq(t.ev.len, before, "no event after runner_free: %s", t.ev.data + before);
    cr_assert_eq(proc_live_count(), 0);
    rec_fini(&t);
    plan_free(p);
}

/* ---- native steps ------------------------------------------------------------ */

typedef struct {
    int calls;
    int rc;
    char targets[128];
} native_state;

static int native_fn(void *user, const plan *p, const plan_step *s, runner_emit_fn emit, void *ctx)
{
    native_state *ns = user;
    ns->calls++;
    ns->targets[0] = '\0';
    for (size_t i = 0; s->targets && s->targets[i]; i++) {
        strcat(ns->targets, s->targets[i]);
        strcat(ns->targets, ";");
    }
    emit(ctx, RUNNER_STDOUT, s->kind == PLAN_NATIVE_GENERATE ? "generated a\ngenerated b\n"
                                                              : "validating");
    emit(ctx, RUNNER_STDERR, "note");
    return s->kind == PLAN_NATIVE_GENERATE ? 0 : ns->rc;
}

Test(runner, native_steps_call_the_function)
{
    plan *p = tp_new(NULL);
    plan_step *g = tp_add(p, PLAN_NATIVE_GENERATE, PLAN_PRE_BUILD, NULL, NULL);
    const char *targets[] = {"docker-compose", "env", NULL};
    g->targets = tp_list(p, targets);
    tp_add(p, PLAN_NATIVE_VALIDATE, PLAN_PRE_BUILD, NULL, NULL);
    tp_sh(p, PLAN_MAIN, NULL, "echo never");
    native_state ns = {.rc = 2};
    rec t;
    rec_init(&t);
    runner_set_native(t.r, native_fn, &ns);
    const char *ev = rec_run(&t, p);
    cr_assert_str_eq(ev, "plan_start\n"
                         "phase_start pre-build\n"
                         "step_start 0\n"
                         "line 0 out generated a\n"
                         "line 0 out generated b\n"
                         "line 0 err note\n"
                         "step_end 0 ok code=0\n"
                         "step_start 1\n"
                         "line 1 out validating\n"
                         "line 1 err note\n"
                         "step_end 1 failed code=2 (exited with status 2)\n"
                         "phase_end pre-build failed\n"
                         "plan_end failed step=1 code=2\n");
    cr_assert_eq(ns.calls, 2);
    cr_assert_str_eq(ns.targets, "", "validate has no targets");
    rec_fini(&t);

    /* the generator step saw its targets */
    ns.calls = 0;
    ns.rc = 0;
    rec_init(&t);
    runner_set_native(t.r, native_fn, &ns);
    p->n_steps = 1;
    rec_run(&t, p);
    cr_assert_str_eq(ns.targets, "docker-compose;env;");
    rec_fini(&t);
    plan_free(p);
}

Test(runner, native_step_without_a_handler_fails_clearly)
{
    plan *p = tp_new(NULL);
    tp_add(p, PLAN_NATIVE_GENERATE, PLAN_PRE_BUILD, NULL, NULL);
    rec t;
    rec_init(&t);
    rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_FAILED);
    cr_assert_str_eq(t.end.error,
                     "no in-process handler for the generator hook (runner_set_native was not called)");
    rec_fini(&t);
    plan_free(p);
}

/* ---- wait steps ---------------------------------------------------------------- */

/* A container as `docker inspect` prints it. */
static char *inspect_obj(const char *service, const char *status, const char *health, int code)
{
    char *h = health ? util_xasprintf(",\"Health\":{\"Status\":\"%s\"}", health) : util_xstrdup("");
    char *o = util_xasprintf("{\"Id\":\"id-%s\",\"Name\":\"/proj-%s-1\",\"State\":{\"Status\":\"%s\","
                             "\"ExitCode\":%d%s},\"Config\":{\"Labels\":{"
                             "\"com.docker.compose.service\":\"%s\"}}}",
                             service, service, status, code, h, service);
    free(h);
    return o;
}

static void write_inspect(const char *name, const char *a, const char *b)
{
    char *text = util_xasprintf("[%s%s%s]\n", a, b ? "," : "", b ? b : "");
    write_file(name, text, false);
    free(text);
}

/* fake docker-compose (v1) and docker: `docker inspect` answers from
 * DIR/inspect.N.json for its Nth call (DIR/inspect.json after that). */
static void fake_v1(void)
{
    char *ids = util_xasprintf("cat '%s/ids'", tdir);
    fake("docker-compose", ids);
    free(ids);
    char *body = util_xasprintf("d='%s'\n"
                                "case \"$1\" in\n"
                                "inspect) n=$(cat \"$d/n\" 2>/dev/null || echo 0); n=$((n+1)); "
                                "echo $n > \"$d/n\"\n"
                                "  f=\"$d/inspect.$n.json\"; [ -f \"$f\" ] || f=\"$d/inspect.json\"; "
                                "cat \"$f\";;\n"
                                "compose) n=$(cat \"$d/n\" 2>/dev/null || echo 0); n=$((n+1)); "
                                "echo $n > \"$d/n\"\n"
                                "  f=\"$d/ps.$n.json\"; [ -f \"$f\" ] || f=\"$d/ps.json\"; "
                                "cat \"$f\";;\n"
                                "esac",
                                tdir);
    fake("docker", body);
    free(body);
}

static plan *wait_plan(const char *compose, double timeout, const char *const *services)
{
    plan *p = tp_new(compose);
    char *pkg = tpath("pkg");
    tp_add(p, PLAN_ARGV, PLAN_MAIN, pkg, "true", NULL);
    plan_step *w = tp_add(p, PLAN_WAIT, PLAN_MAIN, pkg, NULL);
    w->compose_file = arena_strdup(p->priv, "/abs/compose/docker-compose-db.yml");
    w->services = tp_list(p, services);
    w->timeout = timeout;
    free(pkg);
    return p;
}

Test(runner, wait_v1_until_running_and_healthy)
{
    fake_v1();
    write_file("ids", "c1\nc2\n", false);
    char *db_up = inspect_obj("db", "running", NULL, 0);
    char *cache_starting = inspect_obj("cache", "running", "starting", 0);
    char *cache_created = inspect_obj("cache", "created", NULL, 0);
    char *cache_ok = inspect_obj("cache", "running", "healthy", 0);
    write_inspect("inspect.1.json", db_up, cache_created);
    write_inspect("inspect.2.json", db_up, cache_starting);
    write_inspect("inspect.json", db_up, cache_ok);
    const char *svc[] = {"db", "cache", NULL};
    plan *p = wait_plan("docker-compose", 20, svc);
    rec t;
    rec_init(&t);
    uint64_t t0 = util_now_ns();
    const char *ev = rec_run(&t, p);
    double s = (double)(util_now_ns() - t0) / 1e9;
    cr_assert_eq(t.end.outcome, RUNNER_OK, "%s", ev);
    cr_assert(strstr(ev, "line 1 info waiting for the containers of db, cache to be running") != NULL,
              "%s", ev);
    cr_assert(strstr(ev, "line 1 info waiting for: proj-cache-1: created\n") != NULL, "%s", ev);
    cr_assert(strstr(ev, "line 1 info waiting for: proj-cache-1: starting\n") != NULL, "%s", ev);
    cr_assert(strstr(ev, "info containers ready after") != NULL, "%s", ev);
    cr_assert(strstr(ev, "step_end 1 ok code=0\n") != NULL, "%s", ev);
    cr_assert(s >= 0.9 && (s < 10 || under_valgrind()), "polled every 500 ms (%.2fs)", s);
    char *log = read_log();
    char *pkg = tpath("pkg");
    char *want = util_xasprintf("docker-compose -f /abs/compose/docker-compose-db.yml ps -q db cache @ %s\n"
                                "docker inspect c1 c2 @ %s\n",
                                pkg, pkg);
    cr_assert(util_startswith(log, want), "%s", log);
    free(want);
    free(pkg);
    free(log);
    free(db_up);
    free(cache_starting);
    free(cache_created);
    free(cache_ok);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, wait_times_out_listing_what_is_not_ready)
{
    fake_v1();
    write_file("ids", "c1\n", false);
    char *db = inspect_obj("db", "running", "unhealthy", 0);
    write_inspect("inspect.json", db, NULL);
    const char *svc[] = {"db", "queue", NULL};
    double tmo = under_valgrind() ? 12 : 1.2;
    plan *p = wait_plan("docker-compose", tmo, svc);
    rec t;
    rec_init(&t);
    uint64_t t0 = util_now_ns();
    const char *ev = rec_run(&t, p);
    double s = (double)(util_now_ns() - t0) / 1e9;
    cr_assert_eq(t.end.outcome, RUNNER_FAILED, "%s", ev);
    cr_assert_eq(t.failed_step, 1);
    char *want = util_xasprintf("containers not ready after %gs: queue: no container, "
                                "proj-db-1: unhealthy", tmo);
    cr_assert_str_eq(t.end.error, want);
    free(want);
    cr_assert(s >= tmo - 0.1 && s < tmo + 4, "%.2fs", s);
    free(db);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, wait_fails_early_on_an_exited_container)
{
    fake_v1();
    write_file("ids", "c1\n", false);
    char *db = inspect_obj("db", "exited", NULL, 1);
    write_inspect("inspect.json", db, NULL);
    const char *svc[] = {NULL};
    plan *p = wait_plan("docker-compose", 60, svc);
    rec t;
    rec_init(&t);
    uint64_t t0 = util_now_ns();
    const char *ev = rec_run(&t, p);
    double s = (double)(util_now_ns() - t0) / 1e9;
    cr_assert_eq(t.end.outcome, RUNNER_FAILED, "%s", ev);
    cr_assert_str_eq(t.end.error, "container proj-db-1 exited; not ready: proj-db-1: exited (1)");
    cr_assert(strstr(ev, "waiting for the containers of every service") != NULL, "%s", ev);
    cr_assert(s < 5 || (under_valgrind() && s < 30), "did not wait for the timeout (%.2fs)", s);
    free(db);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, wait_v2_reads_ps_json)
{
    fake_v1();
    /* NDJSON as newer compose v2 prints it */
    write_file("ps.1.json",
               "{\"Service\":\"web\",\"Name\":\"p-web-1\",\"State\":\"running\",\"Health\":\"starting\"}\n",
               false);
    write_file("ps.json",
               "[{\"Service\":\"web\",\"Name\":\"p-web-1\",\"State\":\"running\",\"Health\":\"healthy\"},"
               "{\"Service\":\"worker\",\"Name\":\"p-worker-1\",\"State\":\"running\",\"Health\":\"\"}]\n",
               false);
    const char *svc[] = {"web", NULL};
    plan *p = wait_plan("docker compose", 20, svc);
    rec t;
    rec_init(&t);
    const char *ev = rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_OK, "%s", ev);
    cr_assert(strstr(ev, "waiting for: p-web-1: starting\n") != NULL, "%s", ev);
    char *log = read_log();
    cr_assert(strstr(log, "docker compose -f /abs/compose/docker-compose-db.yml ps -a --format json web @") != NULL,
              "%s", log);
    free(log);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, wait_keeps_polling_while_the_engine_errors)
{
    fake_v1();
    fake("docker-compose", "echo 'Cannot connect to the Docker daemon' >&2; exit 1");
    const char *svc[] = {"db", NULL};
    double tmo = under_valgrind() ? 12 : 1.2;
    plan *p = wait_plan("docker-compose", tmo, svc);
    rec t;
    rec_init(&t);
    rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_FAILED);
    char *want = util_xasprintf("containers not ready after %gs: docker-compose -f "
                                "/abs/compose/docker-compose-db.yml ps -q db: exited with status 1: "
                                "Cannot connect to the Docker daemon", tmo);
    cr_assert_str_eq(t.end.error, want);
    free(want);
    char *log = read_log();
    size_t polls = 0;
    for (const char *q = log; (q = strstr(q, "docker-compose -f")); q++)
        polls++;
    cr_assert(polls >= 2, "polled again after a failure (%zu)", polls);
    free(log);
    rec_fini(&t);
    plan_free(p);
}

Test(runner, wait_without_compose_tool_fails_at_once)
{
    const char *svc[] = {"db", NULL};
    plan *p = wait_plan("docker-compose-srvconsole-missing", 30, svc);
    rec t;
    rec_init(&t);
    rec_run(&t, p);
    cr_assert_eq(t.end.outcome, RUNNER_FAILED);
    cr_assert_str_eq(t.end.error, "docker-compose-srvconsole-missing: not found in PATH");
    rec_fini(&t);
    plan_free(p);
}

Test(runner, cancel_during_wait)
{
    fake_v1();
    write_file("ids", "c1\n", false);
    char *db = inspect_obj("db", "running", "starting", 0);
    write_inspect("inspect.json", db, NULL);
    const char *svc[] = {"db", NULL};
    plan *p = wait_plan("docker-compose", 60, svc);
    rec t;
    rec_init(&t);
    t.cancel_on = "waiting for: proj-db-1: starting";
    const char *ev = rec_run(&t, p);
    double s = (double)(util_now_ns() - t.cancel_t) / 1e9;
    cr_assert_eq(t.end.outcome, RUNNER_CANCELLED, "%s", ev);
    cr_assert_eq(t.failed_step, 1);
    cr_assert(s < 1.5 || under_valgrind(), "%.2fs", s);
    free(db);
    rec_fini(&t);
    plan_free(p);
}

/* src/console.c — the interactive console's loop and the actions of its
 * keys.  See console.h.
 *
 * Everything happens on one libuv loop:
 *   - stdin readable (uv_poll on fd 0): keys are drained with getch() in
 *     nodelay mode and handed to ui_key(), whose events are carried out here;
 *   - SIGWINCH resizes; SIGINT/SIGTERM/SIGHUP quit (children stopped first);
 *   - child processes (core/proc) deliver lines and exits to the runner,
 *     the container-state watcher and the log followers;
 *   - the frame timer draws, only when a view is dirty, at most every 33 ms;
 *   - a 1 s tick updates elapsed times while something runs.
 * Callbacks change models and call schedule(); they never draw. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "core/deployments.h"
#include "core/diag.h"
#include "core/generate.h"
#include "core/logstore.h"
#include "core/plan.h"
#include "core/proc.h"
#include "core/project.h"
#include "core/registry.h"
#include "core/runner.h"
#include "core/settings.h"
#include "core/state.h"
#include "core/statewatch.h"
#include "core/util.h"
#include "core/validate.h"
#include "src/commands.h"
#include "src/console.h"
#include "src/console_lines.h"
#include "src/checklist.h"
#include "src/native_hooks.h"
#include "ui/keys.h"
#include "ui/ui.h"

#define FRAME_MS 33
#define MAX_ROWS 512
#define MAX_CHECKS 16

/* What a confirm dialog, once accepted, does. */
typedef enum { PENDING_NONE, PENDING_RUN, PENDING_RESTART } pending_action;

typedef struct {
    uv_loop_t loop;
    pending_action pending;
    bool checking; /* the checklist's job is on the thread pool */
    atomic_bool check_stop; /* set on quit: the job starts no further command */
    ui *ui;
    settings cfg;
    char *root;
    char *project;
    bool read_only;

    uv_poll_t in_poll;
    uv_signal_t sig_winch, sig_int, sig_term, sig_hup;
    uv_timer_t frame, tick, drain;
    uint64_t last_frame_ms;
    uint64_t quit_started_ms;
    bool frame_pending;
    bool quitting;

    /* deployments and the plan being shown / run */
    deploy_set deps;
    bool deps_loaded;
    char dep_error[SRV_ERRLEN];
    size_t env_sel;
    const char *compose; /* detected once, on first use */
    plan *shown;        /* on the plan screen / confirm */
    plan *running;      /* owned by the run (runner reads it) */
    runner *run;
    ui_pipeline_view pipe;
    uint64_t run_start_ns, phase_start_ns[PLAN_NPHASES];
    size_t cur_step;
    char last_env[64], last_name[128];

    /* output of the runs (main pane) and of containers (logs) */
    logstore *run_store;
    int run_src;
    console_lines run_lines;
    logstore *logs_store;
    console_lines logs_lines;
    char followed[8][128];
    size_t n_followed;
    size_t pane_bytes, source_bytes;
    char logs_title[256];

    /* container states */
    state_table *states;
    statewatch *sw;
    ui_row rows[MAX_ROWS];
    char names[MAX_ROWS][64];
    size_t nrows;

    /* one-off commands: restart, inspect */
    proc *aux;
    strbuf aux_out;
    char aux_what[32], aux_name[128];

    /* header */
    char h_compose[64], h_engine[96];
    const char *docker; /* $SRVCONSOLE_DOCKER or "docker" */

    /* figures for bench/bench_console ($SRVCONSOLE_STATS) */
    uint64_t t_main_ns, first_frame_ns;
    size_t stat_lines, stat_bytes;
} console;


/* ---- frames ----------------------------------------------------------------- */

static void on_frame(uv_timer_t *t)
{
    console *c = t->data;
    c->frame_pending = false;
    c->last_frame_ms = uv_now(&c->loop);
    ui_draw(c->ui);
}

/* $SRVCONSOLE_STATS: a few figures written at exit, for the benchmark. */
static void write_stats(console *c)
{
    const char *path = getenv("SRVCONSOLE_STATS");
    if (!path || !*path)
        return;
    size_t kept = logstore_count(c->run_store), text = 0;
    for (size_t i = 0; i < kept; i++) {
        logstore_line l;
        if (logstore_get(c->run_store, i, &l))
            text += l.len + 1;
    }
    strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "first_frame_us %llu\n",
                (unsigned long long)((c->first_frame_ns - c->t_main_ns) / 1000u));
    strbuf_addf(&sb, "run_lines %zu\nrun_bytes %zu\n", c->stat_lines, c->stat_bytes);
    strbuf_addf(&sb, "store_lines %zu\nstore_text_bytes %zu\nstore_bytes %zu\n", kept, text,
                logstore_bytes(c->run_store));
    strbuf_addf(&sb, "dropped %zu\n", logstore_dropped(c->run_store));
    char err[SRV_ERRLEN];
    util_write_file_atomic(path, sb.data, sb.len, err);
    strbuf_free(&sb);
}

/* Something changed: draw at the next frame slot (never more than 30/s). */
static void schedule(console *c)
{
    if (c->frame_pending || c->quitting)
        return;
    uint64_t now = uv_now(&c->loop);
    uint64_t due = c->last_frame_ms + FRAME_MS;
    c->frame_pending = true;
    uv_timer_start(&c->frame, on_frame, due > now ? due - now : 0, 0);
}

static double secs_since(uint64_t t0)
{
    return t0 ? (double)(util_now_ns() - t0) / 1e9 : 0;
}

/* ---- the pipeline -------------------------------------------------------------- */

static int ui_phase(plan_phase_id ph)
{
    return (int)ph; /* same order: pre-build, build, main, post-up */
}

static void pipeline_push(console *c)
{
    if (c->running && runner_busy(c->run)) {
        c->pipe.elapsed = secs_since(c->run_start_ns);
        for (int i = 0; i < UI_NPHASES; i++)
            if (c->pipe.phases[i].state == UI_PH_RUNNING)
                c->pipe.phases[i].seconds = secs_since(c->phase_start_ns[i]);
    }
    ui_set_pipeline(c->ui, &c->pipe);
    schedule(c);
}

static void pipeline_reset(console *c, const plan *p)
{
    memset(&c->pipe, 0, sizeof c->pipe);
    c->pipe.active = true;
    snprintf(c->pipe.title, sizeof c->pipe.title, "%s (%s) · %s", p->name,
             p->short_name, p->env);
    snprintf(c->pipe.state, sizeof c->pipe.state, "running");
    snprintf(c->pipe.main_label, sizeof c->pipe.main_label, "%s",
             p->verb && *p->verb ? p->verb : "main");
    for (int i = 0; i < UI_NPHASES; i++)
        c->pipe.phases[i].state = UI_PH_SKIPPED;
    for (size_t i = 0; i < p->n_steps; i++) {
        ui_phase_view *v = &c->pipe.phases[ui_phase(p->steps[i].phase)];
        v->state = UI_PH_PENDING;
        v->total++;
    }
}

static void run_info(console *c, const char *fmt, ...) SRV_PRINTF(2, 3);
static void run_info(console *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    logstore_append(c->run_store, c->run_src, 1, util_now_ns(), buf,
                    strlen(buf));
    ui_lines_changed(c->ui);
    schedule(c);
}

static void ev_plan_start(void *user, const plan *p)
{
    console *c = user;
    c->run_start_ns = util_now_ns();
    run_info(c, "== %s (%s) in %s, from %s", p->name, p->short_name, p->env, p->root);
    pipeline_push(c);
}

static void ev_phase_start(void *user, plan_phase_id ph)
{
    console *c = user;
    c->phase_start_ns[ph] = util_now_ns();
    c->pipe.phases[ui_phase(ph)].state = UI_PH_RUNNING;
    pipeline_push(c);
}

static void ev_phase_end(void *user, plan_phase_id ph, runner_outcome o, double seconds)
{
    console *c = user;
    ui_phase_view *v = &c->pipe.phases[ui_phase(ph)];
    v->seconds = seconds;
    v->state = o == RUNNER_OK ? UI_PH_PASSED
               : o == RUNNER_CANCELLED ? UI_PH_CANCELLED
                                       : UI_PH_FAILED;
    pipeline_push(c);
}

static void ev_step_start(void *user, size_t i, const plan_step *s)
{
    console *c = user;
    c->cur_step = i;
    snprintf(c->pipe.command, sizeof c->pipe.command, "%s", s->display);
    c->pipe.command_state = UI_PH_RUNNING;
    ui_phase_view *v = &c->pipe.phases[ui_phase(s->phase)];
    snprintf(c->pipe.step_label, sizeof c->pipe.step_label, "%s · step %d/%d",
             s->phase == PLAN_MAIN ? c->pipe.main_label : plan_phase_name(s->phase),
             v->done + 1, v->total);
    run_info(c, "$ %s", s->display);
    pipeline_push(c);
}

static void ev_step_end(void *user, size_t i, const plan_step *s, const runner_result *r)
{
    console *c = user;
    (void)i;
    ui_phase_view *v = &c->pipe.phases[ui_phase(s->phase)];
    if (r->outcome == RUNNER_OK) {
        v->done++;
        c->pipe.command_state = UI_PH_PASSED;
    } else {
        v->exit_status = r->exit_code;
        c->pipe.command_state =
            r->outcome == RUNNER_CANCELLED ? UI_PH_CANCELLED : UI_PH_FAILED;
        if (r->spawn_failed)
            run_info(c, "!! %s", r->error);
        else if (r->term_signal)
            run_info(c, "!! killed by signal %d (%s) after %.1f s", r->term_signal,
                     strsignal(r->term_signal), r->seconds);
        else if (r->outcome == RUNNER_CANCELLED)
            run_info(c, "!! cancelled after %.1f s", r->seconds);
        else
            run_info(c, "!! exit status %d after %.1f s", r->exit_code, r->seconds);
    }
    pipeline_push(c);
}

static void ev_line(void *user, size_t i, runner_stream st, const char *text, size_t len)
{
    console *c = user;
    (void)i;
    c->stat_lines++;
    c->stat_bytes += len + 1;
    logstore_append(c->run_store, c->run_src, st == RUNNER_STDERR ? 2 : 1,
                    util_now_ns(), text, len);
    ui_lines_changed(c->ui);
    schedule(c);
}

static void ev_plan_end(void *user, const plan *p, const runner_result *r, size_t failed)
{
    console *c = user;
    c->pipe.elapsed = secs_since(c->run_start_ns);
    for (int i = 0; i < UI_NPHASES; i++)
        if (c->pipe.phases[i].state == UI_PH_PENDING)
            c->pipe.phases[i].state = UI_PH_NOT_RUN;
    if (r->outcome == RUNNER_OK) {
        snprintf(c->pipe.state, sizeof c->pipe.state, "passed");
        run_info(c, "== passed in %.1f s", c->pipe.elapsed);
        ui_message(c->ui, false, "%s passed in %.1f s", p->short_name, c->pipe.elapsed);
    } else if (r->outcome == RUNNER_CANCELLED) {
        snprintf(c->pipe.state, sizeof c->pipe.state, "cancelled");
        run_info(c, "== cancelled after %.1f s", c->pipe.elapsed);
        ui_message(c->ui, true, "%s cancelled", p->short_name);
    } else {
        snprintf(c->pipe.state, sizeof c->pipe.state, "failed");
        const char *what = failed < p->n_steps ? p->steps[failed].display : "?";
        run_info(c, "== failed: step %zu (%s)", failed + 1, what);
        ui_message(c->ui, true, "%s failed at step %zu: exit %d", p->short_name,
                   failed + 1, r->exit_code);
    }
    pipeline_push(c);
    if (c->sw)
        statewatch_reconcile_now(c->sw);
}

static const runner_callbacks run_cb = {
    .plan_start = ev_plan_start,
    .plan_end = ev_plan_end,
    .phase_start = ev_phase_start,
    .phase_end = ev_phase_end,
    .step_start = ev_step_start,
    .step_end = ev_step_end,
    .line = ev_line,
};

/* ---- containers ------------------------------------------------------------------ */

static void fmt_age(uint64_t since_ns, char *buf, size_t n)
{
    if (!since_ns) {
        snprintf(buf, n, "-");
        return;
    }
    uint64_t now = (uint64_t)time(NULL) * 1000000000u;
    uint64_t s = now > since_ns ? (now - since_ns) / 1000000000u : 0;
    if (s < 60)
        snprintf(buf, n, "%us", (unsigned)s);
    else if (s < 3600)
        snprintf(buf, n, "%um", (unsigned)(s / 60));
    else if (s < 86400)
        snprintf(buf, n, "%uh%02um", (unsigned)(s / 3600), (unsigned)(s / 60 % 60));
    else
        snprintf(buf, n, "%ud", (unsigned)(s / 86400));
}

static term_role role_of(const state_container *k)
{
    if (state_is_failing(k))
        return TH_ERR;
    switch (k->run) {
    case STATE_RUNNING:
        return k->health == STATE_HEALTH_STARTING ? TH_WARN : TH_OK;
    case STATE_RESTARTING:
    case STATE_CREATED:
        return TH_WARN;
    case STATE_PAUSED:
        return TH_INFO;
    default:
        return TH_DIM;
    }
}

/* The state table as the ui's rows (states in words: colour is never the
 * only signal). */
static void on_states(void *user, statewatch *sw)
{
    console *c = user;
    (void)sw;
    const state_table *st = c->states;
    size_t n = state_count(st), running = 0, failing = 0;
    if (n > MAX_ROWS)
        n = MAX_ROWS;
    for (size_t i = 0; i < n; i++) {
        const state_container *k = state_get(st, i);
        ui_row *r = &c->rows[i];
        memset(r, 0, sizeof *r);
        snprintf(r->name, sizeof r->name, "%s", k->name);
        snprintf(c->names[i], sizeof c->names[i], "%s", k->name);
        state_describe(k, r->state, sizeof r->state);
        snprintf(r->health, sizeof r->health, "%s", state_health_word(k->health));
        snprintf(r->ports, sizeof r->ports, "%s", k->ports && *k->ports ? k->ports : "-");
        snprintf(r->image, sizeof r->image, "%s", k->image ? k->image : "");
        fmt_age(k->run == STATE_RUNNING && k->started_ns ? k->started_ns : k->created_ns,
                r->age, sizeof r->age);
        r->restarts = k->restarts;
        r->role = role_of(k);
        running += k->run == STATE_RUNNING;
        failing += state_is_failing(k);
    }
    c->nrows = n;
    const char *msg = NULL;
    state_engine e = state_engine_get(st, &msg);
    char summary[160];
    if (e == STATE_ENGINE_OK || e == STATE_ENGINE_UNKNOWN) {
        int off = snprintf(summary, sizeof summary, "%zu containers · %zu running", n, running);
        if (failing && off > 0 && (size_t)off < sizeof summary)
            snprintf(summary + off, sizeof summary - (size_t)off, " · %zu failing", failing);
    } else
        snprintf(summary, sizeof summary, "docker: %s", msg && *msg ? msg : state_engine_word(e));
    ui_set_rows(c->ui, c->rows, n, summary);
    char eng[96];
    if (e == STATE_ENGINE_OK)
        snprintf(eng, sizeof eng, "docker: %s", msg && *msg ? msg : "ok");
    else
        snprintf(eng, sizeof eng, "docker: %s", state_engine_word(e));
    if (strcmp(eng, c->h_engine) != 0) {
        snprintf(c->h_engine, sizeof c->h_engine, "%s", eng);
        ui_header h = {.project = c->project, .root = c->root, .compose = c->h_compose,
                       .engine = c->h_engine, .read_only = c->read_only};
        ui_set_header(c->ui, &h);
    }
    ui_lines_changed(c->ui); /* followed logs may have grown */
    schedule(c);
}

static void on_log_lines(void *user, statewatch *sw)
{
    console *c = user;
    (void)sw;
    ui_lines_changed(c->ui);
    schedule(c);
}

/* ---- deployments, picker, plans ----------------------------------------------------- */

static void picker_fill(console *c)
{
    if (!c->deps_loaded || c->deps.n_envs == 0) {
        ui_set_picker(c->ui, NULL, 0, 0, NULL, 0);
        return;
    }
    const char *env = c->deps.envs[c->env_sel];
    ui_pick *picks = util_xcalloc(c->deps.n ? c->deps.n : 1, sizeof *picks);
    size_t n = 0;
    for (size_t i = 0; i < c->deps.n; i++) {
        const deploy *d = &c->deps.items[i];
        if (d->error || !deploy_has_env(d, env))
            continue;
        picks[n].name = d->name;
        picks[n].short_name = d->short_name;
        picks[n].description = d->description;
        n++;
    }
    ui_set_picker(c->ui, (const char *const *)c->deps.envs, c->deps.n_envs, c->env_sel,
                  picks, n);
    free(picks);
}

static void load_deployments(console *c)
{
    if (c->deps_loaded)
        deploy_set_free(&c->deps);
    c->deps_loaded = false;
    c->dep_error[0] = '\0';
    if (deploy_load(&c->deps, c->root, c->dep_error, sizeof c->dep_error) != 0) {
        run_info(c, "!! %s", c->dep_error);
        picker_fill(c);
        return;
    }
    c->deps_loaded = true;
    for (size_t i = 0; i < c->deps.diags.n; i++) {
        strbuf sb = STRBUF_INIT;
        diag_format_line(&sb, &c->deps.diags.items[i]);
        logstore_append(c->run_store, c->run_src, 2, util_now_ns(), sb.data, sb.len);
        strbuf_free(&sb);
    }
    if (c->env_sel >= c->deps.n_envs)
        c->env_sel = 0;
    picker_fill(c);
}

/* The compose files a deployment works on, as one comparable string. */
static void compose_set(const deploy *d, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = '\0';
    if (d->n_files) {
        for (size_t i = 0; i < d->n_files && off < n; i++)
            off += (size_t)snprintf(buf + off, n - off, "%s;",
                                    d->files[i].compose_file ? d->files[i].compose_file : "");
    } else if (d->target.compose_file) {
        snprintf(buf, n, "%s;", d->target.compose_file);
    }
}

/* The teardown of deployment `name` in `env`: the first deployment of the
 * same compose files whose command is "down". */
static const deploy *find_teardown(const deploy_set *s, const char *env, const char *name)
{
    const deploy *d = NULL;
    char err[SRV_ERRLEN];
    if (deploy_select(s, env, name, &d, err, sizeof err) != DEPLOY_FOUND)
        return NULL;
    if (d->type != DEPLOY_COMPOSE)
        return NULL;
    char want[1024], have[1024];
    compose_set(d, want, sizeof want);
    for (size_t i = 0; i < s->n; i++) {
        const deploy *t = &s->items[i];
        if (t->error || t->type != DEPLOY_COMPOSE || !util_streq(t->verb, "down") ||
            !deploy_has_env(t, env))
            continue;
        compose_set(t, have, sizeof have);
        if (!strcmp(want, have))
            return t;
    }
    return NULL;
}

/* Split the plan's text form into lines for the plan and confirm screens. */
static char **plan_lines(const plan *p, size_t *n)
{
    strbuf sb;
    strbuf_init(&sb);
    plan_format_text(&sb, p);
    char **v = util_split_lines(sb.data, n);
    strbuf_free(&sb);
    return v;
}

static plan *resolve(console *c, const char *env, const char *name)
{
    char err[SRV_ERRLEN] = "";
    plan_opts po;
    plan_opts_from_env(&po);
    if (!po.compose) {
        if (!c->compose)
            c->compose = plan_detect_compose();
        po.compose = c->compose;
    }
    plan *p = plan_resolve(&c->deps, c->root, env, name, &po, err, sizeof err);
    if (!p)
        ui_message(c->ui, true, "%s", err);
    return p;
}

static void show_plan(console *c, const char *env, const char *name)
{
    plan *p = resolve(c, env, name);
    if (!p)
        return;
    plan_free(c->shown);
    c->shown = p;
    size_t n;
    char **lines = plan_lines(p, &n);
    char title[256];
    snprintf(title, sizeof title, "%s (%s) · %s — Enter runs it, Esc goes back", p->name,
             p->short_name, env);
    ui_show_plan(c->ui, title, (const char *const *)lines, n, true);
    util_lines_free(lines, n);
}

/* What a run will destroy, said before it happens. */
static size_t plan_warnings(const plan *p, char **w, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_steps && n < max; i++) {
        const plan_step *s = &p->steps[i];
        if (s->phase != PLAN_MAIN || !s->display)
            continue;
        const char *f = s->compose_file ? strrchr(s->compose_file, '/') : NULL;
        const char *what = f ? f + 1 : s->display;
        if (strstr(s->display, " down") && strstr(s->display, " -v"))
            w[n++] = util_xasprintf("down -v removes volumes: data is lost (%s)", what);
        if (n < max && strstr(s->display, "--rmi"))
            w[n++] = util_xasprintf("--rmi removes the images (%s)", what);
    }
    for (size_t i = 0; i < p->n_notes && n < max; i++)
        w[n++] = util_xstrdup(p->notes[i]);
    return n;
}

/* The confirm dialog's lines: every step, in order, with its phase. */
static char **confirm_lines(const plan *p, size_t *n)
{
    char **v = util_xcalloc(p->n_steps + 2, sizeof *v);
    size_t k = 0;
    v[k++] = util_xasprintf("(in %s)", p->root);
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        v[k++] = util_xasprintf("%2zu. [%s] %s", i + 1,
                                s->phase == PLAN_MAIN && p->verb ? p->verb
                                                                 : plan_phase_name(s->phase),
                                s->display ? s->display : "?");
    }
    *n = k;
    return v;
}

static void confirm_run(console *c)
{
    if (!c->shown)
        return;
    if (c->run && runner_busy(c->run)) {
        ui_message(c->ui, true, "a deployment is running: x cancels it first");
        return;
    }
    size_t n;
    char **lines = confirm_lines(c->shown, &n);
    char *warn[16];
    size_t nw = plan_warnings(c->shown, warn, 16);
    char title[256];
    snprintf(title, sizeof title, "Run %s (%s) in %s?", c->shown->name,
             c->shown->short_name, c->shown->env);
    c->pending = PENDING_RUN;
    ui_confirm(c->ui, title, (const char *const *)lines, n, (const char *const *)warn, nw,
               UI_A_CONFIRM);
    util_lines_free(lines, n);
    for (size_t i = 0; i < nw; i++)
        free(warn[i]);
}

static void on_tick(uv_timer_t *t);

static void start_run(console *c)
{
    if (!c->shown)
        return;
    if (runner_busy(c->run)) {
        ui_message(c->ui, true, "a deployment is running: x cancels it first");
        return;
    }
    plan_free(c->running);
    c->running = c->shown;
    c->shown = NULL;
    snprintf(c->last_env, sizeof c->last_env, "%s", c->running->env);
    snprintf(c->last_name, sizeof c->last_name, "%s", c->running->short_name);
    pipeline_reset(c, c->running);
    char err[SRV_ERRLEN] = "";
    ui_set_pane_lines(c->ui, &c->run_lines.view, "deployment output");
    if (runner_start(c->run, c->running, err, sizeof err) != 0) {
        ui_message(c->ui, true, "cannot start: %s", err);
        return;
    }
    while (ui_current(c->ui) != UI_SCR_MAIN)
        ui_back(c->ui);
    uv_timer_start(&c->tick, on_tick, 1000, 1000); /* elapsed times, while it runs */
    pipeline_push(c);
}

/* D: the teardown of what was deployed last (same compose files, verb
 * "down"), else the picker showing the environment's deployments. */
static void teardown(console *c)
{
    if (!c->last_env[0]) {
        ui_message(c->ui, false, "nothing deployed from here yet: pick a Stop deployment");
        picker_fill(c);
        ui_open(c->ui, UI_SCR_PICKER);
        return;
    }
    const deploy *d = find_teardown(&c->deps, c->last_env, c->last_name);
    if (!d) {
        ui_message(c->ui, true, "no teardown deployment found for %s: pick one",
                   c->last_name);
        picker_fill(c);
        ui_open(c->ui, UI_SCR_PICKER);
        return;
    }
    plan *p = resolve(c, c->last_env, d->short_name);
    if (!p)
        return;
    plan_free(c->shown);
    c->shown = p;
    confirm_run(c);
}

/* ---- logs, restart, inspect ---------------------------------------------------------- */

static void open_logs(console *c, int argc, char **argv, long row)
{
    const char *names[8];
    int n = 0;
    for (int i = 0; i < argc && n < 8; i++)
        names[n++] = argv[i];
    if (n == 0 && row >= 0 && (size_t)row < c->nrows)
        names[n++] = c->names[row];
    if (n == 0 && c->nrows == 0) {
        ui_set_logs_lines(c->ui, &c->run_lines.view, "deployment output");
        ui_open(c->ui, UI_SCR_LOGS);
        return;
    }
    if (n == 0) {
        for (size_t i = 0; i < c->nrows && n < 8; i++)
            names[n++] = c->names[i];
    }
    if (!c->sw) {
        ui_message(c->ui, true, "no container engine");
        return;
    }
    /* follow exactly this set; the store keeps what earlier sets logged */
    for (size_t i = 0; i < c->n_followed; i++) {
        bool keep = false;
        for (int j = 0; j < n; j++)
            keep |= !strcmp(c->followed[i], names[j]);
        if (!keep)
            statewatch_unfollow(c->sw, c->followed[i]);
    }
    int ids[8];
    c->n_followed = 0;
    size_t off = 0;
    c->logs_title[0] = '\0';
    for (int i = 0; i < n; i++) {
        statewatch_follow(c->sw, names[i]);
        snprintf(c->followed[c->n_followed++], sizeof c->followed[0], "%s", names[i]);
        ids[i] = logstore_source(c->logs_store, names[i]);
        if (off < sizeof c->logs_title)
            off += (size_t)snprintf(c->logs_title + off, sizeof c->logs_title - off,
                                    "%s%s", i ? ", " : "", names[i]);
    }
    c->logs_lines.prefixes = n > 1;
    console_lines_only(&c->logs_lines, ids, (size_t)n);
    ui_set_logs_lines(c->ui, &c->logs_lines.view, c->logs_title);
    ui_open(c->ui, UI_SCR_LOGS);
}

static void aux_line(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    console *c = user;
    (void)p;
    (void)s;
    if (c->aux_out.len < 1 << 20) {
        strbuf_add(&c->aux_out, text, len);
        strbuf_addc(&c->aux_out, '\n');
    }
}

static void aux_exit(void *user, proc *p, const proc_status *st)
{
    console *c = user;
    (void)p;
    c->aux = NULL;
    if (!strcmp(c->aux_what, "inspect")) {
        size_t n;
        char **v = util_split_lines(c->aux_out.data, &n);
        char title[200];
        snprintf(title, sizeof title, "docker inspect %s", c->aux_name);
        ui_show_inspect(c->ui, title, (const char *const *)v, n);
        util_lines_free(v, n);
    } else if (st->spawn_failed) {
        ui_message(c->ui, true, "%s", st->error);
    } else if (st->signaled || st->exit_code != 0) {
        const char *first = c->aux_out.data ? c->aux_out.data : "";
        ui_message(c->ui, true, "docker %s %s failed (exit %d): %.*s", c->aux_what,
                   c->aux_name, st->exit_code, (int)strcspn(first, "\n"), first);
    } else {
        ui_message(c->ui, false, "docker %s %s: done in %.1f s", c->aux_what,
                   c->aux_name, st->seconds);
    }
    strbuf_reset(&c->aux_out);
    if (c->sw)
        statewatch_reconcile_now(c->sw);
    schedule(c);
}

static void aux_run(console *c, const char *what, const char *name)
{
    if (c->aux) {
        ui_message(c->ui, true, "docker %s %s is still running", c->aux_what, c->aux_name);
        return;
    }
    snprintf(c->aux_what, sizeof c->aux_what, "%s", what);
    snprintf(c->aux_name, sizeof c->aux_name, "%s", name);
    const char *argv[] = {c->docker, what, name, NULL};
    static const proc_callbacks cb = {aux_line, aux_exit};
    proc_opts o = {.argv = argv, .merge_stderr = true};
    char err[256];
    strbuf_reset(&c->aux_out);
    c->aux = proc_spawn(&c->loop, &o, &cb, c, err, sizeof err);
    if (!c->aux)
        ui_message(c->ui, true, "%s", err);
    else if (strcmp(what, "inspect") != 0)
        ui_message(c->ui, false, "docker %s %s ...", what, name);
}

static const char *row_name(console *c, const ui_event *ev)
{
    if (ev->argc > 0)
        return ev->argv[0];
    if (ev->row >= 0 && (size_t)ev->row < c->nrows)
        return c->names[ev->row];
    return NULL;
}

static void save_logs(console *c, const ui_event *ev)
{
    char path[512];
    if (ev->argc > 0) {
        snprintf(path, sizeof path, "%s", ev->argv[0]);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        snprintf(path, sizeof path, "srvconsole-%04d%02d%02d-%02d%02d%02d.log",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec);
    }
    char err[SRV_ERRLEN] = "";
    logstore *ls = c->logs_title[0] ? c->logs_store : c->run_store;
    if (logstore_save(ls, path, NULL, err, sizeof err) != 0)
        ui_message(c->ui, true, "save: %s", err);
    else
        ui_message(c->ui, false, "saved %zu lines to %s", logstore_count(ls), path);
}

/* ---- generate, validate, checklist -------------------------------------------------- */

static void emit_run_line(void *ctx, runner_stream st, const char *text)
{
    console *c = ctx;
    logstore_append(c->run_store, c->run_src, st == RUNNER_STDERR ? 2 : 1, util_now_ns(),
                    text, strlen(text));
}

static void do_native(console *c, bool generate, int argc, char **argv)
{
    if (c->read_only && generate) {
        ui_message(c->ui, true, "read-only sample: `srvconsole demo` makes a copy to change");
        return;
    }
    ui_set_pane_lines(c->ui, &c->run_lines.view, "deployment output");
    run_info(c, "$ srvconsole %s", generate ? "generate" : "validate");
    char *targets[9] = {0};
    for (int i = 0; i < argc && i < 8; i++)
        targets[i] = argv[i];
    plan p = {.root = c->root, .env = "", .name = "", .short_name = ""};
    plan_step step = {.kind = generate ? PLAN_NATIVE_GENERATE : PLAN_NATIVE_VALIDATE,
                      .phase = PLAN_MAIN, .cwd = c->root, .targets = targets,
                      .display = generate ? "srvconsole generate" : "srvconsole validate"};
    int st = native_hook_run(NULL, &p, &step, emit_run_line, c);
    ui_lines_changed(c->ui);
    ui_message(c->ui, st != 0, "%s: %s (see the output pane)",
               generate ? "generate" : "validate", st == 0 ? "ok" : "found problems");
}

/* The checks run external commands (docker info, compose version...), each
 * bounded by a timeout: they run on libuv's thread pool so that the screen
 * stays live; the results are shown from the loop. */
typedef struct {
    uv_work_t req;
    console *c;
    char *root;
    const char *docker;
    checklist_item items[MAX_CHECKS];
    size_t n;
} checklist_job;

static void checklist_work(uv_work_t *req)
{
    checklist_job *j = req->data;
    j->n = checklist_run(j->root, j->docker, j->items, MAX_CHECKS, &j->c->check_stop);
}

static void checklist_done(uv_work_t *req, int status)
{
    checklist_job *j = req->data;
    console *c = j->c;
    c->checking = false;
    if (status == 0 && !c->quitting) {
        ui_check v[MAX_CHECKS];
        for (size_t i = 0; i < j->n; i++) {
            v[i].title = j->items[i].title;
            v[i].state = j->items[i].ok == 1 ? UI_CHECK_OK
                         : j->items[i].ok == 0 ? UI_CHECK_FAIL
                                               : UI_CHECK_WARN;
            v[i].detail = j->items[i].detail;
            v[i].fix = j->items[i].fix;
        }
        ui_set_checklist(c->ui, v, j->n);
        schedule(c);
    }
    checklist_free(j->items, j->n);
    free(j->root);
    free(j);
}

static void run_checklist(console *c)
{
    if (ui_current(c->ui) != UI_SCR_CHECKLIST)
        ui_open(c->ui, UI_SCR_CHECKLIST);
    if (c->checking)
        return;
    static const char *const titles[] = {"Docker engine reachable (docker info)",
                                         "Docker Compose", "Registry and generated files",
                                         "Builder assets folder", "kubectl context"};
    ui_check v[5];
    for (size_t i = 0; i < 5; i++)
        v[i] = (ui_check){titles[i], UI_CHECK_RUNNING, "checking...", NULL};
    ui_set_checklist(c->ui, v, 5);
    checklist_job *j = util_xcalloc(1, sizeof *j);
    j->c = c;
    j->root = util_xstrdup(c->root);
    j->docker = c->docker;
    j->req.data = j;
    atomic_store(&c->check_stop, false);
    if (uv_queue_work(&c->loop, &j->req, checklist_work, checklist_done) != 0) {
        free(j->root);
        free(j);
        ui_message(c->ui, true, "cannot run the checks");
        return;
    }
    c->checking = true;
}

/* ---- quitting ---------------------------------------------------------------------------- */

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

static void quit_poll(uv_timer_t *t)
{
    console *c = t->data;
    /* children get TERM, then KILL after 2 s (core/proc); past 5 s, KILL
     * whatever is left rather than hang on quit */
    if (proc_live_count() == 0 || uv_now(&c->loop) > c->quit_started_ms + 5000) {
        if (proc_live_count())
            proc_kill_all();
        uv_stop(&c->loop);
    }
}

static void begin_quit(console *c)
{
    if (c->quitting)
        return;
    c->quitting = true;
    uv_poll_stop(&c->in_poll);
    if (c->run && runner_busy(c->run))
        runner_cancel(c->run);
    if (c->sw)
        statewatch_free(c->sw); /* stops its children; handles close on the loop */
    c->sw = NULL;
    /* the checklist's job: no next command; TERM ends the current one (the
     * loop's teardown waits for the job) */
    atomic_store(&c->check_stop, true);
    proc_cancel_all(); /* TERM now, KILL after 2 s */
    c->quit_started_ms = uv_now(&c->loop);
    uv_timer_stop(&c->frame);
    uv_timer_start(&c->tick, quit_poll, 0, 20);
}

/* ---- events from the ui ------------------------------------------------------------------ */

static void handle(console *c, ui_event *ev)
{
    switch (ev->action) {
    case UI_A_QUIT:
        begin_quit(c);
        break;
    case UI_A_DEPLOY:
        if (c->dep_error[0]) { /* its first line; the output pane has it all */
            ui_message(c->ui, true, "%.*s", (int)strcspn(c->dep_error, "\n"), c->dep_error);
            break;
        }
        picker_fill(c);
        ui_open(c->ui, UI_SCR_PICKER);
        break;
    case UI_A_NEXT_ENV:
    case UI_A_PREV_ENV:
        for (size_t i = 0; ev->argc > 0 && i < c->deps.n_envs; i++)
            if (!strcmp(c->deps.envs[i], ev->argv[0]))
                c->env_sel = i;
        picker_fill(c);
        break;
    case UI_A_OPEN:
        if (ev->argc >= 2)
            show_plan(c, ev->argv[0], ev->argv[1]);
        break;
    case UI_A_RUN:
        if (ev->argc >= 2) { /* `:run ENV NAME` */
            plan *p = resolve(c, ev->argv[0], ev->argv[1]);
            if (!p)
                break;
            plan_free(c->shown);
            c->shown = p;
            confirm_run(c);
        } else {
            confirm_run(c); /* Enter on the plan screen */
        }
        break;
    case UI_A_TEARDOWN:
        teardown(c);
        break;
    case UI_A_CANCEL:
        if (c->run && runner_busy(c->run)) {
            runner_cancel(c->run);
            ui_message(c->ui, false, "cancelling: TERM now, KILL in 2 s");
        } else {
            ui_message(c->ui, false, "nothing is running");
        }
        break;
    case UI_A_LOGS:
        open_logs(c, ev->argc, ev->argv, ev->row);
        break;
    case UI_A_RESTART: {
        const char *n = row_name(c, ev);
        if (!n) {
            ui_message(c->ui, true, "no container selected");
            break;
        }
        if (ui_current(c->ui) == UI_SCR_MAIN && ev->argc == 0) {
            char cmd[200];
            snprintf(cmd, sizeof cmd, "docker restart %s", n);
            const char *lines[] = {cmd};
            snprintf(c->aux_name, sizeof c->aux_name, "%s", n);
            c->pending = PENDING_RESTART;
            ui_confirm(c->ui, "Restart the container?", lines, 1, NULL, 0, UI_A_CONFIRM);
        } else {
            aux_run(c, "restart", n);
        }
        break;
    }
    case UI_A_CONFIRM: { /* a confirm dialog was accepted */
        pending_action p = c->pending;
        c->pending = PENDING_NONE;
        if (p == PENDING_RUN)
            start_run(c);
        else if (p == PENDING_RESTART && c->aux_name[0]) {
            char name[sizeof c->aux_name];
            snprintf(name, sizeof name, "%s", c->aux_name);
            aux_run(c, "restart", name);
        }
        break;
    }
    case UI_A_INSPECT: {
        const char *n = row_name(c, ev);
        if (n)
            aux_run(c, "inspect", n);
        else
            ui_message(c->ui, true, "no container selected");
        break;
    }
    case UI_A_SAVE:
        save_logs(c, ev);
        break;
    case UI_A_CHECKLIST:
        run_checklist(c);
        break;
    case UI_A_GENERATE:
        do_native(c, true, ev->argc, ev->argv);
        break;
    case UI_A_VALIDATE:
        do_native(c, false, 0, NULL);
        break;
    case UI_A_REFRESH:
        ui_resized(c->ui);
        if (c->sw)
            statewatch_reconcile_now(c->sw);
        if (ui_current(c->ui) == UI_SCR_CHECKLIST)
            run_checklist(c);
        break;
    default:
        break;
    }
    schedule(c);
}

static void on_drain(uv_timer_t *t);

static void on_stdin(uv_poll_t *h, int status, int events)
{
    console *c = h->data;
    if (status < 0) {
        begin_quit(c);
        return;
    }
    int key, budget = 256;
    if (events & UV_DISCONNECT) { /* the terminal went away */
        begin_quit(c);
        return;
    }
    while (!c->quitting && (key = ui_read_key(c->ui)) != KEYS_NONE) {
        ui_event ev;
        if (ui_key(c->ui, key, &ev))
            handle(c, &ev);
        if (--budget == 0) {
            /* a paste: let the loop breathe; curses may hold the rest
             * already read from the fd, so come back without waiting for
             * the fd to be readable again */
            uv_timer_start(&c->drain, on_drain, 0, 0);
            break;
        }
    }
    schedule(c);
}

static void on_drain(uv_timer_t *t)
{
    console *c = t->data;
    on_stdin(&c->in_poll, 0, UV_READABLE);
}

static void on_signal(uv_signal_t *s, int signum)
{
    console *c = s->data;
    if (signum == SIGWINCH) {
        ui_resized(c->ui);
        schedule(c);
        return;
    }
    begin_quit(c);
}

static void on_tick(uv_timer_t *t)
{
    console *c = t->data;
    if (c->run && runner_busy(c->run))
        pipeline_push(c);
    else
        uv_timer_stop(t);
}

/* ---- fatal signals: restore the terminal, kill the children ---------------------------- */

static void on_fatal(int sig)
{
    proc_kill_all();
    term_emergency_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_fatal_handlers(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal;
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* ---- start-up ------------------------------------------------------------------------------- */

static int open_root(console_opts const *o, char **root, bool *read_only, char *err)
{
    char *found = NULL;
    if (project_find_root(o->root, NULL, &found, err) == 0) {
        *root = found;
        *read_only = o->read_only;
        return 0;
    }
    if (o->root)
        return -1;
    /* no project here: the bundled sample, read-only */
    char *sample = cmd_sample_dir();
    if (!sample)
        return -1;
    *root = sample;
    *read_only = true;
    return 0;
}

static int apply_settings(console *c, const char *config_path, ui_keymap *km)
{
    diag_list dl;
    diag_list_init(&dl);
    settings_load(&c->cfg, config_path, &dl);
    int bad = 0;
    for (size_t i = 0; i < dl.n; i++) {
        strbuf sb;
        strbuf_init(&sb);
        diag_format_line(&sb, &dl.items[i]);
        fprintf(stderr, "srvconsole: %s\n", sb.data);
        strbuf_free(&sb);
        bad += dl.items[i].sev == DIAG_ERROR;
    }
    diag_list_free(&dl);
    ui_keymap_init(km);
    for (size_t i = 0; i < c->cfg.n_bindings; i++) {
        const settings_binding *b = &c->cfg.bindings[i];
        char err[256];
        if (ui_keymap_bind(km, b->action, b->keys, err, sizeof err) != 0) {
            fprintf(stderr, "srvconsole: %s:%d:%d: keys.%s: %s\n", c->cfg.path, b->line,
                    b->col, b->action, err);
            bad++;
        }
    }
    return bad ? -1 : 0;
}

/* The project's containers: the names the registry gives them
 * (container_name = the entry's name), and compose's default project of the
 * generated files (the folder "compose"). */
static void set_state_filter(console *c, const registry *r, const char *load_err)
{
    const char *names[MAX_ROWS];
    char *owned[MAX_ROWS];
    size_t n = 0;
    if (!r) {
        /* said in the pane and the status line, not on stderr */
        run_info(c, "!! %s", load_err);
        run_info(c, "!! the containers shown are those of compose project \"compose\"");
        ui_message(c->ui, true, "%s", load_err);
    } else {
        static const char *const sections[] = {"services", "databases"};
        for (size_t s = 0; s < 2; s++) {
            const val *sec = registry_section(r, sections[s]);
            if (!val_is(sec, VAL_MAP))
                continue;
            for (size_t i = 0; i < sec->u.map.n && n < MAX_ROWS; i++) {
                const val_pair *pr = &sec->u.map.items[i];
                const val *nm = val_get(pr->v, "name");
                owned[n] = val_is(nm, VAL_STR) ? util_xstrndup(nm->u.str.s, nm->u.str.len)
                                               : util_xstrndup(pr->key, pr->keylen);
                names[n] = owned[n];
                n++;
            }
        }
    }
    const char *projects[] = {"compose"};
    state_set_filter(c->states, names, n, projects, 1);
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
}

static void header_push(console *c)
{
    ui_header h = {.project = c->project, .root = c->root, .compose = c->h_compose,
                   .engine = c->h_engine, .read_only = c->read_only};
    ui_set_header(c->ui, &h);
}

/* metadata.name of the registry, else the folder's name. */
static char *project_name(const char *root, const registry *r)
{
    const val *md = r ? registry_section(r, "metadata") : NULL;
    const val *n = md ? val_get(md, "name") : NULL;
    if (val_is(n, VAL_STR))
        return util_xstrndup(n->u.str.s, n->u.str.len);
    const char *b = strrchr(root, '/');
    return util_xstrdup(b && b[1] ? b + 1 : root);
}

int console_main(const console_opts *o)
{
    static console C;
    console *c = &C;
    char err[SRV_ERRLEN] = "";
    memset(c, 0, sizeof *c);
    c->t_main_ns = util_now_ns();
    c->docker = getenv("SRVCONSOLE_DOCKER") && *getenv("SRVCONSOLE_DOCKER")
                    ? getenv("SRVCONSOLE_DOCKER")
                    : "docker";
    if (open_root(o, &c->root, &c->read_only, err) != 0) {
        fprintf(stderr, "srvconsole: %s\n", err[0] ? err : "no project found");
        return EXIT_USAGE;
    }
    ui_keymap km;
    if (apply_settings(c, o->config, &km) != 0) {
        settings_free(&c->cfg);
        free(c->root);
        return EXIT_USAGE;
    }
    /* the registry, read once: the project's name and its containers' names */
    registry reg;
    char reg_err[SRV_ERRLEN] = "";
    char *reg_path = project_path(c->root, "infrastructure/config-registry.yaml");
    bool reg_ok = registry_load(&reg, reg_path, "infrastructure/config-registry.yaml",
                                reg_err) == 0;
    free(reg_path);
    c->project = project_name(c->root, reg_ok ? &reg : NULL);
    snprintf(c->h_compose, sizeof c->h_compose, "compose: ...");
    snprintf(c->h_engine, sizeof c->h_engine, "docker: ...");
    if (!c->cfg.color)
        setenv("NO_COLOR", "1", 1);

    uv_loop_init(&c->loop);
    c->ui = ui_new(&km);
    c->pane_bytes = c->cfg.pane_bytes ? c->cfg.pane_bytes : (size_t)16 << 20;
    c->source_bytes = c->cfg.source_bytes ? c->cfg.source_bytes : c->pane_bytes / 4;
    c->run_store = logstore_new(c->pane_bytes, c->pane_bytes);
    c->run_src = logstore_source(c->run_store, "run");
    c->logs_store = logstore_new(c->pane_bytes, c->source_bytes);
    console_lines_init(&c->run_lines, c->run_store, false);
    console_lines_init(&c->logs_lines, c->logs_store, true);
    strbuf_init(&c->aux_out);
    c->run = runner_new(&c->loop, &run_cb, c);
    runner_set_native(c->run, native_hook_run, NULL);

    install_fatal_handlers();
    if (ui_start(c->ui, err, sizeof err) != 0) {
        fprintf(stderr, "srvconsole: %s\n", err);
        if (reg_ok)
            registry_free(&reg);
        ui_free(c->ui);
        runner_free(c->run);
        uv_run(&c->loop, UV_RUN_DEFAULT); /* the runner's handles close */
        uv_loop_close(&c->loop);
        console_lines_fini(&c->run_lines);
        console_lines_fini(&c->logs_lines);
        logstore_free(c->run_store);
        logstore_free(c->logs_store);
        strbuf_free(&c->aux_out);
        settings_free(&c->cfg);
        free(c->project);
        free(c->root);
        return EXIT_USAGE;
    }
    /* the timers first: loading the deployments may already schedule() */
    uv_timer_init(&c->loop, &c->frame);
    uv_timer_init(&c->loop, &c->tick);
    uv_timer_init(&c->loop, &c->drain);
    c->frame.data = c->tick.data = c->drain.data = c;
    header_push(c);
    ui_set_pane_lines(c->ui, &c->run_lines.view, "deployment output");
    load_deployments(c);
    if (c->read_only)
        ui_message(c->ui, false, "bundled sample (read-only): u shows its deployments, "
                                 "? the keys");

    uv_poll_init(&c->loop, &c->in_poll, STDIN_FILENO);
    c->in_poll.data = c;
    uv_poll_start(&c->in_poll, UV_READABLE | UV_DISCONNECT, on_stdin);
    uv_signal_t *sigs[] = {&c->sig_winch, &c->sig_int, &c->sig_term, &c->sig_hup};
    int signums[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 4; i++) {
        uv_signal_init(&c->loop, sigs[i]);
        sigs[i]->data = c;
        uv_signal_start(sigs[i], on_signal, signums[i]);
    }

    /* the first frame now, the slow parts after it */
    ui_draw(c->ui);
    c->first_frame_ns = util_now_ns();
    c->last_frame_ms = uv_now(&c->loop);
    c->states = state_new();
    set_state_filter(c, reg_ok ? &reg : NULL, reg_err);
    if (reg_ok)
        registry_free(&reg);
    statewatch_opts so = {.docker = c->docker, .changed = on_states, .lines = on_log_lines,
                          .user = c};
    c->sw = statewatch_new(&c->loop, c->states, c->logs_store, &so);
    statewatch_start(c->sw);
    plan_opts po;
    plan_opts_from_env(&po);
    c->compose = po.compose ? po.compose : plan_detect_compose();
    snprintf(c->h_compose, sizeof c->h_compose, "%s%s", c->compose,
             plan_compose_is_v1(c->compose) ? " (v1)" : "");
    header_push(c);

    uv_run(&c->loop, UV_RUN_DEFAULT);

    write_stats(c);
    /* every child is gone (quit waited for them); close the handles */
    runner_free(c->run);
    ui_stop(c->ui);
    uv_walk(&c->loop, close_walk, NULL);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    uv_loop_close(&c->loop);
    console_lines_fini(&c->run_lines);
    console_lines_fini(&c->logs_lines);
    logstore_free(c->run_store);
    logstore_free(c->logs_store);
    plan_free(c->shown);
    plan_free(c->running);
    state_free(c->states);
    if (c->deps_loaded)
        deploy_set_free(&c->deps);
    strbuf_free(&c->aux_out);
    ui_free(c->ui);
    settings_free(&c->cfg);
    free(c->project);
    free(c->root);
    return 0;
}

int cmd_console(int argc, char **argv)
{
    console_opts o = {0};
    o.root = cmd_take_root(&argc, argv);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            o.config = argv[++i];
        } else if (!strcmp(argv[i], "--read-only")) {
            o.read_only = true;
        } else {
            fprintf(stderr, "srvconsole: console: unknown option '%s'\n"
                            "Usage: srvconsole [console] [--root DIR] [--config FILE] "
                            "[--read-only]\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    return console_main(&o);
}

int cmd_dump_actions(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ui_keymap km;
    ui_keymap_init(&km);
    size_t n;
    const ui_action_def *defs = ui_actions(&n);
    for (size_t i = 0; i < n; i++) {
        if (km.nkeys[defs[i].id] == 0)
            continue;
        char name[16];
        printf("%s %s\n", defs[i].name, keys_name(km.keys[defs[i].id][0], name, sizeof name));
    }
    return 0;
}

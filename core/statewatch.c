/* core/statewatch.c — see statewatch.h.
 *
 * Every child has its own small record (sw_child) that outlives the
 * statewatch if need be: statewatch_free detaches the records (sw = NULL)
 * and cancels the children; each record is freed by its child's exit
 * callback, the last callback proc makes. */
#include "config.h"

#include "core/statewatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/proc.h"
#include "core/util.h"

#define EVENTS_BACKOFF_MIN_MS 1000u
#define EVENTS_BACKOFF_MAX_MS 30000u
#define EVENTS_STABLE_NS (10ull * 1000000000ull) /* up this long: backoff resets */
#define INSPECT_DELAY_MS 100u
#define FOLLOW_RETRY_NS (5ull * 1000000000ull)
#define PS_MAX_BYTES ((size_t)16 << 20)

typedef enum { CH_PS, CH_EVENTS, CH_INSPECT, CH_LOGS } ch_kind;

typedef struct sw_follower sw_follower;

typedef struct {
    statewatch *sw; /* NULL once detached */
    ch_kind kind;
    proc *p;
    strbuf out;        /* ps, inspect: stdout */
    char errline[512]; /* first stderr line */
    sw_follower *f;    /* logs */
    char **names;      /* inspect: what was asked */
    unsigned *gens;    /* ... and the inspect_gen of each then */
    size_t nnames;
    uint64_t t0;
    bool overflow;
} sw_child;

struct sw_follower {
    char *name;
    int source;
    sw_child *child;       /* live `docker logs`, or NULL */
    uint64_t last_ts;      /* newest timestamp seen (wall ns) */
    uint64_t attached_run; /* started_ns of the run when attached */
    uint64_t attached_at;  /* monotonic ns; 0 never */
    uint64_t retry_ns;     /* re-attach delay while the run goes on */
    bool got_lines;        /* the current child delivered timestamped lines */
};

struct statewatch {
    uv_loop_t *loop;
    state_table *st;
    logstore *ls;
    char *docker;
    uint64_t reconcile_ms, timeout_ms;
    void (*changed)(void *user, statewatch *sw);
    void (*lines)(void *user, statewatch *sw);
    void *user;

    sw_child *ps, *events, *inspect;
    uv_timer_t t_reconcile, t_retry, t_inspect, t_ps_deadline, t_inspect_deadline;
    int open_timers;
    unsigned backoff_ms;
    bool started, inspect_again;
    uint64_t notified_version;

    sw_follower **fol;
    size_t nfol, capfol;
    statewatch_stats stats;
};

static void ensure_events(statewatch *sw);
static void check_followers(statewatch *sw);
static void schedule_inspect(statewatch *sw);
static void on_retry(uv_timer_t *t);
static void on_ps_deadline(uv_timer_t *t);
static void on_inspect_timer(uv_timer_t *t);
static void on_inspect_deadline(uv_timer_t *t);

/* ---- helpers -------------------------------------------------------------- */

static uint64_t wall_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void notify(statewatch *sw)
{
    uint64_t v = state_version(sw->st);
    if (v == sw->notified_version)
        return;
    sw->notified_version = v;
    if (sw->changed)
        sw->changed(sw->user, sw);
}

static void child_free(sw_child *c)
{
    strbuf_free(&c->out);
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
    free(c->gens);
    free(c);
}

static void on_child_line(void *user, proc *p, proc_stream s, const char *text, size_t len);
static void on_child_exit(void *user, proc *p, const proc_status *st);

/* Spawn a child of `kind`; NULL with err filled when it did not start. */
static sw_child *child_spawn(statewatch *sw, ch_kind kind, char **argv, char *err,
                             size_t errlen)
{
    sw_child *c = util_xcalloc(1, sizeof *c);
    c->sw = sw;
    c->kind = kind;
    c->t0 = util_now_ns();
    proc_opts o = {.argv = (const char *const *)argv};
    proc_callbacks cb = {.line = on_child_line, .exit = on_child_exit};
    c->p = proc_spawn(sw->loop, &o, &cb, c, err, errlen);
    state_argv_free(argv);
    if (!c->p) {
        child_free(c);
        return NULL;
    }
    return c;
}

static bool is_missing_docker(const char *err)
{
    return strstr(err, "not found in PATH") || strstr(err, "no such file") ||
           strstr(err, "not an executable");
}

/* ---- docker ps --------------------------------------------------------------- */

static void retry_later(statewatch *sw)
{
    if (uv_is_active((uv_handle_t *)&sw->t_retry))
        return;
    uv_timer_start(&sw->t_retry, on_retry, sw->backoff_ms, 0);
    sw->backoff_ms = sw->backoff_ms * 2 > EVENTS_BACKOFF_MAX_MS ? EVENTS_BACKOFF_MAX_MS
                                                                : sw->backoff_ms * 2;
}

static void run_ps(statewatch *sw)
{
    if (sw->ps)
        return;
    char err[256];
    sw->ps = child_spawn(sw, CH_PS, state_ps_argv(sw->docker), err, sizeof err);
    if (!sw->ps) {
        state_set_engine(sw->st,
                         is_missing_docker(err) ? STATE_ENGINE_NO_DOCKER : STATE_ENGINE_UNREACHABLE,
                         err);
        notify(sw);
        return;
    }
    sw->stats.ps_runs++;
    sw->stats.ps_spawned_ns = sw->ps->t0;
    uv_timer_start(&sw->t_ps_deadline, on_ps_deadline, sw->timeout_ms, 0);
}

static void on_ps_deadline(uv_timer_t *t)
{
    statewatch *sw = t->data;
    if (!sw->ps)
        return;
    char msg[128];
    snprintf(msg, sizeof msg, "docker ps did not answer within %g s",
             (double)sw->timeout_ms / 1000.0);
    state_set_engine(sw->st, STATE_ENGINE_UNREACHABLE, msg);
    proc_cancel(sw->ps->p); /* its exit is ignored: the child is detached */
    sw->ps->sw = NULL;
    sw->ps = NULL;
    notify(sw);
    if (!sw->events)
        retry_later(sw);
}

static void ps_done(statewatch *sw, sw_child *c, const proc_status *st)
{
    uv_timer_stop(&sw->t_ps_deadline);
    if (st->spawn_failed || st->signaled || st->exit_code != 0 || c->overflow) {
        const char *msg = c->errline[0] ? c->errline : st->error;
        if (c->overflow)
            msg = "docker ps printed more than 16 MiB";
        state_set_engine(sw->st, STATE_ENGINE_UNREACHABLE, msg);
        notify(sw);
        if (!sw->events)
            retry_later(sw);
        return;
    }
    state_ps_begin(sw->st);
    int lineno = 0;
    char err[256];
    for (char *p = c->out.data; p && *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        (void)state_apply_ps_line(sw->st, p, n, ++lineno, err, sizeof err);
        p += n + (nl ? 1 : 0);
    }
    state_ps_end(sw->st);
    state_set_engine(sw->st, STATE_ENGINE_OK, "");
    ensure_events(sw);
    schedule_inspect(sw);
    check_followers(sw);
    notify(sw);
}

/* ---- docker events ------------------------------------------------------------ */

static void on_retry(uv_timer_t *t)
{
    statewatch *sw = t->data;
    /* a fresh snapshot first: events missed while the stream was down */
    run_ps(sw);
}

/* After a good `docker ps`: the stream runs (again) now. */
static void ensure_events(statewatch *sw)
{
    if (sw->events)
        return;
    uv_timer_stop(&sw->t_retry);
    char err[256];
    sw->events = child_spawn(sw, CH_EVENTS, state_events_argv(sw->docker, 0), err, sizeof err);
    if (!sw->events) {
        state_set_engine(sw->st,
                         is_missing_docker(err) ? STATE_ENGINE_NO_DOCKER : STATE_ENGINE_UNREACHABLE,
                         err);
        notify(sw);
        retry_later(sw);
        return;
    }
    sw->stats.events_runs++;
    sw->stats.events_spawned_ns = sw->events->t0;
}

static void events_done(statewatch *sw, sw_child *c, const proc_status *st)
{
    (void)st;
    if (util_now_ns() - c->t0 > EVENTS_STABLE_NS)
        sw->backoff_ms = EVENTS_BACKOFF_MIN_MS;
    if (c->errline[0]) {
        state_set_engine(sw->st, STATE_ENGINE_UNREACHABLE, c->errline);
        notify(sw);
    }
    retry_later(sw);
}

/* ---- docker inspect ------------------------------------------------------------ */

static void on_inspect_timer(uv_timer_t *t)
{
    statewatch *sw = t->data;
    if (sw->inspect) {
        sw->inspect_again = true;
        return;
    }
    size_t n;
    const char **names = state_inspect_wanted(sw->st, &n);
    if (!names)
        return;
    char err[256];
    char **argv = state_inspect_argv(sw->docker, names, n);
    sw_child *c = child_spawn(sw, CH_INSPECT, argv, err, sizeof err);
    if (!c) {
        state_inspect_done(sw->st, names, NULL, n);
        free(names);
        return;
    }
    c->names = util_xcalloc(n, sizeof *c->names);
    c->gens = util_xcalloc(n, sizeof *c->gens);
    for (size_t i = 0; i < n; i++) {
        c->names[i] = util_xstrdup(names[i]);
        c->gens[i] = state_find(sw->st, names[i])->inspect_gen;
    }
    c->nnames = n;
    free(names);
    sw->inspect = c;
    sw->stats.inspect_runs++;
    uv_timer_start(&sw->t_inspect_deadline, on_inspect_deadline, sw->timeout_ms, 0);
}

static void on_inspect_deadline(uv_timer_t *t)
{
    statewatch *sw = t->data;
    if (!sw->inspect)
        return;
    sw_child *c = sw->inspect;
    state_inspect_done(sw->st, (const char *const *)c->names, NULL, c->nnames);
    proc_cancel(c->p);
    c->sw = NULL;
    sw->inspect = NULL;
}

static void schedule_inspect(statewatch *sw)
{
    if (!uv_is_active((uv_handle_t *)&sw->t_inspect))
        uv_timer_start(&sw->t_inspect, on_inspect_timer, INSPECT_DELAY_MS, 0);
}

static void inspect_done(statewatch *sw, sw_child *c, const proc_status *st)
{
    (void)st;
    uv_timer_stop(&sw->t_inspect_deadline);
    /* exit status 1 when a name is gone, but stdout still has the others */
    char err[256];
    if (c->out.len && !c->overflow)
        (void)state_apply_inspect(sw->st, c->out.data, c->out.len, err, sizeof err);
    state_inspect_done(sw->st, (const char *const *)c->names, c->gens, c->nnames);
    check_followers(sw);
    notify(sw);
    if (sw->inspect_again) {
        sw->inspect_again = false;
        schedule_inspect(sw);
    }
}

/* ---- log followers ------------------------------------------------------------- */

static sw_follower *find_follower(const statewatch *sw, const char *name)
{
    for (size_t i = 0; i < sw->nfol; i++)
        if (strcmp(sw->fol[i]->name, name) == 0)
            return sw->fol[i];
    return NULL;
}

static void attach(statewatch *sw, sw_follower *f, const state_container *c)
{
    char err[256];
    uint64_t since = state_logs_since(c, f->last_ts);
    sw_child *ch = child_spawn(sw, CH_LOGS, state_logs_argv(sw->docker, f->name, since), err,
                               sizeof err);
    f->attached_run = c->started_ns;
    f->attached_at = util_now_ns();
    if (!ch) {
        logstore_append(sw->ls, f->source, LOGSTORE_STDERR, wall_now_ns(), err, strlen(err));
        return;
    }
    ch->f = f;
    f->child = ch;
    f->got_lines = false;
    sw->stats.logs_runs++;
}

static void check_followers(statewatch *sw)
{
    uint64_t now = util_now_ns();
    for (size_t i = 0; i < sw->nfol; i++) {
        sw_follower *f = sw->fol[i];
        if (f->child)
            continue;
        const state_container *c = state_find(sw->st, f->name);
        if (!c || c->run == STATE_REMOVING || c->run == STATE_UNKNOWN)
            continue;
        if (c->run == STATE_CREATED && c->started_ns == 0)
            continue; /* nothing to read yet */
        if (c->needs_inspect)
            continue; /* the exact StartedAt comes with the inspect */
        bool new_run = f->attached_at == 0 || c->started_ns != f->attached_run;
        bool lost = c->run == STATE_RUNNING && now - f->attached_at >= f->retry_ns;
        if (new_run || lost)
            attach(sw, f, c);
    }
}

static void logs_line(statewatch *sw, sw_child *c, proc_stream s, const char *text, size_t len)
{
    sw_follower *f = c->f;
    if (!f || !sw->ls)
        return;
    uint64_t ts;
    size_t off = state_split_log_line(text, len, &ts);
    if (ts) {
        if (ts > f->last_ts)
            f->last_ts = ts;
        f->got_lines = true;
    } else {
        ts = wall_now_ns();
    }
    logstore_append(sw->ls, f->source, s == PROC_STDERR ? LOGSTORE_STDERR : LOGSTORE_STDOUT, ts,
                    text + off, len - off);
    if (sw->lines)
        sw->lines(sw->user, sw);
}

int statewatch_follow(statewatch *sw, const char *name)
{
    if (!sw->ls || !name)
        return -1;
    if (find_follower(sw, name))
        return 0;
    int src = logstore_source(sw->ls, name);
    if (src < 0)
        return -1;
    if (sw->nfol == sw->capfol) {
        sw->capfol = sw->capfol ? sw->capfol * 2 : 8;
        sw->fol = util_xrealloc(sw->fol, sw->capfol * sizeof *sw->fol);
    }
    sw_follower *f = util_xcalloc(1, sizeof *f);
    f->name = util_xstrdup(name);
    f->source = src;
    f->retry_ns = FOLLOW_RETRY_NS;
    sw->fol[sw->nfol++] = f;
    if (sw->started)
        check_followers(sw);
    return 0;
}

static void follower_free(sw_follower *f)
{
    if (f->child) {
        f->child->f = NULL;
        proc_cancel(f->child->p);
    }
    free(f->name);
    free(f);
}

void statewatch_unfollow(statewatch *sw, const char *name)
{
    for (size_t i = 0; i < sw->nfol; i++)
        if (strcmp(sw->fol[i]->name, name) == 0) {
            follower_free(sw->fol[i]);
            memmove(sw->fol + i, sw->fol + i + 1, (sw->nfol - i - 1) * sizeof *sw->fol);
            sw->nfol--;
            return;
        }
}

bool statewatch_following(const statewatch *sw, const char *name)
{
    return find_follower(sw, name) != NULL;
}

bool statewatch_attached(const statewatch *sw, const char *name)
{
    sw_follower *f = find_follower(sw, name);
    return f && f->child;
}

/* ---- child callbacks ------------------------------------------------------------ */

static void on_child_line(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    (void)p;
    sw_child *c = user;
    statewatch *sw = c->sw;
    if (!sw)
        return;
    if (c->kind == CH_LOGS) {
        logs_line(sw, c, s, text, len);
        return;
    }
    if (s == PROC_STDERR) {
        if (!c->errline[0])
            snprintf(c->errline, sizeof c->errline, "%.*s", (int)(len < 400 ? len : 400), text);
        return;
    }
    if (c->kind == CH_EVENTS) {
        char err[256];
        if (state_apply_event(sw->st, text, len, err, sizeof err) > 0) {
            schedule_inspect(sw);
            check_followers(sw);
            notify(sw);
        }
        return;
    }
    if (c->out.len + len + 1 > PS_MAX_BYTES) {
        c->overflow = true;
        return;
    }
    strbuf_add(&c->out, text, len);
    strbuf_addc(&c->out, '\n');
}

static void on_child_exit(void *user, proc *p, const proc_status *st)
{
    (void)p;
    sw_child *c = user;
    statewatch *sw = c->sw;
    if (sw) {
        switch (c->kind) {
        case CH_PS:
            sw->ps = NULL;
            ps_done(sw, c, st);
            break;
        case CH_EVENTS:
            sw->events = NULL;
            events_done(sw, c, st);
            break;
        case CH_INSPECT:
            sw->inspect = NULL;
            inspect_done(sw, c, st);
            break;
        case CH_LOGS:
            if (c->f) {
                sw_follower *f = c->f;
                f->child = NULL;
                /* a child that fails at once is retried less and less often */
                if (f->got_lines)
                    f->retry_ns = FOLLOW_RETRY_NS;
                else if (f->retry_ns < 64 * FOLLOW_RETRY_NS)
                    f->retry_ns *= 2;
                check_followers(sw);
            }
            break;
        }
    }
    child_free(c);
}

/* ---- lifecycle ------------------------------------------------------------------- */

static void on_reconcile(uv_timer_t *t)
{
    statewatch *sw = t->data;
    run_ps(sw);
    check_followers(sw);
}

statewatch *statewatch_new(uv_loop_t *loop, state_table *st, logstore *ls,
                           const statewatch_opts *o)
{
    statewatch *sw = util_xcalloc(1, sizeof *sw);
    sw->loop = loop;
    sw->st = st;
    sw->ls = ls;
    statewatch_opts d = {0};
    if (!o)
        o = &d;
    sw->docker = util_xstrdup(o->docker && *o->docker ? o->docker : "docker");
    double rs = o->reconcile_s > 0 ? o->reconcile_s : 10.0;
    if (rs < 5.0)
        rs = 5.0;
    sw->reconcile_ms = (uint64_t)(rs * 1000.0);
    double ts = o->command_timeout_s > 0 ? o->command_timeout_s : 10.0;
    sw->timeout_ms = (uint64_t)(ts * 1000.0);
    if (sw->timeout_ms == 0)
        sw->timeout_ms = 1;
    sw->changed = o->changed;
    sw->lines = o->lines;
    sw->user = o->user;
    sw->backoff_ms = EVENTS_BACKOFF_MIN_MS;
    sw->notified_version = state_version(st);
    uv_timer_t *timers[] = {&sw->t_reconcile, &sw->t_retry, &sw->t_inspect, &sw->t_ps_deadline,
                            &sw->t_inspect_deadline};
    for (size_t i = 0; i < SRV_ARRAY_LEN(timers); i++) {
        uv_timer_init(loop, timers[i]);
        timers[i]->data = sw;
        sw->open_timers++;
    }
    return sw;
}

void statewatch_start(statewatch *sw)
{
    if (sw->started)
        return;
    sw->started = true;
    run_ps(sw);
    uv_timer_start(&sw->t_reconcile, on_reconcile, sw->reconcile_ms, sw->reconcile_ms);
}

void statewatch_reconcile_now(statewatch *sw)
{
    run_ps(sw);
}

void statewatch_get_stats(const statewatch *sw, statewatch_stats *out)
{
    *out = sw->stats;
    out->events_live = sw->events != NULL;
}

static void on_timer_closed(uv_handle_t *h)
{
    statewatch *sw = h->data;
    if (--sw->open_timers == 0)
        free(sw);
}

void statewatch_free(statewatch *sw)
{
    if (!sw)
        return;
    sw_child *kids[] = {sw->ps, sw->events, sw->inspect};
    for (size_t i = 0; i < SRV_ARRAY_LEN(kids); i++)
        if (kids[i]) {
            kids[i]->sw = NULL;
            proc_cancel(kids[i]->p);
        }
    for (size_t i = 0; i < sw->nfol; i++) {
        if (sw->fol[i]->child)
            sw->fol[i]->child->sw = NULL;
        follower_free(sw->fol[i]);
    }
    free(sw->fol);
    free(sw->docker);
    uv_timer_t *timers[] = {&sw->t_reconcile, &sw->t_retry, &sw->t_inspect, &sw->t_ps_deadline,
                            &sw->t_inspect_deadline};
    for (size_t i = 0; i < SRV_ARRAY_LEN(timers); i++) {
        uv_timer_stop(timers[i]);
        uv_close((uv_handle_t *)timers[i], on_timer_closed);
    }
}

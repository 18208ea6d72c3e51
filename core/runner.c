/* core/runner.c — see runner.h. */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/runner.h"
#include "core/util.h"

#define WAIT_POLL_MS 500
#define WAIT_DEFAULT_TIMEOUT 120.0
#define WAIT_EXITED_POLLS 3     /* an exited container seen this often fails the wait */
#define WAIT_CAPTURE_MAX (4u * 1024u * 1024u)
#define TAIL_LINE_MAX 512

/* One container as the wait step sees it. */
typedef struct {
    char *service, *name, *state, *health;
    int exit_code;
} wait_ctr;

typedef struct {
    bool active;
    bool v1;
    bool timed_out;
    int stage;               /* 0: `ps`, 1: `docker inspect` (v1) */
    uint64_t t0;
    double timeout;
    strbuf out, errout;      /* the poll child's output */
    char *not_ready;         /* the last evaluation ("" when none yet) */
    char *reported;          /* the last not-ready text emitted */
    char *exited_name;       /* a container seen exited ... */
    int exited_polls;        /* ... in this many consecutive polls */
    char *poll_error;        /* the last poll command failure */
    char *cmd;               /* the poll command, for messages */
} wait_state;

struct runner {
    uv_loop_t *loop;
    runner_callbacks cb;
    void *user;
    runner_native_fn native;
    void *native_user;
    uv_timer_t timer;    /* kick-off, wait polls, deferred wait ends */
    uv_timer_t deadline; /* wait timeout */
    int closed_handles;
    bool freed;

    const plan *p;
    bool busy, cancel_req;
    size_t i;
    bool phase_open;
    plan_phase_id phase;
    uint64_t plan_t0, phase_t0, step_t0;
    proc *child;
    wait_state w;

    char tail[RUNNER_TAIL_LINES][TAIL_LINE_MAX];
    size_t tail_n, tail_next;
    strbuf tail_text;
};

/* ---- events (none once the runner was freed) ----------------------------- */

static void ev_line(runner *r, runner_stream st, const char *text, size_t len)
{
    char *slot = r->tail[r->tail_next];
    size_t k = len < TAIL_LINE_MAX - 1 ? len : TAIL_LINE_MAX - 1;
    memcpy(slot, text, k);
    slot[k] = '\0';
    r->tail_next = (r->tail_next + 1) % RUNNER_TAIL_LINES;
    if (r->tail_n < RUNNER_TAIL_LINES)
        r->tail_n++;
    if (!r->freed && r->cb.line)
        r->cb.line(r->user, r->i, st, text, len);
}

static void ev_info(runner *r, const char *fmt, ...) SRV_PRINTF(2, 3);
static void ev_info(runner *r, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ev_line(r, RUNNER_INFO, sb.data, sb.len);
    strbuf_free(&sb);
}

static double since(uint64_t t0)
{
    return (double)(util_now_ns() - t0) / 1e9;
}

/* ---- lifecycle ------------------------------------------------------------ */

static void wait_reset(wait_state *w);

static void maybe_free(runner *r)
{
    if (!r->freed || r->closed_handles < 2 || r->child)
        return;
    wait_reset(&r->w);
    strbuf_free(&r->tail_text);
    free(r);
}

/* The child process has exited: forget it.  True when runner_free() came
 * first (the runner is freed now, if nothing else holds it, and the exit
 * must not be handled). */
static bool child_gone(runner *r)
{
    r->child = NULL;
    if (!r->freed)
        return false;
    maybe_free(r);
    return true;
}

static void on_timer_closed(uv_handle_t *h)
{
    runner *r = h->data;
    r->closed_handles++;
    maybe_free(r);
}

runner *runner_new(uv_loop_t *loop, const runner_callbacks *cb, void *user)
{
    runner *r = util_xcalloc(1, sizeof *r);
    r->loop = loop;
    if (cb)
        r->cb = *cb;
    r->user = user;
    uv_timer_init(loop, &r->timer);
    uv_timer_init(loop, &r->deadline);
    r->timer.data = r->deadline.data = r;
    return r;
}

void runner_set_native(runner *r, runner_native_fn fn, void *user)
{
    r->native = fn;
    r->native_user = user;
}

bool runner_busy(const runner *r)
{
    return r && r->busy;
}

const char *runner_tail(runner *r)
{
    strbuf_reset(&r->tail_text);
    size_t first = (r->tail_next + RUNNER_TAIL_LINES - r->tail_n) % RUNNER_TAIL_LINES;
    for (size_t k = 0; k < r->tail_n; k++) {
        if (k)
            strbuf_addc(&r->tail_text, '\n');
        strbuf_adds(&r->tail_text, r->tail[(first + k) % RUNNER_TAIL_LINES]);
    }
    return r->tail_text.data ? r->tail_text.data : "";
}

static void wait_reset(wait_state *w)
{
    strbuf_free(&w->out);
    strbuf_free(&w->errout);
    free(w->not_ready);
    free(w->reported);
    free(w->exited_name);
    free(w->poll_error);
    free(w->cmd);
    memset(w, 0, sizeof *w);
}

void runner_free(runner *r)
{
    if (!r || r->freed)
        return;
    r->freed = true; /* no more events */
    r->cancel_req = true;
    if (r->child)
        proc_cancel(r->child);
    wait_reset(&r->w);
    r->busy = false;
    uv_timer_stop(&r->timer);
    uv_timer_stop(&r->deadline);
    uv_close((uv_handle_t *)&r->timer, on_timer_closed);
    uv_close((uv_handle_t *)&r->deadline, on_timer_closed);
}

/* ---- steps ------------------------------------------------------------------ */

static void advance(runner *r);

/* The plan is over (failed_step == n_steps when it all passed). */
static void finish(runner *r, const runner_result *res, size_t failed_step)
{
    runner_result pr = *res;
    pr.seconds = since(r->plan_t0);
    const plan *p = r->p;
    r->busy = false;
    if (r->freed)
        return;
    if (r->phase_open) {
        r->phase_open = false;
        if (r->cb.phase_end)
            r->cb.phase_end(r->user, r->phase, res->outcome, since(r->phase_t0));
    }
    if (r->cb.plan_end)
        r->cb.plan_end(r->user, p, &pr, failed_step);
}

/* Step i ended with res.  true: go on with the next step. */
static bool step_done(runner *r, runner_result *res)
{
    const plan_step *s = &r->p->steps[r->i];
    res->seconds = since(r->step_t0);
    if (res->outcome == RUNNER_OK && r->cancel_req)
        res->outcome = RUNNER_CANCELLED;
    if (!r->freed && r->cb.step_end)
        r->cb.step_end(r->user, r->i, s, res);
    if (res->outcome != RUNNER_OK) {
        finish(r, res, r->i);
        return false;
    }
    r->i++;
    return true;
}

static void proc_line_cb(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    runner *r = user;
    ev_line(r, s == PROC_STDERR ? RUNNER_STDERR : RUNNER_STDOUT, text, len);
}

static void result_from_status(runner_result *res, const proc_status *st, bool cancelled)
{
    memset(res, 0, sizeof *res);
    res->outcome = RUNNER_OK;
    if (st->signaled) {
        res->outcome = RUNNER_FAILED;
        res->term_signal = st->term_signal;
        res->exit_code = 128 + st->term_signal;
    } else if (st->exit_code != 0) {
        res->outcome = RUNNER_FAILED;
        res->exit_code = st->exit_code;
    }
    snprintf(res->error, sizeof res->error, "%s", st->error);
    if (cancelled || st->cancelled) {
        res->outcome = RUNNER_CANCELLED;
        snprintf(res->error, sizeof res->error, "cancelled");
    }
}

static void proc_exit_cb(void *user, proc *p, const proc_status *st)
{
    runner *r = user;
    if (child_gone(r))
        return;
    runner_result res;
    result_from_status(&res, st, r->cancel_req);
    if (step_done(r, &res))
        advance(r);
}

static void spawn_failed(runner_result *res, const char *err)
{
    memset(res, 0, sizeof *res);
    res->outcome = RUNNER_FAILED;
    res->spawn_failed = true;
    res->exit_code = 127;
    snprintf(res->error, sizeof res->error, "%s", err);
}

/* Start a SHELL/ARGV step; false with res filled when it did not start. */
static bool start_proc_step(runner *r, const plan_step *s, runner_result *res)
{
    if (!s->argv || !s->argv[0]) {
        spawn_failed(res, "step has no command");
        return false;
    }
    proc_opts o = {.argv = (const char *const *)s->argv, .cwd = s->cwd};
    proc_callbacks cb = {proc_line_cb, proc_exit_cb};
    char err[256];
    r->child = proc_spawn(r->loop, &o, &cb, r, err, sizeof err);
    if (!r->child) {
        spawn_failed(res, err);
        return false;
    }
    return true;
}

/* ---- native steps ------------------------------------------------------------ */

static void native_emit(void *ctx, runner_stream st, const char *text)
{
    runner *r = ctx;
    if (!text)
        return;
    /* one event per line; a trailing newline does not make an empty line */
    const char *s = text;
    strbuf sb = STRBUF_INIT;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (!nl && n == 0 && s != text)
            break;
        strbuf_reset(&sb);
        strbuf_add(&sb, s, n);
        ev_line(r, st, sb.data ? sb.data : "", n);
        if (!nl)
            break;
        s = nl + 1;
        if (!*s)
            break;
    }
    strbuf_free(&sb);
}

static void run_native(runner *r, const plan_step *s, runner_result *res)
{
    memset(res, 0, sizeof *res);
    if (!r->native) {
        res->outcome = RUNNER_FAILED;
        res->exit_code = 1;
        snprintf(res->error, sizeof res->error,
                 "no in-process handler for the %s hook (runner_set_native was not called)",
                 s->kind == PLAN_NATIVE_GENERATE ? "generator" : "validator");
        return;
    }
    int rc = r->native(r->native_user, r->p, s, native_emit, r);
    if (rc != 0) {
        res->outcome = RUNNER_FAILED;
        res->exit_code = rc;
        snprintf(res->error, sizeof res->error, "exited with status %d", rc);
    }
}

/* ---- wait step ------------------------------------------------------------- */

static void wait_poll(runner *r);

static void on_wait_tick(uv_timer_t *t)
{
    wait_poll(t->data);
}

/* The next poll in 500 ms (at once when a cancel is pending). */
static void wait_schedule(runner *r)
{
    uv_timer_start(&r->timer, on_wait_tick, r->cancel_req ? 0 : WAIT_POLL_MS, 0);
}

/* The command line of a poll, for messages. */
static char *argv_text(const char *const *argv)
{
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; argv[k]; k++)
        strbuf_addf(&sb, "%s%s", k ? " " : "", argv[k]);
    return strbuf_detach(&sb, NULL);
}

static void wait_end(runner *r, runner_outcome o, const char *fmt, ...) SRV_PRINTF(3, 4);
static void wait_end(runner *r, runner_outcome o, const char *fmt, ...)
{
    runner_result res;
    memset(&res, 0, sizeof res);
    res.outcome = o;
    if (o != RUNNER_OK)
        res.exit_code = 1;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(res.error, sizeof res.error, fmt, ap);
        va_end(ap);
    }
    uv_timer_stop(&r->timer);
    uv_timer_stop(&r->deadline);
    wait_reset(&r->w);
    if (step_done(r, &res))
        advance(r);
}

static char *wait_join(char *const *v)
{
    strbuf sb = STRBUF_INIT;
    for (size_t k = 0; v && v[k]; k++) {
        if (k)
            strbuf_adds(&sb, ", ");
        strbuf_adds(&sb, v[k]);
    }
    return strbuf_detach(&sb, NULL);
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void ctr_add(wait_ctr **v, size_t *n, const char *service, const char *name,
                    const char *state, const char *health, int exit_code)
{
    *v = util_xrealloc(*v, (*n + 1) * sizeof **v);
    wait_ctr *c = &(*v)[(*n)++];
    c->service = util_xstrdup(service ? service : "?");
    c->name = util_xstrdup(name ? (name[0] == '/' ? name + 1 : name) : c->service);
    c->state = util_xstrdup(state ? state : "unknown");
    c->health = util_xstrdup(health ? health : "");
    c->exit_code = exit_code;
}

static void ctrs_free(wait_ctr *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        free(v[k].service);
        free(v[k].name);
        free(v[k].state);
        free(v[k].health);
    }
    free(v);
}

/* `docker compose ps --format json`: one array (older v2) or one object per
 * line (newer v2). */
static void parse_ps_json(const char *text, wait_ctr **v, size_t *n)
{
    cJSON *all = cJSON_Parse(text);
    if (cJSON_IsArray(all)) {
        const cJSON *o;
        cJSON_ArrayForEach(o, all)
        {
            const cJSON *ec = cJSON_GetObjectItemCaseSensitive(o, "ExitCode");
            ctr_add(v, n, jstr(o, "Service"), jstr(o, "Name"), jstr(o, "State"),
                    jstr(o, "Health"), cJSON_IsNumber(ec) ? ec->valueint : 0);
        }
        cJSON_Delete(all);
        return;
    }
    cJSON_Delete(all);
    const char *s = text;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char *line = util_xstrndup(s, len);
        cJSON *o = cJSON_Parse(line);
        if (cJSON_IsObject(o)) {
            const cJSON *ec = cJSON_GetObjectItemCaseSensitive(o, "ExitCode");
            ctr_add(v, n, jstr(o, "Service"), jstr(o, "Name"), jstr(o, "State"),
                    jstr(o, "Health"), cJSON_IsNumber(ec) ? ec->valueint : 0);
        }
        cJSON_Delete(o);
        free(line);
        s += len + (nl ? 1 : 0);
    }
}

/* `docker inspect ID...` (v1). */
static void parse_inspect(const char *text, wait_ctr **v, size_t *n)
{
    cJSON *all = cJSON_Parse(text);
    const cJSON *o;
    cJSON_ArrayForEach(o, all)
    {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "State");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(st, "Health");
        const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(o, "Config");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(cfg, "Labels");
        const cJSON *ec = cJSON_GetObjectItemCaseSensitive(st, "ExitCode");
        ctr_add(v, n, jstr(labels, "com.docker.compose.service"), jstr(o, "Name"),
                jstr(st, "Status"), jstr(h, "Status"), cJSON_IsNumber(ec) ? ec->valueint : 0);
    }
    cJSON_Delete(all);
}

static bool ctr_dead(const wait_ctr *c)
{
    return strcmp(c->state, "exited") == 0 || strcmp(c->state, "dead") == 0;
}

/* Decide from the containers seen; true when every one is ready. */
static bool wait_evaluate(runner *r, wait_ctr *v, size_t n)
{
    const plan_step *s = &r->p->steps[r->i];
    strbuf nr = STRBUF_INIT;
    const wait_ctr *dead = NULL;
    bool any_service = s->services && s->services[0];
    if (any_service) {
        for (size_t k = 0; s->services[k]; k++) {
            bool found = false;
            for (size_t j = 0; j < n && !found; j++)
                found = strcmp(v[j].service, s->services[k]) == 0;
            if (!found)
                strbuf_addf(&nr, "%s%s: no container", nr.len ? ", " : "", s->services[k]);
        }
    } else if (n == 0) {
        strbuf_adds(&nr, "no container yet");
    }
    for (size_t j = 0; j < n; j++) {
        const wait_ctr *c = &v[j];
        if (strcmp(c->state, "running") != 0) {
            if (ctr_dead(c) && c->exit_code == 0 && strcmp(c->state, "exited") == 0) {
                /* a one-shot job that completed: done, not waited for */
            } else if (ctr_dead(c)) {
                strbuf_addf(&nr, "%s%s: exited (%d)", nr.len ? ", " : "", c->name, c->exit_code);
                if (!dead)
                    dead = c;
            } else {
                strbuf_addf(&nr, "%s%s: %s", nr.len ? ", " : "", c->name, c->state);
            }
        } else if (c->health[0] && strcmp(c->health, "healthy") != 0) {
            strbuf_addf(&nr, "%s%s: %s", nr.len ? ", " : "", c->name, c->health);
        }
    }
    /* an exited container that stays exited will not come back */
    if (dead) {
        if (r->w.exited_name && strcmp(r->w.exited_name, dead->name) == 0) {
            r->w.exited_polls++;
        } else {
            free(r->w.exited_name);
            r->w.exited_name = util_xstrdup(dead->name);
            r->w.exited_polls = 1;
        }
    } else {
        r->w.exited_polls = 0;
    }
    free(r->w.not_ready);
    r->w.not_ready = strbuf_detach(&nr, NULL);
    return r->w.not_ready[0] == '\0';
}

static void wait_capture_line(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    runner *r = user;
    if (r->freed)
        return;
    strbuf *sb = s == PROC_STDOUT ? &r->w.out : &r->w.errout;
    if (sb->len + len + 1 > WAIT_CAPTURE_MAX)
        return;
    strbuf_add(sb, text, len);
    strbuf_addc(sb, '\n');
}

static void wait_fail_timeout(runner *r)
{
    const char *what = r->w.not_ready && r->w.not_ready[0] ? r->w.not_ready
                       : r->w.poll_error                    ? r->w.poll_error
                                                             : "no status yet";
    ev_info(r, "gave up waiting after %gs; not ready: %s", r->w.timeout, what);
    wait_end(r, RUNNER_FAILED, "containers not ready after %gs: %s", r->w.timeout, what);
}

/* End the wait when it was cancelled or its deadline passed: true when it
 * did (the caller stops), false when the wait goes on. */
static bool wait_ended_early(runner *r)
{
    if (r->cancel_req) {
        wait_end(r, RUNNER_CANCELLED, "cancelled");
        return true;
    }
    if (r->w.timed_out) {
        wait_fail_timeout(r);
        return true;
    }
    return false;
}

static void wait_poll_exit(void *user, proc *p, const proc_status *st)
{
    runner *r = user;
    if (child_gone(r))
        return;
    if (wait_ended_early(r))
        return;
    const plan_step *s = &r->p->steps[r->i];
    if (st->signaled || st->exit_code != 0) {
        /* the engine may be busy: keep polling until the deadline */
        const char *e = r->w.errout.data ? r->w.errout.data : "";
        size_t el = strlen(e);
        while (el && e[el - 1] == '\n')
            el--;
        const char *last = e + el;
        while (last > e && last[-1] != '\n')
            last--;
        free(r->w.poll_error);
        r->w.poll_error = util_xasprintf("%s: %s%s%.*s", r->w.cmd, st->error, el ? ": " : "",
                                         (int)(e + el - last), last);
        wait_schedule(r);
        return;
    }
    wait_ctr *v = NULL;
    size_t n = 0;
    const char *out = r->w.out.data ? r->w.out.data : "";
    if (r->w.v1 && r->w.stage == 0) {
        /* container ids, one a line: inspect them */
        strbuf_reset(&r->w.errout);
        size_t nids = 0;
        for (const char *q = out; *q; q++)
            nids += *q == '\n';
        if (nids > 0) {
            const char **argv = util_xcalloc(nids + 3, sizeof *argv);
            char *ids = util_xstrdup(out), *save = NULL;
            size_t k = 0;
            argv[k++] = "docker";
            argv[k++] = "inspect";
            for (char *tok = strtok_r(ids, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
                if (*tok)
                    argv[k++] = tok;
            argv[k] = NULL;
            proc_opts o = {.argv = argv, .cwd = s->cwd};
            proc_callbacks cb = {wait_capture_line, wait_poll_exit};
            char err[256];
            strbuf_reset(&r->w.out);
            r->w.stage = 1;
            free(r->w.cmd);
            r->w.cmd = util_xstrdup("docker inspect");
            r->child = proc_spawn(r->loop, &o, &cb, r, err, sizeof err);
            free(ids);
            free(argv);
            if (!r->child)
                wait_end(r, RUNNER_FAILED, "%s", err);
            return;
        }
    } else if (r->w.v1) {
        parse_inspect(out, &v, &n);
    } else {
        parse_ps_json(out, &v, &n);
    }
    free(r->w.poll_error);
    r->w.poll_error = NULL;
    bool ready = wait_evaluate(r, v, n);
    char *names = NULL;
    if (ready) {
        strbuf sb = STRBUF_INIT;
        for (size_t k = 0; k < n; k++)
            strbuf_addf(&sb, "%s%s", k ? ", " : "", v[k].name);
        names = strbuf_detach(&sb, NULL);
    }
    ctrs_free(v, n);
    if (ready) {
        ev_info(r, "containers ready after %.1fs: %s", since(r->w.t0), names);
        free(names);
        wait_end(r, RUNNER_OK, NULL);
        return;
    }
    if (r->w.exited_polls >= WAIT_EXITED_POLLS) {
        char *name = util_xstrdup(r->w.exited_name);
        ev_info(r, "container %s exited; not waiting any longer", name);
        wait_end(r, RUNNER_FAILED, "container %s exited; not ready: %s", name, r->w.not_ready);
        free(name);
        return;
    }
    if (!r->w.reported || strcmp(r->w.reported, r->w.not_ready) != 0) {
        ev_info(r, "waiting for: %s", r->w.not_ready);
        free(r->w.reported);
        r->w.reported = util_xstrdup(r->w.not_ready);
    }
    wait_schedule(r);
}

/* "docker compose" / "docker-compose" split into words. */
static size_t compose_words(const char *compose, char *buf, size_t buflen, const char **words,
                            size_t max)
{
    snprintf(buf, buflen, "%s", compose);
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
        words[n++] = tok;
    return n;
}

static void wait_poll(runner *r)
{
    if (r->freed || !r->w.active)
        return;
    if (wait_ended_early(r))
        return;
    const plan_step *s = &r->p->steps[r->i];
    if (!s->compose_file || !s->compose_file[0]) {
        wait_end(r, RUNNER_FAILED, "wait step without a compose file");
        return;
    }
    size_t nsvc = 0;
    while (s->services && s->services[nsvc])
        nsvc++;
    const char **argv = util_xcalloc(nsvc + 16, sizeof *argv);
    char cbuf[128];
    size_t k = compose_words(r->p->compose && r->p->compose[0] ? r->p->compose : "docker compose",
                             cbuf, sizeof cbuf, argv, 4);
    argv[k++] = "-f";
    argv[k++] = s->compose_file;
    argv[k++] = "ps";
    if (r->w.v1) {
        argv[k++] = "-q";
    } else {
        argv[k++] = "-a";
        argv[k++] = "--format";
        argv[k++] = "json";
    }
    for (size_t j = 0; j < nsvc; j++)
        argv[k++] = s->services[j];
    argv[k] = NULL;
    strbuf_reset(&r->w.out);
    strbuf_reset(&r->w.errout);
    r->w.stage = 0;
    free(r->w.cmd);
    r->w.cmd = argv_text(argv);
    proc_opts o = {.argv = argv, .cwd = s->cwd};
    proc_callbacks cb = {wait_capture_line, wait_poll_exit};
    char err[256];
    r->child = proc_spawn(r->loop, &o, &cb, r, err, sizeof err);
    free(argv);
    if (!r->child)
        wait_end(r, RUNNER_FAILED, "%s", err);
}

static void wait_deadline(uv_timer_t *t)
{
    runner *r = t->data;
    if (!r->w.active)
        return;
    r->w.timed_out = true;
    if (r->child) {
        proc_cancel(r->child); /* its exit ends the step */
    } else {
        uv_timer_stop(&r->timer);
        wait_fail_timeout(r);
    }
}

static void start_wait(runner *r, const plan_step *s)
{
    wait_reset(&r->w);
    r->w.active = true;
    r->w.t0 = util_now_ns();
    r->w.timeout = s->timeout > 0 ? s->timeout : WAIT_DEFAULT_TIMEOUT;
    r->w.v1 = r->p->compose && strstr(r->p->compose, "docker-compose") != NULL;
    if (!s->compose_file || !s->compose_file[0]) {
        /* ends from the loop (wait_poll), like every other step */
        uv_timer_start(&r->timer, on_wait_tick, 0, 0);
        return;
    }
    char *svc = wait_join(s->services);
    ev_info(r, "waiting for the containers of %s to be running (and healthy where they have a "
               "healthcheck), up to %gs",
            svc[0] ? svc : "every service", r->w.timeout);
    free(svc);
    uv_timer_start(&r->deadline, wait_deadline, (uint64_t)(r->w.timeout * 1000.0 + 0.5), 0);
    wait_poll(r);
}

/* ---- the plan -------------------------------------------------------------- */

static void advance(runner *r)
{
    for (;;) {
        if (r->freed)
            return;
        const plan *p = r->p;
        if (r->cancel_req) {
            runner_result res;
            memset(&res, 0, sizeof res);
            res.outcome = RUNNER_CANCELLED;
            snprintf(res.error, sizeof res.error, "cancelled");
            finish(r, &res, r->i < p->n_steps ? r->i : p->n_steps);
            return;
        }
        if (r->i >= p->n_steps) {
            runner_result res;
            memset(&res, 0, sizeof res);
            res.outcome = RUNNER_OK;
            finish(r, &res, p->n_steps);
            return;
        }
        const plan_step *s = &p->steps[r->i];
        if (!r->phase_open || s->phase != r->phase) {
            if (r->phase_open && r->cb.phase_end)
                r->cb.phase_end(r->user, r->phase, RUNNER_OK, since(r->phase_t0));
            if (r->freed)
                return;
            r->phase_open = true;
            r->phase = s->phase;
            r->phase_t0 = util_now_ns();
            if (r->cb.phase_start)
                r->cb.phase_start(r->user, s->phase);
            if (r->freed)
                return;
        }
        r->tail_n = r->tail_next = 0;
        r->step_t0 = util_now_ns();
        if (r->cb.step_start)
            r->cb.step_start(r->user, r->i, s);
        if (r->freed)
            return;
        runner_result res;
        if (r->cancel_req) { /* cancelled from step_start: the step does not run */
            memset(&res, 0, sizeof res);
            res.outcome = RUNNER_CANCELLED;
            snprintf(res.error, sizeof res.error, "cancelled");
            step_done(r, &res);
            return;
        }
        switch (s->kind) {
        case PLAN_SHELL:
        case PLAN_ARGV:
            if (start_proc_step(r, s, &res))
                return; /* proc_exit_cb goes on */
            break;
        case PLAN_NATIVE_GENERATE:
        case PLAN_NATIVE_VALIDATE:
            run_native(r, s, &res);
            break;
        case PLAN_WAIT:
            start_wait(r, s);
            return; /* the wait ends from the loop */
        default:
            memset(&res, 0, sizeof res);
            res.outcome = RUNNER_FAILED;
            res.exit_code = 1;
            snprintf(res.error, sizeof res.error, "unknown step kind %d", (int)s->kind);
            break;
        }
        if (!step_done(r, &res))
            return;
    }
}

static void on_kickoff(uv_timer_t *t)
{
    runner *r = t->data;
    if (r->freed || !r->busy)
        return;
    if (r->cb.plan_start)
        r->cb.plan_start(r->user, r->p);
    advance(r);
}

int runner_start(runner *r, const plan *p, char *err, size_t errlen)
{
    if (r->busy || r->freed) {
        snprintf(err, errlen, "a plan is already running");
        return -1;
    }
    if (!p) {
        snprintf(err, errlen, "no plan");
        return -1;
    }
    r->p = p;
    r->busy = true;
    r->cancel_req = false;
    r->i = 0;
    r->phase_open = false;
    r->tail_n = r->tail_next = 0;
    r->plan_t0 = util_now_ns();
    /* every event comes from the loop, never from inside runner_start */
    uv_timer_start(&r->timer, on_kickoff, 0, 0);
    return 0;
}

void runner_cancel(runner *r)
{
    if (!r || !r->busy || r->cancel_req)
        return;
    r->cancel_req = true;
    if (r->child) {
        proc_cancel(r->child);
    } else if (r->w.active) {
        /* between two polls: end from the loop */
        uv_timer_start(&r->timer, on_wait_tick, 0, 0);
    }
}

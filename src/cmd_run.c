/* src/cmd_run.c — `srvconsole run ENV DEPLOYMENT [--dry-run] [--json]
 * [--compose CMD]`: the plan executed headless by core/runner, every line
 * prefixed with its phase and command, then a summary of the steps. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/jsonemit.h"
#include "core/plan.h"
#include "core/runner.h"
#include "src/cli.h"
#include "src/commands.h"
#include "src/native_hooks.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole run ENV DEPLOYMENT [--root DIR] [--dry-run] [--json] "
               "[--compose CMD]\n"
               "Runs the deployment's steps (see `srvconsole plan`), stopping at the first "
               "failure.\n");
}

typedef struct {
    const plan *p;
    bool json;
    bool cancelled;
    double *seconds;        /* per step; < 0: not run */
    int *status;            /* per step exit status */
    char **labels;          /* per step short label */
    size_t failed;          /* n_steps when none */
    runner_result result;
    runner *r;
    uv_signal_t sigint, sigterm;
} run_ctx;

/* ---- JSON lines ---------------------------------------------------------------- */

static void jstr(strbuf *sb, const char *k, const char *v)
{
    strbuf_addf(sb, ",\"%s\":", k);
    if (v)
        jsonemit_string(sb, v, strlen(v));
    else
        strbuf_adds(sb, "null");
}

static void jbegin(strbuf *sb, const char *event)
{
    strbuf_adds(sb, "{\"event\":");
    jsonemit_string(sb, event, strlen(event));
}

static void jend(strbuf *sb)
{
    strbuf_adds(sb, "}\n");
    fwrite(sb->data, 1, sb->len, stdout);
    fflush(stdout);
    strbuf_free(sb);
}

static const char *outcome_name(runner_outcome o)
{
    return o == RUNNER_OK ? "ok" : o == RUNNER_FAILED ? "failed" : "cancelled";
}

/* ---- labels ------------------------------------------------------------------------ */

/* "[up] docker compose up (docker-compose-db.yml)": short enough for a prefix. */
static char *step_label(const plan *p, const plan_step *s)
{
    const char *ph = plan_phase_name(s->phase);
    if (s->kind == PLAN_NATIVE_GENERATE)
        return util_xasprintf("[%s] generate", ph);
    if (s->kind == PLAN_NATIVE_VALIDATE)
        return util_xasprintf("[%s] validate", ph);
    if (s->kind == PLAN_WAIT)
        return util_xasprintf("[%s] wait", ph);
    if (s->compose_file && p->compose) {
        const char *base = strrchr(s->compose_file, '/');
        base = base ? base + 1 : s->compose_file;
        const char *verb = s->phase == PLAN_BUILD ? "build" : p->verb;
        return util_xasprintf("[%s] %s %s (%s)", ph, p->compose, verb, base);
    }
    /* shell commands: the first word's base name, then the rest */
    const char *d = s->display;
    const char *sp = strchr(d, ' ');
    size_t w = sp ? (size_t)(sp - d) : strlen(d);
    const char *base = d;
    for (const char *q = d; q < d + w; q++)
        if (*q == '/')
            base = q + 1;
    char *text = util_xasprintf("%.*s%s", (int)(d + w - base), base, sp ? sp : "");
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')
        n--;
    char *label = n > 48 ? util_xasprintf("[%s] %.45s...", ph, text)
                         : util_xasprintf("[%s] %.*s", ph, (int)n, text);
    free(text);
    return label;
}

/* ---- runner callbacks ---------------------------------------------------------------- */

static void on_plan_start(void *user, const plan *p)
{
    run_ctx *C = user;
    if (!C->json)
        return;
    strbuf sb = STRBUF_INIT;
    jbegin(&sb, "plan_start");
    jstr(&sb, "env", p->env);
    jstr(&sb, "deployment", p->short_name);
    jstr(&sb, "root", p->root);
    strbuf_addf(&sb, ",\"steps\":%zu", p->n_steps);
    jend(&sb);
}

static void on_plan_end(void *user, const plan *p, const runner_result *r, size_t failed)
{
    run_ctx *C = user;
    C->result = *r;
    C->failed = failed;
    uv_signal_stop(&C->sigint);
    uv_signal_stop(&C->sigterm);
    if (!C->json)
        return;
    strbuf sb = STRBUF_INIT;
    jbegin(&sb, "plan_end");
    jstr(&sb, "outcome", outcome_name(r->outcome));
    strbuf_addf(&sb, ",\"exitCode\":%d,\"seconds\":%.3f", r->exit_code, r->seconds);
    if (failed < p->n_steps)
        strbuf_addf(&sb, ",\"failedStep\":%zu", failed + 1);
    else
        strbuf_adds(&sb, ",\"failedStep\":null");
    jend(&sb);
}

static void on_phase_start(void *user, plan_phase_id ph)
{
    run_ctx *C = user;
    if (!C->json)
        return;
    strbuf sb = STRBUF_INIT;
    jbegin(&sb, "phase_start");
    jstr(&sb, "phase", plan_phase_name(ph));
    jend(&sb);
}

static void on_phase_end(void *user, plan_phase_id ph, runner_outcome o, double seconds)
{
    run_ctx *C = user;
    if (!C->json)
        return;
    strbuf sb = STRBUF_INIT;
    jbegin(&sb, "phase_end");
    jstr(&sb, "phase", plan_phase_name(ph));
    jstr(&sb, "outcome", outcome_name(o));
    strbuf_addf(&sb, ",\"seconds\":%.3f", seconds);
    jend(&sb);
}

static void on_step_start(void *user, size_t i, const plan_step *s)
{
    run_ctx *C = user;
    if (C->json) {
        strbuf sb = STRBUF_INIT;
        jbegin(&sb, "step_start");
        strbuf_addf(&sb, ",\"step\":%zu", i + 1);
        jstr(&sb, "phase", plan_phase_name(s->phase));
        jstr(&sb, "kind", plan_kind_name(s->kind));
        jstr(&sb, "display", s->display);
        jstr(&sb, "description", s->description);
        jstr(&sb, "cwd", s->cwd);
        strbuf_adds(&sb, ",\"argv\":[");
        for (size_t k = 0; s->argv && s->argv[k]; k++) {
            if (k)
                strbuf_addc(&sb, ',');
            jsonemit_string(&sb, s->argv[k], strlen(s->argv[k]));
        }
        strbuf_addc(&sb, ']');
        jend(&sb);
        return;
    }
    bool hook = s->phase == PLAN_PRE_BUILD || s->phase == PLAN_POST_UP;
    if (hook && s->description && s->description[0]) {
        printf("==> %zu/%zu [%s] %s\n", i + 1, C->p->n_steps, plan_phase_name(s->phase),
               s->description);
        printf("    $ %s%s\n", s->display,
               s->kind == PLAN_NATIVE_GENERATE || s->kind == PLAN_NATIVE_VALIDATE
                   ? "   (in-process)"
                   : "");
    } else {
        printf("==> %zu/%zu [%s] %s\n", i + 1, C->p->n_steps, plan_phase_name(s->phase),
               s->display);
    }
    fflush(stdout);
}

static void on_step_end(void *user, size_t i, const plan_step *s, const runner_result *r)
{
    run_ctx *C = user;
    C->seconds[i] = r->seconds;
    C->status[i] = r->outcome == RUNNER_OK ? 0 : r->exit_code;
    if (C->json) {
        strbuf sb = STRBUF_INIT;
        jbegin(&sb, "step_end");
        strbuf_addf(&sb, ",\"step\":%zu", i + 1);
        jstr(&sb, "outcome", outcome_name(r->outcome));
        strbuf_addf(&sb, ",\"exitCode\":%d,\"signal\":%d,\"seconds\":%.3f", r->exit_code,
                    r->term_signal, r->seconds);
        jstr(&sb, "error", r->error[0] ? r->error : NULL);
        jend(&sb);
        return;
    }
    if (r->outcome != RUNNER_OK) {
        if (r->spawn_failed || r->error[0])
            fprintf(stderr, "%s ! %s\n", C->labels[i], r->error);
        else if (r->term_signal)
            fprintf(stderr, "%s ! killed by signal %d\n", C->labels[i], r->term_signal);
        else
            fprintf(stderr, "%s ! exit status %d\n", C->labels[i], r->exit_code);
    }
    (void)s;
}

static void on_line(void *user, size_t i, runner_stream st, const char *text, size_t len)
{
    run_ctx *C = user;
    if (C->json) {
        strbuf sb = STRBUF_INIT;
        jbegin(&sb, "line");
        strbuf_addf(&sb, ",\"step\":%zu", i + 1);
        jstr(&sb, "stream", st == RUNNER_STDOUT ? "stdout" : st == RUNNER_STDERR ? "stderr"
                                                                                : "info");
        strbuf_adds(&sb, ",\"text\":");
        jsonemit_string(&sb, text, len);
        jend(&sb);
        return;
    }
    FILE *f = st == RUNNER_STDOUT ? stdout : stderr;
    fprintf(f, "%s | %.*s\n", i < C->p->n_steps ? C->labels[i] : "[?]", (int)len, text);
    if (f == stdout)
        fflush(stdout);
}

static void on_signal(uv_signal_t *h, int signum)
{
    run_ctx *C = h->data;
    if (!C->cancelled && !C->json)
        fprintf(stderr, "\nsrvconsole run: %s: cancelling (children get SIGTERM, SIGKILL "
                        "after 2 s)\n",
                signum == SIGINT ? "interrupted" : "terminated");
    C->cancelled = true;
    runner_cancel(C->r);
}

static void print_summary(const run_ctx *C)
{
    const plan *p = C->p;
    printf("\nSummary: %s (%s) in %s\n", p->name, p->short_name, p->env);
    printf("  %-3s %-9s %-10s %9s  %s\n", "#", "PHASE", "STATUS", "SECONDS", "COMMAND");
    for (size_t i = 0; i < p->n_steps; i++) {
        const plan_step *s = &p->steps[i];
        char status[32];
        if (C->seconds[i] < 0)
            snprintf(status, sizeof status, "not run");
        else if (i == C->failed && C->result.outcome == RUNNER_CANCELLED)
            snprintf(status, sizeof status, "cancelled");
        else if (C->status[i] == 0 && i != C->failed)
            snprintf(status, sizeof status, "ok");
        else if (i == C->failed && C->result.term_signal)
            snprintf(status, sizeof status, "signal %d", C->result.term_signal);
        else
            snprintf(status, sizeof status, "exit %d", C->status[i]);
        char secs[32] = "-";
        if (C->seconds[i] >= 0)
            snprintf(secs, sizeof secs, "%.2f", C->seconds[i]);
        printf("  %-3zu %-9s %-10s %9s  %s\n", i + 1, plan_phase_name(s->phase), status, secs,
               C->labels[i] + strcspn(C->labels[i], "]") + 2);
    }
    if (C->result.outcome == RUNNER_OK)
        printf("All %zu step(s) passed in %.2f s.\n", p->n_steps, C->result.seconds);
    else if (C->result.outcome == RUNNER_CANCELLED)
        printf("Cancelled after %.2f s.\n", C->result.seconds);
    else
        printf("Step %zu failed (%s); the steps after it did not run.\n", C->failed + 1,
               C->result.error[0] ? C->result.error : "see above");
    fflush(stdout);
}

int cmd_run(int argc, char **argv)
{
    cli_plan_args args;
    int rc;
    plan *p = cli_plan_command(argc, argv, "run", true, usage, &args, &rc);
    if (!p)
        return rc;
    if (args.dry) {
        cli_print_plan(p, args.json);
        plan_free(p);
        return 0;
    }
    bool json = args.json;
    char err[SRV_ERRLEN];
    if (!json) {
        printf("Running %s (%s) in %s: %zu step(s)%s%s\n", p->name, p->short_name, p->env,
               p->n_steps, p->compose ? ", compose: " : "", p->compose ? p->compose : "");
        fflush(stdout);
    }
    for (size_t i = 0; i < p->n_notes; i++) {
        if (json) {
            strbuf sb = STRBUF_INIT;
            jbegin(&sb, "note");
            jstr(&sb, "text", p->notes[i]);
            jend(&sb);
        } else {
            fprintf(stderr, "note: %s\n", p->notes[i]);
        }
    }

    run_ctx C = {.p = p, .json = json, .failed = p->n_steps};
    size_t n = p->n_steps ? p->n_steps : 1;
    C.seconds = util_xcalloc(n, sizeof *C.seconds);
    C.status = util_xcalloc(n, sizeof *C.status);
    C.labels = util_xcalloc(n, sizeof *C.labels);
    for (size_t i = 0; i < p->n_steps; i++) {
        C.seconds[i] = -1;
        C.labels[i] = step_label(p, &p->steps[i]);
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    runner_callbacks cb = {on_plan_start, on_plan_end, on_phase_start, on_phase_end,
                           on_step_start, on_step_end, on_line};
    C.r = runner_new(&loop, &cb, &C);
    runner_set_native(C.r, native_hook_run, NULL);
    uv_signal_init(&loop, &C.sigint);
    uv_signal_init(&loop, &C.sigterm);
    C.sigint.data = C.sigterm.data = &C;
    uv_signal_start(&C.sigint, on_signal, SIGINT);
    uv_signal_start(&C.sigterm, on_signal, SIGTERM);
    if (runner_start(C.r, p, err, sizeof err) != 0) {
        fprintf(stderr, "srvconsole run: %s\n", err);
        rc = 1;
        uv_signal_stop(&C.sigint);
        uv_signal_stop(&C.sigterm);
    } else {
        uv_run(&loop, UV_RUN_DEFAULT);
        if (!json && C.result.outcome == RUNNER_FAILED && C.failed < p->n_steps) {
            const char *tail = runner_tail(C.r);
            if (tail && tail[0]) {
                fprintf(stderr, "\nLast lines of step %zu (%s):\n", C.failed + 1,
                        C.labels[C.failed]);
                for (const char *q = tail; *q;) {
                    size_t k = strcspn(q, "\n");
                    fprintf(stderr, "  | %.*s\n", (int)k, q);
                    q += k + (q[k] ? 1 : 0);
                }
            }
        }
        if (!json)
            print_summary(&C);
        if (C.result.outcome == RUNNER_CANCELLED || C.cancelled)
            rc = EXIT_INTERRUPTED;
        else if (C.result.outcome == RUNNER_FAILED)
            rc = C.result.exit_code ? C.result.exit_code : 1;
    }
    runner_free(C.r);
    uv_close((uv_handle_t *)&C.sigint, NULL);
    uv_close((uv_handle_t *)&C.sigterm, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    for (size_t i = 0; i < p->n_steps; i++)
        free(C.labels[i]);
    free(C.labels);
    free(C.seconds);
    free(C.status);
    plan_free(p);
    return rc;
}

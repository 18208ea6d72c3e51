/* core/runner.h — runs a plan on a libuv loop, step after step, and turns
 * everything that happens into events (plan/phase/step start and end, each
 * output line).  Stops at the first failing step (reference semantics).
 * The headless `run` and the console are both consumers; nothing here
 * prints. */
#ifndef SRV_RUNNER_H
#define SRV_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "core/plan.h"
#include "core/proc.h"

typedef struct runner runner;

typedef enum { RUNNER_STDOUT = 1, RUNNER_STDERR = 2, RUNNER_INFO = 3 } runner_stream;

typedef enum {
    RUNNER_OK = 0,
    RUNNER_FAILED,     /* a step exited non-zero / by signal / did not start */
    RUNNER_CANCELLED,
} runner_outcome;

typedef struct {
    runner_outcome outcome;
    int exit_code;          /* of the step; 128+sig when signaled */
    int term_signal;
    bool spawn_failed;
    char error[256];
    double seconds;
} runner_result;

typedef struct {
    void (*plan_start)(void *user, const plan *p);
    /* r: outcome and exit status of the failed (or cancelled) step, seconds
     * of the whole run.  failed_step: n_steps when every step passed; on a
     * cancel between steps, the first step that did not run. */
    void (*plan_end)(void *user, const plan *p, const runner_result *r,
                     size_t failed_step /* n_steps when none */);
    void (*phase_start)(void *user, plan_phase_id ph);
    void (*phase_end)(void *user, plan_phase_id ph, runner_outcome o, double seconds);
    void (*step_start)(void *user, size_t i, const plan_step *s);
    void (*step_end)(void *user, size_t i, const plan_step *s, const runner_result *r);
    void (*line)(void *user, size_t i, runner_stream st, const char *text, size_t len);
} runner_callbacks;

/* In-process steps (NATIVE_GENERATE/VALIDATE): src/ supplies the function
 * (core must not depend on the command layer).  emit(ctx, stream, text)
 * delivers lines; returns the exit status the reference tool would have. */
typedef void (*runner_emit_fn)(void *ctx, runner_stream st, const char *text);
typedef int (*runner_native_fn)(void *user, const plan *p, const plan_step *s,
                                runner_emit_fn emit, void *ctx);

runner *runner_new(uv_loop_t *loop, const runner_callbacks *cb, void *user);
void runner_set_native(runner *r, runner_native_fn fn, void *user);
/* 0, or -1 with err when already busy. */
int runner_start(runner *r, const plan *p, char *err, size_t errlen);
/* Cancel: the running child gets SIGTERM (SIGKILL 2 s later), a wait step
 * stops polling; the step and the plan end RUNNER_CANCELLED, later steps do
 * not run.  Events still come (from the loop). */
void runner_cancel(runner *r);
bool runner_busy(const runner *r);
/* The last RUNNER_TAIL_LINES lines (each cut at 511 bytes) of the current
 * step, or of the failed step once the plan ended, joined with '\n'.  Valid
 * until the next call or runner_start/runner_free. */
#define RUNNER_TAIL_LINES 10
const char *runner_tail(runner *r);
/* No event comes after runner_free (it may be called from plan_end); a
 * running child is cancelled; the memory is released from the loop once the
 * child and the runner's handles are closed, so keep running the loop. */
void runner_free(runner *r);

#endif

/* src/native_hooks.h — the in-process steps of a plan: srvconsole's own
 * generator and validator in place of the reference hooks
 * `tsx .../generator.ts [TARGET...]` and `tsx .../validator.ts`
 * (PLAN_NATIVE_GENERATE / PLAN_NATIVE_VALIDATE).  Output goes line by line
 * through `emit`, as `srvconsole generate` / `srvconsole validate` print it;
 * the return value is the exit status those commands would have. */
#ifndef SRV_NATIVE_HOOKS_H
#define SRV_NATIVE_HOOKS_H

#include "core/plan.h"
#include "core/runner.h"

/* A runner_native_fn: runner_set_native(r, native_hook_run, NULL).
 * Runs in the step's cwd (the package root).  Steps of other kinds return
 * 127 with an error line. */
int native_hook_run(void *user, const plan *p, const plan_step *s, runner_emit_fn emit,
                    void *ctx);

#endif

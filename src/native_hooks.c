/* src/native_hooks.c — see native_hooks.h. */
#include "config.h"

#include "src/native_hooks.h"

#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/generate.h"
#include "core/project.h"
#include "core/registry.h"
#include "core/validate.h"

/* Emit every line of a text (a trailing newline ends the last line). */
static void emit_lines(runner_emit_fn emit, void *ctx, runner_stream st, const char *text)
{
    size_t n;
    char **lines = util_split_lines(text, &n);
    for (size_t i = 0; i < n; i++)
        emit(ctx, st, lines[i]);
    util_lines_free(lines, n);
}

static void emitf(runner_emit_fn emit, void *ctx, runner_stream st, const char *fmt, ...)
    SRV_PRINTF(4, 5);
static void emitf(runner_emit_fn emit, void *ctx, runner_stream st, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    emit_lines(emit, ctx, st, sb.data);
    strbuf_free(&sb);
}

/* Load and check the registry; 0, or 1 after emitting why (`what` names the
 * reference's error line). */
static int open_registry(const char *root, registry *reg, diag_list *diags, const char *what,
                         runner_emit_fn emit, void *ctx)
{
    char *path = project_path(root, PROJECT_REGISTRY_REL);
    char err[SRV_ERRLEN];
    int rc = registry_load(reg, path, PROJECT_REGISTRY_REL, err);
    free(path);
    if (rc != 0) {
        emitf(emit, ctx, RUNNER_STDERR, "❌ Error %s configurations: %s", what, err);
        registry_free(reg); /* a failed load still holds what it read */
        return 1;
    }
    diag_list_init(diags);
    registry_check(reg, diags);
    return 0;
}

static int run_generate(const plan_step *s, runner_emit_fn emit, void *ctx)
{
    int nt = 0;
    while (s->targets && s->targets[nt])
        nt++;
    strbuf unknown = STRBUF_INIT;
    unsigned groups = gen_parse_targets(nt, s->targets, &unknown);
    if (unknown.len)
        emitf(emit, ctx, RUNNER_STDERR, "srvconsole generate: ignoring unknown target(s): %s",
              unknown.data);
    strbuf_free(&unknown);

    registry reg;
    diag_list diags;
    if (open_registry(s->cwd, &reg, &diags, "generating", emit, ctx) != 0)
        return 1;
    for (size_t i = 0; i < diags.n; i++) {
        strbuf sb = STRBUF_INIT;
        diag_format_line(&sb, &diags.items[i]);
        emit_lines(emit, ctx, RUNNER_STDERR, sb.data);
        strbuf_free(&sb);
    }
    size_t errors = diag_count(&diags, DIAG_ERROR, -1);
    diag_list_free(&diags);
    if (errors) {
        emitf(emit, ctx, RUNNER_STDERR,
              "srvconsole generate: %zu error(s) in %s; nothing was written", errors,
              reg.shown);
        registry_free(&reg);
        return 1;
    }
    gen_set set = {0};
    char err[SRV_ERRLEN];
    if (gen_render(&reg, groups, &set, err) != 0) {
        emitf(emit, ctx, RUNNER_STDERR, "❌ Error generating configurations: %s", err);
        gen_set_free(&set);
        registry_free(&reg);
        return 1;
    }
    gen_change *status = util_xcalloc(set.n ? set.n : 1, sizeof *status);
    int rc = gen_write(s->cwd, &set, status, err);
    if (rc == 0) {
        strbuf report = STRBUF_INIT;
        gen_format_report(&report, s->cwd, &set, status, groups);
        emit_lines(emit, ctx, RUNNER_STDOUT, report.data);
        strbuf_free(&report);
    } else {
        emitf(emit, ctx, RUNNER_STDERR,
              "❌ Error generating configurations: %s\n"
              "   (nothing was changed: all files are written or none)",
              err);
    }
    free(status);
    gen_set_free(&set);
    registry_free(&reg);
    return rc ? 1 : 0;
}

static int run_validate(const plan_step *s, runner_emit_fn emit, void *ctx)
{
    registry reg;
    diag_list diags;
    if (open_registry(s->cwd, &reg, &diags, "validating", emit, ctx) != 0)
        return 1;
    /* the reference validator's checks and layout only (srvconsole's own
     * findings never change the verdict; `srvconsole validate` shows them) */
    validate_opts o = {.reference_only = true};
    validate_run(s->cwd, &reg, &o, &diags);
    strbuf sb = STRBUF_INIT;
    validate_format_text(&sb, &diags);
    emit_lines(emit, ctx, RUNNER_STDOUT, sb.data);
    strbuf_free(&sb);
    int rc = validate_exit_status(&diags);
    diag_list_free(&diags);
    registry_free(&reg);
    return rc;
}

int native_hook_run(void *user, const plan *p, const plan_step *s, runner_emit_fn emit,
                    void *ctx)
{
    (void)user;
    (void)p;
    switch (s->kind) {
    case PLAN_NATIVE_GENERATE:
        return run_generate(s, emit, ctx);
    case PLAN_NATIVE_VALIDATE:
        return run_validate(s, emit, ctx);
    default:
        emitf(emit, ctx, RUNNER_STDERR, "srvconsole: step \"%s\" is not an in-process step",
              s->display ? s->display : "?");
        return 127;
    }
}

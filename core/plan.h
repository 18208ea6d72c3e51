/* core/plan.h — a deployment resolved for one environment into phases of
 * steps (spec §5.4/§5.5).  Built by plan_resolve() from core/deployments;
 * executed by core/runner; shown by `srvconsole plan` and the console.
 *
 * Memory: a plan owns everything it points to (one arena); plan_free(). */
#ifndef SRV_PLAN_H
#define SRV_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/deployments.h"
#include "core/util.h"

typedef enum {
    PLAN_PRE_BUILD = 0,
    PLAN_BUILD,
    PLAN_MAIN,      /* up, down, build, apply, the shell command... */
    PLAN_POST_UP,
    PLAN_NPHASES
} plan_phase_id;

typedef enum {
    PLAN_SHELL,            /* argv = {"/bin/sh", "-c", command, NULL} */
    PLAN_ARGV,             /* argv composed by srvconsole (compose, kubectl) */
    PLAN_NATIVE_GENERATE,  /* the reference generator hook, run in-process */
    PLAN_NATIVE_VALIDATE,  /* the reference validator hook, run in-process */
    PLAN_WAIT,             /* compose v1: wait until the scope's containers run */
} plan_kind;

typedef struct {
    plan_kind kind;
    plan_phase_id phase;
    char **argv;          /* NULL-terminated (SHELL, ARGV) */
    char *display;        /* the command as printed: reference text for hooks */
    char *description;    /* hook description / "Building images: ..." */
    char *cwd;            /* the package root */
    char **targets;       /* NATIVE_GENERATE: targets, NULL-terminated */
    char *compose_file;   /* WAIT and compose steps: absolute compose file */
    char **services;      /* WAIT: services named on the up line (empty: all) */
    double timeout;       /* WAIT: seconds */
    size_t scope;         /* index of the composeFiles entry (0 otherwise) */
} plan_step;

typedef struct {
    char *env, *name, *short_name, *description;
    char *type;           /* "docker-compose", "sh", "kubectl" */
    char *verb;           /* deployCommand */
    char *root;           /* package root (cwd of every step) */
    char *compose;        /* "docker compose" / "docker-compose" / NULL */
    plan_step *steps;     /* in run order; each knows its phase */
    size_t n_steps;
    char **notes;         /* preflight/compose-v1 remarks shown with the plan */
    size_t n_notes;
    void *priv;           /* arena */
    /* added by the resolver: */
    char *file;           /* the deployments file it came from (relative) */
    char **scopes;        /* compose file name of each scope (compose: >= 1) */
    size_t n_scopes;
    bool compose_v1;      /* `compose` is the legacy docker-compose binary */
} plan;

const char *plan_phase_name(plan_phase_id ph); /* "pre-build", "build", "up"... */
/* "shell", "argv", "native-generate", "native-validate", "wait". */
const char *plan_kind_name(plan_kind k);
void plan_free(plan *p);

/* ---- resolving (core/plan_resolve.c) --------------------------------------- */

#define PLAN_COMPOSE_V2 "docker compose"
#define PLAN_COMPOSE_V1 "docker-compose"
#define PLAN_WAIT_TIMEOUT 60.0
#define PLAN_GENERATOR_HOOK "tsx infrastructure/tools/shared/config/generator.ts"
#define PLAN_VALIDATOR_HOOK "tsx infrastructure/tools/shared/config/validator.ts"

typedef struct {
    /* The compose command, split into words for argv ("docker compose",
     * "docker-compose", "podman compose"...).  NULL: "docker compose". */
    const char *compose;
    /* Run generator/validator hooks verbatim through /bin/sh instead of
     * in-process (SRVCONSOLE_NATIVE_HOOKS=0). */
    bool verbatim_hooks;
    /* Timeout of the compose-v1 WAIT step; 0: PLAN_WAIT_TIMEOUT. */
    double wait_timeout;
} plan_opts;

/* Options from the environment: compose = $SRVCONSOLE_COMPOSE (NULL when
 * unset or empty; call plan_detect_compose() for the probe),
 * verbatim_hooks = ($SRVCONSOLE_NATIVE_HOOKS == "0"). */
void plan_opts_from_env(plan_opts *o);
/* The compose command to use: $SRVCONSOLE_COMPOSE when set, else
 * "docker compose" when `docker compose version` exits 0 (within 10 s),
 * else "docker-compose".  Blocking; the result is static or from getenv. */
const char *plan_detect_compose(void);
/* True when the compose command is the legacy v1 binary (its first word's
 * base name is "docker-compose"). */
bool plan_compose_is_v1(const char *compose);
/* The generator targets when `cmd` is exactly the reference generator hook
 * (GEN [TARGET...], plain words): a NULL-terminated malloc'd array (free with
 * shellwords_free), else NULL. */
char **plan_generator_hook_targets(const char *cmd);
bool plan_is_validator_hook(const char *cmd);

/* Resolve deployment `name` (name or shortName, first match) for `env`
 * under package root `root` (absolute) by every rule of spec §5.4.  NULL
 * with err set when it is not found (reference message), not valid for
 * `env` (reference message), or malformed (names deployment and file);
 * use deploy_select() first to tell these apart.  opts may be NULL. */
plan *plan_resolve(const deploy_set *set, const char *root, const char *env,
                   const char *name, const plan_opts *opts, char *err, size_t errlen);

/* Human-readable plan: header, one line per step (display string verbatim),
 * hook descriptions, notes. */
void plan_format_text(strbuf *sb, const plan *p);
/* The plan as one JSON object (2-space indent). */
void plan_format_json(strbuf *sb, const plan *p);

#endif

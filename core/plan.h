/* core/plan.h — a deployment resolved for one environment into phases of
 * steps (spec §5.4/§5.5).  Built by plan_resolve() from core/deployments;
 * executed by core/runner; shown by `srvconsole plan` and the console.
 *
 * Memory: a plan owns everything it points to (one arena); plan_free(). */
#ifndef SRV_PLAN_H
#define SRV_PLAN_H

#include <stdbool.h>
#include <stddef.h>

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
} plan;

const char *plan_phase_name(plan_phase_id ph); /* "pre-build", "build", "up"... */
void plan_free(plan *p);

#endif

/* src/cli.h — helpers shared by the headless subcommands. */
#ifndef SRV_CLI_H
#define SRV_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "core/deployments.h"
#include "core/diag.h"
#include "core/plan.h"
#include "core/registry.h"

typedef struct {
    char *root;   /* absolute package root */
    registry reg; /* loaded registry */
    diag_list diags; /* registry_check() findings */
    char error[SRV_ERRLEN]; /* why cli_open_project() failed (also printed) */
} cli_project;

/* Find the root and load + check the registry.  Prints errors itself.
 * Returns 0, or the exit status to return (2: not found or unreadable,
 * 1: the registry does not parse). */
int cli_open_project(cli_project *p, const char *root_opt, const char *cmd);
void cli_close_project(cli_project *p);
/* Print the registry findings to stderr; returns 1 when there are errors. */
int cli_report_registry(const cli_project *p, const char *cmd);

/* ---- the deployment catalog (list, plan, run) ---- */

/* Find the root and load the catalog.  Prints errors itself.  Returns 0, or
 * the exit status to return (2: no root, 1: the catalog cannot be read). */
int cli_open_catalog(const char *root_opt, const char *cmd, char **root, deploy_set *set);
/* Print the catalog findings to stderr: all of them, or only the file-level
 * ones (not the per-deployment errors). */
void cli_print_catalog_diags(const deploy_set *set, bool file_level_only);

/* `ENV DEPLOYMENT [--json] [--compose CMD]`, plus `--dry-run`/`-n` when
 * allowed: the arguments shared by `plan` and `run`. */
typedef struct {
    bool json;
    bool dry;
    const char *env;
    const char *name;
    plan_opts opts; /* from the environment, then --compose */
} cli_plan_args;

/* The common start of `plan` and `run`: take --root out of argv, parse the
 * rest into a, open the catalog, print its file-level findings, select the
 * deployment and resolve its plan (probing the compose command when
 * needed).  Returns the plan (plan_free), or NULL with the exit status to
 * return in *status (0 after --help; errors and usage already printed). */
plan *cli_plan_command(int argc, char **argv, const char *cmd, bool allow_dry,
                       void (*usage)(FILE *), cli_plan_args *a, int *status);
/* Print the plan to stdout, as text or as one JSON object and a newline. */
void cli_print_plan(const plan *p, bool json);

#endif

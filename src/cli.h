/* src/cli.h — helpers shared by the headless subcommands. */
#ifndef SRV_CLI_H
#define SRV_CLI_H

#include <stdbool.h>

#include "core/diag.h"
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

#endif

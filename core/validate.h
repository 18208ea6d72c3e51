/* core/validate.h — the validator: every check of the reference validator
 * (spec §4.2, same messages, severities and order) plus srvconsole's own
 * checks (spec §4.4), reported separately as DIAG_SRC_DOCTOR findings that
 * never turn a reference-clean tree into a failure. */
#ifndef SRV_VALIDATE_H
#define SRV_VALIDATE_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/registry.h"

typedef struct {
    bool reference_only; /* skip srvconsole's own checks */
    /* environment variables to inspect (NULL: the process environment) */
    char **envp;
    /* the compose command that deployments will use is the legacy v1
     * docker-compose (the caller detects it: core does not run docker) */
    bool compose_v1;
} validate_opts;

/* Run the checks against the tree under `root`; findings are appended to
 * `out` (reference checks first, in the reference's order).  Files are shown
 * relative to `root`. */
void validate_run(const char *root, const registry *r, const validate_opts *o,
                  diag_list *out);

/* Exit status of the reference rule: 1 when any error-severity finding. */
int validate_exit_status(const diag_list *l);

/* Print the report in the reference validator's layout (spec §4.1), then
 * srvconsole's own findings in a section of their own. */
void validate_format_text(strbuf *sb, const diag_list *l);

#endif

/* src/cli.c — see cli.h. */
#include "config.h"

#include "src/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/project.h"
#include "core/util.h"
#include "src/commands.h"

int cli_open_project(cli_project *p, const char *root_opt, const char *cmd)
{
    memset(p, 0, sizeof *p);
    diag_list_init(&p->diags);
    char err[SRV_ERRLEN];
    if (project_find_root(root_opt, NULL, &p->root, err) != 0) {
        fprintf(stderr, "srvconsole %s: %s\n", cmd, err);
        snprintf(p->error, sizeof p->error, "%s", err);
        return EXIT_USAGE;
    }
    char *path = project_path(p->root, PROJECT_REGISTRY_REL);
    int rc = registry_load(&p->reg, path, PROJECT_REGISTRY_REL, err);
    if (rc != 0) {
        fprintf(stderr, "srvconsole %s: %s\n", cmd, err);
        snprintf(p->error, sizeof p->error, "%s", err);
        /* I/O errors exit 2, a registry that does not parse 1 */
        int status = !util_is_file(path) || strstr(err, "No such file") ||
                             strstr(err, "Permission denied") || strstr(err, "too large")
                         ? EXIT_USAGE
                         : 1;
        free(path);
        cli_close_project(p);
        return status;
    }
    free(path);
    registry_check(&p->reg, &p->diags);
    return 0;
}

void cli_close_project(cli_project *p)
{
    registry_free(&p->reg);
    diag_list_free(&p->diags);
    free(p->root);
    p->root = NULL;
}

int cli_report_registry(const cli_project *p, const char *cmd)
{
    for (size_t i = 0; i < p->diags.n; i++) {
        strbuf sb = STRBUF_INIT;
        diag_format_line(&sb, &p->diags.items[i]);
        fprintf(stderr, "%s\n", sb.data);
        strbuf_free(&sb);
    }
    size_t errors = diag_count(&p->diags, DIAG_ERROR, -1);
    if (errors) {
        fprintf(stderr, "srvconsole %s: %zu error(s) in %s; nothing was written\n",
                cmd, errors, p->reg.shown);
        return 1;
    }
    return 0;
}

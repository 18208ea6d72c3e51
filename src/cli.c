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

int cli_open_catalog(const char *root_opt, const char *cmd, char **root, deploy_set *set)
{
    char err[SRV_ERRLEN];
    *root = NULL;
    if (project_find_root(root_opt, NULL, root, err) != 0) {
        fprintf(stderr, "srvconsole %s: %s\n", cmd, err);
        return EXIT_USAGE;
    }
    if (deploy_load(set, *root, err, sizeof err) != 0) {
        fprintf(stderr, "srvconsole %s: %s\n", cmd, err);
        free(*root);
        *root = NULL;
        return 1;
    }
    return 0;
}

void cli_print_catalog_diags(const deploy_set *set, bool file_level_only)
{
    for (size_t i = 0; i < set->diags.n; i++) {
        const diag *d = &set->diags.items[i];
        if (file_level_only && d->sev == DIAG_ERROR)
            continue;
        strbuf sb = STRBUF_INIT;
        diag_format_line(&sb, d);
        fprintf(stderr, "%s\n", sb.data);
        strbuf_free(&sb);
    }
}

/* Parse argv (without --root) into a.  -1 to go on, else the exit status. */
static int parse_plan_args(int argc, char **argv, const char *cmd, bool allow_dry,
                           void (*usage)(FILE *), cli_plan_args *a)
{
    memset(a, 0, sizeof *a);
    plan_opts_from_env(&a->opts);
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            a->json = true;
        } else if (allow_dry && (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n"))) {
            a->dry = true;
        } else if (!strcmp(argv[i], "--compose") && i + 1 < argc) {
            a->opts.compose = argv[++i];
        } else if (!strncmp(argv[i], "--compose=", 10)) {
            a->opts.compose = argv[i] + 10;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "srvconsole %s: unknown option '%s'\n", cmd, argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else if (npos == 0) {
            a->env = argv[i];
            npos++;
        } else if (npos == 1) {
            a->name = argv[i];
            npos++;
        } else {
            fprintf(stderr, "srvconsole %s: unexpected argument '%s'\n", cmd, argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (npos != 2) {
        fprintf(stderr, "srvconsole %s: ENV and DEPLOYMENT are required\n", cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

static plan *resolve_plan(const char *root_opt, const char *cmd, cli_plan_args *a,
                          int *status)
{
    char *root;
    deploy_set set;
    *status = cli_open_catalog(root_opt, cmd, &root, &set);
    if (*status)
        return NULL;
    cli_print_catalog_diags(&set, true);
    char err[SRV_ERRLEN];
    const deploy *d;
    plan *p = NULL;
    deploy_select_status st = deploy_select(&set, a->env, a->name, &d, err, sizeof err);
    if (st != DEPLOY_FOUND || d->error) {
        fprintf(stderr, "srvconsole %s: %s\n", cmd, st != DEPLOY_FOUND ? err : d->error);
        *status = st != DEPLOY_FOUND ? 1 : EXIT_USAGE;
    } else {
        if (!a->opts.compose && d->type == DEPLOY_COMPOSE)
            a->opts.compose = plan_detect_compose();
        p = plan_resolve(&set, root, a->env, a->name, &a->opts, err, sizeof err);
        if (!p) {
            fprintf(stderr, "srvconsole %s: %s\n", cmd, err);
            *status = EXIT_USAGE;
        }
    }
    deploy_set_free(&set);
    free(root);
    return p;
}

plan *cli_plan_command(int argc, char **argv, const char *cmd, bool allow_dry,
                       void (*usage)(FILE *), cli_plan_args *a, int *status)
{
    const char *root_opt = cmd_take_root(&argc, argv);
    *status = parse_plan_args(argc, argv, cmd, allow_dry, usage, a);
    if (*status >= 0)
        return NULL;
    return resolve_plan(root_opt, cmd, a, status);
}

void cli_print_plan(const plan *p, bool json)
{
    strbuf sb = STRBUF_INIT;
    if (json)
        plan_format_json(&sb, p);
    else
        plan_format_text(&sb, p);
    fputs(sb.data, stdout);
    if (json)
        fputc('\n', stdout);
    strbuf_free(&sb);
}

/* src/cmd_deploy.c — `srvconsole list [ENV] [--json]` and
 * `srvconsole plan ENV DEPLOYMENT [--json] [--compose CMD]`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deployments.h"
#include "core/diag.h"
#include "core/jsonemit.h"
#include "core/plan.h"
#include "core/value.h"
#include "src/cli.h"
#include "src/commands.h"

static void list_usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole list [ENV] [--root DIR] [--json]\n"
               "Lists the deployment environments and the deployments (those valid in ENV).\n");
}

static void plan_usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole plan ENV DEPLOYMENT [--root DIR] [--json] [--compose CMD]\n"
               "Shows the steps `run ENV DEPLOYMENT` would execute, without running anything.\n"
               "DEPLOYMENT is a name or a shortName (the first match in load order).\n");
}

static void list_json(const deploy_set *set, const char *env)
{
    arena a;
    arena_init(&a);
    val *o = val_new_map(&a);
    val *envs = val_new_seq(&a);
    for (size_t i = 0; i < set->n_envs; i++)
        val_seq_push(&a, envs, val_new_str(&a, set->envs[i]));
    val_map_push(&a, o, "environments", envs);
    val_map_push(&a, o, "env", env ? val_new_str(&a, env) : val_new_null(&a));
    val *list = val_new_seq(&a);
    for (size_t i = 0; i < set->n; i++) {
        const deploy *d = &set->items[i];
        if (env && !deploy_has_env(d, env))
            continue;
        val *j = val_new_map(&a);
        val_map_push(&a, j, "name", d->name ? val_new_str(&a, d->name) : val_new_null(&a));
        val_map_push(&a, j, "shortName",
                     d->short_name ? val_new_str(&a, d->short_name) : val_new_null(&a));
        val_map_push(&a, j, "description",
                     d->description ? val_new_str(&a, d->description) : val_new_null(&a));
        val *de = val_new_seq(&a);
        for (size_t k = 0; k < d->n_envs; k++)
            val_seq_push(&a, de, val_new_str(&a, d->envs[k]));
        val_map_push(&a, j, "environments", de);
        val_map_push(&a, j, "type", val_new_str(&a, d->type_name ? d->type_name
                                                                 : deploy_type_name(d->type)));
        val_map_push(&a, j, "deployCommand",
                     d->verb ? val_new_str(&a, d->verb) : val_new_null(&a));
        val_map_push(&a, j, "file", val_new_str(&a, d->file));
        val_map_push(&a, j, "error", d->error ? val_new_str(&a, d->error) : val_new_null(&a));
        val_seq_push(&a, list, j);
    }
    val_map_push(&a, o, "deployments", list);
    val *diags = val_new_seq(&a);
    for (size_t i = 0; i < set->diags.n; i++) {
        const diag *g = &set->diags.items[i];
        val *j = val_new_map(&a);
        val_map_push(&a, j, "severity", val_new_str(&a, diag_severity_name(g->sev)));
        val_map_push(&a, j, "file", val_new_str(&a, g->file));
        val_map_push(&a, j, "line", val_new_num(&a, g->line));
        val_map_push(&a, j, "column", val_new_num(&a, g->col));
        val_map_push(&a, j, "message", val_new_str(&a, g->message));
        val_seq_push(&a, diags, j);
    }
    val_map_push(&a, o, "diagnostics", diags);
    strbuf sb = STRBUF_INIT;
    jsonemit(&sb, o, 2);
    printf("%s\n", sb.data);
    strbuf_free(&sb);
    arena_free(&a);
}

static void list_text(const deploy_set *set, const char *env)
{
    printf("Environments:");
    for (size_t i = 0; i < set->n_envs; i++)
        printf("%s %s", i ? "," : "", set->envs[i]);
    printf("\n\n");
    int ws = (int)strlen("SHORT NAME"), wn = (int)strlen("NAME");
    for (size_t i = 0; i < set->n; i++) {
        const deploy *d = &set->items[i];
        if (env && !deploy_has_env(d, env))
            continue;
        if (d->short_name && (int)strlen(d->short_name) > ws)
            ws = (int)strlen(d->short_name);
        if (d->name && (int)strlen(d->name) > wn)
            wn = (int)strlen(d->name);
    }
    if (env)
        printf("Deployments valid in %s:\n", env);
    printf("%-*s  %-*s  %s\n", ws, "SHORT NAME", wn, "NAME", "ENVIRONMENTS");
    for (size_t i = 0; i < set->n; i++) {
        const deploy *d = &set->items[i];
        if (env && !deploy_has_env(d, env))
            continue;
        strbuf e = STRBUF_INIT;
        strbuf_grow(&e, 0);
        for (size_t k = 0; k < d->n_envs; k++)
            strbuf_addf(&e, "%s%s", k ? ", " : "", d->envs[k]);
        printf("%-*s  %-*s  %s\n", ws, d->short_name ? d->short_name : "?", wn,
               d->name ? d->name : "?", e.data);
        strbuf_free(&e);
        if (d->description && d->description[0])
            printf("%-*s  %s\n", ws, "", d->description);
        if (d->error)
            printf("%-*s  (cannot run: %s)\n", ws, "", d->error);
    }
}

int cmd_list(int argc, char **argv)
{
    const char *root_opt = cmd_take_root(&argc, argv);
    bool json = false;
    const char *env = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            list_usage(stdout);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "srvconsole list: unknown option '%s'\n", argv[i]);
            list_usage(stderr);
            return EXIT_USAGE;
        } else if (!env) {
            env = argv[i];
        } else {
            fprintf(stderr, "srvconsole list: unexpected argument '%s'\n", argv[i]);
            list_usage(stderr);
            return EXIT_USAGE;
        }
    }
    char *root;
    deploy_set set;
    int rc = cli_open_catalog(root_opt, "list", &root, &set);
    if (rc)
        return rc;
    cli_print_catalog_diags(&set, false);
    bool known = !env;
    for (size_t i = 0; env && i < set.n_envs; i++)
        known = known || strcmp(set.envs[i], env) == 0;
    if (json)
        list_json(&set, env);
    else if (known)
        list_text(&set, env);
    if (!known) {
        fprintf(stderr, "srvconsole list: no deployment is valid in environment \"%s\" "
                        "(environments:", env);
        for (size_t i = 0; i < set.n_envs; i++)
            fprintf(stderr, "%s %s", i ? "," : "", set.envs[i]);
        fprintf(stderr, ")\n");
        rc = 1;
    } else if (deploy_error_count(&set)) {
        fprintf(stderr, "srvconsole list: %zu deployment(s) cannot run (see above)\n",
                deploy_error_count(&set));
        rc = EXIT_USAGE;
    }
    deploy_set_free(&set);
    free(root);
    return rc;
}

int cmd_plan(int argc, char **argv)
{
    cli_plan_args args;
    int rc;
    plan *p = cli_plan_command(argc, argv, "plan", false, plan_usage, &args, &rc);
    if (!p)
        return rc;
    cli_print_plan(p, args.json);
    plan_free(p);
    return 0;
}

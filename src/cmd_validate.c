/* src/cmd_validate.c — `srvconsole validate [--json] [--reference] [--strict]`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/plan.h"
#include "core/validate.h"
#include "src/cli.h"
#include "src/commands.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole validate [--root DIR] [--json] [--reference] [--strict]\n");
}

int cmd_validate(int argc, char **argv)
{
    const char *root_opt = cmd_take_root(&argc, argv);
    bool json = false, strict = false;
    validate_opts o = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--reference"))
            o.reference_only = true;
        else if (!strcmp(argv[i], "--strict"))
            strict = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "srvconsole validate: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    cli_project P;
    int rc = cli_open_project(&P, root_opt, "validate");
    if (rc != 0) {
        if (json) {
            /* the failure itself is the finding: never an empty list */
            diag_list l;
            diag_list_init(&l);
            diag_add(&l, DIAG_ERROR, DIAG_SRC_REGISTRY, rc == EXIT_USAGE ? "io" : "parse",
                     "", 0, 0, "%s", P.error);
            strbuf sb = STRBUF_INIT;
            diag_list_json(&sb, &l);
            fwrite(sb.data, 1, sb.len, stdout);
            strbuf_free(&sb);
            diag_list_free(&l);
        }
        return rc;
    }
    plan_opts po;
    plan_opts_from_env(&po);
    o.compose_v1 = plan_compose_is_v1(po.compose ? po.compose : plan_detect_compose());
    validate_run(P.root, &P.reg, &o, &P.diags);
    strbuf sb = STRBUF_INIT;
    if (json)
        diag_list_json(&sb, &P.diags);
    else
        validate_format_text(&sb, &P.diags);
    fwrite(sb.data, 1, sb.len, stdout);
    strbuf_free(&sb);
    rc = validate_exit_status(&P.diags);
    if (strict && diag_count(&P.diags, DIAG_WARNING, -1))
        rc = 1;
    cli_close_project(&P);
    return rc;
}

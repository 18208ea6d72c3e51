/* src/cmd_generate.c — `srvconsole generate [TARGET...] [--check] [-q]`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/generate.h"
#include "core/project.h"
#include "core/registry.h"
#include "src/cli.h"
#include "src/commands.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole generate [TARGET...] [--root DIR] [--check] [-q]\n"
               "Targets: all (default), docker-compose, kubernetes, env, agent-configs\n");
}

int cmd_generate(int argc, char **argv)
{
    const char *root_opt = cmd_take_root(&argc, argv);
    bool check = false, quiet = false;
    char **targets = util_xcalloc((size_t)argc + 1, sizeof *targets);
    int nt = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check"))
            check = true;
        else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
            quiet = true;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            free(targets);
            return 0;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "srvconsole generate: unknown option '%s'\n", argv[i]);
            usage(stderr);
            free(targets);
            return EXIT_USAGE;
        } else
            targets[nt++] = argv[i];
    }
    strbuf unknown = STRBUF_INIT;
    unsigned groups = gen_parse_targets(nt, targets, &unknown);
    free(targets);
    if (unknown.len)
        fprintf(stderr, "srvconsole generate: ignoring unknown target(s): %s\n",
                unknown.data);
    strbuf_free(&unknown);

    cli_project P;
    int rc = cli_open_project(&P, root_opt, "generate");
    if (rc != 0)
        return rc;
    rc = cli_report_registry(&P, "generate");
    if (rc != 0) {
        cli_close_project(&P);
        return rc;
    }
    gen_set set = {0};
    char err[SRV_ERRLEN];
    if (gen_render(&P.reg, groups, &set, err) != 0) {
        fprintf(stderr, "srvconsole generate: %s\n", err);
        gen_set_free(&set);
        cli_close_project(&P);
        return 1;
    }
    if (check) {
        size_t changed = 0;
        for (size_t i = 0; i < set.n; i++) {
            gen_change st = gen_file_status(P.root, &set.files[i]);
            if (st == GEN_UNCHANGED)
                continue;
            printf("%s %s\n", st == GEN_CREATED ? "missing" : "differs", set.files[i].rel);
            changed++;
        }
        if (!quiet && changed)
            printf("%zu of %zu generated file(s) would change: run srvconsole "
                   "generate\n", changed, set.n);
        else if (!quiet)
            printf("all %zu generated file(s) are up to date\n", set.n);
        gen_set_free(&set);
        cli_close_project(&P);
        return changed ? 1 : 0;
    }
    gen_change *status = util_xcalloc(set.n ? set.n : 1, sizeof *status);
    rc = gen_write(P.root, &set, status, err);
    if (rc != 0) {
        fprintf(stderr, "❌ Error generating configurations: %s\n"
                        "   (nothing was changed: all files are written or none)\n",
                err);
    } else if (!quiet) {
        strbuf report = STRBUF_INIT;
        gen_format_report(&report, P.root, &set, status, groups);
        fputs(report.data, stdout);
        strbuf_free(&report);
    }
    free(status);
    gen_set_free(&set);
    cli_close_project(&P);
    return rc ? 1 : 0;
}

/* src/cmd_demo.c — `srvconsole demo [DIR]`: copy the bundled sample project
 * to DIR (default $TMPDIR/srvconsole-demo), then generate and validate it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/project.h"
#include "core/util.h"
#include "src/commands.h"
#include "src/console.h"

/* The sample project: $SRVCONSOLE_DATADIR/sample, the source tree this
 * binary was built from, or the installed copy under $(pkgdatadir). */
char *cmd_sample_dir(void)
{
    const char *env = getenv("SRVCONSOLE_DATADIR");
    char *cands[3] = {
        env ? util_path_join(env, "sample") : NULL,
        util_xstrdup(SRV_SRCDIR "/share/sample"),
        util_xstrdup(SRV_PKGDATADIR "/sample"),
    };
    char *found = NULL;
    for (int i = 0; i < 3; i++) {
        char *reg = cands[i] ? util_path_join(cands[i], PROJECT_REGISTRY_REL) : NULL;
        if (!found && reg && util_is_file(reg))
            found = cands[i];
        else
            free(cands[i]);
        free(reg);
    }
    return found;
}

int cmd_demo(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "Usage: srvconsole demo [DIR]\n");
        return argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
                   ? 0
                   : EXIT_USAGE;
    }
    char *sample = cmd_sample_dir();
    if (!sample) {
        fprintf(stderr, "srvconsole demo: the bundled sample project is not "
                        "installed (set SRVCONSOLE_DATADIR)\n");
        return EXIT_USAGE;
    }
    const char *tmp = getenv("TMPDIR");
    char *dir = argc == 2 ? util_xstrdup(argv[1])
                          : util_xasprintf("%s/srvconsole-demo", tmp && *tmp ? tmp : "/tmp");
    char *reg = util_path_join(dir, PROJECT_REGISTRY_REL);
    char err[SRV_ERRLEN];
    int rc = 0;
    if (util_exists(reg)) {
        printf("Using the demo project in %s\n", dir);
    } else if (util_copy_tree(sample, dir, err) != 0) {
        fprintf(stderr, "srvconsole demo: %s\n", err);
        rc = EXIT_USAGE;
    } else {
        printf("Copied the sample project to %s\n", dir);
    }
    free(reg);
    free(sample);
    if (rc == 0) {
        char *gen_argv[] = {"generate", "--root", dir, NULL};
        char *val_argv[] = {"validate", "--root", dir, NULL};
        rc = cmd_generate(3, gen_argv);
        if (rc == 0) {
            printf("\n");
            rc = cmd_validate(3, val_argv);
        }
        if (rc == 0 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
            fflush(stdout);
            console_opts o = {.root = dir};
            rc = console_main(&o);
        } else if (rc == 0) {
            printf("Next: srvconsole --root %s   (the console; it needs a terminal)\n", dir);
        }
    }
    free(dir);
    return rc;
}

/* src/main.c — entry point: dispatches to the subcommands. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "src/commands.h"
#include "src/console.h"

static const command commands[] = {
    {"generate", cmd_generate, "write the generated files from the registry"},
    {"validate", cmd_validate, "check the registry and the generated files"},
    {"demo", cmd_demo, "copy the sample project to a folder and open it"},
    {"list", cmd_list, "list the deployment environments and deployments"},
    {"plan", cmd_plan, "show the steps of a deployment in an environment"},
    {"run", cmd_run, "run a deployment in an environment (headless)"},
    {"console", cmd_console, "open the interactive console (the default)"},
    {NULL, NULL, NULL},
};

/* --root given before the command name applies to it. */
static const char *global_root;

const char *cmd_take_root(int *argc, char **argv)
{
    const char *root = global_root;
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--root") == 0 && i + 1 < *argc) {
            root = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--root=", 7) == 0) {
            root = argv[i] + 7;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return root;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: srvconsole [--root DIR] [COMMAND [ARGS...]]\n\nWithout a command: the interactive console.\n\nCommands:\n");
    for (const command *c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\nSee srvconsole(1).\n");
}

int main(int argc, char **argv)
{
    /* the character set only: numbers must keep their C formatting, the
     * generated files depend on it */
    setlocale(LC_CTYPE, "");
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("srvconsole %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    /* global options before the command */
    while (argc > 1 && argv[1][0] == '-') {
        if (!strcmp(argv[1], "--root") && argc > 2) {
            global_root = argv[2];
            argv[2] = argv[0];
            argc -= 2;
            argv += 2;
        } else if (!strncmp(argv[1], "--root=", 7)) {
            global_root = argv[1] + 7;
            argv[1] = argv[0];
            argc -= 1;
            argv += 1;
        } else {
            break;
        }
    }
    if (argc > 1 && !strcmp(argv[1], "--dump-actions"))
        return cmd_dump_actions(argc - 1, argv + 1);
    if (argc == 1 || argv[1][0] == '-') {
        /* no command: the console (options after it are the console's) */
        argv[0] = (char *)"console";
        return cmd_console(argc, argv);
    }
    for (const command *c = commands; c->name; c++)
        if (strcmp(argv[1], c->name) == 0)
            return c->fn(argc - 1, argv + 1);
    fprintf(stderr, "srvconsole: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

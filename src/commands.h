/* src/commands.h — the subcommands.  Each takes the arguments after its own
 * name (argv[0] is the command name) and returns the process exit status.
 * Exit statuses (documented in srvconsole(1)): 0 success, 1 the operation
 * found errors or a step failed, 2 usage or I/O error, 130 interrupted. */
#ifndef SRV_COMMANDS_H
#define SRV_COMMANDS_H

#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command;

int cmd_generate(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_plan(int argc, char **argv);
/* The bundled sample project's folder, or NULL (caller frees). */
char *cmd_sample_dir(void);

/* Parse the common "--root DIR" option out of argv (in place).  Returns the
 * value or NULL. */
const char *cmd_take_root(int *argc, char **argv);

#endif

/* src/console.h — the interactive console: one libuv loop that owns the
 * models (deployments, runner, container states, log stores) and drives the
 * curses ui.  Callbacks only change models and mark views dirty; a frame
 * timer draws at most 30 times a second and only when something changed. */
#ifndef SRV_CONSOLE_H
#define SRV_CONSOLE_H

#include <stdbool.h>

typedef struct {
    const char *root;      /* project root, or NULL: discover / sample */
    bool read_only;        /* the bundled sample: nothing runs without asking */
    const char *config;    /* settings file, NULL: the XDG location */
} console_opts;

/* Run the console until the user quits.  Returns the exit status. */
int console_main(const console_opts *o);

int cmd_console(int argc, char **argv);
/* `srvconsole --dump-actions`: "NAME KEY" for every bound action (tests). */
int cmd_dump_actions(int argc, char **argv);

#endif

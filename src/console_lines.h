/* src/console_lines.h — core/logstore adapted to the ui's ui_lines. */
#ifndef SRV_CONSOLE_LINES_H
#define SRV_CONSOLE_LINES_H

#include <stdbool.h>

#include "core/logstore.h"
#include "ui/ui.h"

typedef struct {
    ui_lines view;       /* hand &view to ui_set_pane_lines / ui_set_logs_lines */
    logstore *store;     /* not owned */
    logstore_regex *re;  /* the search pattern, owned */
    logstore_filter *filter; /* only some sources, owned; NULL: all */
    bool prefixes;       /* show "name | " source prefixes */
    char timebuf[32];
} console_lines;

void console_lines_init(console_lines *cl, logstore *store, bool prefixes);
/* Show only these sources (n 0: all). */
void console_lines_only(console_lines *cl, const int *sources, size_t n);
void console_lines_fini(console_lines *cl);

#endif

/* core/settings.h — the user's configuration file,
 * $XDG_CONFIG_HOME/srvconsole/config.yaml (default ~/.config/...):
 *
 *   keys:                 # action name: key names (see srvconsole(1))
 *     deploy: U F5
 *     teardown: C-d
 *   logs:
 *     pane_bytes: 16MiB   # byte cap of a log pane (default 16 MiB)
 *     source_bytes: 4MiB  # per source (default: pane_bytes / 4)
 *   color: true           # false: no colours (NO_COLOR does the same)
 *
 * A missing file is not an error.  Unknown keys are warnings. */
#ifndef SRV_SETTINGS_H
#define SRV_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"

typedef struct {
    char *action;
    char *keys;
    int line, col;
} settings_binding;

typedef struct {
    char *path;  /* the file read, or NULL when there was none */
    settings_binding *bindings;
    size_t n_bindings;
    size_t pane_bytes;
    size_t source_bytes; /* 0: derived from pane_bytes */
    bool color;
} settings;

/* Defaults, then the file (path NULL: the XDG location).  Problems go to
 * `diags` (errors: the file does not parse or a value is invalid; the
 * defaults stay in force for that value). */
void settings_load(settings *c, const char *path, diag_list *diags);
void settings_free(settings *c);
/* "16MiB", "512k", "1048576" -> bytes; -1 when invalid. */
long long settings_parse_size(const char *s);
/* The default location (caller frees). */
char *settings_default_path(void);

#endif

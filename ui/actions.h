/* ui/actions.h — the action table: every action of the console is declared
 * once here (name, default keys, screens, `:` command, help text).  Key
 * dispatch, the `:` prompt and its completion, the help screen, user key
 * remapping and the screen tests (which send keys by action name) all read
 * this one table. */
#ifndef SRV_UI_ACTIONS_H
#define SRV_UI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    UI_SCR_MAIN = 1 << 0,
    UI_SCR_LOGS = 1 << 1,
    UI_SCR_PICKER = 1 << 2,
    UI_SCR_PLAN = 1 << 3,
    UI_SCR_HELP = 1 << 4,
    UI_SCR_CONFIRM = 1 << 5,
    UI_SCR_CHECKLIST = 1 << 6,
    UI_SCR_INSPECT = 1 << 7,
} ui_screen;

#define UI_SCR_LISTS                                                           \
    (UI_SCR_MAIN | UI_SCR_LOGS | UI_SCR_PICKER | UI_SCR_PLAN | UI_SCR_HELP |  \
     UI_SCR_CHECKLIST | UI_SCR_INSPECT)
#define UI_SCR_ALL ((1 << 8) - 1)

typedef enum {
    UI_A_NONE = 0,
    UI_A_QUIT,
    UI_A_HELP,
    UI_A_BACK,
    UI_A_PROMPT,
    UI_A_UP,
    UI_A_DOWN,
    UI_A_TOP,
    UI_A_BOTTOM,
    UI_A_PGUP,
    UI_A_PGDN,
    UI_A_OPEN,
    UI_A_DEPLOY,
    UI_A_RUN,
    UI_A_TEARDOWN,
    UI_A_RESTART,
    UI_A_CANCEL,
    UI_A_LOGS,
    UI_A_INSPECT,
    UI_A_SEARCH,
    UI_A_NEXT_MATCH,
    UI_A_PREV_MATCH,
    UI_A_FOLLOW,
    UI_A_WRAP,
    UI_A_TIMESTAMPS,
    UI_A_ONLY_MATCHES,
    UI_A_SAVE,
    UI_A_CHECKLIST,
    UI_A_NEXT_ENV,
    UI_A_PREV_ENV,
    UI_A_FOCUS,
    UI_A_CONFIRM,
    UI_A_GENERATE,
    UI_A_VALIDATE,
    UI_A_REFRESH,
    UI_A__COUNT
} ui_action_id;

typedef struct {
    ui_action_id id;
    const char *name;    /* stable identifier: "deploy", "follow" */
    const char *keys;    /* default keys, space-separated key names */
    unsigned screens;    /* where the keys work */
    const char *command; /* `:` command name, NULL if none */
    const char *args;    /* argument synopsis for help, NULL if none */
    const char *help;    /* one line */
} ui_action_def;

/* The table, in help order. */
const ui_action_def *ui_actions(size_t *n);
const ui_action_def *ui_action_get(ui_action_id id);
const ui_action_def *ui_action_by_name(const char *name);
/* Screen name for help headings ("Main", "Logs"...). */
const char *ui_screen_name(ui_screen s);

/* ---- key bindings ------------------------------------------------------------ */

#define UI_MAX_KEYS 4

typedef struct {
    int keys[UI_A__COUNT][UI_MAX_KEYS];
    int nkeys[UI_A__COUNT];
} ui_keymap;

/* The default bindings of the table. */
void ui_keymap_init(ui_keymap *km);
/* Replace the keys of one action ("deploy" -> "U F5").  Fails, naming the
 * conflicting action, when a key is already bound to another action on a
 * screen both share, or when a key name is unknown. */
int ui_keymap_bind(ui_keymap *km, const char *action, const char *keys,
                   char *err, size_t errlen);
/* Action bound to `key` on screen `scr`, UI_A_NONE if none. */
ui_action_id ui_keymap_lookup(const ui_keymap *km, ui_screen scr, int key);
/* "j, Down" */
void ui_keymap_describe(const ui_keymap *km, ui_action_id id, char *buf,
                        size_t n);

/* ---- `:` commands ------------------------------------------------------------ */

typedef struct {
    ui_action_id id;
    int argc;
    char *argv[8]; /* owned; free with ui_command_free */
} ui_command;

/* Parse ":run local s_a_dbs" (leading ':' optional).  A unique prefix of a
 * command name is accepted ("gen" -> generate).  Returns 0, or -1 with a
 * message ("unknown command 'foo'", "ambiguous: deploy, describe"). */
int ui_command_parse(const char *line, ui_command *out, char *err, size_t errlen);
void ui_command_free(ui_command *c);
/* Complete the command word of `line` in place: the longest common prefix of
 * the matching names; returns how many commands match. */
size_t ui_command_complete(char *line, size_t cap);

#endif

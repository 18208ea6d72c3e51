/* ui/ui.h — the curses console: screens, views and key handling.
 *
 * The ui never spawns a process and never parses a file.  src/console.c owns
 * the models (runner, container states, log stores) and the libuv loop; it
 * pushes what the views show through the setters below (which only copy and
 * mark views dirty) and calls ui_draw() from its frame timer (at most 30
 * frames/s, and only when something is dirty).  Keys go through ui_key(),
 * which handles everything that is local to the screen (moving, scrolling,
 * toggles, the prompt's editing) and returns the actions the application
 * must carry out (deploy, run, cancel, quit...). */
#ifndef SRV_UI_H
#define SRV_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/actions.h"
#include "ui/term.h"

typedef struct ui ui;

/* ---- pipeline ---------------------------------------------------------------- */

typedef enum {
    UI_PH_PENDING,
    UI_PH_RUNNING,
    UI_PH_PASSED,
    UI_PH_FAILED,
    UI_PH_SKIPPED,   /* the plan has no step in this phase */
    UI_PH_NOT_RUN,   /* an earlier step failed or the run was cancelled */
    UI_PH_CANCELLED,
} ui_phase_state;

#define UI_NPHASES 4

typedef struct {
    ui_phase_state state;
    int done, total;   /* steps */
    double seconds;    /* duration (finished) or elapsed (running) */
    int exit_status;   /* of the failed step */
} ui_phase_view;

typedef struct {
    bool active;            /* a plan is shown */
    char title[200];        /* "Start All (s_a_dbs_s) · local" */
    char state[24];         /* "running", "passed", "failed", "cancelled" */
    double elapsed;
    ui_phase_view phases[UI_NPHASES]; /* pre-build, build, up (main), post-up */
    char main_label[24];    /* name of the main phase: "up", "down", "apply"... */
    char command[512];      /* the running (or failed) step's command */
    ui_phase_state command_state;
    char step_label[64];    /* "build · step 2/3" for the log pane title */
} ui_pipeline_view;

/* ---- container table ---------------------------------------------------------- */

typedef struct {
    char name[64];
    char state[32];   /* "running", "exited 0", "restarting", ... */
    char health[16];  /* "healthy", "starting", "-" */
    char ports[64];
    char age[16];
    char image[96];
    int restarts;
    term_role role;   /* colour by state */
} ui_row;

/* ---- lines (the log panes read their model through this) ------------------------ */

typedef struct {
    const char *text;
    size_t len;
    const char *source; /* prefix name, or NULL */
    int color;          /* source colour index, -1 none */
    bool is_stderr;
    bool is_marker;     /* "N lines dropped" and similar */
    const char *time;   /* "12:00:01.234" or NULL */
} ui_line;

typedef struct {
    void *ctx;
    size_t (*count)(void *ctx);
    /* line i (0 = oldest retained); false when i is out of range */
    bool (*get)(void *ctx, size_t i, ui_line *out);
    /* search: first index >= from (dir 1) or <= from (dir -1) whose text
     * matches; -1 none.  The regex was compiled with set_pattern. */
    long (*find)(void *ctx, size_t from, int dir);
    /* compile a pattern (extended, case-insensitive when all lower-case);
     * false with a message on a bad regex.  NULL clears it. */
    bool (*set_pattern)(void *ctx, const char *re, char *err, size_t errlen);
    bool (*matches)(void *ctx, size_t i);
    size_t (*match_count)(void *ctx);
    size_t (*dropped)(void *ctx);
} ui_lines;

/* ---- picker and plan ------------------------------------------------------------- */

typedef struct {
    const char *name, *short_name, *description;
    bool read_only; /* changes nothing: runs without a confirm */
} ui_pick;

/* ---- checklist -------------------------------------------------------------------- */

typedef enum {
    UI_CHECK_PENDING,
    UI_CHECK_RUNNING,
    UI_CHECK_OK,
    UI_CHECK_WARN,
    UI_CHECK_FAIL,
    UI_CHECK_SKIPPED,
} ui_check_state;

typedef struct {
    const char *title;
    ui_check_state state;
    const char *detail; /* one line of what was found */
    const char *fix;    /* what to do about it */
} ui_check;

/* ---- events for the application ----------------------------------------------------- */

typedef struct {
    ui_action_id action;
    int argc;           /* from a `:` command or the picker */
    char *argv[8];      /* owned by the ui until the next ui_key() */
    long row;           /* selected table row, -1 none */
} ui_event;

typedef struct {
    const char *project;    /* "srvthreds" */
    const char *root;       /* shown abbreviated */
    const char *compose;    /* "compose v2.29", "docker-compose v1.29" */
    const char *engine;     /* "docker 28.2", "docker: not running" */
    bool read_only;         /* the bundled sample opened read-only */
} ui_header;

ui *ui_new(const ui_keymap *km);
void ui_free(ui *u);
/* Open the terminal; -1 with a message when it is not possible. */
int ui_start(ui *u, char *err, size_t errlen);
void ui_stop(ui *u);
void ui_resized(ui *u);
bool ui_dirty(const ui *u);
void ui_draw(ui *u);
/* The next pending key (the terminal is in nodelay mode), KEYS_NONE (-1)
 * when none is pending. */
int ui_read_key(ui *u);
/* Handle one key.  Returns true when `ev` holds an action for the
 * application. */
bool ui_key(ui *u, int key, ui_event *ev);

void ui_set_header(ui *u, const ui_header *h);
void ui_set_pipeline(ui *u, const ui_pipeline_view *p);
void ui_set_rows(ui *u, const ui_row *rows, size_t n, const char *summary);
/* The main log pane and the full-screen logs (titles shown above them).
 * `lines` must stay valid until replaced; ui_lines_changed() marks them
 * dirty (new lines: a following pane scrolls). */
void ui_set_pane_lines(ui *u, const ui_lines *lines, const char *title);
void ui_set_logs_lines(ui *u, const ui_lines *lines, const char *title);
void ui_lines_changed(ui *u);
void ui_set_picker(ui *u, const char *const *envs, size_t n_envs, size_t env_sel,
                   const ui_pick *picks, size_t n_picks);
/* The plan screen: text lines of the resolved plan. */
void ui_show_plan(ui *u, const char *title, const char *const *lines, size_t n,
                  bool runnable);
/* A confirm dialog: title, what runs, warnings ("-v removes ..."). */
void ui_confirm(ui *u, const char *title, const char *const *lines, size_t n,
                const char *const *warnings, size_t n_warn, ui_action_id on_yes);
void ui_set_checklist(ui *u, const ui_check *checks, size_t n);
void ui_show_inspect(ui *u, const char *title, const char *const *lines, size_t n);
/* Bottom line message (an error or a result); cleared by the next key. */
void ui_message(ui *u, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Screens: the application opens them in answer to events. */
void ui_open(ui *u, ui_screen s);
ui_screen ui_current(const ui *u);
void ui_back(ui *u);
/* Follow state of the logs screen / pane, for tests and the title. */
bool ui_following(const ui *u);

#endif

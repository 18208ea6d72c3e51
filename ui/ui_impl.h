/* ui/ui_impl.h — the ui's private state, shared by ui.c (state and keys)
 * and views.c (drawing).  Not for use outside ui/. */
#ifndef SRV_UI_IMPL_H
#define SRV_UI_IMPL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/ui.h"

#define UI_STACK 8
#define UI_HIST 32
#define UI_PROMPT_MAX 256

typedef struct {
    char name[96], short_name[48], description[160];
    bool read_only;
} ui_pick_copy;

typedef struct {
    char title[96], detail[256], fix[256];
    ui_check_state state;
} ui_check_copy;

/* A scrollable list position. */
typedef struct {
    size_t sel, top;
} ui_pos;

/* A log view's state (the main pane and the logs screen each have one). */
typedef struct {
    ui_lines src;
    bool has;
    char title[256];
    bool follow;
    size_t top;        /* first line shown when not following */
    bool wrap, times, only_matches;
    char pattern[UI_PROMPT_MAX];
    long cur_match;    /* line index of the current match, -1 */
} ui_logview;

struct ui {
    ui_keymap km;
    term_info ti;
    bool started, dirty;
    ui_screen stack[UI_STACK];
    int depth;

    /* header */
    char h_project[96], h_root[256], h_compose[64], h_engine[96];
    bool h_read_only;

    ui_pipeline_view pipe;

    /* container table */
    ui_row *rows;
    size_t nrows;
    char summary[160];
    ui_pos tpos;
    bool focus_pane; /* main screen: keys scroll the log pane */
    regex_t row_re;
    bool row_re_set;
    char row_filter[UI_PROMPT_MAX];

    ui_logview pane, logs;

    /* picker */
    char **envs;
    size_t n_envs, env_sel;
    ui_pick_copy *picks;
    size_t n_picks;
    ui_pos ppos;
    regex_t pick_re;
    bool pick_re_set;
    char pick_filter[UI_PROMPT_MAX];

    /* plan / inspect / confirm text screens */
    char plan_title[200];
    char **plan_lines;
    size_t n_plan;
    bool plan_runnable;
    ui_pos plpos;
    char insp_title[200];
    char **insp_lines;
    size_t n_insp;
    ui_pos ipos;
    char conf_title[200];
    char **conf_lines;
    size_t n_conf;
    char **conf_warn;
    size_t n_conf_warn;
    ui_action_id conf_action;

    /* checklist */
    ui_check_copy *checks;
    size_t n_checks;
    ui_pos cpos;

    /* help */
    ui_pos hpos;
    regex_t help_re;
    bool help_re_set;

    /* prompt */
    bool prompting;
    char prompt_kind; /* ':' or '/' */
    char pbuf[UI_PROMPT_MAX];
    size_t pcur;
    char *hist[UI_HIST];
    size_t n_hist, hist_pos;

    /* message line */
    char msg[256];
    bool msg_error;

    /* event argument storage */
    char *ev_args[8];
    int ev_argc;
};

/* views.c */
void ui_draw_screen(ui *u);
/* Row counts the key handler needs (depend on the layout). */
int ui_page_rows(const ui *u, ui_screen s);
/* Visible (filtered) indexes of the table / picker. */
size_t ui_visible_rows(ui *u, size_t *map, size_t cap);
size_t ui_visible_picks(ui *u, size_t *map, size_t cap);
/* Lines of the help screen (built from the action table). */
size_t ui_help_lines(ui *u, char ***out);
void ui_free_lines(char **lines, size_t n);

#endif

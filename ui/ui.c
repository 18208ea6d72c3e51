/* ui/ui.c — the ui's state, setters and key handling (drawing is in
 * views.c).  See ui.h. */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/keys.h"
#include "ui/ui_impl.h"

static char *xstrdup(const char *s)
{
    char *p = strdup(s ? s : "");
    if (!p)
        abort();
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

void ui_free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

static char **dup_lines(const char *const *lines, size_t n)
{
    char **out = xcalloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(lines[i]);
    return out;
}

ui *ui_new(const ui_keymap *km)
{
    ui *u = xcalloc(1, sizeof *u);
    if (km)
        u->km = *km;
    else
        ui_keymap_init(&u->km);
    u->stack[0] = UI_SCR_MAIN;
    u->depth = 1;
    u->pane.follow = u->logs.follow = true;
    u->pane.cur_match = u->logs.cur_match = -1;
    u->dirty = true;
    return u;
}

static void free_event_args(ui *u)
{
    for (int i = 0; i < u->ev_argc; i++)
        free(u->ev_args[i]);
    u->ev_argc = 0;
}

void ui_free(ui *u)
{
    if (!u)
        return;
    ui_stop(u);
    free(u->rows);
    for (size_t i = 0; i < u->n_envs; i++)
        free(u->envs[i]);
    free(u->envs);
    free(u->picks);
    ui_free_lines(u->plan_lines, u->n_plan);
    ui_free_lines(u->insp_lines, u->n_insp);
    ui_free_lines(u->conf_lines, u->n_conf);
    ui_free_lines(u->conf_warn, u->n_conf_warn);
    free(u->checks);
    for (size_t i = 0; i < u->n_hist; i++)
        free(u->hist[i]);
    if (u->row_re_set)
        regfree(&u->row_re);
    if (u->pick_re_set)
        regfree(&u->pick_re);
    if (u->help_re_set)
        regfree(&u->help_re);
    free_event_args(u);
    free(u);
}

int ui_start(ui *u, char *err, size_t errlen)
{
    if (term_open(&u->ti, err, errlen) != 0)
        return -1;
    u->started = true;
    u->dirty = true;
    return 0;
}

void ui_stop(ui *u)
{
    if (u->started) {
        term_close();
        u->started = false;
    }
}

void ui_resized(ui *u)
{
    if (!u->started)
        return;
    term_refresh_size(&u->ti);
    clearok(curscr, TRUE);
    u->dirty = true;
}

bool ui_dirty(const ui *u)
{
    return u->dirty;
}

void ui_draw(ui *u)
{
    if (!u->started || !u->dirty)
        return;
    u->dirty = false;
    ui_draw_screen(u);
}

ui_screen ui_current(const ui *u)
{
    return u->stack[u->depth - 1];
}

void ui_open(ui *u, ui_screen s)
{
    if (ui_current(u) == s)
        return;
    if (u->depth < UI_STACK)
        u->stack[u->depth++] = s;
    else
        u->stack[u->depth - 1] = s;
    u->dirty = true;
}

void ui_back(ui *u)
{
    if (u->depth > 1)
        u->depth--;
    u->dirty = true;
}

bool ui_following(const ui *u)
{
    return ui_current(u) == UI_SCR_LOGS ? u->logs.follow : u->pane.follow;
}

/* ---- setters ---------------------------------------------------------------------- */

void ui_set_header(ui *u, const ui_header *h)
{
    copy(u->h_project, sizeof u->h_project, h->project);
    copy(u->h_root, sizeof u->h_root, h->root);
    copy(u->h_compose, sizeof u->h_compose, h->compose);
    copy(u->h_engine, sizeof u->h_engine, h->engine);
    u->h_read_only = h->read_only;
    u->dirty = true;
}

void ui_set_pipeline(ui *u, const ui_pipeline_view *p)
{
    if (memcmp(&u->pipe, p, sizeof *p) != 0) {
        u->pipe = *p;
        u->dirty = true;
    }
}

void ui_set_rows(ui *u, const ui_row *rows, size_t n, const char *summary)
{
    free(u->rows);
    u->rows = xcalloc(n, sizeof *rows);
    if (n)
        memcpy(u->rows, rows, n * sizeof *rows);
    u->nrows = n;
    copy(u->summary, sizeof u->summary, summary);
    if (u->tpos.sel >= n)
        u->tpos.sel = n ? n - 1 : 0;
    u->dirty = true;
}

void ui_set_pane_lines(ui *u, const ui_lines *lines, const char *title)
{
    if (lines) {
        u->pane.src = *lines;
        u->pane.has = true;
    } else {
        u->pane.has = false;
    }
    copy(u->pane.title, sizeof u->pane.title, title);
    u->pane.follow = true;
    u->dirty = true;
}

void ui_set_logs_lines(ui *u, const ui_lines *lines, const char *title)
{
    if (lines) {
        u->logs.src = *lines;
        u->logs.has = true;
    } else {
        u->logs.has = false;
    }
    copy(u->logs.title, sizeof u->logs.title, title);
    u->logs.follow = true;
    u->logs.cur_match = -1;
    u->logs.pattern[0] = '\0';
    u->logs.only_matches = false;
    u->dirty = true;
}

void ui_lines_changed(ui *u)
{
    u->dirty = true;
}

void ui_set_picker(ui *u, const char *const *envs, size_t n_envs, size_t env_sel,
                   const ui_pick *picks, size_t n_picks)
{
    for (size_t i = 0; i < u->n_envs; i++)
        free(u->envs[i]);
    free(u->envs);
    u->envs = (char **)dup_lines(envs, n_envs);
    u->n_envs = n_envs;
    u->env_sel = env_sel < n_envs ? env_sel : 0;
    free(u->picks);
    u->picks = xcalloc(n_picks, sizeof *u->picks);
    for (size_t i = 0; i < n_picks; i++) {
        copy(u->picks[i].name, sizeof u->picks[i].name, picks[i].name);
        copy(u->picks[i].short_name, sizeof u->picks[i].short_name, picks[i].short_name);
        copy(u->picks[i].description, sizeof u->picks[i].description,
             picks[i].description);
        u->picks[i].read_only = picks[i].read_only;
    }
    u->n_picks = n_picks;
    u->ppos.sel = u->ppos.top = 0;
    u->dirty = true;
}

void ui_show_plan(ui *u, const char *title, const char *const *lines, size_t n,
                  bool runnable)
{
    ui_free_lines(u->plan_lines, u->n_plan);
    u->plan_lines = dup_lines(lines, n);
    u->n_plan = n;
    copy(u->plan_title, sizeof u->plan_title, title);
    u->plan_runnable = runnable;
    u->plpos.sel = u->plpos.top = 0;
    ui_open(u, UI_SCR_PLAN);
}

void ui_confirm(ui *u, const char *title, const char *const *lines, size_t n,
                const char *const *warnings, size_t n_warn, ui_action_id on_yes)
{
    ui_free_lines(u->conf_lines, u->n_conf);
    ui_free_lines(u->conf_warn, u->n_conf_warn);
    u->conf_lines = dup_lines(lines, n);
    u->n_conf = n;
    u->conf_warn = dup_lines(warnings, n_warn);
    u->n_conf_warn = n_warn;
    copy(u->conf_title, sizeof u->conf_title, title);
    u->conf_action = on_yes;
    ui_open(u, UI_SCR_CONFIRM);
}

void ui_set_checklist(ui *u, const ui_check *checks, size_t n)
{
    free(u->checks);
    u->checks = xcalloc(n, sizeof *u->checks);
    for (size_t i = 0; i < n; i++) {
        copy(u->checks[i].title, sizeof u->checks[i].title, checks[i].title);
        copy(u->checks[i].detail, sizeof u->checks[i].detail, checks[i].detail);
        copy(u->checks[i].fix, sizeof u->checks[i].fix, checks[i].fix);
        u->checks[i].state = checks[i].state;
    }
    u->n_checks = n;
    if (u->cpos.sel >= n)
        u->cpos.sel = 0;
    u->dirty = true;
}

void ui_show_inspect(ui *u, const char *title, const char *const *lines, size_t n)
{
    ui_free_lines(u->insp_lines, u->n_insp);
    u->insp_lines = dup_lines(lines, n);
    u->n_insp = n;
    copy(u->insp_title, sizeof u->insp_title, title);
    u->ipos.sel = u->ipos.top = 0;
    ui_open(u, UI_SCR_INSPECT);
}

void ui_message(ui *u, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->msg, sizeof u->msg, fmt, ap);
    va_end(ap);
    u->msg_error = error;
    u->dirty = true;
}

/* ---- moving in lists ------------------------------------------------------------------ */

static void move_pos(ui_pos *p, size_t n, ui_action_id a, int page)
{
    if (n == 0) {
        p->sel = p->top = 0;
        return;
    }
    size_t pg = page > 1 ? (size_t)page - 1 : 1;
    switch (a) {
    case UI_A_UP:
        if (p->sel > 0)
            p->sel--;
        break;
    case UI_A_DOWN:
        if (p->sel + 1 < n)
            p->sel++;
        break;
    case UI_A_TOP:
        p->sel = 0;
        break;
    case UI_A_BOTTOM:
        p->sel = n - 1;
        break;
    case UI_A_PGUP:
        p->sel = p->sel > pg ? p->sel - pg : 0;
        break;
    case UI_A_PGDN:
        p->sel = p->sel + pg < n ? p->sel + pg : n - 1;
        break;
    default:
        break;
    }
}

static bool is_move(ui_action_id a)
{
    return a == UI_A_UP || a == UI_A_DOWN || a == UI_A_TOP || a == UI_A_BOTTOM ||
           a == UI_A_PGUP || a == UI_A_PGDN;
}

/* Scroll a log view (not a selection: `top` is the first line shown). */
static void move_log(ui_logview *lv, ui_action_id a, int page)
{
    size_t n = lv->has ? lv->src.count(lv->src.ctx) : 0;
    size_t rows = page > 1 ? (size_t)page : 1;
    size_t max_top = n > rows ? n - rows : 0;
    if (lv->follow) {
        lv->top = max_top;
        if (a == UI_A_DOWN || a == UI_A_PGDN || a == UI_A_BOTTOM)
            return; /* already at the bottom */
        lv->follow = false;
    }
    switch (a) {
    case UI_A_UP:
        if (lv->top > 0)
            lv->top--;
        break;
    case UI_A_DOWN:
        if (lv->top < max_top)
            lv->top++;
        break;
    case UI_A_PGUP:
        lv->top = lv->top > rows ? lv->top - rows : 0;
        break;
    case UI_A_PGDN:
        lv->top = lv->top + rows < max_top ? lv->top + rows : max_top;
        break;
    case UI_A_TOP:
        lv->top = 0;
        break;
    case UI_A_BOTTOM:
        lv->follow = true; /* G resumes following at the bottom */
        break;
    default:
        break;
    }
}

/* ---- the prompt ------------------------------------------------------------------------ */

static void prompt_open(ui *u, char kind)
{
    u->prompting = true;
    u->prompt_kind = kind;
    u->pbuf[0] = '\0';
    u->pcur = 0;
    u->hist_pos = u->n_hist;
    u->dirty = true;
}

static void hist_add(ui *u, const char *line)
{
    if (!*line)
        return;
    if (u->n_hist && !strcmp(u->hist[u->n_hist - 1], line))
        return;
    if (u->n_hist == UI_HIST) {
        free(u->hist[0]);
        memmove(u->hist, u->hist + 1, (UI_HIST - 1) * sizeof *u->hist);
        u->n_hist--;
    }
    u->hist[u->n_hist++] = xstrdup(line);
}

static bool set_filter(regex_t *re, bool *set, const char *pat, char *err, size_t n)
{
    if (*set) {
        regfree(re);
        *set = false;
    }
    if (!pat || !*pat)
        return true;
    int rc = regcomp(re, pat, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc != 0) {
        regerror(rc, re, err, n);
        regfree(re);
        return false;
    }
    *set = true;
    return true;
}

/* The search or filter the '/' prompt submitted, for the current screen. */
static void apply_search(ui *u, const char *pat)
{
    char err[160] = "";
    ui_screen s = ui_current(u);
    if (s == UI_SCR_LOGS || (s == UI_SCR_MAIN && u->focus_pane)) {
        ui_logview *lv = s == UI_SCR_LOGS ? &u->logs : &u->pane;
        if (!lv->has || !lv->src.set_pattern)
            return;
        if (!lv->src.set_pattern(lv->src.ctx, *pat ? pat : NULL, err, sizeof err)) {
            ui_message(u, true, "bad regex: %s", err);
            return;
        }
        copy(lv->pattern, sizeof lv->pattern, pat);
        lv->cur_match = -1;
        if (*pat) {
            size_t n = lv->src.count(lv->src.ctx);
            long m = n ? lv->src.find(lv->src.ctx, n - 1, -1) : -1;
            if (m < 0) {
                ui_message(u, true, "no match for /%s/", pat);
            } else {
                lv->cur_match = m;
                lv->follow = false;
                lv->top = (size_t)m;
            }
        }
        return;
    }
    bool ok = true;
    if (s == UI_SCR_MAIN) {
        ok = set_filter(&u->row_re, &u->row_re_set, pat, err, sizeof err);
        copy(u->row_filter, sizeof u->row_filter, ok ? pat : "");
        u->tpos.sel = u->tpos.top = 0;
    } else if (s == UI_SCR_PICKER) {
        ok = set_filter(&u->pick_re, &u->pick_re_set, pat, err, sizeof err);
        copy(u->pick_filter, sizeof u->pick_filter, ok ? pat : "");
        u->ppos.sel = u->ppos.top = 0;
    } else if (s == UI_SCR_HELP) {
        ok = set_filter(&u->help_re, &u->help_re_set, pat, err, sizeof err);
        u->hpos.sel = u->hpos.top = 0;
    }
    if (!ok)
        ui_message(u, true, "bad regex: %s", err);
}

static void next_match(ui *u, int dir)
{
    ui_logview *lv = &u->logs;
    if (!lv->has || !lv->pattern[0] || !lv->src.find) {
        ui_message(u, true, "no search: / starts one");
        return;
    }
    size_t n = lv->src.count(lv->src.ctx);
    if (n == 0)
        return;
    size_t from;
    if (lv->cur_match < 0)
        from = dir > 0 ? 0 : n - 1;
    else if (dir > 0)
        from = (size_t)lv->cur_match + 1;
    else
        from = lv->cur_match > 0 ? (size_t)lv->cur_match - 1 : 0;
    long m = -1;
    if (!(dir < 0 && lv->cur_match == 0) && from < n)
        m = lv->src.find(lv->src.ctx, from, dir);
    if (m < 0) { /* wrap around */
        m = lv->src.find(lv->src.ctx, dir > 0 ? 0 : n - 1, dir);
        if (m >= 0)
            ui_message(u, false, "search wrapped");
    }
    if (m < 0) {
        ui_message(u, true, "no match for /%s/", lv->pattern);
        return;
    }
    lv->cur_match = m;
    lv->follow = false;
    int page = ui_page_rows(u, UI_SCR_LOGS);
    lv->top = (size_t)m > (size_t)page / 2 ? (size_t)m - (size_t)page / 2 : 0;
}

static bool prompt_key(ui *u, int key, ui_event *ev)
{
    size_t len = strlen(u->pbuf);
    key = keys_normalize(key);
    switch (key) {
    case 27: /* Esc */
        u->prompting = false;
        break;
    case '\r': {
        u->prompting = false;
        char line[UI_PROMPT_MAX];
        copy(line, sizeof line, u->pbuf);
        hist_add(u, line);
        if (u->prompt_kind == '/') {
            apply_search(u, line);
            break;
        }
        if (!line[0])
            break;
        ui_command c;
        char err[160];
        if (ui_command_parse(line, &c, err, sizeof err) != 0) {
            ui_message(u, true, "%s", err);
            break;
        }
        ev->action = c.id;
        for (int i = 0; i < c.argc; i++) {
            u->ev_args[u->ev_argc++] = c.argv[i];
            ev->argv[i] = c.argv[i];
        }
        ev->argc = c.argc;
        c.argc = 0;
        u->dirty = true;
        return true;
    }
    case 127: /* Backspace */
        if (u->pcur > 0) {
            memmove(u->pbuf + u->pcur - 1, u->pbuf + u->pcur, len - u->pcur + 1);
            u->pcur--;
        } else if (len == 0) {
            u->prompting = false;
        }
        break;
    case KEY_DC:
        if (u->pcur < len)
            memmove(u->pbuf + u->pcur, u->pbuf + u->pcur + 1, len - u->pcur);
        break;
    case KEY_LEFT:
        if (u->pcur > 0)
            u->pcur--;
        break;
    case KEY_RIGHT:
        if (u->pcur < len)
            u->pcur++;
        break;
    case KEY_HOME:
    case 1: /* C-a */
        u->pcur = 0;
        break;
    case KEY_END:
    case 5: /* C-e */
        u->pcur = len;
        break;
    case 21: /* C-u */
        u->pbuf[0] = '\0';
        u->pcur = 0;
        break;
    case KEY_UP:
        if (u->hist_pos > 0) {
            u->hist_pos--;
            copy(u->pbuf, sizeof u->pbuf, u->hist[u->hist_pos]);
            u->pcur = strlen(u->pbuf);
        }
        break;
    case KEY_DOWN:
        if (u->hist_pos < u->n_hist) {
            u->hist_pos++;
            copy(u->pbuf, sizeof u->pbuf,
                 u->hist_pos < u->n_hist ? u->hist[u->hist_pos] : "");
            u->pcur = strlen(u->pbuf);
        }
        break;
    case '\t':
        if (u->prompt_kind == ':') {
            size_t n = ui_command_complete(u->pbuf, sizeof u->pbuf);
            u->pcur = strlen(u->pbuf);
            if (n == 0)
                ui_message(u, true, "no command starts with '%s'", u->pbuf);
        }
        break;
    default:
        if (key >= 32 && key < 256 && key != 127 && len + 1 < sizeof u->pbuf) {
            memmove(u->pbuf + u->pcur + 1, u->pbuf + u->pcur, len - u->pcur + 1);
            u->pbuf[u->pcur++] = (char)key;
        }
        break;
    }
    u->dirty = true;
    return false;
}

/* ---- keys --------------------------------------------------------------------------------- */

static size_t list_len(ui *u, ui_screen s)
{
    size_t map[1];
    switch (s) {
    case UI_SCR_MAIN:
        return ui_visible_rows(u, map, 0);
    case UI_SCR_PICKER:
        return ui_visible_picks(u, map, 0);
    case UI_SCR_PLAN:
        return u->n_plan;
    case UI_SCR_INSPECT:
        return u->n_insp;
    case UI_SCR_CHECKLIST:
        return u->n_checks;
    case UI_SCR_HELP: {
        char **lines;
        size_t n = ui_help_lines(u, &lines);
        ui_free_lines(lines, n);
        return n;
    }
    default:
        return 0;
    }
}

static ui_pos *list_pos(ui *u, ui_screen s)
{
    switch (s) {
    case UI_SCR_MAIN:
        return &u->tpos;
    case UI_SCR_PICKER:
        return &u->ppos;
    case UI_SCR_PLAN:
        return &u->plpos;
    case UI_SCR_INSPECT:
        return &u->ipos;
    case UI_SCR_CHECKLIST:
        return &u->cpos;
    case UI_SCR_HELP:
        return &u->hpos;
    default:
        return NULL;
    }
}

static long selected_row(ui *u)
{
    size_t map[4096];
    size_t n = ui_visible_rows(u, map, 4096);
    if (n == 0 || u->tpos.sel >= n || u->tpos.sel >= 4096)
        return -1;
    return (long)map[u->tpos.sel];
}

static long selected_pick(ui *u)
{
    size_t map[4096];
    size_t n = ui_visible_picks(u, map, 4096);
    if (n == 0 || u->ppos.sel >= n || u->ppos.sel >= 4096)
        return -1;
    return (long)map[u->ppos.sel];
}

static bool emit(ui *u, ui_event *ev, ui_action_id a)
{
    ev->action = a;
    ev->row = selected_row(u);
    u->dirty = true;
    return true;
}

int ui_read_key(ui *u)
{
    if (!u->started)
        return -1;
    int k = getch();
    return k == ERR ? -1 : k;
}

bool ui_key(ui *u, int key, ui_event *ev)
{
    free_event_args(u);
    memset(ev, 0, sizeof *ev);
    ev->row = -1;
    if (key == ERR)
        return false;
    if (key == KEY_RESIZE) {
        ui_resized(u);
        return false;
    }
    if (u->msg[0]) {
        u->msg[0] = '\0';
        u->dirty = true;
    }
    if (u->prompting)
        return prompt_key(u, key, ev);
    if (key == 3) /* Ctrl-C: quit from anywhere (children are stopped first) */
        return emit(u, ev, UI_A_QUIT);
    ui_screen s = ui_current(u);
    ui_action_id a = ui_keymap_lookup(&u->km, s, key);
    if (a == UI_A_NONE) {
        char name[16];
        if (s != UI_SCR_CONFIRM)
            ui_message(u, false, "%s: no action here (? shows the keys)",
                       keys_name(key, name, sizeof name));
        return false;
    }
    if (s == UI_SCR_CONFIRM) {
        if (a == UI_A_CONFIRM) {
            ui_back(u);
            return emit(u, ev, u->conf_action);
        }
        ui_back(u);
        ui_message(u, false, "cancelled");
        return false;
    }
    if (is_move(a)) {
        if (s == UI_SCR_LOGS) {
            move_log(&u->logs, a, ui_page_rows(u, s));
        } else if (s == UI_SCR_MAIN && u->focus_pane) {
            move_log(&u->pane, a, ui_page_rows(u, UI_SCR_MAIN));
        } else {
            ui_pos *p = list_pos(u, s);
            if (p)
                move_pos(p, list_len(u, s), a, ui_page_rows(u, s));
        }
        u->dirty = true;
        return false;
    }
    switch (a) {
    case UI_A_HELP:
        ui_open(u, UI_SCR_HELP);
        return false;
    case UI_A_BACK:
        if (s == UI_SCR_LOGS && u->logs.pattern[0] && u->logs.only_matches) {
            u->logs.only_matches = false; /* Esc first leaves "only matches" */
            u->dirty = true;
            return false;
        }
        ui_back(u);
        return false;
    case UI_A_PROMPT:
        prompt_open(u, ':');
        return false;
    case UI_A_SEARCH:
        prompt_open(u, '/');
        return false;
    case UI_A_FOCUS:
        u->focus_pane = !u->focus_pane;
        u->dirty = true;
        return false;
    case UI_A_FOLLOW: {
        ui_logview *lv = s == UI_SCR_LOGS ? &u->logs : &u->pane;
        lv->follow = !lv->follow;
        if (!lv->follow) {
            size_t n = lv->has ? lv->src.count(lv->src.ctx) : 0;
            int page = ui_page_rows(u, s);
            lv->top = n > (size_t)page ? n - (size_t)page : 0;
        }
        u->dirty = true;
        return false;
    }
    case UI_A_WRAP:
        u->logs.wrap = !u->logs.wrap;
        u->dirty = true;
        return false;
    case UI_A_TIMESTAMPS:
        u->logs.times = !u->logs.times;
        u->dirty = true;
        return false;
    case UI_A_ONLY_MATCHES:
        if (!u->logs.pattern[0]) {
            ui_message(u, true, "no search: / starts one");
            return false;
        }
        u->logs.only_matches = !u->logs.only_matches;
        u->dirty = true;
        return false;
    case UI_A_NEXT_MATCH:
        next_match(u, 1);
        u->dirty = true;
        return false;
    case UI_A_PREV_MATCH:
        next_match(u, -1);
        u->dirty = true;
        return false;
    case UI_A_NEXT_ENV:
    case UI_A_PREV_ENV:
        if (u->n_envs == 0)
            return false;
        u->env_sel = a == UI_A_NEXT_ENV ? (u->env_sel + 1) % u->n_envs
                                         : (u->env_sel + u->n_envs - 1) % u->n_envs;
        u->ev_args[0] = xstrdup(u->envs[u->env_sel]);
        u->ev_argc = 1;
        ev->argv[0] = u->ev_args[0];
        ev->argc = 1;
        return emit(u, ev, a);
    case UI_A_OPEN:
        if (s == UI_SCR_PICKER) {
            long p = selected_pick(u);
            if (p < 0 || u->n_envs == 0)
                return false;
            u->ev_args[0] = xstrdup(u->envs[u->env_sel]);
            u->ev_args[1] = xstrdup(u->picks[p].name);
            u->ev_argc = 2;
            ev->argv[0] = u->ev_args[0];
            ev->argv[1] = u->ev_args[1];
            ev->argc = 2;
            return emit(u, ev, UI_A_OPEN);
        }
        if (s == UI_SCR_PLAN)
            return u->plan_runnable ? emit(u, ev, UI_A_RUN) : false;
        if (s == UI_SCR_MAIN)
            return emit(u, ev, UI_A_LOGS);
        return emit(u, ev, UI_A_OPEN);
    default:
        return emit(u, ev, a);
    }
}

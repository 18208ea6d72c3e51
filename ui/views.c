/* ui/views.c — drawing the screens: main (header, pipeline, container
 * table, log pane), logs, picker, plan, confirm, checklist, inspect, help.
 * Only visible rows are drawn; the caller draws only when something is dirty
 * and calls doupdate() once per frame (here, at the end of ui_draw_screen). */
#include "config.h"

#include <curses.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/ui_impl.h"

#define MIN_COLS 80
#define MIN_ROWS 24

static int A(term_role r) { return term_attr(r); }

/* ---- layout of the main screen ----------------------------------------------------- */

typedef struct {
    int pipe_y, pipe_h;
    int table_y, table_h; /* title + header + rows */
    int pane_y, pane_h;   /* rule + lines */
    int footer_y;
} main_layout;

static main_layout layout_main(const ui *u)
{
    main_layout L;
    int H = u->ti.rows;
    L.footer_y = H - 1;
    L.pipe_y = 1;
    L.pipe_h = u->pipe.active ? 4 : 1;
    L.table_y = L.pipe_y + L.pipe_h;
    int avail = L.footer_y - L.table_y;
    int want = (int)u->nrows + 2;
    if (want < 3)
        want = 3;
    int cap = avail / 2;
    if (cap < 3)
        cap = 3;
    L.table_h = want < cap ? want : cap;
    L.pane_y = L.table_y + L.table_h;
    L.pane_h = L.footer_y - L.pane_y;
    return L;
}

int ui_page_rows(const ui *u, ui_screen s)
{
    int H = u->ti.rows;
    switch (s) {
    case UI_SCR_MAIN: {
        main_layout L = layout_main(u);
        return u->focus_pane ? L.pane_h - 1 : L.table_h - 2;
    }
    case UI_SCR_LOGS:
        return H - 2;
    case UI_SCR_PICKER:
        return H - 8;
    default:
        return H - 3;
    }
}

/* ---- filters --------------------------------------------------------------------------- */

size_t ui_visible_rows(ui *u, size_t *map, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < u->nrows; i++) {
        if (u->row_re_set && regexec(&u->row_re, u->rows[i].name, 0, NULL, 0) != 0 &&
            regexec(&u->row_re, u->rows[i].state, 0, NULL, 0) != 0)
            continue;
        if (n < cap)
            map[n] = i;
        n++;
    }
    return n;
}

size_t ui_visible_picks(ui *u, size_t *map, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < u->n_picks; i++) {
        const ui_pick_copy *p = &u->picks[i];
        if (u->pick_re_set && regexec(&u->pick_re, p->name, 0, NULL, 0) != 0 &&
            regexec(&u->pick_re, p->short_name, 0, NULL, 0) != 0 &&
            regexec(&u->pick_re, p->description, 0, NULL, 0) != 0)
            continue;
        if (n < cap)
            map[n] = i;
        n++;
    }
    return n;
}

/* Keep the selection visible. */
static void scroll_into_view(ui_pos *p, size_t n, int rows)
{
    if (rows < 1)
        rows = 1;
    if (p->sel >= n)
        p->sel = n ? n - 1 : 0;
    if (p->sel < p->top)
        p->top = p->sel;
    if (p->sel >= p->top + (size_t)rows)
        p->top = p->sel - (size_t)rows + 1;
    if (p->top + (size_t)rows > n)
        p->top = n > (size_t)rows ? n - (size_t)rows : 0;
}

/* ---- common pieces ----------------------------------------------------------------------- */

static void draw_header(ui *u)
{
    int W = u->ti.cols;
    draw_fill(0, 0, W, A(TH_NORMAL));
    char h[512];
    snprintf(h, sizeof h, " srvconsole · %s (%s)%s%s%s%s%s",
             u->h_project[0] ? u->h_project : "no project", u->h_root,
             u->h_compose[0] ? " · " : "", u->h_compose,
             u->h_engine[0] ? " · " : "", u->h_engine,
             u->h_read_only ? " · read-only sample" : "");
    draw_text(0, 0, W - 8, h, strlen(h), A(TH_TITLE));
    draw_right(0, W - 1, "? help", A(TH_KEY));
}

static void key_hint(ui *u, char *buf, size_t n, ui_action_id id, const char *label)
{
    if (u->km.nkeys[id] == 0)
        return;
    char k[16];
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, " %s %s ", keys_name(u->km.keys[id][0], k, sizeof k), label);
}

static void draw_footer(ui *u, int y, ui_screen s)
{
    int W = u->ti.cols;
    draw_fill(y, 0, W, A(TH_NORMAL));
    if (u->prompting) {
        char p[UI_PROMPT_MAX + 4];
        snprintf(p, sizeof p, "%c%s", u->prompt_kind, u->pbuf);
        draw_text(y, 0, W, p, strlen(p), A(TH_NORMAL));
        curs_set(1);
        leaveok(stdscr, FALSE);
        int cx = 1 + draw_width(u->pbuf, u->pcur);
        move(y, cx < W ? cx : W - 1);
        return;
    }
    curs_set(0);
    leaveok(stdscr, TRUE);
    if (u->msg[0]) {
        const char *mark = u->msg_error ? term_syms()->warn : "";
        char m[300];
        snprintf(m, sizeof m, " %s%s%s", mark, *mark ? " " : "", u->msg);
        draw_text(y, 0, W, m, strlen(m), A(u->msg_error ? TH_ERR : TH_INFO));
        return;
    }
    char hints[512] = "";
    switch (s) {
    case UI_SCR_MAIN:
        key_hint(u, hints, sizeof hints, UI_A_DEPLOY, "deploy");
        key_hint(u, hints, sizeof hints, UI_A_TEARDOWN, "teardown");
        key_hint(u, hints, sizeof hints, UI_A_LOGS, "logs");
        key_hint(u, hints, sizeof hints, UI_A_CHECKLIST, "checklist");
        key_hint(u, hints, sizeof hints, UI_A_SEARCH, "filter");
        key_hint(u, hints, sizeof hints, UI_A_PROMPT, "command");
        key_hint(u, hints, sizeof hints, UI_A_CANCEL, "cancel");
        key_hint(u, hints, sizeof hints, UI_A_HELP, "help");
        key_hint(u, hints, sizeof hints, UI_A_QUIT, "quit");
        break;
    case UI_SCR_LOGS:
        key_hint(u, hints, sizeof hints, UI_A_FOLLOW, "follow");
        key_hint(u, hints, sizeof hints, UI_A_WRAP, "wrap");
        key_hint(u, hints, sizeof hints, UI_A_TIMESTAMPS, "time");
        key_hint(u, hints, sizeof hints, UI_A_SEARCH, "search");
        strncat(hints, " n/N next ", sizeof hints - strlen(hints) - 1);
        key_hint(u, hints, sizeof hints, UI_A_ONLY_MATCHES, "only matches");
        key_hint(u, hints, sizeof hints, UI_A_SAVE, "save");
        key_hint(u, hints, sizeof hints, UI_A_BACK, "back");
        break;
    case UI_SCR_PICKER:
        key_hint(u, hints, sizeof hints, UI_A_OPEN, "plan");
        key_hint(u, hints, sizeof hints, UI_A_NEXT_ENV, "environment");
        key_hint(u, hints, sizeof hints, UI_A_SEARCH, "filter");
        key_hint(u, hints, sizeof hints, UI_A_BACK, "close");
        break;
    case UI_SCR_PLAN:
        if (u->plan_runnable)
            key_hint(u, hints, sizeof hints, UI_A_OPEN, "run");
        key_hint(u, hints, sizeof hints, UI_A_BACK, "back");
        break;
    case UI_SCR_CHECKLIST:
        key_hint(u, hints, sizeof hints, UI_A_OPEN, "run the checks again");
        key_hint(u, hints, sizeof hints, UI_A_BACK, "back");
        break;
    default:
        key_hint(u, hints, sizeof hints, UI_A_BACK, "back");
        break;
    }
    draw_text(y, 0, W, hints, strlen(hints), A(TH_KEY));
}

static const char *phase_name(int i, const ui_pipeline_view *p)
{
    static const char *const names[] = {"pre-build", "build", "up", "post-up"};
    if (i == 2 && p->main_label[0])
        return p->main_label;
    return names[i];
}

static term_role phase_role(ui_phase_state s)
{
    switch (s) {
    case UI_PH_RUNNING:
        return TH_WARN;
    case UI_PH_PASSED:
        return TH_OK;
    case UI_PH_FAILED:
    case UI_PH_CANCELLED:
        return TH_ERR;
    default:
        return TH_DIM;
    }
}

static void fmt_secs(char *b, size_t n, double s)
{
    if (s < 60)
        snprintf(b, n, "%.1fs", s);
    else
        snprintf(b, n, "%02d:%02d", (int)s / 60, (int)s % 60);
}

static void draw_pipeline(ui *u, int y, int h)
{
    int W = u->ti.cols;
    const ui_pipeline_view *p = &u->pipe;
    const term_symbols *sy = term_syms();
    if (!p->active) {
        draw_fill(y, 0, W, A(TH_NORMAL));
        char t[200];
        char k[16] = "u";
        if (u->km.nkeys[UI_A_DEPLOY])
            keys_name(u->km.keys[UI_A_DEPLOY][0], k, sizeof k);
        snprintf(t, sizeof t, " No deployment running · %s deploys · : runs a command", k);
        draw_text(y, 0, W, t, strlen(t), A(TH_DIM));
        return;
    }
    char right[64], el[16];
    fmt_secs(el, sizeof el, p->elapsed);
    snprintf(right, sizeof right, "%s · %s", p->state, el);
    term_role box = !strcmp(p->state, "failed") || !strcmp(p->state, "cancelled")
                        ? TH_ERR
                        : TH_NORMAL;
    for (int r = 0; r < h; r++)
        draw_fill(y + r, 0, W, A(TH_NORMAL));
    draw_box(y, 0, h, W, p->title, right, A(box));
    int x = 2;
    for (int i = 0; i < UI_NPHASES && x < W - 2; i++) {
        const ui_phase_view *ph = &p->phases[i];
        const char *sym = ph->state == UI_PH_PASSED    ? sy->ok
                          : ph->state == UI_PH_FAILED || ph->state == UI_PH_CANCELLED
                              ? sy->fail
                          : ph->state == UI_PH_RUNNING ? sy->run
                                                       : sy->pending;
        char t[160], d[16];
        fmt_secs(d, sizeof d, ph->seconds);
        switch (ph->state) {
        case UI_PH_RUNNING:
            snprintf(t, sizeof t, "%s %s %d/%d running %s", sym, phase_name(i, p),
                     ph->done, ph->total, d);
            break;
        case UI_PH_PASSED:
            snprintf(t, sizeof t, "%s %s %d/%d %s", sym, phase_name(i, p), ph->done,
                     ph->total, d);
            break;
        case UI_PH_FAILED:
            snprintf(t, sizeof t, "%s %s %d/%d exit %d after %s", sym, phase_name(i, p),
                     ph->done, ph->total, ph->exit_status, d);
            break;
        case UI_PH_CANCELLED:
            snprintf(t, sizeof t, "%s %s cancelled", sym, phase_name(i, p));
            break;
        case UI_PH_SKIPPED:
            snprintf(t, sizeof t, "%s %s (none)", sym, phase_name(i, p));
            break;
        case UI_PH_NOT_RUN:
            snprintf(t, sizeof t, "%s %s (not run)", sym, phase_name(i, p));
            break;
        default:
            snprintf(t, sizeof t, "%s %s %d", sym, phase_name(i, p), ph->total);
            break;
        }
        x += draw_text(y + 1, x, W - 2 - x, t, strlen(t), A(phase_role(ph->state)));
        x += 3;
    }
    if (p->command[0]) {
        const char *sym = p->command_state == UI_PH_FAILED ? sy->fail
                          : p->command_state == UI_PH_PASSED ? sy->ok
                                                             : sy->run;
        char t[600];
        snprintf(t, sizeof t, "%s %s", sym, p->command);
        int w = draw_width(t, strlen(t));
        int room = W - 4;
        if (w > room) { /* cut with an ellipsis */
            draw_text(y + 2, 2, room - 1, t, strlen(t), A(phase_role(p->command_state)));
            draw_text(y + 2, 2 + room - 1, 1, sy->ellipsis, strlen(sy->ellipsis),
                      A(TH_DIM));
        } else {
            draw_text(y + 2, 2, room, t, strlen(t), A(phase_role(p->command_state)));
        }
    }
}

/* ---- container table -------------------------------------------------------------------- */

static void draw_table(ui *u, int y, int h, bool focused)
{
    int W = u->ti.cols;
    for (int r = 0; r < h; r++)
        draw_fill(y + r, 0, W, A(TH_NORMAL));
    char title[256];
    snprintf(title, sizeof title, " CONTAINERS%s%s", u->row_filter[0] ? " · /" : "",
             u->row_filter);
    if (u->row_filter[0])
        strncat(title, "/", sizeof title - strlen(title) - 1);
    draw_text(y, 0, W / 2, title, strlen(title), A(TH_TITLE));
    draw_right(y, W - 1, u->summary, A(TH_NORMAL));
    /* columns */
    int wname = 28, wstate = 14, whealth = 10, wrst = 9, wports = 20, wage = 6;
    if (W < 120) {
        wname = 22;
        wstate = 12;
        whealth = 9;
        wrst = 5;
        wports = 14;
        wage = 5;
    }
    int xs[7];
    xs[0] = 1;
    xs[1] = xs[0] + wname;
    xs[2] = xs[1] + wstate;
    xs[3] = xs[2] + whealth;
    xs[4] = xs[3] + wrst;
    xs[5] = xs[4] + wports;
    xs[6] = xs[5] + wage;
    static const char *const heads[] = {"NAME", "STATE", "HEALTH", "RST",
                                        "PORTS", "AGE", "IMAGE"};
    for (int c = 0; c < 7; c++) {
        const char *hd = c == 3 && wrst >= 9 ? "RESTARTS" : heads[c];
        int cw = (c < 6 ? xs[c + 1] : W) - xs[c] - 1;
        draw_text(y + 1, xs[c], cw, hd, strlen(hd), A(TH_HEADER));
    }
    size_t map[4096];
    size_t n = ui_visible_rows(u, map, 4096);
    if (n > 4096)
        n = 4096;
    int rows = h - 2;
    scroll_into_view(&u->tpos, n, rows);
    if (n == 0) {
        const char *e = u->nrows ? " (no container matches the filter)"
                                 : " (no container of this project)";
        draw_text(y + 2, 0, W, e, strlen(e), A(TH_DIM));
        return;
    }
    const term_symbols *sy = term_syms();
    for (int r = 0; r < rows && u->tpos.top + (size_t)r < n; r++) {
        size_t idx = map[u->tpos.top + (size_t)r];
        const ui_row *row = &u->rows[idx];
        bool sel = u->tpos.top + (size_t)r == u->tpos.sel;
        int yy = y + 2 + r;
        int base = sel && !focused ? A(TH_SELECTED) : A(TH_NORMAL);
        draw_fill(yy, 0, W, base);
        if (sel)
            draw_text(yy, 0, 1, sy->sel, strlen(sy->sel), base);
        char rst[16];
        if (row->restarts < 0)
            snprintf(rst, sizeof rst, "-");
        else
            snprintf(rst, sizeof rst, "%d", row->restarts);
        const char *cells[7] = {row->name, row->state, row->health, rst,
                                row->ports, row->age, row->image};
        for (int c = 0; c < 7; c++) {
            int cw = (c < 6 ? xs[c + 1] : W) - xs[c] - 1;
            int attr = base;
            if (c == 1 || c == 2)
                attr = sel && !focused ? base : A(row->role);
            draw_text(yy, xs[c], cw, cells[c], strlen(cells[c]), attr);
        }
    }
}

/* ---- log lines -------------------------------------------------------------------------- */

static int source_width(ui_logview *lv, size_t first, size_t count)
{
    int w = 0;
    ui_line ln;
    for (size_t i = first; i < first + count; i++) {
        if (!lv->src.get(lv->src.ctx, i, &ln) || !ln.source)
            continue;
        int sw = draw_width(ln.source, strlen(ln.source));
        if (sw > w)
            w = sw;
    }
    return w > 24 ? 24 : w;
}

/* Rows a line takes on screen. */
static int line_rows(ui_logview *lv, const ui_line *ln, int W, int srcw)
{
    if (!lv->wrap)
        return 1;
    int prefix = (srcw ? srcw + 3 : 0) + (lv->times && ln->time ? 13 : 0);
    int tw = W - prefix;
    if (tw < 10)
        tw = 10;
    int w = draw_width(ln->text, ln->len);
    return w <= tw ? 1 : (w + tw - 1) / tw;
}

/* Draw one line (possibly wrapped over several rows) at y; returns rows used
 * (never more than max_rows). */
static int draw_line(ui_logview *lv, const ui_line *ln, int y, int W, int srcw,
                     int max_rows, bool current)
{
    const term_symbols *sy = term_syms();
    int x = 0;
    int base = ln->is_marker ? A(TH_WARN) : A(TH_NORMAL);
    if (current)
        base = A(TH_MATCH);
    draw_fill(y, 0, W, A(TH_NORMAL));
    if (lv->times && ln->time) {
        x += draw_text(y, x, W - x, ln->time, strlen(ln->time), A(TH_DIM));
        x += 1;
    }
    if (srcw) {
        int col = ln->color >= 0 ? A((term_role)(TH_SOURCE0 + ln->color % TH_NSOURCES))
                                 : A(TH_DIM);
        const char *src = ln->source ? ln->source : "";
        draw_text(y, x, srcw, src, strlen(src), col);
        x += srcw + 1;
        draw_text(y, x, 2, sy->vbar, strlen(sy->vbar), A(TH_DIM));
        x += 2;
    }
    int tw = W - x;
    if (tw < 1)
        return 1;
    int attr = ln->is_stderr && !current ? base | (int)A_BOLD : base;
    if (!lv->wrap) {
        draw_text(y, x, tw, ln->text, ln->len, attr);
        return 1;
    }
    int used = 0, skip = 0, total = draw_width(ln->text, ln->len);
    do {
        if (used > 0)
            draw_fill(y + used, 0, W, A(TH_NORMAL));
        draw_text_from(y + used, x, tw, ln->text, ln->len, skip, attr);
        skip += tw;
        used++;
    } while (skip < total && used < max_rows);
    return used;
}

/* Lines [first, last) to show so that the view is full and ends at `end`
 * (following) or starts at top. */
static void draw_lines(ui *u, ui_logview *lv, int y, int h)
{
    int W = u->ti.cols;
    for (int r = 0; r < h; r++)
        draw_fill(y + r, 0, W, A(TH_NORMAL));
    if (!lv->has || h <= 0)
        return;
    size_t n = lv->src.count(lv->src.ctx);
    if (n == 0) {
        const char *e = " (no output yet)";
        draw_text(y, 0, W, e, strlen(e), A(TH_DIM));
        return;
    }
    bool only = lv->only_matches && lv->pattern[0] && lv->src.matches;
    /* collect the indexes to show, bottom-up when following */
    size_t idx[512];
    int cnt = 0;
    int cap = h < 512 ? h : 512;
    if (lv->follow || lv->top >= n) {
        size_t i = n;
        while (i > 0 && cnt < cap) {
            i--;
            if (only && !lv->src.matches(lv->src.ctx, i))
                continue;
            idx[cnt++] = i;
        }
        for (int a = 0, b = cnt - 1; a < b; a++, b--) {
            size_t t = idx[a];
            idx[a] = idx[b];
            idx[b] = t;
        }
    } else {
        for (size_t i = lv->top; i < n && cnt < cap; i++) {
            if (only && !lv->src.matches(lv->src.ctx, i))
                continue;
            idx[cnt++] = i;
        }
    }
    if (cnt == 0) {
        const char *e = " (no line matches)";
        draw_text(y, 0, W, e, strlen(e), A(TH_DIM));
        return;
    }
    int srcw = source_width(lv, idx[0], idx[cnt - 1] - idx[0] + 1);
    /* with wrapping and following, drop lines from the top until the rest fit */
    int first = 0;
    if (lv->wrap && (lv->follow || lv->top >= n)) {
        int rows = 0;
        for (int k = cnt - 1; k >= 0; k--) {
            ui_line ln;
            if (!lv->src.get(lv->src.ctx, idx[k], &ln))
                continue;
            rows += line_rows(lv, &ln, W, srcw);
            if (rows > h) {
                first = k + 1;
                break;
            }
        }
    }
    int r = 0;
    for (int k = first; k < cnt && r < h; k++) {
        ui_line ln;
        if (!lv->src.get(lv->src.ctx, idx[k], &ln))
            continue;
        r += draw_line(lv, &ln, y + r, W, srcw, h - r, (long)idx[k] == lv->cur_match);
    }
}

static void pane_status(ui_logview *lv, char *buf, size_t n)
{
    const term_symbols *sy = term_syms();
    size_t count = lv->has ? lv->src.count(lv->src.ctx) : 0;
    size_t dropped = lv->has && lv->src.dropped ? lv->src.dropped(lv->src.ctx) : 0;
    snprintf(buf, n, "follow %s · %zu lines · %zu dropped",
             lv->follow ? sy->dot_on : sy->dot_off, count, dropped);
}

static void draw_main(ui *u)
{
    main_layout L = layout_main(u);
    draw_header(u);
    draw_pipeline(u, L.pipe_y, L.pipe_h);
    draw_table(u, L.table_y, L.table_h, u->focus_pane);
    char right[128];
    pane_status(&u->pane, right, sizeof right);
    char left[300];
    snprintf(left, sizeof left, "%s%s", u->pane.title[0] ? u->pane.title : "logs",
             u->focus_pane ? " (focus)" : "");
    draw_fill(L.pane_y, 0, u->ti.cols, A(TH_NORMAL));
    draw_rule(L.pane_y, 0, u->ti.cols, left, right,
              A(u->focus_pane ? TH_TITLE : TH_DIM));
    draw_lines(u, &u->pane, L.pane_y + 1, L.pane_h - 1);
    draw_footer(u, L.footer_y, UI_SCR_MAIN);
}

static void draw_logs(ui *u)
{
    int W = u->ti.cols, H = u->ti.rows;
    const term_symbols *sy = term_syms();
    ui_logview *lv = &u->logs;
    draw_fill(0, 0, W, A(TH_NORMAL));
    char left[300];
    snprintf(left, sizeof left, " LOGS · %s", lv->title);
    size_t count = lv->has ? lv->src.count(lv->src.ctx) : 0;
    size_t dropped = lv->has && lv->src.dropped ? lv->src.dropped(lv->src.ctx) : 0;
    char search[320] = "";
    if (lv->pattern[0]) {
        size_t mc = lv->src.match_count ? lv->src.match_count(lv->src.ctx) : 0;
        snprintf(search, sizeof search, " · /%s/ %zu match%s%s", lv->pattern, mc,
                 mc == 1 ? "" : "es", lv->only_matches ? " (only these)" : "");
    }
    char right[512];
    snprintf(right, sizeof right, "follow %s · wrap %s · time %s%s · %zu lines · %zu dropped ",
             lv->follow ? sy->dot_on : sy->dot_off, lv->wrap ? sy->dot_on : sy->dot_off,
             lv->times ? sy->dot_on : sy->dot_off, search, count, dropped);
    int rw = draw_width(right, strlen(right));
    draw_text(0, 0, W - rw - 1 > 10 ? W - rw - 1 : W / 2, left, strlen(left), A(TH_TITLE));
    draw_right(0, W, right, A(TH_NORMAL));
    draw_lines(u, lv, 1, H - 2);
    draw_footer(u, H - 1, UI_SCR_LOGS);
}

/* ---- picker ------------------------------------------------------------------------------- */

static void draw_picker(ui *u)
{
    int W = u->ti.cols, H = u->ti.rows;
    int bw = W - 4 < 110 ? W - 4 : 110;
    int bh = H - 4;
    int bx = (W - bw) / 2, by = 2;
    for (int r = 0; r < bh; r++)
        draw_fill(by + r, bx, bw, A(TH_NORMAL));
    draw_box(by, bx, bh, bw, "Deploy", NULL, A(TH_NORMAL));
    int x = bx + 2;
    x += draw_text(by + 1, x, bw - 4, "environment  ", 13, A(TH_NORMAL));
    for (size_t i = 0; i < u->n_envs; i++) {
        char e[80];
        snprintf(e, sizeof e, i == u->env_sel ? "[%s]" : " %s ", u->envs[i]);
        x += draw_text(by + 1, x, bx + bw - 2 - x, e, strlen(e),
                       A(i == u->env_sel ? TH_SELECTED : TH_NORMAL));
        x += 1;
    }
    if (u->pick_filter[0]) {
        char f[300];
        snprintf(f, sizeof f, "filter /%s/", u->pick_filter);
        draw_right(by + 1, bx + bw - 2, f, A(TH_INFO));
    }
    size_t map[4096];
    size_t n = ui_visible_picks(u, map, 4096);
    if (n > 4096)
        n = 4096;
    int rows = bh - 5;
    scroll_into_view(&u->ppos, n, rows);
    const term_symbols *sy = term_syms();
    if (n == 0) {
        const char *e = u->n_picks ? "(no deployment matches the filter)"
                                   : "(no deployment allows this environment)";
        draw_text(by + 3, bx + 4, bw - 6, e, strlen(e), A(TH_DIM));
    }
    for (int r = 0; r < rows && u->ppos.top + (size_t)r < n; r++) {
        const ui_pick_copy *p = &u->picks[map[u->ppos.top + (size_t)r]];
        bool sel = u->ppos.top + (size_t)r == u->ppos.sel;
        int yy = by + 3 + r;
        int attr = sel ? A(TH_SELECTED) : A(TH_NORMAL);
        draw_fill(yy, bx + 1, bw - 2, attr);
        if (sel)
            draw_text(yy, bx + 2, 1, sy->sel, strlen(sy->sel), attr);
        int wn = (bw - 8) * 30 / 100, ws = (bw - 8) * 18 / 100;
        draw_text(yy, bx + 4, wn, p->name, strlen(p->name), attr | A_BOLD);
        draw_text(yy, bx + 4 + wn + 1, ws, p->short_name, strlen(p->short_name), attr);
        int dx = bx + 4 + wn + ws + 2;
        draw_text(yy, dx, bx + bw - 2 - dx, p->description, strlen(p->description), attr);
    }
    draw_footer(u, H - 1, UI_SCR_PICKER);
}

/* ---- text screens (plan, inspect) and the confirm dialog ------------------------------------ */

static void draw_text_screen(ui *u, const char *title, char **lines, size_t n,
                             ui_pos *pos, ui_screen s)
{
    int W = u->ti.cols, H = u->ti.rows;
    draw_fill(0, 0, W, A(TH_NORMAL));
    char t[256];
    snprintf(t, sizeof t, " %s", title);
    draw_text(0, 0, W, t, strlen(t), A(TH_TITLE));
    int rows = H - 2;
    scroll_into_view(pos, n, rows);
    for (int r = 0; r < rows; r++) {
        size_t i = pos->top + (size_t)r;
        draw_fill(1 + r, 0, W, A(TH_NORMAL));
        if (i < n)
            draw_text(1 + r, 1, W - 2, lines[i], strlen(lines[i]),
                      i == pos->sel ? A(TH_SELECTED) : A(TH_NORMAL));
    }
    draw_footer(u, H - 1, s);
}

static void draw_confirm(ui *u)
{
    int W = u->ti.cols, H = u->ti.rows;
    int bw = W - 8 < 100 ? W - 8 : 100;
    int need = (int)(u->n_conf + u->n_conf_warn) + 5;
    int bh = need < H - 2 ? need : H - 2;
    int bx = (W - bw) / 2, by = (H - bh) / 2;
    for (int r = 0; r < bh; r++)
        draw_fill(by + r, bx, bw, A(TH_NORMAL));
    draw_box(by, bx, bh, bw, u->conf_title, NULL, A(TH_WARN));
    int y = by + 1;
    draw_text(y++, bx + 2, bw - 4, "This runs:", 10, A(TH_NORMAL));
    for (size_t i = 0; i < u->n_conf && y < by + bh - 2; i++)
        draw_text(y++, bx + 4, bw - 6, u->conf_lines[i], strlen(u->conf_lines[i]),
                  A(TH_NORMAL));
    const term_symbols *sy = term_syms();
    for (size_t i = 0; i < u->n_conf_warn && y < by + bh - 2; i++) {
        char w[512];
        snprintf(w, sizeof w, "%s %s", sy->warn, u->conf_warn[i]);
        draw_text(y++, bx + 2, bw - 4, w, strlen(w), A(TH_ERR));
    }
    char k1[16], k2[16], hint[80];
    snprintf(hint, sizeof hint, "%s run     %s cancel",
             keys_name(u->km.keys[UI_A_CONFIRM][0], k1, sizeof k1),
             keys_name(u->km.keys[UI_A_BACK][0], k2, sizeof k2));
    draw_right(by + bh - 2, bx + bw - 3, hint, A(TH_KEY));
}

/* ---- checklist ------------------------------------------------------------------------------ */

static void draw_checklist(ui *u)
{
    int W = u->ti.cols, H = u->ti.rows;
    const term_symbols *sy = term_syms();
    draw_fill(0, 0, W, A(TH_NORMAL));
    size_t ok = 0, bad = 0, warn = 0;
    for (size_t i = 0; i < u->n_checks; i++) {
        ok += u->checks[i].state == UI_CHECK_OK;
        bad += u->checks[i].state == UI_CHECK_FAIL;
        warn += u->checks[i].state == UI_CHECK_WARN;
    }
    char t[200];
    snprintf(t, sizeof t, " CHECKLIST · %zu ok · %zu warnings · %zu failing", ok, warn, bad);
    draw_text(0, 0, W, t, strlen(t), A(TH_TITLE));
    /* each check takes three rows: state + title, what was found, the fix */
    int rows = (H - 2) / 3;
    scroll_into_view(&u->cpos, u->n_checks, rows);
    for (int r = 0; r < H - 2; r++)
        draw_fill(1 + r, 0, W, A(TH_NORMAL));
    for (int r = 0; r < rows; r++) {
        size_t i = u->cpos.top + (size_t)r;
        if (i >= u->n_checks)
            break;
        const ui_check_copy *c = &u->checks[i];
        static const char *const words[] = {"pending", "running", "ok", "warning",
                                            "failing", "skipped"};
        const char *sym = c->state == UI_CHECK_OK     ? sy->ok
                          : c->state == UI_CHECK_FAIL ? sy->fail
                          : c->state == UI_CHECK_WARN ? sy->warn
                          : c->state == UI_CHECK_RUNNING ? sy->run
                                                         : sy->pending;
        term_role role = c->state == UI_CHECK_OK     ? TH_OK
                         : c->state == UI_CHECK_FAIL ? TH_ERR
                         : c->state == UI_CHECK_WARN ? TH_WARN
                                                     : TH_DIM;
        int y = 1 + 3 * r;
        bool sel = i == u->cpos.sel;
        char line[400];
        snprintf(line, sizeof line, "%s %-8s %s", sym, words[c->state], c->title);
        draw_text(y, 1, W - 2, line, strlen(line), sel ? A(TH_SELECTED) : A(role));
        char det[600];
        snprintf(det, sizeof det, "    %s", c->detail);
        draw_text(y + 1, 1, W - 2, det, strlen(det), A(TH_DIM));
        if (c->fix[0]) {
            snprintf(det, sizeof det, "    %s %s", sy->arrow, c->fix);
            draw_text(y + 2, 1, W - 2, det, strlen(det), A(TH_NORMAL));
        }
    }
    draw_footer(u, H - 1, UI_SCR_CHECKLIST);
}

/* ---- help ---------------------------------------------------------------------------------- */

size_t ui_help_lines(ui *u, char ***out)
{
    size_t n, cap = 128, k = 0;
    const ui_action_def *t = ui_actions(&n);
    char **lines = calloc(cap, sizeof *lines);
    if (!lines)
        abort();
    static const ui_screen order[] = {UI_SCR_MAIN,  UI_SCR_LOGS,  UI_SCR_PICKER,
                                      UI_SCR_PLAN,  UI_SCR_CHECKLIST, UI_SCR_CONFIRM,
                                      UI_SCR_INSPECT, UI_SCR_HELP};
    char buf[400];
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
        bool head = false;
        for (size_t i = 0; i < n; i++) {
            if (!(t[i].screens & order[o]) || u->km.nkeys[t[i].id] == 0)
                continue;
            char keys[64];
            ui_keymap_describe(&u->km, t[i].id, keys, sizeof keys);
            snprintf(buf, sizeof buf, "  %-16s %-14s %s", keys,
                     t[i].command ? t[i].command : "", t[i].help);
            if (u->help_re_set && regexec(&u->help_re, buf, 0, NULL, 0) != 0)
                continue;
            if (k + 3 >= cap) {
                cap *= 2;
                lines = realloc(lines, cap * sizeof *lines);
                if (!lines)
                    abort();
            }
            if (!head) {
                lines[k++] = strdup(ui_screen_name(order[o]));
                head = true;
            }
            lines[k++] = strdup(buf);
        }
    }
    /* commands without keys */
    bool head = false;
    for (size_t i = 0; i < n; i++) {
        if (!t[i].command)
            continue;
        snprintf(buf, sizeof buf, "  :%s%s%s  %s", t[i].command, t[i].args ? " " : "",
                 t[i].args ? t[i].args : "", t[i].help);
        if (u->help_re_set && regexec(&u->help_re, buf, 0, NULL, 0) != 0)
            continue;
        if (k + 3 >= cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            if (!lines)
                abort();
        }
        if (!head) {
            lines[k++] = strdup("Commands (: prompt; Tab completes, Up/Down recall)");
            head = true;
        }
        lines[k++] = strdup(buf);
    }
    *out = lines;
    return k;
}

static void draw_help(ui *u)
{
    char **lines;
    size_t n = ui_help_lines(u, &lines);
    draw_text_screen(u, "HELP · keys in effect (remaps included) and : commands", lines, n,
                     &u->hpos, UI_SCR_HELP);
    ui_free_lines(lines, n);
}

/* ---- entry ---------------------------------------------------------------------------------- */

void ui_draw_screen(ui *u)
{
    int W = u->ti.cols, H = u->ti.rows;
    if (W < MIN_COLS || H < MIN_ROWS) {
        erase();
        char m[120];
        snprintf(m, sizeof m, "terminal too small: %dx%d, srvconsole needs %dx%d", W, H,
                 MIN_COLS, MIN_ROWS);
        int y = H / 2, x = (W - (int)strlen(m)) / 2;
        draw_text(y < 0 ? 0 : y, x < 0 ? 0 : x, W, m, strlen(m), A(TH_ERR));
        if (H > 2)
            draw_text(y + 1 < H ? y + 1 : 0, 0, W, " q quits", 8, A(TH_DIM));
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    switch (ui_current(u)) {
    case UI_SCR_MAIN:
        draw_main(u);
        break;
    case UI_SCR_LOGS:
        draw_logs(u);
        break;
    case UI_SCR_PICKER:
        draw_main(u);
        draw_picker(u);
        break;
    case UI_SCR_PLAN:
        draw_text_screen(u, u->plan_title, u->plan_lines, u->n_plan, &u->plpos, UI_SCR_PLAN);
        break;
    case UI_SCR_INSPECT:
        draw_text_screen(u, u->insp_title, u->insp_lines, u->n_insp, &u->ipos,
                         UI_SCR_INSPECT);
        break;
    case UI_SCR_CONFIRM:
        /* over the screen below it */
        if (u->depth >= 2 && u->stack[u->depth - 2] == UI_SCR_PLAN)
            draw_text_screen(u, u->plan_title, u->plan_lines, u->n_plan, &u->plpos,
                             UI_SCR_PLAN);
        else
            draw_main(u);
        draw_confirm(u);
        break;
    case UI_SCR_CHECKLIST:
        draw_checklist(u);
        break;
    case UI_SCR_HELP:
        draw_help(u);
        break;
    }
    wnoutrefresh(stdscr);
    doupdate();
}

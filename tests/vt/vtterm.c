/* tests/vt/vtterm.c — see vtterm.h. */
#include "config.h"

#include "tests/vt/vtterm.h"

#include <curses.h> /* KEY_* codes only: ui/keys.h speaks them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vterm.h>

#include "ui/keys.h"

struct vt_term {
    VTerm *vt;
    VTermScreen *screen;
    VTermState *state;
    strbuf out;
    bool altscreen;
    bool cursor_visible;
    int mouse;
    VTermPos cursor;
};

static int cb_settermprop(VTermProp prop, VTermValue *val, void *user)
{
    vt_term *t = user;
    switch (prop) {
    case VTERM_PROP_ALTSCREEN:
        t->altscreen = val->boolean;
        break;
    case VTERM_PROP_CURSORVISIBLE:
        t->cursor_visible = val->boolean;
        break;
    case VTERM_PROP_MOUSE:
        t->mouse = val->number;
        break;
    default:
        break;
    }
    return 1;
}

static int cb_movecursor(VTermPos pos, VTermPos oldpos, int visible, void *user)
{
    vt_term *t = user;
    (void)oldpos;
    (void)visible;
    t->cursor = pos;
    return 1;
}

static const VTermScreenCallbacks screen_cbs = {
    .settermprop = cb_settermprop,
    .movecursor = cb_movecursor,
};

static void cb_output(const char *s, size_t len, void *user)
{
    vt_term *t = user;
    strbuf_add(&t->out, s, len);
}

vt_term *vt_term_new(int cols, int rows)
{
    vt_term *t = util_xcalloc(1, sizeof *t);
    t->vt = vterm_new(rows, cols);
    if (!t->vt)
        util_oom();
    vterm_set_utf8(t->vt, 1);
    vterm_output_set_callback(t->vt, cb_output, t);
    t->screen = vterm_obtain_screen(t->vt);
    t->state = vterm_obtain_state(t->vt);
    vterm_screen_set_callbacks(t->screen, &screen_cbs, t);
    vterm_screen_enable_altscreen(t->screen, 1);
    vterm_screen_reset(t->screen, 1);
    t->cursor_visible = true;
    return t;
}

void vt_term_free(vt_term *t)
{
    if (!t)
        return;
    vterm_free(t->vt);
    strbuf_free(&t->out);
    free(t);
}

void vt_term_feed(vt_term *t, const char *bytes, size_t n)
{
    vterm_input_write(t->vt, bytes, n);
    vterm_screen_flush_damage(t->screen);
}

void vt_term_resize(vt_term *t, int cols, int rows)
{
    vterm_set_size(t->vt, rows, cols);
    vterm_screen_flush_damage(t->screen);
}

void vt_term_size(const vt_term *t, int *cols, int *rows)
{
    vterm_get_size(t->vt, rows, cols);
}

void vt_term_take_output(vt_term *t, strbuf *out)
{
    if (t->out.len)
        strbuf_add(out, t->out.data, t->out.len);
    strbuf_reset(&t->out);
}

static bool special_key(int key, VTermKey *vk, VTermModifier *mod)
{
    *mod = VTERM_MOD_NONE;
    switch (key) {
    case KEY_UP: *vk = VTERM_KEY_UP; return true;
    case KEY_DOWN: *vk = VTERM_KEY_DOWN; return true;
    case KEY_LEFT: *vk = VTERM_KEY_LEFT; return true;
    case KEY_RIGHT: *vk = VTERM_KEY_RIGHT; return true;
    case KEY_HOME: *vk = VTERM_KEY_HOME; return true;
    case KEY_END: *vk = VTERM_KEY_END; return true;
    case KEY_PPAGE: *vk = VTERM_KEY_PAGEUP; return true;
    case KEY_NPAGE: *vk = VTERM_KEY_PAGEDOWN; return true;
    case KEY_DC: *vk = VTERM_KEY_DEL; return true;
    case KEY_IC: *vk = VTERM_KEY_INS; return true;
    case KEY_BTAB:
        *vk = VTERM_KEY_TAB;
        *mod = VTERM_MOD_SHIFT;
        return true;
    case '\r': *vk = VTERM_KEY_ENTER; return true;
    case '\t': *vk = VTERM_KEY_TAB; return true;
    case 27: *vk = VTERM_KEY_ESCAPE; return true;
    case 127: *vk = VTERM_KEY_BACKSPACE; return true;
    default:
        break;
    }
    if (key >= KEY_F(1) && key <= KEY_F(12)) {
        *vk = (VTermKey)VTERM_KEY_FUNCTION(key - KEY_F(0));
        return true;
    }
    return false;
}

void vt_term_key(vt_term *t, int key, strbuf *out)
{
    key = keys_normalize(key);
    VTermKey vk;
    VTermModifier mod;
    /* earlier answers first, so that they do not mix with the key */
    vt_term_take_output(t, out);
    if (special_key(key, &vk, &mod)) {
        vterm_keyboard_key(t->vt, vk, mod);
        vt_term_take_output(t, out);
        return;
    }
    char buf[16];
    const char *seq = keys_sequence(key, buf, sizeof buf);
    if (seq)
        strbuf_adds(out, seq);
}

static void add_utf8(strbuf *sb, uint32_t c)
{
    if (c < 0x80) {
        strbuf_addc(sb, (char)c);
    } else if (c < 0x800) {
        strbuf_addc(sb, (char)(0xC0 | (c >> 6)));
        strbuf_addc(sb, (char)(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        strbuf_addc(sb, (char)(0xE0 | (c >> 12)));
        strbuf_addc(sb, (char)(0x80 | ((c >> 6) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | (c & 0x3F)));
    } else {
        strbuf_addc(sb, (char)(0xF0 | (c >> 18)));
        strbuf_addc(sb, (char)(0x80 | ((c >> 12) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | ((c >> 6) & 0x3F)));
        strbuf_addc(sb, (char)(0x80 | (c & 0x3F)));
    }
}

char *vt_term_row_text(const vt_term *t, int row, int **colsp)
{
    int rows, cols;
    vterm_get_size(t->vt, &rows, &cols);
    strbuf sb = STRBUF_INIT;
    int *map = colsp ? util_xmalloc(((size_t)cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1) *
                                    sizeof *map)
                     : NULL;
    size_t keep = 0; /* length without trailing blanks */
    for (int c = 0; c < cols;) {
        VTermScreenCell cell;
        VTermPos pos = {.row = row, .col = c};
        if (row < 0 || row >= rows || !vterm_screen_get_cell(t->screen, pos, &cell)) {
            break;
        }
        size_t before = sb.len;
        if (cell.chars[0] == 0 || cell.chars[0] == (uint32_t)-1) {
            strbuf_addc(&sb, ' ');
        } else {
            for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
                add_utf8(&sb, cell.chars[i]);
        }
        if (map)
            for (size_t i = before; i < sb.len; i++)
                map[i] = c;
        if (!(sb.len == before + 1 && sb.data[before] == ' '))
            keep = sb.len;
        c += cell.width > 0 ? cell.width : 1;
    }
    if (sb.data)
        sb.data[keep] = '\0';
    sb.len = keep;
    char *s = strbuf_detach(&sb, NULL);
    if (colsp)
        *colsp = map;
    return s;
}

char *vt_term_screen_text(const vt_term *t)
{
    int rows, cols;
    vterm_get_size(t->vt, &rows, &cols);
    strbuf sb = STRBUF_INIT;
    for (int r = 0; r < rows; r++) {
        char *s = vt_term_row_text(t, r, NULL);
        strbuf_adds(&sb, s);
        strbuf_addc(&sb, '\n');
        free(s);
    }
    return strbuf_detach(&sb, NULL);
}

bool vt_term_find(const vt_term *t, const char *text, int *row, int *col,
                  int *ncells)
{
    int rows, cols;
    vterm_get_size(t->vt, &rows, &cols);
    size_t tl = strlen(text);
    for (int r = 0; r < rows; r++) {
        int *map = NULL;
        char *s = vt_term_row_text(t, r, &map);
        const char *hit = tl ? strstr(s, text) : NULL;
        if (hit) {
            size_t off = (size_t)(hit - s);
            if (row)
                *row = r;
            if (col)
                *col = map[off];
            if (ncells)
                *ncells = map[off + tl - 1] - map[off] + 1;
            free(map);
            free(s);
            return true;
        }
        free(map);
        free(s);
    }
    return false;
}

bool vt_term_match(const vt_term *t, const regex_t *re)
{
    int rows, cols;
    vterm_get_size(t->vt, &rows, &cols);
    for (int r = 0; r < rows; r++) {
        char *s = vt_term_row_text(t, r, NULL);
        bool hit = regexec(re, s, 0, NULL, 0) == 0;
        free(s);
        if (hit)
            return true;
    }
    return false;
}

/* Whether `col` is the palette colour `idx`. */
static bool color_is(const vt_term *t, const VTermColor *col, int idx)
{
    if (VTERM_COLOR_IS_INDEXED(col))
        return col->indexed.idx == idx;
    VTermColor a = *col, b;
    vterm_state_get_palette_color(t->state, idx, &b);
    vterm_screen_convert_color_to_rgb(t->screen, &a);
    vterm_screen_convert_color_to_rgb(t->screen, &b);
    return a.rgb.red == b.rgb.red && a.rgb.green == b.rgb.green &&
           a.rgb.blue == b.rgb.blue;
}

static void color_desc(const VTermColor *col, bool fg, char *buf, size_t n)
{
    if (fg ? VTERM_COLOR_IS_DEFAULT_FG(col) : VTERM_COLOR_IS_DEFAULT_BG(col))
        snprintf(buf, n, "default");
    else if (VTERM_COLOR_IS_INDEXED(col))
        snprintf(buf, n, "%d", col->indexed.idx);
    else
        snprintf(buf, n, "#%02x%02x%02x", col->rgb.red, col->rgb.green,
                 col->rgb.blue);
}

static bool check_color(const vt_term *t, const VTermColor *col, bool fg,
                        vt_color_kind kind, int idx, bool neg)
{
    bool is;
    if (kind == VT_COLOR_ANY)
        return true;
    if (kind == VT_COLOR_DEFAULT)
        is = fg ? VTERM_COLOR_IS_DEFAULT_FG(col) : VTERM_COLOR_IS_DEFAULT_BG(col);
    else
        is = !(fg ? VTERM_COLOR_IS_DEFAULT_FG(col)
                  : VTERM_COLOR_IS_DEFAULT_BG(col)) &&
             color_is(t, col, idx);
    return is != neg;
}

bool vt_term_check_attr(const vt_term *t, int row, int col, int ncells,
                        const vt_attrspec *spec, char *why, size_t whylen)
{
    static const char *const names[] = {"bold",    "underline", "italic",
                                        "blink",   "reverse",   "strike",
                                        "color"};
    for (int c = col; c < col + ncells; c++) {
        VTermScreenCell cell;
        VTermPos pos = {.row = row, .col = c};
        if (!vterm_screen_get_cell(t->screen, pos, &cell)) {
            snprintf(why, whylen, "no cell at row %d column %d", row + 1, c + 1);
            return false;
        }
        if (cell.chars[0] == (uint32_t)-1)
            continue; /* right half of a wide character */
        unsigned have = 0;
        if (cell.attrs.bold)
            have |= VT_ATTR_BOLD;
        if (cell.attrs.underline)
            have |= VT_ATTR_UNDERLINE;
        if (cell.attrs.italic)
            have |= VT_ATTR_ITALIC;
        if (cell.attrs.blink)
            have |= VT_ATTR_BLINK;
        if (cell.attrs.reverse)
            have |= VT_ATTR_REVERSE;
        if (cell.attrs.strike)
            have |= VT_ATTR_STRIKE;
        if (!VTERM_COLOR_IS_DEFAULT_FG(&cell.fg) ||
            !VTERM_COLOR_IS_DEFAULT_BG(&cell.bg))
            have |= VT_ATTR_COLOR;
        unsigned bad = (have ^ spec->value) & spec->want;
        char fgd[16], bgd[16];
        color_desc(&cell.fg, true, fgd, sizeof fgd);
        color_desc(&cell.bg, false, bgd, sizeof bgd);
        if (bad) {
            for (int i = 0; i < 7; i++)
                if (bad & (1u << i)) {
                    snprintf(why, whylen,
                             "row %d column %d is %s%s (fg=%s bg=%s)", row + 1,
                             c + 1, (have & (1u << i)) ? "" : "not ", names[i],
                             fgd, bgd);
                    return false;
                }
        }
        if (!check_color(t, &cell.fg, true, spec->fg_kind, spec->fg,
                         spec->fg_neg)) {
            snprintf(why, whylen, "row %d column %d has fg=%s", row + 1, c + 1,
                     fgd);
            return false;
        }
        if (!check_color(t, &cell.bg, false, spec->bg_kind, spec->bg,
                         spec->bg_neg)) {
            snprintf(why, whylen, "row %d column %d has bg=%s", row + 1, c + 1,
                     bgd);
            return false;
        }
    }
    return true;
}

bool vt_term_altscreen(const vt_term *t) { return t->altscreen; }
bool vt_term_cursor_visible(const vt_term *t) { return t->cursor_visible; }
int vt_term_mouse(const vt_term *t) { return t->mouse; }
void vt_term_cursor(const vt_term *t, int *row, int *col)
{
    *row = t->cursor.row;
    *col = t->cursor.col;
}

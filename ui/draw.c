/* ui/draw.c — see draw.h. */
#include "config.h"

#include "ui/draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "ui/term.h"

/* Decode one UTF-8 sequence; returns its length, or 0 when invalid. */
static size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* One displayable unit: either a code point or an escape.  Returns bytes
 * consumed; *w its width; `esc` receives the escape text when it is one. */
static size_t next_unit(const char *s, size_t n, int *w, char esc[8], bool *is_esc)
{
    uint32_t cp = 0;
    size_t l = utf8_next(s, n, &cp);
    *is_esc = false;
    if (l == 0) {
        snprintf(esc, 8, "\\x%02X", (unsigned char)s[0]);
        *is_esc = true;
        *w = 4;
        return 1;
    }
    if (cp == '\t') {
        snprintf(esc, 8, "    ");
        *is_esc = true;
        *w = 4;
        return l;
    }
    if (cp < 0x20 || cp == 0x7F) {
        snprintf(esc, 8, "^%c", cp == 0x7F ? '?' : (char)(cp + '@'));
        *is_esc = true;
        *w = 2;
        return l;
    }
    int cw = wcwidth((wchar_t)cp);
    if (cw < 0) {
        snprintf(esc, 8, "?");
        *is_esc = true;
        *w = 1;
        return l;
    }
    *w = cw;
    return l;
}

int draw_width(const char *s, size_t len)
{
    int total = 0;
    size_t i = 0;
    char esc[8];
    bool is_esc;
    while (i < len) {
        int w;
        i += next_unit(s + i, len - i, &w, esc, &is_esc);
        total += w;
    }
    return total;
}

int draw_text_from(int y, int x, int maxw, const char *s, size_t len, int skip,
                   int attr)
{
    if (maxw <= 0)
        return 0;
    attron(attr);
    move(y, x);
    int used = 0, col = 0;
    size_t i = 0;
    char esc[8];
    bool is_esc;
    while (i < len) {
        int w;
        size_t l = next_unit(s + i, len - i, &w, esc, &is_esc);
        if (col + w <= skip) {
            col += w;
            i += l;
            continue;
        }
        if (col < skip) { /* a wide char split by the skip: pad */
            col += w;
            i += l;
            continue;
        }
        if (used + w > maxw)
            break;
        if (is_esc) {
            attron(A_DIM);
            addnstr(esc, (int)strlen(esc));
            attroff(A_DIM);
            attron(attr);
        } else if (w > 0) {
            addnstr(s + i, (int)l);
        }
        used += w;
        col += w;
        i += l;
    }
    attroff(attr);
    return used;
}

int draw_text(int y, int x, int maxw, const char *s, size_t len, int attr)
{
    return draw_text_from(y, x, maxw, s, len, 0, attr);
}

int draw_fmt(int y, int x, int maxw, int attr, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return draw_text(y, x, maxw, buf, strlen(buf), attr);
}

void draw_right(int y, int x_end, const char *s, int attr)
{
    int w = draw_width(s, strlen(s));
    int x = x_end - w;
    if (x < 0)
        x = 0;
    draw_text(y, x, x_end - x, s, strlen(s), attr);
}

void draw_fill(int y, int x, int w, int attr)
{
    if (w <= 0)
        return;
    attron(attr);
    mvhline(y, x, ' ', w);
    attroff(attr);
}

void draw_hline(int y, int x, int w, int attr)
{
    const char *h = term_syms()->hbar;
    attron(attr);
    move(y, x);
    for (int i = 0; i < w; i++)
        addstr(h);
    attroff(attr);
}

void draw_box(int y, int x, int h, int w, const char *title, const char *right,
              int attr)
{
    const term_symbols *sy = term_syms();
    attron(attr);
    mvaddstr(y, x, sy->tl);
    draw_hline(y, x + 1, w - 2, attr);
    mvaddstr(y, x + w - 1, sy->tr);
    for (int r = 1; r < h - 1; r++) {
        mvaddstr(y + r, x, sy->vbar);
        mvaddstr(y + r, x + w - 1, sy->vbar);
    }
    mvaddstr(y + h - 1, x, sy->bl);
    draw_hline(y + h - 1, x + 1, w - 2, attr);
    mvaddstr(y + h - 1, x + w - 1, sy->br);
    attroff(attr);
    if (title && *title) {
        char t[512];
        snprintf(t, sizeof t, " %s ", title);
        draw_text(y, x + 1, w - 4, t, strlen(t), attr | A_BOLD);
    }
    if (right && *right) {
        char t[256];
        snprintf(t, sizeof t, " %s ", right);
        draw_right(y, x + w - 2, t, attr);
    }
}

void draw_rule(int y, int x, int w, const char *left, const char *right, int attr)
{
    draw_hline(y, x, w, attr);
    if (left && *left) {
        char t[512];
        snprintf(t, sizeof t, " %s ", left);
        draw_text(y, x + 1, w - 2, t, strlen(t), attr | A_BOLD);
    }
    if (right && *right) {
        char t[256];
        snprintf(t, sizeof t, " %s ", right);
        draw_right(y, x + w - 1, t, attr);
    }
}

/* ui/draw.h — drawing primitives on stdscr: UTF-8 text clipped to a width
 * (wide characters counted as two columns, invalid bytes and control
 * characters shown escaped), fills, lines and boxes. */
#ifndef SRV_UI_DRAW_H
#define SRV_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

/* Columns `s` takes on screen (escapes included). */
int draw_width(const char *s, size_t len);
/* Draw at most `maxw` columns of s at (y, x) with attribute attr; returns the
 * columns used.  `skip` columns are skipped first (horizontal scrolling and
 * wrapped continuation rows). */
int draw_text(int y, int x, int maxw, const char *s, size_t len, int attr);
int draw_text_from(int y, int x, int maxw, const char *s, size_t len, int skip,
                   int attr);
/* printf-style convenience; returns columns used. */
int draw_fmt(int y, int x, int maxw, int attr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Right-align s so that it ends at column x_end (exclusive). */
void draw_right(int y, int x_end, const char *s, int attr);
void draw_fill(int y, int x, int w, int attr);
void draw_hline(int y, int x, int w, int attr);
/* A box with a title on its top border and an optional right title. */
void draw_box(int y, int x, int h, int w, const char *title, const char *right,
              int attr);
/* A horizontal rule with a title on the left and another on the right:
 * "─ title ────────── right ─" */
void draw_rule(int y, int x, int w, const char *left, const char *right, int attr);

#endif

/* tests/vt/vtterm.h — a virtual terminal screen (libvterm) for the screen-test
 * harness: feed it a program's output, read back the text and attributes of
 * its cells, the terminal modes, and the bytes a key sends in its current
 * modes (application cursor keys and so on). */
#ifndef SRV_VT_TERM_H
#define SRV_VT_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
#include "tests/vt/vtscript.h"

typedef struct vt_term vt_term;

vt_term *vt_term_new(int cols, int rows);
void vt_term_free(vt_term *t);
void vt_term_feed(vt_term *t, const char *bytes, size_t n);
void vt_term_resize(vt_term *t, int cols, int rows);
void vt_term_size(const vt_term *t, int *cols, int *rows);

/* Bytes the terminal sends back (answers to queries, keys): moved to `out`. */
void vt_term_take_output(vt_term *t, strbuf *out);
/* The bytes a key (ui/keys.h code) sends, appended to `out`. */
void vt_term_key(vt_term *t, int key, strbuf *out);

/* Text of row `row` (0-based), UTF-8, trailing blanks removed (caller frees).
 * With `cols` non-NULL, *cols receives a malloc'd array giving, for every
 * byte of the text, the column of its cell. */
char *vt_term_row_text(const vt_term *t, int row, int **cols);
/* The whole screen: every row right-trimmed, each ending in '\n'. */
char *vt_term_screen_text(const vt_term *t);
/* First occurrence of `text` (row by row); false when absent. */
bool vt_term_find(const vt_term *t, const char *text, int *row, int *col,
                  int *ncells);
/* Whether an extended regex matches one of the rows. */
bool vt_term_match(const vt_term *t, const regex_t *re);

/* Check the cells [col, col+ncells) of `row` against spec; on a mismatch
 * returns false and describes the first wrong cell in `why`. */
bool vt_term_check_attr(const vt_term *t, int row, int col, int ncells,
                        const vt_attrspec *spec, char *why, size_t whylen);

bool vt_term_altscreen(const vt_term *t);
bool vt_term_cursor_visible(const vt_term *t);
int vt_term_mouse(const vt_term *t); /* 0: no mouse reporting */
void vt_term_cursor(const vt_term *t, int *row, int *col);

#endif

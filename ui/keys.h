/* ui/keys.h — key names <-> key codes (curses codes, characters, controls).
 *
 * Names: a single printable character ("q", "?", "/", "G"), "Space", "Enter",
 * "Esc", "Tab", "BTab" (shift-Tab), "Backspace", "Delete", "Up", "Down",
 * "Left", "Right", "PgUp", "PgDn", "Home", "End", "F1".."F12", "C-a".."C-z"
 * (control keys; "C-c" is Ctrl-C).  Matching is case-sensitive for single
 * characters and case-insensitive for the long names. */
#ifndef SRV_UI_KEYS_H
#define SRV_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/* A key code: a character (< 256), a curses KEY_* code, or one of these. */
#define KEYS_NONE (-1)

/* Parse one key name; KEYS_NONE when unknown. */
int keys_parse(const char *name);
/* Canonical name of a key ("C-c", "PgDn", "q"); `buf` must hold 16 bytes. */
const char *keys_name(int key, char *buf, size_t n);
/* The same key in different encodings (Enter as '\r', '\n' or KEY_ENTER;
 * Backspace as 127, 8 or KEY_BACKSPACE) compare equal. */
int keys_normalize(int key);
/* The bytes a terminal sends for a key (for test harnesses); NULL if none. */
const char *keys_sequence(int key, char *buf, size_t n);

#endif

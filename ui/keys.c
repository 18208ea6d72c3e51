/* ui/keys.c — see keys.h. */
#include "config.h"

#include "ui/keys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int key;
    const char *seq; /* what an xterm sends */
} named[] = {
    {"Space", ' ', " "},
    {"Enter", '\r', "\r"},
    {"Esc", 27, "\033"},
    {"Tab", '\t', "\t"},
    {"BTab", KEY_BTAB, "\033[Z"},
    {"Backspace", 127, "\177"},
    {"Delete", KEY_DC, "\033[3~"},
    {"Up", KEY_UP, "\033[A"},
    {"Down", KEY_DOWN, "\033[B"},
    {"Right", KEY_RIGHT, "\033[C"},
    {"Left", KEY_LEFT, "\033[D"},
    {"PgUp", KEY_PPAGE, "\033[5~"},
    {"PgDn", KEY_NPAGE, "\033[6~"},
    {"Home", KEY_HOME, "\033[H"},
    {"End", KEY_END, "\033[F"},
};

static const char *const fseq[12] = {
    "\033OP",   "\033OQ",   "\033OR",   "\033OS",   "\033[15~", "\033[17~",
    "\033[18~", "\033[19~", "\033[20~", "\033[21~", "\033[23~", "\033[24~",
};

int keys_normalize(int key)
{
    switch (key) {
    case '\n':
    case KEY_ENTER:
        return '\r';
    case 8:
    case KEY_BACKSPACE:
        return 127;
    default:
        return key;
    }
}

int keys_parse(const char *name)
{
    if (!name || !*name)
        return KEYS_NONE;
    size_t n = strlen(name);
    if (n == 1)
        return (unsigned char)name[0] >= 32 && (unsigned char)name[0] < 127
                   ? (unsigned char)name[0]
                   : KEYS_NONE;
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcasecmp(name, named[i].name))
            return named[i].key;
    if (!strcasecmp(name, "PageUp"))
        return KEY_PPAGE;
    if (!strcasecmp(name, "PageDown"))
        return KEY_NPAGE;
    if (!strcasecmp(name, "Escape"))
        return 27;
    if (!strcasecmp(name, "Return"))
        return '\r';
    if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
        char c = name[2];
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 1;
        if (c >= 'A' && c <= 'Z')
            return c - 'A' + 1;
        return KEYS_NONE;
    }
    if ((name[0] == 'F' || name[0] == 'f') && n <= 3) {
        int k = 0;
        for (size_t i = 1; i < n; i++) {
            if (name[i] < '0' || name[i] > '9')
                return KEYS_NONE;
            k = k * 10 + (name[i] - '0');
        }
        if (k >= 1 && k <= 12)
            return KEY_F(k);
    }
    return KEYS_NONE;
}

const char *keys_name(int key, char *buf, size_t n)
{
    key = keys_normalize(key);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].key == key) {
            snprintf(buf, n, "%s", named[i].name);
            return buf;
        }
    if (key >= KEY_F(1) && key <= KEY_F(12)) {
        snprintf(buf, n, "F%d", key - KEY_F(0));
    } else if (key >= 1 && key <= 26) {
        snprintf(buf, n, "C-%c", 'a' + key - 1);
    } else if (key > 32 && key < 127) {
        snprintf(buf, n, "%c", key);
    } else {
        snprintf(buf, n, "<%d>", key);
    }
    return buf;
}

const char *keys_sequence(int key, char *buf, size_t n)
{
    key = keys_normalize(key);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].key == key) {
            snprintf(buf, n, "%s", named[i].seq);
            return buf;
        }
    if (key >= KEY_F(1) && key <= KEY_F(12)) {
        snprintf(buf, n, "%s", fseq[key - KEY_F(1)]);
        return buf;
    }
    if (key >= 1 && key < 127) {
        snprintf(buf, n, "%c", key);
        return buf;
    }
    return NULL;
}

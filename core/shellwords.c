/* core/shellwords.c — see shellwords.h. */
#include "config.h"

#include "core/shellwords.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_operator(char c)
{
    return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' ||
           c == ')' || c == '\n';
}

/* `$` followed by one of these starts an expansion; otherwise it is literal. */
static bool dollar_expands(char next)
{
    return (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z') ||
           (next >= '0' && next <= '9') || next == '_' || next == '{' || next == '(' ||
           next == '@' || next == '*' || next == '#' || next == '?' || next == '$' ||
           next == '!' || next == '-';
}

static shellwords_status fail(shellwords_status st, const char *s, size_t at, char *err,
                              size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s at column %zu of '%s'", what, at + 1, s);
    return st;
}

shellwords_status shellwords_split(const char *s, char ***words, size_t *n, char *err,
                                   size_t errlen)
{
    *words = NULL;
    *n = 0;
    char **out = util_xcalloc(1, sizeof *out);
    size_t nw = 0;
    strbuf w = STRBUF_INIT;
    bool in_word = false;
    shellwords_status st = SHELLWORDS_OK;
    size_t i = 0;
    size_t len = strlen(s);
    char what[64];

    while (i < len && st == SHELLWORDS_OK) {
        char c = s[i];
        if (is_blank(c)) {
            if (in_word) {
                out = util_xrealloc(out, (nw + 2) * sizeof *out);
                out[nw++] = strbuf_detach(&w, NULL);
                out[nw] = NULL;
                in_word = false;
            }
            i++;
            continue;
        }
        if (!in_word && c == '#')
            break; /* comment to the end */
        if (is_operator(c)) {
            if (c == '\n')
                snprintf(what, sizeof what, "a newline (command separator)");
            else
                snprintf(what, sizeof what, "shell operator '%c'", c);
            st = fail(SHELLWORDS_OPERATOR, s, i, err, errlen, what);
            break;
        }
        if (c == '`' || (c == '$' && i + 1 < len && dollar_expands(s[i + 1]))) {
            st = fail(SHELLWORDS_EXPANSION, s, i, err, errlen,
                      c == '`' ? "command substitution '`'" : "expansion '$'");
            break;
        }
        if (c == '*' || c == '?' || c == '[' || (c == '~' && !in_word)) {
            snprintf(what, sizeof what, "%s '%c'",
                     c == '~' ? "tilde expansion" : "pathname pattern", c);
            st = fail(SHELLWORDS_EXPANSION, s, i, err, errlen, what);
            break;
        }
        in_word = true;
        if (c == '\\') {
            if (i + 1 >= len) { /* a trailing backslash stays literal */
                strbuf_addc(&w, '\\');
                i++;
            } else if (s[i + 1] == '\n') { /* line continuation */
                i += 2;
            } else {
                strbuf_addc(&w, s[i + 1]);
                i += 2;
            }
            continue;
        }
        if (c == '\'') {
            const char *q = strchr(s + i + 1, '\'');
            if (!q) {
                st = fail(SHELLWORDS_UNTERMINATED, s, i, err, errlen, "unterminated quote '");
                break;
            }
            strbuf_add(&w, s + i + 1, (size_t)(q - (s + i + 1)));
            strbuf_grow(&w, 0); /* an empty '' still makes a word */
            i = (size_t)(q - s) + 1;
            continue;
        }
        if (c == '"') {
            size_t j = i + 1;
            strbuf_grow(&w, 0);
            for (;;) {
                if (j >= len) {
                    st = fail(SHELLWORDS_UNTERMINATED, s, i, err, errlen,
                              "unterminated quote \"");
                    break;
                }
                char d = s[j];
                if (d == '"')
                    break;
                if (d == '`' || (d == '$' && j + 1 < len && dollar_expands(s[j + 1]))) {
                    st = fail(SHELLWORDS_EXPANSION, s, j, err, errlen,
                              d == '`' ? "command substitution '`'" : "expansion '$'");
                    break;
                }
                if (d == '\\' && j + 1 < len &&
                    (s[j + 1] == '$' || s[j + 1] == '`' || s[j + 1] == '"' ||
                     s[j + 1] == '\\' || s[j + 1] == '\n')) {
                    if (s[j + 1] != '\n')
                        strbuf_addc(&w, s[j + 1]);
                    j += 2;
                    continue;
                }
                strbuf_addc(&w, d);
                j++;
            }
            i = j + 1;
            continue;
        }
        strbuf_addc(&w, c);
        i++;
    }
    if (st != SHELLWORDS_OK) {
        strbuf_free(&w);
        shellwords_free(out);
        return st;
    }
    if (in_word) {
        out = util_xrealloc(out, (nw + 2) * sizeof *out);
        strbuf_grow(&w, 0);
        out[nw++] = strbuf_detach(&w, NULL);
        out[nw] = NULL;
    }
    strbuf_free(&w);
    *words = out;
    *n = nw;
    return SHELLWORDS_OK;
}

void shellwords_free(char **words)
{
    if (!words)
        return;
    for (char **p = words; *p; p++)
        free(*p);
    free(words);
}

static bool safe_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_./=:,+@%^", (int)c) != NULL || c >= 0x80;
}

char *shellwords_quote(const char *word)
{
    bool safe = word[0] != '\0';
    for (const char *p = word; *p && safe; p++)
        safe = safe_char((unsigned char)*p);
    if (safe)
        return util_xstrdup(word);
    strbuf sb = STRBUF_INIT;
    strbuf_addc(&sb, '\'');
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            strbuf_adds(&sb, "'\\''");
        else
            strbuf_addc(&sb, *p);
    }
    strbuf_addc(&sb, '\'');
    return strbuf_detach(&sb, NULL);
}

char *shellwords_join(const char *const *words)
{
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, 0);
    for (size_t i = 0; words && words[i]; i++) {
        if (i)
            strbuf_addc(&sb, ' ');
        char *q = shellwords_quote(words[i]);
        strbuf_adds(&sb, q);
        free(q);
    }
    return strbuf_detach(&sb, NULL);
}

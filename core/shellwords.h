/* core/shellwords.h — split a string into words as /bin/sh would, without
 * running a shell: blanks separate words; single quotes, double quotes and
 * backslashes quote; an unquoted `#` at the start of a word begins a
 * comment.  Anything a shell would do more than quote removal — operators
 * (| & ; < > ( ) newline), expansions ($VAR, $(...), `...`, ~, globs) — is
 * refused with an error naming it and its column, so that a caller can fall
 * back to /bin/sh -c instead of guessing.  Used for the defaultArgs of the
 * commands srvconsole composes itself (compose, kubectl; spec §5.4). */
#ifndef SRV_SHELLWORDS_H
#define SRV_SHELLWORDS_H

#include <stddef.h>

typedef enum {
    SHELLWORDS_OK = 0,
    SHELLWORDS_UNTERMINATED, /* a quote is not closed */
    SHELLWORDS_OPERATOR,     /* | & ; < > ( ) or a newline */
    SHELLWORDS_EXPANSION,    /* $..., `...`, ~, * ? [ */
} shellwords_status;

/* Split `s`.  On success *words is a NULL-terminated malloc'd array of
 * malloc'd words (free with shellwords_free) and *n their number (may be
 * 0).  On failure *words is NULL and err says what and where (column is
 * 1-based, in bytes). */
shellwords_status shellwords_split(const char *s, char ***words, size_t *n, char *err,
                                   size_t errlen);
void shellwords_free(char **words);
/* A word quoted so that shellwords_split (and sh) give it back unchanged:
 * as is when it holds only safe characters, else in single quotes.
 * Caller frees. */
char *shellwords_quote(const char *word);
/* Words joined by single spaces, each quoted as above.  Caller frees. */
char *shellwords_join(const char *const *words);

#endif

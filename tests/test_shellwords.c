/* tests/test_shellwords.c — core/shellwords: splitting as /bin/sh does
 * (quotes, backslashes, comments), refusing operators and expansions, and
 * quoting that round-trips. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/shellwords.h"
#include "core/util.h"

/* Split `s` and compare with the expected words (NULL-terminated). */
static void expect_words(const char *s, const char *const *want)
{
    char **w = NULL;
    size_t n = 99;
    char err[256] = "";
    shellwords_status st = shellwords_split(s, &w, &n, err, sizeof err);
    cr_assert_eq(st, SHELLWORDS_OK, "split(%s) failed: %s", s, err);
    size_t nw = 0;
    while (want[nw])
        nw++;
    cr_assert_eq(n, nw, "split(%s): %zu words, want %zu", s, n, nw);
    for (size_t i = 0; i < nw; i++)
        cr_assert_str_eq(w[i], want[i], "split(%s) word %zu", s, i);
    cr_assert_null(w[n], "the array is NULL-terminated");
    shellwords_free(w);
}

static void expect_fail(const char *s, shellwords_status want, const char *in_err)
{
    char **w = (char **)1;
    size_t n = 99;
    char err[256] = "";
    shellwords_status st = shellwords_split(s, &w, &n, err, sizeof err);
    cr_assert_eq(st, want, "split(%s) = %d, want %d (%s)", s, st, want, err);
    cr_assert_null(w);
    cr_assert_eq(n, 0);
    cr_assert(strstr(err, in_err), "error '%s' should mention '%s'", err, in_err);
}

#define W(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

Test(shellwords, blanks_separate_words)
{
    expect_words("-d --wait", W("-d", "--wait"));
    expect_words("  mongo-repl-1\tredis   -d  ", W("mongo-repl-1", "redis", "-d"));
    expect_words("-v --rmi local", W("-v", "--rmi", "local"));
}

Test(shellwords, empty_and_blank_give_no_words)
{
    expect_words("", NONE);
    expect_words("   \t ", NONE);
}

Test(shellwords, single_quotes_are_literal)
{
    expect_words("'a b' 'x\\y' '$HOME' '*'", W("a b", "x\\y", "$HOME", "*"));
    expect_words("pre'mid dle'post", W("premid dlepost"));
}

Test(shellwords, double_quotes_keep_blanks_and_some_backslashes)
{
    expect_words("\"a b\" \"q\\\"q\" \"back\\\\slash\" \"a\\b\"",
                 W("a b", "q\"q", "back\\slash", "a\\b"));
    expect_words("\"cost \\$5\"", W("cost $5"));
}

Test(shellwords, empty_quotes_make_an_empty_word)
{
    expect_words("'' x \"\"", W("", "x", ""));
}

Test(shellwords, backslash_outside_quotes)
{
    expect_words("a\\ b c\\'d \\#e", W("a b", "c'd", "#e"));
    expect_words("con\\\ntinued", W("continued"));
    expect_words("trailing\\", W("trailing\\"));
}

Test(shellwords, comment_only_at_word_start)
{
    expect_words("a#b c # the rest ; | x", W("a#b", "c"));
    expect_words("#all", NONE);
}

Test(shellwords, literal_dollar_where_sh_keeps_it)
{
    expect_words("a$ $ \"$\" =$.", W("a$", "$", "$", "=$."));
}

Test(shellwords, equals_and_tilde_inside_a_word_are_plain)
{
    expect_words("--progress=plain a~b", W("--progress=plain", "a~b"));
}

Test(shellwords, operators_are_refused)
{
    expect_fail("up -d && echo hi", SHELLWORDS_OPERATOR, "'&'");
    expect_fail("a | b", SHELLWORDS_OPERATOR, "'|'");
    expect_fail("a;b", SHELLWORDS_OPERATOR, "column 2");
    expect_fail("a > out", SHELLWORDS_OPERATOR, "'>'");
    expect_fail("a < in", SHELLWORDS_OPERATOR, "'<'");
    expect_fail("(sub)", SHELLWORDS_OPERATOR, "'('");
    expect_fail("a\nb", SHELLWORDS_OPERATOR, "newline");
}

Test(shellwords, operators_inside_quotes_are_plain)
{
    expect_words("'a && b' \"x | y\" c\\;d", W("a && b", "x | y", "c;d"));
}

Test(shellwords, expansions_are_refused)
{
    expect_fail("$HOME", SHELLWORDS_EXPANSION, "'$'");
    expect_fail("a ${X}", SHELLWORDS_EXPANSION, "column 3");
    expect_fail("$(pwd)", SHELLWORDS_EXPANSION, "'$'");
    expect_fail("\"in $X quotes\"", SHELLWORDS_EXPANSION, "'$'");
    expect_fail("`date`", SHELLWORDS_EXPANSION, "'`'");
    expect_fail("\"`date`\"", SHELLWORDS_EXPANSION, "'`'");
    expect_fail("~/x", SHELLWORDS_EXPANSION, "tilde");
    expect_fail("*.yml", SHELLWORDS_EXPANSION, "'*'");
    expect_fail("a?", SHELLWORDS_EXPANSION, "'?'");
    expect_fail("[ab]", SHELLWORDS_EXPANSION, "'['");
}

Test(shellwords, unterminated_quotes)
{
    expect_fail("'open", SHELLWORDS_UNTERMINATED, "column 1");
    expect_fail("x \"open", SHELLWORDS_UNTERMINATED, "column 3");
}

Test(shellwords, error_buffer_may_be_absent)
{
    char **w;
    size_t n;
    cr_assert_eq(shellwords_split("a|b", &w, &n, NULL, 0), SHELLWORDS_OPERATOR);
    cr_assert_null(w);
}

Test(shellwords, quote_leaves_safe_words_alone)
{
    char *q = shellwords_quote("--progress=plain");
    cr_assert_str_eq(q, "--progress=plain");
    free(q);
    q = shellwords_quote("");
    cr_assert_str_eq(q, "''");
    free(q);
    q = shellwords_quote("it's a b");
    cr_assert_str_eq(q, "'it'\\''s a b'");
    free(q);
}

Test(shellwords, join_round_trips_through_split)
{
    const char *words[] = {"plain", "with space", "it's", "", "$HOME", "a|b", "*", "~x",
                           "tab\there", NULL};
    char *j = shellwords_join(words);
    char **w;
    size_t n;
    cr_assert_eq(shellwords_split(j, &w, &n, NULL, 0), SHELLWORDS_OK, "%s", j);
    cr_assert_eq(n, 9, "%s", j);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(w[i], words[i]);
    shellwords_free(w);
    free(j);
}

Test(shellwords, join_of_nothing_is_empty)
{
    const char *none[] = {NULL};
    char *j = shellwords_join(none);
    cr_assert_str_eq(j, "");
    free(j);
}

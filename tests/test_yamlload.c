/* tests/test_yamlload.c — core/yamlload: js-yaml 4 `load` semantics (typing of
 * plain scalars, key order, duplicate keys, merge keys, aliases, tags) and
 * every kind of bad input, each with its file:line:col error.  Expected
 * values are what js-yaml 4.1.0 loads from the same text (spec §2.1). */
#include "config.h"
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/registry.h"
#include "core/yamlload.h"

static arena A;
static char err[SRV_ERRLEN];

static void setup(void)
{
    arena_init(&A);
    err[0] = '\0';
}
static void teardown(void) { arena_free(&A); }

TestSuite(typing, .init = setup, .fini = teardown);
TestSuite(keys, .init = setup, .fini = teardown);
TestSuite(merge, .init = setup, .fini = teardown);
TestSuite(alias, .init = setup, .fini = teardown);
TestSuite(tags, .init = setup, .fini = teardown);
TestSuite(bad, .init = setup, .fini = teardown);
TestSuite(pos, .init = setup, .fini = teardown);

static val *loadn(const char *text, size_t len)
{
    val *root = (val *)1;
    int rc = yamlload_parse(&A, "t.yaml", text, len, &root, err);
    cr_assert_eq(rc, 0, "parse failed: %s\n--- input:\n%.300s", err, text);
    return root;
}

static val *load(const char *text) { return loadn(text, strlen(text)); }

/* Parse that must fail; returns the message, checked to start with the file
 * name and a line:column. */
static const char *load_errn(const char *text, size_t len)
{
    val *root = (val *)1;
    int rc = yamlload_parse(&A, "t.yaml", text, len, &root, err);
    cr_assert_eq(rc, -1, "parse of %.200s should fail", text);
    cr_assert_null(root);
    int line = 0, col = 0;
    cr_assert_eq(sscanf(err, "t.yaml:%d:%d:", &line, &col), 2,
                 "no file:line:col in: %s", err);
    cr_assert(line >= 1 && col >= 1, "%s", err);
    return err;
}

static const char *load_err(const char *text) { return load_errn(text, strlen(text)); }

/* The value of `k` in "k: <text>". */
static val *value_of(const char *text)
{
    char buf[512];
    snprintf(buf, sizeof buf, "k: %s\n", text);
    val *root = load(buf);
    cr_assert(val_is(root, VAL_MAP));
    return val_get(root, "k");
}

static void expect_str(const char *text, const char *want)
{
    val *v = value_of(text);
    cr_assert(val_is(v, VAL_STR), "%s: expected a string, got %s", text,
              val_kind_name(v));
    cr_assert_str_eq(val_str(v), want, "%s", text);
}

static void expect_num(const char *text, double want, bool is_int)
{
    val *v = value_of(text);
    cr_assert(val_is(v, VAL_NUM), "%s: expected a number, got %s", text,
              val_kind_name(v));
    if (isnan(want))
        cr_assert(isnan(v->u.num), "%s", text);
    else
        cr_assert_eq(v->u.num, want, "%s: %.17g != %.17g", text, v->u.num, want);
    cr_assert_eq(!!signbit(v->u.num), !!signbit(want), "%s: sign of zero", text);
    cr_assert_eq(v->is_int, is_int, "%s: is_int", text);
    cr_assert_str_eq(v->raw, text, "raw text of %s", text);
}

static const char *keys(const val *m)
{
    static char buf[1024];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->u.map.n; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "",
                              m->u.map.items[i].key);
    return buf;
}

/* ---- typing of plain scalars (spec §2.1) ------------------------------------ */

Test(typing, null_forms)
{
    const char *nulls[] = {"~", "null", "Null", "NULL", ""};
    for (size_t i = 0; i < SRV_ARRAY_LEN(nulls); i++)
        cr_assert(val_is(value_of(nulls[i]), VAL_NULL), "'%s'", nulls[i]);
    expect_str("nULL", "nULL");
    expect_str("none", "none");
    expect_str("~~", "~~");
    /* an empty value in a list and a key without value */
    val *root = load("a:\nb: [~, ]\nc:\n  - \n");
    cr_assert(val_is(val_get(root, "a"), VAL_NULL));
    cr_assert_eq(val_len(val_get(root, "b")), 1);
    cr_assert(val_is(val_get(root, "c")->u.seq.items[0], VAL_NULL));
}

Test(typing, only_six_boolean_forms)
{
    const char *t[] = {"true", "True", "TRUE"}, *f[] = {"false", "False", "FALSE"};
    for (int i = 0; i < 3; i++) {
        val *v = value_of(t[i]);
        cr_assert(val_is(v, VAL_BOOL) && v->u.b, "%s", t[i]);
        v = value_of(f[i]);
        cr_assert(val_is(v, VAL_BOOL) && !v->u.b, "%s", f[i]);
    }
    const char *words[] = {"yes", "no", "on", "off", "y", "n", "Yes", "NO",
                           "On", "OFF", "tRUE", "fAlse", "truee"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(words); i++)
        expect_str(words[i], words[i]);
}

Test(typing, integers)
{
    expect_num("0", 0, true);
    expect_num("7", 7, true);
    expect_num("010", 10, true); /* decimal, not octal */
    expect_num("08", 8, true);
    expect_num("0x1F", 31, true);
    expect_num("0x1f", 31, true);
    expect_num("-0x1F", -31, true);
    expect_num("0o17", 15, true);
    expect_num("0b101", 5, true);
    expect_num("1_000", 1000, true);
    expect_num("1__0", 10, true);
    expect_num("0x_1", 1, true);
    expect_num("+1", 1, true);
    expect_num("-1", -1, true);
    expect_num("-0", 0, true);    /* js-yaml returns 0 for "0" before the sign */
    expect_num("-00", -0.0, true); /* ... but -0 for other zeros */
    expect_num("-0x0", -0.0, true);
    expect_num("9007199254740993", 9007199254740992.0, true);
    expect_num("12345678901234567890", 12345678901234567890.0, true);
}

Test(typing, long_integer_is_not_truncated)
{
    char text[256] = "1";
    memset(text + 1, '0', 200);
    text[201] = '\0';
    expect_num(text, 1e200, true);
}

Test(typing, not_integers)
{
    /* forms js-yaml does not read as numbers stay strings */
    const char *s[] = {"0b", "0x", "0o", "0b2", "0o8", "0xG", "1_", "_1", "0_",
                       "1 000", "0x1F_", "--1", "1-", "12:30", "1,000", "0b1_",
                       "+", "0x1.5", "١٢"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(s); i++)
        expect_str(s[i], s[i]);
}

Test(typing, floats)
{
    expect_num("1.5", 1.5, false);
    expect_num(".5", 0.5, false);
    expect_num("1.", 1, false);
    expect_num("1e3", 1000, false);
    expect_num("1E3", 1000, false);
    expect_num("1.5e+3", 1500, false);
    expect_num("-1.5e3", -1500, false);
    expect_num("2.5e-3", 0.0025, false);
    expect_num("1_0.5", 10.5, false);
    expect_num("._1", 0.1, false);
    expect_num("-0.0", -0.0, false);
    expect_num("3.10", 3.1, false);
    expect_num(".inf", INFINITY, false);
    expect_num(".Inf", INFINITY, false);
    expect_num(".INF", INFINITY, false);
    expect_num("+.inf", INFINITY, false);
    expect_num("-.inf", -INFINITY, false);
    expect_num(".nan", NAN, false);
    expect_num(".NaN", NAN, false);
    expect_num(".NAN", NAN, false);
    expect_num("-0_0", -0.0, false);
}

Test(typing, not_floats)
{
    const char *s[] = {"+.5", "-.5", "1e", "1e+", ".", "._", "1.2.3", ".nAn",
                       "inf", "nan", "-.nan", "1e3.5", "e3", "1.5_", ".e3",
                       "Infinity", "NaN", "1.0.0"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(s); i++)
        expect_str(s[i], s[i]);
}

Test(typing, raw_text_kept_for_numbers)
{
    /* an unquoted image tag 3.10 is the number 3.1, whose source text the
     * validator can still show */
    val *v = value_of("3.10");
    cr_assert_eq(v->u.num, 3.1);
    cr_assert_str_eq(v->raw, "3.10");
    v = value_of("0x1F");
    cr_assert_str_eq(v->raw, "0x1F");
    cr_assert_null(value_of("'3.10'")->raw);
}

Test(typing, timestamps_are_flagged_strings)
{
    const char *ts[] = {"2025-11-24", "2001-12-14t21:59:43.10-05:00",
                        "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.10 -5",
                        "2001-1-1 1:02:03", "2002-12-14 21:59:43 +05:30",
                        "2001-12-14\t21:59:43.123456"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(ts); i++) {
        val *v = value_of(ts[i]);
        cr_assert(val_is(v, VAL_STR), "%s", ts[i]);
        cr_assert_str_eq(val_str(v), ts[i]);
        cr_assert(v->timestamp, "%s should be flagged", ts[i]);
        cr_assert_eq(yamlload_resolve_plain(ts[i], strlen(ts[i])),
                     YAML_PLAIN_TIMESTAMP, "%s", ts[i]);
    }
    const char *not_ts[] = {"2001-1-1", "2001-01-01T01:02", "2001-01-01x",
                            "2001-01-011", "201-01-01", "2001-01-01T1:02:03 ",
                            "2001-001-01", "2001-01-01 123:00:00",
                            "2001-01-01T01:02:03+"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(not_ts); i++) {
        cr_assert_neq(yamlload_resolve_plain(not_ts[i], strlen(not_ts[i])),
                      YAML_PLAIN_TIMESTAMP, "%s", not_ts[i]);
    }
    cr_assert_not(value_of("'2025-11-24'")->timestamp);
    cr_assert_not(value_of("2001-1-1")->timestamp);
}

Test(typing, quoted_scalars_are_always_strings)
{
    const char *q[][2] = {
        {"'123'", "123"},   {"\"true\"", "true"}, {"'null'", "null"},
        {"'~'", "~"},       {"\"\"", ""},         {"''", ""},
        {"'.inf'", ".inf"}, {"\"0x1F\"", "0x1F"}, {"'<<'", "<<"},
        {"\"6379\"", "6379"}, {"'1:2'", "1:2"},   {"'it''s'", "it's"},
        {"\"a\\tb\\u00e9\\x41\"", "a\tb\xc3\xa9" "A"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(q); i++) {
        val *v = value_of(q[i][0]);
        cr_assert(val_is(v, VAL_STR), "%s", q[i][0]);
        cr_assert_str_eq(val_str(v), q[i][1]);
        cr_assert(v->quoted, "%s", q[i][0]);
        cr_assert_not(v->timestamp);
    }
    cr_assert_not(value_of("abc")->quoted);
    /* block scalars are strings too */
    val *root = load("a: |\n  123\nb: >-\n  true\n  x\n");
    cr_assert_str_eq(val_str(val_get(root, "a")), "123\n");
    cr_assert_str_eq(val_str(val_get(root, "b")), "true x");
}

Test(typing, plain_strings_with_indicators_inside)
{
    expect_str("echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27017/admin --quiet",
               "echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27017/admin --quiet");
    expect_str("${MONGO_HOST:-mongo-repl-1:27017}", "${MONGO_HOST:-mongo-repl-1:27017}");
    expect_str("a#b", "a#b");
    expect_str("value # a comment", "value");
    expect_str("<<", "<<"); /* a merge key only as a key */
    expect_str("été", "été");
}

Test(typing, resolver_table)
{
    static const struct {
        const char *s;
        yaml_plain_type t;
    } v[] = {
        {"", YAML_PLAIN_NULL},         {"~", YAML_PLAIN_NULL},
        {"True", YAML_PLAIN_BOOL},     {"0o7", YAML_PLAIN_INT},
        {"-0b1", YAML_PLAIN_INT},      {"1.", YAML_PLAIN_FLOAT},
        {"-.INF", YAML_PLAIN_FLOAT},   {"<<", YAML_PLAIN_MERGE},
        {"<<<", YAML_PLAIN_STR},       {"yes", YAML_PLAIN_STR},
        {"2025-11-24", YAML_PLAIN_TIMESTAMP},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++)
        cr_assert_eq(yamlload_resolve_plain(v[i].s, strlen(v[i].s)), v[i].t,
                     "%s", v[i].s);
}

/* ---- keys ----------------------------------------------------------------- */

Test(keys, integer_like_keys_first)
{
    val *root = load("b: 1\n10: 2\na: 3\n2: 4\n'0': 5\n01: 6\n'01': 7\n-1: 8\n");
    /* 01 is the integer 1; '01' and -1 are ordinary keys */
    cr_assert_str_eq(keys(root), "0|1|2|10|b|a|01|-1");
    cr_assert_eq(val_get(root, "1")->u.num, 6);
    cr_assert_eq(val_get(root, "01")->u.num, 7);
    /* the same in flow style and in nested maps */
    root = load("ports: {http: 80, 443: tls, 8080: alt, admin: 9000}\n");
    cr_assert_str_eq(keys(val_get(root, "ports")), "443|8080|http|admin");
}

Test(keys, non_string_keys_become_js_strings)
{
    val *root = load("1.0: a\n~: b\ntrue: c\n0x10: d\n1e3: e\n.inf: f\n-0: g\n"
                     "1.5: h\n");
    cr_assert_str_eq(keys(root), "0|1|16|1000|null|true|Infinity|1.5");
}

Test(keys, duplicate_key_is_an_error_with_position_and_path)
{
    const char *e = load_err("a: 1\nb: 2\na: 3\n");
    cr_assert(strstr(e, "t.yaml:3:1:"), "%s", e);
    cr_assert(strstr(e, "duplicated mapping key \"a\""), "%s", e);
    cr_assert(strstr(e, "line 1"), "%s", e);

    e = load_err("x:\n  y:\n    a: 1\n    a: 2\n");
    cr_assert(strstr(e, "t.yaml:4:5: x.y.a: duplicated mapping key"), "%s", e);

    e = load_err("list:\n  - name: a\n  - name: b\n    name: c\n");
    cr_assert(strstr(e, "t.yaml:4:5: list[1].name: duplicated"), "%s", e);

    e = load_err("{a: 1, b: 2, a: 3}\n");
    cr_assert(strstr(e, "t.yaml:1:14:"), "%s", e);
}

Test(keys, duplicates_after_conversion)
{
    /* keys are compared as JavaScript strings */
    const char *e = load_err("1: a\n'1': b\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    e = load_err("0x1: a\n1: b\n");
    cr_assert(strstr(e, "duplicated mapping key \"1\""), "%s", e);
    e = load_err("~: a\nnull: b\n");
    cr_assert(strstr(e, "duplicated mapping key \"null\""), "%s", e);
    /* a duplicate whose value is a collection is reported at the key */
    e = load_err("a: 1\na:\n  b: [1, 2]\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
}

Test(keys, keys_differing_after_a_nul_are_distinct)
{
    val *root = load("\"a\": 1\n\"a\\0b\": 2\n");
    cr_assert_eq(val_len(root), 2);
    cr_assert_eq(val_get_pairn(root, "a\0b", 3)->v->u.num, 2);
    cr_assert_eq(val_get(root, "a")->u.num, 1);
}

Test(keys, many_keys)
{
    /* a mix that used to be quadratic: ordinary keys, then index keys in
     * descending order */
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 20000; i++)
        strbuf_addf(&sb, "k%d: %d\n", i, i);
    for (int i = 20000; i > 0; i--)
        strbuf_addf(&sb, "%d: %d\n", i, i);
    val *root = loadn(sb.data, sb.len);
    strbuf_free(&sb);
    cr_assert_eq(val_len(root), 40000);
    cr_assert_str_eq(root->u.map.items[0].key, "1");
    cr_assert_str_eq(root->u.map.items[19999].key, "20000");
    cr_assert_str_eq(root->u.map.items[20000].key, "k0");
    cr_assert_str_eq(root->u.map.items[39999].key, "k19999");
    cr_assert_eq(val_get(root, "k777")->u.num, 777);
    cr_assert_eq(val_get(root, "777")->u.num, 777);
}

/* ---- merge keys ----------------------------------------------------------- */

Test(merge, single_alias)
{
    val *root = load("base: &b {x: 1, y: 2}\nsvc:\n  <<: *b\n  z: 3\n");
    val *svc = val_get(root, "svc");
    cr_assert_str_eq(keys(svc), "x|y|z");
    cr_assert_eq(val_get(svc, "x")->u.num, 1);
    cr_assert(val_get_pair(svc, "x")->merged);
    cr_assert_not(val_get_pair(svc, "z")->merged);
}

Test(merge, list_of_aliases_first_wins)
{
    val *root = load("a: &a {x: a, only_a: 1}\nb: &b {x: b, only_b: 2}\n"
                     "c:\n  <<: [*a, *b]\n");
    val *c = val_get(root, "c");
    cr_assert_str_eq(keys(c), "x|only_a|only_b");
    cr_assert_str_eq(val_str(val_get(c, "x")), "a");
}

Test(merge, explicit_keys_override_merged_ones)
{
    /* after the merge: replaces in place; before it: the merge skips it */
    val *root = load("a: &a {x: 1, y: 2, w: 0}\n"
                     "after:\n  <<: *a\n  y: 20\n"
                     "before:\n  y: 30\n  <<: *a\n");
    val *after = val_get(root, "after"), *before = val_get(root, "before");
    cr_assert_str_eq(keys(after), "x|y|w");
    cr_assert_eq(val_get(after, "y")->u.num, 20);
    cr_assert_not(val_get_pair(after, "y")->merged);
    cr_assert_str_eq(keys(before), "y|x|w");
    cr_assert_eq(val_get(before, "y")->u.num, 30);
    /* the anchored map itself is unchanged */
    cr_assert_eq(val_get(val_get(root, "a"), "y")->u.num, 2);
}

Test(merge, a_merged_key_is_overridden_only_once)
{
    const char *e = load_err("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n  x: 3\n");
    cr_assert(strstr(e, "t.yaml:5:3: b.x: duplicated mapping key"), "%s", e);
}

Test(merge, index_keys_still_come_first)
{
    val *root = load("a: &a {name: n, 80: http}\nb:\n  z: 1\n  <<: *a\n  443: tls\n");
    cr_assert_str_eq(keys(val_get(root, "b")), "80|443|z|name");
}

Test(merge, nested_and_inline_merges)
{
    val *root = load("a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n"
                     "d:\n  <<: {inline: true}\n");
    cr_assert_str_eq(keys(val_get(root, "c")), "x|y");
    cr_assert(val_get(val_get(root, "d"), "inline")->u.b);
}

Test(merge, non_map_sources_are_errors)
{
    const char *e = load_err("a: 1\nb:\n  <<: 5\n");
    cr_assert(strstr(e, "t.yaml:3:7:"), "%s", e);
    cr_assert(strstr(e, "cannot merge mappings"), "%s", e);
    e = load_err("a: &a {x: 1}\nb:\n  <<: [*a, 7]\n");
    cr_assert(strstr(e, "cannot merge mappings"), "%s", e);
    e = load_err("b:\n  <<:\n");
    cr_assert(strstr(e, "cannot merge mappings"), "%s", e);
}

Test(merge, quoted_merge_key_is_an_ordinary_key)
{
    val *root = load("a: &a {x: 1}\nb:\n  '<<': *a\n");
    val *b = val_get(root, "b");
    cr_assert_str_eq(keys(b), "<<");
    cr_assert(val_is(val_get(b, "<<"), VAL_MAP));
}

/* ---- aliases ---------------------------------------------------------------- */

Test(alias, aliases_share_the_anchored_node)
{
    val *root = load("a: &x {k: v}\nb: *x\nc: &s hello\nd: *s\ne: [&n 5, *n]\n");
    cr_assert_eq(val_get(root, "a"), val_get(root, "b"));
    cr_assert(val_strict_equal(val_get(root, "a"), val_get(root, "b")));
    cr_assert_str_eq(val_str(val_get(root, "d")), "hello");
    cr_assert_eq(val_get(root, "e")->u.seq.items[1]->u.num, 5);
}

Test(alias, redefined_anchor_latest_wins)
{
    val *root = load("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
    cr_assert_eq(val_get(root, "b")->u.num, 1);
    cr_assert_eq(val_get(root, "d")->u.num, 2);
}

Test(alias, unknown_alias_is_an_error)
{
    const char *e = load_err("a: 1\nb: *nope\n");
    cr_assert(strstr(e, "t.yaml:2:4: b: unidentified alias \"nope\""), "%s", e);
}

Test(alias, an_alias_to_an_open_collection_is_an_error)
{
    /* a cycle: the anchor is only registered once its collection ends */
    const char *e = load_err("a: &x [1, *x]\n");
    cr_assert(strstr(e, "unidentified alias \"x\""), "%s", e);
}

Test(alias, billion_laughs_is_refused)
{
    const char *bomb =
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    const char *e = load_err(bomb);
    cr_assert(strstr(e, "alias"), "%s", e);
    cr_assert(strstr(e, "2000000"), "%s", e);
    cr_assert(strstr(e, "t.yaml:7:"), "%s", e); /* 9^7 > 2,000,000 */
}

Test(alias, a_moderate_expansion_is_fine)
{
    val *root = load("a: &a [1, 2, 3]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n");
    cr_assert_eq(val_len(val_get(root, "c")), 3);
}

Test(alias, many_anchors_and_aliases)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "a:\n");
    for (int i = 0; i < 20000; i++)
        strbuf_addf(&sb, "  - &a%d v%d\n", i, i);
    strbuf_adds(&sb, "b:\n");
    for (int i = 0; i < 20000; i++)
        strbuf_adds(&sb, "  - *a0\n");
    strbuf_adds(&sb, "c: *a19999\n");
    val *root = loadn(sb.data, sb.len);
    strbuf_free(&sb);
    cr_assert_eq(val_len(val_get(root, "b")), 20000);
    cr_assert_str_eq(val_str(val_get(root, "b")->u.seq.items[123]), "v0");
    cr_assert_str_eq(val_str(val_get(root, "c")), "v19999");
}

/* ---- explicit tags ------------------------------------------------------------ */

Test(tags, core_tags)
{
    val *root = load("a: !!str 123\nb: !!int \"7\"\nc: !!float 1\nd: !!bool 'true'\n"
                     "e: !!null\nf: ! 12\ng: !<tag:yaml.org,2002:str> 12\n"
                     "h: !!map {x: 1}\ni: !!seq [1]\nj: !!str\nk: !!int 0x10\n");
    cr_assert_str_eq(val_str(val_get(root, "a")), "123");
    cr_assert_eq(val_get(root, "b")->u.num, 7);
    cr_assert_eq(val_get(root, "c")->u.num, 1);
    cr_assert_not(val_get(root, "c")->is_int);
    cr_assert(val_get(root, "d")->u.b);
    cr_assert(val_is(val_get(root, "e"), VAL_NULL));
    cr_assert_str_eq(val_str(val_get(root, "f")), "12");
    cr_assert_str_eq(val_str(val_get(root, "g")), "12");
    cr_assert(val_is(val_get(root, "h"), VAL_MAP));
    cr_assert(val_is(val_get(root, "i"), VAL_SEQ));
    cr_assert_str_eq(val_str(val_get(root, "j")), "");
    cr_assert_eq(val_get(root, "k")->u.num, 16);
}

Test(tags, unknown_tag_is_an_error)
{
    const char *e = load_err("a: 1\nb: !foo x\n");
    cr_assert(strstr(e, "t.yaml:2:4: b: unknown tag !foo"), "%s", e);
    e = load_err("a: !bar [1]\n");
    cr_assert(strstr(e, "unknown tag !bar"), "%s", e);
    /* a scalar tag on a collection */
    e = load_err("a: !!str [1]\n");
    cr_assert(strstr(e, "unknown tag"), "%s", e);
}

Test(tags, value_not_matching_its_tag_is_an_error)
{
    const char *e = load_err("port: !!int abc\n");
    cr_assert(strstr(e, "t.yaml:1:7: port: cannot resolve \"abc\""), "%s", e);
    e = load_err("a: !!int 1.5\n");
    cr_assert(strstr(e, "cannot resolve"), "%s", e);
    e = load_err("a: !!bool yes\n");
    cr_assert(strstr(e, "cannot resolve"), "%s", e);
}

/* ---- bad input ------------------------------------------------------------------ */

Test(bad, empty_file_is_undefined)
{
    val *root = (val *)1;
    cr_assert_eq(yamlload_parse(&A, "t.yaml", "", 0, &root, err), 0);
    cr_assert_null(root);
    root = (val *)1;
    cr_assert_eq(yamlload_parse(&A, "t.yaml", "  \n", 3, &root, err), 0);
    cr_assert_null(root);
    registry r;
    cr_assert_eq(registry_load_string(&r, "reg.yaml", "", 0, err), -1);
    cr_assert(strstr(err, "reg.yaml: the registry is empty"), "%s", err);
    registry_free(&r);
}

Test(bad, comments_only_is_null)
{
    val *root = load("# nothing here\n\n# still nothing\n");
    cr_assert(val_is(root, VAL_NULL));
    registry r;
    const char *t = "# commented out\n";
    cr_assert_eq(registry_load_string(&r, "reg.yaml", t, strlen(t), err), -1);
    cr_assert(strstr(err, "reg.yaml: the registry is empty"), "%s", err);
    registry_free(&r);
}

Test(bad, not_yaml)
{
    const char *e = load_err("services: [\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    e = load_err("a: 'unterminated\n");
    cr_assert(strstr(e, "t.yaml:"), "%s", e);
    e = load_err("a: b: c\n");
    cr_assert(strstr(e, "t.yaml:1:5:"), "%s", e);
    e = load_err("]\n");
    cr_assert(strstr(e, "t.yaml:1:1:"), "%s", e);
    e = load_err("a:\n  b: 1\n c: 2\n");
    cr_assert(strstr(e, "t.yaml:3:"), "%s", e);
    e = load_err("{\"json\": true,, }\n");
    cr_assert(strstr(e, "t.yaml:1:"), "%s", e);
}

Test(bad, tabs_in_indentation)
{
    const char *e = load_err("services:\n\tengine: 1\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    cr_assert(strstr(e, "services"), "%s", e); /* the key path */
    e = load_err("a: 1\n\tb: 2\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    cr_assert(strstr(e, "tab"), "%s", e);
}

Test(bad, scalar_or_list_at_the_top)
{
    /* yamlload accepts any root; the registry wants a map */
    cr_assert_str_eq(val_str(load("just a scalar\n")), "just a scalar");
    cr_assert(val_is(load("- a\n- b\n"), VAL_SEQ));
    registry r;
    const char *t = "just a scalar\n";
    cr_assert_eq(registry_load_string(&r, "reg.yaml", t, strlen(t), err), -1);
    cr_assert(strstr(err, "reg.yaml:1:1: expected a map at the top level, got a string"),
              "%s", err);
    registry_free(&r);
    t = "\n- a\n- b\n";
    cr_assert_eq(registry_load_string(&r, "reg.yaml", t, strlen(t), err), -1);
    cr_assert(strstr(err, "reg.yaml:2:1: expected a map at the top level, got a list"),
              "%s", err);
    registry_free(&r);
    t = "42\n";
    cr_assert_eq(registry_load_string(&r, "reg.yaml", t, strlen(t), err), -1);
    cr_assert(strstr(err, "got an integer"), "%s", err);
    registry_free(&r);
}

Test(bad, nul_byte_and_control_characters)
{
    const char *e = load_errn("a: b\0c\n", 7);
    cr_assert(strstr(e, "t.yaml:1:5:"), "%s", e);
    e = load_err("a: b\x01" "c\n");
    cr_assert(strstr(e, "t.yaml:1:5:"), "%s", e);
    e = load_err("a: 1\nb: \"x\x7f\"\n");
    cr_assert(strstr(e, "t.yaml:2:"), "%s", e);
}

Test(bad, binary_garbage)
{
    /* deterministic random bytes including NULs: an error, never a crash */
    unsigned long s = 12345;
    char buf[4096];
    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            s = s * 6364136223846793005ul + 1442695040888963407ul;
            buf[i] = (char)(s >> 56);
        }
        val *root;
        int rc = yamlload_parse(&A, "t.yaml", buf, sizeof buf, &root, err);
        cr_assert_eq(rc, -1, "garbage round %d parsed", round);
        cr_assert(strncmp(err, "t.yaml:", 7) == 0, "%s", err);
    }
}

Test(bad, invalid_utf8)
{
    const char *e = load_err("a: \xff\xfe\n");
    cr_assert(strstr(e, "t.yaml:1:4:"), "%s", e);
    cr_assert(strstr(e, "UTF-8"), "%s", e);
    e = load_err("a: ok\nb: \xc0\xaf\n"); /* overlong '/' */
    cr_assert(strstr(e, "t.yaml:2:4:"), "%s", e);
    e = load_err("a: \xed\xa0\x80\n"); /* an encoded surrogate */
    cr_assert(strstr(e, "t.yaml:1:4:"), "%s", e);
    e = load_err("é: x\nb: \xe2\x82"); /* truncated at the end */
    cr_assert(strstr(e, "t.yaml:2:"), "%s", e);
    /* valid multi-byte text is fine, and columns count characters */
    val *root = load("é: ü\n");
    cr_assert_eq(val_get(root, "é")->col, 4);
}

Test(bad, file_over_the_size_cap_is_refused)
{
    char dir[] = "/tmp/test_yamlload.XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/config-registry.yaml", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    /* 50 MB, sparse: the cap is checked before reading */
    cr_assert_eq(ftruncate(fd, 50l * 1024 * 1024), 0);
    close(fd);
    registry r;
    int rc = registry_load(&r, path, "infrastructure/config-registry.yaml", err);
    registry_free(&r);
    unlink(path);
    rmdir(dir);
    cr_assert_eq(rc, -1);
    cr_assert(strstr(err, "config-registry.yaml"), "%s", err);
    cr_assert(strstr(err, "too large"), "%s", err);
    cr_assert(strstr(err, "50.0 MiB"), "%s", err);
    cr_assert(strstr(err, "48.0 MiB"), "%s", err);

    /* yamlload_file honours its own cap */
    val *root;
    snprintf(path, sizeof path, "%s/small.yaml", dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    cr_assert_eq(util_write_file_atomic(path, "a: 1\nb: 2\n", 10, err), 0, "%s", err);
    cr_assert_eq(yamlload_file(&A, path, 5, &root, err), -1);
    cr_assert(strstr(err, "too large"), "%s", err);
    cr_assert_eq(yamlload_file(&A, path, 100, &root, err), 0, "%s", err);
    cr_assert_eq(val_get(root, "b")->u.num, 2);
    unlink(path);
    rmdir(dir);
    cr_assert_eq(yamlload_file(&A, path, 100, &root, err), -1);
    cr_assert(strstr(err, "small.yaml"), "%s", err);
}

/* ~20 MB of valid YAML parses (the .timeout only guards against a hang) */
Test(bad, twenty_megabytes_of_valid_yaml, .timeout = 300)
{
    strbuf sb = STRBUF_INIT;
    strbuf_adds(&sb, "services:\n");
    int n = 0;
    while (sb.len < 20u * 1024 * 1024) {
        strbuf_addf(&sb,
                    "  svc%d:\n    name: service-%d\n    port: %d\n"
                    "    tags: [a, 'b', \"c\"]\n    env: {X: '%d', %d: y}\n",
                    n, n, 1000 + n % 60000, n, n % 100);
        n++;
    }
    val *root = loadn(sb.data, sb.len);
    strbuf_free(&sb);
    val *svcs = val_get(root, "services");
    cr_assert_eq(val_len(svcs), (size_t)n);
    char k[32];
    snprintf(k, sizeof k, "svc%d", n - 1);
    val *last = val_get(svcs, k);
    cr_assert_eq(val_get(last, "port")->u.num, 1000 + (n - 1) % 60000);
    char want[32];
    snprintf(want, sizeof want, "%d|X", (n - 1) % 100);
    cr_assert_str_eq(keys(val_get(last, "env")), want);
}

static void deep_fails(const char *text, size_t len)
{
    const char *e = load_errn(text, len);
    cr_assert(strstr(e, "nesting deeper than 256 levels"), "%s", e);
    cr_assert_lt(strlen(e), SRV_ERRLEN - 1);
}

Test(bad, ten_thousand_levels_of_flow_nesting)
{
    size_t n = 10000;
    char *t = malloc(2 * n + 2);
    memset(t, '[', n);
    memset(t + n, ']', n);
    t[2 * n] = '\n';
    deep_fails(t, 2 * n + 1);
    const char *e = err;
    cr_assert(strstr(e, "t.yaml:1:257:"), "%s", e);
    /* maps too */
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_adds(&sb, "{a: ");
    strbuf_addc(&sb, '1');
    strbuf_addrep(&sb, '}', n);
    deep_fails(sb.data, sb.len);
    strbuf_free(&sb);
    free(t);
}

Test(bad, ten_thousand_levels_of_block_nesting)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 10000; i++)
        strbuf_adds(&sb, "- ");
    strbuf_adds(&sb, "x\n");
    deep_fails(sb.data, sb.len);
    cr_assert(strstr(err, "t.yaml:1:513:"), "%s", err);
    sb.len = 0;
    /* block maps, one level per line, with keys long enough that the key
     * path alone would fill the error buffer */
    for (int i = 0; i < 10000; i++) {
        strbuf_addrep(&sb, ' ', (size_t)i);
        strbuf_adds(&sb, "kkkkkkkkkk:\n");
    }
    deep_fails(sb.data, sb.len);
    cr_assert(strstr(err, "t.yaml:257:257: kkkkkkkkkk.kkkkkkkkkk."), "%s", err);
    strbuf_free(&sb);
}

Test(bad, depth_limit_boundary)
{
    char t[1024];
    memset(t, '[', 256);
    memset(t + 256, ']', 256);
    t[512] = '\0';
    val *v = load(t);
    for (int i = 0; i < 255; i++)
        v = v->u.seq.items[0];
    cr_assert(val_is(v, VAL_SEQ));
    cr_assert_eq(val_len(v), 0);
    memset(t, '[', 257);
    memset(t + 257, ']', 257);
    t[514] = '\0';
    deep_fails(t, 514);
}

Test(bad, multiple_documents)
{
    const char *e = load_err("a: 1\n---\nb: 2\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    cr_assert(strstr(e, "single document"), "%s", e);
    e = load_err("---\na: 1\n...\n---\nb: 2\n");
    cr_assert(strstr(e, "t.yaml:4:1:"), "%s", e);
    /* one explicit document is fine */
    cr_assert_eq(val_get(load("---\na: 1\n...\n"), "a")->u.num, 1);
}

Test(bad, complex_keys)
{
    const char *e = load_err("? [a, b]\n: c\n");
    cr_assert(strstr(e, "t.yaml:1:3:"), "%s", e);
    cr_assert(strstr(e, "complex mapping keys"), "%s", e);
    e = load_err("ok: 1\n? {a: 1}\n: c\n");
    cr_assert(strstr(e, "t.yaml:2:3:"), "%s", e);
    e = load_err("[a]: 1\n");
    cr_assert(strstr(e, "complex mapping keys"), "%s", e);
    e = load_err("x: &s [1]\n*s : 2\n");
    cr_assert(strstr(e, "t.yaml:2:1:"), "%s", e);
    cr_assert(strstr(e, "complex mapping keys"), "%s", e);
    /* an explicit scalar key is fine */
    cr_assert_eq(val_get(load("? a\n: b\n"), "a")->kind, VAL_STR);
}

Test(bad, long_keys_keep_the_message_readable)
{
    strbuf sb = STRBUF_INIT, key = STRBUF_INIT;
    for (int i = 0; i < 2000; i++)
        strbuf_adds(&key, "é");
    strbuf_addf(&sb, "? %s\n: 1\n? %s\n: 2\n", key.data, key.data);
    const char *e = load_errn(sb.data, sb.len);
    cr_assert(strstr(e, "t.yaml:3:3:"), "%s", e);
    cr_assert(strstr(e, "duplicated mapping key"), "%s", e);
    cr_assert(strstr(e, "(first defined at line 1)"), "%s", e);
    cr_assert(util_utf8_valid(e, strlen(e)), "cut inside a character: %s", e);
    strbuf_free(&sb);
    strbuf_free(&key);
}

/* ---- positions ---------------------------------------------------------------- */

Test(pos, node_and_key_positions)
{
    val *root = load("# header\nservices:\n  engine:\n    port: 8082\n"
                     "    args: [a, 'b']\n    list:\n      - x\n      - {y: 1}\n");
    cr_assert_eq(root->line, 2);
    cr_assert_eq(root->col, 1);
    const val_pair *p = val_get_pair(root, "services");
    cr_assert_eq(p->line, 2);
    cr_assert_eq(p->col, 1);
    val *engine = val_path(root, "services.engine");
    cr_assert_eq(engine->line, 4);
    cr_assert_eq(engine->col, 5);
    p = val_get_pair(engine, "port");
    cr_assert_eq(p->line, 4);
    cr_assert_eq(p->col, 5);
    cr_assert_eq(p->v->line, 4);
    cr_assert_eq(p->v->col, 11);
    val *args = val_get(engine, "args");
    cr_assert_eq(args->line, 5);
    cr_assert_eq(args->col, 11);
    cr_assert_eq(args->u.seq.items[1]->line, 5);
    cr_assert_eq(args->u.seq.items[1]->col, 15);
    val *list = val_get(engine, "list");
    cr_assert_eq(list->u.seq.items[0]->line, 7);
    cr_assert_eq(list->u.seq.items[0]->col, 9);
    cr_assert_eq(list->u.seq.items[1]->line, 8);
    cr_assert_eq(list->u.seq.items[1]->col, 9);
}

Test(pos, merged_keys_keep_their_source_position)
{
    val *root = load("a: &a\n  x: 1\nb:\n  <<: *a\n  y: 2\n");
    const val_pair *x = val_get_pair(val_get(root, "b"), "x");
    cr_assert_eq(x->line, 2);
    cr_assert_eq(x->col, 3);
    const val_pair *y = val_get_pair(val_get(root, "b"), "y");
    cr_assert_eq(y->line, 5);
}

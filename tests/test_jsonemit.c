/* tests/test_jsonemit.c — core/jsonemit: JSON.stringify(v, null, 2) and the
 * compact form, byte for byte (spec §3.3.6).  Expected texts are node's. */
#include "config.h"
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "core/jsonemit.h"
#include "core/yamlload.h"

static arena A;

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

TestSuite(json, .init = setup, .fini = teardown);

static const char *js(const val *v, int indent)
{
    strbuf sb = STRBUF_INIT;
    jsonemit(&sb, v, indent);
    char *s = arena_strndup(&A, sb.data ? sb.data : "", sb.len);
    strbuf_free(&sb);
    return s;
}

static const char *jstr(const char *s, size_t n)
{
    strbuf sb = STRBUF_INIT;
    jsonemit_string(&sb, s, n);
    char *r = arena_strndup(&A, sb.data, sb.len);
    strbuf_free(&sb);
    return r;
}

static val *load(const char *text)
{
    char err[SRV_ERRLEN];
    val *root = NULL;
    cr_assert_eq(yamlload_parse(&A, "t.yaml", text, strlen(text), &root, err), 0,
                 "%s", err);
    return root;
}

static val *N(double d) { return val_new_num(&A, d); }

Test(json, indented_layout_and_key_order)
{
    val *v = load("a:\n  b: [1, {c: d}, []]\n  e: {}\nf: []\ng: ~\nh: true\n"
                  "'80': port\n");
    cr_assert_str_eq(js(v, 2),
                     "{\n"
                     "  \"80\": \"port\",\n"
                     "  \"a\": {\n"
                     "    \"b\": [\n"
                     "      1,\n"
                     "      {\n"
                     "        \"c\": \"d\"\n"
                     "      },\n"
                     "      []\n"
                     "    ],\n"
                     "    \"e\": {}\n"
                     "  },\n"
                     "  \"f\": [],\n"
                     "  \"g\": null,\n"
                     "  \"h\": true\n"
                     "}");
}

Test(json, compact_form)
{
    val *v = load("a:\n  b: [1, {c: d}, []]\n  e: {}\nf: []\n");
    cr_assert_str_eq(js(v, 0), "{\"a\":{\"b\":[1,{\"c\":\"d\"},[]],\"e\":{}},\"f\":[]}");
}

Test(json, other_indent_widths)
{
    val *v = load("a: [1]\n");
    cr_assert_str_eq(js(v, 4), "{\n    \"a\": [\n        1\n    ]\n}");
}

Test(json, roots_and_empty_collections)
{
    cr_assert_str_eq(js(val_new_map(&A), 2), "{}");
    cr_assert_str_eq(js(val_new_seq(&A), 2), "[]");
    cr_assert_str_eq(js(val_new_str(&A, "top"), 2), "\"top\"");
    cr_assert_str_eq(js(N(5), 2), "5");
    cr_assert_str_eq(js(val_new_null(&A), 2), "null");
    cr_assert_str_eq(js(NULL, 2), "undefined");
    cr_assert_str_eq(js(load("[[[]]]\n"), 2), "[\n  [\n    []\n  ]\n]");
}

Test(json, numbers_as_javascript_prints_them)
{
    static const struct {
        double d;
        const char *out;
    } v[] = {
        {0, "0"}, {-0.0, "0"}, {8082, "8082"}, {-1, "-1"}, {1.5, "1.5"},
        {3.10, "3.1"}, {0.1 + 0.2, "0.30000000000000004"}, {1e21, "1e+21"},
        {1e-7, "1e-7"}, {5e-324, "5e-324"}, {123456789012345680000.0, "123456789012345680000"},
        {NAN, "null"}, {INFINITY, "null"}, {-INFINITY, "null"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++) {
        val *s = val_new_seq(&A);
        val_seq_push(&A, s, N(v[i].d));
        cr_expect_str_eq(js(s, 0), arena_sprintf(&A, "[%s]", v[i].out), "%.17g", v[i].d);
    }
}

Test(json, string_escapes)
{
    cr_assert_str_eq(jstr("\"\\", 2), "\"\\\"\\\\\"");
    cr_assert_str_eq(jstr("\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"");
    /* other control characters as \u00xx, lower-case hex */
    cr_assert_str_eq(jstr("\x00\x01\x1f\x1b\x0b", 5), "\"\\u0000\\u0001\\u001f\\u001b\\u000b\"");
    /* '/', DEL and non-ASCII stay literal (U+2028 too) */
    cr_assert_str_eq(jstr("/\x7f\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8", 11),
                     "\"/\x7f\xc3\xa9\xf0\x9f\x98\x80\xe2\x80\xa8\"");
    cr_assert_str_eq(jstr("", 0), "\"\"");
    /* keys are escaped the same way */
    val *m = val_new_map(&A);
    val_map_set(&A, m, "a\"b\n", val_new_str(&A, "${X:-y}"));
    cr_assert_str_eq(js(m, 2), "{\n  \"a\\\"b\\n\": \"${X:-y}\"\n}");
}

Test(json, undefined_values_are_omitted)
{
    val *m = val_new_map(&A), *inner = val_new_map(&A), *s = val_new_seq(&A);
    val_map_set(&A, m, "a", NULL);
    val_map_set(&A, m, "b", N(1));
    val_map_set(&A, inner, "x", NULL);
    val_map_set(&A, m, "c", inner);
    val_seq_push(&A, s, NULL); /* undefined in an array: null */
    val_seq_push(&A, s, val_new_null(&A));
    val_map_set(&A, m, "d", s);
    val_map_set(&A, m, "e", NULL);
    cr_assert_str_eq(js(m, 2),
                     "{\n  \"b\": 1,\n  \"c\": {},\n  \"d\": [\n    null,\n    null\n  ]\n}");
    cr_assert_str_eq(js(m, 0), "{\"b\":1,\"c\":{},\"d\":[null,null]}");
    val *only = val_new_map(&A);
    val_map_set(&A, only, "x", NULL);
    cr_assert_str_eq(js(only, 0), "{}");
}

Test(json, strings_that_look_like_other_types_stay_strings)
{
    val *v = load("a: '6379'\nb: 'true'\nc: 'null'\nd: 6379\ne: true\n");
    cr_assert_str_eq(js(v, 0), "{\"a\":\"6379\",\"b\":\"true\",\"c\":\"null\",\"d\":6379,\"e\":true}");
}

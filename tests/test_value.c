/* tests/test_value.c — core/value: JavaScript object key order, truthiness,
 * strict equality, dotted paths and JavaScript number/string conversions.
 * Expected strings are what node prints for the same values. */
#include "config.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/value.h"

static arena A;

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

TestSuite(map, .init = setup, .fini = teardown);
TestSuite(js, .init = setup, .fini = teardown);

/* The keys of a map, joined with '|'. */
static const char *keys(const val *m)
{
    static char buf[4096];
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->u.map.n; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? "|" : "",
                              m->u.map.items[i].key);
    return buf;
}

static const char *num(double d)
{
    static char buf[64];
    strbuf sb = STRBUF_INIT;
    val_fmt_number(&sb, d);
    snprintf(buf, sizeof buf, "%s", sb.data);
    strbuf_free(&sb);
    return buf;
}

static const char *js(const val *v)
{
    static char buf[256];
    strbuf sb = STRBUF_INIT;
    val_to_js_string(&sb, v);
    snprintf(buf, sizeof buf, "%s", sb.data ? sb.data : "");
    strbuf_free(&sb);
    return buf;
}

/* ---- maps --------------------------------------------------------------- */

Test(map, insertion_order_of_string_keys)
{
    val *m = val_new_map(&A);
    val_map_set(&A, m, "zeta", val_new_num(&A, 1));
    val_map_set(&A, m, "alpha", val_new_num(&A, 2));
    val_map_set(&A, m, "mid", val_new_num(&A, 3));
    cr_assert_str_eq(keys(m), "zeta|alpha|mid");
    cr_assert_eq(val_len(m), 3);
}

Test(map, index_keys_first_in_ascending_order)
{
    val *m = val_new_map(&A);
    const char *in[] = {"b", "10", "a", "2", "0", "c", "4294967294", "1"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(in); i++)
        val_map_set(&A, m, in[i], val_new_str(&A, in[i]));
    cr_assert_str_eq(keys(m), "0|1|2|10|4294967294|b|a|c");
    /* every key still finds its own value */
    for (size_t i = 0; i < SRV_ARRAY_LEN(in); i++)
        cr_assert_str_eq(val_str(val_get(m, in[i])), in[i]);
}

Test(map, non_canonical_numbers_are_ordinary_keys)
{
    const char *not_index[] = {"01", "-1", "4294967295", "99999999999", "1.0",
                               "+1", " 1", "1 ", "1e3", "", "0x1", "00"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(not_index); i++)
        cr_assert_not(val_key_is_index(not_index[i], strlen(not_index[i]), NULL),
                      "%s", not_index[i]);
    unsigned long idx = 7;
    cr_assert(val_key_is_index("0", 1, &idx));
    cr_assert_eq(idx, 0);
    cr_assert(val_key_is_index("4294967294", 10, &idx));
    cr_assert_eq(idx, 4294967294ul);

    val *m = val_new_map(&A);
    val_map_set(&A, m, "x", val_new_null(&A));
    for (size_t i = 0; i < SRV_ARRAY_LEN(not_index); i++)
        val_map_set(&A, m, not_index[i], val_new_null(&A));
    val_map_set(&A, m, "5", val_new_null(&A));
    cr_assert_str_eq(keys(m), "5|x|01|-1|4294967295|99999999999|1.0|+1| 1|1 |1e3||0x1|00");
}

Test(map, set_existing_key_replaces_in_place)
{
    val *m = val_new_map(&A);
    val_map_set(&A, m, "a", val_new_num(&A, 1));
    val_map_set(&A, m, "b", val_new_num(&A, 2));
    val_map_set(&A, m, "3", val_new_num(&A, 3));
    val_map_set(&A, m, "c", val_new_num(&A, 4));
    val_map_set(&A, m, "b", val_new_str(&A, "new"));
    val_map_set(&A, m, "3", val_new_str(&A, "three"));
    cr_assert_str_eq(keys(m), "3|a|b|c");
    cr_assert_eq(val_len(m), 4);
    cr_assert_str_eq(val_str(val_get(m, "b")), "new");
    cr_assert_str_eq(val_str(val_get(m, "3")), "three");
}

Test(map, large_maps_keep_order_and_lookups)
{
    /* past the size where the hash index takes over; index keys arriving in
     * descending order, interleaved with ordinary keys */
    val *m = val_new_map(&A);
    char k[32];
    for (int i = 999; i >= 0; i--) {
        snprintf(k, sizeof k, "%d", i);
        val_map_set(&A, m, k, val_new_num(&A, i));
        snprintf(k, sizeof k, "k%d", i);
        val_map_set(&A, m, k, val_new_num(&A, -i));
    }
    cr_assert_eq(val_len(m), 2000);
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "%d", i);
        cr_assert_str_eq(m->u.map.items[i].key, k);
        cr_assert_eq(val_get(m, k)->u.num, i);
        snprintf(k, sizeof k, "k%d", 999 - i);
        cr_assert_str_eq(m->u.map.items[1000 + i].key, k);
        cr_assert_eq(val_get(m, k)->u.num, -(999 - i));
    }
    cr_assert_null(val_get(m, "k1000"));
    cr_assert_null(val_get(m, "1000"));
    /* replacing keeps the count and position */
    val_map_set(&A, m, "500", val_new_str(&A, "x"));
    cr_assert_eq(val_len(m), 2000);
    cr_assert_str_eq(val_str(m->u.map.items[500].v), "x");
}

Test(map, bulk_append_then_sort_gives_js_order)
{
    val *bulk = val_new_map(&A), *ref = val_new_map(&A);
    const char *in[] = {"name", "80", "image", "3", "x", "443", "0", "y"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(in); i++) {
        val_map_appendn(&A, bulk, in[i], strlen(in[i]), val_new_str(&A, in[i]));
        val_map_set(&A, ref, in[i], val_new_str(&A, in[i]));
    }
    /* before the sort: insertion order, lookups work */
    cr_assert_str_eq(keys(bulk), "name|80|image|3|x|443|0|y");
    cr_assert_str_eq(val_str(val_get(bulk, "443")), "443");
    val_map_sort(&A, bulk);
    cr_assert_str_eq(keys(bulk), "0|3|80|443|name|image|x|y");
    cr_assert_str_eq(keys(bulk), keys(ref));
    for (size_t i = 0; i < SRV_ARRAY_LEN(in); i++)
        cr_assert_str_eq(val_str(val_get(bulk, in[i])), in[i]);
    /* a sorted map can still take index keys in their place */
    val_map_set(&A, bulk, "5", val_new_null(&A));
    cr_assert_str_eq(keys(bulk), "0|3|5|80|443|name|image|x|y");
}

Test(map, bulk_sort_of_a_large_map_rebuilds_its_index)
{
    val *m = val_new_map(&A);
    char k[32];
    for (int i = 0; i < 300; i++) {
        snprintf(k, sizeof k, "s%d", i);
        val_map_appendn(&A, m, k, strlen(k), val_new_num(&A, i));
        snprintf(k, sizeof k, "%d", 300 - i);
        val_map_appendn(&A, m, k, strlen(k), val_new_num(&A, 300 - i));
    }
    val_map_sort(&A, m);
    for (int i = 0; i < 300; i++) {
        snprintf(k, sizeof k, "%d", i + 1);
        cr_assert_str_eq(m->u.map.items[i].key, k);
        cr_assert_eq(val_get(m, k)->u.num, i + 1);
        snprintf(k, sizeof k, "s%d", i);
        cr_assert_str_eq(m->u.map.items[300 + i].key, k);
        cr_assert_eq(val_get(m, k)->u.num, i);
    }
}

Test(map, keys_with_nul_bytes_are_distinct)
{
    val *m = val_new_map(&A);
    val_map_setn(&A, m, "a", 1, val_new_num(&A, 1));
    val_map_setn(&A, m, "a\0b", 3, val_new_num(&A, 2));
    cr_assert_eq(val_len(m), 2);
    cr_assert_eq(val_get_pairn(m, "a\0b", 3)->v->u.num, 2);
    cr_assert_eq(val_get_pairn(m, "a", 1)->v->u.num, 1);
    cr_assert_null(val_get_pairn(m, "a\0c", 3));
}

Test(map, lookups_are_null_safe)
{
    cr_assert_null(val_get(NULL, "a"));
    cr_assert_null(val_get(val_new_str(&A, "a"), "a"));
    cr_assert_null(val_get(val_new_seq(&A), "0"));
    cr_assert_null(val_get(val_new_map(&A), "a"));
    cr_assert_eq(val_len(NULL), 0);
    cr_assert_eq(val_len(val_new_str(&A, "abc")), 0);
    cr_assert_null(val_str(val_new_num(&A, 1)));
    cr_assert_not(val_is(NULL, VAL_NULL));
    cr_assert(val_is(val_new_null(&A), VAL_NULL));
}

Test(map, dotted_paths)
{
    val *root = val_new_map(&A), *res = val_new_map(&A), *mem = val_new_map(&A);
    val_map_set(&A, mem, "request", val_new_str(&A, "256Mi"));
    val_map_set(&A, res, "memory", mem);
    val_map_set(&A, root, "resources", res);
    val_map_set(&A, root, "80", val_new_num(&A, 8080));
    cr_assert_str_eq(val_str(val_path(root, "resources.memory.request")), "256Mi");
    cr_assert_eq(val_path(root, "resources.memory"), mem);
    cr_assert_eq(val_path(root, "80")->u.num, 8080);
    cr_assert_eq(val_path(root, ""), root);
    cr_assert_null(val_path(root, "resources.cpu.request"));
    cr_assert_null(val_path(root, "resources.memory.request.x")); /* through a string */
    cr_assert_null(val_path(NULL, "a"));
    char longkey[300];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    val_map_set(&A, root, longkey, val_new_null(&A));
    cr_assert_null(val_path(root, longkey)); /* components are capped at 255 */
}

/* ---- truthiness and equality --------------------------------------------- */

Test(js, truthiness)
{
    cr_assert_not(val_truthy(NULL));
    cr_assert_not(val_truthy(val_new_null(&A)));
    cr_assert_not(val_truthy(val_new_bool(&A, false)));
    cr_assert(val_truthy(val_new_bool(&A, true)));
    cr_assert_not(val_truthy(val_new_num(&A, 0)));
    cr_assert_not(val_truthy(val_new_num(&A, -0.0)));
    cr_assert_not(val_truthy(val_new_num(&A, NAN)));
    cr_assert(val_truthy(val_new_num(&A, 1)));
    cr_assert(val_truthy(val_new_num(&A, -1)));
    cr_assert(val_truthy(val_new_num(&A, INFINITY)));
    cr_assert(val_truthy(val_new_num(&A, 5e-324)));
    cr_assert_not(val_truthy(val_new_str(&A, "")));
    cr_assert(val_truthy(val_new_str(&A, "0")));
    cr_assert(val_truthy(val_new_str(&A, "false")));
    cr_assert(val_truthy(val_new_str(&A, " ")));
    cr_assert(val_truthy(val_new_map(&A))); /* {} is truthy */
    cr_assert(val_truthy(val_new_seq(&A))); /* [] is truthy */
}

Test(js, strict_equality)
{
    val *n0 = val_new_num(&A, 0), *nm0 = val_new_num(&A, -0.0);
    val *nan = val_new_num(&A, NAN);
    cr_assert(val_strict_equal(NULL, NULL));
    cr_assert_not(val_strict_equal(NULL, val_new_null(&A))); /* undefined !== null */
    cr_assert(val_strict_equal(val_new_null(&A), val_new_null(&A)));
    cr_assert(val_strict_equal(n0, nm0)); /* 0 === -0 */
    cr_assert_not(val_strict_equal(nan, nan));
    cr_assert(val_strict_equal(val_new_num(&A, 8080), val_new_num(&A, 8080)));
    cr_assert_not(val_strict_equal(val_new_num(&A, 1), val_new_str(&A, "1")));
    cr_assert_not(val_strict_equal(val_new_bool(&A, true), val_new_num(&A, 1)));
    cr_assert(val_strict_equal(val_new_bool(&A, false), val_new_bool(&A, false)));
    cr_assert_not(val_strict_equal(val_new_bool(&A, false), val_new_bool(&A, true)));
    cr_assert(val_strict_equal(val_new_str(&A, "abc"), val_new_str(&A, "abc")));
    cr_assert_not(val_strict_equal(val_new_str(&A, "abc"), val_new_str(&A, "abd")));
    cr_assert_not(val_strict_equal(val_new_str(&A, "ab"), val_new_str(&A, "abc")));
    cr_assert_not(val_strict_equal(val_new_strn(&A, "a\0b", 3), val_new_strn(&A, "a\0c", 3)));
    /* objects compare by identity */
    val *m = val_new_map(&A), *s = val_new_seq(&A);
    cr_assert(val_strict_equal(m, m));
    cr_assert_not(val_strict_equal(m, val_new_map(&A)));
    cr_assert(val_strict_equal(s, s));
    cr_assert_not(val_strict_equal(s, val_new_seq(&A)));
}

Test(js, kind_names_and_integer_flag)
{
    cr_assert_str_eq(val_kind_name(NULL), "nothing");
    cr_assert_str_eq(val_kind_name(val_new_null(&A)), "null");
    cr_assert_str_eq(val_kind_name(val_new_bool(&A, 1)), "a boolean");
    cr_assert_str_eq(val_kind_name(val_new_num(&A, 3)), "an integer");
    cr_assert_str_eq(val_kind_name(val_new_num(&A, 3.5)), "a number");
    cr_assert_str_eq(val_kind_name(val_new_num(&A, INFINITY)), "a number");
    cr_assert_str_eq(val_kind_name(val_new_str(&A, "")), "a string");
    cr_assert_str_eq(val_kind_name(val_new_map(&A)), "a map");
    cr_assert_str_eq(val_kind_name(val_new_seq(&A)), "a list");
}

/* ---- Number.prototype.toString ------------------------------------------- */

Test(js, number_formatting_vectors)
{
    static const struct {
        double d;
        const char *js;
    } v[] = {
        {0, "0"},
        {-0.0, "0"},
        {1, "1"},
        {-1, "-1"},
        {1.5, "1.5"},
        {3.10, "3.1"},
        {0.1 + 0.2, "0.30000000000000004"},
        {0.1, "0.1"},
        {1.0 / 3, "0.3333333333333333"},
        {4.35, "4.35"},
        {12345.6789, "12345.6789"},
        {-123.456, "-123.456"},
        {100, "100"},
        {2147483648.0, "2147483648"},
        {4294967295.0, "4294967295"},
        {9007199254740992.0, "9007199254740992"}, /* 2^53 */
        {9007199254740994.0, "9007199254740994"},
        {1e16, "10000000000000000"},
        {18446744073709551616.0, "18446744073709552000"}, /* 2^64 */
        {123456789012345680000.0, "123456789012345680000"},
        {999999999999999900000.0, "999999999999999900000"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},
        {3.3333333333333335e+21, "3.3333333333333335e+21"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.000001, "0.000001"},
        {0.0000015, "0.0000015"},
        {1.2e-6, "0.0000012"},
        {9.99e-6, "0.00000999"},
        {1e-7, "1e-7"},
        {1.5e-7, "1.5e-7"},
        {-1.5e-10, "-1.5e-10"},
        {5e-324, "5e-324"},
        {1.5e-323, "1.5e-323"},
        /* powers of two whose shortest form is not the nearest decimal at
         * its precision (asymmetric rounding interval) */
        {0x1p-1017, "7.120236347223045e-307"},
        {0x1p-1007, "7.291122019556398e-304"},
        {0x1p-958, "4.1045368012983762e-289"},
        {0x1p-1019, "1.7800590868057611e-307"},
        {NAN, "NaN"},
        {INFINITY, "Infinity"},
        {-INFINITY, "-Infinity"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++)
        cr_expect_str_eq(num(v[i].d), v[i].js, "vector %zu (%.17g)", i, v[i].d);
}

Test(js, number_formatting_round_trips)
{
    /* whatever the digits, they must read back as the same double, and be
     * no longer than 17 significant digits */
    double x = 1.0;
    for (int i = 0; i < 2000; i++) {
        x = x * 1.37 + 1e-3 / (i + 1);
        if (x > 1e300)
            x = 1e-300 * (i + 1);
        const char *s = num(x);
        cr_assert_eq(strtod(s, NULL), x, "%s", s);
        size_t digits = 0;
        for (const char *p = s; *p && *p != 'e'; p++)
            digits += *p >= '0' && *p <= '9';
        cr_assert_leq(digits, 21, "%s", s); /* up to 21 with trailing zeros */
    }
}

/* ---- String(v) ------------------------------------------------------------ */

Test(js, to_js_string)
{
    cr_assert_str_eq(js(NULL), "undefined");
    cr_assert_str_eq(js(val_new_null(&A)), "null");
    cr_assert_str_eq(js(val_new_bool(&A, true)), "true");
    cr_assert_str_eq(js(val_new_bool(&A, false)), "false");
    cr_assert_str_eq(js(val_new_num(&A, 3.10)), "3.1");
    cr_assert_str_eq(js(val_new_num(&A, -0.0)), "0");
    cr_assert_str_eq(js(val_new_num(&A, 1e21)), "1e+21");
    cr_assert_str_eq(js(val_new_str(&A, "redis:7")), "redis:7");
    cr_assert_str_eq(js(val_new_map(&A)), "[object Object]");
    cr_assert_str_eq(js(val_new_seq(&A)), "");

    /* [1, "a", null, [2, [3, undefined]], true, {}, 1.5].join(",") */
    val *s = val_new_seq(&A), *inner = val_new_seq(&A), *deep = val_new_seq(&A);
    val_seq_push(&A, deep, val_new_num(&A, 3));
    val_seq_push(&A, deep, NULL);
    val_seq_push(&A, inner, val_new_num(&A, 2));
    val_seq_push(&A, inner, deep);
    val_seq_push(&A, s, val_new_num(&A, 1));
    val_seq_push(&A, s, val_new_str(&A, "a"));
    val_seq_push(&A, s, val_new_null(&A));
    val_seq_push(&A, s, inner);
    val_seq_push(&A, s, val_new_bool(&A, true));
    val_seq_push(&A, s, val_new_map(&A));
    val_seq_push(&A, s, val_new_num(&A, 1.5));
    cr_assert_str_eq(js(s), "1,a,,2,3,,true,[object Object],1.5");

    /* [[]] and [null] print as empty strings */
    val *e = val_new_seq(&A);
    val_seq_push(&A, e, val_new_seq(&A));
    cr_assert_str_eq(js(e), "");
    val *n = val_new_seq(&A);
    val_seq_push(&A, n, val_new_null(&A));
    val_seq_push(&A, n, val_new_null(&A));
    cr_assert_str_eq(js(n), ",");
}

Test(js, to_js_string_keeps_nul_bytes)
{
    strbuf sb = STRBUF_INIT;
    val_to_js_string(&sb, val_new_strn(&A, "a\0b", 3));
    cr_assert_eq(sb.len, 3);
    cr_assert_eq(memcmp(sb.data, "a\0b", 3), 0);
    strbuf_free(&sb);
}

Test(js, new_num_integer_flag)
{
    cr_assert(val_new_num(&A, 8080)->is_int);
    cr_assert(val_new_num(&A, -0.0)->is_int);
    cr_assert_not(val_new_num(&A, 1.5)->is_int);
    cr_assert_not(val_new_num(&A, NAN)->is_int);
    cr_assert_not(val_new_num(&A, INFINITY)->is_int);
}

/* tests/test_yamlemit.c — core/yamlemit: the js-yaml 4.1 `dump` subset of
 * spec §3.3 (layout §3.3.3, scalar styles §3.3.4, line width §3.3.5) and
 * the quoting vectors of Appendix A, plus a load → emit → load round trip.
 * Expected texts are what js-yaml 4.1.0 dumps for the same values. */
#include "config.h"
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/yamlemit.h"
#include "core/yamlload.h"

static arena A;

static void setup(void) { arena_init(&A); }
static void teardown(void) { arena_free(&A); }

TestSuite(quoting, .init = setup, .fini = teardown);
TestSuite(layout, .init = setup, .fini = teardown);
TestSuite(scalars, .init = setup, .fini = teardown);
TestSuite(width, .init = setup, .fini = teardown);
TestSuite(roundtrip, .init = setup, .fini = teardown);

static val *S(const char *s) { return val_new_str(&A, s); }
static val *N(double d) { return val_new_num(&A, d); }

static val *map1(const char *k, val *v)
{
    val *m = val_new_map(&A);
    val_map_set(&A, m, k, v);
    return m;
}

static val *seq1(val *v)
{
    val *s = val_new_seq(&A);
    val_seq_push(&A, s, v);
    return s;
}

/* The document for root, as an arena string. */
static const char *emit(const val *root, int width)
{
    strbuf sb = STRBUF_INIT;
    yamlemit_document(&sb, root, width);
    char *s = arena_strndup(&A, sb.data, sb.len);
    strbuf_free(&sb);
    return s;
}

static val *load(const char *text)
{
    char err[SRV_ERRLEN];
    val *root = NULL;
    cr_assert_eq(yamlload_parse(&A, "t.yaml", text, strlen(text), &root, err), 0,
                 "%s", err);
    return root;
}

/* Load `text` and emit it again (the layout tests write their trees in
 * YAML; the loader is tested on its own). */
static const char *reemit(const char *text, int width)
{
    return emit(load(text), width);
}

/* ---- Appendix A ----------------------------------------------------------- */

static const char *const appendix_a[][2] = {
    {"", "''"},
    {"a b", "a b"},
    {" lead", "' lead'"},
    {"trail ", "'trail '"},
    {"no", "'no'"}, {"No", "'No'"}, {"NO", "'NO'"}, {"n", "'n'"}, {"N", "'N'"},
    {"y", "'y'"}, {"Y", "'Y'"}, {"yes", "'yes'"}, {"Yes", "'Yes'"},
    {"YES", "'YES'"}, {"on", "'on'"}, {"On", "'On'"}, {"ON", "'ON'"},
    {"off", "'off'"}, {"Off", "'Off'"}, {"OFF", "'OFF'"},
    {"true", "'true'"}, {"True", "'True'"}, {"TRUE", "'TRUE'"},
    {"false", "'false'"},
    {"null", "'null'"}, {"Null", "'Null'"}, {"~", "'~'"},
    {"6379", "'6379'"}, {"0", "'0'"}, {"00", "'00'"}, {"007", "'007'"},
    {"08", "'08'"}, {"-1", "'-1'"}, {"+1", "'+1'"},
    {"0x1F", "'0x1F'"}, {"0o17", "'0o17'"}, {"0b101", "'0b101'"},
    {"1_000", "'1_000'"}, {"1__0", "'1__0'"}, {"0x_1", "'0x_1'"},
    {"1.5", "'1.5'"}, {".5", "'.5'"}, {"1.", "'1.'"}, {"1e3", "'1e3'"},
    {"-1.5e3", "'-1.5e3'"},
    {".inf", "'.inf'"}, {"-.inf", "'-.inf'"}, {".NaN", "'.NaN'"},
    {"0b", "0b"}, {"0x", "0x"}, {"+.5", "+.5"}, {"._", "._"},
    {"3-management", "3-management"}, {"100m", "100m"}, {"1Gi", "1Gi"},
    {"27017:27017", "'27017:27017'"}, {"1:2:3", "'1:2:3'"},
    {"12:30", "'12:30'"}, {"-1:20", "'-1:20'"}, {"+1:2", "'+1:2'"},
    {"1:2.5", "'1:2.5'"},
    {"2025-11-24", "'2025-11-24'"},
    {"2001-12-14t21:59:43.10-05:00", "'2001-12-14t21:59:43.10-05:00'"},
    {"<<", "'<<'"},
    {"--", "'--'"}, {"-", "'-'"}, {"-p", "'-p'"}, {"-x", "'-x'"},
    {"- x", "'- x'"},
    {"?x", "'?x'"}, {"?", "'?'"}, {":x", "':x'"}, {",x", "',x'"},
    {"[x", "'[x'"}, {"]x", "']x'"}, {"{x", "'{x'"}, {"}x", "'}x'"},
    {"#x", "'#x'"}, {"&x", "'&x'"}, {"*x", "'*x'"}, {"!x", "'!x'"},
    {"|x", "'|x'"}, {">x", "'>x'"}, {"=x", "'=x'"}, {"%x", "'%x'"},
    {"@x", "'@x'"}, {"`x", "'`x'"},
    {"'x", "'''x'"}, {"\"x", "'\"x'"},
    {"a:b", "a:b"}, {"a :b", "a :b"}, {"a#b", "a#b"}, {"x,y", "x,y"},
    {"x[y]", "x[y]"}, {"x{y}", "x{y}"}, {"it's", "it's"},
    {"a: b", "'a: b'"}, {"a #b", "'a #b'"}, {"x:", "'x:'"}, {"x: ", "'x: '"},
    {"a\tb", "\"a\\tb\""}, {"x\x01y", "\"x\\x01y\""},
    {"\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"}, /* été */
    {"host.minikube.internal:27017", "host.minikube.internal:27017"},
    {"${MONGO_HOST:-mongo-repl-1:27017}", "${MONGO_HOST:-mongo-repl-1:27017}"},
    {"echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27017/admin --quiet",
     "echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27017/admin --quiet"},
    /* spec 3.3.4's table of reference outputs */
    {"--replSet", "'--replSet'"}, {"--bind_ip_all", "'--bind_ip_all'"},
    {"8082:8082", "'8082:8082'"}, {"rabbitmq:3-management", "rabbitmq:3-management"},
    {"./.docker/mongodb/data/db:/data/db", "./.docker/mongodb/data/db:/data/db"},
    {"org.wt.session1", "org.wt.session1"}, {"ClusterIP", "ClusterIP"},
};

Test(quoting, appendix_a_as_values)
{
    for (size_t i = 0; i < SRV_ARRAY_LEN(appendix_a); i++) {
        char want[512];
        snprintf(want, sizeof want, "k: %s\n", appendix_a[i][1]);
        cr_expect_str_eq(emit(map1("k", S(appendix_a[i][0])), -1), want,
                         "value \"%s\"", appendix_a[i][0]);
    }
}

Test(quoting, appendix_a_as_keys)
{
    for (size_t i = 0; i < SRV_ARRAY_LEN(appendix_a); i++) {
        char want[512];
        snprintf(want, sizeof want, "%s: v\n", appendix_a[i][1]);
        cr_expect_str_eq(emit(map1(appendix_a[i][0], S("v")), -1), want,
                         "key \"%s\"", appendix_a[i][0]);
    }
}

Test(quoting, appendix_a_as_list_items)
{
    for (size_t i = 0; i < SRV_ARRAY_LEN(appendix_a); i++) {
        char want[512];
        snprintf(want, sizeof want, "- %s\n", appendix_a[i][1]);
        cr_expect_str_eq(emit(seq1(S(appendix_a[i][0])), -1), want,
                         "item \"%s\"", appendix_a[i][0]);
    }
}

Test(quoting, the_same_at_any_width_and_depth)
{
    /* short strings do not depend on the line width or the level */
    for (size_t i = 0; i < SRV_ARRAY_LEN(appendix_a); i++) {
        char want[512];
        snprintf(want, sizeof want, "a:\n  b:\n    - %s\n", appendix_a[i][1]);
        cr_expect_str_eq(emit(map1("a", map1("b", seq1(S(appendix_a[i][0])))), 80),
                         want, "\"%s\"", appendix_a[i][0]);
    }
}

Test(quoting, line_breaks_in_values_use_block_styles)
{
    cr_assert_str_eq(emit(map1("k", S("a\nb")), -1), "k: |-\n  a\n  b\n");
    cr_assert_str_eq(emit(map1("k", S("a\nb\n")), -1), "k: |\n  a\n  b\n");
    cr_assert_str_eq(emit(seq1(S("a\nb")), -1), "- |-\n  a\n  b\n");
}

Test(quoting, line_breaks_in_keys_are_double_quoted)
{
    cr_assert_str_eq(emit(map1("a\nb", N(1)), -1), "\"a\\nb\": 1\n");
    cr_assert_str_eq(emit(map1("a\nb\n", N(1)), -1), "\"a\\nb\\n\": 1\n");
    cr_assert_str_eq(emit(map1("a\tb", N(2)), -1), "\"a\\tb\": 2\n");
}

Test(quoting, ambiguity_predicate)
{
    const char *amb[] = {"", "~", "null", "True", "0x1F", "-.inf", "1_0",
                         "2025-11-24", "<<", "1e3"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(amb); i++)
        cr_assert(yamlemit_is_ambiguous(amb[i], strlen(amb[i])), "%s", amb[i]);
    const char *plain[] = {"yes", "0b", "abc", "1:2", "+.5", "0x"};
    for (size_t i = 0; i < SRV_ARRAY_LEN(plain); i++)
        cr_assert_not(yamlemit_is_ambiguous(plain[i], strlen(plain[i])), "%s", plain[i]);
}

Test(quoting, keys_needing_quotes_and_unicode_keys)
{
    val *m = val_new_map(&A);
    val_map_set(&A, m, "yes", N(1));
    val_map_set(&A, m, "a: b", N(2));
    val_map_set(&A, m, "-x", N(3));
    val_map_set(&A, m, "", N(4));
    val_map_set(&A, m, "\xc3\xa9t\xc3\xa9", N(5));
    val_map_set(&A, m, "\xf0\x9f\x98\x80", N(6)); /* 😀 */
    val_map_set(&A, m, "8080", N(7));
    val_map_set(&A, m, "01", N(8));
    cr_assert_str_eq(emit(m, -1), "'8080': 7\n'yes': 1\n'a: b': 2\n'-x': 3\n'': 4\n"
                                  "\xc3\xa9t\xc3\xa9: 5\n\xf0\x9f\x98\x80: 6\n'01': 8\n");
}

static const char *long_key(size_t n, const char *unit)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_adds(&sb, unit);
    char *s = arena_strndup(&A, sb.data, sb.len);
    strbuf_free(&sb);
    return s;
}

Test(quoting, keys_over_1024_characters_are_explicit)
{
    const char *k1024 = long_key(1024, "a"), *k1025 = long_key(1025, "a");
    char want[4096];
    snprintf(want, sizeof want, "%s: v\n", k1024);
    cr_assert_str_eq(emit(map1(k1024, S("v")), -1), want);
    snprintf(want, sizeof want, "? %s\n: v\n", k1025);
    cr_assert_str_eq(emit(map1(k1025, S("v")), -1), want);
    /* collections after an explicit key start on the ': ' line */
    val *m = val_new_map(&A);
    val_map_set(&A, m, "x", N(1));
    val_map_set(&A, m, "y", N(2));
    snprintf(want, sizeof want, "? %s\n: x: 1\n  'y': 2\n", k1025);
    cr_assert_str_eq(emit(map1(k1025, m), -1), want);
    val *s = val_new_seq(&A);
    val_seq_push(&A, s, N(1));
    val_seq_push(&A, s, N(2));
    snprintf(want, sizeof want, "? %s\n: - 1\n  - 2\n", k1025);
    cr_assert_str_eq(emit(map1(k1025, s), -1), want);
    snprintf(want, sizeof want, "? %s\n: {}\n", k1025);
    cr_assert_str_eq(emit(map1(k1025, val_new_map(&A)), -1), want);
    /* the length is counted in UTF-16 units, as JavaScript does: 600 'é'
     * are 1200 bytes but 600 units */
    const char *e600 = long_key(600, "\xc3\xa9");
    snprintf(want, sizeof want, "%s: 1\n", e600);
    cr_assert_str_eq(emit(map1(e600, N(1)), -1), want);
    /* 513 emoji are 1026 units */
    const char *emo = long_key(513, "\xf0\x9f\x98\x80");
    snprintf(want, sizeof want, "? %s\n: 1\n", emo);
    cr_assert_str_eq(emit(map1(emo, N(1)), -1), want);
}

/* ---- layout (spec 3.3.3) ----------------------------------------------------- */

Test(layout, nested_maps)
{
    const char *t = "a:\n  b:\n    c: 1\n  d: x\ne: true\n";
    cr_assert_str_eq(reemit(t, -1), t);
}

Test(layout, lists_are_indented_under_their_key)
{
    cr_assert_str_eq(reemit("ports: [80, 443]\n", -1), "ports:\n  - 80\n  - 443\n");
}

Test(layout, list_of_maps_aligns_following_keys)
{
    const char *t = "containers:\n"
                    "  - name: x\n"
                    "    image: img\n"
                    "    ports:\n"
                    "      - containerPort: 80\n"
                    "        name: http\n"
                    "    envFrom:\n"
                    "      - configMapRef:\n"
                    "          name: cfg\n";
    cr_assert_str_eq(reemit(t, -1), t);
    /* `- configMapRef:` then `name:` four columns right of the dash */
    cr_assert_str_eq(reemit("- configMapRef: {name: srvthreds-config}\n", -1),
                     "- configMapRef:\n    name: srvthreds-config\n");
}

Test(layout, empty_collections_inline)
{
    const char *t = "a: {}\nb: []\nc:\n  - {}\n  - []\n  - a: {}\n  - - []\n";
    cr_assert_str_eq(reemit(t, -1), t);
    cr_assert_str_eq(emit(val_new_map(&A), -1), "{}\n");
    cr_assert_str_eq(emit(val_new_seq(&A), -1), "[]\n");
}

Test(layout, nested_lists)
{
    cr_assert_str_eq(reemit("[[a, b], [[c]], []]\n", -1), "- - a\n  - b\n- - - c\n- []\n");
    cr_assert_str_eq(reemit("k: [[a, b]]\n", -1), "k:\n  - - a\n    - b\n");
}

Test(layout, top_level_scalars)
{
    cr_assert_str_eq(emit(S("top"), -1), "top\n");
    cr_assert_str_eq(emit(S("a\nb"), -1), "|-\n  a\n  b\n");
    cr_assert_str_eq(emit(N(5), -1), "5\n");
    cr_assert_str_eq(emit(val_new_null(&A), -1), "null\n");
}

Test(layout, the_reference_engine_manifest)
{
    /* golden file base/srvthreds-engine.yaml of spec 3.3.2 (workload part) */
    const char *t =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: srvthreds-engine\n"
        "  namespace: srvthreds\n  labels:\n    app: srvthreds-engine\nspec:\n"
        "  replicas: 1\n  selector:\n    matchLabels:\n      app: srvthreds-engine\n"
        "  template:\n    metadata:\n      labels:\n        app: srvthreds-engine\n"
        "    spec:\n      containers:\n        - name: srvthreds-engine\n"
        "          image: srvthreds:dev\n          imagePullPolicy: Never\n"
        "          ports:\n            - containerPort: 8082\n              name: http\n"
        "          envFrom:\n            - configMapRef:\n                name: srvthreds-config\n"
        "          resources:\n            requests:\n              memory: 256Mi\n"
        "              cpu: 200m\n            limits:\n              memory: 512Mi\n"
        "              cpu: 500m\n          command:\n            - node\n          args:\n"
        "            - dist-server/index.js\n            - '-d'\n";
    cr_assert_str_eq(reemit(t, -1), t);
}

Test(layout, undefined_values_are_omitted)
{
    val *m = val_new_map(&A), *inner = val_new_map(&A);
    val_map_set(&A, m, "gone", NULL);
    val_map_set(&A, m, "a", N(1));
    val_map_set(&A, inner, "x", NULL);
    val_map_set(&A, m, "inner", inner); /* only undefined values: {} */
    val_map_set(&A, m, "b", NULL);
    val_map_set(&A, m, "nul", val_new_null(&A));
    val *s = val_new_seq(&A);
    val_seq_push(&A, s, NULL); /* undefined in an array: null */
    val_map_set(&A, m, "list", s);
    cr_assert_str_eq(emit(m, -1), "a: 1\ninner: {}\nnul: null\nlist:\n  - null\n");
    /* a list item whose map starts with an undefined value */
    val *item = val_new_map(&A);
    val_map_set(&A, item, "skip", NULL);
    val_map_set(&A, item, "name", S("x"));
    val_map_set(&A, item, "port", N(80));
    cr_assert_str_eq(emit(seq1(item), -1), "- name: x\n  port: 80\n");
}

/* ---- numbers, booleans, null ------------------------------------------------ */

Test(scalars, numbers)
{
    static const struct {
        double d;
        const char *out;
    } v[] = {
        {8082, "8082"}, {-1, "-1"}, {0, "0"}, {1.5, "1.5"}, {3.10, "3.1"},
        {0.1 + 0.2, "0.30000000000000004"}, {9007199254740994.0, "9007199254740994"},
        {1e21, "1e+21"}, {1e300, "1e+300"},                 /* integers: no dot */
        {5e-100, "5.e-100"}, {-5e-100, "-5.e-100"},         /* SCIENTIFIC_WITHOUT_DOT */
        {1e-7, "1.e-7"}, {5e-324, "5.e-324"}, {1.5e-7, "1.5e-7"},
        {-0.0, "-0.0"}, {NAN, ".nan"}, {INFINITY, ".inf"}, {-INFINITY, "-.inf"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++) {
        char want[64];
        snprintf(want, sizeof want, "k: %s\n", v[i].out);
        cr_expect_str_eq(emit(map1("k", N(v[i].d)), -1), want, "%.17g", v[i].d);
    }
}

Test(scalars, booleans_and_null)
{
    val *m = val_new_map(&A);
    val_map_set(&A, m, "t", val_new_bool(&A, true));
    val_map_set(&A, m, "f", val_new_bool(&A, false));
    val_map_set(&A, m, "n", val_new_null(&A));
    val_map_set(&A, m, "s", S("true"));
    cr_assert_str_eq(emit(m, -1), "t: true\nf: false\n'n': null\ns: 'true'\n");
}

Test(scalars, literal_block_chomping_and_indentation_indicator)
{
    static const char *const v[][2] = {
        {"a\nb", "k: |-\n  a\n  b\n"},
        {"a\nb\n", "k: |\n  a\n  b\n"},
        {"a\nb\n\n", "k: |+\n  a\n  b\n\n"},
        {"a\n\nb", "k: |-\n  a\n\n  b\n"},
        {"\n", "k: |+\n\n"},
        {" a\nb", "k: |2-\n   a\n  b\n"},  /* leading space: indicator */
        {"\n a", "k: |2-\n\n   a\n"},
        {"x\n  y", "k: |-\n  x\n    y\n"},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++)
        cr_expect_str_eq(emit(map1("k", S(v[i][0])), -1), v[i][1], "case %zu", i);
    /* deeper levels indent by their level */
    cr_assert_str_eq(emit(map1("k", map1("l", S("a\nb"))), -1), "k:\n  l: |-\n    a\n    b\n");
    val *s = seq1(seq1(seq1(S("a\nb"))));
    cr_assert_str_eq(emit(s, -1), "- - - |-\n      a\n      b\n");
}

Test(scalars, double_quoted_escapes)
{
    static const char *const v[][2] = {
        {"a\tb", "\"a\\tb\""},
        {"\t\"b\\", "\"\\t\\\"b\\\\\""},
        {"x\x01y", "\"x\\x01y\""},
        {"\x7f", "\"\\x7F\""},
        {"\x1f", "\"\\x1F\""},
        {"a\x00" "b", "\"a\\0b\""},
        {"\x07\x08\x0b\x0c\x0d\x1b", "\"\\a\\b\\v\\f\\r\\e\""},
        {"\xc2\x85", "\"\\N\""},        /* U+0085 */
        {"\xc2\xa0", "\"\\_\""},        /* U+00A0 */
        {"\xe2\x80\xa8", "\"\\L\""},    /* U+2028 */
        {"\xe2\x80\xa9", "\"\\P\""},    /* U+2029 */
        {"\xc2\x9f", "\"\\x9F\""},      /* U+009F */
        {"\xef\xbb\xbf", "\"\\uFEFF\""}, /* BOM */
        {"\xef\xbf\xbe", "\"\\uFFFE\""},
        {"\xef\xbf\xbf", "\"\\uFFFF\""},
        {"\xed\x9f\xbf\xee\x80\x80", "\xed\x9f\xbf\xee\x80\x80"}, /* U+D7FF U+E000 plain */
        /* a double-quoted string keeps its printable non-ASCII as is */
        {"\xc3\xa9\t\xf0\x9f\x98\x80", "\"\xc3\xa9\\t\xf0\x9f\x98\x80\""},
        /* line feeds with another non-printable: double quotes, \n */
        {"a\nb\tc", "\"a\\nb\\tc\""},
    };
    for (size_t i = 0; i < SRV_ARRAY_LEN(v); i++) {
        char want[128];
        snprintf(want, sizeof want, "k: %s\n", v[i][1]);
        size_t n = strlen(v[i][0]);
        if (i == 5)
            n = 3; /* the NUL case */
        cr_expect_str_eq(emit(map1("k", val_new_strn(&A, v[i][0], n)), -1), want,
                         "case %zu", i);
    }
}

Test(scalars, escapes_through_yamlemit_string)
{
    /* \U would only be needed above U+10FFFF, which UTF-8 cannot hold: every
     * code point from U+10000 up is printable and written as is */
    strbuf sb = STRBUF_INIT;
    yamlemit_string(&sb, "\xf4\x8f\xbf\xbf", 4, 1, false, -1); /* U+10FFFF */
    cr_assert_str_eq(sb.data, "\xf4\x8f\xbf\xbf");
    sb.len = 0;
    yamlemit_string(&sb, "\xf0\x9f\x98\x80 \xc3\xa9t\xc3\xa9", 10, 3, true, 80);
    cr_assert_str_eq(sb.data, "\xf0\x9f\x98\x80 \xc3\xa9t\xc3\xa9");
    sb.len = 0;
    yamlemit_string(&sb, "", 0, 1, true, -1);
    cr_assert_str_eq(sb.data, "''");
    strbuf_free(&sb);
}

/* ---- line width (spec 3.3.5) ---------------------------------------------- */

static const char *rep(const char *unit, size_t n, const char *sep)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i && sep)
            strbuf_adds(&sb, sep);
        strbuf_adds(&sb, unit);
    }
    char *s = arena_strndup(&A, sb.data, sb.len);
    strbuf_free(&sb);
    return s;
}

static val *service_with_name(const char *name)
{
    return map1("metadata", map1("name", S(name)));
}

Test(width, long_names_in_service_documents_fold)
{
    char want[512];
    const char *a100 = rep("a", 100, NULL), *a76 = rep("a", 76, NULL),
               *a77 = rep("a", 77, NULL);
    snprintf(want, sizeof want, "metadata:\n  name: >-\n    %s\n", a100);
    cr_assert_str_eq(emit(service_with_name(a100), 80), want);
    /* metadata.name has room for max(40, 80 - 2*2) = 76 characters */
    snprintf(want, sizeof want, "metadata:\n  name: %s\n", a76);
    cr_assert_str_eq(emit(service_with_name(a76), 80), want);
    snprintf(want, sizeof want, "metadata:\n  name: >-\n    %s\n", a77);
    cr_assert_str_eq(emit(service_with_name(a77), 80), want);
    /* no limit: never folded */
    snprintf(want, sizeof want, "metadata:\n  name: %s\n", a100);
    cr_assert_str_eq(emit(service_with_name(a100), YAMLEMIT_NO_WIDTH), want);
}

Test(width, folding_breaks_at_spaces)
{
    const char *words = rep("word", 30, " ");
    val *doc = map1("spec", map1("ports", seq1(map1("name", S(words)))));
    cr_assert_str_eq(emit(doc, 80),
                     "spec:\n  ports:\n    - name: >-\n"
                     "        word word word word word word word word word word word word word word\n"
                     "        word word word word word word word word word word word word word word\n"
                     "        word word\n");
    cr_assert_str_eq(emit(map1("k", S(words)), 80),
                     "k: >-\n"
                     "  word word word word word word word word word word word word word word word\n"
                     "  word word word word word word word word word word word word word word word\n");
    /* a long word stays whole; the rest goes on the next line */
    const char *lw = arena_sprintf(&A, "%s b", rep("a", 100, NULL));
    cr_assert_str_eq(emit(map1("k", S(lw)), 80),
                     arena_sprintf(&A, "k: >-\n  %s\n  b\n", rep("a", 100, NULL)));
}

Test(width, leading_space_is_not_folded)
{
    const char *s = arena_sprintf(&A, " lead %s", rep("word", 30, " "));
    cr_assert_str_eq(emit(map1("k", S(s)), 80), arena_sprintf(&A, "k: '%s'\n", s));
}

Test(width, multi_line_folding)
{
    const char *s = arena_sprintf(&A, "%s\n%s\n\nc", rep("a", 30, NULL), rep("b ", 50, NULL));
    cr_assert_str_eq(emit(map1("k", S(s)), 80),
                     arena_sprintf(&A, "k: >-\n  %s\n\n  %s\n  %s \n\n\n  c\n",
                                   rep("a", 30, NULL), rep("b", 39, " "),
                                   rep("b", 11, " ")));
    /* a more-indented line is kept as is, with its line breaks */
    s = arena_sprintf(&A, "%s\n  indented more\n%s", rep("x ", 60, NULL), rep("y ", 60, NULL));
    cr_assert_str_eq(emit(map1("k", S(s)), 80),
                     arena_sprintf(&A, "k: >-\n  %s\n  %s \n    indented more\n  %s\n  %s \n",
                                   rep("x", 39, " "), rep("x", 21, " "),
                                   rep("y", 39, " "), rep("y", 21, " ")));
}

Test(width, lengths_are_utf16_units)
{
    /* 30 'é' words: 61 bytes each line would be too long in bytes only */
    const char *e30 = rep("\xc3\xa9", 30, NULL);
    const char *s = arena_sprintf(&A, "%s %s %s", e30, e30, e30);
    cr_assert_str_eq(emit(map1("k", S(s)), 80),
                     arena_sprintf(&A, "k: >-\n  %s %s\n  %s\n", e30, e30, e30));
    /* an emoji is two units */
    const char *m50 = rep("\xf0\x9f\x98\x80", 50, NULL);
    s = arena_sprintf(&A, "%s %s", m50, m50);
    cr_assert_str_eq(emit(map1("k", S(s)), 80),
                     arena_sprintf(&A, "k: >-\n  %s\n  %s\n", m50, m50));
    /* 38 emoji (76 units) fit at metadata.name, 39 do not */
    char want[512];
    snprintf(want, sizeof want, "metadata:\n  name: %s\n", rep("\xf0\x9f\x98\x80", 38, NULL));
    cr_assert_str_eq(emit(service_with_name(rep("\xf0\x9f\x98\x80", 38, NULL)), 80), want);
    snprintf(want, sizeof want, "metadata:\n  name: >-\n    %s\n",
             rep("\xf0\x9f\x98\x80", 39, NULL));
    cr_assert_str_eq(emit(service_with_name(rep("\xf0\x9f\x98\x80", 39, NULL)), 80), want);
}

Test(width, keys_are_never_folded)
{
    const char *k = rep("key", 40, " ");
    cr_assert_str_eq(emit(map1(k, N(1)), 80), arena_sprintf(&A, "%s: 1\n", k));
}

/* ---- round trip --------------------------------------------------------------- */

/* Deep equality: same kinds, scalars equal (NaN equals NaN, -0 differs from
 * 0), maps with the same keys in the same order. */
static bool deep_equal(const val *a, const val *b, char *why, size_t n)
{
    if (!a || !b) {
        snprintf(why, n, "undefined");
        return a == b;
    }
    if (a->kind != b->kind) {
        snprintf(why, n, "%s vs %s", val_kind_name(a), val_kind_name(b));
        return false;
    }
    switch (a->kind) {
    case VAL_NUM:
        if (isnan(a->u.num) && isnan(b->u.num))
            return true;
        if (signbit(a->u.num) != signbit(b->u.num) || a->u.num != b->u.num) {
            snprintf(why, n, "%.17g vs %.17g", a->u.num, b->u.num);
            return false;
        }
        return true;
    case VAL_MAP:
        if (a->u.map.n != b->u.map.n) {
            snprintf(why, n, "map sizes %zu vs %zu", a->u.map.n, b->u.map.n);
            return false;
        }
        for (size_t i = 0; i < a->u.map.n; i++) {
            const val_pair *p = &a->u.map.items[i], *q = &b->u.map.items[i];
            if (p->keylen != q->keylen || memcmp(p->key, q->key, p->keylen)) {
                snprintf(why, n, "key %s vs %s", p->key, q->key);
                return false;
            }
            if (!deep_equal(p->v, q->v, why, n))
                return false;
        }
        return true;
    case VAL_SEQ:
        if (a->u.seq.n != b->u.seq.n) {
            snprintf(why, n, "list sizes differ");
            return false;
        }
        for (size_t i = 0; i < a->u.seq.n; i++)
            if (!deep_equal(a->u.seq.items[i], b->u.seq.items[i], why, n))
                return false;
        return true;
    default:
        if (!val_strict_equal(a, b)) {
            snprintf(why, n, "scalars differ: '%s' vs '%s'",
                     val_str(a) ? val_str(a) : "?", val_str(b) ? val_str(b) : "?");
            return false;
        }
        return true;
    }
}

static const char varied[] =
    "# a registry-like document\n"
    "metadata: {name: demo, version: 3.10, description: 'Demo: \"quoted\" & more'}\n"
    "strings:\n"
    "  - '6379'\n  - 'true'\n  - 'no'\n  - '1:2'\n  - '27017:27017'\n  - '0x1F'\n"
    "  - ''\n  - ' lead'\n  - 'trail '\n  - '-d'\n  - '--replSet'\n  - '~'\n"
    "  - 'null'\n  - '2025-11-24'\n  - '<<'\n  - '.inf'\n  - 'y'\n  - '1e3'\n"
    "  - \"tab\\there\"\n  - \"bell\\a\"\n  - \"nbsp\\u00a0\"\n  - \"line\\u2028sep\"\n"
    "  - été\n  - 😀\n  - a:b\n  - 'a: b'\n  - 'x #y'\n  - \"it's\"\n"
    "  - '${MONGO_HOST:-mongo-repl-1:27017}'\n"
    "  - \"multi\\nline\\n\"\n  - \"keep\\n\\n\"\n  - \"  indented\\nblock\"\n"
    "numbers: [0, -0, 1, -1, 1.5, 3.10, 1e21, 5e-100, .inf, -.inf, .nan, 0x1F, 010,"
    " 123456789012345680000, 0.1]\n"
    "bools: [true, false, True]\n"
    "nulls: [~, null, ]\n"
    "'80': port\n"
    "8080: alt\n"
    "'01': not an index\n"
    "'yes': key that needs quotes\n"
    "\"a\\tb\": tab key\n"
    "empty: {map: {}, list: []}\n"
    "nested:\n  - - a\n    - [b, {c: d}]\n  - {e: [f]}\n"
    "services:\n"
    "  engine:\n"
    "    command: ['node', 'dist-server/index.js', '-d']\n"
    "    environment: {REDIS_USE_TLS: 'true', PORT: '3000', MONGO_DIRECT_CONNECTION: 'false'}\n"
    "    healthcheck:\n"
    "      test: echo 'db.runCommand(\"ping\").ok' | mongosh localhost:27017/admin --quiet\n";

Test(roundtrip, load_emit_load_gives_the_same_tree)
{
    val *a = load(varied);
    const char *text = emit(a, YAMLEMIT_NO_WIDTH);
    val *b = load(text);
    char why[256] = "";
    cr_assert(deep_equal(a, b, why, sizeof why), "%s\n--- emitted:\n%s", why, text);
    /* strings stay strings */
    val *strs = val_get(b, "strings");
    for (size_t i = 0; i < val_len(strs); i++)
        cr_assert(val_is(strs->u.seq.items[i], VAL_STR), "item %zu", i);
    cr_assert_str_eq(val_str(strs->u.seq.items[0]), "6379");
    cr_assert_str_eq(val_str(val_path(b, "services.engine.environment.REDIS_USE_TLS")),
                     "true");
    /* and emitting again gives the same bytes */
    cr_assert_str_eq(emit(b, YAMLEMIT_NO_WIDTH), text);
}

Test(roundtrip, width_80_round_trips_too)
{
    val *a = load(varied);
    val_map_set(&A, a, "long", S(rep("word", 60, " ")));
    val_map_set(&A, a, "longml", S(arena_sprintf(&A, "%s\n\n  more\n%s\n",
                                                 rep("x", 50, " "), rep("y", 50, " "))));
    const char *text = emit(a, 80);
    cr_assert(strstr(text, "long: >-\n"), "%s", text);
    val *b = load(text);
    char why[256] = "";
    cr_assert(deep_equal(a, b, why, sizeof why), "%s\n--- emitted:\n%s", why, text);
}

Test(roundtrip, every_appendix_vector_reads_back_as_the_same_string)
{
    val *m = val_new_map(&A), *s = val_new_seq(&A);
    for (size_t i = 0; i < SRV_ARRAY_LEN(appendix_a); i++) {
        val_map_set(&A, m, appendix_a[i][0], S(appendix_a[i][0]));
        val_seq_push(&A, s, S(appendix_a[i][0]));
    }
    val_map_set(&A, m, "__list", s);
    const char *text = emit(m, 80);
    val *b = load(text);
    char why[256] = "";
    cr_assert(deep_equal(m, b, why, sizeof why), "%s\n--- emitted:\n%s", why, text);
}

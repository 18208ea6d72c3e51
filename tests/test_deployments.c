/* tests/test_deployments.c — core/deployments: file order and
 * concatenation, environments in first-seen order, parse warnings with
 * file:line:column, per-deployment errors naming deployment and file,
 * selection by name or shortName (spec §5.1–§5.3). */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/deployments.h"
#include "core/util.h"
#include "tests/tsupport.h"

#define DIR_REL "infrastructure/shared/configs/deployments"

static char *root;

static void setup(void)
{
    root = ts_tmpdir();
}

static void teardown(void)
{
    ts_rmrf(root);
    free(root);
}

static void put(const char *name, const char *text)
{
    char *rel = util_xasprintf(DIR_REL "/%s", name);
    ts_write(root, rel, text);
    free(rel);
}

/* One deployment object with the given target (JSON text). */
static char *dep(const char *name, const char *sn, const char *envs, const char *target)
{
    return util_xasprintf("{\"name\": \"%s\", \"shortName\": \"%s\", \"description\": \"d %s\","
                          " \"environments\": %s, \"target\": %s}",
                          name, sn, sn, envs, target);
}

static void put_file(const char *file, const char *d1, const char *d2)
{
    char *text = util_xasprintf("{\"deployments\": [%s%s%s]}\n", d1, d2 ? ",\n" : "",
                                d2 ? d2 : "");
    put(file, text);
    free(text);
}

#define UP_T "{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\"}"

static void load_ok(deploy_set *s)
{
    char err[SRV_ERRLEN] = "";
    cr_assert_eq(deploy_load(s, root, err, sizeof err), 0, "%s", err);
}

static char *all_diags(const deploy_set *s)
{
    strbuf sb = STRBUF_INIT;
    strbuf_grow(&sb, 0);
    for (size_t i = 0; i < s->diags.n; i++) {
        diag_format_line(&sb, &s->diags.items[i]);
        strbuf_addc(&sb, '\n');
    }
    return strbuf_detach(&sb, NULL);
}

TestSuite(deployments, .init = setup, .fini = teardown);

Test(deployments, files_in_name_order_concatenated)
{
    char *a = dep("Alpha", "a", "[\"local\"]", UP_T);
    char *b = dep("Beta", "b", "[\"local\"]", UP_T);
    char *c = dep("Gamma", "c", "[\"local\"]", UP_T);
    put_file("zeta.json", c, NULL);
    put_file("alpha.json", a, b);
    put("notes.txt", "not json at all");
    put("Upper.json", "{\"deployments\": []}");
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 3);
    cr_assert_str_eq(s.items[0].short_name, "a");
    cr_assert_str_eq(s.items[1].short_name, "b");
    cr_assert_str_eq(s.items[2].short_name, "c");
    cr_assert_str_eq(s.items[0].file, DIR_REL "/alpha.json");
    cr_assert_str_eq(s.items[2].file, DIR_REL "/zeta.json");
    cr_assert_eq(s.items[1].index, 1);
    cr_assert_eq(s.diags.n, 0, "%s", all_diags(&s));
    deploy_set_free(&s);
    free(a);
    free(b);
    free(c);
}

Test(deployments, environments_first_seen_order)
{
    char *a = dep("A", "a", "[\"local\", \"minikube\"]", UP_T);
    char *b = dep("B", "b", "[\"dev\", \"local\", \"test\"]", UP_T);
    char *c = dep("C", "c", "[\"staging\", \"dev\"]", UP_T);
    put_file("1.json", a, b);
    put_file("2.json", c, NULL);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n_envs, 5);
    const char *want[] = {"local", "minikube", "dev", "test", "staging"};
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_eq(s.envs[i], want[i]);
    cr_assert_null(s.envs[5]);
    deploy_set_free(&s);
    free(a);
    free(b);
    free(c);
}

Test(deployments, missing_folder_is_the_reference_error)
{
    deploy_set s;
    char err[SRV_ERRLEN];
    cr_assert_eq(deploy_load(&s, root, err, sizeof err), -1);
    char *want = util_xasprintf("No deployment configuration found. Expected:\n  - %s/" DIR_REL
                                "/*.json",
                                root);
    cr_assert_str_eq(err, want);
    free(want);
}

Test(deployments, no_deployment_at_all)
{
    put("empty.json", "{\"deployments\": []}");
    put("other.json", "{\"something\": 1}");
    deploy_set s;
    char err[SRV_ERRLEN];
    cr_assert_eq(deploy_load(&s, root, err, sizeof err), -1);
    cr_assert_str_eq(err, "No deployments found in config files.");
}

Test(deployments, bad_json_warns_with_line_and_column_and_is_skipped)
{
    const char *bad = "{\n  \"deployments\": [\n    {\"name\": \"x\",,}\n  ]\n}\n";
    put("a_bad.json", bad);
    char *b = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("b_good.json", b, NULL);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1, "the bad file is skipped, the good one loaded");
    cr_assert_str_eq(s.items[0].short_name, "g");
    cr_assert_eq(s.diags.n, 1);
    const diag *d = &s.diags.items[0];
    cr_assert_eq(d->sev, DIAG_WARNING);
    cr_assert_str_eq(d->file, DIR_REL "/a_bad.json");
    int line, col;
    ts_pos(bad, ",}", &line, &col);
    cr_assert_eq(d->line, line, "line %d, want %d", d->line, line);
    cr_assert_eq(d->col, col, "column %d, want %d (the second comma)", d->col, col);
    cr_assert(strstr(d->message, "expected a string key at ',}'"), "%s", d->message);
    cr_assert(strstr(d->message, "Failed to load config from " DIR_REL "/a_bad.json"),
              "%s", d->message);
    strbuf sb = STRBUF_INIT;
    diag_format_line(&sb, d);
    char *loc = util_xasprintf(DIR_REL "/a_bad.json:%d:%d: warning:", line, col);
    cr_assert(util_startswith(sb.data, loc), "%s", sb.data);
    free(loc);
    strbuf_free(&sb);
    deploy_set_free(&s);
    free(b);
}

Test(deployments, column_counts_characters_not_bytes)
{
    /* "é" is two bytes: the ']' after it is at character column 12 */
    put("u.json", "{\"x\": \"\xc3\xa9\", ]}");
    char *b = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("v.json", b, NULL);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.diags.n, 1);
    cr_assert_eq(s.diags.items[0].line, 1);
    cr_assert_eq(s.diags.items[0].col, 12, "col %d", s.diags.items[0].col);
    deploy_set_free(&s);
    free(b);
}

Test(deployments, truncated_and_trailing_text_are_parse_errors)
{
    put("a.json", "{\"deployments\": [\n");
    put("b.json", "{\"deployments\": []} extra");
    put("c.json", "");
    char *g = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("d.json", g, NULL);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.diags.n, 3, "%s", all_diags(&s));
    cr_assert_eq(s.diags.items[0].line, 2);
    cr_assert_eq(s.diags.items[0].col, 1);
    cr_assert(strstr(s.diags.items[0].message, "unexpected end of input"));
    cr_assert_eq(s.diags.items[1].line, 1);
    cr_assert_eq(s.diags.items[1].col, 21, "col %d", s.diags.items[1].col);
    cr_assert(strstr(s.diags.items[1].message, "unexpected text after the JSON value at 'extra'"),
              "%s", s.diags.items[1].message);
    cr_assert_eq(s.diags.items[2].line, 1);
    cr_assert_eq(s.diags.items[2].col, 1);
    deploy_set_free(&s);
    free(g);
}

/* What JSON.parse rejects is rejected, exactly where it is wrong. */
static void expect_parse_error(const char *text, int line, int col, const char *msg)
{
    put("bad.json", text);
    char *g = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("good.json", g, NULL);
    free(g);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.diags.n, 1, "%s: no warning", text);
    const diag *d = &s.diags.items[0];
    cr_assert_eq(d->line, line, "%s: line %d, want %d", text, d->line, line);
    cr_assert_eq(d->col, col, "%s: column %d, want %d", text, d->col, col);
    cr_assert(strstr(d->message, msg), "%s: '%s' should say '%s'", text, d->message, msg);
    deploy_set_free(&s);
}

Test(deployments, strict_json_errors)
{
    expect_parse_error("[1,]", 1, 4, "unexpected character");
    expect_parse_error("{\"a\": 1,}", 1, 9, "expected a string key");
    expect_parse_error("{\"a\" 1}", 1, 6, "expected ':'");
    expect_parse_error("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'");
    expect_parse_error("[1 2]", 1, 4, "expected ',' or ']'");
    expect_parse_error("{\"a\": \"x\ty\"}", 1, 9, "control character");
    expect_parse_error("{\"a\": \"\\q\"}", 1, 9, "bad escape");
    expect_parse_error("{\"a\": \"\\u12G4\"}", 1, 12, "bad \\u escape");
    expect_parse_error("{\"a\": 01}", 1, 8, "expected ',' or '}'");
    expect_parse_error("{\"a\": -}", 1, 8, "digit expected");
    expect_parse_error("{\"a\": 1.}", 1, 9, "digit expected");
    expect_parse_error("{\"a\": tru}", 1, 10, "unexpected character");
    expect_parse_error("{\"a\": \"open", 1, 12, "unterminated string");
    expect_parse_error("\xef\xbb\xbf{}", 1, 1, "unexpected character");
    expect_parse_error("{'a': 1}", 1, 2, "expected a string key");
    expect_parse_error("\n\n   }", 3, 4, "unexpected character at '}'");
}

Test(deployments, deep_nesting_is_an_error_not_a_crash)
{
    size_t n = 5000;
    char *deep = util_xmalloc(2 * n + 1);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    put("deep.json", deep);
    free(deep);
    char *g = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("good.json", g, NULL);
    free(g);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.diags.n, 1);
    cr_assert(strstr(s.diags.items[0].message, "nested too deeply"));
    deploy_set_free(&s);
}

Test(deployments, file_without_deployments_array_is_skipped_silently)
{
    put("a.json", "{\"other\": []}");
    put("b.json", "[1, 2]");
    char *g = dep("Good", "g", "[\"local\"]", UP_T);
    put_file("c.json", g, NULL);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.diags.n, 0, "%s", all_diags(&s));
    deploy_set_free(&s);
    free(g);
}

/* Load one deployment in file x.json and return its error (or NULL). */
static char *error_of(const char *deployment_json)
{
    put("x.json", "");
    char *text = util_xasprintf("{\"deployments\": [%s]}", deployment_json);
    put("x.json", text);
    free(text);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 1);
    char *e = s.items[0].error ? util_xstrdup(s.items[0].error) : NULL;
    if (e) {
        cr_assert_eq(deploy_error_count(&s), 1);
        cr_assert_str_eq(s.diags.items[0].file, DIR_REL "/x.json");
    } else {
        cr_assert_eq(deploy_error_count(&s), 0);
    }
    deploy_set_free(&s);
    return e;
}

static void expect_error(const char *target, const char *needle)
{
    char *d = dep("Broken One", "b1", "[\"local\"]", target);
    char *e = error_of(d);
    cr_assert_not_null(e, "no error for %s", target);
    cr_assert(strstr(e, DIR_REL "/x.json"), "names the file: %s", e);
    cr_assert(strstr(e, "deployment \"Broken One\""), "names the deployment: %s", e);
    cr_assert(strstr(e, needle), "'%s' should contain '%s'", e, needle);
    free(e);
    free(d);
}

Test(deployments, unknown_type)
{
    expect_error("{\"type\": \"helm\", \"deployCommand\": \"install\"}",
                 "Unknown deployment type: helm");
}

Test(deployments, missing_deploy_command)
{
    expect_error("{\"composeFile\": \"c.yml\"}", "\"deployCommand\" is missing");
    expect_error("{\"type\": \"sh\"}", "\"deployCommand\" is missing");
}

Test(deployments, missing_compose_file)
{
    expect_error("{\"deployCommand\": \"up\"}",
                 "Docker-compose deployment requires composeFile or composeFiles.");
    expect_error("{\"deployCommand\": \"up\", \"composeFiles\": []}",
                 "requires composeFile or composeFiles");
    expect_error("{\"deployCommand\": \"up\", \"composeFiles\": [{\"defaultArgs\": \"-d\"}]}",
                 "composeFiles[0].\"composeFile\" is missing");
}

Test(deployments, wrong_field_types)
{
    expect_error("{\"deployCommand\": 5, \"composeFile\": \"c.yml\"}",
                 "\"deployCommand\" must be a string, not a number");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", \"defaultArgs\": [\"-d\"]}",
                 "target.\"defaultArgs\" must be a string, not an array");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", "
                 "\"preBuildCommands\": {\"command\": \"x\"}}",
                 "\"preBuildCommands\" must be an array");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", "
                 "\"postUpCommands\": [{\"description\": \"no command\"}]}",
                 "target.postUpCommands[0].\"command\" is missing");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", "
                 "\"postUpCommands\": [\"echo hi\"]}",
                 "postUpCommands[0] must be an object");
    expect_error("{\"deployCommand\": \"up\", \"composeFiles\": [{\"composeFile\": \"c.yml\", "
                 "\"skipBuild\": \"false\"}]}",
                 "composeFiles[0].\"skipBuild\" must be true or false, not a string");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", "
                 "\"environmentOverrides\": {\"local\": {\"defaultArgs\": 1}}}",
                 "environmentOverrides.local.\"defaultArgs\" must be a string");
    expect_error("{\"deployCommand\": \"up\", \"composeFile\": \"c.yml\", "
                 "\"environmentOverrides\": [\"local\"]}",
                 "\"environmentOverrides\" must be an object");
    expect_error("{\"type\": 3, \"deployCommand\": \"x\"}", "\"type\" must be a string");
    expect_error("\"not an object\"", "\"target\" must be an object");
}

Test(deployments, wrong_deployment_fields)
{
    char *e = error_of("{\"name\": \"N\", \"shortName\": \"n\", \"description\": \"d\", "
                       "\"environments\": \"local\", \"target\": " UP_T "}");
    cr_assert(e && strstr(e, "\"environments\" must be an array of strings"), "%s", e);
    free(e);
    e = error_of("{\"shortName\": \"only_short\", \"description\": \"d\", "
                 "\"environments\": [\"local\"], \"target\": " UP_T "}");
    cr_assert(e && strstr(e, "deployment \"only_short\"") && strstr(e, "\"name\" is missing"),
              "%s", e);
    free(e);
    e = error_of("42");
    cr_assert(e && strstr(e, "deployment #1: must be an object, not a number"), "%s", e);
    free(e);
}

Test(deployments, sh_and_kubectl_need_no_compose_file)
{
    char *d = dep("S", "s", "[\"local\"]", "{\"type\": \"sh\", \"deployCommand\": \"x.sh\"}");
    char *e = error_of(d);
    cr_assert_null(e, "%s", e);
    free(d);
    d = dep("K", "k", "[\"local\"]", "{\"type\": \"kubectl\", \"deployCommand\": \"apply\"}");
    e = error_of(d);
    cr_assert_null(e, "%s", e);
    free(d);
}

Test(deployments, broken_deployment_keeps_its_place)
{
    char *a = dep("Same", "s1", "[\"local\"]", "{\"deployCommand\": \"up\"}");
    char *b = dep("Same", "s2", "[\"local\"]", UP_T);
    put_file("a.json", a, b);
    deploy_set s;
    load_ok(&s);
    cr_assert_eq(s.n, 2);
    const deploy *d;
    char err[256];
    cr_assert_eq(deploy_select(&s, "local", "Same", &d, err, sizeof err), DEPLOY_FOUND);
    cr_assert_eq(d, &s.items[0], "first match, even when it cannot run");
    cr_assert_not_null(d->error);
    deploy_set_free(&s);
    free(a);
    free(b);
}

Test(deployments, fields_are_read)
{
    put("x.json",
        "{\"deployments\": [{\"name\": \"Start All\", \"shortName\": \"s\", \"description\": "
        "\"desc\", \"environments\": [\"local\", \"dev\"], \"target\": {\"composing\": \"all\","
        " \"deployCommand\": \"up\", \"defaultArgs\": \"-d\", \"skipBuild\": false,"
        " \"composeFiles\": [{\"composeFile\": \"a.yml\", \"defaultArgs\": \"-x\","
        " \"skipBuild\": false, \"preBuildCommands\": [{\"description\": \"P\", \"command\": "
        "\"p\"}], \"environmentOverrides\": {\"local\": {\"postUpCommands\": [],"
        " \"defaultArgs\": \"\", \"skipBuild\": true}}}, {\"composeFile\": \"b.yml\"}]}}]}");
    deploy_set s;
    load_ok(&s);
    const deploy *d = &s.items[0];
    cr_assert_null(d->error, "%s", d->error);
    cr_assert_eq(d->type, DEPLOY_COMPOSE);
    cr_assert_str_eq(d->type_name, "docker-compose");
    cr_assert_str_eq(d->composing, "all");
    cr_assert_str_eq(d->verb, "up");
    cr_assert_str_eq(d->target.args, "-d");
    cr_assert_eq(d->target.skip_build, DEPLOY_UNSET, "target-level skipBuild is not read");
    cr_assert_eq(d->n_files, 2);
    const deploy_scope *f = &d->files[0];
    cr_assert_str_eq(f->compose_file, "a.yml");
    cr_assert_str_eq(f->args, "-x");
    cr_assert_eq(f->skip_build, DEPLOY_FALSE);
    cr_assert(f->pre.present);
    cr_assert_eq(f->pre.n, 1);
    cr_assert_str_eq(f->pre.items[0].description, "P");
    cr_assert_str_eq(f->pre.items[0].command, "p");
    cr_assert_not(f->post.present);
    const deploy_override *o = deploy_scope_override(f, "local");
    cr_assert_not_null(o);
    cr_assert(o->post.present, "an empty list is present");
    cr_assert_eq(o->post.n, 0);
    cr_assert_not(o->pre.present);
    cr_assert_str_eq(o->args, "", "an empty string is present");
    cr_assert_eq(o->skip_build, DEPLOY_TRUE);
    cr_assert_null(deploy_scope_override(f, "dev"));
    cr_assert_null(d->files[1].args);
    cr_assert_eq(d->files[1].skip_build, DEPLOY_UNSET);
    deploy_set_free(&s);
}

Test(deployments, duplicate_keys_last_wins_and_null_is_absent)
{
    put("x.json", "{\"deployments\": [{\"name\": \"First\", \"name\": \"Second\","
                  " \"shortName\": \"s\", \"description\": \"d\", \"environments\": [\"l\"],"
                  " \"target\": {\"deployCommand\": \"up\", \"composeFile\": \"c.yml\","
                  " \"defaultArgs\": null, \"type\": null}}]}");
    deploy_set s;
    load_ok(&s);
    cr_assert_null(s.items[0].error, "%s", s.items[0].error);
    cr_assert_str_eq(s.items[0].name, "Second");
    cr_assert_null(s.items[0].target.args);
    cr_assert_eq(s.items[0].type, DEPLOY_COMPOSE);
    deploy_set_free(&s);
}

Test(deployments, select_by_name_or_short_name_first_match)
{
    char *a = dep("Start", "st", "[\"local\"]", UP_T);
    char *b = dep("st", "other", "[\"dev\"]", UP_T);
    put_file("a.json", a, b);
    deploy_set s;
    load_ok(&s);
    const deploy *d;
    char err[256] = "";
    cr_assert_eq(deploy_select(&s, "local", "Start", &d, err, sizeof err), DEPLOY_FOUND);
    cr_assert_eq(d, &s.items[0]);
    cr_assert_eq(deploy_select(&s, "local", "st", &d, err, sizeof err), DEPLOY_FOUND);
    cr_assert_eq(d, &s.items[0], "shortName of the first beats name of the second");
    cr_assert_eq(deploy_select(&s, "dev", "st", &d, err, sizeof err), DEPLOY_ENV_INVALID,
                 "the first match decides, even when its env does not fit");
    cr_assert_str_eq(err, "Environment \"dev\" is not valid for the deployment \"st\".");
    cr_assert_eq(d, &s.items[0]);
    cr_assert_eq(deploy_select(&s, "dev", "other", &d, err, sizeof err), DEPLOY_FOUND);
    cr_assert_eq(deploy_select(&s, "local", "nope", &d, err, sizeof err), DEPLOY_NOT_FOUND);
    cr_assert_null(d);
    cr_assert_str_eq(err, "Deployment \"nope\" not found in deploymentConfig.json.");
    cr_assert_eq(deploy_select(&s, "local", "start", &d, err, sizeof err), DEPLOY_NOT_FOUND,
                 "case-sensitive");
    deploy_set_free(&s);
    free(a);
    free(b);
}

Test(deployments, type_names)
{
    cr_assert_str_eq(deploy_type_name(DEPLOY_COMPOSE), "docker-compose");
    cr_assert_str_eq(deploy_type_name(DEPLOY_SH), "sh");
    cr_assert_str_eq(deploy_type_name(DEPLOY_KUBECTL), "kubectl");
}

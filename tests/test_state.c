/* tests/test_state.c — core/state: docker ps / events / inspect → table. */
#include "config.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"
#include "core/util.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/fixtures"
#endif

#define NS 1000000000ull

static const char *const EXPECTED[] = {
    "mongo-repl-1",     "redis",           "rabbitmq",
    "srvthreds-bootstrap", "srvthreds-engine", "srvthreds-session-agent",
    "srvthreds-persistence-agent",
};
static const char *const PROJECTS[] = {"compose"};

static char *fixture(const char *name, size_t *len)
{
    char *path = util_xasprintf("%s/docker/%s", FIXTURES, name);
    char *data;
    char err[SRV_ERRLEN];
    cr_assert_eq(util_read_file(path, 1 << 20, &data, len, err), 0, "%s", err);
    free(path);
    return data;
}

/* Feed a .jsonl fixture line by line; returns how many lines changed the
 * table (events) or were applied (ps). */
static int feed(state_table *st, const char *name, bool events)
{
    size_t len;
    char *data = fixture(name, &len);
    char err[256];
    int changed = 0, lineno = 0;
    if (!events)
        state_ps_begin(st);
    for (char *p = data; *p;) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        int rc = events ? state_apply_event(st, p, n, err, sizeof err)
                        : state_apply_ps_line(st, p, n, lineno, err, sizeof err);
        cr_assert_geq(rc, 0, "%s:%d: %s", name, lineno, err);
        changed += rc;
        p += n + (nl ? 1 : 0);
    }
    if (!events)
        state_ps_end(st);
    free(data);
    return changed;
}

static state_table *project_table(void)
{
    state_table *st = state_new();
    state_set_filter(st, EXPECTED, SRV_ARRAY_LEN(EXPECTED), PROJECTS, 1);
    return st;
}

static const state_container *must(const state_table *st, const char *name)
{
    const state_container *c = state_find(st, name);
    cr_assert_not_null(c, "%s is in the table", name);
    return c;
}

static void expect_order(const state_table *st, const char *const *names, size_t n)
{
    cr_assert_eq(state_count(st), n, "%zu containers, want %zu", state_count(st), n);
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(state_get(st, i)->name, names[i], "row %zu", i);
}

static const char *describe(const state_container *c)
{
    static char buf[64];
    return state_describe(c, buf, sizeof buf);
}

Test(state_ps, docker28_project_filter_and_order)
{
    state_table *st = project_table();
    uint64_t v0 = state_version(st);
    feed(st, "ps_v28.jsonl", false);
    cr_assert_gt(state_version(st), v0);
    /* minikube (no compose labels, not expected) and blog-db-1 (another
     * project) are not ours; the crash-looping agent sorts first */
    const char *order[] = {"srvthreds-session-agent", "mongo-repl-1", "redis", "rabbitmq",
                           "srvthreds-bootstrap", "srvthreds-engine"};
    expect_order(st, order, SRV_ARRAY_LEN(order));
    cr_assert_null(state_find(st, "minikube"));
    cr_assert_null(state_find(st, "blog-db-1"));

    const state_container *m = must(st, "mongo-repl-1");
    cr_assert_eq(m->run, STATE_RUNNING);
    cr_assert_eq(m->health, STATE_HEALTH_HEALTHY);
    cr_assert(m->has_health);
    cr_assert_str_eq(m->ports, "27017");
    cr_assert_str_eq(m->image, "mongo:latest");
    cr_assert_str_eq(m->project, "compose");
    cr_assert_str_eq(m->service, "mongo-repl-1");
    cr_assert_eq(strlen(m->id), 64);
    cr_assert_eq(m->created_ns, 1749546750ull * NS);
    cr_assert_eq(m->restarts, -1, "docker ps does not tell restarts");
    cr_assert_str_eq(m->status, "Up 3 minutes (healthy)");

    const state_container *r = must(st, "rabbitmq");
    cr_assert_str_eq(r->ports, "5672,15672", "published ports only, IPv6 twins merged");
    cr_assert_eq(r->health, STATE_HEALTH_NONE);
    cr_assert_not(r->has_health);
    cr_assert_str_eq(describe(r), "running");

    const state_container *b = must(st, "srvthreds-bootstrap");
    cr_assert_eq(b->run, STATE_EXITED);
    cr_assert_eq(b->exit_code, 0);
    cr_assert_str_eq(describe(b), "exited 0");
    cr_assert_not(state_is_failing(b));
    cr_assert_str_eq(b->ports, "");

    const state_container *e = must(st, "srvthreds-engine");
    cr_assert_eq(e->health, STATE_HEALTH_STARTING);
    cr_assert_str_eq(describe(e), "starting");
    cr_assert_str_eq(e->ports, "8082");

    const state_container *s = must(st, "srvthreds-session-agent");
    cr_assert_eq(s->run, STATE_RESTARTING);
    cr_assert_eq(s->exit_code, 1);
    cr_assert(state_is_failing(s));
    cr_assert_str_eq(describe(s), "restarting");
    state_free(st);
}

Test(state_ps, filters)
{
    state_table *st = state_new();
    feed(st, "ps_v28.jsonl", false);
    cr_assert_eq(state_count(st), 8, "no filter: every container");
    /* with no expected list, failing first then by name */
    cr_assert_str_eq(state_get(st, 0)->name, "minikube");
    cr_assert_str_eq(state_get(st, 1)->name, "srvthreds-session-agent");
    cr_assert_str_eq(state_get(st, 2)->name, "blog-db-1");

    state_set_filter(st, NULL, 0, PROJECTS, 1);
    cr_assert_eq(state_count(st), 6, "narrowing the filter drops the others");
    cr_assert_null(state_find(st, "blog-db-1"));

    const char *pre[] = {"srvthreds-*", "minikube"};
    state_set_filter(st, pre, 2, NULL, 0);
    feed(st, "ps_v28.jsonl", false);
    /* failing first, each group in the expected list's order */
    const char *order[] = {"srvthreds-session-agent", "minikube", "srvthreds-bootstrap",
                           "srvthreds-engine"};
    expect_order(st, order, SRV_ARRAY_LEN(order));
    cr_assert(state_wanted(st, "srvthreds-anything", NULL));
    cr_assert_not(state_wanted(st, "srvthred", NULL));
    cr_assert_not(state_wanted(st, "redis", "compose"));
    state_free(st);
}

Test(state_ps, docker20_and_docker19)
{
    state_table *st = project_table();
    feed(st, "ps_v20.jsonl", false);
    const char *order[] = {"mongo-repl-1", "rabbitmq", "redis"};
    expect_order(st, order, 3);
    const state_container *m = must(st, "mongo-repl-1");
    cr_assert_eq(m->health, STATE_HEALTH_UNHEALTHY);
    cr_assert(state_is_failing(m), "unhealthy sorts to the top");
    cr_assert_str_eq(must(st, "redis")->ports, "6379");
    cr_assert_eq(must(st, "redis")->created_ns, 1704884400ull * NS, "+0100 CET is 11:00 UTC");
    const state_container *r = must(st, "rabbitmq");
    cr_assert_eq(r->exit_code, 137);
    cr_assert_str_eq(describe(r), "exited 137");
    state_free(st);

    /* Docker 19.03 had no State field: it comes from Status */
    st = project_table();
    feed(st, "ps_v19.jsonl", false);
    cr_assert_eq(must(st, "redis")->run, STATE_PAUSED);
    cr_assert_eq(must(st, "mongo-repl-1")->run, STATE_RUNNING);
    cr_assert_eq(must(st, "rabbitmq")->run, STATE_EXITED);
    cr_assert_eq(must(st, "rabbitmq")->exit_code, 137);
    state_free(st);
}

Test(state_ps, snapshot_removes_the_gone_and_keeps_the_rest)
{
    state_table *st = project_table();
    feed(st, "ps_v28.jsonl", false);
    uint64_t v = state_version(st);
    feed(st, "ps_v28.jsonl", false);
    cr_assert_eq(state_version(st), v, "the same snapshot changes nothing");
    size_t len;
    char *js = fixture("inspect_redis.json", &len);
    char err[256];
    cr_assert_eq(state_apply_inspect(st, js, len, err, sizeof err), 1, "%s", err);
    free(js);
    cr_assert_eq(must(st, "redis")->restarts, 3);
    feed(st, "ps_v20.jsonl", false);
    cr_assert_eq(state_count(st), 3);
    cr_assert_null(state_find(st, "srvthreds-engine"));
    cr_assert_eq(must(st, "redis")->restarts, 3, "what ps does not say is kept");
    cr_assert_str_eq(must(st, "redis")->ports, "6379", "ps's ports replace inspect's");
    state_free(st);
}

Test(state_events, compose_up_sequence_docker28)
{
    state_table *st = project_table();
    uint64_t v0 = state_version(st);
    int changed = feed(st, "events_v28.jsonl", true);
    /* the network and exec events change nothing, nor does the other project */
    cr_assert_eq(changed, 18, "%d changing events", changed);
    cr_assert_eq(state_version(st) - v0, 18);
    const char *order[] = {"srvthreds-session-agent", "mongo-repl-1", "redis", "rabbitmq",
                           "srvthreds-bootstrap", "srvthreds-engine"};
    expect_order(st, order, SRV_ARRAY_LEN(order));
    const uint64_t t0 = 1749546871000000000ull;
    const state_container *e = must(st, "srvthreds-engine");
    cr_assert_eq(e->run, STATE_RUNNING);
    cr_assert_eq(e->health, STATE_HEALTH_HEALTHY);
    cr_assert_eq(e->started_ns, t0 + 76100ull * 1000000 + 123, "timeNano kept to the ns");
    cr_assert_eq(e->created_ns, t0 + 76000ull * 1000000 + 123);
    cr_assert_str_eq(e->image, "srvthreds/engine:latest");
    cr_assert_str_eq(e->service, "srvthreds-engine");
    cr_assert(e->needs_inspect, "a start asks for inspect (restart count)");
    const state_container *s = must(st, "srvthreds-session-agent");
    cr_assert_eq(s->run, STATE_EXITED);
    cr_assert_eq(s->exit_code, 1);
    cr_assert_eq(s->finished_ns, t0 + 79000ull * 1000000 + 123);
    cr_assert_str_eq(describe(s), "exited 1");
    const state_container *b = must(st, "srvthreds-bootstrap");
    cr_assert_str_eq(describe(b), "exited 0");
    const state_container *m = must(st, "mongo-repl-1");
    cr_assert_eq(m->health, STATE_HEALTH_HEALTHY);
    cr_assert_null(state_find(st, "blog-db-1"));
    cr_assert_eq(state_last_event_ns(st), t0 + 106000ull * 1000000 + 123);
    size_t n;
    const char **want = state_inspect_wanted(st, &n);
    cr_assert_eq(n, 6);
    free(want);
    state_free(st);
}

Test(state_events, teardown_oom_pause_rename_docker20)
{
    state_table *st = project_table();
    feed(st, "ps_v20.jsonl", false);
    cr_assert_eq(state_count(st), 3);
    size_t len;
    char *data = fixture("events_v20.jsonl", &len);
    char err[256];
    char *lines[16];
    size_t nl = 0;
    for (char *p = strtok(data, "\n"); p && nl < 16; p = strtok(NULL, "\n"))
        lines[nl++] = p;
    cr_assert_eq(nl, 11);
#define APPLY(i) state_apply_event(st, lines[i], strlen(lines[i]), err, sizeof err)
    /* kill 15: remembered, no state change yet */
    cr_assert_eq(APPLY(0), 1);
    cr_assert_eq(must(st, "redis")->last_signal, 15);
    cr_assert_eq(must(st, "redis")->run, STATE_RUNNING);
    cr_assert_eq(APPLY(1), 1);
    cr_assert_str_eq(describe(must(st, "redis")), "exited 0");
    cr_assert_eq(APPLY(2), 0, "stop after die changes nothing");
    cr_assert_eq(APPLY(3), 1);
    cr_assert_null(state_find(st, "redis"), "destroy removes it");
    /* OOM, kill 9, die 137 */
    cr_assert_eq(APPLY(4), 1);
    cr_assert_eq(APPLY(5), 1);
    cr_assert_eq(must(st, "rabbitmq")->finished_ns, 0, "ps does not say when it ended");
    cr_assert_eq(APPLY(6), 1, "already exited 137 from ps, but now we know when");
    const state_container *r = must(st, "rabbitmq");
    cr_assert_eq(r->finished_ns, 1749546871000000000ull + 502000000 + 123);
    cr_assert(r->oom_killed);
    cr_assert_eq(r->last_signal, 9);
    cr_assert_str_eq(describe(r), "exited 137 (OOM)");
    /* pause / unpause / unhealthy */
    cr_assert_eq(APPLY(7), 1);
    cr_assert_eq(must(st, "mongo-repl-1")->run, STATE_PAUSED);
    cr_assert_str_eq(describe(must(st, "mongo-repl-1")), "paused");
    cr_assert_eq(APPLY(8), 1);
    cr_assert_eq(must(st, "mongo-repl-1")->run, STATE_RUNNING);
    uint64_t v = state_version(st);
    cr_assert_eq(APPLY(9), 0, "ps said unhealthy already");
    cr_assert_eq(state_version(st), v);
    /* renamed to a name that is not expected: its project still matches */
    cr_assert_eq(APPLY(10), 1);
    cr_assert_null(state_find(st, "mongo-repl-1"));
    cr_assert_not_null(state_find(st, "mongo-old"), "still in project compose");
    cr_assert_str_eq(state_get(st, state_count(st) - 1)->name, "mongo-old",
                     "not expected: after the expected ones");
#undef APPLY
    free(data);
    state_free(st);

    /* with names only, the renamed container leaves the table */
    st = state_new();
    state_set_filter(st, EXPECTED, SRV_ARRAY_LEN(EXPECTED), NULL, 0);
    feed(st, "ps_v20.jsonl", false);
    feed(st, "events_v20.jsonl", true);
    cr_assert_null(state_find(st, "mongo-old"));
    cr_assert_eq(state_count(st), 1);
    state_free(st);
}

Test(state_events, restart_cycle_and_health)
{
    state_table *st = project_table();
    char err[256];
    const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    char line[1024];
#define EV(action, extra, tn)                                                               \
    (snprintf(line, sizeof line,                                                           \
              "{\"Type\":\"container\",\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\","       \
              "\"Attributes\":{\"com.docker.compose.project\":\"compose\",\"image\":"     \
              "\"srvthreds/engine:latest\",\"name\":\"srvthreds-engine\"%s}},"            \
              "\"scope\":\"local\",\"time\":%llu,\"timeNano\":%llu}",                     \
              action, id, extra, (unsigned long long)(tn) / NS, (unsigned long long)(tn)), \
     state_apply_event(st, line, strlen(line), err, sizeof err))
    uint64_t t = 1749546871000000000ull;
    cr_assert_eq(EV("start", "", t), 1, "a start of an unknown container adds it");
    cr_assert_eq(must(st, "srvthreds-engine")->health, STATE_HEALTH_NONE);
    cr_assert_eq(EV("health_status: unhealthy", "", t + 1), 1);
    cr_assert(state_is_failing(must(st, "srvthreds-engine")));
    cr_assert_str_eq(state_health_word(must(st, "srvthreds-engine")->health), "unhealthy");
    cr_assert_eq(EV("die", ",\"exitCode\":\"137\"", t + 2), 1);
    cr_assert_eq(must(st, "srvthreds-engine")->health, STATE_HEALTH_NONE, "no health when down");
    cr_assert_eq(EV("start", "", t + 3), 1);
    const state_container *c = must(st, "srvthreds-engine");
    cr_assert_eq(c->health, STATE_HEALTH_STARTING, "health check known: starting again");
    cr_assert_eq(c->exit_code, -1);
    cr_assert_eq(c->started_ns, t + 3);
    cr_assert_eq(EV("health_status: healthy", "", t + 4), 1);
    cr_assert_str_eq(describe(must(st, "srvthreds-engine")), "running");
    cr_assert_eq(EV("restart", "", t + 5), 0, "restart after start: nothing new");
    cr_assert_eq(EV("exec_die", ",\"exitCode\":\"1\"", t + 6), 0);
    cr_assert_eq(EV("attach", "", t + 7), 0);
    /* garbage does not change the table */
    uint64_t v = state_version(st);
    cr_assert_eq(state_apply_event(st, "{\"Type\":\"container\"", 20, err, sizeof err), -1);
    cr_assert(strstr(err, "docker events"), "%s", err);
    cr_assert_eq(state_apply_event(st, "{\"Type\":\"container\"}", 20, err, sizeof err), -1);
    cr_assert(strstr(err, "no Action"), "%s", err);
    cr_assert_eq(state_apply_event(st, "[1,2]", 5, err, sizeof err), -1);
    cr_assert_eq(state_apply_event(st, "\n", 1, err, sizeof err), 0, "blank line");
    cr_assert_eq(state_version(st), v);
#undef EV
    state_free(st);
}

Test(state_events, recreate_under_the_same_name)
{
    state_table *st = project_table();
    feed(st, "ps_v28.jsonl", false);
    const char *old_id = must(st, "redis")->id;
    char oldid[65];
    snprintf(oldid, sizeof oldid, "%s", old_id);
    const char *newid = "ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000";
    char line[1024], err[256];
#define EV(action, id)                                                                       \
    (snprintf(line, sizeof line,                                                            \
              "{\"Type\":\"container\",\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\","        \
              "\"Attributes\":{\"com.docker.compose.project\":\"compose\",\"image\":"      \
              "\"redis:7\",\"name\":\"redis\"}},\"time\":1749546900,"                       \
              "\"timeNano\":1749546900000000000}",                                          \
              action, id),                                                                  \
     state_apply_event(st, line, strlen(line), err, sizeof err))
    cr_assert_eq(EV("create", newid), 1);
    cr_assert_str_eq(must(st, "redis")->id, newid);
    cr_assert_eq(must(st, "redis")->run, STATE_CREATED);
    cr_assert_str_eq(must(st, "redis")->ports, "", "the new container starts afresh");
    cr_assert_eq(EV("destroy", oldid), 0, "the old one's destroy is not the new one's");
    cr_assert_not_null(state_find(st, "redis"));
    cr_assert_eq(EV("start", newid), 1);
    cr_assert_eq(must(st, "redis")->run, STATE_RUNNING);
    cr_assert_eq(EV("destroy", newid), 1);
    cr_assert_null(state_find(st, "redis"));
#undef EV
    state_free(st);
}

Test(state_inspect, restarts_health_started_ports)
{
    state_table *st = project_table();
    feed(st, "ps_v28.jsonl", false);
    size_t n;
    const char **want = state_inspect_wanted(st, &n);
    cr_assert_eq(n, 6, "containers seen by ps only need an inspect");
    free(want);
    size_t len;
    char *js = fixture("inspect_services.json", &len);
    char err[256];
    cr_assert_eq(state_apply_inspect(st, js, len, err, sizeof err), 1, "%s", err);
    free(js);
    const state_container *s = must(st, "srvthreds-session-agent");
    cr_assert_eq(s->restarts, 2);
    cr_assert_eq(s->run, STATE_RESTARTING);
    cr_assert_eq(s->exit_code, 1);
    cr_assert_eq(s->started_ns, 1749546919ull * NS + 1);
    cr_assert_eq(s->finished_ns, 1749546920ull * NS + 123456789);
    cr_assert_not(s->needs_inspect);
    const state_container *e = must(st, "srvthreds-engine");
    cr_assert_eq(e->restarts, 0);
    cr_assert_eq(e->started_ns, 1749546917ull * NS + 987654321);
    cr_assert_eq(e->finished_ns, 0, "Docker's zero time is no time");
    cr_assert_eq(e->health, STATE_HEALTH_STARTING);
    cr_assert_str_eq(e->ports, "8082", "unpublished 9229 not shown");
    cr_assert_null(state_find(st, "minikube"), "inspect does not add foreign containers");
    want = state_inspect_wanted(st, &n);
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++)
        cr_assert(strcmp(want[i], "srvthreds-engine") && strcmp(want[i], "srvthreds-session-agent"));
    free(want);
    /* an object alone is accepted too; a repeat changes nothing */
    js = fixture("inspect_redis.json", &len);
    char *obj = strchr(js, '{');
    char *end = strrchr(js, ']');
    *end = '\0';
    cr_assert_eq(state_apply_inspect(st, obj, strlen(obj), err, sizeof err), 1, "%s", err);
    cr_assert_eq(state_apply_inspect(st, obj, strlen(obj), err, sizeof err), 0);
    cr_assert_str_eq(must(st, "redis")->ports, "16379->6379");
    cr_assert_eq(must(st, "redis")->restarts, 3);
    free(js);
    uint64_t v = state_version(st);
    cr_assert_eq(state_apply_inspect(st, "nope", 4, err, sizeof err), -1);
    cr_assert(strstr(err, "docker inspect"), "%s", err);
    cr_assert_eq(state_apply_inspect(st, "[]", 2, err, sizeof err), 0);
    cr_assert_eq(state_apply_inspect(st, "[1, \"x\", {}]", 12, err, sizeof err), 0);
    cr_assert_eq(state_version(st), v);
    state_free(st);
}

Test(state_ps, malformed_lines)
{
    state_table *st = project_table();
    char err[256];
    state_ps_begin(st);
    cr_assert_eq(state_apply_ps_line(st, "Cannot connect", 14, 3, err, sizeof err), -1);
    cr_assert(strstr(err, "docker ps line 3"), "%s", err);
    cr_assert_eq(state_apply_ps_line(st, "{\"Names\":\"redis\"}", 17, 4, err, sizeof err), -1);
    cr_assert(strstr(err, "no ID"), "%s", err);
    cr_assert_eq(state_apply_ps_line(st, "", 0, 5, err, sizeof err), 0);
    state_ps_end(st);
    cr_assert_eq(state_count(st), 0);
    state_free(st);
}

Test(state, engine_state)
{
    state_table *st = state_new();
    const char *msg;
    cr_assert_eq(state_engine_get(st, &msg), STATE_ENGINE_UNKNOWN);
    uint64_t v = state_version(st);
    state_set_engine(st, STATE_ENGINE_UNREACHABLE,
                     "Cannot connect to the Docker daemon at unix:///var/run/docker.sock");
    cr_assert_gt(state_version(st), v);
    cr_assert_eq(state_engine_get(st, &msg), STATE_ENGINE_UNREACHABLE);
    cr_assert(strstr(msg, "Cannot connect"));
    cr_assert_str_eq(state_engine_word(STATE_ENGINE_UNREACHABLE), "unreachable");
    cr_assert_str_eq(state_engine_word(STATE_ENGINE_NO_DOCKER), "docker not found");
    v = state_version(st);
    state_set_engine(st, STATE_ENGINE_UNREACHABLE,
                     "Cannot connect to the Docker daemon at unix:///var/run/docker.sock");
    cr_assert_eq(state_version(st), v, "the same state again is no change");
    state_set_engine(st, STATE_ENGINE_OK, NULL);
    cr_assert_eq(state_engine_get(st, &msg), STATE_ENGINE_OK);
    cr_assert_str_eq(msg, "");
    state_free(st);
}

static void expect_argv(char **got, const char *const *want)
{
    size_t i = 0;
    for (; want[i]; i++) {
        cr_assert_not_null(got[i], "argv[%zu] missing", i);
        cr_expect_str_eq(got[i], want[i], "argv[%zu]", i);
    }
    cr_assert_null(got[i], "argv longer than expected");
    state_argv_free(got);
}

Test(state, argv_helpers)
{
    expect_argv(state_ps_argv(NULL),
                (const char *const[]){"docker", "ps", "-a", "--no-trunc", "--format",
                                      "{{json .}}", NULL});
    expect_argv(state_events_argv("/usr/bin/docker", 0),
                (const char *const[]){"/usr/bin/docker", "events", "--format", "{{json .}}",
                                      "--filter", "type=container", NULL});
    expect_argv(state_events_argv(NULL, 1749546871000000123ull),
                (const char *const[]){"docker", "events", "--format", "{{json .}}", "--filter",
                                      "type=container", "--since", "1749546871.000000123",
                                      NULL});
    expect_argv(state_logs_argv(NULL, "redis", 0),
                (const char *const[]){"docker", "logs", "-f", "--timestamps", "redis", NULL});
    expect_argv(state_logs_argv(NULL, "redis", 1749546917987654322ull),
                (const char *const[]){"docker", "logs", "-f", "--timestamps", "--since",
                                      "1749546917.987654322", "redis", NULL});
    const char *names[] = {"a", "b"};
    expect_argv(state_inspect_argv(NULL, names, 2),
                (const char *const[]){"docker", "inspect", "--type", "container", "a", "b",
                                      NULL});
    state_argv_free(NULL);
}

Test(state, logs_since_and_timestamps)
{
    state_container c = {0};
    c.started_ns = 1749546917ull * NS + 987654321;
    cr_assert_eq(state_logs_since(&c, 0), c.started_ns, "first attach: this run");
    cr_assert_eq(state_logs_since(&c, 1749546999ull * NS), 1749546999ull * NS + 1,
                 "re-attach: just after the last line seen");
    cr_assert_eq(state_logs_since(NULL, 0), 0);
    c.started_ns = 0;
    cr_assert_eq(state_logs_since(&c, 0), 0, "unknown start: from the beginning");

    const char *l = "2025-06-10T09:15:17.987654321Z Engine started on node org.wt.engine1";
    uint64_t ts;
    size_t off = state_split_log_line(l, strlen(l), &ts);
    cr_assert_eq(ts, 1749546917ull * NS + 987654321);
    cr_assert_str_eq(l + off, "Engine started on node org.wt.engine1");
    const char *e = "2025-06-10T09:15:17.5Z ";
    off = state_split_log_line(e, strlen(e), &ts);
    cr_assert_eq(off, strlen(e), "empty message");
    cr_assert_eq(ts, 1749546917ull * NS + 500000000);
    const char *n = "no timestamp here";
    cr_assert_eq(state_split_log_line(n, strlen(n), &ts), 0);
    cr_assert_eq(ts, 0);
    const char *bad = "2025-13-10T09:15:17Z month 13";
    cr_assert_eq(state_split_log_line(bad, strlen(bad), &ts), 0);
}

Test(state, parse_time)
{
#define PT(s) state_parse_time(s, strlen(s))
    cr_assert_eq(PT("2025-06-10T09:12:31Z"), 1749546751ull * NS);
    cr_assert_eq(PT("2025-06-10T11:12:31+02:00"), 1749546751ull * NS);
    cr_assert_eq(PT("2025-06-10T08:12:31.25-01:00"), 1749546751ull * NS + 250000000);
    cr_assert_eq(PT("2025-06-10 09:12:31 +0000 UTC"), 1749546751ull * NS);
    cr_assert_eq(PT("2000-02-29T22:00:00Z"), 951861600ull * NS, "leap day");
    cr_assert_eq(PT("0001-01-01T00:00:00Z"), 0);
    cr_assert_eq(PT("2025-06-10T09:12:31"), 0, "no zone");
    cr_assert_eq(PT("2025-06-10T09:12:31Zjunk"), 0);
    cr_assert_eq(PT("yesterday"), 0);
    cr_assert_eq(PT(""), 0);
    cr_assert_eq(state_parse_time(NULL, 0), 0);
#undef PT
    char buf[32];
    cr_assert_str_eq(state_format_since(1749546751ull * NS + 5, buf, sizeof buf),
                     "1749546751.000000005");
}

Test(state, words)
{
    cr_assert_str_eq(state_run_word(STATE_CREATED), "created");
    cr_assert_str_eq(state_run_word(STATE_DEAD), "dead");
    cr_assert_str_eq(state_run_word(STATE_UNKNOWN), "unknown");
    cr_assert_str_eq(state_health_word(STATE_HEALTH_NONE), "-");
    state_container c = {0};
    c.run = STATE_EXITED;
    c.exit_code = -1;
    cr_assert_str_eq(describe(&c), "exited");
    cr_assert_not(state_is_failing(&c));
    c.exit_code = 2;
    cr_assert(state_is_failing(&c));
    c.run = STATE_DEAD;
    cr_assert_str_eq(describe(&c), "dead");
}

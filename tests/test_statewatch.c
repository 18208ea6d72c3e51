/* tests/test_statewatch.c — core/statewatch driven by a fake `docker` on
 * PATH (tests/fixtures/docker/fake-docker) replaying canned output. */
#include "config.h"
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/logstore.h"
#include "core/proc.h"
#include "core/state.h"
#include "core/statewatch.h"
#include "core/util.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/fixtures"
#endif

typedef struct {
    uv_loop_t loop;
    char *dir;
    state_table *st;
    logstore *ls;
    statewatch *sw;
    int changes;
    state_engine last_engine;
} fx;

static void put(const fx *f, const char *name, const char *text)
{
    char *path = util_path_join(f->dir, name);
    char err[SRV_ERRLEN];
    cr_assert_eq(util_write_file_atomic(path, text, strlen(text), err), 0, "%s", err);
    free(path);
}

static char *get(const fx *f, const char *name)
{
    char *path = util_path_join(f->dir, name);
    char *data = NULL;
    size_t len;
    char err[SRV_ERRLEN];
    if (util_read_file(path, 1 << 20, &data, &len, err) != 0)
        data = util_xstrdup("");
    free(path);
    return data;
}

static void on_changed(void *user, statewatch *sw)
{
    (void)sw;
    fx *f = user;
    f->changes++;
    f->last_engine = state_engine_get(f->st, NULL);
}

/* with_docker: put the fake docker first on PATH; else PATH has no docker */
static void fx_init(fx *f, bool with_docker, double timeout_s)
{
    memset(f, 0, sizeof *f);
    char t[] = "/tmp/test_statewatch.XXXXXX";
    cr_assert_not_null(mkdtemp(t));
    f->dir = util_xstrdup(t);
    char *bin = util_path_join(f->dir, "bin");
    char err[SRV_ERRLEN];
    cr_assert_eq(util_mkdirs(bin, err), 0, "%s", err);
    if (with_docker) {
        char *src;
        size_t len;
        cr_assert_eq(util_read_file(FIXTURES "/docker/fake-docker", 1 << 20, &src, &len, err), 0,
                     "%s", err);
        char *dst = util_path_join(bin, "docker");
        cr_assert_eq(util_write_file_atomic(dst, src, len, err), 0, "%s", err);
        chmod(dst, 0755);
        free(dst);
        free(src);
    }
    /* the fake needs sh, grep, sleep; without it PATH has no docker at all */
    char *path = with_docker ? util_xasprintf("%s:/usr/bin:/bin", bin) : util_xstrdup(bin);
    setenv("PATH", path, 1);
    setenv("FAKE_DOCKER_DIR", f->dir, 1);
    free(path);
    free(bin);
    cr_assert_eq(uv_loop_init(&f->loop), 0);
    f->st = state_new();
    const char *names[] = {"mongo-repl-1", "redis", "rabbitmq", "srvthreds-*"};
    const char *projects[] = {"compose"};
    state_set_filter(f->st, names, 4, projects, 1);
    f->ls = logstore_new(1 << 20, 0);
    statewatch_opts o = {.changed = on_changed, .user = f, .command_timeout_s = timeout_s};
    f->sw = statewatch_new(&f->loop, f->st, f->ls, &o);
}

static void on_deadline(uv_timer_t *t)
{
    *(bool *)t->data = true;
}

/* Run the loop until pred(f) holds or `seconds` pass; pred NULL: the whole time. */
static bool run_until(fx *f, bool (*pred)(fx *), double seconds)
{
    bool done = false;
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    t.data = &done;
    uv_timer_start(&t, on_deadline, (uint64_t)(seconds * 1000), 0);
    bool ok = false;
    while (!done) {
        if (pred && pred(f)) {
            ok = true;
            break;
        }
        uv_run(&f->loop, UV_RUN_ONCE);
    }
    if (!ok && pred)
        ok = pred(f);
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    return ok;
}

static void fx_fini(fx *f)
{
    statewatch_free(f->sw);
    /* every child ends (TERM to its group) and every handle closes */
    uint64_t t0 = util_now_ns();
    while (uv_run(&f->loop, UV_RUN_ONCE) != 0)
        cr_assert_lt(util_now_ns() - t0, 5000000000ull, "the loop does not drain");
    cr_assert_eq(uv_loop_close(&f->loop), 0);
    cr_assert_eq(proc_live_count(), 0, "no child left behind");
    state_free(f->st);
    logstore_free(f->ls);
    char *cmd = util_xasprintf("/bin/rm -rf '%s'", f->dir);
    cr_assert_eq(system(cmd), 0);
    free(cmd);
    free(f->dir);
}

static size_t count_lines(const char *text, const char *prefix)
{
    size_t n = 0;
    for (const char *p = text; p && *p;) {
        if (util_startswith(p, prefix))
            n++;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return n;
}

static bool engine_known(fx *f)
{
    return state_engine_get(f->st, NULL) != STATE_ENGINE_UNKNOWN;
}

Test(statewatch, no_docker_is_a_state)
{
    fx f;
    fx_init(&f, false, 0);
    statewatch_start(f.sw);
    cr_assert(run_until(&f, engine_known, 2.0));
    const char *msg;
    cr_assert_eq(state_engine_get(f.st, &msg), STATE_ENGINE_NO_DOCKER);
    cr_assert(strstr(msg, "docker: not found in PATH"), "%s", msg);
    cr_assert_geq(f.changes, 1);
    cr_assert_eq(f.last_engine, STATE_ENGINE_NO_DOCKER);
    cr_assert_eq(state_count(f.st), 0);
    fx_fini(&f);
}

static unsigned get_counter(const fx *f, int which, uint64_t *when)
{
    statewatch_stats s;
    statewatch_get_stats(f->sw, &s);
    *when = which == 0 ? s.ps_spawned_ns : s.events_spawned_ns;
    return which == 0 ? s.ps_runs : s.events_runs;
}

/* Run until counter `which` (0 ps, 1 events) reached n more spawns; the
 * monotonic spawn time of each goes into at[] (timers never fire early, so
 * lower bounds on the gaps hold however slow the machine is). */
static size_t watch(fx *f, int which, size_t n, double seconds, uint64_t *at)
{
    uint64_t end = util_now_ns() + (uint64_t)(seconds * 1e9), when;
    unsigned seen = get_counter(f, which, &when);
    size_t k = 0;
    while (k < n && util_now_ns() < end) {
        run_until(f, NULL, 0.01);
        unsigned now = get_counter(f, which, &when);
        cr_assert_leq(now, seen + 1, "two spawns within 10 ms");
        if (now > seen) {
            at[k++] = when;
            seen = now;
        }
    }
    return k;
}

static bool engine_ok(fx *f)
{
    return state_engine_get(f->st, NULL) == STATE_ENGINE_OK;
}

static bool events_and_inspect(fx *f)
{
    statewatch_stats s;
    statewatch_get_stats(f->sw, &s);
    return s.events_live && s.inspect_runs >= 1;
}

Test(statewatch, engine_down_then_up)
{
    fx f;
    fx_init(&f, true, 0);
    put(&f, "down", "");
    uint64_t at[3];
    statewatch_start(f.sw);
    statewatch_stats s;
    statewatch_get_stats(f.sw, &s);
    at[0] = s.ps_spawned_ns;
    cr_assert(run_until(&f, engine_known, 20.0));
    const char *msg;
    cr_assert_eq(state_engine_get(f.st, &msg), STATE_ENGINE_UNREACHABLE);
    cr_assert(strstr(msg, "Cannot connect to the Docker daemon"), "%s", msg);
    /* retried after 1 s, then after 2 s: no tight polling */
    cr_assert_eq(watch(&f, 0, 2, 30.0, at + 1), 2);
    cr_assert_geq(at[1] - at[0], 1000000000ull, "first retry after >= 1 s");
    cr_assert_geq(at[2] - at[1], 2000000000ull, "second retry after >= 2 s");
    statewatch_get_stats(f.sw, &s);
    cr_assert_eq(s.events_runs, 0, "no events stream while the engine is down");

    /* the engine comes back */
    char *down = util_path_join(f.dir, "down");
    unlink(down);
    free(down);
    char *ps;
    size_t len;
    char err[SRV_ERRLEN];
    cr_assert_eq(util_read_file(FIXTURES "/docker/ps_v28.jsonl", 1 << 20, &ps, &len, err), 0);
    put(&f, "ps", ps);
    free(ps);
    put(&f, "events", "#hold\n");
    put(&f, "inspect", "[]\n");
    statewatch_reconcile_now(f.sw);
    cr_assert(run_until(&f, engine_ok, 20.0), "engine ok after a good docker ps");
    cr_assert_eq(state_count(f.st), 6);
    cr_assert_str_eq(state_get(f.st, 0)->name, "srvthreds-session-agent");
    cr_assert(run_until(&f, events_and_inspect, 20.0));
    run_until(&f, NULL, 0.3);
    statewatch_get_stats(f.sw, &s);
    cr_assert(s.events_live, "the events stream runs");
    cr_assert_eq(s.events_runs, 1);
    cr_assert_eq(s.inspect_runs, 1, "one batched inspect of the new containers");
    fx_fini(&f);
}

static bool ps_hung_seen(fx *f)
{
    return state_engine_get(f->st, NULL) == STATE_ENGINE_UNREACHABLE;
}

Test(statewatch, hung_docker_is_not_a_hang)
{
    fx f;
    fx_init(&f, true, 0.3);
    put(&f, "hang-ps", "");
    uint64_t t0 = util_now_ns();
    statewatch_start(f.sw);
    cr_assert(run_until(&f, ps_hung_seen, 3.0));
    cr_assert_lt(util_now_ns() - t0, 5000000000ull, "the deadline, not a hang");
    const char *msg;
    state_engine_get(f.st, &msg);
    cr_assert_str_eq(msg, "docker ps did not answer within 0.3 s");
    fx_fini(&f);
}

Test(statewatch, events_stream_end_is_retried_with_backoff)
{
    fx f;
    fx_init(&f, true, 0);
    put(&f, "ps", "");
    put(&f, "inspect", "[]\n");
    /* the stream ends at once: a snapshot and a new stream after 1 s, then
     * after 2 s, ... */
    put(&f, "events", "");
    statewatch_start(f.sw);
    uint64_t at[3];
    cr_assert_eq(watch(&f, 1, 3, 30.0, at), 3);
    cr_assert_geq(at[1] - at[0], 1000000000ull);
    cr_assert_geq(at[2] - at[1], 2000000000ull, "the delay doubles");
    statewatch_stats s;
    statewatch_get_stats(f.sw, &s);
    cr_assert_geq(s.ps_runs, 3, "a snapshot before each restart");
    cr_assert_eq(state_engine_get(f.st, NULL), STATE_ENGINE_OK);
    fx_fini(&f);
}

#define EV_FMT \
    "{\"Type\":\"container\",\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\",\"Attributes\":{" \
    "\"com.docker.compose.project\":\"compose\",\"com.docker.compose.service\":\"redis\"," \
    "\"image\":\"redis:latest\",\"name\":\"redis\"%s}},\"scope\":\"local\",\"time\":%llu," \
    "\"timeNano\":%llu}\n"

static const char *REDIS_ID = "34fb46c847bb9df96e5205a39d382f648a6e8dce1e014cd85b4ca6a88d88ed03";

static char *redis_inspect(const char *status, const char *started, int restarts)
{
    return util_xasprintf(
        "[{\"Id\":\"%s\",\"Name\":\"/redis\",\"Created\":\"2025-06-10T09:12:30Z\","
        "\"State\":{\"Status\":\"%s\",\"Running\":true,\"Paused\":false,\"Restarting\":false,"
        "\"OOMKilled\":false,\"Dead\":false,\"Pid\":77,\"ExitCode\":0,\"Error\":\"\","
        "\"StartedAt\":\"%s\",\"FinishedAt\":\"0001-01-01T00:00:00Z\"},\"RestartCount\":%d,"
        "\"Config\":{\"Image\":\"redis:latest\",\"Labels\":{\"com.docker.compose.project\":"
        "\"compose\",\"com.docker.compose.service\":\"redis\"}},"
        "\"NetworkSettings\":{\"Ports\":{\"6379/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":"
        "\"6379\"}]}}}]\n",
        REDIS_ID, status, started, restarts);
}

static bool two_attached_lines(fx *f)
{
    return logstore_count(f->ls) >= 3;
}

Test(statewatch, events_inspect_and_log_reattach_after_restart)
{
    fx f;
    fx_init(&f, true, 0);
    char *ps = util_xasprintf(
        "{\"Command\":\"\\\"docker-entrypoint.s…\\\"\",\"CreatedAt\":\"2025-06-10 09:12:30 +0000 "
        "UTC\",\"ID\":\"%s\",\"Image\":\"redis:latest\",\"Labels\":\"com.docker.compose.project="
        "compose,com.docker.compose.service=redis\",\"LocalVolumes\":\"0\",\"Mounts\":\"\","
        "\"Names\":\"redis\",\"Networks\":\"srvthreds-net\",\"Ports\":\"0.0.0.0:6379->6379/tcp\","
        "\"RunningFor\":\"8 minutes ago\",\"Size\":\"0B\",\"State\":\"running\",\"Status\":\"Up 8 "
        "minutes\"}\n",
        REDIS_ID);
    put(&f, "ps", ps);
    free(ps);
    char *i1 = redis_inspect("running", "2025-06-10T09:12:31.5Z", 0);
    char *i2 = redis_inspect("running", "2025-06-10T09:20:00.25Z", 1);
    put(&f, "inspect-1", i1);
    put(&f, "inspect", i2);
    free(i1);
    free(i2);
    /* the first follower prints two lines and ends (the container stops) */
    put(&f, "logs-redis-1",
        "2025-06-10T09:12:32.000000001Z Ready to accept connections tcp\n"
        "2025-06-10T09:12:33.000000002Z DB saved on disk\n");
    /* the second one prints the new run's first line and follows */
    put(&f, "logs-redis-2", "2025-06-10T09:20:01.000000003Z Server initialized\n#hold\n");
    unsigned long long t1 = 1749547199000000000ull, t2 = 1749547200250000000ull;
    char die[1024], start[1024];
    snprintf(die, sizeof die, EV_FMT, "die", REDIS_ID, ",\"exitCode\":\"0\"", t1 / 1000000000ull, t1);
    snprintf(start, sizeof start, EV_FMT, "start", REDIS_ID, "", t2 / 1000000000ull, t2);
    char *events = util_xasprintf("#sleep 0.7\n%s%s#hold\n", die, start);
    put(&f, "events", events);
    free(events);

    cr_assert_eq(statewatch_follow(f.sw, "redis"), 0);
    cr_assert_eq(statewatch_follow(f.sw, "redis"), 0, "following twice is following once");
    cr_assert(statewatch_following(f.sw, "redis"));
    statewatch_start(f.sw);
    cr_assert(run_until(&f, two_attached_lines, 30.0), "%zu lines", logstore_count(f.ls));
    run_until(&f, NULL, 0.3);

    /* the table: redis running again, restart count from inspect */
    const state_container *c = state_find(f.st, "redis");
    cr_assert_not_null(c);
    cr_assert_eq(c->run, STATE_RUNNING);
    cr_assert_eq(c->restarts, 1);
    cr_assert_eq(c->started_ns, 1749547200250000000ull);
    cr_assert_str_eq(c->ports, "6379");
    cr_assert_geq(f.changes, 3);

    /* the logs: every line once, in order, timestamps kept */
    cr_assert_eq(logstore_count(f.ls), 3);
    const char *want[] = {"Ready to accept connections tcp", "DB saved on disk",
                          "Server initialized"};
    const unsigned long long ts[] = {1749546752000000001ull, 1749546753000000002ull,
                                     1749547201000000003ull};
    for (size_t i = 0; i < 3; i++) {
        logstore_line l;
        cr_assert(logstore_get(f.ls, i, &l));
        cr_assert_eq(l.len, strlen(want[i]));
        cr_assert_eq(memcmp(l.text, want[i], l.len), 0, "line %zu: %.*s", i, (int)l.len, l.text);
        cr_assert_str_eq(l.source_name, "redis");
        cr_assert_eq(l.time_ns, ts[i]);
        cr_assert_eq(l.stream, LOGSTORE_STDOUT);
    }
    /* attached once at the run's start (known from inspect), then again
     * just after the last line seen */
    char *calls = get(&f, "calls");
    cr_assert_eq(count_lines(calls, "logs "), 2, "%s", calls);
    cr_assert(strstr(calls, "logs -f --timestamps --since 1749546751.500000000 redis\n"), "%s",
              calls);
    cr_assert(strstr(calls, "logs -f --timestamps --since 1749546753.000000003 redis\n"), "%s",
              calls);
    free(calls);
    cr_assert(statewatch_attached(f.sw, "redis"));
    statewatch_unfollow(f.sw, "redis");
    cr_assert_not(statewatch_following(f.sw, "redis"));
    cr_assert_not(statewatch_attached(f.sw, "redis"));
    fx_fini(&f);
}

Test(statewatch, follow_of_an_unknown_container_waits)
{
    fx f;
    fx_init(&f, true, 0);
    put(&f, "ps", "");
    put(&f, "inspect", "[]\n");
    put(&f, "events", "#hold\n");
    cr_assert_eq(statewatch_follow(f.sw, "redis"), 0);
    statewatch_start(f.sw);
    cr_assert(run_until(&f, engine_ok, 20.0));
    run_until(&f, NULL, 0.5);
    statewatch_stats s;
    statewatch_get_stats(f.sw, &s);
    cr_assert_eq(s.logs_runs, 0, "no docker logs for a container that does not exist");
    cr_assert_not(statewatch_attached(f.sw, "redis"));
    cr_assert_eq(logstore_count(f.ls), 0);
    fx_fini(&f);
}

Test(statewatch, reconcile_is_never_a_tight_poll)
{
    fx f;
    memset(&f, 0, sizeof f);
    fx_init(&f, true, 0);
    statewatch_free(f.sw);
    while (uv_run(&f.loop, UV_RUN_ONCE) != 0)
        ;
    /* ask for a 0.1 s poll: it is held to 5 s */
    statewatch_opts o = {.reconcile_s = 0.1};
    f.sw = statewatch_new(&f.loop, f.st, f.ls, &o);
    put(&f, "ps", "");
    put(&f, "inspect", "[]\n");
    put(&f, "events", "#hold\n");
    statewatch_start(f.sw);
    cr_assert(run_until(&f, engine_ok, 20.0));
    run_until(&f, NULL, 1.5);
    statewatch_stats s;
    statewatch_get_stats(f.sw, &s);
    cr_assert_eq(s.ps_runs, 1, "%u docker ps in 1.5 s", s.ps_runs);
    cr_assert_eq(s.events_runs, 1);
    fx_fini(&f);
}

Test(statewatch, no_logstore_no_follow)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    state_table *st = state_new();
    statewatch *sw = statewatch_new(&loop, st, NULL, NULL);
    cr_assert_eq(statewatch_follow(sw, "x"), -1);
    statewatch_free(sw);
    while (uv_run(&loop, UV_RUN_ONCE) != 0)
        ;
    cr_assert_eq(uv_loop_close(&loop), 0);
    state_free(st);
}

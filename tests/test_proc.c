/* tests/test_proc.c — core/proc: children on a libuv loop. */
#include "config.h"
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/proc.h"
#include "core/util.h"

typedef struct {
    uv_loop_t loop;
    strbuf out, err;        /* lines joined with '\n' */
    size_t n_out, n_err;
    char last_out[256];
    bool ended;
    int exit_calls;
    proc_status st;
    size_t lines_at_exit;   /* lines received before the exit callback */
    bool cancel_on_ready;   /* cancel when a line "ready" arrives */
    uint64_t cancelled_ns;  /* when it did */
    proc *p;
    int grandchild;         /* pid printed by the child, if any */
} harness;

static void h_line(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    harness *h = user;
    cr_assert_eq(p, h->p);
    cr_assert_eq(text[len], '\0');
    if (s == PROC_STDOUT) {
        h->n_out++;
        strbuf_add(&h->out, text, len);
        strbuf_addc(&h->out, '\n');
        snprintf(h->last_out, sizeof h->last_out, "%s", text);
        if (h->grandchild == 0 && util_startswith(text, "pid "))
            h->grandchild = atoi(text + 4);
        if (h->cancel_on_ready && strcmp(text, "ready") == 0) {
            h->cancelled_ns = util_now_ns();
            proc_cancel(p);
        }
    } else {
        cr_assert_eq(s, PROC_STDERR);
        h->n_err++;
        strbuf_add(&h->err, text, len);
        strbuf_addc(&h->err, '\n');
    }
}

static void h_exit(void *user, proc *p, const proc_status *st)
{
    harness *h = user;
    cr_assert_eq(p, h->p);
    h->ended = true;
    h->exit_calls++;
    h->st = *st;
    h->lines_at_exit = h->n_out + h->n_err;
    cr_assert_eq(proc_live_count(), 0, "no longer live in its own exit callback");
}

static const proc_callbacks H_CB = {h_line, h_exit};

static void h_init(harness *h)
{
    memset(h, 0, sizeof *h);
    cr_assert_eq(uv_loop_init(&h->loop), 0);
}

static void h_fini(harness *h)
{
    uv_run(&h->loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&h->loop), 0, "every handle closed");
    strbuf_free(&h->out);
    strbuf_free(&h->err);
}

/* Spawn argv and run the loop until the child ended. */
static void h_run_opts(harness *h, const proc_opts *o)
{
    char err[256];
    h->p = proc_spawn(&h->loop, o, &H_CB, h, err, sizeof err);
    cr_assert_not_null(h->p, "spawn: %s", err);
    cr_assert_gt(proc_pid(h->p), 0);
    while (!h->ended && uv_run(&h->loop, UV_RUN_ONCE))
        ;
    cr_assert(h->ended);
    cr_assert_eq(h->exit_calls, 1);
}

static void h_run(harness *h, const char *const *argv)
{
    proc_opts o = {.argv = argv};
    h_run_opts(h, &o);
}

static const char *out_text(harness *h)
{
    return h->out.data ? h->out.data : "";
}

static const char *err_text(harness *h)
{
    return h->err.data ? h->err.data : "";
}

Test(proc, lines_from_both_streams)
{
    harness h;
    h_init(&h);
    const char *argv[] = {"/bin/sh", "-c",
                          "echo out1; echo err1 >&2; printf 'out2\\r\\n'; echo err2 >&2; "
                          "printf 'no newline'",
                          NULL};
    h_run(&h, argv);
    cr_assert_str_eq(out_text(&h), "out1\nout2\nno newline\n");
    cr_assert_str_eq(err_text(&h), "err1\nerr2\n");
    cr_assert_eq(h.st.exit_code, 0);
    cr_assert_not(h.st.signaled);
    cr_assert_not(h.st.spawn_failed);
    cr_assert_not(h.st.cancelled);
    cr_assert_str_eq(h.st.error, "");
    cr_assert(h.st.seconds >= 0 && h.st.seconds < 10);
    h_fini(&h);
}

Test(proc, exit_codes)
{
    static const int codes[] = {0, 1, 3, 127, 255};
    for (size_t i = 0; i < SRV_ARRAY_LEN(codes); i++) {
        harness h;
        h_init(&h);
        char cmd[32];
        snprintf(cmd, sizeof cmd, "exit %d", codes[i]);
        const char *argv[] = {"sh", "-c", cmd, NULL};
        h_run(&h, argv);
        cr_assert_eq(h.st.exit_code, codes[i]);
        cr_assert_not(h.st.signaled);
        if (codes[i]) {
            char want[64];
            snprintf(want, sizeof want, "exited with status %d", codes[i]);
            cr_assert_str_eq(h.st.error, want);
        }
        h_fini(&h);
    }
}

Test(proc, exit_by_signal_is_reported)
{
    harness h;
    h_init(&h);
    const char *argv[] = {"sh", "-c", "echo before; kill -SEGV $$; echo after", NULL};
    h_run(&h, argv);
    cr_assert(h.st.signaled);
    cr_assert_eq(h.st.term_signal, SIGSEGV);
    cr_assert_str_eq(out_text(&h), "before\n");
    cr_assert(strstr(h.st.error, "signal 11") != NULL, "%s", h.st.error);
    h_fini(&h);
}

Test(proc, missing_executable_is_an_error_naming_it)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    char err[256];
    harness h;
    memset(&h, 0, sizeof h);
    const char *argv[] = {"srvconsole-no-such-tool", "version", NULL};
    proc_opts o = {.argv = argv};
    proc *p = proc_spawn(&loop, &o, &H_CB, &h, err, sizeof err);
    cr_assert_null(p);
    cr_assert_str_eq(err, "srvconsole-no-such-tool: not found in PATH");
    cr_assert_eq(proc_live_count(), 0);

    const char *argv2[] = {"/nonexistent/dir/tool", NULL};
    o.argv = argv2;
    cr_assert_null(proc_spawn(&loop, &o, &H_CB, &h, err, sizeof err));
    cr_assert_str_eq(err, "/nonexistent/dir/tool: no such file");

    const char *argv3[] = {"/etc/passwd", NULL};
    o.argv = argv3;
    cr_assert_null(proc_spawn(&loop, &o, &H_CB, &h, err, sizeof err));
    cr_assert_str_eq(err, "/etc/passwd: not an executable file");

    const char *argv4[] = {"sh", "-c", "true", NULL};
    o.argv = argv4;
    o.cwd = "/nonexistent-srvconsole-dir";
    cr_assert_null(proc_spawn(&loop, &o, &H_CB, &h, err, sizeof err));
    cr_assert(strstr(err, "/nonexistent-srvconsole-dir does not exist") != NULL, "%s", err);

    const char *argv5[] = {NULL};
    o.argv = argv5;
    o.cwd = NULL;
    cr_assert_null(proc_spawn(&loop, &o, &H_CB, &h, err, sizeof err));

    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(h.exit_calls, 0, "no exit callback for a child that never started");
    cr_assert_eq(uv_loop_close(&loop), 0);
}

Test(proc, path_lookup_uses_PATH)
{
    char *sh = proc_which("sh");
    cr_assert_not_null(sh);
    cr_assert(util_endswith(sh, "/sh"));
    cr_assert(access(sh, X_OK) == 0);
    free(sh);
    cr_assert_null(proc_which("srvconsole-no-such-tool"));
    cr_assert_null(proc_which(""));
    char *abs = proc_which("/bin/sh");
    cr_assert_str_eq(abs, "/bin/sh");
    free(abs);
    /* a directory named like the tool is not the tool */
    char dir[] = "/tmp/srvprocXXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char *sub = util_path_join(dir, "faketool");
    cr_assert_eq(mkdir(sub, 0755), 0);
    char *oldpath = util_xstrdup(getenv("PATH"));
    setenv("PATH", dir, 1);
    cr_assert_null(proc_which("faketool"));
    rmdir(sub);
    char *script = util_path_join(dir, "faketool");
    char e[SRV_ERRLEN];
    cr_assert_eq(util_write_file_atomic(script, "#!/bin/sh\necho fake\n", 20, e), 0);
    chmod(script, 0755);
    char *found = proc_which("faketool");
    cr_assert_str_eq(found, script);
    setenv("PATH", oldpath, 1);
    unlink(script);
    rmdir(dir);
    free(found);
    free(script);
    free(sub);
    free(oldpath);
}

Test(proc, cwd_env_and_merge)
{
    harness h;
    h_init(&h);
    const char *argv[] = {"sh", "-c", "pwd; echo \"$SRV_T1-$SRV_T2\"; echo to-err >&2", NULL};
    const char *env[] = {"SRV_T1=one", "SRV_T2=two", NULL};
    setenv("SRV_T2", "parent-value", 1);
    proc_opts o = {.argv = argv, .cwd = "/", .env = env, .merge_stderr = true};
    h_run_opts(&h, &o);
    cr_assert_str_eq(out_text(&h), "/\none-two\nto-err\n");
    cr_assert_eq(h.n_err, 0, "stderr merged into stdout");
    h_fini(&h);
}

Test(proc, stdin_is_dev_null)
{
    harness h;
    h_init(&h);
    const char *argv[] = {"sh", "-c", "cat; echo rc=$?", NULL};
    h_run(&h, argv);
    cr_assert_str_eq(out_text(&h), "rc=0\n", "cat read EOF at once");
    h_fini(&h);
}

Test(proc, own_process_group)
{
    harness h;
    h_init(&h);
    const char *argv[] = {"sh", "-c", "echo \"$$ $(ps -o pgid= -p $$)\"", NULL};
    h_run(&h, argv);
    int pid = 0, pgid = -1;
    cr_assert_eq(sscanf(h.last_out, "%d %d", &pid, &pgid), 2, "%s", h.last_out);
    cr_assert_eq(pid, pgid, "the child leads its own group");
    cr_assert_neq(pgid, getpgrp());
    h_fini(&h);
}

Test(proc, end_waits_for_both_pipes)
{
    /* the leader exits at once; a background grandchild still holds stderr */
    harness h;
    h_init(&h);
    const char *argv[] = {"sh", "-c", "(sleep 0.4; echo late >&2) & echo early; exit 4", NULL};
    h_run(&h, argv);
    cr_assert_str_eq(err_text(&h), "late\n");
    cr_assert_eq(h.lines_at_exit, 2, "the exit callback came after the last line");
    cr_assert_eq(h.st.exit_code, 4);
    cr_assert(h.st.seconds >= 0.35, "%f", h.st.seconds);
    h_fini(&h);
}

static bool pid_gone(int pid)
{
    if (kill(pid, 0) != 0)
        return errno == ESRCH;
    /* a zombie waiting for its (new) parent counts as gone */
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' && rp[2] == 'Z';
}

Test(proc, cancel_terminates_the_group)
{
    harness h;
    h_init(&h);
    h.cancel_on_ready = true;
    const char *argv[] = {"sh", "-c", "sleep 300 & echo pid $!; echo ready; wait", NULL};
    h_run(&h, argv);
    /* from the cancel, not the spawn: sh's start-up is slow under valgrind */
    cr_assert_gt(h.cancelled_ns, 0);
    double s = (double)(util_now_ns() - h.cancelled_ns) / 1e9;
    cr_assert(h.st.cancelled);
    cr_assert(h.st.signaled);
    cr_assert_eq(h.st.term_signal, SIGTERM);
    cr_assert(s < 1.9, "a child that obeys TERM ends at once (%.2fs)", s);
    cr_assert_gt(h.grandchild, 0);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        gone = pid_gone(h.grandchild);
        if (!gone)
            usleep(10000);
    }
    cr_assert(gone, "the grandchild %d in the group was killed too", h.grandchild);
    h_fini(&h);
}

Test(proc, cancel_kills_a_child_ignoring_term_after_2s)
{
    harness h;
    h_init(&h);
    h.cancel_on_ready = true;
    const char *argv[] = {"sh", "-c",
                          "trap '' TERM; sleep 300 & echo pid $!; echo ready; "
                          "while :; do wait; done",
                          NULL};
    uint64_t t0 = 0;
    char err[256];
    h.p = proc_spawn(&h.loop, &(proc_opts){.argv = argv}, &H_CB, &h, err, sizeof err);
    cr_assert_not_null(h.p, "%s", err);
    while (!h.ended && uv_run(&h.loop, UV_RUN_ONCE))
        if (!t0 && h.grandchild)
            t0 = util_now_ns();
    double s = (double)(util_now_ns() - t0) / 1e9;
    cr_assert(h.st.cancelled);
    cr_assert(h.st.signaled);
    cr_assert_eq(h.st.term_signal, SIGKILL, "signal %d", h.st.term_signal);
    cr_assert(s >= 1.9 && s < 6.0, "KILL came after ~2 s (%.2fs)", s);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        gone = pid_gone(h.grandchild);
        if (!gone)
            usleep(10000);
    }
    cr_assert(gone, "the grandchild ignoring TERM was killed too");
    h_fini(&h);
}

static void count_line(void *user, proc *p, proc_stream s, const char *text, size_t len)
{
    size_t *n = user;
    n[s == PROC_STDOUT ? 0 : 1]++;
    /* the last number seen on stdout */
    if (s == PROC_STDOUT)
        n[2] = strtoul(text, NULL, 10);
}

static void count_exit(void *user, proc *p, const proc_status *st)
{
    size_t *n = user;
    n[3] = 1;
    n[4] = (size_t)st->exit_code;
}

Test(proc, flood_of_a_million_lines_counted_exactly)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    size_t n[5] = {0};
    const char *argv[] = {"sh", "-c", "seq 1 400000 >&2 & seq 1 1000000; wait", NULL};
    proc_callbacks cb = {count_line, count_exit};
    char err[256];
    proc *p = proc_spawn(&loop, &(proc_opts){.argv = argv}, &cb, n, err, sizeof err);
    cr_assert_not_null(p, "%s", err);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(n[3], 1);
    cr_assert_eq(n[4], 0);
    cr_assert_eq(n[0], 1000000, "stdout lines: %zu", n[0]);
    cr_assert_eq(n[1], 400000, "stderr lines: %zu", n[1]);
    cr_assert_eq(n[2], 1000000, "in order, the last one last");
    cr_assert_eq(uv_loop_close(&loop), 0);
}

static void noop_line(void *user, proc *p, proc_stream s, const char *text, size_t len) {}
static void count_end(void *user, proc *p, const proc_status *st)
{
    int *ended = user;
    (*ended)++;
    cr_assert(st->cancelled);
}

Test(proc, registry_cancel_all_and_kill_all)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    int ended = 0;
    proc_callbacks cb = {noop_line, count_end};
    const char *argv[] = {"sleep", "300", NULL};
    char err[256];
    for (int i = 0; i < 3; i++)
        cr_assert_not_null(proc_spawn(&loop, &(proc_opts){.argv = argv}, &cb, &ended, err, sizeof err));
    cr_assert_eq(proc_live_count(), 3);
    proc_cancel_all();
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(ended, 3);
    cr_assert_eq(proc_live_count(), 0);

    /* kill_all: SIGKILL at once, the exit callbacks still come */
    const char *argv2[] = {"sh", "-c", "trap '' TERM; sleep 300", NULL};
    proc *p = proc_spawn(&loop, &(proc_opts){.argv = argv2}, &cb, &ended, err, sizeof err);
    cr_assert_not_null(p);
    proc_cancel(p); /* marks it cancelled; TERM is ignored */
    uint64_t t0 = util_now_ns();
    proc_kill_all();
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(ended, 4);
    cr_assert((double)(util_now_ns() - t0) / 1e9 < 1.5, "killed without waiting for the timer");
    cr_assert_eq(uv_loop_close(&loop), 0);
}

Test(proc, run_capture)
{
    char *out = NULL, err[256];
    const char *argv[] = {"sh", "-c", "printf 'hello\\r\\nworld'; echo oops >&2", NULL};
    cr_assert_eq(proc_run_capture(argv, NULL, 5, &out, 0, err, sizeof err), 0);
    cr_assert_str_eq(out, "hello\r\nworld", "bytes as written");
    free(out);

    const char *argv2[] = {"sh", "-c", "echo partial; echo 'first'>&2; echo 'daemon down' >&2; exit 2", NULL};
    cr_assert_eq(proc_run_capture(argv2, "/", 5, &out, 0, err, sizeof err), 2);
    cr_assert_str_eq(out, "partial\n");
    cr_assert_str_eq(err, "sh: exited with status 2: daemon down");
    free(out);

    const char *argv3[] = {"sh", "-c", "yes 0123456789 | head -c 100000", NULL};
    cr_assert_eq(proc_run_capture(argv3, NULL, 5, &out, 1000, err, sizeof err), 0);
    cr_assert_eq(strlen(out), 1000, "capped at max");
    free(out);

    const char *argv4[] = {"srvconsole-no-such-tool", NULL};
    cr_assert_eq(proc_run_capture(argv4, NULL, 5, &out, 0, err, sizeof err), -1);
    cr_assert_str_eq(err, "srvconsole-no-such-tool: not found in PATH");
    cr_assert_str_eq(out, "");
    free(out);
    cr_assert_eq(proc_live_count(), 0);
}

Test(proc, run_capture_timeout_kills)
{
    char *out = NULL, err[256];
    const char *argv[] = {"sh", "-c", "trap '' TERM; echo started; sleep 30 & wait; echo never", NULL};
    uint64_t t0 = util_now_ns();
    cr_assert_eq(proc_run_capture(argv, NULL, 1.5, &out, 0, err, sizeof err), -1);
    double s = (double)(util_now_ns() - t0) / 1e9;
    cr_assert(s >= 1.45 && s < 4.0, "%.2fs", s);
    cr_assert_str_eq(err, "sh: timed out after 1.5s (killed)");
    cr_assert_str_eq(out, "started\n");
    cr_assert_eq(proc_live_count(), 0);
    free(out);
}

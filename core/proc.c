/* core/proc.c — see proc.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/linesplit.h"
#include "core/proc.h"
#include "core/util.h"

extern char **environ;

#define PROC_KILL_DELAY_MS 2000
#define PROC_READ_BUF (256u * 1024u)
#define PROC_PIPE_SIZE (1024 * 1024)

typedef void (*proc_raw_fn)(void *user, proc_stream s, const char *data, size_t n);

typedef struct {
    proc *p;
    int idx; /* 0: stdout, 1: stderr */
} proc_chan;

struct proc {
    uv_process_t handle;
    uv_pipe_t pipes[2];
    uv_timer_t kill_timer;
    uv_loop_t *loop;
    proc_callbacks cb;
    void *user;
    proc_raw_fn raw; /* proc_run_capture: bytes instead of lines */
    linesplit ls[2];
    proc_chan chan[2];
    char *rbuf;
    int pid;
    bool merge;
    bool exited, eof[2], cancelled, ended, in_registry;
    int64_t exit_status;
    int term_signal;
    uint64_t t0;
    int open_handles;
    pthread_t owner;
    proc *prev, *next;
};

/* ---- registry of live children ------------------------------------------- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static proc *reg_head;
static size_t reg_count;

static void reg_add(proc *p)
{
    pthread_mutex_lock(&reg_lock);
    p->next = reg_head;
    p->prev = NULL;
    if (reg_head)
        reg_head->prev = p;
    reg_head = p;
    reg_count++;
    p->in_registry = true;
    pthread_mutex_unlock(&reg_lock);
}

static void reg_remove(proc *p)
{
    pthread_mutex_lock(&reg_lock);
    if (p->in_registry) {
        if (p->prev)
            p->prev->next = p->next;
        else
            reg_head = p->next;
        if (p->next)
            p->next->prev = p->prev;
        reg_count--;
        p->in_registry = false;
    }
    pthread_mutex_unlock(&reg_lock);
}

size_t proc_live_count(void)
{
    pthread_mutex_lock(&reg_lock);
    size_t n = reg_count;
    pthread_mutex_unlock(&reg_lock);
    return n;
}

void proc_cancel_all(void)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&reg_lock);
    /* proc_cancel() does not end a child synchronously, so the list does not
     * change under us. */
    for (proc *p = reg_head; p; p = p->next) {
        if (pthread_equal(p->owner, self))
            proc_cancel(p);
        else if (p->pid > 0)
            kill(-p->pid, SIGTERM); /* another thread's loop: signal only */
    }
    pthread_mutex_unlock(&reg_lock);
}

void proc_kill_all(void)
{
    /* Fatal paths (possibly a signal handler): no lock, only kill(2). */
    for (proc *p = reg_head; p; p = p->next)
        if (p->pid > 0)
            kill(-p->pid, SIGKILL);
}

/* ---- PATH lookup ---------------------------------------------------------- */

static bool is_exec_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static char *which_in(const char *name, const char *path)
{
    if (!name || !*name)
        return NULL;
    if (strchr(name, '/'))
        return is_exec_file(name) ? util_xstrdup(name) : NULL;
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    const char *s = path;
    for (;;) {
        const char *colon = strchr(s, ':');
        size_t n = colon ? (size_t)(colon - s) : strlen(s);
        char *dir = n ? util_xstrndup(s, n) : util_xstrdup(".");
        char *full = util_path_join(dir, name);
        free(dir);
        if (is_exec_file(full))
            return full;
        free(full);
        if (!colon)
            return NULL;
        s = colon + 1;
    }
}

char *proc_which(const char *name)
{
    return which_in(name, getenv("PATH"));
}

/* ---- lifecycle ------------------------------------------------------------ */

static void on_handle_closed(uv_handle_t *h)
{
    proc *p = h->data;
    if (--p->open_handles > 0)
        return;
    linesplit_free(&p->ls[0]);
    linesplit_free(&p->ls[1]);
    free(p->rbuf);
    free(p);
}

static void close_handle(proc *p, uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, on_handle_closed);
}

static void close_all(proc *p)
{
    close_handle(p, (uv_handle_t *)&p->handle);
    close_handle(p, (uv_handle_t *)&p->kill_timer);
    close_handle(p, (uv_handle_t *)&p->pipes[0]);
    close_handle(p, (uv_handle_t *)&p->pipes[1]);
}

static void maybe_end(proc *p)
{
    if (p->ended || !p->exited || !p->eof[0] || !p->eof[1])
        return;
    p->ended = true;
    reg_remove(p);
    uv_timer_stop(&p->kill_timer);
    /* A cancelled child must leave nothing behind: whatever is left of its
     * group (a grandchild that closed its output) is killed now. */
    if (p->cancelled && p->pid > 0)
        kill(-p->pid, SIGKILL);
    proc_status st;
    memset(&st, 0, sizeof st);
    st.cancelled = p->cancelled;
    st.seconds = (double)(util_now_ns() - p->t0) / 1e9;
    if (p->term_signal > 0) {
        st.signaled = true;
        st.term_signal = p->term_signal;
        util_seterr(st.error, "killed by signal %d (%s)", p->term_signal,
                    strsignal(p->term_signal));
    } else {
        st.exit_code = (int)p->exit_status;
        if (st.exit_code != 0)
            util_seterr(st.error, "exited with status %d", st.exit_code);
    }
    if (p->cb.exit)
        p->cb.exit(p->user, p, &st);
    close_all(p);
}

static void on_exit_cb(uv_process_t *h, int64_t exit_status, int term_signal)
{
    proc *p = h->data;
    p->exited = true;
    p->exit_status = exit_status;
    p->term_signal = term_signal;
    maybe_end(p);
}

static void on_line(void *user, const char *text, size_t len)
{
    proc_chan *c = user;
    proc *p = c->p;
    proc_stream s = (c->idx == 0 || p->merge) ? PROC_STDOUT : PROC_STDERR;
    if (p->cb.line)
        p->cb.line(p->user, p, s, text, len);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    proc_chan *c = h->data;
    proc *p = c->p;
    if (!p->rbuf)
        p->rbuf = util_xmalloc(PROC_READ_BUF);
    buf->base = p->rbuf;
    buf->len = PROC_READ_BUF;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    proc_chan *c = s->data;
    proc *p = c->p;
    if (nread > 0) {
        if (p->raw)
            p->raw(p->user, c->idx == 0 ? PROC_STDOUT : PROC_STDERR, buf->base, (size_t)nread);
        else
            linesplit_feed_inplace(&p->ls[c->idx], buf->base, (size_t)nread);
        return;
    }
    if (nread == 0) /* EAGAIN */
        return;
    /* EOF or a read error: the stream is over either way. */
    uv_read_stop(s);
    if (!p->raw)
        linesplit_finish(&p->ls[c->idx]);
    p->eof[c->idx] = true;
    /* the handle's data points at the channel; closing needs the proc */
    s->data = p;
    uv_close((uv_handle_t *)s, on_handle_closed);
    maybe_end(p);
}

static void on_kill_timer(uv_timer_t *t)
{
    proc *p = t->data;
    if (!p->ended && p->pid > 0)
        kill(-p->pid, SIGKILL);
}

/* environ plus extra NAME=VALUE entries (replacing same-named ones). */
static char **build_env(const char *const *extra)
{
    size_t n = 0, ne = 0;
    while (environ[n])
        n++;
    while (extra[ne])
        ne++;
    char **env = util_xcalloc(n + ne + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool replaced = false;
        for (size_t j = 0; j < ne && !replaced; j++)
            replaced = strncmp(extra[j], environ[i], nl) == 0 && extra[j][nl] == '=';
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < ne; j++)
        env[k++] = (char *)extra[j];
    env[k] = NULL;
    return env;
}

static const char *env_path(const char *const *extra)
{
    if (extra)
        for (size_t j = 0; extra[j]; j++)
            if (util_startswith(extra[j], "PATH="))
                return extra[j] + 5;
    return getenv("PATH");
}

static proc *spawn(uv_loop_t *loop, const proc_opts *o, const proc_callbacks *cb,
                   proc_raw_fn raw, void *user, char *err, size_t errlen)
{
    if (!o || !o->argv || !o->argv[0] || !o->argv[0][0]) {
        snprintf(err, errlen, "nothing to run (empty command)");
        return NULL;
    }
    const char *name = o->argv[0];
    char *file = which_in(name, env_path(o->env));
    if (!file) {
        if (!strchr(name, '/'))
            snprintf(err, errlen, "%s: not found in PATH", name);
        else if (!util_exists(name))
            snprintf(err, errlen, "%s: no such file", name);
        else
            snprintf(err, errlen, "%s: not an executable file", name);
        return NULL;
    }
    if (o->cwd && !util_is_dir(o->cwd)) {
        snprintf(err, errlen, "%s: working directory %s does not exist", name, o->cwd);
        free(file);
        return NULL;
    }

    proc *p = util_xcalloc(1, sizeof *p);
    p->loop = loop;
    if (cb)
        p->cb = *cb;
    p->raw = raw;
    p->user = user;
    p->merge = o->merge_stderr;
    p->owner = pthread_self();
    for (int i = 0; i < 2; i++) {
        p->chan[i].p = p;
        p->chan[i].idx = i;
        linesplit_init(&p->ls[i], on_line, &p->chan[i]);
        uv_pipe_init(loop, &p->pipes[i], 0);
        p->pipes[i].data = &p->chan[i];
    }
    uv_timer_init(loop, &p->kill_timer);
    p->kill_timer.data = p;
    p->handle.data = p;
    p->open_handles = 4;

    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    for (int i = 0; i < 2; i++) {
        stdio[i + 1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
        stdio[i + 1].data.stream = (uv_stream_t *)&p->pipes[i];
    }
    char **env = o->env ? build_env(o->env) : NULL;
    uv_process_options_t opts;
    memset(&opts, 0, sizeof opts);
    opts.exit_cb = on_exit_cb;
    opts.file = file;
    opts.args = (char **)o->argv;
    opts.env = env;
    opts.cwd = o->cwd;
    opts.flags = UV_PROCESS_DETACHED;
    opts.stdio_count = 3;
    opts.stdio = stdio;
    p->t0 = util_now_ns();
    int rc = uv_spawn(loop, &p->handle, &opts);
    free(env);
    free(file);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot start: %s", name, uv_strerror(rc));
        /* the pipes' data must point at the proc for on_handle_closed */
        p->pipes[0].data = p->pipes[1].data = p;
        close_all(p);
        return NULL;
    }
    p->pid = p->handle.pid;
    reg_add(p);
    for (int i = 0; i < 2; i++) {
        uv_os_fd_t fd;
        if (uv_fileno((uv_handle_t *)&p->pipes[i], &fd) == 0)
            (void)fcntl(fd, F_SETPIPE_SZ, PROC_PIPE_SIZE); /* best effort */
        uv_read_start((uv_stream_t *)&p->pipes[i], on_alloc, on_read);
    }
    return p;
}

proc *proc_spawn(uv_loop_t *loop, const proc_opts *o, const proc_callbacks *cb,
                 void *user, char *err, size_t errlen)
{
    return spawn(loop, o, cb, NULL, user, err, errlen);
}

int proc_pid(const proc *p)
{
    return p ? p->pid : -1;
}

void proc_cancel(proc *p)
{
    if (!p || p->ended)
        return;
    if (p->cancelled) /* already on its way: TERM sent, KILL scheduled */
        return;
    p->cancelled = true;
    if (p->pid > 0)
        kill(-p->pid, SIGTERM);
    uv_timer_start(&p->kill_timer, on_kill_timer, PROC_KILL_DELAY_MS, 0);
}

/* ---- proc_run_capture ---------------------------------------------------- */

typedef struct {
    strbuf out, errout;
    size_t max;
    bool truncated, ended, timed_out;
    proc_status st;
    proc *p;
} capture;

static void capture_raw(void *user, proc_stream s, const char *d, size_t n)
{
    capture *c = user;
    strbuf *sb = s == PROC_STDOUT ? &c->out : &c->errout;
    size_t max = s == PROC_STDOUT ? c->max : 4096;
    if (sb->len + n > max) {
        if (s == PROC_STDOUT)
            c->truncated = true;
        n = max > sb->len ? max - sb->len : 0;
    }
    if (n)
        strbuf_add(sb, d, n);
}

static void capture_exit(void *user, proc *p, const proc_status *st)
{
    capture *c = user;
    c->st = *st;
    c->ended = true;
}

static void capture_timeout(uv_timer_t *t)
{
    capture *c = t->data;
    if (c->ended)
        return;
    c->timed_out = true;
    if (c->p && c->p->pid > 0) {
        c->p->cancelled = true;
        kill(-c->p->pid, SIGKILL);
    }
}

/* The last non-empty line of s (for error messages). */
static void last_line(const char *s, size_t n, char *dst, size_t dstlen)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
        n--;
    size_t b = n;
    while (b > 0 && s[b - 1] != '\n')
        b--;
    snprintf(dst, dstlen, "%.*s", (int)(n - b), s + b);
}

int proc_run_capture(const char *const *argv, const char *cwd, double timeout_s,
                     char **out, size_t max, char *err, size_t errlen)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    if (out)
        *out = NULL;
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) {
        snprintf(err, errlen, "cannot create an event loop");
        if (out)
            *out = util_xstrdup("");
        return -1;
    }
    capture c;
    memset(&c, 0, sizeof c);
    c.max = max ? max : 64u * 1024u * 1024u;
    proc_opts o = {.argv = argv, .cwd = cwd};
    proc_callbacks cb = {.line = NULL, .exit = capture_exit};
    uv_timer_t timer;
    uv_timer_init(&loop, &timer);
    timer.data = &c;
    int rc = -1;
    c.p = spawn(&loop, &o, &cb, capture_raw, &c, err, errlen);
    if (c.p) {
        if (timeout_s > 0)
            uv_timer_start(&timer, capture_timeout, (uint64_t)(timeout_s * 1000.0 + 0.5), 0);
        while (!c.ended && uv_run(&loop, UV_RUN_ONCE))
            ;
        uv_timer_stop(&timer);
        char last[200];
        last_line(c.errout.data ? c.errout.data : "", c.errout.len, last, sizeof last);
        if (c.timed_out) {
            snprintf(err, errlen, "%s: timed out after %gs (killed)", argv[0], timeout_s);
        } else if (c.st.signaled) {
            snprintf(err, errlen, "%s: killed by signal %d%s%s", argv[0], c.st.term_signal,
                     last[0] ? ": " : "", last);
        } else {
            rc = c.st.exit_code;
            if (rc != 0)
                snprintf(err, errlen, "%s: exited with status %d%s%s", argv[0], rc,
                         last[0] ? ": " : "", last);
        }
    }
    uv_close((uv_handle_t *)&timer, NULL);
    uv_run(&loop, UV_RUN_DEFAULT); /* let every handle close */
    (void)uv_loop_close(&loop);
    if (out) {
        *out = c.out.data ? strbuf_detach(&c.out, NULL) : util_xstrdup("");
    }
    strbuf_free(&c.out);
    strbuf_free(&c.errout);
    return rc;
}

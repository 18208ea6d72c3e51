/* core/proc.h — child processes on a libuv loop.
 *
 * Every child runs in its own process group with stdin on /dev/null and
 * stdout/stderr on two pipes.  Output is split into lines (core/linesplit:
 * partial lines across reads, CRLF, `\r` rewrites collapsed to the last
 * state, lines over 64 KiB split with a marker).  A child "ends" once its
 * exit status has arrived AND both pipes reached EOF; only then is the
 * exit callback called.  Nothing here prints. */
#ifndef SRV_PROC_H
#define SRV_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

typedef struct proc proc;

typedef enum { PROC_STDOUT = 1, PROC_STDERR = 2 } proc_stream;

typedef struct {
    int exit_code;       /* valid when !signaled && !spawn_failed */
    int term_signal;     /* > 0 when killed by a signal */
    bool signaled;
    bool spawn_failed;   /* e.g. "docker: not found in PATH" in error */
    bool cancelled;      /* proc_cancel() was called */
    char error[256];
    double seconds;      /* wall time from spawn to end */
} proc_status;

typedef struct {
    void (*line)(void *user, proc *p, proc_stream s, const char *text, size_t len);
    void (*exit)(void *user, proc *p, const proc_status *st);
} proc_callbacks;

typedef struct {
    const char *const *argv;  /* argv[0] looked up in PATH */
    const char *cwd;          /* NULL: inherit */
    const char *const *env;   /* extra NAME=VALUE entries added, NULL-terminated */
    bool merge_stderr;        /* deliver stderr lines as PROC_STDOUT */
} proc_opts;

/* Spawn; NULL with err filled when it could not start at all (the exit
 * callback is NOT called then).  A missing executable is reported as
 * "NAME: not found in PATH". */
proc *proc_spawn(uv_loop_t *loop, const proc_opts *o, const proc_callbacks *cb,
                 void *user, char *err, size_t errlen);
int proc_pid(const proc *p);
/* SIGTERM to the group, SIGKILL after 2 s; the exit callback still comes. */
void proc_cancel(proc *p);
/* Cancel every live child (quit); proc_kill_all: SIGKILL now (fatal paths). */
void proc_cancel_all(void);
void proc_kill_all(void);
size_t proc_live_count(void);
/* Blocking helper for short commands (docker version, ...): runs on its own
 * loop, captures stdout (up to max bytes), returns exit status or -1. */
int proc_run_capture(const char *const *argv, const char *cwd, double timeout_s,
                     char **out, size_t max, char *err, size_t errlen);
/* "docker" -> "/usr/bin/docker" or NULL (malloc'd). */
char *proc_which(const char *name);

#endif

/* core/statewatch.h — keeps a state_table current on a libuv loop, and
 * follows container logs into a logstore.
 *
 * Driver of core/state, through core/proc children:
 *  - `docker ps -a` at start, then the `docker events` stream (JSON lines);
 *  - a reconcile `docker ps` every reconcile_s seconds (at least 5: never a
 *    tight poll);
 *  - `docker inspect` of the containers an event touched (restart count,
 *    health, StartedAt), batched after a short delay;
 *  - a missing `docker` executable or an engine that does not answer is a
 *    state of the table (state_set_engine), never a hang: every `docker ps`
 *    and `docker inspect` has a deadline, and the events stream is restarted
 *    with a growing delay (1 s doubling to 30 s) when it ends;
 *  - log followers: `docker logs -f --timestamps` per followed container,
 *    lines go to the logstore under the container's name (timestamps
 *    stripped and kept as the line's time).  When a container restarts its
 *    follower is re-attached with --since just after the last line seen, so
 *    nothing is shown twice or lost.
 *
 * Callbacks only change models; the `changed` callback says the table's
 * version moved (the UI marks its view dirty). */
#ifndef SRV_STATEWATCH_H
#define SRV_STATEWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/logstore.h"
#include "core/state.h"

typedef struct statewatch statewatch;

typedef struct {
    const char *docker;      /* executable, NULL: "docker" (looked up in PATH) */
    double reconcile_s;      /* 0: 10 s; below 5 s: 5 s */
    double command_timeout_s; /* deadline of ps / inspect; 0: 10 s */
    void (*changed)(void *user, statewatch *sw); /* the table's version moved */
    /* a log line of a followed container went into the logstore (called
     * per line: keep it cheap, e.g. mark a view dirty; NULL: not told) */
    void (*lines)(void *user, statewatch *sw);
    void *user;
} statewatch_opts;

/* The table and the store are borrowed (the store may be NULL: no log
 * following).  Nothing runs before statewatch_start. */
statewatch *statewatch_new(uv_loop_t *loop, state_table *st, logstore *ls,
                           const statewatch_opts *o);
void statewatch_start(statewatch *sw);
/* Run a `docker ps` now (unless one is running): the "refresh" key. */
void statewatch_reconcile_now(statewatch *sw);
/* Stop every child (TERM, then KILL) and release everything.  The loop must
 * keep running until its handles are closed (uv_run until it returns 0).
 * Not from inside the `changed` callback. */
void statewatch_free(statewatch *sw);

/* Follow the logs of container `name` into the logstore (source = name).
 * Starts once the container is known; re-attaches after restarts.
 * 0, or -1 without a logstore.  Following twice is following once. */
int statewatch_follow(statewatch *sw, const char *name);
void statewatch_unfollow(statewatch *sw, const char *name);
bool statewatch_following(const statewatch *sw, const char *name);
/* True while a `docker logs` child of that follower runs. */
bool statewatch_attached(const statewatch *sw, const char *name);

/* Statistics for tests and the status line. */
typedef struct {
    unsigned ps_runs, events_runs, inspect_runs, logs_runs;
    uint64_t ps_spawned_ns, events_spawned_ns; /* monotonic time of the latest */
    bool events_live;
} statewatch_stats;
void statewatch_get_stats(const statewatch *sw, statewatch_stats *out);

#endif

/* core/state.h — the container table, Docker side.
 *
 * A state_table holds the project's containers as Docker reports them:
 *  - `docker ps -a --no-trunc --format '{{json .}}'`, one JSON object per
 *    line (state_ps_begin / state_apply_ps_line / state_ps_end: a full
 *    snapshot; containers it does not list are removed);
 *  - `docker events --format '{{json .}}'` lines (state_apply_event), in
 *    the order they come: create, start, die (exitCode), kill, oom, stop,
 *    restart, pause, unpause, rename, destroy, health_status: ...;
 *  - `docker inspect` output (state_apply_inspect): restart count, health,
 *    StartedAt/FinishedAt, OOMKilled, the restarting flag.
 * Formats of Docker 20.10 up to 28 are understood (the deprecated
 * "status"/"id"/"from" event fields are not needed).
 *
 * Only the project's containers are kept: those named in the expected list
 * (exactly, or by prefix when an entry ends in '*'), and those whose
 * com.docker.compose.project label is one of the project names.  With both
 * lists empty every container is kept.
 *
 * The table is sorted: failing containers first (exited non-zero,
 * restarting, unhealthy, dead, OOM-killed), then in the expected list's
 * order, then by name.  Every change bumps the version counter, so a view
 * redraws only when it changed.  Nothing here runs a process: the driver
 * (core/statewatch) feeds it. */
#ifndef SRV_STATE_H
#define SRV_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    STATE_UNKNOWN = 0,
    STATE_CREATED,
    STATE_RUNNING,
    STATE_PAUSED,
    STATE_RESTARTING,
    STATE_REMOVING,
    STATE_EXITED,
    STATE_DEAD,
} state_run;

typedef enum {
    STATE_HEALTH_NONE = 0, /* no health check (or not running) */
    STATE_HEALTH_STARTING,
    STATE_HEALTH_HEALTHY,
    STATE_HEALTH_UNHEALTHY,
} state_health;

typedef enum {
    STATE_ENGINE_UNKNOWN = 0, /* not asked yet */
    STATE_ENGINE_OK,
    STATE_ENGINE_UNREACHABLE, /* the daemon does not answer */
    STATE_ENGINE_NO_DOCKER,   /* no docker executable */
} state_engine;

typedef struct {
    char *name;        /* without the leading '/' */
    char *id;          /* full id */
    char *image;
    char *project;     /* com.docker.compose.project, "" when none */
    char *service;     /* com.docker.compose.service, "" when none */
    char *ports;       /* published: "6379", "5672,15672", "16379->6379" */
    char *status;      /* docker's Status text when known ("Up 2 minutes"), else "" */
    state_run run;
    state_health health;
    bool has_health;   /* a health check is configured (seen once) */
    bool oom_killed;
    int restarts;      /* -1: unknown (docker ps does not say) */
    int exit_code;     /* of the last run; -1: unknown or never exited */
    int last_signal;   /* of the last kill event, 0 none */
    uint64_t created_ns;  /* wall clock, ns since the epoch; 0 unknown */
    uint64_t started_ns;
    uint64_t finished_ns;
    bool needs_inspect;   /* an event changed what only inspect tells */
} state_container;

typedef struct state_table state_table;

state_table *state_new(void);
void state_free(state_table *st);

/* Which containers belong to the project (see above).  Copies the lists;
 * containers already in the table that no longer match are removed. */
void state_set_filter(state_table *st, const char *const *names, size_t nnames,
                      const char *const *projects, size_t nprojects);
bool state_wanted(const state_table *st, const char *name, const char *project);

/* A full `docker ps` snapshot.  state_apply_ps_line returns 0 (applied or
 * not wanted) or -1 with err naming the problem ("docker ps line 3: ...");
 * lineno is for that message. */
void state_ps_begin(state_table *st);
int state_apply_ps_line(state_table *st, const char *line, size_t len, int lineno,
                        char *err, size_t errlen);
void state_ps_end(state_table *st);

/* One `docker events` JSON line: 1 when the table changed, 0 when not (an
 * event of another object, container or kind), -1 on a malformed line. */
int state_apply_event(state_table *st, const char *line, size_t len, char *err,
                      size_t errlen);
/* `docker inspect` output (a JSON array, or one object): 1 changed, 0 not,
 * -1 malformed.  Clears needs_inspect of the containers it describes. */
int state_apply_inspect(state_table *st, const char *json, size_t len, char *err,
                        size_t errlen);

/* Names of the containers whose needs_inspect is set (malloc'd array of
 * borrowed names, valid until the next change; *n set).  NULL when none. */
const char **state_inspect_wanted(const state_table *st, size_t *n);

size_t state_count(const state_table *st);
const state_container *state_get(const state_table *st, size_t i); /* sorted order */
const state_container *state_find(const state_table *st, const char *name);
uint64_t state_version(const state_table *st);
/* Wall-clock time of the last event applied (ns), 0 none. */
uint64_t state_last_event_ns(const state_table *st);

/* The engine as the driver last saw it; msg is shown to the user. */
void state_set_engine(state_table *st, state_engine e, const char *msg);
state_engine state_engine_get(const state_table *st, const char **msg);
const char *state_engine_word(state_engine e); /* "ok", "unreachable", "docker not found", "unknown" */

/* Words for the table: "running", "created", "exited", "restarting", ... */
const char *state_run_word(state_run r);
const char *state_health_word(state_health h); /* "-", "starting", "healthy", "unhealthy" */
/* "running", "exited 0", "exited 137 (OOM)", "restarting", "starting" (running
 * while its health check has not passed yet) ... into buf. */
const char *state_describe(const state_container *c, char *buf, size_t n);
bool state_is_failing(const state_container *c);

/* ---- argv for the driver (malloc'd, NULL-terminated; state_argv_free) ---- */
/* docker: the executable to run (NULL: "docker"). */
char **state_ps_argv(const char *docker);
/* --since only when since_ns is not 0. */
char **state_events_argv(const char *docker, uint64_t since_ns);
char **state_inspect_argv(const char *docker, const char *const *names, size_t n);
/* docker logs -f --timestamps [--since T] NAME */
char **state_logs_argv(const char *docker, const char *name, uint64_t since_ns);
void state_argv_free(char **argv);

/* Where to re-attach a container's log follower so that nothing is shown
 * twice or lost: just after the last line already seen (last_seen_ns, from
 * the --timestamps prefix) when there is one, else the start of the current
 * run (StartedAt), else 0 (from the beginning). */
uint64_t state_logs_since(const state_container *c, uint64_t last_seen_ns);

/* `docker logs --timestamps` lines start with an RFC 3339 time and a space:
 * returns the offset of the text after it and sets *ts_ns; 0 and *ts_ns = 0
 * when the line has no timestamp. */
size_t state_split_log_line(const char *line, size_t len, uint64_t *ts_ns);

/* Parse "2024-01-10T12:00:00.123456789Z" / "+02:00" offsets, and docker ps's
 * "2024-01-10 12:00:00 +0000 UTC".  0 when it is not such a time (or is
 * Docker's zero time 0001-01-01T00:00:00Z). */
uint64_t state_parse_time(const char *s, size_t len);
/* "1704888000.123456789" (what --since accepts) into buf. */
const char *state_format_since(uint64_t ns, char *buf, size_t n);

#endif

# tests/e2e/lib.sh — helpers for the end-to-end tests on a real Docker engine
# (source it after tests/testlib.sh).
#
#   e2e_require_engine  the engine answers and the base image is there, else
#                       SKIP (exit 77), or FAIL when SRVCONSOLE_CI=1 (.ci/run
#                       starts the engine with tests/e2e/docker-engine.sh).
#                       Then takes the e2e lock: the project's container
#                       names, network and port are fixed, so the e2e tests
#                       of every build tree on the machine run one at a time
#                       (flock on $E2E_LOCK, waiting up to $E2E_LOCK_TIMEOUT s)
#   e2e_project         copy tests/e2e/project to a fresh folder under $T_TMP,
#                       print its path (and set E2E_PROJECT when not in a
#                       subshell)
#   e2e_cleanup         remove the e2e project's containers and network: the
#                       containers labelled with a compose project that are
#                       named e2e-*, any container on the network, and the
#                       network srvconsole-e2e-net.  Installed as an EXIT trap
#                       by e2e_require_engine (the temp folder is removed too)
#   e2e_containers      names of the project's containers (running or not)
#   e2e_networks        the project's networks that exist
E2E_IMAGE=srvconsole-e2e/base:latest
E2E_NETWORK=srvconsole-e2e-net
E2E_NAME_PREFIX=e2e-
E2E_ENGINE=$top_srcdir/tests/e2e/docker-engine.sh
E2E_LOCK=${E2E_LOCK:-/tmp/srvconsole-e2e.lock}
E2E_LOCK_TIMEOUT=${E2E_LOCK_TIMEOUT:-900}

e2e_require_engine() {
    local why=
    if ! command -v docker >/dev/null 2>&1; then
        why="the docker client is not installed"
    elif ! docker info >/dev/null 2>&1; then
        why="no Docker engine answers (start one: $E2E_ENGINE start)"
    elif ! docker image inspect "$E2E_IMAGE" >/dev/null 2>&1; then
        why="the image $E2E_IMAGE is missing (make it: $E2E_ENGINE base-image)"
    fi
    if [ -n "$why" ]; then
        if [ "${SRVCONSOLE_CI:-}" = 1 ]; then
            echo "FAIL: $why; in CI the engine must be there"
            exit 1
        fi
        t_skip "$why"
    fi
    e2e_lock
    trap 'e2e_cleanup; rm -rf "$T_TMP"' EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    # leftovers of an earlier, interrupted run
    e2e_cleanup
}

# One e2e test at a time on this machine.  fd 9 holds the lock until the
# test exits; the processes the test starts inherit it, so one left behind
# would keep holding it (the e2e tests check that none is left).
e2e_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    exec 9>>"$E2E_LOCK" || { echo "FAIL: cannot open $E2E_LOCK"; exit 1; }
    if ! flock -n 9; then
        echo "waiting for another e2e test to end (lock $E2E_LOCK)"
        flock -w "$E2E_LOCK_TIMEOUT" 9 || {
            echo "FAIL: the e2e lock $E2E_LOCK was not free within $E2E_LOCK_TIMEOUT s"
            exit 1
        }
    fi
}

e2e_project() {
    local d
    d=$(mktemp -d "$T_TMP/e2e.XXXXXX") || exit 1
    cp -R "$top_srcdir/tests/e2e/project/." "$d/" && chmod -R u+w "$d" || exit 1
    E2E_PROJECT=$d
    echo "$d"
}

e2e_containers() {
    (docker ps -a --filter "name=^/?$E2E_NAME_PREFIX" --filter label=com.docker.compose.project \
        --format '{{.Names}}'
     docker network inspect "$E2E_NETWORK" >/dev/null 2>&1 &&
        docker ps -a --filter "network=$E2E_NETWORK" --format '{{.Names}}') 2>/dev/null | sort -u
}

e2e_networks() {
    docker network ls --filter "name=^$E2E_NETWORK\$" --format '{{.Name}}' 2>/dev/null
}

e2e_cleanup() {
    local ids
    ids=$( (docker ps -aq --filter "name=^/?$E2E_NAME_PREFIX" --filter label=com.docker.compose.project
            docker network inspect "$E2E_NETWORK" >/dev/null 2>&1 &&
                docker ps -aq --filter "network=$E2E_NETWORK") 2>/dev/null | sort -u)
    [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1
    if [ -n "$(e2e_networks)" ]; then
        docker network rm "$E2E_NETWORK" >/dev/null 2>&1
    fi
    return 0
}

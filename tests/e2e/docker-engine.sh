#!/bin/sh
# tests/e2e/docker-engine.sh — a real Docker engine for the end-to-end tests.
#
#   start       start dockerd in the background when `docker info` fails
#               (log: /tmp/srvconsole-dockerd.log, pid: /var/run/docker.pid)
#               and wait up to 60 s (DOCKER_START_TIMEOUT) for `docker info`
#   stop        stop the daemon, only when this script started it
#   status      say whether the engine answers (exit 0) or not (exit 1)
#   base-image  import a busybox root file system (from busybox-static) as
#               srvconsole-e2e/base:latest when it is missing (--force: always)
#
# Needs root to start dockerd (CI runs as root).  .ci/run calls `start` and
# `base-image` before the tests and `stop` at the end.
set -u

LOG=${SRVCONSOLE_DOCKERD_LOG:-/tmp/srvconsole-dockerd.log}
PIDFILE=/var/run/docker.pid
STATE=${SRVCONSOLE_DOCKERD_STATE:-/tmp/srvconsole-dockerd.started}
IMAGE=srvconsole-e2e/base:latest
TIMEOUT=${DOCKER_START_TIMEOUT:-60}

say() { echo "docker-engine: $*"; }
die() { echo "docker-engine: $*" >&2; exit 1; }
engine_up() { docker info >/dev/null 2>&1; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
is_dockerd() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = dockerd ]; }

start() {
    command -v docker >/dev/null 2>&1 || die "the docker client is not installed (apt-get install docker.io)"
    if engine_up; then
        say "the engine is already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
        return 0
    fi
    command -v dockerd >/dev/null 2>&1 || die "dockerd is not installed (apt-get install docker.io)"
    [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
    pid=
    if [ -f "$PIDFILE" ]; then
        pid=$(cat "$PIDFILE" 2>/dev/null)
        if alive "$pid" && is_dockerd "$pid"; then
            say "dockerd (pid $pid) is starting already; waiting for it"
        else
            say "removing the stale $PIDFILE"
            rm -f "$PIDFILE"
            pid=
        fi
    fi
    if [ -z "$pid" ]; then
        say "starting dockerd (log: $LOG)"
        # its own session: the signals of the caller's process group
        # (Ctrl-C, the test harness) do not reach it
        setsid dockerd >>"$LOG" 2>&1 </dev/null &
        launched=$!
    else
        launched=
    fi
    i=0
    while ! engine_up; do
        if [ -n "$launched" ] && ! alive "$launched"; then
            echo "---- last lines of $LOG" >&2
            tail -n 20 "$LOG" >&2
            die "dockerd exited at start"
        fi
        i=$((i + 1))
        if [ $i -gt $((TIMEOUT * 4)) ]; then
            echo "---- last lines of $LOG" >&2
            tail -n 20 "$LOG" >&2
            die "the engine did not answer within $TIMEOUT s"
        fi
        sleep 0.25
    done
    if [ -n "$launched" ]; then
        pid=$(cat "$PIDFILE" 2>/dev/null)
        [ -n "$pid" ] || pid=$launched
        echo "$pid" >"$STATE"
        say "dockerd is up (pid $pid, $(docker version --format '{{.Server.Version}}' 2>/dev/null)) after $((i / 4)) s"
    else
        say "the engine is up"
    fi
}

stop() {
    if [ ! -f "$STATE" ]; then
        say "the engine was not started by this script: left as it is"
        return 0
    fi
    pid=$(cat "$STATE")
    rm -f "$STATE"
    if ! alive "$pid" || ! is_dockerd "$pid"; then
        say "dockerd (pid $pid) is not running any more"
        return 0
    fi
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    i=0
    while alive "$pid" && is_dockerd "$pid"; do
        i=$((i + 1))
        if [ $i -gt 120 ]; then
            say "dockerd did not stop within 30 s: killing it"
            kill -KILL "$pid" 2>/dev/null
            break
        fi
        sleep 0.25
    done
    say "dockerd stopped"
}

status() {
    if engine_up; then
        if [ -f "$STATE" ]; then
            say "running (started by this script, pid $(cat "$STATE"))"
        else
            say "running"
        fi
        return 0
    fi
    say "not running"
    return 1
}

base_image() {
    engine_up || die "the engine is not running (run: $0 start)"
    if [ "${1:-}" != --force ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
        say "$IMAGE is present"
        return 0
    fi
    bb=
    for c in /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
        [ -n "$c" ] && [ -x "$c" ] && { bb=$c; break; }
    done
    [ -n "$bb" ] || die "busybox is not installed (apt-get install busybox-static)"
    # a dynamically linked busybox would not run in an empty root file system
    if ldd "$bb" >/dev/null 2>&1; then
        die "$bb is dynamically linked: install busybox-static"
    fi
    root=$(mktemp -d "${TMPDIR:-/tmp}/srvconsole-rootfs.XXXXXX") || die "mktemp failed"
    trap 'rm -rf "$root"' EXIT
    mkdir -p "$root/bin" "$root/usr/bin" "$root/etc" "$root/tmp" "$root/root" \
        "$root/proc" "$root/sys" "$root/dev" "$root/var/run" || die "cannot make $root"
    chmod 1777 "$root/tmp"
    cp "$bb" "$root/bin/busybox" || die "cannot copy $bb"
    # what `busybox --install -s /bin` does inside the root file system:
    # a link to /bin/busybox for every applet
    n=0
    for applet in $("$bb" --list); do
        [ "$applet" = busybox ] && continue
        ln -s /bin/busybox "$root/bin/$applet" || die "cannot link $applet"
        n=$((n + 1))
    done
    ln -s /bin/busybox "$root/usr/bin/env"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    say "importing a busybox root file system ($n applets) as $IMAGE"
    tar -C "$root" -c . | docker import \
        --change 'CMD ["sh"]' \
        --change 'LABEL org.srvconsole.e2e=base' \
        - "$IMAGE" >/dev/null || die "docker import failed"
    out=$(docker run --rm "$IMAGE" echo ok 2>&1)
    [ "$out" = ok ] || die "the new image does not run: $out"
    say "$IMAGE is ready"
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    base-image) shift; base_image "$@" ;;
    *) echo "usage: $0 start|stop|status|base-image [--force]" >&2; exit 2 ;;
esac

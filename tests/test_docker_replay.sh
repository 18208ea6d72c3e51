#!/bin/sh
# tests/test_docker_replay.sh — the fake docker (tests/fakes/docker-replay)
# that the console's tests put on PATH: replayed ps/events/logs/inspect,
# recorded calls, compose output and exit codes, blocking follow modes that
# end promptly on SIGTERM and never outlive their parent.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/fakes/fakelib.sh"
R=$T_TMP/replay
fake_docker "$R"
mkdir -p "$R/logs" "$R/inspect" "$R/compose"
check() { # NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then t_pass "$1"
    else t_fail "$1"; printf '  expected: %s\n  actual:   %s\n' "$2" "$3"; fi
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# the processes of a process group (the fakes below run as group leaders)
# (zombies do not count: nothing may reap them in a container without init)
group_alive() { ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; }

check "docker on PATH is the fake" "$FAKE_DOCKER_BIN/docker" "$(command -v docker)"

out=$(env -u FAKE_DOCKER_DIR docker ps 2>&1); rc=$?
check "no FAKE_DOCKER_DIR: exit 2 with a message" \
    "2 docker-replay: FAKE_DOCKER_DIR is not set or not a directory" "$rc $out"

# ---- ps, with a sequence ---------------------------------------------------------
printf '{"Names":"a","State":"running"}\n{"Names":"b","State":"exited"}\n' >"$R/ps.jsonl"
printf '{"Names":"a","State":"exited"}\n' >"$R/ps.2.jsonl"
check "ps replays ps.jsonl" "$(cat "$R/ps.jsonl")" "$(docker ps -a --format '{{json .}}')"
check "the 2nd ps replays ps.2.jsonl" "$(cat "$R/ps.2.jsonl")" "$(docker ps -a)"
check "the 3rd ps falls back to ps.jsonl" "$(cat "$R/ps.jsonl")" "$(docker ps)"

# ---- the record of calls -----------------------------------------------------------
(cd "$T_TMP" && docker --host unix:///x ps --filter "label=a b" --format '{{json .}}' >/dev/null)
check "a call is recorded with quoting" \
    "docker --host unix:///x ps --filter 'label=a b' --format '{{json .}}'" \
    "$(tail -n 1 "$R/calls")"
check "its working directory is recorded on the same line" "$T_TMP" "$(tail -n 1 "$R/calls.cwd")"
check "calls and calls.cwd have a line per call" "$(wc -l <"$R/calls")" "$(wc -l <"$R/calls.cwd")"
check "every call was recorded" 4 "$(wc -l <"$R/calls" | tr -d ' ')"

# ---- version, info, engine down ---------------------------------------------------------
docker version >/dev/null && docker info >/dev/null && t_pass "version and info succeed" ||
    t_fail "version and info"
check "version --format" "24.0.7" "$(docker version --format '{{.Server.Version}}')"
touch "$R/engine-down"
out=$(docker ps 2>&1); rc=$?
case "$rc $out" in
    "1 Cannot connect to the Docker daemon"*) t_pass "engine-down: ps fails like docker without a daemon" ;;
    *) t_fail "engine-down: got $rc $out" ;;
esac
docker info >/dev/null 2>&1 && t_fail "engine-down: info succeeds" || t_pass "engine-down: info fails"
rm -f "$R/engine-down"

# ---- logs ---------------------------------------------------------------------------
printf 'line 1\nline 2\n' >"$R/logs/web.log"
printf 'warn 1\n' >"$R/logs/web.err"
printf 'follow 1\nfollow 2\nfollow 3\n' >"$R/logs/web.follow"
check "logs replays NAME.log on stdout" "$(printf 'line 1\nline 2')" \
    "$(docker logs --tail 100 -t web 2>/dev/null)"
check "logs replays NAME.err on stderr" "warn 1" "$(docker logs web 2>&1 >/dev/null)"
out=$(docker logs ghost 2>&1); rc=$?
check "logs of an unknown container" "1 Error response from daemon: No such container: ghost" "$rc $out"

# poll FILE until it holds TEXT (3 s at most)
wait_line() {
    i=0
    while [ $i -lt 60 ]; do grep -qx "$2" "$1" && return 0; sleep 0.05; i=$((i + 1)); done
    return 1
}
FAKE_DOCKER_DELAY=0.5 setsid docker logs -f --since 2024-01-01T00:00:00Z web >"$T_TMP/follow.out" 2>/dev/null &
fpid=$!
wait_line "$T_TMP/follow.out" "follow 1"; t0=$(ms)
check "logs -f: the log, then the first follow line at once" "$(printf 'line 1\nline 2\nfollow 1')" \
    "$(cat "$T_TMP/follow.out")"
wait_line "$T_TMP/follow.out" "follow 2"; t1=$(ms)
[ $((t1 - t0)) -ge 400 ] && t_pass "logs -f: the follow lines come slowly ($((t1 - t0)) ms apart)" ||
    t_fail "logs -f: follow lines $((t1 - t0)) ms apart"
wait_line "$T_TMP/follow.out" "follow 3"
sleep 1
kill -0 $fpid 2>/dev/null && t_pass "logs -f blocks after its lines" || t_fail "logs -f ended by itself"
t0=$(ms)
kill -TERM $fpid
wait $fpid; rc=$?
t1=$(ms)
check "logs -f ends with 143 on SIGTERM" 143 "$rc"
[ $((t1 - t0)) -lt 400 ] && t_pass "logs -f ends promptly on SIGTERM ($((t1 - t0)) ms)" ||
    t_fail "logs -f took $((t1 - t0)) ms to end"
sleep 0.1
group_alive $fpid && t_fail "logs -f left a process behind" || t_pass "logs -f leaves no process behind"

# ---- events -------------------------------------------------------------------------------
printf '{"status":"start","id":"1"}\n' >"$R/events.jsonl"
printf '{"status":"die","id":"1"}\n' >"$R/events.follow"
setsid docker events --format '{{json .}}' --filter label=x >"$T_TMP/events.out" &
epid=$!
wait_line "$T_TMP/events.out" '{"status":"die","id":"1"}'
check "events replays events.jsonl then events.follow" \
    "$(cat "$R/events.jsonl" "$R/events.follow")" "$(cat "$T_TMP/events.out")"
kill -0 $epid 2>/dev/null && t_pass "events blocks" || t_fail "events ended by itself"
kill -HUP $epid
wait $epid; rc=$?
check "events ends with 129 on SIGHUP" 129 "$rc"
sleep 0.1
group_alive $epid && t_fail "events left a process behind" || t_pass "events leaves no process behind"
# a blocked follower whose parent is gone ends by itself
setsid sh -c 'docker events >/dev/null & sleep 0.2' &
ppid=$!
wait $ppid
sleep 1.2
group_alive $ppid && { t_fail "events outlives its parent"; kill -KILL -$ppid 2>/dev/null; } ||
    t_pass "events ends when its parent is gone"

# ---- inspect --------------------------------------------------------------------------------
printf '[\n  {"Name": "/a", "State": {"Status": "running"}}\n]\n' >"$R/inspect/a.json"
printf '[{"Name": "/b"}]\n' >"$R/inspect/b.json"
check "inspect one" "$(printf '[\n  {"Name": "/a", "State": {"Status": "running"}}\n]')" \
    "$(docker inspect a)"
check "inspect several: one array" "$(printf '[\n  {"Name": "/a", "State": {"Status": "running"}}\n,\n{"Name": "/b"}\n]')" \
    "$(docker inspect --format '{{json .}}' a b)"
out=$(docker inspect a ghost 2>&1 >/dev/null); rc=$?
check "inspect of an unknown name fails" "1 Error: No such object: ghost" "$rc $out"

# ---- compose --------------------------------------------------------------------------------
printf 'Creating network e2e\nCreating e2e-web ... done\n' >"$R/compose/up.out"
printf 'Container e2e-web  Started\n' >"$R/compose/up.err"
: >"$R/calls"
: >"$R/calls.cwd"
out=$(cd "$T_TMP" && docker compose -f a.yml --project-name p --env-file .env up -d --wait 2>"$T_TMP/err"); rc=$?
check "compose up: canned output" "$(cat "$R/compose/up.out")" "$out"
check "compose up: canned stderr" "$(cat "$R/compose/up.err")" "$(cat "$T_TMP/err")"
check "compose up: exit 0" 0 "$rc"
check "compose up: argv recorded" "docker compose -f a.yml --project-name p --env-file .env up -d --wait" "$(fake_calls)"
touch "$R/fail-up"
out=$(docker compose -f a.yml up -d 2>/dev/null); rc=$?
check "fail-up: the lines, then exit 1" "1 $(cat "$R/compose/up.out")" "$rc $out"
echo 3 >"$R/fail-up"
docker compose up >/dev/null 2>&1; rc=$?
check "fail-up holding 3: exit 3" 3 "$rc"
rm -f "$R/fail-up"
out=$(docker compose -f a.yml down -v --timeout 5); rc=$?
check "compose down without canned output: nothing, exit 0" "0 " "$rc $out"
check "compose version (v2)" "Docker Compose version v2.20.0" "$(docker compose version)"
touch "$R/no-compose-v2"
out=$(docker compose version 2>&1); rc=$?
case "$rc $out" in
    "1 docker: 'compose' is not a docker command."*) t_pass "no-compose-v2: docker compose is not a command" ;;
    *) t_fail "no-compose-v2: $rc $out" ;;
esac
check "docker-compose (v1) version" "docker-compose version 1.29.2, build unknown" "$(docker-compose version)"
out=$(docker-compose -f a.yml -p p up -d 2>/dev/null); rc=$?
check "docker-compose up replays the same output" "0 $(cat "$R/compose/up.out")" "$rc $out"
check "docker-compose calls are recorded under its name" "docker-compose -f a.yml -p p up -d" "$(tail -n 1 "$R/calls")"
FAKE_DOCKER_DELAY=0.2 docker-compose up >/dev/null 2>&1 &
cpid=$!
t0=$(ms); wait $cpid; t1=$(ms)
[ $((t1 - t0)) -ge 350 ] && t_pass "FAKE_DOCKER_DELAY slows compose output down" ||
    t_fail "compose output with a delay took $((t1 - t0)) ms"

# ---- other commands ---------------------------------------------------------------------------
check "restart prints the names" "$(printf 'e2e-web\ne2e-db')" "$(docker restart -t 5 e2e-web e2e-db)"
check "network rm prints the names" "net1" "$(docker network rm net1)"
touch "$R/fail-stop"
docker stop x >/dev/null; rc=$?
check "fail-stop: stop fails" 1 "$rc"

# ---- the recording of a real engine (tests/fakes/record-e2e.sh) ---------------------------
fake_docker_recorded e2e "$T_TMP/rec"
names=$(docker ps -a --format '{{json .}}' | sed -n 's/.*"Names":"\([^"]*\)".*/\1/p' | sort | tr '\n' ' ')
check "recorded ps: the four e2e containers" "e2e-health e2e-oneshot e2e-ticker e2e-web " "$names"
for n in e2e-health e2e-oneshot e2e-ticker e2e-web; do
    docker inspect "$n" | grep -q "\"Name\": \"/$n\"" || t_fail "recorded inspect of $n"
    [ -s "$T_TMP/rec/logs/$n.log" ] || t_fail "recorded logs of $n"
done
docker logs e2e-ticker | head -n 1 | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z tick 0$' &&
    t_pass "recorded logs carry timestamps" || t_fail "recorded logs: $(docker logs e2e-ticker | head -n 1)"
grep -q '"status":"health_status: healthy"' "$T_TMP/rec/events.jsonl" &&
    grep -q '"status":"destroy"' "$T_TMP/rec/events.jsonl" &&
    t_pass "recorded events go from start to health to destroy" || t_fail "recorded events"

t_done

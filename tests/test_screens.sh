#!/bin/sh
# tests/test_screens.sh — the console as a user sees it: the real binary in
# a pseudo-terminal (tests/vt/vtrun on libvterm), keys sent by action name
# (from `srvconsole --dump-actions`), a fake `docker` on PATH replaying
# recorded ps/events/logs output.  Goldens at 80x24 and 200x50 live in
# tests/screens/ (UPDATE_GOLDEN=1 rewrites them).
#
# SRVCONSOLE_WRAPPER, when set, is put in front of every srvconsole command
# (e.g. "valgrind --error-exitcode=99 -q --log-file=DIR/vg.%p.log"; see
# `make check-valgrind-console`); set VTRUN_TIMEOUT_SCALE with it.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/vt/vtlib.sh"
. "$top_srcdir/tests/fakes/fakelib.sh"
vt_require
# SCREENS_ONLY="NAME..." runs only those scenarios (while debugging one).
if [ -n "${SCREENS_ONLY:-}" ]; then
    vt_check() {
        case " $SCREENS_ONLY " in
            *" $1 "*) if vt_run "$@"; then t_pass "$1"; else t_fail "$1"; fi ;;
            *) cat >/dev/null ;;
        esac
    }
fi
vt_ran() { [ -z "${SCREENS_ONLY:-}" ] || case " $SCREENS_ONLY " in *" $1 "*) ;; *) false ;; esac; }
GOLDEN=$top_srcdir/tests/screens
ACT=$T_TMP/actions
vt_actions "$ACT"

# A writable copy of the sample project, plus deployments for the tests.
P=$(t_sample)
cat >"$P/infrastructure/shared/configs/deployments/zz-test.json" <<'EOF'
{ "deployments": [
  { "name": "Slow Job", "shortName": "slow", "description": "sleeps (quit must stop it)",
    "environments": ["local"],
    "target": { "type": "sh", "composing": "service",
                "deployCommand": "echo slow-$((6*7)); sleep 300; echo after-$((6*7))", "defaultArgs": "" } },
  { "name": "Stubborn Job", "shortName": "stubborn", "description": "ignores TERM",
    "environments": ["local"],
    "target": { "type": "sh", "composing": "service",
                "deployCommand": "trap '' TERM; echo stubborn-$((6*7)); while :; do sleep 1; done", "defaultArgs": "" } },
  { "name": "Chatty Job", "shortName": "chatty", "description": "300 numbered lines",
    "environments": ["local"],
    "target": { "type": "sh", "composing": "service",
                "deployCommand": "i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo \"line $i of chatty\"; done", "defaultArgs": "" } }
] }
EOF

# The containers of the demo stack, as `docker ps` reports them.
F=$T_TMP/fake
fake_docker "$F"
i=0
for n in demo-mongo demo-redis demo-rabbitmq demo-gateway demo-worker; do
    i=$((i + 1))
    st=running; status="Up 5 minutes"
    [ $n = demo-worker ] && { st=exited; status="Exited (1) 2 minutes ago"; }
    printf '{"ID":"%064d","Names":"%s","Image":"demo/%s:latest","State":"%s","Status":"%s","Ports":"","Labels":"com.docker.compose.project=compose,com.docker.compose.service=%s","CreatedAt":"2026-11-28 10:00:00 +0000 UTC"}\n' \
        $i $n $n $st "$status" $n >>"$F/ps.jsonl"
done
mkdir -p "$F/logs" "$F/compose"
for k in $(seq 1 40); do echo "2026-11-28T10:00:$(printf %02d $((k % 60))).000000000Z gateway request $k GET /health 200"; done >"$F/logs/demo-gateway.log"
echo "2026-11-28T10:01:00.000000000Z gateway ERROR upstream timeout" >>"$F/logs/demo-gateway.log"
echo "2026-11-28T10:00:30.000000000Z mongo waiting for connections" >"$F/logs/demo-mongo.log"
printf 'Container demo-mongo  Started\nContainer demo-redis  Started\n' >"$F/compose/up.out"
: >"$F/compose/down.out"
# a fixed locale (UTF-8 symbols), compose v2 (the fake answers `compose version`)
export LC_ALL=C.UTF-8 SRVCONSOLE_COMPOSE="docker compose" XDG_CONFIG_HOME=$T_TMP/xdg
unset NO_COLOR

W=${SRVCONSOLE_WRAPPER:-}
RUN="$W $SRVCONSOLE --root $P"
MASK='mask "[(]/[^)]*[)]"
mask "[0-9]+([.][0-9]+)?s "
mask "[0-9]+:[0-9]+ "
mask "[0-9]+[hmsd][0-9]*m? "'

# ---- open on the project; goldens ------------------------------------------
vt_check open-80x24 -a "$ACT" -g "$GOLDEN" -- $RUN <<EOF
wait "srvconsole"
wait demo-gateway
expect "No deployment running"
expect-row -1 "u deploy"
$MASK
golden main-80x24.txt
action quit
wait-exit 0
expect-restored
expect-no-children
EOF

vt_check open-200x50 -s 200x50 -a "$ACT" -g "$GOLDEN" -- $RUN <<EOF
wait demo-gateway
expect "exited 1"
$MASK
golden main-200x50.txt
action quit
wait-exit 0
EOF

# ---- the bundled sample opens read-only outside a project ---------------------
mkdir -p "$T_TMP/nowhere"
( cd "$T_TMP/nowhere" && vt_check sample-readonly -a "$ACT" -- $W "$SRVCONSOLE" ) <<'EOF'
wait "read-only"
action quit
wait-exit 0
EOF

# ---- `srvconsole demo` (the README's first command) ends in the console -------
vt_check demo -a "$ACT" -- $W "$SRVCONSOLE" demo "$T_TMP/demo" <<'EOF'
timeout 15
wait "No deployment running"
expect "demo"
expect-not "read-only"
action quit
wait-exit 0
expect-restored
EOF
if vt_ran demo; then
    [ -f "$T_TMP/demo/infrastructure/local/docker/compose/docker-compose-db.yml" ] \
        && t_pass "demo generated the sample's files before opening the console" \
        || t_fail "demo did not generate"
fi

# ---- pick and run a deployment: phases pass, output streams ------------------
vt_check pick-and-run -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
action deploy
wait "Deploy"
expect "Start Databases"
action open
wait "Plan: Start Databases"
expect "in-process"
action open
wait "Run Start Databases"
expect "This runs"
expect "[pre-build] tsx infrastructure/tools/shared/config/generator.ts"
key y
timeout 20
wait "passed"
expect "Container demo-mongo  Started"
expect-not "failed"
action quit
wait-exit 0
expect-no-children
EOF
if vt_ran pick-and-run; then
    grep -q "compose -f $P/infrastructure/local/docker/compose/docker-compose-db.yml up -d --wait" "$F/calls" \
        && t_pass "the run called docker compose up with the plan's argv" \
        || { t_fail "docker compose up not called as planned"; cat "$F/calls"; }
    [ -f "$P/infrastructure/local/docker/compose/docker-compose-db.yml" ] \
        && t_pass "the generator hook ran in-process" || t_fail "generator hook did not run"
fi

# ---- a failing step turns its phase red and shows its last lines -------------
printf 'Error response from daemon: port is already allocated\n' >"$F/compose/up.err"
echo 3 >"$F/fail-up"
vt_check failing-step -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local dbs_up
key Enter
wait "Run Start Databases"
key y
timeout 20
wait "failed"
expect "exit 3"
expect "port is already allocated"
wait-re ". up 0/1 exit 3"
expect-not "passed"
action quit
wait-exit 0
EOF
rm -f "$F/fail-up" "$F/compose/up.err"

# ---- logs: follow, pause, search, only matches --------------------------------
vt_check logs -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :logs demo-gateway
key Enter
wait "LOGS"
wait "upstream timeout"
expect "41 lines"
action follow
action top
wait "request 1 GET"
expect-not "upstream timeout"
action search
keys ERROR
key Enter
wait "upstream timeout"
dump
action only-matches
wait-gone "request 39"
expect "upstream timeout"
expect "(only these)"
key q
wait-gone "(only these)"
expect "LOGS"
key q
wait "CONTAINERS"
action quit
wait-exit 0
EOF

# ---- several containers merged, with name prefixes -----------------------------
vt_check logs-merged -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :logs demo-gateway demo-mongo
key Enter
wait "LOGS"
wait "42 lines"
wait-re "demo-gateway +. gateway ERROR upstream timeout"
action search
keys waiting for
key Enter
wait-re "demo-mongo +. mongo waiting for connections"
expect "/waiting for/ 1 match "
action back
action quit
wait-exit 0
EOF

# ---- x cancels the running step: TERM, the phase shows cancelled -------------
vt_check cancel -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local slow
key Enter
wait "Run Slow Job"
key y
wait "slow-42"
action cancel
timeout 10
wait "cancelled"
expect-not "after-42"
action quit
wait-exit 0
expect-no-children
EOF

# ---- NO_COLOR: no colour, the states still in words --------------------------
vt_check no-color -s 120x40 -a "$ACT" -- env NO_COLOR=1 $RUN <<'EOF'
wait demo-gateway
expect-attr "exited 1" !color
expect "failing"
action quit
wait-exit 0
EOF

# ---- help, confirm cancelled and accepted --------------------------------------
vt_check help-confirm -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
action help
wait "HELP"
expect "deploy"
action search
keys run
key Enter
wait ":run ENV DEPLOYMENT"
action back
wait "CONTAINERS"
keys :run local all_down
key Enter
wait "Run Stop All"
expect "removes volumes: data is lost"
key Esc
wait "cancelled"
action down
action restart
wait "docker restart"
key y
timeout 10
wait "done"
action quit
wait-exit 0
EOF
if vt_ran help-confirm; then
    grep -q '^docker restart demo-' "$F/calls" && t_pass "restart ran docker restart" \
        || { t_fail "restart did not run docker restart"; cat "$F/calls"; }
    grep -q 'down' "$F/calls" && t_fail "the cancelled teardown ran" || t_pass "the cancelled teardown did not run"
fi

# ---- resize: larger, too small, back -------------------------------------------
vt_check resize -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
resize 120x40
wait-re "CONTAINERS"
expect-row -1 "q quit"
resize 60x20
wait "too small"
resize 80x24
wait demo-gateway
action quit
wait-exit 0
EOF

# ---- a running child is stopped on quit; none is left ----------------------------
vt_check quit-running -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local slow
key Enter
wait "Run Slow Job"
key y
wait "slow-42"
action quit
timeout 10
wait-exit 0
expect-restored
expect-no-children
EOF

# ---- a step that ignores TERM: quit KILLs it after 2 s; none is left ----------
vt_check quit-stubborn -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local stubborn
key Enter
wait "Run Stubborn Job"
key y
wait "stubborn-42"
action cancel
wait "cancelling"
action quit
timeout 15
wait-exit 0
expect-restored
expect-no-children
EOF

# ---- SIGTERM and SIGHUP restore the terminal too ----------------------------------
for sig in TERM HUP; do
vt_check "signal-$sig" -a "$ACT" -- $RUN <<EOF
wait demo-gateway
signal $sig
timeout 10
wait-exit
expect-restored
expect-no-children
EOF
done

# ---- a fatal signal: the terminal is restored and the children killed --------
vt_check signal-SEGV -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local slow
key Enter
wait "Run Slow Job"
key y
wait "slow-42"
signal SEGV
timeout 10
wait-exit
expect-restored
expect-no-children
EOF

# ---- a flooding step: the pane keeps up and the keys still work ---------------------
vt_check chatty -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :run local chatty
key Enter
wait "Run Chatty Job"
key y
wait "passed"
expect "line 300 of chatty"
action help
wait "HELP"
action back
action quit
wait-exit 0
EOF

# ---- logs opened again and again (other sets), resized, quit while followed --
vt_check logs-reopen-quit -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait demo-gateway
keys :logs demo-gateway
key Enter
wait "upstream timeout"
action back
wait "CONTAINERS"
keys :logs demo-mongo demo-gateway
key Enter
wait "42 lines"
action back
wait "CONTAINERS"
keys :logs demo-mongo
key Enter
wait "mongo waiting for connections"
expect-not "upstream timeout"
resize 90x30
wait "LOGS"
resize 60x20
wait "too small"
resize 120x40
wait "mongo waiting for connections"
keys :quit
key Enter
timeout 10
wait-exit 0
expect-restored
expect-no-children
EOF

# ---- checklist (twice), inspect, validate, save: each screen and back --------
mkdir -p "$F/inspect"
printf '[{"Name":"/demo-gateway","State":{"Status":"running"}}]\n' >"$F/inspect/demo-gateway.json"
vt_check screens-round -s 120x40 -a "$ACT" -- $RUN <<EOF
wait demo-gateway
action checklist
timeout 20
wait "CHECKLIST"
action refresh
wait "CHECKLIST"
action back
wait "CONTAINERS"
keys :inspect demo-gateway
key Enter
wait "docker inspect demo-gateway"
expect "running"
action back
wait "CONTAINERS"
keys :validate
key Enter
wait "validate:"
keys :logs demo-gateway
key Enter
wait "upstream timeout"
keys :save $T_TMP/saved.log
key Enter
wait "saved 41 lines"
action back
action quit
wait-exit 0
expect-no-children
EOF
if vt_ran screens-round; then
    [ "$(wc -l <"$T_TMP/saved.log" 2>/dev/null || echo 0)" -ge 41 ] \
        && t_pass "save wrote the followed log" || t_fail "save did not write $T_TMP/saved.log"
fi

# ---- errors in the project: said in the console, never a crash ----------------
# no deployments folder: said in the pane, and by u (first line only)
PE=$(t_sample)
rm -rf "$PE/infrastructure/shared/configs/deployments"
vt_check err-no-deployments -s 120x40 -a "$ACT" -- $W "$SRVCONSOLE" --root "$PE" <<'EOF'
wait demo-gateway
wait "!! No deployment configuration found"
expect "infrastructure/shared/configs/deployments/*.json"
action deploy
wait-re "No deployment configuration found. Expected:$"
expect-not "^J"
action quit
wait-exit 0
expect-restored
expect-no-children
EOF
# malformed deployments JSON (and one of the wrong shape): file:line:col in
# the pane, the good files still listed and runnable
PM=$(t_sample)
printf '{ "deployments": [ { "name": "Broken", \n' >"$PM/infrastructure/shared/configs/deployments/zz-bad.json"
printf '{ "deployments": [ 1, {"name": 5}, {"name": "X", "shortName": "x", "environments": "local", "target": null} ] }\n' \
    >"$PM/infrastructure/shared/configs/deployments/zz-shape.json"
vt_check err-bad-deployments -s 160x40 -a "$ACT" -- $W "$SRVCONSOLE" --root "$PM" <<'EOF'
wait demo-gateway
wait "zz-bad.json:2:1"
expect "zz-shape.json: error: deployment #1: must be an object"
action deploy
wait "Start Databases"
action back
keys :run local x
key Enter
wait "is not valid for the deployment"
action quit
wait-exit 0
expect-restored
EOF
# a registry that does not parse: file:line:col in the pane and the status
# line; a run that needs it fails in its phase
PR=$(t_sample)
printf 'metadata:\n  name: [unclosed\nservices: {\n' >"$PR/infrastructure/config-registry.yaml"
vt_check err-bad-registry -s 120x40 -a "$ACT" -- $W "$SRVCONSOLE" --root "$PR" <<'EOF'
wait demo-gateway
wait "!! infrastructure/config-registry.yaml:3:9: "
expect-row -1 "infrastructure/config-registry.yaml:3:9: "
keys :run local dbs_up
key Enter
wait "Run Start Databases"
key y
timeout 20
wait "failed"
action quit
wait-exit 0
expect-restored
expect-no-children
EOF

# ---- the checklist runs its checks; a stopped engine is a failing check with a fix
touch "$F/engine-down"
vt_check checklist -s 120x40 -a "$ACT" -- $RUN <<'EOF'
wait "srvconsole"
action checklist
timeout 15
wait-re "failing +Docker engine reachable"
expect "start the Docker engine"
wait-re "(ok|warning) +Builder assets folder"
expect-not "checking..."
action back
wait "CONTAINERS"
action quit
wait-exit 0
expect-no-children
EOF
rm -f "$F/engine-down"

# ---- quit while the checklist's commands hang (a stuck engine): quick, no child
mkdir -p "$T_TMP/stuck"
cat >"$T_TMP/stuck/docker" <<EOF
#!/bin/sh
case "\$1" in
    info|compose|version) exec sleep 30 ;;
esac
exec "$top_srcdir/tests/fakes/docker-replay" "\$@"
EOF
chmod +x "$T_TMP/stuck/docker"
# the checks left start no command: quit takes less than one check's 3 s
QUIT_MS=$(awk -v s="${VTRUN_TIMEOUT_SCALE:-1}" 'BEGIN { printf "%d", 2500 * s }')
vt_check quit-checklist -s 120x40 -a "$ACT" -- env SRVCONSOLE_DOCKER="$T_TMP/stuck/docker" $RUN <<EOF
wait demo-gateway
action checklist
wait "checking..."
action back
wait "CONTAINERS"
mark
action quit
timeout 4
wait-exit 0
elapsed $QUIT_MS
expect-restored
expect-no-children
EOF

# ---- docker missing: a state, not a hang -----------------------------------------------
vt_check no-docker -a "$ACT" -- env PATH=/usr/bin:/bin SRVCONSOLE_DOCKER=/nonexistent/docker $RUN <<'EOF'
wait "srvconsole"
timeout 10
wait-re "docker: .*(not found|no such file|unreachable)"
action quit
wait-exit 0
EOF

t_done

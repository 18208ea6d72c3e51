#!/bin/sh
# tests/test_e2e_run.sh — `srvconsole run` on a real Docker engine with the
# e2e project (tests/e2e/project): generate; run local up → the containers
# run (healthy where they have a health check) and their output arrived;
# run local down → no container or network of the project is left; the
# broken deployment fails with its step's exit status and runs nothing after
# it; --dry-run starts nothing; Ctrl-C cancels and leaves no process behind.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_engine
P=$(e2e_project)
cd "$P" || exit 1
COMPOSE_FILE=infrastructure/local/docker/compose/docker-compose-db.yml
RUNNING="e2e-health e2e-ticker e2e-web"
ALL="e2e-health e2e-oneshot e2e-ticker e2e-web"

state() { docker inspect -f "$1" "$2" 2>/dev/null; }
# poll until a command succeeds (at most TENTHS/10 s, default 10 s)
until_ok() {
    i=0
    while [ $i -lt "${2:-100}" ]; do sh -c "$1" && return 0; sleep 0.1; i=$((i + 1)); done
    return 1
}
has_line() { grep -q -- "$2" "$1" || { echo "  '$2' not in $1:"; sed 's/^/    /' "$1" | tail -n 30; return 1; }; }

# ---- generate ------------------------------------------------------------------
if "$SRVCONSOLE" generate >gen.out 2>&1 && [ -f "$COMPOSE_FILE" ]; then
    t_pass "generate writes $COMPOSE_FILE"
else t_fail "generate"; cat gen.out; fi
# compose interpolates '$': the registry writes '$$', compose passes '$'
grep -q 'echo tick \$\$i' "$COMPOSE_FILE" && t_pass "the compose file keeps \$\$ for compose" ||
    t_fail "\$\$ in $COMPOSE_FILE"

# ---- --dry-run starts nothing ---------------------------------------------------------
"$SRVCONSOLE" run local up --dry-run >dry.out 2>&1; rc=$?
if [ $rc -eq 0 ] && has_line dry.out "docker-compose" && [ -z "$(e2e_containers)" ]; then
    t_pass "run --dry-run prints the steps and starts nothing"
else t_fail "run --dry-run (exit $rc, containers: $(e2e_containers))"; fi

# ---- up ----------------------------------------------------------------------------------
t0=$(date +%s)
"$SRVCONSOLE" run local up >up.out 2>&1; rc=$?
t1=$(date +%s)
if [ $rc -eq 0 ]; then t_pass "run local up exits 0 ($((t1 - t0)) s)"
else t_fail "run local up exits $rc"; cat up.out; fi
ok=1
for c in $RUNNING; do
    [ "$(state '{{.State.Running}}' $c)" = true ] || { ok=0; echo "  $c: $(state '{{.State.Status}}' $c)"; }
done
[ $ok = 1 ] && t_pass "the containers are running: $RUNNING" || t_fail "containers not running"
# the run waited for the health check (compose v1 has no --wait: srvconsole waits)
[ "$(state '{{.State.Health.Status}}' e2e-health)" = healthy ] &&
    t_pass "e2e-health is healthy when the run ends" ||
    t_fail "e2e-health is $(state '{{.State.Health.Status}}' e2e-health) when the run ends"
[ "$(state '{{.State.Status}}' e2e-oneshot)" = running ] &&
    t_pass "the one-shot container runs (it exits after the run's wait)" ||
    t_fail "e2e-oneshot: $(state '{{.State.Status}} {{.State.ExitCode}}' e2e-oneshot)"
[ "$(docker network ls -q --filter name=^srvconsole-e2e-net\$ | wc -l)" -eq 1 ] &&
    t_pass "the project network exists" || t_fail "no project network"
docker port e2e-web 2>/dev/null | grep -q '^18080/tcp ->' && t_pass "e2e-web publishes 18080" ||
    t_fail "e2e-web ports: $(docker port e2e-web 2>&1)"

# the containers' own output
until_ok 'docker logs e2e-ticker 2>&1 | grep -qx "tick 2"' &&
    docker logs e2e-ticker 2>&1 | head -n 1 | grep -qx "tick 0" &&
    t_pass "e2e-ticker logs tick 0, 1, 2... (\$\$i became \$i)" ||
    t_fail "e2e-ticker logs: $(docker logs e2e-ticker 2>&1 | head -n 3)"
[ "$(docker logs e2e-oneshot 2>&1)" = "oneshot started" ] && t_pass "e2e-oneshot's line arrived" ||
    t_fail "e2e-oneshot logs: $(docker logs e2e-oneshot 2>&1)"
[ "$(docker logs e2e-web 2>&1)" = "web listening on 18080" ] && t_pass "e2e-web's line arrived" ||
    t_fail "e2e-web logs"

# the steps' output lines, as the run printed them
has_line up.out "Creating e2e-ticker" && t_pass "compose's lines arrived" || t_fail "compose lines"
ok=1
for c in $ALL; do
    grep -Eq "$c (Up|Exited)" up.out || { ok=0; echo "  no post-up line for $c"; }
done
[ $ok = 1 ] && t_pass "the post-up step's lines arrived (docker ps of every container)" ||
    { t_fail "post-up lines"; tail -n 30 up.out; }
grep -q "generat" up.out && t_pass "the generator hook ran (natively)" || t_fail "no generator output"
grep -qi "tsx: not found\|tsx: command not found" up.out && t_fail "the generator hook ran tsx"

# again, as JSON events: an up of a running stack changes nothing and succeeds
"$SRVCONSOLE" run local up --json >up.json 2>up.json.err; rc=$?
if [ $rc -eq 0 ] && [ -s up.json ] && ! grep -qv '^{.*}$' up.json; then
    t_pass "run --json prints JSON lines only (exit 0)"
else t_fail "run --json (exit $rc)"; head -n 20 up.json up.json.err; fi
ok=1
for c in $ALL; do grep -q "$c" up.json || { ok=0; echo "  $c not in the JSON events"; }; done
[ $ok = 1 ] && t_pass "the JSON events carry the output lines" || t_fail "JSON line events"

# the one-shot container ends by itself, with status 0 (8 s after its start)
until_ok '[ "$(docker inspect -f "{{.State.Status}}" e2e-oneshot)" = exited ]' 150
[ "$(state '{{.State.Status}} {{.State.ExitCode}}' e2e-oneshot)" = "exited 0" ] &&
    [ "$(docker logs e2e-oneshot 2>&1 | tail -n 1)" = "oneshot done" ] &&
    t_pass "the one-shot container exits 0 by itself" ||
    t_fail "e2e-oneshot: $(state '{{.State.Status}} {{.State.ExitCode}}' e2e-oneshot)"

# ---- down ------------------------------------------------------------------------------------
t0=$(date +%s)
"$SRVCONSOLE" run local down >down.out 2>&1; rc=$?
t1=$(date +%s)
if [ $rc -eq 0 ]; then t_pass "run local down exits 0 ($((t1 - t0)) s)"
else t_fail "run local down exits $rc"; cat down.out; fi
[ -z "$(e2e_containers)" ] && t_pass "no container of the project is left" ||
    t_fail "left: $(e2e_containers | tr '\n' ' ')"
[ -z "$(e2e_networks)" ] && t_pass "no network of the project is left" || t_fail "network left"
[ $((t1 - t0)) -le 20 ] && t_pass "teardown is quick (TERM traps)" || t_fail "down took $((t1 - t0)) s"

# ---- a failing step stops the run ---------------------------------------------------------------
"$SRVCONSOLE" run local broken >broken.out 2>&1; rc=$?
[ $rc -eq 3 ] && t_pass "the broken deployment exits 3, its failed step's status" ||
    { t_fail "the broken deployment exits $rc"; cat broken.out; }
has_line broken.out "about to fail" && t_pass "the failing step's output is shown" ||
    t_fail "failing step output"
[ ! -e never-ran ] && t_pass "the step after the failure did not run" || t_fail "never-ran exists"
[ -z "$(e2e_containers)" ] && t_pass "compose up after the failure did not run" ||
    t_fail "containers after a failed pre-build: $(e2e_containers | tr '\n' ' ')"

# ---- Ctrl-C cancels and leaves nothing running --------------------------------------------------
setsid "$SRVCONSOLE" run local up >int.out 2>&1 &
rpid=$!
# wait until compose has created a container, then interrupt
until_ok '[ -n "$(docker ps -aq --filter name=^/e2e-)" ]'
kill -INT $rpid
wait $rpid; rc=$?
[ $rc -eq 130 ] && t_pass "Ctrl-C: the run exits 130" || { t_fail "Ctrl-C: exit $rc"; tail -n 20 int.out; }
sleep 0.3
if ps -eo pgid=,stat= | awk -v g=$rpid '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'; then
    t_fail "Ctrl-C left processes behind:"; ps -eo pid,pgid,args | awk -v g=$rpid '$2 == g'
else t_pass "Ctrl-C: no process of the run is left"; fi
# requests compose sent before it died still complete in the daemon (a
# container may be created and started just after the interrupt): let the
# engine settle, as a user would see it, before tearing down
prev=x
for _ in 1 2 3 4 5 6 7 8 9 10; do
    cur=$(docker ps -a --filter name=^/e2e- --format '{{.Names}} {{.State}}' | sort)
    [ "$cur" = "$prev" ] && break
    prev=$cur; sleep 1
done
"$SRVCONSOLE" run local down >down2.out 2>&1 || { t_fail "down after Ctrl-C"; cat down2.out; }
[ -z "$(e2e_containers)" ] && [ -z "$(e2e_networks)" ] && t_pass "down after Ctrl-C cleans up" ||
    t_fail "left after down: $(e2e_containers) $(e2e_networks)"

t_done

#!/bin/sh
# tests/test_e2e_screen.sh — the console against the real Docker engine:
# deploy the e2e project from the picker, see its containers become running
# and their logs stream, tear it down from the keyboard, the table empties.
# SKIPs without an engine (FAILs in CI, where .ci/run starts one).
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/vt/vtlib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
vt_require
e2e_require_engine
ACT=$T_TMP/actions
vt_actions "$ACT"
P=$(e2e_project)
export LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$T_TMP/xdg
unset SRVCONSOLE_COMPOSE NO_COLOR

vt_check deploy-logs-teardown -s 160x48 -a "$ACT" -- "$SRVCONSOLE" --root "$P" <<'EOF2'
wait "srvconsole"
wait "docker: ok"
action deploy
wait "Start All"
action open
wait "Plan: Start All"
action open
wait "Run Start All"
key y
timeout 120
wait-re "Start All .* passed"
wait-re "e2e-ticker +running"
wait-re "e2e-web +running"
keys :logs e2e-ticker
key Enter
wait "LOGS"
wait-re "tick [0-9]+"
action back
wait "CONTAINERS"
action teardown
wait "Run Stop All"
expect "removes volumes: data is lost"
key y
wait-re "Stop All .* passed"
wait "0 containers"
expect "no container of this project"
sleep 200
action quit
timeout 15
wait-exit 0
expect-restored
expect-no-children
EOF2
left=$(e2e_containers)
[ -z "$left" ] && t_pass "no container of the project is left" || t_fail "left behind: $left"
t_done

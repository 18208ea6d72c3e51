#!/bin/sh
# tests/test_run_cli.sh — `srvconsole run` through the real binary with fake
# docker/kubectl/scripts on PATH that record argv and cwd: every reference
# deployment in every environment it allows records exactly the commands of
# its plan (hooks through /bin/sh, generator/validator in-process); then the
# exit statuses of a failing step, a signal, a missing program, a cancel
# (130, nothing left running), --dry-run and --json.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_common.sh"

if ! command -v python3 >/dev/null 2>&1; then
    if [ "${SRVCONSOLE_CI:-}" = 1 ]; then echo "FAIL: python3 is missing in CI"; exit 1; fi
    echo "SKIP: python3 is not installed (needed to compare the recordings)"; exit 77
fi

FAKE=$TMP/fakebin
CALLS=$TMP/calls
export CALLS
mkdir -p "$FAKE"
# recorder: one line per call, fields separated by \037: cwd, $0, args...
cat >"$FAKE/recorder" <<'EOF2'
#!/bin/sh
{ printf '%s' "$PWD"; printf '\037%s' "$0" "$@"; printf '\n'; } >>"$CALLS"
echo "fake $(basename "$0"): $*"
[ -n "${FAKE_SLEEP:-}" ] && { echo $$ >"$FAKE_PIDFILE"; sleep "$FAKE_SLEEP"; }
exit "${FAKE_STATUS:-0}"
EOF2
chmod +x "$FAKE/recorder"
cp "$FAKE/recorder" "$FAKE/docker"
cp "$FAKE/recorder" "$FAKE/kubectl"

# install_scripts ROOT: the scripts deployments call, as recorders
install_scripts() {
    for s in infrastructure/local/minikube/scripts/setup-minikube.sh \
        infrastructure/local/minikube/scripts/validate-minikube.sh \
        infrastructure/local/minikube/scripts/switch-to-minikube.sh \
        infrastructure/local/minikube/scripts/reset-minikube.sh \
        infrastructure/local/minikube/scripts/cleanup-minikube.sh \
        infrastructure/local/docker/scripts/setup-repl.sh; do
        mkdir -p "$1/$(dirname "$s")"
        cp "$FAKE/recorder" "$1/$s"
    done
    mkdir -p "$1/infrastructure/tools/deployment-cli/assets"
}

# run_fake DIR ARGS...: srvconsole with the fakes first on PATH
run_fake() {
    dir=$1
    shift
    rm -f "$CALLS"
    : >"$CALLS"
    (cd "$dir" && PATH="$FAKE:$PATH" SRVCONSOLE_COMPOSE="docker compose" "$SRVCONSOLE" "$@") \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

# compare_with_plan DIR ENV DEPLOYMENT: the recorded calls equal the plan's
compare_with_plan() {
    (cd "$1" && SRVCONSOLE_COMPOSE="docker compose" "$SRVCONSOLE" plan "$2" "$3" --json) \
        >"$TMP/plan.json" 2>/dev/null
    if python3 - "$TMP/plan.json" "$CALLS" >"$TMP/cmp" 2>&1 <<'EOF2'
import json, os, shlex, sys
plan = json.load(open(sys.argv[1]))
want = []
for s in plan["steps"]:
    if s["kind"] == "argv":
        want.append([s["cwd"], os.path.basename(s["argv"][0])] + s["argv"][1:])
    elif s["kind"] == "shell":
        # the programs a shell command runs that are fakes here
        for part in s["argv"][2].split("&&"):
            w = shlex.split(part)
            if not w:
                continue
            if os.path.basename(w[0]) in ("docker", "kubectl") or w[0].endswith(".sh"):
                want.append([s["cwd"], w[0] if w[0].endswith(".sh") else w[0]] + w[1:])
got = []
for line in open(sys.argv[2], encoding="utf-8").read().splitlines():
    f = line.split("\037")
    prog = f[1] if f[1].endswith(".sh") else os.path.basename(f[1])
    got.append([f[0], prog] + f[2:])
if got != want:
    print("recorded:")
    for g in got: print("   ", g)
    print("plan:")
    for w in want: print("   ", w)
    sys.exit(1)
print(len(got))
EOF2
    then
        pass "run $2 $3: $(cat "$TMP/cmp") recorded call(s) equal the plan"
    else
        fail "run $2 $3: recorded calls differ from the plan"
        sed 's/^/    | /' "$TMP/cmp"
    fi
}

# --- every reference deployment, every environment ------------------------------------------
REF=""
for d in "${SRVTHREDS_REF:-}" "${top_srcdir:-.}/../shared/srvthreds"; do
    if [ -n "$d" ] && [ -f "$d/infrastructure/config-registry.yaml" ]; then REF=$d; break; fi
done
if [ -n "$REF" ]; then
    W=$TMP/ref
    cp -R "$REF" "$W" && chmod -R u+w "$W"
    install_scripts "$W"
    "$SRVCONSOLE" --root "$W" list --json >"$TMP/list.json"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for x in d["deployments"]:
    for e in x["environments"]:
        print(e, x["shortName"])' "$TMP/list.json" >"$TMP/pairs"
    n=0
    while read -r env dep; do
        run_fake "$W" run "$env" "$dep"
        expect_rc 0 "run $env $dep"
        compare_with_plan "$W" "$env" "$dep"
        n=$((n + 1))
    done <"$TMP/pairs"
    [ "$n" -eq 37 ] && pass "37 reference rows run" || fail "$n reference rows run, want 37"
    # the in-process generator really ran (Start All regenerates everything)
    rm -f "$W/infrastructure/local/configs/.env.local"
    run_fake "$W" run local s_a_dbs_s
    [ -f "$W/infrastructure/local/configs/.env.local" ] && pass "native generate wrote .env.local" \
        || fail "native generate did not write .env.local"
    expect_in "$TMP/out" "[pre-build] validate | ✅ All configurations are valid!" "native validate output, prefixed"
    expect_in "$TMP/out" "All 10 step(s) passed" "summary"
else
    echo "SKIP (part): reference tree not found (set SRVTHREDS_REF)"
fi

# --- our own project: failures, signals, cancel -----------------------------------------------
R=$TMP/proj
make_root "$R"
install_scripts "$R"
mkdir -p "$R/infrastructure/shared/configs/deployments"
cat >"$R/infrastructure/shared/configs/deployments/t.json" <<'EOF2'
{"deployments": [
 {"name": "Fails", "shortName": "fails", "description": "second hook fails",
  "environments": ["local"],
  "target": {"type": "sh", "deployCommand": "echo main",
   "preBuildCommands": [
     {"description": "one", "command": "echo one"},
     {"description": "two", "command": "echo partial; echo oops >&2; exit 3"},
     {"description": "three", "command": "kubectl never"}]}},
 {"name": "Signal", "shortName": "signal", "description": "killed",
  "environments": ["local"],
  "target": {"type": "sh", "deployCommand": "kill -TERM $$"}},
 {"name": "Missing", "shortName": "missing", "description": "no such program",
  "environments": ["local"],
  "target": {"type": "kubectl", "deployCommand": "get", "defaultArgs": "pods"}},
 {"name": "Slow", "shortName": "slow", "description": "a long compose up",
  "environments": ["local"],
  "target": {"deployCommand": "down", "composeFile": "c.yml",
   "postUpCommands": [{"description": "never", "command": "kubectl never"}]}},
 {"name": "Ok", "shortName": "ok", "description": "passes",
  "environments": ["local"],
  "target": {"type": "sh", "deployCommand": "echo", "defaultArgs": "hello world"}}
]}
EOF2

run_fake "$R" run local fails
expect_rc 3 "the exit status of the failing step"
expect_in "$TMP/out" "[pre-build] echo one | one" "first hook ran, prefixed"
expect_in "$TMP/out" "partial" "output of the failing step"
expect_in "$TMP/err" "oops" "its stderr"
expect_in "$TMP/err" "Last lines of step 2" "its last lines"
expect_in "$TMP/out" "Step 2 failed" "summary names the step"
grep -q "not run" "$TMP/out" && pass "later steps shown as not run" || fail "later steps shown as not run"
[ -s "$CALLS" ] && fail "a step after the failure ran" || pass "no step after the failure ran"

run_fake "$R" run local signal
expect_rc 143 "a step killed by SIGTERM: 128+15"

mkdir -p "$TMP/empty"
(cd "$R" && PATH="$TMP/empty" "$SRVCONSOLE" run local missing) >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_rc 127 "a program that is not installed"
expect_in "$TMP/err" "kubectl: not found in PATH" "names it"

run_fake "$R" run local ok
expect_rc 0 "a passing deployment"
expect_in "$TMP/out" "[up] echo hello world | hello world" "its line"
expect_in "$TMP/out" "All 1 step(s) passed" "summary"

run_fake "$R" run local ok --dry-run
expect_rc 0 "--dry-run"
expect_in "$TMP/out" "Plan: Ok (ok) in local" "prints the plan"
expect_not_in "$TMP/out" "| hello world" "runs nothing"

run_fake "$R" run local fails --json
expect_rc 3 "--json keeps the exit status"
if python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["event"] for e in ev]
assert names[0] == "plan_start" and names[-1] == "plan_end", names
assert ev[-1]["outcome"] == "failed" and ev[-1]["failedStep"] == 2 and ev[-1]["exitCode"] == 3, ev[-1]
starts = [e["step"] for e in ev if e["event"] == "step_start"]
assert starts == [1, 2], starts
lines = [e for e in ev if e["event"] == "line"]
assert {"step": 2, "stream": "stderr", "text": "oops"}.items() <= [l for l in lines if l["text"] == "oops"][0].items()
' "$TMP/out" 2>"$TMP/pyerr"; then pass "--json events"; else fail "--json events: $(cat "$TMP/pyerr")"; fi

# cancel: SIGINT while the compose step runs; the child is gone afterwards
rm -f "$TMP/child.pid"
(cd "$R" && PATH="$FAKE:$PATH" SRVCONSOLE_COMPOSE="docker compose" FAKE_SLEEP=30 \
    FAKE_PIDFILE="$TMP/child.pid" exec "$SRVCONSOLE" run local slow) >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ ! -s "$TMP/child.pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "Ctrl-C cancels"
expect_in "$TMP/out" "cancelled" "summary says cancelled"
child=$(cat "$TMP/child.pid" 2>/dev/null)
sleep 0.2
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
    fail "the child $child is still running"; kill -KILL "$child"
else
    pass "nothing left running"
fi

# --- selection errors and usage -----------------------------------------------------------------
run_fake "$R" run local nope
expect_rc 1 "unknown deployment"
expect_in "$TMP/err" 'Deployment "nope" not found in deploymentConfig.json.' "reference message"
run_fake "$R" run prod ok
expect_rc 1 "environment not valid"
run_fake "$R" run local
expect_rc 2 "missing DEPLOYMENT"
run_fake "$R" run local ok --bogus
expect_rc 2 "unknown option"

finish

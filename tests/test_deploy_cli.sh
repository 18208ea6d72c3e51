#!/bin/sh
# tests/test_deploy_cli.sh — `srvconsole list` and `srvconsole plan` through
# the real binary: output, --json (parsed with python3 when it exists), and
# the exit statuses of srvconsole(1): 0 ok, 1 not found / environment not
# valid / no deployments, 2 usage or a deployment that cannot run.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_common.sh"

R=$TMP/proj
make_root "$R"
DEP=$R/infrastructure/shared/configs/deployments
mkdir -p "$R/sub"

if command -v python3 >/dev/null 2>&1; then have_python=yes; else
    have_python=no; echo "note: python3 not found, --json output is not parsed"; fi

# json_check WHAT PYTHON-EXPR-LINES: run asserts on d = json.load(out)
json_check() {
    [ $have_python = yes ] || return 0
    if python3 -c "
import json, sys
d = json.load(sys.stdin)
$2
" <"$TMP/out" 2>"$TMP/pyerr"; then pass "$1"; else
        fail "$1: $(cat "$TMP/pyerr")"; sed 's/^/    | /' "$TMP/out"; fi
}

# --- no deployments folder -------------------------------------------------------------
run "$R" list
expect_rc 1 "no deployments folder"
expect_in "$TMP/err" "No deployment configuration found. Expected:" "reference message"
expect_in "$TMP/err" "$R/infrastructure/shared/configs/deployments/*.json" "names the folder"

mkdir -p "$DEP"
echo '{"deployments": []}' >"$DEP/empty.json"
run "$R" list
expect_rc 1 "no deployment in the files"
expect_in "$TMP/err" "No deployments found in config files." "reference message"

# --- a catalog of our own ----------------------------------------------------------------
cat >"$DEP/a_db.json" <<'EOF2'
{"deployments": [
 {"name": "Start DB", "shortName": "db_up", "description": "Starts the cache.",
  "environments": ["local", "qa"],
  "target": {"deployCommand": "up", "composeFile": "docker-compose-db.yml",
   "defaultArgs": "-d --wait",
   "preBuildCommands": [
     {"description": "Generate", "command": "tsx infrastructure/tools/shared/config/generator.ts docker-compose"}],
   "environmentOverrides": {"qa": {"defaultArgs": "cache -d --wait"}}}},
 {"name": "Stop DB", "shortName": "db_down", "description": "Stops the cache.",
  "environments": ["local"],
  "target": {"deployCommand": "down", "composeFile": "docker-compose-db.yml"}}
]}
EOF2
cat >"$DEP/b_tools.json" <<'EOF2'
{"deployments": [
 {"name": "Hello", "shortName": "hello", "description": "Says hello.",
  "environments": ["qa", "prod"],
  "target": {"type": "sh", "deployCommand": "echo hello"}}
]}
EOF2

run "$R/sub" list
expect_rc 0 "list from a subdirectory"
expect_in "$TMP/out" "Environments: local, qa, prod" "environments in first-seen order"
expect_in "$TMP/out" "db_up" "first deployment"
expect_in "$TMP/out" "Says hello." "descriptions"
if [ "$(grep -E '^(db_up|db_down|hello) ' "$TMP/out" | awk '{print $1}' | tr '\n' ' ')" = "db_up db_down hello " ]; then
    pass "load order (files by name)"
else
    fail "load order"; cat "$TMP/out"
fi

run "$R" list qa
expect_rc 0 "list qa"
expect_in "$TMP/out" "Deployments valid in qa:" "filter header"
expect_not_in "$TMP/out" "db_down" "db_down is not valid in qa"
expect_in "$TMP/out" "hello" "hello is valid in qa"

run "$R" list nowhere
expect_rc 1 "list of an unknown environment"
expect_in "$TMP/err" 'no deployment is valid in environment "nowhere"' "says so"

run "$R" list --json
expect_rc 0 "list --json"
json_check "list --json shape" '
assert d["environments"] == ["local", "qa", "prod"], d["environments"]
assert [x["shortName"] for x in d["deployments"]] == ["db_up", "db_down", "hello"]
x = d["deployments"][0]
for k in ("name", "shortName", "description", "environments", "type", "file"):
    assert k in x, k
assert x["environments"] == ["local", "qa"]
assert d["deployments"][2]["type"] == "sh"
assert d["diagnostics"] == []'

run "$R" list prod --json
json_check "list ENV --json filters" '
assert d["env"] == "prod"
assert [x["shortName"] for x in d["deployments"]] == ["hello"]'

run "$R" list a b
expect_rc 2 "list with two environments"
run "$R" list --bogus
expect_rc 2 "list with an unknown option"
run "$TMP" list
expect_rc 2 "list outside a project"

# --- plan ---------------------------------------------------------------------------------
run "$R" plan local db_up --compose "docker compose"
expect_rc 0 "plan local db_up"
expect_in "$TMP/out" "Plan: Start DB (db_up) in local" "header"
expect_in "$TMP/out" "[up] docker compose -f \"$R/infrastructure/local/docker/compose/docker-compose-db.yml\" up -d --wait" "compose line with the root expanded"
expect_in "$TMP/out" "[pre-build] tsx infrastructure/tools/shared/config/generator.ts docker-compose" "hook line"
expect_in "$TMP/out" "in-process: srvconsole generate docker-compose" "native hook shown"

run "$R" plan qa "Start DB" --compose "docker compose"
expect_rc 0 "plan by name"
expect_in "$TMP/out" "up cache -d --wait" "override args for qa"

SRVCONSOLE_NATIVE_HOOKS=0 run "$R" plan local db_up --compose "docker compose"
expect_not_in "$TMP/out" "in-process" "SRVCONSOLE_NATIVE_HOOKS=0 runs hooks verbatim"

SRVCONSOLE_COMPOSE=docker-compose run "$R" plan local db_up
expect_rc 0 "plan with SRVCONSOLE_COMPOSE=docker-compose"
expect_in "$TMP/out" "Compose: docker-compose (v1)" "v1 shown"
grep '\[up\] docker-compose' "$TMP/out" >"$TMP/upline"
expect_in "$TMP/upline" "up -d" "v1 up line"
expect_not_in "$TMP/upline" "--wait" "--wait dropped"
expect_in "$TMP/out" "[up] wait until the containers of docker-compose-db.yml are running" "wait step"
expect_in "$TMP/out" "docker-compose v1 has no --wait" "note"

run "$R" plan prod hello
expect_rc 0 "plan of a sh deployment"
expect_in "$TMP/out" "[up] echo hello " "sh main line (trailing space)"
expect_not_in "$TMP/out" "Compose:" "no compose for sh"

"$SRVCONSOLE" --root "$R" plan local db_down --json --compose "docker compose" >"$TMP/out" 2>"$TMP/err"
rc=$?
expect_rc 0 "--root before the command, --json"
json_check "plan --json shape" "
assert d['shortName'] == 'db_down' and d['env'] == 'local'
assert d['root'] == '$R'
s = d['steps']
assert len(s) == 1, s
assert s[0]['phase'] == 'up' and s[0]['kind'] == 'argv'
assert s[0]['argv'] == ['docker', 'compose', '-f', '$R/infrastructure/local/docker/compose/docker-compose-db.yml', 'down']
assert s[0]['display'].endswith('down ')
assert s[0]['cwd'] == '$R'"

run "$R" plan local nope
expect_rc 1 "plan of an unknown deployment"
expect_in "$TMP/err" 'Deployment "nope" not found in deploymentConfig.json.' "reference message"
run "$R" plan prod db_up
expect_rc 1 "plan in an environment the deployment does not allow"
expect_in "$TMP/err" 'Environment "prod" is not valid for the deployment "db_up".' "reference message"
run "$R" plan local
expect_rc 2 "plan without DEPLOYMENT"
run "$R" plan local db_up extra
expect_rc 2 "plan with an extra argument"
run "$R" plan local db_up --frobnicate
expect_rc 2 "plan with an unknown option"
run "$R" plan --help
expect_rc 0 "plan --help"
expect_in "$TMP/out" "Usage: srvconsole plan ENV DEPLOYMENT" "usage"

# --- bad files ----------------------------------------------------------------------------
printf '{\n  "deployments": [\n    {"name": "x",\n  ]\n}\n' >"$DEP/c_bad.json"
run "$R" list
expect_rc 0 "a file that does not parse is only a warning"
expect_in "$TMP/err" "infrastructure/shared/configs/deployments/c_bad.json:4:3: warning: Failed to load config from" "file:line:column"
expect_in "$TMP/out" "hello" "the other files still load"
run "$R" plan local db_up --compose "docker compose"
expect_rc 0 "plan still works"
expect_in "$TMP/err" "c_bad.json:4:3: warning" "plan shows the warning"
rm "$DEP/c_bad.json"

cat >"$DEP/d_broken.json" <<'EOF2'
{"deployments": [
 {"name": "Broken", "shortName": "broken", "description": "No compose file.",
  "environments": ["local"], "target": {"deployCommand": "up"}},
 {"name": "Weird", "shortName": "weird", "description": "Unknown type.",
  "environments": ["local"], "target": {"type": "helm", "deployCommand": "install"}}
]}
EOF2
run "$R" list
expect_rc 2 "list with deployments that cannot run"
expect_in "$TMP/err" "d_broken.json: error: deployment \"Broken\": Docker-compose deployment requires composeFile or composeFiles." "names file and deployment"
expect_in "$TMP/err" "deployment \"Weird\": Unknown deployment type: helm" "unknown type"
expect_in "$TMP/out" "db_up" "valid deployments are still listed"
run "$R" plan local broken
expect_rc 2 "plan of a deployment that cannot run"
expect_in "$TMP/err" "d_broken.json: deployment \"Broken\"" "names it"
run "$R" plan local db_down --compose "docker compose"
expect_rc 0 "other deployments still plan"
expect_not_in "$TMP/err" "Broken" "without the other deployments' errors"
rm "$DEP/d_broken.json"

# --- the reference catalog -----------------------------------------------------------------
REF=""
for d in "${SRVTHREDS_REF:-}" "${top_srcdir:-.}/../shared/srvthreds"; do
    if [ -n "$d" ] && [ -f "$d/infrastructure/config-registry.yaml" ]; then REF=$(cd "$d" && pwd); break; fi
done
if [ -n "$REF" ]; then
    run "$REF" list
    expect_rc 0 "reference list"
    expect_in "$TMP/out" "Environments: local, minikube, dev, test, staging" "reference environments"
    n=$(grep -cE '^[a-z0-9_]+ +[A-Z]' "$TMP/out")
    [ "$n" -eq 20 ] && pass "20 reference deployments" || fail "20 reference deployments ($n)"
    run "$REF" plan minikube s_a_dbs --compose "docker compose"
    expect_rc 0 "reference plan"
    expect_in "$TMP/out" "[up] docker compose -f \"$REF/infrastructure/local/docker/compose/docker-compose-db.yml\" up mongo-repl-1 redis -d --wait" "minikube s_a_dbs main"
else
    echo "SKIP (part): reference tree not found (set SRVTHREDS_REF)"
fi

finish

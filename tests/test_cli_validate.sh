#!/bin/sh
# tests/test_cli_validate.sh — `srvconsole validate` on temp trees: exit
# codes 0/1/2, the report, --reference, --strict, --json (parsed with
# python3 when it exists), root discovery.
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_common.sh"

R=$TMP/proj
make_root "$R"
mkdir -p "$R/sub" "$TMP/elsewhere"
AGENT=infrastructure/local/configs/agents/api.config.json

if command -v python3 >/dev/null 2>&1; then
    have_python=yes
else
    have_python=no
    echo "note: python3 not found, --json output is not parsed"
fi

# expect_json WHAT: $TMP/out is a JSON array (of objects with the documented keys)
expect_json() {
    [ $have_python = yes ] || return 0
    if python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, list), "not a list"
for o in d:
    for k in ("severity", "file", "line", "message"):
        assert k in o, "missing " + k
    assert o["severity"] in ("error", "warning", "info"), o["severity"]
' <"$TMP/out" 2>"$TMP/pyerr"; then
        pass "$1: --json parses"
    else
        fail "$1: --json does not parse: $(cat "$TMP/pyerr")"
        sed 's/^/    | /' "$TMP/out"
    fi
}

run "$R" generate -q
expect_rc 0 "generate the tree"

# --- clean ---------------------------------------------------------------------------
run "$R/sub" validate
expect_rc 0 "clean tree, found from a subdirectory"
expect_in "$TMP/out" "✅ All configurations are valid!" "clean verdict"
expect_in "$TMP/out" "📊 Validation Results:" "reference layout"
run "$TMP/elsewhere" validate --root "$R" --json
expect_rc 0 "clean --json"
expect_json "clean tree"
run "$R" validate --reference
expect_rc 0 "--reference on a clean tree"
expect_not_in "$TMP/out" "srvconsole checks" "--reference has no srvconsole section"

# --- warnings only: exit 0, --strict 1 ----------------------------------------------------
rm "$R/$AGENT"
run "$R" validate
expect_rc 0 "warnings never fail"
expect_in "$TMP/out" "⚠️  Warnings (1):" "warning header"
expect_in "$TMP/out" "Agent config file not found" "warning message"
run "$R" validate --strict
expect_rc 1 "--strict fails on warnings"
run "$R" generate -q agent-configs
expect_rc 0 "restore the agent configs"

# --- a reference error: exit 1 ------------------------------------------------------------
sed 's/"web": 9000/"web": "9000"/' "$R/$AGENT" >"$TMP/a.json" && cp "$TMP/a.json" "$R/$AGENT"
run "$R" validate
expect_rc 1 "reference error"
expect_in "$TMP/out" "❌ Errors (1):" "error header"
expect_in "$TMP/out" "  $AGENT" "the file, relative to the root"
expect_in "$TMP/out" "    Port mismatch for web" "the reference message"
expect_in "$TMP/out" "    Actual:   \"9000\"" "the actual value"
expect_in "$TMP/out" "run srvconsole generate" "srvconsole notices the stale file"
run "$R" validate --json
expect_rc 1 "reference error, --json"
expect_json "reference error"
expect_in "$TMP/out" '"expected":9000' "expected value as JSON"
run "$R" generate -q
expect_rc 0 "regenerate"

# --- srvconsole's own findings never fail ---------------------------------------------------
rm "$R/docker/Dockerfile.run"
MONGO_HOST=elsewhere:1
export MONGO_HOST
run "$R" validate
unset MONGO_HOST
expect_rc 0 "own warnings only"
expect_in "$TMP/out" "Dockerfile docker/Dockerfile.run does not exist" "missing Dockerfile reported"
expect_in "$TMP/out" "MONGO_HOST is exported" "exported MONGO_HOST reported"
run "$R" validate --reference
expect_not_in "$TMP/out" "does not exist" "--reference skips own checks"

# --- registry errors --------------------------------------------------------------------------
B=$TMP/bad
make_root "$B"
sed 's/port: 7000/port: "7000x"/' "$B/infrastructure/config-registry.yaml" >"$TMP/r" &&
    cp "$TMP/r" "$B/infrastructure/config-registry.yaml"
run "$B" validate
expect_rc 1 "registry type error"
expect_in "$TMP/out" "databases.cache.port: expected an integer" "type error in the report"
printf 'services: [\n' >"$B/infrastructure/config-registry.yaml"
run "$B" validate
expect_rc 1 "registry that is not YAML"
expect_in "$TMP/err" "infrastructure/config-registry.yaml:" "names the registry"
run "$B" validate --json
expect_rc 1 "broken registry, --json"
expect_json "broken registry"
expect_in "$TMP/out" '"severity":"error"' "the failure is in the JSON list"

# --- usage and I/O errors: exit 2 --------------------------------------------------------------
run "$TMP/elsewhere" validate
expect_rc 2 "no registry found"
expect_in "$TMP/err" "config-registry.yaml" "the message names the registry"
run "$TMP/elsewhere" validate --json
expect_rc 2 "no registry found, --json"
expect_json "no registry"
run "$R" validate --bogus
expect_rc 2 "unknown option"
run "$R" validate --root "$TMP/nonexistent"
expect_rc 2 "--root that does not exist"
run "$R" validate extra
expect_rc 2 "unexpected argument"
D=$TMP/dir
mkdir -p "$D/infrastructure/config-registry.yaml"
run "$D" validate
expect_rc 2 "a directory where the registry should be"
expect_in "$TMP/err" "config-registry.yaml" "the I/O error names the registry"

finish

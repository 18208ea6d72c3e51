#!/bin/sh
# tests/test_cli_generate.sh — `srvconsole generate` on temp trees: root
# discovery (--root, walking up), --check, targets, errors (no registry,
# registry errors with file:line:col, write failures) and "nothing written".
. "${top_srcdir:-$(dirname "$0")/..}/tests/cli_common.sh"

R=$TMP/proj
make_root "$R"
mkdir -p "$R/sub/deeper" "$TMP/elsewhere"
REG=infrastructure/config-registry.yaml
ENVK=infrastructure/local/configs/.env.kubernetes
DBC=infrastructure/local/docker/compose/docker-compose-db.yml

# --- walking up from a subdirectory; files land in the root ---------------------
run "$R/sub/deeper" generate --check
expect_rc 1 "--check on a tree never generated"
expect_in "$TMP/out" "missing $DBC" "--check lists missing files"
[ -e "$R/infrastructure/local" ] && fail "--check wrote files"

run "$R/sub/deeper" generate
expect_rc 0 "generate from a subdirectory"
expect_in "$TMP/out" "Created $R/$DBC" "reports the files it created"
[ -f "$R/$ENVK" ] || fail "$ENVK not written below the root"
[ -f "$R/infrastructure/local/configs/agents/api.config.json" ] || fail "agent config missing"
[ -e "$R/sub/deeper/infrastructure" ] && fail "files written below the cwd"
expect_in "$R/$DBC" "'7000:7000'" "database compose file content"

# --- --root from elsewhere; up to date ---------------------------------------
run "$TMP/elsewhere" generate --root "$R" --check
expect_rc 0 "--check right after generate"
expect_in "$TMP/out" "up to date" "--check says up to date"
run "$TMP/elsewhere" generate --root="$R" --check -q
expect_rc 0 "--root=DIR form"
[ -s "$TMP/out" ] && fail "-q --check printed: $(cat "$TMP/out")"

run "$TMP/elsewhere" generate --root "$R"
expect_rc 0 "regenerate"
expect_in "$TMP/out" "Unchanged $R/$ENVK" "unchanged files are reported as such"

# --- --check lists changed files and writes nothing -------------------------------
echo "edited by hand" >>"$R/$ENVK"
rm "$R/$DBC"
before=$(tree_sum "$R")
run "$R" generate --check
expect_rc 1 "--check with an edited and a missing file"
expect_in "$TMP/out" "differs $ENVK" "--check lists the edited file"
expect_in "$TMP/out" "missing $DBC" "--check lists the missing file"
expect_in "$TMP/out" "2 of " "--check counts the changed files"
[ "$(tree_sum "$R")" = "$before" ] || fail "--check changed the tree"
run "$R" generate --check env
expect_rc 1 "--check of one target"
expect_not_in "$TMP/out" "$DBC" "--check env does not look at compose files"
run "$R" generate -q
expect_rc 0 "generate -q repairs"
[ -s "$TMP/out" ] && fail "-q printed: $(cat "$TMP/out")"
run "$R" generate --check
expect_rc 0 "up to date again"

# --- targets ------------------------------------------------------------------
T=$TMP/targets
make_root "$T"
run "$T" generate env
expect_rc 0 "generate env"
[ -f "$T/$ENVK" ] || fail "env target did not create infrastructure/local/configs"
[ -e "$T/infrastructure/local/docker" ] && fail "env target wrote compose files"
run "$T" generate bogus
expect_rc 0 "only unknown targets succeed"
expect_in "$TMP/err" "bogus" "unknown target named on stderr"
[ -e "$T/infrastructure/local/docker" ] && fail "unknown target wrote files"
[ -e "$T/infrastructure/local/minikube" ] && fail "unknown target wrote manifests"

# --- no registry ----------------------------------------------------------------
run "$TMP/elsewhere" generate
expect_rc 2 "no registry in any parent"
expect_in "$TMP/err" "config-registry.yaml" "the message names the registry"
expect_in "$TMP/err" "--root" "the message suggests --root"
run "$R" generate --root "$TMP/elsewhere"
expect_rc 2 "--root without a registry"
run "$R" generate --root "$TMP/nonexistent"
expect_rc 2 "--root that does not exist"
run "$R" generate --frobnicate
expect_rc 2 "unknown option"

# --- registry errors: file:line:col, nothing written ------------------------------
B=$TMP/bad
make_root "$B"
sed 's/web: 9000/web: abc/' "$B/$REG" >"$B/reg.tmp" && mv "$B/reg.tmp" "$B/$REG"
line=$(grep -n 'web: abc' "$B/$REG" | cut -d: -f1)
col=$(grep 'web: abc' "$B/$REG" | awk '{ print index($0, "abc") }')
before=$(tree_sum "$B")
run "$B" generate
expect_rc 1 "registry type error"
expect_in "$TMP/err" "$REG:$line:$col: error: services.api.ports.web: expected an integer, got \"abc\"" \
    "type error names file:line:col and the key path"
expect_in "$TMP/err" "nothing was written" "says nothing was written"
[ "$(tree_sum "$B")" = "$before" ] || fail "files written despite a registry error"
run "$B" generate --check
expect_rc 1 "--check with a registry error"
[ "$(tree_sum "$B")" = "$before" ] || fail "--check wrote despite a registry error"

printf 'metadata:\n  name: [acme\n' >"$B/$REG"
run "$B" generate
expect_rc 1 "registry that is not YAML"
expect_in "$TMP/err" "$REG:" "syntax error names the registry"
grep -qE "config-registry.yaml:[0-9]+:[0-9]+" "$TMP/err" || fail "syntax error without line:col: $(cat "$TMP/err")"
[ -e "$B/infrastructure/local" ] && fail "files written for a broken registry"

: >"$B/$REG"
run "$B" generate
expect_rc 1 "empty registry"
expect_in "$TMP/err" "empty" "empty registry message"

# --- a write failure changes nothing ----------------------------------------------------
W=$TMP/write
make_root "$W"
run "$W" generate -q
expect_rc 0 "generate before the write failure"
sed 's/expireTime: 2h/expireTime: 5h/' "$W/$REG" >"$W/reg.tmp" && mv "$W/reg.tmp" "$W/$REG"
rm "$W/$ENVK"
mkdir "$W/$ENVK"
before=$(tree_sum "$W")
run "$W" generate
expect_rc 1 "a directory where a file must go"
expect_in "$TMP/err" ".env.kubernetes" "the error names the file"
[ "$(tree_sum "$W")" = "$before" ] || fail "a failed generate changed files"
find "$W" -name '*.tmp*' | grep -q . && fail "temp files left behind"

finish

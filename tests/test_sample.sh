#!/bin/sh
# The bundled sample project generates and validates clean: exit 0, no
# error and no warning (notes are allowed), and a second generate changes
# nothing.
. "${top_srcdir:-$(dirname "$0")/..}/tests/testlib.sh"
root=$(t_sample)
# clean with Compose v2; the compose found on this machine must not decide
export SRVCONSOLE_COMPOSE="docker compose"
"$SRVCONSOLE" generate --root "$root" >"$T_TMP/gen.out" 2>&1 || { cat "$T_TMP/gen.out"; t_fail "generate exited $?"; }
grep -q 'Configuration generation complete' "$T_TMP/gen.out" || t_fail "no completion line"
n=$(cd "$root" && find infrastructure/local -type f -newer infrastructure/config-registry.yaml | wc -l)
[ "$n" -ge 18 ] || t_fail "only $n files generated"
"$SRVCONSOLE" generate --check --root "$root" || t_fail "second run would change files"
"$SRVCONSOLE" validate --root "$root" >"$T_TMP/val.out" 2>&1
st=$?
cat "$T_TMP/val.out"
[ $st -eq 0 ] || t_fail "validate exited $st"
grep -q '✅ All configurations are valid!' "$T_TMP/val.out" || t_fail "reference checks not clean"
grep -Eq '(error|warning): ' "$T_TMP/val.out" && t_fail "srvconsole checks report errors or warnings"
"$SRVCONSOLE" validate --root "$root" --strict >/dev/null || t_fail "validate --strict fails"
# with only docker-compose v1, the services file's additional_contexts is a warning
SRVCONSOLE_COMPOSE=docker-compose "$SRVCONSOLE" validate --root "$root" >"$T_TMP/v1.out" 2>&1
grep -q 'docker-compose-services.yml: warning: uses build.additional_contexts, which docker-compose v1' "$T_TMP/v1.out" \
    && t_pass "compose v1 is warned about" || { cat "$T_TMP/v1.out"; t_fail "no compose v1 warning"; }
t_done

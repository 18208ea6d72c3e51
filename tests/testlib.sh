# tests/testlib.sh — shared helpers for the shell tests (sourced).
# Automake runs the tests with top_srcdir, top_builddir and SRVCONSOLE set.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SRVCONSOLE:=$top_builddir/srvconsole}"

T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$T_NAME.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
T_FAILS=0

t_skip() { echo "SKIP: $*"; exit 77; }
t_fail() { echo "FAIL: $*"; T_FAILS=$((T_FAILS + 1)); }
t_pass() { echo "ok: $*"; }
t_done() {
    if [ "$T_FAILS" -ne 0 ]; then echo "$T_FAILS check(s) failed"; exit 1; fi
    echo "all checks passed"; exit 0
}
# A tool the test needs: SKIP when it is missing, except in CI
# (SRVCONSOLE_CI=1), where .ci/run installs it and its absence is a failure.
t_need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    if [ "${SRVCONSOLE_CI:-}" = 1 ]; then echo "FAIL: $1 is missing in CI"; exit 1; fi
    t_skip "$1 is not installed"
}
# The reference srvthreds tree (the compatibility oracle), or SKIP.
t_ref_tree() {
    for d in "${SRVTHREDS_REF:-}" "$top_srcdir/../shared/srvthreds"; do
        if [ -n "$d" ] && [ -f "$d/infrastructure/config-registry.yaml" ]; then
            T_REF=$(cd "$d" && pwd); return 0
        fi
    done
    t_skip "reference tree not found (set SRVTHREDS_REF or place it at \$top_srcdir/../shared/srvthreds)"
}
# Copy the bundled sample project to a fresh folder; prints its path.
t_sample() {
    local d
    d=$(mktemp -d "$T_TMP/sample.XXXXXX") && cp -R "$top_srcdir/share/sample/." "$d/" && chmod -R u+w "$d"
    echo "$d"
}

# tests/vt/vtlib.sh — helpers for screen tests (source it after tests/testlib.sh).
#
#   vt_require              SKIP (exit 77) when vtrun is not built (no
#                           libvterm), FAIL when SRVCONSOLE_CI=1
#   vt_actions FILE         write `$SRVCONSOLE --dump-actions` to FILE
#   vt_run NAME OPTS... -- COMMAND...
#                           run vtrun with the script read from stdin; its
#                           output goes to $T_TMP/NAME.out (printed when it
#                           fails); returns vtrun's status
#   vt_check NAME OPTS... -- COMMAND...
#                           vt_run, then t_pass/t_fail NAME
#
# Goldens: pass -g "$top_srcdir/tests/..." so that UPDATE_GOLDEN=1 rewrites
# the files of the source tree.  VTRUN_TIMEOUT_SCALE stretches the timeouts.
VTRUN=${VTRUN:-$top_builddir/tests/vt/vtrun}

vt_require() {
    [ -x "$VTRUN" ] && return 0
    if [ "${SRVCONSOLE_CI:-}" = 1 ]; then
        echo "FAIL: $VTRUN is not built (libvterm-dev missing?) in CI"
        exit 1
    fi
    t_skip "screen tests need tests/vt/vtrun (install libvterm-dev and re-run configure)"
}

vt_actions() {
    "$SRVCONSOLE" --dump-actions >"$1" || { echo "FAIL: $SRVCONSOLE --dump-actions"; exit 1; }
}

vt_run() {
    local name=$1 rc i n seen a
    shift
    # the script is stdin: insert "-" before the first "--"
    i=0; n=$#; seen=0
    while [ $i -lt $n ]; do
        a=$1; shift
        if [ "$a" = -- ] && [ $seen = 0 ]; then set -- "$@" - --; seen=1
        else set -- "$@" "$a"; fi
        i=$((i + 1))
    done
    "$VTRUN" "$@" >"$T_TMP/$name.out" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "---- vtrun output of $name (exit $rc)"
        cat "$T_TMP/$name.out"
        echo "----"
    fi
    return $rc
}

vt_check() {
    local name=$1
    if vt_run "$@"; then t_pass "$name"; else t_fail "$name"; fi
}

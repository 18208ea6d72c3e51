#!/bin/sh
# tests/valgrind_console.sh — `make check-valgrind-console`: the screen tests
# (tests/test_screens.sh) with the console binary itself under valgrind
# (SRVCONSOLE_WRAPPER), timeouts stretched (VTRUN_TIMEOUT_SCALE).  A scenario
# whose exit status is checked fails on a memory error or a definite leak
# (--error-exitcode); the logs of every valgrind process (the console, and
# its forks before they exec) are inspected too, because scenarios that end
# the console with a signal do not check its exit status.
#
# Runs from the build directory with top_srcdir, top_builddir, SRVCONSOLE set
# (as `make check` sets them).
set -u
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }
logdir=$(mktemp -d "${TMPDIR:-/tmp}/vgconsole.XXXXXX")
SRVCONSOLE_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
--errors-for-leak-kinds=definite --track-fds=no -q --log-file=$logdir/vg.%p.log"
VTRUN_TIMEOUT_SCALE=${VTRUN_TIMEOUT_SCALE:-6}
export SRVCONSOLE_WRAPPER VTRUN_TIMEOUT_SCALE
${SHELL:-/bin/sh} "$top_srcdir/tests/test_screens.sh"
rc=$?
status=0
case $rc in
    0) ;;
    77) if [ "${SRVCONSOLE_CI:-}" = 1 ]; then echo "FAIL: the screen tests skipped in CI"; status=1; fi ;;
    *) echo "FAIL: tests/test_screens.sh under valgrind (exit $rc)"; status=1 ;;
esac
# the console's own logs: errors, definite leaks (a fatal-signal scenario
# leaves "possibly lost" and "still reachable" blocks, which are not shown)
bad=$(grep -l -E 'ERROR SUMMARY: [1-9]|definitely lost|Invalid (read|write|free)|uninitialised|Mismatched free|Syscall param' \
    "$logdir"/vg.*.log 2>/dev/null)
for f in $bad; do
    echo "---- $f"
    cat "$f"
    status=1
done
n=$(ls "$logdir" | wc -l)
[ $status -eq 0 ] && echo "ok: the console is valgrind-clean in the screen tests ($n valgrind logs inspected)"
rm -rf "$logdir"
exit $status

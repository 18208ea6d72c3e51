#!/bin/sh
# Run each test program under valgrind; Criterion runs tests in worker
# processes whose exit codes it swallows, so each process logs to its own file
# and the logs are inspected: any memory error or definite/indirect leak fails.
# System programs the tests spawn (sh, sleep...) are not instrumented: under
# valgrind a shell starting up could miss a TERM and end by the KILL 2 s
# later, which made the process tests' timing fail.
set -u
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 1; }
logdir=$(mktemp -d "${TMPDIR:-/tmp}/vg.XXXXXX")
status=0
for t in "$@"; do
    name=$(basename "$t")
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --trace-children=yes \
        --trace-children-skip='/bin/*,/usr/bin/*,/usr/local/bin/*,/usr/sbin/*' \
        --log-file="$logdir/$name.%p.log" "./$t" >"$logdir/$name.out" 2>&1
    rc=$?
    bad=$(grep -l -E 'ERROR SUMMARY: [1-9]|definitely lost|indirectly lost|Invalid (read|write)|uninitialised' "$logdir/$name".*.log 2>/dev/null)
    synth=$(grep 'Synthesis' "$logdir/$name.out")
    if [ $rc -ne 0 ] || [ -n "$bad" ]; then
        echo "FAIL: $name under valgrind (exit $rc) $synth"
        for f in $bad; do cat "$f"; done
        status=1
    else
        echo "ok: $name is valgrind-clean $synth"
    fi
done
rm -rf "$logdir"
exit $status

#!/bin/sh
# tests/test_vt_harness.sh — the screen-test harness (tests/vt/vtrun) on its
# demo program (tests/vt/vtdemo): keys by name and by action, waits, checks of
# text, rows and attributes, resize, signals, exit codes, goldens (and their
# update), masks, and the check that no process is left behind.  Failures
# must fail, naming the step, its line and showing the screen.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/vt/vtlib.sh"
vt_require
DEMO=$top_builddir/tests/vt/vtdemo
GOLDEN=$top_srcdir/tests/vt/golden
out() { cat "$T_TMP/$1.out"; }

# ---- a full session ----------------------------------------------------------
vt_check session -- "$DEMO" <<'EOF'
wait vtdemo
expect "size 80x24"
expect-row 3 alpha
expect-attr " alpha" reverse
key j Down
expect-attr "gamma" reverse !bold
expect-attr "beta" !reverse
expect-attr vtdemo bold
expect-attr "q quit" fg=green color
key Enter
wait "selected: gamma"
key :
keys hello there
key Backspace
key Enter
wait "typed: hello ther"
expect-not "typed: hello there"
key q
wait-exit 0
expect "vtdemo: bye"
expect-restored
expect-no-children
EOF

# ---- every key name reaches a curses program as that key ----------------------
script=$T_TMP/keys.vt
echo "wait vtdemo" >"$script"
for k in a G "?" / Space Tab BTab Delete Up Down Left Right PgUp PgDn Home End \
         F1 F2 F5 F10 F12 C-a C-b C-f C-l; do
    printf 'key %s\nwait "last key: %s"\nexpect-row 8 "last key: %s"\n' "$k" "$k" "$k" >>"$script"
done
echo "key q" >>"$script"
echo "wait-exit 0" >>"$script"
vt_check key-names -- "$DEMO" <"$script"

# ---- keys by action name, through an actions file ----------------------------
cat >"$T_TMP/actions" <<'EOF'
# name key, as `srvconsole --dump-actions` prints them
down j
up k
open Enter
quit q
EOF
vt_check actions -a "$T_TMP/actions" -- "$DEMO" <<'EOF'
wait vtdemo
action down down up
action open
wait "selected: beta"
action quit
wait-exit 0
EOF
if vt_run bad-action -a "$T_TMP/actions" -- "$DEMO" <<'EOF'
wait vtdemo
action deploy
EOF
then t_fail "an unknown action is an error"
elif [ $? -eq 2 ] && out bad-action | grep -q "<stdin>:2: unknown action 'deploy'"; then
    t_pass "an unknown action is a script error (exit 2) naming the line"
else t_fail "unknown action message"; fi

# ---- goldens: match, mismatch with a diff, update ----------------------------
vt_check golden-80x24 -g "$GOLDEN" -- "$DEMO" <<'EOF'
wait vtdemo
key j
golden vtdemo-80x24.txt
resize 40x12
wait "size 40x12"
golden vtdemo-40x12.txt
EOF
mkdir -p "$T_TMP/g"
cp "$GOLDEN/vtdemo-80x24.txt" "$T_TMP/g/" && chmod u+w "$T_TMP/g/vtdemo-80x24.txt"
if vt_run golden-diff -g "$T_TMP/g" -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
golden vtdemo-80x24.txt
EOF
then t_fail "a golden mismatch fails"
elif out golden-diff | grep -q '^  row 8:$' &&
     out golden-diff | grep -q '^  -   last key: j$' && out golden-diff | grep -q '^  +   last key: none$' &&
     [ "$(out golden-diff | grep -c '^  row ')" -eq 1 ] &&
     out golden-diff | grep -q "<stdin>:2: step failed: golden"; then
    t_pass "a golden mismatch fails with a row diff"
else t_fail "golden mismatch output"; out golden-diff; fi
if UPDATE_GOLDEN=1 vt_run golden-update -g "$T_TMP/g" -- "$DEMO" <<'EOF'
wait vtdemo
golden vtdemo-80x24.txt
golden new/created.txt
EOF
then
    if [ "$(sed -n 8p "$T_TMP/g/vtdemo-80x24.txt")" = "  last key: none" ] &&
       cmp -s "$T_TMP/g/vtdemo-80x24.txt" "$T_TMP/g/new/created.txt" &&
       [ "$(wc -l <"$T_TMP/g/new/created.txt")" -eq 24 ]; then
        t_pass "UPDATE_GOLDEN=1 rewrites and creates golden files"
    else t_fail "UPDATE_GOLDEN=1 content"; cat "$T_TMP/g/vtdemo-80x24.txt"; fi
else t_fail "UPDATE_GOLDEN=1 run"; fi
if vt_run golden-missing -g "$T_TMP/g" -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
golden absent.txt
EOF
then t_fail "a missing golden file fails"
elif out golden-missing | grep -q "UPDATE_GOLDEN=1 to create it"; then
    t_pass "a missing golden file fails and says how to create it"
else t_fail "missing golden message"; fi

# ---- masks hide what changes -------------------------------------------------
UPDATE_GOLDEN=1 vt_run mask-update -g "$T_TMP/g" -- "$DEMO" --clock <<'EOF' >/dev/null
wait uptime
mask [0-9]+ ms
golden clock.txt
EOF
if grep -q '^  uptime ~$' "$T_TMP/g/clock.txt" &&
   vt_run mask-check -g "$T_TMP/g" -- "$DEMO" --clock <<'EOF'
wait uptime
sleep 200
mask [0-9]+ ms
golden clock.txt
EOF
then t_pass "a masked golden matches a changing clock"
else t_fail "masked golden"; cat "$T_TMP/g/clock.txt"; fi

# ---- failures name the step and line and show the screen ----------------------
start=$(date +%s)
if vt_run fail-wait -t 0.5 -- "$DEMO" <<'EOF'
wait vtdemo
# a comment line counts
wait "not there"
key q
EOF
then t_fail "waiting for absent text fails"
else
    rc=$?; end=$(date +%s)
    if [ $rc -eq 1 ] && out fail-wait | grep -q '<stdin>:3: step failed: wait "not there"' &&
       out fail-wait | grep -q 'timed out after 0.5 s' &&
       out fail-wait | grep -q '^  1| vtdemo  ' && out fail-wait | grep -q '^ 24|q quit' &&
       [ $((end - start)) -le 3 ]; then
        t_pass "a timed-out wait fails (exit 1) with its line and the screen"
    else t_fail "timed-out wait report (rc $rc, $((end - start)) s)"; fi
fi
if vt_run fail-expect -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
expect-not alpha
EOF
then t_fail "expect-not of a present text fails"
elif out fail-expect | grep -q 'the text is on the screen (row 3 column 4)'; then
    t_pass "expect-not says where the text is"
else t_fail "expect-not message"; fi
if vt_run fail-row -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
expect-row 1 alpha
EOF
then t_fail "expect-row on the wrong row fails"
elif out fail-row | grep -q 'row 1 is " vtdemo  '; then t_pass "expect-row shows the row"
else t_fail "expect-row message"; fi
if vt_run fail-attr -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
expect-attr beta reverse
EOF
then t_fail "expect-attr on a plain text fails"
elif out fail-attr | grep -q 'row 4 column 4 is not reverse'; then
    t_pass "expect-attr names the wrong cell"
else t_fail "expect-attr message"; fi
NO_COLOR=1 vt_check no-color -- "$DEMO" <<'EOF'
wait vtdemo
expect-attr "q quit" !color fg=default
EOF

# ---- exit codes, signals, a command that cannot start -------------------------
vt_check exit-code -- "$DEMO" <<'EOF'
wait vtdemo
key x
wait-exit 3
EOF
if vt_run exit-wrong -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
key x
wait-exit 0
EOF
then t_fail "a wrong exit code fails"
elif out exit-wrong | grep -q 'ended with exit status 3, not 0'; then
    t_pass "wait-exit reports the real exit status"
else t_fail "wait-exit message"; fi
vt_check signal-term -- "$DEMO" <<'EOF'
wait vtdemo
signal TERM
wait-exit 143
expect "vtdemo: signal 15"
expect-restored
EOF
if vt_run exit-early -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
key q
wait "never shown"
EOF
then t_fail "waiting after the command exited fails"
elif out exit-early | grep -q 'the command ended (exit status 0)'; then
    t_pass "a wait fails at once when the command has ended"
else t_fail "wait after exit message"; fi
vt_check no-such-command -- "$T_TMP/no/such/program" <<'EOF'
wait-exit 127
expect "No such file or directory"
EOF
if vt_run restored-not -- sh -c 'printf "\033[?1049h\033[?25lhidden"; sleep 5' <<'EOF' >/dev/null
wait hidden
expect-restored
EOF
then t_fail "expect-restored on the alternate screen fails"
elif out restored-not | grep -q 'the alternate screen is still on'; then
    t_pass "expect-restored notices the alternate screen"
else t_fail "expect-restored message"; fi

# ---- nothing left behind ---------------------------------------------------------
secs=3000.$$
export VTDEMO_ORPHAN_SECONDS=$secs
if vt_run orphan -t 1 -- "$DEMO" <<'EOF' >/dev/null
wait vtdemo
key s
wait "spawned a sleep"
key q
wait-exit 0
expect-no-children
EOF
then t_fail "an orphan left behind is noticed"
elif out orphan | grep -q "process(es) left after 1.0 s:" &&
     out orphan | grep -q "sleep $secs"; then
    t_pass "expect-no-children lists the process left behind (own session, orphaned)"
else t_fail "expect-no-children message"; fi
if ps -eo args | grep -q "^sleep $secs"; then
    t_fail "vtrun did not stop the orphan at the end"
    pkill -f "^sleep $secs" 2>/dev/null
else t_pass "vtrun stops everything the command started when it ends"; fi
# a command still running at the end of the script is stopped as well
vt_check end-stops -- sh -c 'sleep 3001.$$ & echo started; wait' <<'EOF'
wait started
EOF
if ps -eo args | grep -q "^sleep 3001.$$"; then t_fail "a running command is left at the end"
else t_pass "the command and its children are stopped at the end of the script"; fi

# ---- script errors -----------------------------------------------------------------
if "$VTRUN" - -- true >"$T_TMP/bad.out" 2>&1 <<'EOF'
wait x
frobnicate
EOF
then t_fail "an unknown step is an error"
elif [ $? -eq 2 ] && grep -q "<stdin>:2: unknown step 'frobnicate'" "$T_TMP/bad.out"; then
    t_pass "a script error exits 2 naming the line"
else t_fail "script error"; cat "$T_TMP/bad.out"; fi
if "$VTRUN" -s 80 - -- true </dev/null >"$T_TMP/bad2.out" 2>&1; then t_fail "-s 80 accepted"
elif grep -q "COLSxROWS" "$T_TMP/bad2.out"; then t_pass "a bad -s is a usage error"
else t_fail "-s message"; fi

t_done

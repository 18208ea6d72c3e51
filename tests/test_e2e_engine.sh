#!/bin/sh
# tests/test_e2e_engine.sh — the real Docker engine of the end-to-end tests:
# it answers, the busybox base image runs, the e2e clean-up removes what a
# test leaves; without an engine the e2e tests SKIP, and FAIL in CI.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

# ---- no engine: SKIP, or FAIL in CI (with a docker whose daemon is down) ----------
mkdir -p "$T_TMP/nodocker"
printf '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n' >"$T_TMP/nodocker/docker"
chmod +x "$T_TMP/nodocker/docker"
cat >"$T_TMP/needs-engine.sh" <<'EOS'
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
e2e_require_engine
echo "engine found"
EOS
out=$(PATH=$T_TMP/nodocker:$PATH SRVCONSOLE_CI= sh "$T_TMP/needs-engine.sh" 2>&1); rc=$?
case "$rc $out" in
    "77 SKIP: no Docker engine answers"*) t_pass "no engine: the e2e tests SKIP (77) and say why" ;;
    *) t_fail "no engine outside CI: $rc $out" ;;
esac
out=$(PATH=$T_TMP/nodocker:$PATH SRVCONSOLE_CI=1 sh "$T_TMP/needs-engine.sh" 2>&1); rc=$?
case "$rc $out" in
    "1 FAIL: no Docker engine answers"*) t_pass "no engine in CI: the e2e tests FAIL" ;;
    *) t_fail "no engine in CI: $rc $out" ;;
esac

# ---- the engine, one e2e test at a time ----------------------------------------------------
if docker info >/dev/null 2>&1; then
    # another e2e test holds the lock for 2 s: this one waits for it
    flock "$E2E_LOCK" sleep 2 &
    holder=$!
    sleep 0.3
fi
t0=$(date +%s)
e2e_require_engine >"$T_TMP/lock.out"
t1=$(date +%s)
if [ -n "${holder:-}" ]; then
    wait $holder
    [ $((t1 - t0)) -ge 1 ] && grep -q "waiting for another e2e test" "$T_TMP/lock.out" &&
        t_pass "e2e tests wait for each other (the lock, $((t1 - t0)) s)" ||
        t_fail "the e2e lock did not make the test wait ($((t1 - t0)) s)"
fi
"$E2E_ENGINE" status >/dev/null && t_pass "docker-engine.sh status: running" ||
    t_fail "docker-engine.sh status"
out=$("$E2E_ENGINE" start); rc=$?
case "$rc $out" in
    "0 docker-engine: the engine is already running"*) t_pass "start is a no-op when the engine runs" ;;
    *) t_fail "start with a running engine: $rc $out" ;;
esac
out=$("$E2E_ENGINE" base-image); rc=$?
[ "$rc $out" = "0 docker-engine: $E2E_IMAGE is present" ] && t_pass "base-image is a no-op when present" ||
    t_fail "base-image: $rc $out"

out=$(docker run --rm "$E2E_IMAGE" echo ok 2>&1)
[ "$out" = ok ] && t_pass "the base image runs 'echo ok'" || t_fail "echo ok: $out"
out=$(docker run --rm "$E2E_IMAGE" sh -c 'for a in sh nc sleep test touch wget; do [ -x /bin/$a ] && echo $a; done' 2>&1)
[ "$out" = "$(printf '%s\n' sh nc sleep test touch wget)" ] &&
    t_pass "the base image has the applets the e2e project uses" || t_fail "applets: $out"
out=$(docker run --rm "$E2E_IMAGE" sh -c 'touch /tmp/x && echo $((1+2))' 2>&1)
[ "$out" = 3 ] && t_pass "/tmp is writable and sh does arithmetic" || t_fail "sh: $out"

# a container with a TERM trap stops at once (the e2e containers rely on it)
docker run -d --name e2e-probe --label com.docker.compose.project=probe "$E2E_IMAGE" \
    sh -c "trap 'exit 0' TERM; echo probe up; while true; do sleep 1 & wait \$!; done" >/dev/null
i=0; until [ "$(docker logs e2e-probe 2>&1)" = "probe up" ] || [ $i -gt 40 ]; do sleep 0.25; i=$((i + 1)); done
[ "$(docker logs e2e-probe 2>&1)" = "probe up" ] && t_pass "a container's output arrives" || t_fail "probe logs"
t0=$(date +%s)
docker stop -t 10 e2e-probe >/dev/null
t1=$(date +%s)
[ $((t1 - t0)) -le 3 ] && t_pass "a container with a TERM trap stops promptly ($((t1 - t0)) s)" ||
    t_fail "docker stop took $((t1 - t0)) s"
[ "$(docker inspect -f '{{.State.ExitCode}}' e2e-probe)" = 0 ] && t_pass "it exits 0 on TERM" ||
    t_fail "exit code on TERM"

# ---- clean-up of what a test leaves ---------------------------------------------------------
docker network create "$E2E_NETWORK" >/dev/null
docker run -d --name e2e-left --label com.docker.compose.project=x --network "$E2E_NETWORK" \
    "$E2E_IMAGE" sleep 300 >/dev/null
docker run -d --name other-on-net --network "$E2E_NETWORK" "$E2E_IMAGE" sleep 300 >/dev/null
docker run -d --name e2e-unlabelled "$E2E_IMAGE" sleep 300 >/dev/null
[ "$(e2e_containers | tr '\n' ' ')" = "e2e-left e2e-probe other-on-net " ] &&
    t_pass "e2e_containers lists the project's containers" ||
    t_fail "e2e_containers: $(e2e_containers | tr '\n' ' ')"
e2e_cleanup
[ -z "$(e2e_containers)" ] && [ -z "$(e2e_networks)" ] &&
    t_pass "e2e_cleanup removes the containers and the network" ||
    t_fail "left after clean-up: $(e2e_containers) $(e2e_networks)"
docker inspect e2e-unlabelled >/dev/null 2>&1 && t_pass "a container that is not the project's is kept" ||
    t_fail "an unlabelled container was removed"
docker rm -f e2e-unlabelled >/dev/null

t_done

#!/bin/sh
# tests/fakes/record-e2e.sh OUTDIR — record what a real Docker engine says
# about the e2e project (tests/e2e/project) into OUTDIR, in the layout that
# tests/fakes/docker-replay replays: ps.jsonl (after up), ps.down.jsonl
# (after down), events.jsonl (up then down), inspect/NAME.json, logs/NAME.log
# (with --timestamps), compose/up.out and compose/down.out (compose's own
# output, both streams).  The recording in tests/fakes/recorded/e2e was made
# with it; re-run it to refresh (needs the engine and the base image:
# tests/e2e/docker-engine.sh start && tests/e2e/docker-engine.sh base-image).
set -eu
out=${1:?usage: record-e2e.sh OUTDIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
srvconsole=${SRVCONSOLE:-srvconsole}
mkdir -p "$out/inspect" "$out/logs" "$out/compose"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
events=
cleanup() {
    [ -n "$events" ] && kill "$events" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
cp -R "$top/tests/e2e/project/." "$tmp/"
(cd "$tmp" && "$srvconsole" generate >/dev/null)
compose="docker-compose -f $tmp/infrastructure/local/docker/compose/docker-compose-db.yml"

docker events --format '{{json .}}' --filter type=container --filter type=network \
    --since "$(date +%s)" >"$out/events.jsonl" &
events=$!
sleep 1
$compose up -d >"$out/compose/up.out" 2>&1
sleep 3 # the health check passes, the one-shot container exits
names=$($compose ps -q | xargs docker inspect -f '{{.Name}}' | sed 's|^/||' | sort)
docker ps -a --no-trunc --filter label=com.docker.compose.project --format '{{json .}}' \
    >"$out/ps.jsonl"
for n in $names; do
    docker inspect "$n" >"$out/inspect/$n.json"
    docker logs --timestamps "$n" >"$out/logs/$n.log" 2>&1
done
$compose down -v --timeout 5 >"$out/compose/down.out" 2>&1
sleep 1
docker ps -a --no-trunc --filter label=com.docker.compose.project --format '{{json .}}' \
    >"$out/ps.down.jsonl"
kill "$events"
events=
echo "recorded $(echo $names | wc -w) containers, $(wc -l <"$out/events.jsonl") events into $out"

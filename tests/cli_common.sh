# tests/cli_common.sh — sourced by tests/test_cli_*.sh: the binary, a temp
# directory, assertions, and a small registry of our own.

SRVCONSOLE=${SRVCONSOLE:-${top_builddir:-.}/srvconsole}
if [ ! -x "$SRVCONSOLE" ]; then
    echo "FAIL: srvconsole binary not found at $SRVCONSOLE"
    exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/srvcli.XXXXXX") || exit 1
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

pass() {
    echo "ok: $*"
}

# run DIR CMD...: run in DIR, keep status in $rc, output in $TMP/out, $TMP/err
run() {
    dir=$1
    shift
    (cd "$dir" && "$SRVCONSOLE" "$@") >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

expect_rc() {
    if [ "$rc" -eq "$1" ]; then
        pass "$2 (exit $rc)"
    else
        fail "$2: exit $rc, want $1"
        sed 's/^/    out: /' "$TMP/out"
        sed 's/^/    err: /' "$TMP/err"
    fi
}

# expect_in FILE TEXT WHAT: FILE contains the fixed string TEXT
expect_in() {
    if grep -qF -- "$2" "$1"; then
        pass "$3"
    else
        fail "$3: no \"$2\" in $(basename "$1")"
        sed 's/^/    | /' "$1"
    fi
}

expect_not_in() {
    if grep -qF -- "$2" "$1"; then
        fail "$3: unexpected \"$2\" in $(basename "$1")"
    else
        pass "$3"
    fi
}

# checksum of every file below DIR (names and contents), for "nothing changed"
tree_sum() {
    (cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
        printf '%s ' "$f"
        cksum <"$f"
    done; find . -type d | LC_ALL=C sort) | cksum
}

# make_root DIR: a package root holding our registry and its Dockerfiles
make_root() {
    mkdir -p "$1/infrastructure" "$1/docker"
    cat >"$1/infrastructure/config-registry.yaml" <<'EOF'
# a small registry of our own
metadata:
  name: acme
  namespace: acme-ns
services:
  builder:
    name: acme-builder
    description: Builds everything
    image: {repository: acme/builder, tag: v1}
    buildOnly: true
  api:
    name: acme-api
    description: Public API
    image: {repository: acme/api, tag: v2}
    dockerfile: docker/Dockerfile.run
    ports:
      web: 9000
databases:
  cache:
    name: cache
    image: {repository: valkey/valkey, tag: v8}
    port: 7000
build:
  dockerfiles:
    builder: docker/Dockerfile.build
    runtime: docker/Dockerfile.run
  dockerContext:
    root: ../../../../
    thredlib: ../../../../../lib
networks:
  default:
    name: acme-net
    driver: bridge
connectionStrings:
  local:
    mongodb: localhost:7001
    redis: localhost:7000
    rabbitmq: localhost
    mongoDirectConnection: true
    useTls: false
  kubernetes:
    mongodb: cache-service:7000
    redis: cache-service:7000
    rabbitmq: acme-api-service
    mongoDirectConnection: false
    useTls: false
security:
  jwt:
    expireTime: 2h
    refreshTokenExpireTime: 30d
EOF
    echo 'FROM scratch' >"$1/docker/Dockerfile.build"
    echo 'FROM scratch' >"$1/docker/Dockerfile.run"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures failure(s)"
        exit 1
    fi
    echo "all passed"
    exit 0
}

# tests/fakes/fakelib.sh — put the fake docker on PATH (source it after
# tests/testlib.sh).
#
#   fake_docker DIR   makes DIR the replay directory (FAKE_DOCKER_DIR, exported)
#                     and puts `docker` and `docker-compose` (both
#                     tests/fakes/docker-replay) first on PATH
#   fake_docker_recorded NAME DIR
#                     fake_docker DIR, DIR first filled with a copy of the
#                     recording tests/fakes/recorded/NAME (real engine output,
#                     made by tests/fakes/record-e2e.sh)
#   fake_calls        the calls recorded so far, one a line
FAKE_DOCKER_BIN=$T_TMP/fake-bin

fake_docker() {
    mkdir -p "$1" "$FAKE_DOCKER_BIN" || exit 1
    FAKE_DOCKER_DIR=$(cd "$1" && pwd)
    export FAKE_DOCKER_DIR
    ln -sf "$top_srcdir/tests/fakes/docker-replay" "$FAKE_DOCKER_BIN/docker"
    ln -sf "$top_srcdir/tests/fakes/docker-replay" "$FAKE_DOCKER_BIN/docker-compose"
    case ":$PATH:" in
        *":$FAKE_DOCKER_BIN:"*) ;;
        *) PATH=$FAKE_DOCKER_BIN:$PATH; export PATH ;;
    esac
}

fake_docker_recorded() {
    mkdir -p "$2" && cp -R "$top_srcdir/tests/fakes/recorded/$1/." "$2/" && chmod -R u+w "$2" || exit 1
    fake_docker "$2"
}

fake_calls() {
    cat "$FAKE_DOCKER_DIR/calls" 2>/dev/null
}

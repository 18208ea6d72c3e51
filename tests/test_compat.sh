#!/bin/sh
# Byte-compatibility with the reference generator: generate from the
# reference registry into a temp root and compare every generated file with
# the reference outputs; each target writes exactly its subset; hand-written
# files are never touched; the reference tree validates clean.
. "${top_srcdir:-$(dirname "$0")/..}/tests/testlib.sh"
t_ref_tree

GENERATED="
infrastructure/local/docker/compose/docker-compose-db.yml
infrastructure/local/docker/compose/docker-compose-services.yml
infrastructure/local/minikube/manifests/base/srvthreds-builder.yaml
infrastructure/local/minikube/manifests/base/srvthreds-bootstrap.yaml
infrastructure/local/minikube/manifests/base/srvthreds-engine.yaml
infrastructure/local/minikube/manifests/base/srvthreds-session-agent.yaml
infrastructure/local/minikube/manifests/base/srvthreds-persistence-agent.yaml
infrastructure/local/minikube/manifests/base/configmap.yaml
infrastructure/local/minikube/manifests/minikube/mongo-repl-1.yaml
infrastructure/local/minikube/manifests/minikube/redis.yaml
infrastructure/local/minikube/manifests/minikube/rabbitmq.yaml
infrastructure/local/minikube/manifests/minikube/configmap-minikube.yaml
infrastructure/local/configs/.env.local
infrastructure/local/configs/.env.docker
infrastructure/local/configs/.env.kubernetes
infrastructure/local/configs/.env.minikube
infrastructure/local/configs/agents/builder.config.json
infrastructure/local/configs/agents/bootstrap.config.json
infrastructure/local/configs/agents/engine.config.json
infrastructure/local/configs/agents/session-agent.config.json
infrastructure/local/configs/agents/persistence-agent.config.json
"
count=$(echo $GENERATED | wc -w)
[ "$count" -eq 21 ] || t_fail "the list names $count files, the spec 21"

# 1. From the registry alone: all 21 files, byte for byte.
root="$T_TMP/fresh"
mkdir -p "$root/infrastructure"
cp "$T_REF/infrastructure/config-registry.yaml" "$root/infrastructure/"
"$SRVCONSOLE" generate --root "$root" -q || t_fail "generate exited $?"
for f in $GENERATED; do
    if cmp -s "$T_REF/$f" "$root/$f"; then :; else
        t_fail "$f differs from the reference"
        diff -u "$T_REF/$f" "$root/$f" | head -20
    fi
done
made=$(cd "$root" && find . -type f ! -name config-registry.yaml | wc -l)
[ "$made" -eq 21 ] || t_fail "generate wrote $made files, expected 21"
t_pass "21 files byte-identical to the reference"

# 2. Each target alone writes exactly its subset.
for t in docker-compose kubernetes env agent-configs; do
    r="$T_TMP/t-$t"
    mkdir -p "$r/infrastructure"
    cp "$T_REF/infrastructure/config-registry.yaml" "$r/infrastructure/"
    "$SRVCONSOLE" generate "$t" --root "$r" -q || t_fail "generate $t exited $?"
    case $t in
        docker-compose) want=2 pat='docker/compose/' ;;
        kubernetes) want=10 pat='minikube/manifests/' ;;
        env) want=4 pat='configs/.env.' ;;
        agent-configs) want=5 pat='configs/agents/' ;;
    esac
    got=$(cd "$r" && find . -type f ! -name config-registry.yaml | wc -l)
    inpat=$(cd "$r" && find . -type f ! -name config-registry.yaml | grep -c "$pat")
    [ "$got" -eq "$want" ] && [ "$inpat" -eq "$want" ] ||
        t_fail "target $t wrote $got files ($inpat under $pat), expected $want"
    for f in $(cd "$r" && find . -type f ! -name config-registry.yaml); do
        cmp -s "$r/$f" "$T_REF/$f" || t_fail "target $t: $f differs"
    done
done
t_pass "each target writes exactly its subset"

# 3. On a full copy: hand-written files untouched, generated ones unchanged,
#    and the tree is reference-clean.
full="$T_TMP/full"
cp -R "$T_REF" "$full" && chmod -R u+w "$full"
"$SRVCONSOLE" generate --root "$full" -q || t_fail "generate on the full tree exited $?"
if diff -r "$T_REF" "$full" >/dev/null; then t_pass "full tree unchanged by generate"
else t_fail "generate changed the full tree"; diff -r "$T_REF" "$full" | head; fi
"$SRVCONSOLE" generate --check --root "$full" >/dev/null || t_fail "generate --check reports changes"
out=$(cd "$full" && "$SRVCONSOLE" validate)
st=$?
[ $st -eq 0 ] || t_fail "validate exited $st"
echo "$out" | grep -q '✅ All configurations are valid!' || t_fail "validate is not clean"
t_done

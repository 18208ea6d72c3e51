#!/bin/sh
# The generated files are accepted by the real tools: Debian's docker-compose
# (v1) parses the database compose file; `kubectl kustomize` renders the base
# and minikube folders of the reference tree (and of the sample) after
# generation.  The services file is checked structurally by the unit tests,
# because compose v1 rejects its build.additional_contexts (a v2 feature).
. "${top_srcdir:-$(dirname "$0")/..}/tests/testlib.sh"
t_need docker-compose
t_need kubectl

check_tree() {
    root=$1 label=$2
    "$SRVCONSOLE" generate --root "$root" -q || { t_fail "$label: generate exited $?"; return; }
    f="$root/infrastructure/local/docker/compose/docker-compose-db.yml"
    if docker-compose -f "$f" config -q; then t_pass "$label: docker-compose config accepts the database file"
    else t_fail "$label: docker-compose config rejects $f"; fi
    for d in base minikube; do
        dir="$root/infrastructure/local/minikube/manifests/$d"
        if out=$(kubectl kustomize "$dir" 2>&1); then
            n=$(printf '%s\n' "$out" | grep -c '^kind:')
            t_pass "$label: kubectl kustomize $d renders $n objects"
        else
            t_fail "$label: kubectl kustomize $d failed: $out"
        fi
    done
}

sample=$(t_sample)
check_tree "$sample" sample
# the minikube overlay of the sample renders its StatefulSet and namespace
kubectl kustomize "$sample/infrastructure/local/minikube/manifests/minikube" |
    grep -q '^kind: StatefulSet' || t_fail "sample overlay lacks the StatefulSet"

if [ -n "${SRVTHREDS_REF:-}" ] || [ -d "$top_srcdir/../shared/srvthreds" ]; then
    ( t_ref_tree >/dev/null ) && {
        t_ref_tree
        ref="$T_TMP/ref"
        cp -R "$T_REF" "$ref" && chmod -R u+w "$ref"
        # drop the generated files so that generate has to recreate them
        rm -rf "$ref/infrastructure/local/docker/compose" "$ref/infrastructure/local/configs/agents"
        check_tree "$ref" reference
        objs=$(kubectl kustomize "$ref/infrastructure/local/minikube/manifests/minikube" | grep -c '^kind:')
        [ "$objs" -eq 10 ] || t_fail "reference minikube overlay renders $objs objects, the spec says 10"
    }
else
    echo "note: reference tree absent, only the sample was checked"
fi
t_done

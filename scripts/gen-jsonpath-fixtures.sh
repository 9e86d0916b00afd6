#!/usr/bin/env bash
# Regenerates the expected outputs of the JSONPath, custom-columns and
# --sort-by fixtures with the real kubectl.
#
# Offline cases (no cluster needed):
#   testdata/printers/jsonpath/local/objects/NAME.json  input objects (hand-written;
#       each carries the annotation fixture=x so annotate leaves it unchanged;
#       a List is printed item by item, with one printer, as kubectl does)
#   testdata/printers/jsonpath/local/cases.jsonl        {"name","input","output","flags"?,"file"?}
#   testdata/printers/jsonpath/local/expected.jsonl     {"name","rc","stdout","stderr"} of
#       kubectl annotate --local --overwrite -f objects/INPUT.json fixture=x -o OUTPUT FLAGS...
#
# Cluster cases (kubectl get; a disposable test cluster in $KUBECONFIG):
#   testdata/printers/jsonpath/cluster/objects/NS.json  Things created in namespace NS
#   testdata/printers/{jsonpath/cluster,custom-columns}/cases.jsonl
#       {"name","target","output","flags"?,"file"?}, TARGET such as "things -n jp-test"
#   .../inputs/TARGET.json   the document kubectl's printers saw:
#       kubectl get TARGET -o json --show-managed-fields (spaces in TARGET become _)
#   .../expected.jsonl       {"name","rc","stdout","stderr"} of kubectl get TARGET -o OUTPUT FLAGS...
#   The CRD things.jp.example.com and the namespaces jp-* are created, then deleted.
#
# An empty OUTPUT means kubectl's default table, of which only the first
# column is recorded. A case's "file" is written to a temporary file and OUTPUT (jsonpath-file,
# custom-columns-file) becomes OUTPUT=PATH. klog's header in stderr (date,
# time, pid) is replaced by "FMMDD hh:mm:ss.uuuuuu PID". Each case runs five
# times; a case whose output changes (Go map order) is an error.
#
# Usage: scripts/gen-jsonpath-fixtures.sh [local|cluster|all] [KUBECTL]
set -euo pipefail

what=${1:-all}
kubectl=${2:-kubectl}
root=$(cd "$(dirname "$0")/.." && pwd)
local_dir=$root/testdata/printers/jsonpath/local
cluster_dir=$root/testdata/printers/jsonpath/cluster
cc_dir=$root/testdata/printers/custom-columns
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

normalize_klog() {
    sed -E 's/^([FEWI])[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +[0-9]+ /\1MMDD hh:mm:ss.uuuuuu PID /'
}

# run_cases CASES EXPECTED COMMAND...: COMMAND gets the case line in $line.
run_cases() {
    local cases=$1 expected=$2
    shift 2
    : >"$expected"
    local count=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        local name output flags=() file
        name=$(jq -r .name <<<"$line")
        output=$(jq -r .output <<<"$line")
        mapfile -t flags < <(jq -r '.flags[]?' <<<"$line")
        if jq -e 'has("file")' <<<"$line" >/dev/null; then
            jq -j .file <<<"$line" >"$tmp/file"
            output="$output=$tmp/file"
        fi
        local first=""
        for attempt in 1 2 3 4 5; do
            local rc=0
            "$@" "$line" "$output" "${flags[@]}" >"$tmp/out" 2>"$tmp/err.raw" || rc=$?
            normalize_klog <"$tmp/err.raw" >"$tmp/err"
            local this
            this=$(cat "$tmp/out" "$tmp/err"; echo "rc=$rc")
            if [ -z "$first" ]; then
                first=$this
            elif [ "$this" != "$first" ]; then
                echo "$name: kubectl's output is not deterministic" >&2
                exit 1
            fi
        done
        jq -nc --arg name "$name" --argjson rc "$rc" --rawfile stdout "$tmp/out" --rawfile stderr "$tmp/err" \
            '{name: $name, rc: $rc, stdout: $stdout, stderr: $stderr}' >>"$expected"
        count=$((count + 1))
    done <"$cases"
    echo "$(basename "$(dirname "$cases")")/$(basename "$cases"): $count cases"
}

annotate_case() {
    local line=$1 output=$2
    shift 2
    local input
    input=$(jq -r .input <<<"$line")
    "$kubectl" annotate --local --overwrite -f "$local_dir/objects/$input.json" fixture=x -o "$output" "$@"
}

get_case() {
    local line=$1 output=$2
    shift 2
    local target
    read -r -a target < <(jq -r .target <<<"$line")
    if [ -z "$output" ]; then
        # the default table; only its first column is kept (AGE changes)
        "$kubectl" get "${target[@]}" "$@" | awk '{print $1}'
        return "${PIPESTATUS[0]}"
    fi
    "$kubectl" get "${target[@]}" -o "$output" "$@"
}

capture_inputs() {
    local cases=$1 dir=$2
    mkdir -p "$dir/inputs"
    rm -f "$dir"/inputs/*.json
    jq -r .target "$cases" | sort -u | while IFS= read -r target; do
        local args
        read -r -a args <<<"$target"
        "$kubectl" get "${args[@]}" -o json --show-managed-fields >"$dir/inputs/${target// /_}.json"
    done
}

setup_cluster() {
    "$kubectl" apply -f - >/dev/null <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.jp.example.com
spec:
  group: jp.example.com
  names: {kind: Thing, listKind: ThingList, plural: things, singular: thing}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
EOF
    "$kubectl" wait --for condition=established crd/things.jp.example.com >/dev/null
    for objects in "$cluster_dir"/objects/*.json; do
        local ns
        ns=$(basename "$objects" .json)
        "$kubectl" create namespace "$ns" >/dev/null
        "$kubectl" create --validate=false -n "$ns" -f "$objects" >/dev/null
    done
    "$kubectl" create namespace jp-empty >/dev/null
}

teardown_cluster() {
    for objects in "$cluster_dir"/objects/*.json; do
        "$kubectl" delete namespace "$(basename "$objects" .json)" --ignore-not-found --timeout=120s >/dev/null
    done
    "$kubectl" delete namespace jp-empty --ignore-not-found --timeout=120s >/dev/null
    "$kubectl" delete crd things.jp.example.com --ignore-not-found >/dev/null
}

if [ "$what" = local ] || [ "$what" = all ]; then
    run_cases "$local_dir/cases.jsonl" "$local_dir/expected.jsonl" annotate_case
fi
if [ "$what" = cluster ] || [ "$what" = all ]; then
    teardown_cluster
    trap 'teardown_cluster; rm -rf "$tmp"' EXIT
    setup_cluster
    for dir in "$cluster_dir" "$cc_dir"; do
        capture_inputs "$dir/cases.jsonl" "$dir"
        run_cases "$dir/cases.jsonl" "$dir/expected.jsonl" get_case
    done
fi
echo "regenerated with $("$kubectl" version --client 2>/dev/null | head -1)"

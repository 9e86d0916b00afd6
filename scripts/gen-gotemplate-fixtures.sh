#!/usr/bin/env bash
# Regenerates the expected outputs of the go-template printer fixtures with
# the real kubectl (src/printers/gotemplate.rs runs them in its unit tests).
#
# Offline cases (no cluster needed):
#   testdata/printers/gotemplate/local/objects/NAME.json  input objects (hand-written;
#       each carries the annotation fixture=x so annotate leaves it unchanged)
#   testdata/printers/gotemplate/local/cases.jsonl
#       {"name","input","output","flags"?,"file"?}; OUTPUT is e.g. "go-template=TEMPLATE"
#   testdata/printers/gotemplate/local/expected.jsonl  {"name","rc","stdout","stderr"} of
#       kubectl annotate --local --overwrite -f objects/INPUT.json fixture=x -o OUTPUT FLAGS...
#
# Cluster cases (kubectl get of a List; a disposable test cluster in $KUBECONFIG):
#   testdata/printers/gotemplate/cluster/objects.json  created in namespace gotmpl-test
#   testdata/printers/gotemplate/cluster/cases.jsonl   {"name","target","output","flags"?}
#   .../inputs/TARGET.json   the document the printer saw: kubectl get TARGET -o json --show-managed-fields
#       (spaces in TARGET become _, slashes become %)
#   .../expected.jsonl       {"name","rc","stdout","stderr"} of kubectl get TARGET -o OUTPUT FLAGS...
#   The namespace gotmpl-test is created, then deleted.
#
# A case's "file" is written to a temporary file and OUTPUT (go-template-file)
# becomes OUTPUT=PATH. Each case runs three times; a case whose output
# changes is an error.
#
# Usage: scripts/gen-gotemplate-fixtures.sh [local|cluster|all] [KUBECTL]
set -euo pipefail

what=${1:-all}
kubectl=${2:-kubectl}
root=$(cd "$(dirname "$0")/.." && pwd)
local_dir=$root/testdata/printers/gotemplate/local
cluster_dir=$root/testdata/printers/gotemplate/cluster
ns=gotmpl-test
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_cases CASES EXPECTED COMMAND...: COMMAND gets the case line in $line.
run_cases() {
    local cases=$1 expected=$2
    shift 2
    : >"$expected"
    local count=0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        local name output flags=()
        name=$(jq -r .name <<<"$line")
        output=$(jq -r .output <<<"$line")
        mapfile -t flags < <(jq -r '.flags[]?' <<<"$line")
        if jq -e 'has("file")' <<<"$line" >/dev/null; then
            jq -j .file <<<"$line" >"$tmp/file"
            output="$output=$tmp/file"
        fi
        local first=""
        for attempt in 1 2 3; do
            local rc=0
            "$@" "$line" "$output" "${flags[@]}" >"$tmp/out" 2>"$tmp/err" || rc=$?
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
    "$kubectl" get "${target[@]}" -o "$output" "$@"
}

input_name() {
    local t=${1// /_}
    echo "${t//\//%}"
}

capture_inputs() {
    mkdir -p "$cluster_dir/inputs"
    rm -f "$cluster_dir"/inputs/*.json
    jq -r .target "$cluster_dir/cases.jsonl" | sort -u | while IFS= read -r target; do
        local args
        read -r -a args <<<"$target"
        "$kubectl" get "${args[@]}" -o json --show-managed-fields >"$cluster_dir/inputs/$(input_name "$target").json"
    done
}

setup_cluster() {
    "$kubectl" create namespace "$ns" >/dev/null
    "$kubectl" create -n "$ns" -f "$cluster_dir/objects.json" >/dev/null
}

teardown_cluster() {
    "$kubectl" delete namespace "$ns" --ignore-not-found --timeout=120s >/dev/null
}

if [ "$what" = local ] || [ "$what" = all ]; then
    run_cases "$local_dir/cases.jsonl" "$local_dir/expected.jsonl" annotate_case
fi
if [ "$what" = cluster ] || [ "$what" = all ]; then
    teardown_cluster
    trap 'teardown_cluster; rm -rf "$tmp"' EXIT
    setup_cluster
    capture_inputs
    run_cases "$cluster_dir/cases.jsonl" "$cluster_dir/expected.jsonl" get_case
fi
echo "regenerated with $("$kubectl" version --client 2>/dev/null | head -1)"

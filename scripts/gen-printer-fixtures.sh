#!/usr/bin/env bash
# Regenerates the expected outputs of the printer fixtures with the real
# kubectl (no cluster needed):
#
#   testdata/printers/yaml/NAME.json   input object (hand-written, committed)
#   testdata/printers/yaml/NAME.yaml   `kubectl ... -o yaml` output, or
#   testdata/printers/yaml/NAME.err    kubectl's error when it refuses
#   testdata/printers/json/NAME.json   `kubectl ... -o json` output
#
# Each input carries the annotation fixture=x, so
# `kubectl annotate --local --overwrite fixture=x` prints it unchanged.
#
#   testdata/printers/tabwriter/NAME.kubeconfig  input (committed)
#   testdata/printers/tabwriter/NAME.tsv         the rows kubectl feeds its
#                                                tabwriter (hand-written)
#   testdata/printers/tabwriter/NAME.txt         `kubectl config get-contexts`
#
# Usage: scripts/gen-printer-fixtures.sh [KUBECTL]
set -euo pipefail

kubectl=${1:-kubectl}
root=$(cd "$(dirname "$0")/.." && pwd)
yaml_dir=$root/testdata/printers/yaml
json_dir=$root/testdata/printers/json
mkdir -p "$json_dir"

print() {
    "$kubectl" annotate --local --overwrite -f "$1" fixture=x -o "$2"
}

count=0
for input in "$yaml_dir"/*.json; do
    name=$(basename "$input" .json)
    rm -f "$yaml_dir/$name.yaml" "$yaml_dir/$name.err" "$json_dir/$name.json"
    if ! print "$input" yaml >"$yaml_dir/$name.yaml" 2>"$yaml_dir/$name.err"; then
        rm -f "$yaml_dir/$name.yaml"
    else
        rm -f "$yaml_dir/$name.err"
    fi
    print "$input" json >"$json_dir/$name.json"
    # go-yaml sorts keys with a comparison that is not always transitive;
    # kubectl's order is then random. Such inputs make useless fixtures.
    if [ -e "$yaml_dir/$name.yaml" ]; then
        for _ in 1 2 3 4 5; do
            if ! print "$input" yaml | cmp -s - "$yaml_dir/$name.yaml"; then
                echo "$name: kubectl's YAML output is not deterministic; drop the offending keys" >&2
                exit 1
            fi
        done
    fi
    count=$((count + 1))
done

for config in "$root"/testdata/printers/tabwriter/*.kubeconfig; do
    "$kubectl" --kubeconfig "$config" config get-contexts >"${config%.kubeconfig}.txt"
    count=$((count + 1))
done
echo "regenerated $count fixtures with $("$kubectl" version --client 2>/dev/null | head -1)"

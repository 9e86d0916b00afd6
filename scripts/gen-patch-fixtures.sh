#!/usr/bin/env bash
# Records what the real kubectl computes and sends for `kubectl apply`, for
# the unit tests of src/patch (patch bodies must match byte for byte).
#
# Cluster cases (a disposable test cluster in $KUBECONFIG; namespace patch-test
# is created, then deleted):
#   testdata/patch/apply/CASE/before.json  applied first (kubectl apply, or
#       kubectl create when opts.json has "create": true)
#   testdata/patch/apply/CASE/live.json    optional: {"kubectl": [ARGS...]} run
#       between the two applies (an out-of-band change to the live object)
#   testdata/patch/apply/CASE/after.json   then applied with -v=10
#   testdata/patch/apply/CASE/opts.json    optional: {"create": bool,
#       "flags": [extra apply flags], "setup": [files under testdata/patch/setup]}
#   -> testdata/patch/apply/CASE/recorded.json:
#       {"rc", "stdout", "stderr" (warnings/errors, log lines removed),
#        "current"      the live object kubectl fetched before patching,
#        "patch_type"   Content-Type of the PATCH (null when none was sent),
#        "patch"        the exact PATCH body (string; null when none was sent),
#        "result"       the object the server returned,
#        "local_result" kubectl patch --local of current with that patch}
#
# Local cases (no cluster needed):
#   testdata/patch/local/cases.jsonl  {"name","type":"json|merge|strategic",
#       "object": {...}, "patch": ...}
#   -> testdata/patch/local/expected.jsonl  {"name","rc","result"|null,"stderr"}
#       from kubectl patch --local -f OBJECT --type TYPE -p PATCH -o json
#
# Also refreshes testdata/patch/openapi-v2.json: the server's /openapi/v2
# without descriptions and paths (the definitions the schema lookups use).
#
# Usage: scripts/gen-patch-fixtures.sh [apply|local|openapi|all] [CASE...]
set -euo pipefail

what=${1:-all}
shift || true
kubectl=${KUBECTL:-kubectl}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/patch
ns=patch-test
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# parse_log LOG OBJECT_URL_SUFFIX: prints {"current","patch_type","patch","result"}
# from a kubectl -v=10 log. klog prints bodies either as a Go-quoted string
# (body="...") or as a block (body=< / TAB-prefixed lines / " >").
parse_log() {
    python3 - "$1" "$2" <<'PY'
import json, re, sys

def go_unquote(s):
    # s includes the surrounding quotes; Go strconv.Quote syntax.
    assert s[0] == '"' and s[-1] == '"', s[:40]
    s = s[1:-1]
    out = bytearray()
    i = 0
    simple = {'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11, '\\': 92, '"': 34, "'": 39}
    while i < len(s):
        c = s[i]
        if c != '\\':
            out += c.encode()
            i += 1
            continue
        n = s[i + 1]
        if n in simple:
            out.append(simple[n]); i += 2
        elif n == 'x':
            out.append(int(s[i + 2:i + 4], 16)); i += 4
        elif n == 'u':
            out += chr(int(s[i + 2:i + 6], 16)).encode(); i += 6
        elif n == 'U':
            out += chr(int(s[i + 2:i + 10], 16)).encode(); i += 10
        elif n in '01234567':
            out.append(int(s[i + 1:i + 4], 8)); i += 4
        else:
            raise ValueError('bad escape ' + n)
    return out.decode('utf-8')

log_path, suffix = sys.argv[1], sys.argv[2]
lines = open(log_path, encoding='utf-8', errors='replace').read().split('\n')
events = []  # ('req'|'resp', body) and ('curl', method, url, headers)
i = 0
body_re = re.compile(r'"(Request|Response) Body" body=(.*)$')
curl_re = re.compile(r"curl -v -X(\w+) (.*) '([^']*)'$")
while i < len(lines):
    line = lines[i]
    m = body_re.search(line)
    if m:
        kind = 'req' if m.group(1) == 'Request' else 'resp'
        rest = m.group(2)
        if rest == '<':
            block = []
            i += 1
            while i < len(lines) and lines[i] != ' >':
                block.append(lines[i][1:] if lines[i].startswith('\t') else lines[i])
                i += 1
            events.append((kind, '\n'.join(block)))
        else:
            events.append((kind, go_unquote(rest)))
        i += 1
        continue
    m = curl_re.search(line)
    if m:
        headers = dict(h.split(': ', 1) for h in re.findall(r'-H "([^"]*)"', m.group(2)))
        events.append(('curl', m.group(1), m.group(3), headers))
    i += 1

def path_of(url):
    return url.split('?', 1)[0]

out = {'current': None, 'patch_type': None, 'patch': None, 'result': None}
last_curl = None
pending_req = None
for ev in events:
    if ev[0] == 'req':
        pending_req = ev[1]
    elif ev[0] == 'curl':
        last_curl = ev
        if ev[1] == 'PATCH' and path_of(ev[2]).endswith(suffix):
            out['patch'] = pending_req
            out['patch_type'] = ev[3].get('Content-Type')
    elif ev[0] == 'resp' and last_curl is not None and path_of(last_curl[2]).endswith(suffix):
        if last_curl[1] == 'GET' and out['patch'] is None:
            out['current'] = json.loads(ev[1])
        elif last_curl[1] == 'PATCH':
            out['result'] = json.loads(ev[1])
print(json.dumps(out))
PY
}

# resource_path FILE: the suffix of the object's URL (names are unique per case).
resource_path() {
    echo "/$(jq -r .metadata.name "$1")"
}

record_case() {
    local case_dir=$1 name opts flags=() setup=() live_args=() rc patch_type
    name=$(basename "$case_dir")
    opts='{}'
    [ -f "$case_dir/opts.json" ] && opts=$(cat "$case_dir/opts.json")
    mapfile -t flags < <(jq -r '.flags[]?' <<<"$opts")
    mapfile -t setup < <(jq -r '.setup[]?' <<<"$opts")
    for s in "${setup[@]}"; do
        "$kubectl" apply -f "$dir/setup/$s" >/dev/null
        if [ "$(jq -r .kind "$dir/setup/$s")" = CustomResourceDefinition ]; then
            "$kubectl" wait --for=condition=Established "crd/$(jq -r .metadata.name "$dir/setup/$s")" >/dev/null
        fi
    done
    "$kubectl" delete -f "$case_dir/before.json" --ignore-not-found --wait=true >/dev/null 2>&1 || true
    if [ "$(jq -r '.create // false' <<<"$opts")" = true ]; then
        "$kubectl" create -f "$case_dir/before.json" >/dev/null
    else
        "$kubectl" apply -f "$case_dir/before.json" >/dev/null
    fi
    if [ -f "$case_dir/live.json" ]; then
        mapfile -t live_args < <(jq -r '.kubectl[]' "$case_dir/live.json")
        "$kubectl" -n "$ns" "${live_args[@]}" >/dev/null
    fi
    sleep 0.5
    set +e
    "$kubectl" apply -f "$case_dir/after.json" "${flags[@]}" -v=10 >"$tmp/stdout" 2>"$tmp/log"
    rc=$?
    set -e
    # stderr as the user sees it: everything but klog lines and their blocks.
    python3 - "$tmp/log" >"$tmp/stderr" <<'PY'
import re, sys
skip = False
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    if skip:
        if line.rstrip('\n') == ' >':
            skip = False
        continue
    if re.match(r'^[IWEF]\d{4} ', line):
        if line.rstrip('\n').endswith('body=<'):
            skip = True
        continue
    sys.stdout.write(line)
PY
    parse_log "$tmp/log" "$(resource_path "$case_dir/after.json")" >"$tmp/parsed.json"
    local local_result=null
    patch_type=$(jq -r '.patch_type // ""' "$tmp/parsed.json")
    if [ -n "$patch_type" ]; then
        jq .current "$tmp/parsed.json" >"$tmp/current.json"
        jq -j .patch "$tmp/parsed.json" >"$tmp/patch.json"
        local type=strategic
        [ "$patch_type" = application/merge-patch+json ] && type=merge
        # null when kubectl cannot patch locally (types outside its scheme)
        local_result=$("$kubectl" patch --local -f "$tmp/current.json" --type "$type" \
            --patch-file "$tmp/patch.json" -o json 2>/dev/null || echo null)
    fi
    jq -n --argjson rc "$rc" --rawfile stdout "$tmp/stdout" --rawfile stderr "$tmp/stderr" \
        --slurpfile parsed "$tmp/parsed.json" --argjson local "$local_result" \
        '{rc: $rc, stdout: $stdout, stderr: $stderr} + $parsed[0] + {local_result: $local}' \
        >"$case_dir/recorded.json"
    echo "recorded $name (rc=$rc, ${patch_type:-no patch})" >&2
}

do_apply() {
    # A namespace left terminating by a previous run accepts no objects.
    "$kubectl" wait --for=delete "namespace/$ns" --timeout=180s >/dev/null 2>&1 || true
    "$kubectl" create namespace "$ns" >/dev/null
    local cases=("$@")
    if [ ${#cases[@]} -eq 0 ]; then
        mapfile -t cases < <(ls "$dir/apply")
    fi
    for c in "${cases[@]}"; do
        record_case "$dir/apply/$c"
    done
    # Finalizers would keep the namespace from going away.
    for cm in $("$kubectl" -n "$ns" get configmaps -o name); do
        "$kubectl" -n "$ns" patch "$cm" --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null
    done
    # Cluster-scoped objects (the CRD case) outlive the namespace.
    for c in "${cases[@]}"; do
        "$kubectl" delete -f "$dir/apply/$c/after.json" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    done
    "$kubectl" delete namespace "$ns" --wait=false >/dev/null
    for s in "$dir"/setup/*.json; do
        [ -e "$s" ] && "$kubectl" delete -f "$s" --ignore-not-found --wait=false >/dev/null
    done
}

do_local() {
    local cases=$dir/local/cases.jsonl expected=$dir/local/expected.jsonl
    : >"$expected"
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        local name type rc
        name=$(jq -r .name <<<"$line")
        type=$(jq -r .type <<<"$line")
        jq .object <<<"$line" >"$tmp/object.json"
        jq -c .patch <<<"$line" >"$tmp/patch.json"
        set +e
        "$kubectl" patch --local -f "$tmp/object.json" --type "$type" --patch-file "$tmp/patch.json" \
            -o json >"$tmp/stdout" 2>"$tmp/stderr"
        rc=$?
        set -e
        if [ "$rc" -eq 0 ]; then
            jq -c -n --arg name "$name" --slurpfile result "$tmp/stdout" --rawfile stderr "$tmp/stderr" \
                '{name: $name, rc: 0, result: $result[0], stderr: $stderr}' >>"$expected"
        else
            jq -c -n --arg name "$name" --argjson rc "$rc" --rawfile stderr "$tmp/stderr" \
                '{name: $name, rc: $rc, result: null, stderr: $stderr}' >>"$expected"
        fi
    done <"$cases"
    echo "recorded $(wc -l <"$expected") local cases" >&2
}

do_openapi() {
    "$kubectl" get --raw /openapi/v2 |
        jq -c 'del(.paths) | walk(if type == "object" then del(.description) else . end)' \
            >"$dir/openapi-v2.json"
}

case $what in
apply) do_apply "$@" ;;
local) do_local ;;
openapi) do_openapi ;;
all)
    do_openapi
    do_local
    do_apply
    ;;
*)
    echo "usage: $0 [apply|local|openapi|all] [CASE...]" >&2
    exit 2
    ;;
esac

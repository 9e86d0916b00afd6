#!/usr/bin/env python3
"""Regenerate src/local/openapi/definitions.json.gz from the Kubernetes API spec.

`kctl local` serves OpenAPI v2 and v3 (kubectl reads them for client-side
validation, `kubectl explain` and the strategic-merge metadata of client-side
apply). The schemas come from the apiserver's swagger.json, trimmed to the
kinds src/local/resources.rs serves (each kind, its List, and everything they
reference) plus the meta types the paths return, and gzipped (with a zero
mtime, so regenerating is reproducible). The server decompresses it on the
first OpenAPI request.

Usage: gen-openapi.py SWAGGER_JSON RESOURCES_RS > src/local/openapi/definitions.json.gz
(SWAGGER_JSON is kubernetes/api/openapi-spec/swagger.json of the reference
apiserver, v1.20: /root/.cache/kctl/test-cluster/v1.20.2/src/kubernetes-*/api/openapi-spec/swagger.json)
"""
import gzip, io, json, re, sys

spec = json.load(open(sys.argv[1]))
defs = spec["definitions"]
served = re.findall(r'r!\("([^"]*)", "([^"]*)", "[^"]*", "[^"]*", "([^"]*)"', open(sys.argv[2]).read())
served_gv = {(g, v) for g, v, _ in served} | {("autoscaling", "v1")}

def gvks(d):
    return [(x["group"], x["version"], x["kind"]) for x in d.get("x-kubernetes-group-version-kind", [])]

def promote(g, v, kind):
    """A kind kctl local serves at a version v1.20 only has in beta (batch/v1
    CronJob, discovery.k8s.io/v1 EndpointSlice): the beta schema, with the
    beta package's own types copied under the served version's package."""
    for n, d in list(defs.items()):
        old = [x for x in gvks(d) if x[0] == g and x[2] == kind]
        if not old:
            continue
        pkg = n.rsplit(".", 1)[0]
        new_pkg = pkg.rsplit(".", 1)[0] + "." + v
        todo, seen = [n], set()
        while todo:
            m = todo.pop()
            if m in seen or not m.startswith(pkg + "."):
                continue
            seen.add(m)
            todo += re.findall(r'"#/definitions/([^"]+)"', json.dumps(defs[m]))
        for m in seen:
            text = json.dumps(defs[m])
            for o in seen:
                text = text.replace(f'"#/definitions/{o}"', f'"#/definitions/{new_pkg}.{o.rsplit(".", 1)[1]}"')
            d2 = json.loads(text)
            if "x-kubernetes-group-version-kind" in d2:
                d2["x-kubernetes-group-version-kind"] = [{"group": x["group"], "kind": x["kind"], "version": v} for x in d2["x-kubernetes-group-version-kind"]]
            defs.setdefault(f"{new_pkg}.{m.rsplit('.', 1)[1]}", d2)
        return

roots = []
for g, v, k in served + [("autoscaling", "v1", "Scale")]:
    for kind in (k, k + "List"):
        names = [n for n, d in defs.items() if (g, v, kind) in gvks(d)]
        if not names:
            promote(g, v, kind)
            names = [n for n, d in defs.items() if (g, v, kind) in gvks(d)]
        if kind == k and not names:
            sys.exit(f"no definition for {g}/{v} {kind}")
        roots += names
meta = "io.k8s.apimachinery.pkg.apis.meta.v1."
roots += [meta + "Status", meta + "DeleteOptions", meta + "WatchEvent", meta + "Patch"]

# The promoted kinds' fields that only their v1 has (as in the v1.32 API),
# so a v1 manifest is not refused for them.
V1_ONLY = {
    "io.k8s.api.discovery.v1.Endpoint": {
        "zone": {"description": "zone is the name of the Zone this endpoint exists in.", "type": "string"},
        "hints": {"description": "hints contains information associated with how an endpoint should be consumed.", "$ref": "#/definitions/io.k8s.api.discovery.v1.EndpointHints"},
        "deprecatedTopology": {"description": "deprecatedTopology contains topology information part of the v1beta1 API. This field is deprecated, and will be removed when the v1beta1 API is removed (no sooner than kubernetes v1.24).", "type": "object", "additionalProperties": {"type": "string"}},
    },
    "io.k8s.api.batch.v1.CronJobSpec": {
        "timeZone": {"description": "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process.", "type": "string"},
    },
}
defs.setdefault("io.k8s.api.discovery.v1.EndpointHints", {"description": "EndpointHints provides hints describing how an endpoint should be consumed.", "type": "object",
    "properties": {"forZones": {"description": "forZones indicates the zone(s) this endpoint should be consumed by to enable topology aware routing.", "type": "array", "items": {"$ref": "#/definitions/io.k8s.api.discovery.v1.ForZone"}, "x-kubernetes-list-type": "atomic"}}})
defs.setdefault("io.k8s.api.discovery.v1.ForZone", {"description": "ForZone provides information about which zones should consume this endpoint.", "type": "object", "required": ["name"],
    "properties": {"name": {"description": "name represents the name of the zone.", "type": "string"}}})
for name, props in V1_ONLY.items():
    defs[name]["properties"] = dict(sorted({**defs[name]["properties"], **props}.items()))
defs["io.k8s.api.discovery.v1.Endpoint"]["properties"].pop("topology", None)

keep, todo = set(), list(roots)
while todo:
    n = todo.pop()
    if n in keep:
        continue
    keep.add(n)
    todo += re.findall(r'"#/definitions/([^"]+)"', json.dumps(defs[n]))

out = {}
for n in sorted(keep):
    d = dict(defs[n])
    if "x-kubernetes-group-version-kind" in d:
        # Types shared by every group (DeleteOptions, WatchEvent) list only the served ones.
        d["x-kubernetes-group-version-kind"] = [x for x in d["x-kubernetes-group-version-kind"] if (x["group"], x["version"]) in served_gv]
    out[n] = d

buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as f:
    f.write(json.dumps({"info": spec["info"], "definitions": out}, separators=(",", ":")).encode())
sys.stdout.buffer.write(buf.getvalue())
print(f"{len(out)} definitions", file=sys.stderr)

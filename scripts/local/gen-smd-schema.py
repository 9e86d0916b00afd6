#!/usr/bin/env python3
"""Generates src/local/smd_schema.json: the structured-merge-diff view of the
built-in types `kctl local` serves, for server-side apply and managedFields.

Inputs:
  1. the OpenAPI v2 document of a v1.20 kube-apiserver (`kubectl get --raw /openapi/v2`);
  2. the k8s.io/api Go sources of the same release, for which fields a Go zero
     value serialises (non-omitempty fields and non-pointer structs): the
     apiserver compares a created object with that zero value, so these fields
     never get a "." entry in an Update's fieldsV1.

The conversion follows kube-openapi's schemaconv (x-kubernetes-list-type and
-list-map-keys first, then patch strategy and merge key; map-type atomic).

Usage: gen-smd-schema.py OPENAPI.json K8S_SRC_DIR > src/local/smd_schema.json
"""
import json
import os
import re
import sys

SERVED = [
    ("", "v1", k) for k in ["Namespace", "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "ServiceAccount",
                            "Event", "Node", "PersistentVolume", "PersistentVolumeClaim"]
] + [("apps", "v1", k) for k in ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"]] + [
    ("batch", "v1", "Job"), ("batch", "v1", "CronJob"),
    ("networking.k8s.io", "v1", "Ingress"), ("networking.k8s.io", "v1", "IngressClass"),
    ("discovery.k8s.io", "v1", "EndpointSlice"), ("storage.k8s.io", "v1", "StorageClass"),
] + [("rbac.authorization.k8s.io", "v1", k) for k in ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]] + [
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
]


defaults = {}
omitted = {}


def go_zero_fields(src):
    """{openapi def name: [json names of the fields a zero value has: "name" for {}, "~name" for null]}."""
    out = {}
    global defaults
    roots = [("staging/src/k8s.io/api", "io.k8s.api"),
             ("staging/src/k8s.io/apimachinery/pkg/apis/meta/v1", "io.k8s.apimachinery.pkg.apis.meta.v1"),
             ("staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1",
              "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1")]
    default_re = re.compile(r'^\s*// \+default=(.*)$')
    field_re = re.compile(r'^\s+(?:\w+\s+)?(\S+)\s+`json:"([^"]*)"')
    for rel, prefix in roots:
        base = os.path.join(src, rel)
        for dirpath, _, files in os.walk(base):
            if "types.go" not in files:
                continue
            sub = os.path.relpath(dirpath, base)
            pkg = prefix if sub == "." else prefix + "." + sub.replace(os.sep, ".")
            cur = None
            default = None
            for line in open(os.path.join(dirpath, "types.go")):
                d = default_re.match(line)
                if d:
                    default = json.loads(d.group(1))
                    continue
                m = re.match(r"^type (\w+) struct \{", line)
                if m:
                    cur = pkg + "." + m.group(1)
                    out.setdefault(cur, [])
                    continue
                if line.startswith("}"):
                    cur = None
                    continue
                if cur is None:
                    continue
                m = field_re.match(line)
                if not m:
                    continue
                ty, tag = m.groups()
                parts = tag.split(",")
                name, omitempty = parts[0], "omitempty" in parts[1:]
                if default is not None:
                    # A default makes a list-map key optional (ContainerPort.protocol in v1.20).
                    defaults.setdefault(cur, {})[name] = default
                    default = None
                if not name or "inline" in parts[1:]:
                    continue
                # Named map types (ResourceList) are maps too.
                composite = ty.startswith(("[]", "map[", "*")) or ty.endswith("ResourceList")
                # A non-pointer struct serialises as {} (omitempty or not), a
                # non-omitempty slice, map or pointer as null.
                if not composite:
                    out[cur].append(name)
                elif not omitempty:
                    out[cur].append("~" + name)
                if omitempty and not ty.startswith("*"):
                    # Dropped by a Go round trip when zero or empty.
                    omitted.setdefault(cur, []).append(name)
    return out


def main():
    doc = json.load(open(sys.argv[1]))
    zero = go_zero_fields(sys.argv[2])
    defs = doc["definitions"]
    out_defs = {}
    gvk = {}

    def ref_name(r):
        return r.split("/")[-1]

    def conv(s):
        """One schema node -> compact form; named references stay names."""
        if "$ref" in s:
            n = ref_name(s["$ref"])
            if n == "io.k8s.apimachinery.pkg.runtime.RawExtension":
                return "u"
            need.append(n)
            return n
        t = s.get("type")
        if t == "array":
            node = {"l": conv(s.get("items", {}))}
            lt = s.get("x-kubernetes-list-type")
            if lt == "set":
                node["set"] = 1
            elif lt == "map":
                node["k"] = s["x-kubernetes-list-map-keys"]
            elif lt is None and s.get("x-kubernetes-patch-strategy") in ("merge", "merge,retainKeys"):
                if "x-kubernetes-patch-merge-key" in s:
                    node["k"] = [s["x-kubernetes-patch-merge-key"]]
                else:
                    node["set"] = 1
            return node
        if t == "object" or "properties" in s:
            if "properties" in s:
                node = {"m": {k: conv(v) for k, v in s["properties"].items()}}
            else:
                node = {"m": {}, "e": conv(s["additionalProperties"]) if "additionalProperties" in s else "u"}
            if s.get("x-kubernetes-map-type") == "atomic":
                node["a"] = 1
            return node
        if t in ("string", "integer", "number", "boolean"):
            return "s"
        return "u"

    need = []
    for g, v, k in SERVED:
        name = None
        for n, d in defs.items():
            for x in d.get("x-kubernetes-group-version-kind", []):
                if x["group"] == g and x["version"] == v and x["kind"] == k:
                    name = n
        if name is None:
            # Not served by v1.20 at this version: the newest one it has.
            cands = [n for n, d in defs.items()
                     if any(x["group"] == g and x["kind"] == k for x in d.get("x-kubernetes-group-version-kind", []))]
            name = sorted(cands)[-1]
        gvk[f"{g}/{v}/{k}"] = name
        need.append(name)
    while need:
        n = need.pop()
        if n in out_defs:
            continue
        node = conv(defs[n])
        if isinstance(node, dict) and "m" in node and n in zero:
            z = [f for f in zero[n] if f.lstrip("~") in node["m"] and node["m"][f.lstrip("~")] != "s"]
            if z:
                node["z"] = z
        if isinstance(node, dict) and "m" in node and n in omitted:
            oe = [f for f in omitted[n] if f in node["m"]]
            if oe:
                node["oe"] = oe
        if isinstance(node, dict) and "m" in node and n in defaults:
            node["dflt"] = defaults[n]
        out_defs[n] = node
    json.dump({"gvk": gvk, "defs": out_defs}, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


main()

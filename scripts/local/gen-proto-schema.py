#!/usr/bin/env python3
"""Regenerate src/local/proto_schema.txt from the Kubernetes generated.proto files.

kubectl's typed clients (create namespace/configmap/secret/deployment, run, ...)
send protobuf bodies, so `kctl local` decodes them with this field table:
one message per line, `pkg.Message field=number:type ...`, where type is a
scalar (string, bytes, bool, int32, int64, double), `pkg.Message`, `*type`
(repeated) or `map:type` (map with string keys).

Usage: gen-proto-schema.py STAGING_DIR > src/local/proto_schema.txt
(STAGING_DIR is kubernetes/staging/src/k8s.io)
"""
import re, sys

PKGS = {
    "api/core/v1": "core", "api/apps/v1": "apps", "api/batch/v1": "batch",
    "api/batch/v1beta1": "batchv1beta1", "api/networking/v1": "networking",
    "api/storage/v1": "storage", "api/rbac/v1": "rbac", "api/discovery/v1beta1": "discovery",
    "api/autoscaling/v1": "autoscaling", "api/policy/v1beta1": "policy",
    "apimachinery/pkg/apis/meta/v1": "meta", "apimachinery/pkg/runtime": "runtime",
    "apimachinery/pkg/util/intstr": "intstr", "apimachinery/pkg/api/resource": "resource",
}
FULL = {}
for path, short in PKGS.items():
    FULL["k8s.io." + path.replace("/", ".").replace("api.", "api.", 1)] = short
# package names as written in the files
PKGNAME = {}
root = sys.argv[1]
out = []
for path, short in PKGS.items():
    text = open(f"{root}/{path}/generated.proto").read()
    pkg = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    PKGNAME[pkg] = short
texts = {short: open(f"{root}/{path}/generated.proto").read() for path, short in PKGS.items()}
SCALARS = {"string", "bytes", "bool", "int32", "int64", "double", "float", "uint32", "uint64", "fixed64", "fixed32"}

def typ(t, short):
    if t in SCALARS:
        return t
    if "." in t:
        pkg, _, name = t.rpartition(".")
        return f"{PKGNAME.get(pkg, pkg)}.{name}"
    return f"{short}.{t}"

for short, text in texts.items():
    text = re.sub(r"//[^\n]*", "", text)
    for m in re.finditer(r"message (\w+) \{(.*?)\n\}", text, re.S):
        name, body = m.group(1), m.group(2)
        fields = []
        for f in re.finditer(r"(optional|repeated)?\s*(map<\s*string\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)", body):
            label, t, mapv, fname, num = f.groups()
            if mapv:
                ty = "map:" + typ(mapv, short)
            else:
                ty = typ(t, short)
                if label == "repeated":
                    ty = "*" + ty
            fields.append(f"{fname}={num}:{ty}")
        out.append(f"{short}.{name} " + " ".join(fields))
print("\n".join(out))

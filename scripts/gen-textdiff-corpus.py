#!/usr/bin/env python3
"""Writes the corpus for src/textdiff (kctl's built-in `diff -u -N`).

testdata/textdiff/CASE/LIVE/...   the "live" objects (kubectl diff's LIVE-XXXX)
testdata/textdiff/CASE/MERGED/... the "merged" objects (MERGED-XXXX)

A side directory that is missing stands for an empty directory. The tests
copy both sides into a temp dir, run /usr/bin/diff -u -N LIVE MERGED and
kctl's textdiff::diff_dirs on them, and compare the bytes; expected.diff
(blessed with TEXTDIFF_BLESS=1 cargo test --bin kctl textdiff) holds GNU
diff's output with the temp dir and timestamps normalised.

Deterministic: rerunning rewrites the same files.
"""
import os
import random
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "textdiff")


def write(case, side, name, text):
    d = os.path.join(ROOT, case, side, os.path.dirname(name))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(ROOT, case, side, name), "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)


def pair(case, live, merged, name="apps.v1.Deployment.default.web"):
    if live is not None:
        write(case, "LIVE", name, live)
    if merged is not None:
        write(case, "MERGED", name, merged)


def deployment(name="web", replicas=3, image="nginx:1.25", rv="12345", gen=4,
               containers=None, env=None, extra_labels=(), annotations=True):
    containers = containers or [("nginx", image, 80)]
    out = []
    out.append("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")
    if annotations:
        out.append("  annotations:\n    deployment.kubernetes.io/revision: \"%d\"\n" % gen)
        out.append("    kubectl.kubernetes.io/last-applied-configuration: |\n")
        out.append('      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},'
                   '"name":"%s","namespace":"default"},"spec":{"replicas":%d,"selector":{"matchLabels":'
                   '{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":'
                   '[{"image":"%s","name":"nginx"}]}}}}\n' % (name, replicas, name, name, image))
    out.append("  creationTimestamp: \"2024-05-01T10:00:00Z\"\n  generation: %d\n" % gen)
    out.append("  labels:\n    app: %s\n" % name)
    for k, v in extra_labels:
        out.append("    %s: %s\n" % (k, v))
    out.append("  managedFields:\n")
    for mgr, op in (("kubectl-client-side-apply", "Update"), ("kube-controller-manager", "Update")):
        out.append("  - apiVersion: apps/v1\n    fieldsType: FieldsV1\n    fieldsV1:\n")
        out.append("      f:metadata:\n        f:annotations:\n          .: {}\n")
        out.append("          f:kubectl.kubernetes.io/last-applied-configuration: {}\n")
        out.append("      f:spec:\n        f:replicas: {}\n")
        out.append("    manager: %s\n    operation: %s\n    time: \"2024-05-01T10:00:00Z\"\n" % (mgr, op))
    out.append("  name: %s\n  namespace: default\n  resourceVersion: \"%s\"\n" % (name, rv))
    out.append("  uid: 0b5b0c0e-6a39-4c1a-9d55-2f3c1d0e9a11\nspec:\n  progressDeadlineSeconds: 600\n")
    out.append("  replicas: %d\n  revisionHistoryLimit: 10\n  selector:\n    matchLabels:\n      app: %s\n" % (replicas, name))
    out.append("  strategy:\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 25%\n    type: RollingUpdate\n")
    out.append("  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: %s\n    spec:\n      containers:\n" % name)
    for cname, cimage, port in containers:
        out.append("      - image: %s\n        imagePullPolicy: IfNotPresent\n        name: %s\n" % (cimage, cname))
        if env:
            out.append("        env:\n")
            for k, v in env:
                out.append("        - name: %s\n          value: \"%s\"\n" % (k, v))
        out.append("        ports:\n        - containerPort: %d\n          protocol: TCP\n" % port)
        out.append("        resources: {}\n        terminationMessagePath: /dev/termination-log\n"
                   "        terminationMessagePolicy: File\n")
    out.append("      dnsPolicy: ClusterFirst\n      restartPolicy: Always\n      schedulerName: default-scheduler\n"
               "      securityContext: {}\n      terminationGracePeriodSeconds: 30\n")
    return "".join(out)


def configmap(data, rv="100"):
    out = ["apiVersion: v1\ndata:\n"]
    for k, v in data:
        if "\n" in v:
            out.append("  %s: |\n" % k)
            for line in v.splitlines():
                out.append(("    " + line).rstrip(" ") + "\n" if line else "\n")
        else:
            out.append("  %s: %s\n" % (k, v))
    out.append("kind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\n  resourceVersion: \"%s\"\n" % rv)
    return "".join(out)


def service(ports, rv="200", selector="web"):
    out = ["apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\n"
           "  resourceVersion: \"%s\"\nspec:\n  clusterIP: 10.96.12.34\n  ports:\n" % rv]
    for name, port, target in ports:
        out.append("  - name: %s\n    port: %d\n    protocol: TCP\n    targetPort: %d\n" % (name, port, target))
    out.append("  selector:\n    app: %s\n  sessionAffinity: None\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n" % selector)
    return "".join(out)


def lines(n, fmt="line %d\n"):
    return "".join(fmt % i for i in range(1, n + 1))


def main():
    if os.path.isdir(ROOT):
        for entry in os.listdir(ROOT):
            p = os.path.join(ROOT, entry)
            if os.path.isdir(p):
                shutil.rmtree(p)
    os.makedirs(ROOT, exist_ok=True)

    base = lines(20)
    ls = base.splitlines(True)
    pair("edit_start", base, "first\n" + "".join(ls[1:]))
    pair("edit_end", base, "".join(ls[:-1]) + "last\n")
    pair("edit_middle", base, "".join(ls[:9]) + "changed\n" + "".join(ls[10:]))
    pair("insert_start", base, "new\n" + base)
    pair("delete_end", base, "".join(ls[:-2]))
    pair("hunks_gap6", base, "".join(ls[:3]) + "x\n" + "".join(ls[4:10]) + "y\n" + "".join(ls[11:]))
    pair("hunks_gap7", base, "".join(ls[:3]) + "x\n" + "".join(ls[4:11]) + "y\n" + "".join(ls[12:]))
    pair("hunks_gap5", base, "".join(ls[:3]) + "x\n" + "".join(ls[4:9]) + "y\n" + "".join(ls[10:]))
    pair("single_line", "a\n", "b\n")
    pair("single_line_nonl", "a", "b")
    pair("identical", base, base)
    pair("missing_newline_old", base.rstrip("\n"), base)
    pair("missing_newline_new", base, base.rstrip("\n"))
    pair("missing_newline_both_changed", base.rstrip("\n"), base.rstrip("\n") + "x")
    pair("missing_newline_both_middle", base.rstrip("\n"), "".join(ls[:8]) + "mid\n" + "".join(ls[9:]).rstrip("\n"))
    pair("missing_newline_same_last", "a\nb\nc", "a\nB\nc")
    pair("missing_newline_append", "a\nb\nc", "a\nb\nc\nd\n")
    pair("empty_old", "", base)
    pair("empty_new", base, "")
    pair("empty_both", "", "")
    pair("absent_old", None, base)
    pair("absent_new", base, None)
    pair("absent_old_empty_new", None, "")
    pair("absent_old_one_line_nonl", None, "x")
    pair("blank_lines", "a\n\n\nb\n\nc\n", "a\n\nb\n\n\nc\n")
    pair("tabs_spaces", "a:\n\tb: 1\n  c: 2 \nd\r\n", "a:\n  b: 1\n  c: 2\nd\n")
    pair("whitespace_only", "key: value\n", "key:  value\n")
    pair("crlf", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n")

    # YAML lists with repeated lines: ambiguous alignments.
    items = lambda names: "containers:\n" + "".join(
        "- name: %s\n  image: img\n  ports:\n  - containerPort: 80\n" % n for n in names)
    pair("list_insert_item", items("abc"), items("abxc"))
    pair("list_remove_item", items("abcd"), items("acd"))
    pair("list_move_item", items("abcde"), items("bcdea"))
    pair("list_swap_items", items("abcd"), items("abdc"))
    pair("list_dup_item", items("abc"), items("abbc"))
    same = lambda k: "env:\n" + "- name: x\n  value: \"1\"\n" * k
    pair("repeated_blocks_grow", same(5), same(7))
    pair("repeated_blocks_shrink", same(6), same(3))
    pair("repeated_with_change", same(4) + "end\n", same(2) + "- name: y\n  value: \"1\"\n" + same(1) + "end\n")
    pair("repeated_lines", "a\n" * 10, "a\n" * 4 + "b\n" + "a\n" * 6)
    pair("abab", "a\nb\n" * 8, "b\na\n" * 8)
    pair("brace_lines", "}\n}\n}\nx\n}\n}\n", "}\nx\n}\n}\n}\n}\n")

    # Real-looking kubectl get -o yaml objects.
    pair("deploy_replicas", deployment(replicas=3), deployment(replicas=5, rv="12345"))
    pair("deploy_image", deployment(), deployment(image="nginx:1.27", gen=5))
    pair("deploy_add_container", deployment(),
         deployment(containers=[("nginx", "nginx:1.25", 80), ("sidecar", "envoy:v1.30", 9901)]))
    pair("deploy_remove_container",
         deployment(containers=[("nginx", "nginx:1.25", 80), ("sidecar", "envoy:v1.30", 9901),
                                ("log", "fluent-bit:3", 2020)]),
         deployment(containers=[("nginx", "nginx:1.25", 80), ("log", "fluent-bit:3", 2020)]))
    pair("deploy_env", deployment(env=[("A", "1"), ("B", "2"), ("C", "3")]),
         deployment(env=[("A", "1"), ("X", "9"), ("B", "2"), ("C", "4")]))
    pair("deploy_labels", deployment(), deployment(extra_labels=[("tier", "frontend"), ("team", "a")]))
    pair("deploy_create", None, deployment(annotations=False))
    pair("deploy_delete", deployment(), None)
    cm_old = configmap([("app.properties", "a=1\nb=2\nc=3\n\nd=4\n"), ("mode", "prod"), ("script.sh", "#!/bin/sh\necho hi\n\texit 0\n")])
    cm_new = configmap([("app.properties", "a=1\nb=20\nc=3\n\n\nd=4\ne=5\n"), ("mode", "dev"), ("script.sh", "#!/bin/sh\necho hello\n\texit 0\n")], rv="101")
    pair("configmap_data", cm_old, cm_new, name="v1.ConfigMap.default.cfg")
    pair("service_ports", service([("http", 80, 8080), ("https", 443, 8443)]),
         service([("http", 80, 8080), ("grpc", 9090, 9090), ("https", 443, 8443)], selector="web2"),
         name="v1.Service.default.web")

    # Several objects in one diff, some identical, in diff's sort order.
    multi = "multi_objects"
    pair(multi, deployment(), deployment(replicas=2), name="apps.v1.Deployment.default.web")
    pair(multi, deployment(name="api"), deployment(name="api"), name="apps.v1.Deployment.default.api")
    pair(multi, cm_old, cm_new, name="v1.ConfigMap.default.cfg")
    pair(multi, None, service([("http", 80, 8080)]), name="v1.Service.default.web")
    pair(multi, service([("http", 80, 8080)]), None, name="v1.Service.default.old")
    pair(multi, "a\n", "b\n", name="Z.upper")
    pair(multi, "a\n", "b\n", name="_under")
    pair(multi, "a\n", "b\n", name="a-dash")
    pair(multi, "a\n", "b\n", name="a.dot")
    pair(multi, "a\n", "b\n", name="10.num")
    pair(multi, "a\n", "b\n", name="9.num")

    pair("name_escaping", "a\n", "b\n", name="has space")
    pair("name_escaping", "a\n", "b\n", name='quote"tab\tback\\slash')
    pair("name_escaping", "a\n", "b\n", name="utf8-\u00e9")
    pair("binary", b"a\x00b\n", b"a\x00c\n", name="bin")
    pair("binary", b"same\x00\n", b"same\x00\n", name="bin-same")
    pair("binary", None, b"\x00", name="bin-new")
    pair("subdirs", "a\n", "b\n", name="sub/x")
    pair("subdirs", "a\n", None, name="only-live/x")
    pair("subdirs", None, "a\n", name="only-merged/x")
    pair("subdirs", "a\n", "b\n", name="top")
    pair("only_live_side", base, None, name="a")
    pair("only_live_side", "x\n", None, name="b")

    # Large files with scattered edits.
    rnd = random.Random(20240501)
    big = [deployment(name="svc%d" % i, replicas=i % 7 + 1) for i in range(40)]
    big_text = "---\n".join(big)
    bl = big_text.splitlines(True)
    edited = list(bl)
    for _ in range(25):
        k = rnd.randrange(len(edited))
        op = rnd.randrange(4)
        if op == 0:
            edited[k] = edited[k].replace("1", "2")
        elif op == 1:
            del edited[k]
        elif op == 2:
            edited.insert(k, "  inserted: %d\n" % rnd.randrange(1000))
        else:
            j = rnd.randrange(len(edited))
            edited.insert(j, edited[k])
    pair("large_scattered", big_text, "".join(edited), name="v1.List.default.big")
    nums = [("item %d\n" % rnd.randrange(60)) for _ in range(3000)]
    nums2 = list(nums)
    for _ in range(200):
        k = rnd.randrange(len(nums2))
        if rnd.random() < 0.5:
            del nums2[k]
        else:
            nums2.insert(k, "item %d\n" % rnd.randrange(80))
    pair("large_repetitive", "".join(nums), "".join(nums2), name="big")


if __name__ == "__main__":
    main()

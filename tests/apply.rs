//! `kctl apply` interoperability with kubectl: the same manifests applied by each
//! tool into twin namespaces must give the same messages, the same
//! last-applied annotations and the same specs, and each tool must then see the
//! other's work as its own (diff exits 0, apply says unchanged).

mod support;

use serde_json::Value;
use support::{cluster, Output};

const CRD: &str = include_str!("../testdata/apply/crd.yaml");

fn dir(v: &str) -> String {
    support::repo_root().join("testdata/apply").join(v).display().to_string()
}

fn run_in(ns: &str, args: &[&str], kctl: bool) -> Output {
    let mut full = vec!["-n", ns];
    full.extend_from_slice(args);
    let inv = cluster().cmd(&full);
    let out = if kctl { inv.kctl() } else { inv.kubectl() };
    Output { stdout: out.stdout.replace(ns, "<NS>"), stderr: out.stderr.replace(ns, "<NS>"), code: out.code }
}

fn assert_twins(a: &str, b: &str, args: &[&str]) {
    let x = run_in(a, args, true);
    let y = run_in(b, args, false);
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "kctl vs kubectl: {args:?}");
}

/// The stored objects, without what legitimately differs between namespaces.
fn state(ns: &str) -> Value {
    let out = cluster().cmd(["-n", ns, "get", "deploy,svc,cm,secret,ing,sts,gadgets", "-o", "json"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.stdout.replace(ns, "<NS>");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    for item in v["items"].as_array_mut().unwrap() {
        let meta = item["metadata"].as_object_mut().unwrap();
        for k in ["uid", "resourceVersion", "creationTimestamp", "managedFields", "selfLink"] {
            meta.remove(k);
        }
        if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("deployment.kubernetes.io/revision");
        }
        item.as_object_mut().unwrap().remove("status");
        // Allocated addresses differ between any two Services.
        if let Some(spec) = item["spec"].as_object_mut() {
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
        }
        if item["kind"] == "ConfigMap" && item["metadata"]["name"] == "kube-root-ca.crt" {
            *item = Value::Null;
        }
        if item["kind"] == "Secret" && item["type"] == "kubernetes.io/service-account-token" {
            *item = Value::Null;
        }
    }
    v
}

#[test]
fn apply_interoperates_with_kubectl() {
    let c = cluster();
    let out = c.cmd(["apply", "-f", "-"]).stdin(CRD).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["wait", "--for=condition=established", "crd/gadgets.kctl.test", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The CRD applied by kubectl is unchanged for kctl.
    let out = c.cmd(["apply", "-f", "-"]).stdin(CRD).kctl();
    assert_eq!((out.code, out.stdout.as_str()), (0, "customresourcedefinition.apiextensions.k8s.io/gadgets.kctl.test unchanged\n"), "{}", out.stderr);

    let a = c.namespace("apply-a");
    let b = c.namespace("apply-b");
    let (v1, v2) = (dir("v1"), dir("v2"));
    // First version: created by each tool.
    assert_twins(&a.name, &b.name, &["apply", "-f", &v1]);
    assert_eq!(state(&a.name), state(&b.name));
    // Each tool sees the other's work as its own.
    for (ns, kctl) in [(&a.name, false), (&b.name, true)] {
        let diff = run_in(ns, &["diff", "-f", &v1], false);
        assert_eq!(diff.code, 0, "kubectl diff after {} apply:\n{}{}", if kctl { "kubectl" } else { "kctl" }, diff.stdout, diff.stderr);
    }
    let x = run_in(&a.name, &["apply", "-f", &v1], false);
    let y = run_in(&b.name, &["apply", "-f", &v1], true);
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr));
    assert!(x.stdout.contains("deployment.apps/web unchanged"), "{}", x.stdout);
    // kubectl itself reports a StatefulSet with volumeClaimTemplates as configured again.
    assert!(x.stdout.contains("statefulset.apps/db configured"), "{}", x.stdout);

    // Second version: changed containers, env, ports, volumes, labels, removed fields.
    assert_twins(&a.name, &b.name, &["apply", "-f", &v2]);
    assert_eq!(state(&a.name), state(&b.name));
    let x = run_in(&a.name, &["apply", "-f", &v2], false);
    let y = run_in(&b.name, &["apply", "-f", &v2], true);
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr));
    // Back to the first version, crossing tools once more.
    let x = run_in(&a.name, &["apply", "-f", &v1], false);
    let y = run_in(&b.name, &["apply", "-f", &v1], true);
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr));
    assert_eq!(state(&a.name), state(&b.name));
}

#[test]
fn apply_dry_runs_outputs_and_server_side() {
    let c = cluster();
    let a = c.namespace("apply-dry-a");
    let b = c.namespace("apply-dry-b");
    let v1 = dir("v1");
    let cm = support::repo_root().join("testdata/apply/v1/app.yaml").display().to_string();
    for args in [
        &["apply", "-f", &cm, "--dry-run=client"][..],
        &["apply", "-f", &cm, "--dry-run=server"],
        &["apply", "-f", &cm, "-o", "name", "--dry-run=server"],
        &["apply", "-f", &cm, "--server-side", "--dry-run=server"],
        &["apply", "-f", &cm, "--server-side"],
        &["apply", "-f", &cm, "--server-side"],
        &["apply", "-f", &cm, "--server-side", "--dry-run=client"],
        &["apply", "-f", &v1, "-o", "name"],
        &["apply", "-f", &v1, "--validate=bogus"],
    ] {
        assert_twins(&a.name, &b.name, args);
    }
}

#[test]
fn apply_errors_match_kubectl() {
    let c = cluster();
    let a = c.namespace("apply-err-a");
    let b = c.namespace("apply-err-b");
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n---\napiVersion: foo.example/v1\nkind: Bogus\nmetadata: {name: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: elsewhere}\n",
    )
    .unwrap();
    let syntax = tmp.path().join("syntax.yaml");
    std::fs::write(&syntax, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s2\n   bad: indent\n").unwrap();
    let (bad, syntax) = (bad.display().to_string(), syntax.display().to_string());
    for args in [
        &["apply", "-f", &bad][..],
        &["apply", "-f", &syntax],
        &["apply", "-f", "/nonexistent.yaml"],
        &["apply"],
    ] {
        assert_twins(&a.name, &b.name, args);
    }
    // A namespace given with -n that contradicts the manifest.
    let out = c.cmd(["-n", &a.name, "apply", "-f", "-"]).stdin("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n").assert_same(&[]);
    assert_eq!(out.code, 1);
}

//! Differential tests for `kctl scale` and `kctl patch`.

mod support;

use support::{cluster, twin, Norm, Output};


const SEED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";

#[test]
fn scale_and_patch_sequences_match_kubectl() {
    let c = cluster();
    let a = c.namespace("sp-a");
    let b = c.namespace("sp-b");
    c.kubectl_apply(&a.name, SEED);
    c.kubectl_apply(&b.name, SEED);
    let steps: &[&[&str]] = &[
        &["scale", "deploy", "web", "--replicas=2"],
        &["scale", "deploy/web", "--replicas=3", "--current-replicas=5"],
        &["scale", "deploy/web", "--replicas=1", "--current-replicas=2"],
        &["scale", "deploy", "web", "--replicas=2", "--dry-run=client"],
        &["scale", "deploy", "web", "--replicas=2", "--dry-run=server", "-o", "name"],
        &["scale", "cm", "cfg", "--replicas=1"],
        &["scale", "deploy", "nope", "--replicas=1"],
        &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"],
        &["patch", "deploy", "web", "-p", r#"{"metadata":{"labels":{"p":"1"}}}"#],
        &["patch", "deploy", "web", "-p", r#"{"metadata":{"labels":{"p":"1"}}}"#],
        &["patch", "deploy", "web", "--type", "merge", "-p", "metadata: {labels: {q: \"2\"}}"],
        &["patch", "deploy", "web", "--type", "json", "-p", r#"[{"op":"replace","path":"/spec/replicas","value":3}]"#],
        &["patch", "deploy", "web", "--type", "json", "-p", r#"[{"op":"bogus"}]"#],
        &["patch", "cm", "cfg", "-p", r#"{"data":{"c":"d"}}"#, "-o", "name"],
        &["patch", "cm", "cfg", "-p", r#"{"data":{"e":"f"}}"#, "--dry-run=server"],
        &["patch", "cm", "cfg", "-p", r#"{"data":{"g":"h"}}"#, "-o", "jsonpath={.data}"],
        &["patch", "deploy", "web", "--type", "bogus", "-p", "{}"],
        &["patch", "deploy", "web"],
        &["patch", "cm", "nope", "-p", "{}"],
        &["get", "deploy", "web", "-o", "jsonpath={.metadata.labels} {.spec.replicas}"],
        &["get", "cm", "cfg", "-o", "jsonpath={.data}"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        let strip = |o: &Output| regex::Regex::new(r"(?m)^([IEWF])\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(&o.stderr, "$1<KLOG> ").into_owned();
        assert_eq!((x.code, &x.stdout, strip(&x)), (y.code, &y.stdout, strip(&y)), "{args:?}");
    }
}

#[test]
fn scale_requires_replicas() {
    cluster().cmd(["scale", "deploy", "x"]).assert_same(&[Norm::KlogHeader]);
}

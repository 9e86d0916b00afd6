//! Differential tests for auth, autoscale, certificate, top and proxy.

mod support;

use support::{cluster, twin};

#[test]
fn auth_can_i_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("cani");
    let cases: &[&[&str]] = &[
        &["auth", "can-i", "get", "pods"],
        &["auth", "can-i", "get", "pods", "-A"],
        &["auth", "can-i", "create", "deployments.apps/foo"],
        &["auth", "can-i", "get", "/logs"],
        &["auth", "can-i", "frob", "pods"],
        &["auth", "can-i", "get", "foos"],
        &["auth", "can-i", "get", "foos.bar"],
        &["auth", "can-i", "get", "nodes"],
        &["auth", "can-i", "get", "pods", "--subresource=log"],
        &["auth", "can-i", "get", "pods", "-q"],
        &["auth", "can-i", "get", "pods", "--as=bob"],
        &["auth", "can-i", "get", "pods", "--as=bob", "-q"],
        &["auth", "can-i", "impersonate", "users", "--as=bob"],
        &["auth", "can-i", "*", "*"],
        &["auth", "can-i"],
        &["auth", "can-i", "get"],
        &["auth", "can-i", "get", "/x", "--subresource=a"],
        &["auth", "can-i", "get", "pods", "--no-headers"],
        &["auth", "can-i", "get", "pods", "--list"],
        &["auth", "can-i", "--list", "-q"],
        &["auth", "can-i", "--list"],
        &["auth", "can-i", "--list", "--as=bob", "--no-headers"],
        &["auth", "can-i", "--list", "--as=system:serviceaccount:kube-system:default"],
        &["auth", "whoami"],
        &["auth", "whoami", "-o", "json"],
        &["auth", "nope"],
    ];
    for args in cases {
        let mut argv: Vec<&str> = args.to_vec();
        argv.extend(["-n", &ns.name]);
        c.cmd(argv).assert_same(&[]);
    }
}

/// klog headers carry the time and pid.
fn klog(stderr: &str) -> String {
    regex::Regex::new(r"(?m)^([IEWF])\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(stderr, "$1<KLOG> ").replace("See 'kctl ", "See 'kubectl ")
}

const AUTOSCALE_SEED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";

#[test]
fn autoscale_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("as-a");
    let b = c.namespace("as-b");
    c.kubectl_apply(&a.name, AUTOSCALE_SEED);
    c.kubectl_apply(&b.name, AUTOSCALE_SEED);
    let steps: &[&[&str]] = &[
        &["autoscale", "deploy", "web", "--max=5"],
        &["autoscale", "deploy", "web", "--max=5"],
        &["autoscale", "deploy", "web", "--min=2", "--max=5", "--cpu-percent=70", "--name=w2", "--dry-run=client", "-o", "yaml"],
        &["autoscale", "deploy", "web", "--min=2", "--max=5", "--cpu-percent=70", "--name=w2", "--dry-run=client", "-o", "json"],
        &["autoscale", "deploy", "web", "--max=5", "--name=w3", "--dry-run=server", "-o", "jsonpath={.spec}"],
        &["autoscale", "deploy/web", "--max=4", "--name=w4", "-o", "name"],
        &["autoscale", "deploy", "web", "--max=5", "--dry-run=client"],
        &["autoscale", "deploy", "web", "--max=5", "--dry-run=server", "--name=x1"],
        &["autoscale", "deploy", "web", "--max=3", "--name=x2", "--save-config", "-o", "jsonpath={.metadata.annotations}"],
        &["autoscale", "deploy/web", "deploy/nope", "cm/cfg", "--max=3", "--name=x5"],
        &["autoscale", "deploy", "web"],
        &["autoscale", "deploy", "web", "--max=abc"],
        &["autoscale", "deploy", "web", "--max=0"],
        &["autoscale", "deploy", "web", "--max=1", "--min=3"],
        &["autoscale", "deploy", "nope", "--max=3"],
        &["autoscale", "cm", "cfg", "--max=3"],
        &["autoscale", "--max=3"],
        &["autoscale", "deploy", "--max=3"],
        &["autoscale", "foo", "x", "--max=3"],
        &["get", "hpa", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec}{\"\\n\"}{end}"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        assert_eq!((x.code, &x.stdout, klog(&x.stderr)), (y.code, &y.stdout, klog(&y.stderr)), "{args:?}");
    }
}

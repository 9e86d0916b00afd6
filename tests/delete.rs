//! Differential tests for `kctl delete`: each client deletes twin objects in its
//! own namespace, and the messages, exit codes and end states must match.

mod support;

use support::{cluster, twin, Norm};

/// Run `args` with kctl in namespace `a` and with kubectl in namespace `b`.

fn seed(ns: &str) {
    let manifest = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: one, labels: {grp: a}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, labels: {grp: a}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: three, labels: {grp: b}}
---
apiVersion: v1
kind: Secret
metadata: {name: four, labels: {grp: b}}
stringData: {k: v}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
"#;
    cluster().kubectl_apply(ns, manifest);
}

#[test]
fn deletes_match_kubectl() {
    let c = cluster();
    let a = c.namespace("del-a");
    let b = c.namespace("del-b");
    seed(&a.name);
    seed(&b.name);
    let steps: &[&[&str]] = &[
        &["delete", "cm", "one"],
        &["delete", "cm", "one"],
        &["delete", "cm", "one", "--ignore-not-found"],
        &["delete", "cm", "-l", "grp=a", "--dry-run=client"],
        &["delete", "cm,secret", "-l", "grp=b", "--dry-run=server"],
        &["delete", "cm", "-l", "grp=a", "-o", "name"],
        &["delete", "cm,secrets", "-l", "grp=b"],
        &["delete", "cm", "-l", "grp=none"],
        &["delete", "deploy/web", "--cascade=foreground"],
        &["get", "deploy,rs,cm,secrets", "-l", "grp"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "{args:?}");
    }
}

#[test]
fn delete_usage_errors_match_kubectl() {
    let c = cluster();
    for args in [
        &["delete"][..],
        &["delete", "cm"],
        &["delete", "cm", "x", "--cascade=bogus"],
        &["delete", "cm", "x", "--now", "--grace-period=3"],
        &["delete", "cm", "a", "--all"],
        &["delete", "nosuchtype", "x"],
        &["delete", "pods,svc", "nope"],
        &["delete", "cm", "x", "--dry-run=maybe"],
    ] {
        c.cmd(args).assert_same(&[Norm::KlogHeader]);
    }
}

#[test]
fn delete_waits_for_pods_to_go() {
    let c = cluster();
    let ns = c.namespace("del-wait");
    c.kubectl_apply(&ns.name, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n");
    let out = c.cmd(["-n", &ns.name, "wait", "--for=condition=Ready", "pod/p", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["-n", &ns.name, "delete", "pod", "p"]).kctl();
    assert_eq!((out.code, out.stdout.as_str()), (0, "pod \"p\" deleted\n"), "{}", out.stderr);
    // --wait (the default) returned only once the pod was gone.
    let after = c.cmd(["-n", &ns.name, "get", "pod", "p"]).kubectl();
    assert_eq!(after.code, 1, "{}", after.stdout);
}

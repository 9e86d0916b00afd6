//! Differential tests for `kctl wait`: twin namespaces get the same objects,
//! kctl waits in one and kubectl in the other. Objects are created right
//! before kctl runs, so kctl really waits for the change (through its watch).

mod support;

use std::thread;
use std::time::Duration;

use support::{cluster, twin, Output};

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n";

const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p1, labels: {app: solo}}\nspec: {containers: [{name: c, image: busybox}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p2, labels: {app: solo}}\nspec: {containers: [{name: c, image: busybox}]}\n";

const JOB: &str = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec:\n  template:\n    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}\n";

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: doomed}\ndata: {a: b}\n";

fn same(x: &Output, y: &Output, args: &[&str]) {
    // The one intended difference: the program names itself in usage hints.
    let kctl_stderr = x.stderr.replace("See 'kctl ", "See 'kubectl ");
    assert_eq!((x.code, &x.stdout, &kctl_stderr), (y.code, &y.stdout, &y.stderr), "{args:?}");
}

/// Apply `manifest` to both namespaces, then run the same wait in each.
fn apply_then_wait(manifest: &str, steps: &[&[&str]]) {
    let c = cluster();
    let a = c.namespace("wait-a");
    let b = c.namespace("wait-b");
    c.kubectl_apply(&a.name, manifest);
    c.kubectl_apply(&b.name, manifest);
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        same(&x, &y, args);
    }
}

#[test]
fn deployment_becomes_available() {
    apply_then_wait(
        DEPLOY,
        &[
            &["wait", "--for=condition=Available", "deploy/web", "--timeout=90s"],
            &["wait", "--for=jsonpath={.status.readyReplicas}=2", "deployment.apps/web", "--timeout=60s"],
            &["wait", "--for=condition=available=TRUE", "deployments", "--all", "-o", "name"],
            &["wait", "--for=jsonpath={.status.conditions}", "deploy/web", "--timeout=0"],
            &["wait", "--for=jsonpath={.status.conditions}=x", "deploy/web"],
            &["wait", "--for=jsonpath={.status.conditions[*].type}=Available", "deploy/web"],
        ],
    );
}

#[test]
fn pods_become_ready() {
    apply_then_wait(
        PODS,
        &[
            &["wait", "--for=condition=Ready", "pod/p1", "--timeout=90s"],
            &["wait", "--for=condition=Ready", "pods", "-l", "app=solo", "--timeout=90s"],
            &["wait", "--for=condition=Ready", "pods", "--all", "-o", "jsonpath={.metadata.name} "],
            &["wait", "--for=jsonpath={.status.phase}=Running", "pod", "p1", "p2"],
            &["wait", "--for=jsonpath={.status.phase}=\"Running\"", "pod/p2", "--timeout=0"],
            &["wait", "--for=condition=Ready", "pods", "--field-selector", "metadata.name=p2"],
            &["wait", "--for=condition=Ready", "pods"],
            &["wait", "--for=condition=Ready", "pods", "-l", "app=none"],
            &["wait", "--for=condition=Ready", "pod/p1", "pod/missing", "pod/p2"],
            &["wait", "--for=create", "pod/p1", "--timeout=5s"],
            &["wait", "--for=create", "pod/missing", "--timeout=1s"],
            &["wait", "--for=condition=Ready", "pod/p1", "-A"],
        ],
    );
}

#[test]
fn job_completes() {
    apply_then_wait(JOB, &[&["wait", "--for=condition=Complete", "job/once", "--timeout=120s"], &["wait", "--for=jsonpath={.status.succeeded}=1", "jobs", "--all"]]);
}

#[test]
fn timeouts_and_checks_once() {
    apply_then_wait(
        CM,
        &[
            &["wait", "--for=condition=Ready", "cm/doomed", "--timeout=2s"],
            &["wait", "--for=jsonpath={.data.a}=c", "cm/doomed", "cm/other", "--timeout=1s"],
            &["wait", "--for=condition=Ready", "cm/doomed", "--timeout=0"],
            &["wait", "--for=jsonpath={.data.a}=b", "cm/doomed", "--timeout=0", "-o", "name"],
            &["wait", "--for=delete", "cm/doomed", "--timeout=0"],
            &["wait", "--for=delete", "cm/doomed", "--timeout=1s"],
            &["wait", "--for=delete", "cm/never-there"],
            &["wait", "--for=bogus", "cm/doomed"],
            &["wait", "cm/doomed"],
            &["wait", "--for=jsonpath={.data.a}=", "cm/doomed"],
            &["wait", "--for=jsonpath={.data.a", "cm/doomed"],
            &["wait", "--for=jsonpath=", "cm/doomed"],
            &["wait", "--for=condition=Ready", "cm/doomed", "--timeout=-1"],
            &["wait", "--for=condition=Ready", "cm/doomed", "--timeout=5x"],
            &["wait", "--for=condition=Ready", "cm/doomed", "-o", "wide"],
            &["wait", "--for=condition=Ready"],
            &["wait", "--for=jsonpath={.data.a}=b", "cm/doomed", "-o", "jsonpath={.bogus}", "--allow-missing-template-keys=false"],
            &["wait", "--for=jsonpath={.data.a}=b", "cm/doomed", "-o", "go-template={{.kind"],
            &["wait", "--for=condition=Ready", "nosuchtype/x"],
        ],
    );
}

/// `--for=delete` started before the delete: the watch sees the object go.
#[test]
fn waits_for_deletion() {
    let c = cluster();
    let a = c.namespace("wait-del-a");
    let b = c.namespace("wait-del-b");
    let mut outputs = Vec::new();
    for (ns, kctl) in [(&a.name, true), (&b.name, false)] {
        c.kubectl_apply(ns, CM);
        let inv = c.cmd(["wait", "-n", ns, "--for=delete", "cm/doomed", "--timeout=60s"]);
        let waiter = thread::spawn(move || if kctl { inv.kctl() } else { inv.kubectl() });
        thread::sleep(Duration::from_millis(1500));
        let out = c.cmd(["delete", "-n", ns, "cm", "doomed"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        outputs.push(waiter.join().unwrap());
    }
    assert_eq!(outputs[0].stdout, "configmap/doomed condition met\n");
    same(&outputs[0], &outputs[1], &["wait", "--for=delete"]);
}

/// Objects named by a manifest, in their own namespace.
#[test]
fn waits_for_objects_in_files() {
    let c = cluster();
    let a = c.namespace("wait-f-a");
    let b = c.namespace("wait-f-b");
    let dir = tempfile::tempdir().unwrap();
    for ns in [&a.name, &b.name] {
        let path = dir.path().join(format!("{ns}.yaml"));
        std::fs::write(&path, CM.replace("name: doomed", &format!("name: doomed, namespace: {ns}"))).unwrap();
        c.kubectl_apply(ns, CM);
    }
    let fa = dir.path().join(format!("{}.yaml", a.name)).display().to_string();
    let fb = dir.path().join(format!("{}.yaml", b.name)).display().to_string();
    let x = c.cmd(["wait", "--for=jsonpath={.data.a}=b", "-f", &fa]).kctl();
    let y = c.cmd(["wait", "--for=jsonpath={.data.a}=b", "-f", &fb]).kubectl();
    assert_eq!(x.stdout, "configmap/doomed condition met\n");
    same(&x, &y, &["wait", "-f"]);
    // A document in another namespace than -n is an error of its own.
    let both = dir.path().join("both.yaml");
    std::fs::write(&both, format!("{}\n---\n{}", std::fs::read_to_string(&fa).unwrap(), std::fs::read_to_string(&fb).unwrap())).unwrap();
    let both = both.display().to_string();
    c.cmd(["wait", "-n", &a.name, "--for=jsonpath={.data.a}=b", "-f", &both]).assert_same(&[]);
    c.cmd(["wait", "-n", "default", "--for=jsonpath={.data.a}=b", "-f", &both, "--timeout=1s"]).assert_same(&[]);
}

/// -A waits on each object in its own namespace, but with an explicit -n
/// kubectl 1.32 rejects every listed object of a namespaced type (its
/// builder compares each with the empty namespace). Labels unique to this
/// test keep other tests' pods out of the comparison.
#[test]
fn all_namespaces_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("wait-all");
    let label = format!("owner={}", ns.name);
    c.kubectl_apply(&ns.name, &PODS.replace("app: solo", &format!("app: solo, owner: {}", ns.name)));
    c.cmd(["wait", "--for=condition=Ready", "pods", "-l", &label, "-A", "--timeout=5s"]).assert_same(&[]);
    c.cmd(["wait", "--for=delete", "pods", "-l", &label, "-A", "--timeout=1s"]).assert_same(&[]);
    c.cmd(["wait", "--for=condition=Ready", "pods", "-l", "owner=nobody-at-all", "-A"]).assert_same(&[]);
    c.cmd(["wait", "--for=condition=Ready", "pods", "-l", &label, "-A", "-n", &ns.name, "--timeout=5s"]).assert_same(&[]);
    c.cmd(["wait", "--for=condition=Ready", "pod/p1", "-A"]).assert_same(&[]);
    c.cmd(["wait", "--for=jsonpath={.status.phase}=Active", &format!("namespace/{}", ns.name), "-A"]).assert_same(&[]);
}

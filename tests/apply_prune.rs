//! `kctl apply --prune` against kubectl: the same manifests applied by each tool
//! into twin namespaces must prune the same objects with the same lines, and
//! fail the same way.

mod support;

use support::{cluster, Output};

const ALL: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: {app: p}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, labels: {app: p}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, labels: {app: q}}
---
apiVersion: v1
kind: Secret
metadata: {name: s, labels: {app: p}}
stringData: {x: \"some text\"}
";

const ONE: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: a, labels: {app: p}}
";

/// kubectl's klog lines carry a time and pid.
fn norm(mut o: Output) -> Output {
    let re = regex::Regex::new(r"(?m)^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ ").unwrap();
    o.stderr = re.replace_all(&o.stderr, "${1}<KLOG> ").into_owned();
    o
}

fn same(a: &str, b: &str, args: &[&str]) -> Output {
    let (x, y) = support::twin(a, b, args);
    let (x, y) = (norm(x), norm(y));
    let x = Output { stderr: x.stderr.replace("See 'kctl ", "See 'kubectl "), ..x };
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "kctl vs kubectl: {args:?}");
    x
}

fn names(ns: &str, what: &str) -> String {
    let out = cluster().cmd(["-n", ns, "get", what, "-o", "name"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout.lines().filter(|l| !l.contains("kube-root-ca") && !l.contains("default-token")).collect::<Vec<_>>().join("\n")
}

fn files() -> (tempfile::TempDir, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let all = tmp.path().join("all.yaml");
    let one = tmp.path().join("one.yaml");
    std::fs::write(&all, ALL).unwrap();
    std::fs::write(&one, ONE).unwrap();
    let (all, one) = (all.display().to_string(), one.display().to_string());
    (tmp, all, one)
}

#[test]
fn prune_deletes_what_is_no_longer_applied() {
    let c = cluster();
    let a = c.namespace("prune-a");
    let b = c.namespace("prune-b");
    let (_tmp, all, one) = files();
    let allow = ["--prune-allowlist=core/v1/ConfigMap", "--prune-allowlist=core/v1/Secret"];
    let with = |extra: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = ["apply", "-f", &one, "-l", "app=p", "--prune"].iter().map(|s| s.to_string()).collect();
        v.extend(allow.iter().map(|s| s.to_string()));
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    same(&a.name, &b.name, &["apply", "-f", &all]);
    // Matching the selector but not created by apply: never pruned.
    for ns in [&a.name, &b.name] {
        let out = c.cmd(["-n", ns, "create", "configmap", "manual"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = c.cmd(["-n", ns, "label", "configmap", "manual", "app=p"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    for extra in [&["--dry-run=client"][..], &["--dry-run=server"], &["-o", "name", "--dry-run=server"]] {
        let args = with(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = same(&a.name, &b.name, &args);
        assert!(out.stdout.contains("configmap/b"), "{}", out.stdout);
    }
    // The default allowlist names batch/v1 CronJob, which this server lacks:
    // kubectl warns, applies, then fails before pruning anything.
    let out = same(&a.name, &b.name, &["apply", "-f", &one, "-l", "app=p", "--prune"]);
    assert_eq!(out.code, 1);
    assert_eq!(names(&a.name, "cm,secret"), names(&b.name, "cm,secret"));
    assert!(names(&a.name, "cm").contains("configmap/b"));
    // The real thing, with kubectl's deletion flags.
    let args = with(&["--cascade=background", "--grace-period=5"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = same(&a.name, &b.name, &args);
    assert_eq!(out.stdout, "configmap/a unchanged\nconfigmap/b pruned\nsecret/s pruned\n");
    assert_eq!(names(&a.name, "cm,secret"), names(&b.name, "cm,secret"));
    assert_eq!(names(&a.name, "cm,secret"), "configmap/a\nconfigmap/manual\nconfigmap/other");
    // --all: everything applied before is a candidate, whatever its labels.
    same(&a.name, &b.name, &["apply", "-f", &one, "--prune", "--all", "--prune-allowlist=core/v1/configmap", "-o", "name"]);
    assert_eq!(names(&a.name, "cm,secret"), names(&b.name, "cm,secret"));
    assert_eq!(names(&a.name, "cm"), "configmap/a\nconfigmap/manual");
}

#[test]
fn prune_does_not_wait_even_with_wait() {
    // kubectl 1.32 accepts --wait and --timeout on apply but its pruner never
    // waits: an object held by a finalizer is reported pruned at once.
    let c = cluster();
    let a = c.namespace("prune-wait-a");
    let b = c.namespace("prune-wait-b");
    let (_tmp, _all, one) = files();
    let held = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, labels: {app: p}, finalizers: [kctl.test/hold]}\n";
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, held);
    }
    let start = std::time::Instant::now();
    let out = same(&a.name, &b.name, &["apply", "-f", &one, "-l", "app=p", "--prune", "--prune-allowlist=core/v1/ConfigMap", "--wait", "--timeout=20s"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(15));
    assert!(out.stdout.contains("configmap/held pruned"), "{}", out.stdout);
    for ns in [&a.name, &b.name] {
        let out = c.cmd(["-n", ns, "patch", "configmap", "held", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}

#[test]
fn prune_flag_errors_match_kubectl() {
    let c = cluster();
    let a = c.namespace("prune-err-a");
    let b = c.namespace("prune-err-b");
    let (_tmp, _all, one) = files();
    for args in [
        &["apply", "-f", &one, "--prune"][..],
        &["apply", "-f", &one, "--prune", "--all", "-l", "a=b"],
        &["apply", "-f", &one, "--all", "-l", "a=b"],
        &["apply", "-f", &one, "--prune", "-l", "app=p", "--prune-allowlist=foo"],
        &["apply", "-f", &one, "--prune", "-l", "app=p", "--prune-allowlist=core/v1/Foo"],
        &["apply", "-f", &one, "--prune", "-l", "app=p", "--prune-allowlist=apps/v9/Deployment"],
        &["apply", "-f", &one, "--cascade=bogus"],
        &["apply", "-f", &one, "--timeout=bogus"],
        &["apply", "-f", &one, "--grace-period=x"],
        &["apply", "-f", &one, "-l", "app=nomatch"],
        &["apply", "-f", &one, "-l", "app=p", "--dry-run=client"],
        &["apply", "-f", &one, "-l", "app=(", "--prune"],
        &["apply", "-f", &one, "-l", "app=p", "--prune", "--server-side"],
        &["apply", "-f", &one, "-l", "app in (p),!nope", "--dry-run=server"],
        &["apply", "-f", &one, "--force", "--server-side"],
        &["apply", "-f", &one, "--force", "--dry-run=server"],
    ] {
        same(&a.name, &b.name, args);
    }
    // kubectl 1.32 no longer knows the old name of --prune-allowlist.
    c.cmd(["apply", "-f", &one, "--prune-whitelist=core/v1/ConfigMap"]).assert_same(&[]);
}

#[test]
fn force_recreates_what_cannot_be_patched() {
    let c = cluster();
    let a = c.namespace("force-a");
    let b = c.namespace("force-b");
    let tmp = tempfile::tempdir().unwrap();
    let v1 = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: imm}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: a}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
    let (p1, p2) = (tmp.path().join("v1.yaml"), tmp.path().join("v2.yaml"));
    std::fs::write(&p1, v1).unwrap();
    std::fs::write(&p2, v1.replace("app: a", "app: b")).unwrap();
    let (p1, p2) = (p1.display().to_string(), p2.display().to_string());
    for args in [
        &["apply", "-f", &p1][..],
        // The selector is immutable: the server refuses the patch.
        &["apply", "-f", &p2],
        &["apply", "-f", &p2, "--force", "--server-side"],
        &["apply", "-f", &p2, "--force", "--dry-run=server"],
        &["apply", "-f", &p2, "--force", "--dry-run=client"],
        &["apply", "-f", &p2, "--force"],
        // With a timeout, the deletion is waited for (foreground: until the
        // garbage collector is done) and the new version created.
        &["apply", "-f", &p1, "--force", "--grace-period=0", "--cascade=foreground", "--timeout=60s"],
    ] {
        same(&a.name, &b.name, args);
    }
    let selector = |ns: &str| c.cmd(["-n", ns, "get", "deploy", "imm", "-o", "jsonpath={.spec.selector}"]).kubectl().stdout;
    assert_eq!(selector(&a.name), selector(&b.name));
    assert_eq!(selector(&a.name), "{\"matchLabels\":{\"app\":\"a\"}}");

    // An immutable ConfigMap held by a finalizer: still there at the first
    // look, and kubectl's default --timeout of 0 gives up at once.
    let held = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [kctl.test/hold]}\nimmutable: true\ndata: {a: \"1\"}\n";
    let (h1, h2) = (tmp.path().join("h1.yaml"), tmp.path().join("h2.yaml"));
    std::fs::write(&h1, held).unwrap();
    std::fs::write(&h2, held.replace("\"1\"", "\"2\"")).unwrap();
    let (h1, h2) = (h1.display().to_string(), h2.display().to_string());
    same(&a.name, &b.name, &["apply", "-f", &h1]);
    let out = same(&a.name, &b.name, &["apply", "-f", &h2, "--force"]);
    assert!(out.stderr.ends_with(": context deadline exceeded\n"), "{}", out.stderr);
    for ns in [&a.name, &b.name] {
        let out = c.cmd(["-n", ns, "patch", "configmap", "held", "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
}

#[test]
fn prune_cluster_scoped_kinds_once() {
    // Namespaces are pruned cluster-wide, so each side labels its own with a
    // value no other test uses.
    let c = cluster();
    let a = c.namespace("prune-ns-a");
    let b = c.namespace("prune-ns-b");
    let tmp = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for (ns, kctl) in [(&a.name, true), (&b.name, false)] {
        let doc = |n: &str| format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}-{n}, labels: {{owner: {ns}}}}}\n");
        let both = tmp.path().join(format!("{ns}-both.yaml"));
        let one = tmp.path().join(format!("{ns}-one.yaml"));
        std::fs::write(&both, format!("{}---\n{}", doc("p1"), doc("p2"))).unwrap();
        std::fs::write(&one, doc("p1")).unwrap();
        let run = |args: &[&str]| {
            let inv = c.cmd(args);
            let o = if kctl { inv.kctl() } else { inv.kubectl() };
            Output { stdout: o.stdout.replace(ns.as_str(), "<NS>"), stderr: o.stderr.replace(ns.as_str(), "<NS>"), code: o.code }
        };
        let sel = format!("owner={ns}");
        let (both, one) = (both.display().to_string(), one.display().to_string());
        outs.push(vec![
            run(&["apply", "-f", &both]),
            run(&["apply", "-f", &one, "-l", &sel, "--prune", "--prune-allowlist=core/v1/Namespace", "--dry-run=server"]),
            run(&["apply", "-f", &one, "-l", &sel, "--prune", "--prune-allowlist=core/v1/Namespace"]),
        ]);
        for n in ["p1", "p2"] {
            let _ = c.cmd(["delete", "namespace", &format!("{ns}-{n}"), "--wait=false", "--ignore-not-found"]).kubectl();
        }
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0][2].stdout, "namespace/<NS>-p1 unchanged\nnamespace/<NS>-p2 pruned\n");
}

//! `kctl diff` against kubectl: same output (temporary paths, file times and the
//! values a dry-run create invents normalised), same exit codes.

mod support;

use support::{cluster, Output};

fn norm(o: Output) -> Output {
    let rules = [
        (r"/tmp/(LIVE|MERGED)-[0-9]+", "/tmp/$1-X"),
        (r"\t\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ [+-]\d{4}", "\tTIME"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UID"),
        (r#"creationTimestamp: "[^"]*""#, "creationTimestamp: T"),
    ];
    let mut stdout = o.stdout;
    for (re, rep) in rules {
        stdout = regex::Regex::new(re).unwrap().replace_all(&stdout, rep).into_owned();
    }
    let stderr = regex::Regex::new(r"(?m)^([IWEF])\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(&o.stderr, "$1<KLOG> ").into_owned();
    Output { stdout, stderr, code: o.code }
}

#[test]
fn diff_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("diff");
    let tmp = tempfile::tempdir().unwrap();
    let v1 = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: c, image: 'nginx:1.25', env: [{name: A, value: one}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {mode: prod, old: gone}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {user: admin, pass: hunter2}\n";
    let v2 = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web, rel: two}}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: c, image: 'nginx:1.27', env: [{name: A, value: two}, {name: B, value: three}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {mode: staging}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {user: admin, pass: hunter3}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: brand-new}\ndata: {k: v}\n";
    let (f1, f2) = (tmp.path().join("v1.yaml"), tmp.path().join("v2.yaml"));
    std::fs::write(&f1, v1).unwrap();
    std::fs::write(&f2, v2).unwrap();
    let (f1, f2) = (f1.display().to_string(), f2.display().to_string());
    c.kubectl_apply(&ns.name, v1);
    for args in [
        vec!["-n", ns.name.as_str(), "diff", "-f", &f1],
        vec!["-n", ns.name.as_str(), "diff", "-f", &f2],
        vec!["-n", ns.name.as_str(), "diff", "-f", &f2, "--server-side"],
        vec!["-n", ns.name.as_str(), "diff", "-f", "/nonexistent.yaml"],
        vec!["-n", ns.name.as_str(), "diff"],
    ] {
        let inv = c.cmd(&args);
        let (a, b) = (norm(inv.kctl()), norm(inv.kubectl()));
        assert_eq!((a.code, &a.stdout, &a.stderr), (b.code, &b.stdout, &b.stderr), "{args:?}");
    }
    // The diff of v1 after a kctl apply is empty; v2 differs (exit 1).
    let out = c.cmd(["-n", &ns.name, "apply", "-f", &f1]).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["-n", &ns.name, "diff", "-f", &f1]).kctl();
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let ext = c.cmd(["-n", &ns.name, "diff", "-f", &f2]).env("KUBECTL_EXTERNAL_DIFF", "diff -q");
    let (a, b) = (norm(ext.kctl()), norm(ext.kubectl()));
    assert_eq!((a.code, &a.stdout), (b.code, &b.stdout));
    assert_eq!(a.code, 1);
}

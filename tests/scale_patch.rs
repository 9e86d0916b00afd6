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

const SCALE_SEED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, labels: {tier: back}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  replicas: 1\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      nodeSelector: {no-such-node: \"true\"}\n      containers: [{name: c, image: busybox}]\n";

/// Selection (-l, --all, -f), preconditions, output formats and --timeout.
#[test]
fn scale_flags_match_kubectl() {
    let c = cluster();
    let a = c.namespace("scale-a");
    let b = c.namespace("scale-b");
    c.kubectl_apply(&a.name, SCALE_SEED);
    c.kubectl_apply(&b.name, SCALE_SEED);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("web.yaml");
    std::fs::write(&file, SCALE_SEED.split("---\n").next().unwrap()).unwrap();
    let file = file.display().to_string();
    let steps: &[&[&str]] = &[
        &["scale", "deploy", "--all", "--replicas=2"],
        &["scale", "deploy", "-l", "tier=back", "--replicas=1"],
        &["scale", "deploy", "-l", "tier=none", "--replicas=1"],
        &["scale", "deploy", "--replicas=1"],
        &["scale", "--replicas=1"],
        &["scale", "deploy/web", "deploy/nope", "--replicas=2"],
        &["scale", "deploy/nope1", "deploy/nope2", "--replicas=1"],
        &["scale", "deploy/web", "deploy/api", "--replicas=3", "--current-replicas=2"],
        &["scale", "deploy/nope", "deploy/web", "--replicas=3", "--current-replicas=7"],
        &["scale", "deploy/web", "--replicas=1", "--resource-version=1"],
        &["scale", "deploy/web", "deploy/api", "--replicas=1", "--resource-version=1"],
        &["scale", "deploy/web", "--replicas=1", "--current-replicas=9", "--dry-run=client"],
        &["scale", "-f", &file, "--replicas=2"],
        &["scale", "-f", &file, "--replicas=2", "-o", "name", "--dry-run=server"],
        &["scale", "deploy/web", "--replicas=3", "-o", "jsonpath={.spec.replicas}"],
        &["scale", "deploy", "--all", "--replicas=2", "-o", "go-template={{.metadata.name}} "],
        &["scale", "deploy/web", "--replicas=2", "-o", "wide"],
        &["scale", "deploy/web", "--replicas=2", "--timeout=60s"],
        &["scale", "deploy/web", "--replicas=1", "--timeout=-1s"],
        &["scale", "deploy/web", "--replicas=1", "--timeout=abc"],
        &["scale", "deploy/web", "--replicas=abc"],
        &["scale", "deploy/web", "--replicas=99999999999999999999"],
        &["scale", "deploy/web", "--replicas=1", "--current-replicas=-5"],
        &["scale", "deploy/web", "--replicas=0x2", "--dry-run=client"],
        &["scale", "sts/db", "--replicas=2", "--timeout=2s"],
        &["get", "deploy", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}"],
    ];
    // Resource versions differ between the twins; kubectl names the live one.
    let norm = |o: &Output| {
        let klog = regex::Regex::new(r"(?m)^([IEWF])\d{4} [\d:.]+\s+\d+ ").unwrap();
        let rv = regex::Regex::new(r"was \d+").unwrap();
        // When kubectl's last poll would end past the deadline, its client-side
        // rate limiter reports the timeout instead: the same event, other words,
        // depending on timing.
        let limiter = "error: client rate limiter Wait returned an error: rate: Wait(n=1) would exceed context deadline\n";
        let err = klog.replace_all(&o.stderr, "$1<KLOG> ").replace("See 'kctl ", "See 'kubectl ");
        let err = if err.starts_with("error: timed out waiting for ") || err == limiter { "error: <TIMEOUT>\n".to_string() } else { err };
        rv.replace_all(&err, "was <RV>").into_owned()
    };
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        assert_eq!((x.code, &x.stdout, norm(&x)), (y.code, &y.stdout, norm(&y)), "{args:?}");
    }
    // A matching --resource-version: each side names its own object's version.
    let mut outs = Vec::new();
    for (ns, kctl) in [(&a.name, true), (&b.name, false)] {
        let rv = c.cmd(["get", "-n", ns, "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"]).kubectl().stdout;
        let rv_flag = format!("--resource-version={rv}");
        let inv = c.cmd(["scale", "-n", ns, "deploy/web", "--replicas=3", &rv_flag]);
        outs.push(if kctl { inv.kctl() } else { inv.kubectl() });
    }
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0].stdout, "deployment.apps/web scaled\n");
}

/// Documents naming another namespace than -n: kubectl scales the others and
/// reports the first such document.
#[test]
fn scale_files_in_other_namespaces() {
    let c = cluster();
    let a = c.namespace("scale-ns-a");
    let b = c.namespace("scale-ns-b");
    c.kubectl_apply(&a.name, SCALE_SEED);
    c.kubectl_apply(&b.name, SCALE_SEED);
    let dir = tempfile::tempdir().unwrap();
    let web = SCALE_SEED.split("---\n").next().unwrap();
    let foreign = web.replace("name: web}", &format!("name: web, namespace: {}}}", a.name));
    let files = [("foreign.yaml", foreign.clone()), ("mixed.yaml", format!("{foreign}---\n{web}")), ("twice.yaml", format!("{foreign}---\n{foreign}"))];
    for (name, text) in &files {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let path = path.display().to_string();
        c.cmd(["scale", "-n", &b.name, "-f", &path, "--replicas=2"]).assert_same(&[]);
    }
}

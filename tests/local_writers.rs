//! `patch`, `label` and `annotate` with `--local -f` (no server involved) and
//! with `-f` against the server, compared with kubectl.

mod support;

use support::{cluster, Output};

fn testdata(name: &str) -> String {
    support::repo_root().join("testdata/set").join(name).display().to_string()
}

fn same(a: &str, b: &str, args: &[&str]) -> Output {
    let (x, y) = support::twin(a, b, args);
    let x = Output { stderr: x.stderr.replace("See 'kctl ", "See 'kubectl "), ..x };
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "kctl vs kubectl: {args:?}");
    x
}

#[test]
fn local_patch_label_annotate() {
    let c = cluster();
    let a = c.namespace("local-w-a");
    let b = c.namespace("local-w-b");
    let (wl, kinds) = (testdata("workloads.yaml"), testdata("kinds.yaml"));
    let replicas = r#"{"spec":{"replicas":3}}"#;
    let image = r#"{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x"}]}}}}"#;
    for args in [
        &["patch", "--local", "-f", &wl, "-p", replicas, "-o", "yaml"][..],
        &["patch", "--local", "-f", &wl, "-p", replicas],
        &["patch", "--local", "-f", &wl, "-p", replicas, "--dry-run=client"],
        &["patch", "--local", "-f", &wl, "-p", r#"{"spec":{"replicas":0}}"#, "-o", "name"],
        &["patch", "--local", "-f", &kinds, "-p", image, "-o", "yaml"],
        &["patch", "--local", "-f", &wl, "--type=merge", "-p", r#"{"metadata":{"labels":{"x":"y"}}}"#, "-o", "json"],
        &["patch", "--local", "-f", &wl, "--type=json", "-p", r#"[{"op":"replace","path":"/metadata/name","value":"n"}]"#, "-o", "name"],
        &["patch", "--local", "-f", &wl, "--type=json", "-p", r#"[{"op":"remove","path":"/nope"}]"#],
        &["patch", "--local", "deploy/web", "-p", "{}"],
        &["patch", "--local", "-f", &wl, "-p", "{}", "--dry-run=server"],
        &["label", "--local", "-f", &wl, "a=b", "-o", "yaml"],
        &["label", "--local", "-f", &wl, "a=b"],
        &["label", "--local", "-f", &wl, "a=b", "--dry-run=client"],
        &["label", "--local", "-f", &wl, "app=x"],
        &["label", "--local", "-f", &kinds, "app=x", "--overwrite", "-o", "name"],
        &["label", "--local", "-f", &wl, "app-", "nope-"],
        &["label", "--local", "-f", &wl, "--list"],
        &["label", "--local", "-f", &wl, "a=b", "-l", "app=none"],
        &["label", "--local", "deploy/web", "a=b"],
        &["label", "--local", "-f", &wl, "a=b", "--dry-run=server"],
        &["annotate", "--local", "-f", &wl, "a=b", "-o", "yaml"],
        &["annotate", "--local", "-f", &wl, "a=b", "nope-"],
    ] {
        same(&a.name, &b.name, args);
    }
}

#[test]
fn writers_take_objects_from_files() {
    let c = cluster();
    let a = c.namespace("file-w-a");
    let b = c.namespace("file-w-b");
    let wl = testdata("workloads.yaml");
    let workloads = std::fs::read_to_string(&wl).unwrap();
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, &workloads);
    }
    for args in [
        &["label", "-f", &wl, "a=b"][..],
        &["label", "-f", &wl, "a=c", "--dry-run=client", "-o", "name"],
        &["label", "-f", &wl, "nope-"],
        &["annotate", "-f", &wl, "x=y"],
        &["label", "-f", &wl, "deploy/web", "a=b"],
        &["patch", "-f", &wl, "-p", r#"{"metadata":{"labels":{"p":"q"}}}"#, "-o", "name"],
        &["patch", "-f", &wl, "deploy/web", "-p", "{}"],
    ] {
        same(&a.name, &b.name, args);
    }
    let labels = |ns: &str| c.cmd(["-n", ns, "get", "deploy,cronjob,pod,svc", "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels} {.metadata.annotations.x}\n{end}"]).kubectl().stdout;
    assert_eq!(labels(&a.name), labels(&b.name));
    assert!(labels(&a.name).contains("\"p\":\"q\""), "{}", labels(&a.name));
}

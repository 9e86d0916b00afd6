//! `--color`: painted output is kubectl's output plus colour codes, and output
//! that is not for a terminal stays byte-identical.

mod support;

use support::{cluster, twin, Output};

const SEED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";

fn strip_ansi(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m").unwrap().replace_all(s, "").into_owned()
}

fn painted(o: &Output) -> bool {
    o.stdout.contains("\x1b[")
}

#[test]
fn get_tables_are_painted_only_when_asked_or_on_a_terminal() {
    let c = cluster();
    let ns = c.namespace("color");
    c.kubectl_apply(&ns.name, SEED);
    let n = ns.name.as_str();
    let _ = c.cmd(["wait", "-n", n, "pod/web-0", "--for=condition=Ready", "--timeout=60s"]).kubectl();
    let reference = c.cmd(["get", "-n", n, "pods,cm"]).kubectl();
    let always = c.cmd(["get", "-n", n, "pods,cm", "--color=always"]).kctl();
    assert!(painted(&always), "{:?}", always.stdout);
    assert!(always.stdout.contains("\x1b[1mNAME"), "{:?}", always.stdout);
    assert!(always.stdout.contains("\x1b[32mRunning\x1b[0m"), "{:?}", always.stdout);
    // Ages may tick between the two runs; everything else is kubectl's bytes.
    let age = regex::Regex::new(r"\d+s\b").unwrap();
    assert_eq!(age.replace_all(&strip_ansi(&always.stdout), "AGE"), age.replace_all(&reference.stdout, "AGE"));
    // A pipe (as here) means auto is off; NO_COLOR and never also keep the bytes plain.
    for inv in [
        c.cmd(["get", "-n", n, "pods"]),
        c.cmd(["get", "-n", n, "pods", "--color=auto"]).env("NO_COLOR", "1"),
        c.cmd(["get", "-n", n, "pods", "--color=never"]),
    ] {
        assert!(!painted(&inv.kctl()));
    }
}

#[test]
fn diff_is_painted_with_color_always() {
    let c = cluster();
    let a = c.namespace("color-diff-a");
    let b = c.namespace("color-diff-b");
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, SEED);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cm.yaml");
    std::fs::write(&file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: c}\n").unwrap();
    let f = file.to_str().unwrap();
    let plain = twin(&a.name, &b.name, &["diff", "-f", f]);
    assert_eq!(plain.0.code, 1);
    let painted_out = c.cmd(["diff", "-n", &a.name, "-f", f, "--color=always"]).kctl();
    assert_eq!(painted_out.code, 1);
    assert!(painted_out.stdout.contains("\x1b[31m-  a: b\x1b[0m"), "{:?}", painted_out.stdout);
    assert!(painted_out.stdout.contains("\x1b[32m+  a: c\x1b[0m"), "{:?}", painted_out.stdout);
    let norm = |s: &str| regex::Regex::new(r"(?m)^(---|\+\+\+|diff -u -N) .*$").unwrap().replace_all(s, "$1 HEADER").into_owned();
    // The same diff as kubectl's once the colour codes are gone.
    assert_eq!(norm(&strip_ansi(&painted_out.stdout.replace(&a.name, "<NS>"))), norm(&plain.1.stdout));
}

#[test]
fn a_bad_color_value_is_refused() {
    let out = cluster().cmd(["get", "pods", "--color=sometimes"]).kctl();
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "error: invalid argument \"sometimes\" for \"--color\" flag: must be one of auto, always, never\n");
}

#[test]
fn describe_keys_are_painted_and_nothing_else_changes() {
    let c = cluster();
    let ns = c.namespace("color-describe");
    c.kubectl_apply(&ns.name, SEED);
    let plain = c.cmd(["describe", "-n", &ns.name, "cm", "cfg"]).kctl();
    let painted_out = c.cmd(["describe", "-n", &ns.name, "cm", "cfg", "--color=always"]).kctl();
    assert_eq!(painted_out.code, 0);
    assert!(painted_out.stdout.starts_with("\x1b[36mName:\x1b[0m"), "{:?}", painted_out.stdout);
    assert_eq!(strip_ansi(&painted_out.stdout), plain.stdout);
    assert_eq!(plain.stdout, c.cmd(["describe", "-n", &ns.name, "cm", "cfg"]).kubectl().stdout);
}

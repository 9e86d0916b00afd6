//! Plugins: `kctl plugin list` against `kubectl plugin list` on a PATH of fake
//! `kubectl-*` plugins (so both see the same set), and running kctl-* and
//! kubectl-* plugins. None of this needs the cluster.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::{Invocation, Output};

fn script(dir: &Path, name: &str, body: &str, mode: u32) {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn fixture() -> (tempfile::TempDir, String) {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::create_dir_all(a.join("kubectl-adir")).unwrap();
    script(&a, "kubectl-foo", r#"echo "a/kubectl-foo $*"; exit 7"#, 0o755);
    script(&b, "kubectl-foo", r#"echo "b/kubectl-foo $*""#, 0o755);
    script(&a, "kubectl-foo-bar_baz", r#"echo "foo-bar_baz $*""#, 0o755);
    script(&a, "kubectl-noexec", "echo no", 0o644);
    script(&a, "kubectl-get", "echo get", 0o755);
    script(&a, "kubectl-version-x", "echo v", 0o755);
    script(&a, "kubectl-config-foo", "echo cf", 0o755);
    script(&b, "kubectl-create-foo", "echo crf", 0o755);
    script(&b, "not-a-plugin", "echo no", 0o755);
    std::os::unix::fs::symlink(root.path().join("missing"), b.join("kubectl-dangling")).unwrap();
    let path = format!(
        "{}:{}:{}::{}:/usr/bin:/bin",
        a.display(),
        b.display(),
        root.path().join("nonexistent").display(),
        a.display()
    );
    (root, path)
}

/// kctl names its own commands in "overwrites existing command" warnings.
fn same_listing(kctl: &Output, kubectl: &Output) {
    let stderr = kctl.stderr.replace("existing command: \"kctl ", "existing command: \"kubectl ");
    assert_eq!((kctl.code, &kctl.stdout, &stderr), (kubectl.code, &kubectl.stdout, &kubectl.stderr));
}

#[test]
fn plugin_list_matches_kubectl() {
    let (_root, path) = fixture();
    for args in [vec!["plugin", "list"], vec!["plugin", "list", "--name-only"]] {
        let inv = Invocation::new(&args).env("PATH", &path);
        let (k, r) = (inv.kctl(), inv.kubectl());
        assert!(r.stderr.contains("overshadowed") && r.stderr.contains("not executable"), "{}", r.stderr);
        same_listing(&k, &r);
    }
}

#[test]
fn plugin_list_without_plugins_matches_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    let path = format!("{}:{}", dir.path().display(), dir.path().join("nope").display());
    let inv = Invocation::new(["plugin", "list"]).env("PATH", &path);
    same_listing(&inv.kctl(), &inv.kubectl());
}

#[test]
fn kubectl_plugins_run_like_kubectl() {
    let (_root, path) = fixture();
    let cases: &[&[&str]] = &[
        &["foo"],
        &["foo", "x", "--flag", "y"],
        &["foo", "bar-baz", "more"],
        &["foo", "bar_baz"],
        &["foo", "--", "bar-baz"],
        &["foo-bar-baz"],
        &["noexec"],
        &["nothing-here"],
        &["adir"],
    ];
    for args in cases {
        let inv = Invocation::new(*args).env("PATH", &path);
        let (k, r) = (inv.kctl(), inv.kubectl());
        // The plugin sees its own path as argv[0], as kubectl passes it.
        let stderr = k.stderr.replace("for \"kctl\"", "for \"kubectl\"");
        // kctl has fewer commands to suggest; the suggestions are not compared.
        let suggestions = |s: &str| s.split("\nDid you mean").next().unwrap().trim_end().to_string();
        assert_eq!((k.code, &k.stdout, suggestions(&stderr)), (r.code, &r.stdout, suggestions(&r.stderr)), "{args:?}");
    }
}

#[test]
fn flags_before_a_plugin_name_are_refused_like_kubectl() {
    let (_root, path) = fixture();
    let inv = Invocation::new(["--request-timeout=5s", "foo"]).env("PATH", &path);
    let (k, r) = (inv.kctl(), inv.kubectl());
    assert_eq!((k.code, k.stdout, k.stderr), (r.code, r.stdout, r.stderr));
}

#[test]
fn kctl_plugins_win_over_kubectl_plugins() {
    let (root, path) = fixture();
    let c = root.path().join("c");
    std::fs::create_dir_all(&c).unwrap();
    script(&c, "kctl-foo", r#"echo "kctl-foo [$0] $*"; exit 4"#, 0o755);
    script(&c, "kctl-hello-world", r#"echo "hello-world $*""#, 0o755);
    let path = format!("{path}:{}", c.display());
    let out = Invocation::new(["foo", "bar", "-x"]).env("PATH", &path).kctl();
    assert_eq!(out.stdout, format!("kctl-foo [{}] bar -x\n", c.join("kctl-foo").display()));
    assert_eq!(out.code, 4);
    let out = Invocation::new(["hello", "world", "again"]).env("PATH", &path).kctl();
    assert_eq!((out.code, out.stdout.as_str()), (0, "hello-world again\n"));
    // The listing names both kinds, and the kubectl- plugin of the same name loses.
    let out = Invocation::new(["plugin", "list", "--name-only"]).env("PATH", &path).kctl();
    assert!(out.stdout.contains("\nkctl-foo\nkctl-hello-world\n"), "{}", out.stdout);
    let a = root.path().join("a");
    assert!(
        out.stderr.contains(&format!(
            "  - warning: {}/kubectl-foo is overshadowed by a similarly named plugin: {}/kctl-foo\n",
            a.display(),
            c.display()
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn create_subcommand_plugins_run_like_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["kubectl-create", "kubectl-create-foo", "kubectl-create-foo-bar_baz", "kubectl-create-secret"] {
        script(dir.path(), name, r#"echo "[$0] $*""#, 0o755);
    }
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    let cases: &[&[&str]] = &[
        &["create", "foo"],
        &["create", "foo", "x", "y"],
        &["create", "foo", "bar-baz", "q"],
        &["create", "foo", "-x", "bar"],
        &["create", "zzz"],
        &["create", "-n", "x", "foo"],
        &["-n", "x", "create", "foo"],
    ];
    for args in cases {
        let inv = Invocation::new(*args).env("PATH", &path);
        let (k, r) = (inv.kctl(), inv.kubectl());
        let stderr = k.stderr.replace("See 'kctl ", "See 'kubectl ");
        assert_eq!((k.code, &k.stdout, &stderr), (r.code, &r.stdout, &r.stderr), "{args:?}");
    }
}

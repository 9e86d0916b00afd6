//! `man/` and `completions/` are generated from the clap definition and checked
//! in. This fails when they drift; `scripts/generate` rewrites them.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::{kctl_bin, repo_root};

fn read_tree(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_tree(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(&path).unwrap());
        }
    }
}

#[test]
fn man_pages_and_completions_are_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(kctl_bin()).arg("__generate").arg(tmp.path()).status().unwrap();
    assert!(status.success());
    let (mut fresh, mut checked_in) = (BTreeMap::new(), BTreeMap::new());
    read_tree(tmp.path(), tmp.path(), &mut fresh);
    for dir in ["man", "completions"] {
        read_tree(&repo_root().join(dir), &repo_root(), &mut checked_in);
    }
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&checked_in), names(&fresh), "generated file set changed: run scripts/generate");
    for (name, bytes) in &fresh {
        assert!(checked_in[name] == *bytes, "{name} drifted from the CLI definition: run scripts/generate");
    }
    assert!(fresh.contains_key("man/kctl.1") && fresh.contains_key("man/kctl-get.1") && fresh.contains_key("man/kctl-config-view.1"));
}

#[test]
fn man_pages_render_cleanly() {
    // man(1) with warnings on: any roff problem is printed to stderr.
    if std::process::Command::new("man").arg("--version").output().is_err() {
        eprintln!("man is not installed; .ci/run installs it");
        return;
    }
    for page in ["kctl.1", "kctl-get.1", "kctl-completion.1", "kctl-config-use-context.1"] {
        let out = std::process::Command::new("man")
            .args(["--warnings", "-E", "UTF-8", "-l"])
            .arg(repo_root().join("man").join(page))
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stderr.is_empty(), "{page}: {stderr}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{page}: {text}");
    }
    let get = std::process::Command::new("man").args(["-l"]).arg(repo_root().join("man/kctl-get.1")).env("MANWIDTH", "100").output().unwrap();
    assert!(String::from_utf8_lossy(&get.stdout).contains("kctl get pods -o wide"));
}

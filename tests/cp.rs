//! `kctl cp` both ways, compared with kubectl v1.32 on the same pod, and a
//! hostile container whose `tar` tries to write outside the destination.

mod support;

use std::path::Path;

use support::{cluster, Output};

const SEED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: box}\nspec:\n  containers:\n  - {name: a, image: busybox}\n  - {name: b, image: busybox}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: evil}\nspec:\n  containers:\n  - {name: a, image: busybox}\n";

fn wait_running(ns: &str) {
    for _ in 0..100 {
        let out = cluster().cmd(["get", "pods", "-n", ns, "-o", "jsonpath={.items[*].status.phase}"]).kubectl();
        if out.stdout == "Running Running" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("pods never ran");
}

/// Relative paths, kinds and contents under `dir`, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                out.push(format!("{rel}/"));
                walk(base, &p, out);
            } else {
                out.push(format!("{rel}: {:?}", std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn local_src(dir: &Path) {
    std::fs::create_dir_all(dir.join("src/sub/deeper")).unwrap();
    std::fs::create_dir_all(dir.join("src/empty")).unwrap();
    std::fs::write(dir.join("src/a.txt"), "alpha\n").unwrap();
    std::fs::write(dir.join("src/sub/b.txt"), "beta\n").unwrap();
    std::fs::write(dir.join("src/sub/deeper/c.bin"), [0u8, 1, 2, 255]).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("src/a.txt"), std::fs::Permissions::from_mode(0o750)).unwrap();
}

#[test]
fn copies_directories_both_ways_like_kubectl() {
    let c = cluster();
    let ns = c.namespace("cp");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    let n = ns.name.as_str();
    let work = tempfile::tempdir().unwrap();
    local_src(work.path());
    // Each client works on its own remote and local names; the outputs must agree.
    let run = |who: &str, args: &[&str]| -> Output {
        let args: Vec<String> = args.iter().map(|a| a.replace("{W}", who)).collect();
        let mut full = vec!["-n".to_string(), n.to_string()];
        full.extend(args);
        let inv = c.cmd(&full).cwd(work.path());
        let mut out = if who == "k" { inv.kctl() } else { inv.kubectl() };
        for name in ["up", "file", "np", "out", "nope"] {
            let (from, to) = (format!("{name}-{who}"), format!("{name}-W"));
            out.stdout = out.stdout.replace(&from, &to);
            out.stderr = out.stderr.replace(&from, &to);
        }
        out
    };
    let steps: &[&[&str]] = &[
        &["cp", "src", "box:up-{W}", "-c", "a"],
        &["exec", "box", "-c", "a", "--", "sh", "-c", "cd up-{W} && find . | sort && cat sub/b.txt && ls -l a.txt | cut -c1-10"],
        // Into an existing directory: the source keeps its name.
        &["cp", "src", "box:up-{W}", "-c", "a"],
        &["exec", "box", "-c", "b", "--", "sh", "-c", "find up-{W}/src | sort"],
        // The default container is announced.
        &["cp", "src/a.txt", "box:file-{W}.txt"],
        &["cp", "--no-preserve", "src/sub/b.txt", "box:np-{W}.txt", "-c", "a"],
        &["exec", "box", "-c", "a", "--", "cat", "file-{W}.txt", "np-{W}.txt"],
        // Down again.
        &["cp", "box:up-{W}", "out-{W}", "-c", "a"],
        &["cp", "box:file-{W}.txt", "file-{W}.txt", "-c", "a"],
        &["cp", "src/a.txt", "box:no/such/dir/x", "-c", "a"],
        // Errors.
        &["cp", "src", "other"],
        &["cp", "box:x", "box:y"],
        &["cp", "missing", "box:x", "-c", "a"],
        &["cp", ":x", "y"],
        &["cp", "src"],
    ];
    for args in steps {
        let (k, r) = (run("k", args), run("r", args));
        assert_eq!(k, r, "{args:?}");
    }
    // kubectl shows the remote tar's complaint only when it arrives before the
    // (empty) archive ends, which is a race (all, some or none of it); kctl always shows it. Both exit 0.
    let (k, r) = (run("k", &["cp", "box:nope", "nope-{W}", "-c", "a"]), run("r", &["cp", "box:nope", "nope-{W}", "-c", "a"]));
    assert_eq!((k.code, r.code), (0, 0));
    assert_eq!(k.stdout, "tar: nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n");
    assert!(k.stdout.starts_with(&r.stdout), "{r:?}");
    assert_eq!(tree(&work.path().join("out-k")), tree(&work.path().join("out-r")));
    let expect = [
        "a.txt: \"alpha\\n\"",
        "empty/",
        "src/",
        "src/a.txt: \"alpha\\n\"",
        "src/empty/",
        "src/sub/",
        "src/sub/b.txt: \"beta\\n\"",
        "src/sub/deeper/",
        "src/sub/deeper/c.bin: \"\\0\\u{1}\\u{2}\\u{fffd}\"",
        "sub/",
        "sub/b.txt: \"beta\\n\"",
        "sub/deeper/",
        "sub/deeper/c.bin: \"\\0\\u{1}\\u{2}\\u{fffd}\"",
    ];
    let got = tree(&work.path().join("out-k"));
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    assert_eq!(std::fs::read(work.path().join("out-k/sub/deeper/c.bin")).unwrap(), [0u8, 1, 2, 255]);
    assert_eq!(std::fs::read_to_string(work.path().join("file-k.txt")).unwrap(), "alpha\n");
}

/// A tar with raw names (the tar crate's builder refuses `..`; a hostile container does not).
fn raw_tar(entries: &[(&str, u8, &[u8], &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, data, link) in entries {
        let mut h = tar::Header::new_old();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::new(*kind));
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

#[test]
fn a_hostile_tar_cannot_escape_the_destination() {
    let c = cluster();
    let ns = c.namespace("cp-evil");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    let n = ns.name.as_str();
    let archive = raw_tar(&[
        ("data/", b'5', b"", ""),
        ("data/ok.txt", b'0', b"fine\n", ""),
        ("data/../../escaped.txt", b'0', b"pwned\n", ""),
        ("data/sub/../../../../escaped2.txt", b'0', b"pwned\n", ""),
        ("data/link", b'2', b"", "../../.."),
        ("data/hard", b'1', b"", "/etc/passwd"),
    ]);
    // The pod's "image" gets a tar that ignores its arguments and prints the archive.
    let up = c.cmd(["-n", n, "exec", "-i", "evil", "--", "sh", "-c", "cat > evil.tar"]).stdin(archive).kctl();
    assert_eq!(up.code, 0, "{}", up.stderr);
    let fake = c
        .cmd(["-n", n, "exec", "evil", "--", "sh", "-c", "mkdir -p bin && printf '#!/bin/sh\\ncat \"$HOME/evil.tar\"\\n' > bin/tar && chmod +x bin/tar"])
        .kctl();
    assert_eq!(fake.code, 0, "{}", fake.stderr);

    let work = tempfile::tempdir().unwrap();
    for who in ["k", "r"] {
        let top = work.path().join(who);
        std::fs::create_dir_all(top.join("nest")).unwrap();
        let inv = c.cmd(["-n", n, "cp", "evil:data", "nest/out"]).cwd(&top);
        let out = if who == "k" { inv.kctl() } else { inv.kubectl() };
        assert_eq!(out.code, 0, "{who}: {}", out.stderr);
        assert!(out.stderr.contains("is outside target destination, skipping"), "{who}: {}", out.stderr);
        assert_eq!(std::fs::read_to_string(top.join("nest/out/ok.txt")).unwrap(), "fine\n", "{who}");
        assert!(!top.join("escaped.txt").exists() && !top.join("nest/escaped.txt").exists(), "{who}: escaped");
        assert!(!work.path().join("escaped2.txt").exists(), "{who}: escaped");
        // The symlink is skipped; the hard link becomes an empty plain file (as kubectl does).
        assert!(top.join("nest/out/link").symlink_metadata().is_err(), "{who}: symlink created");
        let hard = std::fs::symlink_metadata(top.join("nest/out/hard")).unwrap();
        assert!(hard.is_file() && hard.len() == 0, "{who}: hard link");
    }
    // Same warnings, same exit code.
    let k = c.cmd(["-n", n, "cp", "evil:data", "nest/out"]).cwd(work.path().join("k")).kctl();
    let r = c.cmd(["-n", n, "cp", "evil:data", "nest/out"]).cwd(work.path().join("r")).kubectl();
    assert_eq!(k, r);
}

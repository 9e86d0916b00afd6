//! Differential tests: the fixtures under `testdata/manifests/` read by
//! `/usr/bin/kubectl` and by [`read_all`], compared object by object and error
//! line by line.
//!
//! `kubectl label --local foo- -o json -f …` reads manifests exactly as every
//! `-f` command does (resource builder, continue on error, list flattening)
//! without a server and without validation; it only adds `metadata.labels: {}`,
//! which is removed before comparing. Validation needs discovery, so those
//! comparisons use `kubectl create --dry-run=client -o name` against the test
//! cluster and are skipped when it is not reachable. Everything is skipped when
//! kubectl is not installed.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use super::*;

const KUBECTL: &str = "/usr/bin/kubectl";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have_kubectl() -> bool {
    let ok = Path::new(KUBECTL).exists();
    if !ok {
        eprintln!("skipping: {KUBECTL} is not installed");
    }
    ok
}

#[derive(Debug, PartialEq)]
struct Run {
    objects: Vec<Value>,
    stderr: Vec<String>,
    failed: bool,
}

/// Numbers compare as float64 (kubectl prints what Go holds; big integers are floats).
fn normalize(v: Value) -> Value {
    match v {
        Value::Number(n) => serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0)).map_or(Value::Null, Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}

/// Undo what `label --local foo-` adds.
fn strip_label_noise(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        if meta.get("labels") == Some(&Value::Object(Default::default())) {
            meta.remove("labels");
        }
        if meta.is_empty() {
            v.as_object_mut().unwrap().remove("metadata");
        }
    }
    v
}

fn kubectl(args: &[&str], stdin: Option<&[u8]>, kubeconfig: &str) -> (String, String, bool) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(KUBECTL)
        .args(args)
        .current_dir(root())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("KUBECONFIG", kubeconfig)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kubectl");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(data) = stdin {
            let _ = input.write_all(data);
        }
    }
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), !out.status.success())
}

fn kubectl_local(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut full = vec!["label", "--local", "foo-", "-o", "json"];
    full.extend_from_slice(args);
    let (stdout, stderr, failed) = kubectl(&full, stdin, "/nonexistent/kubeconfig");
    let objects = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Value>()
        .map(|v| normalize(strip_label_noise(v.expect("kubectl printed JSON"))))
        .collect();
    Run { objects, stderr: stderr.lines().filter(|l| !l.is_empty()).map(str::to_string).collect(), failed }
}

/// How kubectl's `CheckErr` prints the errors it collected.
fn report(errs: &[ManifestError]) -> Vec<String> {
    let lines: Vec<String> = match errs {
        [] => Vec::new(),
        [one] if one.kind == ErrorKind::ListItems => one.causes.clone(),
        [one] => vec![format!("error: {}", one.message)],
        many => many.iter().map(|e| e.message.clone()).collect(),
    };
    lines.iter().flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>()).collect()
}

fn options(args: &[&str]) -> ReadOptions {
    let mut opts = ReadOptions::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-f" => opts.filenames.extend(split_filenames(it.next().unwrap()).unwrap()),
            "-R" => opts.recursive = true,
            other => panic!("unexpected argument {other}"),
        }
    }
    opts
}

fn ours_with(args: &[&str], stdin: Option<&[u8]>, opts: ReadOptions) -> (Vec<Document>, Vec<ManifestError>) {
    let mut input: &[u8] = stdin.unwrap_or(b"");
    // Paths in the fixtures are relative to the crate root, like kubectl's working directory.
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(cwd, root(), "tests run from the crate root");
    let _ = args;
    match read_all(&opts, &mut input) {
        Err(errs) => (Vec::new(), errs),
        Ok(items) => {
            let mut docs = Vec::new();
            let mut errs = Vec::new();
            for i in items {
                match i {
                    Item::Object(d) => docs.push(d),
                    Item::Error(e) => errs.push(e),
                }
            }
            (docs, errs)
        }
    }
}

fn ours(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let (docs, errs) = ours_with(args, stdin, options(args));
    Run {
        objects: docs.into_iter().map(|d| normalize(d.object)).collect(),
        failed: !errs.is_empty(),
        stderr: report(&errs),
    }
}

fn compare(args: &[&str], stdin: Option<&[u8]>) {
    let want = kubectl_local(args, stdin);
    let got = ours(args, stdin);
    assert_eq!(got.stderr, want.stderr, "stderr for {args:?}");
    assert_eq!(got.objects, want.objects, "objects for {args:?}");
    assert_eq!(got.failed, want.failed, "exit status for {args:?}");
}

fn fixtures(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("testdata/manifests").join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.into_iter().map(|n| format!("testdata/manifests/{dir}/{n}")).collect()
}

#[test]
fn good_fixtures_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    for f in fixtures("good") {
        compare(&["-f", &f], None);
    }
}

#[test]
fn bad_fixtures_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    for f in fixtures("bad") {
        compare(&["-f", &f], None);
    }
}

#[test]
fn directories_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    let d = "testdata/manifests/dir";
    compare(&["-f", d], None);
    compare(&["-f", d, "-R"], None);
    compare(&["-f", "testdata/manifests/dir/"], None);
    compare(&["-f", "./testdata/manifests//dir//", "-R"], None);
    compare(&["-f", "testdata/manifests/dir/notes.txt"], None);
    compare(&["-f", "testdata/manifests/dir/README.md"], None);
    compare(&["-f", "testdata/manifests/dir-bad", "-R"], None);
    compare(&["-f", "testdata/manifests/dir-bad"], None);
}

#[test]
fn several_files_and_globs_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    compare(
        &["-f", "testdata/manifests/good/list.yaml", "-f", "testdata/manifests/bad/nokind.yaml", "-f", "testdata/manifests/good/objects.json"],
        None,
    );
    compare(&["-f", "testdata/manifests/bad/list-items.yaml", "-f", "testdata/manifests/bad/syntax-tab.yaml"], None);
    compare(&["-f", "testdata/manifests/good/multi.yaml,testdata/manifests/good/keys.yaml"], None);
    compare(&["-f", "testdata/manifests/dir/*.yaml"], None);
    compare(&["-f", "testdata/manifests/dir/s*"], None);
    compare(&["-f", "testdata/manifests/*/sub.yaml"], None);
    compare(&["-f", "testdata/manifests/dir/[ab]*"], None);
    compare(&["-f", "testdata/manifests/dir/["], None);
    compare(&["-f", "testdata/manifests/nosuch.yaml"], None);
    compare(&["-f", "testdata/manifests/nosuch.yaml", "-f", "testdata/manifests/good/multi.yaml", "-f", "nosuch2"], None);
    compare(&["-f", "testdata/manifests/dir/*.nomatch"], None);
    compare(&["-f", "https://[::1"], None);
}

#[test]
fn stdin_matches_kubectl() {
    if !have_kubectl() {
        return;
    }
    let multi = std::fs::read(root().join("testdata/manifests/good/multi.yaml")).unwrap();
    compare(&["-f", "-"], Some(&multi));
    let bad = std::fs::read(root().join("testdata/manifests/bad/syntax-mapping-values.yaml")).unwrap();
    compare(&["-f", "-"], Some(&bad));
    let nokind = std::fs::read(root().join("testdata/manifests/bad/json-nokind.json")).unwrap();
    compare(&["-f", "testdata/manifests/good/list.yaml", "-f", "-"], Some(&nokind));
    let utf16 = std::fs::read(root().join("testdata/manifests/good/utf16.yaml")).unwrap();
    compare(&["-f", "-"], Some(&utf16));
    compare(&["-f", "-", "-f", "-"], Some(&multi));
    compare(&["-f", "nosuch", "-f", "-", "-f", "-"], Some(&multi));
}

#[test]
fn empty_dirs_and_symlinks_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::create_dir(t.join("empty")).unwrap();
    std::fs::create_dir(t.join("only-txt")).unwrap();
    std::fs::write(t.join("only-txt/a.txt"), "x: 1\n").unwrap();
    std::fs::create_dir(t.join("links")).unwrap();
    let good = root().join("testdata/manifests/good/list.yaml");
    std::os::unix::fs::symlink(&good, t.join("links/to-file.yaml")).unwrap();
    std::os::unix::fs::symlink(root().join("testdata/manifests/dir"), t.join("links/to-dir.yaml")).unwrap();
    std::os::unix::fs::symlink(t.join("nowhere.yaml"), t.join("links/dangling.yaml")).unwrap();
    std::os::unix::fs::symlink(root().join("testdata/manifests/dir"), t.join("dirlink")).unwrap();
    let p = |s: &str| t.join(s).display().to_string();
    compare(&["-f", &p("empty")], None);
    compare(&["-f", &p("only-txt"), "-R"], None);
    compare(&["-f", &p("empty"), "-f", "testdata/manifests/good/list.yaml"], None);
    compare(&["-f", "testdata/manifests/good/list.yaml", "-f", &p("empty")], None);
    compare(&["-f", &p("links")], None);
    compare(&["-f", &p("dirlink")], None);
    compare(&["-f", &format!("{}/", p("dirlink"))], None);
}

/// A one-route-per-path HTTP server for URL inputs.
fn serve(routes: Vec<(&'static str, u16, &'static str, Vec<u8>)>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let line = String::from_utf8_lossy(&req).lines().next().unwrap_or("").to_string();
            let path = line.split(' ').nth(1).unwrap_or("/").to_string();
            let (code, reason, body) = routes
                .iter()
                .find(|r| r.0 == path)
                .map(|r| (r.1, r.2, r.3.clone()))
                .unwrap_or((404, "Not Found", b"not found\n".to_vec()));
            let head = format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    format!("http://{addr}")
}

#[test]
fn urls_match_kubectl() {
    if !have_kubectl() {
        return;
    }
    let read = |f: &str| std::fs::read(root().join("testdata/manifests").join(f)).unwrap();
    let base = serve(vec![
        ("/multi.yaml", 200, "OK", read("good/multi.yaml")),
        ("/bad.yaml", 200, "OK", read("bad/syntax-expected-key.yaml")),
        ("/nokind.json", 200, "OK", read("bad/json-nokind.json")),
        ("/forbidden", 403, "Forbidden", b"no\n".to_vec()),
    ]);
    compare(&["-f", &format!("{base}/multi.yaml")], None);
    compare(&["-f", &format!("{base}/bad.yaml"), "-f", "testdata/manifests/good/list.yaml"], None);
    compare(&["-f", &format!("{base}/nokind.json")], None);
    compare(&["-f", &format!("{base}/missing.yaml")], None);
    compare(&["-f", &format!("{base}/forbidden"), "-f", &format!("{base}/multi.yaml")], None);
    // Refused connections are retried (three attempts, a second apart) by both.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    compare(&["-f", &format!("http://{closed}/x.yaml"), "-f", "testdata/manifests/bad/nokind.yaml"], None);
}

/// `kubectl create --dry-run=client -o name` against the test cluster, which
/// validates like kubectl does by default (an old server: list items too).
fn kubectl_validating(args: &[&str], stdin: Option<&[u8]>) -> Option<(Vec<String>, Vec<String>)> {
    let home = std::env::var("HOME").ok()?;
    let kubeconfig = format!("{home}/.cache/kctl/test-cluster/run/kubeconfig");
    if !Path::new(&kubeconfig).exists() {
        eprintln!("skipping: no test cluster kubeconfig");
        return None;
    }
    let mut full = vec!["create", "--dry-run=client", "-o", "name"];
    full.extend_from_slice(args);
    let (stdout, stderr, _) = kubectl(&full, stdin, &kubeconfig);
    if stderr.contains("Unable to connect") || stderr.contains("was refused") || stderr.contains("couldn't get current server API group list") {
        eprintln!("skipping: test cluster not reachable: {stderr}");
        return None;
    }
    let lines = |s: &str| s.lines().filter(|l| !l.is_empty()).map(str::to_string).collect::<Vec<_>>();
    Some((lines(&stdout), lines(&stderr)))
}

#[test]
fn validation_matches_kubectl_create() {
    if !have_kubectl() {
        return;
    }
    let cases: Vec<Vec<&str>> = vec![
        vec!["-f", "testdata/manifests/bad/nokind.yaml"],
        vec!["-f", "testdata/manifests/bad/kind-only-apiversion.yaml"],
        vec!["-f", "testdata/manifests/good/kind-no-apiversion.yaml"],
        vec!["-f", "testdata/manifests/bad/bad-apiversion.yaml"],
        vec!["-f", "testdata/manifests/bad/scalars.yaml"],
        vec!["-f", "testdata/manifests/bad/items-no-kind.yaml"],
        vec!["-f", "testdata/manifests/bad/list-item-missing-kind.yaml"],
        vec!["-f", "testdata/manifests/bad/item-scalar.yaml"],
        vec!["-f", "testdata/manifests/bad/json-nokind.json"],
        vec!["-f", "testdata/manifests/bad/json-bignum.json"],
        vec!["-f", "testdata/manifests/bad/nokind.yaml", "-f", "testdata/manifests/good/list.yaml", "-f", "testdata/manifests/bad/syntax-tab.yaml"],
    ];
    for args in cases {
        let Some((names, stderr)) = kubectl_validating(&args, None) else { return };
        let opts = ReadOptions { validate: true, validate_list_items: true, ..options(&args) };
        let (docs, errs) = ours_with(&args, None, opts);
        let our_names: Vec<String> = docs
            .iter()
            .map(|d| format!("{}/{}", d.object["kind"].as_str().unwrap_or("").to_lowercase(), d.object["metadata"]["name"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(report(&errs), stderr, "stderr for {args:?}");
        assert_eq!(our_names, names, "objects for {args:?}");
    }
}

/// Every file of a directory through both readers; the differences, described.
fn compare_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut diffs = Vec::new();
    for p in names {
        let f = p.display().to_string();
        let want = kubectl_local(&["-f", &f], None);
        let got = ours(&["-f", &f], None);
        if want != got {
            diffs.push(format!("{f}\n  kubectl: {:?} {:?}\n  ours:    {:?} {:?}", want.stderr, want.objects, got.stderr, got.objects));
        }
    }
    diffs
}

/// One file per YAML or JSON syntax problem (and a few oddities that are not
/// problems for go-yaml, like `[a]]`): the same error text, or the same objects.
#[test]
fn syntax_corpus_matches_kubectl() {
    if !have_kubectl() {
        return;
    }
    let mut diffs = compare_dir(Path::new("testdata/manifests/syntax"));
    diffs.extend(compare_dir(Path::new("testdata/manifests/syntax-json")));
    assert!(diffs.is_empty(), "{} differences:\n{}", diffs.len(), diffs.join("\n"));
}

/// Exploration aid: `KCTL_MANIFEST_CORPUS=/some/dir cargo test --bin kctl
/// manifest::kubectl_tests::corpus -- --ignored --nocapture` compares every
/// file of a directory and lists the differences.
#[test]
#[ignore]
fn corpus() {
    let Ok(dir) = std::env::var("KCTL_MANIFEST_CORPUS") else { return };
    let diffs = compare_dir(Path::new(&dir));
    for d in &diffs {
        println!("DIFF {d}");
    }
    println!("{} differences", diffs.len());
}

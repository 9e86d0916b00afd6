//! The fixture corpus: kubectl's own stdout, stderr and exit code for each
//! template and document (scripts/gen-gotemplate-fixtures.sh), replayed
//! through the printer the way kctl's command layer uses it.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::GoTemplatePrinter;
use crate::printers::format::OutputFormat;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/printers/gotemplate")
}

fn read_jsonl(path: &Path) -> Vec<Json> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

/// What kctl prints for one case: (stdout, stderr, exit code).
fn run(case: &Json, doc: &Json) -> (String, String, i64) {
    let flags: Vec<&str> = case["flags"].as_array().map_or(Vec::new(), |a| a.iter().filter_map(Json::as_str).collect());
    let allow_missing = !flags.contains(&"--allow-missing-template-keys=false");
    let template_flag = flags.iter().find_map(|f| f.strip_prefix("--template="));
    // The script passes OUTPUT through `$(jq -r ...)`, which drops trailing newlines.
    let output = case["output"].as_str().expect("output").trim_end_matches('\n');
    let template = if let Some(file) = case["file"].as_str() {
        file.to_string()
    } else {
        match OutputFormat::parse(Some(output), template_flag) {
            Ok(OutputFormat::GoTemplate(t)) => t,
            Ok(other) => panic!("{output}: not a go-template format: {other:?}"),
            // CliError's Display already carries kubectl's `error: ` prefix.
            Err(e) => return (String::new(), format!("{e}\n"), 1),
        }
    };
    let result = GoTemplatePrinter::new(&template).and_then(|p| p.allow_missing_keys(allow_missing).print(doc));
    match result {
        Ok(out) => (out, String::new(), 0),
        Err(e) => (e.stdout().to_string(), format!("error: {e}\n"), 1),
    }
}

fn check_dir(dir: &str, input_of: impl Fn(&Json) -> PathBuf) -> (usize, Vec<String>) {
    let dir = root().join(dir);
    let cases = read_jsonl(&dir.join("cases.jsonl"));
    let expected = read_jsonl(&dir.join("expected.jsonl"));
    assert_eq!(cases.len(), expected.len(), "{}: regenerate expected.jsonl", dir.display());
    let mut failures = Vec::new();
    let mut dump = String::new();
    for (case, want) in cases.iter().zip(&expected) {
        let name = case["name"].as_str().expect("name");
        assert_eq!(want["name"].as_str(), Some(name), "expected.jsonl is out of date");
        let path = input_of(case);
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(&path).expect("input")).expect("input JSON");
        let (stdout, stderr, rc) = run(case, &doc);
        let (want_out, want_err, want_rc) =
            (want["stdout"].as_str().unwrap_or(""), want["stderr"].as_str().unwrap_or(""), want["rc"].as_i64().unwrap_or(-1));
        if stdout != want_out || stderr != want_err || rc != want_rc {
            let got = serde_json::json!({"name": name, "stdout": stdout, "stderr": stderr, "rc": rc, "want": want});
            dump.push_str(&format!("{got}\n"));
            failures.push(format!(
                "{name}:\n  stdout: {stdout:?}\n  want:   {want_out:?}\n  stderr: {stderr:?}\n  want:   {want_err:?}\n  rc: {rc} want {want_rc}"
            ));
        }
    }
    if let Ok(path) = std::env::var("GOTEMPLATE_FAILURES") {
        std::fs::write(path, dump).expect("write failures");
    }
    (cases.len(), failures)
}

fn report(what: &str, (total, failures): (usize, Vec<String>)) {
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!("{what}: {} passed, {} failed", total - failures.len(), failures.len());
    assert!(failures.is_empty(), "{what}: {} of {total} fixtures differ from kubectl", failures.len());
}

#[test]
fn local_fixtures() {
    let objects = root().join("local/objects");
    report("gotemplate local", check_dir("local", |c| objects.join(format!("{}.json", c["input"].as_str().expect("input")))));
}

#[test]
fn cluster_fixtures() {
    let inputs = root().join("cluster/inputs");
    if !inputs.exists() {
        return;
    }
    report(
        "gotemplate cluster",
        check_dir("cluster", |c| {
            let target = c["target"].as_str().expect("target").replace(' ', "_").replace('/', "%");
            inputs.join(format!("{target}.json"))
        }),
    );
}

#[test]
fn template_recursion_stops_at_go_depth() {
    let doc = serde_json::json!({"kind": "ConfigMap"});
    let err = super::print(r#"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#, &doc, true).unwrap_err();
    assert!(err.to_string().ends_with(
        r#"template: output:1:25: executing "r" at <{{template "r" .}}>: exceeded maximum template depth (100000)"#
    ));
}

/// Differential-testing helper: renders each case of $GOTEMPLATE_BATCH
/// (JSON lines {"template","input","flags"?}) into $GOTEMPLATE_BATCH.out.
#[test]
#[ignore]
fn render_batch() {
    let Ok(path) = std::env::var("GOTEMPLATE_BATCH") else { return };
    let mut out = String::new();
    for case in read_jsonl(Path::new(&path)) {
        let input = root().join("local/objects").join(format!("{}.json", case["input"].as_str().unwrap_or("values")));
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(input).expect("input")).expect("JSON");
        let t = case["template"].as_str().expect("template");
        let c = serde_json::json!({"output": "go-template-file", "file": t, "flags": case["flags"]});
        let (stdout, stderr, rc) = run(&c, &doc);
        out.push_str(&serde_json::json!({"rc": rc, "stdout": stdout, "stderr": stderr}).to_string());
        out.push('\n');
    }
    std::fs::write(format!("{path}.out"), out).expect("write");
}

#[test]
fn deep_parentheses_parse_and_run() {
    let n = 10001;
    let template = format!("{{{{{}1{}}}}}", "(".repeat(n), ")".repeat(n));
    assert_eq!(super::print(&template, &serde_json::json!({}), true).unwrap(), "1");
}

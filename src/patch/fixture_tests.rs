//! Differential tests against what kubectl v1.32 computed and sent
//! (recorded by scripts/gen-patch-fixtures.sh into testdata/patch).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use super::*;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/patch")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn openapi() -> &'static OpenApiSchema {
    static SCHEMA: OnceLock<OpenApiSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        OpenApiSchema::from_v2(&read_json(&testdata().join("openapi-v2.json"))).unwrap()
    })
}

/// (group, version, kind) of a manifest.
fn gvk(obj: &Value) -> (String, String, String) {
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    (
        group.to_string(),
        version.to_string(),
        obj["kind"].as_str().unwrap_or("").to_string(),
    )
}

/// Drops what the server changes on every write, and status; folds a
/// Secret's stringData into data as the server does.
fn strip_volatile(v: &mut Value) {
    use base64::Engine as _;
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["resourceVersion", "generation", "managedFields"] {
            m.remove(k);
        }
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            a.remove("deprecated.daemonset.template.generation");
            a.remove("deployment.kubernetes.io/revision");
        }
    }
    if v["kind"] == "Secret" {
        if let Some(Value::Object(sd)) = v.as_object_mut().and_then(|m| m.remove("stringData")) {
            for (k, s) in sd {
                let enc =
                    base64::engine::general_purpose::STANDARD.encode(s.as_str().unwrap_or(""));
                v["data"][k] = Value::String(enc);
            }
        }
    }
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
    }
}

/// Every field of `ours` is in `server` with the same value (the server
/// adds defaults on top of the patched object); lists have the same length.
fn assert_subset(ours: &Value, server: &Value, path: &str) {
    match (ours, server) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let Some(sv) = b.get(k) else {
                    panic!("{path}.{k}: missing from the server's object (ours: {v})");
                };
                assert_subset(v, sv, &format!("{path}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(
                a.len(),
                b.len(),
                "{path}: list lengths differ: {ours} vs {server}"
            );
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_subset(x, y, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(to_go_json(ours), to_go_json(server), "{path}"),
    }
}

struct ApplyCase {
    name: String,
    after: Value,
    flags: Vec<String>,
    recorded: Value,
}

fn apply_cases() -> Vec<ApplyCase> {
    let dir = testdata().join("apply");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("testdata/patch/apply")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let d = dir.join(&name);
            let opts = if d.join("opts.json").exists() {
                read_json(&d.join("opts.json"))
            } else {
                Value::Null
            };
            let flags = opts["flags"]
                .as_array()
                .map(|a| a.iter().map(|f| f.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            ApplyCase {
                after: read_json(&d.join("after.json")),
                recorded: read_json(&d.join("recorded.json")),
                flags,
                name,
            }
        })
        .collect()
}

/// kubectl apply's patch for a case: (patch, is strategic). `schema`
/// forces a schema instead of kubectl's choice.
fn compute(case: &ApplyCase, schema: Option<&dyn PatchMeta>) -> Result<(Value, bool), PatchError> {
    let current = &case.recorded["current"];
    let modified = modified_configuration(&case.after, true);
    let original = original_configuration(current)?;
    let overwrite = !case.flags.iter().any(|f| f == "--overwrite=false");
    match schema {
        Some(s) => {
            create_three_way(original.as_ref(), &modified, current, s, overwrite).map(|p| (p, true))
        }
        None => {
            let mut warnings = Vec::new();
            let result = apply_patch(
                original.as_ref(),
                &modified,
                current,
                Some(openapi()),
                overwrite,
                &mut warnings,
            );
            let stderr = case.recorded["stderr"].as_str().unwrap_or("");
            for w in &warnings {
                assert!(
                    stderr.starts_with(w.as_str()),
                    "{}: warning {w:?} not in {stderr:?}",
                    case.name
                );
            }
            result.map(|(p, t)| (p, t == PatchType::Strategic))
        }
    }
}

#[test]
fn apply_patches_match_kubectl() {
    let cases = apply_cases();
    assert!(
        cases.len() >= 40,
        "fixture corpus missing ({} cases)",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let rec = &case.recorded;
        let rc = rec["rc"].as_i64().unwrap();
        let result = compute(case, None);
        let (group, _, kind) = gvk(&case.after);
        match (rc, rec["patch"].as_str(), result) {
            (0, Some(expected), Ok((patch, strategic))) => {
                let ours = to_go_json(&patch);
                if ours != expected {
                    failures.push(format!(
                        "{}: patch differs\n ours:    {ours}\n kubectl: {expected}",
                        case.name
                    ));
                }
                let want_type = if strategic {
                    "application/strategic-merge-patch+json"
                } else {
                    "application/merge-patch+json"
                };
                if rec["patch_type"] != want_type {
                    failures.push(format!(
                        "{}: patch type {} expected",
                        case.name, rec["patch_type"]
                    ));
                }
                if strategic {
                    // The built-in table must agree with the server's OpenAPI.
                    let builtin = BuiltinSchema::for_kind(&kind);
                    match compute(case, Some(&builtin)) {
                        Ok((p, _)) if to_go_json(&p) == expected => {}
                        other => {
                            failures.push(format!("{}: builtin schema gives {other:?}", case.name))
                        }
                    }
                }
                let _ = group;
            }
            (0, None, Ok((patch, _))) => {
                if to_go_json(&patch) != "{}" {
                    failures.push(format!(
                        "{}: kubectl sent no patch, ours is {}",
                        case.name,
                        to_go_json(&patch)
                    ));
                }
            }
            (0, _, Err(e)) => failures.push(format!("{}: unexpected error {e}", case.name)),
            (_, _, Ok((patch, _))) => failures.push(format!(
                "{}: kubectl failed ({}), ours gave {}",
                case.name,
                rec["stderr"],
                to_go_json(&patch)
            )),
            (_, _, Err(e)) => {
                let stderr = rec["stderr"].as_str().unwrap();
                if !stderr.contains(&e.message) {
                    failures.push(format!(
                        "{}: error differs\n ours: {}\n kubectl: {stderr}",
                        case.name, e.message
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn applying_kubectl_patches_matches_kubectl_and_server() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in apply_cases() {
        let rec = &case.recorded;
        let Some(patch_text) = rec["patch"].as_str() else {
            continue;
        };
        let patch: Value = serde_json::from_str(patch_text).unwrap();
        let current = &rec["current"];
        let (group, version, kind) = gvk(&case.after);
        let ours = if rec["patch_type"] == "application/merge-patch+json" {
            apply_merge_patch(current, &patch)
        } else {
            match openapi().for_kind(&group, &version, &kind) {
                Some(schema) => apply_strategic(current, &patch, &schema),
                None => apply_strategic(current, &patch, &BuiltinSchema::for_kind(&kind)),
            }
        };
        let ours = match ours {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        // Exactly what kubectl patch --local computes (it prints objects
        // without managedFields).
        let mut shown = ours.clone();
        if let Some(m) = shown.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
        if rec["local_result"].is_null() {
            // kubectl cannot patch this type locally (outside its scheme).
        } else if to_go_json(&shown) != to_go_json(&rec["local_result"]) {
            failures.push(format!(
                "{}: differs from kubectl patch --local\n ours:    {}\n kubectl: {}",
                case.name,
                to_go_json(&ours),
                to_go_json(&rec["local_result"])
            ));
        }
        // Consistent with what the server stored (which adds defaults).
        let mut ours = ours;
        let mut server = rec["result"].clone();
        strip_volatile(&mut ours);
        strip_volatile(&mut server);
        let outcome = std::panic::catch_unwind(|| assert_subset(&ours, &server, &case.name));
        if let Err(e) = outcome {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "mismatch".to_string());
            failures.push(format!("{}: vs server result: {msg}", case.name));
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} cases with a patch");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn local_patches_match_kubectl_patch_local() {
    let dir = testdata().join("local");
    let cases = std::fs::read_to_string(dir.join("cases.jsonl")).unwrap();
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for (case, want) in cases.lines().zip(expected.lines()) {
        let case: Value = serde_json::from_str(case).unwrap();
        let want: Value = serde_json::from_str(want).unwrap();
        let name = case["name"].as_str().unwrap();
        assert_eq!(want["name"], name);
        let obj = &case["object"];
        let patch = &case["patch"];
        let (group, version, kind) = gvk(obj);
        let ours = match case["type"].as_str().unwrap() {
            "json" => apply_json_patch(obj, patch).map_err(|e| kubectl_json_patch_message(&e)),
            "merge" => apply_merge_patch(obj, patch).map_err(|e| e.message),
            _ => {
                let builtin = BuiltinSchema::for_kind(&kind);
                let a = apply_strategic(obj, patch, &builtin).map_err(|e| e.message);
                let schema = openapi().for_kind(&group, &version, &kind).unwrap();
                let b = apply_strategic(obj, patch, &schema).map_err(|e| e.message);
                if a != b {
                    failures.push(format!(
                        "{name}: builtin and OpenAPI schemas disagree: {a:?} vs {b:?}"
                    ));
                }
                a
            }
        };
        count += 1;
        match (ours, want["rc"].as_i64().unwrap()) {
            (Ok(v), 0) => {
                if to_go_json(&v) != to_go_json(&want["result"]) {
                    failures.push(format!(
                        "{name}:\n ours:    {}\n kubectl: {}",
                        to_go_json(&v),
                        to_go_json(&want["result"])
                    ));
                }
            }
            (Err(msg), rc) if rc != 0 => {
                let stderr = want["stderr"].as_str().unwrap();
                // kubectl's CheckErr adds a newline unless there is one.
                let printed = if msg.ends_with('\n') {
                    format!("error: {msg}")
                } else {
                    format!("error: {msg}\n")
                };
                if stderr != printed {
                    failures.push(format!(
                        "{name}:\n ours:    error: {msg}\n kubectl: {stderr}"
                    ));
                }
            }
            (ours, _) => failures.push(format!("{name}: ours {ours:?}, kubectl {}", want)),
        }
    }
    assert!(count >= 60, "only {count} local cases");
    assert!(
        failures.is_empty(),
        "{} of {count} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! Accumulating a kustomization: its resources (files and nested
//! kustomizations, in order), its generators, then its transformers in
//! kustomize's order.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::kustomization::{self, Kustomization};
use super::Res;

/// Nested kustomizations deeper than this are a cycle.
const MAX_DEPTH: usize = 50;

/// `dir` as the user wrote it (the top) or as a resource entry resolved it.
pub fn accumulate(dir: &Path, warnings: &mut Vec<String>, depth: usize) -> Result<Vec<Res>, String> {
    let mut out = Vec::new();
    accumulate_into(dir, &mut out, warnings, depth, false)?;
    Ok(out)
}

/// Accumulate a kustomization into `out`: a component works on what its
/// parent has accumulated so far, a kustomization starts empty. (A component
/// may be built on its own, but not listed as a resource.)
fn accumulate_into(dir: &Path, out: &mut Vec<Res>, warnings: &mut Vec<String>, depth: usize, component: bool) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("cycle detected: kustomization '{}' includes itself", dir.display()));
    }
    let dir = match std::fs::canonicalize(dir) {
        Ok(d) if d.is_dir() => d,
        Ok(d) => return Err(format!("must build at directory: '{}': file is not directory", d.display())),
        Err(e) => {
            let missing = first_missing(&absolute(dir));
            return Err(format!("must build at directory: not a valid directory: evalsymlink failure on '{}' : lstat {}: {}", dir.display(), missing.display(), io_reason(&e)));
        }
    };
    let k = kustomization::read(&dir)?;
    if component && !k.is_component() {
        return Err(format!("accumulateDirectory: \"expected kind 'Component' for path '{}' but got 'Kustomization'\"", dir.display()));
    }
    // In kustomize's order of checks, each time a kustomization is read.
    for (field, replacement) in [("bases", "resources"), ("commonLabels", "labels"), ("patchesJson6902", "patches"), ("patchesStrategicMerge", "patches")] {
        if k.fields.contains_key(field) {
            warnings.push(format!("# Warning: '{field}' is deprecated. Please use '{replacement}' instead. Run 'kustomize edit fix' to update your Kustomization automatically."));
        }
    }
    for entry in k.list("resources")?.into_iter().chain(k.list("bases")?) {
        let Some(path) = entry.as_str() else {
            return Err("invalid Kustomization: json: cannot unmarshal object into Go struct field Kustomization.resources of type string".into());
        };
        if path.contains("://") || path.starts_with("github.com/") || path.starts_with("git@") {
            return Err(format!("accumulating resources from '{path}': remote resources are not supported by kctl"));
        }
        let full = absolute(&dir.join(path));
        let wrap = |what: &str, e: String| format!("accumulating resources: accumulation err='{what}': {e}");
        if full.is_dir() {
            let not_a_file = format!("accumulating resources from '{path}': '{}' must resolve to a file", full.display());
            match kustomization::read(&full) {
                Err(e) => return Err(wrap(&not_a_file, format!("couldn't make target for path '{}': {e}", full.display()))),
                Ok(sub) if sub.is_component() => return Err(wrap(&not_a_file, format!("expected kind != 'Component' for path '{}'", full.display()))),
                Ok(_) => {}
            }
            let loaded = accumulate(&full, warnings, depth + 1)
                .map_err(|e| wrap(&format!("accumulating resources from '{path}': '{}' must resolve to a file", full.display()), format!("recursed accumulation of path '{}': {e}", full.display())))?;
            for r in loaded {
                add(out, r).map_err(|e| wrap(&format!("merging resources from '{path}': {e}"), format!("must build at directory: '{}'", full.display())))?;
            }
        } else if full.is_file() {
            let file = within(&dir, &full).map_err(|e| wrap(&format!("accumulating resources from '{path}': {e}"), format!("must build at directory: '{}': file is not directory", full.display())))?;
            for obj in read_objects(&file)? {
                add(out, Res::new(obj)).map_err(|e| wrap(&format!("merging resources from '{path}': {e}"), format!("must build at directory: '{}': file is not directory", full.display())))?;
            }
        } else {
            let missing = format!("evalsymlink failure on '{}' : lstat {}: no such file or directory", full.display(), first_missing(&full).display());
            return Err(wrap(&format!("accumulating resources from '{path}': {missing}"), format!("must build at directory: not a valid directory: {missing}")));
        }
    }
    for path in k.list("components")? {
        let path = path.as_str().ok_or("invalid Kustomization: json: cannot unmarshal object into Go struct field Kustomization.components of type string")?;
        accumulate_into(&absolute(&dir.join(path)), out, warnings, depth + 1, true).map_err(|e| format!("accumulating components: {e}"))?;
    }
    for (r, behavior) in super::generate::generate(&k)? {
        match behavior {
            super::generate::Behavior::Create => add(out, r)?,
            other => super::generate::merge_into(out, r, other)?,
        }
    }
    transform(&k, out)?;
    Ok(())
}

/// The shortest prefix of `p` that does not exist: where Go's `EvalSymlinks`
/// stops.
fn first_missing(p: &Path) -> PathBuf {
    let mut prefix = PathBuf::new();
    for c in p.components() {
        prefix.push(c);
        if std::fs::symlink_metadata(&prefix).is_err() {
            return prefix;
        }
    }
    prefix
}

/// A path made absolute and cleaned of `.` and `..` without touching the
/// file system (Go's `filepath.Abs`).
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// kustomize refuses two objects with the same kind, namespace and name.
fn add(out: &mut Vec<Res>, r: Res) -> Result<(), String> {
    if out.iter().any(|o| o.kind() == r.kind() && o.name() == r.name() && o.namespace() == r.namespace() && o.group_version().0 == r.group_version().0) {
        let (g, v) = r.group_version();
        let group = if g.is_empty() { "[noGrp]".to_string() } else { g };
        let ns = if r.namespace().is_empty() { "[noNs]" } else { r.namespace() };
        return Err(format!("may not add resource with an already registered id: {}.{v}.{group}/{}.{ns}", r.kind(), r.name()));
    }
    out.push(r);
    Ok(())
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

/// The load restrictor (`LoadRestrictionsRootOnly`): files come from the
/// kustomization's directory or below.
pub fn within(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let full = std::fs::canonicalize(path).map_err(|e| format!("open {}: {}", path.display(), io_reason(&e)))?;
    if !full.starts_with(root) {
        return Err(format!("security; file '{}' is not in or below '{}'", full.display(), root.display()));
    }
    Ok(full)
}

/// Every object of a YAML or JSON file (`List`s expanded), in order.
pub fn read_objects(path: &Path) -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("open {}: {}", path.display(), io_reason(&e)))?;
    parse_objects(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse_objects(text: &str) -> Result<Vec<Value>, String> {
    let (chunks, sep_err) = crate::yaml::split_documents(text);
    if let Some(e) = sep_err {
        return Err(format!("{e:?}"));
    }
    let mut out = Vec::new();
    for chunk in chunks {
        let v = crate::yaml::to_json_v3_bools(&chunk.text)?;
        match v {
            Value::Null => {}
            Value::Object(ref m) if m.is_empty() => {}
            Value::Object(ref m) if m.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List")) && m.get("items").is_some_and(Value::is_array) => {
                for item in m["items"].as_array().unwrap() {
                    out.push(checked(item.clone())?);
                }
            }
            Value::Object(_) => out.push(checked(v)?),
            _ => return Err("expected a YAML object".into()),
        }
    }
    Ok(out)
}

/// An object the transformers can work on: a map with a kind, and map
/// metadata.
fn checked(v: Value) -> Result<Value, String> {
    if !v.is_object() {
        return Err("expected a YAML object in a List's items".into());
    }
    if v["kind"].as_str().is_none_or(str::is_empty) {
        return Err("missing kind in object".into());
    }
    if !(v["metadata"].is_object() || v["metadata"].is_null()) {
        return Err(format!("{}: metadata must be a map", v["kind"].as_str().unwrap_or("")));
    }
    Ok(v)
}

/// The builtin transformers, in kustomize's order.
fn transform(k: &Kustomization, out: &mut Vec<Res>) -> Result<(), String> {
    super::patches::strategic_merge_files(k, out)?;
    super::patches::patches(k, out)?;
    if let Some(ns) = k.str("namespace")?.filter(|s| !s.is_empty()) {
        super::transform::namespace(out, ns);
    }
    let prefix = k.str("namePrefix")?.unwrap_or("");
    let suffix = k.str("nameSuffix")?.unwrap_or("");
    if !prefix.is_empty() || !suffix.is_empty() {
        super::transform::prefix_suffix(out, prefix, suffix);
    }
    // kustomize's label transformer takes `labels` first, then `commonLabels`.
    for entry in k.list("labels")? {
        if entry.get("fields").is_some_and(|f| !f.is_null()) {
            return Err(format!("{}: 'labels' with custom 'fields' are not supported by kctl", k.dir.display()));
        }
        let pairs = kustomization::string_map(&entry["pairs"], "Label.labels.pairs")?;
        let selectors = entry["includeSelectors"].as_bool().unwrap_or(false);
        let templates = entry["includeTemplates"].as_bool().unwrap_or(false);
        super::transform::labels(out, &pairs, selectors, selectors || templates);
    }
    let common = k.string_map("commonLabels")?;
    if !common.is_empty() {
        super::transform::labels(out, &common, true, true);
    }
    let annotations = k.string_map("commonAnnotations")?;
    if !annotations.is_empty() {
        super::transform::annotations(out, &annotations);
    }
    super::patches::json6902(k, out)?;
    for r in k.list("replicas")? {
        let name = r["name"].as_str().unwrap_or("");
        let count = r["count"].as_i64().ok_or_else(|| format!("replicas: count of '{name}' must be an integer"))?;
        super::transform::replicas(out, name, count)?;
    }
    for image in k.list("images")? {
        super::transform::image(out, &image);
    }
    Ok(())
}

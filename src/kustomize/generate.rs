//! `configMapGenerator`, `secretGenerator` and `generatorOptions`, and the
//! content hash kustomize appends to generated names.

use base64::Engine;
use serde_json::{json, Map, Value};

use super::kustomization::{string_map, Kustomization};
use super::Res;

struct Options {
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
    disable_hash: bool,
    immutable: bool,
}

fn options(v: &Value, field: &str) -> Result<Options, String> {
    Ok(Options {
        labels: string_map(&v["labels"], &format!("{field}.labels"))?,
        annotations: string_map(&v["annotations"], &format!("{field}.annotations"))?,
        disable_hash: v["disableNameSuffixHash"].as_bool().unwrap_or(false),
        immutable: v["immutable"].as_bool().unwrap_or(false),
    })
}

/// What a generator does with an object of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behavior {
    Create,
    Merge,
    Replace,
}

pub fn generate(k: &Kustomization) -> Result<Vec<(Res, Behavior)>, String> {
    let global = options(k.fields.get("generatorOptions").unwrap_or(&Value::Null), "GeneratorOptions.generatorOptions")?;
    let mut out = Vec::new();
    for (field, kind) in [("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")] {
        for spec in k.list(field)? {
            let behavior = match spec["behavior"].as_str().unwrap_or("") {
                "" | "create" => Behavior::Create,
                "merge" => Behavior::Merge,
                "replace" => Behavior::Replace,
                other => return Err(format!("invalid generator behavior: {other}")),
            };
            out.push((one(k, &spec, kind, &global, field)?, behavior));
        }
    }
    Ok(out)
}

/// `behavior: merge|replace`: fold a generated object into the one of the
/// same kind and name accumulated so far (data merged or replaced, metadata
/// labels and annotations merged). It keeps its hash suffix only if both
/// generators want one.
pub fn merge_into(out: &mut [Res], new: Res, behavior: Behavior) -> Result<(), String> {
    let name = new.name().to_string();
    let ns = new.namespace().to_string();
    let Some(old) = out.iter_mut().find(|r| r.kind() == new.kind() && r.known_as(&name) && (ns.is_empty() || r.namespace() == ns || r.orig_namespace == ns)) else {
        // kustomize also prints the generator's address, which differs per run.
        return Err(format!(
            "merging from generator: id resid.ResId{{Gvk:resid.Gvk{{Group:\"\", Version:\"v1\", Kind:\"{}\", isClusterScoped:false}}, Name:\"{name}\", Namespace:\"{ns}\"}} does not exist; cannot merge or replace",
            new.kind()
        ));
    };
    for key in ["data", "binaryData"] {
        let merged = match (behavior, &old.obj[key], &new.obj[key]) {
            (Behavior::Replace, _, n) => n.clone(),
            (_, Value::Object(o), Value::Object(n)) => {
                let mut m = o.clone();
                m.extend(n.clone());
                Value::Object(m)
            }
            (_, o, Value::Null) => o.clone(),
            (_, _, n) => n.clone(),
        };
        match merged {
            Value::Null => {
                if let Some(m) = old.obj.as_object_mut() {
                    m.remove(key);
                }
            }
            v => old.obj[key] = v,
        }
    }
    for key in ["labels", "annotations"] {
        if let Some(n) = new.obj["metadata"][key].as_object().filter(|m| !m.is_empty()) {
            for (k, v) in n {
                old.obj["metadata"][key][k] = v.clone();
            }
        }
    }
    old.needs_hash = old.needs_hash && new.needs_hash;
    Ok(())
}

fn one(k: &Kustomization, spec: &Value, kind: &str, global: &Options, field: &str) -> Result<Res, String> {
    let name = spec["name"].as_str().filter(|n| !n.is_empty()).ok_or_else(|| format!("a {kind} generator needs a name"))?;
    // Go decodes into typed fields: a list item that is not a string fails.
    let args_type = if kind == "Secret" { "SecretArgs" } else { "ConfigMapArgs" };
    for list in ["literals", "files", "envs"] {
        for item in spec[list].as_array().into_iter().flatten() {
            if !item.is_string() {
                let t = match item {
                    Value::Object(_) => "object",
                    Value::Array(_) => "array",
                    Value::Bool(_) => "bool",
                    Value::Number(_) => "number",
                    _ => "null",
                };
                if !item.is_null() {
                    return Err(format!("invalid Kustomization: json: cannot unmarshal {t} into Go struct field {args_type}.{field}.{list} of type string"));
                }
            }
        }
    }
    let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |key: String, value: Vec<u8>| -> Result<(), String> {
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(format!("cannot add key {key}, another key by that name already exists"));
        }
        pairs.push((key, value));
        Ok(())
    };
    for env in spec["envs"].as_array().into_iter().flatten().chain(spec.get("env").into_iter().filter(|v| v.is_string())) {
        let path = super::load::within(&k.dir, &k.dir.join(env.as_str().unwrap_or("")))?;
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((key, value)) => add(key.to_string(), value.as_bytes().to_vec())?,
                None => match std::env::var(line) {
                    Ok(v) => add(line.to_string(), v.into_bytes())?,
                    Err(_) => return Err(format!("line {}: environment variable {line} is not set", i + 1)),
                },
            }
        }
    }
    for lit in spec["literals"].as_array().into_iter().flatten() {
        let lit = lit.as_str().unwrap_or("");
        let (key, value) = lit.split_once('=').ok_or_else(|| format!("invalid literal source {lit}, expected key=value"))?;
        add(key.to_string(), unquote(value).as_bytes().to_vec())?;
    }
    for file in spec["files"].as_array().into_iter().flatten() {
        let file = file.as_str().unwrap_or("");
        let (key, path) = match file.split_once('=') {
            Some((key, path)) => (key.to_string(), path),
            None => (std::path::Path::new(file).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default(), file),
        };
        let path = super::load::within(&k.dir, &k.dir.join(path))?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        add(key, bytes)?;
    }
    // Go names the innermost struct, then the whole path.
    let local = options(&spec["options"], &format!("GeneratorOptions.{field}.options"))?;
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = spec["namespace"].as_str().filter(|n| !n.is_empty()) {
        meta.insert("namespace".into(), json!(ns));
    }
    for (key, global_pairs, local_pairs) in [("labels", &global.labels, &local.labels), ("annotations", &global.annotations, &local.annotations)] {
        let mut m = Map::new();
        for (k, v) in global_pairs.iter().chain(local_pairs.iter()) {
            m.insert(k.clone(), json!(v));
        }
        if !m.is_empty() {
            meta.insert(key.into(), Value::Object(m));
        }
    }
    let mut obj = json!({"apiVersion": "v1", "kind": kind, "metadata": meta});
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let (mut data, mut binary) = (Map::new(), Map::new());
    for (key, value) in pairs {
        if kind == "Secret" {
            data.insert(key, json!(b64(&value)));
        } else {
            match String::from_utf8(value) {
                Ok(s) => {
                    data.insert(key, json!(s));
                }
                Err(e) => {
                    binary.insert(key, json!(b64(e.as_bytes())));
                }
            }
        }
    }
    if !data.is_empty() || kind == "Secret" {
        obj["data"] = Value::Object(data);
    }
    if !binary.is_empty() {
        obj["binaryData"] = Value::Object(binary);
    }
    if kind == "Secret" {
        obj["type"] = json!(spec["type"].as_str().filter(|t| !t.is_empty()).unwrap_or("Opaque"));
    }
    if global.immutable || local.immutable {
        obj["immutable"] = json!(true);
    }
    let mut r = Res::new(obj);
    r.needs_hash = !(global.disable_hash || local.disable_hash);
    Ok(r)
}

/// kustomize strips one pair of matching quotes around a literal's value.
fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// kustomize's hash of a ConfigMap or Secret: sha256 of a JSON encoding of
/// its kind, data (and type, binaryData, stringData), then ten hex digits
/// with some replaced so the suffix never reads as a number. The name in the
/// encoding is always empty (kustomize looks it up with a path kyaml does
/// not split).
pub fn hash(obj: &Value) -> String {
    let mut m = Map::new();
    m.insert("kind".into(), obj["kind"].clone());
    m.insert("name".into(), json!(""));
    let nonempty_map = |v: &Value| v.as_object().is_some_and(|_| true);
    m.insert("data".into(), if obj["data"].is_object() { obj["data"].clone() } else { json!("") });
    if obj["kind"] == "Secret" {
        m.insert("type".into(), if obj["type"].is_string() { obj["type"].clone() } else { json!("") });
        if nonempty_map(&obj["stringData"]) {
            m.insert("stringData".into(), obj["stringData"].clone());
        }
    } else if nonempty_map(&obj["binaryData"]) {
        m.insert("binaryData".into(), obj["binaryData"].clone());
    }
    crate::commands::create::sources::encode_hash(&crate::patch::to_go_json(&Value::Object(m)))
}

/// Append the hash to every generated name that wants one.
pub fn add_hashes(resources: &mut [Res]) -> Result<(), String> {
    for r in resources.iter_mut().filter(|r| r.needs_hash) {
        let h = hash(&r.obj);
        let name = format!("{}-{h}", r.name());
        r.rename(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_kustomize() {
        // Values checked against kubectl 1.32's `kustomize`.
        assert_eq!(hash(&json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"A": "b"}})), "b9t2424hkf");
        assert_eq!(hash(&json!({"kind": "Secret", "metadata": {"name": "s"}, "data": {"K": "dg=="}, "type": "Opaque"})), "8gkfgg4d6d");
    }
}

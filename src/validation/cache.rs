//! What validation needs of the server's OpenAPI v2 document, kept beside the
//! document's own cache: the definitions without their descriptions (a
//! fraction of the bytes to parse on every apply or edit) and, per kind the
//! document's PATCH operations serve, whether they take `fieldValidation`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use super::schema::{gvk_key, gvk_of};
use crate::client::Client;

/// The same freshness as the document's own cache (openapi.rs).
const TTL: Duration = Duration::from_secs(600);

/// The compact document, from the file beside the OpenAPI cache when it is
/// at least as fresh, else derived from the document (and written back).
/// `None` when the server does not serve its schema.
pub async fn load(client: &Client, cache_dir: &Path) -> Option<Value> {
    let v2 = crate::openapi::cache_path(client, cache_dir);
    let derived = v2.with_extension("validation.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let v2_fresh = modified(&v2).filter(|t| SystemTime::now().duration_since(*t).is_ok_and(|age| age < TTL));
    if let (Some(t), Some(d)) = (v2_fresh, modified(&derived)) {
        if d >= t {
            let cached: Option<Value> = std::fs::read(&derived).ok().and_then(|b| serde_json::from_slice(&b).ok());
            // Files written before the per-kind table are derived again.
            if let Some(v) = cached.filter(|v| v["patchFieldValidation"].is_object()) {
                return Some(v);
            }
        }
    }
    let doc = crate::openapi::document(client, cache_dir).await.ok()??;
    Some(store(&doc, &derived))
}

/// Like [`load`], but a kind the cached copy does not define (a CRD created
/// since it was fetched) makes kctl fetch the document again, as kubectl, which
/// keeps no copy, always sees the current one.
pub async fn load_covering(client: &Client, cache_dir: &Path, kinds: &[(String, String, String)]) -> Option<Value> {
    let cached = load(client, cache_dir).await?;
    if kinds.iter().all(|k| defines(&cached, k)) {
        return Some(cached);
    }
    let doc = crate::openapi::refresh(client, cache_dir).await.ok()??;
    let derived = crate::openapi::cache_path(client, cache_dir).with_extension("validation.json");
    Some(store(&doc, &derived))
}

fn defines(doc: &Value, kind: &(String, String, String)) -> bool {
    let (group, version, kind) = kind;
    doc["definitions"].as_object().into_iter().flatten().any(|(_, def)| {
        def["x-kubernetes-group-version-kind"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|g| g["group"].as_str().unwrap_or("") == group && g["version"] == version.as_str() && g["kind"] == kind.as_str())
    })
}

fn store(doc: &Value, derived: &Path) -> Value {
    let compact = compact(doc);
    let tmp = derived.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, serde_json::to_vec(&compact).unwrap_or_default()).is_ok() {
        let _ = std::fs::rename(&tmp, derived);
    }
    compact
}

/// `{"definitions": …, "patchFieldValidation": {"group/version/Kind": bool}}`.
pub fn compact(doc: &Value) -> Value {
    let mut defs = doc.get("definitions").cloned().unwrap_or(Value::Null);
    if let Some(m) = defs.as_object_mut() {
        m.values_mut().for_each(strip_descriptions);
    }
    serde_json::json!({"definitions": defs, "patchFieldValidation": patch_support(doc)})
}

/// Drop `description` from a schema and the schemas inside it (not from a
/// `properties` map, where it may be a field's name).
fn strip_descriptions(schema: &mut Value) {
    let Some(m) = schema.as_object_mut() else { return };
    m.remove("description");
    if let Some(props) = m.get_mut("properties").and_then(Value::as_object_mut) {
        props.values_mut().for_each(strip_descriptions);
    }
    for k in ["items", "additionalProperties"] {
        if let Some(sub) = m.get_mut(k) {
            strip_descriptions(sub);
        }
    }
}

/// For each kind with a PATCH operation, whether the first such operation
/// takes the `fieldValidation` query parameter, inline or by `$ref` to the
/// document's shared parameters.
fn patch_support(doc: &Value) -> Map<String, Value> {
    let globals = doc.get("parameters").and_then(Value::as_object);
    let named = |p: &Value| p.get("in").and_then(Value::as_str) == Some("query") && p.get("name").and_then(Value::as_str) == Some("fieldValidation");
    let mut out = Map::new();
    for item in doc.get("paths").and_then(Value::as_object).into_iter().flatten().map(|(_, item)| item) {
        let Some(op) = item.get("patch") else { continue };
        let gvks: Vec<&Value> = match op.get("x-kubernetes-group-version-kind") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            _ => continue,
        };
        let params = op.get("parameters").and_then(Value::as_array).into_iter().flatten();
        let takes = params.into_iter().any(|p| {
            named(p) || p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")).and_then(|r| globals?.get(r)).is_some_and(named)
        });
        for g in gvks {
            let (group, version, kind) = gvk_of(g);
            out.entry(gvk_key(&group, &version, &kind)).or_insert(Value::Bool(takes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_what_validation_reads() {
        let doc = json!({
            "definitions": {"D": {"description": "x", "properties": {"description": {"type": "string", "description": "y"}, "l": {"type": "array", "items": {"description": "z", "type": "string"}}}}},
            "paths": {
                "/a": {"patch": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Namespace"}, "parameters": [{"name": "fieldValidation", "in": "query"}]}},
                "/b": {"patch": {"x-kubernetes-group-version-kind": {"group": "", "version": "v1", "kind": "Namespace"}, "parameters": []}},
                "/c": {"get": {}, "patch": {"x-kubernetes-group-version-kind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "parameters": [{"name": "fieldValidation", "in": "path"}]}}
            }
        });
        assert_eq!(
            compact(&doc),
            json!({
                "definitions": {"D": {"properties": {"description": {"type": "string"}, "l": {"type": "array", "items": {"type": "string"}}}}},
                "patchFieldValidation": {"/v1/Namespace": true, "apps/v1/Deployment": false}
            })
        );
    }
}

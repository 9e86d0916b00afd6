//! kubectl's client-side schema validation of `-f` documents, which it falls
//! back to when the server does not take the `fieldValidation` parameter (as
//! a v1.20 apiserver does not): each document is checked against the
//! server's OpenAPI v2 definitions (unknown fields, wrong types, missing
//! required fields) and the first failing document ends its source.
//! `--validate=warn` only warns, once per document, that it cannot validate.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::manifest::{ErrorKind, Item, ManifestError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Directive {
    Strict,
    Warn,
    Ignore,
}

/// The OpenAPI v2 definitions, indexed by the kinds they serve.
pub struct Schemas<'a> {
    defs: &'a Map<String, Value>,
    by_gvk: HashMap<(String, String, String), &'a str>,
}

impl<'a> Schemas<'a> {
    pub fn new(doc: &'a Value) -> Option<Schemas<'a>> {
        let defs = doc.get("definitions")?.as_object()?;
        let mut by_gvk = HashMap::new();
        for (name, def) in defs {
            for gvk in def.get("x-kubernetes-group-version-kind").and_then(Value::as_array).into_iter().flatten() {
                let s = |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                by_gvk.entry((s("group"), s("version"), s("kind"))).or_insert(name.as_str());
            }
        }
        Some(Schemas { defs, by_gvk })
    }

    /// kubectl's `validateResource`: nothing to say about kinds without a schema.
    pub fn validate_resource(&self, obj: &Value) -> Vec<String> {
        let (group, version, kind) = crate::patch::group_version_kind(obj);
        let Some(name) = self.by_gvk.get(&(group, version, kind.clone())) else { return Vec::new() };
        let mut errs = Vec::new();
        let def = &self.defs[*name];
        self.visit(def, name, obj, &kind, &mut errs);
        errs
    }

    /// One schema node against one value, as kube-openapi's validation
    /// visitors do. `spath` is the schema's path (a definition name, then
    /// `.field`), `ipath` the value's (`Deployment.spec.containers[0]`).
    fn visit(&self, schema: &'a Value, spath: &str, item: &Value, ipath: &str, errs: &mut Vec<String>) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/definitions/");
            if let Some(def) = self.defs.get(name) {
                self.visit(def, name, item, ipath, errs);
            }
            return;
        }
        let props = schema.get("properties").and_then(Value::as_object);
        let ty = schema.get("type").and_then(Value::as_str);
        let shape = match (ty, props) {
            (None, Some(_)) | (Some("object"), Some(_)) => Shape::Kind,
            (None, None) => Shape::Arbitrary,
            (Some("object"), None) => Shape::Map,
            (Some("array"), _) => Shape::Array,
            (Some(t), _) => Shape::Primitive(t),
        };
        let invalid = |expected: &str, actual: &str| format!("ValidationError({ipath}): invalid type for {spath}: got {actual:?}, expected {expected:?}");
        match item {
            Value::Object(map) => match shape {
                Shape::Primitive(t) => errs.push(invalid(t, "map")),
                Shape::Array => errs.push(invalid("array", "map")),
                Shape::Arbitrary => {}
                Shape::Map => {
                    let sub = schema.get("additionalProperties").filter(|s| s.is_object());
                    for (k, v) in sorted(map) {
                        let p = format!("{ipath}.{k}");
                        if v.is_null() {
                            errs.push(format!("unknown object type \"nil\" in {p}"));
                            continue;
                        }
                        if let Some(sub) = sub {
                            self.visit(sub, spath, v, &p, errs);
                        }
                    }
                }
                Shape::Kind => {
                    let fields = props.unwrap();
                    for (k, v) in sorted(map) {
                        if v.is_null() {
                            continue;
                        }
                        match fields.get(k) {
                            None => errs.push(format!("ValidationError({ipath}): unknown field {k:?} in {spath}")),
                            Some(f) => self.visit(f, &format!("{spath}.{k}"), v, &format!("{ipath}.{k}"), errs),
                        }
                    }
                    for req in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                        if map.get(req).is_none_or(Value::is_null) {
                            errs.push(format!("ValidationError({ipath}): missing required field {req:?} in {spath}"));
                        }
                    }
                }
            },
            Value::Array(list) => match shape {
                Shape::Primitive(t) => errs.push(invalid(t, "array")),
                Shape::Map | Shape::Kind => errs.push(invalid("map", "array")),
                Shape::Arbitrary => {}
                Shape::Array => {
                    let sub = schema.get("items").filter(|s| s.is_object());
                    for (i, v) in list.iter().enumerate() {
                        let p = format!("{ipath}[{i}]");
                        if v.is_null() {
                            errs.push(format!("ValidationError({ipath}): unknown object type \"nil\" in {p}"));
                            continue;
                        }
                        if let Some(sub) = sub {
                            self.visit(sub, spath, v, &p, errs);
                        }
                    }
                }
            },
            Value::Null => {}
            primitive => {
                let actual = match primitive {
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                    Value::Number(_) => "number",
                    _ => "string",
                };
                match shape {
                    Shape::Primitive(t) => {
                        let ok = match t {
                            "boolean" => actual == "boolean",
                            "integer" | "number" => actual == "integer" || actual == "number",
                            "string" => true,
                            _ => false,
                        };
                        if !ok {
                            errs.push(invalid(t, actual));
                        }
                    }
                    Shape::Array => errs.push(invalid("array", actual)),
                    Shape::Map | Shape::Kind => errs.push(invalid("map", actual)),
                    Shape::Arbitrary => {}
                }
            }
        }
    }
}

enum Shape<'s> {
    Kind,
    Map,
    Array,
    Primitive(&'s str),
    Arbitrary,
}

fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut v: Vec<_> = map.iter().collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    v
}

/// Whether the server's PATCH operations take `fieldValidation` (1.25+): kubectl
/// then leaves validation to the server.
fn server_validates(doc: &Value) -> bool {
    doc["paths"].as_object().into_iter().flatten().any(|(_, ops)| {
        ops["patch"]["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "fieldValidation")
            || ops["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "fieldValidation")
    })
}

/// What validation needs of the OpenAPI document, kept beside its cache:
/// the definitions without their descriptions (a fraction of the bytes to
/// parse on every apply) and whether the server validates by itself.
async fn load(client: &Client, cache_dir: &std::path::Path) -> Option<Value> {
    let v2 = crate::openapi::cache_path(client, cache_dir);
    let derived = v2.with_extension("validation.json");
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    // The same freshness as the document's own cache (openapi.rs).
    let v2_fresh = modified(&v2).filter(|t| std::time::SystemTime::now().duration_since(*t).is_ok_and(|age| age < std::time::Duration::from_secs(600)));
    if let (Some(t), Some(d)) = (v2_fresh, modified(&derived)) {
        if d >= t {
            if let Some(v) = std::fs::read(&derived).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
                return Some(v);
            }
        }
    }
    let doc = crate::openapi::document(client, cache_dir).await.ok()??;
    let mut defs = doc.get("definitions").cloned().unwrap_or(Value::Null);
    if let Some(m) = defs.as_object_mut() {
        m.values_mut().for_each(strip_descriptions);
    }
    let compact = serde_json::json!({"fieldValidation": server_validates(&doc), "definitions": defs});
    let tmp = derived.with_extension(format!("tmp{}", std::process::id()));
    if std::fs::write(&tmp, serde_json::to_vec(&compact).unwrap_or_default()).is_ok() {
        let _ = std::fs::rename(&tmp, &derived);
    }
    Some(compact)
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

/// The errors that stand for several (a list's items without a kind), with
/// the messages kubectl prints one per line when such an error is the only one.
pub fn aggregates(items: &[Item]) -> HashMap<String, Vec<String>> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Error(e) if e.causes.len() > 1 => Some((e.message.clone(), e.causes.clone())),
            _ => None,
        })
        .collect()
}

/// Run kubectl's fallback validation over what `-f` read. Documents that fail
/// become kubectl's `error validating …` and end their source; with `Warn`
/// each document gets kubectl's warning instead. Nothing changes when the
/// server validates itself or its schema cannot be had.
pub async fn check(client: &Client, cache_dir: &std::path::Path, items: Vec<Item>, directive: Directive) -> Vec<Item> {
    if directive == Directive::Ignore || !items.iter().any(|i| matches!(i, Item::Object(_))) {
        return items;
    }
    let Some(doc) = load(client, cache_dir).await else { return items };
    if doc["fieldValidation"] == true {
        return items;
    }
    let Some(schemas) = Schemas::new(&doc) else { return items };
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    let mut stopped: Vec<String> = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let source = match &items[i] {
            Item::Object(d) => d.source.clone(),
            Item::Error(e) => e.source.clone(),
        };
        if stopped.contains(&source) {
            i += 1;
            continue;
        }
        let Item::Object(first) = &items[i] else {
            out.push(items[i].clone());
            i += 1;
            continue;
        };
        // One document: a plain object, or every item of one list.
        let mut end = i + 1;
        while end < items.len() && matches!(&items[end], Item::Object(d) if d.source == first.source && d.index == first.index && first.list.is_some()) {
            end += 1;
        }
        match directive {
            Directive::Warn => crate::client::log::emit('W', "schema.go:145", "cannot perform warn validation if server-side field validation is unsupported, skipping validation"),
            _ => {
                let errs = match &first.list {
                    None => schemas.validate_resource(&first.object),
                    Some(_) => items[i..end]
                        .iter()
                        .filter_map(|it| match it {
                            Item::Object(d) => Some(schemas.validate_resource(&d.object)),
                            Item::Error(_) => None,
                        })
                        .flatten()
                        .collect(),
                };
                if !errs.is_empty() {
                    let message = format!(
                        "error validating {}: error validating data: {}; if you choose to ignore these errors, turn validation off with --validate=false",
                        crate::yaml::go_quote(&first.source),
                        crate::manifest::aggregate(&errs)
                    );
                    out.push(Item::Error(ManifestError { kind: ErrorKind::Validate, source: first.source.clone(), line: Some(first.line), message, causes: Vec::new() }));
                    stopped.push(first.source.clone());
                    i = end;
                    continue;
                }
            }
        }
        out.extend(items[i..end].iter().cloned());
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"definitions": {
            "io.k8s.api.apps.v1.Deployment": {"type": "object", "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Deployment"}],
                "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"$ref": "#/definitions/meta"}, "spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}}},
            "meta": {"type": "object", "properties": {"name": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}}}},
            "io.k8s.api.apps.v1.DeploymentSpec": {"type": "object", "required": ["selector"], "properties": {
                "replicas": {"type": "integer"}, "paused": {"type": "boolean"}, "selector": {"type": "object"},
                "containers": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}}}},
            "io.k8s.api.core.v1.Container": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "args": {"type": "array", "items": {"type": "string"}}}}
        }})
    }

    #[test]
    fn reports_as_kube_openapi_does() {
        let d = doc();
        let s = Schemas::new(&d).unwrap();
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": [1]},
            "spec": {"replicass": 2, "replicas": "3", "paused": 1, "containers": [{"args": [1, true], "bogus": 1}, null]}});
        assert_eq!(
            s.validate_resource(&obj),
            vec![
                "ValidationError(Deployment.metadata.labels): invalid type for meta.labels: got \"array\", expected \"map\"",
                "ValidationError(Deployment.spec.containers[0]): unknown field \"bogus\" in io.k8s.api.core.v1.Container",
                "ValidationError(Deployment.spec.containers[0]): missing required field \"name\" in io.k8s.api.core.v1.Container",
                "ValidationError(Deployment.spec.containers): unknown object type \"nil\" in Deployment.spec.containers[1]",
                "ValidationError(Deployment.spec.paused): invalid type for io.k8s.api.apps.v1.DeploymentSpec.paused: got \"integer\", expected \"boolean\"",
                "ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got \"string\", expected \"integer\"",
                "ValidationError(Deployment.spec): unknown field \"replicass\" in io.k8s.api.apps.v1.DeploymentSpec",
                "ValidationError(Deployment.spec): missing required field \"selector\" in io.k8s.api.apps.v1.DeploymentSpec",
            ]
        );
        assert!(s.validate_resource(&json!({"apiVersion": "v1", "kind": "Unknown", "x": 1})).is_empty());
        assert!(!server_validates(&d));
    }
}

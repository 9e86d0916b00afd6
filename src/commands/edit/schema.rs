//! kubectl's client-side OpenAPI validation (kubectl/pkg/validation with
//! kube-openapi's proto validation), used when the server cannot validate
//! fields itself: an object is checked against the OpenAPI v2 definition of
//! its kind for value types, unknown fields and missing required fields, with
//! kube-openapi's error texts (`ValidationError(Deployment.spec.replicas):
//! invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string",
//! expected "integer"`).
//!
//! The object is what `json.Unmarshal` gives Go: every number is a float64,
//! so it counts as a "number" (accepted where an integer is expected).

use std::collections::HashMap;

use serde_json::{Map, Value};

/// An OpenAPI v2 document indexed for validation.
pub struct Validator<'a> {
    doc: &'a Value,
    definitions: &'a Map<String, Value>,
    by_gvk: HashMap<(String, String, String), &'a str>,
}

/// How kube-openapi reads a schema.
enum Shape<'a> {
    Reference(&'a str),
    Arbitrary,
    Primitive(&'a str),
    Array(Option<&'a Value>),
    Map(Option<&'a Value>),
    Kind(&'a Map<String, Value>, Vec<&'a str>),
}

fn shape(s: &Value) -> Shape<'_> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        return Shape::Reference(r.strip_prefix("#/definitions/").unwrap_or(r));
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let properties = s.get("properties").and_then(Value::as_object);
    let kind = |props| Shape::Kind(props, s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect());
    match types.as_slice() {
        [] => properties.map_or(Shape::Arbitrary, kind),
        ["object"] => match properties {
            Some(p) => kind(p),
            None => Shape::Map(s.get("additionalProperties").filter(|a| a.is_object())),
        },
        ["array"] => Shape::Array(s.get("items").filter(|i| i.is_object())),
        [t] => Shape::Primitive(t),
        _ => Shape::Arbitrary,
    }
}

fn gvk_of(v: &Value) -> (String, String, String) {
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    (field("group"), field("version"), field("kind"))
}

fn has_gvk(ext: Option<&Value>, gvk: &(String, String, String)) -> bool {
    match ext {
        Some(Value::Array(list)) => list.iter().any(|v| gvk_of(v) == *gvk),
        Some(v @ Value::Object(_)) => gvk_of(v) == *gvk,
        _ => false,
    }
}

impl<'a> Validator<'a> {
    pub fn new(doc: &'a Value) -> Option<Validator<'a>> {
        let definitions = doc.get("definitions")?.as_object()?;
        let mut by_gvk = HashMap::new();
        for (name, def) in definitions {
            if let Some(Value::Array(list)) = def.get("x-kubernetes-group-version-kind") {
                for g in list {
                    by_gvk.insert(gvk_of(g), name.as_str());
                }
            }
        }
        Some(Validator { doc, definitions, by_gvk })
    }

    /// cli-runtime's OpenAPI v2 `QueryParamVerifier` for `fieldValidation`:
    /// does the PATCH operation of this kind take the parameter? Kinds the
    /// document does not list (custom resources) follow Namespace and then
    /// CustomResourceDefinition. A `v1` `List` never does.
    pub fn supports_field_validation(&self, group: &str, version: &str, kind: &str) -> bool {
        if group.is_empty() && version == "v1" && kind == "List" {
            return false;
        }
        let gvk = |g: &str, v: &str, k: &str| (g.to_string(), v.to_string(), k.to_string());
        match self.patch_takes_field_validation(&gvk(group, version, kind)) {
            Some(supported) => supported,
            None => {
                self.patch_takes_field_validation(&gvk("", "v1", "Namespace")) == Some(true)
                    && self.patch_takes_field_validation(&gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition")) == Some(true)
            }
        }
    }

    fn patch_takes_field_validation(&self, gvk: &(String, String, String)) -> Option<bool> {
        let paths = self.doc.get("paths")?.as_object()?;
        let globals = self.doc.get("parameters").and_then(Value::as_object);
        for item in paths.values() {
            let Some(op) = item.get("patch") else { continue };
            if !has_gvk(op.get("x-kubernetes-group-version-kind"), gvk) {
                continue;
            }
            let params = op.get("parameters").and_then(Value::as_array).into_iter().flatten();
            let named = |p: &Value| p.get("in").and_then(Value::as_str) == Some("query") && p.get("name").and_then(Value::as_str) == Some("fieldValidation");
            return Some(params.into_iter().any(|p| {
                named(p)
                    || p.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/parameters/")).and_then(|r| globals?.get(r)).is_some_and(named)
            }));
        }
        None
    }

    /// kubectl's `SchemaValidation` of an object whose type fields are valid:
    /// a `v1` `List` item by item, a kind the document does not define not at all.
    pub fn validate(&self, obj: &Value) -> Vec<String> {
        let (group, version, kind) = crate::patch::group_version_kind(obj);
        if group.is_empty() && version == "v1" && kind == "List" {
            let Some(items) = obj.get("items").and_then(Value::as_array) else {
                return vec!["invalid object to validate".into()];
            };
            let mut errs = Vec::new();
            for item in items {
                let type_errs = crate::manifest::type_field_errors(item);
                if type_errs.is_empty() {
                    errs.extend(self.validate_resource(item));
                } else {
                    errs.extend(type_errs);
                }
            }
            return errs;
        }
        self.validate_resource(obj)
    }

    fn validate_resource(&self, obj: &Value) -> Vec<String> {
        let (group, version, kind) = crate::patch::group_version_kind(obj);
        let Some(name) = self.by_gvk.get(&(group, version, kind.clone())) else {
            return Vec::new();
        };
        let mut errs = Vec::new();
        if let Some(def) = self.definitions.get(*name) {
            self.visit_at(obj, &kind, def, name, &mut errs);
        }
        errs
    }

    fn visit_at(&self, value: &Value, path: &str, schema: &Value, schema_path: &str, errs: &mut Vec<String>) {
        let invalid = |errs: &mut Vec<String>, expected: &str| {
            let actual = item_kind(value);
            errs.push(format!("ValidationError({path}): invalid type for {schema_path}: got {actual:?}, expected {expected:?}"));
        };
        match shape(schema) {
            Shape::Reference(name) => {
                if let Some(d) = self.definitions.get(name) {
                    self.visit_at(value, path, d, name, errs);
                }
            }
            Shape::Arbitrary => {}
            Shape::Primitive(t) => {
                let ok = match (t, value) {
                    (_, Value::Object(_) | Value::Array(_)) => false,
                    ("boolean", v) => v.is_boolean(),
                    ("integer" | "number", v) => v.is_number(),
                    ("string", _) => true,
                    _ => false,
                };
                if !ok {
                    invalid(errs, t);
                }
            }
            Shape::Array(items) => {
                let Value::Array(list) = value else {
                    return invalid(errs, "array");
                };
                for (i, v) in list.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if v.is_null() {
                        errs.push(format!("ValidationError({p}): unknown object type \"nil\" in {p}"));
                    } else if let Some(items) = items {
                        self.visit_at(v, &p, items, schema_path, errs);
                    }
                }
            }
            Shape::Map(sub) => {
                let Value::Object(map) = value else {
                    return invalid(errs, "map");
                };
                for key in sorted_keys(map) {
                    let p = format!("{path}.{key}");
                    if map[key].is_null() {
                        errs.push(format!("unknown object type \"nil\" in {p}"));
                    } else if let Some(sub) = sub {
                        self.visit_at(&map[key], &p, sub, schema_path, errs);
                    }
                }
            }
            Shape::Kind(fields, required) => {
                let Value::Object(map) = value else {
                    return invalid(errs, "map");
                };
                for key in sorted_keys(map) {
                    if map[key].is_null() {
                        continue;
                    }
                    match fields.get(key) {
                        Some(f) => self.visit_at(&map[key], &format!("{path}.{key}"), f, &format!("{schema_path}.{key}"), errs),
                        None => errs.push(format!("ValidationError({path}): unknown field {key:?} in {schema_path}")),
                    }
                }
                for r in required {
                    if map.get(r).is_none_or(Value::is_null) {
                        errs.push(format!("ValidationError({path}): missing required field {r:?} in {schema_path}"));
                    }
                }
            }
        }
    }
}

fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys
}

fn item_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map",
        Value::Array(_) => "array",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Null => "nil",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "definitions": {
                "io.k8s.api.apps.v1.Deployment": {
                    "properties": {
                        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                        "metadata": {"$ref": "#/definitions/meta.ObjectMeta"},
                        "spec": {"$ref": "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"}
                    },
                    "x-kubernetes-group-version-kind": [{"group": "apps", "version": "v1", "kind": "Deployment"}]
                },
                "io.k8s.api.apps.v1.DeploymentSpec": {
                    "properties": {
                        "replicas": {"type": "integer", "format": "int32"},
                        "paused": {"type": "boolean"},
                        "containers": {"type": "array", "items": {"$ref": "#/definitions/C"}}
                    },
                    "required": ["selector"]
                },
                "C": {"properties": {"name": {"type": "string"}}, "required": ["name"]},
                "meta.ObjectMeta": {"properties": {"name": {"type": "string"}, "labels": {"type": "object", "additionalProperties": {"type": "string"}}}}
            },
            "paths": {
                "/apis/apps/v1/namespaces/{namespace}/deployments/{name}": {
                    "patch": {"x-kubernetes-group-version-kind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "parameters": [{"name": "fieldManager", "in": "query"}]}
                }
            }
        })
    }

    #[test]
    fn reports_like_kube_openapi() {
        let d = doc();
        let v = Validator::new(&d).unwrap();
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"a": {"b": 1}, "n": null}},
            "spec": {"replicas": "3", "paused": 1.0, "foo": true, "containers": [{"image": "x"}, null]}
        });
        assert_eq!(
            v.validate(&obj),
            vec![
                "ValidationError(Deployment.metadata.labels.a): invalid type for meta.ObjectMeta.labels: got \"map\", expected \"string\"",
                "unknown object type \"nil\" in Deployment.metadata.labels.n",
                "ValidationError(Deployment.spec.containers[0]): unknown field \"image\" in C",
                "ValidationError(Deployment.spec.containers[0]): missing required field \"name\" in C",
                "ValidationError(Deployment.spec.containers[1]): unknown object type \"nil\" in Deployment.spec.containers[1]",
                "ValidationError(Deployment.spec): unknown field \"foo\" in io.k8s.api.apps.v1.DeploymentSpec",
                "ValidationError(Deployment.spec.paused): invalid type for io.k8s.api.apps.v1.DeploymentSpec.paused: got \"number\", expected \"boolean\"",
                "ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got \"string\", expected \"integer\"",
                "ValidationError(Deployment.spec): missing required field \"selector\" in io.k8s.api.apps.v1.DeploymentSpec",
            ]
        );
        // Unknown kinds are left to the server.
        assert!(v.validate(&json!({"apiVersion": "x/v1", "kind": "Y", "spec": 1})).is_empty());
    }

    #[test]
    fn finds_field_validation_support() {
        let mut d = doc();
        let v = Validator::new(&d).unwrap();
        assert!(!v.supports_field_validation("apps", "v1", "Deployment"));
        assert!(!v.supports_field_validation("", "v1", "List"));
        d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]["parameters"] = json!([{"$ref": "#/parameters/fv"}]);
        d["parameters"] = json!({"fv": {"name": "fieldValidation", "in": "query"}});
        let v = Validator::new(&d).unwrap();
        assert!(v.supports_field_validation("apps", "v1", "Deployment"));
    }
}

//! The pure part of kubectl's client-side validation (kubectl/pkg/validation
//! with kube-openapi's proto validation): an object is checked against the
//! OpenAPI v2 definition of its kind for value types, unknown fields and
//! missing required fields, with kube-openapi's error texts
//! (`ValidationError(Deployment.spec.replicas): invalid type for
//! io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string", expected "integer"`),
//! and the server's support for `fieldValidation` is looked up per kind.
//!
//! Objects are as kubectl's `parse` has them (apimachinery's JSON decoding):
//! numbers that fit an int64 are "integer", others "number".

use std::collections::HashMap;

use serde_json::{Map, Value};

type Gvk = (String, String, String);

/// The compact document ([`super::cache::compact`]) indexed for validation.
pub struct Validator<'a> {
    definitions: &'a Map<String, Value>,
    by_gvk: HashMap<Gvk, &'a str>,
    /// Whether the PATCH of each kind the document serves takes `fieldValidation`.
    patch_support: Option<&'a Map<String, Value>>,
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
        // Older servers leave `type: object` out of struct definitions.
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

pub(super) fn gvk_of(v: &Value) -> Gvk {
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    (field("group"), field("version"), field("kind"))
}

/// The key of a kind in the compact document's support table.
pub(super) fn gvk_key(group: &str, version: &str, kind: &str) -> String {
    format!("{group}/{version}/{kind}")
}

fn is_v1_list(group: &str, version: &str, kind: &str) -> bool {
    group.is_empty() && version == "v1" && kind == "List"
}

impl<'a> Validator<'a> {
    pub fn new(doc: &'a Value) -> Option<Validator<'a>> {
        let definitions = doc.get("definitions")?.as_object()?;
        let mut by_gvk = HashMap::new();
        // kubectl's openapi.Resources: models in name order, the last one
        // naming a kind wins.
        for (name, def) in definitions {
            for g in def.get("x-kubernetes-group-version-kind").and_then(Value::as_array).into_iter().flatten() {
                let gvk = gvk_of(g);
                if !gvk.2.is_empty() {
                    by_gvk.insert(gvk, name.as_str());
                }
            }
        }
        Some(Validator { definitions, by_gvk, patch_support: doc.get("patchFieldValidation").and_then(Value::as_object) })
    }

    /// cli-runtime's `QueryParamVerifier` for `fieldValidation`: does the
    /// PATCH operation of this kind take the parameter? Kinds the document
    /// does not list (custom resources) follow Namespace and then
    /// CustomResourceDefinition. A `v1` `List` never does.
    pub fn supports_field_validation(&self, group: &str, version: &str, kind: &str) -> bool {
        if is_v1_list(group, version, kind) {
            return false;
        }
        let lookup = |g: &str, v: &str, k: &str| self.patch_support.and_then(|m| m.get(&gvk_key(g, v, k))).and_then(Value::as_bool);
        match lookup(group, version, kind) {
            Some(supported) => supported,
            None => lookup("", "v1", "Namespace") == Some(true) && lookup("apiextensions.k8s.io", "v1", "CustomResourceDefinition") == Some(true),
        }
    }

    /// kubectl's `SchemaValidation` of an object whose type fields are valid:
    /// a `v1` `List` item by item, a kind the document does not define not at all.
    pub fn validate(&self, obj: &Value) -> Vec<String> {
        let (group, version, kind) = crate::patch::group_version_kind(obj);
        if !is_v1_list(&group, &version, &kind) {
            return self.validate_resource(obj);
        }
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
        errs
    }

    /// kubectl's `validateResource`: nothing to say about kinds without a schema.
    pub fn validate_resource(&self, obj: &Value) -> Vec<String> {
        let (group, version, kind) = crate::patch::group_version_kind(obj);
        let Some(name) = self.by_gvk.get(&(group, version, kind.clone())) else {
            return Vec::new();
        };
        let mut errs = Vec::new();
        if let Some(def) = self.definitions.get(*name) {
            self.visit(obj, &kind, def, name, &mut errs);
        }
        errs
    }

    /// One schema node against one value, as kube-openapi's validation
    /// visitors do. `path` is the value's (`Deployment.spec.containers[0]`),
    /// `schema_path` the schema's (a definition name, then `.field`).
    fn visit(&self, value: &Value, path: &str, schema: &Value, schema_path: &str, errs: &mut Vec<String>) {
        let invalid = |errs: &mut Vec<String>, expected: &str| {
            let actual = item_kind(value);
            errs.push(format!("ValidationError({path}): invalid type for {schema_path}: got {actual:?}, expected {expected:?}"));
        };
        match shape(schema) {
            Shape::Reference(name) => {
                if let Some(d) = self.definitions.get(name) {
                    self.visit(value, path, d, name, errs);
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
                        // Reported on the array, naming the item.
                        errs.push(format!("ValidationError({path}): unknown object type \"nil\" in {p}"));
                    } else if let Some(items) = items {
                        self.visit(v, &p, items, schema_path, errs);
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
                        self.visit(&map[key], &p, sub, schema_path, errs);
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
                        Some(f) => self.visit(&map[key], &format!("{path}.{key}"), f, &format!("{schema_path}.{key}"), errs),
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
        Value::Number(n) if n.is_i64() => "integer",
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
                    "type": "object",
                    "properties": {
                        "replicas": {"type": "integer", "format": "int32"},
                        "paused": {"type": "boolean"},
                        "selector": {"type": "object"},
                        "containers": {"type": "array", "items": {"$ref": "#/definitions/C"}}
                    },
                    "required": ["selector"]
                },
                "C": {"properties": {"name": {"type": "string"}, "args": {"type": "array", "items": {"type": "string"}}}, "required": ["name"]},
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
        let d = super::super::cache::compact(&doc());
        let v = Validator::new(&d).unwrap();
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"a": {"b": 1}, "n": null, "x": [1]}},
            "spec": {"replicas": "3", "replicass": 2, "paused": 1, "containers": [{"image": "x", "args": [1, true]}, null], "selector": 1.5}
        });
        assert_eq!(
            v.validate(&obj),
            vec![
                "ValidationError(Deployment.metadata.labels.a): invalid type for meta.ObjectMeta.labels: got \"map\", expected \"string\"",
                "unknown object type \"nil\" in Deployment.metadata.labels.n",
                "ValidationError(Deployment.metadata.labels.x): invalid type for meta.ObjectMeta.labels: got \"array\", expected \"string\"",
                "ValidationError(Deployment.spec.containers[0]): unknown field \"image\" in C",
                "ValidationError(Deployment.spec.containers[0]): missing required field \"name\" in C",
                "ValidationError(Deployment.spec.containers): unknown object type \"nil\" in Deployment.spec.containers[1]",
                "ValidationError(Deployment.spec.paused): invalid type for io.k8s.api.apps.v1.DeploymentSpec.paused: got \"integer\", expected \"boolean\"",
                "ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got \"string\", expected \"integer\"",
                "ValidationError(Deployment.spec): unknown field \"replicass\" in io.k8s.api.apps.v1.DeploymentSpec",
                "ValidationError(Deployment.spec.selector): invalid type for io.k8s.api.apps.v1.DeploymentSpec.selector: got \"number\", expected \"map\"",
            ]
        );
        // Unknown kinds are left to the server.
        assert!(v.validate(&json!({"apiVersion": "x/v1", "kind": "Y", "spec": 1})).is_empty());
    }

    #[test]
    fn lists_are_checked_item_by_item() {
        let d = super::super::cache::compact(&doc());
        let v = Validator::new(&d).unwrap();
        let list = json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"selector": {}, "paused": "no"}},
            {"kind": "Deployment"},
        ]});
        assert_eq!(
            v.validate(&list),
            vec![
                "ValidationError(Deployment.spec.paused): invalid type for io.k8s.api.apps.v1.DeploymentSpec.paused: got \"string\", expected \"boolean\"",
                "apiVersion not set",
            ]
        );
        assert_eq!(v.validate(&json!({"apiVersion": "v1", "kind": "List"})), vec!["invalid object to validate"]);
    }

    #[test]
    fn finds_field_validation_support() {
        let mut d = doc();
        let v = super::super::cache::compact(&d);
        let v = Validator::new(&v).unwrap();
        assert!(!v.supports_field_validation("apps", "v1", "Deployment"));
        assert!(!v.supports_field_validation("", "v1", "List"));
        d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]["parameters"] = json!([{"$ref": "#/parameters/fv"}]);
        d["parameters"] = json!({"fv": {"name": "fieldValidation", "in": "query"}});
        let c = super::super::cache::compact(&d);
        let v = Validator::new(&c).unwrap();
        assert!(v.supports_field_validation("apps", "v1", "Deployment"));
        assert!(!v.supports_field_validation("example.com", "v1", "Gadget"));
        assert!(!v.supports_field_validation("", "v1", "List"));
    }
}

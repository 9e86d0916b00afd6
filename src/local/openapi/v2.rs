//! The OpenAPI v2 document: the embedded definitions, the custom resources'
//! schemas, and paths shaped like the apiserver's (kubectl reads the PATCH
//! operations' `consumes` to choose strategic or merge patches, and their
//! parameters to learn whether the server validates fields).

use serde_json::{json, Map, Value};

use super::super::resources::Res;

const REF: &str = "#/definitions/";
const PATCH_TYPES: &[&str] = &["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"];
const CR_PATCH_TYPES: &[&str] = &["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

/// The definition name of a custom kind: the group reversed, then version and kind
/// (`test.kctl.describe.v1.Gadget`), as the apiextensions apiserver names it.
pub fn custom_name(group: &str, version: &str, kind: &str) -> String {
    let rev: Vec<&str> = group.split('.').rev().collect();
    format!("{}.{version}.{kind}", rev.join("."))
}

/// The definition of each served kind, found by its `x-kubernetes-group-version-kind`.
pub fn definition_of(defs: &Map<String, Value>, res: &Res) -> Option<String> {
    if res.custom.is_some() {
        return Some(custom_name(res.group, res.version, res.kind));
    }
    defs.iter()
        .find(|(_, d)| {
            d["x-kubernetes-group-version-kind"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|g| g["group"] == res.group && g["version"] == res.version && g["kind"] == res.kind)
        })
        .map(|(n, _)| n.clone())
}

fn op_id(verb: &str, res: &Res, kind: &str, namespaced: bool) -> String {
    let group: String = res
        .group
        .split('.')
        .enumerate()
        .filter(|(i, p)| *i == 0 || !matches!(*p, "k8s" | "io"))
        .map(|(_, p)| {
            let mut c = p.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect();
    let version = {
        let mut c = res.version.chars();
        c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
    };
    let group = if res.group.is_empty() { "Core".to_string() } else { group };
    format!("{verb}{group}{version}{}{kind}", if namespaced { "Namespaced" } else { "" })
}

fn query(name: &str, ty: &str) -> Value {
    json!({"uniqueItems": true, "type": ty, "name": name, "in": "query"})
}

fn path_param(name: &str, description: &str) -> Value {
    json!({"uniqueItems": true, "type": "string", "description": description, "name": name, "in": "path", "required": true})
}

/// The collection and item paths of one resource, with their operations.
pub fn paths(res: &Res, def: &str, list_def: Option<&str>, out: &mut Map<String, Value>) {
    let base = if res.group.is_empty() { format!("/api/{}", res.version) } else { format!("/apis/{}/{}", res.group, res.version) };
    let (coll, item) = if res.namespaced {
        (format!("{base}/namespaces/{{namespace}}/{}", res.name), format!("{base}/namespaces/{{namespace}}/{}/{{name}}", res.name))
    } else {
        (format!("{base}/{}", res.name), format!("{base}/{}/{{name}}", res.name))
    };
    let tag = if res.group.is_empty() { format!("core_{}", res.version) } else { format!("{}_{}", res.group.replace('.', "_").replace("_k8s_io", ""), res.version) };
    let gvk = json!({"group": res.group, "kind": res.kind, "version": res.version});
    let ns = res.namespaced;
    let op = |verb: &str, action: &str, schema_def: &str, consumes: Option<&[&str]>, mut params: Vec<Value>| {
        let body_def = if action == "patch" { "io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } else { schema_def };
        if matches!(action, "post" | "put" | "patch") {
            params.insert(0, json!({"name": "body", "in": "body", "required": true, "schema": {"$ref": format!("{REF}{body_def}")}}));
            params.push(query("dryRun", "string"));
            params.push(query("fieldManager", "string"));
        }
        if action == "patch" {
            params.push(query("force", "boolean"));
        }
        let mut o = json!({
            "consumes": consumes.unwrap_or(&["*/*"]),
            "produces": ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"],
            "schemes": ["https"],
            "tags": [tag.clone()],
            "operationId": op_id(verb, res, res.kind, ns),
            "parameters": params,
            "responses": {"200": {"description": "OK", "schema": {"$ref": format!("{REF}{schema_def}")}}, "401": {"description": "Unauthorized"}},
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": gvk.clone(),
        });
        if action == "list" {
            o["operationId"] = json!(op_id("list", res, res.kind, ns));
        }
        o
    };
    let patch_types: &[&str] = if res.custom.is_some() { CR_PATCH_TYPES } else { PATCH_TYPES };
    let mut common = vec![path_param("name", &format!("name of the {}", res.kind))];
    if ns {
        common.push(path_param("namespace", "object name and auth scope, such as for teams and projects"));
    }
    common.push(query("pretty", "string"));
    out.insert(
        item,
        json!({
            "get": op("read", "get", def, None, vec![]),
            "put": op("replace", "put", def, None, vec![]),
            "delete": op("delete", "delete", "io.k8s.apimachinery.pkg.apis.meta.v1.Status", None, vec![]),
            "patch": op("patch", "patch", def, Some(patch_types), vec![]),
            "parameters": common,
        }),
    );
    let mut coll_item = json!({"post": op("create", "post", def, None, vec![])});
    if let Some(l) = list_def {
        coll_item["get"] = op("list", "list", l, None, vec![query("labelSelector", "string"), query("limit", "integer")]);
    }
    let mut cp = vec![];
    if ns {
        cp.push(path_param("namespace", "object name and auth scope, such as for teams and projects"));
    }
    cp.push(query("pretty", "string"));
    coll_item["parameters"] = json!(cp);
    out.insert(coll, coll_item);
}

/// A custom resource's `openAPIV3Schema` as the apiserver publishes it: the
/// standard `apiVersion`, `kind` and `metadata` properties, and for v2 without
/// what OpenAPI v2 cannot say (a node that keeps unknown fields loses its
/// properties, as kubectl would otherwise reject them).
pub fn custom_schema(schema: &Value, group: &str, version: &str, kind: &str, v2: bool) -> Value {
    let mut s = schema.clone();
    if v2 {
        s = to_v2(s);
    }
    if !(v2 && schema["x-kubernetes-preserve-unknown-fields"] == true) {
        let props = s.as_object_mut().map(|m| m.entry("properties").or_insert_with(|| json!({})));
        if let Some(p) = props.and_then(Value::as_object_mut) {
            p.insert("apiVersion".into(), json!({"description": API_VERSION_DOC, "type": "string"}));
            p.insert("kind".into(), json!({"description": KIND_DOC, "type": "string"}));
            // v3 documents get this `$ref` wrapped in `allOf` by the v3 conversion.
            p.insert("metadata".into(), json!({"$ref": format!("{REF}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), "description": METADATA_DOC}));
        }
    }
    if let Some(m) = s.as_object_mut() {
        m.insert("x-kubernetes-group-version-kind".into(), json!([{"group": group, "kind": kind, "version": version}]));
    }
    s
}

fn to_v2(s: Value) -> Value {
    let Value::Object(mut m) = s else { return s };
    if m.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true)) {
        let mut out = Map::new();
        if let Some(t) = m.remove("type") {
            out.insert("type".into(), t);
        }
        return Value::Object(out);
    }
    for k in ["nullable", "oneOf", "anyOf", "not", "x-kubernetes-int-or-string"] {
        m.remove(k);
    }
    if let Some(Value::Object(p)) = m.get_mut("properties") {
        for v in p.values_mut() {
            *v = to_v2(v.take());
        }
    }
    for k in ["items", "additionalProperties"] {
        if let Some(v) = m.get_mut(k) {
            if v.is_object() {
                *v = to_v2(v.take());
            }
        }
    }
    Value::Object(m)
}

/// The list kind of a custom resource.
pub fn custom_list(item_def: &str, group: &str, version: &str, kind: &str, plural: &str) -> Value {
    json!({
        "description": format!("{kind}List is a list of {kind}"),
        "required": ["items"],
        "properties": {
            "apiVersion": {"description": API_VERSION_DOC, "type": "string"},
            "items": {"description": format!("List of {plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md"), "type": "array", "items": {"$ref": format!("{REF}{item_def}")}},
            "kind": {"description": KIND_DOC, "type": "string"},
            "metadata": {"description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds", "$ref": format!("{REF}io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")},
        },
        "x-kubernetes-group-version-kind": [{"group": group, "kind": format!("{kind}List"), "version": version}],
    })
}

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

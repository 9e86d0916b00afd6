//! OpenAPI v3 per group-version, derived from the v2 document as the
//! apiserver's kube-openapi builder shapes it: `#/components/schemas/` refs, a
//! `$ref` with siblings wrapped in `allOf`, bodies as `requestBody` content
//! (kubectl's client-side apply looks for the strategic-merge media type
//! there), responses as `content`, parameters with a `schema`.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

const V2_REF: &str = "#/definitions/";
const V3_REF: &str = "#/components/schemas/";

/// The group-version document for paths under `prefix` (`/api/v1/`, `/apis/apps/v1/`).
pub fn document(v2: &Value, prefix: &str, version: &str) -> Value {
    let mut paths = Map::new();
    let mut refs = BTreeSet::new();
    for (p, item) in v2["paths"].as_object().into_iter().flatten().filter(|(p, _)| p.starts_with(prefix)) {
        collect_refs(item, &mut refs);
        paths.insert(p.clone(), path_item(item));
    }
    // The closure of what the paths reference.
    let defs = v2["definitions"].as_object().cloned().unwrap_or_default();
    let mut todo: Vec<String> = refs.into_iter().collect();
    let mut keep = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if !keep.insert(n.clone()) {
            continue;
        }
        if let Some(d) = defs.get(&n) {
            let mut more = BTreeSet::new();
            collect_refs(d, &mut more);
            todo.extend(more.into_iter().filter(|m| !keep.contains(m)));
        }
    }
    let schemas: Map<String, Value> = keep.into_iter().filter_map(|n| defs.get(&n).map(|d| (n, schema(d, true)))).collect();
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"BearerToken": {"type": "apiKey", "description": "Bearer Token authentication", "name": "authorization", "in": "header"}}},
    })
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix(V2_REF)) {
                out.insert(r.to_string());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// A v2 schema in v3 form. `top` is a definition itself (its own `$ref`, if
/// any, stays plain).
pub fn schema(s: &Value, top: bool) -> Value {
    let Value::Object(m) = s else { return s.clone() };
    let mut out = Map::new();
    for (k, v) in m {
        let v = match k.as_str() {
            "$ref" => json!(v.as_str().unwrap_or("").replace(V2_REF, V3_REF)),
            "properties" => Value::Object(v.as_object().into_iter().flatten().map(|(n, p)| (n.clone(), schema(p, false))).collect()),
            "items" | "additionalProperties" if v.is_object() => schema(v, false),
            "allOf" | "anyOf" | "oneOf" => Value::Array(v.as_array().into_iter().flatten().map(|x| schema(x, false)).collect()),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    if !top && out.len() > 1 {
        if let Some(r) = out.remove("$ref") {
            out.insert("allOf".into(), json!([{"$ref": r}]));
        }
    }
    Value::Object(out)
}

fn path_item(item: &Value) -> Value {
    let mut out = Map::new();
    for (k, v) in item.as_object().into_iter().flatten() {
        let v = match k.as_str() {
            "parameters" => json!(v.as_array().into_iter().flatten().map(parameter).collect::<Vec<_>>()),
            _ => operation(v),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

fn parameter(p: &Value) -> Value {
    let mut s = json!({"type": p["type"]});
    if p["uniqueItems"] == true {
        s["uniqueItems"] = json!(true);
    }
    let mut out = json!({"name": p["name"], "in": p["in"], "schema": s});
    if let Some(d) = p.get("description") {
        out["description"] = d.clone();
    }
    if p["required"] == true {
        out["required"] = json!(true);
    }
    out
}

fn operation(op: &Value) -> Value {
    let mut out = Map::new();
    for k in ["tags", "description", "operationId"] {
        if let Some(v) = op.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    let non_body: Vec<Value> = params.iter().filter(|p| p["in"] != "body").map(parameter).collect();
    if !non_body.is_empty() {
        out.insert("parameters".into(), json!(non_body));
    }
    if let Some(body) = params.iter().find(|p| p["in"] == "body") {
        let s = schema(&body["schema"], false);
        let content: Map<String, Value> = op["consumes"].as_array().into_iter().flatten().filter_map(|c| c.as_str()).map(|c| (c.to_string(), json!({"schema": s}))).collect();
        out.insert("requestBody".into(), json!({"content": content, "required": true}));
    }
    let mut responses = Map::new();
    for (code, r) in op["responses"].as_object().into_iter().flatten() {
        let mut resp = json!({"description": r["description"]});
        if r["schema"].is_object() {
            let s = schema(&r["schema"], false);
            resp["content"] = op["produces"].as_array().into_iter().flatten().filter_map(|c| c.as_str()).map(|c| (c.to_string(), json!({"schema": s}))).collect::<Map<_, _>>().into();
        }
        responses.insert(code.clone(), resp);
    }
    out.insert("responses".into(), Value::Object(responses));
    for (k, v) in op.as_object().into_iter().flatten().filter(|(k, _)| k.starts_with("x-")) {
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

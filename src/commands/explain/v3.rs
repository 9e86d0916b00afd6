//! `--output=plaintext` over an OpenAPI v3 group-version document: kubectl
//! 1.32's `plaintext.tmpl` rendered by hand. Go template semantics matter
//! here: empty maps, lists and strings count as false, maps range in key
//! order, and whatever the template wrote before an error stays written.

use std::collections::BTreeSet;

use serde_json::Value;

use super::wrap::{indent, wordwrap};

pub struct Request<'r> {
    pub group: &'r str,
    pub version: &'r str,
    pub resource: &'r str,
    pub path: &'r [String],
    pub recursive: bool,
}

/// What the template printed, and the error it stopped with, if any.
pub fn render(doc: &Value, req: &Request<'_>) -> (String, Option<String>) {
    let t = Template { doc, recursive: req.recursive };
    let prefix = if req.group.is_empty() { "/api".to_string() } else { format!("/apis/{}", req.group) };
    let (v, r) = (req.version, req.resource);
    let searched = [
        format!("{prefix}/{v}/{r}"),
        format!("{prefix}/{v}/{r}/{{name}}"),
        format!("{prefix}/{v}/namespaces/{{namespace}}/{r}"),
        format!("{prefix}/{v}/namespaces/{{namespace}}/{r}/{{name}}"),
    ];
    // Every path found overwrites the kind, as the template's loop does.
    let mut gvk: Option<&Value> = None;
    for p in &searched {
        let Some(item) = doc["paths"].get(p.as_str()).filter(|i| truthy(i)) else { continue };
        for m in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(m).filter(|o| truthy(o)) else { continue };
            gvk = op.get("x-kubernetes-group-version-kind");
            if gvk.is_some_and(truthy) {
                break;
            }
        }
    }
    let Some(gvk) = gvk.filter(|g| truthy(g)) else {
        let gvr = format!("{}/{}, Resource={}", req.group, req.version, req.resource);
        return (String::new(), Some(format!("GVR ({gvr}) not found in OpenAPI schema")));
    };
    let mut out = String::new();
    let s = |k: &str| go_print(&gvk[k]);
    if truthy(&gvk["group"]) {
        out.push_str(&format!("GROUP:      {}\n", s("group")));
    }
    out.push_str(&format!("KIND:       {}\nVERSION:    {}\n\n", s("kind"), s("version")));
    let schemas = doc["components"]["schemas"].as_object();
    let sorted: std::collections::BTreeMap<&String, &Value> = schemas.into_iter().flatten().collect();
    let found = sorted.into_iter().find(|(_, d)| d["x-kubernetes-group-version-kind"].as_array().is_some_and(|a| a.contains(gvk)));
    let Some((_, def)) = found else {
        let map = format!("map[group:{} kind:{} version:{}]", s("group"), s("kind"), s("version"));
        return (out, Some(format!("GVK {map} not found in OpenAPI schema")));
    };
    let body = t.output(def, &BTreeSet::new(), req.path);
    if body.is_empty() {
        let last = req.path.last().map(String::as_str).unwrap_or("");
        return (out, Some(format!("field \"{last}\" does not exist")));
    }
    out.push_str(&body);
    out.push('\n');
    (out, None)
}

/// Go template truth: false, 0, nil and empty strings, lists and maps are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn field<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.get(k).filter(|x| truthy(x))
}

/// `fmt.Sprint` of a decoded JSON value.
fn go_print(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map(go_float).unwrap_or_default(),
        },
        Value::Bool(b) => b.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_print).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!("map[{}]", m.iter().map(|(k, v)| format!("{k}:{}", go_print(v))).collect::<Vec<_>>().join(" ")),
    }
}

/// `%v` of a float64: the shortest form, exponent from 1e21 on.
fn go_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e21 {
        format!("{f:.0}")
    } else {
        format!("{f}")
    }
}

struct Template<'a> {
    doc: &'a Value,
    recursive: bool,
}

/// A schema that is a map of values (`additionalProperties` other than a bool).
fn map_values(s: &Value) -> Option<&Value> {
    field(s, "additionalProperties").filter(|a| !a.is_boolean())
}

impl<'a> Template<'a> {
    fn resolve_ref(&self, r: &Value) -> Option<&'a Value> {
        let fragment = r.as_str()?.strip_prefix('#')?;
        let mut cur = self.doc;
        for k in fragment.split('/').filter(|k| !k.is_empty()) {
            cur = cur.get(k).filter(|c| c.is_object())?;
        }
        Some(cur)
    }

    /// `or (resolveRef $ref) $schema`.
    fn resolved(&self, s: &'a Value) -> &'a Value {
        s.get("$ref").and_then(|r| self.resolve_ref(r)).filter(|r| truthy(r)).unwrap_or(s)
    }

    fn output(&self, schema: &'a Value, history: &BTreeSet<String>, path: &[String]) -> String {
        let ref_s = schema.get("$ref").filter(|r| truthy(r)).map(go_print).unwrap_or_default();
        let mut next = history.clone();
        next.insert(ref_s.clone());
        let res = self.resolved(schema);
        if path.is_empty() {
            let desc = self.description(res, 0);
            let desc = if desc.is_empty() { "<empty>".to_string() } else { desc };
            let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wordwrap(&desc, 76)));
            let docs = external_docs(res);
            if !docs.is_empty() {
                out.push('\n');
                out.push_str(&docs);
            }
            let fields = self.field_list(res, 1, &BTreeSet::new());
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
            return out;
        }
        if !ref_s.is_empty() && history.contains(&ref_s) {
            return String::new();
        }
        if let Some(sub) = field(res, "properties").and_then(|p| field(p, &path[0])) {
            let mut out = String::new();
            if path.len() == 1 {
                out.push_str(&format!("FIELD: {} <{}>\n", path[0], self.type_guess(sub)));
                out.push_str(&enum_values(sub, true, 0));
                out.push_str("\n\n");
            }
            out.push_str(&self.output(sub, &BTreeSet::new(), &path[1..]));
            return out;
        }
        if let Some(items) = field(res, "items") {
            return self.output(items, &next, path);
        }
        if let Some(values) = map_values(res) {
            return self.output(values, &next, path);
        }
        for sub in res["allOf"].as_array().into_iter().flatten() {
            let out = self.output(sub, &next, path);
            if !out.is_empty() {
                return out;
            }
        }
        String::new()
    }

    /// The schema's description and those of what it is made of; `depth`
    /// only guards against a schema that contains itself.
    fn description(&self, schema: &'a Value, depth: usize) -> String {
        let s = self.resolved(schema);
        let mut out = String::new();
        if !truthy(s) || depth > 64 {
            return out;
        }
        if let Some(d) = field(s, "description") {
            out.push_str(&go_print(d));
            out.push('\n');
        }
        for sub in s["allOf"].as_array().into_iter().flatten() {
            out.push_str(&self.description(sub, depth + 1));
        }
        if let Some(items) = field(s, "items") {
            out.push_str(&self.description(items, depth + 1));
        }
        if let Some(values) = map_values(s) {
            out.push_str(&self.description(values, depth + 1));
        }
        out
    }

    fn field_list(&self, schema: &'a Value, level: usize, history: &BTreeSet<String>) -> String {
        let ref_s = schema.get("$ref").filter(|r| truthy(r)).map(go_print).unwrap_or_default();
        if !ref_s.is_empty() && history.contains(&ref_s) {
            return String::new();
        }
        let mut next = history.clone();
        next.insert(ref_s);
        let res = self.resolved(schema);
        let mut out = String::new();
        let props: std::collections::BTreeMap<&String, &Value> = res["properties"].as_object().into_iter().flatten().collect();
        for (name, sub) in props {
            out.push_str(&self.field_detail(name, res, level));
            if self.recursive {
                out.push_str(&self.field_list(sub, level + 1, &next));
            }
        }
        for sub in res["allOf"].as_array().into_iter().flatten() {
            out.push_str(&self.field_list(sub, level, &next));
        }
        if let Some(items) = field(res, "items") {
            out.push_str(&self.field_list(items, level, &next));
        }
        if let Some(values) = map_values(res) {
            out.push_str(&self.field_list(values, level, &next));
        }
        out
    }

    fn field_detail(&self, name: &str, parent: &'a Value, level: usize) -> String {
        let pad = level * 2;
        let f = &parent["properties"][name];
        let mut out = format!("{}\t<{}>", indent(pad, name), self.type_guess(f));
        if parent["required"].as_array().is_some_and(|r| r.iter().any(|x| x == name)) {
            out.push_str(" -required-");
        }
        out.push_str(&enum_values(f, false, pad));
        out.push('\n');
        if self.recursive {
            return out;
        }
        let desc = field(f, "description").map(go_print).unwrap_or_else(|| "<no description>".into());
        out.push_str(&indent(pad + 2, &wordwrap(&desc, 78usize.saturating_sub(pad))));
        out.push('\n');
        if let Some(docs) = field(f, "externalDocs") {
            out.push('\n');
            out.push_str(&indent(pad + 2, "EXTERNAL DOCS:"));
            out.push('\n');
            if let Some(d) = field(docs, "description") {
                out.push_str(&indent(pad + 4, &wordwrap(&go_print(d), 76usize.saturating_sub(pad))));
                out.push('\n');
            }
            if let Some(u) = field(docs, "url") {
                out.push_str(&indent(pad + 4, &format!("URL: {}", go_print(u))));
                out.push('\n');
            }
        }
        out.push('\n');
        out
    }

    /// `string`, `[]Container`, `map[string]string`, `Object`, ...
    fn type_guess(&self, s: &'a Value) -> String {
        if let Some(items) = field(s, "items") {
            return format!("[]{}", self.type_guess(items));
        }
        if let Some(values) = map_values(s) {
            return format!("map[string]{}", self.type_guess(values));
        }
        if let Some(all) = field(s, "allOf").and_then(Value::as_array) {
            if field(s, "properties").is_none() && all.len() == 1 {
                return self.type_guess(&all[0]);
            }
        }
        if let Some(r) = field(s, "$ref") {
            let target = self.resolve_ref(r).filter(|t| truthy(t));
            let ty = target.and_then(|t| field(t, "type"));
            return match ty {
                Some(t) if t != "object" => go_print(t),
                _ => {
                    let r = go_print(r);
                    let name = r.rsplit('/').next().unwrap_or("");
                    let last = name.rsplit('.').next().unwrap_or("");
                    if last.is_empty() { "Object".into() } else { last.to_string() }
                }
            };
        }
        match field(s, "type") {
            Some(t) if t == "object" => "Object".into(),
            Some(t) => go_print(t),
            None => "Object".into(),
        }
    }
}

fn external_docs(s: &Value) -> String {
    let Some(docs) = field(s, "externalDocs") else { return String::new() };
    let mut out = "EXTERNAL DOCS:\n".to_string();
    if let Some(d) = field(docs, "description") {
        out.push_str(&indent(4, &wordwrap(&go_print(d), 76)));
        out.push('\n');
    }
    if let Some(u) = field(docs, "url") {
        out.push_str(&indent(4, &format!("URL: {}", go_print(u))));
        out.push('\n');
    }
    out
}

/// The enum values: all on their own lines under `ENUM:` for the field
/// asked for, the first four after `enum:` in a list of fields.
fn enum_values(s: &Value, long: bool, pad: usize) -> String {
    let Some(values) = field(s, "enum").and_then(Value::as_array) else { return String::new() };
    let mut out = if long { "ENUM:".to_string() } else { format!("\n{}enum: ", " ".repeat(pad)) };
    for (i, v) in values.iter().enumerate() {
        if !long && i >= 4 {
            out.push_str(", ....");
            break;
        }
        if long {
            out.push_str("\n    ");
        } else if i > 0 {
            out.push_str(", ");
        }
        match v {
            Value::String(s) if s.is_empty() => out.push_str("\"\""),
            other => out.push_str(&go_print(other)),
        }
    }
    out
}

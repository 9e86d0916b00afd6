//! From one document's JSON to objects, as kubectl's resource builder does it:
//! client-side validation of the type fields, the unstructured decoder
//! (`unstructuredJSONScheme`), and `FlattenListVisitor` for lists.

use serde_json::{Map, Value};

use super::json;
use crate::yaml::go_quote;

const STOP_VALIDATE: &str = "if you choose to ignore these errors, turn validation off with --validate=false";

/// `utilerrors.NewAggregate(errs).Error()`: one message as is, several
/// (after dropping repeats) as `[a, b]`.
pub fn aggregate(msgs: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in msgs {
        if !seen.contains(&m.as_str()) {
            seen.push(m);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen[0].to_string(),
        _ => format!("[{}]", seen.join(", ")),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `schema.ParseGroupVersion`: `None` when the string has more than one `/`.
fn parse_group_version(gv: &str) -> Option<(&str, &str)> {
    if gv.is_empty() || gv == "/" {
        return Some(("", ""));
    }
    match gv.matches('/').count() {
        0 => Some(("", gv)),
        1 => gv.split_once('/'),
        _ => None,
    }
}

/// `getObjectKind` of kubectl's validation: what is wrong with `apiVersion` and `kind`.
pub fn type_field_errors(v: &Value) -> Vec<String> {
    let Some(fields) = v.as_object() else {
        return vec!["invalid object to validate".into()];
    };
    let mut errs = Vec::new();
    match fields.get("apiVersion") {
        None | Some(Value::Null) => errs.push("apiVersion not set".into()),
        Some(Value::String(s)) => {
            if parse_group_version(s).is_none() {
                errs.push(format!("unexpected GroupVersion string: {s}"));
            }
        }
        Some(_) => errs.push("apiVersion isn't string type".into()),
    }
    match fields.get("kind") {
        None | Some(Value::Null) => errs.push("kind not set".into()),
        Some(Value::String(_)) => {}
        Some(_) => errs.push("kind isn't string type".into()),
    }
    errs
}

/// The client-side validation kubectl runs on each document before decoding it
/// (`ValidateSchema`). With `list_items`, a `v1` `List`'s items are checked too,
/// as kubectl does when the server lacks field validation. `None` when valid.
pub(super) fn validation_error(source: &str, v: &Value, list_items: bool) -> Option<String> {
    let mut errs = type_field_errors(v);
    if errs.is_empty() && list_items && parse_group_version(str_field(v, "apiVersion")) == Some(("", "v1")) && str_field(v, "kind") == "List" {
        match v.get("items").and_then(Value::as_array) {
            Some(items) => items.iter().for_each(|i| errs.extend(type_field_errors(i))),
            None => errs.push("invalid object to validate".into()),
        }
    }
    if errs.is_empty() {
        return None;
    }
    Some(format!("error validating {}: error validating data: {}; {STOP_VALIDATE}", go_quote(source), aggregate(&errs)))
}

/// A decoded document.
pub(super) enum Decoded {
    Object(Value),
    List(ListDoc),
}

pub(super) struct ListDoc {
    pub api_version: String,
    pub kind: String,
    pub resource_version: String,
    /// Each item, or kubectl's error for it (`unable to get type info …`).
    pub items: Vec<Result<Value, String>>,
}

/// The kind of an unstructured object as client-go computes it: empty when
/// `apiVersion` does not parse.
fn gvk_kind(v: &Value) -> &str {
    if parse_group_version(str_field(v, "apiVersion")).is_none() {
        return "";
    }
    str_field(v, "kind")
}

fn gvk_version(v: &Value) -> &str {
    parse_group_version(str_field(v, "apiVersion")).map_or("", |(_, ver)| ver)
}

/// `unstructuredJSONScheme.Decode` followed by `FlattenListVisitor`. `Err` is the
/// complete message kubectl prints for the document.
pub(super) fn decode(raw: &str, source: &str) -> Result<Decoded, String> {
    let unable = |e: String| format!("unable to decode {}: {e}", go_quote(source));
    let (v, num_err) = json::parse(raw);
    let Value::Object(obj) = v else {
        return Err(unable(format!("json: cannot unmarshal {} into Go value of type unstructured.detector", json::type_name(&v))));
    };
    let Some(items) = obj.get("items") else {
        if let Some(e) = num_err {
            return Err(unable(e));
        }
        let v = Value::Object(obj);
        if gvk_kind(&v).is_empty() {
            return Err(unable(format!("Object 'Kind' is missing in '{raw}'")));
        }
        return Ok(Decoded::Object(v));
    };
    // An `items` field, even null, makes the document a list.
    let items: Vec<Value> = match items {
        Value::Null => Vec::new(),
        Value::Array(a) => a.clone(),
        other => {
            return Err(unable(format!(
                "json: cannot unmarshal {} into Go struct field decodeList.items of type []json.RawMessage",
                json::type_name(other)
            )))
        }
    };
    if let Some(e) = num_err {
        return Err(unable(e));
    }
    if let Some(bad) = items.iter().find(|i| !matches!(i, Value::Object(_) | Value::Null)) {
        return Err(unable(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json::type_name(bad)
        )));
    }
    let list = Value::Object(obj);
    if gvk_kind(&list).is_empty() {
        return Err(unable(format!("Object 'Kind' is missing in '{raw}'")));
    }
    Ok(Decoded::List(flatten(&list, items)?))
}

/// `decodeToList`'s kind inheritance, then `FlattenListVisitor`: a nested list
/// fails the whole list; an item without a kind or version is an error of its own.
fn flatten(list: &Value, items: Vec<Value>) -> Result<ListDoc, String> {
    let api_version = str_field(list, "apiVersion").to_string();
    let kind = str_field(list, "kind").to_string();
    let item_kind = kind.strip_suffix("List").unwrap_or(&kind).to_string();
    let mut decoded = Vec::with_capacity(items.len());
    for item in items {
        // A null item decodes to an empty object.
        let mut item = match item {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        if str_field_map(&item, "kind").is_empty() && str_field_map(&item, "apiVersion").is_empty() {
            item.insert("kind".into(), Value::String(item_kind.clone()));
            item.insert("apiVersion".into(), Value::String(api_version.clone()));
        }
        decoded.push(Value::Object(item));
    }
    if decoded.iter().any(|i| matches!(i.get("items"), Some(Value::Array(_)))) {
        return Err("*unstructured.Unstructured is not a list: no Items field in this object".into());
    }
    let type_info = "unable to get type info from the object \"*unstructured.Unstructured\": ";
    let items = decoded
        .into_iter()
        .map(|i| {
            if gvk_kind(&i).is_empty() {
                Err(format!("{type_info}Object 'Kind' is missing in 'object has no kind field '"))
            } else if gvk_version(&i).is_empty() {
                Err(format!("{type_info}Object 'apiVersion' is missing in 'object has no apiVersion field'"))
            } else {
                Ok(i)
            }
        })
        .collect();
    let resource_version = list.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("").to_string();
    Ok(ListDoc { api_version, kind, resource_version, items })
}

fn str_field_map<'a>(m: &'a Map<String, Value>, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn aggregate_like_go() {
        assert_eq!(aggregate(&["a".into()]), "a");
        assert_eq!(aggregate(&["a".into(), "b".into()]), "[a, b]");
        assert_eq!(aggregate(&["a".into(), "a".into()]), "a");
    }

    #[test]
    fn type_fields() {
        assert_eq!(type_field_errors(&json!({})), vec!["apiVersion not set", "kind not set"]);
        assert_eq!(type_field_errors(&json!({"apiVersion": 1, "kind": true})), vec!["apiVersion isn't string type", "kind isn't string type"]);
        assert_eq!(type_field_errors(&json!({"apiVersion": "a/b/c", "kind": "X"})), vec!["unexpected GroupVersion string: a/b/c"]);
        assert_eq!(type_field_errors(&json!("x")), vec!["invalid object to validate"]);
        assert!(type_field_errors(&json!({"apiVersion": "v1", "kind": ""})).is_empty());
    }

    #[test]
    fn list_inheritance() {
        let raw = r#"{"apiVersion":"v1","kind":"ConfigMapList","items":[{"metadata":{"name":"a"}},{"kind":"Secret"},null]}"#;
        let Ok(Decoded::List(l)) = decode(raw, "x") else { panic!() };
        assert_eq!(l.items[0].as_ref().unwrap(), &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}));
        assert!(l.items[1].as_ref().unwrap_err().contains("'apiVersion' is missing"));
        assert_eq!(l.items[2].as_ref().unwrap(), &json!({"apiVersion": "v1", "kind": "ConfigMap"}));
    }
}

//! How Go sees a decoded JSON value: its dynamic type (apimachinery's JSON
//! decoder yields int64 for integral numbers, float64 otherwise) and its
//! `fmt` renderings, which the patch algorithms use to sort and match list
//! items and which appear in error messages.

use serde_json::{Map, Value};


/// The Go dynamic type of a decoded JSON value (`reflect.TypeOf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoType {
    Nil,
    Bool,
    Int64,
    Float64,
    String,
    Slice,
    Map,
}

pub fn go_type(v: &Value) -> GoType {
    match v {
        Value::Null => GoType::Nil,
        Value::Bool(_) => GoType::Bool,
        Value::Number(n) if n.is_i64() => GoType::Int64,
        Value::Number(_) => GoType::Float64,
        Value::String(_) => GoType::String,
        Value::Array(_) => GoType::Slice,
        Value::Object(_) => GoType::Map,
    }
}

/// `reflect.TypeOf(v).String()`.
pub fn go_type_name(t: GoType) -> &'static str {
    match t {
        GoType::Nil => "<nil>",
        GoType::Bool => "bool",
        GoType::Int64 => "int64",
        GoType::Float64 => "float64",
        GoType::String => "string",
        GoType::Slice => "[]interface {}",
        GoType::Map => "map[string]interface {}",
    }
}

/// `fmt.Sprintf("%v", v)`: the printers' Go `%v` (serde_json maps iterate in
/// sorted key order, as Go prints maps).
pub fn go_v(v: &Value) -> String {
    crate::printers::jsonpath::gofmt::sprint(v)
}

/// `fmt.Sprintf("%v", m)` for a map.
pub fn go_map_v(map: &Map<String, Value>) -> String {
    crate::printers::jsonpath::gofmt::sprint_map(map)
}

/// `fmt.Sprintf("%s", v)`: strings verbatim, anything else as Go's
/// `%!s(TYPE=VALUE)` (slices and maps format their elements with %s).
pub fn go_s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "%!s(<nil>)".to_string(),
        Value::Bool(_) | Value::Number(_) => {
            format!("%!s({}={})", go_type_name(go_type(v)), go_v(v))
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_s).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_s(v)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `fmt.Sprint(slices)` for the "list element types are not identical" error.
pub fn go_sprint_lists(lists: &[&[Value]]) -> String {
    let parts: Vec<String> = lists
        .iter()
        .map(|l| go_v(&Value::Array(l.to_vec())))
        .collect();
    format!("[{}]", parts.join(" "))
}

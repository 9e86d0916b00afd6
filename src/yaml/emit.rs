//! From decoded nodes to JSON the way sigs.k8s.io/yaml does it: map keys become
//! strings (`convertToJSONableObject`), then `encoding/json` marshals the result
//! (sorted keys, HTML-safe escaping, Go's float layout). Also Go's `%#v` and
//! `strconv.Quote`, which go-yaml and sigs.k8s.io/yaml put in their errors.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::load::Node;
use crate::printers::gonum;

/// A JSON-able tree: what `yamlToJSON` hands to `json.Marshal`.
#[derive(Clone, Debug)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Json>),
    Map(BTreeMap<String, Json>),
}

/// sigs.k8s.io/yaml's key conversion. Errors carry no `error converting YAML to JSON: ` prefix.
pub(crate) fn jsonable(node: Node) -> Result<Json, String> {
    Ok(match node {
        Node::Null => Json::Null,
        Node::Bool(b) => Json::Bool(b),
        Node::Int(i) => Json::Int(i),
        Node::Float(f) => Json::Float(f),
        Node::Str(s) => Json::Str(s),
        Node::Seq(items) => Json::Seq(items.into_iter().map(jsonable).collect::<Result<_, _>>()?),
        Node::Map(pairs) => {
            let mut m = BTreeMap::new();
            for (k, v) in pairs {
                let key = match &k {
                    Node::Str(s) => s.clone(),
                    Node::Int(i) if i64::try_from(*i).is_ok() => i.to_string(),
                    Node::Float(f) => float_key(*f),
                    Node::Bool(b) => b.to_string(),
                    Node::Int(_) => return Err(unsupported_key("uint64", &k, &v)),
                    Node::Null => return Err(unsupported_key("%!s(<nil>)", &k, &v)),
                    // go-yaml already refused sequences and maps as keys.
                    Node::Seq(_) | Node::Map(_) => return Err(format!("yaml: invalid map key: {}", go_sharp_v(&k))),
                };
                // Go map semantics: a later key with the same string wins.
                m.insert(key, jsonable(v)?);
            }
            Json::Map(m)
        }
    })
}

fn unsupported_key(ty: &str, k: &Node, v: &Node) -> String {
    format!("unsupported map key of type: {ty}, key: {}, value: {}", go_sharp_v_top(k), go_sharp_v_top(v))
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for the specials.
fn float_key(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f32v > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    go_g(&format!("{f32v:e}"))
}

/// Go's `%g` with shortest precision, from Rust's shortest `{:e}` rendering:
/// `%e` layout when the exponent is below -4 or at least 6, plain otherwise.
pub(crate) fn go_g(sci: &str) -> String {
    let (neg, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if digits.iter().all(|&d| d == b'0') {
        out.push('0');
        return out;
    }
    if !(-4..6).contains(&exp) {
        out.push(digits[0] as char);
        if digits.len() > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&d| d as char));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
        return out;
    }
    let point = exp + 1;
    let nd = digits.len() as i32;
    if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.extend(digits.iter().map(|&d| d as char));
    } else {
        for i in 0..point.max(nd) {
            if i == point {
                out.push('.');
            }
            out.push(if i < nd { digits[i as usize] as char } else { '0' });
        }
    }
    out
}

/// `json.Marshal` of the tree: compact, keys sorted, Go's escaping and floats.
pub(crate) fn marshal(j: &Json, out: &mut String) -> Result<(), String> {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(i) => out.push_str(&i.to_string()),
        Json::Float(f) => out.push_str(&json_float(*f)?),
        Json::Str(s) => json_string(s, out),
        Json::Seq(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                marshal(x, out)?;
            }
            out.push(']');
        }
        Json::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                marshal(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn json_float(f: f64) -> Result<String, String> {
    if f.is_nan() {
        return Err("json: unsupported value: NaN".into());
    }
    if f.is_infinite() {
        return Err(format!("json: unsupported value: {}", if f > 0.0 { "+Inf" } else { "-Inf" }));
    }
    Ok(gonum::json_f64(f))
}

/// encoding/json's string encoding (HTML-safe, as `json.Marshal` does).
pub(crate) fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The value sigs.k8s.io/yaml's JSON would decode to in an unstructured object:
/// integers that fit int64 stay integers, integral floats printed without an
/// exponent come back as integers, everything else is a float64.
pub(crate) fn to_value(j: Json) -> Result<Value, String> {
    Ok(match j {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Int(i) => match i64::try_from(i) {
            Ok(v) => Value::Number(v.into()),
            Err(_) => float_number(i as f64),
        },
        Json::Float(f) => {
            let text = json_float(f)?;
            match text.parse::<i64>() {
                Ok(v) if !text.contains(['.', 'e']) => Value::Number(v.into()),
                _ => float_number(f),
            }
        }
        Json::Str(s) => Value::String(s),
        Json::Seq(items) => Value::Array(items.into_iter().map(to_value).collect::<Result<_, _>>()?),
        Json::Map(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k, to_value(v)?);
            }
            Value::Object(out)
        }
    })
}

fn float_number(f: f64) -> Value {
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
}

/// Go's `%#v` of a value at the top of a format: a nil interface prints `<nil>`.
pub(crate) fn go_sharp_v_top(n: &Node) -> String {
    match n {
        Node::Null => "<nil>".into(),
        other => go_sharp_v(other),
    }
}

/// Go's `%#v` of a decoded go-yaml value (`[]interface {}`, `map[interface {}]interface {}`).
pub(crate) fn go_sharp_v(n: &Node) -> String {
    match n {
        Node::Null => "interface {}(nil)".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) if i64::try_from(*i).is_ok() => i.to_string(),
        Node::Int(i) => format!("0x{i:x}"),
        Node::Float(f) => {
            if f.is_nan() {
                "NaN".into()
            } else if f.is_infinite() {
                if *f > 0.0 { "+Inf".into() } else { "-Inf".into() }
            } else {
                go_g(&format!("{f:e}"))
            }
        }
        Node::Str(s) => go_quote(s),
        Node::Seq(items) => {
            let parts: Vec<String> = items.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Node::Map(pairs) => {
            // fmt sorts map keys; strings and numbers compare by value.
            let mut sorted: Vec<&(Node, Node)> = pairs.iter().collect();
            sorted.sort_by(|a, b| key_order(&a.0, &b.0));
            let parts: Vec<String> = sorted.iter().map(|(k, v)| format!("{}:{}", go_sharp_v(k), go_sharp_v(v))).collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

fn key_order(a: &Node, b: &Node) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Node::Str(x), Node::Str(y)) => x.cmp(y),
        (Node::Int(x), Node::Int(y)) => x.cmp(y),
        (Node::Float(x), Node::Float(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Node::Bool(x), Node::Bool(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

pub(crate) use crate::gostr::quote as go_quote;



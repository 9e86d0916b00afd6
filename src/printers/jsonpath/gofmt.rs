//! The pieces of Go's `fmt` that show up in kubectl's JSONPath and
//! custom-columns output, applied to values as kubectl holds them
//! (`map[string]interface{}`, `[]interface{}`, string, int64, float64, bool, nil).

use serde_json::Value;

use crate::printers::gonum;

pub use crate::gostr::{quote, sharp_u as quote_rune_u};




/// A JSON number as Go's `%v` prints it: int64 in decimal, float64 (which
/// includes integers too large for int64) in `%g` shortest form.
pub fn number_v(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        gonum::format_g(u as f64)
    } else {
        gonum::format_g(n.as_f64().unwrap_or(0.0))
    }
}

fn sorted_entries(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    entries
}

/// `fmt.Sprint(v)` / `%v`: `map[a:b c:[1 2]]`, `<nil>` for null.
pub fn sprint(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v);
    out
}

fn write_v(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map),
    }
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>) {
    out.push_str("map[");
    for (i, (k, item)) in sorted_entries(map).into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(k);
        out.push(':');
        write_v(out, item);
    }
    out.push(']');
}

/// [`sprint`] of a map, without wrapping it in a Value.
pub fn sprint_map(map: &serde_json::Map<String, Value>) -> String {
    let mut out = String::new();
    write_map(&mut out, map);
    out
}

/// `%#v` of a value held in an `interface{}`: Go syntax, as in kubectl's
/// "object given to jsonpath engine was" dump.
pub fn sharp_v(v: &Value) -> String {
    let mut out = String::new();
    write_sharp_v(&mut out, v, true);
    out
}

fn write_sharp_v(out: &mut String, v: &Value, top: bool) {
    match v {
        // A nil interface{} at the top prints as <nil>; inside a container
        // the element's static type is shown.
        Value::Null => out.push_str(if top { "<nil>" } else { "interface {}(nil)" }),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(&quote(s)),
        Value::Array(items) => {
            out.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_sharp_v(out, item, false);
            }
            out.push('}');
        }
        Value::Object(map) => {
            out.push_str("map[string]interface {}{");
            for (i, (k, item)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quote(k));
                out.push(':');
                write_sharp_v(out, item, false);
            }
            out.push('}');
        }
    }
}

/// Go's type name for the dynamic type of a decoded JSON value (`%T`).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v_and_sharp_v() {
        let v = json!({"b": [1, 2.5, "s", true, null, {"c": "d"}], "a": 1e21, "e": [], "m": {}});
        assert_eq!(
            sprint(&v),
            "map[a:1e+21 b:[1 2.5 s true <nil> map[c:d]] e:[] m:map[]]"
        );
        assert_eq!(
            sharp_v(&v),
            "map[string]interface {}{\"a\":1e+21, \"b\":[]interface {}{1, 2.5, \"s\", true, interface {}(nil), \
             map[string]interface {}{\"c\":\"d\"}}, \"e\":[]interface {}{}, \"m\":map[string]interface {}{}}"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(
            quote("a\u{1b}b\rc\u{2028}\u{ad}😀\u{7f}"),
            r#""a\x1bb\rc\u2028\u00ad😀\x7f""#
        );
        assert_eq!(quote_rune_u('~'), "U+007E '~'");
        assert_eq!(quote_rune_u('\t'), "U+0009");
    }
}

//! The pieces of Go's `fmt` that show up in kubectl's JSONPath and
//! custom-columns output, applied to values as kubectl holds them
//! (`map[string]interface{}`, `[]interface{}`, string, int64, float64, bool, nil).

use serde_json::Value;

use crate::printers::gonum;

/// Go's `strconv.IsPrint`, approximated: Rust has no general-category table,
/// so unassigned code points count as printable.
pub fn is_print(c: char) -> bool {
    let r = c as u32;
    if r < 0x20 || (0x7f..=0x9f).contains(&r) {
        return false;
    }
    if r < 0x7f {
        return true;
    }
    !matches!(r,
        // separators other than U+0020 (Zs, Zl, Zp)
        0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // format characters (Cf)
        | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // private use (Co) and non-characters
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff | 0xfffe | 0xffff)
}

/// `%#U`: `U+0023 '#'`, or just `U+0009` when not printable.
pub fn quote_rune_u(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(" '");
        s.push(c);
        s.push('\'');
    }
    s
}

/// `strconv.Quote` / `%q` of a string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

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

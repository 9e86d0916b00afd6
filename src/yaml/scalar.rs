//! go-yaml v2's scalar resolution (`resolve.go`): YAML 1.1 booleans, octal and
//! hex integers, `1_000`, floats, and what explicit tags do to a scalar.

use base64::Engine;
use serde_saphyr::granit_parser::ScalarStyle;

use super::load::Node;

/// Resolve one scalar the way go-yaml v2 decodes it into an `interface{}`.
/// Plain scalars get implicit types; quoted and block scalars are strings unless
/// an explicit tag says otherwise. `Err` is go-yaml's decode error (without `yaml: `).
pub(super) fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>, v3_bools: bool) -> Result<Node, String> {
    let Some(tag) = tag else {
        if style != ScalarStyle::Plain {
            return Ok(Node::Str(text.to_string()));
        }
        if v3_bools && matches!(text, "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF") {
            return Ok(Node::Str(text.to_string()));
        }
        return Ok(resolve_plain(text));
    };
    match tag {
        "!!str" => Ok(Node::Str(text.to_string())),
        "!!binary" => {
            // Like Go's base64.StdEncoding (strict padding); go-yaml keeps the bytes as a string.
            let cleaned: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            match base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()) {
                Ok(bytes) => Ok(Node::Str(String::from_utf8_lossy(&bytes).into_owned())),
                Err(_) => Err("!!binary value contains invalid base64 data".into()),
            }
        }
        "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" => {
            let node = resolve_plain(text);
            let rtag = match &node {
                Node::Null => "!!null",
                Node::Bool(_) => "!!bool",
                Node::Int(_) => "!!int",
                Node::Float(_) => "!!float",
                _ if tag == "!!timestamp" && looks_like_timestamp(text) => return Ok(node),
                _ => "!!str",
            };
            if rtag == tag {
                return Ok(node);
            }
            if let (Node::Int(i), "!!float") = (&node, tag) {
                return Ok(Node::Float(*i as f64));
            }
            Err(format!("cannot decode {rtag} `{text}` as a {tag}"))
        }
        // Unknown and local tags (`!foo`, `!`) leave the text as it is.
        _ => Ok(Node::Str(text.to_string())),
    }
}

/// go-yaml v2's `parseTimestamp` formats, loosely: a date, optionally followed by a time.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

pub(super) fn resolve_plain(s: &str) -> Node {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Node::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => return Node::Bool(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Node::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Node::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Node::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Node::Float(f64::NAN),
        _ => {}
    }
    let first = s.as_bytes()[0];
    match first {
        b'.' => {
            if let Some(f) = go_parse_float(s) {
                return Node::Float(f);
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Node::Int(i);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Node::Float(f);
                }
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                if let Some(i) = parse_radix(rest, 2) {
                    return Node::Int(i);
                }
            } else if let Some(rest) = plain.strip_prefix("-0b") {
                if let Some(i) = parse_radix(rest, 2) {
                    return Node::Int(-i);
                }
            }
        }
        _ => {}
    }
    Node::Str(s.to_string())
}

fn parse_radix(digits: &str, radix: u32) -> Option<i128> {
    if digits.is_empty() {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()?;
    Some(v as i128)
}

/// `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<i128> {
    let (neg, plus, body) = match s.as_bytes().first()? {
        b'+' => (false, true, &s[1..]),
        b'-' => (true, false, &s[1..]),
        _ => (false, false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, r)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()? as i128;
    if neg {
        if v > i64::MAX as i128 + 1 {
            return None;
        }
        Some(-v)
    } else if plus && v > i64::MAX as i128 {
        // ParseInt overflows and ParseUint takes no sign.
        None
    } else {
        Some(v)
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn go_parse_float(s: &str) -> Option<f64> {
    if !s.bytes().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    s.parse::<f64>().ok()
}


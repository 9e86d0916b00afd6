//! `-o yaml` exactly as kubectl prints it.
//!
//! kubectl marshals the object to JSON and hands it to sigs.k8s.io/yaml's
//! `JSONToYAML`, which parses the JSON with go-yaml v2 (so integral numbers
//! become ints, others float64) and re-encodes it with go-yaml v2's emitter.
//! This module replays that pipeline on a `serde_json::Value`:
//!
//! - `input`: what the JSON-as-YAML parse does to strings (NEL folding,
//!   rejected control characters);
//! - `resolve`: YAML 1.1 implicit typing, which decides when a string must
//!   be quoted;
//! - `sort`: go-yaml's "natural" key order;
//! - `emit` and `scalar`: the emitter itself.

mod emit;
mod input;
mod letters;
mod resolve;
mod scalar;
mod sort;

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use super::gonum;

/// The YAML kubectl prints for `value`. Never fails: input kubectl would
/// reject (see [`try_to_string`]) is printed as if it had been accepted.
pub fn to_string(value: &Value) -> String {
    let mut lines = 0;
    let node = build(value, &mut lines, false).expect("lenient conversion reports no errors");
    emit::document(&node)
}

/// Like [`to_string`], but fails where kubectl's YAML conversion fails,
/// with kubectl's message (e.g. `yaml: control characters are not allowed`
/// for a raw DEL or C1 control character in a string).
#[cfg(test)]
pub fn try_to_string(value: &Value) -> Result<String, YamlError> {
    let mut lines = 0;
    Ok(emit::document(&build(value, &mut lines, true)?))
}

/// Why kubectl could not produce YAML for a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    message: String,
}

impl YamlError {
    fn new(message: impl Into<String>) -> Self {
        YamlError {
            message: message.into(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// The document as go-yaml will see it after decoding the JSON.
enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Scalar, Node)>),
}

struct Scalar {
    text: String,
    style: Style,
}

/// The style go-yaml's encoder requests; the emitter may fall back from it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Converts the value, walking it in JSON (byte-sorted key) order because
/// the YAML parser's line count — quoted in one error — runs in that order.
fn build(value: &Value, lines: &mut usize, strict: bool) -> Result<Node, YamlError> {
    Ok(match value {
        Value::Null => Node::Scalar(plain("null")),
        Value::Bool(b) => Node::Scalar(plain(if *b { "true" } else { "false" })),
        Value::Number(n) => Node::Scalar(plain(&yaml_number(n))),
        Value::String(s) => Node::Scalar(string_scalar(decode_string(s, lines, strict)?)),
        Value::Array(items) => Node::Seq(
            items
                .iter()
                .map(|v| build(v, lines, strict))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut entries: Vec<(String, Node)> = Vec::with_capacity(map.len());
            let mut seen: HashMap<String, usize> = HashMap::with_capacity(map.len());
            for (k, v) in map {
                let key = decode_string(k, lines, strict)?;
                if strict {
                    input::check_simple_key(k, *lines)?;
                }
                let node = build(v, lines, strict)?;
                // Folding can make two keys equal; the later one wins, as
                // when go-yaml decodes a mapping with a repeated key.
                match seen.get(&key) {
                    Some(&at) => entries[at].1 = node,
                    None => {
                        seen.insert(key.clone(), entries.len());
                        entries.push((key, node));
                    }
                }
            }
            sort::sort_keys(&mut entries);
            Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (string_scalar(k), v))
                    .collect(),
            )
        }
    })
}

fn decode_string(s: &str, lines: &mut usize, strict: bool) -> Result<String, YamlError> {
    if strict {
        input::check_chars(s)?;
    }
    match input::fold_line_breaks(s, lines) {
        Ok(folded) => Ok(folded.into_owned()),
        Err(err) if strict => Err(err),
        Err(_) => Ok(s.to_string()),
    }
}

fn plain(text: &str) -> Scalar {
    Scalar {
        text: text.to_string(),
        style: Style::Plain,
    }
}

/// go-yaml's `stringv`: multi-line text asks for literal style, text that
/// would read back as another type is double-quoted, the rest is plain.
fn string_scalar(text: String) -> Scalar {
    let style = if text.contains('\n') {
        Style::Literal
    } else if resolve::plain_reads_back_as_string(&text) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Scalar { text, style }
}

/// A number goes through Go's JSON text and back through YAML typing: an
/// integral value prints as an int, anything else via `FormatFloat('g')`.
fn yaml_number(n: &serde_json::Number) -> String {
    let json = gonum::json_number(n);
    if let Ok(i) = json.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = json.parse::<u64>() {
        return u.to_string();
    }
    gonum::format_g(json.parse::<f64>().unwrap_or(0.0))
}

/// For tests comparing against kubectl: false when some mapping's keys
/// compare intransitively, which makes kubectl's key order random.
#[cfg(test)]
pub(crate) fn sort_is_deterministic(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(sort_is_deterministic),
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            sort::is_consistent_order(&keys) && map.values().all(sort_is_deterministic)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests;

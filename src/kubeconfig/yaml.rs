//! YAML → JSON value with the semantics kubectl reads kubeconfig files with:
//! sigs.k8s.io/yaml's `YAMLToJSON` on top of go-yaml v2 (YAML 1.1 scalars:
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans, `0x10` and `017` are integers,
//! only the first document counts, merge keys `<<` are expanded).
//!
//! Events come from `granit_parser` (re-exported by serde-saphyr), so scalar
//! styles and tags are visible and resolution can follow go-yaml exactly.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError};

/// Parse the first YAML document of `text` into a JSON value (`Null` for an empty stream).
pub fn to_json(text: &str) -> Result<Value, String> {
    if let Some(e) = tab_error(text) {
        return Err(e);
    }
    let mut p = Loader { events: Parser::new_from_str(text), anchors: HashMap::new(), peeked: None, text, last: None };
    loop {
        match p.next()? {
            None => return Ok(Value::Null),
            Some(Event::DocumentStart(..)) => break,
            Some(_) => continue,
        }
    }
    let node = match p.next()? {
        None | Some(Event::DocumentEnd) => return Ok(Value::Null),
        Some(ev) => p.node(ev)?,
    };
    // Problems later in the first document still fail the whole read.
    while let Some(ev) = p.next()? {
        if matches!(ev, Event::DocumentEnd) {
            break;
        }
    }
    node.into_json()
}

/// A parsed node before JSON conversion: keys may still be non-strings.
#[derive(Clone, Debug)]
enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    fn into_json(self) -> Result<Value, String> {
        Ok(match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Int(i) => int_value(i),
            Node::Float(f) => {
                if !f.is_finite() {
                    let s = if f.is_nan() { "NaN" } else if f > 0.0 { "+Inf" } else { "-Inf" };
                    return Err(format!("json: unsupported value: {s}"));
                }
                float_value(f)
            }
            Node::Str(s) => Value::String(s),
            Node::Seq(items) => Value::Array(items.into_iter().map(Node::into_json).collect::<Result<_, _>>()?),
            Node::Map(pairs) => {
                let mut m = Map::new();
                for (k, v) in pairs {
                    let key = match k {
                        Node::Str(s) => s,
                        Node::Bool(b) => b.to_string(),
                        Node::Int(i) => i.to_string(),
                        Node::Float(f) => go_float_key(f),
                        Node::Null => "null".to_string(),
                        _ => return Err("error converting YAML to JSON: yaml: invalid map key".to_string()),
                    };
                    // go-yaml v2: a later duplicate key overwrites the earlier one.
                    m.insert(key, v.into_json()?);
                }
                Value::Object(m)
            }
        })
    }
}

fn int_value(i: i128) -> Value {
    if let Ok(v) = i64::try_from(i) {
        Value::Number(v.into())
    } else if let Ok(v) = u64::try_from(i) {
        Value::Number(v.into())
    } else {
        Value::Number(Number::from_f64(i as f64).unwrap_or_else(|| 0.into()))
    }
}

/// Go marshals an integral float64 below 1e21 without a fraction; keep that shape.
fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e18 {
        return Value::Number((f as i64).into());
    }
    Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
}

fn go_float_key(f: f64) -> String {
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    if f.is_nan() {
        return ".nan".into();
    }
    format!("{}", f as f32)
}

struct Loader<'a> {
    events: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    peeked: Option<Event<'a>>,
    text: &'a str,
    /// "[" / "{" right after a flow collection opened, for error wording.
    last: Option<&'static str>,
}

impl<'a> Loader<'a> {
    fn next(&mut self) -> Result<Option<Event<'a>>, String> {
        if let Some(ev) = self.peeked.take() {
            return Ok(Some(ev));
        }
        loop {
            match self.events.next() {
                None => return Ok(None),
                Some(Err(e)) => return Err(scan_error(&e, self.text, self.last)),
                Some(Ok((ev, _span))) => {
                    self.last = match &ev {
                        Event::SequenceStart(serde_saphyr::granit_parser::StructureStyle::Flow, ..) => Some("["),
                        Event::MappingStart(serde_saphyr::granit_parser::StructureStyle::Flow, ..) => Some("{"),
                        _ => None,
                    };
                    if matches!(ev, Event::Anchor(..)) {
                        continue;
                    }
                    #[allow(unreachable_patterns)]
                    match ev {
                        Event::Comment(..) => continue,
                        other => return Ok(Some(other)),
                    }
                }
            }
        }
    }

    fn node(&mut self, ev: Event<'a>) -> Result<Node, String> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    let (h, s) = t.parts();
                    if h == "tag:yaml.org,2002:" {
                        format!("!!{s}")
                    } else {
                        format!("{h}{s}")
                    }
                });
                let n = resolve_scalar(&text, style, tag.as_deref())?;
                if anchor != 0 {
                    self.anchors.insert(anchor, n.clone());
                }
                Ok(n)
            }
            Event::Alias(id) => self.anchors.get(&id).cloned().ok_or_else(|| "yaml: unknown anchor referenced".to_string()),
            Event::SequenceStart(_, anchor, _) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        None => return Err("yaml: found unexpected end of stream".into()),
                        Some(Event::SequenceEnd) => break,
                        Some(ev) => items.push(self.node(ev)?),
                    }
                }
                let n = Node::Seq(items);
                if anchor != 0 {
                    self.anchors.insert(anchor, n.clone());
                }
                Ok(n)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut pairs: Vec<(Node, Node)> = Vec::new();
                let mut merged: Vec<(Node, Node)> = Vec::new();
                loop {
                    let kev = match self.next()? {
                        None => return Err("yaml: found unexpected end of stream".into()),
                        Some(Event::MappingEnd) => break,
                        Some(ev) => ev,
                    };
                    let is_merge = matches!(&kev, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
                    let key = self.node(kev)?;
                    let vev = self.next()?.ok_or_else(|| "yaml: found unexpected end of stream".to_string())?;
                    let value = self.node(vev)?;
                    if is_merge {
                        match value {
                            Node::Map(m) => merged.extend(m),
                            Node::Seq(items) => {
                                for item in items {
                                    match item {
                                        Node::Map(m) => merged.extend(m),
                                        _ => return Err("yaml: map merge requires map or sequence of maps as the value".into()),
                                    }
                                }
                            }
                            _ => return Err("yaml: map merge requires map or sequence of maps as the value".into()),
                        }
                        continue;
                    }
                    pairs.push((key, value));
                }
                // Merged keys never override keys set directly in the mapping.
                let mut all = Vec::new();
                for (k, v) in merged {
                    if !pairs.iter().any(|(pk, _)| same_key(pk, &k)) {
                        all.push((k, v));
                    }
                }
                all.extend(pairs);
                let n = Node::Map(all);
                if anchor != 0 {
                    self.anchors.insert(anchor, n.clone());
                }
                Ok(n)
            }
            _ => Err("yaml: did not find expected node content".into()),
        }
    }
}

fn same_key(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Str(x), Node::Str(y)) => x == y,
        (Node::Int(x), Node::Int(y)) => x == y,
        (Node::Bool(x), Node::Bool(y)) => x == y,
        _ => false,
    }
}

/// go-yaml v2's `resolve`: plain scalars get implicit types, quoted ones are strings.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Result<Node, String> {
    match tag {
        Some("!!str") | Some("!!binary") | Some("!") => return Ok(Node::Str(text.to_string())),
        Some("!!null") => return Ok(Node::Null),
        _ => {}
    }
    if style != ScalarStyle::Plain && tag.is_none() {
        return Ok(Node::Str(text.to_string()));
    }
    Ok(resolve_plain(text))
}

fn resolve_plain(s: &str) -> Node {
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
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
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

/// go-yaml v2's error text: `yaml: line N: problem`. libyaml reports scanner problems
/// with a 1-based line (none on the first line) and parser problems with a 0-based one.
fn scan_error(e: &ScanError, text: &str, last: Option<&str>) -> String {
    enum Line {
        Scanner(usize),
        Parser(usize),
        None,
    }
    let line1 = e.marker().line();
    // Where end-of-stream is, as a 0-based line.
    let eof0 = text.matches('\n').count();
    let (msg, line): (String, Line) = match e.kind() {
        ErrorKind::UnclosedFlowCollection { open } => {
            let empty = matches!(last, Some("[") | Some("{"));
            let m = if empty {
                "did not find expected node content"
            } else if *open == '[' {
                "did not find expected ',' or ']'"
            } else {
                "did not find expected ',' or '}'"
            };
            (m.into(), Line::Parser(eof0))
        }
        ErrorKind::InvalidColonPlacement | ErrorKind::ExpectedFlowSequenceSeparator => {
            ("did not find expected ',' or ']'".into(), Line::Parser(line1.saturating_sub(1)))
        }
        ErrorKind::MismatchedFlowCollectionEnd { .. } => {
            ("did not find expected ',' or ']'".into(), Line::Parser(line1.saturating_sub(1)))
        }
        ErrorKind::MisplacedFlowCollectionEnd => ("did not find expected node content".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedFlowMappingSeparator => ("did not find expected ',' or '}'".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedNodeContent => ("did not find expected node content".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedBlockMappingKey => ("did not find expected key".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedBlockSequenceEntry => ("did not find expected '-' indicator".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedDocumentStart => ("did not find expected <document start>".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidMappingValueWhitespace | ErrorKind::InvalidSimpleKey => {
            ("mapping values are not allowed in this context".into(), Line::Scanner(line1))
        }
        ErrorKind::SimpleKeyExpected => ("could not find expected ':'".into(), Line::Scanner(line1)),
        ErrorKind::UnclosedQuotedScalar => ("found unexpected end of stream".into(), Line::Scanner(eof0 + 1)),
        ErrorKind::UnexpectedEof
        | ErrorKind::UnexpectedEofFlowSequence
        | ErrorKind::UnexpectedEofFlowMapping
        | ErrorKind::UnexpectedEofImplicitFlowMapping
        | ErrorKind::UnexpectedEofBlockSequence
        | ErrorKind::UnexpectedEofBlockMapping => ("found unexpected end of stream".into(), Line::Scanner(eof0 + 1)),
        ErrorKind::UnknownAnchor => {
            let idx = e.marker().index();
            let rest: String = text.chars().skip(idx).collect();
            let name: String = rest
                .trim_start_matches('*')
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            (format!("unknown anchor '{name}' referenced"), Line::None)
        }
        ErrorKind::BlockSequenceEntryNotAllowed | ErrorKind::BlockEntryInFlowCollection => {
            ("block sequence entries are not allowed in this context".into(), Line::Scanner(line1))
        }
        ErrorKind::TabNotAllowed | ErrorKind::TabInBlockIndentation | ErrorKind::TabInIndentation => {
            ("found character that cannot start any token".into(), Line::Scanner(line1))
        }
        _ => ("found character that cannot start any token".into(), Line::Scanner(line1)),
    };
    let line = match line {
        Line::Scanner(l) if l > 1 => l,
        Line::Parser(l) => l,
        _ => 0,
    };
    if line == 0 {
        format!("yaml: {msg}")
    } else {
        format!("yaml: line {line}: {msg}")
    }
}

/// libyaml rejects a tab where a block line's indentation or first token would be.
fn tab_error(text: &str) -> Option<String> {
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.starts_with('\t') && !body.trim().is_empty() && !body.trim_start().starts_with('#') {
            let n = i + 1;
            return Some(if n > 1 {
                format!("yaml: line {n}: found character that cannot start any token")
            } else {
                "yaml: found character that cannot start any token".to_string()
            });
        }
        // Only check before the first block scalar to avoid literal content.
        if line.trim_end().ends_with('|') || line.trim_end().ends_with('>') {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml11_scalars() {
        let v = to_json("a: yes\nb: n\nc: 0x10\nd: 017\ne: '017'\nf: 1.5\ng: ~\nh: 2001-01-01\ni: 1_000\nj: 0o17\nk: 1e3\n").unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": 16, "d": 15, "e": "017", "f": 1.5, "g": null, "h": "2001-01-01", "i": 1000, "j": 15, "k": 1000})
        );
    }

    #[test]
    fn merge_and_anchors() {
        let v = to_json("base: &b {x: 1, z: 2}\nother:\n  <<: *b\n  z: 3\n").unwrap();
        assert_eq!(v, json!({"base": {"x": 1, "z": 2}, "other": {"x": 1, "z": 3}}));
        // go-yaml v2: `y` is a boolean, also as a key.
        assert_eq!(to_json("y: 1\n").unwrap(), json!({"true": 1}));
    }

    #[test]
    fn empty_and_errors() {
        assert_eq!(to_json("").unwrap(), Value::Null);
        assert_eq!(to_json("---\n").unwrap(), Value::Null);
        assert_eq!(to_json("# c\n").unwrap(), Value::Null);
        assert_eq!(to_json("a: .inf\n").unwrap_err(), "json: unsupported value: +Inf");
        assert!(to_json("clusters: [\n").unwrap_err().starts_with("yaml: "));
    }
}

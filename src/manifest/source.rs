//! One source's content → items, as cli-runtime's `StreamVisitor` reads it.
//!
//! * The content is JSON when its first non-space character within the first
//!   4096 bytes is `{`: a stream of JSON values, possibly several, any spacing.
//!   Otherwise it is YAML, split into documents by [`crate::yaml::split_documents`]
//!   and each document converted with sigs.k8s.io/yaml.
//! * Empty documents and `null` are skipped.
//! * A syntax error ends the source (`error parsing SRC: …`); so does a failed
//!   validation when validation is on. A document that does not decode to an
//!   object with a kind is an error of its own and the source goes on.

use serde_json::Value;

use super::objects::{self, Decoded};
use super::{json, Document, ErrorKind, Item, ListInfo, ManifestError};

/// How far kubectl looks for the `{` that makes a stream JSON (`GuessJSONStream`).
const SNIFF_BYTES: usize = 4096;

/// What a source is read with.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Checks {
    pub validate: bool,
    pub validate_list_items: bool,
}

/// Decode file or stdin bytes as kubectl's `FileVisitor` does: a UTF-8 BOM is
/// dropped, UTF-16 with a BOM is transcoded, invalid UTF-8 becomes U+FFFD.
pub(super) fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if le { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn looks_like_json(text: &str) -> bool {
    text.char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .is_some_and(|(i, c)| c == '{' && i < SNIFF_BYTES)
}

/// 1-based line numbers of increasing byte offsets.
struct Lines<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl Lines<'_> {
    fn at(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        if byte > self.at {
            self.line += self.text.as_bytes()[self.at..byte].iter().filter(|&&b| b == b'\n').count();
            self.at = byte;
        }
        self.line
    }
}

fn error(kind: ErrorKind, source: &str, line: usize, message: String) -> Item {
    Item::Error(ManifestError { kind, source: source.to_string(), line: Some(line), message, causes: Vec::new() })
}

/// All items of one source's text, in order.
pub(super) fn parse_text(source: &str, text: &str, checks: Checks) -> Vec<Item> {
    let mut out = Vec::new();
    if looks_like_json(text) {
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut index = 0;
        // Lines counted incrementally: streams can hold many values.
        let mut lines = Lines { text, at: 0, line: 1 };
        loop {
            match json::next_value(bytes, pos) {
                json::Next::Eof => break,
                json::Next::Error(e) => {
                    let line = lines.at(pos + bytes[pos..].iter().take_while(|b| b.is_ascii_whitespace()).count());
                    out.push(error(ErrorKind::Parse, source, line, format!("error parsing {source}: {e}")));
                    break;
                }
                json::Next::Value { start, end } => {
                    let raw = text[start..end].trim();
                    let line = lines.at(start);
                    pos = end;
                    index += 1;
                    if !raw.is_empty() && raw != "null" && !document(source, index - 1, line, raw, checks, &mut out) {
                        break;
                    }
                }
            }
        }
        return out;
    }
    let (chunks, sep_err) = crate::yaml::split_documents(text);
    for (index, chunk) in chunks.iter().enumerate() {
        let raw = match crate::yaml::yaml_to_json(&chunk.text) {
            Ok(j) => j,
            Err(e) => {
                let msg = format!("error parsing {source}: error converting YAML to JSON: {e}");
                out.push(error(ErrorKind::Parse, source, chunk.line, msg));
                return out;
            }
        };
        let raw = raw.trim();
        if raw.is_empty() || raw == "null" {
            continue;
        }
        if !document(source, index, chunk.line, raw, checks, &mut out) {
            return out;
        }
    }
    if let Some(e) = sep_err {
        out.push(error(ErrorKind::Parse, source, e.line, format!("error parsing {source}: {}", e.message)));
    }
    out
}

/// Validate and decode one document's JSON; `false` when the source must stop.
fn document(source: &str, index: usize, line: usize, raw: &str, checks: Checks, out: &mut Vec<Item>) -> bool {
    if checks.validate {
        let (v, num_err) = json::parse(raw);
        let failure = match num_err {
            Some(e) => Some(format!(
                "error validating {}: error validating data: {e}; if you choose to ignore these errors, turn validation off with --validate=false",
                crate::yaml::go_quote(source)
            )),
            None => objects::validation_error(source, &v, checks.validate_list_items),
        };
        if let Some(msg) = failure {
            out.push(error(ErrorKind::Validate, source, line, msg));
            return false;
        }
    }
    let doc = |object: Value, list: Option<ListInfo>| {
        Item::Object(Document { source: source.to_string(), index, line, object, list })
    };
    match objects::decode(raw, source) {
        Ok(Decoded::Object(v)) => out.push(doc(v, None)),
        Ok(Decoded::List(l)) => {
            let mut causes = Vec::new();
            for (i, item) in l.items.into_iter().enumerate() {
                match item {
                    Ok(v) => out.push(doc(
                        v,
                        Some(ListInfo {
                            api_version: l.api_version.clone(),
                            kind: l.kind.clone(),
                            resource_version: l.resource_version.clone(),
                            item: i,
                        }),
                    )),
                    Err(e) => causes.push(e),
                }
            }
            if !causes.is_empty() {
                out.push(Item::Error(ManifestError {
                    kind: ErrorKind::ListItems,
                    source: source.to_string(),
                    line: Some(line),
                    message: objects::aggregate(&causes),
                    causes,
                }));
            }
        }
        Err(msg) => {
            let kind = if msg.starts_with("unable to decode") { ErrorKind::Decode } else { ErrorKind::List };
            out.push(error(kind, source, line, msg));
        }
    }
    true
}

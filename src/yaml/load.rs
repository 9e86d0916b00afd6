//! Parser events → nodes, composed and decoded the way go-yaml v2 decodes one
//! document into an `interface{}`.
//!
//! go-yaml parses a whole document before decoding it, so a syntax error
//! anywhere in the document wins over a decode error (bad merge, invalid map
//! key, bad tagged scalar) found earlier; the loader records the first decode
//! error and keeps reading until the document ends.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StrInput};

use super::emit::go_sharp_v;
use super::errors::{flow_root_end, is_scanner_error, scan_error, tab_error};
use super::scalar::resolve_scalar;

/// A decoded YAML value before JSON conversion: keys may still be non-strings.
/// `Int` holds go-yaml's `int` (fits i64) and `uint64` (above i64::MAX) alike.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// The first document of `text` (`Null` for an empty stream or document);
/// later documents are never looked at, as with go-yaml's `Unmarshal`.
pub(crate) fn first_document(text: &str) -> Result<Node, String> {
    first_document_with(text, false)
}

/// [`first_document`]; `v3_bools`: only `true`/`false` (any case) are
/// booleans, as go-yaml v3 (kustomize's kyaml) reads them; `yes`, `on`, `y`
/// and the rest stay strings.
pub(crate) fn first_document_with(text: &str, v3_bools: bool) -> Result<Node, String> {
    if let Some(e) = tab_error(text) {
        return Err(e);
    }
    let mut p = Loader { events: Parser::new_from_str(text), anchors: HashMap::new(), peeked: None, text, decode_err: None, failure: None, v3_bools };
    match p.load() {
        Ok(n) => Ok(n),
        Err(msg) => {
            // libyaml ends the document at the token after a flow or quoted root,
            // so a structural problem past it is never reported (`[a]]` is `[a]`).
            if let (Some((false, idx)), Some(end)) = (p.failure, flow_root_end(text)) {
                if idx >= end {
                    let root: String = text.chars().take(end).collect();
                    return first_document_with(&(root + "\n"), v3_bools);
                }
            }
            Err(msg)
        }
    }
}

struct Loader<'a> {
    events: Parser<'a, StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    peeked: Option<Event<'a>>,
    text: &'a str,
    /// The first decode error, reported once the document parsed cleanly.
    decode_err: Option<String>,
    /// The syntax error met, if any: whether libyaml's scanner would report it
    /// (rather than its parser), and where (char index).
    failure: Option<(bool, usize)>,
    v3_bools: bool,
}

const MERGE_ERROR: &str = "yaml: map merge requires map or sequence of maps as the value";

impl<'a> Loader<'a> {
    fn load(&mut self) -> Result<Node, String> {
        loop {
            match self.next()? {
                None => return Ok(Node::Null),
                Some(Event::DocumentStart(..)) => break,
                Some(_) => continue,
            }
        }
        let node = match self.next()? {
            None | Some(Event::DocumentEnd) => return Ok(Node::Null),
            Some(ev) => self.node(ev)?,
        };
        // libyaml looks at one more token after the root: only a scanner error there counts.
        if let Err(e) = self.next() {
            if self.failure.is_some_and(|(scanner, _)| scanner) {
                return Err(e);
            }
        }
        match self.decode_err.take() {
            Some(e) => Err(e),
            None => Ok(node),
        }
    }

    fn next(&mut self) -> Result<Option<Event<'a>>, String> {
        if let Some(ev) = self.peeked.take() {
            return Ok(Some(ev));
        }
        loop {
            match self.events.next() {
                None => return Ok(None),
                Some(Err(e)) => {
                    self.failure = Some((is_scanner_error(&e, self.text), e.marker().index()));
                    return Err(scan_error(&e, self.text));
                }
                Some(Ok((ev, _span))) => {
                    #[allow(unreachable_patterns)]
                    match ev {
                        Event::Anchor(..) | Event::Comment(..) => continue,
                        other => return Ok(Some(other)),
                    }
                }
            }
        }
    }

    fn fail(&mut self, msg: String) {
        self.decode_err.get_or_insert(msg);
    }

    fn remember(&mut self, anchor: usize, n: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, n.clone());
        }
    }

    fn node(&mut self, ev: Event<'a>) -> Result<Node, String> {
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| {
                    let (h, s) = t.parts();
                    let full = format!("{h}{s}");
                    match full.strip_prefix("tag:yaml.org,2002:") {
                        Some(short) => format!("!!{short}"),
                        None => full,
                    }
                });
                let n = match resolve_scalar(&text, style, tag.as_deref(), self.v3_bools) {
                    Ok(n) => n,
                    Err(e) => {
                        self.fail(format!("yaml: {e}"));
                        Node::Null
                    }
                };
                self.remember(anchor, &n);
                Ok(n)
            }
            Event::Alias(id) => {
                self.anchors.get(&id).cloned().ok_or_else(|| "yaml: unknown anchor referenced".to_string())
            }
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
                self.remember(anchor, &n);
                Ok(n)
            }
            Event::MappingStart(_, anchor, _) => {
                let mut entries: Vec<(Node, Node)> = Vec::new();
                loop {
                    let kev = match self.next()? {
                        None => return Err("yaml: found unexpected end of stream".into()),
                        Some(Event::MappingEnd) => break,
                        Some(ev) => ev,
                    };
                    let is_merge = matches!(&kev, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
                    let key = self.node(kev)?;
                    if !is_merge && matches!(key, Node::Seq(_) | Node::Map(_)) {
                        self.fail(format!("yaml: invalid map key: {}", go_sharp_v(&key)));
                    }
                    let vev = self.next()?.ok_or_else(|| "yaml: found unexpected end of stream".to_string())?;
                    let value = self.node(vev)?;
                    if is_merge {
                        self.merge(&mut entries, value);
                    } else {
                        set(&mut entries, key, value);
                    }
                }
                let n = Node::Map(entries);
                self.remember(anchor, &n);
                Ok(n)
            }
            _ => Err("yaml: did not find expected node content".into()),
        }
    }

    /// go-yaml v2's `merge`: a merged map is decoded into the same Go map, so its
    /// keys override keys set before the `<<` and are overridden by keys after
    /// it; in a sequence of maps, earlier maps take precedence.
    fn merge(&mut self, entries: &mut Vec<(Node, Node)>, value: Node) {
        match value {
            Node::Map(m) => {
                for (k, v) in m {
                    set(entries, k, v);
                }
            }
            Node::Seq(items) => {
                for item in items.into_iter().rev() {
                    match item {
                        Node::Map(m) => {
                            for (k, v) in m {
                                set(entries, k, v);
                            }
                        }
                        _ => return self.fail(MERGE_ERROR.into()),
                    }
                }
            }
            _ => self.fail(MERGE_ERROR.into()),
        }
    }
}

/// `SetMapIndex` on a Go `map[interface{}]interface{}`: a later value for an equal key wins.
fn set(entries: &mut Vec<(Node, Node)>, key: Node, value: Node) {
    match entries.iter_mut().find(|(k, _)| same_key(k, &key)) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// Go interface equality for map keys: same dynamic type and value.
fn same_key(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Str(x), Node::Str(y)) => x == y,
        (Node::Int(x), Node::Int(y)) => x == y,
        (Node::Bool(x), Node::Bool(y)) => x == y,
        (Node::Float(x), Node::Float(y)) => x == y,
        (Node::Null, Node::Null) => true,
        _ => false,
    }
}

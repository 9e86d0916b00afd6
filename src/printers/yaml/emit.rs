//! The block-structure half of go-yaml v2's emitter (emitterc.go), for the
//! only shapes kubectl produces: block mappings and sequences, with empty
//! ones in flow style (`{}`, `[]`). Layout rules that follow from it:
//! two-space indent, sequences directly under a mapping key are not
//! indented (`key:\n- a`), and keys that are multi-line or longer than 128
//! bytes become complex keys (`? key\n: value`).

use super::scalar::{analyze, select_style};
use super::{Node, Scalar};

pub(super) const BEST_INDENT: i32 = 2;
pub(super) const BEST_WIDTH: usize = 80;

/// Where a node sits, as the emitter's context flags record it.
#[derive(Clone, Copy, Default)]
pub(super) struct Ctx {
    pub mapping: bool,
    pub simple_key: bool,
}

pub(super) struct Emitter {
    pub out: String,
    /// Column in characters (runes), as go-yaml counts it for wrapping.
    pub column: usize,
    pub indent: i32,
    indents: Vec<i32>,
    /// The last thing written was whitespace (no separator space needed).
    pub whitespace: bool,
    /// Only indentation has been written on the current line so far.
    pub indention: bool,
}

/// Emits one YAML document (no `---`), ending with a newline.
pub(super) fn document(root: &Node) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
    };
    e.node(root, Ctx::default());
    e.write_indent();
    e.out
}

impl Emitter {
    fn node(&mut self, node: &Node, ctx: Ctx) {
        match node {
            Node::Scalar(s) => self.scalar(s, ctx),
            Node::Seq(items) if items.is_empty() => self.empty_flow('[', ']'),
            Node::Seq(items) => self.block_sequence(items, ctx),
            Node::Map(entries) if entries.is_empty() => self.empty_flow('{', '}'),
            Node::Map(entries) => self.block_mapping(entries),
        }
    }

    fn empty_flow(&mut self, open: char, close: char) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node], ctx: Ctx) {
        // Under a mapping key (after "key:", not after "? ...\n:") the
        // items sit at the key's own indentation: `key:\n- a`.
        self.increase_indent(false, ctx.mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator('-', true, false, true);
            self.node(item, Ctx::default());
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, entries: &[(Scalar, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            if is_simple_key(key) {
                self.scalar(
                    key,
                    Ctx {
                        mapping: true,
                        simple_key: true,
                    },
                );
                self.write_indicator(':', false, false, false);
            } else {
                self.write_indicator('?', true, false, true);
                self.scalar(
                    key,
                    Ctx {
                        mapping: true,
                        simple_key: false,
                    },
                );
                self.write_indent();
                self.write_indicator(':', true, false, true);
            }
            self.node(
                value,
                Ctx {
                    mapping: true,
                    simple_key: false,
                },
            );
        }
        self.pop_indent();
    }

    fn scalar(&mut self, scalar: &Scalar, ctx: Ctx) {
        let analysis = analyze(&scalar.text);
        let style = select_style(scalar.style, &analysis, ctx.simple_key);
        self.increase_indent(true, false);
        self.write_scalar(&scalar.text, style, !ctx.simple_key);
        self.pop_indent();
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    pub fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    pub fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// Copies a line-break character from the value: '\n' is a plain
    /// newline; other breaks (U+2028, ...) are written as-is but still
    /// start a new line as far as the emitter's column is concerned.
    pub fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    pub fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    pub fn write_indicator(
        &mut self,
        indicator: char,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.put(indicator);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }
}

/// go-yaml's `check_simple_key` for a scalar key: single-line and at most
/// 128 bytes.
fn is_simple_key(key: &Scalar) -> bool {
    !analyze(&key.text).multiline && key.text.len() <= 128
}

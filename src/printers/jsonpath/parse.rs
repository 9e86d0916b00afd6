//! The template parser: a port of client-go's `util/jsonpath/parser.go`,
//! quirks included, so that the same templates are accepted, rejected with
//! the same message, and mean the same thing.
//!
//! Notable quirks kept on purpose:
//! - `['a.b']` is re-parsed as `.a.b` (two fields), not one key with a dot;
//!   only `.a\.b` names a key containing a dot. `["a"]` is an invalid index.
//! - A filter `[?(...)]` is split at its first run of `!<>=` characters; the
//!   operator is that whole run (`=` or `=>` parse and fail when evaluated).
//! - An unknown word such as `{foo}` parses as an identifier and only fails
//!   when the template runs (`unrecognized identifier foo`).
//! - Only the space character is skipped inside an action, tabs are errors.

use super::gofmt::quote_rune_u;

/// One `[start:end:step]` slot. `derived` marks an end computed from the
/// start (`[i]` means `[i:i+1]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Param {
    pub value: i64,
    pub known: bool,
    pub derived: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `{...}`: the nodes of one action, applied in turn.
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// Parses a whole template into its top-level nodes (text and actions).
pub fn parse(text: &str) -> Result<Vec<Node>, String> {
    Parser {
        input: text,
        pos: 0,
        start: 0,
        width: 0,
    }
    .parse_template()
}

/// `parseAction`: parses `{text}` and returns the nodes of that action.
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let nodes = parse(&format!("{{{text}}}"))?;
    match nodes.into_iter().next() {
        Some(Node::List(list)) => Ok(list),
        _ => Ok(Vec::new()),
    }
}

const EOF: Option<char> = None;

struct Parser<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    width: usize,
}

fn is_terminator(r: Option<char>) -> bool {
    match r {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

/// Go's `unicode.IsDigit` (approximated by Rust's numeric check for non-ASCII).
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || is_digit(c)
}

impl<'a> Parser<'a> {
    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                EOF
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        self.pos -= self.width;
    }

    fn consume(&mut self) -> &'a str {
        let value = &self.input[self.start..self.pos];
        self.start = self.pos;
        value
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// `parseText` / `parseLeftDelim` / `parseRightDelim`, as a loop.
    fn parse_template(mut self) -> Result<Vec<Node>, String> {
        let mut root = Vec::new();
        loop {
            match self.rest().find('{') {
                Some(offset) => {
                    self.pos += offset;
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().to_string()));
                    }
                    self.pos += 1;
                    self.consume();
                    let mut action = Vec::new();
                    self.parse_inside_action(&mut action)?;
                    root.push(Node::List(action));
                }
                None => {
                    self.pos = self.input.len();
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().to_string()));
                    }
                    return Ok(root);
                }
            }
        }
    }

    /// Parses tokens until the closing `}` (consumed).
    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if rest.starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r') | Some('\n') => return Err("unclosed action".into()),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur),
                Some(c) if c == '+' || c == '-' || is_digit(c) => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        quote_rune_u(c)
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        cur.push(match value {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier(value.to_string()),
        });
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(cur.last(), Some(Node::Recursive)) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if matches!(self.peek(), Some(c) if is_alphanumeric(c)) {
            self.parse_field(cur);
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        loop {
            match self.next() {
                Some(c) if c == '.' || is_digit(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let value = self.consume();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
            return Ok(());
        }
        match value.parse::<f64>() {
            Ok(f) if f.is_finite() && value.bytes().any(|b| b.is_ascii_digit()) => {
                cur.push(Node::Float(f));
                Ok(())
            }
            _ => Err(format!("cannot parse number {value}")),
        }
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        let text = self.consume();
        let mut text = &text[1..text.len() - 1];
        if text == "*" {
            text = ":";
        }

        // union operator
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }

        // dict key: ['name'], re-parsed as `.name`
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            cur.extend(parse_action(&format!(".{}", &text[1..text.len() - 1]))?);
            return Ok(());
        }

        // slice operator: ^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$
        let groups = match slice_groups(text) {
            Some(g) => g,
            None => return Err(format!("invalid array index {text}")),
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let g = groups[i];
            if !g.is_empty() {
                let digits = if i > 0 { &g[1..] } else { g };
                if i > 0 && digits.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = match digits.parse::<i64>() {
                        Ok(v) if !digits.starts_with('+') => v,
                        _ => return Err(format!("array index {digits} is not a number")),
                    };
                }
            } else if i == 1 {
                params[i].known = true;
                params[i].value = params[0].value.wrapping_add(1);
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let (mut begin, mut end) = (false, false);
        let mut pair = '\0';
        loop {
            let r = self.next();
            match r {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    if self.input.as_bytes()[self.pos - 2] != b'\\' && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let text = &text[..text.len() - 2];
        match split_filter(text) {
            None => {
                let left = parse_action(text)?;
                cur.push(Node::Filter {
                    left,
                    right: Vec::new(),
                    op: "exists".into(),
                });
            }
            Some((l, op, r)) => {
                let left = parse_action(l)?;
                let right = parse_action(r)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end && self.input.as_bytes()[self.pos - 2] != b'\\' => break,
                _ => {}
            }
        }
        let value = self.consume();
        let s = unquote_extend(value).map_err(|e| format!("unquote string {value} error {e}"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            let r = self.next();
            if r == Some('\\') {
                self.next();
            } else if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
    }
}

/// Matches `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$` and returns the three groups
/// ("" for a group that did not take part).
fn slice_groups(text: &str) -> Option<[&str; 3]> {
    fn group(s: &str, colon: bool) -> usize {
        let b = s.as_bytes();
        let mut i = 0;
        if colon {
            if b.first() != Some(&b':') {
                return 0;
            }
            i = 1;
        }
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    }
    let n0 = group(text, false);
    let n1 = group(&text[n0..], true);
    let n2 = group(&text[n0 + n1..], true);
    if n0 + n1 + n2 != text.len() {
        return None;
    }
    Some([&text[..n0], &text[n0..n0 + n1], &text[n0 + n1..]])
}

/// Matches `^([^!<>=]+)([!<>=]+)(.+?)$`: (left, operator, right).
fn split_filter(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let first = text.find(is_op)?;
    if first == 0 {
        return None;
    }
    let run = text[first..]
        .find(|c: char| !is_op(c))
        .map_or(text.len() - first, |n| n);
    let mut op_end = first + run;
    if op_end == text.len() {
        // The right side needs at least one character.
        if run < 2 {
            return None;
        }
        op_end -= 1;
    }
    Some((&text[..first], &text[first..op_end], &text[op_end..]))
}

/// client-go's `UnquoteExtend`: `strconv.Unquote` that also takes single quotes.
pub fn unquote_extend(s: &str) -> Result<String, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    let n = b.len();
    if n < 2 {
        return Err(SYNTAX);
    }
    let quote = b[0];
    if quote != b[n - 1] || (quote != b'"' && quote != b'\'') {
        return Err(SYNTAX);
    }
    let inner = &s[1..n - 1];
    if !inner.bytes().any(|c| c == b'\\' || c == quote) {
        return Ok(inner.to_string());
    }
    let mut buf: Vec<u8> = Vec::with_capacity(inner.len());
    let mut rest = inner;
    while !rest.is_empty() {
        let (value, multibyte, tail) = unquote_char(rest, quote).ok_or(SYNTAX)?;
        rest = tail;
        if value < 0x80 || !multibyte {
            buf.push(value as u8);
        } else {
            let c = char::from_u32(value).ok_or(SYNTAX)?;
            let mut tmp = [0u8; 4];
            buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
    }
    // `\xNN` may produce bytes that are not UTF-8; Go keeps them raw.
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Go's `strconv.UnquoteChar`: (value, multibyte, tail).
fn unquote_char(s: &str, quote: u8) -> Option<(u32, bool, &str)> {
    let b = s.as_bytes();
    let c = *b.first()?;
    if c == quote && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if c >= 0x80 {
        let ch = s.chars().next()?;
        return Some((ch as u32, true, &s[ch.len_utf8()..]));
    }
    if c != b'\\' {
        return Some((c as u32, false, &s[1..]));
    }
    if b.len() <= 1 {
        return None;
    }
    let c = b[1];
    let mut rest = &s[2..];
    let value = match c {
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'n' => 10,
        b'r' => 13,
        b't' => 9,
        b'v' => 11,
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            if rest.len() < n {
                return None;
            }
            let mut v: u32 = 0;
            for &h in &rest.as_bytes()[..n] {
                v = (v << 4) | (h as char).to_digit(16)?;
            }
            rest = &rest[n..];
            if c == b'x' {
                return Some((v, false, rest));
            }
            char::from_u32(v)?;
            return Some((v, true, rest));
        }
        b'0'..=b'7' => {
            let mut v = (c - b'0') as u32;
            let rb = rest.as_bytes();
            if rb.len() < 2 {
                return None;
            }
            for &d in &rb[..2] {
                if !(b'0'..=b'7').contains(&d) {
                    return None;
                }
                v = (v << 3) | (d - b'0') as u32;
            }
            rest = &rest[2..];
            if v > 255 {
                return None;
            }
            v
        }
        b'\\' => b'\\' as u32,
        b'\'' | b'"' => {
            if c != quote {
                return None;
            }
            c as u32
        }
        _ => return None,
    };
    Some((value, false, rest))
}

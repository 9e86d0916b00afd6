//! Go's `encoding/json` as kubectl's manifest reading sees it.
//!
//! * [`next_value`] is `json.Decoder.Decode` over a stream of values: the same
//!   scanner states, so syntax errors carry Go's wording and byte offset
//!   (`json: offset 65: invalid character '-' in numeric literal`), a value cut
//!   short is `unexpected EOF`, and values may follow each other with or
//!   without whitespace.
//! * [`parse`] decodes one valid value the way sigs.k8s.io/json does for
//!   unstructured objects: integers that fit int64 stay integers, other numbers
//!   are float64, a later duplicate key wins, bad surrogates become U+FFFD.

use serde_json::{Map, Number, Value};

/// What the next `Decode` call on the stream returns.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Next {
    /// Only whitespace is left.
    Eof,
    /// A complete value at `start..end` (leading whitespace skipped); the next
    /// value is looked for at `end`.
    Value { start: usize, end: usize },
    /// Go's error text: `json: offset N: invalid character …` or `unexpected EOF`.
    Error(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`/`false`/`null`: the literal and how many bytes matched.
    Lit(&'static str, usize),
}

#[derive(PartialEq, Eq)]
enum Op {
    Continue,
    EndObjectOrArray,
    End,
    Error(String),
}

const MAX_DEPTH: usize = 10000;

struct Scanner {
    step: State,
    stack: Vec<Parse>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `quoteChar`: `'x'`, `'\''`, `'"'`, `'\n'`, `'\x01'`…
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => r"'\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let ch = c as char;
            let q = crate::yaml::go_quote(&ch.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Scanner {
    fn new() -> Self {
        Scanner { step: State::BeginValue, stack: Vec::new() }
    }

    fn error(&mut self, c: u8, context: &str) -> Op {
        Op::Error(format!("invalid character {} {context}", quote_char(c)))
    }

    fn push(&mut self, c: u8, p: Parse, next: State) -> Op {
        self.stack.push(p);
        self.step = next;
        if self.stack.len() <= MAX_DEPTH {
            Op::Continue
        } else {
            self.error(c, "exceeded max depth")
        }
    }

    fn pop(&mut self) {
        self.stack.pop();
        self.step = if self.stack.is_empty() { State::EndTop } else { State::EndValue };
    }

    fn step(&mut self, c: u8) -> Op {
        match self.step {
            State::BeginValueOrEmpty => {
                if is_space(c) {
                    return Op::Continue;
                }
                if c == b']' {
                    return self.end_value(c);
                }
                self.begin_value(c)
            }
            State::BeginValue => self.begin_value(c),
            State::BeginStringOrEmpty => {
                if is_space(c) {
                    return Op::Continue;
                }
                if c == b'}' {
                    if let Some(last) = self.stack.last_mut() {
                        *last = Parse::ObjectValue;
                    }
                    return self.end_value(c);
                }
                self.begin_string(c)
            }
            State::BeginString => self.begin_string(c),
            State::EndValue => self.end_value(c),
            State::EndTop => {
                // Go records "after top-level value" for later but ends the value here.
                Op::End
            }
            State::InString => match c {
                b'"' => {
                    self.step = State::EndValue;
                    Op::Continue
                }
                b'\\' => {
                    self.step = State::InStringEsc;
                    Op::Continue
                }
                c if c < 0x20 => self.error(c, "in string literal"),
                _ => Op::Continue,
            },
            State::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.step = State::InString;
                    Op::Continue
                }
                b'u' => {
                    self.step = State::InStringEscU(0);
                    Op::Continue
                }
                _ => self.error(c, "in string escape code"),
            },
            State::InStringEscU(n) => {
                if c.is_ascii_hexdigit() {
                    self.step = if n == 3 { State::InString } else { State::InStringEscU(n + 1) };
                    Op::Continue
                } else {
                    self.error(c, "in \\u hexadecimal character escape")
                }
            }
            State::Neg => match c {
                b'0' => {
                    self.step = State::Zero;
                    Op::Continue
                }
                b'1'..=b'9' => {
                    self.step = State::One;
                    Op::Continue
                }
                _ => self.error(c, "in numeric literal"),
            },
            State::One => {
                if c.is_ascii_digit() {
                    Op::Continue
                } else {
                    self.zero(c)
                }
            }
            State::Zero => self.zero(c),
            State::Dot => {
                if c.is_ascii_digit() {
                    self.step = State::Dot0;
                    Op::Continue
                } else {
                    self.error(c, "after decimal point in numeric literal")
                }
            }
            State::Dot0 => match c {
                b'0'..=b'9' => Op::Continue,
                b'e' | b'E' => {
                    self.step = State::E;
                    Op::Continue
                }
                _ => self.end_value(c),
            },
            State::E => {
                if c == b'+' || c == b'-' {
                    self.step = State::ESign;
                    Op::Continue
                } else {
                    self.e_sign(c)
                }
            }
            State::ESign => self.e_sign(c),
            State::E0 => {
                if c.is_ascii_digit() {
                    Op::Continue
                } else {
                    self.end_value(c)
                }
            }
            State::Lit(word, n) => {
                if word.as_bytes()[n] == c {
                    self.step = if n + 1 == word.len() { State::EndValue } else { State::Lit(word, n + 1) };
                    Op::Continue
                } else {
                    let ctx = format!("in literal {word} (expecting {})", quote_char(word.as_bytes()[n]));
                    self.error(c, &ctx)
                }
            }
        }
    }

    fn begin_value(&mut self, c: u8) -> Op {
        if is_space(c) {
            return Op::Continue;
        }
        match c {
            b'{' => self.push(c, Parse::ObjectKey, State::BeginStringOrEmpty),
            b'[' => self.push(c, Parse::ArrayValue, State::BeginValueOrEmpty),
            b'"' => {
                self.step = State::InString;
                Op::Continue
            }
            b'-' => {
                self.step = State::Neg;
                Op::Continue
            }
            b'0' => {
                self.step = State::Zero;
                Op::Continue
            }
            b'1'..=b'9' => {
                self.step = State::One;
                Op::Continue
            }
            b't' => {
                self.step = State::Lit("true", 1);
                Op::Continue
            }
            b'f' => {
                self.step = State::Lit("false", 1);
                Op::Continue
            }
            b'n' => {
                self.step = State::Lit("null", 1);
                Op::Continue
            }
            _ => self.error(c, "looking for beginning of value"),
        }
    }

    fn begin_string(&mut self, c: u8) -> Op {
        if is_space(c) {
            return Op::Continue;
        }
        if c == b'"' {
            self.step = State::InString;
            return Op::Continue;
        }
        self.error(c, "looking for beginning of object key string")
    }

    fn zero(&mut self, c: u8) -> Op {
        match c {
            b'.' => {
                self.step = State::Dot;
                Op::Continue
            }
            b'e' | b'E' => {
                self.step = State::E;
                Op::Continue
            }
            _ => self.end_value(c),
        }
    }

    fn e_sign(&mut self, c: u8) -> Op {
        if c.is_ascii_digit() {
            self.step = State::E0;
            Op::Continue
        } else {
            self.error(c, "in exponent of numeric literal")
        }
    }

    fn end_value(&mut self, c: u8) -> Op {
        let Some(&top) = self.stack.last() else {
            self.step = State::EndTop;
            return Op::End;
        };
        if is_space(c) {
            self.step = State::EndValue;
            return Op::Continue;
        }
        match top {
            Parse::ObjectKey => {
                if c == b':' {
                    *self.stack.last_mut().unwrap() = Parse::ObjectValue;
                    self.step = State::BeginValue;
                    return Op::Continue;
                }
                self.error(c, "after object key")
            }
            Parse::ObjectValue => match c {
                b',' => {
                    *self.stack.last_mut().unwrap() = Parse::ObjectKey;
                    self.step = State::BeginString;
                    Op::Continue
                }
                b'}' => {
                    self.pop();
                    Op::EndObjectOrArray
                }
                _ => self.error(c, "after object key:value pair"),
            },
            Parse::ArrayValue => match c {
                b',' => {
                    self.step = State::BeginValue;
                    Op::Continue
                }
                b']' => {
                    self.pop();
                    Op::EndObjectOrArray
                }
                _ => self.error(c, "after array element"),
            },
        }
    }
}

/// The next value of a JSON stream, from byte `pos` on.
pub(super) fn next_value(data: &[u8], pos: usize) -> Next {
    let mut s = Scanner::new();
    let mut i = pos;
    while i < data.len() {
        match s.step(data[i]) {
            Op::Continue => {}
            Op::End => return value(data, pos, i),
            Op::EndObjectOrArray => {
                // Go invents a space after `}`/`]` to see whether the top level ended.
                if s.stack.is_empty() {
                    return value(data, pos, i + 1);
                }
            }
            Op::Error(msg) => return Next::Error(format!("json: offset {}: {msg}", i + 1)),
        }
        i += 1;
    }
    if s.step(b' ') == Op::End {
        return value(data, pos, data.len());
    }
    if data[pos..].iter().any(|&c| !is_space(c)) {
        Next::Error("unexpected EOF".into())
    } else {
        Next::Eof
    }
}

fn value(data: &[u8], pos: usize, end: usize) -> Next {
    let start = pos + data[pos..end].iter().take_while(|&&c| is_space(c)).count();
    Next::Value { start, end }
}

/// Go's name for a JSON value's type in `UnmarshalTypeError`s.
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Decode one valid JSON value. A number float64 cannot hold is kept as a
/// placeholder and reported as Go reports it (the first one), so a caller can
/// decide which error Go would have met first.
pub(super) fn parse(raw: &str) -> (Value, Option<String>) {
    let mut p = Parser { b: raw.as_bytes(), i: 0, num_err: None };
    let v = p.value();
    (v, p.num_err)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    num_err: Option<String>,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && is_space(self.b[self.i]) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Value {
        self.ws();
        let Some(&c) = self.b.get(self.i) else { return Value::Null };
        match c {
            b'{' => {
                self.i += 1;
                let mut m = Map::new();
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b'}') | None => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let k = self.string();
                    self.ws();
                    self.i += 1; // ':'
                    let v = self.value();
                    m.insert(k, v);
                }
                Value::Object(m)
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b']') | None => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => {
                            self.i += 1;
                            continue;
                        }
                        _ => a.push(self.value()),
                    }
                }
                Value::Array(a)
            }
            b'"' => Value::String(self.string()),
            b't' => {
                self.i += 4;
                Value::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Value::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Value::Null
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Value {
        let start = self.i;
        while self.i < self.b.len() && matches!(self.b[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i += 1;
        }
        let lit = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        if let Ok(i) = lit.parse::<i64>() {
            return Value::Number(i.into());
        }
        match lit.parse::<f64>() {
            Ok(f) if f.is_finite() => Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
            _ => {
                self.num_err
                    .get_or_insert_with(|| format!("json: cannot unmarshal number {lit} into Go value of type float64"));
                Value::Null
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let s = self.b.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
    }

    /// A string literal at `self.i` (opening quote included).
    fn string(&mut self) -> String {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let e = self.b.get(self.i + 1).copied().unwrap_or(b'\\');
                    self.i += 2;
                    let simple = match e {
                        b'b' => Some(b'\x08'),
                        b'f' => Some(b'\x0c'),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'u' => None,
                        other => Some(other),
                    };
                    if let Some(b) = simple {
                        out.push(b);
                        continue;
                    }
                    let mut r = self.hex4(self.i).unwrap_or(0xFFFD);
                    self.i += 4;
                    if (0xD800..0xE000).contains(&r) {
                        // A surrogate pair, or U+FFFD for a lone half.
                        let pair = if self.b.get(self.i) == Some(&b'\\') && self.b.get(self.i + 1) == Some(&b'u') {
                            self.hex4(self.i + 2)
                        } else {
                            None
                        };
                        match pair {
                            Some(lo) if (0xD800..0xDC00).contains(&r) && (0xDC00..0xE000).contains(&lo) => {
                                r = 0x10000 + ((r - 0xD800) << 10) + (lo - 0xDC00);
                                self.i += 6;
                            }
                            _ => r = 0xFFFD,
                        }
                    }
                    let ch = char::from_u32(r).unwrap_or('\u{FFFD}');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(s: &str) -> String {
        let mut pos = 0;
        loop {
            match next_value(s.as_bytes(), pos) {
                Next::Value { end, .. } => pos = end,
                Next::Eof => return "EOF".into(),
                Next::Error(e) => return e,
            }
        }
    }

    fn values(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Next::Value { start, end } = next_value(s.as_bytes(), pos) {
            out.push(&s[start..end]);
            pos = end;
        }
        out
    }

    #[test]
    fn stream_of_values() {
        assert_eq!(values("{\"a\":1}\n {\"b\":2}{}5 \"x\"null[1]"), vec!["{\"a\":1}", "{\"b\":2}", "{}", "5", "\"x\"", "null", "[1]"]);
        assert_eq!(err("{\"a\":1}\n  \n"), "EOF");
    }

    #[test]
    fn go_error_offsets() {
        // Offsets verified against kubectl 1.32.
        assert_eq!(err("{\"a\":1}\n---\n"), "json: offset 10: invalid character '-' in numeric literal");
        assert_eq!(err("{\"a\":1}---\n"), "json: offset 9: invalid character '-' in numeric literal");
        assert_eq!(err("{\"a\":1,}"), "json: offset 8: invalid character '}' looking for beginning of object key string");
        assert_eq!(err("  {\"a\":1,}"), "json: offset 10: invalid character '}' looking for beginning of object key string");
        assert_eq!(err("{\"a\":1}\n{\"b\":2"), "unexpected EOF");
        assert_eq!(err("{\"a\":1}\n{\"b\":2}\nx"), "json: offset 17: invalid character 'x' looking for beginning of value");
        assert_eq!(err("{apiVersion: v1}"), "json: offset 2: invalid character 'a' looking for beginning of object key string");
        assert_eq!(err("{\"a\" 1}"), "json: offset 6: invalid character '1' after object key");
        assert_eq!(err("{\"a\":1 2}"), "json: offset 8: invalid character '2' after object key:value pair");
        assert_eq!(err("[1 2]"), "json: offset 4: invalid character '2' after array element");
        assert_eq!(err("{\"a\":tru}"), "json: offset 9: invalid character '}' in literal true (expecting 'e')");
        assert_eq!(err("{\"a\":\"\\q\"}"), "json: offset 8: invalid character 'q' in string escape code");
        assert_eq!(err("{\"a\":1.}"), "json: offset 8: invalid character '}' after decimal point in numeric literal");
        assert_eq!(err("{\"a\":\"\n\"}"), "json: offset 7: invalid character '\\n' in string literal");
        assert_eq!(err("{\"a\":\"x\"}'"), "json: offset 10: invalid character '\\'' looking for beginning of value");
    }

    #[test]
    fn parse_like_go() {
        let (v, e) = parse(r#"{"a":1,"b":1.0,"c":1e2,"d":-0,"e":18446744073709551615,"a2":"\ud800x\u00e9\ud83d\ude00","f":[true,false,null],"g":{"x":1,"x":2}}"#);
        assert_eq!(e, None);
        assert_eq!(v["a"], json!(1));
        assert!(v["b"].is_f64());
        assert!(v["c"].is_f64());
        assert_eq!(v["d"], json!(0));
        assert_eq!(v["e"], json!(18446744073709551615.0_f64));
        assert_eq!(v["a2"], json!("\u{FFFD}xé😀"));
        assert_eq!(v["f"], json!([true, false, null]));
        assert_eq!(v["g"], json!({"x": 2}));
        let (_, e) = parse(r#"{"x":1e400}"#);
        assert_eq!(e.unwrap(), "json: cannot unmarshal number 1e400 into Go value of type float64");
    }
}

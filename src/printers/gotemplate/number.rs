//! Number literals: Go's `newNumber` (node.go), which keeps a literal under
//! every type that can represent it, the way Go's ideal constants work.

use super::lex::ItemType;
use super::strconv;

#[derive(Debug, Clone)]
pub struct NumberNode {
    pub pos: usize,
    pub text: String,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub int64: i64,
    pub uint64: u64,
    pub float64: f64,
    /// `Some((re, im))` for complex and imaginary literals.
    pub complex: Option<(f64, f64)>,
}

/// Go's `newNumber`: the literal under every type that can hold it.
pub fn new_number(pos: usize, text: &str, typ: ItemType) -> Result<NumberNode, String> {
    let mut n = NumberNode {
        pos,
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        int64: 0,
        uint64: 0,
        float64: 0.0,
        complex: None,
    };
    if typ == ItemType::CharConstant {
        let Some((c, tail)) = strconv::unquote_char(&text[1..], '\'') else {
            return Err("invalid syntax".into());
        };
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        n.int64 = c as i64;
        n.uint64 = c as u64;
        n.float64 = c as u32 as f64;
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        return Ok(n);
    }
    if typ == ItemType::Complex {
        let Some(c) = parse_complex(text) else {
            return Err("expected integer".into());
        };
        n.simplify_complex(c);
        return Ok(n);
    }
    if let Some(im) = text.strip_suffix('i').and_then(strconv::parse_float) {
        n.simplify_complex((0.0, im));
        return Ok(n);
    }
    if let Some(u) = strconv::parse_uint(text) {
        n.is_uint = true;
        n.uint64 = u;
    }
    if let Some(i) = strconv::parse_int(text) {
        n.is_int = true;
        n.int64 = i;
        if i == 0 {
            n.is_uint = true;
            n.uint64 = 0;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float64 = n.int64 as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float64 = n.uint64 as f64;
    } else if let Some(f) = strconv::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", strconv::quote(text)));
        }
        n.is_float = true;
        n.float64 = f;
        if !n.is_int && (f as i64) as f64 == f {
            n.is_int = true;
            n.int64 = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f {
            n.is_uint = true;
            n.uint64 = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", strconv::quote(text)));
    }
    Ok(n)
}

impl NumberNode {
    /// Go's `simplifyComplex`: a complex with no imaginary part is also a float.
    fn simplify_complex(&mut self, c: (f64, f64)) {
        self.complex = Some(c);
        self.is_float = c.1 == 0.0;
        if self.is_float {
            self.float64 = c.0;
            self.is_int = (c.0 as i64) as f64 == c.0;
            self.int64 = c.0 as i64;
            self.is_uint = c.0 >= 0.0 && (c.0 as u64) as f64 == c.0;
            self.uint64 = c.0 as u64;
        }
    }
}

/// `fmt.Sscan` of a complex literal `REAL±IMAGi`.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    let b = body.as_bytes();
    let split = (1..b.len()).rev().find(|&i| (b[i] == b'+' || b[i] == b'-') && !matches!(b[i - 1] | 0x20, b'e' | b'p'))?;
    Some((strconv::parse_float(&body[..split])?, strconv::parse_float(&body[split..])?))
}

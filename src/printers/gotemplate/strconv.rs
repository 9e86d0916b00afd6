//! The pieces of Go's `strconv` the template engine needs: quoting and
//! unquoting, integer and float literal parsing, and float formatting.

pub use crate::gostr::{is_print, quote, quote_rune, quote_with, sharp_u};


/// `strconv.CanBackquote`.
pub fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '`' && c != '\u{feff}' && (c == '\t' || !(c < ' ' || c == '\u{7f}')))
}


/// `strconv.UnquoteChar`: one (possibly escaped) character from the start of
/// `s` and the rest. `None` is Go's `ErrSyntax`.
pub fn unquote_char(s: &str, quote: char) -> Option<(char, &str)> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        return Some((c, chars.as_str()));
    }
    let e = chars.next()?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(v) = simple {
        return Some((v, rest));
    }
    match e {
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = rest.get(..n)?;
            let v = u32::from_str_radix(digits, 16).ok()?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            // `\xNN` is a byte in Go; above 0x7f it cannot be kept in a Rust string.
            let c = if e == 'x' { char::from_u32(v).unwrap_or('\u{fffd}') } else { char::from_u32(v)? };
            Some((c, &rest[n..]))
        }
        '0'..='7' => {
            let digits = rest.get(..2)?;
            let mut v = e as u32 - '0' as u32;
            for b in digits.bytes() {
                if !(b'0'..=b'7').contains(&b) {
                    return None;
                }
                v = (v << 3) | (b - b'0') as u32;
            }
            if v > 255 {
                return None;
            }
            Some((char::from_u32(v).unwrap_or('\u{fffd}'), &rest[2..]))
        }
        _ => None,
    }
}

/// `strconv.Unquote` for `"..."` and `` `...` `` literals.
pub fn unquote(s: &str) -> Option<String> {
    if s.len() < 2 {
        return None;
    }
    let quote = s.chars().next()?;
    if !s.ends_with(quote) {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    match quote {
        '`' => {
            if inner.contains('`') {
                return None;
            }
            Some(inner.replace('\r', ""))
        }
        '"' => {
            if inner.contains('\n') {
                return None;
            }
            let mut out = String::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                let (c, tail) = unquote_char(rest, '"')?;
                out.push(c);
                rest = tail;
            }
            Some(out)
        }
        _ => None,
    }
}

/// Go's `underscoreOK`: underscores only between digits or after a base prefix.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        i = 1;
    }
    let mut hex = false;
    if b.len() - i >= 2 && b[i] == b'0' && matches!(b[i + 1] | 0x20, b'b' | b'o' | b'x') {
        hex = b[i + 1] | 0x20 == b'x';
        i += 2;
        saw = b'0';
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, 0, 64)` magnitude parsing (no sign).
fn parse_magnitude(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if s.len() >= 2 && s.as_bytes()[0] == b'0' {
        match s.as_bytes()[1] | 0x20 {
            b'x' => (16, &s[2..]),
            b'o' => (8, &s[2..]),
            b'b' => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    u64::from_str_radix(&clean, base).ok()
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    parse_magnitude(s)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, mag) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_magnitude(mag)?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            return Some((u as i64).wrapping_neg());
        }
        return None;
    }
    i64::try_from(u).ok()
}

/// `strconv.ParseFloat(s, 64)` for the literal forms the lexer accepts.
pub fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let v = if body.len() > 2 && (body.starts_with("0x") || body.starts_with("0X")) {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None,
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars().chain(frac.chars()) {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    Some(v * 2f64.powi(exp - 4 * frac.len() as i32))
}

/// Shortest or fixed-precision decimal digits of a finite, non-negative float.
pub struct Decimal {
    /// Digits without leading zeros; empty for zero.
    pub digits: Vec<u8>,
    /// Decimal point position relative to the first digit.
    pub dp: i32,
}

fn decimal_from_sci(sci: &str) -> Decimal {
    let (mant, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|&d| d == b'0') {
        return Decimal { digits: Vec::new(), dp: 0 };
    }
    let mut d = Decimal { digits, dp: exp + 1 };
    while d.digits.last() == Some(&b'0') {
        d.digits.pop();
    }
    d
}

/// Shortest digits that round-trip.
pub fn shortest(f: f64) -> Decimal {
    decimal_from_sci(&format!("{:e}", f.abs()))
}

/// Digits rounded to `n` significant digits (n >= 1).
fn significant(f: f64, n: usize) -> Decimal {
    decimal_from_sci(&format!("{:.*e}", n.saturating_sub(1), f.abs()))
}

fn fmt_e(d: &Decimal, prec: Option<usize>, upper: bool) -> String {
    let mut s = String::new();
    let first = d.digits.first().copied().unwrap_or(b'0');
    s.push(first as char);
    let rest: Vec<u8> = d.digits.iter().skip(1).copied().collect();
    let n = prec.unwrap_or(rest.len());
    if n > 0 {
        s.push('.');
        for i in 0..n {
            s.push(*rest.get(i).unwrap_or(&b'0') as char);
        }
    }
    s.push(if upper { 'E' } else { 'e' });
    let exp = if d.digits.is_empty() { 0 } else { d.dp - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
    s
}

fn fmt_f(d: &Decimal, prec: Option<usize>) -> String {
    let mut s = String::new();
    let nd = d.digits.len() as i32;
    if d.dp > 0 {
        for i in 0..d.dp {
            s.push(if i < nd { d.digits[i as usize] as char } else { '0' });
        }
    } else {
        s.push('0');
    }
    let frac_len = match prec {
        Some(p) => p as i32,
        None => (nd - d.dp).max(0),
    };
    if frac_len > 0 {
        s.push('.');
        for i in 0..frac_len {
            let j = d.dp + i;
            s.push(if j >= 0 && j < nd { d.digits[j as usize] as char } else { '0' });
        }
    }
    s
}

/// Digits of `f` rounded to `p` places after the decimal point.
fn fixed(f: f64, p: usize) -> Decimal {
    let s = format!("{:.*}", p, f.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
    let lead = all.iter().take_while(|&&b| b == b'0').count();
    if lead == all.len() {
        return Decimal { digits: Vec::new(), dp: 0 };
    }
    let mut d = Decimal { digits: all[lead..].to_vec(), dp: int.len() as i32 - lead as i32 };
    while d.digits.last() == Some(&b'0') {
        d.digits.pop();
    }
    d
}

/// `strconv.FormatFloat(f, fmt, prec, 64)` for fmt in `e E f F g G`
/// (`prec` `None` = shortest). Infinities and NaN as Go spells them.
pub fn format_float(f: f64, fmt: char, prec: Option<usize>) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let body = match fmt {
        'b' => return fmt_b(f),
        'x' | 'X' => return fmt_x(f, prec, fmt),
        'e' | 'E' => {
            let d = match prec {
                Some(p) => significant(f, p + 1),
                None => shortest(f),
            };
            fmt_e(&d, prec, fmt == 'E')
        }
        'f' | 'F' => {
            let d = match prec {
                Some(p) => fixed(f, p),
                None => shortest(f),
            };
            fmt_f(&d, prec)
        }
        _ => {
            let (d, eprec, p) = match prec {
                None => {
                    let d = shortest(f);
                    let n = d.digits.len() as i32;
                    (d, 6, n)
                }
                Some(p) => {
                    let p = p.max(1) as i32;
                    let d = significant(f, p as usize);
                    let nd = d.digits.len() as i32;
                    let eprec = if p > nd && nd >= d.dp { nd } else { p };
                    (d, eprec, p)
                }
            };
            let nd = d.digits.len() as i32;
            let exp = d.dp - 1;
            if !d.digits.is_empty() && (exp < -4 || exp >= eprec) {
                let p = p.min(nd);
                fmt_e(&d, Some((p - 1).max(0) as usize), fmt == 'G')
            } else {
                let p = if p > d.dp { nd } else { p };
                fmt_f(&d, Some((p - d.dp).max(0) as usize))
            }
        }
    };
    if f.is_sign_negative() {
        format!("-{body}")
    } else {
        body
    }
}

/// The sign, mantissa (with the implicit bit) and unbiased exponent of `f`.
fn float_parts(f: f64) -> (bool, u64, i32) {
    let bits = f.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1 << 52;
    }
    (neg, mant, exp - 1023)
}

/// strconv's `%b`: `-ddddp±ddd`.
fn fmt_b(f: f64) -> String {
    let (neg, mant, exp) = float_parts(f);
    let exp = exp - 52;
    format!("{}{mant}p{}{exp}", if neg { "-" } else { "" }, if exp >= 0 { "+" } else { "" })
}

/// strconv's `%x`: `-0x1.yyyyp±dd`.
fn fmt_x(f: f64, prec: Option<usize>, fmt: char) -> String {
    let (neg, mut mant, mut exp) = float_parts(f);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 8;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|&p| p < 15) {
        let shift = (p * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8] = if fmt == 'X' { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push('0');
    s.push(fmt);
    s.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    match prec {
        None if mant != 0 => {
            s.push('.');
            while mant != 0 {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            s.push('.');
            for _ in 0..p {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        _ => {}
    }
    s.push(if fmt == 'X' { 'P' } else { 'p' });
    s.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
    s
}

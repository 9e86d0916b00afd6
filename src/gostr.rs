//! Go's `strconv` string quoting (`Quote`, `QuoteToASCII`, `QuoteRune`) and
//! `IsPrint`, which kubectl's messages, templates, JSONPath, klog lines and
//! YAML errors all print through.

/// Go's `strconv.IsPrint`, approximated: Rust has no general-category table,
/// so unassigned code points count as printable.
pub fn is_print(c: char) -> bool {
    let r = c as u32;
    if r < 0x20 || (0x7f..=0x9f).contains(&r) {
        return false;
    }
    if r < 0x7f {
        return true;
    }
    !matches!(r,
        // separators other than U+0020 (Zs, Zl, Zp)
        0xa0 | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // format characters (Cf)
        | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // private use (Co) and non-characters
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff | 0xfffe | 0xffff)
}

fn push_escaped(out: &mut String, c: char, quote: char, ascii_only: bool) {
    match c {
        c if c == quote || c == '\\' => {
            out.push('\\');
            out.push(c);
        }
        c if if ascii_only { (' '..='~').contains(&c) } else { is_print(c) } => out.push(c),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// `strconv.Quote` (or `QuoteToASCII` when `ascii_only`).
pub fn quote_with(s: &str, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', ascii_only);
    }
    out.push('"');
    out
}

/// `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_with(s, false)
}

/// `strconv.QuoteRune` (or `QuoteRuneToASCII`).
pub fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// `%#U`: `U+0023 '#'`, or just `U+0009` when not printable.
pub fn sharp_u(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(" '");
        s.push(c);
        s.push('\'');
    }
    s
}

//! go-yaml v2's implicit typing (resolve.go): would a string, written
//! unquoted, read back as something other than a string? If so, go-yaml
//! double-quotes it. This is YAML 1.1 flavoured: `yes`, `on`, `y`, `0644`,
//! `1e3`, `0x1F`, `.5`, timestamps and base-60 numbers (`1:20`) all count.
//!
//! The number and time grammars are Go's own (`strconv.ParseInt/ParseUint/
//! ParseFloat` with base 0, `time.Parse`), reproduced here only as far as
//! "does it parse".

/// True when go-yaml may print `s` as a plain scalar: it resolves to `!!str`
/// and is not a base-60 float.
pub fn plain_reads_back_as_string(s: &str) -> bool {
    !resolves_to_non_string(s) && !is_base60_float(s)
}

const SPECIAL_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    "<<",
];

fn resolves_to_non_string(s: &str) -> bool {
    // resolve() only looks further when the first byte hints at a non-string.
    let Some(&first) = s.as_bytes().first() else {
        return true; // "" is null
    };
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return false,
    };
    if SPECIAL_WORDS.contains(&s) {
        return true;
    }
    match hint {
        b'.' => go_parse_float(s),
        b'D' | b'S' => number_or_timestamp(s),
        _ => false,
    }
}

fn number_or_timestamp(s: &str) -> bool {
    if is_timestamp(s) {
        return true;
    }
    let plain = s.replace('_', "");
    if go_parse_int(&plain, 0) || go_parse_uint(&plain, 0).is_some() {
        return true;
    }
    if yaml_style_float(&plain) && go_parse_float(&plain) {
        return true;
    }
    // resolve.go retries binary literals with the prefix cut off, which
    // also admits a sign after it ("0b-1").
    if let Some(rest) = plain.strip_prefix("0b") {
        return go_parse_int(rest, 2) || go_parse_uint(rest, 2).is_some();
    }
    if let Some(rest) = plain.strip_prefix("-0b") {
        return go_parse_int(&format!("-{rest}"), 2);
    }
    false
}

/// `strconv.ParseUint(s, base, 64)` succeeding (base 0 = Go literal prefixes).
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    let (base, digits) = if base == 0 {
        match bytes {
            [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &s[2..]),
            [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &s[2..]),
            [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &s[2..]),
            [b'0', ..] => (8, &s[1..]),
            _ => (10, s),
        }
    } else {
        (base, s)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// `strconv.ParseInt(s, base, 64)` succeeding: optional sign, int64 range.
fn go_parse_int(s: &str, base: u32) -> bool {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let Some(n) = go_parse_uint(rest, base) else {
        return false;
    };
    let limit = 1u64 << 63;
    if negative {
        n <= limit
    } else {
        n < limit
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    if int_digits == 0 {
        if b.get(i) != Some(&b'.') {
            return false;
        }
        let frac = count_digits(&b[i + 1..]);
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if b.get(i) == Some(&b'.') {
        i += 1 + count_digits(&b[i + 1..]);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = count_digits(&b[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// `strconv.ParseFloat(s, 64)` returning no error, for the decimal inputs
/// resolve.go can hand it (strings starting with '.', or matching
/// `yaml_style_float`). Go accepts '_' between digits and fails only on
/// syntax or overflow; underflow quietly becomes zero.
fn go_parse_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut saw_digits = false;
    let mut saw_dot = false;
    let mut underscores = false;
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if i < b.len() && b[i].eq_ignore_ascii_case(&b'e') {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            underscores |= b[i] == b'_';
            i += 1;
        }
    }
    if i != b.len() || (underscores && !underscore_ok(s)) {
        return false;
    }
    let mut cleaned = s.replace('_', "");
    // Rust's parser wants a digit before the point.
    if let Some(pos) = cleaned.find('.') {
        if pos == 0 || !cleaned.as_bytes()[pos - 1].is_ascii_digit() {
            cleaned.insert(pos, '0');
        }
    }
    cleaned.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Go's `underscoreOK` for base-10 text: every '_' sits between digits.
fn underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut saw = b'^';
    for &c in s.as_bytes() {
        if c.is_ascii_digit() {
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
    }
    saw != b'_'
}

/// encode.go's `isBase60Float`:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-' | b'0'..=b'9')) || !s.contains(':') {
        return false;
    }
    let mut i = usize::from(matches!(b[0], b'+' | b'-'));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let run = count_digits(&b[i + 1..]);
        let ok = run == 1 || (run == 2 && b[i + 1] <= b'5');
        if !ok {
            return false;
        }
        i += 1 + run;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// resolve.go's `parseTimestamp`: a quick YYYY- check, then Go's
/// `time.Parse` against the four layouts go-yaml accepts.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if count_digits(b) != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let Some((date, rest)) = parse_date(s) else {
        return false;
    };
    if rest.is_empty() {
        return date.is_valid(); // "2006-1-2"
    }
    ['T', 't', ' ']
        .iter()
        .any(|&sep| parse_time(rest, sep).is_some_and(|_| date.is_valid()))
}

struct Date {
    year: u32,
    month: u32,
    day: u32,
}

impl Date {
    fn is_valid(&self) -> bool {
        let leap = self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0);
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        (1..=days).contains(&self.day)
    }
}

/// "2006-1-2": four-digit year, then one- or two-digit month and day.
fn parse_date(s: &str) -> Option<(Date, &str)> {
    let year = s[..4].parse().ok()?;
    let rest = s[4..].strip_prefix('-')?;
    let (month, rest) = getnum(rest)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = getnum(rest)?;
    Some((Date { year, month, day }, rest))
}

/// The time part after the date: "T15:4:5.999999999Z07:00", the same with
/// 't', or " 15:4:5.999999999" (no zone).
fn parse_time(s: &str, sep: char) -> Option<()> {
    let rest = if sep == ' ' {
        // A layout space matches one or more spaces (time.Parse's skip).
        if !s.starts_with(' ') {
            return None;
        }
        s.trim_start_matches(' ')
    } else {
        s.strip_prefix(sep)?
    };
    let (hour, rest) = getnum(rest)?;
    let rest = rest.strip_prefix(':')?;
    let (minute, rest) = getnum(rest)?;
    let rest = rest.strip_prefix(':')?;
    let (second, rest) = getnum(rest)?;
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    let rest = skip_fraction(rest);
    let rest = if sep == ' ' { rest } else { parse_zone(rest)? };
    rest.is_empty().then_some(())
}

/// ".999999999": a '.' or ',' and at least one digit; otherwise nothing.
fn skip_fraction(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
        return &s[1 + count_digits(&b[1..])..];
    }
    s
}

/// "Z07:00": 'Z', or ±hh:mm with hh ≤ 24 and mm ≤ 60.
fn parse_zone(s: &str) -> Option<&str> {
    if let Some(rest) = s.strip_prefix('Z') {
        return Some(rest);
    }
    let b = s.as_bytes();
    if b.len() < 6 || b[3] != b':' || !matches!(b[0], b'+' | b'-') {
        return None;
    }
    let two = |x: &[u8]| -> Option<u32> {
        (x[0].is_ascii_digit() && x[1].is_ascii_digit())
            .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
    };
    let (hh, mm) = (two(&b[1..3])?, two(&b[4..6])?);
    (hh <= 24 && mm <= 60).then(|| &s[6..])
}

/// time.go's `getnum(s, false)`: one or two digits.
fn getnum(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    let first = u32::from(b[0] - b'0');
    match b.get(1) {
        Some(c) if c.is_ascii_digit() => Some((first * 10 + u32::from(c - b'0'), &s[2..])),
        _ => Some((first, &s[1..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_words_and_numbers_need_quotes() {
        for s in [
            "",
            "y",
            "Yes",
            "on",
            "OFF",
            "~",
            "null",
            "true",
            "0644",
            "1e3",
            "0x1F",
            ".5",
            "+1",
            "-1",
            "1_000",
            "0b101",
            "0o17",
            "0b-1",
            ".inf",
            "-.inf",
            "1_",
            "1.",
            "08",
            "99999999999999999999",
            ".5_0",
            "2024-01-15",
            "2024-1-5",
            "2024-01-15T10:00:00Z",
            "2024-01-15t10:00:00.5+02:00",
            "2024-01-15 10:00:00",
            "2024-01-15   1:2:3,5",
            "1:20",
            "-1:20:30.5",
            "190:20:30",
        ] {
            assert!(!plain_reads_back_as_string(s), "{s:?} should need quotes");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "a",
            "yes-ok",
            "Y2",
            "nope",
            "0x",
            "0xG",
            "1e400",
            "0xFFFFFFFFFFFFFFFFFF",
            "1.2.3",
            "._5",
            ".",
            "2024-13-01",
            "2024-02-30",
            "2024-01-15T25:00:00Z",
            "2024-01-15T10:00:00",
            "2024-01-150",
            "10:60",
            "1::2",
            "-",
            "+",
            "1e",
            "v1.2",
            "<<",
            "+.5.",
        ] {
            assert!(plain_reads_back_as_string(s), "{s:?} should stay plain");
        }
    }
}

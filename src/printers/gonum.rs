//! Go's number formatting (`strconv.FormatFloat` with precision -1 and
//! `encoding/json`'s float rules), which both printers must reproduce.
//!
//! Go and Rust both print the shortest digit string that round-trips, so the
//! digits come from Rust's `{:e}` and only the layout is Go's.

/// Shortest round-trip decimal digits of a finite float: `digits` without a
/// point, `point` = position of the decimal point relative to the first digit
/// (Go's `decimalSlice.dp`). Zero has no digits and point 0, as in Go.
struct Digits {
    negative: bool,
    digits: Vec<u8>,
    point: i32,
}

fn digits_of(sci: &str) -> Digits {
    let (negative, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|&d| d == b'0') {
        return Digits {
            negative,
            digits: Vec::new(),
            point: 0,
        };
    }
    Digits {
        negative,
        digits,
        point: exp + 1,
    }
}

fn digits64(f: f64) -> Digits {
    digits_of(&format!("{f:e}"))
}

fn digits32(f: f32) -> Digits {
    digits_of(&format!("{f:e}"))
}

/// Go's `fmtE` with shortest precision: `d.ddde±XX`.
fn fmt_e(d: &Digits) -> String {
    let mut s = String::new();
    if d.negative {
        s.push('-');
    }
    s.push(d.digits.first().map_or('0', |&c| c as char));
    if d.digits.len() > 1 {
        s.push('.');
        s.extend(d.digits[1..].iter().map(|&c| c as char));
    }
    s.push('e');
    let exp = if d.digits.is_empty() { 0 } else { d.point - 1 };
    s.push(if exp < 0 { '-' } else { '+' });
    let exp = exp.unsigned_abs();
    if exp < 10 {
        s.push('0');
    }
    s.push_str(&exp.to_string());
    s
}

/// Go's `fmtF` with shortest precision: plain decimal, no exponent.
fn fmt_f(d: &Digits) -> String {
    let mut s = String::new();
    if d.negative {
        s.push('-');
    }
    let nd = d.digits.len() as i32;
    if d.point > 0 {
        for i in 0..d.point {
            s.push(if i < nd {
                d.digits[i as usize] as char
            } else {
                '0'
            });
        }
    } else {
        s.push('0');
    }
    let frac = (nd - d.point).max(0);
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            let idx = d.point + i;
            s.push(if (0..nd).contains(&idx) {
                d.digits[idx as usize] as char
            } else {
                '0'
            });
        }
    }
    s
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: what go-yaml prints for a float.
pub fn format_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let d = digits64(f);
    // With shortest precision Go switches to %e at exponent 6, not 21.
    let exp = d.point - 1;
    if !d.digits.is_empty() && !(-4..6).contains(&exp) {
        fmt_e(&d)
    } else {
        fmt_f(&d)
    }
}

/// encoding/json's float64 encoding: %f unless tiny or huge, and a
/// two-digit negative exponent loses its leading zero (`1e-07` → `1e-7`).
pub fn json_f64(f: f64) -> String {
    let abs = f.abs();
    let d = digits64(f);
    json_layout(d, abs != 0.0 && !(1e-6..1e21).contains(&abs))
}

/// encoding/json's float32 encoding (thresholds tested in float32).
pub fn json_f32(f: f32) -> String {
    let abs = f.abs();
    let d = digits32(f);
    json_layout(d, abs != 0.0 && !(1e-6f32..1e21f32).contains(&abs))
}

fn json_layout(d: Digits, exponent: bool) -> String {
    if !exponent {
        return fmt_f(&d);
    }
    let mut s = fmt_e(&d);
    let n = s.len();
    if s[..n - 1].ends_with("e-0") {
        s.remove(n - 2);
    }
    s
}

/// The JSON text Go would print for a number held in a `serde_json::Number`.
/// Integers beyond int64 are floats in Go's unstructured objects, so they
/// print as floats there too.
pub fn json_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        json_f64(u as f64)
    } else {
        json_f64(n.as_f64().unwrap_or(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_g_matches_go() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.5, "1.5"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.5, "1.2345675e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (-2.5e-10, "-2.5e-10"),
            (0.1, "0.1"),
            (100.25, "100.25"),
        ];
        for (f, want) in cases {
            assert_eq!(format_g(*f), *want, "format_g({f})");
        }
    }

    #[test]
    fn json_floats_match_go() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1"),
            (-0.0, "-0"),
            (1e6, "1000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-10, "1.25e-10"),
            (1234567.5, "1234567.5"),
            (0.1, "0.1"),
        ];
        for (f, want) in cases {
            assert_eq!(json_f64(*f), *want, "json_f64({f})");
        }
        assert_eq!(json_f32(0.1), "0.1");
        assert_eq!(json_f32(1e-7), "1e-7");
    }

    #[test]
    fn big_unsigned_prints_as_go_float() {
        let n: serde_json::Number = serde_json::from_str("12345678901234567890").unwrap();
        assert_eq!(json_number(&n), "12345678901234567000");
    }
}

//! Just enough of `resource.ParseQuantity` and `Quantity.Cmp` to order two
//! strings the way kubectl's `--sort-by` does (`100m` < `1` < `2Gi`).

use std::cmp::Ordering;

/// An exact decimal: `digits × 10^exp`, digits without leading or trailing
/// zeros (empty for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Quantity {
    fn new(negative: bool, mut digits: Vec<u8>, mut exp: i64) -> Quantity {
        let lead = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..lead);
        while digits.last() == Some(&0) {
            digits.pop();
            exp += 1;
        }
        if digits.is_empty() {
            return Quantity {
                negative: false,
                digits,
                exp: 0,
            };
        }
        Quantity {
            negative,
            digits,
            exp,
        }
    }

    fn cmp_magnitude(&self, other: &Quantity) -> Ordering {
        match (self.digits.is_empty(), other.digits.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let top = |q: &Quantity| q.digits.len() as i64 + q.exp;
        top(self)
            .cmp(&top(other))
            .then_with(|| self.digits.cmp(&other.digits))
    }

    /// `Quantity.Cmp`.
    pub fn cmp(&self, other: &Quantity) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

/// Multiplies a big-endian decimal digit vector by a small factor.
fn mul_small(digits: &mut Vec<u8>, factor: u64) {
    let mut carry = 0u64;
    for d in digits.iter_mut().rev() {
        let v = u64::from(*d) * factor + carry;
        *d = (v % 10) as u8;
        carry = v / 10;
    }
    while carry > 0 {
        digits.insert(0, (carry % 10) as u8);
        carry /= 10;
    }
}

/// `resource.ParseQuantity`, reduced to the value it yields.
pub fn parse(s: &str) -> Option<Quantity> {
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some(Quantity::new(false, Vec::new(), 0));
    }
    let (positive, num, denom, suffix) = split(s)?;
    let (base, exponent, binary) = interpret(suffix)?;

    let digit_vec = |t: &str| t.bytes().map(|b| b - b'0').collect::<Vec<u8>>();
    let mut all = digit_vec(num);
    all.extend(digit_vec(denom));

    // The fast path (int64 mantissa and scale) stores the value exactly.
    let ndigits = (num.len() + denom.len()) as i64;
    let precision = if !binary {
        18 - ndigits
    } else if exponent >= 0 && denom.is_empty() {
        15 - num.len() as i64 - ((exponent as f32) * 3.0 / 10.0) as i64 - 1
    } else {
        -1
    };
    if precision >= 0 {
        let scale = if binary { 0 } else { exponent } - denom.len() as i64;
        if scale >= -9 {
            let value: i64 = format!("{num}{denom}").parse().ok()?;
            let mantissa: i64 = if binary { 1i64 << exponent } else { 1 };
            if value.checked_mul(mantissa).is_some() {
                let mut digits = all;
                if binary {
                    mul_small(&mut digits, mantissa as u64);
                }
                return Some(Quantity::new(!positive, digits, scale));
            }
        }
    }

    // The slow path: exact value, magnitude rounded up to a multiple of
    // 10^-9, capped at 2^63-1.
    let mut digits = all;
    let mut exp = -(denom.len() as i64);
    if base == 10 {
        exp += exponent;
    } else {
        let mut left = exponent;
        while left > 0 {
            let step = left.min(30);
            mul_small(&mut digits, 1u64 << step);
            left -= step;
        }
    }
    let mut q = Quantity::new(!positive, digits, exp);
    if !q.digits.is_empty() && q.exp < -9 {
        let keep = q.digits.len() as i64 + q.exp + 9;
        let mut kept: Vec<u8> = if keep > 0 {
            q.digits[..keep as usize].to_vec()
        } else {
            Vec::new()
        };
        // everything dropped is non-zero (no trailing zeros), so round up
        if kept.is_empty() {
            kept.push(0);
        }
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
        q = Quantity::new(q.negative, kept, -9);
    }
    let max = Quantity::new(
        false,
        i64::MAX.to_string().bytes().map(|b| b - b'0').collect(),
        0,
    );
    if q.cmp_magnitude(&max) == Ordering::Greater {
        q = Quantity {
            negative: q.negative,
            ..max
        };
    }
    Some(q)
}

/// `parseQuantityString`: (positive, numerator, denominator, suffix).
fn split(s: &str) -> Option<(bool, &str, &str, &str)> {
    let b = s.as_bytes();
    let end = b.len();
    let mut positive = true;
    let mut pos = 0;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Some((positive, "0", "", ""));
    }
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let mut num = &s[start..pos];
    if pos >= end {
        return Some((positive, num, "", ""));
    }
    if num.is_empty() {
        num = "0";
    }
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let dstart = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[dstart..pos];
        if pos >= end {
            return Some((positive, num, denom, ""));
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return None;
    }
    Some((positive, num, denom, &s[suffix_start..]))
}

/// `quantitySuffixer.interpret`: (base, exponent, binary).
fn interpret(suffix: &str) -> Option<(u32, i64, bool)> {
    let dec = match suffix {
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "" => Some(0),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(e) = dec {
        return Some((10, e, false));
    }
    let bin = match suffix {
        "Ki" => Some(10),
        "Mi" => Some(20),
        "Gi" => Some(30),
        "Ti" => Some(40),
        "Pi" => Some(50),
        "Ei" => Some(60),
        _ => None,
    };
    if let Some(e) = bin {
        return Some((2, e, true));
    }
    if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) {
        let parsed: i64 = suffix[1..].parse().ok()?;
        return Some((10, i64::from(parsed as i32), false));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(a: &str, b: &str) -> bool {
        parse(a).unwrap().cmp(&parse(b).unwrap()) == Ordering::Less
    }

    #[test]
    fn quantities() {
        assert!(lt("100m", "1"));
        assert!(lt("1", "1.5"));
        assert!(lt("1Gi", "2G"));
        assert!(lt("1G", "1Gi"));
        assert!(lt("-1", "0"));
        assert!(lt("-2", "-1"));
        assert!(lt("1e3", "1.5k"));
        // the slow path caps at 2^63-1, the fast path does not
        assert!(lt("999999999999999999999", "1e19"));
        assert_eq!(
            parse("1k").unwrap().cmp(&parse("1000").unwrap()),
            Ordering::Equal
        );
        assert_eq!(
            parse("0.1n").unwrap().cmp(&parse("1n").unwrap()),
            Ordering::Equal
        );
        for ok in [
            "0", "-", "+", ".", "1.", ".5", "e5", "m", "Ki", "1E", "1e-3", "1E+3", "007",
        ] {
            assert!(parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "", "abc", "1a", "1K", "1e", "1.2.3", "1 ", " 1", "1Mi5", "mi",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}

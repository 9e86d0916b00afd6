//! apimachinery's `resource.Quantity`, as far as kctl uses it (describe, the
//! downward-API values rollout and describe print, `kctl local`'s scheduler):
//! parsing, adding, comparing, `Value`/`MilliValue`, and `String()`'s
//! canonical form. (`--sort-by` keeps its own unbounded-precision parser in
//! printers/sort, because it orders arbitrary strings that may overflow i128.) Describers mostly print the server's strings, which are
//! already canonical; sums (a node's allocated resources, a pod's requests)
//! need the arithmetic and Go's canonicalisation to print the same bytes.
//!
//! The value is held exactly in nano-units (10^-9) as an i128: Go's own
//! parser rounds anything finer up to a nano-unit, and i128 nanos cover
//! every magnitude a real cluster reports.

use std::cmp::Ordering;

/// How the quantity was written, which decides how sums print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// A zero `Quantity{}`: prints as `0`, and takes the format of the first
    /// quantity added to it.
    #[default]
    Unset,
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    pub format: Format,
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    pub fn zero() -> Quantity {
        Quantity::default()
    }

    /// `resource.ParseQuantity`; `None` where Go returns an error.
    pub fn parse(s: &str) -> Option<Quantity> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let (negative, rest) = match s.as_bytes()[0] {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, suffix) = if let Some(stripped) = after.strip_prefix('.') {
            let n = stripped.bytes().take_while(u8::is_ascii_digit).count();
            stripped.split_at(n)
        } else {
            ("", after)
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let (format, base2_exp, base10_exp) = match suffix {
            "" => (Format::DecimalSI, 0, 0),
            "n" => (Format::DecimalSI, 0, -9),
            "u" => (Format::DecimalSI, 0, -6),
            "m" => (Format::DecimalSI, 0, -3),
            "k" => (Format::DecimalSI, 0, 3),
            "M" => (Format::DecimalSI, 0, 6),
            "G" => (Format::DecimalSI, 0, 9),
            "T" => (Format::DecimalSI, 0, 12),
            "P" => (Format::DecimalSI, 0, 15),
            "E" => (Format::DecimalSI, 0, 18),
            "Ki" => (Format::BinarySI, 10, 0),
            "Mi" => (Format::BinarySI, 20, 0),
            "Gi" => (Format::BinarySI, 30, 0),
            "Ti" => (Format::BinarySI, 40, 0),
            "Pi" => (Format::BinarySI, 50, 0),
            "Ei" => (Format::BinarySI, 60, 0),
            other => {
                let exp = other.strip_prefix('e').or_else(|| other.strip_prefix('E'))?;
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (Format::DecimalExponent, 0, exp.parse::<i32>().ok()?)
            }
        };
        // The written digits as an integer, scaled by 10^-frac_len.
        let mut mantissa: i128 = 0;
        for b in int_part.bytes().chain(frac_part.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        mantissa = mantissa.checked_mul(1i128 << base2_exp)?;
        // nanos = mantissa * 10^(base10_exp - frac_len + 9), rounded up.
        let shift = base10_exp as i64 - frac_part.len() as i64 + 9;
        let nanos = if shift >= 0 {
            mantissa.checked_mul(10i128.checked_pow(shift as u32)?)?
        } else {
            let div = 10i128.checked_pow((-shift) as u32).unwrap_or(i128::MAX);
            let q = mantissa / div;
            if mantissa % div != 0 { q + 1 } else { q }
        };
        Some(Quantity { nanos: if negative { -nanos } else { nanos }, format })
    }

    /// Parse, treating anything unparseable as zero (what a typed client sees
    /// for a field it could not decode is an error; kubectl never gets there).
    pub fn parse_or_zero(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_default()
    }

    /// `Quantity.Add`: the sum keeps this quantity's format, unless this one
    /// is zero, in which case it takes the other's.
    pub fn add(&mut self, other: &Quantity) {
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos += other.nanos;
    }

    pub fn cmp(&self, other: &Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }

    /// `Value()`: whole units, rounded up.
    pub fn value(&self) -> i64 {
        div_ceil(self.nanos, NANO) as i64
    }

    /// `MilliValue()`: thousandths, rounded up.
    pub fn milli_value(&self) -> i64 {
        div_ceil(self.nanos, 1_000_000) as i64
    }

    /// `String()`: the canonical form.
    pub fn go_string(&self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySI && (self.nanos.abs() < 1024 * NANO || self.nanos % NANO != 0) {
            // Small or fractional binary quantities print in decimal rather
            // than lose precision.
            format = Format::DecimalSI;
        }
        if format == Format::BinarySI {
            let mut units = self.nanos / NANO;
            let mut exp = 0;
            while units.abs() >= 1024 && units % 1024 == 0 && exp < 6 {
                units /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
            return format!("{units}{suffix}");
        }
        let mut mantissa = self.nanos;
        let mut exp: i32 = -9;
        while mantissa.abs() >= 10 && mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        match exp.rem_euclid(3) {
            1 => {
                mantissa *= 10;
                exp -= 1;
            }
            2 => {
                mantissa *= 100;
                exp -= 2;
            }
            _ => {}
        }
        let suffix = match (format, exp) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, -9) => "n".into(),
            (_, -6) => "u".into(),
            (_, -3) => "m".into(),
            (_, 0) => String::new(),
            (_, 3) => "k".into(),
            (_, 6) => "M".into(),
            (_, 9) => "G".into(),
            (_, 12) => "T".into(),
            (_, 15) => "P".into(),
            (_, 18) => "E".into(),
            (_, e) => format!("e{e}"),
        };
        format!("{mantissa}{suffix}")
    }
}

/// Neither absent, malformed nor zero or negative.
pub fn is_positive(q: &str) -> bool {
    Quantity::parse(q).is_some_and(|q| q.nanos > 0)
}

/// `resource.ExtractContainerResourceValue` for cpu, memory and
/// ephemeral-storage limits/requests; "" for what kubectl cannot resolve.
pub fn container_resource_value(field: &serde_json::Value, container: &serde_json::Value) -> String {
    let resource = field["resource"].as_str().unwrap_or("");
    let Some((kind, name)) = resource.split_once('.') else {
        return String::new();
    };
    if !matches!(kind, "limits" | "requests") || !matches!(name, "cpu" | "memory" | "ephemeral-storage") {
        return String::new();
    }
    let amount = from_json(&container["resources"][kind][name]);
    let divisor = Quantity::parse(field["divisor"].as_str().unwrap_or("")).filter(|d| d.nanos > 0).unwrap_or(Quantity { nanos: NANO, format: Format::DecimalSI });
    // Go divides the two as float64 and rounds up.
    let value = if name == "cpu" {
        (amount.milli_value() as f64 / divisor.milli_value() as f64).ceil()
    } else {
        (amount.value() as f64 / divisor.value() as f64).ceil()
    };
    format!("{}", value as i64)
}

fn div_ceil(n: i128, d: i128) -> i128 {
    let q = n / d;
    if n % d != 0 && (n > 0) == (d > 0) { q + 1 } else { q }
}

/// A JSON quantity field (a string, or on rare occasions a number) as a
/// Quantity; absent or malformed is a zero `Quantity{}`.
pub fn from_json(v: &serde_json::Value) -> Quantity {
    match v {
        serde_json::Value::String(s) => Quantity::parse_or_zero(s),
        serde_json::Value::Number(n) => Quantity::parse_or_zero(&n.to_string()),
        _ => Quantity::zero(),
    }
}

/// Go's `int64(f)` for the float percentages kubectl prints: NaN and
/// out-of-range values become math.MinInt64, as on amd64.
pub fn go_int64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s).unwrap().go_string()
    }

    fn sum(items: &[&str]) -> String {
        let mut q = Quantity::zero();
        for i in items {
            q.add(&Quantity::parse(i).unwrap());
        }
        q.go_string()
    }

    #[test]
    fn canonical_strings() {
        for s in ["0", "1", "250m", "1Gi", "128Mi", "100Gi", "110", "4", "1500m", "1k", "5e3", "10Ki", "1n", "1u"] {
            assert_eq!(canon(s), s, "{s}");
        }
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("1000"), "1k");
        assert_eq!(canon("1500"), "1500");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("0.5Ki"), "512");
        assert_eq!(canon("100M"), "100M");
        assert_eq!(canon("0.1"), "100m");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("12e2"), "1200");
        assert_eq!(canon("1.5"), "1500m");
        assert_eq!(canon("-1"), "-1");
    }

    #[test]
    fn sums_keep_first_format() {
        assert_eq!(sum(&["250m", "250m"]), "500m");
        assert_eq!(sum(&["250m", "750m"]), "1");
        assert_eq!(sum(&["64Mi", "64Mi"]), "128Mi");
        assert_eq!(sum(&["1Gi", "512Mi"]), "1536Mi");
        assert_eq!(sum(&["1", "500m"]), "1500m");
        assert_eq!(sum(&["100M", "1Gi"]), "1173741824");
        assert_eq!(sum(&["1Gi", "100M"]), "1173741824");
        assert_eq!(sum(&[]), "0");
    }

    #[test]
    fn values() {
        let q = Quantity::parse("250m").unwrap();
        assert_eq!(q.milli_value(), 250);
        assert_eq!(q.value(), 1);
        assert_eq!(Quantity::parse("8Gi").unwrap().value(), 8 * 1024 * 1024 * 1024);
        assert_eq!(Quantity::parse("1n").unwrap().milli_value(), 1);
        assert!(Quantity::parse("abc").is_none());
        assert!(Quantity::parse("1Qi").is_none());
    }

    #[test]
    fn resource_values() {
        use serde_json::json;
        let c = json!({"resources": {"limits": {"cpu": "500m", "memory": "64Mi"}}});
        assert_eq!(container_resource_value(&json!({"resource": "limits.cpu"}), &c), "1");
        assert_eq!(container_resource_value(&json!({"resource": "limits.cpu", "divisor": "1m"}), &c), "500");
        assert_eq!(container_resource_value(&json!({"resource": "limits.memory", "divisor": "1Mi"}), &c), "64");
        assert_eq!(container_resource_value(&json!({"resource": "requests.cpu"}), &c), "0");
        assert!(!is_positive("0") && is_positive("1Gi") && !is_positive("x"));
    }
}

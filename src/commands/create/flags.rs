//! pflag's value parsing, with kubectl's wording: typed flags are taken as
//! strings by clap and converted here, so a bad value fails the way cobra
//! fails (`Error: invalid argument "x" for "--port" flag: ...`).

use crate::error::CliError;
use crate::printers::jsonpath::gofmt::quote;

/// A value that does not parse, worded by pflag and cobra.
pub fn invalid(path: &str, flag: &str, value: &str, reason: &str) -> CliError {
    CliError::Raw(format!(
        "Error: invalid argument {} for \"{flag}\" flag: {reason}\nSee 'kctl {path} --help' for usage.",
        quote(value)
    ))
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(path: &str, flag: &str, value: Option<&str>, default: bool) -> Result<bool, CliError> {
    match value {
        None => Ok(default),
        Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(true),
        Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(false),
        Some(v) => Err(invalid(path, flag, v, &format!("strconv.ParseBool: parsing {}: invalid syntax", quote(v)))),
    }
}

/// Go's `strconv.ParseInt(s, 0, bits)`: sign, `0x`/`0o`/`0b`/`0` prefixes, `_` separators.
pub fn parse_int(path: &str, flag: &str, value: &str, bits: u32) -> Result<i64, CliError> {
    let err = |why: &str| invalid(path, flag, value, &format!("strconv.ParseInt: parsing {}: {why}", quote(value)));
    let (neg, body) = match value.as_bytes().first() {
        Some(b'-') => (true, &value[1..]),
        Some(b'+') => (false, &value[1..]),
        _ => (false, value),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string(), true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.is_empty() || (!prefixed && digits.contains('_')) || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return Err(err("invalid syntax"));
    }
    let digits = digits.replace('_', "");
    let mag = match u128::from_str_radix(&digits, radix) {
        Ok(v) => v,
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => return Err(err("value out of range")),
        Err(_) => return Err(err("invalid syntax")),
    };
    let limit: u128 = 1u128 << (bits - 1);
    if (!neg && mag >= limit) || (neg && mag > limit) {
        return Err(err("value out of range"));
    }
    Ok(if neg { -(mag as i128) as i64 } else { mag as i64 })
}

/// pflag's `StringSlice`: every occurrence is read as one CSV record.
pub fn string_slice(path: &str, flag: &str, values: &[String]) -> Result<Vec<String>, CliError> {
    let mut out = Vec::new();
    for v in values {
        if v.is_empty() {
            continue;
        }
        out.extend(read_csv(v).map_err(|why| invalid(path, flag, v, &why))?);
    }
    Ok(out)
}

/// The first record of Go's `encoding/csv` reader over `s`.
fn read_csv(s: &str) -> Result<Vec<String>, String> {
    let line = s.split('\n').next().unwrap_or("").trim_end_matches('\r');
    let b = line.as_bytes();
    let mut fields = Vec::new();
    let mut i = 0;
    loop {
        if i < b.len() && b[i] == b'"' {
            let mut field = Vec::new();
            i += 1;
            loop {
                match b.get(i) {
                    None => return Err(format!("parse error on line 1, column {}: extraneous or missing \" in quoted-field", b.len() + 1)),
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => {
                        field.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        match b.get(i) {
                            None | Some(b',') => break,
                            Some(_) => return Err(format!("parse error on line 1, column {i}: extraneous or missing \" in quoted-field")),
                        }
                    }
                    Some(c) => {
                        field.push(*c);
                        i += 1;
                    }
                }
            }
            fields.push(String::from_utf8_lossy(&field).into_owned());
        } else {
            let end = b[i..].iter().position(|c| *c == b',').map(|p| p + i).unwrap_or(b.len());
            if let Some(q) = b[i..end].iter().position(|c| *c == b'"') {
                return Err(format!("parse error on line 1, column {}: bare \" in non-quoted-field", i + q + 1));
            }
            fields.push(line[i..end].to_string());
            i = end;
        }
        if i >= b.len() {
            break;
        }
        i += 1; // the comma
        if i == b.len() {
            fields.push(String::new());
            break;
        }
    }
    Ok(fields)
}

/// cliflag's `MapStringString` (`--aggregation-rule=a=b,c=d`).
pub fn string_map(path: &str, flag: &str, values: &[String]) -> Result<Vec<(String, String)>, CliError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in values {
        for pair in v.split(',') {
            if pair.is_empty() {
                continue;
            }
            let Some((k, val)) = pair.split_once('=') else {
                return Err(invalid(path, flag, v, "malformed pair, expect string=string"));
            };
            let (k, val) = (k.trim().to_string(), val.trim().to_string());
            match out.iter_mut().find(|(ok, _)| *ok == k) {
                Some(slot) => slot.1 = val,
                None => out.push((k, val)),
            }
        }
    }
    Ok(out)
}

/// Cobra's check of `MarkFlagRequired` flags, logged the way kubectl logs it.
pub fn require(missing: &[&str]) -> Result<(), CliError> {
    if missing.is_empty() {
        return Ok(());
    }
    let mut names: Vec<&str> = missing.to_vec();
    names.sort();
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let err = format!("required flag(s) {} not set", list.join(", "));
    crate::client::log::emit('E', "run.go:72", &format!("\"command failed\" err={}", crate::client::log::kv_value(&err)));
    Err(CliError::Exit(1))
}

/// A usage error: cobra's hint names the command's help.
pub fn usage(path: &str, msg: impl std::fmt::Display) -> CliError {
    CliError::msg(format!("{msg}\nSee 'kctl {path} -h' for help and examples"))
}

/// `NameFromCommandArgs`: exactly one argument before `--`.
pub fn name_from_args(path: &str, args: &[String]) -> Result<String, CliError> {
    if args.len() != 1 {
        return Err(usage(path, format!("exactly one NAME is required, got {}", args.len())));
    }
    Ok(args[0].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(s: &str) -> Result<Vec<String>, String> {
        read_csv(s)
    }

    #[test]
    fn csv_like_go() {
        assert_eq!(csv("a,b").unwrap(), ["a", "b"]);
        assert_eq!(csv(",").unwrap(), ["", ""]);
        assert_eq!(csv("x,\"a,b\",c").unwrap(), ["x", "a,b", "c"]);
        assert_eq!(csv("x,\"a\"\"b\"").unwrap(), ["x", "a\"b"]);
        assert!(csv("\"x").unwrap_err().contains("column 3: extraneous"));
        assert!(csv("\"a\"b").unwrap_err().contains("column 3: extraneous"));
        assert!(csv("a\"b").unwrap_err().contains("column 2: bare"));
    }

    #[test]
    fn ints_like_go() {
        assert_eq!(parse_int("p", "--port", "0x10", 32).unwrap(), 16);
        assert_eq!(parse_int("p", "--port", "010", 32).unwrap(), 8);
        assert_eq!(parse_int("p", "--port", "-1", 32).unwrap(), -1);
        assert!(parse_int("p", "--port", "99999999999", 32).unwrap_err().to_string().contains("value out of range"));
        assert!(parse_int("p", "--port", "abc", 32).unwrap_err().to_string().contains("invalid syntax"));
    }
}

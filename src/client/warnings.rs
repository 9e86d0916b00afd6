//! Server warnings (`Warning: 299 - "text"` response headers), printed to
//! stderr once per distinct text as kubectl's deduplicating warning writer
//! does, and counted for `--warnings-as-errors`.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use reqwest::header::HeaderMap;

static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Print the warnings a response carries.
pub fn report(headers: &HeaderMap) {
    for value in headers.get_all("warning") {
        let Ok(text) = value.to_str() else { continue };
        for message in parse(text) {
            let fresh = SEEN.lock().unwrap().get_or_insert_with(HashSet::new).insert(message.clone());
            if fresh {
                COUNT.fetch_add(1, Ordering::Relaxed);
                print(&message);
            }
        }
    }
}

/// How many distinct warnings were printed.
pub fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}

pub fn print(message: &str) {
    let mut err = std::io::stderr().lock();
    let colour = err.is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb");
    let _ = if colour { writeln!(err, "\x1b[33;1mWarning:\x1b[0m {message}") } else { writeln!(err, "Warning: {message}") };
}

/// The texts of the `299` warnings in one header value (RFC 7234
/// `code SP agent SP quoted-text [SP quoted-date]`, comma-separated); other
/// codes and malformed entries are skipped, as client-go skips them.
pub fn parse(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value.trim_start();
    while !rest.is_empty() {
        match one(rest) {
            Some((code, text, after)) => {
                if code == 299 && !text.is_empty() {
                    out.push(text);
                }
                rest = after.trim_start();
                match rest.strip_prefix(',') {
                    Some(r) => rest = r.trim_start(),
                    None => break,
                }
            }
            None => break,
        }
    }
    out
}

fn one(s: &str) -> Option<(u16, String, &str)> {
    let code: u16 = s.get(..3)?.parse().ok()?;
    let s = s[3..].strip_prefix(' ')?;
    let agent_end = s.find(' ')?;
    let s = s[agent_end + 1..].strip_prefix('"')?;
    let (text, mut after) = quoted(s)?;
    // An optional quoted date.
    let trimmed = after.trim_start();
    if let Some(d) = trimmed.strip_prefix('"') {
        after = quoted(d)?.1;
    }
    Some((code, text, after))
}

/// The text up to the closing quote (backslash escapes undone) and what follows it.
fn quoted(s: &str) -> Option<(String, &str)> {
    let mut text = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?.1),
            '"' => return Some((text, &s[i + 1..])),
            c => text.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn warning_headers() {
        assert_eq!(parse(r#"299 - "extensions/v1beta1 Ingress is deprecated in v1.14+""#), ["extensions/v1beta1 Ingress is deprecated in v1.14+"]);
        assert_eq!(parse(r#"299 - "a \"quoted\" word", 299 - "second" "Wed, 21 Oct 2015 07:28:00 GMT""#), ["a \"quoted\" word", "second"]);
        assert!(parse(r#"199 - "miscellaneous""#).is_empty());
        assert!(parse("garbage").is_empty());
        assert!(parse(r#"299 - "unterminated"#).is_empty());
    }
}

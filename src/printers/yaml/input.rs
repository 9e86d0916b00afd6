//! What happens to strings on kubectl's way to YAML before go-yaml emits
//! them: kubectl marshals the object to compact JSON, and sigs.k8s.io/yaml
//! parses that JSON *as YAML* before re-encoding it. Go's JSON encoder
//! leaves a few characters raw that the YAML reader treats specially:
//!
//! - U+0085 (NEL) is a YAML 1.1 line break, so inside the double-quoted
//!   scalar it is folded like a newline (usually into a space);
//! - DEL, C1 controls other than NEL, U+FFFE and U+FFFF are rejected.

use std::borrow::Cow;

use super::YamlError;

const NEL: char = '\u{85}';

/// The YAML reader refuses these when they appear raw in its input.
pub fn check_chars(s: &str) -> Result<(), YamlError> {
    let bad =
        |c: char| matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}');
    if s.chars().any(bad) {
        return Err(YamlError::new("yaml: control characters are not allowed"));
    }
    Ok(())
}

/// A mapping key must be a YAML "simple key": on one line, and its JSON
/// literal (quotes and escapes included) at most 1024 characters long.
/// Otherwise the parser loses track of the key and stumbles on the ':'.
/// `lines` must already include the key's own line breaks.
pub fn check_simple_key(key: &str, lines: usize) -> Result<(), YamlError> {
    if !key.contains(NEL) && go_json_literal_len(key) <= 1024 {
        return Ok(());
    }
    let at = if lines > 0 {
        format!("line {lines}: ")
    } else {
        String::new()
    };
    Err(YamlError::new(format!(
        "yaml: {at}did not find expected ',' or '}}'"
    )))
}

/// Length in characters of Go's JSON encoding of `s`, quotes included.
fn go_json_literal_len(s: &str) -> usize {
    let escaped = |c: char| match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        '\0'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
        _ => 1,
    };
    2 + s.chars().map(escaped).sum::<usize>()
}

/// Replays the YAML scanner's double-quoted scalar folding over the raw
/// NELs of `s`. `lines` counts line breaks seen so far in the whole JSON
/// document, which the scanner reports in its one error here.
pub fn fold_line_breaks<'a>(s: &'a str, lines: &mut usize) -> Result<Cow<'a, str>, YamlError> {
    if !s.contains(NEL) {
        return Ok(Cow::Borrowed(s));
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    loop {
        while i < chars.len() && !matches!(chars[i], ' ' | NEL) {
            out.push(chars[i]);
            i += 1;
        }
        if i == chars.len() {
            return Ok(Cow::Owned(out));
        }
        let mut spaces = 0;
        let mut breaks = 0;
        while i < chars.len() && matches!(chars[i], ' ' | NEL) {
            if chars[i] == NEL {
                breaks += 1;
                *lines += 1;
            } else if breaks == 0 {
                spaces += 1;
            }
            i += 1;
        }
        join_blanks(&mut out, spaces, breaks);
        if chars[i - 1] == NEL && starts_document_marker(&chars[i..]) {
            return Err(YamlError::new(format!(
                "yaml: line {}: found unexpected document indicator",
                *lines + 1
            )));
        }
    }
}

/// Spaces before a break are dropped; a single break becomes a space and
/// each further break a newline.
fn join_blanks(out: &mut String, spaces: usize, breaks: usize) {
    match breaks {
        0 => out.extend(std::iter::repeat_n(' ', spaces)),
        1 => out.push(' '),
        n => out.extend(std::iter::repeat_n('\n', n - 1)),
    }
}

/// "---" or "..." at the start of a line, followed by a blank or break.
fn starts_document_marker(rest: &[char]) -> bool {
    let marker = rest.len() >= 4 && (rest[..3] == ['-'; 3] || rest[..3] == ['.'; 3]);
    marker && matches!(rest[3], ' ' | NEL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(s: &str) -> String {
        fold_line_breaks(s, &mut 0).unwrap().into_owned()
    }

    #[test]
    fn nel_folds_like_a_line_break() {
        assert_eq!(fold("a\u{85}b"), "a b");
        assert_eq!(fold("a\u{85}"), "a ");
        assert_eq!(fold("x\u{85}y\u{85}\u{85}z"), "x y\nz");
        assert_eq!(fold("p \u{85}  q"), "p q");
        assert_eq!(fold("a  b"), "a  b");
    }

    #[test]
    fn document_marker_after_nel_is_an_error() {
        let mut lines = 4;
        let err = fold_line_breaks("x\u{85}--- y", &mut lines).unwrap_err();
        assert_eq!(
            err.to_string(),
            "yaml: line 6: found unexpected document indicator"
        );
        assert_eq!(fold("x\u{85}--y"), "x --y");
    }

    #[test]
    fn keys_must_stay_simple() {
        assert!(check_simple_key(&"k".repeat(1022), 0).is_ok());
        let err = check_simple_key(&"k".repeat(1023), 0).unwrap_err();
        assert_eq!(err.to_string(), "yaml: did not find expected ',' or '}'");
        assert!(check_simple_key(&"<".repeat(170), 0).is_ok());
        assert!(check_simple_key(&"<".repeat(171), 0).is_err());
        let err = check_simple_key("a\u{85}b", 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "yaml: line 1: did not find expected ',' or '}'"
        );
    }

    #[test]
    fn rejects_raw_controls() {
        assert!(check_chars("a\u{7f}").is_err());
        assert!(check_chars("a\u{85}\u{a0}").is_ok());
    }
}

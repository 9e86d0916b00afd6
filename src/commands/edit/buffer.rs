//! The text handed to the editor and what is read back: kubectl's header and
//! error comments, its comment stripping and emptiness test, CRLF line
//! endings, and the client-side validation it runs on the edited text.

use serde_json::Value;

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// Why the file is reopened: a head line and its causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub head: String,
    pub other: Vec<String>,
}

/// kubectl's header followed by one comment block per reason.
pub fn header(reasons: &[Reason]) -> String {
    let mut out = HEADER.to_string();
    for r in reasons {
        let colon = if r.other.is_empty() { "" } else { ":" };
        out.push_str(&format!("# {}{colon}\n", hash_on_line_break(&r.head)));
        for o in &r.other {
            out.push_str(&format!("# * {}\n", hash_on_line_break(o)));
        }
        out.push_str("#\n");
    }
    out
}

/// Continue a multi-line message as comments: `# ` after each line break
/// that is not followed by a `#` (nor ends the text).
pub fn hash_on_line_break(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, ch) in s.char_indices() {
        if ch == '\n' && i + 1 < bytes.len() && bytes[i + 1] != b'#' {
            out.push_str("\n# ");
        } else {
            out.push(ch);
        }
    }
    out
}

/// `\n` → `\r\n` (`--windows-line-endings`).
pub fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

/// kubectl's `ManualStrip`: drop lines whose first non-blank character is `#`.
pub fn manual_strip(file: &[u8]) -> Vec<u8> {
    let lines: Vec<&[u8]> = file.split(|&b| b == b'\n').collect();
    let mut out = Vec::with_capacity(file.len());
    for (i, line) in lines.iter().enumerate() {
        if line.trim_ascii().starts_with(b"#") {
            continue;
        }
        out.extend_from_slice(line);
        if i < lines.len() - 1 {
            out.push(b'\n');
        }
    }
    out
}

/// kubectl's `StripComments`: the YAML as compact JSON when it parses (so
/// comments and formatting do not count), the manually stripped text otherwise.
pub fn strip_comments(file: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(file).ok().and_then(|t| crate::yaml::yaml_to_json(t).ok()) {
        Some(json) => json.into_bytes(),
        None => manual_strip(file),
    }
}

/// Whether any line holds something other than blanks and comments.
pub fn has_lines(file: &[u8]) -> bool {
    file.split(|&b| b == b'\n').any(|l| {
        let t = String::from_utf8_lossy(l);
        let t = t.trim();
        !t.is_empty() && !t.starts_with('#')
    })
}

/// The first checks of kubectl's client-side validation of the
/// comment-stripped text: the YAML must parse to an object with string
/// `apiVersion` and `kind`. Returns the object as Go's `json.Unmarshal` has it.
pub fn parse_for_validation(stripped: &[u8]) -> Result<Value, String> {
    let text = String::from_utf8_lossy(stripped);
    let obj = crate::yaml::to_json(&text)?;
    let errs = crate::manifest::type_field_errors(&obj);
    if errs.is_empty() {
        Ok(obj)
    } else {
        Err(crate::manifest::aggregate(&errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_reasons_as_comments() {
        let h = header(&[
            Reason { head: "configmaps \"cfg\" was not valid".into(), other: vec!["data: Invalid value".into()] },
            Reason { head: "The edited file had a syntax error: a\nensure CRDs are installed first".into(), other: vec![] },
        ]);
        assert!(h.starts_with(HEADER));
        assert_eq!(
            &h[HEADER.len()..],
            "# configmaps \"cfg\" was not valid:\n# * data: Invalid value\n#\n# The edited file had a syntax error: a\n# ensure CRDs are installed first\n#\n"
        );
    }

    #[test]
    fn line_breaks_continue_as_comments() {
        assert_eq!(hash_on_line_break("a\nb\n#c\n"), "a\n# b\n#c\n");
    }

    #[test]
    fn strips_comments_like_kubectl() {
        assert_eq!(manual_strip(b"# a\nb: 1\n  # c\nd: [\n"), b"b: 1\nd: [\n");
        // Parsable YAML compares as JSON: comments and layout are ignored.
        assert_eq!(strip_comments(b"# x\nb: 1\na: {c: 2}\n"), strip_comments(b"a:\n  c: 2\nb: 1 # y\n"));
        assert_eq!(strip_comments(b"# x\nb: [\n"), b"b: [\n");
    }

    #[test]
    fn empty_means_only_blanks_and_comments() {
        assert!(!has_lines(b"# a\n\n   \n  # b\n"));
        assert!(has_lines(b"# a\nx\n"));
    }

    #[test]
    fn validates_type_fields() {
        let v = |t: &[u8]| parse_for_validation(t);
        assert_eq!(v(b"").unwrap_err(), "invalid object to validate");
        assert_eq!(v(b"kind: X").unwrap_err(), "apiVersion not set");
        assert_eq!(v(b"{}").unwrap_err(), "[apiVersion not set, kind not set]");
        assert!(v(b"apiVersion: v1\nkind: ConfigMap\n").is_ok());
        assert!(v(b"a: [b\n").unwrap_err().starts_with("yaml: line "));
    }

    #[test]
    fn crlf_endings() {
        assert_eq!(crlf("a\nb\n"), "a\r\nb\r\n");
    }
}

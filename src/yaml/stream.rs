//! Splitting a YAML stream into documents the way k8s.io/apimachinery's
//! `YAMLReader` does (what `kubectl -f` uses): line based, not YAML aware.
//!
//! * Lines are read with `bufio.ReadLine`, so `\r\n` becomes `\n` and a last
//!   line without a newline gets one.
//! * A line starting with `---` is a separator when only spaces or a `#`
//!   comment follow; anything else there is `invalid Yaml document separator: …`
//!   and ends the stream, dropping the document being collected.
//! * A separator ends the current document. When nothing has been collected yet
//!   the separator line itself becomes the first line of the next document (so
//!   go-yaml's line numbers in that document count it).
//!
//! Each document is then parsed on its own, so error lines are relative to the
//! document's first line ([`Chunk::line`] in the stream).

/// One document's text as handed to the YAML parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub text: String,
    /// 1-based line of the stream where the chunk's first line is.
    pub line: usize,
}

/// A bad separator line: the stream stops there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeparatorError {
    /// 1-based line of the separator in the stream.
    pub line: usize,
    /// `invalid Yaml document separator: <rest of the line, trimmed>`
    pub message: String,
}

/// All documents of `text`, and the separator error that cut the stream short, if any.
pub fn split_documents(text: &str) -> (Vec<Chunk>, Option<SeparatorError>) {
    let mut chunks = Vec::new();
    let mut buf = String::new();
    let mut buf_line = 0;
    if text.is_empty() {
        return (chunks, None);
    }
    let terminated = text.ends_with('\n');
    let body = text.strip_suffix('\n').unwrap_or(text);
    let count = body.split('\n').count();
    for (idx, raw) in body.split('\n').enumerate() {
        // ReadLine drops "\r\n" but keeps a lone '\r' at the very end of the input.
        let had_newline = terminated || idx + 1 < count;
        let line = if had_newline { raw.strip_suffix('\r').unwrap_or(raw) } else { raw };
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let message = format!("invalid Yaml document separator: {trimmed}");
                return (chunks, Some(SeparatorError { line: idx + 1, message }));
            }
            if !buf.is_empty() {
                chunks.push(Chunk { text: std::mem::take(&mut buf), line: buf_line });
                continue;
            }
        }
        if buf.is_empty() {
            buf_line = idx + 1;
        }
        buf.push_str(line);
        buf.push('\n');
    }
    if !buf.is_empty() {
        chunks.push(Chunk { text: buf, line: buf_line });
    }
    (chunks, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(usize, String)> {
        split_documents(s).0.into_iter().map(|c| (c.line, c.text)).collect()
    }

    #[test]
    fn separators_and_lines() {
        assert_eq!(texts(""), vec![]);
        assert_eq!(texts("a: 1"), vec![(1, "a: 1\n".to_string())]);
        assert_eq!(texts("a: 1\n---\nb: 2\n"), vec![(1, "a: 1\n".into()), (3, "b: 2\n".into())]);
        // A separator with nothing collected before it stays in the next document.
        assert_eq!(texts("---\na: 1\n"), vec![(1, "---\na: 1\n".into())]);
        assert_eq!(
            texts("a: 1\n---\n---\nb: 2\n"),
            vec![(1, "a: 1\n".into()), (3, "---\nb: 2\n".into())]
        );
        assert_eq!(texts("a: 1\r\n--- # c\r\nb: 2"), vec![(1, "a: 1\n".into()), (3, "b: 2\n".into())]);
        // `---` must start the line.
        assert_eq!(texts("a: |\n  ---\n"), vec![(1, "a: |\n  ---\n".into())]);
    }

    #[test]
    fn bad_separator_stops_the_stream() {
        let (chunks, err) = split_documents("a: 1\n---\nb: 2\n--- foo\nc: 3\n");
        assert_eq!(chunks.len(), 1);
        let err = err.unwrap();
        assert_eq!(err.line, 4);
        assert_eq!(err.message, "invalid Yaml document separator: foo");
        let (_, err) = split_documents("----\n");
        assert_eq!(err.unwrap().message, "invalid Yaml document separator: -");
    }
}

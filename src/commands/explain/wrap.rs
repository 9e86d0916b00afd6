//! The two line wrappers explain output depends on, each reproduced with its
//! quirks since they decide every byte: the OpenAPI v2 printer's own
//! word-joining wrapper, and go-wordwrap (v1.0.1), which the v3 template's
//! `wrap` uses.

/// The v2 printer's `wrapString`: joins the lines of a paragraph, keeps lines
/// indented by four spaces, list items and lines after a `:` apart, and
/// preserves blank lines once something has been emitted. Lengths are bytes.
pub fn v2_lines(text: &str, width: usize) -> Vec<String> {
    let mut wrapped: Vec<String> = Vec::new();
    let mut line: Vec<&str> = Vec::new();
    let mut last_word = "";
    fn joined_len(words: &[&str]) -> usize {
        words.iter().map(|w| w.len()).sum::<usize>() + words.len().saturating_sub(1)
    }
    let flush = |line: &mut Vec<&str>, wrapped: &mut Vec<String>, last_word: &mut &str| {
        if !line.is_empty() {
            *last_word = "";
            wrapped.push(line.join(" "));
            line.clear();
        }
    };
    for src in text.split('\n') {
        if src.starts_with("    ") {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(src.to_string());
            continue;
        }
        if !wrapped.is_empty() && src.trim().is_empty() {
            flush(&mut line, &mut wrapped, &mut last_word);
            wrapped.push(String::new());
            continue;
        }
        if starts_new_line(last_word, src) {
            flush(&mut line, &mut wrapped, &mut last_word);
        }
        for word in src.split_whitespace() {
            last_word = word;
            line.push(word);
            if line.len() > 1 && joined_len(&line) > width {
                line.pop();
                // kubectl forgets the word after this flush: a wrapped
                // `word:` does not force the next line apart.
                flush(&mut line, &mut wrapped, &mut last_word);
                line.push(word);
            }
        }
    }
    flush(&mut line, &mut wrapped, &mut last_word);
    wrapped
}

fn starts_new_line(last_word: &str, src: &str) -> bool {
    if last_word.ends_with(':') || src.starts_with("    ") {
        return true;
    }
    let t = src.trim();
    t.is_empty() || is_bullet(t)
}

/// `^(\d+\.?|-|\*)\s`
fn is_bullet(s: &str) -> bool {
    let b = s.as_bytes();
    let rest = if b.first().is_some_and(|c| c.is_ascii_digit()) {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut r = &s[digits..];
        if let Some(x) = r.strip_prefix('.') {
            r = x;
        }
        r
    } else if let Some(r) = s.strip_prefix('-').or_else(|| s.strip_prefix('*')) {
        r
    } else {
        return false;
    };
    rest.chars().next().is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c'))
}

/// go-wordwrap's `WrapString`: breaks at whitespace (not at U+00A0), keeps
/// existing newlines, never splits a word; widths count runes.
pub fn wordwrap(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut current = 0usize;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            // Trailing blanks that would overflow the line are dropped.
            if !word.is_empty() || current + space_len <= lim {
                buf.push_str(&space);
            }
            buf.push_str(&word);
            word.clear();
            word_len = 0;
            space.clear();
            space_len = 0;
            buf.push(c);
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                space_len = 0;
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// The template's `indent`: the pad before the text and after every newline.
pub fn indent(amount: usize, s: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_joins_paragraph_lines_and_drops_the_first_blank_line() {
        let text = "First line.\n\nSecond paragraph words.\n\nThird.";
        assert_eq!(v2_lines(text, 80), vec!["First line.", "Second paragraph words.", "", "Third."]);
    }

    #[test]
    fn v2_wraps_at_width_and_keeps_code_and_lists() {
        assert_eq!(v2_lines("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(v2_lines("intro:\nnext line", 80), vec!["intro:", "next line"]);
        assert_eq!(v2_lines("x\n    code  kept\n- item\n2. two", 80), vec!["x", "    code  kept", "- item", "2. two"]);
        assert_eq!(v2_lines("averyveryverylongword", 5), vec!["averyveryverylongword"]);
    }

    #[test]
    fn wordwrap_like_go() {
        assert_eq!(wordwrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wordwrap("one\ntwo  three", 80), "one\ntwo  three");
        assert_eq!(wordwrap("a\u{a0}b c", 3), "a\u{a0}b\nc");
        assert_eq!(wordwrap("x\n\tindented", 80), "x\n\tindented");
        assert_eq!(wordwrap("end \n", 80), "end \n");
    }

    #[test]
    fn indent_pads_every_line() {
        assert_eq!(indent(2, "a\nb\n"), "  a\n  b\n  ");
    }
}

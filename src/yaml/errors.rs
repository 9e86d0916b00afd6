//! go-yaml v2's error wording for problems found by the scanner and parser.

use serde_saphyr::granit_parser::{ErrorKind, ScanError};

/// go-yaml v2's error text: `yaml: line N: problem`. libyaml reports scanner problems
/// with a 1-based line (none on the first line) and parser problems with a 0-based one.
pub(super) fn scan_error(e: &ScanError, text: &str) -> String {
    enum Line {
        Scanner(usize),
        Parser(usize),
        None,
    }
    let line1 = e.marker().line();
    // Where end-of-stream is, as a 0-based line.
    let eof0 = text.matches('\n').count();
    let idx = e.marker().index();
    let parser_line = Line::Parser(line1.saturating_sub(1));
    let separator = |open: Option<char>| match open {
        Some('{') => "did not find expected ',' or '}'",
        _ => "did not find expected ',' or ']'",
    };
    let (msg, line): (String, Line) = match e.kind() {
        ErrorKind::UnclosedFlowCollection { open } => {
            // libyaml wants a node right after an opening bracket, a comma or a colon,
            // and a separator or the closing bracket after anything else.
            let m = if wants_node(text) { "did not find expected node content" } else { separator(Some(*open)) };
            (m.into(), Line::Parser(eof0))
        }
        ErrorKind::InvalidColonPlacement | ErrorKind::ExpectedFlowSequenceSeparator | ErrorKind::ExpectedFlowMappingSeparator => {
            (separator(innermost_open(text, idx)).into(), parser_line)
        }
        ErrorKind::MismatchedFlowCollectionEnd { open, .. } => (separator(Some(*open)).into(), parser_line),
        // A stray `]`/`}`: where a node is due it is not one; after a node the
        // enclosing block structure wanted its next entry.
        ErrorKind::MisplacedFlowCollectionEnd => (after_node_message(text, idx, line1).into(), parser_line),
        ErrorKind::InvalidTrailingDoubleQuotedScalar | ErrorKind::InvalidTrailingSingleQuotedScalar => {
            if char_at(text, idx) == Some(':') {
                ("mapping values are not allowed in this context".into(), Line::Scanner(line1))
            } else {
                (after_node_message(text, idx, line1).into(), parser_line)
            }
        }
        ErrorKind::UnexpectedEofBlockSequence | ErrorKind::UnexpectedEofBlockMapping | ErrorKind::UnexpectedEof
            if char_at(text, idx) == Some(',') =>
        {
            ("did not find expected node content".into(), parser_line)
        }
        ErrorKind::MissingAnchorOrAliasName => {
            ("did not find expected alphabetic or numeric character".into(), Line::Scanner(line1))
        }
        ErrorKind::UnclosedVerbatimTag => ("did not find the expected '>'".into(), Line::Scanner(line1)),
        ErrorKind::UnknownQuotedScalarEscape => ("found unknown escape character".into(), Line::Scanner(line1)),
        ErrorKind::InvalidQuotedScalarHexEscape => ("did not find expected hexdecimal number".into(), Line::Scanner(line1)),
        ErrorKind::InvalidUnicodeEscape => ("found invalid Unicode character escape code".into(), Line::Scanner(line1)),
        ErrorKind::InvalidBlockScalarHeader => ("did not find expected comment or line break".into(), Line::Scanner(line1)),
        ErrorKind::ExpectedNodeContent => ("did not find expected node content".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedBlockMappingKey => ("did not find expected key".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedBlockSequenceEntry => ("did not find expected '-' indicator".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::ExpectedDocumentStart => ("did not find expected <document start>".into(), Line::Parser(line1.saturating_sub(1))),
        ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidMappingValueWhitespace | ErrorKind::InvalidSimpleKey => {
            ("mapping values are not allowed in this context".into(), Line::Scanner(line1))
        }
        ErrorKind::SimpleKeyExpected => {
            ("could not find expected ':'".into(), Line::Scanner(stale_key_line(text, line1, e.marker().col())))
        }
        ErrorKind::UnclosedQuotedScalar => ("found unexpected end of stream".into(), Line::Scanner(eof0 + 1)),
        ErrorKind::UnexpectedEof
        | ErrorKind::UnexpectedEofFlowSequence
        | ErrorKind::UnexpectedEofFlowMapping
        | ErrorKind::UnexpectedEofImplicitFlowMapping
        | ErrorKind::UnexpectedEofBlockSequence
        | ErrorKind::UnexpectedEofBlockMapping => ("found unexpected end of stream".into(), Line::Scanner(eof0 + 1)),
        ErrorKind::UnknownAnchor => {
            let idx = e.marker().index();
            let rest: String = text.chars().skip(idx).collect();
            let name: String = rest
                .trim_start_matches('*')
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            (format!("unknown anchor '{name}' referenced"), Line::None)
        }
        ErrorKind::BlockSequenceEntryNotAllowed | ErrorKind::BlockEntryInFlowCollection => {
            ("block sequence entries are not allowed in this context".into(), Line::Scanner(line1))
        }
        ErrorKind::TabNotAllowed | ErrorKind::TabInBlockIndentation | ErrorKind::TabInIndentation => {
            ("found character that cannot start any token".into(), Line::Scanner(line1))
        }
        _ => ("found character that cannot start any token".into(), Line::Scanner(line1)),
    };
    let line = match line {
        Line::Scanner(l) if l > 1 => l,
        Line::Parser(l) => l,
        _ => 0,
    };
    if line == 0 {
        format!("yaml: {msg}")
    } else {
        format!("yaml: line {line}: {msg}")
    }
}

/// libyaml rejects a tab where a block line's indentation or first token would be.
pub(super) fn tab_error(text: &str) -> Option<String> {
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.starts_with('\t') && !body.trim().is_empty() && !body.trim_start().starts_with('#') {
            let n = i + 1;
            return Some(if n > 1 {
                format!("yaml: line {n}: found character that cannot start any token")
            } else {
                "yaml: found character that cannot start any token".to_string()
            });
        }
        // Only check before the first block scalar to avoid literal content.
        if line.trim_end().ends_with('|') || line.trim_end().ends_with('>') {
            break;
        }
    }
    None
}


/// Whether the text, ignoring trailing spaces and comments, ends where a flow
/// collection expects its next node.
fn wants_node(text: &str) -> bool {
    let mut last = None;
    for line in text.lines() {
        let mut in_single = false;
        let mut in_double = false;
        let mut prev_space = true;
        for c in line.chars() {
            match c {
                '#' if prev_space && !in_single && !in_double => break,
                '\'' if !in_double => in_single = !in_single,
                '"' if !in_single => in_double = !in_double,
                _ => {}
            }
            prev_space = c == ' ' || c == '\t';
            if !c.is_whitespace() {
                last = Some(c);
            }
        }
    }
    matches!(last, Some('[') | Some('{') | Some(',') | Some(':'))
}

fn char_at(text: &str, idx: usize) -> Option<char> {
    text.chars().nth(idx)
}

/// The innermost flow collection open at char `idx` (quotes and comments skipped).
fn innermost_open(text: &str, idx: usize) -> Option<char> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for c in text.chars().take(idx) {
        match (quote, c) {
            _ if comment => comment = c != '\n',
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') => stack.push(c),
            (None, ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
        prev = c;
    }
    stack.pop()
}

/// libyaml's complaint about a token that cannot continue the structure: where
/// a node is due (after an indicator, or at the start) it is not one; otherwise
/// the enclosing block sequence wanted `-`, a block mapping its next key, and
/// after a complete top-level node a new document was due.
fn after_node_message(text: &str, idx: usize, line1: usize) -> &'static str {
    let chars: Vec<char> = text.chars().collect();
    let idx = idx.min(chars.len());
    // The previous significant character, comments skipped.
    let lines: Vec<&str> = text.split('\n').collect();
    let line0 = line1.saturating_sub(1).min(lines.len().saturating_sub(1));
    let col = chars[..idx].iter().rev().take_while(|&&c| c != '\n').count();
    let strip = |l: &str| -> String {
        let mut out = String::new();
        let mut prev = ' ';
        for c in l.chars() {
            if c == '#' && prev.is_whitespace() {
                break;
            }
            out.push(c);
            prev = c;
        }
        out.trim_end().to_string()
    };
    let same_line: String = strip(&lines[line0].chars().take(col).collect::<String>());
    let mut ctx: Option<String> = (!same_line.trim().is_empty()).then(|| same_line.clone());
    let mut prev_char = same_line.chars().last();
    if ctx.is_none() {
        for l in lines[..line0].iter().rev() {
            let l = strip(l);
            if l.trim().is_empty() {
                continue;
            }
            prev_char = l.chars().last();
            let indent = l.len() - l.trim_start().len();
            if indent <= col {
                ctx = Some(l);
                break;
            }
            if ctx.is_none() && prev_char.is_some() {
                // Remember the nearest content even if more indented.
                ctx = Some(l.clone());
            }
        }
    }
    let indicator = |c: Option<char>| matches!(c, None | Some(':' | '-' | '[' | '{' | ',' | '?'));
    if indicator(prev_char) {
        return "did not find expected node content";
    }
    let ctx = ctx.unwrap_or_default();
    let lead = ctx.trim_start();
    let is_entry = |l: &str| l.starts_with("- ") || l == "-";
    if is_entry(lead) {
        // An indentless sequence (`key:` then `- x` at the key's column) ends at
        // a token in that column; the mapping around it wanted a key.
        let indent = ctx.len() - lead.len();
        if indent == col && same_line.trim().is_empty() {
            let owner = lines[..line0]
                .iter()
                .rev()
                .map(|l| strip(l))
                .filter(|l| !l.trim().is_empty())
                .find(|l| l.len() - l.trim_start().len() <= col && !is_entry(l.trim_start()));
            if owner.is_some_and(|o| o.len() - o.trim_start().len() == col && o.ends_with(':')) {
                return "did not find expected key";
            }
        }
        "did not find expected '-' indicator"
    } else if lead.contains(": ") || lead.ends_with(':') {
        "did not find expected key"
    } else {
        "did not find expected <document start>"
    }
}

/// Whether libyaml's scanner (which reads one token past the root node) rather
/// than its parser would report this problem.
pub(super) fn is_scanner_error(e: &ScanError, text: &str) -> bool {
    match e.kind() {
        ErrorKind::MisplacedFlowCollectionEnd
        | ErrorKind::MismatchedFlowCollectionEnd { .. }
        | ErrorKind::ExpectedDocumentStart
        | ErrorKind::ExpectedBlockMappingKey
        | ErrorKind::ExpectedBlockSequenceEntry
        | ErrorKind::ExpectedNodeContent
        | ErrorKind::ExpectedFlowMappingSeparator
        | ErrorKind::ExpectedFlowSequenceSeparator => false,
        ErrorKind::InvalidTrailingDoubleQuotedScalar | ErrorKind::InvalidTrailingSingleQuotedScalar => {
            char_at(text, e.marker().index()) == Some(':')
        }
        _ => true,
    }
}

/// Where a flow collection or quoted scalar that is the whole root ends (char
/// index just past it), when the document's root is one.
pub(super) fn flow_root_end(text: &str) -> Option<usize> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    // Skip blank and comment lines and an explicit document start.
    loop {
        let line_end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
        let line: String = chars[i..line_end].iter().collect();
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---" {
            if line_end >= chars.len() {
                return None;
            }
            i = line_end + 1;
            continue;
        }
        i += line.len() - line.trim_start().len();
        if let Some(rest) = t.strip_prefix("--- ") {
            i += t.len() - rest.trim_start().len();
        }
        break;
    }
    let open = *chars.get(i)?;
    match open {
        '[' | '{' => {
            let mut depth = 0;
            let mut quote: Option<char> = None;
            let mut j = i;
            while j < chars.len() {
                let c = chars[j];
                match quote {
                    Some('"') if c == '\\' => j += 1,
                    Some('\'') if c == '\'' && chars.get(j + 1) == Some(&'\'') => j += 1,
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        '"' | '\'' => quote = Some(c),
                        '[' | '{' => depth += 1,
                        ']' | '}' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(j + 1);
                            }
                        }
                        _ => {}
                    },
                }
                j += 1;
            }
            None
        }
        '"' | '\'' => {
            let mut j = i + 1;
            while j < chars.len() {
                let c = chars[j];
                if open == '"' && c == '\\' {
                    j += 2;
                    continue;
                }
                if c == open {
                    if open == '\'' && chars.get(j + 1) == Some(&'\'') {
                        j += 2;
                        continue;
                    }
                    // A quoted key (`"x": y`) is not the whole root.
                    let rest: String = chars[j + 1..].iter().take_while(|&&c| c != '\n').collect();
                    return (!rest.trim_start().starts_with(':')).then_some(j + 1);
                }
                j += 1;
            }
            None
        }
        _ => None,
    }
}

/// libyaml notices a key without `:` once its plain scalar has swallowed the
/// blank and continuation lines after it: the line where scanning stopped.
fn stale_key_line(text: &str, key_line: usize, key_col: usize) -> usize {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut n = key_line; // 0-based index of the line after the key
    while n < lines.len() {
        let l = lines[n].trim_end_matches('\r');
        let body = l.trim_start();
        let indent = l.len() - body.len();
        let continuation = indent > key_col && !body.starts_with('#');
        if !body.is_empty() && !continuation {
            break;
        }
        n += 1;
    }
    if n >= lines.len() {
        // End of stream: the line after the last newline.
        return text.matches('\n').count() + 1;
    }
    n + 1
}

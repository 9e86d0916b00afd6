//! `-o custom-columns=HEADER:PATH,...` and `-o custom-columns-file=FILE`,
//! byte for byte as kubectl's `CustomColumnsPrinter` prints them.
//!
//! Each path goes through `RelaxedJSONPathExpression` and is evaluated with
//! missing keys allowed. A cell holds every result of the path, each printed
//! with Go's `%v` (`map[a:b]`, `[1 2]`, `<nil>` for null) with ESC and CR
//! escaped (`^[`, `\r`), joined with `,`; `<none>` when there is no result.
//! Rows are tab-separated and aligned by kubectl's tabwriter (a tab inside
//! a value therefore starts a new cell, as in kubectl).
//!
//! kubectl prints the header once per document: [`render`] takes the items
//! of a `List` (or the single object) in order. For `custom-columns-file`
//! kubectl ignores `--no-headers`; callers pass `false` then.

use std::fmt;

use serde_json::Value;

use crate::printers::jsonpath::{relaxed, JsonPath};
use crate::printers::tabwriter;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    /// The relaxed JSONPath template, e.g. `{.metadata.name}`.
    pub field_spec: String,
}

/// A custom-columns failure. `Display` is kubectl's message (printed after
/// `error: `); [`Error::partial_output`] is what kubectl had already written
/// to stdout when the failure came while printing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    message: String,
    partial: String,
}

impl Error {
    fn new(message: impl Into<String>) -> Error {
        Error {
            message: message.into(),
            partial: String::new(),
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Lines kubectl flushed to stdout before failing (header and earlier rows).
    pub fn partial_output(&self) -> &str {
        &self.partial
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// `NewCustomColumnsPrinterFromSpec`: the `-o custom-columns=` value.
pub fn parse_spec(spec: &str) -> Result<Vec<Column>, Error> {
    if spec.is_empty() {
        return Err(Error::new(
            "custom-columns format specified but no custom columns given",
        ));
    }
    spec.split(',')
        .map(|part| {
            let Some((header, path)) = part.split_once(':') else {
                return Err(Error::new(format!(
                    "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                )));
            };
            let field_spec = relaxed(path).map_err(Error::new)?;
            Ok(Column {
                header: header.to_string(),
                field_spec,
            })
        })
        .collect()
}

/// `NewCustomColumnsPrinterFromTemplate`: the contents of a
/// `custom-columns-file` (a line of headers, a line of paths, both split
/// on whitespace; further lines are ignored).
pub fn parse_file(text: &str) -> Result<Vec<Column>, Error> {
    const FORMAT: &str = "Expected format is one line of space separated headers, one line of space separated column specs.";
    let mut lines = scan_lines(text);
    let headers = lines
        .next()
        .ok_or_else(|| Error::new(format!("invalid template, missing header line. {FORMAT}")))?;
    let specs = lines
        .next()
        .ok_or_else(|| Error::new(format!("invalid template, missing spec line. {FORMAT}")))?;
    let headers: Vec<&str> = split_words(headers);
    let specs: Vec<&str> = split_words(specs);
    if headers.len() != specs.len() {
        return Err(Error::new(format!(
            "number of headers ({}) and field specifications ({}) don't match",
            headers.len(),
            specs.len()
        )));
    }
    headers
        .into_iter()
        .zip(specs)
        .map(|(header, spec)| {
            let field_spec = relaxed(spec).map_err(Error::new)?;
            Ok(Column {
                header: header.to_string(),
                field_spec,
            })
        })
        .collect()
}

/// `bufio.ScanLines`: lines without their `\n` (and one trailing `\r`); a
/// final empty line is not a line.
fn scan_lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut lines: Vec<&str> = if text.is_empty() {
        Vec::new()
    } else {
        body.split('\n').collect()
    };
    for line in lines.iter_mut() {
        *line = line.strip_suffix('\r').unwrap_or(line);
    }
    lines.into_iter()
}

/// `bufio.ScanWords` (Unicode white space, as Go's `isSpace`).
fn split_words(line: &str) -> Vec<&str> {
    line.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect()
}

/// `printers.EscapeTerminal`.
fn escape_terminal(s: &str) -> String {
    s.replace('\u{1b}', "^[").replace('\r', "\\r")
}

/// `PrintObj` for one document whose objects are `objects` (a List's items,
/// or the one object): the aligned table, or the error with what kubectl
/// printed before it.
pub fn render(columns: &[Column], objects: &[Value], no_headers: bool) -> Result<String, Error> {
    let mut text = String::new();
    if !no_headers {
        let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    let fail = |message: String, text: &str| Error {
        message,
        partial: tabwriter::format(text),
    };
    let mut parsers = Vec::with_capacity(columns.len());
    for column in columns {
        match JsonPath::parse(&column.field_spec) {
            Ok(p) => parsers.push(p),
            Err(e) => return Err(fail(e.message, &text)),
        }
    }
    for obj in objects {
        let mut cells = Vec::with_capacity(parsers.len());
        for parser in &parsers {
            let values = match parser.find(obj, true) {
                Ok(v) => v,
                Err(e) => return Err(fail(e.message, &text)),
            };
            let mut strings = Vec::new();
            if values.first().is_none_or(|v| v.is_empty()) {
                strings.push("<none>".to_string());
            }
            for value in values.iter().flatten() {
                strings.push(escape_terminal(&value.sprint()));
            }
            cells.push(strings.join(","));
        }
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    Ok(tabwriter::format(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spec_errors() {
        assert_eq!(
            parse_spec("").unwrap_err().to_string(),
            "custom-columns format specified but no custom columns given"
        );
        assert_eq!(
            parse_spec("A").unwrap_err().to_string(),
            "unexpected custom-columns spec: A, expected <header>:<json-path-expr>"
        );
        assert_eq!(
            parse_spec("A:{.a}{.b}").unwrap_err().to_string(),
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
        );
        let cols = parse_spec("N:metadata.name,B:").unwrap();
        assert_eq!(
            cols[0],
            Column {
                header: "N".into(),
                field_spec: "{.metadata.name}".into()
            }
        );
        assert_eq!(cols[1].field_spec, "");
    }

    #[test]
    fn file_errors() {
        assert!(parse_file("")
            .unwrap_err()
            .to_string()
            .starts_with("invalid template, missing header line."));
        assert!(parse_file("A B\n")
            .unwrap_err()
            .to_string()
            .starts_with("invalid template, missing spec line."));
        assert_eq!(
            parse_file("A B\n.a\n").unwrap_err().to_string(),
            "number of headers (2) and field specifications (1) don't match"
        );
        assert_eq!(parse_file("A\tB\r\n  .a   {.b}\nignored").unwrap().len(), 2);
    }

    #[test]
    fn renders() {
        let cols = parse_spec("A:.a,B:.b,C:.c[*].x").unwrap();
        let objs = [
            json!({"a": {"k": "v"}, "b": null, "c": [{"x": 1}, {"x": "two"}]}),
            json!({"a": "\u{1b}x\ry"}),
        ];
        assert_eq!(
            render(&cols, &objs, false).unwrap(),
            "A          B        C\nmap[k:v]   <nil>    1,two\n^[x\\ry     <none>   <none>\n"
        );
        let err = render(&parse_spec("A:.a,B:.b[").unwrap(), &objs, false).unwrap_err();
        assert_eq!(err.to_string(), "unterminated array");
        assert_eq!(err.partial_output(), "A     B\n");
    }

    #[test]
    fn fixtures_match_kubectl() {
        use crate::printers::jsonpath::tests::*;
        let dir = fixture_dir("custom-columns");
        let mut results = Vec::new();
        for (case, exp) in load_cases(&dir) {
            let got = match cluster_document(&dir, &case) {
                Err((stderr, rc)) => (String::new(), stderr, rc),
                Ok(doc) => {
                    let (format, spec) = split_output(&case);
                    let parsed = if format == "custom-columns" {
                        parse_spec(&spec)
                    } else {
                        parse_file(&spec)
                    };
                    // kubectl ignores --no-headers for custom-columns-file
                    let no_headers = format == "custom-columns"
                        && case.flags.iter().any(|f| f == "--no-headers");
                    let objects = match doc["items"].as_array() {
                        Some(items) if doc["kind"] == "List" => items.clone(),
                        _ => vec![doc],
                    };
                    match parsed.and_then(|cols| render(&cols, &objects, no_headers)) {
                        Ok(text) => (text, String::new(), 0),
                        Err(e) => (
                            e.partial_output().to_string(),
                            kubectl_error(e.message()),
                            1,
                        ),
                    }
                }
            };
            results.push((case.name, exp, got));
        }
        check_all(results);
    }
}

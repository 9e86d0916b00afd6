//! Which inputs `-f` names, resolved the way cli-runtime's `FilenameParam` does
//! before anything is read: `-` is standard input, `http://`/`https://` are URLs,
//! anything else is a path, a glob pattern (when no such path exists), or a
//! directory walked in name order (subdirectories only with `-R`; inside a
//! directory only `.json`, `.yaml` and `.yml` files count, symlinks are not
//! followed into directories).

use std::path::Path;

use super::{ErrorKind, Input, ManifestError};
use crate::kubeconfig::load::io_error;
use crate::yaml::go_quote;

/// Extensions a file found inside a directory must have (`resource.FileExtensions`).
pub const FILE_EXTENSIONS: [&str; 3] = [".json", ".yaml", ".yml"];

fn builder_error(message: String) -> ManifestError {
    ManifestError { kind: ErrorKind::Path, source: String::new(), line: None, message, causes: Vec::new() }
}

/// Expand `-f` values into inputs in order. Errors are all of the builder's
/// errors, in order (kubectl reports them all and reads nothing).
pub fn expand(filenames: &[String], recursive: bool) -> Result<Vec<Input>, Vec<ManifestError>> {
    let mut inputs = Vec::new();
    let mut errs = Vec::new();
    let mut stdin_used = false;
    for s in filenames {
        if s == "-" {
            if stdin_used {
                errs.push(builder_error("standard input cannot be used for multiple arguments".into()));
            }
            stdin_used = true;
            inputs.push(Input::Stdin);
        } else if s.starts_with("http://") || s.starts_with("https://") {
            match url::Url::parse(s) {
                Ok(_) => inputs.push(Input::Url(s.clone())),
                Err(e) => errs.push(builder_error(format!(
                    "the URL passed to filename {} is not valid: parse {}: {}",
                    go_quote(s),
                    go_quote(s),
                    url_error_text(e)
                ))),
            }
        } else {
            match expand_if_file_pattern(s) {
                Ok(matches) => {
                    for p in &matches {
                        match std::fs::metadata(p) {
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                                errs.push(builder_error(format!("the path {} does not exist", go_quote(p))));
                                continue;
                            }
                            Err(e) => {
                                let why = io_error("stat", Path::new(p), &e);
                                errs.push(builder_error(format!("the path {} cannot be accessed: {why}", go_quote(p))));
                                continue;
                            }
                            Ok(_) => {}
                        }
                        match walk(p, recursive) {
                            Ok(files) => inputs.extend(files.into_iter().map(Input::File)),
                            Err(e) => errs.push(builder_error(format!("error reading {}: {e}", go_quote(p)))),
                        }
                    }
                    if inputs.is_empty() && errs.is_empty() {
                        errs.push(builder_error(format!(
                            "error reading [{}]: recognized file extensions are [{}]",
                            matches.join(" "),
                            FILE_EXTENSIONS.join(" ")
                        )));
                    }
                }
                Err(e) => errs.push(builder_error(e)),
            }
        }
    }
    if errs.is_empty() {
        Ok(inputs)
    } else {
        Err(errs)
    }
}

/// Go's `url.Parse` reasons for the usual mistakes.
fn url_error_text(e: url::ParseError) -> String {
    match e {
        url::ParseError::InvalidIpv6Address => "missing ']' in host".into(),
        url::ParseError::InvalidPort => "invalid port after host".into(),
        other => other.to_string(),
    }
}

/// `expandIfFilePattern`: a path that does not exist may be a glob pattern.
fn expand_if_file_pattern(pattern: &str) -> Result<Vec<String>, String> {
    match std::fs::metadata(pattern) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match glob(pattern, 0) {
            Err(()) => Err(format!("pattern {} is not valid: syntax error in pattern", go_quote(pattern))),
            Ok(m) if m.is_empty() => Err(format!("the path {} does not exist", go_quote(pattern))),
            Ok(m) => Ok(m),
        },
        _ => Ok(vec![pattern.to_string()]),
    }
}

/// `ExpandPathsToFileVisitors`: `filepath.Walk` from `root` (which is `Lstat`ed,
/// so a symlink to a directory is read as a file).
fn walk(root: &str, recursive: bool) -> Result<Vec<String>, String> {
    let meta = std::fs::symlink_metadata(root).map_err(|e| io_error("lstat", Path::new(root), &e))?;
    let mut out = Vec::new();
    if meta.is_dir() {
        walk_dir(root, recursive, &mut out)?;
    } else {
        // A path named explicitly is read whatever its extension.
        out.push(root.to_string());
    }
    Ok(out)
}

fn walk_dir(dir: &str, recursive: bool, out: &mut Vec<String>) -> Result<(), String> {
    for name in read_dir_names(dir)? {
        let child = join(dir, &name);
        let meta = std::fs::symlink_metadata(&child).map_err(|e| io_error("lstat", Path::new(&child), &e))?;
        if meta.is_dir() {
            if recursive {
                walk_dir(&child, recursive, out)?;
            }
        } else if FILE_EXTENSIONS.contains(&ext(&child)) {
            out.push(child);
        }
    }
    Ok(())
}

fn read_dir_names(dir: &str) -> Result<Vec<String>, String> {
    let rd = std::fs::read_dir(dir).map_err(|e| io_error("open", Path::new(dir), &e))?;
    let mut names: Vec<String> = rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    Ok(names)
}

/// `filepath.Ext`.
fn ext(path: &str) -> &str {
    let b = path.as_bytes();
    for i in (0..b.len()).rev() {
        match b[i] {
            b'/' => break,
            b'.' => return &path[i..],
            _ => {}
        }
    }
    ""
}

/// `filepath.Join` of two parts (Go cleans the result).
pub(super) fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        return clean(b);
    }
    clean(&format!("{a}/{b}"))
}

/// Go's `path.Clean`.
pub(super) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '\\'])
}

/// `filepath.Glob`; `Err` is `ErrBadPattern`. File system errors are ignored.
fn glob(pattern: &str, depth: usize) -> Result<Vec<String>, ()> {
    if depth > 10000 {
        return Err(());
    }
    matches(pattern, "")?;
    if !has_meta(pattern) {
        return Ok(if std::fs::symlink_metadata(pattern).is_ok() { vec![pattern.to_string()] } else { Vec::new() });
    }
    let split = pattern.rfind('/').map_or(0, |i| i + 1);
    let (dir, file) = pattern.split_at(split);
    let dir = match dir {
        "" => ".".to_string(),
        "/" => "/".to_string(),
        d => d[..d.len() - 1].to_string(),
    };
    if !has_meta(&dir) {
        return glob_dir(&dir, file, Vec::new());
    }
    if dir == pattern {
        return Err(());
    }
    let mut out = Vec::new();
    for d in glob(&dir, depth + 1)? {
        out = glob_dir(&d, file, out)?;
    }
    Ok(out)
}

fn glob_dir(dir: &str, pattern: &str, mut out: Vec<String>) -> Result<Vec<String>, ()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        _ => return Ok(out),
    }
    let Ok(names) = read_dir_names(dir) else { return Ok(out) };
    for n in names {
        if matches(pattern, &n)? {
            out.push(join(dir, &n));
        }
    }
    Ok(out)
}

/// `filepath.Match` (Unix): `*`, `?`, `[...]` with `^` negation and ranges, `\` escapes.
pub(super) fn matches(pattern: &str, name: &str) -> Result<bool, ()> {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let r = match_chunk(chunk, name);
        if let Ok(Some(t)) = r {
            if t.is_empty() || !pattern.is_empty() {
                name = t;
                continue;
            }
        }
        r?;
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                if let Some(t) = match_chunk(chunk, &name[i + 1..])? {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while pattern.first() == Some(&b'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut inrange = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => inrange = true,
            b']' => inrange = false,
            b'*' if !inrange => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

fn decode_rune(s: &[u8]) -> (u32, usize) {
    let len = match s.first() {
        None => return (0xFFFD, 0),
        Some(&b) if b < 0x80 => 1,
        Some(&b) if b >= 0xF0 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(_) => 2,
    };
    match s.get(..len).and_then(|c| std::str::from_utf8(c).ok()).and_then(|c| c.chars().next()) {
        Some(c) => (c as u32, len),
        None => (0xFFFD, 1),
    }
}

/// `matchChunk`: `Ok(Some(rest))` on a match, `Ok(None)` on none, `Err` for a bad pattern.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, ()> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = 0;
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = c;
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&b'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let c = if c == b'\\' {
                    chunk = &chunk[1..];
                    *chunk.first().ok_or(())?
                } else {
                    c
                };
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

fn get_esc(mut chunk: &[u8]) -> Result<(u32, &[u8]), ()> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(());
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(());
        }
    }
    let (r, n) = decode_rune(chunk);
    let rest = &chunk[n.max(1)..];
    if (r == 0xFFFD && n == 1) || rest.is_empty() {
        return Err(());
    }
    Ok((r, rest))
}

/// How pflag reads one `-f` value: comma-separated, CSV quoting (`"a,b"` is one
/// name). `Err` is pflag's `invalid argument` reason.
pub fn split_filenames(value: &str) -> Result<Vec<String>, String> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let b: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    let mut field = String::new();
    let mut i = 0;
    let mut col = 1;
    loop {
        if b.get(i) == Some(&'"') {
            // Quoted field: `""` is a quote; the field ends at the closing quote.
            i += 1;
            col += 1;
            loop {
                match b.get(i) {
                    None => return Err(format!("parse error on line 1, column {}: extraneous or missing \" in quoted-field", col)),
                    Some('"') if b.get(i + 1) == Some(&'"') => {
                        field.push('"');
                        i += 2;
                        col += 2;
                    }
                    Some('"') => {
                        i += 1;
                        col += 1;
                        break;
                    }
                    Some(&c) => {
                        field.push(c);
                        i += 1;
                        col += c.len_utf8();
                    }
                }
            }
            match b.get(i) {
                None | Some(',') => {}
                Some(_) => return Err(format!("parse error on line 1, column {}: extraneous or missing \" in quoted-field", col)),
            }
        } else {
            while let Some(&c) = b.get(i) {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err(format!("parse error on line 1, column {col}: bare \" in non-quoted-field"));
                }
                field.push(c);
                i += 1;
                col += c.len_utf8();
            }
        }
        out.push(std::mem::take(&mut field));
        if b.get(i) == Some(&',') {
            i += 1;
            col += 1;
            continue;
        }
        break;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_clean_and_join() {
        assert_eq!(join("d/", "a.yaml"), "d/a.yaml");
        assert_eq!(join("./d//", "a.yaml"), "d/a.yaml");
        assert_eq!(join(".", "a.yaml"), "a.yaml");
        assert_eq!(join("/", "x"), "/x");
        assert_eq!(clean("a/../../b"), "../b");
        assert_eq!(ext("d.x/file"), "");
        assert_eq!(ext("d/.yaml"), ".yaml");
    }

    #[test]
    fn go_match() {
        assert_eq!(matches("*.yaml", "a.yaml"), Ok(true));
        assert_eq!(matches("*.yaml", "a.yml"), Ok(false));
        assert_eq!(matches("s*", "sub.yaml"), Ok(true));
        assert_eq!(matches("[a-c]?", "b1"), Ok(true));
        assert_eq!(matches("[^a-c]?", "b1"), Ok(false));
        assert_eq!(matches("\\*", "*"), Ok(true));
        assert_eq!(matches("[", ""), Err(()));
        assert_eq!(matches("a[", "b"), Err(()));
        assert_eq!(matches("*x", "a/x"), Ok(false));
    }

    #[test]
    fn pflag_csv() {
        assert_eq!(split_filenames("a.yaml,b.yaml").unwrap(), vec!["a.yaml", "b.yaml"]);
        assert_eq!(split_filenames("\"a,b.yaml\"").unwrap(), vec!["a,b.yaml"]);
        assert_eq!(split_filenames("").unwrap(), Vec::<String>::new());
        assert_eq!(split_filenames("a,").unwrap(), vec!["a", ""]);
        assert!(split_filenames("a\"b").unwrap_err().contains("bare \""));
    }
}

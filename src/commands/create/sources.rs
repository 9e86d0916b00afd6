//! `--from-literal`, `--from-file` and `--from-env-file` as kubectl reads
//! them, the key-name validation of config maps and secrets, and the
//! `--append-hash` suffix.

use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// `util.ParseLiteralSource`: `key=value`, splitting at the first `=`.
pub fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("invalid literal source {source}, expected key=value")),
    }
}

/// `util.ParseFileSource`: `path` (the key is its base name) or `key=path`.
pub fn parse_file_source(source: &str) -> Result<(String, String), String> {
    let n = source.matches('=').count();
    if n == 0 {
        return Ok((go_base(source), source.to_string()));
    }
    if n == 1 && source.starts_with('=') {
        return Err(format!("key name for file path {} missing", &source[1..]));
    }
    if n == 1 && source.ends_with('=') {
        return Err(format!("file path for key name {} missing", &source[..source.len() - 1]));
    }
    if n > 1 {
        return Err("key names or file paths cannot contain '='".to_string());
    }
    let (k, p) = source.split_once('=').unwrap();
    Ok((k.to_string(), p.to_string()))
}

/// Go's `path.Base`.
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Join(dir, name)` for a directory entry (cleaned).
pub fn go_join(dir: &str, name: &str) -> String {
    let joined = if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") };
    let rooted = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
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

/// The text Go's `*PathError` carries after the path (`no such file or directory`).
pub fn errno_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory".into(),
        std::io::ErrorKind::NotADirectory => "not a directory".into(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                None => s,
            }
        }
    }
}

/// What `os.Stat` found for a source path.
pub enum Stat {
    File,
    Dir,
}

/// `os.Stat`, failing with `error reading PATH: REASON`.
pub fn stat(path: &str) -> Result<Stat, String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Ok(Stat::Dir),
        Ok(_) => Ok(Stat::File),
        Err(e) => Err(format!("error reading {path}: {}", errno_text(&e))),
    }
}

/// `os.ReadFile`, failing with Go's `open PATH: REASON`.
pub fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("open {path}: {}", errno_text(&e)))
}

/// The regular files of a directory, by name (`os.ReadDir` order).
pub fn regular_files(dir: &str) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("error listing files in {dir}: open {dir}: {}", errno_text(&e)))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// Every `(key, path)` a list of `--from-file` sources names, directories
/// expanded. `on_entry` is called per file in order and may fail.
pub fn each_file_source(
    sources: &[String],
    mut on_entry: impl FnMut(&str, &str) -> Result<(), String>,
) -> Result<(), String> {
    for source in sources {
        let (key, path) = parse_file_source(source)?;
        match stat(&path)? {
            Stat::Dir => {
                if source.contains('=') {
                    return Err("cannot give a key name for a directory path".into());
                }
                for name in regular_files(&path)? {
                    on_entry(&name, &go_join(&path, &name))?;
                }
            }
            Stat::File => on_entry(&key, &path)?,
        }
    }
    Ok(())
}

/// `cmdutil.AddFromEnvFile` for each `--from-env-file` (`what` is "config"
/// or "secret", for the directory error).
pub fn each_env_source(
    sources: &[String],
    what: &str,
    mut add: impl FnMut(&str, &str) -> Result<(), String>,
) -> Result<(), String> {
    for path in sources {
        if let Stat::Dir = stat(path)? {
            return Err(format!("env {what} file cannot be a directory"));
        }
        let data = read(path)?;
        let mut lines: Vec<&[u8]> = data.split(|b| *b == b'\n').collect();
        if lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        for (n, raw) in lines.into_iter().enumerate() {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(mut line) = std::str::from_utf8(raw) else {
                let bytes: Vec<String> = raw.iter().map(|b| b.to_string()).collect();
                return Err(format!("env file {path} contains invalid utf8 bytes at line {}: [{}]", n + 1, bytes.join(" ")));
            };
            if n == 0 {
                line = line.strip_prefix('\u{feff}').unwrap_or(line);
            }
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = match line.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (line.to_string(), std::env::var(line).unwrap_or_default()),
            };
            let errs = env_var_name_errors(&key);
            if !errs.is_empty() {
                return Err(format!("{} is not a valid key name: {}", quote(&key), errs.join(";")));
            }
            add(&key, &value)?;
        }
    }
    Ok(())
}

pub fn quote(s: &str) -> String {
    crate::printers::jsonpath::gofmt::quote(s)
}

fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{fmt}')"));
    out
}

fn chdir_prefix_errors(v: &str) -> Vec<String> {
    match v {
        "." => vec!["must not be '.'".into()],
        ".." => vec!["must not be '..'".into()],
        _ if v.starts_with("..") => vec!["must not start with '..'".into()],
        _ => vec![],
    }
}

/// `validation.IsConfigMapKey`.
pub fn config_map_key_errors(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.') {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            "[-._a-zA-Z0-9]+",
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errs.extend(chdir_prefix_errors(v));
    errs
}

/// `validation.IsEnvVarName`.
pub fn env_var_name_errors(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let ok_char = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.';
    let valid = !v.is_empty() && !v.as_bytes()[0].is_ascii_digit() && v.bytes().all(ok_char);
    if !valid {
        errs.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            "[-._a-zA-Z][-._a-zA-Z0-9]*",
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errs.extend(chdir_prefix_errors(v));
    errs
}

/// kubectl's (and kustomize's) name suffix: the first ten hex digits of the
/// sha256, with some replaced so it never reads as a number or a word.
pub fn encode_hash(data: &str) -> String {
    let hex: String = Sha256::digest(data.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

fn b64(data: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(data))
}

/// `hash.ConfigMapHash`.
pub fn config_map_hash(name: &str, data: &[(String, String)], binary: &[(String, Vec<u8>)]) -> String {
    let mut m = Map::new();
    m.insert("kind".into(), json!("ConfigMap"));
    m.insert("name".into(), json!(name));
    m.insert("data".into(), Value::Object(data.iter().map(|(k, v)| (k.clone(), json!(v))).collect()));
    if !binary.is_empty() {
        m.insert("binaryData".into(), Value::Object(binary.iter().map(|(k, v)| (k.clone(), b64(v))).collect()));
    }
    encode_hash(&crate::printers::json::to_string_compact(&Value::Object(m)))
}

/// `hash.SecretHash`.
pub fn secret_hash(name: &str, secret_type: &str, data: &[(String, Vec<u8>)]) -> String {
    let doc = json!({
        "kind": "Secret",
        "type": secret_type,
        "name": name,
        "data": Value::Object(data.iter().map(|(k, v)| (k.clone(), b64(v))).collect()),
    });
    encode_hash(&crate::printers::json::to_string_compact(&doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_kubectl() {
        assert_eq!(config_map_hash("c", &[("a".into(), "b".into())], &[]), "m4h6ctkgb2");
        assert_eq!(config_map_hash("c", &[], &[]), "94b26g54cg");
        assert_eq!(config_map_hash("c", &[], &[("bin.dat".into(), vec![0xff, 0xfe, 0])]), "d5hbckh58k");
        assert_eq!(secret_hash("s", "t", &[("a".into(), b"b".to_vec())]), "thm7thtcbc");
        assert_eq!(secret_hash("c", "", &[]), "g89b49tb77");
    }

    #[test]
    fn sources() {
        assert_eq!(parse_file_source("dir/a.txt").unwrap(), ("a.txt".into(), "dir/a.txt".into()));
        assert_eq!(parse_file_source("k=a.txt").unwrap(), ("k".into(), "a.txt".into()));
        assert!(parse_file_source("=a").unwrap_err().contains("key name for file path a missing"));
        assert!(parse_literal("a").is_err());
        assert_eq!(parse_literal("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(go_join("./dir/", "x"), "dir/x");
        assert!(config_map_key_errors("..a").len() == 1);
        assert!(env_var_name_errors("1a").len() == 1);
    }
}

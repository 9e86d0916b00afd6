//! Reading manifests the way `kubectl -f` does (cli-runtime's resource builder
//! with `ContinueOnError` and list flattening), minus anything that needs the
//! server (REST mapping, OpenAPI schemas).
//!
//! # Inputs ([`expand`])
//! `-f` values in order: `-` is standard input (named `STDIN`; twice is an
//! error), `http://`/`https://` URLs are fetched when their turn comes, other
//! values are paths: a file is read whatever its extension; a directory yields
//! its `.json`/`.yaml`/`.yml` files in name order, subdirectories only with
//! `recursive`; a path that does not exist is tried as a glob pattern.
//! Problems found here (`the path "x" does not exist`, a bad URL or pattern,
//! nothing to read in a directory) are returned together and nothing is read.
//! A `-f` flag value holds several names separated by commas: see [`split_filenames`].
//!
//! # Documents ([`read_all`], [`parse_str`])
//! Content starting with `{` is a stream of JSON values; anything else is YAML
//! split at `---` lines (see [`crate::yaml`] for the YAML 1.1 details). Empty
//! documents, comment-only documents and `null` are skipped. A document whose
//! object has an `items` field is a list (`kind: List`, `ConfigMapList`, …): it
//! becomes one [`Document`] per item (items with neither `kind` nor `apiVersion`
//! get the list's `apiVersion` and its kind minus `List`, like kubectl; the
//! list itself is described by [`Document::list`]).
//!
//! # Errors
//! Each error is an [`Item::Error`] in the place kubectl meets it, with kubectl's
//! text (what it prints after `error: ` for a single error, or as one line of a
//! multi-error report). The caller keeps going, as kubectl does, and exits
//! non-zero at the end.
//! * [`ErrorKind::Parse`] — `error parsing bad.yaml: error converting YAML to
//!   JSON: yaml: line 4: did not find expected key` (the line counts from the
//!   start of the failing document, as kubectl's does; [`ManifestError::line`]
//!   is where that document starts in the file). Ends the source.
//! * [`ErrorKind::Validate`] (only with [`ReadOptions::validate`], kubectl's
//!   default `--validate=strict`/`warn`): `error validating "x.yaml": error
//!   validating data: [apiVersion not set, kind not set]; if you choose to
//!   ignore these errors, turn validation off with --validate=false`. Ends the
//!   source. The OpenAPI part of validation needs the server and is not done.
//! * [`ErrorKind::Decode`] — `unable to decode "x.yaml": Object 'Kind' is missing
//!   in '{"metadata":{"name":"a"}}'` (what kubectl prints with `--validate=false`).
//! * [`ErrorKind::ListItems`] — the items of one list that have no kind or
//!   version, aggregated like kubectl (`[a, b]`; [`ManifestError::causes`] has them
//!   one by one, which is how kubectl prints them when they are the only error).
//! * [`ErrorKind::List`] — a list containing a list fails as a whole.
//! * [`ErrorKind::Read`] / [`ErrorKind::Fetch`] — `open x: no such file or
//!   directory`; `unable to read URL "…", server reported 404 Not Found, status
//!   code=404`.

mod fetch;
mod json;
mod objects;
mod paths;
mod source;

#[cfg(test)]
mod kubectl_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::Read;

use serde_json::Value;

#[allow(unused_imports)] // API for commands that validate on their own
pub use objects::{aggregate, type_field_errors};
#[allow(unused_imports)]
pub use paths::{expand, split_filenames, FILE_EXTENSIONS};

/// One input named by `-f`, after expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(String),
    Url(String),
    /// `-k DIR`: the kustomization built there, as YAML.
    Kustomize { dir: String, built: String },
}

impl Input {
    /// The source name kubectl uses in messages: the path, `STDIN`, or the URL.
    pub fn name(&self) -> &str {
        match self {
            Input::Stdin => "STDIN",
            Input::File(p) | Input::Url(p) | Input::Kustomize { dir: p, .. } => p,
        }
    }
}

/// One object read from a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The source as kubectl names it: the file path, `STDIN`, or the URL.
    pub source: String,
    /// 0-based position of the document in its source (empty documents count).
    pub index: usize,
    /// 1-based line of the source where the document starts.
    pub line: usize,
    /// The object, as kubectl's unstructured decoder holds it (integers that fit
    /// int64 are integers, other numbers floats).
    pub object: Value,
    /// Set when the object is an item of a list document.
    pub list: Option<ListInfo>,
}

/// The list document an object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInfo {
    pub api_version: String,
    pub kind: String,
    /// The list's `metadata.resourceVersion`; kubectl gives it to every item it reads.
    pub resource_version: String,
    /// 0-based position in `items`.
    pub item: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Found while expanding `-f` (returned by [`expand`] / [`read_all`]'s `Err`).
    Path,
    /// A file could not be opened.
    Read,
    /// A URL could not be fetched.
    Fetch,
    /// Syntax error; the rest of the source is not read.
    Parse,
    /// Client-side validation failed; the rest of the source is not read.
    Validate,
    /// The document is not an object with a kind.
    Decode,
    /// The document is a list that cannot be flattened.
    List,
    /// Some items of a list have no kind or version; the others were returned.
    ListItems,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub kind: ErrorKind,
    /// The source as kubectl names it (empty for [`ErrorKind::Path`]).
    pub source: String,
    /// 1-based line where the failing document starts, when there is one.
    pub line: Option<usize>,
    /// kubectl's text for the error.
    pub message: String,
    /// For [`ErrorKind::ListItems`]: each item's error.
    pub causes: Vec<String>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ManifestError {}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Object(Document),
    Error(ManifestError),
}

#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `-f` values, already split at commas.
    pub filenames: Vec<String>,
    /// `-R`.
    pub recursive: bool,
    /// kubectl's client-side validation of `apiVersion`/`kind` (on unless `--validate=false`).
    pub validate: bool,
    /// Also check the items of a `v1` `List`, as kubectl does against a server
    /// without field validation (before 1.25 or so).
    pub validate_list_items: bool,
    /// `-k DIR`, instead of `filenames`.
    pub kustomize: Option<String>,
}

/// `kustomize build DIR` as YAML; its warnings go to stderr as kustomize
/// prints them.
fn build_kustomization(dir: &str) -> Result<String, String> {
    let mut warnings = Vec::new();
    let built = crate::kustomize::build(std::path::Path::new(dir), &mut warnings);
    for w in warnings {
        eprintln!("{w}");
    }
    built.map(|objects| crate::kustomize::render(&objects))
}

/// Read everything `-f` names, in order. `Err` holds the problems found before
/// reading (kubectl prints them all and does nothing else).
pub fn read_all(opts: &ReadOptions, stdin: &mut dyn Read) -> Result<Vec<Item>, Vec<ManifestError>> {
    let inputs = match &opts.kustomize {
        Some(dir) => {
            // A kustomization that does not build stops the command, as an
            // unreadable path does.
            let text = build_kustomization(dir).map_err(|message| vec![ManifestError { kind: ErrorKind::Read, source: dir.clone(), line: None, message, causes: Vec::new() }])?;
            vec![Input::Kustomize { dir: dir.clone(), built: text }]
        }
        None => expand(&opts.filenames, opts.recursive)?,
    };
    let checks = source::Checks { validate: opts.validate, validate_list_items: opts.validate_list_items };
    let mut items = Vec::new();
    for input in &inputs {
        items.extend(read_input(input, stdin, checks));
    }
    Ok(items)
}

fn read_input(input: &Input, stdin: &mut dyn Read, checks: source::Checks) -> Vec<Item> {
    let name = input.name();
    let fail = |kind, message| vec![Item::Error(ManifestError { kind, source: name.to_string(), line: None, message, causes: Vec::new() })];
    let text = match input {
        Input::Stdin => {
            let mut buf = Vec::new();
            if let Err(e) = stdin.read_to_end(&mut buf) {
                return fail(ErrorKind::Parse, format!("error parsing STDIN: read /dev/stdin: {e}"));
            }
            source::decode_text(&buf)
        }
        Input::File(path) => {
            let p = std::path::Path::new(path);
            let mut f = match std::fs::File::open(p) {
                Ok(f) => f,
                Err(e) => return fail(ErrorKind::Read, crate::kubeconfig::load::io_error("open", p, &e)),
            };
            let mut buf = Vec::new();
            if let Err(e) = f.read_to_end(&mut buf) {
                let why = crate::kubeconfig::load::io_error("read", p, &e);
                return fail(ErrorKind::Parse, format!("error parsing {path}: {why}"));
            }
            source::decode_text(&buf)
        }
        // A URL's body is not transcoded by kubectl.
        Input::Url(url) => match fetch::get(url) {
            Ok(body) => String::from_utf8_lossy(&body).into_owned(),
            Err(e) => return fail(ErrorKind::Fetch, e),
        },
        Input::Kustomize { built, .. } => built.clone(),
    };
    source::parse_text(name, &text, checks)
}

/// Parse one source's content (a file's text, stdin, a URL's body) without
/// client-side validation. `source` names it in messages.
#[allow(dead_code)] // API: content already in hand (tests, generated manifests)
pub fn parse_str(source: &str, text: &str) -> Vec<Item> {
    source::parse_text(source, text, source::Checks::default())
}

/// [`parse_str`] for raw bytes read from a file or stdin (BOMs and UTF-16 handled
/// like kubectl), with the validation choices of `opts`.
#[allow(dead_code)]
pub fn parse_bytes(source: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<Item> {
    let checks = source::Checks { validate: opts.validate, validate_list_items: opts.validate_list_items };
    source::parse_text(source, &source::decode_text(bytes), checks)
}

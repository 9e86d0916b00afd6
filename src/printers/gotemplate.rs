//! `-o go-template=…`, `-o go-template-file=…` and `-o template=…`:
//! kubectl's `GoTemplatePrinter` (cli-runtime) over a Rust port of Go's
//! `text/template` (Go 1.23, the version kubectl v1.32 is built with).
//!
//! The `gotmpl` crate was evaluated and not used: its parser accepts
//! templates Go rejects (`{{if .a}}x`, `{{end}}`, undefined functions) and
//! words every error differently, its executor carries no node positions for
//! kubectl's `template: output:1:2: executing "output" at <.x>: …` errors, and
//! it prints floats and type names (`int` for kubectl's `int64`) unlike Go.
//!
//! kubectl marshals the object to JSON and decodes it into
//! `map[string]interface{}` with apimachinery's decoder (a number that reads
//! as an int64 is int64 — including integral floats below 1e21, which
//! encoding/json writes without a point — every other number is float64),
//! registers `exists` and `base64decode`, sets `missingkey=default` or
//! `missingkey=error` from `--allow-missing-template-keys`, and executes the
//! template once on the whole document (a `kind: List` for multi-object
//! gets). Output is written as the template runs, so an execution error
//! leaves the partial output on stdout, followed by a debugging dump.
//!
//! Callers: on `Err(e)`, write `e.stdout()` to stdout, then `error: {e}` and
//! a newline to stderr, and exit 1 (parse errors have an empty `stdout()`).
//! Reading `go-template-file`s and rejecting an empty template belong to the
//! flag layer ([`crate::printers::format`]).
//!
//! Go 1.23 specifics kept: `{{else with}}`, `{{break}}`/`{{continue}}`, no
//! `range` over integers (that arrived in Go 1.24), no nesting limit for
//! parentheses; 100000 nested `{{template}}` calls, for which the parser and
//! executor run on a thread with a large stack.

mod exec;
mod funcs;
mod gofmt;
mod lex;
mod number;
mod parse;
mod strconv;
mod value;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use serde_json::Value as Json;

use value::Value;

/// The name kubectl gives the template (`template.New("output")`).
const NAME: &str = "output";

/// An error of kubectl's go-template printer.
///
/// `Display` is the text kubectl prints after `error: ` (no final newline).
/// [`GoTemplateError::stdout`] is what kubectl wrote to stdout before
/// failing: for an execution error, the partial output and the debugging
/// dump; empty for a parse error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoTemplateError {
    message: String,
    stdout: String,
}

impl GoTemplateError {
    /// Text kubectl writes to stdout before returning the error.
    pub fn stdout(&self) -> &str {
        &self.stdout
    }
}

impl fmt::Display for GoTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.strip_suffix('\n').unwrap_or(&self.message))
    }
}

impl std::error::Error for GoTemplateError {}

/// A parsed template, ready to print documents (kubectl's `GoTemplatePrinter`).
#[derive(Debug)]
pub struct GoTemplatePrinter {
    raw: String,
    trees: HashMap<String, parse::List>,
    allow_missing: bool,
}

impl GoTemplatePrinter {
    /// Parses the template text (of `-o go-template=`, or the contents of the
    /// `go-template-file`). Missing keys are allowed, kubectl's default.
    pub fn new(template: &str) -> Result<GoTemplatePrinter, GoTemplateError> {
        let trees = with_big_stack(|| parse::parse(NAME, template, funcs::NAMES)).map_err(|e| GoTemplateError {
            message: format!("error parsing template {template}, {}\n", e.0),
            stdout: String::new(),
        })?;
        Ok(GoTemplatePrinter { raw: template.to_string(), trees, allow_missing: true })
    }

    /// `--allow-missing-template-keys` (default true).
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing = allow;
        self
    }

    /// Renders one document (an object, or a `kind: List`).
    pub fn print(&self, doc: &Json) -> Result<String, GoTemplateError> {
        self.print_with_raw(doc, None)
    }

    /// Like [`print`](Self::print), with the exact JSON kubectl marshalled
    /// for the debugging dump (`raw data was:`): typed objects keep their
    /// struct field order there, which a `serde_json::Value` has lost.
    pub fn print_with_raw(&self, doc: &Json, raw_json: Option<&str>) -> Result<String, GoTemplateError> {
        let (out, failure) = self.execute(doc);
        let Some((err, object)) = failure else {
            return Ok(out);
        };
        let raw = match raw_json {
            Some(r) => r.to_string(),
            None => crate::printers::json::to_string_compact(doc),
        };
        let stdout = format!(
            "{out}Error executing template: {err}. Printing more information for debugging the template:\n\
             \ttemplate was:\n\t\t{}\n\traw data was:\n\t\t{raw}\n\tobject given to template engine was:\n\t\t{object}\n\n",
            self.raw,
        );
        Err(GoTemplateError {
            message: format!("error executing template {}: {err}", strconv::quote(&self.raw)),
            stdout,
        })
    }

    /// Runs the template on a thread with a stack deep enough for Go's
    /// 100000 nested `{{template}}` calls. Returns the output and, on
    /// failure, Go's error and `%+v` of the data.
    fn execute(&self, doc: &Json) -> (String, Option<(String, String)>) {
        let run = || {
            let data = Value::from_json(doc);
            let (out, err) = exec::execute(&self.raw, NAME, &self.trees, NAME, data.clone(), !self.allow_missing);
            (out, err.map(|e| (e, gofmt::plus_v(&data))))
        };
        with_big_stack(run)
    }
}

impl Drop for GoTemplatePrinter {
    /// Parse trees are freed recursively; deep ones need the big stack too.
    fn drop(&mut self) {
        let trees = std::mem::take(&mut self.trees);
        if !trees.is_empty() {
            with_big_stack(move || drop(trees));
        }
    }
}

/// Stack for the parser and executor threads (reserved, not committed,
/// until used): Go grows its stacks, and a template may nest 100000
/// `{{template}}` calls or thousands of parentheses.
const BIG_STACK: usize = 1 << 29;

/// Runs `f` on a thread with a [`BIG_STACK`] (on this one if none can be had).
fn with_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().unwrap_or_else(|e| e.into_inner()).take().expect("run once");
    std::thread::scope(|scope| match std::thread::Builder::new().stack_size(BIG_STACK).spawn_scoped(scope, || take()()) {
        Ok(handle) => handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        Err(_) => take()(),
    })
}

/// Render `template` against `doc` (a JSON object or a `kind: List`) exactly
/// as kubectl does.
pub fn print(template: &str, doc: &Json, allow_missing_keys: bool) -> Result<String, GoTemplateError> {
    GoTemplatePrinter::new(template)?.allow_missing_keys(allow_missing_keys).print(doc)
}

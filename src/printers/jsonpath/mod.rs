//! kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath), as used by
//! `-o jsonpath=`, `-o jsonpath-file=`, `-o jsonpath-as-json=`, and (through
//! [`relaxed`]) by custom-columns and `--sort-by`.
//!
//! # What the template runs against
//! kubectl hands the printer one document: for `kubectl get` with several
//! items (or a selector, or `-A`, ...) that is a `List` object
//! `{"apiVersion":"v1","items":[...],"kind":"List","metadata":{"resourceVersion":""}}`;
//! when a single object is implied (`kubectl get pod NAME`) it is the object
//! itself. Commands that print object by object (`create -f`, `annotate`,
//! ...) call [`JsonPathPrinter::print`] once per object on the same printer,
//! which matters: like Go, a template whose `{range}` ran keeps the shortened
//! node list for the next object (see [`JsonPath`]). kubectl drops
//! `metadata.managedFields` only for `-o json|yaml`: JSONPath (and
//! custom-columns) templates see them unless the server left them out.
//!
//! Numbers should be as kubectl decodes them: integers as `i64`, anything
//! else as `f64`. Objects that kubectl prints from typed Go structs (e.g.
//! `kubectl config view`) went through `json.Unmarshal` into `float64`; use
//! [`floats_only`] on such documents first.
//!
//! # Output
//! Each top-level node (literal text or `{action}`) yields a list of results;
//! results of one action are joined with a single space. Strings print raw,
//! maps and slices as compact Go JSON, numbers as Go's `%v` (`1e+21`,
//! `2.5`), a null reached through a map or slice as `null`. With
//! `-o jsonpath-as-json` every node prints its results as an indented JSON
//! array followed by a newline.
//!
//! Map keys are visited in sorted order by `*` and `..`; Go visits them in
//! random order, so kubectl's output for those differs from run to run.

mod eval;
pub mod gofmt;
mod parse;
#[cfg(test)]
pub(crate) mod tests;

use std::cell::RefCell;
use std::fmt;

use serde_json::Value;

pub use eval::Item;
use eval::{Eval, State};
use parse::Node;

/// An error of the JSONPath engine: the text is client-go's, without any
/// wrapping (`unterminated array`, `x is not found`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPathError {
    pub message: String,
    /// True for template syntax errors, false for errors while evaluating.
    pub parse: bool,
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonPathError {}

/// A parsed template.
///
/// Like Go's `*jsonpath.JSONPath` it carries range bookkeeping from one
/// evaluation to the next: after a `{range}...{end}` ran, later evaluations
/// with the same value start after the range's first node (Go re-slices
/// `parser.Root.Nodes` and never restores it). Parse again for a fresh one.
#[derive(Debug)]
pub struct JsonPath {
    nodes: Vec<Node>,
    state: RefCell<State>,
}

impl JsonPath {
    pub fn parse(template: &str) -> Result<JsonPath, JsonPathError> {
        let nodes = parse::parse(template).map_err(|message| JsonPathError {
            message,
            parse: true,
        })?;
        Ok(JsonPath {
            nodes,
            state: RefCell::new(State::default()),
        })
    }

    /// Go's `FindResults`: one list of results per top-level node evaluated
    /// (a range contributes the lists of its body, once per item).
    pub fn find<'a>(
        &self,
        value: &'a Value,
        allow_missing: bool,
    ) -> Result<Vec<Vec<Item<'a>>>, JsonPathError> {
        let mut state = self.state.borrow_mut();
        let mut eval = Eval {
            nodes: &self.nodes,
            allow_missing,
            state: &mut state,
        };
        eval.find_results(Item::Root(value))
            .map_err(|message| JsonPathError {
                message,
                parse: false,
            })
    }

    /// Go's `Execute` for `-o jsonpath`: the printed text.
    pub fn execute(&self, value: &Value, allow_missing: bool) -> Result<String, JsonPathError> {
        let results = self.find(value, allow_missing)?;
        Ok(results.iter().map(|r| print_results(r, false)).collect())
    }

    /// Go's `Execute` with `EnableJSONOutput(true)`, for `-o jsonpath-as-json`.
    pub fn execute_as_json(
        &self,
        value: &Value,
        allow_missing: bool,
    ) -> Result<String, JsonPathError> {
        let results = self.find(value, allow_missing)?;
        Ok(results.iter().map(|r| print_results(r, true)).collect())
    }
}

/// `PrintResults` for one node's results.
fn print_results(results: &[Item<'_>], json: bool) -> String {
    if json {
        let array = Value::Array(results.iter().map(Item::to_value).collect());
        return crate::printers::json::to_string(&array);
    }
    let texts: Vec<String> = results.iter().map(Item::text).collect();
    texts.join(" ")
}

/// An error of kubectl's JSONPath printer. `Display` is the text kubectl
/// prints after `error: `, without the final newline that `error: ...`
/// printing adds anyway; [`PrintError::go_message`] is Go's error string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintError {
    message: String,
}

impl PrintError {
    /// The error string exactly as kubectl's printer returns it (it ends in
    /// newlines; kubectl prints it after `error: ` and adds none).
    #[cfg(test)]
    pub fn go_message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PrintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.strip_suffix('\n').unwrap_or(&self.message))
    }
}

impl std::error::Error for PrintError {}

/// kubectl's `JSONPathPrinter` (cli-runtime) with its flags applied.
#[derive(Debug)]
pub struct JsonPathPrinter {
    raw: String,
    path: JsonPath,
    allow_missing: bool,
    json_output: bool,
}

impl JsonPathPrinter {
    /// Parses the template (the text of `-o jsonpath=`, or the contents of
    /// the `jsonpath-file`). Missing keys are allowed, as kubectl's default.
    pub fn new(template: &str) -> Result<JsonPathPrinter, PrintError> {
        let path = JsonPath::parse(template).map_err(|e| PrintError {
            message: format!("error parsing jsonpath {template}, {e}\n"),
        })?;
        Ok(JsonPathPrinter {
            raw: template.to_string(),
            path,
            allow_missing: true,
            json_output: false,
        })
    }

    /// `--allow-missing-template-keys` (default true).
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing = allow;
        self
    }

    /// `-o jsonpath-as-json`.
    pub fn json_output(mut self, on: bool) -> Self {
        self.json_output = on;
        self
    }

    /// `PrintObj`: the output for one document, or kubectl's long error.
    pub fn print(&self, obj: &Value) -> Result<String, PrintError> {
        let result = if self.json_output {
            self.path.execute_as_json(obj, self.allow_missing)
        } else {
            self.path.execute(obj, self.allow_missing)
        };
        result.map_err(|e| PrintError {
            message: format!(
                "error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\
                 \ttemplate was:\n\t\t{}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                gofmt::quote(&self.raw),
                self.raw,
                gofmt::sharp_v(obj),
            ),
        })
    }
}

/// `-o jsonpath=TEMPLATE` for one document.
pub fn print(template: &str, doc: &Value, allow_missing: bool) -> Result<String, PrintError> {
    JsonPathPrinter::new(template)?
        .allow_missing_keys(allow_missing)
        .print(doc)
}

/// `-o jsonpath-as-json=TEMPLATE` for one document.
pub fn print_as_json(
    template: &str,
    doc: &Value,
    allow_missing: bool,
) -> Result<String, PrintError> {
    JsonPathPrinter::new(template)?
        .allow_missing_keys(allow_missing)
        .json_output(true)
        .print(doc)
}

/// kubectl's `RelaxedJSONPathExpression` (custom-columns, `--sort-by`):
/// accepts `a.b`, `.a.b`, `{a.b}` and `{.a.b}` and returns `{.a.b}`. An
/// empty expression stays empty.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let no_braces = |s: &str| !s.contains(['{', '}']);
    // `\.?([^{}]+)`: drop one leading dot unless nothing would be left.
    let field = |s: &'_ str| -> String {
        match s.strip_prefix('.') {
            Some(rest) if !rest.is_empty() => rest.to_string(),
            _ => s.to_string(),
        }
    };
    if expr.len() >= 2 && expr.starts_with('{') && expr.ends_with('}') {
        let inner = &expr[1..expr.len() - 1];
        if !inner.is_empty() && no_braces(inner) {
            return Ok(format!("{{.{}}}", field(inner)));
        }
    }
    if no_braces(expr) {
        return Ok(format!("{{.{}}}", field(expr)));
    }
    Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into())
}

/// Turns every integer into a float, as Go's `json.Unmarshal` into
/// `interface{}` does: what kubectl's printers see for typed objects (such
/// as `kubectl config view`), where `1000000` prints as `1e+06`.
#[allow(dead_code)] // for callers printing typed objects
pub fn floats_only(value: &Value) -> Value {
    match value {
        Value::Number(n) if !n.is_f64() => serde_json::Number::from_f64(n.as_f64().unwrap_or(0.0))
            .map_or(Value::Null, Value::Number),
        Value::Array(items) => Value::Array(items.iter().map(floats_only).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), floats_only(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

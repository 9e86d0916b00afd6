//! The go-template printer as `get`, `config view` and the writers call it:
//! partial output (and kubectl's debugging dump) goes to stdout before the error.

use serde_json::Value;

use crate::error::CliError;
use crate::output;

pub fn go_template(t: &str, doc: &Value, allow_missing: bool) -> Result<String, CliError> {
    crate::printers::gotemplate::print(t, doc, allow_missing).map_err(|e| {
        output::print(e.stdout());
        CliError::msg(e.to_string())
    })
}

//! Temporary seam to the go-template printer, still being written.

use serde_json::Value;

use crate::error::CliError;

fn not_yet(what: &str) -> CliError {
    CliError::msg(format!("{what} is not supported yet"))
}

pub fn go_template(_t: &str, _doc: &Value, _allow_missing: bool) -> Result<String, CliError> {
    Err(not_yet("-o go-template"))
}

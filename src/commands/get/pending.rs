//! Temporary seams to printers that are still being written (custom-columns,
//! sort-by, go-template); each becomes a direct call once its module lands.

use serde_json::Value;

use crate::error::CliError;

fn not_yet(what: &str) -> CliError {
    CliError::msg(format!("{what} is not supported yet"))
}

pub fn sorted_indices(_objects: &[Value], _expr: &str) -> Result<Vec<usize>, CliError> {
    Err(not_yet("--sort-by"))
}

pub fn custom_columns(_spec: &str, _from_file: bool, _items: &[Value], _no_headers: bool) -> Result<String, CliError> {
    Err(not_yet("-o custom-columns"))
}

pub fn go_template(_t: &str, _doc: &Value, _allow_missing: bool) -> Result<String, CliError> {
    Err(not_yet("-o go-template"))
}

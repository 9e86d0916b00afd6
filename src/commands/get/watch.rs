//! `get -w` / `--watch-only`.

use super::targets::Target;
use super::{Args, Query};
use crate::client::Client;
use crate::error::CliError;
use crate::printers::format::OutputFormat;

pub async fn run(_client: &Client, _t: &[Target], _q: &Query, _f: &OutputFormat, _a: &Args) -> Result<(), CliError> {
    Err(CliError::msg("watch is not implemented yet"))
}

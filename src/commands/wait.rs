//! `kctl wait`.
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    pub args: Vec<String>,
}

pub fn run(_args: Args, _settings: &Settings) -> Result<(), CliError> {
    Err(CliError::msg("not yet"))
}

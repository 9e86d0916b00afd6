//! `kctl config`: view and modify kubeconfig files.

use clap::Subcommand;

use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Display the current-context
    #[command(name = "current-context")]
    CurrentContext,
}

pub fn run(_args: Args, _settings: &Settings) -> Result<(), CliError> {
    Err(CliError::msg("config is not implemented yet"))
}

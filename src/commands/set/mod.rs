//! `kctl set`: change one aspect of existing objects. Only `image` so far.

pub mod image;
mod typed;

use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
#[command(subcommand_required = true, arg_required_else_help = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: SetCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SetCommand {
    /// Update the image of a pod template
    #[command(after_help = crate::examples::SET_IMAGE)]
    Image(image::Args),
    /// Anything else: kubectl's "unknown command".
    #[command(external_subcommand)]
    Other(Vec<String>),
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    match args.command {
        SetCommand::Image(a) => image::run(a, settings),
        SetCommand::Other(argv) => Err(CliError::Raw(format!(
            "error: unknown command {:?}\nSee 'kctl set -h' for help and examples",
            argv.first().map(String::as_str).unwrap_or("")
        ))),
    }
}

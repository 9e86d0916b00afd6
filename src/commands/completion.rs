//! `kctl completion SHELL`: print the completion script for bash, zsh, fish or
//! PowerShell, as `kubectl completion` does.

use crate::complete::scripts;
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell: bash, zsh, fish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: Vec<String>,
}

pub fn run(args: Args, _settings: &Settings) -> Result<(), CliError> {
    let hint = "\nSee 'kctl completion -h' for help and examples";
    let shell = match args.shell.as_slice() {
        [] => return Err(CliError::Raw(format!("error: Shell not specified.{hint}"))),
        [one] => one,
        _ => return Err(CliError::Raw(format!("error: Too many arguments. Expected only the shell type.{hint}"))),
    };
    match scripts::script(shell) {
        Some(text) => {
            crate::output::print(text);
            Ok(())
        }
        None => Err(CliError::Raw(format!("error: Unsupported shell type {shell:?}.{hint}"))),
    }
}

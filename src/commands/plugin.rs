//! Unknown subcommands. Plugin lookup (kctl-NAME / kubectl-NAME on PATH) comes with the
//! completions issue; until then kctl answers like kubectl does for an unknown command.

use crate::error::CliError;
use crate::settings::Settings;

pub fn run_external(argv: Vec<String>, _settings: &Settings) -> Result<(), CliError> {
    let name = argv.first().cloned().unwrap_or_default();
    Err(CliError::Raw(format!(
        "error: unknown command \"{name}\" for \"kctl\"\n\nDid you mean this?\n\t{}\n",
        ""
    )))
}

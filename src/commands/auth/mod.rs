//! `kctl auth`: can-i (SelfSubjectAccessReview / SelfSubjectRulesReview) and
//! whoami (SelfSubjectReview), as kubectl's auth commands.

use clap::Subcommand;

use crate::error::CliError;
use crate::settings::Settings;

pub mod can_i;
pub mod reconcile;
pub mod rules;
pub mod whoami;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<AuthCommand>,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Check whether an action is allowed
    #[command(name = "can-i")]
    CanI(can_i::Args),
    /// Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
    Reconcile(reconcile::Args),
    /// Experimental: Check self subject attributes
    Whoami(whoami::Args),
    /// Anything else: kubectl's "unknown command" error.
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    match args.command {
        Some(AuthCommand::CanI(a)) => can_i::run(a, settings),
        Some(AuthCommand::Reconcile(a)) => reconcile::run(a, settings),
        Some(AuthCommand::Whoami(a)) => whoami::run(a, settings),
        Some(AuthCommand::Unknown(argv)) => {
            let name = argv.first().map(String::as_str).unwrap_or("");
            Err(CliError::Raw(format!("error: unknown command \"{name}\"\nSee 'kctl auth -h' for help and examples")))
        }
        None => {
            // kubectl prints the group's help, then fails.
            crate::output::print(HELP);
            Err(CliError::Exit(1))
        }
    }
}

const HELP: &str = "Inspect authorization.

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kctl auth [flags] [options]

Use \"kctl auth <command> --help\" for more information about a given command.
Use \"kctl options\" for a list of global command-line options (applies to all commands).
";

/// kubectl's WarningPrinter: the messages carry their own newline, and the
/// printer adds one more.
pub(crate) fn warn(message: &str) {
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr().lock();
    let colour = err.is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb");
    let _ = if colour { writeln!(err, "\x1b[33;1mWarning:\x1b[0m {message}") } else { writeln!(err, "Warning: {message}") };
}

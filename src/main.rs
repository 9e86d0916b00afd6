//! kctl: parse, resolve settings, dispatch, map errors to exit codes.

mod cli;
mod client;
mod commands;
mod discovery;
mod error;
mod kubeconfig;
mod manifest;
mod openapi;
mod output;
mod patch;
mod printers;
mod settings;
mod textdiff;
mod yaml;

use clap::Parser;

use crate::error::CliError;

fn main() {
    // reqwest is built without a default crypto provider; ring is the one we ship.
    let _ = rustls::crypto::ring::default_provider().install_default();
    output::reset_sigpipe();

    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(err) = commands::plugin::exec_create_plugin(&args) {
        std::process::exit(err.report());
    }
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => std::process::exit(error::report_clap(err, &args)),
    };
    let code = match run(cli) {
        Ok(()) => 0,
        Err(err) => err.report(),
    };
    output::flush_stdout();
    std::process::exit(code);
}

fn run(cli: cli::Cli) -> Result<(), CliError> {
    let settings = settings::Settings::resolve(cli.global)?;
    commands::dispatch(cli.command, &settings)
}

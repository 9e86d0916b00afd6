//! kctl: parse, resolve settings, dispatch, map errors to exit codes.

mod calendar;
mod cli;
mod client;
mod color;
mod commands;
mod complete;
mod docs;
mod examples;
mod gostr;
mod discovery;
mod error;
mod kubeconfig;
mod kustomize;
mod local;
mod manifest;
mod openapi;
mod output;
mod patch;
mod printers;
mod quantity;
mod rbac;
mod selector;
mod settings;
mod textdiff;
mod validation;
mod yaml;

use clap::FromArgMatches;

use crate::error::CliError;

fn main() {
    // reqwest is built without a default crypto provider; ring is the one we ship.
    let _ = rustls::crypto::ring::default_provider().install_default();
    output::reset_sigpipe();

    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Hidden entry points for the shell scripts and the build, not for users.
    match args.get(1).and_then(|a| a.to_str()) {
        Some(name @ ("__complete" | "__completeNoDesc")) => {
            let rest: Vec<String> = args[2..].iter().map(|a| a.to_string_lossy().into_owned()).collect();
            std::process::exit(complete::run(&rest, name == "__complete"));
        }
        Some("__local-server") => std::process::exit(commands::local::serve(&args[2..])),
        Some("__generate") => {
            let dir = args.get(2).map(std::path::PathBuf::from).unwrap_or_else(|| ".".into());
            if let Err(e) = docs::generate(&dir) {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
            std::process::exit(0);
        }
        _ => {}
    }
    if let Some(err) = commands::plugin::exec_create_plugin(&args) {
        std::process::exit(err.report());
    }
    let parsed = cli::command().try_get_matches_from(&args).and_then(|m| cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
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
    let warnings_as_errors = cli.global.warnings_as_errors.unwrap_or(false);
    let settings = settings::Settings::resolve(cli.global)?;
    commands::dispatch(cli.command, &settings)?;
    let n = client::warnings::count();
    if !warnings_as_errors || n == 0 {
        return Ok(());
    }
    // kubectl fails here after the command ran, through klog, not `error:`.
    let err = if n == 1 { "1 warning received".to_string() } else { format!("{n} warnings received") };
    client::log::emit('E', "run.go:72", &format!("\"command failed\" err={}", client::log::kv_value(&err)));
    Err(CliError::Exit(1))
}

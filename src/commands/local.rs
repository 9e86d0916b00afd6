//! `kctl local`: start, stop, inspect and wipe the built-in micro-cluster.

use clap::Subcommand;

use crate::error::CliError;
use crate::local::{lifecycle, state_dir};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: LocalCommand,
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Start the local cluster in the background and switch the kubeconfig to its context
    Up {
        /// Port to listen on (127.0.0.1 only); default: the last one used, else a free one
        #[arg(long, env = "KCTL_LOCAL_PORT")]
        port: Option<u16>,
    },
    /// Stop the local cluster (its objects are kept)
    Down,
    /// Show whether the local cluster is running (exit status 1 when it is not)
    Status,
    /// Stop the local cluster and delete all its objects
    Reset,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let dir = state_dir();
    match args.command {
        LocalCommand::Up { port } => {
            let r = match lifecycle::running(&dir) {
                Some(r) => {
                    if port.is_some_and(|p| p != r.port) {
                        return Err(CliError::msg(format!("kctl local is already running on port {}; run `kctl local down` first", r.port)));
                    }
                    r
                }
                None => lifecycle::start(&dir, port).map_err(CliError::Message)?,
            };
            lifecycle::write_kubeconfig(settings.global.kubeconfig.clone(), &dir, r.port).map_err(CliError::Message)?;
            println!("kctl local is running at https://127.0.0.1:{} (pid {})", r.port, r.pid);
            println!("Switched to context \"{}\".", lifecycle::CONTEXT);
            Ok(())
        }
        LocalCommand::Down => {
            if lifecycle::stop(&dir).map_err(CliError::Message)? {
                println!("kctl local stopped");
            } else {
                println!("kctl local is not running");
            }
            Ok(())
        }
        LocalCommand::Status => match lifecycle::running(&dir) {
            Some(r) => {
                println!("kctl local: Running");
                println!("server: https://127.0.0.1:{}", r.port);
                println!("pid: {}", r.pid);
                println!("state: {}", dir.display());
                Ok(())
            }
            None => {
                println!("kctl local: Stopped");
                println!("state: {}", dir.display());
                Err(CliError::Exit(1))
            }
        },
        LocalCommand::Reset => {
            let was_running = lifecycle::stop(&dir).map_err(CliError::Message)?;
            lifecycle::wipe(&dir).map_err(CliError::Message)?;
            if was_running {
                println!("kctl local stopped");
            }
            println!("kctl local data deleted");
            Ok(())
        }
    }
}

/// The hidden server entry point: `kctl __local-server DIR PORT`.
pub fn serve(args: &[std::ffi::OsString]) -> i32 {
    let dir = args.first().map(std::path::PathBuf::from).unwrap_or_else(state_dir);
    let port = args.get(1).and_then(|p| p.to_str()).and_then(|p| p.parse().ok()).unwrap_or(0);
    match crate::local::server::run(&dir, port) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("kctl local: {e}");
            1
        }
    }
}

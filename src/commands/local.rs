//! `kctl local`: start, stop, inspect and wipe the built-in micro-cluster.

use clap::Subcommand;

use crate::error::CliError;
use crate::local::{lifecycle, state_dir};
use crate::settings::Settings;

/// How the simulated cluster runs pods (shown by `kctl local --help`).
const PODS_HELP: &str = "\
Nodes and pods:
  `kctl local up --nodes 3` simulates kctl-local, kctl-local-m02 and kctl-local-m03 (8 CPUs,
  16Gi each). A scheduler places pods (nodeSelector, required node affinity, requests,
  taints/tolerations, cordoned nodes) and records FailedScheduling when nothing fits.

  No process runs: the simulated kubelet reads the container's command. Without one, the
  container runs forever and logs `<pod> <container> line <n>`. With `sh -c` (or a bare
  command) it understands `echo WORDS`, `sleep N`, `exit K`, `true`, `false` and
  `while true; do ...; done`; anything else is a server that keeps running. So

    command: [\"sh\", \"-c\", \"echo starting; sleep 5; echo oops; exit 1\"]

  prints two lines, exits with 1 after 5 s and, under restartPolicy Always, goes into
  CrashLoopBackOff (restart back-off 10s, 20s, ... 5m; KCTL_LOCAL_CRASH_BACKOFF_SECONDS
  set for `up` changes the 10s base). `kubectl logs --previous` shows the crashed run.
  Readiness follows readinessProbe.initialDelaySeconds; init containers run in order first
  (an unknown command in one counts as success); Job pods without a command succeed after 1 s. The annotations sim.kctl.dev/terminate-after-seconds and sim.kctl.dev/exit-code
  (as in the test cluster's node-sim) make any container exit.";

#[derive(Debug, clap::Args)]
#[command(after_help = PODS_HELP)]
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
        /// Number of simulated nodes (kctl-local, kctl-local-m02, ...); remembered in the state
        /// directory, so a later `up` without it keeps the same count (`reset` keeps it too)
        #[arg(long)]
        nodes: Option<usize>,
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
        LocalCommand::Up { port, nodes } => {
            let r = match lifecycle::running(&dir) {
                Some(r) => {
                    if port.is_some_and(|p| p != r.port) {
                        return Err(CliError::msg(format!("kctl local is already running on port {}; run `kctl local down` first", r.port)));
                    }
                    let have = crate::local::nodes::count(&dir);
                    if nodes.is_some_and(|n| n != have) {
                        return Err(CliError::msg(format!("kctl local is already running with {have} node(s); run `kctl local down` first")));
                    }
                    r
                }
                None => {
                    if let Some(n) = nodes {
                        crate::local::nodes::set_count(&dir, n).map_err(CliError::Message)?;
                    }
                    lifecycle::start(&dir, port).map_err(CliError::Message)?
                }
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
                println!("nodes: {}", crate::local::nodes::count(&dir));
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

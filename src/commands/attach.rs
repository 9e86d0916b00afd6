//! `kctl attach`: attach to a container's main process over the WebSocket
//! channel protocol.

use crate::commands::exec::{stream, StreamOpts};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (POD | TYPE/NAME)
    pub args: Vec<String>,
    /// Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running
    #[arg(long = "pod-running-timeout", default_value = "1m0s")]
    pub pod_running_timeout: String,
    /// Only print output from the remote session
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Pass stdin to the container
    #[arg(short = 'i', long)]
    pub stdin: bool,
    /// Stdin is a TTY
    #[arg(short = 't', long)]
    pub tty: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let target = match args.args.as_slice() {
        [t] => t.clone(),
        _ => return Err(CliError::msg("expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw 0: []")),
    };
    let pod_running_timeout = crate::commands::remote::pod_running_timeout(&args.pod_running_timeout, "attach")?;
    let opts = StreamOpts { target, namespace: None, pod_running_timeout, container: args.container, quiet: args.quiet, stdin: args.stdin, tty: args.tty };
    stream(settings, "attach", &opts, &[])
}

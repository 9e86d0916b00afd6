//! `kctl exec`: run a command in a container over the WebSocket channel
//! protocol, exiting with the remote command's exit code like kubectl.

use crate::client::Request;
use crate::commands::remote::{self, Input, Session};
use crate::commands::term;
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (POD | TYPE/NAME)
    pub args: Vec<String>,
    /// COMMAND [args...] after `--`
    #[arg(last = true)]
    pub command: Vec<String>,
    /// Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// to use to exec into the resource
    #[arg(short = 'f', long)]
    pub filename: Vec<String>,
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
    let (target, namespace) = match (args.filename.is_empty(), args.args.first()) {
        (false, _) => from_manifest(&args.filename)?,
        (true, Some(t)) => (t.clone(), None),
        (true, None) => return Err(CliError::msg("pod, type/name or --filename must be specified")),
    };
    if args.args.len() > 1 || (!args.filename.is_empty() && !args.args.is_empty()) {
        return Err(CliError::Raw(
            "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kctl exec -h' for help and examples".into(),
        ));
    }
    if args.command.is_empty() {
        return Err(CliError::msg("you must specify at least one command for the container"));
    }
    let pod_running_timeout = remote::pod_running_timeout(&args.pod_running_timeout, "exec")?;
    let opts = StreamOpts { target, namespace, pod_running_timeout, container: args.container, quiet: args.quiet, stdin: args.stdin, tty: args.tty };
    stream(settings, "exec", &opts, &args.command)
}

/// `exec -f FILE`: the first object the manifest names, as TYPE/NAME.
fn from_manifest(filenames: &[String]) -> Result<(String, Option<String>), CliError> {
    use crate::manifest::{read_all, Item, ReadOptions};
    let opts = ReadOptions { filenames: filenames.to_vec(), validate: true, ..Default::default() };
    let items = read_all(&opts, &mut std::io::stdin()).map_err(|errs| CliError::msg(errs.first().map(|e| e.message.clone()).unwrap_or_default()))?;
    match items.into_iter().next() {
        Some(Item::Object(doc)) => {
            let kind = doc.object["kind"].as_str().unwrap_or("").to_ascii_lowercase();
            let name = doc.object["metadata"]["name"].as_str().unwrap_or("");
            let ns = doc.object["metadata"]["namespace"].as_str().map(String::from);
            return Ok((format!("{kind}/{name}"), ns));
        }
        Some(Item::Error(e)) => return Err(CliError::msg(e.message)),
        None => {}
    }
    Err(CliError::msg("no objects passed to exec"))
}

pub struct StreamOpts {
    pub target: String,
    /// The namespace a `-f` manifest names, over the context's.
    pub namespace: Option<String>,
    pub pod_running_timeout: std::time::Duration,
    pub container: Option<String>,
    pub quiet: bool,
    pub stdin: bool,
    pub tty: bool,
}

/// exec and attach: resolve the pod and container, set up the terminal, run
/// the session, and exit with the remote exit code.
pub fn stream(settings: &Settings, kind: &str, o: &StreamOpts, command: &[String]) -> Result<(), CliError> {
    let client = settings.client()?;
    let ns = o.namespace.clone().unwrap_or_else(|| client.config().namespace.clone());
    let rt = crate::commands::runtime();
    let code = rt.block_on(async {
        let pod = remote::attachable_pod(&client, &settings.cache_dir, &ns, &o.target, o.pod_running_timeout).await?;
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        if phase == "Succeeded" || phase == "Failed" {
            let verb = if kind == "exec" { "exec into" } else { "attach to" };
            return Err(CliError::msg(format!("cannot {verb} a container in a completed pod; current phase is {phase}")));
        }
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        let container = remote::pick_container(&pod, o.container.as_deref(), o.quiet);
        let mut tty = o.tty && o.stdin;
        if kind == "attach" {
            let spec = pod["spec"]["containers"].as_array().into_iter().flatten().find(|c| c["name"] == container.as_str());
            let allocated = spec.is_some_and(|c| c["tty"] == true);
            if tty && !allocated {
                tty = false;
                if !o.quiet {
                    eprintln!("error: Unable to use a TTY - container {container} did not allocate one");
                }
            } else if !tty && allocated && o.stdin {
                tty = true;
            }
        }
        if tty && !term::is_terminal(0) {
            tty = false;
            if !o.quiet {
                eprintln!("Unable to use a TTY - input is not a terminal or the right kind of file");
            }
        }
        let mut req = Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}/{kind}"));
        for c in command {
            req = req.query("command", c.clone());
        }
        req = req.query("container", container.clone()).query("stdout", "true");
        if o.stdin {
            req = req.query("stdin", "true");
        }
        if tty {
            req = req.query("tty", "true");
        } else {
            req = req.query("stderr", "true");
        }
        if kind == "attach" && !o.quiet {
            eprintln!("If you don't see a command prompt, try pressing enter.");
        }
        let _raw = if tty { term::RawGuard::enable(0) } else { None };
        if _raw.is_some() {
            // Killed while raw: leave the terminal usable (^C is sent to the pod, not to us).
            tokio::spawn(async {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut t), Ok(mut h)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else { return };
                tokio::select! { _ = t.recv() => {}, _ = h.recv() => {} }
                term::restore();
                std::process::exit(143);
            });
        }
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let input = if o.stdin { Input::Reader(Box::new(std::io::stdin())) } else { Input::None };
        remote::run_session(&client, &req, Session { input, tty, stdout: &mut out, stderr: &mut err }).await
    })?;
    // The stdin thread may still be blocked in read(): do not wait for it.
    rt.shutdown_background();
    remote::finish(code)
}

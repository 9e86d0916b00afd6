//! `kctl logs`: print the logs of a container, of a workload's pod, or of the
//! pods a selector matches, as kubectl v1.32 does; streams followed together
//! run concurrently over the one client connection.
//!
//! Beyond kubectl: `--follow-new` keeps watching the selector and attaches to
//! pods that start later (see `watch.rs`), and followed streams resume after a
//! dropped connection (see `stream.rs`).

mod options;
mod resolve;
mod stream;
mod watch;

use std::time::Duration;

use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;

use crate::client::Client;
use crate::error::CliError;
use crate::settings::Settings;

use options::LogOptions;
use resolve::{Object, Source};
use stream::Reader;

const USAGE: &str = "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]";

#[derive(Debug, clap::Args)]
#[command(
    about = "Print the logs for a container in a pod",
    long_about = "Print the logs for a container in a pod or specified resource. \nIf the pod has only one container, the container name is optional.",
    override_usage = "kctl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]"
)]
pub struct Args {
    /// POD or TYPE/NAME, and optionally the container
    pub args: Vec<String>,
    /// Get logs from all pod(s). Sets prefix to true.
    #[arg(long = "all-pods", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub all_pods: Option<String>,
    /// Get all containers' logs in the pod(s).
    #[arg(long = "all-containers", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub all_containers: Option<String>,
    /// Print the logs of this container
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Specify if the logs should be streamed.
    #[arg(short = 'f', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub follow: Option<String>,
    /// kctl only: with a selector (-l, or a workload's), follow every matching pod, and also each pod that starts later. Implies --follow and --prefix.
    #[arg(long = "follow-new", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub follow_new: Option<String>,
    /// If watching / following pod logs, allow for any errors that occur to be non-fatal
    #[arg(long = "ignore-errors", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub ignore_errors: Option<String>,
    /// Skip verifying the identity of the kubelet that logs are requested from.  In theory, an attacker could provide invalid log content back. You might want to use this if your kubelet serving certificates have expired.
    #[arg(long = "insecure-skip-tls-verify-backend", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub insecure_skip_tls_verify_backend: Option<String>,
    /// Maximum bytes of logs to return. Defaults to no limit.
    #[arg(long = "limit-bytes", default_value = "0", allow_hyphen_values = true)]
    pub limit_bytes: String,
    /// Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.
    #[arg(long = "max-log-requests", default_value = "5", allow_hyphen_values = true)]
    pub max_log_requests: String,
    /// The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running
    #[arg(long = "pod-running-timeout", default_value = "20s", allow_hyphen_values = true)]
    pub pod_running_timeout: String,
    /// Prefix each log line with the log source (pod name and container name)
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub prefix: Option<String>,
    /// If true, print the logs for the previous instance of the container in a pod if it exists.
    #[arg(short = 'p', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub previous: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', '!=', 'in', 'notin'.(e.g. -l key1=value1,key2=value2,key3 in (value3)). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.
    #[arg(long, default_value = "0s", allow_hyphen_values = true)]
    pub since: String,
    /// Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.
    #[arg(long = "since-time")]
    pub since_time: Option<String>,
    /// Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.
    #[arg(long, allow_hyphen_values = true)]
    pub tail: Option<String>,
    /// Include timestamps on each line in the log output
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub timestamps: Option<String>,
}

/// The flags with their values parsed, kubectl's way.
struct Flags {
    all_pods: bool,
    all_containers: bool,
    follow: bool,
    follow_new: bool,
    ignore_errors: bool,
    insecure_backend: bool,
    prefix: bool,
    previous: bool,
    timestamps: bool,
    limit_bytes: i64,
    max_log_requests: i64,
    pod_running_timeout: Duration,
    since_nanos: i128,
    tail: Option<i64>,
}

/// pflag's "invalid argument" error, as `kubectl logs` prints it.
fn invalid(flag: &str, value: &str, reason: &str) -> CliError {
    let q = crate::printers::jsonpath::gofmt::quote(value);
    CliError::Raw(format!("Error: invalid argument {q} for \"--{flag}\" flag: {reason}\nSee 'kctl logs --help' for usage."))
}

fn parse_flags(a: &Args) -> Result<Flags, CliError> {
    let boolean = |flag: &str, v: &Option<String>| -> Result<bool, CliError> {
        match v.as_deref() {
            None => Ok(false),
            Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(true),
            Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(false),
            Some(s) => Err(invalid(flag, s, &format!("strconv.ParseBool: parsing {}: invalid syntax", crate::printers::jsonpath::gofmt::quote(s)))),
        }
    };
    // strconv.ParseInt (decimal; Go's 0x/0o/0b prefixes are not accepted here).
    let int = |flag: &str, v: &str| -> Result<i64, CliError> {
        v.parse::<i64>().map_err(|e| {
            let q = crate::printers::jsonpath::gofmt::quote(v);
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => "value out of range",
                _ => "invalid syntax",
            };
            invalid(flag, v, &format!("strconv.ParseInt: parsing {q}: {why}"))
        })
    };
    let duration = |flag: &str, v: &str| options::parse_duration(v).map_err(|e| invalid(flag, v, &e));
    let timeout = duration("pod-running-timeout", &a.pod_running_timeout)?;
    Ok(Flags {
        all_pods: boolean("all-pods", &a.all_pods)?,
        all_containers: boolean("all-containers", &a.all_containers)?,
        follow: boolean("follow", &a.follow)?,
        follow_new: boolean("follow-new", &a.follow_new)?,
        ignore_errors: boolean("ignore-errors", &a.ignore_errors)?,
        insecure_backend: boolean("insecure-skip-tls-verify-backend", &a.insecure_skip_tls_verify_backend)?,
        prefix: boolean("prefix", &a.prefix)?,
        previous: boolean("previous", &a.previous)?,
        timestamps: boolean("timestamps", &a.timestamps)?,
        limit_bytes: int("limit-bytes", &a.limit_bytes)?,
        max_log_requests: int("max-log-requests", &a.max_log_requests)?,
        pod_running_timeout: Duration::from_nanos(timeout.max(0) as u64),
        since_nanos: duration("since", &a.since)?,
        tail: a.tail.as_deref().map(|t| int("tail", t)).transpose()?,
    })
}

fn usage_error(msg: &str) -> CliError {
    CliError::Raw(format!("error: {msg}\nSee 'kctl logs -h' for help and examples"))
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let mut f = parse_flags(&args)?;
    let selector = args.selector.clone().unwrap_or_default();
    let usage_err = format!("expected '{USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command");
    let mut container = args.container.clone().unwrap_or_default();
    let resource = match args.args.len() {
        0 if selector.is_empty() => return Err(usage_error(&usage_err)),
        0 => None,
        1 if !selector.is_empty() => return Err(usage_error("only a selector (-l) or a POD name is allowed")),
        1 => Some(args.args[0].clone()),
        2 => {
            container = args.args[1].clone();
            Some(args.args[0].clone())
        }
        _ => return Err(usage_error(&usage_err)),
    };
    if f.pod_running_timeout.is_zero() {
        return Err(CliError::msg("--pod-running-timeout must be higher than zero"));
    }
    if f.all_pods || f.follow_new {
        f.prefix = true;
    }
    f.follow |= f.follow_new;
    let since_time = match args.since_time.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(options::parse_since_time(s).map_err(CliError::msg)?.0),
        None => None,
    };
    let since_seconds = (f.since_nanos != 0).then(|| options::round_to_seconds(f.since_nanos));
    // A selector shows the last 10 lines unless --tail was given at all.
    let tail_lines = match f.tail {
        None if !selector.is_empty() => Some(10),
        Some(t) if t != -1 => Some(t),
        _ => None,
    };
    let opts = LogOptions {
        container: container.clone(),
        follow: f.follow,
        previous: f.previous,
        timestamps: f.timestamps,
        since_seconds,
        since_time,
        tail_lines,
        limit_bytes: (f.limit_bytes != 0).then_some(f.limit_bytes),
        insecure_skip_tls_verify_backend: f.insecure_backend,
    };

    let client = settings.client()?;
    let namespace = client.config().namespace.clone();
    let rt = crate::commands::runtime();
    let main = async {
        let object = resolve::fetch(&client, &settings.cache_dir, &namespace, resource.as_deref(), (!selector.is_empty()).then_some(selector.as_str())).await?;
        if let Object::Pods(items) = &object {
            if items.is_empty() {
                eprintln!("No resources found in {namespace} namespace.");
            }
        }
        // kubectl's Validate runs after the object is fetched.
        if since_time.is_some() && f.since_nanos != 0 {
            return Err(CliError::msg("at most one of `sinceTime` or `sinceSeconds` may be specified"));
        }
        if f.all_containers && !container.is_empty() {
            return Err(CliError::msg(format!("--all-containers=true should not be specified with container name {container}")));
        }
        if args.container.is_some() && args.args.len() == 2 {
            return Err(CliError::msg("only one of -c or an inline [CONTAINER] arg is allowed"));
        }
        if f.limit_bytes < 0 {
            return Err(CliError::msg("--limit-bytes must be greater than 0"));
        }
        if since_seconds.is_some_and(|s| s < 0) {
            return Err(CliError::msg("--since must be greater than 0"));
        }
        if tail_lines.is_some_and(|t| t < -1) {
            return Err(CliError::msg("--tail must be greater than or equal to -1"));
        }
        let out = Output::new(&f);
        if f.follow_new {
            let (ns, sel) = match &object {
                Object::Pods(_) => (namespace.clone(), selector.clone()),
                Object::Other { group, version, kind, value } => {
                    let ns = value["metadata"]["namespace"].as_str().unwrap_or(&namespace).to_string();
                    (ns, resolve::selector_for(group, version, kind, value)?)
                }
                Object::Pod(_) => return Err(CliError::msg("--follow-new needs a selector: use -l, or name a workload or service (TYPE/NAME)")),
            };
            let ctx = watch::Ctx { client: &client, out: &out, opts: &opts, all_containers: f.all_containers, max: f.max_log_requests };
            return watch::follow_new(&ctx, &ns, &sel).await;
        }
        let sources = sources_for(&client, object, &opts.container, &f).await?;
        if f.follow && sources.len() > 1 {
            if sources.len() as i64 > f.max_log_requests {
                return Err(CliError::msg(format!(
                    "you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit",
                    sources.len(),
                    f.max_log_requests
                )));
            }
            let mut running = FuturesUnordered::new();
            for s in sources {
                let reader = out.reader(&client, s, &opts);
                running.push(async move { reader.run().await });
            }
            while let Some(result) = running.next().await {
                out.settle(result)?;
            }
            return Ok(());
        }
        for s in sources {
            out.settle(out.reader(&client, s, &opts).run().await)?;
        }
        Ok(())
    };
    // kubectl ends with status 1 on Ctrl-C; only whole lines were written.
    rt.block_on(async {
        tokio::select! {
            r = main => r,
            _ = tokio::signal::ctrl_c() => Err(CliError::Exit(1)),
        }
    })
}

/// kubectl's LogsForObject: the containers to read, in a stable order (kubectl's
/// own order is a Go map's, i.e. random, when there are several).
async fn sources_for(client: &Client, object: Object, container: &str, f: &Flags) -> Result<Vec<Source>, CliError> {
    let pods = match object {
        Object::Pod(p) => vec![p],
        Object::Pods(items) => items,
        Object::Other { group, version, kind, value } => {
            let selector = resolve::selector_for(&group, &version, &kind, &value)?;
            let ns = value["metadata"]["namespace"].as_str().unwrap_or("").to_string();
            let pods = resolve::pods_for_selector(client, &ns, &selector, f.pod_running_timeout).await?;
            if pods.len() > 1 && !f.all_pods {
                eprintln!("Found {} pods, using pod/{}", pods.len(), pods[0]["metadata"]["name"].as_str().unwrap_or(""));
            }
            if f.all_pods {
                pods
            } else {
                pods.into_iter().take(1).collect()
            }
        }
    };
    let mut out = Vec::new();
    for p in &pods {
        out.extend(resolve::pod_sources(p, container, f.all_containers, f.all_pods)?);
    }
    Ok(out)
}

/// Where lines go: prefixes (coloured per pod on a terminal) and what a failed
/// stream does.
pub struct Output {
    prefix: bool,
    colour: bool,
    ignore_errors: bool,
    pods: std::cell::RefCell<Vec<String>>,
}

impl Output {
    fn new(f: &Flags) -> Output {
        // --color, NO_COLOR and the terminal were weighed once, in the settings.
        Output { prefix: f.prefix, colour: crate::color::enabled(), ignore_errors: f.ignore_errors, pods: Default::default() }
    }

    fn reader<'a>(&self, client: &'a Client, source: Source, opts: &LogOptions) -> Reader<'a> {
        self.reader_with(client, source, opts.clone())
    }

    fn reader_with<'a>(&self, client: &'a Client, source: Source, mut opts: LogOptions) -> Reader<'a> {
        opts.container = source.container.clone();
        let prefix = if self.prefix {
            let colour = self.colour.then(|| {
                let mut pods = self.pods.borrow_mut();
                let i = pods.iter().position(|p| *p == source.pod).unwrap_or_else(|| {
                    pods.push(source.pod.clone());
                    pods.len() - 1
                });
                stream::PALETTE[i % stream::PALETTE.len()]
            });
            stream::prefix(&source, colour)
        } else {
            Vec::new()
        };
        Reader { client, source, opts, prefix }
    }

    /// A finished stream: an error ends the command, or with --ignore-errors is
    /// printed among the logs as kubectl does.
    fn settle(&self, result: Result<(), crate::client::ClientError>) -> Result<(), CliError> {
        match result {
            Ok(()) => Ok(()),
            Err(e) if self.ignore_errors => {
                stream::emit(format!("error: {}\n", stream::error_text(&e)).as_bytes());
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

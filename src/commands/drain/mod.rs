//! `kctl drain`: cordon nodes, then evict (or delete) their pods as
//! kubectl's drain helper does, waiting until each pod is gone.

mod filters;

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::client::{Client, ClientError, Request};
use crate::commands::cordon::{self, node_name};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// NODE
    pub nodes: Vec<String>,
    /// Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.
    #[arg(long = "chunk-size", default_value = "500", allow_hyphen_values = true)]
    pub chunk_size: String,
    /// Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).
    #[arg(long = "delete-emptydir-data", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub delete_emptydir_data: bool,
    /// Force drain to use delete, even if eviction is supported. This will bypass checking PodDisruptionBudgets, use with caution.
    #[arg(long = "disable-eviction", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub disable_eviction: bool,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Continue even if there are pods that do not declare a controller.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub force: bool,
    /// Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used.
    #[arg(long = "grace-period", default_value = "-1", allow_hyphen_values = true)]
    pub grace_period: String,
    /// Ignore DaemonSet-managed pods.
    #[arg(long = "ignore-daemonsets", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub ignore_daemonsets: bool,
    /// Label selector to filter pods on the node
    #[arg(long = "pod-selector", default_value = "")]
    pub pod_selector: String,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If pod DeletionTimestamp older than N seconds, skip waiting for the pod.  Seconds must be greater than 0 to skip.
    #[arg(long = "skip-wait-for-delete-timeout", default_value = "0", allow_hyphen_values = true)]
    pub skip_wait_for_delete_timeout: String,
    /// The length of time to wait before giving up, zero means infinite
    #[arg(long, default_value = "0s", allow_hyphen_values = true)]
    pub timeout: String,
}

struct Drainer<'a> {
    client: &'a Client,
    args: &'a Args,
    chunk_size: i64,
    grace_period: i64,
    skip_wait: i64,
    dry_run: DryRun,
    /// None: wait forever.
    deadline: Option<Instant>,
    timeout_text: String,
    opts: filters::Options,
}

/// An integer flag as pflag parses it (`strconv.ParseInt(s, 0, 64)`).
fn int_flag(name: &str, value: &str) -> Result<i64, CliError> {
    crate::commands::scale::go_parse_int(value).map_err(|why| {
        CliError::Raw(format!(
            "Error: invalid argument \"{value}\" for \"--{name}\" flag: strconv.ParseInt: parsing {}: {why}\nSee 'kctl drain --help' for usage.",
            crate::gostr::quote(value)
        ))
    })
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let chunk_size = int_flag("chunk-size", &args.chunk_size)?;
    let grace_period = int_flag("grace-period", &args.grace_period)?;
    let skip_wait = int_flag("skip-wait-for-delete-timeout", &args.skip_wait_for_delete_timeout)?;
    let timeout = match crate::commands::wait::parse_go_duration(&args.timeout) {
        Ok(d) => d.unwrap_or_default(),
        Err(msg) => {
            return Err(CliError::Raw(format!(
                "Error: invalid argument \"{}\" for \"--timeout\" flag: {msg}\nSee 'kctl drain --help' for usage.",
                args.timeout
            )))
        }
    };
    cordon::check_usage("drain", &args.nodes, args.selector.as_deref())?;
    let dry_run = cordon::parse_dry_run(&args.dry_run)?;
    if !args.pod_selector.is_empty() && crate::selector::Selector::parse(&args.pod_selector).is_err() {
        return Err(CliError::msg("--pod-selector=<pod_selector> must be a valid label selector"));
    }
    let client = settings.client()?;
    let d = Drainer {
        client: &client,
        args: &args,
        chunk_size,
        grace_period,
        skip_wait,
        dry_run,
        deadline: (!timeout.is_zero()).then(|| Instant::now() + timeout),
        timeout_text: args.timeout.clone(),
        opts: filters::Options {
            force: args.force,
            ignore_daemonsets: args.ignore_daemonsets,
            delete_emptydir_data: args.delete_emptydir_data,
            skip_wait_for_delete_timeout: skip_wait,
        },
    };
    crate::commands::runtime().block_on(async {
        let nodes = cordon::find_nodes(&client, &args.nodes, args.selector.as_deref()).await?;
        cordon::set_unschedulable(&client, &nodes, true, dry_run).await;
        // Every node is attempted; the failures are summed up at the end.
        let mut fatal: Vec<NodeError> = Vec::new();
        let mut pending: Vec<&str> = Vec::new();
        for node in &nodes {
            let name = node_name(node);
            match d.drain_node(name).await {
                Ok(()) => {
                    output::print(&format!("node/{name} drained{}\n", dry_run.suffix()));
                    output::flush_stdout();
                }
                Err(errs) => {
                    output::flush_stdout();
                    eprintln!("error: unable to drain node {} due to error: {}, continuing command...", crate::gostr::quote(name), errs.text());
                    fatal.push(errs);
                    pending.push(name);
                }
            }
        }
        if !pending.is_empty() {
            eprintln!("There are pending nodes to be drained:");
            for n in &pending {
                eprintln!(" {n}");
            }
        }
        // kubectl's error handler unwraps an aggregate of one: a single node's
        // errors are printed one per line, several nodes' one line each.
        match fatal.len() {
            0 => Ok(()),
            1 => {
                let e = fatal.remove(0);
                Err(if e.aggregate { CliError::Raw(e.msgs.join("\n")) } else { CliError::msg(e.text()) })
            }
            _ => Err(CliError::Raw(fatal.iter().map(NodeError::text).collect::<Vec<_>>().join("\n"))),
        }
    })
}

/// Why a node could not be drained: an aggregate of errors (printed one
/// per line when it is the only failure) or a single plain error.
struct NodeError {
    msgs: Vec<String>,
    aggregate: bool,
}

impl NodeError {
    fn plain(msg: String) -> Self {
        NodeError { msgs: vec![msg], aggregate: false }
    }

    fn text(&self) -> String {
        aggregate(&self.msgs)
    }
}

enum WaitError {
    /// The pods still there when the deadline passed.
    Timeout(Vec<Value>),
    Api(String),
}

/// utilerrors' aggregate text: one message alone, several in brackets.
fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

fn api_message(e: &ClientError) -> String {
    match e {
        ClientError::Api { status, .. } => status.message.clone(),
        other => other.to_string(),
    }
}

fn reason(e: &ClientError) -> &str {
    match e {
        ClientError::Api { status, .. } => status.reason.as_str(),
        _ => "",
    }
}

fn pod_key(pod: &Value) -> (String, String) {
    let s = |k: &str| pod["metadata"][k].as_str().unwrap_or("").to_string();
    (s("namespace"), s("name"))
}

fn pod_path(ns: &str, name: &str) -> String {
    format!("/api/v1/namespaces/{ns}/pods/{name}")
}

impl Drainer<'_> {
    async fn list_pods(&self, node: &str) -> Result<Vec<Value>, String> {
        let mut pods = Vec::new();
        let mut cont = String::new();
        loop {
            let mut req = Request::get("/api/v1/pods").query("fieldSelector", format!("spec.nodeName={node}"));
            if !self.args.pod_selector.is_empty() {
                req = req.query("labelSelector", self.args.pod_selector.clone());
            }
            if self.chunk_size > 0 {
                req = req.query("limit", self.chunk_size.to_string());
            }
            if !cont.is_empty() {
                req = req.query("continue", cont.clone());
            }
            let list: Value = self.client.send(&req).await.map_err(|e| api_message(&e))?.json().map_err(|e| e.to_string())?;
            pods.extend(list["items"].as_array().cloned().unwrap_or_default());
            cont = list["metadata"]["continue"].as_str().unwrap_or("").to_string();
            if cont.is_empty() {
                return Ok(pods);
            }
        }
    }

    /// The pods to delete, or kubectl's errors for the pods that block the drain.
    async fn pods_for_deletion(&self, node: &str) -> (Option<Vec<filters::PodDelete>>, Vec<String>) {
        let pods = match self.list_pods(node).await {
            Ok(p) => p,
            Err(e) => return (None, vec![e]),
        };
        let list = filters::filter(self.client, pods, &self.opts).await;
        let errs = filters::errors(&list);
        (Some(list), errs)
    }

    async fn drain_node(&self, node: &str) -> Result<(), NodeError> {
        let (list, errs) = self.pods_for_deletion(node).await;
        if !errs.is_empty() {
            return Err(NodeError { msgs: errs, aggregate: true });
        }
        let list = list.unwrap_or_default();
        let warnings = filters::warnings(&list);
        if !warnings.is_empty() {
            output::flush_stdout();
            crate::client::warnings::print(&warnings);
        }
        let pods = filters::to_delete(&list);
        if self.dry_run == DryRun::Client {
            for pod in &pods {
                let (ns, name) = pod_key(pod);
                output::print(&format!("evicting pod {ns}/{name} (dry run)\n"));
            }
            return Ok(());
        }
        if let Err(err) = self.delete_or_evict(&pods).await {
            let (pending, new_errs) = self.pods_for_deletion(node).await;
            output::flush_stdout();
            if let Some(pending) = pending {
                let pods = filters::to_delete(&pending);
                if !pods.is_empty() {
                    eprintln!("There are pending pods in node {} when an error occurred: {}", crate::gostr::quote(node), err.text());
                    for p in pods {
                        eprintln!("pod/{}", pod_key(&p).1);
                    }
                }
            }
            if !new_errs.is_empty() {
                eprint!("Following errors occurred while getting the list of pods to delete:\n{}", aggregate(&new_errs));
            }
            return Err(err);
        }
        Ok(())
    }

    async fn delete_or_evict(&self, pods: &[Value]) -> Result<(), NodeError> {
        if pods.is_empty() {
            return Ok(());
        }
        if !self.args.disable_eviction {
            if let Some(version) = self.eviction_version().await.map_err(NodeError::plain)? {
                return self.evict(pods, &version).await;
            }
        }
        self.delete(pods).await
    }

    /// `CheckEvictionSupport`: pods/eviction served, and the policy version to use.
    async fn eviction_version(&self) -> Result<Option<String>, String> {
        let core: Value = self.client.send(&Request::get("/api/v1")).await.map_err(|e| api_message(&e))?.json().map_err(|e| e.to_string())?;
        let served = core["resources"].as_array().is_some_and(|r| r.iter().any(|r| r["name"] == "pods/eviction"));
        if !served {
            return Ok(None);
        }
        let policy = self.client.send(&Request::get("/apis/policy")).await.ok().and_then(|r| r.json::<Value>().ok());
        let has_v1 = policy.as_ref().and_then(|p| p["versions"].as_array()).is_some_and(|v| v.iter().any(|v| v["version"] == "v1"));
        Ok(Some(if has_v1 { "policy/v1" } else { "policy/v1beta1" }.to_string()))
    }

    fn delete_options(&self) -> serde_json::Map<String, Value> {
        let mut opts = serde_json::Map::new();
        if self.grace_period >= 0 {
            opts.insert("gracePeriodSeconds".into(), json!(self.grace_period));
        }
        if self.dry_run == DryRun::Server {
            opts.insert("dryRun".into(), json!(["All"]));
        }
        opts
    }

    fn timed_out(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    async fn evict(&self, pods: &[Value], version: &str) -> Result<(), NodeError> {
        let mut errors = Vec::new();
        let mut waiting = Vec::new();
        for pod in pods {
            let (ns, name) = pod_key(pod);
            let mut active = pod.clone();
            let result = loop {
                let dry = if self.dry_run == DryRun::Server { " (server dry run)" } else { "" };
                output::print(&format!("evicting pod {ns}/{name}{dry}\n"));
                output::flush_stdout();
                if self.timed_out() {
                    break Err(format!("error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {}", self.timeout_text));
                }
                let eviction = json!({
                    "kind": "Eviction",
                    "apiVersion": version,
                    "metadata": {"name": name, "namespace": ns},
                    "deleteOptions": Value::Object(self.delete_options()),
                });
                let req = Request::new(Method::POST, format!("{}/eviction", pod_path(&ns, &name)))
                    .json_body("application/json", crate::printers::json::to_string_compact(&eviction).into_bytes());
                match self.client.send(&req).await {
                    Ok(_) => break Ok(true),
                    Err(e) if reason(&e) == "NotFound" => break Ok(false),
                    Err(e) if reason(&e) == "TooManyRequests" => {
                        output::flush_stdout();
                        eprintln!("error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {}", api_message(&e));
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        if let Ok(resp) = self.client.send(&Request::get(pod_path(&ns, &name))).await {
                            if let Ok(fresh) = resp.json::<Value>() {
                                active = fresh;
                            }
                        }
                    }
                    Err(e) if active["metadata"]["deletionTimestamp"].is_string() && reason(&e) == "Forbidden" && terminating_cause(&e) => break Ok(true),
                    Err(e) => break Err(format!("error when evicting pods/\"{name}\" -n \"{ns}\": {}", api_message(&e))),
                }
            };
            match result {
                Ok(true) if self.dry_run != DryRun::Server => waiting.push(pod.clone()),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        match self.wait_for_delete(waiting, "evicted").await {
            Ok(()) => {}
            Err(WaitError::Api(e)) => errors.push(e),
            Err(WaitError::Timeout(pods)) => {
                for pod in pods {
                    let (ns, name) = pod_key(&pod);
                    errors.push(format!("error when waiting for pod \"{name}\" in namespace \"{ns}\" to terminate: context deadline exceeded"));
                }
            }
        }
        match errors.len() {
            0 => Ok(()),
            _ => Err(NodeError { msgs: errors, aggregate: true }),
        }
    }

    async fn delete(&self, pods: &[Value]) -> Result<(), NodeError> {
        for pod in pods {
            let (ns, name) = pod_key(pod);
            let body = crate::printers::json::to_string_compact(&Value::Object(self.delete_options()));
            let req = Request::new(Method::DELETE, pod_path(&ns, &name)).json_body("application/json", body.into_bytes());
            match self.client.send(&req).await {
                Ok(_) => {}
                Err(e) if reason(&e) == "NotFound" => {}
                Err(e) => return Err(NodeError::plain(api_message(&e))),
            }
        }
        if self.dry_run == DryRun::Server {
            return Ok(());
        }
        self.wait_for_delete(pods.to_vec(), "deleted").await.map_err(|e| match e {
            WaitError::Api(m) => NodeError::plain(m),
            WaitError::Timeout(_) => NodeError::plain("context deadline exceeded".into()),
        })
    }

    /// Poll every second until each pod is gone (or replaced), printing
    /// `pod/x <verb>` as each goes.
    async fn wait_for_delete(&self, mut pods: Vec<Value>, verb: &str) -> Result<(), WaitError> {
        loop {
            let mut pending = Vec::new();
            for pod in pods {
                let (ns, name) = pod_key(&pod);
                match self.client.send(&Request::get(pod_path(&ns, &name))).await {
                    Err(e) if reason(&e) == "NotFound" => {
                        output::print(&format!("pod/{name} {verb}\n"));
                        output::flush_stdout();
                    }
                    Err(e) => return Err(WaitError::Api(api_message(&e))),
                    Ok(resp) => {
                        let fresh: Value = resp.json().map_err(|e| WaitError::Api(e.to_string()))?;
                        if fresh["metadata"]["uid"] != pod["metadata"]["uid"] {
                            output::print(&format!("pod/{name} {verb}\n"));
                            output::flush_stdout();
                        } else if filters::should_skip(&fresh, self.skip_wait) {
                            output::print(&format!(
                                "pod {} has DeletionTimestamp older than {} seconds, skipping\n",
                                crate::gostr::quote(&name),
                                self.skip_wait
                            ));
                        } else {
                            pending.push(pod);
                        }
                    }
                }
            }
            if pending.is_empty() {
                return Ok(());
            }
            if self.timed_out() {
                return Err(WaitError::Timeout(pending));
            }
            pods = pending;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

fn terminating_cause(e: &ClientError) -> bool {
    match e {
        ClientError::Api { status, .. } => status.details.as_ref().and_then(|d| d["causes"].as_array()).is_some_and(|c| c.iter().any(|c| c["type"] == "NamespaceTerminating")),
        _ => false,
    }
}

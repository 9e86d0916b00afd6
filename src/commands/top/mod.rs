//! `kctl top node|pod`: resource usage from the Metrics API
//! (metrics.k8s.io/v1beta1), with kubectl's error when it is not served.

use std::collections::BTreeMap;

use clap::Subcommand;
use serde_json::Value;

use crate::client::{Client, Request};
use crate::error::CliError;
use crate::settings::Settings;

pub mod printer;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<TopCommand>,
}

#[derive(Debug, Subcommand)]
pub enum TopCommand {
    /// Display resource (CPU/memory) usage of nodes
    #[command(visible_alias = "nodes", alias = "no")]
    Node(NodeArgs),
    /// Display resource (CPU/memory) usage of pods
    #[command(visible_alias = "pods", alias = "po")]
    Pod(PodArgs),
    /// Anything else: kubectl's "unknown command" error.
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

#[derive(Debug, clap::Args)]
pub struct NodeArgs {
    /// NAME
    pub name: Vec<String>,
    /// If present, print output without headers
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub no_headers: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long, default_value = "")]
    pub selector: String,
    /// Print node resources based on Capacity instead of Allocatable(default) of the nodes.
    #[arg(long = "show-capacity", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub show_capacity: bool,
    /// If non-empty, sort nodes list using specified field. The field can be either 'cpu' or 'memory'.
    #[arg(long = "sort-by", default_value = "")]
    pub sort_by: String,
    /// Enables using protocol-buffers to access Metrics API.
    #[arg(long = "use-protocol-buffers", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub use_protocol_buffers: bool,
}

#[derive(Debug, clap::Args)]
pub struct PodArgs {
    /// NAME
    pub name: Vec<String>,
    /// If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub all_namespaces: bool,
    /// If present, print usage of containers within a pod.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub containers: bool,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type.
    #[arg(long = "field-selector", default_value = "")]
    pub field_selector: String,
    /// If present, print output without headers.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub no_headers: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long, default_value = "")]
    pub selector: String,
    /// If non-empty, sort pods list using specified field. The field can be either 'cpu' or 'memory'.
    #[arg(long = "sort-by", default_value = "")]
    pub sort_by: String,
    /// Print the sum of the resource usage
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub sum: bool,
    /// Enables using protocol-buffers to access Metrics API.
    #[arg(long = "use-protocol-buffers", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub use_protocol_buffers: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    match args.command {
        Some(TopCommand::Node(a)) => run_node(a, settings),
        Some(TopCommand::Pod(a)) => run_pod(a, settings),
        Some(TopCommand::Unknown(argv)) => {
            let name = argv.first().map(String::as_str).unwrap_or("");
            Err(CliError::Raw(format!("error: unknown command \"{name}\"\nSee 'kctl top -h' for help and examples")))
        }
        None => {
            // kubectl prints the group's help, then fails.
            crate::output::print(HELP);
            Err(CliError::Exit(1))
        }
    }
}

const HELP: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kctl top [flags] [options]

Use \"kctl top <command> --help\" for more information about a given command.
Use \"kctl options\" for a list of global command-line options (applies to all commands).
";

const METRICS: &str = "/apis/metrics.k8s.io/v1beta1";

fn validate(what: &str, names: &[String], selector: &str, sort_by: &str) -> Result<Option<String>, CliError> {
    let name = match names {
        [] => None,
        [n] => Some(n.clone()),
        _ => return Err(CliError::Raw(format!("error: {what} [NAME | -l label]\nSee 'kctl top {what} -h' for help and examples"))),
    };
    if !sort_by.is_empty() && sort_by != "cpu" && sort_by != "memory" {
        return Err(CliError::msg("--sort-by accepts only cpu or memory"));
    }
    if name.is_some() && !selector.is_empty() {
        return Err(CliError::msg("only one of NAME or selector can be provided"));
    }
    Ok(name)
}

/// kubectl asks the group list whether metrics.k8s.io serves v1beta1.
async fn metrics_available(client: &Client) -> Result<bool, CliError> {
    let groups: Value = client.send(&Request::get("/apis")).await?.json()?;
    Ok(groups["groups"].as_array().into_iter().flatten().any(|g| {
        g["name"] == "metrics.k8s.io" && g["versions"].as_array().into_iter().flatten().any(|v| v["version"] == "v1beta1")
    }))
}

fn items(list: Value) -> Vec<Value> {
    match list {
        Value::Object(mut m) => match m.remove("items") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn run_node(args: NodeArgs, settings: &Settings) -> Result<(), CliError> {
    let name = validate("node", &args.name, &args.selector, &args.sort_by)?;
    let client = settings.client()?;
    crate::commands::runtime().block_on(async {
        if !metrics_available(&client).await? {
            return Err(CliError::msg("Metrics API not available"));
        }
        let with_selector = |r: Request| if args.selector.is_empty() { r } else { r.query("labelSelector", args.selector.clone()) };
        let (metrics, nodes) = match &name {
            Some(n) => {
                let m: Value = client.send(&Request::get(format!("{METRICS}/nodes/{n}"))).await?.json()?;
                let node: Value = client.send(&Request::get(format!("/api/v1/nodes/{n}"))).await?.json()?;
                (vec![m], vec![node])
            }
            None => {
                let m = items(client.send(&with_selector(Request::get(format!("{METRICS}/nodes")))).await?.json()?);
                if m.is_empty() {
                    return Err(CliError::msg("metrics not available yet"));
                }
                let nodes = items(client.send(&with_selector(Request::get("/api/v1/nodes"))).await?.json()?);
                (m, nodes)
            }
        };
        let field = if args.show_capacity { "capacity" } else { "allocatable" };
        let available: BTreeMap<String, Value> =
            nodes.iter().map(|n| (n["metadata"]["name"].as_str().unwrap_or("").to_string(), n["status"][field].clone())).collect();
        crate::output::print(&printer::nodes(&metrics, &available, args.no_headers, &args.sort_by));
        Ok(())
    })
}

fn run_pod(args: PodArgs, settings: &Settings) -> Result<(), CliError> {
    let name = validate("pod", &args.name, &args.selector, &args.sort_by)?;
    let client = settings.client()?;
    let namespace = client.config().namespace.clone();
    crate::commands::runtime().block_on(async {
        if !metrics_available(&client).await? {
            return Err(CliError::msg("Metrics API not available"));
        }
        let base = if args.all_namespaces { format!("{METRICS}/pods") } else { format!("{METRICS}/namespaces/{namespace}/pods") };
        let metrics = match &name {
            Some(n) => vec![client.send(&Request::get(format!("{METRICS}/namespaces/{namespace}/pods/{n}"))).await?.json::<Value>()?],
            None => {
                let mut req = Request::get(base);
                if !args.selector.is_empty() {
                    req = req.query("labelSelector", args.selector.clone());
                }
                if !args.field_selector.is_empty() {
                    req = req.query("fieldSelector", args.field_selector.clone());
                }
                items(client.send(&req).await?.json()?)
            }
        };
        if metrics.is_empty() {
            // Young pods without metrics mean "not yet"; no pods at all is no error.
            let mut req = Request::get(if args.all_namespaces { "/api/v1/pods".to_string() } else { format!("/api/v1/namespaces/{namespace}/pods") });
            if !args.selector.is_empty() {
                req = req.query("labelSelector", args.selector.clone());
            }
            if !args.field_selector.is_empty() {
                req = req.query("fieldSelector", args.field_selector.clone());
            }
            let pods = items(client.send(&req).await?.json()?);
            if pods.iter().any(|p| young(&p["metadata"]["creationTimestamp"])) {
                return Err(CliError::msg("metrics not available yet"));
            }
            if args.all_namespaces {
                eprintln!("No resources found");
            } else {
                eprintln!("No resources found in {namespace} namespace.");
            }
            return Ok(());
        }
        crate::output::print(&printer::pods(&metrics, args.containers, args.all_namespaces, args.no_headers, &args.sort_by, args.sum));
        Ok(())
    })
}

/// kubectl's metricsCreationDelay: pods younger than two minutes may simply
/// not have been measured yet.
fn young(created: &Value) -> bool {
    let Some(t) = created.as_str().and_then(crate::client::exec::parse_rfc3339) else { return false };
    std::time::SystemTime::now().duration_since(t).map_or(true, |age| age <= std::time::Duration::from_secs(120))
}

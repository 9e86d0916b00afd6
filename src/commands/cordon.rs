//! `kctl cordon` / `kctl uncordon`: set a node's spec.unschedulable with a
//! strategic merge patch, as kubectl's cordon helper does. The node lookup and
//! the cordoning step are shared with `drain`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, Request};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// NODE
    pub nodes: Vec<String>,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

pub fn run_cordon(args: Args, settings: &Settings) -> Result<(), CliError> {
    run(args, settings, true)
}

pub fn run_uncordon(args: Args, settings: &Settings) -> Result<(), CliError> {
    run(args, settings, false)
}

fn run(args: Args, settings: &Settings, desired: bool) -> Result<(), CliError> {
    let verb = if desired { "cordon" } else { "uncordon" };
    check_usage(verb, &args.nodes, args.selector.as_deref())?;
    let dry_run = parse_dry_run(&args.dry_run)?;
    let client = settings.client()?;
    crate::commands::runtime().block_on(async {
        let nodes = find_nodes(&client, &args.nodes, args.selector.as_deref()).await?;
        set_unschedulable(&client, &nodes, desired, dry_run).await;
        Ok(())
    })
}

/// The checks kubectl's drain options make before touching the server.
pub fn check_usage(verb: &str, nodes: &[String], selector: Option<&str>) -> Result<(), CliError> {
    if nodes.is_empty() && selector.is_none() {
        return Err(CliError::msg(format!("USAGE: {verb} NODE [flags]\nSee 'kctl {verb} -h' for help and examples")));
    }
    if !nodes.is_empty() && selector.is_some_and(|s| !s.is_empty()) {
        return Err(CliError::msg(format!("cannot specify both a node name and a --selector option\nSee 'kctl {verb} -h' for help and examples")));
    }
    Ok(())
}

/// `--dry-run`, with kubectl's warning for the bare deprecated form.
pub fn parse_dry_run(value: &str) -> Result<DryRun, CliError> {
    let dry_run = DryRun::parse(value)?;
    if value == "unchanged" {
        crate::client::log::emit('W', "helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client.");
    }
    Ok(dry_run)
}

pub fn node_path(name: &str) -> String {
    format!("/api/v1/nodes/{name}")
}

/// The builder's view of the nodes: each name fetched in order (the first
/// error ends the command), or all nodes matching the selector.
pub async fn find_nodes(client: &Client, names: &[String], selector: Option<&str>) -> Result<Vec<Value>, CliError> {
    let mut nodes = Vec::new();
    if let Some(sel) = selector.filter(|s| !s.is_empty()) {
        let list: Value = client.send(&Request::get("/api/v1/nodes").query("labelSelector", sel)).await?.json()?;
        for mut item in list["items"].as_array().cloned().unwrap_or_default() {
            item["kind"] = json!("Node");
            item["apiVersion"] = json!("v1");
            nodes.push(item);
        }
        return Ok(nodes);
    }
    for name in names {
        let name = name.strip_prefix("nodes/").or_else(|| name.strip_prefix("node/")).unwrap_or(name);
        nodes.push(client.send(&Request::get(node_path(name))).await?.json()?);
    }
    Ok(nodes)
}

pub fn node_name(node: &Value) -> &str {
    node["metadata"]["name"].as_str().unwrap_or("")
}

/// Cordon or uncordon each node, printing kubectl's line for each; failures
/// are reported on stderr and do not stop the others (nor fail the command).
pub async fn set_unschedulable(client: &Client, nodes: &[Value], desired: bool, dry_run: DryRun) {
    let (verb, done) = if desired { ("cordon", "cordoned") } else { ("uncordon", "uncordoned") };
    for node in nodes {
        let name = node_name(node);
        let current = node["spec"]["unschedulable"].as_bool().unwrap_or(false);
        if current == desired {
            output::print(&format!("node/{name} already {done}{}\n", dry_run.suffix()));
            output::flush_stdout();
            continue;
        }
        if dry_run != DryRun::Client {
            // kubectl's two-way merge patch: false is the field's zero value, so it is removed.
            let value = if desired { json!(true) } else { Value::Null };
            let patch = json!({ "spec": { "unschedulable": value } });
            let mut req = Request::new(Method::PATCH, node_path(name))
                .json_body("application/strategic-merge-patch+json", crate::printers::json::to_string_compact(&patch).into_bytes());
            if dry_run == DryRun::Server {
                req = req.query("dryRun", "All");
            }
            if let Err(e) = client.send(&req).await {
                output::flush_stdout();
                eprintln!("error: unable to {verb} node {}: {}", crate::gostr::quote(name), CliError::from(e).to_string().trim_start_matches("error: "));
                continue;
            }
        }
        output::print(&format!("node/{name} {done}{}\n", dry_run.suffix()));
        output::flush_stdout();
    }
}

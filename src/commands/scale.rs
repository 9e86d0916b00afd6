//! `kctl scale`: set replicas through the scale subresource.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Request, ResourcePath};
use crate::commands::targets;
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME)
    pub args: Vec<String>,
    /// Select all resources in the namespace of the specified resource types
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// Precondition for current size. Requires that the current size of the resource match this value in order to scale.
    #[arg(long = "current-replicas", default_value_t = -1, allow_negative_numbers = true)]
    pub current_replicas: i64,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Output format. One of: (name).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// The new desired number of replicas. Required.
    #[arg(long)]
    pub replicas: Option<i64>,
    /// Precondition for resource version.
    #[arg(long = "resource-version")]
    pub resource_version: Option<String>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let Some(replicas) = args.replicas else {
        // kubectl's flag library reports this through klog.
        crate::client::log::emit('E', "run.go:72", "\"command failed\" err=\"required flag(s) \\\"replicas\\\" not set\"");
        return Err(CliError::Exit(1));
    };
    if replicas < 0 {
        return Err(CliError::msg("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"));
    }
    let dry_run = crate::commands::DryRun::parse(&args.dry_run)?;
    if args.args.is_empty() {
        return Err(CliError::msg("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let selection = targets::parse(&args.args)?;
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let resolved = targets::resolve_on_server(&client, &settings.cache_dir, &selection).await?;
        let ns = client.config().namespace.clone();
        let suffix = dry_run.suffix();
        for t in &resolved {
            let r = &t.resource;
            let namespace = if r.namespaced { Some(ns.as_str()) } else { None };
            let mut names = t.names.clone();
            if names.is_empty() {
                if !(args.all.unwrap_or(false) || args.selector.is_some()) {
                    return Err(CliError::msg("resource(s) were provided, but no name was specified"));
                }
                let mut req = Request::get(ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path());
                if let Some(s) = &args.selector {
                    req = req.query("labelSelector", s.clone());
                }
                let list: Value = client.send(&req).await?.json()?;
                names = list["items"].as_array().into_iter().flatten().filter_map(|i| i["metadata"]["name"].as_str().map(String::from)).collect();
            }
            for name in &names {
                let path = |sub: Option<&'static str>| ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(name), subresource: sub }.to_path();
                // Like kubectl: the object first; a missing one means nothing to scale.
                if let Err(e) = client.send(&Request::get(path(None))).await {
                    if let crate::client::ClientError::Api { status, .. } = &e {
                        if e.is_not_found() {
                            return Err(CliError::msg(format!("no objects passed to scale {}", status.message)));
                        }
                    }
                    return Err(e.into());
                }
                if args.current_replicas >= 0 || args.resource_version.is_some() {
                    let scale: Value = client.send(&Request::get(path(Some("scale")))).await?.json()?;
                    let current = scale["spec"]["replicas"].as_i64().unwrap_or(0);
                    if args.current_replicas >= 0 && current != args.current_replicas {
                        return Err(CliError::msg(format!("Expected replicas to be {}, was {current}", args.current_replicas)));
                    }
                    if let Some(rv) = &args.resource_version {
                        let have = scale["metadata"]["resourceVersion"].as_str().unwrap_or("");
                        if have != rv {
                            return Err(CliError::msg(format!("Expected resourceVersion to be {rv}, was {have}")));
                        }
                    }
                }
                if dry_run != DryRun::Client {
                    let body = crate::printers::json::to_string_compact(&json!({"spec": {"replicas": replicas}}));
                    let mut req = Request::new(Method::PATCH, path(Some("scale"))).json_body("application/merge-patch+json", body.into_bytes());
                    if dry_run == DryRun::Server {
                        req = req.query("dryRun", "All");
                    }
                    client.send(&req).await?;
                }
                let who = format!("{}{name}", crate::commands::get::table_kind_prefix(&r.kind, &r.group));
                if args.output.as_deref() == Some("name") {
                    output::print(&format!("{who}\n"));
                } else {
                    output::print(&format!("{who} scaled{suffix}\n"));
                }
            }
        }
        Ok(())
    })
}

//! `kctl delete`: by name, selector, `--all`, across namespaces, waiting for the
//! objects to disappear unless `--wait=false`.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::targets::{self, Selection, Target};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TYPE NAME ... | TYPE/NAME ...
    pub args: Vec<String>,
    /// Delete all resources, in the namespace of the specified resource types.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all_namespaces: Option<bool>,
    /// Must be "background", "orphan", or "foreground".
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "background", default_value = "background")]
    pub cascade: String,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Selector (field query) to filter on.
    #[arg(long = "field-selector")]
    pub field_selector: Option<String>,
    /// containing the resource to delete.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process a kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// If true, immediately remove resources from API and bypass graceful deletion.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force: Option<bool>,
    /// Period of time in seconds given to the resource to terminate gracefully.
    #[arg(long = "grace-period", default_value_t = -1, allow_negative_numbers = true)]
    pub grace_period: i64,
    /// Treat "resource not found" as a successful delete.
    #[arg(long = "ignore-not-found", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub ignore_not_found: Option<bool>,
    /// If true, delete resource only when user confirms.
    #[arg(short = 'i', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub interactive: Option<bool>,
    /// If true, resources are signaled for immediate shutdown (same as --grace-period=1).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub now: Option<bool>,
    /// Output mode. Use "-o name" for shorter output (resource/name).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object
    #[arg(long, default_value = "0s")]
    pub timeout: String,
    /// If true, wait for resources to be gone before returning.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub wait: bool,
}

pub const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

fn flag(v: Option<bool>) -> bool {
    v.unwrap_or(false)
}

/// One object to delete.
#[derive(Debug, Clone)]
struct Victim {
    target: usize,
    namespace: Option<String>,
    name: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let cascade = match args.cascade.as_str() {
        "background" | "true" => "Background",
        "foreground" => "Foreground",
        "orphan" | "false" => "Orphan",
        other => return Err(CliError::msg(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""))),
    };
    let dry_run = crate::commands::DryRun::parse(&args.dry_run)?;
    if flag(args.now) && args.grace_period != -1 {
        return Err(CliError::msg("--now and --grace-period cannot be specified together"));
    }
    let force = flag(args.force);
    let mut grace = args.grace_period;
    if flag(args.now) {
        grace = 1;
    }
    if force && grace == -1 {
        grace = 0;
    }
    if force && grace == 0 {
        eprintln!("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NO_RESOURCES));
    }
    let bulk = flag(args.all) || args.selector.is_some() || args.field_selector.is_some();
    let selection = if args.filename.is_empty() { Some(targets::parse(&args.args)?) } else { None };
    if let Some(Selection::Types { names, .. }) = &selection {
        if names.is_empty() && !bulk {
            return Err(CliError::msg("resource(s) were provided, but no name was specified"));
        }
        if !names.is_empty() && bulk {
            return Err(CliError::msg("name cannot be provided when a selector is specified"));
        }
    }
    let ignore_not_found = args.ignore_not_found.unwrap_or(flag(args.all));
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let (resolved, problems) = match &selection {
            Some(sel) => (targets::resolve_on_server(&client, &settings.cache_dir, sel).await?, Vec::new()),
            None => targets::from_manifests(&client, &settings.cache_dir, &args.filename, flag(args.recursive)).await?,
        };
        let namespace = client.config().namespace.clone();
        let all_ns = flag(args.all_namespaces);
        let (victims, mut errors) = gather(&client, &resolved, &namespace, all_ns, &args).await?;
        if victims.is_empty() && errors.is_empty() && problems.is_empty() {
            // Unlike get, delete says so on stdout.
            output::print("No resources found\n");
            return Ok(());
        }
        if flag(args.interactive) && !confirm(&resolved, &victims)? {
            output::print("deletion is cancelled\n");
            return Ok(());
        }
        if client.config().namespace_explicit && victims.iter().any(|v| !resolved[v.target].resource.namespaced) {
            eprintln!("Warning: deleting cluster-scoped resources, not scoped to the provided namespace");
        }
        let mut deleted = Vec::new();
        let suffix = dry_run.suffix();
        for v in &victims {
            let t = &resolved[v.target];
            let result = if dry_run == DryRun::Client {
                Ok(None)
            } else {
                delete_one(&client, t, v, cascade, grace, dry_run != DryRun::None).await.map(Some)
            };
            match result {
                Ok(uid) => {
                    let what = if force && grace == 0 { "force deleted" } else { "deleted" };
                    let line = if args.output.as_deref() == Some("name") {
                        format!("{}{}\n", crate::commands::get::table_kind_prefix(&t.resource.kind, &t.resource.group), v.name)
                    } else {
                        format!("{} \"{}\" {what}{suffix}\n", kind_word(&t.resource.kind, &t.resource.group), v.name)
                    };
                    output::print(&line);
                    if let Some(uid) = uid {
                        deleted.push((v.clone(), uid));
                    }
                }
                Err(e) if e.is_not_found() && ignore_not_found => {}
                Err(e) if e.is_transport() => return Err(e.into()),
                Err(e) => errors.push(from_file(e, t.source.as_deref())),
            }
        }
        if args.wait && dry_run == DryRun::None && !(force && grace == 0) {
            let limit = crate::settings::parse_go_duration(&args.timeout).filter(|d| !d.is_zero());
            wait_gone(&client, &resolved, &deleted, limit).await?;
        }
        finish(errors, problems)
    })
}

/// kubectl names the manifest in errors about objects it named.
fn from_file(e: ClientError, source: Option<&str>) -> ClientError {
    match (e, source) {
        (ClientError::Api { mut status, http_code }, Some(src)) => {
            status.message = format!("error when deleting {src:?}: {}", status.message);
            ClientError::Api { status, http_code }
        }
        (e, _) => e,
    }
}

/// `deployment.apps`, `configmap`: how kubectl names a kind in messages.
pub fn kind_word(kind: &str, group: &str) -> String {
    if group.is_empty() {
        kind.to_lowercase()
    } else {
        format!("{}.{group}", kind.to_lowercase())
    }
}

fn finish(errors: Vec<ClientError>, problems: Vec<String>) -> Result<(), CliError> {
    let mut all: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    all.extend(problems);
    match all.len() {
        0 => Ok(()),
        1 if errors.len() == 1 => Err(errors.into_iter().next().unwrap().into()),
        1 => Err(CliError::Message(all.remove(0))),
        _ => {
            output::flush_stdout();
            Err(CliError::Raw(all.join("\n")))
        }
    }
}

fn item_path(t: &Target, namespace: Option<&str>, name: Option<&str>) -> String {
    let r = &t.resource;
    ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: if r.namespaced { namespace } else { None }, name, subresource: None }.to_path()
}

/// Named objects as given; selectors and --all list first.
async fn gather(client: &Client, resolved: &[Target], namespace: &str, all_ns: bool, args: &Args) -> Result<(Vec<Victim>, Vec<ClientError>), CliError> {
    let mut victims = Vec::new();
    let mut errors = Vec::new();
    for (i, t) in resolved.iter().enumerate() {
        if !t.names.is_empty() {
            for n in &t.names {
                victims.push(Victim { target: i, namespace: Some(t.namespace.clone().unwrap_or_else(|| namespace.to_string())), name: n.clone() });
            }
            continue;
        }
        let ns = if all_ns { None } else { Some(namespace) };
        let mut req = Request::get(item_path(t, ns, None));
        if let Some(s) = &args.selector {
            req = req.query("labelSelector", s.clone());
        }
        if let Some(s) = &args.field_selector {
            req = req.query("fieldSelector", s.clone());
        }
        match client.send(&req).await {
            Ok(resp) => {
                let list: Value = resp.json()?;
                for item in list["items"].as_array().into_iter().flatten() {
                    let meta = &item["metadata"];
                    victims.push(Victim {
                        target: i,
                        namespace: meta["namespace"].as_str().map(String::from),
                        name: meta["name"].as_str().unwrap_or("").to_string(),
                    });
                }
            }
            Err(e) if e.is_transport() => return Err(e.into()),
            Err(e) => errors.push(e),
        }
    }
    Ok((victims, errors))
}

async fn delete_one(client: &Client, t: &Target, v: &Victim, cascade: &str, grace: i64, server_dry_run: bool) -> Result<String, ClientError> {
    let mut body = json!({ "propagationPolicy": cascade });
    if grace >= 0 {
        body["gracePeriodSeconds"] = json!(grace);
    }
    if server_dry_run {
        body["dryRun"] = json!(["All"]);
    }
    let mut req = Request::new(Method::DELETE, item_path(t, v.namespace.as_deref(), Some(&v.name)))
        .json_body("application/json", crate::printers::json::to_string_compact(&body).into_bytes());
    if server_dry_run {
        req = req.query("dryRun", "All");
    }
    let resp = client.send(&req).await?;
    let obj: Value = resp.json().unwrap_or(Value::Null);
    // A Status answer (already gone) has no uid; the object itself does.
    Ok(obj["metadata"]["uid"].as_str().or(obj["details"]["uid"].as_str()).unwrap_or("").to_string())
}

/// Poll until every deleted object is gone (or replaced by one with another uid).
async fn wait_gone(client: &Client, resolved: &[Target], deleted: &[(Victim, String)], limit: Option<Duration>) -> Result<(), CliError> {
    let start = Instant::now();
    for (v, uid) in deleted {
        let t = &resolved[v.target];
        let req = Request::get(item_path(t, v.namespace.as_deref(), Some(&v.name)));
        loop {
            match client.send(&req).await {
                Err(e) if e.is_not_found() => break,
                Ok(resp) => {
                    let obj: Value = resp.json().unwrap_or(Value::Null);
                    if !uid.is_empty() && obj["metadata"]["uid"].as_str() != Some(uid.as_str()) {
                        break;
                    }
                }
                Err(e) => return Err(e.into()),
            }
            if let Some(l) = limit {
                if start.elapsed() >= l {
                    return Err(CliError::msg(format!("timed out waiting for the condition on {}/{}", t.resource.name, v.name)));
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    Ok(())
}

fn confirm(resolved: &[Target], victims: &[Victim]) -> Result<bool, CliError> {
    let mut text = format!("You are about to delete the following {} resource(s):\n", victims.len());
    for v in victims {
        let t = &resolved[v.target];
        text.push_str(&format!("{}/{}\n", kind_word(&t.resource.kind, &t.resource.group), v.name));
    }
    text.push_str("Do you want to continue? (y/n): ");
    output::print(&text);
    output::flush_stdout();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

//! `kctl rollout undo`: restore a previous revision's pod template.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::revisions::{self, Revision};
use super::{Failure, Found, PrintArgs, Selection, WorkloadKind};
use crate::client::{Client, Request};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub print: PrintArgs,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// The revision to rollback to. Default to 0 (last revision).
    #[arg(long = "to-revision", default_value_t = 0, allow_negative_numbers = true)]
    pub to_revision: i64,
}

/// kubectl sends no field manager here; the server then names the manager
/// after kubectl's user agent, which this reproduces.
const FIELD_MANAGER: &str = "kubectl";

/// Annotations a rollback keeps from the Deployment rather than the ReplicaSet.
const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

fn not_found(r: i64) -> String {
    format!("unable to find specified revision {r} in history")
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let dry_run = DryRun::parse(&args.dry_run)?;
    if args.dry_run == "unchanged" {
        crate::client::log::emit('W', "helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client.");
    }
    let format = args.print.format()?;
    super::require_resources(&args.selection)?;
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let found = super::collect(&client, settings, &args.selection).await?;
        let mut errors = Vec::new();
        for f in found {
            let result = match f {
                Ok(f) => match rollback(&client, &f, args.to_revision, dry_run).await {
                    Ok(op) => args.print.render(&format, &f.object, Some(&f.ordered), &format!("{op}{}", dry_run.suffix())).map_err(super::error_line),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match result {
                Ok(text) => {
                    output::print(&text);
                    output::flush_stdout();
                }
                Err(e) => errors.push(e),
            }
        }
        super::finish(errors)
    })
}

/// kubectl's Rollbacker: the operation text to print, or the error line.
async fn rollback(client: &Client, f: &Found, to: i64, dry_run: DryRun) -> Result<String, Failure> {
    let kind = f.kind();
    if kind == WorkloadKind::Other {
        return Err(f.no_visitor("rollbacker", "rollbacker"));
    }
    if to < 0 {
        return Err(not_found(to).into());
    }
    match kind {
        WorkloadKind::Deployment => deployment(client, f, to, dry_run).await,
        _ => controller_revision(client, f, to, dry_run).await,
    }
}

async fn send_patch(client: &Client, f: &Found, content_type: &str, body: String, dry_run: DryRun, to: i64) -> Result<(), Failure> {
    let mut req = Request::new(Method::PATCH, f.path(None)).query("fieldManager", FIELD_MANAGER).json_body(content_type, body.into_bytes());
    if dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    client.send(&req).await.map_err(|e| format!("failed restoring revision {to}: {}", super::plain_error(&e)))?;
    Ok(())
}

async fn deployment(client: &Client, f: &Found, to: i64, dry_run: DryRun) -> Result<String, Failure> {
    let live = revisions::live(client, f).await.map_err(|e| format!("failed to retrieve Deployment {}: {}", f.name, e.message()))?.to_value();
    let all = revisions::replica_sets(client, f, &live).await?;
    let target = pick_replica_set(&all, to).ok_or_else(|| if to > 0 { not_found(to) } else { format!("no rollout history found for deployment {}", crate::client::log::go_quote(&f.name)) })?;
    let mut template = target.object["spec"]["template"].clone();
    if dry_run == DryRun::Client {
        return Ok(super::pod_template::describe(&template));
    }
    if live["spec"]["paused"].as_bool() == Some(true) {
        return Err("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    if revisions::templates_equal_ignoring_hash(&template, &live["spec"]["template"]) {
        return Ok(format!("skipped rollback (current template already matches revision {to})"));
    }
    if let Some(labels) = template["metadata"]["labels"].as_object_mut() {
        labels.remove("pod-template-hash");
    }
    let mut annotations = Map::new();
    for k in ANNOTATIONS_TO_SKIP {
        if let Some(v) = live["metadata"]["annotations"].get(*k) {
            annotations.insert(k.to_string(), v.clone());
        }
    }
    for (k, v) in target.object["metadata"]["annotations"].as_object().into_iter().flatten() {
        if !ANNOTATIONS_TO_SKIP.contains(&k.as_str()) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    let patch = json!([
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "replace", "path": "/metadata/annotations", "value": Value::Object(annotations)},
    ]);
    send_patch(client, f, "application/json-patch+json", crate::printers::json::to_string_compact(&patch), dry_run, to).await?;
    Ok("rolled back".into())
}

/// The ReplicaSet of revision `to`, or for 0 the one before the latest.
fn pick_replica_set(all: &[Revision], to: i64) -> Option<&Revision> {
    if to > 0 {
        return all.iter().find(|r| r.number == to);
    }
    let (mut latest, mut previous): (Option<&Revision>, Option<&Revision>) = (None, None);
    for rs in all {
        if latest.is_none_or(|l| l.number < rs.number) {
            previous = latest;
            latest = Some(rs);
        } else if previous.is_none_or(|p| p.number < rs.number) {
            previous = Some(rs);
        }
    }
    previous
}

async fn controller_revision(client: &Client, f: &Found, to: i64, dry_run: DryRun) -> Result<String, Failure> {
    let kind = f.kind();
    let live_o = revisions::live(client, f).await.map_err(|e| {
        let e = e.message();
        if kind == WorkloadKind::DaemonSet {
            format!("failed to retrieve DaemonSet {}: {e}", f.name)
        } else {
            format!("failed to retrieve Statefulset {}: {e}", f.name)
        }
    })?;
    let live = live_o.to_value();
    let mut history = revisions::controller_revisions(client, f, &live).await?;
    if to == 0 && history.len() <= 1 {
        return Err("no last revision to roll back to".into());
    }
    let target = if to == 0 {
        history.sort_by_key(|r| r.number);
        history.get(history.len() - 2).cloned()
    } else {
        history.iter().find(|r| r.number == to).cloned()
    };
    let target = target.ok_or_else(|| not_found(to))?;
    if dry_run == DryRun::Client {
        let applied = revisions::apply_revision(&live_o, &target, kind).to_value();
        return Ok(format!("will roll back to {}", super::pod_template::describe(&applied["spec"]["template"])));
    }
    if revisions::matches_current(&live, &target) {
        return Ok(format!("skipped rollback (current template already matches revision {to})"));
    }
    let data = target.ordered.get("data").cloned().unwrap_or(super::ordered::OValue::Null);
    send_patch(client, f, "application/strategic-merge-patch+json", crate::printers::json::to_string_compact(&data), dry_run, to).await?;
    Ok("rolled back".into())
}

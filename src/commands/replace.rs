//! `kctl replace`: PUT every object the manifests name (or delete and create
//! them with `--force`).

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request};
use crate::commands::manifests::{self, ResolveError, Resolved};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The files that contain the configurations to replace.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process a kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-replace")]
    pub field_manager: String,
    /// If true, immediately remove resources from API and bypass graceful deletion.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, the configuration of current object will be saved in its annotation.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub save_config: Option<bool>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    if args.filename.is_empty() {
        return Err(CliError::msg("must specify one of -f and -k"));
    }
    let dry_run = DryRun::parse(&args.dry_run)?;
    let format = OutputFormat::parse(args.output.as_deref(), None)?;
    let items = manifests::read(&args.filename, args.recursive.unwrap_or(false), true)?;
    let client = settings.client()?;
    let cfg = client.config();
    let (ns, explicit) = (cfg.namespace.clone(), cfg.namespace_explicit);
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let resolved = manifests::resolve(&client, &settings.cache_dir, items, &ns, explicit).await?;
        let mut errors = Vec::new();
        let mut text = String::new();
        for r in resolved {
            let r = match r {
                Ok(r) => r,
                Err(ResolveError::Builder(m)) | Err(ResolveError::Visit(m)) => {
                    errors.push(m);
                    continue;
                }
            };
            let obj = if args.save_config.unwrap_or(false) { crate::patch::modified_configuration(&r.object, true) } else { r.object.clone() };
            let result = if args.force.unwrap_or(false) {
                force_replace(&client, &r, obj, &args, dry_run, &mut text).await
            } else {
                replace_one(&client, &r, obj, &args, dry_run).await
            };
            match result {
                Ok(done) => text.push_str(&match &format {
                    OutputFormat::Name => format!("{}\n", r.kind_name()),
                    OutputFormat::Json => crate::printers::json::to_string(&done),
                    OutputFormat::Yaml => crate::printers::yaml::to_string(&done),
                    _ => format!("{} replaced{}\n", r.kind_name(), dry_run.suffix()),
                }),
                Err(e) if e.is_transport() => return Err(e.into()),
                Err(e) => errors.push(when_replacing(e, &r.doc.source)),
            }
        }
        output::print(&text);
        match errors.len() {
            0 => Ok(()),
            1 if errors[0].starts_with("Error from server") || errors[0].starts_with("The ") => Err(CliError::Raw(errors.remove(0))),
            1 => Err(CliError::Message(errors.remove(0))),
            _ => Err(CliError::Raw(errors.join("\n"))),
        }
    })
}

fn write_query(req: Request, args: &Args, dry_run: DryRun) -> Request {
    let req = req.query("fieldManager", args.field_manager.clone()).query("fieldValidation", "Strict");
    if dry_run == DryRun::Server {
        req.query("dryRun", "All")
    } else {
        req
    }
}

/// kubectl copies the live resourceVersion into an object that has none.
async fn replace_one(client: &Client, r: &Resolved, mut obj: Value, args: &Args, dry_run: DryRun) -> Result<Value, ClientError> {
    let live: Value = client.send(&Request::get(r.path(Some(&r.name)))).await?.json()?;
    if obj["metadata"]["resourceVersion"].as_str().unwrap_or("").is_empty() {
        obj["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"].clone();
    }
    if dry_run == DryRun::Client {
        return Ok(obj);
    }
    let req = Request::new(Method::PUT, r.path(Some(&r.name))).json_body("application/json", crate::patch::to_go_json(&obj).into_bytes());
    client.send(&write_query(req, args, dry_run)).await?.json()
}

/// `--force`: delete, wait until the object is gone, create it again.
async fn force_replace(client: &Client, r: &Resolved, obj: Value, args: &Args, dry_run: DryRun, text: &mut String) -> Result<Value, ClientError> {
    if dry_run == DryRun::Client {
        text.push_str(&format!("{} {:?} deleted{}\n", crate::commands::delete::kind_word(&r.resource.kind, &r.resource.group), r.name, dry_run.suffix()));
        return Ok(obj);
    }
    let body = crate::patch::to_go_json(&json!({"propagationPolicy": "Background"}));
    let mut del = Request::new(Method::DELETE, r.path(Some(&r.name))).json_body("application/json", body.into_bytes());
    if dry_run == DryRun::Server {
        del = del.query("dryRun", "All");
    }
    match client.send(&del).await {
        Ok(_) => text.push_str(&format!("{} {:?} deleted\n", crate::commands::delete::kind_word(&r.resource.kind, &r.resource.group), r.name)),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    if dry_run != DryRun::Server {
        while client.send(&Request::get(r.path(Some(&r.name)))).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let mut obj = obj;
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
    }
    let req = Request::new(Method::POST, r.path(None)).json_body("application/json", crate::patch::to_go_json(&obj).into_bytes());
    client.send(&write_query(req, args, dry_run)).await?.json()
}

/// `Error from server (NotFound): error when replacing "f.yaml": …`
fn when_replacing(e: ClientError, source: &str) -> String {
    match e {
        ClientError::Api { mut status, http_code } => {
            status.message = format!("error when replacing {source:?}: {}", status.message);
            ClientError::Api { status, http_code }.to_string()
        }
        other => other.to_string(),
    }
}

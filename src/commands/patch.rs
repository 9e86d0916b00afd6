//! `kctl patch`: send a strategic, merge or JSON patch as given (YAML or JSON).

use reqwest::Method;
use serde_json::Value;

use crate::client::{Request, ResourcePath};
use crate::commands::targets;
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME)
    pub args: Vec<String>,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-patch")]
    pub field_manager: String,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// The patch to be applied to the resource JSON file.
    #[arg(short = 'p', long)]
    pub patch: Option<String>,
    /// A file containing a patch to be applied to the resource.
    #[arg(long = "patch-file")]
    pub patch_file: Option<String>,
    /// If specified, patch will operate on the subresource of the requested object.
    #[arg(long)]
    pub subresource: Option<String>,
    /// The type of patch being provided; one of [json merge strategic]
    #[arg(long = "type", default_value = "strategic")]
    pub patch_type: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let content_type = match args.patch_type.as_str() {
        "strategic" => "application/strategic-merge-patch+json",
        "merge" => "application/merge-patch+json",
        "json" => "application/json-patch+json",
        other => return Err(CliError::msg(format!("--type must be one of [json merge strategic], not \"{other}\""))),
    };
    let text = match (&args.patch, &args.patch_file) {
        (Some(_), Some(_)) => return Err(CliError::msg("both patch and patch-file cannot be specified")),
        (Some(p), None) => p.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| CliError::msg(format!("unable to read patch file: {}", crate::printers::format::go_io_error(f, &e))))?,
        (None, None) => return Err(CliError::msg("must specify --patch or --patch-file containing the contents of the patch")),
    };
    // kubectl accepts YAML and sends JSON.
    let patch: Value = crate::kubeconfig::yaml::to_json(&text).map_err(|e| CliError::msg(format!("unable to parse \"{text}\": {e}")))?;
    let body = crate::printers::json::to_string_compact(&patch);
    let dry_run = crate::commands::DryRun::parse(&args.dry_run)?;
    let format = OutputFormat::parse(args.output.as_deref(), None)?;
    if args.args.is_empty() {
        return Err(CliError::msg("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let selection = targets::parse(&args.args)?;
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let resolved = targets::resolve_on_server(&client, &settings.cache_dir, &selection).await?;
        let ns = client.config().namespace.clone();
        for t in &resolved {
            let r = &t.resource;
            if t.names.is_empty() {
                return Err(CliError::msg("resource(s) were provided, but no name was specified"));
            }
            let namespace = if r.namespaced { Some(ns.as_str()) } else { None };
            for name in &t.names {
                let sub = args.subresource.as_deref();
                let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(name), subresource: sub }.to_path();
                let before: Value = client.send(&Request::get(path.clone())).await?.json()?;
                let after: Value = if dry_run == DryRun::Client {
                    before.clone()
                } else {
                    let mut req = Request::new(Method::PATCH, path).query("fieldManager", args.field_manager.clone()).json_body(content_type, body.clone().into_bytes());
                    if dry_run == DryRun::Server {
                        req = req.query("dryRun", "All");
                    }
                    client.send(&req).await?.json()?
                };
                let who = format!("{}{name}", crate::commands::get::table_kind_prefix(&r.kind, &r.group));
                let text = match &format {
                    OutputFormat::Table | OutputFormat::Wide => {
                        let what = if before == after { "patched (no change)" } else { "patched" };
                        // kubectl marks only client dry runs here.
                        let suffix = if dry_run == DryRun::Client { " (dry run)" } else { "" };
                        format!("{who} {what}{suffix}\n")
                    }
                    OutputFormat::Name => format!("{who}\n"),
                    OutputFormat::Json => crate::printers::json::to_string(&after),
                    OutputFormat::Yaml => crate::printers::yaml::to_string(&after),
                    OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &after, true).map_err(|e| CliError::msg(e.to_string()))?,
                    _ => return Err(CliError::msg("this output format is not supported by patch yet")),
                };
                output::print(&text);
            }
        }
        Ok(())
    })
}

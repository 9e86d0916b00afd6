//! `kctl patch`: send a strategic, merge or JSON patch as given (YAML or JSON),
//! or with `--local -f` apply it to the objects in the files and print them.

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
    /// Filename, directory, or URL to files identifying the resource to update
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// If true, patch will operate on the content of the file, not the server-side resource.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub local: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// The patch to be applied to the resource JSON file.
    #[arg(short = 'p', long)]
    pub patch: Option<String>,
    /// A file containing a patch to be applied to the resource.
    #[arg(long = "patch-file")]
    pub patch_file: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If specified, patch will operate on the subresource of the requested object.
    #[arg(long)]
    pub subresource: Option<String>,
    /// The type of patch being provided; one of [json merge strategic]
    #[arg(long = "type", default_value = "strategic")]
    pub patch_type: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
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
    if args.local.unwrap_or(false) {
        if !args.args.is_empty() {
            return Err(CliError::msg("cannot specify --local and server resources"));
        }
        if dry_run == DryRun::Server {
            return Err(CliError::msg("cannot specify --local and --dry-run=server - did you mean --dry-run=client?"));
        }
        return run_local(&args, &patch, &format);
    }
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    if !args.args.is_empty() && !args.filename.is_empty() {
        return Err(CliError::msg("resource/name arguments cannot be provided when a path is specified"));
    }
    let selection = if args.filename.is_empty() { Some(targets::parse(&args.args)?) } else { None };
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let resolved = match &selection {
            Some(sel) => targets::resolve_on_server(&client, &settings.cache_dir, sel).await?,
            None => {
                let (t, problems) = targets::from_manifests(&client, &settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?;
                if let Some(p) = problems.into_iter().next() {
                    return Err(CliError::msg(p));
                }
                t
            }
        };
        let default_ns = client.config().namespace.clone();
        for t in &resolved {
            let ns = t.namespace.clone().unwrap_or_else(|| default_ns.clone());
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

/// `--local`: patch each object of the files in memory and print it; kubectl
/// marks no dry run here.
fn run_local(args: &Args, patch: &Value, format: &OutputFormat) -> Result<(), CliError> {
    let items = crate::commands::manifests::read(&args.filename, args.recursive.unwrap_or(false), false)?;
    let mut errors = Vec::new();
    for item in items {
        let doc = match item {
            crate::manifest::Item::Object(doc) => doc,
            crate::manifest::Item::Error(e) => return Err(CliError::msg(e.message)),
        };
        let before = doc.object;
        let (group, _, kind) = crate::patch::group_version_kind(&before);
        let result = match args.patch_type.as_str() {
            "json" => crate::patch::apply_json_patch(&before, patch).map_err(|e| crate::patch::kubectl_json_patch_message(&e)),
            "merge" => crate::patch::apply_merge_patch(&before, patch).map_err(|e| e.to_string()),
            _ => crate::patch::apply_strategic(&before, patch, &crate::patch::BuiltinSchema::for_kind(&kind)).map_err(|e| e.to_string()),
        };
        // kubectl goes on with the next object and reports all failures at the end.
        let after = match result {
            Ok(v) => v,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = after["metadata"]["name"].as_str().unwrap_or("");
        let who = format!("{}{name}", crate::commands::get::table_kind_prefix(&kind, &group));
        let text = match format {
            OutputFormat::Table | OutputFormat::Wide => format!("{who} {}\n", if before == after { "patched (no change)" } else { "patched" }),
            OutputFormat::Name => format!("{who}\n"),
            OutputFormat::Json => crate::printers::json::to_string(&after),
            OutputFormat::Yaml => crate::printers::yaml::to_string(&after),
            OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &after, true).map_err(|e| CliError::msg(e.to_string()))?,
            _ => return Err(CliError::msg("this output format is not supported by patch yet")),
        };
        output::print(&text);
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(CliError::msg(errors.remove(0))),
        // An aggregate: one message per line, without a prefix.
        _ => Err(CliError::Raw(format!("{}\n", errors.join("\n")))),
    }
}

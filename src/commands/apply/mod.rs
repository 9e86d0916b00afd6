//! `kctl apply`: client-side apply with kubectl's last-applied annotation and
//! three-way patches, or `--server-side`. Namespaces and CRDs go first; the other
//! objects are sent concurrently while output keeps the input order. With
//! `--prune`, what was applied before but is no longer given is deleted after.

mod prune;
pub mod secret;
mod view_last_applied;

use reqwest::Method;
use serde_json::Value;

use crate::client::{Client, ClientError, Request};
use crate::commands::manifests::{self, ResolveError, Resolved};
use crate::validation::Directive;
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::patch::{self, OpenApiSchema};
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Subcommand)]
pub enum ApplyCommand {
    /// View the latest last-applied-configuration annotations of a resource/object
    #[command(name = "view-last-applied")]
    ViewLastApplied(view_last_applied::Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ApplyCommand>,
    /// Select all resources in the namespace of the specified resource types.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// Must be "background", "orphan", or "foreground".
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "background", default_value = "background")]
    pub cascade: String,
    /// The files that contain the configurations to apply.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process a kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager")]
    pub field_manager: Option<String>,
    /// If true, immediately remove resources from API and bypass graceful deletion.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force: Option<bool>,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long = "force-conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force_conflicts: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Period of time in seconds given to the resource to terminate gracefully.
    #[arg(long = "grace-period", default_value = "-1", allow_negative_numbers = true)]
    pub grace_period: String,
    /// Automatically resolve conflicts between the modified and live configuration by using values from the modified configuration
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub overwrite: bool,
    /// Automatically delete resource objects that do not appear in the configs.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub prune: Option<bool>,
    /// Overwrite the default allowlist with <group/version/kind> for --prune
    #[arg(long = "prune-allowlist")]
    pub prune_allowlist: Vec<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, apply runs in the server instead of the client.
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub server_side: Option<bool>,
    /// Must be one of: strict (or true), warn, ignore (or false).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "strict", default_value = "strict")]
    pub validate: String,
    /// The length of time to wait before giving up on a delete (accepted; see `wait`).
    #[arg(long, default_value = "0s")]
    pub timeout: String,
    /// If true, wait for resources to be gone before returning. kubectl 1.32
    /// accepts it on apply but its pruner never waits, so neither does kctl.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub wait: bool,
}

/// pflag's complaint about a flag value, worded as cobra reports it.
fn bad_flag(flag: &str, value: &str, reason: &str) -> CliError {
    let q = crate::printers::jsonpath::gofmt::quote(value);
    CliError::Raw(format!("Error: invalid argument {q} for \"--{flag}\" flag: {reason}\nSee 'kctl apply --help' for usage."))
}

const CLIENT_MANAGER: &str = "kubectl-client-side-apply";
const SERVER_MANAGER: &str = "kubectl";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    if let Some(ApplyCommand::ViewLastApplied(a)) = args.command {
        return view_last_applied::run(a, settings);
    }
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let dry_run = DryRun::parse(&args.dry_run)?;
    let grace_period: i64 = args
        .grace_period
        .parse()
        .map_err(|_| bad_flag("grace-period", &args.grace_period, &format!("strconv.ParseInt: parsing {}: invalid syntax", crate::printers::jsonpath::gofmt::quote(&args.grace_period))))?;
    if crate::settings::parse_go_duration(&args.timeout).is_none() {
        return Err(bad_flag("timeout", &args.timeout, &format!("time: invalid duration {}", crate::printers::jsonpath::gofmt::quote(&args.timeout))));
    }
    let server_side = args.server_side.unwrap_or(false);
    if server_side && dry_run == DryRun::Client {
        return Err(CliError::msg("--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)"));
    }
    let cascade = match args.cascade.as_str() {
        "background" | "true" => "Background",
        "foreground" => "Foreground",
        "orphan" | "false" => "Orphan",
        other => return Err(CliError::msg(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""))),
    };
    if args.filename.is_empty() {
        return Err(CliError::Raw("error: must specify one of -f and -k\n".into()));
    }
    let force_delete = args.force.unwrap_or(false);
    if server_side && force_delete {
        return Err(CliError::msg("--force cannot be used with --server-side"));
    }
    if dry_run == DryRun::Server && force_delete {
        return Err(CliError::msg("--dry-run=server cannot be used with --force"));
    }
    let timeout = crate::settings::parse_go_duration(&args.timeout).filter(|d| !d.is_zero());
    let directive = Directive::parse(&args.validate)?;
    let format = OutputFormat::parse(args.output.as_deref(), None)?;
    let prune = args.prune.unwrap_or(false);
    let all = args.all.unwrap_or(false);
    let selector_text = args.selector.clone().unwrap_or_default();
    if all && !selector_text.is_empty() {
        return Err(CliError::msg("cannot set --all and --selector at the same time"));
    }
    if prune && !all && selector_text.is_empty() {
        return Err(CliError::msg("all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector"));
    }
    if prune && server_side {
        return Err(CliError::msg("--prune is in alpha and doesn't currently work on objects created by server-side apply"));
    }
    let selector = crate::selector::Selector::parse(&selector_text)
        .map_err(|e| CliError::msg(format!("the provided selector {selector_text:?} is not valid: {e}")))?;
    // Strict validation against an old server checks list items too; kctl
    // assumes such a server (the one it is tested against) before asking it.
    let items = manifests::read_checking_lists(&args.filename, args.recursive.unwrap_or(false), directive != Directive::Ignore, directive == Directive::Strict)?;
    let aggregates = crate::validation::aggregates(&items);
    let client = settings.client()?;
    let cfg = client.config();
    let (default_ns, explicit_ns) = (cfg.namespace.clone(), cfg.namespace_explicit);
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let prune_kinds = if prune { prune::parse_allowlist(&client, &settings.cache_dir, &args.prune_allowlist).await.map_err(CliError::Raw)? } else { Vec::new() };
        let items = crate::validation::check(&client, &settings.cache_dir, items, directive).await;
        let mut resolved = manifests::resolve(&client, &settings.cache_dir, items, &default_ns, explicit_ns).await?;
        // -l picks among the objects read, as kubectl's builder does.
        resolved.retain(|r| r.as_ref().map_or(true, |r| selector.matches(&r.object)));
        if resolved.is_empty() {
            return Err(CliError::msg("no objects passed to apply"));
        }
        let ctx = Ctx {
            client: &client,
            settings,
            dry_run,
            server_side,
            force: args.force_conflicts.unwrap_or(false),
            recreate: force_delete.then_some(Recreate { cascade, grace_period, timeout }),
            overwrite: args.overwrite,
            manager: args.field_manager.clone().unwrap_or_else(|| if server_side { SERVER_MANAGER } else { CLIENT_MANAGER }.to_string()),
            openapi: tokio::sync::OnceCell::new(),
            validation: directive.field_validation(),
        };
        let mut results: Vec<Option<Result<Outcome, String>>> = vec![None; resolved.len()];
        // Namespaces and CRDs first, in order: later objects may need them.
        let first = |r: &Resolved| r.resource.kind == "Namespace" || r.resource.kind == "CustomResourceDefinition";
        for (i, r) in resolved.iter().enumerate() {
            if let Ok(r) = r {
                if first(r) {
                    results[i] = Some(apply_one(&ctx, r).await);
                }
            }
        }
        let rest = resolved.iter().enumerate().filter_map(|(i, r)| match r {
            Ok(r) if !first(r) => Some((i, r)),
            _ => None,
        });
        let done = futures_util::future::join_all(rest.map(|(i, r)| {
            let ctx = &ctx;
            async move { (i, apply_one(ctx, r).await) }
        }))
        .await;
        for (i, res) in done {
            results[i] = Some(res);
        }
        // What the pruner must spare: every namespace touched, every object applied.
        let mut namespaces = std::collections::BTreeSet::new();
        if explicit_ns {
            namespaces.insert(default_ns.clone());
        }
        let mut visited_uids = std::collections::HashSet::new();
        for (r, res) in resolved.iter().zip(&results) {
            if let Ok(r) = r {
                if let Some(ns) = &r.namespace {
                    namespaces.insert(ns.clone());
                }
                if let Some(Ok(o)) = res {
                    visited_uids.insert(o.object["metadata"]["uid"].as_str().unwrap_or("").to_string());
                }
            }
        }
        report(&resolved, results, &format, dry_run, server_side, &aggregates)?;
        if !prune {
            return Ok(());
        }
        let plan = prune::Plan {
            kinds: &prune_kinds,
            namespaces,
            visited_uids,
            selector: args.selector.as_deref(),
            dry_run,
            cascade,
            grace_period,
            format: &format,
        };
        let mut text = String::new();
        let result = prune::prune_all(&client, &settings.cache_dir, &plan, &mut text).await;
        output::print(&text);
        result.map_err(CliError::Raw)
    })
}

/// One result as kubectl's printers show it: `kind/name verb (dry run)`, the
/// name alone, or the object.
fn print_one(format: &OutputFormat, obj: &Value, kind_name: &str, verb: &str, dry_run: DryRun) -> Result<String, String> {
    Ok(match format {
        OutputFormat::Table | OutputFormat::Wide => format!("{kind_name} {verb}{}\n", dry_run.suffix()),
        OutputFormat::Name => format!("{kind_name}\n"),
        OutputFormat::Json => crate::printers::json::to_string(&without_managed_fields(obj)),
        OutputFormat::Yaml => crate::printers::yaml::to_string(&without_managed_fields(obj)),
        OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, obj, true).map_err(|e| e.to_string())?,
        _ => return Err("this output format is not supported by apply yet".into()),
    })
}

fn without_managed_fields(obj: &Value) -> Value {
    let mut v = obj.clone();
    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    v
}

struct Ctx<'a> {
    client: &'a Client,
    settings: &'a Settings,
    dry_run: DryRun,
    server_side: bool,
    force: bool,
    /// `--force`: delete and create again what cannot be patched.
    recreate: Option<Recreate>,
    overwrite: bool,
    manager: String,
    openapi: tokio::sync::OnceCell<Option<OpenApiSchema>>,
    /// The `fieldValidation` sent (a server before 1.25 ignores it).
    validation: &'static str,
}

#[derive(Debug, Clone)]
struct Outcome {
    verb: &'static str,
    object: Value,
    warnings: Vec<String>,
}

fn api_error(e: ClientError) -> String {
    e.to_string()
}

fn write_query(ctx: &Ctx<'_>, mut req: Request) -> Request {
    req = req.query("fieldManager", ctx.manager.clone()).query("fieldValidation", ctx.validation);
    if ctx.dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    req
}

async fn apply_one(ctx: &Ctx<'_>, r: &Resolved) -> Result<Outcome, String> {
    if ctx.server_side {
        return server_side_apply(ctx, r).await;
    }
    let modified = patch::modified_configuration(&r.object, true);
    for attempt in 0..MAX_ATTEMPTS {
        let current = match ctx.client.send(&Request::get(r.path(Some(&r.name)))).await {
            Ok(resp) => resp.json::<Value>().map_err(api_error)?,
            Err(e) if e.is_not_found() => return create(ctx, r, &modified).await,
            Err(e) => return Err(api_error(e)),
        };
        // kubectl computes no patch for a client dry run: the object is "configured".
        if ctx.dry_run == DryRun::Client {
            return Ok(Outcome { verb: "configured", object: current, warnings: Vec::new() });
        }
        let original = patch::original_configuration(&current).map_err(|e| e.to_string())?;
        let openapi = ctx
            .openapi
            .get_or_init(|| async { crate::openapi::schema(ctx.client, &ctx.settings.cache_dir).await.ok().flatten() })
            .await;
        let mut warnings = Vec::new();
        if original.is_none() {
            warnings.push(format!(
                "Warning: resource {}/{} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
                r.resource.name, r.name
            ));
        }
        let (p, kind) = patch::apply_patch(original.as_ref(), &modified, &current, openapi.as_ref(), ctx.overwrite, &mut warnings).map_err(|e| e.to_string())?;
        let body = patch::to_go_json(&p);
        if body == "{}" {
            return Ok(Outcome { verb: "unchanged", object: current, warnings });
        }
        let req = write_query(ctx, Request::new(Method::PATCH, r.path(Some(&r.name))).json_body(kind.content_type(), body.into_bytes()));
        match ctx.client.send(&req).await {
            Ok(resp) => return Ok(Outcome { verb: "configured", object: resp.json().map_err(api_error)?, warnings }),
            // Someone else changed the object between our read and write: read again.
            Err(ClientError::Api { http_code: 409, .. }) if attempt + 1 < MAX_ATTEMPTS => continue,
            Err(ClientError::Api { http_code: 409 | 422, .. }) if ctx.recreate.is_some() => {
                return recreate(ctx, r, &modified, warnings).await;
            }
            Err(ClientError::Api { http_code: 409, .. }) => continue,
            Err(e) => return Err(api_error(e)),
        }
    }
    Err(format!("error when applying patch to {}: too many conflicts", r.kind_name()))
}

const MAX_ATTEMPTS: usize = 5;

#[derive(Debug, Clone, Copy)]
struct Recreate {
    cascade: &'static str,
    grace_period: i64,
    timeout: Option<std::time::Duration>,
}

/// kubectl's `deleteAndCreate`: delete, wait until the object is gone, then
/// create the new configuration; reported as "configured".
async fn recreate(ctx: &Ctx<'_>, r: &Resolved, modified: &Value, warnings: Vec<String>) -> Result<Outcome, String> {
    let opts = ctx.recreate.expect("only with --force");
    let mut body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": opts.cascade});
    if opts.grace_period >= 0 {
        body["gracePeriodSeconds"] = serde_json::json!(opts.grace_period);
    }
    let del = Request::new(Method::DELETE, r.path(Some(&r.name))).json_body("application/json", crate::printers::json::to_string_compact(&body).into_bytes());
    if let Err(e) = ctx.client.send(&del).await {
        if !e.is_not_found() {
            return Err(api_error(e));
        }
    }
    // Polled at once, then every second until --timeout; kubectl's default of
    // 0 allows only the first look (then "context deadline exceeded").
    let deadline = std::time::Instant::now() + opts.timeout.unwrap_or_default();
    loop {
        match ctx.client.send(&Request::get(r.path(Some(&r.name)))).await {
            Err(e) if e.is_not_found() => break,
            Err(e) => return Err(api_error(e)),
            Ok(_) => {}
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            let res = &r.resource;
            let gv = format!("{}/{}", res.group, res.version);
            return Err(format!(
                "error when applying patch:\n{}\n\nto:\nResource: \"{gv}, Resource={}\", GroupVersionKind: \"{gv}, Kind={}\"\nName: {:?}, Namespace: {:?}\nfor: {:?}: context deadline exceeded",
                patch::to_go_json(modified),
                res.name,
                res.kind,
                r.name,
                r.namespace.clone().unwrap_or_default(),
                r.doc.source
            ));
        }
        tokio::time::sleep(left.min(std::time::Duration::from_secs(1))).await;
    }
    let created = create(ctx, r, modified).await?;
    Ok(Outcome { verb: "configured", object: created.object, warnings })
}

async fn create(ctx: &Ctx<'_>, r: &Resolved, modified: &Value) -> Result<Outcome, String> {
    if ctx.dry_run == DryRun::Client {
        return Ok(Outcome { verb: "created", object: modified.clone(), warnings: Vec::new() });
    }
    // Go's json.Encoder ends the body with a newline; the server's decode
    // errors quote the body, so kctl sends the same bytes.
    let body = patch::to_go_json(modified) + "\n";
    let req = write_query(ctx, Request::new(Method::POST, r.path(None)).json_body("application/json", body.into_bytes()));
    match ctx.client.send(&req).await {
        Ok(resp) => Ok(Outcome { verb: "created", object: resp.json().map_err(api_error)?, warnings: Vec::new() }),
        // kubectl names the manifest: `error when creating "f.yaml": …` (for a
        // Secret with bad base64 this is the only pointer to the file).
        Err(ClientError::Api { mut status, http_code }) => {
            let note = secret::key_note(&r.object, &status.message).unwrap_or_default();
            status.message = format!("error when creating {:?}: {}{note}", r.doc.source, status.message);
            Err(api_error(ClientError::Api { status, http_code }))
        }
        Err(e) => Err(api_error(e)),
    }
}

async fn server_side_apply(ctx: &Ctx<'_>, r: &Resolved) -> Result<Outcome, String> {
    let body = patch::to_go_json(&r.object);
    let mut req = Request::new(Method::PATCH, r.path(Some(&r.name)))
        .query("fieldManager", ctx.manager.clone())
        .query("force", ctx.force.to_string())
        .query("fieldValidation", ctx.validation)
        .json_body("application/apply-patch+yaml", body.into_bytes());
    if ctx.dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    match ctx.client.send(&req).await {
        Ok(resp) => Ok(Outcome { verb: "serverside-applied", object: resp.json().map_err(api_error)?, warnings: Vec::new() }),
        Err(e) => Err(api_error(e)),
    }
}

fn report(
    resolved: &[Result<Resolved, ResolveError>],
    results: Vec<Option<Result<Outcome, String>>>,
    format: &OutputFormat,
    dry_run: DryRun,
    _server_side: bool,
    aggregates: &std::collections::HashMap<String, Vec<String>>,
) -> Result<(), CliError> {
    let suffix = dry_run.suffix();
    // kubectl lists errors met while visiting objects, then the builder's.
    let mut visit_errors = Vec::new();
    let mut builder_errors = Vec::new();
    let mut objects = Vec::new();
    let mut text = String::new();
    for (r, res) in resolved.iter().zip(results) {
        match (r, res) {
            (Err(ResolveError::Builder(e)), _) => builder_errors.push(e.clone()),
            (Err(ResolveError::Visit(e)), _) => visit_errors.push(e.clone()),
            (Ok(r), Some(Ok(o))) => {
                for w in &o.warnings {
                    eprintln!("{w}");
                }
                match format {
                    OutputFormat::Table | OutputFormat::Wide => text.push_str(&format!("{} {}{suffix}\n", r.kind_name(), o.verb)),
                    OutputFormat::Name => text.push_str(&format!("{}\n", r.kind_name())),
                    _ => objects.push(without_managed_fields(&o.object)),
                }
            }
            (Ok(_), Some(Err(e))) => visit_errors.push(e),
            (Ok(_), None) => {}
        }
    }
    if !objects.is_empty() {
        let doc = if objects.len() == 1 {
            objects.pop().unwrap()
        } else {
            // kubectl prints a typed corev1.List here: empty metadata.
            serde_json::json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {}})
        };
        text.push_str(&match format {
            // The typed list keeps its Go field order in JSON.
            OutputFormat::Json if doc["kind"] == "List" => crate::printers::json::to_string(&TypedList { api_version: "v1", kind: "List", metadata: serde_json::Map::new(), items: &doc["items"] }),
            OutputFormat::Json => crate::printers::json::to_string(&doc),
            OutputFormat::Yaml => crate::printers::yaml::to_string(&doc),
            OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &doc, true).map_err(|e| CliError::msg(e.to_string()))?,
            _ => return Err(CliError::msg("this output format is not supported by apply yet")),
        });
    }
    output::print(&text);
    let mut errors = visit_errors;
    errors.extend(builder_errors);
    match errors.len() {
        0 => Ok(()),
        // An aggregate alone is printed one error per line, as they are.
        1 if aggregates.contains_key(&errors[0]) => Err(CliError::Raw(aggregates[&errors[0]].join("\n"))),
        // One error gets kubectl's `error: ` prefix (API errors carry their own).
        1 => Err(CliError::Raw(with_prefix(&errors[0]))),
        // Several are listed one per line, as kubectl prints an aggregate.
        _ => Err(CliError::Raw(errors.join("\n"))),
    }
}

#[derive(serde::Serialize)]
struct TypedList<'a> {
    kind: &'static str,
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    metadata: serde_json::Map<String, Value>,
    items: &'a Value,
}

fn with_prefix(e: &str) -> String {
    let own = ["Error from server", "error: ", "The ", "Unable to connect", "The connection"];
    if own.iter().any(|p| e.starts_with(p)) {
        e.to_string()
    } else {
        format!("error: {e}")
    }
}

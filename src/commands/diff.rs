//! `kctl diff`: the live objects against what a server-side dry run of the
//! apply would produce, as a unified diff of two directories (kubectl's layout).

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::Method;
use serde_json::{Map, Value};

use crate::client::{Client, ClientError, Request};
use crate::commands::manifests::{self, ResolveError, Resolved};
use crate::error::CliError;
use crate::output;
use crate::patch;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Filename, directory, or URL to files contains the configuration to diff
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-client-side-apply")]
    pub field_manager: String,
    /// If true, server-side apply will force the changes against conflicts.
    #[arg(long = "force-conflicts", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub force_conflicts: Option<bool>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, apply runs in the server instead of the client.
    #[arg(long = "server-side", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub server_side: Option<bool>,
    /// If true, include managed fields in the diff.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
}

/// A temporary directory removed on drop, named like Go's `os.MkdirTemp("", "LIVE-*")`.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> std::io::Result<TempDir> {
        let base = std::env::temp_dir();
        let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64).unwrap_or(1) ^ (std::process::id() as u64) << 16;
        for _ in 0..100 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let path = base.join(format!("{prefix}-{}", (seed >> 33) % 4_000_000_000));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("could not create a temporary directory"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// kubectl diff's exit codes: 1 means differences, anything above 1 an error.
fn fail(e: impl std::fmt::Display) -> CliError {
    let text = e.to_string();
    let text = if text.starts_with("Error from server") || text.starts_with("error: ") || text.starts_with("The ") {
        text
    } else {
        format!("error: {text}")
    };
    eprintln!("{text}");
    CliError::Exit(2)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    if args.filename.is_empty() {
        return Err(fail("must specify one of -f and -k"));
    }
    let items = manifests::read(&args.filename, args.recursive.unwrap_or(false), true).map_err(|e| fail(e.to_string().trim_start_matches("error: ")))?;
    let client = settings.client().map_err(|e| fail(e.to_string().trim_start_matches("error: ")))?;
    let cfg = client.config();
    let (ns, explicit) = (cfg.namespace.clone(), cfg.namespace_explicit);
    let rt = crate::commands::runtime();
    let server_side = args.server_side.unwrap_or(false);
    let pairs = rt.block_on(async {
        let resolved = manifests::resolve(&client, &settings.cache_dir, items, &ns, explicit).await?;
        // Fetched only when an existing object needs a patch computed.
        let openapi = tokio::sync::OnceCell::new();
        let work = resolved.into_iter().map(|r| {
            let (client, openapi, args, cache_dir) = (&client, &openapi, &args, &settings.cache_dir);
            async move {
                match r {
                    Ok(r) => live_and_merged(client, &r, openapi, cache_dir, args, server_side).await.map(|(l, m)| (r, l, m)).map_err(|e| e.to_string()),
                    Err(ResolveError::Builder(m)) | Err(ResolveError::Visit(m)) => Err(m),
                }
            }
        });
        Ok::<_, CliError>(futures_util::future::join_all(work).await)
    }).map_err(|e| fail(e.to_string().trim_start_matches("error: ")))?;

    let live_dir = TempDir::new("LIVE").map_err(fail)?;
    let merged_dir = TempDir::new("MERGED").map_err(fail)?;
    let mut errors = Vec::new();
    for p in pairs {
        match p {
            Ok((r, live, merged)) => {
                let (mut live, mut merged) = (live, merged);
                if !args.show_managed_fields.unwrap_or(false) {
                    strip_managed(live.as_mut());
                    strip_managed(Some(&mut merged));
                }
                if r.resource.kind == "Secret" && r.resource.group.is_empty() {
                    mask_secrets(live.as_mut(), &mut merged);
                }
                let name = file_name(&r);
                // A new object has an empty live file, as in kubectl.
                let live_text = live.as_ref().map(crate::printers::yaml::to_string).unwrap_or_default();
                std::fs::write(live_dir.0.join(&name), live_text).map_err(fail)?;
                std::fs::write(merged_dir.0.join(&name), crate::printers::yaml::to_string(&merged)).map_err(fail)?;
            }
            Err(e) => errors.push(e),
        }
    }
    // Like kubectl, any error means no diff is shown at all.
    if let Some(e) = errors.into_iter().next() {
        return Err(fail(e));
    }
    let differ = show_diff(&live_dir.0, &merged_dir.0)?;
    if differ {
        Err(CliError::Exit(1))
    } else {
        Ok(())
    }
}

/// `apps.v1.Deployment.ns.web`, `v1.Namespace..name` for cluster-scoped objects.
fn file_name(r: &Resolved) -> String {
    let res = &r.resource;
    let group = if res.group.is_empty() { String::new() } else { format!("{}.", res.group) };
    format!("{group}{}.{}.{}.{}", res.version, res.kind, r.namespace.as_deref().unwrap_or(""), r.name)
}

async fn live_and_merged(
    client: &Client,
    r: &Resolved,
    openapi: &tokio::sync::OnceCell<Option<patch::OpenApiSchema>>,
    cache_dir: &Path,
    args: &Args,
    server_side: bool,
) -> Result<(Option<Value>, Value), ClientError> {
    let live = match client.send(&Request::get(r.path(Some(&r.name)))).await {
        Ok(resp) => Some(resp.json::<Value>()?),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e),
    };
    if server_side {
        let req = Request::new(Method::PATCH, r.path(Some(&r.name)))
            .query("fieldManager", if args.field_manager == "kubectl-client-side-apply" { "kubectl".to_string() } else { args.field_manager.clone() })
            .query("force", args.force_conflicts.unwrap_or(false).to_string())
            .query("dryRun", "All")
            .json_body("application/apply-patch+yaml", patch::to_go_json(&r.object).into_bytes());
        return match client.send(&req).await {
            Ok(resp) => Ok((live, resp.json()?)),
            Err(e @ ClientError::Api { http_code: 409, .. }) => {
                // kubectl retries once without its lock and says so, then fails the same way.
                let res = &r.resource;
                crate::client::log::emit('W', "diff.go:723", &format!("Object ({}/{}, Kind={}: {}) keeps changing, diffing without lock", res.group, res.version, res.kind, r.name));
                Err(e)
            }
            Err(e) => Err(e),
        };
    }
    let Some(current) = live else {
        let req = Request::new(Method::POST, r.path(None)).query("dryRun", "All").query("fieldManager", args.field_manager.clone()).json_body("application/json", patch::to_go_json(&r.object).into_bytes());
        return Ok((None, client.send(&req).await?.json()?));
    };
    // kubectl diffs what apply would do, without rewriting the annotation.
    let original = patch::original_configuration(&current).map_err(|e| ClientError::Decode(e.to_string()))?;
    let modified = patch::modified_configuration(&r.object, false);
    let mut warnings = Vec::new();
    let openapi = openapi.get_or_init(|| async { crate::openapi::schema(client, cache_dir).await.ok().flatten() }).await;
    let (p, kind) = patch::apply_patch(original.as_ref(), &modified, &current, openapi.as_ref(), true, &mut warnings).map_err(|e| ClientError::Decode(e.to_string()))?;
    let body = patch::to_go_json(&p);
    if body == "{}" {
        return Ok((Some(current.clone()), current));
    }
    let req = Request::new(Method::PATCH, r.path(Some(&r.name))).query("dryRun", "All").query("fieldManager", args.field_manager.clone()).json_body(kind.content_type(), body.into_bytes());
    let merged = client.send(&req).await?.json()?;
    Ok((Some(current), merged))
}

fn strip_managed(obj: Option<&mut Value>) {
    if let Some(Value::Object(meta)) = obj.and_then(|o| o.get_mut("metadata")) {
        meta.remove("managedFields");
    }
}

/// kubectl's secret masking: values become `***`, or `*** (before)` and
/// `*** (after)` where they changed.
fn mask_secrets(live: Option<&mut Value>, merged: &mut Value) {
    let empty = Map::new();
    let live_data = live.as_ref().and_then(|l| l["data"].as_object()).cloned().unwrap_or_default();
    let merged_data = merged["data"].as_object().cloned().unwrap_or_else(|| empty.clone());
    let mask = |mine: &Map<String, Value>, other: &Map<String, Value>, changed: &str| -> Map<String, Value> {
        mine.iter()
            .map(|(k, v)| {
                let same = other.get(k) == Some(v) || !other.contains_key(k);
                (k.clone(), Value::String(if same { "***".into() } else { format!("*** ({changed})") }))
            })
            .collect()
    };
    if let Some(l) = live {
        if l.get("data").is_some_and(Value::is_object) {
            l["data"] = Value::Object(mask(&live_data, &merged_data, "before"));
        }
    }
    if merged.get("data").is_some_and(Value::is_object) {
        merged["data"] = Value::Object(mask(&merged_data, &live_data, "after"));
    }
}

/// KUBECTL_EXTERNAL_DIFF when set (kubectl's rules), otherwise the built-in
/// GNU-compatible diff. Returns whether anything differed.
fn show_diff(live: &Path, merged: &Path) -> Result<bool, CliError> {
    if let Ok(ext) = std::env::var("KUBECTL_EXTERNAL_DIFF") {
        let mut words = ext.split_whitespace();
        if let Some(program) = words.next() {
            let user_args: Vec<&str> = words.collect();
            for a in &user_args {
                if !a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '=' || c == '_') {
                    return Err(fail(format!("arguments must be a valid flag or a value: {a}")));
                }
            }
            output::flush_stdout();
            let status = Command::new(program).arg(live).arg(merged).args(&user_args).status().map_err(|e| fail(format!("failed to run \"{program}\": {e}")))?;
            return match status.code() {
                Some(0) => Ok(false),
                Some(1) => Ok(true),
                Some(c) => Err(CliError::Exit(c)),
                None => Err(CliError::Exit(2)),
            };
        }
    }
    let (text, differ) = crate::textdiff::diff_dirs(live, merged).map_err(fail)?;
    output::print(&crate::color::diff(&text));
    Ok(differ)
}

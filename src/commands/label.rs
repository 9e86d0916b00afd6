//! `kctl label` and `kctl annotate`: merge patches of metadata.labels or
//! metadata.annotations, with kubectl's overwrite rules and messages; with
//! `--local -f` the objects of the files are changed in memory and printed.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::client::{Client, Request, ResourcePath};
use crate::commands::targets::{self, Target};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TYPE NAME KEY_1=VAL_1 ... KEY_N=VAL_N | TYPE/NAME KEY=VAL | KEY-
    pub args: Vec<String>,
    /// Select all resources, in the namespace of the specified resource types
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// If true, check the specified action in all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all_namespaces: Option<bool>,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager")]
    pub field_manager: Option<String>,
    /// Selector (field query) to filter on.
    #[arg(long = "field-selector")]
    pub field_selector: Option<String>,
    /// Filename, directory, or URL to files identifying the resource to update
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// If true, display the labels (or annotations) for a given resource.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub list: Option<bool>,
    /// If true, the change will NOT contact api-server but run locally.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub local: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, allow labels (or annotations) to be overwritten.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub overwrite: Option<bool>,
    /// If non-empty, the update will only succeed if this is the current resource-version for the object.
    #[arg(long = "resource-version")]
    pub resource_version: Option<String>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Labels,
    Annotations,
}

impl Which {
    fn field(self) -> &'static str {
        match self {
            Which::Labels => "labels",
            Which::Annotations => "annotations",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Which::Labels => "label",
            Which::Annotations => "annotation",
        }
    }
}

fn flag(v: Option<bool>) -> bool {
    v.unwrap_or(false)
}

/// Split the arguments into resources and `key=value` / `key-` changes.
fn split_args(args: &[String], which: Which) -> Result<(Vec<String>, Vec<(String, String)>, Vec<String>), CliError> {
    let mut resources = Vec::new();
    let mut set = Vec::new();
    let mut remove = Vec::new();
    for a in args {
        if let Some((k, v)) = a.split_once('=') {
            set.retain(|(sk, _): &(String, String)| sk != k);
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = a.strip_suffix('-').filter(|k| !k.is_empty() && !a.contains('/')) {
            remove.push(k.to_string());
        } else {
            resources.push(a.clone());
        }
    }
    let both: Vec<&str> = remove.iter().filter(|k| set.iter().any(|(sk, _)| sk == *k)).map(String::as_str).collect();
    if !both.is_empty() {
        return Err(CliError::msg(match which {
            Which::Labels => "can not both modify and remove a label in the same command".to_string(),
            Which::Annotations => format!("can not both modify and remove the following annotation(s) in the same command: {}", both.join(", ")),
        }));
    }
    Ok((resources, set, remove))
}

pub fn run_label(args: Args, settings: &Settings) -> Result<(), CliError> {
    run(args, settings, Which::Labels)
}

pub fn run_annotate(args: Args, settings: &Settings) -> Result<(), CliError> {
    run(args, settings, Which::Annotations)
}

fn run(args: Args, settings: &Settings, which: Which) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let (resources, set, remove) = split_args(&args.args, which)?;
    let list = flag(args.list);
    let local = flag(args.local);
    if local && !resources.is_empty() {
        return Err(CliError::msg("can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set"));
    }
    if resources.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(format!("one or more resources must be specified as <resource> <name> or <resource>/<name>")));
    }
    if set.is_empty() && remove.is_empty() && !list {
        return Err(CliError::msg(format!("at least one {} update is required", which.noun())));
    }
    let format = OutputFormat::parse(args.output.as_deref(), None)?;
    let dry_run = crate::commands::DryRun::parse(&args.dry_run)?;
    if local && dry_run == DryRun::Server {
        return Err(CliError::msg("cannot specify --local and --dry-run=server - did you mean --dry-run=client?"));
    }
    let manager = args.field_manager.clone().unwrap_or_else(|| format!("kubectl-{}", if which == Which::Labels { "label" } else { "annotate" }));
    let rt = crate::commands::runtime();
    if local {
        // No server: the selector is not applied, as in kubectl.
        let mut errors = Vec::new();
        for (t, obj) in read_local(&args)? {
            if let Err(e) = rt.block_on(change_one(None, &t, obj, which, &set, &remove, &args, &format, dry_run, &manager)) {
                errors.push(e);
            }
        }
        return aggregate(errors);
    }
    if !resources.is_empty() && !args.filename.is_empty() {
        return Err(CliError::msg("resource/name arguments cannot be provided when a path is specified"));
    }
    let bulk = flag(args.all) || args.selector.is_some() || args.field_selector.is_some();
    let selection = if args.filename.is_empty() { Some(targets::parse(&resources)?) } else { None };
    let client = settings.client()?;
    rt.block_on(async {
        let resolved = match &selection {
            Some(sel) => targets::resolve_on_server(&client, &settings.cache_dir, sel).await?,
            None => {
                let (t, problems) = targets::from_manifests(&client, &settings.cache_dir, &args.filename, flag(args.recursive)).await?;
                if let Some(p) = problems.into_iter().next() {
                    return Err(CliError::msg(p));
                }
                t
            }
        };
        let ns = client.config().namespace.clone();
        let objects = collect(&client, &resolved, &ns, flag(args.all_namespaces), bulk, &args).await?;
        let mut errors = Vec::new();
        for (t, obj) in objects {
            match change_one(Some(&client), &t, obj, which, &set, &remove, &args, &format, dry_run, &manager).await {
                Ok(()) => {}
                Err(CliError::Message(m)) if m.contains("--overwrite is false") => errors.push(CliError::Message(m)),
                Err(e) => return Err(e),
            }
        }
        aggregate(errors)
    })
}

/// kubectl goes on past objects it may not change and reports them at the
/// end: one as usual, several one per line without a prefix.
fn aggregate(mut errors: Vec<CliError>) -> Result<(), CliError> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => {
            let lines: Vec<String> = errors
                .into_iter()
                .map(|e| match e {
                    CliError::Message(m) | CliError::Raw(m) => m,
                    CliError::Exit(c) => format!("exit status {c}"),
                })
                .collect();
            Err(CliError::Raw(format!("{}\n", lines.join("\n"))))
        }
    }
}

/// The objects of the `-f` files, each with a resource made up from its kind
/// (only its kind and group are used: nothing is sent).
fn read_local(args: &Args) -> Result<Vec<(Target, Value)>, CliError> {
    let items = crate::commands::manifests::read(&args.filename, flag(args.recursive), false)?;
    let mut out = Vec::new();
    for item in items {
        let doc = match item {
            crate::manifest::Item::Object(doc) => doc,
            crate::manifest::Item::Error(e) => return Err(CliError::msg(e.message)),
        };
        let (group, version, kind) = crate::patch::group_version_kind(&doc.object);
        let resource = crate::discovery::ApiResource {
            name: kind.to_lowercase(),
            singular: kind.to_lowercase(),
            namespaced: true,
            group,
            version,
            kind,
            verbs: Vec::new(),
            short_names: Vec::new(),
            categories: Vec::new(),
        };
        out.push((Target { resource, names: Vec::new(), namespace: None, source: Some(doc.source.clone()) }, doc.object));
    }
    Ok(out)
}

async fn collect(client: &Client, resolved: &[Target], ns: &str, all_ns: bool, bulk: bool, args: &Args) -> Result<Vec<(Target, Value)>, CliError> {
    let mut out = Vec::new();
    for t in resolved {
        let r = &t.resource;
        if t.names.is_empty() {
            if !bulk {
                return Err(CliError::msg("resource(s) were provided, but no name was specified"));
            }
            let namespace = if r.namespaced && !all_ns { Some(ns) } else { None };
            let mut req = Request::get(ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path());
            if let Some(s) = &args.selector {
                req = req.query("labelSelector", s.clone());
            }
            if let Some(s) = &args.field_selector {
                req = req.query("fieldSelector", s.clone());
            }
            let list: Value = client.send(&req).await?.json()?;
            let kind = list["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["kind"] = json!(kind);
                item["apiVersion"] = list["apiVersion"].clone();
                out.push((t.clone(), item));
            }
        } else {
            for n in &t.names {
                let namespace = if r.namespaced { Some(t.namespace.as_deref().unwrap_or(ns)) } else { None };
                let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(n), subresource: None }.to_path();
                let obj: Value = client.send(&Request::get(path)).await?.json()?;
                out.push((t.clone(), obj));
            }
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn change_one(
    client: Option<&Client>,
    t: &Target,
    mut obj: Value,
    which: Which,
    set: &[(String, String)],
    remove: &[String],
    args: &Args,
    format: &OutputFormat,
    dry_run: DryRun,
    manager: &str,
) -> Result<(), CliError> {
    let r = &t.resource;
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let kind_name = format!("{}{name}", crate::commands::get::table_kind_prefix(&r.kind, &r.group));
    if flag(args.list) {
        let mut pairs: Vec<String> = obj["metadata"][which.field()].as_object().into_iter().flatten().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
        pairs.sort();
        output::print(&pairs.iter().map(|p| format!("{p}\n")).collect::<String>());
        return Ok(());
    }
    let old = crate::printers::json::to_string_compact(&obj);
    let current: Map<String, Value> = obj["metadata"][which.field()].as_object().cloned().unwrap_or_default();
    if !flag(args.overwrite) {
        for (k, v) in set {
            if let Some(existing) = current.get(k).and_then(Value::as_str) {
                if existing != v {
                    return Err(CliError::msg(match which {
                        Which::Labels => format!("'{k}' already has a value ({existing}), and --overwrite is false"),
                        Which::Annotations => format!("--overwrite is false but found the following declared annotation(s): '{k}' already has a value ({existing})"),
                    }));
                }
            }
        }
    }
    let mut updated = current.clone();
    for k in remove {
        if updated.remove(k).is_none() && dry_run != DryRun::Client && client.is_some() && which == Which::Labels {
            output::print(&format!("{} {k:?} not found.\n", which.noun()));
        }
    }
    for (k, v) in set {
        updated.insert(k.clone(), json!(v));
    }
    obj["metadata"][which.field()] = Value::Object(updated.clone());
    if let Some(rv) = &args.resource_version {
        obj["metadata"]["resourceVersion"] = json!(rv);
    }
    let new = crate::printers::json::to_string_compact(&obj);
    let verb = match which {
        Which::Annotations => "annotated",
        Which::Labels if old == new => "not labeled",
        Which::Labels if !flag(args.overwrite) && new.len() < old.len() => "unlabeled",
        Which::Labels => "labeled",
    };
    let printed = if let (DryRun::None | DryRun::Server, Some(client)) = (dry_run, client) {
        let mut patch_labels = Map::new();
        for (k, v) in set {
            patch_labels.insert(k.clone(), json!(v));
        }
        for k in remove {
            if current.contains_key(k) {
                patch_labels.insert(k.clone(), Value::Null);
            }
        }
        let mut meta = Map::new();
        meta.insert(which.field().into(), Value::Object(patch_labels));
        if let Some(rv) = &args.resource_version {
            meta.insert("resourceVersion".into(), json!(rv));
        }
        let patch = json!({ "metadata": Value::Object(meta) });
        let namespace = obj["metadata"]["namespace"].as_str().map(String::from);
        let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name: Some(&name), subresource: None }.to_path();
        let mut req = Request::new(Method::PATCH, path)
            .query("fieldManager", manager)
            .json_body("application/merge-patch+json", crate::printers::json::to_string_compact(&patch).into_bytes());
        if dry_run == DryRun::Server {
            req = req.query("dryRun", "All");
        }
        client.send(&req).await?.json()?
    } else {
        obj
    };
    let suffix = dry_run.suffix();
    let text = match format {
        OutputFormat::Table | OutputFormat::Wide => format!("{kind_name} {verb}{suffix}\n"),
        OutputFormat::Name => format!("{kind_name}\n"),
        OutputFormat::Json => crate::printers::json::to_string(&strip_managed(printed)),
        OutputFormat::Yaml => crate::printers::yaml::to_string(&strip_managed(printed)),
        OutputFormat::JsonPath(tpl) => crate::printers::jsonpath::print(tpl, &printed, true).map_err(|e| CliError::msg(e.to_string()))?,
        _ => return Err(CliError::msg("this output format is not supported by label/annotate yet")),
    };
    // annotate keeps one YAML printer for all objects (documents after the
    // first are separated); label makes a new one per object.
    if which == Which::Annotations && matches!(format, OutputFormat::Yaml) && YAML_PRINTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) > 0 {
        output::print("---\n");
    }
    output::print(&text);
    Ok(())
}

static YAML_PRINTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn strip_managed(mut v: Value) -> Value {
    if let Some(Value::Object(m)) = v.get_mut("metadata") {
        m.remove("managedFields");
    }
    v
}

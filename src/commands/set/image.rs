//! `kctl set image`: change container images in pods and pod templates with a
//! strategic merge patch (field manager `kubectl-set`), or locally with
//! `--local -f`, worded as kubectl's `set image`.

use reqwest::Method;
use serde_json::Value;

use super::typed;
use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::targets::{self, Selection};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N
    pub args: Vec<String>,
    /// Select all resources, in the namespace of the specified resource types
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-set")]
    pub field_manager: String,
    /// Filename, directory, or URL to files identifying the resource to get from a server.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// If true, set image will NOT contact api-server but run locally.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub local: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
}

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";
const LOCAL_NEEDS_FILES: &str = "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'";

/// kubectl's `GetResourcesAndPairs`: resources first, then `name=image` pairs.
/// Container name and image, in the order given.
type Images = Vec<(String, String)>;

fn split_args(args: &[String]) -> Result<(Vec<String>, Images), CliError> {
    let mut resources = Vec::new();
    let mut pairs: Vec<String> = Vec::new();
    for a in args {
        let is_pair = (a.contains('=') && !a.starts_with('=')) || (a.ends_with('-') && a != "-");
        match (pairs.is_empty(), is_pair) {
            (_, true) => pairs.push(a.clone()),
            (true, false) => resources.push(a.clone()),
            (false, false) => return Err(CliError::msg(format!("all resources must be specified before image changes: {a}"))),
        }
    }
    let invalid: Vec<&str> = pairs.iter().filter(|p| !p.contains('=')).map(String::as_str).collect();
    if !invalid.is_empty() {
        return Err(CliError::msg(format!("invalid image format: {}", invalid.join(", "))));
    }
    let mut images: Images = Vec::new();
    for p in &pairs {
        let (k, v) = p.split_once('=').unwrap();
        images.retain(|(ek, _)| ek != k);
        images.push((k.to_string(), v.to_string()));
    }
    Ok((resources, images))
}

/// One object to change, with how kubectl names it.
struct Info {
    object: Value,
    group: String,
    kind: String,
    /// `services/web` (server) or `service/web` (local): kubectl's ObjectName.
    object_name: String,
    /// Set for objects read from the server.
    path: Option<String>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let dry_run = DryRun::parse(&args.dry_run)?;
    let format = OutputFormat::parse(args.output.as_deref(), None)?;
    let local = args.local.unwrap_or(false);
    let (resources, images) = split_args(&args.args)?;
    if local && !resources.is_empty() {
        return Err(CliError::msg(LOCAL_NEEDS_FILES));
    }
    if resources.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NO_RESOURCES));
    }
    if !resources.is_empty() && !args.filename.is_empty() {
        return Err(CliError::msg("resource/name arguments cannot be provided when a path is specified"));
    }
    let infos = if local {
        read_local(&args)?
    } else {
        let client = settings.client()?;
        crate::commands::runtime().block_on(fetch(&client, settings, &args, &resources))?
    };
    let mut problems = Vec::new();
    if args.all.unwrap_or(false) && args.selector.as_deref().is_some_and(|s| !s.is_empty()) {
        problems.push("cannot set --all and --selector at the same time".to_string());
    }
    if images.is_empty() {
        problems.push("at least one image update is required".to_string());
    } else if images.len() > 1 && images.iter().any(|(k, _)| k == "*") {
        problems.push("all containers are already specified by *, but saw more than one container_name=container_image pairs".to_string());
    }
    if local && dry_run == DryRun::Server {
        problems.push("cannot specify --local and --dry-run=server - did you mean --dry-run=client?".to_string());
    }
    match problems.len() {
        0 => {}
        1 => return Err(CliError::msg(problems.remove(0))),
        _ => return Err(CliError::msg(format!("[{}]", problems.join(", ")))),
    }
    let show_managed = args.show_managed_fields.unwrap_or(false);
    let client = if local { None } else { Some(settings.client()?) };
    let mut errors: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut printed = 0;
    let mut text = String::new();
    for info in infos {
        let Some(spec_path) = typed::pod_spec_path(&info.group, &info.kind) else {
            let api_version = info.object["apiVersion"].as_str().unwrap_or("");
            errors.push(format!("error: {} the object is not a pod or does not have a pod template: {}\n", info.object_name, typed::go_type(api_version, &info.kind)));
            continue;
        };
        let mut modified = info.object.clone();
        if let Some(spec) = typed::pod_spec_mut(&mut modified, spec_path) {
            for (name, image) in &images {
                let init = set_image(spec, "initContainers", name, image);
                let main = set_image(spec, "containers", name, image);
                if !init && !main {
                    missing.push(format!("error: unable to find container named {name:?}"));
                }
            }
        }
        if modified == info.object {
            continue;
        }
        let kind_name = format!("{}{}", crate::commands::get::table_kind_prefix(&info.kind, &info.group), info.object["metadata"]["name"].as_str().unwrap_or(""));
        let shown = match (&client, &info.path) {
            (Some(client), Some(path)) if dry_run != DryRun::Client => {
                let schema = crate::patch::BuiltinSchema::for_kind(&info.kind);
                let patch = crate::patch::create_two_way(&info.object, &modified, &schema).map_err(|e| CliError::msg(e.to_string()))?;
                let mut req = Request::new(Method::PATCH, path.clone())
                    .query("fieldManager", args.field_manager.clone())
                    .json_body("application/strategic-merge-patch+json", crate::printers::json::to_string_compact(&patch).into_bytes());
                if dry_run == DryRun::Server {
                    req = req.query("dryRun", "All");
                }
                let rt = crate::commands::runtime();
                match rt.block_on(client.send(&req)) {
                    Ok(resp) => resp.json::<Value>()?,
                    Err(ClientError::Api { status, .. }) => {
                        errors.push(format!("failed to patch image update to pod template: {}", status.message));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            // Local objects went through kubectl's typed decoding first.
            (None, _) => typed::with_typed_defaults(modified, &info.group, &info.kind),
            _ => modified,
        };
        // One YAML printer for every object: documents after the first are separated.
        if matches!(format, OutputFormat::Yaml) && printed > 0 {
            text.push_str("---\n");
        }
        printed += 1;
        text.push_str(&render(&format, &shown, &kind_name, dry_run, show_managed)?);
    }
    output::print(&text);
    // kubectl finds missing containers while computing every patch, then
    // meets the other problems object by object.
    errors.splice(0..0, missing);
    match errors.len() {
        0 => Ok(()),
        // One error gets `error: ` unless it says so already.
        1 if errors[0].starts_with("error: ") => Err(CliError::Raw(errors.remove(0))),
        1 => Err(CliError::msg(errors.remove(0))),
        // An aggregate is printed as its messages, one per line, as they are.
        _ => Err(CliError::Raw(format!("{}\n", errors.join("\n")))),
    }
}

fn set_image(spec: &mut serde_json::Map<String, Value>, list: &str, name: &str, image: &str) -> bool {
    let mut found = false;
    for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
        if name == "*" || c["name"].as_str() == Some(name) {
            c["image"] = Value::String(image.to_string());
            found = true;
        }
    }
    found
}

fn render(format: &OutputFormat, obj: &Value, kind_name: &str, dry_run: DryRun, show_managed: bool) -> Result<String, CliError> {
    let mut obj = obj.clone();
    if !show_managed {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
    }
    Ok(match format {
        OutputFormat::Table | OutputFormat::Wide => format!("{kind_name} image updated{}\n", dry_run.suffix()),
        OutputFormat::Name => format!("{kind_name}\n"),
        OutputFormat::Json => crate::printers::json::to_string(&obj),
        OutputFormat::Yaml => crate::printers::yaml::to_string(&obj),
        OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &obj, true).map_err(|e| CliError::msg(e.to_string()))?,
        _ => return Err(CliError::msg("this output format is not supported by set image yet")),
    })
}

fn group_of(api_version: &str) -> String {
    api_version.rsplit_once('/').map(|(g, _)| g.to_string()).unwrap_or_default()
}

/// `--local`: the objects in the files, as they are (kubectl ignores -l here).
fn read_local(args: &Args) -> Result<Vec<Info>, CliError> {
    let items = crate::commands::manifests::read(&args.filename, args.recursive.unwrap_or(false), false)?;
    let mut out = Vec::new();
    for item in items {
        match item {
            crate::manifest::Item::Object(doc) => {
                let api_version = doc.object["apiVersion"].as_str().unwrap_or("").to_string();
                let kind = doc.object["kind"].as_str().unwrap_or("").to_string();
                let name = doc.object["metadata"]["name"].as_str().unwrap_or("").to_string();
                out.push(Info { group: group_of(&api_version), object_name: format!("{}/{name}", kind.to_lowercase()), kind, object: doc.object, path: None });
            }
            crate::manifest::Item::Error(e) => return Err(CliError::msg(e.message)),
        }
    }
    Ok(out)
}

/// The objects named by arguments, selector or files, read from the server.
async fn fetch(client: &Client, settings: &Settings, args: &Args, resources: &[String]) -> Result<Vec<Info>, CliError> {
    let ns = client.config().namespace.clone();
    let bulk = args.all.unwrap_or(false) || args.selector.is_some();
    let (targets, problems) = if args.filename.is_empty() {
        let selection = targets::parse(resources)?;
        if let Selection::Types { names, .. } = &selection {
            if names.is_empty() && !bulk {
                return Err(CliError::msg("resource(s) were provided, but no name was specified"));
            }
        }
        (targets::resolve_on_server(client, &settings.cache_dir, &selection).await?, Vec::new())
    } else {
        targets::from_manifests(client, &settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?
    };
    if let Some(p) = problems.into_iter().next() {
        return Err(CliError::msg(p));
    }
    let mut out = Vec::new();
    for t in &targets {
        let r = &t.resource;
        let namespace = if r.namespaced { Some(t.namespace.clone().unwrap_or_else(|| ns.clone())) } else { None };
        let base = |name: Option<&str>| ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name, subresource: None }.to_path();
        let mut objects = Vec::new();
        if t.names.is_empty() {
            let mut req = Request::get(base(None));
            if let Some(s) = args.selector.as_deref().filter(|s| !s.is_empty()) {
                req = req.query("labelSelector", s.to_string());
            }
            let list: Value = client.send(&req).await?.json()?;
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["apiVersion"] = list["apiVersion"].clone();
                item["kind"] = Value::String(r.kind.clone());
                objects.push(item);
            }
        } else {
            for n in &t.names {
                objects.push(client.send(&Request::get(base(Some(n)))).await?.json::<Value>()?);
            }
        }
        for object in objects {
            let name = object["metadata"]["name"].as_str().unwrap_or("").to_string();
            out.push(Info { path: Some(base(Some(&name))), group: r.group.clone(), kind: r.kind.clone(), object_name: format!("{}/{name}", r.name), object });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn splits_resources_and_images_like_kubectl() {
        let (r, i) = split_args(&s(&["deploy", "web", "app=nginx:2", "side=envoy", "app=nginx:3"])).unwrap();
        assert_eq!(r, s(&["deploy", "web"]));
        assert_eq!(i, vec![("side".into(), "envoy".into()), ("app".into(), "nginx:3".into())]);
        assert!(split_args(&s(&["deploy/web", "a=b", "c"])).unwrap_err().to_string().contains("all resources must be specified before image changes: c"));
        assert!(split_args(&s(&["deploy/web", "a-"])).unwrap_err().to_string().contains("invalid image format: a-"));
    }
}

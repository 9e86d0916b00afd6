//! `kctl edit`: fetch the objects, hand them to the user's editor (one object,
//! or several as a `v1` `List`), then patch each changed object. A file that
//! fails to parse or that the server rejects is reopened with the errors in a
//! comment block; the user's text is never thrown away on failure.

mod buffer;
mod editor;

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::manifests::{self, ResolveError, Resolved};
use crate::commands::targets;
use crate::discovery::ApiResource;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;
use buffer::Reason;
use editor::Editor;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (RESOURCE/NAME | -f FILENAME)
    pub args: Vec<String>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub allow_missing_template_keys: Option<bool>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-edit")]
    pub field_manager: String,
    /// Filename, directory, or URL to files to use to edit the resource
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Output format. One of: (json, yaml).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Output the patch if the resource is edited.
    #[arg(long = "output-patch", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub output_patch: Option<bool>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, the configuration of current object will be saved in its annotation.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub save_config: Option<bool>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// If specified, edit will operate on the subresource of the requested object.
    #[arg(long)]
    pub subresource: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
    /// Must be one of: strict (or true), warn, ignore (or false).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "strict", default_value = "strict")]
    pub validate: String,
    /// Defaults to the line ending native to your platform.
    #[arg(long = "windows-line-endings", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub windows_line_endings: Option<bool>,
}

/// One object as fetched, before anything is hidden from the editor.
struct Original {
    resource: ApiResource,
    name: String,
    object: Value,
}

/// What the loop needs besides the objects.
struct Options {
    json: bool,
    /// `-o yaml|json` also prints each result; otherwise `KIND/NAME edited`.
    print_objects: bool,
    output_patch: bool,
    crlf: bool,
    save_config: bool,
    show_managed_fields: bool,
    validation: &'static str,
    field_manager: String,
    subresource: Option<String>,
    namespace: String,
    program: String,
}

const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let validation = crate::validation::Directive::parse(&args.validate)?.field_validation();
    let output = args.output.clone().unwrap_or_default();
    if !args.filename.is_empty() && !args.args.is_empty() {
        // Files that cannot be found are reported first, as kubectl's builder does.
        manifests::read(&args.filename, args.recursive.unwrap_or(false), false)?;
        return Err(CliError::msg("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well"));
    }
    if args.filename.is_empty() && args.args.is_empty() {
        return Err(CliError::msg(NO_RESOURCES));
    }
    let program = std::env::args().next().map(|a| Path::new(&a).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or(a)).unwrap_or_else(|| "kctl".into());
    let client = settings.client()?;
    let namespace = client.config().namespace.clone();
    let opts = Options {
        json: output == "json",
        print_objects: output == "json" || output == "yaml",
        output_patch: args.output_patch.unwrap_or(false),
        crlf: args.windows_line_endings.unwrap_or(false),
        save_config: args.save_config.unwrap_or(false),
        show_managed_fields: args.show_managed_fields.unwrap_or(false),
        validation,
        field_manager: args.field_manager.clone(),
        subresource: args.subresource.clone().filter(|s| !s.is_empty()),
        namespace,
        program,
    };
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let originals = fetch(&client, settings, &args, opts.subresource.as_deref()).await?;
        if originals.is_empty() {
            return Err(CliError::msg("edit cancelled, no objects found"));
        }
        // Only the editor's two formats are accepted, and kubectl finds out
        // when it prints the buffer, after fetching.
        if !output.is_empty() && !opts.print_objects {
            return Err(CliError::msg(format!("unable to match a printer suitable for the output format {output:?}, allowed formats are: json,yaml")));
        }
        edit_loop(&client, settings, &originals, &opts).await
    })
}

fn resource_path<'a>(r: &'a ApiResource, namespace: Option<&'a str>, name: Option<&'a str>, sub: Option<&'a str>) -> String {
    ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name, subresource: sub }.to_path()
}

/// The objects named by arguments or files, fetched fresh from the server.
async fn fetch(client: &Client, settings: &Settings, args: &Args, sub: Option<&str>) -> Result<Vec<Original>, CliError> {
    let ns = client.config().namespace.clone();
    let targets = if args.filename.is_empty() {
        let selection = targets::parse(&args.args)?;
        if sub.is_some() && matches!(&selection, targets::Selection::Types { names, .. } if names.is_empty()) {
            return Err(CliError::msg("subresource cannot be used when bulk resources are specified"));
        }
        targets::resolve_on_server(client, &settings.cache_dir, &selection).await?
    } else {
        let (targets, problems) = targets::from_manifests(client, &settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?;
        if !problems.is_empty() {
            return Err(several(problems));
        }
        targets
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for t in &targets {
        let r = &t.resource;
        let namespace = if r.namespaced { Some(t.namespace.clone().unwrap_or_else(|| ns.clone())) } else { None };
        if t.names.is_empty() {
            let list: Value = match client.send(&Request::get(resource_path(r, namespace.as_deref(), None, None))).await {
                Ok(resp) => resp.json()?,
                Err(e) => {
                    errors.push(e.to_string());
                    continue;
                }
            };
            // The items are what a GET of each would return, less their type.
            for item in list["items"].as_array().into_iter().flatten() {
                let mut object = item.clone();
                if let Some(o) = object.as_object_mut() {
                    o.insert("apiVersion".into(), Value::String(r.group_version()));
                    o.insert("kind".into(), Value::String(r.kind.clone()));
                }
                let name = object["metadata"]["name"].as_str().unwrap_or("").to_string();
                out.push(Original { resource: r.clone(), name, object });
            }
            continue;
        }
        let fetched = futures_util::future::join_all(t.names.iter().map(|name| get(client, r, namespace.as_deref(), name, sub))).await;
        for (name, got) in t.names.iter().zip(fetched) {
            match got {
                Ok(object) => out.push(Original { resource: r.clone(), name: name.clone(), object }),
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    if !errors.is_empty() {
        return Err(several(errors));
    }
    Ok(out)
}

async fn get(client: &Client, r: &ApiResource, ns: Option<&str>, name: &str, sub: Option<&str>) -> Result<Value, ClientError> {
    client.send(&Request::get(resource_path(r, ns, Some(name), sub))).await?.json()
}

/// kubectl prints each error of an aggregate on its own line.
fn several(errors: Vec<String>) -> CliError {
    let lines: Vec<String> = errors.into_iter().map(|e| if e.starts_with("Error from server") || e.starts_with("error: ") { e } else { format!("error: {e}") }).collect();
    CliError::Raw(lines.join("\n"))
}

/// What one pass of patching found (kubectl's `editResults`).
#[derive(Default)]
struct Results {
    reasons: Vec<Reason>,
    retryable: usize,
    notfound: usize,
    invalid: usize,
}

impl Results {
    /// Count a failed patch and return kubectl's line for stderr.
    fn add_error(&mut self, err: &ClientError, r: &ApiResource, name: &str) -> String {
        let what = resource_string(r);
        let quoted = crate::yaml::go_quote(name);
        match err {
            ClientError::Api { status, .. } if status.reason == "Invalid" => {
                self.invalid += 1;
                let causes = status.details.as_ref().and_then(|d| d["causes"].as_array()).cloned().unwrap_or_default();
                let other = causes.iter().map(|c| format!("{}: {}", c["field"].as_str().unwrap_or(""), c["message"].as_str().unwrap_or(""))).collect();
                self.reasons.push(Reason { head: format!("{what} {quoted} was not valid"), other });
                format!("error: {what} {quoted} is invalid")
            }
            ClientError::Http { code: 422, .. } => {
                self.invalid += 1;
                self.reasons.push(Reason { head: format!("{what} {quoted} was not valid"), other: vec![] });
                format!("error: {what} {quoted} is invalid")
            }
            e if e.is_not_found() => {
                self.notfound += 1;
                format!("error: {what} {quoted} could not be found on the server")
            }
            ClientError::Api { status, .. } => {
                self.retryable += 1;
                format!("error: {what} {quoted} could not be patched: {}", status.message)
            }
            // Go's error text: the *url.Error for a request that got no answer.
            other => {
                self.retryable += 1;
                format!("error: {what} {quoted} could not be patched: {}", other.url_error())
            }
        }
    }
}

/// `deployments.apps`, `configmaps`.
fn resource_string(r: &ApiResource) -> String {
    if r.group.is_empty() {
        r.name.clone()
    } else {
        format!("{}.{}", r.name, r.group)
    }
}

/// Tell the user where their text is kept, if the file is still there.
fn preserved(file: Option<&Path>) {
    if let Some(f) = file {
        if f.exists() {
            eprintln!("A copy of your changes has been stored to {}", crate::yaml::go_quote(&f.to_string_lossy()));
        }
    }
}

fn without_managed_fields(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    obj
}

/// The editor's text for the objects: managedFields are never shown.
fn render(originals: &[Original], opts: &Options) -> String {
    let doc = match originals {
        [one] => without_managed_fields(&one.object),
        many => json!({
            "apiVersion": "v1",
            "items": many.iter().map(|o| without_managed_fields(&o.object)).collect::<Vec<_>>(),
            "kind": "List",
            "metadata": {},
        }),
    };
    if opts.json {
        crate::printers::json::to_string(&doc)
    } else {
        crate::printers::yaml::to_string(&doc)
    }
}

async fn edit_loop(client: &Client, settings: &Settings, originals: &[Original], opts: &Options) -> Result<(), CliError> {
    let editor = Editor::from_env();
    let ext = if opts.json { ".json" } else { ".yaml" };
    let end_lines = |s: String| if opts.crlf { buffer::crlf(&s) } else { s };
    let mut results = Results::default();
    let mut results_file: Option<PathBuf> = None;
    let mut original: Vec<u8> = Vec::new();
    let mut edited: Vec<u8> = Vec::new();
    let mut contains_error = false;
    // Fetched the first time validation needs it.
    let mut openapi: Option<Option<Value>> = None;
    loop {
        let mut buf: Vec<u8> = Vec::new();
        // JSON has no comments, so no header and no error report either.
        if !opts.json {
            buf.extend(end_lines(buffer::header(&results.reasons)).into_bytes());
        }
        if !contains_error {
            buf.extend(end_lines(render(originals, opts)).into_bytes());
            original = buf.clone();
        } else {
            buf.extend(buffer::manual_strip(&edited));
        }
        let previous = std::mem::take(&mut edited);
        let file = match editor::temp_file(&opts.program, ext, &buf) {
            Ok(f) => f,
            Err(e) => {
                preserved(results_file.as_deref());
                return Err(CliError::msg(e));
            }
        };
        if let Err(e) = editor.launch(&file) {
            preserved(results_file.as_deref());
            return Err(CliError::msg(e));
        }
        edited = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) => {
                preserved(results_file.as_deref());
                return Err(CliError::msg(crate::kubeconfig::load::io_error("open", &file, &e)));
            }
        };
        if contains_error && buffer::strip_comments(&previous) == buffer::strip_comments(&edited) {
            // The new file holds the same text: keep one copy, not two.
            if let Some(old) = results_file.take() {
                let _ = std::fs::remove_file(old);
            }
            preserved(Some(&file));
            return Err(CliError::msg("Edit cancelled, no valid changes were saved."));
        }
        if let Some(old) = results_file.take() {
            let _ = std::fs::remove_file(old);
        }
        if opts.validation != "Ignore" {
            if let Err(e) = validate(client, settings, &edited, opts, &mut openapi).await {
                results = Results::default();
                results_file = Some(file);
                contains_error = true;
                let first = &originals[0];
                let what = resource_string(&first.resource);
                let quoted = crate::yaml::go_quote(&first.name);
                let cause = format!("<nil>: Invalid value: \"The edited file failed validation\": {e}");
                results.reasons.push(Reason { head: format!("{what} {quoted} was not valid"), other: vec![cause] });
                eprintln!("error: {what} {quoted} is invalid");
                continue;
            }
        }
        if buffer::strip_comments(&original) == buffer::strip_comments(&edited) {
            let _ = std::fs::remove_file(&file);
            eprintln!("Edit cancelled, no changes made.");
            return Ok(());
        }
        if !buffer::has_lines(&edited) {
            let _ = std::fs::remove_file(&file);
            eprintln!("Edit cancelled, saved file was empty.");
            return Ok(());
        }
        results = Results::default();
        results_file = Some(file.clone());

        let updated = match parse_edited(client, settings, &edited, &opts.namespace).await? {
            Ok(u) => u,
            Err(msg) => {
                contains_error = true;
                results.reasons.push(Reason { head: format!("The edited file had a syntax error: {msg}"), other: vec![] });
                continue;
            }
        };
        contains_error = false;
        let mut updated = updated;
        for u in &mut updated {
            restore_managed_fields(&mut u.object, originals);
        }
        for u in &updated {
            if u.resource.namespaced {
                let ns = u.namespace.as_deref().unwrap_or("");
                if ns != opts.namespace {
                    preserved(Some(&file));
                    return Err(CliError::msg(format!(
                        "the namespace from the provided object {ns:?} does not match the namespace {:?}. You must pass '--namespace={ns}' to perform this operation.",
                        opts.namespace
                    )));
                }
            }
        }
        if opts.save_config {
            for u in &mut updated {
                u.object = crate::patch::modified_configuration(&u.object, true);
            }
        }
        if let Err(e) = patch_all(client, originals, &updated, opts, &mut results).await {
            preserved(results_file.as_deref());
            return Err(e);
        }
        if results.retryable > 0 {
            eprintln!("You can run `{} replace -f {}` to try this update again.", opts.program, file.display());
            return Err(CliError::Exit(1));
        }
        if results.notfound > 0 {
            eprintln!("The edits you made on deleted resources have been saved to {}", crate::yaml::go_quote(&file.to_string_lossy()));
            return Err(CliError::Exit(1));
        }
        if results.invalid == 0 {
            let _ = std::fs::remove_file(&file);
            return Ok(());
        }
        if !results.reasons.is_empty() {
            contains_error = true;
        }
    }
}

/// kubectl's client-side validation of the edited text: the parse and the
/// type fields, then, for a kind the server does not validate by itself
/// (no `fieldValidation`), the server's OpenAPI schema.
async fn validate(client: &Client, settings: &Settings, edited: &[u8], opts: &Options, openapi: &mut Option<Option<Value>>) -> Result<(), String> {
    let obj = buffer::parse_for_validation(&buffer::strip_comments(edited))?;
    if openapi.is_none() {
        let kind = crate::patch::group_version_kind(&obj);
        *openapi = Some(crate::validation::load_covering(client, &settings.cache_dir, &[kind]).await);
    }
    let Some(validator) = openapi.as_ref().and_then(|d| d.as_ref()).and_then(crate::validation::Validator::new) else {
        return Ok(());
    };
    let errs = crate::validation::client_side(&validator, &obj, crate::validation::Directive::from_field_validation(opts.validation));
    if errs.is_empty() {
        Ok(())
    } else {
        Err(crate::manifest::aggregate(&errs))
    }
}

/// The edited text as objects mapped to resources, or the message kubectl
/// reports as a syntax error (the builder's aggregated errors).
async fn parse_edited(client: &Client, settings: &Settings, edited: &[u8], namespace: &str) -> Result<Result<Vec<Resolved>, String>, CliError> {
    let opts = crate::manifest::ReadOptions::default();
    let items = crate::manifest::parse_bytes("edited-file", edited, &opts);
    let resolved = manifests::resolve(client, &settings.cache_dir, items, namespace, false).await?;
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for r in resolved {
        match r {
            Ok(r) => ok.push(r),
            Err(ResolveError::Builder(m)) | Err(ResolveError::Visit(m)) => errors.push(m),
        }
    }
    if errors.is_empty() {
        Ok(Ok(ok))
    } else {
        Ok(Err(crate::manifest::aggregate(&errors)))
    }
}

fn uid(obj: &Value) -> &str {
    obj["metadata"]["uid"].as_str().unwrap_or("")
}

/// Hidden managedFields go back on each edited object (matched by UID), so
/// the user can neither see nor change them.
fn restore_managed_fields(obj: &mut Value, originals: &[Original]) {
    let saved = originals.iter().find(|o| uid(&o.object) == uid(obj)).and_then(|o| o.object["metadata"].get("managedFields")).filter(|m| m.as_array().is_some_and(|a| !a.is_empty())).cloned();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        match saved {
            Some(m) => {
                meta.insert("managedFields".into(), m);
            }
            None => {
                meta.remove("managedFields");
            }
        }
    }
}

/// `deployment.apps/web` from the object's own apiVersion and kind.
fn kind_name(obj: &Value, name: &str) -> String {
    let (group, _, kind) = crate::patch::group_version_kind(obj);
    format!("{}{name}", crate::commands::get::table_kind_prefix(&kind, &group))
}

fn print_result(obj: &Value, name: &str, operation: &str, opts: &Options) {
    if !opts.print_objects {
        output::print(&format!("{} {operation}\n", kind_name(obj, name)));
        return;
    }
    let obj = if opts.show_managed_fields { obj.clone() } else { without_managed_fields(obj) };
    output::print(&if opts.json { crate::printers::json::to_string(&obj) } else { crate::printers::yaml::to_string(&obj) });
}

/// Patch every edited object that differs from its original, in the order of
/// the edited file. Errors the user can fix are counted in `results`; others end the edit.
async fn patch_all(client: &Client, originals: &[Original], updated: &[Resolved], opts: &Options, results: &mut Results) -> Result<(), CliError> {
    for u in updated {
        let Some(orig) = originals.iter().find(|o| uid(&o.object) == uid(&u.object)) else {
            return Err(CliError::msg(format!("no original object found for &unstructured.Unstructured{{Object:{}}}", go_sharp_v(&u.object))));
        };
        let (before, after) = (crate::patch::to_go_json(&orig.object), crate::patch::to_go_json(&u.object));
        if before == after {
            print_result(&u.object, &u.name, "skipped", opts);
            continue;
        }
        let (patch, kind) = compute_patch(&orig.object, &u.object)?;
        let body = crate::patch::to_go_json(&patch);
        if opts.output_patch {
            output::print(&format!("Patch: {body}\n"));
        }
        let path = resource_path(&u.resource, u.namespace.as_deref(), Some(&u.name), opts.subresource.as_deref());
        let req = Request::new(Method::PATCH, path)
            .query("fieldManager", opts.field_manager.clone())
            .query("fieldValidation", opts.validation)
            .json_body(kind.content_type(), body.into_bytes());
        match client.send(&req).await {
            Ok(resp) => {
                let patched: Value = resp.json()?;
                print_result(&patched, &u.name, "edited", opts);
            }
            Err(e) => eprintln!("{}", results.add_error(&e, &u.resource, &u.name)),
        }
    }
    Ok(())
}

/// Go's `%#v` of an unstructured value (`map[string]interface {}{"k":"v"}`).
fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => crate::printers::gonum::format_g(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => crate::yaml::go_quote(s),
        Value::Array(a) => format!("[]interface {{}}{{{}}}", a.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys.iter().map(|k| format!("{}:{}", crate::yaml::go_quote(k), go_sharp_v(&m[*k]))).collect();
            format!("map[string]interface {{}}{{{}}}", items.join(", "))
        }
    }
}

const CHANGED_IDENTITY: &str = "At least one of apiVersion, kind and name was changed";

/// A strategic merge patch for the types kubectl compiles in (their struct
/// tags, not the server's OpenAPI), a JSON merge patch for anything else;
/// either way apiVersion, kind and name must not change.
fn compute_patch(original: &Value, edited: &Value) -> Result<(Value, crate::patch::PatchType), CliError> {
    let (group, _, kind) = crate::patch::group_version_kind(edited);
    let (patch, ty) = if crate::patch::uses_strategic_merge_patch(&group) {
        let schema = crate::patch::BuiltinSchema::for_kind(&kind);
        let p = crate::patch::create_two_way(original, edited, &schema).map_err(|e| CliError::msg(e.message))?;
        (p, crate::patch::PatchType::Strategic)
    } else {
        let p = crate::patch::create_merge_patch(original, edited).map_err(|e| CliError::msg(e.message))?;
        (p, crate::patch::PatchType::Merge)
    };
    let changed = patch.get("apiVersion").is_some() || patch.get("kind").is_some() || patch.get("metadata").and_then(|m| m.get("name")).is_some();
    if changed {
        return Err(CliError::msg(CHANGED_IDENTITY));
    }
    Ok((patch, ty))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_keeps_identity() {
        let a = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}});
        let mut b = a.clone();
        b["data"]["k"] = json!("w");
        let (p, ty) = compute_patch(&a, &b).unwrap();
        assert_eq!(crate::patch::to_go_json(&p), r#"{"data":{"k":"w"}}"#);
        assert_eq!(ty, crate::patch::PatchType::Strategic);
        b["metadata"]["name"] = json!("b");
        assert_eq!(compute_patch(&a, &b).unwrap_err().to_string(), format!("error: {CHANGED_IDENTITY}"));
        let cr = json!({"apiVersion": "example.com/v1", "kind": "W", "metadata": {"name": "a"}, "spec": {"x": [1, 2]}});
        let mut cr2 = cr.clone();
        cr2["spec"]["x"] = json!([3]);
        let (p, ty) = compute_patch(&cr, &cr2).unwrap();
        assert_eq!((crate::patch::to_go_json(&p), ty), (r#"{"spec":{"x":[3]}}"#.to_string(), crate::patch::PatchType::Merge));
    }

    #[test]
    fn go_sharp_v_of_unstructured() {
        let v = json!({"b": [1, 2.5, null, true], "a": {"s": "x\ny"}});
        assert_eq!(go_sharp_v(&v), r#"map[string]interface {}{"a":map[string]interface {}{"s":"x\ny"}, "b":[]interface {}{1, 2.5, interface {}(nil), true}}"#);
    }

    #[test]
    fn errors_name_the_resource() {
        let r = ApiResource { name: "deployments".into(), singular: String::new(), namespaced: true, group: "apps".into(), version: "v1".into(), kind: "Deployment".into(), verbs: vec![], short_names: vec![], categories: vec![] };
        assert_eq!(resource_string(&r), "deployments.apps");
        let mut res = Results::default();
        let status = crate::client::Status {
            reason: "Invalid".into(),
            details: Some(json!({"causes": [{"field": "spec.replicas", "message": "Invalid value: -1: must be greater than or equal to 0"}]})),
            ..Default::default()
        };
        let line = res.add_error(&ClientError::Api { status, http_code: 422 }, &r, "web");
        assert_eq!(line, "error: deployments.apps \"web\" is invalid");
        assert_eq!(res.reasons[0].other, vec!["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]);
    }
}

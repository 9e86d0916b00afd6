//! `kctl rollout`: status, history, undo, restart, pause and resume of
//! Deployments, StatefulSets and DaemonSets, as kubectl's rollout commands.
//!
//! Objects are found like kubectl's resource builder with ContinueOnError:
//! every argument is fetched, failures are collected, and all of them are
//! reported after the objects that could be handled.

use clap::Subcommand;
use serde_json::Value;

use crate::client::{Client, Request, ResourcePath};
use crate::commands::targets::{self, Target};
use crate::discovery::ApiResource;
use crate::error::CliError;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

pub mod go_order;
pub mod history;
pub mod ordered;
pub mod pause;
pub mod pod_template;
pub mod restart;
pub mod resume;
pub mod revisions;
pub mod status;
pub mod undo;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<RolloutCommand>,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// View rollout history
    History(history::Args),
    /// Mark the provided resource as paused
    Pause(pause::Args),
    /// Restart a resource
    Restart(restart::Args),
    /// Resume a paused resource
    Resume(resume::Args),
    /// Show the status of the rollout
    Status(status::Args),
    /// Undo a previous rollout
    Undo(undo::Args),
    /// Anything else: kubectl's "unknown command" error.
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    match args.command {
        Some(RolloutCommand::History(a)) => history::run(a, settings),
        Some(RolloutCommand::Pause(a)) => pause::run(a, settings),
        Some(RolloutCommand::Restart(a)) => restart::run(a, settings),
        Some(RolloutCommand::Resume(a)) => resume::run(a, settings),
        Some(RolloutCommand::Status(a)) => status::run(a, settings),
        Some(RolloutCommand::Undo(a)) => undo::run(a, settings),
        Some(RolloutCommand::Unknown(argv)) => {
            let name = argv.first().map(String::as_str).unwrap_or("");
            Err(CliError::Raw(format!("error: unknown command \"{name}\"\nSee 'kctl rollout -h' for help and examples")))
        }
        None => {
            // kubectl prints the group's help, then fails.
            crate::output::print(HELP);
            Err(CliError::Exit(1))
        }
    }
}

const HELP: &str = "Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  
  # Restart a deployment
  kubectl rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use \"kubectl rollout <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// How every rollout subcommand names its objects.
#[derive(Debug, Clone, clap::Args)]
pub struct Selection {
    /// (TYPE NAME | TYPE/NAME)
    pub args: Vec<String>,
    /// Filename, directory, or URL to files identifying the resource to get from a server.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
}

/// The printing flags of the commands that print objects.
#[derive(Debug, Clone, clap::Args)]
pub struct PrintArgs {
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub show_managed_fields: bool,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
}

const ALLOWED: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

impl PrintArgs {
    /// kubectl's PrintFlags without table printers: `Table` stands for "no -o".
    pub fn format(&self) -> Result<OutputFormat, CliError> {
        let f = OutputFormat::parse(self.output.as_deref(), self.template.as_deref())?;
        match f {
            OutputFormat::Wide | OutputFormat::CustomColumns(_) | OutputFormat::CustomColumnsFile(_) => {
                let name = self.output.as_deref().unwrap_or("").split('=').next().unwrap_or("").to_string();
                Err(CliError::msg(format!("unable to match a printer suitable for the output format \"{name}\", allowed formats are: {ALLOWED}")))
            }
            f => Ok(f),
        }
    }

    /// One object as `-o` asks. `ordered` is the object in Go struct order,
    /// which kubectl's JSON printer keeps for the typed objects it prints.
    /// `Table` (no -o) prints `NAME OPERATION`.
    pub fn render(&self, format: &OutputFormat, obj: &Value, ordered: Option<&ordered::OValue>, operation: &str) -> Result<String, CliError> {
        let allow = self.allow_missing_template_keys;
        let mut obj = obj.clone();
        let mut ordered = ordered.cloned();
        if !self.show_managed_fields && matches!(format, OutputFormat::Json | OutputFormat::Yaml) {
            if let Some(Value::Object(m)) = obj.get_mut("metadata") {
                m.remove("managedFields");
            }
            if let Some(o) = ordered.as_mut() {
                o.remove_path(&["metadata", "managedFields"]);
            }
        }
        Ok(match format {
            OutputFormat::Table | OutputFormat::Wide => format!("{} {operation}\n", kind_name_of(&obj)),
            OutputFormat::Name => format!("{}\n", kind_name_of(&obj)),
            OutputFormat::Json => match &ordered {
                Some(o) => crate::printers::json::to_string(o),
                None => crate::printers::json::to_string(&obj),
            },
            OutputFormat::Yaml => crate::printers::yaml::to_string(&obj),
            OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &obj, allow).map_err(|e| CliError::msg(e.to_string()))?,
            OutputFormat::JsonPathAsJson(t) => crate::printers::jsonpath::print_as_json(t, &obj, allow).map_err(|e| CliError::msg(e.to_string()))?,
            OutputFormat::GoTemplate(t) => crate::commands::get::go_template(t, &obj, allow)?,
            OutputFormat::CustomColumns(_) | OutputFormat::CustomColumnsFile(_) => unreachable!("rejected by format()"),
        })
    }
}

/// `deployment.apps/web` from an object's apiVersion and kind.
pub fn kind_name_of(obj: &Value) -> String {
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let kind = obj["kind"].as_str().unwrap_or("");
    format!("{}{}", crate::commands::get::table_kind_prefix(kind, group), obj["metadata"]["name"].as_str().unwrap_or(""))
}

/// One object the arguments named, as fetched.
#[derive(Debug, Clone)]
pub struct Found {
    pub resource: ApiResource,
    pub name: String,
    pub namespace: Option<String>,
    pub object: Value,
    /// The object in the server's (Go struct) key order.
    pub ordered: ordered::OValue,
}

impl Found {
    pub fn path(&self, subresource: Option<&str>) -> String {
        let r = &self.resource;
        ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: self.namespace.as_deref(), name: Some(&self.name), subresource }.to_path()
    }

    /// `deployments.apps`: how kubectl names the resource in its messages.
    pub fn resource_string(&self) -> String {
        if self.resource.group.is_empty() {
            self.resource.name.clone()
        } else {
            format!("{}.{}", self.resource.name, self.resource.group)
        }
    }

    pub fn kind_name(&self) -> String {
        format!("{}{}", crate::commands::get::table_kind_prefix(&self.resource.kind, &self.resource.group), self.name)
    }

    /// The group and kind the rollout helpers dispatch on.
    pub fn kind(&self) -> WorkloadKind {
        match (self.resource.group.as_str(), self.resource.kind.as_str()) {
            ("apps" | "extensions", "Deployment") => WorkloadKind::Deployment,
            ("apps" | "extensions", "DaemonSet") => WorkloadKind::DaemonSet,
            ("apps", "StatefulSet") => WorkloadKind::StatefulSet,
            _ => WorkloadKind::Other,
        }
    }

    /// kubectl's GroupKind string: `ConfigMap`, `Job.batch`.
    pub fn group_kind(&self) -> String {
        if self.resource.group.is_empty() {
            self.resource.kind.clone()
        } else {
            format!("{}.{}", self.resource.kind, self.resource.group)
        }
    }

    /// The error of kubectl's visitor-based helpers (history, rollback) for
    /// kinds that have none: the workload kinds kubectl's apps visitor knows
    /// get "not implemented", any other kind "no visitor method".
    pub fn no_visitor(&self, what: &str, implementer: &str) -> Failure {
        let known = matches!(
            (self.resource.group.as_str(), self.resource.kind.as_str()),
            ("", "Pod" | "ReplicationController") | ("batch", "Job" | "CronJob") | ("apps" | "extensions", "ReplicaSet")
        );
        if known {
            return format!("no {implementer} has been implemented for {}", crate::client::log::go_quote(&self.group_kind())).into();
        }
        format!("error retrieving {what} for \"{}\", no visitor method exists for {{{} {}}}", self.group_kind(), self.resource.group, self.resource.kind).into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    DaemonSet,
    StatefulSet,
    Other,
}

/// kubectl's `required resource not specified` check.
pub fn require_resources(sel: &Selection) -> Result<(), CliError> {
    if sel.args.is_empty() && sel.filename.is_empty() && sel.kustomize.is_none() {
        return Err(CliError::msg("required resource not specified"));
    }
    Ok(())
}

/// Every object the selection names, in order; each failure is the line
/// kubectl prints for it.
pub async fn collect(client: &Client, settings: &Settings, sel: &Selection) -> Result<Vec<Result<Found, Failure>>, CliError> {
    let filename = crate::commands::manifests::sources(&sel.filename, sel.kustomize.as_deref(), sel.recursive.unwrap_or(false))?;
    let ns = client.config().namespace.clone();
    let (resolved, problems): (Vec<Target>, Vec<String>) = if filename.is_empty() {
        if sel.args.iter().any(|a| a.matches('/').count() > 1) {
            return Err(CliError::msg("arguments in resource/name form may not have more than one slash"));
        }
        let selection = targets::parse(&sel.args)?;
        if sel.selector.is_some() {
            match &selection {
                targets::Selection::Pairs(_) => return Err(CliError::msg("selectors and the all flag cannot be used when passing resource/name arguments")),
                targets::Selection::Types { names, .. } if !names.is_empty() => return Err(CliError::msg("name cannot be provided when a selector is specified")),
                _ => {}
            }
        }
        (targets::resolve_on_server(client, &settings.cache_dir, &selection).await?, Vec::new())
    } else {
        targets::from_manifests(client, &settings.cache_dir, &filename, sel.recursive.unwrap_or(false)).await?
    };
    let mut out: Vec<Result<Found, Failure>> = problems.into_iter().map(|p| Err(Failure::plain(p))).collect();
    for t in &resolved {
        let r = &t.resource;
        let namespace = if r.namespaced { Some(t.namespace.clone().unwrap_or_else(|| ns.clone())) } else { None };
        if t.names.is_empty() {
            let mut req = Request::get(ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), ..Default::default() }.to_path());
            if let Some(s) = &sel.selector {
                req = req.query("labelSelector", s.clone());
            }
            let resp = match client.send(&req).await {
                Ok(resp) => resp,
                Err(e) => {
                    out.push(Err(list_error(e, r, sel.selector.as_deref())));
                    continue;
                }
            };
            let list: ordered::OValue = ordered::parse(&resp.body).map_err(CliError::msg)?;
            let api_version = list.get("apiVersion").cloned().unwrap_or(ordered::OValue::Null);
            for item in list.get("items").and_then(|i| i.as_array()).cloned().unwrap_or_default() {
                // List items carry no type; the printers' type setter adds it first.
                let mut item = item.with_type(&r.kind, api_version.clone());
                as_typed(&r.kind, &mut item);
                let object = item.to_value();
                let name = object["metadata"]["name"].as_str().unwrap_or("").to_string();
                out.push(Ok(Found { resource: r.clone(), name, namespace: namespace.clone(), object, ordered: item }));
            }
        } else {
            for n in &t.names {
                let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name: Some(n), subresource: None }.to_path();
                match client.send(&Request::get(path)).await {
                    Ok(resp) => {
                        let mut ordered = ordered::parse(&resp.body).map_err(CliError::msg)?;
                        as_typed(&r.kind, &mut ordered);
                        out.push(Ok(Found { resource: r.clone(), name: n.clone(), namespace: namespace.clone(), object: ordered.to_value(), ordered }));
                    }
                    Err(e) => out.push(Err(error_line(e.into()))),
                }
            }
        }
    }
    Ok(out)
}

/// The builder's wording for a failed list with a selector.
fn list_error(e: crate::client::ClientError, r: &ApiResource, selector: Option<&str>) -> Failure {
    if let (crate::client::ClientError::Api { status, .. }, Some(sel)) = (&e, selector) {
        if status.reason == "BadRequest" {
            let gvr = if r.group.is_empty() { format!("/{}, Resource={}", r.version, r.name) } else { format!("{}/{}, Resource={}", r.group, r.version, r.name) };
            return Failure::standard(format!("Error from server (BadRequest): Unable to find \"{gvr}\" that match label selector \"{sel}\", field selector \"\": {}", status.message));
        }
    }
    error_line(e.into())
}

/// One failure of a ContinueOnError run. `standard` messages are the ones
/// kubectl's StandardErrorMessage words (`Error from server (NotFound): …`);
/// the others are Go's `err.Error()`, which kubectl prefixes with `error: `
/// only when it is the sole failure.
#[derive(Debug, Clone)]
pub struct Failure {
    text: String,
    standard: bool,
}

impl Failure {
    pub fn plain(text: impl Into<String>) -> Failure {
        Failure { text: text.into(), standard: false }
    }

    pub fn standard(text: impl Into<String>) -> Failure {
        Failure { text: text.into(), standard: true }
    }

    /// Go's `err.Error()` for wrapping into another message.
    pub fn message(&self) -> &str {
        &self.text
    }
}

impl From<String> for Failure {
    fn from(text: String) -> Failure {
        Failure::plain(text)
    }
}

impl From<&str> for Failure {
    fn from(text: &str) -> Failure {
        Failure::plain(text)
    }
}

/// A command error as one failure of an aggregate.
pub fn error_line(e: CliError) -> Failure {
    match e {
        CliError::Message(m) => Failure::plain(m),
        CliError::Raw(m) => Failure::standard(m.trim_end_matches('\n')),
        CliError::Exit(c) => Failure::plain(format!("exit status {c}")),
    }
}

/// The collected failures as kubectl's final error (nothing when there are none).
pub fn finish(errors: Vec<Failure>) -> Result<(), CliError> {
    match errors.as_slice() {
        [] => Ok(()),
        [one] if one.standard || one.text.starts_with("error: ") => Err(CliError::Raw(one.text.clone())),
        [one] => Err(CliError::Raw(format!("error: {}", one.text))),
        many => Err(CliError::Raw(many.iter().map(|f| f.text.as_str()).collect::<Vec<_>>().join("\n"))),
    }
}

/// `No resources found in NS namespace.` on stderr, as pause/resume/restart/status say.
pub fn no_resources(client: &Client) {
    crate::output::flush_stdout();
    eprintln!("No resources found in {} namespace.", client.config().namespace);
}

/// The revision annotation of a Deployment or ReplicaSet.
pub fn revision_of(obj: &Value) -> Result<i64, String> {
    let v = obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().unwrap_or("");
    if v.is_empty() {
        return Ok(0);
    }
    v.parse::<i64>().map_err(|e| format!("strconv.ParseInt: parsing {v:?}: {}", if e.kind() == &std::num::IntErrorKind::PosOverflow { "value out of range" } else { "invalid syntax" }))
}

/// What pause, resume or restart makes of one object: a strategic merge
/// patch, or an error worded as kubectl's object helpers word it.
pub type Patcher = fn(&Found) -> Result<Value, String>;

/// kubectl's shared flow for pause, resume and restart: fetch everything,
/// patch each object its helper accepts, then report every failure.
pub fn run_patcher(sel: &Selection, print: &PrintArgs, field_manager: &str, settings: &Settings, operation: &str, patcher: Patcher) -> Result<(), CliError> {
    let format = print.format()?;
    require_resources(sel)?;
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let found = collect(&client, settings, sel).await?;
        // Failures to fetch come first, as kubectl collects them before patching.
        let mut errors: Vec<Failure> = found.iter().filter_map(|f| f.as_ref().err().cloned()).collect();
        let found: Vec<Found> = found.into_iter().filter_map(Result::ok).collect();
        if found.is_empty() && errors.is_empty() {
            no_resources(&client);
            return Ok(());
        }
        for f in &found {
            let patch = match patcher(f) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(Failure::plain(format!("error: {} {} {e}", f.resource_string(), crate::client::log::go_quote(&f.name))));
                    continue;
                }
            };
            let body = crate::printers::json::to_string_compact(&patch);
            let req = Request::new(reqwest::Method::PATCH, f.path(None))
                .query("fieldManager", field_manager)
                .json_body("application/strategic-merge-patch+json", body.into_bytes());
            let resp = match client.send(&req).await {
                Ok(r) => r,
                Err(e) => {
                    errors.push(Failure::plain(format!("failed to patch: {}", plain_error(&e))));
                    continue;
                }
            };
            let mut ordered = ordered::parse(&resp.body).map_err(CliError::msg)?;
            as_typed(&f.resource.kind, &mut ordered);
            let text = print.render(&format, &ordered.to_value(), Some(&ordered), operation)?;
            crate::output::print(&text);
        }
        finish(errors)
    })
}

/// An apps object as kubectl's own (v1.32) types decode it: fields those
/// types always write appear even when this server does not send them.
pub fn as_typed(kind: &str, obj: &mut ordered::OValue) {
    if kind == "StatefulSet" {
        if let Some(status) = obj.get_mut("status") {
            if status.get("availableReplicas").is_none() {
                status.set("availableReplicas", ordered::OValue::Number(0.into()));
            }
        }
    }
}

/// Go's `err.Error()` of a client error: an API status is just its message.
pub fn plain_error(e: &crate::client::ClientError) -> String {
    match e {
        crate::client::ClientError::Api { status, .. } => status.message.clone(),
        other => other.to_string(),
    }
}

//! What every generator shares: the print, dry-run, apply-annotation and
//! validation flags, the namespace, the POST, and kubectl's ways of
//! reporting what happened.

use reqwest::Method;

use super::flags;
use super::node::Node;
use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::printers::jsonpath::gofmt::quote;
use crate::settings::Settings;

// The flags kubectl adds to every `create` subcommand. (A plain comment: a doc
// comment here would become the help text of `kctl create`.)
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Common {
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub allow_missing_template_keys: Option<String>,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", value_name = "STRATEGY")]
    pub dry_run: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", value_name = "NAME")]
    pub field_manager: Option<String>,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long, value_name = "FORMAT")]
    pub output: Option<String>,
    /// If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub save_config: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_managed_fields: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// Must be one of: strict (or true), warn, ignore (or false).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "strict", value_name = "MODE")]
    pub validate: Option<String>,
}

impl Common {
    /// Flags given to `create` itself before the subcommand apply when the
    /// subcommand does not set them (cobra parses them all as one set).
    pub fn inherit(&mut self, parent: &Common) {
        macro_rules! take {
            ($($f:ident),*) => {$( if self.$f.is_none() { self.$f = parent.$f.clone(); } )*};
        }
        take!(allow_missing_template_keys, dry_run, field_manager, output, save_config, show_managed_fields, template, validate);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

/// How a generator's create error reaches the user.
pub enum Wrap {
    /// Returned as is: kubectl's CheckErr words API errors (`Error from server (...)`).
    Raw,
    /// `fmt.Errorf("<prefix>%v", err)`: `error: failed to create configmap: ...`.
    Prefix(String),
}

/// The resource a generator builds, as its typed client knows it.
pub struct Kind {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub resource: &'static str,
    pub namespaced: bool,
}

/// Flags resolved in kubectl's `Complete` order.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub namespace: String,
    /// `-n` given: the namespace goes into the object itself.
    pub enforce_namespace: bool,
    pub dry_run: DryRun,
    pub(super) save_config: bool,
    pub(super) show_managed_fields: bool,
    pub(super) allow_missing: bool,
    pub(super) field_manager: String,
    pub(super) validation: &'static str,
    pub(super) format: Option<OutputFormat>,
    /// The verb of the result line (`autoscale` says "autoscaled", `expose`
    /// "exposed"), and the one of a client dry run (autoscale's is "created").
    pub(crate) operation: &'static str,
    pub(crate) dry_run_operation: &'static str,
    client: std::cell::OnceCell<Client>,
}

const CREATE_FORMATS: &[&str] = &[
    "go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "yaml",
];

impl<'a> Ctx<'a> {
    pub fn complete(settings: &'a Settings, path: &'static str, c: &Common) -> Result<Ctx<'a>, CliError> {
        let allow_missing = flags::parse_bool(path, "--allow-missing-template-keys", c.allow_missing_template_keys.as_deref(), true)?;
        let save_config = flags::parse_bool(path, "--save-config", c.save_config.as_deref(), false)?;
        let show_managed_fields = flags::parse_bool(path, "--show-managed-fields", c.show_managed_fields.as_deref(), false)?;
        let rest = settings.rest_config()?;
        let dry_run = dry_run_strategy(c.dry_run.as_deref())?;
        let format = output_format(c)?;
        let validation = crate::validation::Directive::parse(c.validate.as_deref().unwrap_or("strict"))?.field_validation();
        Ok(Ctx {
            settings,
            namespace: rest.namespace.clone(),
            enforce_namespace: rest.namespace_explicit,
            dry_run,
            save_config,
            show_managed_fields,
            allow_missing,
            field_manager: c.field_manager.clone().unwrap_or_else(|| "kubectl-create".to_string()),
            validation,
            format,
            operation: "created",
            dry_run_operation: "created",
            client: std::cell::OnceCell::new(),
        })
    }

    /// For commands reusing create's flow (run, expose, autoscale): their own
    /// verbs, and no field validation (kubectl sends none for them).
    pub(crate) fn for_command(mut self, operation: &'static str, client_dry_run: &'static str) -> Self {
        self.operation = operation;
        self.dry_run_operation = client_dry_run;
        self.validation = "";
        self
    }

    /// kubectl's service generators never read `--save-config`.
    pub fn ignoring_save_config(mut self) -> Self {
        self.save_config = false;
        self
    }

    pub fn client(&self) -> Result<&Client, CliError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let c = self.settings.client()?;
        Ok(self.client.get_or_init(|| c))
    }

    /// The namespace for the object's metadata: set only when `-n` was given.
    pub fn object_namespace(&self) -> Option<&str> {
        self.enforce_namespace.then_some(self.namespace.as_str())
    }

    /// Save the configuration annotation, send the object (unless a client
    /// dry run), and print the result.
    pub fn create(&self, kind: &Kind, mut obj: Node, wrap: Wrap) -> Result<(), CliError> {
        if self.save_config {
            add_last_applied(&mut obj);
        }
        if self.dry_run != DryRun::Client {
            let client = self.client()?;
            obj = crate::commands::runtime().block_on(self.post(client, kind, &obj)).map_err(|e| match wrap {
                Wrap::Raw => check_err(e),
                Wrap::Prefix(p) => CliError::msg(format!("{p}{}", go_error(&e))),
            })?;
        }
        self.print(kind, obj)
    }

    pub(crate) async fn post(&self, client: &Client, kind: &Kind, obj: &Node) -> Result<Node, ClientError> {
        let path = ResourcePath {
            group: kind.group,
            version: kind.version,
            resource: kind.resource,
            namespace: kind.namespaced.then_some(self.namespace.as_str()),
            ..Default::default()
        }
        .to_path();
        let mut req = Request::new(Method::POST, path);
        if !self.field_manager.is_empty() {
            req = req.query("fieldManager", self.field_manager.clone());
        }
        if !self.validation.is_empty() {
            req = req.query("fieldValidation", self.validation);
        }
        if self.dry_run == DryRun::Server {
            req = req.query("dryRun", "All");
        }
        let body = crate::printers::json::to_string_compact(obj).into_bytes();
        req = req.json_body("application/json", body);
        let resp = client.send(&req).await?;
        serde_json::from_slice(&resp.body).map_err(|e| ClientError::Decode(format!("error decoding response: {e}")))
    }

    pub fn save_config(&self) -> bool {
        self.save_config
    }

    pub fn is_yaml(&self) -> bool {
        matches!(self.format, Some(OutputFormat::Yaml))
    }

    /// kubectl's printer for the object: `kind[.group]/name created` (or the
    /// command's verb, see [`Ctx::for_command`]), or `-o`.
    pub fn print(&self, kind: &Kind, mut obj: Node) -> Result<(), CliError> {
        let name = obj.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or("").to_string();
        let resource = if kind.group.is_empty() {
            format!("{}/{name}", kind.kind.to_lowercase())
        } else {
            format!("{}.{}/{name}", kind.kind.to_lowercase(), kind.group)
        };
        let text = match &self.format {
            None => {
                let (operation, suffix) = match self.dry_run {
                    DryRun::None => (self.operation, ""),
                    DryRun::Client => (self.dry_run_operation, " (dry run)"),
                    DryRun::Server => (self.operation, " (server dry run)"),
                };
                format!("{resource} {operation}{suffix}\n")
            }
            Some(OutputFormat::Name) => format!("{resource}\n"),
            Some(f @ (OutputFormat::Json | OutputFormat::Yaml)) => {
                if !self.show_managed_fields {
                    if let Some(meta) = obj.get_mut("metadata") {
                        meta.remove("managedFields");
                    }
                }
                if *f == OutputFormat::Json {
                    crate::printers::json::to_string(&obj)
                } else {
                    crate::printers::yaml::to_string(&obj.to_value())
                }
            }
            Some(OutputFormat::JsonPath(t)) => crate::printers::jsonpath::print(t, &obj.to_value(), self.allow_missing)
                .map_err(|e| CliError::msg(e.to_string()))?,
            Some(OutputFormat::JsonPathAsJson(t)) => crate::printers::jsonpath::print_as_json(t, &obj.to_value(), self.allow_missing)
                .map_err(|e| CliError::msg(e.to_string()))?,
            Some(OutputFormat::GoTemplate(t)) => match crate::printers::gotemplate::GoTemplatePrinter::new(t)
                .map(|p| p.allow_missing_keys(self.allow_missing))
                .and_then(|p| p.print_with_raw(&obj.to_value(), Some(&crate::printers::json::to_string_compact(&obj))))
            {
                Ok(s) => s,
                Err(e) => {
                    output::print(e.stdout());
                    return Err(CliError::msg(e.to_string()));
                }
            },
            Some(_) => unreachable!("create accepts no table formats"),
        };
        output::print(&text);
        Ok(())
    }
}

/// `cmdutil.GetDryRunStrategy`, with its deprecation warnings.
fn dry_run_strategy(v: Option<&str>) -> Result<DryRun, CliError> {
    let Some(v) = v else { return Ok(DryRun::None) };
    let warn = |loc: &str, msg: &str| crate::client::log::emit('W', loc, msg);
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => {
            warn("helpers.go:716", &format!("--dry-run={v} is deprecated (boolean value) and can be replaced with --dry-run=client."));
            Ok(DryRun::Client)
        }
        "0" | "f" | "F" | "FALSE" | "false" | "False" => {
            warn("helpers.go:719", &format!("--dry-run={v} is deprecated (boolean value) and can be replaced with --dry-run=none."));
            Ok(DryRun::None)
        }
        "unchanged" => {
            warn("helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client.");
            Ok(DryRun::Client)
        }
        "client" => Ok(DryRun::Client),
        "server" => Ok(DryRun::Server),
        "none" => Ok(DryRun::None),
        other => Err(CliError::msg(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))),
    }
}

/// `PrintFlags.ToPrinter` for create: json, yaml, name and the templates; a
/// `--template` alone means go-template. Templates are parsed here, before
/// anything is sent.
fn output_format(c: &Common) -> Result<Option<OutputFormat>, CliError> {
    let template = c.template.as_deref().filter(|t| !t.is_empty());
    let output = match c.output.as_deref() {
        None if template.is_some() => "go-template",
        None | Some("") => return Ok(None),
        Some(o) => o,
    };
    let name = output.split_once('=').map(|(n, _)| n).unwrap_or(output);
    if !CREATE_FORMATS.contains(&name) {
        return Err(CliError::msg(format!(
            "unable to match a printer suitable for the output format \"{output}\", allowed formats are: {}",
            CREATE_FORMATS.join(",")
        )));
    }
    let format = OutputFormat::parse(Some(output), template)?;
    match &format {
        OutputFormat::JsonPath(t) | OutputFormat::JsonPathAsJson(t) => {
            crate::printers::jsonpath::JsonPathPrinter::new(t).map_err(|e| CliError::msg(e.to_string()))?;
        }
        OutputFormat::GoTemplate(t) => {
            crate::printers::gotemplate::GoTemplatePrinter::new(t).map_err(|e| CliError::msg(e.to_string()))?;
        }
        _ => {}
    }
    Ok(Some(format))
}

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// ObjectMeta's field order, for inserting `annotations`.
pub const META_ORDER: &[&str] = &[
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
    "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
];

/// `CreateApplyAnnotation`: the object, encoded without the annotation, saved in it.
pub fn add_last_applied(obj: &mut Node) {
    let mut without = obj.clone();
    if let Some(meta) = without.get_mut("metadata") {
        if let Some(ann) = meta.get_mut("annotations") {
            ann.remove(LAST_APPLIED);
            if ann.is_empty_container() {
                meta.remove("annotations");
            }
        }
    }
    let encoded = crate::printers::json::to_string_compact(&without) + "\n";
    let Some(meta) = obj.get_mut("metadata") else { return };
    let mut pairs: Vec<(String, Node)> = match meta.get("annotations") {
        Some(Node::Obj(f)) => f.clone(),
        _ => Vec::new(),
    };
    pairs.retain(|(k, _)| k != LAST_APPLIED);
    pairs.push((LAST_APPLIED.to_string(), Node::Str(encoded)));
    meta.set_ordered("annotations", Node::sorted_map(pairs), META_ORDER);
}

/// Go's `err.Error()` for a client error, as `fmt.Errorf("...: %v", err)` embeds it.
pub fn go_error(e: &ClientError) -> String {
    match e {
        ClientError::Api { status, .. } => status.message.clone(),
        ClientError::Transport { .. } => e.url_error(),
        other => other.to_string(),
    }
}

/// kubectl's `CheckErr` for an error returned unwrapped: an Invalid status
/// lists its causes; everything else as the client words it.
pub fn check_err(e: ClientError) -> CliError {
    if let ClientError::Api { status, http_code: 422 } = &e {
        if let Some(details) = status.details.as_ref().filter(|d| d.is_object()) {
            let kind = details["kind"].as_str().unwrap_or("");
            let name = details["name"].as_str().unwrap_or("");
            let causes: Vec<&serde_json::Value> = details["causes"].as_array().map(|c| c.iter().collect()).unwrap_or_default();
            let mut s = "The request is invalid".to_string();
            if !kind.is_empty() || !name.is_empty() {
                s = format!("The {kind} {} is invalid", quote(name));
            } else if let Some(field) = causes.first().and_then(|c| c["field"].as_str()).filter(|f| !f.is_empty()) {
                s = format!("The request is invalid: {field}");
            }
            let lines: Vec<String> = causes
                .iter()
                .map(|c| format!("{}: {}", c["field"].as_str().unwrap_or(""), c["message"].as_str().unwrap_or("")))
                .collect();
            return CliError::Raw(match lines.len() {
                0 => s,
                1 => format!("{s}: {}", lines[0]),
                _ => format!("{s}: \n{}", lines.iter().map(|l| format!("* {l}\n")).collect::<String>()),
            });
        }
        if !status.message.is_empty() {
            return CliError::Raw(format!("The request is invalid: {}", status.message));
        }
    }
    e.into()
}

impl Kind {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `kind`, `apiVersion` and `metadata`, in TypeMeta/ObjectMeta order.
    pub fn object(&self, meta: Node) -> Node {
        Node::obj().with("kind", self.kind).with("apiVersion", self.api_version()).with("metadata", meta)
    }
}

/// ObjectMeta as generators fill it: name, namespace, a null creation
/// timestamp, and labels/annotations when there are any.
pub fn metadata(name: &str, namespace: Option<&str>, labels: Option<Node>, annotations: Option<Node>) -> Node {
    Node::obj()
        .with("name", name)
        .with_if(namespace.is_some_and(|n| !n.is_empty()), "namespace", namespace.unwrap_or(""))
        .with("creationTimestamp", Node::Null)
        .with_if(labels.as_ref().is_some_and(|l| !l.is_empty_container()), "labels", labels.clone().unwrap_or(Node::Null))
        .with_if(annotations.as_ref().is_some_and(|a| !a.is_empty_container()), "annotations", annotations.clone().unwrap_or(Node::Null))
}

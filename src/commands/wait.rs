//! `kctl wait`: block until objects meet a condition, are deleted, exist, or
//! a JSONPath reaches a value. Each object is listed then watched from the
//! list's resourceVersion (no polling), all under one overall deadline.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::failures::{report, Failure};
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::commands::targets::{self, Target};
use crate::commands::watch_stream::{self, WatchStream};
use crate::error::CliError;
use crate::output;
use crate::printers::jsonpath::{Item, JsonPath};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)])
    pub args: Vec<String>,
    /// Select all resources in the namespace of the specified resource types
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all_namespaces: Option<bool>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.
    #[arg(long = "field-selector")]
    pub field_selector: Option<String>,
    /// identifying the resource.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]].
    #[arg(long = "for", default_value = "")]
    pub for_condition: String,
    /// If true, annotation will NOT contact api-server but run locally.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub local: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub recursive: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
    /// The length of time to wait before giving up. Zero means check once and don't wait, negative means wait for a week.
    #[arg(long, default_value = "30s", allow_hyphen_values = true)]
    pub timeout: String,
}

/// What `--for` asks for.
#[derive(Debug)]
enum Condition {
    Delete,
    Create,
    Status { name: String, value: String },
    JsonPath { path: JsonPath, value: Option<String> },
}

const NO_MATCH: &str = "no matching resources found";

const NEED_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    // The flag library rejects a bad duration before anything runs.
    let timeout = match parse_go_duration(&args.timeout) {
        Ok(d) => d,
        Err(msg) => {
            return Err(CliError::Raw(format!(
                "Error: invalid argument \"{}\" for \"--timeout\" flag: {msg}\nSee 'kctl wait --help' for usage.",
                args.timeout
            )))
        }
    };
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    let condition = parse_condition(&args.for_condition)?;
    if args.local.unwrap_or(false) && args.filename.is_empty() {
        return Err(CliError::msg("you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'"));
    }
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NEED_RESOURCES));
    }
    // Negative means a week; zero means check once.
    let timeout = match timeout {
        None => Duration::from_secs(168 * 3600),
        Some(d) => d,
    };
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let mut printer = Printer {
        objects: format.map(|f| ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), false)),
    };
    rt.block_on(async {
        let (targets, problems) = if args.filename.is_empty() {
            let selection = targets::parse(&args.args)?;
            (targets::resolve_on_server(&client, &settings.cache_dir, &selection).await?, Vec::new())
        } else {
            targets::from_manifests(&client, &settings.cache_dir, &args.filename, args.recursive).await?
        };
        let deadline = Instant::now() + timeout;
        let w = Waiter { client: &client, args: &args, condition: &condition, timeout, deadline };
        let mut errors = match condition {
            Condition::Create => w.run_create(&targets, &mut printer).await?,
            _ => w.run(&targets, &mut printer).await?,
        };
        // Documents -f could not use (e.g. another namespace than -n) are
        // errors of their own; with them, finding nothing is no extra error.
        if !problems.is_empty() {
            errors.retain(|f| !matches!(f, Failure::Msg(m) if m == NO_MATCH));
            errors.extend(problems.into_iter().map(Failure::Msg));
        }
        report(errors)
    })
}

fn parse_condition(s: &str) -> Result<Condition, CliError> {
    if s.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if s.eq_ignore_ascii_case("create") {
        return Ok(Condition::Create);
    }
    if let Some(rest) = s.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (rest.to_string(), "true".to_string()),
        };
        return Ok(Condition::Status { name, value });
    }
    if let Some(rest) = s.strip_prefix("jsonpath=") {
        let parts = split_jsonpath_input(rest);
        if parts.is_empty() || parts.len() > 2 {
            return Err(CliError::msg("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'"));
        }
        let expr = crate::printers::jsonpath::relaxed(&parts[0]).map_err(CliError::msg)?;
        let value = match parts.get(1) {
            None => None,
            Some(v) => {
                let v = v.trim_matches(['\'', '"']);
                if v.is_empty() {
                    return Err(CliError::msg("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"));
                }
                Some(v.to_string())
            }
        };
        if expr.is_empty() {
            return Err(CliError::msg("jsonpath expression cannot be empty"));
        }
        let path = JsonPath::parse(&expr).map_err(|e| CliError::msg(e.message))?;
        return Ok(Condition::JsonPath { path, value });
    }
    Err(CliError::msg(format!("unrecognized condition: {}", crate::printers::jsonpath::gofmt::quote(s))))
}

/// Splits on single `=`; `==` stays inside the expression.
fn split_jsonpath_input(input: &str) -> Vec<String> {
    let b = input.as_bytes();
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if i + 1 < b.len() && b[i + 1] == b'=' {
                cur.extend_from_slice(b"==");
                i += 2;
                continue;
            }
            out.push(String::from_utf8_lossy(&cur).into_owned());
            cur.clear();
        } else {
            cur.push(b[i]);
        }
        i += 1;
    }
    out.push(String::from_utf8_lossy(&cur).into_owned());
    out
}

/// Go's `time.ParseDuration`: `Ok(None)` for a negative duration.
pub fn parse_go_duration(orig: &str) -> Result<Option<Duration>, String> {
    let invalid = || format!("time: invalid duration {}", crate::printers::jsonpath::gofmt::quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next().filter(|c| *c == '-' || *c == '+') {
        neg = c == '-';
        s = &s[1..];
    }
    if s == "0" {
        return Ok(Some(Duration::ZERO));
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total = 0f64;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        if !(c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
        let num = &s[..end];
        if num == "." || num.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = num.parse().map_err(|_| invalid())?;
        s = &s[end..];
        let uend = s.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(s.len());
        if uend == 0 {
            return Err(format!("time: missing unit in duration {}", crate::printers::jsonpath::gofmt::quote(orig)));
        }
        let unit = &s[..uend];
        let scale = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    crate::printers::jsonpath::gofmt::quote(unit),
                    crate::printers::jsonpath::gofmt::quote(orig)
                ))
            }
        };
        total += value * scale;
        s = &s[uend..];
    }
    if neg && total > 0.0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_nanos(total as u64)))
}

struct Printer {
    objects: Option<ObjectPrinter>,
}

impl Printer {
    fn print(&mut self, obj: &Value) -> Result<(), CliError> {
        let text = match &mut self.objects {
            // kubectl ignores the printer's error here.
            Some(p) => p.render_lenient(&Ordered::Value(obj.clone())),
            None => format!("{}{} condition met\n", print_flags::kind_prefix(obj), obj["metadata"]["name"].as_str().unwrap_or("")),
        };
        output::print(&text);
        output::flush_stdout();
        Ok(())
    }
}

/// One object to wait on, as the resource builder found it.
struct Info<'a> {
    target: &'a Target,
    namespace: Option<String>,
    name: String,
    object: Value,
}

impl Info<'_> {
    /// `pods/x`: how kubectl names the object in its messages.
    fn object_name(&self) -> String {
        format!("{}/{}", self.target.resource.name, self.name)
    }

    fn path(&self, name: Option<&str>) -> String {
        let r = &self.target.resource;
        ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: self.namespace.as_deref(), name, subresource: None }.to_path()
    }

    fn timed_out(&self) -> Failure {
        Failure::Msg(format!("timed out waiting for the condition on {}", self.object_name()))
    }

    /// What the informer reports when the object is not in its list.
    fn not_found(&self) -> Failure {
        let r = &self.target.resource;
        let gr = if r.group.is_empty() { r.name.clone() } else { format!("{}.{}", r.name, r.group) };
        let status = crate::client::Status {
            kind: "Status".into(),
            message: format!("{gr} \"{}\" not found", self.name),
            reason: "NotFound".into(),
            code: 404,
            ..Default::default()
        };
        Failure::Api(ClientError::Api { status, http_code: 404 })
    }
}

struct Waiter<'a> {
    client: &'a Client,
    args: &'a Args,
    condition: &'a Condition,
    timeout: Duration,
    deadline: Instant,
}

/// What visiting the targets met, in order: objects, and errors.
enum Found<'a> {
    Object(Info<'a>),
    Error(Failure),
}

impl<'a> Waiter<'a> {
    fn namespace_for(&self, t: &Target) -> Option<String> {
        if !t.resource.namespaced {
            return None;
        }
        Some(t.namespace.clone().unwrap_or_else(|| self.client.config().namespace.clone()))
    }

    /// The resource builder: named objects fetched one by one, the others listed.
    async fn find(&self, targets: &'a [Target], ignore_not_found: bool) -> Result<Vec<Found<'a>>, CliError> {
        let all_namespaces = self.args.all_namespaces.unwrap_or(false);
        let bulk = self.args.all.unwrap_or(false) || self.args.selector.is_some() || self.args.field_selector.is_some();
        let mut found = Vec::new();
        for t in targets {
            let namespace = self.namespace_for(t);
            if t.names.is_empty() {
                if !bulk {
                    return Err(CliError::msg("resource(s) were provided, but no name was specified"));
                }
                let list_ns = if all_namespaces { None } else { namespace.clone() };
                for obj in self.list(t, list_ns.as_deref()).await? {
                    let obj_ns = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
                    if all_namespaces && t.resource.namespaced && self.client.config().namespace_explicit {
                        // With -n as well, kubectl's builder checks each item
                        // against the empty namespace -A leaves, and rejects them all.
                        found.push(Found::Error(Failure::Msg(format!("the namespace from the provided object \"{obj_ns}\" does not match the namespace \"\". You must pass '--namespace={obj_ns}' to perform this operation."))));
                        continue;
                    }
                    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                    let namespace = if all_namespaces && t.resource.namespaced { Some(obj_ns) } else { namespace.clone() };
                    found.push(Found::Object(Info { target: t, namespace, name, object: obj }));
                }
                continue;
            }
            if all_namespaces && t.namespace.is_none() && t.resource.namespaced {
                return Err(CliError::msg("a resource cannot be retrieved by name across all namespaces"));
            }
            for name in &t.names {
                let mut info = Info { target: t, namespace: namespace.clone(), name: name.clone(), object: Value::Null };
                match self.client.send(&Request::get(info.path(Some(name)))).await {
                    Ok(resp) => {
                        info.object = resp.json()?;
                        found.push(Found::Object(info));
                    }
                    Err(e) if e.is_not_found() => {
                        if !ignore_not_found {
                            found.push(Found::Error(self.namespace_error(&info).await.unwrap_or(Failure::Api(e))));
                        }
                    }
                    Err(e) if e.is_transport() => return Err(e.into()),
                    Err(e) => found.push(Found::Error(e.into())),
                }
            }
        }
        Ok(found)
    }

    /// A missing object in a missing namespace is reported as the namespace.
    async fn namespace_error(&self, info: &Info<'_>) -> Option<Failure> {
        let ns = info.namespace.as_deref()?;
        match self.client.send(&Request::get(format!("/api/v1/namespaces/{ns}"))).await {
            Err(e) if e.is_not_found() => Some(Failure::Api(e)),
            _ => None,
        }
    }

    async fn list(&self, t: &Target, namespace: Option<&str>) -> Result<Vec<Value>, CliError> {
        let r = &t.resource;
        let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path();
        let mut items = Vec::new();
        let mut cont: Option<String> = None;
        loop {
            let mut req = Request::get(path.clone());
            if let Some(s) = self.args.selector.as_deref() {
                req = req.query("labelSelector", s);
            }
            if let Some(s) = self.args.field_selector.as_deref() {
                req = req.query("fieldSelector", s);
            }
            req = req.query("limit", "500");
            if let Some(c) = &cont {
                req = req.query("continue", c.clone());
            }
            let mut page: Value = self.client.send(&req).await?.json()?;
            cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
            let kind = page["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
            let api_version = page["apiVersion"].clone();
            if let Some(Value::Array(page_items)) = page.get_mut("items").map(Value::take) {
                for mut it in page_items {
                    it["kind"] = Value::String(kind.clone());
                    it["apiVersion"] = api_version.clone();
                    items.push(it);
                }
            }
            if cont.is_none() {
                return Ok(items);
            }
        }
    }

    async fn run(&self, targets: &'a [Target], printer: &mut Printer) -> Result<Vec<Failure>, CliError> {
        let delete = matches!(self.condition, Condition::Delete);
        let mut errors = Vec::new();
        let mut visited = 0;
        for found in self.find(targets, delete).await? {
            let info = match found {
                Found::Object(info) => info,
                Found::Error(f) => {
                    errors.push(f);
                    continue;
                }
            };
            visited += 1;
            let outcome = if delete { self.wait_deleted(&info).await? } else { self.wait_condition(&info).await? };
            match outcome {
                Ok(obj) => printer.print(&obj)?,
                Err(f) => errors.push(f),
            }
        }
        if errors.is_empty() && visited == 0 && !delete {
            errors.push(Failure::Msg(NO_MATCH.into()));
        }
        Ok(errors)
    }

    /// `--for=create`: look again every half second until every object exists.
    async fn run_create(&self, targets: &'a [Target], printer: &mut Printer) -> Result<Vec<Failure>, CliError> {
        loop {
            let found = self.find(targets, false).await?;
            let missing = found.iter().any(|f| matches!(f, Found::Error(Failure::Api(e)) if e.is_not_found()));
            if !missing {
                let mut errors = Vec::new();
                let mut visited = 0;
                for f in found {
                    match f {
                        Found::Object(info) => {
                            visited += 1;
                            printer.print(&info.object)?;
                        }
                        Found::Error(e) => errors.push(e),
                    }
                }
                if errors.is_empty() && visited == 0 {
                    errors.push(Failure::Msg(NO_MATCH.into()));
                }
                return Ok(errors);
            }
            let next = Instant::now() + Duration::from_millis(500);
            if next >= self.deadline {
                tokio::time::sleep_until(self.deadline).await;
                return Ok(vec![Failure::Msg("timed out waiting for the condition".into())]);
            }
            tokio::time::sleep_until(next).await;
        }
    }

    fn check(&self, obj: &Value) -> Result<bool, Failure> {
        match self.condition {
            Condition::Status { name, value } => Ok(condition_met(obj, name, value)),
            Condition::JsonPath { path, value } => jsonpath_met(path, value.as_deref(), obj).map_err(Failure::Msg),
            Condition::Delete | Condition::Create => Ok(false),
        }
    }

    /// A condition or JSONPath: checked once with --timeout=0, else watched.
    async fn wait_condition(&self, info: &Info<'_>) -> Result<Result<Value, Failure>, CliError> {
        if self.timeout.is_zero() {
            let obj: Value = match self.client.send(&Request::get(info.path(Some(&info.name)))).await {
                Ok(resp) => resp.json()?,
                Err(e) if e.is_transport() => return Err(e.into()),
                Err(e) => return Ok(Err(e.into())),
            };
            return Ok(match self.check(&obj) {
                Ok(true) => Ok(obj),
                Ok(false) => Err(Failure::Msg(format!("condition not met for {}", info.object_name()))),
                Err(f) => Err(f),
            });
        }
        let mut on_event = |kind: &str, obj: &Value| -> Result<bool, Failure> {
            match kind {
                "ADDED" | "MODIFIED" => self.check(obj),
                _ => Ok(false),
            }
        };
        self.list_and_watch(info, "the condition to be satisfied", true, &mut on_event).await
    }

    async fn wait_deleted(&self, info: &Info<'_>) -> Result<Result<Value, Failure>, CliError> {
        if !self.timeout.is_zero() && Instant::now() >= self.deadline {
            // kubectl's GET here shares the expired deadline: its rate limiter refuses.
            return Ok(Err(Failure::Msg("client rate limiter Wait returned an error: context deadline exceeded".into())));
        }
        let gotten: Value = match self.client.send(&Request::get(info.path(Some(&info.name)))).await {
            Ok(resp) => resp.json()?,
            Err(e) if e.is_not_found() => return Ok(Ok(info.object.clone())),
            Err(e) if e.is_transport() => return Err(e.into()),
            Err(e) => return Ok(Err(e.into())),
        };
        if self.timeout.is_zero() {
            return Ok(Err(Failure::Msg(format!("condition not met for {}", info.object_name()))));
        }
        let mut on_event = |kind: &str, _: &Value| -> Result<bool, Failure> { Ok(kind == "DELETED") };
        Ok(match self.list_and_watch(info, "the object to be deleted", false, &mut on_event).await? {
            Ok(_) => Ok(gotten),
            Err(f) => Err(f),
        })
    }

    /// client-go's `UntilWithSync`: list the one object by name, feed the
    /// items to `on_event` as ADDED, then watch from the list's version. A
    /// missing object is an error (`absent_is_error`) or success (deletion).
    async fn list_and_watch(
        &self,
        info: &Info<'_>,
        what: &str,
        absent_is_error: bool,
        on_event: &mut dyn FnMut(&str, &Value) -> Result<bool, Failure>,
    ) -> Result<Result<Value, Failure>, CliError> {
        if Instant::now() >= self.deadline {
            return Ok(Err(info.timed_out()));
        }
        let selector = format!("metadata.name={}", info.name);
        let mut resource_version = String::new();
        let mut need_list = true;
        loop {
            if need_list {
                let req = Request::get(info.path(None)).query("fieldSelector", selector.clone()).query("limit", "500").query("resourceVersion", "0");
                let list: Value = match tokio::time::timeout_at(self.deadline, self.client.send(&req)).await {
                    Err(_) => return Ok(Err(info.timed_out())),
                    Ok(Err(e)) if e.is_transport() => return Err(e.into()),
                    Ok(Err(e)) => return Ok(Err(e.into())),
                    Ok(Ok(resp)) => resp.json()?,
                };
                resource_version = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
                let items = list["items"].as_array().cloned().unwrap_or_default();
                if items.is_empty() {
                    return Ok(if absent_is_error { Err(info.not_found()) } else { Ok(Value::Null) });
                }
                for mut it in items {
                    it["kind"] = Value::String(info.target.resource.kind.clone());
                    it["apiVersion"] = Value::String(info.target.resource.group_version());
                    match on_event("ADDED", &it) {
                        Ok(true) => return Ok(Ok(it)),
                        Ok(false) => {}
                        Err(f) => return Ok(Err(f)),
                    }
                }
                need_list = false;
            }
            let remaining = self.deadline.saturating_duration_since(Instant::now());
            let req = Request::get(info.path(None))
                .query("allowWatchBookmarks", "true")
                .query("fieldSelector", selector.clone())
                .query("resourceVersion", resource_version.clone())
                .query("timeoutSeconds", remaining.as_secs().max(1).to_string())
                .query("watch", "true");
            let mut stream = match tokio::time::timeout_at(self.deadline, WatchStream::open(self.client, req)).await {
                Err(_) => return Ok(Err(info.timed_out())),
                Ok(Err(ClientError::Api { http_code: 410, .. })) => {
                    need_list = true;
                    continue;
                }
                Ok(Err(e)) if e.is_transport() => return Err(e.into()),
                Ok(Err(e)) => return Ok(Err(e.into())),
                Ok(Ok(s)) => s,
            };
            loop {
                let ev = match tokio::time::timeout_at(self.deadline, stream.next(self.client)).await {
                    Err(_) => return Ok(Err(info.timed_out())),
                    // A dropped or finished watch resumes from the last version seen.
                    Ok(Err(_)) | Ok(Ok(None)) => break,
                    Ok(Ok(Some(ev))) => ev,
                };
                let kind = ev["type"].as_str().unwrap_or("");
                let obj = &ev["object"];
                if let Some(rv) = obj["metadata"]["resourceVersion"].as_str() {
                    resource_version = rv.to_string();
                }
                match kind {
                    "BOOKMARK" => continue,
                    "ERROR" => {
                        if obj["code"].as_u64() == Some(410) {
                            need_list = true;
                            break;
                        }
                        // kubectl keeps waiting, and writes no line break.
                        output::flush_stdout();
                        let message = match watch_stream::error_event(&ev) {
                            ClientError::Api { status, .. } => status.message,
                            other => other.to_string(),
                        };
                        eprint!("error: An error occurred while waiting for {what}: {message}");
                        continue;
                    }
                    _ => {}
                }
                match on_event(kind, obj) {
                    Ok(true) => return Ok(Ok(obj.clone())),
                    Ok(false) => {}
                    Err(f) => return Ok(Err(f)),
                }
            }
        }
    }
}

/// `--for=condition=NAME[=VALUE]`: the first condition of that type decides,
/// its status compared case-insensitively.
fn condition_met(obj: &Value, name: &str, value: &str) -> bool {
    let Some(conditions) = obj["status"]["conditions"].as_array() else { return false };
    for c in conditions {
        let (Some(t), Some(status)) = (c["type"].as_str(), c["status"].as_str()) else { continue };
        if !equal_fold(t, name) {
            continue;
        }
        return equal_fold(status, value);
    }
    false
}

/// Go's `strings.EqualFold` (simple Unicode case folding).
fn equal_fold(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| x == y || x.to_lowercase().eq(y.to_lowercase()))
}

/// `--for=jsonpath=EXPR[=VALUE]`: one scalar result equal to VALUE (as Go's
/// `%v` prints it), or any result at all without a value.
fn jsonpath_met(path: &JsonPath, value: Option<&str>, obj: &Value) -> Result<bool, String> {
    let results = path.find(obj, true).map_err(|e| e.message)?;
    if results.is_empty() || results[0].is_empty() {
        return Ok(false);
    }
    if results.len() > 1 {
        return Err("given jsonpath expression matches more than one list".into());
    }
    if results[0].len() > 1 {
        return Err("given jsonpath expression matches more than one value".into());
    }
    let Some(expected) = value else { return Ok(true) };
    let item: &Item = &results[0][0];
    if matches!(item.json(), Some(Value::Object(_) | Value::Array(_))) {
        return Err("jsonpath leads to a nested object or list which is not supported".into());
    }
    Ok(item.sprint().trim() == expected.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_go_duration("30s").unwrap(), Some(Duration::from_secs(30)));
        assert_eq!(parse_go_duration("1m30s").unwrap(), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("0").unwrap(), Some(Duration::ZERO));
        assert_eq!(parse_go_duration("-1s").unwrap(), None);
        assert_eq!(parse_go_duration("-1").unwrap_err(), "time: missing unit in duration \"-1\"");
        assert_eq!(parse_go_duration("abc").unwrap_err(), "time: invalid duration \"abc\"");
        assert_eq!(parse_go_duration("5x").unwrap_err(), "time: unknown unit \"x\" in duration \"5x\"");
    }

    #[test]
    fn jsonpath_input_splits_on_single_equals() {
        assert_eq!(split_jsonpath_input("{.a}=b"), vec!["{.a}", "b"]);
        assert_eq!(split_jsonpath_input("{.a[?(@.t==\"x\")].s}=True"), vec!["{.a[?(@.t==\"x\")].s}", "True"]);
        assert_eq!(split_jsonpath_input("{.a}"), vec!["{.a}"]);
        assert_eq!(split_jsonpath_input("{.a}=b=c").len(), 3);
    }

    #[test]
    fn conditions_and_jsonpath() {
        let pod = json!({"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}, {"type": "Ready", "status": "False"}]}, "spec": {"n": 3}});
        assert!(condition_met(&pod, "ready", "true"));
        assert!(!condition_met(&pod, "Ready", "false"));
        assert!(!condition_met(&pod, "Other", "true"));
        let p = |e: &str| JsonPath::parse(e).unwrap();
        assert_eq!(jsonpath_met(&p("{.status.phase}"), Some("Running"), &pod), Ok(true));
        assert_eq!(jsonpath_met(&p("{.spec.n}"), Some("3"), &pod), Ok(true));
        assert_eq!(jsonpath_met(&p("{.status.nope}"), None, &pod), Ok(false));
        assert_eq!(jsonpath_met(&p("{.status.conditions}"), None, &pod), Ok(true));
        assert!(jsonpath_met(&p("{.status.conditions}"), Some("x"), &pod).unwrap_err().contains("nested object"));
        assert!(jsonpath_met(&p("{.status.conditions[*].type}"), Some("x"), &pod).unwrap_err().contains("more than one value"));
    }
}

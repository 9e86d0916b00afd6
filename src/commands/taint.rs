//! `kctl taint`: add, replace or remove node taints with a strategic merge
//! patch of spec.taints (an atomic list), worded and validated as kubectl's.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Request;
use crate::commands::cordon::{node_name, node_path, parse_dry_run};
use crate::commands::failures::{report, Failure};
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// NODE KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N
    pub args: Vec<String>,
    /// Select all nodes in the cluster
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub all: bool,
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-taint")]
    pub field_manager: String,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// If true, allow taints to be overwritten, otherwise reject taint updates that overwrite existing taints.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub overwrite: bool,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub show_managed_fields: bool,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long)]
    pub template: Option<String>,
    /// Must be one of: strict (or true), warn, ignore (or false).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "strict", default_value = "strict")]
    pub validate: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    fn from_json(v: &Value) -> Taint {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        Taint { key: s("key"), value: s("value"), effect: s("effect") }
    }

    /// `Taint.ToString`.
    fn to_go_string(&self) -> String {
        match (self.value.is_empty(), self.effect.is_empty()) {
            (true, true) => self.key.clone(),
            (false, true) => format!("{}={}:", self.key, self.value),
            (true, false) => format!("{}:{}", self.key, self.effect),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }

    /// `MatchTaint`: same key and effect.
    fn matches(&self, other: &Taint) -> bool {
        self.key == other.key && self.effect == other.effect
    }
}

const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `IsValidLabelValue`.
fn label_value_errors(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    if v.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    if !v.is_empty() && !name_part(v) {
        out.push(LABEL_VALUE_MSG.to_string());
    }
    out
}

/// `IsQualifiedName`.
fn qualified_name_errors(key: &str) -> Vec<String> {
    let parts: Vec<&str> = key.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [n] => (None, *n),
        [p, n] => (Some(*p), *n),
        _ => return vec![QUALIFIED_MSG.to_string()],
    };
    let mut out = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".to_string());
        } else {
            if p.len() > 253 {
                out.push("prefix part must be no more than 253 characters".to_string());
            }
            let label = |l: &str| {
                let b = l.as_bytes();
                !b.is_empty()
                    && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                    && b[0].is_ascii_alphanumeric()
                    && b[b.len() - 1].is_ascii_alphanumeric()
            };
            if !p.split('.').all(label) {
                out.push(format!("prefix part {SUBDOMAIN_MSG}"));
            }
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            out.push("name part must be no more than 63 characters".to_string());
        }
        if !name_part(name) {
            out.push(NAME_PART_MSG.to_string());
        }
    }
    out
}

/// `parseTaint`: `key[=value][:effect]`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [k] => (*k, "", ""),
        [kv, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!("invalid taint effect: {effect}, unsupported taint effect"));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [k] => (*k, "", *effect),
                [k, v] => {
                    let errs = label_value_errors(v);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (*k, *v, *effect)
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = qualified_name_errors(key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint { key: key.into(), value: value.into(), effect: effect.into() })
}

/// `parseTaints`: the taints to add and to remove.
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for spec in specs {
        if let Some(s) = spec.strip_suffix('-') {
            let t = parse_taint(s)?;
            remove.push(Taint { value: String::new(), ..t });
        } else {
            let t = parse_taint(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if add.iter().any(|a: &Taint| a.key == t.key && a.effect == t.effect) {
                // Go's %v of the Taint struct (key value effect timeAdded).
                return Err(format!("duplicated taints with the same key and effect: {{{} {} {} <nil>}}", t.key, t.value, t.effect));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let dry_run = parse_dry_run(&args.dry_run)?;
    if !matches!(args.validate.as_str(), "strict" | "true" | "warn" | "ignore" | "false") {
        return Err(CliError::msg(format!("invalid - validate option {:?}; must be one of: strict (or true), warn, ignore (or false)", args.validate)));
    }
    // kubectl builds its printer per node, after the taints are checked.
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())
        .map_err(|e| e.to_string().trim_start_matches("error: ").to_string());
    let mut resources = Vec::new();
    let mut specs = Vec::new();
    for s in &args.args {
        let is_taint = s.contains('=') || s.contains(':') || s.ends_with('-');
        if is_taint {
            specs.push(s.clone());
        } else if specs.is_empty() {
            resources.push(s.clone());
        } else {
            return Err(CliError::msg(format!("all resources must be specified before taint changes: {s}")));
        }
    }
    if resources.is_empty() {
        return Err(CliError::msg("one or more resources must be specified as <resource> <name>"));
    }
    if specs.is_empty() {
        return Err(CliError::msg("at least one taint update is required"));
    }
    let (add, remove) = parse_taints(&specs).map_err(|e| CliError::msg(format!("{e}\nSee 'kctl taint -h' for help and examples")))?;
    let selector = args.selector.clone().filter(|s| !s.is_empty());
    let client = settings.client()?;
    crate::commands::runtime().block_on(async {
        let resource_type = resources[0].to_lowercase();
        let cache = crate::discovery::DiscoveryCache::new(&client, &settings.cache_dir);
        match cache.resolve(&resource_type).await {
            Ok((_, r)) if r.kind == "Node" && r.group.is_empty() => {}
            Ok(_) => return Err(CliError::msg(format!("invalid resource type {resource_type}, only node types are supported"))),
            Err(crate::discovery::DiscoveryError::UnknownResource(_)) => {
                return Err(CliError::Raw(format!("the server doesn't have a resource type \"{resource_type}\"")))
            }
            Err(e) => return Err(e.into()),
        }
        let mut conflicts = Vec::new();
        for a in &add {
            for r in remove.iter().filter(|r| r.key == a.key && (r.effect.is_empty() || r.effect == a.effect)) {
                conflicts.push(format!("{}={}", r.key, r.effect));
            }
        }
        if !conflicts.is_empty() {
            return Err(CliError::msg(format!("can not both modify and remove the following taint(s) in the same command: {}", conflicts.join(", "))));
        }
        if args.all && selector.is_some() {
            return Err(CliError::msg("setting 'all' parameter with a non empty selector is prohibited"));
        }
        if !args.all && selector.is_none() && resources.len() < 2 {
            return Err(CliError::msg("at least one resource name must be specified since 'all' parameter is not set"));
        }
        let mut errors: Vec<Failure> = Vec::new();
        // The builder: with --all or -l the names are ignored; a node that
        // cannot be fetched is an error after the others are visited.
        let mut nodes: Vec<Result<Value, Failure>> = Vec::new();
        if args.all || selector.is_some() {
            let mut req = Request::get("/api/v1/nodes");
            if let Some(s) = &selector {
                req = req.query("labelSelector", s.clone());
            }
            let list: Value = client.send(&req).await?.json()?;
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["kind"] = json!("Node");
                item["apiVersion"] = json!("v1");
                nodes.push(Ok(item));
            }
        } else {
            for name in &resources[1..] {
                match client.send(&Request::get(node_path(name))).await {
                    Ok(resp) => nodes.push(Ok(resp.json()?)),
                    Err(e) if e.is_transport() => return Err(e.into()),
                    Err(e) => nodes.push(Err(Failure::from(e))),
                }
            }
        }
        for node in nodes {
            let node = match node {
                Ok(n) => n,
                Err(f) => {
                    errors.push(f);
                    continue;
                }
            };
            match taint_one(&client, node, &add, &remove, &args, dry_run, format.as_ref().err()).await {
                Ok((operation, obj)) => {
                    // A printer per node, as kubectl's: YAML documents get no separator;
                    // and its operation line has no dry-run marker.
                    let text = match format.as_ref().ok().and_then(Option::as_ref) {
                        Some(f) => ObjectPrinter::new(f.clone(), args.allow_missing_template_keys, args.show_managed_fields, false).render(&Ordered::Value(obj))?,
                        None => format!("node/{} {operation}\n", node_name(&obj)),
                    };
                    output::print(&text);
                    output::flush_stdout();
                }
                Err(f) => errors.extend(f),
            }
        }
        report(errors)
    })
}

/// One node: the new taint list (kubectl's `reorganizeTaints`) sent as a patch.
/// Errors are a list: kubectl flattens the aggregate of missing taints.
async fn taint_one(
    client: &crate::client::Client,
    node: Value,
    add: &[Taint],
    remove: &[Taint],
    args: &Args,
    dry_run: DryRun,
    printer_error: Option<&String>,
) -> Result<(&'static str, Value), Vec<Failure>> {
    let name = node_name(&node).to_string();
    let old_json: Vec<Value> = node["spec"]["taints"].as_array().cloned().unwrap_or_default();
    let old: Vec<Taint> = old_json.iter().map(Taint::from_json).collect();
    if !args.overwrite {
        let exists: Vec<&str> = add.iter().flat_map(|t| old.iter().filter(|o| o.key == t.key && o.effect == t.effect).map(|_| t.key.as_str())).collect();
        if !exists.is_empty() {
            return Err(vec![Failure::Msg(format!("node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")))]);
        }
    }
    let mut new: Vec<(Taint, Value)> = add.iter().map(|t| (t.clone(), taint_json(t))).collect();
    for (o, j) in old.iter().zip(&old_json) {
        if !new.iter().any(|(n, _)| n.matches(o)) {
            new.push((o.clone(), j.clone()));
        }
    }
    let added = old.len() != new.len();
    let mut missing = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = new.len();
        new.retain(|(t, _)| if r.effect.is_empty() { t.key != r.key } else { !r.matches(t) });
        deleted = new.len() != before;
        if !deleted {
            missing.push(format!("taint {} not found", crate::gostr::quote(&r.to_go_string())));
        }
    }
    let operation = if (added && deleted) || args.overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    if !missing.is_empty() {
        return Err(missing.into_iter().map(Failure::Msg).collect());
    }
    if let Some(e) = printer_error {
        return Err(vec![Failure::Msg(e.clone())]);
    }
    let taints = if new.is_empty() { Value::Null } else { Value::Array(new.into_iter().map(|(_, j)| j).collect()) };
    if dry_run == DryRun::Client {
        let mut obj = node;
        match &taints {
            Value::Null => {
                if let Some(spec) = obj["spec"].as_object_mut() {
                    spec.remove("taints");
                }
            }
            t => obj["spec"]["taints"] = t.clone(),
        }
        return Ok((operation, obj));
    }
    let patch = json!({ "spec": { "taints": taints } });
    let mut req = Request::new(Method::PATCH, node_path(&name))
        .query("fieldManager", args.field_manager.clone())
        .json_body("application/strategic-merge-patch+json", crate::printers::json::to_string_compact(&patch).into_bytes());
    if dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    let validation = match args.validate.as_str() {
        "true" | "strict" => "Strict",
        "warn" => "Warn",
        _ => "Ignore",
    };
    req = req.query("fieldValidation", validation);
    let obj: Value = client.send(&req).await.map_err(|e| vec![Failure::from(e)])?.json().map_err(|e| vec![Failure::Msg(e.to_string())])?;
    Ok((operation, obj))
}

fn taint_json(t: &Taint) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("key".into(), json!(t.key));
    if !t.value.is_empty() {
        m.insert("value".into(), json!(t.value));
    }
    m.insert("effect".into(), json!(t.effect));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubectl_taint_specs() {
        assert_eq!(parse_taint("a=b:NoSchedule").unwrap(), Taint { key: "a".into(), value: "b".into(), effect: "NoSchedule".into() });
        assert_eq!(parse_taint("a").unwrap().effect, "");
        assert_eq!(parse_taint("a:b:c").unwrap_err(), "invalid taint spec: a:b:c");
        assert_eq!(parse_taint("x=y:Bad").unwrap_err(), "invalid taint effect: Bad, unsupported taint effect");
        assert!(parse_taint("example.com/k=v:NoExecute").is_ok());
        assert!(parse_taints(&["a=b".into()]).unwrap_err().starts_with("invalid taint spec: a=b, name part"));
        assert_eq!(parse_taints(&["a=b:NoSchedule".into(), "a=c:NoSchedule".into()]).unwrap_err(), "duplicated taints with the same key and effect: {a c NoSchedule <nil>}");
    }
}

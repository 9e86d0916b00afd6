//! `kctl auth reconcile -f FILE`: RBAC roles and bindings made to cover what
//! the manifests ask for: missing rules and subjects are added (extra ones
//! removed with --remove-extra-*), absent objects created, bindings whose
//! roleRef changed recreated; what changed is reported on stderr.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::auth::rules::from_status;
use crate::rbac::Rule;
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::commands::DryRun;
use crate::discovery::ApiResource;
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Filename, directory, or URL to files identifying the resource to reconcile.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, removes extra permissions added to roles
    #[arg(long = "remove-extra-permissions", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub remove_extra_permissions: bool,
    /// If true, removes extra subjects added to rolebindings
    #[arg(long = "remove-extra-subjects", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub remove_extra_subjects: bool,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long)]
    pub template: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    None,
    Create,
    Update,
    Recreate,
}

/// What one object needed.
struct Outcome {
    object: Value,
    op: Op,
    protected: bool,
    missing_subjects: Vec<Value>,
    extra_subjects: Vec<Value>,
    missing_rules: Vec<Rule>,
    extra_rules: Vec<Rule>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let dry_run = DryRun::parse(&args.dry_run)?;
    if dry_run == DryRun::Server {
        return Err(CliError::msg("--dry-run=server for command reconcile is not supported yet"));
    }
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    if args.filename.is_empty() {
        return Err(CliError::msg("must specify one of -f and -k"));
    }
    let client = settings.client()?;
    let mut printer = format.map(|f| ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), false));
    crate::commands::runtime().block_on(async {
        let items = crate::commands::manifests::read(&args.filename, args.recursive.unwrap_or(false), false)?;
        let cfg = client.config();
        let resolved = crate::commands::manifests::resolve(&client, &settings.cache_dir, items, &cfg.namespace, cfg.namespace_explicit).await?;
        for r in resolved {
            let r = r.map_err(|e| CliError::msg(e.message().to_string()))?;
            if r.resource.group != "rbac.authorization.k8s.io" {
                // kubectl skips everything else silently.
                continue;
            }
            let outcome = match r.resource.kind.as_str() {
                "Role" | "ClusterRole" => reconcile_role(&client, &r.resource, r.namespace.as_deref(), &r.object, &args, dry_run).await?,
                "RoleBinding" | "ClusterRoleBinding" => reconcile_binding(&client, &r.resource, r.namespace.as_deref(), &r.object, &args, dry_run).await?,
                _ => continue,
            };
            let text = match &mut printer {
                Some(p) => p.render(&Ordered::Value(outcome.object.clone()))?,
                None => format!("{}{} reconciled{}\n", print_flags::kind_prefix(&outcome.object), outcome.object["metadata"]["name"].as_str().unwrap_or(""), dry_run.suffix()),
            };
            crate::output::print(&text);
            crate::output::flush_stdout();
            eprint!("{}", report(&outcome));
        }
        Ok(())
    })
}

/// The stderr lines for one object.
fn report(o: &Outcome) -> String {
    let caveat = if o.protected { ", but object opted out (rbac.authorization.kubernetes.io/autoupdate: false)" } else { "" };
    let op = match o.op {
        Op::None => return String::new(),
        Op::Create => "create",
        Op::Update => "update",
        Op::Recreate => "recreate",
    };
    let mut out = format!("\treconciliation required {op}{caveat}\n");
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            out.push_str(&format!("\t{title}:\n"));
            for l in lines {
                out.push_str(&format!("\t\t{l}\n"));
            }
        }
    };
    section("missing subjects added", o.missing_subjects.iter().map(subject_text).collect());
    section("extra subjects removed", o.extra_subjects.iter().map(subject_text).collect());
    section("missing rules added", o.missing_rules.iter().map(rule_text).collect());
    section("extra rules removed", o.extra_rules.iter().map(rule_text).collect());
    out
}

fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// Go's `%+v` of rbac/v1 PolicyRule.
fn rule_text(r: &Rule) -> String {
    format!(
        "{{Verbs:{} APIGroups:{} Resources:{} ResourceNames:{} NonResourceURLs:{}}}",
        go_list(&r.verbs),
        go_list(&r.api_groups),
        go_list(&r.resources),
        go_list(&r.resource_names),
        go_list(&r.non_resource_urls)
    )
}

/// Go's `%+v` of rbac/v1 Subject.
fn subject_text(s: &Value) -> String {
    let f = |k: &str| s[k].as_str().unwrap_or("").to_string();
    format!("{{Kind:{} APIGroup:{} Name:{} Namespace:{}}}", f("kind"), f("apiGroup"), f("name"), f("namespace"))
}

fn rules_of(obj: &Value) -> Vec<Rule> {
    // A role's rules have the shape of a review's resource rules plus nonResourceURLs.
    let mut out = Vec::new();
    for r in obj["rules"].as_array().into_iter().flatten() {
        let mut rule = from_status(&json!({"resourceRules": [r]})).remove(0);
        rule.non_resource_urls = r["nonResourceURLs"].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect();
        out.push(rule);
    }
    out
}

fn rule_json(r: &Rule) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("verbs".into(), json!(r.verbs));
    let mut opt = |k: &str, v: &[String]| {
        if !v.is_empty() {
            m.insert(k.into(), json!(v));
        }
    };
    opt("apiGroups", &r.api_groups);
    opt("resources", &r.resources);
    opt("resourceNames", &r.resource_names);
    opt("nonResourceURLs", &r.non_resource_urls);
    Value::Object(m)
}

fn has(set: &[String], v: &str) -> bool {
    set.iter().any(|s| s == v)
}

/// rbac validation's ruleCovers for a broken-down rule.
fn rule_covers(owner: &Rule, sub: &Rule) -> bool {
    let all = |set: &[String], want: &[String]| has(set, "*") || want.iter().all(|w| has(set, w));
    let resources = sub.resources.iter().all(|r| {
        has(&owner.resources, "*") || has(&owner.resources, r) || r.split_once('/').is_some_and(|(_, sub)| has(&owner.resources, &format!("*/{sub}")))
    });
    let urls = sub.non_resource_urls.iter().all(|u| {
        owner.non_resource_urls.iter().any(|o| o == "*" || o == u || o.strip_suffix('*').is_some_and(|p| u.starts_with(p)))
    });
    let names = if sub.resource_names.is_empty() { owner.resource_names.is_empty() } else { owner.resource_names.is_empty() || sub.resource_names.iter().all(|n| has(&owner.resource_names, n)) };
    all(&owner.verbs, &sub.verbs) && all(&owner.api_groups, &sub.api_groups) && resources && names && urls
}

/// rbac validation's Covers: the servant's broken-down rules no owner rule covers.
pub fn uncovered(owner: &[Rule], servant: &[Rule]) -> Vec<Rule> {
    servant.iter().flat_map(crate::rbac::breakdown).filter(|s| !owner.iter().any(|o| rule_covers(o, s))).collect()
}

fn path(r: &ApiResource, namespace: Option<&str>, name: Option<&str>) -> String {
    ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: if r.namespaced { namespace } else { None }, name, ..Default::default() }.to_path()
}

async fn fetch(client: &Client, r: &ApiResource, ns: Option<&str>, name: &str) -> Result<Option<Value>, CliError> {
    match client.send(&Request::get(path(r, ns, Some(name)))).await {
        Ok(resp) => Ok(Some(resp.json()?)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn write(client: &Client, r: &ApiResource, ns: Option<&str>, obj: &Value, create: bool, dry_run: DryRun) -> Result<Value, CliError> {
    if dry_run == DryRun::Client {
        return Ok(obj.clone());
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let (method, p) = if create { (Method::POST, path(r, ns, None)) } else { (Method::PUT, path(r, ns, Some(name))) };
    let mut req = Request::new(method, p).json_body("application/json", crate::printers::json::to_string_compact(obj).into_bytes());
    if dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    Ok(client.send(&req).await.map_err(|e: ClientError| CliError::from(e))?.json()?)
}

/// Expected labels and annotations merged under the existing ones.
fn merge_meta(result: &mut Value, expected: &Value) -> bool {
    let mut changed = false;
    for key in ["labels", "annotations"] {
        for (k, v) in expected["metadata"][key].as_object().into_iter().flatten() {
            if result["metadata"][key].get(k).is_none() {
                if !result["metadata"][key].is_object() {
                    result["metadata"][key] = json!({});
                }
                result["metadata"][key][k] = v.clone();
                changed = true;
            }
        }
    }
    changed
}

fn protected(obj: &Value) -> bool {
    obj["metadata"]["annotations"]["rbac.authorization.kubernetes.io/autoupdate"].as_str() == Some("false")
}

async fn reconcile_role(client: &Client, r: &ApiResource, ns: Option<&str>, expected: &Value, args: &Args, dry_run: DryRun) -> Result<Outcome, CliError> {
    let name = expected["metadata"]["name"].as_str().unwrap_or("");
    let Some(existing) = fetch(client, r, ns, name).await? else {
        let object = write(client, r, ns, expected, true, dry_run).await?;
        return Ok(Outcome { object, op: Op::Create, protected: false, missing_subjects: vec![], extra_subjects: vec![], missing_rules: rules_of(expected), extra_rules: vec![] });
    };
    let mut result = existing.clone();
    let mut op = if merge_meta(&mut result, expected) { Op::Update } else { Op::None };
    let (have, want) = (rules_of(&existing), rules_of(expected));
    let both_aggregated = !expected["aggregationRule"].is_null() && !existing["aggregationRule"].is_null();
    let extra_rules = if both_aggregated { vec![] } else { uncovered(&want, &have) };
    let missing_rules = uncovered(&have, &want);
    if !args.remove_extra_permissions && !missing_rules.is_empty() {
        let mut all = have.clone();
        all.extend(missing_rules.iter().cloned());
        result["rules"] = Value::Array(all.iter().map(rule_json).collect());
        op = Op::Update;
    } else if args.remove_extra_permissions && (!missing_rules.is_empty() || !extra_rules.is_empty()) {
        result["rules"] = expected["rules"].clone();
        op = Op::Update;
    }
    let protected = protected(&existing);
    let object = if op == Op::Update && !protected { write(client, r, ns, &result, false, dry_run).await? } else { result };
    let extra_rules = if args.remove_extra_permissions { extra_rules } else { vec![] };
    Ok(Outcome { object, op, protected, missing_subjects: vec![], extra_subjects: vec![], missing_rules, extra_rules })
}

async fn reconcile_binding(client: &Client, r: &ApiResource, ns: Option<&str>, expected: &Value, args: &Args, dry_run: DryRun) -> Result<Outcome, CliError> {
    let name = expected["metadata"]["name"].as_str().unwrap_or("");
    let subjects = |o: &Value| o["subjects"].as_array().cloned().unwrap_or_default();
    let Some(existing) = fetch(client, r, ns, name).await? else {
        let object = write(client, r, ns, expected, true, dry_run).await?;
        return Ok(Outcome { object, op: Op::Create, protected: false, missing_subjects: subjects(expected), extra_subjects: vec![], missing_rules: vec![], extra_rules: vec![] });
    };
    let protected = protected(&existing);
    // A changed roleRef cannot be updated: the expected binding replaces the old one as it is.
    if existing["roleRef"] != expected["roleRef"] {
        let object = if protected {
            expected.clone()
        } else {
            if dry_run == DryRun::None {
                client.send(&Request::new(Method::DELETE, path(r, ns, Some(name)))).await?;
            }
            write(client, r, ns, expected, true, dry_run).await?
        };
        return Ok(Outcome { object, op: Op::Recreate, protected, missing_subjects: vec![], extra_subjects: vec![], missing_rules: vec![], extra_rules: vec![] });
    }
    let mut result = existing.clone();
    let mut op = if merge_meta(&mut result, expected) { Op::Update } else { Op::None };
    let key = |s: &Value| (s["kind"].clone(), s["apiGroup"].clone(), s["name"].clone(), s["namespace"].clone());
    let (have, want) = (subjects(&existing), subjects(expected));
    let missing: Vec<Value> = want.iter().filter(|w| !have.iter().any(|h| key(h) == key(w))).cloned().collect();
    let extra: Vec<Value> = have.iter().filter(|h| !want.iter().any(|w| key(h) == key(w))).cloned().collect();
    if !args.remove_extra_subjects && !missing.is_empty() {
        let mut all = have.clone();
        all.extend(missing.iter().cloned());
        result["subjects"] = Value::Array(all);
        op = Op::Update;
    } else if args.remove_extra_subjects && (!missing.is_empty() || !extra.is_empty()) {
        result["subjects"] = Value::Array(want.clone());
        op = Op::Update;
    }
    let object = if op == Op::Update && !protected { write(client, r, ns, &result, false, dry_run).await? } else { result };
    let extra = if args.remove_extra_subjects { extra } else { vec![] };
    Ok(Outcome { object, op, protected, missing_subjects: missing, extra_subjects: extra, missing_rules: vec![], extra_rules: vec![] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str], urls: &[&str]) -> Rule {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Rule { verbs: v(verbs), api_groups: v(groups), resources: v(resources), resource_names: v(names), non_resource_urls: v(urls) }
    }

    #[test]
    fn coverage_like_rbac_validation() {
        let owner = vec![rule(&["get", "list"], &[""], &["pods", "*/scale"], &[], &[]), rule(&["get"], &[], &[], &[], &["/healthz*"])];
        let want = vec![rule(&["get", "watch"], &[""], &["pods", "deployments/scale"], &[], &[]), rule(&["get"], &[], &[], &[], &["/healthz/ping"])];
        let missing = uncovered(&owner, &want);
        assert_eq!(missing, vec![rule(&["watch"], &[""], &["pods"], &[], &[]), rule(&["watch"], &[""], &["deployments/scale"], &[], &[])]);
        assert_eq!(rule_text(&missing[0]), "{Verbs:[watch] APIGroups:[] Resources:[pods] ResourceNames:[] NonResourceURLs:[]}");
        // A rule limited to names does not cover the unrestricted one.
        assert_eq!(uncovered(&[rule(&["*"], &["*"], &["*"], &["a"], &[])], &[rule(&["get"], &[""], &["pods"], &[], &[])]).len(), 1);
    }
}

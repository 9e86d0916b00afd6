//! `kctl auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]`: one
//! SelfSubjectAccessReview ("yes", or "no" and exit 1), or with `--list` the
//! SelfSubjectRulesReview of the namespace as kubectl's rules table.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Request;
use crate::commands::auth::{rules, warn};
use crate::discovery::{Discovery, DiscoveryCache};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// VERB [TYPE | TYPE/NAME | NONRESOURCEURL]
    pub args: Vec<String>,
    /// If true, check the specified action in all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub all_namespaces: bool,
    /// If true, prints all allowed actions.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub list: bool,
    /// If true, prints allowed actions without headers
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub no_headers: bool,
    /// If true, suppress output and just return the exit code.
    #[arg(short = 'q', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub quiet: bool,
    /// SubResource such as pod/log or deployment/scale
    #[arg(long, default_value = "")]
    pub subresource: String,
}

const RESOURCE_VERBS: &[&str] = &["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"];
const NON_RESOURCE_VERBS: &[&str] = &["get", "put", "post", "head", "options", "delete", "patch", "*"];
/// Resources the server authorizes but discovery does not list (impersonation targets).
const NON_STANDARD_RESOURCES: &[&str] = &["users", "groups"];

/// What the second argument named.
#[derive(Default)]
struct Gvr {
    group: String,
    version: String,
    resource: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let cache = DiscoveryCache::new(&client, &settings.cache_dir);
        let mut verb = String::new();
        let mut non_resource_url = String::new();
        let mut gvr = Gvr::default();
        let mut resource_name = String::new();
        let mut discovery: Option<Discovery> = None;
        if args.list {
            if !args.args.is_empty() {
                return Err(CliError::msg("list option must be specified with no arguments"));
            }
        } else {
            if args.args.len() != 2 {
                return Err(CliError::msg("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples."));
            }
            verb = args.args[0].clone();
            if args.args[1].starts_with('/') {
                non_resource_url = args.args[1].clone();
            } else {
                let (res, name) = match args.args[1].split_once('/') {
                    Some((r, n)) => (r, n),
                    None => (args.args[1].as_str(), ""),
                };
                resource_name = name.to_string();
                let d = crate::discovery::for_mapping(&cache).await?;
                gvr = resource_for(&d, res);
                discovery = Some(d);
            }
        }
        let namespace = if args.all_namespaces { String::new() } else { client.config().namespace.clone() };

        if args.list {
            if args.quiet || args.all_namespaces || !args.subresource.is_empty() {
                return Err(CliError::msg("list option can't be specified with neither quiet, all-namespaces nor subresource options"));
            }
        } else if !non_resource_url.is_empty() {
            if !args.subresource.is_empty() {
                return Err(CliError::msg("--subresource can not be used with NonResourceURL"));
            }
            if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
                warn(&format!("verb '{verb}' is not a known verb\n"));
            }
        } else if !gvr.resource.is_empty() && !args.all_namespaces {
            if let Some(false) = discovery.as_ref().and_then(|d| namespaced(d, &gvr)) {
                if gvr.group.is_empty() {
                    warn(&format!("resource '{}' is not namespace scoped\n", gvr.resource));
                } else {
                    warn(&format!("resource '{}' is not namespace scoped in group '{}'\n", gvr.resource, gvr.group));
                }
            }
            if !RESOURCE_VERBS.contains(&verb.as_str()) {
                warn(&format!("verb '{verb}' is not a known verb\n"));
            }
        }
        if !args.list && args.no_headers {
            return Err(CliError::msg("--no-headers cannot be set without --list specified"));
        }

        if args.list {
            let body = json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {"creationTimestamp": null}, "spec": {"namespace": namespace}, "status": {"resourceRules": null, "nonResourceRules": null, "incomplete": false}});
            let review: Value = client.send(&post("selfsubjectrulesreviews", &body)).await?.json()?;
            let status = &review["status"];
            if status["incomplete"].as_bool().unwrap_or(false) {
                // kubectl's message has no newline of its own here.
                warn(&format!("the list may be incomplete: {}", status["evaluationError"].as_str().unwrap_or("")));
            }
            crate::output::print(&rules::table(status, args.no_headers));
            return Ok(());
        }

        let spec = if non_resource_url.is_empty() {
            json!({"resourceAttributes": {"namespace": namespace, "verb": verb, "group": gvr.group, "version": gvr.version, "resource": gvr.resource, "subresource": args.subresource, "name": resource_name}})
        } else {
            json!({"nonResourceAttributes": {"path": non_resource_url, "verb": verb}})
        };
        let body = json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {"creationTimestamp": null}, "spec": spec, "status": {"allowed": false}});
        let review: Value = client.send(&post("selfsubjectaccessreviews", &body)).await?.json()?;
        let status = &review["status"];
        let allowed = status["allowed"].as_bool().unwrap_or(false);
        if !args.quiet {
            crate::output::print(&answer(status));
        }
        if allowed {
            Ok(())
        } else {
            crate::output::flush_stdout();
            Err(CliError::Exit(1))
        }
    })
}

fn post(resource: &str, body: &Value) -> Request {
    let body = crate::printers::json::to_string_compact(body);
    Request::new(Method::POST, format!("/apis/authorization.k8s.io/v1/{resource}")).json_body("application/json", body.into_bytes())
}

/// The line kubectl prints for an access review's status.
pub fn answer(status: &Value) -> String {
    if status["allowed"].as_bool().unwrap_or(false) {
        return "yes\n".to_string();
    }
    let mut out = String::from("no");
    for key in ["reason", "evaluationError"] {
        if let Some(s) = status[key].as_str().filter(|s| !s.is_empty()) {
            out.push_str(" - ");
            out.push_str(s);
        }
    }
    out.push('\n');
    out
}

/// kubectl's `resourceFor`: the REST mapper's answer, or the argument as
/// given (with a warning) when the server does not know it.
fn resource_for(d: &Discovery, arg: &str) -> Gvr {
    if arg == "*" {
        return Gvr { resource: arg.to_string(), ..Gvr::default() };
    }
    let lower = arg.to_lowercase();
    if let Some(r) = d.resolve(&lower) {
        return Gvr { group: r.group.clone(), version: r.version.clone(), resource: r.name.clone() };
    }
    let (resource, group) = match lower.split_once('.') {
        Some((r, g)) => (r.to_string(), g.to_string()),
        None => (lower.clone(), String::new()),
    };
    let group_resource = if group.is_empty() { resource.clone() } else { format!("{resource}.{group}") };
    if !NON_STANDARD_RESOURCES.contains(&group_resource.as_str()) {
        if group.is_empty() {
            warn(&format!("the server doesn't have a resource type '{resource}'\n"));
        } else {
            warn(&format!("the server doesn't have a resource type '{resource}' in group '{group}'\n"));
        }
    }
    Gvr { resource: arg.to_string(), ..Gvr::default() }
}

/// Whether discovery lists the resource as namespaced (None: not listed).
fn namespaced(d: &Discovery, gvr: &Gvr) -> Option<bool> {
    if gvr.resource == "*" {
        return Some(true);
    }
    d.resources.iter().find(|r| r.group == gvr.group && r.version == gvr.version && r.name == gvr.resource).map(|r| r.namespaced)
}

#[cfg(test)]
mod tests {
    use super::answer;
    use serde_json::json;

    #[test]
    fn answers_like_kubectl() {
        assert_eq!(answer(&json!({"allowed": true})), "yes\n");
        assert_eq!(answer(&json!({"allowed": false})), "no\n");
        assert_eq!(answer(&json!({"allowed": false, "reason": "r", "evaluationError": "e"})), "no - r - e\n");
    }
}

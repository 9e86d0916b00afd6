//! `kctl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] ...`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create ingress";

const INGRESS: Kind = Kind { kind: "Ingress", group: "networking.k8s.io", version: "v1", resource: "ingresses", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Annotation to insert in the ingress object, in the format annotation=value
    #[arg(long, value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,
    /// Ingress Class to be used
    #[arg(long, value_name = "CLASS")]
    pub class: Option<String>,
    /// Default service for backend, in format of svcname:port
    #[arg(long = "default-backend", value_name = "SVC:PORT")]
    pub default_backend: Option<String>,
    /// Rule in format host/path=service:port[,tls=secretname]. Paths containing the leading character '*' are considered pathType=Prefix. tls argument is optional.
    #[arg(long, value_name = "RULE")]
    pub rule: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let default_backend = args.default_backend.clone().unwrap_or_default();
    if default_backend.is_empty() && args.rule.is_empty() {
        return Err(CliError::msg("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)"));
    }
    for rule in &args.rule {
        if !rule_is_valid(rule) {
            return Err(CliError::msg(format!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]")));
        }
    }
    for a in &args.annotation {
        if !a.contains('=') {
            return Err(CliError::msg(format!("annotation {a} is invalid and should be in format key=[value]")));
        }
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Err(CliError::msg("default-backend should be in format servicename:serviceport"));
    }
    let annotations = Node::sorted_map(args.annotation.iter().map(|a| {
        let (k, v) = a.split_once('=').unwrap();
        (k.to_string(), Node::from(v))
    }));
    let class = args.class.clone().unwrap_or_default();
    let tls = tls_rules(&args.rule);
    let rules = ingress_rules(&args.rule);
    let spec = Node::obj()
        .with_if(!class.is_empty(), "ingressClassName", class.as_str())
        .with_if(!default_backend.is_empty(), "defaultBackend", backend(&default_backend))
        .with_if(!tls.is_empty(), "tls", Node::Arr(tls))
        .with_if(!rules.is_empty(), "rules", Node::Arr(rules));
    let obj = INGRESS
        .object(metadata(&name, ctx.object_namespace(), None, Some(annotations)))
        .with("spec", spec)
        .with("status", Node::obj().with("loadBalancer", Node::obj()));
    ctx.create(&INGRESS, obj, Wrap::Prefix("failed to create ingress: ".into()))
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// kubectl's rule check, the unanchored regex
/// `^([\w*.-]*)(/.*)=([\w-]+):([\w-]+)`: anything may follow the port.
fn rule_is_valid(rule: &str) -> bool {
    let Some(slash) = rule.find('/') else { return false };
    let (host, rest) = rule.split_at(slash);
    if !host.chars().all(|c| word_char(c) || c == '*' || c == '.') {
        return false;
    }
    rest.char_indices().filter(|(_, c)| *c == '=').any(|(i, _)| {
        if rest[..i].contains('\n') {
            return false;
        }
        let after = &rest[i + 1..];
        let svc_len = after.find(|c: char| !word_char(c)).unwrap_or(after.len());
        svc_len > 0 && after[svc_len..].starts_with(':') && after[svc_len + 1..].starts_with(word_char)
    })
}

/// An IngressBackend for `svc:port` (a numeric port is a number, else a name).
fn backend(svc: &str) -> Node {
    let mut parts = svc.split(':');
    let name = parts.next().unwrap_or("");
    let port = parts.next().unwrap_or("");
    let port_node = match port.parse::<i64>() {
        Ok(n) if port.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'+') => Node::obj().with_if(n as i32 != 0, "number", n as i32),
        _ => Node::obj().with_if(!port.is_empty(), "name", port),
    };
    Node::obj().with("service", Node::obj().with("name", name).with("port", port_node))
}

/// `spec.tls`: one entry per secret, hosts accepted once.
fn tls_rules(rules: &[String]) -> Vec<Node> {
    let mut entries: Vec<(Vec<String>, String)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("").to_string();
        let secret = parts[1].split('=').nth(1).unwrap_or("").to_string();
        if seen.contains(&host) {
            continue;
        }
        if let Some(e) = entries.iter_mut().find(|(_, s)| *s == secret) {
            e.0.push(host.clone());
            seen.push(host);
            continue;
        }
        let hosts = if host.is_empty() { vec![] } else { vec![host.clone()] };
        if !secret.is_empty() || !hosts.is_empty() {
            entries.push((hosts, secret));
        }
        seen.push(host);
    }
    entries
        .into_iter()
        .map(|(hosts, secret)| {
            Node::obj()
                .with_if(!hosts.is_empty(), "hosts", Node::strings(&hosts))
                .with_if(!secret.is_empty(), "secretName", secret.as_str())
        })
        .collect()
}

/// `spec.rules`: paths grouped by host, in the order the hosts first appear.
fn ingress_rules(rules: &[String]) -> Vec<Node> {
    let mut hosts: Vec<(String, Vec<Node>)> = Vec::new();
    for rule in rules {
        let without_tls = rule.split(',').next().unwrap_or("");
        let (host, path_svc) = without_tls.split_once('/').unwrap_or((without_tls, ""));
        let mut ps = path_svc.split('=');
        let mut path = format!("/{}", ps.next().unwrap_or(""));
        let svc = ps.next().unwrap_or("");
        let mut path_type = "Exact";
        if path.ends_with('*') {
            path_type = "Prefix";
            path.pop();
        }
        let p = Node::obj().with("path", path).with("pathType", path_type).with("backend", backend(svc));
        match hosts.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(p),
            None => hosts.push((host.to_string(), vec![p])),
        }
    }
    hosts
        .into_iter()
        .map(|(host, paths)| {
            Node::obj().with_if(!host.is_empty(), "host", host.as_str()).with("http", Node::obj().with("paths", Node::Arr(paths)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        for ok in ["foo.com/=svc:80", "/p=s:http,tls", "*.a.com/a*=s:8080,tls=sec", "a/b=c:d,tls=", "a/b=c:d,tlsx", "a/=b:80!!", "a/b=c=d:e"] {
            assert!(rule_is_valid(ok), "{ok}");
        }
        for bad in ["foo.com=svc:80", "a/b=c", "a/b=c:", "a/=b:!80", "a/=b.c:80", "a b/c=d:e"] {
            assert!(!rule_is_valid(bad), "{bad}");
        }
    }
}

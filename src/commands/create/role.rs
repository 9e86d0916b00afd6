//! `kctl create role NAME --verb=... --resource=...`, and the rule building
//! `create clusterrole` shares: resources mapped through discovery (short
//! names, singulars and kinds become plural names in their group).

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::discovery::{ApiResource, Discovery, DiscoveryCache, DiscoveryError};
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create role";

const ROLE: Kind = Kind { kind: "Role", group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", namespaced: true };

pub const VALID_RESOURCE_VERBS: &[&str] =
    &["*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"];

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Resource that the rule applies to
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Vec<String>,
    /// Resource in the white list that the rule applies to, repeat this flag for multiple items
    #[arg(long = "resource-name", value_name = "NAME")]
    pub resource_name: Vec<String>,
    /// Verb that applies to the resources contained in the rule
    #[arg(long, value_name = "VERB")]
    pub verb: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// One `--resource` as written: `resource[.group][/subresource]`.
#[derive(Debug, Clone)]
pub struct ResourceArg {
    pub group: String,
    pub resource: String,
    pub subresource: String,
}

/// Verbs without duplicates; `*` alone stands for all.
pub fn dedupe_verbs(verbs: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in verbs {
        if v == "*" {
            return vec!["*".into()];
        }
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

pub fn dedupe(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i.clone());
        }
    }
    out
}

pub fn parse_resources(resources: &[String]) -> Vec<ResourceArg> {
    let mut out = Vec::new();
    for r in resources {
        let (main, sub) = r.split_once('/').unwrap_or((r.as_str(), ""));
        let (res, group) = main.split_once('.').unwrap_or((main, ""));
        let arg = ResourceArg { group: group.into(), resource: res.into(), subresource: sub.into() };
        if res == "*" && !main.contains('.') && !r.contains('/') {
            return vec![arg];
        }
        out.push(arg);
    }
    out
}

/// Discovery, loaded only when a resource needs mapping, and refreshed once
/// when a name is unknown (a CRD created a moment ago), as kubectl's mapper is.
pub struct Mapper<'c> {
    ctx: &'c Ctx<'c>,
    discovery: Option<Discovery>,
    refreshed: bool,
}

impl<'c> Mapper<'c> {
    pub fn new(ctx: &'c Ctx<'c>) -> Self {
        Mapper { ctx, discovery: None, refreshed: false }
    }

    fn load(&mut self, fresh: bool) -> Result<(), CliError> {
        let client = self.ctx.client()?;
        let cache = DiscoveryCache::new(client, &self.ctx.settings.cache_dir);
        let rt = crate::commands::runtime();
        let got = if fresh { rt.block_on(cache.refresh()) } else { rt.block_on(cache.get()) };
        let d = match got {
            Ok(d) => d,
            Err(DiscoveryError::Client(e)) if e.is_transport() => {
                crate::discovery::report_group_list_error_times(&e, 2);
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        self.discovery = Some(d);
        Ok(())
    }

    /// The RESTMapper's `ResourceFor` behind kubectl's shortcut expander:
    /// `(group, plural)`, or kubectl's "doesn't have a resource type" text.
    pub fn resource_for(&mut self, res: &str, group: &str) -> Result<(String, String), CliError> {
        if self.discovery.is_none() {
            self.load(false)?;
        }
        let mut found = lookup(self.discovery.as_ref().unwrap(), res, group);
        if found.0.is_err() && !self.refreshed {
            self.refreshed = true;
            self.load(true)?;
            found = lookup(self.discovery.as_ref().unwrap(), res, group);
        }
        for w in found.1 {
            eprintln!("{w}");
        }
        found.0.map_err(CliError::Raw)
    }
}

/// Expand a short name (warning about lower-priority matches), then find
/// the resource by plural, singular or kind.
fn lookup(d: &Discovery, res: &str, group: &str) -> (Result<(String, String), String>, Vec<String>) {
    let in_group = |r: &&ApiResource| group.is_empty() || r.group == group;
    let all: Vec<&ApiResource> = d.preferred_resources().filter(in_group).collect();
    let (mut target, mut target_group) = (res.to_string(), group.to_string());
    let mut warnings: Vec<String> = Vec::new();
    if !all.iter().any(|r| r.name == res || r.singular == res) {
        let shorts: Vec<&&ApiResource> = all.iter().filter(|r| r.short_names.iter().any(|s| s == res)).collect();
        if let Some(first) = shorts.first() {
            target = first.name.clone();
            if !first.group.is_empty() {
                target_group = first.group.clone();
            }
            for o in &shorts[1..] {
                let w = format!("Warning: short name \"{res}\" could also match lower priority resource {}", o.qualified_name());
                let same = o.group == first.group && o.name == first.name;
                if !same && !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
        }
    }
    let lower = target.to_lowercase();
    let found = d
        .preferred_resources()
        .filter(|r| target_group.is_empty() || r.group == target_group)
        .find(|r| r.name == lower || r.singular == lower || r.kind.to_lowercase() == lower)
        .map(|r| (r.group.clone(), r.name.clone()))
        .ok_or_else(|| {
            if target_group.is_empty() {
                format!("the server doesn't have a resource type \"{lower}\"")
            } else {
                format!("the server doesn't have a resource type \"{lower}\" in group \"{target_group}\"")
            }
        });
    (found, warnings)
}

/// Verbs that only make sense on particular resources.
fn special_verb_targets(verb: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match verb {
        "use" => Some(&[("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")]),
        "bind" | "escalate" => Some(&[("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")]),
        "impersonate" => Some(&[("", "users"), ("", "serviceaccounts"), ("", "groups"), ("authentication.k8s.io", "userextras")]),
        _ => None,
    }
}

/// `validateResource`.
pub fn validate_resources(mapper: &mut Mapper<'_>, verbs: &[String], resources: &[ResourceArg]) -> Result<(), CliError> {
    for r in resources {
        if r.resource.is_empty() {
            return Err(CliError::msg("resource must be specified if apiGroup/subresource specified"));
        }
        if r.resource == "*" {
            return Ok(());
        }
        let mapped = mapper.resource_for(&r.resource, &r.group);
        let (group, resource) = match &mapped {
            Ok((g, n)) => (g.clone(), n.clone()),
            Err(CliError::Raw(_)) => (r.group.clone(), r.resource.clone()),
            Err(_) => return mapped.map(|_| ()),
        };
        let mut err = mapped.err();
        for v in verbs {
            if let Some(targets) = special_verb_targets(v) {
                if !targets.iter().any(|(g, n)| *g == group && *n == resource) {
                    return Err(CliError::msg(format!("can not perform '{v}' on '{resource}' in group '{group}'")));
                }
                err = None;
            }
        }
        if let Some(e) = err {
            return Err(e);
        }
    }
    Ok(())
}

/// `generateResourcePolicyRules`: one rule per API group (sorted), then one
/// for the non-resource URLs.
pub fn policy_rules(
    mapper: &mut Mapper<'_>,
    verbs: &[String],
    resources: &[ResourceArg],
    names: &[String],
    urls: &[String],
) -> Result<Vec<Node>, CliError> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in resources {
        let (group, mut resource) = match mapper.resource_for(&r.resource, &r.group) {
            Ok(m) => m,
            Err(CliError::Raw(_)) => (r.group.clone(), r.resource.clone()),
            Err(e) => return Err(e),
        };
        if !r.subresource.is_empty() {
            resource = format!("{resource}/{}", r.subresource);
        }
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) if list.contains(&resource) => {}
            Some((_, list)) => list.push(resource),
            None => groups.push((group, vec![resource])),
        }
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut rules: Vec<Node> = groups
        .into_iter()
        .map(|(g, res)| {
            Node::obj()
                .with("verbs", Node::strings(verbs))
                .with("apiGroups", Node::strings([g]))
                .with("resources", Node::strings(&res))
                .with_if(!names.is_empty(), "resourceNames", Node::strings(names))
        })
        .collect();
    if !urls.is_empty() {
        rules.push(Node::obj().with("verbs", Node::strings(verbs)).with("nonResourceURLs", Node::strings(urls)));
    }
    Ok(rules)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let verbs = dedupe_verbs(flags::string_slice(PATH, "--verb", &args.verb)?);
    let resources = parse_resources(&flags::string_slice(PATH, "--resource", &args.resource)?);
    let names = dedupe(&args.resource_name);
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    if verbs.is_empty() {
        return Err(CliError::msg("at least one verb must be specified"));
    }
    for v in &verbs {
        if !VALID_RESOURCE_VERBS.contains(&v.as_str()) {
            eprintln!("Warning: '{v}' is not a standard resource verb");
        }
    }
    if resources.is_empty() {
        return Err(CliError::msg("at least one resource must be specified"));
    }
    let mut mapper = Mapper::new(&ctx);
    validate_resources(&mut mapper, &verbs, &resources)?;
    let rules = policy_rules(&mut mapper, &verbs, &resources, &names, &[])?;
    let obj = ROLE.object(metadata(&name, ctx.object_namespace(), None, None)).with("rules", Node::Arr(rules));
    ctx.create(&ROLE, obj, Wrap::Raw)
}

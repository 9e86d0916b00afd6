//! `TYPE.field.path` to a resource and a field path, as kubectl's explain
//! parses it: the first dotted word names the resource (plural, singular,
//! kind or short name); without `--api-version`, a group-qualified name such
//! as `deployments.apps.spec` picks the group whose `resource.group` prefixes
//! the argument.

use super::path::{self, Node};
use crate::discovery::{ApiResource, Discovery, DiscoveryCache};
use crate::error::CliError;

pub struct Target {
    pub resource: ApiResource,
    pub fields: Vec<String>,
}

pub async fn target(cache: &DiscoveryCache<'_>, arg: &str, api_version_given: bool) -> Result<Target, CliError> {
    const FIRST: &str = "invalid jsonpath syntax, first node must be field node";
    let nodes = path::nodes(arg).map_err(CliError::Message)?;
    let first = match nodes.first() {
        Some(Node::Field(f)) => f.clone(),
        _ => return Err(CliError::msg(FIRST)),
    };
    if first.is_empty() {
        return Err(CliError::msg("a resource must be present, got: /, Resource="));
    }
    // A name the cached discovery does not know may be a new CRD: ask again.
    let mut d = match cache.get().await {
        Ok(d) => d,
        // explain's mapper asks twice before giving up, logging each failure.
        Err(crate::discovery::DiscoveryError::Client(e)) if e.is_transport() => {
            crate::discovery::report_group_list_error_times(&e, 2);
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
    let mut found = matches(&d, &first);
    if found.0.is_empty() {
        d = cache.refresh().await.map_err(CliError::from)?;
        found = matches(&d, &first);
    }
    let (gvrs, warnings, resource) = found;
    for w in warnings {
        eprintln!("Warning: short name \"{first}\" could also match lower priority resource {w}");
    }
    if gvrs.is_empty() {
        return Err(CliError::Raw(format!("the server doesn't have a resource type \"{resource}\"")));
    }
    if api_version_given {
        let chosen = by_priority(&d, &gvrs);
        let fields = path::fields_after_first(&nodes, "invalid jsonpath syntax, all nodes must be field nodes").map_err(CliError::Message)?;
        return Ok(Target { resource: chosen.clone(), fields });
    }
    for r in &gvrs {
        let qualified = r.qualified_name();
        if let Some(rest) = arg.strip_prefix(qualified.as_str()) {
            let fields = if rest.is_empty() {
                Vec::new()
            } else {
                let nodes = path::nodes(rest).map_err(CliError::Message)?;
                path::fields_after_first(&nodes, FIRST).map_err(CliError::Message)?
            };
            return Ok(Target { resource: r.clone(), fields });
        }
    }
    let fields = path::fields_after_first(&nodes, FIRST).map_err(CliError::Message)?;
    Ok(Target { resource: gvrs[0].clone(), fields })
}

fn singular(r: &ApiResource) -> String {
    if r.singular.is_empty() {
        r.kind.to_lowercase()
    } else {
        r.singular.clone()
    }
}

/// The mapper's `ResourcesFor`: every served version of the resource a name
/// stands for, groups in discovery order and each group's versions in order.
/// Also the lower-priority resources a short name shadows, and the resource
/// name the lookup ended with (for the error).
fn matches(d: &Discovery, name: &str) -> (Vec<ApiResource>, Vec<String>, String) {
    let lower = name.to_lowercase();
    let in_order = || {
        d.groups.iter().flat_map(move |g| {
            g.versions.iter().flat_map(move |v| d.resources.iter().filter(move |r| r.group == g.name && &r.version == v && !r.is_subresource()))
        })
    };
    let exact = in_order().any(|r| r.name == lower || r.singular == lower);
    let mut group: Option<&str> = None;
    let mut resource = lower.clone();
    let mut warnings = Vec::new();
    if !exact {
        for r in in_order() {
            if !r.short_names.contains(&lower) {
                continue;
            }
            match group {
                None => {
                    group = Some(&r.group);
                    resource = r.name.clone();
                }
                Some(g) if g == r.group && resource == r.name => {}
                Some(_) => {
                    let q = r.qualified_name();
                    if !warnings.contains(&q) {
                        warnings.push(q);
                    }
                }
            }
        }
    }
    let wanted = |r: &ApiResource| group.is_none_or(|g| r.group == g) && (r.name == resource || singular(r) == resource);
    // The mapper also knows each kind's list under guessed names
    // (`deploymentlist`, `deploymentlists`), which kubectl explains too.
    let found = in_order().flat_map(|r| [Some(r.clone()), Some(list_of(r))]).flatten().filter(|r| wanted(r)).collect();
    (found, warnings, resource)
}

fn list_of(r: &ApiResource) -> ApiResource {
    let singular = format!("{}list", r.kind.to_lowercase());
    ApiResource {
        name: format!("{singular}s"),
        singular,
        kind: format!("{}List", r.kind),
        short_names: Vec::new(),
        categories: Vec::new(),
        ..r.clone()
    }
}

/// The mapper's `ResourceFor`: a group's preferred version first, groups in
/// discovery order, then any version.
fn by_priority<'d>(d: &Discovery, gvrs: &'d [ApiResource]) -> &'d ApiResource {
    for g in &d.groups {
        if let Some(r) = gvrs.iter().find(|r| r.group == g.name && r.version == g.preferred) {
            return r;
        }
    }
    &gvrs[0]
}

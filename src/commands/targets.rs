//! What `get TYPE NAME…`, `TYPE/NAME…` and `TYPE1,TYPE2` ask for: pure parsing,
//! then resolution of each type through discovery.

use crate::discovery::{ApiResource, Discovery};
use crate::error::CliError;

/// The arguments as written, before discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// `pods,svc a b`: every type, each of the names (none = list).
    Types { types: Vec<String>, names: Vec<String> },
    /// `pod/a deploy/b`: explicit pairs, in order.
    Pairs(Vec<(String, String)>),
}

pub const REQUIRED_RESOURCE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kctl get -h' for help and examples";

pub fn parse(args: &[String]) -> Result<Selection, CliError> {
    if args.is_empty() {
        return Err(CliError::Raw(REQUIRED_RESOURCE.to_string()));
    }
    if args.iter().any(|a| a.contains('/')) {
        let mut pairs = Vec::new();
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err(CliError::msg("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
            };
            if n.contains('/') {
                return Err(CliError::msg("arguments in resource/name form may not have more than one slash"));
            }
            if t.is_empty() || n.is_empty() {
                return Err(CliError::msg("arguments in resource/name form must have a single resource and name"));
            }
            pairs.push((t.to_string(), n.to_string()));
        }
        return Ok(Selection::Pairs(pairs));
    }
    let types: Vec<String> = args[0].split(',').filter(|t| !t.is_empty()).map(String::from).collect();
    Ok(Selection::Types { types, names: args[1..].to_vec() })
}

/// One request group: a resource and the names asked for (empty = list them).
#[derive(Debug, Clone)]
pub struct Target {
    pub resource: ApiResource,
    pub names: Vec<String>,
    /// Set for objects named by a manifest (`-f`): their own namespace.
    pub namespace: Option<String>,
    /// The manifest that named them, for kubectl's "error when …" messages.
    pub source: Option<String>,
}

/// Resolve every type before any object is fetched, so an unknown type fails
/// early as in kubectl.
pub fn resolve(sel: &Selection, d: &Discovery) -> Result<Vec<Target>, String> {
    let warned = std::cell::RefCell::new(std::collections::HashSet::new());
    let warn_shadows = |t: &str, r: &ApiResource| {
        if !warned.borrow_mut().insert(t.to_string()) {
            return;
        }
        for other in d.short_name_shadows(t, r) {
            eprintln!("Warning: short name \"{t}\" could also match lower priority resource {}", other.qualified_name());
        }
    };
    let lookup = |t: &str| -> Result<Vec<ApiResource>, String> {
        if let Some(r) = d.resolve(t) {
            warn_shadows(t, r);
            return Ok(vec![r.clone()]);
        }
        let cat = d.category(&t.to_lowercase());
        if !cat.is_empty() {
            return Ok(cat.into_iter().cloned().collect());
        }
        Err(t.to_string())
    };
    let mut out: Vec<Target> = Vec::new();
    match sel {
        Selection::Types { types, names } => {
            for t in types {
                for r in lookup(t)? {
                    if !out.iter().any(|o| o.resource == r) {
                        out.push(Target { resource: r, names: names.clone(), namespace: None, source: None });
                    }
                }
            }
        }
        Selection::Pairs(pairs) => {
            for (t, n) in pairs {
                let r = d.resolve(t).cloned().ok_or_else(|| t.clone())?;
                warn_shadows(t, &r);
                // Consecutive names of one type are fetched as one group, like kubectl.
                match out.last_mut() {
                    Some(last) if last.resource == r => last.names.push(n.clone()),
                    _ => out.push(Target { resource: r, names: vec![n.clone()], namespace: None, source: None }),
                }
            }
        }
    }
    Ok(out)
}

/// Resolve every type through (cached) discovery, refreshing once when a name is
/// unknown (a CRD created a moment ago), as kubectl does.
pub async fn resolve_on_server(client: &crate::client::Client, cache_dir: &std::path::Path, sel: &Selection) -> Result<Vec<Target>, CliError> {
    let cache = crate::discovery::DiscoveryCache::new(client, cache_dir);
    let discovery = crate::discovery::for_mapping(&cache).await?;
    match resolve(sel, &discovery) {
        Ok(t) => Ok(t),
        Err(_) => {
            let fresh = cache.refresh().await?;
            resolve(sel, &fresh).map_err(|t| CliError::msg(format!("the server doesn't have a resource type \"{t}\"")))
        }
    }
}

/// Targets for the objects manifests name (`get -f`, `delete -f`): consecutive
/// objects of one type, namespace and file are grouped, as kubectl prints them.
/// Problems (unreadable or unmappable documents) come back as messages.
pub async fn from_manifests(
    client: &crate::client::Client,
    cache_dir: &std::path::Path,
    filenames: &[String],
    recursive: bool,
) -> Result<(Vec<Target>, Vec<String>), CliError> {
    from_items(client, cache_dir, crate::commands::manifests::read(filenames, recursive, false)?).await
}

/// [`from_manifests`] for documents already read.
pub async fn from_items(
    client: &crate::client::Client,
    cache_dir: &std::path::Path,
    items: Vec<crate::manifest::Item>,
) -> Result<(Vec<Target>, Vec<String>), CliError> {
    let cfg = client.config();
    let resolved = crate::commands::manifests::resolve(client, cache_dir, items, &cfg.namespace, cfg.namespace_explicit).await?;
    let mut targets: Vec<Target> = Vec::new();
    let mut problems = Vec::new();
    for r in resolved {
        match r {
            Ok(r) => match targets.last_mut() {
                Some(last) if last.resource == r.resource && last.namespace == r.namespace && last.source.as_deref() == Some(r.doc.source.as_str()) => {
                    last.names.push(r.name)
                }
                _ => targets.push(Target { resource: r.resource, names: vec![r.name], namespace: r.namespace, source: Some(r.doc.source) }),
            },
            Err(e) => problems.push(e.message().to_string()),
        }
    }
    Ok((targets, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_kubectl_forms() {
        assert_eq!(parse(&s(&["pods"])).unwrap(), Selection::Types { types: s(&["pods"]), names: vec![] });
        assert_eq!(parse(&s(&["pods,svc", "a"])).unwrap(), Selection::Types { types: s(&["pods", "svc"]), names: s(&["a"]) });
        assert_eq!(parse(&s(&["po/a", "svc/b"])).unwrap(), Selection::Pairs(vec![("po".into(), "a".into()), ("svc".into(), "b".into())]));
        assert!(parse(&s(&["pods", "pods/x"])).unwrap_err().to_string().contains("no need to specify"));
        assert!(parse(&s(&["pod/"])).unwrap_err().to_string().contains("single resource and name"));
        assert!(parse(&[]).is_err());
    }
}

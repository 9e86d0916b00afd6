//! Manifests to API objects: read `-f`, map each document's kind to a resource
//! through discovery, and settle its namespace, as kubectl's resource builder does.

use serde_json::Value;

use crate::client::{Client, ResourcePath};
use crate::discovery::{ApiResource, Discovery, DiscoveryCache};
use crate::error::CliError;
use crate::manifest::{self, Document, Item, ReadOptions};

/// One object from a manifest, ready to send.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub doc: Document,
    pub resource: ApiResource,
    pub namespace: Option<String>,
    pub name: String,
    /// The document with its namespace filled in.
    pub object: Value,
}

impl Resolved {
    pub fn path(&self, name: Option<&str>) -> String {
        let r = &self.resource;
        ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: self.namespace.as_deref(), name, subresource: None }.to_path()
    }

    /// `deployment.apps/web`
    pub fn kind_name(&self) -> String {
        format!("{}{}", crate::commands::get::table_kind_prefix(&self.resource.kind, &self.resource.group), self.name)
    }
}

/// `-k DIR` travels with the `-f` values through the commands as one entry
/// that only [`read_checking_lists`] decodes (a NUL byte starts no path).
const KUSTOMIZE_MARK: &str = "\u{0}kustomize:";

/// The `-f` values, or the one `-k` directory, as the commands pass them on,
/// with kubectl's checks (an empty `-k` is no `-k`).
pub fn sources(filenames: &[String], kustomize: Option<&str>, recursive: bool) -> Result<Vec<String>, CliError> {
    match kustomize.filter(|k| !k.is_empty()) {
        None => Ok(filenames.to_vec()),
        Some(_) if !filenames.is_empty() => Err(CliError::msg("only one of -f or -k can be specified")),
        Some(_) if recursive => Err(CliError::msg("the -k flag can't be used with -f or -R")),
        Some(dir) => Ok(vec![format!("{KUSTOMIZE_MARK}{dir}")]),
    }
}

/// Read every `-f` source. Problems found before reading (missing paths) are
/// returned as `Err` with kubectl's messages; per-document problems come back
/// in order with the good documents.
pub fn read(filenames: &[String], recursive: bool, validate: bool) -> Result<Vec<Item>, CliError> {
    read_checking_lists(filenames, recursive, validate, false)
}

/// [`read`], also checking the type fields of a `v1` `List`'s items, as kubectl
/// does when it validates on the client (servers without field validation).
pub fn read_checking_lists(filenames: &[String], recursive: bool, validate: bool, list_items: bool) -> Result<Vec<Item>, CliError> {
    let mut names = Vec::new();
    let mut kustomize = None;
    for f in filenames {
        match f.strip_prefix(KUSTOMIZE_MARK) {
            Some(dir) => kustomize = Some(dir.to_string()),
            None => names.extend(manifest::split_filenames(f).map_err(CliError::Message)?),
        }
    }
    let opts = ReadOptions { filenames: names, recursive, validate, validate_list_items: list_items, kustomize };
    manifest::read_all(&opts, &mut std::io::stdin()).map_err(|errs| {
        // One error gets kubectl's prefix; several are listed bare, one per line.
        if errs.len() == 1 {
            CliError::Message(errs[0].message.clone())
        } else {
            CliError::Raw(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n"))
        }
    })
}

/// Why a document could not be turned into a request. kubectl reports mapping
/// problems after the objects it did send, and namespace conflicts with them.
#[derive(Debug, Clone)]
pub enum ResolveError {
    /// Found while reading or mapping (kubectl's resource builder).
    Builder(String),
    /// Found while visiting the object (kubectl's apply loop).
    Visit(String),
}

impl ResolveError {
    pub fn message(&self) -> &str {
        match self {
            ResolveError::Builder(m) | ResolveError::Visit(m) => m,
        }
    }
}

/// Map documents to resources; unknown kinds refresh discovery once (a CRD
/// applied a moment ago) before they are reported.
pub async fn resolve(
    client: &Client,
    cache_dir: &std::path::Path,
    items: Vec<Item>,
    default_ns: &str,
    explicit_ns: bool,
) -> Result<Vec<Result<Resolved, ResolveError>>, CliError> {
    let cache = DiscoveryCache::new(client, cache_dir);
    let mut discovery: Discovery = crate::discovery::for_mapping(&cache).await?;
    let needs_refresh = items.iter().any(|i| matches!(i, Item::Object(d) if lookup(&discovery, &d.object).is_none()));
    if needs_refresh {
        discovery = cache.refresh().await?;
    }
    Ok(items.into_iter().map(|item| resolve_one(&discovery, item, default_ns, explicit_ns)).collect())
}

fn lookup<'a>(d: &'a Discovery, obj: &Value) -> Option<&'a ApiResource> {
    let (group, version, kind) = crate::patch::group_version_kind(obj);
    d.by_gvk(&group, &version, &kind)
}

fn resolve_one(d: &Discovery, item: Item, default_ns: &str, explicit_ns: bool) -> Result<Resolved, ResolveError> {
    let doc = match item {
        Item::Object(doc) => doc,
        Item::Error(e) => return Err(ResolveError::Builder(e.message)),
    };
    let meta = &doc.object["metadata"];
    let name = meta["name"].as_str().unwrap_or("").to_string();
    let obj_ns = meta["namespace"].as_str().filter(|s| !s.is_empty()).map(String::from);
    let Some(resource) = lookup(d, &doc.object).cloned() else {
        let (group, version, kind) = crate::patch::group_version_kind(&doc.object);
        let gv = if group.is_empty() { version } else { format!("{group}/{version}") };
        return Err(ResolveError::Builder(format!(
            "resource mapping not found for name: {:?} namespace: {:?} from {:?}: no matches for kind {kind:?} in version {gv:?}\nensure CRDs are installed first",
            name,
            obj_ns.clone().unwrap_or_default(),
            doc.source
        )));
    };
    let mut object = doc.object.clone();
    let namespace = if resource.namespaced {
        if let Some(ns) = &obj_ns {
            if explicit_ns && ns != default_ns {
                return Err(ResolveError::Visit(format!(
                    "the namespace from the provided object {ns:?} does not match the namespace {default_ns:?}. You must pass '--namespace={ns}' to perform this operation."
                )));
            }
        }
        let ns = obj_ns.unwrap_or_else(|| default_ns.to_string());
        object["metadata"]["namespace"] = Value::String(ns.clone());
        Some(ns)
    } else {
        None
    };
    Ok(Resolved { doc, resource, namespace, name, object })
}

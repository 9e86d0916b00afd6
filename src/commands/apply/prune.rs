//! `apply --prune`: after a successful apply, delete the objects of the allowed
//! kinds that match the selector, carry the last-applied annotation and were not
//! part of this apply — kubectl's (pre-ApplySet) pruner.

use std::collections::{BTreeSet, HashSet};

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::DryRun;
use crate::discovery::{ApiResource, Discovery, DiscoveryCache};
use crate::error::CliError;
use crate::printers::format::OutputFormat;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One kind allowed for pruning, as kubectl's `--prune-allowlist` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PruneKind {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespaced: bool,
}

impl PruneKind {
    fn new(group: &str, version: &str, kind: &str, namespaced: bool) -> PruneKind {
        PruneKind { group: group.into(), version: version.into(), kind: kind.into(), namespaced }
    }

    /// Go's `%v` of kubectl's prune resource.
    fn describe(&self) -> String {
        format!("{}/{}, Kind={}, Namespaced={}", self.group, self.version, self.kind, self.namespaced)
    }
}

/// kubectl 1.32's allowlist when none is given: namespaced kinds, then the two
/// cluster-scoped ones. Fixed versions: on a server without `batch/v1` CronJob
/// kubectl fails here too.
fn default_kinds() -> Vec<PruneKind> {
    let namespaced = [
        ("", "v1", "ConfigMap"),
        ("", "v1", "Endpoints"),
        ("", "v1", "PersistentVolumeClaim"),
        ("", "v1", "Pod"),
        ("", "v1", "ReplicationController"),
        ("", "v1", "Secret"),
        ("", "v1", "Service"),
        ("batch", "v1", "Job"),
        ("batch", "v1", "CronJob"),
        ("networking.k8s.io", "v1", "Ingress"),
        ("apps", "v1", "DaemonSet"),
        ("apps", "v1", "Deployment"),
        ("apps", "v1", "ReplicaSet"),
        ("apps", "v1", "StatefulSet"),
    ];
    let mut out: Vec<PruneKind> = namespaced.iter().map(|(g, v, k)| PruneKind::new(g, v, k, true)).collect();
    out.push(PruneKind::new("", "v1", "Namespace", false));
    out.push(PruneKind::new("", "v1", "PersistentVolume", false));
    out
}

/// The RESTMapper's lookup: exact group and version, kind without regard to case.
fn mapping<'a>(d: &'a Discovery, group: &str, version: &str, kind: &str) -> Option<&'a ApiResource> {
    d.by_gvk(group, version, kind)
        .or_else(|| d.resources.iter().find(|r| !r.is_subresource() && r.group == group && r.version == version && r.kind.eq_ignore_ascii_case(kind)))
}

/// Go's `NoKindMatchError` text.
fn no_match(group: &str, version: &str, kind: &str) -> String {
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    format!("no matches for kind {kind:?} in version {gv:?}")
}

/// Look a kind up, reading discovery again once on a miss as kubectl's
/// deferred mapper does.
async fn lookup(cache: &DiscoveryCache<'_>, d: &mut Discovery, refreshed: &mut bool, group: &str, version: &str, kind: &str) -> Result<Option<ApiResource>, String> {
    if let Some(r) = mapping(d, group, version, kind) {
        return Ok(Some(r.clone()));
    }
    if !*refreshed {
        *d = cache.refresh().await.map_err(|e| CliError::from(e).to_string())?;
        *refreshed = true;
    }
    Ok(mapping(d, group, version, kind).cloned())
}

/// `--prune-allowlist` entries (`core/v1/ConfigMap`), checked against the
/// server before anything is applied, as kubectl does.
pub async fn parse_allowlist(client: &Client, cache_dir: &std::path::Path, entries: &[String]) -> Result<Vec<PruneKind>, String> {
    let cache = DiscoveryCache::new(client, cache_dir);
    let mut d = crate::discovery::for_mapping(&cache).await.map_err(|e| e.to_string())?;
    let mut refreshed = false;
    let mut out = Vec::new();
    for entry in entries {
        let parts: Vec<&str> = entry.split('/').collect();
        if parts.len() != 3 {
            return Err(format!("error: invalid GroupVersionKind format: {entry}, please follow <group/version/kind>"));
        }
        let group = if parts[0] == "core" { "" } else { parts[0] };
        let found = lookup(&cache, &mut d, &mut refreshed, group, parts[1], parts[2]).await?;
        let Some(r) = found else {
            return Err(format!("error: {}", no_match(group, parts[1], parts[2])));
        };
        out.push(PruneKind::new(group, parts[1], parts[2], r.namespaced));
    }
    Ok(out)
}

/// What the apply left for the pruner to know.
pub struct Plan<'a> {
    pub kinds: &'a [PruneKind],
    pub namespaces: BTreeSet<String>,
    pub visited_uids: HashSet<String>,
    pub selector: Option<&'a str>,
    pub dry_run: DryRun,
    pub cascade: &'a str,
    pub grace_period: i64,
    pub format: &'a OutputFormat,
}

/// Prune, appending kubectl's lines (or objects) to `out` as each object goes.
/// An error is returned already worded as kubectl prints it.
pub async fn prune_all(client: &Client, cache_dir: &std::path::Path, plan: &Plan<'_>, out: &mut String) -> Result<(), String> {
    let cache = DiscoveryCache::new(client, cache_dir);
    let mut d = crate::discovery::for_mapping(&cache).await.map_err(|e| e.to_string())?;
    let mut refreshed = false;
    let defaults;
    let kinds = if plan.kinds.is_empty() {
        // kubectl 1.32 always has a namespace here, so it always warns.
        crate::client::log::emit(
            'W',
            "prune.go:71",
            "Deprecated: kubectl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.",
        );
        defaults = default_kinds();
        &defaults[..]
    } else {
        plan.kinds
    };
    let mut namespaced = Vec::new();
    let mut cluster = Vec::new();
    for k in kinds {
        let found = lookup(&cache, &mut d, &mut refreshed, &k.group, &k.version, &k.kind).await?;
        let Some(r) = found else {
            return Err(format!("error: error retrieving RESTMappings to prune: invalid resource {}: {}", k.describe(), no_match(&k.group, &k.version, &k.kind)));
        };
        if k.namespaced {
            namespaced.push(r);
        } else {
            cluster.push(r);
        }
    }
    for ns in &plan.namespaces {
        for r in &namespaced {
            prune_kind(client, plan, Some(ns), r, out).await.map_err(|e| format!("error: error pruning namespaced object {}: {e}", gvk_string(r)))?;
        }
    }
    for r in &cluster {
        prune_kind(client, plan, None, r, out).await.map_err(|e| format!("error: error pruning nonNamespaced object {}: {e}", gvk_string(r)))?;
    }
    Ok(())
}

/// Go's `schema.GroupVersionKind` `%v`: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`.
fn gvk_string(r: &ApiResource) -> String {
    format!("{}/{}, Kind={}", r.group, r.version, r.kind)
}

async fn prune_kind(client: &Client, plan: &Plan<'_>, namespace: Option<&str>, r: &ApiResource, out: &mut String) -> Result<(), ClientError> {
    let list_path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path();
    let mut req = Request::get(list_path);
    if let Some(s) = plan.selector.filter(|s| !s.is_empty()) {
        req = req.query("labelSelector", s.to_string());
    }
    let list: Value = client.send(&req).await?.json()?;
    let api_version = list["apiVersion"].clone();
    for mut obj in list["items"].as_array().cloned().unwrap_or_default() {
        let meta = &obj["metadata"];
        if meta["annotations"].get(LAST_APPLIED).is_none() {
            continue;
        }
        if plan.visited_uids.contains(meta["uid"].as_str().unwrap_or("")) {
            continue;
        }
        let name = meta["name"].as_str().unwrap_or("").to_string();
        if plan.dry_run != DryRun::Client {
            delete(client, plan, namespace, r, &name).await?;
        }
        // Items of a list come without their kind; kubectl's printers see it.
        obj["apiVersion"] = api_version.clone();
        obj["kind"] = json!(r.kind);
        out.push_str(&super::print_one(plan.format, &obj, &format!("{}{name}", crate::commands::get::table_kind_prefix(&r.kind, &r.group)), "pruned", plan.dry_run).map_err(ClientError::Decode)?);
    }
    Ok(())
}

async fn delete(client: &Client, plan: &Plan<'_>, namespace: Option<&str>, r: &ApiResource, name: &str) -> Result<(), ClientError> {
    let mut body = json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": plan.cascade});
    if plan.grace_period >= 0 {
        body["gracePeriodSeconds"] = json!(plan.grace_period);
    }
    if plan.dry_run == DryRun::Server {
        body["dryRun"] = json!(["All"]);
    }
    let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(name), subresource: None }.to_path();
    let mut req = Request::new(Method::DELETE, path).json_body("application/json", crate::printers::json::to_string_compact(&body).into_bytes());
    if plan.dry_run == DryRun::Server {
        req = req.query("dryRun", "All");
    }
    client.send(&req).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_kinds_as_kubectl() {
        let k = PruneKind::new("batch", "v1", "CronJob", true);
        assert_eq!(k.describe(), "batch/v1, Kind=CronJob, Namespaced=true");
        assert_eq!(no_match("", "v1", "Foo"), "no matches for kind \"Foo\" in version \"v1\"");
        assert_eq!(no_match("apps", "v9", "Deployment"), "no matches for kind \"Deployment\" in version \"apps/v9\"");
        let d = default_kinds();
        assert_eq!(d.len(), 16);
        assert!(d[..14].iter().all(|k| k.namespaced) && d[14..].iter().all(|k| !k.namespaced));
    }
}

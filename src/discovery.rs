//! API discovery: aggregated (apidiscovery.k8s.io v2/v2beta1) when the server offers
//! it, otherwise `/api` + `/apis` + every group-version fetched concurrently.
//! Cached on disk per server with kubectl's 10-minute TTL; a lookup miss refreshes.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Client, ClientError, Request};

const TTL: Duration = Duration::from_secs(600);
const AGGREGATED_ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApiResource {
    /// Plural name, e.g. `deployments`; subresources are `deployments/scale`.
    pub name: String,
    pub singular: String,
    pub namespaced: bool,
    pub group: String,
    pub version: String,
    pub kind: String,
    pub verbs: Vec<String>,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
}

impl ApiResource {
    pub fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    pub fn is_subresource(&self) -> bool {
        self.name.contains('/')
    }

    /// `deployments.apps`, or `pods` for the core group: kubectl's "fully qualified" name.
    pub fn qualified_name(&self) -> String {
        if self.group.is_empty() {
            self.name.clone()
        } else {
            format!("{}.{}", self.name, self.group)
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApiGroup {
    pub name: String,
    /// Versions in server order; the first is not necessarily preferred.
    pub versions: Vec<String>,
    pub preferred: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Discovery {
    /// Groups in server priority order, the core group ("") first.
    pub groups: Vec<ApiGroup>,
    /// Resources of every group-version, in server order.
    pub resources: Vec<ApiResource>,
    /// Group-versions whose documents could not be fetched, with the reason.
    #[serde(default)]
    pub failed: Vec<(String, String)>,
    #[serde(default)]
    pub fetched_at: u64,
}

#[derive(Debug)]
pub enum DiscoveryError {
    Client(ClientError),
    UnknownResource(String),
}

impl From<ClientError> for DiscoveryError {
    fn from(e: ClientError) -> Self {
        DiscoveryError::Client(e)
    }
}

impl From<DiscoveryError> for crate::error::CliError {
    fn from(e: DiscoveryError) -> Self {
        match e {
            DiscoveryError::Client(c) => c.into(),
            DiscoveryError::UnknownResource(r) => {
                crate::error::CliError::Message(format!("the server doesn't have a resource type \"{r}\""))
            }
        }
    }
}

/// Every group-version in server order: `v1`, then `apps/v1`, ...
impl Discovery {
    pub fn group_versions(&self) -> Vec<String> {
        let mut out = Vec::new();
        for g in &self.groups {
            for v in &g.versions {
                out.push(if g.name.is_empty() { v.clone() } else { format!("{}/{v}", g.name) });
            }
        }
        out
    }

    /// kubectl's ServerPreferredResources: per group, the preferred version's
    /// resources, then those only served by another version (e.g. batch/v1beta1
    /// cronjobs next to batch/v1 jobs). Subresources excluded.
    pub fn preferred_resources(&self) -> impl Iterator<Item = &ApiResource> {
        let mut out: Vec<&ApiResource> = Vec::new();
        for g in &self.groups {
            let first = out.len();
            let versions = std::iter::once(&g.preferred).chain(g.versions.iter().filter(|v| **v != g.preferred));
            for v in versions {
                for r in self.resources.iter().filter(|r| r.group == g.name && &r.version == v && !r.is_subresource()) {
                    if !out[first..].iter().any(|o| o.name == r.name) {
                        out.push(r);
                    }
                }
            }
        }
        out.into_iter()
    }

    /// Other resources a short name also names, in lower-priority groups:
    /// kubectl warns about them (`ing` is also `ingresses.extensions`).
    pub fn short_name_shadows(&self, arg: &str, chosen: &ApiResource) -> Vec<&ApiResource> {
        let lower = arg.to_lowercase();
        if !chosen.short_names.iter().any(|s| *s == lower) {
            return Vec::new();
        }
        self.preferred_resources()
            .filter(|r| r.group != chosen.group && r.short_names.iter().any(|s| *s == lower))
            .collect()
    }

    /// Resolve a name the way kubectl does: plural, singular, short name or kind,
    /// optionally qualified as `resource.group` or `resource.version.group`.
    pub fn resolve(&self, arg: &str) -> Option<&ApiResource> {
        let lower = arg.to_lowercase();
        if let Some(r) = self.find(&lower, None, None) {
            return Some(r);
        }
        let (res, rest) = lower.split_once('.')?;
        if let Some((version, group)) = rest.split_once('.') {
            if let Some(r) = self.find(res, Some(version), Some(group)) {
                return Some(r);
            }
        }
        self.find(res, None, Some(rest))
    }

    fn find(&self, name: &str, version: Option<&str>, group: Option<&str>) -> Option<&ApiResource> {
        let ordered = self.priority_order();
        let matches = |r: &&ApiResource, pred: &dyn Fn(&ApiResource) -> bool| {
            !r.is_subresource() && group.is_none_or(|g| r.group == g) && version.is_none_or(|v| r.version == v) && pred(r)
        };
        // Exact plural and singular names beat short names, which beat kinds.
        let preds: [&dyn Fn(&ApiResource) -> bool; 3] = [
            &|r| r.name == name || r.singular == name,
            &|r| r.short_names.iter().any(|s| s == name),
            &|r| r.kind.to_lowercase() == name,
        ];
        for pred in preds {
            if let Some(r) = ordered.iter().find(|r| matches(r, pred)) {
                return Some(r);
            }
        }
        None
    }

    /// Each group's preferred version first, groups in server order, then the
    /// other versions: kubectl's PriorityRESTMapper order.
    fn priority_order(&self) -> Vec<&ApiResource> {
        let mut out: Vec<&ApiResource> = self.preferred_resources().collect();
        for g in &self.groups {
            for v in g.versions.iter().filter(|v| **v != g.preferred) {
                out.extend(self.resources.iter().filter(|r| r.group == g.name && &r.version == v && !r.is_subresource()));
            }
        }
        out
    }

    /// The resource serving a kind at a group/version (what a manifest names).
    pub fn by_gvk(&self, group: &str, version: &str, kind: &str) -> Option<&ApiResource> {
        self.resources.iter().find(|r| !r.is_subresource() && r.group == group && r.version == version && r.kind == kind)
    }

    /// Resources in a category such as `all`, preferred versions only.
    pub fn category(&self, cat: &str) -> Vec<&ApiResource> {
        self.preferred_resources().filter(|r| r.categories.iter().any(|c| c == cat)).collect()
    }
}

/// Cached discovery for one server.
pub struct DiscoveryCache<'a> {
    client: &'a Client,
    path: PathBuf,
}

impl<'a> DiscoveryCache<'a> {
    pub fn new(client: &'a Client, cache_dir: &Path) -> Self {
        let url = client.server_url();
        let host = format!("{}_{}", url.host_str().unwrap_or("unknown"), url.port_or_known_default().unwrap_or(443));
        let safe: String = host.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' { c } else { '_' }).collect();
        DiscoveryCache { client, path: cache_dir.join("kctl").join("discovery").join(format!("{safe}.json")) }
    }

    /// Cached data when fresh, otherwise fetched and stored.
    pub async fn get(&self) -> Result<Discovery, DiscoveryError> {
        if let Some(d) = self.read_fresh() {
            return Ok(d);
        }
        self.refresh().await
    }

    pub async fn refresh(&self) -> Result<Discovery, DiscoveryError> {
        let d = fetch(self.client).await?;
        self.write(&d);
        Ok(d)
    }

    /// Resolve a resource name, refreshing the cache once on a miss (a new CRD).
    pub async fn resolve(&self, arg: &str) -> Result<(Discovery, ApiResource), DiscoveryError> {
        let cached = self.read_fresh();
        if let Some(d) = &cached {
            if let Some(r) = d.resolve(arg) {
                return Ok((d.clone(), r.clone()));
            }
        }
        let d = self.refresh().await?;
        match d.resolve(arg).cloned() {
            Some(r) => Ok((d, r)),
            None => Err(DiscoveryError::UnknownResource(arg.to_string())),
        }
    }

    fn read_fresh(&self) -> Option<Discovery> {
        let data = std::fs::read(&self.path).ok()?;
        let d: Discovery = serde_json::from_slice(&data).ok()?;
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
        (now.saturating_sub(d.fetched_at) < TTL.as_secs()).then_some(d)
    }

    fn write(&self, d: &Discovery) {
        // A cache that cannot be written is only slower, never an error.
        let Some(dir) = self.path.parent() else { return };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = self.path.with_extension(format!("tmp{}", std::process::id()));
        if let Ok(data) = serde_json::to_vec(d) {
            if std::fs::write(&tmp, data).is_ok() {
                let _ = std::fs::rename(&tmp, &self.path);
            }
        }
    }
}

/// The line kubectl's discovery client logs when the group list cannot be fetched.
pub fn report_group_list_error(e: &ClientError) {
    report_group_list_error_times(e, 1);
}

/// kubectl's REST mapper asks discovery several times before giving up
/// (five for `get` and `cluster-info`), and each failure is logged.
pub fn report_group_list_error_times(e: &ClientError, times: usize) {
    let err = format!("couldn't get current server API group list: {}", e.url_error());
    let line = format!("\"Unhandled Error\" err={}", crate::client::log::kv_value(&err));
    for _ in 0..times {
        crate::client::log::emit('E', "memcache.go:265", &line);
    }
}

/// Discovery for commands that map resource names (`get`, `cluster-info`):
/// transport failures are logged the way kubectl's mapper logs them.
pub async fn for_mapping(cache: &DiscoveryCache<'_>) -> Result<Discovery, crate::error::CliError> {
    match cache.get().await {
        Ok(d) => Ok(d),
        Err(DiscoveryError::Client(e)) if e.is_transport() => {
            report_group_list_error_times(&e, 5);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Fetch discovery from the server (no cache).
pub async fn fetch(client: &Client) -> Result<Discovery, DiscoveryError> {
    let timeout = discovery_timeout(client);
    let req_api = Request::get("/api").query("timeout", timeout.clone()).accept(AGGREGATED_ACCEPT);
    let req_apis = Request::get("/apis").query("timeout", timeout.clone()).accept(AGGREGATED_ACCEPT);
    let (api, apis) = futures_util::future::join(client.send(&req_api), client.send(&req_apis)).await;
    let api = api?;
    // Servers before 1.25 without /apis are still usable through the core group.
    let apis = match apis {
        Ok(a) => Some(a),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e.into()),
    };
    let mut d = Discovery::default();
    let aggregated = api.content_type().contains("as=APIGroupDiscoveryList");
    if aggregated {
        parse_aggregated(&api.json::<Value>()?, &mut d);
        if let Some(a) = &apis {
            parse_aggregated(&a.json::<Value>()?, &mut d);
        }
    } else {
        let versions: Value = api.json()?;
        let core: Vec<String> = str_list(&versions["versions"]);
        if !core.is_empty() {
            d.groups.push(ApiGroup { name: String::new(), preferred: core[0].clone(), versions: core });
        }
        if let Some(a) = &apis {
            let list: Value = a.json()?;
            for g in list["groups"].as_array().into_iter().flatten() {
                let versions: Vec<String> = g["versions"].as_array().into_iter().flatten().filter_map(|v| v["version"].as_str().map(String::from)).collect();
                let preferred = g["preferredVersion"]["version"].as_str().map(String::from).or_else(|| versions.first().cloned()).unwrap_or_default();
                d.groups.push(ApiGroup { name: g["name"].as_str().unwrap_or("").to_string(), versions, preferred });
            }
        }
        let gvs = d.group_versions();
        let fetches = gvs.iter().map(|gv| {
            let req = Request::get(crate::client::request::group_version_path(gv)).query("timeout", timeout.clone());
            async move { (gv.clone(), client.send(&req).await) }
        });
        for (gv, res) in futures_util::future::join_all(fetches).await {
            match res.and_then(|r| r.json::<Value>()) {
                Ok(doc) => parse_resource_list(&gv, &doc, &mut d.resources),
                Err(e) => d.failed.push((gv, e.to_string())),
            }
        }
    }
    d.fetched_at = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|t| t.as_secs()).unwrap_or(0);
    Ok(d)
}

/// client-go's discovery timeout: `--request-timeout` when set, else 32s.
fn discovery_timeout(client: &Client) -> String {
    client.timeout().map(crate::settings::format_go_duration).unwrap_or_else(|| "32s".to_string())
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect()
}

fn split_gv(gv: &str) -> (String, String) {
    match gv.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), gv.to_string()),
    }
}

/// A legacy `APIResourceList` document.
fn parse_resource_list(gv: &str, doc: &Value, out: &mut Vec<ApiResource>) {
    let (group, version) = split_gv(gv);
    for r in doc["resources"].as_array().into_iter().flatten() {
        out.push(ApiResource {
            name: r["name"].as_str().unwrap_or("").to_string(),
            singular: r["singularName"].as_str().unwrap_or("").to_string(),
            namespaced: r["namespaced"].as_bool().unwrap_or(false),
            group: r["group"].as_str().map(String::from).unwrap_or_else(|| group.clone()),
            version: r["version"].as_str().map(String::from).unwrap_or_else(|| version.clone()),
            kind: r["kind"].as_str().unwrap_or("").to_string(),
            verbs: str_list(&r["verbs"]),
            short_names: str_list(&r["shortNames"]),
            categories: str_list(&r["categories"]),
        });
    }
}

/// An aggregated `APIGroupDiscoveryList`: the first version listed is preferred.
fn parse_aggregated(doc: &Value, d: &mut Discovery) {
    for item in doc["items"].as_array().into_iter().flatten() {
        let group = item["metadata"]["name"].as_str().unwrap_or("").to_string();
        let mut versions = Vec::new();
        for v in item["versions"].as_array().into_iter().flatten() {
            let version = v["version"].as_str().unwrap_or("").to_string();
            versions.push(version.clone());
            for r in v["resources"].as_array().into_iter().flatten() {
                let name = r["resource"].as_str().unwrap_or("").to_string();
                let namespaced = r["scope"].as_str() == Some("Namespaced");
                let kind = r["responseKind"]["kind"].as_str().unwrap_or("").to_string();
                d.resources.push(ApiResource {
                    singular: r["singularResource"].as_str().unwrap_or("").to_string(),
                    namespaced,
                    group: group.clone(),
                    version: version.clone(),
                    kind,
                    verbs: str_list(&r["verbs"]),
                    short_names: str_list(&r["shortNames"]),
                    categories: str_list(&r["categories"]),
                    name: name.clone(),
                });
                for s in r["subresources"].as_array().into_iter().flatten() {
                    d.resources.push(ApiResource {
                        name: format!("{name}/{}", s["subresource"].as_str().unwrap_or("")),
                        singular: String::new(),
                        namespaced,
                        group: group.clone(),
                        version: version.clone(),
                        kind: s["responseKind"]["kind"].as_str().unwrap_or("").to_string(),
                        verbs: str_list(&s["verbs"]),
                        short_names: Vec::new(),
                        categories: Vec::new(),
                    });
                }
            }
        }
        let preferred = versions.first().cloned().unwrap_or_default();
        d.groups.push(ApiGroup { name: group, versions, preferred });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(name: &str, group: &str, version: &str, kind: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            name: name.into(),
            singular: kind.to_lowercase(),
            namespaced: true,
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            verbs: vec!["get".into(), "list".into()],
            short_names: short.iter().map(|s| s.to_string()).collect(),
            categories: vec![],
        }
    }

    fn sample() -> Discovery {
        Discovery {
            groups: vec![
                ApiGroup { name: "".into(), versions: vec!["v1".into()], preferred: "v1".into() },
                ApiGroup { name: "apps".into(), versions: vec!["v1".into()], preferred: "v1".into() },
                ApiGroup { name: "events.k8s.io".into(), versions: vec!["v1".into(), "v1beta1".into()], preferred: "v1".into() },
            ],
            resources: vec![
                res("pods", "", "v1", "Pod", &["po"]),
                res("pods/log", "", "v1", "Pod", &[]),
                res("events", "", "v1", "Event", &["ev"]),
                res("deployments", "apps", "v1", "Deployment", &["deploy"]),
                res("events", "events.k8s.io", "v1beta1", "Event", &["ev"]),
                res("events", "events.k8s.io", "v1", "Event", &["ev"]),
            ],
            failed: vec![],
            fetched_at: 0,
        }
    }

    #[test]
    fn resolves_like_kubectl() {
        let d = sample();
        assert_eq!(d.resolve("po").unwrap().name, "pods");
        assert_eq!(d.resolve("Pod").unwrap().name, "pods");
        assert_eq!(d.resolve("pod").unwrap().name, "pods");
        assert_eq!(d.resolve("deploy").unwrap().group, "apps");
        assert_eq!(d.resolve("deployments.apps").unwrap().kind, "Deployment");
        assert_eq!(d.resolve("deployments.v1.apps").unwrap().version, "v1");
        // The core group wins a name shared with another group.
        assert_eq!(d.resolve("events").unwrap().group, "");
        assert_eq!(d.resolve("events.events.k8s.io").unwrap().version, "v1");
        assert_eq!(d.resolve("events.v1beta1.events.k8s.io").unwrap().version, "v1beta1");
        assert!(d.resolve("pods/log").is_none());
        assert!(d.resolve("nope").is_none());
    }

    #[test]
    fn aggregated_documents() {
        let doc = serde_json::json!({"items": [{"metadata": {"name": "apps"}, "versions": [{"version": "v1", "resources": [
            {"resource": "deployments", "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"}, "scope": "Namespaced",
             "singularResource": "deployment", "verbs": ["get"], "shortNames": ["deploy"], "categories": ["all"],
             "subresources": [{"subresource": "scale", "responseKind": {"kind": "Scale"}, "verbs": ["get"]}]}]}]}]});
        let mut d = Discovery::default();
        parse_aggregated(&doc, &mut d);
        assert_eq!(d.groups[0].preferred, "v1");
        assert_eq!(d.resources.len(), 2);
        assert_eq!(d.resources[1].name, "deployments/scale");
        assert_eq!(d.category("all").len(), 1);
    }
}

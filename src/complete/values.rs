//! Candidate values: kubeconfig names, resource types from discovery, and object
//! names from the live server. Lookups use a short timeout and a short-lived cache
//! so that a slow or unreachable cluster never hangs the shell.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::line::{Flag, Line};
use super::{Completion, DEFAULT, FILTER_FILE_EXT, NO_FILE_COMP, NO_SPACE};
use crate::cli::GlobalArgs;
use crate::client::{Client, Request, ResourcePath};
use crate::discovery::DiscoveryCache;
use crate::settings::Settings;

/// Names fetched from the server are reused for this long: bash asks again on
/// the second TAB, and a user often types a letter and presses TAB again.
/// `KCTL_COMPLETION_CACHE_TTL` (seconds, 0 turns the cache off) overrides it.
fn name_cache_ttl() -> Duration {
    let secs = std::env::var("KCTL_COMPLETION_CACHE_TTL").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    Duration::from_secs(secs)
}
const LOOKUP_TIMEOUT: &str = "3s";

/// The `TYPE/` prefixes kubectl offers where a command takes a pod or a workload.
const WITH_PODS: &[&str] = &["daemonsets", "deployments", "pods", "jobs", "replicasets", "replicationcontrollers", "services", "statefulsets"];

const GET_FORMATS: &[&str] = &[
    "json",
    "yaml",
    "name",
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "wide",
];

enum Positional {
    /// `TYPE NAME...` or `TYPE/NAME...` over every resource type.
    TypeAndName,
    /// The same, limited to these types.
    Types(&'static [&'static str]),
    /// A pod, or `TYPE/NAME` of something that has pods; then a container.
    PodOrWorkload,
    Contexts,
    Clusters,
    Users,
    Namespaces,
    /// The name of one object of a fixed type.
    NameOf(&'static str),
    Fixed(&'static [&'static str]),
    /// Nothing to offer: the shell falls back to file names.
    None,
}

fn positional_kind(path: &str) -> Positional {
    const ROLLOUT: &[&str] = &["deployment", "daemonset", "statefulset"];
    match path {
        "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" => Positional::TypeAndName,
        "scale" => Positional::Types(&["deployment", "replicaset", "replicationcontroller", "statefulset"]),
        "rollout history" | "rollout restart" | "rollout status" | "rollout undo" => Positional::Types(ROLLOUT),
        "rollout pause" | "rollout resume" => Positional::Types(&["deployment"]),
        "set image" => Positional::Types(&["daemonsets", "deployments", "pods", "cronjobs", "replicasets", "replicationcontrollers", "statefulsets"]),
        "logs" | "exec" | "attach" | "port-forward" => Positional::PodOrWorkload,
        "config use-context" | "config delete-context" | "config rename-context" | "config set-context" | "ctx" => Positional::Contexts,
        "config delete-cluster" => Positional::Clusters,
        "config delete-user" => Positional::Users,
        "ns" => Positional::Namespaces,
        "view-secret" => Positional::NameOf("secrets"),
        "completion" => Positional::Fixed(&["bash", "zsh", "fish", "powershell"]),
        _ => Positional::None,
    }
}

fn prefixed(items: impl IntoIterator<Item = String>, prefix: &str) -> Vec<String> {
    items.into_iter().filter(|s| s.starts_with(prefix)).collect()
}

pub fn positional(line: &Line, partial: &str) -> Completion {
    let args = &line.positionals;
    match positional_kind(&line.path_str()) {
        Positional::TypeAndName => type_and_name(line, partial, None),
        Positional::Types(types) => type_and_name(line, partial, Some(types)),
        Positional::PodOrWorkload => {
            if args.is_empty() {
                pod_or_workload(line, partial)
            } else if args.len() == 1 {
                Completion::values(containers(line, &args[0], partial), NO_FILE_COMP)
            } else {
                Completion::values(Vec::new(), NO_FILE_COMP)
            }
        }
        kind @ (Positional::Contexts | Positional::Clusters | Positional::Users) => {
            // These commands take one name; kubectl offers nothing after it.
            if !args.is_empty() {
                return Completion::values(Vec::new(), NO_FILE_COMP);
            }
            let names = match kind {
                Positional::Contexts => kubeconfig_names(line, |c| c.contexts.keys().cloned().collect()),
                Positional::Clusters => kubeconfig_names(line, |c| c.clusters.keys().cloned().collect()),
                _ => kubeconfig_names(line, |c| c.auth_infos.keys().cloned().collect()),
            };
            Completion::values(prefixed(names, partial), NO_FILE_COMP)
        }
        Positional::Namespaces if args.is_empty() => Completion::values(names_of(line, "namespaces", partial), NO_FILE_COMP),
        Positional::Fixed(values) if args.is_empty() => Completion::values(prefixed(values.iter().map(|s| s.to_string()), partial), NO_FILE_COMP),
        Positional::NameOf(ty) if args.is_empty() => Completion::values(names_of(line, ty, partial), NO_FILE_COMP),
        Positional::Namespaces | Positional::NameOf(_) | Positional::Fixed(_) => Completion::values(Vec::new(), NO_FILE_COMP),
        Positional::None => Completion::values(Vec::new(), DEFAULT),
    }
}

/// kubectl's `TYPE NAME` completion: types first, then names of that type (each
/// name once), or `TYPE/NAME` throughout once the first argument used a slash.
fn type_and_name(line: &Line, partial: &str, allowed: Option<&[&str]>) -> Completion {
    let args = &line.positionals;
    if let Some(first) = args.first().filter(|a| !a.contains('/')) {
        let mut names = names_of(line, first, partial);
        names.retain(|n| !args[1..].contains(n));
        return Completion::values(names, NO_FILE_COMP);
    }
    if let Some((ty, name_prefix)) = partial.split_once('/') {
        if allowed.is_some_and(|a| !a.contains(&ty)) {
            return Completion::values(Vec::new(), NO_FILE_COMP);
        }
        let names = names_of(line, ty, name_prefix).into_iter().map(|n| format!("{ty}/{n}")).collect();
        return Completion::values(names, NO_FILE_COMP);
    }
    let types = match allowed {
        Some(a) => prefixed(a.iter().map(|s| s.to_string()), partial),
        None => resource_types(line, partial),
    };
    if args.is_empty() {
        Completion::values(types, NO_FILE_COMP)
    } else {
        Completion::values(types.into_iter().map(|t| format!("{t}/")).collect(), NO_FILE_COMP | NO_SPACE)
    }
}

fn pod_or_workload(line: &Line, partial: &str) -> Completion {
    if let Some((ty, name_prefix)) = partial.split_once('/') {
        let names = names_of(line, ty, name_prefix).into_iter().map(|n| format!("{ty}/{n}")).collect();
        return Completion::values(names, NO_FILE_COMP);
    }
    let mut values = names_of(line, "pods", partial);
    // Without a pod to offer, only `TYPE/` remains: the shell must not add a space.
    let directive = if values.is_empty() { NO_FILE_COMP | NO_SPACE } else { NO_FILE_COMP };
    values.extend(WITH_PODS.iter().filter(|r| r.starts_with(partial)).map(|r| format!("{r}/")));
    Completion::values(values, directive)
}

pub fn flag_value(line: &Line, flag: &Flag, partial: &str) -> Completion {
    let long = flag.long.as_deref().unwrap_or("");
    let values = match long {
        "namespace" => names_of(line, "namespaces", partial),
        "context" => prefixed(kubeconfig_names(line, |c| c.contexts.keys().cloned().collect()), partial),
        "cluster" => prefixed(kubeconfig_names(line, |c| c.clusters.keys().cloned().collect()), partial),
        "user" => prefixed(kubeconfig_names(line, |c| c.auth_infos.keys().cloned().collect()), partial),
        "filename" => return Completion::values(vec!["json".into(), "yaml".into(), "yml".into()], FILTER_FILE_EXT),
        "output" if line.path_str() == "get" => prefixed(GET_FORMATS.iter().map(|s| s.to_string()), partial),
        "container" => match line.positionals.first() {
            Some(pod) => containers(line, pod, partial),
            None => return Completion::values(Vec::new(), DEFAULT),
        },
        _ => return Completion::values(Vec::new(), DEFAULT),
    };
    Completion::values(values, NO_FILE_COMP)
}

fn global_args(line: &Line) -> GlobalArgs {
    let v = |long: &str| line.value(long).map(str::to_string);
    GlobalArgs {
        kubeconfig: v("kubeconfig").map(PathBuf::from),
        context: v("context"),
        cluster: v("cluster"),
        user: v("user"),
        namespace: v("namespace"),
        server: v("server"),
        token: v("token"),
        as_user: v("as"),
        certificate_authority: v("certificate-authority").map(PathBuf::from),
        client_certificate: v("client-certificate").map(PathBuf::from),
        client_key: v("client-key").map(PathBuf::from),
        insecure_skip_tls_verify: line.is_set("insecure-skip-tls-verify").then_some(true),
        tls_server_name: v("tls-server-name"),
        cache_dir: v("cache-dir").map(PathBuf::from),
        request_timeout: LOOKUP_TIMEOUT.to_string(),
        ..GlobalArgs::default()
    }
}

fn settings(line: &Line) -> Option<Settings> {
    Settings::resolve(global_args(line)).ok()
}

fn kubeconfig_names(line: &Line, pick: impl Fn(&crate::kubeconfig::types::Config) -> Vec<String>) -> Vec<String> {
    let Some(s) = settings(line) else { return Vec::new() };
    // kubectl walks a Go map here, so its order varies; sorted is stable.
    s.kubeconfig().map(|k| pick(&k.config)).unwrap_or_default()
}

/// Resource names as `kubectl api-resources -o name --verbs=get` prints them.
fn resource_types(line: &Line, partial: &str) -> Vec<String> {
    let Some(s) = settings(line) else { return Vec::new() };
    let Ok(client) = s.client() else { return Vec::new() };
    let rt = crate::commands::runtime();
    let Ok(d) = rt.block_on(DiscoveryCache::new(&client, &s.cache_dir).get()) else { return Vec::new() };
    let mut rows: Vec<_> = d.preferred_resources().filter(|r| r.verbs.iter().any(|v| v == "get")).collect();
    rows.sort_by(|a, b| a.group.cmp(&b.group).then_with(|| a.name.cmp(&b.name)));
    prefixed(rows.into_iter().map(|r| r.qualified_name()), partial)
}

/// Names of objects of each comma-separated type, in the request's namespace.
fn names_of(line: &Line, types: &str, partial: &str) -> Vec<String> {
    let Some(s) = settings(line) else { return Vec::new() };
    let Ok(client) = s.client() else { return Vec::new() };
    let namespace = client.config().namespace.clone();
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let cache = DiscoveryCache::new(&client, &s.cache_dir);
        let mut out = Vec::new();
        for ty in types.split(',').filter(|t| !t.is_empty()) {
            let Ok((_, r)) = cache.resolve(ty).await else { continue };
            let path = ResourcePath {
                group: &r.group,
                version: &r.version,
                resource: &r.name,
                namespace: r.namespaced.then_some(namespace.as_str()),
                ..Default::default()
            }
            .to_path();
            let cfg = client.config();
            let key = format!("{}|{:?}|{:?}|{:?}|{}", client.server_url(), cfg.context_name, cfg.username, cfg.impersonate, path);
            let names = match read_cache(&s, &key) {
                Some(n) => n,
                None => match list_names(&client, &path).await {
                    Some(n) => {
                        write_cache(&s, &key, &n);
                        n
                    }
                    None => continue,
                },
            };
            out.extend(prefixed(names, partial));
        }
        out
    })
}

async fn list_names(client: &Client, path: &str) -> Option<Vec<String>> {
    // Metadata only: a list of large objects costs the same as a list of names.
    let req = Request::get(path).accept("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json");
    let list: Value = client.send(&req).await.ok()?.json().ok()?;
    Some(
        list["items"]
            .as_array()?
            .iter()
            .filter_map(|i| i["metadata"]["name"].as_str().map(str::to_string))
            .collect(),
    )
}

/// Init containers first, then containers, as kubectl lists them.
fn containers(line: &Line, target: &str, partial: &str) -> Vec<String> {
    let pod = target.strip_prefix("pods/").or_else(|| target.strip_prefix("pod/")).unwrap_or(target);
    if pod.contains('/') {
        return Vec::new();
    }
    let Some(s) = settings(line) else { return Vec::new() };
    let Ok(client) = s.client() else { return Vec::new() };
    let ns = client.config().namespace.clone();
    let path = ResourcePath { group: "", version: "v1", resource: "pods", namespace: Some(&ns), name: Some(pod), ..Default::default() }.to_path();
    let rt = crate::commands::runtime();
    let Some(obj) = rt.block_on(async { client.send(&Request::get(path)).await.ok()?.json::<Value>().ok() }) else { return Vec::new() };
    let spec = &obj["spec"];
    let names = ["initContainers", "containers"]
        .iter()
        .flat_map(|k| spec[*k].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str().map(str::to_string));
    prefixed(names, partial)
}

fn cache_file(s: &Settings, key: &str) -> PathBuf {
    // FNV-1a: a stable file name per server, user and list path.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    s.cache_dir.join("kctl").join("completion").join(format!("{h:016x}.json"))
}

fn read_cache(s: &Settings, key: &str) -> Option<Vec<String>> {
    let path = cache_file(s, key);
    let age = SystemTime::now().duration_since(std::fs::metadata(&path).ok()?.modified().ok()?).ok()?;
    let ttl = name_cache_ttl();
    if ttl.is_zero() || age > ttl {
        return None;
    }
    let (stored_key, names): (String, Vec<String>) = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    (stored_key == key).then_some(names)
}

fn write_cache(s: &Settings, key: &str, names: &[String]) {
    let path = cache_file(s, key);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if let Ok(data) = serde_json::to_vec(&(key, names)) {
        if std::fs::write(&tmp, data).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
    }
}

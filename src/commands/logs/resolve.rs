//! From `POD`, `TYPE/NAME` or `-l SELECTOR` to the containers whose logs are
//! read, as kubectl's polymorphichelpers do: workloads and services resolve
//! through their selector to their pods, sorted so the "best" pod for logging
//! comes first; a pod's container comes from `-c`, the default-container
//! annotation, or the first container.

use std::cmp::Ordering;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::error::CliError;

use super::options::parse_since_time;

/// One container to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub namespace: String,
    pub pod: String,
    pub uid: String,
    pub container: String,
}

pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// The object named on the command line: a pod, a list of pods (selector), or
/// an object with a pod selector.
pub enum Object {
    Pod(Value),
    Pods(Vec<Value>),
    Other { group: String, version: String, kind: String, value: Value },
}

/// Fetch what `arg` (or the selector) names, worded like kubectl's builder.
pub async fn fetch(client: &Client, cache_dir: &std::path::Path, namespace: &str, arg: Option<&str>, selector: Option<&str>) -> Result<Object, CliError> {
    let Some(arg) = arg else {
        let selector = selector.unwrap_or("");
        let req = Request::get(format!("/api/v1/namespaces/{namespace}/pods")).query("labelSelector", selector.to_string());
        let list: Value = match client.send(&req).await {
            Ok(r) => r.json()?,
            // The builder names what it listed when the server refuses the list.
            Err(ClientError::Api { mut status, http_code }) if http_code == 400 || http_code == 404 => {
                status.message = format!("Unable to find \"/v1, Resource=pods\" that match label selector {selector:?}, field selector \"\": {}", status.message);
                return Err(ClientError::Api { status, http_code }.into());
            }
            Err(e) => return Err(e.into()),
        };
        let items = list["items"].as_array().cloned().unwrap_or_default();
        return Ok(Object::Pods(items));
    };
    let (ty, name) = match arg.split_once('/') {
        Some((t, n)) => (t, n),
        None => ("pods", arg),
    };
    if ty.is_empty() || name.is_empty() || name.contains('/') {
        return Err(CliError::msg("arguments in resource/name form must have a single resource and name"));
    }
    // Pods need no discovery: the one request saved is most of a short `logs`.
    let resource = if matches!(ty, "pods" | "pod" | "po") {
        None
    } else {
        let sel = crate::commands::targets::Selection::Pairs(vec![(ty.to_string(), name.to_string())]);
        let targets = crate::commands::targets::resolve_on_server(client, cache_dir, &sel).await?;
        Some(targets.into_iter().next().map(|t| t.resource).ok_or_else(|| CliError::msg("expected a resource"))?)
    };
    let (group, version, plural, namespaced, kind) = match &resource {
        None => ("", "v1", "pods", true, "Pod"),
        Some(r) => (r.group.as_str(), r.version.as_str(), r.name.as_str(), r.namespaced, r.kind.as_str()),
    };
    let path = ResourcePath { group, version, resource: plural, namespace: namespaced.then_some(namespace), name: Some(name), subresource: None }.to_path();
    let value: Value = match client.send(&Request::get(path)).await {
        Ok(resp) => resp.json()?,
        Err(ClientError::Api { status, http_code: 404 }) => {
            return Err(CliError::msg(format!("error from server (NotFound): {} in namespace \"{namespace}\"", status.message)));
        }
        Err(e) => return Err(e.into()),
    };
    if group.is_empty() && kind == "Pod" {
        return Ok(Object::Pod(value));
    }
    Ok(Object::Other { group: group.into(), version: version.into(), kind: kind.into(), value })
}

/// Go's type name for an object kubectl decoded, as its errors print it.
fn go_type(group: &str, version: &str, kind: &str) -> String {
    const BUILTIN: &[&str] = &[
        "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
        "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "events.k8s.io", "certificates.k8s.io",
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "flowcontrol.apiserver.k8s.io",
        "authentication.k8s.io", "authorization.k8s.io", "resource.k8s.io", "storagemigration.k8s.io", "internal.apiserver.k8s.io",
    ];
    if BUILTIN.contains(&group) {
        format!("*{version}.{kind}")
    } else {
        "*unstructured.Unstructured".into()
    }
}

/// The label selector of a workload or service, as `labels.Selector.String()`.
pub fn selector_for(group: &str, version: &str, kind: &str, obj: &Value) -> Result<String, CliError> {
    let cannot = |why: String| CliError::msg(format!("cannot get the logs from {}: {why}", go_type(group, version, kind)));
    match (group, kind) {
        ("", "ReplicationController") => Ok(from_set(&obj["spec"]["selector"])),
        ("", "Service") => {
            let sel = &obj["spec"]["selector"];
            if sel.as_object().is_none_or(|m| m.is_empty()) {
                let name = obj["metadata"]["name"].as_str().unwrap_or("");
                return Err(cannot(format!("invalid service '{name}': Service is defined without a selector")));
            }
            Ok(from_set(sel))
        }
        ("apps" | "extensions", "ReplicaSet" | "DaemonSet" | "Deployment") | ("apps", "StatefulSet") | ("batch", "Job") => {
            crate::selector::label_selector_string(&obj["spec"]["selector"]).map_err(|e| cannot(format!("invalid label selector: {e}")))
        }
        _ => Err(cannot(format!("selector for {} not implemented", go_type(group, version, kind)))),
    }
}

fn from_set(set: &Value) -> String {
    let mut pairs: Vec<String> = set
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    pairs.sort();
    pairs.join(",")
}


/// kubectl's GetPodList: the matching pods sorted best-for-logging first; when
/// there are none yet, wait (up to `timeout`) for one to appear.
pub async fn pods_for_selector(client: &Client, namespace: &str, selector: &str, timeout: Duration) -> Result<Vec<Value>, CliError> {
    let list_req = Request::get(format!("/api/v1/namespaces/{namespace}/pods")).query("labelSelector", selector.to_string());
    let list: Value = client.send(&list_req).await?.json()?;
    let mut pods = list["items"].as_array().cloned().unwrap_or_default();
    if pods.is_empty() {
        let rv = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
        let watch = Request::get(format!("/api/v1/namespaces/{namespace}/pods"))
            .query("labelSelector", selector.to_string())
            .query("resourceVersion", rv)
            .query("watch", "true");
        let wait = async {
            let resp = client.stream(&watch).await?;
            let mut body = resp.bytes_stream();
            let mut buf = Vec::new();
            while let Some(chunk) = body.next().await {
                buf.extend_from_slice(&chunk.map_err(|e| client.stream_error(&watch, &e))?);
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    let ev: Value = serde_json::from_slice(&line).unwrap_or_default();
                    if matches!(ev["type"].as_str(), Some("ADDED" | "MODIFIED")) {
                        return Ok::<_, ClientError>(());
                    }
                }
            }
            Ok(())
        };
        let timed_out = || CliError::msg("timed out waiting for the condition");
        tokio::time::timeout(timeout, wait).await.map_err(|_| timed_out())??;
        // kubectl indexes its still-empty first list here and crashes; list again.
        let list: Value = client.send(&list_req).await?.json()?;
        pods = list["items"].as_array().cloned().unwrap_or_default();
        if pods.is_empty() {
            return Err(timed_out());
        }
    }
    sort_for_logging(&mut pods);
    Ok(pods)
}

/// podutils.ByLogging, applied with a stable sort (Go's sort.Sort is an
/// insertion sort, hence stable, for the short lists this sees).
pub fn sort_for_logging(pods: &mut [Value]) {
    pods.sort_by(|a, b| {
        if by_logging_less(a, b) {
            Ordering::Less
        } else if by_logging_less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    });
}

fn by_logging_less(a: &Value, b: &Value) -> bool {
    let node = |p: &Value| p["spec"]["nodeName"].as_str().unwrap_or("").to_string();
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return !na.is_empty();
    }
    let phase = |p: &Value| match p["status"]["phase"].as_str().unwrap_or("") {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    if phase(a) != phase(b) {
        return phase(a) < phase(b);
    }
    let (ra, rb) = (ready_time(a), ready_time(b));
    if ra.is_some() != rb.is_some() {
        return ra.is_some();
    }
    if let (Some(x), Some(y)) = (ra, rb) {
        if x != y {
            return after_or_zero(y, x);
        }
    }
    let restarts = |p: &Value| {
        p["status"]["containerStatuses"].as_array().into_iter().flatten().filter_map(|c| c["restartCount"].as_i64()).max().unwrap_or(0).max(0)
    };
    if restarts(a) != restarts(b) {
        return restarts(a) > restarts(b);
    }
    let created = |p: &Value| time_of(p["metadata"]["creationTimestamp"].as_str());
    let (ca, cb) = (created(a), created(b));
    if ca != cb {
        return after_or_zero(cb, ca);
    }
    false
}

/// Seconds of a metav1.Time; 0 (Go's zero time) when absent.
fn time_of(s: Option<&str>) -> i64 {
    s.and_then(|s| parse_since_time(s).ok()).map(|t| t.0).unwrap_or(0)
}

/// The Ready condition's transition time when the pod is ready, Some(0) when
/// ready without a time.
fn ready_time(p: &Value) -> Option<i64> {
    p["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .map(|c| time_of(c["lastTransitionTime"].as_str()))
}

/// Is t1 after t2, a zero time counting as after any other.
fn after_or_zero(t1: i64, t2: i64) -> bool {
    if t1 == 0 || t2 == 0 {
        return t1 == 0;
    }
    t1 > t2
}

fn names(pod: &Value, field: &str) -> Vec<String> {
    pod["spec"][field].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect()
}

/// podcmd.AllContainerNames: `a, b, init (init), dbg (ephem)`.
fn all_container_names(pod: &Value) -> String {
    let mut out = names(pod, "containers");
    out.extend(names(pod, "initContainers").into_iter().map(|n| format!("{n} (init)")));
    out.extend(names(pod, "ephemeralContainers").into_iter().map(|n| format!("{n} (ephem)")));
    out.join(", ")
}

fn has_container(pod: &Value, name: &str) -> bool {
    ["containers", "initContainers", "ephemeralContainers"].iter().any(|f| names(pod, f).iter().any(|n| n == name))
}

/// The containers of one pod to read. Notices go to stderr as kubectl prints them.
pub fn pod_sources(pod: &Value, container: &str, all_containers: bool, all_pods: bool) -> Result<Vec<Source>, CliError> {
    let meta = &pod["metadata"];
    let name = meta["name"].as_str().unwrap_or("").to_string();
    let source = |c: String| Source {
        namespace: meta["namespace"].as_str().unwrap_or("").to_string(),
        pod: name.clone(),
        uid: meta["uid"].as_str().unwrap_or("").to_string(),
        container: c,
    };
    if all_containers {
        let mut out = Vec::new();
        for field in ["initContainers", "containers", "ephemeralContainers"] {
            out.extend(names(pod, field).into_iter().map(source));
        }
        return Ok(out);
    }
    let mut chosen = container.to_string();
    if chosen.is_empty() {
        if let Some(default) = meta["annotations"][DEFAULT_CONTAINER_ANNOTATION].as_str().filter(|s| !s.is_empty()) {
            if has_container(pod, default) {
                chosen = default.to_string();
            } else {
                eprintln!("Default container name {default:?} not found in pod {name}");
            }
        }
    }
    if chosen.is_empty() {
        let mains = names(pod, "containers");
        chosen = mains.first().cloned().unwrap_or_default();
        let others = !names(pod, "initContainers").is_empty() || !names(pod, "ephemeralContainers").is_empty();
        if (mains.len() > 1 || others) && !all_pods {
            eprintln!("Defaulted container {chosen:?} out of: {}", all_container_names(pod));
        }
    }
    if !has_container(pod, &chosen) {
        return Err(CliError::msg(format!("container {chosen} is not valid for pod {name}")));
    }
    Ok(vec![source(chosen)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, node: &str, phase: &str, ready: Option<&str>, restarts: i64, created: &str) -> Value {
        let conditions = match ready {
            Some(t) => json!([{"type": "Ready", "status": "True", "lastTransitionTime": t}]),
            None => json!([{"type": "Ready", "status": "False"}]),
        };
        json!({"metadata": {"name": name, "creationTimestamp": created}, "spec": {"nodeName": node},
               "status": {"phase": phase, "conditions": conditions, "containerStatuses": [{"restartCount": restarts}]}})
    }

    fn order(mut pods: Vec<Value>) -> Vec<String> {
        sort_for_logging(&mut pods);
        pods.iter().map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect()
    }

    #[test]
    fn best_pod_for_logging_first() {
        let t = "2026-01-01T00:00:00Z";
        let later = "2026-01-01T00:00:10Z";
        assert_eq!(order(vec![pod("a", "", "Running", Some(t), 0, t), pod("b", "n", "Pending", None, 0, t)]), ["b", "a"]);
        assert_eq!(order(vec![pod("a", "n", "Pending", None, 0, t), pod("b", "n", "Running", None, 0, t)]), ["b", "a"]);
        assert_eq!(order(vec![pod("a", "n", "Running", None, 0, t), pod("b", "n", "Running", Some(t), 0, t)]), ["b", "a"]);
        assert_eq!(order(vec![pod("a", "n", "Running", Some(later), 0, t), pod("b", "n", "Running", Some(t), 0, t)]), ["b", "a"]);
        assert_eq!(order(vec![pod("a", "n", "Running", Some(t), 0, t), pod("b", "n", "Running", Some(t), 3, t)]), ["b", "a"]);
        assert_eq!(order(vec![pod("a", "n", "Running", Some(t), 0, later), pod("b", "n", "Running", Some(t), 0, t)]), ["b", "a"]);
        // Ties keep the server's order; Succeeded and Failed rank with Running.
        assert_eq!(order(vec![pod("a", "n", "Succeeded", None, 0, t), pod("b", "n", "Running", None, 0, t)]), ["a", "b"]);
    }

    #[test]
    fn selectors_print_like_labels_selector() {
        assert_eq!(from_set(&json!({"b": "1", "a": "2"})), "a=2,b=1");
        let svc = json!({"metadata": {"name": "s"}, "spec": {}});
        assert_eq!(
            selector_for("", "v1", "Service", &svc).unwrap_err().to_string(),
            "error: cannot get the logs from *v1.Service: invalid service 's': Service is defined without a selector"
        );
        assert_eq!(
            selector_for("", "v1", "ConfigMap", &svc).unwrap_err().to_string(),
            "error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented"
        );
    }

    #[test]
    fn container_choice() {
        let p = json!({"metadata": {"name": "p", "namespace": "ns", "annotations": {DEFAULT_CONTAINER_ANNOTATION: "b"}},
                       "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a"}, {"name": "b"}]}});
        assert_eq!(pod_sources(&p, "", false, false).unwrap()[0].container, "b");
        assert_eq!(pod_sources(&p, "a", false, false).unwrap()[0].container, "a");
        let all: Vec<String> = pod_sources(&p, "", true, false).unwrap().into_iter().map(|s| s.container).collect();
        assert_eq!(all, ["i", "a", "b"]);
        assert_eq!(pod_sources(&p, "zz", false, false).unwrap_err().to_string(), "error: container zz is not valid for pod p");
        assert_eq!(all_container_names(&p), "a, b, i (init)");
    }
}

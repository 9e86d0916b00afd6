//! kubectl's drain filters: which pods on a node are evicted, skipped,
//! warned about, or block the drain.

use serde_json::Value;

use crate::client::{Client, ClientError, Request};

pub const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
pub const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
pub const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
pub const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
pub const UNMANAGED_FATAL: &str = "cannot delete Pods that declare no controller (use --force to override)";
pub const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Okay,
    Skip,
    Warning { delete: bool, message: String },
    Error(String),
}

impl Status {
    fn deletes(&self) -> bool {
        matches!(self, Status::Okay | Status::Warning { delete: true, .. })
    }
}

pub struct Options {
    pub force: bool,
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub skip_wait_for_delete_timeout: i64,
}

pub struct PodDelete {
    pub pod: Value,
    pub status: Status,
}

fn ns_name(pod: &Value) -> String {
    format!("{}/{}", pod["metadata"]["namespace"].as_str().unwrap_or(""), pod["metadata"]["name"].as_str().unwrap_or(""))
}

fn terminal(pod: &Value) -> bool {
    matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

fn controller(pod: &Value) -> Option<&Value> {
    pod["metadata"]["ownerReferences"].as_array()?.iter().find(|r| r["controller"].as_bool() == Some(true))
}

/// Seconds since the pod's deletionTimestamp, if it has one.
pub fn deleted_for(pod: &Value) -> Option<i64> {
    let ts = pod["metadata"]["deletionTimestamp"].as_str()?;
    let t = crate::client::exec::parse_rfc3339(ts)?;
    Some(std::time::SystemTime::now().duration_since(t).map_or(0, |d| d.as_secs() as i64))
}

pub fn should_skip(pod: &Value, timeout: i64) -> bool {
    timeout > 0 && deleted_for(pod).is_some_and(|s| s > timeout)
}

async fn daemonset(client: &Client, pod: &Value, o: &Options) -> Status {
    let Some(r) = controller(pod).filter(|r| r["kind"] == "DaemonSet") else { return Status::Okay };
    if terminal(pod) {
        return Status::Okay;
    }
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let path = format!("/apis/apps/v1/namespaces/{ns}/daemonsets/{}", r["name"].as_str().unwrap_or(""));
    match client.send(&Request::get(path)).await {
        Ok(_) => {}
        Err(e) => {
            let msg = match &e {
                ClientError::Api { status, .. } => status.message.clone(),
                other => other.to_string(),
            };
            let not_found = matches!(&e, ClientError::Api { status, .. } if status.reason == "NotFound");
            return if not_found && o.force { Status::Warning { delete: true, message: msg } } else { Status::Error(msg) };
        }
    }
    if !o.ignore_daemonsets {
        return Status::Error(DAEMONSET_FATAL.into());
    }
    Status::Warning { delete: false, message: DAEMONSET_WARNING.into() }
}

fn mirror(pod: &Value) -> Status {
    if pod["metadata"]["annotations"].get("kubernetes.io/config.mirror").is_some() {
        Status::Skip
    } else {
        Status::Okay
    }
}

fn local_storage(pod: &Value, o: &Options) -> Status {
    let has = pod["spec"]["volumes"].as_array().is_some_and(|v| v.iter().any(|v| v.get("emptyDir").is_some()));
    if !has || terminal(pod) {
        return Status::Okay;
    }
    if !o.delete_emptydir_data {
        return Status::Error(LOCAL_STORAGE_FATAL.into());
    }
    Status::Warning { delete: true, message: LOCAL_STORAGE_WARNING.into() }
}

fn unreplicated(pod: &Value, o: &Options) -> Status {
    if terminal(pod) || controller(pod).is_some() {
        return Status::Okay;
    }
    if o.force {
        return Status::Warning { delete: true, message: UNMANAGED_WARNING.into() };
    }
    Status::Error(UNMANAGED_FATAL.into())
}

/// Each pod's status: the first filter that does not delete it decides.
pub async fn filter(client: &Client, pods: Vec<Value>, o: &Options) -> Vec<PodDelete> {
    let mut out = Vec::new();
    for pod in pods {
        let mut status = Status::Okay;
        for step in 0..5 {
            status = match step {
                0 => if should_skip(&pod, o.skip_wait_for_delete_timeout) { Status::Skip } else { Status::Okay },
                1 => daemonset(client, &pod, o).await,
                2 => mirror(&pod),
                3 => local_storage(&pod, o),
                _ => unreplicated(&pod, o),
            };
            if !status.deletes() {
                break;
            }
        }
        out.push(PodDelete { pod, status });
    }
    out
}

/// Messages with their pods, in the order each message first appears.
fn grouped<'a>(list: &'a [PodDelete], pick: impl Fn(&'a Status) -> Option<&'a str>) -> Vec<(&'a str, Vec<String>)> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for p in list {
        if let Some(msg) = pick(&p.status) {
            match groups.iter_mut().find(|(m, _)| *m == msg) {
                Some((_, pods)) => pods.push(ns_name(&p.pod)),
                None => groups.push((msg, vec![ns_name(&p.pod)])),
            }
        }
    }
    groups
}

pub fn warnings(list: &[PodDelete]) -> String {
    grouped(list, |s| match s {
        Status::Warning { message, .. } => Some(message.as_str()),
        _ => None,
    })
    .into_iter()
    .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
    .collect::<Vec<_>>()
    .join("; ")
}

pub fn errors(list: &[PodDelete]) -> Vec<String> {
    grouped(list, |s| match s {
        Status::Error(m) if m.is_empty() => Some("unexpected error"),
        Status::Error(m) => Some(m.as_str()),
        _ => None,
    })
    .into_iter()
    .map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", ")))
    .collect()
}

pub fn to_delete(list: &[PodDelete]) -> Vec<Value> {
    list.iter().filter(|p| p.status.deletes()).map(|p| p.pod.clone()).collect()
}

//! Pod status documents the simulated kubelet writes.

use serde_json::{json, Value};

use crate::util::{hex_digest, now_k8s, str_at};

/// Expands an image reference the way containerd reports it
/// (`nginx` -> `docker.io/library/nginx:latest`).
pub fn normalize_image(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut full = if has_registry {
        name.to_string()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    let last = full.rsplit('/').next().unwrap_or("");
    match digest {
        Some(d) => {
            full.push('@');
            full.push_str(d);
        }
        None if !last.contains(':') => full.push_str(":latest"),
        None => {}
    }
    full
}

fn image_id(image: &str) -> String {
    let full = normalize_image(image);
    if full.contains("@sha256:") {
        return full;
    }
    let repo = match full.rfind(':') {
        Some(i) if !full[i..].contains('/') => &full[..i],
        _ => full.as_str(),
    };
    format!("{repo}@sha256:{}", hex_digest(&["image", &full]))
}

pub fn container_id(pod_uid: &str, container: &str) -> String {
    format!("containerd://{}", hex_digest(&["container", pod_uid, container]))
}

fn condition(ty: &str, status: &str, reason: Option<&str>, now: &str) -> Value {
    let mut c = json!({
        "type": ty,
        "status": status,
        "lastProbeTime": null,
        "lastTransitionTime": now,
    });
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    c
}

fn spec_containers<'a>(pod: &'a Value, field: &str) -> Vec<&'a Value> {
    pod["spec"][field].as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

fn init_statuses(pod: &Value, uid: &str, start: &str) -> Vec<Value> {
    spec_containers(pod, "initContainers")
        .into_iter()
        .map(|c| {
            let name = str_at(c, &["name"]);
            let image = str_at(c, &["image"]);
            let cid = container_id(uid, name);
            json!({
                "name": name,
                "state": {"terminated": {
                    "exitCode": 0,
                    "reason": "Completed",
                    "startedAt": start,
                    "finishedAt": start,
                    "containerID": cid,
                }},
                "lastState": {},
                "ready": true,
                "restartCount": 0,
                "image": normalize_image(image),
                "imageID": image_id(image),
                "containerID": cid,
            })
        })
        .collect()
}

/// Annotation: every main container has restarted this many times (a
/// terminated previous instance, so `logs --previous` has something to show).
pub const ANN_RESTARTS: &str = "sim.kctl.dev/restarts";

/// The restart count the pod asks for with [`ANN_RESTARTS`].
pub fn restarts(pod: &Value) -> u32 {
    str_at(pod, &["metadata", "annotations", ANN_RESTARTS]).trim().parse().unwrap_or(0)
}

/// The id of the previous (terminated) instance of a container.
pub fn previous_container_id(pod_uid: &str, container: &str) -> String {
    format!("containerd://{}", hex_digest(&["previous", pod_uid, container]))
}

/// When the previous instance of a container ran: the `PREVIOUS_LIFETIME`
/// seconds before the pod's start.
pub const PREVIOUS_LIFETIME: i64 = 100;

/// Main containers, sorted by name like the kubelet does.
fn main_statuses(pod: &Value, uid: &str, state: impl Fn(&str) -> Value, running: bool) -> Vec<Value> {
    let restarts = restarts(pod);
    let start = crate::util::parse_time(str_at(pod, &["status", "startTime"])).unwrap_or_else(chrono::Utc::now);
    let mut out: Vec<Value> = spec_containers(pod, "containers")
        .into_iter()
        .map(|c| {
            let name = str_at(c, &["name"]);
            let image = str_at(c, &["image"]);
            let cid = container_id(uid, name);
            let last_state = if restarts > 0 {
                json!({"terminated": {
                    "exitCode": 1,
                    "reason": "Error",
                    "startedAt": crate::util::k8s_time(start - chrono::Duration::seconds(PREVIOUS_LIFETIME)),
                    "finishedAt": crate::util::k8s_time(start),
                    "containerID": previous_container_id(uid, name),
                }})
            } else {
                json!({})
            };
            json!({
                "name": name,
                "state": state(&cid),
                "lastState": last_state,
                "ready": running,
                "restartCount": restarts,
                "image": normalize_image(image),
                "imageID": image_id(image),
                "containerID": cid,
                "started": running,
            })
        })
        .collect();
    out.sort_by(|a, b| str_at(a, &["name"]).cmp(str_at(b, &["name"])));
    out
}

/// Merge patch moving a pod to Running. The uid acts as a precondition.
pub fn running_patch(pod: &Value, pod_ip: &str) -> Value {
    let uid = str_at(pod, &["metadata", "uid"]);
    let now = now_k8s();
    // The previous instances (see ANN_RESTARTS) ended when this one started.
    let mut started = pod.clone();
    started["status"]["startTime"] = json!(now);
    let mut status = json!({
        "phase": "Running",
        "conditions": [
            condition("Initialized", "True", None, &now),
            condition("Ready", "True", None, &now),
            condition("ContainersReady", "True", None, &now),
            condition("PodScheduled", "True", None, &now),
        ],
        "hostIP": "127.0.0.1",
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": now,
        "containerStatuses": main_statuses(&started, uid, |_| json!({"running": {"startedAt": now}}), true),
    });
    let inits = init_statuses(pod, uid, &now);
    if !inits.is_empty() {
        status["initContainerStatuses"] = Value::Array(inits);
    }
    json!({"metadata": {"uid": uid}, "status": status})
}

/// Merge patch moving a Running pod to Succeeded (exit 0) or Failed.
pub fn terminated_patch(pod: &Value, exit_code: i32) -> Value {
    let uid = str_at(pod, &["metadata", "uid"]);
    let now = now_k8s();
    let started = match str_at(pod, &["status", "startTime"]) {
        "" => now.clone(),
        s => s.to_string(),
    };
    let (phase, reason) = if exit_code == 0 { ("Succeeded", "Completed") } else { ("Failed", "Error") };
    let state = |cid: &str| {
        json!({"terminated": {
            "exitCode": exit_code,
            "reason": reason,
            "startedAt": started,
            "finishedAt": now,
            "containerID": cid,
        }})
    };
    let (ready_reason, init_reason) = if exit_code == 0 {
        ("PodCompleted", Some("PodCompleted"))
    } else {
        ("ContainersNotReady", None)
    };
    json!({
        "metadata": {"uid": uid},
        "status": {
            "phase": phase,
            "conditions": [
                condition("Initialized", "True", init_reason, &now),
                condition("Ready", "False", Some(ready_reason), &now),
                condition("ContainersReady", "False", Some(ready_reason), &now),
                condition("PodScheduled", "True", None, &now),
            ],
            "containerStatuses": main_statuses(pod, uid, state, false),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(normalize_image("nginx:1.25"), "docker.io/library/nginx:1.25");
        assert_eq!(normalize_image("bitnami/redis"), "docker.io/bitnami/redis:latest");
        assert_eq!(normalize_image("registry.k8s.io/pause:3.9"), "registry.k8s.io/pause:3.9");
        assert_eq!(normalize_image("localhost:5000/app"), "localhost:5000/app:latest");
        assert!(image_id("nginx").starts_with("docker.io/library/nginx@sha256:"));
    }
}

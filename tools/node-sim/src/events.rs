//! Kubelet-style events (Pulled/Created/Started) for started pods, so
//! `kubectl describe pod` looks like it does on a real node.

use std::sync::Arc;

use chrono::Utc;
use serde_json::{json, Value};

use crate::util::{hex_digest, k8s_time, str_at};
use crate::{log, Sim};

/// Posts the events for every (init) container of a pod that just started.
pub async fn pod_started(sim: Arc<Sim>, pod: Value, node: String) {
    let now = k8s_time(Utc::now());
    for (field, list) in [("initContainers", "initContainers"), ("containers", "containers")] {
        for c in pod["spec"][list].as_array().into_iter().flatten() {
            let name = str_at(c, &["name"]);
            let image = str_at(c, &["image"]);
            let path = format!("spec.{field}{{{name}}}");
            let msgs = [
                ("Pulled", format!("Container image \"{image}\" already present on machine")),
                ("Created", format!("Created container {name}")),
                ("Started", format!("Started container {name}")),
            ];
            for (reason, message) in msgs {
                if let Err(e) = post(&sim, &pod, &node, &path, reason, &message, &now).await {
                    log!("posting {reason} event for {}: {e}", str_at(&pod, &["metadata", "name"]));
                    return;
                }
            }
        }
    }
}

async fn post(
    sim: &Sim,
    pod: &Value,
    node: &str,
    field_path: &str,
    reason: &str,
    message: &str,
    now: &str,
) -> Result<(), crate::kube::ApiError> {
    let ns = str_at(pod, &["metadata", "namespace"]);
    let pod_name = str_at(pod, &["metadata", "name"]);
    let uid = str_at(pod, &["metadata", "uid"]);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default().to_string();
    let name = format!("{pod_name}.{}", &hex_digest(&[uid, field_path, reason, &nanos])[..16]);
    let ev = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": ns},
        "involvedObject": {
            "apiVersion": "v1",
            "kind": "Pod",
            "namespace": ns,
            "name": pod_name,
            "uid": uid,
            "resourceVersion": str_at(pod, &["metadata", "resourceVersion"]),
            "fieldPath": field_path,
        },
        "reason": reason,
        "message": message,
        "source": {"component": "kubelet", "host": node},
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": "Normal",
        "reportingComponent": "",
        "reportingInstance": "",
    });
    sim.api.post(&format!("/api/v1/namespaces/{ns}/events"), &ev).await.map(|_| ())
}

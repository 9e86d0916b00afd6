//! Node registration, status heartbeats, lease renewal and taint cleanup.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::{json, Value};

use crate::util::{k8s_micro_time, now_k8s};
use crate::{log, Sim, SimNode};

/// Taints the node lifecycle controller would manage; that controller is
/// disabled in the test cluster, so the simulator removes them itself.
const LIFECYCLE_TAINTS: &[&str] = &["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"];

pub const KUBELET_VERSION: &str = "v1.20.2";

fn labels(node: &SimNode) -> Value {
    json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "sim.kctl.dev/node": "true",
    })
}

fn resources() -> Value {
    json!({
        "cpu": "4",
        "ephemeral-storage": "100Gi",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": "8Gi",
        "pods": "110",
    })
}

fn conditions(transition: &str) -> Value {
    let now = now_k8s();
    let c = |ty: &str, status: &str, reason: &str, message: &str| {
        json!({
            "type": ty,
            "status": status,
            "lastHeartbeatTime": now,
            "lastTransitionTime": transition,
            "reason": reason,
            "message": message,
        })
    };
    json!([
        c("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        c("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        c("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        c("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ])
}

fn status(node: &SimNode, transition: &str) -> Value {
    let id = crate::util::hex_digest(&["machine", &node.name]);
    json!({
        "capacity": resources(),
        "allocatable": resources(),
        "conditions": conditions(transition),
        "addresses": [
            {"type": "InternalIP", "address": "127.0.0.1"},
            {"type": "Hostname", "address": node.name},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": node.port}},
        "nodeInfo": {
            "machineID": &id[..32],
            "systemUUID": format!("{}-{}-{}-{}-{}", &id[32..40], &id[40..44], &id[44..48], &id[48..52], &id[52..64]),
            "bootID": crate::util::hex_digest(&["boot", &node.name])[..32].to_string(),
            "kernelVersion": "6.1.0-kctl-sim",
            "osImage": "kctl node-sim (Debian GNU/Linux 12)",
            "containerRuntimeVersion": "containerd://1.4.13",
            "kubeletVersion": KUBELET_VERSION,
            "kubeProxyVersion": KUBELET_VERSION,
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
    })
}

fn node_object(node: &SimNode, transition: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": node.name,
            "labels": labels(node),
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": format!("10.244.{}.0/24", node.index),
            "podCIDRs": [format!("10.244.{}.0/24", node.index)],
        },
        "status": status(node, transition),
    })
}

/// Registers the node (or adopts an existing object) and keeps it healthy.
pub async fn run_node(sim: Arc<Sim>, node: SimNode) {
    let transition = now_k8s();
    let mut registered = false;
    let mut interval = tokio::time::interval(Duration::from_secs(sim.cfg.heartbeat_seconds.max(1)));
    loop {
        if !registered {
            match register(&sim, &node, &transition).await {
                Ok(()) => {
                    registered = true;
                    log!("node {} registered (kubelet port {})", node.name, node.port);
                }
                Err(e) => {
                    log!("registering node {}: {e}", node.name);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
        } else {
            interval.tick().await;
        }
        match heartbeat(&sim, &node, &transition).await {
            Ok(()) => {}
            Err(e) if e.is(404) => {
                log!("node {} disappeared; registering it again", node.name);
                registered = false;
            }
            Err(e) => log!("heartbeat for node {}: {e}", node.name),
        }
        if let Err(e) = renew_lease(&sim, &node).await {
            log!("renewing lease for node {}: {e}", node.name);
        }
    }
}

async fn register(sim: &Sim, node: &SimNode, transition: &str) -> Result<(), crate::kube::ApiError> {
    match sim.api.post("/api/v1/nodes", &node_object(node, transition)).await {
        Ok(_) => Ok(()),
        Err(e) if e.is(409) => {
            // Adopt the existing object: refresh labels and status.
            let path = format!("/api/v1/nodes/{}", node.name);
            sim.api.merge_patch(&path, &json!({"metadata": {"labels": labels(node)}})).await?;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Refreshes status (conditions, addresses, ports) and strips lifecycle taints.
async fn heartbeat(sim: &Sim, node: &SimNode, transition: &str) -> Result<(), crate::kube::ApiError> {
    let path = format!("/api/v1/nodes/{}", node.name);
    let obj = sim
        .api
        .merge_patch(&format!("{path}/status"), &json!({"status": status(node, transition)}))
        .await?;
    remove_lifecycle_taints(sim, &path, &obj).await
}

async fn remove_lifecycle_taints(sim: &Sim, path: &str, obj: &Value) -> Result<(), crate::kube::ApiError> {
    let Some(taints) = obj["spec"]["taints"].as_array() else { return Ok(()) };
    let keep: Vec<Value> = taints
        .iter()
        .filter(|t| !LIFECYCLE_TAINTS.contains(&t["key"].as_str().unwrap_or("")))
        .cloned()
        .collect();
    if keep.len() == taints.len() {
        return Ok(());
    }
    let uid = obj["metadata"]["uid"].clone();
    let new_taints = if keep.is_empty() { Value::Null } else { Value::Array(keep) };
    sim.api
        .merge_patch(path, &json!({"metadata": {"uid": uid}, "spec": {"taints": new_taints}}))
        .await?;
    Ok(())
}

async fn renew_lease(sim: &Sim, node: &SimNode) -> Result<(), crate::kube::ApiError> {
    let base = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";
    let renew = k8s_micro_time(Utc::now());
    let patch = json!({"spec": {"holderIdentity": node.name, "leaseDurationSeconds": 40, "renewTime": renew}});
    match sim.api.merge_patch(&format!("{base}/{}", node.name), &patch).await {
        Err(e) if e.is(404) => {
            let node_obj = sim.api.get(&format!("/api/v1/nodes/{}", node.name)).await?;
            let lease = json!({
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {
                    "name": node.name,
                    "namespace": "kube-node-lease",
                    "ownerReferences": [{
                        "apiVersion": "v1",
                        "kind": "Node",
                        "name": node.name,
                        "uid": node_obj["metadata"]["uid"],
                    }],
                },
                "spec": {
                    "holderIdentity": node.name,
                    "leaseDurationSeconds": 40,
                    "renewTime": renew,
                },
            });
            match sim.api.post(base, &lease).await {
                Err(e) if !e.is(409) => Err(e),
                _ => Ok(()),
            }
        }
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

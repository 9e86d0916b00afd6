//! The simulated nodes: `kctl-local` plus, with `kctl local up --nodes N`,
//! `kctl-local-m02` .. `kctl-local-mNN` (minikube's naming for extra nodes).
//!
//! The count is remembered in `<state dir>/nodes` (written by `up --nodes`),
//! so a later `up` without the flag brings back the same cluster; the server
//! reads it at start, creates the missing Node objects and deletes simulated
//! nodes beyond the count. Node objects are ordinary objects: cordon, taints
//! and labels set by users survive restarts.

use std::path::Path;

use serde_json::{json, Value};

use super::api::{new_uid, now_rfc3339};
use super::store::{Op, Store};

pub const FIRST: &str = super::controllers::NODE;
const COUNT_FILE: &str = "nodes";
pub const MAX: usize = 99;

/// The name of node `i` (0-based).
pub fn name(i: usize) -> String {
    if i == 0 {
        FIRST.to_string()
    } else {
        format!("{FIRST}-m{:02}", i + 1)
    }
}

/// The 0-based index of a simulated node, from its name.
pub fn index(node: &str) -> Option<usize> {
    if node == FIRST {
        return Some(0);
    }
    let n: usize = node.strip_prefix(FIRST)?.strip_prefix("-m")?.parse().ok()?;
    (2..=MAX).contains(&n).then(|| n - 1)
}

/// The node's InternalIP.
pub fn ip(i: usize) -> String {
    format!("10.0.0.{}", 10 + i)
}

/// The remembered node count (1 when never set).
pub fn count(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join(COUNT_FILE)).ok().and_then(|s| s.trim().parse().ok()).filter(|n| (1..=MAX).contains(n)).unwrap_or(1)
}

/// Remember `n` for this and later starts.
pub fn set_count(dir: &Path, n: usize) -> Result<(), String> {
    if !(1..=MAX).contains(&n) {
        return Err(format!("--nodes must be between 1 and {MAX}"));
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join(COUNT_FILE), format!("{n}\n")).map_err(|e| format!("{}: {e}", dir.join(COUNT_FILE).display()))
}

/// Create the missing nodes and delete simulated ones beyond the count.
pub fn ensure(store: &Store, dir: &Path) -> std::io::Result<()> {
    let want = count(dir);
    let r = super::resources::find("", "v1", "nodes").expect("nodes");
    store
        .commit::<()>(|objects, rv| {
            let mut ops = Vec::new();
            for i in 0..want {
                let key = r.key("", &name(i));
                if !objects.contains_key(&key) {
                    ops.push(Op { key, object: Some(object(i, rv)) });
                }
            }
            for (key, _) in objects.range(r.prefix()..).take_while(|(k, _)| k.starts_with(&r.prefix())) {
                let n = key.rsplit('/').next().unwrap_or("");
                if index(n).is_some_and(|i| i >= want) {
                    ops.push(Op { key: key.clone(), object: None });
                }
            }
            Ok(ops)
        })?
        .ok();
    Ok(())
}

/// A fresh simulated node: 8 CPUs, 16Gi, room for many pods (a 1000-replica
/// Deployment fits on one node, which the benchmarks rely on).
pub fn object(i: usize, rv: u64) -> Value {
    let name = name(i);
    let now = now_rfc3339();
    let mut labels = json!({"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                            "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64"});
    if i == 0 {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
    }
    json!({
        "kind": "Node", "apiVersion": "v1",
        "metadata": {"name": name, "uid": new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now, "labels": labels},
        "spec": {"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]},
        "status": {
            "capacity": {"cpu": "8", "memory": "16Gi", "pods": "5000", "ephemeral-storage": "100Gi"},
            "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "5000", "ephemeral-storage": "100Gi"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", &now),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", &now),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", &now),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", &now),
            ],
            "addresses": [{"type": "InternalIP", "address": ip(i)}, {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": "", "systemUUID": "", "bootID": "", "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0",
                         "osImage": "kctl local", "kernelVersion": std::env::consts::OS,
                         "containerRuntimeVersion": "kctl://simulated", "operatingSystem": "linux", "architecture": "amd64"},
        },
    })
}

fn cond(t: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": t, "status": status, "lastHeartbeatTime": now, "lastTransitionTime": now, "reason": reason, "message": message})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(name(0), "kctl-local");
        assert_eq!(name(1), "kctl-local-m02");
        assert_eq!(name(11), "kctl-local-m12");
        for i in 0..MAX {
            assert_eq!(index(&name(i)), Some(i));
        }
        assert_eq!(index("kctl-local-m01"), None);
        assert_eq!(index("other"), None);
    }
}

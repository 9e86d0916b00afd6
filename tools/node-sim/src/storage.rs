//! A tiny dynamic provisioner: hostPath PersistentVolumes for pending claims.
//!
//! A default StorageClass (`--storage-class`, "standard") with provisioner
//! `kctl.dev/node-sim` is created at start-up. Every pending claim whose class
//! is empty, unknown, or provisioned by us gets a PV named `pvc-<claim uid>`
//! pre-bound to it (claimRef), backed by a directory under
//! `<state-dir>/pv/`; kube-controller-manager's PV controller then binds the
//! pair. Released PVs we provisioned with reclaimPolicy Delete are deleted.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::util::str_at;
use crate::{log, Sim};

pub const PROVISIONER: &str = "kctl.dev/node-sim";
const LABEL: &str = "sim.kctl.dev/provisioned";
const INTERVAL: Duration = Duration::from_millis(500);

pub async fn run(sim: Arc<Sim>) {
    if !sim.cfg.storage_class.is_empty() {
        ensure_storage_class(&sim).await;
    }
    loop {
        if let Err(e) = reconcile(&sim).await {
            log!("storage: {e}");
        }
        tokio::time::sleep(INTERVAL).await;
    }
}

async fn ensure_storage_class(sim: &Sim) {
    let sc = json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": sim.cfg.storage_class,
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
    });
    loop {
        match sim.api.post("/apis/storage.k8s.io/v1/storageclasses", &sc).await {
            Ok(_) => {
                log!("created default StorageClass {}", sim.cfg.storage_class);
                return;
            }
            Err(e) if e.is(409) => return,
            Err(e) => {
                log!("creating StorageClass: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn reconcile(sim: &Sim) -> Result<(), crate::kube::ApiError> {
    let classes = sim.api.get("/apis/storage.k8s.io/v1/storageclasses").await?;
    let class_provisioner: HashMap<String, String> = items(&classes)
        .iter()
        .map(|c| (str_at(c, &["metadata", "name"]).to_string(), str_at(c, &["provisioner"]).to_string()))
        .collect();
    let pvs = sim.api.get("/api/v1/persistentvolumes").await?;
    let claimed: Vec<String> = items(&pvs)
        .iter()
        .map(|pv| str_at(pv, &["spec", "claimRef", "uid"]).to_string())
        .filter(|u| !u.is_empty())
        .collect();

    let pvcs = sim.api.get("/api/v1/persistentvolumeclaims").await?;
    for pvc in items(&pvcs) {
        let uid = str_at(pvc, &["metadata", "uid"]);
        if str_at(pvc, &["status", "phase"]) != "Pending"
            || !str_at(pvc, &["spec", "volumeName"]).is_empty()
            || pvc["metadata"]["deletionTimestamp"].is_string()
            || claimed.iter().any(|c| c == uid)
        {
            continue;
        }
        let class = str_at(pvc, &["spec", "storageClassName"]);
        match class_provisioner.get(class) {
            Some(p) if p != PROVISIONER => continue,
            _ => {}
        }
        if let Err(e) = provision(sim, pvc).await {
            log!(
                "provisioning volume for claim {}/{}: {e}",
                str_at(pvc, &["metadata", "namespace"]),
                str_at(pvc, &["metadata", "name"])
            );
        }
    }

    for pv in items(&pvs) {
        let ours = pv["metadata"]["labels"][LABEL] == "true";
        let phase = str_at(pv, &["status", "phase"]);
        if ours
            && (phase == "Released" || phase == "Failed")
            && str_at(pv, &["spec", "persistentVolumeReclaimPolicy"]) == "Delete"
            && !pv["metadata"]["deletionTimestamp"].is_string()
        {
            let name = str_at(pv, &["metadata", "name"]);
            match sim.api.delete(&format!("/api/v1/persistentvolumes/{name}"), None).await {
                Ok(_) => {
                    log!("deleted released volume {name}");
                    let _ = std::fs::remove_dir_all(sim.cfg.state_dir.join("pv").join(name));
                }
                Err(e) if e.is(404) => {}
                Err(e) => log!("deleting volume {name}: {e}"),
            }
        }
    }
    Ok(())
}

fn items(list: &Value) -> &[Value] {
    list["items"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

async fn provision(sim: &Sim, pvc: &Value) -> Result<(), crate::kube::ApiError> {
    let ns = str_at(pvc, &["metadata", "namespace"]);
    let claim = str_at(pvc, &["metadata", "name"]);
    let uid = str_at(pvc, &["metadata", "uid"]);
    let name = format!("pvc-{uid}");
    let dir = sim.cfg.state_dir.join("pv").join(&name);
    std::fs::create_dir_all(&dir).map_err(|e| crate::kube::ApiError {
        status: None,
        message: format!("creating {}: {e}", dir.display()),
    })?;
    let size = match str_at(pvc, &["spec", "resources", "requests", "storage"]) {
        "" => "1Gi",
        s => s,
    };
    let access_modes = match pvc["spec"]["accessModes"].as_array() {
        Some(a) if !a.is_empty() => Value::Array(a.clone()),
        _ => json!(["ReadWriteOnce"]),
    };
    let mut spec = json!({
        "capacity": {"storage": size},
        "accessModes": access_modes,
        "persistentVolumeReclaimPolicy": "Delete",
        "storageClassName": str_at(pvc, &["spec", "storageClassName"]),
        "volumeMode": match str_at(pvc, &["spec", "volumeMode"]) { "" => "Filesystem", m => m },
        "hostPath": {"path": dir.to_string_lossy(), "type": "DirectoryOrCreate"},
        "claimRef": {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "namespace": ns,
            "name": claim,
            "uid": uid,
            "resourceVersion": str_at(pvc, &["metadata", "resourceVersion"]),
        },
    });
    if spec["storageClassName"] == "" {
        spec.as_object_mut().map(|o| o.remove("storageClassName"));
    }
    let pv = json!({
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": name,
            "labels": {LABEL: "true"},
            "annotations": {"pv.kubernetes.io/provisioned-by": PROVISIONER},
        },
        "spec": spec,
    });
    match sim.api.post("/api/v1/persistentvolumes", &pv).await {
        Ok(_) => {
            log!("provisioned {name} ({size}) for claim {ns}/{claim}");
            Ok(())
        }
        Err(e) if e.is(409) => Ok(()),
        Err(e) => Err(e),
    }
}

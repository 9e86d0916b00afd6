//! Jobs (pods that complete at once) and the default StorageClass's
//! provisioner. StatefulSets and DaemonSets live in `statefulset` and
//! `daemonset`, their history in `history`.

use serde_json::{json, Value};

use super::api::{new_uid, now_rfc3339, State};
use super::controllers::{list, meta, owned_by, owner_ref, res, running, suffix, write, Events};

/// A pod of `owner` from its template, with extra labels.
fn pod_from(owner: &Value, kind: &str, api_version: &str, name: &str, labels: &[(&str, String)]) -> Value {
    let template = &owner["spec"]["template"];
    let mut m = if template["metadata"].is_object() { template["metadata"].clone() } else { json!({}) };
    for (k, v) in labels {
        m["labels"][*k] = json!(v);
    }
    m["name"] = json!(name);
    m["namespace"] = json!(meta(owner, "namespace"));
    m["ownerReferences"] = owner_ref(kind, api_version, owner);
    m["uid"] = json!(new_uid());
    let mut pod = json!({"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": template["spec"].clone()});
    super::defaults::apply(res("", "pods"), &mut pod, None);
    pod
}

/// A Job's pod: the simulated kubelet runs it to completion (see `program`).
fn succeeded(pod: Value) -> Value {
    running(pod)
}

pub(super) fn jobs(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (job_r, pods_r) = (res("batch", "jobs"), res("", "pods"));
    let pods = list(state, pods_r);
    let mut updates = Vec::new();
    for job in list(state, job_r).into_iter().filter(super::gc::active) {
        let (uid, name) = (meta(&job, "uid").to_string(), meta(&job, "name").to_string());
        let mut job2 = Value::clone(&job);
        // The selector and labels the apiserver gives every Job.
        if job["spec"]["selector"].is_null() {
            job2["spec"]["selector"] = json!({"matchLabels": {"controller-uid": uid}});
            job2["spec"]["template"]["metadata"]["labels"]["controller-uid"] = json!(uid);
            job2["spec"]["template"]["metadata"]["labels"]["job-name"] = json!(name);
        }
        if job["status"]["completionTime"].is_string() {
            if job2 != *job {
                updates.push(job2);
            }
            continue;
        }
        if job["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Failed" && c["status"] == "True") {
            continue;
        }
        let want = job["spec"]["completions"].as_i64().unwrap_or(1).max(0) as usize;
        let mine = owned_by(&pods, &uid);
        let done = mine.iter().filter(|p| p["status"]["phase"] == "Succeeded").count();
        let failed = mine.iter().filter(|p| p["status"]["phase"] == "Failed").count();
        let active = mine.iter().filter(|p| !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))).count();
        if let Some(failed_job) = super::job_backoff::check(state, &job2, &mine, events)? {
            updates.push(failed_job);
            continue;
        }
        let mut create = Vec::new();
        for _ in (mine.len() - failed)..want {
            let pod_name = format!("{name}-{}", suffix());
            let labels = [("controller-uid", uid.clone()), ("job-name", name.clone())];
            events.add(&job, ("Job", "batch/v1"), "SuccessfulCreate", format!("Created pod: {pod_name}"), "job-controller", None);
            let pod = succeeded(pod_from(&job2, "Job", "batch/v1", &pod_name, &labels));
            events.pod_started(&pod);
            create.push(pod);
        }
        let create_count = create.len();
        write(state, pods_r, create, vec![])?;
        let now = now_rfc3339();
        let start = job["status"]["startTime"].as_str().map(String::from).unwrap_or_else(|| now.clone());
        let mut status = json!({"startTime": start});
        let running = active + create_count;
        if running > 0 && done < want {
            status["active"] = json!(running);
        }
        if done > 0 {
            status["succeeded"] = json!(done);
        }
        if failed > 0 {
            status["failed"] = json!(failed);
        }
        if done >= want {
            status["completionTime"] = json!(now);
            status["conditions"] = json!([{"type": "Complete", "status": "True", "lastProbeTime": now, "lastTransitionTime": now}]);
            events.add(&job, ("Job", "batch/v1"), "Completed", "Job completed".into(), "job-controller", None);
        }
        job2["status"] = status;
        if job2 != *job {
            updates.push(job2);
        }
    }
    write(state, job_r, updates, vec![])
}

pub const STORAGE_CLASS: &str = "standard";

/// The default StorageClass every cluster starts with.
pub fn storage_class(rv: u64) -> Value {
    json!({
        "kind": "StorageClass", "apiVersion": "storage.k8s.io/v1",
        "metadata": {"name": STORAGE_CLASS, "uid": new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now_rfc3339(),
                     "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "kctl.local/simulated", "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate",
    })
}

/// The provisioner of the default class: each pending claim gets a volume of
/// the size it asks for, bound at once; a released volume is deleted.
pub(super) fn volumes(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (pvc_r, pv_r) = (res("", "persistentvolumeclaims"), res("", "persistentvolumes"));
    let pvs = list(state, pv_r);
    let mut new_pvs = Vec::new();
    let mut bound = Vec::new();
    let claims = list(state, pvc_r);
    for pvc in &claims {
        if pvc["status"]["phase"] == "Bound" || pvc["spec"]["storageClassName"] != STORAGE_CLASS {
            continue;
        }
        let pv_name = format!("pvc-{}", meta(pvc, "uid"));
        let size = pvc["spec"]["resources"]["requests"]["storage"].clone();
        let modes = pvc["spec"]["accessModes"].clone();
        if !pvs.iter().any(|p| meta(p, "name") == pv_name) {
            new_pvs.push(json!({
                "kind": "PersistentVolume", "apiVersion": "v1",
                "metadata": {"name": pv_name, "annotations": {"pv.kubernetes.io/provisioned-by": "kctl.local/simulated"}},
                "spec": {
                    "capacity": {"storage": size}, "accessModes": modes, "persistentVolumeReclaimPolicy": "Delete",
                    "storageClassName": STORAGE_CLASS, "volumeMode": pvc["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
                    "hostPath": {"path": format!("/kctl-local/volumes/{pv_name}"), "type": ""},
                    "claimRef": {"kind": "PersistentVolumeClaim", "namespace": meta(pvc, "namespace"), "name": meta(pvc, "name"), "uid": meta(pvc, "uid"), "apiVersion": "v1"},
                },
                "status": {"phase": "Bound"},
            }));
        }
        events.add(pvc, ("PersistentVolumeClaim", "v1"), "ProvisioningSucceeded", format!("Successfully provisioned volume {pv_name}"), "kctl.local/simulated", None);
        let mut n = Value::clone(pvc);
        n["spec"]["volumeName"] = json!(pv_name);
        n["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = json!("yes");
        n["status"] = json!({"phase": "Bound", "accessModes": modes, "capacity": {"storage": size}});
        bound.push(n);
    }
    write(state, pv_r, new_pvs, vec![])?;
    write(state, pvc_r, bound, vec![])?;
    let released: Vec<String> = pvs
        .iter()
        .filter(|p| p["spec"]["persistentVolumeReclaimPolicy"] == "Delete" && p["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "kctl.local/simulated")
        .filter(|p| !claims.iter().any(|c| meta(c, "uid") == p["spec"]["claimRef"]["uid"].as_str().unwrap_or("")))
        .map(|p| pv_r.key("", meta(p, "name")))
        .collect();
    write(state, pv_r, vec![], released)
}

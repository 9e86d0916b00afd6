//! The StatefulSet controller, after v1.20's: ordered pods `name-0..n-1`
//! (OrderedReady waits for each to be Running and Ready; Parallel does not),
//! PVCs from `volumeClaimTemplates`, ControllerRevisions, RollingUpdate from
//! the highest ordinal down to `partition` one pod at a time, OnDelete, and the
//! status (currentRevision/updateRevision, current/updated/ready replicas).

use serde_json::{json, Value};

use super::controllers::{is_ready, list, meta, owned_by, owner_ref, res, running, strip_zero, write, Events};
use super::history::{self, Flavour};
use super::workloads::STORAGE_CLASS;

const REVISION_LABEL: &str = "controller-revision-hash";

fn ordinal(sts_name: &str, pod: &Value) -> Option<usize> {
    meta(pod, "name").strip_prefix(sts_name)?.strip_prefix('-')?.parse().ok()
}

fn running_and_ready(p: &Value) -> bool {
    p["status"]["phase"] == "Running" && is_ready(p) && p["metadata"]["deletionTimestamp"].is_null()
}

fn revision_of(p: &Value) -> &str {
    p["metadata"]["labels"][REVISION_LABEL].as_str().unwrap_or("")
}

fn new_pod(sts: &Value, template: &Value, ord: usize, revision: &str) -> Value {
    let name = format!("{}-{ord}", meta(sts, "name"));
    let mut m = if template["metadata"].is_object() { template["metadata"].clone() } else { json!({}) };
    if let Some(o) = m.as_object_mut() {
        o.remove("creationTimestamp");
    }
    m["labels"][REVISION_LABEL] = json!(revision);
    m["labels"]["statefulset.kubernetes.io/pod-name"] = json!(name);
    m["name"] = json!(name);
    m["generateName"] = json!(format!("{}-", meta(sts, "name")));
    m["namespace"] = json!(meta(sts, "namespace"));
    m["ownerReferences"] = owner_ref("StatefulSet", "apps/v1", sts);
    m["uid"] = json!(super::api::new_uid());
    let mut spec = template["spec"].clone();
    if let Some(svc) = sts["spec"]["serviceName"].as_str().filter(|s| !s.is_empty()) {
        spec["hostname"] = json!(name);
        spec["subdomain"] = json!(svc);
    }
    // Claims from volumeClaimTemplates replace same-named volumes.
    for t in sts["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten() {
        let vname = meta(t, "name");
        let claim = json!({"name": vname, "persistentVolumeClaim": {"claimName": format!("{vname}-{name}")}});
        let vols = spec["volumes"].as_array_mut();
        match vols {
            Some(v) => {
                v.retain(|x| x["name"] != vname);
                v.push(claim);
            }
            None => spec["volumes"] = json!([claim]),
        }
    }
    let mut pod = json!({"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": spec});
    super::defaults::apply(res("", "pods"), &mut pod, None);
    pod
}

pub(super) fn statefulsets(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (sts_r, pods_r, pvc_r, cr_r) = (res("apps", "statefulsets"), res("", "pods"), res("", "persistentvolumeclaims"), history::revisions_res());
    let sets = list(state, sts_r);
    if sets.is_empty() {
        return Ok(());
    }
    let pods = list(state, pods_r);
    let pvcs = list(state, pvc_r);
    let all_revs = list(state, cr_r);
    let mut statuses = Vec::new();
    for sts in sets {
        if !sts["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let (ns, name) = (meta(&sts, "namespace").to_string(), meta(&sts, "name").to_string());
        let want = sts["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
        let monotonic = sts["spec"]["podManagementPolicy"] != "Parallel";
        let strategy = sts["spec"]["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate");
        let partition = sts["spec"]["updateStrategy"]["rollingUpdate"]["partition"].as_i64();

        let flavour = Flavour { kind: "StatefulSet", hash_label: "controller.kubernetes.io/hash" };
        let owned: Vec<Value> = owned_by(&all_revs, meta(&sts, "uid")).into_iter().cloned().collect();
        let synced = history::sync(&sts, owned, &flavour);
        let update = synced.revisions[synced.update].clone();
        let update_name = meta(&update, "name").to_string();
        let current = synced
            .revisions
            .iter()
            .find(|r| sts["status"]["currentRevision"].as_str() == Some(meta(r, "name")))
            .cloned()
            .unwrap_or_else(|| update.clone());
        let current_name = meta(&current, "name").to_string();
        write(state, cr_r, synced.writes, vec![])?;

        // The pods after this pass: what exists, minus deletions, plus creations.
        let mut mine: Vec<Value> = owned_by(&pods, meta(&sts, "uid")).into_iter().cloned().collect();
        let (mut create, mut delete, mut claims) = (Vec::new(), Vec::new(), Vec::new());
        let mut done = false;
        let deleted = |p: &Value, events: &mut Events, delete: &mut Vec<String>| {
            events.add(&sts, ("StatefulSet", "apps/v1"), "SuccessfulDelete", format!("delete Pod {} in StatefulSet {name} successful", meta(p, "name")), "statefulset-controller", None);
            delete.push(pods_r.key(&ns, meta(p, "name")));
        };
        for ord in 0..want {
            let pod_name = format!("{name}-{ord}");
            match mine.iter().find(|p| meta(p, "name") == pod_name) {
                Some(p) if p["status"]["phase"] == "Failed" => {
                    deleted(p, events, &mut delete);
                    done |= monotonic;
                }
                Some(p) => {
                    if monotonic && !running_and_ready(p) {
                        done = true;
                    }
                }
                None => {
                    for t in sts["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten() {
                        let claim = format!("{}-{pod_name}", meta(t, "name"));
                        let exists = pvcs.iter().map(|p| &**p).chain(claims.iter()).any(|p| meta(p, "namespace") == ns && meta(p, "name") == claim);
                        if !exists {
                            claims.push(claim_from(&sts, t, &claim));
                            events.add(&sts, ("StatefulSet", "apps/v1"), "SuccessfulCreate", format!("create Claim {claim} Pod {pod_name} in StatefulSet {name} success"), "statefulset-controller", None);
                        }
                    }
                    // Below the partition, pods keep the current revision.
                    let at_current = strategy == "RollingUpdate" && partition.is_some_and(|p| (ord as i64) < p);
                    let (template, rev) = if at_current { (history::template_of(&current), &current_name) } else { (sts["spec"]["template"].clone(), &update_name) };
                    events.add(&sts, ("StatefulSet", "apps/v1"), "SuccessfulCreate", format!("create Pod {pod_name} in StatefulSet {name} successful"), "statefulset-controller", None);
                    let pod = running(new_pod(&sts, &template, ord, rev));
                    events.pod_started(&pod);
                    create.push(pod);
                    done |= monotonic;
                }
            }
            if done {
                break;
            }
        }
        // Condemned pods (ordinals past the end), highest first.
        if !done {
            let mut condemned: Vec<&Value> = mine.iter().filter(|p| ordinal(&name, p).is_none_or(|o| o >= want)).collect();
            condemned.sort_by_key(|p| std::cmp::Reverse(ordinal(&name, p)));
            for p in condemned {
                if monotonic && !p["metadata"]["deletionTimestamp"].is_null() {
                    done = true;
                    break;
                }
                deleted(p, events, &mut delete);
                if monotonic {
                    done = true;
                    break;
                }
            }
        }
        // RollingUpdate: the highest out-of-date ordinal at or above the
        // partition goes, once the ones above it are healthy.
        if !done && strategy == "RollingUpdate" {
            let min = partition.unwrap_or(0).max(0) as usize;
            for ord in (min..want).rev() {
                let Some(p) = mine.iter().find(|p| ordinal(&name, p) == Some(ord)) else { break };
                if revision_of(p) != update_name && p["metadata"]["deletionTimestamp"].is_null() {
                    deleted(p, events, &mut delete);
                    break;
                }
                if !running_and_ready(p) {
                    break;
                }
            }
        }
        write(state, pvc_r, claims, vec![])?;
        // As v1.20 counts: the pods at the start of the sync plus the ones it
        // created; a deleted pod still counts until the next sync.
        mine.extend(create.iter().cloned());
        write(state, pods_r, create, delete)?;

        let count = |f: &dyn Fn(&Value) -> bool| mine.iter().filter(|p| f(p)).count();
        let ready = count(&running_and_ready);
        let mut current_n = count(&|p| revision_of(p) == current_name && p["metadata"]["deletionTimestamp"].is_null());
        let updated = count(&|p| revision_of(p) == update_name && p["metadata"]["deletionTimestamp"].is_null());
        let mut current_rev = current_name.clone();
        if strategy == "RollingUpdate" && updated == want && ready == want {
            current_rev = update_name.clone();
            current_n = updated;
        }
        let mut status = strip_zero(json!({
            "observedGeneration": sts["metadata"]["generation"], "replicas": mine.len(), "readyReplicas": ready,
            "currentReplicas": current_n, "updatedReplicas": updated,
        }));
        status["currentRevision"] = json!(current_rev);
        status["updateRevision"] = json!(update_name);
        status["collisionCount"] = sts["status"]["collisionCount"].as_i64().map(|c| json!(c)).unwrap_or(json!(0));
        let mut live: Vec<String> = mine.iter().map(|p| revision_of(p).to_string()).collect();
        live.extend([current_rev, update_name]);
        write(state, cr_r, vec![], history::truncate(&sts, &synced.revisions, &live))?;
        if sts["status"] != status {
            let mut n = Value::clone(&sts);
            n["status"] = status;
            statuses.push(n);
        }
    }
    write(state, sts_r, statuses, vec![])
}

fn claim_from(sts: &Value, t: &Value, claim: &str) -> Value {
    let mut pvc = json!({"kind": "PersistentVolumeClaim", "apiVersion": "v1", "metadata": t["metadata"].clone(), "spec": t["spec"].clone(), "status": {"phase": "Pending"}});
    pvc["metadata"]["name"] = json!(claim);
    pvc["metadata"]["namespace"] = json!(meta(sts, "namespace"));
    pvc["metadata"]["labels"] = sts["spec"]["selector"]["matchLabels"].clone();
    if pvc["spec"]["storageClassName"].is_null() {
        pvc["spec"]["storageClassName"] = json!(STORAGE_CLASS);
    }
    if pvc["spec"]["volumeMode"].is_null() {
        pvc["spec"]["volumeMode"] = json!("Filesystem");
    }
    pvc
}

use super::api::State;

//! The DaemonSet controller, after v1.20's: one pod per eligible node (its
//! nodeSelector, and the taints it does not tolerate), pinned there by node
//! affinity with the tolerations the real controller adds; ControllerRevisions
//! (`controller-revision-hash`, `pod-template-generation`); RollingUpdate
//! within `maxUnavailable`, OnDelete; and the status counts.

use std::sync::Arc;

use serde_json::{json, Value};

use super::api::State;
use super::controllers::{is_ready, list, meta, owned_by, owner_ref, res, running, suffix, write, Events, NODE};
use super::deployment::{available, scaled};
use super::history::{self, Flavour};

const HASH_LABEL: &str = "controller-revision-hash";
const GENERATION_LABEL: &str = "pod-template-generation";
const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// The apiserver's template generation, kept in an annotation in apps/v1:
/// 1 at creation, one more on each change of the pod template.
pub(super) fn template_generation(ds: &mut Value, old: Option<&Value>) {
    let prev = old.and_then(|o| o["metadata"]["annotations"][TEMPLATE_GENERATION].as_str()).and_then(|s| s.parse::<i64>().ok());
    let generation = match (old, prev) {
        (Some(o), Some(p)) if o["spec"]["template"] == ds["spec"]["template"] => p,
        (Some(_), Some(p)) => p + 1,
        _ => 1,
    };
    if !ds["metadata"]["annotations"].is_object() {
        ds["metadata"]["annotations"] = json!({});
    }
    ds["metadata"]["annotations"][TEMPLATE_GENERATION] = json!(generation.to_string());
}

fn generation_of(ds: &Value) -> String {
    ds["metadata"]["annotations"][TEMPLATE_GENERATION].as_str().map(String::from).unwrap_or_else(|| ds["metadata"]["generation"].as_i64().unwrap_or(1).to_string())
}

fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    tolerations.iter().any(|t| {
        let effect_ok = t["effect"].as_str().is_none_or(|e| e.is_empty() || taint["effect"] == e);
        let key_ok = t["key"].as_str().is_none_or(|k| k.is_empty()) || t["key"] == taint["key"];
        let value_ok = t["operator"] == "Exists" || t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("");
        effect_ok && key_ok && value_ok
    })
}

/// The tolerations every daemon pod gets from the controller.
fn daemon_tolerations(spec: &mut Value) {
    let mut tol = spec["tolerations"].as_array().cloned().unwrap_or_default();
    let mut add = |key: &str, effect: &str| {
        if !tol.iter().any(|t| t["key"] == key && t["effect"] == effect) {
            tol.push(json!({"key": key, "operator": "Exists", "effect": effect}));
        }
    };
    add("node.kubernetes.io/not-ready", "NoExecute");
    add("node.kubernetes.io/unreachable", "NoExecute");
    add("node.kubernetes.io/disk-pressure", "NoSchedule");
    add("node.kubernetes.io/memory-pressure", "NoSchedule");
    add("node.kubernetes.io/pid-pressure", "NoSchedule");
    add("node.kubernetes.io/unschedulable", "NoSchedule");
    if spec["hostNetwork"] == true {
        add("node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    spec["tolerations"] = json!(tol);
}

fn should_run(ds: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    let selected = ds["spec"]["template"]["spec"]["nodeSelector"].as_object().into_iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let mut spec = ds["spec"]["template"]["spec"].clone();
    daemon_tolerations(&mut spec);
    let tol = spec["tolerations"].as_array().cloned().unwrap_or_default();
    let tolerated = node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["effect"] == "NoSchedule" || t["effect"] == "NoExecute")
        .all(|t| tolerates(&tol, t));
    selected && tolerated
}

fn node_of(p: &Value) -> &str {
    p["spec"]["nodeName"].as_str().unwrap_or("")
}

fn new_pod(ds: &Value, node: &str, hash: &str) -> Value {
    let template = &ds["spec"]["template"];
    let mut m = if template["metadata"].is_object() { template["metadata"].clone() } else { json!({}) };
    if let Some(o) = m.as_object_mut() {
        o.remove("creationTimestamp");
    }
    let name = format!("{}-{}", meta(ds, "name"), suffix());
    m["labels"][HASH_LABEL] = json!(hash);
    m["labels"][GENERATION_LABEL] = json!(generation_of(ds));
    m["name"] = json!(name);
    m["generateName"] = json!(format!("{}-", meta(ds, "name")));
    m["namespace"] = json!(meta(ds, "namespace"));
    m["ownerReferences"] = owner_ref("DaemonSet", "apps/v1", ds);
    m["uid"] = json!(super::api::new_uid());
    let mut spec = template["spec"].clone();
    daemon_tolerations(&mut spec);
    spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
        json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]});
    let mut pod = json!({"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": spec});
    super::defaults::apply(res("", "pods"), &mut pod, None);
    let mut pod = running(pod);
    pod["spec"]["nodeName"] = json!(node);
    pod
}

pub(super) fn daemonsets(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (ds_r, pods_r, cr_r) = (res("apps", "daemonsets"), res("", "pods"), history::revisions_res());
    let sets = list(state, ds_r);
    if sets.is_empty() {
        return Ok(());
    }
    let pods = list(state, pods_r);
    let all_revs = list(state, cr_r);
    let mut nodes = list(state, res("", "nodes"));
    if nodes.is_empty() {
        nodes.push(Arc::new(json!({"metadata": {"name": NODE, "labels": {}}})));
    }
    let mut statuses = Vec::new();
    for ds in sets {
        if !ds["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let (ns, name) = (meta(&ds, "namespace").to_string(), meta(&ds, "name").to_string());
        let flavour = Flavour { kind: "DaemonSet", hash_label: HASH_LABEL };
        let owned: Vec<Value> = owned_by(&all_revs, meta(&ds, "uid")).into_iter().cloned().collect();
        let synced = history::sync(&ds, owned, &flavour);
        let hash = synced.revisions[synced.update]["metadata"]["labels"][HASH_LABEL].as_str().unwrap_or("").to_string();
        write(state, cr_r, synced.writes, vec![])?;
        let min_ready = ds["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
        let mut mine: Vec<Value> = owned_by(&pods, meta(&ds, "uid")).into_iter().cloned().collect();
        mine.sort_by(|a, b| meta(a, "creationTimestamp").cmp(meta(b, "creationTimestamp")).then(meta(a, "name").cmp(meta(b, "name"))));
        let is_new = |p: &Value| p["metadata"]["labels"][HASH_LABEL] == hash.as_str();
        let (mut create, mut delete) = (Vec::new(), Vec::<String>::new());
        let remove = |p: &Value, events: &mut Events, delete: &mut Vec<String>| {
            let key = pods_r.key(&ns, meta(p, "name"));
            if !delete.contains(&key) {
                events.add(&ds, ("DaemonSet", "apps/v1"), "SuccessfulDelete", format!("Deleted pod: {}", meta(p, "name")), "daemonset-controller", None);
                delete.push(key);
            }
        };
        let eligible: Vec<&str> = nodes.iter().filter(|n| should_run(&ds, n)).map(|n| meta(n, "name")).collect();
        let desired = eligible.len();
        let mut misscheduled = 0;
        // Placement: a pod on each eligible node, none elsewhere.
        for node in &nodes {
            let node_name = meta(node, "name");
            let on_node: Vec<&Value> = mine.iter().filter(|p| node_of(p) == node_name).collect();
            let here: Vec<&Value> = on_node.iter().copied().filter(|p| p["metadata"]["deletionTimestamp"].is_null()).collect();
            if !eligible.contains(&node_name) {
                misscheduled += usize::from(!here.is_empty());
                for p in here {
                    remove(p, events, &mut delete);
                }
                continue;
            }
            // Failed pods are replaced; a terminating one is waited for.
            let (failed, alive): (Vec<&Value>, Vec<&Value>) = here.into_iter().partition(|p| p["status"]["phase"] == "Failed");
            for p in failed {
                remove(p, events, &mut delete);
            }
            if on_node.is_empty() {
                let pod = new_pod(&ds, node_name, &hash);
                events.add(&ds, ("DaemonSet", "apps/v1"), "SuccessfulCreate", format!("Created pod: {}", meta(&pod, "name")), "daemonset-controller", None);
                events.pod_started(&pod);
                create.push(pod);
            }
            for p in alive.iter().skip(1) {
                remove(p, events, &mut delete);
            }
        }
        // RollingUpdate: out-of-date pods go, unavailable ones first, while no
        // more than maxUnavailable nodes lack an available pod.
        if ds["spec"]["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate" {
            let max_unavailable = scaled(&ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"], desired as i64, true).max(0) as usize;
            let mut unavailable = 0;
            let mut old_available = Vec::new();
            for node in &eligible {
                let here: Vec<&Value> = mine.iter().filter(|p| node_of(p) == *node && p["metadata"]["deletionTimestamp"].is_null()).collect();
                let ok = here.first().is_some_and(|p| available(&[p], min_ready) == 1);
                if !ok {
                    unavailable += 1;
                }
                if let Some(p) = here.first().filter(|p| !is_new(p)) {
                    if ok {
                        old_available.push(*p);
                    } else {
                        remove(p, events, &mut delete);
                    }
                }
            }
            for p in old_available {
                if unavailable >= max_unavailable {
                    break;
                }
                remove(p, events, &mut delete);
                unavailable += 1;
            }
        }
        mine.retain(|p| !delete.contains(&pods_r.key(&ns, meta(p, "name"))));
        mine.extend(create.iter().cloned());
        write(state, pods_r, create, delete)?;

        let on_eligible: Vec<&Value> = mine.iter().filter(|p| eligible.contains(&node_of(p))).collect();
        let scheduled = eligible.iter().filter(|n| on_eligible.iter().any(|p| node_of(p) == **n)).count();
        let ready = on_eligible.iter().filter(|p| is_ready(p)).count();
        let updated: Vec<&Value> = on_eligible.iter().copied().filter(|p| is_new(p)).collect();
        let avail = available(&on_eligible, min_ready);
        let mut status = json!({
            "currentNumberScheduled": scheduled, "numberMisscheduled": misscheduled, "desiredNumberScheduled": desired, "numberReady": ready,
            "observedGeneration": ds["metadata"]["generation"],
        });
        if !updated.is_empty() {
            status["updatedNumberScheduled"] = json!(updated.len());
        }
        if avail > 0 {
            status["numberAvailable"] = json!(avail);
        }
        if desired > avail {
            status["numberUnavailable"] = json!(desired - avail);
        }
        if let Some(c) = ds["status"].get("collisionCount") {
            status["collisionCount"] = c.clone();
        }
        let mut live: Vec<String> = mine.iter().filter_map(|p| p["metadata"]["labels"][HASH_LABEL].as_str()).map(|h| format!("{name}-{h}")).collect();
        live.push(format!("{name}-{hash}"));
        write(state, cr_r, vec![], history::truncate(&ds, &synced.revisions, &live))?;
        if ds["status"] != status {
            let mut n = Value::clone(&ds);
            n["status"] = status;
            statuses.push(n);
        }
    }
    write(state, ds_r, statuses, vec![])
}

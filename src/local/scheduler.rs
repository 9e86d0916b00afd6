//! The scheduler of `kctl local`: binds pending pods to the simulated nodes as
//! the v1.20 default scheduler's filters would (first failing filter per node:
//! NodeUnschedulable, TaintToleration, NodeAffinity (nodeSelector and required
//! node affinity), NodeResourcesFit), preferring the least-requested node.
//! Pods that fit nowhere stay Pending with `PodScheduled=False/Unschedulable`
//! and a FailedScheduling event worded like the real one. Also serves
//! `POST pods/NAME/binding`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{json, Value};

use super::api::{ApiError, Req, State, Target};
use super::controllers::meta;
use super::store::Op;

const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// What a node has left: allocatable minus the requests of the pods on it.
#[derive(Clone, Debug)]
pub(super) struct Room {
    pub name: String,
    cpu: f64,
    memory: f64,
    pods: f64,
}

/// In whole units, exact to the thousandth (the scheduler counts cpu in
/// millicores).
fn quantity(v: &Value) -> f64 {
    crate::quantity::from_json(v).milli_value() as f64 / 1000.0
}

/// The pod's (cpu, memory) requests: the sum over containers, or the largest
/// init container's when bigger. A limit without a request counts as the
/// request, as the apiserver's defaulting makes it.
pub(super) fn requests(pod: &Value) -> (f64, f64) {
    let one = |c: &Value, r: &str| {
        let req = &c["resources"]["requests"][r];
        quantity(if req.is_null() { &c["resources"]["limits"][r] } else { req })
    };
    let sum = |field: &str, r: &str| pod["spec"][field].as_array().into_iter().flatten().map(|c| one(c, r)).sum::<f64>();
    let max = |field: &str, r: &str| pod["spec"][field].as_array().into_iter().flatten().map(|c| one(c, r)).fold(0.0, f64::max);
    (sum("containers", "cpu").max(max("initContainers", "cpu")), sum("containers", "memory").max(max("initContainers", "memory")))
}

/// Pods that occupy their node's resources.
pub(super) fn occupies(pod: &Value) -> bool {
    !matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

pub(super) fn rooms<P: std::borrow::Borrow<Value>>(nodes: &[Value], pods: &[P]) -> Vec<Room> {
    let mut rooms: Vec<Room> = nodes
        .iter()
        .map(|n| {
            let a = &n["status"]["allocatable"];
            Room { name: meta(n, "name").to_string(), cpu: quantity(&a["cpu"]), memory: quantity(&a["memory"]), pods: quantity(&a["pods"]) }
        })
        .collect();
    let by_name: HashMap<String, usize> = rooms.iter().enumerate().map(|(i, r)| (r.name.clone(), i)).collect();
    for p in pods.iter().map(|p| p.borrow()).filter(|p| occupies(p)) {
        if let Some(&i) = p["spec"]["nodeName"].as_str().and_then(|n| by_name.get(n)) {
            let (cpu, mem) = requests(p);
            rooms[i].cpu -= cpu;
            rooms[i].memory -= mem;
            rooms[i].pods -= 1.0;
        }
    }
    rooms
}

pub(super) fn tolerates(pod: &Value, taint: &Value) -> bool {
    pod["spec"]["tolerations"].as_array().into_iter().flatten().any(|t| {
        let effect_ok = t["effect"].as_str().unwrap_or("").is_empty() || t["effect"] == taint["effect"];
        let key = t["key"].as_str().unwrap_or("");
        let key_ok = key.is_empty() || key == taint["key"].as_str().unwrap_or("");
        let value_ok = match t["operator"].as_str().unwrap_or("Equal") {
            "Exists" => true,
            _ => t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or(""),
        };
        // An empty key with Exists tolerates everything.
        effect_ok && key_ok && value_ok && !(key.is_empty() && t["operator"] != "Exists")
    })
}

fn labels_match_expr(labels: &Value, e: &Value) -> bool {
    let v = labels[e["key"].as_str().unwrap_or("")].as_str();
    let values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let num = |s: &str| s.parse::<i64>().ok();
    match e["operator"].as_str().unwrap_or("") {
        "In" => v.is_some_and(|v| values.contains(&v)),
        "NotIn" => !v.is_some_and(|v| values.contains(&v)),
        "Exists" => v.is_some(),
        "DoesNotExist" => v.is_none(),
        "Gt" => v.and_then(num).zip(values.first().and_then(|s| num(s))).is_some_and(|(a, b)| a > b),
        "Lt" => v.and_then(num).zip(values.first().and_then(|s| num(s))).is_some_and(|(a, b)| a < b),
        _ => false,
    }
}

fn matches_affinity(pod: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    let selector_ok = pod["spec"]["nodeSelector"].as_object().into_iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    let affinity_ok = match terms.as_array() {
        Some(terms) => terms.iter().any(|t| {
            let exprs = t["matchExpressions"].as_array().into_iter().flatten().all(|e| labels_match_expr(labels, e));
            let fields = t["matchFields"].as_array().into_iter().flatten().all(|e| labels_match_expr(&json!({"metadata.name": meta(node, "name")}), e));
            exprs && fields
        }),
        None => true,
    };
    selector_ok && affinity_ok
}

/// Why `pod` cannot go to `node` (the first failing filter's reasons), or
/// nothing when it fits.
fn misfit(pod: &Value, node: &Value, room: &Room) -> Vec<String> {
    if node["spec"]["unschedulable"] == true
        && !tolerates(pod, &json!({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}))
    {
        return vec!["node(s) were unschedulable".into()];
    }
    let untolerated = node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")))
        .find(|t| !tolerates(pod, t));
    if let Some(t) = untolerated {
        return vec![format!("node(s) had taint {{{}: {}}}, that the pod didn't tolerate", t["key"].as_str().unwrap_or(""), t["value"].as_str().unwrap_or(""))];
    }
    if !matches_affinity(pod, node) {
        return vec!["node(s) didn't match Pod's node affinity".into()];
    }
    let mut out = Vec::new();
    if room.pods < 1.0 {
        out.push("Too many pods".to_string());
    }
    let (cpu, mem) = requests(pod);
    if cpu > 0.0 && cpu > room.cpu + 1e-9 {
        out.push("Insufficient cpu".into());
    }
    if mem > 0.0 && mem > room.memory + 0.5 {
        out.push("Insufficient memory".into());
    }
    out
}

/// The node for `pod`, or the FailedScheduling message. Charges the chosen
/// node's room.
pub(super) fn place(pod: &Value, nodes: &[Value], rooms: &mut [Room]) -> Result<String, String> {
    if nodes.is_empty() {
        return Err("no nodes available to schedule pods".into());
    }
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut best: Option<(f64, usize)> = None;
    for (i, node) in nodes.iter().enumerate() {
        let why = misfit(pod, node, &rooms[i]);
        if why.is_empty() {
            // Least requested first, then spread by pod count; ties go to the lower index.
            let score = rooms[i].pods + rooms[i].cpu * 100.0;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, i));
            }
        }
        for r in why {
            *reasons.entry(r).or_default() += 1;
        }
    }
    match best {
        Some((_, i)) => {
            let (cpu, mem) = requests(pod);
            rooms[i].cpu -= cpu;
            rooms[i].memory -= mem;
            rooms[i].pods -= 1.0;
            Ok(rooms[i].name.clone())
        }
        None => {
            let mut parts: Vec<String> = reasons.into_iter().map(|(r, n)| format!("{n} {r}")).collect();
            parts.sort();
            Err(format!("0/{} nodes are available: {}.", nodes.len(), parts.join(", ")))
        }
    }
}

/// A NoExecute taint of `node` that `pod` does not tolerate (the taint
/// manager evicts such pods; tolerationSeconds are not counted down).
pub(super) fn evicting_taint<'a>(pod: &Value, node: &'a Value) -> Option<&'a Value> {
    node["spec"]["taints"].as_array().into_iter().flatten().find(|t| t["effect"] == "NoExecute" && !tolerates(pod, t))
}

/// The PodScheduled condition the scheduler leaves on a pod it could not place.
pub(super) fn unschedulable(pod: &mut Value, message: &str, now: &str) {
    let conds = pod["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let mut c: Vec<Value> = conds.into_iter().filter(|c| c["type"] != "PodScheduled").collect();
    c.push(json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null, "lastTransitionTime": now, "reason": "Unschedulable", "message": message}));
    pod["status"]["conditions"] = Value::Array(c);
    pod["status"]["phase"] = json!("Pending");
}

/// The cordon taint the node lifecycle controller keeps in step with
/// `spec.unschedulable`; `None` when the node is already right.
pub(super) fn cordon_taint(node: &Value) -> Option<Value> {
    let taints: Vec<Value> = node["spec"]["taints"].as_array().cloned().unwrap_or_default();
    let has = taints.iter().any(|t| t["key"] == UNSCHEDULABLE_TAINT);
    let want = node["spec"]["unschedulable"] == true;
    if has == want {
        return None;
    }
    let mut n = node.clone();
    let mut taints: Vec<Value> = taints.into_iter().filter(|t| t["key"] != UNSCHEDULABLE_TAINT).collect();
    if want {
        taints.push(json!({"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule", "timeAdded": super::api::now_rfc3339()}));
    }
    if taints.is_empty() {
        n["spec"].as_object_mut().unwrap().remove("taints");
    } else {
        n["spec"]["taints"] = Value::Array(taints);
    }
    Some(n)
}

/// `POST pods/NAME/binding`: sets the pod's node, as the apiserver's binding
/// storage does (201 with a Success Status; 409 once a pod is bound).
pub fn bind(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<hyper::Response<super::api::Body>, ApiError> {
    let body: Value = serde_json::from_slice(&req.body).map_err(|e| ApiError::bad_request(format!("the body of the request could not be decoded: {e}")))?;
    let node = body["target"]["name"].as_str().unwrap_or("").to_string();
    if node.is_empty() {
        return Err(ApiError::new(500, "InternalError", "Internal error occurred: target.Name: Required value"));
    }
    let key = t.res.key(&t.namespace, name);
    let dry = req.dry_run();
    state
        .store
        .commit(|objects, rv| {
            let pod = objects.get(&key).ok_or_else(|| ApiError::not_found(t.res, name))?;
            if pod["metadata"]["deletionTimestamp"].is_string() {
                return Err(ApiError::new(409, "Conflict", format!("Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is being deleted, cannot be assigned to a host")));
            }
            if let Some(cur) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
                return Err(ApiError::new(409, "Conflict", format!("Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{cur}\"")));
            }
            if dry {
                return Ok(vec![]);
            }
            let mut p = Value::clone(pod);
            p["spec"]["nodeName"] = json!(node);
            let now = super::api::now_rfc3339();
            let conds = p["status"]["conditions"].as_array().cloned().unwrap_or_default();
            let mut c: Vec<Value> = conds.into_iter().filter(|c| c["type"] != "PodScheduled").collect();
            c.push(json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
            p["status"]["conditions"] = Value::Array(c);
            p["metadata"]["resourceVersion"] = json!(rv.to_string());
            Ok(vec![Op { key: key.clone(), object: Some(p) }])
        })??;
    Ok(super::api::json_response(201, &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, extra: Value) -> Value {
        let mut n = json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}}, "spec": {},
                           "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"}}});
        if let Some(m) = extra.as_object() {
            for (k, v) in m {
                n["spec"][k] = v.clone();
            }
        }
        n
    }

    #[test]
    fn message_counts_reasons_like_the_real_scheduler() {
        let nodes = vec![
            node("a", json!({})),
            node("b", json!({"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]})),
            node("c", json!({"unschedulable": true})),
        ];
        let pod = json!({"spec": {"containers": [{"name": "x", "resources": {"requests": {"cpu": "3"}}}]}});
        let mut rooms = rooms::<Value>(&nodes, &[]);
        assert_eq!(
            place(&pod, &nodes, &mut rooms).unwrap_err(),
            "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, 1 node(s) were unschedulable."
        );
        let pod = json!({"spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "x"}]}});
        assert_eq!(place(&pod, &nodes[..1], &mut rooms).unwrap_err(), "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity.");
        assert_eq!(place(&pod, &[], &mut []).unwrap_err(), "no nodes available to schedule pods");
    }

    #[test]
    fn tolerations_and_requests_fill_nodes() {
        let nodes = vec![node("a", json!({"taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}]})), node("b", json!({}))];
        let tol = json!({"spec": {"tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}],
                                  "nodeSelector": {"kubernetes.io/hostname": "a"}, "containers": [{"name": "x"}]}});
        let mut rooms = rooms::<Value>(&nodes, &[]);
        assert_eq!(place(&tol, &nodes, &mut rooms).unwrap(), "a");
        let pod = json!({"spec": {"containers": [{"name": "x", "resources": {"requests": {"cpu": "1500m"}}}]}});
        assert_eq!(place(&pod, &nodes[1..], &mut rooms[1..]).unwrap(), "b");
        assert!(place(&pod, &nodes[1..], &mut rooms[1..]).unwrap_err().contains("1 Insufficient cpu"));
    }
}

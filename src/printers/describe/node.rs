//! `kubectl describe node`: roles, taints, lease, conditions, addresses,
//! capacity, system info, the non-terminated pods with their requests and
//! limits, and the node's allocated totals.

use serde_json::Value;

use super::common::{annotations_multiline, arr, b, events, labels_multiline, s, since};
use crate::quantity::{from_json, go_int64, Quantity};
use super::related::{go_error_text, time_or_zero};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Fetched, Need};
use crate::dw;

const PODS: &str = "node-pods";
const LEASE: &str = "node-lease";
/// Kubelets record node events with the node's name as its uid; kubectl
/// searches both and shows them together.
const EVENTS_BY_NAME: &str = "node-events-by-name";

pub fn needs(node: &Value) -> Vec<Need> {
    let name = s(&node["metadata"]["name"]);
    let pods = Need::list(PODS, "/api/v1/pods".into()).fields(format!("spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed"));
    let lease = Need::get(LEASE, format!("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}"));
    let by_name = Need::list(EVENTS_BY_NAME, "/api/v1/events".into())
        .fields(format!("involvedObject.name={name},involvedObject.namespace=,involvedObject.kind=Node,involvedObject.uid={name}"));
    vec![pods, lease, by_name]
}

/// Resource lists as Go maps of Quantity, kept in a sorted Vec.
type Resources = Vec<(String, Quantity)>;

fn resource_list(v: &Value) -> Resources {
    let mut out: Resources = v.as_object().into_iter().flatten().map(|(k, q)| (k.clone(), from_json(q))).collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn get(list: &Resources, name: &str) -> Quantity {
    list.iter().find(|(k, _)| k == name).map(|(_, q)| *q).unwrap_or_default()
}

/// `addResourceList`: the first value is copied, later ones added to it.
fn add(list: &mut Resources, more: &Resources) {
    for (name, q) in more {
        match list.iter_mut().find(|(k, _)| k == name) {
            Some((_, have)) => have.add(q),
            None => list.push((name.clone(), *q)),
        }
    }
}

/// `maxResourceList`: the larger of the two, per resource.
fn max(list: &mut Resources, more: &Resources) {
    for (name, q) in more {
        match list.iter_mut().find(|(k, _)| k == name) {
            Some((_, have)) => {
                if q.cmp(have).is_gt() {
                    *have = *q;
                }
            }
            None => list.push((name.clone(), *q)),
        }
    }
}

/// kubectl's `resourcehelper.PodRequestsAndLimits`: the containers' sum,
/// restartable (sidecar) init containers added, at least the largest
/// ordinary init container, plus the pod overhead (on limits only where a
/// limit is set).
pub fn pod_requests_and_limits(pod: &Value) -> (Resources, Resources) {
    let spec = &pod["spec"];
    let sum = |field: &str| {
        let mut total: Resources = Vec::new();
        for c in arr(&spec["containers"]) {
            add(&mut total, &resource_list(&c["resources"][field]));
        }
        let mut restartable: Resources = Vec::new();
        let mut init_peak: Resources = Vec::new();
        for c in arr(&spec["initContainers"]) {
            let own = resource_list(&c["resources"][field]);
            if s(&c["restartPolicy"]) == "Always" {
                add(&mut total, &own);
                add(&mut restartable, &own);
                max(&mut init_peak, &restartable);
            } else {
                let mut tmp = Vec::new();
                add(&mut tmp, &own);
                add(&mut tmp, &restartable);
                max(&mut init_peak, &tmp);
            }
        }
        max(&mut total, &init_peak);
        total
    };
    let mut reqs = sum("requests");
    let mut limits = sum("limits");
    let overhead = resource_list(&spec["overhead"]);
    add(&mut reqs, &overhead);
    for (name, q) in &overhead {
        if let Some((_, have)) = limits.iter_mut().find(|(k, _)| k == name) {
            have.add(q);
        }
    }
    (reqs, limits)
}

/// `findNodeRoles`.
fn roles(node: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, v) in node["metadata"]["labels"].as_object().into_iter().flatten() {
        let role = if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            role
        } else if k == "kubernetes.io/role" {
            v.as_str().unwrap_or("")
        } else {
            ""
        };
        if !role.is_empty() {
            out.push(role.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `printNodeTaintsMultiline`: sorted by effect then key.
fn taints(w: &mut Writer, taints: &Value) {
    w.write(LEVEL_0, "Taints:\t");
    let mut list: Vec<&Value> = arr(taints).iter().collect();
    if list.is_empty() {
        w.line("<none>");
        return;
    }
    list.sort_by_key(|t| format!("{},{}", s(&t["effect"]), s(&t["key"])));
    for (n, t) in list.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, "\t");
        }
        let text = match s(&t["value"]) {
            "" => format!("{}:{}", s(&t["key"]), s(&t["effect"])),
            v => format!("{}={v}:{}", s(&t["key"]), s(&t["effect"])),
        };
        dw!(w, LEVEL_0, "{text}\n");
    }
}

fn lease(w: &mut Writer, ctx: &DescribeContext) {
    match ctx.get(LEASE) {
        Some(Fetched::Object(lease)) => {
            let spec = &lease["spec"];
            w.write(LEVEL_0, "Lease:\n");
            dw!(w, LEVEL_1, "HolderIdentity:\t{}\n", spec["holderIdentity"].as_str().unwrap_or("<unset>"));
            let time = |v: &Value| if v.is_string() { super::common::time(v) } else { "<unset>".to_string() };
            dw!(w, LEVEL_1, "AcquireTime:\t{}\n", time(&spec["acquireTime"]));
            dw!(w, LEVEL_1, "RenewTime:\t{}\n", time(&spec["renewTime"]));
        }
        Some(Fetched::Failed { message, .. }) => dw!(w, LEVEL_0, "Lease:\tFailed to get lease: {}\n", go_error_text(message)),
        _ => {}
    }
}

pub fn describe(node: &Value, ctx: &DescribeContext) -> String {
    let meta = &node["metadata"];
    let spec = &node["spec"];
    let status = &node["status"];
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    let roles = roles(node);
    dw!(w, LEVEL_0, "Roles:\t{}\n", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") });
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time_or_zero(&meta["creationTimestamp"]));
    taints(&mut w, &spec["taints"]);
    dw!(w, LEVEL_0, "Unschedulable:\t{}\n", b(&spec["unschedulable"]));
    lease(&mut w, ctx);

    let conditions = arr(&status["conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conditions {
            dw!(
                w,
                LEVEL_1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                s(&c["type"]),
                s(&c["status"]),
                time_or_zero(&c["lastHeartbeatTime"]),
                time_or_zero(&c["lastTransitionTime"]),
                s(&c["reason"]),
                s(&c["message"])
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in arr(&status["addresses"]) {
        dw!(w, LEVEL_1, "{}:\t{}\n", s(&a["type"]), s(&a["address"]));
    }
    let capacity = resource_list(&status["capacity"]);
    let allocatable = resource_list(&status["allocatable"]);
    for (title, list) in [("Capacity", &capacity), ("Allocatable", &allocatable)] {
        if !list.is_empty() {
            dw!(w, LEVEL_0, "{title}:\n");
            for (name, q) in list {
                dw!(w, LEVEL_0, "  {name}:\t{}\n", q.go_string());
            }
        }
    }
    let info = &status["nodeInfo"];
    w.write(LEVEL_0, "System Info:\n");
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        dw!(w, LEVEL_0, "  {label}:\t{}\n", s(&info[key]));
    }
    if !s(&spec["podCIDR"]).is_empty() {
        dw!(w, LEVEL_0, "PodCIDR:\t{}\n", s(&spec["podCIDR"]));
    }
    let cidrs = arr(&spec["podCIDRs"]);
    if !cidrs.is_empty() {
        dw!(w, LEVEL_0, "PodCIDRs:\t{}\n", cidrs.iter().map(s).collect::<Vec<_>>().join(","));
    }
    if !s(&spec["providerID"]).is_empty() {
        dw!(w, LEVEL_0, "ProviderID:\t{}\n", s(&spec["providerID"]));
    }
    match ctx.get(PODS) {
        Some(Fetched::Failed { code: 403, .. }) => w.write(LEVEL_0, "Pods:\tnot authorized\n"),
        other => {
            let pods = match other {
                Some(Fetched::Items(items)) => items.as_slice(),
                _ => &[],
            };
            let alloc = if allocatable.is_empty() { &capacity } else { &allocatable };
            node_resources(&mut w, pods, alloc);
        }
    }
    if let Some(list) = ctx.events() {
        let mut all: Vec<Value> = list.to_vec();
        if let Some(more) = ctx.items(EVENTS_BY_NAME) {
            all.extend(more.iter().cloned());
        }
        events(&mut w, &all);
    }
    w.finish()
}

/// `int64(float64(part) / float64(whole) * 100)`, Go's float arithmetic.
fn percent(part: i64, whole: i64) -> i64 {
    go_int64(part as f64 / whole as f64 * 100.0)
}

/// A guarded percentage (0 when the whole is 0), as the totals use.
fn percent_or_zero(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { percent(part, whole) }
}

/// `describeNodeResource`.
fn node_resources(w: &mut Writer, pods: &[Value], alloc: &Resources) {
    dw!(w, LEVEL_0, "Non-terminated Pods:\t({} in total)\n", pods.len());
    w.write(LEVEL_1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(LEVEL_1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    let alloc_cpu = get(alloc, "cpu").milli_value();
    let alloc_mem = get(alloc, "memory").value();
    let mut total_reqs: Resources = Vec::new();
    let mut total_limits: Resources = Vec::new();
    for pod in pods {
        let (reqs, limits) = pod_requests_and_limits(pod);
        let (cr, cl, mr, ml) = (get(&reqs, "cpu"), get(&limits, "cpu"), get(&reqs, "memory"), get(&limits, "memory"));
        dw!(
            w,
            LEVEL_1,
            "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            s(&pod["metadata"]["namespace"]),
            s(&pod["metadata"]["name"]),
            cr.go_string(),
            percent(cr.milli_value(), alloc_cpu),
            cl.go_string(),
            percent(cl.milli_value(), alloc_cpu),
            mr.go_string(),
            percent(mr.value(), alloc_mem),
            ml.go_string(),
            percent(ml.value(), alloc_mem),
            since(&pod["metadata"]["creationTimestamp"])
        );
        add(&mut total_reqs, &reqs);
        add(&mut total_limits, &limits);
    }
    w.write(LEVEL_0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let row = |w: &mut Writer, name: &str, whole: i64, value: fn(&Quantity) -> i64| {
        let (r, l) = (get(&total_reqs, name), get(&total_limits, name));
        dw!(
            w,
            LEVEL_1,
            "{name}\t{} ({}%)\t{} ({}%)\n",
            r.go_string(),
            percent_or_zero(value(&r), whole),
            l.go_string(),
            percent_or_zero(value(&l), whole)
        );
    };
    row(w, "cpu", alloc_cpu, Quantity::milli_value);
    row(w, "memory", alloc_mem, Quantity::value);
    row(w, "ephemeral-storage", get(alloc, "ephemeral-storage").value(), Quantity::value);
    for (name, q) in alloc.iter().filter(|(k, _)| k.starts_with("hugepages-")) {
        row(w, name, q.value(), Quantity::value);
    }
    for (name, _) in alloc.iter().filter(|(k, _)| !k.starts_with("hugepages-") && !["cpu", "memory", "ephemeral-storage", "pods"].contains(&k.as_str())) {
        dw!(w, LEVEL_1, "{name}\t{}\t{}\n", get(&total_reqs, name).go_string(), get(&total_limits, name).go_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(list: &Resources, name: &str) -> String {
        get(list, name).go_string()
    }

    #[test]
    fn requests_with_init_and_sidecar_containers() {
        let pod = json!({"spec": {
            "containers": [
                {"resources": {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"memory": "1Gi"}}},
                {"resources": {"requests": {"cpu": "250m", "memory": "100M"}}}
            ],
            "initContainers": [
                {"restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "256Mi"}}},
                {"resources": {"requests": {"cpu": "1", "memory": "32Mi"}}}
            ],
            "overhead": {"cpu": "10m", "memory": "1Mi"}
        }});
        let (reqs, limits) = pod_requests_and_limits(&pod);
        // 600m from the containers and the sidecar; the init container's 1
        // plus the sidecar's 100m is larger; then the overhead.
        assert_eq!(text(&reqs, "cpu"), "1110m");
        assert_eq!(text(&reqs, "memory"), "168157440");
        // Overhead only where a limit is set.
        assert_eq!(text(&limits, "memory"), "1281Mi");
        assert_eq!(text(&limits, "cpu"), "0");
    }

    #[test]
    fn roles_and_percentages() {
        let node = json!({"metadata": {"labels": {"node-role.kubernetes.io/b": "", "node-role.kubernetes.io/a": "x", "kubernetes.io/role": "b", "node-role.kubernetes.io/": ""}}});
        assert_eq!(roles(&node), vec!["a", "b"]);
        assert_eq!(percent(250, 1500), 16);
        assert_eq!(percent(1, 0), i64::MIN);
        assert_eq!(percent_or_zero(1, 0), 0);
    }
}

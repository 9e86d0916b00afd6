//! Pod lifecycle: watches pods bound to the simulated nodes and plays the
//! kubelet's part.
//!
//! * Pending pods become Running immediately (IP from the node's
//!   10.244.<node-index>.0/24, or 127.0.0.1 with hostNetwork; all conditions
//!   True, containers running, init containers terminated/Completed) and get
//!   Pulled/Created/Started events.
//! * Pods with restartPolicy Never/OnFailure terminate when either
//!   - they are owned by a Job (after 1 second, exit code 0), or
//!   - they carry the annotation `sim.kctl.dev/terminate-after-seconds: "<n>"`.
//!
//!   The exit code comes from `sim.kctl.dev/exit-code` (default 0): 0 gives
//!   phase Succeeded (reason Completed), anything else Failed (reason Error).
//! * Terminating pods (deletionTimestamp set) are deleted for good with
//!   gracePeriodSeconds=0 and a uid precondition.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::podstatus::{running_patch, terminated_patch};
use crate::util::str_at;
use crate::{log, Sim};

pub const ANN_TERMINATE_AFTER: &str = "sim.kctl.dev/terminate-after-seconds";
pub const ANN_EXIT_CODE: &str = "sim.kctl.dev/exit-code";
const JOB_RUNTIME_SECONDS: u64 = 1;
const RESYNC: Duration = Duration::from_secs(2);

const ACT_START: u8 = 1;
const ACT_FINISH: u8 = 2;
const ACT_DELETE: u8 = 4;

/// Cache of the pods bound to simulated nodes, keyed by uid.
#[derive(Default)]
pub struct PodStore {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    pods: HashMap<String, Value>,
    /// Actions started (in flight or done) per pod uid.
    actions: HashMap<String, u8>,
    /// IPs handed out whose status patch has not been observed yet.
    reserved_ips: HashMap<String, String>,
    /// Next host octet to try, per node index.
    cursor: HashMap<u16, u8>,
}

impl PodStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached pod with this uid (only pods bound to simulated nodes are cached).
    pub fn by_uid(&self, uid: &str) -> Option<Value> {
        self.lock().pods.get(uid).cloned()
    }

    /// Pods bound to `node`.
    pub fn on_node(&self, node: &str) -> Vec<Value> {
        let mut v: Vec<Value> = self
            .lock()
            .pods
            .values()
            .filter(|p| str_at(p, &["spec", "nodeName"]) == node)
            .cloned()
            .collect();
        v.sort_by(|a, b| {
            (str_at(a, &["metadata", "namespace"]), str_at(a, &["metadata", "name"]))
                .cmp(&(str_at(b, &["metadata", "namespace"]), str_at(b, &["metadata", "name"])))
        });
        v
    }

    fn upsert(&self, pod: Value) {
        let uid = str_at(&pod, &["metadata", "uid"]).to_string();
        let mut g = self.lock();
        if !str_at(&pod, &["status", "podIP"]).is_empty() {
            g.reserved_ips.remove(&uid);
        }
        g.pods.insert(uid, pod);
    }

    fn remove(&self, uid: &str) {
        let mut g = self.lock();
        g.pods.remove(uid);
        g.actions.remove(uid);
        g.reserved_ips.remove(uid);
    }

    fn replace_all(&self, pods: Vec<Value>) {
        let mut g = self.lock();
        g.pods = pods
            .into_iter()
            .map(|p| (str_at(&p, &["metadata", "uid"]).to_string(), p))
            .collect();
        let Inner { pods, actions, reserved_ips, .. } = &mut *g;
        actions.retain(|uid, _| pods.contains_key(uid));
        reserved_ips.retain(|uid, _| pods.contains_key(uid));
    }

    fn snapshot(&self) -> Vec<Value> {
        self.lock().pods.values().cloned().collect()
    }

    /// Marks `act` as started for `uid`; false if it already was.
    fn begin(&self, uid: &str, act: u8) -> bool {
        let mut g = self.lock();
        let flags = g.actions.entry(uid.to_string()).or_default();
        if *flags & act != 0 {
            return false;
        }
        *flags |= act;
        true
    }

    /// Forgets that `act` was started so the next resync retries it.
    fn retry_later(&self, uid: &str, act: u8) {
        if let Some(f) = self.lock().actions.get_mut(uid) {
            *f &= !act;
        }
    }

    /// Picks a free IP in 10.244.<index>.0/24 and reserves it for `uid`.
    fn allocate_ip(&self, uid: &str, node_index: u16) -> Option<String> {
        let mut g = self.lock();
        let prefix = format!("10.244.{node_index}.");
        let used: HashSet<String> = g
            .pods
            .values()
            .map(|p| str_at(p, &["status", "podIP"]).to_string())
            .chain(g.reserved_ips.values().cloned())
            .filter(|ip| ip.starts_with(&prefix))
            .collect();
        let start = *g.cursor.get(&node_index).unwrap_or(&2);
        for i in 0..253u16 {
            let octet = (((u16::from(start) - 2 + i) % 253) + 2) as u8;
            let ip = format!("{prefix}{octet}");
            if !used.contains(&ip) {
                g.cursor.insert(node_index, if octet >= 254 { 2 } else { octet + 1 });
                g.reserved_ips.insert(uid.to_string(), ip.clone());
                return Some(ip);
            }
        }
        None
    }

    fn release_ip(&self, uid: &str) {
        self.lock().reserved_ips.remove(uid);
    }
}

fn is_ours(sim: &Sim, pod: &Value) -> bool {
    sim.node(str_at(pod, &["spec", "nodeName"])).is_some()
}

/// When (and how) a Running pod should terminate, if ever.
fn termination_plan(pod: &Value) -> Option<(u64, i32)> {
    if str_at(pod, &["spec", "restartPolicy"]) == "Always" {
        return None;
    }
    let ann = &pod["metadata"]["annotations"];
    let exit = ann[ANN_EXIT_CODE].as_str().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    if let Some(secs) = ann[ANN_TERMINATE_AFTER].as_str().and_then(|s| s.trim().parse().ok()) {
        return Some((secs, exit));
    }
    let owned_by_job = pod["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["kind"] == "Job" && r["controller"] == true));
    owned_by_job.then_some((JOB_RUNTIME_SECONDS, exit))
}

fn key(pod: &Value) -> String {
    format!("{}/{}", str_at(pod, &["metadata", "namespace"]), str_at(pod, &["metadata", "name"]))
}

fn pod_path(pod: &Value) -> String {
    format!(
        "/api/v1/namespaces/{}/pods/{}",
        str_at(pod, &["metadata", "namespace"]),
        str_at(pod, &["metadata", "name"])
    )
}

/// Decides what the kubelet would do next with `pod` and starts it.
fn reconcile(sim: &Arc<Sim>, pod: &Value) {
    let uid = str_at(pod, &["metadata", "uid"]).to_string();
    if pod["metadata"]["deletionTimestamp"].is_string() {
        if sim.pods.begin(&uid, ACT_DELETE) {
            tokio::spawn(finish_deletion(sim.clone(), pod.clone(), uid));
        }
        return;
    }
    match str_at(pod, &["status", "phase"]) {
        "" | "Pending" if sim.pods.begin(&uid, ACT_START) => {
            tokio::spawn(start_pod(sim.clone(), pod.clone(), uid));
        }
        "Running" => {
            if let Some((secs, exit)) = termination_plan(pod) {
                if sim.pods.begin(&uid, ACT_FINISH) {
                    tokio::spawn(finish_pod(sim.clone(), uid, secs, exit));
                }
            }
        }
        _ => {}
    }
}

async fn start_pod(sim: Arc<Sim>, pod: Value, uid: String) {
    let Some(node) = sim.node(str_at(&pod, &["spec", "nodeName"])) else { return };
    let ip = if pod["spec"]["hostNetwork"] == true {
        Some("127.0.0.1".to_string())
    } else {
        sim.pods.allocate_ip(&uid, node.index)
    };
    let Some(ip) = ip else {
        log!("no free pod IP on node {}", node.name);
        sim.pods.retry_later(&uid, ACT_START);
        return;
    };
    let path = pod_path(&pod);
    match sim.api.merge_patch(&format!("{path}/status"), &running_patch(&pod, &ip)).await {
        Ok(updated) => {
            log!("pod {} running on {} ({ip})", key(&pod), node.name);
            tokio::spawn(crate::events::pod_started(sim.clone(), pod.clone(), node.name.clone()));
            if str_at(&updated, &["metadata", "uid"]) == uid {
                sim.pods.upsert(updated.clone());
                reconcile(&sim, &updated);
            }
        }
        // Gone, or replaced by a pod with the same name: nothing to do.
        Err(e) if e.is(404) || e.is(409) || e.is(422) => sim.pods.release_ip(&uid),
        Err(e) => {
            log!("starting pod {}: {e}", key(&pod));
            sim.pods.release_ip(&uid);
            sim.pods.retry_later(&uid, ACT_START);
        }
    }
}

async fn finish_pod(sim: Arc<Sim>, uid: String, secs: u64, exit: i32) {
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let Some(pod) = sim.pods.by_uid(&uid) else { return };
    if pod["metadata"]["deletionTimestamp"].is_string() || str_at(&pod, &["status", "phase"]) != "Running" {
        return;
    }
    let path = pod_path(&pod);
    match sim.api.merge_patch(&format!("{path}/status"), &terminated_patch(&pod, exit)).await {
        Ok(updated) => {
            log!("pod {} terminated (exit code {exit})", key(&pod));
            if str_at(&updated, &["metadata", "uid"]) == uid {
                sim.pods.upsert(updated);
            }
        }
        Err(e) if e.is(404) || e.is(409) || e.is(422) => {}
        Err(e) => {
            log!("finishing pod {}: {e}", key(&pod));
            sim.pods.retry_later(&uid, ACT_FINISH);
        }
    }
}

async fn finish_deletion(sim: Arc<Sim>, pod: Value, uid: String) {
    let path = pod_path(&pod);
    let opts = json!({
        "apiVersion": "v1",
        "kind": "DeleteOptions",
        "gracePeriodSeconds": 0,
        "preconditions": {"uid": uid},
    });
    match sim.api.delete(&path, Some(&opts)).await {
        Ok(_) => log!("pod {} deleted", key(&pod)),
        Err(e) if e.is(404) || e.is(409) => {}
        Err(e) => {
            log!("deleting pod {}: {e}", key(&pod));
            sim.pods.retry_later(&uid, ACT_DELETE);
        }
    }
}

/// List+watch loop over all pods, with resourceVersion resume and a relist
/// after 410 Gone; plus a periodic resync that retries failed actions.
pub async fn run(sim: Arc<Sim>) {
    {
        let sim = sim.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RESYNC).await;
                for pod in sim.pods.snapshot() {
                    reconcile(&sim, &pod);
                }
            }
        });
    }
    loop {
        let mut rv = match sim.api.get("/api/v1/pods").await {
            Ok(list) => {
                let items: Vec<Value> = list["items"]
                    .as_array()
                    .map(|a| a.iter().filter(|p| is_ours(&sim, p)).cloned().collect())
                    .unwrap_or_default();
                sim.pods.replace_all(items);
                for pod in sim.pods.snapshot() {
                    reconcile(&sim, &pod);
                }
                str_at(&list, &["metadata", "resourceVersion"]).to_string()
            }
            Err(e) => {
                log!("listing pods: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Watch until the resourceVersion expires.
        let mut failures = 0;
        loop {
            let path = format!(
                "/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion={rv}"
            );
            let mut gone = false;
            let res = sim
                .api
                .watch(&path, |ev| {
                    let obj = &ev["object"];
                    match ev["type"].as_str().unwrap_or("") {
                        "ADDED" | "MODIFIED" => {
                            rv = str_at(obj, &["metadata", "resourceVersion"]).to_string();
                            if is_ours(&sim, obj) {
                                sim.pods.upsert(obj.clone());
                                reconcile(&sim, obj);
                            }
                        }
                        "DELETED" => {
                            rv = str_at(obj, &["metadata", "resourceVersion"]).to_string();
                            sim.pods.remove(str_at(obj, &["metadata", "uid"]));
                        }
                        "BOOKMARK" => rv = str_at(obj, &["metadata", "resourceVersion"]).to_string(),
                        _ => {
                            // ERROR: 410 Gone (expired) or anything else -> relist.
                            if obj["code"] != 410 {
                                log!("pod watch error: {obj}");
                            }
                            gone = true;
                            return ControlFlow::Break(());
                        }
                    }
                    ControlFlow::Continue(())
                })
                .await;
            match res {
                Ok(()) if gone => break,
                Ok(()) => failures = 0,
                Err(e) if e.is(410) => break,
                Err(e) => {
                    failures += 1;
                    log!("pod watch: {e}");
                    if failures >= 3 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

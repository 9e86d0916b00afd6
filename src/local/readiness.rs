//! Simulated readiness: a started pod turns Ready a moment later (the time a
//! real kubelet takes to report a started container, so a rolling update is
//! paced by its pods and `rollout status` shows its steps as on a real
//! cluster), or after its readiness probes' `initialDelaySeconds`.
//!
//! Deadlines are kept in memory; after a restart, pods still not Ready are
//! given deadlines from their containers' start time.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::api::{now_rfc3339, State};
use super::controllers::{is_ready, list, meta, res, write};
use crate::printers::describe::time::unix_seconds;

/// Start to Ready without a probe delay.
const STARTUP: Duration = Duration::from_millis(250);

static DUE: Mutex<Option<HashMap<String, Instant>>> = Mutex::new(None);

fn probe_delay(pod: &Value) -> u64 {
    pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["readinessProbe"]["initialDelaySeconds"].as_u64()).max().unwrap_or(0)
}

/// Called as the kubelet starts `pod`: it is Running but not Ready yet.
pub(super) fn starting(pod: &mut Value) {
    let names: Vec<String> = pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str()).map(String::from).collect();
    if names.is_empty() {
        return;
    }
    let delay = STARTUP + Duration::from_secs(probe_delay(pod));
    for c in pod["status"]["containerStatuses"].as_array_mut().into_iter().flatten() {
        c["ready"] = json!(false);
    }
    let message = format!("containers with unready status: [{}]", names.join(" "));
    for cond in pod["status"]["conditions"].as_array_mut().into_iter().flatten() {
        if cond["type"] == "Ready" || cond["type"] == "ContainersReady" {
            cond["status"] = json!("False");
            cond["reason"] = json!("ContainersNotReady");
            cond["message"] = json!(message);
        }
    }
    DUE.lock().unwrap().get_or_insert_with(HashMap::new).insert(meta(pod, "uid").to_string(), Instant::now() + delay);
}

/// How long until the next pod is due to turn Ready.
pub(super) fn next_due() -> Option<Duration> {
    let due = DUE.lock().unwrap();
    let now = Instant::now();
    due.as_ref()?.values().min().map(|d| d.saturating_duration_since(now))
}

/// Pods whose containers all run and whose delay has passed become Ready.
/// The first pass (after a start or restart) adopts the pods still starting.
pub(super) fn mark_ready(state: &State) -> std::io::Result<()> {
    let pods_r = res("", "pods");
    let now = Instant::now();
    let first = DUE.lock().unwrap().is_none();
    let due_now: HashSet<String> = {
        let mut due = DUE.lock().unwrap();
        let d = due.get_or_insert_with(HashMap::new);
        d.iter().filter(|(_, t)| **t <= now).map(|(u, _)| u.clone()).collect()
    };
    if due_now.is_empty() && !first {
        return Ok(());
    }
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let mut ready = Vec::new();
    // Due pods stay listed until seen Ready (a write may lose a race with a
    // client's update), or until they are gone or no longer all running.
    let mut keep = HashSet::new();
    for pod in list(state, pods_r) {
        if pod["status"]["phase"] != "Running" || is_ready(&pod) || !pod["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let statuses = pod["status"]["containerStatuses"].as_array().cloned().unwrap_or_default();
        if statuses.is_empty() || !statuses.iter().all(|c| c["state"]["running"].is_object()) {
            continue;
        }
        let uid = meta(&pod, "uid").to_string();
        if due_now.contains(&uid) {
            keep.insert(uid);
            ready.push(become_ready(pod));
        } else if first {
            let started = statuses.iter().filter_map(|c| c["state"]["running"]["startedAt"].as_str().and_then(unix_seconds)).max().unwrap_or(0);
            let left = (started + probe_delay(&pod) as i64 - wall).max(0) as u64;
            DUE.lock().unwrap().get_or_insert_with(HashMap::new).insert(uid, now + Duration::from_secs(left));
        }
    }
    if let Some(d) = DUE.lock().unwrap().as_mut() {
        d.retain(|u, _| !due_now.contains(u) || keep.contains(u));
    }
    write(state, pods_r, ready, vec![])
}

fn become_ready(mut pod: Value) -> Value {
    let now = now_rfc3339();
    for c in pod["status"]["containerStatuses"].as_array_mut().into_iter().flatten() {
        c["ready"] = json!(true);
    }
    for cond in pod["status"]["conditions"].as_array_mut().into_iter().flatten() {
        if cond["type"] == "Ready" || cond["type"] == "ContainersReady" {
            *cond = json!({"type": cond["type"], "status": "True", "lastProbeTime": null, "lastTransitionTime": now});
        }
    }
    pod
}

//! The Job controller's backoffLimit: once a Job's failed pods (and the
//! restarts of its running ones) exceed the limit, the Job fails with
//! BackoffLimitExceeded and its active pods are deleted.

use serde_json::{json, Value};

use super::api::{now_rfc3339, State};
use super::controllers::{meta, res, write, Events};

/// The failed Job to store, when `job` has just exceeded its backoffLimit.
pub(super) fn check(state: &State, job: &Value, pods: &[&Value], events: &mut Events) -> std::io::Result<Option<Value>> {
    let phase = |p: &Value| p["status"]["phase"].as_str().unwrap_or("").to_string();
    let failed = pods.iter().filter(|p| phase(p) == "Failed").count();
    let done = pods.iter().filter(|p| phase(p) == "Succeeded").count();
    let active: Vec<&&Value> = pods.iter().filter(|p| !matches!(phase(p).as_str(), "Succeeded" | "Failed")).collect();
    let restarts: i64 = active
        .iter()
        .flat_map(|p| p["status"]["containerStatuses"].as_array().into_iter().flatten())
        .map(|c| c["restartCount"].as_i64().unwrap_or(0))
        .sum();
    if failed as i64 + restarts <= job["spec"]["backoffLimit"].as_i64().unwrap_or(6) {
        return Ok(None);
    }
    let now = now_rfc3339();
    let msg = "Job has reached the specified backoff limit";
    events.add(job, ("Job", "batch/v1"), "BackoffLimitExceeded", msg.into(), "job-controller", None);
    if let Some(e) = events.0.last_mut() {
        e["type"] = json!("Warning");
    }
    let mut status = json!({"startTime": job["status"]["startTime"].as_str().unwrap_or(&now), "failed": failed.max(1),
                            "conditions": [{"type": "Failed", "status": "True", "lastProbeTime": now, "lastTransitionTime": now,
                                            "reason": "BackoffLimitExceeded", "message": msg}]});
    if done > 0 {
        status["succeeded"] = json!(done);
    }
    let pods_r = res("", "pods");
    write(state, pods_r, vec![], active.iter().map(|p| pods_r.key(meta(p, "namespace"), meta(p, "name"))).collect())?;
    let mut failed_job = job.clone();
    failed_job["status"] = status;
    Ok(Some(failed_job))
}

//! The Deployment controller, after kube-controller-manager v1.20's: one
//! ReplicaSet per pod template, rolled by `RollingUpdate` (maxSurge and
//! maxUnavailable, percentages rounded up and down as the real one does, pods
//! counted available once Ready for `minReadySeconds`) or `Recreate`; `paused`,
//! proportional scaling, `revisionHistoryLimit` cleanup, the revision and
//! replica annotations, and the status and conditions with the real reasons
//! and messages.
//!
//! Each pass takes one step per Deployment, as one sync of the real controller
//! does (scale the new ReplicaSet up, or the old ones down), so a rollout is
//! paced by the ReplicaSets' pods becoming available.

use std::sync::Arc;

use serde_json::{json, Value};

use super::api::{now_rfc3339, State};
use crate::printers::describe::time::unix_seconds;
use super::controllers::{canonical, fnv32a, is_ready, list, meta, owned_by, owner_ref, res, safe_encode, strip_zero, write, Events};

const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX: &str = "deployment.kubernetes.io/max-replicas";
const SKIP_COPY: &[&str] =
    &["kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED, MAX, "deprecated.deployment.rollback.to"];

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn replicas(o: &Value) -> i64 {
    int(&o["spec"]["replicas"])
}

fn set_replicas(rs: &mut Value, n: i64) {
    rs["spec"]["replicas"] = json!(n);
}

/// `intstr.GetScaledValueFromIntOrPercent`.
pub(super) fn scaled(v: &Value, total: i64, round_up: bool) -> i64 {
    match v {
        Value::String(s) if s.ends_with('%') => {
            let pct: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
            let x = pct * total as f64 / 100.0;
            (if round_up { x.ceil() } else { x.floor() }) as i64
        }
        Value::String(s) => s.parse().unwrap_or(0),
        v => int(v),
    }
}

fn rolling(d: &Value) -> bool {
    d["spec"]["strategy"]["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate"
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable) for the desired count.
fn fenceposts(d: &Value) -> (i64, i64) {
    if !rolling(d) {
        return (0, 0);
    }
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let want = replicas(d);
    let surge = scaled(&ru["maxSurge"], want, true);
    let unavailable = scaled(&ru["maxUnavailable"], want, false);
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

fn max_surge(d: &Value) -> i64 {
    fenceposts(d).0
}

fn max_unavailable(d: &Value) -> i64 {
    if !rolling(d) || replicas(d) == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas(d))
}

fn revision_of(rs: &Value) -> i64 {
    rs["metadata"]["annotations"][REVISION].as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn by_creation(a: &Value, b: &Value) -> std::cmp::Ordering {
    meta(a, "creationTimestamp").cmp(meta(b, "creationTimestamp")).then(meta(a, "name").cmp(meta(b, "name")))
}

/// Pods available: Ready for at least `min_ready` seconds.
pub(super) fn available(pods: &[&Value], min_ready: i64) -> usize {
    let now = now_secs();
    pods.iter()
        .filter(|p| is_ready(p))
        .filter(|p| {
            min_ready <= 0
                || p["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|c| c["type"] == "Ready")
                    .and_then(|c| c["lastTransitionTime"].as_str())
                    .and_then(unix_seconds)
                    .is_some_and(|t| now - t >= min_ready)
        })
        .count()
}

/// One Deployment's sync: its ReplicaSets (copies, `dirty` when changed), the
/// status conditions being built, and the events it records.
struct Sync<'a> {
    d: Value,
    rss: Vec<Value>,
    dirty: Vec<bool>,
    new: Option<usize>,
    conditions: Vec<Value>,
    events: &'a mut Events,
}

fn condition(t: &str, status: &str, reason: &str, message: String) -> Value {
    let now = now_rfc3339();
    json!({"type": t, "status": status, "lastUpdateTime": now, "lastTransitionTime": now, "reason": reason, "message": message})
}

/// `SetDeploymentCondition`: no change for the same status and reason; the
/// transition time survives a change of reason only.
fn set_condition(conds: &mut Vec<Value>, mut c: Value) {
    if let Some(cur) = conds.iter().find(|x| x["type"] == c["type"]) {
        if cur["status"] == c["status"] && cur["reason"] == c["reason"] {
            return;
        }
        if cur["status"] == c["status"] {
            c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
    }
    conds.retain(|x| x["type"] != c["type"]);
    conds.push(c);
}

fn get_condition<'v>(conds: &'v [Value], t: &str) -> Option<&'v Value> {
    conds.iter().find(|c| c["type"] == t)
}

impl Sync<'_> {
    fn name(&self) -> String {
        meta(&self.d, "name").to_string()
    }

    fn olds(&self) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.rss.len()).filter(|i| Some(*i) != self.new).collect();
        v.sort_by(|a, b| by_creation(&self.rss[*a], &self.rss[*b]));
        v
    }

    fn all(&self) -> Vec<usize> {
        let mut v = self.olds();
        v.extend(self.new);
        v
    }

    fn sum(&self, idx: &[usize], f: impl Fn(&Value) -> i64) -> i64 {
        idx.iter().map(|i| f(&self.rss[*i])).sum()
    }

    fn progress_deadline(&self) -> bool {
        self.d["spec"]["progressDeadlineSeconds"].as_i64().is_some_and(|s| s != i32::MAX as i64)
    }

    /// `scaleReplicaSet`: the size and the replica annotations, with the event
    /// when the size changed.
    fn scale(&mut self, i: usize, to: i64, op: Option<&str>) -> bool {
        let want = replicas(&self.d);
        let (desired, max) = (want.to_string(), (want + max_surge(&self.d)).to_string());
        let rs = &mut self.rss[i];
        let from = replicas(rs);
        let annotations = rs["metadata"]["annotations"][DESIRED] != desired.as_str() || rs["metadata"]["annotations"][MAX] != max.as_str();
        if from == to && !annotations {
            return false;
        }
        set_replicas(rs, to);
        rs["metadata"]["annotations"][DESIRED] = json!(desired);
        rs["metadata"]["annotations"][MAX] = json!(max);
        self.dirty[i] = true;
        if from != to {
            let op = op.unwrap_or(if to > from { "up" } else { "down" });
            let msg = format!("Scaled {op} replica set {} to {to}", meta(&self.rss[i], "name"));
            self.events.add(&self.d, ("Deployment", "apps/v1"), "ScalingReplicaSet", msg, "deployment-controller", None);
        }
        from != to
    }

    /// `getNewReplicaSet`: find (and refresh the annotations of) the new
    /// ReplicaSet, or create it when `create`.
    fn new_rs(&mut self, create: bool) {
        let template = canonical(&self.d["spec"]["template"]);
        let mut order: Vec<usize> = (0..self.rss.len()).collect();
        order.sort_by(|a, b| by_creation(&self.rss[*a], &self.rss[*b]));
        self.new = order.into_iter().find(|i| canonical(&self.rss[*i]["spec"]["template"]) == template);
        let max_old = self.olds().iter().map(|i| revision_of(&self.rss[*i])).max().unwrap_or(0);
        let new_revision = max_old + 1;
        let min_ready = self.d["spec"]["minReadySeconds"].clone();
        if let Some(i) = self.new {
            let mut rs = self.rss[i].clone();
            let changed = self.new_annotations(&mut rs, new_revision, true);
            if changed || rs["spec"]["minReadySeconds"] != min_ready {
                set_min_ready(&mut rs, &min_ready);
                self.rss[i] = rs;
                self.dirty[i] = true;
            }
            let rev = self.rss[i]["metadata"]["annotations"][REVISION].clone();
            self.d["metadata"]["annotations"][REVISION] = rev;
            if self.progress_deadline() && get_condition(&self.conditions, "Progressing").is_none() {
                let msg = format!("Found new replica set \"{}\"", meta(&self.rss[i], "name"));
                set_condition(&mut self.conditions, condition("Progressing", "True", "FoundNewReplicaSet", msg));
            }
            return;
        }
        if !create {
            return;
        }
        let hash = safe_encode(fnv32a(serde_json::to_string(&template).unwrap_or_default().as_bytes()));
        let mut tmpl = self.d["spec"]["template"].clone();
        tmpl["metadata"]["labels"]["pod-template-hash"] = json!(hash);
        let mut selector = self.d["spec"]["selector"].clone();
        selector["matchLabels"]["pod-template-hash"] = json!(hash);
        let name = format!("{}-{hash}", self.name());
        let mut rs = json!({
            "kind": "ReplicaSet", "apiVersion": "apps/v1",
            "metadata": {"name": name, "namespace": meta(&self.d, "namespace"), "labels": tmpl["metadata"]["labels"].clone(), "generation": 1,
                         "annotations": {}, "ownerReferences": owner_ref("Deployment", "apps/v1", &self.d)},
            "spec": {"replicas": 0, "selector": selector, "template": tmpl},
        });
        set_min_ready(&mut rs, &min_ready);
        self.rss.push(rs);
        self.dirty.push(true);
        let i = self.rss.len() - 1;
        self.new = Some(i);
        let count = new_rs_replicas(&self.d, &self.rss, &self.all(), i);
        set_replicas(&mut self.rss[i], count);
        let mut rs = self.rss[i].clone();
        self.new_annotations(&mut rs, new_revision, false);
        self.rss[i] = rs;
        if count > 0 {
            let msg = format!("Scaled up replica set {name} to {count}");
            self.events.add(&self.d, ("Deployment", "apps/v1"), "ScalingReplicaSet", msg, "deployment-controller", None);
        }
        self.d["metadata"]["annotations"][REVISION] = json!(new_revision.to_string());
        if self.progress_deadline() {
            let msg = format!("Created new replica set \"{name}\"");
            set_condition(&mut self.conditions, condition("Progressing", "True", "NewReplicaSetCreated", msg));
        }
    }

    /// `SetNewReplicaSetAnnotations`.
    fn new_annotations(&self, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
        let mut changed = false;
        if !rs["metadata"]["annotations"].is_object() {
            rs["metadata"]["annotations"] = json!({});
        }
        for (k, v) in self.d["metadata"]["annotations"].as_object().into_iter().flatten() {
            if !SKIP_COPY.contains(&k.as_str()) && rs["metadata"]["annotations"][k] != *v {
                rs["metadata"]["annotations"][k] = v.clone();
                changed = true;
            }
        }
        let old = rs["metadata"]["annotations"][REVISION].as_str().map(String::from);
        let old_n: i64 = old.as_deref().and_then(|s| s.parse().ok()).unwrap_or(0);
        if old_n < new_revision {
            rs["metadata"]["annotations"][REVISION] = json!(new_revision.to_string());
            changed = true;
            if let Some(old) = old {
                let history = rs["metadata"]["annotations"][REVISION_HISTORY].as_str().unwrap_or("").to_string();
                let joined = if history.is_empty() { old } else { format!("{history},{old}") };
                rs["metadata"]["annotations"][REVISION_HISTORY] = json!(joined);
            }
        }
        if !exists {
            let want = replicas(&self.d);
            rs["metadata"]["annotations"][DESIRED] = json!(want.to_string());
            rs["metadata"]["annotations"][MAX] = json!((want + max_surge(&self.d)).to_string());
            changed = true;
        }
        changed
    }

    /// `sync`: proportional scaling while paused or when only the size changed.
    fn scale_all(&mut self) {
        let want = replicas(&self.d);
        let active: Vec<usize> = self.all().into_iter().filter(|i| replicas(&self.rss[*i]) > 0).collect();
        // FindActiveOrLatest
        let target = match active.len() {
            0 => self.new.or_else(|| self.olds().last().copied()),
            1 => Some(active[0]),
            _ => None,
        };
        if let Some(i) = target {
            if replicas(&self.rss[i]) != want {
                self.scale(i, want, None);
            }
            return;
        }
        // IsSaturated: the new ReplicaSet already has everything.
        if let Some(n) = self.new {
            let rs = &self.rss[n];
            let desired = rs["metadata"]["annotations"][DESIRED].as_str().and_then(|s| s.parse::<i64>().ok());
            if replicas(rs) == want && desired == Some(want) && int(&rs["status"]["availableReplicas"]) == want {
                for i in self.olds() {
                    if replicas(&self.rss[i]) > 0 {
                        self.scale(i, 0, None);
                    }
                }
                return;
            }
        }
        if !rolling(&self.d) {
            return;
        }
        let mut all = active;
        let total: i64 = self.sum(&all, replicas);
        let allowed = if want > 0 { want + max_surge(&self.d) } else { 0 };
        let to_add = allowed - total;
        let newer_first = |s: &Self, a: &usize, b: &usize| by_creation(&s.rss[*b], &s.rss[*a]);
        let op = match to_add.cmp(&0) {
            std::cmp::Ordering::Greater => {
                // ReplicaSetsBySizeNewer
                all.sort_by(|a, b| replicas(&self.rss[*b]).cmp(&replicas(&self.rss[*a])).then_with(|| newer_first(self, a, b)));
                "up"
            }
            std::cmp::Ordering::Less => {
                // ReplicaSetsBySizeOlder
                all.sort_by(|a, b| replicas(&self.rss[*b]).cmp(&replicas(&self.rss[*a])).then_with(|| by_creation(&self.rss[*a], &self.rss[*b])));
                "down"
            }
            std::cmp::Ordering::Equal => "",
        };
        let mut added = 0;
        let mut sizes: Vec<i64> = Vec::new();
        for i in &all {
            let rs = &self.rss[*i];
            let mut size = replicas(rs);
            if to_add != 0 {
                let p = proportion(rs, &self.d, to_add, added);
                size += p;
                added += p;
            }
            sizes.push(size);
        }
        for (k, i) in all.iter().enumerate() {
            let mut size = sizes[k];
            if k == 0 && to_add != 0 {
                size = (size + to_add - added).max(0);
            }
            self.scale(*i, size, (!op.is_empty()).then_some(op));
        }
    }

    /// `rolloutRolling`: one step.
    fn rolling(&mut self) {
        self.new_rs(true);
        let n = self.new.expect("created");
        let want = replicas(&self.d);
        // reconcileNewReplicaSet
        let cur = replicas(&self.rss[n]);
        if cur != want {
            let to = if cur > want { want } else { new_rs_replicas(&self.d, &self.rss, &self.all(), n) };
            if self.scale(n, to, None) {
                return;
            }
        }
        // reconcileOldReplicaSets
        let olds: Vec<usize> = self.olds().into_iter().filter(|i| replicas(&self.rss[*i]) > 0).collect();
        let old_pods = self.sum(&olds, replicas);
        if old_pods == 0 {
            return;
        }
        let all_pods = self.sum(&self.all(), replicas);
        let min_available = want - max_unavailable(&self.d);
        let new_unavailable = replicas(&self.rss[n]) - int(&self.rss[n]["status"]["availableReplicas"]);
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return;
        }
        // cleanupUnhealthyReplicas
        let mut cleaned = 0;
        for i in &olds {
            if cleaned >= max_scaled_down {
                break;
            }
            let (size, avail) = (replicas(&self.rss[*i]), int(&self.rss[*i]["status"]["availableReplicas"]));
            if size == 0 || size == avail {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(size - avail);
            self.scale(*i, size - down, None);
            cleaned += down;
        }
        // scaleDownOldReplicaSetsForRollingUpdate
        let available_all = self.sum(&self.all(), |r| int(&r["status"]["availableReplicas"]));
        let mut scaled_down = 0;
        if available_all > min_available {
            let total = available_all - min_available;
            for i in &olds {
                if scaled_down >= total {
                    break;
                }
                let size = replicas(&self.rss[*i]);
                if size == 0 {
                    continue;
                }
                let down = size.min(total - scaled_down);
                self.scale(*i, size - down, None);
                scaled_down += down;
            }
        }
    }

    /// `rolloutRecreate`: old pods all gone before the new ones start.
    fn recreate(&mut self, pods: &[Arc<Value>]) {
        self.new_rs(false);
        let mut scaled = false;
        for i in self.olds() {
            if replicas(&self.rss[i]) > 0 {
                scaled |= self.scale(i, 0, None);
            }
        }
        if scaled {
            return;
        }
        let old_uids: Vec<String> = self.olds().iter().map(|i| meta(&self.rss[*i], "uid").to_string()).collect();
        let old_running = self.olds().iter().any(|i| int(&self.rss[*i]["status"]["replicas"]) > 0)
            || old_uids.iter().any(|u| owned_by(pods, u).iter().any(|p| !matches!(p["status"]["phase"].as_str(), Some("Failed" | "Succeeded"))));
        if old_running {
            return;
        }
        self.new_rs(true);
        let n = self.new.expect("created");
        let want = replicas(&self.d);
        if replicas(&self.rss[n]) != want {
            self.scale(n, want, None);
        }
    }

    /// `cleanupDeployment` once the rollout is complete.
    fn cleanup_if_complete(&mut self) -> Vec<usize> {
        let s = &self.d["status"];
        let want = replicas(&self.d);
        let complete = int(&s["updatedReplicas"]) == want
            && int(&s["replicas"]) == want
            && int(&s["availableReplicas"]) == want
            && int(&s["observedGeneration"]) >= int(&self.d["metadata"]["generation"]);
        if complete {
            self.cleanup()
        } else {
            vec![]
        }
    }

    /// `cleanupDeployment`: the oldest scaled-down ReplicaSets beyond
    /// `revisionHistoryLimit` go.
    fn cleanup(&mut self) -> Vec<usize> {
        let Some(limit) = self.d["spec"]["revisionHistoryLimit"].as_i64() else { return vec![] };
        let olds = self.olds();
        let extra = olds.len() as i64 - limit;
        if extra <= 0 {
            return vec![];
        }
        olds.into_iter()
            .take(extra as usize)
            .filter(|i| {
                let rs = &self.rss[*i];
                int(&rs["status"]["replicas"]) == 0 && replicas(rs) == 0 && int(&rs["metadata"]["generation"]) <= int(&rs["status"]["observedGeneration"])
            })
            .collect()
    }

    /// `calculateStatus`, plus `syncRolloutStatus`'s Progressing condition
    /// when `rollout`.
    fn status(&mut self, rollout: bool) -> Value {
        let all = self.all();
        let want = replicas(&self.d);
        let available = self.sum(&all, |r| int(&r["status"]["availableReplicas"]));
        let total_spec = self.sum(&all, replicas);
        let mut status = json!({
            "observedGeneration": self.d["metadata"]["generation"],
            "replicas": self.sum(&all, |r| int(&r["status"]["replicas"])),
            "updatedReplicas": self.new.map(|n| int(&self.rss[n]["status"]["replicas"])).unwrap_or(0),
            "readyReplicas": self.sum(&all, |r| int(&r["status"]["readyReplicas"])),
            "availableReplicas": available,
            "unavailableReplicas": (total_spec - available).max(0),
        });
        let mut conds = std::mem::take(&mut self.conditions);
        if available >= want - max_unavailable(&self.d) {
            set_condition(&mut conds, condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.".into()));
        } else {
            set_condition(&mut conds, condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".into()));
        }
        if rollout {
            if !self.progress_deadline() {
                conds.retain(|c| c["type"] != "Progressing");
            }
            let current = get_condition(&conds, "Progressing").cloned();
            let complete_cond = current.as_ref().is_some_and(|c| c["reason"] == "NewReplicaSetAvailable");
            let (s_rep, s_upd, s_av) = (int(&status["replicas"]), int(&status["updatedReplicas"]), int(&status["availableReplicas"]));
            let rs_name = self.new.map(|n| meta(&self.rss[n], "name").to_string());
            let what = match &rs_name {
                Some(n) => format!("ReplicaSet \"{n}\""),
                None => format!("Deployment \"{}\"", self.name()),
            };
            if self.progress_deadline() && !(s_rep == s_upd && complete_cond) {
                let old = &self.d["status"];
                let complete = s_upd == want && s_rep == want && s_av == want;
                let progressing = s_upd > int(&old["updatedReplicas"])
                    || s_rep - s_upd < int(&old["replicas"]) - int(&old["updatedReplicas"])
                    || int(&status["readyReplicas"]) > int(&old["readyReplicas"])
                    || s_av > int(&old["availableReplicas"]);
                if complete {
                    set_condition(&mut conds, condition("Progressing", "True", "NewReplicaSetAvailable", format!("{what} has successfully progressed.")));
                } else if progressing {
                    let mut c = condition("Progressing", "True", "ReplicaSetUpdated", format!("{what} is progressing."));
                    if let Some(cur) = &current {
                        if cur["status"] == "True" {
                            c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
                        }
                        conds.retain(|x| x["type"] != "Progressing");
                    }
                    set_condition(&mut conds, c);
                } else if timed_out(&self.d, current.as_ref()) {
                    set_condition(&mut conds, condition("Progressing", "False", "ProgressDeadlineExceeded", format!("{what} has timed out progressing.")));
                }
            }
        }
        status = strip_zero(status);
        if let Some(c) = self.d["status"].get("collisionCount") {
            status["collisionCount"] = c.clone();
        }
        if !conds.is_empty() {
            status["conditions"] = json!(conds);
        }
        status
    }
}

fn set_min_ready(rs: &mut Value, min_ready: &Value) {
    if min_ready.as_i64().unwrap_or(0) > 0 {
        rs["spec"]["minReadySeconds"] = min_ready.clone();
    } else if let Some(s) = rs["spec"].as_object_mut() {
        s.remove("minReadySeconds");
    }
}

fn timed_out(d: &Value, cond: Option<&Value>) -> bool {
    let Some(c) = cond else { return false };
    match c["reason"].as_str() {
        Some("NewReplicaSetAvailable") => return false,
        Some("ProgressDeadlineExceeded") => return true,
        _ => {}
    }
    let deadline = d["spec"]["progressDeadlineSeconds"].as_i64().unwrap_or(600);
    c["lastUpdateTime"]
        .as_str()
        .and_then(unix_seconds)
        .is_some_and(|t| now_secs() - t > deadline)
}

/// `NewRSNewReplicas`.
fn new_rs_replicas(d: &Value, rss: &[Value], all: &[usize], new: usize) -> i64 {
    let want = replicas(d);
    if !rolling(d) {
        return want;
    }
    let surge = scaled(&d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], want, true);
    let current: i64 = all.iter().map(|i| replicas(&rss[*i])).sum();
    let max_total = want + surge;
    let have = replicas(&rss[new]);
    if current >= max_total {
        return have;
    }
    have + (max_total - current).min(want - have)
}

/// `GetProportion`.
fn proportion(rs: &Value, d: &Value, to_add: i64, added: i64) -> i64 {
    if replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = if replicas(d) == 0 {
        -replicas(rs)
    } else {
        let target = replicas(d) + max_surge(d);
        let annotated = rs["metadata"]["annotations"][MAX]
            .as_str()
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or_else(|| int(&d["status"]["replicas"]));
        if annotated == 0 {
            0
        } else {
            ((replicas(rs) * target) as f64 / annotated as f64).round() as i64 - replicas(rs)
        }
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

pub(super) fn deployments(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (deploy_r, rs_r, pods_r) = (res("apps", "deployments"), res("apps", "replicasets"), res("", "pods"));
    let all_rs = list(state, rs_r);
    let mut pods: Option<Vec<Arc<Value>>> = None;
    for d in list(state, deploy_r).into_iter().filter(super::gc::active) {
        let rss: Vec<Value> = owned_by(&all_rs, meta(&d, "uid")).into_iter().cloned().collect();
        let conditions = d["status"]["conditions"].as_array().cloned().unwrap_or_default();
        let dirty = vec![false; rss.len()];
        let mut s = Sync { d: Value::clone(&d), rss, dirty, new: None, conditions, events };
        let mut deletes = Vec::new();
        let paused = s.d["spec"]["paused"].as_bool().unwrap_or(false);
        let rollout = if !s.d["metadata"]["deletionTimestamp"].is_null() {
            s.new_rs(false);
            false
        } else {
            paused_conditions(&mut s, paused);
            s.new_rs(false);
            // isScalingEvent: an active ReplicaSet was sized for another count.
            let want = replicas(&s.d).to_string();
            let scaling = !paused
                && s.all().iter().any(|i| replicas(&s.rss[*i]) > 0 && s.rss[*i]["metadata"]["annotations"][DESIRED].as_str().is_some_and(|v| v != want));
            if paused || scaling {
                s.scale_all();
                if paused {
                    deletes = s.cleanup();
                }
                false
            } else if rolling(&s.d) {
                s.rolling();
                deletes = s.cleanup_if_complete();
                true
            } else {
                let pods = pods.get_or_insert_with(|| list(state, pods_r));
                s.recreate(pods);
                deletes = s.cleanup_if_complete();
                true
            }
        };
        let status = s.status(rollout);
        let ns = meta(&d, "namespace").to_string();
        let mut writes = Vec::new();
        for (i, rs) in s.rss.iter().enumerate() {
            if !s.dirty[i] {
                continue;
            }
            let mut rs = rs.clone();
            let old = all_rs.iter().find(|o| meta(o, "uid") == meta(&rs, "uid") && !meta(&rs, "uid").is_empty());
            if old.is_some_and(|o| o["spec"] != rs["spec"]) {
                rs["metadata"]["generation"] = json!(int(&rs["metadata"]["generation"]).max(1) + 1);
            }
            writes.push(rs);
        }
        let deletes: Vec<String> = deletes.into_iter().map(|i| rs_r.key(&ns, meta(&s.rss[i], "name"))).collect();
        write(state, rs_r, writes, deletes)?;
        let mut n = s.d;
        if n["metadata"]["annotations"].as_object().is_some_and(|a| a.is_empty()) {
            n["metadata"].as_object_mut().unwrap().remove("annotations");
        }
        n["status"] = status;
        if n != *d {
            write(state, deploy_r, vec![n], vec![])?;
        }
    }
    Ok(())
}

/// `checkPausedConditions`.
fn paused_conditions(s: &mut Sync, paused: bool) {
    if !s.progress_deadline() {
        return;
    }
    let cur = get_condition(&s.conditions, "Progressing");
    if cur.is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded") {
        return;
    }
    let has_paused = cur.is_some_and(|c| c["reason"] == "DeploymentPaused");
    if paused && !has_paused {
        set_condition(&mut s.conditions, condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused".into()));
    } else if !paused && has_paused {
        set_condition(&mut s.conditions, condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_like_the_controller() {
        assert_eq!(scaled(&json!("25%"), 10, true), 3);
        assert_eq!(scaled(&json!("25%"), 10, false), 2);
        assert_eq!(scaled(&json!(2), 10, false), 2);
        let d = |s: Value, u: Value, n: i64| json!({"spec": {"replicas": n, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": s, "maxUnavailable": u}}}});
        assert_eq!(fenceposts(&d(json!("25%"), json!("25%"), 4)), (1, 1));
        assert_eq!(fenceposts(&d(json!("25%"), json!("25%"), 1)), (1, 0));
        assert_eq!(fenceposts(&d(json!(0), json!("10%"), 5)), (0, 1));
        assert_eq!(max_unavailable(&d(json!(0), json!(10), 3)), 3);
    }
}

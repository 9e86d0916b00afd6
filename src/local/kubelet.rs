//! The simulated kubelets of `kctl local` (one per node in `nodes`), with the
//! scheduler in front of them, on their own thread: each pass binds pending
//! pods, then moves every pod on a simulated node forward to "now" (start,
//! readiness after the readinessProbe's initialDelaySeconds, exits from the
//! container's `program`, restarts by restartPolicy with CrashLoopBackOff),
//! and writes what changed in one commit, so 1000 new pods cost one write.
//!
//! Crash back-off: the first restart comes after 1 s (the pod shows `Error`
//! or `Completed` meanwhile), then 10 s doubling up to 300 s, as the kubelet's
//! back-off does. `KCTL_LOCAL_CRASH_BACKOFF_SECONDS` (read by the server, so
//! set it for `kctl local up`) replaces the 10 s base; the cap stays 30x base.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::api::{now_rfc3339, State};
use super::controllers::{fnv32a, list, meta, res, write};
use super::program::{self, Program};
use super::store::Op;

pub fn start(state: Arc<State>) {
    use tokio::sync::broadcast::error::{RecvError, TryRecvError};
    let mut rx = state.store.subscribe();
    let prefixes = [res("", "pods").prefix(), res("", "nodes").prefix()];
    std::thread::spawn(move || {
        let mut idle = Idle::new();
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let mut next = None;
        let mut run = true;
        loop {
            if run {
                next = pass(&state, now_ms(), &mut idle).unwrap_or_else(|e| {
                    eprintln!("kctl local: kubelet: {e}");
                    None
                });
            }
            // Only pod and node changes (or the clock) give a pass work to do.
            let wait = next.map(|t: u64| t.saturating_sub(now_ms())).unwrap_or(2000).clamp(10, 2000);
            let got = rt.block_on(async {
                tokio::select! {
                    r = rx.recv() => Some(r),
                    _ = tokio::time::sleep(Duration::from_millis(wait)) => None,
                }
            });
            let relevant = |key: &str| prefixes.iter().any(|p| key.starts_with(p.as_str()));
            run = match got {
                None => true,
                Some(Err(RecvError::Closed)) => return,
                Some(Err(RecvError::Lagged(_))) => true,
                Some(Ok(ev)) => relevant(&ev.key),
            };
            loop {
                match rx.try_recv() {
                    Ok(ev) => run |= relevant(&ev.key),
                    Err(TryRecvError::Lagged(_)) => run = true,
                    Err(_) => break,
                }
            }
            run |= next.is_some_and(|t| t <= now_ms());
        }
    });
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

pub(super) fn parse_ms(ts: &str) -> Option<u64> {
    crate::printers::describe::time::unix_seconds(ts).map(|s| s.max(0) as u64 * 1000)
}

pub(super) fn fmt_ts(ms: u64) -> String {
    crate::printers::describe::time::format_rfc3339((ms / 1000) as i64, 0)
}

fn backoff_base_ms() -> u64 {
    std::env::var("KCTL_LOCAL_CRASH_BACKOFF_SECONDS").ok().and_then(|s| s.parse::<f64>().ok()).filter(|s| *s > 0.0).map(|s| (s * 1000.0) as u64).unwrap_or(10_000)
}

/// How long the kubelet waits before restart number `restarts + 1`.
fn backoff_ms(restarts: u64) -> u64 {
    let base = backoff_base_ms();
    if restarts == 0 {
        return 1000;
    }
    base.saturating_mul(1 << (restarts - 1).min(20)).min(base * 30)
}

fn backoff_text(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 60, s % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m0s"),
        (m, s) => format!("{m}m{s}s"),
    }
}

/// node-sim's 64-hex-digit digest of `parts` (four FNV-1a-64 rounds), so image
/// IDs match the test cluster's.
fn hex64(parts: &[&str]) -> String {
    (0u64..4)
        .map(|round| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15);
            for b in parts.iter().flat_map(|p| p.bytes().chain(std::iter::once(0u8))) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            format!("{h:016x}")
        })
        .collect()
}

/// A container instance's id: node-sim's for the first run.
fn container_id(uid: &str, name: &str, restarts: u64) -> String {
    match restarts {
        0 => format!("containerd://{}", hex64(&["container", uid, name])),
        n => format!("containerd://{}", hex64(&["container", uid, name, &n.to_string()])),
    }
}

/// The image reference as containerd reports it.
fn full_image(image: &str) -> String {
    let (name, digest) = image.split_once('@').map(|(n, d)| (n, Some(d))).unwrap_or((image, None));
    let first = name.split('/').next().unwrap_or("");
    let has_registry = name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut full = match (has_registry, name.contains('/')) {
        (true, _) => name.to_string(),
        (false, true) => format!("docker.io/{name}"),
        (false, false) => format!("docker.io/library/{name}"),
    };
    match digest {
        Some(d) => full = format!("{full}@{d}"),
        None if !full.rsplit('/').next().unwrap_or("").contains(':') => full.push_str(":latest"),
        None => {}
    }
    full
}

fn image_id(image: &str) -> String {
    let full = full_image(image);
    if full.contains("@sha256:") {
        return full;
    }
    let repo = match full.rfind(':') {
        Some(i) if !full[i..].contains('/') => &full[..i],
        _ => full.as_str(),
    };
    format!("{repo}@sha256:{}", hex64(&["image", &full]))
}

pub(super) fn qos_class(pod: &Value) -> &'static str {
    let cs: Vec<&Value> = ["initContainers", "containers"].iter().flat_map(|f| pod["spec"][*f].as_array().into_iter().flatten()).collect();
    let any = cs.iter().any(|c| ["requests", "limits"].iter().any(|k| c["resources"][*k].as_object().is_some_and(|m| !m.is_empty())));
    if !any {
        return "BestEffort";
    }
    let guaranteed = cs.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let l = &c["resources"]["limits"][*r];
            let q = &c["resources"]["requests"][*r];
            !l.is_null() && (q.is_null() || q == l)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// A pod as its controller creates it: Pending, for the scheduler.
pub fn pending(mut pod: Value) -> Value {
    let qos = qos_class(&pod);
    pod["status"] = json!({"phase": "Pending", "qosClass": qos});
    // DaemonSet pods belong to a node; with no node affinity yet, the first.
    let ds = pod["metadata"]["ownerReferences"].as_array().into_iter().flatten().any(|r| r["kind"] == "DaemonSet");
    if ds && pod["spec"]["nodeName"].is_null() && pod["spec"]["affinity"]["nodeAffinity"].is_null() {
        pod["spec"]["nodeName"] = json!(super::nodes::FIRST);
    }
    pod
}

/// An event the kubelet or scheduler records; repeats of the same one on a
/// pod bump its count, as the event recorder's aggregation does.
pub(super) struct Ev {
    pod: Value,
    reason: &'static str,
    message: String,
    field_path: Option<String>,
    warning: bool,
    component: &'static str,
    host: Option<String>,
}

/// What an event needs of its pod.
fn who(pod: &Value) -> Value {
    let m = &pod["metadata"];
    json!({"metadata": {"name": m["name"], "namespace": m["namespace"], "uid": m["uid"], "resourceVersion": m["resourceVersion"]}})
}

/// The name of the event a repeat is counted on: `<pod>.<hex nanoseconds>` of
/// its first occurrence, as client-go's recorder names events (so a list, in
/// name order, is in creation order). Repeats are matched in memory, as the
/// real event correlator's cache does; a restarted server starts afresh.
fn event_name(pod: &str, key: &str) -> String {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static NAMES: Mutex<Option<(HashMap<String, String>, u64)>> = Mutex::new(None);
    let mut guard = NAMES.lock().unwrap();
    let (names, last) = guard.get_or_insert_with(|| (HashMap::new(), 0));
    if let Some(n) = names.get(key) {
        return n.clone();
    }
    // Bounded like the correlator's LRU: an old repeat after this starts a new event.
    if names.len() >= 8192 {
        names.clear();
    }
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0).max(*last + 1);
    *last = nanos;
    let n = format!("{pod}.{nanos:x}");
    names.insert(key.to_string(), n.clone());
    n
}

fn write_events(state: &State, evs: Vec<Ev>) -> std::io::Result<()> {
    if evs.is_empty() {
        return Ok(());
    }
    let r = res("", "events");
    let now = now_rfc3339();
    state
        .store
        .commit::<()>(|current, rv| {
            let mut batch: BTreeMap<String, Value> = BTreeMap::new();
            for e in evs {
                let (ns, name, uid) = (meta(&e.pod, "namespace"), meta(&e.pod, "name"), meta(&e.pod, "uid"));
                let fp = e.field_path.clone().unwrap_or_default();
                let ev_name = event_name(name, &hex64(&[uid, e.reason, &fp, &e.message]));
                let key = r.key(ns, &ev_name);
                if let Some(mut old) = batch.remove(&key).or_else(|| current.get(&key).map(|v| Value::clone(v))) {
                    old["count"] = json!(old["count"].as_i64().unwrap_or(1) + 1);
                    old["lastTimestamp"] = json!(now);
                    old["metadata"]["resourceVersion"] = json!(rv.to_string());
                    batch.insert(key, old);
                    continue;
                }
                let mut involved = json!({"kind": "Pod", "namespace": ns, "name": name, "uid": uid, "apiVersion": "v1",
                                          "resourceVersion": e.pod["metadata"]["resourceVersion"]});
                if let Some(f) = &e.field_path {
                    involved["fieldPath"] = json!(f);
                }
                let mut source = json!({"component": e.component});
                if let Some(h) = &e.host {
                    source["host"] = json!(h);
                }
                batch.insert(key, json!({
                    "kind": "Event", "apiVersion": "v1",
                    "metadata": {"name": ev_name, "namespace": ns, "uid": super::api::new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now},
                    "involvedObject": involved, "reason": e.reason, "message": e.message, "source": source,
                    "firstTimestamp": now, "lastTimestamp": now, "count": 1, "type": if e.warning { "Warning" } else { "Normal" },
                    "eventTime": null, "reportingComponent": "", "reportingInstance": "",
                }));
            }
            Ok(batch.into_iter().map(|(key, object)| Op { key, object: Some(object) }).collect())
        })?
        .ok();
    Ok(())
}

/// One pass of the scheduler and the kubelets; returns when the next timed
/// change (an exit, a restart, readiness) is due, in ms since the epoch.
/// Pods a pass left unchanged: uid -> (resourceVersion, when they next change),
/// so the next pass skips them until they are written or their time comes.
type Idle = std::collections::HashMap<String, (String, Option<u64>)>;

fn pass(state: &State, now: u64, idle: &mut Idle) -> std::io::Result<Option<u64>> {
    let (pods_r, nodes_r) = (res("", "pods"), res("", "nodes"));
    let mut nodes = list(state, nodes_r);
    let cordons: Vec<Value> = nodes.iter().filter_map(|n| super::scheduler::cordon_taint(n)).collect();
    if !cordons.is_empty() {
        write(state, nodes_r, cordons, vec![])?;
        nodes = list(state, nodes_r);
    }
    nodes.sort_by_key(|n| (super::nodes::index(meta(n, "name")).unwrap_or(usize::MAX), meta(n, "name").to_string()));
    let ready_nodes: Vec<Value> = nodes
        .iter()
        .filter(|n| n["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True"))
        .map(|n| Value::clone(n))
        .collect();
    let pods = list(state, pods_r);
    let mut rooms = super::scheduler::rooms(&ready_nodes, &pods);
    let mut events = Vec::new();
    let mut writes = Vec::new();
    let mut next: Option<u64> = None;
    let now_s = now_rfc3339();
    let mut seen = std::collections::HashSet::new();
    let mut deletes = Vec::new();
    for pod in pods {
        let bound = pod["spec"]["nodeName"].as_str().unwrap_or("");
        let node = nodes.iter().find(|n| meta(n, "name") == bound && super::nodes::index(bound).is_some());
        if node.is_none() && super::nodes::index(bound).is_some() {
            // Bound to a simulated node that is gone (`up --nodes` with fewer):
            // the pod garbage collector deletes such orphans.
            deletes.push(pods_r.key(meta(&pod, "namespace"), meta(&pod, "name")));
            continue;
        }
        if pod["metadata"]["deletionTimestamp"].is_string() {
            // Simulated containers stop at once: the kubelet finishes the
            // deletion (as node-sim does), unless finalizers hold the pod.
            if node.is_some() && pod["metadata"]["finalizers"].as_array().is_none_or(|f| f.is_empty()) {
                killing(&pod, bound, &mut events);
                deletes.push(pods_r.key(meta(&pod, "namespace"), meta(&pod, "name")));
            }
            continue;
        }
        if node.is_some_and(|n| super::scheduler::evicting_taint(&pod, n).is_some()) {
            let (ns, name) = (meta(&pod, "namespace"), meta(&pod, "name"));
            events.push(Ev { pod: who(&pod), reason: "TaintManagerEviction", message: format!("Marking for deletion Pod {ns}/{name}"), field_path: None, warning: false, component: "taint-controller", host: None });
            killing(&pod, bound, &mut events);
            deletes.push(pods_r.key(ns, name));
            continue;
        }
        let uid = meta(&pod, "uid").to_string();
        seen.insert(uid.clone());
        if let Some((rv, due)) = idle.get(&uid) {
            if rv == meta(&pod, "resourceVersion") && due.is_none_or(|t| t > now) {
                if let Some(t) = due {
                    next = Some(next.map_or(*t, |n: u64| n.min(*t)));
                }
                continue;
            }
        }
        let mut p = Value::clone(&pod);
        let node_name = p["spec"]["nodeName"].as_str().unwrap_or("").to_string();
        let node_name = if node_name.is_empty() {
            let sched = p["spec"]["schedulerName"].as_str().unwrap_or("default-scheduler");
            if sched != "default-scheduler" {
                continue;
            }
            match super::scheduler::place(&p, &ready_nodes, &mut rooms) {
                Ok(node) => {
                    p["spec"]["nodeName"] = json!(node);
                    let (ns, name) = (meta(&p, "namespace"), meta(&p, "name"));
                    events.push(Ev { pod: who(&p), reason: "Scheduled", message: format!("Successfully assigned {ns}/{name} to {node}"), field_path: None, warning: false, component: "default-scheduler", host: None });
                    set_condition(&mut p, "PodScheduled", true, None, None, &now_s);
                    node
                }
                Err(msg) => {
                    let cur = p["status"]["conditions"].as_array().into_iter().flatten().find(|c| c["type"] == "PodScheduled").cloned();
                    if cur.is_none_or(|c| c["message"] != msg.as_str()) {
                        super::scheduler::unschedulable(&mut p, &msg, &now_s);
                        events.push(Ev { pod: who(&p), reason: "FailedScheduling", message: msg, field_path: None, warning: true, component: "default-scheduler", host: None });
                        writes.push(p);
                    }
                    continue;
                }
            }
        } else {
            node_name
        };
        let mut due = None;
        if let Some(idx) = super::nodes::index(&node_name).filter(|_| nodes.iter().any(|n| meta(n, "name") == node_name)) {
            due = advance(&mut p, idx, now, &mut events);
            if let Some(t) = due {
                next = Some(next.map_or(t, |n: u64| n.min(t)));
            }
        }
        if p != *pod {
            idle.remove(&uid);
            writes.push(p);
        } else if super::nodes::index(&node_name).is_some() {
            idle.insert(uid, (meta(&pod, "resourceVersion").to_string(), due));
        }
    }
    idle.retain(|uid, _| seen.contains(uid));
    write(state, pods_r, writes, deletes)?;
    write_events(state, events)?;
    Ok(next)
}

fn set_condition(p: &mut Value, t: &str, ok: bool, reason: Option<&str>, message: Option<String>, now: &str) {
    let status = if ok { "True" } else { "False" };
    let mut conds: Vec<Value> = p["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let mut c = json!({"type": t, "status": status, "lastProbeTime": null, "lastTransitionTime": now});
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    if let Some(m) = message {
        c["message"] = json!(m);
    }
    match conds.iter_mut().find(|c| c["type"] == t) {
        Some(old) => {
            if old["status"] == status {
                c["lastTransitionTime"] = old["lastTransitionTime"].clone();
            }
            if *old != c {
                *old = c;
            }
        }
        None => conds.push(c),
    }
    const ORDER: [&str; 4] = ["Initialized", "Ready", "ContainersReady", "PodScheduled"];
    conds.sort_by_key(|c| ORDER.iter().position(|o| c["type"] == *o).unwrap_or(ORDER.len()));
    p["status"]["conditions"] = Value::Array(conds);
}

fn should_restart(policy: &str, code: i64) -> bool {
    match policy {
        "Never" => false,
        "OnFailure" => code != 0,
        _ => true,
    }
}

/// The pod a kubelet works on.
struct Ctx<'a> {
    pod: &'a Value,
    uid: &'a str,
    host: String,
    now: u64,
}

impl Ctx<'_> {
    fn ev(&self, reason: &'static str, message: String, cname: &str, field: &str, warning: bool) -> Ev {
        Ev { pod: who(self.pod), reason, message, field_path: Some(format!("spec.{field}{{{cname}}}")), warning, component: "kubelet", host: Some(self.host.clone()) }
    }

    fn start(&self, name: &str, image: &str, field: &str, restarts: u64, at: u64, events: &mut Vec<Ev>) -> Value {
        for (reason, msg) in started_events(name, image) {
            events.push(self.ev(reason, msg, name, field, false));
        }
        instance(self.uid, name, image, restarts, at)
    }
}

fn soonest(next: &mut Option<u64>, t: Option<u64>) {
    if let Some(t) = t {
        *next = Some(next.map_or(t, |n| n.min(t)));
    }
}

/// Plays one container's life forward to `now` (exits, restarts with
/// back-off); returns when it next changes.
fn play(c: &Ctx, st: &mut Value, prog: &Program, image: &str, field: &str, policy: &str, events: &mut Vec<Ev>) -> Option<u64> {
    let now = c.now;
    let name = st["name"].as_str().unwrap_or("").to_string();
    for _ in 0..10_000 {
        let restarts = st["restartCount"].as_u64().unwrap_or(0);
        if let Some(started) = st["state"]["running"]["startedAt"].as_str().and_then(parse_ms) {
            let (after, code) = prog.exit?;
            let end = started + after;
            if end > now {
                return Some(end);
            }
            let reason = if code == 0 { "Completed" } else { "Error" };
            st["state"] = json!({"terminated": {"exitCode": code, "reason": reason, "startedAt": fmt_ts(started), "finishedAt": fmt_ts(end), "containerID": st["containerID"]}});
            continue;
        }
        let term = if st["state"]["terminated"].is_object() { st["state"]["terminated"].clone() } else { st["lastState"]["terminated"].clone() };
        let end = term["finishedAt"].as_str().and_then(parse_ms)?;
        if !should_restart(policy, term["exitCode"].as_i64().unwrap_or(0)) {
            return None;
        }
        let delay = backoff_ms(restarts);
        if end + delay > now {
            if restarts > 0 && st["state"]["terminated"].is_object() {
                let msg = format!("back-off {} restarting failed container={name} pod={}_{}({})", backoff_text(delay), meta(c.pod, "name"), meta(c.pod, "namespace"), c.uid);
                st["lastState"] = json!({"terminated": term});
                st["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": msg}});
                events.push(c.ev("BackOff", "Back-off restarting failed container".into(), &name, field, true));
            }
            return Some(end + delay);
        }
        // The restart: a new instance; the old one becomes lastState.
        *st = c.start(&name, image, field, restarts + 1, end + delay, events);
        st["lastState"] = json!({"terminated": term});
    }
    None
}

/// A container that has not started: waiting with `reason`.
fn waiting(name: &str, image: &str, reason: &str) -> Value {
    json!({"name": name, "state": {"waiting": {"reason": reason}}, "lastState": {}, "ready": false, "restartCount": 0,
           "image": full_image(image), "imageID": "", "started": false})
}

fn completed(st: &Value) -> bool {
    st["state"]["terminated"]["exitCode"] == 0
}

/// An init container's program: one that would run on (an unknown command,
/// say a `wget` or an `until` loop) is taken to succeed, as setup steps do;
/// no command at all succeeds at once, as in node-sim.
fn init_program(pod: &Value, spec: &Value) -> Program {
    let mut prog = program::of(pod, spec);
    if prog.exit.is_none() && prog.repeat.is_none() {
        prog.exit = Some((prog.lines.last().map_or(0, |l| l.0), 0));
    }
    prog
}

/// Init containers, one after another. Returns whether they are all done
/// (and when the last ended), or leaves the pod Pending/Failed.
fn run_inits(c: &Ctx, p: &mut Value, policy: &str, now: u64, events: &mut Vec<Ev>, next: &mut Option<u64>) -> Option<u64> {
    let specs: Vec<Value> = c.pod["spec"]["initContainers"].as_array().cloned().unwrap_or_default();
    let mut statuses: Vec<Value> = p["status"]["initContainerStatuses"].as_array().cloned().unwrap_or_default();
    let init_policy = if policy == "Never" { "Never" } else { "OnFailure" };
    let mut prev_end = p["status"]["startTime"].as_str().and_then(parse_ms).unwrap_or(now);
    let mut blocked = false;
    let mut failed = false;
    for (spec, st) in specs.iter().zip(statuses.iter_mut()) {
        let (name, image) = (spec["name"].as_str().unwrap_or(""), spec["image"].as_str().unwrap_or(""));
        if !completed(st) && st["state"]["waiting"]["reason"] == "PodInitializing" {
            *st = c.start(name, image, "initContainers", 0, prev_end, events);
        }
        soonest(next, play(c, st, &init_program(c.pod, spec), image, "initContainers", init_policy, events));
        let done = completed(st);
        st["ready"] = json!(done);
        st.as_object_mut().unwrap().remove("started");
        if done {
            prev_end = st["state"]["terminated"]["finishedAt"].as_str().and_then(parse_ms).unwrap_or(prev_end);
            continue;
        }
        failed = init_policy == "Never" && st["state"]["terminated"].is_object();
        blocked = true;
        break;
    }
    let pending: Vec<String> = specs.iter().zip(&statuses).filter(|(_, st)| !completed(st)).map(|(s, _)| s["name"].as_str().unwrap_or("").to_string()).collect();
    p["status"]["initContainerStatuses"] = Value::Array(statuses);
    if !blocked {
        return Some(prev_end);
    }
    let now_s = fmt_ts(now);
    p["status"]["phase"] = json!(if failed { "Failed" } else { "Pending" });
    set_condition(p, "Initialized", false, Some("ContainersNotInitialized"), Some(format!("containers with incomplete status: [{}]", pending.join(" "))), &now_s);
    let mut main: Vec<String> = c.pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|s| s["name"].as_str().map(String::from)).collect();
    main.sort();
    let msg = format!("containers with unready status: [{}]", main.join(" "));
    set_condition(p, "Ready", false, Some("ContainersNotReady"), Some(msg.clone()), &now_s);
    set_condition(p, "ContainersReady", false, Some("ContainersNotReady"), Some(msg), &now_s);
    None
}

/// Moves a bound pod's status forward to `now`; returns when it next changes.
fn advance(p: &mut Value, node: usize, now: u64, events: &mut Vec<Ev>) -> Option<u64> {
    if matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
        return None;
    }
    let pod = p.clone();
    let uid = meta(&pod, "uid").to_string();
    let c = Ctx { pod: &pod, uid: &uid, host: super::nodes::name(node), now };
    let now_s = fmt_ts(now);
    let policy = pod["spec"]["restartPolicy"].as_str().unwrap_or("Always").to_string();
    let specs: Vec<Value> = pod["spec"]["containers"].as_array().cloned().unwrap_or_default();
    let has_inits = pod["spec"]["initContainers"].as_array().is_some_and(|a| !a.is_empty());
    if p["status"]["containerStatuses"].is_null() {
        let ip = format!("10.244.{node}.{}", 2 + fnv32a(uid.as_bytes()) % 253);
        let host_ip = super::nodes::ip(node);
        let pod_ip = if pod["spec"]["hostNetwork"] == true { host_ip.clone() } else { ip };
        p["status"]["phase"] = json!("Pending");
        p["status"]["hostIP"] = json!(host_ip);
        p["status"]["hostIPs"] = json!([{"ip": host_ip}]);
        p["status"]["podIP"] = json!(pod_ip);
        p["status"]["podIPs"] = json!([{"ip": pod_ip}]);
        p["status"]["startTime"] = json!(now_s);
        p["status"]["qosClass"] = json!(qos_class(&pod));
        set_condition(p, "PodScheduled", true, None, None, &now_s);
        let name_image = |s: &Value| (s["name"].as_str().unwrap_or("").to_string(), s["image"].as_str().unwrap_or("").to_string());
        let mut statuses: Vec<Value> = specs
            .iter()
            .map(|s| {
                let (name, image) = name_image(s);
                if has_inits {
                    waiting(&name, &image, "PodInitializing")
                } else {
                    c.start(&name, &image, "containers", 0, now, events)
                }
            })
            .collect();
        statuses.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        p["status"]["containerStatuses"] = Value::Array(statuses);
        if has_inits {
            let inits: Vec<Value> = pod["spec"]["initContainers"].as_array().into_iter().flatten().map(|s| {
                let (name, image) = name_image(s);
                waiting(&name, &image, "PodInitializing")
            }).collect();
            p["status"]["initContainerStatuses"] = Value::Array(inits);
        }
    }
    let mut next: Option<u64> = None;
    let mut statuses = p["status"]["containerStatuses"].as_array().cloned().unwrap_or_default();
    if has_inits && statuses.iter().all(|st| st["state"]["waiting"]["reason"] == "PodInitializing") {
        // The main containers start once every init container has succeeded.
        let Some(at) = run_inits(&c, p, &policy, now, events, &mut next) else { return next };
        for st in statuses.iter_mut() {
            let name = st["name"].as_str().unwrap_or("").to_string();
            let image = specs.iter().find(|s| s["name"] == name.as_str()).and_then(|s| s["image"].as_str()).unwrap_or("");
            *st = c.start(&name, image, "containers", 0, at, events);
        }
    }
    let mut unready = Vec::new();
    let (mut failed, mut finished) = (0, 0);
    for st in statuses.iter_mut() {
        let name = st["name"].as_str().unwrap_or("").to_string();
        let Some(spec) = specs.iter().find(|c| c["name"] == name.as_str()) else { continue };
        let image = spec["image"].as_str().unwrap_or("");
        soonest(&mut next, play(&c, st, &program::of(&pod, spec), image, "containers", &policy, events));
        // Readiness: running, and past the readinessProbe's initial delay.
        let mut ready = false;
        if let Some(started) = st["state"]["running"]["startedAt"].as_str().and_then(parse_ms) {
            let delay = spec["readinessProbe"]["initialDelaySeconds"].as_u64().unwrap_or(0) * 1000;
            // startedAt has whole seconds: count from the end of that second,
            // so a probe's delay is never cut short.
            let at = started + if spec["readinessProbe"].is_object() { delay.max(1000) + 999 } else { 0 };
            ready = at <= now;
            if !ready {
                soonest(&mut next, Some(at));
            }
        } else if let Some(code) = st["state"]["terminated"]["exitCode"].as_i64() {
            if !should_restart(&policy, code) {
                finished += 1;
                if code != 0 {
                    failed += 1;
                }
            }
        }
        st["ready"] = json!(ready);
        st["started"] = json!(st["state"]["running"].is_object());
        if !ready {
            unready.push(name);
        }
    }
    let all = statuses.len();
    p["status"]["containerStatuses"] = Value::Array(statuses);
    set_condition(p, "Initialized", true, None, None, &now_s);
    let phase = if all > 0 && finished == all {
        if failed > 0 {
            "Failed"
        } else {
            "Succeeded"
        }
    } else {
        // Started containers, or ones waiting to restart.
        "Running"
    };
    p["status"]["phase"] = json!(phase);
    if phase == "Succeeded" {
        set_condition(p, "Ready", false, Some("PodCompleted"), None, &now_s);
        set_condition(p, "ContainersReady", false, Some("PodCompleted"), None, &now_s);
    } else if unready.is_empty() {
        set_condition(p, "Ready", true, None, None, &now_s);
        set_condition(p, "ContainersReady", true, None, None, &now_s);
    } else {
        unready.sort();
        let msg = format!("containers with unready status: [{}]", unready.join(" "));
        set_condition(p, "Ready", false, Some("ContainersNotReady"), Some(msg.clone()), &now_s);
        set_condition(p, "ContainersReady", false, Some("ContainersNotReady"), Some(msg), &now_s);
    }
    if phase == "Succeeded" || phase == "Failed" {
        // A finished pod keeps its Initialized reason like the kubelet's.
        if phase == "Succeeded" {
            set_condition(p, "Initialized", true, Some("PodCompleted"), None, &now_s);
        }
        return None;
    }
    next
}

/// The kubelet's Killing events for the running containers of a pod it stops.
fn killing(pod: &Value, host: &str, events: &mut Vec<Ev>) {
    for st in pod["status"]["containerStatuses"].as_array().into_iter().flatten().filter(|s| s["state"]["running"].is_object()) {
        let name = st["name"].as_str().unwrap_or("");
        events.push(Ev { pod: who(pod), reason: "Killing", message: format!("Stopping container {name}"), field_path: Some(format!("spec.containers{{{name}}}")), warning: false, component: "kubelet", host: Some(host.to_string()) });
    }
}

/// Events for a container (re)start; the image is always "already present".
fn started_events(name: &str, image: &str) -> [(&'static str, String); 3] {
    [
        ("Pulled", format!("Container image \"{image}\" already present on machine")),
        ("Created", format!("Created container {name}")),
        ("Started", format!("Started container {name}")),
    ]
}

/// The status of a new running instance of a container.
fn instance(uid: &str, name: &str, image: &str, restarts: u64, started: u64) -> Value {
    let cid = container_id(uid, name, restarts);
    json!({"name": name, "state": {"running": {"startedAt": fmt_ts(started)}}, "lastState": {}, "ready": false, "restartCount": restarts,
           "image": full_image(image), "imageID": image_id(image), "containerID": cid, "started": true})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(cmd: Value, policy: &str) -> Value {
        json!({"metadata": {"name": "crash", "namespace": "default", "uid": "u1"},
               "spec": {"restartPolicy": policy, "nodeName": "kctl-local", "containers": [{"name": "app", "image": "busybox", "command": cmd}]}})
    }

    fn state(p: &Value) -> &Value {
        &p["status"]["containerStatuses"][0]
    }

    #[test]
    fn crash_loop_backs_off() {
        let t0 = 1_800_000_000_000;
        let mut p = pod(json!(["sh", "-c", "echo hi; sleep 2; exit 3"]), "Always");
        let mut evs = Vec::new();
        assert_eq!(advance(&mut p, 0, t0, &mut evs), Some(t0 + 2000));
        assert_eq!(p["status"]["phase"], "Running");
        assert_eq!(state(&p)["ready"], true);
        // Exit at +2 s, shown as Error until the first restart at +3 s.
        assert_eq!(advance(&mut p, 0, t0 + 2500, &mut evs), Some(t0 + 3000));
        assert_eq!(state(&p)["state"]["terminated"]["reason"], "Error");
        assert_eq!(state(&p)["state"]["terminated"]["exitCode"], 3);
        advance(&mut p, 0, t0 + 3000, &mut evs);
        assert_eq!(state(&p)["restartCount"], 1);
        assert_eq!(state(&p)["lastState"]["terminated"]["exitCode"], 3);
        // Second exit at +5 s: back-off 10 s.
        assert_eq!(advance(&mut p, 0, t0 + 6000, &mut evs), Some(t0 + 15_000));
        assert_eq!(state(&p)["state"]["waiting"]["reason"], "CrashLoopBackOff");
        assert!(state(&p)["state"]["waiting"]["message"].as_str().unwrap().starts_with("back-off 10s restarting failed container=app pod=crash_default(u1)"));
        assert_eq!(p["status"]["conditions"][1]["reason"], "ContainersNotReady");
        assert!(evs.iter().any(|e| e.reason == "BackOff"));
    }

    #[test]
    fn never_and_on_failure() {
        let t0 = 1_800_000_000_000;
        let mut evs = Vec::new();
        let mut p = pod(json!(["sh", "-c", "exit 1"]), "Never");
        advance(&mut p, 0, t0, &mut evs);
        assert_eq!(p["status"]["phase"], "Failed");
        let mut p = pod(json!(["true"]), "OnFailure");
        advance(&mut p, 0, t0, &mut evs);
        assert_eq!(p["status"]["phase"], "Succeeded");
        assert_eq!(state(&p)["state"]["terminated"]["reason"], "Completed");
    }

    #[test]
    fn init_containers_run_first() {
        let t0 = 1_800_000_000_000;
        let mut p = pod(Value::Null, "Always");
        p["spec"]["initContainers"] = json!([{"name": "setup", "image": "busybox", "command": ["sh", "-c", "echo preparing; sleep 2"]},
                                             {"name": "fetch", "image": "busybox", "command": ["wget", "http://example.com"]}]);
        let mut evs = Vec::new();
        assert_eq!(advance(&mut p, 0, t0, &mut evs), Some(t0 + 2000));
        assert_eq!(p["status"]["phase"], "Pending");
        assert!(p["status"]["initContainerStatuses"][0]["state"]["running"].is_object());
        assert_eq!(p["status"]["initContainerStatuses"][1]["state"]["waiting"]["reason"], "PodInitializing");
        assert_eq!(state(&p)["state"]["waiting"]["reason"], "PodInitializing");
        assert_eq!(p["status"]["conditions"][0]["message"], "containers with incomplete status: [setup fetch]");
        advance(&mut p, 0, t0 + 2000, &mut evs);
        assert_eq!(p["status"]["phase"], "Running");
        assert_eq!(p["status"]["initContainerStatuses"][1]["state"]["terminated"]["reason"], "Completed");
        assert_eq!(state(&p)["state"]["running"]["startedAt"], fmt_ts(t0 + 2000));
        let mut bad = pod(Value::Null, "Never");
        bad["spec"]["initContainers"] = json!([{"name": "setup", "image": "busybox", "command": ["false"]}]);
        advance(&mut bad, 0, t0, &mut evs);
        assert_eq!(bad["status"]["phase"], "Failed");
    }

    #[test]
    fn readiness_waits_for_the_initial_delay() {
        let t0 = 1_800_000_000_000;
        let mut p = pod(Value::Null, "Always");
        p["spec"]["containers"][0]["readinessProbe"] = json!({"initialDelaySeconds": 5});
        let mut evs = Vec::new();
        // startedAt keeps whole seconds, so the delay runs from the end of t0's second.
        assert_eq!(advance(&mut p, 1, t0, &mut evs), Some(t0 + 5999));
        assert_eq!(state(&p)["ready"], false);
        assert_eq!(p["status"]["hostIP"], "10.0.0.11");
        advance(&mut p, 1, t0 + 5000, &mut evs);
        assert_eq!(state(&p)["ready"], false);
        advance(&mut p, 1, t0 + 5999, &mut evs);
        assert_eq!(state(&p)["ready"], true);
        assert_eq!(backoff_text(300_000), "5m0s");
    }
}

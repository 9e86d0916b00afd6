//! The minimal controllers that make `kctl local` behave like a cluster rather
//! than a store: one simulated node whose "kubelet" runs every pod at once,
//! ReplicaSets that keep their pod count, and garbage collection of dependents
//! whose owner is gone (background propagation). Deployments, StatefulSets
//! and DaemonSets roll in `deployment`, `statefulset` and `daemonset`.
//!
//! They run on their own thread: each pass reads the store, and writes only
//! what changed (each write is its own durable commit, so a pass that writes
//! wakes the next pass, which then finds nothing to do).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::api::{new_uid, now_rfc3339, State};
use super::resources::{self, Res};
use super::store::Op;

pub const NODE: &str = "kctl-local";

pub(super) fn res(group: &str, name: &str) -> &'static Res {
    resources::find(group, "v1", name).expect("built-in resource")
}

pub(super) fn meta<'a>(o: &'a Value, f: &str) -> &'a str {
    o["metadata"][f].as_str().unwrap_or("")
}

pub fn start(state: Arc<State>) {
    let mut rx = state.store.subscribe();
    std::thread::spawn(move || loop {
        if let Err(e) = reconcile(&state) {
            eprintln!("kctl local: controllers: {e}");
        }
        // Wait for a change (or resync every second), then take every queued
        // event at once so a burst of writes costs one pass.
        thread_local! {
            static RT: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        }
        let closed = RT.with(|rt| rt.block_on(async {
            tokio::select! {
                r = rx.recv() => matches!(r, Err(tokio::sync::broadcast::error::RecvError::Closed)),
                _ = tokio::time::sleep(Duration::from_secs(1)) => false,
            }
        }));
        if closed {
            return;
        }
        while rx.try_recv().is_ok() {}
    });
}

/// The node every pod runs on.
pub fn node_object(rv: u64) -> Value {
    json!({
        "kind": "Node", "apiVersion": "v1",
        "metadata": {
            "name": NODE, "uid": new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now_rfc3339(),
            "labels": {"kubernetes.io/hostname": NODE, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                       "node-role.kubernetes.io/control-plane": ""},
        },
        "spec": {},
        "status": {
            "capacity": {"cpu": "8", "memory": "16Gi", "pods": "5000"},
            "allocatable": {"cpu": "8", "memory": "16Gi", "pods": "5000"},
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kctl local simulated kubelet is posting ready status",
                            "lastHeartbeatTime": now_rfc3339(), "lastTransitionTime": now_rfc3339()}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.10"}, {"type": "Hostname", "address": NODE}],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "osImage": "kctl local", "kernelVersion": std::env::consts::OS,
                         "containerRuntimeVersion": "kctl://simulated", "operatingSystem": "linux", "architecture": "amd64"},
        },
    })
}

pub(super) fn fnv32a(data: &[u8]) -> u32 {
    data.iter().fold(2166136261u32, |h, b| (h ^ *b as u32).wrapping_mul(16777619))
}

/// apimachinery's `SafeEncodeString` of a number (the pod-template-hash form).
pub(super) fn safe_encode(n: u32) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    n.to_string().bytes().map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char).collect()
}

/// A pod as its controller creates it: Pending, for the scheduler and the
/// simulated kubelets (`kubelet`) to place and run.
pub(super) fn running(pod: Value) -> Value {
    super::kubelet::pending(pod)
}

pub(super) fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True")
}

pub(super) fn owned_by<'a, V: std::borrow::Borrow<Value>>(items: &'a [V], uid: &str) -> Vec<&'a Value> {
    // Objects being deleted are no longer counted (FilterActivePods).
    items.iter().map(|o| o.borrow()).filter(|o| o["metadata"]["deletionTimestamp"].is_null() && o["metadata"]["ownerReferences"].as_array().into_iter().flatten().any(|r| r["uid"] == uid)).collect()
}

pub(super) fn owner_ref(kind: &str, api_version: &str, o: &Value) -> Value {
    json!([{"apiVersion": api_version, "kind": kind, "name": meta(o, "name"), "uid": meta(o, "uid"), "controller": true, "blockOwnerDeletion": true}])
}

pub(super) fn list(state: &State, r: &Res) -> Vec<Arc<Value>> {
    state.store.list(&r.prefix()).0.into_iter().map(|(_, v)| v).collect()
}

/// Write `objects` (new ones get uid/creationTimestamp) in one commit, skipping
/// any whose stored version changed meanwhile (the next pass redoes it).
pub(super) fn write(state: &State, r: &Res, objects: Vec<Value>, deletes: Vec<String>) -> std::io::Result<()> {
    if objects.is_empty() && deletes.is_empty() {
        return Ok(());
    }
    state
        .store
        .commit::<()>(|current, rv| {
            let mut ops = Vec::new();
            for mut o in objects {
                let key = r.key(meta(&o, "namespace"), meta(&o, "name"));
                let prev_rv = meta(&o, "resourceVersion").to_string();
                match current.get(&key) {
                    Some(cur) if meta(cur, "resourceVersion") != prev_rv => continue,
                    None if !prev_rv.is_empty() => continue,
                    None if super::gc::owner_deleting(current, &o) => continue,
                    None => {
                        if meta(&o, "uid").is_empty() {
                            o["metadata"]["uid"] = json!(new_uid());
                        }
                        o["metadata"]["creationTimestamp"] = json!(now_rfc3339());
                    }
                    _ => {}
                }
                super::api::track_controller_write(r, current.get(&key).map(|v| &**v), &mut o);
                o["metadata"]["resourceVersion"] = json!(rv.to_string());
                ops.push(Op { key, object: Some(o) });
            }
            ops.extend(deletes.into_iter().filter(|k| current.contains_key(k)).map(|key| Op { key, object: None }));
            Ok(ops)
        })?
        .ok();
    Ok(())
}

/// `utilrand.String(5)`: five random characters of the safe alphabet (the
/// digits of a hash would give 10 choices a place, and name collisions).
pub(super) fn suffix() -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut n = u128::from_str_radix(&new_uid().replace('-', ""), 16).unwrap_or(0);
    (0..5)
        .map(|_| {
            let c = ALPHANUMS[(n % ALPHANUMS.len() as u128) as usize] as char;
            n /= ALPHANUMS.len() as u128;
            c
        })
        .collect()
}

fn reconcile(state: &State) -> std::io::Result<()> {
    let t0 = std::time::Instant::now();
    let trace = |what: &str| if std::env::var_os("KCTL_LOCAL_TRACE").is_some() { eprintln!("{what}: {:?}", t0.elapsed()) };
    let (pods_r, rs_r) = (res("", "pods"), res("apps", "replicasets"));
    let mut events = Events::default();
    super::gc::pass(state)?;
    trace("gc");
    super::deployment::deployments(state, &mut events)?;
    trace("deploy");
    replicasets(state, rs_r, pods_r, &mut events)?;
    trace("rs");
    super::statefulset::statefulsets(state, &mut events)?;
    super::daemonset::daemonsets(state, &mut events)?;
    super::cron::cronjobs(state, &mut events)?;
    super::workloads::jobs(state, &mut events)?;
    super::workloads::volumes(state, &mut events)?;
    endpoints(state)?;
    trace("endpoints");
    let r = write(state, res("", "events"), events.0, vec![]);
    trace("events");
    r
}

/// Events for what the controllers did, as the real components word them.
#[derive(Default)]
pub(super) struct Events(pub(super) Vec<Value>);

impl Events {
    /// `kind` is the involved object's (kind, apiVersion).
    pub(super) fn add(&mut self, obj: &Value, kind: (&str, &str), reason: &str, message: String, component: &str, field_path: Option<String>) {
        let (kind, api_version) = kind;
        let now = now_rfc3339();
        // Names sort by creation, as the real ones (a nanosecond timestamp) do.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("{}.{:x}", meta(obj, "name"), nanos.max(seq));
        let mut involved = json!({"kind": kind, "namespace": meta(obj, "namespace"), "name": meta(obj, "name"), "uid": meta(obj, "uid"), "apiVersion": api_version});
        if let Some(f) = field_path {
            involved["fieldPath"] = json!(f);
        }
        let mut source = json!({"component": component});
        if component == "kubelet" {
            source["host"] = json!(NODE);
        }
        self.0.push(json!({
            "kind": "Event", "apiVersion": "v1",
            "metadata": {"name": name, "namespace": meta(obj, "namespace")},
            "involvedObject": involved, "reason": reason, "message": message, "source": source,
            "firstTimestamp": now, "lastTimestamp": now, "count": 1, "type": "Normal",
            "eventTime": null, "reportingComponent": "", "reportingInstance": "",
        }));
    }

    /// The scheduler's and kubelet's events come from `kubelet` once the pod
    /// is placed and started.
    pub(super) fn pod_started(&mut self, _pod: &Value) {}
}

/// Endpoints of Services with a selector: the ready pods they select.
fn endpoints(state: &State) -> std::io::Result<()> {
    let (svc_r, ep_r, pods_r) = (res("", "services"), res("", "endpoints"), res("", "pods"));
    let pods = list(state, pods_r);
    let services = list(state, svc_r);
    let mut writes = Vec::new();
    let mut deletes = Vec::new();
    let mut slices = Vec::new();
    let existing = list(state, ep_r);
    for svc in &services {
        let Some(selector) = svc["spec"]["selector"].as_object().filter(|s| !s.is_empty()) else { continue };
        let ns = meta(svc, "namespace");
        let selected: Vec<&Value> = pods
            .iter()
            .map(|p| &**p)
            .filter(|p| meta(p, "namespace") == ns && is_ready(p) && super::gc::active(p) && selector.iter().all(|(k, v)| p["metadata"]["labels"].get(k) == Some(v)))
            .collect();
        let mut addresses: Vec<Value> = selected
            .iter()
            .map(|p| json!({"ip": p["status"]["podIP"], "nodeName": NODE, "targetRef": {"kind": "Pod", "namespace": ns, "name": meta(p, "name"), "uid": meta(p, "uid")}}))
            .collect();
        addresses.sort_by(|a, b| a["ip"].as_str().cmp(&b["ip"].as_str()));
        let ports: Vec<Value> = svc["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| {
                let target = match &p["targetPort"] {
                    Value::String(name) => selected
                        .first()
                        .and_then(|pod| {
                            pod["spec"]["containers"].as_array().into_iter().flatten().flat_map(|c| c["ports"].as_array().into_iter().flatten()).find(|cp| cp["name"] == name.as_str()).map(|cp| cp["containerPort"].clone())
                        })
                        .unwrap_or(Value::Null),
                    Value::Null => p["port"].clone(),
                    v => v.clone(),
                };
                let mut e = json!({"port": target, "protocol": p["protocol"]});
                if let Some(n) = p["name"].as_str() {
                    e["name"] = json!(n);
                }
                e
            })
            .collect();
        let subsets = if addresses.is_empty() { Value::Null } else { json!([{"addresses": addresses, "ports": ports}]) };
        let name = meta(svc, "name");
        slices.push(endpoint_slice(svc, &addresses, &ports));
        let cur = existing.iter().find(|e| meta(e, "namespace") == ns && meta(e, "name") == name);
        if cur.is_some_and(|c| c["subsets"] == subsets) {
            continue;
        }
        let mut ep = cur.map(|c| Value::clone(c)).unwrap_or_else(|| {
            json!({"kind": "Endpoints", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns, "labels": svc["metadata"]["labels"].clone()}})
        });
        ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"] = json!(now_rfc3339());
        if subsets.is_null() {
            ep.as_object_mut().unwrap().remove("subsets");
        } else {
            ep["subsets"] = subsets;
        }
        if ep["metadata"]["labels"].is_null() {
            ep["metadata"].as_object_mut().unwrap().remove("labels");
        }
        writes.push(ep);
    }
    for ep in &existing {
        let managed = !ep["metadata"]["annotations"]["endpoints.kubernetes.io/last-change-trigger-time"].is_null();
        let has_svc = services.iter().any(|s| meta(s, "namespace") == meta(ep, "namespace") && meta(s, "name") == meta(ep, "name"));
        if managed && !has_svc {
            deletes.push(ep_r.key(meta(ep, "namespace"), meta(ep, "name")));
        }
    }
    write(state, ep_r, writes, deletes)?;
    // kubectl 1.32's `describe service` reads EndpointSlices.
    let slice_r = res("discovery.k8s.io", "endpointslices");
    let current = list(state, slice_r);
    let changed: Vec<Value> = slices
        .into_iter()
        .filter_map(|mut sl| {
            match current.iter().find(|c| meta(c, "namespace") == meta(&sl, "namespace") && meta(c, "name") == meta(&sl, "name")) {
                Some(c) if c["endpoints"] == sl["endpoints"] && c["ports"] == sl["ports"] => None,
                Some(c) => {
                    sl["metadata"] = c["metadata"].clone();
                    Some(sl)
                }
                None => Some(sl),
            }
        })
        .collect();
    write(state, slice_r, changed, vec![])
}

fn endpoint_slice(svc: &Value, addresses: &[Value], ports: &[Value]) -> Value {
    let (ns, name) = (meta(svc, "namespace"), meta(svc, "name"));
    let suffix: String = safe_encode(fnv32a(format!("{ns}/{name}").as_bytes())).chars().take(5).collect();
    let endpoints: Vec<Value> = addresses
        .iter()
        .map(|a| json!({"addresses": [a["ip"]], "conditions": {"ready": true, "serving": true, "terminating": false}, "nodeName": NODE, "targetRef": a["targetRef"]}))
        .collect();
    let ports: Vec<Value> = ports.iter().map(|p| json!({"name": p["name"].as_str().unwrap_or(""), "port": p["port"], "protocol": p["protocol"]})).collect();
    json!({
        "kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
        "metadata": {
            "name": format!("{name}-{suffix}"), "namespace": ns, "generateName": format!("{name}-"),
            "labels": {"kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
            "ownerReferences": owner_ref("Service", "v1", svc),
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": ports,
    })
}

fn replicasets(state: &State, rs_r: &Res, pods_r: &Res, events: &mut Events) -> std::io::Result<()> {
    let pods = list(state, pods_r);
    let mut status_updates = Vec::new();
    for rs in list(state, rs_r).into_iter().filter(super::gc::active) {
        let want = rs["spec"]["replicas"].as_i64().unwrap_or(1).max(0) as usize;
        let mut mine = owned_by(&pods, meta(&rs, "uid"));
        mine.sort_by(|a, b| meta(a, "creationTimestamp").cmp(meta(b, "creationTimestamp")).then(meta(a, "name").cmp(meta(b, "name"))));
        let ns = meta(&rs, "namespace");
        if mine.len() < want {
            let template = &rs["spec"]["template"];
            let new: Vec<Value> = (mine.len()..want)
                .map(|_| {
                    let mut m = template["metadata"].clone();
                    if !m.is_object() {
                        m = json!({});
                    }
                    m["name"] = json!(format!("{}-{}", meta(&rs, "name"), suffix()));
                    m["generateName"] = json!(format!("{}-", meta(&rs, "name")));
                    m["namespace"] = json!(ns);
                    m["ownerReferences"] = owner_ref("ReplicaSet", "apps/v1", &rs);
                    let mut pod = json!({"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": template["spec"].clone()});
                    pod["metadata"]["uid"] = json!(new_uid());
                    super::defaults::apply(res("", "pods"), &mut pod, None);
                    let pod = running(pod);
                    events.add(&rs, ("ReplicaSet", "apps/v1"), "SuccessfulCreate", format!("Created pod: {}", meta(&pod, "name")), "replicaset-controller", None);
                    events.pod_started(&pod);
                    pod
                })
                .collect();
            write(state, pods_r, new, vec![])?;
        } else if mine.len() > want {
            for p in &mine[want..] {
                events.add(&rs, ("ReplicaSet", "apps/v1"), "SuccessfulDelete", format!("Deleted pod: {}", meta(p, "name")), "replicaset-controller", None);
            }
            let extra = mine[want..].iter().map(|p| pods_r.key(ns, meta(p, "name"))).collect();
            write(state, pods_r, vec![], extra)?;
        }
        let ready = mine.iter().filter(|p| is_ready(p)).count();
        let available = super::deployment::available(&mine, rs["spec"]["minReadySeconds"].as_i64().unwrap_or(0));
        let count = mine.len();
        let status = json!({
            "replicas": count, "fullyLabeledReplicas": count, "readyReplicas": ready, "availableReplicas": available,
            "observedGeneration": rs["metadata"]["generation"],
        });
        let status = strip_zero(status);
        if rs["status"] != status {
            let mut n = Value::clone(&rs);
            n["status"] = status;
            status_updates.push(n);
        }
    }
    write(state, rs_r, status_updates, vec![])
}

/// A pod template as the real controller hashes it (a typed struct): no nulls,
/// no empty collections, and without its own `pod-template-hash` label.
pub(super) fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "pod-template-hash")
                .map(|(k, x)| (k.clone(), canonical(x)))
                .filter(|(_, x)| !(x.is_null() || x.as_object().is_some_and(|o| o.is_empty()) || x.as_array().is_some_and(|a| a.is_empty())))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The apiserver omits zero counts (`omitempty`).
pub(super) fn strip_zero(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        m.retain(|k, x| k == "replicas" || !(x == &json!(0) || x.is_null()));
    }
    v
}


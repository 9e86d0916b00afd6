//! Deletion as the apiserver's generic registry does it: preconditions,
//! graceful pod deletion (`deletionTimestamp` + `deletionGracePeriodSeconds`),
//! finalizers (an object with finalizers is only marked), the garbage
//! collector's `orphan` / `foregroundDeletion` finalizers from the propagation
//! policy, and the namespace registry's own rules (Terminating phase,
//! protected namespaces).
//!
//! `plan` is pure and shared with the controllers (`super::super::gc`), which
//! delete dependents, namespace content and terminated pods the same way.

use std::sync::Arc;

use hyper::Response;
use serde_json::{json, Value};

use super::super::resources::{self, Res};
use super::super::store::Op;
use super::{json_response, ApiError, Body, Req, State, Target};

pub const ORPHAN: &str = "orphan";
pub const FOREGROUND: &str = "foregroundDeletion";
/// Namespaces the NamespaceLifecycle admission plugin refuses to delete.
const IMMORTAL: &[&str] = &["default", "kube-system", "kube-public"];

/// The DeleteOptions that matter here, from the body or the query.
#[derive(Default, Clone, Debug)]
pub struct Opts {
    pub grace: Option<i64>,
    pub policy: Option<String>,
    pub orphan_dependents: Option<bool>,
    pub uid: Option<String>,
    pub rv: Option<String>,
}

impl Opts {
    pub fn policy(p: &str) -> Opts {
        Opts { policy: Some(p.to_string()), ..Opts::default() }
    }

    fn from_req(req: &Req) -> Result<Opts, ApiError> {
        let body: Value = if req.body.is_empty() { Value::Null } else { serde_json::from_slice(&req.body).unwrap_or(Value::Null) };
        let mut o = Opts {
            grace: body["gracePeriodSeconds"].as_i64(),
            policy: body["propagationPolicy"].as_str().map(String::from),
            orphan_dependents: body["orphanDependents"].as_bool(),
            uid: body["preconditions"]["uid"].as_str().map(String::from),
            rv: body["preconditions"]["resourceVersion"].as_str().map(String::from),
        };
        if let Ok(g) = req.q("gracePeriodSeconds").parse() {
            o.grace = Some(g);
        }
        if !req.q("propagationPolicy").is_empty() {
            o.policy = Some(req.q("propagationPolicy").to_string());
        }
        if let Ok(b) = req.q("orphanDependents").parse() {
            o.orphan_dependents = Some(b);
        }
        if let Some(p) = &o.policy {
            if !matches!(p.as_str(), "Orphan" | "Background" | "Foreground") {
                return Err(ApiError::new(
                    422,
                    "Invalid",
                    format!("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{p}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
                ));
            }
        }
        Ok(o)
    }
}

/// What deleting an object comes to.
#[derive(Debug)]
pub enum Plan {
    /// Gone now; the value is the object as last seen.
    Remove(Value),
    /// Kept, marked for deletion (or its finalizers changed).
    Update(Value),
    /// A graceful deletion is already under way: nothing changes.
    Pending(Value),
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn rfc3339(secs: i64) -> String {
    crate::printers::describe::time::format_rfc3339(secs, 0)
}

pub fn unix(ts: &str) -> Option<i64> {
    crate::printers::describe::time::unix_seconds(ts)
}

fn finalizers(obj: &Value) -> Vec<String> {
    obj["metadata"]["finalizers"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).map(String::from).collect()
}

fn set_finalizers(obj: &mut Value, f: &[String]) {
    if f.is_empty() {
        obj["metadata"].as_object_mut().map(|m| m.remove("finalizers"));
    } else {
        obj["metadata"]["finalizers"] = json!(f);
    }
}

fn builtin(res: &Res, name: &str) -> bool {
    res.custom.is_none() && res.name == name
}

/// batch/v1 Jobs orphan their pods unless told otherwise (the strategy's
/// DefaultGarbageCollectionPolicy); everything else deletes in the background.
fn default_orphans(res: &Res) -> bool {
    builtin(res, "jobs")
}

fn precondition_failed(res: &Res, name: &str, what: &str, want: &str, have: &str) -> ApiError {
    ApiError::new(
        409,
        "Conflict",
        format!("Operation cannot be fulfilled on {} \"{name}\": Precondition failed: {what} in precondition: {want}, {what} in object meta: {have}", res.qualified()),
    )
    .with_details(res, name)
}

/// The garbage collector's finalizers after this deletion (`deletionFinalizersForGarbageCollection`).
fn gc_finalizers(res: &Res, obj: &Value, o: &Opts) -> Vec<String> {
    let current = finalizers(obj);
    let has = |f: &str| current.iter().any(|x| x == f);
    let orphan = match (o.orphan_dependents, o.policy.as_deref()) {
        (Some(b), _) => b,
        (None, Some(p)) => p == "Orphan",
        (None, None) if has(ORPHAN) => true,
        (None, None) if has(FOREGROUND) => false,
        (None, None) => default_orphans(res),
    };
    let foreground = match (o.orphan_dependents, o.policy.as_deref()) {
        (Some(_), _) => false,
        (None, Some(p)) => p == "Foreground",
        (None, None) => has(FOREGROUND),
    };
    let mut out: Vec<String> = current.into_iter().filter(|f| f != ORPHAN && f != FOREGROUND).collect();
    if orphan {
        out.push(ORPHAN.into());
    }
    if foreground {
        out.push(FOREGROUND.into());
    }
    out
}

/// `markAsDeleting`: now (or sooner), grace 0, a generation bump the first time.
fn mark_deleting(obj: &mut Value, now: i64) {
    let m = &mut obj["metadata"];
    let existing = m["deletionTimestamp"].as_str().and_then(unix);
    if existing.is_none() {
        if let Some(g) = m["generation"].as_i64().filter(|g| *g > 0) {
            m["generation"] = json!(g + 1);
        }
    }
    if existing.is_none_or(|t| t > now) {
        m["deletionTimestamp"] = json!(rfc3339(now));
    }
    m["deletionGracePeriodSeconds"] = json!(0);
}

/// Deleting `obj` of `res` with options `o` (the registry's BeforeDelete and
/// updateForGracefulDeletionAndFinalizers).
pub fn plan(res: &Res, obj: &Value, o: &Opts, now: i64) -> Result<Plan, ApiError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let uid = obj["metadata"]["uid"].as_str().unwrap_or("");
    if let Some(want) = o.uid.as_deref().filter(|u| *u != uid) {
        return Err(precondition_failed(res, name, "UID", want, uid));
    }
    let rv = obj["metadata"]["resourceVersion"].as_str().unwrap_or("");
    if let Some(want) = o.rv.as_deref().filter(|r| *r != rv) {
        return Err(precondition_failed(res, name, "ResourceVersion", want, rv));
    }
    let mut new = obj.clone();
    let mut graceful = None;
    if builtin(res, "pods") {
        let meta = &obj["metadata"];
        match (meta["deletionTimestamp"].as_str().and_then(unix), meta["deletionGracePeriodSeconds"].as_i64()) {
            (Some(_), None | Some(0)) => {}
            (Some(ts), Some(cur)) => match o.grace {
                // Only a shorter grace period may be given once deletion started.
                Some(g) if g < cur => {
                    new["metadata"]["deletionTimestamp"] = json!(rfc3339(ts - cur + g));
                    new["metadata"]["deletionGracePeriodSeconds"] = json!(g);
                    graceful = Some(g);
                }
                _ => return Ok(Plan::Pending(obj.clone())),
            },
            (None, _) => {
                let mut period = o.grace.or(obj["spec"]["terminationGracePeriodSeconds"].as_i64()).unwrap_or(0);
                let phase = obj["status"]["phase"].as_str().unwrap_or("");
                if obj["spec"]["nodeName"].as_str().unwrap_or("").is_empty() || phase == "Succeeded" || phase == "Failed" {
                    period = 0;
                }
                new["metadata"]["deletionTimestamp"] = json!(rfc3339(now + period));
                new["metadata"]["deletionGracePeriodSeconds"] = json!(period);
                graceful = Some(period);
            }
        }
    }
    let fins = gc_finalizers(res, obj, o);
    let changed = fins != finalizers(obj);
    set_finalizers(&mut new, &fins);
    let pending = !fins.is_empty();
    if graceful.is_none() && !pending && !changed {
        return Ok(Plan::Remove(obj.clone()));
    }
    if graceful.is_none() && pending {
        mark_deleting(&mut new, now);
    }
    if pending || graceful.is_some_and(|g| g > 0) {
        return Ok(Plan::Update(new));
    }
    Ok(Plan::Remove(new))
}

/// Whether an update leaves an object with nothing to wait for: marked for
/// deletion, no finalizers left and (pods) no grace period running.
pub fn done_after_update(res: &Res, new: &Value) -> bool {
    let m = &new["metadata"];
    let pod_grace_running = builtin(res, "pods") && m["deletionGracePeriodSeconds"].as_i64().unwrap_or(0) > 0;
    let namespace_not_finalized = builtin(res, "namespaces") && new["spec"]["finalizers"].as_array().is_some_and(|f| !f.is_empty());
    !m["deletionTimestamp"].is_null() && finalizers(new).is_empty() && !pod_grace_running && !namespace_not_finalized
}

/// The store operation for a plan (`None` when nothing is written).
pub fn op(key: &str, p: &Plan, rv: u64) -> Option<Op> {
    match p {
        Plan::Remove(_) => Some(Op { key: key.to_string(), object: None }),
        Plan::Update(v) => {
            let mut v = v.clone();
            v["metadata"]["resourceVersion"] = json!(rv.to_string());
            Some(Op { key: key.to_string(), object: Some(v) })
        }
        Plan::Pending(_) => None,
    }
}

/// The namespace registry's Delete: the first call marks it Terminating (the
/// namespace controller in `gc` empties and then removes it).
fn plan_namespace(res: &Res, obj: &Value, o: &Opts, now: i64) -> Result<Plan, ApiError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    if IMMORTAL.contains(&name) {
        return Err(ApiError::new(403, "Forbidden", format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted")).with_details(res, name));
    }
    let uid = obj["metadata"]["uid"].as_str().unwrap_or("");
    if let Some(want) = o.uid.as_deref().filter(|u| *u != uid) {
        return Err(precondition_failed(res, name, "UID", want, uid));
    }
    let mut new = obj.clone();
    if obj["metadata"]["deletionTimestamp"].is_null() {
        new["metadata"]["deletionTimestamp"] = json!(rfc3339(now));
        new["status"]["phase"] = json!("Terminating");
        let fins = gc_finalizers(res, obj, o);
        set_finalizers(&mut new, &fins);
        return Ok(Plan::Update(new));
    }
    // Still being emptied: answered with the namespace, as it is.
    if finalizers(obj).is_empty() && new["spec"]["finalizers"].as_array().is_none_or(|f| f.is_empty()) {
        return Ok(Plan::Remove(new));
    }
    Ok(Plan::Pending(new))
}

pub fn plan_any(res: &Res, obj: &Value, o: &Opts, now: i64) -> Result<Plan, ApiError> {
    if builtin(res, "namespaces") {
        return plan_namespace(res, obj, o, now);
    }
    plan(res, obj, o, now)
}

fn crd_contents(objects: &crate::local::store::Objects, crd: &Value) -> Vec<Op> {
    let prefix = format!("{}/{}/", crd["spec"]["group"].as_str().unwrap_or(""), crd["spec"]["names"]["plural"].as_str().unwrap_or(""));
    objects.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| Op { key: k.clone(), object: None }).collect()
}

fn success_status(res: &Res, obj: &Value) -> Value {
    let mut details = json!({"name": obj["metadata"]["name"]});
    if !res.group.is_empty() {
        details["group"] = json!(res.group);
    }
    details["kind"] = json!(res.name);
    details["uid"] = obj["metadata"]["uid"].clone();
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details})
}

/// Registries that answer a DELETE with the object rather than a Status.
fn returns_object(res: &Res) -> bool {
    res.custom.is_none() && (matches!(res.name, "namespaces" | "pods") || matches!(res.group, "apps" | "batch"))
}

pub fn delete(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    let res = t.res;
    let key = res.key(&t.namespace, name);
    let opts = Opts::from_req(req)?;
    let dry = req.dry_run();
    let now = now_secs();
    let mut result = None;
    state.store.commit::<ApiError>(|objects, rv| {
        let old = objects.get(&key).ok_or_else(|| ApiError::not_found(res, name))?;
        let p = plan_any(res, old, &opts, now)?;
        let mut ops: Vec<Op> = Vec::new();
        if let Plan::Remove(_) = &p {
            if builtin(res, "customresourcedefinitions") {
                // The custom resources go with their definition.
                ops.extend(crd_contents(objects, old));
            }
        }
        ops.extend(op(&key, &p, rv));
        result = Some(p);
        Ok(if dry { vec![] } else { ops })
    })??;
    let (gone, obj) = match result.expect("planned") {
        Plan::Remove(v) => (true, v),
        Plan::Update(v) | Plan::Pending(v) => (false, v),
    };
    if !gone || returns_object(res) {
        return Ok(json_response(200, &obj));
    }
    Ok(json_response(200, &success_status(res, &obj)))
}

pub fn delete_collection(state: &Arc<State>, req: &Req, t: &Target) -> Result<Response<Body>, ApiError> {
    let res = t.res;
    let opts = Opts::from_req(req)?;
    let (items, _) = super::list::select(state, req, t)?;
    let keys: Vec<String> = items.iter().map(|o| res.key(&t.namespace_of(o), o["metadata"]["name"].as_str().unwrap_or(""))).collect();
    let now = now_secs();
    let mut out = Vec::new();
    state.store.commit::<ApiError>(|objects, rv| {
        let mut ops: Vec<Op> = Vec::new();
        for k in &keys {
            let Some(old) = objects.get(k) else { continue };
            // Protected namespaces and failed preconditions are skipped, not fatal.
            let Ok(p) = plan_any(res, old, &opts, now) else { continue };
            if let (Plan::Remove(_), true) = (&p, builtin(res, "customresourcedefinitions")) {
                ops.extend(crd_contents(objects, old));
            }
            ops.extend(op(k, &p, rv));
            out.push(match p {
                Plan::Remove(v) | Plan::Update(v) | Plan::Pending(v) => v,
            });
        }
        Ok(if req.dry_run() { vec![] } else { ops })
    })??;
    let list = json!({"kind": format!("{}List", res.kind), "apiVersion": res.api_version(), "metadata": {"resourceVersion": state.store.revision().to_string()}, "items": out});
    Ok(json_response(200, &list))
}

/// Whether the namespace of a new object is being terminated (the
/// NamespaceLifecycle admission plugin's 403).
pub fn terminating_namespace(objects: &crate::local::store::Objects, res: &Res, ns: &str, name: &str) -> Result<(), ApiError> {
    let ns_res = resources::find("", "v1", "namespaces").unwrap();
    let Some(nsobj) = objects.get(&ns_res.key("", ns)) else { return Ok(()) };
    if nsobj["status"]["phase"] != "Terminating" {
        return Ok(());
    }
    let mut details = json!({"name": name});
    if !res.group.is_empty() {
        details["group"] = json!(res.group);
    }
    details["kind"] = json!(res.name);
    details["causes"] = json!([{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]);
    Err(ApiError {
        code: 403,
        reason: "Forbidden",
        message: format!("{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated", res.qualified()),
        details: Some(details),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pods() -> &'static Res {
        resources::find("", "v1", "pods").unwrap()
    }

    fn running_pod() -> Value {
        json!({"metadata": {"name": "p", "uid": "u1", "resourceVersion": "5"}, "spec": {"nodeName": "n", "terminationGracePeriodSeconds": 30}, "status": {"phase": "Running"}})
    }

    #[test]
    fn pods_are_deleted_gracefully_unless_forced() {
        let Plan::Update(p) = plan(pods(), &running_pod(), &Opts::policy("Background"), 1000).unwrap() else { panic!() };
        assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
        assert_eq!(unix(p["metadata"]["deletionTimestamp"].as_str().unwrap()), Some(1030));
        // A second delete with no shorter grace period changes nothing.
        assert!(matches!(plan(pods(), &p, &Opts::default(), 1001).unwrap(), Plan::Pending(_)));
        // The kubelet's final delete (grace 0) removes it.
        let zero = Opts { grace: Some(0), ..Opts::default() };
        assert!(matches!(plan(pods(), &p, &zero, 1002).unwrap(), Plan::Remove(_)));
        assert!(matches!(plan(pods(), &running_pod(), &zero, 1000).unwrap(), Plan::Remove(_)));
        let mut unscheduled = running_pod();
        unscheduled["spec"]["nodeName"] = Value::Null;
        assert!(matches!(plan(pods(), &unscheduled, &Opts::default(), 1000).unwrap(), Plan::Remove(_)));
    }

    #[test]
    fn finalizers_keep_objects_and_policies_add_theirs() {
        let deploy = resources::find("apps", "v1", "deployments").unwrap();
        let d = json!({"metadata": {"name": "d", "uid": "u", "generation": 3}});
        assert!(matches!(plan(deploy, &d, &Opts::policy("Background"), 10).unwrap(), Plan::Remove(_)));
        let Plan::Update(f) = plan(deploy, &d, &Opts::policy("Foreground"), 10).unwrap() else { panic!() };
        assert_eq!(f["metadata"]["finalizers"], json!([FOREGROUND]));
        assert_eq!(f["metadata"]["deletionGracePeriodSeconds"], 0);
        assert_eq!(f["metadata"]["generation"], 4);
        let Plan::Update(o) = plan(deploy, &d, &Opts::policy("Orphan"), 10).unwrap() else { panic!() };
        assert_eq!(o["metadata"]["finalizers"], json!([ORPHAN]));
        let mut held = d.clone();
        held["metadata"]["finalizers"] = json!(["example.com/x"]);
        let Plan::Update(h) = plan(deploy, &held, &Opts::default(), 10).unwrap() else { panic!() };
        assert_eq!(h["metadata"]["finalizers"], json!(["example.com/x"]));
        assert!(!done_after_update(deploy, &h));
        let mut released = h.clone();
        released["metadata"].as_object_mut().unwrap().remove("finalizers");
        assert!(done_after_update(deploy, &released));
        let jobs = resources::find("batch", "v1", "jobs").unwrap();
        let Plan::Update(j) = plan(jobs, &d, &Opts::default(), 10).unwrap() else { panic!() };
        assert_eq!(j["metadata"]["finalizers"], json!([ORPHAN]));
    }

    #[test]
    fn preconditions_and_protected_namespaces() {
        let e = plan(pods(), &running_pod(), &Opts { uid: Some("other".into()), ..Opts::default() }, 0).unwrap_err();
        assert_eq!(e.message, "Operation cannot be fulfilled on pods \"p\": Precondition failed: UID in precondition: other, UID in object meta: u1");
        let ns = resources::find("", "v1", "namespaces").unwrap();
        let e = plan_any(ns, &json!({"metadata": {"name": "default"}}), &Opts::default(), 0).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (403, "namespaces \"default\" is forbidden: this namespace may not be deleted"));
        let Plan::Update(t) = plan_any(ns, &json!({"metadata": {"name": "x"}, "spec": {"finalizers": ["kubernetes"]}}), &Opts::default(), 0).unwrap() else { panic!() };
        assert_eq!(t["status"]["phase"], "Terminating");
        assert!(matches!(plan_any(ns, &t, &Opts::default(), 1).unwrap(), Plan::Pending(_)));
    }
}

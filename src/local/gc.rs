//! What happens after a DELETE: the garbage collector (background, foreground
//! and orphan propagation through ownerReferences), the namespace controller
//! (empties a Terminating namespace, reports the real conditions, then removes
//! it) and the simulated kubelet's side of graceful pod deletion.
//!
//! Graceful pods: the real kubelet stops the containers and then deletes the
//! pod with grace 0, usually well before the grace period (30 s by default)
//! ends. Here containers run nothing, so a terminating pod is removed once
//! `POD_TERMINATION_SECS` (or its shorter grace period) has passed: long
//! enough for `kubectl get` to show `Terminating`, short enough that nobody
//! waits for a pod that has nothing to stop.
//!
//! Every pass reads the store, decides with `api::deletion::plan` (the same
//! rules as a client's DELETE) and writes in one commit, skipping any object
//! that changed since it was read (the next pass redoes it).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{json, Value};

use super::api::{deletion_op, deletion_plan, DeleteOpts, DeletePlan, State};
use super::controllers::meta;
use super::resources::{self, Res};
use super::store::Op;

pub const POD_TERMINATION_SECS: i64 = 1;
const ORPHAN: &str = "orphan";
const FOREGROUND: &str = "foregroundDeletion";

struct Obj {
    res: &'static Res,
    key: String,
    v: std::sync::Arc<Value>,
}

enum Action {
    /// Delete through the registry's rules.
    Delete { key: String, res: &'static Res, opts: DeleteOpts, rv: String },
    /// Replace objects (all or none), each only if unchanged since it was read.
    Edit(Vec<(String, &'static Res, String, Value)>),
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Owners on their way out are left alone by their controllers (as the real
/// ones do), or foreground deletion would race them re-creating dependents.
pub fn active(o: &impl std::borrow::Borrow<Value>) -> bool {
    !deleting(o.borrow())
}

fn deleting(o: &Value) -> bool {
    !o["metadata"]["deletionTimestamp"].is_null()
}

fn has_finalizer(o: &Value, f: &str) -> bool {
    o["metadata"]["finalizers"].as_array().is_some_and(|a| a.iter().any(|x| x == f))
}

fn without_finalizer(o: &Value, f: &str) -> Value {
    let mut n = o.clone();
    let rest: Vec<Value> = o["metadata"]["finalizers"].as_array().into_iter().flatten().filter(|x| *x != f).cloned().collect();
    if rest.is_empty() {
        n["metadata"].as_object_mut().map(|m| m.remove("finalizers"));
    } else {
        n["metadata"]["finalizers"] = json!(rest);
    }
    n
}

fn owner_uids(o: &Value) -> impl Iterator<Item = &str> {
    o["metadata"]["ownerReferences"].as_array().into_iter().flatten().filter_map(|r| r["uid"].as_str())
}

fn edit(o: &Obj, new: Value) -> (String, &'static Res, String, Value) {
    (o.key.clone(), o.res, meta(&o.v, "resourceVersion").to_string(), new)
}

/// The propagation policy the garbage collector deletes a dependent with.
fn own_policy(o: &Value) -> DeleteOpts {
    DeleteOpts::policy(if has_finalizer(o, ORPHAN) {
        "Orphan"
    } else if has_finalizer(o, FOREGROUND) {
        "Foreground"
    } else {
        "Background"
    })
}

fn load(state: &State) -> Vec<Obj> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in resources::all() {
        // Versions of a custom resource share their storage.
        if !seen.insert(r.prefix()) {
            continue;
        }
        for (key, v) in state.store.list(&r.prefix()).0 {
            out.push(Obj { res: r, key, v });
        }
    }
    out
}

pub fn pass(state: &State) -> std::io::Result<()> {
    let all = load(state);
    let now = now_secs();
    let by_uid: HashMap<&str, usize> = all.iter().enumerate().map(|(i, o)| (meta(&o.v, "uid"), i)).collect();
    let mut dependents: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, o) in all.iter().enumerate() {
        for u in owner_uids(&o.v) {
            dependents.entry(u).or_default().push(i);
        }
    }
    let mut actions = Vec::new();
    let delete = |o: &Obj, opts: DeleteOpts| Action::Delete { key: o.key.clone(), res: o.res, opts, rv: meta(&o.v, "resourceVersion").to_string() };
    for o in all.iter().filter(|o| deleting(&o.v)) {
        let uid = meta(&o.v, "uid");
        let deps = dependents.get(uid).map(Vec::as_slice).unwrap_or(&[]);
        if has_finalizer(&o.v, ORPHAN) {
            let mut edits: Vec<_> = deps
                .iter()
                .map(|&i| {
                    let d = &all[i];
                    let mut n = Value::clone(&d.v);
                    let refs: Vec<Value> = d.v["metadata"]["ownerReferences"].as_array().into_iter().flatten().filter(|r| r["uid"] != uid).cloned().collect();
                    if refs.is_empty() {
                        n["metadata"].as_object_mut().map(|m| m.remove("ownerReferences"));
                    } else {
                        n["metadata"]["ownerReferences"] = json!(refs);
                    }
                    edit(d, n)
                })
                .collect();
            edits.push(edit(o, without_finalizer(&o.v, ORPHAN)));
            actions.push(Action::Edit(edits));
        } else if has_finalizer(&o.v, FOREGROUND) {
            for &i in deps.iter().filter(|&&i| !deleting(&all[i].v)) {
                let d = &all[i];
                let has_own = dependents.get(meta(&d.v, "uid")).is_some_and(|v| !v.is_empty());
                actions.push(delete(d, DeleteOpts::policy(if has_own { "Foreground" } else { "Background" })));
            }
            let blocking = deps.iter().any(|&i| {
                all[i].v["metadata"]["ownerReferences"].as_array().into_iter().flatten().any(|r| r["uid"] == uid && r["blockOwnerDeletion"] == true)
            });
            if !blocking {
                actions.push(Action::Edit(vec![edit(o, without_finalizer(&o.v, FOREGROUND))]));
            }
        }
    }
    // Background: dependents none of whose owners exist any more.
    for o in all.iter().filter(|o| !deleting(&o.v)) {
        let mut owners = owner_uids(&o.v).peekable();
        if owners.peek().is_some() && owners.all(|u| !by_uid.contains_key(u)) {
            actions.push(delete(o, own_policy(&o.v)));
        }
    }
    // The kubelet's final delete of terminating pods.
    for o in all.iter().filter(|o| o.res.custom.is_none() && o.res.name == "pods" && deleting(&o.v)) {
        let gp = o.v["metadata"]["deletionGracePeriodSeconds"].as_i64().unwrap_or(0);
        let ts = o.v["metadata"]["deletionTimestamp"].as_str().and_then(super::api::deletion::unix).unwrap_or(0);
        if gp > 0 && now >= ts - gp + gp.min(POD_TERMINATION_SECS) {
            actions.push(delete(o, DeleteOpts { grace: Some(0), ..DeleteOpts::default() }));
        }
    }
    namespaces(&all, now, &mut actions);
    commit(state, actions, now)
}

/// The namespace controller: delete the content of Terminating namespaces
/// (background propagation), then finalize and remove them.
fn namespaces(all: &[Obj], now: i64, actions: &mut Vec<Action>) {
    let terminating: Vec<&Obj> = all
        .iter()
        .filter(|o| o.res.custom.is_none() && o.res.name == "namespaces" && deleting(&o.v))
        .filter(|o| o.v["spec"]["finalizers"].as_array().is_some_and(|f| f.iter().any(|x| x == "kubernetes")))
        .collect();
    if terminating.is_empty() {
        return;
    }
    let mut content: BTreeMap<&str, Vec<&Obj>> = BTreeMap::new();
    for o in all.iter().filter(|o| o.res.namespaced) {
        content.entry(meta(&o.v, "namespace")).or_default().push(o);
    }
    for ns in terminating {
        let name = meta(&ns.v, "name");
        let mut remaining: BTreeMap<String, usize> = BTreeMap::new();
        let mut finalizers: BTreeMap<String, usize> = BTreeMap::new();
        for o in content.get(name).into_iter().flatten() {
            let opts = DeleteOpts::policy("Background");
            let stays = deleting(&o.v) || !matches!(deletion_plan(o.res, &o.v, &opts, now), Ok(DeletePlan::Remove(_)));
            if !deleting(&o.v) {
                actions.push(Action::Delete { key: o.key.clone(), res: o.res, opts, rv: meta(&o.v, "resourceVersion").to_string() });
            }
            if stays {
                *remaining.entry(format!("{}.{}", o.res.name, o.res.group)).or_default() += 1;
                for f in o.v["metadata"]["finalizers"].as_array().into_iter().flatten().filter_map(|f| f.as_str()) {
                    *finalizers.entry(f.to_string()).or_default() += 1;
                }
            }
        }
        let mut n = Value::clone(&ns.v);
        // Finalized only once a pass finds it empty, so nothing is left behind
        // by a deletion that lost a race this time.
        if content.get(name).is_none_or(|c| c.is_empty()) {
            let rest: Vec<Value> = ns.v["spec"]["finalizers"].as_array().into_iter().flatten().filter(|f| *f != "kubernetes").cloned().collect();
            n["spec"]["finalizers"] = json!(rest);
            if rest.is_empty() {
                n["spec"].as_object_mut().map(|m| m.remove("finalizers"));
            }
        }
        n["status"]["conditions"] = conditions(&ns.v, &remaining, &finalizers);
        actions.push(Action::Edit(vec![edit(ns, n)]));
    }
}

/// The five conditions the v1.20 namespace controller reports.
fn conditions(ns: &Value, remaining: &BTreeMap<String, usize>, finalizers: &BTreeMap<String, usize>) -> Value {
    let now = super::api::now_rfc3339();
    let old = ns["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let cond = |t: &str, status: bool, reason: &str, message: String| {
        let status = if status { "True" } else { "False" };
        let since = old.iter().find(|c| c["type"] == t && c["status"] == status).map(|c| c["lastTransitionTime"].clone()).unwrap_or(json!(now));
        json!({"type": t, "status": status, "lastTransitionTime": since, "reason": reason, "message": message})
    };
    let list = |m: &BTreeMap<String, usize>, f: &dyn Fn(&String, &usize) -> String| m.iter().map(|(k, n)| f(k, n)).collect::<Vec<_>>().join(", ");
    json!([
        cond("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered", "All resources successfully discovered".into()),
        cond("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions", "All legacy kube types successfully parsed".into()),
        cond("NamespaceDeletionContentFailure", false, "ContentDeleted", "All content successfully deleted, may be waiting on finalization".into()),
        if remaining.is_empty() {
            cond("NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed".into())
        } else {
            cond("NamespaceContentRemaining", true, "SomeResourcesRemain",
                 format!("Some resources are remaining: {}", list(remaining, &|k, n| format!("{k} has {n} resource instances"))))
        },
        if finalizers.is_empty() {
            cond("NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers", "All content-preserving finalizers finished".into())
        } else {
            cond("NamespaceFinalizersRemaining", true, "SomeFinalizersRemain",
                 format!("Some content in the namespace has finalizers remaining: {}", list(finalizers, &|k, n| format!("{k} in {n} resource instances"))))
        },
    ])
}

fn commit(state: &State, actions: Vec<Action>, now: i64) -> std::io::Result<()> {
    if actions.is_empty() {
        return Ok(());
    }
    state
        .store
        .commit::<()>(|current, rv| {
            let mut ops: Vec<Op> = Vec::new();
            let mut touched: HashSet<String> = HashSet::new();
            let fresh = |key: &str, seen: &str, touched: &HashSet<String>| !touched.contains(key) && current.get(key).is_some_and(|c| meta(c, "resourceVersion") == seen);
            for a in actions {
                match a {
                    Action::Delete { key, res, opts, rv: seen } => {
                        if !fresh(&key, &seen, &touched) {
                            continue;
                        }
                        if let Ok(p) = deletion_plan(res, &current[&key], &opts, now) {
                            if let Some(op) = deletion_op(&key, &p, rv) {
                                touched.insert(key);
                                ops.push(op);
                            }
                        }
                    }
                    Action::Edit(edits) => {
                        if !edits.iter().all(|(k, _, seen, _)| fresh(k, seen, &touched)) {
                            continue;
                        }
                        for (key, res, _, mut new) in edits {
                            if new == *current[&key] {
                                continue;
                            }
                            touched.insert(key.clone());
                            if super::api::deletion::done_after_update(res, &new) {
                                ops.push(Op { key, object: None });
                            } else {
                                new["metadata"]["resourceVersion"] = json!(rv.to_string());
                                ops.push(Op { key, object: Some(new) });
                            }
                        }
                    }
                }
            }
            Ok(ops)
        })?
        .ok();
    Ok(())
}

/// Whether the controlling owner of a new `obj` is being deleted: controllers
/// create nothing for an owner on its way out (or foreground deletion would
/// never finish).
pub fn owner_deleting(current: &crate::local::store::Objects, obj: &Value) -> bool {
    let ns = meta(obj, "namespace");
    obj["metadata"]["ownerReferences"].as_array().into_iter().flatten().filter(|r| r["controller"] == true).any(|r| {
        let group = r["apiVersion"].as_str().unwrap_or("").rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let kind = r["kind"].as_str().unwrap_or("");
        resources::all().into_iter().filter(|res| res.group == group && res.kind == kind).any(|res| {
            let key = res.key(if res.namespaced { ns } else { "" }, r["name"].as_str().unwrap_or(""));
            current.get(&key).is_some_and(|o| o["metadata"]["uid"] == r["uid"] && deleting(o))
        })
    })
}

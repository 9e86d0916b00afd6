//! `metadata.managedFields` as kube-apiserver v1.20 keeps them: the field
//! manager chain of k8s.io/apiserver's `fieldmanager` package (strip the
//! server-owned metadata, merge consecutive updates of one manager, cap update
//! managers at 10, start tracking on create, apply's conflicts and pruning,
//! the `kubectl` manager's last-applied migration) over the structured-merge-diff
//! walks in `smd`.
//!
//! Every write through the API calls [`update`] (create, update, patch,
//! status) or [`apply`] (server-side apply). Objects stored without
//! managedFields by an older store stay untracked on update, as in the
//! apiserver.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::smd::{self, path_string, Set};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const MAX_UPDATE_MANAGERS: usize = 10;

/// A manager's identity: name, operation and (for updates only) apiVersion.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManagerId {
    pub manager: String,
    pub apply: bool,
    pub api_version: String,
}

impl ManagerId {
    fn new(manager: &str, apply: bool, api_version: &str) -> ManagerId {
        let manager = if manager.is_empty() { "unknown" } else { manager };
        ManagerId { manager: manager.to_string(), apply, api_version: if apply { String::new() } else { api_version.to_string() } }
    }

    /// How the apiserver names a manager in conflict messages (its identity
    /// carries no time, so the "at TIME" form never shows).
    fn describe(&self) -> String {
        if self.apply {
            format!("{:?}", self.manager)
        } else {
            format!("{:?} using {}", self.manager, self.api_version)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub set: Set,
    pub api_version: String,
    pub time: Option<String>,
}

pub type Managed = BTreeMap<ManagerId, Entry>;

/// A conflict of an apply with another manager's field.
pub struct Conflict {
    pub manager: String,
    pub path: String,
}

pub enum ApplyError {
    Conflicts(Vec<Conflict>),
    BadRequest(String),
    Internal(String),
}

fn now() -> String {
    super::api::now_rfc3339()
}

/// The managed fields recorded on `obj`; `None` when absent or undecodable.
pub fn decode(obj: &Value) -> Option<Managed> {
    let entries = obj["metadata"]["managedFields"].as_array()?;
    let mut out = Managed::new();
    for e in entries {
        if e["fieldsType"] != "FieldsV1" {
            return None;
        }
        let apply = e["operation"] == "Apply";
        let api_version = e["apiVersion"].as_str().unwrap_or("");
        let set = Set::from_fields_v1(e.get("fieldsV1").unwrap_or(&json!({}))).ok()?;
        out.insert(
            ManagerId::new(e["manager"].as_str().unwrap_or(""), apply, api_version),
            Entry { set, api_version: api_version.to_string(), time: e["time"].as_str().map(String::from) },
        );
    }
    Some(out)
}

/// The entries in the apiserver's order: Apply before Update, then by time,
/// manager and apiVersion.
pub fn encode(managed: &Managed) -> Vec<Value> {
    let mut entries: Vec<(&ManagerId, &Entry)> = managed.iter().collect();
    entries.sort_by(|(a, ea), (b, eb)| {
        let op = |m: &ManagerId| if m.apply { "Apply" } else { "Update" };
        op(a).cmp(op(b)).then_with(|| ea.time.as_deref().unwrap_or("").cmp(eb.time.as_deref().unwrap_or(""))).then_with(|| a.manager.cmp(&b.manager)).then_with(|| ea.api_version.cmp(&eb.api_version))
    });
    entries
        .into_iter()
        .map(|(id, e)| {
            let mut m = Map::new();
            m.insert("manager".into(), json!(id.manager));
            m.insert("operation".into(), json!(if id.apply { "Apply" } else { "Update" }));
            m.insert("apiVersion".into(), json!(e.api_version));
            if let Some(t) = &e.time {
                m.insert("time".into(), json!(t));
            }
            m.insert("fieldsType".into(), json!("FieldsV1"));
            m.insert("fieldsV1".into(), e.set.to_fields_v1());
            Value::Object(m)
        })
        .collect()
}

fn set_managed(obj: &mut Value, managed: &Managed) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) else { return };
    if managed.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert("managedFields".into(), Value::Array(encode(managed)));
    }
}

fn without_managed(obj: &Value) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    o
}

/// What a kind's writes are tracked with.
pub struct Kind {
    pub ty: usize,
    pub api_version: String,
}

impl Kind {
    pub fn new(group: &str, version: &str, kind: &str) -> Kind {
        let s = smd::schema();
        Kind { ty: s.kind(group, version, kind), api_version: if group.is_empty() { version.to_string() } else { format!("{group}/{version}") } }
    }

    /// The object the apiserver compares a created object with.
    pub fn empty_object(&self) -> Value {
        smd::schema().zero(self.ty)
    }
}

/// The server-owned metadata no manager owns (stripmeta.go).
fn strip(set: &Set) -> Set {
    let mut s = Set::default();
    for p in [&["f:apiVersion"][..], &["f:kind"], &["f:metadata"]] {
        s.insert(&p.iter().map(|x| x.to_string()).collect::<Vec<_>>());
    }
    for f in ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"] {
        s.insert(&["f:metadata".to_string(), format!("f:{f}")]);
    }
    set.difference(&s)
}

/// merge.Updater.update: other managers lose what this write changed or
/// removed; without `force`, changing their fields is a conflict.
fn smd_update(kind: &Kind, old: &Value, new: &Value, managed: &mut Managed, workflow: &ManagerId, force: bool) -> Result<smd::Comparison, ApplyError> {
    let cmp = smd::schema().compare(old, new, kind.ty).map_err(|e| ApplyError::Internal(format!("failed to compare objects: {e}")))?;
    let changed = cmp.modified.union(&cmp.added);
    let mut conflicts: Vec<(ManagerId, Set)> = Vec::new();
    for (id, e) in managed.iter() {
        if id == workflow {
            continue;
        }
        let c = e.set.intersection(&changed);
        if !c.is_empty() {
            conflicts.push((id.clone(), c));
        }
    }
    if !force && !conflicts.is_empty() {
        let mut out = Vec::new();
        for (id, set) in &conflicts {
            let who = id.describe();
            for p in set.paths() {
                out.push(Conflict { manager: who.clone(), path: path_string(&p) });
            }
        }
        return Err(ApplyError::Conflicts(out));
    }
    for (id, c) in conflicts {
        if let Some(e) = managed.get_mut(&id) {
            e.set = e.set.difference(&c);
        }
    }
    if !cmp.removed.is_empty() {
        for (id, e) in managed.iter_mut() {
            if id != workflow {
                e.set = e.set.difference(&cmp.removed);
            }
        }
    }
    managed.retain(|_, e| !e.set.is_empty());
    Ok(cmp)
}

/// Sets brought in line with the schema (merge.Updater's
/// reconcileManagedFieldsWithSchemaChanges).
fn reconcile(kind: &Kind, live: &Value, managed: &mut Managed) {
    let s = smd::schema();
    for e in managed.values_mut() {
        if let Some(set) = s.reconcile(&e.set, live, kind.ty) {
            e.set = set;
        }
    }
}

/// The Update chain below skip-non-applied: cap, manager info, merge with
/// the manager's previous entry, strip, structured update.
fn update_tracked(kind: &Kind, live: &Value, new: &Value, managed: &mut Managed, manager: &str) -> Result<(), ApplyError> {
    reconcile(kind, live, managed);
    let id = ManagerId::new(manager, false, &kind.api_version);
    let current = ManagerId::new("current-operation", false, &kind.api_version);
    let former = managed.get(&id).map(|e| e.set.clone());
    let cmp = smd_update(kind, live, new, managed, &current, true)?;
    let mut set = managed.remove(&current).map(|e| e.set).unwrap_or_default();
    set = set.union(&cmp.modified).union(&cmp.added).difference(&cmp.removed);
    set = strip(&set);
    if set.is_empty() {
        return Ok(());
    }
    if let Some(prev) = managed.get(&id) {
        set = set.union(&prev.set);
    }
    let time = if former.as_ref() != Some(&set) { Some(now()) } else { managed.get(&id).and_then(|e| e.time.clone()) };
    managed.insert(id, Entry { set, api_version: kind.api_version.clone(), time });
    cap_update_managers(managed);
    Ok(())
}

/// capmanagers.go: the oldest update managers beyond ten are merged into
/// one "ancient-changes" entry per apiVersion.
fn cap_update_managers(managed: &mut Managed) {
    let mut updaters: Vec<ManagerId> = managed.keys().filter(|id| !id.apply).cloned().collect();
    if updaters.len() <= MAX_UPDATE_MANAGERS {
        return;
    }
    updaters.sort_by(|a, b| managed[a].time.cmp(&managed[b].time).then_with(|| a.cmp(b)));
    let mut length = updaters.len();
    let mut first: BTreeMap<String, ManagerId> = BTreeMap::new();
    for id in updaters {
        if length <= MAX_UPDATE_MANAGERS {
            break;
        }
        let e = managed[&id].clone();
        let bucket = ManagerId::new("ancient-changes", false, &e.api_version);
        match first.get(&e.api_version) {
            Some(f) => {
                if !managed.contains_key(&bucket) {
                    let s = managed.remove(f).expect("first");
                    managed.insert(bucket.clone(), s);
                }
                let b = managed.get_mut(&bucket).expect("bucket");
                b.set = e.set.union(&b.set);
                b.time = e.time.clone();
                managed.remove(&id);
                length -= 1;
            }
            None => {
                first.insert(e.api_version.clone(), id);
            }
        }
    }
}

/// A non-apply write of `new` over `live` (`None` on create) by `manager`:
/// sets `new`'s managedFields. `from_request`: whether the body's own
/// managedFields count (not for subresources).
pub fn update(kind: &Kind, live: Option<&Value>, new: &mut Value, manager: &str, from_request: bool) {
    let live_managed = live.and_then(decode).unwrap_or_default();
    let req = new["metadata"].get("managedFields").cloned();
    let mut managed = match (&req, from_request) {
        // An empty list (or one empty entry) resets tracking.
        (Some(Value::Array(a)), true) if a.is_empty() || (a.len() == 1 && a[0].as_object().is_some_and(|o| o.is_empty())) => Managed::new(),
        (Some(_), true) => decode(new).filter(|m| !m.is_empty()).unwrap_or(live_managed),
        _ => live_managed,
    };
    let empty;
    let live_obj = match live {
        Some(l) => without_managed(l),
        None => {
            empty = kind.empty_object();
            empty
        }
    };
    let mut new_obj = without_managed(new);
    let mut live_obj = live_obj;
    smd::schema().fill_zero(&mut live_obj, kind.ty);
    smd::schema().fill_zero(&mut new_obj, kind.ty);
    if managed.is_empty() && live.is_some() {
        // Untracked objects stay untracked (skipnonapplied.go).
        set_managed(new, &managed);
        return;
    }
    if update_tracked(kind, &live_obj, &new_obj, &mut managed, manager).is_err() {
        // UpdateNoErrors: drop what cannot be computed rather than fail the write.
        managed.clear();
    }
    set_managed(new, &managed);
}

/// Server-side apply of `config` by `manager` over `live` (`None` to create).
/// Returns the new object with its managedFields, or `None` when nothing changed.
pub fn apply(kind: &Kind, live: Option<&Value>, config: &Value, manager: &str, force: bool) -> Result<Option<Value>, ApplyError> {
    let patch_version = config["apiVersion"].as_str().unwrap_or("");
    if patch_version != kind.api_version {
        return Err(ApplyError::BadRequest(format!(
            "Incorrect version specified in apply patch. Specified patch version: {patch_version}, expected: {}",
            kind.api_version
        )));
    }
    if config["metadata"].get("managedFields").is_some_and(|m| !m.is_null()) {
        return Err(ApplyError::BadRequest("metadata.managedFields must be nil".into()));
    }
    let mut managed = match live {
        Some(l) => match decode(l) {
            Some(m) => m,
            None if l["metadata"].get("managedFields").is_some() => return Err(ApplyError::Internal("failed to decode managed fields".into())),
            None => Managed::new(),
        },
        None => Managed::new(),
    };
    let mut live_obj = live.map(without_managed).unwrap_or_else(|| json!({}));
    if managed.is_empty() && live.is_some() {
        // Fields set before the first apply belong to "before-first-apply".
        let empty = kind.empty_object();
        update_tracked(kind, &empty, &live_obj, &mut managed, "before-first-apply")?;
    }
    let result = match apply_tracked(kind, &live_obj, config, &managed, manager, force) {
        Err(ApplyError::Conflicts(conflicts)) if manager == "kubectl" => {
            // kubectl's migration from client-side apply: conflicts on fields
            // whose live value is still the last-applied one are forced.
            match allowed_from_last_applied(kind, &live_obj) {
                Some(allowed) => {
                    let rest: Vec<Conflict> = conflicts.into_iter().filter(|c| !allowed.contains(&c.path)).collect();
                    if rest.is_empty() {
                        apply_tracked(kind, &live_obj, config, &managed, manager, true)
                    } else {
                        Err(ApplyError::Conflicts(rest))
                    }
                }
                None => Err(ApplyError::Conflicts(conflicts)),
            }
        }
        r => r,
    };
    let (new, new_managed) = result?;
    let changed_fields = new_managed != managed;
    managed = new_managed;
    let id = ManagerId::new(manager, true, "");
    let mut obj = match new {
        Some(n) => n,
        None if changed_fields => std::mem::take(&mut live_obj),
        None => return Ok(None),
    };
    if let Some(e) = managed.get_mut(&id) {
        e.time = Some(now());
    }
    if manager == "kubectl" && obj["metadata"]["annotations"].get(LAST_APPLIED).is_some() {
        let mut cfg = config.clone();
        if let Some(a) = cfg.get_mut("metadata").and_then(|m| m.get_mut("annotations")).and_then(Value::as_object_mut) {
            a.remove(LAST_APPLIED);
        }
        obj["metadata"]["annotations"][LAST_APPLIED] = json!(format!("{}\n", crate::patch::to_go_json(&cfg)));
    }
    smd::schema().drop_empty(&mut obj, kind.ty);
    set_managed(&mut obj, &managed);
    Ok(Some(obj))
}

/// merge.Updater.Apply plus the strip and manager-info layers: the merged,
/// pruned object (`None` if equal to `live`) and the new managed fields.
fn apply_tracked(kind: &Kind, live: &Value, config: &Value, managed: &Managed, manager: &str, force: bool) -> Result<(Option<Value>, Managed), ApplyError> {
    let s = smd::schema();
    let set = s.to_field_set(config, kind.ty).map_err(|e| ApplyError::Internal(format!("failed to create typed patch object: {e}")))?;
    let mut managed = managed.clone();
    reconcile(kind, live, &mut managed);
    let id = ManagerId::new(manager, true, "");
    let merged = s.merge(live, config, kind.ty).map_err(|e| ApplyError::Internal(format!("failed to merge config: {e}")))?;
    let last = managed.get(&id).map(|e| e.set.clone());
    let time = managed.get(&id).and_then(|e| e.time.clone());
    managed.insert(id.clone(), Entry { set, api_version: kind.api_version.clone(), time });
    let new = match &last {
        Some(last) if !last.is_empty() => prune(kind, &merged, &managed, last),
        _ => merged,
    };
    let cmp = smd_update(kind, live, &new, &mut managed, &id, force)?;
    if let Some(e) = managed.get_mut(&id) {
        e.set = strip(&e.set);
        if e.set.is_empty() {
            managed.remove(&id);
        }
    }
    Ok(((!cmp.is_same()).then_some(new), managed))
}

/// Removes what the applier owned before and no longer applies, unless
/// another manager owns it (merge.Updater.prune).
fn prune(kind: &Kind, merged: &Value, managed: &Managed, last: &Set) -> Value {
    let s = smd::schema();
    let fs = |v: &Value| s.to_field_set(v, kind.ty).unwrap_or_default();
    let pruned = s.remove_items(merged, last, kind.ty).unwrap_or_else(|| json!({}));
    let all = managed.values().fold(Set::default(), |acc, e| acc.union(&e.set));
    let merged_set = fs(merged);
    let pruned = s.remove_items(merged, &merged_set.difference(&fs(&pruned).union(&all)), kind.ty).unwrap_or_else(|| json!({}));
    s.remove_items(merged, &merged_set.difference(&fs(&pruned)).intersection(last), kind.ty).unwrap_or_else(|| json!({}))
}

/// The conflicts kubectl may take over when moving from client-side apply:
/// fields of the last-applied configuration whose live value still matches it.
fn allowed_from_last_applied(kind: &Kind, live: &Value) -> Option<Vec<String>> {
    let text = live["metadata"]["annotations"][LAST_APPLIED].as_str().filter(|t| !t.is_empty())?;
    let last: Value = serde_json::from_str(text).ok()?;
    if last["apiVersion"].as_str() != Some(kind.api_version.as_str()) {
        return None;
    }
    let s = smd::schema();
    let set = s.to_field_set(&last, kind.ty).ok()?;
    let cmp = s.compare(&last, live, kind.ty).ok()?;
    let allowed = set.difference(&cmp.modified).difference(&cmp.added).difference(&cmp.removed);
    Some(allowed.paths().iter().map(|p| path_string(p)).collect())
}

/// The apiserver's Status for apply conflicts (apply conflicts are 409 Conflict).
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if conflicts.len() == 1 {
        return format!("Apply failed with 1 conflict: conflict with {}: {}", conflicts[0].manager, conflicts[0].path);
    }
    let mut by_manager: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in conflicts {
        by_manager.entry(&c.manager).or_default().push(&c.path);
    }
    let mut lines = Vec::new();
    for (m, paths) in by_manager {
        lines.push(format!("conflicts with {m}:"));
        lines.extend(paths.iter().map(|p| format!("- {p}")));
    }
    format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}, "data": data})
    }

    fn managers(obj: &Value) -> Vec<(String, String, Value)> {
        obj["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["manager"].as_str().unwrap().to_string(), e["operation"].as_str().unwrap().to_string(), e["fieldsV1"].clone()))
            .collect()
    }

    fn applied(kind: &Kind, live: Option<&Value>, config: &Value, manager: &str, force: bool) -> Value {
        match apply(kind, live, config, manager, force) {
            Ok(Some(v)) => v,
            Ok(None) => live.unwrap().clone(),
            Err(_) => panic!("apply failed"),
        }
    }

    #[test]
    fn dropped_fields_go_unless_another_manager_owns_them() {
        let kind = Kind::new("", "v1", "ConfigMap");
        let one = applied(&kind, None, &cm(json!({"a": "1", "b": "2", "c": "3"})), "k", false);
        // Another writer changes c: it owns c now.
        let mut upd = one.clone();
        upd["data"]["c"] = json!("30");
        update(&kind, Some(&one), &mut upd, "editor", true);
        let two = applied(&kind, Some(&upd), &cm(json!({"a": "1"})), "k", false);
        assert_eq!(two["data"], json!({"a": "1", "c": "30"}));
        assert_eq!(
            managers(&two),
            [
                ("k".to_string(), "Apply".to_string(), json!({"f:data": {"f:a": {}}})),
                ("editor".to_string(), "Update".to_string(), json!({"f:data": {"f:c": {}}})),
            ]
        );
    }

    #[test]
    fn conflicts_name_every_manager_and_force_takes_over() {
        let kind = Kind::new("", "v1", "ConfigMap");
        let one = applied(&kind, None, &cm(json!({"a": "1"})), "first", false);
        let mut upd = one.clone();
        upd["data"]["b"] = json!("2");
        update(&kind, Some(&one), &mut upd, "kubectl-edit", true);
        let Err(ApplyError::Conflicts(c)) = apply(&kind, Some(&upd), &cm(json!({"a": "9", "b": "9"})), "second", false) else { panic!("no conflict") };
        assert_eq!(
            conflict_message(&c),
            "Apply failed with 2 conflicts: conflicts with \"first\":\n- .data.a\nconflicts with \"kubectl-edit\" using v1:\n- .data.b"
        );
        let forced = applied(&kind, Some(&upd), &cm(json!({"a": "9", "b": "9"})), "second", true);
        assert_eq!(managers(&forced).len(), 1, "{:?}", managers(&forced));
        assert_eq!(forced["data"], json!({"a": "9", "b": "9"}));
    }

    #[test]
    fn unchanged_apply_writes_nothing_and_updates_merge_per_manager() {
        let kind = Kind::new("", "v1", "ConfigMap");
        let config = cm(json!({"a": "1"}));
        let one = applied(&kind, None, &config, "k", false);
        assert!(apply(&kind, Some(&one), &config, "k", false).ok().flatten().is_none());
        let mut two = one.clone();
        two["data"]["b"] = json!("2");
        update(&kind, Some(&one), &mut two, "u", true);
        let mut three = two.clone();
        three["data"]["c"] = json!("3");
        update(&kind, Some(&two), &mut three, "u", true);
        assert_eq!(managers(&three)[1], ("u".to_string(), "Update".to_string(), json!({"f:data": {"f:b": {}, "f:c": {}}})));
    }

    #[test]
    fn more_than_ten_update_managers_fold_into_ancient_changes() {
        let kind = Kind::new("", "v1", "ConfigMap");
        let mut obj = cm(json!({}));
        update(&kind, None, &mut obj, "m0", true);
        for i in 1..=11 {
            let mut next = obj.clone();
            next["data"][format!("k{i}")] = json!("v");
            update(&kind, Some(&obj), &mut next, &format!("m{i}"), true);
            obj = next;
        }
        let names: Vec<String> = managers(&obj).into_iter().map(|m| m.0).collect();
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(names.contains(&"ancient-changes".to_string()), "{names:?}");
    }
}

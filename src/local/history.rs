//! ControllerRevisions, the history of StatefulSets and DaemonSets, stored as
//! the v1.20 controllers store them: `data` is the strategic-merge patch that
//! restores the pod template (`{"spec":{"template":{..,"$patch":"replace"}}}`,
//! keys sorted as Go's encoder writes a map), the name is `<owner>-<hash>`
//! (FNV-32 of the data and the collision count), `revision` counts up, and a
//! revision that becomes current again (rollout undo) takes the next number.

use serde_json::{json, Value};

use super::controllers::{meta, owner_ref, res, safe_encode};
use super::resources::Res;

pub(super) fn revisions_res() -> &'static Res {
    res("apps", "controllerrevisions")
}

/// Go's `hash/fnv` New32 (multiply, then xor).
fn fnv32(data: &[u8]) -> u32 {
    data.iter().fold(2166136261u32, |h, b| h.wrapping_mul(16777619) ^ *b as u32)
}

/// The template as the typed Go struct serialises it.
fn typed_template(template: &Value) -> Value {
    let mut t = template.clone();
    if !t["metadata"].is_object() {
        t["metadata"] = json!({});
    }
    if t["metadata"].get("creationTimestamp").is_none() {
        t["metadata"]["creationTimestamp"] = Value::Null;
    }
    t
}

/// The revision data of a workload's current template.
pub(super) fn data_of(owner: &Value) -> Value {
    let mut t = typed_template(&owner["spec"]["template"]);
    t["$patch"] = json!("replace");
    json!({"spec": {"template": t}})
}

/// The pod template recorded in a revision.
pub(super) fn template_of(rev: &Value) -> Value {
    let mut t = rev["data"]["spec"]["template"].clone();
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    t
}

pub(super) fn hash(data: &Value, collisions: Option<i64>) -> String {
    let mut bytes = serde_json::to_vec(data).unwrap_or_default();
    if let Some(c) = collisions {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    safe_encode(fnv32(&bytes))
}

pub(super) fn number(rev: &Value) -> i64 {
    rev["revision"].as_i64().unwrap_or(0)
}

/// How a controller labels and annotates its revisions.
pub(super) struct Flavour {
    pub kind: &'static str,
    /// The label carrying the hash on the revision itself.
    pub hash_label: &'static str,
}

/// The outcome of syncing an owner's history.
pub(super) struct Synced {
    /// Every revision the owner has after the sync, oldest first.
    pub revisions: Vec<Value>,
    /// Index of the revision of the current template.
    pub update: usize,
    /// Revisions to write (created, or renumbered).
    pub writes: Vec<Value>,
}

/// Find the revision equal to the owner's template (renumbering it when it is
/// not the newest), or create the next one.
pub(super) fn sync(owner: &Value, owned: Vec<Value>, flavour: &Flavour) -> Synced {
    let mut revisions = owned;
    revisions.sort_by(|a, b| number(a).cmp(&number(b)).then(meta(a, "creationTimestamp").cmp(meta(b, "creationTimestamp"))));
    let data = data_of(owner);
    let max = revisions.iter().map(number).max().unwrap_or(0);
    let mut writes = Vec::new();
    if let Some(i) = revisions.iter().rposition(|r| r["data"] == data) {
        if number(&revisions[i]) != max {
            revisions[i]["revision"] = json!(max + 1);
            writes.push(revisions[i].clone());
            let r = revisions.remove(i);
            revisions.push(r);
            return Synced { update: revisions.len() - 1, revisions, writes };
        }
        return Synced { revisions, update: i, writes };
    }
    let collisions = owner["status"]["collisionCount"].as_i64();
    let h = hash(&data, collisions.or(Some(0)).filter(|_| flavour.kind == "StatefulSet").or(collisions));
    let mut labels = owner["spec"]["template"]["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[flavour.hash_label] = json!(h);
    let mut annotations = owner["metadata"]["annotations"].clone();
    if !annotations.is_object() {
        annotations = json!({});
    }
    let mut rev = json!({
        "kind": "ControllerRevision", "apiVersion": "apps/v1",
        "metadata": {"name": format!("{}-{h}", meta(owner, "name")), "namespace": meta(owner, "namespace"), "labels": labels,
                     "annotations": annotations, "ownerReferences": owner_ref(flavour.kind, "apps/v1", owner)},
        "data": data, "revision": max + 1,
    });
    if rev["metadata"]["annotations"].as_object().is_some_and(|a| a.is_empty()) {
        rev["metadata"].as_object_mut().unwrap().remove("annotations");
    }
    writes.push(rev.clone());
    revisions.push(rev);
    Synced { update: revisions.len() - 1, revisions, writes }
}

/// Keys of the oldest revisions beyond `revisionHistoryLimit` that no pod and
/// no status still refers to.
pub(super) fn truncate(owner: &Value, revisions: &[Value], live: &[String]) -> Vec<String> {
    let limit = owner["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10).max(0) as usize;
    let dead: Vec<&Value> = revisions.iter().filter(|r| !live.iter().any(|l| l == meta(r, "name"))).collect();
    if dead.len() <= limit {
        return vec![];
    }
    let r = revisions_res();
    dead[..dead.len() - limit].iter().map(|v| r.key(meta(v, "namespace"), meta(v, "name"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_renumbers_the_equal_revision() {
        let owner = |image: &str| json!({"metadata": {"name": "db", "namespace": "n", "uid": "u"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": image}]}}}});
        let fl = Flavour { kind: "StatefulSet", hash_label: "controller.kubernetes.io/hash" };
        let s1 = sync(&owner("a"), vec![], &fl);
        assert_eq!(s1.revisions[s1.update]["revision"], 1);
        assert_eq!(s1.revisions[0]["data"]["spec"]["template"]["$patch"], "replace");
        let s2 = sync(&owner("b"), s1.revisions.clone(), &fl);
        assert_eq!(s2.revisions[s2.update]["revision"], 2);
        let s3 = sync(&owner("a"), s2.revisions.clone(), &fl);
        assert_eq!((s3.revisions[s3.update]["revision"].clone(), s3.writes.len()), (json!(3), 1));
        assert_eq!(meta(&s3.revisions[s3.update], "name"), meta(&s1.revisions[0], "name"));
        assert_eq!(template_of(&s3.revisions[s3.update])["spec"]["containers"][0]["image"], "a");
    }
}

//! The revision history of a workload, as kubectl's history viewers and
//! rollbackers read it: a Deployment's ReplicaSets, or the ControllerRevisions
//! a StatefulSet or DaemonSet controls.

use serde_json::Value;

use super::ordered::{self, OValue};
use super::Found;
use crate::client::{Client, Request, ResourcePath};

/// One revision: its number and the object that records it.
#[derive(Debug, Clone)]
pub struct Revision {
    pub number: i64,
    pub object: Value,
    pub ordered: OValue,
}

/// A label selector object as the selector string kubectl sends.
pub fn selector_string(sel: &Value) -> String {
    crate::selector::label_selector_string(sel).unwrap_or_default()
}

fn controlled_by(obj: &Value, owner_uid: &str) -> bool {
    obj["metadata"]["ownerReferences"].as_array().into_iter().flatten().any(|r| r["controller"].as_bool() == Some(true) && r["uid"].as_str() == Some(owner_uid))
}

async fn fetch(client: &Client, path: String, selector: Option<String>) -> Result<OValue, super::Failure> {
    let mut req = Request::get(path);
    if let Some(s) = selector {
        req = req.query("labelSelector", s);
    }
    let resp = client.send(&req).await.map_err(|e| super::Failure::plain(super::plain_error(&e)))?;
    ordered::parse(&resp.body).map_err(super::Failure::plain)
}

/// The workload as kubectl's typed client reads it (not the builder's copy).
pub async fn live(client: &Client, f: &Found) -> Result<OValue, super::Failure> {
    fetch(client, f.path(None), None).await
}

/// Every ReplicaSet a Deployment controls that has a revision number.
pub async fn replica_sets(client: &Client, f: &Found, deployment: &Value) -> Result<Vec<Revision>, String> {
    let path = ResourcePath { group: "apps", version: "v1", resource: "replicasets", namespace: f.namespace.as_deref(), ..Default::default() }.to_path();
    let sel = selector_string(&deployment["spec"]["selector"]);
    let list = fetch(client, path, Some(sel)).await.map_err(|e| format!("failed to retrieve replica sets from deployment {}: {}", f.name, e.message()))?;
    let uid = deployment["metadata"]["uid"].as_str().unwrap_or("");
    let api_version = list.get("apiVersion").cloned().unwrap_or(OValue::Null);
    let mut out = Vec::new();
    for item in list.get("items").and_then(OValue::as_array).cloned().unwrap_or_default() {
        let item = item.with_type("ReplicaSet", api_version.clone());
        let object = item.to_value();
        if !controlled_by(&object, uid) {
            continue;
        }
        let Ok(number) = super::revision_of(&object) else { continue };
        out.push(Revision { number, object, ordered: item });
    }
    Ok(out)
}

/// Every ControllerRevision a StatefulSet or DaemonSet controls, in list order.
pub async fn controller_revisions(client: &Client, f: &Found, workload: &Value) -> Result<Vec<Revision>, String> {
    let path = ResourcePath { group: "apps", version: "v1", resource: "controllerrevisions", namespace: f.namespace.as_deref(), ..Default::default() }.to_path();
    let sel = selector_string(&workload["spec"]["selector"]);
    let owner = if f.kind() == super::WorkloadKind::StatefulSet { "StatefulSet" } else { "DaemonSet" };
    let list = fetch(client, path, Some(sel)).await.map_err(|e| format!("unable to find history controlled by {owner} {}: {}", f.name, e.message()))?;
    let uid = workload["metadata"]["uid"].as_str().unwrap_or("");
    let api_version = list.get("apiVersion").cloned().unwrap_or(OValue::Null);
    let mut out = Vec::new();
    for item in list.get("items").and_then(OValue::as_array).cloned().unwrap_or_default() {
        let item = item.with_type("ControllerRevision", api_version.clone());
        let object = item.to_value();
        if !controlled_by(&object, uid) {
            continue;
        }
        let number = object["revision"].as_i64().unwrap_or(0);
        out.push(Revision { number, object, ordered: item });
    }
    Ok(out)
}

/// The workload as it was at a ControllerRevision: its recorded data is a
/// strategic merge patch that replaces spec.template.
pub fn apply_revision(workload: &OValue, rev: &Revision, kind: super::WorkloadKind) -> OValue {
    let mut out = workload.clone();
    if let Some(OValue::Object(fields)) = rev.ordered.get("data").and_then(|d| d.get("spec")).and_then(|s| s.get("template")) {
        let template = super::go_order::pod_template(&OValue::Object(fields.iter().filter(|(k, _)| k != "$patch").cloned().collect()));
        if let Some(spec) = out.get_mut("spec") {
            spec.set("template", template);
        }
    }
    if kind == super::WorkloadKind::StatefulSet {
        super::as_typed("StatefulSet", &mut out);
    }
    out
}

/// The template recorded by a ControllerRevision (with `$patch` removed).
pub fn revision_template(rev: &Revision) -> Value {
    let mut t = rev.object["data"]["spec"]["template"].clone();
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    t
}

/// kubectl's `getDaemonSetPatch`/`getStatefulSetPatch`: the current template
/// as the patch a ControllerRevision would record, compared as JSON.
pub fn matches_current(workload: &Value, rev: &Revision) -> bool {
    let current = without_empty(&workload["spec"]["template"]);
    current == without_empty(&revision_template(rev))
}

/// Deployments: equal templates once the pod-template-hash label is ignored,
/// with empty and absent fields alike (apimachinery's semantic equality).
pub fn templates_equal_ignoring_hash(a: &Value, b: &Value) -> bool {
    let strip = |t: &Value| {
        let mut t = t.clone();
        if let Some(l) = t["metadata"]["labels"].as_object_mut() {
            l.remove("pod-template-hash");
        }
        without_empty(&t)
    };
    strip(a) == strip(b)
}

fn without_empty(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), without_empty(v)))
                .filter(|(_, v)| !(v.is_null() || v.as_object().is_some_and(|m| m.is_empty()) || v.as_array().is_some_and(|a| a.is_empty())))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors() {
        let s = json!({"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "c", "operator": "In", "values": ["y", "x"]}, {"key": "d", "operator": "DoesNotExist"}]});
        assert_eq!(selector_string(&s), "a=1,b=2,c in (x,y),!d");
    }

    #[test]
    fn template_equality_ignores_hash_and_empties() {
        let a = json!({"metadata": {"labels": {"app": "x", "pod-template-hash": "1"}, "creationTimestamp": null}, "spec": {"containers": [{"name": "c", "resources": {}}]}});
        let b = json!({"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c"}]}});
        assert!(templates_equal_ignoring_hash(&a, &b));
        let c = json!({"metadata": {"labels": {"app": "y"}}, "spec": {"containers": [{"name": "c"}]}});
        assert!(!templates_equal_ignoring_hash(&a, &c));
    }
}

//! What `kubectl set` sees through Go's typed objects: where each workload
//! keeps its pod spec, and the empty fields a typed round trip adds to an
//! object read from a file (`creationTimestamp: null`, `resources: {}`, …).

use serde_json::{json, Map, Value};

/// The path to the pod spec of the kinds kubectl's `UpdatePodSpecForObject`
/// knows, or `None` for any other kind.
pub fn pod_spec_path(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    Some(match (group, kind) {
        ("", "Pod") => &["spec"],
        ("", "ReplicationController")
        | ("apps" | "extensions", "Deployment" | "ReplicaSet" | "DaemonSet")
        | ("apps", "StatefulSet")
        | ("batch", "Job") => &["spec", "template", "spec"],
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

pub fn pod_spec_mut<'a>(obj: &'a mut Value, path: &[&str]) -> Option<&'a mut Map<String, Value>> {
    let mut cur = obj;
    for p in path {
        cur = cur.get_mut(*p)?;
    }
    cur.as_object_mut()
}

/// Go's `%T` of the typed object kubectl would hold: `*v1.Service`.
pub fn go_type(api_version: &str, kind: &str) -> String {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    format!("*{version}.{kind}")
}

fn ensure(map: &mut Map<String, Value>, key: &str, v: Value) {
    map.entry(key.to_string()).or_insert(v);
}

fn meta_defaults(obj: &mut Value) {
    if let Some(m) = obj.as_object_mut() {
        let meta = m.entry("metadata").or_insert_with(|| json!({}));
        if let Some(meta) = meta.as_object_mut() {
            ensure(meta, "creationTimestamp", Value::Null);
        }
    }
}

fn template_defaults(template: &mut Value) {
    meta_defaults(template);
    if let Some(spec) = template.get_mut("spec").and_then(Value::as_object_mut) {
        for list in ["containers", "initContainers"] {
            for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(c) = c.as_object_mut() {
                    ensure(c, "resources", json!({}));
                }
            }
        }
    }
}

/// The fields a Go typed round trip adds to a workload read from a file, as
/// `kubectl set --local -o yaml` prints it.
pub fn with_typed_defaults(mut obj: Value, group: &str, kind: &str) -> Value {
    meta_defaults(&mut obj);
    let status = match (group, kind) {
        ("apps", "StatefulSet") => json!({"availableReplicas": 0, "replicas": 0}),
        ("apps" | "extensions", "DaemonSet") => json!({"currentNumberScheduled": 0, "desiredNumberScheduled": 0, "numberMisscheduled": 0, "numberReady": 0}),
        ("apps" | "extensions", "ReplicaSet") | ("", "ReplicationController") => json!({"replicas": 0}),
        _ => json!({}),
    };
    let Some(top) = obj.as_object_mut() else { return obj };
    ensure(top, "status", status);
    let Some(spec) = top.get_mut("spec").and_then(Value::as_object_mut) else { return obj };
    match (group, kind) {
        ("apps" | "extensions", "Deployment") => ensure(spec, "strategy", json!({})),
        ("apps", "StatefulSet") => {
            ensure(spec, "serviceName", json!(""));
            ensure(spec, "updateStrategy", json!({}));
        }
        ("apps" | "extensions", "DaemonSet") => ensure(spec, "updateStrategy", json!({})),
        _ => {}
    }
    if kind == "Pod" {
        if let Some(spec_value) = obj.get_mut("spec") {
            let mut wrapper = json!({"spec": spec_value.take()});
            template_defaults(&mut wrapper);
            *spec_value = wrapper["spec"].take();
        }
        return obj;
    }
    if kind == "CronJob" {
        if let Some(jt) = obj.pointer_mut("/spec/jobTemplate") {
            meta_defaults(jt);
        }
        if let Some(t) = obj.pointer_mut("/spec/jobTemplate/spec/template") {
            template_defaults(t);
        }
    } else if let Some(t) = obj.pointer_mut("/spec/template") {
        template_defaults(t);
    }
    obj
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_what_go_structs_always_print() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        let t = with_typed_defaults(d, "apps", "Deployment");
        assert_eq!(t["metadata"]["creationTimestamp"], Value::Null);
        assert!(t["metadata"].as_object().unwrap().contains_key("creationTimestamp"));
        assert_eq!(t["spec"]["strategy"], json!({}));
        assert_eq!(t["spec"]["template"]["spec"]["containers"][0]["resources"], json!({}));
        assert_eq!(t["status"], json!({}));
        let p = with_typed_defaults(json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}), "", "Pod");
        assert_eq!(p["spec"]["containers"][0]["resources"], json!({}));
        assert_eq!(go_type("v1", "Service"), "*v1.Service");
        assert_eq!(go_type("batch/v1beta1", "CronJob"), "*v1beta1.CronJob");
    }
}

//! `kubectl describe deployment`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, i, labels_multiline, list_path, s, selector_query, selector_string, time};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Need};
use crate::dw;

const REPLICA_SETS: &str = "replicasets";

/// The ReplicaSets the deployment's selector matches (kubectl then keeps
/// those the deployment controls).
pub fn needs(d: &Value) -> Vec<Need> {
    let ns = s(&d["metadata"]["namespace"]);
    vec![Need::list(REPLICA_SETS, list_path("apps", "v1", "replicasets", ns)).labels(selector_query(&d["spec"]["selector"]))]
}

pub fn describe(d: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&d["metadata"], &d["spec"], &d["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Selector:\t{}\n", selector_string(&spec["selector"]));
    dw!(
        w,
        LEVEL_0,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        i(&spec["replicas"]),
        i(&status["updatedReplicas"]),
        i(&status["replicas"]),
        i(&status["availableReplicas"]),
        i(&status["unavailableReplicas"])
    );
    dw!(w, LEVEL_0, "StrategyType:\t{}\n", s(&spec["strategy"]["type"]));
    dw!(w, LEVEL_0, "MinReadySeconds:\t{}\n", i(&spec["minReadySeconds"]));
    let ru = &spec["strategy"]["rollingUpdate"];
    if ru.is_object() {
        dw!(w, LEVEL_0, "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n", int_or_string(&ru["maxUnavailable"]), int_or_string(&ru["maxSurge"]));
    }
    pod_template(&mut w, &spec["template"]);
    let conditions = arr(&status["conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(LEVEL_1, "----\t------\t------\n");
        for c in conditions {
            dw!(w, LEVEL_1, "{} \t{}\t{}\n", s(&c["type"]), s(&c["status"]), s(&c["reason"]));
        }
    }
    if let Some(all) = ctx.items(REPLICA_SETS) {
        let (old, new) = split_replica_sets(d, all);
        if !old.is_empty() || new.is_some() {
            dw!(w, LEVEL_0, "OldReplicaSets:\t{}\n", replica_sets_text(&old));
            dw!(w, LEVEL_0, "NewReplicaSet:\t{}\n", replica_sets_text(&new.into_iter().collect::<Vec<_>>()));
        }
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// `intstr.String()`: a number or the string as given.
fn int_or_string(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(t) => t.clone(),
        _ => "0".to_string(),
    }
}

/// deploymentutil's split: of the ReplicaSets the deployment controls
/// (oldest first, ties by name), the first whose pod template equals the
/// deployment's (ignoring the pod-template-hash label) is the new one; the
/// others are old.
fn split_replica_sets<'a>(d: &Value, all: &'a [Value]) -> (Vec<&'a Value>, Option<&'a Value>) {
    let uid = s(&d["metadata"]["uid"]);
    let owned: Vec<&Value> = all
        .iter()
        .filter(|rs| arr(&rs["metadata"]["ownerReferences"]).iter().any(|r| r["controller"].as_bool() == Some(true) && s(&r["uid"]) == uid))
        .collect();
    // kubectl sorts the list in place to find the new one, so the old ones
    // come out oldest first too.
    let mut owned = owned;
    owned.sort_by(|a, b| {
        let key = |x: &Value| (super::time::unix_seconds(s(&x["metadata"]["creationTimestamp"])).unwrap_or(0), s(&x["metadata"]["name"]).to_string());
        key(a).cmp(&key(b))
    });
    let template = without_hash(&d["spec"]["template"]);
    let new = owned.iter().copied().find(|rs| without_hash(&rs["spec"]["template"]) == template);
    let old = owned.into_iter().filter(|rs| new.is_none_or(|n| !std::ptr::eq(*rs, n))).collect();
    (old, new)
}

/// A pod template without the pod-template-hash label (an emptied label
/// map counts as none, as in apimachinery's semantic equality).
fn without_hash(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(labels) = t.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        labels.remove("pod-template-hash");
        if labels.is_empty() {
            t["metadata"].as_object_mut().map(|m| m.remove("labels"));
        }
    }
    t
}

fn replica_sets_text(list: &[&Value]) -> String {
    if list.is_empty() {
        return "<none>".to_string();
    }
    list.iter()
        .map(|rs| format!("{} ({}/{} replicas created)", s(&rs["metadata"]["name"]), i(&rs["status"]["replicas"]), i(&rs["spec"]["replicas"])))
        .collect::<Vec<_>>()
        .join(", ")
}

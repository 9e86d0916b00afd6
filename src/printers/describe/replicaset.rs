//! `kubectl describe replicaset`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, controlled_by, events, i, labels_multiline, list_path, pod_status_counts, s, selector_query, selector_string};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Fetched, Need};
use crate::dw;

pub const PODS: &str = "pods";

/// The pods the controller's selector matches, for its "Pods Status" line
/// (shared by ReplicaSet, StatefulSet and DaemonSet).
pub fn needs(obj: &Value) -> Vec<Need> {
    let ns = s(&obj["metadata"]["namespace"]);
    vec![Need::list(PODS, list_path("", "v1", "pods", ns)).labels(selector_query(&obj["spec"]["selector"]))]
}

/// `Running / Waiting / Succeeded / Failed` counts of the object's pods, or
/// the error listing them.
pub fn pods_status(obj: &Value, ctx: &DescribeContext) -> Result<String, String> {
    match ctx.get(PODS) {
        Some(Fetched::Failed { message, .. }) => Err(message.clone()),
        _ => {
            let (r, w, su, f) = pod_status_counts(ctx.items(PODS).unwrap_or(&[]), s(&obj["metadata"]["uid"]));
            Ok(format!("{r} Running / {w} Waiting / {su} Succeeded / {f} Failed"))
        }
    }
}

pub fn describe(rs: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&rs["metadata"], &rs["spec"], &rs["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    let selector = selector_string(&spec["selector"]);
    dw!(w, LEVEL_0, "Selector:\t{}\n", if selector.is_empty() { "<none>" } else { &selector });
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    if let Some(c) = controlled_by(rs) {
        dw!(w, LEVEL_0, "Controlled By:\t{c}\n");
    }
    dw!(w, LEVEL_0, "Replicas:\t{} current / {} desired\n", i(&status["replicas"]), i(&spec["replicas"]));
    w.write(LEVEL_0, "Pods Status:\t");
    match pods_status(rs, ctx) {
        Ok(text) => dw!(w, LEVEL_0, "{text}\n"),
        Err(e) => dw!(w, LEVEL_0, "error in fetching pods: {e}\n"),
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
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

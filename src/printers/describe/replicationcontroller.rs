//! `kubectl describe replicationcontroller`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, i, labels_multiline, list_path, s, sorted_map};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Need};
use crate::dw;

/// labels.FormatLabels / SelectorFromSet: sorted `k=v` pairs.
fn selector(rc: &Value) -> String {
    sorted_map(&rc["spec"]["selector"]).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// Its pods, which it cannot be described without (kubectl fails then).
pub fn needs(rc: &Value) -> Vec<Need> {
    let ns = s(&rc["metadata"]["namespace"]);
    vec![Need::list(super::replicaset::PODS, list_path("", "v1", "pods", ns)).labels(selector(rc)).required()]
}

pub fn describe(rc: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&rc["metadata"], &rc["spec"], &rc["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    let sel = selector(rc);
    dw!(w, LEVEL_0, "Selector:\t{}\n", if sel.is_empty() { "<none>" } else { &sel });
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Replicas:\t{} current / {} desired\n", i(&status["replicas"]), i(&spec["replicas"]));
    let pods = super::replicaset::pods_status(rc, ctx).unwrap_or_default();
    dw!(w, LEVEL_0, "Pods Status:\t{pods}\n");
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

//! `kubectl describe daemonset`.

use serde_json::Value;

use super::common::{annotations_multiline, events, i, labels_multiline, s, selector_string, sorted_map};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0};
use super::{DescribeContext, Need};
use crate::dw;

pub fn needs(obj: &Value) -> Vec<Need> {
    // Unlike the ReplicaSet describer, these fail when the pods cannot be listed.
    super::replicaset::needs(obj).into_iter().map(Need::required).collect()
}

pub fn describe(ds: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&ds["metadata"], &ds["spec"], &ds["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Selector:\t{}\n", selector_string(&spec["selector"]));
    // labels.FormatLabels: k=v pairs sorted, or <none>.
    let node_selector = sorted_map(&spec["template"]["spec"]["nodeSelector"]).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    dw!(w, LEVEL_0, "Node-Selector:\t{}\n", if node_selector.is_empty() { "<none>" } else { &node_selector });
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Desired Number of Nodes Scheduled: {}\n", i(&status["desiredNumberScheduled"]));
    dw!(w, LEVEL_0, "Current Number of Nodes Scheduled: {}\n", i(&status["currentNumberScheduled"]));
    dw!(w, LEVEL_0, "Number of Nodes Scheduled with Up-to-date Pods: {}\n", i(&status["updatedNumberScheduled"]));
    dw!(w, LEVEL_0, "Number of Nodes Scheduled with Available Pods: {}\n", i(&status["numberAvailable"]));
    dw!(w, LEVEL_0, "Number of Nodes Misscheduled: {}\n", i(&status["numberMisscheduled"]));
    let pods = super::replicaset::pods_status(ds, ctx).unwrap_or_default();
    dw!(w, LEVEL_0, "Pods Status:\t{pods}\n");
    pod_template(&mut w, &spec["template"]);
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

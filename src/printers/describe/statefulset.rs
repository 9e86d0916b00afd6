//! `kubectl describe statefulset`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, i, labels_multiline, s, selector_string, time};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Need};
use crate::dw;

pub fn needs(obj: &Value) -> Vec<Need> {
    // Unlike the ReplicaSet describer, these fail when the pods cannot be listed.
    super::replicaset::needs(obj).into_iter().map(Need::required).collect()
}

pub fn describe(ss: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&ss["metadata"], &ss["spec"], &ss["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    dw!(w, LEVEL_0, "Selector:\t{}\n", selector_string(&spec["selector"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Replicas:\t{} desired | {} total\n", i(&spec["replicas"]), i(&status["replicas"]));
    dw!(w, LEVEL_0, "Update Strategy:\t{}\n", s(&spec["updateStrategy"]["type"]));
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    if let Some(p) = ru["partition"].as_i64() {
        dw!(w, LEVEL_1, "Partition:\t{p}\n");
        match &ru["maxUnavailable"] {
            Value::Number(n) => dw!(w, LEVEL_1, "MaxUnavailable:\t{n}\n"),
            Value::String(t) => dw!(w, LEVEL_1, "MaxUnavailable:\t{t}\n"),
            _ => {}
        }
    }
    // kubectl fails the whole description when the pods cannot be listed.
    let pods = super::replicaset::pods_status(ss, ctx).unwrap_or_default();
    dw!(w, LEVEL_0, "Pods Status:\t{pods}\n");
    pod_template(&mut w, &spec["template"]);
    volume_claim_templates(&mut w, arr(&spec["volumeClaimTemplates"]));
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// `describeVolumeClaimTemplates`.
fn volume_claim_templates(w: &mut Writer, templates: &[Value]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        let (meta, spec) = (&pvc["metadata"], &pvc["spec"]);
        dw!(w, LEVEL_1, "Name:\t{}\n", s(&meta["name"]));
        // storageutil.GetPersistentVolumeClaimClass: the beta annotation wins.
        let class = meta["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str().unwrap_or_else(|| s(&spec["storageClassName"]));
        dw!(w, LEVEL_1, "StorageClass:\t{class}\n");
        super::common::labels_multiline_with_indent(w, "  ", "Labels", "\t", &meta["labels"], &[]);
        super::common::labels_multiline_with_indent(w, "  ", "Annotations", "\t", &meta["annotations"], &[]);
        match spec["resources"]["requests"]["storage"].as_str() {
            Some(q) => dw!(w, LEVEL_1, "Capacity:\t{q}\n"),
            None => w.write(LEVEL_1, "Capacity:\t<default>\n"),
        }
        let modes: Vec<&str> = arr(&spec["accessModes"]).iter().map(s).collect();
        dw!(w, LEVEL_1, "Access Modes:\t[{}]\n", modes.join(" "));
    }
}

//! `kubectl describe persistentvolumeclaim`, including the pods that use
//! the claim (by volume or as its owner) and its conditions.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, list_path, s, since};
use crate::quantity;
use super::related::{access_modes, pods_multiline, storage_class, string_list, time_or_zero};
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Need};
use crate::dw;

const PODS: &str = "pods";

pub fn needs(pvc: &Value) -> Vec<Need> {
    // kubectl fails the description when it cannot list the pods.
    vec![Need::list(PODS, list_path("", "v1", "pods", s(&pvc["metadata"]["namespace"]))).required()]
}

/// `getPodsForPVC`: pods mounting the claim (once per such volume, as
/// kubectl appends them), then owner pods not already listed.
fn pods_for_pvc<'a>(pvc: &Value, pods: &'a [Value]) -> Vec<&'a Value> {
    let name = s(&pvc["metadata"]["name"]);
    let mut out: Vec<&Value> = Vec::new();
    for pod in pods {
        for volume in arr(&pod["spec"]["volumes"]) {
            if volume["persistentVolumeClaim"].is_object() && s(&volume["persistentVolumeClaim"]["claimName"]) == name {
                out.push(pod);
            }
        }
    }
    for owner in arr(&pvc["metadata"]["ownerReferences"]) {
        if s(&owner["kind"]) != "Pod" {
            continue;
        }
        let uid = s(&owner["uid"]);
        let Some(pod) = pods.iter().find(|p| s(&p["metadata"]["uid"]) == uid) else { continue };
        if !out.iter().any(|p| s(&p["metadata"]["uid"]) == uid) {
            out.push(pod);
        }
    }
    out
}

pub fn describe(pvc: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    print_claim(&mut w, pvc, true);
    let pods = ctx.items(PODS).unwrap_or(&[]);
    pods_multiline(&mut w, "Used By", &pods_for_pvc(pvc, pods));
    let conditions = arr(&pvc["status"]["conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conditions {
            dw!(
                w,
                LEVEL_1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                s(&c["type"]),
                s(&c["status"]),
                time_or_zero(&c["lastProbeTime"]),
                time_or_zero(&c["lastTransitionTime"]),
                s(&c["reason"]),
                s(&c["message"])
            );
        }
    }
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

/// `printPersistentVolumeClaim`: a claim (`full`) or a claim template.
pub fn print_claim(w: &mut Writer, pvc: &Value, full: bool) {
    let meta = &pvc["metadata"];
    let spec = &pvc["spec"];
    if full {
        dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
        dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    }
    dw!(w, LEVEL_0, "StorageClass:\t{}\n", storage_class(pvc));
    if full {
        if meta["deletionTimestamp"].is_string() {
            dw!(w, LEVEL_0, "Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"]));
        } else {
            dw!(w, LEVEL_0, "Status:\t{}\n", s(&pvc["status"]["phase"]));
        }
    }
    let volume = s(&spec["volumeName"]);
    dw!(w, LEVEL_0, "Volume:\t{volume}\n");
    labels_multiline(w, "Labels", &meta["labels"]);
    annotations_multiline(w, "Annotations", &meta["annotations"]);
    if full {
        dw!(w, LEVEL_0, "Finalizers:\t{}\n", string_list(&meta["finalizers"]));
    }
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (quantity::from_json(&pvc["status"]["capacity"]["storage"]).go_string(), access_modes(&pvc["status"]["accessModes"]))
    };
    dw!(w, LEVEL_0, "Capacity:\t{capacity}\n");
    dw!(w, LEVEL_0, "Access Modes:\t{modes}\n");
    if let Some(mode) = spec["volumeMode"].as_str() {
        dw!(w, LEVEL_0, "VolumeMode:\t{mode}\n");
    }
    let ds = &spec["dataSource"];
    if ds.is_object() {
        w.write(LEVEL_0, "DataSource:\n");
        if let Some(group) = ds["apiGroup"].as_str() {
            dw!(w, LEVEL_1, "APIGroup:\t{group}\n");
        }
        dw!(w, LEVEL_1, "Kind:\t{}\n", s(&ds["kind"]));
        dw!(w, LEVEL_1, "Name:\t{}\n", s(&ds["name"]));
    }
}

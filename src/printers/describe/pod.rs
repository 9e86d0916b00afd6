//! `kubectl describe pod`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, controlled_by, events, i, labels_multiline, s, since, time, tolerations_multiline};
use super::podtemplate::{containers, resources, topology_spread_constraints};
use super::volumes::volumes;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Need};
use crate::dw;

/// The Pod describer searches events without the kind; a mirror pod's are
/// about the static pod the kubelet knows, under the uid it annotates.
pub fn events_need(pod: &Value) -> Need {
    let meta = &pod["metadata"];
    let uid = meta["annotations"]["kubernetes.io/config.mirror"].as_str().unwrap_or_else(|| s(&meta["uid"]));
    super::events_search(s(&meta["name"]), s(&meta["namespace"]), None, Some(uid))
}

pub fn describe(pod: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&pod["metadata"], &pod["spec"], &pod["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    if let Some(p) = spec["priority"].as_i64() {
        dw!(w, LEVEL_0, "Priority:\t{p}\n");
    }
    if !s(&spec["priorityClassName"]).is_empty() {
        dw!(w, LEVEL_0, "Priority Class Name:\t{}\n", s(&spec["priorityClassName"]));
    }
    if !s(&spec["runtimeClassName"]).is_empty() {
        dw!(w, LEVEL_0, "Runtime Class Name:\t{}\n", s(&spec["runtimeClassName"]));
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        dw!(w, LEVEL_0, "Service Account:\t{}\n", s(&spec["serviceAccountName"]));
    }
    if s(&spec["nodeName"]).is_empty() {
        w.write(LEVEL_0, "Node:\t<none>\n");
    } else {
        dw!(w, LEVEL_0, "Node:\t{}/{}\n", s(&spec["nodeName"]), s(&status["hostIP"]));
    }
    if status["startTime"].is_string() {
        dw!(w, LEVEL_0, "Start Time:\t{}\n", time(&status["startTime"]));
    }
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    let phase = s(&status["phase"]);
    if meta["deletionTimestamp"].is_string() && phase != "Failed" && phase != "Succeeded" {
        dw!(w, LEVEL_0, "Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"]));
        dw!(w, LEVEL_0, "Termination Grace Period:\t{}s\n", i(&meta["deletionGracePeriodSeconds"]));
    } else {
        dw!(w, LEVEL_0, "Status:\t{phase}\n");
    }
    if !s(&status["reason"]).is_empty() {
        dw!(w, LEVEL_0, "Reason:\t{}\n", s(&status["reason"]));
    }
    if !s(&status["message"]).is_empty() {
        dw!(w, LEVEL_0, "Message:\t{}\n", s(&status["message"]));
    }
    let seccomp = &spec["securityContext"]["seccompProfile"];
    if seccomp.is_object() {
        dw!(w, LEVEL_0, "SeccompProfile:\t{}\n", s(&seccomp["type"]));
        if s(&seccomp["type"]) == "Localhost" {
            dw!(w, LEVEL_0, "LocalhostProfile:\t{}\n", s(&seccomp["localhostProfile"]));
        }
    }
    dw!(w, LEVEL_0, "IP:\t{}\n", s(&status["podIP"]));
    let ips = arr(&status["podIPs"]);
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in ips {
            dw!(w, LEVEL_1, "IP:\t{}\n", s(&ip["ip"]));
        }
    }
    if let Some(c) = controlled_by(pod) {
        dw!(w, LEVEL_0, "Controlled By:\t{c}\n");
    }
    if !s(&status["nominatedNodeName"]).is_empty() {
        dw!(w, LEVEL_0, "NominatedNodeName:\t{}\n", s(&status["nominatedNodeName"]));
    }
    if spec["resources"].is_object() {
        w.write(LEVEL_0, "Resources:\n");
        resources(&mut w, &spec["resources"], LEVEL_1);
    }
    if !arr(&spec["initContainers"]).is_empty() {
        containers(&mut w, "Init Containers", arr(&spec["initContainers"]), Some((pod, arr(&status["initContainerStatuses"]))), "");
    }
    containers(&mut w, "Containers", arr(&spec["containers"]), Some((pod, arr(&status["containerStatuses"]))), "");
    if !arr(&spec["ephemeralContainers"]).is_empty() {
        containers(&mut w, "Ephemeral Containers", arr(&spec["ephemeralContainers"]), Some((pod, arr(&status["ephemeralContainerStatuses"]))), "");
    }
    let conditions = arr(&status["conditions"]);
    if !arr(&spec["readinessGates"]).is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for g in arr(&spec["readinessGates"]) {
            let ty = s(&g["conditionType"]);
            let st = conditions.iter().find(|c| s(&c["type"]) == ty).map_or("<none>", |c| s(&c["status"]));
            dw!(w, LEVEL_1, "{ty} \t{st} \n");
        }
    }
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            dw!(w, LEVEL_1, "{} \t{} \n", s(&c["type"]), s(&c["status"]));
        }
    }
    volumes(&mut w, arr(&spec["volumes"]), "");
    dw!(w, LEVEL_0, "QoS Class:\t{}\n", qos_class(pod));
    labels_multiline(&mut w, "Node-Selectors", &spec["nodeSelector"]);
    tolerations_multiline(&mut w, "", "Tolerations", "\t", &spec["tolerations"]);
    topology_spread_constraints(&mut w, arr(&spec["topologySpreadConstraints"]), "");
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// The QoS class the server recorded, else computed as the kubelet does
/// from the containers' cpu/memory requests and limits.
fn qos_class(pod: &Value) -> String {
    let recorded = s(&pod["status"]["qosClass"]);
    if !recorded.is_empty() {
        return recorded.to_string();
    }
    let spec = &pod["spec"];
    let all: Vec<&Value> = arr(&spec["containers"]).iter().chain(arr(&spec["initContainers"])).collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in all {
        let (req, lim) = (&c["resources"]["requests"], &c["resources"]["limits"]);
        for r in ["cpu", "memory"] {
            let rq = req[r].as_str().filter(|q| crate::quantity::is_positive(q));
            let lm = lim[r].as_str().filter(|q| crate::quantity::is_positive(q));
            if rq.is_some() || lm.is_some() {
                any = true;
            }
            match (rq, lm) {
                (_, None) => guaranteed = false,
                (Some(a), Some(b)) if crate::quantity::Quantity::parse_or_zero(a).cmp(&crate::quantity::Quantity::parse_or_zero(b)).is_ne() => guaranteed = false,
                _ => {}
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

//! `kubectl describe` for PodDisruptionBudget, IngressClass and
//! HorizontalPodAutoscaler (autoscaling/v1 objects).

use serde_json::Value;

use super::common::{annotations_multiline, events, i, labels_multiline, s, selector_string, time};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use super::DescribeContext;
use crate::dw;

fn int_or_string(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(t) => t.clone(),
        _ => String::new(),
    }
}

pub fn describe_pdb(pdb: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&pdb["metadata"], &pdb["spec"], &pdb["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    if !spec["minAvailable"].is_null() {
        dw!(w, LEVEL_0, "Min available:\t{}\n", int_or_string(&spec["minAvailable"]));
    } else if !spec["maxUnavailable"].is_null() {
        dw!(w, LEVEL_0, "Max unavailable:\t{}\n", int_or_string(&spec["maxUnavailable"]));
    }
    if spec["selector"].is_object() {
        let sel = selector_string(&spec["selector"]);
        dw!(w, LEVEL_0, "Selector:\t{}\n", if sel.is_empty() { "<none>" } else { &sel });
    } else {
        w.write(LEVEL_0, "Selector:\t<unset>\n");
    }
    w.write(LEVEL_0, "Status:\n");
    dw!(w, LEVEL_2, "Allowed disruptions:\t{}\n", i(&status["disruptionsAllowed"]));
    dw!(w, LEVEL_2, "Current:\t{}\n", i(&status["currentHealthy"]));
    dw!(w, LEVEL_2, "Desired:\t{}\n", i(&status["desiredHealthy"]));
    dw!(w, LEVEL_2, "Total:\t{}\n", i(&status["expectedPods"]));
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

pub fn describe_ingress_class(ic: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &ic["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Controller:\t{}\n", s(&ic["spec"]["controller"]));
    let params = &ic["spec"]["parameters"];
    if params.is_object() {
        w.write(LEVEL_0, "Parameters:\n");
        if let Some(g) = params["apiGroup"].as_str() {
            dw!(w, LEVEL_1, "APIGroup:\t{g}\n");
        }
        dw!(w, LEVEL_1, "Kind:\t{}\n", s(&params["kind"]));
        dw!(w, LEVEL_1, "Name:\t{}\n", s(&params["name"]));
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// `describeHorizontalPodAutoscalerV1`.
pub fn describe_hpa_v1(hpa: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&hpa["metadata"], &hpa["spec"], &hpa["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    let target = &spec["scaleTargetRef"];
    dw!(w, LEVEL_0, "Reference:\t{}/{}\n", s(&target["kind"]), s(&target["name"]));
    if let Some(t) = spec["targetCPUUtilizationPercentage"].as_i64() {
        dw!(w, LEVEL_0, "Target CPU utilization:\t{t}%\n");
        let current = status["currentCPUUtilizationPercentage"].as_i64().map_or_else(|| "<unknown>".to_string(), |c| c.to_string());
        dw!(w, LEVEL_0, "Current CPU utilization:\t{current}%\n");
    }
    let min = spec["minReplicas"].as_i64().map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    dw!(w, LEVEL_0, "Min replicas:\t{min}\n");
    dw!(w, LEVEL_0, "Max replicas:\t{}\n", i(&spec["maxReplicas"]));
    dw!(w, LEVEL_0, "{} pods:\t", s(&target["kind"]));
    dw!(w, LEVEL_0, "{} current / {} desired\n", i(&status["currentReplicas"]), i(&status["desiredReplicas"]));
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

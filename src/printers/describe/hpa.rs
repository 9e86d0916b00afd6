//! `kubectl describe horizontalpodautoscaler` for autoscaling/v2 objects
//! (`describeHorizontalPodAutoscalerV2`); v1 objects are in autoscaling.rs.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, i, labels_multiline, s, time};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use super::DescribeContext;
use crate::dw;

/// The describer kubectl 1.32 picks: v2 objects get the v2 layout.
pub fn describe(hpa: &Value, ctx: &DescribeContext) -> String {
    if s(&hpa["apiVersion"]) == "autoscaling/v2" {
        describe_v2(hpa, ctx)
    } else {
        super::autoscaling::describe_hpa_v1(hpa, ctx)
    }
}

/// A quantity field as `Quantity.String()` prints it ("0" when unset).
fn q(v: &Value) -> String {
    match v {
        Value::String(t) => t.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".to_string(),
    }
}

fn describe_v2(hpa: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&hpa["metadata"], &hpa["spec"], &hpa["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    let target = &spec["scaleTargetRef"];
    dw!(w, LEVEL_0, "Reference:\t{}/{}\n", s(&target["kind"]), s(&target["name"]));
    w.write(LEVEL_0, "Metrics:\t( current / target )\n");
    let current_metrics = arr(&status["currentMetrics"]);
    for (n, metric) in arr(&spec["metrics"]).iter().enumerate() {
        let current = |field: &str| current_metrics.get(n).map(|c| &c[field]).filter(|c| c.is_object());
        match s(&metric["type"]) {
            "External" => {
                let ext = &metric["external"];
                let name = crate::printers::jsonpath::gofmt::quote(s(&ext["metric"]["name"]));
                if !ext["target"]["averageValue"].is_null() {
                    let cur = current("external").filter(|c| !c["current"]["averageValue"].is_null()).map_or("<unknown>".to_string(), |c| q(&c["current"]["averageValue"]));
                    dw!(w, LEVEL_1, "{name} (target average value):\t{cur} / {}\n", q(&ext["target"]["averageValue"]));
                } else {
                    let cur = current("external").map_or("<unknown>".to_string(), |c| q(&c["current"]["value"]));
                    dw!(w, LEVEL_1, "{name} (target value):\t{cur} / {}\n", q(&ext["target"]["value"]));
                }
            }
            "Pods" => {
                let pods = &metric["pods"];
                let cur = current("pods").map_or("<unknown>".to_string(), |c| q(&c["current"]["averageValue"]));
                let name = crate::printers::jsonpath::gofmt::quote(s(&pods["metric"]["name"]));
                dw!(w, LEVEL_1, "{name} on pods:\t{cur} / {}\n", q(&pods["target"]["averageValue"]));
            }
            "Object" => {
                let obj = &metric["object"];
                dw!(w, LEVEL_1, "\"{}\" on {}/{} ", s(&obj["metric"]["name"]), s(&obj["describedObject"]["kind"]), s(&obj["describedObject"]["name"]));
                if s(&obj["target"]["type"]) == "AverageValue" {
                    let cur = current("object").map_or("<unknown>".to_string(), |c| q(&c["current"]["averageValue"]));
                    dw!(w, LEVEL_0, "(target average value):\t{cur} / {}\n", q(&obj["target"]["averageValue"]));
                } else {
                    let cur = current("object").map_or("<unknown>".to_string(), |c| q(&c["current"]["value"]));
                    dw!(w, LEVEL_0, "(target value):\t{cur} / {}\n", q(&obj["target"]["value"]));
                }
            }
            "Resource" => resource_metric(&mut w, &metric["resource"], current("resource"), &format!("resource {} on pods", s(&metric["resource"]["name"]))),
            "ContainerResource" => {
                let cr = &metric["containerResource"];
                resource_metric(&mut w, cr, current("containerResource"), &format!("resource {} of container \"{}\" on pods", s(&cr["name"]), s(&cr["container"])));
            }
            other => dw!(w, LEVEL_1, "<unknown metric type {}>\n", crate::printers::jsonpath::gofmt::quote(other)),
        }
    }
    let min = spec["minReplicas"].as_i64().map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    dw!(w, LEVEL_0, "Min replicas:\t{min}\n");
    dw!(w, LEVEL_0, "Max replicas:\t{}\n", i(&spec["maxReplicas"]));
    let behavior = &spec["behavior"];
    if behavior.is_object() {
        w.write(LEVEL_0, "Behavior:\n");
        direction(&mut w, "Scale Up", &behavior["scaleUp"]);
        direction(&mut w, "Scale Down", &behavior["scaleDown"]);
    }
    dw!(w, LEVEL_0, "{} pods:\t", s(&target["kind"]));
    dw!(w, LEVEL_0, "{} current / {} desired\n", i(&status["currentReplicas"]), i(&status["desiredReplicas"]));
    let conditions = arr(&status["conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------\t-------\n");
        for c in conditions {
            dw!(w, LEVEL_1, "{}\t{}\t{}\t{}\n", s(&c["type"]), s(&c["status"]), s(&c["reason"]), s(&c["message"]));
        }
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// Resource and ContainerResource metrics: an average value, or a
/// utilization percentage of the request.
fn resource_metric(w: &mut Writer, metric: &Value, current: Option<&Value>, title: &str) {
    dw!(w, LEVEL_1, "{title}");
    let target = &metric["target"];
    if !target["averageValue"].is_null() {
        let cur = current.map_or("<unknown>".to_string(), |c| q(&c["current"]["averageValue"]));
        dw!(w, LEVEL_0, ":\t{cur} / {}\n", q(&target["averageValue"]));
    } else {
        let cur = current
            .and_then(|c| c["current"]["averageUtilization"].as_i64().map(|u| format!("{u}% ({})", q(&c["current"]["averageValue"]))))
            .unwrap_or_else(|| "<unknown>".to_string());
        let tgt = target["averageUtilization"].as_i64().map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
        dw!(w, LEVEL_1, "(as a percentage of request):\t{cur} / {tgt}\n");
    }
}

/// `printDirectionBehavior`.
fn direction(w: &mut Writer, name: &str, rules: &Value) {
    if !rules.is_object() {
        return;
    }
    dw!(w, LEVEL_1, "{name}:\n");
    if let Some(window) = rules["stabilizationWindowSeconds"].as_i64() {
        dw!(w, LEVEL_2, "Stabilization Window: {window} seconds\n");
    }
    let policies = arr(&rules["policies"]);
    if !policies.is_empty() {
        dw!(w, LEVEL_2, "Select Policy: {}\n", rules["selectPolicy"].as_str().unwrap_or("Max"));
        w.write(LEVEL_2, "Policies:\n");
        for p in policies {
            dw!(w, LEVEL_3, "- Type: {}\tValue: {}\tPeriod: {} seconds\n", s(&p["type"]), i(&p["value"]), i(&p["periodSeconds"]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v2_metrics_and_behavior() {
        let hpa = json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "h", "namespace": "n", "creationTimestamp": "2026-01-02T03:04:05Z"},
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "web"},
                "maxReplicas": 5,
                "metrics": [
                    {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}},
                    {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}
                ],
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}
            },
            "status": {"currentReplicas": 2, "desiredReplicas": 2, "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 12, "averageValue": "12m"}}}
            ]}
        });
        let out = describe(&hpa, &DescribeContext::new(false));
        assert!(out.contains("  resource cpu on pods  (as a percentage of request):  12% (12m) / 60%\n"), "{out}");
        assert!(out.contains("  \"qps\" on pods:"), "{out}");
        assert!(out.contains("    Select Policy: Max\n    Policies:\n      - Type: Pods  Value: 1  Period: 60 seconds\n"), "{out}");
        assert!(out.contains("Min replicas:                                          <unset>\n"), "{out}");
    }
}

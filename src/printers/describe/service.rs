//! `kubectl describe service`: addresses, each port with its target and
//! the ready endpoints behind it (from the Service's EndpointSlices, which
//! kubectl v1.32 reads from discovery.k8s.io/v1 and treats as empty when
//! that request fails, e.g. on servers older than 1.21).

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, s, sorted_map};
use super::related::format_endpoint_slices;
use super::writer::{Writer, LEVEL_0};
use super::{DescribeContext, Need};
use crate::dw;

pub const SLICES: &str = "endpointslices";

pub fn needs(svc: &Value) -> Vec<Need> {
    vec![slices_need(SLICES, s(&svc["metadata"]["namespace"]), &[s(&svc["metadata"]["name"])])]
}

/// EndpointSlices of the named services (`kubernetes.io/service-name`).
pub fn slices_need(key: &'static str, namespace: &str, services: &[&str]) -> Need {
    let path = super::common::list_path("discovery.k8s.io", "v1", "endpointslices", namespace);
    let selector = match services {
        [one] => format!("kubernetes.io/service-name={one}"),
        many => format!("kubernetes.io/service-name in ({})", many.join(",")),
    };
    Need::list(key, path).labels(selector)
}

/// `labels.FormatLabels`: `k=v,...` sorted, `<none>` when empty.
pub fn format_labels(m: &Value) -> String {
    let text = sorted_map(m).iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    if text.is_empty() { "<none>".into() } else { text }
}

pub fn describe(svc: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &svc["metadata"];
    let spec = &svc["spec"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Selector:\t{}\n", format_labels(&spec["selector"]));
    dw!(w, LEVEL_0, "Type:\t{}\n", s(&spec["type"]));
    if let Some(policy) = spec["ipFamilyPolicy"].as_str() {
        dw!(w, LEVEL_0, "IP Family Policy:\t{policy}\n");
    }
    let joined = |v: &Value| arr(v).iter().map(s).collect::<Vec<_>>().join(",");
    let or_none = |t: String| if t.is_empty() { "<none>".to_string() } else { t };
    dw!(w, LEVEL_0, "IP Families:\t{}\n", or_none(joined(&spec["ipFamilies"])));
    dw!(w, LEVEL_0, "IP:\t{}\n", s(&spec["clusterIP"]));
    dw!(w, LEVEL_0, "IPs:\t{}\n", or_none(joined(&spec["clusterIPs"])));
    if !arr(&spec["externalIPs"]).is_empty() {
        dw!(w, LEVEL_0, "External IPs:\t{}\n", joined(&spec["externalIPs"]));
    }
    if !s(&spec["loadBalancerIP"]).is_empty() {
        dw!(w, LEVEL_0, "Desired LoadBalancer IP:\t{}\n", s(&spec["loadBalancerIP"]));
    }
    if !s(&spec["externalName"]).is_empty() {
        dw!(w, LEVEL_0, "External Name:\t{}\n", s(&spec["externalName"]));
    }
    let lb = arr(&svc["status"]["loadBalancer"]["ingress"]);
    if !lb.is_empty() {
        let list: Vec<String> = lb
            .iter()
            .map(|i| match (s(&i["ip"]), i["ipMode"].as_str()) {
                ("", _) => s(&i["hostname"]).to_string(),
                (ip, Some(mode)) => format!("{ip} ({mode})"),
                (ip, None) => ip.to_string(),
            })
            .collect();
        dw!(w, LEVEL_0, "LoadBalancer Ingress:\t{}\n", list.join(", "));
    }
    let slices = ctx.items(SLICES).unwrap_or(&[]);
    for port in arr(&spec["ports"]) {
        let name = match s(&port["name"]) {
            "" => "<unset>",
            n => n,
        };
        let protocol = s(&port["protocol"]);
        dw!(w, LEVEL_0, "Port:\t{name}\t{}/{protocol}\n", port["port"].as_i64().unwrap_or(0));
        match &port["targetPort"] {
            Value::String(t) => dw!(w, LEVEL_0, "TargetPort:\t{t}/{protocol}\n"),
            t => dw!(w, LEVEL_0, "TargetPort:\t{}/{protocol}\n", t.as_i64().unwrap_or(0)),
        }
        let node_port = port["nodePort"].as_i64().unwrap_or(0);
        if node_port != 0 {
            dw!(w, LEVEL_0, "NodePort:\t{name}\t{node_port}/{protocol}\n");
        }
        dw!(w, LEVEL_0, "Endpoints:\t{}\n", format_endpoint_slices(slices, Some(&[s(&port["name"])])));
    }
    dw!(w, LEVEL_0, "Session Affinity:\t{}\n", s(&spec["sessionAffinity"]));
    if !s(&spec["externalTrafficPolicy"]).is_empty() {
        dw!(w, LEVEL_0, "External Traffic Policy:\t{}\n", s(&spec["externalTrafficPolicy"]));
    }
    if let Some(policy) = spec["internalTrafficPolicy"].as_str() {
        dw!(w, LEVEL_0, "Internal Traffic Policy:\t{policy}\n");
    }
    let health = spec["healthCheckNodePort"].as_i64().unwrap_or(0);
    if health != 0 {
        dw!(w, LEVEL_0, "HealthCheck NodePort:\t{health}\n");
    }
    if !arr(&spec["loadBalancerSourceRanges"]).is_empty() {
        dw!(w, LEVEL_0, "LoadBalancer Source Ranges:\t{}\n", joined(&spec["loadBalancerSourceRanges"]));
    }
    if let Some(td) = spec["trafficDistribution"].as_str().filter(|t| !t.is_empty()) {
        dw!(w, LEVEL_0, "Traffic Distribution:\t{td}\n");
    }
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

//! `kubectl describe endpointslice`: the discovery.k8s.io/v1 layout, or the
//! v1beta1 one (topology instead of node and zone) for v1beta1 objects.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, labels_multiline_with_indent, s};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use super::DescribeContext;
use crate::dw;

pub fn describe(eps: &Value, ctx: &DescribeContext) -> String {
    let v1beta1 = s(&eps["apiVersion"]) == "discovery.k8s.io/v1beta1";
    let mut w = Writer::new();
    let meta = &eps["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "AddressType:\t{}\n", s(&eps["addressType"]));
    let ports = arr(&eps["ports"]);
    if ports.is_empty() {
        w.write(LEVEL_0, "Ports: <unset>\n");
    } else {
        w.write(LEVEL_0, "Ports:\n");
        w.write(LEVEL_1, "Name\tPort\tProtocol\n");
        w.write(LEVEL_1, "----\t----\t--------\n");
        for p in ports {
            let name = p["name"].as_str().filter(|n| !n.is_empty()).unwrap_or("<unset>");
            let port = p["port"].as_i64().map_or("<unset>".to_string(), |n| n.to_string());
            dw!(w, LEVEL_1, "{name}\t{port}\t{}\n", s(&p["protocol"]));
        }
    }
    let endpoints = arr(&eps["endpoints"]);
    if endpoints.is_empty() {
        w.write(LEVEL_0, "Endpoints: <none>\n");
    } else {
        w.write(LEVEL_0, "Endpoints:\n");
        for e in endpoints {
            let addresses: Vec<&str> = arr(&e["addresses"]).iter().map(s).collect();
            let joined = addresses.join(if v1beta1 { "," } else { ", " });
            dw!(w, LEVEL_1, "- Addresses:\t{}\n", if joined.is_empty() { "<none>" } else { &joined });
            w.write(LEVEL_2, "Conditions:\n");
            let ready = e["conditions"]["ready"].as_bool().map_or("<unset>", |r| if r { "true" } else { "false" });
            dw!(w, LEVEL_3, "Ready:\t{ready}\n");
            dw!(w, LEVEL_2, "Hostname:\t{}\n", e["hostname"].as_str().unwrap_or("<unset>"));
            if e["targetRef"].is_object() {
                dw!(w, LEVEL_2, "TargetRef:\t{}/{}\n", s(&e["targetRef"]["kind"]), s(&e["targetRef"]["name"]));
            }
            if v1beta1 {
                labels_multiline_with_indent(&mut w, "    ", "Topology", "\t", &e["topology"], &[]);
            } else {
                dw!(w, LEVEL_2, "NodeName:\t{}\n", e["nodeName"].as_str().unwrap_or("<unset>"));
                dw!(w, LEVEL_2, "Zone:\t{}\n", e["zone"].as_str().unwrap_or("<unset>"));
            }
        }
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

//! `kubectl describe endpoints`: each subset's ready and not-ready
//! addresses and its ports.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, s};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use super::DescribeContext;
use crate::dw;

pub fn describe(ep: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &ep["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);

    w.write(LEVEL_0, "Subsets:\n");
    for subset in arr(&ep["subsets"]) {
        let ips = |key: &str| {
            let joined = arr(&subset[key]).iter().map(|a| s(&a["ip"])).collect::<Vec<_>>().join(",");
            if joined.is_empty() { "<none>".to_string() } else { joined }
        };
        dw!(w, LEVEL_1, "Addresses:\t{}\n", ips("addresses"));
        dw!(w, LEVEL_1, "NotReadyAddresses:\t{}\n", ips("notReadyAddresses"));
        let ports = arr(&subset["ports"]);
        if !ports.is_empty() {
            w.write(LEVEL_1, "Ports:\n");
            w.write(LEVEL_2, "Name\tPort\tProtocol\n");
            w.write(LEVEL_2, "----\t----\t--------\n");
            for port in ports {
                let name = match s(&port["name"]) {
                    "" => "<unset>",
                    n => n,
                };
                dw!(w, LEVEL_2, "{name}\t{}\t{}\n", port["port"].as_i64().unwrap_or(0), s(&port["protocol"]));
            }
        }
        w.write(LEVEL_0, "\n");
    }
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

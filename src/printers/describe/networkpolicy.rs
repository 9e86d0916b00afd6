//! `kubectl describe networkpolicy`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, labels_multiline, s, selector_string};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use super::DescribeContext;
use crate::dw;

pub fn describe(np: &Value, _ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &np["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    dw!(w, LEVEL_0, "Created on:\t{}\n", super::time::go_string(s(&meta["creationTimestamp"])));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    let spec = &np["spec"];
    w.write(LEVEL_0, "Spec:\n");
    w.write(LEVEL_1, "PodSelector: ");
    let pod_selector = selector_string(&spec["podSelector"]);
    if pod_selector.is_empty() {
        w.write(LEVEL_2, "<none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        dw!(w, LEVEL_2, "{pod_selector}\n");
    }
    let types: Vec<&str> = arr(&spec["policyTypes"]).iter().map(s).collect();
    if types.contains(&"Ingress") {
        w.write(LEVEL_1, "Allowing ingress traffic:\n");
        rules(&mut w, arr(&spec["ingress"]), "from", "From", "ingress connectivity", "traffic not restricted by source");
    } else {
        w.write(LEVEL_1, "Not affecting ingress traffic\n");
    }
    if types.contains(&"Egress") {
        w.write(LEVEL_1, "Allowing egress traffic:\n");
        rules(&mut w, arr(&spec["egress"]), "to", "To", "egress connectivity", "traffic not restricted by destination");
    } else {
        w.write(LEVEL_1, "Not affecting egress traffic\n");
    }
    let types = if types.is_empty() { "<none>".to_string() } else { types.join(", ") };
    dw!(w, LEVEL_1, "Policy Types: {types}\n");
    w.finish()
}

/// `printNetworkPolicySpecIngressFrom` / `printNetworkPolicySpecEgressTo`.
fn rules(w: &mut Writer, list: &[Value], peers_field: &str, title: &str, isolated: &str, unrestricted: &str) {
    let indent = "    ";
    if list.is_empty() {
        dw!(w, LEVEL_0, "{indent}<none> (Selected pods are isolated for {isolated})\n");
        return;
    }
    for (n, rule) in list.iter().enumerate() {
        let ports = arr(&rule["ports"]);
        if ports.is_empty() {
            dw!(w, LEVEL_0, "{indent}To Port: <any> (traffic allowed to all ports)\n");
        }
        for port in ports {
            let proto = port["protocol"].as_str().unwrap_or("TCP");
            let number = match &port["port"] {
                Value::Number(n) => n.to_string(),
                Value::String(t) => t.clone(),
                _ => "%!s(*intstr.IntOrString=<nil>)".to_string(),
            };
            match port["endPort"].as_i64() {
                None => dw!(w, LEVEL_0, "{indent}To Port: {number}/{proto}\n"),
                Some(end) => dw!(w, LEVEL_0, "{indent}To Port Range: {number}-{end}/{proto}\n"),
            }
        }
        let peers = arr(&rule[peers_field]);
        if peers.is_empty() {
            dw!(w, LEVEL_0, "{indent}{title}: <any> ({unrestricted})\n");
        }
        let format = |sel: &Value| {
            let text = selector_string(sel);
            if text.is_empty() {
                "<none>".to_string()
            } else {
                text
            }
        };
        for peer in peers {
            dw!(w, LEVEL_0, "{indent}{title}:\n");
            let (pods, namespaces) = (&peer["podSelector"], &peer["namespaceSelector"]);
            if pods.is_object() && namespaces.is_object() {
                dw!(w, LEVEL_1, "{indent}NamespaceSelector: {}\n", format(namespaces));
                dw!(w, LEVEL_1, "{indent}PodSelector: {}\n", format(pods));
            } else if pods.is_object() {
                dw!(w, LEVEL_1, "{indent}PodSelector: {}\n", format(pods));
            } else if namespaces.is_object() {
                dw!(w, LEVEL_1, "{indent}NamespaceSelector: {}\n", format(namespaces));
            } else if peer["ipBlock"].is_object() {
                dw!(w, LEVEL_1, "{indent}IPBlock:\n");
                dw!(w, LEVEL_2, "{indent}CIDR: {}\n", s(&peer["ipBlock"]["cidr"]));
                let except: Vec<&str> = arr(&peer["ipBlock"]["except"]).iter().map(s).collect();
                dw!(w, LEVEL_2, "{indent}Except: {}\n", except.join(", "));
            }
        }
        if n + 1 != list.len() {
            dw!(w, LEVEL_0, "{indent}----------\n");
        }
    }
}

//! Small cluster-scoped describers: StorageClass, PriorityClass and CSINode.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, s, sorted_map, time};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4};
use super::DescribeContext;
use crate::dw;

/// labels.FormatLabels: `k=v` pairs, sorted, comma-separated; `<none>`.
pub fn format_labels(m: &Value) -> String {
    let text = sorted_map(m).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

pub fn describe_storage_class(sc: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &sc["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    let annotations = &meta["annotations"];
    let default = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"].iter().any(|k| annotations[*k].as_str() == Some("true"));
    dw!(w, LEVEL_0, "IsDefaultClass:\t{}\n", if default { "Yes" } else { "No" });
    dw!(w, LEVEL_0, "Annotations:\t{}\n", format_labels(annotations));
    dw!(w, LEVEL_0, "Provisioner:\t{}\n", s(&sc["provisioner"]));
    dw!(w, LEVEL_0, "Parameters:\t{}\n", format_labels(&sc["parameters"]));
    let expansion = match sc["allowVolumeExpansion"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    dw!(w, LEVEL_0, "AllowVolumeExpansion:\t{expansion}\n");
    let options = arr(&sc["mountOptions"]);
    if options.is_empty() {
        w.write(LEVEL_0, "MountOptions:\t<none>\n");
    } else {
        w.write(LEVEL_0, "MountOptions:\n");
        for o in options {
            dw!(w, LEVEL_1, "{}\n", s(o));
        }
    }
    if let Some(p) = sc["reclaimPolicy"].as_str() {
        dw!(w, LEVEL_0, "ReclaimPolicy:\t{p}\n");
    }
    if let Some(m) = sc["volumeBindingMode"].as_str() {
        dw!(w, LEVEL_0, "VolumeBindingMode:\t{m}\n");
    }
    if let Some(topologies) = sc["allowedTopologies"].as_array() {
        w.write(LEVEL_0, "AllowedTopologies:\t");
        if topologies.is_empty() {
            w.line("<none>");
        } else {
            w.line("");
            for (n, term) in topologies.iter().enumerate() {
                dw!(w, LEVEL_1, "Term {n}:\t");
                let reqs = arr(&term["matchLabelExpressions"]);
                if reqs.is_empty() {
                    w.line("<none>");
                }
                for (i, req) in reqs.iter().enumerate() {
                    if i != 0 {
                        w.write(LEVEL_1, "\t");
                    }
                    let mut expr = format!("{} in", s(&req["key"]));
                    let values: Vec<&str> = arr(&req["values"]).iter().map(s).collect();
                    if !values.is_empty() {
                        expr = format!("{expr} [{}]", values.join(", "));
                    }
                    dw!(w, LEVEL_0, "{expr}\n");
                }
            }
        }
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

pub fn describe_priority_class(pc: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&pc["metadata"]["name"]));
    dw!(w, LEVEL_0, "Value:\t{}\n", pc["value"].as_i64().unwrap_or(0));
    dw!(w, LEVEL_0, "GlobalDefault:\t{}\n", pc["globalDefault"].as_bool().unwrap_or(false));
    if let Some(p) = pc["preemptionPolicy"].as_str() {
        dw!(w, LEVEL_0, "PreemptionPolicy:\t{p}\n");
    }
    dw!(w, LEVEL_0, "Description:\t{}\n", s(&pc["description"]));
    dw!(w, LEVEL_0, "Annotations:\t{}\n", format_labels(&pc["metadata"]["annotations"]));
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

pub fn describe_csi_node(csi: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &csi["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "CreationTimestamp:\t{}\n", time(&meta["creationTimestamp"]));
    w.write(LEVEL_0, "Spec:\n");
    if let Some(drivers) = csi["spec"]["drivers"].as_array() {
        w.write(LEVEL_1, "Drivers:\n");
        for d in drivers {
            dw!(w, LEVEL_2, "{}:\n", s(&d["name"]));
            dw!(w, LEVEL_3, "Node ID:\t{}\n", s(&d["nodeID"]));
            if let Some(count) = d["allocatable"]["count"].as_i64() {
                w.write(LEVEL_3, "Allocatables:\n");
                dw!(w, LEVEL_4, "Count:\t{count}\n");
            }
            if let Some(keys) = d["topologyKeys"].as_array() {
                dw!(w, LEVEL_3, "Topology Keys:\t[{}]\n", keys.iter().map(s).collect::<Vec<_>>().join(" "));
            }
        }
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

//! `kubectl describe secret`: sizes of the values, never the values, except
//! a service account token's `token` (kubectl prints that one). No events.
//! Like ConfigMap, kubectl's key order varies between runs; this sorts.

use serde_json::Value;

use super::common::{annotations_multiline, labels_multiline, s, sorted_map};
use super::writer::{Writer, LEVEL_0};
use super::DescribeContext;
use crate::dw;

pub fn describe(secret: &Value, _ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &secret["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);

    let kind = s(&secret["type"]);
    dw!(w, LEVEL_0, "\nType:\t{kind}\n");
    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in sorted_map(&secret["data"]) {
        if k == "token" && kind == "kubernetes.io/service-account-token" {
            let token = super::related::base64_decode(&v).unwrap_or_default();
            dw!(w, LEVEL_0, "{k}:\t{}\n", String::from_utf8_lossy(&token));
        } else {
            dw!(w, LEVEL_0, "{k}:\t{} bytes\n", super::related::base64_len(&v));
        }
    }
    w.finish()
}

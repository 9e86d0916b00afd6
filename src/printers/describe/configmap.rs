//! `kubectl describe configmap`: every key with its value in full, binary
//! keys by size. kubectl ranges over Go maps here, so its key order varies
//! from run to run; this prints them sorted, the order kubectl shows most.

use serde_json::Value;

use super::common::{annotations_multiline, events, labels_multiline, s, sorted_map};
use super::writer::{Writer, LEVEL_0};
use super::DescribeContext;
use crate::dw;

pub fn describe(cm: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &cm["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);

    w.write(LEVEL_0, "\nData\n====\n");
    for (k, v) in sorted_map(&cm["data"]) {
        dw!(w, LEVEL_0, "{k}:\n----\n");
        dw!(w, LEVEL_0, "{v}\n");
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (k, v) in sorted_map(&cm["binaryData"]) {
        dw!(w, LEVEL_0, "{k}: {} bytes\n", super::related::base64_len(&v));
    }
    w.write(LEVEL_0, "\n");
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

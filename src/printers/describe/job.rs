//! `kubectl describe job`.

use serde_json::Value;

use super::common::{annotations_multiline, controlled_by, events, i, labels_multiline, s, selector_string, time};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0};
use super::DescribeContext;
use crate::dw;
use crate::printers::age::human_duration;

pub fn describe(job: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&job["metadata"], &job["spec"], &job["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    dw!(w, LEVEL_0, "Selector:\t{}\n", selector_string(&spec["selector"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    if let Some(c) = controlled_by(job) {
        dw!(w, LEVEL_0, "Controlled By:\t{c}\n");
    }
    if let Some(p) = spec["parallelism"].as_i64() {
        dw!(w, LEVEL_0, "Parallelism:\t{p}\n");
    }
    match spec["completions"].as_i64() {
        Some(c) => dw!(w, LEVEL_0, "Completions:\t{c}\n"),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = spec["completionMode"].as_str() {
        dw!(w, LEVEL_0, "Completion Mode:\t{m}\n");
    }
    if let Some(b) = spec["suspend"].as_bool() {
        dw!(w, LEVEL_0, "Suspend:\t{b}\n");
    }
    if let Some(b) = spec["backoffLimit"].as_i64() {
        dw!(w, LEVEL_0, "Backoff Limit:\t{b}\n");
    }
    if let Some(t) = spec["ttlSecondsAfterFinished"].as_i64() {
        dw!(w, LEVEL_0, "TTL Seconds After Finished:\t{t}\n");
    }
    if status["startTime"].is_string() {
        dw!(w, LEVEL_0, "Start Time:\t{}\n", time(&status["startTime"]));
    }
    if status["completionTime"].is_string() {
        dw!(w, LEVEL_0, "Completed At:\t{}\n", time(&status["completionTime"]));
    }
    let secs = |f: &str| status[f].as_str().and_then(super::time::unix_seconds);
    if let (Some(start), Some(end)) = (secs("startTime"), secs("completionTime")) {
        dw!(w, LEVEL_0, "Duration:\t{}\n", human_duration(end - start));
    }
    if let Some(a) = spec["activeDeadlineSeconds"].as_i64() {
        dw!(w, LEVEL_0, "Active Deadline Seconds:\t{a}s\n");
    }
    let (active, succeeded, failed) = (i(&status["active"]), i(&status["succeeded"]), i(&status["failed"]));
    match status["ready"].as_i64() {
        None => dw!(w, LEVEL_0, "Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        Some(ready) => dw!(w, LEVEL_0, "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"),
    }
    if s(&spec["completionMode"]) == "Indexed" {
        dw!(w, LEVEL_0, "Completed Indexes:\t{}\n", cap_indexes(s(&status["completedIndexes"]), 50));
    }
    pod_template(&mut w, &spec["template"]);
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// `capIndexesListOrNone`: cut after the first comma past `soft_limit`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    match indexes.bytes().enumerate().skip(soft_limit).find(|(_, c)| *c == b',') {
        Some((ix, _)) => format!("{}...", &indexes[..=ix]),
        None => indexes.to_string(),
    }
}

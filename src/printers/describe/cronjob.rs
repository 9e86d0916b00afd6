//! `kubectl describe cronjob`.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, s, selector_string, time};
use super::podtemplate::pod_template;
use super::writer::{Writer, LEVEL_0};
use super::{DescribeContext, Need};
use crate::dw;

/// kubectl 1.32 reads CronJobs through batch/v1 only: an object served in
/// another version (batch/v1beta1 on old servers) fails as that read does.
pub fn needs(cj: &Value) -> Vec<Need> {
    if s(&cj["apiVersion"]) == "batch/v1" {
        return Vec::new();
    }
    let meta = &cj["metadata"];
    let path = crate::client::ResourcePath { group: "batch", version: "v1", resource: "cronjobs", namespace: Some(s(&meta["namespace"])), name: Some(s(&meta["name"])), ..Default::default() }.to_path();
    vec![Need::get("cronjob-batch-v1", path).required()]
}

pub fn describe(cj: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let (meta, spec, status) = (&cj["metadata"], &cj["spec"], &cj["status"]);
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Schedule:\t{}\n", s(&spec["schedule"]));
    dw!(w, LEVEL_0, "Concurrency Policy:\t{}\n", s(&spec["concurrencyPolicy"]));
    let suspend = match spec["suspend"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    dw!(w, LEVEL_0, "Suspend:\t{suspend}\n");
    let opt = |v: &Value, unit: &str| v.as_i64().map_or_else(|| "<unset>".to_string(), |n| format!("{n}{unit}"));
    dw!(w, LEVEL_0, "Time Zone:\t{}\n", spec["timeZone"].as_str().unwrap_or("<unset>"));
    dw!(w, LEVEL_0, "Successful Job History Limit:\t{}\n", opt(&spec["successfulJobsHistoryLimit"], ""));
    dw!(w, LEVEL_0, "Failed Job History Limit:\t{}\n", opt(&spec["failedJobsHistoryLimit"], ""));
    dw!(w, LEVEL_0, "Starting Deadline Seconds:\t{}\n", opt(&spec["startingDeadlineSeconds"], "s"));
    job_template(&mut w, &spec["jobTemplate"]["spec"]);
    if status["lastScheduleTime"].is_string() {
        dw!(w, LEVEL_0, "Last Schedule Time:\t{}\n", time(&status["lastScheduleTime"]));
    } else {
        w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n");
    }
    w.write(LEVEL_0, "Active Jobs:\t");
    let active = arr(&status["active"]);
    if active.is_empty() {
        w.line("<none>");
    } else {
        let names: Vec<&str> = active.iter().map(|j| s(&j["name"])).collect();
        w.write(LEVEL_0, &names.join(", "));
        w.line("");
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

/// `describeJobTemplate`.
fn job_template(w: &mut Writer, spec: &Value) {
    if spec["selector"].is_object() {
        dw!(w, LEVEL_0, "Selector:\t{}\n", selector_string(&spec["selector"]));
    } else {
        w.write(LEVEL_0, "Selector:\t<unset>\n");
    }
    let opt = |v: &Value| v.as_i64().map_or_else(|| "<unset>".to_string(), |n| n.to_string());
    dw!(w, LEVEL_0, "Parallelism:\t{}\n", opt(&spec["parallelism"]));
    dw!(w, LEVEL_0, "Completions:\t{}\n", opt(&spec["completions"]));
    if let Some(a) = spec["activeDeadlineSeconds"].as_i64() {
        dw!(w, LEVEL_0, "Active Deadline Seconds:\t{a}s\n");
    }
    pod_template(w, &spec["template"]);
}

//! `kubectl describe namespace`: status and conditions, then its resource
//! quotas and limit ranges merged into two tables.

use serde_json::Value;

use super::common::{annotations_multiline, arr, labels_multiline, list_path, s};
use crate::quantity::from_json;
use super::related::time_or_zero;
use super::writer::{Writer, LEVEL_0, LEVEL_1};
use super::{DescribeContext, Fetched, Need};
use crate::dw;

const QUOTAS: &str = "resourcequotas";
const LIMITS: &str = "limitranges";

pub fn needs(ns: &Value) -> Vec<Need> {
    let name = s(&ns["metadata"]["name"]);
    // kubectl fails on any error but NotFound, which only a server without
    // the resources would answer; a real server never does, so both are
    // required.
    vec![Need::list(QUOTAS, list_path("", "v1", "resourcequotas", name)).required(), Need::list(LIMITS, list_path("", "v1", "limitranges", name)).required()]
}

pub fn describe(ns: &Value, ctx: &DescribeContext) -> String {
    let meta = &ns["metadata"];
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    dw!(w, LEVEL_0, "Status:\t{}\n", s(&ns["status"]["phase"]));
    let conditions = arr(&ns["status"]["conditions"]);
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            dw!(
                w,
                LEVEL_1,
                "{}\t{}\t{}\t{}\t{}\n",
                s(&c["type"]),
                s(&c["status"]),
                time_or_zero(&c["lastTransitionTime"]),
                s(&c["reason"]),
                s(&c["message"])
            );
        }
    }
    // A server without quotas or limit ranges (404) omits the section.
    if let Some(quotas) = present(ctx.get(QUOTAS)) {
        w.write(LEVEL_0, "\n");
        resource_quotas(&mut w, quotas);
    }
    if let Some(limits) = present(ctx.get(LIMITS)) {
        w.write(LEVEL_0, "\n");
        limit_ranges(&mut w, limits);
    }
    w.finish()
}

fn present(f: Option<&Fetched>) -> Option<&[Value]> {
    match f {
        Some(Fetched::Items(items)) => Some(items),
        Some(Fetched::Failed { code: 404, .. }) => None,
        _ => Some(&[]),
    }
}

fn help_text(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

/// `DescribeResourceQuotas`.
pub fn resource_quotas(w: &mut Writer, quotas: &[Value]) {
    if quotas.is_empty() {
        w.write(LEVEL_0, "No resource quota.\n");
        return;
    }
    let mut sorted: Vec<&Value> = quotas.iter().collect();
    sorted.sort_by(|a, b| s(&a["metadata"]["name"]).cmp(s(&b["metadata"]["name"])));
    w.write(LEVEL_0, "Resource Quotas\n");
    for q in sorted {
        dw!(w, LEVEL_1, "Name:\t{}\n", s(&q["metadata"]["name"]));
        let mut scopes: Vec<&str> = arr(&q["spec"]["scopes"]).iter().map(s).collect();
        if !scopes.is_empty() {
            scopes.sort();
            dw!(w, LEVEL_1, "Scopes:\t{}\n", scopes.join(", "));
            for scope in &scopes {
                let help = help_text(scope);
                if !help.is_empty() {
                    dw!(w, LEVEL_1, "* {help}\n");
                }
            }
        }
        w.write(LEVEL_1, "Resource\tUsed\tHard\n");
        w.write(LEVEL_1, "--------\t---\t---\n");
        let hard = &q["status"]["hard"];
        let mut names: Vec<&String> = hard.as_object().into_iter().flatten().map(|(k, _)| k).collect();
        names.sort();
        for name in names {
            let used = from_json(&q["status"]["used"][name.as_str()]);
            dw!(w, LEVEL_1, "{name}\t{}\t{}\n", used.go_string(), from_json(&hard[name.as_str()]).go_string());
        }
    }
}

/// `DescribeLimitRanges`. kubectl ranges over a Go map for the resources of
/// each limit, so their order varies between its runs; this sorts them.
pub fn limit_ranges(w: &mut Writer, limits: &[Value]) {
    if limits.is_empty() {
        w.write(LEVEL_0, "No LimitRange resource.\n");
        return;
    }
    w.write(LEVEL_0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
    w.write(LEVEL_0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    for lr in limits {
        limit_range_spec(w, &lr["spec"], " ");
    }
}

/// `describeLimitRangeSpec`: one row per (limit, resource), `-` for unset.
pub fn limit_range_spec(w: &mut Writer, spec: &Value, prefix: &str) {
    for item in arr(&spec["limits"]) {
        let fields = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"];
        let mut names: Vec<&String> = fields.iter().flat_map(|f| item[*f].as_object().into_iter().flatten().map(|(k, _)| k)).collect();
        names.sort();
        names.dedup();
        for name in names {
            let value = |f: &str| match item[f].get(name.as_str()) {
                Some(q) => from_json(q).go_string(),
                None => "-".to_string(),
            };
            dw!(
                w,
                LEVEL_0,
                "{prefix}{}\t{name}\t{}\t{}\t{}\t{}\t{}\n",
                s(&item["type"]),
                value("min"),
                value("max"),
                value("defaultRequest"),
                value("default"),
                value("maxLimitRequestRatio")
            );
        }
    }
}

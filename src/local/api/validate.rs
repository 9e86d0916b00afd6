//! The validation a user notices first, with the apiserver's 422 wording.

use serde_json::{json, Value};

use super::super::resources::Res;
use super::ApiError;

struct Cause {
    reason: &'static str,
    field: String,
    message: String,
}

pub fn validate(res: &Res, obj: &Value) -> Result<(), ApiError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let mut causes = Vec::new();
    if name.is_empty() {
        causes.push(Cause { reason: "FieldValueRequired", field: "metadata.name".into(), message: "Required value: name or generateName is required".into() });
    } else {
        for msg in super::validate_fields::name_messages(res, name) {
            causes.push(Cause { reason: "FieldValueInvalid", field: "metadata.name".into(), message: format!("Invalid value: \"{name}\": {msg}") });
        }
    }
    let builtin = if res.custom.is_some() { "" } else { res.name };
    match builtin {
        "pods" => containers(&obj["spec"], "spec", &mut causes),
        "deployments" | "replicasets" | "statefulsets" | "daemonsets" => {
            if obj["spec"]["selector"].is_null() {
                causes.push(Cause { reason: "FieldValueRequired", field: "spec.selector".into(), message: "Required value".into() });
            } else {
                let sel = obj["spec"]["selector"]["matchLabels"].as_object();
                let labels = obj["spec"]["template"]["metadata"]["labels"].as_object();
                let matches = sel.is_none_or(|s| s.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v)));
                if !matches {
                    causes.push(Cause {
                        reason: "FieldValueInvalid",
                        field: "spec.template.metadata.labels".into(),
                        message: format!("Invalid value: {}: `selector` does not match template `labels`", super::validate_update::go_string_map(&obj["spec"]["template"]["metadata"]["labels"])),
                    });
                }
            }
            containers(&obj["spec"]["template"]["spec"], "spec.template.spec", &mut causes);
            let (deadline, min_ready) = (obj["spec"]["progressDeadlineSeconds"].as_i64(), obj["spec"]["minReadySeconds"].as_i64().unwrap_or(0));
            if res.name == "deployments" && deadline.is_some_and(|d| d <= min_ready) {
                let message = format!("Invalid value: {}: must be greater than minReadySeconds", deadline.unwrap_or(0));
                causes.push(Cause { reason: "FieldValueInvalid", field: "spec.progressDeadlineSeconds".into(), message });
            }
        }
        "services" => {
            let ports = obj["spec"]["ports"].as_array().map(|p| p.len()).unwrap_or(0);
            let headless = obj["spec"]["clusterIP"] == "None";
            if ports == 0 && !headless && obj["spec"]["type"] != "ExternalName" {
                causes.push(Cause { reason: "FieldValueRequired", field: "spec.ports".into(), message: "Required value".into() });
            }
        }
        _ => {}
    }
    causes.extend(super::validate_fields::more(res, obj).into_iter().map(|(reason, field, message)| Cause { reason, field, message }));
    if causes.is_empty() {
        return Ok(());
    }
    let kind = if res.group.is_empty() { res.kind.to_string() } else { format!("{}.{}", res.kind, res.group) };
    let joined = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect::<Vec<_>>();
    let summary = if joined.len() == 1 { joined[0].clone() } else { format!("[{}]", joined.join(", ")) };
    let mut details = json!({"name": name});
    if !res.group.is_empty() {
        details["group"] = json!(res.group);
    }
    details["kind"] = json!(res.kind);
    details["causes"] = causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect();
    Err(ApiError { code: 422, reason: "Invalid", message: format!("{kind} \"{name}\" is invalid: {summary}"), details: Some(details) })
}

fn containers(spec: &Value, path: &str, causes: &mut Vec<Cause>) {
    let list = spec["containers"].as_array();
    if list.is_none_or(|l| l.is_empty()) {
        causes.push(Cause { reason: "FieldValueRequired", field: format!("{path}.containers"), message: "Required value".into() });
        return;
    }
    for (i, c) in list.unwrap().iter().enumerate() {
        if c["name"].as_str().unwrap_or("").is_empty() {
            causes.push(Cause { reason: "FieldValueRequired", field: format!("{path}.containers[{i}].name"), message: "Required value".into() });
        }
        if c["image"].as_str().unwrap_or("").is_empty() {
            causes.push(Cause { reason: "FieldValueRequired", field: format!("{path}.containers[{i}].image"), message: "Required value".into() });
        }
    }
}

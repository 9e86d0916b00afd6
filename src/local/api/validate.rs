//! The validation a user notices first, with the apiserver's 422 wording.

use serde_json::{json, Value};

use super::super::resources::Res;
use super::ApiError;

struct Cause {
    reason: &'static str,
    field: String,
    message: String,
}

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

pub fn validate(res: &Res, obj: &Value) -> Result<(), ApiError> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let mut causes = Vec::new();
    if name.is_empty() {
        causes.push(Cause { reason: "FieldValueRequired", field: "metadata.name".into(), message: "Required value: name or generateName is required".into() });
    } else {
        let label_names = matches!(res.name, "namespaces" | "services");
        let (ok, msg) = if label_names { (is_label(name), LABEL_MSG) } else { (is_subdomain(name), SUBDOMAIN_MSG) };
        if !ok {
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
                        message: format!("Invalid value: {}: `selector` does not match template `labels`", go_map(labels)),
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

/// Go's `%v` of a `map[string]string`.
fn go_map(m: Option<&serde_json::Map<String, Value>>) -> String {
    let inner = m
        .map(|m| m.iter().map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("map[string]string{{{inner}}}")
}

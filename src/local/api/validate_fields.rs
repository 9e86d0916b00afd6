//! Field validation beyond the first checks of `validate`: names (length and
//! pattern reported separately, as apimachinery does), container names and
//! ports, replica counts, the keys typed Secrets require. Messages are the
//! v1.20 apiserver's.

use serde_json::Value;

use super::super::resources::Res;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// (reason, field, message) of one failed check.
pub type Found = (&'static str, String, String);

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, without a length limit.
fn label_pattern(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-') && !s.starts_with('-') && !s.ends_with('-')
}

/// The messages apimachinery gives for a name: too long, then not matching.
pub fn name_messages(res: &Res, name: &str) -> Vec<String> {
    let (max, ok, msg) = match (res.custom.is_none(), res.name) {
        (true, "namespaces") => (63, label_pattern(name), LABEL_MSG),
        (true, "services") => (63, label_pattern(name) && name.starts_with(|c: char| c.is_ascii_lowercase()), DNS1035_MSG),
        _ => (253, name.split('.').all(label_pattern), SUBDOMAIN_MSG),
    };
    let mut out = Vec::new();
    if name.len() > max {
        out.push(format!("must be no more than {max} characters"));
    }
    if !ok {
        out.push(msg.to_string());
    }
    out
}

fn containers(spec: &Value, path: &str, out: &mut Vec<Found>) {
    for (i, c) in spec["containers"].as_array().into_iter().flatten().enumerate() {
        let name = c["name"].as_str().unwrap_or("");
        if !name.is_empty() {
            if name.len() > 63 {
                out.push(("FieldValueInvalid", format!("{path}.containers[{i}].name"), format!("Invalid value: \"{name}\": must be no more than 63 characters")));
            }
            if !label_pattern(name) {
                out.push(("FieldValueInvalid", format!("{path}.containers[{i}].name"), format!("Invalid value: \"{name}\": {LABEL_MSG}")));
            }
        }
        for (j, p) in c["ports"].as_array().into_iter().flatten().enumerate() {
            let field = format!("{path}.containers[{i}].ports[{j}].containerPort");
            match p["containerPort"].as_i64() {
                None | Some(0) => out.push(("FieldValueRequired", field, "Required value".into())),
                Some(n) if !(1..=65535).contains(&n) => out.push(("FieldValueInvalid", field, format!("Invalid value: {n}: must be between 1 and 65535, inclusive"))),
                _ => {}
            }
        }
    }
}

const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn name_part(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

/// `IsQualifiedName`: an optional DNS-subdomain prefix and a name part.
fn qualified_name(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if key.matches('/').count() > 1 {
        return vec!["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into()];
    }
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".into());
        } else {
            if p.len() > 253 {
                out.push("prefix part must be no more than 253 characters".into());
            }
            if !p.split('.').all(label_pattern) {
                out.push(format!("prefix part {SUBDOMAIN_MSG}"));
            }
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".into());
    } else {
        if name.len() > 63 {
            out.push("name part must be no more than 63 characters".into());
        }
        if !name_part(name) {
            out.push(NAME_PART_MSG.into());
        }
    }
    out
}

/// `ValidateLabels` (keys sorted: Go walks the map in random order).
fn labels(obj: &Value, out: &mut Vec<Found>) {
    let Some(m) = obj["metadata"]["labels"].as_object() else { return };
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        for msg in qualified_name(k) {
            out.push(("FieldValueInvalid", "metadata.labels".into(), format!("Invalid value: \"{k}\": {msg}")));
        }
        let v = m[k].as_str().unwrap_or("");
        if v.len() > 63 {
            out.push(("FieldValueInvalid", "metadata.labels".into(), format!("Invalid value: \"{v}\": must be no more than 63 characters")));
        }
        if !v.is_empty() && !name_part(v) {
            out.push(("FieldValueInvalid", "metadata.labels".into(), format!("Invalid value: \"{v}\": {LABEL_VALUE_MSG}")));
        }
    }
}

/// Checks after the ones `validate` makes itself, in the apiserver's order.
pub fn more(res: &Res, obj: &Value) -> Vec<Found> {
    let mut out = Vec::new();
    labels(obj, &mut out);
    if res.custom.is_some() {
        return out;
    }
    match res.name {
        "pods" => containers(&obj["spec"], "spec", &mut out),
        "deployments" | "replicasets" | "statefulsets" | "daemonsets" | "jobs" => {
            if let Some(n) = obj["spec"]["replicas"].as_i64().filter(|n| *n < 0) {
                out.push(("FieldValueInvalid", "spec.replicas".into(), format!("Invalid value: {n}: must be greater than or equal to 0")));
            }
            containers(&obj["spec"]["template"]["spec"], "spec.template.spec", &mut out);
        }
        "services" => {
            for (i, p) in obj["spec"]["ports"].as_array().into_iter().flatten().enumerate() {
                if let Some(n) = p["port"].as_i64().filter(|n| !(1..=65535).contains(n)) {
                    out.push(("FieldValueInvalid", format!("spec.ports[{i}].port"), format!("Invalid value: {n}: must be between 1 and 65535, inclusive")));
                }
            }
        }
        "secrets" => {
            let required: &[&str] = match obj["type"].as_str().unwrap_or("") {
                "kubernetes.io/tls" => &["tls.crt", "tls.key"],
                "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
                "kubernetes.io/dockercfg" => &[".dockercfg"],
                _ => &[],
            };
            for k in required {
                if obj["data"][k].is_null() {
                    out.push(("FieldValueRequired", format!("data[{k}]"), "Required value".into()));
                }
            }
        }
        _ => {}
    }
    out
}

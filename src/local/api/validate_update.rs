//! Validation that needs more than the new object: immutable fields on update
//! (workload selectors, `immutable` ConfigMaps and Secrets, Job templates) and
//! Secret `data` that is not base64, reported as the v1.20 decoder does (a 400
//! whose text names the JSON fields that followed, as json-iterator wraps it).

use serde_json::{json, Value};

use super::super::resources::Res;
use super::ApiError;

pub struct Cause {
    pub reason: &'static str,
    pub field: String,
    pub message: String,
}

/// The apiserver's 422 for a list of causes (`NewInvalid`).
pub fn invalid(res: &Res, name: &str, causes: &[Cause]) -> ApiError {
    let kind = if res.group.is_empty() { res.kind.to_string() } else { format!("{}.{}", res.kind, res.group) };
    let joined: Vec<String> = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
    let summary = if joined.len() == 1 { joined[0].clone() } else { format!("[{}]", joined.join(", ")) };
    let mut details = json!({"name": name});
    if !res.group.is_empty() {
        details["group"] = json!(res.group);
    }
    details["kind"] = json!(res.kind);
    details["causes"] = causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect();
    ApiError { code: 422, reason: "Invalid", message: format!("{kind} \"{name}\" is invalid: {summary}"), details: Some(details) }
}

/// Go's `%#v` of a string.
pub fn go_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Go's `%#v` of a `map[string]string` (keys sorted).
pub fn go_string_map(m: &Value) -> String {
    match m.as_object() {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let mut kv: Vec<(&String, &Value)> = m.iter().collect();
            kv.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = kv.iter().map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v.as_str().unwrap_or("")))).collect();
            format!("map[string]string{{{}}}", inner.join(", "))
        }
    }
}

/// Go's `%#v` of a `*metav1.LabelSelector` (as the immutability error prints it).
fn go_selector(sel: &Value) -> String {
    let exprs = match sel["matchExpressions"].as_array() {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|e| {
                    let values = match e["values"].as_array() {
                        None => "[]string(nil)".to_string(),
                        Some(v) => format!("[]string{{{}}}", v.iter().map(|x| go_quote(x.as_str().unwrap_or(""))).collect::<Vec<_>>().join(", ")),
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                        go_quote(e["key"].as_str().unwrap_or("")),
                        go_quote(e["operator"].as_str().unwrap_or(""))
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!("v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}", go_string_map(&sel["matchLabels"]))
}

fn immutable(field: &str, value: String) -> Cause {
    Cause { reason: "FieldValueInvalid", field: field.into(), message: format!("Invalid value: {value}: field is immutable") }
}

/// Checks of an update against the stored object.
pub fn validate_update(res: &Res, new: &Value, old: &Value) -> Result<(), ApiError> {
    if res.custom.is_some() {
        return Ok(());
    }
    let mut causes = Vec::new();
    match res.name {
        "deployments" | "replicasets" | "daemonsets" if new["spec"]["selector"] != old["spec"]["selector"] => {
            causes.push(immutable("spec.selector", go_selector(&new["spec"]["selector"])));
        }
        "jobs" => {
            if new["spec"]["selector"] != old["spec"]["selector"] {
                causes.push(immutable("spec.selector", go_selector(&new["spec"]["selector"])));
            }
            // The apiserver prints the internal Go struct here (with pointer
            // addresses, so no two answers are the same); the JSON stands in.
            if new["spec"]["template"] != old["spec"]["template"] {
                causes.push(immutable("spec.template", serde_json::to_string(&new["spec"]["template"]).unwrap_or_default()));
            }
        }
        "configmaps" | "secrets" if old["immutable"] == true => {
            let forbidden = |f: &str| Cause { reason: "FieldValueForbidden", field: f.into(), message: "Forbidden: field is immutable when `immutable` is set".into() };
            if new["immutable"] != true {
                causes.push(forbidden("immutable"));
            }
            if new["data"] != old["data"] {
                causes.push(forbidden("data"));
            }
            if res.name == "configmaps" && new["binaryData"] != old["binaryData"] {
                causes.push(forbidden("binaryData"));
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        return Ok(());
    }
    Err(invalid(res, new["metadata"]["name"].as_str().unwrap_or(""), &causes))
}

/// The offset Go's `base64.StdEncoding.DecodeString` reports for `s`, if it is not valid.
pub fn base64_error(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let valid = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let mut si = 0;
    loop {
        // One quantum of up to four symbols.
        let mut j = 0;
        while j < 4 {
            while si < b.len() && (b[si] == b'\n' || b[si] == b'\r') {
                si += 1;
            }
            if si == b.len() {
                return if j == 0 { None } else { Some(si - j) };
            }
            let c = b[si];
            si += 1;
            if valid(c) {
                j += 1;
                continue;
            }
            if c != b'=' {
                return Some(si - 1);
            }
            match j {
                0 | 1 => return Some(si - 1),
                2 => {
                    while si < b.len() && (b[si] == b'\n' || b[si] == b'\r') {
                        si += 1;
                    }
                    if si == b.len() {
                        return Some(b.len());
                    }
                    if b[si] != b'=' {
                        return Some(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < b.len() && (b[si] == b'\n' || b[si] == b'\r') {
                si += 1;
            }
            return if si < b.len() { Some(si) } else { None };
        }
    }
}

/// A JSON string starting at `i` (the opening quote): its end (after the closing quote).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Top-level keys of a JSON object body with the byte span of each value.
fn top_level(b: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let (mut i, mut depth) = (0usize, 0i32);
    let mut key: Option<(String, usize)> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = skip_string(b, i);
                if depth == 1 && key.is_none() {
                    let k: String = serde_json::from_slice(&b[i..end]).unwrap_or_default();
                    let mut j = end;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if b.get(j) == Some(&b':') {
                        key = Some((k, j + 1));
                        i = j + 1;
                        continue;
                    }
                }
                i = end;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 1 => {
                if let Some((k, s)) = key.take() {
                    out.push((k, s, i));
                }
            }
            _ => {}
        }
        if depth == 0 {
            if let Some((k, s)) = key.take() {
                out.push((k, s, i));
            }
        }
        i += 1;
    }
    out
}

/// json-iterator's name for a Secret field in its error path.
fn secret_field(key: &str) -> String {
    match key {
        "apiVersion" => "TypeMeta: APIVersion".into(),
        "kind" => "TypeMeta: Kind".into(),
        "metadata" => "ObjectMeta: v1.ObjectMeta".into(),
        "data" => "Data".into(),
        "stringData" => "StringData".into(),
        "type" => "Type".into(),
        "immutable" => "Immutable".into(),
        other => other.to_string(),
    }
}

/// A Secret body whose `data` is not base64: the 400 of the v1.20 decoder.
pub fn secret_data(res: &Res, body: &[u8]) -> Result<(), ApiError> {
    if res.custom.is_some() || res.name != "secrets" {
        return Ok(());
    }
    let fields = top_level(body);
    let Some(pos) = fields.iter().position(|(k, _, _)| k == "data") else { return Ok(()) };
    let (_, start, end) = &fields[pos];
    let Ok(Value::Object(data)) = serde_json::from_slice::<Value>(&body[*start..*end]) else { return Ok(()) };
    let Some((key, off)) = data.iter().find_map(|(k, v)| base64_error(v.as_str().unwrap_or("")).map(|o| (k.clone(), o))) else { return Ok(()) };
    // Where the decoder stood: just after the value's closing quote.
    let pattern = format!("{}:", go_quote(&key));
    let seg = &body[*start..*end];
    let at = seg.windows(pattern.len()).position(|w| w == pattern.as_bytes()).map(|p| p + pattern.len()).unwrap_or(0);
    let mut vstart = start + at;
    while vstart < body.len() && body[vstart] != b'"' {
        vstart += 1;
    }
    let head = skip_string(body, vstart).min(body.len());
    let text = |a: usize, b: usize| String::from_utf8_lossy(&body[a..b]).into_owned();
    let (p0, p1) = (head.saturating_sub(10), (head + 10).min(body.len()));
    let (c0, c1) = (head.saturating_sub(50), (head + 50).min(body.len()));
    let mut err = format!(
        "Data: decode base64: illegal base64 data at input byte {off}, error found in #{} byte of ...|{}|..., bigger context ...|{}|...",
        head - p0,
        text(p0, p1),
        text(c0, c1)
    );
    // Every field decoded after the failure wraps the error in its name; the
    // decoder loses its place inside `metadata` (a large struct), so nothing
    // after it is read.
    for (k, _, _) in &fields[pos + 1..] {
        err = format!("{}{}{err}", secret_field(k), if k == "metadata" { "." } else { ": " });
        if k == "metadata" {
            break;
        }
    }
    Err(ApiError::bad_request(format!("Secret in version \"v1\" cannot be handled as a Secret: v1.Secret.{err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_base64_offsets() {
        assert_eq!(base64_error("YWJj"), None);
        assert_eq!(base64_error("YQ=="), None);
        assert_eq!(base64_error("not base64!"), Some(3));
        assert_eq!(base64_error("abc"), Some(0));
        assert_eq!(base64_error("abcd="), Some(4));
        assert_eq!(base64_error("ab=d"), Some(2));
        assert_eq!(base64_error("ab$cd"), Some(2));
    }

    #[test]
    fn secret_errors_as_json_iterator_words_them() {
        let secrets = super::super::super::resources::find("", "v1", "secrets").unwrap();
        let e = secret_data(secrets, br#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s2"},"data":{"a":"YWJj","k":"ab$cd"},"type":"Opaque"}"#).unwrap_err();
        assert_eq!(e.message, r#"Secret in version "v1" cannot be handled as a Secret: v1.Secret.Type: Data: decode base64: illegal base64 data at input byte 2, error found in #10 byte of ...|k":"ab$cd"},"type":"|..., bigger context ...|data":{"name":"s2"},"data":{"a":"YWJj","k":"ab$cd"},"type":"Opaque"}|..."#);
        let e = secret_data(secrets, br#"{"data":{"k":"a!"},"apiVersion":"v1","kind":"Secret","metadata":{"name":"s3"}}"#).unwrap_err();
        assert!(e.message.contains("v1.Secret.ObjectMeta: v1.ObjectMeta.TypeMeta: Kind: TypeMeta: APIVersion: Data: decode base64: illegal base64 data at input byte 1,"), "{}", e.message);
        let e = secret_data(secrets, br#"{"apiVersion":"v1","data":{"k":"abc"},"kind":"Secret","metadata":{"name":"s3"},"type":"Opaque"}"#).unwrap_err();
        assert!(e.message.contains("as a Secret: v1.Secret.ObjectMeta: v1.ObjectMeta.TypeMeta: Kind: Data: decode base64: illegal base64 data at input byte 0,"), "{}", e.message);
        assert!(secret_data(secrets, br#"{"data":{"k":"YQ=="}}"#).is_ok());
    }

    #[test]
    fn go_formats() {
        assert_eq!(go_string_map(&json!({"x": "yy", "app": "d1"})), r#"map[string]string{"app":"d1", "x":"yy"}"#);
        assert_eq!(go_string_map(&Value::Null), "map[string]string(nil)");
        assert_eq!(
            go_selector(&json!({"matchLabels": {"app": "d1"}})),
            r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"d1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#
        );
    }
}

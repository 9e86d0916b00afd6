//! Naming the Secret key whose `data` value is not base64.
//!
//! The server rejects such a Secret with a decoder message that shows only a
//! window of the request body. kubectl prints that message as it is, and so
//! does kctl whenever the window already shows the bad key; only when it does
//! not (long values, such as certificates) is the key named after it.

use base64::Engine;
use serde_json::Value;

/// Go's `encoding/json` decoding of `[]byte`: standard base64, where line
/// breaks are ignored.
fn is_base64(s: &str) -> bool {
    let cleaned: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    base64::engine::general_purpose::STANDARD.decode(cleaned.as_bytes()).is_ok()
}

/// The keys of a v1 Secret's `data` whose values do not decode.
pub fn bad_keys(obj: &Value) -> Vec<String> {
    if obj["kind"] != "Secret" || obj["apiVersion"] != "v1" {
        return Vec::new();
    }
    let Some(data) = obj["data"].as_object() else { return Vec::new() };
    data.iter().filter(|(_, v)| v.as_str().is_some_and(|s| !is_base64(s))).map(|(k, _)| k.clone()).collect()
}

/// What to add to the server's message so that it names the failing key, or
/// nothing when the message shows it already (kubectl's exact bytes then).
pub fn key_note(obj: &Value, message: &str) -> Option<String> {
    if !message.contains("decode base64") {
        return None;
    }
    let keys = bad_keys(obj);
    if keys.is_empty() || keys.iter().any(|k| message.contains(&format!("\"{k}\":"))) {
        return None;
    }
    let quoted: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
    Some(format!(" (not valid base64: data[{}])", quoted.join("], data[")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_key_only_when_the_server_hides_it() {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "data": {"good": "aGVsbG8=", "wrapped": "aGVs\nbG8=", "broken": "not base64!!"}});
        assert_eq!(bad_keys(&s), vec!["broken".to_string()]);
        let shown = r#"v1.Secret.Data: decode base64: illegal base64 data at input byte 3, error found in #10 byte of ...| base64!!","good":"a|..., bigger context ...|{"apiVersion":"v1","data":{"broken":"not base64!!","good"|..."#;
        assert_eq!(key_note(&s, shown), None);
        let hidden = "v1.Secret.Data: decode base64: illegal base64 data at input byte 300, error found in #10 byte of ...|AAAA|...";
        assert_eq!(key_note(&s, hidden).unwrap(), " (not valid base64: data[\"broken\"])");
        assert_eq!(key_note(&json!({"kind": "ConfigMap", "apiVersion": "v1"}), hidden), None);
    }
}

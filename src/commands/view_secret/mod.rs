//! `kctl view-secret NAME [KEY]`: read a Secret's decoded values on purpose.
//!
//! Named and shaped like the popular krew plugin `kubectl view-secret`, so habits
//! carry over, and kept out of `get` so that decoded secrets never appear by
//! accident in the output of a kubectl-compatible command.
//!
//! - With KEY: that value's decoded bytes, exactly (no newline added), ready to be
//!   piped or redirected (`kctl view-secret web-tls tls.key > key.pem`).
//! - Without KEY (or with `--all`): every key as a `key=value` block, sorted by key;
//!   values not in UTF-8 are summarised rather than printed.
//! - `kubernetes.io/tls`: `tls.crt` and `tls.key` come first, and each certificate
//!   of the chain gets `#` comment lines (subject, issuer, validity, names).
//! - `kubernetes.io/dockerconfigjson` / `dockercfg`: the JSON is pretty-printed.

mod x509;

use base64::Engine;
use serde_json::Value;

use crate::client::{Request, ResourcePath};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Secret to read.
    pub name: String,
    /// Print only this key's decoded value, byte for byte.
    pub key: Option<String>,
    /// Print every key (the default without KEY; accepted for view-secret compatibility).
    #[arg(short = 'a', long = "all", conflicts_with = "key")]
    pub all: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let client = settings.client()?;
    let ns = client.config().namespace.clone();
    let path = ResourcePath { group: "", version: "v1", resource: "secrets", namespace: Some(&ns), name: Some(&args.name), ..Default::default() }.to_path();
    let rt = crate::commands::runtime();
    let secret: Value = rt.block_on(client.send(&Request::get(path)))?.json()?;
    let decoded = decode(&secret)?;
    match args.key {
        Some(key) => {
            let Some((_, value)) = decoded.iter().find(|(k, _)| *k == key) else {
                let keys: Vec<&str> = decoded.iter().map(|(k, _)| k.as_str()).collect();
                return Err(CliError::msg(format!(
                    "secret {:?} has no key {key:?}; its keys are: {}",
                    args.name,
                    if keys.is_empty() { "(none)".to_string() } else { keys.join(", ") }
                )));
            };
            write_raw(value);
        }
        None => crate::output::print(&render_all(secret["type"].as_str().unwrap_or(""), &decoded)),
    }
    Ok(())
}

/// `data` (base64) and `stringData` (as is, which only a server dry run returns),
/// sorted by key.
pub fn decode(secret: &Value) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut out = Vec::new();
    for (k, v) in secret["data"].as_object().into_iter().flatten() {
        let text = v.as_str().unwrap_or("");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| CliError::msg(format!("key {k:?} is not valid base64: {e}")))?;
        out.push((k.clone(), bytes));
    }
    for (k, v) in secret["stringData"].as_object().into_iter().flatten() {
        out.push((k.clone(), v.as_str().unwrap_or("").as_bytes().to_vec()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn write_raw(bytes: &[u8]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Every key as a `key=value` block, in the order and form described above.
pub fn render_all(secret_type: &str, decoded: &[(String, Vec<u8>)]) -> String {
    let tls = secret_type == "kubernetes.io/tls";
    let mut order: Vec<&(String, Vec<u8>)> = decoded.iter().collect();
    if tls {
        let rank = |k: &str| match k {
            "tls.crt" => 0,
            "tls.key" => 1,
            _ => 2,
        };
        order.sort_by_key(|(k, _)| rank(k));
    }
    let mut out = String::new();
    for (key, value) in order {
        let Ok(text) = std::str::from_utf8(value) else {
            out.push_str(&format!("{key}=<{} bytes of binary data; print it with KEY>\n", value.len()));
            continue;
        };
        let shown = match (secret_type, key.as_str()) {
            ("kubernetes.io/dockerconfigjson", ".dockerconfigjson") | ("kubernetes.io/dockercfg", ".dockercfg") => {
                pretty_json(text).unwrap_or_else(|| text.to_string())
            }
            _ => text.to_string(),
        };
        out.push_str(key);
        out.push('=');
        out.push_str(&shown);
        if !shown.ends_with('\n') {
            out.push('\n');
        }
        if tls && key == "tls.crt" {
            for (i, c) in x509::summarize_pem(value).iter().enumerate() {
                out.push_str(&format!("# certificate {}: subject: {}\n", i + 1, c.subject));
                out.push_str(&format!("# certificate {}: issuer: {}\n", i + 1, c.issuer));
                out.push_str(&format!("# certificate {}: valid: {} to {}\n", i + 1, c.not_before, c.not_after));
                let names: Vec<&str> = c.dns_names.iter().chain(&c.ip_addresses).map(String::as_str).collect();
                if !names.is_empty() {
                    out.push_str(&format!("# certificate {}: names: {}\n", i + 1, names.join(", ")));
                }
            }
        }
    }
    out
}

fn pretty_json(text: &str) -> Option<String> {
    let v: Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CRT: &str = include_str!("../../../tests/data/view-secret/tls.crt");

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn opaque_secrets_print_sorted_blocks() {
        let s = json!({"type": "Opaque", "data": {"user": b64("admin"), "cfg": b64("a=1\nb=2\n"), "bin": "//79"}});
        let d = decode(&s).unwrap();
        assert_eq!(render_all("Opaque", &d), "bin=<3 bytes of binary data; print it with KEY>\ncfg=a=1\nb=2\nuser=admin\n");
        assert!(decode(&json!({"data": {"x": "%%%"}})).is_err());
    }

    #[test]
    fn docker_config_is_pretty_printed() {
        let cfg = r#"{"auths":{"registry.example":{"username":"u","password":"p","auth":"dTpw"}}}"#;
        let s = json!({"type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": b64(cfg)}});
        assert_eq!(
            render_all("kubernetes.io/dockerconfigjson", &decode(&s).unwrap()),
            ".dockerconfigjson={\n  \"auths\": {\n    \"registry.example\": {\n      \"auth\": \"dTpw\",\n      \"password\": \"p\",\n      \"username\": \"u\"\n    }\n  }\n}\n"
        );
    }

    #[test]
    fn tls_secrets_lead_with_the_certificate_and_summarise_it() {
        let s = json!({"type": "kubernetes.io/tls", "data": {"ca.crt": b64("x"), "tls.crt": b64(CRT), "tls.key": b64("KEY\n")}});
        let text = render_all("kubernetes.io/tls", &decode(&s).unwrap());
        let expected_tail = "# certificate 1: subject: O=Example, CN=example.test\n# certificate 1: issuer: O=Example, CN=example.test\n# certificate 1: valid: 2026-11-27T14:34:26Z to 2036-11-24T14:34:26Z\n# certificate 1: names: example.test, www.example.test, 10.0.0.1\ntls.key=KEY\nca.crt=x\n";
        assert!(text.starts_with(&format!("tls.crt={CRT}")), "{text}");
        assert!(text.ends_with(expected_tail), "{text}");
    }
}

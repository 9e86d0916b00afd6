//! Exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`).

use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};
use std::time::SystemTime;

use base64::Engine;
use serde::Deserialize;
use serde_json::json;

use super::error::ClientError;
use crate::kubeconfig::{ExecConfig, RestConfig};

/// What a plugin handed back.
#[derive(Debug, Clone, Default)]
pub struct ExecCredential {
    pub token: Option<String>,
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
    pub expires: Option<SystemTime>,
}

impl ExecCredential {
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires.is_some_and(|t| t <= now)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PluginOutput {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    status: Option<PluginStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PluginStatus {
    expiration_timestamp: Option<String>,
    token: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

const INSTALL_DOC: &str = "It looks like you are trying to use a client-go credential plugin that is not installed.\n\nTo learn more about this feature, consult the documentation available at:\n      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins";

/// The transport turns this into a connection error naming the request.
fn wrap(msg: String) -> ClientError {
    ClientError::Auth(format!("getting credentials: {msg}"))
}

/// The `KUBERNETES_EXEC_INFO` document for one invocation.
pub fn exec_info(cfg: &ExecConfig, rest: &RestConfig, interactive: bool) -> serde_json::Value {
    let mut spec = json!({ "interactive": interactive });
    if cfg.provide_cluster_info {
        let mut cluster = json!({ "server": rest.server });
        if let Some(ca) = &rest.ca_pem {
            cluster["certificate-authority-data"] = json!(base64::engine::general_purpose::STANDARD.encode(ca));
        }
        if rest.insecure_skip_tls_verify {
            cluster["insecure-skip-tls-verify"] = json!(true);
        }
        if let Some(name) = &rest.tls_server_name {
            cluster["tls-server-name"] = json!(name);
        }
        if let Some(proxy) = &rest.proxy_url {
            cluster["proxy-url"] = json!(proxy);
        }
        spec["cluster"] = cluster;
    }
    json!({ "kind": "ExecCredential", "apiVersion": cfg.api_version, "spec": spec })
}

/// Decide interactivity the way client-go does for each `interactiveMode`.
fn interactive(cfg: &ExecConfig) -> Result<bool, ClientError> {
    let tty = std::io::stdin().is_terminal();
    match cfg.interactive_mode.as_deref().unwrap_or("IfAvailable") {
        "Never" => Ok(false),
        "Always" if !tty => Err(wrap(
            "exec plugin cannot support interactive mode: standard input is not a terminal".into(),
        )),
        "Always" => Ok(true),
        _ => Ok(tty),
    }
}

pub fn run_plugin(cfg: &ExecConfig, rest: &RestConfig) -> Result<ExecCredential, ClientError> {
    if cfg.api_version != "client.authentication.k8s.io/v1" && cfg.api_version != "client.authentication.k8s.io/v1beta1" {
        return Err(wrap(format!("exec plugin: invalid apiVersion {:?}", cfg.api_version)));
    }
    let interactive = interactive(cfg)?;
    let info = exec_info(cfg, rest, interactive);
    let mut cmd = Command::new(&cfg.command);
    cmd.args(&cfg.args)
        .env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .stdin(if interactive { Stdio::inherit() } else { Stdio::null() });
    for (k, v) in &cfg.env {
        cmd.env(k, v);
    }
    let output = match cmd.output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut msg = format!("exec: executable {} not found\n\n{INSTALL_DOC}", cfg.command);
            if let Some(hint) = cfg.install_hint.as_deref().filter(|h| !h.is_empty()) {
                msg.push_str("\n\n");
                msg.push_str(hint);
            }
            return Err(wrap(msg));
        }
        Err(e) => return Err(wrap(format!("exec: {e}"))),
    };
    if !output.status.success() {
        let code = output.status.code().unwrap_or(-1);
        return Err(wrap(format!("exec: executable {} failed with exit code {code}", cfg.command)));
    }
    parse_output(cfg, &output.stdout)
}

pub fn parse_output(cfg: &ExecConfig, stdout: &[u8]) -> Result<ExecCredential, ClientError> {
    let out: PluginOutput = serde_json::from_slice(stdout)
        .map_err(|e| wrap(format!("decoding stdout: {e}")))?;
    if out.kind != "ExecCredential" && !out.kind.is_empty() {
        return Err(wrap(format!("decoding stdout: unexpected kind {:?}", out.kind)));
    }
    if out.api_version != cfg.api_version {
        return Err(wrap(format!(
            "exec plugin is configured to use API version {}, plugin returned version {}",
            cfg.api_version, out.api_version
        )));
    }
    let status = out.status.ok_or_else(|| wrap("exec plugin didn't return a status field".into()))?;
    let has_cert = status.client_certificate_data.as_deref().is_some_and(|s| !s.is_empty());
    let has_key = status.client_key_data.as_deref().is_some_and(|s| !s.is_empty());
    let has_token = status.token.as_deref().is_some_and(|s| !s.is_empty());
    if !has_token && !has_cert && !has_key {
        return Err(wrap("exec plugin didn't return a token or cert/key pair".into()));
    }
    if has_cert != has_key {
        return Err(wrap("exec plugin returned only certFile or keyFile, not both".into()));
    }
    let expires = match status.expiration_timestamp.as_deref() {
        Some(ts) if !ts.is_empty() => {
            Some(parse_rfc3339(ts).ok_or_else(|| wrap(format!("decoding stdout: invalid expirationTimestamp {ts:?}")))?)
        }
        _ => None,
    };
    Ok(ExecCredential {
        token: status.token.filter(|t| !t.is_empty()),
        client_cert_pem: status.client_certificate_data.filter(|_| has_cert).map(String::into_bytes),
        client_key_pem: status.client_key_data.filter(|_| has_key).map(String::into_bytes),
        expires,
    })
}

/// RFC 3339 to SystemTime (UTC `Z` or numeric offsets, optional fraction).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
        let digits = &frac[..end.min(9)];
        nanos = format!("{digits:0<9}").parse().ok()?;
        rest = &frac[end..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (rest[1..3].parse::<i64>().ok()? * 3600 + rest[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    let days = crate::calendar::days_from_civil(y, mo, d);
    let secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
    if secs < 0 {
        return None;
    }
    Some(SystemTime::UNIX_EPOCH + std::time::Duration::new(secs as u64, nanos))
}


/// Flush stdout before a plugin may talk to the terminal.
pub fn prepare_terminal() {
    let _ = std::io::stdout().flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(v: &str) -> ExecConfig {
        ExecConfig { command: "x".into(), api_version: format!("client.authentication.k8s.io/{v}"), ..Default::default() }
    }

    #[test]
    fn token_and_expiry() {
        let out = br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"abc","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#;
        let c = parse_output(&cfg("v1"), out).unwrap();
        assert_eq!(c.token.as_deref(), Some("abc"));
        assert!(!c.is_expired(SystemTime::now()));
        assert_eq!(c.expires.unwrap().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(), 1893456000);
    }

    #[test]
    fn version_mismatch_and_missing_status() {
        let out = br#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"abc"}}"#;
        let e = parse_output(&cfg("v1"), out).unwrap_err().to_string();
        assert!(e.contains("plugin returned version client.authentication.k8s.io/v1beta1"), "{e}");
        let out = br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#;
        assert!(parse_output(&cfg("v1"), out).unwrap_err().to_string().contains("didn't return a status"));
    }

    #[test]
    fn rfc3339_offsets() {
        let a = parse_rfc3339("2026-11-27T12:00:00+01:00").unwrap();
        let b = parse_rfc3339("2026-11-27T11:00:00.000Z").unwrap();
        assert_eq!(a, b);
        assert!(parse_rfc3339("yesterday").is_none());
    }
}

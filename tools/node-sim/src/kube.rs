//! Minimal JSON client for the kube-apiserver (client-certificate auth).

use std::fmt;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::Config;

pub const MERGE_PATCH: &str = "application/merge-patch+json";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub struct ApiError {
    /// HTTP status, None for transport errors.
    pub status: Option<u16>,
    pub message: String,
}

impl ApiError {
    pub fn is(&self, code: u16) -> bool {
        self.status == Some(code)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(s) => write!(f, "HTTP {s}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

fn transport(e: reqwest::Error) -> ApiError {
    // Include the source chain: reqwest's top-level message is vague.
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    ApiError { status: None, message: msg }
}

#[derive(Clone)]
pub struct Api {
    base: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(cfg: &Config) -> Result<Api, String> {
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|e| format!("reading {}: {e}", p.display()))
        };
        let ca = reqwest::Certificate::from_pem_bundle(&read(&cfg.ca_file)?)
            .map_err(|e| format!("parsing {}: {e}", cfg.ca_file.display()))?;
        let mut ident = read(&cfg.client_cert)?;
        ident.push(b'\n');
        ident.extend(read(&cfg.client_key)?);
        let identity = reqwest::Identity::from_pem(&ident)
            .map_err(|e| format!("loading client certificate/key: {e}"))?;
        let http = reqwest::Client::builder()
            .tls_backend_rustls()
            .tls_certs_only(ca)
            .identity(identity)
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent("kctl-node-sim/0.1")
            .build()
            .map_err(|e| format!("building HTTP client: {e}"))?;
        Ok(Api { base: cfg.apiserver.trim_end_matches('/').to_string(), http })
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, &Value)>,
    ) -> ApiResult<Value> {
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base, path))
            .header("Accept", "application/json")
            .timeout(REQUEST_TIMEOUT);
        if let Some((ct, v)) = body {
            req = req.header("Content-Type", ct).body(v.to_string());
        }
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(status_error(status, &bytes));
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| ApiError {
            status: Some(status.as_u16()),
            message: format!("decoding response of {path}: {e}"),
        })
    }

    pub async fn get(&self, path: &str) -> ApiResult<Value> {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> ApiResult<Value> {
        self.send(Method::POST, path, Some(("application/json", body))).await
    }

    pub async fn merge_patch(&self, path: &str, body: &Value) -> ApiResult<Value> {
        self.send(Method::PATCH, path, Some((MERGE_PATCH, body))).await
    }

    pub async fn delete(&self, path: &str, body: Option<&Value>) -> ApiResult<Value> {
        self.send(Method::DELETE, path, body.map(|b| ("application/json", b))).await
    }

    /// Starts a watch; events are delivered line by line to `on_event`
    /// until the server ends the stream. Returns Err for HTTP errors (410
    /// included) and transport errors.
    pub async fn watch<F>(&self, path: &str, mut on_event: F) -> ApiResult<()>
    where
        F: FnMut(Value) -> std::ops::ControlFlow<()>,
    {
        let resp = self
            .http
            .get(format!("{}{}", self.base, path))
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await.unwrap_or_default();
            return Err(status_error(status, &bytes));
        }
        let mut stream = resp.bytes_stream();
        let mut buf: Vec<u8> = Vec::new();
        while let Some(chunk) = stream.next().await {
            buf.extend_from_slice(&chunk.map_err(transport)?);
            while let Some(pos) = buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = buf.drain(..=pos).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match serde_json::from_slice::<Value>(&line) {
                    Ok(ev) => {
                        if on_event(ev).is_break() {
                            return Ok(());
                        }
                    }
                    Err(e) => {
                        return Err(ApiError { status: None, message: format!("bad watch event: {e}") })
                    }
                }
            }
        }
        Ok(())
    }
}

fn status_error(status: StatusCode, body: &[u8]) -> ApiError {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    ApiError { status: Some(status.as_u16()), message }
}

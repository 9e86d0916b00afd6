//! All sending happens here: credentials, impersonation, timeouts, retries on
//! 429/5xx for idempotent requests, exec-plugin refresh after a 401, and `-v` logs.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use reqwest::header::{HeaderMap, HeaderName};
use url::Url;

use super::error::{ClientError, Status};
use super::exec::{self, ExecCredential};
use super::log;
use super::request::Request;
use super::tls::{self, TlsInputs};
use crate::kubeconfig::RestConfig;

mod upgrade;

const USER_AGENT: &str = concat!("kctl/v", env!("CARGO_PKG_VERSION"), " (linux/amd64) kctl");
const MAX_RETRIES: u32 = 5;

pub struct Client {
    config: RestConfig,
    base: Url,
    /// Host and port as kubectl names them in "connection refused" messages.
    host_port: String,
    timeout: Option<Duration>,
    verbosity: u8,
    state: Mutex<State>,
    /// Held by the first request until its connection is up: concurrent requests
    /// then share that (HTTP/2) connection instead of each opening their own.
    warm_up: tokio::sync::Mutex<bool>,
}

struct State {
    http: Option<reqwest::Client>,
    exec: Option<ExecCredential>,
    /// Bumped whenever the plugin runs, so that several requests failing with
    /// the same stale credential re-run the plugin only once.
    generation: u64,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_slice(&self.body).map_err(|e| ClientError::Decode(format!("error decoding response: {e}")))
    }

    pub fn content_type(&self) -> &str {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Client {
    pub fn new(config: RestConfig, timeout: Option<Duration>, verbosity: u8) -> Result<Client, ClientError> {
        let base = parse_server(&config.server)?;
        let host_port = match (base.host_str(), base.port_or_known_default()) {
            (Some(h), Some(p)) if base.port().is_some() => format!("{}:{p}", bracket(h)),
            (Some(h), _) => bracket(h),
            _ => config.server.clone(),
        };
        Ok(Client {
            config,
            base,
            host_port,
            timeout,
            verbosity,
            state: Mutex::new(State { http: None, exec: None, generation: 0 }),
            warm_up: tokio::sync::Mutex::new(false),
        })
    }

    pub fn config(&self) -> &RestConfig {
        &self.config
    }

    pub fn server_url(&self) -> &Url {
        &self.base
    }

    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The full URL for a request: the server URL's path is a prefix (rancher-style proxies).
    pub fn url_for(&self, req: &Request) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        format!("{base}{}", req.path_and_query())
    }

    /// Credentials and the HTTP client, refreshing exec-plugin output when it expired,
    /// or after a 401 (`rejected`: the generation whose credential was refused).
    fn prepare(&self, rejected: Option<u64>) -> Result<(reqwest::Client, Option<ExecCredential>, u64), ClientError> {
        let mut st = self.state.lock().unwrap();
        if let Some(exec_cfg) = &self.config.exec {
            let force = rejected == Some(st.generation);
            let stale = force || st.exec.as_ref().is_none_or(|c| c.is_expired(SystemTime::now()));
            if stale && self.config.token.is_none() {
                exec::prepare_terminal();
                let cred = exec::run_plugin(exec_cfg, &self.config)?;
                let cert_changed = st.exec.as_ref().map(|c| &c.client_cert_pem) != Some(&cred.client_cert_pem);
                if cert_changed {
                    st.http = None;
                }
                st.exec = Some(cred);
                st.generation += 1;
            }
        }
        if st.http.is_none() {
            st.http = Some(self.build_http(st.exec.as_ref())?);
        }
        Ok((st.http.clone().unwrap(), st.exec.clone(), st.generation))
    }

    /// The client certificate and key: the kubeconfig's, else the exec plugin's.
    fn client_identity<'a>(&'a self, exec: Option<&'a ExecCredential>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
        let c = &self.config;
        match exec {
            Some(e) if e.client_cert_pem.is_some() && c.client_cert_pem.is_none() => {
                (e.client_cert_pem.as_deref(), e.client_key_pem.as_deref())
            }
            _ => (c.client_cert_pem.as_deref(), c.client_key_pem.as_deref()),
        }
    }

    fn build_http(&self, exec: Option<&ExecCredential>) -> Result<reqwest::Client, ClientError> {
        let c = &self.config;
        let (cert, key) = self.client_identity(exec);
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .gzip(!c.disable_compression)
            .connect_timeout(Duration::from_secs(30));
        if self.base.scheme() == "https" {
            let tls = tls::client_config(&TlsInputs {
                ca_pem: c.ca_pem.as_deref(),
                insecure: c.insecure_skip_tls_verify,
                server_name: c.tls_server_name.as_deref(),
                client_cert_pem: cert,
                client_key_pem: key,
            })?;
            builder = builder.tls_backend_preconfigured(tls);
        }
        if let Some(proxy) = &c.proxy_url {
            let p = reqwest::Proxy::all(proxy).map_err(|e| ClientError::Config(format!("invalid proxy-url {proxy:?}: {e}")))?;
            builder = builder.proxy(p);
        }
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        builder.build().map_err(|e| ClientError::Config(format!("failed to build HTTP client: {e}")))
    }

    fn auth_headers(&self, exec: Option<&ExecCredential>) -> Vec<(HeaderName, String)> {
        let c = &self.config;
        let mut h = Vec::new();
        let token = c
            .token
            .clone()
            .or_else(|| c.token_file.as_ref().and_then(|p| std::fs::read_to_string(p).ok()).map(|s| s.trim().to_string()))
            .or_else(|| exec.and_then(|e| e.token.clone()));
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            h.push((reqwest::header::AUTHORIZATION, format!("Bearer {t}")));
        } else if let Some(user) = &c.username {
            let pass = c.password.clone().unwrap_or_default();
            let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
            h.push((reqwest::header::AUTHORIZATION, format!("Basic {enc}")));
        }
        let imp = &c.impersonate;
        if let Some(u) = &imp.user {
            h.push((HeaderName::from_static("impersonate-user"), u.clone()));
            if let Some(uid) = &imp.uid {
                h.push((HeaderName::from_static("impersonate-uid"), uid.clone()));
            }
            for g in &imp.groups {
                h.push((HeaderName::from_static("impersonate-group"), g.clone()));
            }
            for (k, vs) in &imp.extra {
                if let Ok(name) = HeaderName::try_from(format!("impersonate-extra-{}", extra_key_escape(k))) {
                    for v in vs {
                        h.push((name.clone(), v.clone()));
                    }
                }
            }
        }
        h
    }

    /// Send one request and read the whole body. Non-2xx answers become errors.
    pub async fn send(&self, req: &Request) -> Result<Response, ClientError> {
        let resp = self.send_raw(req).await?;
        if !(200..300).contains(&resp.status) {
            return Err(self.status_error(&resp));
        }
        Ok(resp)
    }

    /// Send and return any HTTP answer (errors only for transport failures).
    pub async fn send_raw(&self, req: &Request) -> Result<Response, ClientError> {
        let mut attempt = 0u32;
        let mut refreshed = false;
        loop {
            let (http, exec, generation) = self.prepare(None).map_err(|e| self.credential_error(req, e))?;
            let resp = self.send_once(&http, exec.as_ref(), req).await?;
            if resp.status == 401 && self.config.exec.is_some() && !refreshed {
                refreshed = true;
                self.prepare(Some(generation)).map_err(|e| self.credential_error(req, e))?;
                continue;
            }
            let retryable = resp.status == 429 || (resp.status >= 500 && resp.status != 501);
            if retryable && req.is_idempotent() && attempt < MAX_RETRIES {
                let wait = retry_after(&resp.headers).unwrap_or_else(|| backoff(attempt));
                if self.verbosity >= 4 {
                    log::emit('I', "with_retry.go:234", &format!("Got a Retry-After {}s response for attempt {} to {}", wait.as_secs(), attempt + 1, self.url_for(req)));
                }
                tokio::time::sleep(wait).await;
                attempt += 1;
                continue;
            }
            return Ok(resp);
        }
    }

    fn build(&self, http: &reqwest::Client, exec: Option<&ExecCredential>, req: &Request) -> (reqwest::RequestBuilder, String) {
        let url = self.url_for(req);
        let mut rb = http.request(req.method.clone(), &url);
        let accept = req.accept.as_deref().unwrap_or("application/json, */*");
        rb = rb.header(reqwest::header::ACCEPT, accept);
        let headers = self.auth_headers(exec);
        for (k, v) in &headers {
            rb = rb.header(k, v);
        }
        if let Some(ct) = &req.content_type {
            rb = rb.header(reqwest::header::CONTENT_TYPE, ct);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        if self.verbosity >= 7 {
            self.log_request(req, &url, accept, &headers);
        }
        (rb, url)
    }

    async fn send_once(&self, http: &reqwest::Client, exec: Option<&ExecCredential>, req: &Request) -> Result<Response, ClientError> {
        let mut warm = self.warm_up.lock().await;
        if *warm {
            drop(warm);
            return self.send_now(http, exec, req).await;
        }
        let result = self.send_now(http, exec, req).await;
        *warm = result.is_ok();
        result
    }

    async fn send_now(&self, http: &reqwest::Client, exec: Option<&ExecCredential>, req: &Request) -> Result<Response, ClientError> {
        let (rb, url) = self.build(http, exec, req);
        let start = Instant::now();
        let resp = match rb.send().await {
            Ok(r) => r,
            Err(e) => {
                self.log_response(req, &url, "", start.elapsed().as_millis(), None, None);
                return Err(self.classify(req, &e));
            }
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        super::warnings::report(&headers);
        let body = resp.bytes().await.map_err(|e| self.classify(req, &e))?.to_vec();
        let status_text = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or(""));
        self.log_response(req, &url, &status_text, start.elapsed().as_millis(), Some(&headers), Some(&body));
        Ok(Response { status: status.as_u16(), headers, body })
    }

    /// Send a request whose body is read incrementally (watches, logs). Error
    /// answers are read whole and returned as errors.
    pub async fn stream(&self, req: &Request) -> Result<reqwest::Response, ClientError> {
        let mut refreshed = false;
        loop {
            let (http, exec, generation) = self.prepare(None).map_err(|e| self.credential_error(req, e))?;
            let (rb, url) = self.build(&http, exec.as_ref(), req);
            let start = Instant::now();
            let resp = rb.send().await.map_err(|e| self.classify(req, &e))?;
            let status = resp.status();
            let status_text = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or(""));
            self.log_response(req, &url, &status_text, start.elapsed().as_millis(), Some(resp.headers()), None);
            super::warnings::report(resp.headers());
            if status.as_u16() == 401 && self.config.exec.is_some() && !refreshed {
                refreshed = true;
                self.prepare(Some(generation)).map_err(|e| self.credential_error(req, e))?;
                continue;
            }
            if status.is_success() {
                return Ok(resp);
            }
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(|e| self.classify(req, &e))?.to_vec();
            return Err(self.status_error(&Response { status: status.as_u16(), headers, body }));
        }
    }

    /// Word a failure while reading a streamed body.
    pub fn stream_error(&self, req: &Request, err: &reqwest::Error) -> ClientError {
        self.classify(req, err)
    }

    fn log_request(&self, req: &Request, url: &str, accept: &str, headers: &[(HeaderName, String)]) {
        log::emit('I', "round_trippers.go:470", &format!("{} {url}", req.method));
        log::emit('I', "round_trippers.go:476", "Request Headers:");
        // An upgrade request has no Accept header.
        if !accept.is_empty() {
            log::emit('I', "round_trippers.go:480", &format!("    Accept: {accept}"));
        }
        log::emit('I', "round_trippers.go:480", &format!("    User-Agent: {USER_AGENT}"));
        for (k, v) in headers {
            // Credentials never reach a log.
            let shown = if *k == reqwest::header::AUTHORIZATION {
                let scheme = v.split(' ').next().unwrap_or("");
                format!("{scheme} <masked>")
            } else {
                v.clone()
            };
            log::emit('I', "round_trippers.go:480", &format!("    {}: {shown}", canonical_header(k.as_str())));
        }
        if self.verbosity >= 8 {
            if let Some(body) = &req.body {
                log::emit('I', "request.go:1212", &format!("\"Request Body\" body={}", log::go_quote(&String::from_utf8_lossy(body))));
            }
        }
    }

    /// `-v=6`: one line per request; `-v=7`: status; `-v=8`: headers and body.
    fn log_response(&self, req: &Request, url: &str, status: &str, ms: u128, headers: Option<&HeaderMap>, body: Option<&[u8]>) {
        match self.verbosity {
            0..=5 => {}
            6 => log::emit('I', "round_trippers.go:560", &format!("{} {url} {status} in {ms} milliseconds", req.method)),
            v => {
                log::emit('I', "round_trippers.go:581", &format!("Response Status: {status} in {ms} milliseconds"));
                if v >= 8 {
                    log::emit('I', "round_trippers.go:584", "Response Headers:");
                    for (k, val) in headers.into_iter().flatten() {
                        log::emit('I', "round_trippers.go:587", &format!("    {}: {}", canonical_header(k.as_str()), val.to_str().unwrap_or("")));
                    }
                    if let Some(b) = body {
                        let limit = if v >= 9 { b.len() } else { b.len().min(10240) };
                        log::emit('I', "request.go:1351", &format!("\"Response Body\" body={}", log::go_quote(&String::from_utf8_lossy(&b[..limit]))));
                    }
                }
            }
        }
    }

    /// Turn a non-2xx response into the error kubectl would show.
    pub fn status_error(&self, resp: &Response) -> ClientError {
        if let Ok(status) = serde_json::from_slice::<Status>(&resp.body) {
            if status.kind == "Status" {
                return ClientError::Api { status, http_code: resp.status };
            }
        }
        let body = String::from_utf8_lossy(&resp.body).into_owned();
        let message = match resp.status {
            401 => "Unauthorized".to_string(),
            403 if body.trim().is_empty() => "Forbidden".to_string(),
            404 => "the server could not find the requested resource".to_string(),
            _ => body.trim().to_string(),
        };
        ClientError::Http { code: resp.status, body: message }
    }

    /// Credential plugin failures surface as connection errors, as in client-go.
    fn credential_error(&self, req: &Request, e: ClientError) -> ClientError {
        match e {
            ClientError::Auth(cause) => self.transport_error(req, cause, None),
            other => other,
        }
    }

    fn transport_error(&self, req: &Request, cause: String, refused_host: Option<String>) -> ClientError {
        ClientError::Transport { cause, refused_host, method: req.method.to_string(), url: self.url_for(req) }
    }

    /// Word transport failures the way kubectl does.
    fn classify(&self, req: &Request, err: &reqwest::Error) -> ClientError {
        let mut tls_err: Option<String> = None;
        let mut io_kind = None;
        let mut io_msg = None;
        let mut src: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = src {
            if let Some(r) = e.downcast_ref::<rustls::Error>() {
                tls_err = Some(describe_tls(r));
            }
            // io::Error::source() skips the error it wraps, so descend through get_ref().
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                io_kind.get_or_insert(io.kind());
                io_msg.get_or_insert(io.to_string());
                if let Some(inner) = io.get_ref() {
                    src = Some(inner as &(dyn std::error::Error + 'static));
                    continue;
                }
            }
            src = e.source();
        }
        if let Some(t) = tls_err {
            return self.transport_error(req, t, None);
        }
        let addr = dialed_address(&self.base);
        if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
            return self.transport_error(req, format!("dial tcp {addr}: connect: connection refused"), Some(self.host_port.clone()));
        }
        if err.is_timeout() {
            // Go races its request context against the client timeout, so kubectl
            // prints either form from run to run; this is its most common one.
            let cause = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
            return self.transport_error(req, cause.into(), None);
        }
        let msg = io_msg.unwrap_or_else(|| err.to_string());
        if msg.contains("dns error") || msg.contains("failed to lookup") {
            let cause = format!("dial tcp: lookup {}: no such host", self.base.host_str().unwrap_or(""));
            return self.transport_error(req, cause, None);
        }
        self.transport_error(req, format!("dial tcp {addr}: {msg}"), None)
    }
}

/// The address Go's dialer reports: the resolved IP (IPv4 first), not the host name.
fn dialed_address(url: &Url) -> String {
    use std::net::ToSocketAddrs;
    let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(443);
    let resolved: Vec<std::net::SocketAddr> = (host, port).to_socket_addrs().map(|a| a.collect()).unwrap_or_default();
    match resolved.iter().find(|a| a.is_ipv4()).or(resolved.first()) {
        Some(a) => a.to_string(),
        None => format!("{}:{port}", bracket(host)),
    }
}

fn parse_server(server: &str) -> Result<Url, ClientError> {
    let with_scheme = if server.contains("://") { server.to_string() } else { format!("https://{server}") };
    Url::parse(&with_scheme).map_err(|e| ClientError::Config(format!("host must be a URL or a host:port pair: {server:?} ({e})")))
}

fn bracket(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let x509 = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => "x509: certificate signed by unknown authority".to_string(),
            C::NotValidForName => "x509: certificate is not valid for the requested name".to_string(),
            C::NotValidForNameContext { expected, presented } => {
                // Go lists the names of the kind being checked: DNS names for a
                // host name, IP addresses for an address.
                let want = format!("{expected:?}");
                let is_ip = want.starts_with("IpAddress(");
                let want = want.trim_start_matches("DnsName(").trim_start_matches("IpAddress(").trim_end_matches(')').trim_matches('"').to_string();
                let names: Vec<String> = presented
                    .iter()
                    .filter_map(|p| {
                        let (kind, rest) = p.split_once('(')?;
                        let value = rest.trim_end_matches(')').trim_matches('"').to_string();
                        ((kind == "IpAddress") == is_ip).then_some(value)
                    })
                    .collect();
                format!("x509: certificate is valid for {}, not {want}", names.join(", "))
            }
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. } => {
                "x509: certificate has expired or is not yet valid".to_string()
            }
            other => format!("x509: {other:?}"),
        },
        other => return format!("tls: {other}"),
    };
    format!("tls: failed to verify certificate: {x509}")
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: u64 = v.trim().parse().ok()?;
    Some(Duration::from_secs(secs.clamp(1, 30)))
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((200u64 << attempt.min(4)).min(3000))
}

fn canonical_header(name: &str) -> String {
    name.split('-')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Impersonate-Extra keys are percent-encoded except for a few legal characters.
fn extra_key_escape(k: &str) -> String {
    let mut out = String::new();
    for b in k.bytes() {
        if b.is_ascii_alphanumeric() || b"-!#$&'*+.^_`|~".contains(&b) {
            out.push(b.to_ascii_lowercase() as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}


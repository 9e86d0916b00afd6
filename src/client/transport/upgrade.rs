//! Upgrading a request to a WebSocket (exec, attach, port-forward), with the
//! same TLS configuration and credentials as every other request.
//!
//! reqwest cannot hand over an upgraded connection, so this dials and runs the
//! TLS handshake itself (HTTP/1.1 only: the upgrade needs it), then performs
//! the WebSocket handshake with tungstenite. It dials the server directly: a
//! kubeconfig `proxy-url` is refused, and HTTP(S)_PROXY is not consulted.

use std::sync::Arc;

use reqwest::header::HeaderValue;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, protocol::WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use super::{dialed_address, Client, Response, USER_AGENT};
use crate::client::error::ClientError;
use crate::client::log;
use crate::client::request::Request;
use crate::client::tls;

pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

pub type WebSocket = WebSocketStream<Box<dyn Io>>;

impl Client {
    /// Open a WebSocket for `req`, offering `protocols` in order of preference.
    /// Returns the socket and the subprotocol the server chose. A refused
    /// upgrade comes back as the server's error (Status) like any request.
    pub async fn websocket(&self, req: &Request, protocols: &[&str]) -> Result<(WebSocket, String), ClientError> {
        if let Some(proxy) = &self.config.proxy_url {
            return Err(ClientError::Config(format!("streaming (exec, attach, port-forward, cp) through proxy-url {proxy:?} is not supported by kctl yet")));
        }
        let (_http, exec, _) = self.prepare(None).map_err(|e| self.credential_error(req, e))?;
        let url = self.url_for(req);
        let ws_url = if let Some(rest) = url.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            format!("ws://{}", url.trim_start_matches("http://"))
        };
        let mut request = ws_url
            .as_str()
            .into_client_request()
            .map_err(|e| ClientError::Config(format!("invalid URL {url:?}: {e}")))?;
        let headers = request.headers_mut();
        let auth = self.auth_headers(exec.as_ref());
        for (k, v) in &auth {
            if let Ok(v) = HeaderValue::from_str(v) {
                headers.append(k.clone(), v);
            }
        }
        headers.insert(reqwest::header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        if let Ok(v) = HeaderValue::from_str(&protocols.join(", ")) {
            headers.insert("sec-websocket-protocol", v);
        }
        if self.verbosity >= 7 {
            self.log_request(req, &url, "", &auth);
            log::emit('I', "round_trippers.go:480", &format!("    Sec-Websocket-Protocol: {}", protocols.join(", ")));
        }

        let host = self.base.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_string();
        let port = self.base.port_or_known_default().unwrap_or(443);
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| {
            let addr = dialed_address(&self.base);
            if e.kind() == std::io::ErrorKind::ConnectionRefused {
                self.transport_error(req, format!("dial tcp {addr}: connect: connection refused"), Some(self.host_port.clone()))
            } else {
                self.transport_error(req, format!("dial tcp {addr}: {e}"), None)
            }
        })?;
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = if self.base.scheme() == "https" {
            let c = &self.config;
            let (cert, key) = self.client_identity(exec.as_ref());
            let mut config = tls::client_config(&tls::TlsInputs {
                ca_pem: c.ca_pem.as_deref(),
                insecure: c.insecure_skip_tls_verify,
                server_name: c.tls_server_name.as_deref(),
                client_cert_pem: cert,
                client_key_pem: key,
            })?;
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            let name = rustls_pki_types::ServerName::try_from(host.clone())
                .map_err(|_| ClientError::Config(format!("invalid server name {host:?}")))?;
            let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|e| {
                    let cause = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                        Some(r) => super::describe_tls(r),
                        None => e.to_string(),
                    };
                    self.transport_error(req, cause, None)
                })?;
            Box::new(tls)
        } else {
            Box::new(tcp)
        };

        let start = std::time::Instant::now();
        match tokio_tungstenite::client_async_with_config(request, stream, Some(WebSocketConfig::default())).await {
            Ok((ws, resp)) => {
                self.log_response(req, &url, "101 Switching Protocols", start.elapsed().as_millis(), Some(resp.headers()), None);
                let chosen = resp
                    .headers()
                    .get("sec-websocket-protocol")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                Ok((ws, chosen))
            }
            Err(tungstenite::Error::Http(resp)) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                let body = resp.body().clone().unwrap_or_default();
                let status_text = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or(""));
                self.log_response(req, &url, &status_text, start.elapsed().as_millis(), Some(&headers), Some(&body));
                Err(self.status_error(&Response { status: status.as_u16(), headers, body }))
            }
            Err(e) => Err(self.transport_error(req, format!("unable to upgrade connection: {e}"), None)),
        }
    }
}

//! The kubelet API (HTTPS) for one simulated node.
//!
//! Routes:
//! * `GET /healthz` -> `ok` (no authentication, like the kubelet's healthz port)
//! * `GET /pods` -> PodList of the pods bound to this node
//! * `GET /containerLogs/{ns}/{pod}/{container}` -> see `logs.rs`
//! * `/exec/…`, `/attach/…`, `/portForward/…`, `/run/…` -> see `streaming.rs`
//!
//! Everything but /healthz requires a client certificate signed by the
//! client CA (the apiserver presents its --kubelet-client-certificate).

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::{log, Config, Sim, SimNode};

pub type Body = UnsyncBoxBody<Bytes, Infallible>;

fn load_certs(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let data = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let certs = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("parsing {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificates in {}", path.display()));
    }
    Ok(certs)
}

fn load_key(path: &std::path::Path) -> Result<PrivateKeyDer<'static>, String> {
    let data = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    rustls_pemfile::private_key(&mut data.as_slice())
        .map_err(|e| format!("parsing {}: {e}", path.display()))?
        .ok_or_else(|| format!("no private key in {}", path.display()))
}

pub fn tls_config(cfg: &Config) -> Result<TlsAcceptor, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in load_certs(cfg.client_ca_file.as_ref().unwrap_or(&cfg.ca_file))? {
        roots.add(cert).map_err(|e| format!("client CA: {e}"))?;
    }
    let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
        .allow_unauthenticated()
        .build()
        .map_err(|e| format!("client verifier: {e}"))?;
    let mut config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(load_certs(&cfg.serving_cert)?, load_key(&cfg.serving_key)?)
        .map_err(|e| format!("serving certificate: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

pub async fn serve(sim: Arc<Sim>, node: SimNode, listener: TcpListener, tls: TlsAcceptor) {
    let node = Arc::new(node);
    loop {
        let (tcp, _peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                log!("{}: accept: {e}", node.name);
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let (sim, node, tls) = (sim.clone(), node.clone(), tls.clone());
        tokio::spawn(async move {
            let stream = match tls.accept(tcp).await {
                Ok(s) => s,
                Err(e) => {
                    log!("{}: TLS handshake: {e}", node.name);
                    return;
                }
            };
            let authenticated = stream.get_ref().1.peer_certificates().is_some_and(|c| !c.is_empty());
            let svc_node = node.clone();
            let svc = hyper::service::service_fn(move |req| {
                let (sim, node) = (sim.clone(), svc_node.clone());
                async move { Ok::<_, Infallible>(route(sim, node, authenticated, req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .with_upgrades();
            if let Err(e) = conn.await {
                if !e.is_incomplete_message() && !e.is_canceled() {
                    log!("{}: connection: {e}", node.name);
                }
            }
        });
    }
}

/// A plain-text response, like go-restful's WriteError.
pub fn text(status: StatusCode, msg: impl Into<String>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(msg.into())).boxed_unsync())
        .expect("valid response")
}

fn json(value: &serde_json::Value) -> Response<Body> {
    Response::builder()
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(value.to_string())).boxed_unsync())
        .expect("valid response")
}

async fn route(
    sim: Arc<Sim>,
    node: Arc<SimNode>,
    authenticated: bool,
    req: Request<hyper::body::Incoming>,
) -> Response<Body> {
    let path = req.uri().path().to_string();
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(crate::util::decode).collect();
    let first = segments.first().map(String::as_str).unwrap_or("");
    if first == "healthz" && segments.len() == 1 {
        return text(StatusCode::OK, "ok");
    }
    if !authenticated {
        return text(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    match (req.method().as_str(), first) {
        ("GET", "pods") if segments.len() == 1 => {
            let items = sim.pods.on_node(&node.name);
            json(&serde_json::json!({
                "kind": "PodList",
                "apiVersion": "v1",
                "metadata": {},
                "items": items,
            }))
        }
        ("GET", "containerLogs") => {
            let query = req.uri().query().unwrap_or("").to_string();
            crate::logs::handle(&sim, &node, &segments[1..], &query).await
        }
        (_, "exec" | "attach" | "portForward" | "run") => crate::streaming::handle(&sim, &node, first, req).await,
        _ => text(StatusCode::NOT_FOUND, "404 page not found\n"),
    }
}

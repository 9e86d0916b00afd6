//! The server process (`kctl __local-server DIR PORT`, started detached by
//! `kctl local up`): TLS on 127.0.0.1 with client-certificate authentication,
//! HTTP/1.1 and HTTP/2, the API in `api`.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use http_body_util::BodyExt;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_rustls::rustls;

use super::api::{self, Req, State};
use super::certs;
use super::store::{Op, Store};

pub const LOCK_FILE: &str = "server.lock";
pub const INFO_FILE: &str = "server.json";

fn tls_config(pki: &certs::Pki) -> Result<rustls::ServerConfig, String> {
    let certs: Vec<_> = rustls_pemfile::certs(&mut pki.server_cert.as_bytes()).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let key = rustls_pemfile::private_key(&mut pki.server_key.as_bytes()).map_err(|e| e.to_string())?.ok_or("no server key")?;
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut pki.ca_cert.as_bytes()) {
        roots.add(c.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| e.to_string())?;
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(cfg)
}

/// The namespaces every cluster starts with.
fn bootstrap(store: &Store) -> std::io::Result<()> {
    let res = super::resources::find("", "v1", "namespaces").unwrap();
    store
        .commit::<()>(|objects, rv| {
            let mut ops = Vec::new();
            for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                let key = res.key("", ns);
                if objects.contains_key(&key) {
                    continue;
                }
                let obj = json!({
                    "kind": "Namespace", "apiVersion": "v1",
                    "metadata": {"name": ns, "uid": api::new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": api::now_rfc3339(),
                                 "labels": {"kubernetes.io/metadata.name": ns}},
                    "spec": {"finalizers": ["kubernetes"]},
                    "status": {"phase": "Active"},
                });
                ops.push(Op { key, object: Some(obj) });
                ops.extend(super::accounts::namespace_ops(ns, rv));
            }
            ops.extend(super::accounts::kubernetes_service(objects, rv));
            let sc = super::resources::find("storage.k8s.io", "v1", "storageclasses").unwrap();
            if !objects.contains_key(&sc.key("", super::workloads::STORAGE_CLASS)) && !objects.contains_key("core/nodes//kctl-local") {
                // Only on a fresh store: a user may delete the default class.
                ops.push(Op { key: sc.key("", super::workloads::STORAGE_CLASS), object: Some(super::workloads::storage_class(rv)) });
            }
            let node = super::resources::find("", "v1", "nodes").unwrap();
            if !objects.contains_key(&node.key("", super::controllers::NODE)) {
                ops.push(Op { key: node.key("", super::controllers::NODE), object: Some(super::controllers::node_object(rv)) });
            }
            Ok(ops)
        })?
        .ok();
    Ok(())
}

pub fn run(dir: &Path, port: u16) -> Result<(), String> {
    let lock = File::options().create(true).truncate(false).write(true).open(dir.join(LOCK_FILE)).map_err(|e| e.to_string())?;
    if !fs4::fs_std::FileExt::try_lock_exclusive(&lock).map_err(|e| e.to_string())? {
        return Err("another kctl local server is running on this state directory".into());
    }
    let pki = certs::load(dir)?;
    super::accounts::set_ca(&pki.ca_cert);
    let tls = tokio_rustls::TlsAcceptor::from(Arc::new(tls_config(&pki)?));
    let store = Store::open(&dir.join("data")).map_err(|e| format!("opening the store: {e}"))?;
    bootstrap(&store).map_err(|e| e.to_string())?;
    super::nodes::ensure(&store, dir).map_err(|e| e.to_string())?;
    super::resources::refresh_crds(&store);
    let state = Arc::new(State { store });
    super::controllers::start(state.clone());
    super::kubelet::start(state.clone());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| format!("listening on 127.0.0.1:{port}: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let info = json!({"pid": std::process::id(), "port": port});
        crate::kubeconfig::write::write_atomic(&dir.join(INFO_FILE), info.to_string().as_bytes())?;
        eprintln!("kctl local: serving on https://127.0.0.1:{port}");
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
        loop {
            let (tcp, _) = tokio::select! {
                r = listener.accept() => match r { Ok(c) => c, Err(_) => continue },
                _ = term.recv() => break,
            };
            let _ = tcp.set_nodelay(true);
            let tls = tls.clone();
            let state = state.clone();
            tokio::spawn(async move {
                let Ok(stream) = tls.accept(tcp).await else { return };
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(serve(state, req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), svc).await;
            });
        }
        // Every acknowledged write is already on disk: nothing to flush.
        let _ = std::fs::remove_file(dir.join(INFO_FILE));
        Ok::<(), String>(())
    })?;
    drop(lock);
    Ok(())
}

async fn serve(state: Arc<State>, req: hyper::Request<hyper::body::Incoming>) -> hyper::Response<api::Body> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let header = |n: &str| parts.headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let query: HashMap<String, String> = parts
        .uri
        .query()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let req = Req {
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        query,
        accept: header("accept"),
        content_type: header("content-type"),
        body,
        user_agent: header("user-agent"),
    };
    api::handle(state, req).await
}

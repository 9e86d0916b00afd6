//! Streaming kubelet endpoints over WebSocket: exec, attach and port-forward.
//!
//! The apiserver proxies the client's upgrade request unchanged, so the
//! subprotocol is negotiated between the client and this simulator:
//! * exec/attach: `v5.channel.k8s.io` (stdin close signal) or
//!   `v4.channel.k8s.io` (JSON status on the error channel), see `exec.rs`;
//! * portForward: `v4.channel.k8s.io` (port-prefixed data/error channel
//!   pair per port), see `portforward.rs`.
//!
//! portForward also speaks SPDY/3.1, plain or tunnelled in a WebSocket
//! (`spdy.rs`), as kubectl does; exec/attach over SPDY get a 400 that says so. `/run` is a
//! plain POST and runs the command like exec, returning its output.
//! Paths: `/exec/{ns}/{pod}[/{uid}]/{container}?command=..&stdin=..&tty=..`,
//! `/attach/{ns}/{pod}[/{uid}]/{container}`, `/portForward/{ns}/{pod}[/{uid}]`.

use std::path::PathBuf;

use hyper::{Request, Response, StatusCode};
use serde_json::Value;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::WebSocketStream;

use crate::server::{text, Body};
use crate::util::str_at;
use crate::{log, Sim, SimNode};

pub const V5: &str = "v5.channel.k8s.io";
pub const V4: &str = "v4.channel.k8s.io";
/// kubectl >= 1.31 tunnels port-forward's SPDY through a WebSocket.
pub const SPDY_TUNNEL: &str = "SPDY/3.1+portforward.k8s.io";

/// Pod annotation restricting the subprotocols the simulator accepts.
pub const ANN_PROTOCOLS: &str = "sim.kctl.dev/streaming-protocols";

pub type Ws = WebSocketStream<hyper_util::rt::TokioIo<hyper::upgrade::Upgraded>>;

/// Query parameters, repeated keys kept in order.
pub fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (crate::util::decode(&k.replace('+', " ")), crate::util::decode(&v.replace('+', " ")))
        })
        .collect()
}

/// The apiserver passes `input`/`output`/`error`/`tty` to the kubelet; a
/// client talking to the kubelet directly says `stdin`/`stdout`/`stderr`.
pub fn param_bool(params: &[(String, String)], key: &str) -> bool {
    let alias = match key {
        "input" => "stdin",
        "output" => "stdout",
        "error" => "stderr",
        other => other,
    };
    params.iter().any(|(k, v)| (k == key || k == alias) && crate::util::parse_go_bool(v).unwrap_or(false))
}

/// The working directory of every command run "in" this pod: a per-pod
/// sandbox under the state dir (commands are host subprocesses; the
/// simulator exists only in tests).
pub fn sandbox_dir(sim: &Sim, pod: &Value) -> PathBuf {
    sim.cfg.state_dir.join("sandbox").join(str_at(pod, &["metadata", "uid"]))
}

fn find_pod(sim: &Sim, node: &SimNode, ns: &str, name: &str) -> Option<Value> {
    sim.pods.on_node(&node.name).into_iter().find(|p| {
        str_at(p, &["metadata", "namespace"]) == ns && str_at(p, &["metadata", "name"]) == name
    })
}

pub async fn handle(sim: &Sim, node: &SimNode, kind: &str, req: Request<hyper::body::Incoming>) -> Response<Body> {
    let path = req.uri().path().to_string();
    let segs: Vec<String> = path.trim_start_matches('/').split('/').skip(1).map(crate::util::decode).collect();
    let params = query_params(req.uri().query().unwrap_or(""));
    let (ns, pod_name, container) = match (kind, segs.len()) {
        ("portForward", 2 | 3) => (&segs[0], &segs[1], String::new()),
        ("exec" | "attach" | "run", 3) => (&segs[0], &segs[1], segs[2].clone()),
        ("exec" | "attach" | "run", 4) => (&segs[0], &segs[1], segs[3].clone()),
        _ => return text(StatusCode::NOT_FOUND, "404 page not found\n"),
    };
    let Some(pod) = find_pod(sim, node, ns, pod_name) else {
        return text(StatusCode::NOT_FOUND, format!("pod {ns}/{pod_name} not found"));
    };
    if kind != "portForward" {
        let known = pod["spec"]["containers"].as_array().into_iter().flatten().any(|c| c["name"] == container.as_str());
        if !known {
            return text(StatusCode::NOT_FOUND, format!("container {container} is not valid for pod {pod_name}"));
        }
    }
    if kind == "run" {
        return crate::exec::run_once(sim, &pod, &params).await;
    }

    let upgrade = req.headers().get("upgrade").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if upgrade == "spdy/3.1" && kind == "portForward" {
        tokio::spawn(async move {
            match hyper::upgrade::on(req).await {
                Ok(u) => crate::spdy::serve(hyper_util::rt::TokioIo::new(u), pod).await,
                Err(e) => log!("portForward SPDY upgrade: {e}"),
            }
        });
        return Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("Connection", "Upgrade")
            .header("Upgrade", "SPDY/3.1")
            .header("X-Stream-Protocol-Version", "portforward.k8s.io")
            .body(http_body_util::BodyExt::boxed_unsync(http_body_util::Empty::new()))
            .expect("valid response");
    }
    if upgrade != "websocket" {
        return text(
            StatusCode::BAD_REQUEST,
            format!("kctl-node-sim serves {kind} over WebSocket (v5/v4.channel.k8s.io) only; upgrade {upgrade:?} is not supported"),
        );
    }
    let offered: Vec<String> = req
        .headers()
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|p| p.trim().to_string()))
        .collect();
    let mut supported: Vec<&str> = if kind == "portForward" { vec![V4, SPDY_TUNNEL] } else { vec![V5, V4] };
    // An older kubelet, for tests of clients' fallbacks: e.g. "v4.channel.k8s.io".
    if let Some(only) = pod["metadata"]["annotations"][ANN_PROTOCOLS].as_str() {
        supported.retain(|p| only.split(',').any(|o| o.trim() == *p));
    }
    let Some(protocol) = offered.iter().find(|p| supported.contains(&p.as_str())).cloned() else {
        return text(
            StatusCode::BAD_REQUEST,
            format!("unable to upgrade: none of the requested subprotocols {offered:?} is supported (supported: {supported:?})"),
        );
    };
    let Some(key) = req.headers().get("sec-websocket-key").map(|k| derive_accept_key(k.as_bytes())) else {
        return text(StatusCode::BAD_REQUEST, "missing Sec-WebSocket-Key");
    };

    let (kind, node_name) = (kind.to_string(), node.name.clone());
    let sandbox = sandbox_dir(sim, &pod);
    tokio::spawn({
        let protocol = protocol.clone();
        async move {
            let upgraded = match hyper::upgrade::on(req).await {
                Ok(u) => u,
                Err(e) => {
                    log!("{node_name}: {kind} upgrade: {e}");
                    return;
                }
            };
            let ws = WebSocketStream::from_raw_socket(hyper_util::rt::TokioIo::new(upgraded), Role::Server, None).await;
            match kind.as_str() {
                "portForward" if protocol == SPDY_TUNNEL => crate::spdy::serve_tunnel(ws, pod).await,
                "portForward" => crate::portforward::serve(ws, &pod, &params).await,
                "exec" => crate::exec::serve_exec(ws, &protocol, sandbox, &params).await,
                _ => crate::exec::serve_attach(ws, &protocol, sandbox, &params).await,
            }
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .header("Sec-WebSocket-Accept", key)
        .header("Sec-WebSocket-Protocol", protocol)
        .body(http_body_util::BodyExt::boxed_unsync(http_body_util::Empty::new()))
        .expect("valid response")
}

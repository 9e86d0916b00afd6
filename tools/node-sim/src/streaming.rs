//! Streaming kubelet endpoints: exec, attach, port-forward and run.
//!
//! Not implemented yet. The apiserver reaches these through an upgraded
//! (SPDY/3.1 or WebSocket) connection; the TLS server already serves
//! connections `with_upgrades()`, so an implementation can use
//! `hyper::upgrade::on(req)` here once the 101 response is returned.
//! Paths: `/exec/{ns}/{pod}/{container}?command=..&stdin=..&stdout=..&tty=..`,
//! `/attach/{ns}/{pod}/{container}`, `/portForward/{ns}/{pod}`,
//! `/run/{ns}/{pod}/{container}` (POST, non-streaming).

use hyper::{Request, Response, StatusCode};

use crate::server::{text, Body};
use crate::{Sim, SimNode};

pub async fn handle(
    _sim: &Sim,
    node: &SimNode,
    kind: &str,
    _req: Request<hyper::body::Incoming>,
) -> Response<Body> {
    text(
        StatusCode::NOT_IMPLEMENTED,
        format!("{kind} is not implemented by kctl-node-sim (node {})", node.name),
    )
}

//! `kctl local`: a micro-cluster built into kctl. The server is this same binary
//! re-executed detached (`kctl __local-server`), serving the Kubernetes REST API
//! over TLS on 127.0.0.1 from an embedded, crash-safe store.
//!
//! - `lifecycle`, `certs`: up/down/status/reset, the PKI, the kubeconfig context.
//! - `store`: the write-ahead-logged object store (why: see its header).
//! - `server`, `api/`: TLS (client certificates), HTTP/1.1 and HTTP/2, JSON
//!   (protobuf request bodies are decoded by `proto`); CRUD, list (selectors,
//!   limit/continue), watch (from a resourceVersion, 410 once expired), PATCH
//!   (JSON, merge, strategic), dryRun=All, Status errors, namespaces, `scale`,
//!   `status` and `log` subresources.
//! - `discovery`: /version, /api, /apis, group-version lists, aggregated
//!   discovery, an OpenAPI v3 index and per-group-version paths (no schemas).
//! - `table`, `table_more`: `as=Table` with the apiserver's columns.
//! - `controllers`, `workloads`, `cron`: one simulated node, Deployments,
//!   ReplicaSets, StatefulSets (with PVCs), DaemonSets, Jobs, CronJobs (UTC),
//!   a default StorageClass whose provisioner binds claims, Endpoints and
//!   EndpointSlices, events, garbage collection (background), a default
//!   ServiceAccount per namespace.
//!
//! Not yet: server-side apply (415 with a clear message), OpenAPI schemas (so
//! `kubectl explain` and field validation have nothing to read; unknown fields
//! are kept, not rejected), several nodes and a real scheduler, rolling update
//! pacing (maxSurge/maxUnavailable), ControllerRevisions (StatefulSet/DaemonSet
//! history), crash loops, graceful pod deletion and foreground/orphan
//! propagation, service-account tokens, NodePorts, admission (quotas, limits).

pub mod api;
pub mod certs;
mod controllers;
mod cron;
mod defaults;
pub mod discovery;
pub mod lifecycle;
mod proto;
pub mod resources;
pub mod server;
pub mod store;
pub mod table;
mod table_more;
mod template_defaults;
pub mod workloads;

use std::path::PathBuf;

/// Where the cluster's state lives: `$KCTL_LOCAL_DIR`, else `<data dir>/kctl/local`.
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KCTL_LOCAL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("kctl").join("local")
}

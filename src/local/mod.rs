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
//! - `smd`, `managed_fields`, `api/apply`: server-side apply and managedFields
//!   as kube-apiserver v1.20 keeps them (conflicts, force, pruning).
//! - `discovery`: /version, /api, /apis, group-version lists, aggregated
//!   discovery.
//! - `openapi`: /openapi/v2 (JSON and protobuf) and /openapi/v3 with the
//!   v1.20 schemas of the served kinds and CRDs' (explain, client-side
//!   validation, strategic-merge metadata); unknown fields are pruned on write
//!   and wrongly typed ones refused as the apiserver refuses them.
//! - `table`, `table_more`: `as=Table` with the apiserver's columns.
//! - `nodes`, `scheduler`, `kubelet`, `program`, `logs`: N simulated nodes
//!   (`up --nodes`), a scheduler (nodeSelector, required node affinity,
//!   requests, taints/tolerations, cordon; FailedScheduling; `pods/binding`),
//!   kubelets that run containers from a subset of their command (exits,
//!   restarts, CrashLoopBackOff, readiness delays, init containers in order,
//!   Job pods, NoExecute eviction) and serve
//!   deterministic logs (follow, tail, since, timestamps, limitBytes, previous).
//! - `controllers`, `workloads`, `cron`: Deployments,
//!   ReplicaSets, StatefulSets (with PVCs), DaemonSets, Jobs, CronJobs (UTC),
//!   a default StorageClass whose provisioner binds claims, Endpoints and
//!   EndpointSlices, events, garbage collection (background), a default
//!   ServiceAccount per namespace.
//! - `gc`, `api/deletion`: graceful pod deletion, finalizers, garbage collection
//!   (background, foreground, orphan), the namespace lifecycle (Terminating,
//!   its conditions, protected namespaces); `api/services`: ClusterIP and
//!   NodePort allocation; `api/validate_update`: immutable fields, Secret base64;
//!   `accounts`: each namespace's token Secret and kube-root-ca.crt, the
//!   `kubernetes` Service.
//! - `deployment`, `statefulset`, `daemonset`, `history`: the
//!   workload controllers after v1.20's (rolling updates with maxSurge/
//!   maxUnavailable, Recreate, pause, partition, OnDelete, ControllerRevisions
//!   for StatefulSet/DaemonSet history); readiness comes from `kubelet`.
//!
//! Not yet: managedFields entries for pods, events and endpoints written by
//! the local controllers (kubelet, scheduler), server-side `fieldValidation`
//! (ignored, as by the v1.20 apiserver), image pulls (always "already
//! present"), liveness and startup probes, token authentication, admission
//! (quotas, limits).

mod accounts;
pub mod api;
pub mod certs;
mod controllers;
mod cron;
mod defaults;
mod daemonset;
mod deployment;
mod history;
pub mod discovery;
mod gc;
mod job_backoff;
mod kubelet;
pub mod lifecycle;
pub mod logs;
mod managed_fields;
pub mod nodes;
mod openapi;
mod program;
mod proto;
pub mod resources;
mod scheduler;
pub mod server;
mod smd;
mod statefulset;
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

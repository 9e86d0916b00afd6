//! `kctl local`: a micro-cluster built into kctl. The server is this same binary
//! re-executed detached (`kctl __local-server`), serving the Kubernetes REST API
//! over TLS on 127.0.0.1 from an embedded, crash-safe store.

pub mod api;
pub mod certs;
mod controllers;
mod defaults;
pub mod discovery;
pub mod lifecycle;
mod proto;
pub mod resources;
pub mod server;
pub mod store;
pub mod table;
mod table_more;
mod workloads;

use std::path::PathBuf;

/// Where the cluster's state lives: `$KCTL_LOCAL_DIR`, else `<data dir>/kctl/local`.
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KCTL_LOCAL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("kctl").join("local")
}

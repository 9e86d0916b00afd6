//! kctl-node-sim: simulated kubelets for kctl's loopback test cluster.
//!
//! One process simulates N nodes. For each node it registers a Node object,
//! keeps its heartbeat/lease fresh, removes the not-ready taint, serves the
//! kubelet API over TLS on its own port, and drives pods scheduled to it to
//! Running (or Succeeded/Failed, see `pods.rs`). It also provisions hostPath
//! volumes for pending PersistentVolumeClaims (`storage.rs`).

mod events;
mod exec;
mod kube;
mod logs;
mod nodes;
mod podstatus;
mod pods;
mod portforward;
mod server;
mod spdy;
mod storage;
mod streaming;
mod util;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;

/// Command-line flags; every flag can also be given through the environment.
#[derive(Parser, Debug, Clone)]
#[command(name = "kctl-node-sim", version, about = "Simulated kubelets for kctl's test cluster")]
pub struct Config {
    /// kube-apiserver URL.
    #[arg(long, env = "KCTL_SIM_APISERVER", default_value = "https://127.0.0.1:16443")]
    pub apiserver: String,
    /// CA bundle that signed the apiserver's serving certificate.
    #[arg(long, env = "KCTL_SIM_CA_FILE")]
    pub ca_file: PathBuf,
    /// Client certificate used to talk to the apiserver (PEM).
    #[arg(long, env = "KCTL_SIM_CLIENT_CERT")]
    pub client_cert: PathBuf,
    /// Client key used to talk to the apiserver (PEM).
    #[arg(long, env = "KCTL_SIM_CLIENT_KEY")]
    pub client_key: PathBuf,
    /// Kubelet serving certificate (PEM, must be valid for 127.0.0.1).
    #[arg(long, env = "KCTL_SIM_SERVING_CERT")]
    pub serving_cert: PathBuf,
    /// Kubelet serving key (PEM).
    #[arg(long, env = "KCTL_SIM_SERVING_KEY")]
    pub serving_key: PathBuf,
    /// CA that client certificates presented to the kubelet API must chain to
    /// (defaults to --ca-file).
    #[arg(long, env = "KCTL_SIM_CLIENT_CA_FILE")]
    pub client_ca_file: Option<PathBuf>,
    /// Number of simulated nodes.
    #[arg(long, env = "KCTL_SIM_NODES", default_value_t = 3)]
    pub nodes: u16,
    /// Node names are `<prefix><i>` for i in 1..=N.
    #[arg(long, env = "KCTL_SIM_NODE_PREFIX", default_value = "kctl-node-")]
    pub node_prefix: String,
    /// Node i serves the kubelet API on 127.0.0.1:<base-port + i - 1>.
    #[arg(long, env = "KCTL_SIM_BASE_PORT", default_value_t = 16250)]
    pub base_port: u16,
    /// Directory for hostPath volumes and other simulator state.
    #[arg(long, env = "KCTL_SIM_STATE_DIR", default_value = "/tmp/kctl-node-sim")]
    pub state_dir: PathBuf,
    /// Name of the default StorageClass to create (empty: do not create one).
    #[arg(long, env = "KCTL_SIM_STORAGE_CLASS", default_value = "standard")]
    pub storage_class: String,
    /// Seconds between node status heartbeats / lease renewals.
    #[arg(long, env = "KCTL_SIM_HEARTBEAT_SECONDS", default_value_t = 10)]
    pub heartbeat_seconds: u64,
    /// Delete the simulated Node objects on SIGTERM/SIGINT.
    #[arg(long, env = "KCTL_SIM_DELETE_NODES_ON_EXIT")]
    pub delete_nodes_on_exit: bool,
}

/// One simulated node.
#[derive(Debug, Clone)]
pub struct SimNode {
    pub name: String,
    pub port: u16,
    /// 1-based index; pods on this node get IPs from 10.244.<index>.0/24.
    pub index: u16,
}

/// State shared by every task.
pub struct Sim {
    pub cfg: Config,
    pub api: kube::Api,
    pub nodes: Vec<SimNode>,
    pub pods: Arc<pods::PodStore>,
}

impl Sim {
    pub fn node(&self, name: &str) -> Option<&SimNode> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cfg = Config::parse();
    if let Err(e) = run(cfg).await {
        log!("fatal: {e}");
        std::process::exit(1);
    }
    // Do not wait for in-flight requests and streams to wind down.
    std::process::exit(0);
}

async fn run(cfg: Config) -> Result<(), String> {
    if cfg.nodes == 0 {
        return Err("--nodes must be at least 1".into());
    }
    if u32::from(cfg.base_port) + u32::from(cfg.nodes) > 65536 {
        return Err("--base-port + --nodes exceeds the port range".into());
    }
    std::fs::create_dir_all(&cfg.state_dir)
        .map_err(|e| format!("creating {}: {e}", cfg.state_dir.display()))?;
    let api = kube::Api::new(&cfg)?;
    let nodes = (1..=cfg.nodes)
        .map(|i| SimNode {
            name: format!("{}{}", cfg.node_prefix, i),
            port: cfg.base_port + i - 1,
            index: i,
        })
        .collect();
    let sim = Arc::new(Sim { cfg, api, nodes, pods: Arc::default() });

    // Serve the kubelet API first: the node objects advertise these ports.
    let tls = server::tls_config(&sim.cfg)?;
    for node in &sim.nodes {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", node.port))
            .await
            .map_err(|e| format!("binding 127.0.0.1:{}: {e}", node.port))?;
        tokio::spawn(server::serve(sim.clone(), node.clone(), listener, tls.clone()));
    }
    log!(
        "serving kubelet API for {} nodes on 127.0.0.1:{}-{}",
        sim.nodes.len(),
        sim.cfg.base_port,
        sim.cfg.base_port + sim.cfg.nodes - 1
    );

    for node in &sim.nodes {
        tokio::spawn(nodes::run_node(sim.clone(), node.clone()));
    }
    tokio::spawn(pods::run(sim.clone()));
    tokio::spawn(storage::run(sim.clone()));

    wait_for_signal().await;
    log!("shutting down");
    if sim.cfg.delete_nodes_on_exit {
        for node in &sim.nodes {
            if let Err(e) = sim.api.delete(&format!("/api/v1/nodes/{}", node.name), None).await {
                log!("deleting node {}: {e}", node.name);
            }
        }
    }
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).expect("installing SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("installing SIGINT handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

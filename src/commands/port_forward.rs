//! `kctl port-forward`: forward local ports to a pod over WebSocket
//! (`v4.channel.k8s.io`, portforward framing).
//!
//! Each accepted local connection gets its own WebSocket carrying one port:
//! channel 0 is data, channel 1 errors, and the first message on each is the
//! port number (u16 little-endian). A failed connection is logged and closed;
//! the listeners keep running, as in kubectl.

use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Bytes, Message};

use crate::client::{log, Client, Request};
use crate::commands::remote;
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TYPE/NAME [LOCAL_PORT:]REMOTE_PORT [...]
    pub args: Vec<String>,
    /// Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubectl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind.
    #[arg(long, value_delimiter = ',', default_value = "localhost")]
    pub address: Vec<String>,
    /// The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running
    #[arg(long = "pod-running-timeout", default_value = "1m0s")]
    pub pod_running_timeout: String,
}

/// One `[LOCAL:]REMOTE` pair after resolution to a container port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortPair {
    /// 0: pick a free port.
    pub local: u16,
    pub remote: u16,
}

/// Split `[LOCAL:]REMOTE`; REMOTE may be a port name until resolved.
pub fn split_port(spec: &str) -> Result<(Option<String>, String), CliError> {
    let (local, remote) = match spec.split_once(':') {
        Some((l, r)) => (Some(l.to_string()), r.to_string()),
        None => (None, spec.to_string()),
    };
    if remote.is_empty() {
        return Err(CliError::msg("Remote port must be > 0 and < 65536"));
    }
    Ok((local, remote))
}

fn parse_port(s: &str, what: &str) -> Result<u16, CliError> {
    match s.parse::<u32>() {
        Ok(n) if n > 0 && n < 65536 => Ok(n as u16),
        Ok(_) => Err(CliError::msg(format!("{what} port must be > 0 and < 65536"))),
        Err(_) => Err(CliError::msg(format!("Error parsing local port '{s}': strconv.ParseUint: parsing \"{s}\": invalid syntax"))),
    }
}

/// A container port of the pod by name.
fn named_container_port(pod: &Value, name: &str) -> Option<u16> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
        .find(|p| p["name"] == name)
        .and_then(|p| p["containerPort"].as_u64())
        .and_then(|n| u16::try_from(n).ok())
}

/// The container port behind a service port (`targetPort`, number or name).
pub fn service_target_port(svc: &Value, pod: &Value, port: &str) -> Result<u16, CliError> {
    let svc_name = svc["metadata"]["name"].as_str().unwrap_or("");
    let ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
    let found = ports.iter().find(|p| match port.parse::<u64>() {
        Ok(n) => p["port"].as_u64() == Some(n),
        Err(_) => p["name"] == port,
    });
    let Some(sp) = found else {
        return Err(CliError::msg(format!("Service {svc_name} does not have a service port {port}")));
    };
    match &sp["targetPort"] {
        Value::Number(n) => Ok(n.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(0)),
        Value::String(name) if !name.is_empty() => match name.parse::<u16>() {
            Ok(n) => Ok(n),
            Err(_) => named_container_port(pod, name).ok_or_else(|| {
                CliError::msg(format!("Pod '{}' does not have a named port '{name}'", pod["metadata"]["name"].as_str().unwrap_or("")))
            }),
        },
        _ => Ok(sp["port"].as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(0)),
    }
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    if args.args.len() < 2 {
        return Err(CliError::Raw("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kctl port-forward -h' for help and examples".into()));
    }
    let wait = remote::pod_running_timeout(&args.pod_running_timeout, "port-forward")?;
    let client = Arc::new(settings.client()?);
    let ns = client.config().namespace.clone();
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let target = &args.args[0];
        let pod = remote::attachable_pod(&client, &settings.cache_dir, &ns, target, wait).await?;
        let svc = if let Some((t, name)) = target.split_once('/') {
            let is_svc = matches!(t.to_ascii_lowercase().as_str(), "svc" | "service" | "services" | "service.v1." | "services.v1.");
            if is_svc {
                Some(client.send(&Request::get(format!("/api/v1/namespaces/{ns}/services/{name}"))).await?.json::<Value>()?)
            } else {
                None
            }
        } else {
            None
        };
        let mut pairs = Vec::new();
        for spec in &args.args[1..] {
            let (local, remote) = split_port(spec)?;
            let remote_port = match &svc {
                Some(s) => service_target_port(s, &pod, &remote)?,
                None => match remote.parse::<u16>() {
                    Ok(n) if n > 0 => n,
                    _ => named_container_port(&pod, &remote).ok_or_else(|| {
                        CliError::msg(format!("Pod '{}' does not have a named port '{remote}'", pod["metadata"]["name"].as_str().unwrap_or("")))
                    })?,
                },
            };
            // Without LOCAL, the local port is the one written (a service port stays a service port).
            let local_port = match local.as_deref() {
                Some("") => 0,
                Some(l) => parse_port(l, "Local")?,
                None => remote.parse::<u16>().unwrap_or(remote_port),
            };
            pairs.push(PortPair { local: local_port, remote: remote_port });
        }
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        if phase != "Running" {
            return Err(CliError::msg(format!("unable to forward port because pod is not running. Current status={phase}")));
        }
        let pod_name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        let path = format!("/api/v1/namespaces/{ns}/pods/{pod_name}/portforward");
        forward(client, path, &args.address, &pairs).await
    })
}

fn listen_addrs(addresses: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in addresses {
        if a == "localhost" {
            out.push("127.0.0.1".to_string());
            out.push("::1".to_string());
        } else {
            out.push(a.clone());
        }
    }
    out
}

async fn forward(client: Arc<Client>, path: String, addresses: &[String], pairs: &[PortPair]) -> Result<(), CliError> {
    let mut listeners = Vec::new();
    for pair in pairs {
        let mut local = pair.local;
        let mut bound_any = false;
        for host in listen_addrs(addresses) {
            let ip: std::net::IpAddr = host.parse().map_err(|_| CliError::msg(format!("{host} is not a valid IP")))?;
            match TcpListener::bind(SocketAddr::new(ip, local)).await {
                Ok(l) => {
                    // With LOCAL 0 the first listener picks the port; the others share it.
                    local = l.local_addr().map(|a| a.port()).unwrap_or(local);
                    let shown = if ip.is_ipv6() { format!("[{host}]") } else { host.clone() };
                    println!("Forwarding from {shown}:{local} -> {}", pair.remote);
                    bound_any = true;
                    listeners.push((l, local, pair.remote));
                }
                Err(e) => {
                    log::emit('E', "portforward.go:413", &format!("\"Unhandled Error\" err=\"unable to create listener: Error listen tcp{}: {e}\"", if ip.is_ipv6() { "6" } else { "4" }));
                }
            }
        }
        if !bound_any {
            return Err(CliError::msg(format!("unable to listen on any of the requested ports: [{{{} {}}}]", pair.local, pair.remote)));
        }
    }
    let mut tasks = Vec::new();
    for (listener, local, remote) in listeners {
        let (client, path) = (client.clone(), path.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else { continue };
                println!("Handling connection for {local}");
                let (client, path) = (client.clone(), path.clone());
                tokio::spawn(async move {
                    if let Err(e) = handle_connection(&client, &path, conn, remote).await {
                        log::emit('E', "portforward.go:424", &format!("\"Unhandled Error\" err=\"an error occurred forwarding {local} -> {remote}: {}\"", e.replace('"', "\\\"")));
                    }
                });
            }
        }));
    }
    futures_util::future::join_all(tasks).await;
    Ok(())
}

/// How long a stream stays open after the local side stopped sending, for
/// answers still on their way (reset by each message from the pod).
const LINGER: std::time::Duration = std::time::Duration::from_millis(500);

/// One local connection through its own WebSocket.
async fn handle_connection(client: &Client, path: &str, mut conn: TcpStream, remote: u16) -> Result<(), String> {
    let req = Request::get(path).query("ports", remote.to_string());
    let (ws, protocol) = client.websocket(&req, &[remote::V4]).await.map_err(|e| remote::upgrade_err(e).to_string().trim_start_matches("error: ").to_string())?;
    if protocol != remote::V4 {
        return Err(format!("unsupported port-forward subprotocol {protocol:?}"));
    }
    let _ = conn.set_nodelay(true);
    let (mut sink, mut source) = ws.split();
    let (mut rd, mut wr) = conn.split();
    let mut seen_prefix = [false; 2];
    let mut buf = vec![0u8; 32 * 1024];
    let mut error = Vec::new();
    let mut local_open = true;
    loop {
        tokio::select! {
            n = rd.read(&mut buf), if local_open => match n {
                Ok(0) | Err(_) => {
                    // The protocol has no half-close: give answers in flight a
                    // moment (see `linger`), then end the stream.
                    local_open = false;
                }
                Ok(n) => {
                    let mut m = Vec::with_capacity(n + 1);
                    m.push(0u8);
                    m.extend_from_slice(&buf[..n]);
                    sink.send(Message::Binary(Bytes::from(m))).await.map_err(|e| e.to_string())?;
                }
            },
            _ = tokio::time::sleep(LINGER), if !local_open => {
                let _ = sink.close().await;
                break;
            }
            msg = source.next() => match msg {
                Some(Ok(Message::Binary(b))) => {
                    let Some((&ch, payload)) = b.split_first() else { continue };
                    let idx = usize::from(ch & 1);
                    if ch > 1 {
                        continue;
                    }
                    if !seen_prefix[idx] {
                        // The first message on each channel is the port number.
                        seen_prefix[idx] = true;
                        if payload.len() >= 2 {
                            let rest = &payload[2..];
                            if ch == 0 { wr.write_all(rest).await.map_err(|e| e.to_string())?; } else { error.extend_from_slice(rest); }
                        }
                        continue;
                    }
                    if ch == 0 {
                        wr.write_all(payload).await.map_err(|e| e.to_string())?;
                    } else {
                        error.extend_from_slice(payload);
                    }
                }
                Some(Ok(Message::Close(_))) | None => break,
                // A reset after the pod's error message: the message is what matters.
                Some(Err(_)) if !error.is_empty() => break,
                Some(Err(e)) => return Err(e.to_string()),
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = wr.shutdown().await;
    if !error.is_empty() {
        return Err(String::from_utf8_lossy(&error).into_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_port_specs() {
        assert_eq!(split_port("8080").unwrap(), (None, "8080".to_string()));
        assert_eq!(split_port(":80").unwrap(), (Some(String::new()), "80".to_string()));
        assert_eq!(split_port("5000:http").unwrap(), (Some("5000".to_string()), "http".to_string()));
    }

    #[test]
    fn service_ports_resolve_to_container_ports() {
        let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"ports": [{"name": "web", "containerPort": 8080}]}]}});
        let svc = json!({"metadata": {"name": "s"}, "spec": {"ports": [
            {"port": 80, "targetPort": "web"}, {"port": 81, "targetPort": 9090}, {"name": "x", "port": 82}
        ]}});
        assert_eq!(service_target_port(&svc, &pod, "80").unwrap(), 8080);
        assert_eq!(service_target_port(&svc, &pod, "81").unwrap(), 9090);
        assert_eq!(service_target_port(&svc, &pod, "x").unwrap(), 82);
        assert_eq!(service_target_port(&svc, &pod, "99").unwrap_err().to_string(), "error: Service s does not have a service port 99");
    }
}

//! port-forward over WebSocket (`v4.channel.k8s.io`, portforward framing).
//!
//! Ports come as `port=` (from the apiserver) or `ports=` (client to kubelet).
//! For the i-th requested port, channel 2i carries data and 2i+1 errors; the
//! first message on each channel is the port number (u16 little-endian). Each
//! WebSocket carries one TCP connection per port: clients open one WebSocket
//! per accepted local connection.
//!
//! "The pod" listens through a small per-pod TCP echo server on loopback. A
//! pod that declares containerPorts listens on those only (other ports are
//! refused, reported on the error channel); a pod without declared ports
//! echoes on every port.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::streaming::Ws;
use crate::util::str_at;

fn echo_servers() -> &'static Mutex<HashMap<String, SocketAddr>> {
    static SERVERS: OnceLock<Mutex<HashMap<String, SocketAddr>>> = OnceLock::new();
    SERVERS.get_or_init(Default::default)
}

/// The loopback address of this pod's echo server, started on first use.
pub async fn echo_server(uid: &str) -> std::io::Result<SocketAddr> {
    if let Some(a) = echo_servers().lock().unwrap_or_else(|e| e.into_inner()).get(uid) {
        return Ok(*a);
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    echo_servers().lock().unwrap_or_else(|e| e.into_inner()).insert(uid.to_string(), addr);
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = conn.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    Ok(addr)
}

pub fn declared_ports(pod: &Value) -> Vec<u16> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["containerPort"].as_u64().and_then(|n| u16::try_from(n).ok()))
        .collect()
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(channel);
    v.extend_from_slice(data);
    Message::Binary(Bytes::from(v))
}

pub async fn serve(ws: Ws, pod: &Value, params: &[(String, String)]) {
    let (mut sink, mut stream) = ws.split();
    let ports: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "port" || k == "ports")
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_string()).collect::<Vec<_>>())
        .collect();
    let (ns, name, uid) = (str_at(pod, &["metadata", "namespace"]), str_at(pod, &["metadata", "name"]), str_at(pod, &["metadata", "uid"]));
    let declared = declared_ports(pod);

    let (tx, mut rx) = mpsc::channel::<Message>(64);
    let mut writers: Vec<Option<tokio::net::tcp::OwnedWriteHalf>> = Vec::new();
    let mut open = 0usize;
    for (i, p) in ports.iter().enumerate() {
        let (data_ch, err_ch) = ((2 * i) as u8, (2 * i + 1) as u8);
        let port: u16 = p.parse().unwrap_or(0);
        for ch in [data_ch, err_ch] {
            if sink.send(frame(ch, &port.to_le_bytes())).await.is_err() {
                return;
            }
        }
        let conn = if port == 0 {
            Err(format!("invalid port {p:?}"))
        } else if !declared.is_empty() && !declared.contains(&port) {
            Err(format!(
                "error forwarding port {port} to pod {name}_{ns}, uid {uid}: failed to connect to localhost:{port} inside namespace: connection refused"
            ))
        } else {
            match echo_server(uid).await {
                Ok(addr) => TcpStream::connect(addr).await.map_err(|e| format!("error forwarding port {port} to pod {name}_{ns}: {e}")),
                Err(e) => Err(format!("error forwarding port {port} to pod {name}_{ns}: {e}")),
            }
        };
        match conn {
            Ok(tcp) => {
                let (mut r, w) = tcp.into_split();
                writers.push(Some(w));
                open += 1;
                let tx = tx.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 32 * 1024];
                    loop {
                        match r.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                if tx.send(frame(data_ch, &buf[..n])).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    // An empty message marks this port's stream as finished.
                    let _ = tx.send(Message::Binary(Bytes::new())).await;
                });
            }
            Err(msg) => {
                writers.push(None);
                if sink.send(frame(err_ch, msg.as_bytes())).await.is_err() {
                    return;
                }
            }
        }
    }
    drop(tx);
    if open == 0 {
        let _ = sink.send(crate::exec::normal_close()).await;
        crate::exec::await_close(&mut stream).await;
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(m) if m.is_empty() => {
                    open -= 1;
                    if open == 0 {
                        break;
                    }
                }
                Some(m) => {
                    if sink.send(m).await.is_err() {
                        return;
                    }
                }
                None => break,
            },
            msg = stream.next() => match msg {
                Some(Ok(Message::Binary(b))) => {
                    let Some((&ch, payload)) = b.split_first() else { continue };
                    if ch % 2 == 0 {
                        if let Some(Some(w)) = writers.get_mut(usize::from(ch / 2)) {
                            if w.write_all(payload).await.is_err() {
                                writers[usize::from(ch / 2)] = None;
                            }
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = sink.send(crate::exec::normal_close()).await;
    crate::exec::await_close(&mut stream).await;
}

//! What exec, attach, port-forward and cp share: finding the pod a
//! `POD | TYPE/NAME` argument means, choosing its container, and running a
//! remote command session over the WebSocket channel protocol.
//!
//! Channels (one leading byte per binary message): 0 stdin, 1 stdout,
//! 2 stderr, 3 error (a metav1.Status JSON at the end), 4 resize; in
//! `v5.channel.k8s.io`, `[255, 0]` closes stdin. `v4.channel.k8s.io` (older
//! kubelets) has no way to signal stdin EOF.

use std::io::{Read, Write};

use tokio_tungstenite::tungstenite::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::{targets, term};
use crate::error::CliError;

pub const V5: &str = "v5.channel.k8s.io";
pub const V4: &str = "v4.channel.k8s.io";

/// The pod behind `POD` or `TYPE/NAME` (a pod, or the first pod selected by a
/// service, deployment, replica set, stateful set, job…, waiting up to
/// `wait` (`--pod-running-timeout`) for one to exist).
pub async fn attachable_pod(client: &Client, cache_dir: &std::path::Path, ns: &str, target: &str, wait: std::time::Duration) -> Result<Value, CliError> {
    if !target.contains('/') {
        return get_pod(client, ns, target).await;
    }
    let sel = targets::parse(&[target.to_string()])?;
    let resolved = targets::resolve_on_server(client, cache_dir, &sel).await?;
    let t = resolved.into_iter().next().ok_or_else(|| CliError::msg("no resource given"))?;
    let r = &t.resource;
    let name = t.names.first().cloned().unwrap_or_default();
    if r.group.is_empty() && r.name == "pods" {
        return get_pod(client, ns, &name).await;
    }
    let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: Some(ns), name: Some(&name), ..Default::default() }.to_path();
    let obj: Value = client.send(&Request::get(path)).await.map_err(api_err)?.json().map_err(api_err)?;
    let selector = label_selector(&obj).ok_or_else(|| CliError::msg(format!("cannot attach to {}: selector for {} not implemented", r.kind, r.name)))?;
    let deadline = std::time::Instant::now() + wait;
    let mut pods: Vec<Value> = loop {
        let list: Value = client
            .send(&Request::get(format!("/api/v1/namespaces/{ns}/pods")).query("labelSelector", selector.clone()))
            .await
            .map_err(api_err)?
            .json()
            .map_err(api_err)?;
        let items = list["items"].as_array().cloned().unwrap_or_default();
        if !items.is_empty() || std::time::Instant::now() >= deadline {
            break items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    };
    // Like kubectl's ByLogging order: running and ready pods first.
    pods.sort_by_key(|p| {
        let running = p["status"]["phase"] == "Running";
        let ready = p["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True");
        (!running, !ready, p["metadata"]["name"].as_str().unwrap_or("").to_string())
    });
    pods.into_iter().next().ok_or_else(|| CliError::msg("timed out waiting for the condition"))
}

async fn get_pod(client: &Client, ns: &str, name: &str) -> Result<Value, CliError> {
    client.send(&Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}"))).await.map_err(api_err)?.json().map_err(api_err)
}

pub fn api_err(e: ClientError) -> CliError {
    e.into()
}

/// `spec.selector` as a label selector string: a plain map for services and
/// replication controllers, a LabelSelector for the other workloads.
fn label_selector(obj: &Value) -> Option<String> {
    let sel = &obj["spec"]["selector"];
    let plain = obj["kind"] == "Service" || obj["kind"] == "ReplicationController";
    let text = if plain {
        crate::selector::label_selector_string(&serde_json::json!({"matchLabels": sel.as_object()?})).ok()?
    } else {
        sel.as_object()?;
        crate::selector::label_selector_string(sel).ok()?
    };
    (!text.is_empty()).then_some(text)
}

/// The container to use: `-c`, else the default-container annotation, else
/// the first one (announced on stderr unless `quiet`, as kubectl does).
pub fn pick_container(pod: &Value, requested: Option<&str>, quiet: bool) -> String {
    if let Some(c) = requested.filter(|c| !c.is_empty()) {
        return c.to_string();
    }
    let names = |key: &str| -> Vec<String> {
        pod["spec"][key].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect()
    };
    let containers = names("containers");
    if let Some(d) = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"].as_str() {
        if containers.iter().any(|c| c == d) {
            return d.to_string();
        }
    }
    let first = containers.first().cloned().unwrap_or_default();
    let mut all: Vec<String> = containers.clone();
    all.extend(names("initContainers").into_iter().map(|n| format!("{n} (init)")));
    all.extend(names("ephemeralContainers").into_iter().map(|n| format!("{n} (ephem)")));
    if all.len() > 1 && !quiet {
        eprintln!("Defaulted container {first:?} out of: {}", all.join(", "));
    }
    first
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut v = Vec::with_capacity(data.len() + 1);
    v.push(channel);
    v.extend_from_slice(data);
    Message::Binary(Bytes::from(v))
}

/// Where a session's stdin comes from.
pub enum Input {
    None,
    /// Read on its own thread until EOF (the process's stdin, cp's tar stream).
    Reader(Box<dyn Read + Send>),
}

pub struct Session<'a> {
    pub input: Input,
    pub tty: bool,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
}

/// Run one exec/attach session. `Ok(0)` on success, `Ok(code)` for a
/// command that exited non-zero; other failures are errors.
pub async fn run_session(client: &Client, req: &Request, s: Session<'_>) -> Result<i32, CliError> {
    let (ws, protocol) = client.websocket(req, &[V5, V4]).await.map_err(upgrade_err)?;
    if protocol != V5 && protocol != V4 {
        return Err(CliError::msg(format!(
            "unable to upgrade connection: the server chose the unsupported subprotocol {protocol:?} (kctl speaks {V5} and {V4}, not SPDY)"
        )));
    }
    let v5 = protocol == V5;
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Message>(16);

    if let Input::Reader(mut reader) = s.input {
        let tx = tx.clone();
        // A plain thread: a read blocked on a terminal must not keep the
        // runtime from shutting down.
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 32 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.blocking_send(frame(0, &buf[..n])).is_err() {
                            return;
                        }
                    }
                }
            }
            if v5 {
                let _ = tx.blocking_send(Message::Binary(Bytes::from_static(&[255, 0])));
            }
        });
    }
    if s.tty {
        let tx = tx.clone();
        tokio::spawn(async move {
            let send_size = |tx: &tokio::sync::mpsc::Sender<Message>| {
                let size = term::size(1).or_else(|| term::size(0));
                let tx = tx.clone();
                async move {
                    if let Some((w, h)) = size {
                        let _ = tx.send(frame(4, json!({"Width": w, "Height": h}).to_string().as_bytes())).await;
                    }
                }
            };
            send_size(&tx).await;
            let Ok(mut winch) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change()) else { return };
            while winch.recv().await.is_some() {
                send_size(&tx).await;
            }
        });
    }
    drop(tx);
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if sink.send(m).await.is_err() {
                break;
            }
        }
    });

    let mut status = Vec::new();
    while let Some(msg) = source.next().await {
        let data = match msg {
            Ok(Message::Binary(b)) => b,
            Ok(Message::Close(_)) => break,
            Ok(_) => continue,
            Err(e) => return Err(CliError::msg(format!("error reading from error stream: {e}"))),
        };
        let Some((&ch, payload)) = data.split_first() else { continue };
        match ch {
            1 => {
                s.stdout.write_all(payload)?;
                s.stdout.flush()?;
            }
            2 => {
                s.stderr.write_all(payload)?;
                s.stderr.flush()?;
            }
            3 => status.extend_from_slice(payload),
            _ => {}
        }
    }
    exit_code(&status)
}

/// The exit code a Status on the error channel reports.
pub fn exit_code(status: &[u8]) -> Result<i32, CliError> {
    if status.is_empty() {
        return Ok(0);
    }
    let st: Value = serde_json::from_slice(status)
        .map_err(|e| CliError::msg(format!("error stream protocol error: {e} in {:?}", String::from_utf8_lossy(status))))?;
    if st["status"] == "Success" {
        return Ok(0);
    }
    if st["reason"] == "NonZeroExitCode" {
        let cause = st["details"]["causes"].as_array().into_iter().flatten().find(|c| c["reason"] == "ExitCode");
        if let Some(code) = cause.and_then(|c| c["message"].as_str()).and_then(|m| m.parse::<i32>().ok()) {
            return Ok(code);
        }
        return Err(CliError::msg(format!("error stream protocol error: invalid exit code value {:?}", cause.map(|c| c["message"].clone()))));
    }
    Err(CliError::msg(st["message"].as_str().unwrap_or("unknown error").to_string()))
}

/// A refused upgrade: the server's Status as usual; anything else means the
/// server does not speak WebSocket streaming, which we say plainly.
pub fn upgrade_err(e: ClientError) -> CliError {
    match e {
        ClientError::Http { code, body } if code != 401 && code != 403 && code != 404 => {
            // tungstenite keeps only the part of the body that came with the headers.
            let detail = if body.is_empty() { format!("the server answered {code}") } else { body };
            CliError::msg(format!(
                "unable to upgrade connection: {detail} (the server did not accept a WebSocket upgrade; kctl does not speak SPDY)"
            ))
        }
        other => other.into(),
    }
}

/// Print kubectl's line for a non-zero remote exit and turn it into an exit code.
pub fn finish(code: i32) -> Result<(), CliError> {
    if code == 0 {
        return Ok(());
    }
    eprintln!("command terminated with exit code {code}");
    Err(CliError::Exit(code))
}

/// `--pod-running-timeout`: a Go duration greater than zero.
pub fn pod_running_timeout(value: &str, command: &str) -> Result<std::time::Duration, CliError> {
    match crate::settings::parse_go_duration(value) {
        Some(d) if !d.is_zero() => Ok(d),
        _ => Err(CliError::Raw(format!(
            "error: --pod-running-timeout must be higher than zero\nSee 'kctl {command} -h' for help and examples"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let svc = json!({"kind": "Service", "spec": {"selector": {"app": "a"}}});
        assert_eq!(label_selector(&svc).unwrap(), "app=a");
        let deploy = json!({"kind": "Deployment", "spec": {"selector": {"matchLabels": {"app": "a"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["x", "y"]}, {"key": "gone", "operator": "DoesNotExist"}
        ]}}});
        assert_eq!(label_selector(&deploy).unwrap(), "app=a,!gone,tier in (x,y)");
        assert!(label_selector(&json!({"kind": "Deployment", "spec": {}})).is_none());
    }

    #[test]
    fn default_containers() {
        let pod = json!({"metadata": {}, "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}});
        assert_eq!(pick_container(&pod, None, true), "a");
        assert_eq!(pick_container(&pod, Some("x"), true), "x");
        let annotated = json!({"metadata": {"annotations": {"kubectl.kubernetes.io/default-container": "b"}}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]}});
        assert_eq!(pick_container(&annotated, None, true), "b");
    }

    #[test]
    fn exit_codes_from_status() {
        assert_eq!(exit_code(b"").unwrap(), 0);
        assert_eq!(exit_code(br#"{"metadata":{},"status":"Success"}"#).unwrap(), 0);
        let failed = br#"{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}"#;
        assert_eq!(exit_code(failed).unwrap(), 7);
        let other = br#"{"status":"Failure","message":"boom","reason":"InternalError"}"#;
        assert_eq!(exit_code(other).unwrap_err().to_string(), "error: boom");
    }
}

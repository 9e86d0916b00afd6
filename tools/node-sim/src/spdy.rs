//! port-forward over SPDY/3.1 (`portforward.k8s.io`), the protocol kubectl
//! speaks for port-forward: either a plain `Upgrade: SPDY/3.1` or SPDY
//! tunnelled in WebSocket binary messages (`SPDY/3.1+portforward.k8s.io`).
//!
//! Only what port-forward needs: SYN_STREAM (answered with SYN_REPLY), DATA
//! with FIN, RST_STREAM, PING (echoed), GOAWAY; SETTINGS and WINDOW_UPDATE
//! are ignored (the Go client does no flow control). Header blocks are zlib
//! streams with the SPDY/3 dictionary, one compression context per direction
//! for the whole connection.
//!
//! For each forwarded connection the client opens an error stream and a data
//! stream sharing a `requestid`; the data stream is joined to the pod's echo
//! server, failures are written to the error stream.

use std::collections::HashMap;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

const DICTIONARY: &[u8] = include_bytes!("spdy_dictionary.bin");
const SYN_STREAM: u16 = 1;
const SYN_REPLY: u16 = 2;
const RST_STREAM: u16 = 3;
const PING: u16 = 6;
const GOAWAY: u16 = 7;
const FLAG_FIN: u8 = 1;

enum Out {
    /// A frame ready to write.
    Frame(Vec<u8>),
    /// SYN_REPLY with no headers: compressed by the writer, in order.
    Reply(u32),
}

fn control(kind: u16, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x80, 3];
    f.extend_from_slice(&kind.to_be_bytes());
    f.push(flags);
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    f.extend_from_slice(payload);
    f
}

fn data(stream: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = (stream & 0x7fff_ffff).to_be_bytes().to_vec();
    f.push(flags);
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes()[1..]);
    f.extend_from_slice(payload);
    f
}

fn inflate(d: &mut Decompress, input: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(1024);
    let mut pos = 0;
    loop {
        out.reserve(1024);
        let before = d.total_in();
        let res = d.decompress_vec(&input[pos..], &mut out, FlushDecompress::Sync);
        pos += (d.total_in() - before) as usize;
        match res {
            Ok(_) => {
                if pos >= input.len() && out.len() < out.capacity() {
                    return Ok(out);
                }
            }
            Err(e) if e.needs_dictionary().is_some() => {
                d.set_dictionary(DICTIONARY).map_err(|e| e.to_string())?;
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn deflate(c: &mut Compress, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut pos = 0;
    loop {
        out.reserve(256);
        let before = c.total_in();
        let _ = c.compress_vec(&input[pos..], &mut out, FlushCompress::Sync);
        pos += (c.total_in() - before) as usize;
        if pos >= input.len() && out.len() < out.capacity() {
            return out;
        }
    }
}

/// SPDY/3 header block: u32 count, then u32-length-prefixed names and values.
fn parse_headers(block: &[u8]) -> HashMap<String, String> {
    let mut h = HashMap::new();
    let u32_at = |i: usize| block.get(i..i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let Some(n) = u32_at(0) else { return h };
    let mut i = 4;
    for _ in 0..n {
        let Some(nl) = u32_at(i) else { break };
        let name = String::from_utf8_lossy(block.get(i + 4..i + 4 + nl).unwrap_or_default()).to_ascii_lowercase();
        i += 4 + nl;
        let Some(vl) = u32_at(i) else { break };
        let value = String::from_utf8_lossy(block.get(i + 4..i + 4 + vl).unwrap_or_default()).into_owned();
        i += 4 + vl;
        h.insert(name, value);
    }
    h
}

#[derive(Default)]
struct Pair {
    error: Option<u32>,
    data: Option<u32>,
    port: u16,
}

pub async fn serve<S>(io: S, pod: Value)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut rd, mut wr) = tokio::io::split(io);
    let (tx, mut rx) = mpsc::channel::<Out>(64);
    let writer = tokio::spawn(async move {
        let mut comp = Compress::new(Compression::default(), true);
        let _ = comp.set_dictionary(DICTIONARY);
        while let Some(out) = rx.recv().await {
            let frame = match out {
                Out::Frame(f) => f,
                Out::Reply(id) => {
                    let mut payload = id.to_be_bytes().to_vec();
                    payload.extend(deflate(&mut comp, &0u32.to_be_bytes()));
                    control(SYN_REPLY, 0, &payload)
                }
            };
            if wr.write_all(&frame).await.is_err() || wr.flush().await.is_err() {
                break;
            }
        }
    });

    let mut decomp = Decompress::new(true);
    let mut pairs: HashMap<String, Pair> = HashMap::new();
    // Data stream id -> the TCP connection's write half (None once closed).
    let mut conns: HashMap<u32, Option<tokio::net::tcp::OwnedWriteHalf>> = HashMap::new();
    let uid = crate::util::str_at(&pod, &["metadata", "uid"]).to_string();
    let declared = crate::portforward::declared_ports(&pod);
    let (name, ns) = (crate::util::str_at(&pod, &["metadata", "name"]).to_string(), crate::util::str_at(&pod, &["metadata", "namespace"]).to_string());
    loop {
        let mut head = [0u8; 8];
        if rd.read_exact(&mut head).await.is_err() {
            break;
        }
        let len = u32::from_be_bytes([0, head[5], head[6], head[7]]) as usize;
        let flags = head[4];
        let mut payload = vec![0u8; len];
        if rd.read_exact(&mut payload).await.is_err() {
            break;
        }
        if head[0] & 0x80 == 0 {
            let id = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            if let Some(slot) = conns.get_mut(&id) {
                if let Some(w) = slot.as_mut() {
                    if !payload.is_empty() && w.write_all(&payload).await.is_err() {
                        *slot = None;
                    }
                }
                if flags & FLAG_FIN != 0 {
                    if let Some(mut w) = slot.take() {
                        let _ = w.shutdown().await;
                    }
                }
            }
            continue;
        }
        let kind = u16::from_be_bytes([head[2], head[3]]);
        match kind {
            SYN_STREAM if payload.len() >= 10 => {
                let id = u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]]) & 0x7fff_ffff;
                let headers = match inflate(&mut decomp, &payload[10..]) {
                    Ok(b) => parse_headers(&b),
                    Err(e) => {
                        crate::log!("spdy: header block: {e}");
                        break;
                    }
                };
                if tx.send(Out::Reply(id)).await.is_err() {
                    break;
                }
                let req = headers.get("requestid").cloned().unwrap_or_default();
                let pair = pairs.entry(req.clone()).or_default();
                pair.port = headers.get("port").and_then(|p| p.parse().ok()).unwrap_or(0);
                match headers.get("streamtype").map(String::as_str) {
                    Some("error") => pair.error = Some(id),
                    Some("data") => pair.data = Some(id),
                    _ => {}
                }
                if let (Some(err_id), Some(data_id)) = (pair.error, pair.data) {
                    let port = pair.port;
                    pairs.remove(&req);
                    let refused = port == 0 || (!declared.is_empty() && !declared.contains(&port));
                    let conn = if refused {
                        Err("connection refused".to_string())
                    } else {
                        match crate::portforward::echo_server(&uid).await {
                            Ok(addr) => tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    };
                    match conn {
                        Ok(tcp) => {
                            let (mut r, w) = tcp.into_split();
                            conns.insert(data_id, Some(w));
                            let tx = tx.clone();
                            tokio::spawn(async move {
                                let mut buf = vec![0u8; 32 * 1024];
                                loop {
                                    match r.read(&mut buf).await {
                                        Ok(0) | Err(_) => break,
                                        Ok(n) => {
                                            if tx.send(Out::Frame(data(data_id, 0, &buf[..n]))).await.is_err() {
                                                return;
                                            }
                                        }
                                    }
                                }
                                let _ = tx.send(Out::Frame(data(data_id, FLAG_FIN, &[]))).await;
                                let _ = tx.send(Out::Frame(data(err_id, FLAG_FIN, &[]))).await;
                            });
                        }
                        Err(e) => {
                            let msg = format!(
                                "error forwarding port {port} to pod {name}_{ns}, uid {uid}: failed to connect to localhost:{port} inside namespace: {e}"
                            );
                            let _ = tx.send(Out::Frame(data(err_id, 0, msg.as_bytes()))).await;
                            let _ = tx.send(Out::Frame(data(err_id, FLAG_FIN, &[]))).await;
                            let _ = tx.send(Out::Frame(data(data_id, FLAG_FIN, &[]))).await;
                        }
                    }
                }
            }
            RST_STREAM if payload.len() >= 4 => {
                let id = u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]]) & 0x7fff_ffff;
                if let Some(Some(mut w)) = conns.remove(&id) {
                    let _ = w.shutdown().await;
                }
            }
            PING if tx.send(Out::Frame(control(PING, 0, &payload))).await.is_err() => break,
            GOAWAY => break,
            _ => {}
        }
    }
    drop(tx);
    let _ = writer.await;
}

/// Bridge a WebSocket carrying SPDY bytes in binary messages to `serve`.
pub async fn serve_tunnel(ws: crate::streaming::Ws, pod: Value) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{Bytes, Message};
    let (ours, theirs) = tokio::io::duplex(256 * 1024);
    let spdy = tokio::spawn(serve(theirs, pod));
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(ours);
    let up = async {
        while let Some(Ok(msg)) = stream.next().await {
            match msg {
                Message::Binary(b) if wr.write_all(&b).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    let down = async {
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sink.send(Message::Binary(Bytes::copy_from_slice(&buf[..n]))).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sink.send(crate::exec::normal_close()).await;
    };
    tokio::join!(up, down);
    let _ = spdy.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(pairs: &[(&str, &str)]) -> Vec<u8> {
        let mut b = (pairs.len() as u32).to_be_bytes().to_vec();
        for (k, v) in pairs {
            b.extend((k.len() as u32).to_be_bytes());
            b.extend(k.as_bytes());
            b.extend((v.len() as u32).to_be_bytes());
            b.extend(v.as_bytes());
        }
        b
    }

    #[test]
    fn header_blocks_share_one_zlib_context_with_the_dictionary() {
        let mut c = Compress::new(Compression::best(), true);
        c.set_dictionary(DICTIONARY).unwrap();
        let mut d = Decompress::new(true);
        let first = block(&[("streamtype", "error"), ("port", "8080"), ("requestid", "0")]);
        let second = block(&[("streamtype", "data"), ("port", "8080"), ("requestid", "0")]);
        for b in [&first, &second] {
            let wire = deflate(&mut c, b);
            assert_eq!(&inflate(&mut d, &wire).unwrap(), b);
        }
        let h = parse_headers(&second);
        assert_eq!((h["streamtype"].as_str(), h["port"].as_str(), h["requestid"].as_str()), ("data", "8080", "0"));
    }

    #[test]
    fn frames() {
        assert_eq!(control(PING, 0, &[0, 0, 0, 1]), vec![0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]);
        assert_eq!(data(5, FLAG_FIN, b"ab"), vec![0, 0, 0, 5, 1, 0, 0, 2, b'a', b'b']);
    }
}

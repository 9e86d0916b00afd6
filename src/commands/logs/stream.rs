//! Reading one container's log: complete lines only reach stdout (so
//! concurrent streams never interleave mid-line), each with its prefix.
//!
//! Beyond kubectl, a followed stream survives a dropped connection: it is
//! requested with timestamps (stripped again unless the user asked for them),
//! and when it ends while the container still runs it is requested again with
//! `sinceTime` set to the last line seen, skipping the lines already printed.

use std::io::Write;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use crate::client::{Client, ClientError, Request};

use super::options::{parse_since_time, LogOptions};
use super::resolve::Source;

/// Write to stdout now. A closed pipe ends the process like kubectl's SIGPIPE.
pub fn emit(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let res = out.write_all(bytes).and_then(|_| out.flush());
    if let Err(e) = res {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// The text Go's `err.Error()` gives for a failed log request (a Status error
/// is just its message), as `--ignore-errors` prints it.
pub fn error_text(e: &ClientError) -> String {
    match e {
        ClientError::Api { status, .. } => status.message.clone(),
        ClientError::Http { body, .. } => body.clone(),
        ClientError::Transport { .. } => e.url_error(),
        other => other.to_string(),
    }
}

/// The `[pod/NAME/CONTAINER] ` prefix, coloured per pod on a terminal.
pub fn prefix(source: &Source, colour: Option<u8>) -> Vec<u8> {
    let text = format!("[pod/{}/{}]", source.pod, source.container);
    match colour {
        Some(c) => format!("\x1b[{c}m{text}\x1b[0m ").into_bytes(),
        None => format!("{text} ").into_bytes(),
    }
}

/// Colours for pods on a terminal, in order of appearance (never red, which
/// reads as an error).
pub const PALETTE: [u8; 6] = [36, 33, 32, 35, 34, 96];

/// How to read one container.
pub struct Reader<'a> {
    pub client: &'a Client,
    pub source: Source,
    pub opts: LogOptions,
    pub prefix: Vec<u8>,
}

/// Where a stream stands after the lines handed to it so far.
#[derive(Debug, Default)]
struct Progress {
    /// The timestamp of the last line printed, and how many printed lines had it.
    last: Option<((i64, u32), usize)>,
    /// After a resume: lines stamped at `last` still to skip (already printed).
    skip_at_last: usize,
}

enum Liveness {
    Running,
    Stopped,
    Gone,
}

impl Reader<'_> {
    /// Only a followed stream without a byte limit can be resumed exactly.
    fn resumable(&self) -> bool {
        self.opts.follow && self.opts.limit_bytes.is_none() && !self.opts.previous
    }

    pub async fn run(&self) -> Result<(), ClientError> {
        let resumable = self.resumable();
        let strip = resumable && !self.opts.timestamps;
        let mut opts = self.opts.clone();
        opts.timestamps |= resumable;
        let mut progress = Progress::default();
        let mut failures = 0u32;
        let mut final_round = false;
        let mut first = true;
        loop {
            let req = opts.request(&self.source.namespace, &self.source.pod);
            let resp = match self.client.stream(&req).await {
                Ok(r) => r,
                Err(e) if first => return Err(e),
                // The container went away between our check and the request.
                Err(ClientError::Api { .. }) => return Ok(()),
                Err(e) => {
                    failures += 1;
                    if failures > 10 {
                        return Err(e);
                    }
                    tokio::time::sleep(backoff(failures)).await;
                    continue;
                }
            };
            first = false;
            let mut body = resp.bytes_stream();
            let mut buf: Vec<u8> = Vec::new();
            let mut dropped = None;
            while let Some(chunk) = body.next().await {
                match chunk {
                    Ok(c) => buf.extend_from_slice(&c),
                    Err(e) => {
                        dropped = Some(self.client.stream_error(&req, &e));
                        break;
                    }
                }
                let mut out = Vec::new();
                let mut start = 0;
                while let Some(pos) = buf[start..].iter().position(|b| *b == b'\n') {
                    let end = start + pos + 1;
                    self.accept(&buf[start..end], resumable, strip, &mut progress, &mut out);
                    start = end;
                }
                buf.drain(..start);
                if !out.is_empty() {
                    failures = 0;
                }
                emit(&out);
            }
            if !resumable || final_round {
                let mut out = Vec::new();
                self.accept(&buf, resumable, strip, &mut progress, &mut out);
                emit(&out);
                return dropped.map_or(Ok(()), Err);
            }
            // A partial last line is dropped: the resumed stream sends it whole.
            match self.liveness().await {
                Ok(Liveness::Running) => {}
                Ok(Liveness::Stopped) if dropped.is_some() => final_round = true,
                Ok(Liveness::Stopped) => {
                    let mut out = Vec::new();
                    self.accept(&buf, resumable, strip, &mut progress, &mut out);
                    emit(&out);
                    return Ok(());
                }
                Ok(Liveness::Gone) => return dropped.map_or(Ok(()), Err),
                Err(e) => {
                    failures += 1;
                    if failures > 10 {
                        return Err(dropped.unwrap_or(e));
                    }
                }
            }
            tokio::time::sleep(backoff(failures)).await;
            if let Some((ts, count)) = progress.last {
                opts.since_time = Some(ts.0);
                opts.since_seconds = None;
                opts.tail_lines = None;
                progress.skip_at_last = count;
            }
        }
    }

    /// Add one line (newline included, or a final partial line) to `out`.
    fn accept(&self, line: &[u8], resumable: bool, strip: bool, progress: &mut Progress, out: &mut Vec<u8>) {
        if line.is_empty() {
            return;
        }
        let mut text = line;
        if resumable {
            let sp = line.iter().position(|b| *b == b' ');
            let stamp = sp.and_then(|i| std::str::from_utf8(&line[..i]).ok()).and_then(|s| parse_since_time(s).ok());
            if let Some(ts) = stamp {
                match progress.last {
                    Some((last, _)) if ts < last => return,
                    Some((last, _)) if ts == last && progress.skip_at_last > 0 => {
                        progress.skip_at_last -= 1;
                        return;
                    }
                    Some((last, n)) if ts == last => progress.last = Some((last, n + 1)),
                    _ => {
                        progress.last = Some((ts, 1));
                        progress.skip_at_last = 0;
                    }
                }
                if strip {
                    text = &line[sp.unwrap_or(0) + 1..];
                }
            }
        }
        out.extend_from_slice(&self.prefix);
        out.extend_from_slice(text);
    }

    async fn liveness(&self) -> Result<Liveness, ClientError> {
        let s = &self.source;
        let req = Request::get(format!("/api/v1/namespaces/{}/pods/{}", s.namespace, s.pod));
        let pod: Value = match self.client.send(&req).await {
            Ok(r) => r.json()?,
            Err(e) if e.is_not_found() => return Ok(Liveness::Gone),
            Err(e) => return Err(e),
        };
        if pod["metadata"]["uid"].as_str() != Some(s.uid.as_str()) || !pod["metadata"]["deletionTimestamp"].is_null() {
            return Ok(Liveness::Gone);
        }
        Ok(if container_running(&pod, &s.container) { Liveness::Running } else { Liveness::Stopped })
    }
}

/// Whether the named container's current state is running.
pub fn container_running(pod: &Value, container: &str) -> bool {
    ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]
        .iter()
        .filter_map(|f| pod["status"][*f].as_array())
        .flatten()
        .any(|c| c["name"] == container && c["state"]["running"].is_object())
}

fn backoff(failures: u32) -> Duration {
    Duration::from_millis((250u64 << failures.min(4)).min(4000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(client: &Client) -> Reader<'_> {
        Reader {
            client,
            source: Source { namespace: "n".into(), pod: "p".into(), uid: "u".into(), container: "c".into() },
            opts: LogOptions { follow: true, ..Default::default() },
            prefix: b"[pod/p/c] ".to_vec(),
        }
    }

    #[test]
    fn resumed_lines_are_deduplicated_and_stripped() {
        let cfg = crate::kubeconfig::RestConfig { server: "https://127.0.0.1:1".into(), ..Default::default() };
        let client = Client::new(cfg, None, 0).unwrap();
        let r = reader(&client);
        let mut p = Progress::default();
        let mut out = Vec::new();
        r.accept(b"2026-01-01T00:00:01.000000000Z a\n", true, true, &mut p, &mut out);
        r.accept(b"2026-01-01T00:00:02.000000000Z b\n", true, true, &mut p, &mut out);
        r.accept(b"2026-01-01T00:00:02.000000000Z c\n", true, true, &mut p, &mut out);
        // The resumed request starts again at second 1 (sinceTime is whole seconds).
        p.skip_at_last = p.last.unwrap().1;
        for l in [&b"2026-01-01T00:00:01.000000000Z a\n"[..], b"2026-01-01T00:00:02.000000000Z b\n", b"2026-01-01T00:00:02.000000000Z c\n", b"2026-01-01T00:00:03.000000000Z d\n"] {
            r.accept(l, true, true, &mut p, &mut out);
        }
        assert_eq!(String::from_utf8(out).unwrap(), "[pod/p/c] a\n[pod/p/c] b\n[pod/p/c] c\n[pod/p/c] d\n");
        let mut out = Vec::new();
        r.accept(b"plain", false, false, &mut p, &mut out);
        assert_eq!(out, b"[pod/p/c] plain");
        assert_eq!(prefix(&r.source, Some(36)), b"\x1b[36m[pod/p/c]\x1b[0m ");
    }
}

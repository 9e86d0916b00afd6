//! `--follow-new` (kctl only, like stern): follow every pod a selector
//! matches, and keep a pod watch open to attach to pods (or containers) that
//! start after the command did. Pods present at the start get the user's
//! --tail/--since; later ones are read from their first line.

use std::collections::HashSet;
use std::future::Future;

use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;
use serde_json::Value;

use crate::client::{Client, ClientError, Request};
use crate::error::CliError;

use super::options::LogOptions;
use super::resolve::{pod_sources, Source};
use super::Output;

pub struct Ctx<'a> {
    pub client: &'a Client,
    pub out: &'a Output,
    pub opts: &'a LogOptions,
    pub all_containers: bool,
    pub max: i64,
}

/// Pods' containers already attached to (or deliberately skipped).
struct State {
    attached: HashSet<(String, String)>,
    initial: HashSet<String>,
    resource_version: String,
}

fn start<'a>(ctx: &Ctx<'a>, source: Source, opts: LogOptions) -> impl Future<Output = Result<(), ClientError>> + 'a {
    let reader = ctx.out.reader_with(ctx.client, source, opts);
    async move { reader.run().await }
}

/// Whether a container has started (so the kubelet has a log to serve).
fn started(pod: &Value, container: &str) -> bool {
    ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]
        .iter()
        .filter_map(|f| pod["status"][*f].as_array())
        .flatten()
        .any(|c| c["name"] == container && (c["state"]["running"].is_object() || c["state"]["terminated"].is_object()))
}

impl State {
    /// The containers of `pod` to attach to now, with their options.
    fn attachable(&mut self, ctx: &Ctx<'_>, pod: &Value) -> Result<Vec<(Source, LogOptions)>, CliError> {
        if !pod["metadata"]["deletionTimestamp"].is_null() {
            return Ok(Vec::new());
        }
        let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let mut opts = ctx.opts.clone();
        if !self.initial.contains(&uid) {
            opts.tail_lines = None;
            opts.since_seconds = None;
            opts.since_time = None;
        }
        let mut out = Vec::new();
        for s in pod_sources(pod, &ctx.opts.container, ctx.all_containers, true)? {
            let key = (s.uid.clone(), s.container.clone());
            if self.attached.contains(&key) || !started(pod, &s.container) {
                continue;
            }
            self.attached.insert(key);
            out.push((s, opts.clone()));
        }
        Ok(out)
    }
}

pub async fn follow_new(ctx: &Ctx<'_>, namespace: &str, selector: &str) -> Result<(), CliError> {
    let pods_path = format!("/api/v1/namespaces/{namespace}/pods");
    let list: Value = ctx.client.send(&Request::get(pods_path.clone()).query("labelSelector", selector.to_string())).await?.json()?;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let mut state = State {
        attached: HashSet::new(),
        initial: items.iter().filter_map(|p| p["metadata"]["uid"].as_str().map(String::from)).collect(),
        resource_version: list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string(),
    };
    let mut first = Vec::new();
    for p in &items {
        first.extend(state.attachable(ctx, p)?);
    }
    if first.len() as i64 > ctx.max {
        return Err(CliError::msg(format!(
            "you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit",
            first.len(),
            ctx.max
        )));
    }
    let mut running = FuturesUnordered::new();
    let mut failures = 0u32;
    for (s, o) in first {
        running.push(start(ctx, s, o));
    }
    loop {
        let watch = Request::get(pods_path.clone())
            .query("labelSelector", selector.to_string())
            .query("resourceVersion", state.resource_version.clone())
            .query("watch", "true");
        let mut expired = false;
        // The log streams are served while the watch connects, too.
        let connect = ctx.client.stream(&watch);
        tokio::pin!(connect);
        let connected = loop {
            tokio::select! {
                r = &mut connect => break r,
                Some(result) = running.next(), if !running.is_empty() => ctx.out.settle(result)?,
            }
        };
        let resp = match connected {
            Ok(r) => {
                failures = 0;
                Some(r)
            }
            Err(ClientError::Api { http_code: 410, .. }) => {
                expired = true;
                None
            }
            // The log streams go on while the watch reconnects.
            Err(e) if e.is_transport() && failures < 10 => {
                failures += 1;
                None
            }
            Err(e) => return Err(e.into()),
        };
        // A failed watch request waits (serving the log streams) before the next.
        let retry = resp.is_none() && !expired;
        let mut body = futures_util::stream::iter(resp).map(|r| r.bytes_stream()).flatten();
        let mut buf: Vec<u8> = Vec::new();
        if retry {
            let pause = tokio::time::sleep(std::time::Duration::from_millis(500 * u64::from(failures)));
            tokio::pin!(pause);
            loop {
                tokio::select! {
                    _ = &mut pause => break,
                    Some(result) = running.next(), if !running.is_empty() => ctx.out.settle(result)?,
                }
            }
        }
        loop {
            tokio::select! {
                chunk = body.next() => {
                    let Some(Ok(chunk)) = chunk else { break };
                    buf.extend_from_slice(&chunk);
                    while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                        let line: Vec<u8> = buf.drain(..=pos).collect();
                        let ev: Value = serde_json::from_slice(&line).unwrap_or_default();
                        let pod = &ev["object"];
                        match ev["type"].as_str() {
                            Some("ADDED" | "MODIFIED") => {
                                if let Some(rv) = pod["metadata"]["resourceVersion"].as_str() {
                                    state.resource_version = rv.to_string();
                                }
                                for (s, o) in state.attachable(ctx, pod)? {
                                    if running.len() as i64 >= ctx.max {
                                        eprintln!("warning: not following pod/{}/{}: {} log streams are open (--max-log-requests)", s.pod, s.container, running.len());
                                        continue;
                                    }
                                    running.push(start(ctx, s, o));
                                }
                            }
                            Some("DELETED") => {
                                if let Some(rv) = pod["metadata"]["resourceVersion"].as_str() {
                                    state.resource_version = rv.to_string();
                                }
                            }
                            Some("ERROR") => expired = true,
                            _ => {}
                        }
                    }
                    if expired {
                        break;
                    }
                }
                Some(result) = running.next(), if !running.is_empty() => ctx.out.settle(result)?,
            }
        }
        if expired {
            // The watch's version expired: list again, attaching what is new.
            let list: Value = ctx.client.send(&Request::get(pods_path.clone()).query("labelSelector", selector.to_string())).await?.json()?;
            state.resource_version = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
            for p in list["items"].as_array().into_iter().flatten() {
                for (s, o) in state.attachable(ctx, p)? {
                    running.push(start(ctx, s, o));
                }
            }
        }
    }
}

//! `GET /containerLogs/{namespace}/{pod}/{container}` with deterministic output.
//!
//! Every started container has `HISTORY_LINES` lines of history:
//! `"<pod> <container> line <n>"` for n = 1..=20, line n stamped
//! `status.startTime + n seconds` (shown with `timestamps=true` in the
//! kubelet's fixed-width RFC3339Nano format). The same request therefore
//! always returns the same bytes. With `follow=true` on a running container,
//! lines 21, 22, ... follow, one per second, until the client disconnects or
//! the container stops. `tailLines` and `sinceSeconds`/`sinceTime` filter
//! the history; `sinceTime` also skips follow-up lines stamped before it, so a
//! client that lost its stream can resume where it was (line n is always
//! stamped start + n s). `limitBytes` caps the whole response. Errors mirror
//! the kubelet's status codes and messages.
//!
//! Pods can tune this with annotations:
//! * `sim.kctl.dev/restarts: "<n>"` (see podstatus.rs): the previous instance
//!   has `HISTORY_LINES` lines `"<pod> <container> previous line <n>"`,
//!   stamped from `PREVIOUS_LIFETIME` seconds before the pod started;
//!   `previous=true` returns them.
//! * `sim.kctl.dev/log-interval-ms: "<ms>"`: the follow-up line period
//!   (default 1000).
//! * `sim.kctl.dev/log-history-lines: "<n>"`: the history length (default
//!   `HISTORY_LINES`), e.g. for benchmarks that read many lines.
//! * `sim.kctl.dev/log-drop-after-lines: "<n>"`: every follow stream ends
//!   after n follow-up lines although the container keeps running, as when
//!   the kubelet restarts or a proxy drops the connection.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::{Response, StatusCode};
use serde_json::Value;

use crate::server::{text, Body};
use crate::util::{decode, log_time, parse_go_bool, parse_time, str_at};
use crate::{Sim, SimNode};

pub const HISTORY_LINES: u64 = 20;
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);
pub const ANN_LOG_INTERVAL: &str = "sim.kctl.dev/log-interval-ms";
pub const ANN_LOG_DROP: &str = "sim.kctl.dev/log-drop-after-lines";
pub const ANN_LOG_HISTORY: &str = "sim.kctl.dev/log-history-lines";

#[derive(Debug, Default, PartialEq)]
pub struct LogOptions {
    /// The history length of the container (not a query parameter).
    pub history: u64,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<i64>,
    pub since_seconds: Option<i64>,
    pub since_time: Option<DateTime<Utc>>,
    pub limit_bytes: Option<i64>,
}

/// Decodes the query like the kubelet (PodLogOptions parameter codec plus
/// the legacy `tail` parameter), then validates it.
pub fn parse_options(query: &str) -> Result<LogOptions, (StatusCode, &'static str)> {
    let bad = || (StatusCode::BAD_REQUEST, r#"{"message": "Unable to decode query."}"#);
    let mut o = LogOptions { history: HISTORY_LINES, ..Default::default() };
    let mut seen = std::collections::HashSet::new();
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(&k.replace('+', " ")), decode(&v.replace('+', " ")))
        })
        .collect();
    if let Some((_, tail)) = pairs.iter().find(|(k, _)| k == "tail").cloned() {
        pairs.retain(|(k, _)| k != "tailLines");
        if tail != "all" {
            pairs.insert(0, ("tailLines".into(), tail));
        }
    }
    for (k, v) in pairs {
        // The parameter codec uses the first value of repeated parameters.
        if !seen.insert(k.clone()) {
            continue;
        }
        let int = |v: &str| v.parse::<i64>().map_err(|_| bad());
        let boolean = |v: &str| parse_go_bool(v).ok_or_else(bad);
        match k.as_str() {
            "follow" => o.follow = boolean(&v)?,
            "previous" => o.previous = boolean(&v)?,
            "timestamps" => o.timestamps = boolean(&v)?,
            "tailLines" => o.tail_lines = Some(int(&v)?),
            "sinceSeconds" => o.since_seconds = Some(int(&v)?),
            "limitBytes" => o.limit_bytes = Some(int(&v)?),
            "sinceTime" => o.since_time = Some(parse_time(&v).ok_or_else(bad)?),
            _ => {}
        }
    }
    let invalid = o.tail_lines.is_some_and(|t| t < 0)
        || o.limit_bytes.is_some_and(|l| l < 1)
        || (o.since_seconds.is_some() && o.since_time.is_some())
        || o.since_seconds.is_some_and(|s| s < 1);
    if invalid {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, r#"{"message": "Invalid request."}"#));
    }
    Ok(o)
}

/// The deterministic log line `n` (1-based) of a container, newline included.
/// `what` is "line", or "previous line" for the previous instance.
pub fn line(pod: &str, container: &str, what: &str, start: DateTime<Utc>, n: u64, timestamps: bool) -> String {
    let body = format!("{pod} {container} {what} {n}\n");
    if timestamps {
        format!("{} {body}", log_time(line_time(start, n)))
    } else {
        body
    }
}

fn line_time(start: DateTime<Utc>, n: u64) -> DateTime<Utc> {
    start + chrono::Duration::seconds(n as i64)
}

fn since(o: &LogOptions, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match (o.since_time, o.since_seconds) {
        (Some(t), _) => Some(t),
        (None, Some(s)) => Some(now - chrono::Duration::seconds(s)),
        _ => None,
    }
}

/// The first follow-up line to send: the one after the history, or the first
/// stamped at or after `sinceTime` when that is later (a resumed stream).
pub fn first_follow_line(o: &LogOptions, start: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let mut n = o.history + 1;
    if let Some(s) = since(o, now) {
        let secs = (s - start).num_seconds();
        let sub = (s - start).subsec_nanos() > 0;
        let at = if sub { secs + 1 } else { secs };
        if at > n as i64 {
            n = at as u64;
        }
    }
    n
}

/// Line numbers of the history that pass the tail/since filters.
pub fn history(o: &LogOptions, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<u64> {
    let since = since(o, now);
    let first = match o.tail_lines {
        Some(t) => o.history.saturating_sub(t as u64) + 1,
        None => 1,
    };
    (first..=o.history).filter(|&n| since.is_none_or(|s| line_time(start, n) >= s)).collect()
}

fn find_status<'a>(pod: &'a Value, container: &str) -> Option<&'a Value> {
    ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]
        .iter()
        .filter_map(|f| pod["status"][*f].as_array())
        .flatten()
        .find(|s| s["name"] == container)
}

fn has_spec(pod: &Value, container: &str) -> bool {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|f| pod["spec"][*f].as_array())
        .flatten()
        .any(|c| c["name"] == container)
}

/// Whether the container is running (so `follow` keeps streaming).
fn is_running(pod: &Value, container: &str) -> bool {
    pod["metadata"]["deletionTimestamp"].is_null()
        && find_status(pod, container).is_some_and(|s| s["state"]["running"].is_object())
}

/// The kubelet's validateContainerLogStatus.
fn check_status(pod: &Value, pod_name: &str, container: &str, previous: bool) -> Result<(), String> {
    let Some(st) = find_status(pod, container) else {
        return Err(format!("container {container:?} in pod {pod_name:?} is not available"));
    };
    let last_terminated = &st["lastState"]["terminated"];
    let state = &st["state"];
    if previous {
        if str_at(last_terminated, &["containerID"]).is_empty() {
            return Err(format!("previous terminated container {container:?} in pod {pod_name:?} not found"));
        }
        return Ok(());
    }
    if state["running"].is_object() {
        return Ok(());
    }
    if state["terminated"].is_object() || last_terminated.is_object() {
        if str_at(state, &["terminated", "containerID"]).is_empty()
            && str_at(last_terminated, &["containerID"]).is_empty()
        {
            return Err(format!("container {container:?} in pod {pod_name:?} is terminated"));
        }
        return Ok(());
    }
    if state["waiting"].is_object() {
        let why = match str_at(state, &["waiting", "reason"]) {
            "ErrImagePull" => "image can't be pulled".to_string(),
            "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            r => r.to_string(),
        };
        return Err(format!("container {container:?} in pod {pod_name:?} is waiting to start: {why}"));
    }
    Err(format!("container {container:?} in pod {pod_name:?} is waiting to start - no logs yet"))
}

pub async fn handle(sim: &Sim, node: &SimNode, args: &[String], query: &str) -> Response<Body> {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let (ns, pod_name, container) = (arg(0), arg(1), arg(2));
    if pod_name.is_empty() {
        return text(StatusCode::BAD_REQUEST, r#"{"message": "Missing podID."}"#);
    }
    if container.is_empty() {
        return text(StatusCode::BAD_REQUEST, r#"{"message": "Missing container name."}"#);
    }
    if ns.is_empty() {
        return text(StatusCode::BAD_REQUEST, r#"{"message": "Missing podNamespace."}"#);
    }
    let mut opts = match parse_options(query) {
        Ok(o) => o,
        Err((status, msg)) => return text(status, msg),
    };
    let pod = match sim.api.get(&format!("/api/v1/namespaces/{ns}/pods/{pod_name}")).await {
        Ok(p) if str_at(&p, &["spec", "nodeName"]) == node.name => p,
        Ok(_) => return text(StatusCode::NOT_FOUND, format!("pod {pod_name:?} does not exist")),
        Err(e) if e.is(404) => return text(StatusCode::NOT_FOUND, format!("pod {pod_name:?} does not exist")),
        Err(e) => return text(StatusCode::INTERNAL_SERVER_ERROR, format!("looking up pod: {e}")),
    };
    if !has_spec(&pod, container) {
        return text(StatusCode::NOT_FOUND, format!("container {container:?} not found in pod {pod_name:?}"));
    }
    if let Err(msg) = check_status(&pod, pod_name, container, opts.previous) {
        return text(StatusCode::BAD_REQUEST, msg);
    }
    if let Ok(n) = str_at(&pod, &["metadata", "annotations", ANN_LOG_HISTORY]).trim().parse::<u64>() {
        opts.history = n;
    }
    let mut start = parse_time(str_at(&pod, &["status", "startTime"]))
        .or_else(|| parse_time(str_at(&pod, &["metadata", "creationTimestamp"])))
        .unwrap_or_else(Utc::now);
    let what = if opts.previous {
        start -= chrono::Duration::seconds(crate::podstatus::PREVIOUS_LIFETIME);
        "previous line"
    } else {
        "line"
    };
    let now = Utc::now();
    let mut out = String::new();
    for n in history(&opts, start, now) {
        out.push_str(&line(pod_name, container, what, start, n, opts.timestamps));
    }
    let mut budget = opts.limit_bytes.map(|l| l as usize);
    let first = cut(out.into_bytes(), &mut budget);
    if !opts.follow || opts.previous || !is_running(&pod, container) || budget == Some(0) {
        return respond(http_body_util::Full::new(Bytes::from(first)).boxed_unsync());
    }

    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let uid = str_at(&pod, &["metadata", "uid"]).to_string();
    let ann = |k: &str| str_at(&pod, &["metadata", "annotations", k]).trim().parse::<u64>().ok();
    let interval = ann(ANN_LOG_INTERVAL).map(Duration::from_millis).unwrap_or(FOLLOW_INTERVAL);
    let drop_after = ann(ANN_LOG_DROP);
    let mut n = first_follow_line(&opts, start, now);
    let (pod_name, container) = (pod_name.to_string(), container.to_string());
    let watcher = sim.pods.clone();
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        let mut sent = 0u64;
        loop {
            if drop_after.is_some_and(|d| sent >= d) {
                return;
            }
            tokio::time::sleep(interval).await;
            // Stop when the container stops or the pod goes away.
            match watcher.by_uid(&uid) {
                Some(p) if is_running(&p, &container) => {}
                _ => return,
            }
            let chunk = cut(line(&pod_name, &container, "line", start, n, opts.timestamps).into_bytes(), &mut budget);
            n += 1;
            sent += 1;
            if tx.send(Bytes::from(chunk)).await.is_err() || budget == Some(0) {
                return;
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx))
    });
    respond(StreamBody::new(stream).boxed_unsync())
}

/// Truncates `data` to the remaining byte budget and charges it.
fn cut(mut data: Vec<u8>, budget: &mut Option<usize>) -> Vec<u8> {
    if let Some(b) = budget {
        data.truncate(*b);
        *b -= data.len();
    }
    data
}

fn respond(body: Body) -> Response<Body> {
    Response::builder()
        .header("Content-Type", "text/plain")
        .body(body)
        .expect("valid response")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        parse_time("2026-11-27T12:00:00Z").unwrap()
    }

    #[test]
    fn lines_are_deterministic() {
        assert_eq!(line("p", "c", "line", t0(), 1, false), "p c line 1\n");
        assert_eq!(line("p", "c", "line", t0(), 1, true), "2026-11-27T12:00:01.000000000Z p c line 1\n");
        assert_eq!(line("p", "c", "previous line", t0(), 2, false), "p c previous line 2\n");
    }

    #[test]
    fn tail_and_since() {
        let now = t0() + chrono::Duration::seconds(100);
        let o = parse_options("tailLines=3").unwrap();
        assert_eq!(history(&o, t0(), now), vec![18, 19, 20]);
        let o = parse_options("tail=all").unwrap();
        assert_eq!(history(&o, t0(), now).len(), 20);
        let o = parse_options("tailLines=0").unwrap();
        assert!(history(&o, t0(), now).is_empty());
        let o = parse_options("sinceTime=2026-11-27T12%3A00%3A18Z").unwrap();
        assert_eq!(history(&o, t0(), now), vec![18, 19, 20]);
        let o = parse_options("sinceSeconds=85").unwrap();
        assert_eq!(history(&o, t0(), now), vec![15, 16, 17, 18, 19, 20]);
    }

    #[test]
    fn follow_resumes_at_since_time() {
        let now = t0() + chrono::Duration::seconds(100);
        assert_eq!(first_follow_line(&parse_options("follow=true").unwrap(), t0(), now), 21);
        let o = parse_options("follow=true&sinceTime=2026-11-27T12:00:05Z").unwrap();
        assert_eq!(first_follow_line(&o, t0(), now), 21);
        let o = parse_options("follow=true&sinceTime=2026-11-27T12:00:30Z").unwrap();
        assert_eq!(first_follow_line(&o, t0(), now), 30);
        assert!(history(&o, t0(), now).is_empty());
    }

    #[test]
    fn validation() {
        assert_eq!(parse_options("tailLines=-1").unwrap_err().0, 422);
        assert_eq!(parse_options("limitBytes=0").unwrap_err().0, 422);
        assert_eq!(parse_options("sinceSeconds=1&sinceTime=2026-11-27T12:00:18Z").unwrap_err().0, 422);
        assert_eq!(parse_options("follow=maybe").unwrap_err().0, 400);
        let o = parse_options("follow=true&timestamps=1&limitBytes=10").unwrap();
        assert!(o.follow && o.timestamps && o.limit_bytes == Some(10));
    }
}

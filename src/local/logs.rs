//! `GET pods/NAME/log`: deterministic logs of the simulated containers.
//!
//! - A container with no command logs like the test cluster's node-sim, so
//!   the same pod prints the same lines on both servers: a history of 20 lines
//!   `<pod> <container> line <n>`, line n stamped start + n s, then (with
//!   `follow`) lines 21, 22, ... one a second while it runs. The node-sim
//!   annotations `sim.kctl.dev/log-history-lines` and
//!   `sim.kctl.dev/log-interval-ms` work here too.
//! - A container whose command `program` understands prints its `echo` lines
//!   at the times its `sleep`s put them; `follow` streams them as they come
//!   and ends when the container exits.
//!
//! `previous` reads the instance before a restart (`lastState`); a container
//! waiting in CrashLoopBackOff shows its last instance, as the kubelet does.
//! tailLines, sinceSeconds/sinceTime, timestamps and limitBytes filter the
//! text. Validation and container errors carry the apiserver's and kubelet's
//! messages.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame};
use hyper::Response;
use serde_json::{json, Value};

use super::api::{ApiError, Body, Req, State};
use super::controllers::meta;
use super::kubelet::{now_ms, parse_ms};
use super::program::{self, Program};

const HISTORY_LINES: u64 = 20;
const ANN_LOG_INTERVAL: &str = "sim.kctl.dev/log-interval-ms";
const ANN_LOG_HISTORY: &str = "sim.kctl.dev/log-history-lines";

#[derive(Default, Debug)]
struct Opts {
    follow: bool,
    previous: bool,
    timestamps: bool,
    tail: Option<usize>,
    since_ms: Option<u64>,
    limit: Option<usize>,
}

fn invalid(pod: &str, field: &str, reason: &str, detail: String) -> ApiError {
    let mut e = ApiError::new(422, "Invalid", format!("PodLogOptions \"{pod}\" is invalid: {field}: {detail}"));
    e.details = Some(json!({"name": pod, "kind": "PodLogOptions", "causes": [{"reason": reason, "message": detail, "field": field}]}));
    e
}

fn options(req: &Req, pod: &str) -> Result<Opts, ApiError> {
    let boolean = |k: &str| matches!(req.q(k), "true" | "1" | "True" | "TRUE" | "t" | "T");
    let int = |k: &str| -> Result<Option<i64>, ApiError> {
        match req.q(k) {
            "" => Ok(None),
            v => v.parse().map(Some).map_err(|_| ApiError::bad_request(format!("couldn't parse {k} '{v}'"))),
        }
    };
    let tail = int("tailLines")?;
    let since_seconds = int("sinceSeconds")?;
    let limit = int("limitBytes")?;
    let since_time = match req.q("sinceTime") {
        "" => None,
        v => Some(crate::client::exec::parse_rfc3339(v).ok_or_else(|| ApiError::bad_request(format!("parsing time \"{v}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse")))?),
    };
    if let Some(t) = tail.filter(|t| *t < 0) {
        return Err(invalid(pod, "tailLines", "FieldValueInvalid", format!("Invalid value: {t}: must be greater than or equal to 0")));
    }
    if let Some(l) = limit.filter(|l| *l < 1) {
        return Err(invalid(pod, "limitBytes", "FieldValueInvalid", format!("Invalid value: {l}: must be greater than 0")));
    }
    if since_seconds.is_some() && since_time.is_some() {
        return Err(invalid(pod, "[]", "FieldValueForbidden", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified".into()));
    }
    if let Some(s) = since_seconds.filter(|s| *s < 1) {
        return Err(invalid(pod, "sinceSeconds", "FieldValueInvalid", format!("Invalid value: {s}: must be greater than 0")));
    }
    let since_ms = match (since_time, since_seconds) {
        (Some(t), _) => Some(t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)),
        (None, Some(s)) => Some(now_ms().saturating_sub(s as u64 * 1000)),
        _ => None,
    };
    Ok(Opts { follow: boolean("follow"), previous: boolean("previous"), timestamps: boolean("timestamps"), tail: tail.map(|t| t as usize), since_ms, limit: limit.map(|l| l as usize) })
}

fn names(pod: &Value, field: &str) -> Vec<String> {
    pod["spec"][field].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect()
}

/// The apiserver's container choice (`pod.LogLocation`).
fn container(req: &Req, pod: &Value) -> Result<String, ApiError> {
    let name = meta(pod, "name");
    let (main, init, eph) = (names(pod, "containers"), names(pod, "initContainers"), names(pod, "ephemeralContainers"));
    match req.q("container") {
        "" if main.len() == 1 => Ok(main[0].clone()),
        "" => {
            let mut msg = format!("a container name must be specified for pod {name}, choose one of: [{}]", main.join(" "));
            if !init.is_empty() {
                msg.push_str(&format!(" or one of the init containers: [{}]", init.join(" ")));
            }
            if !eph.is_empty() {
                msg.push_str(&format!(" or one of the ephemeral containers: [{}]", eph.join(" ")));
            }
            Err(ApiError::bad_request(msg))
        }
        c if main.iter().chain(&init).chain(&eph).any(|n| n == c) => Ok(c.to_string()),
        c => Err(ApiError::bad_request(format!("container {c} is not valid for pod {name}"))),
    }
}

/// One run of a container whose logs are read.
struct Instance {
    start: u64,
    /// When it stopped (ms), if it did.
    end: Option<u64>,
    container_id: String,
}

/// The kubelet's `validateContainerLogStatus`: which instance to read.
fn instance(pod: &Value, container: &str, previous: bool) -> Result<Instance, String> {
    let pod_name = meta(pod, "name");
    let st = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]
        .iter()
        .filter_map(|f| pod["status"][*f].as_array())
        .flatten()
        .find(|s| s["name"] == container)
        .ok_or_else(|| format!("container {container:?} in pod {pod_name:?} is waiting to start - no logs yet"))?;
    let of = |s: &Value, running: bool| -> Option<Instance> {
        let start = s["startedAt"].as_str().and_then(parse_ms)?;
        let end = if running { None } else { s["finishedAt"].as_str().and_then(parse_ms) };
        Some(Instance { start, end, container_id: s["containerID"].as_str().or(st["containerID"].as_str()).unwrap_or("").to_string() })
    };
    let last = &st["lastState"]["terminated"];
    if previous {
        return of(last, false).ok_or_else(|| format!("previous terminated container {container:?} in pod {pod_name:?} not found"));
    }
    if let Some(i) = of(&st["state"]["running"], true).or_else(|| of(&st["state"]["terminated"], false)) {
        return Ok(i);
    }
    if let Some(i) = of(last, false) {
        return Ok(i);
    }
    Err(match st["state"]["waiting"]["reason"].as_str() {
        Some(r) => format!("container {container:?} in pod {pod_name:?} is waiting to start: {r}"),
        None => format!("container {container:?} in pod {pod_name:?} is waiting to start - no logs yet"),
    })
}

/// `2006-01-02T15:04:05.000000000Z` (the kubelet's fixed-width RFC3339Nano).
fn stamp(ms: u64) -> String {
    let s = super::kubelet::fmt_ts(ms);
    format!("{}.{:09}Z", s.trim_end_matches('Z'), (ms % 1000) * 1_000_000)
}

fn render(lines: &[(u64, String)], o: &Opts) -> String {
    lines.iter().map(|(t, l)| if o.timestamps { format!("{} {l}\n", stamp(*t)) } else { format!("{l}\n") }).collect()
}

pub fn serve(state: &Arc<State>, req: &Req, pod: &Value) -> Result<Response<Body>, ApiError> {
    let pod_name = meta(pod, "name").to_string();
    let o = options(req, &pod_name)?;
    let cname = container(req, pod)?;
    if pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty() {
        return Ok(text(Bytes::new()));
    }
    let inst = instance(pod, &cname, o.previous).map_err(ApiError::bad_request)?;
    let spec = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|f| pod["spec"][*f].as_array())
        .flatten()
        .find(|c| c["name"] == cname.as_str())
        .cloned()
        .unwrap_or(Value::Null);
    let prog = program::of(pod, &spec);
    let now = now_ms();
    let ann = |k: &str| pod["metadata"]["annotations"][k].as_str().and_then(|s| s.trim().parse::<u64>().ok());
    let history = ann(ANN_LOG_HISTORY).unwrap_or(HISTORY_LINES);
    let all: Vec<(u64, String)> = if prog.generated {
        (1..=history).map(|n| (inst.start + n * 1000, format!("{pod_name} {cname} line {n}"))).collect()
    } else {
        let until = inst.end.map(|e| e.max(inst.start + prog.exit.map_or(0, |x| x.0))).unwrap_or(now).min(now.max(inst.start));
        prog.lines_until(until.saturating_sub(inst.start)).into_iter().map(|(t, l)| (inst.start + t, l)).collect()
    };
    let mut lines: Vec<(u64, String)> = all.into_iter().filter(|(t, _)| o.since_ms.is_none_or(|s| *t >= s)).collect();
    if let Some(t) = o.tail {
        lines = lines.split_off(lines.len().saturating_sub(t));
    }
    let mut budget = o.limit;
    let first = cut(render(&lines, &o).into_bytes(), &mut budget);
    let running = inst.end.is_none() && pod["metadata"]["deletionTimestamp"].is_null();
    if !o.follow || o.previous || !running || budget == Some(0) {
        return Ok(text(Bytes::from(first)));
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    let state = state.clone();
    let key = super::controllers::res("", "pods").key(meta(pod, "namespace"), &pod_name);
    let interval = ann(ANN_LOG_INTERVAL).unwrap_or(1000).max(1);
    let last_sent = lines.last().map(|l| l.0);
    tokio::spawn(async move {
        if !first.is_empty() && tx.send(Bytes::from(first)).await.is_err() {
            return;
        }
        let still_running = || {
            state.store.get(&key).is_some_and(|p| {
                p["metadata"]["deletionTimestamp"].is_null() && instance(&p, &cname, false).is_ok_and(|i| i.end.is_none() && i.container_id == inst.container_id)
            })
        };
        if prog.generated {
            let mut n = history + 1;
            if let Some(s) = o.since_ms {
                n = n.max(s.saturating_sub(inst.start).div_ceil(1000));
            }
            loop {
                tokio::time::sleep(Duration::from_millis(interval)).await;
                if !still_running() {
                    return;
                }
                let l = (inst.start + n * 1000, format!("{pod_name} {cname} line {n}"));
                n += 1;
                if send(&tx, &[l], &o, &mut budget).await {
                    return;
                }
            }
        }
        follow_program(&prog, inst.start, last_sent.unwrap_or(0), &tx, &o, &mut budget, still_running).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<_, Infallible>(Frame::data(b)), rx)) });
    Ok(Response::builder().status(200).header("Content-Type", "text/plain").body(BodyExt::boxed(StreamBody::new(stream))).unwrap())
}

/// Streams a program's lines after `after` (ms) as their time comes; returns
/// once the instance stops or the client goes away.
async fn follow_program(prog: &Program, start: u64, after: u64, tx: &tokio::sync::mpsc::Sender<Bytes>, o: &Opts, budget: &mut Option<usize>, still_running: impl Fn() -> bool) {
    let mut sent_until = now_ms().saturating_sub(start);
    let mut seen = prog.lines_until(sent_until).len();
    let _ = after;
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let alive = still_running();
        let until = now_ms().saturating_sub(start);
        let until = prog.exit.map_or(until, |(e, _)| if alive { until } else { e.max(sent_until) });
        let all = prog.lines_until(until);
        let new: Vec<(u64, String)> = all[seen.min(all.len())..].iter().map(|(t, l)| (start + t, l.clone())).filter(|(t, _)| o.since_ms.is_none_or(|s| *t >= s)).collect();
        seen = all.len();
        sent_until = until;
        if !new.is_empty() && send(tx, &new, o, budget).await {
            return;
        }
        if !alive || prog.exit.is_some_and(|(e, _)| until >= e) {
            return;
        }
    }
}

/// Sends lines; true when the stream should end (client gone or budget spent).
async fn send(tx: &tokio::sync::mpsc::Sender<Bytes>, lines: &[(u64, String)], o: &Opts, budget: &mut Option<usize>) -> bool {
    let chunk = cut(render(lines, o).into_bytes(), budget);
    tx.send(Bytes::from(chunk)).await.is_err() || *budget == Some(0)
}

fn cut(mut data: Vec<u8>, budget: &mut Option<usize>) -> Vec<u8> {
    if let Some(b) = budget {
        data.truncate(*b);
        *b -= data.len();
    }
    data
}

fn text(b: Bytes) -> Response<Body> {
    Response::builder().status(200).header("Content-Type", "text/plain").body(Full::new(b).boxed()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_fixed_width() {
        assert_eq!(stamp(1_795_780_801_000), "2026-11-27T12:00:01.000000000Z");
        assert_eq!(stamp(1_795_780_801_500), "2026-11-27T12:00:01.500000000Z");
    }

    #[test]
    fn previous_needs_a_terminated_instance() {
        let pod = json!({"metadata": {"name": "p"}, "status": {"containerStatuses": [{"name": "c", "state": {"running": {"startedAt": "2026-11-27T12:00:00Z"}}, "lastState": {}}]}});
        assert_eq!(instance(&pod, "c", true).err().unwrap(), "previous terminated container \"c\" in pod \"p\" not found");
        let waiting = json!({"metadata": {"name": "p"}, "status": {"containerStatuses": [{"name": "c", "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"startedAt": "2026-11-27T12:00:00Z", "finishedAt": "2026-11-27T12:00:03Z", "containerID": "x"}}}]}});
        let i = instance(&waiting, "c", false).unwrap();
        assert_eq!((i.start, i.end), (1_795_780_800_000, Some(1_795_780_803_000)));
    }
}

//! `kctl rollout status`: watch each object until its rollout is done,
//! printing kubectl's status line for every change.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::Value;

use super::{Failure, Found, Selection, WorkloadKind};
use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    /// Pin to a specific revision for showing its status. Defaults to 0 (last revision).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
    /// The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).
    #[arg(long, default_value = "0s")]
    pub timeout: String,
    /// Watch the status of the rollout until it's done.
    #[arg(short = 'w', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub watch: bool,
}

/// One status line and whether the rollout is done; an error ends the watch.
pub fn status(kind: WorkloadKind, obj: &Value, revision: i64) -> Result<(String, bool), String> {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let generation = obj["metadata"]["generation"].as_i64().unwrap_or(0);
    let st = &obj["status"];
    let n = |v: &Value| v.as_i64().unwrap_or(0);
    let observed = n(&st["observedGeneration"]);
    let q = crate::client::log::go_quote(name);
    match kind {
        WorkloadKind::Deployment => {
            if revision > 0 {
                let current = super::revision_of(obj).map_err(|e| format!("cannot get the revision of deployment {q}: {e}"))?;
                if revision != current {
                    return Err(format!("desired revision ({revision}) is different from the running revision ({current})"));
                }
            }
            if generation > observed {
                return Ok(("Waiting for deployment spec update to be observed...\n".into(), false));
            }
            let progressing = st["conditions"].as_array().into_iter().flatten().find(|c| c["type"] == "Progressing");
            if progressing.is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded") {
                return Err(format!("deployment {q} exceeded its progress deadline"));
            }
            let updated = n(&st["updatedReplicas"]);
            if let Some(want) = obj["spec"]["replicas"].as_i64() {
                if updated < want {
                    return Ok((format!("Waiting for deployment {q} rollout to finish: {updated} out of {want} new replicas have been updated...\n"), false));
                }
            }
            let replicas = n(&st["replicas"]);
            if replicas > updated {
                return Ok((format!("Waiting for deployment {q} rollout to finish: {} old replicas are pending termination...\n", replicas - updated), false));
            }
            let available = n(&st["availableReplicas"]);
            if available < updated {
                return Ok((format!("Waiting for deployment {q} rollout to finish: {available} of {updated} updated replicas are available...\n"), false));
            }
            Ok((format!("deployment {q} successfully rolled out\n"), true))
        }
        WorkloadKind::DaemonSet => {
            if obj["spec"]["updateStrategy"]["type"] != "RollingUpdate" {
                return Err("rollout status is only available for RollingUpdate strategy type".into());
            }
            if generation > observed {
                return Ok(("Waiting for daemon set spec update to be observed...\n".into(), false));
            }
            let desired = n(&st["desiredNumberScheduled"]);
            let updated = n(&st["updatedNumberScheduled"]);
            if updated < desired {
                return Ok((format!("Waiting for daemon set {q} rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false));
            }
            let available = n(&st["numberAvailable"]);
            if available < desired {
                return Ok((format!("Waiting for daemon set {q} rollout to finish: {available} of {desired} updated pods are available...\n"), false));
            }
            Ok((format!("daemon set {q} successfully rolled out\n"), true))
        }
        WorkloadKind::StatefulSet => {
            let strategy = &obj["spec"]["updateStrategy"];
            if strategy["type"] != "RollingUpdate" {
                return Err("rollout status is only available for RollingUpdate strategy type".into());
            }
            if observed == 0 || generation > observed {
                return Ok(("Waiting for statefulset spec update to be observed...\n".into(), false));
            }
            let replicas = obj["spec"]["replicas"].as_i64();
            if let Some(want) = replicas {
                let ready = n(&st["readyReplicas"]);
                if ready < want {
                    return Ok((format!("Waiting for {} pods to be ready...\n", want - ready), false));
                }
            }
            let updated = n(&st["updatedReplicas"]);
            if strategy["rollingUpdate"].is_object() {
                if let (Some(want), Some(partition)) = (replicas, strategy["rollingUpdate"]["partition"].as_i64()) {
                    if updated < want - partition {
                        return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", want - partition), false));
                    }
                }
                return Ok((format!("partitioned roll out complete: {updated} new pods have been updated...\n"), true));
            }
            let (update_rev, current_rev) = (st["updateRevision"].as_str().unwrap_or(""), st["currentRevision"].as_str().unwrap_or(""));
            if update_rev != current_rev {
                return Ok((format!("waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}...\n"), false));
            }
            Ok((format!("statefulset rolling update complete {} pods at revision {current_rev}...\n", n(&st["currentReplicas"])), true))
        }
        WorkloadKind::Other => unreachable!("checked before watching"),
    }
}

/// Go's time.ParseDuration for the --timeout flag.
fn parse_timeout(text: &str) -> Result<Option<Duration>, CliError> {
    let flag_error = |why: String| CliError::Raw(format!("Error: invalid argument \"{text}\" for \"--timeout\" flag: time: {why}\nSee 'kctl rollout status --help' for usage."));
    let bad = || flag_error(format!("invalid duration {}", crate::client::log::go_quote(text)));
    if text == "0" {
        return Ok(None);
    }
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let mut total = 0f64;
    if rest.is_empty() || rest == "0" {
        return if rest.is_empty() { Err(bad()) } else { Ok(None) };
    }
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_end == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        if unit_end == 0 {
            return Err(flag_error(format!("missing unit in duration {}", crate::client::log::go_quote(text))));
        }
        let scale = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            unit => return Err(flag_error(format!("unknown unit {} in duration {}", crate::client::log::go_quote(unit), crate::client::log::go_quote(text)))),
        };
        total += n * scale;
        rest = &rest[unit_end..];
    }
    if negative && total > 0.0 {
        // Zero stands for "negative": kubectl complains when it starts each
        // watch, then waits without a deadline.
        return Ok(Some(Duration::ZERO));
    }
    Ok(if total > 0.0 { Some(Duration::from_secs_f64(total)) } else { None })
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let timeout = parse_timeout(&args.timeout)?;
    super::require_resources(&args.selection)?;
    if args.revision < 0 {
        return Err(CliError::msg(format!("revision must be a positive integer: {}", args.revision)));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let found = super::collect(&client, settings, &args.selection).await?;
        let mut errors = Vec::new();
        let mut any = false;
        for f in found {
            let f = match f {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            any = true;
            if f.kind() == WorkloadKind::Other {
                errors.push(Failure::plain(format!("no status viewer has been implemented for {}", f.group_kind())));
                continue;
            }
            if let Err(e) = watch_one(&client, &f, &args, timeout).await {
                errors.push(e);
            }
        }
        if !any && errors.is_empty() {
            super::no_resources(&client);
        }
        super::finish(errors)
    })
}

enum Step {
    Done,
    Continue,
}

/// Print the status of one event's object; decide whether to go on.
fn on_object(f: &Found, obj: &Value, args: &Args) -> Result<Step, Failure> {
    let (line, done) = status(f.kind(), obj, args.revision).map_err(Failure::plain)?;
    output::print(&line);
    output::flush_stdout();
    if done || !args.watch {
        return Ok(Step::Done);
    }
    Ok(Step::Continue)
}

/// kubectl's UntilWithSync over one object: list it, then watch from the
/// list's version, resuming after dropped connections.
async fn watch_one(client: &Client, f: &Found, args: &Args, timeout: Option<Duration>) -> Result<(), Failure> {
    if timeout == Some(Duration::ZERO) {
        crate::client::log::emit('E', "until.go:159", "Timeout for context shall not be negative!");
    }
    let deadline = timeout.filter(|t| !t.is_zero()).map(|t| Instant::now() + t);
    let work = async {
        let r = &f.resource;
        let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: f.namespace.as_deref(), ..Default::default() }.to_path();
        let field = format!("metadata.name={}", f.name);
        let mut rv = String::new();
        let mut need_list = true;
        loop {
            if need_list {
                let req = Request::get(path.clone()).query("fieldSelector", field.clone()).query("limit", "500").query("resourceVersion", "0");
                let list: Value = client.send(&req).await.map_err(|e| super::error_line(e.into()))?.json().map_err(|e| super::error_line(e.into()))?;
                rv = list["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
                for item in list["items"].as_array().into_iter().flatten() {
                    if let Step::Done = on_object(f, item, args)? {
                        return Ok(());
                    }
                }
                need_list = false;
            }
            let req = Request::get(path.clone())
                .query("allowWatchBookmarks", "true")
                .query("fieldSelector", field.clone())
                .query("resourceVersion", rv.clone())
                .query("watch", "true");
            let resp = match client.stream(&req).await {
                Ok(r) => r,
                Err(ClientError::Api { http_code: 410, .. }) => {
                    need_list = true;
                    continue;
                }
                Err(e) if e.is_transport() => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
                Err(e) => return Err(super::error_line(e.into())),
            };
            let mut body = resp.bytes_stream();
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = body.next().await {
                let Ok(chunk) = chunk else { break };
                buf.extend_from_slice(&chunk);
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    let Ok(ev) = serde_json::from_slice::<Value>(&line) else { continue };
                    let obj = &ev["object"];
                    if let Some(v) = obj["metadata"]["resourceVersion"].as_str() {
                        rv = v.to_string();
                    }
                    match ev["type"].as_str().unwrap_or("") {
                        "ADDED" | "MODIFIED" => {
                            if let Step::Done = on_object(f, obj, args)? {
                                return Ok(());
                            }
                        }
                        // The object must not be silently replaced by a new one of the same name.
                        "DELETED" => return Err("object has been deleted".into()),
                        "BOOKMARK" => {}
                        "ERROR" if obj["code"].as_u64() == Some(410) => {
                            need_list = true;
                            break;
                        }
                        _ => return Err(format!("internal error: unexpected event {}", String::from_utf8_lossy(&line).trim_end()).into()),
                    }
                }
            }
        }
    };
    match deadline {
        None => work.await,
        Some(d) => match tokio::time::timeout_at(tokio::time::Instant::from_std(d), work).await {
            Ok(r) => r,
            Err(_) => Err("timed out waiting for the condition".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_messages() {
        let d = |spec: i64, gen: i64, st: Value| json!({"metadata": {"name": "web", "generation": gen}, "spec": {"replicas": spec}, "status": st});
        let s = |v: Value| status(WorkloadKind::Deployment, &v, 0).unwrap();
        assert_eq!(s(d(3, 2, json!({"observedGeneration": 1}))).0, "Waiting for deployment spec update to be observed...\n");
        assert_eq!(s(d(3, 1, json!({"observedGeneration": 1, "updatedReplicas": 1}))).0, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n");
        assert_eq!(s(d(3, 1, json!({"observedGeneration": 1, "updatedReplicas": 3, "replicas": 4}))).0, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...\n");
        assert_eq!(s(d(3, 1, json!({"observedGeneration": 1, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 1}))).0, "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...\n");
        assert_eq!(s(d(3, 1, json!({"observedGeneration": 1, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 3}))), ("deployment \"web\" successfully rolled out\n".to_string(), true));
    }

    #[test]
    fn statefulset_and_daemonset_messages() {
        let sts = |strategy: Value, st: Value| json!({"metadata": {"name": "db", "generation": 2}, "spec": {"replicas": 3, "updateStrategy": strategy}, "status": st});
        let rolling = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}});
        let s = |v: Value| status(WorkloadKind::StatefulSet, &v, 0);
        assert_eq!(s(sts(rolling.clone(), json!({"observedGeneration": 1}))).unwrap().0, "Waiting for statefulset spec update to be observed...\n");
        assert_eq!(s(sts(rolling.clone(), json!({"observedGeneration": 2, "readyReplicas": 1}))).unwrap().0, "Waiting for 2 pods to be ready...\n");
        assert_eq!(s(sts(rolling.clone(), json!({"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 1}))).unwrap().0, "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n");
        assert_eq!(s(sts(rolling, json!({"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 2}))).unwrap(), ("partitioned roll out complete: 2 new pods have been updated...\n".to_string(), true));
        let plain = json!({"type": "RollingUpdate"});
        assert_eq!(
            s(sts(plain.clone(), json!({"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 1, "updateRevision": "db-2", "currentRevision": "db-1"}))).unwrap().0,
            "waiting for statefulset rolling update to complete 1 pods at revision db-2...\n"
        );
        assert_eq!(
            s(sts(plain, json!({"observedGeneration": 2, "readyReplicas": 3, "currentReplicas": 3, "updateRevision": "db-2", "currentRevision": "db-2"}))).unwrap(),
            ("statefulset rolling update complete 3 pods at revision db-2...\n".to_string(), true)
        );
        assert_eq!(s(sts(json!({"type": "OnDelete"}), json!({}))).unwrap_err(), "rollout status is only available for RollingUpdate strategy type");

        let ds = |st: Value| json!({"metadata": {"name": "agent", "generation": 1}, "spec": {"updateStrategy": {"type": "RollingUpdate"}}, "status": st});
        let d = |v: Value| status(WorkloadKind::DaemonSet, &v, 0).unwrap().0;
        assert_eq!(d(ds(json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 1}))), "Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated...\n");
        assert_eq!(d(ds(json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 2}))), "Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods are available...\n");
        assert_eq!(d(ds(json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3}))), "daemon set \"agent\" successfully rolled out\n");
    }

    #[test]
    fn timeouts_parse_like_go() {
        assert_eq!(parse_timeout("0s").unwrap(), None);
        assert_eq!(parse_timeout("1m30s").unwrap(), Some(Duration::from_secs(90)));
        assert_eq!(parse_timeout("1.5s").unwrap(), Some(Duration::from_millis(1500)));
        assert!(parse_timeout("5").is_err());
        assert_eq!(parse_timeout("-0").unwrap(), None);
        assert!(parse_timeout("-").is_err());
    }
}

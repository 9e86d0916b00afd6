//! The CronJob controller: standard five-field schedules (numbers, names,
//! `*`, ranges, steps, lists, and the `@hourly`-style macros), evaluated in UTC
//! (`spec.timeZone` is not supported yet). A due CronJob gets a Job named
//! `<cronjob>-<minutes since the epoch>`, as the real controller names them;
//! completed Jobs beyond `successfulJobsHistoryLimit` are removed.

use serde_json::{json, Value};

use super::api::State;
use super::controllers::{list, meta, owned_by, owner_ref, res, write, Events};

struct Field(Vec<bool>);

fn parse_field(spec: &str, min: u32, max: u32, names: &[&str]) -> Option<Field> {
    let mut allowed = vec![false; max as usize + 1];
    let value = |s: &str| -> Option<u32> {
        s.parse().ok().or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(s)).map(|i| i as u32 + min))
    };
    for part in spec.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (lo, hi) = match range {
            "*" | "?" => (min, max),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if part.contains('/') => (value(r)?, max),
                None => (value(r)?, value(r)?),
            },
        };
        if lo < min || hi > max || lo > hi {
            return None;
        }
        for v in (lo..=hi).step_by(step as usize) {
            allowed[v as usize] = true;
        }
    }
    Some(Field(allowed))
}

pub struct Schedule {
    minute: Field,
    hour: Field,
    dom: Field,
    month: Field,
    dow: Field,
    dom_star: bool,
    dow_star: bool,
}

const MONTHS: &[&str] = &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

pub fn parse(spec: &str) -> Option<Schedule> {
    let spec = match spec.trim() {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        s => s,
    };
    let f: Vec<&str> = spec.split_whitespace().collect();
    if f.len() != 5 {
        return None;
    }
    let mut dow = parse_field(f[4], 0, 7, DAYS)?;
    if dow.0[7] {
        dow.0[0] = true;
    }
    Some(Schedule {
        minute: parse_field(f[0], 0, 59, &[])?,
        hour: parse_field(f[1], 0, 23, &[])?,
        dom: parse_field(f[2], 1, 31, &[])?,
        month: parse_field(f[3], 1, 12, MONTHS)?,
        dow,
        dom_star: f[2] == "*" || f[2] == "?",
        dow_star: f[4] == "*" || f[4] == "?",
    })
}

/// (month 1-12, day 1-31, weekday 0-6) of a day number since the epoch.
fn civil(days: i64) -> (u32, u32, u32) {
    let (_, m, d) = crate::calendar::civil_from_days(days);
    (m, d, crate::calendar::weekday(days))
}

impl Schedule {
    /// Whether the minute starting at `minute * 60` seconds since the epoch is due.
    pub fn matches(&self, minute: i64) -> bool {
        let (m, h) = ((minute % 60) as usize, ((minute / 60) % 24) as usize);
        let (month, day, wd) = civil(minute.div_euclid(1440));
        let dom = self.dom.0[day as usize];
        let dow = self.dow.0[wd as usize];
        // cron's rule: with both day fields restricted, either may match.
        let day_ok = if self.dom_star || self.dow_star { dom && dow } else { dom || dow };
        self.minute.0[m] && self.hour.0[h] && self.month.0[month as usize] && day_ok
    }
}

fn epoch_minutes(ts: &str) -> Option<i64> {
    let t = crate::client::exec::parse_rfc3339(ts)?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64 / 60)
}

pub(super) fn cronjobs(state: &State, events: &mut Events) -> std::io::Result<()> {
    let (cj_r, job_r) = (res("batch", "cronjobs"), res("batch", "jobs"));
    let jobs = list(state, job_r);
    let now_min = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64 / 60).unwrap_or(0);
    let (mut new_jobs, mut old_jobs, mut updates) = (Vec::new(), Vec::new(), Vec::new());
    for cj in list(state, cj_r) {
        let (ns, name) = (meta(&cj, "namespace"), meta(&cj, "name"));
        let mine = owned_by(&jobs, meta(&cj, "uid"));
        let mut status = cj["status"].clone();
        if !status.is_object() {
            status = json!({});
        }
        let active: Vec<Value> = mine
            .iter()
            .filter(|j| j["status"]["completionTime"].is_null())
            .map(|j| json!({"kind": "Job", "namespace": ns, "name": meta(j, "name"), "uid": meta(j, "uid"), "apiVersion": "batch/v1"}))
            .collect();
        if active.is_empty() {
            status.as_object_mut().unwrap().remove("active");
        } else {
            status["active"] = json!(active);
        }
        if let Some(sched) = parse(cj["spec"]["schedule"].as_str().unwrap_or("")).filter(|_| cj["spec"]["suspend"] != true) {
            let since = status["lastScheduleTime"].as_str().or(cj["metadata"]["creationTimestamp"].as_str()).and_then(epoch_minutes).unwrap_or(now_min);
            // Look back at most a day: missed runs are not all replayed.
            let due = (since + 1..=now_min).rev().take(1440).find(|m| sched.matches(*m));
            if let Some(m) = due {
                let job_name = format!("{name}-{m}");
                if !jobs.iter().any(|j| meta(j, "namespace") == ns && meta(j, "name") == job_name) {
                    let tmpl = &cj["spec"]["jobTemplate"];
                    let mut md = if tmpl["metadata"].is_object() { tmpl["metadata"].clone() } else { json!({}) };
                    md["name"] = json!(job_name);
                    md["namespace"] = json!(ns);
                    md["ownerReferences"] = owner_ref("CronJob", "batch/v1", &cj);
                    md["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
                        json!(crate::printers::describe::time::format_rfc3339(m * 60, 0));
                    let mut job = json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": md, "spec": tmpl["spec"].clone()});
                    super::defaults::apply(res("batch", "jobs"), &mut job, None);
                    job["metadata"]["generation"] = json!(1);
                    events.add(&cj, ("CronJob", "batch/v1"), "SuccessfulCreate", format!("Created job {job_name}"), "cronjob-controller", None);
                    new_jobs.push(job);
                }
                status["lastScheduleTime"] = json!(crate::printers::describe::time::format_rfc3339(m * 60, 0));
            }
        }
        let mut done: Vec<&&Value> = mine.iter().filter(|j| j["status"]["completionTime"].is_string()).collect();
        done.sort_by_key(|j| meta(j, "creationTimestamp").to_string());
        let keep = cj["spec"]["successfulJobsHistoryLimit"].as_i64().unwrap_or(3).max(0) as usize;
        if done.len() > keep {
            for j in &done[..done.len() - keep] {
                events.add(&cj, ("CronJob", "batch/v1"), "SawCompletedJob", format!("Saw completed job: {}, status: Complete", meta(j, "name")), "cronjob-controller", None);
                old_jobs.push(job_r.key(ns, meta(j, "name")));
            }
        }
        if let Some(last) = done.last() {
            status["lastSuccessfulTime"] = last["status"]["completionTime"].clone();
        }
        if cj["status"] != status {
            let mut n = Value::clone(&cj);
            n["status"] = status;
            updates.push(n);
        }
    }
    write(state, job_r, new_jobs, old_jobs)?;
    write(state, cj_r, updates, vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        // 2026-11-27 (a Friday) 15:30 UTC in minutes since the epoch.
        let fri_1530 = 1_795_793_400 / 60;
        let s = parse("*/15 * * * *").unwrap();
        assert!(s.matches(fri_1530) && !s.matches(fri_1530 + 1));
        let s = parse("30 15 * * fri").unwrap();
        assert!(s.matches(fri_1530) && !s.matches(fri_1530 + 1440));
        let s = parse("0 0 1 1 *").unwrap();
        assert!(!s.matches(fri_1530));
        assert!(parse("@hourly").unwrap().matches(fri_1530 - 30));
        assert!(parse("61 * * * *").is_none() && parse("* * *").is_none());
        // Both day fields restricted: either matches (the 27th, or a Monday).
        assert!(parse("30 15 27 * mon").unwrap().matches(fri_1530));
    }
}

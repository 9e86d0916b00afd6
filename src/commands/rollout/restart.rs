//! `kctl rollout restart`: stamp the pod template with
//! `kubectl.kubernetes.io/restartedAt` so the controller rolls every pod.

use serde_json::{json, Value};

use super::{Found, PrintArgs, Selection, WorkloadKind};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub print: PrintArgs,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-rollout")]
    pub field_manager: String,
}

/// kubectl's ObjectRestarter.
fn restarter(f: &Found) -> Result<Value, String> {
    match f.kind() {
        WorkloadKind::Deployment if f.object["spec"]["paused"].as_bool() == Some(true) => {
            Err("can't restart paused deployment (run rollout resume first)".into())
        }
        WorkloadKind::Other => Err("restarting is not supported".into()),
        _ => Ok(json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": rfc3339_now()}}}}})),
    }
}

/// Go's `time.Now().Format(time.RFC3339)`: local time, seconds, `Z` for UTC.
fn rfc3339_now() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let offset = local_offset(now);
    format_rfc3339(now, offset)
}

fn local_offset(secs: i64) -> i64 {
    let t: libc::time_t = secs as libc::time_t;
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r only writes into the tm it is given.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok {
        tm.tm_gmtoff
    } else {
        0
    }
}

fn format_rfc3339(secs: i64, offset: i64) -> String {
    let local = secs + offset;
    let days = local.div_euclid(86400);
    let rem = local.rem_euclid(86400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let o = offset.abs();
        format!("{sign}{:02}:{:02}", o / 3600, (o % 3600) / 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}", rem / 3600, (rem % 3600) / 60, rem % 60)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    super::run_patcher(&args.selection, &args.print, &args.field_manager, settings, "restarted", restarter)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339() {
        assert_eq!(super::format_rfc3339(1_795_789_682, 0), "2026-11-27T14:28:02Z");
        assert_eq!(super::format_rfc3339(0, 3600), "1970-01-01T01:00:00+01:00");
    }
}

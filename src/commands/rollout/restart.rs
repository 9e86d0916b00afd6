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
    use crate::printers::describe::time;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    time::format_rfc3339(now, time::local_zone(now).0)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    super::run_patcher(&args.selection, &args.print, &args.field_manager, settings, "restarted", restarter)
}

//! `kctl rollout pause`: set a Deployment's spec.paused.

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

/// kubectl's ObjectPauser: Deployments only.
fn pauser(f: &Found) -> Result<Value, String> {
    if f.kind() != WorkloadKind::Deployment {
        return Err("pausing is not supported".into());
    }
    if f.object["spec"]["paused"].as_bool() == Some(true) {
        return Err("is already paused".into());
    }
    Ok(json!({"spec": {"paused": true}}))
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    super::run_patcher(&args.selection, &args.print, &args.field_manager, settings, "paused", pauser)
}

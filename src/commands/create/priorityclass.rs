//! `kctl create priorityclass NAME [--value=N] [--global-default] [--description=TEXT] [--preemption-policy=POLICY]`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create priorityclass";

const PRIORITY_CLASS: Kind = Kind { kind: "PriorityClass", group: "scheduling.k8s.io", version: "v1", resource: "priorityclasses", namespaced: false };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// description is an arbitrary string that usually provides guidelines on when this priority class should be used.
    #[arg(long)]
    pub description: Option<String>,
    /// global-default specifies whether this PriorityClass should be considered as the default priority.
    #[arg(long = "global-default", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub global_default: Option<String>,
    /// preemption-policy is the policy for preempting pods with lower priority.
    #[arg(long = "preemption-policy", default_value = "PreemptLowerPriority")]
    pub preemption_policy: String,
    /// the value of this priority class.
    #[arg(long, allow_hyphen_values = true, value_name = "N")]
    pub value: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let global_default = flags::parse_bool(PATH, "--global-default", args.global_default.as_deref(), false)?;
    let value = match &args.value {
        Some(v) => flags::parse_int(PATH, "--value", v, 32)?,
        None => 0,
    };
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let obj = PRIORITY_CLASS
        .object(metadata(&name, None, None, None))
        .with("value", value)
        .with_if(global_default, "globalDefault", true)
        .with_if(args.description.as_deref().is_some_and(|d| !d.is_empty()), "description", args.description.clone().unwrap_or_default())
        .with("preemptionPolicy", args.preemption_policy.as_str());
    ctx.create(&PRIORITY_CLASS, obj, Wrap::Prefix("failed to create priorityclass: ".into()))
}

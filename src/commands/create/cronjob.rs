//! `kctl create cronjob NAME --image=IMAGE --schedule=SCHEDULE [--restart] [-- COMMAND...]`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create cronjob";

const CRONJOB: Kind = Kind { kind: "CronJob", group: "batch", version: "v1", resource: "cronjobs", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    /// COMMAND [args...]
    #[arg(last = true)]
    pub command: Vec<String>,
    /// Image name to run.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// job's restart policy. supported values: OnFailure, Never
    #[arg(long, value_name = "POLICY")]
    pub restart: Option<String>,
    /// A schedule in the Cron format the job should be run with.
    #[arg(long, value_name = "SCHEDULE")]
    pub schedule: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let mut missing = Vec::new();
    if args.image.is_none() {
        missing.push("image");
    }
    if args.schedule.is_none() {
        missing.push("schedule");
    }
    flags::require(&missing)?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let restart = args.restart.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| "OnFailure".to_string());
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let image = args.image.clone().unwrap_or_default();
    let pod = super::job::pod_template(&name, &image, &args.command, &restart);
    let spec = Node::obj().with("schedule", args.schedule.clone().unwrap_or_default()).with(
        "jobTemplate",
        Node::obj()
            .with("metadata", Node::obj().with("name", name.as_str()).with("creationTimestamp", Node::Null))
            .with("spec", Node::obj().with("template", pod)),
    );
    let obj = CRONJOB.object(metadata(&name, ctx.object_namespace(), None, None)).with("spec", spec).with("status", Node::obj());
    ctx.create(&CRONJOB, obj, Wrap::Prefix("failed to create cronjob: ".into()))
}

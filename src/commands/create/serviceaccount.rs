//! `kctl create serviceaccount NAME`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create serviceaccount";

const SERVICE_ACCOUNT: Kind = Kind { kind: "ServiceAccount", group: "", version: "v1", resource: "serviceaccounts", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    let obj = SERVICE_ACCOUNT.object(metadata(&name, ctx.object_namespace(), None, None));
    ctx.create(&SERVICE_ACCOUNT, obj, Wrap::Prefix("failed to create serviceaccount: ".into()))
}

//! `kctl create namespace NAME`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create namespace";

const NAMESPACE: Kind = Kind { kind: "Namespace", group: "", version: "v1", resource: "namespaces", namespaced: false };

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
    let obj = NAMESPACE.object(metadata(&name, None, None, None)).with("spec", Node::obj()).with("status", Node::obj());
    ctx.create(&NAMESPACE, obj, Wrap::Raw)
}

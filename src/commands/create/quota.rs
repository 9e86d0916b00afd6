//! `kctl create quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2]`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create quota";

const QUOTA: Kind = Kind { kind: "ResourceQuota", group: "", version: "v1", resource: "resourcequotas", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// A comma-delimited set of resource=quantity pairs that define a hard limit.
    #[arg(long)]
    pub hard: Option<String>,
    /// A comma-delimited set of quota scopes that must all match each object tracked by the quota.
    #[arg(long)]
    pub scopes: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

const QUANTITY_FORMAT: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let mut hard: Vec<(String, Node)> = Vec::new();
    for pair in args.hard.as_deref().unwrap_or("").split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(CliError::msg(format!("Invalid argument syntax {pair}, expected <resource>=<value>")));
        };
        let q = crate::quantity::Quantity::parse(v).ok_or_else(|| CliError::msg(QUANTITY_FORMAT))?;
        hard.retain(|(name, _)| name != k);
        hard.push((k.to_string(), Node::from(q.go_string())));
    }
    let mut scopes = Vec::new();
    if let Some(s) = args.scopes.as_deref().filter(|s| !s.is_empty()) {
        for scope in s.split(',') {
            if scope.is_empty() {
                return Err(CliError::msg("invalid resource quota scope \"\""));
            }
            scopes.push(scope.to_string());
        }
    }
    let spec = Node::obj().with_if(!hard.is_empty(), "hard", Node::sorted_map(hard)).with_if(!scopes.is_empty(), "scopes", Node::strings(&scopes));
    let obj = QUOTA.object(metadata(&name, ctx.object_namespace(), None, None)).with("spec", spec).with("status", Node::obj());
    ctx.create(&QUOTA, obj, Wrap::Prefix("failed to create quota: ".into()))
}

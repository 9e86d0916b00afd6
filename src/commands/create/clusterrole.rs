//! `kctl create clusterrole NAME --verb=... (--resource=... | --non-resource-url=...)`
//! or `--aggregation-rule=key=value,...`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use super::role::{self, Mapper, VALID_RESOURCE_VERBS};
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create clusterrole";

const CLUSTER_ROLE: Kind = Kind { kind: "ClusterRole", group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", namespaced: false };

const VALID_NON_RESOURCE_VERBS: &[&str] = &["*", "get", "post", "put", "delete", "patch", "head", "options"];

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// An aggregation label selector for combining ClusterRoles.
    #[arg(long = "aggregation-rule", value_name = "KEY=VALUE")]
    pub aggregation_rule: Vec<String>,
    /// A partial url that user should have access to.
    #[arg(long = "non-resource-url", value_name = "URL")]
    pub non_resource_url: Vec<String>,
    /// Resource that the rule applies to
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Vec<String>,
    /// Resource in the white list that the rule applies to, repeat this flag for multiple items
    #[arg(long = "resource-name", value_name = "NAME")]
    pub resource_name: Vec<String>,
    /// Verb that applies to the resources contained in the rule
    #[arg(long, value_name = "VERB")]
    pub verb: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let aggregation = flags::string_map(PATH, "--aggregation-rule", &args.aggregation_rule)?;
    let urls = role::dedupe(&flags::string_slice(PATH, "--non-resource-url", &args.non_resource_url)?);
    let verbs = role::dedupe_verbs(flags::string_slice(PATH, "--verb", &args.verb)?);
    let resources = role::parse_resources(&flags::string_slice(PATH, "--resource", &args.resource)?);
    let names = role::dedupe(&args.resource_name);
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    let mut mapper = Mapper::new(&ctx);
    let obj = if !aggregation.is_empty() {
        if !urls.is_empty() || !verbs.is_empty() || !resources.is_empty() || !names.is_empty() {
            return Err(CliError::msg("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames"));
        }
        let selector = Node::obj().with("matchLabels", Node::string_map(aggregation.iter().map(|(k, v)| (k, v))));
        CLUSTER_ROLE
            .object(metadata(&name, None, None, None))
            .with("rules", Node::Null)
            .with("aggregationRule", Node::obj().with("clusterRoleSelectors", Node::Arr(vec![selector])))
    } else {
        if verbs.is_empty() {
            return Err(CliError::msg("at least one verb must be specified"));
        }
        if resources.is_empty() && urls.is_empty() {
            return Err(CliError::msg("one of resource or nonResourceURL must be specified"));
        }
        if !resources.is_empty() {
            for v in &verbs {
                if !VALID_RESOURCE_VERBS.contains(&v.as_str()) {
                    eprintln!("Warning: '{v}' is not a standard resource verb");
                }
            }
            role::validate_resources(&mut mapper, &verbs, &resources)?;
        }
        if !urls.is_empty() {
            for v in &verbs {
                if !VALID_NON_RESOURCE_VERBS.contains(&v.as_str()) {
                    return Err(CliError::msg(format!("invalid verb: '{v}' for nonResourceURL")));
                }
            }
            for u in &urls {
                if u == "*" {
                    continue;
                }
                if !u.starts_with('/') {
                    return Err(CliError::msg("nonResourceURL should start with /"));
                }
                if u[..u.len() - u.chars().last().map_or(0, char::len_utf8)].contains('*') {
                    return Err(CliError::msg("nonResourceURL only supports wildcard matches when '*' is at the end"));
                }
            }
        }
        let rules = role::policy_rules(&mut mapper, &verbs, &resources, &names, &urls)?;
        CLUSTER_ROLE.object(metadata(&name, None, None, None)).with("rules", Node::Arr(rules))
    };
    ctx.create(&CLUSTER_ROLE, obj, Wrap::Raw)
}

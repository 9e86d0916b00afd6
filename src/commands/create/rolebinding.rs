//! `kctl create rolebinding NAME --clusterrole=NAME|--role=NAME ...` and
//! `kctl create clusterrolebinding NAME --clusterrole=NAME ...`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const RBAC: &str = "rbac.authorization.k8s.io";

const ROLE_BINDING: Kind = Kind { kind: "RoleBinding", group: RBAC, version: "v1", resource: "rolebindings", namespaced: true };
const CLUSTER_ROLE_BINDING: Kind =
    Kind { kind: "ClusterRoleBinding", group: RBAC, version: "v1", resource: "clusterrolebindings", namespaced: false };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// ClusterRole this RoleBinding should reference
    #[arg(long, value_name = "NAME")]
    pub clusterrole: Option<String>,
    /// Groups to bind to the role
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,
    /// Role this RoleBinding should reference
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,
    /// Service accounts to bind to the role, in the format <namespace>:<name>
    #[arg(long, value_name = "NAMESPACE:NAME")]
    pub serviceaccount: Vec<String>,
    /// Usernames to bind to the role
    #[arg(long, value_name = "USER")]
    pub user: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct ClusterArgs {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// ClusterRole this ClusterRoleBinding should reference
    #[arg(long, value_name = "NAME")]
    pub clusterrole: Option<String>,
    /// Groups to bind to the clusterrole. The flag can be repeated to add multiple groups.
    #[arg(long, value_name = "GROUP")]
    pub group: Vec<String>,
    /// Service accounts to bind to the clusterrole, in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.
    #[arg(long, value_name = "NAMESPACE:NAME")]
    pub serviceaccount: Vec<String>,
    /// Usernames to bind to the clusterrole. The flag can be repeated to add multiple users.
    #[arg(long, value_name = "USER")]
    pub user: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Users, then groups, then service accounts, as kubectl appends them.
fn subjects(users: &[String], groups: &[String], sas: &[String]) -> Result<Vec<Node>, CliError> {
    let mut out = Vec::new();
    for u in users {
        out.push(Node::obj().with("kind", "User").with("apiGroup", RBAC).with("name", u.as_str()));
    }
    for g in groups {
        out.push(Node::obj().with("kind", "Group").with("apiGroup", RBAC).with("name", g.as_str()));
    }
    for sa in sas {
        let tokens: Vec<&str> = sa.split(':').collect();
        if tokens.len() != 2 || tokens[0].is_empty() || tokens[1].is_empty() {
            return Err(CliError::msg("serviceaccount must be <namespace>:<name>"));
        }
        out.push(Node::obj().with("kind", "ServiceAccount").with("name", tokens[1]).with("namespace", tokens[0]));
    }
    Ok(out)
}

/// `--user` here is the binding's subject: kubectl's local flag shadows the
/// global `--user` (clap hands the value to both), so the kubeconfig user
/// is never overridden by it.
fn without_global_user(settings: &Settings) -> Result<Option<Settings>, CliError> {
    if settings.global.user.is_none() {
        return Ok(None);
    }
    let mut global = settings.global.clone();
    global.user = None;
    Settings::resolve(global).map(Some)
}

fn role_ref(kind: &str, name: &str) -> Node {
    Node::obj().with("apiGroup", RBAC).with("kind", kind).with("name", name)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    const PATH: &str = "create rolebinding";
    let own = without_global_user(settings)?;
    let settings = own.as_ref().unwrap_or(settings);
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let role = args.role.clone().unwrap_or_default();
    let cluster_role = args.clusterrole.clone().unwrap_or_default();
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    if role.is_empty() == cluster_role.is_empty() {
        return Err(CliError::msg("exactly one of clusterrole or role must be specified"));
    }
    let reference = if !role.is_empty() { role_ref("Role", &role) } else { role_ref("ClusterRole", &cluster_role) };
    let subjects = subjects(&args.user, &args.group, &args.serviceaccount)?;
    let obj = ROLE_BINDING
        .object(metadata(&name, ctx.object_namespace(), None, None))
        .with_if(!subjects.is_empty(), "subjects", Node::Arr(subjects))
        .with("roleRef", reference);
    ctx.create(&ROLE_BINDING, obj, Wrap::Prefix("failed to create rolebinding: ".into()))
}

pub fn run_cluster(args: ClusterArgs, settings: &Settings) -> Result<(), CliError> {
    const PATH: &str = "create clusterrolebinding";
    let own = without_global_user(settings)?;
    let settings = own.as_ref().unwrap_or(settings);
    flags::require(if args.clusterrole.is_none() { &["clusterrole"] } else { &[] })?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let subjects = subjects(&args.user, &args.group, &args.serviceaccount)?;
    let obj = CLUSTER_ROLE_BINDING
        .object(metadata(&name, None, None, None))
        .with_if(!subjects.is_empty(), "subjects", Node::Arr(subjects))
        .with("roleRef", role_ref("ClusterRole", args.clusterrole.as_deref().unwrap_or("")));
    ctx.create(&CLUSTER_ROLE_BINDING, obj, Wrap::Prefix("failed to create clusterrolebinding: ".into()))
}

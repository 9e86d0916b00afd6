//! `kctl create`: the generators (`create configmap`, `create deployment`,
//! ...), one file each. Each builds the typed object kubectl builds, then
//! prints it (`--dry-run=client`) or POSTs it and prints the server's answer.

mod clusterrole;
pub(crate) mod common;
mod from_file;
mod configmap;
mod cronjob;
pub mod deployment;
pub(crate) mod flags;
mod ingress;
mod job;
mod namespace;
mod pdb;
mod priorityclass;
mod quota;
pub(crate) mod node;
mod role;
mod rolebinding;
mod secret;
mod service;
mod serviceaccount;
pub mod sources;
mod tls;

use clap::Subcommand;

use crate::error::CliError;
use crate::settings::Settings;

pub use common::Common;

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Generator>,
    /// Unexpected arguments (kubectl rejects them).
    #[arg(hide = true)]
    pub args: Vec<String>,
    /// Edit the API resource before creating
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub edit: Option<String>,
    /// Filename, directory, or URL to files to use to create the resource
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long, value_name = "DIR")]
    pub kustomize: Option<String>,
    /// Raw URI to POST to the server.  Uses the transport specified by the kubeconfig file.
    #[arg(long, value_name = "URI")]
    pub raw: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: Option<String>,
    /// Selector (label query) to filter on, supports '=', '==', and '!='.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Only relevant if --edit=true. Defaults to the line ending native to your platform.
    #[arg(long = "windows-line-endings", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub windows_line_endings: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Subcommand)]
pub enum Generator {
    /// Create a cluster role
    Clusterrole(clusterrole::Args),
    /// Create a cluster role binding for a particular cluster role
    Clusterrolebinding(rolebinding::ClusterArgs),
    /// Create a config map from a local file, directory or literal value
    #[command(visible_alias = "cm")]
    Configmap(configmap::Args),
    /// Create a cron job with the specified name
    #[command(visible_alias = "cj")]
    Cronjob(cronjob::Args),
    /// Create a deployment with the specified name
    #[command(visible_alias = "deploy")]
    Deployment(deployment::Args),
    /// Create an ingress with the specified name
    #[command(visible_alias = "ing")]
    Ingress(ingress::Args),
    /// Create a job with the specified name
    Job(job::Args),
    /// Create a namespace with the specified name
    #[command(visible_alias = "ns")]
    Namespace(namespace::Args),
    /// Create a pod disruption budget with the specified name
    #[command(visible_alias = "pdb")]
    Poddisruptionbudget(pdb::Args),
    /// Create a priority class with the specified name
    #[command(visible_alias = "pc")]
    Priorityclass(priorityclass::Args),
    /// Create a quota with the specified name
    #[command(visible_alias = "resourcequota")]
    Quota(quota::Args),
    /// Create a role with single rule
    Role(role::Args),
    /// Create a role binding for a particular role or cluster role
    Rolebinding(rolebinding::Args),
    /// Create a secret using a specified subcommand
    Secret(secret::Args),
    /// Create a service using a specified subcommand
    #[command(visible_alias = "svc")]
    Service(service::Args),
    /// Create a service account with the specified name
    #[command(visible_alias = "sa")]
    Serviceaccount(serviceaccount::Args),
}

pub fn run(mut args: Args, settings: &Settings) -> Result<(), CliError> {
    let Some(mut generator) = args.command.take() else {
        return run_bare(&args, settings);
    };
    let parent = args.common.clone();
    let common = match &mut generator {
        Generator::Clusterrole(a) => &mut a.common,
        Generator::Clusterrolebinding(a) => &mut a.common,
        Generator::Configmap(a) => &mut a.common,
        Generator::Cronjob(a) => &mut a.common,
        Generator::Deployment(a) => &mut a.common,
        Generator::Ingress(a) => &mut a.common,
        Generator::Job(a) => &mut a.common,
        Generator::Namespace(a) => &mut a.common,
        Generator::Poddisruptionbudget(a) => &mut a.common,
        Generator::Priorityclass(a) => &mut a.common,
        Generator::Quota(a) => &mut a.common,
        Generator::Role(a) => &mut a.common,
        Generator::Rolebinding(a) => &mut a.common,
        Generator::Secret(a) => &mut a.common,
        Generator::Service(a) => &mut a.common,
        Generator::Serviceaccount(a) => &mut a.common,
    };
    common.inherit(&parent);
    match generator {
        Generator::Clusterrole(a) => clusterrole::run(a, settings),
        Generator::Clusterrolebinding(a) => rolebinding::run_cluster(a, settings),
        Generator::Configmap(a) => configmap::run(a, settings),
        Generator::Cronjob(a) => cronjob::run(a, settings),
        Generator::Deployment(a) => deployment::run(a, settings),
        Generator::Ingress(a) => ingress::run(a, settings),
        Generator::Job(a) => job::run(a, settings),
        Generator::Namespace(a) => namespace::run(a, settings),
        Generator::Poddisruptionbudget(a) => pdb::run(a, settings),
        Generator::Priorityclass(a) => priorityclass::run(a, settings),
        Generator::Quota(a) => quota::run(a, settings),
        Generator::Role(a) => role::run(a, settings),
        Generator::Rolebinding(a) => rolebinding::run(a, settings),
        Generator::Secret(a) => secret::run(a, settings),
        Generator::Service(a) => service::run(a, settings),
        Generator::Serviceaccount(a) => serviceaccount::run(a, settings),
    }
}

/// `create` without a generator: only `-f`/`-k` make sense (the manifest
/// reader handles those).
fn run_bare(args: &Args, settings: &Settings) -> Result<(), CliError> {
    flags::parse_bool("create", "--edit", args.edit.as_deref(), false)?;
    flags::parse_bool("create", "-R, --recursive", args.recursive.as_deref(), false)?;
    flags::parse_bool("create", "--windows-line-endings", args.windows_line_endings.as_deref(), false)?;
    if !args.args.is_empty() {
        return Err(flags::usage("create", format!("Unexpected args: [{}]", args.args.join(" "))));
    }
    let ctx = common::Ctx::complete(settings, "create", &args.common)?;
    if args.filename.is_empty() && args.kustomize.is_none() {
        return Err(CliError::msg("must specify one of -f and -k"));
    }
    let recursive = flags::parse_bool("create", "-R, --recursive", args.recursive.as_deref(), false)?;
    let filenames = crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), recursive)?;
    from_file::run(&ctx, &filenames, recursive)
}

/// `kctl create secret` / `kctl create service` without a known subcommand:
/// cobra prints the help on stderr (exit 1), or names the unknown command.
pub(crate) fn group_usage(path: &str, args: &[String]) -> CliError {
    use clap::CommandFactory;
    if !args.is_empty() {
        return flags::usage(path, format!("unknown command {}", sources::quote(&args.join(" "))));
    }
    let mut cmd = crate::cli::Cli::command();
    cmd.build();
    let mut sub = &mut cmd;
    for word in path.split(' ') {
        sub = sub.find_subcommand_mut(word).expect("known command path");
    }
    let help = sub.render_help().to_string();
    eprint!("{help}");
    CliError::Exit(1)
}

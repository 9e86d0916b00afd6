//! One file per command, each with a clap `Args` struct and a `run` function.

pub mod api_resources;
pub mod apply;
pub mod auth;
pub mod autoscale;
pub mod certificate;
pub mod api_versions;
pub mod cluster_info;
pub mod completion;
pub mod config;
pub mod cordon;
pub mod debug;
pub mod create;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod events;
pub mod explain;
pub mod expose;
pub mod failures;
pub mod get;
pub mod kustomize;
pub mod label;
pub mod local;
pub mod logs;
pub mod manifests;
pub mod patch;
pub mod print_flags;
pub mod proxy;
pub mod scale;
pub mod set;
pub mod plugin;
pub mod plugin_list;
pub mod ctx;
pub mod ns;
pub mod switch_state;
pub mod view_secret;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod overrides;
pub mod taint;
pub mod targets;
pub mod top;
pub mod version;
pub mod wait;
pub mod watch_stream;
pub mod attach;
pub mod cp;
pub mod exec;
pub mod port_forward;
pub mod remote;
pub mod term;

use crate::cli::Command;
use crate::error::CliError;
use crate::settings::Settings;

pub fn dispatch(command: Command, settings: &Settings) -> Result<(), CliError> {
    match command {
        Command::Get(args) => get::run(args, settings),
        Command::Apply(args) => apply::run(args, settings),
        Command::Delete(args) => delete::run(args, settings),
        Command::Describe(args) => describe::run(args, settings),
        Command::Diff(args) => diff::run(args, settings),
        Command::Edit(args) => edit::run(args, settings),
        Command::Create(args) => create::run(args, settings),
        Command::Expose(args) => expose::run(args, settings),
        Command::Run(args) => run::run(args, settings),
        Command::Label(args) => label::run_label(args, settings),
        Command::Annotate(args) => label::run_annotate(args, settings),
        Command::Patch(args) => patch::run(args, settings),
        Command::Logs(args) => logs::run(args, settings),
        Command::Replace(args) => replace::run(args, settings),
        Command::Scale(args) => scale::run(args, settings),
        Command::Autoscale(args) => autoscale::run(args, settings),
        Command::Events(args) => events::run(args, settings),
        Command::Wait(args) => wait::run(args, settings),
        Command::Rollout(args) => rollout::run(args, settings),
        Command::Set(args) => set::run(args, settings),
        Command::Version(args) => version::run(args, settings),
        Command::Exec(args) => exec::run(args, settings),
        Command::Attach(args) => attach::run(args, settings),
        Command::PortForward(args) => port_forward::run(args, settings),
        Command::Cp(args) => cp::run(args, settings),
        Command::Proxy(args) => proxy::run(args, settings),
        Command::Auth(args) => auth::run(args, settings),
        Command::Debug(args) => debug::run(args, settings),
        Command::Kustomize(args) => kustomize::run(args, settings),
        Command::Certificate(args) => certificate::run(args, settings),
        Command::Top(args) => top::run(args, settings),
        Command::ApiResources(args) => api_resources::run(args, settings),
        Command::ApiVersions(args) => api_versions::run(args, settings),
        Command::Explain(args) => explain::run(args, settings),
        Command::ClusterInfo(args) => cluster_info::run(args, settings),
        Command::Cordon(args) => cordon::run_cordon(args, settings),
        Command::Uncordon(args) => cordon::run_uncordon(args, settings),
        Command::Drain(args) => drain::run(args, settings),
        Command::Taint(args) => taint::run(args, settings),
        Command::Config(args) => config::run(args, settings),
        Command::Plugin(args) => plugin_list::run(args, settings),
        Command::Ctx(args) => ctx::run(args, settings),
        Command::Ns(args) => ns::run(args, settings),
        Command::ViewSecret(args) => view_secret::run(args, settings),
        Command::Completion(args) => completion::run(args, settings),
        Command::Local(args) => local::run(args, settings),
        Command::External(argv) => plugin::run_external(argv, settings),
    }
}

/// `--dry-run` as the writers (apply, delete, label, patch, scale) accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// A bare `--dry-run` arrives as "unchanged" and means client, as in kubectl.
    pub fn parse(value: &str) -> Result<DryRun, CliError> {
        match value {
            "none" | "false" => Ok(DryRun::None),
            "client" | "true" | "unchanged" => Ok(DryRun::Client),
            "server" => Ok(DryRun::Server),
            other => Err(CliError::msg(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))),
        }
    }

    /// The marker kubectl appends to each result line.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// A current-thread runtime: kctl's concurrency is I/O, not CPU.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

//! `kctl config`: view and modify kubeconfig files (kubectl v1.32's `config` commands).
//!
//! Flags that kubectl defines on a subcommand with the same name as a global flag
//! (`--cluster`, `--user`, `--namespace`, `--server`, `--token`, ...) are read from
//! the global flags, which clap has already parsed.
//!
//! Help is kubectl's text (with the program name), printed by our own `-h/--help`.

use clap::Subcommand;

use crate::error::CliError;
use crate::kubeconfig::write::ConfigAccess;
use crate::settings::Settings;

mod delete;
mod get;
mod rename_context;
mod set;
mod set_cluster;
mod set_context;
mod set_credentials;
mod use_context;
mod view;

#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true, disable_help_subcommand = true)]
pub struct Args {
    #[arg(short = 'h', long = "help", action = clap::ArgAction::SetTrue, hide = true)]
    pub help: bool,
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,
}

/// Positional arguments and kubectl's `-h/--help`, shared by every subcommand.
#[derive(Debug, clap::Args)]
pub struct Common {
    #[arg(short = 'h', long = "help", action = clap::ArgAction::SetTrue, hide = true)]
    pub help: bool,
    #[arg(value_name = "ARGS", num_args = 0.., hide = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Display the current-context
    #[command(name = "current-context", disable_help_flag = true)]
    CurrentContext(Common0),
    /// Delete the specified cluster from the kubeconfig
    #[command(name = "delete-cluster", disable_help_flag = true)]
    DeleteCluster(Common0),
    /// Delete the specified context from the kubeconfig
    #[command(name = "delete-context", disable_help_flag = true)]
    DeleteContext(Common0),
    /// Delete the specified user from the kubeconfig
    #[command(name = "delete-user", disable_help_flag = true)]
    DeleteUser(Common0),
    /// Display clusters defined in the kubeconfig
    #[command(name = "get-clusters", disable_help_flag = true)]
    GetClusters(Common0),
    /// Describe one or many contexts
    #[command(name = "get-contexts", disable_help_flag = true)]
    GetContexts(get::GetContextsArgs),
    /// Display users defined in the kubeconfig
    #[command(name = "get-users", disable_help_flag = true)]
    GetUsers(Common0),
    /// Rename a context from the kubeconfig file
    #[command(name = "rename-context", disable_help_flag = true)]
    RenameContext(Common0),
    /// Set an individual value in a kubeconfig file
    #[command(name = "set", disable_help_flag = true)]
    Set(set::SetArgs),
    /// Set a cluster entry in kubeconfig
    #[command(name = "set-cluster", disable_help_flag = true)]
    SetCluster(set_cluster::SetClusterArgs),
    /// Set a context entry in kubeconfig
    #[command(name = "set-context", disable_help_flag = true)]
    SetContext(set_context::SetContextArgs),
    /// Set a user entry in kubeconfig
    #[command(name = "set-credentials", disable_help_flag = true)]
    SetCredentials(set_credentials::SetCredentialsArgs),
    /// Unset an individual value in a kubeconfig file
    #[command(name = "unset", disable_help_flag = true)]
    Unset(Common0),
    /// Set the current-context in a kubeconfig file
    #[command(name = "use-context", alias = "use", disable_help_flag = true)]
    UseContext(Common0),
    /// Display merged kubeconfig settings or a specified kubeconfig file
    #[command(name = "view", disable_help_flag = true)]
    View(view::ViewArgs),
    #[command(external_subcommand)]
    Other(Vec<String>),
}

/// A subcommand without flags of its own.
#[derive(Debug, clap::Args)]
pub struct Common0 {
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let access = ConfigAccess::new(settings.global.kubeconfig.clone());
    let Some(cmd) = args.command else {
        if args.help {
            print_help("config");
            return Ok(());
        }
        // kubectl prints the group's help on stderr and fails.
        eprint!("{}", help_text("config"));
        return Err(CliError::Exit(1));
    };
    let (name, help) = match &cmd {
        ConfigCommand::CurrentContext(a) => ("current-context", a.common.help),
        ConfigCommand::DeleteCluster(a) => ("delete-cluster", a.common.help),
        ConfigCommand::DeleteContext(a) => ("delete-context", a.common.help),
        ConfigCommand::DeleteUser(a) => ("delete-user", a.common.help),
        ConfigCommand::GetClusters(a) => ("get-clusters", a.common.help),
        ConfigCommand::GetContexts(a) => ("get-contexts", a.common.help),
        ConfigCommand::GetUsers(a) => ("get-users", a.common.help),
        ConfigCommand::RenameContext(a) => ("rename-context", a.common.help),
        ConfigCommand::Set(a) => ("set", a.common.help),
        ConfigCommand::SetCluster(a) => ("set-cluster", a.common.help),
        ConfigCommand::SetContext(a) => ("set-context", a.common.help),
        ConfigCommand::SetCredentials(a) => ("set-credentials", a.common.help),
        ConfigCommand::Unset(a) => ("unset", a.common.help),
        ConfigCommand::UseContext(a) => ("use-context", a.common.help),
        ConfigCommand::View(a) => ("view", a.common.help),
        ConfigCommand::Other(argv) => {
            let sub = argv.first().cloned().unwrap_or_default();
            if args.help {
                print_help("config");
                return Ok(());
            }
            return Err(CliError::msg(format!("unknown command \"{sub}\"\nSee 'kctl config -h' for help and examples")));
        }
    };
    if help || args.help {
        print_help(name);
        return Ok(());
    }
    match cmd {
        ConfigCommand::CurrentContext(_) => get::current_context(&access),
        ConfigCommand::DeleteCluster(a) => delete::delete_cluster(&access, &a.common.args),
        ConfigCommand::DeleteContext(a) => delete::delete_context(&access, &a.common.args),
        ConfigCommand::DeleteUser(a) => delete::delete_user(&access, &a.common.args),
        ConfigCommand::GetClusters(_) => get::get_clusters(&access),
        ConfigCommand::GetContexts(a) => get::get_contexts(&access, a),
        ConfigCommand::GetUsers(_) => get::get_users(&access),
        ConfigCommand::RenameContext(a) => rename_context::run(&access, &a.common.args),
        ConfigCommand::Set(a) => set::run_set(&access, a),
        ConfigCommand::SetCluster(a) => set_cluster::run(&access, a, settings),
        ConfigCommand::SetContext(a) => set_context::run(&access, a, settings),
        ConfigCommand::SetCredentials(a) => set_credentials::run(&access, a, settings),
        ConfigCommand::Unset(a) => set::run_unset(&access, &a.common.args),
        ConfigCommand::UseContext(a) => use_context::run(&access, &a.common.args),
        ConfigCommand::View(a) => view::run(&access, a, settings),
        ConfigCommand::Other(_) => unreachable!(),
    }
}

// --- shared helpers --------------------------------------------------------

/// kubectl's help text for `config` or one of its subcommands, naming this program.
pub fn help_text(name: &str) -> String {
    let text = match name {
        "config" => include_str!("help/config.txt"),
        "current-context" => include_str!("help/current-context.txt"),
        "delete-cluster" => include_str!("help/delete-cluster.txt"),
        "delete-context" => include_str!("help/delete-context.txt"),
        "delete-user" => include_str!("help/delete-user.txt"),
        "get-clusters" => include_str!("help/get-clusters.txt"),
        "get-contexts" => include_str!("help/get-contexts.txt"),
        "get-users" => include_str!("help/get-users.txt"),
        "rename-context" => include_str!("help/rename-context.txt"),
        "set" => include_str!("help/set.txt"),
        "set-cluster" => include_str!("help/set-cluster.txt"),
        "set-context" => include_str!("help/set-context.txt"),
        "set-credentials" => include_str!("help/set-credentials.txt"),
        "unset" => include_str!("help/unset.txt"),
        "use-context" => include_str!("help/use-context.txt"),
        "view" => include_str!("help/view.txt"),
        _ => "",
    };
    text.replace("kubectl config", "kctl config").replace("kubectl options", "kctl options")
}

pub fn print_help(name: &str) {
    crate::output::print(&help_text(name));
}

/// cobra's `helpErrorf`: the help on stdout, then the error.
pub fn help_error(name: &str, msg: String) -> CliError {
    print_help(name);
    CliError::Message(msg)
}

/// `%v` of a `[]string`.
pub fn go_list(args: &[String]) -> String {
    format!("[{}]", args.join(" "))
}

pub use crate::gostr::quote as go_quote;


/// `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A pflag boolean (`--flag`, `--flag=false`): `None` when not given.
pub fn bool_flag(v: &Option<String>, flag: &str, cmd: &str) -> Result<Option<bool>, CliError> {
    match v {
        None => Ok(None),
        Some(s) => match parse_go_bool(s) {
            Some(b) => Ok(Some(b)),
            None => Err(CliError::Raw(format!(
                "Error: invalid argument \"{s}\" for \"--{flag}\" flag: strconv.ParseBool: parsing {}: invalid syntax\nSee 'kctl config {cmd} --help' for usage.\n",
                go_quote(s)
            ))),
        },
    }
}

/// pflag's `StringSlice`: every occurrence split on commas.
pub fn string_slice(values: &[String]) -> Vec<String> {
    values.iter().filter(|v| !v.is_empty()).flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>()).collect()
}

/// `filepath.Abs` (an empty path is the working directory).
pub fn abs_path(p: &str) -> String {
    crate::kubeconfig::load::abs(std::path::Path::new(p)).to_string_lossy().into_owned()
}

/// The file named in messages: the explicit file, else the default file.
pub fn config_file_name(access: &ConfigAccess) -> String {
    match access.explicit_file() {
        Some(p) => p.display().to_string(),
        None => access.default_filename().display().to_string(),
    }
}

/// Aggregated errors as kubectl prints them: one as `error: msg`, several line by line.
pub fn aggregate(errs: Vec<String>) -> Result<(), CliError> {
    match errs.len() {
        0 => Ok(()),
        1 => Err(CliError::Message(errs.into_iter().next().unwrap())),
        _ => Err(CliError::Raw(errs.join("\n") + "\n")),
    }
}

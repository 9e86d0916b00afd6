//! The clap definition: the one source for parsing, help, completions and man pages.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "kctl",
    about = "kctl controls the Kubernetes cluster manager.",
    long_about = "kctl controls the Kubernetes cluster manager.\n\nA fast, kubectl-compatible client: the same commands, flags, kubeconfig rules, output and exit codes.",
    version = env!("CARGO_PKG_VERSION"),
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_required = true,
    arg_required_else_help = true,
    allow_external_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// kubectl's global flags. They are accepted before or after the subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file to use for CLI requests.
    #[arg(long, global = true, value_name = "PATH", help_heading = "Global options")]
    pub kubeconfig: Option<PathBuf>,

    /// The name of the kubeconfig context to use
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub context: Option<String>,

    /// The name of the kubeconfig cluster to use
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub cluster: Option<String>,

    /// The name of the kubeconfig user to use
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub user: Option<String>,

    /// If present, the namespace scope for this CLI request
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE", help_heading = "Global options")]
    pub namespace: Option<String>,

    /// The address and port of the Kubernetes API server
    #[arg(short = 's', long, global = true, value_name = "URL", help_heading = "Global options")]
    pub server: Option<String>,

    /// Bearer token for authentication to the API server
    #[arg(long, global = true, value_name = "TOKEN", help_heading = "Global options")]
    pub token: Option<String>,

    /// Username for basic authentication to the API server
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub username: Option<String>,

    /// Password for basic authentication to the API server
    #[arg(long, global = true, value_name = "PASSWORD", help_heading = "Global options")]
    pub password: Option<String>,

    /// Username to impersonate for the operation. User could be a regular user or a service account in a namespace.
    #[arg(long = "as", global = true, value_name = "USER", help_heading = "Global options")]
    pub as_user: Option<String>,

    /// Group to impersonate for the operation, this flag can be repeated to specify multiple groups.
    #[arg(long = "as-group", global = true, value_name = "GROUP", help_heading = "Global options")]
    pub as_group: Vec<String>,

    /// UID to impersonate for the operation.
    #[arg(long = "as-uid", global = true, value_name = "UID", help_heading = "Global options")]
    pub as_uid: Option<String>,

    /// Path to a cert file for the certificate authority
    #[arg(long, global = true, value_name = "PATH", help_heading = "Global options")]
    pub certificate_authority: Option<PathBuf>,

    /// Path to a client certificate file for TLS
    #[arg(long, global = true, value_name = "PATH", help_heading = "Global options")]
    pub client_certificate: Option<PathBuf>,

    /// Path to a client key file for TLS
    #[arg(long, global = true, value_name = "PATH", help_heading = "Global options")]
    pub client_key: Option<PathBuf>,

    /// If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL", help_heading = "Global options")]
    pub insecure_skip_tls_verify: Option<bool>,

    /// Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub tls_server_name: Option<String>,

    /// The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.
    #[arg(long, global = true, default_value = "0", value_name = "DURATION", help_heading = "Global options")]
    pub request_timeout: String,

    /// Colour output for people (kctl only): auto (a terminal without NO_COLOR), always, or never.
    #[arg(long, global = true, default_value = "auto", value_name = "WHEN", help_heading = "Global options")]
    pub color: String,

    /// number for the log level verbosity
    #[arg(short = 'v', long = "v", global = true, default_value_t = 0, value_name = "LEVEL", help_heading = "Global options")]
    pub verbosity: u8,

    /// Default cache directory
    #[arg(long, global = true, value_name = "DIR", help_heading = "Global options")]
    pub cache_dir: Option<PathBuf>,

    /// Require server version to match client version
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL", help_heading = "Global options")]
    pub match_server_version: Option<bool>,

    /// If true, opt-out of response compression for all requests to the server
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL", help_heading = "Global options")]
    pub disable_compression: Option<bool>,

    /// Treat warnings received from the server as errors and exit with a non-zero exit code
    #[arg(long, global = true, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL", help_heading = "Global options")]
    pub warnings_as_errors: Option<bool>,
}

/// The full definition, with examples: what parsing, `--help` and the man pages use.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    crate::examples::attach(Cli::command())
}

// Each subcommand's arguments are built only when it is the one invoked: the
// whole tree costs most of kctl's start-up time otherwise.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Display one or many resources
    Get(commands::get::Args),
    /// Get documentation for a resource
    Explain(commands::explain::Args),
    /// Apply a configuration to a resource by file name or stdin
    Apply(commands::apply::Args),
    /// Diff the live version against a would-be applied version
    Diff(commands::diff::Args),
    /// Delete resources by file names, stdin, resources and names, or by resources and label selector
    Delete(commands::delete::Args),
    /// Show details of a specific resource or group of resources
    Describe(commands::describe::Args),
    /// Create a resource from a file or from stdin
    Create(commands::create::Args),
    /// Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
    Expose(commands::expose::Args),
    /// Run a particular image on the cluster
    Run(commands::run::Args),
    /// Update the labels on a resource
    Label(commands::label::Args),
    /// Update the annotations on a resource
    Annotate(commands::label::Args),
    /// Edit a resource on the server
    Edit(commands::edit::Args),
    /// Update fields of a resource
    Patch(commands::patch::Args),
    /// Print the logs for a container in a pod
    Logs(commands::logs::Args),
    /// Replace a resource by file name or stdin
    Replace(commands::replace::Args),
    /// Set a new size for a deployment, replica set, replication controller, or stateful set
    Scale(commands::scale::Args),
    /// Auto-scale a deployment, replica set, stateful set, or replication controller
    Autoscale(commands::autoscale::Args),
    /// List events
    Events(commands::events::Args),
    /// Experimental: Wait for a specific condition on one or many resources
    Wait(commands::wait::Args),
    /// Manage the rollout of a resource
    Rollout(commands::rollout::Args),
    /// Set specific features on objects
    Set(commands::set::Args),
    /// Execute a command in a container
    Exec(commands::exec::Args),
    /// Attach to a running container
    Attach(commands::attach::Args),
    /// Forward one or more local ports to a pod
    #[command(name = "port-forward")]
    PortForward(commands::port_forward::Args),
    /// Copy files and directories to and from containers
    Cp(commands::cp::Args),
    /// Display resource (CPU/memory) usage
    Top(commands::top::Args),
    /// Modify certificate resources
    Certificate(commands::certificate::Args),
    /// Run a proxy to the Kubernetes API server
    Proxy(commands::proxy::Args),
    /// Inspect authorization
    Auth(commands::auth::Args),
    /// Create debugging sessions for troubleshooting workloads and nodes
    Debug(commands::debug::Args),
    /// Build a kustomization target from a directory or URL
    Kustomize(commands::kustomize::Args),
    /// Print the client and server version information
    Version(commands::version::Args),
    /// Print the supported API resources on the server
    #[command(name = "api-resources")]
    ApiResources(commands::api_resources::Args),
    /// Print the supported API versions on the server, in the form of "group/version"
    #[command(name = "api-versions")]
    ApiVersions(commands::api_versions::Args),
    /// Display cluster information
    #[command(name = "cluster-info")]
    ClusterInfo(commands::cluster_info::Args),
    /// Mark node as unschedulable
    Cordon(commands::cordon::Args),
    /// Mark node as schedulable
    Uncordon(commands::cordon::Args),
    /// Drain node in preparation for maintenance
    Drain(commands::drain::Args),
    /// Update the taints on one or more nodes
    Taint(commands::taint::Args),
    /// Modify kubeconfig files
    Config(commands::config::Args),
    /// Provides utilities for interacting with plugins
    Plugin(commands::plugin_list::Args),
    /// List or switch kubeconfig contexts (like kubectx)
    Ctx(commands::ctx::Args),
    /// List namespaces or set the context's namespace (like kubens)
    Ns(commands::ns::Args),
    /// Print a secret's decoded values (all keys, or one key's raw bytes)
    #[command(name = "view-secret")]
    ViewSecret(commands::view_secret::Args),
    /// Output shell completion code for the specified shell (bash, zsh, fish, or powershell)
    Completion(commands::completion::Args),
    /// Run a built-in local cluster (up, down, status, reset)
    Local(commands::local::Args),
    /// Anything else is looked up as a plugin (kctl-NAME, then kubectl-NAME on PATH).
    #[command(external_subcommand)]
    External(Vec<String>),
}

//! `kctl kustomize [DIR]`: build a kustomization and print it (or write it to
//! `-o PATH`), as `kubectl kustomize` does with its embedded kustomize.

use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// DIR
    pub dir: Vec<String>,
    /// use the uid and gid of the command executor to run the function in the container
    #[arg(long = "as-current-user")]
    pub as_current_user: bool,
    /// enable kustomize plugins
    #[arg(long = "enable-alpha-plugins")]
    pub enable_alpha_plugins: bool,
    /// Enable use of the Helm chart inflator generator.
    #[arg(long = "enable-helm")]
    pub enable_helm: bool,
    /// a list of environment variables to be used by functions
    #[arg(short = 'e', long)]
    pub env: Vec<String>,
    /// Kubernetes api versions used by Helm for Capabilities.APIVersions
    #[arg(long = "helm-api-versions")]
    pub helm_api_versions: Vec<String>,
    /// helm command (path to executable)
    #[arg(long = "helm-command", default_value = "helm")]
    pub helm_command: String,
    /// Enable debug output from the Helm chart inflator generator.
    #[arg(long = "helm-debug")]
    pub helm_debug: bool,
    /// Kubernetes version used by Helm for Capabilities.KubeVersion
    #[arg(long = "helm-kube-version")]
    pub helm_kube_version: Option<String>,
    /// if set to 'LoadRestrictionsNone', local kustomizations may load files from outside their root. This does, however, break the relocatability of the kustomization.
    #[arg(long = "load-restrictor", default_value = "LoadRestrictionsRootOnly")]
    pub load_restrictor: String,
    /// a list of storage options read from the filesystem
    #[arg(long)]
    pub mount: Vec<String>,
    /// enable network access for functions that declare it
    #[arg(long)]
    pub network: bool,
    /// the docker network to run the container in
    #[arg(long = "network-name", default_value = "bridge")]
    pub network_name: String,
    /// If specified, write output to this path.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
}

pub fn run(args: Args, _settings: &Settings) -> Result<(), CliError> {
    if args.dir.len() > 1 {
        return Err(CliError::msg("specify one path to a kustomization directory"));
    }
    if args.load_restrictor != "LoadRestrictionsRootOnly" {
        return Err(CliError::msg(format!("--load-restrictor={} is not supported by kctl", args.load_restrictor)));
    }
    if args.enable_helm || args.enable_alpha_plugins {
        return Err(CliError::msg("helm charts and kustomize plugins are not supported by kctl"));
    }
    let dir = args.dir.first().map(String::as_str).unwrap_or(".");
    let text = build_text(dir)?;
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| CliError::msg(format!("{path}: {e}")))?,
        None => crate::output::print(&text),
    }
    Ok(())
}

/// The built YAML of the kustomization in `dir`, its warnings on stderr; also
/// what `-k DIR` reads.
pub fn build_text(dir: &str) -> Result<String, CliError> {
    let mut warnings = Vec::new();
    let built = crate::kustomize::build(std::path::Path::new(dir), &mut warnings);
    for w in &warnings {
        eprintln!("{w}");
    }
    match built {
        Ok(objects) => Ok(crate::kustomize::render(&objects)),
        Err(e) => {
            // kubectl's kustomize fails through klog, not `error:`.
            crate::client::log::emit('E', "run.go:72", &format!("\"command failed\" err={}", crate::client::log::kv_value(&e)));
            Err(CliError::Exit(1))
        }
    }
}

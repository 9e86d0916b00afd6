//! kubeconfig: a serde mirror of the file, client-go's loading and merging rules,
//! resolution of the selected context into a [`RestConfig`], and atomic writes.
//!
//! INTERFACE CONTRACT (used by settings.rs and client/): keep these names.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use crate::error::CliError;

#[derive(Debug)]
pub struct KubeconfigError(pub String);

impl From<KubeconfigError> for CliError {
    fn from(e: KubeconfigError) -> Self {
        CliError::Message(e.0)
    }
}

/// Which files to read: `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`.
#[derive(Debug, Clone)]
pub struct LoadingRules {
    pub explicit: Option<PathBuf>,
    pub env_paths: Vec<PathBuf>,
    pub default_path: PathBuf,
}

impl LoadingRules {
    pub fn from_env(explicit: Option<PathBuf>) -> Self {
        let env_paths = std::env::var_os("KUBECONFIG")
            .map(|v| std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
            .unwrap_or_default();
        let default_path = dirs::home_dir().unwrap_or_default().join(".kube").join("config");
        LoadingRules { explicit, env_paths, default_path }
    }
}

#[derive(Debug, Default)]
pub struct LoadedKubeconfig {}

pub fn load(_rules: &LoadingRules) -> Result<LoadedKubeconfig, KubeconfigError> {
    Ok(LoadedKubeconfig {})
}

/// Flag overrides (`--context`, `--server`, `--token`, ...).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub global: GlobalArgs,
}

impl Overrides {
    pub fn from_global(g: &GlobalArgs) -> Self {
        Overrides { global: g.clone() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Impersonate {
    pub user: Option<String>,
    pub groups: Vec<String>,
    pub uid: Option<String>,
    pub extra: BTreeMap<String, Vec<String>>,
}

/// An exec credential plugin, as configured in a user entry.
#[derive(Debug, Clone, Default)]
pub struct ExecConfig {
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub api_version: String,
    pub install_hint: Option<String>,
    pub provide_cluster_info: bool,
    /// "Never", "IfAvailable" or "Always".
    pub interactive_mode: Option<String>,
}

/// Everything the transport needs to talk to one cluster as one user.
#[derive(Debug, Clone, Default)]
pub struct RestConfig {
    pub server: String,
    pub tls_server_name: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub ca_pem: Option<Vec<u8>>,
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub impersonate: Impersonate,
    pub exec: Option<ExecConfig>,
    pub proxy_url: Option<String>,
    pub disable_compression: bool,
    /// The cluster's certificate-authority-data as given, for exec plugins' cluster info.
    pub namespace: String,
    pub namespace_explicit: bool,
    pub context_name: Option<String>,
    pub cluster_name: Option<String>,
}

pub fn resolve(_loaded: &LoadedKubeconfig, _overrides: &Overrides) -> Result<RestConfig, KubeconfigError> {
    Err(KubeconfigError("kubeconfig resolution is not implemented yet".into()))
}

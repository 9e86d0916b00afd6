//! kubeconfig: a serde mirror of the file, client-go's loading and merging rules,
//! resolution of the selected context into a [`RestConfig`], and atomic writes.
//!
//! INTERFACE CONTRACT (used by settings.rs and client/): keep these names.
//!
//! Files: `yaml` (YAML 1.1 → JSON like go-yaml v2), `decode` (JSON → model with
//! client-go's errors), `types` (model and v1 wire form), `load` (file selection,
//! merge, path resolution), `resolve` (RestConfig, validation, in-cluster),
//! `write` (ModifyConfig: destination files, locks, atomic writes).
//!
//! In-cluster configuration reads the service-account files from
//! `/var/run/secrets/kubernetes.io/serviceaccount`, or from the directory named by
//! `KCTL_SERVICEACCOUNT_DIR` (for tests).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use crate::error::CliError;

pub mod decode;
pub mod gofmt;
pub mod load;
pub mod resolve;
pub mod types;
pub mod write;
pub mod yaml;

#[allow(unused_imports)]
pub use resolve::{namespace, resolve};
pub use types::Config;

/// A kubeconfig failure. `raw` messages are printed as they are (kubectl's
/// `Error in configuration: ...` and multi-error forms); others as `error: {message}`.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeconfigError {
    pub message: String,
    pub raw: bool,
}

impl KubeconfigError {
    pub fn msg(s: impl Into<String>) -> Self {
        KubeconfigError { message: s.into(), raw: false }
    }
    pub fn raw(s: impl Into<String>) -> Self {
        KubeconfigError { message: s.into(), raw: true }
    }
}

impl std::fmt::Display for KubeconfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<KubeconfigError> for CliError {
    fn from(e: KubeconfigError) -> Self {
        if e.raw {
            CliError::Raw(e.message)
        } else {
            CliError::Message(e.message)
        }
    }
}

/// Which files to read: `--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`.
#[derive(Debug, Clone)]
pub struct LoadingRules {
    pub explicit: Option<PathBuf>,
    /// `$KUBECONFIG` split on `:`, empty entries dropped, duplicates removed.
    pub env_paths: Vec<PathBuf>,
    /// `$HOME/.kube/config`.
    pub default_path: PathBuf,
}

impl LoadingRules {
    pub fn from_env(explicit: Option<PathBuf>) -> Self {
        let mut env_paths: Vec<PathBuf> = Vec::new();
        if let Some(v) = std::env::var_os("KUBECONFIG") {
            for p in std::env::split_paths(&v) {
                if !p.as_os_str().is_empty() && !env_paths.contains(&p) {
                    env_paths.push(p);
                }
            }
        }
        let explicit = explicit.filter(|p| !p.as_os_str().is_empty());
        LoadingRules { explicit, env_paths, default_path: home_file() }
    }

    /// The files in precedence order (client-go's `GetLoadingPrecedence`).
    pub fn precedence(&self) -> Vec<PathBuf> {
        if let Some(e) = &self.explicit {
            return vec![e.clone()];
        }
        if !self.env_paths.is_empty() {
            return self.env_paths.clone();
        }
        vec![self.default_path.clone()]
    }

    /// Where new entries go (client-go's `GetDefaultFilename`): the explicit file;
    /// else the only `$KUBECONFIG` file, the first one that exists, or the last one.
    pub fn default_filename(&self) -> PathBuf {
        if let Some(e) = &self.explicit {
            return e.clone();
        }
        if !self.env_paths.is_empty() {
            if self.env_paths.len() == 1 {
                return self.env_paths[0].clone();
            }
            for p in &self.env_paths {
                if std::fs::metadata(p).is_ok() {
                    return p.clone();
                }
            }
            return self.env_paths.last().unwrap().clone();
        }
        self.default_path.clone()
    }
}

/// `$HOME/.kube/config`. client-go uses `$HOME` as is: unset means `.kube/config`
/// relative to the working directory.
pub fn home_file() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".kube").join("config")
}

/// The merged kubeconfig, with file references made absolute.
#[allow(dead_code)]
#[derive(Debug, Default, Clone)]
pub struct LoadedKubeconfig {
    pub config: Config,
    /// The files that were considered, in precedence order.
    pub files: Vec<PathBuf>,
}

/// Read and merge the kubeconfig files the rules select (client-go's `Load`).
pub fn load(rules: &LoadingRules) -> Result<LoadedKubeconfig, KubeconfigError> {
    if let Some(e) = &rules.explicit {
        if let Err(err) = std::fs::metadata(e) {
            if err.kind() == std::io::ErrorKind::NotFound {
                return Err(KubeconfigError::msg(load::io_error("stat", e, &err)));
            }
        }
    }
    let files = rules.precedence();
    let config = load_files(&files, true)?;
    Ok(LoadedKubeconfig { config, files })
}

/// Load and merge `files` (missing ones skipped). With `resolve_paths`, relative
/// file references become absolute against the directory of the file defining them.
pub fn load_files(files: &[PathBuf], resolve_paths: bool) -> Result<Config, KubeconfigError> {
    load::migrate(&home_file());
    let mut configs = Vec::new();
    let mut errs = Vec::new();
    for f in files {
        match load::load_file(f) {
            Ok(Some(c)) => configs.push(c),
            Ok(None) => {}
            Err(e) => errs.push(format!("error loading config file \"{}\": {e}", f.display())),
        }
    }
    let mut config = load::merge(configs);
    if resolve_paths {
        load::resolve_local_paths(&mut config);
    }
    match errs.len() {
        0 => Ok(config),
        1 => Err(KubeconfigError::msg(errs.remove(0))),
        _ => Err(KubeconfigError::raw(errs.join("\n") + "\n")),
    }
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
#[allow(dead_code)]
#[derive(Debug, Clone, Default)]
pub struct ExecConfig {
    pub command: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub api_version: String,
    /// Control characters already replaced, as client-go does.
    pub install_hint: Option<String>,
    pub provide_cluster_info: bool,
    /// "Never", "IfAvailable" or "Always".
    pub interactive_mode: Option<String>,
    /// What `KUBERNETES_EXEC_INFO` carries as `spec.cluster` when `provide_cluster_info`.
    pub cluster: Option<ExecClusterInfo>,
}

/// client-go's `clientauthentication.Cluster` for exec plugins.
#[allow(dead_code)]
#[derive(Debug, Clone, Default)]
pub struct ExecClusterInfo {
    pub server: String,
    pub tls_server_name: Option<String>,
    pub insecure_skip_tls_verify: bool,
    /// The CA bundle (from certificate-authority-data or the certificate-authority file).
    pub certificate_authority_data: Option<Vec<u8>>,
    pub proxy_url: Option<String>,
    pub disable_compression: bool,
    /// The cluster's `client.authentication.k8s.io/exec` extension, if any.
    pub config: Option<serde_json::Value>,
}

/// Everything the transport needs to talk to one cluster as one user.
///
/// As in client-go, credentials and TLS settings are only filled in when the server
/// URL is `https://`; a server without a scheme is spoken to over plain HTTP.
#[derive(Debug, Clone, Default)]
pub struct RestConfig {
    pub server: String,
    pub tls_server_name: Option<String>,
    pub insecure_skip_tls_verify: bool,
    pub ca_pem: Option<Vec<u8>>,
    pub client_cert_pem: Option<Vec<u8>>,
    pub client_key_pem: Option<Vec<u8>>,
    /// The bearer token (from `token`, or the contents of `tokenFile`, trimmed).
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub impersonate: Impersonate,
    pub exec: Option<ExecConfig>,
    pub proxy_url: Option<String>,
    pub disable_compression: bool,
    /// `-n`, else the context's namespace, else the in-cluster namespace, else `default`.
    pub namespace: String,
    pub namespace_explicit: bool,
    pub context_name: Option<String>,
    pub cluster_name: Option<String>,
}

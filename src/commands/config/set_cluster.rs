//! `kctl config set-cluster`. `--server`, `--certificate-authority`,
//! `--insecure-skip-tls-verify` and `--tls-server-name` are the global flags.

use super::{abs_path, bool_flag, go_list, go_quote, help_error, Common};
use crate::error::CliError;
use crate::kubeconfig::load::io_error;
use crate::kubeconfig::types::Cluster;
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct SetClusterArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long = "embed-certs", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub embed_certs: Option<String>,
    #[arg(long = "proxy-url", hide = true)]
    pub proxy_url: Option<String>,
}

pub fn run(access: &ConfigAccess, a: SetClusterArgs, settings: &Settings) -> Result<(), CliError> {
    let embed = bool_flag(&a.embed_certs, "embed-certs", "set-cluster")?.unwrap_or(false);
    let args = &a.common.args;
    if args.len() != 1 {
        return Err(help_error("set-cluster", format!("Unexpected args: {}", go_list(args))));
    }
    let name = args[0].clone();
    let g = &settings.global;
    let server = g.server.clone();
    let tls_server_name = g.tls_server_name.clone();
    let insecure = g.insecure_skip_tls_verify;
    let ca = g.certificate_authority.as_ref().map(|p| p.to_string_lossy().into_owned());
    let proxy = a.proxy_url.clone();
    if name.is_empty() {
        return Err(CliError::msg("you must specify a non-empty cluster name"));
    }
    if insecure == Some(true) && ca.as_deref().is_some_and(|c| !c.is_empty()) {
        return Err(CliError::msg("you cannot specify a certificate authority and insecure mode at the same time"));
    }
    if embed {
        let ca_path = ca.clone().unwrap_or_default();
        if ca_path.is_empty() {
            return Err(CliError::msg("you must specify a --certificate-authority to embed"));
        }
        if let Err(e) = std::fs::metadata(&ca_path) {
            return Err(CliError::msg(format!(
                "could not stat certificate-authority file {ca_path}: {}",
                io_error("stat", std::path::Path::new(&ca_path), &e)
            )));
        }
    }
    modify_config(access, true, |config| {
        let mut c = config.clusters.get(&name).cloned().unwrap_or_else(Cluster::default);
        if let Some(s) = &server {
            c.server = s.clone();
        }
        if let Some(t) = &tls_server_name {
            c.tls_server_name = t.clone();
        }
        if let Some(i) = insecure {
            c.insecure_skip_tls_verify = i;
            if i {
                c.certificate_authority.clear();
                c.certificate_authority_data.clear();
            }
        }
        if let Some(path) = &ca {
            if embed {
                c.certificate_authority_data = std::fs::read(path).unwrap_or_default();
                c.insecure_skip_tls_verify = false;
                c.certificate_authority.clear();
            } else {
                c.certificate_authority = abs_path(path);
                c.insecure_skip_tls_verify = false;
                c.certificate_authority_data.clear();
            }
        }
        if let Some(p) = &proxy {
            c.proxy_url = p.clone();
        }
        config.clusters.insert(name.clone(), c);
        Ok::<(), CliError>(())
    })?;
    crate::output::print(&format!("Cluster {} set.\n", go_quote(&name)));
    Ok(())
}

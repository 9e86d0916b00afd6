//! `kctl config set-credentials`. `--token`, `--username`, `--password`,
//! `--client-certificate` and `--client-key` are the global flags.

use super::{abs_path, bool_flag, go_list, go_quote, print_help, string_slice, Common};
use crate::error::CliError;
use crate::kubeconfig::load::io_error;
use crate::kubeconfig::types::{AuthInfo, AuthProviderConfig, ExecConfigEntry, ExecEnvVar};
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct SetCredentialsArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long = "embed-certs", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub embed_certs: Option<String>,
    #[arg(long = "auth-provider", hide = true)]
    pub auth_provider: Option<String>,
    #[arg(long = "auth-provider-arg", hide = true)]
    pub auth_provider_arg: Vec<String>,
    #[arg(long = "exec-command", hide = true)]
    pub exec_command: Option<String>,
    #[arg(long = "exec-api-version", hide = true)]
    pub exec_api_version: Option<String>,
    #[arg(long = "exec-arg", hide = true)]
    pub exec_arg: Vec<String>,
    #[arg(long = "exec-env", hide = true)]
    pub exec_env: Vec<String>,
    #[arg(long = "exec-interactive-mode", hide = true)]
    pub exec_interactive_mode: Option<String>,
    #[arg(long = "exec-provide-cluster-info", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub exec_provide_cluster_info: Option<String>,
}

type Pairs = (Vec<(String, String)>, Vec<String>);

/// kubectl's `ParsePairs` with removal (`key-`) support.
fn parse_pairs(items: &[String], kind: &str) -> Result<Pairs, String> {
    let mut new: Vec<(String, String)> = Vec::new();
    let mut remove = Vec::new();
    let mut invalid = Vec::new();
    for p in items {
        if p.contains('=') && !p.starts_with('=') {
            let (k, v) = p.split_once('=').unwrap();
            new.retain(|(nk, _)| nk != k);
            new.push((k.to_string(), v.to_string()));
        } else if p.ends_with('-') && p != "-" {
            remove.push(p[..p.len() - 1].to_string());
        } else {
            invalid.push(p.clone());
        }
    }
    if !invalid.is_empty() {
        return Err(format!("invalid {kind} format: {}", invalid.join(", ")));
    }
    Ok((new, remove))
}

pub fn run(access: &ConfigAccess, a: SetCredentialsArgs, settings: &Settings) -> Result<(), CliError> {
    let embed = bool_flag(&a.embed_certs, "embed-certs", "set-credentials")?.unwrap_or(false);
    let provide_info = bool_flag(&a.exec_provide_cluster_info, "exec-provide-cluster-info", "set-credentials")?;
    let help_err = |m: String| {
        print_help("set-credentials");
        CliError::Message(m)
    };
    let args = &a.common.args;
    if args.len() != 1 {
        return Err(help_err(format!("unexpected args: {}", go_list(args))));
    }
    let ap_args = string_slice(&a.auth_provider_arg);
    let (ap_new, ap_remove) = if ap_args.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        parse_pairs(&ap_args, "auth-provider-arg").map_err(help_err)?
    };
    let exec_args = string_slice(&a.exec_arg);
    let exec_args = if exec_args.is_empty() { None } else { Some(exec_args) };
    let (env_new, env_remove) = if a.exec_env.is_empty() {
        (None, None)
    } else {
        let (n, r) = parse_pairs(&a.exec_env, "exec-env").map_err(help_err)?;
        (Some(n), Some(r))
    };
    let name = args[0].clone();
    let g = &settings.global;
    let path = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned());
    let (cert, key) = (path(&g.client_certificate), path(&g.client_key));
    let (token, username, password) = (g.token.clone(), g.username.clone(), g.password.clone());

    // validate()
    if name.is_empty() {
        return Err(CliError::msg("you must specify a non-empty user name"));
    }
    let mut methods = Vec::new();
    if token.as_deref().is_some_and(|t| !t.is_empty()) {
        methods.push("--token");
    }
    if username.as_deref().is_some_and(|t| !t.is_empty()) || password.as_deref().is_some_and(|t| !t.is_empty()) {
        methods.push("--username/--password");
    }
    if methods.len() > 1 {
        return Err(CliError::msg(format!(
            "you cannot specify more than one authentication method at the same time: {}",
            methods.join(", ")
        )));
    }
    if embed {
        let c = cert.clone().unwrap_or_default();
        let k = key.clone().unwrap_or_default();
        if c.is_empty() && k.is_empty() {
            return Err(CliError::msg("you must specify a --client-certificate or --client-key to embed"));
        }
        for (flag, p) in [("client-certificate", &c), ("client-key", &k)] {
            if !p.is_empty() {
                if let Err(e) = std::fs::metadata(p) {
                    return Err(CliError::msg(format!(
                        "could not stat {flag} file {p}: {}",
                        io_error("stat", std::path::Path::new(p), &e)
                    )));
                }
            }
        }
    }
    if let Some(m) = &a.exec_interactive_mode {
        if !matches!(m.as_str(), "IfAvailable" | "Always" | "Never") {
            return Err(CliError::msg("invalid interactive mode type, can be only IfAvailable, Never, Always"));
        }
    }

    modify_config(access, true, |config| {
        let mut u = config.auth_infos.get(&name).cloned().unwrap_or_else(AuthInfo::default);
        let (mut set_token, mut set_basic) = (false, false);
        if let Some(p) = &cert {
            if embed {
                u.client_certificate_data = std::fs::read(p).unwrap_or_default();
                u.client_certificate.clear();
            } else {
                u.client_certificate = abs_path(p);
                u.client_certificate_data.clear();
            }
        }
        if let Some(p) = &key {
            if embed {
                u.client_key_data = std::fs::read(p).unwrap_or_default();
                u.client_key.clear();
            } else {
                u.client_key = abs_path(p);
                u.client_key_data.clear();
            }
        }
        if let Some(t) = &token {
            u.token = t.clone();
            set_token = !t.is_empty();
        }
        if let Some(v) = &username {
            u.username = v.clone();
            set_basic |= !v.is_empty();
        }
        if let Some(v) = &password {
            u.password = v.clone();
            set_basic |= !v.is_empty();
        }
        if let Some(p) = &a.auth_provider {
            if u.auth_provider.as_ref().is_none_or(|ap| &ap.name != p) {
                u.auth_provider = Some(AuthProviderConfig { name: p.clone(), config: None });
            }
        }
        if let Some(ap) = u.auth_provider.as_mut() {
            let cfg = ap.config.get_or_insert_with(Default::default);
            for r in &ap_remove {
                cfg.remove(r);
            }
            for (k, v) in &ap_new {
                cfg.insert(k.clone(), v.clone());
            }
        }
        if let Some(cmd) = &a.exec_command {
            match u.exec.as_mut() {
                None => u.exec = Some(ExecConfigEntry { command: cmd.clone(), ..Default::default() }),
                Some(e) => {
                    e.command = cmd.clone();
                    e.args = None;
                }
            }
        }
        if let Some(e) = u.exec.as_mut() {
            if let Some(v) = &a.exec_api_version {
                e.api_version = v.clone();
            }
            if let Some(args) = &exec_args {
                e.args = Some(args.clone());
            }
            if let Some(m) = &a.exec_interactive_mode {
                e.interactive_mode = m.clone();
            }
            if let Some(p) = provide_info {
                e.provide_cluster_info = p;
            }
            if let Some(remove) = &env_remove {
                let kept: Vec<ExecEnvVar> = e.env.iter().flatten().filter(|v| !remove.contains(&v.name)).cloned().collect();
                e.env = Some(kept);
            }
            if let Some(new) = &env_new {
                let env = e.env.get_or_insert_with(Vec::new);
                for (k, v) in new {
                    match env.iter_mut().find(|x| &x.name == k) {
                        Some(x) => x.value = v.clone(),
                        None => env.push(ExecEnvVar { name: k.clone(), value: v.clone() }),
                    }
                }
            }
        }
        if set_token || set_basic {
            if !set_token {
                u.token.clear();
            }
            if !set_basic {
                u.username.clear();
                u.password.clear();
            }
        }
        config.auth_infos.insert(name.clone(), u);
        Ok::<(), CliError>(())
    })?;
    crate::output::print(&format!("User {} set.\n", go_quote(&name)));
    Ok(())
}

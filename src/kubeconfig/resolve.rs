//! The selected context → [`RestConfig`] (client-go's `DirectClientConfig` plus the
//! deferred loader's in-cluster fallback), with kubectl's error texts.

use std::path::{Path, PathBuf};

use super::load::io_error;
use super::types::{AuthInfo, Cluster, Config, Context};
use super::{ExecClusterInfo, ExecConfig, Impersonate, KubeconfigError, LoadedKubeconfig, Overrides, RestConfig};

/// Where the in-cluster service-account files live. Tests point
/// `KCTL_SERVICEACCOUNT_DIR` at a temporary directory.
pub fn serviceaccount_dir() -> PathBuf {
    std::env::var_os("KCTL_SERVICEACCOUNT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/run/secrets/kubernetes.io/serviceaccount"))
}

fn default_server() -> String {
    std::env::var("KUBERNETES_MASTER").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "http://localhost:8080".into())
}

/// The flag values kubectl binds into `ConfigOverrides`.
#[derive(Debug, Default, Clone)]
struct Ov {
    current_context: String,
    cluster: String,
    user: String,
    namespace: String,
    server: String,
    tls_server_name: String,
    ca_file: String,
    insecure: bool,
    disable_compression: bool,
    token: String,
    username: String,
    password: String,
    client_cert: String,
    client_key: String,
    impersonate: String,
    impersonate_uid: String,
    impersonate_groups: Vec<String>,
}

impl Ov {
    fn from(o: &Overrides) -> Ov {
        let g = &o.global;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let p = |v: &Option<PathBuf>| v.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        Ov {
            current_context: s(&g.context),
            cluster: s(&g.cluster),
            user: s(&g.user),
            namespace: s(&g.namespace),
            server: s(&g.server),
            tls_server_name: s(&g.tls_server_name),
            ca_file: p(&g.certificate_authority),
            insecure: g.insecure_skip_tls_verify.unwrap_or(false),
            disable_compression: g.disable_compression.unwrap_or(false),
            token: s(&g.token),
            username: s(&g.username),
            password: s(&g.password),
            client_cert: p(&g.client_certificate),
            client_key: p(&g.client_key),
            impersonate: s(&g.as_user),
            impersonate_uid: s(&g.as_uid),
            impersonate_groups: g.as_group.clone(),
        }
    }
}

struct Direct<'a> {
    cfg: &'a Config,
    ov: Ov,
}

fn set(dst: &mut String, src: &str) {
    if !src.is_empty() {
        *dst = src.to_string();
    }
}

impl Direct<'_> {
    fn context_name(&self) -> (String, bool) {
        if !self.ov.current_context.is_empty() {
            return (self.ov.current_context.clone(), true);
        }
        (self.cfg.current_context.clone(), false)
    }

    fn context(&self) -> Result<Context, String> {
        let (name, required) = self.context_name();
        let mut ctx = match self.cfg.contexts.get(&name) {
            Some(c) => c.clone(),
            None if required => return Err(format!("context \"{name}\" does not exist")),
            None => Context::default(),
        };
        set(&mut ctx.cluster, &self.ov.cluster);
        set(&mut ctx.auth_info, &self.ov.user);
        set(&mut ctx.namespace, &self.ov.namespace);
        Ok(ctx)
    }

    fn auth_info_name(&self) -> (String, bool) {
        if !self.ov.user.is_empty() {
            return (self.ov.user.clone(), true);
        }
        (self.context().map(|c| c.auth_info).unwrap_or_default(), false)
    }

    fn cluster_name(&self) -> (String, bool) {
        if !self.ov.cluster.is_empty() {
            return (self.ov.cluster.clone(), true);
        }
        (self.context().map(|c| c.cluster).unwrap_or_default(), false)
    }

    fn auth_info(&self) -> Result<AuthInfo, String> {
        let (name, required) = self.auth_info_name();
        let mut a = match self.cfg.auth_infos.get(&name) {
            Some(a) => a.clone(),
            None if required => return Err(format!("auth info \"{name}\" does not exist")),
            None => AuthInfo::default(),
        };
        let o = &self.ov;
        set(&mut a.client_certificate, &o.client_cert);
        set(&mut a.client_key, &o.client_key);
        set(&mut a.token, &o.token);
        set(&mut a.impersonate, &o.impersonate);
        set(&mut a.impersonate_uid, &o.impersonate_uid);
        if !o.impersonate_groups.is_empty() {
            a.impersonate_groups = o.impersonate_groups.clone();
        }
        set(&mut a.username, &o.username);
        set(&mut a.password, &o.password);
        Ok(a)
    }

    fn cluster(&self) -> Result<Cluster, String> {
        let (name, required) = self.cluster_name();
        let mut c = Cluster { server: default_server(), ..Default::default() };
        match self.cfg.clusters.get(&name) {
            Some(src) => {
                set(&mut c.server, &src.server);
                set(&mut c.tls_server_name, &src.tls_server_name);
                c.insecure_skip_tls_verify |= src.insecure_skip_tls_verify;
                set(&mut c.certificate_authority, &src.certificate_authority);
                if !src.certificate_authority_data.is_empty() {
                    c.certificate_authority_data = src.certificate_authority_data.clone();
                }
                set(&mut c.proxy_url, &src.proxy_url);
                c.disable_compression |= src.disable_compression;
                c.extensions = src.extensions.clone();
                c.location_of_origin = src.location_of_origin.clone();
            }
            None if required => return Err(format!("cluster \"{name}\" does not exist")),
            None => {}
        }
        let o = &self.ov;
        set(&mut c.server, &o.server);
        set(&mut c.tls_server_name, &o.tls_server_name);
        set(&mut c.certificate_authority, &o.ca_file);
        c.insecure_skip_tls_verify |= o.insecure;
        c.disable_compression |= o.disable_compression;
        // --insecure-skip-tls-verify or --certificate-authority replace the file's CA settings.
        if o.insecure || !o.ca_file.is_empty() {
            c.insecure_skip_tls_verify = o.insecure;
            c.certificate_authority = o.ca_file.clone();
            c.certificate_authority_data = Vec::new();
        }
        if !o.tls_server_name.is_empty() || !o.server.is_empty() {
            c.tls_server_name = o.tls_server_name.clone();
        }
        Ok(c)
    }

    /// `ConfirmUsable`: every problem with the selected context, cluster and user.
    fn confirm_usable(&self) -> Vec<String> {
        let mut errs = Vec::new();
        let (ctx_name, _) = self.context_name();
        if !ctx_name.is_empty() && !self.cfg.contexts.contains_key(&ctx_name) {
            errs.push(format!("context was not found for specified context: {ctx_name}"));
        }
        let (user_name, _) = self.auth_info_name();
        errs.extend(validate_auth_info(&user_name, &self.auth_info().unwrap_or_default()));
        let (cluster_name, _) = self.cluster_name();
        match self.cluster() {
            Ok(c) => errs.extend(validate_cluster(&cluster_name, &c)),
            Err(_) => {
                // client-go validates an empty Cluster{} here, which only lacks a server.
                errs.push(if cluster_name.is_empty() {
                    "default cluster has no server defined".to_string()
                } else {
                    format!("no server found for cluster \"{cluster_name}\"")
                });
            }
        }
        errs
    }
}

fn can_open(p: &str) -> Result<(), String> {
    std::fs::File::open(p).map(|_| ()).map_err(|e| io_error("open", Path::new(p), &e))
}

fn validate_cluster(name: &str, c: &Cluster) -> Vec<String> {
    let mut errs = Vec::new();
    if c.server.is_empty() {
        errs.push(if name.is_empty() {
            "default cluster has no server defined".to_string()
        } else {
            format!("no server found for cluster \"{name}\"")
        });
    }
    if !c.proxy_url.is_empty() {
        if let Err(e) = parse_proxy_url(&c.proxy_url) {
            errs.push(format!("invalid 'proxy-url' \"{}\" for cluster \"{name}\": {e}", c.proxy_url));
        }
    }
    if !c.certificate_authority.is_empty() && !c.certificate_authority_data.is_empty() {
        errs.push(format!(
            "certificate-authority-data and certificate-authority are both specified for {name}. certificate-authority-data will override."
        ));
    }
    if !c.certificate_authority.is_empty() {
        if let Err(e) = can_open(&c.certificate_authority) {
            errs.push(format!("unable to read certificate-authority {} for {name} due to {e}", c.certificate_authority));
        }
    }
    errs
}

fn validate_auth_info(name: &str, a: &AuthInfo) -> Vec<String> {
    let mut errs = Vec::new();
    let mut methods = Vec::new();
    if !a.token.is_empty() {
        methods.push("token");
    }
    if !a.username.is_empty() || !a.password.is_empty() {
        methods.push("basicAuth");
    }
    if !a.client_certificate.is_empty() || !a.client_certificate_data.is_empty() {
        if !a.client_certificate.is_empty() && !a.client_certificate_data.is_empty() {
            errs.push(format!("client-cert-data and client-cert are both specified for {name}. client-cert-data will override."));
        }
        if !a.client_key.is_empty() && !a.client_key_data.is_empty() {
            errs.push(format!("client-key-data and client-key are both specified for {name}; client-key-data will override"));
        }
        if a.client_key.is_empty() && a.client_key_data.is_empty() {
            errs.push(format!(
                "client-key-data or client-key must be specified for {name} to use the clientCert authentication method."
            ));
        }
        if !a.client_certificate.is_empty() {
            if let Err(e) = can_open(&a.client_certificate) {
                errs.push(format!("unable to read client-cert {} for {name} due to {e}", a.client_certificate));
            }
        }
        if !a.client_key.is_empty() {
            if let Err(e) = can_open(&a.client_key) {
                errs.push(format!("unable to read client-key {} for {name} due to {e}", a.client_key));
            }
        }
    }
    if let Some(exec) = &a.exec {
        if a.auth_provider.is_some() {
            errs.push(format!("authProvider cannot be provided in combination with an exec plugin for {name}"));
        }
        if exec.command.is_empty() {
            errs.push(format!("command must be specified for {name} to use exec authentication plugin"));
        }
        if exec.api_version.is_empty() {
            errs.push(format!("apiVersion must be specified for {name} to use exec authentication plugin"));
        }
        for v in exec.env.iter().flatten() {
            if v.name.is_empty() {
                errs.push(format!("env variable name must be specified for {name} to use exec authentication plugin"));
            }
        }
        match exec.interactive_mode.as_str() {
            "" => errs.push(format!("interactiveMode must be specified for {name} to use exec authentication plugin")),
            "Never" | "IfAvailable" | "Always" => {}
            other => errs.push(format!("invalid interactiveMode for {name}: \"{other}\"")),
        }
    }
    if methods.len() > 1 {
        errs.push(format!(
            "more than one authentication method found for {name}; found [{}], only one is allowed",
            methods.join(" ")
        ));
    }
    if (!a.impersonate_uid.is_empty() || !a.impersonate_groups.is_empty() || !a.impersonate_user_extra.is_empty())
        && a.impersonate.is_empty()
    {
        errs.push(format!("requesting uid, groups or user-extra for {name} without impersonating a user"));
    }
    errs
}

fn parse_proxy_url(s: &str) -> Result<(), String> {
    let u = url::Url::parse(s).map_err(|e| format!("parse \"{s}\": {e}"))?;
    match u.scheme() {
        "http" | "https" | "socks5" => Ok(()),
        other => Err(format!("unsupported scheme \"{other}\", must be http, https, or socks5")),
    }
}

/// kubectl's rendering of `errConfigurationInvalid`: an aggregate of one is unwrapped
/// (only a missing context still counts as "Error in configuration"), several are listed.
fn invalid(errs: Vec<String>) -> KubeconfigError {
    if errs.len() == 1 {
        if errs[0].starts_with("context was not found for specified context: ") {
            KubeconfigError::raw(format!("Error in configuration: {}\n", errs[0]))
        } else {
            KubeconfigError::msg(errs[0].clone())
        }
    } else {
        let mut s = String::from("Error in configuration: \n");
        for e in errs {
            s.push_str(&format!("* {e}\n"));
        }
        KubeconfigError::raw(s)
    }
}

/// Replace control characters other than whitespace with `U+XXXX` (client-go's
/// `cleanANSIEscapeCodes` on install hints).
fn clean_ansi(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && !('\u{9}'..='\u{d}').contains(&c) { format!("U+{:04X}", c as u32) } else { c.to_string() })
        .collect()
}

/// `url.ParseRequestURI` + dropping the query and fragment when there is a path.
fn clean_host(host: &str) -> String {
    if let Ok(u) = url::Url::parse(host) {
        if !u.cannot_be_a_base() && host.contains("://") {
            let path_start = host.find("://").map(|i| i + 3).and_then(|i| host[i..].find('/').map(|j| i + j));
            if let Some(ps) = path_start {
                let path = &host[ps..];
                let path_only = path.split(['?', '#']).next().unwrap_or("");
                if path_only.len() > 1 {
                    return format!("{}{}", &host[..ps], path_only);
                }
            }
        }
    }
    host.to_string()
}

fn is_tls(host: &str) -> bool {
    match host.find("://") {
        Some(i) => host[..i].eq_ignore_ascii_case("https"),
        None => false,
    }
}

fn read_file(p: &str) -> Result<Vec<u8>, KubeconfigError> {
    std::fs::read(p).map_err(|e| KubeconfigError::msg(io_error("open", Path::new(p), &e)))
}

fn client_config(d: &Direct) -> Result<RestConfig, KubeconfigError> {
    let user = d.auth_info().map_err(KubeconfigError::msg)?;
    d.context().map_err(KubeconfigError::msg)?;
    let cluster = d.cluster().map_err(KubeconfigError::msg)?;
    let errs = d.confirm_usable();
    if !errs.is_empty() {
        return Err(invalid(errs));
    }
    let mut rc = RestConfig {
        server: clean_host(&cluster.server),
        disable_compression: cluster.disable_compression,
        proxy_url: Some(cluster.proxy_url.clone()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    if !user.impersonate.is_empty() {
        rc.impersonate = Impersonate {
            user: Some(user.impersonate.clone()),
            groups: user.impersonate_groups.clone(),
            uid: Some(user.impersonate_uid.clone()).filter(|s| !s.is_empty()),
            extra: user.impersonate_user_extra.clone(),
        };
    }
    if !is_tls(&rc.server) {
        return Ok(rc);
    }
    // User identification.
    if !user.token.is_empty() {
        rc.token = Some(user.token.clone());
        rc.token_file = Some(PathBuf::from(&user.token_file)).filter(|p| !p.as_os_str().is_empty());
    } else if !user.token_file.is_empty() {
        let data = std::fs::read(&user.token_file)
            .map_err(|e| KubeconfigError::msg(io_error("open", Path::new(&user.token_file), &e)))?;
        rc.token = Some(String::from_utf8_lossy(&data).trim().to_string());
        rc.token_file = Some(PathBuf::from(&user.token_file));
    }
    if !user.client_certificate.is_empty() || !user.client_certificate_data.is_empty() {
        rc.client_cert_pem = Some(if user.client_certificate_data.is_empty() {
            read_file(&user.client_certificate)?
        } else {
            user.client_certificate_data.clone()
        });
        if !user.client_key_data.is_empty() {
            rc.client_key_pem = Some(user.client_key_data.clone());
        } else if !user.client_key.is_empty() {
            rc.client_key_pem = Some(read_file(&user.client_key)?);
        }
    }
    if !user.username.is_empty() || !user.password.is_empty() {
        rc.username = Some(user.username.clone());
        rc.password = Some(user.password.clone());
    }
    // kubectl asks on the terminal when nothing identifies the user.
    let identified = !user.username.is_empty()
        || rc.client_cert_pem.is_some()
        || rc.token.as_deref().is_some_and(|t| !t.is_empty())
        || user.auth_provider.is_some()
        || user.exec.is_some();
    if !identified {
        let name = prompt("Username", true)?;
        let password = prompt("Password", false)?;
        rc.username = Some(name);
        if user.password.is_empty() {
            rc.password = Some(password);
        }
    }
    // Server identification.
    rc.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify;
    rc.tls_server_name = Some(cluster.tls_server_name.clone()).filter(|s| !s.is_empty());
    if !cluster.certificate_authority_data.is_empty() {
        rc.ca_pem = Some(cluster.certificate_authority_data.clone());
    } else if !cluster.certificate_authority.is_empty() {
        rc.ca_pem = Some(read_file(&cluster.certificate_authority)?);
    }
    if let Some(e) = &user.exec {
        rc.exec = Some(ExecConfig {
            command: e.command.clone(),
            args: e.args.clone().unwrap_or_default(),
            env: e.env.iter().flatten().map(|v| (v.name.clone(), v.value.clone())).collect(),
            api_version: e.api_version.clone(),
            install_hint: Some(clean_ansi(&e.install_hint)).filter(|s| !s.is_empty()),
            provide_cluster_info: e.provide_cluster_info,
            interactive_mode: Some(e.interactive_mode.clone()).filter(|s| !s.is_empty()),
            cluster: Some(ExecClusterInfo {
                server: rc.server.clone(),
                tls_server_name: rc.tls_server_name.clone(),
                insecure_skip_tls_verify: rc.insecure_skip_tls_verify,
                certificate_authority_data: rc.ca_pem.clone(),
                proxy_url: rc.proxy_url.clone(),
                disable_compression: rc.disable_compression,
                config: cluster.extensions.get("client.authentication.k8s.io/exec").cloned(),
            }),
        });
    }
    Ok(rc)
}

/// client-go's `promptForString`: `Please enter Username: ` on stdout, then a word
/// from stdin; a password is only read from a terminal, without echo.
fn prompt(field: &str, show: bool) -> Result<String, KubeconfigError> {
    use std::io::Write;
    let mut out = std::io::stdout();
    let _ = write!(out, "Please enter {field}: ");
    let _ = out.flush();
    let read_byte = || -> Option<u8> {
        let mut b = [0u8; 1];
        let n = unsafe { libc::read(0, b.as_mut_ptr() as *mut libc::c_void, 1) };
        (n == 1).then_some(b[0])
    };
    if show {
        let mut word = Vec::new();
        loop {
            match read_byte() {
                None => {
                    if word.is_empty() {
                        return Err(KubeconfigError::msg("EOF"));
                    }
                    break;
                }
                Some(c) if c.is_ascii_whitespace() => {
                    if !word.is_empty() {
                        break;
                    }
                }
                Some(c) => word.push(c),
            }
        }
        return Ok(String::from_utf8_lossy(&word).into_owned());
    }
    if unsafe { libc::isatty(0) } != 1 {
        return Err(KubeconfigError::msg(format!("error reading input for {field}")));
    }
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    let saved = unsafe { libc::tcgetattr(0, &mut term) } == 0;
    let orig = term;
    if saved {
        term.c_lflag &= !libc::ECHO;
        term.c_lflag |= libc::ICANON | libc::ISIG;
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &term) };
    }
    let mut line = Vec::new();
    while let Some(c) = read_byte() {
        if c == b'\n' {
            break;
        }
        line.push(c);
    }
    if saved {
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &orig) };
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// The config an empty kubeconfig without flags produces (`IsDefaultConfig`).
fn is_default(rc: &RestConfig) -> bool {
    let d = RestConfig { server: clean_host(&default_server()), ..Default::default() };
    format!("{:?}", strip_meta(rc)) == format!("{:?}", strip_meta(&d))
}

fn strip_meta(rc: &RestConfig) -> RestConfig {
    let mut r = rc.clone();
    r.namespace = String::new();
    r.namespace_explicit = false;
    r.context_name = None;
    r.cluster_name = None;
    r
}

fn in_cluster_possible() -> bool {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").unwrap_or_default();
    let port = std::env::var("KUBERNETES_SERVICE_PORT").unwrap_or_default();
    let token = serviceaccount_dir().join("token");
    !host.is_empty() && !port.is_empty() && std::fs::metadata(token).map(|m| !m.is_dir()).unwrap_or(false)
}

fn in_cluster(ov: &Ov) -> Result<RestConfig, KubeconfigError> {
    let host = std::env::var("KUBERNETES_SERVICE_HOST").unwrap_or_default();
    let port = std::env::var("KUBERNETES_SERVICE_PORT").unwrap_or_default();
    let dir = serviceaccount_dir();
    let token_path = dir.join("token");
    let token = std::fs::read(&token_path).map_err(|e| KubeconfigError::msg(io_error("open", &token_path, &e)))?;
    let host_port = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let mut rc = RestConfig {
        server: format!("https://{host_port}"),
        token: Some(String::from_utf8_lossy(&token).trim().to_string()),
        token_file: Some(token_path),
        ..Default::default()
    };
    if let Ok(ca) = std::fs::read(dir.join("ca.crt")) {
        rc.ca_pem = Some(ca);
    }
    if !ov.server.is_empty() {
        rc.server = ov.server.clone();
    }
    if !ov.token.is_empty() {
        rc.token = Some(ov.token.clone());
        rc.token_file = None;
    }
    if !ov.ca_file.is_empty() {
        rc.ca_pem = Some(read_file(&ov.ca_file)?);
    }
    Ok(rc)
}

fn in_cluster_namespace() -> String {
    if let Ok(ns) = std::env::var("POD_NAMESPACE") {
        if !ns.is_empty() {
            return ns;
        }
    }
    if let Ok(data) = std::fs::read_to_string(serviceaccount_dir().join("namespace")) {
        let ns = data.trim();
        if !ns.is_empty() {
            return ns.to_string();
        }
    }
    "default".into()
}

/// `DirectClientConfig.Namespace` plus the deferred loader's in-cluster fallback.
/// Returns the namespace and whether it came from `--namespace`.
pub fn namespace(loaded: &LoadedKubeconfig, overrides: &Overrides) -> Result<(String, bool), KubeconfigError> {
    let d = Direct { cfg: &loaded.config, ov: Ov::from(overrides) };
    if !d.ov.namespace.is_empty() {
        return Ok((d.ov.namespace.clone(), true));
    }
    let errs = d.confirm_usable();
    if !errs.is_empty() {
        return Err(invalid(errs));
    }
    let ctx = d.context().map_err(KubeconfigError::msg)?;
    let ns = if ctx.namespace.is_empty() { "default".to_string() } else { ctx.namespace };
    if !in_cluster_possible() {
        return Ok((ns, false));
    }
    if !ns.is_empty() && ns != "default" {
        return Ok((ns, false));
    }
    if ns == "default" {
        let (name, _) = d.context_name();
        if loaded.config.contexts.get(&name).is_some_and(|c| !c.namespace.is_empty()) {
            return Ok((ns, false));
        }
    }
    Ok((in_cluster_namespace(), false))
}

/// `DeferredLoadingClientConfig.ClientConfig`: the merged kubeconfig with flag
/// overrides, or the in-cluster config when the kubeconfig yields only defaults.
pub fn resolve(loaded: &LoadedKubeconfig, overrides: &Overrides) -> Result<RestConfig, KubeconfigError> {
    let ov = Ov::from(overrides);
    let d = Direct { cfg: &loaded.config, ov: ov.clone() };
    let mut rc = client_config(&d)?;
    if is_default(&rc) && in_cluster_possible() {
        rc = in_cluster(&ov)?;
    }
    let (ns, explicit) = namespace(loaded, overrides).unwrap_or_else(|_| ("default".to_string(), false));
    rc.namespace = ns;
    rc.namespace_explicit = explicit;
    let (ctx, _) = d.context_name();
    rc.context_name = Some(ctx).filter(|s| !s.is_empty());
    let (cluster, _) = d.cluster_name();
    rc.cluster_name = Some(cluster).filter(|s| !s.is_empty());
    Ok(rc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::GlobalArgs;

    fn loaded(yaml: &str) -> LoadedKubeconfig {
        LoadedKubeconfig { config: crate::kubeconfig::load::parse(yaml.as_bytes()).unwrap(), files: vec![] }
    }

    fn ov(f: impl FnOnce(&mut GlobalArgs)) -> Overrides {
        let mut g = GlobalArgs::default();
        f(&mut g);
        Overrides { global: g }
    }

    const BASE: &str = "current-context: c\nclusters:\n- name: s\n  cluster: {server: https://s:6443, certificate-authority-data: Q0EK, tls-server-name: tn}\n- name: p\n  cluster: {server: 'p:80'}\ncontexts:\n- name: c\n  context: {cluster: s, user: u, namespace: ns1}\n- name: p\n  context: {cluster: p, user: u}\nusers:\n- name: u\n  user: {token: tok, as: alice, as-groups: [g1]}\n- name: x\n  user:\n    exec: {command: plug, apiVersion: client.authentication.k8s.io/v1beta1, provideClusterInfo: true}\n";

    #[test]
    fn current_context_and_overrides() {
        let l = loaded(BASE);
        let rc = resolve(&l, &ov(|_| {})).unwrap();
        assert_eq!(rc.server, "https://s:6443");
        assert_eq!(rc.token.as_deref(), Some("tok"));
        assert_eq!(rc.ca_pem.as_deref(), Some(&b"CA\n"[..]));
        assert_eq!(rc.tls_server_name.as_deref(), Some("tn"));
        assert_eq!(rc.namespace, "ns1");
        assert!(!rc.namespace_explicit);
        assert_eq!(rc.impersonate.user.as_deref(), Some("alice"));
        assert_eq!(rc.impersonate.groups, vec!["g1".to_string()]);

        let rc = resolve(&l, &ov(|g| {
            g.namespace = Some("other".into());
            g.token = Some("t2".into());
            g.server = Some("https://o:1/path?q=1".into());
            g.insecure_skip_tls_verify = Some(true);
        }))
        .unwrap();
        assert_eq!(rc.server, "https://o:1/path");
        assert_eq!(rc.token.as_deref(), Some("t2"));
        assert!(rc.insecure_skip_tls_verify);
        assert!(rc.ca_pem.is_none());
        assert_eq!(rc.tls_server_name, None);
        assert_eq!(rc.namespace, "other");
        assert!(rc.namespace_explicit);
    }

    #[test]
    fn plain_http_servers_get_no_credentials() {
        let l = loaded(BASE);
        let rc = resolve(&l, &ov(|g| g.context = Some("p".into()))).unwrap();
        assert_eq!(rc.server, "p:80");
        assert!(rc.token.is_none());
        assert_eq!(rc.namespace, "default");
    }

    #[test]
    fn exec_plugin_and_cluster_info() {
        let l = loaded(BASE);
        let rc = resolve(&l, &ov(|g| g.user = Some("x".into()))).unwrap();
        let e = rc.exec.unwrap();
        assert_eq!(e.command, "plug");
        assert_eq!(e.interactive_mode.as_deref(), Some("IfAvailable"));
        let c = e.cluster.unwrap();
        assert_eq!(c.server, "https://s:6443");
        assert_eq!(c.certificate_authority_data.as_deref(), Some(&b"CA\n"[..]));
    }

    #[test]
    fn missing_names_and_validation() {
        let l = loaded(BASE);
        let err = |o: Overrides| resolve(&l, &o).unwrap_err();
        assert_eq!(err(ov(|g| g.context = Some("nope".into()))).message, "context \"nope\" does not exist");
        assert_eq!(err(ov(|g| g.cluster = Some("nope".into()))).message, "cluster \"nope\" does not exist");
        assert_eq!(err(ov(|g| g.user = Some("nope".into()))).message, "auth info \"nope\" does not exist");
        let e = err(ov(|g| g.username = Some("bob".into())));
        assert_eq!(e.message, "more than one authentication method found for u; found [token basicAuth], only one is allowed");
        assert!(!e.raw);
        let e = namespace(&l, &ov(|g| g.context = Some("nope".into()))).unwrap_err();
        assert_eq!(e.message, "Error in configuration: context was not found for specified context: nope\n");
        assert!(e.raw);
        let two = loaded("current-context: c\nclusters:\n- name: s\n  cluster: {server: https://s, certificate-authority: /nonexistent/ca, certificate-authority-data: Q0EK}\ncontexts:\n- name: c\n  context: {cluster: s}\n");
        let e = resolve(&two, &ov(|_| {})).unwrap_err();
        assert_eq!(e.message, "Error in configuration: \n* certificate-authority-data and certificate-authority are both specified for s. certificate-authority-data will override.\n* unable to read certificate-authority /nonexistent/ca for s due to open /nonexistent/ca: no such file or directory\n");
    }

    #[test]
    fn empty_config_defaults_to_localhost() {
        let rc = resolve(&LoadedKubeconfig::default(), &ov(|_| {})).unwrap();
        if std::env::var_os("KUBERNETES_MASTER").is_none() && std::env::var_os("KUBERNETES_SERVICE_HOST").is_none() {
            assert_eq!(rc.server, "http://localhost:8080");
        }
        assert_eq!(rc.namespace, "default");
    }
}

//! `kctl create service clusterip|nodeport|loadbalancer|externalname NAME`.

use clap::Subcommand;

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const SERVICE: Kind = Kind { kind: "Service", group: "", version: "v1", resource: "services", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true, disable_help_subcommand = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<ServiceKind>,
    #[arg(hide = true)]
    pub args: Vec<String>,
    #[command(flatten, next_help_heading = "Options for the subcommand")]
    pub common: Common,
}

#[derive(Debug, Subcommand)]
pub enum ServiceKind {
    /// Create a ClusterIP service
    Clusterip(ServiceArgs),
    /// Create an ExternalName service
    Externalname(ServiceArgs),
    /// Create a LoadBalancer service
    Loadbalancer(ServiceArgs),
    /// Create a NodePort service
    Nodeport(ServiceArgs),
}

/// The flags of all four kinds; each kind rejects the ones kubectl does not give it.
#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct ServiceArgs {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Port pairs can be specified as '<port>:<targetPort>'.
    #[arg(long, value_name = "PORT:TARGET")]
    pub tcp: Vec<String>,
    /// Assign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing).
    #[arg(long, value_name = "IP")]
    pub clusterip: Option<String>,
    /// Port used to expose the service on each node in a cluster.
    #[arg(long = "node-port", allow_hyphen_values = true, value_name = "PORT")]
    pub node_port: Option<String>,
    /// External name of service
    #[arg(long = "external-name", value_name = "NAME")]
    pub external_name: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let (kind, mut a) = match args.command {
        None => return Err(super::group_usage("create service", &args.args)),
        Some(ServiceKind::Clusterip(a)) => ("ClusterIP", a),
        Some(ServiceKind::Externalname(a)) => ("ExternalName", a),
        Some(ServiceKind::Loadbalancer(a)) => ("LoadBalancer", a),
        Some(ServiceKind::Nodeport(a)) => ("NodePort", a),
    };
    a.common.inherit(&args.common);
    create(kind, a, settings)
}

fn create(kind: &'static str, a: ServiceArgs, settings: &Settings) -> Result<(), CliError> {
    let path: &'static str = match kind {
        "ClusterIP" => "create service clusterip",
        "NodePort" => "create service nodeport",
        "LoadBalancer" => "create service loadbalancer",
        _ => "create service externalname",
    };
    let unknown = |flag: &str| CliError::Raw(format!("Error: unknown flag: {flag}\nSee 'kctl {path} --help' for usage."));
    if a.clusterip.is_some() && kind != "ClusterIP" {
        return Err(unknown("--clusterip"));
    }
    if a.node_port.is_some() && kind != "NodePort" {
        return Err(unknown("--node-port"));
    }
    if a.external_name.is_some() && kind != "ExternalName" {
        return Err(unknown("--external-name"));
    }
    let node_port = match &a.node_port {
        Some(p) => flags::parse_int(path, "--node-port", p, 64)?,
        None => 0,
    };
    let tcp = flags::string_slice(path, "--tcp", &a.tcp)?;
    flags::require(if kind == "ExternalName" && a.external_name.is_none() { &["external-name"] } else { &[] })?;
    let name = flags::name_from_args(path, &a.args)?;
    let ctx = Ctx::complete(settings, path, &a.common)?.ignoring_save_config();
    let cluster_ip = a.clusterip.unwrap_or_default();
    let external_name = a.external_name.unwrap_or_default();
    if cluster_ip == "None" && kind != "ClusterIP" {
        return Err(CliError::msg("ClusterIP=None can only be used with ClusterIP service type"));
    }
    if cluster_ip != "None" && tcp.is_empty() && kind != "ExternalName" {
        return Err(CliError::msg("at least one tcp port specifier must be provided"));
    }
    if kind == "ExternalName" && !is_dns1123_subdomain(&external_name) {
        return Err(CliError::msg(format!("invalid service external name {external_name}")));
    }
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = parse_ports(spec).map_err(CliError::msg)?;
        ports.push(
            Node::obj()
                .with("name", spec.replace(':', "-"))
                .with("protocol", "TCP")
                .with("port", port)
                .with("targetPort", target)
                .with_if(node_port != 0, "nodePort", node_port as i32),
        );
    }
    let app = || Node::string_map([("app", name.as_str())]);
    let spec = Node::obj()
        .with_if(!ports.is_empty(), "ports", Node::Arr(ports))
        .with("selector", app())
        .with_if(!cluster_ip.is_empty(), "clusterIP", cluster_ip.as_str())
        .with("type", kind)
        .with_if(!external_name.is_empty(), "externalName", external_name.as_str());
    let obj = SERVICE
        .object(metadata(&name, ctx.object_namespace(), Some(app()), None))
        .with("spec", spec)
        .with("status", Node::obj().with("loadBalancer", Node::obj()));
    ctx.create(&SERVICE, obj, Wrap::Prefix(format!("failed to create {kind} service: ")))
}

/// `port[:targetPort]`, the target a number or a port name.
fn parse_ports(spec: &str) -> Result<(i64, Node), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port: i64 = match parts[0].parse::<u64>() {
        Ok(p) if p <= 65535 => p as i64,
        Ok(_) => return Err(format!("strconv.ParseUint: parsing {}: value out of range", super::sources::quote(parts[0]))),
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => {
            return Err(format!("strconv.ParseUint: parsing {}: value out of range", super::sources::quote(parts[0])))
        }
        Err(_) => return Err(format!("strconv.ParseUint: parsing {}: invalid syntax", super::sources::quote(parts[0]))),
    };
    if parts.len() == 1 {
        return Ok((port, Node::from(port)));
    }
    let target = parts[1];
    match go_atoi(target) {
        Some(n) => {
            if !(1..=65535).contains(&n) {
                return Err("must be between 1 and 65535, inclusive".into());
            }
            Ok((port, Node::from(n)))
        }
        None => {
            let errs = port_name_errors(target);
            if !errs.is_empty() {
                return Err(errs.join(","));
            }
            Ok((port, Node::from(target)))
        }
    }
}

/// Go's `strconv.Atoi` (decimal, optional sign).
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// `validation.IsValidPortName`.
fn port_name_errors(p: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if p.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string());
    }
    if !p.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if p.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if p.starts_with('-') || p.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// `validation.IsDNS1123Subdomain`.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_lowercase() | b[0].is_ascii_digit()
            && (b[b.len() - 1].is_ascii_lowercase() || b[b.len() - 1].is_ascii_digit())
            && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    };
    s.len() <= 253 && s.split('.').all(label_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports() {
        assert_eq!(parse_ports("80").unwrap(), (80, Node::from(80i64)));
        assert_eq!(parse_ports("80:http").unwrap(), (80, Node::from("http")));
        assert!(parse_ports("x").unwrap_err().contains("invalid syntax"));
        assert!(parse_ports("80:0").unwrap_err().contains("between 1 and 65535"));
        assert!(parse_ports("80:Http").unwrap_err().contains("alpha-numeric"));
        assert!(is_dns1123_subdomain("a.b-c.com"));
        assert!(!is_dns1123_subdomain("bad name"));
    }
}

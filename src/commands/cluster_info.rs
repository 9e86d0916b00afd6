//! `kctl cluster-info`: the control plane address and the cluster services.

use serde_json::Value;

use crate::client::{Request, ResourcePath};
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {}


const DUMP_HINT: &str = "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";

pub fn run(_args: Args, settings: &Settings) -> Result<(), CliError> {
    let result = print_services(settings);
    // kubectl prints the hint even when listing failed.
    if result.is_err() {
        output::print(DUMP_HINT);
    }
    result
}

fn print_services(settings: &Settings) -> Result<(), CliError> {
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    // kubectl maps "services" through discovery first; failures surface there.
    let cache = crate::discovery::DiscoveryCache::new(&client, &settings.cache_dir);
    rt.block_on(crate::discovery::for_mapping(&cache))?;
    let path = ResourcePath { group: "", version: "v1", resource: "services", namespace: Some("kube-system"), ..Default::default() };
    let req = Request::get(path.to_path()).query("labelSelector", "kubernetes.io/cluster-service=true");
    let list: Value = rt.block_on(client.send(&req))?.json()?;
    let server = client.server_url().as_str().trim_end_matches('/').to_string();
    // kubectl colours names and addresses only on a terminal.
    let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let (green, yellow, reset) = if tty { ("\x1b[0;32m", "\x1b[0;33m", "\x1b[0m") } else { ("", "", "") };
    let mut text = format!("{green}Kubernetes control plane{reset} is running at {yellow}{server}{reset}\n");
    for svc in list["items"].as_array().into_iter().flatten() {
        let name = svc["metadata"]["name"].as_str().unwrap_or("");
        let display = svc["metadata"]["labels"]["kubernetes.io/name"].as_str().unwrap_or(name);
        let ingress = svc["status"]["loadBalancer"]["ingress"].as_array().and_then(|a| a.first());
        let link = match ingress {
            Some(i) => {
                let ip = i["ip"].as_str().or_else(|| i["hostname"].as_str()).unwrap_or("");
                let port = svc["spec"]["ports"][0]["port"].as_i64().unwrap_or(0);
                format!("http://{ip}:{port}")
            }
            None => {
                let mut port_name = String::new();
                if let Some(p) = svc["spec"]["ports"].as_array().and_then(|a| a.first()) {
                    port_name = p["name"].as_str().map(String::from).unwrap_or_else(|| p["port"].to_string());
                }
                let target = if port_name.is_empty() { name.to_string() } else { format!("{name}:{port_name}") };
                format!("{server}/api/v1/namespaces/kube-system/services/{target}/proxy")
            }
        };
        text.push_str(&format!("{green}{display}{reset} is running at {yellow}{link}{reset}\n"));
    }
    text.push_str(DUMP_HINT);
    output::print(&text);
    Ok(())
}

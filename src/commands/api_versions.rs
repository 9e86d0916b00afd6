//! `kctl api-versions`: every group/version the server serves, sorted.

use crate::discovery;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, settings: &Settings) -> Result<(), CliError> {
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    // kubectl always asks the server here rather than its cache.
    let d = rt.block_on(discovery::fetch(&client)).map_err(|e| match e {
        discovery::DiscoveryError::Client(c) => match c {
            crate::client::ClientError::Refused { .. } | crate::client::ClientError::Connect(_) => {
                CliError::Message(format!("couldn't get available api versions from server: {}", go_url_error(&client, &c)))
            }
            other => other.into(),
        },
        other => other.into(),
    })?;
    let mut gvs = d.group_versions();
    gvs.sort();
    let mut text = String::new();
    for gv in gvs {
        text.push_str(&gv);
        text.push('\n');
    }
    output::print(&text);
    Ok(())
}

/// Go's `*url.Error` text: `Get "URL": cause`.
pub fn go_url_error(client: &crate::client::Client, e: &crate::client::ClientError) -> String {
    let url = format!("{}/api?timeout=32s", client.server_url().as_str().trim_end_matches('/'));
    let cause = match e {
        crate::client::ClientError::Refused { .. } => {
            let u = client.server_url();
            format!("dial tcp {}:{}: connect: connection refused", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(443))
        }
        crate::client::ClientError::Connect(m) => m.clone(),
        other => other.to_string(),
    };
    format!("Get \"{url}\": {cause}")
}

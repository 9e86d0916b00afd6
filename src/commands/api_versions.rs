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
        discovery::DiscoveryError::Client(c) if c.is_transport() => {
            discovery::report_group_list_error(&c);
            CliError::Message(format!("couldn't get available api versions from server: {}", c.url_error()))
        }
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

//! `kctl ns`: list namespaces and set the context's namespace, like kubens.
//!
//! `kctl ns` lists the server's namespaces (the active one marked on a terminal),
//! `kctl ns NAME` makes NAME the namespace of the selected context (`--context`, else
//! the current one) after checking that it exists, `kctl ns -` goes back to the
//! previous namespace of that context and `kctl ns -c` prints the active one. The
//! context is rewritten in the kubeconfig file that defines it.

use std::io::IsTerminal;

use serde_json::Value;

use super::config::go_quote;
use super::switch_state;
use crate::client::Request;
use crate::error::CliError;
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Namespace to switch to, or "-" for the previous one. Without it, the namespaces are listed.
    #[arg(allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Show the active namespace
    #[arg(short = 'c', long = "current")]
    pub current: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let access = ConfigAccess::new(settings.global.kubeconfig.clone());
    let config = access.starting_config()?;
    let context = settings.global.context.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| config.current_context.clone());
    if context.is_empty() {
        return Err(CliError::msg("current-context is not set"));
    }
    let Some(ctx) = config.contexts.get(&context) else {
        return Err(CliError::msg(format!("no context exists with the name: {}", go_quote(&context))));
    };
    let active = if ctx.namespace.is_empty() { "default".to_string() } else { ctx.namespace.clone() };
    if args.current {
        output::print(&format!("{active}\n"));
        return Ok(());
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let Some(name) = args.name else {
        let list: Value = rt.block_on(client.send(&Request::get("/api/v1/namespaces")))?.json()?;
        let mut names: Vec<&str> = list["items"].as_array().into_iter().flatten().filter_map(|i| i["metadata"]["name"].as_str()).collect();
        names.sort_unstable();
        let tty = std::io::stdout().is_terminal();
        output::print(&switch_state::render_names(names.into_iter(), &active, tty));
        return Ok(());
    };
    let mut state = switch_state::load();
    let target = if name == "-" {
        state
            .previous_namespaces
            .get(&context)
            .cloned()
            .ok_or_else(|| CliError::msg(format!("no previous namespace found for context {}", go_quote(&context))))?
    } else {
        name
    };
    check_exists(&rt, &client, &target)?;
    modify_config(&access, true, |config| {
        let Some(ctx) = config.contexts.get_mut(&context) else {
            return Err(CliError::msg(format!("no context exists with the name: {}", go_quote(&context))));
        };
        ctx.namespace = target.clone();
        Ok(())
    })?;
    if active != target {
        state.previous_namespaces.insert(context.clone(), active);
        switch_state::save(&state)?;
    }
    output::print(&format!("Context {} modified.\nActive namespace is {}.\n", go_quote(&context), go_quote(&target)));
    Ok(())
}

/// kubens refuses a namespace the server does not know. A user who may not read
/// namespaces (403) gets the benefit of the doubt, as they can still work in one.
fn check_exists(rt: &tokio::runtime::Runtime, client: &crate::client::Client, name: &str) -> Result<(), CliError> {
    if name.is_empty() || name.contains('/') {
        return Err(CliError::msg(format!("no namespace exists with name {}", go_quote(name))));
    }
    match rt.block_on(client.send(&Request::get(format!("/api/v1/namespaces/{name}")))) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Err(CliError::msg(format!("no namespace exists with name {}", go_quote(name)))),
        Err(e) if e.is_forbidden() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

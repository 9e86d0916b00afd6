//! `kctl ctx`: list and switch kubeconfig contexts, like kubectx.
//!
//! `kctl ctx` lists the contexts (sorted; the current one marked on a terminal),
//! `kctl ctx NAME` switches, `kctl ctx -` switches back to the previous one and
//! `kctl ctx -c` prints the current one. The change goes through the kubeconfig
//! writer (`config use-context` semantics: with several `$KUBECONFIG` files,
//! `current-context` is written to the first file that sets one, else the first).

use std::io::IsTerminal;

use super::config::go_quote;
use super::switch_state;
use crate::error::CliError;
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Context to switch to, or "-" for the previous one. Without it, the contexts are listed.
    #[arg(allow_hyphen_values = true)]
    pub name: Option<String>,
    /// Show the current context name
    #[arg(short = 'c', long = "current")]
    pub current: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let access = ConfigAccess::new(settings.global.kubeconfig.clone());
    let config = access.starting_config()?;
    if args.current {
        if config.current_context.is_empty() {
            return Err(CliError::msg("current-context is not set"));
        }
        output::print(&format!("{}\n", config.current_context));
        return Ok(());
    }
    let Some(name) = args.name else {
        let tty = std::io::stdout().is_terminal();
        output::print(&switch_state::render_names(config.contexts.keys().map(String::as_str), &config.current_context, tty));
        return Ok(());
    };
    let mut state = switch_state::load();
    let target = if name == "-" {
        state.previous_context.clone().ok_or_else(|| CliError::msg("no previous context found"))?
    } else {
        name
    };
    let previous = modify_config(&access, true, |config| {
        if target.is_empty() {
            return Err(CliError::msg("empty context names are not allowed"));
        }
        if !config.contexts.contains_key(&target) {
            return Err(CliError::msg(format!("no context exists with the name: {}", go_quote(&target))));
        }
        let previous = std::mem::replace(&mut config.current_context, target.clone());
        Ok(previous)
    })?;
    if !previous.is_empty() && previous != target {
        state.previous_context = Some(previous);
        switch_state::save(&state)?;
    }
    output::print(&format!("Switched to context {}.\n", go_quote(&target)));
    Ok(())
}

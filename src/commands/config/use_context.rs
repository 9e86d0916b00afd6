//! `kctl config use-context` (alias `use`).

use super::{go_list, go_quote, help_error};
use crate::error::CliError;
use crate::kubeconfig::write::{modify_config, ConfigAccess};

pub fn run(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    if args.len() != 1 {
        return Err(help_error("use-context", format!("Unexpected args: {}", go_list(args))));
    }
    let name = args[0].clone();
    modify_config(access, true, |config| {
        if name.is_empty() {
            return Err(CliError::msg("empty context names are not allowed"));
        }
        if !config.contexts.contains_key(&name) {
            return Err(CliError::msg(format!("no context exists with the name: {}", go_quote(&name))));
        }
        config.current_context = name.clone();
        Ok(())
    })?;
    crate::output::print(&format!("Switched to context {}.\n", go_quote(&name)));
    Ok(())
}

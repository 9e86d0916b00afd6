//! `kctl config rename-context`.

use super::{config_file_name, go_list, go_quote, help_error};
use crate::error::CliError;
use crate::kubeconfig::write::{modify_config, ConfigAccess};

pub fn run(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    if args.len() != 2 {
        return Err(help_error("rename-context", format!("Unexpected args: {}", go_list(args))));
    }
    let (old, new) = (args[0].clone(), args[1].clone());
    if new.is_empty() {
        return Err(CliError::msg("You must specify a new non-empty context name"));
    }
    let file = config_file_name(access);
    modify_config(access, true, |config| {
        let Some(ctx) = config.contexts.get(&old).cloned() else {
            return Err(CliError::msg(format!("cannot rename the context {}, it's not in {file}", go_quote(&old))));
        };
        if config.contexts.contains_key(&new) {
            return Err(CliError::msg(format!(
                "cannot rename the context {}, the context {} already exists in {file}",
                go_quote(&old),
                go_quote(&new)
            )));
        }
        config.contexts.insert(new.clone(), ctx);
        config.contexts.remove(&old);
        if config.current_context == old {
            config.current_context = new.clone();
        }
        Ok(())
    })?;
    crate::output::print(&format!("Context {} renamed to {}.\n", go_quote(&old), go_quote(&new)));
    Ok(())
}

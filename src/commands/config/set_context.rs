//! `kctl config set-context`. `--cluster`, `--user` and `--namespace` are the
//! global flags of the same names.

use super::{bool_flag, go_list, go_quote, help_error, Common};
use crate::error::CliError;
use crate::kubeconfig::types::Context;
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct SetContextArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub current: Option<String>,
}

pub fn run(access: &ConfigAccess, a: SetContextArgs, settings: &Settings) -> Result<(), CliError> {
    let current = bool_flag(&a.current, "current", "set-context")?.unwrap_or(false);
    let args = &a.common.args;
    if args.len() > 1 {
        return Err(help_error("set-context", format!("Unexpected args: {}", go_list(args))));
    }
    let name = args.first().cloned().unwrap_or_default();
    if name.is_empty() && !current {
        return Err(CliError::msg("you must specify a non-empty context name or --current"));
    }
    if !name.is_empty() && current {
        return Err(CliError::msg("you cannot specify both a context name and --current"));
    }
    let g = &settings.global;
    let (cluster, user, namespace) = (g.cluster.clone(), g.user.clone(), g.namespace.clone());
    let (name, existed) = modify_config(access, true, |config| {
        let name = if current {
            if config.current_context.is_empty() {
                return Err(CliError::msg("no current context is set"));
            }
            config.current_context.clone()
        } else {
            name.clone()
        };
        let existed = config.contexts.contains_key(&name);
        let mut ctx = config.contexts.get(&name).cloned().unwrap_or_else(Context::default);
        if let Some(c) = &cluster {
            ctx.cluster = c.clone();
        }
        if let Some(u) = &user {
            ctx.auth_info = u.clone();
        }
        if let Some(n) = &namespace {
            ctx.namespace = n.clone();
        }
        config.contexts.insert(name.clone(), ctx);
        Ok((name, existed))
    })?;
    let verb = if existed { "modified" } else { "created" };
    crate::output::print(&format!("Context {} {verb}.\n", go_quote(&name)));
    Ok(())
}

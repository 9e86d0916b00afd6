//! `kctl config delete-context`, `delete-cluster`, `delete-user`.

use super::{config_file_name, print_help};
use crate::error::CliError;
use crate::kubeconfig::write::{modify_config, ConfigAccess};

pub fn delete_context(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    let config = access.starting_config()?;
    if args.len() != 1 {
        print_help("delete-context");
        return Ok(());
    }
    let name = args[0].clone();
    let file = config_file_name(access);
    if !config.contexts.contains_key(&name) {
        return Err(CliError::msg(format!("cannot delete context {name}, not in {file}")));
    }
    if config.current_context == name {
        eprintln!("warning: this removed your active context, use \"kubectl config use-context\" to select a different one");
    }
    modify_config(access, true, |c| {
        c.contexts.remove(&name);
        Ok::<(), CliError>(())
    })?;
    crate::output::print(&format!("deleted context {name} from {file}\n"));
    Ok(())
}

pub fn delete_cluster(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    let config = access.starting_config()?;
    if args.len() != 1 {
        print_help("delete-cluster");
        return Ok(());
    }
    let name = args[0].clone();
    let file = config_file_name(access);
    if !config.clusters.contains_key(&name) {
        return Err(CliError::msg(format!("cannot delete cluster {name}, not in {file}")));
    }
    modify_config(access, true, |c| {
        c.clusters.remove(&name);
        Ok::<(), CliError>(())
    })?;
    crate::output::print(&format!("deleted cluster {name} from {file}\n"));
    Ok(())
}

pub fn delete_user(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    let config = access.starting_config()?;
    if args.len() != 1 {
        return Err(CliError::msg("user to delete is required\nSee 'kctl config delete-user -h' for help and examples"));
    }
    let name = args[0].clone();
    let file = config_file_name(access);
    if !config.auth_infos.contains_key(&name) {
        return Err(CliError::msg(format!("cannot delete user {name}, not in {file}")));
    }
    modify_config(access, true, |c| {
        c.auth_infos.remove(&name);
        Ok::<(), CliError>(())
    })?;
    crate::output::print(&format!("deleted user {name} from {file}\n"));
    Ok(())
}

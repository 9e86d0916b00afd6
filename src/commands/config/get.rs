//! `kctl config current-context`, `get-contexts`, `get-clusters`, `get-users`.

use super::{aggregate, bool_flag, Common};
use crate::error::CliError;
use crate::kubeconfig::write::ConfigAccess;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct GetContextsArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub no_headers: Option<String>,
    #[arg(short = 'o', long = "output", hide = true)]
    pub output: Option<String>,
}

pub fn current_context(access: &ConfigAccess) -> Result<(), CliError> {
    let config = access.starting_config()?;
    if config.current_context.is_empty() {
        return Err(CliError::msg("current-context is not set"));
    }
    output::print(&format!("{}\n", config.current_context));
    Ok(())
}

pub fn get_clusters(access: &ConfigAccess) -> Result<(), CliError> {
    let config = access.starting_config()?;
    let mut s = String::from("NAME\n");
    for name in config.clusters.keys() {
        s.push_str(name);
        s.push('\n');
    }
    output::print(&s);
    Ok(())
}

pub fn get_users(access: &ConfigAccess) -> Result<(), CliError> {
    let config = access.starting_config()?;
    let mut s = String::from("NAME\n");
    for name in config.auth_infos.keys() {
        s.push_str(name);
        s.push('\n');
    }
    output::print(&s);
    Ok(())
}

pub fn get_contexts(access: &ConfigAccess, a: GetContextsArgs) -> Result<(), CliError> {
    let no_headers = bool_flag(&a.no_headers, "no-headers", "get-contexts")?.unwrap_or(false);
    let output = a.output.clone().unwrap_or_default();
    if !output.is_empty() && output != "name" {
        return Err(CliError::msg(format!(
            "--output {output} is not available in kubectl config get-contexts; resetting to default output format"
        )));
    }
    let name_only = output == "name";
    let show_headers = !no_headers && !name_only;
    let config = access.starting_config()?;

    let mut errs = Vec::new();
    let mut names: Vec<&String> = Vec::new();
    if a.common.args.is_empty() {
        names.extend(config.contexts.keys());
    } else {
        for n in &a.common.args {
            match config.contexts.get_key_value(n) {
                Some((k, _)) => names.push(k),
                None => errs.push(format!("context {n} not found")),
            }
        }
    }
    names.sort();
    let mut table = String::new();
    if show_headers {
        table.push_str(if name_only { "CURRENT\n" } else { "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n" });
    }
    for name in names {
        let ctx = &config.contexts[name];
        if name_only {
            table.push_str(name);
            table.push('\n');
        } else {
            let mark = if &config.current_context == name { "*" } else { " " };
            table.push_str(&format!("{mark}\t{name}\t{}\t{}\t{}\n", ctx.cluster, ctx.auth_info, ctx.namespace));
        }
    }
    if name_only {
        output::print(&table);
    } else {
        output::print(&crate::printers::tabwriter::format(&table));
    }
    aggregate(errs)
}

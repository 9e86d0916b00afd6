//! `kctl api-resources`: the resources the server serves, from discovery.

use crate::discovery::{self, ApiResource};
use crate::error::CliError;
use crate::output;
use crate::printers::tabwriter;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API group to filter by ("" for the core group).
    #[arg(long = "api-group")]
    pub api_group: Option<String>,
    /// Use the cached list of resources if available.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub cached: Option<bool>,
    /// Limit to resources that belong to the specified categories.
    #[arg(long, value_delimiter = ',')]
    pub categories: Vec<String>,
    /// If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub namespaced: Option<bool>,
    /// When using the default or custom-column output format, don't print headers (default print headers).
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub no_headers: Option<bool>,
    /// Output format. One of: (wide, name).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// If non-empty, sort list of resources using specified field. One of (name, kind).
    #[arg(long = "sort-by")]
    pub sort_by: Option<String>,
    /// Limit to resources that support the specified verbs.
    #[arg(long, value_delimiter = ',')]
    pub verbs: Vec<String>,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let wide = match args.output.as_deref() {
        None | Some("") => false,
        Some("wide") => true,
        Some("name") => false,
        Some(other) => return Err(CliError::msg(format!("--output {other} is not available"))),
    };
    if let Some(s) = args.sort_by.as_deref() {
        if s != "name" && s != "kind" {
            return Err(CliError::msg("--sort-by accepts only name or kind"));
        }
    }
    let client = settings.client()?;
    let cache = discovery::DiscoveryCache::new(&client, &settings.cache_dir);
    let rt = crate::commands::runtime();
    let fetched = if args.cached.unwrap_or(false) { rt.block_on(cache.get()) } else { rt.block_on(cache.refresh()) };
    let d = match fetched {
        Ok(d) => d,
        Err(discovery::DiscoveryError::Client(c)) if c.is_transport() => {
            // kubectl logs the failed group list and still prints the (empty) table.
            discovery::report_group_list_error(&c);
            if args.output.as_deref() != Some("name") {
                output::print(&render_table(&[], wide, !args.no_headers.unwrap_or(false)));
            }
            return Err(c.into());
        }
        Err(e) => return Err(e.into()),
    };

    let mut rows: Vec<&ApiResource> = d
        .preferred_resources()
        .filter(|r| args.api_group.as_deref().is_none_or(|g| r.group == g))
        .filter(|r| args.namespaced.is_none_or(|n| r.namespaced == n))
        .filter(|r| args.verbs.iter().all(|v| r.verbs.iter().any(|rv| rv == v)))
        .filter(|r| args.categories.iter().all(|c| r.categories.iter().any(|rc| rc == c)))
        .collect();
    let key = |r: &ApiResource| -> String {
        match args.sort_by.as_deref() {
            Some("name") => r.name.clone(),
            Some("kind") => r.kind.clone(),
            _ => r.group.clone(),
        }
    };
    rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name)));

    let text = if args.output.as_deref() == Some("name") {
        rows.iter().map(|r| format!("{}\n", r.qualified_name())).collect()
    } else {
        render_table(&rows, wide, !args.no_headers.unwrap_or(false))
    };
    output::print(&text);
    if !d.failed.is_empty() {
        let parts: Vec<String> = d.failed.iter().map(|(gv, e)| format!("{gv}: {e}")).collect();
        return Err(CliError::msg(format!("unable to retrieve the complete list of server APIs: {}", parts.join(", "))));
    }
    Ok(())
}

fn render_table(rows: &[&ApiResource], wide: bool, headers: bool) -> String {
    let mut buf = String::new();
    if headers {
        buf.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND");
        if wide {
            buf.push_str("\tVERBS\tCATEGORIES");
        }
        buf.push('\n');
    }
    for r in rows {
        buf.push_str(&format!("{}\t{}\t{}\t{}\t{}", r.name, r.short_names.join(","), r.group_version(), r.namespaced, r.kind));
        if wide {
            buf.push_str(&format!("\t{}\t{}", r.verbs.join(","), r.categories.join(",")));
        }
        buf.push('\n');
    }
    tabwriter::format(&buf)
}

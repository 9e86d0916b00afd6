//! `kctl rollout history`: the REVISION/CHANGE-CAUSE table, one revision's
//! pod template, or (with -o) the objects that record the revisions.

use serde_json::Value;

use super::ordered::OValue;
use super::revisions::{self, Revision};
use super::{Failure, Found, PrintArgs, Selection, WorkloadKind};
use crate::client::Client;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub selection: Selection,
    #[command(flatten)]
    pub print: PrintArgs,
    /// See the details, including podTemplate of the revision specified
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    pub revision: i64,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let format = args.print.format()?;
    super::require_resources(&args.selection)?;
    if args.revision < 0 {
        return Err(CliError::msg(format!("revision must be a positive integer: {}", args.revision)));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let found = super::collect(&client, settings, &args.selection).await?;
        let mut errors = Vec::new();
        for f in found {
            let result = match f {
                Ok(f) => one(&client, &f, &args, &format).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(text) => {
                    output::print(&text);
                    output::flush_stdout();
                }
                Err(e) => errors.push(e),
            }
        }
        super::finish(errors)
    })
}

/// The revisions of one workload as (number, printable object, ordered object, template).
struct History {
    entries: Vec<(i64, Value, OValue, Value, String)>,
}

async fn history(client: &Client, f: &Found) -> Result<History, Failure> {
    let live_o = revisions::live(client, f).await.map_err(|e| match f.kind() {
        WorkloadKind::Deployment => format!("failed to retrieve deployment {}: {}", f.name, e.message()),
        WorkloadKind::DaemonSet => format!("failed to retrieve DaemonSet {}: {}", f.name, e.message()),
        _ => format!("failed to retrieve Statefulset {}: {}", f.name, e.message()),
    })?;
    let live = live_o.to_value();
    let mut entries = Vec::new();
    match f.kind() {
        WorkloadKind::Deployment => {
            for rs in revisions::replica_sets(client, f, &live).await.map_err(Failure::plain)? {
                let mut template = rs.object["spec"]["template"].clone();
                let cause = rs.object["metadata"]["annotations"][CHANGE_CAUSE].as_str().unwrap_or("").to_string();
                if !cause.is_empty() {
                    template["metadata"]["annotations"][CHANGE_CAUSE] = Value::String(cause.clone());
                }
                entries.push((rs.number, rs.object, rs.ordered, template, cause));
            }
        }
        kind => {
            for rev in revisions::controller_revisions(client, f, &live).await.map_err(Failure::plain)? {
                let Revision { number, .. } = rev;
                let applied = revisions::apply_revision(&live_o, &rev, kind);
                let cause = rev.object["metadata"]["annotations"][CHANGE_CAUSE].as_str().unwrap_or("").to_string();
                let value = applied.to_value();
                let template = value["spec"]["template"].clone();
                entries.push((number, value, applied, template, cause));
            }
        }
    }
    // Later entries with the same number win, as in kubectl's map.
    let mut dedup: Vec<(i64, Value, OValue, Value, String)> = Vec::new();
    for e in entries {
        dedup.retain(|d| d.0 != e.0);
        dedup.push(e);
    }
    dedup.sort_by_key(|e| e.0);
    Ok(History { entries: dedup })
}

async fn one(client: &Client, f: &Found, args: &Args, format: &OutputFormat) -> Result<String, Failure> {
    if f.kind() == WorkloadKind::Other {
        return Err(f.no_visitor("history", "history viewer"));
    }
    let h = history(client, f).await?;
    if *format != OutputFormat::Table {
        let picked: Vec<&(i64, Value, OValue, Value, String)> = if args.revision > 0 {
            match h.entries.iter().find(|e| e.0 == args.revision) {
                Some(e) => vec![e],
                None => return Err("unable to find the specified revision".into()),
            }
        } else {
            h.entries.iter().collect()
        };
        let mut text = String::new();
        for (i, e) in picked.iter().enumerate() {
            if i > 0 && *format == OutputFormat::Yaml {
                text.push_str("---\n");
            }
            text.push_str(&args.print.render(format, &e.1, Some(&e.2), "").map_err(super::error_line)?);
        }
        return Ok(text);
    }
    let body = if h.entries.is_empty() {
        "No rollout history found.".to_string()
    } else if args.revision > 0 {
        match h.entries.iter().find(|e| e.0 == args.revision) {
            Some(e) => super::pod_template::describe(&e.3),
            None => return Err("unable to find the specified revision".into()),
        }
    } else {
        use crate::printers::tabwriter::{Flags, TabWriter};
        let mut tw = TabWriter::with_settings(0, 8, 2, b' ', Flags::NONE);
        let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
        for e in &h.entries {
            let cause = if e.4.is_empty() { "<none>" } else { e.4.as_str() };
            table.push_str(&format!("{}\t{cause}\n", e.0));
        }
        tw.write_str(&table);
        tw.flush()
    };
    let with_revision = if args.revision > 0 { format!("with revision #{}", args.revision) } else { String::new() };
    Ok(format!("{} {with_revision}\n{body}\n", f.kind_name()))
}

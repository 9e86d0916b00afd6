//! `kctl get`: list or fetch objects and print them exactly as kubectl does.

mod fetch;
mod objects;
mod gotemplate;
mod table;

mod watch;

use crate::client::{Client, ClientError, Request};
use crate::commands::targets;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::printers::tabwriter;
use crate::settings::Settings;

pub use gotemplate::go_template;
pub use table::kind_prefix as table_kind_prefix;
pub use table::TABLE_ACCEPT;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TYPE[.VERSION][.GROUP] [NAME ...] | TYPE[.VERSION][.GROUP]/NAME ...
    pub args: Vec<String>,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all_namespaces: Option<bool>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Return large lists in chunks rather than all at once. Pass 0 to disable.
    #[arg(long = "chunk-size", default_value_t = 500)]
    pub chunk_size: i64,
    /// Selector (field query) to filter on, supports '=', '==', and '!='.
    #[arg(long = "field-selector")]
    pub field_selector: Option<String>,
    /// Filename, directory, or URL to files identifying the resource to get from a server.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// If the requested object does not exist the command will return exit code 0.
    #[arg(long = "ignore-not-found", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub ignore_not_found: Option<bool>,
    /// Accepts a comma separated list of labels that are going to be presented as columns.
    #[arg(short = 'L', long = "label-columns", value_delimiter = ',')]
    pub label_columns: Vec<String>,
    /// When using the default or custom-column output format, don't print headers (default print headers).
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub no_headers: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Output watch event objects when --watch or --watch-only is used.
    #[arg(long = "output-watch-events", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub output_watch_events: Option<bool>,
    /// Raw URI to request from the server.
    #[arg(long)]
    pub raw: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// kctl extension: print the objects as one would write them (no status, server bookkeeping or defaults; see printers/neat.rs). Implies -o yaml; works with -o yaml and -o json.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub neat: Option<bool>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, have the server return the appropriate table output.
    #[arg(long = "server-print", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub server_print: bool,
    /// If present, list the resource type for the requested object(s).
    #[arg(long = "show-kind", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_kind: Option<bool>,
    /// When printing, show all labels as the last column.
    #[arg(long = "show-labels", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_labels: Option<bool>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// If non-empty, sort list types using this field specification (a JSONPath expression).
    #[arg(long = "sort-by")]
    pub sort_by: Option<String>,
    /// If specified, gets the subresource of the requested object.
    #[arg(long)]
    pub subresource: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
    /// After listing/getting the requested object, watch for changes.
    #[arg(short = 'w', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub watch: Option<bool>,
    /// Watch for changes to the requested object(s), without listing/getting first.
    #[arg(long = "watch-only", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub watch_only: Option<bool>,
}

fn flag(v: Option<bool>) -> bool {
    v.unwrap_or(false)
}

/// Everything a fetch needs to know, resolved once from the flags.
pub struct Query {
    pub namespace: String,
    pub all_namespaces: bool,
    pub selector: Option<String>,
    pub field_selector: Option<String>,
    pub chunk_size: i64,
    pub subresource: Option<String>,
    pub table: bool,
    /// `--sort-by` on a table asks for whole objects in the rows.
    pub include_object: bool,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let neat = flag(args.neat);
    let output = if neat && args.output.as_deref().is_none_or(str::is_empty) { Some("yaml") } else { args.output.as_deref() };
    let format = OutputFormat::parse(output, args.template.as_deref())?;
    if neat && !matches!(format, OutputFormat::Yaml | OutputFormat::Json) {
        return Err(CliError::msg("--neat can only be used with -o yaml or -o json"));
    }
    if neat && (flag(args.watch) || flag(args.watch_only)) {
        return Err(CliError::msg("--neat cannot be used with --watch or --watch-only"));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    if let Some(raw) = args.raw.as_deref() {
        return rt.block_on(get_raw(&client, raw, &args));
    }
    let (resolved, problems) = if args.filename.is_empty() {
        let selection = targets::parse(&args.args)?;
        (rt.block_on(targets::resolve_on_server(&client, &settings.cache_dir, &selection))?, Vec::new())
    } else {
        let items = crate::commands::manifests::read(&args.filename, flag(args.recursive), false).map_err(|e| unprefixed_for_kustomize(e, args.kustomize.is_some()))?;
        rt.block_on(targets::from_items(&client, &settings.cache_dir, items))?
    };
    let cfg = client.config();
    let all_namespaces = flag(args.all_namespaces);
    let query = Query {
        namespace: cfg.namespace.clone(),
        all_namespaces,
        selector: args.selector.clone().filter(|s| !s.is_empty()),
        field_selector: args.field_selector.clone().filter(|s| !s.is_empty()),
        chunk_size: if args.sort_by.is_some() { 0 } else { args.chunk_size },
        subresource: args.subresource.clone(),
        table: format.is_table() && args.server_print,
        include_object: format.is_table() && args.sort_by.is_some(),
    };
    if query.subresource.is_some() && resolved.iter().any(|t| t.names.is_empty()) {
        return Err(CliError::msg("subresource cannot be used when bulk resources are specified"));
    }
    if flag(args.watch) || flag(args.watch_only) {
        return rt.block_on(watch::run(&client, &resolved, &query, &format, &args));
    }
    let single_implied = resolved.len() == 1 && resolved[0].names.len() == 1 && problems.is_empty();
    let ctx = objects::PrintContext { format: &format, args: &args, single_implied, query: &query };
    let result = rt.block_on(print_all(&client, &resolved, &ctx));
    with_problems(result, problems, format.is_table())
}

/// Documents `-f` could not map are reported after the objects. kubectl's
/// table path prints its builder's aggregate bare; the other printers give a
/// lone error the `error: ` prefix.
fn with_problems(result: Result<(), CliError>, mut problems: Vec<String>, table: bool) -> Result<(), CliError> {
    if problems.is_empty() {
        return result;
    }
    if let Err(e) = &result {
        let text = match e {
            CliError::Message(m) | CliError::Raw(m) => m.clone(),
            CliError::Exit(_) => String::new(),
        };
        problems.insert(0, text);
    }
    if problems.len() == 1 && !table {
        return Err(CliError::Message(problems.remove(0)));
    }
    Err(CliError::Raw(problems.join("\n")))
}

async fn print_all(client: &Client, resolved: &[targets::Target], ctx: &objects::PrintContext<'_>) -> Result<(), CliError> {
    let ignore_not_found = flag(ctx.args.ignore_not_found);
    let mut errors: Vec<ClientError> = Vec::new();
    if ctx.query.table {
        let results = futures_util::future::join_all(resolved.iter().map(|t| fetch::tables(client, t, ctx.query))).await;
        let mut fetched = Vec::new();
        for (t, res) in resolved.iter().zip(results) {
            let (tables, errs) = res?;
            for e in errs {
                if !(ignore_not_found && e.is_not_found()) {
                    errors.push(e);
                }
            }
            fetched.push((t, tables));
        }
        // Names carry their kind when more than one type answered: every list
        // counts (even an empty one), a named get only when something was found.
        let kinds_printed = fetched.iter().filter(|(t, tables)| t.names.is_empty() || tables.iter().any(objects::has_rows)).count();
        let mut text = String::new();
        let mut printed_rows = 0usize;
        for (t, tables) in fetched {
            let rendered = objects::render_tables(&t.resource, &tables, ctx, kinds_printed > 1)?;
            if rendered.rows.is_empty() {
                continue;
            }
            if printed_rows > 0 && !flag(ctx.args.no_headers) {
                text.push('\n');
            }
            // Each type gets its own column widths, as kubectl flushes per type.
            let mut group = String::new();
            let has_header = rendered.header.is_some();
            if let Some(h) = rendered.header {
                group.push_str(&h);
                group.push('\n');
            }
            for r in &rendered.rows {
                group.push_str(r);
                group.push('\n');
            }
            text.push_str(&crate::color::table(&tabwriter::format(&group), has_header));
            printed_rows += rendered.rows.len();
        }
        output::print(&text);
        if printed_rows == 0 && errors.is_empty() && !ignore_not_found {
            output::flush_stdout();
            eprintln!("{}", no_resources_message(resolved, ctx.query));
        }
    } else {
        let mut sink = objects::ObjectSink::new(ctx);
        for t in resolved {
            let errs = fetch::objects(client, t, ctx.query, &mut |items| sink.push(t, items)).await?;
            for e in errs {
                if !(ignore_not_found && e.is_not_found()) {
                    errors.push(e);
                }
            }
        }
        sink.finish()?;
    }
    if errors.is_empty() {
        return Ok(());
    }
    output::flush_stdout();
    let last = errors.pop().unwrap();
    for e in errors {
        eprintln!("{e}");
    }
    Err(last.into())
}

/// `No resources found in demo namespace.`, or without a namespace for
/// cluster-scoped types and -A.
pub(super) fn no_resources_message(resolved: &[targets::Target], q: &Query) -> String {
    let namespaced = resolved.iter().any(|t| t.resource.namespaced);
    if namespaced && !q.all_namespaces {
        format!("No resources found in {} namespace.", q.namespace)
    } else {
        "No resources found".to_string()
    }
}

/// `--raw /path`: the body exactly as the server sent it.
async fn get_raw(client: &Client, raw: &str, args: &Args) -> Result<(), CliError> {
    if !args.args.is_empty() || args.output.is_some() {
        return Err(CliError::msg("arguments may not be passed when --raw is specified"));
    }
    let req = Request::get(raw.to_string());
    let resp = client.send_raw(&req).await?;
    if !(200..300).contains(&resp.status) {
        return Err(client.status_error(&resp).into());
    }
    let text = String::from_utf8_lossy(&resp.body);
    output::print(&text);
    Ok(())
}

/// get and describe print a kustomization that does not build without
/// kubectl's `error: ` prefix (the builder's error reaches them bare); `e`
/// is an error of reading the manifests.
pub fn unprefixed_for_kustomize(e: CliError, kustomize: bool) -> CliError {
    match e {
        CliError::Message(m) if kustomize => CliError::Raw(m),
        other => other,
    }
}

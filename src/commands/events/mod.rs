//! `kctl events`: the namespace's events as kubectl's events table, sorted by
//! when they last happened, or as an EventList in the PrintFlags formats.

pub mod typed;

use std::time::SystemTime;

use serde_json::Value;

use crate::client::{Client, ClientError, Request};
use crate::commands::print_flags::{self, ObjectPrinter};
use crate::commands::watch_stream::WatchStream;
use crate::error::CliError;
use crate::output;
use crate::printers::tabwriter::TabWriter;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// kubectl accepts and ignores positional arguments.
    #[arg(hide = true)]
    pub ignored: Vec<String>,
    /// If present, list the requested object(s) across all namespaces.
    #[arg(short = 'A', long = "all-namespaces", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all_namespaces: Option<bool>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Return large lists in chunks rather than all at once. Pass 0 to disable.
    #[arg(long = "chunk-size", default_value_t = 500)]
    pub chunk_size: i64,
    /// Filter events to only those pertaining to the specified resource.
    #[arg(long = "for")]
    pub for_object: Option<String>,
    /// When using the default output format, don't print headers.
    #[arg(long = "no-headers", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub no_headers: Option<bool>,
    /// Output format.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
    /// Output only events of given types.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// After listing the requested events, watch for more events.
    #[arg(short = 'w', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub watch: Option<bool>,
}

/// kubectl lists events in pages of its default chunk size whatever
/// `--chunk-size` says (the flag is registered but never read).
const LIMIT: &str = "500";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(run_async(&client, &args, settings))
}

async fn run_async(client: &Client, args: &Args, settings: &Settings) -> Result<(), CliError> {
    let namespace = client.config().namespace.clone();
    let all_namespaces = args.all_namespaces.unwrap_or(false);
    let field_selector = match args.for_object.as_deref().filter(|f| !f.is_empty()) {
        Some(f) => for_selector(client, settings, f).await?,
        None => None,
    };
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    // kubectl dedups and sorts the types before validating them.
    let mut types = args.types.clone();
    types.sort();
    types.dedup();
    if types.iter().any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning")) {
        return Err(CliError::msg("valid --types are Normal or Warning"));
    }
    let wanted = |ev: &Value| types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(ev["type"].as_str().unwrap_or("")));
    let mut req = Request::get(if all_namespaces { "/api/v1/events".to_string() } else { format!("/api/v1/namespaces/{namespace}/events") });
    if let Some(fs) = &field_selector {
        req = req.query("fieldSelector", fs.clone());
    }
    req = req.query("limit", LIMIT);
    let mut printer = Printer {
        table: TableState { no_headers: args.no_headers.unwrap_or(false), all_namespaces, headers_done: false, tab: TabWriter::new() },
        objects: format.map(|f| ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), true)),
    };
    if args.watch.unwrap_or(false) {
        return watch(client, req.query("watch", "true"), &wanted, &mut printer).await;
    }
    let mut items = list(client, req).await?;
    items.retain(|e| wanted(e));
    if items.is_empty() {
        if all_namespaces {
            eprintln!("No events found.");
        } else {
            eprintln!("No events found in {namespace} namespace.");
        }
        return Ok(());
    }
    sort_events(&mut items);
    let text = match &mut printer.objects {
        // kubectl's name printer finds no objects in its EventList (the items
        // are struct values, not pointers), so it prints nothing.
        Some(p) if p.format == crate::printers::format::OutputFormat::Name => String::new(),
        // kubectl ignores the printer's error here.
        Some(p) => p.render_lenient(&typed::event_list(&items)),
        None => {
            let now = SystemTime::now();
            let mut lines = printer.table.header();
            for e in &items {
                lines.push_str(&row(e, all_namespaces, now));
            }
            lines
        }
    };
    output::print(&printer.table.through_tabwriter(&text));
    Ok(())
}

/// `--for TYPE/NAME` as kubectl's field selector on the involved object.
async fn for_selector(client: &Client, settings: &Settings, spec: &str) -> Result<Option<String>, CliError> {
    let Some((resource, name)) = spec.split_once('/') else {
        return Err(CliError::msg("--for must be in resource/name form"));
    };
    if name.contains('/') {
        return Err(CliError::msg("arguments in resource/name form may not have more than one slash"));
    }
    let cache = crate::discovery::DiscoveryCache::new(client, &settings.cache_dir);
    let r = match cache.resolve(resource).await {
        Ok((_, r)) => r,
        // kubectl prints the mapper's error bare here.
        Err(crate::discovery::DiscoveryError::UnknownResource(t)) => {
            return Err(CliError::Raw(format!("the server doesn't have a resource type \"{t}\"")))
        }
        Err(e) => return Err(e.into()),
    };
    if name.is_empty() {
        // `pod/` resolves, but an empty name selects nothing in kubectl.
        return Ok(None);
    }
    let api_version = r.group_version();
    Ok(Some(format!("involvedObject.kind={},involvedObject.apiVersion={api_version},involvedObject.name={name}", r.kind)))
}

async fn list(client: &Client, req: Request) -> Result<Vec<Value>, CliError> {
    let mut items = Vec::new();
    let mut cont: Option<String> = None;
    loop {
        let mut page_req = req.clone();
        if let Some(c) = &cont {
            page_req = page_req.query("continue", c.clone());
        }
        let mut page: Value = client.send(&page_req).await.map_err(|e| enhance_list_error(e, &req))?.json()?;
        cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
        if let Some(Value::Array(page_items)) = page.get_mut("items").map(Value::take) {
            items.extend(page_items);
        }
        if cont.is_none() {
            return Ok(items);
        }
    }
}

/// kubectl's `EnhanceListError`: a 400/404 list names what was selected.
fn enhance_list_error(e: ClientError, req: &Request) -> ClientError {
    match e {
        ClientError::Api { mut status, http_code } if http_code == 400 || http_code == 404 => {
            let fs = req.query.iter().find(|(k, _)| k == "fieldSelector").map_or("", |(_, v)| v.as_str());
            status.message = format!("Unable to find \"events\" that match label selector \"\", field selector \"{fs}\": {}", status.message);
            ClientError::Api { status, http_code }
        }
        other => other,
    }
}

async fn watch(client: &Client, mut req: Request, wanted: &dyn Fn(&Value) -> bool, printer: &mut Printer) -> Result<(), CliError> {
    if let Some(t) = client.timeout() {
        req = req.query("timeoutSeconds", t.as_secs().max(1).to_string());
    }
    let mut stream = WatchStream::open(client, req).await?;
    // kubectl stops quietly when the watch ends, whatever the reason.
    while let Ok(Some(ev)) = stream.next(client).await {
        let kind = ev["type"].as_str().unwrap_or("");
        // Events expire after an hour; their deletion is not news.
        if kind == "DELETED" || kind == "ERROR" || kind == "BOOKMARK" || !wanted(&ev["object"]) {
            continue;
        }
        let text = match &mut printer.objects {
            Some(p) => p.render_lenient(&typed::event(&ev["object"])),
            None => {
                let mut lines = printer.table.header();
                lines.push_str(&row(&ev["object"], printer.table.all_namespaces, SystemTime::now()));
                lines
            }
        };
        output::print(&printer.table.through_tabwriter(&text));
        output::flush_stdout();
    }
    Ok(())
}

struct Printer {
    table: TableState,
    objects: Option<ObjectPrinter>,
}

struct TableState {
    no_headers: bool,
    all_namespaces: bool,
    headers_done: bool,
    tab: TabWriter,
}

impl TableState {
    /// kubectl writes every format, not only its table, through the one
    /// tabwriter: tabs in template output become aligned columns too.
    fn through_tabwriter(&mut self, text: &str) -> String {
        self.tab.write_str(text);
        self.tab.flush()
    }

    fn header(&mut self) -> String {
        if self.no_headers || self.headers_done {
            return String::new();
        }
        self.headers_done = true;
        let ns = if self.all_namespaces { "NAMESPACE\t" } else { "" };
        format!("{ns}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n")
    }
}

fn row(e: &Value, all_namespaces: bool, now: SystemTime) -> String {
    let mut line = String::new();
    if all_namespaces {
        line.push_str(e["metadata"]["namespace"].as_str().unwrap_or(""));
        line.push('\t');
    }
    // kubectl 1.32 prints the cells raw: a multi-line message spills onto
    // the next lines.
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let obj = &e["involvedObject"];
    line.push_str(&format!(
        "{}\t{}\t{}\t{}/{}\t{}\n",
        interval(e, now),
        s(&e["type"]),
        s(&e["reason"]),
        s(&obj["kind"]),
        s(&obj["name"]),
        e["message"].as_str().unwrap_or("").trim(),
    ));
    line
}

fn parse_time(v: &Value) -> Option<SystemTime> {
    v.as_str().filter(|s| !s.is_empty()).and_then(crate::client::exec::parse_rfc3339)
}

fn since(v: &Value, now: SystemTime) -> String {
    match parse_time(v) {
        None => "<unknown>".into(),
        Some(t) => {
            let secs = match now.duration_since(t) {
                Ok(d) => d.as_secs() as i64,
                Err(e) => -(e.duration().as_secs() as i64),
            };
            crate::printers::age::human_duration(secs)
        }
    }
}

/// LAST SEEN: the age, with `(xN over AGE)` for repeated events.
fn interval(e: &Value, now: SystemTime) -> String {
    let first = if parse_time(&e["eventTime"]).is_some() { since(&e["eventTime"], now) } else { since(&e["firstTimestamp"], now) };
    if !e["series"].is_null() {
        let count = e["series"]["count"].as_i64().unwrap_or(0);
        format!("{} (x{count} over {first})", since(&e["series"]["lastObservedTime"], now))
    } else if e["count"].as_i64().unwrap_or(0) > 1 {
        format!("{} (x{} over {first})", since(&e["lastTimestamp"], now), e["count"].as_i64().unwrap_or(0))
    } else {
        first
    }
}

/// The time kubectl sorts by: the series' last observation, else the last
/// timestamp, else the event time. A missing one is Go's zero time.
fn sort_time(e: &Value) -> (i128, bool) {
    let t = if !e["series"].is_null() {
        parse_time(&e["series"]["lastObservedTime"])
    } else if let Some(t) = parse_time(&e["lastTimestamp"]) {
        Some(t)
    } else {
        parse_time(&e["eventTime"])
    };
    match t {
        Some(t) => (t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as i128).unwrap_or(0), true),
        None => (i128::MIN, false),
    }
}

struct EventSort<'a> {
    keys: Vec<i128>,
    items: &'a mut Vec<Value>,
}

impl crate::printers::sort::pdq::Data for EventSort<'_> {
    fn len(&self) -> usize {
        self.keys.len()
    }
    fn less(&mut self, i: usize, j: usize) -> bool {
        self.keys[i] < self.keys[j]
    }
    fn swap(&mut self, i: usize, j: usize) {
        self.keys.swap(i, j);
        self.items.swap(i, j);
    }
}

/// Go's `sort.Sort` (not stable): equal times end up where kubectl puts them.
fn sort_events(items: &mut Vec<Value>) {
    let keys = items.iter().map(|e| sort_time(e).0).collect();
    crate::printers::sort::pdq::sort(&mut EventSort { keys, items });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn interval_forms() {
        let now = crate::client::exec::parse_rfc3339("2026-01-01T00:10:00Z").unwrap();
        let single = json!({"firstTimestamp": "2026-01-01T00:09:00Z", "lastTimestamp": "2026-01-01T00:09:00Z", "count": 1});
        assert_eq!(interval(&single, now), "60s");
        let repeated = json!({"firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:09:30Z", "count": 4});
        assert_eq!(interval(&repeated, now), "30s (x4 over 10m)");
        let series = json!({"eventTime": "2026-01-01T00:05:00.123456Z", "series": {"count": 2, "lastObservedTime": "2026-01-01T00:09:50.000001Z"}});
        assert_eq!(interval(&series, now), "9s (x2 over 4m59s)");
        assert_eq!(interval(&json!({}), now), "<unknown>");
    }

    #[test]
    fn sorts_by_last_seen() {
        let mut items = vec![
            json!({"lastTimestamp": "2026-01-01T00:00:03Z", "n": 1}),
            json!({"eventTime": "2026-01-01T00:00:01.5Z", "n": 2}),
            json!({"series": {"lastObservedTime": "2026-01-01T00:00:02Z"}, "lastTimestamp": "2026-01-01T00:00:09Z", "n": 3}),
        ];
        sort_events(&mut items);
        let order: Vec<i64> = items.iter().map(|e| e["n"].as_i64().unwrap()).collect();
        assert_eq!(order, vec![2, 3, 1]);
    }
}

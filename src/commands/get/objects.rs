//! Printing what `get` fetched: tables through the tabwriter, objects as
//! json/yaml/name (streamed page by page), or through templates (whole list).

use serde_json::{json, Map, Value};

use super::table::{self, Columns, Rendered, TableOptions};
use crate::commands::targets::Target;
use super::{flag, Args, Query};
use crate::discovery::ApiResource;
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::printers::sort::SortError;
use crate::printers::{custom_columns, json as pjson, yaml as pyaml};

pub struct PrintContext<'a> {
    pub format: &'a OutputFormat,
    pub args: &'a Args,
    /// One type and one name: print the object itself rather than a List.
    pub single_implied: bool,
    pub query: &'a Query,
}

impl PrintContext<'_> {
    pub fn table_options(&self, r: &ApiResource, several_types: bool) -> TableOptions {
        TableOptions {
            wide: *self.format == OutputFormat::Wide,
            no_headers: flag(self.args.no_headers),
            kind_prefix: (several_types || flag(self.args.show_kind)).then(|| table::kind_prefix(&r.kind, &r.group)),
            namespace_column: self.query.all_namespaces && r.namespaced,
            show_labels: flag(self.args.show_labels),
            label_columns: self.args.label_columns.clone(),
        }
    }
}

/// All pages of one resource's tables as header + rows.
/// Whether a fetched page (a Table, a list or one object) holds anything to print.
pub fn has_rows(page: &Value) -> bool {
    match page["kind"].as_str() {
        Some("Table") => page["rows"].as_array().is_some_and(|r| !r.is_empty()),
        _ => page["items"].as_array().is_none_or(|i| !i.is_empty()),
    }
}

pub fn render_tables(r: &ApiResource, tables: &[Value], ctx: &PrintContext<'_>, several_types: bool) -> Result<Rendered, CliError> {
    let opts = ctx.table_options(r, several_types);
    let Some(first) = tables.iter().find(|t| t["kind"] == "Table") else {
        return Ok(default_table(r, tables, &opts));
    };
    let columns = Columns::from_table(first);
    let mut rows: Vec<&Value> = tables.iter().flat_map(|t| t["rows"].as_array().into_iter().flatten()).collect();
    if let Some(expr) = ctx.args.sort_by.as_deref() {
        sort_rows(&mut rows, expr)?;
    }
    Ok(Rendered {
        header: (!opts.no_headers && !rows.is_empty()).then(|| columns.header(&opts)),
        rows: rows.iter().map(|row| columns.row(row, &opts)).collect(),
    })
}

/// Objects the server cannot print as a Table (e.g. a Scale): kubectl's
/// default columns, NAME and AGE.
fn default_table(_r: &ApiResource, objects: &[Value], opts: &TableOptions) -> Rendered {
    let rows: Vec<String> = objects
        .iter()
        .flat_map(|o| match o["items"].as_array() {
            Some(items) => items.iter().collect::<Vec<_>>(),
            None => vec![o],
        })
        .map(|o| {
            let meta = &o["metadata"];
            let mut cells = Vec::new();
            if opts.namespace_column {
                cells.push(meta["namespace"].as_str().unwrap_or("").to_string());
            }
            let name = meta["name"].as_str().unwrap_or("");
            cells.push(format!("{}{name}", opts.kind_prefix.as_deref().unwrap_or("")));
            cells.push(crate::printers::age::age_of(meta["creationTimestamp"].as_str()));
            cells.join("\t")
        })
        .collect();
    let header = (!opts.no_headers && !rows.is_empty()).then(|| {
        if opts.namespace_column { "NAMESPACE\tNAME\tAGE".to_string() } else { "NAME\tAGE".to_string() }
    });
    Rendered { header, rows }
}

/// kubectl's table sort: on a bad expression it prints no rows at all (and
/// later "No resources found"); a failing evaluation ends the process.
fn sort_rows(rows: &mut Vec<&Value>, expr: &str) -> Result<(), CliError> {
    if rows.len() < 2 {
        return Ok(());
    }
    let objects: Vec<Value> = rows.iter().map(|r| r["object"].clone()).collect();
    match crate::printers::sort::sorted_table_indices(&objects, expr) {
        Ok(order) => {
            let old = rows.clone();
            *rows = order.into_iter().map(|i| old[i]).collect();
            Ok(())
        }
        Err(SortError::Message(_)) => {
            rows.clear();
            Ok(())
        }
        Err(e) => Err(sort_error(e)),
    }
}

/// A sort failure as kubectl reports it: `error: …`, or a klog fatal line.
pub fn sort_error(e: SortError) -> CliError {
    match e {
        SortError::Message(m) => CliError::Message(m),
        SortError::Fatal { location, message, code } => {
            crate::client::log::emit('F', location, &message);
            CliError::Exit(code)
        }
    }
}

/// Receives objects page by page and prints them in the chosen format.
pub struct ObjectSink<'a> {
    ctx: &'a PrintContext<'a>,
    count: usize,
    /// Items kept for formats that need the whole list (templates, sorting).
    kept: Vec<Value>,
    buf: String,
}

const FLUSH_AT: usize = 1 << 16;

impl<'a> ObjectSink<'a> {
    pub fn new(ctx: &'a PrintContext<'a>) -> Self {
        ObjectSink { ctx, count: 0, kept: Vec::new(), buf: String::new() }
    }

    fn streams(&self) -> bool {
        !self.ctx.single_implied
            && self.ctx.args.sort_by.is_none()
            && matches!(self.ctx.format, OutputFormat::Json | OutputFormat::Yaml | OutputFormat::Name)
    }

    pub fn push(&mut self, _t: &Target, items: Vec<Value>) -> Result<(), CliError> {
        for mut item in items {
            if flag(self.ctx.args.neat) {
                item = crate::printers::neat::neat(&item);
            }
            // Only -o json and -o yaml hide managedFields; templates see them.
            if !flag(self.ctx.args.show_managed_fields) && matches!(self.ctx.format, OutputFormat::Json | OutputFormat::Yaml) {
                if let Some(Value::Object(meta)) = item.get_mut("metadata") {
                    meta.remove("managedFields");
                }
            }
            if self.streams() {
                self.stream_item(&item);
            } else {
                self.kept.push(item);
            }
            self.count += 1;
            if self.buf.len() >= FLUSH_AT {
                output::print(&std::mem::take(&mut self.buf));
            }
        }
        Ok(())
    }

    fn stream_item(&mut self, item: &Value) {
        match self.ctx.format {
            OutputFormat::Json => {
                self.buf.push_str(if self.count == 0 { LIST_JSON_HEAD } else { ",\n" });
                let text = pjson::to_string(item);
                for (i, line) in text.trim_end_matches('\n').split('\n').enumerate() {
                    if i > 0 {
                        self.buf.push('\n');
                    }
                    self.buf.push_str("        ");
                    self.buf.push_str(line);
                }
            }
            OutputFormat::Yaml => {
                if self.count == 0 {
                    self.buf.push_str("apiVersion: v1\nitems:\n");
                }
                self.buf.push_str(&yaml_list_item(item));
            }
            OutputFormat::Name => {
                self.buf.push_str(&name_of(item));
                self.buf.push('\n');
            }
            _ => unreachable!("only json, yaml and name stream"),
        }
    }

    pub fn finish(mut self) -> Result<(), CliError> {
        if self.streams() {
            match self.ctx.format {
                OutputFormat::Json if self.count == 0 => self.buf.push_str(&pjson::to_string(&empty_list())),
                OutputFormat::Json => self.buf.push_str(LIST_JSON_TAIL),
                OutputFormat::Yaml if self.count == 0 => self.buf.push_str(&pyaml::to_string(&empty_list())),
                OutputFormat::Yaml => self.buf.push_str(LIST_YAML_TAIL),
                _ => {}
            }
            output::print(&self.buf);
            return Ok(());
        }
        if let Some(expr) = self.ctx.args.sort_by.as_deref() {
            let order = crate::printers::sort::sorted_indices(&self.kept, expr).map_err(sort_error)?;
            let mut old: Vec<Option<Value>> = std::mem::take(&mut self.kept).into_iter().map(Some).collect();
            self.kept = order.into_iter().filter_map(|i| old[i].take()).collect();
        }
        if self.ctx.single_implied && self.kept.is_empty() {
            return Ok(());
        }
        let doc = if self.ctx.single_implied { self.kept.pop().unwrap() } else { list_of(std::mem::take(&mut self.kept)) };
        let text = render_document(self.ctx, &doc)?;
        output::print(&text);
        Ok(())
    }
}

const LIST_JSON_HEAD: &str = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n";
const LIST_JSON_TAIL: &str = "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n";
const LIST_YAML_TAIL: &str = "kind: List\nmetadata:\n  resourceVersion: \"\"\n";

fn empty_list() -> Value {
    list_of(Vec::new())
}

fn list_of(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// One item as it appears under `items:` in a List, so that line folding and
/// indentation match the emitter's output for the whole document.
fn yaml_list_item(item: &Value) -> String {
    let mut wrapper = Map::new();
    wrapper.insert("items".into(), Value::Array(vec![item.clone()]));
    let text = pyaml::to_string(&Value::Object(wrapper));
    text.strip_prefix("items:\n").unwrap_or(&text).to_string()
}

/// `deployment.apps/web`, `pod/x`.
pub fn name_of(item: &Value) -> String {
    let kind = item["kind"].as_str().unwrap_or("").to_lowercase();
    let group = item["apiVersion"].as_str().and_then(|v| v.split_once('/')).map(|(g, _)| g).unwrap_or("");
    let name = item["metadata"]["name"].as_str().unwrap_or("");
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

/// A whole document (an object, or a List of them) in a non-streaming format.
pub fn render_document(ctx: &PrintContext<'_>, doc: &Value) -> Result<String, CliError> {
    let allow_missing = ctx.args.allow_missing_template_keys;
    Ok(match ctx.format {
        OutputFormat::Json => pjson::to_string(doc),
        OutputFormat::Yaml => pyaml::to_string(doc),
        OutputFormat::Name => {
            let items: Vec<&Value> = match doc["items"].as_array() {
                Some(items) if doc["kind"] == "List" => items.iter().collect(),
                _ => vec![doc],
            };
            items.iter().map(|i| name_of(i) + "\n").collect()
        }
        OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, doc, allow_missing).map_err(|e| CliError::msg(e.to_string()))?,
        OutputFormat::JsonPathAsJson(t) => {
            crate::printers::jsonpath::print_as_json(t, doc, allow_missing).map_err(|e| CliError::msg(e.to_string()))?
        }
        OutputFormat::CustomColumns(spec) | OutputFormat::CustomColumnsFile(spec) => {
            let items: Vec<Value> = match doc["items"].as_array() {
                Some(items) if doc["kind"] == "List" => items.clone(),
                _ => vec![doc.clone()],
            };
            let from_file = matches!(ctx.format, OutputFormat::CustomColumnsFile(_));
            let columns = if from_file { custom_columns::parse_file(spec) } else { custom_columns::parse_spec(spec) }
                .map_err(|e| CliError::msg(e.message()))?;
            // kubectl ignores --no-headers for a columns file.
            let no_headers = !from_file && flag(ctx.args.no_headers);
            match custom_columns::render(&columns, &items, no_headers) {
                Ok(text) => text,
                Err(e) => {
                    output::print(e.partial_output());
                    return Err(CliError::msg(e.message()));
                }
            }
        }
        OutputFormat::GoTemplate(t) => super::gotemplate::go_template(t, doc, allow_missing)?,
        OutputFormat::Table | OutputFormat::Wide => unreachable!("tables are printed from server tables"),
    })
}

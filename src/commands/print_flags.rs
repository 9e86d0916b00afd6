//! cli-runtime's `PrintFlags` without custom columns or tables, as `events`
//! and `wait` accept them: json, yaml, name, jsonpath and go-template.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;

use crate::error::CliError;
use crate::printers::format::OutputFormat;
use crate::printers::{json as pjson, yaml as pyaml};

const ALLOWED: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// `-o` for these commands; `None` when no format was given.
pub fn parse(output: Option<&str>, template: Option<&str>) -> Result<Option<OutputFormat>, CliError> {
    let Some(out) = output.filter(|o| !o.is_empty()) else { return Ok(None) };
    let name = out.split_once('=').map_or(out, |(n, _)| n);
    if !ALLOWED.split(',').any(|a| a == name) {
        // Unlike get's printers, these name the whole -o value.
        return Err(CliError::msg(format!(
            "unable to match a printer suitable for the output format \"{out}\", allowed formats are: {ALLOWED}"
        )));
    }
    let format = OutputFormat::parse(Some(out), template)?;
    // kubectl parses templates when it builds the printer, before any request.
    match &format {
        OutputFormat::JsonPath(t) | OutputFormat::JsonPathAsJson(t) => {
            crate::printers::jsonpath::JsonPathPrinter::new(t).map_err(|e| CliError::msg(e.to_string()))?;
        }
        OutputFormat::GoTemplate(t) => {
            crate::printers::gotemplate::GoTemplatePrinter::new(t).map_err(|e| CliError::msg(e.to_string()))?;
        }
        _ => {}
    }
    Ok(Some(format))
}

/// JSON whose maps keep the order they were built in: what Go's encoder
/// writes for typed structs (field order), unlike its sorted maps.
#[derive(Debug, Clone)]
pub enum Ordered {
    Value(Value),
    Map(Vec<(String, Ordered)>),
    List(Vec<Ordered>),
}

impl Ordered {
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Ordered> {
        match self {
            Ordered::Map(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn remove(&mut self, key: &str) {
        if let Ordered::Map(m) = self {
            m.retain(|(k, _)| k != key);
        }
    }

    /// The plain value (maps sorted), as templates and YAML see it.
    pub fn to_value(&self) -> Value {
        match self {
            Ordered::Value(v) => v.clone(),
            Ordered::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
            Ordered::List(l) => Value::Array(l.iter().map(Ordered::to_value).collect()),
        }
    }

    fn strip_managed_fields(&mut self) {
        match self {
            Ordered::Value(v) => strip_managed_value(v),
            Ordered::Map(_) => {
                if let Some(meta) = self.get_mut("metadata") {
                    match meta {
                        Ordered::Value(Value::Object(m)) => {
                            m.remove("managedFields");
                        }
                        other => other.remove("managedFields"),
                    }
                }
                if let Some(Ordered::List(items)) = self.get_mut("items") {
                    items.iter_mut().for_each(Ordered::strip_managed_fields);
                }
            }
            Ordered::List(_) => {}
        }
    }
}

fn strip_managed_value(doc: &mut Value) {
    if let Some(Value::Object(meta)) = doc.get_mut("metadata") {
        meta.remove("managedFields");
    }
    if let Some(Value::Array(items)) = doc.get_mut("items") {
        items.iter_mut().for_each(strip_managed_value);
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Value(v) => v.serialize(s),
            Ordered::Map(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Ordered::List(l) => {
                let mut seq = s.serialize_seq(Some(l.len()))?;
                for v in l {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
        }
    }
}

/// Prints successive documents: YAML separates them with `---` as kubectl's
/// YAML printer does after its first object.
#[derive(Debug)]
pub struct ObjectPrinter {
    pub format: OutputFormat,
    pub allow_missing: bool,
    pub show_managed_fields: bool,
    /// Typed objects reach templates through JSON, so numbers are floats.
    pub typed: bool,
    printed: usize,
}

impl ObjectPrinter {
    pub fn new(format: OutputFormat, allow_missing: bool, show_managed_fields: bool, typed: bool) -> Self {
        ObjectPrinter { format, allow_missing, show_managed_fields, typed, printed: 0 }
    }

    /// The text for one document where kubectl ignores printing errors
    /// (events, wait): a failing template prints only what go-template
    /// writes to stdout before failing.
    pub fn render_lenient(&mut self, doc: &Ordered) -> String {
        if let OutputFormat::GoTemplate(t) = &self.format {
            let input = self.template_input(doc);
            let raw = self.typed.then(|| pjson::to_string_compact(doc));
            let printed = crate::printers::gotemplate::GoTemplatePrinter::new(t)
                .map(|p| p.allow_missing_keys(self.allow_missing))
                .and_then(|p| p.print_with_raw(&input, raw.as_deref()));
            self.printed += 1;
            return printed.unwrap_or_else(|e| e.stdout().to_string());
        }
        self.render(doc).unwrap_or_default()
    }

    fn template_input(&self, doc: &Ordered) -> Value {
        let v = doc.to_value();
        if self.typed { crate::printers::jsonpath::floats_only(&v) } else { v }
    }

    /// The text for one document.
    pub fn render(&mut self, doc: &Ordered) -> Result<String, CliError> {
        let first = self.printed == 0;
        self.printed += 1;
        let template_input = || self.template_input(doc);
        let shown = || {
            let mut d = doc.clone();
            if !self.show_managed_fields {
                d.strip_managed_fields();
            }
            d
        };
        Ok(match &self.format {
            OutputFormat::Json => pjson::to_string(&shown()),
            OutputFormat::Yaml => {
                let text = pyaml::to_string(&shown().to_value());
                if first { text } else { format!("---\n{text}") }
            }
            OutputFormat::Name => name_line(&doc.to_value()),
            OutputFormat::JsonPath(t) => {
                crate::printers::jsonpath::print(t, &template_input(), self.allow_missing).map_err(|e| CliError::msg(e.to_string()))?
            }
            OutputFormat::JsonPathAsJson(t) => crate::printers::jsonpath::print_as_json(t, &template_input(), self.allow_missing)
                .map_err(|e| CliError::msg(e.to_string()))?,
            OutputFormat::GoTemplate(t) => crate::commands::get::go_template(t, &template_input(), self.allow_missing)?,
            other => unreachable!("{other:?} is not a PrintFlags format"),
        })
    }
}

/// `pod/x`, `deployment.apps/web`, one per object (a list prints its items).
pub fn name_line(doc: &Value) -> String {
    if let Some(items) = doc["items"].as_array() {
        return items.iter().map(name_line).collect();
    }
    format!("{}{}\n", kind_prefix(doc), doc["metadata"]["name"].as_str().unwrap_or(""))
}

/// `pod/`, `deployment.apps/` for an object, from its kind and apiVersion.
pub fn kind_prefix(doc: &Value) -> String {
    let kind = doc["kind"].as_str().unwrap_or("");
    let group = doc["apiVersion"].as_str().and_then(|v| v.split_once('/')).map_or("", |(g, _)| g);
    crate::commands::get::table_kind_prefix(kind, group)
}

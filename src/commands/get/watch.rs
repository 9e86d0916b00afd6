//! `get -w` / `--watch-only` / `--output-watch-events`.
//!
//! The initial state comes from a list (or a get for one name), then a watch
//! from its resourceVersion. A dropped connection resumes from the last
//! resourceVersion seen; an expired one (410) relists, printing only what changed
//! meanwhile, so no event is lost or repeated.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;

use super::table::{Columns, TableOptions};
use crate::commands::targets::Target;
use super::{flag, Args, Query, TABLE_ACCEPT};
use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;
use crate::printers::tabwriter::TabWriter;
use crate::printers::{json as pjson, yaml as pyaml};

/// One change to print.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: String,
    /// A Table (one row) for table output, else the object.
    pub object: Value,
}

/// Where the watch is, and what has been shown, for resuming and relisting.
#[derive(Debug, Default)]
pub struct WatchState {
    pub resource_version: String,
    /// uid -> resourceVersion of every object shown and not deleted.
    pub seen: HashMap<String, String>,
}

/// The identity and version of an event's object (a Table row's object for tables).
pub fn object_meta(obj: &Value) -> (String, String) {
    let meta = if obj["kind"] == "Table" { &obj["rows"][0]["object"]["metadata"] } else { &obj["metadata"] };
    (meta["uid"].as_str().unwrap_or("").to_string(), meta["resourceVersion"].as_str().unwrap_or("").to_string())
}

impl WatchState {
    /// Record an event; false when it repeats what was already shown.
    pub fn accept(&mut self, ev: &Event) -> bool {
        let (uid, rv) = object_meta(&ev.object);
        if !rv.is_empty() {
            self.resource_version = rv.clone();
        }
        if uid.is_empty() {
            return true;
        }
        match ev.kind.as_str() {
            "DELETED" => {
                self.seen.remove(&uid);
                true
            }
            _ => {
                let repeat = self.seen.get(&uid) == Some(&rv);
                self.seen.insert(uid, rv);
                !repeat
            }
        }
    }

    /// After a relist: events that bring the screen up to date (changed or new
    /// objects as MODIFIED/ADDED, vanished ones as DELETED).
    pub fn reconcile(&mut self, listed: Vec<Value>) -> Vec<Event> {
        let mut events = Vec::new();
        let mut present = HashMap::new();
        for obj in listed {
            let (uid, rv) = object_meta(&obj);
            present.insert(uid.clone(), ());
            match self.seen.get(&uid) {
                Some(old) if *old == rv => {}
                Some(_) => events.push(Event { kind: "MODIFIED".into(), object: obj }),
                None => events.push(Event { kind: "ADDED".into(), object: obj }),
            }
        }
        let gone: Vec<String> = self.seen.keys().filter(|u| !present.contains_key(*u)).cloned().collect();
        for uid in gone {
            self.seen.remove(&uid);
            // The object itself is gone; a minimal stand-in keeps the name visible.
            events.push(Event { kind: "DELETED".into(), object: serde_json::json!({"metadata": {"uid": uid}}) });
        }
        for ev in &events {
            if ev.kind != "DELETED" {
                let (uid, rv) = object_meta(&ev.object);
                self.seen.insert(uid, rv);
            }
        }
        events
    }
}

/// Prints events in the chosen format, keeping table widths across updates.
struct EventPrinter<'a> {
    format: &'a OutputFormat,
    args: &'a Args,
    opts: TableOptions,
    columns: Option<Columns>,
    tab: TabWriter,
    header_done: bool,
    docs: usize,
}

impl EventPrinter<'_> {
    fn print(&mut self, events: &[Event]) -> Result<(), CliError> {
        let events_col = flag(self.args.output_watch_events);
        let mut text = String::new();
        for ev in events {
            match self.format {
                OutputFormat::Table | OutputFormat::Wide => {
                    if self.columns.is_none() && ev.object["columnDefinitions"].as_array().is_some_and(|c| !c.is_empty()) {
                        self.columns = Some(Columns::from_table(&ev.object));
                    }
                    let Some(cols) = &self.columns else { continue };
                    let mut lines = String::new();
                    if !self.header_done && !self.opts.no_headers {
                        if events_col {
                            lines.push_str("EVENT\t");
                        }
                        lines.push_str(&cols.header(&self.opts));
                        lines.push('\n');
                    }
                    self.header_done = true;
                    for row in ev.object["rows"].as_array().into_iter().flatten() {
                        if events_col {
                            // kubectl pads the type to the longest one, MODIFIED.
                            lines.push_str(&format!("{:<8}\t", ev.kind));
                        }
                        lines.push_str(&cols.row(row, &self.opts));
                        lines.push('\n');
                    }
                    self.tab.write_str(&lines);
                }
                OutputFormat::Json if events_col => {
                    text.push_str(&format!("{{\"type\":{},\"object\":{}}}\n", pjson::to_string_compact(&ev.kind), pjson::to_string_compact(&ev.object)));
                }
                OutputFormat::Json => text.push_str(&pjson::to_string(&strip_managed(&ev.object, self.args))),
                OutputFormat::Yaml => {
                    if self.docs > 0 {
                        text.push_str("---\n");
                    }
                    let doc = if events_col {
                        serde_json::json!({"type": ev.kind, "object": ev.object})
                    } else {
                        strip_managed(&ev.object, self.args)
                    };
                    text.push_str(&pyaml::to_string(&doc));
                }
                OutputFormat::Name => {
                    text.push_str(&super::objects::name_of(&ev.object));
                    text.push('\n');
                }
                _ => {
                    let doc = ev.object.clone();
                    let ctx = super::objects::PrintContext { format: self.format, args: self.args, single_implied: true, query: &EMPTY_QUERY };
                    text.push_str(&super::objects::render_document(&ctx, &doc)?);
                }
            }
            self.docs += 1;
        }
        if self.format.is_table() {
            text.push_str(&self.tab.flush());
        }
        output::print(&text);
        output::flush_stdout();
        Ok(())
    }
}

const EMPTY_QUERY: Query = Query {
    namespace: String::new(),
    all_namespaces: false,
    selector: None,
    field_selector: None,
    chunk_size: 0,
    subresource: None,
    table: false,
    include_object: false,
};

fn strip_managed(obj: &Value, args: &Args) -> Value {
    let mut obj = obj.clone();
    if !flag(args.show_managed_fields) {
        if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
            meta.remove("managedFields");
        }
    }
    obj
}

fn collection_path(t: &Target, q: &Query) -> String {
    let r = &t.resource;
    let namespace = if r.namespaced && !q.all_namespaces { Some(q.namespace.as_str()) } else { None };
    ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, ..Default::default() }.to_path()
}

fn field_selector(t: &Target, q: &Query) -> Option<String> {
    match (t.names.first(), &q.field_selector) {
        (Some(name), Some(fs)) => Some(format!("metadata.name={name},{fs}")),
        (Some(name), None) => Some(format!("metadata.name={name}")),
        (None, fs) => fs.clone(),
    }
}

fn list_request(t: &Target, q: &Query, cont: Option<&str>) -> Request {
    let mut req = Request::get(collection_path(t, q));
    if let Some(s) = &q.selector {
        req = req.query("labelSelector", s.clone());
    }
    if let Some(fs) = field_selector(t, q) {
        req = req.query("fieldSelector", fs);
    }
    if q.chunk_size > 0 {
        req = req.query("limit", q.chunk_size.to_string());
    }
    if let Some(c) = cont {
        req = req.query("continue", c);
    }
    if q.table {
        req = req.accept(TABLE_ACCEPT);
    }
    req
}

/// Everything in the collection now, as per-object events, and the list's version.
async fn list_now(client: &Client, t: &Target, q: &Query) -> Result<(Vec<Value>, String), ClientError> {
    let mut objects = Vec::new();
    let mut cont: Option<String> = None;
    loop {
        let page: Value = client.send(&list_request(t, q, cont.as_deref())).await?.json()?;
        let rv = page["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
        if page["kind"] == "Table" {
            // One single-row Table per object, like watch events carry.
            let defs = page["columnDefinitions"].clone();
            for row in page["rows"].as_array().into_iter().flatten() {
                objects.push(serde_json::json!({"kind": "Table", "apiVersion": page["apiVersion"], "columnDefinitions": defs, "rows": [row]}));
            }
        } else {
            let kind = page["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
            let api_version = page["apiVersion"].clone();
            for mut it in page["items"].as_array().cloned().unwrap_or_default() {
                it["kind"] = Value::String(kind.clone());
                it["apiVersion"] = api_version.clone();
                objects.push(it);
            }
        }
        cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
        if cont.is_none() {
            return Ok((objects, rv));
        }
    }
}

pub async fn run(client: &Client, targets: &[Target], q: &Query, format: &OutputFormat, args: &Args) -> Result<(), CliError> {
    if targets.len() != 1 {
        return Err(CliError::msg("you may only specify a single resource type"));
    }
    let t = &targets[0];
    let mut state = WatchState::default();
    let mut printer = EventPrinter {
        format,
        args,
        opts: super::objects::PrintContext { format, args, single_implied: false, query: q }.table_options(&t.resource, false),
        columns: None,
        tab: TabWriter::new(),
        header_done: false,
        docs: 0,
    };
    let watch_only = flag(args.watch_only);
    let events_col = flag(args.output_watch_events);

    if let Some(name) = t.names.first() {
        if t.names.len() > 1 {
            // kubectl reports the first missing object, or refuses several names.
            for n in &t.names {
                get_one(client, t, q, n).await?;
            }
            return Err(CliError::msg(format!("watch is only supported on individual resources and resource collections, but {} resources were found", t.names.len())));
        }
        let obj = get_one(client, t, q, name).await?;
        let ev = Event { kind: "ADDED".into(), object: obj };
        state.accept(&ev);
        // A single object is watched from "now" (resourceVersion 0); its first
        // event repeats the object already shown and is skipped by `accept`.
        state.resource_version = "0".into();
        if !watch_only {
            printer.print(&[ev])?;
        }
    } else {
        let (objects, rv) = list_now(client, t, q).await?;
        let events: Vec<Event> = objects.into_iter().map(|o| Event { kind: "ADDED".into(), object: o }).collect();
        for ev in &events {
            state.accept(ev);
        }
        state.resource_version = rv;
        if !watch_only {
            if events.is_empty() && format.is_table() {
                output::flush_stdout();
                eprintln!("{}", super::no_resources_message(targets, q));
            }
            printer.print(&events)?;
        } else if events_col || format.is_table() {
            // Headers come from the data; keep the column definitions.
            if let Some(first) = events.first() {
                printer.columns = Some(Columns::from_table(&first.object));
            }
        }
    }

    let mut backoff = Duration::from_millis(200);
    loop {
        match watch_once(client, t, q, &mut state, &mut printer).await {
            Ok(WatchEnd::Closed) => backoff = Duration::from_millis(200),
            Ok(WatchEnd::Failed(e)) => return Err(e),
            Ok(WatchEnd::Expired) => {
                let (objects, rv) = list_now(client, t, q).await?;
                let events = state.reconcile(objects);
                state.resource_version = rv;
                printer.print(&events)?;
            }
            Err(e) if e.is_transport() => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e.into()),
        }
        if client.timeout().is_some() {
            // With --request-timeout the watch ends with it, as in kubectl.
            return Ok(());
        }
    }
}

async fn get_one(client: &Client, t: &Target, q: &Query, name: &str) -> Result<Value, CliError> {
    let r = &t.resource;
    let namespace = if r.namespaced { Some(q.namespace.as_str()) } else { None };
    let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace, name: Some(name), ..Default::default() }.to_path();
    let mut req = Request::get(path);
    if q.table {
        req = req.accept(TABLE_ACCEPT);
    }
    Ok(client.send(&req).await?.json()?)
}

enum WatchEnd {
    Closed,
    Expired,
    /// Printing failed (a template error): stop with that error.
    Failed(CliError),
}

async fn watch_once(client: &Client, t: &Target, q: &Query, state: &mut WatchState, printer: &mut EventPrinter<'_>) -> Result<WatchEnd, ClientError> {
    let mut req = Request::get(collection_path(t, q)).query("watch", "true").query("resourceVersion", state.resource_version.clone());
    if let Some(s) = &q.selector {
        req = req.query("labelSelector", s.clone());
    }
    if let Some(fs) = field_selector(t, q) {
        req = req.query("fieldSelector", fs);
    }
    if let Some(timeout) = client.timeout() {
        req = req.query("timeoutSeconds", timeout.as_secs().max(1).to_string());
    }
    if q.table {
        req = req.accept(TABLE_ACCEPT);
    }
    let resp = match client.stream(&req).await {
        Err(ClientError::Api { http_code: 410, .. }) => return Ok(WatchEnd::Expired),
        other => other?,
    };
    let mut body = resp.bytes_stream();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| client.stream_error(&req, &e))?;
        buf.extend_from_slice(&chunk);
        while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buf.drain(..=pos).collect();
            let Ok(ev) = serde_json::from_slice::<Value>(&line) else { continue };
            let kind = ev["type"].as_str().unwrap_or("").to_string();
            if kind == "ERROR" {
                if ev["object"]["code"].as_u64() == Some(410) {
                    return Ok(WatchEnd::Expired);
                }
                let status: crate::client::Status = serde_json::from_value(ev["object"].clone()).unwrap_or_default();
                let code = status.code;
                return Err(ClientError::Api { status, http_code: code });
            }
            if kind == "BOOKMARK" {
                let (_, rv) = object_meta(&ev["object"]);
                state.resource_version = rv;
                continue;
            }
            let event = Event { kind, object: ev["object"].clone() };
            if state.accept(&event) {
                if let Err(e) = printer.print(&[event]) {
                    return Ok(WatchEnd::Failed(e));
                }
            }
        }
    }
    Ok(WatchEnd::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(uid: &str, rv: &str) -> Value {
        json!({"metadata": {"uid": uid, "resourceVersion": rv, "name": uid}})
    }

    #[test]
    fn resume_skips_repeats() {
        let mut s = WatchState::default();
        assert!(s.accept(&Event { kind: "ADDED".into(), object: obj("a", "1") }));
        assert!(!s.accept(&Event { kind: "ADDED".into(), object: obj("a", "1") }));
        assert!(s.accept(&Event { kind: "MODIFIED".into(), object: obj("a", "2") }));
        assert_eq!(s.resource_version, "2");
        assert!(s.accept(&Event { kind: "DELETED".into(), object: obj("a", "3") }));
        assert!(s.seen.is_empty());
    }

    #[test]
    fn relist_reports_only_changes() {
        let mut s = WatchState::default();
        for (u, rv) in [("a", "1"), ("b", "2"), ("c", "3")] {
            s.accept(&Event { kind: "ADDED".into(), object: obj(u, rv) });
        }
        let events = s.reconcile(vec![obj("a", "1"), obj("b", "5"), obj("d", "6")]);
        let kinds: Vec<(String, String)> = events.iter().map(|e| (e.kind.clone(), object_meta(&e.object).0)).collect();
        assert_eq!(kinds, vec![("MODIFIED".into(), "b".into()), ("ADDED".into(), "d".into()), ("DELETED".into(), "c".into())]);
        assert!(s.reconcile(vec![obj("a", "1"), obj("b", "5"), obj("d", "6")]).is_empty());
    }
}

//! Helpers shared by describers: field access, labels/annotations, events,
//! tolerations, selectors and times, each as kubectl prints them.

use serde_json::Value;

use super::writer::{Writer, LEVEL_0, LEVEL_1};
use crate::dw;
use crate::printers::age::human_duration;

/// A string field, "" when absent (Go's zero value).
pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// An integer field, 0 when absent.
pub fn i(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// A bool field as Go's `%v` prints it (false when absent).
pub fn b(v: &Value) -> &'static str {
    if v.as_bool().unwrap_or(false) {
        "true"
    } else {
        "false"
    }
}

pub fn arr(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

/// Go's `%v` of a JSON scalar or composite (`map[a:b]`, `[x y]`, `<nil>`).
pub fn v(v: &Value) -> String {
    crate::printers::jsonpath::gofmt::sprint(v)
}

/// The keys of a string map in Go's sorted order, with their values.
pub fn sorted_map(m: &Value) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = m
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, val)| (k.as_str(), val.as_str().map_or_else(|| v(val), String::from)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(b.0));
    out
}

/// `printLabelsMultiline`: `Title:\tk=v`, further pairs on their own lines.
pub fn labels_multiline(w: &mut Writer, title: &str, labels: &Value) {
    labels_multiline_with_indent(w, "", title, "\t", labels, &[]);
}

/// `printLabelsMultilineWithIndent`, skipping the keys in `skip`.
pub fn labels_multiline_with_indent(w: &mut Writer, initial_indent: &str, title: &str, inner_indent: &str, labels: &Value, skip: &[&str]) {
    dw!(w, LEVEL_0, "{initial_indent}{title}:{inner_indent}");
    let pairs: Vec<(&str, String)> = sorted_map(labels).into_iter().filter(|(k, _)| !skip.contains(k)).collect();
    if pairs.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, (k, val)) in pairs.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, initial_indent);
            w.write(LEVEL_0, inner_indent);
        }
        dw!(w, LEVEL_0, "{k}={val}\n");
    }
}

const MAX_ANNOTATION_LEN: usize = 140;

/// `printAnnotationsMultiline`: sorted, without kubectl's last-applied
/// configuration; long or multi-line values go below their key, each line
/// cut at 138 bytes.
pub fn annotations_multiline(w: &mut Writer, title: &str, annotations: &Value) {
    dw!(w, LEVEL_0, "{title}:\t");
    let pairs: Vec<(&str, String)> = sorted_map(annotations)
        .into_iter()
        .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if pairs.is_empty() {
        w.line("<none>");
        return;
    }
    for (n, (k, val)) in pairs.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, "\t");
        }
        let value = val.strip_suffix('\n').unwrap_or(val);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            dw!(w, LEVEL_0, "{k}:\n");
            for line in value.split('\n') {
                dw!(w, LEVEL_0, "\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2));
            }
        } else {
            dw!(w, LEVEL_0, "{k}: {value}\n");
        }
    }
}

/// Go's `s[:max] + "..."`, by bytes (a cut inside a character keeps its
/// valid prefix).
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `translateTimestampSince`: the age of a timestamp, `<unknown>` when unset.
/// Sub-second parts count, as Go's `time.Since` truncated to seconds.
pub fn since(ts: &Value) -> String {
    match ts.as_str().and_then(crate::client::exec::parse_rfc3339) {
        Some(t) => {
            let secs = match std::time::SystemTime::now().duration_since(t) {
                Ok(d) => d.as_secs() as i64,
                Err(e) => -(e.duration().as_secs() as i64),
            };
            human_duration(secs)
        }
        None => "<unknown>".to_string(),
    }
}

/// A timestamp in describe's `Mon, 02 Jan 2006 15:04:05 -0700` form.
pub fn time(ts: &Value) -> String {
    super::time::rfc1123z(s(ts))
}

/// `DescribeEvents`: `Events:\t<none>`, or a table sorted by last timestamp.
pub fn events(w: &mut Writer, events: &[Value]) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    // Go's sort.Sort (not stable) by lastTimestamp, so events of the same
    // second come out as kubectl's; an unset one is the zero time, first.
    let mut sorted = ByLastTimestamp(events.iter().map(|e| (e["lastTimestamp"].as_str().and_then(super::time::unix_seconds).unwrap_or(i64::MIN), e)).collect());
    crate::printers::sort::pdq::sort(&mut sorted);
    let sorted: Vec<&Value> = sorted.0.into_iter().map(|(_, e)| e).collect();
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = if e["eventTime"].is_string() { since(&e["eventTime"]) } else { since(&e["firstTimestamp"]) };
        let interval = if e["series"].is_object() {
            format!("{} (x{} over {first})", since(&e["series"]["lastObservedTime"]), i(&e["series"]["count"]))
        } else if i(&e["count"]) > 1 {
            format!("{} (x{} over {first})", since(&e["lastTimestamp"]), i(&e["count"]))
        } else {
            first
        };
        let mut source = s(&e["source"]["component"]);
        if source.is_empty() {
            source = s(&e["reportingComponent"]);
        }
        dw!(w, LEVEL_1, "{}\t{}\t{interval}\t{source}\t{}\n", s(&e["type"]), s(&e["reason"]), s(&e["message"]).trim());
    }
}

struct ByLastTimestamp<'a>(Vec<(i64, &'a Value)>);

impl crate::printers::sort::pdq::Data for ByLastTimestamp<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn less(&mut self, i: usize, j: usize) -> bool {
        self.0[i].0 < self.0[j].0
    }
    fn swap(&mut self, i: usize, j: usize) {
        self.0.swap(i, j);
    }
}

/// `printController`: `Kind/name` of the controlling owner, if any.
pub fn controlled_by(obj: &Value) -> Option<String> {
    arr(&obj["metadata"]["ownerReferences"])
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
        .map(|r| format!("{}/{}", s(&r["kind"]), s(&r["name"])))
}

/// `printTolerationsMultilineWithIndent`.
pub fn tolerations_multiline(w: &mut Writer, initial_indent: &str, title: &str, inner_indent: &str, tolerations: &Value) {
    dw!(w, LEVEL_0, "{initial_indent}{title}:{inner_indent}");
    let mut list: Vec<&Value> = arr(tolerations).iter().collect();
    if list.is_empty() {
        w.line("<none>");
        return;
    }
    list.sort_by(|a, b| s(&a["key"]).cmp(s(&b["key"])));
    for (n, t) in list.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, initial_indent);
            w.write(LEVEL_0, inner_indent);
        }
        let (key, value, effect) = (s(&t["key"]), s(&t["value"]), s(&t["effect"]));
        let mut text = key.to_string();
        if !value.is_empty() {
            text.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            text.push_str(&format!(":{effect}"));
        }
        if s(&t["operator"]) == "Exists" && value.is_empty() {
            text.push_str(if !key.is_empty() || !effect.is_empty() { " op=Exists" } else { "op=Exists" });
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            text.push_str(&format!(" for {secs}s"));
        }
        dw!(w, LEVEL_0, "{text}\n");
    }
}

/// A LabelSelector as kubectl prints it; the apiserver has validated the
/// operators of anything stored, so there is no error to show.
pub fn selector_string(sel: &Value) -> String {
    crate::selector::label_selector_string(sel).unwrap_or_default()
}

/// The `labelSelector` query text for a selector (the same string kubectl sends).
pub fn selector_query(sel: &Value) -> String {
    selector_string(sel)
}

/// `fields.EscapeValue` for a field selector value.
pub fn escape_field_value(v: &str) -> String {
    v.replace('\\', "\\\\").replace(',', "\\,").replace('=', "\\=")
}

/// Pods whose controller is `uid`, tallied by phase as kubectl's
/// `getPodStatusForController` does: (running, waiting, succeeded, failed).
pub fn pod_status_counts(pods: &[Value], uid: &str) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for p in pods {
        let owned = arr(&p["metadata"]["ownerReferences"]).iter().any(|r| r["controller"].as_bool() == Some(true) && s(&r["uid"]) == uid);
        if !owned {
            continue;
        }
        match s(&p["status"]["phase"]) {
            "Running" => c.0 += 1,
            "Pending" => c.1 += 1,
            "Succeeded" => c.2 += 1,
            "Failed" => c.3 += 1,
            _ => {}
        }
    }
    c
}

/// The API path of a namespaced list (`/apis/apps/v1/namespaces/x/replicasets`).
pub fn list_path(group: &str, version: &str, resource: &str, namespace: &str) -> String {
    crate::client::ResourcePath { group, version, resource, namespace: Some(namespace).filter(|n| !n.is_empty()), ..Default::default() }.to_path()
}

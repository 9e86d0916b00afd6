//! Server-side tables (meta.k8s.io Table) to kubectl's human-readable rows.
//! Pure: a Table JSON in, tab-separated lines out (the caller runs the tabwriter).

use serde_json::Value;

pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    pub wide: bool,
    pub no_headers: bool,
    /// `pod/`, `deployment.apps/`: set when several types print or with --show-kind.
    pub kind_prefix: Option<String>,
    /// -A on a namespaced resource.
    pub namespace_column: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
}

/// One printed table: its header (if any) and its rows, as tab-separated lines.
#[derive(Debug, Default)]
pub struct Rendered {
    pub header: Option<String>,
    pub rows: Vec<String>,
}

/// Columns of a Table; the same for every page of one list.
#[derive(Debug, Clone)]
pub struct Columns {
    defs: Vec<(String, i64, String)>,
}

impl Columns {
    pub fn from_table(table: &Value) -> Columns {
        let defs = table["columnDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or("").to_string(),
                    c["priority"].as_i64().unwrap_or(0),
                    c["format"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        Columns { defs }
    }

    fn visible(&self, wide: bool) -> impl Iterator<Item = (usize, &(String, i64, String))> {
        self.defs.iter().enumerate().filter(move |(_, d)| wide || d.1 == 0)
    }

    pub fn header(&self, o: &TableOptions) -> String {
        let mut cells: Vec<String> = Vec::new();
        if o.namespace_column {
            cells.push("NAMESPACE".into());
        }
        cells.extend(self.visible(o.wide).map(|(_, d)| d.0.to_uppercase()));
        for l in &o.label_columns {
            cells.push(label_header(l));
        }
        if o.show_labels {
            cells.push("LABELS".into());
        }
        cells.join("\t")
    }

    pub fn row(&self, row: &Value, o: &TableOptions) -> String {
        let cells = row["cells"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let meta = &row["object"]["metadata"];
        let mut out: Vec<String> = Vec::new();
        if o.namespace_column {
            out.push(meta["namespace"].as_str().unwrap_or("").to_string());
        }
        for (i, def) in self.visible(o.wide) {
            let mut text = cells.get(i).map(cell_text).unwrap_or_default();
            if def.2 == "name" {
                if let Some(prefix) = &o.kind_prefix {
                    text = format!("{prefix}{text}");
                }
            }
            out.push(text);
        }
        let labels = meta["labels"].as_object();
        for l in &o.label_columns {
            out.push(labels.and_then(|m| m.get(l)).and_then(Value::as_str).unwrap_or("").to_string());
        }
        if o.show_labels {
            out.push(format_labels(labels));
        }
        out.join("\t")
    }
}

/// `-L app.kubernetes.io/name` is headed `NAME`: the key after its last slash.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

/// `a=b,c=d` sorted by key, or `<none>`.
pub fn format_labels(labels: Option<&serde_json::Map<String, Value>>) -> String {
    match labels {
        Some(m) if !m.is_empty() => {
            let mut pairs: Vec<String> = m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect();
            pairs.sort();
            pairs.join(",")
        }
        _ => "<none>".into(),
    }
}

/// A cell as kubectl prints it: strings raw (multi-line ones cut at the first
/// line break), numbers in Go's formatting, null as nothing (the server itself
/// writes `<none>` where a column has no value).
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::String(s) => match s.split_once('\n') {
            Some((first, _)) => format!("{first}..."),
            None => s.clone(),
        },
        Value::Null => String::new(),
        Value::Number(n) => crate::printers::gonum::json_number(n),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The kind prefix kubectl puts before names: `pod/`, `deployment.apps/`.
pub fn kind_prefix(kind: &str, group: &str) -> String {
    if group.is_empty() {
        format!("{}/", kind.to_lowercase())
    } else {
        format!("{}.{group}/", kind.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table() -> Value {
        json!({
            "columnDefinitions": [
                {"name": "Name", "format": "name", "priority": 0},
                {"name": "Ready", "priority": 0},
                {"name": "IP", "priority": 1},
            ],
            "rows": [{"cells": ["web-1", "1/1", "10.0.0.1"], "object": {"metadata": {"namespace": "ns", "labels": {"b": "2", "a": "1"}}}}]
        })
    }

    #[test]
    fn narrow_and_wide() {
        let t = table();
        let c = Columns::from_table(&t);
        let o = TableOptions::default();
        assert_eq!(c.header(&o), "NAME\tREADY");
        assert_eq!(c.row(&t["rows"][0], &o), "web-1\t1/1");
        let w = TableOptions { wide: true, namespace_column: true, show_labels: true, label_columns: vec!["x.io/a".into(), "b".into()], kind_prefix: Some("pod/".into()), ..Default::default() };
        assert_eq!(c.header(&w), "NAMESPACE\tNAME\tREADY\tIP\tA\tB\tLABELS");
        assert_eq!(c.row(&t["rows"][0], &w), "ns\tpod/web-1\t1/1\t10.0.0.1\t\t2\ta=1,b=2");
    }

    #[test]
    fn cells() {
        assert_eq!(cell_text(&json!("a\nb")), "a...");
        assert_eq!(cell_text(&json!(3)), "3");
        assert_eq!(cell_text(&Value::Null), "");
        assert_eq!(kind_prefix("Deployment", "apps"), "deployment.apps/");
    }
}

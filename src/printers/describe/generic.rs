//! kubectl's generic describer, for kinds without their own (CRDs above
//! all): name, namespace, labels, annotations, then every other field of
//! the object, sorted, with "smart" labels (`apiVersion` → `API Version`).

use serde_json::{Map, Value};

use super::common::{annotations_multiline, events, labels_multiline, s, v};
use super::writer::{Writer, LEVEL_0};
use super::DescribeContext;
use crate::dw;

const SKIP: &[&str] = &[".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

pub fn describe(obj: &Value, ctx: &DescribeContext) -> String {
    let mut w = Writer::new();
    let meta = &obj["metadata"];
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    if let Some(content) = obj.as_object() {
        unstructured(&mut w, LEVEL_0, content, "");
    }
    if let Some(ev) = ctx.events() {
        events(&mut w, ev);
    }
    w.finish()
}

fn unstructured(w: &mut Writer, level: usize, content: &Map<String, Value>, skip_prefix: &str) {
    let mut fields: Vec<&String> = content.keys().collect();
    fields.sort();
    for field in fields {
        let value = &content[field];
        let skip_expr = format!("{skip_prefix}.{field}");
        if SKIP.contains(&skip_expr.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                dw!(w, level, "{}:\n", smart_label(field));
                unstructured(w, level + 1, m, &skip_expr);
            }
            Value::Array(items) => {
                dw!(w, level, "{}:\n", smart_label(field));
                for child in items {
                    match child {
                        Value::Object(m) => unstructured(w, level + 1, m, &skip_expr),
                        other => dw!(w, level + 1, "{}\n", v(other)),
                    }
                }
            }
            other => dw!(w, level, "{}:\t{}\n", smart_label(field), v(other)),
        }
    }
}

/// `smartLabelFor`: camel-case words, capitalised, known acronyms upper
/// case; a field with anything but letters and '-' stays as it is.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut c = p.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// fatih/camelcase `Split`: runs of one character class (lower, upper,
/// digit, other), where an upper run followed by a lower one gives its last
/// letter to the lower run (`PDFLoader` → `PDF`, `Loader`).
fn camel_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        if k == last && !runs.is_empty() {
            runs.last_mut().unwrap().push(c);
        } else {
            runs.push(vec![c]);
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i].first().is_some_and(|c| c.is_uppercase()) && runs[i + 1].first().is_some_and(|c| c.is_lowercase()) {
            let moved = runs[i].pop().unwrap();
            runs[i + 1].insert(0, moved);
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("PDFLoader"), "PDF Loader");
        assert_eq!(smart_label("foo-bar"), "Foo - Bar");
        assert_eq!(smart_label("x1"), "x1");
        assert_eq!(smart_label("kind"), "Kind");
    }
}

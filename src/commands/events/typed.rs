//! A core/v1 Event as kubectl prints it: kubectl reads events through the
//! typed clientset, so `-o json` follows the Go struct (field order,
//! `omitempty`, zero timestamps as `null`), not the server's JSON.

use serde_json::Value;

use crate::commands::print_flags::Ordered;

struct Fields<'a> {
    src: &'a Value,
    out: Vec<(String, Ordered)>,
}

impl<'a> Fields<'a> {
    fn new(src: &'a Value) -> Self {
        Fields { src, out: Vec::new() }
    }

    fn push(&mut self, key: &str, v: Ordered) {
        self.out.push((key.to_string(), v));
    }

    /// `json:"key,omitempty"` on a string, number, bool, map or slice.
    fn omitempty(&mut self, key: &str) -> &mut Self {
        let v = &self.src[key];
        let empty = match v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::Bool(b) => !b,
            Value::Array(a) => a.is_empty(),
            Value::Object(m) => m.is_empty(),
        };
        if !empty {
            self.push(key, Ordered::Value(v.clone()));
        }
        self
    }

    /// A field without omitempty, or a struct (timestamps print `null` when zero).
    fn always(&mut self, key: &str, zero: Value) -> &mut Self {
        let v = match &self.src[key] {
            Value::Null => zero,
            v => v.clone(),
        };
        self.push(key, Ordered::Value(v));
        self
    }

    /// A pointer field: present when set.
    fn pointer(&mut self, key: &str) -> &mut Self {
        if !self.src[key].is_null() {
            self.push(key, Ordered::Value(self.src[key].clone()));
        }
        self
    }

    fn nested(&mut self, key: &str, f: impl Fn(&Value) -> Ordered) -> &mut Self {
        let v = f(&self.src[key]);
        self.push(key, v);
        self
    }

    fn list_omitempty(&mut self, key: &str, f: impl Fn(&Value) -> Ordered) -> &mut Self {
        if let Some(items) = self.src[key].as_array().filter(|a| !a.is_empty()) {
            let v = Ordered::List(items.iter().map(&f).collect());
            self.push(key, v);
        }
        self
    }

    fn done(&mut self) -> Ordered {
        Ordered::Map(std::mem::take(&mut self.out))
    }
}

fn object_reference(v: &Value) -> Ordered {
    Fields::new(v)
        .omitempty("kind")
        .omitempty("namespace")
        .omitempty("name")
        .omitempty("uid")
        .omitempty("apiVersion")
        .omitempty("resourceVersion")
        .omitempty("fieldPath")
        .done()
}

fn owner_reference(v: &Value) -> Ordered {
    Fields::new(v)
        .always("apiVersion", Value::from(""))
        .always("kind", Value::from(""))
        .always("name", Value::from(""))
        .always("uid", Value::from(""))
        .pointer("controller")
        .pointer("blockOwnerDeletion")
        .done()
}

fn managed_fields_entry(v: &Value) -> Ordered {
    Fields::new(v)
        .omitempty("manager")
        .omitempty("operation")
        .omitempty("apiVersion")
        .pointer("time")
        .omitempty("fieldsType")
        .pointer("fieldsV1")
        .omitempty("subresource")
        .done()
}

pub fn object_meta(v: &Value) -> Ordered {
    Fields::new(v)
        .omitempty("name")
        .omitempty("generateName")
        .omitempty("namespace")
        .omitempty("selfLink")
        .omitempty("uid")
        .omitempty("resourceVersion")
        .omitempty("generation")
        .always("creationTimestamp", Value::Null)
        .pointer("deletionTimestamp")
        .pointer("deletionGracePeriodSeconds")
        .omitempty("labels")
        .omitempty("annotations")
        .list_omitempty("ownerReferences", owner_reference)
        .omitempty("finalizers")
        .list_omitempty("managedFields", managed_fields_entry)
        .done()
}

fn event_source(v: &Value) -> Ordered {
    Fields::new(v).omitempty("component").omitempty("host").done()
}

fn event_series(v: &Value) -> Ordered {
    Fields::new(v).omitempty("count").always("lastObservedTime", Value::Null).done()
}

/// One Event in Go's field order; kind and apiVersion are set as kubectl sets them.
pub fn event(v: &Value) -> Ordered {
    let mut f = Fields::new(v);
    f.push("kind", Ordered::Value(Value::from("Event")));
    f.push("apiVersion", Ordered::Value(Value::from("v1")));
    f.nested("metadata", object_meta)
        .nested("involvedObject", object_reference)
        .omitempty("reason")
        .omitempty("message")
        .nested("source", event_source)
        .always("firstTimestamp", Value::Null)
        .always("lastTimestamp", Value::Null)
        .omitempty("count")
        .omitempty("type")
        .always("eventTime", Value::Null);
    if !v["series"].is_null() {
        f.nested("series", event_series);
    }
    f.omitempty("action");
    if !v["related"].is_null() {
        f.nested("related", object_reference);
    }
    f.always("reportingComponent", Value::from("")).always("reportingInstance", Value::from("")).done()
}

/// The EventList kubectl builds: no list metadata at all.
pub fn event_list(items: &[Value]) -> Ordered {
    Ordered::Map(vec![
        ("kind".into(), Ordered::Value(Value::from("EventList"))),
        ("apiVersion".into(), Ordered::Value(Value::from("v1"))),
        ("metadata".into(), Ordered::Value(Value::Object(Default::default()))),
        ("items".into(), Ordered::List(items.iter().map(event).collect())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_field_order_and_zero_values() {
        let ev = json!({
            "metadata": {"uid": "u", "name": "n", "namespace": "ns", "creationTimestamp": "2026-01-01T00:00:00Z", "resourceVersion": "5"},
            "type": "Normal", "reason": "Pulled", "message": "m", "count": 1,
            "involvedObject": {"name": "p", "kind": "Pod"},
            "source": {},
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z",
        });
        let text = crate::printers::json::to_string_compact(&event(&ev));
        assert_eq!(
            text,
            r#"{"kind":"Event","apiVersion":"v1","metadata":{"name":"n","namespace":"ns","uid":"u","resourceVersion":"5","creationTimestamp":"2026-01-01T00:00:00Z"},"involvedObject":{"kind":"Pod","name":"p"},"reason":"Pulled","message":"m","source":{},"firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:00:00Z","count":1,"type":"Normal","eventTime":null,"reportingComponent":"","reportingInstance":""}"#
        );
    }
}

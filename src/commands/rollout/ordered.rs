//! JSON values that keep their key order.
//!
//! kubectl's rollout commands print typed objects, and its JSON printer writes
//! a typed object's fields in Go struct order, which is the order the server
//! sent them in. `serde_json::Value` sorts keys (as Go maps do), so objects to
//! be printed as JSON are also kept in this form.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum OValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<OValue>),
    Object(Vec<(String, OValue)>),
}

pub fn parse(bytes: &[u8]) -> Result<OValue, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("error decoding response: {e}"))
}

impl OValue {
    pub fn get(&self, key: &str) -> Option<&OValue> {
        match self {
            OValue::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut OValue> {
        match self {
            OValue::Object(m) => m.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<OValue>> {
        match self {
            OValue::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Set `key`, keeping its place when present, else appending it.
    pub fn set(&mut self, key: &str, value: OValue) {
        if let OValue::Object(m) = self {
            match m.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => m.push((key.to_string(), value)),
            }
        }
    }

    pub fn remove_path(&mut self, path: &[&str]) {
        match path {
            [] => {}
            [last] => {
                if let OValue::Object(m) = self {
                    m.retain(|(k, _)| k != last);
                }
            }
            [first, rest @ ..] => {
                if let Some(v) = self.get_mut(first) {
                    v.remove_path(rest);
                }
            }
        }
    }

    /// A list item with the type kubectl's type setter gives it (TypeMeta
    /// fields come first in every API struct).
    pub fn with_type(self, kind: &str, api_version: OValue) -> OValue {
        let OValue::Object(fields) = self else { return self };
        let mut out = vec![("kind".to_string(), OValue::String(kind.to_string())), ("apiVersion".to_string(), api_version)];
        out.extend(fields.into_iter().filter(|(k, _)| k != "kind" && k != "apiVersion"));
        OValue::Object(out)
    }

    pub fn to_value(&self) -> Value {
        match self {
            OValue::Null => Value::Null,
            OValue::Bool(b) => Value::Bool(*b),
            OValue::Number(n) => Value::Number(n.clone()),
            OValue::String(s) => Value::String(s.clone()),
            OValue::Array(a) => Value::Array(a.iter().map(OValue::to_value).collect()),
            OValue::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }
}

impl Serialize for OValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OValue::Null => s.serialize_unit(),
            OValue::Bool(b) => s.serialize_bool(*b),
            OValue::Number(n) => n.serialize(s),
            OValue::String(v) => s.serialize_str(v),
            OValue::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            OValue::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for OValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OValue, D::Error> {
        d.deserialize_any(OVisitor)
    }
}

struct OVisitor;

impl<'de> Visitor<'de> for OVisitor {
    type Value = OValue;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<OValue, E> {
        Ok(OValue::Null)
    }
    fn visit_none<E>(self) -> Result<OValue, E> {
        Ok(OValue::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<OValue, E> {
        Ok(OValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<OValue, E> {
        Ok(OValue::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<OValue, E> {
        Ok(OValue::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<OValue, E> {
        Ok(Number::from_f64(v).map(OValue::Number).unwrap_or(OValue::Null))
    }
    fn visit_str<E>(self, v: &str) -> Result<OValue, E> {
        Ok(OValue::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<OValue, E> {
        Ok(OValue::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(OValue::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OValue, A::Error> {
        let mut out: Vec<(String, OValue)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, OValue>()? {
            // A repeated key keeps its first place and the last value, as Go does.
            match out.iter_mut().find(|(ok, _)| *ok == k) {
                Some(slot) => slot.1 = v,
                None => out.push((k, v)),
            }
        }
        Ok(OValue::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_key_order_and_prints_like_go() {
        let v = parse(br#"{"kind":"ReplicaSet","apiVersion":"apps/v1","metadata":{"name":"a","managedFields":[]},"spec":{"replicas":1}}"#).unwrap();
        let mut v = v;
        v.remove_path(&["metadata", "managedFields"]);
        let text = crate::printers::json::to_string(&v);
        assert_eq!(text, "{\n    \"kind\": \"ReplicaSet\",\n    \"apiVersion\": \"apps/v1\",\n    \"metadata\": {\n        \"name\": \"a\"\n    },\n    \"spec\": {\n        \"replicas\": 1\n    }\n}\n");
        let item = parse(br#"{"metadata":{"name":"x"}}"#).unwrap().with_type("Deployment", OValue::String("apps/v1".into()));
        assert_eq!(crate::printers::json::to_string_compact(&item), r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"x"}}"#);
    }
}

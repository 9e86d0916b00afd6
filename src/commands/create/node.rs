//! An ordered JSON tree.
//!
//! kubectl prints the typed object it built (or the typed object the server
//! returned) with `encoding/json`, so `-o json` and `--save-config` keep Go's
//! struct field order while maps (labels, data, ...) are sorted. A
//! `serde_json::Value` sorts everything, so objects are built as [`Node`]s and
//! converted to a `Value` only for the sorted printers (yaml, templates).
//! Server answers are parsed into [`Node`]s too: the API server writes the
//! same struct order kubectl would.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Num(Number),
    Str(String),
    Arr(Vec<Node>),
    /// Fields in insertion order.
    Obj(Vec<(String, Node)>),
}

impl Node {
    pub fn obj() -> Node {
        Node::Obj(Vec::new())
    }

    /// Append a field (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Node>) -> Node {
        self.push(key, value);
        self
    }

    /// Append a field only when `cond` holds (Go's `omitempty`).
    pub fn with_if(self, cond: bool, key: &str, value: impl Into<Node>) -> Node {
        if cond {
            self.with(key, value)
        } else {
            self
        }
    }

    pub fn push(&mut self, key: &str, value: impl Into<Node>) {
        if let Node::Obj(fields) = self {
            fields.push((key.to_string(), value.into()));
        }
    }

    /// A Go `map[string]string`: keys sorted as `encoding/json` writes them.
    pub fn string_map<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Node {
        Node::sorted_map(pairs.into_iter().map(|(k, v)| (k.as_ref().to_string(), Node::from(v.as_ref()))))
    }

    /// A Go map of any value type, sorted by key.
    pub fn sorted_map(pairs: impl IntoIterator<Item = (String, Node)>) -> Node {
        let mut fields: Vec<(String, Node)> = Vec::new();
        for (k, v) in pairs {
            match fields.iter_mut().find(|(fk, _)| *fk == k) {
                Some(slot) => slot.1 = v,
                None => fields.push((k, v)),
            }
        }
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        Node::Obj(fields)
    }

    pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Node {
        Node::Arr(items.into_iter().map(|s| Node::from(s.as_ref())).collect())
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Obj(fields) => fields.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match self {
            Node::Obj(fields) => {
                let i = fields.iter().position(|(k, _)| k == key)?;
                Some(fields.remove(i).1)
            }
            _ => None,
        }
    }

    /// Set `key`, keeping its place if present, otherwise inserting it before
    /// the first field that comes after it in `order` (a struct's field order).
    pub fn set_ordered(&mut self, key: &str, value: Node, order: &[&str]) {
        let Node::Obj(fields) = self else { return };
        if let Some(slot) = fields.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value;
            return;
        }
        let rank = |k: &str| order.iter().position(|o| *o == k);
        let mine = rank(key).unwrap_or(usize::MAX);
        let at = fields.iter().position(|(k, _)| rank(k).is_some_and(|r| r > mine)).unwrap_or(fields.len());
        fields.insert(at, (key.to_string(), value));
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_empty_container(&self) -> bool {
        match self {
            Node::Obj(f) => f.is_empty(),
            Node::Arr(a) => a.is_empty(),
            Node::Null => true,
            _ => false,
        }
    }

    /// The sorted `serde_json::Value` kubectl's yaml and template printers see.
    pub fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Num(n) => Value::Number(n.clone()),
            Node::Str(s) => Value::String(s.clone()),
            Node::Arr(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Obj(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
        }
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Node {
        Node::Str(s.to_string())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Node {
        Node::Str(s)
    }
}

impl From<&String> for Node {
    fn from(s: &String) -> Node {
        Node::Str(s.clone())
    }
}

impl From<i64> for Node {
    fn from(n: i64) -> Node {
        Node::Num(n.into())
    }
}

impl From<i32> for Node {
    fn from(n: i32) -> Node {
        Node::Num(n.into())
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Node {
        Node::Bool(b)
    }
}

impl From<Vec<Node>> for Node {
    fn from(items: Vec<Node>) -> Node {
        Node::Arr(items)
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => s.serialize_unit(),
            Node::Bool(b) => s.serialize_bool(*b),
            Node::Num(n) => n.serialize(s),
            Node::Str(v) => s.serialize_str(v),
            Node::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Node::Obj(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Num(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Num(n.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Node, E> {
        Number::from_f64(n).map(Node::Num).ok_or_else(|| E::custom("invalid number"))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::Str(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::Str(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(i) = seq.next_element()? {
            items.push(i);
        }
        Ok(Node::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut fields: Vec<(String, Node)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            fields.push((k, v));
        }
        Ok(Node::Obj(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_sorts_maps() {
        let n = Node::obj().with("kind", "X").with("apiVersion", "v1").with("data", Node::string_map([("b", "1"), ("a", "2")]));
        assert_eq!(crate::printers::json::to_string_compact(&n), r#"{"kind":"X","apiVersion":"v1","data":{"a":"2","b":"1"}}"#);
        let parsed: Node = serde_json::from_str(r#"{"z":1,"a":[true,null,"s"]}"#).unwrap();
        assert_eq!(crate::printers::json::to_string_compact(&parsed), r#"{"z":1,"a":[true,null,"s"]}"#);
    }

    #[test]
    fn ordered_insertion() {
        let mut m = Node::obj().with("name", "a").with("creationTimestamp", Node::Null).with("ownerReferences", Node::Arr(vec![]));
        m.set_ordered("annotations", Node::obj(), &["name", "namespace", "creationTimestamp", "labels", "annotations", "ownerReferences"]);
        let keys: Vec<&str> = match &m {
            Node::Obj(f) => f.iter().map(|(k, _)| k.as_str()).collect(),
            _ => vec![],
        };
        assert_eq!(keys, ["name", "creationTimestamp", "annotations", "ownerReferences"]);
    }
}

//! [`PatchMeta`] backed by the server's OpenAPI v2 document (`GET
//! /openapi/v2`), as kubectl uses it: definitions are found by
//! `x-kubernetes-group-version-kind`, `$ref`s are followed, and a field's
//! `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` are read
//! from the property that declares it.
//!
//! Parsing follows kube-openapi's proto model: an object with `properties`
//! is a kind (unknown fields are errors), an object without them a map
//! (`additionalProperties`), an untyped schema without properties is
//! arbitrary (no metadata below it).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::meta::{FieldMeta, Node, NodeRef, Prop, SchemaSet};
use super::{PatchError, PatchMeta};

/// All definitions of an OpenAPI v2 document, indexed by group/version/kind.
#[derive(Debug, Clone, Default)]
pub struct OpenApiSchema {
    set: SchemaSet,
    gvks: HashMap<(String, String, String), String>,
}

/// The schema of one kind, usable as [`PatchMeta`].
#[derive(Debug, Clone, Copy)]
pub struct KindSchema<'a> {
    set: &'a SchemaSet,
    root: &'a str,
}

impl OpenApiSchema {
    /// Parses `doc` (the JSON of `/openapi/v2`).
    pub fn from_v2(doc: &Value) -> Result<OpenApiSchema, PatchError> {
        let defs = doc
            .get("definitions")
            .and_then(Value::as_object)
            .ok_or_else(|| PatchError::invalid("OpenAPI v2 document has no definitions"))?;
        let mut set = SchemaSet::default();
        let mut gvks = HashMap::new();
        // Sorted, so that when several definitions claim a kind the last
        // one wins as in kube-openapi's resource index.
        let sorted: BTreeMap<&String, &Value> = defs.iter().collect();
        for (name, schema) in sorted {
            set.defs.insert(name.clone(), parse_node(schema));
            if let Some(list) = schema
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
            {
                for gvk in list {
                    let field =
                        |k: &str| gvk.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    let kind = field("kind");
                    if !kind.is_empty() {
                        gvks.insert((field("group"), field("version"), kind), name.clone());
                    }
                }
            }
        }
        Ok(OpenApiSchema { set, gvks })
    }

    /// The schema of a kind (`group` is "" for the core group), if the
    /// document defines it.
    pub fn for_kind(&self, group: &str, version: &str, kind: &str) -> Option<KindSchema<'_>> {
        let name = self
            .gvks
            .get(&(group.to_string(), version.to_string(), kind.to_string()))?;
        Some(KindSchema {
            set: &self.set,
            root: name,
        })
    }

    /// Whether the document defines the kind.
    pub fn has_kind(&self, group: &str, version: &str, kind: &str) -> bool {
        self.for_kind(group, version, kind).is_some()
    }
}

impl PatchMeta for KindSchema<'_> {
    fn field_meta(&self, path: &[String]) -> Result<FieldMeta, PatchError> {
        self.set.walk(self.root, path)
    }
}

fn ref_name(r: &str) -> String {
    r.strip_prefix("#/definitions/").unwrap_or(r).to_string()
}

/// A property or items schema: a reference or an inline node.
fn parse_ref(schema: &Value) -> NodeRef {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => NodeRef::Def(ref_name(r)),
        None => NodeRef::Inline(Box::new(parse_node(schema))),
    }
}

fn parse_node(schema: &Value) -> Node {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Node::Alias(NodeRef::Def(ref_name(r)));
    }
    let ty = schema.get("type");
    let ty = match ty {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_str(),
        Some(Value::Array(a)) if a.len() > 1 => return Node::Arbitrary,
        _ => None,
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    match ty {
        None => match properties {
            Some(props) => parse_kind(props),
            None => Node::Arbitrary,
        },
        Some("object") => match properties {
            Some(props) => parse_kind(props),
            None => match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() => Node::Map(parse_ref(ap)),
                _ => Node::Map(NodeRef::Inline(Box::new(Node::Arbitrary))),
            },
        },
        Some("array") => match schema.get("items") {
            Some(items) if items.is_object() => Node::Array(parse_ref(items)),
            _ => Node::Array(NodeRef::Inline(Box::new(Node::Arbitrary))),
        },
        Some(_) => Node::Primitive,
    }
}

fn parse_kind(props: &serde_json::Map<String, Value>) -> Node {
    let fields = props
        .iter()
        .map(|(name, prop)| {
            let ext = |k: &str| prop.get(k).and_then(Value::as_str).unwrap_or("");
            let meta = FieldMeta::new(
                ext("x-kubernetes-patch-strategy"),
                ext("x-kubernetes-patch-merge-key"),
            );
            (
                name.clone(),
                Prop {
                    meta,
                    node: parse_ref(prop),
                },
            )
        })
        .collect();
    Node::Kind {
        fields,
        open: false,
    }
}

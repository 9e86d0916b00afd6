//! Patch metadata: which lists merge (and on which key), which maps are
//! replaced whole, which structs clear the keys a patch does not retain.
//!
//! [`PatchMeta`] answers for a field path from the root of a kind; list
//! items are transparent (`["spec", "template", "spec", "containers",
//! "env"]` is the env list of every container). [`SchemaSet`] is the tree
//! walker shared by the OpenAPI-backed and the built-in schema.

use std::collections::{BTreeMap, HashMap};

use super::PatchError;

/// `x-kubernetes-patch-strategy` (split on commas) and
/// `x-kubernetes-patch-merge-key` of one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMeta {
    /// e.g. `["merge"]`, `["merge", "retainKeys"]`, `["replace"]`; empty for none.
    pub strategies: Vec<String>,
    /// The key list items are matched on; empty for none.
    pub merge_key: String,
}

impl FieldMeta {
    /// From the extension values; `strategy` may be a combination such as
    /// `"merge,retainKeys"`. Empty strings mean "not set".
    pub fn new(strategy: &str, merge_key: &str) -> FieldMeta {
        FieldMeta {
            strategies: if strategy.is_empty() {
                Vec::new()
            } else {
                strategy.split(',').map(str::to_string).collect()
            },
            merge_key: merge_key.to_string(),
        }
    }

    /// apimachinery's `extractRetainKeysPatchStrategy`: whether retainKeys is
    /// among the strategies, and the other strategy ("" for none).
    pub(crate) fn split(&self) -> Result<(bool, String), PatchError> {
        let s = &self.strategies;
        match s.len() {
            0 => Ok((false, String::new())),
            1 if s[0] == "retainKeys" => Ok((true, String::new())),
            1 => Ok((false, s[0].clone())),
            2 if s[0] == "retainKeys" => Ok((true, s[1].clone())),
            2 if s[1] == "retainKeys" => Ok((true, s[0].clone())),
            _ => Err(PatchError::invalid(format!(
                "unexpected patch strategy: [{}]",
                s.join(" ")
            ))),
        }
    }
}

/// Source of patch metadata for one kind.
pub trait PatchMeta {
    /// The metadata of the field at `path` (object keys from the root of the
    /// kind; list items are not part of the path). An error means the schema
    /// says no such field can exist there (the diff tolerates it when both
    /// sides are equal, as apimachinery does).
    fn field_meta(&self, path: &[String]) -> Result<FieldMeta, PatchError>;
}

/// No metadata at all: every list is replaced, every map merged (what
/// apimachinery does for an unknown schema).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSchema;

impl PatchMeta for NoSchema {
    fn field_meta(&self, _path: &[String]) -> Result<FieldMeta, PatchError> {
        Ok(FieldMeta::default())
    }
}

/// Where a schema node points.
#[derive(Debug, Clone)]
pub(crate) enum NodeRef {
    /// A named definition (`$ref`).
    Def(String),
    /// An inline schema.
    Inline(Box<Node>),
}

#[derive(Debug, Clone)]
pub(crate) struct Prop {
    pub meta: FieldMeta,
    pub node: NodeRef,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// An object with named fields. `open`: unknown fields are not an error
    /// (the built-in table lists only the fields that matter for patching).
    Kind {
        fields: BTreeMap<String, Prop>,
        open: bool,
    },
    /// An object with arbitrary keys whose values follow the given schema.
    Map(NodeRef),
    Array(NodeRef),
    /// A definition that is only a reference to another.
    Alias(NodeRef),
    Primitive,
    /// Anything goes; no metadata below.
    Arbitrary,
}

/// Named schema definitions and the walk from a kind's root along a path.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaSet {
    pub defs: HashMap<String, Node>,
}

impl SchemaSet {
    pub fn walk(&self, root: &str, path: &[String]) -> Result<FieldMeta, PatchError> {
        let root_ref = NodeRef::Def(root.to_string());
        let mut cur: &NodeRef = &root_ref;
        let mut meta = FieldMeta::default();
        let mut where_ = root.to_string();
        for seg in path {
            let node = self.resolve(cur);
            match node {
                Node::Kind { fields, open } => match fields.get(seg) {
                    Some(prop) => {
                        meta = prop.meta.clone();
                        cur = &prop.node;
                    }
                    None if *open => return Ok(FieldMeta::default()),
                    None => {
                        return Err(PatchError::invalid(format!(
                            "unable to find api field {seg:?} in {where_}"
                        )))
                    }
                },
                Node::Map(value) => {
                    meta = FieldMeta::default();
                    cur = value;
                }
                Node::Primitive => {
                    return Err(PatchError::invalid("expected kind, but got primitive"));
                }
                Node::Arbitrary => return Ok(FieldMeta::default()),
                Node::Array(_) | Node::Alias(_) => unreachable!("resolve unwraps these"),
            }
            where_.push('.');
            where_.push_str(seg);
        }
        Ok(meta)
    }

    /// Follows references and steps into list items.
    fn resolve<'a>(&'a self, mut r: &'a NodeRef) -> &'a Node {
        const ARBITRARY: &Node = &Node::Arbitrary;
        // Bounded: a self-referencing array definition would otherwise loop.
        for _ in 0..64 {
            let node = match r {
                NodeRef::Def(name) => match self.defs.get(name) {
                    Some(n) => n,
                    None => return ARBITRARY,
                },
                NodeRef::Inline(n) => n,
            };
            match node {
                Node::Array(items) | Node::Alias(items) => r = items,
                other => return other,
            }
        }
        ARBITRARY
    }
}

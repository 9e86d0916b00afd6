//! Pure patch computation (no I/O) for `apply`, `diff`, `patch` and `edit`,
//! with the semantics of k8s.io/apimachinery and kubectl v1.32:
//!
//! - strategic merge patch ([`apply_strategic`], [`create_two_way`],
//!   [`create_three_way`]): apimachinery's `strategicpatch`, directives
//!   `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/…`,
//!   `$setElementOrder/…`, driven by a [`PatchMeta`] schema (the server's
//!   OpenAPI v2 document via [`OpenApiSchema`], or the built-in table
//!   [`BuiltinSchema`] when OpenAPI is unavailable);
//! - JSON merge patch (RFC 7386, evanphx/json-patch semantics):
//!   [`apply_merge_patch`], [`create_merge_patch`] and kubectl's
//!   [`create_three_way_json_merge`] used for custom resources;
//! - JSON patch (RFC 6902): [`apply_json_patch`] with evanphx/json-patch v4
//!   error texts.
//!
//! [`apply_patch`] makes kubectl apply's choice between them (strategic for
//! known types, OpenAPI first then the built-in table; JSON merge for
//! custom resources).
//!
//! Patches are `serde_json::Value`s; [`to_go_json`] gives the exact bytes
//! kubectl sends (Go's `json.Marshal`: sorted keys, compact, HTML-escaped).
//! [`modified_configuration`] builds kubectl apply's "modified" document
//! (the manifest plus its last-applied-configuration annotation).

// The API is consumed by commands being written alongside this module.
#![allow(dead_code)]

mod builtin;
mod gofmt;
mod json_patch;
mod kubectl;
mod merge_patch;
mod meta;
mod openapi;
mod smp_apply;
mod smp_conflict;
mod smp_diff;
mod smp_order;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

#[allow(unused_imports)]
pub use builtin::{uses_strategic_merge_patch, BuiltinSchema};
#[allow(unused_imports)]
pub use json_patch::{apply_json_patch, kubectl_json_patch_message};
#[allow(unused_imports)]
pub use kubectl::{apply_patch, group_version_kind, PatchType};
#[allow(unused_imports)]
pub use merge_patch::{apply_merge_patch, create_merge_patch, create_three_way_json_merge};
#[allow(unused_imports)]
pub use meta::{FieldMeta, NoSchema, PatchMeta};
#[allow(unused_imports)]
pub use openapi::{KindSchema, OpenApiSchema};
#[allow(unused_imports)]
pub use smp_apply::apply_strategic;
#[allow(unused_imports)]
pub use smp_diff::{create_three_way, create_two_way};

/// The annotation kubectl apply keeps the last applied manifest in.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What kind of failure a patch computation hit; callers word some of them
/// specially (kubectl apply turns `PreconditionFailed` into "At least one of
/// apiVersion, kind and name was changed").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchErrorKind {
    /// Three-way patch conflicts with changes made to the live object
    /// (only when `overwrite` is false).
    Conflict,
    /// A precondition (e.g. apiVersion/kind/name unchanged) failed.
    PreconditionFailed,
    /// A JSON patch `test` operation failed.
    TestFailed,
    /// Malformed document or patch, missing merge key, unknown directive, …
    Invalid,
}

/// A patch computation error; `message` is apimachinery's / evanphx's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    pub kind: PatchErrorKind,
    pub message: String,
}

impl PatchError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        PatchError {
            kind: PatchErrorKind::Invalid,
            message: message.into(),
        }
    }

    pub(crate) fn new(kind: PatchErrorKind, message: impl Into<String>) -> Self {
        PatchError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatchError {}

/// The bytes Go's `json.Marshal` produces for `value`: what kubectl sends as
/// a patch body (and what it compares with `{}` to report "unchanged").
pub fn to_go_json(value: &Value) -> String {
    crate::printers::json::to_string_compact(value)
}

/// kubectl's `util.GetModifiedConfiguration`: `obj` without any
/// last-applied annotation, and — when `annotate` — with that annotation set
/// to the JSON of the object itself (Go `json.Encoder` output: compact,
/// sorted keys, HTML-escaped, trailing newline). Like kubectl, an object
/// without annotations gets an empty `metadata.annotations` map, which is
/// why every last-applied configuration contains `"annotations":{}`.
///
/// The caller is expected to have defaulted `metadata.namespace` as kubectl's
/// resource builder does before calling this.
pub fn modified_configuration(obj: &Value, annotate: bool) -> Value {
    let mut obj = obj.clone();
    let Some(root) = obj.as_object_mut() else {
        return obj;
    };
    let meta = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let annotations = meta
        .as_object_mut()
        .expect("metadata is an object")
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    annotations
        .as_object_mut()
        .expect("annotations is an object")
        .remove(LAST_APPLIED_ANNOTATION);
    if annotate {
        let mut encoded = to_go_json(&obj);
        encoded.push('\n');
        obj["metadata"]["annotations"][LAST_APPLIED_ANNOTATION] = Value::String(encoded);
    }
    obj
}

/// The last-applied configuration recorded on a live object, parsed; `None`
/// when the annotation is absent or empty (kubectl then computes the patch
/// without deletions).
pub fn original_configuration(live: &Value) -> Result<Option<Value>, PatchError> {
    let text = live
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED_ANNOTATION))
        .and_then(Value::as_str);
    match text {
        None | Some("") => Ok(None),
        Some(t) => serde_json::from_str(t)
            .map(Some)
            .map_err(|_| PatchError::invalid("invalid JSON document")),
    }
}

//! kubectl apply's choice of patch (`Patcher.patchSimple`): a strategic
//! merge patch for the types kubectl knows, computed with the server's
//! OpenAPI schema and, should that fail, with the built-in table; a JSON
//! merge patch for everything else (custom resources).

use serde_json::Value;

use super::{
    create_three_way, create_three_way_json_merge, uses_strategic_merge_patch, BuiltinSchema,
    OpenApiSchema, PatchError,
};

/// The kinds of patch the API server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Strategic,
    Merge,
    Json,
}

impl PatchType {
    /// The Content-Type of a PATCH request carrying this kind of patch.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Json => "application/json-patch+json",
        }
    }
}

/// `(group, version, kind)` of an object (`group` is "" for the core group).
pub fn group_version_kind(obj: &Value) -> (String, String, String) {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    (group.to_string(), version.to_string(), kind.to_string())
}

/// The patch `kubectl apply` sends to turn `current` (the live object) into
/// `modified` (see [`super::modified_configuration`]), given `original`
/// (the last-applied configuration, if any). A patch that serializes to
/// `{}` means "unchanged": kubectl sends nothing then.
///
/// When the OpenAPI-based computation fails, kubectl warns and retries with
/// its compiled-in types; the warning line is pushed to `warnings` as
/// kubectl prints it (without the trailing newline).
pub fn apply_patch(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
    openapi: Option<&OpenApiSchema>,
    overwrite: bool,
    warnings: &mut Vec<String>,
) -> Result<(Value, PatchType), PatchError> {
    let (group, version, kind) = group_version_kind(modified);
    if !uses_strategic_merge_patch(&group) {
        return create_three_way_json_merge(original, modified, current)
            .map(|p| (p, PatchType::Merge));
    }
    if let Some(schema) = openapi.and_then(|o| o.for_kind(&group, &version, &kind)) {
        match create_three_way(original, modified, current, &schema, overwrite) {
            Ok(p) => return Ok((p, PatchType::Strategic)),
            Err(e) => warnings.push(format!(
                "warning: error calculating patch from openapi spec: {e}"
            )),
        }
    }
    let builtin = BuiltinSchema::for_kind(&kind);
    create_three_way(original, modified, current, &builtin, overwrite)
        .map(|p| (p, PatchType::Strategic))
}

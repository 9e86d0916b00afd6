//! Server-side apply (`PATCH` with `application/apply-patch+yaml`) and the
//! managedFields bookkeeping of every other write, with the apiserver's
//! PatchOptions validation and apply-conflict Status.

use std::sync::Arc;

use hyper::Response;
use serde_json::{json, Value};

use super::super::managed_fields::{self, ApplyError, Kind};
use super::super::resources::Res;
use super::objects::{create_value, respond, store_update};
use super::{ApiError, Body, Req, State, Target};

/// The manager a non-apply write is recorded under: `fieldManager`, else the
/// User-Agent up to its first `/` (printable characters, at most 128 bytes).
pub fn manager_of(req: &Req) -> String {
    let m = req.q("fieldManager");
    if !m.is_empty() {
        return m.to_string();
    }
    let mut out = String::new();
    for c in req.user_agent.split('/').next().unwrap_or("").chars() {
        if c.is_control() {
            continue;
        }
        if out.len() + c.len_utf8() > 128 {
            break;
        }
        out.push(c);
    }
    out
}

fn kind_of(res: &Res) -> Kind {
    Kind::new(res.group, res.version, res.kind)
}

/// managedFields of a created object.
pub fn track_create(req: &Req, res: &Res, obj: &mut Value) {
    managed_fields::update(&kind_of(res), None, obj, &manager_of(req), true);
}

/// managedFields of an updated object; scale writes leave them alone, as in v1.20.
pub fn track_update(req: &Req, t: &Target, old: &Value, new: &mut Value) {
    if t.sub.as_deref() == Some("scale") {
        return;
    }
    managed_fields::update(&kind_of(t.res), Some(old), new, &manager_of(req), t.sub.is_none());
}

/// managedFields of a controller's write (the local controllers write the
/// store directly; in a cluster these are kube-controller-manager's API
/// writes). The bulk kinds (pods, events, endpoints) are left untracked: an
/// entry on each of 1000 pods doubles the server's memory and costs a third
/// more time to get them Running.
pub fn track_controller_write(res: &Res, old: Option<&Value>, new: &mut Value) {
    if matches!(res.name, "pods" | "events" | "endpoints" | "endpointslices" | "nodes") {
        return;
    }
    managed_fields::update(&kind_of(res), old, new, "kube-controller-manager", false);
}

fn options_invalid(field: &str, reason: &str, detail: &str) -> ApiError {
    let mut e = ApiError::new(422, "Invalid", format!("PatchOptions.meta.k8s.io \"\" is invalid: {field}: {detail}"));
    e.details = Some(json!({"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [{"reason": reason, "message": detail, "field": field}]}));
    e
}

/// metav1 validation.ValidatePatchOptions.
pub fn validate_patch_options(req: &Req, apply: bool) -> Result<(), ApiError> {
    if !apply && req.query.contains_key("force") {
        return Err(options_invalid("force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch"));
    }
    if apply && req.q("fieldManager").is_empty() {
        return Err(options_invalid("fieldManager", "FieldValueRequired", "Required value: is required for apply patch"));
    }
    let fm = req.q("fieldManager");
    if fm.len() > 128 {
        return Err(options_invalid("fieldManager", "FieldValueTooLong", "Too long: must have at most 128 bytes"));
    }
    Ok(())
}

fn api_error(e: ApplyError) -> ApiError {
    match e {
        ApplyError::Conflicts(c) => {
            let causes: Vec<Value> = c.iter().map(|c| json!({"reason": "FieldManagerConflict", "message": format!("conflict with {}", c.manager), "field": c.path})).collect();
            let mut err = ApiError::new(409, "Conflict", managed_fields::conflict_message(&c));
            err.details = Some(json!({"causes": causes}));
            err
        }
        ApplyError::BadRequest(m) => ApiError::bad_request(m),
        // A plain error: the apiserver's Status has no reason.
        ApplyError::Internal(m) => ApiError::new(500, "", m),
    }
}

/// PATCH with an apply configuration: merged into the live object with field
/// ownership, or the object is created from it when missing.
pub fn apply_patch(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    validate_patch_options(req, true)?;
    if t.sub.as_deref() == Some("scale") {
        return Err(ApiError::new(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"));
    }
    let text = String::from_utf8_lossy(&req.body);
    let config = crate::yaml::to_json(&text).map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
    if !config.is_object() {
        return Err(ApiError::bad_request("error decoding YAML: the apply configuration is not an object"));
    }
    let manager = req.q("fieldManager").to_string();
    let force = req.q("force") == "true";
    let kind = kind_of(t.res);
    let result = store_update(state, req, t, name, false, |old| match managed_fields::apply(&kind, Some(old), &config, &manager, force) {
        Ok(Some(new)) => Ok(new),
        Ok(None) => Ok(old.clone()),
        Err(e) => Err(api_error(e)),
    });
    match result {
        Ok(obj) => respond(req, t.res, 200, &obj),
        Err(e) if e.code == 404 && t.sub.is_none() => {
            let new = managed_fields::apply(&kind, None, &config, &manager, force).map_err(api_error)?.unwrap_or(config);
            let body_name = new["metadata"]["name"].as_str().unwrap_or("");
            if body_name != name {
                return Err(ApiError::bad_request(format!("the name of the object ({body_name}) does not match the name on the URL ({name})")));
            }
            create_value(state, req, t, new, false)
        }
        Err(e) => Err(e),
    }
}

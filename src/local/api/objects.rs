//! Single-object verbs: get, create, update (and the status/scale subresources),
//! patch, delete; the metadata the apiserver owns is stamped here.

use std::sync::Arc;

use hyper::Response;
use serde_json::{json, Map, Value};

use super::super::resources::Res;
use super::super::store::Op;
use super::{json_response, validate, ApiError, Body, Req, State, Target};

pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::printers::describe::time::format_rfc3339(secs as i64, 0)
}

/// A random (v4) UUID from the kernel's generator.
pub fn new_uid() -> String {
    let mut b = [0u8; 16];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        use std::io::Read;
        let _ = f.read_exact(&mut b);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The 5 random characters apiserver's `generateName` appends.
fn name_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let uid = new_uid();
    uid.bytes().filter(|c| c.is_ascii_hexdigit()).take(5).map(|c| ALPHABET[(c as usize * 7) % ALPHABET.len()] as char).collect()
}

fn parse_body(req: &Req) -> Result<Value, ApiError> {
    let v: Value = serde_json::from_slice(&req.body).map_err(|e| {
        ApiError::bad_request(format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({e})"))
    })?;
    if !v.is_object() {
        return Err(ApiError::bad_request("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"));
    }
    Ok(v)
}

pub fn with_type(res: &Res, mut obj: Value) -> Value {
    if let Some(m) = obj.as_object_mut() {
        // kind and apiVersion first, as the apiserver encodes them.
        let mut out = Map::new();
        out.insert("kind".into(), json!(res.kind));
        out.insert("apiVersion".into(), json!(res.api_version()));
        for (k, v) in std::mem::take(m) {
            if k != "kind" && k != "apiVersion" {
                out.insert(k, v);
            }
        }
        return Value::Object(out);
    }
    obj
}

fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj["metadata"][field].as_str().unwrap_or("")
}

pub(super) fn respond(req: &Req, res: &Res, code: u16, obj: &Value) -> Result<Response<Body>, ApiError> {
    if req.wants_table() {
        let table = super::super::table::table(res, std::slice::from_ref(obj), req.q("includeObject"), true);
        return Ok(json_response(code, &table));
    }
    Ok(json_response(code, obj))
}

pub fn get(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    let obj = state.store.get(&t.res.key(&t.namespace, name)).ok_or_else(|| ApiError::not_found(t.res, name))?;
    match t.sub.as_deref() {
        Some("scale") => Ok(json_response(200, &scale_of(t.res, &obj))),
        Some("log") => super::super::logs::serve(state, req, &obj),
        _ => respond(req, t.res, 200, &obj),
    }
}

fn scale_of(res: &Res, obj: &Value) -> Value {
    let selector = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(","))
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": obj["metadata"]["name"], "namespace": obj["metadata"]["namespace"], "uid": obj["metadata"]["uid"],
            "resourceVersion": obj["metadata"]["resourceVersion"], "creationTimestamp": obj["metadata"]["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(if res.name == "deployments" { 1 } else { 0 })},
        "status": {"replicas": obj["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector},
    })
}

fn namespace_exists(objects: &crate::local::store::Objects, ns: &str) -> bool {
    objects.contains_key(&format!("core/namespaces//{ns}"))
}

/// Objects created along with a namespace (the default ServiceAccount, which
/// the real cluster's controllers add a moment later).
fn namespace_companions(ns: &str, rv: u64) -> Vec<Op> {
    super::super::accounts::namespace_ops(ns, rv)
}

pub fn create(state: &Arc<State>, req: &Req, t: &Target) -> Result<Response<Body>, ApiError> {
    create_value(state, req, t, parse_body(req)?, true)
}

/// Creates `body`; `track`: record managedFields (server-side apply has).
pub(super) fn create_value(state: &Arc<State>, req: &Req, t: &Target, body: Value, track: bool) -> Result<Response<Body>, ApiError> {
    let res = t.res;
    let mut obj = with_type(res, body);
    // An apply body is YAML the decoder's positions don't describe.
    let source = if track { super::super::openapi::Source::Body(&req.body) } else { super::super::openapi::Source::Other };
    super::super::openapi::Pruner::for_res(&state.store, res).prune(res, &mut obj, &source)?;
    if track {
        super::validate_update::secret_data(res, &req.body)?;
    }
    let body_ns = meta_str(&obj, "namespace").to_string();
    if res.namespaced {
        if !body_ns.is_empty() && body_ns != t.namespace {
            return Err(ApiError::bad_request("the namespace of the provided object does not match the namespace sent on the request"));
        }
        obj["metadata"]["namespace"] = json!(t.namespace);
    } else if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("namespace");
    }
    if meta_str(&obj, "name").is_empty() {
        let gen = meta_str(&obj, "generateName").to_string();
        if !gen.is_empty() {
            obj["metadata"]["name"] = json!(format!("{gen}{}", name_suffix()));
        }
    }
    if res.has_status() {
        // Status is the controllers' to write, never the creator's.
        if let Some(m) = obj.as_object_mut() {
            m.remove("status");
        }
    }
    let requested_ip = super::services::requested_ip(res, &obj);
    super::super::defaults::scheme(res, &mut obj, None);
    validate::validate(res, &obj)?;
    if track {
        super::apply::track_create(req, res, &mut obj);
    }
    super::super::defaults::admit(res, &mut obj, None);
    let name = meta_str(&obj, "name").to_string();
    let key = res.key(&t.namespace, &name);
    let dry = req.dry_run();
    let ns = t.namespace.clone();
    let mut created = Value::Null;
    let result = state.store.commit(|objects, rv| {
        if res.namespaced && !namespace_exists(objects, &ns) {
            return Err(ApiError::namespace_not_found(&ns));
        }
        if res.namespaced {
            super::deletion::terminating_namespace(objects, res, &ns, &name)?;
        }
        if objects.contains_key(&key) {
            return Err(ApiError::already_exists(res, &name));
        }
        super::services::allocate(res, &mut obj, objects, None, requested_ip.as_deref())?;
        let m = obj["metadata"].as_object_mut().unwrap();
        m.insert("uid".into(), json!(new_uid()));
        m.insert("resourceVersion".into(), json!(rv.to_string()));
        if res.generation {
            m.insert("generation".into(), json!(1));
        }
        m.insert("creationTimestamp".into(), json!(now_rfc3339()));
        m.remove("deletionTimestamp");
        created = obj.clone();
        if dry {
            return Ok(vec![]);
        }
        let mut ops = vec![Op { key: key.clone(), object: Some(obj.clone()) }];
        if res.name == "namespaces" {
            ops.extend(namespace_companions(&name, rv));
        }
        Ok(ops)
    })?;
    result?;
    if dry {
        if let Some(m) = created["metadata"].as_object_mut() {
            m.remove("resourceVersion");
        }
    }
    respond(req, res, 201, &created)
}

/// Replace the object at `name` with `new` (from PUT or a patch), keeping what
/// clients cannot change. `expect_rv` is the precondition from the body.
pub(super) fn store_update(state: &Arc<State>, req: &Req, t: &Target, name: &str, track: bool, edit: impl Fn(&Value) -> Result<Value, ApiError>) -> Result<Value, ApiError> {
    let res = t.res;
    let key = res.key(&t.namespace, name);
    let dry = req.dry_run();
    let sub = t.sub.clone();
    let pruner = super::super::openapi::Pruner::for_res(&state.store, res);
    let source = super::super::openapi::Source::of(req, sub.is_none());
    let mut updated = Value::Null;
    state
        .store
        .commit(|objects, rv| {
            let old = objects.get(&key).ok_or_else(|| ApiError::not_found(res, name))?;
            let mut new = with_type(res, edit(old)?);
            pruner.prune(res, &mut new, &source)?;
            let expect_rv = meta_str(&new, "resourceVersion").to_string();
            if !expect_rv.is_empty() && expect_rv != meta_str(old, "resourceVersion") {
                return Err(ApiError::conflict(res, name));
            }
            if meta_str(&new, "name") != name {
                return Err(ApiError::bad_request(format!("the name of the object ({}) does not match the name on the URL ({name})", meta_str(&new, "name"))));
            }
            match sub.as_deref() {
                Some("status") => {
                    let status = new["status"].take();
                    new = Value::clone(old);
                    new["status"] = status;
                }
                Some("scale") => {
                    let replicas = new["spec"]["replicas"].clone();
                    new = Value::clone(old);
                    new["spec"]["replicas"] = replicas;
                }
                _ => {
                    if res.has_status() {
                        new["status"] = old["status"].clone();
                        if new["status"].is_null() {
                            new.as_object_mut().unwrap().remove("status");
                        }
                    }
                }
            }
            for f in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds"] {
                match old["metadata"].get(f) {
                    Some(v) => new["metadata"][f] = v.clone(),
                    None => {
                        new["metadata"].as_object_mut().map(|m| m.remove(f));
                    }
                }
            }
            if res.namespaced {
                new["metadata"]["namespace"] = json!(t.namespace);
            }
            super::super::defaults::apply(res, &mut new, Some(old));
            validate::validate(res, &new)?;
            super::validate_update::validate_update(res, &new, old)?;
            super::services::allocate(res, &mut new, objects, Some(old), None)?;
            // v1.20's Deployment strategy also counts annotation changes (the
            // deprecated rollback annotation lived there).
            let annotations_changed = res.name == "deployments" && new["metadata"]["annotations"] != old["metadata"]["annotations"];
            if res.generation && (strip_meta_status(&new) != strip_meta_status(old) || annotations_changed) {
                let g = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
                new["metadata"]["generation"] = json!(g);
            }
            if track {
                super::apply::track_update(req, t, old, &mut new);
            }
            if new == **old {
                // A no-op write does not get a new revision, as in the apiserver.
                updated = new;
                return Ok(vec![]);
            }
            if dry {
                // Nothing is stored, so the revision stays the current one.
                new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"].clone();
                updated = new;
                return Ok(vec![]);
            }
            new["metadata"]["resourceVersion"] = json!(rv.to_string());
            updated = new.clone();
            if super::deletion::done_after_update(res, &new) {
                // The last finalizer of an object marked for deletion is gone.
                return Ok(vec![Op { key: key.clone(), object: None }]);
            }
            Ok(vec![Op { key: key.clone(), object: Some(new) }])
        })??;
    Ok(updated)
}

fn strip_meta_status(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("metadata");
        m.remove("status");
    }
    v
}

pub fn update(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    let body = parse_body(req)?;
    if t.sub.is_none() {
        super::validate_update::secret_data(t.res, &req.body)?;
    }
    let body = if t.sub.as_deref() == Some("scale") {
        json!({"metadata": {"name": name, "resourceVersion": body["metadata"]["resourceVersion"]}, "spec": {"replicas": body["spec"]["replicas"]}})
    } else {
        body
    };
    let obj = store_update(state, req, t, name, true, |old| {
        if t.sub.as_deref() == Some("scale") {
            let mut n = old.clone();
            n["spec"]["replicas"] = body["spec"]["replicas"].clone();
            if let Some(rv) = body["metadata"]["resourceVersion"].as_str() {
                n["metadata"]["resourceVersion"] = json!(rv);
            }
            return Ok(n);
        }
        Ok(body.clone())
    })?;
    if t.sub.as_deref() == Some("scale") {
        return Ok(json_response(200, &scale_of(t.res, &obj)));
    }
    respond(req, t.res, 200, &obj)
}

pub fn patch(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    use crate::patch::{apply_json_patch, apply_merge_patch, apply_strategic, BuiltinSchema};
    let ct = req.content_type.split(';').next().unwrap_or("").trim().to_string();
    if ct == "application/apply-patch+yaml" {
        return super::apply::apply_patch(state, req, t, name);
    }
    super::apply::validate_patch_options(req, false)?;
    let patch: Value = serde_json::from_slice(&req.body).map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let kind = t.res.kind;
    let is_scale = t.sub.as_deref() == Some("scale");
    let obj = store_update(state, req, t, name, true, |old| {
        let base = if is_scale { scale_of(t.res, old) } else { old.clone() };
        let result = match ct.as_str() {
            "application/json-patch+json" => apply_json_patch(&base, &patch),
            "application/merge-patch+json" => apply_merge_patch(&base, &patch),
            "application/strategic-merge-patch+json" => {
                let schema = BuiltinSchema::for_kind(if is_scale { "Scale" } else { kind });
                apply_strategic(&base, &patch, &schema)
            }
            other => {
                return Err(ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json ({other})")))
            }
        };
        let patched = result.map_err(|e| ApiError::new(422, "Invalid", e.message))?;
        if is_scale {
            let mut n = old.clone();
            n["spec"]["replicas"] = patched["spec"]["replicas"].clone();
            return Ok(n);
        }
        Ok(patched)
    })?;
    if is_scale {
        return Ok(json_response(200, &scale_of(t.res, &obj)));
    }
    respond(req, t.res, 200, &obj)
}

pub fn delete(state: &Arc<State>, req: &Req, t: &Target, name: &str) -> Result<Response<Body>, ApiError> {
    super::deletion::delete(state, req, t, name)
}

pub fn delete_collection(state: &Arc<State>, req: &Req, t: &Target) -> Result<Response<Body>, ApiError> {
    super::deletion::delete_collection(state, req, t)
}

impl Target {
    pub fn namespace_of(&self, obj: &Value) -> String {
        if self.res.namespaced {
            meta_str(obj, "namespace").to_string()
        } else {
            String::new()
        }
    }
}

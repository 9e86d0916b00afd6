//! The REST API: request routing, Status errors and the JSON responses.

mod apply;
pub mod deletion;
mod list;
mod objects;
mod services;
mod validate;
mod validate_fields;
mod validate_update;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};
use serde_json::{json, Value};

use super::resources::{self, Res};
use super::store::Store;

pub type Body = BoxBody<Bytes, Infallible>;

pub struct State {
    pub store: Store,
}

pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub accept: String,
    pub content_type: String,
    pub body: Bytes,
    pub user_agent: String,
}

impl Req {
    pub fn q(&self, k: &str) -> &str {
        self.query.get(k).map(String::as_str).unwrap_or("")
    }

    pub fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|v| v == "All")
    }

    pub fn wants_table(&self) -> bool {
        self.accept.contains("as=Table")
    }
}

/// A Kubernetes `Status` failure.
#[derive(Debug)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, reason, message: message.into(), details: None }
    }

    fn with_details(mut self, res: &Res, name: &str) -> ApiError {
        let mut d = json!({"name": name});
        if !res.group.is_empty() {
            d["group"] = json!(res.group);
        }
        d["kind"] = json!(res.name);
        self.details = Some(d);
        self
    }

    pub fn not_found(res: &Res, name: &str) -> ApiError {
        ApiError::new(404, "NotFound", format!("{} \"{name}\" not found", res.qualified())).with_details(res, name)
    }

    pub fn already_exists(res: &Res, name: &str) -> ApiError {
        ApiError::new(409, "AlreadyExists", format!("{} \"{name}\" already exists", res.qualified())).with_details(res, name)
    }

    pub fn conflict(res: &Res, name: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                res.qualified()
            ),
        )
        .with_details(res, name)
    }

    pub fn namespace_not_found(ns: &str) -> ApiError {
        let ns_res = resources::find("", "v1", "namespaces").unwrap();
        ApiError::not_found(ns_res, ns)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    pub fn status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        });
        if !self.reason.is_empty() {
            s["reason"] = json!(self.reason);
        }
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s["code"] = json!(self.code);
        s
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> ApiError {
        ApiError::new(500, "InternalError", format!("Internal error occurred: storage: {e}"))
    }
}

pub fn json_response(code: u16, v: &impl serde::Serialize) -> Response<Body> {
    let bytes = serde_json::to_vec(v).expect("json");
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap_or(StatusCode::OK))
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(bytes)).boxed())
        .unwrap()
}

fn error_response(e: &ApiError) -> Response<Body> {
    json_response(e.code, &e.status())
}

/// What a resource path names.
pub struct Target {
    pub res: &'static Res,
    pub namespace: String,
    pub name: Option<String>,
    pub sub: Option<String>,
}

pub async fn handle(state: Arc<State>, req: Req) -> Response<Body> {
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(resp) = super::openapi::serve(&segs, &req, &state) {
        return resp;
    }
    if let Some(resp) = super::discovery::serve(&segs, &req) {
        return resp;
    }
    let (group, version, rest) = match segs.as_slice() {
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return not_found_path(),
    };
    let (watch_path, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        r => (false, r),
    };
    let target = match parse_target(group, version, rest) {
        Some(t) => t,
        None => return not_found_path(),
    };
    let mut req = req;
    if req.content_type.starts_with("application/vnd.kubernetes.protobuf") && !req.body.is_empty() {
        match super::proto::decode(&req.body) {
            Ok(v) => {
                req.body = Bytes::from(serde_json::to_vec(&v).expect("json"));
                req.content_type = "application/json".into();
            }
            Err(e) => return error_response(&ApiError::bad_request(format!("the body of the request could not be decoded: {e}"))),
        }
    }
    let crd_write = target.res.name == "customresourcedefinitions" && req.method != Method::GET;
    let result = dispatch(&state, &req, target, watch_path).await;
    if crd_write {
        resources::refresh_crds(&state.store);
    }
    match result {
        Ok(resp) => resp,
        Err(e) => error_response(&e),
    }
}

/// A path no resource serves (an unknown subresource such as v1.20's disabled
/// `ephemeralcontainers`): NotFound with empty details, which clients tell
/// apart from a missing object by the details' empty name.
fn not_found_path() -> Response<Body> {
    let mut e = ApiError::new(404, "NotFound", "the server could not find the requested resource");
    e.details = Some(json!({}));
    json_response(404, &e.status())
}

fn parse_target(group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let (namespace, rest) = match rest {
        ["namespaces", ns, r, tail @ ..] if resources::find(group, version, r).is_some() && group_is_ns_scoped(group, version, r) => {
            (ns.to_string(), [&[*r][..], tail].concat())
        }
        r => (String::new(), r.to_vec()),
    };
    let res = resources::find(group, version, rest.first()?)?;
    if !namespace.is_empty() && !res.namespaced {
        return None;
    }
    let name = rest.get(1).map(|s| s.to_string());
    let sub = rest.get(2).map(|s| s.to_string());
    if rest.len() > 3 {
        return None;
    }
    if let Some(s) = &sub {
        if !res.subs.contains(&s.as_str()) {
            return None;
        }
    }
    Some(Target { res, namespace, name, sub })
}

fn group_is_ns_scoped(group: &str, version: &str, r: &str) -> bool {
    resources::find(group, version, r).is_some_and(|res| res.namespaced)
}

async fn dispatch(state: &Arc<State>, req: &Req, t: Target, watch_path: bool) -> Result<Response<Body>, ApiError> {
    let watch = watch_path || matches!(req.q("watch"), "true" | "1");
    match (&req.method, &t.name) {
        (&Method::GET, None) if watch => list::watch(state.clone(), req, &t),
        (&Method::GET, None) => list::list(state, req, &t),
        (&Method::GET, Some(name)) if watch => {
            // A watch on one object: kubectl's `get NAME -w` uses a field selector instead,
            // but the old path form is still served.
            let mut q = req.query.clone();
            q.insert("fieldSelector".into(), format!("metadata.name={name}"));
            let r2 = Req { method: Method::GET, path: req.path.clone(), query: q, accept: req.accept.clone(), content_type: String::new(), body: Bytes::new(), user_agent: req.user_agent.clone() };
            list::watch(state.clone(), &r2, &Target { name: None, ..t })
        }
        (&Method::GET, Some(name)) => objects::get(state, req, &t, name),
        (&Method::POST, None) => objects::create(state, req, &t),
        (&Method::POST, Some(name)) if t.sub.as_deref() == Some("binding") => super::scheduler::bind(state, req, &t, name),
        (&Method::PUT, Some(name)) => objects::update(state, req, &t, name),
        (&Method::PATCH, Some(name)) => objects::patch(state, req, &t, name),
        (&Method::DELETE, Some(name)) => objects::delete(state, req, &t, name),
        (&Method::DELETE, None) => objects::delete_collection(state, req, &t),
        _ => Err(ApiError::new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")),
    }
}

pub fn objects_with_type(res: &Res, obj: &Value) -> Value {
    objects::with_type(res, obj.clone())
}

pub use apply::track_controller_write;
pub use objects::{new_uid, now_rfc3339};
pub use deletion::{op as deletion_op, plan_any as deletion_plan, Opts as DeleteOpts, Plan as DeletePlan};

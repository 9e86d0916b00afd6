//! `/openapi/v2` and `/openapi/v3`: the schemas kubectl reads for client-side
//! validation (v2), `kubectl explain` (v3, v2 as a fallback) and the
//! strategic-merge metadata of client-side apply (v3, then v2).
//!
//! The built-in schemas are the v1.20 apiserver's, trimmed to the served
//! kinds and embedded gzipped (`definitions.json.gz`, made by
//! scripts/local/gen-openapi.py). Nothing is decompressed until the first
//! OpenAPI request, so `local up` and an idle server pay nothing for them.
//! Custom resources add their `openAPIV3Schema`. The rendered documents are
//! cached until the set of CRDs changes (which also changes the v3 hashes).
//!
//! The PATCH operations do not list `fieldValidation`, as in the v1.20
//! apiserver: kubectl then validates on the client from v2, with the same
//! messages and exit codes as against the reference cluster.

mod gnostic;
mod jsonpos;
mod prune;
mod v2;
mod v3;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Response;
use serde_json::{json, Map, Value};

use super::api::{json_response, ApiError, Body, Req, State};
use super::resources;

pub use prune::{Pruner, Source};

static EMBEDDED: &[u8] = include_bytes!("definitions.json.gz");

/// The embedded definitions, decompressed on first use.
fn embedded() -> &'static Value {
    static DEFS: OnceLock<Value> = OnceLock::new();
    DEFS.get_or_init(|| {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(EMBEDDED), &mut text).expect("embedded OpenAPI definitions");
        serde_json::from_slice(&text).expect("embedded OpenAPI definitions")
    })
}

/// The documents for one set of CRDs.
struct Built {
    fingerprint: String,
    crds: Vec<Arc<Value>>,
    /// (JSON, protobuf)
    v2: OnceLock<(Bytes, Bytes)>,
    /// group-version path (`api/v1`, `apis/apps/v1`) -> (hash, JSON)
    v3: OnceLock<BTreeMap<String, (String, Bytes)>>,
}

fn built(state: &State) -> Arc<Built> {
    static CACHE: Mutex<Option<Arc<Built>>> = Mutex::new(None);
    let crd = resources::find("apiextensions.k8s.io", "v1", "customresourcedefinitions").expect("CRD resource");
    let crds: Vec<Arc<Value>> = state.store.list(&crd.prefix()).0.into_iter().map(|(_, v)| v).collect();
    let fingerprint: String = crds.iter().map(|c| format!("{}@{};", c["metadata"]["name"].as_str().unwrap_or(""), c["metadata"]["resourceVersion"].as_str().unwrap_or(""))).collect();
    let mut cache = CACHE.lock().unwrap();
    match &*cache {
        Some(b) if b.fingerprint == fingerprint => b.clone(),
        _ => {
            let b = Arc::new(Built { fingerprint, crds, v2: OnceLock::new(), v3: OnceLock::new() });
            *cache = Some(b.clone());
            b
        }
    }
}

/// The whole v2 document; `v2_form` false keeps the CRD schemas as OpenAPI v3
/// (the source of the v3 documents).
fn source(crds: &[Arc<Value>], v2_form: bool) -> Value {
    let base = embedded();
    let mut defs: Map<String, Value> = base["definitions"].as_object().cloned().unwrap_or_default();
    for crd in crds {
        let spec = &crd["spec"];
        let (group, kind, plural) = (spec["group"].as_str().unwrap_or(""), spec["names"]["kind"].as_str().unwrap_or(""), spec["names"]["plural"].as_str().unwrap_or(""));
        for ver in spec["versions"].as_array().into_iter().flatten().filter(|v| v["served"] != false) {
            let version = ver["name"].as_str().unwrap_or("");
            let name = v2::custom_name(group, version, kind);
            let schema = match &ver["schema"]["openAPIV3Schema"] {
                Value::Null => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
                s => s.clone(),
            };
            defs.insert(name.clone(), v2::custom_schema(&schema, group, version, kind, v2_form));
            defs.insert(format!("{name}List"), v2::custom_list(&name, group, version, kind, plural));
        }
    }
    let mut paths = Map::new();
    for res in resources::all() {
        let Some(def) = v2::definition_of(&defs, res) else { continue };
        let list = format!("{def}List");
        let list_def = defs.contains_key(&list).then_some(list.as_str());
        v2::paths(res, &def, list_def, &mut paths);
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": super::discovery::SERVER_VERSION},
        "paths": paths,
        "definitions": defs,
        "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication", "type": "apiKey", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    })
}

fn v2_docs(b: &Built) -> &(Bytes, Bytes) {
    b.v2.get_or_init(|| {
        let doc = source(&b.crds, true);
        let out = (Bytes::from(serde_json::to_vec(&doc).expect("json")), Bytes::from(gnostic::document(&doc)));
        drop(doc);
        trim();
        out
    })
}

/// Hand the rendering's transient heap back to the system: only the rendered
/// bytes stay, and an idle server's RSS should not keep the peak.
pub(super) fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn v3_docs(b: &Built) -> &BTreeMap<String, (String, Bytes)> {
    b.v3.get_or_init(|| {
        use sha2::Digest;
        let src = source(&b.crds, false);
        let mut out = BTreeMap::new();
        for (group, versions) in std::iter::once(("", vec!["v1"])).chain(resources::groups()) {
            for version in versions {
                let (key, prefix) = if group.is_empty() { (format!("api/{version}"), format!("/api/{version}/")) } else { (format!("apis/{group}/{version}"), format!("/apis/{group}/{version}/")) };
                let doc = serde_json::to_vec(&v3::document(&src, &prefix, super::discovery::SERVER_VERSION)).expect("json");
                let hash: String = sha2::Sha256::digest(&doc).iter().map(|b| format!("{b:02X}")).collect();
                out.insert(key, (hash, Bytes::from(doc)));
            }
        }
        drop(src);
        trim();
        out
    })
}

fn bytes_response(content_type: &str, body: Bytes) -> Response<Body> {
    Response::builder().status(200).header("Content-Type", content_type).body(Full::new(body).boxed()).unwrap()
}

fn not_found() -> Response<Body> {
    json_response(404, &ApiError::new(404, "NotFound", "the server could not find the requested resource").status())
}

/// The OpenAPI answers, or `None` for any other path.
pub fn serve(segs: &[&str], req: &Req, state: &State) -> Option<Response<Body>> {
    let resp = match segs {
        ["openapi", "v2"] => {
            let b = built(state);
            let (json, proto) = v2_docs(&b);
            if req.accept.contains("protobuf") {
                bytes_response("application/octet-stream", proto.clone())
            } else {
                bytes_response("application/json", json.clone())
            }
        }
        ["openapi", "v3"] => {
            let b = built(state);
            let paths: Map<String, Value> =
                v3_docs(&b).iter().map(|(k, (hash, _))| (k.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{k}?hash={hash}")}))).collect();
            json_response(200, &json!({"paths": paths}))
        }
        ["openapi", "v3", rest @ ..] => {
            let b = built(state);
            match v3_docs(&b).get(&rest.join("/")) {
                Some((_, doc)) => bytes_response("application/json", doc.clone()),
                None => not_found(),
            }
        }
        ["openapi", ..] => not_found(),
        _ => return None,
    };
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_covers_served_kinds_with_patch_metadata() {
        let defs = embedded()["definitions"].as_object().unwrap();
        for r in resources::RESOURCES {
            assert!(v2::definition_of(defs, r).is_some(), "{} has no schema", r.kind);
        }
        let containers = &defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
    }

    #[test]
    fn v3_group_version_has_its_kinds_and_patch_types() {
        let src = source(&[], false);
        let doc = v3::document(&src, "/apis/apps/v1/", "v");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let dep = &schemas["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(dep["x-kubernetes-group-version-kind"][0]["kind"], "Deployment");
        assert_eq!(dep["properties"]["spec"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
        assert!(schemas.contains_key("io.k8s.api.core.v1.PodSpec"));
        let patch = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert!(patch["requestBody"]["content"]["application/strategic-merge-patch+json"].is_object());
        assert!(!patch["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "fieldValidation"));
    }

    #[test]
    fn crd_schema_is_published() {
        let crd = json!({"metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"}, "versions": [
            {"name": "v1", "served": true, "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "nullable": true, "properties": {"size": {"type": "integer"}}}}}}}
        ]}});
        let v2doc = source(&[Arc::new(crd.clone())], true);
        let w = &v2doc["definitions"]["com.example.v1.Widget"];
        assert_eq!(w["properties"]["spec"]["properties"]["size"]["type"], "integer");
        assert!(w["properties"]["spec"].get("nullable").is_none());
        assert_eq!(w["x-kubernetes-group-version-kind"][0]["group"], "example.com");
        let v3src = source(&[Arc::new(crd.clone())], false);
        assert_eq!(v3src["definitions"]["com.example.v1.Widget"]["properties"]["spec"]["nullable"], true);
    }
}

//! The schemas explain reads: the OpenAPI v2 document (fetched afresh into
//! the shared cache of src/openapi.rs), and the v3 group-version documents,
//! which the server names by content hash and which are therefore kept on
//! disk per hash.

use std::path::Path;

use serde_json::Value;

use super::v2;
use crate::client::{Client, ClientError, Request};
use crate::error::CliError;

/// `/openapi/v3`: group-version path -> server-relative URL.
pub async fn v3_paths(client: &Client) -> Result<Value, ClientError> {
    let resp = client.send(&Request::get("/openapi/v3").query("timeout", "32s")).await?;
    let doc: Value = resp.json()?;
    Ok(doc["paths"].clone())
}

fn fetch_error(e: &ClientError) -> String {
    if e.is_not_found() {
        "the server could not find the requested resource".to_string()
    } else {
        e.to_string()
    }
}

pub async fn v3_document(client: &Client, cache_dir: &Path, group: &str, version: &str, resource: &str) -> Result<Value, CliError> {
    let paths = v3_paths(client).await.map_err(|e| CliError::msg(format!("failed to fetch list of groupVersions: {}", fetch_error(&e))))?;
    let gv_path = if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") };
    let Some(url) = paths.get(&gv_path).and_then(|p| p["serverRelativeURL"].as_str()) else {
        return Err(CliError::msg(format!("couldn't find resource for \"{group}/{version}, Resource={resource}\"")));
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let hash = query.split('&').find_map(|kv| kv.strip_prefix("hash=")).unwrap_or("");
    let cached = (!hash.is_empty()).then(|| {
        let host = crate::openapi::cache_path(client, cache_dir);
        let dir = host.with_extension("v3");
        dir.join(format!("{}-{hash}.json", gv_path.replace('/', "_")))
    });
    if let Some(bytes) = cached.as_ref().and_then(|p| std::fs::read(p).ok()) {
        if let Ok(doc) = serde_json::from_slice(&bytes) {
            return Ok(doc);
        }
    }
    let mut req = Request::get(path);
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        req = req.query(k, v);
    }
    let failed = |e: String| CliError::msg(format!("failed to fetch openapi schema for {gv_path}: {e}"));
    let resp = client.send(&req.query("timeout", "32s")).await.map_err(|e| failed(fetch_error(&e)))?;
    let doc: Value = serde_json::from_slice(&resp.body).map_err(|e| CliError::msg(format!("failed to parse openapi schema for {gv_path}: {e}")))?;
    if let Some(p) = cached {
        // A cache that cannot be written is only slower.
        if let Some(dir) = p.parent() {
            if std::fs::create_dir_all(dir).is_ok() {
                let tmp = p.with_extension(format!("tmp{}", std::process::id()));
                if std::fs::write(&tmp, &resp.body).is_ok() {
                    let _ = std::fs::rename(&tmp, &p);
                }
            }
        }
    }
    Ok(doc)
}

/// The v2 explanation of a kind. Like kubectl, which keeps no copy of the v2
/// document, kctl reads the current one (a CRD's schema may have changed
/// since the shared cache was filled); fetching it also refreshes that cache.
pub async fn explain_v2(client: &Client, cache_dir: &Path, group: &str, version: &str, kind: &str, fields: &[String], recursive: bool) -> Result<String, CliError> {
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    let req = v2::Request { group_version: &gv, kind, path: fields, recursive };
    let doc = crate::openapi::refresh(client, cache_dir).await.map_err(CliError::from)?;
    let doc = doc.ok_or_else(|| CliError::msg("the server could not find the requested resource"))?;
    let def = v2::Model::new(&doc).and_then(|m| m.lookup(group, version, kind).map(|d| (m, d)));
    match def {
        Some((model, def)) => v2::render(&model, def, &req).map_err(CliError::msg),
        None => Err(CliError::msg(format!("couldn't find resource for \"{group}/{version}, Kind={kind}\""))),
    }
}

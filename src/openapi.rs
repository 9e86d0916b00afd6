//! The server's OpenAPI v2 document, which carries the patch strategies and merge
//! keys apply needs. Cached on disk per server like discovery; fetched only when
//! a patch has to be computed.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::client::{Client, ClientError, Request};
use crate::patch::OpenApiSchema;

const TTL: Duration = Duration::from_secs(600);

pub fn cache_path(client: &Client, cache_dir: &Path) -> PathBuf {
    let url = client.server_url();
    let host = format!("{}_{}", url.host_str().unwrap_or("unknown"), url.port_or_known_default().unwrap_or(443));
    let safe: String = host.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' { c } else { '_' }).collect();
    cache_dir.join("kctl").join("openapi").join(format!("{safe}-v2.json"))
}

/// The parsed schema, or `None` when the server does not serve OpenAPI v2
/// (apply then falls back to its built-in table, as kubectl does).
pub async fn schema(client: &Client, cache_dir: &Path) -> Result<Option<OpenApiSchema>, ClientError> {
    Ok(document(client, cache_dir).await?.and_then(|doc| OpenApiSchema::from_v2(&doc).ok()))
}

/// The whole OpenAPI v2 document (for client-side validation), or `None`
/// when the server does not serve it.
pub async fn document(client: &Client, cache_dir: &Path) -> Result<Option<serde_json::Value>, ClientError> {
    document_with(client, cache_dir, false).await
}

/// The document, fetched from the server even when the cache is fresh (a kind
/// created since, such as a new CRD's, is missing from the cached copy).
pub async fn refresh(client: &Client, cache_dir: &Path) -> Result<Option<serde_json::Value>, ClientError> {
    document_with(client, cache_dir, true).await
}

async fn document_with(client: &Client, cache_dir: &Path, force: bool) -> Result<Option<serde_json::Value>, ClientError> {
    let path = cache_path(client, cache_dir);
    let fresh = !force && std::fs::metadata(&path).and_then(|m| m.modified()).ok().and_then(|t| SystemTime::now().duration_since(t).ok()).is_some_and(|age| age < TTL);
    let bytes = if fresh {
        std::fs::read(&path).ok()
    } else {
        None
    };
    let bytes = match bytes {
        Some(b) => b,
        None => {
            let req = Request::get("/openapi/v2").query("timeout", "32s");
            let resp = match client.send(&req).await {
                Ok(r) => r,
                Err(e) if e.is_not_found() || e.is_forbidden() => return Ok(None),
                Err(e) => return Err(e),
            };
            if let Some(dir) = path.parent() {
                if std::fs::create_dir_all(dir).is_ok() {
                    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
                    if std::fs::write(&tmp, &resp.body).is_ok() {
                        let _ = std::fs::rename(&tmp, &path);
                    }
                }
            }
            resp.body
        }
    };
    Ok(serde_json::from_slice(&bytes).ok())
}

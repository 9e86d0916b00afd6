//! Requests for one target: paged lists (limit/continue) or named gets, as server
//! tables or as whole objects. Per-object API errors are collected, not fatal,
//! so the other objects still print, as in kubectl.

use serde_json::Value;

use crate::commands::targets::Target;
use super::{Query, TABLE_ACCEPT};
use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::error::CliError;

fn path(t: &Target, q: &Query, name: Option<&str>) -> String {
    let r = &t.resource;
    let namespace = if !r.namespaced || (q.all_namespaces && name.is_none()) { None } else { Some(t.namespace.as_deref().unwrap_or(&q.namespace)) };
    ResourcePath {
        group: &r.group,
        version: &r.version,
        resource: &r.name,
        namespace,
        name,
        subresource: if name.is_some() { q.subresource.as_deref() } else { None },
    }
    .to_path()
}

fn list_request(t: &Target, q: &Query, cont: Option<&str>) -> Request {
    let mut req = Request::get(path(t, q, None));
    if let Some(s) = &q.selector {
        req = req.query("labelSelector", s.clone());
    }
    if let Some(s) = &q.field_selector {
        req = req.query("fieldSelector", s.clone());
    }
    if q.chunk_size > 0 {
        req = req.query("limit", q.chunk_size.to_string());
    }
    if let Some(c) = cont {
        req = req.query("continue", c);
    }
    decorate(req, q)
}

fn decorate(mut req: Request, q: &Query) -> Request {
    if q.table {
        req = req.accept(TABLE_ACCEPT);
        if q.include_object {
            req = req.query("includeObject", "Object");
        }
    }
    req
}

/// kubectl rewords a failed list (400/404) to name the resource and selectors.
fn list_error(t: &Target, q: &Query, e: ClientError) -> ClientError {
    match e {
        ClientError::Api { mut status, http_code } if http_code == 400 || http_code == 404 => {
            let r = &t.resource;
            let gvr = format!("{}/{}, Resource={}", r.group, r.version, r.name);
            status.message = format!(
                "Unable to find {:?} that match label selector {:?}, field selector {:?}: {}",
                gvr,
                q.selector.as_deref().unwrap_or(""),
                q.field_selector.as_deref().unwrap_or(""),
                status.message
            );
            ClientError::Api { status, http_code }
        }
        other => other,
    }
}

/// API errors are per-object results; transport errors end the command.
fn split_error(e: ClientError) -> Result<ClientError, CliError> {
    if e.is_transport() {
        Err(e.into())
    } else {
        Ok(e)
    }
}

/// Every page as a Table (or a plain object when the server has no tables).
pub async fn tables(client: &Client, t: &Target, q: &Query) -> Result<(Vec<Value>, Vec<ClientError>), CliError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    if t.names.is_empty() {
        let mut cont: Option<String> = None;
        loop {
            match client.send(&list_request(t, q, cont.as_deref())).await {
                Ok(resp) => {
                    let page = parse_table_page(&resp.body, q.include_object)?;
                    drop(resp);
                    cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
                    out.push(page);
                    if cont.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    errors.push(list_error(t, q, split_error(e)?));
                    break;
                }
            }
        }
    } else {
        let gets = t.names.iter().map(|n| {
            let req = decorate(Request::get(path(t, q, Some(n))), q);
            async move { client.send(&req).await }
        });
        for res in futures_util::future::join_all(gets).await {
            match res {
                Ok(resp) => out.push(resp.json()?),
                Err(e) => errors.push(split_error(e)?),
            }
        }
    }
    Ok((out, errors))
}

/// The parts of a Table page that get prints. Deserializing into these types
/// skips everything else in the row objects (managedFields above all) without
/// ever building it, which keeps large lists small in memory.
#[derive(serde::Deserialize)]
struct TablePage {
    #[serde(default)]
    kind: String,
    #[serde(rename = "apiVersion", default)]
    api_version: String,
    #[serde(default)]
    metadata: Value,
    #[serde(rename = "columnDefinitions", default)]
    column_definitions: Vec<Value>,
    #[serde(default)]
    rows: Vec<TableRow>,
}

#[derive(serde::Deserialize)]
struct TableRow {
    #[serde(default)]
    cells: Vec<Value>,
    #[serde(default)]
    object: RowObject,
}

#[derive(serde::Deserialize, Default)]
struct RowObject {
    #[serde(default)]
    metadata: RowMeta,
}

#[derive(serde::Deserialize, serde::Serialize, Default)]
struct RowMeta {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<serde_json::Map<String, Value>>,
    #[serde(rename = "creationTimestamp", skip_serializing_if = "Option::is_none")]
    creation_timestamp: Option<String>,
}

/// A Table page with rows reduced to cells and the metadata tables print. With
/// `--sort-by` the whole row objects are kept; a non-Table answer is kept whole.
fn parse_table_page(body: &[u8], keep_objects: bool) -> Result<Value, CliError> {
    let decode = |e: serde_json::Error| CliError::msg(format!("error decoding response: {e}"));
    if !keep_objects {
        let page: TablePage = serde_json::from_slice(body).map_err(decode)?;
        if page.kind == "Table" {
            let rows: Vec<Value> = page
                .rows
                .into_iter()
                .map(|r| serde_json::json!({"cells": r.cells, "object": {"metadata": r.object.metadata}}))
                .collect();
            return Ok(serde_json::json!({
                "kind": page.kind,
                "apiVersion": page.api_version,
                "metadata": page.metadata,
                "columnDefinitions": page.column_definitions,
                "rows": rows,
            }));
        }
    }
    serde_json::from_slice(body).map_err(decode)
}

/// Objects, handed to `sink` page by page so large lists stream.
pub async fn objects(
    client: &Client,
    t: &Target,
    q: &Query,
    sink: &mut dyn FnMut(Vec<Value>) -> Result<(), CliError>,
) -> Result<Vec<ClientError>, CliError> {
    let mut errors = Vec::new();
    if t.names.is_empty() {
        let mut cont: Option<String> = None;
        loop {
            match client.send(&list_request(t, q, cont.as_deref())).await {
                Ok(resp) => {
                    let mut page: Value = resp.json()?;
                    cont = page["metadata"]["continue"].as_str().filter(|c| !c.is_empty()).map(String::from);
                    let kind = page["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
                    let api_version = page["apiVersion"].as_str().unwrap_or("").to_string();
                    let items = match page.get_mut("items").map(Value::take) {
                        Some(Value::Array(items)) => items,
                        _ => Vec::new(),
                    };
                    drop(page);
                    // List items come without their type; kubectl fills it in.
                    let items = items
                        .into_iter()
                        .map(|mut it| {
                            if let Value::Object(m) = &mut it {
                                m.entry("apiVersion").or_insert_with(|| Value::String(api_version.clone()));
                                m.entry("kind").or_insert_with(|| Value::String(kind.clone()));
                            }
                            it
                        })
                        .collect();
                    sink(items)?;
                    if cont.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    errors.push(list_error(t, q, split_error(e)?));
                    break;
                }
            }
        }
    } else {
        let gets = t.names.iter().map(|n| {
            let req = Request::get(path(t, q, Some(n)));
            async move { client.send(&req).await }
        });
        for res in futures_util::future::join_all(gets).await {
            match res {
                Ok(resp) => sink(vec![resp.json()?])?,
                Err(e) => errors.push(split_error(e)?),
            }
        }
    }
    Ok(errors)
}

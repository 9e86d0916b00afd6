//! list (label/field selectors, limit/continue) and watch (from a resourceVersion,
//! 410 Gone once it is older than the history kept).

use std::sync::Arc;

use base64::Engine;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Bytes, Frame};
use hyper::Response;
use serde_json::{json, Value};

use super::super::store::EventType;
use super::objects::with_type;
use super::{ApiError, Body, Req, State, Target};

enum Req1 {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A label selector in the apiserver's string form.
fn parse_labels(s: &str) -> Result<Vec<Req1>, ApiError> {
    let mut out = Vec::new();
    // Split on commas outside parentheses.
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0, String::new());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Vec<String> { rest.trim().trim_start_matches('(').trim_end_matches(')').split(',').map(|v| v.trim().to_string()).collect() };
        let r = if let Some(k) = p.strip_prefix('!') {
            Req1::NotExists(k.trim().into())
        } else if let Some((k, v)) = p.split_once("!=") {
            Req1::Ne(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = p.split_once("==") {
            Req1::Eq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = p.split_once('=') {
            Req1::Eq(k.trim().into(), v.trim().into())
        } else if let Some((k, v)) = p.split_once(" notin ") {
            Req1::NotIn(k.trim().into(), set(v))
        } else if let Some((k, v)) = p.split_once(" in ") {
            Req1::In(k.trim().into(), set(v))
        } else if p.contains(' ') || p.contains('(') {
            return Err(ApiError::bad_request(format!("unable to parse requirement: found '{p}', expected: !, =, ==, in, notin")));
        } else {
            Req1::Exists(p.into())
        };
        out.push(r);
    }
    Ok(out)
}

fn matches(reqs: &[Req1], get: impl Fn(&str) -> Option<String>) -> bool {
    reqs.iter().all(|r| match r {
        Req1::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
        Req1::Ne(k, v) => get(k).as_deref() != Some(v.as_str()),
        Req1::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
        Req1::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
        Req1::Exists(k) => get(k).is_some(),
        Req1::NotExists(k) => get(k).is_none(),
    })
}

fn field_value(obj: &Value, path: &str) -> Option<String> {
    let mut v = obj;
    for p in path.split('.') {
        v = v.get(p)?;
    }
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

pub struct Filter {
    labels: Vec<Req1>,
    fields: Vec<Req1>,
}

impl Filter {
    pub fn from(req: &Req) -> Result<Filter, ApiError> {
        let fields = parse_labels(req.q("fieldSelector"))?;
        for f in &fields {
            if matches!(f, Req1::In(..) | Req1::NotIn(..) | Req1::Exists(_) | Req1::NotExists(_)) {
                return Err(ApiError::bad_request(format!("invalid selector: '{}'; can't understand '{}'", req.q("fieldSelector"), req.q("fieldSelector"))));
            }
        }
        Ok(Filter { labels: parse_labels(req.q("labelSelector"))?, fields })
    }

    pub fn accepts(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        matches(&self.labels, |k| labels.get(k).and_then(|v| v.as_str()).map(String::from))
            && matches(&self.fields, |k| field_value(obj, k).or_else(|| (k == "metadata.namespace").then(String::new)))
    }
}

fn prefix(t: &Target) -> String {
    if t.namespace.is_empty() {
        t.res.prefix()
    } else {
        format!("{}{}/", t.res.prefix(), t.namespace)
    }
}

/// The selected objects (all pages) and the list revision.
pub fn select(state: &Arc<State>, req: &Req, t: &Target) -> Result<(Vec<Value>, u64), ApiError> {
    let filter = Filter::from(req)?;
    let (items, rv) = state.store.list(&prefix(t));
    Ok((items.into_iter().map(|(_, v)| v).filter(|v| filter.accepts(v)).map(Arc::unwrap_or_clone).collect(), rv))
}

pub fn list(state: &Arc<State>, req: &Req, t: &Target) -> Result<Response<Body>, ApiError> {
    let filter = Filter::from(req)?;
    let after = match req.q("continue") {
        "" => None,
        c => {
            let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok().and_then(|b| String::from_utf8(b).ok());
            Some(raw.ok_or_else(|| ApiError::bad_request("continue key is not valid: illegal base64 data"))?)
        }
    };
    let limit: usize = req.q("limit").parse().unwrap_or(0);
    let prefix = prefix(t);
    // Under the store's lock: page and filter by reference, then serialise only
    // the page (a Table converts only the page).
    let bytes = state.store.read(|objects, rv| {
        use std::ops::Bound;
        let range = match &after {
            Some(a) if a.as_str() >= prefix.as_str() => objects.range::<str, _>((Bound::Excluded(a.as_str()), Bound::Unbounded)),
            _ => objects.range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded)),
        };
        let mut page: Vec<&Value> = Vec::new();
        let mut next = None;
        let mut remaining = 0usize;
        for (k, v) in range.take_while(|(k, _)| k.starts_with(&prefix)) {
            if !filter.accepts(v) {
                continue;
            }
            if limit > 0 && page.len() == limit {
                remaining += 1;
                continue;
            }
            if limit > 0 && page.len() + 1 == limit {
                next = Some(k.clone());
            }
            page.push(v);
        }
        let mut meta = json!({"resourceVersion": rv.to_string()});
        if remaining > 0 {
            if let Some(k) = next {
                meta["continue"] = json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(k));
                meta["remainingItemCount"] = json!(remaining);
            }
        }
        if req.wants_table() {
            let mut table = super::super::table::table(t.res, page, req.q("includeObject"), true);
            table.metadata = meta;
            return serde_json::to_vec(&table).expect("json");
        }
        list_bytes(t, &meta, &page)
    });
    Ok(bytes_response(200, bytes))
}

/// `{"kind":"<Kind>List","apiVersion":…,"metadata":…,"items":[…]}` with the
/// items encoded without kind/apiVersion, as the apiserver's lists are, and
/// byte for byte what serialising the equivalent `Value` gives.
fn list_bytes(t: &Target, meta: &Value, items: &[&Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + items.len() * 1024);
    let w = |out: &mut Vec<u8>, v: &Value| serde_json::to_writer(out, v).expect("json");
    out.extend_from_slice(b"{\"apiVersion\":");
    w(&mut out, &json!(t.res.api_version()));
    out.extend_from_slice(b",\"items\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match item.as_object() {
            Some(m) => {
                out.push(b'{');
                let mut first = true;
                for (k, v) in m.iter().filter(|(k, _)| *k != "kind" && *k != "apiVersion") {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    serde_json::to_writer(&mut out, k).expect("json");
                    out.push(b':');
                    w(&mut out, v);
                }
                out.push(b'}');
            }
            None => w(&mut out, item),
        }
    }
    out.extend_from_slice(b"],\"kind\":");
    w(&mut out, &json!(format!("{}List", t.res.kind)));
    out.extend_from_slice(b",\"metadata\":");
    w(&mut out, meta);
    out.push(b'}');
    out
}

fn bytes_response(code: u16, bytes: Vec<u8>) -> Response<Body> {
    use http_body_util::Full;
    Response::builder()
        .status(code)
        .header("Content-Type", "application/json")
        .body(BodyExt::boxed(Full::new(Bytes::from(bytes))))
        .unwrap()
}

/// `{"object":…,"type":…}`: a watch event, in the sorted key order of its
/// `Value` form.
#[derive(serde::Serialize)]
struct WatchEvent<'a, T> {
    object: T,
    #[serde(rename = "type")]
    kind: &'a str,
}

fn watch_line(res: &super::super::resources::Res, wants_table: bool, include: &str, kind: &str, obj: &Value, first: &mut bool) -> Bytes {
    let mut line = if wants_table {
        let object = super::super::table::table(res, std::iter::once(obj), include, *first);
        *first = false;
        serde_json::to_vec(&WatchEvent { object, kind })
    } else {
        serde_json::to_vec(&WatchEvent { object: with_type(res, obj.clone()), kind })
    }
    .expect("json");
    line.push(b'\n');
    Bytes::from(line)
}

fn event_line(req: &Req, t: &Target, kind: &str, obj: &Value, first: &mut bool) -> Bytes {
    watch_line(t.res, req.wants_table(), req.q("includeObject"), kind, obj, first)
}

pub fn watch(state: Arc<State>, req: &Req, t: &Target) -> Result<Response<Body>, ApiError> {
    let filter = Filter::from(req)?;
    let prefix = prefix(t);
    let rv_param = req.q("resourceVersion");
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(256);
    let mut first = true;
    let mut initial = Vec::new();
    let mut receiver = if rv_param.is_empty() || rv_param == "0" {
        let (items, rx) = state.store.watch_current(&prefix);
        for (_, obj) in items.iter().filter(|(_, o)| filter.accepts(o)) {
            initial.push(event_line(req, t, "ADDED", obj, &mut first));
        }
        rx
    } else {
        let rv: u64 = rv_param.parse().map_err(|_| ApiError::bad_request(format!("invalid resource version: {rv_param}")))?;
        match state.store.watch_from(rv, &prefix) {
            Ok((past, rx)) => {
                for ev in past.iter().filter(|e| filter.accepts(&e.object)) {
                    initial.push(event_line(req, t, ev.kind.as_str(), &ev.object, &mut first));
                }
                rx
            }
            Err(floor) => {
                // The apiserver answers 200 and sends one ERROR event with the 410.
                let status = ApiError::new(410, "Expired", format!("too old resource version: {rv} ({floor})")).status();
                let mut line = serde_json::to_vec(&json!({"type": "ERROR", "object": status})).expect("json");
                line.push(b'\n');
                initial.push(Bytes::from(line));
                drop(tx);
                return Ok(stream_response(initial, None));
            }
        }
    };
    let timeout = req.q("timeoutSeconds").parse::<u64>().ok().filter(|s| *s > 0).unwrap_or(1800);
    let (wants_table, include) = (req.wants_table(), req.q("includeObject").to_string());
    let res = t.res;
    let ns_prefix = prefix.clone();
    tokio::spawn(async move {
        let deadline = tokio::time::sleep(std::time::Duration::from_secs(timeout));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = tx.closed() => break,
                ev = receiver.recv() => {
                    let Ok(ev) = ev else { break };
                    if !ev.key.starts_with(&ns_prefix) || !filter.accepts(&ev.object) {
                        continue;
                    }
                    let kind = match ev.kind { EventType::Added => "ADDED", EventType::Modified => "MODIFIED", EventType::Deleted => "DELETED" };
                    let line = watch_line(res, wants_table, &include, kind, &ev.object, &mut first);
                    if tx.send(line).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    Ok(stream_response(initial, Some(rx)))
}

fn stream_response(initial: Vec<Bytes>, rx: Option<tokio::sync::mpsc::Receiver<Bytes>>) -> Response<Body> {
    let head = futures_util::stream::iter(initial.into_iter().map(|b| Ok::<_, std::convert::Infallible>(Frame::data(b))));
    let tail = futures_util::stream::unfold(rx, |rx| async move {
        let mut rx = rx?;
        let b = rx.recv().await?;
        Some((Ok(Frame::data(b)), Some(rx)))
    });
    use futures_util::StreamExt;
    let body = StreamBody::new(head.chain(tail));
    Response::builder()
        .status(200)
        .header("Content-Type", "application/json")
        .body(BodyExt::boxed(body))
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written list encoding is the bytes `serde_json` gives for the
    /// list as a `Value` with kind/apiVersion dropped from the items.
    #[test]
    fn list_bytes_match_the_value_encoding() {
        let res = super::super::super::resources::find("", "v1", "configmaps").unwrap();
        let t = Target { res, namespace: "ns".into(), name: None, sub: None };
        let items = [
            json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a", "labels": {"x": "\"q\""}}, "data": {"k": "v\n"}}),
            json!({"apiVersion": "v1", "metadata": {"name": "b"}, "kind": "ConfigMap"}),
        ];
        let meta = json!({"resourceVersion": "7", "continue": "abc", "remainingItemCount": 3});
        let refs: Vec<&Value> = items.iter().collect();
        let stripped: Vec<Value> = items
            .iter()
            .map(|i| {
                let mut i = i.clone();
                i.as_object_mut().unwrap().remove("kind");
                i.as_object_mut().unwrap().remove("apiVersion");
                i
            })
            .collect();
        let expected = json!({"kind": "ConfigMapList", "apiVersion": "v1", "metadata": meta, "items": stripped});
        assert_eq!(String::from_utf8(list_bytes(&t, &meta, &refs)).unwrap(), serde_json::to_string(&expected).unwrap());
        assert_eq!(String::from_utf8(list_bytes(&t, &meta, &[])).unwrap(), serde_json::to_string(&json!({"kind": "ConfigMapList", "apiVersion": "v1", "metadata": meta, "items": []})).unwrap());
    }
}

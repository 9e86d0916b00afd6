//! Pure request building: no I/O, so every path and query is unit-testable.

use reqwest::Method;

/// One API request, described without sending it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Absolute path on the server, e.g. `/api/v1/namespaces/default/pods`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub accept: Option<String>,
    pub content_type: Option<String>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            accept: None,
            content_type: None,
            body: None,
        }
    }

    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn query(mut self, key: &str, value: impl Into<String>) -> Self {
        self.query.push((key.to_string(), value.into()));
        self
    }

    pub fn accept(mut self, accept: impl Into<String>) -> Self {
        self.accept = Some(accept.into());
        self
    }

    pub fn json_body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.content_type = Some(content_type.to_string());
        self.body = Some(body);
        self
    }

    /// GET, HEAD, PUT and DELETE may be retried; POST and PATCH may not.
    pub fn is_idempotent(&self) -> bool {
        matches!(self.method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
    }

    /// The path with its query string, percent-encoded like Go's url.Values.Encode
    /// (keys sorted, stable for equal keys).
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let mut pairs: Vec<&(String, String)> = self.query.iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let q: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
            .collect();
        format!("{}?{}", self.path, q.join("&"))
    }
}

/// Go's url.QueryEscape: space becomes `+`, unreserved characters stay.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Where a resource lives: `/api/v1/...` for the core group, `/apis/G/V/...` otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourcePath<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub resource: &'a str,
    pub namespace: Option<&'a str>,
    pub name: Option<&'a str>,
    pub subresource: Option<&'a str>,
}

impl ResourcePath<'_> {
    pub fn to_path(&self) -> String {
        let mut p = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        if let Some(ns) = self.namespace {
            p.push_str("/namespaces/");
            p.push_str(ns);
        }
        p.push('/');
        p.push_str(self.resource);
        if let Some(name) = self.name {
            p.push('/');
            p.push_str(name);
        }
        if let Some(sub) = self.subresource {
            p.push('/');
            p.push_str(sub);
        }
        p
    }
}

/// The path of a group-version's discovery document.
pub fn group_version_path(group_version: &str) -> String {
    if group_version.contains('/') {
        format!("/apis/{group_version}")
    } else {
        format!("/api/{group_version}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_paths() {
        let p = ResourcePath { group: "", version: "v1", resource: "pods", namespace: Some("ns"), name: Some("x"), subresource: Some("log") };
        assert_eq!(p.to_path(), "/api/v1/namespaces/ns/pods/x/log");
        let p = ResourcePath { group: "apps", version: "v1", resource: "deployments", ..Default::default() };
        assert_eq!(p.to_path(), "/apis/apps/v1/deployments");
        assert_eq!(group_version_path("v1"), "/api/v1");
        assert_eq!(group_version_path("apps/v1"), "/apis/apps/v1");
    }

    #[test]
    fn query_is_sorted_and_escaped() {
        let r = Request::get("/api/v1/pods").query("limit", "500").query("labelSelector", "a in (x, y)");
        assert_eq!(r.path_and_query(), "/api/v1/pods?labelSelector=a+in+%28x%2C+y%29&limit=500");
        assert!(r.is_idempotent());
        assert!(!Request::new(Method::POST, "/x").is_idempotent());
    }
}

//! `kctl proxy`: a local HTTP server that forwards requests to the API server
//! with the kubeconfig's credentials, behind kubectl's request filter
//! (accepted hosts and paths, rejected paths and methods), optionally also
//! serving static files.

use std::convert::Infallible;
use std::sync::Arc;

use futures_util::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use regex::Regex;
use reqwest::Method;
use tokio::net::TcpListener;

use crate::client::{Client, Request};
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Regular expression for hosts that the proxy should accept.
    #[arg(long = "accept-hosts", default_value = r"^localhost$,^127\.0\.0\.1$,^\[::1\]$")]
    pub accept_hosts: String,
    /// Regular expression for paths that the proxy should accept.
    #[arg(long = "accept-paths", default_value = "^.*")]
    pub accept_paths: String,
    /// The IP address on which to serve on.
    #[arg(long, default_value = "127.0.0.1")]
    pub address: String,
    /// Prefix to serve the proxied API under.
    #[arg(long = "api-prefix", default_value = "/")]
    pub api_prefix: String,
    /// If true, enables automatic path appending of the kube context server path to each request.
    #[arg(long = "append-server-path", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub append_server_path: bool,
    /// If true, disable request filtering in the proxy. This is dangerous, and can leave you vulnerable to XSRF attacks, when used with an accessible port.
    #[arg(long = "disable-filter", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub disable_filter: bool,
    /// keepalive specifies the keep-alive period for an active network connection. Set to 0 to disable keepalive.
    #[arg(long, default_value = "0s")]
    pub keepalive: String,
    /// The port on which to run the proxy. Set to 0 to pick a random port.
    #[arg(short = 'p', long, default_value = "8001")]
    pub port: u16,
    /// Regular expression for HTTP methods that the proxy should reject (example --reject-methods='POST,PUT,PATCH').
    #[arg(long = "reject-methods", default_value = "^$")]
    pub reject_methods: String,
    /// Regular expression for paths that the proxy should reject. Paths specified here will be rejected even accepted by --accept-paths.
    #[arg(long = "reject-paths", default_value = "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach")]
    pub reject_paths: String,
    /// Also serve static files from the given directory under the specified prefix.
    #[arg(short = 'w', long, default_value = "")]
    pub www: String,
    /// Prefix to serve static files under, if static file directory is specified.
    #[arg(short = 'P', long = "www-prefix", default_value = "/static/")]
    pub www_prefix: String,
}

/// kubectl's FilterServer: a request passes when its path and method are not
/// rejected and its path and host are accepted.
pub struct Filter {
    accept_paths: Vec<Regex>,
    reject_paths: Vec<Regex>,
    accept_hosts: Vec<Regex>,
    reject_methods: Vec<Regex>,
}

/// A comma-separated list of expressions (`MakeRegexpArray`).
fn regexps(s: &str) -> Result<Vec<Regex>, CliError> {
    s.split(',').map(|p| Regex::new(p).map_err(|e| CliError::msg(format!("error parsing regexp: {e}")))).collect()
}

fn matches(s: &str, list: &[Regex]) -> bool {
    list.iter().any(|r| r.is_match(s))
}

impl Filter {
    pub fn new(accept_paths: &str, reject_paths: &str, accept_hosts: &str, reject_methods: &str) -> Result<Filter, CliError> {
        Ok(Filter {
            accept_paths: regexps(accept_paths)?,
            reject_paths: regexps(reject_paths)?,
            accept_hosts: regexps(accept_hosts)?,
            reject_methods: regexps(reject_methods)?,
        })
    }

    pub fn accept(&self, method: &str, path: &str, host: &str) -> bool {
        if matches(path, &self.reject_paths) || matches(method, &self.reject_methods) {
            return false;
        }
        matches(path, &self.accept_paths) && matches(host, &self.accept_hosts)
    }
}

/// kubectl's extractHost: `net.SplitHostPort`'s host part, or the whole
/// Host header when it has no port.
pub fn host_of(authority: &str) -> String {
    if let Some(rest) = authority.strip_prefix('[') {
        return match rest.split_once("]:") {
            Some((h, _)) => h.to_string(),
            None => authority.to_string(),
        };
    }
    match authority.rsplit_once(':') {
        Some((h, _)) if !h.contains(':') => h.to_string(),
        _ => authority.to_string(),
    }
}

/// Which handler of the server's mux serves a path (longest prefix wins, as
/// in Go's ServeMux), and the path that handler sees.
#[derive(Debug, PartialEq)]
pub enum Route {
    Api(String),
    Static(String),
    NotFound,
}

pub fn route(path: &str, api_prefix: &str, www_prefix: Option<&str>) -> Route {
    let api = path.starts_with(api_prefix).then_some(api_prefix.len());
    let www = www_prefix.and_then(|p| path.starts_with(p).then_some(p.len()));
    match (api, www) {
        (_, Some(w)) if api.is_none_or(|a| w > a) => Route::Static(path[w..].to_string()),
        (Some(_), _) => {
            // Prefixes under /api are forwarded as they are; others are stripped, keeping a leading slash.
            if api_prefix.starts_with("/api") {
                Route::Api(path.to_string())
            } else {
                let rest = &path[api_prefix.len() - 1..];
                Route::Api(if rest.starts_with('/') { rest.to_string() } else { format!("/{rest}") })
            }
        }
        _ => Route::NotFound,
    }
}

struct Server {
    client: Client,
    filter: Option<Filter>,
    api_prefix: String,
    www: Option<(String, std::path::PathBuf)>,
}

type Resp = hyper::Response<BoxBody<Bytes, Infallible>>;

fn full(data: impl Into<Bytes>) -> BoxBody<Bytes, Infallible> {
    Full::new(data.into()).boxed()
}

fn plain(status: u16, text: &str) -> Resp {
    hyper::Response::builder()
        .status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .header("X-Content-Type-Options", "nosniff")
        .body(full(text.to_string()))
        .unwrap()
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let with_slash = |s: &str| if s.ends_with('/') { s.to_string() } else { format!("{s}/") };
    let api_prefix = with_slash(&args.api_prefix);
    let www_prefix = with_slash(&args.www_prefix);
    let client = settings.client()?;
    let filter = if args.disable_filter {
        crate::client::log::emit('W', "proxy.go:172", "Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious");
        None
    } else {
        Some(Filter::new(&args.accept_paths, &args.reject_paths, &args.accept_hosts, &args.reject_methods)?)
    };
    let www = (!args.www.is_empty()).then(|| (www_prefix, std::path::PathBuf::from(&args.www)));
    let server = Arc::new(Server { client, filter, api_prefix, www });
    let rt = crate::commands::runtime();
    rt.block_on(async move {
        let listener = TcpListener::bind((args.address.as_str(), args.port)).await.map_err(|e| CliError::msg(format!("listen tcp {}:{}: {e}", args.address, args.port)))?;
        let addr = listener.local_addr()?;
        crate::output::print(&format!("Starting to serve on {addr}\n"));
        crate::output::flush_stdout();
        loop {
            let Ok((tcp, _)) = listener.accept().await else { continue };
            let server = server.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let server = server.clone();
                    async move { Ok::<_, Infallible>(serve(&server, req).await) }
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(tcp), svc).await;
            });
        }
    })
}

async fn serve(server: &Server, req: hyper::Request<hyper::body::Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let www_prefix = server.www.as_ref().map(|(p, _)| p.as_str());
    match route(&path, &server.api_prefix, www_prefix) {
        Route::NotFound => plain(404, "404 page not found\n"),
        Route::Static(rest) => static_file(&server.www.as_ref().unwrap().1, &rest).await,
        Route::Api(upstream) => {
            let host = req.headers().get(hyper::header::HOST).and_then(|h| h.to_str().ok()).map(str::to_string).or_else(|| req.uri().authority().map(|a| a.to_string())).unwrap_or_default();
            if let Some(f) = &server.filter {
                if !f.accept(req.method().as_str(), &upstream, &host_of(&host)) {
                    return plain(403, "Forbidden\n");
                }
            }
            forward(&server.client, req, upstream).await
        }
    }
}

/// Hop-by-hop headers, and those the client sets itself.
const SKIPPED: &[&str] = &["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "content-length", "content-encoding"];

async fn forward(client: &Client, req: hyper::Request<hyper::body::Incoming>, path: String) -> Resp {
    let method = Method::from_bytes(req.method().as_str().as_bytes()).unwrap_or(Method::GET);
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let accept = header("accept");
    let content_type = header("content-type");
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(e) => return plain(502, &format!("{e}\n")),
    };
    // The raw query rides in the path so the server sees it unchanged.
    let mut r = Request::new(method, format!("{path}{query}"));
    r.accept = accept.or_else(|| Some("*/*".to_string()));
    if !body.is_empty() {
        r.content_type = content_type;
        r.body = Some(body);
    }
    if streams(&query) {
        // Watches and followed logs are relayed as they arrive; their
        // failures are answered whole below.
        if let Ok(resp) = client.stream(&r).await {
            let mut out = hyper::Response::builder().status(resp.status().as_u16());
            for (k, v) in resp.headers().iter() {
                if !SKIPPED.contains(&k.as_str()) {
                    out = out.header(k.as_str(), v.as_bytes());
                }
            }
            // A broken upstream ends the relayed body.
            let chunks = resp.bytes_stream().take_while(|c| std::future::ready(c.is_ok())).map(|c| Ok::<_, Infallible>(Frame::data(c.unwrap_or_default())));
            return out.body(BodyExt::boxed(StreamBody::new(chunks))).unwrap_or_else(|_| plain(502, "Bad Gateway\n"));
        }
    }
    match client.send_raw(&r).await {
        Ok(resp) => {
            let mut out = hyper::Response::builder().status(resp.status);
            for (k, v) in resp.headers.iter() {
                if !SKIPPED.contains(&k.as_str()) {
                    out = out.header(k.as_str(), v.as_bytes());
                }
            }
            out.body(full(resp.body)).unwrap_or_else(|_| plain(502, "Bad Gateway\n"))
        }
        Err(e) => plain(502, &format!("{}\n", CliError::from(e).to_string().trim_start_matches("error: "))),
    }
}

/// Requests whose answer is open-ended: `watch` and `follow` queries.
fn streams(query: &str) -> bool {
    query.trim_start_matches('?').split('&').any(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == "watch" || k == "follow") && !matches!(v, "0" | "false" | "False" | "f" | "F" | "FALSE")
    })
}

/// Go's http.FileServer, reduced: files by path, `index.html` for
/// directories, else a listing.
async fn static_file(base: &std::path::Path, rest: &str) -> Resp {
    let rel = rest.trim_start_matches('/');
    if rel.split('/').any(|c| c == "..") {
        return plain(400, "invalid URL path\n");
    }
    let mut path = base.join(rel);
    if path.is_dir() {
        let index = path.join("index.html");
        if !index.is_file() {
            let mut names: Vec<String> = match std::fs::read_dir(&path) {
                Ok(d) => d.filter_map(|e| e.ok()).map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if e.path().is_dir() { format!("{n}/") } else { n }
                }).collect(),
                Err(_) => return plain(500, "500 Internal Server Error\n"),
            };
            names.sort();
            let list: String = names.iter().map(|n| format!("<a href=\"{n}\">{n}</a>\n")).collect();
            return hyper::Response::builder()
                .header("Content-Type", "text/html; charset=utf-8")
                .body(full(format!("<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n{list}</pre>\n")))
                .unwrap();
        }
        path = index;
    }
    match tokio::fs::read(&path).await {
        Ok(data) => {
            let ct = match path.extension().and_then(|e| e.to_str()) {
                Some("html" | "htm") => "text/html; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("json") => "application/json",
                Some("txt") => "text/plain; charset=utf-8",
                Some("png") => "image/png",
                Some("svg") => "image/svg+xml",
                _ => "application/octet-stream",
            };
            hyper::Response::builder().header("Content-Type", ct).body(full(data)).unwrap()
        }
        Err(_) => plain(404, "404 page not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_filter_like_kubectl() {
        let f = Filter::new("^.*", "^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach", r"^localhost$,^127\.0\.0\.1$,^\[::1\]$", "^$").unwrap();
        assert!(f.accept("GET", "/api/v1/namespaces/default", "127.0.0.1"));
        assert!(f.accept("GET", "/api/v1/pods", "localhost"));
        assert!(f.accept("GET", "/version", "[::1]"));
        assert!(!f.accept("GET", "/version", "::1"));
        assert!(!f.accept("GET", "/api/v1/namespaces/default/pods/x/exec", "127.0.0.1"));
        assert!(!f.accept("POST", "/api/v1/namespaces/default/pods/x/attach", "127.0.0.1"));
        assert!(!f.accept("GET", "/api", "evil.com"));
    }

    #[test]
    fn streamed_queries() {
        assert!(streams("?watch=1&resourceVersion=5"));
        assert!(streams("?follow=true"));
        assert!(!streams("?watch=false"));
        assert!(!streams(""));
    }

    #[test]
    fn hosts_like_split_host_port() {
        assert_eq!(host_of("127.0.0.1:8001"), "127.0.0.1");
        assert_eq!(host_of("[::1]:8001"), "::1");
        assert_eq!(host_of("localhost"), "localhost");
        assert_eq!(host_of("[::1]"), "[::1]");
    }

    #[test]
    fn routes_like_the_mux() {
        assert_eq!(route("/api/v1/pods", "/", Some("/static/")), Route::Api("/api/v1/pods".into()));
        assert_eq!(route("/static/a.txt", "/", Some("/static/")), Route::Static("a.txt".into()));
        assert_eq!(route("/k8s/api/v1", "/k8s/", None), Route::Api("/api/v1".into()));
        assert_eq!(route("/other", "/k8s/", None), Route::NotFound);
        assert_eq!(route("/api/v1/x", "/api/", None), Route::Api("/api/v1/x".into()));
    }
}

//! Transport behaviour against small local HTTP servers: retries honouring
//! Retry-After, request timeouts, and kubectl's wording of those failures.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::Invocation;

/// Serves minimal discovery documents; the first `fail_first` requests for
/// `/api` get `status` with `Retry-After: 1`.
fn discovery_server(fail_first: usize, status: &'static str) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let api_hits = Arc::new(AtomicUsize::new(0));
    let hits = api_hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let hits = hits.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        return;
                    }
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                    }
                    let path = request_line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap().to_string();
                    let (code, body, extra) = match path.as_str() {
                        "/api" => {
                            let n = hits.fetch_add(1, Ordering::SeqCst);
                            if n < fail_first {
                                (status, r#"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"slow down","reason":"TooManyRequests","code":429}"#.to_string(), "Retry-After: 1\r\n")
                            } else {
                                ("200 OK", r#"{"kind":"APIVersions","versions":["v1"]}"#.to_string(), "")
                            }
                        }
                        "/apis" => ("200 OK", r#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#.to_string(), ""),
                        "/api/v1" => ("200 OK", r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]}]}"#.to_string(), ""),
                        _ => ("404 Not Found", "404 page not found".to_string(), ""),
                    };
                    let resp = format!("HTTP/1.1 {code}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}\r\n{body}", body.len());
                    if stream.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, api_hits)
}

#[test]
fn retries_429_honouring_retry_after() {
    let (port, hits) = discovery_server(2, "429 Too Many Requests");
    let server = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    let out = Invocation::new(["-s", &server, "api-versions"]).env("KUBECONFIG", "/nonexistent").kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "v1\n");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "two refused attempts, then success");
    assert!(start.elapsed() >= Duration::from_secs(2), "Retry-After: 1 was honoured twice");
}

#[test]
fn retries_503_for_reads() {
    let (port, hits) = discovery_server(1, "503 Service Unavailable");
    let server = format!("http://127.0.0.1:{port}");
    let out = Invocation::new(["-s", &server, "api-resources"]).env("KUBECONFIG", "/nonexistent").kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("pods"), "{}", out.stdout);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[test]
fn request_timeout_matches_kubectl() {
    // Accepts connections and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let server = format!("http://127.0.0.1:{port}");
    let inv = Invocation::new(["-s", &server, "--request-timeout=1s", "api-versions"]).env("KUBECONFIG", "/nonexistent");
    let start = Instant::now();
    let a = inv.kctl();
    assert!(start.elapsed() < Duration::from_secs(10));
    let b = inv.kubectl();
    // kubectl races its timers and words the same timeout three ways from run to
    // run; that wording is the one part that differs between its own runs.
    let clean = |s: &str| {
        let s = s
            .replace(" (Client.Timeout exceeded while awaiting headers)", "")
            .replace("net/http: request canceled", "context deadline exceeded");
        regex::Regex::new(r"(?m)^E\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(&s, "E<KLOG> ").into_owned()
    };
    assert_eq!((a.code, clean(&a.stderr)), (b.code, clean(&b.stderr)));
    assert!(a.stderr.contains("context deadline exceeded"), "{}", a.stderr);
    Invocation::new(["-s", &server, "--request-timeout=abc", "api-versions"]).env("KUBECONFIG", "/nonexistent").assert_same(&[]);
}

/// A server that offers aggregated discovery (apidiscovery.k8s.io/v2): kctl must
/// use it and make no per-group-version requests.
#[test]
fn aggregated_discovery_is_used_when_offered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let paths = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = paths.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut stream = stream;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut accept = String::new();
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                        if h.to_lowercase().starts_with("accept:") {
                            accept = h;
                        }
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap().to_string();
                    seen.lock().unwrap().push(path.clone());
                    let aggregated = accept.contains("as=APIGroupDiscoveryList");
                    let body = match (path.as_str(), aggregated) {
                        ("/api", true) => r#"{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{"name":""},"versions":[{"version":"v1","resources":[{"resource":"pods","responseKind":{"group":"","version":"v1","kind":"Pod"},"scope":"Namespaced","singularResource":"pod","verbs":["get","list"],"shortNames":["po"],"categories":["all"]}]}]}]}"#,
                        ("/apis", true) => r#"{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","items":[{"metadata":{"name":"apps"},"versions":[{"version":"v1","resources":[{"resource":"deployments","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"scope":"Namespaced","singularResource":"deployment","verbs":["get","list"],"shortNames":["deploy"],"subresources":[{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get"]}]}]}]}]}"#,
                        _ => "{}",
                    };
                    let ct = if aggregated { "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" } else { "application/json" };
                    let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                    if stream.write_all(resp.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let server = format!("http://127.0.0.1:{port}");
    let out = Invocation::new(["-s", &server, "api-resources"]).env("KUBECONFIG", "/nonexistent").kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "NAME          SHORTNAMES   APIVERSION   NAMESPACED   KIND\npods          po           v1           true         Pod\ndeployments   deploy       apps/v1      true         Deployment\n"
    );
    let mut seen: Vec<String> = paths.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, vec!["/api".to_string(), "/apis".to_string()]);
    let out = Invocation::new(["-s", &server, "api-versions"]).env("KUBECONFIG", "/nonexistent").kctl();
    assert_eq!(out.stdout, "apps/v1\nv1\n");
}

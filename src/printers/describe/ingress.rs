//! `kubectl describe ingress` (networking.k8s.io/v1; an
//! extensions/networking v1beta1 object is read as its v1 equivalent, as
//! kubectl fetches v1 whatever the user named): default backend, TLS, and
//! the rules table with each service backend's ready endpoints.
//!
//! kubectl asks, per backend, for the Service's EndpointSlices and then for
//! the Service. Here one EndpointSlice list covers every backend service and
//! one Service list stands in for the Gets; the text per backend is the same:
//! the slice list's error if it failed, else `services "x" not found`, else
//! the endpoints.

use serde_json::{json, Value};

use super::common::{annotations_multiline, arr, events, labels_multiline, list_path, s};
use super::related::{fetched_items, format_endpoint_slices, load_balancer_addresses};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2};
use super::{DescribeContext, Need};
use crate::dw;

const SLICES: &str = "ingress-endpointslices";
const SERVICES: &str = "ingress-services";

pub fn needs(ing: &Value) -> Vec<Need> {
    let ing = as_v1(ing);
    let names = backend_services(&ing);
    if names.is_empty() {
        return Vec::new();
    }
    let ns = s(&ing["metadata"]["namespace"]);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    vec![super::service::slices_need(SLICES, ns, &names), Need::list(SERVICES, list_path("", "v1", "services", ns))]
}

/// Distinct service names of every backend, in first-seen order.
fn backend_services(ing: &Value) -> Vec<String> {
    let spec = &ing["spec"];
    let mut out: Vec<String> = Vec::new();
    let backends = std::iter::once(&spec["defaultBackend"])
        .chain(arr(&spec["rules"]).iter().flat_map(|r| arr(&r["http"]["paths"]).iter().map(|p| &p["backend"])));
    for b in backends {
        if let Some(name) = b["service"]["name"].as_str() {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// A v1beta1 Ingress in v1's shape (`backend` → `defaultBackend`,
/// `serviceName`/`servicePort` → `service: {name, port}`).
fn as_v1(ing: &Value) -> Value {
    if ing["apiVersion"].as_str().is_none_or(|v| v == "networking.k8s.io/v1") {
        return ing.clone();
    }
    let convert = |b: &Value| -> Value {
        if b.is_null() {
            return Value::Null;
        }
        if let Some(resource) = b.get("resource") {
            return json!({ "resource": resource });
        }
        let port = match &b["servicePort"] {
            Value::String(name) => json!({ "name": name }),
            other => json!({ "number": other.as_i64().unwrap_or(0) }),
        };
        json!({ "service": { "name": s(&b["serviceName"]), "port": port } })
    };
    let mut out = ing.clone();
    let Some(spec) = out.get_mut("spec") else { return out };
    if let Some(obj) = spec.as_object_mut() {
        if let Some(b) = obj.remove("backend") {
            obj.insert("defaultBackend".into(), convert(&b));
        }
    }
    if let Some(rules) = spec.get_mut("rules").and_then(Value::as_array_mut) {
        for rule in rules {
            // get_mut, not indexing: indexing would create `http` where a
            // rule has none, and such rules print differently.
            if let Some(paths) = rule.get_mut("http").and_then(|h| h.get_mut("paths")).and_then(Value::as_array_mut) {
                for path in paths {
                    let b = convert(&path["backend"]);
                    path["backend"] = b;
                }
            }
        }
    }
    out
}

/// `serviceBackendStringer` plus the endpoints, or the resource backend.
fn describe_backend(backend: &Value, ctx: &DescribeContext) -> String {
    let svc = &backend["service"];
    if svc.is_object() {
        let name = s(&svc["name"]);
        let number = svc["port"]["number"].as_i64().unwrap_or(0);
        let port_name = s(&svc["port"]["name"]);
        let sb = if number != 0 { format!("{name}:{number}") } else { format!("{name}:{port_name}") };
        let slices = match fetched_items(ctx.get(SLICES)) {
            Ok(items) => items,
            Err((_, e)) => return format!("{sb} (<error: {e}>)"),
        };
        let service = match fetched_items(ctx.get(SERVICES)) {
            Ok(items) => match items.iter().find(|x| s(&x["metadata"]["name"]) == name) {
                Some(found) => found,
                None => return format!("{sb} (<error: services \"{name}\" not found>)"),
            },
            Err((_, e)) => return format!("{sb} (<error: {e}>)"),
        };
        let mut sp_name = "";
        for sp in arr(&service["spec"]["ports"]) {
            let by_number = number != 0 && number == sp["port"].as_i64().unwrap_or(0);
            if by_number || (!port_name.is_empty() && port_name == s(&sp["name"])) {
                sp_name = s(&sp["name"]);
            }
        }
        let own: Vec<Value> = slices.iter().filter(|x| s(&x["metadata"]["labels"]["kubernetes.io/service-name"]) == name).cloned().collect();
        return format!("{sb} ({})", format_endpoint_slices(&own, Some(&[sp_name])));
    }
    let res = &backend["resource"];
    if res.is_object() {
        let group = res["apiGroup"].as_str().unwrap_or("<none>");
        return format!("APIGroup: {group}, Kind: {}, Name: {}", s(&res["kind"]), s(&res["name"]));
    }
    String::new()
}

pub fn describe(ing: &Value, ctx: &DescribeContext) -> String {
    let ing = as_v1(ing);
    let meta = &ing["metadata"];
    let spec = &ing["spec"];
    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{}\n", s(&meta["name"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    dw!(w, LEVEL_0, "Address:\t{}\n", load_balancer_addresses(&ing["status"]["loadBalancer"]));
    dw!(w, LEVEL_0, "Ingress Class:\t{}\n", spec["ingressClassName"].as_str().unwrap_or("<none>"));
    let default_backend = if spec["defaultBackend"].is_object() { describe_backend(&spec["defaultBackend"], ctx) } else { "<default>".to_string() };
    dw!(w, LEVEL_0, "Default backend:\t{default_backend}\n");
    let tls = arr(&spec["tls"]);
    if !tls.is_empty() {
        w.write(LEVEL_0, "TLS:\n");
        for t in tls {
            let hosts = arr(&t["hosts"]).iter().map(s).collect::<Vec<_>>().join(",");
            match s(&t["secretName"]) {
                "" => dw!(w, LEVEL_1, "SNI routes {hosts}\n"),
                secret => dw!(w, LEVEL_1, "{secret} terminates {hosts}\n"),
            }
        }
    }
    w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n");
    w.write(LEVEL_1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in arr(&spec["rules"]) {
        if !rule["http"].is_object() {
            continue;
        }
        count += 1;
        let host = match s(&rule["host"]) {
            "" => "*",
            h => h,
        };
        dw!(w, LEVEL_1, "{host}\t\n");
        for path in arr(&rule["http"]["paths"]) {
            dw!(w, LEVEL_2, "\t{} \t{}\n", s(&path["path"]), describe_backend(&path["backend"], ctx));
        }
    }
    if count == 0 {
        dw!(w, LEVEL_1, "*\t*\t{default_backend}\n");
    }
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::printers::describe::Fetched;

    fn ctx() -> DescribeContext {
        let slice = json!({"metadata": {"labels": {"kubernetes.io/service-name": "web"}},
            "ports": [{"name": "http", "port": 8080}, {"name": "grpc", "port": 9090}],
            "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"], "conditions": {"ready": false}}]});
        let other = json!({"metadata": {"labels": {"kubernetes.io/service-name": "other"}},
            "ports": [{"name": "", "port": 1}], "endpoints": [{"addresses": ["10.9.9.9"]}]});
        let svc = json!({"metadata": {"name": "web"}, "spec": {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 81}]}});
        DescribeContext::new(true).with(SLICES, Fetched::Items(vec![slice, other])).with(SERVICES, Fetched::Items(vec![svc]))
    }

    #[test]
    fn backends_with_endpoints() {
        let c = ctx();
        let by_number = json!({"service": {"name": "web", "port": {"number": 80}}});
        let by_name = json!({"service": {"name": "web", "port": {"name": "grpc"}}});
        let missing = json!({"service": {"name": "gone", "port": {"number": 1}}});
        let unmatched = json!({"service": {"name": "web", "port": {"number": 99}}});
        assert_eq!(describe_backend(&by_number, &c), "web:80 (10.0.0.1:8080)");
        assert_eq!(describe_backend(&by_name, &c), "web:grpc (10.0.0.1:9090)");
        assert_eq!(describe_backend(&missing, &c), "gone:1 (<error: services \"gone\" not found>)");
        assert_eq!(describe_backend(&unmatched, &c), "web:99 ()");
        let failed = DescribeContext::new(true).with(SLICES, Fetched::Failed { code: 404, message: "Error from server (NotFound): the server could not find the requested resource".into() });
        assert_eq!(describe_backend(&by_number, &failed), "web:80 (<error: the server could not find the requested resource>)");
    }

    #[test]
    fn v1beta1_in_v1_shape() {
        let old = json!({"apiVersion": "extensions/v1beta1", "spec": {
            "backend": {"serviceName": "web", "servicePort": 80},
            "rules": [{"host": "a", "http": {"paths": [{"path": "/", "backend": {"serviceName": "web", "servicePort": "http"}}]}}, {"host": "b"}]}});
        let v1 = as_v1(&old);
        assert_eq!(v1["spec"]["defaultBackend"], json!({"service": {"name": "web", "port": {"number": 80}}}));
        assert_eq!(v1["spec"]["rules"][0]["http"]["paths"][0]["backend"], json!({"service": {"name": "web", "port": {"name": "http"}}}));
        assert!(v1["spec"]["rules"][1].get("http").is_none());
        assert_eq!(backend_services(&v1), vec!["web".to_string()]);
    }
}

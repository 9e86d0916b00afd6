//! `/version`, legacy discovery (`/api`, `/apis`, per group-version
//! APIResourceLists) and aggregated discovery (`apidiscovery.k8s.io/v2`, one
//! request for everything, which kubectl 1.32 asks for first), plus health.

use hyper::Response;
use serde_json::{json, Value};

use super::api::{json_response, Body, Req};
use super::resources::{self, Res};

const VERBS: &[&str] = &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

pub const SERVER_VERSION: &str = "v1.32.0+kctl-local";

fn sub_kind(res: &Res, sub: &str) -> (&'static str, &'static str, &'static str, &'static [&'static str]) {
    match sub {
        "scale" => ("autoscaling", "v1", "Scale", &["get", "patch", "update"]),
        "log" => ("", "v1", "Pod", &["get"]),
        "binding" => ("", "v1", "Binding", &["create"]),
        "finalize" => ("", "v1", "Namespace", &["update"]),
        _ => (res.group, res.version, res.kind, &["get", "patch", "update"]),
    }
}

fn resource_list(group: &str, version: &str) -> Value {
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    let mut out = Vec::new();
    for r in resources::all().into_iter().filter(|r| r.group == group && r.version == version) {
        let mut e = json!({"name": r.name, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind, "verbs": VERBS});
        if !r.short.is_empty() {
            e["shortNames"] = json!(r.short);
        }
        if !r.categories.is_empty() {
            e["categories"] = json!(r.categories);
        }
        out.push(e);
        for sub in r.subs {
            let (g, v, k, verbs) = sub_kind(r, sub);
            let mut e = json!({"name": format!("{}/{sub}", r.name), "singularName": "", "namespaced": r.namespaced, "kind": k, "verbs": verbs});
            if (g, v) != (r.group, r.version) {
                e["group"] = json!(g);
                e["version"] = json!(v);
            }
            out.push(e);
        }
    }
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out})
}

fn group_entry(group: &str, versions: &[&str]) -> Value {
    let vs: Vec<Value> = versions.iter().map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v})).collect();
    json!({"name": group, "versions": vs, "preferredVersion": vs[0]})
}

fn aggregated_group(group: &str, versions: &[&str]) -> Value {
    let versions: Vec<Value> = versions.iter().map(|v| aggregated_version(group, v)).collect();
    let mut meta = json!({"creationTimestamp": null});
    if !group.is_empty() {
        meta["name"] = json!(group);
    }
    json!({"metadata": meta, "versions": versions})
}

fn aggregated_version(group: &str, version: &str) -> Value {
    let resources: Vec<Value> = resources::all()
        .into_iter()
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            let mut e = json!({
                "resource": r.name,
                "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
                "singularResource": r.singular,
                "verbs": VERBS,
            });
            if !r.short.is_empty() {
                e["shortNames"] = json!(r.short);
            }
            if !r.categories.is_empty() {
                e["categories"] = json!(r.categories);
            }
            if !r.subs.is_empty() {
                e["subresources"] = r
                    .subs
                    .iter()
                    .map(|s| {
                        let (g, v, k, verbs) = sub_kind(r, s);
                        json!({"subresource": s, "responseKind": {"group": g, "version": v, "kind": k}, "verbs": verbs})
                    })
                    .collect();
            }
            e
        })
        .collect();
    json!({"version": version, "resources": resources, "freshness": "Current"})
}

fn aggregated(items: Vec<Value>) -> Response<Body> {
    let doc = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items});
    let mut resp = json_response(200, &doc);
    resp.headers_mut().insert("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList".parse().unwrap());
    resp
}

fn text(body: &'static str) -> Response<Body> {
    use http_body_util::{BodyExt, Full};
    Response::builder().status(200).header("Content-Type", "text/plain; charset=utf-8").body(Full::new(hyper::body::Bytes::from(body)).boxed()).unwrap()
}

/// Discovery and health answers, or `None` for a resource path.
pub fn serve(segs: &[&str], req: &Req) -> Option<Response<Body>> {
    let wants_aggregated = req.accept.contains("as=APIGroupDiscoveryList") && req.accept.contains("v=v2");
    Some(match segs {
        ["version"] => json_response(
            200,
            &json!({
                "major": "1", "minor": "32", "gitVersion": SERVER_VERSION, "gitCommit": "", "gitTreeState": "clean",
                "buildDate": "", "goVersion": "", "compiler": "rustc", "platform": format!("{}/{}", std::env::consts::OS, go_arch()),
            }),
        ),
        ["healthz"] | ["readyz"] | ["livez"] => text("ok"),
        ["api"] if wants_aggregated => aggregated(vec![aggregated_group("", &["v1"])]),
        ["api"] => json_response(
            200,
            &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        ["apis"] if wants_aggregated => aggregated(resources::groups().iter().map(|(g, vs)| aggregated_group(g, vs)).collect()),
        ["apis"] => json_response(
            200,
            &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": resources::groups().iter().map(|(g, vs)| group_entry(g, vs)).collect::<Vec<_>>()}),
        ),
        ["api", "v1"] => json_response(200, &resource_list("", "v1")),
        ["apis", g] if served(g, None) => {
            let groups = resources::groups();
            let vs = &groups.iter().find(|(x, _)| x == g).unwrap().1;
            let mut e = group_entry(g, vs);
            e["kind"] = json!("APIGroup");
            e["apiVersion"] = json!("v1");
            json_response(200, &e)
        }
        ["apis", g, v] if served(g, Some(v)) => json_response(200, &resource_list(g, v)),
        _ => return None,
    })
}

fn served(group: &str, version: Option<&str>) -> bool {
    resources::groups().iter().any(|(g, vs)| *g == group && version.is_none_or(|v| vs.contains(&v)))
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

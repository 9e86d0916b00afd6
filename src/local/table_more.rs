//! Server-side Table columns of the less everyday built-in kinds (the v1.20
//! apiserver's printers). Column descriptions are left empty: kubectl never
//! shows them.

use serde_json::{json, Value};

use super::resources::Res;
use crate::printers::age::{age_of, human_duration};

/// (name, type, format, description, priority), as in table.rs.
pub type Col = (&'static str, &'static str, &'static str, &'static str, u8);

const fn c(name: &'static str, p: u8) -> Col {
    (name, "string", "", "", p)
}

/// Columns of a custom resource: Name, its `additionalPrinterColumns`, else Age.
fn custom_columns(custom: &super::resources::Custom, name: Col, age: Col) -> Vec<Col> {
    if custom.columns.is_empty() {
        return vec![name, age];
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    // Leaked once per table request is wasteful; the strings are tiny and the
    // column set is cached by the definition, so intern them instead.
    static INTERN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let intern = |s: &str| -> &'static str {
        let mut v = INTERN.lock().unwrap();
        if let Some(x) = v.iter().find(|x| **x == s) {
            return x;
        }
        let x = leak(s);
        v.push(x);
        x
    };
    let mut out = vec![name];
    for (n, t, _, p) in &custom.columns {
        let ty = if t == "date" { "date" } else { intern(t) };
        out.push((intern(n), ty, "", "", *p as u8));
    }
    out
}

/// A `jsonPath` of printer columns: `.a.b`, `.a[0].b`, `.a[*].b` (joined by commas).
fn json_path(o: &Value, path: &str) -> Value {
    let mut cur = vec![o.clone()];
    for part in path.trim_start_matches('.').split('.').filter(|p| !p.is_empty()) {
        let (field, index) = match part.split_once('[') {
            Some((f, rest)) => (f, Some(rest.trim_end_matches(']'))),
            None => (part, None),
        };
        let mut next = Vec::new();
        for v in cur {
            let v = if field.is_empty() { v } else { v.get(field).cloned().unwrap_or(Value::Null) };
            match index {
                Some("*") => next.extend(v.as_array().cloned().unwrap_or_default()),
                Some(i) => next.push(i.parse::<usize>().ok().and_then(|i| v.get(i).cloned()).unwrap_or(Value::Null)),
                None => next.push(v),
            }
        }
        cur = next;
    }
    let vals: Vec<Value> = cur.into_iter().filter(|v| !v.is_null()).collect();
    match vals.len() {
        0 => Value::Null,
        1 => vals.into_iter().next().unwrap(),
        _ => json!(vals.iter().map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string())).collect::<Vec<_>>().join(",")),
    }
}

fn custom_cells(custom: &super::resources::Custom, o: &Value, age: String) -> Vec<Value> {
    if custom.columns.is_empty() {
        return vec![json!(age)];
    }
    custom
        .columns
        .iter()
        .map(|(_, t, path, _)| {
            let v = json_path(o, path);
            match (t.as_str(), &v) {
                ("date", Value::String(ts)) => json!(age_of(Some(ts))),
                (_, Value::Null) => Value::Null,
                (_, Value::Object(_) | Value::Array(_)) => json!(v.to_string()),
                _ => v,
            }
        })
        .collect()
}

pub fn columns(res: &Res, name: Col, age: Col) -> Option<Vec<Col>> {
    if let Some(custom) = res.custom {
        return Some(custom_columns(custom, name, age));
    }
    let tmpl = [c("Containers", 1), c("Images", 1)];
    Some(match res.name {
        "statefulsets" => vec![name, c("Ready", 0), age, tmpl[0], tmpl[1]],
        "daemonsets" => vec![
            name,
            ("Desired", "integer", "", "", 0),
            ("Current", "integer", "", "", 0),
            ("Ready", "integer", "", "", 0),
            ("Up-to-date", "integer", "", "", 0),
            ("Available", "integer", "", "", 0),
            c("Node Selector", 0),
            age,
            tmpl[0],
            tmpl[1],
            c("Selector", 1),
        ],
        "jobs" => vec![name, c("Completions", 0), c("Duration", 0), age, tmpl[0], tmpl[1], c("Selector", 1)],
        "cronjobs" => vec![
            name,
            c("Schedule", 0),
            ("Suspend", "boolean", "", "", 0),
            ("Active", "integer", "", "", 0),
            c("Last Schedule", 0),
            age,
            tmpl[0],
            tmpl[1],
            c("Selector", 1),
        ],
        "ingresses" => vec![name, c("Class", 0), c("Hosts", 0), c("Address", 0), c("Ports", 0), age],
        "ingressclasses" => vec![name, c("Controller", 0), c("Parameters", 0), age],
        "serviceaccounts" => vec![name, c("Secrets", 0), age],
        "persistentvolumes" => vec![
            name,
            c("Capacity", 0),
            c("Access Modes", 0),
            c("Reclaim Policy", 0),
            c("Status", 0),
            c("Claim", 0),
            c("StorageClass", 0),
            c("Reason", 0),
            age,
            c("VolumeMode", 1),
        ],
        "persistentvolumeclaims" => vec![name, c("Status", 0), c("Volume", 0), c("Capacity", 0), c("Access Modes", 0), c("StorageClass", 0), age, c("VolumeMode", 1)],
        "rolebindings" | "clusterrolebindings" => vec![name, c("Role", 0), age, c("Users", 1), c("Groups", 1), c("ServiceAccounts", 1)],
        "storageclasses" => vec![name, c("Provisioner", 0), c("ReclaimPolicy", 0), c("VolumeBindingMode", 0), c("AllowVolumeExpansion", 0), age],
        "endpointslices" => vec![name, c("AddressType", 0), c("Ports", 0), c("Endpoints", 0), age],
        "controllerrevisions" => vec![name, c("Controller", 0), ("Revision", "integer", "", "", 0), age],
        // Kinds without a printer get the default convertor's columns.
        "roles" | "clusterroles" | "customresourcedefinitions" => vec![name, ("Created At", "date", "", "", 0)],
        _ => return None,
    })
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn or_none(v: String) -> String {
    if v.is_empty() {
        "<none>".into()
    } else {
        v
    }
}

fn template_cells(spec: &Value) -> (String, String) {
    let cs = spec["template"]["spec"]["containers"].as_array().cloned().unwrap_or_default();
    (cs.iter().map(|c| s(&c["name"])).collect::<Vec<_>>().join(","), cs.iter().map(|c| s(&c["image"])).collect::<Vec<_>>().join(","))
}

fn selector(sel: &Value) -> String {
    let mut parts: Vec<String> = sel["matchLabels"].as_object().into_iter().flatten().map(|(k, v)| format!("{k}={}", s(v))).collect();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let vals: Vec<String> = e["values"].as_array().into_iter().flatten().map(s).collect();
        parts.push(format!("{} {} ({})", s(&e["key"]), s(&e["operator"]).to_lowercase(), vals.join(",")));
    }
    or_none(parts.join(","))
}

fn access_modes(v: &Value) -> String {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|m| match m.as_str().unwrap_or("") {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            _ => "",
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn secs_between(a: &str, b: &str) -> Option<i64> {
    let (a, b) = (crate::client::exec::parse_rfc3339(a)?, crate::client::exec::parse_rfc3339(b)?);
    Some(b.duration_since(a).map(|d| d.as_secs() as i64).unwrap_or(0))
}

pub fn cells(res: &Res, o: &Value, age: String) -> Option<Vec<Value>> {
    if let Some(custom) = res.custom {
        return Some(custom_cells(custom, o, age));
    }
    let spec = &o["spec"];
    let st = &o["status"];
    let n = |v: &Value| v.as_i64().unwrap_or(0);
    Some(match res.name {
        "statefulsets" => {
            let (names, images) = template_cells(spec);
            vec![json!(format!("{}/{}", n(&st["readyReplicas"]), spec["replicas"].as_i64().unwrap_or(1))), json!(age), json!(names), json!(images)]
        }
        "daemonsets" => {
            let (names, images) = template_cells(spec);
            let ns: Vec<String> = spec["template"]["spec"]["nodeSelector"].as_object().into_iter().flatten().map(|(k, v)| format!("{k}={}", s(v))).collect();
            vec![
                json!(n(&st["desiredNumberScheduled"])),
                json!(n(&st["currentNumberScheduled"])),
                json!(n(&st["numberReady"])),
                json!(n(&st["updatedNumberScheduled"])),
                json!(n(&st["numberAvailable"])),
                json!(or_none(ns.join(","))),
                json!(age),
                json!(names),
                json!(images),
                json!(selector(&spec["selector"])),
            ]
        }
        "jobs" => {
            let (names, images) = template_cells(spec);
            let completions = match spec["completions"].as_i64() {
                Some(c) => format!("{}/{c}", n(&st["succeeded"])),
                None => {
                    let p = spec["parallelism"].as_i64().unwrap_or(1);
                    if p > 1 { format!("{}/1 of {p}", n(&st["succeeded"])) } else { format!("{}/1", n(&st["succeeded"])) }
                }
            };
            let duration = match (st["startTime"].as_str(), st["completionTime"].as_str()) {
                (Some(a), Some(b)) => secs_between(a, b).map(human_duration).unwrap_or_default(),
                (Some(a), None) => age_of(Some(a)),
                _ => String::new(),
            };
            vec![json!(completions), json!(duration), json!(age), json!(names), json!(images), json!(selector(&spec["selector"]))]
        }
        "cronjobs" => {
            let jt = &spec["jobTemplate"]["spec"];
            let (names, images) = template_cells(jt);
            let last = st["lastScheduleTime"].as_str().map(|t| age_of(Some(t))).unwrap_or_else(|| "<none>".into());
            vec![
                json!(s(&spec["schedule"])),
                json!(if spec["suspend"] == true { "True" } else { "False" }),
                json!(st["active"].as_array().map(|a| a.len()).unwrap_or(0)),
                json!(last),
                json!(age),
                json!(names),
                json!(images),
                json!(if jt["selector"].is_null() { "<none>".into() } else { selector(&jt["selector"]) }),
            ]
        }
        "ingresses" => {
            let hosts: Vec<String> = spec["rules"].as_array().into_iter().flatten().map(|r| r["host"].as_str().filter(|h| !h.is_empty()).unwrap_or("*").to_string()).collect();
            let addr: Vec<String> = st["loadBalancer"]["ingress"].as_array().into_iter().flatten().map(|i| i["ip"].as_str().or(i["hostname"].as_str()).unwrap_or("").to_string()).collect();
            let ports = if spec["tls"].as_array().is_some_and(|t| !t.is_empty()) { "80, 443" } else { "80" };
            vec![json!(or_none(s(&spec["ingressClassName"]))), json!(if hosts.is_empty() { "*".into() } else { hosts.join(",") }), json!(addr.join(",")), json!(ports), json!(age)]
        }
        "ingressclasses" => {
            let p = &spec["parameters"];
            let params = if p.is_null() { "<none>".into() } else { format!("{}/{}", s(&p["kind"]), s(&p["name"])) };
            vec![json!(s(&spec["controller"])), json!(params), json!(age)]
        }
        "serviceaccounts" => vec![json!(o["secrets"].as_array().map(|a| a.len()).unwrap_or(0)), json!(age)],
        "persistentvolumes" => {
            let claim = &spec["claimRef"];
            let claim = if claim.is_null() { String::new() } else { format!("{}/{}", s(&claim["namespace"]), s(&claim["name"])) };
            vec![
                json!(s(&spec["capacity"]["storage"])),
                json!(access_modes(&spec["accessModes"])),
                json!(s(&spec["persistentVolumeReclaimPolicy"])),
                json!(s(&st["phase"])),
                json!(claim),
                json!(s(&spec["storageClassName"])),
                json!(s(&st["reason"])),
                json!(age),
                json!(or_none(s(&spec["volumeMode"])).replace("<none>", "<unset>")),
            ]
        }
        "persistentvolumeclaims" => {
            let phase = if o["metadata"]["deletionTimestamp"].is_null() { s(&st["phase"]) } else { "Terminating".into() };
            let bound = phase == "Bound";
            vec![
                json!(phase),
                json!(s(&spec["volumeName"])),
                json!(if bound { s(&st["capacity"]["storage"]) } else { String::new() }),
                json!(if bound { access_modes(&st["accessModes"]) } else { String::new() }),
                json!(s(&spec["storageClassName"])),
                json!(age),
                json!(or_none(s(&spec["volumeMode"])).replace("<none>", "<unset>")),
            ]
        }
        "rolebindings" | "clusterrolebindings" => {
            let subjects = o["subjects"].as_array().cloned().unwrap_or_default();
            let of = |k: &str| subjects.iter().filter(|x| x["kind"] == k).map(|x| if k == "ServiceAccount" { format!("{}/{}", s(&x["namespace"]), s(&x["name"])) } else { s(&x["name"]) }).collect::<Vec<_>>().join(", ");
            vec![json!(format!("{}/{}", s(&o["roleRef"]["kind"]), s(&o["roleRef"]["name"]))), json!(age), json!(of("User")), json!(of("Group")), json!(of("ServiceAccount"))]
        }
        "storageclasses" => vec![
            json!(s(&o["provisioner"])),
            json!(o["reclaimPolicy"].as_str().unwrap_or("Delete")),
            json!(o["volumeBindingMode"].as_str().unwrap_or("Immediate")),
            json!(if o["allowVolumeExpansion"] == true { "true" } else { "false" }),
            json!(age),
        ],
        "endpointslices" => {
            let ports: Vec<String> = o["ports"].as_array().into_iter().flatten().map(|p| p["port"].as_i64().map(|x| x.to_string()).unwrap_or_else(|| "<unset>".into())).collect();
            let ips: Vec<String> = o["endpoints"].as_array().into_iter().flatten().flat_map(|e| e["addresses"].as_array().cloned().unwrap_or_default()).map(|a| s(&a)).collect();
            let eps = match ips.len() {
                0 => "<unset>".to_string(),
                1..=3 => ips.join(","),
                k => format!("{} + {} more...", ips[..3].join(","), k - 3),
            };
            vec![json!(s(&o["addressType"])), json!(if ports.is_empty() { "<unset>".into() } else { ports.join(",") }), json!(eps), json!(age)]
        }
        "controllerrevisions" => {
            let owner = o["metadata"]["ownerReferences"].as_array().and_then(|r| r.iter().find(|x| x["controller"] == true)).cloned();
            let controller = owner
                .map(|x| {
                    let group = s(&x["apiVersion"]).split_once('/').map(|(g, _)| g.to_string()).unwrap_or_default();
                    let kind = s(&x["kind"]).to_lowercase();
                    if group.is_empty() { format!("{kind}/{}", s(&x["name"])) } else { format!("{kind}.{group}/{}", s(&x["name"])) }
                })
                .unwrap_or_else(|| "<none>".into());
            vec![json!(controller), json!(n(&o["revision"])), json!(age)]
        }
        "roles" | "clusterroles" | "customresourcedefinitions" => vec![json!(s(&o["metadata"]["creationTimestamp"]))],
        _ => return None,
    })
}

//! Service IP and port allocation, checked against every stored Service under
//! the store's lock: ClusterIPs from `10.96.0.0/16` (the test cluster's
//! `--service-cluster-ip-range`; `10.96.0.1` is the `kubernetes` Service's),
//! NodePorts from 30000-32767 for NodePort and LoadBalancer Services, with the
//! apiserver's 422s for taken or out-of-range values. Allocation is a hash of
//! the name probed linearly, so it needs no allocator state of its own.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::super::resources::Res;
use super::validate_update::{invalid, Cause};
use super::ApiError;

const NODE_PORTS: std::ops::RangeInclusive<i64> = 30000..=32767;
const RANGE: &str = "10.96.0.0/16";

/// What the client asked for, before defaults fill in a ClusterIP.
pub fn requested_ip(res: &Res, obj: &Value) -> Option<String> {
    if res.custom.is_some() || res.name != "services" {
        return None;
    }
    obj["spec"]["clusterIP"].as_str().filter(|s| !s.is_empty()).map(String::from)
}

fn hash(s: &str) -> u32 {
    s.bytes().fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619))
}

fn in_range(ip: &str) -> bool {
    let parts: Vec<u8> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
    parts.len() == 4 && ip.split('.').count() == 4 && parts[0] == 10 && parts[1] == 96 && !(parts[2] == 255 && parts[3] == 255) && !(parts[2] == 0 && parts[3] == 0)
}

fn ip_of(n: u32) -> String {
    format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff)
}

/// Allocate (create: `old` is None) or check (update) the Service's ClusterIP and NodePorts.
pub fn allocate(res: &Res, obj: &mut Value, objects: &crate::local::store::Objects, old: Option<&Value>, requested: Option<&str>) -> Result<(), ApiError> {
    if res.custom.is_some() || res.name != "services" {
        return Ok(());
    }
    let (ns, name) = (obj["metadata"]["namespace"].as_str().unwrap_or("").to_string(), obj["metadata"]["name"].as_str().unwrap_or("").to_string());
    let me = res.key(&ns, &name);
    let others: Vec<&Value> = objects.range(res.prefix()..).take_while(|(k, _)| k.starts_with(&res.prefix())).filter(|(k, _)| **k != me).map(|(_, v)| &**v).collect();
    let mut causes = Vec::new();
    let ty = obj["spec"]["type"].as_str().unwrap_or("ClusterIP").to_string();
    if old.is_none() && ty != "ExternalName" {
        let used: HashSet<&str> = others.iter().filter_map(|s| s["spec"]["clusterIP"].as_str()).chain(["10.96.0.1"]).collect();
        match requested {
            Some("None") => {}
            Some(ip) if !in_range(ip) => causes.push(Cause {
                reason: "FieldValueInvalid",
                field: "spec.clusterIPs".into(),
                message: format!("Invalid value: []string{{\"{ip}\"}}: failed to allocated ip:{ip} with error:provided IP is not in the valid range. The range of valid IPs is {RANGE}"),
            }),
            Some(ip) if used.contains(ip) => causes.push(Cause {
                reason: "FieldValueInvalid",
                field: "spec.clusterIPs".into(),
                message: format!("Invalid value: []string{{\"{ip}\"}}: failed to allocated ip:{ip} with error:provided IP is already allocated"),
            }),
            Some(_) => {}
            None => {
                let start = hash(&format!("{ns}/{name}")) % 0xFFFD;
                let ip = (0..0xFFFDu32).map(|i| ip_of(2 + (start + i) % 0xFFFD)).find(|ip| !used.contains(ip.as_str()));
                let Some(ip) = ip else {
                    return Err(ApiError::new(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full"));
                };
                obj["spec"]["clusterIP"] = json!(ip);
                obj["spec"]["clusterIPs"] = json!([ip]);
            }
        }
    }
    let wants_node_ports = ty == "NodePort" || ty == "LoadBalancer";
    let mut used: HashSet<i64> = others
        .iter()
        .flat_map(|s| s["spec"]["ports"].as_array().into_iter().flatten().filter_map(|p| p["nodePort"].as_i64()))
        .collect();
    let was: HashSet<i64> = old.into_iter().flat_map(|o| o["spec"]["ports"].as_array().into_iter().flatten().filter_map(|p| p["nodePort"].as_i64())).collect();
    let count = obj["spec"]["ports"].as_array().map(|p| p.len()).unwrap_or(0);
    for i in 0..count {
        let port = &mut obj["spec"]["ports"][i];
        let field = format!("spec.ports[{i}].nodePort");
        match port["nodePort"].as_i64() {
            Some(np) if !wants_node_ports && np != 0 => {
                causes.push(Cause { reason: "FieldValueForbidden", field, message: format!("Forbidden: may not be used when `type` is '{ty}'") });
            }
            Some(_) if !wants_node_ports => {}
            Some(np) if was.contains(&np) => {
                used.insert(np);
            }
            Some(np) if !NODE_PORTS.contains(&np) => causes.push(Cause {
                reason: "FieldValueInvalid",
                field,
                message: format!("Invalid value: {np}: provided port is not in the valid range. The range of valid ports is 30000-32767"),
            }),
            Some(np) if used.contains(&np) => {
                causes.push(Cause { reason: "FieldValueInvalid", field, message: format!("Invalid value: {np}: provided port is already allocated") })
            }
            Some(np) => {
                used.insert(np);
            }
            None if wants_node_ports => {
                let size = (NODE_PORTS.end() - NODE_PORTS.start() + 1) as u32;
                let start = hash(&format!("{ns}/{name}/{i}")) % size;
                let free = (0..size).map(|k| *NODE_PORTS.start() + ((start + k) % size) as i64).find(|p| !used.contains(p));
                let Some(np) = free else {
                    return Err(ApiError::new(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full"));
                };
                used.insert(np);
                port["nodePort"] = json!(np);
            }
            None => {}
        }
    }
    if wants_node_ports && obj["spec"]["externalTrafficPolicy"].is_null() {
        obj["spec"]["externalTrafficPolicy"] = json!("Cluster");
    }
    if causes.is_empty() {
        return Ok(());
    }
    Err(invalid(res, &name, &causes))
}

//! Small helpers shared by the Service, Ingress, storage, Node and
//! Namespace describers: decoded sizes, Go error text, access modes,
//! endpoint slices as kubectl summarises them.

use base64::Engine;
use serde_json::Value;

use super::common::{arr, s};
use super::writer::{Writer, LEVEL_0};
use super::Fetched;
use crate::dw;

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// The length of a `[]byte` field as Go sees it after decoding.
pub fn base64_len(text: &str) -> usize {
    base64_decode(text).map_or(0, |b| b.len())
}

/// Go's `err.Error()` of a failed request: the Status message alone, as
/// describers embed it (`<error: ...>`, `Failed to get lease: ...`),
/// without the `Error from server (Reason): ` that kubectl's command-level
/// error handler adds.
pub fn go_error_text(message: &str) -> String {
    let m = message.trim_end();
    if let Some(rest) = m.strip_prefix("Error from server") {
        let rest = rest.trim_start();
        let rest = if rest.starts_with('(') { rest.split_once("): ").map_or(rest, |(_, r)| r) } else { rest.strip_prefix(": ").unwrap_or(rest) };
        return rest.to_string();
    }
    m.to_string()
}

/// The answer to a need as Go's `(result, err)`: `Err(text)` when it failed.
pub fn fetched_items(f: Option<&Fetched>) -> Result<&[Value], (u16, String)> {
    match f {
        Some(Fetched::Items(items)) => Ok(items),
        Some(Fetched::Failed { code, message }) => Err((*code, go_error_text(message))),
        _ => Ok(&[]),
    }
}

/// `storageutil.GetAccessModesAsString`.
pub fn access_modes(modes: &Value) -> String {
    let have = |m: &str| arr(modes).iter().any(|x| s(x) == m);
    let mut out = Vec::new();
    for (mode, short) in [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")] {
        if have(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

/// The beta storage-class annotation wins over the spec field.
pub fn storage_class(obj: &Value) -> &str {
    match obj["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str() {
        Some(class) => class,
        None => s(&obj["spec"]["storageClassName"]),
    }
}

/// Go's `%v` of a `[]string`: `[a b]`, `[]` when empty.
pub fn string_list(v: &Value) -> String {
    format!("[{}]", arr(v).iter().map(s).collect::<Vec<_>>().join(" "))
}

/// `printPodsMultilineWithIndent`: pod names, sorted.
pub fn pods_multiline(w: &mut Writer, title: &str, pods: &[&Value]) {
    dw!(w, LEVEL_0, "{title}:\t");
    if pods.is_empty() {
        w.line("<none>");
        return;
    }
    let mut names: Vec<&str> = pods.iter().map(|p| s(&p["metadata"]["name"])).collect();
    names.sort();
    for (n, name) in names.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, "\t");
        }
        dw!(w, LEVEL_0, "{name}\n");
    }
}

/// `formatEndpointSlices`: up to three ready `addr:port` for the named
/// ports (all ports when `port_names` is None), then `+ N more...`.
pub fn format_endpoint_slices(slices: &[Value], port_names: Option<&[&str]>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    let ready = |e: &Value| e["conditions"]["ready"].as_bool().unwrap_or(true);
    for slice in slices {
        let endpoints = arr(&slice["endpoints"]);
        let ports = arr(&slice["ports"]);
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(s(&arr(&e["addresses"]).first().cloned().unwrap_or_default()).to_string());
                }
                count += 1;
            }
            continue;
        }
        for port in ports {
            let name = s(&port["name"]);
            if port_names.is_some_and(|names| !names.contains(&name)) {
                continue;
            }
            for e in endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    let addr = arr(&e["addresses"]).first().map(s).unwrap_or("");
                    list.push(join_host_port(addr, port["port"].as_i64().unwrap_or(0)));
                }
                count += 1;
            }
        }
    }
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count as i64 - MAX as i64);
    }
    ret
}

/// Go's `net.JoinHostPort`.
pub fn join_host_port(host: &str, port: i64) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The sorted, de-duplicated IPs or hostnames of a load balancer status.
pub fn load_balancer_addresses(status: &Value) -> String {
    let mut out: Vec<&str> = arr(&status["ingress"])
        .iter()
        .filter_map(|i| {
            let ip = s(&i["ip"]);
            let host = s(&i["hostname"]);
            if !ip.is_empty() {
                Some(ip)
            } else if !host.is_empty() {
                Some(host)
            } else {
                None
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out.join(",")
}

/// A missing `RFC1123Z` time is Go's zero time, which still prints.
pub fn time_or_zero(ts: &Value) -> String {
    match ts.as_str().filter(|t| !t.is_empty()) {
        Some(t) => super::time::rfc1123z(t),
        None => {
            const YEAR_ONE: i64 = -62_135_596_800;
            super::time::format_rfc1123z(YEAR_ONE, super::time::local_zone(YEAR_ONE).0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoint_slices_summary() {
        let slice = json!({"ports": [{"name": "http", "port": 8080}], "endpoints": [
            {"addresses": ["10.0.0.1"], "conditions": {"ready": true}},
            {"addresses": ["10.0.0.2"], "conditions": {"ready": false}},
            {"addresses": ["10.0.0.3"]},
            {"addresses": ["fd00::4"]},
            {"addresses": ["10.0.0.5"]},
        ]});
        assert_eq!(format_endpoint_slices(&[], None), "<none>");
        assert_eq!(format_endpoint_slices(&[slice.clone()], Some(&["http"])), "10.0.0.1:8080,10.0.0.3:8080,[fd00::4]:8080 + 1 more...");
        assert_eq!(format_endpoint_slices(&[slice], Some(&["other"])), "");
    }

    #[test]
    fn error_text() {
        assert_eq!(go_error_text("Error from server (NotFound): services \"x\" not found"), "services \"x\" not found");
        assert_eq!(go_error_text("the server could not find the requested resource"), "the server could not find the requested resource");
    }

    #[test]
    fn modes() {
        assert_eq!(access_modes(&json!(["ReadWriteMany", "ReadWriteOnce"])), "RWO,RWX");
        assert_eq!(access_modes(&json!(null)), "");
    }
}

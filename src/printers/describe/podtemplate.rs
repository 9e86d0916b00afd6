//! Containers, volumes and pod templates, shared by the Pod describer and
//! every workload describer (Deployment, ReplicaSet, StatefulSet, DaemonSet,
//! Job, CronJob).

use serde_json::Value;

use super::common::{annotations_multiline, arr, b, i, labels_multiline, s, sorted_map, tolerations_multiline};
use super::writer::{Writer, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use crate::dw;

/// `DescribePodTemplate`.
pub fn pod_template(w: &mut Writer, template: &Value) {
    w.write(LEVEL_0, "Pod Template:\n");
    if template.is_null() {
        w.write(LEVEL_1, "<unset>");
        return;
    }
    let meta = &template["metadata"];
    let spec = &template["spec"];
    labels_multiline(w, "  Labels", &meta["labels"]);
    if meta["annotations"].as_object().is_some_and(|m| !m.is_empty()) {
        annotations_multiline(w, "  Annotations", &meta["annotations"]);
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        dw!(w, LEVEL_1, "Service Account:\t{}\n", s(&spec["serviceAccountName"]));
    }
    if !arr(&spec["initContainers"]).is_empty() {
        containers(w, "Init Containers", arr(&spec["initContainers"]), None, "  ");
    }
    containers(w, "Containers", arr(&spec["containers"]), None, "  ");
    super::volumes::volumes(w, arr(&spec["volumes"]), "  ");
    topology_spread_constraints(w, arr(&spec["topologySpreadConstraints"]), "  ");
    if !s(&spec["priorityClassName"]).is_empty() {
        dw!(w, LEVEL_1, "Priority Class Name:\t{}\n", s(&spec["priorityClassName"]));
    }
    labels_multiline(w, "  Node-Selectors", &spec["nodeSelector"]);
    tolerations_multiline(w, "", "  Tolerations", "\t", &spec["tolerations"]);
}

/// `describeContainers`: `pod` is given for a live pod (statuses, and
/// fieldRef environment values resolved against it).
pub fn containers(w: &mut Writer, label: &str, list: &[Value], pod: Option<(&Value, &[Value])>, space: &str) {
    dw!(w, LEVEL_0, "{space}{label}:{}\n", if list.is_empty() { " <none>" } else { "" });
    for c in list {
        let name = s(&c["name"]);
        let status = pod.and_then(|(_, statuses)| statuses.iter().find(|st| s(&st["name"]) == name));
        basic_info(w, c, status, space);
        command(w, c);
        if let Some(st) = status {
            state(w, "State", &st["state"]);
            if st["lastState"]["terminated"].is_object() {
                state(w, "Last State", &st["lastState"]);
            }
            dw!(w, LEVEL_2, "Ready:\t{}\n", if st["ready"].as_bool() == Some(true) { "True" } else { "False" });
            dw!(w, LEVEL_2, "Restart Count:\t{}\n", i(&st["restartCount"]));
        }
        resources(w, &c["resources"], LEVEL_2);
        for (field, title) in [("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")] {
            if c[field].is_object() {
                dw!(w, LEVEL_2, "{title}:\t{}\n", probe(&c[field]));
            }
        }
        if !arr(&c["envFrom"]).is_empty() {
            env_from(w, c);
        }
        env_vars(w, c, pod.map(|(p, _)| p));
        mounts(w, c);
    }
}

fn basic_info(w: &mut Writer, c: &Value, status: Option<&Value>, space: &str) {
    let name_indent = if space.is_empty() { "" } else { " " };
    dw!(w, LEVEL_1, "{name_indent}{}:\n", s(&c["name"]));
    if let Some(st) = status {
        dw!(w, LEVEL_2, "Container ID:\t{}\n", s(&st["containerID"]));
    }
    dw!(w, LEVEL_2, "Image:\t{}\n", s(&c["image"]));
    if let Some(st) = status {
        dw!(w, LEVEL_2, "Image ID:\t{}\n", s(&st["imageID"]));
    }
    let ports = |field: &str| arr(&c["ports"]).iter().map(|p| format!("{}/{}", i(&p[field]), s(&p["protocol"]))).collect::<Vec<_>>().join(", ");
    let (port, host) = (ports("containerPort"), ports("hostPort"));
    let none = |x: &str| if x.is_empty() { "<none>".to_string() } else { x.to_string() };
    if port.contains(',') {
        dw!(w, LEVEL_2, "Ports:\t{port}\n");
    } else {
        dw!(w, LEVEL_2, "Port:\t{}\n", none(&port));
    }
    if host.contains(',') {
        dw!(w, LEVEL_2, "Host Ports:\t{host}\n");
    } else {
        dw!(w, LEVEL_2, "Host Port:\t{}\n", none(&host));
    }
    let seccomp = &c["securityContext"]["seccompProfile"];
    if seccomp.is_object() {
        dw!(w, LEVEL_2, "SeccompProfile:\t{}\n", s(&seccomp["type"]));
        if s(&seccomp["type"]) == "Localhost" {
            dw!(w, LEVEL_3, "LocalhostProfile:\t{}\n", s(&seccomp["localhostProfile"]));
        }
    }
}

fn command(w: &mut Writer, c: &Value) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        if arr(&c[field]).is_empty() {
            continue;
        }
        dw!(w, LEVEL_2, "{title}:\n");
        for item in arr(&c[field]) {
            for line in s(item).split('\n') {
                dw!(w, LEVEL_3, "{line}\n");
            }
        }
    }
}

/// `describeResources`: limits then requests, each sorted by name.
pub fn resources(w: &mut Writer, res: &Value, level: usize) {
    for (field, title) in [("limits", "Limits"), ("requests", "Requests")] {
        let items = sorted_map(&res[field]);
        if !items.is_empty() {
            dw!(w, level, "{title}:\n");
        }
        for (name, q) in items {
            dw!(w, level + 1, "{name}:\t{q}\n");
        }
    }
}

/// `describeStatus`.
fn state(w: &mut Writer, name: &str, st: &Value) {
    let time = |t: &Value| super::common::time(t);
    if let Some(r) = st["running"].as_object() {
        dw!(w, LEVEL_2, "{name}:\tRunning\n");
        dw!(w, LEVEL_3, "Started:\t{}\n", time(r.get("startedAt").unwrap_or(&Value::Null)));
    } else if st["waiting"].is_object() {
        dw!(w, LEVEL_2, "{name}:\tWaiting\n");
        let reason = s(&st["waiting"]["reason"]);
        if !reason.is_empty() {
            dw!(w, LEVEL_3, "Reason:\t{reason}\n");
        }
    } else if st["terminated"].is_object() {
        let t = &st["terminated"];
        dw!(w, LEVEL_2, "{name}:\tTerminated\n");
        if !s(&t["reason"]).is_empty() {
            dw!(w, LEVEL_3, "Reason:\t{}\n", s(&t["reason"]));
        }
        if !s(&t["message"]).is_empty() {
            dw!(w, LEVEL_3, "Message:\t{}\n", s(&t["message"]));
        }
        dw!(w, LEVEL_3, "Exit Code:\t{}\n", i(&t["exitCode"]));
        if i(&t["signal"]) > 0 {
            dw!(w, LEVEL_3, "Signal:\t{}\n", i(&t["signal"]));
        }
        dw!(w, LEVEL_3, "Started:\t{}\n", zero_time(&t["startedAt"]));
        dw!(w, LEVEL_3, "Finished:\t{}\n", zero_time(&t["finishedAt"]));
    } else {
        dw!(w, LEVEL_2, "{name}:\tWaiting\n");
    }
}

/// Go formats an unset time as its zero value.
fn zero_time(t: &Value) -> String {
    if t.is_string() {
        super::common::time(t)
    } else {
        "Mon, 01 Jan 0001 00:00:00 +0000".to_string()
    }
}

/// `DescribeProbe`.
pub fn probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        i(&p["initialDelaySeconds"]),
        i(&p["timeoutSeconds"]),
        i(&p["periodSeconds"]),
        i(&p["successThreshold"]),
        i(&p["failureThreshold"])
    );
    if p["exec"].is_object() {
        let cmd: Vec<&str> = arr(&p["exec"]["command"]).iter().map(s).collect();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if let Some(h) = p["httpGet"].as_object() {
        let scheme = h.get("scheme").map(s).unwrap_or("").to_lowercase();
        let host = h.get("host").map(s).unwrap_or("");
        let port = h.get("port").map(int_or_string).unwrap_or_default();
        let host = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = h.get("path").map(s).unwrap_or("");
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !scheme.is_empty() || !host.is_empty() {
            url.push_str("//");
            url.push_str(&host);
        }
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            url.push('/');
        }
        url.push_str(path);
        return format!("http-get {url} {attrs}");
    }
    if p["tcpSocket"].is_object() {
        return format!("tcp-socket {}:{} {attrs}", s(&p["tcpSocket"]["host"]), int_or_string(&p["tcpSocket"]["port"]));
    }
    if p["grpc"].is_object() {
        return format!("grpc <pod>:{} {} {attrs}", i(&p["grpc"]["port"]), s(&p["grpc"]["service"]));
    }
    format!("unknown {attrs}")
}

fn int_or_string(x: &Value) -> String {
    match x {
        Value::String(t) => t.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn env_from(w: &mut Writer, c: &Value) {
    w.write(LEVEL_2, "Environment Variables from:\n");
    for e in arr(&c["envFrom"]) {
        let (from, r) = if e["configMapRef"].is_object() {
            ("ConfigMap", &e["configMapRef"])
        } else if e["secretRef"].is_object() {
            ("Secret", &e["secretRef"])
        } else {
            ("", &Value::Null)
        };
        let optional = b(&r["optional"]);
        let prefix = s(&e["prefix"]);
        if prefix.is_empty() {
            dw!(w, LEVEL_3, "{}\t{from}\tOptional: {optional}\n", s(&r["name"]));
        } else {
            dw!(w, LEVEL_3, "{}\t{from} with prefix '{prefix}'\tOptional: {optional}\n", s(&r["name"]));
        }
    }
}

fn env_vars(w: &mut Writer, c: &Value, pod: Option<&Value>) {
    let env = arr(&c["env"]);
    dw!(w, LEVEL_2, "Environment:{}\n", if env.is_empty() { "\t<none>" } else { "" });
    for e in env {
        let name = s(&e["name"]);
        let from = &e["valueFrom"];
        if !from.is_object() {
            for (n, line) in s(&e["value"]).split('\n').enumerate() {
                if n == 0 {
                    dw!(w, LEVEL_3, "{name}:\t{line}\n");
                } else {
                    dw!(w, LEVEL_3, "\t{line}\n");
                }
            }
            continue;
        }
        if let Some(f) = from["fieldRef"].as_object() {
            let path = f.get("fieldPath").map(s).unwrap_or("");
            let value = pod.map(|p| field_path_value(p, path)).unwrap_or_default();
            dw!(w, LEVEL_3, "{name}:\t{value} ({}:{path})\n", f.get("apiVersion").map(s).unwrap_or(""));
        } else if from["resourceFieldRef"].is_object() {
            let resource = s(&from["resourceFieldRef"]["resource"]);
            let mut value = crate::quantity::container_resource_value(&from["resourceFieldRef"], c);
            if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                value = "node allocatable".to_string();
            }
            dw!(w, LEVEL_3, "{name}:\t{value} ({resource})\n");
        } else if from["secretKeyRef"].is_object() {
            let r = &from["secretKeyRef"];
            dw!(w, LEVEL_3, "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), b(&r["optional"]));
        } else if from["configMapKeyRef"].is_object() {
            let r = &from["configMapKeyRef"];
            dw!(w, LEVEL_3, "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), b(&r["optional"]));
        }
    }
}

/// `fieldpath.ExtractFieldPathAsString` for the metadata paths it supports;
/// anything else resolves to "" as kubectl's resolver does on error.
fn field_path_value(pod: &Value, path: &str) -> String {
    let meta = &pod["metadata"];
    for (prefix, field) in [("metadata.labels", "labels"), ("metadata.annotations", "annotations")] {
        if let Some(rest) = path.strip_prefix(prefix) {
            if rest.is_empty() {
                return sorted_map(&meta[field]).into_iter().map(|(k, val)| format!("{k}=\"{val}\"")).collect::<Vec<_>>().join("\n");
            }
            if let Some(key) = rest.strip_prefix("['").and_then(|r| r.strip_suffix("']")) {
                return s(&meta[field][key]).to_string();
            }
            return String::new();
        }
    }
    match path {
        "metadata.name" => s(&meta["name"]).to_string(),
        "metadata.namespace" => s(&meta["namespace"]).to_string(),
        "metadata.uid" => s(&meta["uid"]).to_string(),
        _ => String::new(),
    }
}

fn mounts(w: &mut Writer, c: &Value) {
    let list = arr(&c["volumeMounts"]);
    let none = if list.is_empty() { "\t<none>" } else { "" };
    dw!(w, LEVEL_2, "Mounts:{none}\n");
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| s(&a["mountPath"]).cmp(s(&b["mountPath"])));
    for m in sorted {
        let mut flags = vec![if m["readOnly"].as_bool() == Some(true) { "ro".to_string() } else { "rw".to_string() }];
        if !s(&m["subPath"]).is_empty() {
            flags.push(format!("path={}", crate::printers::jsonpath::gofmt::quote(s(&m["subPath"]))));
        }
        dw!(w, LEVEL_3, "{} from {} ({})\n", s(&m["mountPath"]), s(&m["name"]), flags.join(","));
    }
    let devices = arr(&c["volumeDevices"]);
    if !devices.is_empty() {
        dw!(w, LEVEL_2, "Devices:{none}\n");
        let mut sorted: Vec<&Value> = devices.iter().collect();
        sorted.sort_by(|a, b| s(&a["devicePath"]).cmp(s(&b["devicePath"])));
        for d in sorted {
            dw!(w, LEVEL_3, "{} from {}\n", s(&d["devicePath"]), s(&d["name"]));
        }
    }
}

/// `describeTopologySpreadConstraints`.
pub fn topology_spread_constraints(w: &mut Writer, list: &[Value], space: &str) {
    if list.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| s(&a["topologyKey"]).cmp(s(&b["topologyKey"])));
    dw!(w, LEVEL_0, "{space}Topology Spread Constraints:\t");
    for (n, t) in sorted.iter().enumerate() {
        if n != 0 {
            w.write(LEVEL_0, space);
            w.write(LEVEL_0, "\t");
        }
        let mut text = format!("{}:{} when max skew {} is exceeded", s(&t["topologyKey"]), s(&t["whenUnsatisfiable"]), i(&t["maxSkew"]));
        if t["labelSelector"].is_object() {
            let sel = super::common::selector_string(&t["labelSelector"]);
            text.push_str(&format!(" for selector {}", if sel.is_empty() { "<none>" } else { &sel }));
        }
        dw!(w, LEVEL_0, "{text}\n");
    }
}

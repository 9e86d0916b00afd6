//! The `Pod Template:` section kubectl's describe printer writes for
//! `rollout history --revision=N` and `rollout undo --dry-run`.
//!
//! kubectl writes it through a PrefixWriter straight into a buffer, not a
//! tabwriter, so the tabs stay in the output as they are.

use crate::quantity;
use serde_json::{Map, Value};

/// Annotations kubectl's describe leaves out.
const SKIP_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];
const MAX_ANNOTATION_LEN: usize = 140;

struct W(String);

impl W {
    fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn arr(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn string_map(v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = v.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), s(v).to_string())).collect();
    out.sort();
    out
}

/// kubectl's `DescribePodTemplate`.
pub fn describe(template: &Value) -> String {
    let mut w = W(String::new());
    w.write(0, "Pod Template:\n");
    let meta = &template["metadata"];
    let spec = &template["spec"];
    print_labels(&mut w, "  Labels", &string_map(&meta["labels"]));
    let annotations: Vec<(String, String)> = string_map(&meta["annotations"]).into_iter().filter(|(k, _)| !SKIP_ANNOTATIONS.contains(&k.as_str())).collect();
    if meta["annotations"].as_object().is_some_and(|m| !m.is_empty()) {
        print_annotations(&mut w, "  Annotations", &annotations);
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        w.write(1, &format!("Service Account:\t{}\n", s(&spec["serviceAccountName"])));
    }
    if !arr(&spec["initContainers"]).is_empty() {
        describe_containers(&mut w, "Init Containers", arr(&spec["initContainers"]));
    }
    describe_containers(&mut w, "Containers", arr(&spec["containers"]));
    describe_volumes(&mut w, arr(&spec["volumes"]));
    spread_constraints(&mut w, arr(&spec["topologySpreadConstraints"]));
    if !s(&spec["priorityClassName"]).is_empty() {
        w.write(1, &format!("Priority Class Name:\t{}\n", s(&spec["priorityClassName"])));
    }
    print_labels(&mut w, "  Node-Selectors", &string_map(&spec["nodeSelector"]));
    print_tolerations(&mut w, "  Tolerations", arr(&spec["tolerations"]));
    w.0
}

fn print_labels(w: &mut W, title: &str, labels: &[(String, String)]) {
    w.write(0, &format!("{title}:\t"));
    if labels.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.0.push('\t');
        }
        w.0.push_str(&format!("{k}={v}\n"));
    }
}

fn print_annotations(w: &mut W, title: &str, annotations: &[(String, String)]) {
    w.write(0, &format!("{title}:\t"));
    if annotations.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in annotations.iter().enumerate() {
        if i != 0 {
            w.0.push('\t');
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.0.push_str(&format!("{k}:\n"));
            for line in value.split('\n') {
                let short = if line.len() > MAX_ANNOTATION_LEN - 2 { format!("{}...", truncate(line, MAX_ANNOTATION_LEN - 2)) } else { line.to_string() };
                w.0.push_str(&format!("\t  {short}\n"));
            }
        } else {
            w.0.push_str(&format!("{k}: {value}\n"));
        }
    }
}

/// Go slices strings by bytes; never split a character here.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn print_tolerations(w: &mut W, title: &str, tolerations: &[Value]) {
    w.write(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    sorted.sort_by(|a, b| s(&a["key"]).cmp(s(&b["key"])));
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            w.0.push('\t');
        }
        let (key, value, effect) = (s(&t["key"]), s(&t["value"]), s(&t["effect"]));
        w.0.push_str(key);
        if !value.is_empty() {
            w.0.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            w.0.push_str(&format!(":{effect}"));
        }
        if s(&t["operator"]) == "Exists" && value.is_empty() {
            w.0.push_str(if !key.is_empty() || !effect.is_empty() { " op=Exists" } else { "op=Exists" });
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            w.0.push_str(&format!(" for {secs}s"));
        }
        w.0.push('\n');
    }
}

/// kubectl's describeTopologySpreadConstraints (nothing when there are none).
fn spread_constraints(w: &mut W, list: &[Value]) {
    if list.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_by(|a, b| s(&a["topologyKey"]).cmp(s(&b["topologyKey"])));
    w.write(0, "  Topology Spread Constraints:\t");
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            w.0.push_str("  \t");
        }
        w.0.push_str(&format!("{}:{} when max skew {} is exceeded", s(&t["topologyKey"]), s(&t["whenUnsatisfiable"]), t["maxSkew"].as_i64().unwrap_or(0)));
        if t["labelSelector"].is_object() {
            let sel = super::revisions::selector_string(&t["labelSelector"]);
            w.0.push_str(&format!(" for selector {}", if sel.is_empty() { "<none>" } else { sel.as_str() }));
        }
        w.0.push('\n');
    }
}

fn ports(c: &Value, field: &str) -> String {
    arr(&c["ports"]).iter().map(|p| format!("{}/{}", p[field].as_i64().unwrap_or(0), s(&p["protocol"]))).collect::<Vec<_>>().join(", ")
}

fn or_none(v: &str) -> &str {
    if v.is_empty() {
        "<none>"
    } else {
        v
    }
}

fn describe_containers(w: &mut W, label: &str, containers: &[Value]) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("  {label}:{none}\n"));
    for c in containers {
        w.write(1, &format!(" {}:\n", s(&c["name"])));
        w.write(2, &format!("Image:\t{}\n", s(&c["image"])));
        let p = ports(c, "containerPort");
        if p.contains(',') {
            w.write(2, &format!("Ports:\t{p}\n"));
        } else {
            w.write(2, &format!("Port:\t{}\n", or_none(&p)));
        }
        let hp = ports(c, "hostPort");
        if hp.contains(',') {
            w.write(2, &format!("Host Ports:\t{hp}\n"));
        } else {
            w.write(2, &format!("Host Port:\t{}\n", or_none(&hp)));
        }
        for (title, field) in [("Command", "command"), ("Args", "args")] {
            if !arr(&c[field]).is_empty() {
                w.write(2, &format!("{title}:\n"));
                for part in arr(&c[field]) {
                    for line in s(part).split('\n') {
                        w.write(3, &format!("{line}\n"));
                    }
                }
            }
        }
        for (title, field) in [("Limits", "limits"), ("Requests", "requests")] {
            let q = string_map(&c["resources"][field]);
            if !q.is_empty() {
                w.write(2, &format!("{title}:\n"));
            }
            for (k, v) in q {
                w.write(3, &format!("{k}:\t{v}\n"));
            }
        }
        for (title, field) in [("Liveness", "livenessProbe"), ("Readiness", "readinessProbe"), ("Startup", "startupProbe")] {
            if c[field].is_object() {
                w.write(2, &format!("{title}:\t{}\n", probe(&c[field])));
            }
        }
        if !arr(&c["envFrom"]).is_empty() {
            w.write(2, "Environment Variables from:\n");
            for e in arr(&c["envFrom"]) {
                let (from, r) = if e["configMapRef"].is_object() { ("ConfigMap", &e["configMapRef"]) } else { ("Secret", &e["secretRef"]) };
                let optional = r["optional"].as_bool().unwrap_or(false);
                let prefix = s(&e["prefix"]);
                if prefix.is_empty() {
                    w.write(3, &format!("{}\t{from}\tOptional: {optional}\n", s(&r["name"])));
                } else {
                    w.write(3, &format!("{}\t{from} with prefix '{prefix}'\tOptional: {optional}\n", s(&r["name"])));
                }
            }
        }
        describe_env(w, c);
        describe_mounts(w, c);
    }
}

fn describe_env(w: &mut W, c: &Value) {
    let env = arr(&c["env"]);
    w.write(2, &format!("Environment:{}\n", if env.is_empty() { "\t<none>" } else { "" }));
    for e in env {
        let name = s(&e["name"]);
        let from = &e["valueFrom"];
        if !from.is_object() {
            for (i, line) in s(&e["value"]).split('\n').enumerate() {
                if i == 0 {
                    w.write(3, &format!("{name}:\t{line}\n"));
                } else {
                    w.write(3, &format!("\t{line}\n"));
                }
            }
            continue;
        }
        if from["fieldRef"].is_object() {
            // No pod to resolve the field against: the value is empty, as in kubectl.
            w.write(3, &format!("{name}:\t ({}:{})\n", s(&from["fieldRef"]["apiVersion"]), s(&from["fieldRef"]["fieldPath"])));
        } else if from["resourceFieldRef"].is_object() {
            let r = &from["resourceFieldRef"];
            let resource = s(&r["resource"]);
            let mut value = quantity::container_resource_value(r, c);
            if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                value = "node allocatable".into();
            }
            w.write(3, &format!("{name}:\t{value} ({resource})\n"));
        } else if from["secretKeyRef"].is_object() {
            let r = &from["secretKeyRef"];
            w.write(3, &format!("{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), r["optional"].as_bool().unwrap_or(false)));
        } else if from["configMapKeyRef"].is_object() {
            let r = &from["configMapKeyRef"];
            w.write(3, &format!("{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), r["optional"].as_bool().unwrap_or(false)));
        }
    }
}


fn describe_mounts(w: &mut W, c: &Value) {
    let mut mounts: Vec<&Value> = arr(&c["volumeMounts"]).iter().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Mounts:{none}\n"));
    mounts.sort_by(|a, b| s(&a["mountPath"]).cmp(s(&b["mountPath"])));
    for m in mounts {
        let mut flags = vec![if m["readOnly"].as_bool().unwrap_or(false) { "ro".to_string() } else { "rw".to_string() }];
        if !s(&m["subPath"]).is_empty() {
            flags.push(format!("path={}", crate::client::log::go_quote(s(&m["subPath"]))));
        }
        w.write(3, &format!("{} from {} ({})\n", s(&m["mountPath"]), s(&m["name"]), flags.join(",")));
    }
    let mut devices: Vec<&Value> = arr(&c["volumeDevices"]).iter().collect();
    if !devices.is_empty() {
        w.write(2, &format!("Devices:{none}\n"));
        devices.sort_by(|a, b| s(&a["devicePath"]).cmp(s(&b["devicePath"])));
        for d in devices {
            w.write(3, &format!("{} from {}\n", s(&d["devicePath"]), s(&d["name"])));
        }
    }
}

fn go_bool_ptr(v: &Value) -> String {
    // kubectl prints the *bool itself: nil as <nil>; a set pointer as its
    // address, which cannot be reproduced, so its value stands in.
    match v.as_bool() {
        Some(b) => b.to_string(),
        None => "<nil>".into(),
    }
}

fn describe_volumes(w: &mut W, volumes: &[Value]) {
    if volumes.is_empty() {
        w.write(0, "  Volumes:\t<none>\n");
        return;
    }
    w.write(0, "  Volumes:\n");
    for v in volumes {
        w.write(1, &format!(" {}:\n", s(&v["name"])));
        let src: Map<String, Value> = v.as_object().cloned().unwrap_or_default();
        if let Some(h) = src.get("hostPath") {
            w.write(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n", s(&h["path"]), h["type"].as_str().unwrap_or("<none>")));
        } else if let Some(e) = src.get("emptyDir") {
            let size = e["sizeLimit"].as_str().filter(|q| quantity::is_positive(q)).unwrap_or("<unset>");
            w.write(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", s(&e["medium"])));
        } else if let Some(x) = src.get("secret") {
            w.write(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s(&x["secretName"]), x["optional"].as_bool().unwrap_or(false)));
        } else if let Some(x) = src.get("configMap") {
            w.write(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", s(&x["name"]), x["optional"].as_bool().unwrap_or(false)));
        } else if let Some(x) = src.get("persistentVolumeClaim") {
            w.write(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", s(&x["claimName"]), x["readOnly"].as_bool().unwrap_or(false)));
        } else if let Some(x) = src.get("downwardAPI") {
            w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in arr(&x["items"]) {
                if item["fieldRef"].is_object() {
                    w.write(3, &format!("{} -> {}\n", s(&item["fieldRef"]["fieldPath"]), s(&item["path"])));
                }
                if item["resourceFieldRef"].is_object() {
                    w.write(3, &format!("{} -> {}\n", s(&item["resourceFieldRef"]["resource"]), s(&item["path"])));
                }
            }
        } else if let Some(x) = src.get("projected") {
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
            for source in arr(&x["sources"]) {
                if source["secret"].is_object() {
                    w.write(2, &format!("SecretName:\t{}\n    SecretOptionalName:\t{}\n", s(&source["secret"]["name"]), go_bool_ptr(&source["secret"]["optional"])));
                } else if source["downwardAPI"].is_object() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if source["configMap"].is_object() {
                    w.write(2, &format!("ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n", s(&source["configMap"]["name"]), go_bool_ptr(&source["configMap"]["optional"])));
                } else if source["serviceAccountToken"].is_object() {
                    w.write(2, &format!("TokenExpirationSeconds:\t{}\n", source["serviceAccountToken"]["expirationSeconds"].as_i64().unwrap_or(0)));
                }
            }
        } else if let Some(x) = src.get("nfs") {
            w.write(2, &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", s(&x["server"]), s(&x["path"]), x["readOnly"].as_bool().unwrap_or(false)));
        } else if let Some(x) = src.get("csi") {
            w.write(2, &format!("Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n", s(&x["driver"]), s(&x["fsType"]), x["readOnly"].as_bool().unwrap_or(false)));
            csi_attributes(w, &string_map(&x["volumeAttributes"]));
        } else if let Some(x) = src.get("gitRepo") {
            w.write(2, &format!("Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t{}\n    Revision:\t{}\n", s(&x["repository"]), s(&x["revision"])));
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// kubectl's printCSIPersistentVolumeAttributesMultiline, whose every write
/// carries the level-2 prefix (hence the odd indentation of later lines).
fn csi_attributes(w: &mut W, attrs: &[(String, String)]) {
    w.write(2, "VolumeAttributes:\t");
    if attrs.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i != 0 {
            w.write(2, "");
            w.write(2, "\t");
        }
        let line = format!("{k}={v}");
        if line.len() > MAX_ANNOTATION_LEN {
            w.write(2, &format!("{}...\n", truncate(&line, MAX_ANNOTATION_LEN)));
        } else {
            w.write(2, &format!("{line}\n"));
        }
    }
}

/// kubectl's DescribeProbe.
fn probe(p: &Value) -> String {
    let n = |f: &str| p[f].as_i64().unwrap_or(0);
    let attrs = format!("delay={}s timeout={}s period={}s #success={} #failure={}", n("initialDelaySeconds"), n("timeoutSeconds"), n("periodSeconds"), n("successThreshold"), n("failureThreshold"));
    let port = |v: &Value| match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    if p["exec"].is_object() {
        let cmd: Vec<&str> = arr(&p["exec"]["command"]).iter().map(s).collect();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if p["httpGet"].is_object() {
        let h = &p["httpGet"];
        let scheme = s(&h["scheme"]).to_lowercase();
        let host = s(&h["host"]);
        let port = port(&h["port"]);
        let hostport = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !scheme.is_empty() || !hostport.is_empty() {
            url.push_str("//");
            url.push_str(&hostport);
        }
        url.push_str(s(&h["path"]));
        return format!("http-get {url} {attrs}");
    }
    if p["tcpSocket"].is_object() {
        return format!("tcp-socket {}:{} {attrs}", s(&p["tcpSocket"]["host"]), port(&p["tcpSocket"]["port"]));
    }
    if p["grpc"].is_object() {
        let service = p["grpc"]["service"].as_str().unwrap_or("");
        return format!("grpc <pod>:{} {service} {attrs}", p["grpc"]["port"].as_i64().unwrap_or(0));
    }
    format!("unknown {attrs}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_template() {
        let t = json!({"metadata": {"labels": {"app": "web", "pod-template-hash": "abc"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        assert_eq!(
            describe(&t),
            "Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=abc\n  Containers:\n   c:\n    Image:\tnginx\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
    }
}

//! The defaults a user sees in `get -o yaml` (the apiserver's defaulting funcs
//! for the fields people look at), and Secret `stringData`.

use serde_json::{json, Value};

use super::resources::Res;

fn set_default(v: &mut Value, key: &str, default: Value) {
    if let Some(m) = v.as_object_mut() {
        m.entry(key.to_string()).or_insert(default);
    }
}

fn pod_spec(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "securityContext", json!({}));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    for list in ["initContainers", "containers"] {
        for c in spec.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
            let image = c["image"].as_str().unwrap_or("").to_string();
            let last = image.rsplit('/').next().unwrap_or("");
            let latest = !image.contains('@') && (!last.contains(':') || last.ends_with(":latest"));
            set_default(c, "imagePullPolicy", json!(if latest { "Always" } else { "IfNotPresent" }));
            set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
            set_default(c, "terminationMessagePolicy", json!("File"));
            set_default(c, "resources", json!({}));
            for p in c.get_mut("ports").and_then(Value::as_array_mut).into_iter().flatten() {
                set_default(p, "protocol", json!("TCP"));
            }
        }
    }
}

/// Allocate a ClusterIP from 10.96.0.0/12 deterministically from the name (no
/// allocator state to persist; collisions are unlikely in a micro-cluster).
fn cluster_ip(ns: &str, name: &str) -> String {
    let h = ns.bytes().chain([b'/']).chain(name.bytes()).fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    let n = 1 + h % 0xFFFFE;
    format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff)
}

/// Everything the apiserver adds to an object before storing it: `scheme`,
/// then `admit`.
pub fn apply(res: &Res, obj: &mut Value, old: Option<&Value>) {
    scheme(res, obj, old);
    admit(res, obj, old);
}

/// What admission plugins and the create strategy add after the field manager
/// has seen the object, so a creator's managedFields do not list these (as in
/// v1.20: `kubectl create` of a pod owns no `f:priority`, `f:tolerations` or
/// `f:status`).
pub fn admit(res: &Res, obj: &mut Value, old: Option<&Value>) {
    if res.custom.is_some() {
        return;
    }
    match res.name {
        "pods" => {
            if obj["spec"].is_object() {
                let spec = &mut obj["spec"];
                // ServiceAccount, Priority and DefaultTolerationSeconds; no
                // token volume is mounted.
                set_default(spec, "priority", json!(0));
                set_default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
                let sa = spec["serviceAccountName"].as_str().or(spec["serviceAccount"].as_str()).unwrap_or("default").to_string();
                spec["serviceAccountName"] = json!(sa);
                spec["serviceAccount"] = json!(sa);
                if old.is_none() {
                    let mut tolerations = spec["tolerations"].as_array().cloned().unwrap_or_default();
                    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
                        if !tolerations.iter().any(|t| t["key"] == key) {
                            tolerations.push(json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}));
                        }
                    }
                    spec["tolerations"] = json!(tolerations);
                }
            }
            if old.is_none() {
                obj["status"] = json!({"phase": "Pending", "qosClass": super::kubelet::qos_class(obj)});
            }
        }
        "services" => {
            let (ns, name) = (obj["metadata"]["namespace"].as_str().unwrap_or("").to_string(), obj["metadata"]["name"].as_str().unwrap_or("").to_string());
            let spec = &mut obj["spec"];
            if spec["type"] != "ExternalName" {
                let ip = old.and_then(|o| o["spec"]["clusterIP"].as_str()).map(String::from).unwrap_or_else(|| cluster_ip(&ns, &name));
                set_default(spec, "clusterIP", json!(ip));
                let ip = spec["clusterIP"].clone();
                set_default(spec, "clusterIPs", json!([ip]));
            }
            if old.is_none() {
                set_default(obj, "status", json!({"loadBalancer": {}}));
            }
        }
        "persistentvolumeclaims" if old.is_none() => {
            // The DefaultStorageClass admission plugin.
            if obj["spec"]["storageClassName"].is_null() {
                obj["spec"]["storageClassName"] = json!(super::workloads::STORAGE_CLASS);
            }
            obj["status"] = json!({"phase": "Pending"});
        }
        _ => {}
    }
}

/// The scheme's defaulting functions, which run as the request is decoded.
pub fn scheme(res: &Res, obj: &mut Value, old: Option<&Value>) {
    if res.custom.is_some() {
        return;
    }
    super::template_defaults::apply(res, obj);
    match res.name {
        "pods" => {
            if obj["spec"].is_object() {
                pod_spec(&mut obj["spec"]);
                set_default(&mut obj["spec"], "enableServiceLinks", json!(true));
            }
        }
        "deployments" => {
            let spec = &mut obj["spec"];
            set_default(spec, "replicas", json!(1));
            if spec["strategy"]["type"].is_null() {
                spec["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}});
            }
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "progressDeadlineSeconds", json!(600));
            if spec["template"]["spec"].is_object() {
                pod_spec(&mut spec["template"]["spec"]);
                // The typed ObjectMeta of a template serialises this field.
                if spec["template"]["metadata"].get("creationTimestamp").is_none() {
                    spec["template"]["metadata"]["creationTimestamp"] = Value::Null;
                }
            }
        }
        "replicasets" | "statefulsets" | "daemonsets" | "jobs" => {
            let spec = &mut obj["spec"];
            match res.name {
                "statefulsets" => {
                    set_default(spec, "replicas", json!(1));
                    set_default(spec, "podManagementPolicy", json!("OrderedReady"));
                    set_default(spec, "updateStrategy", json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
                    set_default(spec, "revisionHistoryLimit", json!(10));
                }
                "daemonsets" => {
                    set_default(spec, "updateStrategy", json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}));
                    set_default(spec, "revisionHistoryLimit", json!(10));
                }
                "jobs" => {
                    set_default(spec, "parallelism", json!(1));
                    set_default(spec, "completions", json!(1));
                    set_default(spec, "backoffLimit", json!(6));
                    set_default(spec, "completionMode", json!("NonIndexed"));
                    set_default(spec, "suspend", json!(false));
                }
                _ => set_default(spec, "replicas", json!(1)),
            }
            if spec["template"]["spec"].is_object() {
                pod_spec(&mut spec["template"]["spec"]);
                // The typed ObjectMeta of a template serialises this field.
                if spec["template"]["metadata"].get("creationTimestamp").is_none() {
                    spec["template"]["metadata"]["creationTimestamp"] = Value::Null;
                }
            }
            if res.name == "daemonsets" {
                super::daemonset::template_generation(obj, old);
            }
        }
        "services" => {
            let spec = &mut obj["spec"];
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            for p in spec.get_mut("ports").and_then(Value::as_array_mut).into_iter().flatten() {
                set_default(p, "protocol", json!("TCP"));
                let port = p["port"].clone();
                set_default(p, "targetPort", port);
            }
        }
        "secrets" => {
            set_default(obj, "type", json!("Opaque"));
            // stringData is write-only: merged into data (base64), then dropped.
            if let Some(sd) = obj.as_object_mut().and_then(|m| m.remove("stringData")) {
                use base64::Engine;
                for (k, v) in sd.as_object().into_iter().flatten() {
                    let enc = base64::engine::general_purpose::STANDARD.encode(v.as_str().unwrap_or("").as_bytes());
                    obj["data"][k] = json!(enc);
                }
            }
        }
        "customresourcedefinitions" => {
            // Accepted and established at once (no name conflicts are checked).
            if let Some(old) = old {
                if old["status"]["acceptedNames"] == obj["spec"]["names"] {
                    obj["status"] = old["status"].clone();
                    return;
                }
            }
            let now = super::api::now_rfc3339();
            let names = obj["spec"]["names"].clone();
            let cond = |t: &str, reason: &str, msg: &str| json!({"type": t, "status": "True", "lastTransitionTime": now, "reason": reason, "message": msg});
            obj["status"] = json!({
                "acceptedNames": names,
                "conditions": [cond("NamesAccepted", "NoConflicts", "no conflicts found"), cond("Established", "InitialNamesAccepted", "the initial names have been accepted")],
                "storedVersions": obj["spec"]["versions"].as_array().into_iter().flatten().filter(|v| v["storage"] == true).map(|v| v["name"].clone()).collect::<Vec<_>>(),
            });
        }
        "cronjobs" => {
            let spec = &mut obj["spec"];
            set_default(spec, "concurrencyPolicy", json!("Allow"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "successfulJobsHistoryLimit", json!(3));
            set_default(spec, "failedJobsHistoryLimit", json!(1));
            if spec["jobTemplate"]["spec"]["template"]["spec"].is_object() {
                pod_spec(&mut spec["jobTemplate"]["spec"]["template"]["spec"]);
            }
        }
        "persistentvolumeclaims" if old.is_none() => {
            set_default(&mut obj["spec"], "volumeMode", json!("Filesystem"));
        }
        "namespaces" => {
            if obj["spec"]["finalizers"].is_null() {
                obj["spec"]["finalizers"] = json!(["kubernetes"]);
            }
            if obj["status"]["phase"].is_null() {
                obj["status"]["phase"] = json!("Active");
            }
            let name = obj["metadata"]["name"].clone();
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
        }
        _ => {}
    }
}

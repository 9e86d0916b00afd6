//! Name references: once prefixes, suffixes and hashes have renamed objects,
//! the fields that name them (a pod's ConfigMap volume, a binding's role, an
//! Ingress's service, ...) are updated, as kustomize's name reference
//! transformer does for the built-in kinds.

use serde_json::{json, Value};

use super::Res;

/// (referenced kind, path below a pod spec) for references from pod specs.
const POD_SPEC_REFS: &[(&str, &str)] = &[
    ("ConfigMap", "volumes/configMap/name"),
    ("ConfigMap", "volumes/projected/sources/configMap/name"),
    ("ConfigMap", "containers/env/valueFrom/configMapKeyRef/name"),
    ("ConfigMap", "initContainers/env/valueFrom/configMapKeyRef/name"),
    ("ConfigMap", "containers/envFrom/configMapRef/name"),
    ("ConfigMap", "initContainers/envFrom/configMapRef/name"),
    ("Secret", "volumes/secret/secretName"),
    ("Secret", "volumes/projected/sources/secret/name"),
    ("Secret", "containers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "initContainers/env/valueFrom/secretKeyRef/name"),
    ("Secret", "containers/envFrom/secretRef/name"),
    ("Secret", "initContainers/envFrom/secretRef/name"),
    ("Secret", "imagePullSecrets/name"),
    ("ServiceAccount", "serviceAccountName"),
    ("ServiceAccount", "serviceAccount"),
    ("PersistentVolumeClaim", "volumes/persistentVolumeClaim/claimName"),
];

/// Where each kind keeps its pod spec.
fn pod_spec_paths(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &["spec"],
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" | "Job" | "ReplicationController" => &["spec/template/spec"],
        "CronJob" => &["spec/jobTemplate/spec/template/spec"],
        _ => &[],
    }
}

/// (referring kind or "" for any, referenced kind, path) beyond pod specs.
const OTHER_REFS: &[(&str, &str, &str)] = &[
    ("Ingress", "Service", "spec/rules/http/paths/backend/service/name"),
    ("Ingress", "Service", "spec/rules/http/paths/backend/serviceName"),
    ("Ingress", "Service", "spec/defaultBackend/service/name"),
    ("Ingress", "Service", "spec/backend/serviceName"),
    ("Ingress", "Secret", "spec/tls/secretName"),
    ("StatefulSet", "Service", "spec/serviceName"),
    ("ServiceAccount", "Secret", "secrets/name"),
    ("ServiceAccount", "Secret", "imagePullSecrets/name"),
    ("HorizontalPodAutoscaler", "Deployment", "spec/scaleTargetRef/name"),
    ("HorizontalPodAutoscaler", "StatefulSet", "spec/scaleTargetRef/name"),
    ("HorizontalPodAutoscaler", "ReplicaSet", "spec/scaleTargetRef/name"),
    ("PersistentVolumeClaim", "PersistentVolume", "spec/volumeName"),
    ("PersistentVolume", "PersistentVolumeClaim", "spec/claimRef/name"),
];

/// A renamed object: kind, namespace and the names before and after.
struct Rename {
    kind: String,
    namespace: String,
    orig_namespace: String,
    /// Every name it had before, and the current one.
    from: Vec<String>,
    to: String,
}

pub fn fix(resources: &mut [Res]) {
    // Every object, renamed or not: a reference to one also takes its
    // namespace where the reference has one (binding subjects).
    let renames: Vec<Rename> = resources
        .iter()
        .map(|r| Rename { kind: r.kind().to_string(), namespace: r.namespace().to_string(), orig_namespace: r.orig_namespace.clone(), from: r.previous_names.iter().cloned().chain([r.name().to_string()]).collect(), to: r.name().to_string() })
        .collect();
    for r in resources.iter_mut() {
        let kind = r.kind().to_string();
        let ns = r.namespace().to_string();
        let lookup = |target: &str, name: &str| -> Option<String> {
            let candidates: Vec<&Rename> = renames.iter().filter(|x| x.kind == target && x.from.iter().any(|f| f == name)).collect();
            // A namespaced referrer names objects of its own namespace.
            let any_namespace = super::transform::cluster_scoped(target) || super::transform::cluster_scoped(&kind);
            candidates.iter().find(|x| any_namespace || x.namespace == ns).map(|x| x.to.clone())
        };
        for base in pod_spec_paths(&kind) {
            for (target, path) in POD_SPEC_REFS {
                let full: Vec<&str> = base.split('/').chain(path.split('/')).collect();
                rename_at(&mut r.obj, &full, &|name| lookup(target, name));
            }
        }
        for (from_kind, target, path) in OTHER_REFS {
            if *from_kind == kind {
                let full: Vec<&str> = path.split('/').collect();
                rename_at(&mut r.obj, &full, &|name| lookup(target, name));
            }
        }
        if kind == "HorizontalPodAutoscaler" {
            continue;
        }
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            let role_kind = r.obj["roleRef"]["kind"].as_str().unwrap_or("").to_string();
            if let Some(name) = r.obj["roleRef"]["name"].as_str().and_then(|n| lookup(&role_kind, n)) {
                r.obj["roleRef"]["name"] = json!(name);
            }
            for s in r.obj["subjects"].as_array_mut().into_iter().flatten() {
                if s["kind"] != "ServiceAccount" {
                    continue;
                }
                let (name, subject_ns) = (s["name"].as_str().unwrap_or(""), s["namespace"].as_str().unwrap_or(""));
                let target = renames.iter().find(|x| x.kind == "ServiceAccount" && x.from.iter().any(|f| f == name) && (subject_ns.is_empty() || x.namespace == subject_ns || x.orig_namespace == subject_ns));
                if let Some(t) = target {
                    s["name"] = json!(t.to);
                    if !t.namespace.is_empty() {
                        s["namespace"] = json!(t.namespace);
                    }
                }
            }
        }
    }
}

/// Replace the string at `path` (lists walked item by item) when `rename`
/// knows it.
fn rename_at(v: &mut Value, path: &[&str], rename: &dyn Fn(&str) -> Option<String>) {
    match v {
        Value::Array(items) => {
            for item in items {
                rename_at(item, path, rename);
            }
        }
        Value::Object(m) => {
            let Some((first, rest)) = path.split_first() else { return };
            let Some(child) = m.get_mut(*first) else { return };
            if rest.is_empty() {
                if let Some(new) = child.as_str().and_then(rename) {
                    *child = json!(new);
                }
            } else {
                rename_at(child, rest, rename);
            }
        }
        _ => {}
    }
}

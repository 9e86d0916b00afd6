//! The builtin transformers: namespace, name prefix and suffix, labels,
//! annotations, replicas and images, with kustomize's field specs.

use serde_json::{json, Value};

use super::Res;

/// Kinds without a namespace (kustomize asks its OpenAPI; custom kinds it
/// does not know are namespaced).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PriorityClass",
    "PodSecurityPolicy",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "RuntimeClass",
    "IngressClass",
    "CertificateSigningRequest",
    "ComponentStatus",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "StorageVersionMigration",
];

pub fn cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

pub fn namespace(out: &mut [Res], ns: &str) {
    for r in out.iter_mut() {
        let kind = r.kind().to_string();
        if !cluster_scoped(&kind) {
            r.obj["metadata"]["namespace"] = json!(ns);
        }
        // RoleBinding subjects: the service accounts named `default` follow
        // (kustomize's `defaultOnly` subject mode).
        if kind == "RoleBinding" || kind == "ClusterRoleBinding" {
            for s in r.obj["subjects"].as_array_mut().into_iter().flatten() {
                if s["kind"] == "ServiceAccount" && s["name"] == "default" {
                    s["namespace"] = json!(ns);
                }
            }
        }
    }
}

pub fn prefix_suffix(out: &mut [Res], prefix: &str, suffix: &str) {
    for r in out.iter_mut() {
        let (group, _) = r.group_version();
        let kind = r.kind();
        if kind == "CustomResourceDefinition" || kind == "Namespace" || (kind == "APIService" && group == "apiregistration.k8s.io") {
            continue;
        }
        let name = format!("{prefix}{}{suffix}", r.name());
        r.rename(name);
    }
}

/// A field spec: `path` below the object, for a kind (and group) or all.
struct Spec {
    group: Option<&'static str>,
    kind: Option<&'static str>,
    path: &'static str,
    create: bool,
}

const fn spec(group: Option<&'static str>, kind: Option<&'static str>, path: &'static str, create: bool) -> Spec {
    Spec { group, kind, path, create }
}

/// Where `commonLabels` (and `labels` with `includeSelectors`) go besides
/// `metadata/labels`: selectors and templates.
const SELECTOR_SPECS: &[Spec] = &[
    spec(Some(""), Some("Service"), "spec/selector", true),
    spec(Some(""), Some("ReplicationController"), "spec/selector", true),
    spec(None, Some("Deployment"), "spec/selector/matchLabels", true),
    spec(None, Some("ReplicaSet"), "spec/selector/matchLabels", true),
    spec(None, Some("DaemonSet"), "spec/selector/matchLabels", true),
    spec(Some("apps"), Some("StatefulSet"), "spec/selector/matchLabels", true),
    spec(Some("batch"), Some("Job"), "spec/selector/matchLabels", false),
    spec(Some("batch"), Some("CronJob"), "spec/jobTemplate/spec/selector/matchLabels", false),
    spec(Some("policy"), Some("PodDisruptionBudget"), "spec/selector/matchLabels", false),
    spec(Some("networking.k8s.io"), Some("NetworkPolicy"), "spec/podSelector/matchLabels", false),
    spec(Some("networking.k8s.io"), Some("NetworkPolicy"), "spec/ingress/from/podSelector/matchLabels", false),
    spec(Some("networking.k8s.io"), Some("NetworkPolicy"), "spec/egress/to/podSelector/matchLabels", false),
    spec(Some("apps"), Some("Deployment"), "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("Deployment"), "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("Deployment"), "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("Deployment"), "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("Deployment"), "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels", false),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", false),
];

/// Pod templates' labels (and StatefulSet claim templates').
const TEMPLATE_SPECS: &[Spec] = &[
    spec(Some(""), Some("ReplicationController"), "spec/template/metadata/labels", true),
    spec(None, Some("Deployment"), "spec/template/metadata/labels", true),
    spec(None, Some("ReplicaSet"), "spec/template/metadata/labels", true),
    spec(None, Some("DaemonSet"), "spec/template/metadata/labels", true),
    spec(Some("apps"), Some("StatefulSet"), "spec/template/metadata/labels", true),
    spec(Some("apps"), Some("StatefulSet"), "spec/volumeClaimTemplates[]/metadata/labels", true),
    spec(Some("batch"), Some("Job"), "spec/template/metadata/labels", true),
    spec(Some("batch"), Some("CronJob"), "spec/jobTemplate/metadata/labels", true),
    spec(Some("batch"), Some("CronJob"), "spec/jobTemplate/spec/template/metadata/labels", true),
];


fn applies(s: &Spec, r: &Res) -> bool {
    let (group, _) = r.group_version();
    s.kind.is_none_or(|k| k == r.kind()) && s.group.is_none_or(|g| g == group)
}

/// Set `pairs` in the map at `path` (lists along the way are walked item by
/// item); missing maps are made only where `create` allows.
fn set_at(v: &mut Value, path: &[&str], pairs: &[(String, String)], create: bool) {
    match v {
        Value::Array(items) => {
            for item in items {
                set_at(item, path, pairs, create);
            }
        }
        Value::Object(m) => {
            let Some((first, rest)) = path.split_first() else {
                for (k, val) in pairs {
                    m.insert(k.clone(), json!(val));
                }
                return;
            };
            // `name[]` is a list: walked when present, never made.
            let (key, list) = match first.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (*first, false),
            };
            if !m.contains_key(key) || m[key].is_null() {
                if !create || list {
                    return;
                }
                m.insert(key.to_string(), json!({}));
            }
            set_at(m.get_mut(key).unwrap(), rest, pairs, create);
        }
        _ => {}
    }
}

fn apply_specs(r: &mut Res, specs: &[Spec], pairs: &[(String, String)]) {
    for s in specs {
        if applies(s, r) {
            let path: Vec<&str> = s.path.split('/').collect();
            set_at(&mut r.obj, &path, pairs, s.create);
        }
    }
}

pub fn labels(out: &mut [Res], pairs: &[(String, String)], selectors: bool, templates: bool) {
    for r in out.iter_mut() {
        set_at(&mut r.obj, &["metadata", "labels"], pairs, true);
        if selectors {
            apply_specs(r, SELECTOR_SPECS, pairs);
        }
        if templates {
            apply_specs(r, TEMPLATE_SPECS, pairs);
        }
    }
}

/// `commonAnnotations`: metadata, and the pod templates the labels go to
/// (claim templates excepted).
pub fn annotations(out: &mut [Res], pairs: &[(String, String)]) {
    for r in out.iter_mut() {
        set_at(&mut r.obj, &["metadata", "annotations"], pairs, true);
        for s in TEMPLATE_SPECS.iter().filter(|s| !s.path.contains("volumeClaimTemplates")) {
            if applies(s, r) {
                let path = s.path.replace("/labels", "/annotations");
                let path: Vec<&str> = path.split('/').collect();
                set_at(&mut r.obj, &path, pairs, s.create);
            }
        }
    }
}

const SCALABLE: &[&str] = &["Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"];

pub fn replicas(out: &mut [Res], name: &str, count: i64) -> Result<(), String> {
    let mut found = false;
    for r in out.iter_mut() {
        if SCALABLE.contains(&r.kind()) && r.known_as(name) {
            found = true;
            if r.obj["spec"].is_object() || r.obj["spec"].is_null() {
                r.obj["spec"]["replicas"] = json!(count);
            }
        }
    }
    if !found {
        return Err(format!(
            "resource with name {name} does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]"
        ));
    }
    Ok(())
}

/// `images`: every container's image whose name matches gets the new name,
/// tag or digest.
pub fn image(out: &mut [Res], spec: &Value) {
    let Some(name) = spec["name"].as_str() else { return };
    for r in out.iter_mut() {
        visit_containers(&mut r.obj, &mut |c| {
            let Some(current) = c["image"].as_str() else { return };
            let (base, tag, digest) = split_image(current);
            if base != name {
                return;
            }
            let mut updated = spec["newName"].as_str().filter(|s| !s.is_empty()).unwrap_or(base).to_string();
            let new_tag = spec["newTag"].as_str().filter(|s| !s.is_empty());
            let new_digest = spec["digest"].as_str().filter(|s| !s.is_empty());
            // A new tag or digest replaces both the old tag and digest.
            let (tag, digest) = if new_tag.is_some() || new_digest.is_some() { (new_tag, new_digest) } else { (tag, digest) };
            if let Some(t) = tag {
                updated = format!("{updated}:{t}");
            }
            if let Some(d) = digest {
                updated = format!("{updated}@{d}");
            }
            c["image"] = json!(updated);
        });
    }
}

/// (name, tag, digest) of an image reference; a port in the registry host is
/// not a tag.
fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..]), digest),
        None => (rest, None, digest),
    }
}

/// Every item of a `containers` or `initContainers` list, at any depth.
fn visit_containers(v: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if (k == "containers" || k == "initContainers") && child.is_array() {
                    for c in child.as_array_mut().unwrap() {
                        f(c);
                    }
                } else {
                    visit_containers(child, f);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                visit_containers(item, f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        assert_eq!(split_image("nginx"), ("nginx", None, None));
        assert_eq!(split_image("nginx:1.25"), ("nginx", Some("1.25"), None));
        assert_eq!(split_image("reg:5000/team/app:v1@sha256:ab"), ("reg:5000/team/app", Some("v1"), Some("sha256:ab")));
        assert_eq!(split_image("reg:5000/app"), ("reg:5000/app", None, None));
    }
}

//! kustomize's legacy output order: namespaces and the objects others need
//! first, webhooks last, the rest by group, version and kind, then namespace
//! (objects without one last) and name.

use super::Res;

const FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

const LAST: &[&str] = &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

fn rank(kind: &str) -> i64 {
    if let Some(i) = FIRST.iter().position(|k| *k == kind) {
        return i as i64 - FIRST.len() as i64;
    }
    if let Some(i) = LAST.iter().position(|k| *k == kind) {
        return i as i64 + 1;
    }
    0
}

/// kustomize's `Gvk.String()`: `group_version_kind`, `~G`/`~V`/`~K` for
/// empty parts.
fn gvk_string(r: &Res) -> String {
    let (g, v) = r.group_version();
    let or = |s: &str, empty: &str| if s.is_empty() { empty.to_string() } else { s.to_string() };
    format!("{}_{}_{}", or(&g, "~G"), or(&v, "~V"), or(r.kind(), "~K"))
}

pub fn legacy_sort(resources: &mut [Res]) {
    resources.sort_by(|a, b| {
        let (ra, rb) = (rank(a.kind()), rank(b.kind()));
        ra.cmp(&rb)
            .then_with(|| gvk_string(a).cmp(&gvk_string(b)))
            // kustomize compares the joined `namespace|name` string.
            .then_with(|| format!("{}|{}", effective_ns(a), a.name()).cmp(&format!("{}|{}", effective_ns(b), b.name())))
    });
}

/// An object without a namespace sorts after every named namespace
/// (kustomize's placeholder `~X`), `default` included.
fn effective_ns(r: &Res) -> String {
    match r.namespace() {
        "" => "~X".to_string(),
        ns => ns.to_string(),
    }
}

//! The built-in patch metadata table: the `patchStrategy` /
//! `patchMergeKey` struct tags of the k8s.io/api v0.32 types kubectl
//! compiles in, used when the server's OpenAPI document is unavailable.
//!
//! Only the types on the way to a tagged field are listed; any other field
//! is looked up leniently (no metadata, no error). Lists that are *not*
//! merged in the real API (tolerations, Node taints, volumeClaimTemplates,
//! Ingress rules, …) are deliberately absent: they are replaced whole.

use std::collections::BTreeMap;

use super::meta::{FieldMeta, Node, NodeRef, Prop, SchemaSet};
use super::{PatchError, PatchMeta};

/// (type, field, type of the field's value or list items, strategy, merge key)
#[rustfmt::skip]
const FIELDS: &[(&str, &str, &str, &str, &str)] = &[
    ("ObjectMeta", "finalizers", "", "merge", ""),
    ("ObjectMeta", "ownerReferences", "", "merge", "uid"),
    // core/v1 pods and templates
    ("PodTemplateSpec", "metadata", "ObjectMeta", "", ""),
    ("PodTemplateSpec", "spec", "PodSpec", "", ""),
    ("PodSpec", "volumes", "", "merge,retainKeys", "name"),
    ("PodSpec", "initContainers", "Container", "merge", "name"),
    ("PodSpec", "containers", "Container", "merge", "name"),
    ("PodSpec", "ephemeralContainers", "Container", "merge", "name"),
    ("PodSpec", "imagePullSecrets", "", "merge", "name"),
    ("PodSpec", "hostAliases", "", "merge", "ip"),
    ("PodSpec", "topologySpreadConstraints", "", "merge", "topologyKey"),
    ("PodSpec", "schedulingGates", "", "merge", "name"),
    ("PodSpec", "resourceClaims", "", "merge,retainKeys", "name"),
    ("Container", "ports", "", "merge", "containerPort"),
    ("Container", "env", "", "merge", "name"),
    ("Container", "volumeMounts", "", "merge", "mountPath"),
    ("Container", "volumeDevices", "", "merge", "devicePath"),
    ("PodStatus", "conditions", "", "merge", "type"),
    ("PodStatus", "podIPs", "", "merge", "ip"),
    ("PodStatus", "hostIPs", "", "merge", "ip"),
    ("PodStatus", "resourceClaimStatuses", "", "merge,retainKeys", "name"),
    ("ConditionsStatus", "conditions", "", "merge", "type"),
    // core/v1 others
    ("ServiceSpec", "ports", "", "merge", "port"),
    ("NodeSpec", "podCIDRs", "", "merge", ""),
    ("NodeStatus", "addresses", "", "merge", "type"),
    ("NodeStatus", "conditions", "", "merge", "type"),
    ("PersistentVolumeClaim", "metadata", "ObjectMeta", "", ""),
    ("PersistentVolumeClaim", "status", "ConditionsStatus", "", ""),
    // workloads
    ("TemplateSpec", "template", "PodTemplateSpec", "", ""),
    ("DeploymentSpec", "template", "PodTemplateSpec", "", ""),
    ("DeploymentSpec", "strategy", "", "retainKeys", ""),
    ("StatefulSetSpec", "template", "PodTemplateSpec", "", ""),
    ("StatefulSetSpec", "volumeClaimTemplates", "PersistentVolumeClaim", "", ""),
    ("CronJobSpec", "jobTemplate", "JobTemplateSpec", "", ""),
    ("JobTemplateSpec", "metadata", "ObjectMeta", "", ""),
    ("JobTemplateSpec", "spec", "TemplateSpec", "", ""),
    // kind roots
    ("Pod", "spec", "PodSpec", "", ""),
    ("Pod", "status", "PodStatus", "", ""),
    ("PodTemplate", "template", "PodTemplateSpec", "", ""),
    ("ReplicationController", "spec", "TemplateSpec", "", ""),
    ("ReplicationController", "status", "ConditionsStatus", "", ""),
    ("Service", "spec", "ServiceSpec", "", ""),
    ("Service", "status", "ConditionsStatus", "", ""),
    ("ServiceAccount", "secrets", "", "merge", "name"),
    ("Node", "spec", "NodeSpec", "", ""),
    ("Node", "status", "NodeStatus", "", ""),
    ("Namespace", "status", "ConditionsStatus", "", ""),
    ("ComponentStatus", "conditions", "", "merge", "type"),
    ("Deployment", "spec", "DeploymentSpec", "", ""),
    ("Deployment", "status", "ConditionsStatus", "", ""),
    ("ReplicaSet", "spec", "TemplateSpec", "", ""),
    ("ReplicaSet", "status", "ConditionsStatus", "", ""),
    ("DaemonSet", "spec", "TemplateSpec", "", ""),
    ("DaemonSet", "status", "ConditionsStatus", "", ""),
    ("StatefulSet", "spec", "StatefulSetSpec", "", ""),
    ("StatefulSet", "status", "ConditionsStatus", "", ""),
    ("Job", "spec", "TemplateSpec", "", ""),
    ("Job", "status", "ConditionsStatus", "", ""),
    ("CronJob", "spec", "CronJobSpec", "", ""),
    ("PodDisruptionBudget", "status", "ConditionsStatus", "", ""),
    ("HorizontalPodAutoscaler", "status", "ConditionsStatus", "", ""),
    ("MutatingWebhookConfiguration", "webhooks", "", "merge", "name"),
    ("ValidatingWebhookConfiguration", "webhooks", "", "merge", "name"),
    ("CSINode", "spec", "CSINodeSpec", "", ""),
    ("CSINodeSpec", "drivers", "", "merge", "name"),
];

/// API groups for which `kubectl apply` v1.32 sends a strategic merge patch
/// (types it knows); for anything else (custom resources) it sends a JSON
/// merge patch. CustomResourceDefinitions themselves get a strategic patch
/// (recorded in testdata/patch/apply/crd-object).
const SCHEME_GROUPS: &[&str] = &[
    "",
    "admission.k8s.io",
    "apiextensions.k8s.io",
    "admissionregistration.k8s.io",
    "apiserverinternal.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "extensions",
    "flowcontrol.apiserver.k8s.io",
    "imagepolicy.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// Whether kubectl apply computes a strategic merge patch for objects of
/// this API group (`true`), or falls back to a JSON merge patch because it
/// does not know the type (custom resources).
pub fn uses_strategic_merge_patch(group: &str) -> bool {
    SCHEME_GROUPS.contains(&group)
}

/// The built-in table for one kind.
#[derive(Debug, Clone)]
pub struct BuiltinSchema {
    set: SchemaSet,
    root: String,
}

impl BuiltinSchema {
    /// The table for `kind`; a kind the table does not know still gets the
    /// object metadata rules (finalizers, ownerReferences).
    pub fn for_kind(kind: &str) -> BuiltinSchema {
        let mut types: BTreeMap<&str, BTreeMap<String, Prop>> = BTreeMap::new();
        for &(ty, field, child, strategy, key) in FIELDS {
            let node = if child.is_empty() {
                NodeRef::Inline(Box::new(Node::Arbitrary))
            } else {
                NodeRef::Def(child.to_string())
            };
            types.entry(ty).or_default().insert(
                field.to_string(),
                Prop {
                    meta: FieldMeta::new(strategy, key),
                    node,
                },
            );
        }
        let mut set = SchemaSet::default();
        for (ty, fields) in types {
            set.defs
                .insert(ty.to_string(), Node::Kind { fields, open: true });
        }
        let root = format!("root:{kind}");
        let mut fields = match set.defs.get(kind) {
            Some(Node::Kind { fields, .. }) => fields.clone(),
            _ => BTreeMap::new(),
        };
        fields.insert(
            "metadata".to_string(),
            Prop {
                meta: FieldMeta::default(),
                node: NodeRef::Def("ObjectMeta".to_string()),
            },
        );
        set.defs
            .insert(root.clone(), Node::Kind { fields, open: true });
        BuiltinSchema { set, root }
    }
}

impl PatchMeta for BuiltinSchema {
    fn field_meta(&self, path: &[String]) -> Result<FieldMeta, PatchError> {
        self.set.walk(&self.root, path)
    }
}

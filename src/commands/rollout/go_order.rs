//! Go struct field order for pod templates.
//!
//! A ControllerRevision stores its template as a JSON blob with sorted keys;
//! kubectl decodes it into its typed structs, so its JSON printer writes the
//! fields in struct order. Maps (labels, resource lists) stay sorted.

use super::ordered::OValue;

#[derive(Clone, Copy)]
enum Ty {
    PodTemplateSpec,
    ObjectMeta,
    PodSpec,
    Container,
    ContainerPort,
    EnvVar,
    EnvVarSource,
    KeySelector,
    FieldSelector,
    ResourceFieldSelector,
    EnvFromSource,
    VolumeMount,
    Volume,
    SecretVolume,
    ConfigMapVolume,
    KeyToPath,
    Probe,
    HttpGet,
    TcpSocket,
    Toleration,
    Resources,
    PodSecurityContext,
    SecurityContext,
    /// A map or a struct not listed: keys keep the order they came in.
    Opaque,
}

fn fields(ty: Ty) -> &'static [&'static str] {
    match ty {
        Ty::PodTemplateSpec => &["metadata", "spec"],
        Ty::ObjectMeta => &[
            "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
            "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
        ],
        Ty::PodSpec => &[
            "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
            "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork", "hostPID",
            "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName",
            "tolerations", "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks",
            "preemptionPolicy", "overhead", "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims",
            "resources",
        ],
        Ty::Container => &[
            "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources", "resizePolicy", "restartPolicy", "volumeMounts",
            "volumeDevices", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy",
            "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
        ],
        Ty::ContainerPort => &["name", "hostPort", "containerPort", "protocol", "hostIP"],
        Ty::EnvVar => &["name", "value", "valueFrom"],
        Ty::EnvVarSource => &["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"],
        Ty::KeySelector => &["name", "key", "optional"],
        Ty::FieldSelector => &["apiVersion", "fieldPath"],
        Ty::ResourceFieldSelector => &["containerName", "resource", "divisor"],
        Ty::EnvFromSource => &["prefix", "configMapRef", "secretRef"],
        Ty::VolumeMount => &["name", "readOnly", "recursiveReadOnly", "mountPath", "subPath", "mountPropagation", "subPathExpr"],
        Ty::Volume => &[
            "name", "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
            "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile", "configMap",
            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
            "ephemeral", "image",
        ],
        Ty::SecretVolume => &["secretName", "items", "defaultMode", "optional"],
        Ty::ConfigMapVolume => &["name", "items", "defaultMode", "optional"],
        Ty::KeyToPath => &["key", "path", "mode"],
        Ty::Probe => &[
            "exec", "httpGet", "tcpSocket", "grpc", "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold",
            "terminationGracePeriodSeconds",
        ],
        Ty::HttpGet => &["path", "port", "host", "scheme", "httpHeaders"],
        Ty::TcpSocket => &["port", "host"],
        Ty::Toleration => &["key", "operator", "value", "effect", "tolerationSeconds"],
        Ty::Resources => &["limits", "requests", "claims"],
        Ty::PodSecurityContext => &[
            "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups", "supplementalGroupsPolicy",
            "fsGroup", "sysctls", "fsGroupChangePolicy", "seccompProfile", "appArmorProfile", "seLinuxChangePolicy",
        ],
        Ty::SecurityContext => &[
            "capabilities", "privileged", "seLinuxOptions", "windowsOptions", "runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem",
            "allowPrivilegeEscalation", "procMount", "seccompProfile", "appArmorProfile",
        ],
        Ty::Opaque => &[],
    }
}

/// The type of a field's value (for arrays, of their elements).
fn child(ty: Ty, key: &str) -> Ty {
    match (ty, key) {
        (Ty::PodTemplateSpec, "metadata") => Ty::ObjectMeta,
        (Ty::PodTemplateSpec, "spec") => Ty::PodSpec,
        (Ty::PodSpec, "volumes") => Ty::Volume,
        (Ty::PodSpec, "initContainers" | "containers") => Ty::Container,
        (Ty::PodSpec, "tolerations") => Ty::Toleration,
        (Ty::PodSpec, "securityContext") => Ty::PodSecurityContext,
        (Ty::Container, "ports") => Ty::ContainerPort,
        (Ty::Container, "env") => Ty::EnvVar,
        (Ty::Container, "envFrom") => Ty::EnvFromSource,
        (Ty::Container, "resources") => Ty::Resources,
        (Ty::Container, "volumeMounts") => Ty::VolumeMount,
        (Ty::Container, "livenessProbe" | "readinessProbe" | "startupProbe") => Ty::Probe,
        (Ty::Container, "securityContext") => Ty::SecurityContext,
        (Ty::EnvVar, "valueFrom") => Ty::EnvVarSource,
        (Ty::EnvVarSource, "fieldRef") => Ty::FieldSelector,
        (Ty::EnvVarSource, "resourceFieldRef") => Ty::ResourceFieldSelector,
        (Ty::EnvVarSource, "configMapKeyRef" | "secretKeyRef") => Ty::KeySelector,
        (Ty::EnvFromSource, "configMapRef" | "secretRef") => Ty::KeySelector,
        (Ty::Volume, "secret") => Ty::SecretVolume,
        (Ty::Volume, "configMap") => Ty::ConfigMapVolume,
        (Ty::SecretVolume | Ty::ConfigMapVolume, "items") => Ty::KeyToPath,
        (Ty::Probe, "httpGet") => Ty::HttpGet,
        (Ty::Probe, "tcpSocket") => Ty::TcpSocket,
        _ => Ty::Opaque,
    }
}

fn reorder(v: &OValue, ty: Ty) -> OValue {
    match v {
        OValue::Array(items) => OValue::Array(items.iter().map(|i| reorder(i, ty)).collect()),
        OValue::Object(entries) => {
            let order = fields(ty);
            let mut out: Vec<(String, OValue)> = entries.iter().map(|(k, v)| (k.clone(), reorder(v, child(ty, k)))).collect();
            if !order.is_empty() {
                // Unknown fields would be dropped by Go's decoder; keep them last.
                out.sort_by_key(|(k, _)| order.iter().position(|f| f == k).unwrap_or(usize::MAX));
            }
            OValue::Object(out)
        }
        other => other.clone(),
    }
}

/// A pod template in the field order kubectl's typed printer writes.
pub fn pod_template(v: &OValue) -> OValue {
    reorder(v, Ty::PodTemplateSpec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_fields_follow_struct_order() {
        let t = super::super::ordered::parse(br#"{"metadata":{"labels":{"b":"1","a":"2"},"creationTimestamp":null},"spec":{"containers":[{"terminationMessagePolicy":"File","name":"c","imagePullPolicy":"Always","image":"x"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always"}}"#).unwrap();
        let text = crate::printers::json::to_string_compact(&pod_template(&t));
        assert_eq!(
            text,
            r#"{"metadata":{"creationTimestamp":null,"labels":{"b":"1","a":"2"}},"spec":{"containers":[{"name":"c","image":"x","terminationMessagePolicy":"File","imagePullPolicy":"Always"}],"restartPolicy":"Always","dnsPolicy":"ClusterFirst"}}"#
        );
    }
}

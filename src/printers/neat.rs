//! `get --neat`: an object as the user would have written it (like kubectl-neat).
//!
//! Removed: `status`; the server's bookkeeping in `metadata` (managedFields, uid,
//! resourceVersion, generation, creationTimestamp, selfLink, deletion marks) and its
//! annotations (last-applied configuration, deployment revision, PVC binding); and
//! every field whose value is the one the API server or an admission plugin fills in
//! when the field is left out: pod defaults (dnsPolicy, restartPolicy Always,
//! schedulerName, terminationGracePeriodSeconds 30, empty securityContext, the
//! service-account token volume and its mounts, the default not-ready/unreachable
//! tolerations, ...), container defaults (terminationMessagePath/Policy, the
//! imagePullPolicy implied by the tag, TCP ports, probe timings), workload defaults
//! (revisionHistoryLimit 10, progressDeadlineSeconds 600, default rolling-update
//! strategies, Job and CronJob limits), Service allocations (clusterIP(s), nodePorts,
//! targetPort equal to port) and the token secrets listed on ServiceAccounts.
//!
//! A default the user did write stays: when the object carries the last-applied
//! annotation, a field present there at the same path is kept, so an applied
//! manifest comes back as it was applied and re-applying it changes nothing.

use serde_json::{Map, Value};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const SA_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The neat form of an object, or of every item of a List.
pub fn neat(obj: &Value) -> Value {
    let mut out = obj.clone();
    if let Some(items) = out.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            *item = neat(item);
        }
        return out;
    }
    let applied = obj["metadata"]["annotations"][LAST_APPLIED].as_str().and_then(|s| serde_json::from_str::<Value>(s).ok());
    let n = Neat { applied };
    n.object(&mut out);
    out
}

/// JSON pointer to a field, for looking it up in the last-applied configuration.
#[derive(Clone)]
struct Path(String);

impl Path {
    fn root() -> Path {
        Path(String::new())
    }
    fn key(&self, k: &str) -> Path {
        Path(format!("{}/{}", self.0, k.replace('~', "~0").replace('/', "~1")))
    }
    fn index(&self, i: usize) -> Path {
        Path(format!("{}/{i}", self.0))
    }
}

struct Neat {
    applied: Option<Value>,
}

impl Neat {
    fn user_set(&self, path: &Path) -> bool {
        self.applied.as_ref().is_some_and(|a| a.pointer(&path.0).is_some())
    }

    /// Remove `map[key]` when it equals `default` and the user did not write it.
    fn drop_if(&self, map: &mut Map<String, Value>, key: &str, default: &Value, at: &Path) {
        if map.get(key) == Some(default) && !self.user_set(&at.key(key)) {
            map.remove(key);
        }
    }

    /// Remove `map[key]` (whatever its value) unless the user wrote it.
    fn drop_unless_set(&self, map: &mut Map<String, Value>, key: &str, at: &Path) {
        if !self.user_set(&at.key(key)) {
            map.remove(key);
        }
    }

    /// Remove an empty map or list, unless the user wrote something there. An empty
    /// `annotations: {}` in the last-applied configuration is kubectl's, not the user's.
    fn drop_empty(&self, map: &mut Map<String, Value>, key: &str, at: &Path) {
        if map.get(key).is_some_and(is_empty) {
            let written = self.applied.as_ref().and_then(|a| a.pointer(&at.key(key).0));
            if written.is_none_or(|w| key == "annotations" && is_empty(w)) {
                map.remove(key);
            }
        }
    }

    fn object(&self, obj: &mut Value) {
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let Some(map) = obj.as_object_mut() else { return };
        map.remove("status");
        let root = Path::root();
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            self.metadata(meta, &root.key("metadata"), &kind);
        }
        let spec_at = root.key("spec");
        let Some(Value::Object(spec)) = map.get_mut("spec") else {
            if kind == "ServiceAccount" {
                self.service_account(map);
            }
            return;
        };
        match kind.as_str() {
            "Pod" => self.pod_spec(spec, &spec_at),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ReplicationController" => {
                self.workload(&kind, spec, &spec_at)
            }
            "Job" => self.job(spec, &spec_at),
            "CronJob" => self.cron_job(spec, &spec_at),
            "Service" => self.service(spec, &spec_at),
            "PersistentVolumeClaim" => {
                self.drop_if(spec, "volumeMode", &"Filesystem".into(), &spec_at);
                self.drop_unless_set(spec, "volumeName", &spec_at);
            }
            "Namespace" => self.drop_if(spec, "finalizers", &serde_json::json!(["kubernetes"]), &spec_at),
            _ => {}
        }
        self.drop_empty(map, "spec", &root);
    }

    fn metadata(&self, meta: &mut Map<String, Value>, at: &Path, kind: &str) {
        for k in ["managedFields", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"] {
            meta.remove(k);
        }
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            ann.remove(LAST_APPLIED);
            let ann_at = at.key("annotations");
            for k in [
                "deployment.kubernetes.io/revision",
                "deprecated.daemonset.template.generation",
                "pv.kubernetes.io/bind-completed",
                "pv.kubernetes.io/bound-by-controller",
                "volume.beta.kubernetes.io/storage-provisioner",
                "volume.kubernetes.io/storage-provisioner",
                "volume.kubernetes.io/selected-node",
            ] {
                self.drop_unless_set(ann, k, &ann_at);
            }
        }
        if let Some(Value::Object(labels)) = meta.get_mut("labels") {
            let labels_at = at.key("labels");
            if kind == "Namespace" {
                self.drop_unless_set(labels, "kubernetes.io/metadata.name", &labels_at);
            }
            if kind == "Job" {
                for k in ["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"] {
                    self.drop_unless_set(labels, k, &labels_at);
                }
            }
        }
        if let Some(Value::Array(fin)) = meta.get_mut("finalizers") {
            if kind == "PersistentVolumeClaim" && !self.user_set(&at.key("finalizers")) {
                fin.retain(|f| f != "kubernetes.io/pvc-protection");
            }
        }
        for k in ["annotations", "labels", "finalizers"] {
            self.drop_empty(meta, k, at);
        }
    }

    /// A pod template: its metadata (creationTimestamp: null) and spec.
    fn template(&self, tpl: &mut Map<String, Value>, at: &Path, job: bool) {
        if let Some(Value::Object(meta)) = tpl.get_mut("metadata") {
            meta.remove("creationTimestamp");
            if job {
                if let Some(Value::Object(labels)) = meta.get_mut("labels") {
                    let labels_at = at.key("metadata").key("labels");
                    for k in ["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"] {
                        self.drop_unless_set(labels, k, &labels_at);
                    }
                }
                self.drop_empty(meta, "labels", &at.key("metadata"));
            }
        }
        self.drop_empty(tpl, "metadata", at);
        if let Some(Value::Object(spec)) = tpl.get_mut("spec") {
            self.pod_spec(spec, &at.key("spec"));
        }
    }

    fn workload(&self, kind: &str, spec: &mut Map<String, Value>, at: &Path) {
        if let Some(Value::Object(tpl)) = spec.get_mut("template") {
            self.template(tpl, &at.key("template"), false);
        }
        if kind != "ReplicationController" && kind != "ReplicaSet" {
            self.drop_if(spec, "revisionHistoryLimit", &10.into(), at);
        }
        match kind {
            "Deployment" => {
                self.drop_if(spec, "progressDeadlineSeconds", &600.into(), at);
                let default = serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}});
                self.drop_if(spec, "strategy", &default, at);
                self.drop_if(spec, "replicas", &1.into(), at);
            }
            "StatefulSet" => {
                self.drop_if(spec, "podManagementPolicy", &"OrderedReady".into(), at);
                let default = serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
                self.drop_if(spec, "updateStrategy", &default, at);
                self.drop_if(spec, "replicas", &1.into(), at);
                if let Some(Value::Array(claims)) = spec.get_mut("volumeClaimTemplates") {
                    for c in claims.iter_mut().filter_map(Value::as_object_mut) {
                        c.remove("status");
                        if let Some(Value::Object(m)) = c.get_mut("metadata") {
                            m.remove("creationTimestamp");
                        }
                        if let Some(Value::Object(s)) = c.get_mut("spec") {
                            if s.get("volumeMode") == Some(&"Filesystem".into()) {
                                s.remove("volumeMode");
                            }
                        }
                    }
                }
            }
            "DaemonSet" => {
                for default in [
                    serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}),
                    serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}),
                ] {
                    self.drop_if(spec, "updateStrategy", &default, at);
                }
            }
            "ReplicaSet" | "ReplicationController" => self.drop_if(spec, "replicas", &1.into(), at),
            _ => {}
        }
    }

    fn job(&self, spec: &mut Map<String, Value>, at: &Path) {
        if let Some(Value::Object(tpl)) = spec.get_mut("template") {
            self.template(tpl, &at.key("template"), true);
        }
        self.drop_if(spec, "backoffLimit", &6.into(), at);
        self.drop_if(spec, "completions", &1.into(), at);
        self.drop_if(spec, "parallelism", &1.into(), at);
        self.drop_if(spec, "completionMode", &"NonIndexed".into(), at);
        self.drop_if(spec, "suspend", &false.into(), at);
        self.drop_if(spec, "podReplacementPolicy", &"TerminatingOrFailed".into(), at);
        // The generated selector (on the Job's own uid), unless chosen by hand.
        let generated = spec["selector"]["matchLabels"].as_object().is_some_and(|m| {
            m.contains_key("controller-uid") || m.contains_key("batch.kubernetes.io/controller-uid")
        });
        if generated && spec.get("manualSelector") != Some(&Value::Bool(true)) {
            self.drop_unless_set(spec, "selector", at);
        }
    }

    fn cron_job(&self, spec: &mut Map<String, Value>, at: &Path) {
        self.drop_if(spec, "concurrencyPolicy", &"Allow".into(), at);
        self.drop_if(spec, "failedJobsHistoryLimit", &1.into(), at);
        self.drop_if(spec, "successfulJobsHistoryLimit", &3.into(), at);
        self.drop_if(spec, "suspend", &false.into(), at);
        let jt_at = at.key("jobTemplate");
        if let Some(Value::Object(jt)) = spec.get_mut("jobTemplate") {
            if let Some(Value::Object(meta)) = jt.get_mut("metadata") {
                meta.remove("creationTimestamp");
            }
            self.drop_empty(jt, "metadata", &jt_at);
            let js_at = jt_at.key("spec");
            if let Some(Value::Object(js)) = jt.get_mut("spec") {
                if let Some(Value::Object(tpl)) = js.get_mut("template") {
                    self.template(tpl, &js_at.key("template"), false);
                }
                self.drop_if(js, "backoffLimit", &6.into(), &js_at);
                self.drop_if(js, "completionMode", &"NonIndexed".into(), &js_at);
                self.drop_if(js, "suspend", &false.into(), &js_at);
            }
        }
    }

    fn pod_spec(&self, spec: &mut Map<String, Value>, at: &Path) {
        self.drop_if(spec, "dnsPolicy", &"ClusterFirst".into(), at);
        self.drop_if(spec, "restartPolicy", &"Always".into(), at);
        self.drop_if(spec, "schedulerName", &"default-scheduler".into(), at);
        self.drop_if(spec, "terminationGracePeriodSeconds", &30.into(), at);
        self.drop_if(spec, "enableServiceLinks", &true.into(), at);
        self.drop_if(spec, "priority", &0.into(), at);
        self.drop_if(spec, "preemptionPolicy", &"PreemptLowerPriority".into(), at);
        self.drop_empty(spec, "securityContext", at);
        self.drop_if(spec, "serviceAccountName", &"default".into(), at);
        // `serviceAccount` is the deprecated twin the server copies serviceAccountName into.
        self.drop_unless_set(spec, "serviceAccount", at);
        // Scheduling result, not intent.
        self.drop_unless_set(spec, "nodeName", at);
        if let Some(Value::Array(tols)) = spec.get_mut("tolerations") {
            let tols_at = at.key("tolerations");
            let mut i = 0;
            tols.retain(|t| {
                let keep = !is_default_toleration(t) || self.user_set(&tols_at.index(i));
                i += 1;
                keep
            });
        }
        self.drop_empty(spec, "tolerations", at);

        let token_volumes = self.token_volumes(spec, at);
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            let list_at = at.key(list);
            if let Some(Value::Array(cs)) = spec.get_mut(list) {
                for (i, c) in cs.iter_mut().enumerate() {
                    if let Some(c) = c.as_object_mut() {
                        self.container(c, &list_at.index(i), &token_volumes);
                    }
                }
            }
        }
        if let Some(Value::Array(vols)) = spec.get_mut("volumes") {
            vols.retain(|v| !v["name"].as_str().is_some_and(|n| token_volumes.iter().any(|t| t == n)));
            for v in vols.iter_mut().filter_map(Value::as_object_mut) {
                for (src, default) in [("secret", 420), ("configMap", 420), ("projected", 420), ("downwardAPI", 420)] {
                    if let Some(Value::Object(s)) = v.get_mut(src) {
                        if s.get("defaultMode") == Some(&default.into()) {
                            s.remove("defaultMode");
                        }
                    }
                }
                if let Some(Value::Object(h)) = v.get_mut("hostPath") {
                    if h.get("type") == Some(&"".into()) {
                        h.remove("type");
                    }
                }
            }
        }
        self.drop_empty(spec, "volumes", at);
    }

    /// The service-account token volumes the admission plugin added: mounted at the
    /// well-known path and named like the generated ones, unless the user wrote them.
    fn token_volumes(&self, spec: &Map<String, Value>, at: &Path) -> Vec<String> {
        let mounted: Vec<&str> = ["initContainers", "containers"]
            .iter()
            .flat_map(|l| spec.get(*l).and_then(Value::as_array).into_iter().flatten())
            .flat_map(|c| c["volumeMounts"].as_array().into_iter().flatten())
            .filter(|m| m["mountPath"] == SA_MOUNT)
            .filter_map(|m| m["name"].as_str())
            .collect();
        let vols = spec.get("volumes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        vols.iter()
            .enumerate()
            .filter(|(_, v)| {
                let name = v["name"].as_str().unwrap_or("");
                let generated = name.starts_with("kube-api-access-")
                    || (v["secret"]["secretName"] == name && is_token_secret_name(name));
                generated && mounted.contains(&name)
            })
            .filter(|(i, _)| !self.user_set(&at.key("volumes").index(*i)))
            .filter_map(|(_, v)| v["name"].as_str().map(String::from))
            .collect()
    }

    fn container(&self, c: &mut Map<String, Value>, at: &Path, token_volumes: &[String]) {
        self.drop_if(c, "terminationMessagePath", &"/dev/termination-log".into(), at);
        self.drop_if(c, "terminationMessagePolicy", &"File".into(), at);
        let pull_default = default_pull_policy(c.get("image").and_then(Value::as_str).unwrap_or(""));
        self.drop_if(c, "imagePullPolicy", &pull_default.into(), at);
        self.drop_empty(c, "resources", at);
        self.drop_empty(c, "securityContext", at);
        if let Some(Value::Array(ports)) = c.get_mut("ports") {
            for (i, p) in ports.iter_mut().enumerate() {
                if let Some(p) = p.as_object_mut() {
                    self.drop_if(p, "protocol", &"TCP".into(), &at.key("ports").index(i));
                }
            }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            let p_at = at.key(probe);
            if let Some(Value::Object(p)) = c.get_mut(probe) {
                self.drop_if(p, "timeoutSeconds", &1.into(), &p_at);
                self.drop_if(p, "periodSeconds", &10.into(), &p_at);
                self.drop_if(p, "successThreshold", &1.into(), &p_at);
                self.drop_if(p, "failureThreshold", &3.into(), &p_at);
                if let Some(Value::Object(h)) = p.get_mut("httpGet") {
                    self.drop_if(h, "scheme", &"HTTP".into(), &p_at.key("httpGet"));
                }
            }
        }
        if let Some(Value::Array(env)) = c.get_mut("env") {
            for (i, e) in env.iter_mut().enumerate() {
                let f_at = at.key("env").index(i).key("valueFrom").key("fieldRef");
                if let Some(Value::Object(f)) = e.pointer_mut("/valueFrom/fieldRef") {
                    self.drop_if(f, "apiVersion", &"v1".into(), &f_at);
                }
            }
        }
        if let Some(Value::Array(mounts)) = c.get_mut("volumeMounts") {
            mounts.retain(|m| !(m["mountPath"] == SA_MOUNT && m["name"].as_str().is_some_and(|n| token_volumes.iter().any(|t| t == n))));
        }
        self.drop_empty(c, "volumeMounts", at);
    }

    fn service(&self, spec: &mut Map<String, Value>, at: &Path) {
        // Allocated addresses, unless headless ("None"), which is the user's choice.
        if spec.get("clusterIP").and_then(Value::as_str).is_some_and(|ip| ip != "None") {
            self.drop_unless_set(spec, "clusterIP", at);
        }
        if spec.get("clusterIPs").and_then(Value::as_array).is_some_and(|ips| ips.iter().all(|ip| ip != "None")) {
            self.drop_unless_set(spec, "clusterIPs", at);
        }
        let ty = spec.get("type").and_then(Value::as_str).unwrap_or("ClusterIP").to_string();
        if let Some(Value::Array(ports)) = spec.get_mut("ports") {
            for (i, p) in ports.iter_mut().enumerate() {
                let p_at = at.key("ports").index(i);
                if let Some(p) = p.as_object_mut() {
                    self.drop_if(p, "protocol", &"TCP".into(), &p_at);
                    if let Some(port) = p.get("port").cloned() {
                        self.drop_if(p, "targetPort", &port, &p_at);
                    }
                    self.drop_unless_set(p, "nodePort", &p_at);
                }
            }
        }
        self.drop_if(spec, "type", &"ClusterIP".into(), at);
        self.drop_if(spec, "sessionAffinity", &"None".into(), at);
        self.drop_if(spec, "ipFamilyPolicy", &"SingleStack".into(), at);
        self.drop_if(spec, "internalTrafficPolicy", &"Cluster".into(), at);
        if ty == "NodePort" || ty == "LoadBalancer" {
            self.drop_if(spec, "externalTrafficPolicy", &"Cluster".into(), at);
            self.drop_if(spec, "allocateLoadBalancerNodePorts", &true.into(), at);
        }
        // Follows the allocated clusterIPs.
        if !spec.contains_key("clusterIPs") {
            self.drop_unless_set(spec, "ipFamilies", at);
        }
    }

    fn service_account(&self, map: &mut Map<String, Value>) {
        let name = map["metadata"]["name"].as_str().unwrap_or("").to_string();
        let at = Path::root().key("secrets");
        if self.user_set(&at) {
            return;
        }
        if let Some(Value::Array(secrets)) = map.get_mut("secrets") {
            secrets.retain(|s| !s["name"].as_str().is_some_and(|n| is_token_secret_name(n) && n.starts_with(&format!("{name}-token-"))));
        }
        self.drop_empty(map, "secrets", &Path::root());
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// `NAME-token-xxxxx`, the token controller's secret names.
fn is_token_secret_name(name: &str) -> bool {
    name.rsplit_once("-token-").is_some_and(|(_, suffix)| suffix.len() == 5 && suffix.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The DefaultTolerationSeconds admission plugin's two tolerations.
fn is_default_toleration(t: &Value) -> bool {
    let key = t["key"].as_str().unwrap_or("");
    (key == "node.kubernetes.io/not-ready" || key == "node.kubernetes.io/unreachable")
        && t["operator"] == "Exists"
        && t["effect"] == "NoExecute"
        && t["tolerationSeconds"] == 300
        && t.as_object().is_some_and(|m| m.len() == 4)
}

/// Always for `:latest` or an untagged image, IfNotPresent otherwise (digests included).
fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

#[cfg(test)]
#[path = "neat_tests.rs"]
mod tests;

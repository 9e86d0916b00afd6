//! The built-in resources `kctl local` serves, as the v1.20 apiserver's discovery
//! documents describe them (names, kinds, scope, short names, categories).

pub struct Res {
    pub group: &'static str,
    pub version: &'static str,
    pub name: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub short: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Subresources served (besides the main resource).
    pub subs: &'static [&'static str],
    /// Whether the apiserver maintains `metadata.generation` (spec changes bump it).
    pub generation: bool,
    /// For custom resources: their `additionalPrinterColumns`.
    pub custom: Option<&'static Custom>,
}

/// What a CustomResourceDefinition adds to a served resource.
pub struct Custom {
    /// (name, type, JSONPath, priority)
    pub columns: Vec<(String, String, String, i64)>,
}

const ALL: &[&str] = &["all"];
const NONE: &[&str] = &[];

macro_rules! r {
    ($g:expr, $v:expr, $n:expr, $s:expr, $k:expr, $ns:expr, $short:expr, $cat:expr, $subs:expr, $gen:expr) => {
        Res { group: $g, version: $v, name: $n, singular: $s, kind: $k, namespaced: $ns, short: $short, categories: $cat, subs: $subs, generation: $gen, custom: None }
    };
}

#[rustfmt::skip]
pub const RESOURCES: &[Res] = &[
    r!("", "v1", "namespaces", "namespace", "Namespace", false, &["ns"], NONE, &["status", "finalize"], false),
    r!("", "v1", "pods", "pod", "Pod", true, &["po"], ALL, &["status", "log", "binding"], false),
    r!("", "v1", "services", "service", "Service", true, &["svc"], ALL, &["status"], false),
    r!("", "v1", "endpoints", "endpoints", "Endpoints", true, &["ep"], NONE, NONE, false),
    r!("", "v1", "configmaps", "configmap", "ConfigMap", true, &["cm"], NONE, NONE, false),
    r!("", "v1", "secrets", "secret", "Secret", true, NONE, NONE, NONE, false),
    r!("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, &["sa"], NONE, NONE, false),
    r!("", "v1", "events", "event", "Event", true, &["ev"], NONE, NONE, false),
    r!("", "v1", "nodes", "node", "Node", false, &["no"], NONE, &["status"], false),
    r!("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, &["pv"], NONE, &["status"], false),
    r!("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, &["pvc"], NONE, &["status"], false),
    r!("apps", "v1", "deployments", "deployment", "Deployment", true, &["deploy"], ALL, &["scale", "status"], true),
    r!("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, &["rs"], ALL, &["scale", "status"], true),
    r!("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, &["sts"], ALL, &["scale", "status"], true),
    r!("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, &["ds"], ALL, &["status"], true),
    r!("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, NONE, NONE, NONE, false),
    r!("batch", "v1", "jobs", "job", "Job", true, NONE, ALL, &["status"], true),
    r!("batch", "v1", "cronjobs", "cronjob", "CronJob", true, &["cj"], ALL, &["status"], true),
    r!("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, &["ing"], NONE, &["status"], true),
    r!("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, NONE, NONE, NONE, true),
    r!("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, NONE, NONE, NONE, false),
    r!("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, &["sc"], NONE, NONE, false),
    r!("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, NONE, NONE, NONE, false),
    r!("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, NONE, NONE, NONE, false),
    r!("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, NONE, NONE, NONE, false),
    r!("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, NONE, NONE, NONE, false),
    r!("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, &["crd", "crds"], &["api-extensions"], &["status"], true),
];

/// The groups in discovery order (the apiserver's preferred order).
pub const GROUPS: &[&str] = &[
    "apps",
    "batch",
    "networking.k8s.io",
    "discovery.k8s.io",
    "storage.k8s.io",
    "rbac.authorization.k8s.io",
    "apiextensions.k8s.io",
];

/// Resources served for CustomResourceDefinitions, rebuilt after every CRD
/// change. Entries are leaked: a handful per CRD revision, for the server's life.
static DYNAMIC: std::sync::RwLock<Vec<&'static Res>> = std::sync::RwLock::new(Vec::new());

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_list(v: &serde_json::Value) -> &'static [&'static str] {
    let items: Vec<&'static str> = v.as_array().into_iter().flatten().filter_map(|x| x.as_str()).map(leak).collect();
    Box::leak(items.into_boxed_slice())
}

/// Every served resource: the built-in ones, then the custom ones.
pub fn all() -> Vec<&'static Res> {
    RESOURCES.iter().chain(DYNAMIC.read().unwrap().iter().copied()).collect()
}

/// Groups and their versions, in discovery order (built-in first).
pub fn groups() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = GROUPS.iter().map(|g| (*g, vec!["v1"])).collect();
    for r in DYNAMIC.read().unwrap().iter() {
        match out.iter_mut().find(|(g, _)| *g == r.group) {
            Some((_, vs)) if !vs.contains(&r.version) => vs.push(r.version),
            Some(_) => {}
            None => out.push((r.group, vec![r.version])),
        }
    }
    out
}

pub fn find(group: &str, version: &str, name: &str) -> Option<&'static Res> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.name == name)
        .or_else(|| DYNAMIC.read().unwrap().iter().copied().find(|r| r.group == group && r.version == version && r.name == name))
}

/// Rebuild the custom resources from the stored CRDs.
pub fn refresh_crds(store: &super::store::Store) {
    let crd = find("apiextensions.k8s.io", "v1", "customresourcedefinitions").unwrap();
    let mut out = Vec::new();
    for (_, d) in store.list(&crd.prefix()).0 {
        let spec = &d["spec"];
        let names = &spec["names"];
        for v in spec["versions"].as_array().into_iter().flatten().filter(|v| v["served"] != false) {
            let columns = v["additionalPrinterColumns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        c["name"].as_str().unwrap_or("").to_string(),
                        c["type"].as_str().unwrap_or("string").to_string(),
                        c["jsonPath"].as_str().unwrap_or("").to_string(),
                        c["priority"].as_i64().unwrap_or(0),
                    )
                })
                .collect();
            let subs: &'static [&'static str] = if v["subresources"]["status"].is_object() {
                if v["subresources"]["scale"].is_object() { &["status", "scale"] } else { &["status"] }
            } else if v["subresources"]["scale"].is_object() {
                &["scale"]
            } else {
                &[]
            };
            let res = Res {
                group: leak(spec["group"].as_str().unwrap_or("")),
                version: leak(v["name"].as_str().unwrap_or("")),
                name: leak(names["plural"].as_str().unwrap_or("")),
                singular: leak(names["singular"].as_str().unwrap_or("")),
                kind: leak(names["kind"].as_str().unwrap_or("")),
                namespaced: spec["scope"] != "Cluster",
                short: leak_list(&names["shortNames"]),
                categories: leak_list(&names["categories"]),
                subs,
                generation: true,
                custom: Some(Box::leak(Box::new(Custom { columns }))),
            };
            out.push(&*Box::leak(Box::new(res)));
        }
    }
    *DYNAMIC.write().unwrap() = out;
}

impl Res {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods`, `deployments.apps`: how Status messages name the resource.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.name.to_string()
        } else {
            format!("{}.{}", self.name, self.group)
        }
    }

    /// The store key prefix of this resource (all namespaces).
    pub fn prefix(&self) -> String {
        let g = if self.group.is_empty() { "core" } else { self.group };
        format!("{g}/{}/", self.name)
    }

    pub fn key(&self, namespace: &str, name: &str) -> String {
        format!("{}{namespace}/{name}", self.prefix())
    }

    pub fn has_status(&self) -> bool {
        self.subs.contains(&"status")
    }
}

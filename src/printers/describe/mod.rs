//! `kubectl describe` printers: pure functions from an object (plus the
//! related objects its describer asked for) to kubectl's exact text.
//!
//! A describer is two functions registered in [`DESCRIBERS`] under the
//! object's (API group, kind):
//! - `needs(obj) -> Vec<Need>`: the extra requests it wants answered (a
//!   Deployment's ReplicaSets, a Service's Endpoints, …), pure;
//! - `describe(obj, ctx) -> String`: the text, reading the answers from the
//!   [`DescribeContext`].
//!
//! The command (src/commands/describe.rs) sends every need (and the events
//! search, when the describer shows events) concurrently, fills a context and
//! calls [`describe`]. Kinds without a describer get kubectl's generic
//! (unstructured) describer.

use std::collections::HashMap;

use serde_json::Value;

pub mod autoscaling;
pub mod cluster;
pub mod common;
pub mod generic;
pub mod time;
pub mod writer;

pub mod cronjob;
pub mod csr;
pub mod daemonset;
pub mod deployment;
pub mod endpointslice;
pub mod hpa;
pub mod job;
pub mod networkpolicy;
pub mod pod;
pub mod podtemplate;
pub mod rbac;
pub mod replicaset;
pub mod replicationcontroller;
pub mod statefulset;
pub mod volumes;

pub mod configmap;
pub mod endpoints;
pub mod ingress;
pub mod namespace;
pub mod node;
pub mod pv;
pub mod pvc;
pub mod related;
pub mod secret;
pub mod service;
pub mod serviceaccount;

/// A request a describer wants answered before it prints. `path` is the API
/// path (see `client::ResourcePath`); lists are paged with `--chunk-size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// The name the describer reads the answer back under.
    pub key: &'static str,
    pub path: String,
    /// A list (paged, `items` collected) rather than a single object.
    pub list: bool,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// The describer cannot print without it: when it fails, the object's
    /// description is that error instead (kubectl's describers return it).
    pub required: bool,
}

impl Need {
    pub fn get(key: &'static str, path: String) -> Need {
        Need { key, path, list: false, label_selector: None, field_selector: None, required: false }
    }

    pub fn list(key: &'static str, path: String) -> Need {
        Need { key, path, list: true, label_selector: None, field_selector: None, required: false }
    }

    pub fn labels(mut self, selector: impl Into<String>) -> Need {
        self.label_selector = Some(selector.into());
        self
    }

    pub fn required(mut self) -> Need {
        self.required = true;
        self
    }

    pub fn fields(mut self, selector: impl Into<String>) -> Need {
        self.field_selector = Some(selector.into());
        self
    }
}

/// The answer to one [`Need`].
#[derive(Debug, Clone)]
#[allow(dead_code)] // Objects and status codes serve describers of other kinds (Service's Endpoints, …).
pub enum Fetched {
    /// A list's items, all pages (each with `kind`/`apiVersion` as listed).
    Items(Vec<Value>),
    Object(Value),
    /// The request failed: HTTP status (0 for transport errors) and kubectl's
    /// error text, for describers that print or branch on it.
    Failed { code: u16, message: String },
}

/// The key under which the events search is answered.
pub const EVENTS: &str = "events";

/// What a describer gets besides its object.
#[derive(Debug, Clone, Default)]
pub struct DescribeContext {
    pub show_events: bool,
    fetched: HashMap<&'static str, Fetched>,
}

impl DescribeContext {
    pub fn new(show_events: bool) -> Self {
        DescribeContext { show_events, fetched: HashMap::new() }
    }

    pub fn insert(&mut self, key: &'static str, answer: Fetched) {
        self.fetched.insert(key, answer);
    }

    #[allow(dead_code)] // for describers' unit tests
    pub fn with(mut self, key: &'static str, answer: Fetched) -> Self {
        self.insert(key, answer);
        self
    }

    pub fn get(&self, key: &str) -> Option<&Fetched> {
        self.fetched.get(key)
    }

    /// A list's items; `None` when it was not fetched or failed.
    pub fn items(&self, key: &str) -> Option<&[Value]> {
        match self.fetched.get(key) {
            Some(Fetched::Items(items)) => Some(items),
            _ => None,
        }
    }

    /// A fetched object; `None` when it was not fetched or failed.
    #[allow(dead_code)] // for describers that fetch single objects
    pub fn object(&self, key: &str) -> Option<&Value> {
        match self.fetched.get(key) {
            Some(Fetched::Object(o)) => Some(o),
            _ => None,
        }
    }

    /// The object's events, `None` with `--show-events=false`. kubectl ignores
    /// a failed search and prints `Events: <none>`.
    pub fn events(&self) -> Option<&[Value]> {
        if !self.show_events {
            return None;
        }
        Some(self.items(EVENTS).unwrap_or(&[]))
    }
}

/// How a describer's events are searched (kubectl's `searchEvents` reference).
#[derive(Clone, Copy)]
pub enum EventSearch {
    /// involvedObject name, namespace, kind and uid of the object.
    WithKind,
    /// A search of the describer's own (built with [`events_search`]), made
    /// only when events are shown: the Pod describer drops the kind, the
    /// Node describer uses the node's name as its uid.
    Custom(fn(&Value) -> Need),
    /// The describer shows no events.
    None,
    /// Like `WithKind`, and a failed search fails the description (kubectl's
    /// ConfigMap describer returns that error).
    WithKindRequired,
}

pub struct Describer {
    pub group: &'static str,
    pub kind: &'static str,
    pub events: EventSearch,
    pub needs: fn(&Value) -> Vec<Need>,
    pub describe: fn(&Value, &DescribeContext) -> String,
}

fn no_needs(_: &Value) -> Vec<Need> {
    Vec::new()
}

/// One line per describer, by (group, kind).
pub static DESCRIBERS: &[Describer] = &[
    Describer { group: "", kind: "Pod", events: EventSearch::Custom(pod::events_need), needs: no_needs, describe: pod::describe },
    Describer { group: "", kind: "ReplicationController", events: EventSearch::WithKind, needs: replicationcontroller::needs, describe: replicationcontroller::describe },
    Describer { group: "apps", kind: "Deployment", events: EventSearch::WithKind, needs: deployment::needs, describe: deployment::describe },
    Describer { group: "apps", kind: "ReplicaSet", events: EventSearch::WithKind, needs: replicaset::needs, describe: replicaset::describe },
    Describer { group: "apps", kind: "StatefulSet", events: EventSearch::WithKind, needs: statefulset::needs, describe: statefulset::describe },
    Describer { group: "apps", kind: "DaemonSet", events: EventSearch::WithKind, needs: daemonset::needs, describe: daemonset::describe },
    Describer { group: "batch", kind: "Job", events: EventSearch::WithKind, needs: no_needs, describe: job::describe },
    Describer { group: "rbac.authorization.k8s.io", kind: "Role", events: EventSearch::None, needs: no_needs, describe: rbac::describe_role },
    Describer { group: "rbac.authorization.k8s.io", kind: "ClusterRole", events: EventSearch::None, needs: no_needs, describe: rbac::describe_role },
    Describer { group: "rbac.authorization.k8s.io", kind: "RoleBinding", events: EventSearch::None, needs: no_needs, describe: rbac::describe_binding },
    Describer { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", events: EventSearch::None, needs: no_needs, describe: rbac::describe_binding },
    Describer { group: "storage.k8s.io", kind: "StorageClass", events: EventSearch::WithKind, needs: no_needs, describe: cluster::describe_storage_class },
    Describer { group: "scheduling.k8s.io", kind: "PriorityClass", events: EventSearch::WithKind, needs: no_needs, describe: cluster::describe_priority_class },
    Describer { group: "networking.k8s.io", kind: "NetworkPolicy", events: EventSearch::None, needs: no_needs, describe: networkpolicy::describe },
    Describer { group: "networking.k8s.io", kind: "IngressClass", events: EventSearch::WithKind, needs: no_needs, describe: autoscaling::describe_ingress_class },
    Describer { group: "policy", kind: "PodDisruptionBudget", events: EventSearch::WithKind, needs: no_needs, describe: autoscaling::describe_pdb },
    Describer { group: "autoscaling", kind: "HorizontalPodAutoscaler", events: EventSearch::WithKind, needs: no_needs, describe: hpa::describe },
    Describer { group: "discovery.k8s.io", kind: "EndpointSlice", events: EventSearch::WithKind, needs: no_needs, describe: endpointslice::describe },
    Describer { group: "storage.k8s.io", kind: "CSINode", events: EventSearch::WithKind, needs: no_needs, describe: cluster::describe_csi_node },
    Describer { group: "certificates.k8s.io", kind: "CertificateSigningRequest", events: EventSearch::WithKind, needs: no_needs, describe: csr::describe },
    Describer { group: "batch", kind: "CronJob", events: EventSearch::WithKind, needs: cronjob::needs, describe: cronjob::describe },
    Describer { group: "", kind: "Service", events: EventSearch::WithKind, needs: service::needs, describe: service::describe },
    Describer { group: "", kind: "Endpoints", events: EventSearch::WithKind, needs: no_needs, describe: endpoints::describe },
    Describer { group: "", kind: "ConfigMap", events: EventSearch::WithKindRequired, needs: no_needs, describe: configmap::describe },
    Describer { group: "", kind: "Secret", events: EventSearch::None, needs: no_needs, describe: secret::describe },
    Describer { group: "", kind: "Node", events: EventSearch::WithKind, needs: node::needs, describe: node::describe },
    Describer { group: "", kind: "Namespace", events: EventSearch::None, needs: namespace::needs, describe: namespace::describe },
    Describer { group: "", kind: "PersistentVolume", events: EventSearch::WithKind, needs: no_needs, describe: pv::describe },
    Describer { group: "", kind: "PersistentVolumeClaim", events: EventSearch::WithKind, needs: pvc::needs, describe: pvc::describe },
    Describer { group: "", kind: "ServiceAccount", events: EventSearch::WithKind, needs: serviceaccount::needs, describe: serviceaccount::describe },
    Describer { group: "networking.k8s.io", kind: "Ingress", events: EventSearch::WithKind, needs: ingress::needs, describe: ingress::describe },
    Describer { group: "extensions", kind: "Ingress", events: EventSearch::WithKind, needs: ingress::needs, describe: ingress::describe },
];

/// The API group of an object's `apiVersion` (`apps/v1` → `apps`, `v1` → ``).
pub fn group_of(obj: &Value) -> &str {
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

pub fn describer_for(obj: &Value) -> Option<&'static Describer> {
    let group = group_of(obj);
    let kind = obj["kind"].as_str().unwrap_or("");
    DESCRIBERS.iter().find(|d| d.group == group && d.kind == kind)
}

/// Every request describing `obj` needs: the describer's own and the events
/// search (when events are shown).
pub fn needs(obj: &Value, show_events: bool) -> Vec<Need> {
    let (mut needs, search) = match describer_for(obj) {
        Some(d) => ((d.needs)(obj), d.events),
        None => (Vec::new(), EventSearch::WithKind),
    };
    if show_events {
        match search {
            EventSearch::WithKind => needs.push(events_need(obj)),
            EventSearch::WithKindRequired => needs.push(events_need(obj).required()),
            EventSearch::Custom(f) => needs.push(f(obj)),
            EventSearch::None => {}
        }
    }
    needs
}

/// The events search for `obj` by name, namespace, kind and uid.
pub fn events_need(obj: &Value) -> Need {
    let meta = &obj["metadata"];
    let str_of = |v: &Value| v.as_str().unwrap_or("").to_string();
    events_search(&str_of(&meta["name"]), &str_of(&meta["namespace"]), Some(&str_of(&obj["kind"])), Some(&str_of(&meta["uid"])))
}

/// kubectl's `searchEvents`: events whose involvedObject has this name and
/// namespace, and kind and uid when given and not empty, listed in that
/// namespace (in all namespaces for cluster-scoped objects).
pub fn events_search(name: &str, namespace: &str, kind: Option<&str>, uid: Option<&str>) -> Need {
    let esc = common::escape_field_value;
    let mut terms = vec![format!("involvedObject.name={}", esc(name)), format!("involvedObject.namespace={}", esc(namespace))];
    if let Some(kind) = kind.filter(|k| !k.is_empty()) {
        terms.push(format!("involvedObject.kind={}", esc(kind)));
    }
    if let Some(uid) = uid.filter(|u| !u.is_empty()) {
        terms.push(format!("involvedObject.uid={}", esc(uid)));
    }
    let path = crate::client::ResourcePath { group: "", version: "v1", resource: "events", namespace: Some(namespace).filter(|n| !n.is_empty()), ..Default::default() }.to_path();
    Need::list(EVENTS, path).fields(terms.join(","))
}

/// The description of `obj`, by its describer or the generic one.
pub fn describe(obj: &Value, ctx: &DescribeContext) -> String {
    match describer_for(obj) {
        Some(d) => (d.describe)(obj, ctx),
        None => generic::describe(obj, ctx),
    }
}

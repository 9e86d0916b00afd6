//! Server-side printing (`Accept: ...;as=Table`): the v1.20 apiserver's columns
//! for the everyday kinds, `Name`/`Age` for the rest.

use serde::Serialize;
use serde_json::{json, Value};

use super::resources::Res;
use crate::printers::age::age_of;

/// (name, type, format, description, priority)
type Col = (&'static str, &'static str, &'static str, &'static str, u8);

const NAME_DESC: &str = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names";
const AGE_DESC: &str = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

fn columns(res: &Res) -> Vec<Col> {
    let name: Col = ("Name", "string", "name", NAME_DESC, 0);
    let age: Col = ("Age", "string", "", AGE_DESC, 0);
    if res.custom.is_some() {
        return super::table_more::columns(res, name, age).unwrap_or_default();
    }
    match res.name {
        "pods" => vec![
            name,
            ("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0),
            ("Status", "string", "", "The aggregate status of the containers in this pod.", 0),
            ("Restarts", "integer", "", "The number of times the containers in this pod have been restarted.", 0),
            age,
            ("IP", "string", "", "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
            ("Node", "string", "", "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.", 1),
            ("Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1),
            ("Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1),
        ],
        "namespaces" => vec![name, ("Status", "string", "", "The status of the namespace", 0), age],
        "configmaps" => vec![name, ("Data", "string", "", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.", 0), age],
        "secrets" => vec![
            name,
            ("Type", "string", "", "Used to facilitate programmatic handling of secret data.", 0),
            ("Data", "string", "", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4", 0),
            age,
        ],
        "services" => vec![
            name,
            ("Type", "string", "", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ExternalName\" maps to the specified externalName. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a stable IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the clusterIP. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types", 0),
            ("Cluster-IP", "string", "", "clusterIP is the IP address of the service and is usually assigned randomly by the master. If an address is specified manually and is not in use by others, it will be allocated to the service; otherwise, creation of the service will fail. This field can not be changed through updates. Valid values are \"None\", empty string (\"\"), or a valid IP address. \"None\" can be specified for headless services when proxying is not required. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies", 0),
            ("External-IP", "string", "", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.", 0),
            ("Port(s)", "string", "", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies", 0),
            age,
            ("Selector", "string", "", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", 1),
        ],
        "deployments" => vec![
            name,
            ("Ready", "string", "", "Number of the pod with ready state", 0),
            ("Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", 0),
            ("Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", 0),
            age,
            ("Containers", "string", "", "Names of each container in the template.", 1),
            ("Images", "string", "", "Images referenced by each container in the template.", 1),
            ("Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1),
        ],
        "replicasets" => vec![
            name,
            ("Desired", "integer", "", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", 0),
            ("Current", "integer", "", "Replicas is the most recently oberved number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", 0),
            ("Ready", "integer", "", "The number of ready replicas for this replica set.", 0),
            age,
            ("Containers", "string", "", "Names of each container in the template.", 1),
            ("Images", "string", "", "Images referenced by each container in the template.", 1),
            ("Selector", "string", "", "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1),
        ],
        "endpoints" => vec![name, ("Endpoints", "string", "", "Endpoints of the service", 0), age],
        "events" => vec![
            ("Last Seen", "string", "", "", 0),
            ("Type", "string", "", "Type of this event (Normal, Warning), new types could be added in the future", 0),
            ("Reason", "string", "", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", 0),
            ("Object", "string", "", "The object that this event is about.", 0),
            ("Subobject", "string", "", "", 1),
            ("Source", "string", "", "The component reporting this event. Should be a short machine understandable string.", 1),
            ("Message", "string", "", "A human-readable description of the status of this operation.", 0),
            ("First Seen", "string", "", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
            ("Count", "string", "", "The number of times this event has occurred.", 1),
            ("Name", "string", "", NAME_DESC, 1),
        ],
        "nodes" => vec![
            name,
            ("Status", "string", "", "The status of the node", 0),
            ("Roles", "string", "", "The roles of the node", 0),
            age,
            ("Version", "string", "", "Kubelet Version reported by the node.", 0),
            ("Internal-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See http://pr.k8s.io/79391 for an example.", 1),
            ("External-IP", "string", "", "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See http://pr.k8s.io/79391 for an example.", 1),
            ("OS-Image", "string", "", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", 1),
            ("Kernel-Version", "string", "", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
            ("Container-Runtime", "string", "", "ContainerRuntime Version reported by the node through runtime remote API (e.g. docker://1.5.0).", 1),
        ],
        _ => super::table_more::columns(res, name, age).unwrap_or_else(|| vec![name, age]),
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn none_if_empty(v: String) -> String {
    if v.is_empty() { "<none>".into() } else { v }
}

fn pod_cells(o: &Value, age: String) -> Vec<Value> {
    let (ready, total, reason, restarts) = pod_status(o);
    let ip = none_if_empty(s(&o["status"]["podIP"]));
    let node = none_if_empty(s(&o["spec"]["nodeName"]));
    let nominated = none_if_empty(s(&o["status"]["nominatedNodeName"]));
    let gates = if o["spec"]["readinessGates"].as_array().is_some_and(|g| !g.is_empty()) { "0/0".to_string() } else { "<none>".into() };
    vec![json!(format!("{ready}/{total}")), json!(reason), json!(restarts), json!(age), json!(ip), json!(node), json!(nominated), json!(gates)]
}

/// READY, STATUS and RESTARTS as the apiserver's printPod computes them
/// (init containers first; the first main container's reason wins).
fn pod_status(o: &Value) -> (usize, usize, String, i64) {
    let st = &o["status"];
    let total = o["spec"]["containers"].as_array().map(|c| c.len()).unwrap_or(0);
    let mut reason = st["reason"].as_str().filter(|r| !r.is_empty()).or(st["phase"].as_str()).unwrap_or("").to_string();
    let mut restarts = 0;
    let mut initializing = false;
    let inits = st["initContainerStatuses"].as_array().cloned().unwrap_or_default();
    let n_inits = o["spec"]["initContainers"].as_array().map(|c| c.len()).unwrap_or(0);
    for (i, c) in inits.iter().enumerate() {
        restarts += c["restartCount"].as_i64().unwrap_or(0);
        let (term, wait) = (&c["state"]["terminated"], &c["state"]["waiting"]);
        if term.is_object() && term["exitCode"].as_i64().unwrap_or(0) == 0 {
            continue;
        }
        reason = if term.is_object() {
            match term["reason"].as_str().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None if term["signal"].as_i64().unwrap_or(0) != 0 => format!("Init:Signal:{}", term["signal"]),
                None => format!("Init:ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
            }
        } else if let Some(r) = wait["reason"].as_str().filter(|r| !r.is_empty() && *r != "PodInitializing") {
            format!("Init:{r}")
        } else {
            format!("Init:{i}/{n_inits}")
        };
        initializing = true;
        break;
    }
    let mut ready = 0;
    if !initializing {
        restarts = 0;
        let mut has_running = false;
        for c in st["containerStatuses"].as_array().into_iter().flatten().rev() {
            restarts += c["restartCount"].as_i64().unwrap_or(0);
            let (term, wait) = (&c["state"]["terminated"], &c["state"]["waiting"]);
            if let Some(r) = wait["reason"].as_str().filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if let Some(r) = term["reason"].as_str().filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if term.is_object() {
                reason = match term["signal"].as_i64().unwrap_or(0) {
                    0 => format!("ExitCode:{}", term["exitCode"].as_i64().unwrap_or(0)),
                    sig => format!("Signal:{sig}"),
                };
            } else if c["ready"] == true && c["state"]["running"].is_object() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = st["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True");
            reason = if pod_ready { "Running".into() } else { "NotReady".into() };
        }
    }
    if !o["metadata"]["deletionTimestamp"].is_null() {
        reason = if st["reason"] == "NodeLost" { "Unknown".into() } else { "Terminating".into() };
    }
    (ready, total, reason, restarts)
}

fn service_cells(o: &Value, age: String) -> Vec<Value> {
    let spec = &o["spec"];
    let ty = s(&spec["type"]);
    let mut external: Vec<String> = spec["externalIPs"].as_array().into_iter().flatten().map(s).collect();
    if ty == "LoadBalancer" {
        external.extend(o["status"]["loadBalancer"]["ingress"].as_array().into_iter().flatten().map(|i| s(&i["ip"])));
    }
    let ext = if ty == "ExternalName" {
        s(&spec["externalName"])
    } else if external.is_empty() {
        if ty == "LoadBalancer" { "<pending>".into() } else { "<none>".into() }
    } else {
        external.join(",")
    };
    let ports = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            let port = p["port"].as_i64().unwrap_or(0);
            let proto = s(&p["protocol"]);
            match p["nodePort"].as_i64() {
                Some(np) if np != 0 => format!("{port}:{np}/{proto}"),
                _ => format!("{port}/{proto}"),
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    let selector = spec["selector"].as_object().map(|m| {
        let mut v: Vec<String> = m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect();
        v.sort();
        v.join(",")
    });
    vec![json!(ty), json!(none_if_empty(s(&spec["clusterIP"]))), json!(ext), json!(none_if_empty(ports)), json!(age), json!(none_if_empty(selector.unwrap_or_default()))]
}

fn deployment_cells(o: &Value, age: String) -> Vec<Value> {
    let desired = o["spec"]["replicas"].as_i64().unwrap_or(0);
    let st = &o["status"];
    let n = |k: &str| st[k].as_i64().unwrap_or(0);
    let containers = o["spec"]["template"]["spec"]["containers"].as_array().cloned().unwrap_or_default();
    let names = containers.iter().map(|c| s(&c["name"])).collect::<Vec<_>>().join(",");
    let images = containers.iter().map(|c| s(&c["image"])).collect::<Vec<_>>().join(",");
    let sel = o["spec"]["selector"]["matchLabels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect::<Vec<_>>().join(","))
        .unwrap_or_default();
    vec![json!(format!("{}/{desired}", n("readyReplicas"))), json!(n("updatedReplicas")), json!(n("availableReplicas")), json!(age), json!(names), json!(images), json!(sel)]
}

fn node_cells(o: &Value, age: String) -> Vec<Value> {
    let conds = o["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let mut status = match conds.iter().find(|c| c["type"] == "Ready") {
        Some(c) if c["status"] == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if o["spec"]["unschedulable"] == true {
        status.push_str(",SchedulingDisabled");
    }
    let mut roles: Vec<String> = o["metadata"]["labels"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
        .collect();
    roles.sort();
    let addr = |t: &str| {
        o["status"]["addresses"].as_array().into_iter().flatten().find(|a| a["type"] == t).map(|a| s(&a["address"])).unwrap_or_else(|| "<none>".into())
    };
    let info = &o["status"]["nodeInfo"];
    vec![
        json!(status),
        json!(if roles.is_empty() { "<none>".into() } else { roles.join(",") }),
        json!(age),
        json!(s(&info["kubeletVersion"])),
        json!(addr("InternalIP")),
        json!(addr("ExternalIP")),
        json!(none_if_empty(s(&info["osImage"])).replace("<none>", "<unknown>")),
        json!(none_if_empty(s(&info["kernelVersion"])).replace("<none>", "<unknown>")),
        json!(none_if_empty(s(&info["containerRuntimeVersion"])).replace("<none>", "<unknown>")),
    ]
}

fn event_cells(o: &Value) -> Vec<Value> {
    let last = o["lastTimestamp"].as_str().or(o["eventTime"].as_str());
    let first = o["firstTimestamp"].as_str().or(o["eventTime"].as_str());
    let io = &o["involvedObject"];
    let source = match o["source"]["host"].as_str() {
        Some(h) if !h.is_empty() => format!("{}, {h}", s(&o["source"]["component"])),
        _ => s(&o["source"]["component"]),
    };
    vec![
        json!(age_of(last)),
        json!(s(&o["type"])),
        json!(s(&o["reason"])),
        json!(format!("{}/{}", s(&io["kind"]).to_lowercase(), s(&io["name"]))),
        json!(s(&io["fieldPath"])),
        json!(source),
        json!(s(&o["message"]).trim().to_string()),
        json!(age_of(first)),
        json!(o["count"].as_i64().unwrap_or(1)),
        json!(o["metadata"]["name"]),
    ]
}

fn cells(res: &Res, o: &Value) -> Vec<Value> {
    if res.name == "events" && res.custom.is_none() {
        return event_cells(o);
    }
    let mut name = json!(o["metadata"]["name"]);
    let default_class = |k: &str| o["metadata"]["annotations"][k] == "true";
    if res.name == "storageclasses" && (default_class("storageclass.kubernetes.io/is-default-class") || default_class("storageclass.beta.kubernetes.io/is-default-class")) {
        name = json!(format!("{} (default)", o["metadata"]["name"].as_str().unwrap_or("")));
    }
    let ts = o["metadata"]["creationTimestamp"].as_str();
    let age = age_of(ts);
    let count = |v: &Value| v.as_object().map(|m| m.len()).unwrap_or(0);
    let builtin = if res.custom.is_some() { "" } else { res.name };
    let rest = match builtin {
        "pods" => pod_cells(o, age),
        "namespaces" => vec![json!(o["status"]["phase"].as_str().unwrap_or("")), json!(age)],
        "configmaps" => vec![json!(count(&o["data"]) + count(&o["binaryData"])), json!(age)],
        "secrets" => vec![json!(s(&o["type"])), json!(count(&o["data"])), json!(age)],
        "services" => service_cells(o, age),
        "deployments" => deployment_cells(o, age),
        "nodes" => node_cells(o, age),
        "endpoints" => {
            let mut all = Vec::new();
            for ss in o["subsets"].as_array().into_iter().flatten() {
                for a in ss["addresses"].as_array().into_iter().flatten() {
                    for p in ss["ports"].as_array().into_iter().flatten() {
                        all.push(format!("{}:{}", s(&a["ip"]), p["port"]));
                    }
                }
            }
            let text = if all.is_empty() {
                "<none>".to_string()
            } else if all.len() > 3 {
                format!("{} + {} more...", all[..3].join(","), all.len() - 3)
            } else {
                all.join(",")
            };
            vec![json!(text), json!(age)]
        }
        "replicasets" => {
            let mut c = vec![json!(o["spec"]["replicas"].as_i64().unwrap_or(1)), json!(o["status"]["replicas"].as_i64().unwrap_or(0)), json!(o["status"]["readyReplicas"].as_i64().unwrap_or(0)), json!(age)];
            c.extend(deployment_cells(o, String::new()).into_iter().skip(4));
            c
        }
        _ => super::table_more::cells(res, o, age.clone()).unwrap_or_else(|| vec![json!(age)]),
    };
    std::iter::once(name).chain(rest).collect()
}

/// A `meta.k8s.io/v1` Table, serialised straight from the stored objects: a
/// row's metadata is borrowed, not copied (a 500-row page of pods copied
/// 500 metadata trees with their managedFields only to write them out).
/// Fields are declared in key order so the bytes equal those of the
/// equivalent `Value` (whose maps are sorted).
#[derive(Serialize)]
pub struct Table<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    #[serde(rename = "columnDefinitions")]
    column_definitions: Option<Vec<Value>>,
    kind: &'static str,
    pub metadata: Value,
    rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    cells: Vec<Value>,
    #[serde(skip_serializing_if = "RowObject::is_none")]
    object: RowObject<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RowObject<'a> {
    None,
    Metadata {
        #[serde(rename = "apiVersion")]
        api_version: &'static str,
        kind: &'static str,
        metadata: &'a Value,
    },
    Object(Value),
}

impl RowObject<'_> {
    fn is_none(&self) -> bool {
        matches!(self, RowObject::None)
    }
}

/// A Table of `items`. `include` is the `includeObject` parameter
/// (`Metadata` by default); `with_columns` is false for the watch events
/// after the first, which the apiserver sends without definitions.
pub fn table<'a>(res: &Res, items: impl IntoIterator<Item = &'a Value>, include: &str, with_columns: bool) -> Table<'a> {
    let rows = items
        .into_iter()
        .map(|o| Row {
            cells: cells(res, o),
            object: match include {
                "None" => RowObject::None,
                "Object" => RowObject::Object(super::api::objects_with_type(res, o)),
                _ => RowObject::Metadata { api_version: "meta.k8s.io/v1", kind: "PartialObjectMetadata", metadata: &o["metadata"] },
            },
        })
        .collect();
    let column_definitions = with_columns.then(|| {
        columns(res).into_iter().map(|(n, t, f, d, p)| json!({"name": n, "type": t, "format": f, "description": d, "priority": p})).collect()
    });
    Table { api_version: "meta.k8s.io/v1", column_definitions, kind: "Table", metadata: json!({}), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The borrowed form writes the bytes of the `Value` form (sorted keys,
    /// `null` column definitions after a watch's first event, no `object`
    /// with `includeObject=None`).
    #[test]
    fn serialises_as_the_value_form() {
        let res = super::super::resources::find("", "v1", "configmaps").unwrap();
        let cm = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "a", "namespace": "ns", "creationTimestamp": "2020-01-01T00:00:00Z",
                        "managedFields": [{"manager": "m", "fieldsV1": {"f:data": {}}}]}, "data": {"k": "v"}});
        let cells = cells(res, &cm);
        let cols: Vec<Value> = columns(res).into_iter().map(|(n, t, f, d, p)| json!({"name": n, "type": t, "format": f, "description": d, "priority": p})).collect();
        for (include, with_columns) in [("", true), ("Metadata", false), ("None", true), ("Object", true)] {
            let mut row = json!({"cells": cells});
            match include {
                "None" => {}
                "Object" => row["object"] = cm.clone(),
                _ => row["object"] = json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": cm["metadata"]}),
            }
            let columns = if with_columns { json!(cols) } else { Value::Null };
            let want = json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns, "rows": [row]});
            let got = serde_json::to_string(&table(res, [&cm], include, with_columns)).unwrap();
            assert_eq!(got, want.to_string(), "includeObject={include:?} with_columns={with_columns}");
        }
    }
}

//! Unknown fields are dropped from what is stored, as the apiserver drops
//! them: a built-in object is decoded into its Go type (fields it does not
//! have vanish), a custom resource is pruned to its structural schema. Clients
//! that validate (kubectl's default) never send them; this is what happens
//! with `--validate=false` or a plain API call.
//!
//! Built-in kinds walk a compact tree compiled once from the embedded
//! schemas (names and shapes only, no descriptions), so a server that
//! never serves OpenAPI does not keep the documents in memory.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::super::api::ApiError;
use super::super::resources::Res;
use super::super::store::Store;
use super::jsonpos::{self, Seg};

enum Node {
    /// Kept as sent (free-form, int-or-string, quantities, times, raw JSON).
    Any,
    Ref(usize),
    /// A Go struct (its type name, `v1.DeploymentSpec`, names it in errors).
    Object(String, HashMap<String, Node>),
    Map(Box<Node>),
    /// A Go slice (`[]v1.Container`).
    Array(String, Box<Node>),
    Str,
    Int(u8),
    Bool,
}

struct Tree {
    defs: Vec<Node>,
    /// (group, version, kind) -> definition
    kinds: HashMap<(String, String, String), usize>,
    object_meta: Option<usize>,
}

/// Types with their own JSON decoding: anything that decodes is kept.
const FREE: &[&str] = &[
    "Quantity", "IntOrString", "Time", "MicroTime", "RawExtension", "FieldsV1", "Patch", "JSON", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrBool",
    "JSONSchemaPropsOrStringArray",
];

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        // A transient parse: only the compiled tree stays.
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(super::EMBEDDED), &mut text).expect("embedded OpenAPI definitions");
        let doc: Value = serde_json::from_slice(&text).expect("embedded OpenAPI definitions");
        let defs = doc["definitions"].as_object().cloned().unwrap_or_default();
        let index: HashMap<&str, usize> = defs.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut kinds = HashMap::new();
        for (i, d) in defs.values().enumerate() {
            for g in d["x-kubernetes-group-version-kind"].as_array().into_iter().flatten() {
                let s = |k: &str| g[k].as_str().unwrap_or("").to_string();
                kinds.entry((s("group"), s("version"), s("kind"))).or_insert(i);
            }
        }
        let nodes = defs
            .iter()
            .map(|(name, d)| if FREE.contains(&name.rsplit('.').next().unwrap_or("")) { Node::Any } else { compile(d, go_type(name), &index) })
            .collect();
        let object_meta = index.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").copied();
        drop(index);
        drop(defs);
        drop(doc);
        super::trim();
        Tree { defs: nodes, kinds, object_meta }
    })
}

/// `io.k8s.api.apps.v1.DeploymentSpec` -> `v1.DeploymentSpec`.
fn go_type(def: &str) -> String {
    let mut it = def.rsplitn(3, '.');
    let (t, pkg) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
    format!("{pkg}.{t}")
}

fn compile(s: &Value, go: String, index: &HashMap<&str, usize>) -> Node {
    if let Some(r) = s["$ref"].as_str().and_then(|r| r.strip_prefix("#/definitions/")) {
        return index.get(r).map_or(Node::Any, |i| Node::Ref(*i));
    }
    if let Some(props) = s["properties"].as_object() {
        return Node::Object(go, props.iter().map(|(k, v)| (k.clone(), compile(v, String::new(), index))).collect());
    }
    match s["type"].as_str() {
        Some("object") if s["additionalProperties"].is_object() => Node::Map(Box::new(compile(&s["additionalProperties"], String::new(), index))),
        Some("array") if s["items"].is_object() => {
            let item = &s["items"];
            let elem = match (item["$ref"].as_str(), item["type"].as_str(), item["format"].as_str()) {
                (Some(r), _, _) => go_type(r.trim_start_matches("#/definitions/")),
                (_, Some("integer"), Some(f)) => f.to_string(),
                (_, Some(t), _) => t.to_string(),
                _ => "interface {}".into(),
            };
            Node::Array(format!("[]{elem}"), Box::new(compile(item, String::new(), index)))
        }
        Some("string") if s["format"].is_null() => Node::Str,
        Some("integer") => Node::Int(if s["format"] == "int32" { 32 } else { 64 }),
        Some("boolean") => Node::Bool,
        _ => Node::Any,
    }
}

/// A Go struct field's name from its JSON name (initialisms as Go spells them).
fn go_field(json: &str) -> String {
    const SPECIAL: &[(&str, &str)] = &[
        ("metadata", "ObjectMeta"), ("uid", "UID"), ("ip", "IP"), ("tls", "TLS"), ("apiVersion", "APIVersion"), ("apiGroup", "APIGroup"),
        ("apiGroups", "APIGroups"), ("hostIP", "HostIP"), ("podIP", "PodIP"), ("podIPs", "PodIPs"), ("clusterIP", "ClusterIP"),
        ("clusterIPs", "ClusterIPs"), ("externalIPs", "ExternalIPs"), ("loadBalancerIP", "LoadBalancerIP"), ("dnsPolicy", "DNSPolicy"),
        ("dnsConfig", "DNSConfig"), ("httpGet", "HTTPGet"), ("tcpSocket", "TCPSocket"), ("hostIPC", "HostIPC"), ("hostPID", "HostPID"),
        ("imageID", "ImageID"), ("podCIDR", "PodCIDR"), ("podCIDRs", "PodCIDRs"), ("ipFamilies", "IPFamilies"),
        ("ipFamilyPolicy", "IPFamilyPolicy"), ("qosClass", "QOSClass"), ("seLinuxOptions", "SELinuxOptions"),
        ("ttlSecondsAfterFinished", "TTLSecondsAfterFinished"), ("nonResourceURLs", "NonResourceURLs"), ("containerID", "ContainerID"),
    ];
    if let Some((_, g)) = SPECIAL.iter().find(|(j, _)| *j == json) {
        return g.to_string();
    }
    let mut c = json.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The first wrongly typed value: where it is, the decoder's path of Go types
/// to it, and the decoder operation that failed.
struct TypeError {
    path: Vec<Seg>,
    go: String,
    op: &'static str,
    /// The value's kind as Go's unstructured converter names it.
    found: &'static str,
}

struct Walk<'t> {
    t: &'t Tree,
    path: Vec<Seg>,
    go: Vec<String>,
    err: Option<TypeError>,
}

impl Walk<'_> {
    fn mismatch(&mut self, op: &'static str, v: &Value) {
        if self.err.is_none() {
            let found = match v {
                Value::String(_) => "string",
                Value::Bool(_) => "bool",
                Value::Number(n) if n.is_f64() => "float64",
                Value::Number(_) => "int64",
                Value::Array(_) => "slice",
                _ => "map",
            };
            self.err = Some(TypeError { path: self.path.clone(), go: self.go.concat(), op, found });
        }
    }

    fn node(&mut self, n: &Node, v: &mut Value) {
        if v.is_null() {
            return;
        }
        match n {
            Node::Any => {}
            Node::Ref(i) => {
                let t = self.t;
                self.node(&t.defs[*i], v)
            }
            Node::Object(name, props) => {
                let Value::Object(m) = v else { return self.mismatch("readObjectStart", v) };
                m.retain(|k, _| props.contains_key(k));
                for (k, x) in m.iter_mut() {
                    self.path.push(Seg::Key(k.clone()));
                    self.go.push(format!("{name}.{}: ", go_field(k)));
                    self.node(&props[k], x);
                    self.go.pop();
                    self.path.pop();
                }
            }
            Node::Map(item) => {
                let Value::Object(m) = v else { return self.mismatch("ReadMapCB", v) };
                for (k, x) in m.iter_mut() {
                    self.path.push(Seg::Key(k.clone()));
                    self.node(item, x);
                    self.path.pop();
                }
            }
            Node::Array(name, item) => {
                let Value::Array(a) = v else { return self.mismatch("decode slice", v) };
                self.go.push(format!("{name}: "));
                for (i, x) in a.iter_mut().enumerate() {
                    self.path.push(Seg::Index(i));
                    self.node(item, x);
                    self.path.pop();
                }
                self.go.pop();
            }
            Node::Str if !v.is_string() => self.mismatch("ReadString", v),
            Node::Int(bits) if !(v.is_i64() || v.is_u64()) => self.mismatch(if *bits == 32 { "readUint32" } else { "readUint64" }, v),
            Node::Bool if !v.is_boolean() => self.mismatch("ReadBool", v),
            _ => {}
        }
    }
}

/// json-iterator's words when `op` meets a value starting with `c`.
fn reader_error(op: &str, c: char) -> String {
    match op {
        "ReadString" => format!("ReadString: expects \" or n, but found {c}"),
        // The decoder prints its invalid-digit marker byte (0xff), which the
        // Status JSON carries as U+FFFD.
        "readUint32" | "readUint64" => format!("{op}: unexpected character: \u{fffd}"),
        "ReadBool" => format!("ReadBool: expect t or f, but found {c}"),
        "decode slice" => format!("decode slice: expect [ or n, but found {c}"),
        _ => format!("{op}: expect {{ or n, but found {c}"),
    }
}

/// The unstructured converter's words (a strategic merge patch result is
/// converted to the Go type that way, not decoded).
fn converter_error(op: &str, found: &str) -> String {
    match op {
        "readObjectStart" => format!("cannot restore struct from: {found}"),
        "ReadMapCB" => format!("cannot restore map from {found}"),
        "decode slice" => format!("cannot restore slice from {found}"),
        "ReadString" if found == "int64" => "cannot convert int64 to string".into(),
        "ReadString" => "unrecognized type: string".into(),
        "ReadBool" => "unrecognized type: bool".into(),
        _ => {
            let bits = if op == "readUint32" { "int32" } else { "int64" };
            if found == "float64" {
                format!("cannot convert float64 to {bits}")
            } else {
                format!("unrecognized type: {bits}")
            }
        }
    }
}

/// Go's `%v` of a decoded JSON value (`map[k:v]`, `[a b]`, `<nil>`).
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!("map[{}]", m.iter().map(|(k, x)| format!("{k}:{}", go_v(x))).collect::<Vec<_>>().join(" ")),
        other => other.to_string(),
    }
}

/// Go's `%q` of a printable string, without the quotes.
fn go_quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\t', "\\t")
}

/// What a write's object came from, for the error a wrongly typed value gets.
pub enum Source<'a> {
    /// The request body itself (create, update): the decoder's error, with context.
    Body(&'a [u8]),
    /// A strategic merge patch: the converter's error, quoting the patch.
    Strategic(Value),
    Other,
}

impl Source<'_> {
    /// For an update (`whole`: not a subresource) by PUT or PATCH.
    pub fn of(req: &super::super::api::Req, whole: bool) -> Source<'_> {
        match req.method {
            hyper::Method::PUT if whole => Source::Body(&req.body),
            hyper::Method::PATCH if req.content_type.starts_with("application/strategic-merge-patch+json") => {
                serde_json::from_slice(&req.body).map(Source::Strategic).unwrap_or(Source::Other)
            }
            _ => Source::Other,
        }
    }
}

/// How one resource's writes are pruned; made before the store commit (a
/// custom resource's schema is read from its stored CRD).
pub struct Pruner(Option<Value>);

impl Pruner {
    pub fn for_res(store: &Store, res: &Res) -> Pruner {
        if res.custom.is_none() {
            return Pruner(None);
        }
        let crd = store.get(&format!("apiextensions.k8s.io/customresourcedefinitions//{}.{}", res.name, res.group));
        let schema = crd.as_ref().and_then(|c| {
            c["spec"]["versions"].as_array().into_iter().flatten().find(|v| v["name"] == res.version).map(|v| v["schema"]["openAPIV3Schema"].clone())
        });
        // No schema: kept as sent.
        Pruner(Some(schema.unwrap_or(Value::Null)))
    }

    /// Drop unknown fields. A built-in object with a wrongly typed value is
    /// refused (400) as the apiserver's decoder refuses it; `raw` is the JSON
    /// body the object came from, for the decoder's error context. (The
    /// decoder goes on reading after some errors and then names more fields;
    /// only the first failing field is named here.)
    pub fn prune(&self, res: &Res, obj: &mut Value, source: &Source) -> Result<(), ApiError> {
        let t = tree();
        let mut w = Walk { t, path: Vec::new(), go: Vec::new(), err: None };
        match &self.0 {
            Some(Value::Null) => return Ok(()),
            Some(schema) => {
                prune_structural(schema, obj, true);
                if let Some(i) = t.object_meta {
                    w.node(&Node::Ref(i), &mut obj["metadata"]);
                }
                return Ok(());
            }
            None => match t.kinds.get(&(res.group.to_string(), res.version.to_string(), res.kind.to_string())) {
                Some(i) => w.node(&t.defs[*i], obj),
                None => return Ok(()),
            },
        }
        let Some(e) = w.err else { return Ok(()) };
        if let Source::Strategic(patch) = source {
            let value = format!("Invalid value: \"{}\": {}", go_quote(&go_v(patch)), converter_error(e.op, e.found));
            let mut err = ApiError::new(422, "Invalid", format!(" \"\" is invalid: patch: {value}"));
            err.details = Some(serde_json::json!({"causes": [{"reason": "FieldValueInvalid", "message": value, "field": "patch"}]}));
            return Err(err);
        }
        let raw = match source {
            Source::Body(b) => Some(*b),
            _ => None,
        };
        let at = raw.and_then(|b| jsonpos::locate(b, &e.path).map(|i| (b, i)));
        let c = at.and_then(|(b, i)| b.get(i).copied()).map(char::from).unwrap_or('?');
        let context = at.map(|(b, i)| jsonpos::context(b, i + 1)).unwrap_or_default();
        Err(ApiError::bad_request(format!(
            "{kind} in version \"{v}\" cannot be handled as a {kind}: {}{}{context}",
            e.go,
            reader_error(e.op, c),
            kind = res.kind,
            v = res.version
        )))
    }
}

/// A custom resource against its `openAPIV3Schema`.
fn prune_structural(s: &Value, v: &mut Value, root: bool) {
    if s["x-kubernetes-preserve-unknown-fields"] == true {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = s["properties"].as_object() {
                m.retain(|k, _| props.contains_key(k) || (root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata")));
                for (k, x) in m.iter_mut() {
                    if let Some(p) = props.get(k) {
                        prune_structural(p, x, false);
                    }
                }
            } else if s["additionalProperties"].is_object() {
                m.values_mut().for_each(|x| prune_structural(&s["additionalProperties"], x, false));
            } else if s["type"] == "object" && s["additionalProperties"] != true {
                m.retain(|k, _| root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata"));
            }
        }
        Value::Array(a) if s["items"].is_object() => a.iter_mut().for_each(|x| prune_structural(&s["items"], x, false)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::local::resources;

    #[test]
    fn drops_unknown_fields_of_builtin_kinds() {
        let res = resources::find("apps", "v1", "deployments").unwrap();
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "labelz": {}, "labels": {"x": "y"}},
            "spec": {"foo": 1, "replicas": 2, "strategy": {"rollingUpdate": {"maxSurge": "25%"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "i", "imagePolicy": "x", "env": [{"name": "A", "valu": "1"}]}]}}}});
        Pruner(None).prune(res, &mut d, &Source::Other).unwrap();
        assert_eq!(d, json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "labels": {"x": "y"}},
            "spec": {"replicas": 2, "strategy": {"rollingUpdate": {"maxSurge": "25%"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "i", "env": [{"name": "A"}]}]}}}}));
    }

    #[test]
    fn refuses_wrong_types_with_the_decoders_words() {
        let res = resources::find("apps", "v1", "deployments").unwrap();
        let raw = br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"oa-bad","namespace":"default"},"spec":{"replicas":"two","selector":{"matchLabels":{"app":"oa"}},"temp":1}}"#;
        let mut d: Value = serde_json::from_slice(raw).unwrap();
        let e = Pruner(None).prune(res, &mut d, &Source::Body(raw)).unwrap_err();
        assert_eq!(e.code, 400);
        // The reference apiserver's words for the same body.
        let want = "Deployment in version \"v1\" cannot be handled as a Deployment: v1.Deployment.Spec: v1.DeploymentSpec.Replicas: readUint32: unexpected character: \u{fffd}, error found in #10 byte of ...|eplicas\":\"two\",\"sele|..., bigger context ...|a-bad\",\"namespace\":\"default\"},\"spec\":{\"replicas\":\"two\",\"selector\":{\"matchLabels\":{\"app\":\"oa\"}},\"temp|...";
        assert_eq!(e.message, want);
        let mut p = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": 5}]}});
        let e = Pruner(None).prune(resources::find("", "v1", "pods").unwrap(), &mut p, &Source::Other).unwrap_err();
        let want = "Pod in version \"v1\" cannot be handled as a Pod: v1.Pod.Spec: v1.PodSpec.Containers: []v1.Container: v1.Container.Image: ReadString: expects \" or n, but found ?";
        assert_eq!(e.message, want);
    }

    #[test]
    fn strategic_patches_get_the_converters_words() {
        let res = resources::find("apps", "v1", "deployments").unwrap();
        let patch = json!({"spec": {"minReadySeconds": 1.5, "paused": "yes"}});
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": patch["spec"]});
        let e = Pruner(None).prune(res, &mut d, &Source::Strategic(patch)).unwrap_err();
        assert_eq!((e.code, e.reason), (422, "Invalid"));
        assert_eq!(e.message, " \"\" is invalid: patch: Invalid value: \"map[spec:map[minReadySeconds:1.5 paused:yes]]\": cannot convert float64 to int32");
        for (spec, want) in [
            (json!({"paused": "yes"}), "unrecognized type: bool"),
            (json!({"selector": "x"}), "cannot restore struct from: string"),
            (json!({"template": {"metadata": {"labels": ["a"]}}}), "cannot restore map from slice"),
            (json!({"template": {"spec": {"containers": [{"name": "c", "image": 5}]}}}), "cannot convert int64 to string"),
        ] {
            let mut d = json!({"spec": spec.clone()});
            let e = Pruner(None).prune(res, &mut d, &Source::Strategic(json!({"spec": spec}))).unwrap_err();
            assert!(e.message.ends_with(want), "{}", e.message);
        }
    }

    #[test]
    fn prunes_custom_resources_to_their_schema() {
        let res = resources::find("apps", "v1", "deployments").unwrap();
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}});
        let mut w = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w", "bogus": 1}, "spec": {"size": 1, "shape": "round", "free": {"any": 1}}, "extra": 1});
        Pruner(Some(schema)).prune(res, &mut w, &Source::Other).unwrap();
        assert_eq!(w, json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"size": 1, "free": {"any": 1}}}));
    }
}

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

use super::super::resources::Res;
use super::super::store::Store;

enum Node {
    /// Kept as sent (free-form, scalars, int-or-string, raw JSON).
    Any,
    Ref(usize),
    Object(HashMap<String, Node>),
    Map(Box<Node>),
    Array(Box<Node>),
}

struct Tree {
    defs: Vec<Node>,
    /// (group, version, kind) -> definition
    kinds: HashMap<(String, String, String), usize>,
    object_meta: Option<usize>,
}

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
        let nodes = defs.values().map(|d| compile(d, &index)).collect();
        let object_meta = index.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").copied();
        Tree { defs: nodes, kinds, object_meta }
    })
}

fn compile(s: &Value, index: &HashMap<&str, usize>) -> Node {
    if let Some(r) = s["$ref"].as_str().and_then(|r| r.strip_prefix("#/definitions/")) {
        return index.get(r).map_or(Node::Any, |i| Node::Ref(*i));
    }
    if let Some(props) = s["properties"].as_object() {
        return Node::Object(props.iter().map(|(k, v)| (k.clone(), compile(v, index))).collect());
    }
    if s["additionalProperties"].is_object() {
        return Node::Map(Box::new(compile(&s["additionalProperties"], index)));
    }
    if s["items"].is_object() {
        return Node::Array(Box::new(compile(&s["items"], index)));
    }
    Node::Any
}

fn prune_node(t: &Tree, n: &Node, v: &mut Value) {
    match (n, v) {
        (Node::Ref(i), v) => prune_node(t, &t.defs[*i], v),
        (Node::Object(props), Value::Object(m)) => {
            m.retain(|k, _| props.contains_key(k));
            for (k, x) in m.iter_mut() {
                prune_node(t, &props[k], x);
            }
        }
        (Node::Map(item), Value::Object(m)) => m.values_mut().for_each(|x| prune_node(t, item, x)),
        (Node::Array(item), Value::Array(a)) => a.iter_mut().for_each(|x| prune_node(t, item, x)),
        _ => {}
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
        // No schema (or preserve-unknown-fields at the root): kept as sent.
        Pruner(Some(schema.unwrap_or(Value::Null)))
    }

    pub fn prune(&self, res: &Res, obj: &mut Value) {
        match &self.0 {
            Some(Value::Null) => {}
            Some(schema) => {
                prune_structural(schema, obj, true);
                let t = tree();
                if let Some(i) = t.object_meta {
                    prune_node(t, &Node::Ref(i), &mut obj["metadata"]);
                }
            }
            None => {
                let t = tree();
                if let Some(i) = t.kinds.get(&(res.group.to_string(), res.version.to_string(), res.kind.to_string())) {
                    prune_node(t, &t.defs[*i], obj);
                }
            }
        }
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
        Pruner(None).prune(res, &mut d);
        assert_eq!(d, json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "labels": {"x": "y"}},
            "spec": {"replicas": 2, "strategy": {"rollingUpdate": {"maxSurge": "25%"}},
                "template": {"spec": {"containers": [{"name": "c", "image": "i", "env": [{"name": "A"}]}]}}}}));
    }

    #[test]
    fn prunes_custom_resources_to_their_schema() {
        let res = resources::find("apps", "v1", "deployments").unwrap();
        let schema = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}});
        let mut w = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w", "bogus": 1}, "spec": {"size": 1, "shape": "round", "free": {"any": 1}}, "extra": 1});
        Pruner(Some(schema)).prune(res, &mut w);
        assert_eq!(w, json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "w"}, "spec": {"size": 1, "free": {"any": 1}}}));
    }
}

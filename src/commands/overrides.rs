//! `--overrides` / `--override-type` of `kctl run` and `kctl expose`
//! (kubectl's `cmdutil.Overrider`): the generated object, patched as JSON.

use serde_json::Value;

use crate::commands::create::node::Node;
use crate::error::CliError;

/// The generated object with the inline override applied. An empty override
/// leaves it as built.
pub fn apply(obj: Node, override_type: &str, overrides: &str) -> Result<Node, CliError> {
    if overrides.is_empty() {
        return Ok(obj);
    }
    let doc = obj.to_value();
    let kind = doc["kind"].as_str().unwrap_or("").to_string();
    let patched = match override_type {
        "merge" => {
            let patch: Value = serde_json::from_str(overrides).map_err(|_| CliError::msg("Invalid JSON Patch"))?;
            crate::patch::apply_merge_patch(&doc, &patch).map_err(|e| CliError::msg(e.to_string()))?
        }
        "strategic" => {
            let patch: Value = serde_json::from_str(overrides).map_err(|e| CliError::msg(go_json_error(&e)))?;
            let schema = crate::patch::BuiltinSchema::for_kind(&kind);
            crate::patch::apply_strategic(&doc, &patch, &schema).map_err(|e| CliError::msg(e.to_string()))?
        }
        "json" => {
            let patch: Value = serde_json::from_str(overrides).map_err(|e| CliError::msg(go_json_error(&e)))?;
            crate::patch::apply_json_patch(&doc, &patch).map_err(|e| CliError::msg(crate::patch::kubectl_json_patch_message(&e)))?
        }
        other => return Err(CliError::msg(format!("invalid override type: {other}"))),
    };
    let mut node = reorder(&patched, Some(&obj));
    if kind == "Pod" {
        node = typed_pod(node);
    }
    Ok(node)
}

/// A Pod as kubectl's typed round trip leaves it: containers always carry
/// `resources`, and the spec is written in struct order.
fn typed_pod(mut node: Node) -> Node {
    if let Some(spec) = node.get_mut("spec") {
        for list in ["initContainers", "containers"] {
            if let Some(Node::Arr(items)) = spec.get_mut(list) {
                for c in items.iter_mut() {
                    if c.get("resources").is_none() {
                        c.push("resources", Node::obj());
                    }
                }
            }
        }
    }
    let template = Node::obj()
        .with("metadata", node.get("metadata").cloned().unwrap_or(Node::Null))
        .with("spec", node.get("spec").cloned().unwrap_or(Node::Null));
    let text = crate::printers::json::to_string_compact(&template);
    let Ok(parsed) = crate::commands::rollout::ordered::parse(text.as_bytes()) else { return node };
    let ordered = crate::printers::json::to_string_compact(&crate::commands::rollout::go_order::pod_template(&parsed));
    let Ok(Node::Obj(fields)) = serde_json::from_str::<Node>(&ordered) else { return node };
    for (k, v) in fields {
        if let Some(slot) = node.get_mut(&k) {
            *slot = v;
        }
    }
    if node.get("status").is_none() {
        node.push("status", Node::obj());
    }
    node
}

/// kubectl decodes the patched JSON back into its typed object, so fields it
/// built keep their struct order; fields the override adds follow them.
fn reorder(v: &Value, like: Option<&Node>) -> Node {
    match v {
        Value::Object(map) => {
            let mut fields = Vec::new();
            if let Some(Node::Obj(old)) = like {
                for (k, n) in old {
                    if let Some(val) = map.get(k) {
                        fields.push((k.clone(), reorder(val, Some(n))));
                    }
                }
            }
            for (k, val) in map {
                if !fields.iter().any(|(fk, _)| fk == k) {
                    fields.push((k.clone(), reorder(val, None)));
                }
            }
            Node::Obj(fields)
        }
        Value::Array(items) => {
            let old = match like {
                Some(Node::Arr(o)) => o.as_slice(),
                _ => &[],
            };
            Node::Arr(items.iter().enumerate().map(|(i, it)| reorder(it, old.get(i))).collect())
        }
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Number(n) => Node::Num(n.clone()),
        Value::String(s) => Node::Str(s.clone()),
    }
}

/// Go's `json.Unmarshal` wording for the common syntax error.
fn go_json_error(e: &serde_json::Error) -> String {
    format!("invalid character in JSON input (line {} column {})", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_built_order_and_appends() {
        let obj = Node::obj().with("kind", "Pod").with("spec", Node::obj().with("containers", Node::Arr(vec![])).with("restartPolicy", "Always"));
        let out = apply(obj, "merge", r#"{"spec":{"nodeName":"n"}}"#).unwrap();
        let json = crate::printers::json::to_string_compact(&out);
        assert_eq!(json, r#"{"kind":"Pod","spec":{"containers":[],"restartPolicy":"Always","nodeName":"n"},"status":{}}"#);
        assert!(apply(Node::obj(), "foo", "{}").unwrap_err().to_string().contains("invalid override type: foo"));
    }
}

//! JSON merge patch (RFC 7386) with evanphx/json-patch's behaviour, and
//! apimachinery's `jsonmergepatch.CreateThreeWayJSONMergePatch`, which
//! kubectl apply sends for types outside its scheme (custom resources).

use serde_json::{Map, Number, Value};

use super::gofmt::go_map_v;
use super::{PatchError, PatchErrorKind};

fn bad_doc() -> PatchError {
    PatchError::invalid("Invalid JSON Document")
}

fn bad_patch() -> PatchError {
    PatchError::invalid("Invalid JSON Patch")
}

/// evanphx `MergePatch`: `patch` applied to `doc`. Nulls delete; new
/// subtrees are added without their nulls (nulls inside arrays stay).
pub fn apply_merge_patch(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    if doc.is_null() {
        return Err(bad_doc());
    }
    match (doc, patch) {
        (_, Value::Null) => Err(bad_patch()),
        (Value::Object(d), Value::Object(p)) => {
            let mut d = d.clone();
            merge_docs(&mut d, p.clone());
            Ok(Value::Object(d))
        }
        // Not both documents: the patch (pruned) is the result.
        (_, Value::Object(p)) => {
            let mut v = Value::Object(p.clone());
            prune_nulls(&mut v);
            Ok(v)
        }
        (_, Value::Array(a)) => {
            let mut v = Value::Array(a.clone());
            prune_nulls(&mut v);
            Ok(v)
        }
        _ => Err(bad_patch()),
    }
}

fn merge_docs(doc: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            doc.remove(&k);
            continue;
        }
        match doc.get_mut(&k) {
            None | Some(Value::Null) => {
                let mut v = v;
                prune_nulls(&mut v);
                doc.insert(k, v);
            }
            Some(cur) => {
                let merged = merge_value(std::mem::take(cur), v);
                *cur = merged;
            }
        }
    }
}

fn merge_value(cur: Value, patch: Value) -> Value {
    match (cur, patch) {
        (Value::Object(mut c), Value::Object(p)) => {
            merge_docs(&mut c, p);
            Value::Object(c)
        }
        // A document replaced by a non-document: taken as is.
        (Value::Object(_), p) => p,
        (_, mut p) => {
            prune_nulls(&mut p);
            p
        }
    }
}

fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().filter(|v| !v.is_null()).for_each(prune_nulls),
        _ => {}
    }
}

/// evanphx `CreateMergePatch`: the merge patch turning `original` into
/// `modified` (both objects). Numbers compare as float64, as Go decodes
/// them there.
pub fn create_merge_patch(original: &Value, modified: &Value) -> Result<Value, PatchError> {
    match (original, modified) {
        (Value::Object(a), Value::Object(b)) => Ok(Value::Object(get_diff(a, b))),
        _ => Err(bad_doc()),
    }
}

/// JSON types as encoding/json decodes into `interface{}`.
fn json_kind(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

fn get_diff(a: &Map<String, Value>, b: &Map<String, Value>) -> Map<String, Value> {
    let mut into = Map::new();
    for (key, bv) in b {
        let Some(av) = a.get(key) else {
            into.insert(key.clone(), bv.clone());
            continue;
        };
        if json_kind(av) != json_kind(bv) {
            into.insert(key.clone(), bv.clone());
            continue;
        }
        match (av, bv) {
            (Value::Object(at), Value::Object(bt)) => {
                let dst = get_diff(at, bt);
                if !dst.is_empty() {
                    into.insert(key.clone(), Value::Object(dst));
                }
            }
            (Value::Null, _) => {}
            _ => {
                if !matches_value(av, bv) {
                    into.insert(key.clone(), bv.clone());
                }
            }
        }
    }
    for key in a.keys() {
        if !b.contains_key(key) {
            into.insert(key.clone(), Value::Null);
        }
    }
    into
}

fn matches_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| matches_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, xv)| matches_value(xv, y.get(k).unwrap_or(&Value::Null)))
        }
        _ => json_kind(a) == json_kind(b) && a == b,
    }
}

/// Numbers as they come back from a Go float64 round trip through
/// apimachinery's decoder: integral values become int64.
fn normalize_numbers(v: &mut Value) {
    match v {
        Value::Number(n) if !n.is_i64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    *v = Value::Number(Number::from(f as i64));
                }
            }
        }
        Value::Object(m) => m.values_mut().for_each(normalize_numbers),
        Value::Array(a) => a.iter_mut().for_each(normalize_numbers),
        _ => {}
    }
}

/// `keepOrDeleteNullInObj`: only the nulls (deletions) or only the rest.
fn keep_or_delete_null(m: &Map<String, Value>, keep_null: bool) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, val) in m {
        match val {
            Value::Null => {
                if keep_null {
                    out.insert(key.clone(), Value::Null);
                }
            }
            Value::Object(sub) if sub.is_empty() => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
            Value::Object(sub) => {
                let filtered = keep_or_delete_null(sub, keep_null);
                if !filtered.is_empty() {
                    out.insert(key.clone(), Value::Object(filtered));
                }
            }
            _ => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
        }
    }
    out
}

/// `mergepatch.HasConflicts` (JSON merge patch semantics).
fn json_has_conflicts(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => l
            .iter()
            .any(|(k, lv)| r.get(k).is_some_and(|rv| json_has_conflicts(lv, rv))),
        (Value::Object(_), _) => true,
        (Value::Array(l), Value::Array(r)) => {
            l.len() != r.len() || l.iter().zip(r).any(|(l, r)| json_has_conflicts(l, r))
        }
        (Value::Array(_), _) => true,
        _ => left != right,
    }
}

/// `CreateThreeWayJSONMergePatch` with kubectl apply's preconditions
/// (apiVersion, kind and metadata.name unchanged): deletions from
/// `original` (last-applied; `None` if absent) to `modified` as nulls, plus
/// additions and changes from `current` to `modified`.
pub fn create_three_way_json_merge(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<Value, PatchError> {
    let empty = Value::Object(Map::new());
    let original = original.unwrap_or(&empty);
    let mut add_change = create_merge_patch(current, modified)?;
    normalize_numbers(&mut add_change);
    let add_change = keep_or_delete_null(add_change.as_object().expect("object"), false);
    let mut delete = create_merge_patch(original, modified)?;
    normalize_numbers(&mut delete);
    let delete = keep_or_delete_null(delete.as_object().expect("object"), true);

    let (add_change, delete) = (Value::Object(add_change), Value::Object(delete));
    if json_has_conflicts(&add_change, &delete) {
        return Err(PatchError::new(
            PatchErrorKind::Conflict,
            format!(
                "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
                crate::printers::yaml::to_string(&add_change),
                crate::printers::yaml::to_string(&delete)
            ),
        ));
    }
    let patch = apply_merge_patch(&delete, &add_change)?;
    let map = patch.as_object().expect("merge of two objects");
    let name_changed = map
        .get("metadata")
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key("name"));
    if map.contains_key("apiVersion") || map.contains_key("kind") || name_changed {
        return Err(PatchError::new(
            PatchErrorKind::PreconditionFailed,
            format!("precondition failed for: {}", go_map_v(map)),
        ));
    }
    Ok(patch)
}

//! Conflict detection of the three-way strategic merge patch
//! (`MergingMapsHaveConflicts`): with `--overwrite=false`, kubectl apply
//! refuses a patch that changes anything changed since the last apply.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::gofmt::{go_s, go_v, GoType};
use super::meta::PatchMeta;
use super::smp_order::{dedup_scalars, slice_element_type, sort_scalars, DIRECTIVE, RETAIN_KEYS};
use super::PatchError;

fn child(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

/// `mergingMapFieldsHaveConflicts`.
fn fields_have_conflicts(
    left: &Value,
    right: &Value,
    schema: &dyn PatchMeta,
    path: &[String],
    strategy: &str,
    merge_key: &str,
) -> Result<bool, PatchError> {
    match left {
        Value::Object(l) => {
            let Value::Object(r) = right else {
                return Ok(true);
            };
            let lm = l.get(DIRECTIVE);
            let rm = r.get(DIRECTIVE);
            if (lm.is_some() || rm.is_some()) && (lm.is_some() != rm.is_some() || lm != rm) {
                return Ok(true);
            }
            if strategy == "replace" {
                return Ok(false);
            }
            maps_have_conflicts(l, r, schema, path)
        }
        Value::Array(l) => {
            let Value::Array(r) = right else {
                return Ok(true);
            };
            slices_have_conflicts(l, r, schema, path, strategy, merge_key)
        }
        _ => Ok(left != right),
    }
}

/// `mapsHaveConflicts`.
pub fn maps_have_conflicts(
    left: &Map<String, Value>,
    right: &Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
) -> Result<bool, PatchError> {
    for (key, lv) in left {
        if key == DIRECTIVE || key == RETAIN_KEYS {
            continue;
        }
        let Some(rv) = right.get(key) else {
            continue;
        };
        let path_k = child(path, key);
        let (strategy, merge_key) = match lv {
            Value::Array(_) | Value::Object(_) => {
                let meta = schema.field_meta(&path_k)?;
                (meta.split()?.1, meta.merge_key)
            }
            _ => (String::new(), String::new()),
        };
        if fields_have_conflicts(lv, rv, schema, &path_k, &strategy, &merge_key)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn slices_have_conflicts(
    left: &[Value],
    right: &[Value],
    schema: &dyn PatchMeta,
    path: &[String],
    strategy: &str,
    merge_key: &str,
) -> Result<bool, PatchError> {
    let elem = slice_element_type(&[left, right])?;
    if strategy == "merge" {
        if elem != GoType::Map {
            return Ok(false);
        }
        let l = slice_of_maps_to_map(left, merge_key)?;
        let r = slice_of_maps_to_map(right, merge_key)?;
        for (k, lv) in &l {
            if let Some(rv) = r.get(k) {
                if fields_have_conflicts(lv, rv, schema, path, "", "")? {
                    return Ok(true);
                }
            }
        }
        return Ok(false);
    }
    if left.len() != right.len() {
        return Ok(true);
    }
    let (l, r) = if elem != GoType::Map {
        (
            sort_scalars(dedup_scalars(left.to_vec())),
            sort_scalars(dedup_scalars(right.to_vec())),
        )
    } else {
        (left.to_vec(), right.to_vec())
    };
    for (lv, rv) in l.iter().zip(r.iter()) {
        if fields_have_conflicts(lv, rv, schema, path, "", "")? {
            return Ok(true);
        }
    }
    Ok(l.len() != r.len())
}

fn slice_of_maps_to_map(
    list: &[Value],
    merge_key: &str,
) -> Result<BTreeMap<String, Value>, PatchError> {
    let mut out = BTreeMap::new();
    for v in list {
        let Some(m) = v.as_object() else {
            return Err(PatchError::invalid(format!(
                "invalid element type in merging list:{}",
                go_v(&Value::Array(list.to_vec()))
            )));
        };
        let Some(key) = m.get(merge_key) else {
            return Err(PatchError::invalid(format!(
                "cannot find merge key `{merge_key}` in merging list element:{}",
                go_v(v)
            )));
        };
        out.insert(go_s(key), v.clone());
    }
    Ok(out)
}

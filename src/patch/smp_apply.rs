//! Applying strategic merge patches: apimachinery's `mergeMap` family
//! (`StrategicMergePatch`), also used to combine the two halves of a
//! three-way patch.

use serde_json::{Map, Value};

use super::gofmt::{go_type, go_v, GoType};
use super::meta::PatchMeta;
use super::smp_order::{
    contains_directive_marker, dedup_scalars, err_bad_arg_type, err_bad_patch_type,
    err_bad_retain_keys, err_bad_set_order, err_no_merge_key, extract_key, extract_to_delete_items,
    find_map_in_slice, merge_key_value_equal, normalize_element_order, partition_maps,
    partition_primitives, slice_element_type, DELETE_PRIMITIVE_PREFIX, DIRECTIVE, MAP_TYPE,
    RETAIN_KEYS, SET_ORDER_PREFIX, SLICE_TYPE,
};
use super::PatchError;

#[derive(Debug, Clone, Copy, Default)]
pub struct MergeOptions {
    /// Apply `$deleteFromPrimitiveList` and merge `$setElementOrder` lists
    /// (server side); otherwise keep them in the result (combining patches).
    pub merge_parallel_list: bool,
    /// Drop nulls that match nothing instead of keeping them.
    pub ignore_unmatched_nulls: bool,
}

/// `StrategicMergePatch`: `patch` applied to `original`.
pub fn apply_strategic(
    original: &Value,
    patch: &Value,
    schema: &dyn PatchMeta,
) -> Result<Value, PatchError> {
    let doc = |v: &Value| match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        _ => Err(PatchError::invalid("invalid JSON document")),
    };
    let opts = MergeOptions {
        merge_parallel_list: true,
        ignore_unmatched_nulls: true,
    };
    merge_map(doc(original)?, doc(patch)?, schema, &[], opts).map(Value::Object)
}

fn child(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

pub fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    opts: MergeOptions,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(err_bad_patch_type(directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch, opts)?;
    merge_set_element_order(&mut original, &mut patch, schema, path, opts)?;

    for (key, patch_v) in patch {
        let mut k = key;
        let mut is_delete_list = false;
        if k.starts_with(DELETE_PRIMITIVE_PREFIX) {
            if !opts.merge_parallel_list {
                original.insert(k, patch_v);
                continue;
            }
            k = extract_key(&k, DELETE_PRIMITIVE_PREFIX)?;
            is_delete_list = true;
        }
        if patch_v.is_null() {
            original.remove(&k);
            if opts.ignore_unmatched_nulls {
                continue;
            }
        }
        let replace_whole = match original.get(&k) {
            None => true,
            Some(o) => go_type(o) != go_type(&patch_v),
        };
        if replace_whole {
            if !is_delete_list {
                let mut v = patch_v;
                if opts.ignore_unmatched_nulls {
                    discard_nulls(&mut v);
                }
                match remove_directives(v) {
                    Some(v) => {
                        original.insert(k, v);
                    }
                    None => {
                        original.remove(&k);
                    }
                }
            }
            continue;
        }
        let path_k = child(path, &k);
        let current = original.remove(&k).expect("checked above");
        let merged = match (current, patch_v) {
            (Value::Object(o), Value::Object(p)) => {
                let (_, strategy) = schema.field_meta(&path_k)?.split()?;
                if strategy == "replace" {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, schema, &path_k, opts)?)
                }
            }
            (Value::Array(o), Value::Array(p)) => {
                let meta = schema.field_meta(&path_k)?;
                let (_, strategy) = meta.split()?;
                Value::Array(merge_slice_handler(
                    o,
                    p,
                    schema,
                    &path_k,
                    &strategy,
                    &meta.merge_key,
                    is_delete_list,
                    opts,
                )?)
            }
            (_, p) => match remove_directives(p) {
                Some(v) => v,
                None => continue,
            },
        };
        original.insert(k, merged);
    }
    Ok(original)
}

/// `discardNullValuesFromPatch`: nulls in maps anywhere below `v`.
fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// `removeDirectives`: drops maps carrying `$patch` (returns `None` when
/// `v` itself is one).
fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE) {
                return None;
            }
            Some(Value::Object(
                m.into_iter()
                    .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                    .collect(),
            ))
        }
        Value::Array(a) => Some(Value::Array(
            a.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}

/// `applyRetainKeysDirective`.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    opts: MergeOptions,
) -> Result<(), PatchError> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    if !opts.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if *existing != retain => {
                return Err(PatchError::invalid(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                    go_v(existing),
                    go_v(&retain)
                )))
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.to_string(), retain);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = retain else {
        return Err(err_bad_retain_keys());
    };
    let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null() || k.starts_with(DELETE_PRIMITIVE_PREFIX) || k.starts_with(SET_ORDER_PREFIX)
        {
            continue;
        }
        if !keep(k) {
            return Err(err_bad_retain_keys());
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

/// `mergePatchIntoOriginal`: handles `$setElementOrder/<list>` together with
/// the list it orders.
fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    opts: MergeOptions,
) -> Result<(), PatchError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let order_value = patch.remove(&key).expect("listed key");
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if *existing != order_value => return Err(err_bad_set_order()),
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_value.clone());
                }
            }
        }
        let Value::Array(order) = order_value else {
            return Err(err_bad_arg_type(SLICE_TYPE, &order_value));
        };
        let list_key = extract_key(&key, SET_ORDER_PREFIX)?;
        let as_list = |v: Option<&Value>| -> Result<Option<Vec<Value>>, PatchError> {
            match v {
                None => Ok(None),
                Some(Value::Array(a)) => Ok(Some(a.clone())),
                Some(other) => Err(err_bad_arg_type(SLICE_TYPE, other)),
            }
        };
        let original_list = as_list(original.get(&list_key))?;
        let patch_list = as_list(patch.get(&list_key))?;
        let list_path = child(path, &list_key);
        let meta = schema.field_meta(&list_path)?;
        let (_, strategy) = meta.split()?;
        let merge_key = meta.merge_key.clone();
        validate_patch_with_set_order(patch_list.as_deref().unwrap_or(&[]), &order, &merge_key)?;

        let original_items = original_list.clone().unwrap_or_default();
        let patch_items_in = patch_list.clone().unwrap_or_default();
        let merged = match (original_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) => p,
            (Some(o), Some(p)) => {
                merge_slice_handler(o, p, schema, &list_path, &strategy, &merge_key, false, opts)?
            }
            (None, None) => continue,
        };
        let (patch_items, server_only) = if merge_key.is_empty() {
            partition_primitives(merged, &order)
        } else {
            partition_maps(merged, &order, &merge_key)?
        };
        let is_map = slice_element_type(&[&original_items, &patch_items_in])? == GoType::Map;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            &original_items,
            &merge_key,
            is_map,
        )?;
        original.insert(list_key.clone(), Value::Array(both));
        patch.remove(&list_key);
    }
    Ok(())
}

/// `validatePatchWithSetOrderList`: the patch list must follow the order.
fn validate_patch_with_set_order(
    patch_list: &[Value],
    order: &[Value],
    merge_key: &str,
) -> Result<(), PatchError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        extract_to_delete_items(patch_list.to_vec())?.0
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if contains_directive_marker(&non_delete[pi]) {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(&non_delete[pi], &order[si], merge_key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(PatchError::invalid(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ORDER_PREFIX} list:\n{}\n",
            go_v(&Value::Array(patch_list.to_vec())),
            go_v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn merge_slice_handler(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    strategy: &str,
    merge_key: &str,
    is_delete_list: bool,
    opts: MergeOptions,
) -> Result<Vec<Value>, PatchError> {
    if strategy == "merge" {
        merge_slice(
            original,
            patch,
            schema,
            path,
            merge_key,
            opts,
            is_delete_list,
        )
    } else {
        Ok(patch)
    }
}

/// `mergeSlice`.
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    merge_key: &str,
    opts: MergeOptions,
    is_delete_list: bool,
) -> Result<Vec<Value>, PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let elem = slice_element_type(&[&original, &patch])?;
    let (original, patch, merged) = if elem != GoType::Map {
        if opts.merge_parallel_list && is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (original, patch, dedup_scalars(both))
    } else {
        if merge_key.is_empty() {
            return Err(PatchError::invalid(format!(
                "cannot merge lists without merge key for {}",
                path.last().map(String::as_str).unwrap_or("")
            )));
        }
        let (original, patch) = merge_slice_with_special_elements(original, patch, merge_key)?;
        let merged = merge_slice_without_special_elements(
            original.clone(),
            &patch,
            merge_key,
            schema,
            path,
            opts,
        )?;
        (original, patch, merged)
    };
    let (patch_items, server_only) = if merge_key.is_empty() {
        partition_primitives(merged, &patch)
    } else {
        partition_maps(merged, &patch, merge_key)?
    };
    normalize_element_order(
        patch_items,
        server_only,
        &patch,
        &original,
        merge_key,
        elem == GoType::Map,
    )
}

/// `mergeSliceWithSpecialElements`: applies `$patch: delete` items to
/// `original`; a `$patch: replace` item makes the rest of the patch the
/// new list.
fn merge_slice_with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut without = Vec::new();
    let mut replace = false;
    for v in patch {
        let m = v.as_object().expect("element type checked");
        match m.get(DIRECTIVE) {
            None => without.push(v),
            Some(directive) => match directive.as_str() {
                Some("delete") => {
                    let key_value = m
                        .get(merge_key)
                        .ok_or_else(|| err_no_merge_key(m, merge_key))?;
                    while let Some(i) = find_map_in_slice(&original, merge_key, key_value)? {
                        original.remove(i);
                    }
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(PatchError::invalid(
                        "merging lists cannot yet be specified in the patch",
                    ))
                }
                _ => return Err(err_bad_patch_type(directive, m)),
            },
        }
    }
    if replace {
        return Ok((without, Vec::new()));
    }
    Ok((original, without))
}

/// `mergeSliceWithoutSpecialElements`: merge items by key, append new ones.
fn merge_slice_without_special_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
    schema: &dyn PatchMeta,
    path: &[String],
    opts: MergeOptions,
) -> Result<Vec<Value>, PatchError> {
    for v in patch {
        let m = v.as_object().ok_or_else(|| err_bad_arg_type(MAP_TYPE, v))?;
        let key_value = m
            .get(merge_key)
            .ok_or_else(|| err_no_merge_key(m, merge_key))?;
        match find_map_in_slice(&original, merge_key, key_value)? {
            Some(i) => {
                let Value::Object(current) = std::mem::take(&mut original[i]) else {
                    unreachable!("find_map_in_slice only matches maps")
                };
                original[i] = Value::Object(merge_map(current, m.clone(), schema, path, opts)?);
            }
            None => original.push(v.clone()),
        }
    }
    Ok(original)
}

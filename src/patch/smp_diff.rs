//! Creating strategic merge patches: apimachinery's `diffMaps` family,
//! `CreateTwoWayMergePatch` and `CreateThreeWayMergePatch` (what
//! `kubectl apply` sends).

use serde_json::{Map, Value};

use super::gofmt::{go_type, go_v, GoType};
use super::meta::PatchMeta;
use super::smp_apply::{merge_map, MergeOptions};
use super::smp_conflict::maps_have_conflicts;
use super::smp_order::{
    dedup_scalars, err_bad_arg_type, err_no_merge_key, merge_key_value_equal,
    normalize_slice_order, slice_element_type, sort_merge_list, sort_scalars,
    DELETE_PRIMITIVE_PREFIX, DIRECTIVE, MAP_TYPE, RETAIN_KEYS, SET_ORDER_PREFIX,
};
use super::{PatchError, PatchErrorKind};

#[derive(Debug, Clone, Copy, Default)]
struct DiffOptions {
    /// Generate `$setElementOrder` parallel lists.
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    /// Emit a `$retainKeys` list for this map.
    build_retain_keys: bool,
}

fn as_doc(v: &Value) -> Result<&Map<String, Value>, PatchError> {
    v.as_object()
        .ok_or_else(|| PatchError::invalid("invalid JSON document"))
}

fn child(path: &[String], key: &str) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(key.to_string());
    p
}

/// `CreateTwoWayMergePatch`: the patch that turns `original` into
/// `modified` (used by `kubectl edit`, `set`, …).
pub fn create_two_way(
    original: &Value,
    modified: &Value,
    schema: &dyn PatchMeta,
) -> Result<Value, PatchError> {
    let opts = DiffOptions {
        set_element_order: true,
        ..Default::default()
    };
    diff_maps(as_doc(original)?, as_doc(modified)?, schema, &[], opts).map(Value::Object)
}

/// `CreateThreeWayMergePatch` as `kubectl apply` calls it: deletions are
/// the fields of `original` (the last-applied configuration; `None` when
/// the object has none) missing from `modified`; additions and changes are
/// the difference from `current` (the live object) to `modified`. When
/// `overwrite` is false, a patch touching anything changed between
/// `original` and `current` is a [`PatchErrorKind::Conflict`].
pub fn create_three_way(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
    schema: &dyn PatchMeta,
    overwrite: bool,
) -> Result<Value, PatchError> {
    let empty = Map::new();
    let original = match original {
        Some(v) => as_doc(v)?,
        None => &empty,
    };
    let modified = as_doc(modified)?;
    let current = as_doc(current)?;

    let delta = diff_maps(
        current,
        modified,
        schema,
        &[],
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..Default::default()
        },
    )?;
    let deletions = diff_maps(
        original,
        modified,
        schema,
        &[],
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..Default::default()
        },
    )?;
    let patch = merge_map(deletions, delta, schema, &[], MergeOptions::default())?;

    if !overwrite {
        let changed = diff_maps(original, current, schema, &[], DiffOptions::default())?;
        if maps_have_conflicts(&patch, &changed, schema, &[])? {
            let yaml = |m: &Map<String, Value>| {
                crate::printers::yaml::to_string(&Value::Object(m.clone()))
            };
            return Err(PatchError::new(
                PatchErrorKind::Conflict,
                format!(
                    "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
                    yaml(&patch),
                    yaml(&changed)
                ),
            ));
        }
    }
    Ok(Value::Object(patch))
}

fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    opts: DiffOptions,
) -> Result<Map<String, Value>, PatchError> {
    let mut patch = Map::new();
    let mut retain_keys = Vec::new();
    for (key, modified_value) in modified {
        if opts.build_retain_keys && !modified_value.is_null() {
            retain_keys.push(Value::String(key.clone()));
        }
        let Some(original_value) = original.get(key) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            match (original_value.as_str(), modified_value.as_str()) {
                (Some(o), Some(m)) => {
                    if o != m {
                        patch.insert(key.clone(), modified_value.clone());
                    }
                    continue;
                }
                _ => {
                    return Err(PatchError::invalid(format!(
                        "invalid value for special key: {DIRECTIVE}"
                    )))
                }
            }
        }
        if go_type(original_value) != go_type(modified_value) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        match (original_value, modified_value) {
            (Value::Object(o), Value::Object(m)) => {
                handle_map_diff(key, o, m, &mut patch, schema, path, opts)?
            }
            (Value::Array(o), Value::Array(m)) => {
                handle_slice_diff(key, o, m, &mut patch, schema, path, opts)?
            }
            _ => replace_if_not_equal(key, original_value, modified_value, &mut patch, opts),
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    if !retain_keys.is_empty()
        && (!patch.is_empty() || has_additional_new_field(original, modified))
    {
        patch.insert(
            RETAIN_KEYS.to_string(),
            Value::Array(sort_scalars(retain_keys)),
        );
    }
    Ok(patch)
}

fn has_additional_new_field(original: &Map<String, Value>, modified: &Map<String, Value>) -> bool {
    original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k))
}

fn replace_if_not_equal(
    key: &str,
    original: &Value,
    modified: &Value,
    patch: &mut Map<String, Value>,
    opts: DiffOptions,
) {
    if opts.ignore_changes_and_additions || original == modified {
        return;
    }
    patch.insert(key.to_string(), modified.clone());
}

fn handle_map_diff(
    key: &str,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    mut opts: DiffOptions,
) -> Result<(), PatchError> {
    let path = child(path, key);
    let meta = match schema.field_meta(&path) {
        Ok(m) => m,
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    let (retain_keys, strategy) = meta.split()?;
    opts.build_retain_keys = retain_keys;
    if strategy == "replace" {
        if !opts.ignore_changes_and_additions {
            patch.insert(key.to_string(), Value::Object(modified.clone()));
        }
        return Ok(());
    }
    let value = diff_maps(original, modified, schema, &path, opts)?;
    if !value.is_empty() {
        patch.insert(key.to_string(), Value::Object(value));
    }
    Ok(())
}

fn handle_slice_diff(
    key: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map<String, Value>,
    schema: &dyn PatchMeta,
    path: &[String],
    mut opts: DiffOptions,
) -> Result<(), PatchError> {
    let path = child(path, key);
    let meta = match schema.field_meta(&path) {
        Ok(m) => m,
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    let (retain_keys, strategy) = meta.split()?;
    if strategy != "merge" {
        if !opts.ignore_changes_and_additions && original != modified {
            patch.insert(key.to_string(), Value::Array(modified.to_vec()));
        }
        return Ok(());
    }
    opts.build_retain_keys = retain_keys;
    let (add, delete, order) =
        diff_lists(original, modified, schema, &path, &meta.merge_key, opts)?;
    if !add.is_empty() {
        patch.insert(key.to_string(), Value::Array(add));
    }
    if !delete.is_empty() {
        patch.insert(
            format!("{DELETE_PRIMITIVE_PREFIX}/{key}"),
            Value::Array(delete),
        );
    }
    if !order.is_empty() {
        patch.insert(format!("{SET_ORDER_PREFIX}/{key}"), Value::Array(order));
    }
    Ok(())
}

/// `diffLists`: the patch list, the parallel deletion list (primitives) and
/// the `$setElementOrder` list of a merging list.
type ListDiff = (Vec<Value>, Vec<Value>, Vec<Value>);

fn diff_lists(
    original: &[Value],
    modified: &[Value],
    schema: &dyn PatchMeta,
    path: &[String],
    merge_key: &str,
    opts: DiffOptions,
) -> Result<ListDiff, PatchError> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let mut order = Vec::new();
    match slice_element_type(&[original, modified])? {
        GoType::Map => {
            let (patch_list, delete_list) =
                diff_lists_of_maps(original, modified, schema, path, merge_key, opts)?;
            let mut patch_list = normalize_slice_order(patch_list, modified, merge_key, true)?;
            let order_same = is_order_same(original, modified, merge_key)?;
            patch_list.extend(delete_list);
            if opts.set_element_order
                && ((!opts.ignore_changes_and_additions && (!patch_list.is_empty() || !order_same))
                    || (!opts.ignore_deletions && !patch_list.is_empty()))
            {
                order = modified
                    .iter()
                    .map(|v| {
                        let value = v.get(merge_key).cloned().unwrap_or(Value::Null);
                        let mut m = Map::new();
                        m.insert(merge_key.to_string(), value);
                        Value::Object(m)
                    })
                    .collect();
            }
            Ok((patch_list, Vec::new(), order))
        }
        GoType::Slice => Err(super::smp_order::err_no_list_of_lists()),
        _ => {
            let (add, delete) = diff_lists_of_scalars(original, modified, opts);
            let add = normalize_slice_order(add, modified, merge_key, false)?;
            if opts.set_element_order
                && ((!opts.ignore_deletions && !delete.is_empty())
                    || (!opts.ignore_changes_and_additions && original != modified))
            {
                order = modified.to_vec();
            }
            Ok((add, delete, order))
        }
    }
}

fn is_order_same(
    original: &[Value],
    modified: &[Value],
    merge_key: &str,
) -> Result<bool, PatchError> {
    if original.len() != modified.len() {
        return Ok(false);
    }
    for (o, m) in original.iter().zip(modified) {
        if !merge_key_value_equal(o, m, merge_key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `diffListsOfScalars`: additions and (deduplicated) deletions, found by
/// walking both lists sorted by their `%v` rendering.
fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    opts: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let o = sort_scalars(original.to_vec());
    let m = sort_scalars(modified.to_vec());
    let (mut oi, mut mi) = (0, 0);
    let mut add = Vec::new();
    let mut delete = Vec::new();
    loop {
        let o_in = oi < o.len();
        let m_in = mi < m.len();
        if !o_in && !m_in {
            break;
        }
        let os = if o_in { go_v(&o[oi]) } else { String::new() };
        let ms = if m_in { go_v(&m[mi]) } else { String::new() };
        if o_in && m_in && os == ms {
            oi += 1;
            mi += 1;
        } else if !o_in || (m_in && os > ms) {
            if !opts.ignore_changes_and_additions {
                add.push(m[mi].clone());
            }
            mi += 1;
        } else {
            if !opts.ignore_deletions {
                delete.push(o[oi].clone());
            }
            oi += 1;
        }
    }
    (add, dedup_scalars(delete))
}

fn map_and_merge_key<'a>(
    v: &'a Value,
    merge_key: &str,
) -> Result<(&'a Map<String, Value>, &'a Value), PatchError> {
    let m = v.as_object().ok_or_else(|| err_bad_arg_type(MAP_TYPE, v))?;
    let k = m
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(m, merge_key))?;
    Ok((m, k))
}

/// `diffListsOfMaps`: changed/added items, and `$patch: delete` items.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    schema: &dyn PatchMeta,
    path: &[String],
    merge_key: &str,
    opts: DiffOptions,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let o = sort_merge_list(original, merge_key)?;
    let m = sort_merge_list(modified, merge_key)?;
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    let (mut oi, mut mi) = (0, 0);
    loop {
        let o_in = oi < o.len();
        let m_in = mi < m.len();
        if !o_in && !m_in {
            break;
        }
        let oe = if o_in {
            Some(map_and_merge_key(&o[oi], merge_key)?)
        } else {
            None
        };
        let me = if m_in {
            Some(map_and_merge_key(&m[mi], merge_key)?)
        } else {
            None
        };
        let os = oe.map(|(_, k)| go_v(k)).unwrap_or_default();
        let ms = me.map(|(_, k)| go_v(k)).unwrap_or_default();
        match (oe, me) {
            (Some((om, _)), Some((mm, mk))) if os == ms => {
                let mut value = diff_maps(om, mm, schema, path, opts)?;
                if !value.is_empty() {
                    value.insert(merge_key.to_string(), mk.clone());
                    patch.push(Value::Object(value));
                }
                oi += 1;
                mi += 1;
            }
            (None, Some((mm, _))) => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(mm.clone()));
                }
                mi += 1;
            }
            (Some(_), Some((mm, _))) if os > ms => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(mm.clone()));
                }
                mi += 1;
            }
            (Some((_, ok)), _) => {
                if !opts.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(merge_key.to_string(), ok.clone());
                    d.insert(DIRECTIVE.to_string(), Value::String("delete".into()));
                    deletions.push(Value::Object(d));
                }
                oi += 1;
            }
            (None, None) => unreachable!("loop ends when both lists are exhausted"),
        }
    }
    Ok((patch, deletions))
}

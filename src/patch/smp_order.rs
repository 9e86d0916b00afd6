//! List helpers of the strategic merge patch: Go's sorting (whose exact
//! behaviour decides the order of patch lists kubectl sends), merge-key
//! matching, partitioning and the `$setElementOrder` ordering rules, plus
//! apimachinery's `mergepatch` error texts.

use serde_json::{Map, Value};

use super::gofmt::{go_map_v, go_sprint_lists, go_type, go_type_name, go_v, GoType};
use super::PatchError;

pub const DIRECTIVE: &str = "$patch";
pub const RETAIN_KEYS: &str = "$retainKeys";
pub const DELETE_PRIMITIVE_PREFIX: &str = "$deleteFromPrimitiveList";
pub const SET_ORDER_PREFIX: &str = "$setElementOrder";

// ---- errors (k8s.io/apimachinery/pkg/util/mergepatch) ----

pub fn err_no_merge_key(m: &Map<String, Value>, key: &str) -> PatchError {
    PatchError::invalid(format!(
        "map: {} does not contain declared merge key: {key}",
        go_map_v(m)
    ))
}

/// `ErrBadArgType(expected, actual)` where `expected` is a Go type name.
pub fn err_bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    PatchError::invalid(format!(
        "expected a {expected}, but received a {}",
        go_type_name(go_type(actual))
    ))
}

pub fn err_bad_patch_type(directive: &Value, m: &Map<String, Value>) -> PatchError {
    PatchError::invalid(format!(
        "unknown patch type: {} in map: {}",
        super::gofmt::go_s(directive),
        go_map_v(m)
    ))
}

pub const MAP_TYPE: &str = "map[string]interface {}";
pub const SLICE_TYPE: &str = "[]interface {}";

pub fn err_no_list_of_lists() -> PatchError {
    PatchError::invalid("lists of lists are not supported")
}

pub fn err_bad_retain_keys() -> PatchError {
    PatchError::invalid("invalid patch format of retainKeys")
}

pub fn err_bad_set_order() -> PatchError {
    PatchError::invalid("invalid patch format of setElementOrder list")
}

pub fn err_bad_primitive_list() -> PatchError {
    PatchError::invalid("invalid patch format of primitive list")
}

/// `extractKey`: the list name after `PREFIX/`.
pub fn extract_key(s: &str, prefix: &str) -> Result<String, PatchError> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ if prefix == DELETE_PRIMITIVE_PREFIX => Err(err_bad_primitive_list()),
        _ if prefix == SET_ORDER_PREFIX => Err(err_bad_set_order()),
        _ => Err(PatchError::invalid(format!(
            "fail to find unknown prefix {prefix:?} in {s}\n"
        ))),
    }
}

// ---- Go's sort package ----

/// Go's `sort.Stable` / `sort.SliceStable`: insertion sort on blocks of 20
/// followed by SymMerge. Reproduced exactly because apimachinery's
/// comparators are not strict weak orders, so the algorithm shows.
pub fn go_stable_sort<T>(v: &mut [T], less: &dyn Fn(&T, &T) -> bool) {
    let n = v.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(v, a, b, less);
        a = b;
        b += block;
    }
    insertion_sort(v, a, n, less);
    while block < n {
        a = 0;
        b = 2 * block;
        while b <= n {
            sym_merge(v, a, a + block, b, less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(v, a, m, n, less);
        }
        block *= 2;
    }
}

fn insertion_sort<T>(v: &mut [T], a: usize, b: usize, less: &dyn Fn(&T, &T) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(v: &mut [T], a: usize, m: usize, b: usize, less: &dyn Fn(&T, &T) -> bool) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(&v[h], &v[a]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            v.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(&v[m], &v[h]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            v.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(&v[p - c], &v[c]) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(v, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(v, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(v, mid, end, b, less);
    }
}

fn swap_range<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        v.swap(a + i, b + i);
    }
}

fn rotate<T>(v: &mut [T], a: usize, m: usize, b: usize) {
    let mut i = m - a;
    let mut j = b - m;
    while i != j {
        if i > j {
            swap_range(v, m - i, m, j);
            i -= j;
        } else {
            swap_range(v, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(v, m - i, m, i);
}

/// `sortScalars`: by the `%v` rendering.
pub fn sort_scalars(mut v: Vec<Value>) -> Vec<Value> {
    v.sort_by_cached_key(go_v);
    v
}

/// `deduplicateScalars`, including its reordering (a duplicate is replaced
/// by the last element).
pub fn dedup_scalars(mut s: Vec<Value>) -> Vec<Value> {
    if s.is_empty() {
        return s;
    }
    let mut length = s.len() - 1;
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if s[i] == s[j] {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
                // j-- then j++ of the loop
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

/// `sortMergeListsByNameArray(s, mergeKey, recurse=false)`.
pub fn sort_merge_list(s: &[Value], merge_key: &str) -> Result<Vec<Value>, PatchError> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    if slice_element_type(&[s])? != GoType::Map {
        return Ok(sort_scalars(dedup_scalars(s.to_vec())));
    }
    let mut out = s.to_vec();
    out.sort_by_cached_key(|m| go_v(m.get(merge_key).unwrap_or(&Value::Null)));
    Ok(out)
}

/// `sliceElementType`: the common Go type of all elements.
pub fn slice_element_type(lists: &[&[Value]]) -> Result<GoType, PatchError> {
    let mut prev: Option<GoType> = None;
    for list in lists {
        for v in list.iter() {
            let t = go_type(v);
            match prev {
                None => {
                    if t == GoType::Slice {
                        return Err(err_no_list_of_lists());
                    }
                    prev = Some(t);
                }
                Some(p) if p != t => {
                    return Err(PatchError::invalid(format!(
                        "list element types are not identical: {}",
                        go_sprint_lists(lists)
                    )))
                }
                Some(_) => {}
            }
        }
    }
    prev.ok_or_else(|| PatchError::invalid("no elements in any of the given slices"))
}

// ---- merge keys ----

/// `findMapInSliceBasedOnKeyValue`: index of the first map whose `key` is `value`.
pub fn find_map_in_slice(
    list: &[Value],
    key: &str,
    value: &Value,
) -> Result<Option<usize>, PatchError> {
    for (i, v) in list.iter().enumerate() {
        let Some(m) = v.as_object() else {
            return Err(PatchError::invalid(format!(
                "value for key {i} is not a map."
            )));
        };
        if m.get(key) == Some(value) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `mergeKeyValueEqual`.
pub fn merge_key_value_equal(
    left: &Value,
    right: &Value,
    merge_key: &str,
) -> Result<bool, PatchError> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let l = left
        .as_object()
        .ok_or_else(|| err_bad_arg_type(MAP_TYPE, left))?;
    let r = right
        .as_object()
        .ok_or_else(|| err_bad_arg_type(MAP_TYPE, right))?;
    let lv = l
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(l, merge_key))?;
    let rv = r
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(r, merge_key))?;
    Ok(lv == rv)
}

pub fn validate_merge_key_in_lists(merge_key: &str, lists: &[&[Value]]) -> Result<(), PatchError> {
    for list in lists {
        for item in list.iter() {
            let m = item
                .as_object()
                .ok_or_else(|| err_bad_arg_type(MAP_TYPE, item))?;
            if !m.contains_key(merge_key) {
                return Err(err_no_merge_key(m, merge_key));
            }
        }
    }
    Ok(())
}

/// `extractToDeleteItems`: items to keep, items carrying `$patch: delete`.
pub fn extract_to_delete_items(l: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for v in l {
        let m = v
            .as_object()
            .ok_or_else(|| err_bad_arg_type(MAP_TYPE, &v))?;
        if m.get(DIRECTIVE).and_then(Value::as_str) == Some("delete") {
            delete.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, delete))
}

pub fn contains_directive_marker(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key(DIRECTIVE))
}

// ---- ordering ----

/// `index`: position of `val` in `list`, matching maps by merge key.
fn index_of(list: &[Value], val: &Value, merge_key: &str, is_map: bool) -> Option<usize> {
    let get = |item: &Value| -> Value {
        if is_map {
            item.as_object()
                .and_then(|m| m.get(merge_key))
                .cloned()
                .unwrap_or(Value::Null)
        } else {
            item.clone()
        }
    };
    let needle = get(val);
    list.iter().position(|v| get(v) == needle)
}

/// `normalizeSliceOrder`: sort `to_sort` by `order` (items missing from
/// `order` compare as "less"), deletion directives last.
pub fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    is_map: bool,
) -> Result<Vec<Value>, PatchError> {
    let (mut to_sort, to_delete) = if is_map {
        validate_merge_key_in_lists(merge_key, &[&to_sort, order])?;
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    let less = |a: &Value, b: &Value| -> bool {
        if let Some(ia) = index_of(order, a, merge_key, is_map) {
            if let Some(ib) = index_of(order, b, merge_key, is_map) {
                return ia < ib;
            }
        }
        true
    };
    go_stable_sort(&mut to_sort, &less);
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// `mergeSortedSlice`: interleave server-only items (`left`) into patch
/// items (`right`) using the live order.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: &str,
    is_map: bool,
) -> Vec<Value> {
    let size = left.len() + right.len();
    let mut out = Vec::with_capacity(size);
    let (mut i, mut j) = (0, 0);
    for _ in 0..size {
        if i >= left.len() && j < right.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() && i < left.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let li = index_of(server_order, &left[i], merge_key, is_map);
            let ri = index_of(server_order, &right[j], merge_key, is_map);
            if matches!((li, ri), (Some(l), Some(r)) if l < r) {
                out.push(left[i].clone());
                i += 1;
            } else {
                out.push(right[j].clone());
                j += 1;
            }
        }
    }
    out
}

/// `normalizeElementOrder`.
pub fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    is_map: bool,
) -> Result<Vec<Value>, PatchError> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, is_map)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, is_map)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        merge_key,
        is_map,
    ))
}

/// `partitionPrimitivesByPresentInList`.
pub fn partition_primitives(original: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    original.into_iter().partition(|v| by.contains(v))
}

/// `partitionMapsByPresentInList`.
pub fn partition_maps(
    original: Vec<Value>,
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut patch = Vec::new();
    let mut server_only = Vec::new();
    for v in original {
        let m = v
            .as_object()
            .ok_or_else(|| err_bad_arg_type(MAP_TYPE, &v))?;
        let key_value = m
            .get(merge_key)
            .ok_or_else(|| err_no_merge_key(m, merge_key))?;
        if find_map_in_slice(by, merge_key, key_value)?.is_some() {
            patch.push(v);
        } else {
            server_only.push(v);
        }
    }
    Ok((patch, server_only))
}

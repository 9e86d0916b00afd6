//! JSON patch (RFC 6902) as gopkg.in/evanphx/json-patch.v4 applies it for
//! kubectl and the API server, with its error texts (pkg/errors chains
//! such as `add operation does not apply: doc is missing path: "/a/b":
//! missing value`) and its quirks: `replace` of a missing object key adds
//! it, negative array indices count from the end.

use serde_json::Value;

use super::{PatchError, PatchErrorKind};

const MISSING: &str = "missing value";
const INVALID_INDEX: &str = "invalid index referenced";

fn missing(context: String) -> PatchError {
    PatchError::invalid(format!("{context}: {MISSING}"))
}

fn wrap(context: String, err: PatchError) -> PatchError {
    PatchError::new(err.kind, format!("{context}: {}", err.message))
}

/// Applies the operations of `patch` (a JSON array) to `doc` in order.
pub fn apply_json_patch(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops = match patch {
        Value::Array(ops) => ops,
        Value::Null => return Ok(doc.clone()),
        other => {
            return Err(PatchError::invalid(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                json_type_word(other)
            )))
        }
    };
    let mut doc = doc.clone();
    if !doc.is_object() && !doc.is_array() {
        return Err(PatchError::invalid(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.partialDoc",
            json_type_word(&doc)
        )));
    }
    for op in ops {
        let Some(op) = op.as_object() else {
            return Err(PatchError::invalid(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                json_type_word(op)
            )));
        };
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
        let value = op.get("value").cloned();
        match kind {
            "add" => {
                let path = op_string(op, "path")
                    .map_err(|_| missing("add operation failed to decode path".into()))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "add operation does not apply: doc is missing path: \"{path}\""
                    ))
                })?;
                add(con, &key, value.unwrap_or(Value::Null))
                    .map_err(|e| wrap(format!("error in add for path: '{path}'"), e))?;
            }
            "remove" => {
                let path = op_string(op, "path")
                    .map_err(|_| missing("remove operation failed to decode path".into()))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "remove operation does not apply: doc is missing path: \"{path}\""
                    ))
                })?;
                remove(con, &key)
                    .map_err(|e| wrap(format!("error in remove for path: '{path}'"), e))?;
            }
            "replace" => {
                let path = op_string(op, "path")
                    .map_err(|e| wrap("replace operation failed to decode path".into(), e))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "replace operation does not apply: doc is missing path: {path}"
                    ))
                })?;
                if get(con, &key).is_err() {
                    return Err(missing(format!(
                        "replace operation does not apply: doc is missing key: {path}"
                    )));
                }
                set(con, &key, value.unwrap_or(Value::Null))
                    .map_err(|e| wrap(format!("error in remove for path: '{path}'"), e))?;
            }
            "move" => {
                let from = op_string(op, "from")
                    .map_err(|e| wrap("move operation failed to decode from".into(), e))?;
                let (con, key) = find_object(&mut doc, &from).ok_or_else(|| {
                    missing(format!(
                        "move operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                let val = get(con, &key)
                    .map_err(|e| wrap(format!("error in move for path: '{key}'"), e))?
                    .cloned()
                    .unwrap_or(Value::Null);
                remove(con, &key)
                    .map_err(|e| wrap(format!("error in move for path: '{key}'"), e))?;
                let path = op_string(op, "path")
                    .map_err(|e| wrap("move operation failed to decode path".into(), e))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "move operation does not apply: doc is missing destination path: {path}"
                    ))
                })?;
                add(con, &key, val)
                    .map_err(|e| wrap(format!("error in move for path: '{path}'"), e))?;
            }
            "test" => {
                let path = op_string(op, "path")
                    .map_err(|e| wrap("test operation failed to decode path".into(), e))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "test operation does not apply: is missing path: {path}"
                    ))
                })?;
                let val = get(con, &key)
                    .map_err(|e| wrap(format!("error in test for path: '{path}'"), e))?;
                let failed = || {
                    PatchError::new(
                        PatchErrorKind::TestFailed,
                        format!("testing value {path} failed: test failed"),
                    )
                };
                match (val, &value) {
                    (None | Some(Value::Null), Some(Value::Null) | None) => {}
                    (None | Some(Value::Null), Some(_)) => return Err(failed()),
                    (Some(_), None) => return Err(failed()),
                    (Some(v), Some(expected)) => {
                        if !lazy_equal(v, expected) {
                            return Err(failed());
                        }
                    }
                }
            }
            "copy" => {
                let from = op_string(op, "from")
                    .map_err(|e| wrap("copy operation failed to decode from".into(), e))?;
                let (con, key) = find_object(&mut doc, &from).ok_or_else(|| {
                    missing(format!(
                        "copy operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
                let val = get(con, &key)
                    .map_err(|e| wrap(format!("error in copy for from: '{from}'"), e))?
                    .cloned()
                    .unwrap_or(Value::Null);
                let path = op_string(op, "path")
                    .map_err(|_| missing("copy operation failed to decode path".into()))?;
                let (con, key) = find_object(&mut doc, &path).ok_or_else(|| {
                    missing(format!(
                        "copy operation does not apply: doc is missing destination path: {path}"
                    ))
                })?;
                add(con, &key, val)
                    .map_err(|e| wrap("error while adding value during copy".into(), e))?;
            }
            other => return Err(PatchError::invalid(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

fn json_type_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// An operation's string field (`path`, `from`).
fn op_string(op: &serde_json::Map<String, Value>, field: &str) -> Result<String, PatchError> {
    match op.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(missing(if field == "path" {
            "operation missing path field".to_string()
        } else {
            "operation, missing from field".to_string()
        })),
        Some(other) => Err(PatchError::invalid(format!(
            "json: cannot unmarshal {} into Go value of type string",
            json_type_word(other)
        ))),
    }
}

/// RFC 6901 unescaping, left to right (`~01` is `~1`).
fn decode_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    out.push('/');
                    continue;
                }
                Some('0') => {
                    chars.next();
                    out.push('~');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// Go's `strconv.Atoi` (error text included).
fn atoi(s: &str) -> Result<i64, PatchError> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PatchError::invalid(format!(
            "strconv.Atoi: parsing {s:?}: invalid syntax"
        )));
    }
    s.trim_start_matches('+').parse::<i64>().map_err(|_| {
        PatchError::invalid(format!("strconv.Atoi: parsing {s:?}: value out of range"))
    })
}

fn invalid_index(idx: i64) -> PatchError {
    PatchError::invalid(format!(
        "Unable to access invalid index: {idx}: {INVALID_INDEX}"
    ))
}

/// An existing element's position; negative indices count from the end.
fn existing_index(len: usize, key: &str) -> Result<usize, PatchError> {
    let idx = atoi(key)?;
    let len = len as i64;
    if idx >= len || idx < -len {
        return Err(invalid_index(idx));
    }
    Ok(if idx < 0 { idx + len } else { idx } as usize)
}

/// The parent container of `path` and the last (decoded) key.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let key = decode_key(part);
        let next = match cur {
            Value::Object(m) => m.get_mut(&key)?,
            Value::Array(a) => {
                let i = existing_index(a.len(), &key).ok()?;
                &mut a[i]
            }
            _ => return None,
        };
        if !next.is_object() && !next.is_array() {
            return None;
        }
        cur = next;
    }
    Some((cur, decode_key(split[split.len() - 1])))
}

fn get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, PatchError> {
    match con {
        Value::Object(m) => Ok(m.get(key)),
        Value::Array(a) => Ok(Some(&a[existing_index(a.len(), key)?])),
        _ => Ok(None),
    }
}

fn set(con: &mut Value, key: &str, val: Value) -> Result<(), PatchError> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
        }
        Value::Array(a) => {
            let i = existing_index(a.len(), key)?;
            a[i] = val;
        }
        _ => {}
    }
    Ok(())
}

fn add(con: &mut Value, key: &str, val: Value) -> Result<(), PatchError> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let idx = atoi(key)
                .map_err(|e| wrap(format!("value was not a proper array index: '{key}'"), e))?;
            let size = a.len() as i64 + 1;
            if idx >= size || idx < -size {
                return Err(invalid_index(idx));
            }
            let idx = if idx < 0 { idx + size } else { idx };
            a.insert(idx as usize, val);
        }
        _ => {}
    }
    Ok(())
}

fn remove(con: &mut Value, key: &str) -> Result<(), PatchError> {
    match con {
        Value::Object(m) => {
            m.remove(key)
                .ok_or_else(|| missing(format!("Unable to remove nonexistent key: {key}")))?;
        }
        Value::Array(a) => {
            let i = existing_index(a.len(), key)?;
            a.remove(i);
        }
        _ => {}
    }
    Ok(())
}

/// evanphx's `lazyNode.equal` (document value against the test value):
/// structural equality, numbers compared as numbers.
fn lazy_equal(n: &Value, o: &Value) -> bool {
    match (n, o) {
        (Value::Object(nm), Value::Object(om)) => {
            nm.len() == om.len()
                && nm
                    .iter()
                    .all(|(k, v)| om.get(k).is_some_and(|ov| lazy_equal(v, ov)))
        }
        (Value::Array(na), Value::Array(oa)) => {
            na.len() == oa.len() && na.iter().zip(oa).all(|(a, b)| lazy_equal(a, b))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => n == o,
    }
}

/// The message `kubectl patch` prints for a failed JSON patch: kubectl
/// rewrites "doc is missing key" failures as "Object to be patched is
/// missing field (…)".
pub fn kubectl_json_patch_message(err: &PatchError) -> String {
    let msg = &err.message;
    if msg.contains("doc is missing key") {
        if let Some(ix) = msg.find("key:") {
            return format!(
                "Object to be patched is missing field ({})",
                msg.get(ix + 5..).unwrap_or("")
            );
        }
    }
    msg.clone()
}

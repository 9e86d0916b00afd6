//! Decoding the protobuf bodies kubectl's typed clients send
//! (`Content-Type: application/vnd.kubernetes.protobuf`; client-go does not
//! fall back to JSON on 415). The field table `proto_schema.txt` is generated
//! from the Kubernetes `generated.proto` files by scripts/local/gen-proto-schema.py
//! (46 KB; only the API groups served here). The result is the object's JSON.

use std::collections::HashMap;
use std::sync::OnceLock;

use base64::Engine;
use serde_json::{json, Map, Value};

static SCHEMA_TEXT: &str = include_str!("proto_schema.txt");

struct Field {
    name: &'static str,
    ty: &'static str,
}

type Schema = HashMap<&'static str, HashMap<u64, Field>>;

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| {
        let mut s = HashMap::new();
        for line in SCHEMA_TEXT.lines() {
            let mut parts = line.split(' ');
            let Some(msg) = parts.next() else { continue };
            let mut fields = HashMap::new();
            for f in parts {
                let Some((name, rest)) = f.split_once('=') else { continue };
                let Some((num, ty)) = rest.split_once(':') else { continue };
                if let Ok(n) = num.parse() {
                    fields.insert(n, Field { name, ty });
                }
            }
            s.insert(msg, fields);
        }
        s
    })
}

const MAGIC: &[u8] = b"k8s\x00";

fn group_pkg(api_version: &str) -> &'static str {
    match api_version.split_once('/').map(|(g, _)| g).unwrap_or("") {
        "" => "core",
        "apps" => "apps",
        "batch" => "batch",
        "networking.k8s.io" => "networking",
        "storage.k8s.io" => "storage",
        "rbac.authorization.k8s.io" => "rbac",
        "discovery.k8s.io" => "discovery",
        "autoscaling" => "autoscaling",
        "policy" => "policy",
        _ => "",
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.b.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= ((byte & 0x7f) as u64) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.varint()? as usize;
        let end = self.pos.checked_add(n).filter(|e| *e <= self.b.len()).ok_or("truncated field")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn fixed(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos + n;
        let s = self.b.get(self.pos..end).ok_or("truncated fixed field")?;
        self.pos = end;
        Ok(s)
    }
}

/// One wire value: a varint, a fixed64/32, or length-delimited bytes.
enum Wire<'a> {
    Int(u64),
    Fixed64(u64),
    Fixed32(u32),
    Len(&'a [u8]),
}

fn fields(b: &[u8]) -> Result<Vec<(u64, Wire<'_>)>, String> {
    let mut r = Reader { b, pos: 0 };
    let mut out = Vec::new();
    while r.pos < b.len() {
        let tag = r.varint()?;
        let w = match tag & 7 {
            0 => Wire::Int(r.varint()?),
            1 => Wire::Fixed64(u64::from_le_bytes(r.fixed(8)?.try_into().unwrap())),
            2 => Wire::Len(r.bytes()?),
            5 => Wire::Fixed32(u32::from_le_bytes(r.fixed(4)?.try_into().unwrap())),
            t => return Err(format!("unsupported wire type {t}")),
        };
        out.push((tag >> 3, w));
    }
    Ok(out)
}

fn scalar(ty: &str, w: &Wire) -> Result<Value, String> {
    Ok(match (ty, w) {
        ("string", Wire::Len(b)) => json!(String::from_utf8_lossy(b)),
        ("bytes", Wire::Len(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        ("bool", Wire::Int(v)) => json!(*v != 0),
        ("int32", Wire::Int(v)) => json!(*v as i64 as i32),
        ("int64", Wire::Int(v)) => json!(*v as i64),
        ("uint32" | "uint64", Wire::Int(v)) => json!(*v),
        ("double" | "fixed64", Wire::Fixed64(v)) => json!(f64::from_bits(*v)),
        ("float" | "fixed32", Wire::Fixed32(v)) => json!(f32::from_bits(*v)),
        _ => return Err(format!("field of type {ty} has an unexpected encoding")),
    })
}

fn is_scalar(ty: &str) -> bool {
    matches!(ty, "string" | "bytes" | "bool" | "int32" | "int64" | "uint32" | "uint64" | "double" | "float" | "fixed64" | "fixed32")
}

fn value(ty: &str, w: &Wire) -> Result<Value, String> {
    if is_scalar(ty) {
        return scalar(ty, w);
    }
    let Wire::Len(b) = w else { return Err(format!("message {ty} has an unexpected encoding")) };
    message(ty, b)
}

/// Integer fields that are pointers in the Go types, where an explicit 0 means
/// something (the wire form cannot tell them from unset non-pointer zeros).
const POINTER_INTS: &[&str] = &[
    "replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "terminationGracePeriodSeconds", "backoffLimit",
    "parallelism", "completions", "activeDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
    "startingDeadlineSeconds", "ttlSecondsAfterFinished", "defaultMode", "mode", "runAsUser", "runAsGroup", "fsGroup",
    "priority", "deletionGracePeriodSeconds", "expirationSeconds", "minAvailable", "maxUnavailable",
];

/// Whether a decoded value is the zero value gogo-protobuf writes for
/// non-pointer fields (and Go's `omitempty` would have dropped in JSON).
fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

fn message(ty: &str, b: &[u8]) -> Result<Value, String> {
    let fs = fields(b)?;
    // Types with a custom JSON form.
    match ty {
        "meta.Time" | "meta.MicroTime" => {
            let secs = fs.iter().find_map(|(n, w)| match (n, w) { (1, Wire::Int(v)) => Some(*v as i64), _ => None }).unwrap_or(0);
            if secs == 0 {
                return Ok(Value::Null);
            }
            return Ok(json!(crate::printers::describe::time::format_rfc3339(secs, 0)));
        }
        "intstr.IntOrString" => {
            let mut kind = 0;
            let (mut i, mut s) = (0i64, String::new());
            for (n, w) in &fs {
                match (n, w) {
                    (1, Wire::Int(v)) => kind = *v,
                    (2, Wire::Int(v)) => i = *v as i64 as i32 as i64,
                    (3, Wire::Len(b)) => s = String::from_utf8_lossy(b).into_owned(),
                    _ => {}
                }
            }
            return Ok(if kind == 1 { json!(s) } else { json!(i) });
        }
        "resource.Quantity" => {
            return Ok(fs.iter().find_map(|(n, w)| match (n, w) { (1, Wire::Len(b)) => Some(json!(String::from_utf8_lossy(b))), _ => None }).unwrap_or(json!("0")));
        }
        "runtime.RawExtension" | "meta.FieldsV1" => {
            let raw = fs.iter().find_map(|(n, w)| match (n, w) { (1, Wire::Len(b)) => Some(*b), _ => None }).unwrap_or(b"null");
            return serde_json::from_slice(raw).map_err(|e| e.to_string());
        }
        "meta.Duration" => {
            let ns = fs.iter().find_map(|(n, w)| match (n, w) { (1, Wire::Int(v)) => Some(*v as i64), _ => None }).unwrap_or(0);
            return Ok(json!(crate::settings::format_go_duration(std::time::Duration::from_nanos(ns.max(0) as u64))));
        }
        _ => {}
    }
    let table = schema().get(ty).ok_or_else(|| format!("unknown protobuf message {ty}"))?;
    let mut out = Map::new();
    for (n, w) in &fs {
        // Fields newer than the table are skipped, as proto2 decoders do.
        let Some(f) = table.get(n) else { continue };
        if let Some(inner) = f.ty.strip_prefix("map:") {
            let Wire::Len(entry) = w else { continue };
            let (mut k, mut v) = (String::new(), Value::Null);
            for (en, ew) in fields(entry)? {
                match en {
                    1 => k = scalar("string", &ew)?.as_str().unwrap_or("").to_string(),
                    2 => v = value(inner, &ew)?,
                    _ => {}
                }
            }
            if v.is_null() {
                v = if inner == "string" || inner == "bytes" { json!("") } else { Value::Null };
            }
            out.entry(f.name).or_insert_with(|| json!({}))[k] = v;
        } else if let Some(inner) = f.ty.strip_prefix('*') {
            let list = out.entry(f.name).or_insert_with(|| json!([]));
            match w {
                // Packed repeated numbers.
                Wire::Len(b) if matches!(inner, "int32" | "int64" | "bool" | "uint32" | "uint64") => {
                    let mut r = Reader { b, pos: 0 };
                    while r.pos < b.len() {
                        list.as_array_mut().unwrap().push(scalar(inner, &Wire::Int(r.varint()?))?);
                    }
                }
                _ => list.as_array_mut().unwrap().push(value(inner, w)?),
            }
        } else {
            let v = value(f.ty, w)?;
            out.insert(f.name.to_string(), v);
        }
    }
    out.retain(|k, v| !(is_zero(v) || (v == &json!(0) && !POINTER_INTS.contains(&k.as_str()))));
    Ok(Value::Object(out))
}

/// The JSON object of a `k8s\0`-framed `runtime.Unknown` body.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body.strip_prefix(MAGIC).ok_or("missing the k8s protobuf envelope")?;
    let unknown = message("runtime.Unknown", rest)?;
    let tm = &unknown["typeMeta"];
    let (api_version, kind) = (tm["apiVersion"].as_str().unwrap_or(""), tm["kind"].as_str().unwrap_or(""));
    let raw = unknown["raw"].as_str().map(|s| base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()).unwrap_or_default();
    let mut ty = format!("{}.{kind}", group_pkg(api_version));
    if !schema().contains_key(ty.as_str()) {
        // e.g. batch/v1 CronJob, described by the batch/v1beta1 table (same field numbers).
        ty = schema().keys().find(|k| k.rsplit('.').next() == Some(kind)).map(|k| k.to_string()).ok_or_else(|| format!("no protobuf schema for {api_version} {kind}"))?;
    }
    let mut obj = message(&ty, &raw)?;
    let m = obj.as_object_mut().unwrap();
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind));
    out.insert("apiVersion".into(), json!(api_version));
    out.extend(std::mem::take(m));
    Ok(Value::Object(out))
}

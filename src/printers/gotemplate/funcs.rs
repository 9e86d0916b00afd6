//! The template functions: Go's builtins (funcs.go) and the two kubectl
//! adds (`exists`, `base64decode`), with their Go signatures, which decide
//! how the executor checks and converts arguments.

use std::rc::Rc;

use super::gofmt;
use super::value::{Value, RV};

/// A parameter type, as far as argument checking cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    /// `reflect.Value`: anything, nil allowed.
    RValue,
    /// `interface{}` / `any`.
    Any,
    /// `string`.
    Str,
}

impl ParamType {
    pub fn name(self) -> &'static str {
        match self {
            ParamType::RValue => "reflect.Value",
            ParamType::Any => "interface {}",
            ParamType::Str => "string",
        }
    }
}

pub type FuncResult = Result<RV, String>;

pub struct Func {
    pub fixed: &'static [ParamType],
    pub variadic: Option<ParamType>,
    pub call: fn(&[RV]) -> FuncResult,
    pub builtin: bool,
}

use ParamType::{Any, RValue, Str};

/// Every function name the parser accepts.
pub const NAMES: &[&str] = &[
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq",
    "ge", "gt", "le", "lt", "ne", "exists", "base64decode",
];

pub fn lookup(name: &str) -> Option<Func> {
    let f = |fixed, variadic, call| Some(Func { fixed, variadic, call, builtin: true });
    match name {
        "and" | "or" => f(&[RValue], Some(RValue), |_| Ok(RV::invalid())),
        "call" => f(&[RValue], Some(RValue), call),
        "html" => f(&[], Some(Any), |a| Ok(string(&html_escape(&eval_args(a))))),
        "js" => f(&[], Some(Any), |a| Ok(string(&js_escape(&eval_args(a))))),
        "urlquery" => f(&[], Some(Any), |a| Ok(string(&query_escape(&eval_args(a))))),
        "index" => f(&[RValue], Some(RValue), index),
        "slice" => f(&[RValue], Some(RValue), slice),
        "len" => f(&[RValue], None, length),
        "not" => f(&[RValue], None, |a| Ok(RV::concrete(Value::Bool(!truth(&a[0]))))),
        "print" => f(&[], Some(Any), |a| Ok(string(&gofmt::sprint(&any_args(a))))),
        "println" => f(&[], Some(Any), |a| Ok(string(&gofmt::sprintln(&any_args(a))))),
        "printf" => f(&[Str], Some(Any), |a| {
            let format = match &a[0].val {
                Value::String(s) => s.clone(),
                _ => Rc::from(""),
            };
            Ok(string(&gofmt::sprintf(&format, &any_args(&a[1..]))))
        }),
        "eq" => f(&[RValue], Some(RValue), |a| eq(&a[0], &a[1..]).map(boolean)),
        "ne" => f(&[RValue, RValue], None, |a| eq(&a[0], &a[1..2]).map(|b| boolean(!b))),
        "lt" => f(&[RValue, RValue], None, |a| lt(&a[0], &a[1]).map(boolean)),
        "le" => f(&[RValue, RValue], None, |a| le(&a[0], &a[1]).map(boolean)),
        "gt" => f(&[RValue, RValue], None, |a| le(&a[0], &a[1]).map(|b| boolean(!b))),
        "ge" => f(&[RValue, RValue], None, |a| lt(&a[0], &a[1]).map(|b| boolean(!b))),
        "exists" => Some(Func { fixed: &[Any], variadic: Some(Any), call: exists, builtin: false }),
        "base64decode" => Some(Func { fixed: &[Str], variadic: None, call: base64decode, builtin: false }),
        _ => None,
    }
}

fn string(s: &str) -> RV {
    RV::concrete(Value::str(s))
}

fn boolean(b: bool) -> RV {
    RV::concrete(Value::Bool(b))
}

/// The dynamic values an `...interface{}` parameter receives (nil for nil).
fn any_args(a: &[RV]) -> Vec<Value> {
    a.iter().map(|v| if v.val.is_nil() { Value::Nil } else { v.val.clone() }).collect()
}

/// `evalArgs`: `fmt.Sprint` of the arguments with nils shown as `<no value>`.
fn eval_args(a: &[RV]) -> String {
    if let [RV { val: Value::String(s), .. }] = a {
        return s.to_string();
    }
    let vals: Vec<Value> =
        a.iter().map(|v| if v.val.is_nil() { Value::str("<no value>") } else { v.val.clone() }).collect();
    gofmt::sprint(&vals)
}

/// `isTrue` of the concrete value.
pub fn truth(v: &RV) -> bool {
    match &v.indirect_interface().val {
        Value::Invalid | Value::Nil => false,
        Value::Bool(b) => *b,
        Value::Int(i) | Value::Int64(i) => *i != 0,
        Value::Uint8(u) => *u != 0,
        Value::Float(f) => *f != 0.0,
        Value::Complex(re, im) => *re != 0.0 || *im != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
    }
}

/// `indirect`: through a non-nil interface; `true` when it is a nil one.
fn indirect(v: &RV) -> (RV, bool) {
    if v.iface {
        if v.val.is_nil() {
            return (v.clone(), true);
        }
        return (RV::concrete(v.val.clone()), false);
    }
    (v.clone(), false)
}

fn index_arg(index: &RV, cap: usize) -> Result<usize, String> {
    let x = match index.val {
        Value::Int(i) | Value::Int64(i) => i,
        Value::Uint8(u) => u as i64,
        Value::Invalid | Value::Nil => return Err("cannot index slice/array with nil".into()),
        _ => return Err(format!("cannot index slice/array with type {}", index.type_name())),
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(a: &[RV]) -> FuncResult {
    let mut item = a[0].indirect_interface();
    if !item.is_valid() {
        return Err("index of untyped nil".into());
    }
    for idx in &a[1..] {
        let idx = idx.indirect_interface();
        let (it, is_nil) = indirect(&item);
        if is_nil {
            return Err("index of nil pointer".into());
        }
        item = match &it.val {
            Value::List(l) => {
                let x = index_arg(&idx, l.len())?;
                match l.get(x) {
                    Some(e) => RV::elem(e.clone()),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(&idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(&b) => RV::concrete(Value::Uint8(b)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => {
                let key = match &idx.val {
                    Value::String(k) => k.clone(),
                    Value::Invalid | Value::Nil => return Err("value is nil; should be of type string".into()),
                    other => return Err(format!("value has type {}; should be string", other.type_name())),
                };
                match m.get(&*key) {
                    Some(e) => RV::elem(e.clone()),
                    None => RV::elem(Value::Nil),
                }
            }
            _ => return Err(format!("can't index item of type {}", it.type_name())),
        };
    }
    Ok(item)
}

fn slice(a: &[RV]) -> FuncResult {
    let item = a[0].indirect_interface();
    if !item.is_valid() {
        return Err("slice of untyped nil".into());
    }
    let indexes = &a[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item.val {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.len(),
        _ => return Err(format!("can't slice item of type {}", item.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(&index.indirect_interface(), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(RV::concrete(match &item.val {
        Value::String(s) => Value::str(&String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]])),
        Value::List(l) => Value::List(Rc::new(l[idx[0]..idx[1]].to_vec())),
        _ => Value::Invalid,
    }))
}

fn length(a: &[RV]) -> FuncResult {
    let (item, is_nil) = indirect(&a[0]);
    if is_nil {
        return Err("len of nil pointer".into());
    }
    let n = match &item.val {
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        Value::String(s) => s.len(),
        Value::Invalid => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(RV::concrete(Value::Int(n as i64)))
}

/// `call NAME FN ARGS...` (the executor prepends the callee's text).
fn call(a: &[RV]) -> FuncResult {
    let name = match &a[0].val {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    let f = a[1].indirect_interface();
    if !f.is_valid() {
        return Err("call of nil".into());
    }
    Err(format!("non-function {name} of type {}", f.type_name()))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
    Complex,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint8(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::Complex(..) => Kind::Complex,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint8(u) => *u as i64,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn str_of(v: &Value) -> &str {
    match v {
        Value::String(s) => s,
        _ => "",
    }
}

const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";
const BAD_COMPARISON: &str = "incompatible types for comparison";

fn eq(arg1: &RV, arg2: &[RV]) -> Result<bool, String> {
    let a1 = arg1.indirect_interface().val;
    if arg2.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&a1);
    for arg in arg2 {
        let a = arg.indirect_interface().val;
        let k2 = basic_kind(&a);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => int_of(&a1) == int_of(&a),
                _ => {
                    if !matches!(a1, Value::Invalid) && !matches!(a, Value::Invalid) {
                        return Err(BAD_COMPARISON.into());
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => matches!((&a1, &a), (Value::Bool(x), Value::Bool(y)) if x == y),
                Kind::Float => float_of(&a1) == float_of(&a),
                Kind::Complex => matches!((&a1, &a), (Value::Complex(r1, i1), Value::Complex(r2, i2)) if r1 == r2 && i1 == i2),
                Kind::Int | Kind::Uint => int_of(&a1) == int_of(&a),
                Kind::String => str_of(&a1) == str_of(&a),
                Kind::Invalid => {
                    let same_kind = std::mem::discriminant(&a1) == std::mem::discriminant(&a);
                    let (n1, n2) = (matches!(a1, Value::Invalid), matches!(a, Value::Invalid));
                    if !same_kind && !n1 && !n2 {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(&a1)),
                            a1.type_name(),
                            a.type_name(),
                            gofmt::sprintf("%v", std::slice::from_ref(&a)),
                        ));
                    }
                    if n1 || n2 {
                        n1 == n2
                    } else {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(&a)),
                            a.type_name()
                        ));
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &RV, arg2: &RV) -> Result<bool, String> {
    let a1 = arg1.indirect_interface().val;
    let k1 = basic_kind(&a1);
    if k1 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    let a2 = arg2.indirect_interface().val;
    let k2 = basic_kind(&a2);
    if k2 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(&a1) < int_of(&a2)),
            _ => Err(BAD_COMPARISON.into()),
        };
    }
    Ok(match k1 {
        Kind::Float => float_of(&a1) < float_of(&a2),
        Kind::Int | Kind::Uint => int_of(&a1) < int_of(&a2),
        Kind::String => str_of(&a1) < str_of(&a2),
        _ => return Err(BAD_COMPARISON_TYPE.into()),
    })
}

fn le(arg1: &RV, arg2: &RV) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}

/// Go's `HTMLEscapeString`.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if super::strconv::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// kubectl's `exists`: whether `index item indices...` would find something.
fn exists(a: &[RV]) -> FuncResult {
    let dynamic = |v: &RV| if v.val.is_nil() { RV::invalid() } else { RV::concrete(v.val.clone()) };
    let mut v = dynamic(&a[0]);
    for i in &a[1..] {
        let index = dynamic(i);
        let (it, is_nil) = indirect(&v);
        if is_nil {
            return Ok(boolean(false));
        }
        v = match &it.val {
            Value::List(_) | Value::String(_) => {
                let x = match index.val {
                    Value::Int(n) | Value::Int64(n) => n,
                    Value::Uint8(n) => n as i64,
                    _ => return Ok(boolean(false)),
                };
                match &it.val {
                    Value::List(l) if x >= 0 && (x as usize) < l.len() => RV::elem(l[x as usize].clone()),
                    Value::String(s) if x >= 0 && (x as usize) < s.len() => {
                        RV::concrete(Value::Uint8(s.as_bytes()[x as usize]))
                    }
                    _ => return Ok(boolean(false)),
                }
            }
            Value::Map(m) => {
                let key = match &index.val {
                    Value::String(k) => k.to_string(),
                    Value::Invalid => String::new(),
                    _ => return Ok(boolean(false)),
                };
                RV::elem(m.get(&key).cloned().unwrap_or(Value::Nil))
            }
            _ => return Ok(boolean(false)),
        };
    }
    Ok(boolean(!indirect(&v).1))
}

/// kubectl's `base64decode` (`base64.StdEncoding.DecodeString`).
fn base64decode(a: &[RV]) -> FuncResult {
    let src = match &a[0].val {
        Value::String(s) => s.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    match std_decode(&src) {
        Ok(bytes) => Ok(string(&String::from_utf8_lossy(&bytes))),
        Err(at) => Err(format!("base64 decode failed: illegal base64 data at input byte {at}")),
    }
}

fn decode_map(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Go's `decodeQuantum` loop; the error is the offending input offset.
fn std_decode(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = decode_map(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            dlen = j;
            break;
        }
        let val = (dbuf[0] as u32) << 18 | (dbuf[1] as u32) << 12 | (dbuf[2] as u32) << 6 | dbuf[3] as u32;
        let bytes = [(val >> 16) as u8, (val >> 8) as u8, val as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
    }
    Ok(out)
}

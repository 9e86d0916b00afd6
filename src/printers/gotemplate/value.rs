//! Template data as Go holds it after kubectl's `json.Unmarshal` into
//! `map[string]interface{}` (apimachinery's, which keeps integers as int64),
//! plus the values templates create (`int` literals and results, strings).

use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Clone, Debug)]
pub enum Value {
    /// The zero `reflect.Value` (a missing key, an unset `dot`).
    Invalid,
    /// A nil `interface{}` (JSON null).
    Nil,
    Bool(bool),
    /// Go `int`: number literals, `len`, range indexes.
    Int(i64),
    /// Go `int64`: integers from the JSON document.
    Int64(i64),
    /// Go `uint8`: a byte from indexing a string.
    Uint8(u8),
    Float(f64),
    /// Go `complex128`: only from literals such as `1i` or `1+2i`.
    Complex(f64, f64),
    String(Rc<str>),
    /// `[]interface{}`: elements are interface values.
    List(Rc<Vec<Value>>),
    /// `map[string]interface{}`: values are interface values.
    Map(Rc<BTreeMap<String, Value>>),
}

impl Value {
    /// `reflect.Type.String()` of the concrete value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Invalid | Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint8(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Complex(..) => "complex128",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Map(_) => "map[string]interface {}",
        }
    }

    /// A float as it comes back from kubectl's JSON round trip: Go encodes
    /// an integral float below 1e21 without a point or exponent, and the
    /// decoder then reads it as int64 when it fits.
    pub fn from_f64(f: f64) -> Value {
        if f.fract() == 0.0 && f.abs() < 1e21 && f >= i64::MIN as f64 && f < -(i64::MIN as f64) {
            return Value::Int64(f as i64);
        }
        Value::Float(f)
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Invalid | Value::Nil)
    }

    pub fn str(s: &str) -> Value {
        Value::String(Rc::from(s))
    }

    /// JSON as kubectl's decoder produces it: integers that fit int64 stay
    /// int64, every other number is float64.
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int64(i),
                None => Value::from_f64(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => Value::List(Rc::new(a.iter().map(Value::from_json).collect())),
            serde_json::Value::Object(m) => {
                Value::Map(Rc::new(m.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()))
            }
        }
    }
}

/// A `reflect.Value` as the executor sees it: the value plus whether its
/// static type is `interface{}` (map and slice elements are), which shows in
/// error messages (`in type interface {}`) and nil handling.
#[derive(Clone, Debug)]
pub struct RV {
    pub val: Value,
    pub iface: bool,
}

impl RV {
    pub fn concrete(val: Value) -> RV {
        RV { val, iface: false }
    }

    pub fn elem(val: Value) -> RV {
        RV { val, iface: true }
    }

    pub fn invalid() -> RV {
        RV { val: Value::Invalid, iface: false }
    }

    pub fn is_valid(&self) -> bool {
        !matches!(self.val, Value::Invalid)
    }

    /// `reflect.Value.Type().String()`.
    pub fn type_name(&self) -> &'static str {
        if self.iface {
            "interface {}"
        } else {
            self.val.type_name()
        }
    }

    /// `indirectInterface`: the concrete value inside an interface.
    pub fn indirect_interface(&self) -> RV {
        if self.iface {
            if self.val.is_nil() {
                return RV::invalid();
            }
            return RV::concrete(self.val.clone());
        }
        self.clone()
    }
}

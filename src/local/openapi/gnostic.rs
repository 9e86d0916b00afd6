//! OpenAPI v2 (JSON) to the protobuf kubectl asks `/openapi/v2` for
//! (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's
//! `openapi.v2.Document`. Only what a Kubernetes document uses is encoded:
//! info, paths (operations with consumes, produces, responses, vendor
//! extensions), definitions and security. Field numbers are gnostic's
//! OpenAPIv2.proto. Vendor extensions, defaults and enums travel as
//! `Any.yaml`; JSON text is YAML, which is how kube-openapi reads them.

use serde_json::Value;

#[derive(Default)]
struct Msg(Vec<u8>);

impl Msg {
    fn key(&mut self, field: u32, wire: u8) {
        varint(&mut self.0, ((field as u64) << 3) | wire as u64);
    }

    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.key(field, 2);
        varint(&mut self.0, b.len() as u64);
        self.0.extend_from_slice(b);
    }

    fn str(&mut self, field: u32, v: &Value) {
        if let Some(s) = v.as_str() {
            self.bytes(field, s.as_bytes());
        }
    }

    fn strs(&mut self, field: u32, v: &Value) {
        match v {
            Value::String(s) => self.bytes(field, s.as_bytes()),
            Value::Array(a) => a.iter().for_each(|s| self.str(field, s)),
            _ => {}
        }
    }

    fn msg(&mut self, field: u32, m: Msg) {
        self.bytes(field, &m.0);
    }

    fn bool(&mut self, field: u32, v: &Value) {
        if v.as_bool() == Some(true) {
            self.key(field, 0);
            self.0.push(1);
        }
    }

    fn int(&mut self, field: u32, v: &Value) {
        if let Some(n) = v.as_i64() {
            self.key(field, 0);
            varint(&mut self.0, n as u64);
        }
    }

    fn double(&mut self, field: u32, v: &Value) {
        if let Some(n) = v.as_f64() {
            self.key(field, 1);
            self.0.extend_from_slice(&n.to_le_bytes());
        }
    }

    /// `Any { yaml = 2 }`.
    fn any(&mut self, field: u32, v: &Value) {
        let mut a = Msg::default();
        a.bytes(2, serde_json::to_string(v).unwrap_or_default().as_bytes());
        self.msg(field, a);
    }

    /// `repeated NamedAny` from the object's `x-` keys.
    fn extensions(&mut self, field: u32, obj: &Value) {
        for (k, v) in obj.as_object().into_iter().flatten().filter(|(k, _)| k.starts_with("x-")) {
            let mut n = Msg::default();
            n.bytes(1, k.as_bytes());
            n.any(2, v);
            self.msg(field, n);
        }
    }

    /// A map as `repeated Named* { name = 1; value = 2 }` under `field`.
    fn named(&mut self, field: u32, map: &Value, value: impl Fn(&Value) -> Msg) {
        for (k, v) in map.as_object().into_iter().flatten() {
            let mut n = Msg::default();
            n.bytes(1, k.as_bytes());
            n.msg(2, value(v));
            self.msg(field, n);
        }
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// `openapi.v2.Document`.
pub fn document(doc: &Value) -> Vec<u8> {
    let mut d = Msg::default();
    d.str(1, &doc["swagger"]);
    let mut info = Msg::default();
    info.str(1, &doc["info"]["title"]);
    info.str(2, &doc["info"]["version"]);
    d.msg(2, info);
    if doc["paths"].is_object() {
        let mut paths = Msg::default();
        paths.named(2, &doc["paths"], path_item);
        d.msg(8, paths);
    }
    let mut defs = Msg::default();
    defs.named(1, &doc["definitions"], schema);
    d.msg(9, defs);
    for req in doc["security"].as_array().into_iter().flatten() {
        // SecurityRequirement { repeated NamedStringArray }
        let mut r = Msg::default();
        r.named(1, req, |scopes| {
            let mut a = Msg::default();
            a.strs(1, scopes);
            a
        });
        d.msg(12, r);
    }
    if doc["securityDefinitions"].is_object() {
        let mut defs = Msg::default();
        defs.named(1, &doc["securityDefinitions"], |s| {
            // SecurityDefinitionsItem.api_key_security (the apiserver's BearerToken).
            let mut k = Msg::default();
            k.str(1, &s["type"]);
            k.str(2, &s["name"]);
            k.str(3, &s["in"]);
            k.str(4, &s["description"]);
            let mut item = Msg::default();
            item.msg(2, k);
            item
        });
        d.msg(13, defs);
    }
    d.0
}

fn path_item(p: &Value) -> Msg {
    let mut m = Msg::default();
    for (verb, field) in [("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("options", 6), ("head", 7), ("patch", 8)] {
        if p[verb].is_object() {
            m.msg(field, operation(&p[verb]));
        }
    }
    for param in p["parameters"].as_array().into_iter().flatten() {
        m.msg(9, parameters_item(param));
    }
    m.extensions(10, p);
    m
}

fn operation(op: &Value) -> Msg {
    let mut m = Msg::default();
    m.strs(1, &op["tags"]);
    m.str(3, &op["description"]);
    m.str(5, &op["operationId"]);
    m.strs(6, &op["produces"]);
    m.strs(7, &op["consumes"]);
    for param in op["parameters"].as_array().into_iter().flatten() {
        m.msg(8, parameters_item(param));
    }
    let mut responses = Msg::default();
    responses.named(1, &op["responses"], |r| {
        // ResponseValue.response
        let mut resp = Msg::default();
        resp.str(1, &r["description"]);
        if r["schema"].is_object() {
            let mut item = Msg::default();
            item.msg(1, schema(&r["schema"]));
            resp.msg(2, item);
        }
        let mut v = Msg::default();
        v.msg(1, resp);
        v
    });
    m.msg(9, responses);
    m.strs(10, &op["schemes"]);
    m.extensions(13, op);
    m
}

/// `ParametersItem.parameter`: a body parameter or a query/path one.
fn parameters_item(p: &Value) -> Msg {
    let mut param = Msg::default();
    if p["in"] == "body" {
        let mut b = Msg::default();
        b.str(1, &p["description"]);
        b.str(2, &p["name"]);
        b.str(3, &p["in"]);
        b.bool(4, &p["required"]);
        b.msg(5, schema(&p["schema"]));
        param.msg(1, b);
    } else {
        let path = p["in"] == "path";
        let mut s = Msg::default();
        s.bool(1, &p["required"]);
        s.str(2, &p["in"]);
        s.str(3, &p["description"]);
        s.str(4, &p["name"]);
        // The query sub-schema has allow_empty_value = 5, so its later fields are one further.
        let o = if path { 0 } else { 1 };
        s.str(5 + o, &p["type"]);
        s.bool(19 + o, &p["uniqueItems"]);
        let mut nb = Msg::default();
        nb.msg(if path { 4 } else { 3 }, s);
        param.msg(2, nb);
    }
    let mut item = Msg::default();
    item.msg(1, param);
    item
}

/// `openapi.v2.Schema`.
fn schema(s: &Value) -> Msg {
    let mut m = Msg::default();
    m.str(1, &s["$ref"]);
    m.str(2, &s["format"]);
    m.str(3, &s["title"]);
    m.str(4, &s["description"]);
    if let Some(d) = s.get("default") {
        m.any(5, d);
    }
    m.double(6, &s["multipleOf"]);
    m.double(7, &s["maximum"]);
    m.bool(8, &s["exclusiveMaximum"]);
    m.double(9, &s["minimum"]);
    m.bool(10, &s["exclusiveMinimum"]);
    m.int(11, &s["maxLength"]);
    m.int(12, &s["minLength"]);
    m.str(13, &s["pattern"]);
    m.int(14, &s["maxItems"]);
    m.int(15, &s["minItems"]);
    m.bool(16, &s["uniqueItems"]);
    m.int(17, &s["maxProperties"]);
    m.int(18, &s["minProperties"]);
    m.strs(19, &s["required"]);
    for e in s["enum"].as_array().into_iter().flatten() {
        m.any(20, e);
    }
    match &s["additionalProperties"] {
        Value::Object(_) => {
            let mut a = Msg::default();
            a.msg(1, schema(&s["additionalProperties"]));
            m.msg(21, a);
        }
        Value::Bool(b) => {
            let mut a = Msg::default();
            a.key(2, 0);
            a.0.push(*b as u8);
            m.msg(21, a);
        }
        _ => {}
    }
    if !s["type"].is_null() {
        let mut t = Msg::default();
        t.strs(1, &s["type"]);
        m.msg(22, t);
    }
    match &s["items"] {
        Value::Object(_) => {
            let mut i = Msg::default();
            i.msg(1, schema(&s["items"]));
            m.msg(23, i);
        }
        Value::Array(list) => {
            let mut i = Msg::default();
            list.iter().for_each(|x| i.msg(1, schema(x)));
            m.msg(23, i);
        }
        _ => {}
    }
    for x in s["allOf"].as_array().into_iter().flatten() {
        m.msg(24, schema(x));
    }
    if s["properties"].is_object() {
        let mut p = Msg::default();
        p.named(1, &s["properties"], schema);
        m.msg(25, p);
    }
    m.bool(27, &s["readOnly"]);
    if let Some(e) = s.get("example") {
        m.any(30, e);
    }
    m.extensions(31, s);
    m
}

impl From<Msg> for Vec<u8> {
    fn from(m: Msg) -> Vec<u8> {
        m.0
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn encodes_like_protoc() {
        // Schema{description="d", type=TypeItem{"string"}}: bytes checked by hand
        // against protoc's encoding of the same message.
        let b: Vec<u8> = super::schema(&json!({"description": "d", "type": "string"})).into();
        assert_eq!(b, vec![0x22, 1, b'd', 0xb2, 0x01, 8, 0x0a, 6, b's', b't', b'r', b'i', b'n', b'g']);
        let b: Vec<u8> = super::schema(&json!({"x-kubernetes-patch-strategy": "merge"})).into();
        // vendor_extension = 31 (tag 0xfa 0x01), NamedAny{name, Any{yaml = "\"merge\""}}
        assert_eq!(&b[..2], &[0xfa, 0x01]);
        assert!(b.ends_with(b"\"merge\""));
    }
}

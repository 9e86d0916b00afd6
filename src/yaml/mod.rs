//! YAML the way kubectl reads it: sigs.k8s.io/yaml on top of go-yaml v2.
//!
//! * YAML 1.1 scalars: `yes`/`no`/`on`/`off`/`y`/`n` are booleans (also as keys),
//!   `0x10`, `017` (octal) and `1_000` are integers, `1e3` and `1.0` are floats
//!   that come back as integers when integral (they go through JSON).
//! * `<<` merge keys with go-yaml v2's precedence, anchors and aliases.
//! * Map keys become strings as sigs.k8s.io/yaml converts them (ints, floats as
//!   float32 `%g`, booleans); `null` and uint64 keys, and sequence or map keys,
//!   are errors worded as kubectl words them.
//! * Only the first document of a text is decoded ([`to_json`], [`yaml_to_json`]);
//!   [`split_documents`] splits a stream into documents the way kubectl's `-f`
//!   does before decoding each one.
//!
//! Errors are go-yaml's (`yaml: line 3: mapping values are not allowed in this
//! context`) or sigs.k8s.io/yaml's, without the `error converting YAML to JSON: `
//! prefix that `yaml.Unmarshal` adds.
//!
//! Events come from `granit_parser` (re-exported by serde-saphyr), so scalar
//! styles and tags are visible and resolution can follow go-yaml exactly.

mod emit;
mod errors;
mod load;
mod scalar;
mod stream;

use serde_json::Value;

#[allow(unused_imports)] // part of the API: the types split_documents returns
pub use stream::{split_documents, Chunk, SeparatorError};

/// Parse the first YAML document of `text` into a JSON value (`Null` for an empty stream),
/// with the numbers an unstructured object decoded by kubectl would hold.
pub fn to_json(text: &str) -> Result<Value, String> {
    let node = load::first_document(text)?;
    emit::to_value(emit::jsonable(node)?)
}

/// [`to_json`] with go-yaml v3's booleans (only `true`/`false`), as kustomize
/// reads the resources it builds.
pub fn to_json_v3_bools(text: &str) -> Result<Value, String> {
    let node = load::first_document_with(text, true)?;
    emit::to_value(emit::jsonable(node)?)
}

/// sigs.k8s.io/yaml's `YAMLToJSON` of the first document: the compact JSON text
/// Go would produce (`null` for an empty document).
pub fn yaml_to_json(text: &str) -> Result<String, String> {
    let node = load::first_document(text)?;
    let json = emit::jsonable(node)?;
    let mut out = String::new();
    emit::marshal(&json, &mut out)?;
    Ok(out)
}

pub use crate::gostr::quote as go_quote;


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml11_scalars() {
        let v = to_json("a: yes\nb: n\nc: 0x10\nd: 017\ne: '017'\nf: 1.5\ng: ~\nh: 2001-01-01\ni: 1_000\nj: 0o17\nk: 1e3\n").unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": 16, "d": 15, "e": "017", "f": 1.5, "g": null, "h": "2001-01-01", "i": 1000, "j": 15, "k": 1000})
        );
    }

    #[test]
    fn merge_and_anchors() {
        let v = to_json("base: &b {x: 1, z: 2}\nother:\n  <<: *b\n  z: 3\n").unwrap();
        assert_eq!(v, json!({"base": {"x": 1, "z": 2}, "other": {"x": 1, "z": 3}}));
        // go-yaml v2: `y` is a boolean, also as a key.
        assert_eq!(to_json("y: 1\n").unwrap(), json!({"true": 1}));
        // v2 decodes a merged map into the same Go map: it overrides keys set before it.
        assert_eq!(to_json("x: {a: 1, <<: {a: 2, b: 2}}\n").unwrap(), json!({"x": {"a": 2, "b": 2}}));
        assert_eq!(to_json("x: {<<: {a: 2, b: 2}, a: 1}\n").unwrap(), json!({"x": {"a": 1, "b": 2}}));
        // In a sequence of maps the earlier ones win.
        let v = to_json("a: &a {k: 1, c: 1}\nb: &b {k: 2, d: 2}\nx:\n  <<: [*a, *b]\n").unwrap();
        assert_eq!(v["x"], json!({"k": 1, "c": 1, "d": 2}));
        assert_eq!(
            to_json("x:\n  <<: 5\n").unwrap_err(),
            "yaml: map merge requires map or sequence of maps as the value"
        );
    }

    #[test]
    fn empty_and_errors() {
        assert_eq!(to_json("").unwrap(), Value::Null);
        assert_eq!(to_json("---\n").unwrap(), Value::Null);
        assert_eq!(to_json("# c\n").unwrap(), Value::Null);
        assert_eq!(to_json("a: .inf\n").unwrap_err(), "json: unsupported value: +Inf");
        assert!(to_json("clusters: [\n").unwrap_err().starts_with("yaml: "));
    }

    #[test]
    fn numbers_go_through_json() {
        let v = to_json("a: 18446744073709551615\nb: 99999999999999999999\nc: 1.0\nd: 1e21\ne: -0.0\nf: 9223372036854775807\ng: 09\n")
            .unwrap();
        assert_eq!(v["a"], json!(18446744073709551615.0_f64));
        assert_eq!(v["b"], json!(1e20));
        assert_eq!(v["c"], json!(1));
        assert_eq!(v["d"], json!(1e21));
        assert_eq!(v["e"], json!(0));
        assert_eq!(v["f"], json!(i64::MAX));
        assert_eq!(v["g"], json!(9));
        assert_eq!(yaml_to_json("a: 18446744073709551615\nb: 1e-7\nc: 1e21\nd: 0.5\n").unwrap(), r#"{"a":18446744073709551615,"b":1e-7,"c":1e+21,"d":0.5}"#);
    }

    #[test]
    fn keys_like_sigs_yaml() {
        let v = to_json("1.5: a\n2: b\ntrue: c\n1e3: d\n0x10: e\n.inf: f\n123456789.123: g\n1e-7: h\n").unwrap();
        assert_eq!(
            v,
            json!({"1.5": "a", "2": "b", "true": "c", "1000": "d", "16": "e", ".inf": "f", "1.2345679e+08": "g", "1e-07": "h"})
        );
        assert_eq!(
            to_json("~: x\n").unwrap_err(),
            r#"unsupported map key of type: %!s(<nil>), key: <nil>, value: "x""#
        );
        assert_eq!(
            to_json("18446744073709551615: x\n").unwrap_err(),
            r#"unsupported map key of type: uint64, key: 0xffffffffffffffff, value: "x""#
        );
        assert_eq!(to_json("[a]: x\n").unwrap_err(), r#"yaml: invalid map key: []interface {}{"a"}"#);
        assert_eq!(
            to_json("{a: 1}: x\n").unwrap_err(),
            r#"yaml: invalid map key: map[interface {}]interface {}{"a":1}"#
        );
        // Duplicate keys: the last one wins.
        assert_eq!(to_json("a: 1\na: 2\n").unwrap(), json!({"a": 2}));
    }

    #[test]
    fn tags() {
        let v = to_json("a: !!binary aGVsbG8=\nb: !!str 5\nc: !!int \"7\"\nd: !!float 3\ne: !custom foo\n").unwrap();
        assert_eq!(v, json!({"a": "hello", "b": "5", "c": 7, "d": 3, "e": "foo"}));
        assert_eq!(to_json("a: !!int abc\n").unwrap_err(), "yaml: cannot decode !!str `abc` as a !!int");
        assert_eq!(to_json("a: !!bool 5\n").unwrap_err(), "yaml: cannot decode !!int `5` as a !!bool");
        assert_eq!(to_json("a: !!null foo\n").unwrap_err(), "yaml: cannot decode !!str `foo` as a !!null");
        assert_eq!(to_json("a: !!binary \"!!!\"\n").unwrap_err(), "yaml: !!binary value contains invalid base64 data");
    }

    #[test]
    fn go_text() {
        assert_eq!(yaml_to_json("a: \"<b>&\\u2028\"\n").unwrap(), r#"{"a":"\u003cb\u003e\u0026\u2028"}"#);
        assert_eq!(go_quote("a\"b\n\u{1}é"), r#""a\"b\n\x01é""#);
        assert_eq!(emit::go_g("1.2345679e8"), "1.2345679e+08");
        assert_eq!(emit::go_g("1e3"), "1000");
        assert_eq!(emit::go_g("1.5e-1"), "0.15");
        assert_eq!(emit::go_g("1e-7"), "1e-07");
        assert_eq!(emit::go_g("0e0"), "0");
    }
}

//! `-o json` exactly as kubectl prints it: Go's `json.MarshalIndent(v, "", "    ")`
//! plus a trailing newline, and `json.Marshal` for the compact form.
//!
//! serde_json produces the structure; a custom `Formatter` supplies Go's
//! choices where the two differ: HTML-safe escaping (`<` → `\u003c`),
//! U+2028/U+2029 escaped, `\u00XX` in lowercase hex, and Go's float layout.
//! Key order is whatever the value yields: a `serde_json::Value` map is
//! sorted like Go's maps, a struct keeps its field order.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

use super::gonum;

/// kubectl's `-o json`: four-space indent and a final newline.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = encode(value, GoFormatter::indented()).expect("JSON encoding of an API object");
    text.push('\n');
    text
}

/// Go's `json.Marshal`: no whitespace, no trailing newline (used for
/// annotations such as last-applied-configuration).
pub fn to_string_compact<T: Serialize + ?Sized>(value: &T) -> String {
    encode(value, GoFormatter::compact()).expect("JSON encoding of an API object")
}

fn encode<T: Serialize + ?Sized>(value: &T, formatter: GoFormatter) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    value.serialize(&mut ser)?;
    // The formatter only ever writes UTF-8 (input fragments and ASCII escapes).
    Ok(String::from_utf8(out).expect("formatter writes UTF-8"))
}

/// Formatter reproducing Go's encoding/json output, indented or compact.
struct GoFormatter {
    indent: Option<&'static [u8]>,
    depth: usize,
    has_value: bool,
}

impl GoFormatter {
    fn indented() -> Self {
        GoFormatter {
            indent: Some(b"    "),
            depth: 0,
            has_value: false,
        }
    }

    fn compact() -> Self {
        GoFormatter {
            indent: None,
            depth: 0,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        if let Some(indent) = self.indent {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(indent)?;
            }
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        // An empty container stays on one line: `{}` / `[]`.
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn element<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl Formatter for GoFormatter {
    fn write_u64<W: ?Sized + Write>(&mut self, w: &mut W, value: u64) -> io::Result<()> {
        // Go decodes such numbers into float64 in unstructured objects.
        if value > i64::MAX as u64 {
            return w.write_all(gonum::json_f64(value as f64).as_bytes());
        }
        w.write_all(value.to_string().as_bytes())
    }

    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        w.write_all(gonum::json_f32(value).as_bytes())
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(gonum::json_f64(value).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_html_safe(w, fragment)
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let text: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write_u_escape(w, u32::from(byte)),
        };
        w.write_all(text)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.indent.is_some() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Go escapes `<`, `>` and `&` so JSON can be embedded in HTML, and the JS
/// line terminators U+2028/U+2029; serde_json leaves them alone.
fn write_html_safe<W: ?Sized + Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in fragment.char_indices() {
        if matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') {
            w.write_all(&fragment.as_bytes()[start..i])?;
            write_u_escape(w, c as u32)?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&fragment.as_bytes()[start..])
}

fn write_u_escape<W: ?Sized + Write>(w: &mut W, code: u32) -> io::Result<()> {
    write!(w, "\\u{code:04x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_like_marshal_indent() {
        let v = json!({"b": [1, {"c": []}], "a": {}, "s": "x"});
        let want = "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"c\": []\n        }\n    ],\n    \"s\": \"x\"\n}\n";
        assert_eq!(to_string(&v), want);
    }

    #[test]
    fn compact_has_no_whitespace() {
        let v = json!({"b": [1, 2.5], "a": {"x": null}});
        assert_eq!(to_string_compact(&v), r#"{"a":{"x":null},"b":[1,2.5]}"#);
    }

    #[test]
    fn escapes_like_go() {
        let v = json!("<a&b>\u{2028}\u{2029}\"\\\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀/");
        let want = r#""\u003ca\u0026b\u003e\u2028\u2029\"\\\n\r\t\b\f\u0001\u001f"#.to_string()
            + "\u{7f}é😀/\"";
        assert_eq!(to_string_compact(&v), want);
    }

    #[test]
    fn numbers_like_go() {
        let v: serde_json::Value = serde_json::from_str(
            "[1.0, 1e6, 1e21, 1e-7, -0.0, 0.000001, 3, -4, 18446744073709551615]",
        )
        .unwrap();
        assert_eq!(
            to_string_compact(&v),
            "[1,1000000,1e+21,1e-7,-0,0.000001,3,-4,18446744073709552000]"
        );
    }

    /// Inputs are the YAML fixtures' objects; `testdata/printers/json/NAME.json`
    /// is kubectl's `-o json` for them (see scripts/gen-printer-fixtures.sh).
    #[test]
    fn matches_kubectl_fixtures() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/printers");
        let mut checked = 0;
        for entry in std::fs::read_dir(root.join("yaml")).expect("fixture dir") {
            let input = entry.expect("dir entry").path();
            if input.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let value: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
            let want = std::fs::read_to_string(root.join("json").join(input.file_name().unwrap()))
                .unwrap();
            assert_eq!(to_string(&value), want, "{}", input.display());
            checked += 1;
        }
        assert!(checked > 0, "no JSON fixtures");
    }

    #[test]
    fn structs_keep_field_order() {
        #[derive(Serialize)]
        struct T {
            z: u8,
            a: Vec<u8>,
        }
        assert_eq!(
            to_string(&T { z: 1, a: vec![] }),
            "{\n    \"z\": 1,\n    \"a\": []\n}\n"
        );
    }
}

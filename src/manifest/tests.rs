//! Behaviour of the reader on the fixtures under `testdata/manifests/`, checked
//! without kubectl (the texts were taken from kubectl 1.32; `kubectl_tests`
//! compares against it directly).

use serde_json::json;

use super::*;

const DIR: &str = "testdata/manifests";

fn read(args: &[&str]) -> Result<Vec<Item>, Vec<ManifestError>> {
    let opts = ReadOptions { filenames: args.iter().map(|s| s.to_string()).collect(), ..Default::default() };
    read_all(&opts, &mut &b""[..])
}

fn file(name: &str) -> Vec<Item> {
    read(&[&format!("{DIR}/{name}")]).unwrap()
}

fn docs(items: &[Item]) -> Vec<&Document> {
    items.iter().filter_map(|i| if let Item::Object(d) = i { Some(d) } else { None }).collect()
}

fn errors(items: &[Item]) -> Vec<&ManifestError> {
    items.iter().filter_map(|i| if let Item::Error(e) = i { Some(e) } else { None }).collect()
}

fn names(items: &[Item]) -> Vec<String> {
    docs(items).iter().map(|d| d.object["metadata"]["name"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn multi_document_yaml() {
    let items = file("good/multi.yaml");
    assert!(errors(&items).is_empty());
    let d = docs(&items);
    assert_eq!(names(&items), vec!["multi-a", "multi-b", "multi-c"]);
    // Empty and comment-only documents count in `index` but yield nothing.
    assert_eq!(d.iter().map(|d| (d.index, d.line)).collect::<Vec<_>>(), vec![(0, 1), (3, 15), (4, 20)]);
    assert_eq!(d[0].source, "testdata/manifests/good/multi.yaml");
    assert_eq!(d[0].object["data"], json!({"k": "v"}));
    assert!(file("good/comments-only.yaml").is_empty());
    assert!(file("good/empty.yaml").is_empty());
}

#[test]
fn lists_are_flattened() {
    let items = file("good/list.yaml");
    let d = docs(&items);
    assert_eq!(names(&items), vec!["list-a", "list-b"]);
    assert_eq!(d[1].object["kind"], "Secret");
    let list = d[1].list.as_ref().unwrap();
    assert_eq!((list.kind.as_str(), list.api_version.as_str(), list.resource_version.as_str(), list.item), ("List", "v1", "42", 1));
    // The list's own fields never reach the items.
    assert!(d[0].object.get("items").is_none());

    let items = file("good/configmaplist.yaml");
    let d = docs(&items);
    assert_eq!(names(&items), vec!["inherits-kind", "keeps-own-kind", ""]);
    assert_eq!((d[0].object["kind"].as_str(), d[0].object["apiVersion"].as_str()), (Some("ConfigMap"), Some("v1")));
    assert_eq!(d[1].object["kind"], "Secret");
    assert_eq!(d[2].object, json!({"apiVersion": "v1", "kind": "ConfigMap"}));
}

#[test]
fn json_streams() {
    let items = file("good/objects.json");
    assert_eq!(names(&items), vec!["json-a", "json-b", "json-c"]);
    assert_eq!(docs(&items).iter().map(|d| d.line).collect::<Vec<_>>(), vec![1, 2, 3]);
    let items = file("good/list.json");
    let d = docs(&items);
    assert_eq!(d[0].object["data"]["i"], json!(7));
    assert!(d[0].object["data"]["big"].is_f64(), "beyond int64 is a float, as in Go");
    assert!(d[0].object["data"]["e"].is_f64());
}

#[test]
fn yaml11_values() {
    let items = file("good/yaml11.yaml");
    let data = &docs(&items)[0].object["data"];
    assert_eq!(data["bools"], json!([true, false, true, false, true, false, true, false, true, false]));
    assert_eq!((data["octal"].clone(), data["octal2"].clone(), data["hex"].clone()), (json!(420), json!(15), json!(31)));
    assert_eq!((data["under"].clone(), data["intfloat"].clone(), data["exp"].clone()), (json!(1000), json!(1), json!(1000)));
    assert_eq!(data["bigexp"], json!(1e21));
    assert_eq!(data["big"], json!(18446744073709551615.0_f64));
    assert_eq!(data["notoctal"], json!(9));
    assert_eq!(data["nulls"], json!([null, null, null, ""]));
    assert_eq!(data["date"], "2001-01-01");
    assert_eq!((data["quoted"].clone(), data["single"].clone(), data["tagged"].clone()), (json!("0644"), json!("yes"), json!("123")));
    assert_eq!(data["bin"], "hello");
    assert_eq!(data["folded"], "folded text\n");
    assert_eq!(data["html"], "<b>&amp;</b>");
    assert_eq!(data["unicode"], "é\u{2028}");
}

#[test]
fn merge_keys_and_odd_keys() {
    let items = file("good/merge.yaml");
    let data = &docs(&items)[0].object["data"];
    assert_eq!(data["override"], json!({"a": "1", "b": "3"}));
    assert_eq!(data["before"], json!({"a": "1", "b": "2"}), "go-yaml v2: a merge overrides keys before it");
    // `y` is YAML 1.1's true, also as a key.
    assert_eq!(data["multi"], json!({"x": "first", "true": "second"}));
    assert_eq!(data["alias"], json!({"a": "1", "b": "2"}));
    let items = file("good/keys.yaml");
    assert_eq!(
        docs(&items)[0].object["data"],
        json!({"1.5": "a", "2": "b", "true": "d", "16": "e", "1000": "f", "1.2345679e+08": "g", "dup": "second"})
    );
}

#[test]
fn encodings() {
    assert_eq!(names(&file("good/crlf.yaml")), vec!["crlf-a", "crlf-b"]);
    assert_eq!(names(&file("good/bom.yaml")), vec!["bom"]);
    assert_eq!(names(&file("good/utf16.yaml")), vec!["utf16-le"]);
    assert_eq!(names(&file("good/no-trailing-newline.yaml")), vec!["no-newline"]);
}

#[test]
fn syntax_errors_stop_the_source() {
    let items = file("bad/syntax-mapping-values.yaml");
    assert_eq!(names(&items), vec!["ok-before"]);
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, ErrorKind::Parse);
    assert_eq!(e[0].line, Some(6), "the failing document starts at line 6");
    assert_eq!(
        e[0].message,
        "error parsing testdata/manifests/bad/syntax-mapping-values.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context"
    );
    let e = errors(&file("bad/syntax-expected-key.yaml"))[0].message.clone();
    assert!(e.ends_with("yaml: line 4: did not find expected key"), "{e}");
    let e = errors(&file("bad/syntax-unclosed-flow.yaml"))[0].message.clone();
    assert!(e.ends_with("yaml: line 7: did not find expected ',' or ']'"), "{e}");
    let e = errors(&file("bad/syntax-first-line.yaml"))[0].message.clone();
    assert!(e.ends_with("yaml: mapping values are not allowed in this context"), "{e}");
    // A document after `---` with nothing before it counts the separator as its line 1.
    let e = errors(&file("bad/syntax-leading-separator.yaml"))[0].message.clone();
    assert!(e.ends_with("yaml: line 6: did not find expected ',' or ']'"), "{e}");
}

#[test]
fn bad_separators() {
    let items = file("bad/separator.yaml");
    // The document being collected when the bad separator comes is dropped.
    assert_eq!(names(&items), vec!["sep-a"]);
    assert_eq!(errors(&items)[0].message, "error parsing testdata/manifests/bad/separator.yaml: invalid Yaml document separator: !tag");
    let items = file("bad/separator-dashes.yaml");
    assert!(docs(&items).is_empty());
    assert!(errors(&items)[0].message.ends_with("invalid Yaml document separator: -"));
}

#[test]
fn decode_errors_do_not_stop_the_source() {
    let items = file("bad/nokind.yaml");
    assert_eq!(names(&items), vec!["nk-before", "nk-after"]);
    let e = errors(&items);
    assert_eq!(e[0].kind, ErrorKind::Decode);
    assert_eq!(
        e[0].message,
        r#"unable to decode "testdata/manifests/bad/nokind.yaml": Object 'Kind' is missing in '{"data":{"a":"b"},"metadata":{"name":"no-kind"}}'"#
    );
    // In position: between the two good documents.
    assert!(matches!(items[1], Item::Error(_)));
    // JSON keeps its own text in the message.
    let e = errors(&file("bad/json-nokind.json"))[0].message.clone();
    assert!(e.ends_with("Object 'Kind' is missing in '{\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\"name\": \"jnk\"}\n}'"), "{e}");
    let items = file("bad/scalars.yaml");
    let msgs: Vec<String> = errors(&items).iter().map(|e| e.message.rsplit(": ").next().unwrap().to_string()).collect();
    assert_eq!(msgs.len(), 6, "null and ~ documents are skipped");
    assert!(errors(&items)[0].message.ends_with("json: cannot unmarshal string into Go value of type unstructured.detector"));
}

#[test]
fn list_errors() {
    let items = file("bad/list-items.yaml");
    assert_eq!(names(&items), vec!["good-item"]);
    let e = errors(&items);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, ErrorKind::ListItems);
    assert_eq!(e[0].causes.len(), 2);
    assert!(e[0].message.starts_with("[unable to get type info from the object \"*unstructured.Unstructured\": Object 'Kind' is missing"));
    let items = file("bad/nested-list.yaml");
    assert!(docs(&items).is_empty(), "a nested list fails the whole list");
    assert_eq!(errors(&items)[0].message, "*unstructured.Unstructured is not a list: no Items field in this object");
    assert!(errors(&file("bad/items-not-array.yaml"))[0]
        .message
        .ends_with("json: cannot unmarshal number into Go struct field decodeList.items of type []json.RawMessage"));
}

#[test]
fn json_syntax_errors() {
    let e = errors(&file("bad/json-then-yaml.json"))[0].message.clone();
    assert_eq!(e, "error parsing testdata/manifests/bad/json-then-yaml.json: json: offset 68: invalid character '-' in numeric literal");
    let e = errors(&file("bad/json-truncated.json"))[0].message.clone();
    assert!(e.ends_with(": unexpected EOF"), "{e}");
    let e = errors(&file("bad/flow-mapping.yaml"))[0].message.clone();
    assert!(e.ends_with("json: offset 2: invalid character 'a' looking for beginning of object key string"), "{e}");
}

#[test]
fn directories() {
    let items = read(&[&format!("{DIR}/dir")]).unwrap();
    assert_eq!(names(&items), vec!["dir-hidden", "dir-B", "dir-a", "dir-c", "dir-sub-file", "dir-z", "dir-z2"]);
    let opts = ReadOptions { filenames: vec![format!("{DIR}/dir/")], recursive: true, ..Default::default() };
    let items = read_all(&opts, &mut &b""[..]).unwrap();
    assert_eq!(
        names(&items),
        vec!["dir-hidden", "dir-B", "dir-a", "dir-c", "dir-sub-deeper-x", "dir-sub-s", "dir-sub-file", "dir-z", "dir-z2"]
    );
    assert_eq!(docs(&items)[4].source, "testdata/manifests/dir/sub/deeper/x.json");
    // A file named explicitly is read whatever its extension.
    let items = read(&[&format!("{DIR}/dir/notes.txt")]).unwrap();
    assert_eq!(errors(&items)[0].kind, ErrorKind::Parse);
}

#[test]
fn path_errors() {
    let errs = read(&["testdata/manifests/nosuch.yaml", "-", "-", "https://[::1"]).unwrap_err();
    let msgs: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            r#"the path "testdata/manifests/nosuch.yaml" does not exist"#,
            "standard input cannot be used for multiple arguments",
            r#"the URL passed to filename "https://[::1" is not valid: parse "https://[::1": missing ']' in host"#,
        ]
    );
    assert_eq!(
        read(&["testdata/manifests/dir/["]).unwrap_err()[0].message,
        r#"pattern "testdata/manifests/dir/[" is not valid: syntax error in pattern"#
    );
    let globbed = read(&["testdata/manifests/dir/[ab]*"]).unwrap();
    assert_eq!(names(&globbed), vec!["dir-a"]);
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().display().to_string();
    assert_eq!(
        read(&[&empty]).unwrap_err()[0].message,
        format!("error reading [{empty}]: recognized file extensions are [.json .yaml .yml]")
    );
}

#[test]
fn stdin_and_parse_str() {
    let opts = ReadOptions { filenames: vec!["-".into()], ..Default::default() };
    let text = std::fs::read(format!("{DIR}/bad/nokind.yaml")).unwrap();
    let items = read_all(&opts, &mut &text[..]).unwrap();
    assert_eq!(names(&items), vec!["nk-before", "nk-after"]);
    assert!(errors(&items)[0].message.starts_with("unable to decode \"STDIN\": "));
    let items = parse_str("x.yaml", "kind: A\napiVersion: v1\n---\na: b: c\n");
    assert_eq!(docs(&items)[0].object, json!({"kind": "A", "apiVersion": "v1"}));
    assert_eq!(errors(&items)[0].message, "error parsing x.yaml: error converting YAML to JSON: yaml: mapping values are not allowed in this context");
    assert_eq!(errors(&items)[0].line, Some(4));
}

#[test]
fn validation() {
    let opts = ReadOptions { filenames: vec![format!("{DIR}/bad/nokind.yaml")], validate: true, ..Default::default() };
    let items = read_all(&opts, &mut &b""[..]).unwrap();
    // Validation failure ends the source.
    assert_eq!(names(&items), vec!["nk-before"]);
    assert_eq!(
        errors(&items)[0].message,
        r#"error validating "testdata/manifests/bad/nokind.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false"#
    );
    let opts = ReadOptions {
        filenames: vec![format!("{DIR}/bad/list-item-missing-kind.yaml")],
        validate: true,
        validate_list_items: true,
        ..Default::default()
    };
    let e = read_all(&opts, &mut &b""[..]).unwrap();
    assert!(errors(&e)[0].message.contains("error validating data: kind not set;"));
}

//! Unit tests of the patch algorithms on hand-written cases (the
//! kubectl-recorded corpus is in fixture_tests.rs).

use serde_json::{json, Value};

use super::gofmt::{go_s, go_v};
use super::meta::FieldMeta;
use super::smp_order::{dedup_scalars, go_stable_sort};
use super::*;

fn deployment(containers: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "ns", "finalizers": ["a", "b"]},
        "spec": {"replicas": 1,
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                 "template": {"spec": {"containers": containers}}}
    })
}

fn schema() -> BuiltinSchema {
    BuiltinSchema::for_kind("Deployment")
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

#[test]
fn field_meta_strategies() {
    assert_eq!(
        FieldMeta::new("merge,retainKeys", "name").split().unwrap(),
        (true, "merge".into())
    );
    assert_eq!(
        FieldMeta::new("retainKeys", "").split().unwrap(),
        (true, String::new())
    );
    assert_eq!(
        FieldMeta::new("replace", "").split().unwrap(),
        (false, "replace".into())
    );
    assert_eq!(
        FieldMeta::new("", "").split().unwrap(),
        (false, String::new())
    );
    assert_eq!(
        FieldMeta::new("merge,replace", "")
            .split()
            .unwrap_err()
            .message,
        "unexpected patch strategy: [merge replace]"
    );
}

#[test]
fn builtin_lookups() {
    let s = schema();
    let containers = s
        .field_meta(&path(&["spec", "template", "spec", "containers"]))
        .unwrap();
    assert_eq!(containers, FieldMeta::new("merge", "name"));
    let env = s
        .field_meta(&path(&["spec", "template", "spec", "containers", "env"]))
        .unwrap();
    assert_eq!(env, FieldMeta::new("merge", "name"));
    let vols = s
        .field_meta(&path(&["spec", "template", "spec", "volumes"]))
        .unwrap();
    assert_eq!(vols, FieldMeta::new("merge,retainKeys", "name"));
    assert_eq!(
        s.field_meta(&path(&["spec", "strategy"])).unwrap(),
        FieldMeta::new("retainKeys", "")
    );
    assert_eq!(
        s.field_meta(&path(&["metadata", "finalizers"])).unwrap(),
        FieldMeta::new("merge", "")
    );
    // Not merged in the real API.
    assert_eq!(
        s.field_meta(&path(&["spec", "template", "spec", "tolerations"]))
            .unwrap(),
        FieldMeta::default()
    );
    assert_eq!(
        s.field_meta(&path(&["spec", "bogus", "x"])).unwrap(),
        FieldMeta::default()
    );
    let svc = BuiltinSchema::for_kind("Service");
    assert_eq!(
        svc.field_meta(&path(&["spec", "ports"])).unwrap(),
        FieldMeta::new("merge", "port")
    );
    let cj = BuiltinSchema::for_kind("CronJob");
    assert_eq!(
        cj.field_meta(&path(&[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "initContainers"
        ]))
        .unwrap(),
        FieldMeta::new("merge", "name")
    );
    assert!(uses_strategic_merge_patch("apps"));
    assert!(uses_strategic_merge_patch(""));
    assert!(!uses_strategic_merge_patch("example.com"));
}

#[test]
fn openapi_lookups_follow_refs() {
    let doc = json!({"definitions": {
        "v1.Thing": {
            "type": "object",
            "x-kubernetes-group-version-kind": [{"group": "g", "version": "v1", "kind": "Thing"}],
            "properties": {
                "spec": {"$ref": "#/definitions/v1.Spec"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "raw": {"$ref": "#/definitions/v1.Raw"}
            }
        },
        "v1.Spec": {"properties": {
            "items": {"type": "array", "items": {"$ref": "#/definitions/v1.Item"},
                      "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"},
            "mode": {"$ref": "#/definitions/v1.Mode", "x-kubernetes-patch-strategy": "retainKeys"},
            "count": {"type": "integer"}
        }},
        "v1.Item": {"type": "object", "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"}
        }},
        "v1.Mode": {"type": "object", "properties": {"a": {"type": "string"}}},
        "v1.Raw": {"type": "object"}
    }});
    let schema = OpenApiSchema::from_v2(&doc).unwrap();
    assert!(schema.for_kind("g", "v2", "Thing").is_none());
    let k = schema.for_kind("g", "v1", "Thing").unwrap();
    assert_eq!(
        k.field_meta(&path(&["spec", "items"])).unwrap(),
        FieldMeta::new("merge", "id")
    );
    assert_eq!(
        k.field_meta(&path(&["spec", "items", "tags"])).unwrap(),
        FieldMeta::new("merge", "")
    );
    assert_eq!(
        k.field_meta(&path(&["spec", "mode"])).unwrap(),
        FieldMeta::new("retainKeys", "")
    );
    assert_eq!(
        k.field_meta(&path(&["labels", "x"])).unwrap(),
        FieldMeta::default()
    );
    assert_eq!(
        k.field_meta(&path(&["raw", "anything", "deep"])).unwrap(),
        FieldMeta::default()
    );
    let err = k.field_meta(&path(&["spec", "nope"])).unwrap_err();
    assert_eq!(
        err.message,
        r#"unable to find api field "nope" in v1.Thing.spec"#
    );
    assert!(k.field_meta(&path(&["spec", "count", "x"])).is_err());
}

#[test]
fn go_formatting() {
    assert_eq!(go_v(&json!(80)), "80");
    assert_eq!(go_v(&json!(1.5)), "1.5");
    assert_eq!(go_v(&json!(1e6)), "1e+06");
    assert_eq!(go_v(&json!(null)), "<nil>");
    assert_eq!(
        go_v(&json!({"b": [1, "x"], "a": true})),
        "map[a:true b:[1 x]]"
    );
    assert_eq!(go_s(&json!(80)), "%!s(int64=80)");
    assert_eq!(go_s(&json!("x")), "x");
}

#[test]
fn go_dedup_reorders_like_go() {
    let v = |s: &[&str]| s.iter().map(|x| json!(x)).collect::<Vec<_>>();
    assert_eq!(dedup_scalars(v(&["a", "a", "b", "c"])), v(&["a", "c", "b"]));
    assert_eq!(dedup_scalars(v(&["a", "b", "a", "c"])), v(&["a", "b", "c"]));
    assert_eq!(dedup_scalars(v(&[])), v(&[]));
}

#[test]
fn go_stable_sort_is_stable_for_long_lists() {
    let mut items: Vec<(u32, u32)> = (0..97).map(|i| ((i * 37) % 10, i)).collect();
    go_stable_sort(&mut items, &|a, b| a.0 < b.0);
    for w in items.windows(2) {
        assert!(
            w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1),
            "{w:?}"
        );
    }
}

#[test]
fn modified_configuration_like_kubectl() {
    let obj = json!({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "c", "namespace": "n"}, "data": {"k": "<&>"}});
    let m = modified_configuration(&obj, true);
    assert_eq!(
        m["metadata"]["annotations"][LAST_APPLIED_ANNOTATION],
        "{\"apiVersion\":\"v1\",\"data\":{\"k\":\"\\u003c\\u0026\\u003e\"},\"kind\":\"ConfigMap\",\
         \"metadata\":{\"annotations\":{},\"name\":\"c\",\"namespace\":\"n\"}}\n"
    );
    // A stale annotation in the manifest is not carried into itself.
    let again = modified_configuration(&m, true);
    assert_eq!(again, m);
    let plain = modified_configuration(&obj, false);
    assert_eq!(plain["metadata"]["annotations"], json!({}));
    assert_eq!(
        original_configuration(&m).unwrap().unwrap()["data"]["k"],
        "<&>"
    );
    assert_eq!(original_configuration(&obj).unwrap(), None);
}

/// Two-way patches round-trip: applying create_two_way(a, b) to a gives b.
#[test]
fn two_way_round_trips() {
    let base = deployment(json!([
        {"name": "web", "image": "nginx", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
         "ports": [{"containerPort": 80}, {"containerPort": 443}]},
        {"name": "side", "image": "busybox"}
    ]));
    let mut variants = Vec::new();
    let mut v = base.clone();
    v["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:2");
    variants.push(v);
    let mut v = base.clone();
    v["spec"]["template"]["spec"]["containers"] = json!([{"name": "side", "image": "busybox"},
        {"name": "web", "image": "nginx", "env": [{"name": "B", "value": "2"}, {"name": "C", "value": "3"}]}]);
    variants.push(v);
    let mut v = base.clone();
    v["metadata"]["finalizers"] = json!(["c", "b"]);
    v["spec"]["strategy"] = json!({"type": "Recreate"});
    variants.push(v);
    let mut v = base.clone();
    v["spec"]["template"]["spec"]["containers"] = json!([]);
    v["spec"].as_object_mut().unwrap().remove("replicas");
    variants.push(v);
    let mut v = base.clone();
    v["spec"]["template"]["spec"]["volumes"] = json!([{"name": "x", "emptyDir": {}}]);
    variants.push(v);
    for target in &variants {
        for (a, b) in [(&base, target), (target, &base)] {
            let patch = create_two_way(a, b, &schema()).unwrap();
            let applied = apply_strategic(a, &patch, &schema()).unwrap();
            assert_eq!(
                to_go_json(&applied),
                to_go_json(b),
                "patch {}",
                to_go_json(&patch)
            );
        }
    }
}

#[test]
fn two_way_patch_shape() {
    let a = deployment(
        json!([{"name": "web", "image": "nginx", "env": [{"name": "A"}, {"name": "B"}]}]),
    );
    let b = deployment(json!([{"name": "web", "image": "nginx", "env": [{"name": "B"}]}]));
    let patch = create_two_way(&a, &b, &schema()).unwrap();
    assert_eq!(
        to_go_json(&patch),
        r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"$setElementOrder/env":[{"name":"B"}],"env":[{"$patch":"delete","name":"A"}],"name":"web"}]}}}}"#
    );
    let mut c = a.clone();
    c["metadata"]["finalizers"] = json!(["b", "c"]);
    let patch = create_two_way(&a, &c, &schema()).unwrap();
    assert_eq!(
        to_go_json(&patch),
        r#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"],"$setElementOrder/finalizers":["b","c"],"finalizers":["c"]}}"#
    );
    let mut d = a.clone();
    d["spec"]["strategy"] = json!({"type": "Recreate"});
    let patch = create_two_way(&a, &d, &schema()).unwrap();
    assert_eq!(
        to_go_json(&patch),
        r#"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}"#
    );
}

#[test]
fn three_way_without_original_deletes_nothing() {
    let current =
        deployment(json!([{"name": "web", "image": "nginx"}, {"name": "side", "image": "b"}]));
    let modified = deployment(json!([{"name": "web", "image": "nginx:2"}]));
    let patch = create_three_way(None, &modified, &current, &schema(), true).unwrap();
    assert_eq!(
        to_go_json(&patch),
        r#"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:2","name":"web"}]}}}}"#
    );
}

#[test]
fn three_way_conflicts_only_without_overwrite() {
    let mut original = deployment(json!([{"name": "web", "image": "nginx"}]));
    original["spec"]["replicas"] = json!(1);
    let mut current = original.clone();
    current["spec"]["replicas"] = json!(5);
    let mut modified = original.clone();
    modified["spec"]["replicas"] = json!(3);
    let patch = create_three_way(Some(&original), &modified, &current, &schema(), true).unwrap();
    assert_eq!(to_go_json(&patch), r#"{"spec":{"replicas":3}}"#);
    let err = create_three_way(Some(&original), &modified, &current, &schema(), false).unwrap_err();
    assert_eq!(err.kind, PatchErrorKind::Conflict);
    assert_eq!(
        err.message,
        "patch:\nspec:\n  replicas: 3\n\nconflicts with changes made from original to current:\nspec:\n  replicas: 5\n\n"
    );
    // Changes to fields the live change did not touch are no conflict.
    let mut current = original.clone();
    current["metadata"]["labels"] = json!({"live": "x"});
    let ok = create_three_way(Some(&original), &modified, &current, &schema(), false);
    assert_eq!(to_go_json(&ok.unwrap()), r#"{"spec":{"replicas":3}}"#);
    let mut relabel = modified.clone();
    relabel["metadata"]["labels"] = json!({"live": "y"});
    let err = create_three_way(Some(&original), &relabel, &current, &schema(), false).unwrap_err();
    assert_eq!(err.kind, PatchErrorKind::Conflict);
}

#[test]
fn three_way_json_merge() {
    let original = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "a"},
                          "spec": {"a": 1, "b": 2, "list": [1, 2]}});
    let current = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "a", "uid": "u"},
                         "spec": {"a": 1, "b": 2, "list": [1, 2], "live": true}});
    let modified = json!({"apiVersion": "x/v1", "kind": "W", "metadata": {"name": "a"},
                          "spec": {"a": 2.0, "list": [2]}});
    let patch = create_three_way_json_merge(Some(&original), &modified, &current).unwrap();
    assert_eq!(
        to_go_json(&patch),
        r#"{"spec":{"a":2,"b":null,"list":[2]}}"#
    );
    let mut renamed = modified.clone();
    renamed["metadata"]["name"] = json!("b");
    let err = create_three_way_json_merge(Some(&original), &renamed, &current).unwrap_err();
    assert_eq!(err.kind, PatchErrorKind::PreconditionFailed);
    assert!(err
        .message
        .starts_with("precondition failed for: map[metadata:map[name:b]"));
}

#[test]
fn merge_patch_create_and_apply_agree() {
    let a = json!({"a": {"b": 1, "c": [1, {"d": null}]}, "e": "x", "n": null});
    let b = json!({"a": {"b": 2.0, "c": [1]}, "f": {"g": {}}});
    let patch = create_merge_patch(&a, &b).unwrap();
    assert_eq!(
        patch,
        json!({"a": {"b": 2.0, "c": [1]}, "e": null, "f": {"g": {}}, "n": null})
    );
    assert_eq!(apply_merge_patch(&a, &patch).unwrap(), b);
    assert_eq!(
        create_merge_patch(&json!({"x": 1}), &json!({"x": 1.0})).unwrap(),
        json!({})
    );
}

#[test]
fn json_patch_errors_and_kubectl_wording() {
    let doc = json!({"a": [1, 2], "m": {"k": "v"}});
    let err = apply_json_patch(
        &doc,
        &json!([{"op": "replace", "path": "/a/7", "value": 0}]),
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "replace operation does not apply: doc is missing key: /a/7: missing value"
    );
    assert_eq!(
        kubectl_json_patch_message(&err),
        "Object to be patched is missing field (/a/7: missing value)"
    );
    let err =
        apply_json_patch(&doc, &json!([{"op": "test", "path": "/m/k", "value": "w"}])).unwrap_err();
    assert_eq!(err.kind, PatchErrorKind::TestFailed);
    let ok = apply_json_patch(
        &doc,
        &json!([{"op": "move", "from": "/m/k", "path": "/a/0"}, {"op": "copy", "from": "/a", "path": "/b"}]),
    )
    .unwrap();
    assert_eq!(ok, json!({"a": ["v", 1, 2], "b": ["v", 1, 2], "m": {}}));
}

#[test]
fn strategic_directives() {
    let obj = deployment(json!([{"name": "web", "image": "a"}, {"name": "side", "image": "b"}]));
    let s = schema();
    let out = apply_strategic(
        &obj,
        &json!({"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}}),
        &s,
    )
    .unwrap();
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"],
        json!([{"name": "web", "image": "a"}])
    );
    let out = apply_strategic(
        &obj,
        &json!({"spec": {"strategy": {"$patch": "delete"}}}),
        &s,
    )
    .unwrap();
    assert_eq!(out["spec"]["strategy"], json!({}));
    let out = apply_strategic(
        &obj,
        &json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
        &s,
    )
    .unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
    let err = apply_strategic(&obj, &json!({"spec": {"$patch": "merge"}}), &s).unwrap_err();
    assert!(err
        .message
        .starts_with("unknown patch type: merge in map: map[$patch:merge]"));
    let err = apply_strategic(
        &obj,
        &json!({"metadata": {"$deleteFromPrimitiveList": ["a"]}}),
        &s,
    )
    .unwrap_err();
    assert_eq!(err.message, "invalid patch format of primitive list");
}

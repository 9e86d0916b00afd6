use super::*;
use serde_json::json;

fn names(objects: &[Value], order: &[usize]) -> Vec<String> {
    order
        .iter()
        .map(|&i| objects[i]["n"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn orders_like_kubectl() {
    let objs = vec![
        json!({"n": "a", "v": "2Gi"}),
        json!({"n": "b", "v": "100m"}),
        json!({"n": "c"}),
        json!({"n": "d", "v": "1"}),
        json!({"n": "e", "v": null}),
    ];
    let order = sorted_indices(&objs, ".v").unwrap();
    assert_eq!(names(&objs, &order), ["c", "e", "b", "d", "a"]);
}

#[test]
fn errors() {
    let objs = vec![json!({"n": "a", "v": 1}), json!({"n": "b", "v": 2.5})];
    assert_eq!(
        sorted_indices(&objs, ".zzz").unwrap_err().to_string(),
        "couldn't find any field with path \"{.zzz}\" in the list of objects"
    );
    assert_eq!(
        sorted_indices(&objs, ".v").unwrap_err(),
        SortError::Fatal {
            location: "sorter.go:329",
            message: "Field {.v} in *unstructured.Unstructured is an unsortable type: interface, err: unsortable interface: interface".into(),
            code: 1,
        }
    );
    assert_eq!(sorted_indices(&objs, "{.a}{.b}").unwrap_err().to_string(), "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
    assert_eq!(
        sorted_indices(&objs, ".a[").unwrap_err().to_string(),
        "unterminated array"
    );
    assert_eq!(sorted_indices(&objs[..1], ".zzz").unwrap(), vec![0]);
}

#[test]
fn evaluation_error_during_sort_is_fatal() {
    let objs = vec![
        json!({"n": "a", "l": [{"x": "1"}]}),
        json!({"n": "b", "l": []}),
    ];
    match sorted_indices(&objs, ".l[0].x").unwrap_err() {
        SortError::Fatal {
            location,
            message,
            code,
        } => {
            assert_eq!((location, code), ("sorter.go:310", 255));
            assert_eq!(
                message,
                "Failed to get i values for &unstructured.Unstructured{Object:map[string]interface {}{\"l\":[]interface {}{}, \"n\":\"b\"}} \
                 using {.l[0].x} (&errors.errorString{s:\"array index out of bounds: index 0, length 0\"})"
            );
        }
        other => panic!("{other:?}"),
    }
}

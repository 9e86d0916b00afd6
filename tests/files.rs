//! `-f` for create, get and delete: each client works on twin namespaces with
//! the same manifests; messages, errors and exit codes must match.

mod support;

use support::{cluster, Output};

fn twin(a: &str, b: &str, args: &[&str]) -> (Output, Output) {
    // Ages, uids, resourceVersions and timestamps differ between any two objects.
    let ages = regex::Regex::new(r"\b\d+s\b").unwrap();
    let meta = regex::Regex::new(r#""(uid|resourceVersion|creationTimestamp)": "[^"]*""#).unwrap();
    let norm = |o: Output| {
        let out = ages.replace_all(&o.stdout, "<AGE>").into_owned();
        Output { stdout: meta.replace_all(&out, "\"$1\": \"<X>\"").into_owned(), ..o }
    };
    let (x, y) = support::twin(a, b, args);
    (norm(x), norm(y))
}

#[test]
fn create_get_delete_from_files() {
    let c = cluster();
    let a = c.namespace("files-a");
    let b = c.namespace("files-b");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("one.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {k: v}\n").unwrap();
    std::fs::write(
        tmp.path().join("two.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: two}\nstringData: {k: v}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: three}\n---\napiVersion: nope.example/v1\nkind: Nope\nmetadata: {name: x}\n",
    )
    .unwrap();
    let one = tmp.path().join("one.yaml").display().to_string();
    let dir = tmp.path().display().to_string();
    let steps: &[&[&str]] = &[
        &["create", "-f", &one, "--dry-run=client", "-o", "yaml"],
        &["create", "-f", &one],
        &["create", "-f", &one],
        &["create", "-f", &dir],
        &["create", "-f", &dir, "--dry-run=server", "-o", "name"],
        &["get", "-f", &one, "-o", "json"],
        &["get", "-f", &dir],
        &["get", "-f", &dir, "-o", "name"],
        &["delete", "-f", &dir],
        &["delete", "-f", &dir],
        &["delete", "-f", &one, "--ignore-not-found"],
        &["get", "-f", &one],
        &["create", "-f", &one],
        &["replace", "-f", &one],
        &["replace", "-f", &one, "--dry-run=server"],
        &["replace", "-f", &one, "-o", "name"],
        &["replace", "-f", &one, "--force"],
        &["replace", "-f", &dir],
        &["replace"],
        &["create", "-f", "/nonexistent.yaml"],
        &["get", "-f", "/nonexistent.yaml"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "{args:?}");
    }
}

//! Secrets through `apply -f` and `create -f`: `stringData` round trips, and a
//! `data` value that is not base64 fails as in kubectl, with the key named when
//! the server's message does not show it.

mod support;

use support::{cluster, Output};

fn same(a: &str, b: &str, args: &[&str]) -> Output {
    let (x, y) = support::twin(a, b, args);
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "kctl vs kubectl: {args:?}");
    x
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn string_data_and_bad_base64() {
    let c = cluster();
    let a = c.namespace("secret-a");
    let b = c.namespace("secret-b");
    let tmp = tempfile::tempdir().unwrap();
    let v1 = write(tmp.path(), "v1.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: sd}\nstringData: {user: admin, pass: \"s3cret\"}\ndata: {extra: aGVsbG8=}\n");
    let v2 = write(tmp.path(), "v2.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: sd}\nstringData: {user: root}\n");
    let bad = write(tmp.path(), "bad.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata:\n  good: aGVsbG8=\n  broken: \"not base64!!\"\n");
    for args in [
        &["apply", "-f", &v1][..],
        &["apply", "-f", &v1],
        &["apply", "-f", &v2],
        &["apply", "-f", &bad],
        &["apply", "-f", &bad, "--dry-run=server"],
        &["create", "-f", &bad],
    ] {
        same(&a.name, &b.name, args);
    }
    let data = |ns: &str| c.cmd(["-n", ns, "get", "secret", "sd", "-o", "jsonpath={.data}"]).kubectl().stdout;
    assert_eq!(data(&a.name), data(&b.name));
    assert!(data(&a.name).contains("\"user\":\"cm9vdA==\""), "{}", data(&a.name));
    let out = same(&a.name, &b.name, &["apply", "-f", &bad]);
    // The server's window shows the key: kubectl's message is kept as it is.
    assert!(out.stderr.contains("\"broken\":\"not base64!!\""), "{}", out.stderr);

    // A long value hides the key from the server's message: kctl adds it.
    let long = format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: longbad}}\ndata:\n  a: aGVsbG8=\n  tls.crt: {}!!{}\n", "QUJD".repeat(40), "QUJD".repeat(20));
    let long = write(tmp.path(), "long.yaml", &long);
    for verb in ["apply", "create"] {
        let (x, y) = support::twin(&a.name, &b.name, &[verb, "-f", &long]);
        assert_eq!((x.code, &x.stdout), (y.code, &y.stdout));
        assert!(!y.stderr.contains("tls.crt"), "{}", y.stderr);
        assert_eq!(x.stderr, format!("{} (not valid base64: data[\"tls.crt\"])\n", y.stderr.trim_end()));
    }
}

//! `kctl apply view-last-applied` against kubectl 1.32: YAML and the
//! annotation's JSON, names, types, selectors, files and errors.

mod support;

use support::cluster;

#[test]
fn view_last_applied_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("val");
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: \"1\"}}\ndata: {z: \"1\", b: \"<2>\"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n";
    c.kubectl_apply(&ns.name, manifest);
    let out = c.cmd(["create", "configmap", "nolast", "-n", &ns.name]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.yaml");
    std::fs::write(&file, manifest).unwrap();
    let file = file.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["cm/a"],
        &["cm", "a", "b", "-o", "json"],
        &["cm", "-l", "x=1"],
        &["cm/nolast"],
        &["cm"],
        &[],
        &["cm/a", "-o", "wide"],
        &["cm/missing"],
        &["-f", file, "-o", "json"],
        &["bogus/a"],
    ];
    for args in cases {
        let mut full = vec!["-n", ns.name.as_str(), "apply", "view-last-applied"];
        full.extend_from_slice(args);
        let out = c.cmd(&full).assert_same(&[]);
        if args.first() == Some(&"cm/a") && args.len() == 1 {
            assert!(out.stdout.contains("b: <2>"), "{}", out.stdout);
        }
    }
}

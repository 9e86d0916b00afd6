//! Server warnings (`Warning:` response headers, here v1.20's deprecation
//! notices) printed once each on stderr, and `--warnings-as-errors`.

mod support;

use support::{cluster, Norm};

#[test]
fn server_warnings_match_kubectl() {
    let ns = cluster().namespace("warn");
    cluster().kubectl_apply(
        &ns.name,
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n",
    );
    let runs: &[&[&str]] = &[
        &["get", "ingresses.v1beta1.extensions"],
        &["get", "ingresses.v1beta1.networking.k8s.io", "-o", "name"],
        &["get", "ingresses.v1beta1.extensions", "--warnings-as-errors"],
        &["get", "ingresses.v1beta1.extensions", "--warnings-as-errors=false", "-o", "name"],
        &["get", "ingresses.v1beta1.extensions", "missing", "--warnings-as-errors"],
        &["get", "ingresses.v1.networking.k8s.io", "--warnings-as-errors", "-o", "name"],
    ];
    for args in runs {
        let mut full = vec!["-n", ns.name.as_str()];
        full.extend_from_slice(args);
        let out = cluster().cmd(&full).assert_same(&[Norm::Age, Norm::KlogHeader]);
        if args[1].contains("v1beta1") {
            assert!(out.stderr.starts_with("Warning: "), "{args:?}: {out:?}");
        }
    }
}

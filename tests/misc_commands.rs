//! Differential tests for auth, autoscale, certificate, top and proxy.

mod support;

use support::cluster;

#[test]
fn auth_can_i_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("cani");
    let cases: &[&[&str]] = &[
        &["auth", "can-i", "get", "pods"],
        &["auth", "can-i", "get", "pods", "-A"],
        &["auth", "can-i", "create", "deployments.apps/foo"],
        &["auth", "can-i", "get", "/logs"],
        &["auth", "can-i", "frob", "pods"],
        &["auth", "can-i", "get", "foos"],
        &["auth", "can-i", "get", "foos.bar"],
        &["auth", "can-i", "get", "nodes"],
        &["auth", "can-i", "get", "pods", "--subresource=log"],
        &["auth", "can-i", "get", "pods", "-q"],
        &["auth", "can-i", "get", "pods", "--as=bob"],
        &["auth", "can-i", "get", "pods", "--as=bob", "-q"],
        &["auth", "can-i", "impersonate", "users", "--as=bob"],
        &["auth", "can-i", "*", "*"],
        &["auth", "can-i"],
        &["auth", "can-i", "get"],
        &["auth", "can-i", "get", "/x", "--subresource=a"],
        &["auth", "can-i", "get", "pods", "--no-headers"],
        &["auth", "can-i", "get", "pods", "--list"],
        &["auth", "can-i", "--list", "-q"],
        &["auth", "can-i", "--list"],
        &["auth", "can-i", "--list", "--as=bob", "--no-headers"],
        &["auth", "can-i", "--list", "--as=system:serviceaccount:kube-system:default"],
        &["auth", "whoami"],
        &["auth", "whoami", "-o", "json"],
        &["auth", "nope"],
    ];
    for args in cases {
        let mut argv: Vec<&str> = args.to_vec();
        argv.extend(["-n", &ns.name]);
        c.cmd(argv).assert_same(&[]);
    }
}

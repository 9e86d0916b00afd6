//! Differential tests for `kctl get` against the real test cluster.

mod support;

use support::{cluster, Norm};

const CRD: &str = include_str!("../testdata/get/crd.yaml");
const SEED: &str = include_str!("../testdata/get/seed.yaml");
const NS: &str = "kctl-get";

fn seeded() -> &'static str {
    support::seeded_namespace(
        NS,
        &[CRD],
        &[SEED],
        &[
            &["rollout", "status", "deployment/web", "--timeout=60s"],
            &["rollout", "status", "statefulset/db", "--timeout=60s"],
            &["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data-db-0", "--timeout=60s"],
        ],
    );
    NS
}

fn same(args: &[&str]) -> support::Output {
    let ns = seeded();
    let mut full = vec!["-n", ns];
    full.extend_from_slice(args);
    cluster().cmd(&full).assert_same(&[Norm::Age])
}

const KINDS: &[&str] = &["pods", "deploy", "rs", "sts", "svc", "ing", "cm", "secrets", "pvc", "widgets", "endpoints", "sa"];

#[test]
fn tables_for_every_kind() {
    for kind in KINDS {
        for extra in [&[][..], &["-o", "wide"], &["--show-labels"], &["--no-headers"], &["-L", "app,tier"], &["--show-kind"]] {
            let mut args = vec!["get", *kind];
            args.extend_from_slice(extra);
            same(&args);
        }
    }
}

#[test]
fn cluster_scoped_tables() {
    seeded();
    let c = cluster();
    c.cmd(["get", "nodes"]).assert_same(&[Norm::Age]);
    c.cmd(["get", "nodes", "-o", "wide"]).assert_same(&[Norm::Age]);
    c.cmd(["get", "ns", NS, "--show-labels"]).assert_same(&[Norm::Age]);
    let pv = c.cmd(["get", "-n", NS, "pvc", "data-db-0", "-o", "jsonpath={.spec.volumeName}"]).kubectl().stdout;
    c.cmd(["get", "pv", &pv]).assert_same(&[Norm::Age]);
    c.cmd(["get", "pv", &pv, "-o", "wide"]).assert_same(&[Norm::Age]);
    c.cmd(["get", "crd", "widgets.kctl.test"]).assert_same(&[Norm::Age]);
}

#[test]
fn object_formats() {
    for kind in KINDS {
        same(&["get", kind, "-o", "yaml"]);
        same(&["get", kind, "-o", "json"]);
        same(&["get", kind, "-o", "name"]);
    }
    same(&["get", "deploy", "web", "-o", "yaml"]);
    same(&["get", "secret", "creds", "-o", "json"]);
    same(&["get", "cm/settings", "-o", "yaml"]);
    same(&["get", "deploy", "web", "-o", "yaml", "--show-managed-fields"]);
    same(&["get", "widgets", "small", "large", "-o", "json"]);
}

#[test]
fn several_types_and_forms() {
    same(&["get", "deploy,svc,pods"]);
    same(&["get", "all"]);
    same(&["get", "all", "-o", "name"]);
    same(&["get", "deploy,cm", "--no-headers"]);
    same(&["get", "deploy/web", "cm/settings", "svc/web"]);
    same(&["get", "deploy/web", "cm/settings", "-o", "yaml"]);
    same(&["get", "svc", "web", "db"]);
    same(&["get", "svc,cm", "web"]);
    same(&["get", "deployments.apps"]);
    same(&["get", "deployments.v1.apps", "web"]);
    same(&["get", "Deployment"]);
    same(&["get", "wd", "--show-kind"]);
}

#[test]
fn selectors_and_namespaces() {
    for sel in ["app=web", "app in (web,db)", "app notin (web)", "!tier", "tier", "app=web,tier=frontend", "app!=web"] {
        same(&["get", "pods,svc,cm", "-l", sel]);
    }
    same(&["get", "pods", "--field-selector", "status.phase=Running"]);
    same(&["get", "pods", "--field-selector", "status.phase!=Running"]);
    same(&["get", "pods", "-A", "-l", "app=db"]);
    same(&["get", "pods", "-A", "-l", "app=db", "-o", "wide"]);
    same(&["get", "cm", "--chunk-size=1"]);
    same(&["get", "cm", "--chunk-size=1", "-o", "json"]);
    same(&["get", "cm", "--chunk-size=0", "-o", "name"]);
}

#[test]
fn subresources_and_raw() {
    same(&["get", "deploy", "web", "--subresource=scale"]);
    same(&["get", "deploy", "web", "--subresource=scale", "-o", "json"]);
    same(&["get", "deploy", "web", "--subresource=status", "-o", "name"]);
    same(&["get", "deploy", "--subresource=scale"]);
    same(&["get", "deploy", "web", "--subresource=bogus"]);
    let raw = format!("/api/v1/namespaces/{NS}/configmaps/settings");
    same(&["get", "--raw", &raw]);
    same(&["get", "--raw", "/apis/apps/v1/nope"]);
}

#[test]
fn errors_and_empty_results() {
    same(&["get"]);
    same(&["get", "nosuchtype"]);
    same(&["get", "pods,nosuchtype"]);
    same(&["get", "pods", "nope"]);
    same(&["get", "cm", "nope", "settings"]);
    same(&["get", "cm", "nope", "--ignore-not-found"]);
    same(&["get", "cm", "nope", "settings", "--ignore-not-found", "-o", "name"]);
    same(&["get", "pods", "-l", "app=none"]);
    same(&["get", "pods", "-l", "app=none", "-o", "json"]);
    same(&["get", "pods", "-l", "app=none", "-o", "yaml"]);
    same(&["get", "pods", "-l", "app=none", "-o", "name"]);
    same(&["get", "pods", "-l", "app in (("]);
    same(&["get", "pods", "--field-selector", "bogus=1"]);
    same(&["get", "pods/"]);
    same(&["get", "pods", "pods/x"]);
    same(&["get", "pods", "-o", "bogus"]);
    same(&["get", "pods", "-o", "jsonpath"]);
    same(&["get", "pods", "-o", "jsonpath-file=/nonexistent"]);
    same(&["get", "pods", "-o", "custom-columns-file=/nonexistent"]);
    cluster().cmd(["get", "nodes", "-l", "none=here"]).assert_same(&[]);
    cluster().cmd(["--context", "restricted", "get", "pods", "-n", NS]).assert_same(&[]);
}

#[test]
fn big_output_survives_a_closed_pipe() {
    seeded();
    let c = cluster();
    let run = |bin: &std::path::Path| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("{} get cm -n {NS} -o yaml | head -n 2", bin.display()))
            .env("KUBECONFIG", &c.kubeconfig)
            .env("HOME", std::env::temp_dir())
            .output()
            .unwrap()
    };
    let a = run(&support::kctl_bin());
    let b = run(&support::kubectl_bin());
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(String::from_utf8_lossy(&a.stderr), "");
}

#[test]
fn jsonpath_custom_columns_and_sort() {
    let dir = tempfile::tempdir().unwrap();
    let cc_file = dir.path().join("cols.txt");
    std::fs::write(&cc_file, "NAME          KIND   LABELS\nmetadata.name kind   metadata.labels\n").unwrap();
    let jp_file = dir.path().join("t.jsonpath");
    std::fs::write(&jp_file, "{range .items[*]}{.metadata.name}{\"\\t\"}{.kind}{\"\\n\"}{end}").unwrap();
    let cc_arg = format!("custom-columns-file={}", cc_file.display());
    let jp_arg = format!("jsonpath-file={}", jp_file.display());
    let cases: &[&[&str]] = &[
        &["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"],
        &["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"],
        &["get", "pods", "-o", "jsonpath={.items[?(@.metadata.labels.app==\"web\")].metadata.name}"],
        &["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"],
        &["get", "deploy", "web", "-o", "jsonpath={.metadata.managedFields[0].manager}"],
        &["get", "cm", "-o", "jsonpath-as-json={.items[*].metadata.name}"],
        &["get", "widgets", "-o", "jsonpath={..size}"],
        &["get", "cm", "-o", &jp_arg],
        &["get", "pods", "-o", "jsonpath={.items[0].nope}", "--allow-missing-template-keys=false"],
        &["get", "pods", "-o", "jsonpath={.items[}"],
        &["get", "pods", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,NODE:.spec.nodeName"],
        &["get", "svc", "-o", "custom-columns=NAME:.metadata.name,PORTS:.spec.ports[*].port,SEL:.spec.selector", "--no-headers"],
        &["get", "cm", "-o", &cc_arg],
        &["get", "cm", "-o", &cc_arg, "--no-headers"],
        &["get", "pods", "-o", "custom-columns=bogus"],
        &["get", "pods", "-o", "custom-columns"],
        &["get", "pods", "--sort-by=.metadata.name"],
        &["get", "pods", "--sort-by=.metadata.name", "-o", "name"],
        &["get", "cm,svc", "--sort-by=.metadata.name", "-o", "name"],
        &["get", "widgets", "--sort-by=.spec.size", "-o", "custom-columns=N:.metadata.name,S:.spec.size"],
        &["get", "pods", "--sort-by=.spec.nope"],
        &["get", "pods", "--sort-by=.spec.nope", "-o", "json"],
        &["get", "pods", "--sort-by={.metadata.name"],
    ];
    for args in cases {
        same(args);
    }
}

#[test]
fn go_templates() {
    let cases: &[&[&str]] = &[
        &["get", "pods", "-o", "go-template={{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}"],
        &["get", "deploy", "web", "-o", "go-template={{.spec.replicas}} {{.metadata.labels}}"],
        &["get", "widgets", "large", "-o", "template", "--template={{.spec.size}}"],
        &["get", "secret", "creds", "-o", "go-template={{.data.username | base64decode}}"],
        &["get", "cm", "settings", "-o", "go-template={{if exists . \"data\" \"mode\"}}yes{{end}}"],
        &["get", "cm", "settings", "-o", "go-template={{.nope}}"],
        &["get", "cm", "settings", "-o", "go-template={{.nope.deeper}}", "--allow-missing-template-keys=false"],
        &["get", "cm", "settings", "-o", "go-template={{.a"],
        &["get", "cm", "settings", "-o", "go-template="],
        &["get", "cm", "settings", "-o", "jsonpath="],
    ];
    for args in cases {
        same(args);
    }
}

//! Differential tests for `kctl describe` against the real test cluster: the
//! same objects described by both clients (so timestamps agree; ages are
//! normalised and a run whose ages moved is retried).

mod support;

use support::{cluster, Norm};

const CRD: &str = include_str!("../testdata/describe/crd.yaml");
const SEED: &str = include_str!("../testdata/describe/seed.yaml");
const NS: &str = "kctl-describe";

fn seeded() -> &'static str {
    support::seeded_namespace(
        NS,
        &[CRD],
        &[SEED],
        &[
            &["rollout", "status", "deployment/web", "--timeout=60s"],
            &["rollout", "status", "statefulset/db", "--timeout=90s"],
            // Not `rollout status`: other tests may add nodes the daemon set never fits.
            &["wait", "--for=condition=Ready", "pod", "-l", "app=agent", "--timeout=60s"],
            &["wait", "--for=condition=complete", "job/once", "--timeout=60s"],
            &["wait", "--for=condition=Ready", "pod/solo", "--timeout=60s"],
        ],
    );
    NS
}

fn same(args: &[&str]) -> support::Output {
    let ns = seeded();
    let mut full = vec!["describe", "-n", ns];
    full.extend_from_slice(args);
    cluster().cmd(&full).assert_same(&[Norm::Age])
}

#[test]
fn pod_with_every_section() {
    let out = same(&["pod", "solo"]);
    assert_eq!(out.code, 0);
    for want in ["Init Containers:", "Environment Variables from:", "Tolerations:", "Events:", "Start Time:"] {
        assert!(out.stdout.contains(want), "{want} missing:\n{}", out.stdout);
    }
}

#[test]
fn workloads() {
    for args in [&["deployment", "web"][..], &["replicasets"], &["statefulset", "db"], &["daemonset", "agent"], &["job", "once"]] {
        let out = same(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Pod Template:"), "{args:?}");
    }
    // The workloads' pods, found by name prefix and by label.
    same(&["pods", "web"]);
    same(&["pods", "db-"]);
    same(&["pods", "-l", "app=agent"]);
}

#[test]
fn cronjob_needs_batch_v1() {
    // kubectl 1.32 reads CronJobs as batch/v1, which a 1.20 server lacks.
    same(&["cronjob", "tick"]);
    same(&["cronjobs,jobs"]);
}

#[test]
fn generic_describer() {
    let out = same(&["gadget", "gizmo"]);
    assert!(out.stdout.contains("API Endpoint:"), "{}", out.stdout);
    same(&["controllerrevisions"]);
}

#[test]
fn selections_and_flags() {
    same(&["pods", "-l", "app=web"]);
    same(&["pods", "-l", "app=web", "--chunk-size=1"]);
    same(&["pod/solo", "deploy/web"]);
    same(&["pod", "solo", "--show-events=false"]);
    same(&["deployments", "--show-events=false"]);
    same(&["all", "-l", "describe-test=1"]);
    cluster().cmd(["describe", "deploy,sts,ds,gadgets", "-A", "-l", "describe-test=1"]).assert_same(&[Norm::Age]);
    let file = support::repo_root().join("testdata/describe/names.yaml");
    let file = file.to_str().unwrap();
    same(&["-f", file]);
}

#[test]
fn errors_and_empty_results() {
    for args in [
        &["pods", "nonexistent"][..],
        &["pods/nonexistent"],
        &["pods", "nonexistent", "other"],
        &["pod/solo", "pods/nonexistent", "deploy/web"],
        &["pods", "-l", "app=nothing"],
        &["widgetsnothing", "x"],
        &["nodes", "nonexistent"],
        &["pods,deploy", "web"],
        &["all", "web"],
        &["pods", "web", "-l", "app=web"],
        &["pod/solo", "-l", "app=web"],
        &["pods", "solo", "-A"],
        &["pods", "-l", "bad selector"],
        &["-f", "testdata/describe/names.yaml", "pods"],
    ] {
        same(args);
    }
    let c = cluster();
    c.cmd(["describe"]).assert_same(&[]);
    c.cmd(["describe", "pods", "-A", "-l", "app=nothing-at-all"]).assert_same(&[]);
    c.cmd(["describe", "-n", "kctl-describe-no-such-ns", "pods", "x"]).assert_same(&[]);
    c.cmd(["describe", "-n", "kctl-describe-no-such-ns", "pods"]).assert_same(&[]);
}

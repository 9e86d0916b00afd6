//! Differential tests for `kctl describe` against the real test cluster: the
//! same objects described by both clients (so timestamps agree; ages are
//! normalised and a run whose ages moved is retried).

mod support;

use support::{cluster, Norm};

const CRD: &str = include_str!("../testdata/describe/crd.yaml");
const CLUSTER_OBJECTS: &str = include_str!("../testdata/describe/cluster.yaml");
const SEED: &str = include_str!("../testdata/describe/seed.yaml");
const NS: &str = "kctl-describe";

fn seeded() -> &'static str {
    support::seeded_namespace(
        NS,
        &[CRD, CLUSTER_OBJECTS],
        &[SEED],
        &[
            &["rollout", "status", "deployment/web", "--timeout=60s"],
            &["rollout", "status", "statefulset/db", "--timeout=90s"],
            // Not `rollout status`: other tests may add nodes the daemon set never fits.
            &["wait", "--for=condition=Ready", "pod", "-l", "app=agent", "--timeout=60s"],
            &["wait", "--for=condition=complete", "job/once", "--timeout=60s"],
            &["wait", "--for=condition=Ready", "pod/solo", "--timeout=60s"],
            &["wait", "--for=condition=Ready", "pod", "-l", "app=legacy", "--timeout=60s"],
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
    for args in [&["deployment", "web"][..], &["replicasets"], &["statefulset", "db"], &["daemonset", "agent"], &["job", "once"], &["rc", "legacy"]] {
        let out = same(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(out.stdout.contains("Pod Template:"), "{args:?}");
    }
    // The workloads' pods, found by name prefix and by label.
    same(&["pods", "web"]);
    same(&["pods", "db-"]);
    same(&["pods", "-l", "app=agent"]);
    // Every in-tree volume plugin kubectl knows, through a pod template.
    same(&["deployment", "volumes"]);
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
fn cluster_scoped_describers() {
    cluster().cmd(["describe", "storageclass"]).assert_same(&[Norm::Age]);
    cluster().cmd(["describe", "priorityclass", "system-node-critical", "system-cluster-critical"]).assert_same(&[Norm::Age]);
    seeded();
    cluster().cmd(["describe", "ingressclass", "kctl-describe-class"]).assert_same(&[Norm::Age]);
    cluster().cmd(["describe", "csinode", "kctl-describe-csinode"]).assert_same(&[Norm::Age]);
    // Subject and alternative names come from the request's DER body.
    cluster().cmd(["describe", "csr", "kctl-describe-csr"]).assert_same(&[Norm::Age]);
}

#[test]
fn policies_and_autoscalers() {
    same(&["networkpolicy", "web-policy"]);
    same(&["pdb", "web-pdb"]);
    // The autoscaler's metric failures repeat as events; their counts move.
    same(&["hpa", "web-hpa", "--show-events=false"]);
    same(&["endpointslice", "manual-slice"]);
}

#[test]
fn rbac() {
    same(&["role", "reader"]);
    same(&["rolebinding", "reader-binding"]);
    cluster().cmd(["describe", "clusterrole", "admin", "system:aggregate-to-edit"]).assert_same(&[]);
    cluster().cmd(["describe", "clusterrolebinding", "cluster-admin"]).assert_same(&[]);
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
    c.cmd(["describe", "pods", "--show-events=maybe"]).assert_same(&[]);
    c.cmd(["describe", "pods", "--chunk-size=x"]).assert_same(&[]);
    c.cmd(["describe", "pods", "-A", "-l", "app=nothing-at-all"]).assert_same(&[]);
    c.cmd(["describe", "-n", "kctl-describe-no-such-ns", "pods", "x"]).assert_same(&[]);
    c.cmd(["describe", "-n", "kctl-describe-no-such-ns", "pods"]).assert_same(&[]);
}

/// Many events of the same second: kubectl's (unstable) sort decides their
/// order; repeated events show their count and span.
#[test]
fn event_table_order_and_counts() {
    seeded();
    let c = cluster();
    let ns = c.namespace("describe-ev");
    c.kubectl_apply(&ns.name, "apiVersion: describe.kctl.test/v1\nkind: Gadget\nmetadata: {name: noisy}\nspec: {size: 1}\n");
    let uid = c.cmd(["get", "gadget", "noisy", "-n", &ns.name, "-o", "jsonpath={.metadata.uid}"]).kubectl().stdout;
    let mut events = Vec::new();
    for n in 0..20 {
        let (first, last, count) = match n % 5 {
            0 => ("2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z", 3),
            _ => ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", 1),
        };
        events.push(format!(
            r#"{{"apiVersion":"v1","kind":"Event","metadata":{{"name":"noisy.{n:02}"}},"involvedObject":{{"apiVersion":"describe.kctl.test/v1","kind":"Gadget","name":"noisy","namespace":"{ns}","uid":"{uid}"}},"reason":"Reason{n}","message":"  message {n}  ","type":"{ty}","count":{count},"firstTimestamp":"{first}","lastTimestamp":"{last}","source":{{"component":"tester"}}}}"#,
            ns = ns.name,
            ty = if n % 3 == 0 { "Warning" } else { "Normal" },
        ));
    }
    // One without a source component: the reporting controller stands in.
    events.push(format!(
        r#"{{"apiVersion":"v1","kind":"Event","metadata":{{"name":"noisy.new"}},"involvedObject":{{"apiVersion":"describe.kctl.test/v1","kind":"Gadget","name":"noisy","namespace":"{ns}","uid":"{uid}"}},"reason":"Modern","message":"from the events API","type":"Normal","eventTime":"2026-01-01T00:00:00.123456Z","reportingComponent":"modern-controller","reportingInstance":"x","action":"Act"}}"#,
        ns = ns.name
    ));
    let list = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, events.join(","));
    c.kubectl_apply(&ns.name, &list);
    let out = c.cmd(["describe", "gadget", "noisy", "-n", &ns.name]).assert_same(&[Norm::Age]);
    assert!(out.stdout.contains("(x3 over"), "{}", out.stdout);
}

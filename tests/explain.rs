//! `kctl explain` against kubectl 1.32: the shared v1.20 cluster serves only
//! OpenAPI v2, so both clients fall back to the original printer there; a
//! private `kctl local` serves v3, which both render with the plaintext
//! template. stdout, stderr and exit codes must match byte for byte.

mod support;

use support::local::Local;
use support::{cluster, Invocation};

const CASES: &[&[&str]] = &[
    &["pods"],
    &["deploy"],
    &["deployment.spec"],
    &["deployment.spec.template.spec.containers"],
    &["deployments.apps.spec.strategy"],
    &["deploy.spec.replicas"],
    &["deploy.spec.replicas.foo"],
    &["pods.metadata.labels"],
    &["pods.metadata.labels.foo"],
    &["pods.spec.restartPolicy"],
    &["pods.spec.containers.resources.limits"],
    &["po.spec.volumes.hostPath"],
    &["svc.spec.ports"],
    &["Service.spec.type"],
    &["nodes.status"],
    &["configmap.data"],
    &["controllerrevisions.data"],
    &["cronjobs.spec.jobTemplate"],
    &["ev.involvedObject"],
    &["events.events.k8s.io"],
    &["ing.spec"],
    &["ingresses.extensions.spec"],
    &["crd.spec.versions.schema"],
    &["pods."],
    // Lists, under the names the mapper guesses for them.
    &["deploymentlist"],
    &["podlists.items.spec.nodeName"],
    &["pods", "--recursive"],
    &["deployment.spec.template", "--recursive"],
    &["crd", "--recursive"],
    &["statefulsets", "--recursive=true"],
    &["deployments", "--api-version=apps/v1"],
    &["cronjobs", "--api-version=batch/v1beta1"],
    &["pods", "--api-version=v2"],
    &["pods", "--api-version=apps/v1"],
    &["pods", "--api-version=a/b/c"],
    &["deploy.spec", "--output=plaintext-openapiv2"],
    &["deploy.spec", "--output", "plaintext"],
    &["pods", "--output=yaml"],
    // Errors.
    &[],
    &["pods", "nodes"],
    &["nosuchthing"],
    &["nosuchthing.spec"],
    &["pods.spec.nosuchfield"],
    &["pods.nosuch.deeper"],
    &["deployment.spec.template.spec.containers.nosuch"],
    // The argument is parsed as JSONPath: only plain fields are accepted.
    &["pods.spec.containers[0]"],
    &["pods.spec.containers[0]", "--api-version=v1"],
    &[".pods"],
    &[""],
    &["pods.."],
    &["pods..spec"],
    &["pods/x"],
    &["pods.spec.*"],
];

fn explain(args: &[&str]) -> Vec<String> {
    std::iter::once("explain").chain(args.iter().copied()).map(String::from).collect()
}

fn same(inv: Invocation) {
    inv.assert_same(&[]);
}

#[test]
fn v2_on_the_shared_cluster() {
    let c = cluster();
    for args in CASES {
        same(c.cmd(explain(args)));
    }
}

#[test]
fn v3_on_kctl_local() {
    let l = Local::new();
    l.up();
    for args in CASES {
        same(l.cmd(explain(args)));
    }
}

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.explain.kctl.test
spec:
  group: explain.kctl.test
  names: {kind: Gizmo, plural: gizmos, singular: gizmo, shortNames: [gz]}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A gizmo for explain tests, with a description long enough to be wrapped at the template's width.
        properties:
          spec:
            type: object
            required: [mode]
            properties:
              mode:
                type: string
                description: How the gizmo runs.
                enum: ["", Fast, Slow, Careful, Reckless, Idle]
              size: {type: integer, enum: [1, 2, 3]}
              tags: {type: array, items: {type: string}}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
              limits: {type: object, additionalProperties: {type: integer}}
              nested:
                type: object
                properties:
                  deep: {type: object, properties: {leaf: {type: boolean}}}
"#;

const CRD_CASES: &[&[&str]] = &[
    &["gizmos"],
    &["gz.spec"],
    &["gizmo.spec.mode"],
    &["Gizmo.spec.size"],
    &["gizmos.spec.tags"],
    &["gizmos.spec.extra"],
    &["gizmos.spec.limits"],
    &["gizmos.explain.kctl.test.spec.nested"],
    &["gizmos", "--recursive"],
    &["gizmos.spec.nested.deep.nope"],
];

/// The apiserver publishes a new CRD's schema a moment after it is
/// established; compare only once kubectl sees it.
fn wait_published(inv: impl Fn() -> Invocation) {
    let start = std::time::Instant::now();
    while inv().kubectl().code != 0 {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "gizmos never published");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Custom resources: enums (listed in full for the field asked for, the
/// first four in a field list), required fields, maps and free-form objects.
#[test]
fn custom_resources_on_both_servers() {
    let c = cluster();
    let out = c.cmd(["apply", "-f", "-"]).stdin(CRD).kubectl();
    assert_eq!(out.code, 0, "{out:?}");
    let out = c.cmd(["wait", "--for=condition=established", "--timeout=60s", "crd/gizmos.explain.kctl.test"]).kubectl();
    assert_eq!(out.code, 0, "{out:?}");
    wait_published(|| c.cmd(["explain", "gizmos"]));
    for args in CRD_CASES {
        same(c.cmd(explain(args)));
    }
    let l = Local::new();
    l.up();
    let out = l.cmd(["apply", "-f", "-"]).stdin(CRD).kubectl();
    assert_eq!(out.code, 0, "{out:?}");
    let out = l.kubectl(&["wait", "--for=condition=established", "--timeout=60s", "crd/gizmos.explain.kctl.test"]);
    assert_eq!(out.code, 0, "{out:?}");
    wait_published(|| l.cmd(["explain", "gizmos"]));
    for args in CRD_CASES {
        same(l.cmd(explain(args)));
    }
}

/// An unreachable server: the mapper's two logged discovery failures, then
/// kubectl's connection message.
#[test]
fn unreachable_server() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&cluster().kubeconfig).unwrap();
    let dead = regex::Regex::new(r"server: https://[^\s]+").unwrap().replace_all(&text, "server: https://127.0.0.1:1");
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, dead.as_ref()).unwrap();
    Invocation::new(["explain", "pods.spec"]).kubeconfig(&path).assert_same(&[support::Norm::KlogHeader]);
}

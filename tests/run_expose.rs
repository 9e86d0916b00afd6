//! Differential tests for `kctl run` and `kctl expose` against kubectl 1.32.

mod support;

use support::{cluster, twin, Norm, Output};

fn strip_klog(o: &Output) -> String {
    regex::Regex::new(r"(?m)^([IEWF])\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(&o.stderr, "$1<KLOG> ").into_owned()
}

/// Run every step with kctl in one namespace and kubectl in its twin.
fn steps_match(a: &str, b: &str, steps: &[&[&str]]) {
    for args in steps {
        let (x, y) = twin(a, b, args);
        let x_err = strip_klog(&x).replace("See 'kctl ", "See 'kubectl ");
        assert_eq!((x.code, &x.stdout, x_err), (y.code, &y.stdout, strip_klog(&y)), "{args:?}");
    }
}

/// The generated pod (and service) as printed by a client dry run.
#[test]
fn run_client_dry_run_matches_kubectl() {
    let c = cluster();
    let cases: &[&[&str]] = &[
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "yaml"],
        &["run", "web", "--image=nginx", "--dry-run=client"],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "name"],
        &["run", "web", "--image=nginx", "--dry-run", "-o", "json"],
        &["run", "web", "--image=nginx", "--dry-run=true"],
        &[
            "run", "web", "--image=nginx:1.25", "--port=80", "--labels=a=b,c=d", "--env=X=1", "--env=Y=", "--restart=Never",
            "--image-pull-policy=IfNotPresent", "--annotations=k=v", "--annotations=k2=v=2", "--privileged", "--command", "--dry-run=client",
            "-o", "json", "--", "sh", "-c", "echo hi",
        ],
        &["run", "web", "--image=nginx", "--restart=OnFailure", "--dry-run=client", "-o", "yaml", "--", "arg1", "--flag"],
        &["run", "web", "extra", "--image=nginx", "--dry-run=client", "-o", "json"],
        &["-n", "elsewhere", "run", "web", "--image=nginx", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--port=80", "--expose", "--dry-run=client", "-o", "yaml"],
        &["run", "web", "--image=nginx", "--port=80", "--expose", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--port=80", "--expose", "--labels=app=x,tier=y", "--dry-run=client"],
        &["run", "web", "--image=nginx", "--port=80", "--expose", "--dry-run=client", "-o", "name"],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "jsonpath={.spec.containers[0].name}"],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "go-template={{.metadata.labels.run}}"],
        &["run", "web", "--image=nginx", "--save-config", "--dry-run=client", "-o", "json"],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "json", "--overrides", r#"{"spec":{"nodeName":"n1","containers":[{"name":"web","image":"busybox"}]}}"#],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "json", "--override-type=strategic", "--overrides", r#"{"spec":{"containers":[{"name":"side","image":"busybox","ports":[{"containerPort":5,"protocol":"UDP"}]}]}}"#],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "yaml", "--override-type=json", "--overrides", r#"[{"op":"add","path":"/spec/hostname","value":"h"}]"#],
        &["run", "web", "--image=nginx", "--dry-run=client", "-o", "yaml", "--overrides", r#"{"metadata":{"labels":{"extra":"1"}}}"#],
    ];
    for args in cases {
        c.cmd(*args).assert_same(&[Norm::KlogHeader]);
    }
}

/// kubectl's checks, in its order, with its wording and exit codes.
#[test]
fn run_errors_match_kubectl() {
    let c = cluster();
    let cases: &[&[&str]] = &[
        &["run", "x"],
        &["run", "--image=nginx"],
        &["run", "--image=nginx", "--dry-run=client", "-o", "json", "--", "x", "y"],
        &["run", "x", "--image=Bad:Image"],
        &["run", "x", "--image="],
        &["run", "x", "--image=nginx", "-t", "--dry-run=client"],
        &["run", "x", "--image=nginx", "-i", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--attach", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--rm", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--restart=Foo"],
        &["run", "x", "--image=nginx", "--image-pull-policy=Foo"],
        &["run", "x", "--image=nginx", "--expose"],
        &["run", "x", "--image=nginx", "--env=1A=b", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--env=NOEQ", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--labels=a", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--labels==b", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--annotations=a", "--annotations=b", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--port=abc", "--dry-run=client"],
        &["run", "x", "--image=nginx", "--dry-run=client", "-o", "wide"],
        &["run", "x", "--image=nginx", "--dry-run=bogus"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--overrides={bad"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--override-type=foo", "--overrides={}"],
        &["run", "x", "--image=nginx", "--privileged=maybe"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--pod-running-timeout=abc"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--timeout=abc"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--restart=", "-o", "yaml"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--annotations=", "--env=", "-o", "yaml"],
        &["run", "x", "--image=nginx", "--dry-run=client", "--annotations=a=1", "--annotations="],
        &["run", "x", "--image=nginx", "--dry-run=client", "--env=A=1", "--env="],
        &["expose"],
    ];
    for args in cases {
        c.cmd(*args).assert_same(&[Norm::KlogHeader]);
    }
}

/// Real creation: the objects kctl creates equal kubectl's.
#[test]
fn run_creates_what_kubectl_creates() {
    let c = cluster();
    let a = c.namespace("run-a");
    let b = c.namespace("run-b");
    let steps: &[&[&str]] = &[
        &["run", "web", "--image=nginx", "--port=80", "--labels=app=web", "--expose"],
        &["run", "web", "--image=nginx"],
        &["run", "p2", "--image=busybox", "--restart=Never", "--env=A=1", "-o", "name", "--", "sleep", "10"],
        &["run", "p3", "--image=nginx", "--dry-run=server"],
        &["run", "p3", "--image=nginx", "--dry-run=server", "-o", "jsonpath={.metadata.name} {.spec.containers[0].image}"],
        &["run", "p4", "--image=nginx", "--save-config", "--field-manager=mine", "--annotations=note=x", "-o", "jsonpath={.metadata.annotations}"],
        &["run", "p5", "--image=nginx", "--port=81", "--expose", "--overrides", r#"{"spec":{"hostname":"h5"}}"#],
        &["run", "bad_name", "--image=nginx"],
        &["get", "pods", "-o", "name"],
        &["get", "svc", "-o", "name"],
        &["get", "pod", "web", "-o", "jsonpath={.metadata.labels} {.spec.containers[0].ports} {.spec.restartPolicy}"],
        &["get", "pod", "p2", "-o", "jsonpath={.spec.containers[0].args} {.spec.containers[0].env} {.spec.restartPolicy}"],
        &["get", "pod", "p4", "-o", "jsonpath={.metadata.managedFields[*].manager}"],
        &["get", "pod", "p5", "-o", "jsonpath={.spec.hostname}"],
        &["get", "svc", "web", "-o", "jsonpath={.spec.selector} {.spec.ports} {.metadata.labels}"],
        &["get", "svc", "p5", "-o", "jsonpath={.spec.selector} {.spec.ports}"],
    ];
    steps_match(&a.name, &b.name, steps);
}

const SEED: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, tier: front}}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: multi}
spec:
  replicas: 0
  selector: {matchLabels: {app: multi}}
  template:
    metadata: {labels: {app: multi}}
    spec:
      containers:
      - {name: c, image: nginx, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}
      - {name: d, image: nginx, ports: [{containerPort: 8443, protocol: TCP}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: noport}
spec:
  replicas: 0
  selector: {matchLabels: {app: noport}}
  template:
    metadata: {labels: {app: noport}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: expr}
spec:
  replicas: 0
  selector:
    matchLabels: {app: expr}
    matchExpressions: [{key: tier, operator: In, values: [a, b]}]
  template:
    metadata: {labels: {app: expr, tier: a}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  replicas: 0
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  replicas: 0
  selector: {app: rc}
  template:
    metadata: {labels: {app: rc}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 9090}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pod, labels: {app: pod, v: "1"}}
spec: {nodeName: no-such-node, containers: [{name: c, image: nginx, ports: [{containerPort: 7000, protocol: SCTP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec: {nodeName: no-such-node, containers: [{name: c, image: nginx, ports: [{containerPort: 7000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc, labels: {app: svc}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: https}]
---
apiVersion: v1
kind: Service
metadata: {name: nosel}
spec:
  ports: [{port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec:
  replicas: 0
  serviceName: sts
  selector: {matchLabels: {app: sts}}
  template:
    metadata: {labels: {app: sts}}
    spec: {containers: [{name: c, image: nginx}]}
"#;

/// Selector, ports and protocols read from each kind kubectl can expose,
/// every flag of the generated service, and the errors.
#[test]
fn expose_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("expose-a");
    let b = c.namespace("expose-b");
    c.kubectl_apply(&a.name, SEED);
    c.kubectl_apply(&b.name, SEED);
    let steps: &[&[&str]] = &[
        &["expose", "deploy", "web", "--dry-run=client", "-o", "yaml"],
        &["expose", "deploy", "multi", "--dry-run=client", "-o", "json"],
        &["expose", "deploy", "multi", "--protocol=TCP", "--dry-run=client", "-o", "json"],
        &["expose", "deploy", "noport", "--cluster-ip=None", "--dry-run=client", "-o", "json"],
        &["expose", "rs", "rs", "--dry-run=client", "-o", "json"],
        &["expose", "rc/rc", "--dry-run=client", "-o", "json"],
        &["expose", "pod", "pod", "--dry-run=client", "-o", "json"],
        &["expose", "svc", "svc", "--name=svc2", "--dry-run=client", "-o", "json"],
        &[
            "expose", "deploy", "web", "--port=8080", "--target-port=http", "--name=w2", "--type=LoadBalancer", "--load-balancer-ip=1.2.3.4",
            "--external-ip=5.6.7.8", "--session-affinity=ClientIP", "--labels=x=y", "--protocol=UDP", "--selector=app=web,z=1",
            "--dry-run=client", "-o", "json",
        ],
        &["expose", "deploy", "web", "--port=81", "--target-port=9000", "--type=NodePort", "--load-balancer-ip=1.2.3.4", "--dry-run=client", "-o", "yaml"],
        &["expose", "deploy", "web", "--dry-run=client", "-o", "json", "--overrides", r#"{"spec":{"type":"NodePort"}}"#],
        &["expose", "deploy", "web", "--dry-run=client"],
        &["expose", "deploy", "web", "--dry-run=client", "-o", "name"],
        // Errors.
        &["expose", "deploy", "noport"],
        &["expose", "deploy", "expr"],
        &["expose", "pod", "bare"],
        &["expose", "svc", "nosel"],
        &["expose", "cm", "cm"],
        &["expose", "sts", "sts"],
        &["expose", "deploy", "nope"],
        &["expose", "deploy"],
        &["expose", "deploy", "web", "--session-affinity=Sticky"],
        &["expose", "deploy", "web", "--selector=bad"],
        &["expose", "deploy", "web", "--labels=a=b=c"],
        &["expose", "deploy", "web", "--port=x"],
        &["expose", "deploy", "web", "-o", "wide"],
        // Several objects: one document each, errors aggregated.
        &["expose", "deploy", "web", "multi", "--dry-run=client", "-o", "yaml"],
        &["expose", "deploy", "nope", "web", "--dry-run=client"],
        &["expose", "deploy", "nope", "nope2"],
        &["expose", "deploy", "web", "--container-port=8080"],
        // Real creation, then the same name again.
        &["expose", "deploy", "web"],
        &["expose", "deploy", "web"],
        &["expose", "deploy", "multi", "--save-config", "-o", "jsonpath={.metadata.annotations}"],
        &["expose", "rc", "rc", "--name=rc-np", "--type=NodePort", "--field-manager=me", "-o", "jsonpath={.spec.type} {.metadata.managedFields[*].manager}"],
        &["expose", "pod", "pod", "--dry-run=server", "-o", "jsonpath={.spec.ports}"],
        &["get", "svc", "-o", "name"],
        &["get", "svc", "web", "-o", "jsonpath={.metadata.labels} {.spec.selector} {.spec.ports}"],
        &["get", "svc", "multi", "-o", "jsonpath={.spec.ports}"],
    ];
    steps_match(&a.name, &b.name, steps);
}

/// `expose -f`: the object comes from the manifest.
#[test]
fn expose_from_file_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("expose-f-a");
    let b = c.namespace("expose-f-b");
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}\n";
    c.kubectl_apply(&a.name, web);
    c.kubectl_apply(&b.name, web);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.yaml");
    std::fs::write(&path, web).unwrap();
    let p = path.to_str().unwrap();
    let steps: &[&[&str]] = &[&["expose", "-f", p, "--dry-run=client", "-o", "yaml"], &["expose", "-f", p, "--port=90"]];
    steps_match(&a.name, &b.name, steps);
}

/// `-i`: the pod is attached to once running (the node simulator's attached
/// process echoes stdin); `--rm` deletes it afterwards; a pod that must stop
/// (`--restart=Never`) is waited for until `--pod-running-timeout`.
#[test]
fn run_attach_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("run-att-a");
    let b = c.namespace("run-att-b");
    let cases: &[&[&str]] = &[
        &["run", "att", "-i", "--rm", "--image=busybox"],
        &["run", "att2", "-i", "-q", "--image=busybox"],
        &["run", "att3", "-i", "-t", "--rm", "--image=busybox"],
        &["run", "att4", "-i", "--rm", "--restart=Never", "--pod-running-timeout=2s", "--image=busybox"],
        &["run", "att5", "-i", "--port=80", "--expose", "--rm", "--image=busybox"],
    ];
    for args in cases {
        let run = |ns: &str| {
            let mut full = vec!["-n", ns];
            full.extend_from_slice(args);
            c.cmd(&full).stdin("line one\nline two\n")
        };
        let (x, y) = (run(&a.name).kctl(), run(&b.name).kubectl());
        let norm = |o: &Output, ns: &str| (o.code, o.stdout.replace(ns, "<NS>"), o.stderr.replace(ns, "<NS>"));
        assert_eq!(norm(&x, &a.name), norm(&y, &b.name), "{args:?}");
    }
    steps_match(&a.name, &b.name, &[&["get", "pods,svc", "-o", "name"]]);
}

//! `get --neat`: apply a manifest, read it back neat, compare it with the manifest
//! and re-apply it (nothing may change). Without `--neat`, `-o yaml` is kubectl's.

mod support;

use serde_json::Value;
use support::{cluster, Norm};

const MANIFEST: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: nginx:1.19
        ports: [{containerPort: 80}]
        readinessProbe: {httpGet: {path: /, port: 80}}
        env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "true"]}]
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: cj}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: "busybox:1.36", imagePullPolicy: IfNotPresent}]
      terminationGracePeriodSeconds: 30
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec:
  selector: {matchLabels: {app: ds}}
  template:
    metadata: {labels: {app: ds}}
    spec:
      containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: robot}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, annotations: {note: kept}}
data: {a: b}
"#;

const TARGETS: &[&str] = &["deploy/web", "svc/web", "job/once", "cronjob/cj", "sts/db", "ds/ds", "sa/robot", "cm/cfg"];

fn documents() -> Vec<Value> {
    MANIFEST.split("\n---\n").map(|d| serde_json::from_str(&yaml_to_json(d)).unwrap()).collect()
}

/// YAML to JSON through the reference client, so the test does not depend on kctl's parser.
fn yaml_to_json(doc: &str) -> String {
    let out = cluster().cmd(["create", "--dry-run=client", "--validate=false", "-o", "json", "-f", "-"]).stdin(doc).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

#[test]
fn neat_output_is_the_applied_manifest_and_reapplies_unchanged() {
    let c = cluster();
    let ns = c.namespace("neat");
    c.kubectl_apply(&ns.name, MANIFEST);
    // Let the controllers add what they add (revision annotations, token secrets, job status).
    std::thread::sleep(std::time::Duration::from_secs(2));

    let mut args = vec!["-n", ns.name.as_str(), "get", "--neat", "-o", "json"];
    args.extend_from_slice(TARGETS);
    let out = c.cmd(&args).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: Value = serde_json::from_str(&out.stdout).unwrap();
    let items = list["items"].as_array().unwrap();
    let expected = documents();
    assert_eq!(items.len(), expected.len());
    for (got, want) in items.iter().zip(&expected) {
        let mut got = got.clone();
        assert_eq!(got["metadata"]["namespace"], ns.name.as_str());
        got["metadata"].as_object_mut().unwrap().remove("namespace");
        // The dry run that parsed the manifest filled in the default namespace.
        let mut want = want.clone();
        want["metadata"].as_object_mut().unwrap().remove("namespace");
        assert_eq!(got, want, "neat {} differs from the manifest", want["kind"]);
    }

    // Re-applying the neat YAML changes nothing, with kubectl and with kctl.
    let mut args = vec!["-n", ns.name.as_str(), "get", "--neat"];
    args.extend_from_slice(TARGETS);
    let yaml = c.cmd(&args).kctl();
    assert_eq!(yaml.code, 0, "{}", yaml.stderr);
    assert!(yaml.stdout.starts_with("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n"), "{}", yaml.stdout);
    for reapply in [c.cmd(["apply", "-n", &ns.name, "-f", "-"]).stdin(yaml.stdout.clone()).kubectl(), c.cmd(["apply", "-n", &ns.name, "-f", "-"]).stdin(yaml.stdout.clone()).kctl()] {
        assert_eq!(reapply.code, 0, "{}", reapply.stderr);
        let lines: Vec<&str> = reapply.stdout.lines().collect();
        assert_eq!(lines.len(), TARGETS.len(), "{}", reapply.stdout);
        assert!(lines.iter().all(|l| l.ends_with(" unchanged")), "{}", reapply.stdout);
    }

    // A single object prints as itself; without --neat nothing changes.
    let one = c.cmd(["-n", &ns.name, "get", "cm", "cfg", "--neat"]).kctl();
    assert_eq!(
        (one.code, one.stdout.as_str()),
        (0, format!("apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  annotations:\n    note: kept\n  name: cfg\n  namespace: {}\n", ns.name).as_str())
    );
    c.cmd(["-n", &ns.name, "get", "deploy", "web", "-o", "yaml"]).assert_same(&[Norm::Timestamp, Norm::Uid, Norm::ResourceVersion]);
}

#[test]
fn neat_needs_yaml_or_json() {
    let c = cluster();
    for args in [&["get", "cm", "--neat", "-o", "name"][..], &["get", "cm", "--neat", "-o", "wide"][..]] {
        let out = c.cmd(args).kctl();
        assert_eq!((out.code, out.stderr.as_str()), (1, "error: --neat can only be used with -o yaml or -o json\n"));
    }
    let out = c.cmd(["get", "cm", "--neat", "-w"]).kctl();
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: --neat cannot be used with --watch or --watch-only\n"));
}

//! Differential tests for `kctl rollout`: the same steps run by kctl in one
//! namespace and by kubectl in its twin, on workloads the controller-manager
//! really rolls (the node simulator makes their pods Running and Ready).

mod support;

use support::{cluster, twin, Norm, Output};

const SEED: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web, annotations: {kubernetes.io/change-cause: v1 create}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: nginx:1
        ports: [{containerPort: 80}]
        env: [{name: A, value: x}, {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        resources: {limits: {cpu: 500m, memory: 64Mi}}
        readinessProbe: {httpGet: {path: /healthz, port: 80}}
        volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
      tolerations: [{key: k, operator: Exists, effect: NoSchedule}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: redis:1}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: busybox:1}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
";

/// Only what legitimately differs between the twins: times, uids, versions,
/// klog headers.
fn norm(o: &Output) -> (i32, String, String) {
    let rules = [
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "<TIME>"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
        (r#"(resourceVersion"?:\s*"?)\d+"#, "${1}<RV>"),
        (r"(?m)^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ ", "${1}<KLOG> "),
    ];
    let apply = |s: &str| {
        let mut s = s.replace("See 'kctl ", "See 'kubectl ");
        for (re, rep) in rules {
            s = regex::Regex::new(re).unwrap().replace_all(&s, rep).into_owned();
        }
        s
    };
    (o.code, apply(&o.stdout), apply(&o.stderr))
}

fn same(a: &str, b: &str, args: &[&str]) {
    let (x, y) = twin(a, b, args);
    assert_eq!(norm(&x), norm(&y), "{args:?}");
}

/// `rollout status` while pods roll prints one line per change the watch
/// sees, which depends on timing; the outcome (last line, errors, exit
/// code) does not.
fn same_outcome(a: &str, b: &str, args: &[&str]) {
    let (x, y) = twin(a, b, args);
    let last = |o: &Output| o.stdout.lines().last().unwrap_or("").to_string();
    assert_eq!((x.code, last(&x), norm(&x).2), (y.code, last(&y), norm(&y).2), "{args:?}\nkctl:\n{}\nkubectl:\n{}", x.stdout, y.stdout);
    assert!(x.code != 0 || !x.stdout.is_empty(), "{args:?}: no status printed");
}

/// Setup on both namespaces with kubectl (not under test).
fn both(a: &str, b: &str, args: &[&str]) {
    for ns in [a, b] {
        let mut full = vec!["-n", ns];
        full.extend_from_slice(args);
        let out = cluster().cmd(&full).kubectl();
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
}

fn seeded() -> (support::TestNamespace, support::TestNamespace) {
    let c = cluster();
    let a = c.namespace("ro-a");
    let b = c.namespace("ro-b");
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, SEED);
    }
    for w in ["deploy/web", "sts/db", "ds/agent"] {
        both(&a.name, &b.name, &["rollout", "status", w, "--timeout=120s"]);
    }
    (a, b)
}

#[test]
fn status_history_and_undo_match_kubectl() {
    let (a, b) = seeded();
    let (a, b) = (a.name.as_str(), b.name.as_str());
    for args in [
        &["rollout", "status", "deploy/web"][..],
        &["rollout", "status", "sts/db"],
        &["rollout", "status", "ds/agent", "--watch=false"],
        &["rollout", "status", "deploy"],
        &["rollout", "status", "deploy/web", "--revision=1"],
        &["rollout", "status", "deploy/web", "--revision=2"],
        &["rollout", "status", "cm/cfg"],
        &["rollout", "status", "deploy/nope", "deploy/web"],
        &["rollout", "status", "deploy", "-l", "app=none"],
        &["rollout", "history", "deploy/web"],
        &["rollout", "history", "deploy/web", "--revision=1"],
        &["rollout", "history", "deploy/web", "--revision=3"],
        &["rollout", "history", "cm/cfg", "sts/db"],
    ] {
        same(a, b, args);
    }

    // A second revision of each workload, with a change-cause on the Deployment.
    both(a, b, &["set", "image", "deploy/web", "c=nginx:2"]);
    both(a, b, &["annotate", "deploy/web", "kubernetes.io/change-cause=v2 image", "--overwrite"]);
    both(a, b, &["set", "image", "sts/db", "c=redis:2"]);
    both(a, b, &["set", "image", "ds/agent", "c=busybox:2"]);
    same_outcome(a, b, &["rollout", "status", "deploy/web", "--timeout=120s"]);
    same_outcome(a, b, &["rollout", "status", "sts/db", "--timeout=120s"]);
    same_outcome(a, b, &["rollout", "status", "ds/agent", "--timeout=120s"]);

    for args in [
        &["rollout", "history", "deploy/web"][..],
        &["rollout", "history", "sts/db"],
        &["rollout", "history", "ds/agent"],
        &["rollout", "history", "deploy/web", "--revision=1"],
        &["rollout", "history", "deploy/web", "--revision=2"],
        &["rollout", "history", "sts/db", "--revision=1"],
        &["rollout", "history", "ds/agent", "--revision=2"],
        &["rollout", "history", "deploy/web", "-o", "name"],
        &["rollout", "history", "deploy/web", "-o", "yaml", "--revision=2"],
        &["rollout", "history", "deploy/web", "-o", "json"],
        &["rollout", "history", "sts/db", "-o", "json"],
        &["rollout", "history", "ds/agent", "-o", "yaml"],
        &["rollout", "history", "ds/agent", "-o", "jsonpath={.spec.template.spec.containers[0].image}", "--revision=1"],
        &["rollout", "history", "deploy/web", "-o", "wide"],
        &["rollout", "undo", "deploy/web", "--dry-run=client"],
        &["rollout", "undo", "sts/db", "--dry-run=client"],
        &["rollout", "undo", "ds/agent", "--dry-run"],
        &["rollout", "undo", "deploy/web", "--dry-run=server"],
        &["rollout", "undo", "deploy/web", "--to-revision=9"],
        &["rollout", "undo", "deploy/web", "--to-revision=2"],
        &["rollout", "undo", "cm/cfg"],
        &["rollout", "undo", "deploy/web"],
        &["rollout", "undo", "sts/db", "--to-revision=1"],
        &["rollout", "undo", "ds/agent", "-o", "name"],
    ] {
        same(a, b, args);
    }
    // Rolling back to revision 1 makes the DaemonSet controller renumber that
    // revision; until it has, revision 1 still exists. Both sides wait for it.
    same_outcome(a, b, &["rollout", "status", "ds/agent", "--timeout=120s"]);
    same(a, b, &["rollout", "undo", "ds/agent", "--to-revision=1"]);
    same_outcome(a, b, &["rollout", "status", "deploy/web", "--timeout=120s"]);
    for args in [
        &["rollout", "history", "deploy/web"][..],
        &["rollout", "history", "sts/db"],
        &["rollout", "history", "ds/agent"],
        &["get", "deploy/web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations}"],
    ] {
        same(a, b, args);
    }
}

#[test]
fn restart_pause_resume_match_kubectl() {
    let (a, b) = seeded();
    let (a, b) = (a.name.as_str(), b.name.as_str());
    for args in [
        &["rollout", "pause", "deploy/web"][..],
        &["rollout", "pause", "deploy/web"],
        &["rollout", "pause", "sts/db", "ds/agent", "cm/cfg"],
        &["rollout", "restart", "deploy/web"],
        &["rollout", "undo", "deploy/web"],
        &["rollout", "status", "deploy/web", "--watch=false"],
    ] {
        same(a, b, args);
    }
    // A paused Deployment with a new template never finishes: one status
    // line, then the timeout.
    both(a, b, &["set", "image", "deploy/web", "c=nginx:3"]);
    for args in [
        &["rollout", "status", "deploy/web", "--timeout=2s"][..],
        &["rollout", "resume", "deploy/web", "-o", "name"],
        &["rollout", "resume", "deploy/web"],
        &["rollout", "resume", "sts/db"],
        &["rollout", "restart", "sts/db", "ds/agent"],
        &["rollout", "restart", "cm/cfg", "deploy/nope"],
        &["rollout", "pause", "deploy", "-l", "app=none"],
        &["rollout", "restart", "deploy", "-l", "app=none"],
        &["rollout", "pause", "deploy/web", "-o", "yaml"],
    ] {
        same(a, b, args);
    }
    // The object the server returns carries the status the controller last
    // wrote (its reaction to the pause lands at its own pace): compared
    // without it.
    let (x, y) = twin(a, b, &["rollout", "resume", "deploy/web", "-o", "json"]);
    let without_status = |o: &Output| {
        let (code, stdout, stderr) = norm(o);
        let mut v: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        v.as_object_mut().unwrap().remove("status");
        (code, v, stderr)
    };
    assert_eq!(without_status(&x), without_status(&y));
    assert!(x.stdout.contains("\n    \"status\": {"), "{}", x.stdout);
    same(a, b, &["rollout", "restart", "deploy/web", "-o", "jsonpath={.kind}"]);
    same_outcome(a, b, &["rollout", "status", "deploy/web", "--timeout=120s"]);
    same_outcome(a, b, &["rollout", "status", "sts/db", "--timeout=120s"]);
    same_outcome(a, b, &["rollout", "status", "ds/agent", "--timeout=120s"]);
    for args in [
        &["get", "deploy/web", "-o", "jsonpath={.spec.paused} {.spec.template.spec.containers[0].image}"][..],
        &["rollout", "history", "deploy/web"],
        &["rollout", "history", "ds/agent"],
    ] {
        same(a, b, args);
    }
    // The writers' field managers; their order follows the controller's timing.
    for w in ["deploy/web", "sts/db", "ds/agent"] {
        let (x, y) = twin(a, b, &["get", w, "-o", "jsonpath={.metadata.managedFields[*].manager}"]);
        let set = |o: &Output| {
            let mut v: Vec<String> = o.stdout.split_whitespace().map(String::from).collect();
            v.sort();
            v
        };
        assert_eq!(set(&x), set(&y), "{w}");
        assert!(set(&x).contains(&"kubectl-rollout".to_string()), "{w}: {:?}", set(&x));
    }
}

#[test]
fn argument_errors_match_kubectl() {
    let c = cluster();
    for args in [
        &["rollout"][..],
        &["rollout", "bogus"],
        &["rollout", "status"],
        &["rollout", "history"],
        &["rollout", "undo"],
        &["rollout", "pause"],
        &["rollout", "status", "deploy/x", "--timeout=5"],
        &["rollout", "status", "deploy/x", "--timeout=1x"],
        &["rollout", "status", "deploy/x", "--revision=-1"],
        &["rollout", "history", "deploy/x", "--revision=-2"],
        &["rollout", "history", "deploy/x", "-o", "wide"],
        &["rollout", "status", "nosuchtype/x"],
        &["rollout", "history", "deploy/x", "-l", "app=x"],
        &["rollout", "undo", "deploy", "x", "-l", "app=x"],
        &["rollout", "pause", "deploy/x,sts/y"],
    ] {
        c.cmd(args).assert_same(&[Norm::KlogHeader]);
    }
}

/// The describe-style pod template of `history --revision` and `undo
/// --dry-run`, on a template using most of what the printer knows.
#[test]
fn pod_template_printer_matches_kubectl() {
    const RICH: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: rich, annotations: {kubernetes.io/change-cause: "initial create"}}
spec:
  replicas: 0
  selector: {matchLabels: {app: rich}}
  template:
    metadata:
      labels: {app: rich, tier: be}
      annotations: {a.example/x: "1", b: "two\nlines", long: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}
    spec:
      serviceAccountName: default
      priorityClassName: system-cluster-critical
      nodeSelector: {kubernetes.io/os: linux, disk: ssd}
      tolerations:
      - {key: k1, operator: Equal, value: v1, effect: NoSchedule}
      - {key: k2, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      - {operator: Exists}
      initContainers:
      - {name: init, image: busybox, command: [sh, -c, "echo hi"]}
      containers:
      - name: app
        image: nginx:1.25
        args: ["--a", "b\nc"]
        ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP, hostPort: 5353}]
        resources: {limits: {cpu: "500m", memory: 256Mi}, requests: {cpu: "0.1", memory: "100M"}}
        livenessProbe: {httpGet: {path: /healthz, port: 80}, initialDelaySeconds: 3}
        readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 5}
        startupProbe: {exec: {command: [cat, /tmp/ok]}, failureThreshold: 30}
        envFrom: [{configMapRef: {name: cm1}}, {secretRef: {name: s1, optional: true}, prefix: P_}]
        env:
        - {name: A, value: "x"}
        - {name: M, value: "l1\nl2"}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        - {name: S, valueFrom: {secretKeyRef: {name: sec, key: k}}}
        - {name: C, valueFrom: {configMapKeyRef: {name: cm, key: k, optional: true}}}
        volumeMounts:
        - {name: data, mountPath: /data}
        - {name: cfg, mountPath: /etc/cfg, readOnly: true, subPath: sub}
      - name: side
        image: busybox
        ports: [{containerPort: 8443, name: https}]
        livenessProbe: {httpGet: {path: /h, port: https, host: 10.0.0.1, scheme: HTTPS}}
        volumeDevices: [{name: claim, devicePath: /dev/xvda}]
      volumes:
      - {name: data, emptyDir: {}}
      - {name: cfg, configMap: {name: cm1}}
      - {name: sec, secret: {secretName: s1}}
      - {name: host, hostPath: {path: /var/log, type: Directory}}
      - {name: claim, persistentVolumeClaim: {claimName: pvc1, readOnly: true}}
      - {name: mem, emptyDir: {medium: Memory, sizeLimit: 1Gi}}
      - {name: dapi, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
      - {name: proj, projected: {sources: [{configMap: {name: cm1}}, {serviceAccountToken: {path: tok, expirationSeconds: 3600}}]}}
      - {name: nfsv, nfs: {server: nfs.example, path: /exports}}
      - {name: cs, csi: {driver: csi.example, volumeAttributes: {a: b, c: d}}}
      - {name: git, gitRepo: {repository: "https://example.com/r"}}
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: rich}}}
      - {maxSkew: 2, topologyKey: host, whenUnsatisfiable: ScheduleAnyway}
"#;
    let c = cluster();
    let ns = c.namespace("ro-tpl");
    c.kubectl_apply(&ns.name, RICH);
    for args in [
        &["rollout", "history", "deploy/rich"][..],
        &["rollout", "history", "deploy/rich", "--revision=1"],
        &["rollout", "undo", "deploy/rich", "--to-revision=1", "--dry-run=client"],
        &["rollout", "history", "deploy/rich", "-o", "json"],
    ] {
        let mut full = vec!["-n", ns.name.as_str()];
        full.extend_from_slice(args);
        c.cmd(&full).assert_same(&[]);
    }
}

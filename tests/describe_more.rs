//! Differential tests for `kctl describe` of Services, Endpoints, Ingresses,
//! ConfigMaps, Secrets, Nodes, Namespaces, PersistentVolumes,
//! PersistentVolumeClaims and ServiceAccounts: the same objects described by
//! kctl and by kubectl must print the same bytes.
//!
//! Ages are normalised (a pod's age can tick between the two runs). kubectl
//! prints ConfigMap and Secret keys in Go map order, which varies from run to
//! run (sorted most of the time), so a comparison is retried a few times
//! before it fails.

mod support;

use std::time::Duration;

use support::{cluster, Cluster, Output};

/// Ages (`5s`, `3m20s`, `6y30d`) anywhere in the text, with what follows a
/// parenthesised event interval (`(x3 over 10d)`).
fn normalize(o: Output) -> Output {
    let age = regex::Regex::new(r"\b\d+[ydhms](\d+[dhms])?\b").unwrap();
    Output { stdout: age.replace_all(&o.stdout, "<AGE>").into_owned(), stderr: o.stderr, code: o.code }
}

/// Describe with both clients until they agree (at most a few tries).
fn same(c: &Cluster, args: &[&str]) -> Output {
    let mut last = None;
    for attempt in 0..6 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(400));
        }
        let a = normalize(c.cmd(args).kctl());
        let b = normalize(c.cmd(args).kubectl());
        if a == b {
            return a;
        }
        last = Some((a, b));
    }
    let (a, b) = last.unwrap();
    panic!(
        "kctl and kubectl differ for {args:?}\n--- kctl (exit {}):\n{}\n--- kubectl (exit {}):\n{}\n--- kctl stderr:\n{}\n--- kubectl stderr:\n{}",
        a.code, a.stdout, b.code, b.stdout, a.stderr, b.stderr
    );
}

/// `same`, ignoring stderr.
fn same_stdout(c: &Cluster, args: &[&str]) {
    for attempt in 0..6 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(400));
        }
        let a = normalize(c.cmd(args).kctl());
        let b = normalize(c.cmd(args).kubectl());
        if (a.code, &a.stdout) == (b.code, &b.stdout) {
            return;
        }
        if attempt == 5 {
            assert_eq!((a.code, a.stdout), (b.code, b.stdout), "{args:?}");
        }
    }
}

fn kubectl_ok(c: &Cluster, args: &[&str]) -> String {
    let out = c.cmd(args).kubectl();
    assert_eq!(out.code, 0, "kubectl {args:?}: {}", out.stderr);
    out.stdout
}

fn apply(c: &Cluster, manifest: &str) {
    let out = c.cmd(["apply", "-f", "-"]).stdin(manifest).kubectl();
    assert_eq!(out.code, 0, "kubectl apply: {}", out.stderr);
}

fn uid(c: &Cluster, ns: Option<&str>, what: &str) -> String {
    let mut args = vec!["get", what, "-o", "jsonpath={.metadata.uid}"];
    if let Some(ns) = ns {
        args.extend(["-n", ns]);
    }
    kubectl_ok(c, &args)
}

/// An Event about an object, with fixed old timestamps so its age is stable.
fn event(name: &str, ns: &str, kind: &str, obj: &str, obj_ns: &str, uid: &str, reason: &str, count: u32, kind_of_event: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Event\nmetadata: {{name: {name}, namespace: {ns}}}\ninvolvedObject: {{apiVersion: v1, kind: {kind}, name: {obj}, namespace: '{obj_ns}', uid: '{uid}'}}\nreason: {reason}\nmessage: '  {reason} happened to {obj}  '\ntype: {kind_of_event}\ncount: {count}\nfirstTimestamp: '2024-01-0{count}T00:00:00Z'\nlastTimestamp: '2024-02-0{count}T00:00:00Z'\nsource: {{component: describe-more-test}}\n"
    )
}

/// Cluster-scoped objects made by a test (`kubectl delete` arguments),
/// deleted when it ends.
struct Cleanup(Vec<Vec<String>>);

impl Cleanup {
    fn of(objects: impl IntoIterator<Item = String>) -> Cleanup {
        Cleanup(objects.into_iter().map(|o| vec![o]).collect())
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for what in &self.0 {
            let mut args = vec!["delete", "--wait=false", "--ignore-not-found"];
            args.extend(what.iter().map(String::as_str));
            let _ = cluster().cmd(&args).kubectl();
        }
    }
}

fn suffix() -> String {
    format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 0xffffff)
}

#[test]
fn configmaps_and_secrets() {
    let c = cluster();
    let ns = c.namespace("dm-cfg");
    let n = ns.name.as_str();
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, labels: {app: web, tier: front}, annotations: {note: hi}}\ndata:\n  k1: \"line one\\nline two\\n\"\n  k2: v2\n  tabbed: \"a\\tb\"\nbinaryData: {bin: aGVsbG8=}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: empty}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s1, labels: {a: b}}\ntype: Opaque\ndata: {password: aHVudGVyMg==, user: YWRtaW4=, empty: ''}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: tls1}\ntype: kubernetes.io/tls\ndata: {tls.crt: Y2VydA==, tls.key: a2V5}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot}\n",
    );
    let cm_uid = uid(c, Some(n), "configmap/cm1");
    c.kubectl_apply(n, &event("cm1-ev", n, "ConfigMap", "cm1", n, &cm_uid, "Configured", 2, "Normal"));
    c.kubectl_apply(n, &event("cm1-warn", n, "ConfigMap", "cm1", n, &cm_uid, "Odd", 1, "Warning"));
    // The token controller adds the service account's token secret.
    let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.secrets[0].name}", "serviceaccount/robot", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = kubectl_ok(c, &["get", "-n", n, "serviceaccount/robot", "-o", "jsonpath={.secrets[0].name}"]);

    same(c, &["describe", "-n", n, "configmap", "cm1"]);
    same(c, &["describe", "-n", n, "configmap", "cm1", "--show-events=false"]);
    same(c, &["describe", "-n", n, "cm/empty"]);
    same(c, &["describe", "-n", n, "configmaps"]);
    same(c, &["describe", "-n", n, "secret", "s1"]);
    same(c, &["describe", "-n", n, "secret/tls1"]);
    same(c, &["describe", "-n", n, "secret", &token]);
    same(c, &["describe", "-n", n, "secrets", "-l", "a=b"]);
}

#[test]
fn services_and_endpoints() {
    let c = cluster();
    let ns = c.namespace("dm-svc");
    let n = ns.name.as_str();
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, labels: {app: web}}\nspec:\n  nodeName: kctl-node-1\n  containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {app: web}, annotations: {team: blue}}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}, {name: admin, port: 9000, targetPort: 9001, protocol: UDP}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n  selector: {app: none}\n  ports: [{port: 443, targetPort: 8443, nodePort: 30999}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  externalIPs: [192.0.2.10, 192.0.2.11]\n  loadBalancerIP: 192.0.2.20\n  loadBalancerSourceRanges: [10.0.0.0/8, 172.16.0.0/12]\n  sessionAffinity: ClientIP\n  selector: {app: web, tier: x}\n  ports: [{name: https, port: 443}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n---\napiVersion: v1\nkind: Service\nmetadata: {name: headless}\nspec:\n  clusterIP: None\n  selector: {app: web}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: manual, labels: {m: \"1\"}}\nsubsets:\n- addresses: [{ip: 10.1.0.1}, {ip: 10.1.0.2}]\n  notReadyAddresses: [{ip: 10.1.0.3}]\n  ports: [{name: a, port: 80}, {name: b, port: 81, protocol: UDP}]\n- notReadyAddresses: [{ip: 10.1.0.9}]\n  ports: [{port: 82}]\n",
    );
    let out = c.cmd(["wait", "-n", n, "--for=condition=Ready", "pod/web-1", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.subsets[0].addresses[0].ip}", "endpoints/web", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c
        .cmd(["patch", "-n", n, "svc/lb", "--subresource=status", "--type=merge", "-p", r#"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.30"},{"hostname":"lb.example.com"}]}}}"#])
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let svc_uid = uid(c, Some(n), "service/web");
    c.kubectl_apply(n, &event("web-ev", n, "Service", "web", n, &svc_uid, "Synced", 3, "Normal"));

    for what in ["service/web", "svc/np", "svc/lb", "svc/ext", "svc/headless", "endpoints/web", "ep/manual", "ep/headless"] {
        same(c, &["describe", "-n", n, what]);
    }
    same(c, &["describe", "-n", n, "services"]);
    same(c, &["describe", "-n", n, "endpoints"]);
    same(c, &["describe", "-n", n, "svc", "nope"]);
}

#[test]
fn ingresses() {
    let c = cluster();
    let ns = c.namespace("dm-ing");
    let n = ns.name.as_str();
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80}, {name: grpc, port: 81}]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: main, labels: {a: b}, annotations: {example.com/owner: web-team, note: z}}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n  tls: [{hosts: [a.example.com, b.example.com], secretName: tls1}, {hosts: [c.example.com]}]\n  rules:\n  - host: a.example.com\n    http:\n      paths:\n      - {path: /api, pathType: Prefix, backend: {service: {name: web, port: {name: grpc}}}}\n      - {path: /missing, pathType: Exact, backend: {service: {name: gone, port: {number: 8080}}}}\n  - http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: b1}}}\n      - {pathType: ImplementationSpecific, backend: {resource: {kind: Thing, name: t1}}}\n  - host: nohttp.example.com\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bare}\nspec:\n  rules: [{host: x.example.com}]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: only-default}\nspec:\n  defaultBackend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: b2}}\n",
    );
    let ing_uid = uid(c, Some(n), "ingress.networking.k8s.io/main");
    c.kubectl_apply(n, &event("main-ev", n, "Ingress", "main", n, &ing_uid, "Sync", 1, "Normal"));
    let out = c
        .cmd(["patch", "-n", n, "ingress.networking.k8s.io/main", "--subresource=status", "--type=merge", "-p", r#"{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.5"},{"hostname":"lb.example.com"},{"ip":"192.0.2.1"}]}}}"#])
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);

    for what in ["ingress.networking.k8s.io/main", "ingresses.networking.k8s.io/bare", "ingress.networking.k8s.io/only-default"] {
        same(c, &["describe", "-n", n, what]);
    }
    // kubectl also prints the server's deprecation warning for these, which
    // kctl's client does not relay (for any command); compare stdout.
    same_stdout(c, &["describe", "-n", n, "ingresses.v1beta1.networking.k8s.io", "main"]);
    same_stdout(c, &["describe", "-n", n, "ingresses.v1beta1.extensions", "main"]);
    same(c, &["describe", "-n", n, "ingresses.networking.k8s.io"]);
}

#[test]
fn service_accounts() {
    let c = cluster();
    let ns = c.namespace("dm-sa");
    let n = ns.name.as_str();
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: pull-a}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: e30=}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: extra}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: builder, labels: {team: ci}, annotations: {owner: me}}\nimagePullSecrets: [{name: pull-a}, {name: pull-missing}]\nsecrets: [{name: extra}, {name: gone}]\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: plain}\nautomountServiceAccountToken: false\n",
    );
    for sa in ["builder", "plain", "default"] {
        let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.secrets[-1:].name}", &format!("serviceaccount/{sa}"), "--timeout=60s"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let sa_uid = uid(c, Some(n), "serviceaccount/builder");
    c.kubectl_apply(n, &event("builder-ev", n, "ServiceAccount", "builder", n, &sa_uid, "Rotated", 4, "Warning"));
    for what in ["sa/builder", "serviceaccount/plain", "serviceaccounts/default", "secret/extra", "secret/pull-a"] {
        same(c, &["describe", "-n", n, what]);
    }
    same(c, &["describe", "-n", n, "serviceaccounts"]);
}

#[test]
fn namespaces_with_quotas_and_limits() {
    let c = cluster();
    let ns = c.namespace("dm-ns");
    let n = ns.name.as_str();
    let bare = c.namespace("dm-ns-bare");
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: zz-compute}\nspec:\n  hard: {pods: \"10\", requests.cpu: \"2\", requests.memory: 1Gi, limits.memory: 2Gi}\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {name: aa-scoped}\nspec:\n  hard: {pods: \"5\"}\n  scopes: [NotTerminating, BestEffort]\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: limits}\nspec:\n  limits:\n  - type: Container\n    max: {cpu: \"2\"}\n    defaultRequest: {cpu: 100m}\n  - type: Pod\n    maxLimitRequestRatio: {memory: \"4\"}\n  - type: PersistentVolumeClaim\n    min: {storage: 1Gi}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeName: kctl-node-2\n  containers: [{name: c, image: nginx, resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {memory: 128Mi}}}]\n",
    );
    let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.status.used.pods}=1", "resourcequota/zz-compute", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.status.hard.pods}=5", "resourcequota/aa-scoped", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    kubectl_ok(c, &["label", "namespace", n, "team=storage", "env=test"]);
    kubectl_ok(c, &["annotate", "namespace", n, "owner=someone"]);
    let out = c
        .cmd(["patch", "namespace", n, "--subresource=status", "--type=merge", "-p", r#"{"status":{"conditions":[{"type":"NamespaceDeletionDiscoveryFailure","status":"False","lastTransitionTime":"2024-05-06T07:08:09Z","reason":"ResourcesDiscovered","message":"All resources successfully discovered"}]}}"#])
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);

    same(c, &["describe", "namespace", n]);
    same(c, &["describe", "ns", &bare.name]);
    same(c, &["describe", "namespaces", "-l", "team=storage"]);
    same(c, &["describe", "namespace/kube-system"]);
}

const NODE_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: NS}\nspec:\n  nodeName: NODE\n  tolerations: [{operator: Exists}]\n  initContainers: [{name: init, image: busybox, resources: {requests: {cpu: '1', memory: 32Mi}}}]\n  containers:\n  - {name: a, image: nginx, resources: {requests: {cpu: 250m, memory: 64Mi, example.com/gpu: '1'}, limits: {cpu: 500m, memory: 1Gi, example.com/gpu: '1'}}}\n  - {name: b, image: nginx, resources: {requests: {cpu: 250m, memory: 100M}}}\n";

#[test]
fn nodes() {
    let c = cluster();
    let ns = c.namespace("dm-node");
    let n = ns.name.as_str();
    let node = format!("dm-node-{}", suffix());
    let _cleanup = Cleanup::of([format!("node/{node}")]);
    apply(
        c,
        &format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {node}\n  labels: {{node-role.kubernetes.io/worker: '', node-role.kubernetes.io/infra: '', kubernetes.io/role: edge, zone: z1}}\n  annotations: {{note: test}}\nspec:\n  unschedulable: true\n  taints: [{{key: dedicated, value: gpu, effect: NoSchedule}}, {{key: a, effect: NoExecute}}]\n  podCIDR: 10.99.0.0/24\n  providerID: fake://{node}\nstatus:\n  capacity: {{cpu: '4', memory: 8Gi, pods: '20', example.com/gpu: '2', hugepages-2Mi: 64Mi, ephemeral-storage: 20Gi}}\n  allocatable: {{cpu: 3500m, memory: 7Gi, pods: '20', example.com/gpu: '2', hugepages-2Mi: 64Mi, ephemeral-storage: 18Gi}}\n  conditions:\n  - {{type: MemoryPressure, status: 'False', lastHeartbeatTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-01T00:00:00Z', reason: KubeletHasSufficientMemory, message: kubelet has sufficient memory available}}\n  - {{type: Ready, status: 'False', lastTransitionTime: '2024-01-01T00:00:00Z', reason: KubeletNotReady, message: not yet}}\n  addresses: [{{type: InternalIP, address: 10.1.2.3}}, {{type: Hostname, address: {node}}}]\n  nodeInfo: {{machineID: m1, systemUUID: u1, bootID: b1, kernelVersion: 6.1.0, osImage: Test OS, operatingSystem: linux, architecture: amd64, containerRuntimeVersion: 'containerd://1.7', kubeletVersion: v1.20.2, kubeProxyVersion: v1.20.2}}\n"
        ),
    );
    for p in ["pa", "pb"] {
        c.kubectl_apply(n, &NODE_POD.replace("NAME", p).replace("NS", n).replace("NODE", &node));
    }
    let node_uid = uid(c, None, &format!("node/{node}"));
    // Events about cluster-scoped objects live in `default`.
    let _events = Cleanup(["uid", "name"].iter().map(|k| vec!["-n".into(), "default".into(), format!("event/{node}-{k}")]).collect());
    c.kubectl_apply("default", &event(&format!("{node}-uid"), "default", "Node", &node, "", &node_uid, "Rebooted", 2, "Warning"));
    c.kubectl_apply("default", &event(&format!("{node}-name"), "default", "Node", &node, "", &node, "Starting", 1, "Normal"));

    same(c, &["describe", "node", &node]);
    same(c, &["describe", "nodes", &node, "--show-events=false"]);

    // With a lease, as a kubelet keeps one.
    let _lease = Cleanup(vec![vec!["-n".into(), "kube-node-lease".into(), format!("lease.coordination.k8s.io/{node}")]]);
    apply(
        c,
        &format!("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {{name: {node}, namespace: kube-node-lease}}\nspec: {{holderIdentity: {node}, leaseDurationSeconds: 40, renewTime: '2024-03-04T05:06:07.000000Z'}}\n"),
    );
    same(c, &["describe", "node", &node]);
    kubectl_ok(c, &["delete", "-n", "kube-node-lease", "lease", &node]);

    // A node-sim node: a kubelet's lease, heartbeats and the pods other
    // tests run there (their ages are normalised; a change between the two
    // runs is retried).
    same(c, &["describe", "node", "kctl-node-1"]);
}

const PVS: &str = include_str!("describe_more_pvs.yaml");

#[test]
fn persistent_volumes_and_claims() {
    let c = cluster();
    let ns = c.namespace("dm-pv");
    let n = ns.name.as_str();
    let tag = suffix();
    let pvs = PVS.replace("TAG", &tag);
    let names: Vec<String> = regex::Regex::new(r"name: (dm-pv-\S+)").unwrap().captures_iter(&pvs).map(|m| m[1].trim_end_matches(['}', ',']).to_string()).collect();
    let _cleanup = Cleanup::of(names.iter().map(|p| format!("pv/{p}")));
    apply(c, &pvs.replace("CLAIMNS", n));
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, labels: {app: db}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: stuck}\nspec:\n  storageClassName: no-such-class\n  accessModes: [ReadWriteMany]\n  resources: {requests: {storage: 2Gi}}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: block, annotations: {volume.beta.kubernetes.io/storage-class: ''}}\nspec:\n  volumeMode: Block\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: clone}\nspec:\n  dataSource: {kind: PersistentVolumeClaim, name: stuck}\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: user-b}\nspec:\n  nodeName: kctl-node-3\n  containers: [{name: c, image: nginx}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}, {name: e, persistentVolumeClaim: {claimName: data, readOnly: true}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: user-a}\nspec:\n  nodeName: kctl-node-3\n  containers: [{name: c, image: nginx}]\n  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let out = c.cmd(["wait", "-n", n, "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=60s"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let pvc_uid = uid(c, Some(n), "pvc/data");
    c.kubectl_apply(n, &event("data-ev", n, "PersistentVolumeClaim", "data", n, &pvc_uid, "Resized", 2, "Normal"));
    let bound = kubectl_ok(c, &["get", "-n", n, "pvc/data", "-o", "jsonpath={.spec.volumeName}"]);

    let out = c
        .cmd(["patch", "-n", n, "pvc/stuck", "--subresource=status", "--type=merge", "-p", r#"{"status":{"conditions":[{"type":"Resizing","status":"True","lastTransitionTime":"2024-05-06T07:08:09Z","reason":"Expanding","message":"resizing now"}]}}"#])
        .kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for what in ["pvc/data", "pvc/stuck", "persistentvolumeclaim/block", "pvc/clone"] {
        same(c, &["describe", "-n", n, what]);
    }
    same(c, &["describe", "-n", n, "pvc"]);
    same(c, &["describe", "pv", &bound]);
    for pv in &names {
        same(c, &["describe", "pv", pv]);
    }
    let pv_uid = uid(c, None, &format!("pv/{}", names[0]));
    let ev = format!("{}-ev", names[0]);
    let _events = Cleanup(vec![vec!["-n".into(), "default".into(), format!("event/{ev}")]]);
    c.kubectl_apply("default", &event(&ev, "default", "PersistentVolume", &names[0], "", &pv_uid, "Recycled", 3, "Warning"));
    same(c, &["describe", "persistentvolume", &names[0]]);

    // Deleted while in use: the protection finalizers keep both, terminating.
    kubectl_ok(c, &["delete", "-n", n, "pvc/data", "--wait=false"]);
    kubectl_ok(c, &["delete", &format!("pv/{bound}"), "--wait=false"]);
    same(c, &["describe", "-n", n, "pvc/data"]);
    same(c, &["describe", "pv", &bound]);
}

/// A user who may read the described objects but not what their
/// describers look up: kubectl prints some of those failures, ignores some
/// and fails on others.
#[test]
fn restricted_user() {
    let c = cluster();
    let ns = c.namespace("dm-rbac");
    let n = ns.name.as_str();
    let who = format!("dm-user-{}", suffix());
    let _cleanup = Cleanup::of([format!("clusterrole/{who}"), format!("clusterrolebinding/{who}")]);
    apply(
        c,
        &format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: {who}}}\nrules:\n- {{apiGroups: [''], resources: [nodes, namespaces, persistentvolumeclaims, services, configmaps, serviceaccounts, endpoints, persistentvolumes], verbs: [get, list]}}\n- {{apiGroups: [networking.k8s.io], resources: [ingresses], verbs: [get, list]}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: {who}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {who}}}\nsubjects: [{{kind: User, name: {who}, apiGroup: rbac.authorization.k8s.io}}]\n"
        ),
    );
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{name: http, port: 80}]\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\nsecrets: [{name: nope}]\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: claim}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ing}\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
    );
    let as_user = format!("--as={who}");
    for what in ["configmap/cm", "service/web", "serviceaccount/sa", "pvc/claim", "ingress.networking.k8s.io/ing", "endpoints/web"] {
        same(c, &["describe", "-n", n, what, &as_user]);
        same(c, &["describe", "-n", n, what, &as_user, "--show-events=false"]);
    }
    same(c, &["describe", "namespace", n, &as_user]);
    same(c, &["describe", "node", "kctl-node-2", &as_user]);
}

//! Differential tests for auth, autoscale, certificate, top and proxy.

mod support;

use support::{cluster, twin};

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

/// klog headers carry the time and pid.
fn klog(stderr: &str) -> String {
    regex::Regex::new(r"(?m)^([IEWF])\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(stderr, "$1<KLOG> ").replace("See 'kctl ", "See 'kubectl ")
}

const AUTOSCALE_SEED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";

#[test]
fn autoscale_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("as-a");
    let b = c.namespace("as-b");
    c.kubectl_apply(&a.name, AUTOSCALE_SEED);
    c.kubectl_apply(&b.name, AUTOSCALE_SEED);
    let steps: &[&[&str]] = &[
        &["autoscale", "deploy", "web", "--max=5"],
        &["autoscale", "deploy", "web", "--max=5"],
        &["autoscale", "deploy", "web", "--min=2", "--max=5", "--cpu-percent=70", "--name=w2", "--dry-run=client", "-o", "yaml"],
        &["autoscale", "deploy", "web", "--min=2", "--max=5", "--cpu-percent=70", "--name=w2", "--dry-run=client", "-o", "json"],
        &["autoscale", "deploy", "web", "--max=5", "--name=w3", "--dry-run=server", "-o", "jsonpath={.spec}"],
        &["autoscale", "deploy/web", "--max=4", "--name=w4", "-o", "name"],
        &["autoscale", "deploy", "web", "--max=5", "--dry-run=client"],
        &["autoscale", "deploy", "web", "--max=5", "--dry-run=server", "--name=x1"],
        &["autoscale", "deploy", "web", "--max=3", "--name=x2", "--save-config", "-o", "jsonpath={.metadata.annotations}"],
        &["autoscale", "deploy/web", "deploy/nope", "cm/cfg", "--max=3", "--name=x5"],
        &["autoscale", "deploy", "web"],
        &["autoscale", "deploy", "web", "--max=abc"],
        &["autoscale", "deploy", "web", "--max=0"],
        &["autoscale", "deploy", "web", "--max=1", "--min=3"],
        &["autoscale", "deploy", "nope", "--max=3"],
        &["autoscale", "cm", "cfg", "--max=3"],
        &["autoscale", "--max=3"],
        &["autoscale", "deploy", "--max=3"],
        &["autoscale", "foo", "x", "--max=3"],
        &["get", "hpa", "-o", "jsonpath={range .items[*]}{.metadata.name} {.spec}{\"\\n\"}{end}"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        assert_eq!((x.code, &x.stdout, klog(&x.stderr)), (y.code, &y.stdout, klog(&y.stderr)), "{args:?}");
    }
}

/// A certificate request for CN=misc-user (its key was thrown away).
const CSR_REQUEST: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlJQ1dUQ0NBVUVDQVFBd0ZERVNNQkFHQTFVRUF3d0piV2x6WXkxMWMyVnlNSUlCSWpBTkJna3Foa2lHOXcwQgpBUUVGQUFPQ0FROEFNSUlCQ2dLQ0FRRUFrams3ZVNuQlA4VXhYSk9WSllzNS9kTlJmZnM4UHBlTEJJeFFsczdoClJ4VStadkl1YlFITm9hcEpNdWR4a0t6czhtOHpFRGcwUHR1NytmUDFoQ2ZzQVRrcUVXYXpjdUE1RmFzWFNXaCsKSWdRQ2N6NVo2ZzEzUW80UzFpMm5lVU5KVjU0aDZvUTVqbXJZUG5sNUdFd0Z4KzQzMDJodUFOVC9xM3dpZlE0aQpJa0ZuOXRJdXFjVEIrWmpPNmpQdFk4QUtydXFCNXVpS2hEd3FzdkJjV1lHM3lLV2ExUExtNjVvbmQrS0ZRWDJ1CllFbWZqcDYrUkNGdzFFdmZ6Q05ZZkdkVHE1RzZ5WFVNcnF4blUyVkovY0JrYlE3bllJcnlnRGMrOTVWMENJdmwKNzZiMVlnVUhER05DRTc0Q08xN2lpSXFENVNLdzV3N3hpcVVCSStDcm03L05ad0lEQVFBQm9BQXdEUVlKS29aSQpodmNOQVFFTEJRQURnZ0VCQUJ3dG5aVTQ3MlRTKy9JRTVRS3kyeExHdEZiQWVrMGhRMFk3ckpNeFRFQ3NBUWtXClNrS3ZJMS8xQVcrbThRV1N5ZEVqanpSd3hFVmFPZ0JFV1F5dEFiQ0huTE1EME16U0Z6TG1qbzYrTkhFczdUV0wKVXErd2xxQlViMkE0VFJIRnBJZjBuUC9RUi93VjNOZ2R4eFRFcDlsOUNMR1ByQWxDWmJZUzVuR0VDSHVhMDBybgorZkhCQ2FaMnhrV05xaHVCM1JOVHA5MDBvM2ZNTFVDNnl0akljbE1uQ1krdE9id3NjZTUyYjVudVlCZERmNDRmCmpzSnQ3VThYcURhNmsyNllOOURESzlTaGZEaUdQSEtYb3R1R0cyakpEYmxGZXN1Vk1yUnFITW1BRUFybmF5UXUKVytTQ3FmajdPbDJ0T3JCODAzTmYzSTJtZVlMcTRpeDJRY1QwendFPQotLS0tLUVORCBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K";

/// CSRs are cluster-scoped: kctl and kubectl each get their own, named
/// with their own prefix, and the prefix is normalised away.
#[test]
fn certificate_approve_deny_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("csr");
    let (pa, pb) = (format!("{}-a", ns.name), format!("{}-b", ns.name));
    for p in [&pa, &pb] {
        for n in 1..=3 {
            let manifest = format!(
                "apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {{name: {p}-csr{n}}}\nspec:\n  request: {CSR_REQUEST}\n  signerName: kubernetes.io/kube-apiserver-client\n  usages: [client auth]\n"
            );
            c.kubectl_apply(&ns.name, &manifest);
        }
    }
    let steps: &[&[&str]] = &[
        &["certificate", "approve", "P-csr1"],
        &["certificate", "approve", "P-csr1"],
        &["certificate", "deny", "P-csr1"],
        &["certificate", "deny", "P-csr1", "--force"],
        &["certificate", "approve", "P-nope"],
        &["certificate", "approve"],
        &["certificate", "deny", "P-csr2", "-o", "name"],
        &["certificate", "approve", "P-csr2", "--force", "-o", "jsonpath={.status.conditions[*].type}"],
        &["certificate", "approve", "csr/P-csr2"],
        &["certificate", "approve", "P-csr1", "P-csr2", "P-nope"],
        &["certificate", "approve", "P-csr3", "-o", "jsonpath={.status}"],
        &["certificate", "approve", "P-csr3", "--force", "-o", "jsonpath={.status.conditions[*].reason}"],
        &["get", "csr", "P-csr3", "-o", "jsonpath={.status.conditions[*].type} {.status.conditions[*].message}"],
    ];
    for args in steps {
        let run = |prefix: &str, kctl: bool| {
            let argv: Vec<String> = args.iter().map(|a| a.replace("P-", &format!("{prefix}-"))).collect();
            let cmd = c.cmd(&argv);
            let out = if kctl { cmd.kctl() } else { cmd.kubectl() };
            let n = |s: &str| s.replace(&format!("{prefix}-"), "P-");
            (out.code, n(&out.stdout), n(&out.stderr))
        };
        assert_eq!(run(&pa, true), run(&pb, false), "{args:?}");
    }
    for p in [&pa, &pb] {
        let names: Vec<String> = (1..=3).map(|n| format!("{p}-csr{n}")).collect();
        let mut argv = vec!["delete".to_string(), "csr".to_string()];
        argv.extend(names);
        c.cmd(&argv).kubectl();
    }
}

/// The test cluster has no metrics-server: kubectl's error and exit code,
/// after its own flag and argument checks.
#[test]
fn top_without_metrics_api_matches_kubectl() {
    let c = cluster();
    let cases: &[&[&str]] = &[
        &["top", "node"],
        &["top", "nodes", "--sort-by=cpu"],
        &["top", "node", "foo"],
        &["top", "node", "a", "b"],
        &["top", "node", "--sort-by=bad"],
        &["top", "pod"],
        &["top", "pods", "-A"],
        &["top", "pod", "x", "--containers"],
        &["top", "pod", "-l", "a=b", "--sum"],
        &["top", "pod", "a", "-l", "x=y"],
        &["top", "pod", "a", "b"],
        &["top", "pod", "--sort-by=bad"],
        &["top", "foo"],
    ];
    for args in cases {
        c.cmd(*args).assert_same(&[]);
    }
}

/// A proxy started on an OS-picked port; killed when dropped.
struct Proxy {
    child: std::process::Child,
    port: u16,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_proxy(program: &std::path::Path, extra: &[&str]) -> Proxy {
    use std::io::BufRead;
    let mut child = std::process::Command::new(program)
        .args(["proxy", "--port=0"])
        .args(extra)
        .env("KUBECONFIG", &cluster().kubeconfig)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start proxy");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let rest = line.strip_prefix("Starting to serve on 127.0.0.1:").unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Proxy { port: rest.trim().parse().unwrap(), child }
}

/// Status code and body of one request; JSON bodies are re-encoded, as the
/// server pretty-prints only for some user agents.
fn http(port: u16, method: &str, path: &str, host: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.lines().next().unwrap_or("").to_string();
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let body = if chunked { dechunk(body) } else { body.to_string() };
    let body = match serde_json::from_str::<serde_json::Value>(&body) {
        Ok(v) => v.to_string(),
        Err(_) => body,
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn proxy_matches_kubectl() {
    let c = cluster();
    let ns = c.namespace("proxy");
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("hello.txt"), "hi\n").unwrap();
    let www_arg = format!("--www={}", www.path().display());
    let configs: &[&[&str]] = &[&[], &["--api-prefix=/k8s"], &[&www_arg], &["--reject-methods=POST"]];
    let ns_path = format!("/api/v1/namespaces/{}", ns.name);
    let requests: Vec<(&str, String, &str)> = vec![
        ("GET", ns_path.clone(), "127.0.0.1"),
        ("GET", format!("/k8s{ns_path}"), "127.0.0.1"),
        ("GET", "/api/v1/namespaces/nope".into(), "localhost"),
        ("GET", format!("{ns_path}/pods/x/exec"), "127.0.0.1"),
        ("POST", format!("{ns_path}/pods/x/attach"), "127.0.0.1"),
        ("GET", "/api".into(), "evil.com"),
        ("GET", "/api".into(), "localhost"),
        ("POST", format!("{ns_path}/configmaps"), "127.0.0.1"),
        ("GET", "/static/hello.txt".into(), "127.0.0.1"),
        ("GET", "/static/missing.txt".into(), "127.0.0.1"),
        ("GET", "/k8s/version".into(), "[::1]"),
    ];
    for extra in configs {
        let a = start_proxy(&support::kctl_bin(), extra);
        let b = start_proxy(&support::kubectl_bin(), extra);
        for (method, path, host) in &requests {
            let host_a = if host.starts_with('[') || *host == "evil.com" { host.to_string() } else { format!("{host}:{}", a.port) };
            let host_b = if host.starts_with('[') || *host == "evil.com" { host.to_string() } else { format!("{host}:{}", b.port) };
            assert_eq!(http(a.port, method, path, &host_a), http(b.port, method, path, &host_b), "{extra:?} {method} {path} {host}");
        }
    }
}

/// RBAC manifests for `auth reconcile`, every name under `prefix`.
fn rbac_manifests(prefix: &str, verbs: &str, subject: &str, role_ref_kind: &str) -> String {
    format!(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: {prefix}-cr, labels: {{a: b}}}}\nrules:\n- apiGroups: [\"\"]\n  resources: [pods, pods/log]\n  verbs: [{verbs}]\n- nonResourceURLs: [/healthz]\n  verbs: [get]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: {prefix}-r, namespace: {prefix}}}\nrules:\n- apiGroups: [\"\", apps]\n  resources: [configmaps, deployments]\n  resourceNames: [x, z]\n  verbs: [{verbs}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: {prefix}-rb, namespace: {prefix}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {role_ref_kind}, name: {prefix}-r}}\nsubjects: [{{kind: User, name: {subject}, apiGroup: rbac.authorization.k8s.io}}]\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: {prefix}-crb}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: {prefix}-cr}}\nsubjects: [{{kind: ServiceAccount, name: {subject}, namespace: default}}]\n"
    )
}

/// Each client reconciles its own copies (cluster-scoped names carry the
/// namespace's name), and the names are normalised away.
#[test]
fn auth_reconcile_matches_kubectl() {
    let c = cluster();
    let a = c.namespace("rec-a");
    let b = c.namespace("rec-b");
    let dir = tempfile::tempdir().unwrap();
    let steps: &[(&str, &str, &str, &[&str])] = &[
        ("get, list", "alice", "Role", &[]),
        ("get, list", "alice", "Role", &[]),
        ("get, list, watch", "bob", "Role", &[]),
        ("get", "bob", "Role", &["--remove-extra-permissions"]),
        ("get", "carol", "Role", &["--remove-extra-subjects"]),
        ("get", "carol", "ClusterRole", &[]),
        ("get, delete", "dave", "Role", &["--dry-run=client"]),
        ("get, delete", "dave", "Role", &["--dry-run=server", "-o", "name"]),
        ("get", "carol", "Role", &["-o", "jsonpath={.metadata.name}"]),
    ];
    for (verbs, subject, kind, extra) in steps {
        let run = |prefix: &str, kctl: bool| {
            let file = dir.path().join(format!("{prefix}.yaml"));
            std::fs::write(&file, rbac_manifests(prefix, verbs, subject, kind)).unwrap();
            let mut argv = vec!["auth".to_string(), "reconcile".to_string(), "-f".to_string(), file.display().to_string()];
            argv.extend(extra.iter().map(|s| s.to_string()));
            let cmd = c.cmd(&argv);
            let out = if kctl { cmd.kctl() } else { cmd.kubectl() };
            (out.code, out.stdout.replace(prefix, "P"), out.stderr.replace(prefix, "P"))
        };
        assert_eq!(run(&a.name, true), run(&b.name, false), "{verbs} {subject} {kind} {extra:?}");
    }
    c.cmd(["auth", "reconcile"]).assert_same(&[]);
    for p in [&a.name, &b.name] {
        c.cmd(["delete", "clusterrole", &format!("{p}-cr")]).kubectl();
        c.cmd(["delete", "clusterrolebinding", &format!("{p}-crb")]).kubectl();
    }
}

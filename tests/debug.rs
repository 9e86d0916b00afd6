//! Differential tests for `kctl debug` against kubectl 1.32: the checks and
//! messages, the pods each profile and flag creates (copies and node pods),
//! attaching, and the v1.20 cluster's missing ephemeral containers.

mod support;

use serde_json::Value;
use support::{cluster, Output};

/// A pod with what the copy flags act on: labels, annotations, an init
/// container and the three probes.
const APP: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: {app: app, tier: web}
  annotations: {note: kept-or-not}
spec:
  initContainers:
  - {name: init, image: busybox:1, command: [sh, -c, "true"]}
  containers:
  - name: main
    image: nginx:1
    args: [-g, "daemon off;"]
    livenessProbe: {tcpSocket: {port: 80}, periodSeconds: 30}
    readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 30}
    startupProbe: {tcpSocket: {port: 80}, periodSeconds: 30}
"#;

/// The random parts of generated names, and each side's namespace.
fn norm(text: &str, ns: &str) -> String {
    let text = text.replace(ns, "<NS>");
    let text = regex::Regex::new(r"debugger-[bcdfghjklmnpqrstvwxz2456789]{5}").unwrap().replace_all(&text, "debugger-<X>");
    let text = regex::Regex::new(r"(node-debugger-[a-z0-9-]+)-[bcdfghjklmnpqrstvwxz2456789]{5}").unwrap().replace_all(&text, "$1-<X>");
    text.replace("See 'kctl ", "See 'kubectl ")
}

fn twin_namespaces(hint: &str) -> (support::TestNamespace, support::TestNamespace) {
    let c = cluster();
    let (a, b) = (c.namespace(&format!("{hint}-a")), c.namespace(&format!("{hint}-b")));
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, APP);
        let out = c.cmd(["run", "web", "-n", ns, "--image=nginx:1", "--labels=app=web"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let out = c.cmd(["wait", "-n", ns, "--for=condition=Ready", "pod/web", "pod/app", "--timeout=60s"]).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    (a, b)
}

fn debug(ns: &str, args: &[&str], stdin: Option<&str>, kctl: bool) -> Output {
    let mut full = vec!["-n", ns, "debug"];
    full.extend_from_slice(args);
    let mut cmd = cluster().cmd(&full);
    if let Some(s) = stdin {
        cmd = cmd.stdin(s);
    }
    if kctl { cmd.kctl() } else { cmd.kubectl() }
}

/// What a created pod looks like, without what differs between two runs: the
/// namespace, generated names, the service account token's secret and (for
/// pods the scheduler places) the node.
fn created(ns: &str, name: &str, keep_node: bool) -> String {
    let out = cluster().cmd(["get", "pod", "-n", ns, name, "-o", "json"]).kubectl();
    assert_eq!(out.code, 0, "get pod {name}: {}", out.stderr);
    let pod: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut spec = pod["spec"].clone();
    if !keep_node {
        spec.as_object_mut().unwrap().remove("nodeName");
    }
    let shown = serde_json::json!({"labels": pod["metadata"]["labels"], "annotations": pod["metadata"]["annotations"], "spec": spec});
    let text = serde_json::to_string_pretty(&shown).unwrap();
    let text = regex::Regex::new(r"default-token-[a-z0-9]{5}").unwrap().replace_all(&text, "default-token-<X>").into_owned();
    norm(&text.replace(name, "<POD>"), ns)
}

#[test]
fn debug_errors_match_kubectl() {
    let (a, b) = twin_namespaces("dbg-err");
    let cases: &[&[&str]] = &[
        &["web"],
        &["web", "--image=busybox", "--replace"],
        &["web", "--image=busybox", "--same-node"],
        &["web", "--copy-to=x"],
        &["web", "--copy-to=x", "--", "sh"],
        &["--image=busybox"],
        &["web", "--image=BAD::"],
        &["web", "--image=busybox", "-t"],
        &["web", "--image=busybox", "--image-pull-policy=Foo"],
        &["web", "--image=busybox", "--profile=foo"],
        &["web", "--image=busybox", "--target=web", "--copy-to=x"],
        &["web", "--image=busybox", "--set-image=a=b"],
        &["web", "--copy-to=x", "--set-image=bad"],
        &["web", "--copy-to=x", "--set-image=web=BAD::"],
        &["web", "--attach", "--profile=general"],
        &["web", "--image=busybox", "--attach=maybe"],
        &["web", "--image=busybox", "--custom=/nonexistent/custom.json"],
        &["svc/web", "--image=busybox", "--profile=general"],
        &["deploy/web", "--image=busybox"],
        &["nope", "--image=busybox", "--profile=general"],
        &["nope", "--image=busybox", "--profile=general", "--copy-to=x"],
        &["node/", "--image=busybox", "--profile=general"],
        &["pod/a/b", "--image=busybox", "--profile=general"],
        &["-f", "/dev/null", "web", "--image=busybox", "--profile=general"],
        // v1.20 serves no ephemeralcontainers subresource.
        &["web", "--image=busybox", "--profile=general", "--env=A=1", "--target=web", "-q"],
        &["web", "--image=busybox", "--profile=general", "--target=web"],
        &["web", "--image=busybox"],
    ];
    let c = cluster();
    let out = c.cmd(["create", "service", "clusterip", "web", "-n", &a.name, "--tcp=80"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["create", "service", "clusterip", "web", "-n", &b.name, "--tcp=80"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    for args in cases {
        let (x, y) = (debug(&a.name, args, None, true), debug(&b.name, args, None, false));
        assert_eq!(
            (x.code, norm(&x.stdout, &a.name), norm(&x.stderr, &a.name)),
            (y.code, norm(&y.stdout, &b.name), norm(&y.stderr, &b.name)),
            "{args:?}"
        );
        assert_ne!(x.code, 0, "{args:?} fails");
    }
}

/// Each profile and copy flag: the created pod matches the one kubectl creates.
#[test]
fn debug_creates_what_kubectl_creates() {
    let (a, b) = twin_namespaces("dbg-new");
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("custom.yaml");
    // Typed decoding: YAML 1.1 `yes`, hex and floats where strings belong.
    std::fs::write(&custom, "env:\n- {name: FROM_CUSTOM, value: from-custom}\n- {name: FLAG, value: yes}\n- {name: HEX, value: 0x10}\n- {name: F, value: 1.50}\nsecurityContext: {runAsUser: 1000}\n").unwrap();
    let custom = format!("--custom={}", custom.display());
    let scenarios: Vec<(&str, Vec<&str>)> = vec![
        ("general", vec!["web", "--image=busybox:1", "--copy-to={n}", "--profile=general"]),
        ("set-image", vec!["web", "--copy-to={n}", "--set-image=*=busybox:2"]),
        ("command", vec!["web", "--copy-to={n}", "--container=web", "--profile=general", "--", "sh", "-c", "echo hi"]),
        ("baseline", vec!["app", "--copy-to={n}", "--image=busybox:1", "--profile=baseline", "--same-node", "--keep-labels", "--share-processes=false", "-c", "dbg"]),
        ("restricted", vec!["app", "--copy-to={n}", "--image=busybox:1", "--profile=restricted", "--keep-annotations", "--keep-liveness", "-c", "dbg", "--env=A=1", "--image-pull-policy=Never", "--arguments-only", "--", "a", "b"]),
        ("netadmin", vec!["app", "--copy-to={n}", "--image=busybox:1", "--profile=netadmin", "-c", "dbg", "-i", "-t", "--attach=false", "--keep-init-containers=false", "--keep-startup"]),
        ("sysadmin", vec!["app", "--copy-to={n}", "--image=busybox:1", "--profile=sysadmin", "-c", "main", "--keep-readiness"]),
        ("legacy", vec!["app", "--copy-to={n}", "--image=busybox:1", "--keep-labels", "-c", "dbg", "-q"]),
        ("custom", vec!["app", "--copy-to={n}", "--image=busybox:1", "--profile=general", "-c", "dbg", custom.as_str()]),
        ("set-one", vec!["app", "--copy-to={n}", "--set-image=main=nginx:2,init=busybox:2", "--profile=general"]),
    ];
    let mut cases: Vec<(String, Vec<String>, bool)> = scenarios
        .into_iter()
        .map(|(tag, args)| {
            (tag.to_string(), args.into_iter().map(String::from).collect(), false)
        })
        .collect();
    for profile in ["legacy", "general", "baseline", "restricted", "netadmin", "sysadmin"] {
        let args = vec!["node/kctl-node-1".into(), "--image=busybox:1".into(), format!("--profile={profile}"), "--".into(), "sleep".into(), "1".into()];
        cases.push((format!("node-{profile}"), args, true));
    }
    for (tag, args, keep_node) in &cases {
        let run = |ns: &str, kctl: bool| {
            let name = format!("copy-{tag}");
            let args: Vec<String> = args.iter().map(|a| a.replace("{n}", &name)).collect();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = debug(ns, &args, None, kctl);
            assert_eq!(out.code, 0, "{tag}: {}", out.stderr);
            let pod = match out.stdout.split("Creating debugging pod ").nth(1) {
                Some(rest) => rest.split_whitespace().next().unwrap().to_string(),
                None => name,
            };
            (norm(&out.stdout, ns), norm(&out.stderr, ns), created(ns, &pod, *keep_node))
        };
        assert_eq!(run(&a.name, true), run(&b.name, false), "{tag}");
    }
    // --same-node: the copy is bound to the original's node (the originals of
    // the two namespaces may run on different nodes).
    let node = |ns: &str, pod: &str| cluster().cmd(["get", "pod", "-n", ns, pod, "-o", "jsonpath={.spec.nodeName}"]).kubectl().stdout;
    for ns in [&a.name, &b.name] {
        assert_eq!(node(ns, "copy-baseline"), node(ns, "app"), "{ns}");
    }
}

/// `-i` attaches once the debug container runs (the node simulator echoes
/// stdin); `--replace` deletes the original; `-f` names the pod by manifest.
#[test]
fn debug_attach_replace_and_files_match_kubectl() {
    let (a, b) = twin_namespaces("dbg-att");
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("web.yaml");
    std::fs::write(&manifest, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - {name: web, image: nginx:1}\n").unwrap();
    let file = manifest.to_str().unwrap();
    let steps: &[&[&str]] = &[
        &["web", "-i", "--copy-to=att", "--image=busybox", "--profile=general"],
        &["node/kctl-node-2", "-i", "--image=busybox", "--profile=general", "-q"],
        &["-f", file, "--copy-to=fromfile", "--image=busybox:1", "--profile=general", "-c", "dbg"],
        &["app", "--copy-to=replacement", "--image=busybox:1", "--profile=general", "--replace", "-c", "dbg"],
    ];
    for args in steps {
        let (x, y) = (debug(&a.name, args, Some("line one\nline two\n"), true), debug(&b.name, args, Some("line one\nline two\n"), false));
        assert_eq!(
            (x.code, norm(&x.stdout, &a.name), norm(&x.stderr, &a.name)),
            (y.code, norm(&y.stdout, &b.name), norm(&y.stderr, &b.name)),
            "{args:?}"
        );
    }
    let c = cluster();
    for (what, pod) in [("file", "fromfile"), ("replace", "replacement")] {
        assert_eq!(created(&a.name, pod, false), created(&b.name, pod, false), "{what}");
    }
    let names = |ns: &str| {
        let out = c.cmd(["get", "pods", "-n", ns, "-o", "name"]).kubectl();
        norm(&out.stdout, ns)
    };
    // The originals go through graceful deletion (grace period 0).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let (mut x, mut y) = (names(&a.name), names(&b.name));
    while (x.contains("pod/app\n") || y.contains("pod/app\n")) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(300));
        (x, y) = (names(&a.name), names(&b.name));
    }
    assert!(!x.contains("pod/app\n"), "--replace deleted the original: {x}");
    assert_eq!(x, y);
}

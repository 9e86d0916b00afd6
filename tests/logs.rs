//! Differential tests for `kctl logs`: the real apiserver → node-sim kubelet
//! path, kctl and kubectl on the same pods.
//!
//! The simulator's log lines are deterministic (`<pod> <container> line <n>`,
//! line n stamped start + n s), so outputs compare byte for byte. kubectl
//! reads several sources in a Go map's (random) order, so where several pods
//! or containers are printed the lines are compared sorted.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::{cluster, kctl_bin, kubectl_bin, Output, TestNamespace};

const PODS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: one, labels: {app: solo, tier: web}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: two, labels: {app: duo, tier: web}}
spec:
  initContainers: [{name: init, image: busybox}]
  containers: [{name: a, image: nginx}, {name: b, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: three, labels: {app: trio}, annotations: {kubectl.kubernetes.io/default-container: b}}
spec: {containers: [{name: a, image: nginx}, {name: b, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: four, labels: {app: trio}, annotations: {kubectl.kubernetes.io/default-container: zz}}
spec: {containers: [{name: a, image: nginx}, {name: b, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: restarted, labels: {app: again}, annotations: {sim.kctl.dev/restarts: "2"}}
spec: {containers: [{name: c, image: nginx}]}
"#;

const WORKLOADS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
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
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchExpressions: [{key: app, operator: In, values: [agent]}]}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata: {name: websvc}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: nosel}
spec: {ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: empty}
spec:
  replicas: 0
  selector: {matchLabels: {app: empty}}
  template:
    metadata: {labels: {app: empty}}
    spec: {containers: [{name: c, image: nginx}]}
"#;

/// A namespace holding `manifest`, once `pods` pods exist and have all
/// started (Running, or Succeeded for the Job's).
fn namespace_with(hint: &str, manifest: &str, pods: usize) -> TestNamespace {
    let c = cluster();
    let ns = c.namespace(hint);
    c.kubectl_apply(&ns.name, manifest);
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let out = c.cmd(["get", "pods", "-n", &ns.name, "-o", "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}"]).kubectl();
        let phases: Vec<&str> = out.stdout.lines().collect();
        if phases.len() >= pods && phases.iter().all(|p| *p == "Running" || *p == "Succeeded") {
            break;
        }
        assert!(Instant::now() < deadline, "pods in {} did not settle: {phases:?}", ns.name);
        std::thread::sleep(Duration::from_millis(300));
    }
    ns
}

fn run_both(ns: &str, args: &[&str]) -> (Output, Output) {
    let mut full = vec!["-n", ns];
    full.extend_from_slice(args);
    let inv = cluster().cmd(&full);
    let norm = |mut o: Output| {
        o.stderr = o.stderr.replace("See 'kctl ", "See 'kubectl ");
        o
    };
    (norm(inv.kctl()), norm(inv.kubectl()))
}

/// Identical stdout, stderr and exit code.
fn same(ns: &str, args: &[&str]) -> Output {
    let (a, b) = run_both(ns, args);
    assert_eq!(a, b, "kctl vs kubectl for {args:?}");
    a
}

fn sorted(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.lines().map(String::from).collect();
    v.sort();
    v
}

/// The same lines in any order (several sources), same stderr and exit code.
fn same_lines(ns: &str, args: &[&str]) -> Output {
    let (a, b) = run_both(ns, args);
    assert_eq!((sorted(&a.stdout), sorted(&a.stderr), a.code), (sorted(&b.stdout), sorted(&b.stderr), b.code), "kctl vs kubectl for {args:?}");
    a
}

#[test]
fn single_pod() {
    let ns = namespace_with("logs-one", PODS, 5);
    let n = ns.name.as_str();
    let out = same(n, &["logs", "one"]);
    assert_eq!(out.stdout.lines().count(), 20);
    assert!(out.stdout.starts_with("one c line 1\n"));
    for args in [
        &["logs", "one", "--tail=3"][..],
        &["logs", "pod/one", "--tail=0"],
        &["logs", "po/one", "c", "--tail=1"],
        &["logs", "one", "--timestamps", "--tail=2"],
        &["logs", "one", "--limit-bytes=25"],
        &["logs", "one", "--limit-bytes=25", "--prefix"],
        &["logs", "one", "--since=1h", "--tail=2"],
        &["logs", "one", "--since-time=2020-01-01T00:00:00Z", "--tail=1"],
        &["logs", "one", "--since-time=2999-01-01T00:00:00+02:00"],
        &["logs", "one", "--since=400ms"],
        &["logs", "one", "--prefix", "--tail=2"],
        &["logs", "one", "-p"],
        &["logs", "one", "-f=false", "--tail=1", "--insecure-skip-tls-verify-backend"],
        &["logs", "-l", "app=solo"],
        &["logs", "-l", "app=solo", "--tail=-1", "--timestamps"],
        &["logs", "-l", "app=nomatch"],
    ] {
        same(n, args);
    }
}

#[test]
fn errors_match_kubectl() {
    let ns = namespace_with("logs-err", PODS, 5);
    let n = ns.name.as_str();
    for args in [
        &["logs"][..],
        &["logs", "one", "two", "three"],
        &["logs", "one", "-l", "a=b"],
        &["logs", "nosuch"],
        &["logs", "cm/nosuch"],
        &["logs", "configmap/kube-root-ca.crt"],
        &["logs", "nosuchtype/x"],
        &["logs", "one", "--limit-bytes=-1"],
        &["logs", "one", "--tail=-2"],
        &["logs", "one", "--tail=abc"],
        &["logs", "one", "--since=-1s"],
        &["logs", "one", "--since=3x"],
        &["logs", "one", "--since=5"],
        &["logs", "one", "--since=5s", "--since-time=2020-01-01T00:00:00Z"],
        &["logs", "one", "--since-time=bogus"],
        &["logs", "one", "--since-time=2020-01-01"],
        &["logs", "one", "--since-time=2020-13-01T00:00:00Z"],
        &["logs", "one", "--all-containers=maybe"],
        &["logs", "one", "--pod-running-timeout=bogus"],
        &["logs", "two", "a", "-c", "b"],
        &["logs", "two", "--all-containers", "-c", "a"],
        &["logs", "nosuch", "--since=-1s"],
        &["logs", "one", "--pod-running-timeout=0"],
        &["logs", "-l", "app in (x"],
        &["logs", "one", "--context=restricted"],
        &["logs", "-l", "app=solo", "--context=restricted"],
    ] {
        same(n, args);
    }
}

#[test]
fn multi_container_pods() {
    let ns = namespace_with("logs-multi", PODS, 5);
    let n = ns.name.as_str();
    let out = same(n, &["logs", "two", "--tail=1"]);
    assert_eq!(out.stderr, "Defaulted container \"a\" out of: a, b, init (init)\n");
    for args in [
        &["logs", "two", "-c", "b", "--tail=2"][..],
        &["logs", "two", "b", "--tail=2"],
        &["logs", "two", "-c", "init", "--tail=1"],
        &["logs", "two", "-c", "zz"],
        &["logs", "three", "--tail=1"],
        &["logs", "four", "--tail=1"],
        &["logs", "four", "-c", "b", "--tail=1"],
    ] {
        same(n, args);
    }
    same_lines(n, &["logs", "two", "--all-containers", "--tail=2", "--prefix"]);
    same_lines(n, &["logs", "two", "--all-containers", "--tail=1"]);
}

#[test]
fn previous_instance() {
    let ns = namespace_with("logs-prev", PODS, 5);
    let n = ns.name.as_str();
    let out = same(n, &["logs", "restarted", "-p", "--tail=2"]);
    assert_eq!(out.stdout, "restarted c previous line 19\nrestarted c previous line 20\n");
    same(n, &["logs", "restarted", "--previous", "--timestamps", "--limit-bytes=50"]);
    same(n, &["logs", "restarted", "-p", "-f", "--tail=1"]);
    // One pod has a previous instance, the other not: the error is fatal, or
    // printed among the logs with --ignore-errors.
    // Without --ignore-errors the first failure stops kubectl, and kubectl visits
    // the sources in a Go map's random order: whether the other pod's lines come
    // first varies between its runs, so only the error and exit code are compared.
    let (a, b) = run_both(n, &["logs", "-l", "app in (again,solo)", "-p"]);
    assert_eq!((&a.stderr, a.code), (&b.stderr, b.code));
    let out = same_lines(n, &["logs", "-l", "app in (again,solo)", "-p", "--ignore-errors", "--prefix"]);
    assert!(out.stdout.contains("error: previous terminated container \"c\" in pod \"one\" not found\n"), "{}", out.stdout);
}

#[test]
fn selectors_with_prefix() {
    let ns = namespace_with("logs-sel", PODS, 5);
    let n = ns.name.as_str();
    let out = same_lines(n, &["logs", "-l", "tier=web", "--prefix"]);
    assert!(out.stdout.contains("[pod/one/c] one c line 11\n"));
    assert!(out.stdout.contains("[pod/two/a] two a line 20\n"));
    same_lines(n, &["logs", "-l", "tier=web", "--prefix", "--all-containers", "--tail=2"]);
    same_lines(n, &["logs", "-l", "app=trio", "--tail=1"]);
    same_lines(n, &["logs", "-l", "tier=web", "--tail=1", "--timestamps"]);
}

#[test]
fn workloads_resolve_to_pods() {
    let ns = namespace_with("logs-work", WORKLOADS, 10);
    let n = ns.name.as_str();
    let out = same(n, &["logs", "deploy/web", "--tail=2"]);
    assert!(out.stderr.starts_with("Found 3 pods, using pod/web-"), "{}", out.stderr);
    for args in [
        &["logs", "deployment/web", "-c", "c", "--tail=1"][..],
        &["logs", "deployments.apps/web", "--tail=1"],
        &["logs", "svc/websvc", "--tail=1"],
        &["logs", "svc/nosel"],
        &["logs", "sts/db", "--tail=1"],
        &["logs", "statefulset/db", "--all-pods", "--tail=1", "-f", "--max-log-requests=1"],
        &["logs", "ds/agent", "--tail=1", "--timestamps"],
        &["logs", "rc/legacy", "--tail=1"],
        &["logs", "job/once", "--tail=2"],
        &["logs", "job/once", "-f", "--tail=2", "--timestamps"],
        &["logs", "deploy/empty", "--pod-running-timeout=1s"],
        &["logs", "deploy/nosuch"],
    ] {
        same(n, args);
    }
    let rs = cluster().cmd(["get", "rs", "-n", n, "-l", "app=web", "-o", "name"]).kubectl();
    same(n, &["logs", rs.stdout.trim(), "--tail=1"]);
    let out = same_lines(n, &["logs", "deploy/web", "--all-pods", "--tail=1"]);
    assert_eq!(out.stdout.lines().count(), 3);
    same_lines(n, &["logs", "ds/agent", "--all-pods", "--tail=2"]);
}

/// Run `args`, collect stdout lines until `enough` says so (or a timeout), then
/// kill the process.
fn follow(program: &std::path::Path, args: &[&str], enough: impl Fn(&[String]) -> bool) -> Vec<String> {
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("KUBECONFIG", &cluster().kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    while !enough(&lines) && Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) => lines.push(l),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

const FOLLOWED: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: ticker, labels: {app: tick}, annotations: {sim.kctl.dev/log-interval-ms: "100"}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: ticker2, labels: {app: tick}, annotations: {sim.kctl.dev/log-interval-ms: "100"}}
spec: {containers: [{name: a, image: nginx}, {name: b, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: flaky, labels: {app: flaky}, annotations: {sim.kctl.dev/log-interval-ms: "100", sim.kctl.dev/log-drop-after-lines: "3"}}
spec: {containers: [{name: c, image: nginx}]}
"#;

#[test]
fn follow_a_bounded_number_of_lines() {
    let ns = namespace_with("logs-follow", FOLLOWED, 3);
    let n = ns.name.as_str();
    let args = ["-n", n, "logs", "ticker", "-f", "--tail=2"];
    let a = follow(&kctl_bin(), &args, |l| l.len() >= 8);
    let b = follow(&kubectl_bin(), &args, |l| l.len() >= 8);
    assert_eq!(a, b);
    assert_eq!(a[..3], ["ticker c line 19", "ticker c line 20", "ticker c line 21"]);

    // Several streams at once: each keeps its own order, lines stay whole.
    let args = ["-n", n, "logs", "-l", "app=tick", "--all-containers", "-f", "--prefix", "--tail=1"];
    let per_source = |lines: &[String], prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).take(5).cloned().collect::<Vec<_>>();
    let enough = |l: &[String]| ["[pod/ticker/c] ", "[pod/ticker2/a] ", "[pod/ticker2/b] "].iter().all(|p| per_source(l, p).len() >= 5);
    let a = follow(&kctl_bin(), &args, enough);
    let b = follow(&kubectl_bin(), &args, enough);
    for p in ["[pod/ticker/c] ", "[pod/ticker2/a] ", "[pod/ticker2/b] "] {
        assert_eq!(per_source(&a, p), per_source(&b, p), "{p}");
        assert_eq!(per_source(&a, p).len(), 5, "{p}: {a:?}");
    }
    assert!(a.iter().all(|l| l.starts_with("[pod/ticker") && l.contains(" line ")), "{a:?}");

    same(n, &["logs", "-l", "app=tick", "--all-containers", "-f", "--max-log-requests=2"]);
}

#[test]
fn follow_resumes_after_a_dropped_stream() {
    let ns = namespace_with("logs-drop", FOLLOWED, 3);
    let n = ns.name.as_str();
    // The simulated kubelet ends every follow stream after three lines. kubectl
    // stops there; kctl asks again from the last line it printed.
    let args = ["-n", n, "logs", "flaky", "-f", "--tail=1"];
    let b = follow(&kubectl_bin(), &args, |l| l.len() >= 10);
    assert_eq!(b, ["flaky c line 20", "flaky c line 21", "flaky c line 22", "flaky c line 23"]);
    let a = follow(&kctl_bin(), &args, |l| l.len() >= 10);
    let expected: Vec<String> = (20..30).map(|i| format!("flaky c line {i}")).collect();
    assert_eq!(a, expected);
    // With --timestamps the user's stamps are kept, and still nothing repeats.
    let a = follow(&kctl_bin(), &["-n", n, "logs", "flaky", "-f", "--tail=1", "--timestamps"], |l| l.len() >= 8);
    let bodies: Vec<&str> = a.iter().map(|l| l.split_once(' ').unwrap().1).collect();
    assert_eq!(bodies, (20..28).map(|i| format!("flaky c line {i}")).collect::<Vec<_>>());
}

#[test]
fn follow_new_attaches_to_pods_started_later() {
    let c = cluster();
    let ns = namespace_with("logs-new", FOLLOWED, 3);
    let n = ns.name.clone();
    let late = r#"
apiVersion: v1
kind: Pod
metadata: {name: late, labels: {app: tick}, annotations: {sim.kctl.dev/log-interval-ms: "100"}}
spec: {containers: [{name: c, image: nginx}]}
"#;
    let creator = {
        let n = n.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            cluster().kubectl_apply(&n, late);
        })
    };
    let lines = follow(&kctl_bin(), &["-n", &n, "logs", "-l", "app=tick", "--follow-new", "--tail=1"], |l| {
        l.iter().filter(|x| x.starts_with("[pod/late/c] ")).count() >= 22
    });
    creator.join().unwrap();
    let late_lines: Vec<&String> = lines.iter().filter(|x| x.starts_with("[pod/late/c] ")).collect();
    // A pod that starts later is read from its first line.
    assert_eq!(late_lines[0], "[pod/late/c] late c line 1");
    assert_eq!(late_lines[21], "[pod/late/c] late c line 22");
    assert!(lines.iter().any(|l| l == "[pod/ticker/c] ticker c line 20"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("[pod/ticker2/a] ")), "{lines:?}");
    // A plain pod has no selector to watch.
    let out = c.cmd(["-n", &n, "logs", "ticker", "--follow-new"]).kctl();
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("error: --follow-new needs a selector"), "{}", out.stderr);
}

/// Output through a pseudo-terminal (util-linux `script`), with `env` added.
fn on_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &format!("{} {args}", kctl_bin().display()), "/dev/null"])
        .env("KUBECONFIG", &cluster().kubeconfig)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("util-linux script runs kctl on a pseudo-terminal");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn prefixes_are_coloured_per_pod_on_a_terminal() {
    let ns = namespace_with("logs-tty", PODS, 5);
    let args = format!("-n {} logs -l tier=web --prefix --tail=1 --all-containers", ns.name);
    let out = on_terminal(&args, &[]);
    let lines = sorted(&out);
    assert!(lines.contains(&"\x1b[36m[pod/one/c]\x1b[0m one c line 20".to_string()), "{out:?}");
    for c in ["a", "b", "init"] {
        assert!(lines.contains(&format!("\x1b[33m[pod/two/{c}]\x1b[0m two {c} line 20")), "{out:?}");
    }
    let plain = on_terminal(&args, &[("NO_COLOR", "1")]);
    assert_eq!(sorted(&plain), sorted(&cluster().cmd(["-n", &ns.name, "logs", "-l", "tier=web", "--prefix", "--tail=1", "--all-containers"]).kubectl().stdout));
}

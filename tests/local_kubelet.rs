//! `kctl local`'s simulated nodes, scheduler and kubelet: scheduling with
//! selectors, taints, requests and cordons (FailedScheduling as the v1.20
//! scheduler words it), pods/binding, crash loops, Job pods, readiness, and
//! logs with every flag — kctl and kubectl v1.32 against a private server,
//! and the real test cluster where both servers should agree.

mod support;

use std::time::{Duration, Instant};

use support::local::Local;
use support::{cluster, Norm, Output};

fn ok(out: Output) -> String {
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

/// A private server with `nodes` nodes and a 1 s crash back-off base.
fn local(nodes: &str) -> Local {
    let l = Local::new();
    let out = l.cmd(["local", "up", "--nodes", nodes]).env("KCTL_LOCAL_CRASH_BACKOFF_SECONDS", "1").kctl();
    assert_eq!(out.code, 0, "{out:?}");
    l
}

fn apply(l: &Local, manifest: &str) {
    ok(l.cmd(["apply", "-f", "-"]).stdin(manifest).kubectl());
}

/// Polls `args` (kubectl) until its stdout satisfies `f`.
fn wait_for(l: &Local, args: &[&str], what: &str, f: impl Fn(&str) -> bool) -> String {
    let t = Instant::now();
    loop {
        let out = l.kubectl(args);
        if out.code == 0 && f(&out.stdout) {
            return out.stdout;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "timed out waiting for {what}: {out:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn same(l: &Local, args: &[&str], norms: &[Norm]) -> Output {
    l.cmd(args).assert_same(norms)
}

const SCHED_PODS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: ssd}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: gpu}
spec:
  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [kctl-local-m02]}]
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "6"}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "3", memory: 1Gi}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: hdd}
spec:
  nodeSelector: {disk: hdd}
  containers: [{name: app, image: nginx}]
"#;

#[test]
fn scheduling_over_nodes() {
    let l = local("3");
    let nodes = ok(l.kubectl(&["get", "nodes", "-o", "name"]));
    assert_eq!(nodes, "node/kctl-local\nnode/kctl-local-m02\nnode/kctl-local-m03\n");
    ok(l.kctl(&["label", "node", "kctl-local-m03", "disk=ssd"]));
    ok(l.kubectl(&["taint", "node", "kctl-local-m02", "dedicated=gpu:NoSchedule"]));
    ok(l.kubectl(&["cordon", "kctl-local"]));
    // The cordon taint appears as the node lifecycle controller adds it.
    wait_for(&l, &["get", "node", "kctl-local", "-o", "jsonpath={.spec.taints[*].key}"], "cordon taint", |s| s == "node.kubernetes.io/unschedulable");
    apply(&l, SCHED_PODS);
    // gpu tolerates m02's taint and asks for it; ssd needs m03's label; big
    // (3 CPUs) can only go to m03, the one schedulable, untainted node; hdd
    // fits nowhere.
    wait_for(&l, &["get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase", "--no-headers"], "placement", |s| {
        s == "big   kctl-local-m03   Running\ngpu   kctl-local-m02   Running\nhdd   <none>           Pending\nssd   kctl-local-m03   Running\n"
    });
    let msg = wait_for(&l, &["get", "pod", "hdd", "-o", "jsonpath={.status.conditions[0].message}"], "hdd condition", |s| !s.is_empty());
    assert_eq!(msg, "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity, 1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, 1 node(s) were unschedulable.");
    apply(&l, "apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers: [{name: app, image: nginx, resources: {requests: {cpu: \"6\"}}}]\n");
    let msg = wait_for(&l, &["get", "pod", "huge", "-o", "jsonpath={.status.conditions[0].message}"], "huge condition", |s| !s.is_empty());
    assert_eq!(msg, "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate, 1 node(s) were unschedulable.");
    // describe shows the Warning event and the condition, identically for both clients.
    let d = same(&l, &["describe", "pod", "huge"], &[Norm::Age, Norm::Timestamp]);
    assert!(d.stdout.contains("Warning  FailedScheduling  <AGE>    default-scheduler  0/3 nodes are available: 1 Insufficient cpu,"), "{}", d.stdout);
    assert!(d.stdout.contains("  PodScheduled   False"), "{}", d.stdout);
    same(&l, &["get", "pods", "-o", "wide"], &[Norm::Age]);
    same(&l, &["describe", "node", "kctl-local"], &[Norm::Age, Norm::Timestamp]);

    // Uncordon: the cordon taint goes, hdd still has no disk=hdd node.
    ok(l.kubectl(&["uncordon", "kctl-local"]));
    ok(l.kubectl(&["label", "node", "kctl-local", "disk=hdd"]));
    wait_for(&l, &["get", "pod", "hdd", "-o", "jsonpath={.spec.nodeName}"], "hdd placed after uncordon", |s| s == "kctl-local");
}

#[test]
fn failed_scheduling_matches_the_real_scheduler() {
    let c = cluster();
    let ns = c.namespace("kubelet-sched");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: picky}\nspec:\n  nodeSelector: {disk: nowhere}\n  containers: [{name: app, image: nginx}]\n";
    c.kubectl_apply(&ns.name, pod);
    let l = local("3");
    apply(&l, pod);
    let q = ["get", "pod", "picky", "-o", "jsonpath={.status.phase} {.status.conditions[0].reason}: {.status.conditions[0].message}"];
    let mut real = String::new();
    for _ in 0..100 {
        real = ok(c.cmd(["-n", &ns.name].iter().chain(q.iter()).copied().collect::<Vec<_>>()).kubectl());
        if real.contains("nodes are available") {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let mine = wait_for(&l, &q, "condition", |s| s.contains("nodes are available"));
    // The shared cluster may hold other (tainted) nodes: the wording is compared.
    let re = regex::Regex::new(r"^Pending Unschedulable: 0/\d+ nodes are available: (\d+ node\(s\) had taint \{[^}]*\}, that the pod didn't tolerate, )?\d+ node\(s\) didn't match Pod's node affinity\.$").unwrap();
    assert!(re.is_match(&real), "{real}");
    assert_eq!(mine, "Pending Unschedulable: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity.");
}

#[test]
fn no_execute_taint_evicts() {
    let l = local("2");
    apply(&l, "apiVersion: v1\nkind: Pod\nmetadata: {name: pinned}\nspec:\n  nodeSelector: {kubernetes.io/hostname: kctl-local-m02}\n  containers: [{name: app, image: nginx}]\n");
    wait_for(&l, &["get", "pod", "pinned", "-o", "jsonpath={.status.phase}"], "running", |s| s == "Running");
    ok(l.kubectl(&["taint", "node", "kctl-local-m02", "evict=yes:NoExecute"]));
    wait_for(&l, &["get", "pods", "-o", "name"], "eviction", |s| s.is_empty());
    let evs = ok(l.kubectl(&["get", "events", "--sort-by=.metadata.creationTimestamp", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"]));
    assert!(evs.contains("TaintManagerEviction: Marking for deletion Pod default/pinned\n"), "{evs}");
    assert!(evs.contains("Killing: Stopping container app\n"), "{evs}");
}

#[test]
fn binding_subresource() {
    let l = local("2");
    apply(&l, "apiVersion: v1\nkind: Pod\nmetadata: {name: manual}\nspec:\n  schedulerName: my-scheduler\n  containers: [{name: app, image: nginx}]\n");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(ok(l.kubectl(&["get", "pod", "manual", "-o", "jsonpath={.spec.nodeName}|{.status.phase}"])), "|Pending");
    let binding = r#"{"apiVersion":"v1","kind":"Binding","metadata":{"name":"manual"},"target":{"apiVersion":"v1","kind":"Node","name":"kctl-local-m02"}}"#;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("binding.json");
    std::fs::write(&f, binding).unwrap();
    let path = "/api/v1/namespaces/default/pods/manual/binding";
    let out = l.kubectl(&["create", "--raw", path, "-f", f.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("\"status\":\"Success\""), "{out:?}");
    wait_for(&l, &["get", "pod", "manual", "-o", "jsonpath={.spec.nodeName} {.status.phase}"], "bound pod runs", |s| s == "kctl-local-m02 Running");
    let again = l.kubectl(&["create", "--raw", path, "-f", f.to_str().unwrap()]);
    assert_eq!(again.code, 1);
    assert_eq!(again.stderr, "Error from server (Conflict): Operation cannot be fulfilled on pods/binding \"manual\": pod manual is already assigned to node \"kctl-local-m02\"\n");
}

const CRASH: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "echo starting; echo 'oops' >&2; exit 3"]
"#;

#[test]
fn crash_loop_back_off() {
    let l = local("1");
    apply(&l, CRASH);
    let row = wait_for(&l, &["get", "pod", "crash", "--no-headers"], "CrashLoopBackOff", |s| s.contains("CrashLoopBackOff"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[..3], ["crash", "0/1", "CrashLoopBackOff"], "{row}");
    assert!(cols[3].parse::<u32>().unwrap() >= 1, "{row}");
    same(&l, &["get", "pod", "crash"], &[Norm::Age]);
    // Restarts keep coming, with back-off.
    wait_for(&l, &["get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"], "3 restarts", |s| s.parse::<u32>().unwrap_or(0) >= 3);
    let st = ok(l.kubectl(&["get", "pod", "crash", "-o", "jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode} {.status.containerStatuses[0].lastState.terminated.reason}"]));
    assert_eq!(st, "3 Error");
    // A crashed container's logs: the current (waiting) one shows its last run.
    assert_eq!(ok(l.kctl(&["logs", "crash"])), "starting\noops\n");
    assert_eq!(ok(l.kctl(&["logs", "crash", "--previous"])), "starting\noops\n");
    let d = same(&l, &["describe", "pod", "crash"], &[Norm::Age, Norm::Timestamp]);
    assert!(d.stdout.contains("    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    3\n"), "{}", d.stdout);
    assert!(d.stdout.contains("Warning  BackOff "), "{}", d.stdout);
    assert!(d.stdout.contains("Back-off restarting failed container"), "{}", d.stdout);
}

#[test]
fn restart_policies_and_jobs() {
    let l = local("1");
    apply(
        &l,
        r#"
apiVersion: v1
kind: Pod
metadata: {name: never}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox, command: ["sh", "-c", "sleep 1; exit 2"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: onfailure}
spec:
  restartPolicy: OnFailure
  containers: [{name: app, image: busybox, args: ["echo", "done"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: ready-later}
spec:
  containers: [{name: app, image: nginx, readinessProbe: {initialDelaySeconds: 3, tcpSocket: {port: 80}}}]
"#,
    );
    let t = Instant::now();
    wait_for(&l, &["get", "pod", "ready-later", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].ready}"], "running, not ready", |s| s == "Running false");
    let status = |s: &str, name: &str| s.lines().find(|l| l.starts_with(name)).map(|l| l.split_whitespace().skip(1).take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default();
    wait_for(&l, &["get", "pods", "--no-headers"], "final phases", |s| status(s, "never ") == "0/1 Error 0" && status(s, "onfailure ") == "0/1 Completed 0");
    wait_for(&l, &["get", "pods", "--no-headers"], "ready", |s| status(s, "ready-later ") == "1/1 Running 0");
    assert!(t.elapsed() >= Duration::from_secs(2), "readiness came before its initial delay");
    assert_eq!(ok(l.kubectl(&["get", "pod", "never", "-o", "jsonpath={.status.phase}"])), "Failed");
    assert_eq!(ok(l.kubectl(&["logs", "onfailure"])), "done\n");
    same(&l, &["get", "pods"], &[Norm::Age]);

    ok(l.kubectl(&["create", "job", "once", "--image=busybox"]));
    wait_for(&l, &["get", "job", "once", "-o", "jsonpath={.status.succeeded}"], "job completes", |s| s == "1");
    let pod = ok(l.kubectl(&["get", "pods", "-l", "job-name=once", "--no-headers"]));
    assert_eq!(pod.split_whitespace().skip(1).take(3).collect::<Vec<_>>(), ["0/1", "Completed", "0"], "{pod}");

    // A failing Job: replacement pods until backoffLimit, then Failed.
    apply(
        &l,
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: fails}\nspec:\n  backoffLimit: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: app, image: busybox, command: [sh, -c, \"echo trying; exit 1\"]}]\n",
    );
    let cond = wait_for(&l, &["get", "job", "fails", "-o", "jsonpath={.status.conditions[0].type} {.status.conditions[0].reason} {.status.failed}"], "job fails", |s| s.starts_with("Failed"));
    assert_eq!(cond, "Failed BackoffLimitExceeded 3");
    let pods = ok(l.kubectl(&["get", "pods", "-l", "job-name=fails", "-o", "jsonpath={range .items[*]}{.status.phase} {end}"]));
    assert_eq!(pods, "Failed Failed Failed ");
    let d = same(&l, &["describe", "job", "fails"], &[Norm::Age, Norm::Timestamp, Norm::Uid]);
    assert!(d.stdout.contains("Warning  BackoffLimitExceeded  "), "{}", d.stdout);
}

const WEB: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: nginx}, {name: sidecar, image: busybox}]
"#;

#[test]
fn logs_with_every_flag() {
    let l = local("1");
    apply(&l, WEB);
    apply(&l, "apiVersion: v1\nkind: Pod\nmetadata: {name: ticker}\nspec:\n  restartPolicy: Never\n  containers: [{name: app, image: busybox, command: [sh, -c, \"echo one; sleep 2; echo two; exit 0\"]}]\n");
    wait_for(&l, &["get", "pod", "web", "--no-headers"], "web running", |s| s.split_whitespace().nth(1) == Some("2/2"));
    let t = Instant::now();
    // follow streams the script's lines as they come and ends with the container.
    let f = l.kctl(&["logs", "-f", "ticker"]);
    assert_eq!(f.stdout, "one\ntwo\n", "{f:?}");
    assert!(t.elapsed() >= Duration::from_millis(1000), "follow ended early");
    for args in [
        &["logs", "web", "-c", "app"][..],
        &["logs", "web", "-c", "sidecar", "--tail=3"],
        &["logs", "web", "-c", "app", "--tail=2", "--timestamps"],
        &["logs", "web", "-c", "app", "--limit-bytes=30"],
        &["logs", "web", "-c", "app", "--since=1h", "--tail=1"],
        &["logs", "web", "-c", "app", "--since-time=2000-01-01T00:00:00Z", "--tail=1"],
        &["logs", "web", "-c", "app", "--since-time=2999-01-01T00:00:00Z"],
        &["logs", "web", "-c", "app", "--previous"],
        &["logs", "web", "-c", "nope"],
        &["logs", "web", "--tail=1"],
        &["logs", "web", "-c", "app", "--tail=-5"],
        &["logs", "ticker"],
        &["logs", "nosuch"],
        &["get", "--raw", "/api/v1/namespaces/default/pods/web/log"],
        &["get", "--raw", "/api/v1/namespaces/default/pods/web/log?container=app&tailLines=-1"],
        &["get", "--raw", "/api/v1/namespaces/default/pods/web/log?container=app&limitBytes=0"],
        &["get", "--raw", "/api/v1/namespaces/default/pods/web/log?container=app&sinceSeconds=1&sinceTime=2020-01-01T00:00:00Z"],
    ] {
        same(&l, args, &[]);
    }
    // kubectl reads --all-containers from a Go map: its order varies.
    let mut all: Vec<String> = ok(l.kubectl(&["logs", "web", "--all-containers", "--tail=1"])).lines().map(String::from).collect();
    all.sort();
    assert_eq!(all, ["web app line 20", "web sidecar line 20"]);
    let tail = ok(l.kctl(&["logs", "web", "-c", "app", "--tail=2"]));
    assert_eq!(tail, "web app line 19\nweb app line 20\n");
    let ts = ok(l.kctl(&["logs", "web", "-c", "app", "--tail=1", "--timestamps"]));
    assert!(regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000000Z web app line 20\n$").unwrap().is_match(&ts), "{ts}");
    let prev = l.kctl(&["logs", "web", "-c", "app", "--previous"]);
    assert_eq!(prev.stderr, "Error from server (BadRequest): previous terminated container \"app\" in pod \"web\" not found\n");
    // Follow on a running container streams generated lines (one a second).
    let mut child = std::process::Command::new(support::kctl_bin())
        .args(["logs", "-f", "web", "-c", "app", "--tail=1"])
        .env("KCTL_LOCAL_DIR", &l.state)
        .env("KUBECONFIG", &l.kubeconfig)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(3500));
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("web app line 20\nweb app line 21\n"), "{text}");
    // One line a second, numbered on.
    for (i, l) in text.lines().enumerate() {
        assert_eq!(l, format!("web app line {}", 20 + i));
    }
}

#[test]
fn logs_match_the_test_cluster() {
    let c = cluster();
    let ns = c.namespace("kubelet-logs");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: app, image: nginx}]\n";
    c.kubectl_apply(&ns.name, pod);
    let l = local("1");
    apply(&l, pod);
    for _ in 0..100 {
        if c.cmd(["-n", &ns.name, "get", "pod", "web", "-o", "jsonpath={.status.phase}"]).kubectl().stdout == "Running" {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    wait_for(&l, &["get", "pod", "web", "-o", "jsonpath={.status.phase}"], "running", |s| s == "Running");
    for args in [&["logs", "web"][..], &["logs", "web", "--tail=3"], &["logs", "web", "--limit-bytes=25"], &["logs", "web", "--previous"], &["logs", "web", "-c", "x"]] {
        let real = c.cmd(["-n", &ns.name].iter().chain(args.iter()).copied().collect::<Vec<_>>()).kctl();
        let mine = l.kctl(args);
        assert_eq!(mine, real, "{args:?}");
    }
}

#[test]
fn node_count_persists_across_restarts() {
    let l = local("2");
    let names = || ok(l.kubectl(&["get", "nodes", "-o", "name"]));
    assert_eq!(names(), "node/kctl-local\nnode/kctl-local-m02\n");
    ok(l.kubectl(&["label", "node", "kctl-local-m02", "team=a"]));
    let busy = l.kctl(&["local", "up", "--nodes", "3"]);
    assert_eq!((busy.code, busy.stderr.as_str()), (1, "error: kctl local is already running with 2 node(s); run `kctl local down` first\n"));
    ok(l.kctl(&["local", "down"]));
    ok(l.kctl(&["local", "up"]));
    // The same nodes come back, with what users set on them.
    assert_eq!(names(), "node/kctl-local\nnode/kctl-local-m02\n");
    assert_eq!(ok(l.kubectl(&["get", "node", "kctl-local-m02", "-o", "jsonpath={.metadata.labels.team}"])), "a");
    apply(&l, "apiVersion: v1\nkind: Pod\nmetadata: {name: on-m02}\nspec:\n  nodeName: kctl-local-m02\n  containers: [{name: app, image: nginx}]\n");
    ok(l.kctl(&["local", "down"]));
    ok(l.kctl(&["local", "up", "--nodes", "1"]));
    wait_for(&l, &["get", "pods", "-o", "name"], "orphan collected", |s| s.is_empty());
    assert_eq!(names(), "node/kctl-local\n");
    assert!(ok(l.kctl(&["local", "status"])).ends_with("\nnodes: 1\n"));
    let bad = l.kctl(&["local", "down"]);
    assert_eq!(bad.code, 0);
    let zero = l.kctl(&["local", "up", "--nodes", "0"]);
    assert_eq!((zero.code, zero.stderr.as_str()), (1, "error: --nodes must be between 1 and 99\n"));
}

/// node-sim's annotations end containers the same way on both servers.
#[test]
fn pod_lifecycles_match_the_test_cluster() {
    let manifest = r#"
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: done, annotations: {sim.kctl.dev/terminate-after-seconds: "1", sim.kctl.dev/exit-code: "0"}}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: failed, annotations: {sim.kctl.dev/terminate-after-seconds: "1", sim.kctl.dev/exit-code: "3"}}
spec:
  restartPolicy: Never
  containers: [{name: app, image: busybox}]
"#;
    let c = cluster();
    let ns = c.namespace("kubelet-life");
    c.kubectl_apply(&ns.name, manifest);
    let l = local("1");
    apply(&l, manifest);
    let q = ["get", "pods", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[0].state.terminated.reason} {.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].imageID}{\"\\n\"}{end}"];
    let settled = |s: &str| s.contains("done Succeeded") && s.contains("failed Failed");
    let mine = wait_for(&l, &q, "local pods finish", settled);
    let t = Instant::now();
    let real = loop {
        let out = ok(c.cmd(["-n", &ns.name].iter().chain(q.iter()).copied().collect::<Vec<_>>()).kubectl());
        if settled(&out) || t.elapsed() > Duration::from_secs(30) {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(mine, real);
    // Every column but AGE.
    let get = |out: Output| ok(out).lines().map(|l| l.split_whitespace().take(4).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>();
    assert_eq!(get(l.kctl(&["get", "pods"])), get(c.cmd(["-n", &ns.name, "get", "pods"]).kctl()));
}

#[test]
fn init_containers_gate_the_pod() {
    let l = local("1");
    apply(
        &l,
        r#"
apiVersion: v1
kind: Pod
metadata: {name: slow-init}
spec:
  initContainers: [{name: setup, image: busybox, command: [sh, -c, "echo preparing; sleep 3"]}]
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: bad-init}
spec:
  initContainers: [{name: setup, image: busybox, command: [sh, -c, "echo no config; exit 1"]}]
  containers: [{name: app, image: nginx}]
"#,
    );
    let status = |s: &str, name: &str| s.lines().find(|l| l.starts_with(name)).map(|l| l.split_whitespace().skip(1).take(2).collect::<Vec<_>>().join(" ")).unwrap_or_default();
    wait_for(&l, &["get", "pods", "--no-headers"], "init running", |s| status(s, "slow-init") == "0/1 Init:0/1");
    same(&l, &["get", "pods"], &[Norm::Age]);
    assert_eq!(ok(l.kctl(&["logs", "slow-init", "-c", "setup"])), "preparing\n");
    wait_for(&l, &["get", "pods", "--no-headers"], "init crash loop", |s| status(s, "bad-init") == "0/1 Init:CrashLoopBackOff");
    wait_for(&l, &["get", "pods", "--no-headers"], "main started", |s| status(s, "slow-init") == "1/1 Running");
    same(&l, &["describe", "pod", "bad-init"], &[Norm::Age, Norm::Timestamp]);
}

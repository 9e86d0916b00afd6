//! kctl vs kubectl, measured in the same run on the same machine and cluster.
//! Prints median wall time and peak RSS for each client, and the kctl/kubectl ratios.
//!
//!     cargo bench --bench compare                # every scenario
//!     cargo bench --bench compare -- startup     # scenarios whose name contains "startup"
//!
//! The reference is the plain kubectl 1.32 build (no version-dispatching wrapper).
//! Scenarios that need a server use the test cluster (scripts/test-cluster/up.sh,
//! or KCTL_TEST_KUBECONFIG when it is already running).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REFERENCE: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

struct Scenario {
    name: &'static str,
    args: &'static [&'static str],
    needs_cluster: bool,
    /// Objects the scenario lists, created once (idempotent) before timing.
    seed: Option<fn(&Path)>,
    runs: usize,
    /// Extra environment for kctl only.
    kctl_env: &'static [(&'static str, &'static str)],
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "startup: version --client", args: &["version", "--client"], needs_cluster: false, seed: None, runs: 30, kctl_env: &[] },
        Scenario { name: "discovery: api-resources", args: &["api-resources"], needs_cluster: true, seed: None, runs: 15, kctl_env: &[] },
        Scenario { name: "discovery: api-versions", args: &["api-versions"], needs_cluster: true, seed: None, runs: 15, kctl_env: &[] },
        Scenario { name: "get pods (3000)", args: &["get", "pods", "-n", PODS_NS], needs_cluster: true, seed: Some(seed_pods), runs: 7, kctl_env: &[] },
        Scenario { name: "get pods -o json (3000)", args: &["get", "pods", "-n", PODS_NS, "-o", "json"], needs_cluster: true, seed: Some(seed_pods), runs: 7, kctl_env: &[] },
        Scenario { name: "get cm -o yaml (2000)", args: &["get", "cm", "-n", CM_NS, "-o", "yaml"], needs_cluster: true, seed: Some(seed_configmaps), runs: 7, kctl_env: &[] },
        Scenario { name: "get pods -A", args: &["get", "pods", "-A"], needs_cluster: true, seed: Some(seed_pods), runs: 7, kctl_env: &[] },
        // What the shell runs on `kctl get pods -n NS <TAB>`. kctl keeps names for
        // ten seconds (a second TAB is instant); the first scenario turns that off.
        Scenario {
            name: "complete get pods (3000), no cache",
            args: &["__complete", "get", "pods", "-n", PODS_NS, ""],
            needs_cluster: true,
            seed: Some(seed_pods),
            runs: 9,
            kctl_env: &[("KCTL_COMPLETION_CACHE_TTL", "0")],
        },
        Scenario { name: "complete get pods (3000)", args: &["__complete", "get", "pods", "-n", PODS_NS, ""], needs_cluster: true, seed: Some(seed_pods), runs: 9, kctl_env: &[] },
        Scenario { name: "complete get <TAB> (types)", args: &["__complete", "get", ""], needs_cluster: true, seed: None, runs: 9, kctl_env: &[] },
        Scenario { name: "logs --tail=100", args: &["logs", "logger", "-n", LOGS_NS, "--tail=100"], needs_cluster: true, seed: Some(seed_logger), runs: 15, kctl_env: &[] },
        Scenario { name: "describe pod", args: &["describe", "pod", "pod-00000", "-n", PODS_NS], needs_cluster: true, seed: Some(seed_pods), runs: 15, kctl_env: &[] },
    ]
}

struct Sample {
    wall: Duration,
    max_rss_kib: i64,
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();

    let kctl = kctl_binary();
    let reference = std::env::var("KCTL_BENCH_REFERENCE").unwrap_or_else(|_| REFERENCE.to_string());
    let home = std::env::temp_dir().join(format!("kctl-bench-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut kubeconfig: Option<PathBuf> = None;

    println!("kctl:    {}", kctl.display());
    println!("kubectl: {reference}");
    println!("{:<34} {:>11} {:>11} {:>7}   {:>10} {:>10} {:>7}", "scenario", "kctl ms", "kubectl ms", "ratio", "kctl KiB", "kubectl KiB", "ratio");
    for s in scenarios() {
        if !filter.is_empty() && !filter.iter().any(|f| s.name.contains(f.as_str())) {
            continue;
        }
        let mut env: Vec<(String, String)> = vec![("HOME".into(), home.display().to_string())];
        if s.needs_cluster {
            let kc = kubeconfig.get_or_insert_with(start_cluster).clone();
            env.push(("KUBECONFIG".into(), kc.display().to_string()));
            if let Some(seed) = s.seed {
                seed(&kc);
            }
        }
        let mut kctl_env = env.clone();
        kctl_env.extend(s.kctl_env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        // One untimed run each warms caches (discovery, page cache) for both clients alike.
        run_once(&kctl, s.args, &kctl_env);
        run_once(Path::new(&reference), s.args, &env);
        let mut a = Vec::new();
        let mut b = Vec::new();
        for _ in 0..s.runs {
            // Interleaved so that machine noise hits both clients alike.
            a.push(run_once(&kctl, s.args, &kctl_env));
            b.push(run_once(Path::new(&reference), s.args, &env));
        }
        let (ta, tb) = (median(a.iter().map(|x| x.wall.as_secs_f64() * 1e3)), median(b.iter().map(|x| x.wall.as_secs_f64() * 1e3)));
        let (ma, mb) = (median(a.iter().map(|x| x.max_rss_kib as f64)), median(b.iter().map(|x| x.max_rss_kib as f64)));
        println!("{:<34} {:>11.2} {:>11.2} {:>6.3}x   {:>10.0} {:>11.0} {:>6.3}x", s.name, ta, tb, ta / tb, ma, mb, ma / mb);
    }
    if filter.is_empty() || filter.iter().any(|f| "apply".contains(f.as_str()) || f.contains("apply")) {
        let kc = kubeconfig.get_or_insert_with(start_cluster).clone();
        bench_apply(&kctl, Path::new(&reference), &kc, &home);
    }
    if filter.is_empty() || filter.iter().any(|f| f.contains("local")) {
        bench_local_up(&kctl, &home);
    }
    let _ = std::fs::remove_dir_all(&home);
}

/// `kctl local up` until ready (target < 1 s), on fresh state (certificates
/// generated) and on existing state; kctl only, so the kubectl columns are empty.
fn bench_local_up(kctl: &Path, home: &Path) {
    let (mut fresh, mut again) = (Vec::new(), Vec::new());
    for i in 0..5 {
        let dir = std::env::temp_dir().join(format!("kctl-bench-local-{}-{i}", std::process::id()));
        let env: Vec<(String, String)> = vec![
            ("HOME".into(), home.display().to_string()),
            ("KCTL_LOCAL_DIR".into(), dir.join("state").display().to_string()),
            ("KUBECONFIG".into(), dir.join("kubeconfig").display().to_string()),
        ];
        for samples in [&mut fresh, &mut again] {
            samples.push(run_once(kctl, &["local", "up"], &env));
            run_once(kctl, &["local", "down"], &env);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    for (name, a) in [("local up (fresh state)", &fresh), ("local up (existing state)", &again)] {
        let t = median(a.iter().map(|x| x.wall.as_secs_f64() * 1e3));
        let m = median(a.iter().map(|x| x.max_rss_kib as f64));
        println!("{:<34} {:>11.2} {:>11} {:>7}   {:>10.0} {:>11} {:>7}", name, t, "-", "-", m, "-", "-");
    }
}

/// `apply -f DIR` of 300 mixed manifests into an empty namespace, then again
/// when nothing changed. Each run gets fresh namespaces, one per client.
fn bench_apply(kctl: &Path, reference: &Path, kubeconfig: &Path, home: &Path) {
    let dir = std::env::temp_dir().join(format!("kctl-bench-manifests-{}", std::process::id()));
    write_manifests(&dir, 300);
    let env: Vec<(String, String)> = vec![("HOME".into(), home.display().to_string()), ("KUBECONFIG".into(), kubeconfig.display().to_string())];
    let dir_s = dir.display().to_string();
    let runs = 5;
    let (mut create_a, mut create_b, mut again_a, mut again_b) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let stamp = std::process::id();
    for i in 0..runs {
        for (client, created, again, tag) in [(kctl, &mut create_a, &mut again_a, "kctl"), (reference, &mut create_b, &mut again_b, "kubectl")] {
            let ns = format!("bench-apply-{tag}-{stamp}-{i}");
            kubectl(kubeconfig, &["create", "namespace", &ns], None);
            let args = ["-n", ns.as_str(), "apply", "-f", dir_s.as_str()];
            created.push(run_once(client, &args, &env));
            again.push(run_once(client, &args, &env));
            kubectl(kubeconfig, &["delete", "namespace", &ns, "--wait=false"], None);
        }
    }
    for (name, a, b) in [("apply 300 manifests (create)", &create_a, &create_b), ("apply 300 manifests (unchanged)", &again_a, &again_b)] {
        let (ta, tb) = (median(a.iter().map(|x| x.wall.as_secs_f64() * 1e3)), median(b.iter().map(|x| x.wall.as_secs_f64() * 1e3)));
        let (ma, mb) = (median(a.iter().map(|x| x.max_rss_kib as f64)), median(b.iter().map(|x| x.max_rss_kib as f64)));
        println!("{:<34} {:>11.2} {:>11.2} {:>6.3}x   {:>10.0} {:>11.0} {:>6.3}x", name, ta, tb, ta / tb, ma, mb, ma / mb);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A directory of `count` small manifests of several kinds (Deployments at zero
/// replicas, so that no pods are started).
fn write_manifests(dir: &Path, count: usize) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..count {
        let text = match i % 5 {
            0 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels: {{app: bench}}\ndata:\n  key: value-{i}\n  other: |\n    line one\n    line two\n"),
            1 => format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{i}\ntype: Opaque\nstringData:\n  password: p-{i}\n"),
            2 => format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: a{i}}}\n  ports:\n  - port: 80\n    targetPort: 8080\n"),
            3 => format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deploy-{i}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {{app: a{i}}}\n  template:\n    metadata:\n      labels: {{app: a{i}}}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.25\n        env:\n        - {{name: NUM, value: \"{i}\"}}\n        ports:\n        - containerPort: 8080\n"),
            _ => format!("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-{i}\n"),
        };
        std::fs::write(dir.join(format!("{i:04}.yaml")), text).unwrap();
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Run once and measure wall time and the child's peak RSS (wait4's rusage).
fn run_once(program: &Path, args: &[&str], env: &[(String, String)]) -> Sample {
    let mut cmd = Command::new(program);
    cmd.args(args).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(rc == pid, "wait4 failed");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{} {:?} failed (status {status})", program.display(), args);
    Sample { wall, max_rss_kib: usage.ru_maxrss }
}

fn kctl_binary() -> PathBuf {
    if let Ok(p) = std::env::var("KCTL_BENCH_BIN") {
        return PathBuf::from(p);
    }
    // cargo bench builds the release binary next to this bench's directory.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("kctl");
    assert!(bin.exists(), "{} not found: run `cargo build --release` first", bin.display());
    bin
}

fn start_cluster() -> PathBuf {
    if let Ok(kc) = std::env::var("KCTL_TEST_KUBECONFIG") {
        return PathBuf::from(kc);
    }
    let up = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-cluster/up.sh");
    let out = Command::new("bash").arg(up).stderr(Stdio::inherit()).output().expect("run up.sh");
    assert!(out.status.success(), "up.sh failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim())
}

const PODS_NS: &str = "kctl-bench-pods";
const CM_NS: &str = "kctl-bench-cm";

fn kubectl(kubeconfig: &Path, args: &[&str], stdin: Option<String>) -> std::process::Output {
    use std::io::Write;
    let mut c = Command::new(REFERENCE);
    c.args(args).env("KUBECONFIG", kubeconfig).stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(data) = stdin {
        input.write_all(data.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// Create `count` objects from `item(i)` in `ns`, in bulk: one `kubectl create -f`
/// of a List, not one CLI call per object. Does nothing when they exist.
fn seed_bulk(kubeconfig: &Path, ns: &str, resource: &str, count: usize, item: impl Fn(usize) -> String) {
    let have = kubectl(kubeconfig, &["get", resource, "-n", ns, "-o", "name", "--chunk-size=1000"], None);
    if String::from_utf8_lossy(&have.stdout).lines().count() >= count {
        return;
    }
    kubectl(kubeconfig, &["create", "namespace", ns], None);
    let items: Vec<String> = (0..count).map(item).collect();
    let list = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, items.join(","));
    let start = Instant::now();
    let out = kubectl(kubeconfig, &["apply", "--server-side", "-n", ns, "-f", "-"], Some(list));
    assert!(out.status.success(), "seeding {resource} failed: {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("seeded {count} {resource} in {ns} in {:.1}s", start.elapsed().as_secs_f64());
}

fn seed_configmaps(kubeconfig: &Path) {
    seed_bulk(kubeconfig, CM_NS, "configmaps", 2000, |i| {
        format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{i:05}","labels":{{"app":"bench","shard":"s{}"}}}},"data":{{"key":"value-{i}","blob":"{}","multi":"line one\nline two\n"}}}}"#,
            i % 10,
            "x".repeat(200)
        )
    });
}

/// Pods bound to a node that no kubelet (or node simulator) serves: the scheduler
/// and the simulator leave them alone, so seeding stays cheap and the list stays
/// still. The Node object exists so that pod garbage collection keeps them.
fn seed_pods(kubeconfig: &Path) {
    kubectl(
        kubeconfig,
        &["apply", "-f", "-"],
        Some(r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"kctl-bench-nowhere","labels":{"kctl.test/bench":"true"}},"spec":{"taints":[{"key":"kctl.test/bench","effect":"NoSchedule"}]}}"#.into()),
    );
    seed_bulk(kubeconfig, PODS_NS, "pods", 3000, |i| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"pod-{i:05}","labels":{{"app":"bench","shard":"s{}"}}}},"spec":{{"nodeName":"kctl-bench-nowhere","containers":[{{"name":"main","image":"registry.example/bench:1.0","args":["--serve","--port=8080"],"resources":{{"requests":{{"cpu":"10m","memory":"16Mi"}}}}}}]}}}}"#,
            i % 10
        )
    });
}

const LOGS_NS: &str = "kctl-bench-logs";

/// One running pod whose (simulated) container has 1,000 lines of history.
fn seed_logger(kubeconfig: &Path) {
    kubectl(kubeconfig, &["create", "namespace", LOGS_NS], None);
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"logger","annotations":{"sim.kctl.dev/log-history-lines":"1000"}},"spec":{"containers":[{"name":"main","image":"registry.example/logger:1.0"}]}}"#;
    kubectl(kubeconfig, &["apply", "-n", LOGS_NS, "-f", "-"], Some(pod.into()));
    let out = kubectl(kubeconfig, &["wait", "-n", LOGS_NS, "--for=condition=Ready", "pod/logger", "--timeout=60s"], None);
    assert!(out.status.success(), "logger pod not ready: {}", String::from_utf8_lossy(&out.stderr));
}

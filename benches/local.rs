//! `kctl local` against the targets of issue 8, measured with the release build:
//!
//! - `kctl local up` until ready (< 1 s), fresh state and existing state;
//! - a 1,000-replica Deployment until 1,000 pods run (<= 10 s);
//! - listing 3,000 pods from `kctl local` and from the real kube-apiserver v1.20
//!   of the test cluster, with the same client (ratio <= 1);
//! - the server's RSS holding 5,000 objects (<= 150 MB), from /proc/<pid>/status.
//!
//! Run it with:
//!
//! ```sh
//! cargo build --release && cargo bench --bench local
//! cargo bench --bench local -- list      # scenarios whose name contains "list"
//! ```
//!
//! Prints numbers and whether each target is met; it asserts nothing about time.
//! Every server is private (its own `KCTL_LOCAL_DIR` and kubeconfig in a
//! temporary directory) and stopped at the end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const REFERENCE: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
/// The namespace and pod shape of benches/compare.rs, so that either bench
/// reuses the pods the other seeded on the test cluster.
const PODS_NS: &str = "kctl-bench-pods";
const PODS: usize = 3000;
const CONFIGMAPS: usize = 2000;

struct Local {
    dir: PathBuf,
    kctl: PathBuf,
}

impl Local {
    fn new(kctl: &Path, tag: &str) -> Local {
        let dir = std::env::temp_dir().join(format!("kctl-bench-local-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Local { dir, kctl: kctl.to_path_buf() }
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.dir)
            .env("KCTL_LOCAL_DIR", self.dir.join("state"))
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn kctl(&self, args: &[&str]) -> Output {
        self.command(&self.kctl, args).output().unwrap()
    }

    fn kctl_stdin(&self, args: &[&str], input: String) -> Output {
        let mut child = self.command(&self.kctl, args).stdin(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.kctl(args);
        assert!(out.status.success(), "kctl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn pid(&self) -> u32 {
        let info = std::fs::read_to_string(self.dir.join("state/server.json")).unwrap();
        let at = info.find("\"pid\":").expect("server.json has the pid") + 6;
        info[at..].trim_start().chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap()
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = self.kctl(&["local", "down"]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let kctl = kctl_binary();
    println!("kctl: {}", kctl.display());
    println!("{:<46} {:>12} {:>12}   target", "kctl local", "measured", "reference");
    if wanted("up") {
        bench_up(&kctl);
    }
    if wanted("deployment") {
        bench_deployment(&kctl);
    }
    if wanted("list") || wanted("rss") {
        bench_list_and_rss(&kctl, wanted("list"));
    }
}

fn report(name: &str, measured: String, reference: String, target: &str, met: bool) {
    println!("{name:<46} {measured:>12} {reference:>12}   {target} {}", if met { "(met)" } else { "(MISSED)" });
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn timed(f: impl FnOnce() -> Output) -> Duration {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    took
}

/// `up` returns once the server answers; fresh state includes making the CA
/// and certificates.
fn bench_up(kctl: &Path) {
    let (mut fresh, mut again) = (Vec::new(), Vec::new());
    for i in 0..5 {
        let l = Local::new(kctl, &format!("up{i}"));
        fresh.push(timed(|| l.kctl(&["local", "up"])).as_secs_f64() * 1e3);
        l.ok(&["local", "down"]);
        again.push(timed(|| l.kctl(&["local", "up"])).as_secs_f64() * 1e3);
    }
    for (name, v) in [("up to ready, fresh state (median of 5)", fresh), ("up to ready, existing state (median of 5)", again)] {
        let ms = median(v);
        report(name, format!("{ms:.0} ms"), "-".into(), "< 1000 ms", ms < 1000.0);
    }
}

/// Apply a 1,000-replica Deployment and wait until the pods run: the
/// Deployment reports 1,000 ready replicas, then a list confirms 1,000 Running pods.
fn bench_deployment(kctl: &Path) {
    let l = Local::new(kctl, "deploy");
    l.ok(&["local", "up"]);
    let manifest = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"big"},"spec":{"replicas":1000,"selector":{"matchLabels":{"app":"big"}},"template":{"metadata":{"labels":{"app":"big"}},"spec":{"containers":[{"name":"main","image":"registry.example/big:1.0"}]}}}}"#;
    let start = Instant::now();
    let out = l.kctl_stdin(&["apply", "-f", "-"], manifest.to_string());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let limit = Duration::from_secs(120);
    loop {
        let ready = l.ok(&["get", "deploy", "big", "-o", "jsonpath={.status.readyReplicas}"]);
        if ready.trim() == "1000" || start.elapsed() > limit {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = start.elapsed();
    let running = l.ok(&["get", "pods", "-l", "app=big", "--field-selector=status.phase=Running", "-o", "name"]).lines().count();
    let s = took.as_secs_f64();
    report(&format!("1000-replica Deployment to {running} Running pods"), format!("{s:.2} s"), "-".into(), "<= 10 s", running == 1000 && s <= 10.0);
}

fn kubectl(kubeconfig: &Path, args: &[&str], stdin: Option<String>) -> Output {
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

const NODE: &str = r#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"kctl-bench-nowhere","labels":{"kctl.test/bench":"true"}},"spec":{"taints":[{"key":"kctl.test/bench","effect":"NoSchedule"}]}}"#;

/// compare.rs's pods: bound to a node nobody runs, so they stay still.
fn pod(i: usize) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"pod-{i:05}","labels":{{"app":"bench","shard":"s{}"}}}},"spec":{{"nodeName":"kctl-bench-nowhere","containers":[{{"name":"main","image":"registry.example/bench:1.0","args":["--serve","--port=8080"],"resources":{{"requests":{{"cpu":"10m","memory":"16Mi"}}}}}}]}}}}"#,
        i % 10
    )
}

fn configmap(i: usize) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{i:05}","labels":{{"app":"bench","shard":"s{}"}}}},"data":{{"key":"value-{i}","blob":"{}","multi":"line one\nline two\n"}}}}"#,
        i % 10,
        "x".repeat(200)
    )
}

fn list_of(items: impl Iterator<Item = String>) -> String {
    format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, items.collect::<Vec<_>>().join(","))
}

/// The real cluster's 3,000 pods, seeded once (as compare.rs does).
fn seed_real(kubeconfig: &Path) {
    let have = kubectl(kubeconfig, &["get", "pods", "-n", PODS_NS, "-o", "name", "--chunk-size=1000"], None);
    if String::from_utf8_lossy(&have.stdout).lines().count() >= PODS {
        return;
    }
    kubectl(kubeconfig, &["apply", "-f", "-"], Some(NODE.into()));
    kubectl(kubeconfig, &["create", "namespace", PODS_NS], None);
    let out = kubectl(kubeconfig, &["apply", "--server-side", "-n", PODS_NS, "-f", "-"], Some(list_of((0..PODS).map(pod))));
    assert!(out.status.success(), "seeding the real cluster: {}", String::from_utf8_lossy(&out.stderr));
}

fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Seed 3,000 pods and 2,000 ConfigMaps into a fresh `kctl local`, read its RSS,
/// and time `get pods` (table and `-o json`) there and on the real cluster.
fn bench_list_and_rss(kctl: &Path, list: bool) {
    let l = Local::new(kctl, "list");
    l.ok(&["local", "up"]);
    let (rss0, _) = rss_kib(l.pid());
    l.kctl_stdin(&["apply", "-f", "-"], NODE.into());
    l.ok(&["create", "namespace", PODS_NS]);
    let start = Instant::now();
    for (what, text) in [("pods", list_of((0..PODS).map(pod))), ("configmaps", list_of((0..CONFIGMAPS).map(configmap)))] {
        let out = l.kctl_stdin(&["create", "-n", PODS_NS, "-f", "-"], text);
        assert!(out.status.success(), "seeding {what}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let seeded = start.elapsed().as_secs_f64();
    let objects = l.ok(&["get", "pods,configmaps", "-A", "-o", "name"]).lines().count();
    // Let the controllers settle before reading the resident set.
    std::thread::sleep(Duration::from_secs(2));
    let (rss, hwm) = rss_kib(l.pid());
    println!("{:<46} {:>12} {:>12}", format!("(seeded {objects} pods and configmaps)"), format!("{seeded:.1} s"), "");
    println!("{:<46} {:>12} {:>12}", "server RSS, empty", format!("{:.1} MB", rss0 as f64 / 1024.0), "");
    report(&format!("server RSS with {} objects", objects), format!("{:.1} MB", rss as f64 / 1024.0), "-".into(), "<= 150 MB", rss <= 150 * 1024);
    println!("{:<46} {:>12} {:>12}", "server peak RSS (VmHWM) so far", format!("{:.1} MB", hwm as f64 / 1024.0), "");
    if !list {
        return;
    }
    let real = match std::env::var("KCTL_TEST_KUBECONFIG") {
        Ok(kc) => PathBuf::from(kc),
        Err(_) => {
            let up = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test-cluster/up.sh");
            let out = Command::new("bash").arg(up).stderr(Stdio::inherit()).output().expect("run up.sh");
            assert!(out.status.success(), "up.sh failed");
            PathBuf::from(String::from_utf8(out.stdout).unwrap().lines().last().unwrap().trim())
        }
    };
    seed_real(&real);
    let home = l.dir.join("real-home");
    std::fs::create_dir_all(&home).unwrap();
    let against_real = |args: &[&str]| {
        Command::new(kctl)
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("KUBECONFIG", &real)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap()
    };
    for (name, args) in [("get pods (3000), table", vec!["get", "pods", "-n", PODS_NS]), ("get pods (3000) -o json", vec!["get", "pods", "-n", PODS_NS, "-o", "json"])] {
        // Warm both (discovery caches), then interleave so noise hits both alike.
        let lines = |o: &Output| String::from_utf8_lossy(&o.stdout).lines().count();
        let (wl, wr) = (l.kctl(&args), against_real(&args));
        assert!(wl.status.success() && wr.status.success());
        if name.ends_with("table") {
            assert_eq!((lines(&wl), lines(&wr)), (PODS + 1, PODS + 1), "both list every pod");
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            a.push(timed(|| l.kctl(&args)).as_secs_f64() * 1e3);
            b.push(timed(|| against_real(&args)).as_secs_f64() * 1e3);
        }
        let (ta, tb) = (median(a), median(b));
        report(&format!("{name}: local vs kube-apiserver"), format!("{ta:.1} ms"), format!("{tb:.1} ms"), &format!("ratio {:.2} <= 1", ta / tb), ta <= tb);
    }
    let (rss, hwm) = rss_kib(l.pid());
    println!("{:<46} {:>12} {:>12}", "server RSS / peak after the lists", format!("{:.1} MB", rss as f64 / 1024.0), format!("{:.1} MB", hwm as f64 / 1024.0));
}

fn kctl_binary() -> PathBuf {
    if let Ok(p) = std::env::var("KCTL_BENCH_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("kctl");
    assert!(bin.exists(), "{} not found: run `cargo build --release` first", bin.display());
    bin
}

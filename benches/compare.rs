//! kctl vs kubectl, measured in the same run on the same machine and cluster.
//! Prints median wall time and peak RSS for each client, and the kctl/kubectl ratios.
//!
//!     cargo bench --bench compare                # every scenario
//!     cargo bench --bench compare -- startup     # scenarios whose name contains "startup"
//!     cargo bench --bench compare -- --seed      # also seed 2000 ConfigMaps for list scenarios
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
    runs: usize,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "startup: version --client", args: &["version", "--client"], needs_cluster: false, runs: 30 },
        Scenario { name: "discovery: api-resources", args: &["api-resources"], needs_cluster: true, runs: 15 },
        Scenario { name: "discovery: api-versions", args: &["api-versions"], needs_cluster: true, runs: 15 },
    ]
}

struct Sample {
    wall: Duration,
    max_rss_kib: i64,
}

fn main() {
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let seed = std::env::args().any(|a| a == "--seed");
    let kctl = kctl_binary();
    let reference = std::env::var("KCTL_BENCH_REFERENCE").unwrap_or_else(|_| REFERENCE.to_string());
    let home = std::env::temp_dir().join(format!("kctl-bench-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut kubeconfig: Option<PathBuf> = None;
    if seed {
        seed_configmaps(kubeconfig.get_or_insert_with(start_cluster));
    }

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
        }
        // One untimed run each warms caches (discovery, page cache) for both clients alike.
        run_once(&kctl, s.args, &env);
        run_once(Path::new(&reference), s.args, &env);
        let mut a = Vec::new();
        let mut b = Vec::new();
        for _ in 0..s.runs {
            // Interleaved so that machine noise hits both clients alike.
            a.push(run_once(&kctl, s.args, &env));
            b.push(run_once(Path::new(&reference), s.args, &env));
        }
        let (ta, tb) = (median(a.iter().map(|x| x.wall.as_secs_f64() * 1e3)), median(b.iter().map(|x| x.wall.as_secs_f64() * 1e3)));
        let (ma, mb) = (median(a.iter().map(|x| x.max_rss_kib as f64)), median(b.iter().map(|x| x.max_rss_kib as f64)));
        println!("{:<34} {:>11.2} {:>11.2} {:>6.3}x   {:>10.0} {:>11.0} {:>6.3}x", s.name, ta, tb, ta / tb, ma, mb, ma / mb);
    }
    let _ = std::fs::remove_dir_all(&home);
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

/// Seed a namespace with thousands of ConfigMaps in one bulk request stream
/// (a single `kubectl create -f` of a List), not one CLI call per object.
fn seed_configmaps(kubeconfig: &Path) {
    const NS: &str = "kctl-bench";
    const COUNT: usize = 2000;
    let kubectl = |args: &[&str], stdin: Option<String>| {
        let mut c = Command::new(REFERENCE);
        c.args(args).env("KUBECONFIG", kubeconfig).stdout(Stdio::null()).stderr(Stdio::piped()).stdin(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(data) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(data.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    };
    let out = Command::new(REFERENCE).args(["get", "configmaps", "-n", NS, "--no-headers", "-o", "name"]).env("KUBECONFIG", kubeconfig).output().unwrap();
    let have = String::from_utf8_lossy(&out.stdout).lines().count();
    if have >= COUNT {
        return;
    }
    kubectl(&["create", "namespace", NS], None);
    let mut items = Vec::with_capacity(COUNT);
    for i in 0..COUNT {
        items.push(format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"cm-{i:05}","labels":{{"app":"bench","shard":"s{}"}}}},"data":{{"key":"value-{i}","blob":"{}"}}}}"#,
            i % 10,
            "x".repeat(200)
        ));
    }
    let list = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, items.join(","));
    let start = Instant::now();
    let out = kubectl(&["apply", "--server-side", "-n", NS, "-f", "-"], Some(list));
    assert!(out.status.success(), "seeding failed: {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("seeded {COUNT} configmaps in {:.1}s", start.elapsed().as_secs_f64());
}

//! Test support: the real binary, the reference kubectl, the shared test cluster,
//! per-test namespaces, and differential comparison.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub fn kctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kctl"))
}

/// The reference client. `/usr/bin/kubectl` is v1.32 on every machine of the project.
pub fn kubectl_bin() -> PathBuf {
    std::env::var_os("KCTL_REF_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/kubectl"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// One invocation: arguments, environment, stdin and working directory.
/// The environment starts empty but for PATH and a private HOME, so the
/// developer's own kubeconfig and caches never leak into a test.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Option<Vec<u8>>,
    pub cwd: Option<PathBuf>,
    pub home: PathBuf,
}

impl Invocation {
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Invocation {
            args: args.into_iter().map(|s| s.as_ref().to_string()).collect(),
            env: Vec::new(),
            stdin: None,
            cwd: None,
            home: shared_home(),
        }
    }

    pub fn env(mut self, k: &str, v: impl AsRef<str>) -> Self {
        self.env.push((k.to_string(), v.as_ref().to_string()));
        self
    }

    pub fn kubeconfig(self, path: impl AsRef<Path>) -> Self {
        let p = path.as_ref().display().to_string();
        self.env("KUBECONFIG", p)
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn home(mut self, dir: impl AsRef<Path>) -> Self {
        self.home = dir.as_ref().to_path_buf();
        self
    }

    pub fn run_with(&self, program: &Path) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(&self.args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {}: {e}", program.display()));
        if let Some(data) = &self.stdin {
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(data).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        Output {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    pub fn kctl(&self) -> Output {
        self.run_with(&kctl_bin())
    }

    pub fn kubectl(&self) -> Output {
        self.run_with(&kubectl_bin())
    }

    /// Run both clients and require identical stdout, stderr and exit code after
    /// the given normalisations. Returns kctl's (normalised) output.
    pub fn assert_same(&self, norms: &[Norm]) -> Output {
        let mut a = normalize(self.kctl(), norms, true);
        let mut b = normalize(self.kubectl(), norms, false);
        // An age that changed length between the two runs (9s -> 10s) shifts a
        // column; run again rather than loosen the comparison.
        let mut tries = if norms.contains(&Norm::Age) { 4 } else { 0 };
        while a != b && tries > 0 {
            std::thread::sleep(std::time::Duration::from_millis(300));
            a = normalize(self.kctl(), norms, true);
            b = normalize(self.kubectl(), norms, false);
            tries -= 1;
        }
        if a != b {
            panic!(
                "kctl and kubectl differ for {:?}\n--- kctl (exit {}) stdout:\n{}\n--- kubectl (exit {}) stdout:\n{}\n--- kctl stderr:\n{}\n--- kubectl stderr:\n{}",
                self.args, a.code, a.stdout, b.code, b.stdout, a.stderr, b.stderr
            );
        }
        a
    }
}

/// Narrow normalisations: only values that differ between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Norm {
    /// Ages like `5s`, `3m2s`, `10d` in table cells.
    Age,
    /// RFC 3339 timestamps.
    Timestamp,
    /// UIDs.
    Uid,
    /// resourceVersion values.
    ResourceVersion,
    /// The time and pid in klog headers (`E1127 12:03:31.019348   20385 file.go:265] `).
    KlogHeader,
}

fn normalize(mut out: Output, norms: &[Norm], is_kctl: bool) -> Output {
    if is_kctl {
        // The program names itself in cobra-style hints; that is the one word
        // that legitimately differs.
        out.stderr = out
            .stderr
            .replace("See 'kctl ", "See 'kubectl ")
            .replace("for \"kctl\"", "for \"kubectl\"");
    }
    for n in norms {
        if *n == Norm::Age {
            out.stdout = normalize_ages(&out.stdout);
            continue;
        }
        let (re, rep) = match n {
            Norm::Timestamp => (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "<TIME>"),
            Norm::Uid => (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
            Norm::ResourceVersion => (r#"(resourceVersion"?:\s*"?)\d+"#, "${1}<RV>"),
            Norm::KlogHeader => (r"(?m)^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ ", "${1}<KLOG> "),
            Norm::Age => unreachable!(),
        };
        let re = regex::Regex::new(re).unwrap();
        out.stdout = re.replace_all(&out.stdout, rep).into_owned();
        out.stderr = re.replace_all(&out.stderr, rep).into_owned();
    }
    out
}

/// Whitespace-separated tokens that read as kubectl ages (`5s`, `3m20s`, `2d4h`)
/// become `<AGE>`; the padding around them is kept.
fn normalize_ages(text: &str) -> String {
    let age = regex::Regex::new(r"^\d+[ydhms](\d+[dhms])?$").unwrap();
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if age.is_match(token) {
            out.push_str("<AGE>");
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if c == ' ' || c == '\n' || c == '\t' {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// A HOME shared by the test processes of one run, so both clients keep their
/// discovery caches between invocations like a user's would.
fn shared_home() -> PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kctl-test-home-{}", std::process::id()));
        // A directory left by an earlier process with the same pid would lend
        // this test its discovery caches.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
    .clone()
}

/// The shared test cluster (scripts/test-cluster). `KCTL_TEST_KUBECONFIG` names a
/// cluster already started by the caller; otherwise `up.sh` starts or reuses one.
pub struct Cluster {
    pub kubeconfig: PathBuf,
    pub dir: PathBuf,
}

pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        if let Some(kc) = std::env::var_os("KCTL_TEST_KUBECONFIG") {
            let kubeconfig = PathBuf::from(kc);
            let dir = kubeconfig.parent().unwrap().to_path_buf();
            return Cluster { kubeconfig, dir };
        }
        let up = repo_root().join("scripts/test-cluster/up.sh");
        let out = Command::new("bash").arg(&up).stderr(Stdio::inherit()).output().expect("run up.sh");
        assert!(out.status.success(), "scripts/test-cluster/up.sh failed");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let kubeconfig = PathBuf::from(stdout.lines().last().expect("up.sh prints the kubeconfig path").trim());
        let dir = kubeconfig.parent().unwrap().to_path_buf();
        Cluster { kubeconfig, dir }
    })
}

impl Cluster {
    /// An invocation against this cluster.
    pub fn cmd<I, S>(&self, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Invocation::new(args).kubeconfig(&self.kubeconfig)
    }

    /// A fresh namespace for one test, deleted (without waiting) when dropped.
    pub fn namespace(&'static self, hint: &str) -> TestNamespace {
        let suffix: String = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
            .chars()
            .rev()
            .take(6)
            .collect();
        let name = format!("t-{}-{}", hint.to_lowercase().replace('_', "-"), suffix);
        let out = self.cmd(["create", "namespace", &name]).kubectl();
        assert_eq!(out.code, 0, "create namespace {name}: {}", out.stderr);
        TestNamespace { name, cluster: self }
    }

    /// Apply a manifest with the reference kubectl (test setup, not under test).
    pub fn kubectl_apply(&self, namespace: &str, manifest: &str) {
        let out = self.cmd(["apply", "-n", namespace, "-f", "-"]).stdin(manifest).kubectl();
        assert_eq!(out.code, 0, "kubectl apply failed: {}", out.stderr);
    }
}

pub struct TestNamespace {
    pub name: String,
    cluster: &'static Cluster,
}

impl Drop for TestNamespace {
    fn drop(&mut self) {
        let _ = self.cluster.cmd(["delete", "namespace", &self.name, "--wait=false"]).kubectl();
    }
}

/// A namespace seeded once per cluster with the given manifests and shared by
/// read-only tests. A file lock keeps concurrent test processes from seeding twice;
/// an annotation with a hash of the manifests marks it complete.
pub fn seeded_namespace(name: &str, cluster_manifests: &[&str], manifests: &[&str], waits: &[&[&str]]) -> String {
    use std::hash::{Hash, Hasher};
    let c = cluster();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (cluster_manifests, manifests).hash(&mut h);
    let stamp = format!("{:x}", h.finish());
    let lock_path = c.dir.join(format!("seed-{name}.lock"));
    let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).unwrap();
    fs4::fs_std::FileExt::lock_exclusive(&lock).unwrap();
    let current = c.cmd(["get", "namespace", name, "-o", "jsonpath={.metadata.annotations.kctl\\.test/seed}"]).kubectl();
    if current.code == 0 && current.stdout.trim() == stamp {
        return name.to_string();
    }
    if current.code == 0 {
        let out = c.cmd(["delete", "namespace", name, "--wait=true"]).kubectl();
        assert_eq!(out.code, 0, "delete stale {name}: {}", out.stderr);
    }
    for m in cluster_manifests {
        let out = c.cmd(["apply", "-f", "-"]).stdin(*m).kubectl();
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
        let out = c.cmd(["wait", "--for=condition=established", "--timeout=60s", "crd", "--all"]).kubectl();
        assert_eq!(out.code, 0, "wait crd: {}", out.stderr);
    }
    let out = c.cmd(["create", "namespace", name]).kubectl();
    assert_eq!(out.code, 0, "create {name}: {}", out.stderr);
    for m in manifests {
        let out = c.cmd(["apply", "-n", name, "-f", "-"]).stdin(*m).kubectl();
        assert_eq!(out.code, 0, "apply: {}", out.stderr);
    }
    for w in waits {
        let mut args: Vec<&str> = vec!["-n", name];
        args.extend_from_slice(w);
        let out = c.cmd(&args).kubectl();
        assert_eq!(out.code, 0, "{w:?}: {}", out.stderr);
    }
    let ann = format!("kctl.test/seed={stamp}");
    let out = c.cmd(["annotate", "namespace", name, &ann, "--overwrite"]).kubectl();
    assert_eq!(out.code, 0, "annotate: {}", out.stderr);
    name.to_string()
}

/// Run `args` with kctl in namespace `a` and with kubectl in namespace `b`
/// (twin namespaces holding the same objects). Each side's namespace name is
/// replaced by `<NS>`, the one intended difference.
pub fn twin(a: &str, b: &str, args: &[&str]) -> (Output, Output) {
    let c = cluster();
    let with = |ns: &str| {
        let mut full = vec!["-n", ns];
        full.extend_from_slice(args);
        c.cmd(&full)
    };
    let norm = |o: Output, ns: &str| Output { stdout: o.stdout.replace(ns, "<NS>"), stderr: o.stderr.replace(ns, "<NS>"), code: o.code };
    (norm(with(a).kctl(), a), norm(with(b).kubectl(), b))
}
pub mod local;
pub mod e2e;

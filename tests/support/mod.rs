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
        let a = normalize(self.kctl(), norms, true);
        let b = normalize(self.kubectl(), norms, false);
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
        let (re, rep) = match n {
            Norm::Age => (r"\b(\d+d)?(\d+h)?(\d+m)?(\d+s)?\b(?:\s|$)", ""),
            Norm::Timestamp => (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "<TIME>"),
            Norm::Uid => (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
            Norm::ResourceVersion => (r#"(resourceVersion"?:\s*"?)\d+"#, "${1}<RV>"),
            Norm::KlogHeader => (r"(?m)^([IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6}\s+\d+ ", "${1}<KLOG> "),
        };
        if *n == Norm::Age {
            let re = regex::Regex::new(r"(?m)(^|\s)(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\s|$)").unwrap();
            let f = |s: &str| {
                re.replace_all(s, |c: &regex::Captures| {
                    let any = (2..=5).any(|i| c.get(i).is_some());
                    if any {
                        format!("{}<AGE>{}", &c[1], &c[6])
                    } else {
                        c[0].to_string()
                    }
                })
                .into_owned()
            };
            out.stdout = f(&out.stdout);
            continue;
        }
        let _ = rep;
        let re = regex::Regex::new(re).unwrap();
        out.stdout = re.replace_all(&out.stdout, rep).into_owned();
        out.stderr = re.replace_all(&out.stderr, rep).into_owned();
    }
    out
}

/// A HOME shared by the test processes of one run, so both clients keep their
/// discovery caches between invocations like a user's would.
fn shared_home() -> PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kctl-test-home-{}", std::process::id()));
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

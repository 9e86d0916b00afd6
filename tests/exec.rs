//! `kctl exec` / `attach` through the real apiserver's upgrade proxy to the
//! node simulator, compared with kubectl v1.32 (which speaks the same
//! `v5.channel.k8s.io` WebSocket protocol to the simulator).

mod support;

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};

use support::{cluster, kctl_bin, kubectl_bin, Output};

const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: two, labels: {app: two}}\nspec:\n  containers:\n  - {name: main, image: busybox}\n  - {name: side, image: busybox}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: tty, annotations: {kubectl.kubernetes.io/default-container: t}}\nspec:\n  containers:\n  - {name: x, image: busybox}\n  - {name: t, image: busybox, stdin: true, tty: true}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: two}\nspec:\n  selector: {app: two}\n  ports: [{port: 80}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: zero}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: zero}}\n  template:\n    metadata: {labels: {app: zero}}\n    spec: {containers: [{name: c, image: busybox}]}\n";

fn wait_running(ns: &str, pods: &[&str]) {
    let c = cluster();
    for _ in 0..100 {
        let out = c.cmd(["get", "pods", "-n", ns, "-o", "jsonpath={.items[*].status.phase}"]).kubectl();
        let phases: Vec<&str> = out.stdout.split_whitespace().collect();
        if phases.len() == pods.len() && phases.iter().all(|p| *p == "Running") {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("pods {pods:?} in {ns} never ran");
}

fn setup(hint: &str) -> support::TestNamespace {
    let c = cluster();
    let ns = c.namespace(hint);
    c.kubectl_apply(&ns.name, PODS);
    wait_running(&ns.name, &["two", "tty"]);
    ns
}

#[test]
fn exec_matches_kubectl() {
    let c = cluster();
    let ns = setup("exec");
    let n = ns.name.as_str();
    let cases: &[(&[&str], Option<&str>)] = &[
        // stdin in, stdout out (stdin closes: v5's close signal reaches cat)
        (&["exec", "-i", "two", "-c", "main", "--", "cat"], Some("hello\nworld\n")),
        (&["exec", "-i", "two", "-c", "main", "--", "sh", "-c", "wc -c; echo done"], Some("0123456789")),
        // stderr kept apart from stdout, exit code propagated, defaulted container announced
        (&["exec", "two", "--", "sh", "-c", "echo out; echo err >&2; exit 3"], None),
        (&["exec", "-q", "two", "--", "sh", "-c", "echo quiet; exit 0"], None),
        (&["exec", "two", "-c", "side", "--", "sh", "-c", "exit 42"], None),
        (&["exec", "pod/two", "-c", "main", "--", "echo", "typed"], None),
        (&["exec", "svc/two", "-c", "main", "--", "echo", "via service"], None),
        (&["exec", "tty", "--", "echo", "annotated default"], None),
        // bearer-token credentials go through the upgrade too
        (&["--context", "token", "exec", "two", "-c", "main", "--", "echo", "token"], None),
        (&["--context", "restricted", "exec", "two", "-c", "main", "--", "echo", "token"], None),
        // -t without -i is not a TTY; -it with a non-terminal stdin warns
        (&["exec", "-t", "two", "-c", "main", "--", "sh", "-c", "test -t 0 || echo notty"], None),
        (&["exec", "-it", "two", "-c", "main", "--", "sh", "-c", "test -t 0 || echo notty"], Some("")),
        // errors
        (&["exec", "two"], None),
        (&["exec"], None),
        (&["exec", "nope", "--", "ls"], None),
        (&["exec", "two", "-c", "nope", "--", "ls"], None),
        (&["exec", "deploy/nope", "--", "ls"], None),
        (&["exec", "deploy/zero", "--pod-running-timeout=1s", "--", "ls"], None),
    ];
    for (args, stdin) in cases {
        let mut full: Vec<&str> = vec!["-n", n];
        full.extend_from_slice(args);
        let mut inv = c.cmd(&full);
        if let Some(s) = stdin {
            inv = inv.stdin(*s);
        }
        let (k, r) = (inv.kctl(), inv.kubectl());
        assert_eq!(k, r, "{args:?}");
    }
    // The old form without `--` is refused (kubectl names itself in the hint).
    let old = c.cmd(["-n", n, "exec", "two", "ls"]).kctl();
    assert_eq!(old.code, 1);
    assert!(old.stderr.starts_with("error: exec [POD] [COMMAND] is not supported anymore."), "{}", old.stderr);
}

#[test]
fn exec_runs_in_the_pod_sandbox() {
    let c = cluster();
    let ns = setup("exec-sandbox");
    let n = ns.name.as_str();
    let w = c.cmd(["-n", n, "exec", "two", "-c", "main", "--", "sh", "-c", "echo kept > note.txt"]).kctl();
    assert_eq!(w.code, 0, "{}", w.stderr);
    let r = c.cmd(["-n", n, "exec", "two", "-c", "side", "--", "cat", "note.txt"]).kctl();
    assert_eq!((r.code, r.stdout.as_str()), (0, "kept\n"), "{}", r.stderr);
}

#[test]
fn attach_matches_kubectl() {
    let c = cluster();
    let ns = setup("attach");
    let n = ns.name.as_str();
    // The simulator's attached process echoes stdin.
    for args in [&["attach", "-i", "two", "-c", "main"][..], &["attach", "-q", "-i", "two"][..]] {
        let mut full = vec!["-n", n];
        full.extend_from_slice(args);
        let inv = c.cmd(&full).stdin("line one\nline two\n");
        let k = inv.kctl();
        assert_eq!(k, inv.kubectl(), "{args:?}");
        assert_eq!(k.stdout, "line one\nline two\n");
    }
}

struct PtyRun {
    output: String,
    code: i32,
    /// Local terminal flags (c_lflag) before and after the client ran.
    lflag_before: libc::tcflag_t,
    lflag_after: libc::tcflag_t,
}

/// Run `program args` with a pseudo-terminal of 100x30 as its controlling
/// terminal and stdin/stdout/stderr.
/// `resize`: after this delay, the terminal becomes (rows, cols); the kernel
/// sends the client SIGWINCH.
fn run_in_pty(program: &std::path::Path, args: &[&str], kubeconfig: &std::path::Path, resize: Option<(u64, u16, u16)>) -> PtyRun {
    run_in_pty_typing(program, args, kubeconfig, resize, &[])
}

/// Like [`run_in_pty`], also typing each `(delay ms, bytes)` into the terminal.
fn run_in_pty_typing(
    program: &std::path::Path,
    args: &[&str],
    kubeconfig: &std::path::Path,
    resize: Option<(u64, u16, u16)>,
    typed: &[(u64, &[u8])],
) -> PtyRun {
    let (mut m, mut s) = (0, 0);
    let ws = libc::winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty fills two descriptors; the winsize pointer is valid.
    assert_eq!(unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) }, 0);
    // SAFETY: fresh descriptors from openpty, owned here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
    let lflag = |fd: i32| {
        // SAFETY: tcgetattr on a valid terminal descriptor.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        unsafe { libc::tcgetattr(fd, &mut t) };
        t.c_lflag
    };
    let lflag_before = lflag(slave.as_raw_fd());
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KUBECONFIG", kubeconfig)
        .env("HOME", std::env::temp_dir())
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave.try_clone().unwrap()));
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn under a pty");
    drop(cmd);
    if !typed.is_empty() {
        let mut w = std::fs::File::from(master.try_clone().unwrap());
        let typed: Vec<(u64, Vec<u8>)> = typed.iter().map(|(d, b)| (*d, b.to_vec())).collect();
        std::thread::spawn(move || {
            use std::io::Write;
            for (ms, bytes) in typed {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                let _ = w.write_all(&bytes);
            }
        });
    }
    if let Some((ms, rows, cols)) = resize {
        let m = master.try_clone().unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            let ws = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
            // SAFETY: TIOCSWINSZ reads a winsize from a valid pointer.
            unsafe { libc::ioctl(m.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        });
    }
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let collector = std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // EIO once every slave descriptor is closed.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    let status = child.wait().unwrap();
    let lflag_after = lflag(slave.as_raw_fd());
    drop(slave);
    let output = String::from_utf8_lossy(&collector.join().unwrap()).into_owned();
    PtyRun { output, code: status.code().unwrap_or(-1), lflag_before, lflag_after }
}

#[test]
fn exec_tty_under_a_pty() {
    let c = cluster();
    let ns = setup("exec-tty");
    let n = ns.name.as_str();
    let script = "test -t 0 && test -t 1 && echo is-a-tty; stty size; exit 5";
    let args = ["-n", n, "exec", "-it", "two", "-c", "main", "--", "sh", "-c", script];
    let k = run_in_pty(&kctl_bin(), &args, &c.kubeconfig, None);
    let r = run_in_pty(&kubectl_bin(), &args, &c.kubeconfig, None);
    for (who, run) in [("kctl", &k), ("kubectl", &r)] {
        assert!(run.output.contains("is-a-tty\r\n"), "{who}: {:?}", run.output);
        // The remote terminal got the local window size.
        assert!(run.output.contains("30 100\r\n"), "{who}: {:?}", run.output);
        assert_eq!(run.code, 5, "{who}: {:?}", run.output);
        assert!(run.output.contains("command terminated with exit code 5"), "{who}: {:?}", run.output);
        // Raw mode was undone on exit.
        assert_eq!(run.lflag_after, run.lflag_before, "{who}: terminal not restored");
    }
}

#[test]
fn exec_reports_completed_pods() {
    let c = cluster();
    let ns = c.namespace("exec-done");
    c.kubectl_apply(
        &ns.name,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: done, annotations: {sim.kctl.dev/terminate-after-seconds: \"0\"}}\nspec:\n  restartPolicy: Never\n  containers: [{name: c, image: busybox}]\n",
    );
    for _ in 0..100 {
        let out = c.cmd(["get", "pod", "done", "-n", &ns.name, "-o", "jsonpath={.status.phase}"]).kubectl();
        if out.stdout == "Succeeded" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let inv = c.cmd(["-n", &ns.name, "exec", "done", "--", "true"]);
    let k: Output = inv.kctl();
    assert_eq!(k, inv.kubectl());
    assert_eq!(k.code, 1);
}

#[test]
fn exec_tty_follows_window_resizes() {
    let c = cluster();
    let ns = setup("exec-winch");
    let n = ns.name.as_str();
    let script = "stty size; sleep 2; stty size";
    let args = ["-n", n, "exec", "-it", "two", "-c", "main", "--", "sh", "-c", script];
    for program in [kctl_bin(), kubectl_bin()] {
        let run = run_in_pty(&program, &args, &c.kubeconfig, Some((1000, 40, 120)));
        assert_eq!(run.code, 0, "{}: {:?}", program.display(), run.output);
        assert!(run.output.contains("30 100\r\n") && run.output.contains("40 120\r\n"), "{}: {:?}", program.display(), run.output);
    }
}

#[test]
fn falls_back_to_v4_and_explains_refused_upgrades() {
    let c = cluster();
    let ns = c.namespace("exec-v4");
    let n = ns.name.as_str();
    c.kubectl_apply(
        n,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: old, annotations: {sim.kctl.dev/streaming-protocols: v4.channel.k8s.io}}\nspec:\n  containers: [{name: c, image: busybox}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: spdy-only, annotations: {sim.kctl.dev/streaming-protocols: SPDY/3.1}}\nspec:\n  containers: [{name: c, image: busybox}]\n",
    );
    wait_running(n, &["old", "spdy-only"]);
    // v4 has no stdin close, so only commands that do not wait for EOF work.
    let out = c.cmd(["-n", n, "exec", "-i", "old", "--", "sh", "-c", "head -n1; echo err >&2; exit 4"]).stdin("first\nsecond\n").kctl();
    assert_eq!(out, Output { stdout: "first\n".into(), stderr: "err\ncommand terminated with exit code 4\n".into(), code: 4 });
    let out = c.cmd(["-n", n, "exec", "spdy-only", "--", "true"]).kctl();
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("error: unable to upgrade connection: ") && out.stderr.contains("kctl does not speak SPDY"),
        "{}",
        out.stderr
    );
}

#[test]
fn exec_into_the_object_a_manifest_names() {
    let c = cluster();
    let ns = setup("exec-f");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: two, namespace: {}}}\n", ns.name)).unwrap();
    for args in [&["exec", "-f", "pod.yaml", "-c", "side", "--", "echo", "from a manifest"][..], &["exec", "-f", "missing.yaml", "--", "true"][..]] {
        let inv = c.cmd(args).cwd(dir.path());
        assert_eq!(inv.kctl(), inv.kubectl(), "{args:?}");
    }
}

#[test]
fn attach_tty_under_a_pty() {
    let c = cluster();
    let ns = setup("attach-tty");
    let n = ns.name.as_str();
    // Container `t` allocates a TTY; the simulator's attached `cat` echoes
    // what is typed, and ^D at the start of a line ends it.
    let args = ["-n", n, "attach", "-it", "tty"];
    let typed: &[(u64, &[u8])] = &[(1500, b"typed line\r"), (300, b"\x04")];
    for program in [kctl_bin(), kubectl_bin()] {
        let run = run_in_pty_typing(&program, &args, &c.kubeconfig, None, typed);
        assert_eq!(run.code, 0, "{}: {:?}", program.display(), run.output);
        assert!(run.output.contains("If you don't see a command prompt, try pressing enter."), "{}: {:?}", program.display(), run.output);
        // Echoed once by the remote terminal, printed once more by cat.
        assert_eq!(run.output.matches("typed line").count(), 2, "{}: {:?}", program.display(), run.output);
        assert_eq!(run.lflag_after, run.lflag_before, "{}: terminal not restored", program.display());
    }
}

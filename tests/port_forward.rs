//! `kctl port-forward` through the real apiserver to the node simulator,
//! whose pods answer with a TCP echo server on their declared ports.
//!
//! kctl speaks WebSocket (`v4.channel.k8s.io`, one stream per connection);
//! kubectl v1.32 speaks SPDY/3.1 tunnelled in a WebSocket. The simulator
//! serves both, and the same traffic goes through either client.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::{cluster, kctl_bin};

const SEED: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: echo, labels: {app: echo}}\nspec:\n  containers:\n  - name: c\n    image: busybox\n    ports: [{name: web, containerPort: 8080}, {containerPort: 9090}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: echo}\nspec:\n  selector: {app: echo}\n  ports: [{name: http, port: 80, targetPort: web}]\n";

struct Forward {
    child: Child,
    /// `Forwarding from 127.0.0.1:PORT -> REMOTE` lines, as (local, remote).
    ports: Vec<(u16, u16)>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Forward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(ns: &str, args: &[&str], expect_lines: usize) -> Forward {
    start_with(&kctl_bin(), ns, args, expect_lines)
}

fn start_with(program: &std::path::Path, ns: &str, args: &[&str], expect_lines: usize) -> Forward {
    let c = cluster();
    let mut child = Command::new(program)
        .args(["-n", ns, "port-forward"])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("KUBECONFIG", &c.kubeconfig)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut ports = Vec::new();
    let re = regex::Regex::new(r"^Forwarding from (\S+):(\d+) -> (\d+)$").unwrap();
    for _ in 0..expect_lines {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let caps = re.captures(line.trim_end()).unwrap_or_else(|| panic!("unexpected line {line:?}"));
        if &caps[1] == "127.0.0.1" {
            ports.push((caps[2].parse().unwrap(), caps[3].parse().unwrap()));
        }
    }
    Forward { child, ports, stdout }
}

fn echo_roundtrip(port: u16, payload: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(payload)?;
    let mut got = vec![0u8; payload.len()];
    s.read_exact(&mut got)?;
    Ok(got)
}

fn wait_running(ns: &str) {
    for _ in 0..100 {
        let out = cluster().cmd(["get", "pod", "echo", "-n", ns, "-o", "jsonpath={.status.phase}"]).kubectl();
        if out.stdout == "Running" {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("pod never ran");
}

#[test]
fn forwards_tcp_with_concurrent_connections() {
    let c = cluster();
    let ns = c.namespace("pf");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    for program in [kctl_bin(), support::kubectl_bin()] {
        concurrent_echo(&program, &ns.name);
    }
}

fn concurrent_echo(program: &std::path::Path, ns: &str) {
    // Random local ports (":PORT"), a named port, and two listeners per port (127.0.0.1 and ::1).
    let mut fwd = start_with(program, ns, &["pod/echo", ":8080", ":web", ":9090"], 6);
    assert_eq!(fwd.ports.iter().map(|p| p.1).collect::<Vec<_>>(), vec![8080, 8080, 9090]);
    let port = fwd.ports[0].0;

    // Several connections at once, each with its own payload, bigger than one frame.
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let program = program.to_path_buf();
            std::thread::spawn(move || {
                let payload: Vec<u8> = format!("connection {i}|").repeat(8000).into_bytes();
                let got = echo_roundtrip(port, &payload).unwrap();
                assert!(got == payload, "{}: connection {i}: echo differs", program.display());
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(echo_roundtrip(fwd.ports[2].0, b"other port\n").unwrap(), b"other port\n");

    // One line per accepted connection.
    let mut handled = 0;
    while handled < 7 {
        let mut line = String::new();
        fwd.stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("Handling connection for "), "{line:?}");
        handled += 1;
    }
}

#[test]
fn keeps_running_after_a_failed_stream() {
    let c = cluster();
    let ns = c.namespace("pf-err");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    // 7777 is not a port the pod listens on.
    let mut fwd = start(&ns.name, &["echo", ":7777", ":8080"], 4);
    let (bad, good) = (fwd.ports[0].0, fwd.ports[1].0);
    let mut s = TcpStream::connect(("127.0.0.1", bad)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(b"hello?");
    let mut buf = Vec::new();
    // The pod refuses; the local connection is closed without data.
    let _ = s.read_to_end(&mut buf);
    assert!(buf.is_empty());
    assert_eq!(echo_roundtrip(good, b"still here").unwrap(), b"still here");
    assert_eq!(echo_roundtrip(good, b"and again").unwrap(), b"and again");
    let _ = fwd.child.kill();
    let mut err = String::new();
    fwd.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(
        err.contains("\"Unhandled Error\" err=\"an error occurred forwarding ") && err.contains(" -> 7777: error forwarding port 7777 to pod echo_"),
        "{err}"
    );
}

#[test]
fn service_targets_resolve_to_the_container_port() {
    let c = cluster();
    let ns = c.namespace("pf-svc");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    for program in [kctl_bin(), support::kubectl_bin()] {
        let fwd = start_with(&program, &ns.name, &["svc/echo", ":80"], 2);
        assert_eq!(fwd.ports[0].1, 8080, "service port 80 -> targetPort web -> 8080");
        assert_eq!(echo_roundtrip(fwd.ports[0].0, b"through the service").unwrap(), b"through the service");
    }
    // Port resolution fails before any stream is opened, so kubectl can be compared here.
    let out = c.cmd(["-n", &ns.name, "port-forward", "svc/echo", "81"]).assert_same(&[]);
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: Service echo does not have a service port 81\n"));
    c.cmd(["-n", &ns.name, "port-forward", "pod/echo", "5000:nope"]).assert_same(&[]);
    c.cmd(["-n", &ns.name, "port-forward", "pod/missing", "5000"]).assert_same(&[]);
}

#[test]
fn listens_only_on_the_given_addresses() {
    let c = cluster();
    let ns = c.namespace("pf-addr");
    c.kubectl_apply(&ns.name, SEED);
    wait_running(&ns.name);
    for program in [kctl_bin(), support::kubectl_bin()] {
        let mut fwd = start_with(&program, &ns.name, &["--address", "127.0.0.1", "pod/echo", ":8080"], 1);
        assert_eq!(fwd.ports.len(), 1);
        assert!(std::net::TcpStream::connect(("::1", fwd.ports[0].0)).is_err(), "{}: listening on ::1", program.display());
        assert_eq!(echo_roundtrip(fwd.ports[0].0, b"v4 only").unwrap(), b"v4 only");
        let mut line = String::new();
        fwd.stdout.read_line(&mut line).unwrap();
        assert_eq!(line, format!("Handling connection for {}\n", fwd.ports[0].0));
    }
}

//! `get -w`: differential output against kubectl, and resumption after dropped
//! connections without lost or repeated events.

mod support;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use support::cluster;

fn spawn(bin: &std::path::Path, args: &[&str]) -> Child {
    Command::new(bin)
        .args(args)
        .env("KUBECONFIG", &cluster().kubeconfig)
        .env("HOME", std::env::temp_dir().join("kctl-watch-home"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(mut child: Child) -> support::Output {
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let mut stdout = String::new();
    let mut stderr = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let _ = child.wait();
    support::Output { stdout, stderr, code: 0 }
}

fn kubectl(args: &[&str]) {
    let out = cluster().cmd(args).kubectl();
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
}

fn norm(o: support::Output) -> support::Output {
    let re_meta = regex::Regex::new(r#"("?(resourceVersion|uid|creationTimestamp|time)"?: ?)"?[^",\n}]*"?"#).unwrap();
    let stdout = re_meta.replace_all(&o.stdout, "$1<X>").into_owned();
    let ages = regex::Regex::new(r"\b\d+[smhd]\b").unwrap();
    support::Output { stdout: ages.replace_all(&stdout, "<AGE>").into_owned(), ..o }
}

#[test]
fn watch_matches_kubectl_in_every_format() {
    let c = cluster();
    let ns = c.namespace("watch-diff");
    kubectl(&["-n", &ns.name, "create", "configmap", "first", "--from-literal=a=b"]);
    let formats: &[&[&str]] = &[&[], &["-o", "wide"], &["-o", "json"], &["-o", "yaml"], &["-o", "name"], &["--no-headers"]];
    for fmt in formats {
        for events in [false, true] {
            let mut args = vec!["-n", ns.name.as_str(), "get", "cm", "-w"];
            args.extend_from_slice(fmt);
            if events {
                args.push("--output-watch-events");
            }
            let a = spawn(&support::kctl_bin(), &args);
            let b = spawn(&support::kubectl_bin(), &args);
            std::thread::sleep(Duration::from_millis(1500));
            kubectl(&["-n", &ns.name, "create", "configmap", "w"]);
            std::thread::sleep(Duration::from_millis(300));
            kubectl(&["-n", &ns.name, "label", "configmap", "w", "x=y"]);
            std::thread::sleep(Duration::from_millis(300));
            kubectl(&["-n", &ns.name, "delete", "configmap", "w"]);
            std::thread::sleep(Duration::from_millis(800));
            let (a, b) = (norm(finish(a)), norm(finish(b)));
            assert_eq!(a.stdout, b.stdout, "{args:?}");
            assert!(a.stdout.matches('w').count() >= 3, "{args:?}: {}", a.stdout);
        }
    }
}

#[test]
fn watch_errors_match_kubectl() {
    let c = cluster();
    let ns = c.namespace("watch-err");
    c.cmd(["-n", &ns.name, "get", "pods,svc", "-w"]).assert_same(&[]);
    c.cmd(["-n", &ns.name, "get", "cm", "nope", "-w"]).assert_same(&[]);
}

/// A TCP proxy to the apiserver that cuts every connection after `life`.
fn dropping_proxy(upstream: String, life: Duration) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let Ok(server) = TcpStream::connect(&upstream) else { continue };
            let pipe = |mut from: TcpStream, mut to: TcpStream| {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            };
            pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
            pipe(server.try_clone().unwrap(), client.try_clone().unwrap());
            std::thread::spawn(move || {
                std::thread::sleep(life);
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
            });
        }
    });
    (port, count)
}

#[test]
fn watch_resumes_after_dropped_connections() {
    let c = cluster();
    let ns = c.namespace("watch-resume");
    let server = std::fs::read_to_string(&c.kubeconfig).unwrap();
    let url = server.lines().find_map(|l| l.trim().strip_prefix("server: ")).unwrap().to_string();
    let upstream = url.trim_start_matches("https://").to_string();
    let (port, connections) = dropping_proxy(upstream, Duration::from_millis(900));
    let proxied = format!("https://127.0.0.1:{port}");
    let child = spawn(&support::kctl_bin(), &["-s", &proxied, "-n", &ns.name, "get", "cm", "-w", "-o", "name"]);
    std::thread::sleep(Duration::from_millis(1000));
    let names: Vec<String> = (1..=6).map(|i| format!("cm-{i}")).collect();
    for n in &names {
        kubectl(&["-n", &ns.name, "create", "configmap", n]);
        std::thread::sleep(Duration::from_millis(600));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let out = finish(child);
    for n in &names {
        let want = format!("configmap/{n}");
        let seen = out.stdout.lines().filter(|l| *l == want).count();
        assert_eq!(seen, 1, "{want} printed {seen} times:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    }
    assert_eq!(out.stdout.lines().filter(|l| *l == "configmap/kube-root-ca.crt").count(), 1, "{}", out.stdout);
    assert!(connections.load(Ordering::SeqCst) >= 3, "the proxy should have forced reconnections");
}

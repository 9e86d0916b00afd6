//! Differential tests for the foundation commands against the real test cluster:
//! version, api-resources, api-versions, cluster-info, auth methods, TLS and errors.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use support::{cluster, Invocation, Norm};

#[test]
fn api_resources_every_flag() {
    let c = cluster();
    let cases: &[&[&str]] = &[
        &["api-resources"],
        &["api-resources", "-o", "wide"],
        &["api-resources", "-o", "name"],
        &["api-resources", "--namespaced=false"],
        &["api-resources", "--namespaced=true", "--no-headers"],
        &["api-resources", "--api-group=apps"],
        &["api-resources", "--api-group="],
        &["api-resources", "--verbs=list,watch", "-o", "wide"],
        &["api-resources", "--verbs=create", "--namespaced=false"],
        &["api-resources", "--sort-by=kind"],
        &["api-resources", "--sort-by=name", "--no-headers"],
        &["api-resources", "--categories=all"],
        &["api-resources", "--cached"],
    ];
    for args in cases {
        c.cmd(*args).assert_same(&[]);
    }
}

#[test]
fn api_resources_bad_sort_is_an_error() {
    let out = cluster().cmd(["api-resources", "--sort-by=size"]).assert_same(&[]);
    assert_eq!(out.code, 1);
}

#[test]
fn api_versions_sorted() {
    let out = cluster().cmd(["api-versions"]).assert_same(&[]);
    assert!(out.stdout.lines().any(|l| l == "apps/v1"), "{}", out.stdout);
    assert!(out.stdout.lines().any(|l| l == "v1"));
}

#[test]
fn cluster_info_lists_the_control_plane() {
    let out = cluster().cmd(["cluster-info"]).assert_same(&[]);
    assert!(out.stdout.contains("https://127.0.0.1:"), "{}", out.stdout);
}

#[test]
fn version_reports_the_server() {
    let c = cluster();
    let kctl = c.cmd(["version"]).kctl();
    let kubectl = c.cmd(["version"]).kubectl();
    assert_eq!(kctl.code, 0, "{}", kctl.stderr);
    let server = |s: &str| s.lines().filter(|l| l.starts_with("Server Version:")).map(String::from).collect::<Vec<_>>();
    assert_eq!(server(&kctl.stdout), server(&kubectl.stdout));
    assert_eq!(server(&kctl.stdout), vec!["Server Version: v1.20.2".to_string()]);
    // The skew warning compares the same minor versions, so it is identical.
    assert_eq!(kctl.stderr, kubectl.stderr);
    assert!(kctl.stdout.starts_with("Client Version: v1.32.0+kctl."), "{}", kctl.stdout);

    let json = |o: &str| -> serde_json::Value { serde_json::from_str(o).unwrap() };
    let a = json(&c.cmd(["version", "-o", "json"]).kctl().stdout);
    let b = json(&c.cmd(["version", "-o", "json"]).kubectl().stdout);
    assert_eq!(a["serverVersion"], b["serverVersion"]);
    assert_eq!(a["clientVersion"]["major"], "1");
    let y = c.cmd(["version", "-o", "yaml"]).kctl();
    assert_eq!(y.code, 0);
    assert!(y.stdout.contains("serverVersion:\n  buildDate:"), "{}", y.stdout);
}

#[test]
fn version_client_only_needs_no_config() {
    let out = Invocation::new(["version", "--client"]).env("KUBECONFIG", "/nonexistent").kctl();
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("Client Version: v1.32.0+kctl."));
    let bad = Invocation::new(["version", "--client", "-o", "xml"]).kubectl();
    let ours = Invocation::new(["version", "--client", "-o", "xml"]).kctl();
    assert_eq!((ours.code, ours.stderr), (bad.code, bad.stderr));
}

#[test]
fn token_user_authenticates() {
    cluster().cmd(["--context", "token", "api-versions"]).assert_same(&[]);
}

#[test]
fn restricted_user_gets_forbidden() {
    let out = cluster().cmd(["--context", "restricted", "cluster-info"]).assert_same(&[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("Error from server (Forbidden): services is forbidden: User \"kctl-restricted\""), "{}", out.stderr);
}

#[test]
fn wrong_ca_is_a_tls_error() {
    let c = cluster();
    let kc = c.dir.join("kubeconfig-wrong-ca");
    for args in [&["api-versions"][..], &["api-resources"], &["cluster-info"]] {
        let out = Invocation::new(args).kubeconfig(&kc).assert_same(&[Norm::KlogHeader]);
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("x509: certificate signed by unknown authority"), "{}", out.stderr);
    }
}

#[test]
fn refused_connection_names_the_server() {
    let c = cluster();
    for args in [&["api-versions"][..], &["api-resources"], &["cluster-info"], &["version"]] {
        let mut full = vec!["-s", "https://127.0.0.1:1"];
        full.extend_from_slice(args);
        let inv = c.cmd(&full);
        if args == ["version"] {
            let (a, b) = (inv.kctl(), inv.kubectl());
            assert_eq!((a.code, &a.stderr), (b.code, &b.stderr));
        } else {
            inv.assert_same(&[Norm::KlogHeader]);
        }
    }
}

#[test]
fn unknown_command_and_flags() {
    let c = cluster();
    c.cmd(["xyzzy"]).assert_same(&[]);
    c.cmd(["version", "--badflag"]).assert_same(&[]);
    c.cmd(["-x"]).assert_same(&[]);
}

#[test]
fn verbose_logs_requests_without_credentials() {
    let c = cluster();
    let out = c.cmd(["--context", "token", "-v=8", "api-versions"]).kctl();
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("GET https://127.0.0.1:"), "{}", out.stderr);
    assert!(out.stderr.contains("Authorization: Bearer <masked>"), "{}", out.stderr);
    assert!(out.stderr.contains("Response Status: 200 OK in "), "{}", out.stderr);
    let token = std::fs::read_to_string(c.dir.join("admin.token")).unwrap();
    assert!(!out.stderr.contains(token.trim()), "token leaked into the log");
    let six = c.cmd(["-v=6", "api-versions"]).kctl();
    assert!(six.stderr.lines().any(|l| l.contains("GET https://127.0.0.1:") && l.ends_with(" 200 OK in 0 milliseconds") || l.contains(" 200 OK in ")), "{}", six.stderr);
}

#[test]
fn broken_pipe_exits_quietly() {
    let c = cluster();
    // Whether the writer sees the closed pipe depends on timing (SIGPIPE, 141, or
    // a complete write, 0); either way nothing may reach stderr.
    let script = |bin: &Path| format!("set -o pipefail; {} api-resources -o wide | head -n 1; echo status=$?", bin.display());
    let run = |bin: &Path| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(script(bin))
            .env("KUBECONFIG", &c.kubeconfig)
            .env("HOME", std::env::temp_dir())
            .output()
            .unwrap()
    };
    let a = run(&support::kctl_bin());
    let b = run(&support::kubectl_bin());
    let first = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string();
    assert_eq!(first(&a), first(&b));
    let status = String::from_utf8_lossy(&a.stdout).lines().last().unwrap_or("").to_string();
    assert!(status == "status=0" || status == "status=141", "{status}");
    assert_eq!(String::from_utf8_lossy(&a.stderr), "");
}

/// Writes an exec plugin script and returns its path.
fn plugin(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn exec_kubeconfig(dir: &Path, exec: &str) -> std::path::PathBuf {
    let c = cluster();
    let server = std::fs::read_to_string(&c.kubeconfig).unwrap();
    let server = server.lines().find(|l| l.trim_start().starts_with("server:")).unwrap().trim().trim_start_matches("server:").trim().to_string();
    let ca = c.dir.join("pki/ca.crt");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    certificate-authority: {}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\nusers:\n- name: u\n  user:\n    exec:\n{exec}\n",
        ca.display()
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn exec_plugin_token_and_exec_info() {
    let dir = tempfile::tempdir().unwrap();
    let c = cluster();
    let token = std::fs::read_to_string(c.dir.join("admin.token")).unwrap();
    let info = dir.path().join("info.json");
    let p = plugin(
        dir.path(),
        "plug",
        &format!(
            "echo \"$KUBERNETES_EXEC_INFO\" > {}\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{}\"}}}}'",
            info.display(),
            token.trim()
        ),
    );
    let kc = exec_kubeconfig(
        dir.path(),
        &format!("      apiVersion: client.authentication.k8s.io/v1\n      command: {p}\n      interactiveMode: Never\n      provideClusterInfo: true"),
    );
    let out = Invocation::new(["api-versions"]).kubeconfig(&kc).assert_same(&[]);
    assert_eq!(out.code, 0);
    // kctl ran last in assert_same? No: kctl runs first, so run it again to inspect its info.
    Invocation::new(["api-versions"]).kubeconfig(&kc).kctl();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&info).unwrap()).unwrap();
    assert_eq!(v["kind"], "ExecCredential");
    assert_eq!(v["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(v["spec"]["interactive"], false);
    assert!(v["spec"]["cluster"]["server"].as_str().unwrap().starts_with("https://127.0.0.1:"));
    assert!(v["spec"]["cluster"]["certificate-authority-data"].is_string());
}

#[test]
fn exec_plugin_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let c = cluster();
    let json_str = |p: &str| serde_json::to_string(&std::fs::read_to_string(c.dir.join(p)).unwrap()).unwrap();
    let body = format!(
        "cat <<'EOF'\n{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{{\"clientCertificateData\":{},\"clientKeyData\":{}}}}}\nEOF",
        json_str("pki/admin.crt"),
        json_str("pki/admin.key")
    );
    let p = plugin(dir.path(), "plug", &body);
    let kc = exec_kubeconfig(dir.path(), &format!("      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {p}"));
    let out = Invocation::new(["cluster-info"]).kubeconfig(&kc).assert_same(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn exec_plugin_rerun_after_401_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let c = cluster();
    let token = std::fs::read_to_string(c.dir.join("admin.token")).unwrap();
    let count = dir.path().join("count");
    // First run hands out a bad token; later runs the real one.
    let body = format!(
        "n=$(cat {count} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {count}\nif [ $n -eq 1 ]; then t=bogus; else t={}; fi\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"'$t'\",\"expirationTimestamp\":\"2099-01-01T00:00:00Z\"}}}}'",
        token.trim(),
        count = count.display()
    );
    let p = plugin(dir.path(), "plug", &body);
    let kc = exec_kubeconfig(dir.path(), &format!("      apiVersion: client.authentication.k8s.io/v1\n      command: {p}\n      interactiveMode: Never"));
    let out = Invocation::new(["cluster-info"]).kubeconfig(&kc).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&count).unwrap().trim(), "2", "plugin re-run once after the 401");

    // An expired credential is fetched again for every process.
    std::fs::write(&count, "5").unwrap();
    let body = format!(
        "n=$(cat {count}); echo $((n+1)) > {count}\necho '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{}\",\"expirationTimestamp\":\"2000-01-01T00:00:00Z\"}}}}'",
        token.trim(),
        count = count.display()
    );
    plugin(dir.path(), "plug", &body);
    let out = Invocation::new(["api-resources", "--cached=false"]).kubeconfig(&kc).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let runs: u32 = std::fs::read_to_string(&count).unwrap().trim().parse().unwrap();
    assert!(runs > 6, "an expired credential must be refreshed before each request (ran {} times)", runs - 5);
}

#[test]
fn exec_plugin_missing_shows_install_hint() {
    let dir = tempfile::tempdir().unwrap();
    let kc = exec_kubeconfig(
        dir.path(),
        "      apiVersion: client.authentication.k8s.io/v1\n      command: kctl-test-no-such-plugin\n      installHint: |\n        install it with: apt install something\n      interactiveMode: Never",
    );
    // A private HOME: with no discovery cache both tools try discovery (a
    // cache another test left for one of them would hide its errors).
    let out = Invocation::new(["cluster-info"]).kubeconfig(&kc).home(dir.path()).assert_same(&[Norm::KlogHeader]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("install it with: apt install something"), "{}", out.stderr);
}

#[test]
fn exec_plugin_interactive_always_without_tty() {
    let dir = tempfile::tempdir().unwrap();
    let p = plugin(dir.path(), "plug", "exit 1");
    let kc = exec_kubeconfig(dir.path(), &format!("      apiVersion: client.authentication.k8s.io/v1\n      command: {p}\n      interactiveMode: Always"));
    let out = Invocation::new(["cluster-info"]).kubeconfig(&kc).home(dir.path()).assert_same(&[Norm::KlogHeader]);
    assert_eq!(out.code, 1);
}

#[test]
fn impersonation_and_tls_overrides_match_kubectl() {
    let c = cluster();
    let wrong = c.dir.join("kubeconfig-wrong-ca").display().to_string();
    let wrong_ca = c.dir.join("pki/wrong-ca.crt").display().to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["--as=kctl-restricted", "get", "pods", "-n", "default"],
        vec!["--as=kctl-restricted", "--as-group=system:masters", "get", "ns", "default", "-o", "name"],
        vec!["--tls-server-name=localhost", "get", "ns", "default", "-o", "name"],
        vec!["--tls-server-name=bogus.example", "get", "ns", "default", "-o", "name"],
        vec!["--kubeconfig", &wrong, "--insecure-skip-tls-verify", "get", "ns", "default", "-o", "name"],
        vec!["--certificate-authority", &wrong_ca, "get", "ns", "default", "-o", "name"],
        vec!["--token=bogus", "--context", "token", "get", "ns", "default", "-o", "name"],
    ];
    for args in cases {
        c.cmd(&args).assert_same(&[Norm::KlogHeader]);
    }
}

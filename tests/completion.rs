//! `kctl __complete` against `kubectl __complete` (cobra's protocol), the
//! `completion` command, and the generated shell scripts driven by real shells.

mod support;

use support::{cluster, kctl_bin, Invocation, Output};

const SEED: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alpha}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: beta}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-0}\nspec:\n  initContainers: [{name: init, image: busybox}]\n  containers: [{name: app, image: nginx}, {name: sidecar, image: busybox}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n";

/// Candidates are compared as sets where kubectl walks a Go map (contexts, users);
/// everything else keeps kubectl's order.
/// Flag descriptions are clap's doc comments, which lose kubectl's final period.
fn lines(o: &Output, sorted: bool) -> Vec<String> {
    let mut v: Vec<String> = o.stdout.lines().map(|l| l.strip_suffix('.').unwrap_or(l).to_string()).collect();
    if sorted {
        v.sort();
    }
    v
}

fn same(inv: Invocation, sorted: bool) {
    let (a, b) = (inv.kctl(), inv.kubectl());
    assert_eq!((a.code, lines(&a, sorted), &a.stderr), (b.code, lines(&b, sorted), &b.stderr), "{:?}", inv.args);
}

#[test]
fn values_match_kubectl() {
    let c = cluster();
    let ns = c.namespace("complete");
    c.kubectl_apply(&ns.name, SEED);
    let n = ns.name.as_str();
    let cases: &[&[&str]] = &[
        &["__complete", "get", "-n", n, "cm", ""],
        &["__complete", "get", "-n", n, "cm", "a"],
        &["__complete", "get", "-n", n, "cm", "alpha", ""],
        &["__complete", "get", "-n", n, "configmaps,pods", ""],
        &["__complete", "-n", n, "get", "cm/"],
        &["__complete", "get", "--namespace", n, "configmap/b"],
        &["__complete", "describe", "-n", n, "pods", ""],
        &["__complete", "delete", "-n", n, "deploy", ""],
        &["__complete", "label", "-n", n, "cm", "b"],
        &["__complete", "scale", "-n", n, "deployment", ""],
        &["__complete", "scale", ""],
        &["__complete", "rollout", "status", "-n", n, "deployment/"],
        &["__complete", "rollout", "pause", ""],
        &["__complete", "rollout", ""],
        &["__complete", "logs", "-n", n, ""],
        &["__complete", "logs", "-n", n, "w"],
        &["__complete", "logs", "-n", n, "web-0", ""],
        &["__complete", "exec", "-n", n, "web-0", "-c", ""],
        &["__complete", "logs", "-n", n, "deployments/"],
        &["__complete", "exec", "-n", n, "web-0", "-c", "s"],
        // Prefixes only this test's namespace has: other tests create namespaces meanwhile.
        &["__complete", "get", "--namespace", &n[..n.len() - 1]],
        &["__complete", "get", &format!("--namespace={}", &n[..n.len() - 2])],
        &["__complete", "get", "-o", ""],
        &["__complete", "get", "-oj"],
        &["__complete", "get", "-o=j"],
        &["__complete", "get", "-n=kube"],
        &["__complete", "apply", "-f", ""],
        &["__complete", "delete", "--filename", "x"],
        &["__complete", "create", "configmap", "x", ""],
        &["__complete", "config", "use-"],
        &["__complete", "get", "--no-h"],
        &["__completeNoDesc", "get", "-n", n, "cm", ""],
    ];
    for args in cases {
        same(c.cmd(*args), false);
    }
    // Beyond kubectl 1.32, which offers nothing after `logs POD -c`.
    let out = c.cmd(["__complete", "logs", "-n", n, "web-0", "-c", ""]).kctl();
    assert_eq!(out.stdout, "init\napp\nsidecar\n:4\n");
    for args in [
        &["__complete", "config", "use-context", ""][..],
        &["__complete", "--context", ""],
        &["__complete", "get", "--cluster", ""],
        &["__complete", "config", "delete-user", ""],
        &["__complete", "config", "use-context", "admin", ""],
        // kubectl keeps its shells in a map too.
        &["__complete", "completion", ""],
    ] {
        same(c.cmd(args), true);
    }
}

#[test]
fn an_unreachable_server_gives_no_candidates_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    // 192.0.2.0/24 is reserved for documentation: nothing answers there.
    std::fs::write(&kc, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://192.0.2.1:6443'}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n").unwrap();
    let start = std::time::Instant::now();
    let out = Invocation::new(["__complete", "get", "pods", ""]).kubeconfig(&kc).kctl();
    assert_eq!((out.code, out.stdout.as_str()), (0, ":4\n"));
    assert!(start.elapsed() < std::time::Duration::from_secs(8), "took {:?}", start.elapsed());
}

#[test]
fn completion_command_matches_kubectl_errors_and_prints_the_checked_in_scripts() {
    for args in [&["completion"][..], &["completion", "tcsh"], &["completion", "bash", "zsh"]] {
        let inv = Invocation::new(args);
        let (a, b) = (inv.kctl(), inv.kubectl());
        assert_eq!((a.code, a.stderr.replace("kctl", "kubectl")), (b.code, b.stderr), "{args:?}");
    }
    for (shell, file) in [("bash", "kctl.bash"), ("zsh", "_kctl"), ("fish", "kctl.fish"), ("powershell", "kctl.ps1")] {
        let out = Invocation::new(["completion", shell]).kctl();
        assert_eq!(out.code, 0);
        let checked_in = std::fs::read_to_string(support::repo_root().join("completions").join(file)).unwrap();
        assert_eq!(out.stdout, checked_in, "{shell}");
    }
}

/// Run a shell script with kctl first on PATH and the test cluster's kubeconfig.
fn shell(program: &str, script: &str) -> String {
    let bin_dir = kctl_bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(program)
        .args(["-c", script])
        .env("PATH", path)
        .env("HOME", home.path())
        .env("KUBECONFIG", &cluster().kubeconfig)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn have(program: &str) -> bool {
    std::process::Command::new(program).arg("-c").arg("true").output().is_ok_and(|o| o.status.success())
}

#[test]
fn bash_script_completes_names_flags_values_and_aliases() {
    let c = cluster();
    let ns = c.namespace("complete-bash");
    c.kubectl_apply(&ns.name, SEED);
    let script = include_str!("../completions/kctl.bash");
    let run = |words: &str| {
        shell(
            "bash",
            &format!(
                "{script}\nalias k=kctl; complete -o default -F __start_kctl k\nCOMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); __start_kctl; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        )
    };
    let n = &ns.name;
    assert_eq!(run(&format!("kctl get -n {n} cm ''")), "alpha\nbeta\nkube-root-ca.crt\n");
    assert_eq!(run(&format!("k get -n {n} cm b")), "beta\n");
    assert_eq!(run("kctl get --no-h"), "--no-headers\n");
    assert_eq!(run("kctl get -o js"), "json\njsonpath\njsonpath-as-json\njsonpath-file\n");
    // `--flag=value` arrives split at `=`.
    assert_eq!(run(&format!("kctl get --namespace = {}", &n[..n.len() - 1])), format!("{n}\n"));
    assert_eq!(run("kctl completion f"), "fish\n");
}

#[test]
fn fish_script_completes() {
    if !have("fish") {
        eprintln!("fish is not installed; .ci/run installs it");
        return;
    }
    let c = cluster();
    let ns = c.namespace("complete-fish");
    c.kubectl_apply(&ns.name, SEED);
    let script = include_str!("../completions/kctl.fish");
    let n = &ns.name;
    let out = shell("fish", &format!("{script}\ncomplete -C 'kctl get -n {n} cm '"));
    assert_eq!(out, "alpha\nbeta\nkube-root-ca.crt\n");
    let out = shell("fish", &format!("{script}\ncomplete -C 'kctl get --namespace={}'", &n[..n.len() - 1]));
    assert_eq!(out, format!("--namespace={n}\n"));
    let out = shell("fish", &format!("{script}\ncomplete -C 'kctl rollout st'"));
    assert_eq!(out, "status\tShow the status of the rollout\n");
}

#[test]
fn zsh_script_completes() {
    if !have("zsh") {
        eprintln!("zsh is not installed; .ci/run installs it");
        return;
    }
    let c = cluster();
    let ns = c.namespace("complete-zsh");
    c.kubectl_apply(&ns.name, SEED);
    let script = include_str!("../completions/_kctl");
    // compadd and _describe are replaced by recorders: what they are given is what
    // zsh would show.
    let harness = r#"
compadd() { local -a a; while (( $# )); do case $1 in --) shift; break;; -P|-S) shift 2;; *) shift;; esac; done; print -l -- "$@"; }
_describe() { [[ $1 == -t ]] && shift 2; local arr=$2; print -l -- "${(@P)arr}"; }
_files() { print -- "<files $*>"; }
compdef() { :; }
"#;
    let n = &ns.name;
    let run = |line: &str| shell("zsh", &format!("{harness}\n{script}\nwords=({line}); CURRENT=${{#words}}; _kctl"));
    assert_eq!(run(&format!("kctl get -n {n} cm ''")), "alpha\nbeta\nkube-root-ca.crt\n");
    assert_eq!(run("kctl rollout st"), "status:Show the status of the rollout\n");
    assert_eq!(run("kctl apply -f ''"), "<files -g *.(json|yaml|yml)>\n");
    assert_eq!(run("kctl create configmap x ''"), "<files >\n");
}

//! `kctl ctx` and `kctl ns` (kubectx/kubens): the kubeconfig files they write are
//! compared byte for byte with what `kubectl config use-context` and
//! `kubectl config set-context --current --namespace` write from the same start,
//! with `$KUBECONFIG` naming two files (the context lives in the second one).

mod support;

use std::path::{Path, PathBuf};

use support::{cluster, Invocation, Output};

/// Two kubeconfig files in `dir`: `one` (clusters, users, contexts, current-context)
/// and `two` (the context `other`, with a namespace).
fn kubeconfig_pair(dir: &Path) -> String {
    let base = std::fs::read_to_string(&cluster().kubeconfig).unwrap();
    std::fs::write(dir.join("one"), base).unwrap();
    std::fs::write(
        dir.join("two"),
        "apiVersion: v1\nkind: Config\ncontexts:\n- name: other\n  context:\n    cluster: kctl-test\n    user: admin\n    namespace: kube-system\n",
    )
    .unwrap();
    format!("{}:{}", dir.join("one").display(), dir.join("two").display())
}

struct Side {
    dir: tempfile::TempDir,
    kubeconfig: String,
}

impl Side {
    fn new() -> Side {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = kubeconfig_pair(dir.path());
        Side { dir, kubeconfig }
    }
    fn run(&self, args: &[&str], kctl: bool) -> Output {
        let inv = Invocation::new(args).env("KUBECONFIG", &self.kubeconfig).home(self.dir.path());
        if kctl { inv.kctl() } else { inv.kubectl() }
    }
    fn files(&self) -> (String, String) {
        let read = |n: &str| std::fs::read_to_string(self.dir.path().join(n)).unwrap();
        (read("one"), read("two"))
    }
    fn state(&self) -> PathBuf {
        self.dir.path().join(".kube/kctl/switch-state.json")
    }
}

fn ok(out: &Output, stdout: &str) {
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, stdout, ""));
}

#[test]
fn ctx_and_ns_write_what_kubectl_config_writes() {
    let (a, b) = (Side::new(), Side::new());
    // Switch context: the current-context goes to the first file.
    ok(&a.run(&["ctx", "other"], true), "Switched to context \"other\".\n");
    ok(&b.run(&["config", "use-context", "other"], false), "Switched to context \"other\".\n");
    assert_eq!(a.files(), b.files());
    ok(&a.run(&["ctx", "-c"], true), "other\n");
    ok(&a.run(&["ctx"], true), "admin\nother\nrestricted\ntoken\n");

    // Set the namespace: the context is rewritten in the second file, which defines it.
    ok(&a.run(&["ns", "kube-public"], true), "Context \"other\" modified.\nActive namespace is \"kube-public\".\n");
    b.run(&["config", "set-context", "--current", "--namespace", "kube-public"], false);
    assert_eq!(a.files(), b.files());
    assert!(a.files().1.contains("namespace: kube-public"));
    ok(&a.run(&["ns", "-c"], true), "kube-public\n");

    // Back to the previous namespace, then the previous context.
    ok(&a.run(&["ns", "-"], true), "Context \"other\" modified.\nActive namespace is \"kube-system\".\n");
    b.run(&["config", "set-context", "--current", "--namespace", "kube-system"], false);
    assert_eq!(a.files(), b.files());
    ok(&a.run(&["ctx", "-"], true), "Switched to context \"admin\".\n");
    b.run(&["config", "use-context", "admin"], false);
    assert_eq!(a.files(), b.files());
    ok(&a.run(&["ctx", "-"], true), "Switched to context \"other\".\n");
    ok(&a.run(&["ns", "-c"], true), "kube-system\n");
    let state = std::fs::read_to_string(a.state()).unwrap();
    assert!(state.contains("\"previousContext\": \"admin\""), "{state}");
    assert!(state.contains("\"other\": \"kube-public\""), "{state}");
}

#[test]
fn ns_lists_server_namespaces_and_refuses_unknown_ones() {
    let c = cluster();
    let ns = c.namespace("switch-list");
    let a = Side::new();
    let out = a.run(&["ns"], true);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<&str> = out.stdout.lines().collect();
    assert!(names.contains(&ns.name.as_str()) && names.contains(&"default") && names.contains(&"kube-system"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);

    let before = a.files();
    let out = a.run(&["ns", "no-such-namespace-here"], true);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (1, "", "error: no namespace exists with name \"no-such-namespace-here\"\n"));
    assert_eq!(a.files(), before);
    // No previous namespace or context recorded yet.
    let out = a.run(&["ns", "-"], true);
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: no previous namespace found for context \"admin\"\n"));
    let out = a.run(&["ctx", "-"], true);
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: no previous context found\n"));
    // An unknown context: kubectl config use-context's error.
    let out = a.run(&["ctx", "nope"], true);
    let reference = a.run(&["config", "use-context", "nope"], false);
    assert_eq!((out.code, &out.stdout, &out.stderr), (reference.code, &reference.stdout, &reference.stderr));
    assert_eq!(a.files(), before);
    // --context selects the context whose namespace changes.
    ok(&a.run(&["--context", "token", "ns", &ns.name], true), &format!("Context \"token\" modified.\nActive namespace is \"{}\".\n", ns.name));
    ok(&a.run(&["--context", "token", "ns", "-c"], true), &format!("{}\n", ns.name));
    ok(&a.run(&["ns", "-c"], true), "default\n");
}

//! `kctl config ...` against the reference kubectl: identical stdout, stderr, exit
//! code and (for writes) identical resulting files. No cluster needed.
//!
//! Each case runs in its own temporary directory with its own HOME. Write cases run
//! kubectl first, snapshot the directory, restore the inputs, run kctl, and compare.

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use support::{repo_root, Invocation, Output};

fn fixture(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join("testdata/kubeconfig").join(rel)).unwrap()
}

struct Case {
    dir: tempfile::TempDir,
    files: Vec<(String, Vec<u8>, u32)>,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Case { dir, files: Vec::new() }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn p(&self, rel: &str) -> String {
        self.root().join(rel).display().to_string()
    }

    /// Add an input file (recreated before each run). `{D}` becomes the case directory.
    fn file(mut self, rel: &str, content: &str) -> Case {
        let content = content.replace("{D}", &self.root().display().to_string());
        self.files.push((rel.to_string(), content.into_bytes(), 0o644));
        self.restore();
        self
    }

    fn fixture(self, rel: &str, dest: &str) -> Case {
        let text = fixture(rel);
        self.file(dest, &text)
    }

    fn mode(mut self, rel: &str, mode: u32) -> Case {
        for f in &mut self.files {
            if f.0 == rel {
                f.2 = mode;
            }
        }
        self.restore();
        self
    }

    fn restore(&self) {
        for entry in std::fs::read_dir(self.root()).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap();
            }
        }
        std::fs::create_dir_all(self.root().join("home")).unwrap();
        for (rel, data, mode) in &self.files {
            let p = self.root().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, data).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(*mode)).unwrap();
        }
    }

    fn inv(&self, args: &[&str]) -> Invocation {
        let d = self.root().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("{D}", &d)).collect();
        Invocation::new(args).home(self.root().join("home")).cwd(self.root())
    }

    /// Every file under the case directory: contents and permission bits.
    fn snapshot(&self) -> BTreeMap<String, (String, u32)> {
        fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (String, u32)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let p = entry.unwrap().path();
                let rel = p.strip_prefix(base).unwrap().display().to_string();
                let meta = std::fs::symlink_metadata(&p).unwrap();
                if meta.is_dir() {
                    out.insert(format!("{rel}/"), (String::new(), meta.permissions().mode() & 0o777));
                    walk(base, &p, out);
                } else {
                    let data = std::fs::read(&p).map(|d| String::from_utf8_lossy(&d).into_owned()).unwrap_or_default();
                    out.insert(rel, (data, meta.permissions().mode() & 0o777));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(self.root(), self.root(), &mut out);
        out
    }
}

/// The one word that legitimately differs: kctl names itself in hints and help.
fn norm(mut o: Output, help_text: bool) -> Output {
    o.stderr = o.stderr.replace("See 'kctl ", "See 'kubectl ");
    // Go prints map values that are pointers as addresses (different on every run).
    let ptr = regex::Regex::new(r"0xc[0-9a-f]{9}").unwrap();
    o.stderr = ptr.replace_all(&o.stderr, "0xPTR").into_owned();
    // klog's line header (time and pid).
    let klog = regex::Regex::new(r"(?m)^([EWI])\d{4} \d\d:\d\d:\d\d\.\d{6}\s+\d+ ").unwrap();
    o.stderr = klog.replace_all(&o.stderr, "$1 ").into_owned();
    if help_text {
        for s in [&mut o.stdout, &mut o.stderr] {
            *s = s.replace("kctl config", "kubectl config").replace("kctl options", "kubectl options");
        }
    }
    o
}

fn check(args: &[&str], a: &Output, b: &Output) {
    if a != b {
        panic!(
            "kctl and kubectl differ for {args:?}\n--- kctl (exit {}) stdout:\n{}\n--- kubectl (exit {}) stdout:\n{}\n--- kctl stderr:\n{}\n--- kubectl stderr:\n{}",
            a.code, a.stdout, b.code, b.stdout, a.stderr, b.stderr
        );
    }
}

/// Run both clients on the same inputs; outputs and resulting files must match.
fn same_env(case: &Case, args: &[&str], env: &[(&str, &str)], help_text: bool) -> Output {
    let d = case.root().display().to_string();
    let mut inv = case.inv(args);
    for (k, v) in env {
        inv = inv.env(k, v.replace("{D}", &d));
    }
    case.restore();
    let b = norm(inv.kubectl(), help_text);
    let files_b = case.snapshot();
    case.restore();
    let a = norm(inv.kctl(), help_text);
    let files_a = case.snapshot();
    check(args, &a, &b);
    if files_a != files_b {
        let mut msg = format!("resulting files differ for {args:?}\n");
        for (k, v) in files_a.iter().chain(files_b.iter()) {
            let (x, y) = (files_a.get(k), files_b.get(k));
            if x != y {
                msg.push_str(&format!("== {k}\n--- kctl: {:?}\n--- kubectl: {:?}\n", x, y));
                let _ = v;
            }
        }
        panic!("{msg}");
    }
    a
}

fn same(case: &Case, args: &[&str], env: &[(&str, &str)]) -> Output {
    same_env(case, args, env, false)
}

fn kc(case: &Case, rel: &str) -> (&'static str, String) {
    ("KUBECONFIG", case.p(rel))
}

// ---------------------------------------------------------------------------
// view

#[test]
fn view_without_any_config() {
    let c = Case::new();
    same(&c, &["config", "view"], &[]);
    same(&c, &["config", "view", "-o", "json"], &[]);
    same(&c, &["config", "view", "--minify"], &[]);
    same(&c, &["config", "current-context"], &[]);
    same(&c, &["config", "get-contexts"], &[]);
    same(&c, &["config", "get-clusters"], &[]);
    same(&c, &["config", "get-users"], &[]);
}

#[test]
fn view_masks_secrets_and_keeps_unknown_shapes() {
    let c = Case::new().fixture("full.yaml", "k.yaml");
    let e = kc(&c, "k.yaml");
    let env = [(e.0, e.1.as_str())];
    for args in [
        &["config", "view"][..],
        &["config", "view", "--raw"],
        &["config", "view", "-o", "json"],
        &["config", "view", "--raw", "-o", "json"],
        &["config", "view", "--output=yaml"],
        &["config", "view", "-o", "name"],
        &["config", "view", "-o", "wide"],
        &["config", "view", "extra"],
        &["config", "view", "--merge=false"],
        &["config", "view", "--merge=maybe"],
        &["config", "view", "--minify"],
        &["config", "view", "--minify", "--raw"],
        &["config", "view", "--flatten"],
        &["config", "view", "-o", "jsonpath={.contexts[*].name}"],
        &["config", "view", "-o", "jsonpath={.users[0].user}", "--raw"],
        &["config", "view", "-o", "jsonpath-as-json={.clusters[*].name}"],
        &["config", "view", "-o", "jsonpath={.nope}", "--allow-missing-template-keys=false"],
        &["config", "view", "-o", "jsonpath={.a["],
        &["config", "view", "-o", "jsonpath"],
    ] {
        same(&c, args, &env);
    }
    same(&c, &["config", "view", "--kubeconfig", "k.yaml"], &[]);
    same(&c, &["config", "view", "--kubeconfig", "k.yaml", "--merge=true"], &[]);
    same(&c, &["config", "view", "--kubeconfig", "missing.yaml"], &[]);
}

#[test]
fn view_yaml11_json_and_empty_inputs() {
    let c = Case::new()
        .fixture("json.json", "j.json")
        .fixture("caps.yaml", "caps.yaml")
        .fixture("noname.yaml", "noname.yaml")
        .fixture("blank.yaml", "blank.yaml")
        .fixture("comment.yaml", "comment.yaml")
        .fixture("docsep.yaml", "docsep.yaml")
        .file(
            "y11.yaml",
            "clusters:\n- name: x\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: yes\n    disable-compression: on\ncontexts:\n- name: 10.0.0.1\n  context: {cluster: x, namespace: '0x10'}\nusers:\n- name: u\n  user: {as-groups: [a, 'yes'], as-user-extra: {k: [v]}}\ncurrent-context: \"10.0.0.1\"\n",
        )
        .file("anchors.yaml", "base: &b {server: https://b}\nclusters:\n- name: a\n  cluster:\n    <<: *b\n    tls-server-name: n\n- name: b\n  cluster: *b\n");
    for f in ["j.json", "caps.yaml", "noname.yaml", "blank.yaml", "comment.yaml", "docsep.yaml", "y11.yaml", "anchors.yaml"] {
        same(&c, &["config", "view", "--kubeconfig", f], &[]);
        same(&c, &["config", "view", "--kubeconfig", f, "-o", "json"], &[]);
    }
}

#[test]
fn load_errors_match() {
    let mut c = Case::new();
    let names = [
        "bad", "badb64", "badtype", "dup", "ver", "types", "str", "list", "kind5", "av", "kfoo", "klower", "dupctx",
        "dupuser", "dup2", "c5", "c5b", "ag", "ckd", "ee",
    ];
    for n in names {
        c = c.fixture(&format!("bad/{n}.yaml"), &format!("{n}.yaml"));
    }
    for i in 1..=19 {
        c = c.fixture(&format!("bad/syntax{i}.yaml"), &format!("syntax{i}.yaml"));
    }
    for n in names {
        let f = format!("{n}.yaml");
        same(&c, &["config", "view", "--kubeconfig", &f], &[]);
    }
    for i in 1..=19 {
        let f = format!("syntax{i}.yaml");
        same(&c, &["config", "view", "--kubeconfig", &f], &[]);
    }
    // Several bad files: one line each, no "error: " prefix.
    same(&c, &["config", "view"], &[("KUBECONFIG", "bad.yaml:badb64.yaml:missing.yaml")]);
    same(&c, &["config", "get-contexts"], &[("KUBECONFIG", "badtype.yaml")]);
    same(&c, &["config", "set-context", "x"], &[("KUBECONFIG", "dup.yaml")]);
    same(&c, &["config", "view"], &[("KUBECONFIG", "{D}")]);
}

// ---------------------------------------------------------------------------
// merging several files

fn merge_case() -> Case {
    Case::new()
        .fixture("merge/d1/k1", "d1/k1")
        .fixture("merge/d2/k2", "d2/k2")
        .fixture("merge/d1/rel/ca.crt", "d1/rel/ca.crt")
        .fixture("merge/d1/c.crt", "d1/c.crt")
        .fixture("merge/d1/k.key", "d1/k.key")
        .fixture("merge/d2/ca2.crt", "d2/ca2.crt")
}

#[test]
fn merged_view_precedence_and_paths() {
    let c = merge_case();
    let chain = "d1/k1:missing:d2/k2::d1/k1";
    let env = [("KUBECONFIG", chain)];
    for args in [
        &["config", "view"][..],
        &["config", "view", "--minify"],
        &["config", "view", "--flatten"],
        &["config", "view", "--minify", "--flatten"],
        &["config", "view", "--minify", "--context", "c1"],
        &["config", "view", "--minify", "--context", "c1", "--flatten", "-o", "json"],
        &["config", "view", "--minify", "--context", "nope"],
        &["config", "current-context"],
        &["config", "get-contexts"],
        &["config", "get-users"],
    ] {
        same(&c, args, &env);
    }
    // Absolute paths in KUBECONFIG, the other order.
    let abs = format!("{}:{}", c.p("d2/k2"), c.p("d1/k1"));
    same(&c, &["config", "view", "--flatten"], &[("KUBECONFIG", &abs)]);
    same(&c, &["config", "view"], &[("KUBECONFIG", &abs)]);
    // Flatten with a missing referenced file.
    same(&c, &["config", "view", "--flatten"], &[("KUBECONFIG", "d2/k2")]);
}

#[test]
fn minify_errors() {
    let c = Case::new()
        .file("nocc.yaml", "contexts:\n- name: a\n  context: {cluster: missing}\n")
        .file("nouser.yaml", "current-context: a\ncontexts:\n- name: a\n  context: {user: missing}\n");
    same(&c, &["config", "view", "--minify", "--kubeconfig", "nocc.yaml"], &[]);
    same(&c, &["config", "view", "--minify", "--kubeconfig", "nocc.yaml", "--context", "a"], &[]);
    same(&c, &["config", "view", "--minify", "--kubeconfig", "nouser.yaml"], &[]);
}

// ---------------------------------------------------------------------------
// get-contexts, get-clusters, get-users, current-context

#[test]
fn get_commands() {
    let c = Case::new().fixture("simple.yaml", "k.yaml").file("one.yaml", "clusters:\n- name: only\n  cluster: {server: s}\n");
    let env = [("KUBECONFIG", "k.yaml")];
    for args in [
        &["config", "get-contexts"][..],
        &["config", "get-contexts", "--no-headers"],
        &["config", "get-contexts", "--no-headers=false"],
        &["config", "get-contexts", "-o", "name"],
        &["config", "get-contexts", "--output=name"],
        &["config", "get-contexts", "prod"],
        &["config", "get-contexts", "prod", "dev"],
        &["config", "get-contexts", "nope"],
        &["config", "get-contexts", "nope", "dev", "other"],
        &["config", "get-contexts", "-o", "json"],
        &["config", "get-contexts", "-o", "bogus"],
        &["config", "get-contexts", "--no-headers=maybe"],
        &["config", "get-users"],
        &["config", "get-users", "extra"],
        &["config", "current-context"],
        &["config", "current-context", "extra"],
    ] {
        same(&c, args, &env);
    }
    // kubectl lists clusters in map order; compare with a single cluster.
    same(&c, &["config", "get-clusters"], &[("KUBECONFIG", "one.yaml")]);
    same(&c, &["config", "current-context"], &[("KUBECONFIG", "one.yaml")]);
}

// ---------------------------------------------------------------------------
// use-context, set-context, rename/delete

#[test]
fn use_context_writes_and_errors() {
    let c = Case::new().fixture("simple.yaml", "k.yaml").mode("k.yaml", 0o644);
    let env = [("KUBECONFIG", "k.yaml")];
    same(&c, &["config", "use-context", "prod"], &env);
    same(&c, &["config", "use", "prod"], &env);
    same(&c, &["config", "use-context", "dev"], &env);
    same(&c, &["config", "use-context", "nope"], &env);
    same(&c, &["config", "use-context", ""], &env);
    same_env(&c, &["config", "use-context"], &env, true);
    same_env(&c, &["config", "use-context", "a", "b"], &env, true);
    same(&c, &["config", "use-context", "prod", "--kubeconfig", "k.yaml"], &[]);
}

#[test]
fn lock_file_present() {
    let c = Case::new().fixture("simple.yaml", "k.yaml").file("k.yaml.lock", "");
    let env = [("KUBECONFIG", "k.yaml"), ("KCTL_LOCK_TIMEOUT", "0")];
    same(&c, &["config", "use-context", "prod"], &env);
    same(&c, &["config", "use-context", "dev"], &env);
    same(&c, &["config", "set-context", "x"], &env);
    same(&c, &["config", "use-context", "nope"], &env);
}

#[test]
fn set_context_variants() {
    let c = Case::new().fixture("simple.yaml", "k.yaml");
    let env = [("KUBECONFIG", "k.yaml")];
    same(&c, &["config", "set-context", "new", "--cluster=c", "--user=u", "--namespace=n"], &env);
    same(&c, &["config", "set-context", "dev", "--namespace=other"], &env);
    same(&c, &["config", "set-context", "dev", "--namespace="], &env);
    same(&c, &["config", "set-context", "--current", "--namespace=cur"], &env);
    same(&c, &["config", "set-context", "--current=true", "--user=x"], &env);
    same(&c, &["config", "set-context", "dev", "--current"], &env);
    same(&c, &["config", "set-context"], &env);
    same(&c, &["config", "set-context", "plain"], &env);
    same(&c, &["config", "set-context", "n", "--cluster", "c"], &env);
    same_env(&c, &["config", "set-context", "a", "b"], &env, true);
    // No current context.
    let c2 = Case::new();
    same(&c2, &["config", "set-context", "--current", "--namespace=x"], &[]);
    // Creating ~/.kube/config from nothing, mode 0600.
    let out = same(&c2, &["config", "set-context", "first", "--cluster=c"], &[]);
    assert_eq!(out.code, 0);
}

#[test]
fn new_files_are_0600_and_existing_modes_kept() {
    let c = Case::new().fixture("simple.yaml", "k.yaml").mode("k.yaml", 0o640);
    same(&c, &["config", "set-context", "x", "--kubeconfig", "new/dir/created.yaml"], &[]);
    same(&c, &["config", "set-context", "x", "--kubeconfig", "k.yaml"], &[]);
    // And check kctl's own result explicitly.
    c.restore();
    let out = c.inv(&["config", "set-context", "x", "--kubeconfig", "new/dir/created.yaml"]).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mode = std::fs::metadata(c.root().join("new/dir/created.yaml")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let out = c.inv(&["config", "set-context", "x", "--kubeconfig", "k.yaml"]).kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mode = std::fs::metadata(c.root().join("k.yaml")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn rename_and_delete() {
    let c = Case::new().fixture("simple.yaml", "k.yaml");
    let env = [("KUBECONFIG", "k.yaml")];
    same(&c, &["config", "rename-context", "dev", "development"], &env);
    same(&c, &["config", "rename-context", "prod", "production"], &env);
    same(&c, &["config", "rename-context", "dev", "prod"], &env);
    same(&c, &["config", "rename-context", "nope", "x"], &env);
    same(&c, &["config", "rename-context", "dev", ""], &env);
    same_env(&c, &["config", "rename-context", "dev"], &env, true);
    same(&c, &["config", "delete-context", "prod"], &env);
    same(&c, &["config", "delete-context", "dev"], &env);
    same(&c, &["config", "delete-context", "nope"], &env);
    same_env(&c, &["config", "delete-context"], &env, true);
    same(&c, &["config", "delete-cluster", "dev-cluster"], &env);
    same(&c, &["config", "delete-cluster", "nope"], &env);
    same_env(&c, &["config", "delete-cluster"], &env, true);
    same(&c, &["config", "delete-user", "prod-user"], &env);
    same(&c, &["config", "delete-user", "nope"], &env);
    same(&c, &["config", "delete-user"], &env);
    same(&c, &["config", "delete-context", "dev", "--kubeconfig", "k.yaml"], &[]);
    same(&c, &["config", "delete-user", "x", "--kubeconfig", "missing.yaml"], &[]);
}

// ---------------------------------------------------------------------------
// set-cluster, set-credentials

#[test]
fn set_cluster_variants() {
    let c = Case::new()
        .fixture("simple.yaml", "k.yaml")
        .file("ca.crt", "CA-DATA\n")
        .file("sub/ca2.crt", "CA2\n")
        .file("other/ca3.crt", "CA3\n")
        .file("sub/k.yaml", "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: ../other/ca3.crt}\n");
    let env = [("KUBECONFIG", "k.yaml")];
    for args in [
        &["config", "set-cluster", "dev-cluster", "--server=https://new:6443"][..],
        &["config", "set-cluster", "new", "--server=https://n", "--tls-server-name=tls", "--proxy-url=http://p:3128"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority=ca.crt"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority={D}/ca.crt"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority=sub/ca2.crt"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority=/etc/hostname"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority=ca.crt", "--embed-certs"],
        &["config", "set-cluster", "dev-cluster", "--certificate-authority=ca.crt", "--embed-certs=true"],
        &["config", "set-cluster", "prod-cluster", "--certificate-authority=ca.crt"],
        &["config", "set-cluster", "dev-cluster", "--insecure-skip-tls-verify=true"],
        &["config", "set-cluster", "prod-cluster", "--insecure-skip-tls-verify=false"],
        &["config", "set-cluster", "x", "--embed-certs"],
        &["config", "set-cluster", "x", "--embed-certs", "--certificate-authority=nope.crt"],
        &["config", "set-cluster", "x", "--embed-certs=maybe"],
        &["config", "set-cluster", "x", "--insecure-skip-tls-verify=true", "--certificate-authority=ca.crt"],
        &["config", "set-cluster", ""],
    ] {
        same(&c, args, &env);
    }
    same_env(&c, &["config", "set-cluster"], &env, true);
    // Relative paths are kept relative to the file that holds the entry.
    same(&c, &["config", "set-cluster", "c", "--server=https://changed"], &[("KUBECONFIG", "sub/k.yaml")]);
    same(&c, &["config", "set-cluster", "c", "--certificate-authority=ca.crt"], &[("KUBECONFIG", "sub/k.yaml")]);
    same(&c, &["config", "set-cluster", "c", "--certificate-authority=sub/ca2.crt"], &[("KUBECONFIG", "sub/k.yaml")]);
}

#[test]
fn set_credentials_variants() {
    let c = Case::new()
        .fixture("simple.yaml", "k.yaml")
        .fixture("full.yaml", "full.yaml")
        .file("c.crt", "CERT\n")
        .file("c.key", "KEY\n");
    let env = [("KUBECONFIG", "k.yaml")];
    for args in [
        &["config", "set-credentials", "dev-user", "--token=new"][..],
        &["config", "set-credentials", "prod-user", "--token=t"],
        &["config", "set-credentials", "dev-user", "--username=u", "--password=p"],
        &["config", "set-credentials", "dev-user", "--token="],
        &["config", "set-credentials", "n", "--client-certificate=c.crt", "--client-key=c.key"],
        &["config", "set-credentials", "n", "--client-certificate=c.crt", "--client-key=c.key", "--embed-certs"],
        &["config", "set-credentials", "n", "--client-certificate=/etc/hostname"],
        &["config", "set-credentials", "n", "--embed-certs"],
        &["config", "set-credentials", "n", "--embed-certs", "--client-key=nope"],
        &["config", "set-credentials", "n", "--token=a", "--username=b"],
        &["config", "set-credentials", "n", "--exec-command=/bin/plugin", "--exec-api-version=client.authentication.k8s.io/v1", "--exec-arg=a,b", "--exec-arg=c", "--exec-env=A=1", "--exec-interactive-mode=Never", "--exec-provide-cluster-info"],
        &["config", "set-credentials", "n", "--exec-command=plug"],
        &["config", "set-credentials", "n", "--exec-api-version=v"],
        &["config", "set-credentials", "n", "--exec-interactive-mode=Sometimes", "--exec-command=x"],
        &["config", "set-credentials", "n", "--auth-provider=oidc", "--auth-provider-arg=client-id=foo"],
        &["config", "set-credentials", "n", "--auth-provider-arg=a=b"],
        &["config", "set-credentials", ""],
        &["config", "set-credentials", "n", "--embed-certs=maybe"],
    ] {
        same(&c, args, &env);
    }
    same_env(&c, &["config", "set-credentials"], &env, true);
    same_env(&c, &["config", "set-credentials", "n", "--exec-env=bad"], &env, true);
    same_env(&c, &["config", "set-credentials", "n", "--auth-provider-arg=bad"], &env, true);
    // Modifying an existing exec user: args reset, env edited, relative command re-relativized.
    let full = [("KUBECONFIG", "full.yaml")];
    same(&c, &["config", "set-credentials", "ua", "--exec-env=A=2"], &full);
    same(&c, &["config", "set-credentials", "ua", "--exec-env=A-"], &full);
    same(&c, &["config", "set-credentials", "ua", "--exec-command=other"], &full);
    same(&c, &["config", "set-credentials", "ub", "--auth-provider=oidc", "--auth-provider-arg=k-", "--auth-provider-arg=n=1"], &full);
    same(&c, &["config", "set-credentials", "ub", "--auth-provider=gcp"], &full);
}

// ---------------------------------------------------------------------------
// set / unset

#[test]
fn set_and_unset_properties() {
    let c = Case::new().fixture("full.yaml", "k.yaml");
    let env = [("KUBECONFIG", "k.yaml")];
    for args in [
        &["config", "set", "clusters.ca.server", "https://x"][..],
        &["config", "set", "clusters.new.server", "https://y"],
        &["config", "set", "clusters.10.0.0.1.server", "s"],
        &["config", "set", "contexts.a.b.c.namespace", "n"],
        &["config", "set", "clusters.ca.insecure-skip-tls-verify", "maybe"],
        &["config", "set", "clusters.ca.insecure-skip-tls-verify", "1"],
        &["config", "set", "clusters.ca.insecure-skip-tls-verify", "F"],
        &["config", "set", "clusters.ca.certificate-authority-data", "notb64!"],
        &["config", "set", "clusters.ca.certificate-authority-data", "aGk="],
        &["config", "set", "users.ua.client-key-data", "raw", "--set-raw-bytes"],
        &["config", "set", "users.ua.client-key-data", "raw", "--set-raw-bytes=false"],
        &["config", "set", "users.ua.act-as", "alice"],
        &["config", "set", "users.ua.act-as-groups", "g"],
        &["config", "set", "users.ua.act-as-user-extra", "g"],
        &["config", "set", "users.ua.act-as-user-extra.x", "g"],
        &["config", "set", "users.ua.as-groups", "g"],
        &["config", "set", "current-context", "foo"],
        &["config", "set", "preferences.colors", "false"],
        &["config", "set", "contexts.ctx-a.namespace", ""],
        &["config", "set", "", "x"],
        &["config", "set", "bogus", "x"],
        &["config", "set", "clusters.ca.bogus", "x"],
        &["config", "set", "clusters.ca.server.extra", "x"],
        &["config", "set", "users.ub.auth-provider.name", "n2"],
        &["config", "set", "users.ub.exec.command", "x"],
        &["config", "set", "clusters.ca.extensions", "x"],
        &["config", "set", "kind", "x"],
        &["config", "unset", "current-context"],
        &["config", "unset", "clusters.ca.server"],
        &["config", "unset", "clusters.nope"],
        &["config", "unset", "clusters.nope.server"],
        &["config", "unset", "users.ua.client-key-data"],
        &["config", "unset", "users.ua.act-as-groups"],
        &["config", "unset", "users.ua.act-as-user-extra"],
        &["config", "unset", "users.ua.act-as-user-extra.x"],
        &["config", "unset", "users.ua.auth-provider"],
        &["config", "unset", "users.ub.auth-provider"],
        &["config", "unset", "users.ub.exec"],
        &["config", "unset", "preferences"],
        &["config", "unset", "clusters"],
        &["config", "unset", "contexts.ctx-a.extensions"],
        &["config", "unset", "bogus"],
        &["config", "unset", ""],
    ] {
        same(&c, args, &env);
    }
    same_env(&c, &["config", "set", "contexts.ctx-a.namespace"], &env, true);
    same_env(&c, &["config", "unset"], &env, true);
}

// ---------------------------------------------------------------------------
// which file a write lands in

#[test]
fn writes_land_in_the_defining_file() {
    let c = Case::new()
        .file("a.yaml", "clusters:\n- name: ca\n  cluster: {server: https://a}\ncontexts:\n- name: in-a\n  context: {cluster: ca}\n")
        .file("b.yaml", "current-context: in-b\nclusters:\n- name: cb\n  cluster: {server: https://b}\ncontexts:\n- name: in-b\n  context: {cluster: cb}\nusers:\n- name: ub\n  user: {token: t}\n");
    let chain = [("KUBECONFIG", "a.yaml:b.yaml")];
    // Existing entries are modified where they are defined.
    same(&c, &["config", "set-context", "in-b", "--namespace=x"], &chain);
    same(&c, &["config", "set-cluster", "cb", "--server=https://b2"], &chain);
    same(&c, &["config", "set-credentials", "ub", "--token=t2"], &chain);
    same(&c, &["config", "delete-context", "in-b"], &chain);
    same(&c, &["config", "rename-context", "in-b", "renamed"], &chain);
    same(&c, &["config", "unset", "contexts.in-b.cluster"], &chain);
    // New entries go to the first existing file.
    same(&c, &["config", "set-context", "new", "--cluster=cb"], &chain);
    same(&c, &["config", "set-context", "new"], &[("KUBECONFIG", "missing.yaml:b.yaml:a.yaml")]);
    // With no file existing, the last one is created.
    same(&c, &["config", "set-context", "new"], &[("KUBECONFIG", "m1.yaml:m2.yaml")]);
    same(&c, &["config", "set-context", "new"], &[("KUBECONFIG", "sub/m1.yaml")]);
    // current-context goes to the default file, even if another file set it.
    same(&c, &["config", "use-context", "in-a"], &chain);
    same(&c, &["config", "use-context", "in-a"], &[("KUBECONFIG", "b.yaml:a.yaml")]);
    // Clearing it clears the first file that sets it.
    same(&c, &["config", "unset", "current-context"], &chain);
    same(&c, &["config", "set", "preferences.colors", "true"], &chain);
    // --kubeconfig: only that file.
    same(&c, &["config", "set-context", "in-a", "--namespace=q", "--kubeconfig", "b.yaml"], &chain);
    same(&c, &["config", "use-context", "in-b", "--kubeconfig", "b.yaml"], &chain);
}

// ---------------------------------------------------------------------------
// help and usage

#[test]
fn help_texts() {
    let c = Case::new();
    same_env(&c, &["config"], &[], true);
    same_env(&c, &["config", "--help"], &[], true);
    same(&c, &["config", "nope"], &[]);
    for sub in [
        "current-context", "delete-cluster", "delete-context", "delete-user", "get-clusters", "get-contexts", "get-users",
        "rename-context", "set", "set-cluster", "set-context", "set-credentials", "unset", "use-context", "view",
    ] {
        same_env(&c, &["config", sub, "--help"], &[], true);
        same_env(&c, &["config", sub, "-h"], &[], true);
    }
}

// ---------------------------------------------------------------------------
// concurrency (kctl only: kubectl itself fails on a held lock)

#[test]
fn concurrent_writers_never_lose_updates() {
    let c = Case::new().file("k.yaml", "clusters:\n- name: c\n  cluster: {server: https://c}\n");
    let path = c.p("k.yaml");
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let inv = c.inv(&["config", "set-context", &format!("ctx{i}"), "--cluster=c"]).env("KUBECONFIG", &path);
            std::thread::spawn(move || inv.kctl())
        })
        .collect();
    for h in handles {
        let out = h.join().unwrap();
        assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    }
    let list = c.inv(&["config", "get-contexts", "-o", "name"]).env("KUBECONFIG", &path).kctl();
    let names: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(names.len(), 20, "{}", list.stdout);
    for i in 0..20 {
        assert!(names.contains(&format!("ctx{i}").as_str()));
    }
    // No lock or temporary files left behind.
    let left: Vec<PathBuf> = std::fs::read_dir(c.root()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

// ---------------------------------------------------------------------------
// resolution of the selected context (seen through a command that needs a client;
// every case fails before any connection is made, or against a closed port)

#[test]
fn resolution_errors_match() {
    let c = Case::new()
        .fixture("full.yaml", "full.yaml")
        .file(
            "r.yaml",
            "current-context: c\nclusters:\n- name: s\n  cluster: {server: \"https://127.0.0.1:1\"}\n- name: bad\n  cluster: {server: \"https://127.0.0.1:1\", proxy-url: \"ftp://x\"}\ncontexts:\n- name: c\n  context: {cluster: s, user: u}\n- name: b\n  context: {cluster: bad, user: e}\nusers:\n- name: u\n  user: {tokenFile: /nonexistent/tok}\n- name: ok\n  user: {token: abc}\n- name: e\n  user:\n    exec: {command: x}\n",
        );
    let full = [("KUBECONFIG", "full.yaml")];
    for args in [
        &["api-versions", "--context", "nope"][..],
        &["api-versions", "--cluster", "nope"],
        &["api-versions", "--user", "nope"],
        &["api-versions"],
        &["api-versions", "--user", "ub"],
    ] {
        same(&c, args, &full);
    }
    let r = [("KUBECONFIG", "r.yaml")];
    for args in [
        &["api-versions"][..],
        &["api-versions", "--context", "b"],
        &["api-versions", "--user", "ok"],
        &["api-versions", "--user", "ok", "--as-group", "g"],
        &["api-versions", "--user", "ok", "--username", "x"],
        &["api-versions", "--user", "ok", "--as", "a", "--as-group", "g"],
    ] {
        same(&c, args, &r);
    }
    same(&c, &["api-versions", "--kubeconfig", "missing.yaml"], &[]);
    same(&c, &["api-versions", "--kubeconfig", "full.yaml", "--context", "nope"], &[]);
    // An https server and nothing to identify the user: kubectl prompts on stdin.
    same(&c, &["api-versions", "--server", "https://127.0.0.1:1"], &[]);
}

#[test]
fn in_cluster_config_when_kubeconfig_is_empty() {
    let c = Case::new().file("sa/token", "sa-token\n").file("sa/namespace", "sa-ns\n");
    let inv = c
        .inv(&["api-versions"])
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", "1")
        .env("KCTL_SERVICEACCOUNT_DIR", c.p("sa"));
    let out = inv.kctl();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("https://127.0.0.1:1/api"), "{}", out.stderr);
    // A server from the kubeconfig wins over in-cluster.
    let c = c.file("k.yaml", "current-context: c\nclusters:\n- name: s\n  cluster: {server: \"http://127.0.0.1:2\"}\ncontexts:\n- name: c\n  context: {cluster: s}\n");
    let out = c
        .inv(&["api-versions"])
        .env("KUBECONFIG", c.p("k.yaml"))
        .env("KUBERNETES_SERVICE_HOST", "127.0.0.1")
        .env("KUBERNETES_SERVICE_PORT", "1")
        .env("KCTL_SERVICEACCOUNT_DIR", c.p("sa"))
        .kctl();
    assert!(out.stderr.contains("http://127.0.0.1:2/api"), "{}", out.stderr);
}

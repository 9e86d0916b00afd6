//! Differential tests for `kctl cordon`, `uncordon`, `taint` and `drain`.
//!
//! Nodes are cluster-wide, so each test creates its own pair of fake Node
//! objects (no kubelet serves them): kctl works on the `-a` node, kubectl on
//! the `-b` node, and the two names (and namespaces) are the one intended
//! difference in the output. The shared cluster's own nodes are never touched.

mod support;

use support::{cluster, Output};

struct Pair {
    a: String,
    b: String,
}

impl Pair {
    fn new(hint: &str) -> Pair {
        let suffix: String = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
            .chars()
            .rev()
            .take(6)
            .collect();
        let base = format!("nm-{hint}-{suffix}");
        let pair = Pair { a: format!("{base}-a"), b: format!("{base}-b") };
        for (name, side) in [(&pair.a, "a"), (&pair.b, "b")] {
            let manifest = format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {{kctl.test/nm: {base}-{side}}}\n");
            let out = cluster().cmd(["create", "-f", "-"]).stdin(manifest).kubectl();
            assert_eq!(out.code, 0, "create node {name}: {}", out.stderr);
        }
        // The node lifecycle controller taints new (never ready) nodes; wait
        // for it on both so the taint lists compare equal.
        for _ in 0..40 {
            let done = [&pair.a, &pair.b].iter().all(|n| {
                let out = cluster().cmd(["get", "node", n.as_str(), "-o", "jsonpath={.spec.taints[*].key}"]).kubectl();
                out.stdout.contains("node.kubernetes.io/not-ready")
            });
            if done {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        pair
    }

    /// The label selecting one side's node.
    fn selector(&self, side: &str) -> String {
        let n = if side == "a" { &self.a } else { &self.b };
        format!("kctl.test/nm={n}")
    }

    /// Run `args` (with `{N}` standing for the node, `{SEL}` for its label
    /// selector and `{NS}` for the namespace) with kctl on side a and
    /// kubectl on side b, and require the same output.
    fn same(&self, ns: Option<(&str, &str)>, args: &[&str]) {
        let fill = |side: &str| -> Vec<String> {
            let node = if side == "a" { &self.a } else { &self.b };
            let n = ns.map(|(a, b)| if side == "a" { a } else { b }).unwrap_or("");
            args.iter().map(|s| s.replace("{N}", node).replace("{SEL}", &self.selector(side)).replace("{NS}", n)).collect()
        };
        let norm = |o: Output, side: &str| {
            let node = if side == "a" { &self.a } else { &self.b };
            let mut text = [o.stdout, o.stderr].map(|t| t.replace(node.as_str(), "<N>"));
            if let Some((a, b)) = ns {
                let n = if side == "a" { a } else { b };
                text = text.map(|t| t.replace(n, "<NS>"));
            }
            let re = regex::Regex::new(r"(?m)^([IWEF])\d{4} [\d:.]+\s+\d+ ").unwrap();
            let text = text.map(|t| re.replace_all(&t, "$1<KLOG> ").into_owned());
            let rv = regex::Regex::new(r#"(resourceVersion"?:\s*"?)\d+"#).unwrap();
            let text = text.map(|t| rv.replace_all(&t, "${1}<RV>").into_owned());
            let uid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
            let text = text.map(|t| uid.replace_all(&t, "<UID>").into_owned());
            let ts = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").unwrap();
            let text = text.map(|t| ts.replace_all(&t, "<TIME>").into_owned());
            let [stdout, stderr] = text;
            Output { stdout, stderr: stderr.replace("See 'kctl ", "See 'kubectl "), code: o.code }
        };
        let x = norm(cluster().cmd(fill("a")).kctl(), "a");
        let y = norm(cluster().cmd(fill("b")).kubectl(), "b");
        assert_eq!(x, y, "{args:?}");
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = cluster().cmd(["delete", "node", &self.a, &self.b, "--wait=false"]).kubectl();
    }
}

#[test]
fn cordon_and_uncordon_match_kubectl() {
    let p = Pair::new("cordon");
    let steps: &[&[&str]] = &[
        &["cordon", "{N}"],
        &["cordon", "{N}"],
        &["uncordon", "{N}", "--dry-run"],
        &["uncordon", "{N}", "--dry-run=server"],
        &["get", "node", "{N}", "-o", "jsonpath={.spec.unschedulable}"],
        &["uncordon", "-l", "{SEL}"],
        &["uncordon", "-l", "{SEL}"],
        &["cordon", "-l", "{SEL}", "--dry-run=client"],
        &["cordon", "-l", "kctl.test/nm=none"],
        &["cordon"],
        &["uncordon"],
        &["cordon", "{N}", "-l", "{SEL}"],
        &["cordon", "{N}", "--dry-run=bogus"],
        &["cordon", "{N}", "nope-node"],
        &["get", "node", "{N}", "-o", "jsonpath={.spec.unschedulable}"],
    ];
    for args in steps {
        p.same(None, args);
    }
}

#[test]
fn taint_matches_kubectl() {
    let p = Pair::new("taint");
    let steps: &[&[&str]] = &[
        &["taint", "nodes", "{N}", "a=b:NoSchedule"],
        &["taint", "nodes", "{N}", "a=c:NoSchedule"],
        &["taint", "nodes", "{N}", "a=c:NoSchedule", "--overwrite"],
        &["taint", "node", "{N}", "b:NoExecute", "c=d:PreferNoSchedule"],
        &["taint", "no", "{N}", "a-"],
        &["taint", "nodes", "{N}", "zz-"],
        &["taint", "nodes", "{N}", "zz-", "yy:NoSchedule-"],
        &["taint", "nodes", "{N}", "b:NoExecute-", "c-"],
        &["taint", "nodes", "{N}", "x=y:Bad"],
        &["taint", "nodes", "{N}", "x=y!:NoSchedule"],
        &["taint", "nodes", "{N}", "x=y"],
        &["taint", "nodes", "{N}", "a=b=c:NoSchedule"],
        &["taint", "nodes", "{N}", "a:b:c"],
        &["taint", "nodes", "{N}", "Example.com/k=v:NoExecute"],
        &["taint", "nodes", "{N}", "a/b/c=v:NoExecute"],
        &["taint", "nodes"],
        &["taint", "nodes", "{N}"],
        &["taint", "pods", "{N}", "a=b:NoSchedule"],
        &["taint", "bogus", "{N}", "q-"],
        &["taint", "{N}", "q-"],
        &["taint", "nodes", "{N}", "a=b:NoSchedule", "a:NoSchedule-"],
        &["taint", "nodes", "{N}", "a=b:NoSchedule", "a-"],
        &["taint", "nodes", "{N}", "a=b:NoSchedule", "foo"],
        &["taint", "nodes", "{N}", "a=b:NoSchedule", "a=c:NoSchedule"],
        &["taint", "nodes", "a=b:NoSchedule"],
        &["taint", "nodes", "--all", "-l", "x=y", "a=b:NoSchedule"],
        &["taint", "nodes", "-l", "{SEL}", "q=1:NoSchedule", "--dry-run", "-o", "name"],
        &["taint", "nodes", "-l", "{SEL}", "q=1:NoSchedule", "--dry-run=server"],
        &["taint", "nodes", "-l", "{SEL}", "q=1:NoSchedule", "--dry-run=client", "-o", "jsonpath={.spec.taints}"],
        &["taint", "nodes", "{N}", "q=1:NoSchedule", "-o", "jsonpath={.spec.taints}"],
        &["taint", "nodes", "{N}", "example.com/k=v:NoExecute", "-o", "name"],
        &["taint", "nodes", "{N}", "q-", "--dry-run=client", "-o", "json"],
        &["taint", "nodes", "{N}", "nope-node", "r=2:NoSchedule"],
        &["taint", "nodes", "{N}", "q=1:NoSchedule", "q:NoExecute-"],
        &["taint", "nodes", "{N}", "q=2:NoSchedule", "s=3:NoSchedule", "--overwrite"],
        &["taint", "nodes", "{N}", "t=4:NoSchedule", "q:NoSchedule-"],
        &["taint", "nodes", "{N}", "k=v:NoSchedule", "--validate=bogus"],
        &["taint", "nodes", "{N}", "k=v:NoSchedule", "-o", "bogus"],
        &["taint", "nodes", "{N}", "k-", "-o", "bogus"],
        &["taint", "nodes", "{N}", "k=v:NoSchedule", "--validate=false"],
        &["get", "node", "{N}", "-o", "jsonpath={.spec.taints}"],
    ];
    for args in steps {
        p.same(None, args);
    }
}

/// Pods on the fake nodes: one without a controller, one "controlled" by a
/// ConfigMap (any controller reference satisfies drain), one of those with
/// an emptyDir.
fn drain_pods(ns: &str, node: &str) {
    let c = cluster();
    let out = c.cmd(["-n", ns, "create", "configmap", "owner"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let uid = c.cmd(["-n", ns, "get", "configmap", "owner", "-o", "jsonpath={.metadata.uid}"]).kubectl().stdout;
    let owner = format!("ownerReferences: [{{apiVersion: v1, kind: ConfigMap, name: owner, uid: {uid}, controller: true}}]");
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: bare, labels: {{app: bare}}}}\nspec: {{nodeName: {node}, containers: [{{name: c, image: x}}]}}\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: owned, labels: {{app: o}}, {owner}}}\nspec: {{nodeName: {node}, containers: [{{name: c, image: x}}]}}\n---\n\
         apiVersion: v1\nkind: Pod\nmetadata: {{name: scratch, labels: {{app: s}}, {owner}}}\nspec: {{nodeName: {node}, containers: [{{name: c, image: x}}], volumes: [{{name: v, emptyDir: {{}}}}]}}\n"
    );
    c.kubectl_apply(ns, &manifest);
}

#[test]
fn drain_matches_kubectl() {
    let c = cluster();
    let p = Pair::new("drain");
    let na = c.namespace("drain-a");
    let nb = c.namespace("drain-b");
    drain_pods(&na.name, &p.a);
    drain_pods(&nb.name, &p.b);
    let ns = Some((na.name.as_str(), nb.name.as_str()));
    let steps: &[&[&str]] = &[
        &["drain"],
        &["drain", "{N}", "-l", "{SEL}"],
        &["drain", "nope-node"],
        &["drain", "{N}", "--pod-selector=a=="],
        &["drain", "{N}", "--timeout=bogus"],
        &["drain", "{N}", "--grace-period=abc"],
        &["drain", "{N}", "--delete-local-data"],
        &["drain", "{N}", "--chunk-size=0x1", "--pod-selector=app=o", "--dry-run=client"],
        // Blocked: a pod without a controller.
        &["drain", "{N}", "--pod-selector=app in (bare,o)"],
        // Blocked: local storage.
        &["drain", "{N}", "--pod-selector=app=s"],
        &["drain", "{N}", "--force", "--delete-emptydir-data", "--dry-run=client"],
        &["drain", "-l", "{SEL}", "--pod-selector=app=bare", "--force", "--dry-run=server"],
        &["uncordon", "{N}"],
        // Evictions (policy/v1beta1 on this server); grace 0 removes a pod
        // that no kubelet runs at once.
        &["drain", "{N}", "--pod-selector=app=o", "--grace-period=0"],
        &["drain", "{N}", "--pod-selector=app=bare", "--force", "--grace-period=0"],
        // A pod that never goes away in time.
        &["drain", "{N}", "--pod-selector=app=s", "--delete-emptydir-data", "--timeout=2s"],
        &["get", "pods", "-n", "{NS}", "-o", "jsonpath={.items[*].metadata.name}"],
        &["get", "node", "{N}", "-o", "jsonpath={.spec.unschedulable}"],
    ];
    for args in steps {
        p.same(ns, args);
    }
}

#[test]
fn drain_by_delete_times_out_like_kubectl() {
    let c = cluster();
    let p = Pair::new("drain-del");
    let na = c.namespace("draindel-a");
    let nb = c.namespace("draindel-b");
    drain_pods(&na.name, &p.a);
    drain_pods(&nb.name, &p.b);
    let ns = Some((na.name.as_str(), nb.name.as_str()));
    p.same(ns, &["drain", "{N}", "--pod-selector=app=o", "--disable-eviction", "--timeout=2s"]);
    p.same(ns, &["drain", "{N}", "--pod-selector=app=bare", "--force", "--disable-eviction", "--grace-period=0"]);
}

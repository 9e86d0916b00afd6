//! Server-side apply and managedFields on `kctl local`, differentially: each
//! step runs against the shared v1.20 test cluster (a fresh namespace) and
//! against a private `kctl local` holding a namespace of the same name, with
//! the same client, and the outputs must be equal after normalising times,
//! uids and resourceVersions.

mod support;

use serde_json::Value;
use support::local::Local;
use support::{cluster, Output, TestNamespace};

#[derive(Clone, Copy)]
enum Client {
    Kubectl,
    Kctl,
}
use Client::{Kctl, Kubectl};

struct Twin {
    ns: TestNamespace,
    local: Local,
}

fn normalize(o: Output) -> Output {
    let rules = [
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "<TIME>"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
        (r#"(resourceVersion"?:\s*"?)\d+"#, "${1}<RV>"),
    ];
    let mut o = o;
    for (re, rep) in rules {
        let re = regex::Regex::new(re).unwrap();
        o.stdout = re.replace_all(&o.stdout, rep).into_owned();
        o.stderr = re.replace_all(&o.stderr, rep).into_owned();
    }
    o
}

impl Twin {
    fn new(hint: &str) -> Twin {
        let ns = cluster().namespace(hint);
        let local = Local::new();
        local.up();
        let out = local.kubectl(&["create", "namespace", &ns.name]);
        assert_eq!(out.code, 0, "{out:?}");
        Twin { ns, local }
    }

    fn run(&self, real: bool, client: Client, args: &[&str], stdin: Option<&str>) -> Output {
        let mut full = vec!["-n", self.ns.name.as_str()];
        full.extend_from_slice(args);
        let mut inv = if real { cluster().cmd(&full) } else { self.local.cmd(&full) };
        if let Some(s) = stdin {
            inv = inv.stdin(s);
        }
        let out = match client {
            Kubectl => inv.kubectl(),
            Kctl => inv.kctl(),
        };
        normalize(out)
    }

    /// The step on both servers; their outputs must match.
    fn same(&self, client: Client, args: &[&str], stdin: Option<&str>) -> Output {
        let real = self.run(true, client, args, stdin);
        let local = self.run(false, client, args, stdin);
        assert_eq!(local, real, "{args:?}: kctl local (left) differs from kube-apiserver (right)");
        real
    }

    /// The object as JSON from both servers.
    fn objects(&self, what: &[&str]) -> (Value, Value) {
        let mut args = vec!["get"];
        args.extend_from_slice(what);
        args.extend_from_slice(&["-o", "json", "--show-managed-fields"]);
        let parse = |o: Output| -> Value {
            assert_eq!(o.code, 0, "{o:?}");
            serde_json::from_str(&o.stdout).unwrap()
        };
        (parse(self.run(true, Kubectl, &args, None)), parse(self.run(false, Kubectl, &args, None)))
    }

    /// managedFields of both, without their times (and so in manager order:
    /// entries within the same second sort by name); without the controller's
    /// entry unless `controllers` (its status fields depend on when one looks).
    fn same_managed_fields(&self, what: &[&str]) {
        self.same_managed_fields_with(what, false)
    }

    fn same_managed_fields_with(&self, what: &[&str], controllers: bool) {
        let (real, local) = self.objects(what);
        let strip = |o: &Value| -> Vec<Value> {
            let o = if o["kind"] == "List" { &o["items"][0] } else { o };
            let mut v: Vec<Value> = o["metadata"]["managedFields"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| controllers || e["manager"] != "kube-controller-manager")
                .map(|mut e| {
                    e.as_object_mut().unwrap().remove("time");
                    e
                })
                .collect();
            v.sort_by_key(|e| (e["operation"].to_string(), e["manager"].to_string()));
            v
        };
        assert_eq!(strip(&local), strip(&real), "managedFields of {what:?}: kctl local (left), kube-apiserver (right)");
    }
}

fn manifest(name: &str, labels: &str, data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels: {labels}\ndata: {data}\n")
}

#[test]
fn kubectl_server_side_apply_configmap() {
    let t = Twin::new("ssa-cm");
    let v1 = manifest("cfg", "{app: web, tier: front}", "{a: \"1\", b: \"2\"}");
    let v2 = manifest("cfg", "{app: web}", "{a: \"10\", c: \"3\"}");
    let other = manifest("cfg", "{}", "{a: \"99\"}");
    let yaml = ["get", "configmap", "cfg", "-o", "yaml", "--show-managed-fields"];

    // Create, unchanged, changed (b and the tier label dropped from the config go).
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&v1));
    t.same(Kubectl, &yaml, None);
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&v1));
    t.same(Kubectl, &yaml, None);
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&v2));
    t.same(Kubectl, &yaml, None);

    // Another manager: a conflict, then forced ownership.
    let out = t.same(Kubectl, &["apply", "--server-side", "--field-manager=other", "-f", "-"], Some(&other));
    assert!(out.stderr.contains("conflict with \"kubectl\": .data.a"), "{out:?}");
    t.same(Kubectl, &["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"], Some(&other));
    t.same(Kubectl, &yaml, None);
    // The former owner applying its old value now conflicts with "other".
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&v2));

    // Dry run changes nothing.
    t.same(Kubectl, &["apply", "--server-side", "--dry-run=server", "--field-manager=other", "-f", "-"], Some(&manifest("cfg", "{}", "{z: \"0\"}")));
    t.same(Kubectl, &yaml, None);
    // Nor does a dry-run create.
    let fresh = manifest("fresh", "{}", "{a: \"1\"}");
    t.same(Kubectl, &["apply", "--server-side", "--dry-run=server", "-f", "-", "-o", "yaml"], Some(&fresh));
    t.same(Kctl, &["apply", "--server-side", "--dry-run=server", "-f", "-", "-o", "yaml"], Some(&fresh));
    t.same(Kubectl, &["get", "configmap", "fresh"], None);

    // Updates by other verbs are recorded as Update entries.
    t.same(Kubectl, &["label", "configmap", "cfg", "extra=yes"], None);
    t.same(Kubectl, &["patch", "configmap", "cfg", "--type=merge", "-p", "{\"data\":{\"d\":\"4\"}}"], None);
    t.same(Kubectl, &yaml, None);

    // A missing field manager is refused as the apiserver refuses it.
    t.same(Kubectl, &["apply", "--server-side", "--field-manager=", "-f", "-"], Some(&v2));
}

#[test]
fn kctl_server_side_apply_and_create_conflict() {
    let t = Twin::new("ssa-kctl");
    let yaml = ["get", "configmap", "made", "-o", "yaml", "--show-managed-fields"];
    t.same(Kctl, &["create", "configmap", "made", "--from-literal=a=1"], None);
    t.same(Kctl, &yaml, None);
    let applied = manifest("made", "{team: x}", "{a: \"2\", b: \"3\"}");
    let out = t.same(Kctl, &["apply", "--server-side", "-f", "-"], Some(&applied));
    assert_ne!(out.code, 0, "a conflict with kubectl-create is expected: {out:?}");
    t.same(Kctl, &["apply", "--server-side", "--force-conflicts", "-f", "-"], Some(&applied));
    t.same(Kctl, &yaml, None);
    // Entries sort by time in seconds, then by manager: a new second for the
    // new manager on both servers.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    t.same(Kctl, &["apply", "--server-side", "--field-manager=kctl-test", "-f", "-"], Some(&manifest("made", "{}", "{e: \"5\"}")));
    t.same(Kctl, &yaml, None);
    t.same(Kubectl, &yaml, None);
}

#[test]
fn client_side_then_server_side_apply() {
    let t = Twin::new("ssa-migrate");
    let yaml = ["get", "configmap", "cfg", "-o", "yaml", "--show-managed-fields"];
    t.same(Kubectl, &["apply", "-f", "-"], Some(&manifest("cfg", "{app: web}", "{a: \"1\", b: \"2\"}")));
    t.same(Kubectl, &yaml, None);
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&manifest("cfg", "{app: web}", "{a: \"1\", c: \"3\"}")));
    t.same(Kubectl, &yaml, None);
    t.same(Kubectl, &["apply", "-f", "-"], Some(&manifest("cfg", "{app: api}", "{a: \"1\"}")));
    t.same(Kubectl, &yaml, None);
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.19
        ports: [{containerPort: 80}]
        env: [{name: A, value: \"1\"}, {name: B, value: \"2\"}]
";

#[test]
fn kubectl_server_side_apply_deployment() {
    let t = Twin::new("ssa-deploy");
    let what = ["deployment", "web"];
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(DEPLOY));
    t.same_managed_fields(&what);
    // Image changed, env B dropped: the applier's list item goes.
    let v2 = DEPLOY.replace("nginx:1.19", "nginx:1.20").replace(", {name: B, value: \"2\"}", "");
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&v2));
    t.same_managed_fields(&what);
    let env = ["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env}"];
    t.same(Kubectl, &env, None);

    // Replicas owned by another manager: a conflict, then forced.
    let hpa = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n";
    // (kubectl validates the partial manifest against the real server's schema.)
    let out = t.same(Kubectl, &["apply", "--server-side", "--field-manager=hpa", "--validate=false", "-f", "-"], Some(hpa));
    assert!(out.stderr.contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"), "{out:?}");
    t.same(Kubectl, &["apply", "--server-side", "--field-manager=hpa", "--validate=false", "--force-conflicts", "-f", "-"], Some(hpa));
    t.same_managed_fields(&what);
    t.same(Kubectl, &["get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"], None);

    // The first applier now conflicts on replicas; kctl shows the same error.
    t.same(Kctl, &["apply", "--server-side", "-f", "-"], Some(&v2));
    t.same(Kubectl, &["apply", "--server-side", "--dry-run=server", "--force-conflicts", "-f", "-"], Some(&v2));
    t.same_managed_fields(&what);
    t.same(Kctl, &["apply", "--server-side", "--force-conflicts", "-f", "-"], Some(&v2));
    t.same_managed_fields(&what);
}

#[test]
fn created_deployment_and_its_controller_entries() {
    let t = Twin::new("ssa-created");
    t.same(Kubectl, &["create", "deployment", "web", "--image=nginx", "--port=80"], None);
    t.same(Kubectl, &["wait", "--for=condition=available", "deployment/web", "--timeout=60s"], None);
    t.same_managed_fields_with(&["deployment", "web"], true);
    t.same_managed_fields_with(&["replicaset", "-l", "app=web"], true);
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ssawidgets.ssa.kctl.test}
spec:
  group: ssa.kctl.test
  scope: Namespaced
  names: {plural: ssawidgets, singular: ssawidget, kind: SsaWidget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
";

#[test]
fn custom_resources_and_status_writes() {
    let t = Twin::new("ssa-cr");
    for real in [true, false] {
        let out = t.run(real, Kubectl, &["apply", "-f", "-"], Some(CRD));
        assert_eq!(out.code, 0, "{out:?}");
        let out = t.run(real, Kubectl, &["wait", "--for=condition=established", "crd/ssawidgets.ssa.kctl.test", "--timeout=60s"], None);
        assert_eq!(out.code, 0, "{out:?}");
    }
    let what = ["ssawidgets.ssa.kctl.test", "w1"];
    let v1 = "apiVersion: ssa.kctl.test/v1\nkind: SsaWidget\nmetadata: {name: w1}\nspec:\n  size: 3\n  tags: [a, b]\n  nested: {x: 1, w: {z: 2}}\n";
    let v2 = "apiVersion: ssa.kctl.test/v1\nkind: SsaWidget\nmetadata: {name: w1}\nspec:\n  size: 4\n  tags: [c]\n  nested: {x: 5}\n";
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(v1));
    t.same_managed_fields(&what);
    // Three conflicts, listed as the apiserver lists them.
    t.same(Kubectl, &["apply", "--server-side", "--field-manager=x", "-f", "-"], Some(v2));
    t.same(Kubectl, &["apply", "--server-side", "--field-manager=x", "--force-conflicts", "-f", "-"], Some(v2));
    t.same_managed_fields(&what);
    t.same(Kubectl, &["get", what[0], what[1], "-o", "jsonpath={.spec}"], None);
    // A status write is an Update entry of its own manager.
    t.same(Kubectl, &["patch", what[0], what[1], "--subresource=status", "--type=merge", "-p", "{\"status\":{\"ready\":true,\"m\":{\"a\":1}}}"], None);
    t.same_managed_fields(&what);
    // The applier drops its fields: only the ones nobody else owns go.
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some("apiVersion: ssa.kctl.test/v1\nkind: SsaWidget\nmetadata: {name: w1}\nspec: {}\n"));
    t.same_managed_fields(&what);
    t.same(Kubectl, &["get", what[0], what[1], "-o", "jsonpath={.spec}"], None);
}

#[test]
fn apply_configurations_the_apiserver_rejects() {
    let t = Twin::new("ssa-errors");
    // v1.20 has a default for a container port's protocol, not a service port's.
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: s1}\nspec:\n  selector: {app: s1}\n  ports: [{port: 80, targetPort: 8080, name: http}]\n";
    let out = t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(svc));
    assert!(out.stderr.contains("omits key field \"protocol\""), "{out:?}");
    t.same(Kubectl, &["apply", "--server-side", "-f", "-"], Some(&svc.replace("name: http}", "name: http, protocol: TCP}")));
    t.same_managed_fields(&["service", "s1"]);
    let dup = "apiVersion: v1\nkind: Pod\nmetadata: {name: dup}\nspec:\n  containers: [{name: a, image: x1}, {name: a, image: x2}]\n";
    t.same(Kubectl, &["apply", "--server-side", "--validate=false", "-f", "-"], Some(dup));
    t.same(Kctl, &["apply", "--server-side", "--validate=false", "-f", "-"], Some(dup));
}

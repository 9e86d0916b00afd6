//! `kctl local`'s OpenAPI against the reference apiserver (v1.20): `kubectl
//! explain`, client-side validation of unknown and wrongly typed fields
//! (kubectl and kctl), the strategic-merge metadata client-side apply reads,
//! and CRD schemas. Each test runs its own `kctl local` next to the shared
//! test cluster.

mod support;

use std::time::{Duration, Instant};

use support::local::Local;
use support::{cluster, Invocation, Output};

fn ok(out: Output) -> String {
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout
}

fn real(args: &[&str]) -> Invocation {
    cluster().cmd(args)
}

/// The field names of an explain output's FIELDS section, each with its depth
/// (the rank of its indent: the v2 and v3 templates indent by 3 and 2).
fn field_names(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split_once("FIELDS:\n").map(|(_, f)| f).unwrap_or("").lines().filter(|l| l.contains('\t')).collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut levels: Vec<usize> = lines.iter().map(|l| indent(l)).collect();
    levels.sort();
    levels.dedup();
    lines
        .iter()
        .map(|l| format!("{}:{}", levels.iter().position(|&x| x == indent(l)).unwrap(), l.trim_start().split('\t').next().unwrap()))
        .collect()
}

#[test]
fn explain_matches_reference() {
    let l = Local::new();
    l.up();
    for args in [
        &["deployment.spec.strategy"][..],
        &["deployment.spec.strategy", "--recursive"],
        &["pods.spec.containers"],
        &["svc.spec.ports"],
        &["configmap"],
        &["statefulsets.spec.volumeClaimTemplates"],
    ] {
        // The v1.20 apiserver has no OpenAPI v3, so kubectl explains from v2
        // there; forced to v2, kctl local must print the same bytes.
        let mut v2 = args.to_vec();
        v2.extend(["--output", "plaintext-openapiv2"]);
        let want = real(&[&["explain"][..], args].concat()).kubectl();
        assert_eq!(want.code, 0, "{want:?}");
        let got = l.kubectl(&[&["explain"][..], &v2].concat());
        assert_eq!(got, want, "explain {args:?} (v2)");
        // The default (v3) template differs in layout, not in the fields it lists.
        let v3 = ok(l.kubectl(&[&["explain"][..], args].concat()));
        assert_eq!(field_names(&v3), field_names(&want.stdout), "explain {args:?} (v3):\n{v3}");
    }
    let v3 = ok(l.kubectl(&["explain", "deployment.spec.strategy"]));
    assert!(v3.starts_with("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: strategy <DeploymentStrategy>\n"), "{v3}");
    // A field that does not exist fails the same way on both.
    let want = real(&["explain", "deployment.spec.nope"]).kubectl();
    let got = l.kubectl(&["explain", "deployment.spec.nope", "--output", "plaintext-openapiv2"]);
    assert_eq!(got, want);
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: oa-web
spec:
  replicas: 1
  selector:
    matchLabels: {app: oa-web}
  template:
    metadata:
      labels: {app: oa-web}
    spec:
      containers:
      - name: c
        image: nginx
";

#[test]
fn invalid_fields_rejected_like_reference() {
    let ns = cluster().namespace("oa-invalid");
    let l = Local::new();
    l.up();
    ok(l.kubectl(&["create", "namespace", &ns.name]));
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("unknown-top.yaml", DEPLOY.replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n")),
        ("unknown-nested.yaml", DEPLOY.replace("        image: nginx\n", "        image: nginx\n        imagePolicy: Always\n")),
        ("wrong-type.yaml", DEPLOY.replace("  replicas: 1\n", "  replicas: \"two\"\n")),
        ("unknown-meta.yaml", DEPLOY.replace("  name: oa-web\n", "  name: oa-web\n  labelz: {a: b}\n")),
    ];
    for (file, text) in &cases {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let path = path.display().to_string();
        for verb in ["apply", "create"] {
            let args = [verb, "-n", &ns.name, "-f", &path];
            let want = real(&args).kubectl();
            assert_eq!(want.code, 1, "{want:?}");
            assert!(want.stderr.starts_with("error: error validating "), "{want:?}");
            assert_eq!(l.kubectl(&args), want, "kubectl {args:?}");
            assert_eq!(l.kctl(&args), want, "kctl {args:?}");
            let want_kctl = real(&args).kctl();
            assert_eq!(want_kctl, want, "kctl {args:?} on the reference");
        }
    }
    // `--validate=warn` needs server-side validation, which neither server
    // advertises: kubectl says so and sends the object.
    let path = dir.path().join("unknown-top.yaml").display().to_string();
    let args = ["apply", "-n", &ns.name, "-f", &path, "--validate=warn", "--dry-run=server"];
    let klog = regex::Regex::new(r"(?m)^W\d{4} [\d:.]+\s+\d+ ").unwrap();
    let strip = |o: Output| Output { stderr: klog.replace_all(&o.stderr, "W ").into_owned(), ..o };
    let want = strip(real(&args).kubectl());
    assert!(want.stderr.contains("cannot perform warn validation if server-side field validation is unsupported"), "{want:?}");
    assert_eq!(strip(l.kubectl(&args)), want);

    // Wrongly typed values fail the apiserver's decoder (400), with its words.
    for (file, text) in [
        ("t-int.yaml", DEPLOY.replace("  replicas: 1\n", "  replicas: \"two\"\n")),
        ("t-bool.yaml", DEPLOY.replace("  replicas: 1\n", "  paused: \"yes\"\n")),
        ("t-string.yaml", DEPLOY.replace("image: nginx", "image: true")),
        ("t-map.yaml", DEPLOY.replace("      labels: {app: oa-web}", "      labels: [oa-web]")),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let path = path.display().to_string();
        for verb in ["apply", "create"] {
            let args = [verb, "-n", &ns.name, "-f", &path, "--validate=false"];
            let want = real(&args).kubectl();
            assert!(want.stderr.contains("Error from server (BadRequest): error when creating"), "{want:?}");
            assert_eq!(l.kubectl(&args), want, "kubectl {args:?}");
            assert_eq!(l.kctl(&args), real(&args).kctl(), "kctl {args:?}");
        }
    }
    // Without validation both servers take the object and drop what its type
    // does not have.
    let all = DEPLOY
        .replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n")
        .replace("        image: nginx\n", "        image: nginx\n        imagePolicy: Always\n")
        .replace("  name: oa-web\n", "  name: oa-web\n  labelz: {a: b}\n");
    let path = dir.path().join("unknown-all.yaml");
    std::fs::write(&path, all).unwrap();
    let path = path.display().to_string();
    let args = ["create", "-n", &ns.name, "-f", &path, "--validate=false"];
    let want = real(&args).kubectl();
    assert_eq!(want.code, 0, "{want:?}");
    assert_eq!(l.kubectl(&args), want);
    for jsonpath in ["{.spec.template.spec.containers}", "{.spec.foo}{.metadata.labelz}", "{.spec.replicas}"] {
        let get = ["get", "deployment", "oa-web", "-n", &ns.name, "-o", &format!("jsonpath={jsonpath}")];
        assert_eq!(l.kubectl(&get), real(&get).kubectl(), "{jsonpath}");
    }
    // A strategic merge patch with a wrongly typed value: the converter's 422,
    // quoting the patch.
    for patch in [
        r#"{"spec":{"paused":"yes"}}"#,
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"c","image":5}]}}}}"#,
        r#"{"metadata":{"labels":{"a":1}}}"#,
        r#"{"spec":{"minReadySeconds":1.5,"x":[1,"b",{"c":null}]}}"#,
        r#"{"spec":{"selector":"x"}}"#,
    ] {
        let args = ["patch", "deployment", "oa-web", "-n", &ns.name, "-p", patch];
        let want = real(&args).kubectl();
        assert!(want.stderr.starts_with("The request is invalid: patch: Invalid value: "), "{want:?}");
        assert_eq!(l.kubectl(&args), want, "kubectl {args:?}");
        assert_eq!(l.kctl(&args), want, "kctl {args:?}");
    }

    // kubectl sends `fieldValidation=Ignore` here; kctl always sends Strict,
    // which the v1.20 apiserver ignores, and so does kctl local.
    let args = ["apply", "-n", &ns.name, "-f", &path, "--validate=false"];
    let want = real(&args).kctl();
    assert_eq!(want.code, 0, "{want:?}");
    assert_eq!(l.kctl(&args), want);
}

/// Client-side apply of a change to one container while another container
/// gained an env var on the server: the strategic merge (containers merged by
/// name, from the OpenAPI's patch metadata) keeps it on both servers.
#[test]
fn client_side_apply_merges_containers_by_name() {
    let ns = cluster().namespace("oa-smp");
    let l = Local::new();
    l.up();
    ok(l.kubectl(&["create", "namespace", &ns.name]));
    let v1 = DEPLOY.replace("        image: nginx\n", "        image: nginx:1\n      - name: side\n        image: busybox:1\n");
    let v2 = v1.replace("nginx:1", "nginx:2");
    let env_patch = r#"{"spec":{"template":{"spec":{"containers":[{"name":"side","env":[{"name":"X","value":"1"}]}]}}}}"#;
    for (client, name) in [("kubectl", "oa-kubectl"), ("kctl", "oa-kctl")] {
        let inv = |on_local: bool, args: &[&str]| if on_local { l.cmd(args) } else { real(args) };
        let mut results = Vec::new();
        for on_local in [false, true] {
            let (a, b) = (v1.replace("name: oa-web\n", &format!("name: {name}\n")), v2.replace("name: oa-web\n", &format!("name: {name}\n")));
            ok(inv(on_local, &["apply", "-n", &ns.name, "-f", "-"]).stdin(a).kubectl_or(client));
            ok(inv(on_local, &["patch", "deployment", name, "-n", &ns.name, "-p", env_patch]).kubectl_or(client));
            let out = inv(on_local, &["apply", "-n", &ns.name, "-f", "-"]).stdin(b).kubectl_or(client);
            // No "error calculating patch from openapi v3 spec" fallback warning.
            assert_eq!(out.stderr, "", "{client}");
            assert_eq!(ok(out), format!("deployment.apps/{name} configured\n"));
            let containers = ok(inv(on_local, &["get", "deployment", name, "-n", &ns.name, "-o", "jsonpath={.spec.template.spec.containers}"]).kubectl());
            results.push(containers);
        }
        assert!(results[0].contains(r#""env":[{"name":"X","value":"1"}]"#), "{}", results[0]);
        assert!(results[0].contains("nginx:2"), "{}", results[0]);
        assert_eq!(results[1], results[0], "{client}: containers after apply");
    }
}

/// Run `inv` with `client` (an Invocation extension for the loops above).
trait RunWith {
    fn kubectl_or(self, client: &str) -> Output;
}

impl RunWith for Invocation {
    fn kubectl_or(self, client: &str) -> Output {
        if client == "kubectl" {
            self.kubectl()
        } else {
            self.kctl()
        }
    }
}

fn crd(group: &str) -> String {
    format!(
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{plural: widgets, singular: widget, kind: Widget}}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A widget.
        properties:
          spec:
            type: object
            description: What the widget should be.
            properties:
              size:
                type: integer
                description: How big.
              color:
                type: string
"
    )
}

#[test]
fn crd_schemas_are_served() {
    let suffix = format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 0xffffff);
    // Not under a group other tests use: `widgets.<x>.<group>` would also read as
    // resource.version.group.
    let group = format!("oa{suffix}.openapi.kctl");
    let ns = cluster().namespace("oa-crd");
    let l = Local::new();
    l.up();
    ok(l.kubectl(&["create", "namespace", &ns.name]));
    let index_before = ok(l.kubectl(&["get", "--raw", "/openapi/v3"]));
    ok(real(&["apply", "-f", "-"]).stdin(crd(&group)).kubectl());
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = cluster().cmd(["delete", "crd", &self.0, "--wait=false"]).kubectl();
        }
    }
    let _cleanup = Cleanup(format!("widgets.{group}"));
    ok(l.cmd(["apply", "-f", "-"]).stdin(crd(&group)).kubectl());

    // The v3 index changes with the CRD and lists its group-version.
    let index_after = ok(l.kubectl(&["get", "--raw", "/openapi/v3"]));
    assert_ne!(index_before, index_after);
    assert!(index_after.contains(&format!("\"apis/{group}/v1\"")), "{index_after}");

    // The apiserver publishes a CRD's schema a moment after creating it.
    let args = ["explain", &format!("widgets.{group}.spec")];
    let deadline = Instant::now() + Duration::from_secs(30);
    let want = loop {
        // A fresh discovery cache: a cached one lacks the new group, and kubectl
        // then settles for another group's `widgets`.
        let cache = tempfile::tempdir().unwrap();
        let cache_arg = format!("--cache-dir={}", cache.path().display());
        let out = real(&[&args[..], &[cache_arg.as_str()]].concat()).kubectl();
        // Until then (and until kubectl's discovery cache has the group)
        // another group's `widgets` may answer.
        if (out.code == 0 && out.stdout.contains(&group)) || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(want.code, 0, "{want:?}");
    let got = l.kubectl(&[&args[..], &["--output", "plaintext-openapiv2"]].concat());
    assert_eq!(got, want);
    let v3 = ok(l.kubectl(&args));
    assert_eq!(field_names(&v3), field_names(&want.stdout), "{v3}");

    // Without validation, a custom resource is pruned to its schema on both.
    let w = format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: pruned\nspec:\n  size: 1\n  shape: round\n");
    let widgets = format!("widgets.{group}");
    let get = ["get", &widgets, "pruned", "-n", &ns.name, "-o", "jsonpath={.spec}"];
    ok(real(&["apply", "-n", &ns.name, "--validate=false", "-f", "-"]).stdin(w.clone()).kubectl());
    ok(l.cmd(["apply", "-n", &ns.name, "--validate=false", "-f", "-"]).stdin(w).kubectl());
    assert_eq!(ok(l.kubectl(&get)), ok(real(&get).kubectl()));
    assert_eq!(ok(l.kubectl(&get)), r#"{"size":1}"#);

    // Unknown and wrongly typed fields in a custom resource.
    let dir = tempfile::tempdir().unwrap();
    for (file, spec) in [("unknown.yaml", "size: 1\n  shape: round"), ("typed.yaml", "size: big")] {
        let path = dir.path().join(file);
        std::fs::write(&path, format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  {spec}\n")).unwrap();
        let path = path.display().to_string();
        let args = ["apply", "-n", &ns.name, "-f", &path];
        let want = real(&args).kubectl();
        assert_eq!(want.code, 1, "{want:?}");
        assert_eq!(l.kubectl(&args), want);
        assert_eq!(l.kctl(&args), want);
    }
}

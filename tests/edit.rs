//! Differential tests for `kctl edit`: each scenario runs kctl in one namespace
//! and kubectl in its twin with the same scripted editor (a shell script that
//! applies one sed program per invocation and keeps a copy of every buffer it
//! was handed), then compares exit codes, stdout, stderr, the buffers and the
//! objects left on the server.

mod support;

use std::path::PathBuf;

use support::{cluster, Invocation, Output};

const SEED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n";

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: edgadgets.edit.kctl.test}\nspec:\n  group: edit.kctl.test\n  scope: Namespaced\n  names: {plural: edgadgets, singular: edgadget, kind: EdGadget}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n              size: {type: integer, minimum: 0}\n              tags: {type: array, items: {type: string}}\n";

const GADGET: &str = "apiVersion: edit.kctl.test/v1\nkind: EdGadget\nmetadata: {name: g1}\nspec: {size: 1, tags: [a, b]}\n";

/// A scripted editor: invocation N applies `steps[N-1]` (a sed program; none
/// past the end) and saves what it was given as `bufN` in its directory.
struct ScriptedEditor {
    dir: PathBuf,
}

impl ScriptedEditor {
    fn new(tag: &str, steps: &[&str]) -> ScriptedEditor {
        let dir = std::env::temp_dir().join(format!("kctl-edit-test-{tag}-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut script = format!("d='{}'\nn=$(cat \"$d/count\" 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > \"$d/count\"\ncp \"$1\" \"$d/buf$n\"\ncase $n in\n", dir.display());
        for (i, s) in steps.iter().enumerate() {
            assert!(!s.contains('\''), "sed programs are single-quoted");
            script.push_str(&format!("{}) sed -i '{s}' \"$1\" ;;\n", i + 1));
        }
        script.push_str("esac\n");
        std::fs::write(dir.join("editor.sh"), script).unwrap();
        ScriptedEditor { dir }
    }

    /// The KUBE_EDITOR value: two words, split by kubectl (no shell involved).
    fn command(&self) -> String {
        format!("sh {}", self.dir.join("editor.sh").display())
    }

    fn buffers(&self) -> Vec<String> {
        (1..).map(|n| self.dir.join(format!("buf{n}"))).take_while(|p| p.exists()).map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }
}

impl Drop for ScriptedEditor {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

/// Values that legitimately differ between the twins: the namespace, temp
/// file names, the program name, times, UIDs and resource versions.
fn norm(text: &str, ns: &str) -> String {
    let mut t = text.replace(ns, "<NS>");
    for (re, rep) in [
        (r"/\S*/(kctl|kubectl)-edit-\d+\.(yaml|json)", "<TMP>"),
        (r"`(kctl|kubectl) replace", "`<PROG> replace"),
        (r"See '(kctl|kubectl) ", "See '<PROG> "),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", "<TIME>"),
        (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
        (r#"(resourceVersion\\?"?:\s*\\?"?)\d+"#, "${1}<RV>"),
    ] {
        t = regex::Regex::new(re).unwrap().replace_all(&t, rep).into_owned();
    }
    t
}

fn normalize(o: Output, ns: &str) -> Output {
    Output { stdout: norm(&o.stdout, ns), stderr: norm(&o.stderr, ns), code: o.code }
}

/// Twin namespaces seeded with the same objects.
struct Twins {
    a: support::TestNamespace,
    b: support::TestNamespace,
}

impl Twins {
    fn new(hint: &str, manifests: &[&str]) -> Twins {
        let c = cluster();
        let (a, b) = (c.namespace(&format!("{hint}-a")), c.namespace(&format!("{hint}-b")));
        for m in manifests {
            c.kubectl_apply(&a.name, m);
            c.kubectl_apply(&b.name, m);
        }
        // Deployments are edited with their status in the buffer: let both settle.
        if manifests.iter().any(|m| m.contains("kind: Deployment")) {
            for ns in [&a.name, &b.name] {
                let out = c.cmd(["-n", ns, "wait", "--for=condition=available", "--timeout=60s", "deploy", "--all"]).kubectl();
                assert_eq!(out.code, 0, "{}", out.stderr);
            }
        }
        Twins { a, b }
    }

    fn invocation(ns: &str, args: &[&str], editor: &ScriptedEditor) -> Invocation {
        let mut full = vec!["-n", ns];
        full.extend_from_slice(args);
        // The clients' temp files go to the editor's directory, removed with it.
        cluster().cmd(&full).env("KUBE_EDITOR", editor.command()).env("TMPDIR", editor.dir.display().to_string())
    }

    /// Run `edit ARGS` on both sides with the same editor steps; require the
    /// same results and buffers. Returns kctl's normalised output and buffers.
    fn edit(&self, args: &[&str], steps: &[&str]) -> (Output, Vec<String>) {
        let (ea, eb) = (ScriptedEditor::new("kctl", steps), ScriptedEditor::new("kubectl", steps));
        let mut full = vec!["edit"];
        full.extend_from_slice(args);
        let x = normalize(Self::invocation(&self.a.name, &full, &ea).kctl(), &self.a.name);
        let y = normalize(Self::invocation(&self.b.name, &full, &eb).kubectl(), &self.b.name);
        assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "edit {args:?} with {steps:?}");
        let bx: Vec<String> = ea.buffers().iter().map(|b| without_status(&norm(b, &self.a.name))).collect();
        let by: Vec<String> = eb.buffers().iter().map(|b| without_status(&norm(b, &self.b.name))).collect();
        assert_eq!(bx, by, "buffers of edit {args:?}");
        (x, bx)
    }

    /// The same read on both sides must agree (the objects the edits left).
    fn same(&self, args: &[&str]) -> Output {
        let c = cluster();
        let run = |ns: &str, kctl: bool| {
            let mut full = vec!["-n", ns];
            full.extend_from_slice(args);
            let inv = c.cmd(&full);
            normalize(if kctl { inv.kctl() } else { inv.kubectl() }, ns)
        };
        let (x, y) = (run(&self.a.name, true), run(&self.b.name, false));
        assert_eq!(x, y, "{args:?}");
        x
    }
}

/// A YAML buffer with each `status:` block collapsed: controllers write it
/// on their own schedule, so it differs between the twins (condition order,
/// ReplicaSet names) for reasons that have nothing to do with the client.
fn without_status(text: &str) -> String {
    let mut out = String::new();
    let mut skip_deeper_than: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(level) = skip_deeper_than {
            if indent > level && !line.trim().is_empty() {
                continue;
            }
            skip_deeper_than = None;
        }
        if line.trim_end() == format!("{}status:", " ".repeat(indent)) {
            skip_deeper_than = Some(indent);
            out.push_str(&format!("{}status: <STATUS>\n", " ".repeat(indent)));
            continue;
        }
        out.push_str(line);
    }
    out
}

/// The stored copy named in `A copy of your changes has been stored to "…"`.
fn stored_copy(stderr_raw: &str) -> Option<PathBuf> {
    let re = regex::Regex::new(r#"A copy of your changes has been stored to "([^"]+)""#).unwrap();
    re.captures(stderr_raw).map(|c| PathBuf::from(&c[1]))
}

#[test]
fn status_blocks_are_collapsed() {
    let text = "a:\n  status:\n    x: 1\n    c:\n    - y\n  b: 2\nstatus:\n  z: 3\n";
    assert_eq!(without_status(text), "a:\n  status: <STATUS>\n  b: 2\nstatus: <STATUS>\n");
}

#[test]
fn deployment_image_and_label() {
    let t = Twins::new("ed-deploy", &[SEED]);
    let (out, _) = t.edit(&["deploy", "web", "--output-patch"], &[r"s/image: nginx$/image: nginx:1.25/; s/^    app: web$/    app: web\n    tier: front/"]);
    assert_eq!(out.stdout, "Patch: {\"metadata\":{\"labels\":{\"tier\":\"front\"}},\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"c\"}],\"containers\":[{\"image\":\"nginx:1.25\",\"name\":\"c\"}]}}}}\ndeployment.apps/web edited\n");
    let got = t.same(&["get", "deploy", "web", "-o", "jsonpath={.metadata.labels} {.spec.template.spec.containers[0].image}"]);
    assert_eq!(got.stdout, "{\"app\":\"web\",\"tier\":\"front\"} nginx:1.25");
    // The controller's and apply's entries come in whichever order they happened.
    let c = cluster();
    let managers = |ns: &str| {
        let out = c.cmd(["-n", ns, "get", "deploy", "web", "-o", "jsonpath={.metadata.managedFields[*].manager}"]).kubectl();
        let mut m: Vec<String> = out.stdout.split(' ').map(String::from).collect();
        m.sort();
        m
    };
    assert_eq!(managers(&t.a.name), managers(&t.b.name));
    assert!(managers(&t.a.name).contains(&"kubectl-edit".to_string()));
}

#[test]
fn strategic_patches_for_lists_and_retained_keys() {
    let t = Twins::new("ed-smp", &[SEED]);
    let settle = || {
        for ns in [&t.a.name, &t.b.name] {
            let out = cluster().cmd(["-n", ns, "rollout", "status", "deploy/web", "--timeout=60s"]).kubectl();
            assert_eq!(out.code, 0, "{}", out.stderr);
        }
    };
    let steps: &[(&str, &str)] = &[
        (r#"s/^      - image: nginx$/      - image: nginx\n        env: [{name: A, value: "1"}, {name: B, value: "2"}]\n        ports: [{containerPort: 80}, {containerPort: 81}]/"#, "\"env\":[{\"name\":\"A\""),
        ("/^        - name: A$/,+1d; /^        - containerPort: 80$/,+1d", "{\"$patch\":\"delete\",\"name\":\"A\"}"),
        ("s/^      - env:$/      - image: busybox\\n        name: d\\n      - env:/", "\"$setElementOrder/containers\":[{\"name\":\"d\"},{\"name\":\"c\"}]"),
        ("/^    rollingUpdate:$/,+2d; s/^    type: RollingUpdate/    type: Recreate/; /^    app: web$/d", "\"$retainKeys\":[\"type\"]"),
        ("s/^      dnsPolicy: ClusterFirst/      dnsPolicy: ClusterFirst\\n      volumes: [{name: v, emptyDir: {}}]/", "\"volumes\""),
        ("s/^      - emptyDir: {}/      - configMap: {name: cfg}/", "\"emptyDir\":null"),
    ];
    for (sed, expect) in steps {
        settle();
        let (out, _) = t.edit(&["deploy", "web", "--output-patch"], &[sed]);
        assert!(out.stdout.contains(expect) && out.stdout.ends_with("deployment.apps/web edited\n"), "{sed}: {}{}", out.stdout, out.stderr);
    }
    t.same(&["get", "deploy", "web", "-o", "jsonpath={.metadata.labels} {.spec.strategy} {.spec.template.spec}"]);
}

#[test]
fn configmap_edits_cancels_and_empty_files() {
    let t = Twins::new("ed-cm", &[SEED]);
    let (out, bufs) = t.edit(&["cm", "cfg"], &["s/^  a: b$/  a: c\\n  d: e/"]);
    assert_eq!(out.stdout, "configmap/cfg edited\n");
    assert!(bufs[0].starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"));
    t.same(&["get", "cm", "cfg", "-o", "yaml"]);
    // An editor that changes nothing, or only comments.
    let (out, _) = t.edit(&["configmap/cfg"], &[]);
    assert_eq!((out.code, out.stderr.as_str()), (0, "Edit cancelled, no changes made.\n"));
    t.edit(&["configmap/cfg"], &["1s/^# Please/# Kindly/"]);
    // Emptied: with validation the empty text is an invalid object; without, a cancel.
    let (out, _) = t.edit(&["cm", "cfg", "--validate=false"], &["d"]);
    assert_eq!(out.stderr, "Edit cancelled, saved file was empty.\n");
    t.edit(&["cm", "cfg", "--validate=false"], &["/^#/!d"]);
    let (out, bufs) = t.edit(&["cm", "cfg"], &["d"]);
    assert_eq!(out.code, 1);
    assert!(bufs[1].contains("# * <nil>: Invalid value: \"The edited file failed validation\": invalid object to validate\n"), "{}", bufs[1]);
    // -o yaml prints the edited object; -o json edits JSON, without a header.
    t.edit(&["cm", "cfg", "-o", "yaml"], &["s/^  d: e$/  d: f/"]);
    let (_, bufs) = t.edit(&["cm", "cfg", "-o", "json", "--output-patch"], &[r#"s/"d": "f"/"d": "g"/"#]);
    assert!(bufs[0].starts_with("{\n    \"apiVersion\": \"v1\","), "{}", bufs[0]);
    t.edit(&["cm", "cfg", "--windows-line-endings"], &["s/^  d: g\\r$/  d: h\\r/"]);
    t.edit(&["cm", "cfg", "--save-config", "--field-manager=mine"], &["s/^  d: h$/  d: i/"]);
    let got = t.same(&["get", "cm", "cfg", "-o", "yaml", "--show-managed-fields"]);
    assert!(got.stdout.contains("manager: mine"), "{}", got.stdout);
}

#[test]
fn syntax_errors_reopen_the_file() {
    let t = Twins::new("ed-syntax", &[SEED]);
    // Caught by validation first, then fixed on the second pass.
    let (out, bufs) = t.edit(&["cm", "cfg"], &["s/^  a: b$/  a: [x/", "s/^  a: \\[x$/  a: fixed/"]);
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (0, "configmap/cfg edited\n", "error: configmaps \"cfg\" is invalid\n"));
    assert_eq!(bufs.len(), 2);
    assert!(bufs[1].contains("# configmaps \"cfg\" was not valid:\n# * <nil>: Invalid value: \"The edited file failed validation\": yaml: line "), "{}", bufs[1]);
    assert!(bufs[1].contains("\n  a: [x\n"), "the user's text comes back: {}", bufs[1]);
    t.same(&["get", "cm", "cfg", "-o", "jsonpath={.data}"]);
    // Without validation the parser reports it; the user gives up.
    let (out, bufs) = t.edit(&["cm", "cfg", "--validate=false"], &["s/^  a: fixed$/  a: [y/"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "A copy of your changes has been stored to \"<TMP>\"\nerror: Edit cancelled, no valid changes were saved.\n");
    assert!(bufs[1].contains("# The edited file had a syntax error: error parsing edited-file: error converting YAML to JSON: yaml: line "), "{}", bufs[1]);
    t.same(&["get", "cm", "cfg", "-o", "jsonpath={.data}"]);
    // JSON buffers are reopened without a header; CRLF buffers keep their endings.
    let (out, bufs) = t.edit(&["cm", "cfg", "-o", "json"], &[r#"s/"a": "fixed"/"a": [/"#, r#"s/"a": \[/"a": "json"/"#]);
    assert_eq!(out.stderr, "error: configmaps \"cfg\" is invalid\n");
    assert!(bufs[1].starts_with("{\n"), "{}", bufs[1]);
    let (_, bufs) = t.edit(&["cm", "cfg", "--windows-line-endings"], &["s/^  a: json\\r$/  a: [x\\r/", "s/^  a: \\[x\\r$/  a: crlf\\r/"]);
    assert!(bufs[1].contains("#\r\n# configmaps \"cfg\" was not valid:\r\n"), "{}", bufs[1]);
    t.same(&["get", "cm", "cfg", "-o", "jsonpath={.data}"]);
}

#[test]
fn schema_validation_against_an_old_server() {
    let t = Twins::new("ed-schema", &[SEED]);
    // Wrong types, unknown and missing fields are found before anything is sent.
    let (out, bufs) = t.edit(&["deploy", "web"], &["0,/^  replicas: 1$/s//  replicas: \"abc\"\\n  foo: bar/; s/^        name: c$/        nom: c/"]);
    assert_eq!(out.code, 1);
    assert!(bufs[1].contains("ValidationError(Deployment.spec): unknown field \"foo\" in io.k8s.api.apps.v1.DeploymentSpec"), "{}", bufs[1]);
    let (out, _) = t.edit(&["cm", "cfg", "deploy", "web"], &["s/^    a: b$/    a: [1]/"]);
    assert_eq!(out.code, 1);
    // Whole numbers are integers, others numbers; a nil array item is reported on the array.
    let (out, bufs) = t.edit(&["deploy", "web"], &["0,/^  replicas: 1$/s//  replicas: 1\\n  paused: 1/; s/^        name: c$/        name: c\\n        stdin: 1.5\\n        args: [~, a]/"]);
    assert_eq!(out.code, 1);
    for want in [
        "ValidationError(Deployment.spec.paused): invalid type for io.k8s.api.apps.v1.DeploymentSpec.paused: got \"integer\", expected \"boolean\"",
        "ValidationError(Deployment.spec.template.spec.containers[0].args): unknown object type \"nil\" in Deployment.spec.template.spec.containers[0].args[0]",
        "ValidationError(Deployment.spec.template.spec.containers[0].stdin): invalid type for io.k8s.api.core.v1.Container.stdin: got \"number\", expected \"boolean\"",
    ] {
        assert!(bufs[1].contains(want), "{want}\n{}", bufs[1]);
    }
    // warn cannot be honoured by such a server: kubectl says so and skips validation.
    let norm_klog = |o: &Output| regex::Regex::new(r"(?m)^W\d{4} [\d:.]+\s+\d+ ").unwrap().replace_all(&o.stderr, "W<KLOG> ").into_owned();
    let ea = ScriptedEditor::new("warn-a", &["s/^  a: b$/  a: warned/"]);
    let eb = ScriptedEditor::new("warn-b", &["s/^  a: b$/  a: warned/"]);
    let x = Twins::invocation(&t.a.name, &["edit", "cm", "cfg", "--validate=warn"], &ea).kctl();
    let y = Twins::invocation(&t.b.name, &["edit", "cm", "cfg", "--validate=warn"], &eb).kubectl();
    assert_eq!((x.code, &x.stdout, norm_klog(&x)), (y.code, &y.stdout, norm_klog(&y)));
    assert!(x.stderr.contains("schema.go:145] cannot perform warn validation"), "{}", x.stderr);
}

#[test]
fn stored_copy_keeps_the_users_text() {
    let t = Twins::new("ed-copy", &[SEED]);
    let e = ScriptedEditor::new("copy", &["s/^  a: b$/  a: [keep me/"]);
    let out = Twins::invocation(&t.a.name, &["edit", "cm", "cfg"], &e).kctl();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let copy = stored_copy(&out.stderr).expect("a stored copy is named");
    let name = copy.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("kctl-edit-") && name.ends_with(".yaml"), "{name}");
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("  a: [keep me\n"), "{text}");
    let _ = std::fs::remove_file(copy);
}

#[test]
fn server_rejections_reopen_then_cancel_or_fix() {
    let t = Twins::new("ed-reject", &[SEED]);
    let (out, bufs) = t.edit(&["deploy", "web"], &["0,/^  replicas: 1$/s//  replicas: -1/"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: deployments.apps \"web\" is invalid\nA copy of your changes has been stored to \"<TMP>\"\nerror: Edit cancelled, no valid changes were saved.\n"
    );
    assert!(bufs[1].contains("# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\n"), "{}", bufs[1]);
    let (out, _) = t.edit(&["deploy", "web"], &["0,/^  replicas: 1$/s//  replicas: -1/", "s/^  replicas: -1$/  replicas: 2/"]);
    assert_eq!(out.stdout, "deployment.apps/web edited\n");
    t.same(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"]);
    // Changing the name is refused before anything is sent.
    let (out, _) = t.edit(&["cm", "cfg"], &["s/^  name: cfg$/  name: other/"]);
    assert_eq!(out.stderr, "A copy of your changes has been stored to \"<TMP>\"\nerror: At least one of apiVersion, kind and name was changed\n");
    // Without its uid an object cannot be matched to what was fetched.
    let (out, _) = t.edit(&["cm", "cfg"], &["/^  uid:/d; s/^  a: b$/  a: c/"]);
    assert!(out.stderr.contains("error: no original object found for &unstructured.Unstructured{Object:map[string]interface {}{\"apiVersion\":\"v1\", "), "{}", out.stderr);
    // A stale resourceVersion is a conflict: kubectl suggests replace.
    let (out, _) = t.edit(&["cm", "cfg"], &["s/^  resourceVersion: .*/  resourceVersion: \"5\"/; s/^  a: b$/  a: c/"]);
    assert!(out.stderr.ends_with("You can run `<PROG> replace -f <TMP>` to try this update again.\n"), "{}", out.stderr);
}

#[test]
fn several_objects_are_a_list() {
    let t = Twins::new("ed-list", &[SEED]);
    let (out, bufs) = t.edit(&["deploy/web", "cm/cfg"], &["s/^    a: b$/    a: c/"]);
    assert_eq!(out.stdout, "deployment.apps/web skipped\nconfigmap/cfg edited\n");
    assert!(bufs[0].ends_with("kind: List\nmetadata: {}\n"), "{}", bufs[0]);
    t.same(&["get", "cm", "cfg", "-o", "jsonpath={.data}"]);
    // A type without names edits every object of it; none is an error.
    t.edit(&["cm"], &[]);
    t.edit(&["jobs"], &[]);
    // Objects named by a file are fetched from the server and edited there.
    let dir = std::env::temp_dir().join(format!("kctl-edit-f-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("cm.yaml");
    std::fs::write(&file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n").unwrap();
    let (out, _) = t.edit(&["-f", &file.to_string_lossy()], &["s/^  a: c$/  a: from-file/"]);
    assert_eq!(out.stdout, "configmap/cfg edited\n");
    t.same(&["get", "cm", "cfg", "-o", "jsonpath={.data}"]);
    let _ = std::fs::remove_dir_all(dir);
    // The status subresource is fetched and patched on its own.
    let (out, _) = t.edit(&["deploy", "web", "--subresource=status", "--output-patch"], &["s/^  replicas: 1$/  replicas: 3/"]);
    assert_eq!(out.stdout, "Patch: {\"spec\":{\"replicas\":3},\"status\":{\"replicas\":3}}\ndeployment.apps/web edited\n");
}

#[test]
fn custom_resources_get_merge_patches() {
    let c = cluster();
    let out = c.cmd(["apply", "-f", "-"]).stdin(CRD).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = c.cmd(["wait", "--for=condition=established", "--timeout=60s", "crd/edgadgets.edit.kctl.test"]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let t = Twins::new("ed-cr", &[GADGET]);
    let (out, _) = t.edit(&["edgadget", "g1", "--output-patch"], &["s/^  size: 1$/  size: 2/; s/^  - b$/  - c/"]);
    assert_eq!(out.stdout, "Patch: {\"spec\":{\"size\":2,\"tags\":[\"a\",\"c\"]}}\nedgadget.edit.kctl.test/g1 edited\n");
    t.same(&["get", "edgadget", "g1", "-o", "yaml"]);
    let (out, _) = t.edit(&["edgadget/g1"], &["s/^  size: 2$/  size: -2/"]);
    assert!(out.stderr.starts_with("error: edgadgets.edit.kctl.test \"g1\" is invalid\n"), "{}", out.stderr);
    // The CRD's published schema is checked on the client too.
    let (_, bufs) = t.edit(&["edgadget/g1"], &["s/^  size: 2$/  size: \"big\"\\n  other: 1/"]);
    assert!(bufs[1].contains("invalid type for test.kctl.edit.v1.EdGadget.spec.size: got \"string\", expected \"integer\""), "{}", bufs[1]);
}

#[test]
fn argument_and_editor_errors() {
    let t = Twins::new("ed-args", &[SEED]);
    let cases: &[&[&str]] = &[
        &[],
        &["deploy/nope", "cm/nope2"],
        &["cm", "cfg", "-o", "name"],
        &["-f", "x.yaml", "cm", "cfg"],
        &["nosuchtype", "x"],
        &["deploy/web/x"],
        &["cm", "cfg", "--validate=maybe"],
        &["secrets,deploy", "--subresource=status", "-l", "a=b"],
        &["deploy", "--subresource=status"],
        &["deploy/web", "--subresource=scale"],
    ];
    for args in cases {
        t.edit(args, &[]);
    }
    let c = cluster();
    // A failed editor leaves the file behind (kubectl does too): keep it out of /tmp.
    let scratch = ScriptedEditor::new("failing", &[]);
    let tmp = scratch.dir.display().to_string();
    for editor in ["false", "no-such-editor-kctl", "sh -c 'exit 3'"] {
        let run = |ns: &str, kctl: bool| {
            let inv = c.cmd(["-n", ns, "edit", "cm", "cfg"]).env("KUBE_EDITOR", editor).env("TMPDIR", &tmp);
            normalize(if kctl { inv.kctl() } else { inv.kubectl() }, ns)
        };
        assert_eq!(run(&t.a.name, true), run(&t.b.name, false), "KUBE_EDITOR={editor}");
    }
    // EDITOR is the fallback.
    let run = |ns: &str, kctl: bool| {
        let inv = c.cmd(["-n", ns, "edit", "cm", "cfg"]).env("EDITOR", "true");
        normalize(if kctl { inv.kctl() } else { inv.kubectl() }, ns)
    };
    assert_eq!(run(&t.a.name, true), run(&t.b.name, false));
}

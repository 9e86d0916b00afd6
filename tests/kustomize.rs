//! `kctl kustomize` and `-k` against kubectl 1.32's embedded kustomize: the
//! built YAML, warnings and errors byte for byte, and `-k` in the commands
//! that read manifests.

mod support;

use std::path::Path;

use support::{cluster, repo_root, Invocation, Norm};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The kustomizations of testdata/kustomize: bases and overlays, every
/// generator option, labels and annotations with their field specs, images,
/// replicas, the three kinds of patches, name references, ordering.
#[test]
fn builds_match_kubectl() {
    let root = repo_root().join("testdata/kustomize");
    fn kustomizations(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        // Components build only inside a kustomization.
        let file = dir.join("kustomization.yaml");
        if file.is_file() && !std::fs::read_to_string(&file).unwrap().contains("kind: Component") {
            out.push(dir.to_path_buf());
        }
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                kustomizations(&p, out);
            }
        }
    }
    let mut dirs = Vec::new();
    kustomizations(&root, &mut dirs);
    dirs.sort();
    assert!(dirs.len() >= 7, "testdata/kustomize has the cases");
    for dir in dirs {
        let out = Invocation::new(["kustomize", dir.to_str().unwrap()]).assert_same(&[]);
        assert_eq!(out.code, 0, "{}: {}", dir.display(), out.stderr);
        assert!(out.stdout.contains("kind: "), "{} builds objects", dir.display());
    }
    // A relative DIR, and the current directory by default.
    Invocation::new(["kustomize", "overlay"]).cwd(&root).assert_same(&[]);
    Invocation::new(["kustomize"]).cwd(root.join("generators")).assert_same(&[]);
}

/// Writing to `-o PATH` instead of stdout.
#[test]
fn output_file_matches_kubectl() {
    let root = repo_root().join("testdata/kustomize/wide");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    let x = Invocation::new(["kustomize", root.to_str().unwrap(), "-o", a.to_str().unwrap()]).kctl();
    let y = Invocation::new(["kustomize", root.to_str().unwrap(), "-o", b.to_str().unwrap()]).kubectl();
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr));
    assert_eq!(std::fs::read_to_string(a).unwrap(), std::fs::read_to_string(b).unwrap());
}

/// kustomize's errors (through klog, as kubectl reports them) and warnings,
/// for each kustomization read.
#[test]
fn errors_and_warnings_match_kubectl() {
    let dir = tempfile::tempdir().unwrap();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n";
    write(
        dir.path(),
        &[
            ("nokust/readme.txt", "no kustomization here\n"),
            ("unknown/kustomization.yaml", "foo: bar\n"),
            ("badtype/kustomization.yaml", "configMapGenerator:\n- name: x\n  options:\n    labels: {x: y}\n"),
            ("missing/kustomization.yaml", "resources:\n- nope.yaml\n"),
            ("dup/kustomization.yaml", "resources:\n- a.yaml\n- a.yaml\n"),
            ("dup/a.yaml", cm),
            ("twice/kustomization.yaml", "commonLabels: {a: b}\nbases:\n- b\n"),
            ("twice/b/kustomization.yaml", "commonLabels: {c: d}\nresources:\n- a.yaml\n"),
            ("twice/b/a.yaml", cm),
            ("nest/over/kustomization.yaml", "resources:\n- ../../missing\n"),
            ("nest2/kustomization.yaml", "resources:\n- ../dup\n"),
            ("Kustomization-named/Kustomization", "resources:\n- a.yaml\nnamePrefix: p-\n"),
            ("Kustomization-named/a.yaml", cm),
            ("outside/kustomization.yaml", "resources:\n- ../dup/a.yaml\n"),
            ("noreplica/kustomization.yaml", "resources:\n- a.yaml\nreplicas:\n- {name: nothing, count: 2}\n"),
            ("noreplica/a.yaml", cm),
            ("component-as-resource/kustomization.yaml", "resources:\n- comp\n"),
            ("component-as-resource/comp/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: c-\n"),
            ("empty/kustomization.yaml", ""),
            ("empty-nested/kustomization.yaml", "resources:\n- ../empty\n"),
            ("only-kind/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"),
            ("kustomization-as-component/kustomization.yaml", "components:\n- ../dup\n"),
            ("literal-map/kustomization.yaml", "configMapGenerator:\n- name: x\n  literals:\n  - colon=key: value\n"),
            ("ordering/kustomization.yaml", "resources:\n- a.yaml\n"),
            (
                "ordering/a.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: a-b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n",
            ),
        ],
    );
    for case in ["nokust", "unknown", "badtype", "missing", "dup", "twice", "nest/over", "nest2", "Kustomization-named", "outside", "does-not-exist", "noreplica", "literal-map", "ordering", "component-as-resource", "kustomization-as-component", "empty", "empty-nested", "only-kind"] {
        Invocation::new(["kustomize", case]).cwd(dir.path()).assert_same(&[Norm::KlogHeader]);
    }
}

/// Fields kctl does not build are refused by name, never ignored.
#[test]
fn unsupported_fields_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("kustomization.yaml", "resources: []\nreplacements:\n- source: {kind: ConfigMap}\n")]);
    let out = Invocation::new(["kustomize", dir.path().to_str().unwrap()]).kctl();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("the kustomization field 'replacements' is not supported by kctl"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
    // kustomize's own message also names the generator by its address.
    write(dir.path(), &[("kustomization.yaml", "configMapGenerator:\n- {name: nothere, behavior: merge, literals: [a=1]}\n")]);
    let out = Invocation::new(["kustomize", dir.path().to_str().unwrap()]).kctl();
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Name:\\\"nothere\\\", Namespace:\\\"\\\"} does not exist; cannot merge or replace"), "{}", out.stderr);
}

/// `-k` where kubectl reads manifests: create, get, diff, label, describe,
/// delete, with kubectl's checks.
#[test]
fn dash_k_matches_kubectl() {
    let c = cluster();
    let (a, b) = (c.namespace("kz-a"), c.namespace("kz-b"));
    let base = repo_root().join("testdata/kustomize/base");
    let base = base.to_str().unwrap();
    let steps: &[&[&str]] = &[
        &["apply", "-k", base],
        &["get", "-k", base, "-o", "name"],
        &["get", "cm", "-l", "app=web", "-o", "jsonpath={.items[*].data}"],
        &["apply", "-k", base],
        &["diff", "-k", base],
        &["label", "-k", base, "x=y", "--dry-run=client"],
        &["annotate", "-k", base, "note=1"],
        &["get", "-k", base, "-o", "jsonpath={.items[*].metadata.annotations.note}"],
        &["create", "-k", base, "--dry-run=client", "-o", "name"],
        &["apply", "-k", base, "-f", base],
        &["get", "-k", base, "-R"],
        &["get", "-k", "", "cm", "-o", "name"],
        &["get", "-k", "/nonexistent/dir"],
        &["delete", "-k", base],
    ];
    for args in steps {
        let run = |ns: &str| {
            let mut full = vec!["-n", ns];
            full.extend_from_slice(args);
            c.cmd(&full)
        };
        let (x, y) = (run(&a.name).kctl(), run(&b.name).kubectl());
        let norm = |s: &str, ns: &str| s.replace(ns, "<NS>").replace("See 'kctl ", "See 'kubectl ");
        assert_eq!((x.code, norm(&x.stdout, &a.name), norm(&x.stderr, &a.name)), (y.code, norm(&y.stdout, &b.name), norm(&y.stderr, &b.name)), "{args:?}");
    }
}

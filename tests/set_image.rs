//! `kctl set image` against kubectl: the same commands on twin namespaces give
//! the same output, errors and exit codes, and leave the same images behind.

mod support;

use support::{cluster, Output};

fn testdata(name: &str) -> String {
    support::repo_root().join("testdata/set").join(name).display().to_string()
}

fn same(a: &str, b: &str, args: &[&str]) -> Output {
    let (x, y) = support::twin(a, b, args);
    let x = Output { stderr: x.stderr.replace("See 'kctl ", "See 'kubectl "), ..x };
    assert_eq!((x.code, &x.stdout, &x.stderr), (y.code, &y.stdout, &y.stderr), "kctl vs kubectl: {args:?}");
    x
}

/// Every container and init container image, per object.
fn images(ns: &str) -> String {
    let tpl = "{range .items[*]}{.kind}/{.metadata.name}:{range .spec.template.spec.initContainers[*]} {.name}={.image}{end}{range .spec.template.spec.containers[*]} {.name}={.image}{end}{range .spec.jobTemplate.spec.template.spec.containers[*]} {.name}={.image}{end}{range .spec.containers[*]} {.name}={.image}{end}\n{end}";
    let out = cluster().cmd(["-n", ns, "get", "deploy,cronjob,pod", "-o", &format!("jsonpath={tpl}")]).kubectl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// Fields that differ between any two objects on the server; the status is
/// the controllers' and depends on timing.
fn scrub(text: &str) -> String {
    let text = text.split("\nstatus:\n").next().unwrap_or("");
    let re = regex::Regex::new(r#"(?m)^(\s*(?:- )?(uid|resourceVersion|creationTimestamp|lastTransitionTime|lastUpdateTime|generation|observedGeneration|deployment\.kubernetes\.io/revision)):.*$"#).unwrap();
    re.replace_all(text, "$1: <X>").into_owned()
}

#[test]
fn set_image_on_the_server() {
    let c = cluster();
    let a = c.namespace("set-image-a");
    let b = c.namespace("set-image-b");
    let workloads = std::fs::read_to_string(testdata("workloads.yaml")).unwrap();
    for ns in [&a.name, &b.name] {
        c.kubectl_apply(ns, &workloads);
    }
    let dep = testdata("workloads.yaml");
    for args in [
        &["set", "image", "deploy", "web", "app=nginx:2"][..],
        // Unchanged: kubectl sends nothing and prints nothing.
        &["set", "image", "deployment/web", "app=nginx:2"],
        &["set", "image", "deploy/web", "nope=x"],
        &["set", "image", "deploy/web", "nope=x", "app=nginx:3"],
        &["set", "image", "deploy/web", "*=img:1"],
        &["set", "image", "deploy/web", "init=busybox:2", "-o", "name"],
        &["set", "image", "cronjob/cj", "app=nginx:5"],
        &["set", "image", "pod/pod1", "app=nginx:9", "--dry-run=server"],
        &["set", "image", "pod/pod1", "app=nginx:9", "--dry-run=client"],
        &["set", "image", "deploy,pod", "-l", "app=web", "app=nginx:7"],
        &["set", "image", "deploy", "--all", "app=nginx:8", "--field-manager=mine"],
        &["set", "image", "svc/svc", "app=x"],
        &["set", "image", "svc/svc", "deploy/web", "pod/pod1", "nope=x"],
        &["set", "image", "svc/svc", "deploy/web", "app="],
        &["set", "image", "deploy/web", "pod/pod1", "app="],
        &["set", "image", "deploy/missing", "app=x"],
        &["set", "image", "-f", &dep, "app=nginx:11"],
    ] {
        same(&a.name, &b.name, args);
        assert_eq!(images(&a.name), images(&b.name), "after {args:?}");
    }
    assert!(images(&a.name).contains("Deployment/web: init=busybox:2 app=nginx:11 side=img:1"), "{}", images(&a.name));
    let (x, y) = support::twin(&a.name, &b.name, &["set", "image", "deploy/web", "side=envoy:3", "-o", "yaml", "--dry-run=server"]);
    assert_eq!((x.code, scrub(&x.stdout), &x.stderr), (y.code, scrub(&y.stdout), &y.stderr));
    assert!(!x.stdout.contains("managedFields"));
    // The field manager kubectl names.
    // As a set: where the controller's status entry falls depends on when it wrote.
    let managers = |ns: &str| {
        let out = c.cmd(["-n", ns, "get", "deploy/web", "-o", "jsonpath={.metadata.managedFields[*].manager}"]).kubectl().stdout;
        let mut m: Vec<String> = out.split_whitespace().map(String::from).collect();
        m.sort();
        m.join(" ")
    };
    assert_eq!(managers(&a.name), managers(&b.name));
    assert!(managers(&a.name).contains("kubectl-set"), "{}", managers(&a.name));
}

#[test]
fn set_image_locally_and_argument_errors() {
    let c = cluster();
    let a = c.namespace("set-image-l-a");
    let b = c.namespace("set-image-l-b");
    let (kinds, workloads) = (testdata("kinds.yaml"), testdata("workloads.yaml"));
    for args in [
        &["set", "image", "--local", "-f", &kinds, "app=nginx:4", "-o", "yaml"][..],
        &["set", "image", "--local", "-f", &kinds, "app=nginx:4"],
        &["set", "image", "--local", "-f", &kinds, "app=nginx:4", "--dry-run=client"],
        &["set", "image", "--local", "-f", &workloads, "app=nginx:4", "-o", "name"],
        &["set", "image", "--local", "-f", &workloads, "app=nginx:4", "-l", "app=none"],
        &["set", "image", "--local", "-f", &kinds, "nope=x"],
        &["set", "image", "--local", "-f", &kinds, "app=x", "--dry-run=server"],
        &["set", "image", "deploy/web", "app=x", "--local"],
        &["set", "image", "-f", &kinds, "deploy/web", "app=x"],
        &["set", "image", "deploy/web", "*=img:1", "app=x"],
        &["set", "image", "deploy", "app=x"],
        &["set", "image", "app=x"],
        &["set", "image", "--all", "-l", "a=b", "deploy", "app=x"],
        &["set", "image", "deploy/web", "app"],
        &["set", "image", "deploy/web", "a-"],
        &["set", "image", "deploy/web", "a=b", "c"],
    ] {
        same(&a.name, &b.name, args);
    }
    let out = c.cmd(["set", "bogus"]).assert_same(&[]);
    assert_eq!(out.code, 1);
}

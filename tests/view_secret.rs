//! `kctl view-secret`: decoded values of secrets created by the reference kubectl.

mod support;

use base64::Engine;
use support::cluster;

fn data_dir() -> std::path::PathBuf {
    support::repo_root().join("tests/data/view-secret")
}

#[test]
fn view_secret_decodes_generic_tls_and_docker_secrets() {
    let c = cluster();
    let ns = c.namespace("view-secret");
    let dir = tempfile::tempdir().unwrap();
    let binary: Vec<u8> = vec![0, 159, 146, 150, 255, b'\n'];
    std::fs::write(dir.path().join("blob"), &binary).unwrap();
    let kubectl_ok = |args: &[&str]| {
        let mut full = vec!["-n", ns.name.as_str()];
        full.extend_from_slice(args);
        let out = c.cmd(&full).kubectl();
        assert_eq!(out.code, 0, "{}", out.stderr);
    };
    let blob = format!("--from-file=blob={}", dir.path().join("blob").display());
    kubectl_ok(&["create", "secret", "generic", "app", "--from-literal=user=admin", "--from-literal=pass=s3cr=t", &blob]);
    let (crt, key) = (data_dir().join("tls.crt"), data_dir().join("tls.key"));
    kubectl_ok(&["create", "secret", "tls", "web-tls", "--cert", crt.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    kubectl_ok(&["create", "secret", "docker-registry", "pull", "--docker-server=registry.example", "--docker-username=u", "--docker-password=p"]);

    let kctl = |args: &[&str]| {
        let mut full = vec!["-n", ns.name.as_str(), "view-secret"];
        full.extend_from_slice(args);
        c.cmd(&full).kctl()
    };
    // One key: exactly the bytes kubectl's jsonpath shows base64-encoded.
    for (secret, key) in [("app", "user"), ("app", "pass"), ("web-tls", "tls.key"), ("pull", ".dockerconfigjson")] {
        let out = kctl(&[secret, key]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let jsonpath = format!("jsonpath={{.data.{}}}", key.replace('.', "\\."));
        let reference = c.cmd(["-n", &ns.name, "get", "secret", secret, "-o", &jsonpath]).kubectl();
        let expected = base64::engine::general_purpose::STANDARD.decode(reference.stdout.trim()).unwrap();
        assert_eq!(out.stdout.as_bytes(), expected.as_slice(), "{secret} {key}");
    }
    assert_eq!(kctl(&["web-tls", "tls.key"]).stdout, std::fs::read_to_string(&key).unwrap());
    // Binary bytes come through untouched (the harness reads stdout lossily, so compare via a file).
    let raw = std::process::Command::new(support::kctl_bin())
        .args(["-n", &ns.name, "view-secret", "app", "blob"])
        .env_clear()
        .env("KUBECONFIG", &c.kubeconfig)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(raw.stdout, binary);

    // All keys: sorted key=value blocks.
    let out = kctl(&["app"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "blob=<6 bytes of binary data; print it with KEY>\npass=s3cr=t\nuser=admin\n"));
    assert_eq!(kctl(&["app", "--all"]).stdout, out.stdout);
    let out = kctl(&["web-tls"]);
    let crt_text = std::fs::read_to_string(&crt).unwrap();
    assert!(out.stdout.starts_with(&format!("tls.crt={crt_text}# certificate 1: subject: O=Example, CN=example.test\n")), "{}", out.stdout);
    assert!(out.stdout.contains("# certificate 1: names: example.test, www.example.test, 10.0.0.1\ntls.key=-----BEGIN PRIVATE KEY-----\n"), "{}", out.stdout);
    let out = kctl(&["pull"]);
    assert!(out.stdout.starts_with(".dockerconfigjson={\n  \"auths\": {\n    \"registry.example\": {\n"), "{}", out.stdout);

    // Errors: a missing key, and a missing secret worded as kubectl's get.
    let out = kctl(&["app", "nope"]);
    assert_eq!((out.code, out.stderr.as_str()), (1, "error: secret \"app\" has no key \"nope\"; its keys are: blob, pass, user\n"));
    let out = kctl(&["missing"]);
    let reference = c.cmd(["-n", &ns.name, "get", "secret", "missing"]).kubectl();
    assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (reference.code, "", reference.stderr.as_str()));
}

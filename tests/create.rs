//! Differential tests for the `kctl create` generators: the objects they
//! build (`--dry-run=client`), their validation errors, and real creates
//! against the test cluster.

mod support;

use std::path::{Path, PathBuf};

use support::{cluster, repo_root, Norm, Output};

const DRY: &str = "--dry-run=client";

fn testdata() -> PathBuf {
    repo_root().join("testdata/create")
}

/// Run `args` with both clients in `cwd` (for file sources) and compare.
fn same_in(cwd: &Path, args: &[&str]) -> Output {
    cluster().cmd(args).cwd(cwd).env("FROM_ENV", "from the environment").assert_same(&[Norm::KlogHeader])
}

fn same(args: &[&str]) -> Output {
    same_in(&testdata(), args)
}

/// Every generator, with flags that exercise each field it can set.
fn generators() -> Vec<Vec<&'static str>> {
    let v = |s: &[&'static str]| s.to_vec();
    vec![
        v(&["namespace", "ns1"]),
        v(&["configmap", "cm1", "--from-literal=a=b", "--from-literal=z=with spaces", "--from-file=tls.crt", "--from-file=key=ec.crt"]),
        v(&["cm", "cm2"]),
        v(&["serviceaccount", "sa1"]),
        v(&["secret", "generic", "s1", "--from-literal=a=b", "--type=example.com/x", "--from-file=tls.key"]),
        v(&["secret", "generic", "s2"]),
        v(&["secret", "tls", "t1", "--cert=tls.crt", "--key=tls.key"]),
        v(&["secret", "tls", "t2", "--cert=ec.crt", "--key=ec.key"]),
        v(&["secret", "docker-registry", "d1", "--docker-username=u", "--docker-password=p<&>", "--docker-email=e@x.io"]),
        v(&["secret", "docker-registry", "d2", "--docker-username=u", "--docker-password=p", "--docker-server=reg.example:5000"]),
        v(&["secret", "docker-registry", "d3", "--from-file=.dockerconfigjson=tls.crt"]),
        v(&["deployment", "web", "--image=nginx"]),
        v(&["deploy", "web", "--image=busybox:1.36", "--image=reg:5000/team/app@sha256:abc", "-r", "3", "--port=8080"]),
        v(&["deployment", "web", "--image=busybox", "--replicas=0", "--port=0", "--", "sh", "-c", "sleep 1"]),
        v(&["service", "clusterip", "s", "--tcp=80:http,8080", "--tcp=443:8443"]),
        v(&["svc", "clusterip", "s", "--clusterip=None"]),
        v(&["service", "clusterip", "s", "--tcp=80", "--clusterip=10.0.0.10"]),
        v(&["service", "nodeport", "s", "--tcp=80:8080", "--node-port=30080"]),
        v(&["service", "loadbalancer", "s", "--tcp=5678:8080"]),
        v(&["service", "externalname", "s", "--external-name=db.example.com"]),
        v(&["service", "externalname", "s", "--external-name=db.example.com", "--tcp=5432"]),
        v(&["ingress", "i", "--rule=foo.com/a*=svc:8080,tls=sec", "--rule=foo.com/b=svc2:http,tls", "--rule=/c=svc3:80", "--rule=bar.com/=svc:80,tls=sec"]),
        v(&["ing", "i", "--class=nginx", "--default-backend=def:http", "--annotation=a=b", "--annotation=empty="]),
        v(&["ingress", "i", "--rule=a.com/=s:80,tls", "--rule=b.com/=s:80,tls", "--rule=a.com/x=s:80,tls=other"]),
        v(&["job", "j", "--image=busybox"]),
        v(&["job", "j", "--image=busybox", "--", "echo", "hello world"]),
        v(&["cronjob", "c", "--image=busybox", "--schedule=*/5 * * * *"]),
        v(&["cj", "c", "--image=busybox", "--schedule=@hourly", "--restart=Never", "--", "date"]),
        v(&["role", "r", "--verb=get,list", "--verb=watch,get", "--resource=pods,deployments.apps,pods/log", "--resource-name=a", "--resource-name=a"]),
        v(&["role", "r", "--verb=*", "--resource=po,deploy,rs,Pod,cronjobs.batch,deployments.apps/scale"]),
        v(&["role", "r", "--verb=bind,escalate", "--resource=roles.rbac.authorization.k8s.io,clusterroles"]),
        v(&["role", "r", "--verb=impersonate", "--resource=users,groups,serviceaccounts"]),
        v(&["role", "r", "--verb=get", "--resource=pods,*"]),
        v(&["clusterrole", "cr", "--verb=get", "--resource=nodes,pods", "--non-resource-url=/logs/*,/healthz", "--non-resource-url=/healthz"]),
        v(&["clusterrole", "cr", "--verb=get,post", "--non-resource-url=*"]),
        v(&["clusterrole", "cr", "--aggregation-rule=rbac.example.com/aggregate=true,b=c"]),
        v(&["rolebinding", "rb", "--clusterrole=view", "--user=u1", "--user=u2", "--group=g1", "--serviceaccount=ns:sa"]),
        v(&["rolebinding", "rb", "--role=r"]),
        v(&["clusterrolebinding", "crb", "--clusterrole=view", "--group=g1", "--serviceaccount=kube-system:default"]),
        v(&["clusterrolebinding", "crb", "--clusterrole=edit"]),
        v(&["poddisruptionbudget", "p", "--selector=app=web,tier in (b,a),!old,x", "--min-available=50%"]),
        v(&["pdb", "p", "--selector=app=web", "--max-unavailable=01"]),
        v(&["priorityclass", "pc", "--value=1000", "--description=high", "--global-default", "--preemption-policy=Never"]),
        v(&["pc", "pc", "--value=-5", "--global-default=false"]),
        v(&["quota", "q", "--hard=cpu=1,memory=1G,pods=2,requests.cpu=1500m,cpu=2", "--scopes=BestEffort,NotTerminating"]),
        v(&["resourcequota", "q"]),
    ]
}

fn run_generators(extra: &[&str]) {
    for g in generators() {
        let mut args = vec!["create"];
        args.extend_from_slice(&g);
        // Flags go before `--`, after which everything is the command.
        let at = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        for (i, e) in extra.iter().enumerate() {
            args.insert(at + i, e);
        }
        same(&args);
    }
}

#[test]
fn dry_run_yaml() {
    run_generators(&[DRY, "-o", "yaml"]);
}

#[test]
fn dry_run_json() {
    run_generators(&[DRY, "-o", "json"]);
}

#[test]
fn dry_run_name_and_message() {
    run_generators(&[DRY, "-o", "name"]);
    run_generators(&[DRY]);
}

#[test]
fn dry_run_with_namespace_and_save_config() {
    run_generators(&[DRY, "-o", "yaml", "-n", "other", "--save-config"]);
    run_generators(&[DRY, "-o", "json", "--save-config=true", "--show-managed-fields"]);
}

#[test]
fn random_container_names() {
    // A `.` or `_` in an image name gets a random suffix; only the shape can match.
    let out = cluster()
        .cmd(["create", "deployment", "x", "--image=my.reg/a_b.c:1", DRY, "-o", "jsonpath={.spec.template.spec.containers[0].name}"])
        .kctl();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let re = regex::Regex::new("^a-b-c-[bcdfghjklmnpqrstvwxz2456789]{5}$").unwrap();
    assert!(re.is_match(&out.stdout), "{}", out.stdout);
}

#[test]
fn output_flags() {
    for o in [
        &["-o", "jsonpath={.kind}/{.metadata.name}"][..],
        &["-o", "jsonpath-as-json={.metadata}"],
        &["-o", "go-template={{.metadata.name}} {{.kind}}"],
        &["--template={{.metadata.name}}"],
        &["-o", "template", "--template={{.apiVersion}}"],
        &["-o", "jsonpath={.nope}", "--allow-missing-template-keys=false"],
        &["-o", "go-template={{.nope.deeper}}", "--allow-missing-template-keys=false"],
        &["-o", "jsonpath"],
        &["-o", "jsonpath={.a"],
        &["-o", "go-template={{.a"],
        &["-o", "wide"],
        &["-o", "custom-columns=A:.a"],
        &["-o", "table"],
        &["-o", ""],
        &["-o", "yaml", "-o", "name"],
    ] {
        let mut args = vec!["create", "configmap", "c", DRY, "--from-literal=k=v"];
        args.extend_from_slice(o);
        same(&args);
    }
}

#[test]
fn dry_run_and_validate_values() {
    for flags in [
        &["--dry-run"][..],
        &["--dry-run=client"],
        &["--dry-run=true"],
        &["--dry-run=bogus"],
        &["--dry-run=client", "--validate"],
        &["--dry-run=client", "--validate=false"],
        &["--dry-run=client", "--validate=warn"],
        &["--dry-run=client", "--validate=ignore"],
        &["--dry-run=client", "--validate=maybe"],
        &["--dry-run=client", "--field-manager=me", "-o", "name"],
        &["--dry-run=client", "--save-config=maybe"],
        &["--dry-run=client", "--show-managed-fields=x"],
    ] {
        let mut args = vec!["create", "configmap", "c"];
        args.extend_from_slice(flags);
        same(&args);
    }
}

#[test]
fn name_and_flag_errors() {
    for args in [
        &["create", "configmap"][..],
        &["create", "configmap", "a", "b"],
        &["create", "configmap", "a", DRY, "--", "ignored", "args"],
        &["create", "deployment", "--image=x"],
        &["create", "deployment", "a"],
        &["create", "deployment", "a", "--", "ls"],
        &["create", "deployment", "a", "--image=x", "--image=y", DRY, "--", "ls"],
        &["create", "deployment", "a", "--image=x", "-r", "abc"],
        &["create", "deployment", "a", "--image=x", "--port=99999999999"],
        &["create", "deployment", "a", "--image=x", "--port=0x10", "-r", "010", DRY, "-o", "json"],
        &["create", "deployment", "a", "--image=\"x"],
        &["create", "deployment", "a", "--image=a\"b"],
        &["create", "deployment", "a", "--image=x,\"y,z\"", "--image=", DRY, "-o", "json"],
        &["create", "deployment", "a", "--image=x", "--bogus"],
        &["create", "cronjob", "c"],
        &["create", "cronjob", "c", "--image=x"],
        &["create", "cronjob", "--image=x", "--schedule=x"],
        &["create", "service", "externalname", "a"],
        &["create", "service", "nodeport", "a", "--tcp=80", "--node-port=x"],
        &["create", "service", "clusterip", "a", "--tcp=80", "--node-port=5"],
        &["create", "clusterrolebinding", "x"],
        &["create", "clusterrole", "x", "--aggregation-rule=foo"],
        &["create", "secret", "generic", "s", "--append-hash=maybe"],
        &["create", "namespace"],
        &["create", "role", DRY],
    ] {
        same(args);
    }
}

#[test]
fn create_without_generator() {
    for args in [
        &["create"][..],
        &["create", "foo"],
        &["create", "foo", "bar"],
        &["create", "--dry-run"],
        &["create", "foo", "--dry-run"],
        &["create", "--dry-run=bogus"],
        &["create", "-o", "wide"],
        &["create", "--edit=maybe"],
        &["create", "crb", "x", "--clusterrole=view"],
        &["create", "secret", "foo"],
        &["create", "service", "foo", "bar"],
        &["create", "secret", "--bogus"],
        &["create", "--bogus"],
        // Flags before the generator's name apply to it, as cobra parses them.
        &["create", "--dry-run=client", "configmap", "x", "-o", "name"],
        &["create", "secret", "--dry-run=client", "generic", "x", "-o", "name"],
        &["create", "-o", "name", "svc", "--dry-run=client", "clusterip", "x", "--tcp=80"],
    ] {
        same(args);
    }
}

/// Files for `--from-file` and `--from-env-file`, made fresh for each run.
fn source_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.txt"), "hello\n").unwrap();
    std::fs::write(p.join("bin.dat"), [0xffu8, 0xfe, 0x00]).unwrap();
    std::fs::create_dir_all(p.join("dir/sub")).unwrap();
    std::fs::write(p.join("dir/one"), "x").unwrap();
    std::fs::write(p.join("dir/two"), "y").unwrap();
    std::fs::write(p.join("dir/bin"), [0x80u8]).unwrap();
    std::os::unix::fs::symlink("../a.txt", p.join("dir/link")).unwrap();
    std::fs::create_dir_all(p.join("bad")).unwrap();
    std::fs::write(p.join("bad/bad name"), "z").unwrap();
    std::fs::write(p.join("e.env"), "\u{feff}# comment\n  A=1\nB= 2\n\nFROM_ENV\nUNSET\nD=x=y\n  E=  sp  \n\tF=tab\r\n").unwrap();
    std::fs::write(p.join("bad.env"), "GOOD=1\nB AD=2\n").unwrap();
    std::fs::write(p.join("digit.env"), "1A=x\n").unwrap();
    std::fs::write(p.join("empty.env"), "=x\n").unwrap();
    std::fs::write(p.join("utf8.env"), b"A=\xff\n").unwrap();
    dir
}

#[test]
fn config_map_and_secret_sources() {
    let dir = source_dir();
    for gen in [&["configmap"][..], &["secret", "generic"]] {
        for flags in [
            &["--from-file=a.txt", "--from-file=k2=a.txt", "--from-file=bin.dat", "--from-literal=x=y"][..],
            &["--from-file=dir"],
            &["--from-file=./dir/"],
            &["--from-file=bad"],
            &["--from-file=a.txt,k2=bin.dat"],
            &["--from-env-file=e.env"],
            &["--from-env-file=e.env", "--from-env-file=e.env"],
            &["--from-env-file=bad.env"],
            &["--from-env-file=digit.env"],
            &["--from-env-file=empty.env"],
            &["--from-env-file=utf8.env"],
            &["--from-env-file=e.env", "--from-literal=a=b"],
            &["--from-env-file=e.env", "--from-file=a.txt"],
            &["--from-env-file=dir"],
            &["--from-env-file=nope"],
            &["--from-file=dir=dir"],
            &["--from-file==a.txt"],
            &["--from-file=a="],
            &["--from-file=a=b=c"],
            &["--from-file=nope"],
            &["--from-literal=a"],
            &["--from-literal==a"],
            &["--from-literal=a=b=c"],
            &["--from-literal=a=b", "--from-literal=a=c"],
            &["--from-literal=a b=c"],
            &["--from-literal=..a=b"],
            &["--from-literal=.=b"],
            &["--from-literal=a.txt=1", "--from-file=a.txt"],
            &["--from-file=a.txt", "--from-file=a.txt"],
            &["--from-file=bin.dat", "--from-literal=bin.dat=x"],
            &["--append-hash", "--from-literal=a=b"],
            &["--append-hash", "--from-file=bin.dat"],
            &["--append-hash"],
            &["--from-file=\"a.txt"],
        ] {
            for out in [&["-o", "yaml"][..], &["-o", "name"]] {
                let mut args = vec!["create"];
                args.extend_from_slice(gen);
                args.extend_from_slice(&["src", DRY]);
                args.extend_from_slice(flags);
                args.extend_from_slice(out);
                same_in(dir.path(), &args);
            }
        }
    }
    for f in ["--from-file=dir", "--from-file=a.txt", "--from-file=a.txt,k=bin.dat", "--from-file=k=dir"] {
        same_in(dir.path(), &["create", "secret", "docker-registry", "d", DRY, "-o", "yaml", f, "--append-hash"]);
    }
}

#[test]
fn generator_validation_errors() {
    for args in [
        &["secret", "docker-registry", "d", "--docker-username=u"][..],
        &["secret", "docker-registry", "d", "--docker-username=u", "--docker-password=p", "--docker-server="],
        &["secret", "docker-registry", "d", "--docker-username=u", "--docker-password=p", "--append-hash", "-o", "name"],
        &["secret", "tls", "t", "--cert=tls.crt"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=tls-pkcs1.key", "-o", "yaml"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=other.key"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=ec.key"],
        &["secret", "tls", "t", "--cert=ec.crt", "--key=tls.key"],
        &["secret", "tls", "t", "--cert=tls.key", "--key=tls.key"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=tls.crt"],
        &["secret", "tls", "t", "--cert=/dev/null", "--key=tls.key"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=/dev/null"],
        &["secret", "tls", "t", "--cert=nope", "--key=tls.key"],
        &["secret", "tls", "t", "--cert=tls.crt", "--key=tls.key", "--append-hash", "-o", "name"],
        &["service", "clusterip", "s"],
        &["service", "clusterip", "s", "--tcp=abc"],
        &["service", "clusterip", "s", "--tcp=70000"],
        &["service", "clusterip", "s", "--tcp=80:0"],
        &["service", "clusterip", "s", "--tcp=80:Http"],
        &["service", "clusterip", "s", "--tcp=80:a--b-"],
        &["service", "clusterip", "s", "--tcp=80:averyveryverylongname"],
        &["service", "clusterip", "s", "--tcp=80:8080:90", "-o", "yaml"],
        &["service", "nodeport", "s", "--clusterip=None"],
        &["service", "externalname", "s", "--external-name=bad name"],
        &["service", "externalname", "s", "--external-name="],
        &["ingress", "i"],
        &["ingress", "i", "--rule=foo.com=svc:80"],
        &["ingress", "i", "--rule=foo.com/=svc"],
        &["ingress", "i", "--rule=foo.com/=svc:80,tlx", "-o", "yaml"],
        &["ingress", "i", "--rule=a/=b:80!!", "--rule=a/=b:80 x", "-o", "yaml"],
        &["ingress", "i", "--rule=a/=b:80,tls=a.b", "--rule=c/=b:80,tls=x,tls=y", "--rule=d/=b:80,tlsfoo", "-o", "yaml"],
        &["ingress", "i", "--rule=a/=b:!80"],
        &["ingress", "i", "--rule=a/=b.c:80"],
        &["ingress", "i", "--rule=a b/=c:80"],
        &["ingress", "i", "--rule=foo.com/=svc:80", "--annotation=novalue"],
        &["ingress", "i", "--default-backend=svc"],
        &["ingress", "i", "--default-backend=svc:80:90"],
        &["job", "j"],
        &["job", "j", "--image=x", "--from=cronjob/c"],
        &["job", "j", "--from=cronjob/c", "--", "ls"],
        &["job", "j", "--from=cronjob/a/b"],
        &["job", "j", "--from=/x"],
        &["role", "r", "--verb=get", "--resource=foo"],
        &["role", "r", "--verb=get", "--resource=foo.bar"],
        &["role", "r", "--verb=get", "--resource=deployment.v1.apps"],
        &["role", "r", "--verb=get", "--resource=.apps"],
        &["role", "r", "--verb=get", "--resource=/status"],
        &["role", "r", "--verb=use", "--resource=pods"],
        &["role", "r", "--verb=foo", "--resource=pods", "-o", "yaml"],
        &["role", "r", "--resource=pods"],
        &["role", "r", "--verb=get"],
        &["role", "r", "--verb=get", "--resource=ing,ev", "-o", "yaml"],
        &["clusterrole", "cr", "--verb=get"],
        &["clusterrole", "cr", "--aggregation-rule=a=b", "--verb=get"],
        &["clusterrole", "cr", "--verb=list", "--non-resource-url=/logs"],
        &["clusterrole", "cr", "--verb=get", "--non-resource-url=logs"],
        &["clusterrole", "cr", "--verb=get", "--non-resource-url=/lo*gs"],
        &["clusterrole", "cr", "--verb=foo", "--non-resource-url=/logs", "--resource=pods"],
        &["rolebinding", "rb"],
        &["rolebinding", "rb", "--role=a", "--clusterrole=b"],
        &["rolebinding", "rb", "--role=a", "--serviceaccount=nocolon"],
        &["rolebinding", "rb", "--role=a", "--serviceaccount=:name"],
        &["clusterrolebinding", "crb", "--clusterrole=a", "--serviceaccount=a:b:c"],
        &["pdb", "p"],
        &["pdb", "p", "--selector=a=b"],
        &["pdb", "p", "--selector=a=b", "--min-available=1", "--max-unavailable=1"],
        &["pdb", "p", "--selector=a=b", "--min-available=x%y"],
        &["pdb", "p", "--selector=a=b", "--max-unavailable=1x"],
        &["pdb", "p", "--selector=app!=web", "--max-unavailable=1"],
        &["pdb", "a", "b", "--selector=a=b", "--min-available=1"],
        &["priorityclass", "pc", "--value=x"],
        &["quota", "q", "--hard=cpu"],
        &["quota", "q", "--hard=cpu=x"],
        &["quota", "q", "--hard=cpu=1", "--scopes=,"],
    ] {
        let mut full = vec!["create", DRY];
        full.extend_from_slice(args);
        same(&full);
    }
}

/// Twin namespaces: kctl acts in one, kubectl in the other; the names are
/// the one intended difference.
fn twin(a: &str, b: &str, args: &[&str], norms: &[Norm]) {
    let c = cluster();
    let run = |ns: &str, kctl: bool| {
        let mut full = vec!["-n", ns];
        full.extend_from_slice(args);
        let inv = c.cmd(&full).cwd(testdata());
        let o = if kctl { inv.kctl() } else { inv.kubectl() };
        let mut o = normalize(o, norms);
        o.stdout = o.stdout.replace(ns, "<NS>");
        o.stderr = o.stderr.replace(ns, "<NS>").replace("See 'kctl ", "See 'kubectl ");
        o
    };
    let (x, y) = (run(a, true), run(b, false));
    assert_eq!(x, y, "kctl and kubectl differ for {args:?}");
}

fn normalize(mut o: Output, norms: &[Norm]) -> Output {
    for n in norms {
        let (re, rep) = match n {
            Norm::Timestamp => (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "<TIME>"),
            Norm::Uid => (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<UID>"),
            Norm::ResourceVersion => (r#"(resourceVersion"?:\s*"?)\d+"#, "${1}<RV>"),
            _ => continue,
        };
        let re = regex::Regex::new(re).unwrap();
        o.stdout = re.replace_all(&o.stdout, rep).into_owned();
        o.stderr = re.replace_all(&o.stderr, rep).into_owned();
    }
    o
}

const SERVER: &[Norm] = &[Norm::Timestamp, Norm::Uid, Norm::ResourceVersion];

/// Generators whose server answer holds nothing random (no cluster IPs or node ports).
fn stable_generators() -> Vec<Vec<&'static str>> {
    generators()
        .into_iter()
        .filter(|g| !matches!(g[0], "namespace" | "clusterrole" | "clusterrolebinding" | "service" | "svc"))
        .collect()
}

const WORDS: &[&str] = &[
    "create", "namespace", "configmap", "cm", "serviceaccount", "secret", "generic", "tls", "docker-registry", "deployment", "deploy",
    "service", "svc", "clusterip", "nodeport", "loadbalancer", "externalname", "ingress", "ing", "job", "cronjob", "cj", "role",
    "clusterrole", "rolebinding", "clusterrolebinding",
];

/// `create GENERATOR NAME flags... [extra] [-- command]` with the name made
/// unique (`NAME-tag`) and `extra` inserted before `--`.
fn renamed(g: &[&str], tag: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = std::iter::once("create").chain(g.iter().copied()).map(String::from).collect();
    if let Some(i) = args.iter().position(|a| !a.starts_with('-') && !WORDS.contains(&a.as_str())) {
        args[i] = format!("{}-{tag}", args[i]);
    }
    let dash = args.iter().position(|a| a == "--").unwrap_or(args.len());
    for (j, e) in extra.iter().enumerate() {
        args.insert(dash + j, e.to_string());
    }
    args
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn server_creates() {
    let (a, b) = (cluster().namespace("create-a"), cluster().namespace("create-b"));
    for (i, out) in [
        &[][..],
        &["-o", "yaml"],
        &["-o", "json"],
        &["-o", "name"],
        &["--save-config", "-o", "json"],
        &["--show-managed-fields", "--field-manager=me", "-o", "yaml"],
        &["--validate=false", "-o", "jsonpath={.metadata.name}"],
    ]
    .iter()
    .enumerate()
    {
        for (gi, g) in stable_generators().iter().enumerate() {
            let args = renamed(g, &format!("{gi}-{i}"), out);
            twin(&a.name, &b.name, &strs(&args), SERVER);
        }
    }
}

#[test]
fn server_creates_services() {
    let (a, b) = (cluster().namespace("create-svc-a"), cluster().namespace("create-svc-b"));
    let ip = &[Norm::Timestamp, Norm::Uid, Norm::ResourceVersion];
    for args in [
        &["create", "service", "clusterip", "s1", "--tcp=80:8080"][..],
        &["create", "service", "clusterip", "s2", "--clusterip=None", "-o", "yaml"],
        &["create", "service", "nodeport", "s3", "--tcp=80", "-o", "name"],
        &["create", "service", "loadbalancer", "s4", "--tcp=80"],
        &["create", "service", "externalname", "s5", "--external-name=db.example.com", "-o", "json"],
        &["create", "service", "clusterip", "s6", "--tcp=80", "--dry-run=server"],
        &["create", "service", "clusterip", "s1", "--tcp=80"],
        &["create", "service", "nodeport", "s1", "--tcp=80"],
        &["create", "service", "loadbalancer", "s1", "--tcp=80"],
        &["create", "service", "externalname", "s1", "--external-name=x.com"],
    ] {
        twin(&a.name, &b.name, args, ip);
    }
}

#[test]
fn server_dry_run_and_errors() {
    let (a, b) = (cluster().namespace("create-err-a"), cluster().namespace("create-err-b"));
    for (gi, g) in stable_generators().iter().enumerate() {
        for extra in [&["--dry-run=server"][..], &["--dry-run=server", "-o", "yaml"]] {
            twin(&a.name, &b.name, &strs(&renamed(g, &gi.to_string(), extra)), SERVER);
        }
    }
    // The second create of each object fails with the generator's own wording.
    for (gi, g) in stable_generators().iter().enumerate() {
        let args = renamed(g, &format!("dup{gi}"), &[]);
        let created = [&a.name, &b.name].iter().all(|ns| {
            let mut full = vec!["-n", ns.as_str()];
            full.extend(strs(&args));
            cluster().cmd(&full).cwd(testdata()).kubectl().code == 0
        });
        if !created {
            // e.g. batch/v1 cron jobs on an older server: the failure itself is compared above.
            continue;
        }
        twin(&a.name, &b.name, &strs(&args), SERVER);
        twin(&a.name, &b.name, &strs(&renamed(g, &format!("dup{gi}"), &["--dry-run=server"])), SERVER);
    }
    for args in [
        &["create", "configmap", "Bad_Name"][..],
        &["create", "deployment", "Bad_Name", "--image=x"],
        &["create", "secret", "generic", "Bad_Name"],
        &["create", "serviceaccount", "Bad_Name"],
        &["create", "job", "Bad_Name", "--image=x"],
        &["create", "ingress", "Bad_Name", "--rule=a/=b:80"],
        &["create", "rolebinding", "x:y", "--role=r"],
        &["create", "cronjob", "c", "--image=x", "--schedule=* * * * *"],
        &["create", "job", "j", "--from=nope/x"],
        &["create", "job", "j", "--from=cronjob"],
        &["create", "job", "j", "--from=cronjob/missing"],
        &["create", "job", "j", "--from=configmap/missing"],
    ] {
        twin(&a.name, &b.name, args, SERVER);
    }
}

#[test]
fn job_from_existing_objects() {
    let (a, b) = (cluster().namespace("create-from-a"), cluster().namespace("create-from-b"));
    let cronjob = |version: &str| {
        format!(
            "apiVersion: batch/{version}\nkind: CronJob\nmetadata: {{name: cj}}\nspec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    metadata:\n      labels: {{x: 'y'}}\n      annotations: {{q: r}}\n    spec:\n      template:\n        spec:\n          containers: [{{name: c, image: busybox}}]\n          restartPolicy: Never\n"
        )
    };
    for ns in [&a.name, &b.name] {
        let v1 = cluster().cmd(["apply", "-n", ns, "-f", "-"]).stdin(cronjob("v1")).kubectl();
        if v1.code != 0 {
            cluster().kubectl_apply(ns, &cronjob("v1beta1"));
        }
        cluster().kubectl_apply(ns, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n");
    }
    for from in ["cronjob/cj", "cj/cj", "cronjob.batch/cj", "cronjobs.v1.batch/cj", "cronjobs.v1beta1.batch/cj", "configmap/cm"] {
        let flag = format!("--from={from}");
        twin(&a.name, &b.name, &["create", "job", "j", &flag, DRY, "-o", "yaml"], SERVER);
        twin(&a.name, &b.name, &["create", "job", "j", &flag], SERVER);
    }
}

#[test]
fn cluster_scoped_creates() {
    let ns = cluster().namespace("create-cluster");
    let c = cluster();
    let suffix = ns.name.trim_start_matches("t-create-cluster-").to_string();
    let cases: Vec<(Vec<String>, Vec<String>)> = vec![
        (vec!["create", "namespace", "NAME"], vec!["delete", "namespace", "NAME", "--wait=false"]),
        (vec!["create", "clusterrole", "NAME", "--verb=get", "--resource=pods"], vec!["delete", "clusterrole", "NAME"]),
        (vec!["create", "clusterrole", "NAME", "--aggregation-rule=a=b"], vec!["delete", "clusterrole", "NAME"]),
        (vec!["create", "clusterrolebinding", "NAME", "--clusterrole=view", "--user=u"], vec!["delete", "clusterrolebinding", "NAME"]),
    ]
    .into_iter()
    .map(|(x, y)| (x.into_iter().map(String::from).collect(), y.into_iter().map(String::from).collect()))
    .collect();
    for (i, (create, delete)) in cases.iter().enumerate() {
        for out in [&[][..], &["-o", "yaml"], &["--dry-run=server", "-o", "json"]] {
            let mut results = Vec::new();
            for who in ["kctl", "kubectl"] {
                let name = format!("kctl-create-{suffix}-{i}-{who}");
                let mut args: Vec<String> = create.iter().map(|a| a.replace("NAME", &name)).collect();
                args.extend(out.iter().map(|s| s.to_string()));
                let inv = c.cmd(&args);
                let o = if who == "kctl" { inv.kctl() } else { inv.kubectl() };
                let mut o = normalize(o, SERVER);
                o.stdout = o.stdout.replace(&name, "<NAME>");
                o.stderr = o.stderr.replace(&name, "<NAME>");
                results.push(o);
                let del: Vec<String> = delete.iter().map(|a| a.replace("NAME", &name)).collect();
                c.cmd(&del).kubectl();
            }
            assert_eq!(results[0], results[1], "kctl and kubectl differ for {create:?} {out:?}");
        }
    }
    same(&["create", "namespace", &ns.name]);
    same(&["create", "namespace", "Bad_Name"]);
    same(&["create", "clusterrole", "system:basic-user", "--verb=get", "--resource=pods"]);
    same(&["create", "clusterrolebinding", "system:basic-user", "--clusterrole=view"]);
}

#[test]
fn unreachable_server() {
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"https://127.0.0.1:1\"}\n  name: c\ncontexts:\n- context: {cluster: c, user: u, namespace: ctxns}\n  name: x\ncurrent-context: x\nusers:\n- name: u\n  user: {token: abc}\n",
    )
    .unwrap();
    for args in [
        &["create", "namespace", "a"][..],
        &["create", "configmap", "a"],
        &["create", "secret", "docker-registry", "a", "--docker-username=u", "--docker-password=p"],
        &["create", "deployment", "a", "--image=x"],
        &["create", "rolebinding", "a", "--role=x"],
        &["create", "clusterrole", "a", "--verb=get", "--non-resource-url=/x"],
        &["create", "role", "a", "--verb=get", "--resource=pods"],
        &["create", "configmap", "a", DRY, "-o", "yaml"],
        &["create", "role", "a", "--verb=get", "--resource=*", DRY, "-o", "yaml"],
    ] {
        support::Invocation::new(args).kubeconfig(&kc).cwd(testdata()).assert_same(&[Norm::KlogHeader]);
    }
}

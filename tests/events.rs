//! Differential tests for `kctl events`. The events are written by the test
//! with fixed timestamps (years ago, so ages are stable) and an involved
//! object named after the namespace, so `-A --for` sees only this test's
//! events even while other tests create events elsewhere.

mod support;

use support::{cluster, Norm};

fn event(ns: &str, name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: Event\nmetadata: {{name: {name}}}\n{}\n---\n", body.replace("NS", ns))
}

fn manifest(ns: &str) -> String {
    let mut m = String::new();
    m += &event(ns, "series-one", "involvedObject: {kind: Pod, name: NS, namespace: NS, apiVersion: v1}\nreason: BackOff\nmessage: \"Back-off restarting\\nsecond line\"\ntype: Warning\neventTime: \"2020-01-01T00:00:00.123456Z\"\nseries: {count: 4, lastObservedTime: \"2020-01-02T00:00:00.000000Z\"}\nreportingComponent: kubelet\nreportingInstance: node-1\naction: Restart\nsource: {component: kubelet, host: node-1}");
    m += &event(ns, "repeated", "involvedObject: {kind: Deployment, name: NS, namespace: NS, apiVersion: apps/v1}\nreason: ScalingReplicaSet\nmessage: \"  Scaled up  \"\ntype: Normal\nfirstTimestamp: \"2020-01-01T00:00:00Z\"\nlastTimestamp: \"2020-01-03T00:00:00Z\"\ncount: 3\nsource: {component: deployment-controller}");
    // Many events at a few instants: Go's sort.Sort is not stable (and
    // picks pivots differently past 12 and 50 items), and kctl must order
    // the ties as kubectl does.
    for i in 0..60 {
        let kind = if i % 5 == 0 { "Warning" } else { "Normal" };
        let at = format!("2020-01-02T12:00:0{}Z", (i * 7) % 3);
        let body = format!("involvedObject: {{kind: Pod, name: NS, namespace: NS, apiVersion: v1}}\nreason: Tick{i}\nmessage: tick number {i}\ntype: {kind}\nfirstTimestamp: \"{at}\"\nlastTimestamp: \"{at}\"\ncount: 1\nsource: {{component: test}}");
        m += &event(ns, &format!("tick-{i:02}"), &body);
    }
    m
}

#[test]
fn events_match_kubectl() {
    let c = cluster();
    let ns = c.namespace("ev");
    c.kubectl_apply(&ns.name, &manifest(&ns.name));
    let n = ns.name.as_str();
    let for_pod = format!("pod/{n}");
    let for_deploy = format!("deployment.apps/{n}");
    let cases: Vec<Vec<&str>> = vec![
        vec!["events"],
        vec!["events", "--no-headers"],
        vec!["events", "-o", "json"],
        vec!["events", "-o", "yaml"],
        vec!["events", "-o", "name"],
        vec!["events", "-o", "jsonpath={.kind} {.metadata} {range .items[*]}{.metadata.name} {.count}{\"\\n\"}{end}"],
        vec!["events", "-o", "go-template={{range .items}}{{.reason}} {{.count}}\n{{end}}"],
        vec!["events", "--for", &for_pod],
        vec!["events", "--for", &for_deploy, "-o", "yaml"],
        vec!["events", "--for", "pod/nothing-here"],
        vec!["events", "--types=Warning"],
        vec!["events", "--types", "warning,normal", "--no-headers"],
        vec!["events", "--types=Bogus"],
        vec!["events", "-A", "--for", &for_pod],
        vec!["events", "-A", "--for", &for_pod, "--types=Warning", "-o", "json"],
        vec!["events", "--chunk-size=3"],
        vec!["events", "--for", "pod"],
        vec!["events", "--for", "a/b/c"],
        vec!["events", "--for", "nosuchtype/x"],
        vec!["events", "-o", "wide"],
        vec!["events", "--show-managed-fields", "-o", "json", "--for", &for_deploy],
        // Every format goes through kubectl's tabwriter; printer errors are ignored.
        vec!["events", "-o", "jsonpath={range .items[*]}{.reason}{\"\\t\"}{.type}{\"\\n\"}{end}"],
        vec!["events", "-o", "go-template={{.kind}} {{.bogus.x}}", "--allow-missing-template-keys=false"],
        vec!["events", "-o", "jsonpath={.bogus.x}", "--allow-missing-template-keys=false"],
        vec!["events", "-o", "jsonpath={.a"],
    ];
    for args in cases {
        let mut full = vec!["-n", n];
        full.extend(args);
        c.cmd(&full).assert_same(&[Norm::Age]);
    }
}

#[test]
fn no_events_messages() {
    let c = cluster();
    let ns = c.namespace("ev-empty");
    c.cmd(["events", "-n", &ns.name]).assert_same(&[]);
    c.cmd(["events", "-n", &ns.name, "-o", "json"]).assert_same(&[]);
    c.cmd(["events", "-n", "kctl-no-such-namespace"]).assert_same(&[]);
}

/// `-w` bounded by --request-timeout: the existing events arrive as the
/// watch's initial events, then kubectl exits 0 when the watch ends.
#[test]
fn watch_prints_events_as_they_arrive() {
    let c = cluster();
    let ns = c.namespace("ev-watch");
    c.kubectl_apply(&ns.name, &manifest(&ns.name));
    let for_pod = format!("pod/{}", ns.name);
    for extra in [&[][..], &["-o", "yaml"][..], &["-o", "name"][..], &["--types=Warning", "-A", "--for", &for_pod][..]] {
        let mut args = vec!["events", "-n", &ns.name, "-w", "--request-timeout=2s"];
        args.extend_from_slice(extra);
        c.cmd(&args).assert_same(&[Norm::Age]);
    }
}

/// An event created while `-w` runs is printed when it arrives, in the
/// column widths the earlier rows set (kubectl's tabwriter remembers them).
#[test]
fn watch_prints_new_events() {
    let c = cluster();
    let a = c.namespace("evw-a");
    let b = c.namespace("evw-b");
    let mut outs = Vec::new();
    for (ns, kctl) in [(&a.name, true), (&b.name, false)] {
        c.kubectl_apply(ns, &manifest(ns));
        let inv = c.cmd(["events", "-n", ns, "-w", "--request-timeout=5s", "--types=Warning"]);
        let watcher = std::thread::spawn(move || if kctl { inv.kctl() } else { inv.kubectl() });
        std::thread::sleep(std::time::Duration::from_millis(2000));
        let late = event(ns, "late-arrival", "involvedObject: {kind: Pod, name: NS, namespace: NS, apiVersion: v1}\nreason: ArrivedDuringTheWatch\nmessage: a much longer message than the others\ntype: Warning\nfirstTimestamp: \"2020-01-05T00:00:00Z\"\nlastTimestamp: \"2020-01-05T00:00:00Z\"\ncount: 1\nsource: {component: test}");
        c.kubectl_apply(ns, &late);
        let out = watcher.join().unwrap();
        outs.push(support::Output { stdout: out.stdout.replace(ns.as_str(), "<NS>"), ..out });
    }
    assert!(outs[0].stdout.contains("ArrivedDuringTheWatch"), "{}", outs[0].stdout);
    assert_eq!(outs[0], outs[1]);
}

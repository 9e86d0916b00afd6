//! Differential tests for `kctl label` and `kctl annotate`.

mod support;

use support::{cluster, twin, Norm, Output};


const SEED: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, labels: {app: web}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n";

#[test]
fn label_and_annotate_sequences_match_kubectl() {
    let c = cluster();
    let a = c.namespace("label-a");
    let b = c.namespace("label-b");
    c.kubectl_apply(&a.name, SEED);
    c.kubectl_apply(&b.name, SEED);
    let steps: &[&[&str]] = &[
        &["label", "cm", "one", "tier=fe"],
        &["label", "cm", "one", "tier=be"],
        &["label", "cm", "one", "tier=be", "--overwrite"],
        &["label", "cm", "one", "tier=be"],
        &["label", "cm", "one", "tier-"],
        &["label", "cm", "one", "tier-"],
        &["label", "cm/one", "cm/two", "x=1", "y=2"],
        &["label", "cm", "--all", "z=3", "--dry-run=client"],
        &["label", "cm", "-l", "app=web", "z=3", "--dry-run=server"],
        &["label", "cm", "-l", "app=web", "z=3", "-o", "name"],
        &["label", "cm", "one", "--list"],
        &["label", "cm", "one"],
        &["label", "cm", "nope", "a=b"],
        &["label", "cm", "one", "bad key=1"],
        &["annotate", "cm", "one", "note=hi"],
        &["annotate", "cm", "one", "note=ho"],
        &["annotate", "cm", "one", "note=ho", "--overwrite"],
        &["annotate", "cm", "one", "note-"],
        &["annotate", "cm", "one", "note-"],
        &["annotate", "cm", "two", "--list"],
        &["get", "cm", "--show-labels"],
        &["get", "cm", "-o", "jsonpath={.items[*].metadata.annotations}"],
    ];
    for args in steps {
        let (x, y) = twin(&a.name, &b.name, args);
        let norm_age = |o: &Output| {
            let text = regex::Regex::new(r"\b\d+s\b").unwrap().replace_all(&o.stdout, "<AGE>").into_owned();
            // --list walks a Go map: kubectl's order is random, so compare the set.
            if args.contains(&"--list") {
                let mut lines: Vec<&str> = text.lines().collect();
                lines.sort();
                return lines.join("\n");
            }
            text
        };
        assert_eq!((x.code, norm_age(&x), &x.stderr), (y.code, norm_age(&y), &y.stderr), "{args:?}");
    }
}

#[test]
fn label_usage_errors_match_kubectl() {
    let c = cluster();
    for args in [&["label"][..], &["label", "cm"], &["label", "cm", "one", "a=b", "a-"], &["annotate", "cm", "x"]] {
        c.cmd(args).assert_same(&[Norm::KlogHeader]);
    }
}

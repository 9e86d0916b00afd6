//! `kubectl describe serviceaccount`: its image pull and mountable secrets
//! (marked `(not found)` when missing) and the token secrets issued for it.

use serde_json::Value;

use super::common::{annotations_multiline, arr, events, labels_multiline, list_path, s};
use super::related::fetched_items;
use super::writer::{Writer, LEVEL_0};
use super::{DescribeContext, Need};
use crate::dw;

const SECRETS: &str = "secrets";

pub fn needs(sa: &Value) -> Vec<Need> {
    vec![Need::list(SECRETS, list_path("", "v1", "secrets", s(&sa["metadata"]["namespace"])))]
}

pub fn describe(sa: &Value, ctx: &DescribeContext) -> String {
    let meta = &sa["metadata"];
    let name = s(&meta["name"]);
    let uid = s(&meta["uid"]);
    let mut tokens: Vec<&str> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    // A failed list is tolerated: the references print, unmarked.
    if let Ok(secrets) = fetched_items(ctx.get(SECRETS)) {
        for secret in secrets {
            let ann = &secret["metadata"]["annotations"];
            if s(&secret["type"]) == "kubernetes.io/service-account-token"
                && s(&ann["kubernetes.io/service-account.name"]) == name
                && s(&ann["kubernetes.io/service-account.uid"]) == uid
            {
                tokens.push(s(&secret["metadata"]["name"]));
            }
        }
        let exists = |n: &str| secrets.iter().any(|x| s(&x["metadata"]["name"]) == n);
        for r in arr(&sa["secrets"]).iter().chain(arr(&sa["imagePullSecrets"])) {
            let n = s(&r["name"]);
            if !exists(n) {
                missing.push(n);
            }
        }
    }

    let mut w = Writer::new();
    dw!(w, LEVEL_0, "Name:\t{name}\n");
    dw!(w, LEVEL_0, "Namespace:\t{}\n", s(&meta["namespace"]));
    labels_multiline(&mut w, "Labels", &meta["labels"]);
    annotations_multiline(&mut w, "Annotations", &meta["annotations"]);

    let names = |key: &str| arr(&sa[key]).iter().map(|r| s(&r["name"])).collect::<Vec<_>>();
    // kubectl walks these headers in sorted order, which is this order.
    let sections: [(&str, Vec<&str>); 3] = [
        ("Image pull secrets:", names("imagePullSecrets")),
        ("Mountable secrets: ", names("secrets")),
        ("Tokens:            ", tokens),
    ];
    for (header, list) in sections {
        if list.is_empty() {
            dw!(w, LEVEL_0, "{header}\t<none>\n");
            continue;
        }
        let mut prefix = header;
        for n in list {
            if missing.contains(&n) {
                dw!(w, LEVEL_0, "{prefix}\t{n} (not found)\n");
            } else {
                dw!(w, LEVEL_0, "{prefix}\t{n}\n");
            }
            prefix = "                   ";
        }
    }
    if let Some(list) = ctx.events() {
        events(&mut w, list);
    }
    w.finish()
}

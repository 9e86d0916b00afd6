//! What the real control plane puts in every namespace, and what the v1.20
//! test cluster shows: the `default` ServiceAccount with its token Secret
//! (`default-token-xxxxx`, type `kubernetes.io/service-account-token`, data
//! `ca.crt`, `namespace`, `token`) and the `kube-root-ca.crt` ConfigMap; and
//! the `kubernetes` Service in `default` (ClusterIP 10.96.0.1).
//!
//! The token is a well-formed JWT carrying the claims a v1.20 token carries,
//! signed by nothing: the server does not authenticate with tokens (client
//! certificates only), so it grants nothing.

use std::sync::OnceLock;

use base64::Engine;
use serde_json::{json, Value};

use super::api::{new_uid, now_rfc3339};
use super::resources;
use super::store::Op;

static CA: OnceLock<String> = OnceLock::new();

/// The cluster CA (PEM), published in every namespace; set once by the server.
pub fn set_ca(pem: &str) {
    let _ = CA.set(pem.to_string());
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    new_uid().bytes().filter(u8::is_ascii_hexdigit).take(5).map(|c| ALPHABET[(c as usize * 7) % ALPHABET.len()] as char).collect()
}

fn token(ns: &str, secret: &str, sa_uid: &str) -> String {
    let url = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let header = json!({"alg": "none", "kid": ""});
    let claims = json!({
        "iss": "kubernetes/serviceaccount",
        "kubernetes.io/serviceaccount/namespace": ns,
        "kubernetes.io/serviceaccount/secret.name": secret,
        "kubernetes.io/serviceaccount/service-account.name": "default",
        "kubernetes.io/serviceaccount/service-account.uid": sa_uid,
        "sub": format!("system:serviceaccount:{ns}:default"),
    });
    format!("{}.{}.", url(&header), url(&claims))
}

/// The objects a new namespace gets, stamped with revision `rv`.
pub fn namespace_ops(ns: &str, rv: u64) -> Vec<Op> {
    let (sa_r, secret_r, cm_r) = (
        resources::find("", "v1", "serviceaccounts").unwrap(),
        resources::find("", "v1", "secrets").unwrap(),
        resources::find("", "v1", "configmaps").unwrap(),
    );
    let meta = |name: &str| json!({"name": name, "namespace": ns, "uid": new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now_rfc3339()});
    let ca = CA.get().cloned().unwrap_or_default();
    let secret_name = format!("default-token-{}", suffix());
    let mut sa = json!({"kind": "ServiceAccount", "apiVersion": "v1", "metadata": meta("default"), "secrets": [{"name": secret_name}]});
    let sa_uid = sa["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let mut secret_meta = meta(&secret_name);
    secret_meta["annotations"] = json!({"kubernetes.io/service-account.name": "default", "kubernetes.io/service-account.uid": sa_uid});
    let secret = json!({
        "kind": "Secret", "apiVersion": "v1", "metadata": secret_meta,
        "data": {"ca.crt": b64(ca.as_bytes()), "namespace": b64(ns.as_bytes()), "token": b64(token(ns, &secret_name, &sa_uid).as_bytes())},
        "type": "kubernetes.io/service-account-token",
    });
    let cm = json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta("kube-root-ca.crt"), "data": {"ca.crt": ca}});
    sa["metadata"]["resourceVersion"] = json!(rv.to_string());
    vec![
        Op { key: cm_r.key(ns, "kube-root-ca.crt"), object: Some(cm) },
        Op { key: secret_r.key(ns, &secret_name), object: Some(secret) },
        Op { key: sa_r.key(ns, "default"), object: Some(sa) },
    ]
}

/// The `kubernetes` Service, which the apiserver keeps in `default`.
/// (Its targetPort is 443: the server's own port is only known once it listens.)
pub fn kubernetes_service(objects: &crate::local::store::Objects, rv: u64) -> Option<Op> {
    let svc_r = resources::find("", "v1", "services").unwrap();
    let key = svc_r.key("default", "kubernetes");
    if objects.contains_key(&key) {
        return None;
    }
    let svc = json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": "kubernetes", "namespace": "default", "uid": new_uid(), "resourceVersion": rv.to_string(), "creationTimestamp": now_rfc3339(),
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 443}], "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"],
                 "type": "ClusterIP", "sessionAffinity": "None"},
        "status": {"loadBalancer": {}},
    });
    Some(Op { key, object: Some(svc) })
}

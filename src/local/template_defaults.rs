//! Defaults that show in `get -o yaml` of workloads and that the end-to-end
//! suite (tests/e2e.rs) found missing next to the real apiserver:
//!
//! - a pod template's `metadata` is encoded with `creationTimestamp: null` (Go's
//!   zero `metav1.Time` in an embedded ObjectMeta), as are a StatefulSet's
//!   claim templates and a CronJob's job template;
//! - configMap, secret, downwardAPI and projected volumes get `defaultMode: 420`;
//! - a StatefulSet's `volumeClaimTemplates` are full PersistentVolumeClaims:
//!   `apiVersion`, `kind`, `spec.volumeMode: Filesystem`, `status.phase: Pending`.
//!   Because that list has no merge key, `kubectl apply` of an unchanged
//!   StatefulSet then reports `configured`, as against a real cluster;
//! - an Ingress has an empty `status.loadBalancer`.

use serde_json::{json, Value};

use super::resources::Res;

fn set_default(v: &mut Value, key: &str, default: Value) {
    if let Some(m) = v.as_object_mut() {
        m.entry(key.to_string()).or_insert(default);
    }
}

/// `defaultMode` of the volume sources that have one (the apiserver's
/// `SetDefaults_*VolumeSource`, 0644).
pub fn pod_volumes(spec: &mut Value) {
    for v in spec.get_mut("volumes").and_then(Value::as_array_mut).into_iter().flatten() {
        for source in ["configMap", "secret", "downwardAPI", "projected"] {
            if v[source].is_object() {
                set_default(&mut v[source], "defaultMode", json!(420));
            }
        }
    }
}

/// A pod template: null creationTimestamp and volume defaults.
fn template(t: &mut Value) {
    if !t.is_object() {
        return;
    }
    if !t["metadata"].is_object() {
        t["metadata"] = json!({});
    }
    set_default(&mut t["metadata"], "creationTimestamp", Value::Null);
    if t["spec"].is_object() {
        pod_volumes(&mut t["spec"]);
    }
}

pub fn apply(res: &Res, obj: &mut Value) {
    match res.name {
        "pods" if obj["spec"].is_object() => pod_volumes(&mut obj["spec"]),
        "deployments" | "replicasets" | "daemonsets" | "jobs" => template(&mut obj["spec"]["template"]),
        "statefulsets" => {
            template(&mut obj["spec"]["template"]);
            for c in obj["spec"].get_mut("volumeClaimTemplates").and_then(Value::as_array_mut).into_iter().flatten() {
                let Some(m) = c.as_object_mut() else { continue };
                // kind and apiVersion first, as the apiserver encodes them.
                let mut full = serde_json::Map::new();
                full.insert("apiVersion".into(), json!("v1"));
                full.insert("kind".into(), json!("PersistentVolumeClaim"));
                full.extend(std::mem::take(m));
                *c = Value::Object(full);
                if !c["metadata"].is_object() {
                    c["metadata"] = json!({});
                }
                set_default(&mut c["metadata"], "creationTimestamp", Value::Null);
                if c["spec"].is_object() {
                    set_default(&mut c["spec"], "volumeMode", json!("Filesystem"));
                }
                set_default(c, "status", json!({"phase": "Pending"}));
            }
        }
        "cronjobs" => {
            let jt = &mut obj["spec"]["jobTemplate"];
            if jt.is_object() {
                if !jt["metadata"].is_object() {
                    jt["metadata"] = json!({});
                }
                set_default(&mut jt["metadata"], "creationTimestamp", Value::Null);
                template(&mut jt["spec"]["template"]);
            }
        }
        "ingresses" => set_default(obj, "status", json!({"loadBalancer": {}})),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statefulset_claim_templates_and_volumes() {
        let res = super::super::resources::find("apps", "v1", "statefulsets").unwrap();
        let mut sts = json!({"spec": {
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"volumes": [{"name": "c", "configMap": {"name": "x"}}, {"name": "e", "emptyDir": {}}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}],
        }});
        apply(res, &mut sts);
        assert_eq!(sts["spec"]["template"]["metadata"], json!({"labels": {"app": "db"}, "creationTimestamp": null}));
        assert_eq!(sts["spec"]["template"]["spec"]["volumes"][0]["configMap"]["defaultMode"], 420);
        assert!(sts["spec"]["template"]["spec"]["volumes"][1]["emptyDir"].get("defaultMode").is_none());
        let claim = &sts["spec"]["volumeClaimTemplates"][0];
        assert_eq!(claim.as_object().unwrap().keys().take(2).collect::<Vec<_>>(), ["apiVersion", "kind"]);
        assert_eq!(claim["spec"]["volumeMode"], "Filesystem");
        assert_eq!(claim["status"]["phase"], "Pending");
        // Idempotent: applying again changes nothing.
        let again = {
            let mut s = sts.clone();
            apply(res, &mut s);
            s
        };
        assert_eq!(again, sts);
    }
}

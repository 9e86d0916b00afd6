//! The `--profile` appliers: what each profile changes in the debug pod, for
//! each way of debugging. Pure functions over the pod's JSON.

use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Legacy,
    General,
    Baseline,
    Restricted,
    Netadmin,
    Sysadmin,
}

/// How the pod is debugged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Ephemeral,
    PodCopy,
    Node,
}

/// `--keep-*`: what a pod copy keeps of the original.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keep {
    pub labels: bool,
    pub annotations: bool,
    pub liveness: bool,
    pub readiness: bool,
    pub startup: bool,
    pub init_containers: bool,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        Some(match s {
            "legacy" => Profile::Legacy,
            "general" => Profile::General,
            "baseline" => Profile::Baseline,
            "restricted" => Profile::Restricted,
            "netadmin" => Profile::Netadmin,
            "sysadmin" => Profile::Sysadmin,
            _ => return None,
        })
    }

    pub fn apply(self, pod: &mut Value, container: &str, style: Style, keep: Keep) {
        use Profile::*;
        use Style::*;
        match self {
            Legacy => match style {
                Node => {
                    mount_root(pod, container);
                    host_namespaces(pod, true);
                }
                // The legacy copy never keeps labels.
                PodCopy => trim_copy(pod, Keep { labels: false, annotations: true, liveness: true, readiness: true, startup: true, init_containers: true }),
                Ephemeral => {}
            },
            General => match style {
                Node => {
                    mount_root(pod, container);
                    with_container(pod, container, |c| remove(c, "securityContext"));
                    host_namespaces(pod, true);
                }
                PodCopy => {
                    trim_copy(pod, keep);
                    with_container(pod, container, |c| add_capabilities(c, &["SYS_PTRACE"]));
                    share_processes(pod);
                }
                Ephemeral => with_container(pod, container, |c| add_capabilities(c, &["SYS_PTRACE"])),
            },
            Baseline => {
                with_container(pod, container, |c| remove(c, "securityContext"));
                if style == PodCopy {
                    trim_copy(pod, keep);
                    share_processes(pod);
                }
            }
            Restricted => {
                with_container(pod, container, |c| {
                    remove(c, "securityContext");
                    let sc = &mut c["securityContext"];
                    sc["runAsNonRoot"] = json!(true);
                    sc["capabilities"] = json!({"drop": ["ALL"]});
                    sc["allowPrivilegeEscalation"] = json!(false);
                    sc["seccompProfile"] = json!({"type": "RuntimeDefault"});
                });
                if style == PodCopy {
                    trim_copy(pod, keep);
                    share_processes(pod);
                }
            }
            Netadmin => {
                with_container(pod, container, |c| add_capabilities(c, &["NET_ADMIN", "NET_RAW"]));
                match style {
                    Node => host_namespaces(pod, true),
                    PodCopy => {
                        trim_copy(pod, keep);
                        share_processes(pod);
                    }
                    Ephemeral => {}
                }
            }
            Sysadmin => {
                with_container(pod, container, |c| c["securityContext"]["privileged"] = json!(true));
                match style {
                    Node => {
                        host_namespaces(pod, true);
                        mount_root(pod, container);
                    }
                    PodCopy => {
                        trim_copy(pod, keep);
                        share_processes(pod);
                    }
                    Ephemeral => {}
                }
            }
        }
    }
}

fn remove(v: &mut Value, key: &str) {
    if let Some(m) = v.as_object_mut() {
        m.remove(key);
    }
}

/// The first container named `name` among init, regular and ephemeral
/// containers (podutils.VisitContainers stops at the first match).
fn with_container(pod: &mut Value, name: &str, f: impl FnOnce(&mut Value)) {
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(c) = pod["spec"].get_mut(list).and_then(Value::as_array_mut).and_then(|cs| cs.iter_mut().find(|c| c["name"] == name)) {
            f(c);
            return;
        }
    }
}

fn add_capabilities(c: &mut Value, caps: &[&str]) {
    let add = &mut c["securityContext"]["capabilities"]["add"];
    if !add.is_array() {
        *add = json!([]);
    }
    let list = add.as_array_mut().expect("array");
    list.extend(caps.iter().map(|c| json!(c)));
}

/// The host's root filesystem at `/host` in the container.
fn mount_root(pod: &mut Value, container: &str) {
    const VOLUME: &str = "host-root";
    let volumes = &mut pod["spec"]["volumes"];
    if !volumes.is_array() {
        *volumes = json!([]);
    }
    volumes.as_array_mut().expect("array").push(json!({"name": VOLUME, "hostPath": {"path": "/"}}));
    for list in ["initContainers", "containers"] {
        if let Some(c) = pod["spec"].get_mut(list).and_then(Value::as_array_mut).and_then(|cs| cs.iter_mut().find(|c| c["name"] == container)) {
            let mounts = &mut c["volumeMounts"];
            if !mounts.is_array() {
                *mounts = json!([]);
            }
            mounts.as_array_mut().expect("array").push(json!({"name": VOLUME, "mountPath": "/host"}));
            return;
        }
    }
}

fn host_namespaces(pod: &mut Value, on: bool) {
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if on {
            pod["spec"][key] = json!(true);
        } else {
            remove(&mut pod["spec"], key);
        }
    }
}

fn share_processes(pod: &mut Value) {
    if pod["spec"]["shareProcessNamespace"].is_null() {
        pod["spec"]["shareProcessNamespace"] = json!(true);
    }
}

/// What a copy drops unless kept: labels, annotations, probes, init containers.
fn trim_copy(pod: &mut Value, keep: Keep) {
    if !keep.labels {
        remove(&mut pod["metadata"], "labels");
    }
    if !keep.annotations {
        remove(&mut pod["metadata"], "annotations");
    }
    for c in pod["spec"].get_mut("containers").and_then(Value::as_array_mut).into_iter().flatten() {
        for (kept, probe) in [(keep.liveness, "livenessProbe"), (keep.readiness, "readinessProbe"), (keep.startup, "startupProbe")] {
            if !kept {
                remove(c, probe);
            }
        }
    }
    if !keep.init_containers {
        remove(&mut pod["spec"], "initContainers");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Value {
        json!({"metadata": {"name": "p", "labels": {"a": "1"}, "annotations": {"n": "x"}},
               "spec": {"initContainers": [{"name": "init"}],
                        "containers": [{"name": "app", "livenessProbe": {}, "readinessProbe": {}, "startupProbe": {}},
                                       {"name": "dbg", "securityContext": {"runAsUser": 0}}]}})
    }

    #[test]
    fn general_copy_trims_and_traces() {
        let mut p = pod();
        Profile::General.apply(&mut p, "dbg", Style::PodCopy, Keep { readiness: true, init_containers: true, ..Keep::default() });
        assert!(p["metadata"].get("labels").is_none() && p["metadata"].get("annotations").is_none());
        assert_eq!(p["spec"]["containers"][0], json!({"name": "app", "readinessProbe": {}}));
        assert_eq!(p["spec"]["containers"][1]["securityContext"], json!({"runAsUser": 0, "capabilities": {"add": ["SYS_PTRACE"]}}));
        assert_eq!(p["spec"]["shareProcessNamespace"], json!(true));
        assert!(p["spec"]["initContainers"].is_array());
    }

    #[test]
    fn legacy_copy_drops_only_labels() {
        let mut p = pod();
        Profile::Legacy.apply(&mut p, "dbg", Style::PodCopy, Keep { labels: true, ..Keep::default() });
        assert!(p["metadata"].get("labels").is_none());
        assert_eq!(p["metadata"]["annotations"], json!({"n": "x"}));
        assert!(p["spec"]["containers"][0]["livenessProbe"].is_object());
        assert!(p["spec"].get("shareProcessNamespace").is_none());
    }

    #[test]
    fn restricted_and_sysadmin_node() {
        let mut p = pod();
        Profile::Restricted.apply(&mut p, "dbg", Style::Ephemeral, Keep::default());
        assert_eq!(
            p["spec"]["containers"][1]["securityContext"],
            json!({"runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}, "allowPrivilegeEscalation": false, "seccompProfile": {"type": "RuntimeDefault"}})
        );
        let mut p = pod();
        Profile::Sysadmin.apply(&mut p, "dbg", Style::Node, Keep::default());
        assert_eq!(p["spec"]["containers"][1]["securityContext"]["privileged"], json!(true));
        assert_eq!(p["spec"]["hostPID"], json!(true));
        assert_eq!(p["spec"]["volumes"], json!([{"name": "host-root", "hostPath": {"path": "/"}}]));
        assert_eq!(p["spec"]["containers"][1]["volumeMounts"], json!([{"name": "host-root", "mountPath": "/host"}]));
    }
}

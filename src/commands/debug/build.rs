//! The debug pods and the ephemeral container patch, built from the options
//! and the target without I/O (the name suffix is passed in).

use serde_json::{json, Map, Value};

use super::profiles::{Keep, Profile, Style};
use crate::error::CliError;

/// The checked options of one `debug` invocation.
pub struct Plan {
    pub args_only: bool,
    pub command: Vec<String>,
    pub attach: bool,
    pub container: String,
    pub copy_to: String,
    pub replace: bool,
    pub env: Vec<(String, String)>,
    pub image: String,
    pub pull_policy: String,
    pub quiet: bool,
    pub same_node: bool,
    pub set_images: Vec<(String, String)>,
    /// Set only when `--share-processes` was given.
    pub share_processes: Option<bool>,
    pub target: String,
    pub stdin: bool,
    pub tty: bool,
    pub profile: Profile,
    pub keep: Keep,
    pub custom: Option<Value>,
}

pub fn random_suffix() -> String {
    crate::commands::create::deployment::random_suffix(5)
}

/// The state of the container named `name` in the pod's status, if listed.
pub fn container_state<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"]
        .iter()
        .flat_map(|k| pod["status"][k].as_array().into_iter().flatten())
        .find(|s| s["name"] == name)
        .map(|s| &s["state"])
}

fn container_names(pod: &Value) -> Vec<String> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| pod["spec"][k].as_array().into_iter().flatten())
        .filter_map(|c| c["name"].as_str().map(String::from))
        .collect()
}

/// The container fields Go decodes as strings, as paths below a container
/// (`[]` walks a list).
const STRING_FIELDS: &[&str] = &[
    "name", "image", "workingDir", "imagePullPolicy", "terminationMessagePath", "terminationMessagePolicy",
    "command[]", "args[]",
    "env[]/name", "env[]/value",
    "env[]/valueFrom/configMapKeyRef/name", "env[]/valueFrom/configMapKeyRef/key",
    "env[]/valueFrom/secretKeyRef/name", "env[]/valueFrom/secretKeyRef/key",
    "env[]/valueFrom/fieldRef/fieldPath", "env[]/valueFrom/fieldRef/apiVersion",
    "env[]/valueFrom/resourceFieldRef/resource", "env[]/valueFrom/resourceFieldRef/containerName",
    "envFrom[]/prefix", "envFrom[]/configMapRef/name", "envFrom[]/secretRef/name",
    "ports[]/name", "ports[]/protocol", "ports[]/hostIP",
    "volumeMounts[]/name", "volumeMounts[]/mountPath", "volumeMounts[]/subPath", "volumeMounts[]/subPathExpr", "volumeMounts[]/mountPropagation",
    "securityContext/procMount", "securityContext/capabilities/add[]", "securityContext/capabilities/drop[]",
    "securityContext/seLinuxOptions/user", "securityContext/seLinuxOptions/role", "securityContext/seLinuxOptions/type", "securityContext/seLinuxOptions/level",
    "securityContext/seccompProfile/type", "securityContext/seccompProfile/localhostProfile",
];

/// sigs.k8s.io/yaml decodes `--custom` into a typed container: a boolean or
/// number met where a string belongs becomes its text (`yes` is read as
/// `true` first, so it ends up "true", as with kubectl).
pub fn string_fields(container: &mut Value) {
    fn walk(v: &mut Value, path: &[&str]) {
        let Some((first, rest)) = path.split_first() else {
            let text = match v {
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => match n.as_f64().filter(|_| n.is_f64()) {
                    Some(f) => crate::printers::gonum::format_g(f),
                    None => n.to_string(),
                },
                _ => return,
            };
            *v = Value::String(text);
            return;
        };
        let (key, list) = match first.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (*first, false),
        };
        let Some(child) = v.get_mut(key) else { return };
        match (list, child) {
            (true, Value::Array(items)) => items.iter_mut().for_each(|i| walk(i, rest)),
            (false, child) => walk(child, rest),
            _ => {}
        }
    }
    for path in STRING_FIELDS {
        let parts: Vec<&str> = path.split('/').collect();
        walk(container, &parts);
    }
}

impl Plan {
    fn env_value(&self) -> Option<Value> {
        (!self.env.is_empty()).then(|| json!(self.env.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>()))
    }

    /// A new debug container's fields, as the Go struct marshals them
    /// (`resources` always, empty fields left out).
    fn new_container(&self, name: &str) -> Value {
        let mut c = json!({"name": name, "resources": {}, "terminationMessagePolicy": "File"});
        if !self.image.is_empty() {
            c["image"] = json!(self.image);
        }
        if let Some(env) = self.env_value() {
            c["env"] = env;
        }
        if !self.pull_policy.is_empty() {
            c["imagePullPolicy"] = json!(self.pull_policy);
        }
        if self.stdin {
            c["stdin"] = json!(true);
        }
        if self.tty {
            c["tty"] = json!(true);
        }
        if !self.command.is_empty() {
            c[if self.args_only { "args" } else { "command" }] = json!(self.command);
        }
        c
    }

    /// `computeDebugContainerName`: `-c`, else `debugger-XXXXX` not yet used.
    fn debug_container_name(&self, pod: &Value, suffix: &dyn Fn() -> String) -> String {
        if !self.container.is_empty() {
            return self.container.clone();
        }
        let taken = container_names(pod);
        let name = loop {
            let n = format!("debugger-{}", suffix());
            if !taken.contains(&n) {
                break n;
            }
        };
        if !self.quiet {
            crate::output::print(&format!("Defaulting debug container name to {name}.\n"));
        }
        name
    }

    /// `--custom`: the partial container spec merged over the profile's
    /// container (a strategic merge, so lists keyed by name merge).
    fn apply_custom(&self, container: &mut Value, name: &str) -> Result<(), CliError> {
        if let Some(custom) = &self.custom {
            let mut custom = custom.clone();
            custom["name"] = json!(name);
            let schema = crate::patch::BuiltinSchema::for_kind("Container");
            *container = crate::patch::apply_strategic(container, &custom, &schema).map_err(|e| CliError::msg(format!("error creating three way patch to add debug container: {e}")))?;
        }
        Ok(())
    }

    /// `generateNodeDebugPod`.
    pub fn node_pod(&self, node: &Value, suffix: &dyn Fn() -> String) -> Result<Value, CliError> {
        let node_name = node["metadata"]["name"].as_str().unwrap_or("");
        let cn = if self.container.is_empty() { "debugger".to_string() } else { self.container.clone() };
        let pn = format!("node-debugger-{node_name}-{}", suffix());
        if !self.quiet {
            crate::output::print(&format!("Creating debugging pod {pn} with container {cn} on node {node_name}.\n"));
        }
        let mut pod = json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": pn},
            "spec": {
                "containers": [self.new_container(&cn)],
                "nodeName": node_name,
                "restartPolicy": "Never",
                "tolerations": [{"operator": "Exists"}],
            },
        });
        self.profile.apply(&mut pod, &cn, Style::Node, self.keep);
        self.apply_custom(&mut pod["spec"]["containers"][0], &cn)?;
        Ok(pod)
    }

    /// `generatePodCopyWithDebugContainer`: the copy and the container to
    /// attach to (empty for a `--set-image` only copy).
    pub fn pod_copy(&self, pod: &Value, suffix: &dyn Fn() -> String) -> Result<(Value, String), CliError> {
        let mut meta = Map::new();
        meta.insert("name".into(), json!(self.copy_to));
        meta.insert("namespace".into(), pod["metadata"]["namespace"].clone());
        for key in ["labels", "annotations"] {
            if let Some(v) = pod["metadata"].get(key).filter(|v| v.as_object().is_some_and(|m| !m.is_empty())) {
                meta.insert(key.into(), v.clone());
            }
        }
        let spec = if pod["spec"].is_object() { pod["spec"].clone() } else { json!({}) };
        let mut copy = json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec});
        let spec = copy["spec"].as_object_mut().expect("pod spec");
        spec.remove("ephemeralContainers");
        if let Some(share) = self.share_processes {
            spec.insert("shareProcessNamespace".into(), json!(share));
        }
        if !self.same_node {
            spec.remove("nodeName");
        }
        let wildcard = self.set_images.iter().find(|(k, _)| k == "*").map(|(_, v)| v.clone());
        for c in spec.get_mut("containers").and_then(Value::as_array_mut).into_iter().flatten() {
            let name = c["name"].as_str().unwrap_or("").to_string();
            let image = self.set_images.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).or_else(|| wildcard.clone());
            if let Some(image) = image.filter(|i| !i.is_empty()) {
                c["image"] = json!(image);
            }
        }
        let mut name = self.container.clone();
        let existing = |copy: &Value, name: &str| -> Option<(&'static str, usize)> {
            ["containers", "initContainers"].into_iter().find_map(|k| copy["spec"][k].as_array().and_then(|cs| cs.iter().position(|c| c["name"] == name)).map(|i| (k, i)))
        };
        let at = match existing(&copy, &name).filter(|_| !name.is_empty()) {
            Some(at) => at,
            None => {
                if self.image.is_empty() {
                    if !self.set_images.is_empty() {
                        return Ok((copy, String::new()));
                    }
                    return Err(CliError::msg("you must specify image when creating new container"));
                }
                if name.is_empty() {
                    name = self.debug_container_name(&copy, suffix);
                }
                let list = &mut copy["spec"]["containers"];
                if !list.is_array() {
                    *list = json!([]);
                }
                let list = list.as_array_mut().expect("array");
                list.push(json!({"name": name, "resources": {}, "terminationMessagePolicy": "File"}));
                ("containers", list.len() - 1)
            }
        };
        let c = &mut copy["spec"][at.0][at.1];
        if !self.command.is_empty() {
            if self.args_only {
                c["args"] = json!(self.command);
            } else {
                c["command"] = json!(self.command);
                if let Some(m) = c.as_object_mut() {
                    m.remove("args");
                }
            }
        }
        if let Some(env) = self.env_value() {
            c["env"] = env;
        }
        if !self.image.is_empty() {
            c["image"] = json!(self.image);
        }
        if !self.pull_policy.is_empty() {
            c["imagePullPolicy"] = json!(self.pull_policy);
        }
        for (key, on) in [("stdin", self.stdin), ("tty", self.tty)] {
            match (on, c.as_object_mut()) {
                (true, _) => c[key] = json!(true),
                (false, Some(m)) => {
                    m.remove(key);
                }
                _ => {}
            }
        }
        let cname = c["name"].as_str().unwrap_or("").to_string();
        self.profile.apply(&mut copy, &cname, Style::PodCopy, self.keep);
        if self.custom.is_some() {
            match existing(&copy, &name) {
                Some((list, i)) if list == "containers" => self.apply_custom(&mut copy["spec"]["containers"][i], &name)?,
                _ => return Err(CliError::msg(format!("unable to find the {name} container in the pod {}", self.copy_to))),
            }
        }
        Ok((copy, name))
    }

    /// `debugByEphemeralContainer`'s patch: the two-way strategic merge patch
    /// from the pod to the pod with the new ephemeral container, and its name.
    pub fn ephemeral_patch(&self, pod: &Value, suffix: &dyn Fn() -> String) -> Result<(Value, String), CliError> {
        let name = self.debug_container_name(pod, suffix);
        let mut ec = self.new_container(&name);
        if !self.target.is_empty() {
            ec["targetContainerName"] = json!(self.target);
        }
        let mut with = pod.clone();
        let list = &mut with["spec"]["ephemeralContainers"];
        if !list.is_array() {
            *list = json!([]);
        }
        list.as_array_mut().expect("array").push(ec);
        self.profile.apply(&mut with, &name, Style::Ephemeral, self.keep);
        let last = with["spec"]["ephemeralContainers"].as_array().map(|a| a.len() - 1).unwrap_or(0);
        let mut ec = with["spec"]["ephemeralContainers"][last].take();
        self.apply_custom(&mut ec, &name)?;
        let existing: Vec<Value> = pod["spec"]["ephemeralContainers"].as_array().into_iter().flatten().map(|c| json!({"name": c["name"]})).collect();
        let mut spec = json!({"ephemeralContainers": [ec]});
        if !existing.is_empty() {
            let mut order = existing;
            order.push(json!({"name": name}));
            spec["$setElementOrder/ephemeralContainers"] = json!(order);
        }
        Ok((json!({"spec": spec}), name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            args_only: false,
            command: vec![],
            attach: false,
            container: String::new(),
            copy_to: String::new(),
            replace: false,
            env: vec![],
            image: "busybox:1".into(),
            pull_policy: String::new(),
            quiet: true,
            same_node: false,
            set_images: vec![],
            share_processes: None,
            target: String::new(),
            stdin: false,
            tty: false,
            profile: Profile::General,
            keep: Keep { init_containers: true, ..Keep::default() },
            custom: None,
        }
    }

    fn pod() -> Value {
        json!({"metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}, "uid": "u"},
               "spec": {"nodeName": "n1", "containers": [{"name": "web", "image": "nginx:1", "args": ["-g"]}]},
               "status": {"phase": "Running"}})
    }

    #[test]
    fn ephemeral_patch_adds_one_container() {
        let p = Plan { target: "web".into(), env: vec![("A".into(), "1".into())], ..plan() };
        let (patch, name) = p.ephemeral_patch(&pod(), &|| "abcde".into()).unwrap();
        assert_eq!(name, "debugger-abcde");
        assert_eq!(
            patch,
            json!({"spec": {"ephemeralContainers": [{"name": "debugger-abcde", "image": "busybox:1", "resources": {}, "terminationMessagePolicy": "File",
                   "env": [{"name": "A", "value": "1"}], "targetContainerName": "web", "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}}}]}})
        );
        let mut with_one = pod();
        with_one["spec"]["ephemeralContainers"] = json!([{"name": "debugger-abcde"}]);
        let (patch, name) = plan().ephemeral_patch(&with_one, &{
            let n = std::cell::Cell::new(0);
            move || {
                n.set(n.get() + 1);
                if n.get() == 1 { "abcde".into() } else { "fghij".into() }
            }
        }).unwrap();
        assert_eq!(name, "debugger-fghij", "a taken name is drawn again");
        assert_eq!(patch["spec"]["$setElementOrder/ephemeralContainers"], json!([{"name": "debugger-abcde"}, {"name": "debugger-fghij"}]));
    }

    #[test]
    fn copy_changes_a_container_or_adds_one() {
        let p = Plan { copy_to: "web-copy".into(), container: "web".into(), image: String::new(), command: vec!["sh".into()], ..plan() };
        let (copy, name) = p.pod_copy(&pod(), &|| "x".into()).unwrap();
        assert_eq!(name, "web");
        assert_eq!(copy["metadata"], json!({"name": "web-copy", "namespace": "ns"}));
        assert_eq!(copy["spec"]["containers"][0]["command"], json!(["sh"]));
        assert!(copy["spec"]["containers"][0].get("args").is_none());
        assert!(copy["spec"].get("nodeName").is_none());
        assert_eq!(copy["spec"]["shareProcessNamespace"], json!(true));
        let p = Plan { copy_to: "web-copy".into(), set_images: vec![("*".into(), "nginx:2".into())], image: String::new(), same_node: true, ..plan() };
        let (copy, name) = p.pod_copy(&pod(), &|| "x".into()).unwrap();
        assert_eq!((name.as_str(), &copy["spec"]["containers"][0]["image"], &copy["spec"]["nodeName"]), ("", &json!("nginx:2"), &json!("n1")));
        let p = Plan { copy_to: "c".into(), ..plan() };
        let (copy, name) = p.pod_copy(&pod(), &|| "zzzzz".into()).unwrap();
        assert_eq!(name, "debugger-zzzzz");
        assert_eq!(copy["spec"]["containers"][1]["image"], json!("busybox:1"));
    }

    #[test]
    fn node_pod_runs_on_the_node() {
        let p = Plan { profile: Profile::Legacy, command: vec!["sleep".into(), "1".into()], ..plan() };
        let pod = p.node_pod(&json!({"metadata": {"name": "n1"}}), &|| "qqqqq".into()).unwrap();
        assert_eq!(pod["metadata"]["name"], json!("node-debugger-n1-qqqqq"));
        assert_eq!(pod["spec"]["nodeName"], json!("n1"));
        assert_eq!(pod["spec"]["containers"][0]["command"], json!(["sleep", "1"]));
        assert_eq!(pod["spec"]["hostNetwork"], json!(true));
        assert_eq!(pod["spec"]["tolerations"], json!([{"operator": "Exists"}]));
    }
}

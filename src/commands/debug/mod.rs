//! `kctl debug (POD | TYPE/NAME) [-- COMMAND args...]`: kubectl's three
//! debugging journeys, with its checks and messages:
//!
//! - a pod: an ephemeral container added through the `ephemeralcontainers`
//!   subresource (a strategic merge patch);
//! - a pod with `--copy-to`: a copy of it, with a debug container added or one
//!   of its containers changed (`--set-image`, a command), optionally replacing
//!   the original;
//! - `node/NAME`: a pod on that node in the host's namespaces, with the root
//!   filesystem at `/host`.
//!
//! The pods are built as JSON by the pure functions of `build` and `profiles`;
//! this file gathers the flags, fetches the targets and sends the requests.

mod build;
mod profiles;

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request};
use crate::error::CliError;
use crate::settings::Settings;

pub use build::Plan;
pub use profiles::{Keep, Profile};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (POD | TYPE[[.VERSION].GROUP]/NAME)
    pub targets: Vec<String>,
    /// COMMAND [args...]
    #[arg(last = true)]
    pub command: Vec<String>,
    /// If specified, everything after -- will be passed to the new container as Args instead of Command.
    #[arg(long = "arguments-only")]
    pub arguments_only: bool,
    /// If true, wait for the container to start running, and then attach as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub attach: Option<String>,
    /// Container name to use for debug container.
    #[arg(short = 'c', long)]
    pub container: Option<String>,
    /// Create a copy of the target Pod with this name.
    #[arg(long = "copy-to")]
    pub copy_to: Option<String>,
    /// Path to a JSON or YAML file containing a partial container spec to customize built-in debug profiles.
    #[arg(long)]
    pub custom: Option<String>,
    /// Environment variables to set in the container.
    #[arg(long, value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// identifying the resource to debug
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Container image to use for debug container.
    #[arg(long)]
    pub image: Option<String>,
    /// The image pull policy for the container. If left empty, this value will not be specified by the client and defaulted by the server.
    #[arg(long = "image-pull-policy")]
    pub image_pull_policy: Option<String>,
    /// If true, keep the original pod annotations.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-annotations")]
    pub keep_annotations: bool,
    /// Run the init containers for the pod. Defaults to true.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-init-containers", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub keep_init_containers: Option<String>,
    /// If true, keep the original pod labels.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-labels")]
    pub keep_labels: bool,
    /// If true, keep the original pod liveness probes.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-liveness")]
    pub keep_liveness: bool,
    /// If true, keep the original pod readiness probes.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-readiness")]
    pub keep_readiness: bool,
    /// If true, keep the original startup probes.(This flag only works when used with '--copy-to')
    #[arg(long = "keep-startup")]
    pub keep_startup: bool,
    /// Options are "legacy", "general", "baseline", "netadmin", "restricted" or "sysadmin".
    #[arg(long, default_value = "legacy")]
    pub profile: String,
    /// If true, suppress informational messages.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// When used with '--copy-to', delete the original Pod.
    #[arg(long)]
    pub replace: bool,
    /// When used with '--copy-to', schedule the copy of target Pod on the same node.
    #[arg(long = "same-node")]
    pub same_node: bool,
    /// When used with '--copy-to', a list of name=image pairs for changing container images, similar to how 'kubectl set image' works.
    #[arg(long = "set-image", value_name = "NAME=IMAGE")]
    pub set_image: Vec<String>,
    /// When used with '--copy-to', enable process namespace sharing in the copy.
    #[arg(long = "share-processes", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub share_processes: Option<String>,
    /// Keep stdin open on the container(s) in the pod, even if nothing is attached.
    #[arg(short = 'i', long)]
    pub stdin: bool,
    /// When using an ephemeral container, target processes in this container name.
    #[arg(long)]
    pub target: Option<String>,
    /// Allocate a TTY for the debugging container.
    #[arg(short = 't', long)]
    pub tty: bool,
}

const PATH: &str = "debug";

fn bool_flag(flag: &str, v: &Option<String>, default: bool) -> Result<bool, CliError> {
    crate::commands::create::flags::parse_bool(PATH, flag, v.as_deref(), default)
}

/// pflag's StringToString: `k=v` pairs, comma-separated, in the order given
/// (kubectl iterates a map, so its order is unspecified).
fn string_to_string(flag: &str, values: &[String]) -> Result<Vec<(String, String)>, CliError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for v in values {
        for pair in v.split(',') {
            let Some((k, val)) = pair.split_once('=') else {
                return Err(CliError::Raw(format!(
                    "Error: invalid argument \"{v}\" for \"{flag}\" flag: {pair} must be formatted as key=value\nSee 'kctl {PATH} --help' for usage."
                )));
            };
            match out.iter_mut().find(|(name, _)| name == k) {
                Some(slot) => slot.1 = val.to_string(),
                None => out.push((k.to_string(), val.to_string())),
            }
        }
    }
    Ok(out)
}

/// Complete and Validate: the options kubectl checks before any request, in
/// its order and words.
fn plan(args: &Args) -> Result<Plan, CliError> {
    let pull_policy = args.image_pull_policy.clone().unwrap_or_default();
    let attach = match &args.attach {
        Some(_) => bool_flag("--attach", &args.attach, false)?,
        None => args.stdin,
    };
    let env = string_to_string("--env", &args.env)?;
    let set_images = string_to_string("--set-image", &args.set_image)?;
    let keep = Keep {
        labels: args.keep_labels,
        annotations: args.keep_annotations,
        liveness: args.keep_liveness,
        readiness: args.keep_readiness,
        startup: args.keep_startup,
        init_containers: bool_flag("--keep-init-containers", &args.keep_init_containers, true)?,
    };
    let share_processes = match &args.share_processes {
        Some(_) => Some(bool_flag("--share-processes", &args.share_processes, true)?),
        None => None,
    };
    let profile = Profile::parse(&args.profile).ok_or_else(|| CliError::msg(format!("unknown profile: {}", args.profile)))?;
    let custom = match &args.custom {
        Some(path) => Some(read_custom(path)?),
        None => None,
    };
    let image = args.image.clone().unwrap_or_default();
    let container = args.container.clone().unwrap_or_default();
    let copy_to = args.copy_to.clone().unwrap_or_default();
    let fail = |m: &str| Err(CliError::msg(m));
    if attach && args.attach.is_some() && image.is_empty() && container.is_empty() {
        return fail("you must specify --container or create a new container using --image in order to attach.");
    }
    if !copy_to.is_empty() {
        if image.is_empty() && set_images.is_empty() && args.command.is_empty() {
            return fail("you must specify --image, --set-image or command arguments.");
        }
        if !args.command.is_empty() && container.is_empty() && image.is_empty() {
            return fail("you must specify an existing container or a new image when specifying args.");
        }
    } else if args.replace {
        return fail("--replace may only be used with --copy-to.");
    } else if args.same_node {
        return fail("--same-node may only be used with --copy-to.");
    } else if !set_images.is_empty() {
        return fail("--set-image may only be used with --copy-to.");
    } else if image.is_empty() {
        return fail("you must specify --image when not using --copy-to.");
    }
    if !image.is_empty() && !crate::commands::run::valid_image_reference(&image) {
        return Err(CliError::msg(format!("invalid image name \"{image}\": invalid reference format")));
    }
    if args.targets.is_empty() && args.filename.is_empty() {
        return fail("NAME or filename is required for debug");
    }
    if !matches!(pull_policy.as_str(), "" | "Always" | "IfNotPresent" | "Never") {
        return Err(CliError::msg(format!("invalid image pull policy: {pull_policy}")));
    }
    for (name, img) in &set_images {
        if !crate::commands::run::valid_image_reference(img) {
            return Err(CliError::msg(format!("invalid image name \"{img}\" for container \"{name}\": invalid reference format")));
        }
    }
    let target = args.target.clone().unwrap_or_default();
    if !target.is_empty() {
        if !copy_to.is_empty() {
            return fail("--target is incompatible with --copy-to. Use --share-processes instead.");
        }
        if !args.quiet {
            crate::output::print(&format!(
                "Targeting container \"{target}\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n"
            ));
        }
    }
    if args.tty && !args.stdin {
        return fail("-i/--stdin is required for containers with -t/--tty=true");
    }
    if let Some(c) = &custom {
        let set = |k: &str| c.get(k).is_some_and(|v| !v.is_null() && v != "" && v.as_array().is_none_or(|a| !a.is_empty()));
        if set("name") || set("command") || set("image") || set("lifecycle") || set("volumeDevices") {
            return fail("name, command, image, lifecycle and volume devices are not modifiable via custom profile");
        }
    }
    if profile == Profile::Legacy {
        eprintln!("--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".");
    }
    Ok(Plan {
        args_only: args.arguments_only,
        command: args.command.clone(),
        attach,
        container,
        copy_to,
        replace: args.replace,
        env,
        image,
        pull_policy,
        quiet: args.quiet,
        same_node: args.same_node,
        set_images,
        share_processes,
        target,
        stdin: args.stdin,
        tty: args.tty,
        profile,
        keep,
        custom,
    })
}

/// `--custom`: a partial container spec, JSON or else YAML.
fn read_custom(path: &str) -> Result<Value, CliError> {
    let text = std::fs::read(path)
        .map_err(|e| CliError::msg(format!("must pass a container spec json file for custom profile: {}", crate::printers::format::go_io_error(path, &e))))?;
    let parsed: Result<Value, String> = serde_json::from_slice(&text).or_else(|_| {
        let json = crate::yaml::yaml_to_json(&String::from_utf8_lossy(&text))?;
        serde_json::from_str(&json).map_err(|e| e.to_string())
    });
    match parsed {
        Ok(mut v @ Value::Object(_)) => {
            build::string_fields(&mut v);
            Ok(v)
        }
        Ok(Value::Null) => Ok(json!({})),
        Ok(_) => Err(CliError::msg(format!("{path} does not contain a valid container spec: error unmarshaling JSON: json: cannot unmarshal into Go value of type v1.Container"))),
        Err(e) => Err(CliError::msg(format!("{path} does not contain a valid container spec: {e}"))),
    }
}

/// What a target resolves to: a pod or a node, fetched from the server or
/// read from a manifest.
enum Object {
    Pod(Value),
    Node(Value),
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let plan = plan(&args)?;
    let client = settings.client()?;
    let namespace = client.config().namespace.clone();
    let rt = crate::commands::runtime();
    let objects = rt.block_on(targets(&client, settings, &args))?;
    for obj in objects {
        let obj = obj?;
        let (pod, container) = rt.block_on(visit(&client, &plan, &namespace, obj))?;
        if plan.attach && !container.is_empty() {
            attach(settings, &rt, &client, &plan, &pod, &container)?;
        }
    }
    Ok(())
}

/// The builder's visit: names (pods by default, or TYPE/NAME) fetched in order,
/// then the objects of `-f` manifests as written. The first error stops.
async fn targets(client: &Client, settings: &Settings, args: &Args) -> Result<Vec<Result<Object, CliError>>, CliError> {
    let mut out = Vec::new();
    let ns = client.config().namespace.clone();
    if !args.filename.is_empty() && !args.targets.is_empty() {
        return Err(CliError::msg("resource/name arguments cannot be provided when a path is specified"));
    }
    for t in args.targets.iter().filter(|t| t.contains('/')) {
        if t.matches('/').count() > 1 {
            return Err(CliError::msg("arguments in resource/name form may not have more than one slash"));
        }
        if t.starts_with('/') || t.ends_with('/') {
            return Err(CliError::msg("arguments in resource/name form must have a single resource and name"));
        }
    }
    for item in crate::commands::manifests::read(&args.filename, false, false)? {
        match item {
            crate::manifest::Item::Object(doc) => out.push(classify(doc.object, &ns)),
            crate::manifest::Item::Error(e) => out.push(Err(CliError::msg(e.message))),
        }
    }
    for t in &args.targets {
        let (resource, name) = match t.split_once('/') {
            Some((ty, name)) => {
                let sel = crate::commands::targets::Selection::Pairs(vec![(ty.to_string(), name.to_string())]);
                let resolved = crate::commands::targets::resolve_on_server(client, &settings.cache_dir, &sel).await?;
                (resolved[0].resource.clone(), name.to_string())
            }
            None => {
                let sel = crate::commands::targets::Selection::Pairs(vec![("pods".to_string(), t.clone())]);
                let resolved = crate::commands::targets::resolve_on_server(client, &settings.cache_dir, &sel).await?;
                (resolved[0].resource.clone(), t.clone())
            }
        };
        let base = if resource.group.is_empty() { format!("/api/{}", resource.version) } else { format!("/apis/{}/{}", resource.group, resource.version) };
        let path = if resource.namespaced { format!("{base}/namespaces/{ns}/{}/{name}", resource.name) } else { format!("{base}/{}/{name}", resource.name) };
        let mut obj: Value = match client.send(&Request::get(path)).await {
            Ok(resp) => resp.json()?,
            Err(e) => {
                out.push(Err(e.into()));
                break;
            }
        };
        obj["kind"] = json!(resource.kind);
        obj["apiVersion"] = json!(resource.group_version());
        out.push(classify(obj, &ns));
    }
    Ok(out)
}

fn classify(mut obj: Value, ns: &str) -> Result<Object, CliError> {
    let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
    let kind = obj["kind"].as_str().unwrap_or("").to_string();
    match (api_version.as_str(), kind.as_str()) {
        ("v1", "Pod") => {
            if obj["metadata"]["namespace"].as_str().is_none_or(|n| n.is_empty()) {
                obj["metadata"]["namespace"] = json!(ns);
            }
            Ok(Object::Pod(obj))
        }
        ("v1", "Node") => Ok(Object::Node(obj)),
        _ => {
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version.as_str()));
            Err(CliError::msg(format!("\"{group}/{version}, Kind={kind}\" not supported by debug")))
        }
    }
}

/// Create what the plan asks for; returns the pod and the container to attach to.
async fn visit(client: &Client, plan: &Plan, namespace: &str, obj: Object) -> Result<(Value, String), CliError> {
    match obj {
        Object::Node(node) => {
            let pod = plan.node_pod(&node, &build::random_suffix)?;
            let created = create_pod(client, namespace, &pod).await?;
            let container = created["spec"]["containers"][0]["name"].as_str().unwrap_or("").to_string();
            Ok((created, container))
        }
        Object::Pod(pod) if !plan.copy_to.is_empty() => {
            let (copy, container) = plan.pod_copy(&pod, &build::random_suffix)?;
            let ns = pod["metadata"]["namespace"].as_str().unwrap_or(namespace).to_string();
            let created = create_pod(client, &ns, &copy).await?;
            if plan.replace {
                let name = pod["metadata"]["name"].as_str().unwrap_or("");
                let req = Request::new(Method::DELETE, format!("/api/v1/namespaces/{ns}/pods/{name}"))
                    .json_body("application/json", br#"{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0}"#.to_vec());
                client.send(&req).await?;
            }
            Ok((created, container))
        }
        Object::Pod(pod) => {
            let (patch, container) = plan.ephemeral_patch(&pod, &build::random_suffix)?;
            let ns = pod["metadata"]["namespace"].as_str().unwrap_or(namespace);
            let name = pod["metadata"]["name"].as_str().unwrap_or("");
            let req = Request::new(Method::PATCH, format!("/api/v1/namespaces/{ns}/pods/{name}/ephemeralcontainers"))
                .json_body("application/strategic-merge-patch+json", serde_json::to_vec(&patch).expect("json"));
            match client.send(&req).await {
                Ok(resp) => Ok((resp.json()?, container)),
                Err(e) => Err(ephemeral_error(e)),
            }
        }
    }
}

/// A 404 without details is the missing subresource (the feature is off),
/// not a missing pod.
fn ephemeral_error(e: ClientError) -> CliError {
    if let ClientError::Api { status, http_code: 404 } = &e {
        let named = status.details.as_ref().is_some_and(|d| d["name"].as_str().is_some_and(|n| !n.is_empty()));
        if !named {
            return CliError::msg(format!("ephemeral containers are disabled for this cluster (error from server: \"{}\")", status.message));
        }
    }
    e.into()
}

async fn create_pod(client: &Client, ns: &str, pod: &Value) -> Result<Value, CliError> {
    let req = Request::new(Method::POST, format!("/api/v1/namespaces/{ns}/pods")).json_body("application/json", serde_json::to_vec(pod).expect("json"));
    Ok(client.send(&req).await?.json()?)
}

/// Wait until the container runs (or has ended, then show its logs), and
/// attach to it as `kubectl attach` does.
/// `rt` is the runtime the client's connections were made on.
fn attach(settings: &Settings, rt: &tokio::runtime::Runtime, client: &Client, plan: &Plan, pod: &Value, container: &str) -> Result<(), CliError> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    let terminated = rt.block_on(async {
        let mut warned = String::new();
        loop {
            let current: Value = client.send(&Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}"))).await?.json()?;
            if let Some(state) = build::container_state(&current, container) {
                if state.get("running").is_some() {
                    return Ok::<bool, CliError>(false);
                }
                if state.get("terminated").is_some() {
                    return Ok(true);
                }
                // Once per message, as kubectl warns once per watch event.
                if let Some(msg) = state["waiting"]["message"].as_str().filter(|m| !m.is_empty() && !plan.quiet && *m != warned) {
                    eprintln!("Warning: container {container}: {msg}");
                    warned = msg.to_string();
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    })?;
    if !terminated {
        let opts = crate::commands::exec::StreamOpts {
            target: format!("pod/{name}"),
            namespace: Some(ns.clone()),
            pod_running_timeout: std::time::Duration::from_secs(60),
            container: Some(container.to_string()),
            quiet: plan.quiet,
            stdin: plan.stdin,
            tty: plan.tty,
        };
        match crate::commands::exec::stream(settings, "attach", &opts, &[]) {
            Ok(()) => return Ok(()),
            Err(CliError::Message(m) | CliError::Raw(m)) => eprintln!("warning: couldn't attach to pod/{name}, falling back to streaming logs: {m}"),
            Err(e) => return Err(e),
        }
    }
    let req = Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}/log")).query("container", container);
    let resp = rt.block_on(client.send(&req))?;
    crate::output::print(&String::from_utf8_lossy(&resp.body));
    Ok(())
}

//! `kctl run NAME --image=IMAGE [-- COMMAND ARGS...]`: kubectl's `run-pod/v1`
//! generator, optionally with the ClusterIP service of `--expose`.

use crate::commands::create::common::{check_err, metadata, add_last_applied, Common, Ctx, DryRun, Kind};
use crate::commands::create::flags;
use crate::commands::create::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "run";

pub const POD: Kind = Kind { kind: "Pod", group: "", version: "v1", resource: "pods", namespaced: true };
pub const SERVICE: Kind = Kind { kind: "Service", group: "", version: "v1", resource: "services", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME [args...]
    pub args: Vec<String>,
    /// COMMAND [args...]
    #[arg(last = true)]
    pub command_args: Vec<String>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub allow_missing_template_keys: Option<String>,
    /// Annotations to apply to the pod.
    #[arg(long, value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// If true, wait for the Pod to start running, and then attach to the Pod as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true. With '--restart=Never' the exit code of the container process is returned.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub attach: Option<String>,
    /// Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "background", value_name = "STRATEGY")]
    pub cascade: Option<String>,
    /// If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub command: Option<String>,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", value_name = "STRATEGY")]
    pub dry_run: Option<String>,
    /// Environment variables to set in the container.
    #[arg(long, value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// If true, create a ClusterIP service associated with the pod.  Requires `--port`.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub expose: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", value_name = "NAME")]
    pub field_manager: Option<String>,
    /// to use to replace the resource.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub force: Option<String>,
    /// Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).
    #[arg(long = "grace-period", allow_hyphen_values = true, value_name = "SECONDS")]
    pub grace_period: Option<String>,
    /// The image for the container to run.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// The image pull policy for the container.  If left empty, this value will not be specified by the client and defaulted by the server.
    #[arg(long = "image-pull-policy", value_name = "POLICY")]
    pub image_pull_policy: Option<String>,
    /// Process a kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long, value_name = "DIR")]
    pub kustomize: Option<String>,
    /// Comma separated labels to apply to the pod. Will override previous values.
    #[arg(short = 'l', long, value_name = "LABELS")]
    pub labels: Option<String>,
    /// If the pod is started in interactive mode or with stdin, leave stdin open after the first attach completes. By default, stdin will be closed after the first attach completes.
    #[arg(long = "leave-stdin-open", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub leave_stdin_open: Option<String>,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long, value_name = "FORMAT")]
    pub output: Option<String>,
    /// The method used to override the generated object: json, merge, or strategic.
    #[arg(long = "override-type", default_value = "merge", value_name = "TYPE")]
    pub override_type: String,
    /// An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.
    #[arg(long, value_name = "JSON")]
    pub overrides: Option<String>,
    /// The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running
    #[arg(long = "pod-running-timeout", default_value = "1m0s", value_name = "DURATION")]
    pub pod_running_timeout: String,
    /// The port that this container exposes.
    #[arg(long, allow_hyphen_values = true, value_name = "PORT")]
    pub port: Option<String>,
    /// If true, run the container in privileged mode.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub privileged: Option<String>,
    /// If true, suppress prompt messages.
    #[arg(short = 'q', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub quiet: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: Option<String>,
    /// The restart policy for this Pod.  Legal values [Always, OnFailure, Never].
    #[arg(long, default_value = "Always", value_name = "POLICY")]
    pub restart: String,
    /// If true, delete the pod after it exits.  Only valid when attaching to the container, e.g. with '--attach' or with '-i/--stdin'.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub rm: Option<String>,
    /// If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub save_config: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_managed_fields: Option<String>,
    /// Keep stdin open on the container in the pod, even if nothing is attached.
    #[arg(short = 'i', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub stdin: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// Allocate a TTY for the container in the pod.
    #[arg(short = 't', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub tty: Option<String>,
    /// If true, wait for resources to be gone before returning. This waits for finalizers.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub wait: Option<String>,
}

fn bool_flag(flag: &str, v: &Option<String>) -> Result<bool, CliError> {
    flags::parse_bool(PATH, flag, v.as_deref(), false)
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let command = bool_flag("--command", &args.command)?;
    let expose = bool_flag("--expose", &args.expose)?;
    let privileged = bool_flag("--privileged", &args.privileged)?;
    let stdin = bool_flag("-i, --stdin", &args.stdin)?;
    let tty = bool_flag("-t, --tty", &args.tty)?;
    let rm = bool_flag("--rm", &args.rm)?;
    let leave_stdin_open = bool_flag("--leave-stdin-open", &args.leave_stdin_open)?;
    for (flag, v) in [("--force", &args.force), ("-q, --quiet", &args.quiet), ("-R, --recursive", &args.recursive), ("--wait", &args.wait)] {
        bool_flag(flag, v)?;
    }
    for (flag, v) in [("--pod-running-timeout", Some(&args.pod_running_timeout)), ("--timeout", args.timeout.as_ref())] {
        if let Some(Err(msg)) = v.map(|v| crate::commands::wait::parse_go_duration(v)) {
            return Err(CliError::Raw(format!("Error: invalid argument \"{}\" for \"{flag}\" flag: {msg}\nSee 'kctl {PATH} --help' for usage.", v.unwrap())));
        }
    }
    if let Some(g) = &args.grace_period {
        flags::parse_int(PATH, "--grace-period", g, 64)?;
    }
    // An explicit --attach wins; otherwise -i attaches.
    let attach = match &args.attach {
        Some(_) => bool_flag("--attach", &args.attach)?,
        None => stdin,
    };
    flags::require(if args.image.is_none() { &["image"] } else { &[] })?;
    let image = args.image.clone().unwrap_or_default();
    let common = Common {
        allow_missing_template_keys: args.allow_missing_template_keys.clone(),
        dry_run: args.dry_run.clone(),
        field_manager: Some(args.field_manager.clone().unwrap_or_else(|| "kubectl-run".into())),
        output: args.output.clone(),
        save_config: args.save_config.clone(),
        show_managed_fields: args.show_managed_fields.clone(),
        template: args.template.clone(),
        validate: None,
    };
    let ctx = Ctx::complete(settings, PATH, &common)?.for_command("created", "created");
    // kubectl 1.32 takes the first word after `--` as NAME when none precedes it.
    let mut words: Vec<String> = args.args.clone();
    words.extend(args.command_args.iter().cloned());
    let Some(name) = words.first().cloned() else {
        return Err(flags::usage(PATH, "NAME is required for run"));
    };
    let pod_timeout = crate::commands::remote::pod_running_timeout(&args.pod_running_timeout, PATH)?;
    if image.is_empty() {
        return Err(CliError::msg("--image is required"));
    }
    if !valid_image_reference(&image) {
        return Err(CliError::msg(format!("Invalid image name \"{image}\": invalid reference format")));
    }
    if tty && !stdin {
        return Err(flags::usage(PATH, "-i/--stdin is required for containers with -t/--tty=true"));
    }
    let port = args.port.clone().unwrap_or_default();
    if expose && port.is_empty() {
        return Err(flags::usage(PATH, "--port must be set when exposing a service"));
    }
    let restart = match args.restart.as_str() {
        "" if stdin => "OnFailure",
        "" => "Always",
        r @ ("Always" | "OnFailure" | "Never") => r,
        other => return Err(flags::usage(PATH, format!("invalid restart policy: {other}"))),
    };
    if !attach && rm {
        return Err(flags::usage(PATH, "--rm should only be used for attached containers"));
    }
    if attach && ctx.dry_run != DryRun::None {
        return Err(flags::usage(PATH, "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)"));
    }
    let pull_policy = args.image_pull_policy.clone().unwrap_or_default();
    if !matches!(pull_policy.as_str(), "" | "Always" | "IfNotPresent" | "Never") {
        return Err(flags::usage(PATH, format!("invalid image pull policy: {pull_policy}")));
    }

    let container_args: Vec<String> = words[1..].to_vec();
    let spec = PodSpec {
        name: &name,
        image: &image,
        args: &container_args,
        command,
        env: &args.env,
        annotations: &args.annotations,
        labels: args.labels.as_deref().unwrap_or(""),
        port: &port,
        // The generator defaults an empty policy to Always, even for -i.
        restart: if args.restart.is_empty() { "Always" } else { restart },
        pull_policy: &pull_policy,
        privileged,
        stdin,
        leave_stdin_open,
        tty,
    };
    let pod = pod(&spec).map_err(CliError::msg)?;
    let pod = crate::commands::overrides::apply(pod, &args.override_type, args.overrides.as_deref().unwrap_or(""))?;
    let pod = submit(&ctx, &POD, pod)?;
    let mut errors = Vec::new();
    let mut created = vec![("pods", name.clone())];
    if expose {
        let selector = if spec.labels.is_empty() { format!("run={name}") } else { spec.labels.to_string() };
        let built = service(&name, spec.labels, &selector, &port).map_err(CliError::msg)?;
        match submit(&ctx, &SERVICE, built) {
            Ok(svc) => {
                created.push(("services", name.clone()));
                ctx.print(&SERVICE, svc)?;
                if ctx.is_yaml() {
                    // kubectl separates the documents itself, and its YAML
                    // printer adds its own separator before the second one.
                    crate::output::print("---\n---\n");
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if attach {
        let quiet = bool_flag("-q, --quiet", &args.quiet)?;
        let session = Session { ctx: &ctx, name: &name, stdin, tty, quiet, timeout: pod_timeout };
        let result = session.attach_and_wait(restart, leave_stdin_open);
        if rm {
            session.remove(&created)?;
        }
        return result;
    }
    ctx.print(&POD, pod)?;
    match errors.pop() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `createGeneratedObject`: the apply annotation and the POST, or, for a
/// client dry run, the namespace set on the object as is.
pub fn submit(ctx: &Ctx, kind: &Kind, mut obj: Node) -> Result<Node, CliError> {
    if ctx.dry_run == DryRun::Client {
        if let Some(ns) = ctx.object_namespace() {
            if let Some(meta) = obj.get_mut("metadata") {
                meta.set_ordered("namespace", Node::from(ns), crate::commands::create::common::META_ORDER);
            }
        }
        return Ok(obj);
    }
    if ctx.save_config() {
        add_last_applied(&mut obj);
    }
    let client = ctx.client()?;
    crate::commands::runtime().block_on(ctx.post(client, kind, &obj)).map_err(check_err)
}

/// `--attach` / `-i`: the created pod, followed until it runs, attached to,
/// then (for pods that stop) waited for until it ends.
struct Session<'a> {
    ctx: &'a Ctx<'a>,
    name: &'a str,
    stdin: bool,
    tty: bool,
    quiet: bool,
    timeout: std::time::Duration,
}

impl Session<'_> {
    fn attach_and_wait(&self, restart: &str, leave_stdin_open: bool) -> Result<(), CliError> {
        let pod = self.wait_for(|phase, ready| match phase {
            "Succeeded" | "Failed" => Some(true),
            "Running" if ready => Some(true),
            _ => None,
        })?;
        let phase = pod["status"]["phase"].as_str().unwrap_or("");
        if phase == "Succeeded" || phase == "Failed" {
            self.print_logs()?;
        } else {
            let opts = crate::commands::exec::StreamOpts {
                target: self.name.to_string(),
                namespace: Some(self.ctx.namespace.clone()),
                pod_running_timeout: self.timeout,
                container: Some(self.name.to_string()),
                quiet: self.quiet,
                stdin: self.stdin,
                tty: self.tty,
            };
            if let Err(e) = crate::commands::exec::stream(self.ctx.settings, "attach", &opts, &[]) {
                if !matches!(e, CliError::Exit(_)) {
                    eprintln!("warning: couldn't attach to pod/{}, falling back to streaming logs: {}", self.name, e.to_string().trim_start_matches("error: "));
                    self.print_logs()?;
                }
            }
        }
        if leave_stdin_open || restart == "Always" {
            return Ok(());
        }
        let on_failure = restart == "OnFailure";
        let pod = self.wait_for(|phase, _| match phase {
            "Succeeded" => Some(true),
            "Failed" if !on_failure => Some(true),
            _ => None,
        })?;
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        match pod["status"]["phase"].as_str().unwrap_or("") {
            "Succeeded" => Ok(()),
            "Failed" => {
                let terminated = &pod["status"]["containerStatuses"][0]["state"]["terminated"];
                let code = terminated["exitCode"].as_i64().unwrap_or(0);
                if terminated.is_null() || code == 0 {
                    return Err(CliError::msg(format!("pod {ns}/{} failed with unknown exit code", self.name)));
                }
                // An exit error: printed without `error: `, a newline added only if missing.
                let mut msg = format!(
                    "pod {ns}/{} terminated ({})\n{}",
                    self.name,
                    terminated["reason"].as_str().unwrap_or(""),
                    terminated["message"].as_str().unwrap_or("")
                );
                if !msg.ends_with('\n') {
                    msg.push('\n');
                }
                eprint!("{msg}");
                Err(CliError::Exit(code as i32))
            }
            other => Err(CliError::msg(format!("pod {ns}/{} left in phase {other}", self.name))),
        }
    }

    /// Poll the pod until `done(phase, ready)` says so, or the timeout passes.
    fn wait_for(&self, done: impl Fn(&str, bool) -> Option<bool>) -> Result<serde_json::Value, CliError> {
        let client = self.ctx.client()?;
        let path = format!("/api/v1/namespaces/{}/pods/{}", self.ctx.namespace, self.name);
        let deadline = std::time::Instant::now() + self.timeout;
        crate::commands::runtime().block_on(async {
            loop {
                let pod: serde_json::Value = client.send(&crate::client::Request::get(path.clone())).await?.json()?;
                let phase = pod["status"]["phase"].as_str().unwrap_or("");
                let ready = pod["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "Ready" && c["status"] == "True");
                if done(phase, ready).is_some() {
                    return Ok(pod);
                }
                if std::time::Instant::now() >= deadline {
                    return Err(CliError::msg("timed out waiting for the condition"));
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
        })
    }

    fn print_logs(&self) -> Result<(), CliError> {
        let client = self.ctx.client()?;
        let req = crate::client::Request::get(format!("/api/v1/namespaces/{}/pods/{}/log", self.ctx.namespace, self.name)).query("container", self.name.to_string());
        let body = crate::commands::runtime().block_on(client.send(&req))?.body;
        crate::output::print(&String::from_utf8_lossy(&body));
        Ok(())
    }

    /// `--rm`: delete what was created, as `kubectl delete` reports it.
    fn remove(&self, created: &[(&str, String)]) -> Result<(), CliError> {
        let client = self.ctx.client()?;
        for (resource, name) in created {
            let req = crate::client::Request::new(reqwest::Method::DELETE, format!("/api/v1/namespaces/{}/{resource}/{name}", self.ctx.namespace));
            match crate::commands::runtime().block_on(client.send(&req)) {
                Ok(_) => crate::output::print(&format!("{} \"{name}\" deleted\n", resource.trim_end_matches('s'))),
                Err(crate::client::ClientError::Api { http_code: 404, .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

struct PodSpec<'a> {
    name: &'a str,
    image: &'a str,
    args: &'a [String],
    command: bool,
    env: &'a [String],
    annotations: &'a [String],
    labels: &'a str,
    port: &'a str,
    restart: &'a str,
    pull_policy: &'a str,
    privileged: bool,
    stdin: bool,
    leave_stdin_open: bool,
    tty: bool,
}

/// The `run-pod/v1` generator, its checks in its order.
fn pod(s: &PodSpec) -> Result<Node, String> {
    let env = parse_envs(string_array(s.env))?;
    let annotations = parse_pairs(string_array(s.annotations), "annotations")?;
    let labels = if s.labels.is_empty() { vec![("run".to_string(), s.name.to_string())] } else { parse_labels(s.labels)? };
    let port = if s.port.is_empty() { None } else { Some(go_atoi(s.port)?) };
    let container = Node::obj()
        .with("name", s.name)
        .with("image", s.image)
        .with_if(s.command && !s.args.is_empty(), "command", Node::strings(s.args))
        .with_if(!s.command && !s.args.is_empty(), "args", Node::strings(s.args))
        .with_if(port.is_some(), "ports", Node::Arr(vec![Node::obj().with("containerPort", port.unwrap_or(0) as i32)]))
        .with_if(!env.is_empty(), "env", Node::Arr(env.iter().map(|(k, v)| Node::obj().with("name", k.as_str()).with_if(!v.is_empty(), "value", v.as_str())).collect()))
        .with("resources", Node::obj())
        .with_if(!s.pull_policy.is_empty(), "imagePullPolicy", s.pull_policy)
        .with_if(s.privileged, "securityContext", Node::obj().with("privileged", true))
        .with_if(s.stdin, "stdin", true)
        .with_if(s.stdin && !s.leave_stdin_open, "stdinOnce", true)
        .with_if(s.tty, "tty", true);
    let spec = Node::obj()
        .with("containers", Node::Arr(vec![container]))
        .with("restartPolicy", s.restart)
        .with("dnsPolicy", "ClusterFirst");
    let ann = Node::string_map(annotations);
    Ok(POD
        .object(metadata(s.name, None, Some(Node::string_map(labels)), Some(ann)))
        .with("spec", spec)
        .with("status", Node::obj()))
}

/// The `service/v2` generator as `run --expose` feeds it: one port, its
/// target the same number, the pod's labels as labels and selector.
fn service(name: &str, labels: &str, selector: &str, port: &str) -> Result<Node, String> {
    let selector = parse_labels(selector)?;
    let labels = if labels.is_empty() { None } else { Some(Node::string_map(parse_labels(labels)?)) };
    let port = go_atoi(port)?;
    let ports = Node::Arr(vec![Node::obj().with("protocol", "TCP").with("port", port as i32).with("targetPort", port as i32)]);
    Ok(SERVICE
        .object(metadata(name, None, labels, None))
        .with("spec", Node::obj().with("ports", ports).with("selector", Node::string_map(selector)))
        .with("status", Node::obj().with("loadBalancer", Node::obj())))
}

/// `generate.ParseLabels`: `k=v,k2=v2`, later keys winning.
pub fn parse_labels(spec: &str) -> Result<Vec<(String, String)>, String> {
    if spec.is_empty() {
        return Err("no label spec passed".into());
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for part in spec.split(',') {
        let kv: Vec<&str> = part.split('=').collect();
        if kv.len() != 2 {
            return Err(format!("unexpected label spec: {part}"));
        }
        if kv[0].is_empty() {
            return Err("unexpected empty label key".into());
        }
        out.retain(|(k, _)| k != kv[0]);
        out.push((kv[0].to_string(), kv[1].to_string()));
    }
    Ok(out)
}

/// pflag's string array read back from its text form: a lone empty value
/// (`[]`) reads as no values at all.
fn string_array(values: &[String]) -> &[String] {
    if values.len() == 1 && values[0].is_empty() {
        &[]
    } else {
        values
    }
}

/// `cmdutil.ParsePairs` without removals: every bad pair listed in one error.
fn parse_pairs(pairs: &[String], what: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut invalid = Vec::new();
    for p in pairs {
        match p.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.retain(|(ok, _)| ok != k);
                out.push((k.to_string(), v.to_string()));
            }
            _ => invalid.push(p.as_str()),
        }
    }
    if !invalid.is_empty() {
        return Err(format!("invalid {what} format: {}", invalid.join(", ")));
    }
    Ok(out)
}

/// `parseEnvs`: `NAME=value`, the name a C identifier-ish env var name.
fn parse_envs(envs: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for e in envs {
        let Some((name, value)) = e.split_once('=') else { return Err(format!("invalid env: {e}")) };
        let b = name.as_bytes();
        let ok = !b.is_empty()
            && (b[0].is_ascii_alphabetic() || b"-._".contains(&b[0]))
            && b.iter().all(|c| c.is_ascii_alphanumeric() || b"-._".contains(c));
        if !ok {
            return Err(format!("invalid env: {e}"));
        }
        out.push((name.to_string(), value.to_string()));
    }
    Ok(out)
}

/// Go's `strconv.Atoi`, worded as it fails.
pub fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing \"{s}\": invalid syntax"));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing \"{s}\": value out of range"))
}

/// distribution's `reference.ReferenceRegexp`: `[domain[:port]/]path[:tag][@digest]`.
pub fn valid_image_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        let Some((algo, hex)) = d.split_once(':') else { return false };
        let algo_ok = algo.split(['-', '_', '+', '.']).all(|p| p.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !algo_ok || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return false;
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let b = t.as_bytes();
        if b.is_empty() || b.len() > 128 || !word(b[0]) || !b.iter().all(|&c| word(c) || c == b'.' || c == b'-') {
            return false;
        }
    }
    let parts: Vec<&str> = name.split('/').collect();
    if parts.iter().all(|p| path_component(p)) {
        return true;
    }
    parts.len() > 1 && domain(parts[0]) && parts[1..].iter().all(|p| path_component(p))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
fn path_component(p: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !p.starts_with(alnum) || !p.ends_with(alnum) {
        return false;
    }
    p.split(alnum).filter(|sep| !sep.is_empty()).all(|sep| matches!(sep, "." | "_" | "__") || sep.bytes().all(|b| b == b'-'))
}

/// A host name (dot-separated labels) or IPv6 literal, with an optional port.
fn domain(d: &str) -> bool {
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || d.starts_with('[') => (h, Some(p)),
        _ => (d, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    }
    host.split('.').all(|l| {
        let b = l.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        for ok in ["nginx", "nginx:1.25", "reg.io:5000/team/app@sha256:0123456789abcdef0123456789abcdef", "a__b/c-d"] {
            assert!(valid_image_reference(ok), "{ok}");
        }
        for bad in ["Bad:Image", "nginx:", "UPPER", "a//b", ""] {
            assert!(!valid_image_reference(bad), "{bad}");
        }
    }

    #[test]
    fn generator_parsing() {
        assert_eq!(parse_labels("a=b,c=d").unwrap().len(), 2);
        assert_eq!(parse_labels("a").unwrap_err(), "unexpected label spec: a");
        assert_eq!(parse_pairs(&["a".into(), "=b".into()], "annotations").unwrap_err(), "invalid annotations format: a, =b");
        assert_eq!(parse_envs(&["1A=b".into()]).unwrap_err(), "invalid env: 1A=b");
        assert_eq!(go_atoi("abc").unwrap_err(), "strconv.Atoi: parsing \"abc\": invalid syntax");
    }
}

//! `kctl expose (-f FILENAME | TYPE NAME)`: a Service for a pod, service,
//! replication controller, deployment or replica set, its selector and ports
//! read from the object unless given.

use serde_json::Value;

use crate::client::{Request, ResourcePath};
use crate::commands::create::common::{Common, Ctx};
use crate::commands::create::flags;
use crate::commands::create::node::Node;
use crate::commands::run::{go_atoi, parse_labels, submit, SERVICE};
use crate::commands::targets;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "expose";

const NEED_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME)
    pub args: Vec<String>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub allow_missing_template_keys: Option<String>,
    /// ClusterIP to be assigned to the service. Leave empty to auto-allocate, or set to 'None' to create a headless service.
    #[arg(long = "cluster-ip", value_name = "IP")]
    pub cluster_ip: Option<String>,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", value_name = "STRATEGY")]
    pub dry_run: Option<String>,
    /// Additional external IP address (not managed by Kubernetes) to accept for the service. If this IP is routed to a node, the service can be accessed by this IP in addition to its generated service IP.
    #[arg(long = "external-ip", value_name = "IP")]
    pub external_ip: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", value_name = "NAME")]
    pub field_manager: Option<String>,
    /// Filename, directory, or URL to files identifying the resource to expose a service
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long, value_name = "DIR")]
    pub kustomize: Option<String>,
    /// Labels to apply to the service created by this call.
    #[arg(short = 'l', long, value_name = "LABELS")]
    pub labels: Option<String>,
    /// IP to assign to the LoadBalancer. If empty, an ephemeral IP will be created and used (cloud-provider specific).
    #[arg(long = "load-balancer-ip", value_name = "IP")]
    pub load_balancer_ip: Option<String>,
    /// The name for the newly created object.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long, value_name = "FORMAT")]
    pub output: Option<String>,
    /// The method used to override the generated object: json, merge, or strategic.
    #[arg(long = "override-type", default_value = "merge", value_name = "TYPE")]
    pub override_type: String,
    /// An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.
    #[arg(long, value_name = "JSON")]
    pub overrides: Option<String>,
    /// The port that the service should serve on. Copied from the resource being exposed, if unspecified
    #[arg(long, allow_hyphen_values = true, value_name = "PORT")]
    pub port: Option<String>,
    /// The network protocol for the service to be created. Default is 'TCP'.
    #[arg(long, value_name = "PROTOCOL")]
    pub protocol: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: Option<String>,
    /// If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub save_config: Option<String>,
    /// A label selector to use for this service. Only equality-based selector requirements are supported. If empty (the default) infer the selector from the replication controller or replica set.)
    #[arg(long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// If non-empty, set the session affinity for the service to this; legal values: 'None', 'ClientIP'
    #[arg(long = "session-affinity", value_name = "AFFINITY")]
    pub session_affinity: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_managed_fields: Option<String>,
    /// Name or number for the port on the container that the service should direct traffic to. Optional.
    #[arg(long = "target-port", value_name = "PORT")]
    pub target_port: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long, value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName. Default is 'ClusterIP'.
    #[arg(long = "type", value_name = "TYPE")]
    pub service_type: Option<String>,
}

/// The options kubectl keeps across the objects it visits: a selector or
/// port found on the first object is reused for the next ones.
#[derive(Default)]
struct Opts {
    selector: String,
    port: String,
    ports: String,
    protocol: String,
    protocols: Vec<(String, Vec<String>)>,
    labels: String,
    name: String,
    default_name: String,
    target_port: String,
    external_ip: String,
    service_type: String,
    load_balancer_ip: String,
    session_affinity: String,
    cluster_ip: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let recursive = flags::parse_bool(PATH, "-R, --recursive", args.recursive.as_deref(), false)?;
    let common = Common {
        allow_missing_template_keys: args.allow_missing_template_keys.clone(),
        dry_run: args.dry_run.clone(),
        field_manager: Some(args.field_manager.clone().unwrap_or_else(|| "kubectl-expose".into())),
        output: args.output.clone(),
        save_config: args.save_config.clone(),
        show_managed_fields: args.show_managed_fields.clone(),
        template: args.template.clone(),
        validate: None,
    };
    let ctx = Ctx::complete(settings, PATH, &common)?.for_command("exposed", "exposed");
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), recursive)?, ..args };
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NEED_RESOURCES));
    }
    let objects = fetch(&ctx, settings, &args, recursive)?;
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut o = Opts {
        selector: s(&args.selector),
        port: s(&args.port),
        protocol: s(&args.protocol),
        labels: s(&args.labels),
        name: s(&args.name),
        target_port: s(&args.target_port),
        external_ip: s(&args.external_ip),
        service_type: s(&args.service_type),
        load_balancer_ip: s(&args.load_balancer_ip),
        session_affinity: s(&args.session_affinity),
        cluster_ip: s(&args.cluster_ip),
        ..Default::default()
    };
    let mut errors = Vec::new();
    let mut printed = 0;
    for obj in objects {
        let result = obj.and_then(|obj| expose_one(&ctx, &args, &mut o, &obj, &mut printed));
        if let Err(e) = result {
            errors.push(e);
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        // An aggregate: one error per line, without the `error: ` prefix.
        _ => Err(CliError::Raw(errors.iter().map(|e| e.to_string().trim_start_matches("error: ").to_string()).collect::<Vec<_>>().join("\n"))),
    }
}

/// The objects named by the arguments (fetched) or the manifests (as written).
fn fetch(ctx: &Ctx, settings: &Settings, args: &Args, recursive: bool) -> Result<Vec<Result<Value, CliError>>, CliError> {
    let client = ctx.client()?;
    crate::commands::runtime().block_on(async {
        if !args.filename.is_empty() {
            let items = crate::commands::manifests::read(&args.filename, recursive, false)?;
            let cfg = client.config();
            let resolved = crate::commands::manifests::resolve(client, &settings.cache_dir, items, &cfg.namespace, cfg.namespace_explicit).await?;
            return Ok(resolved.into_iter().map(|r| r.map(|r| r.object).map_err(|e| CliError::msg(e.message().to_string()))).collect());
        }
        let selection = targets::parse(&args.args)?;
        let resolved = targets::resolve_on_server(client, &settings.cache_dir, &selection).await?;
        let mut out = Vec::new();
        for t in &resolved {
            if t.names.is_empty() {
                return Err(CliError::msg("resource(s) were provided, but no name was specified"));
            }
            let r = &t.resource;
            let namespace = r.namespaced.then(|| ctx.namespace.clone());
            for name in &t.names {
                let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name: Some(name), subresource: None }.to_path();
                match client.send(&Request::get(path)).await {
                    Ok(resp) => out.push(Ok(resp.json()?)),
                    Err(e) if e.is_transport() => return Err(e.into()),
                    Err(e) => out.push(Err(e.into())),
                }
            }
        }
        Ok(out)
    })
}

fn expose_one(ctx: &Ctx, args: &Args, o: &mut Opts, obj: &Value, printed: &mut usize) -> Result<(), CliError> {
    let kind = obj["kind"].as_str().unwrap_or("");
    let group = obj["apiVersion"].as_str().and_then(|v| v.split_once('/')).map_or("", |(g, _)| g);
    let exposable = match kind {
        "ReplicationController" | "Service" | "Pod" => group.is_empty(),
        "Deployment" | "ReplicaSet" => group == "apps" || group == "extensions",
        _ => false,
    };
    if !exposable {
        let gk = if group.is_empty() { kind.to_string() } else { format!("{kind}.{group}") };
        return Err(CliError::msg(format!("cannot expose a {gk}")));
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    o.default_name = name.chars().take(63).collect();
    if o.selector.is_empty() {
        o.selector = selector_for(kind, obj).map_err(|e| CliError::msg(format!("couldn't retrieve selectors via --selector flag or introspection: {e}")))?;
    }
    let pod_spec = match kind {
        "Pod" => Some(&obj["spec"]),
        "Service" => None,
        _ => Some(&obj["spec"]["template"]["spec"]),
    };
    // (port, protocol) pairs in the object's order.
    let found: Vec<(String, String)> = match pod_spec {
        Some(spec) => spec["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .map(|p| (p["containerPort"].as_i64().unwrap_or(0).to_string(), p["protocol"].as_str().unwrap_or("TCP").to_string()))
            .collect(),
        None => obj["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| (p["port"].as_i64().unwrap_or(0).to_string(), p["protocol"].as_str().unwrap_or("TCP").to_string()))
            .collect(),
    };
    if o.port.is_empty() {
        match found.len() {
            0 if o.cluster_ip != "None" => return Err(CliError::msg("couldn't find port via --port flag or introspection")),
            0 => {}
            1 => o.port = found[0].0.clone(),
            _ => o.ports = found.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>().join(","),
        }
    }
    if !found.is_empty() {
        let mut map: Vec<(String, Vec<String>)> = Vec::new();
        for (port, proto) in &found {
            match map.iter_mut().find(|(p, _)| p == port) {
                Some((_, list)) => list.push(proto.clone()),
                None => map.push((port.clone(), vec![proto.clone()])),
            }
        }
        o.protocols = map;
    }
    if o.labels.is_empty() {
        o.labels = make_labels(&obj["metadata"]["labels"]);
    }
    let service = build(o).map_err(CliError::msg)?;
    let service = crate::commands::overrides::apply(service, &args.override_type, args.overrides.as_deref().unwrap_or(""))?;
    let service = submit(ctx, &SERVICE, service)?;
    // kubectl's YAML printer separates the documents it prints.
    if ctx.is_yaml() && *printed > 0 {
        crate::output::print("---\n");
    }
    *printed += 1;
    ctx.print(&SERVICE, service)
}

/// `MapBasedSelectorForObject`.
fn selector_for(kind: &str, obj: &Value) -> Result<String, String> {
    match kind {
        "Pod" => {
            let labels = &obj["metadata"]["labels"];
            if labels.as_object().is_none_or(|m| m.is_empty()) {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(make_labels(labels))
        }
        "Service" => {
            let sel = &obj["spec"]["selector"];
            if sel.is_null() {
                return Err("the service has no pod selector set".into());
            }
            Ok(make_labels(sel))
        }
        "ReplicationController" => Ok(make_labels(&obj["spec"]["selector"])),
        _ => {
            let sel = &obj["spec"]["selector"];
            if let Some(exprs) = sel["matchExpressions"].as_array().filter(|e| !e.is_empty()) {
                let items: Vec<String> = exprs
                    .iter()
                    .map(|e| {
                        let values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                        format!("{{Key:{} Operator:{} Values:[{}]}}", e["key"].as_str().unwrap_or(""), e["operator"].as_str().unwrap_or(""), values.join(" "))
                    })
                    .collect();
                return Err(format!("couldn't convert expressions - \"[{}]\" to map-based selector format", items.join(" ")));
            }
            Ok(make_labels(&sel["matchLabels"]))
        }
    }
}

/// `polymorphichelpers.MakeLabels`: `k=v` pairs joined by commas.
fn make_labels(m: &Value) -> String {
    m.as_object().map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(",")).unwrap_or_default()
}

/// `createService`: the Service from the options, its checks in kubectl's order.
fn build(o: &Opts) -> Result<Node, String> {
    if o.selector.is_empty() {
        return Err("selector must be specified".into());
    }
    let selector = parse_labels(&o.selector)?;
    let labels = if o.labels.is_empty() { None } else { Some(parse_labels(&o.labels)?) };
    let name = if o.name.is_empty() { o.default_name.clone() } else { o.name.clone() };
    if name.is_empty() {
        return Err("name must be specified".into());
    }
    let port_string = if o.ports.is_empty() { &o.port } else { &o.ports };
    let mut ports: Vec<(String, i64, String)> = Vec::new();
    if !port_string.is_empty() {
        let list: Vec<&str> = port_string.split(',').collect();
        for (i, p) in list.iter().enumerate() {
            let port = go_atoi(p)?;
            let name = if list.len() > 1 { format!("port-{}", i + 1) } else { String::new() };
            let mut protocol = o.protocol.clone();
            if protocol.is_empty() {
                protocol = "TCP".into();
                if !o.protocols.is_empty() {
                    if let Some((_, protos)) = o.protocols.iter().find(|(k, _)| k == p) {
                        if protos.len() == 1 {
                            protocol = protos[0].clone();
                        } else {
                            for proto in protos {
                                ports.push((format!("port-{}-{}", i + 1, proto.to_lowercase()), port, proto.clone()));
                            }
                            continue;
                        }
                    }
                }
            }
            ports.push((name, port, protocol));
        }
    }
    let target = |port: i64| -> Node {
        if o.target_port.is_empty() {
            return Node::from(port as i32);
        }
        match o.target_port.parse::<i32>() {
            Ok(n) => Node::from(n),
            Err(_) => Node::from(o.target_port.as_str()),
        }
    };
    let port_nodes: Vec<Node> = ports
        .iter()
        .map(|(n, p, proto)| {
            Node::obj()
                .with_if(!n.is_empty(), "name", n.as_str())
                .with_if(!proto.is_empty(), "protocol", proto.as_str())
                .with("port", *p as i32)
                .with("targetPort", target(*p))
        })
        .collect();
    let affinity = match o.session_affinity.as_str() {
        "" => "",
        a @ ("None" | "ClientIP") => a,
        other => return Err(format!("unknown session affinity: {other}")),
    };
    let spec = Node::obj()
        .with_if(!port_nodes.is_empty(), "ports", Node::Arr(port_nodes))
        .with("selector", Node::string_map(selector))
        .with_if(!o.cluster_ip.is_empty(), "clusterIP", o.cluster_ip.as_str())
        .with_if(!o.service_type.is_empty(), "type", o.service_type.as_str())
        .with_if(!o.external_ip.is_empty(), "externalIPs", Node::strings([o.external_ip.as_str()]))
        .with_if(!affinity.is_empty(), "sessionAffinity", affinity)
        .with_if(o.service_type == "LoadBalancer" && !o.load_balancer_ip.is_empty(), "loadBalancerIP", o.load_balancer_ip.as_str());
    Ok(SERVICE
        .object(crate::commands::create::common::metadata(&name, None, labels.map(Node::string_map), None))
        .with("spec", spec)
        .with("status", Node::obj().with("loadBalancer", Node::obj())))
}

//! `kctl autoscale (-f FILE | TYPE NAME) --max=N [--min=N] [--cpu-percent=N]`:
//! an autoscaling/v1 HorizontalPodAutoscaler for each object that has a
//! scale subresource, created through create's flow (dry runs, -o,
//! --save-config), printed as "autoscaled".

use crate::client::{ClientError, Request, ResourcePath};
use crate::commands::create::common::{metadata, Common, Ctx, Kind, Wrap};
use crate::commands::create::flags;
use crate::commands::create::node::Node;
use crate::commands::failures::Failure;
use crate::commands::targets;
use crate::discovery::ApiResource;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "autoscale";

const HPA: Kind = Kind { kind: "HorizontalPodAutoscaler", group: "autoscaling", version: "v1", resource: "horizontalpodautoscalers", namespaced: true };

const NEED_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME | TYPE/NAME)
    pub args: Vec<String>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub allow_missing_template_keys: Option<String>,
    /// The target average CPU utilization (represented as a percent of requested CPU) over all the pods. If it's not specified or negative, a default autoscaling policy will be used.
    #[arg(long = "cpu-percent", default_value = "-1", allow_hyphen_values = true)]
    pub cpu_percent: String,
    /// Must be "none", "server", or "client". If client strategy, only print the object that would be sent, without sending it. If server strategy, submit server-side request without persisting the resource.
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", value_name = "STRATEGY")]
    pub dry_run: Option<String>,
    /// Name of the manager used to track field ownership.
    #[arg(long = "field-manager", default_value = "kubectl-autoscale")]
    pub field_manager: String,
    /// Filename, directory, or URL to files identifying the resource to autoscale.
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// The upper limit for the number of pods that can be set by the autoscaler. Required.
    #[arg(long, allow_hyphen_values = true)]
    pub max: Option<String>,
    /// The lower limit for the number of pods that can be set by the autoscaler. If it's not specified or negative, the server will apply a default value.
    #[arg(long, default_value = "-1", allow_hyphen_values = true)]
    pub min: String,
    /// The name for the newly created object. If not specified, the name of the input resource will be used.
    #[arg(long, default_value = "")]
    pub name: String,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.
    #[arg(long = "save-config", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub save_config: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_managed_fields: Option<String>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long)]
    pub template: Option<String>,
}

/// One object to autoscale: its name and the resource serving it.
struct Found {
    name: String,
    resource: ApiResource,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    // pflag converts the values while parsing; cobra then checks required flags.
    let max = args.max.as_deref().map(|v| flags::parse_int(PATH, "--max", v, 32)).transpose()?;
    let min = flags::parse_int(PATH, "--min", &args.min, 32)?;
    let cpu_percent = flags::parse_int(PATH, "--cpu-percent", &args.cpu_percent, 32)?;
    let Some(max) = max else {
        // The reference kubectl reports this through klog, as for scale's --replicas.
        crate::client::log::emit('E', "run.go:72", "\"command failed\" err=\"required flag(s) \\\"max\\\" not set\"");
        return Err(CliError::Exit(1));
    };
    let common = Common {
        allow_missing_template_keys: args.allow_missing_template_keys.clone(),
        dry_run: args.dry_run.clone(),
        field_manager: Some(args.field_manager.clone()),
        output: args.output.clone(),
        save_config: args.save_config.clone(),
        show_managed_fields: args.show_managed_fields.clone(),
        template: args.template.clone(),
        validate: None,
    };
    let ctx = Ctx::complete(settings, PATH, &common)?.for_command("autoscaled", "created");
    if max < 1 {
        return Err(CliError::msg(format!("--max=MAXPODS is required and must be at least 1, max: {max}")));
    }
    if max < min {
        return Err(CliError::msg(format!("--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}")));
    }
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NEED_RESOURCES));
    }
    let client = ctx.client()?;
    let visited = crate::commands::runtime().block_on(find(client, &ctx, &args))?;
    let mut errors: Vec<CliError> = Vec::new();
    let mut count = 0;
    for item in visited {
        let found = match item {
            Ok(f) => f,
            Err(e) => {
                errors.push(crate::commands::failures::report(vec![e]).unwrap_err());
                continue;
            }
        };
        let r = &found.resource;
        if !has_scale(&ctx, r)? {
            let gv = if r.group.is_empty() { format!("/{}", r.version) } else { format!("{}/{}", r.group, r.version) };
            errors.push(CliError::msg(format!(
                "cannot autoscale a {}: could not find scale subresource for {gv}, Resource={} in discovery information",
                r.kind, r.name
            )));
            continue;
        }
        let hpa = object(&found, &args.name, max, min, cpu_percent);
        match ctx.create(&HPA, hpa, Wrap::Raw) {
            Ok(()) => count += 1,
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 if count == 0 => Err(CliError::msg("no objects passed to autoscale")),
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(CliError::Raw(errors.iter().map(|e| e.to_string().trim_start_matches("error: ").to_string()).collect::<Vec<_>>().join("\n"))),
    }
}

/// The HPA kubectl builds: the target by kind and group/version, bounds, and
/// the CPU target only when one was given.
fn object(found: &Found, name: &str, max: i64, min: i64, cpu_percent: i64) -> Node {
    let name = if name.is_empty() { found.name.as_str() } else { name };
    let target = Node::obj().with("kind", found.resource.kind.as_str()).with("name", found.name.as_str()).with("apiVersion", found.resource.group_version());
    let spec = Node::obj()
        .with("scaleTargetRef", target)
        .with_if(min > 0, "minReplicas", Node::from(min))
        .with("maxReplicas", Node::from(max))
        .with_if(cpu_percent >= 0, "targetCPUUtilizationPercentage", Node::from(cpu_percent));
    HPA.object(metadata(name, None, None, None))
        .with("spec", spec)
        .with("status", Node::obj().with("currentReplicas", Node::from(0i64)).with("desiredReplicas", Node::from(0i64)))
}

/// kubectl's scale kind resolver: the resource's group/version, as the
/// server lists it now, has a `<resource>/scale` subresource.
fn has_scale(ctx: &Ctx<'_>, r: &ApiResource) -> Result<bool, CliError> {
    let client = ctx.client()?;
    let path = crate::client::request::group_version_path(&r.group_version());
    let list: serde_json::Value = crate::commands::runtime().block_on(client.send(&Request::get(path)))?.json()?;
    let sub = format!("{}/scale", r.name);
    Ok(list["resources"].as_array().into_iter().flatten().any(|x| x["name"].as_str() == Some(sub.as_str())))
}

/// The resource builder with ContinueOnError: every named object fetched,
/// failures kept in order.
async fn find(client: &crate::client::Client, ctx: &Ctx<'_>, args: &Args) -> Result<Vec<Result<Found, Failure>>, CliError> {
    let (resolved, problems) = if args.filename.is_empty() {
        let selection = targets::parse(&args.args)?;
        (targets::resolve_on_server(client, &ctx.settings.cache_dir, &selection).await?, Vec::new())
    } else {
        targets::from_manifests(client, &ctx.settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?
    };
    let mut out = Vec::new();
    for t in &resolved {
        let r = &t.resource;
        if t.names.is_empty() {
            return Err(CliError::msg("resource(s) were provided, but no name was specified"));
        }
        let namespace = r.namespaced.then(|| t.namespace.clone().unwrap_or_else(|| ctx.namespace.clone()));
        for name in &t.names {
            let path = ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), name: Some(name), ..Default::default() }.to_path();
            match client.send(&Request::get(path)).await {
                Ok(_) => out.push(Ok(Found { name: name.clone(), resource: r.clone() })),
                Err(e) if e.is_transport() => return Err(e.into()),
                Err(e @ ClientError::Api { .. }) => out.push(Err(Failure::Api(e))),
                Err(e) => return Err(e.into()),
            }
        }
    }
    out.extend(problems.into_iter().take(1).map(|p| Err(Failure::Msg(p))));
    Ok(out)
}

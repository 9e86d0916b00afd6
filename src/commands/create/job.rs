//! `kctl create job NAME --image=IMAGE [-- COMMAND...]` or `--from=cronjob/NAME`.

use super::common::{check_err, metadata, Common, Ctx, Kind, Wrap, META_ORDER};
use super::flags;
use super::node::Node;
use crate::client::{Request, ResourcePath};
use crate::discovery::{DiscoveryCache, DiscoveryError};
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create job";

const JOB: Kind = Kind { kind: "Job", group: "batch", version: "v1", resource: "jobs", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    /// COMMAND [args...]
    #[arg(last = true)]
    pub command: Vec<String>,
    /// The name of the resource to create a Job from (only CronJob is supported).
    #[arg(long, value_name = "TYPE/NAME")]
    pub from: Option<String>,
    /// Image name to run.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// A pod template with one container named after the object.
pub fn pod_template(name: &str, image: &str, command: &[String], restart: &str) -> Node {
    let container = Node::obj()
        .with("name", name)
        .with_if(!image.is_empty(), "image", image)
        .with_if(!command.is_empty(), "command", Node::strings(command))
        .with("resources", Node::obj());
    Node::obj().with("metadata", Node::obj().with("creationTimestamp", Node::Null)).with(
        "spec",
        Node::obj().with("containers", Node::Arr(vec![container])).with_if(!restart.is_empty(), "restartPolicy", restart),
    )
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let image = args.image.clone().unwrap_or_default();
    let from = args.from.clone().unwrap_or_default();
    if image.is_empty() == from.is_empty() {
        return Err(CliError::msg("either --image or --from must be specified"));
    }
    if !args.command.is_empty() && !from.is_empty() {
        return Err(CliError::msg("cannot specify --from and command"));
    }
    let obj = if !image.is_empty() {
        JOB.object(metadata(&name, ctx.object_namespace(), None, None))
            .with("spec", Node::obj().with("template", pod_template(&name, &image, &args.command, "Never")))
            .with("status", Node::obj())
    } else {
        let cronjob = crate::commands::runtime().block_on(fetch_from(&ctx, &from))?;
        from_cronjob(&ctx, &name, &cronjob)
    };
    ctx.create(&JOB, obj, Wrap::Prefix("failed to create job: ".into()))
}

/// The object `--from` names, which must be a batch/v1 CronJob.
async fn fetch_from(ctx: &Ctx<'_>, from: &str) -> Result<Node, CliError> {
    let (type_name, obj_name) = match from.split_once('/') {
        Some((_, n)) if n.contains('/') => return Err(CliError::msg("arguments in resource/name form may not have more than one slash")),
        Some((t, n)) if t.is_empty() || n.is_empty() => {
            return Err(CliError::msg("arguments in resource/name form must have a single resource and name"))
        }
        Some((t, n)) => (t, Some(n)),
        None => (from, None),
    };
    let client = ctx.client()?;
    let cache = DiscoveryCache::new(client, &ctx.settings.cache_dir);
    let unknown = || CliError::msg(format!("the server doesn't have a resource type \"{}\"", type_name.split('.').next().unwrap_or(type_name)));
    let resource = match cache.resolve(type_name).await {
        Ok((_, r)) => r,
        Err(DiscoveryError::Client(e)) if e.is_transport() => {
            crate::discovery::report_group_list_error_times(&e, 4);
            return Err(e.into());
        }
        Err(DiscoveryError::UnknownResource(_)) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    };
    let Some(obj_name) = obj_name else {
        return Err(CliError::msg("resource(s) were provided, but no name was specified"));
    };
    let path = ResourcePath {
        group: &resource.group,
        version: &resource.version,
        resource: &resource.name,
        namespace: resource.namespaced.then_some(ctx.namespace.as_str()),
        name: Some(obj_name),
        subresource: None,
    }
    .to_path();
    let resp = client.send(&Request::get(path)).await.map_err(check_err)?;
    let obj: Node = serde_json::from_slice(&resp.body).map_err(|e| CliError::msg(format!("error decoding response: {e}")))?;
    let builtin = resource.group.is_empty() || !resource.group.contains('.') || resource.group.ends_with(".k8s.io");
    if resource.kind != "CronJob" || resource.group != "batch" || resource.version != "v1" {
        let type_name = if builtin { format!("*{}.{}", resource.version, resource.kind) } else { "*unstructured.Unstructured".to_string() };
        return Err(CliError::msg(format!("unknown object type {type_name}")));
    }
    Ok(obj)
}

/// `createJobFromCronJob`: the job template's spec, labels and annotations,
/// owned by the cron job.
fn from_cronjob(ctx: &Ctx<'_>, name: &str, cronjob: &Node) -> Node {
    let template = cronjob.get("spec").and_then(|s| s.get("jobTemplate"));
    let tmeta = template.and_then(|t| t.get("metadata"));
    let mut annotations = vec![("cronjob.kubernetes.io/instantiate".to_string(), Node::from("manual"))];
    if let Some(Node::Obj(a)) = tmeta.and_then(|m| m.get("annotations")) {
        annotations.extend(a.iter().cloned());
    }
    let labels = tmeta.and_then(|m| m.get("labels")).cloned();
    let cmeta = cronjob.get("metadata");
    let owner = Node::obj()
        .with("apiVersion", "batch/v1")
        .with("kind", "CronJob")
        .with("name", cmeta.and_then(|m| m.get("name")).cloned().unwrap_or(Node::from("")))
        .with("uid", cmeta.and_then(|m| m.get("uid")).cloned().unwrap_or(Node::from("")))
        .with("controller", true);
    let mut meta = metadata(name, ctx.object_namespace(), labels, Some(Node::sorted_map(annotations)));
    meta.set_ordered("ownerReferences", Node::Arr(vec![owner]), META_ORDER);
    let spec = template.and_then(|t| t.get("spec")).cloned().unwrap_or_else(|| Node::obj().with("template", pod_template("", "", &[], "")));
    JOB.object(meta).with("spec", spec).with("status", Node::obj())
}

//! `kctl create deployment NAME --image=IMAGE... [--replicas] [--port] [-- COMMAND...]`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create deployment";

const DEPLOYMENT: Kind = Kind { kind: "Deployment", group: "apps", version: "v1", resource: "deployments", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    /// COMMAND [args...]
    #[arg(last = true)]
    pub command: Vec<String>,
    /// Image names to run. A deployment can have multiple images set for multi-container pod.
    #[arg(long, value_name = "IMAGE")]
    pub image: Vec<String>,
    /// The containerPort that this deployment exposes.
    #[arg(long, allow_hyphen_values = true, value_name = "PORT")]
    pub port: Option<String>,
    /// Number of replicas to create. Default is 1.
    #[arg(short = 'r', long, allow_hyphen_values = true, value_name = "N")]
    pub replicas: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let images = flags::string_slice(PATH, "--image", &args.image)?;
    let port = match &args.port {
        Some(p) => flags::parse_int(PATH, "--port", p, 32)?,
        None => -1,
    };
    let replicas = match &args.replicas {
        Some(r) => flags::parse_int(PATH, "-r, --replicas", r, 32)?,
        None => 1,
    };
    flags::require(if args.image.is_empty() { &["image"] } else { &[] })?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if images.len() > 1 && !args.command.is_empty() {
        return Err(CliError::msg("cannot specify multiple --image options and command"));
    }
    let labels = || Node::string_map([("app", name.as_str())]);
    let containers: Vec<Node> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            Node::obj()
                .with("name", container_name(image))
                .with_if(!image.is_empty(), "image", image.as_str())
                .with_if(!args.command.is_empty(), "command", Node::strings(&args.command))
                .with_if(i == 0 && port >= 0, "ports", Node::Arr(vec![Node::obj().with("containerPort", port)]))
                .with("resources", Node::obj())
        })
        .collect();
    let template = Node::obj()
        .with("metadata", Node::obj().with("creationTimestamp", Node::Null).with("labels", labels()))
        .with("spec", Node::obj().with("containers", Node::Arr(containers)));
    let spec = Node::obj()
        .with("replicas", replicas)
        .with("selector", Node::obj().with("matchLabels", labels()))
        .with("template", template)
        .with("strategy", Node::obj());
    let obj = DEPLOYMENT
        .object(metadata(&name, ctx.object_namespace(), Some(labels()), None))
        .with("spec", spec)
        .with("status", Node::obj());
    ctx.create(&DEPLOYMENT, obj, Wrap::Prefix("failed to create deployment: ".into()))
}

/// The image's name without registry, tag or digest; `.` and `_` make it
/// `-` plus a random suffix (kubectl's `sanitizeAndUniquify`).
fn container_name(image: &str) -> String {
    let mut name = image.rsplit('/').next().unwrap_or(image).to_string();
    if let Some((n, _)) = name.split_once(':') {
        name = n.to_string();
    }
    if let Some((n, _)) = name.split_once('@') {
        name = n.to_string();
    }
    if name.contains(['_', '.']) {
        name = format!("{}-{}", name.replace(['_', '.'], "-"), random_suffix(5));
    }
    name
}

/// `utilrand.String`: characters that do not form words.
pub fn random_suffix(n: usize) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    let mut x = h.finish();
    (0..n)
        .map(|_| {
            let c = ALPHANUMS[(x % ALPHANUMS.len() as u64) as usize] as char;
            x /= ALPHANUMS.len() as u64;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names() {
        assert_eq!(container_name("busybox:1.2"), "busybox");
        assert_eq!(container_name("reg:5000/team/app@sha256:abc"), "app");
        let n = container_name("my.reg/a_b.c@sha256:abc");
        assert!(n.starts_with("a-b-c-") && n.len() == 11, "{n}");
    }
}

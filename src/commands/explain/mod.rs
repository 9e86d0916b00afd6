//! `kctl explain`: the documentation of a resource or one of its fields, from
//! the server's OpenAPI schema. As kubectl 1.32 does, it renders OpenAPI v3
//! with the `plaintext` template when the server serves v3, and falls back to
//! the original v2 printer (`plaintext-openapiv2`) when it does not.

mod fetch;
mod path;
mod resolve;
mod v2;
mod v3;
mod wrap;

use crate::discovery::DiscoveryCache;
use crate::error::CliError;
use crate::settings::Settings;

const PLAINTEXT: &str = "plaintext";
const PLAINTEXT_V2: &str = "plaintext-openapiv2";

#[derive(Debug, clap::Args)]
#[command(
    override_usage = "kctl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [--output=plaintext|plaintext-openapiv2]",
    long_about = "Describe fields and structure of various resources.\n\nThis command describes the fields associated with each supported API resource. Fields are identified via a simple JSONPath identifier:\n\n  <type>.<fieldName>[.<fieldName>]\n\nInformation about each field is retrieved from the server in OpenAPI format.\n\nUse \"kctl api-resources\" for a complete list of supported resources."
)]
pub struct Args {
    /// TYPE or TYPE.field.path (e.g. pods.spec.containers)
    #[arg(value_name = "TYPE")]
    pub args: Vec<String>,
    /// When true, print the name of all the fields recursively. Otherwise, print the available fields with their description.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub recursive: Option<bool>,
    /// Use given api-version (group/version) of the resource.
    #[arg(long = "api-version", default_value = "")]
    pub api_version: String,
    /// Format in which to render the schema. Valid values are: (plaintext, plaintext-openapiv2).
    #[arg(long, default_value = PLAINTEXT)]
    pub output: String,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    if args.args.is_empty() {
        return Err(CliError::msg(
            "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.",
        ));
    }
    if args.args.len() > 1 {
        return Err(CliError::msg("We accept only this format: explain RESOURCE"));
    }
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let cache = DiscoveryCache::new(&client, &settings.cache_dir);
    let target = rt.block_on(resolve::target(&cache, &args.args[0], !args.api_version.is_empty()))?;
    let recursive = args.recursive.unwrap_or(false);
    let use_v3 = match args.output.as_str() {
        PLAINTEXT_V2 => false,
        // The v2 printer when the server has no OpenAPI v3.
        PLAINTEXT => rt.block_on(fetch::v3_paths(&client)).is_ok(),
        _ => true,
    };
    if !use_v3 {
        let (mut group, mut version) = (target.resource.group.clone(), target.resource.version.clone());
        if !args.api_version.is_empty() {
            (group, version) = parse_group_version(&args.api_version)?;
        }
        let kind = target.resource.kind.clone();
        let text = rt.block_on(fetch::explain_v2(&client, &settings.cache_dir, &group, &version, &kind, &target.fields, recursive))?;
        crate::output::print(&text);
        return Ok(());
    }
    let (mut group, mut version) = (target.resource.group.clone(), target.resource.version.clone());
    if !args.api_version.is_empty() {
        (group, version) = parse_group_version(&args.api_version)?;
    }
    let resource = target.resource.name.clone();
    let doc = rt.block_on(fetch::v3_document(&client, &settings.cache_dir, &group, &version, &resource))?;
    if args.output != PLAINTEXT {
        return Err(CliError::msg(format!("unrecognized format: {}", args.output)));
    }
    let req = v3::Request { group: &group, version: &version, resource: &resource, path: &target.fields, recursive };
    let (text, err) = v3::render(&doc, &req);
    crate::output::print(&text);
    match err {
        Some(e) => Err(CliError::msg(e)),
        None => Ok(()),
    }
}

/// apimachinery's `ParseGroupVersion`.
fn parse_group_version(gv: &str) -> Result<(String, String), CliError> {
    if gv.is_empty() || gv == "/" {
        return Ok((String::new(), String::new()));
    }
    match gv.matches('/').count() {
        0 => Ok((String::new(), gv.to_string())),
        1 => {
            let (g, v) = gv.split_once('/').unwrap_or_default();
            Ok((g.to_string(), v.to_string()))
        }
        _ => Err(CliError::msg(format!("unexpected GroupVersion string: {gv}"))),
    }
}

//! `kctl create poddisruptionbudget NAME --selector=SEL (--min-available=N | --max-unavailable=N)`.

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create poddisruptionbudget";

const PDB: Kind = Kind { kind: "PodDisruptionBudget", group: "policy", version: "v1", resource: "poddisruptionbudgets", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// The maximum number or percentage of unavailable pods this budget requires.
    #[arg(long = "max-unavailable", value_name = "N")]
    pub max_unavailable: Option<String>,
    /// The minimum number or percentage of available pods this budget requires.
    #[arg(long = "min-available", value_name = "N")]
    pub min_available: Option<String>,
    /// A label selector to use for this budget. Only equality-based selector requirements are supported.
    #[arg(long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

/// An int or a percentage, as kubectl's `validateIntOrPercent` accepts.
fn int_or_percent(v: &str) -> bool {
    v.strip_suffix('%').unwrap_or(v).parse::<i64>().is_ok()
}

/// `intstr.Parse`: a number when it is one.
fn int_or_string(v: &str) -> Node {
    match v.parse::<i32>() {
        Ok(n) => Node::from(n),
        Err(_) => Node::from(v),
    }
}

/// A LabelSelector in Go's field order.
pub fn selector_node(sel: &serde_json::Value) -> Node {
    let mut n = Node::obj();
    if let Some(m) = sel["matchLabels"].as_object() {
        n = n.with("matchLabels", Node::string_map(m.iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))));
    }
    if let Some(exprs) = sel["matchExpressions"].as_array() {
        let items = exprs
            .iter()
            .map(|e| {
                let values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
                Node::obj()
                    .with("key", e["key"].as_str().unwrap_or(""))
                    .with("operator", e["operator"].as_str().unwrap_or(""))
                    .with_if(!values.is_empty(), "values", Node::strings(values))
            })
            .collect();
        n = n.with("matchExpressions", Node::Arr(items));
    }
    n
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let selector = args.selector.clone().unwrap_or_default();
    let (min, max) = (args.min_available.clone().unwrap_or_default(), args.max_unavailable.clone().unwrap_or_default());
    if selector.is_empty() {
        return Err(CliError::msg("a selector must be specified"));
    }
    if min.is_empty() && max.is_empty() {
        return Err(CliError::msg("one of min-available or max-unavailable must be specified"));
    }
    if !min.is_empty() && !max.is_empty() {
        return Err(CliError::msg("min-available and max-unavailable cannot be both specified"));
    }
    if !min.is_empty() && !int_or_percent(&min) {
        return Err(CliError::msg("invalid format specified for min-available"));
    }
    if !max.is_empty() && !int_or_percent(&max) {
        return Err(CliError::msg("invalid format specified for max-unavailable"));
    }
    // A parse error names the selector; an operator with no LabelSelector
    // form does not.
    let parsed = crate::selector::Selector::parse(&selector)
        .map_err(|e| CliError::msg(format!("couldn't parse the selector string \"{selector}\": {e}")))?
        .to_label_selector()
        .map_err(CliError::msg)?;
    let spec = Node::obj()
        .with_if(!min.is_empty(), "minAvailable", int_or_string(&min))
        .with("selector", selector_node(&parsed))
        .with_if(!max.is_empty(), "maxUnavailable", int_or_string(&max));
    let status = Node::obj().with("disruptionsAllowed", 0).with("currentHealthy", 0).with("desiredHealthy", 0).with("expectedPods", 0);
    let obj = PDB.object(metadata(&name, ctx.object_namespace(), None, None)).with("spec", spec).with("status", status);
    ctx.create(&PDB, obj, Wrap::Prefix("failed to create poddisruptionbudgets: ".into()))
}

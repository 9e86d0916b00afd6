//! `kctl scale`: set replicas through the scale subresource: a merge patch,
//! or (with --current-replicas / --resource-version) a checked PUT of the
//! Scale; optionally waiting until the new size is reached.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::client::{Client, ClientError, Request, ResourcePath};
use crate::commands::failures::{report, Failure};
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::commands::targets::{self, Target};
use crate::commands::DryRun;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// (-f FILENAME | TYPE NAME)
    pub args: Vec<String>,
    /// Select all resources in the namespace of the specified resource types
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub all: Option<bool>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Precondition for current size. Requires that the current size of the resource match this value in order to scale.
    #[arg(long = "current-replicas", default_value = "-1", allow_hyphen_values = true)]
    pub current_replicas: String,
    /// Must be "none", "server", or "client".
    #[arg(long = "dry-run", num_args = 0..=1, require_equals = true, default_missing_value = "unchanged", default_value = "none")]
    pub dry_run: String,
    /// Filename, directory, or URL to files identifying the resource to set a new size
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// The new desired number of replicas. Required.
    #[arg(long, allow_hyphen_values = true)]
    pub replicas: Option<String>,
    /// Precondition for resource version.
    #[arg(long = "resource-version")]
    pub resource_version: Option<String>,
    /// Selector (label query) to filter on.
    #[arg(short = 'l', long)]
    pub selector: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file.
    #[arg(long)]
    pub template: Option<String>,
    /// The length of time to wait before giving up on a scale operation, zero means don't wait.
    #[arg(long, default_value = "0s", allow_hyphen_values = true)]
    pub timeout: String,
}

const NEED_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// How long to wait for the new size: none, a duration, or (negative) not at all.
enum WaitFor {
    No,
    Upto(Duration),
    Expired,
}

/// The flag library's integers: Go's `strconv.ParseInt(s, 0, 64)`, with its
/// error worded as pflag reports it.
fn int_flag(name: &str, value: &str) -> Result<i64, CliError> {
    go_parse_int(value).map_err(|why| {
        CliError::Raw(format!(
            "Error: invalid argument \"{value}\" for \"--{name}\" flag: strconv.ParseInt: parsing {}: {why}\nSee 'kctl scale --help' for usage.",
            crate::printers::jsonpath::gofmt::quote(value)
        ))
    })
}

/// `strconv.ParseInt(s, 0, 64)`: a sign, then decimal, `0x`, `0o`, `0b` or
/// a leading-zero octal number.
pub(crate) fn go_parse_int(s: &str) -> Result<i64, &'static str> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err("invalid syntax");
    }
    let magnitude = u64::from_str_radix(body, radix).map_err(|_| "value out of range")?;
    match (neg, i64::try_from(magnitude)) {
        (false, Ok(v)) => Ok(v),
        (true, Ok(v)) => Ok(-v),
        (true, Err(_)) if magnitude == 1u64 << 63 => Ok(i64::MIN),
        _ => Err("value out of range"),
    }
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let args = Args { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let current_replicas = int_flag("current-replicas", &args.current_replicas)?;
    let replicas = args.replicas.as_deref().map(|r| int_flag("replicas", r)).transpose()?;
    // The flag library rejects a bad duration before anything else.
    let wait_for = match crate::commands::wait::parse_go_duration(&args.timeout) {
        Ok(Some(d)) if d.is_zero() => WaitFor::No,
        Ok(Some(d)) => WaitFor::Upto(d),
        Ok(None) => WaitFor::Expired,
        Err(msg) => {
            return Err(CliError::Raw(format!(
                "Error: invalid argument \"{}\" for \"--timeout\" flag: {msg}\nSee 'kctl scale --help' for usage.",
                args.timeout
            )))
        }
    };
    let Some(replicas) = replicas else {
        // kubectl's flag library reports this through klog.
        crate::client::log::emit('E', "run.go:72", "\"command failed\" err=\"required flag(s) \\\"replicas\\\" not set\"");
        return Err(CliError::Exit(1));
    };
    let dry_run = DryRun::parse(&args.dry_run)?;
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    if replicas < 0 {
        return Err(CliError::msg("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"));
    }
    if current_replicas < -1 {
        return Err(CliError::msg("The --current-replicas must specify an integer of -1 or greater"));
    }
    if args.args.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg(NEED_RESOURCES));
    }
    let client = settings.client()?;
    let mut printer = format.map(|f| ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), false));
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let (resolved, problems) = if args.filename.is_empty() {
            let selection = targets::parse(&args.args)?;
            (targets::resolve_on_server(&client, &settings.cache_dir, &selection).await?, Vec::new())
        } else {
            targets::from_manifests(&client, &settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?
        };
        let (infos, mut errors) = find(&client, &resolved, &args).await?;
        // kubectl reports only the first document it could not use.
        errors.extend(problems.into_iter().take(1).map(Failure::Msg));
        if args.resource_version.as_deref().is_some_and(|rv| !rv.is_empty()) && infos.len() > 1 {
            return Err(CliError::msg("cannot use --resource-version with multiple resources"));
        }
        if infos.is_empty() {
            let why = match errors.len() {
                0 => String::new(),
                1 => format!(" {}", errors[0].plain()),
                _ => format!(" [{}]", errors.iter().map(Failure::plain).collect::<Vec<_>>().join(", ")),
            };
            return Err(CliError::msg(format!("no objects passed to scale{why}")));
        }
        for info in &infos {
            if dry_run != DryRun::Client {
                // A failure here ends the command with this error alone, as kubectl's visitor does.
                scale_one(&client, info, replicas, current_replicas, &args, dry_run).await?;
                if dry_run == DryRun::None {
                    wait_synced(&client, info, replicas, &wait_for).await?;
                }
            }
            let text = match &mut printer {
                Some(p) => p.render(&Ordered::Value(info.object.clone()))?,
                None => format!("{}{} scaled{}\n", print_flags::kind_prefix(&info.object), info.name, dry_run.suffix()),
            };
            output::print(&text);
            output::flush_stdout();
        }
        report(errors)
    })
}

struct Info<'a> {
    target: &'a Target,
    namespace: Option<String>,
    name: String,
    /// The object as fetched before scaling: what kubectl prints.
    object: Value,
}

impl Info<'_> {
    fn path(&self, sub: Option<&str>) -> String {
        let r = &self.target.resource;
        ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: self.namespace.as_deref(), name: Some(&self.name), subresource: sub }.to_path()
    }
}

/// The resource builder: named objects fetched, the others listed.
async fn find<'a>(client: &Client, resolved: &'a [Target], args: &Args) -> Result<(Vec<Info<'a>>, Vec<Failure>), CliError> {
    let default_ns = client.config().namespace.clone();
    let mut infos = Vec::new();
    let mut errors = Vec::new();
    for t in resolved {
        let r = &t.resource;
        let namespace = r.namespaced.then(|| t.namespace.clone().unwrap_or_else(|| default_ns.clone()));
        if t.names.is_empty() {
            if !(args.all.unwrap_or(false) || args.selector.is_some()) {
                return Err(CliError::msg("resource(s) were provided, but no name was specified"));
            }
            let mut req = Request::get(ResourcePath { group: &r.group, version: &r.version, resource: &r.name, namespace: namespace.as_deref(), ..Default::default() }.to_path());
            if let Some(s) = &args.selector {
                req = req.query("labelSelector", s.clone());
            }
            let list: Value = client.send(&req).await?.json()?;
            let kind = list["kind"].as_str().unwrap_or("").trim_end_matches("List").to_string();
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["kind"] = Value::String(kind.clone());
                item["apiVersion"] = list["apiVersion"].clone();
                let name = item["metadata"]["name"].as_str().unwrap_or("").to_string();
                infos.push(Info { target: t, namespace: namespace.clone(), name, object: item });
            }
            continue;
        }
        for name in &t.names {
            let mut info = Info { target: t, namespace: namespace.clone(), name: name.clone(), object: Value::Null };
            match client.send(&Request::get(info.path(None))).await {
                Ok(resp) => {
                    info.object = resp.json()?;
                    infos.push(info);
                }
                Err(e) if e.is_transport() => return Err(e.into()),
                Err(e @ ClientError::Api { .. }) => errors.push(Failure::Api(e)),
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok((infos, errors))
}

/// One object: a checked PUT of its Scale when preconditions are given
/// (retried on conflicts, as kubectl's scaler does), else a merge patch.
async fn scale_one(client: &Client, info: &Info<'_>, replicas: i64, current_replicas: i64, args: &Args, dry_run: DryRun) -> Result<(), CliError> {
    let rv = args.resource_version.as_deref().filter(|rv| !rv.is_empty());
    let with_dry_run = |req: Request| if dry_run == DryRun::Server { req.query("dryRun", "All") } else { req };
    if current_replicas == -1 && rv.is_none() {
        let body = crate::printers::json::to_string_compact(&json!({"spec": {"replicas": replicas}}));
        let req = Request::new(Method::PATCH, info.path(Some("scale"))).json_body("application/merge-patch+json", body.into_bytes());
        client.send(&with_dry_run(req)).await?;
        return Ok(());
    }
    let give_up = Instant::now() + Duration::from_secs(300);
    loop {
        let mut scale: Value = client.send(&Request::get(info.path(Some("scale")))).await?.json()?;
        let current = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        if current_replicas != -1 && current != current_replicas {
            return Err(CliError::msg(format!("Expected replicas to be {current_replicas}, was {current}")));
        }
        let have = scale["metadata"]["resourceVersion"].as_str().unwrap_or("").to_string();
        if let Some(rv) = rv {
            if have != rv {
                return Err(CliError::msg(format!("Expected resource version to be {rv}, was {have}")));
            }
        }
        scale["spec"]["replicas"] = json!(replicas);
        let body = crate::printers::json::to_string_compact(&scale);
        let req = Request::new(Method::PUT, info.path(Some("scale"))).json_body("application/json", body.into_bytes());
        match client.send(&with_dry_run(req)).await {
            Ok(_) => return Ok(()),
            Err(ClientError::Api { http_code: 409, .. }) if Instant::now() < give_up => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(e) => return Err(e.into()),
        }
    }
}

/// `--timeout`: poll the Scale each second until its status reaches the new
/// size (or someone else changed the desired size meanwhile).
async fn wait_synced(client: &Client, info: &Info<'_>, replicas: i64, wait_for: &WaitFor) -> Result<(), CliError> {
    let timed_out = || CliError::msg(format!("timed out waiting for \"{}\" to be synced", info.name));
    let limit = match wait_for {
        WaitFor::No => return Ok(()),
        WaitFor::Expired => return Err(timed_out()),
        WaitFor::Upto(d) => *d,
    };
    let deadline = Instant::now() + limit;
    loop {
        let scale: Value = client.send(&Request::get(info.path(Some("scale")))).await?.json()?;
        let spec = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        let status = scale["status"]["replicas"].as_i64().unwrap_or(0);
        if spec != replicas || (spec == status && status == replicas) {
            return Ok(());
        }
        let next = Instant::now() + Duration::from_secs(1);
        if next > deadline {
            tokio::time::sleep_until(deadline).await;
            return Err(timed_out());
        }
        tokio::time::sleep_until(next).await;
    }
}

#[cfg(test)]
mod tests {
    use super::go_parse_int;

    #[test]
    fn ints_like_strconv() {
        assert_eq!(go_parse_int("12"), Ok(12));
        assert_eq!(go_parse_int("-1"), Ok(-1));
        assert_eq!(go_parse_int("0x10"), Ok(16));
        assert_eq!(go_parse_int("010"), Ok(8));
        assert_eq!(go_parse_int("0"), Ok(0));
        assert_eq!(go_parse_int("1.5"), Err("invalid syntax"));
        assert_eq!(go_parse_int(""), Err("invalid syntax"));
        assert_eq!(go_parse_int("99999999999999999999"), Err("value out of range"));
    }
}

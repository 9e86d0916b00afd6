//! `kctl certificate approve|deny (-f FILENAME | NAME)`: add the Approved or
//! Denied condition to CertificateSigningRequests through their `approval`
//! subresource (certificates.k8s.io v1, falling back to v1beta1).

use clap::Subcommand;
use reqwest::Method;
use serde_json::{json, Value};

use crate::client::{Client, ClientError, Request};
use crate::commands::failures::{report, Failure};
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::commands::targets;
use crate::error::CliError;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<CertificateCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// Approve a certificate signing request
    Approve(ModifyArgs),
    /// Deny a certificate signing request
    Deny(ModifyArgs),
    /// Anything else: the group's help.
    #[command(external_subcommand)]
    Unknown(#[allow(dead_code)] Vec<String>),
}

#[derive(Debug, clap::Args)]
pub struct ModifyArgs {
    /// NAME
    pub names: Vec<String>,
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Filename, directory, or URL to files identifying the resource to update
    #[arg(short = 'f', long = "filename")]
    pub filename: Vec<String>,
    /// Process the kustomization directory. This flag can't be used together with -f or -R.
    #[arg(short = 'k', long)]
    pub kustomize: Option<String>,
    /// Update the CSR even if it is already approved.
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "false")]
    pub force: bool,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.
    #[arg(short = 'R', long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub recursive: Option<bool>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long)]
    pub template: Option<String>,
}

/// What one subcommand adds, and the condition that forbids it.
struct Action {
    condition: &'static str,
    conflicting: &'static str,
    reason: &'static str,
    message: &'static str,
    operation: &'static str,
}

const APPROVE: Action = Action {
    condition: "Approved",
    conflicting: "Denied",
    reason: "KubectlApprove",
    message: "This CSR was approved by kubectl certificate approve.",
    operation: "approved",
};

const DENY: Action = Action {
    condition: "Denied",
    conflicting: "Approved",
    reason: "KubectlDeny",
    message: "This CSR was denied by kubectl certificate deny.",
    operation: "denied",
};

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    match args.command {
        Some(CertificateCommand::Approve(a)) => modify(a, settings, &APPROVE),
        Some(CertificateCommand::Deny(a)) => modify(a, settings, &DENY),
        // kubectl prints the group's help and succeeds, for unknown words too.
        Some(CertificateCommand::Unknown(_)) | None => {
            crate::output::print(HELP);
            Ok(())
        }
    }
}

const HELP: &str = "Modify certificate resources.

Available Commands:
  approve       Approve a certificate signing request
  deny          Deny a certificate signing request

Usage:
  kctl certificate SUBCOMMAND [options]

Use \"kctl certificate <command> --help\" for more information about a given command.
Use \"kctl options\" for a list of global command-line options (applies to all commands).
";

const CSR_V1: &str = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
const CSR_V1BETA1: &str = "/apis/certificates.k8s.io/v1beta1/certificatesigningrequests";

fn modify(args: ModifyArgs, settings: &Settings, action: &Action) -> Result<(), CliError> {
    let args = ModifyArgs { filename: crate::commands::manifests::sources(&args.filename, args.kustomize.as_deref(), args.recursive.unwrap_or(false))?, ..args };
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    if args.names.is_empty() && args.filename.is_empty() {
        return Err(CliError::msg("one or more CSRs must be specified as <name> or -f <filename>"));
    }
    let client = settings.client()?;
    let mut printer = format.map(|f| ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), false));
    crate::commands::runtime().block_on(async {
        let mut errors: Vec<Failure> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        if !args.filename.is_empty() {
            let (resolved, problems) = targets::from_manifests(&client, &settings.cache_dir, &args.filename, args.recursive.unwrap_or(false)).await?;
            for t in resolved {
                if t.resource.group == "certificates.k8s.io" && t.resource.kind == "CertificateSigningRequest" {
                    names.extend(t.names);
                } else {
                    errors.push(Failure::Msg(format!(
                        "can only handle CertificateSigningRequest.certificates.k8s.io objects, got {}",
                        if t.resource.group.is_empty() { t.resource.kind.clone() } else { format!("{}.{}", t.resource.kind, t.resource.group) }
                    )));
                }
            }
            errors.extend(problems.into_iter().take(1).map(Failure::Msg));
        }
        // `ResourceNames` takes `type/name` too; only CSRs are handled.
        names.extend(args.names.iter().map(|n| n.rsplit_once('/').map_or(n.as_str(), |(_, name)| name).to_string()));
        let mut found = 0;
        for name in &names {
            match one(&client, name, action, args.force).await {
                Ok(object) => {
                    found += 1;
                    let text = match &mut printer {
                        Some(p) => p.render(&Ordered::Value(object))?,
                        None => format!("{}{} {}\n", print_flags::kind_prefix(&object), name, action.operation),
                    };
                    crate::output::print(&text);
                }
                Err(e) => errors.push(e),
            }
        }
        if found == 0 && errors.is_empty() {
            crate::output::print("No resources found\n");
        }
        report(errors)
    })
}

/// Fetch, add the condition (unless present, or forced), update the
/// approval, retrying conflicts; returns the object as first fetched, which
/// is what kubectl prints.
async fn one(client: &Client, name: &str, action: &Action, force: bool) -> Result<Value, Failure> {
    let printed: Value = client.send(&Request::get(format!("{CSR_V1}/{name}"))).await.map_err(Failure::from)?.json().map_err(Failure::from)?;
    let mut attempt = 0;
    loop {
        let (base, mut csr) = match client.send(&Request::get(format!("{CSR_V1}/{name}"))).await {
            Ok(r) => (CSR_V1, r.json::<Value>().map_err(Failure::from)?),
            Err(e) if e.is_not_found() => match client.send(&Request::get(format!("{CSR_V1BETA1}/{name}"))).await {
                Ok(r) => (CSR_V1BETA1, r.json::<Value>().map_err(Failure::from)?),
                Err(e) if e.is_not_found() => {
                    return Err(Failure::Msg(format!("could not find v1 or v1beta1 version of {name}: {}", crate::commands::create::common::go_error(&e))))
                }
                Err(e) => return Err(e.into()),
            },
            Err(e) => return Err(e.into()),
        };
        let has_condition = add_condition(&mut csr, action).map_err(Failure::Msg)?;
        if has_condition && !force {
            return Ok(printed);
        }
        let body = crate::printers::json::to_string_compact(&csr);
        let req = Request::new(Method::PUT, format!("{base}/{name}/approval")).json_body("application/json", body.into_bytes());
        match client.send(&req).await {
            Ok(_) => return Ok(printed),
            Err(ClientError::Api { http_code: 409, .. }) if attempt < 10 => attempt += 1,
            Err(e) => return Err(e.into()),
        }
    }
}

/// kubectl's addConditionIfNeeded: an error when the conflicting condition is
/// present; true when the wanted one already is; else the condition appended.
fn add_condition(csr: &mut Value, action: &Action) -> Result<bool, String> {
    let name = csr["metadata"]["name"].as_str().unwrap_or("").to_string();
    let conditions = csr["status"]["conditions"].as_array().cloned().unwrap_or_default();
    let mut has = false;
    for c in &conditions {
        let t = c["type"].as_str().unwrap_or("");
        if t == action.conflicting {
            return Err(format!("certificate signing request {} is already {t}", crate::printers::jsonpath::gofmt::quote(&name)));
        }
        has |= t == action.condition;
    }
    if has {
        return Ok(true);
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let condition = json!({
        "type": action.condition,
        "status": "True",
        "reason": action.reason,
        "message": action.message,
        "lastUpdateTime": crate::printers::describe::time::format_rfc3339(now, 0),
    });
    let mut list = conditions;
    list.push(condition);
    if !csr["status"].is_object() {
        csr["status"] = json!({});
    }
    csr["status"]["conditions"] = Value::Array(list);
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::{add_condition, APPROVE, DENY};
    use serde_json::json;

    #[test]
    fn conditions_like_kubectl() {
        let mut csr = json!({"metadata": {"name": "x"}, "status": {}});
        assert_eq!(add_condition(&mut csr, &APPROVE), Ok(false));
        assert_eq!(csr["status"]["conditions"][0]["reason"], "KubectlApprove");
        assert_eq!(add_condition(&mut csr, &APPROVE), Ok(true));
        assert_eq!(add_condition(&mut csr, &DENY), Err("certificate signing request \"x\" is already Approved".to_string()));
    }
}

//! `kctl auth whoami`: a SelfSubjectReview (authentication.k8s.io v1, then
//! v1beta1, then v1alpha1, as kubectl falls back), printed as kubectl's
//! attribute table or through -o.

use reqwest::Method;
use serde_json::{json, Value};

use crate::client::Request;
use crate::commands::print_flags::{self, ObjectPrinter, Ordered};
use crate::error::CliError;
use crate::printers::tabwriter::TabWriter;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", default_value = "true")]
    pub allow_missing_template_keys: bool,
    /// Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).
    #[arg(short = 'o', long)]
    pub output: Option<String>,
    /// If true, keep the managedFields when printing objects in JSON or YAML format.
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub show_managed_fields: Option<bool>,
    /// Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].
    #[arg(long)]
    pub template: Option<String>,
}

const NOT_ENABLED: &str = "the selfsubjectreviews API is not enabled in the cluster\nenable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API";
const FORBIDDEN: &str = "the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it";

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let format = print_flags::parse(args.output.as_deref(), args.template.as_deref())?;
    let client = settings.client()?;
    let rt = crate::commands::runtime();
    let review: Value = rt.block_on(async {
        for version in ["v1", "v1beta1", "v1alpha1"] {
            let body = json!({"kind": "SelfSubjectReview", "apiVersion": format!("authentication.k8s.io/{version}"), "metadata": {"creationTimestamp": null}, "status": {"userInfo": {}}});
            let body = crate::printers::json::to_string_compact(&body);
            let req = Request::new(Method::POST, format!("/apis/authentication.k8s.io/{version}/selfsubjectreviews")).json_body("application/json", body.into_bytes());
            match client.send(&req).await {
                Ok(resp) => return Ok(resp.json()?),
                Err(e) if e.is_not_found() => continue,
                Err(e) if e.is_forbidden() => return Err(CliError::msg(FORBIDDEN)),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CliError::msg(NOT_ENABLED))
    })?;
    let text = match format {
        Some(f) => ObjectPrinter::new(f, args.allow_missing_template_keys, args.show_managed_fields.unwrap_or(false), false).render(&Ordered::Value(review))?,
        None => table(&review["status"]["userInfo"]),
    };
    crate::output::print(&text);
    Ok(())
}

/// kubectl's attribute table for a UserInfo.
pub fn table(user: &Value) -> String {
    let mut w = TabWriter::new();
    w.write_str("ATTRIBUTE\tVALUE\n");
    let list = |v: &Value| format!("[{}]", v.as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(" "));
    if let Some(u) = user["username"].as_str().filter(|s| !s.is_empty()) {
        w.write_str(&format!("Username\t{u}\n"));
    }
    if let Some(u) = user["uid"].as_str().filter(|s| !s.is_empty()) {
        w.write_str(&format!("UID\t{u}\n"));
    }
    if user["groups"].as_array().is_some_and(|g| !g.is_empty()) {
        w.write_str(&format!("Groups\t{}\n", list(&user["groups"])));
    }
    // serde_json's map is ordered by key, as kubectl sorts the extra keys.
    for (k, v) in user["extra"].as_object().into_iter().flatten() {
        w.write_str(&format!("Extra: {k}\t{}\n", list(v)));
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::table;
    use serde_json::json;

    #[test]
    fn user_table_like_kubectl() {
        let user = json!({"username": "admin", "groups": ["system:masters", "system:authenticated"], "extra": {"b": ["2"], "a": ["1", "x"]}});
        assert_eq!(
            table(&user),
            "ATTRIBUTE   VALUE\nUsername    admin\nGroups      [system:masters system:authenticated]\nExtra: a    [1 x]\nExtra: b    [2]\n"
        );
    }
}

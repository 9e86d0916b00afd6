//! `kctl create -f`: send every object the manifests name, in order.

use reqwest::Method;
use serde_json::Value;

use super::common::{Ctx, DryRun};
use crate::client::{ClientError, Request};
use crate::commands::manifests::{self, ResolveError};
use crate::error::CliError;
use crate::output;
use crate::printers::format::OutputFormat;

pub fn run(ctx: &Ctx<'_>, filenames: &[String], recursive: bool) -> Result<(), CliError> {
    let strict = ctx.validation == "Strict";
    let items = manifests::read_checking_lists(filenames, recursive, strict, strict)?;
    let aggregates = crate::validation::aggregates(&items);
    let client = ctx.client()?;
    let rt = crate::commands::runtime();
    rt.block_on(async {
        let directive = crate::validation::Directive::from_field_validation(ctx.validation);
        let items = crate::validation::check(client, &ctx.settings.cache_dir, items, directive).await;
        let resolved = manifests::resolve(client, &ctx.settings.cache_dir, items, &ctx.namespace, ctx.enforce_namespace).await?;
        let suffix = match ctx.dry_run {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        };
        let mut errors: Vec<String> = Vec::new();
        let mut builder_errors: Vec<String> = Vec::new();
        let mut text = String::new();
        let mut objects = Vec::new();
        for r in resolved {
            let r = match r {
                Ok(r) => r,
                Err(ResolveError::Builder(m)) => {
                    builder_errors.push(m);
                    continue;
                }
                Err(ResolveError::Visit(m)) => {
                    errors.push(m);
                    continue;
                }
            };
            let obj = if ctx.save_config { crate::patch::modified_configuration(&r.object, true) } else { r.object.clone() };
            let created: Value = if ctx.dry_run == DryRun::Client {
                obj
            } else {
                let mut req = Request::new(Method::POST, r.path(None))
                    .query("fieldManager", ctx.field_manager.clone())
                    .query("fieldValidation", ctx.validation)
                    .json_body("application/json", (crate::patch::to_go_json(&obj) + "\n").into_bytes()); // as Go's json.Encoder
                if ctx.dry_run == DryRun::Server {
                    req = req.query("dryRun", "All");
                }
                match client.send(&req).await {
                    Ok(resp) => resp.json().map_err(CliError::from)?,
                    Err(e) if e.is_transport() => return Err(e.into()),
                    Err(e) => {
                        errors.push(when_creating(e, &r.doc.source, &obj));
                        continue;
                    }
                }
            };
            match &ctx.format {
                None => text.push_str(&format!("{} created{suffix}\n", r.kind_name())),
                Some(OutputFormat::Name) => text.push_str(&format!("{}\n", r.kind_name())),
                Some(_) => objects.push(created),
            }
        }
        if let Some(format) = &ctx.format {
            if !objects.is_empty() {
                let doc = if objects.len() == 1 {
                    objects.pop().unwrap()
                } else {
                    serde_json::json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}})
                };
                text.push_str(&render(format, &doc, ctx)?);
            }
        }
        output::print(&text);
        errors.extend(builder_errors);
        match errors.len() {
            0 => Ok(()),
            // An Invalid status prints as `The Kind "name" is invalid: …`, unprefixed too.
            1 if errors[0].starts_with("Error from server") || errors[0].starts_with("The ") => Err(CliError::Raw(errors.remove(0))),
            // An aggregate alone is printed one error per line, as they are.
            1 if aggregates.contains_key(&errors[0]) => Err(CliError::Raw(aggregates[&errors[0]].join("\n"))),
            1 => Err(CliError::Message(errors.remove(0))),
            _ => Err(CliError::Raw(errors.join("\n"))),
        }
    })
}

/// `Error from server (AlreadyExists): error when creating "f.yaml": …`
fn when_creating(e: ClientError, source: &str, obj: &Value) -> String {
    match e {
        ClientError::Api { mut status, http_code } => {
            let note = crate::commands::apply::secret::key_note(obj, &status.message).unwrap_or_default();
            status.message = format!("error when creating {source:?}: {}{note}", status.message);
            ClientError::Api { status, http_code }.to_string()
        }
        other => other.to_string(),
    }
}

fn render(format: &OutputFormat, doc: &Value, ctx: &Ctx<'_>) -> Result<String, CliError> {
    let mut doc = doc.clone();
    if !ctx.show_managed_fields && matches!(format, OutputFormat::Json | OutputFormat::Yaml) {
        strip_managed(&mut doc);
    }
    Ok(match format {
        OutputFormat::Json => crate::printers::json::to_string(&doc),
        OutputFormat::Yaml => crate::printers::yaml::to_string(&doc),
        OutputFormat::JsonPath(t) => crate::printers::jsonpath::print(t, &doc, ctx.allow_missing).map_err(|e| CliError::msg(e.to_string()))?,
        OutputFormat::JsonPathAsJson(t) => crate::printers::jsonpath::print_as_json(t, &doc, ctx.allow_missing).map_err(|e| CliError::msg(e.to_string()))?,
        OutputFormat::GoTemplate(t) => crate::commands::get::go_template(t, &doc, ctx.allow_missing)?,
        _ => return Err(CliError::msg("this output format is not supported by create -f")),
    })
}

fn strip_managed(doc: &mut Value) {
    if let Some(items) = doc.get_mut("items").and_then(Value::as_array_mut) {
        for i in items {
            strip_managed(i);
        }
    }
    if let Some(Value::Object(m)) = doc.get_mut("metadata") {
        m.remove("managedFields");
    }
}

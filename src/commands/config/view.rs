//! `kctl config view`.

use std::path::Path;

use super::{bool_flag, go_list, Common};
use crate::error::CliError;
use crate::kubeconfig::gofmt::b64_decode;
use crate::kubeconfig::load::{abs, clean, io_error};
use crate::kubeconfig::write::ConfigAccess;
use crate::kubeconfig::Config;
use crate::printers::format::OutputFormat;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct ViewArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub merge: Option<String>,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub raw: Option<String>,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub flatten: Option<String>,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub minify: Option<String>,
    #[arg(short = 'o', long = "output", hide = true)]
    pub output: Option<String>,
    #[arg(long = "allow-missing-template-keys", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub allow_missing_template_keys: Option<String>,
    #[arg(long = "show-managed-fields", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub show_managed_fields: Option<String>,
    #[arg(long, hide = true)]
    pub template: Option<String>,
}

const FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

pub fn run(access: &ConfigAccess, a: ViewArgs, settings: &Settings) -> Result<(), CliError> {
    let merge_flag = bool_flag(&a.merge, "merge", "view")?;
    let raw = bool_flag(&a.raw, "raw", "view")?.unwrap_or(false);
    let flatten = bool_flag(&a.flatten, "flatten", "view")?.unwrap_or(false);
    let minify = bool_flag(&a.minify, "minify", "view")?.unwrap_or(false);
    bool_flag(&a.allow_missing_template_keys, "allow-missing-template-keys", "view")?;
    bool_flag(&a.show_managed_fields, "show-managed-fields", "view")?;
    if !a.common.args.is_empty() {
        return Err(CliError::msg(format!(
            "unexpected arguments: {}\nSee 'kctl config view -h' for help and examples",
            go_list(&a.common.args)
        )));
    }
    let merge = merge_flag.unwrap_or(!access.is_explicit());
    let output = a.output.clone().unwrap_or_else(|| "yaml".into());
    let format = output.split_once('=').map(|(f, _)| f).unwrap_or(&output).to_string();
    let template_format = match format.as_str() {
        "yaml" | "json" | "name" => None,
        "jsonpath" | "jsonpath-as-json" | "jsonpath-file" | "go-template" | "go-template-file" | "template" | "templatefile" => {
            Some(OutputFormat::parse(Some(&output), a.template.as_deref())?)
        }
        _ => {
            return Err(CliError::msg(format!(
                "unable to match a printer suitable for the output format \"{output}\", allowed formats are: {FORMATS}"
            )))
        }
    };
    if !merge && !access.is_explicit() {
        return Err(CliError::msg("if merge==false a precise file must be specified"));
    }
    let mut config = access.starting_config()?;
    if minify {
        if let Some(ctx) = settings.global.context.as_ref().filter(|c| !c.is_empty()) {
            config.current_context = ctx.clone();
        }
        minify_config(&mut config).map_err(CliError::Message)?;
    }
    if flatten {
        flatten_config(&mut config).map_err(CliError::Message)?;
    } else if !raw {
        shorten_config(&mut config);
    }
    let allow_missing = bool_flag(&a.allow_missing_template_keys, "allow-missing-template-keys", "view")?.unwrap_or(true);
    let text = match (format.as_str(), template_format) {
        (_, Some(f)) => render_template(&f, &config.to_v1_value(), allow_missing)?,
        ("json", _) => crate::printers::json::to_string(&config.to_v1()),
        ("name", _) => "config/<unknown>\n".to_string(),
        _ => crate::printers::yaml::to_string(&config.to_v1_value()),
    };
    crate::output::print(&text);
    Ok(())
}

/// Templates see the config as kubectl's typed object: every number a float.
fn render_template(format: &OutputFormat, doc: &serde_json::Value, allow_missing: bool) -> Result<String, CliError> {
    use crate::printers::jsonpath;
    let doc = jsonpath::floats_only(doc);
    match format {
        OutputFormat::JsonPath(t) => jsonpath::print(t, &doc, allow_missing).map_err(|e| CliError::msg(e.to_string())),
        OutputFormat::JsonPathAsJson(t) => jsonpath::print_as_json(t, &doc, allow_missing).map_err(|e| CliError::msg(e.to_string())),
        OutputFormat::GoTemplate(t) => crate::commands::get::go_template(t, &doc, allow_missing),
        _ => unreachable!("only template formats reach here"),
    }
}

/// client-go's `MinifyConfig`: keep only what the current context uses.
pub fn minify_config(config: &mut Config) -> Result<(), String> {
    if config.current_context.is_empty() {
        return Err("current-context must exist in order to minify".into());
    }
    let ctx = config
        .contexts
        .get(&config.current_context)
        .cloned()
        .ok_or_else(|| format!("cannot locate context {}", config.current_context))?;
    let mut clusters = std::collections::BTreeMap::new();
    if !ctx.cluster.is_empty() {
        let c = config.clusters.get(&ctx.cluster).ok_or_else(|| format!("cannot locate cluster {}", ctx.cluster))?;
        clusters.insert(ctx.cluster.clone(), c.clone());
    }
    let mut users = std::collections::BTreeMap::new();
    if !ctx.auth_info.is_empty() {
        let u = config.auth_infos.get(&ctx.auth_info).ok_or_else(|| format!("cannot locate user {}", ctx.auth_info))?;
        users.insert(ctx.auth_info.clone(), u.clone());
    }
    config.contexts = [(config.current_context.clone(), ctx)].into_iter().collect();
    config.clusters = clusters;
    config.auth_infos = users;
    Ok(())
}

fn flatten_content(path: &mut String, data: &mut Vec<u8>, base: &Path) -> Result<(), String> {
    if path.is_empty() {
        return Ok(());
    }
    if !data.is_empty() {
        return Err("cannot have values for both path and contents".into());
    }
    let p = if Path::new(path.as_str()).is_absolute() { Path::new(path.as_str()).to_path_buf() } else { clean(&base.join(path.as_str())) };
    *data = std::fs::read(&p).map_err(|e| io_error("open", &p, &e))?;
    path.clear();
    Ok(())
}

fn origin_dir(origin: &str) -> std::path::PathBuf {
    let dir = Path::new(origin).parent().map(Path::to_path_buf).unwrap_or_default();
    abs(if dir.as_os_str().is_empty() { Path::new(".") } else { &dir })
}

/// client-go's `FlattenConfig`: inline every referenced certificate file.
pub fn flatten_config(config: &mut Config) -> Result<(), String> {
    for a in config.auth_infos.values_mut() {
        let base = origin_dir(&a.location_of_origin);
        flatten_content(&mut a.client_certificate, &mut a.client_certificate_data, &base)?;
        flatten_content(&mut a.client_key, &mut a.client_key_data, &base)?;
    }
    for c in config.clusters.values_mut() {
        let base = origin_dir(&c.location_of_origin);
        flatten_content(&mut c.certificate_authority, &mut c.certificate_authority_data, &base)?;
    }
    Ok(())
}

/// client-go's `ShortenConfig`: hide secrets for display.
pub fn shorten_config(config: &mut Config) {
    let omitted = b64_decode("DATA+OMITTED").unwrap_or_default();
    for a in config.auth_infos.values_mut() {
        if !a.client_key_data.is_empty() {
            a.client_key_data = omitted.clone();
        }
        if !a.client_certificate_data.is_empty() {
            a.client_certificate_data = omitted.clone();
        }
        if !a.token.is_empty() {
            a.token = "REDACTED".into();
        }
        if !a.password.is_empty() {
            a.password = "REDACTED".into();
        }
    }
    for c in config.clusters.values_mut() {
        if !c.certificate_authority_data.is_empty() {
            c.certificate_authority_data = omitted.clone();
        }
    }
}

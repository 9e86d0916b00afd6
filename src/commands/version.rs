//! `kctl version`: client and server versions.
//!
//! kctl reports itself as the kubectl minor it is compatible with, so scripts that
//! compare versions keep working; its own version rides in the build metadata.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::client::Request;
use crate::error::CliError;
use crate::output;
use crate::printers;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// If true, shows client version only (no server required).
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub client: Option<bool>,
    /// One of 'yaml' or 'json'.
    #[arg(short = 'o', long)]
    pub output: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

pub const COMPAT_MAJOR: &str = "1";
pub const COMPAT_MINOR: &str = "32";

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    #[serde(default)]
    pub major: String,
    #[serde(default)]
    pub minor: String,
    #[serde(default)]
    pub git_version: String,
    #[serde(default)]
    pub git_commit: String,
    #[serde(default)]
    pub git_tree_state: String,
    #[serde(default)]
    pub build_date: String,
    #[serde(default)]
    pub go_version: String,
    #[serde(default)]
    pub compiler: String,
    #[serde(default)]
    pub platform: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Versions {
    client_version: Info,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_version: Option<Info>,
}

pub fn client_info() -> Info {
    Info {
        major: COMPAT_MAJOR.into(),
        minor: COMPAT_MINOR.into(),
        git_version: format!("v{COMPAT_MAJOR}.{COMPAT_MINOR}.0+kctl.{}", env!("CARGO_PKG_VERSION")),
        git_commit: option_env!("KCTL_GIT_COMMIT").unwrap_or("").into(),
        git_tree_state: if option_env!("KCTL_GIT_COMMIT").is_some() { "clean" } else { "" }.into(),
        build_date: option_env!("KCTL_BUILD_DATE").unwrap_or("1970-01-01T00:00:00Z").into(),
        go_version: String::new(),
        compiler: "rustc".into(),
        platform: format!("{}/{}", std::env::consts::OS, go_arch()),
    }
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    }
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let format = match args.output.as_deref() {
        None | Some("") => None,
        Some("yaml") => Some(Format::Yaml),
        Some("json") => Some(Format::Json),
        Some(_) => return Err(CliError::msg("--output must be 'yaml' or 'json'")),
    };
    let client_only = args.client.unwrap_or(false);
    if !client_only && settings.global.match_server_version.unwrap_or(false) {
        // kubectl checks before printing anything.
        settings.client()?;
    }
    let mut versions = Versions { client_version: client_info(), server_version: None };
    let mut server_err = None;
    if !client_only {
        match fetch_server_version(settings) {
            Ok(info) => versions.server_version = Some(info),
            Err(e) => server_err = Some(e),
        }
    }
    match format {
        Some(Format::Json) => output::print(&(serde_json::to_string_pretty(&versions).expect("versions serialize") + "\n")),
        Some(Format::Yaml) => {
            let v = serde_json::to_value(&versions).expect("versions serialize");
            output::print(&printers::yaml::to_string(&v));
        }
        None => {
            let mut text = format!("Client Version: {}\n", versions.client_version.git_version);
            if let Some(s) = &versions.server_version {
                text.push_str(&format!("Server Version: {}\n", s.git_version));
            }
            output::print(&text);
        }
    }
    if let Some(s) = &versions.server_version {
        if let Some(warning) = skew_warning(&versions.client_version, s) {
            output::flush_stdout();
            eprintln!("{warning}");
        }
    }
    match server_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub fn fetch_server_version(settings: &Settings) -> Result<Info, CliError> {
    let client = settings.client()?;
    get_server_version(&client)
}

fn get_server_version(client: &crate::client::Client) -> Result<Info, CliError> {
    let rt = crate::commands::runtime();
    let timeout = client.timeout().map(crate::settings::format_go_duration).unwrap_or_else(|| "32s".into());
    let resp = rt.block_on(client.send(&Request::get("/version").query("timeout", timeout)))?;
    Ok(resp.json::<Info>()?)
}

/// `--match-server-version`: the server must run exactly the client's version.
pub fn check_server_version(client: &crate::client::Client) -> Result<(), CliError> {
    let server = get_server_version(client)?;
    let ours = client_info();
    if server.git_version != ours.git_version {
        return Err(CliError::msg(format!("server version (&{}) differs from client version ({})", go_info(&server), go_info(&ours))));
    }
    Ok(())
}

/// Go's `%#v` of a version.Info, as kubectl prints it in that error.
fn go_info(i: &Info) -> String {
    format!(
        "version.Info{{Major:{:?}, Minor:{:?}, GitVersion:{:?}, GitCommit:{:?}, GitTreeState:{:?}, BuildDate:{:?}, GoVersion:{:?}, Compiler:{:?}, Platform:{:?}}}",
        i.major, i.minor, i.git_version, i.git_commit, i.git_tree_state, i.build_date, i.go_version, i.compiler, i.platform
    )
}

/// kubectl warns when the server is more than one minor version away.
fn skew_warning(client: &Info, server: &Info) -> Option<String> {
    let minor = |s: &str| s.trim_end_matches('+').parse::<i64>().ok();
    let (cmaj, smaj) = (client.major.parse::<i64>().ok()?, server.major.parse::<i64>().ok()?);
    let (cmin, smin) = (minor(&client.minor)?, minor(&server.minor)?);
    if cmaj != smaj || (cmin - smin).abs() > 1 {
        Some(format!(
            "WARNING: version difference between client ({cmaj}.{cmin}) and server ({smaj}.{smin}) exceeds the supported minor version skew of +/-1"
        ))
    } else {
        None
    }
}

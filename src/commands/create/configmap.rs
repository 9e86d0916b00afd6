//! `kctl create configmap NAME [--from-file] [--from-literal] [--from-env-file]`.

use base64::Engine;

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use super::sources::{self, config_map_key_errors, quote};
use crate::error::CliError;
use crate::settings::Settings;

const PATH: &str = "create configmap";

pub const CONFIGMAP: Kind = Kind { kind: "ConfigMap", group: "", version: "v1", resource: "configmaps", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct Args {
    /// NAME
    pub args: Vec<String>,
    /// Ignored arguments after `--`.
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Append a hash of the configmap to its name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub append_hash: Option<String>,
    /// Specify the path to a file to read lines of key=val pairs to create a configmap.
    #[arg(long = "from-env-file", value_name = "PATH")]
    pub from_env_file: Vec<String>,
    /// Key file can be specified using its file path, in which case file basename will be used as configmap key, or optionally with a key and file path, in which case the given key will be used.
    #[arg(long = "from-file", value_name = "[KEY=]SOURCE")]
    pub from_file: Vec<String>,
    /// Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)
    #[arg(long = "from-literal", value_name = "KEY=VALUE")]
    pub from_literal: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// A config map's contents as kubectl collects them.
struct Contents {
    name: String,
    data: Vec<(String, String)>,
    binary: Vec<(String, Vec<u8>)>,
}

impl Contents {
    fn check(&self, key: &str) -> Result<(), String> {
        let errs = config_map_key_errors(key);
        if !errs.is_empty() {
            return Err(format!("{} is not a valid key name for a ConfigMap: {}", quote(key), errs.join(",")));
        }
        if self.data.iter().any(|(k, _)| k == key) {
            return Err(format!("cannot add key {}, another key by that name already exists in Data for ConfigMap {}", quote(key), quote(&self.name)));
        }
        if self.binary.iter().any(|(k, _)| k == key) {
            return Err(format!("cannot add key {}, another key by that name already exists in BinaryData for ConfigMap {}", quote(key), quote(&self.name)));
        }
        Ok(())
    }

    fn literal(&mut self, key: &str, value: &str) -> Result<(), String> {
        self.check(key)?;
        self.data.push((key.to_string(), value.to_string()));
        Ok(())
    }

    fn file(&mut self, key: &str, path: &str) -> Result<(), String> {
        let bytes = sources::read(path)?;
        match String::from_utf8(bytes) {
            Ok(text) => self.literal(key, &text),
            Err(e) => {
                self.check(key)?;
                self.binary.push((key.to_string(), e.into_bytes()));
                Ok(())
            }
        }
    }
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let append_hash = flags::parse_bool(PATH, "--append-hash", args.append_hash.as_deref(), false)?;
    let from_file = flags::string_slice(PATH, "--from-file", &args.from_file)?;
    let from_env = flags::string_slice(PATH, "--from-env-file", &args.from_env_file)?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if !from_env.is_empty() && (!from_file.is_empty() || !args.from_literal.is_empty()) {
        return Err(CliError::msg("from-env-file cannot be combined with from-file or from-literal"));
    }
    let mut c = Contents { name: name.clone(), data: Vec::new(), binary: Vec::new() };
    (|| -> Result<(), String> {
        sources::each_file_source(&from_file, |k, p| c.file(k, p))?;
        for lit in &args.from_literal {
            let (k, v) = sources::parse_literal(lit)?;
            c.literal(&k, &v)?;
        }
        sources::each_env_source(&from_env, "config", |k, v| c.literal(k, v))
    })()
    .map_err(CliError::msg)?;
    let mut final_name = name;
    if append_hash {
        final_name = format!("{final_name}-{}", sources::config_map_hash(&final_name, &c.data, &c.binary));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let obj = CONFIGMAP
        .object(metadata(&final_name, ctx.object_namespace(), None, None))
        .with_if(!c.data.is_empty(), "data", Node::string_map(c.data.iter().map(|(k, v)| (k, v))))
        .with_if(!c.binary.is_empty(), "binaryData", Node::sorted_map(c.binary.iter().map(|(k, v)| (k.clone(), Node::from(b64.encode(v))))));
    ctx.create(&CONFIGMAP, obj, Wrap::Prefix("failed to create configmap: ".into()))
}

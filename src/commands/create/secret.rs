//! `kctl create secret generic|tls|docker-registry NAME`.

use base64::Engine;
use clap::Subcommand;

use super::common::{metadata, Common, Ctx, Kind, Wrap};
use super::flags;
use super::node::Node;
use super::sources::{self, config_map_key_errors, quote};
use crate::error::CliError;
use crate::settings::Settings;

pub const SECRET: Kind = Kind { kind: "Secret", group: "", version: "v1", resource: "secrets", namespaced: true };

#[derive(Debug, clap::Args)]
#[command(args_override_self = true, disable_help_subcommand = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<SecretKind>,
    #[arg(hide = true)]
    pub args: Vec<String>,
    #[command(flatten, next_help_heading = "Options for the subcommand")]
    pub common: Common,
}

#[derive(Debug, Subcommand)]
pub enum SecretKind {
    /// Create a secret for use with a Docker registry
    #[command(name = "docker-registry")]
    DockerRegistry(DockerArgs),
    /// Create a secret from a local file, directory, or literal value
    Generic(GenericArgs),
    /// Create a TLS secret
    Tls(TlsArgs),
}

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct GenericArgs {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Append a hash of the secret to its name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub append_hash: Option<String>,
    /// Specify the path to a file to read lines of key=val pairs to create a secret.
    #[arg(long = "from-env-file", value_name = "PATH")]
    pub from_env_file: Vec<String>,
    /// Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.
    #[arg(long = "from-file", value_name = "[KEY=]SOURCE")]
    pub from_file: Vec<String>,
    /// Specify a key and literal value to insert in secret (i.e. mykey=somevalue)
    #[arg(long = "from-literal", value_name = "KEY=VALUE")]
    pub from_literal: Vec<String>,
    /// The type of secret to create
    #[arg(long = "type", value_name = "TYPE")]
    pub secret_type: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct TlsArgs {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Append a hash of the secret to its name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub append_hash: Option<String>,
    /// Path to PEM encoded public key certificate.
    #[arg(long, value_name = "PATH")]
    pub cert: Option<String>,
    /// Path to private key associated with given certificate.
    #[arg(long, value_name = "PATH")]
    pub key: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
#[command(args_override_self = true)]
pub struct DockerArgs {
    /// NAME
    pub args: Vec<String>,
    #[arg(last = true, hide = true)]
    pub rest: Vec<String>,
    /// Append a hash of the secret to its name.
    #[arg(long = "append-hash", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub append_hash: Option<String>,
    /// Email for Docker registry
    #[arg(long = "docker-email", value_name = "EMAIL")]
    pub docker_email: Option<String>,
    /// Password for Docker registry authentication
    #[arg(long = "docker-password", value_name = "PASSWORD")]
    pub docker_password: Option<String>,
    /// Server location for Docker registry
    #[arg(long = "docker-server", value_name = "SERVER")]
    pub docker_server: Option<String>,
    /// Username for Docker registry authentication
    #[arg(long = "docker-username", value_name = "USER")]
    pub docker_username: Option<String>,
    /// Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.
    #[arg(long = "from-file", value_name = "[KEY=]SOURCE")]
    pub from_file: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: Args, settings: &Settings) -> Result<(), CliError> {
    let parent = args.common;
    match args.command {
        None => Err(super::group_usage("create secret", &args.args)),
        Some(SecretKind::Generic(mut a)) => {
            a.common.inherit(&parent);
            generic(a, settings)
        }
        Some(SecretKind::Tls(mut a)) => {
            a.common.inherit(&parent);
            tls(a, settings)
        }
        Some(SecretKind::DockerRegistry(mut a)) => {
            a.common.inherit(&parent);
            docker(a, settings)
        }
    }
}

/// A secret's data as kubectl collects it.
struct Data(Vec<(String, Vec<u8>)>);

impl Data {
    fn add(&mut self, key: &str, value: Vec<u8>) -> Result<(), String> {
        let errs = config_map_key_errors(key);
        if !errs.is_empty() {
            return Err(format!("{} is not valid key name for a Secret {}", quote(key), errs.join(";")));
        }
        if self.0.iter().any(|(k, _)| k == key) {
            return Err(format!("cannot add key {key}, another key by that name already exists"));
        }
        self.0.push((key.to_string(), value));
        Ok(())
    }

    fn files(&mut self, sources: &[String]) -> Result<(), String> {
        sources::each_file_source(sources, |k, p| {
            let bytes = sources::read(p)?;
            self.add(k, bytes)
        })
    }
}

/// `newSecretObj` filled in, with `--append-hash` applied.
fn secret_object(ctx: &Ctx<'_>, name: &str, secret_type: &str, data: &Data, append_hash: bool) -> Node {
    let mut name = name.to_string();
    if append_hash {
        name = format!("{name}-{}", sources::secret_hash(&name, secret_type, &data.0));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    SECRET
        .object(metadata(&name, ctx.object_namespace(), None, None))
        .with_if(!data.0.is_empty(), "data", Node::sorted_map(data.0.iter().map(|(k, v)| (k.clone(), Node::from(b64.encode(v))))))
        .with_if(!secret_type.is_empty(), "type", secret_type)
}

fn generic(args: GenericArgs, settings: &Settings) -> Result<(), CliError> {
    const PATH: &str = "create secret generic";
    let append_hash = flags::parse_bool(PATH, "--append-hash", args.append_hash.as_deref(), false)?;
    let from_file = flags::string_slice(PATH, "--from-file", &args.from_file)?;
    let from_env = flags::string_slice(PATH, "--from-env-file", &args.from_env_file)?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    if !from_env.is_empty() && (!from_file.is_empty() || !args.from_literal.is_empty()) {
        return Err(CliError::msg("from-env-file cannot be combined with from-file or from-literal"));
    }
    let mut data = Data(Vec::new());
    (|| -> Result<(), String> {
        for lit in &args.from_literal {
            let (k, v) = sources::parse_literal(lit)?;
            data.add(&k, v.into_bytes())?;
        }
        data.files(&from_file)?;
        sources::each_env_source(&from_env, "secret", |k, v| data.add(k, v.as_bytes().to_vec()))
    })()
    .map_err(CliError::msg)?;
    let obj = secret_object(&ctx, &name, args.secret_type.as_deref().unwrap_or(""), &data, append_hash);
    ctx.create(&SECRET, obj, Wrap::Prefix("failed to create secret ".into()))
}

fn tls(args: TlsArgs, settings: &Settings) -> Result<(), CliError> {
    const PATH: &str = "create secret tls";
    let append_hash = flags::parse_bool(PATH, "--append-hash", args.append_hash.as_deref(), false)?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let (cert, key) = (args.cert.unwrap_or_default(), args.key.unwrap_or_default());
    if cert.is_empty() || key.is_empty() {
        return Err(CliError::msg("key and cert must be specified"));
    }
    let read = |p: &str| sources::read(p).map_err(|e| CliError::msg(format!("Cannot read file {p}, {e}")));
    let cert_pem = read(&cert)?;
    let key_pem = read(&key)?;
    super::tls::check_key_pair(&cert_pem, &key_pem).map_err(CliError::msg)?;
    let data = Data(vec![("tls.crt".to_string(), cert_pem), ("tls.key".to_string(), key_pem)]);
    let obj = secret_object(&ctx, &name, "kubernetes.io/tls", &data, append_hash);
    ctx.create(&SECRET, obj, Wrap::Prefix("failed to create secret ".into()))
}

fn docker(args: DockerArgs, settings: &Settings) -> Result<(), CliError> {
    const PATH: &str = "create secret docker-registry";
    let append_hash = flags::parse_bool(PATH, "--append-hash", args.append_hash.as_deref(), false)?;
    let from_file = flags::string_slice(PATH, "--from-file", &args.from_file)?;
    let name = flags::name_from_args(PATH, &args.args)?;
    let ctx = Ctx::complete(settings, PATH, &args.common)?;
    let username = args.docker_username.unwrap_or_default();
    let password = args.docker_password.unwrap_or_default();
    let email = args.docker_email.unwrap_or_default();
    let server = args.docker_server.unwrap_or_else(|| "https://index.docker.io/v1/".to_string());
    if name.is_empty() {
        return Err(CliError::msg("name must be specified"));
    }
    if from_file.is_empty() && (username.is_empty() || password.is_empty() || server.is_empty()) {
        return Err(CliError::msg(
            "either --from-file or the combination of --docker-username, --docker-password and --docker-server is required",
        ));
    }
    let mut data = Data(Vec::new());
    if from_file.is_empty() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let entry = Node::obj()
            .with_if(!username.is_empty(), "username", username.as_str())
            .with_if(!password.is_empty(), "password", password.as_str())
            .with_if(!email.is_empty(), "email", email.as_str())
            .with("auth", b64.encode(format!("{username}:{password}")));
        let config = Node::obj().with("auths", Node::sorted_map([(server.clone(), entry)]));
        data.0.push((".dockerconfigjson".to_string(), crate::printers::json::to_string_compact(&config).into_bytes()));
    } else {
        // A source without a key is the `.dockerconfigjson` file itself.
        let sources: Vec<String> =
            from_file.iter().map(|f| if f.contains('=') { f.clone() } else { format!(".dockerconfigjson={f}") }).collect();
        data.files(&sources).map_err(CliError::msg)?;
    }
    let obj = secret_object(&ctx, &name, "kubernetes.io/dockerconfigjson", &data, append_hash);
    ctx.create(&SECRET, obj, Wrap::Prefix("failed to create secret ".into()))
}

//! `kctl config set` and `unset`: a dotted path through client-go's internal
//! config types (their json names: `users.NAME.act-as`, `clusters.NAME.server`...),
//! navigated the way kubectl's reflection-based code does.

use std::collections::BTreeMap;

use super::{bool_flag, go_list, go_quote, help_error, parse_go_bool, Common};
use crate::error::CliError;
use crate::kubeconfig::gofmt::{b64_decode, v_map_strs};
use crate::kubeconfig::types::*;
use crate::kubeconfig::write::{modify_config, ConfigAccess};

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub common: Common,
    #[arg(long = "set-raw-bytes", num_args = 0..=1, require_equals = true, default_missing_value = "true", hide = true)]
    pub set_raw_bytes: Option<String>,
}

/// The Go types along a path, named as `reflect.Type` prints them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ty {
    Config,
    Preferences,
    ClusterMap,
    AuthMap,
    ContextMap,
    ExtMap,
    Cluster,
    AuthInfo,
    Context,
    Str,
    Bool,
    Bytes,
    StrSlice,
    StrSliceMap,
    AuthProviderPtr,
    ExecPtr,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Config => "api.Config",
            Ty::Preferences => "api.Preferences",
            Ty::ClusterMap => "map[string]*api.Cluster",
            Ty::AuthMap => "map[string]*api.AuthInfo",
            Ty::ContextMap => "map[string]*api.Context",
            Ty::ExtMap => "map[string]runtime.Object",
            Ty::Cluster => "api.Cluster",
            Ty::AuthInfo => "api.AuthInfo",
            Ty::Context => "api.Context",
            Ty::Str => "string",
            Ty::Bool => "bool",
            Ty::Bytes => "[]uint8",
            Ty::StrSlice => "[]string",
            Ty::StrSliceMap => "map[string][]string",
            Ty::AuthProviderPtr => "*api.AuthProviderConfig",
            Ty::ExecPtr => "*api.ExecConfig",
        }
    }

    /// Struct fields by json name (the internal types' tags).
    fn fields(self) -> &'static [(&'static str, Ty)] {
        match self {
            Ty::Config => &[
                ("kind", Ty::Str),
                ("apiVersion", Ty::Str),
                ("preferences", Ty::Preferences),
                ("clusters", Ty::ClusterMap),
                ("users", Ty::AuthMap),
                ("contexts", Ty::ContextMap),
                ("current-context", Ty::Str),
                ("extensions", Ty::ExtMap),
            ],
            Ty::Preferences => &[("colors", Ty::Bool), ("extensions", Ty::ExtMap)],
            Ty::Cluster => &[
                ("-", Ty::Str),
                ("server", Ty::Str),
                ("tls-server-name", Ty::Str),
                ("insecure-skip-tls-verify", Ty::Bool),
                ("certificate-authority", Ty::Str),
                ("certificate-authority-data", Ty::Bytes),
                ("proxy-url", Ty::Str),
                ("disable-compression", Ty::Bool),
                ("extensions", Ty::ExtMap),
            ],
            Ty::AuthInfo => &[
                ("-", Ty::Str),
                ("client-certificate", Ty::Str),
                ("client-certificate-data", Ty::Bytes),
                ("client-key", Ty::Str),
                ("client-key-data", Ty::Bytes),
                ("token", Ty::Str),
                ("tokenFile", Ty::Str),
                ("act-as", Ty::Str),
                ("act-as-uid", Ty::Str),
                ("act-as-groups", Ty::StrSlice),
                ("act-as-user-extra", Ty::StrSliceMap),
                ("username", Ty::Str),
                ("password", Ty::Str),
                ("auth-provider", Ty::AuthProviderPtr),
                ("exec", Ty::ExecPtr),
                ("extensions", Ty::ExtMap),
            ],
            Ty::Context => &[
                ("-", Ty::Str),
                ("cluster", Ty::Str),
                ("user", Ty::Str),
                ("namespace", Ty::Str),
                ("extensions", Ty::ExtMap),
            ],
            _ => &[],
        }
    }

    fn is_struct(self) -> bool {
        matches!(self, Ty::Config | Ty::Preferences | Ty::Cluster | Ty::AuthInfo | Ty::Context)
    }
}

#[derive(Debug, Clone)]
struct Step {
    value: String,
    ty: Ty,
}

fn steps_v(steps: &[Step]) -> String {
    let parts: Vec<String> = steps.iter().map(|s| format!("{{{} {}}}", s.value, s.ty.name())).collect();
    format!("[{}]", parts.join(" "))
}

/// How navigation fails: an error, or a Go panic (kubectl crashes on these paths).
enum NavError {
    Err(String),
    Panic(String),
}

/// kubectl's `newNavigationSteps`.
fn navigation_steps(path: &str) -> Result<Vec<Step>, NavError> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut ty = Ty::Config;
    let mut i = 0;
    while i < parts.len() {
        match ty {
            Ty::ClusterMap | Ty::AuthMap | Ty::ContextMap | Ty::ExtMap | Ty::StrSliceMap => {
                let value_ty = match ty {
                    Ty::ClusterMap => Ty::Cluster,
                    Ty::AuthMap => Ty::AuthInfo,
                    Ty::ContextMap => Ty::Context,
                    Ty::ExtMap => return Err(NavError::Panic("reflect: Elem of invalid type runtime.Object".into())),
                    _ => return Err(NavError::Err("string is not of type struct".into())),
                };
                let options: Vec<&str> = value_ty.fields().iter().map(|(n, _)| *n).collect();
                let rest = &parts[i..];
                let known = rest[1..].iter().position(|p| options.contains(p)).map(|p| p + 1).unwrap_or(rest.len());
                let name = rest[..known].join(".");
                steps.push(Step { value: name, ty: value_ty });
                i += known;
                ty = value_ty;
            }
            t if t.is_struct() => {
                let next = parts[i];
                let Some((_, fty)) = t.fields().iter().find(|(n, _)| *n == next) else {
                    return Err(NavError::Err(format!("unable to parse {path} after {} at {}", steps_v(&steps), t.name())));
                };
                steps.push(Step { value: next.to_string(), ty: *fty });
                i += 1;
                ty = *fty;
            }
            _ => return Err(NavError::Err(format!("unable to parse one or more field values of {path}"))),
        }
    }
    Ok(steps)
}

/// A place in the config being modified.
enum Place<'a> {
    Config(&'a mut Config),
    Preferences(&'a mut Preferences),
    ClusterMap(&'a mut BTreeMap<String, Cluster>),
    AuthMap(&'a mut BTreeMap<String, AuthInfo>),
    ContextMap(&'a mut BTreeMap<String, Context>),
    ExtMap(&'a mut Extensions),
    Cluster(&'a mut Cluster),
    AuthInfo(&'a mut AuthInfo),
    Context(&'a mut Context),
    Str(&'a mut String),
    Bool(&'a mut bool),
    Bytes(&'a mut Vec<u8>),
    StrSlice(&'a mut Vec<String>),
    StrSliceMap(&'a mut BTreeMap<String, Vec<String>>),
    AuthProvider(&'a mut Option<AuthProviderConfig>),
    Exec(&'a mut Option<ExecConfigEntry>),
}

fn fake_ptr_map<V>(m: &BTreeMap<String, V>) -> String {
    let parts: Vec<String> = m.keys().enumerate().map(|(i, k)| format!("{k}:0xc0000{:05x}", 0x10000 + i * 0x80)).collect();
    format!("map[{}]", parts.join(" "))
}

/// `%v` of `map[string]runtime.Object` holding `*runtime.Unknown` values.
fn unknown_map(m: &Extensions) -> String {
    let parts: Vec<String> = m
        .iter()
        .map(|(k, v)| {
            let field = |f: &str| v.get(f).and_then(|x| x.as_str()).unwrap_or("").to_string();
            let raw = crate::kubeconfig::gofmt::v_bytes(crate::kubeconfig::gofmt::json_compact(v).as_bytes());
            format!(
                "{k}:&Unknown{{TypeMeta:TypeMeta{{APIVersion:{},Kind:{},}},Raw:*{raw},ContentEncoding:,ContentType:application/json,}}",
                field("apiVersion"),
                field("kind")
            )
        })
        .collect();
    format!("map[{}]", parts.join(" "))
}

struct Mod<'s> {
    steps: &'s [Step],
    pos: usize,
    value: String,
    unset: bool,
    raw_bytes: bool,
}

impl Mod<'_> {
    fn more(&self) -> bool {
        self.pos < self.steps.len()
    }

    fn pop(&mut self) -> String {
        if self.more() {
            self.pos += 1;
            self.steps[self.pos - 1].value.clone()
        } else {
            String::new()
        }
    }

    fn remaining(&self) -> String {
        format!("&{{{} {}}}", steps_v(self.steps), self.pos)
    }

    fn map_step<V: Default>(&mut self, key: String, m: &mut BTreeMap<String, V>, shown: String, f: fn(&mut V) -> Place<'_>) -> Result<(), String> {
        if !self.more() && !self.unset {
            return Err(format!("can't set a map to a value: {shown}"));
        }
        if !self.more() && self.unset {
            m.remove(&key);
            return Ok(());
        }
        if !m.contains_key(&key) {
            if self.unset {
                return Err(format!("current map key `{key}` is invalid"));
            }
            m.insert(key.clone(), V::default());
        }
        let v = m.get_mut(&key).unwrap();
        self.modify(f(v))
    }

    /// kubectl's `modifyConfig`: each level pops one step (a field name or map key;
    /// empty once the path is used up) and acts on the value it is given.
    fn modify(&mut self, place: Place<'_>) -> Result<(), String> {
        let step = self.pop();
        match place {
            Place::ClusterMap(m) => {
                let shown = fake_ptr_map(m);
                self.map_step(step, m, shown, |v| Place::Cluster(v))
            }
            Place::AuthMap(m) => {
                let shown = fake_ptr_map(m);
                self.map_step(step, m, shown, |v| Place::AuthInfo(v))
            }
            Place::ContextMap(m) => {
                let shown = fake_ptr_map(m);
                self.map_step(step, m, shown, |v| Place::Context(v))
            }
            Place::ExtMap(m) => {
                if !self.more() && !self.unset {
                    return Err(format!("can't set a map to a value: {}", unknown_map(m)));
                }
                if !self.more() && self.unset {
                    m.remove(&step);
                    return Ok(());
                }
                Err(format!("current map key `{step}` is invalid"))
            }
            Place::StrSliceMap(m) => {
                if !self.more() && !self.unset {
                    return Err(format!("can't set a map to a value: {}", v_map_strs(m)));
                }
                if !self.more() && self.unset {
                    m.remove(&step);
                    return Ok(());
                }
                Err(format!("current map key `{step}` is invalid"))
            }
            Place::Str(s) => {
                if self.more() {
                    return Err(format!("can't have more steps after a string. {}", self.remaining()));
                }
                *s = self.value.clone();
                Ok(())
            }
            Place::Bytes(b) => {
                if self.more() {
                    return Err(format!("can't have more steps after bytes. {}", self.remaining()));
                }
                if self.unset {
                    b.clear();
                } else if self.raw_bytes {
                    *b = self.value.as_bytes().to_vec();
                } else {
                    *b = b64_decode(&self.value).map_err(|e| format!("error decoding input value: {e}"))?;
                }
                Ok(())
            }
            Place::StrSlice(_) => {
                if self.more() {
                    return Err(format!("can't have more steps after bytes. {}", self.remaining()));
                }
                Err("unrecognized slice type. string".into())
            }
            Place::Bool(b) => {
                if self.more() {
                    return Err(format!("can't have more steps after a bool. {}", self.remaining()));
                }
                *b = if self.value.is_empty() {
                    false
                } else {
                    parse_go_bool(&self.value)
                        .ok_or_else(|| format!("strconv.ParseBool: parsing {}: invalid syntax", go_quote(&self.value)))?
                };
                Ok(())
            }
            Place::AuthProvider(_) | Place::Exec(_) => Err("__panic__unrecognized type".into()),
            Place::Config(c) => self.field_step(step, Ty::Config, StructRef::Config(c)),
            Place::Preferences(p) => self.field_step(step, Ty::Preferences, StructRef::Preferences(p)),
            Place::Cluster(c) => self.field_step(step, Ty::Cluster, StructRef::Cluster(c)),
            Place::AuthInfo(a) => self.field_step(step, Ty::AuthInfo, StructRef::AuthInfo(a)),
            Place::Context(c) => self.field_step(step, Ty::Context, StructRef::Context(c)),
        }
    }

    fn field_step(&mut self, name: String, ty: Ty, s: StructRef<'_>) -> Result<(), String> {
        if !ty.fields().iter().any(|(n, _)| *n == name) {
            return Err(format!("unable to locate path {{stepValue:\"{name}\"}} under {}", ty.name()));
        }
        if !self.more() && self.unset {
            s.zero(&name);
            return Ok(());
        }
        self.modify(s.field(&name))
    }
}

enum StructRef<'a> {
    Config(&'a mut Config),
    Preferences(&'a mut Preferences),
    Cluster(&'a mut Cluster),
    AuthInfo(&'a mut AuthInfo),
    Context(&'a mut Context),
}

impl<'a> StructRef<'a> {
    fn field(self, name: &str) -> Place<'a> {
        match self {
            StructRef::Config(c) => match name {
                "preferences" => Place::Preferences(&mut c.preferences),
                "clusters" => Place::ClusterMap(&mut c.clusters),
                "users" => Place::AuthMap(&mut c.auth_infos),
                "contexts" => Place::ContextMap(&mut c.contexts),
                "current-context" => Place::Str(&mut c.current_context),
                "extensions" => Place::ExtMap(&mut c.extensions),
                // kind/apiVersion exist on the internal type but are never written.
                _ => Place::Str(Box::leak(Box::new(String::new()))),
            },
            StructRef::Preferences(p) => match name {
                "colors" => Place::Bool(&mut p.colors),
                _ => Place::ExtMap(&mut p.extensions),
            },
            StructRef::Cluster(c) => match name {
                "-" => Place::Str(&mut c.location_of_origin),
                "server" => Place::Str(&mut c.server),
                "tls-server-name" => Place::Str(&mut c.tls_server_name),
                "insecure-skip-tls-verify" => Place::Bool(&mut c.insecure_skip_tls_verify),
                "certificate-authority" => Place::Str(&mut c.certificate_authority),
                "certificate-authority-data" => Place::Bytes(&mut c.certificate_authority_data),
                "proxy-url" => Place::Str(&mut c.proxy_url),
                "disable-compression" => Place::Bool(&mut c.disable_compression),
                _ => Place::ExtMap(&mut c.extensions),
            },
            StructRef::AuthInfo(a) => match name {
                "-" => Place::Str(&mut a.location_of_origin),
                "client-certificate" => Place::Str(&mut a.client_certificate),
                "client-certificate-data" => Place::Bytes(&mut a.client_certificate_data),
                "client-key" => Place::Str(&mut a.client_key),
                "client-key-data" => Place::Bytes(&mut a.client_key_data),
                "token" => Place::Str(&mut a.token),
                "tokenFile" => Place::Str(&mut a.token_file),
                "act-as" => Place::Str(&mut a.impersonate),
                "act-as-uid" => Place::Str(&mut a.impersonate_uid),
                "act-as-groups" => Place::StrSlice(&mut a.impersonate_groups),
                "act-as-user-extra" => Place::StrSliceMap(&mut a.impersonate_user_extra),
                "username" => Place::Str(&mut a.username),
                "password" => Place::Str(&mut a.password),
                "auth-provider" => Place::AuthProvider(&mut a.auth_provider),
                "exec" => Place::Exec(&mut a.exec),
                _ => Place::ExtMap(&mut a.extensions),
            },
            StructRef::Context(c) => match name {
                "-" => Place::Str(&mut c.location_of_origin),
                "cluster" => Place::Str(&mut c.cluster),
                "user" => Place::Str(&mut c.auth_info),
                "namespace" => Place::Str(&mut c.namespace),
                _ => Place::ExtMap(&mut c.extensions),
            },
        }
    }

    fn zero(self, name: &str) {
        match self.field(name) {
            Place::Preferences(p) => *p = Preferences::default(),
            Place::ClusterMap(m) => m.clear(),
            Place::AuthMap(m) => m.clear(),
            Place::ContextMap(m) => m.clear(),
            Place::ExtMap(m) => m.clear(),
            Place::Str(s) => s.clear(),
            Place::Bool(b) => *b = false,
            Place::Bytes(b) => b.clear(),
            Place::StrSlice(v) => v.clear(),
            Place::StrSliceMap(m) => m.clear(),
            Place::AuthProvider(p) => *p = None,
            Place::Exec(e) => *e = None,
            _ => {}
        }
    }
}

fn nav(path: &str) -> Result<Vec<Step>, CliError> {
    navigation_steps(path).map_err(|e| match e {
        NavError::Err(m) => CliError::Message(m),
        NavError::Panic(m) => {
            eprintln!("panic: {m}\n\ngoroutine 1 [running]:");
            CliError::Exit(2)
        }
    })
}

fn apply(config: &mut Config, steps: &[Step], value: &str, unset: bool, raw_bytes: bool) -> Result<(), CliError> {
    let mut m = Mod { steps, pos: 0, value: value.to_string(), unset, raw_bytes };
    // The root is a struct: its first step names a field.
    match m.modify(Place::Config(config)) {
        Ok(()) => Ok(()),
        Err(e) if e.starts_with("__panic__") => {
            eprintln!("panic: {}\n\ngoroutine 1 [running]:", &e["__panic__".len()..]);
            Err(CliError::Exit(2))
        }
        Err(e) => Err(CliError::Message(e)),
    }
}

pub fn run_set(access: &ConfigAccess, a: SetArgs) -> Result<(), CliError> {
    let raw = bool_flag(&a.set_raw_bytes, "set-raw-bytes", "set")?;
    let args = &a.common.args;
    if args.len() != 2 {
        return Err(help_error("set", format!("Unexpected args: {}", go_list(args))));
    }
    let (name, value) = (args[0].clone(), args[1].clone());
    if value.is_empty() {
        return Err(CliError::msg("you cannot use set to unset a property"));
    }
    if name.is_empty() {
        return Err(CliError::msg("you must specify a property"));
    }
    access.starting_config()?;
    let steps = nav(&name)?;
    modify_config(access, false, |config| apply(config, &steps, &value, false, raw.unwrap_or(false)))?;
    crate::output::print(&format!("Property {} set.\n", go_quote(&name)));
    Ok(())
}

pub fn run_unset(access: &ConfigAccess, args: &[String]) -> Result<(), CliError> {
    if args.len() != 1 {
        return Err(help_error("unset", format!("Unexpected args: {}", go_list(args))));
    }
    let name = args[0].clone();
    if name.is_empty() {
        return Err(CliError::msg("you must specify a property"));
    }
    access.starting_config()?;
    let steps = nav(&name)?;
    modify_config(access, false, |config| apply(config, &steps, "", true, true))?;
    crate::output::print(&format!("Property {} unset.\n", go_quote(&name)));
    Ok(())
}

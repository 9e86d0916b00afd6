//! The kubeconfig model (client-go's internal `clientcmdapi.Config`: maps keyed by
//! name, each entry remembering the file it came from) and its `v1` wire form.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::gofmt::b64_encode;

/// Extensions keep their raw JSON value (client-go's `runtime.Unknown`).
pub type Extensions = BTreeMap<String, Value>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub preferences: Preferences,
    pub clusters: BTreeMap<String, Cluster>,
    pub auth_infos: BTreeMap<String, AuthInfo>,
    pub contexts: BTreeMap<String, Context>,
    pub current_context: String,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preferences {
    pub colors: bool,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cluster {
    /// The file this entry was read from (never serialized).
    pub location_of_origin: String,
    pub server: String,
    pub tls_server_name: String,
    pub insecure_skip_tls_verify: bool,
    pub certificate_authority: String,
    pub certificate_authority_data: Vec<u8>,
    pub proxy_url: String,
    pub disable_compression: bool,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthInfo {
    pub location_of_origin: String,
    pub client_certificate: String,
    pub client_certificate_data: Vec<u8>,
    pub client_key: String,
    pub client_key_data: Vec<u8>,
    pub token: String,
    pub token_file: String,
    pub impersonate: String,
    pub impersonate_uid: String,
    pub impersonate_groups: Vec<String>,
    pub impersonate_user_extra: BTreeMap<String, Vec<String>>,
    pub username: String,
    pub password: String,
    pub auth_provider: Option<AuthProviderConfig>,
    pub exec: Option<ExecConfigEntry>,
    pub extensions: Extensions,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuthProviderConfig {
    pub name: String,
    /// `None` is Go's nil map (`config: null`), `Some(empty)` is `config: {}`.
    pub config: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExecConfigEntry {
    pub command: String,
    pub args: Option<Vec<String>>,
    pub env: Option<Vec<ExecEnvVar>>,
    pub api_version: String,
    pub install_hint: String,
    pub provide_cluster_info: bool,
    pub interactive_mode: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExecEnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub location_of_origin: String,
    pub cluster: String,
    pub auth_info: String,
    pub namespace: String,
    pub extensions: Extensions,
}

// ---------------------------------------------------------------------------
// v1 wire form, fields in Go struct order (for `-o json`); `omitempty` as in Go.

fn is_false(b: &bool) -> bool {
    !*b
}

fn b64_opt<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&b64_encode(v))
}

#[derive(Serialize)]
pub struct V1Config {
    pub kind: &'static str,
    #[serde(rename = "apiVersion")]
    pub api_version: &'static str,
    pub preferences: V1Preferences,
    pub clusters: Option<Vec<V1NamedCluster>>,
    pub users: Option<Vec<V1NamedAuthInfo>>,
    pub contexts: Option<Vec<V1NamedContext>>,
    #[serde(rename = "current-context")]
    pub current_context: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<V1NamedExtension>,
}

#[derive(Serialize)]
pub struct V1Preferences {
    #[serde(skip_serializing_if = "is_false")]
    pub colors: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<V1NamedExtension>,
}

#[derive(Serialize)]
pub struct V1NamedExtension {
    pub name: String,
    pub extension: Value,
}

#[derive(Serialize)]
pub struct V1NamedCluster {
    pub name: String,
    pub cluster: V1Cluster,
}

#[derive(Serialize)]
pub struct V1Cluster {
    pub server: String,
    #[serde(rename = "tls-server-name", skip_serializing_if = "String::is_empty")]
    pub tls_server_name: String,
    #[serde(rename = "insecure-skip-tls-verify", skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    #[serde(rename = "certificate-authority", skip_serializing_if = "String::is_empty")]
    pub certificate_authority: String,
    #[serde(rename = "certificate-authority-data", skip_serializing_if = "Vec::is_empty", serialize_with = "b64_opt")]
    pub certificate_authority_data: Vec<u8>,
    #[serde(rename = "proxy-url", skip_serializing_if = "String::is_empty")]
    pub proxy_url: String,
    #[serde(rename = "disable-compression", skip_serializing_if = "is_false")]
    pub disable_compression: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<V1NamedExtension>,
}

#[derive(Serialize)]
pub struct V1NamedAuthInfo {
    pub name: String,
    pub user: V1AuthInfo,
}

#[derive(Serialize)]
pub struct V1AuthInfo {
    #[serde(rename = "client-certificate", skip_serializing_if = "String::is_empty")]
    pub client_certificate: String,
    #[serde(rename = "client-certificate-data", skip_serializing_if = "Vec::is_empty", serialize_with = "b64_opt")]
    pub client_certificate_data: Vec<u8>,
    #[serde(rename = "client-key", skip_serializing_if = "String::is_empty")]
    pub client_key: String,
    #[serde(rename = "client-key-data", skip_serializing_if = "Vec::is_empty", serialize_with = "b64_opt")]
    pub client_key_data: Vec<u8>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub token: String,
    #[serde(rename = "tokenFile", skip_serializing_if = "String::is_empty")]
    pub token_file: String,
    #[serde(rename = "as", skip_serializing_if = "String::is_empty")]
    pub impersonate: String,
    #[serde(rename = "as-uid", skip_serializing_if = "String::is_empty")]
    pub impersonate_uid: String,
    #[serde(rename = "as-groups", skip_serializing_if = "Vec::is_empty")]
    pub impersonate_groups: Vec<String>,
    #[serde(rename = "as-user-extra", skip_serializing_if = "BTreeMap::is_empty")]
    pub impersonate_user_extra: BTreeMap<String, Vec<String>>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub password: String,
    #[serde(rename = "auth-provider", skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<AuthProviderConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<V1ExecConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<V1NamedExtension>,
}

#[derive(Serialize)]
pub struct V1ExecConfig {
    pub command: String,
    pub args: Option<Vec<String>>,
    pub env: Option<Vec<ExecEnvVar>>,
    #[serde(rename = "apiVersion", skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(rename = "installHint", skip_serializing_if = "String::is_empty")]
    pub install_hint: String,
    #[serde(rename = "provideClusterInfo")]
    pub provide_cluster_info: bool,
    #[serde(rename = "interactiveMode", skip_serializing_if = "String::is_empty")]
    pub interactive_mode: String,
}

#[derive(Serialize)]
pub struct V1NamedContext {
    pub name: String,
    pub context: V1Context,
}

#[derive(Serialize)]
pub struct V1Context {
    pub cluster: String,
    pub user: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<V1NamedExtension>,
}

fn v1_ext(e: &Extensions) -> Vec<V1NamedExtension> {
    e.iter().map(|(k, v)| V1NamedExtension { name: k.clone(), extension: v.clone() }).collect()
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    if v.is_empty() {
        None
    } else {
        Some(v)
    }
}

impl Config {
    /// client-go's conversion to `v1.Config` (entries sorted by name).
    pub fn to_v1(&self) -> V1Config {
        let clusters = self
            .clusters
            .iter()
            .map(|(name, c)| V1NamedCluster {
                name: name.clone(),
                cluster: V1Cluster {
                    server: c.server.clone(),
                    tls_server_name: c.tls_server_name.clone(),
                    insecure_skip_tls_verify: c.insecure_skip_tls_verify,
                    certificate_authority: c.certificate_authority.clone(),
                    certificate_authority_data: c.certificate_authority_data.clone(),
                    proxy_url: c.proxy_url.clone(),
                    disable_compression: c.disable_compression,
                    extensions: v1_ext(&c.extensions),
                },
            })
            .collect();
        let users = self
            .auth_infos
            .iter()
            .map(|(name, a)| V1NamedAuthInfo {
                name: name.clone(),
                user: V1AuthInfo {
                    client_certificate: a.client_certificate.clone(),
                    client_certificate_data: a.client_certificate_data.clone(),
                    client_key: a.client_key.clone(),
                    client_key_data: a.client_key_data.clone(),
                    token: a.token.clone(),
                    token_file: a.token_file.clone(),
                    impersonate: a.impersonate.clone(),
                    impersonate_uid: a.impersonate_uid.clone(),
                    impersonate_groups: a.impersonate_groups.clone(),
                    impersonate_user_extra: a.impersonate_user_extra.clone(),
                    username: a.username.clone(),
                    password: a.password.clone(),
                    auth_provider: a.auth_provider.clone(),
                    exec: a.exec.as_ref().map(|e| V1ExecConfig {
                        command: e.command.clone(),
                        args: e.args.clone(),
                        env: e.env.clone(),
                        api_version: e.api_version.clone(),
                        install_hint: e.install_hint.clone(),
                        provide_cluster_info: e.provide_cluster_info,
                        interactive_mode: e.interactive_mode.clone(),
                    }),
                    extensions: v1_ext(&a.extensions),
                },
            })
            .collect();
        let contexts = self
            .contexts
            .iter()
            .map(|(name, c)| V1NamedContext {
                name: name.clone(),
                context: V1Context {
                    cluster: c.cluster.clone(),
                    user: c.auth_info.clone(),
                    namespace: c.namespace.clone(),
                    extensions: v1_ext(&c.extensions),
                },
            })
            .collect();
        V1Config {
            kind: "Config",
            api_version: "v1",
            preferences: V1Preferences { colors: self.preferences.colors, extensions: v1_ext(&self.preferences.extensions) },
            clusters: non_empty(clusters),
            users: non_empty(users),
            contexts: non_empty(contexts),
            current_context: self.current_context.clone(),
            extensions: v1_ext(&self.extensions),
        }
    }

    /// The JSON value of the v1 form (what kubectl turns into YAML).
    pub fn to_v1_value(&self) -> Value {
        serde_json::to_value(self.to_v1()).expect("kubeconfig serializes")
    }

    /// The YAML bytes kubectl writes for this config (sorted keys).
    pub fn to_yaml(&self) -> String {
        crate::printers::yaml::to_string(&self.to_v1_value())
    }
}

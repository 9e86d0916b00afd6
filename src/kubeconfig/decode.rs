//! JSON value → [`Config`], reproducing the errors of client-go's decoder
//! (`encoding/json` type errors, base64 errors, duplicate names in lists).

use std::collections::BTreeMap;

use serde_json::Value;

use super::gofmt::{b64_decode, json_compact, v_bytes, v_map_strs, v_strs};
use super::types::*;

const GVK_STRUCT: &str = "struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }";

/// Decode a whole kubeconfig document (already converted from YAML to JSON).
pub fn decode(v: &Value) -> Result<Config, String> {
    // The serializer first sniffs apiVersion/kind.
    let (mut api_version, mut kind) = (String::new(), String::new());
    match v {
        Value::Null => {}
        Value::Object(m) => {
            for (key, slot) in [("apiVersion", &mut api_version), ("kind", &mut kind)] {
                match m.get(key) {
                    None | Some(Value::Null) => {}
                    Some(Value::String(s)) => *slot = s.clone(),
                    Some(other) => {
                        return Err(format!(
                            "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go struct field .{key} of type string",
                            kind_of(other)
                        ))
                    }
                }
            }
        }
        other => {
            return Err(format!(
                "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type {GVK_STRUCT}",
                kind_of(other)
            ))
        }
    }
    if kind.is_empty() {
        kind = "Config".into();
    }
    if api_version.is_empty() {
        api_version = "v1".into();
    }
    if kind != "Config" || api_version != "v1" {
        return Err(format!(
            "no kind \"{kind}\" is registered for version \"{api_version}\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\""
        ));
    }
    let mut d = Dec { err: None };
    let raw = d.config(v);
    if let Some(e) = d.err {
        return Err(e);
    }
    convert(raw)
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A named list entry: name, value, and its extensions still as a list.
type Named<T> = (String, T, Vec<(String, Value)>);

/// The v1 lists before conversion to maps (duplicates still present).
#[derive(Default)]
struct RawConfig {
    preferences: (bool, Vec<(String, Value)>),
    clusters: Vec<Named<Cluster>>,
    users: Vec<Named<AuthInfo>>,
    contexts: Vec<Named<Context>>,
    current_context: String,
    extensions: Vec<(String, Value)>,
}

struct Dec {
    err: Option<String>,
}

impl Dec {
    fn fail(&mut self, got: &Value, st: &str, path: &str, ty: &str) {
        if self.err.is_none() {
            self.err = Some(format!("json: cannot unmarshal {} into Go struct field {st}.{path} of type {ty}", kind_of(got)));
        }
    }

    /// Iterate an object's fields in the order Go sees them (sorted keys).
    fn fields<'v>(&mut self, v: &'v Value, st: &str, path: &str, ty: &str) -> Vec<(&'v str, &'v Value)> {
        match v {
            Value::Object(m) => m.iter().map(|(k, v)| (k.as_str(), v)).filter(|(_, v)| !v.is_null()).collect(),
            Value::Null => Vec::new(),
            other => {
                self.fail(other, st, path, ty);
                Vec::new()
            }
        }
    }

    fn string(&mut self, v: &Value, st: &str, path: &str, ty: &str) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => {
                self.fail(other, st, path, ty);
                String::new()
            }
        }
    }

    fn boolean(&mut self, v: &Value, st: &str, path: &str) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Null => false,
            other => {
                self.fail(other, st, path, "bool");
                false
            }
        }
    }

    fn bytes(&mut self, v: &Value, st: &str, path: &str) -> Vec<u8> {
        match v {
            Value::String(s) => match b64_decode(s) {
                Ok(b) => b,
                Err(e) => {
                    if self.err.is_none() {
                        self.err = Some(e);
                    }
                    Vec::new()
                }
            },
            Value::Null => Vec::new(),
            Value::Array(items) => items.iter().filter_map(|x| x.as_u64()).map(|x| x as u8).collect(),
            other => {
                self.fail(other, st, path, "[]uint8");
                Vec::new()
            }
        }
    }

    fn list<'v>(&mut self, v: &'v Value, st: &str, path: &str, ty: &str) -> Option<Vec<&'v Value>> {
        match v {
            Value::Array(items) => Some(items.iter().collect()),
            Value::Null => None,
            other => {
                self.fail(other, st, path, &format!("[]{ty}"));
                None
            }
        }
    }

    fn strings(&mut self, v: &Value, st: &str, path: &str) -> Option<Vec<String>> {
        let items = self.list(v, st, path, "string")?;
        Some(items.into_iter().map(|x| self.string(x, st, path, "string")).collect())
    }

    fn extensions(&mut self, v: &Value, st: &str, path: &str) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for item in self.list(v, st, path, "v1.NamedExtension").unwrap_or_default() {
            let mut name = String::new();
            let mut ext = Value::Null;
            for (k, x) in self.fields(item, st, path, "v1.NamedExtension") {
                match k {
                    "name" => name = self.string(x, "NamedExtension", &format!("{path}.name"), "string"),
                    "extension" => ext = x.clone(),
                    _ => {}
                }
            }
            out.push((name, ext));
        }
        out
    }

    fn config(&mut self, v: &Value) -> RawConfig {
        let mut c = RawConfig::default();
        for (k, x) in self.fields(v, "Config", "", "v1.Config") {
            match k {
                "preferences" => {
                    for (pk, px) in self.fields(x, "Config", "preferences", "v1.Preferences") {
                        match pk {
                            "colors" => c.preferences.0 = self.boolean(px, "Preferences", "preferences.colors"),
                            "extensions" => {
                                c.preferences.1 = self.extensions(px, "Preferences", "preferences.extensions")
                            }
                            _ => {}
                        }
                    }
                }
                "clusters" => {
                    for item in self.list(x, "Config", "clusters", "v1.NamedCluster").unwrap_or_default() {
                        c.clusters.push(self.named_cluster(item));
                    }
                }
                "users" => {
                    for item in self.list(x, "Config", "users", "v1.NamedAuthInfo").unwrap_or_default() {
                        c.users.push(self.named_user(item));
                    }
                }
                "contexts" => {
                    for item in self.list(x, "Config", "contexts", "v1.NamedContext").unwrap_or_default() {
                        c.contexts.push(self.named_context(item));
                    }
                }
                "current-context" => c.current_context = self.string(x, "Config", "current-context", "string"),
                "extensions" => c.extensions = self.extensions(x, "Config", "extensions"),
                "kind" | "apiVersion" => {}
                _ => {}
            }
        }
        c
    }

    fn named_cluster(&mut self, v: &Value) -> Named<Cluster> {
        let (mut name, mut c, mut ext) = (String::new(), Cluster::default(), Vec::new());
        for (k, x) in self.fields(v, "Config", "clusters", "v1.NamedCluster") {
            match k {
                "name" => name = self.string(x, "NamedCluster", "clusters.name", "string"),
                "cluster" => {
                    for (ck, cx) in self.fields(x, "NamedCluster", "clusters.cluster", "v1.Cluster") {
                        let p = format!("clusters.cluster.{ck}");
                        match ck {
                            "server" => c.server = self.string(cx, "Cluster", &p, "string"),
                            "tls-server-name" => c.tls_server_name = self.string(cx, "Cluster", &p, "string"),
                            "insecure-skip-tls-verify" => c.insecure_skip_tls_verify = self.boolean(cx, "Cluster", &p),
                            "certificate-authority" => c.certificate_authority = self.string(cx, "Cluster", &p, "string"),
                            "certificate-authority-data" => c.certificate_authority_data = self.bytes(cx, "Cluster", &p),
                            "proxy-url" => c.proxy_url = self.string(cx, "Cluster", &p, "string"),
                            "disable-compression" => c.disable_compression = self.boolean(cx, "Cluster", &p),
                            "extensions" => ext = self.extensions(cx, "Cluster", &p),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        (name, c, ext)
    }

    fn named_user(&mut self, v: &Value) -> Named<AuthInfo> {
        let (mut name, mut a, mut ext) = (String::new(), AuthInfo::default(), Vec::new());
        for (k, x) in self.fields(v, "Config", "users", "v1.NamedAuthInfo") {
            match k {
                "name" => name = self.string(x, "NamedAuthInfo", "users.name", "string"),
                "user" => {
                    for (uk, ux) in self.fields(x, "NamedAuthInfo", "users.user", "v1.AuthInfo") {
                        let p = format!("users.user.{uk}");
                        let st = "AuthInfo";
                        match uk {
                            "client-certificate" => a.client_certificate = self.string(ux, st, &p, "string"),
                            "client-certificate-data" => a.client_certificate_data = self.bytes(ux, st, &p),
                            "client-key" => a.client_key = self.string(ux, st, &p, "string"),
                            "client-key-data" => a.client_key_data = self.bytes(ux, st, &p),
                            "token" => a.token = self.string(ux, st, &p, "string"),
                            "tokenFile" => a.token_file = self.string(ux, st, &p, "string"),
                            "as" => a.impersonate = self.string(ux, st, &p, "string"),
                            "as-uid" => a.impersonate_uid = self.string(ux, st, &p, "string"),
                            "as-groups" => a.impersonate_groups = self.strings(ux, st, &p).unwrap_or_default(),
                            "as-user-extra" => {
                                let mut m = BTreeMap::new();
                                match ux {
                                    Value::Object(obj) => {
                                        for (ek, ev) in obj {
                                            let vals = self.strings(ev, st, &p).unwrap_or_default();
                                            m.insert(ek.clone(), vals);
                                        }
                                    }
                                    other => self.fail(other, st, &p, "map[string][]string"),
                                }
                                a.impersonate_user_extra = m;
                            }
                            "username" => a.username = self.string(ux, st, &p, "string"),
                            "password" => a.password = self.string(ux, st, &p, "string"),
                            "auth-provider" => {
                                let mut ap = AuthProviderConfig::default();
                                for (ak, ax) in self.fields(ux, st, &p, "v1.AuthProviderConfig") {
                                    let ap_path = format!("{p}.{ak}");
                                    match ak {
                                        "name" => ap.name = self.string(ax, "AuthProviderConfig", &ap_path, "string"),
                                        "config" => {
                                            let mut m = BTreeMap::new();
                                            match ax {
                                                Value::Object(obj) => {
                                                    for (ck, cv) in obj {
                                                        let s = self.string(cv, "AuthProviderConfig", &ap_path, "string");
                                                        m.insert(ck.clone(), s);
                                                    }
                                                }
                                                other => self.fail(other, "AuthProviderConfig", &ap_path, "map[string]string"),
                                            }
                                            ap.config = Some(m);
                                        }
                                        _ => {}
                                    }
                                }
                                a.auth_provider = Some(ap);
                            }
                            "exec" => a.exec = Some(self.exec(ux, &p)),
                            "extensions" => ext = self.extensions(ux, st, &p),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        (name, a, ext)
    }

    fn exec(&mut self, v: &Value, p: &str) -> ExecConfigEntry {
        let mut e = ExecConfigEntry::default();
        let st = "ExecConfig";
        for (k, x) in self.fields(v, "AuthInfo", p, "v1.ExecConfig") {
            let path = format!("{p}.{k}");
            match k {
                "command" => e.command = self.string(x, st, &path, "string"),
                "args" => e.args = self.strings(x, st, &path),
                "env" => {
                    if let Some(items) = self.list(x, st, &path, "v1.ExecEnvVar") {
                        let mut env = Vec::new();
                        for item in items {
                            let mut var = ExecEnvVar::default();
                            for (ek, ex) in self.fields(item, st, &path, "v1.ExecEnvVar") {
                                let ep = format!("{path}.{ek}");
                                match ek {
                                    "name" => var.name = self.string(ex, "ExecEnvVar", &ep, "string"),
                                    "value" => var.value = self.string(ex, "ExecEnvVar", &ep, "string"),
                                    _ => {}
                                }
                            }
                            env.push(var);
                        }
                        e.env = Some(env);
                    }
                }
                "apiVersion" => e.api_version = self.string(x, st, &path, "string"),
                "installHint" => e.install_hint = self.string(x, st, &path, "string"),
                "provideClusterInfo" => e.provide_cluster_info = self.boolean(x, st, &path),
                "interactiveMode" => e.interactive_mode = self.string(x, st, &path, "v1.ExecInteractiveMode"),
                _ => {}
            }
        }
        // v1 defaulting: older plugin API versions default to IfAvailable.
        if e.interactive_mode.is_empty()
            && matches!(e.api_version.as_str(), "client.authentication.k8s.io/v1beta1" | "client.authentication.k8s.io/v1alpha1")
        {
            e.interactive_mode = "IfAvailable".into();
        }
        e
    }

    fn named_context(&mut self, v: &Value) -> Named<Context> {
        let (mut name, mut c, mut ext) = (String::new(), Context::default(), Vec::new());
        for (k, x) in self.fields(v, "Config", "contexts", "v1.NamedContext") {
            match k {
                "name" => name = self.string(x, "NamedContext", "contexts.name", "string"),
                "context" => {
                    for (ck, cx) in self.fields(x, "NamedContext", "contexts.context", "v1.Context") {
                        let p = format!("contexts.context.{ck}");
                        match ck {
                            "cluster" => c.cluster = self.string(cx, "Context", &p, "string"),
                            "user" => c.auth_info = self.string(cx, "Context", &p, "string"),
                            "namespace" => c.namespace = self.string(cx, "Context", &p, "string"),
                            "extensions" => ext = self.extensions(cx, "Context", &p),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        (name, c, ext)
    }
}

// --- conversion v1 lists → maps -------------------------------------------

fn v_ext(list: &[(String, Value)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|(n, v)| {
            let raw = if v.is_null() { "[]".to_string() } else { v_bytes(json_compact(v).as_bytes()) };
            format!("{{{n} {{{raw} <nil>}}}}")
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

fn ext_map(list: Vec<(String, Value)>) -> Result<Extensions, String> {
    let mut m = Extensions::new();
    let shown = v_ext(&list);
    for (name, v) in list {
        if m.contains_key(&name) {
            return Err(format!(
                "error converting *[]NamedExtension into *map[string]runtime.Object: duplicate name \"{name}\" in list: {shown}"
            ));
        }
        m.insert(name, v);
    }
    Ok(m)
}

fn v_cluster(c: &Cluster, ext: &[(String, Value)]) -> String {
    format!(
        "{{{} {} {} {} {} {} {} {}}}",
        c.server,
        c.tls_server_name,
        c.insecure_skip_tls_verify,
        c.certificate_authority,
        v_bytes(&c.certificate_authority_data),
        c.proxy_url,
        c.disable_compression,
        v_ext(ext)
    )
}

fn v_user(a: &AuthInfo, ext: &[(String, Value)]) -> String {
    let ptr = |some: bool| if some { "0xc000000000".to_string() } else { "<nil>".to_string() };
    format!(
        "{{{} {} {} {} {} {} {} {} {} {} {} {} {} {} {}}}",
        a.client_certificate,
        v_bytes(&a.client_certificate_data),
        a.client_key,
        v_bytes(&a.client_key_data),
        a.token,
        a.token_file,
        a.impersonate,
        a.impersonate_uid,
        v_strs(&a.impersonate_groups),
        v_map_strs(&a.impersonate_user_extra),
        a.username,
        a.password,
        ptr(a.auth_provider.is_some()),
        ptr(a.exec.is_some()),
        v_ext(ext)
    )
}

fn v_context(c: &Context, ext: &[(String, Value)]) -> String {
    format!("{{{} {} {} {}}}", c.cluster, c.auth_info, c.namespace, v_ext(ext))
}

fn convert(raw: RawConfig) -> Result<Config, String> {
    let mut cfg = Config {
        preferences: Preferences { colors: raw.preferences.0, extensions: ext_map(raw.preferences.1)? },
        ..Default::default()
    };
    let shown = |items: Vec<String>| format!("[{}]", items.join(" "));
    let list = shown(raw.clusters.iter().map(|(n, c, e)| format!("{{{n} {}}}", v_cluster(c, e))).collect());
    for (name, mut c, ext) in raw.clusters {
        c.extensions = ext_map(ext)?;
        if cfg.clusters.contains_key(&name) {
            return Err(format!(
                "error converting *[]NamedCluster into *map[string]*api.Cluster: duplicate name \"{name}\" in list: {list}"
            ));
        }
        cfg.clusters.insert(name, c);
    }
    let list = shown(raw.users.iter().map(|(n, a, e)| format!("{{{n} {}}}", v_user(a, e))).collect());
    for (name, mut a, ext) in raw.users {
        a.extensions = ext_map(ext)?;
        if cfg.auth_infos.contains_key(&name) {
            return Err(format!(
                "error converting *[]NamedAuthInfo into *map[string]*api.AuthInfo: duplicate name \"{name}\" in list: {list}"
            ));
        }
        cfg.auth_infos.insert(name, a);
    }
    let list = shown(raw.contexts.iter().map(|(n, c, e)| format!("{{{n} {}}}", v_context(c, e))).collect());
    for (name, mut c, ext) in raw.contexts {
        c.extensions = ext_map(ext)?;
        if cfg.contexts.contains_key(&name) {
            return Err(format!(
                "error converting *[]NamedContext into *map[string]*api.Context: duplicate name \"{name}\" in list: {list}"
            ));
        }
        cfg.contexts.insert(name, c);
    }
    cfg.current_context = raw.current_context;
    cfg.extensions = ext_map(raw.extensions)?;
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubeconfig::yaml::to_json;

    fn load(s: &str) -> Result<Config, String> {
        decode(&to_json(s)?)
    }

    #[test]
    fn type_errors_match_go() {
        assert_eq!(
            load("current-context: [a]\n").unwrap_err(),
            "json: cannot unmarshal array into Go struct field Config.current-context of type string"
        );
        assert_eq!(
            load("clusters:\n- name: x\n  cluster:\n    server: 0x10\n    insecure-skip-tls-verify: \"true\"\n").unwrap_err(),
            "json: cannot unmarshal string into Go struct field Cluster.clusters.cluster.insecure-skip-tls-verify of type bool"
        );
        assert_eq!(
            load("clusters: 5\n").unwrap_err(),
            "json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster"
        );
        assert_eq!(
            load("users:\n- name: x\n  user: {exec: {env: [5]}}\n").unwrap_err(),
            "json: cannot unmarshal number into Go struct field ExecConfig.users.user.exec.env of type v1.ExecEnvVar"
        );
        assert_eq!(load("kind: Foo\n").unwrap_err(), "no kind \"Foo\" is registered for version \"v1\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\"");
    }

    #[test]
    fn duplicates_match_go() {
        let e = load("clusters:\n- name: x\n  cluster: {server: a, certificate-authority-data: aGk=, extensions: [{name: e, extension: {a: 1}}]}\n- name: x\n  cluster: {server: b}\n").unwrap_err();
        assert_eq!(e, "error converting *[]NamedCluster into *map[string]*api.Cluster: duplicate name \"x\" in list: [{x {a  false  [104 105]  false [{e {[123 34 97 34 58 49 125] <nil>}}]}} {x {b  false  []  false []}}]");
        let e = load("users:\n- name: x\n  user: {token: a}\n- name: x\n  user: {token: b}\n").unwrap_err();
        assert_eq!(e, "error converting *[]NamedAuthInfo into *map[string]*api.AuthInfo: duplicate name \"x\" in list: [{x { []  [] a    [] map[]   <nil> <nil> []}} {x { []  [] b    [] map[]   <nil> <nil> []}}]");
    }

    #[test]
    fn exec_defaults() {
        let c = load("users:\n- name: u\n  user:\n    exec: {command: x, apiVersion: client.authentication.k8s.io/v1beta1}\n").unwrap();
        assert_eq!(c.auth_infos["u"].exec.as_ref().unwrap().interactive_mode, "IfAvailable");
    }
}

//! The kustomization file: found, read and checked field by field.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Fields kctl builds.
const SUPPORTED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "resources",
    "bases",
    "namespace",
    "namePrefix",
    "nameSuffix",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "images",
    "replicas",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "components",
];

/// Fields kustomize knows that kctl does not build: refused by name.
const NOT_SUPPORTED: &[&str] = &[
    "openapi",
    "replacements",
    "vars",
    "sortOptions",
    "crds",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
    "imageTags",
];

pub struct Kustomization {
    pub dir: PathBuf,
    pub fields: Map<String, Value>,
}

/// Find and parse the kustomization of `dir`.
pub fn read(dir: &Path) -> Result<Kustomization, String> {
    let file = FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()).ok_or_else(|| {
        format!("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'", dir.display())
    })?;
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let value = crate::yaml::to_json(&text).map_err(|e| format!("invalid Kustomization: {e}"))?;
    let fields = match value {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        _ => return Err("invalid Kustomization: json: cannot unmarshal array into Go value of type types.Kustomization".into()),
    };
    for key in fields.keys() {
        if NOT_SUPPORTED.contains(&key.as_str()) {
            return Err(format!("{}: the kustomization field '{key}' is not supported by kctl", file.display()));
        }
        if !SUPPORTED.contains(&key.as_str()) {
            return Err(format!("invalid Kustomization: json: unknown field \"{key}\""));
        }
    }
    if fields.keys().all(|k| k == "apiVersion" || k == "kind") {
        return Err(format!("{} is empty", file.file_name().unwrap_or_default().to_string_lossy()));
    }
    Ok(Kustomization { dir: dir.to_path_buf(), fields })
}

impl Kustomization {
    pub fn is_component(&self) -> bool {
        self.fields.get("kind").and_then(Value::as_str) == Some("Component")
    }

    pub fn str(&self, key: &str) -> Result<Option<&str>, String> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(type_error(key, other, "string")),
        }
    }

    pub fn list(&self, key: &str) -> Result<Vec<Value>, String> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(other) => Err(type_error(key, other, "slice")),
        }
    }

    /// A map of strings (labels, annotations).
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, String> {
        string_map(self.fields.get(key).unwrap_or(&Value::Null), &format!("Kustomization.{key}"))
    }
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

fn type_error(key: &str, v: &Value, want: &str) -> String {
    format!("invalid Kustomization: json: cannot unmarshal {} into Go struct field Kustomization.{key} of type {want}", go_type(v))
}

/// `map[string]string` as kustomize decodes it: values must be strings.
pub fn string_map(v: &Value, field: &str) -> Result<Vec<(String, String)>, String> {
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!("invalid Kustomization: json: cannot unmarshal {} into Go struct field {field} of type string", go_type(other))),
            })
            .collect(),
        other => Err(format!("invalid Kustomization: json: cannot unmarshal {} into Go struct field {field} of type map[string]string", go_type(other))),
    }
}

//! `kctl kustomize DIR` and `-k DIR`: the kustomization subset people use
//! every day, built as kubectl 1.32's embedded kustomize (v5.5) builds it.
//!
//! Supported: `resources` (files and directories, nested), `bases`,
//! `namespace`, `namePrefix`, `nameSuffix`, `commonLabels`, `labels`,
//! `commonAnnotations`, `images`, `replicas`, `patches`,
//! `patchesStrategicMerge`, `patchesJson6902`, `configMapGenerator`,
//! `secretGenerator` (with `behavior`), `generatorOptions` and `components`;
//! generated names get kustomize's
//! content hash and references to renamed objects are updated. Any other
//! field is refused with a clear error rather than ignored.
//!
//! The pipeline (each kustomization: resources, generators, then the
//! transformers in kustomize's order; at the top, hashes and name references)
//! is pure over JSON values; only `load` reads files.

mod generate;
mod kustomization;
mod load;
mod nameref;
mod order;
mod patches;
mod transform;

use std::path::Path;

use serde_json::Value;

/// One object of the build, with what kustomize tracks beside it.
#[derive(Debug, Clone)]
pub struct Res {
    pub obj: Value,
    pub orig_namespace: String,
    /// Every name it had before the current one (kustomize matches
    /// replicas, patches and references against any of them).
    pub previous_names: Vec<String>,
    /// Generated and not opted out of the content hash suffix.
    pub needs_hash: bool,
}

impl Res {
    pub fn new(obj: Value) -> Res {
        let orig_namespace = obj["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        Res { obj, orig_namespace, previous_names: Vec::new(), needs_hash: false }
    }

    /// Whether `name` is its current or any earlier name.
    pub fn known_as(&self, name: &str) -> bool {
        self.name() == name || self.previous_names.iter().any(|n| n == name)
    }

    pub fn rename(&mut self, name: String) {
        let old = self.name().to_string();
        if old != name {
            self.previous_names.push(old);
            self.obj["metadata"]["name"] = serde_json::json!(name);
        }
    }

    pub fn kind(&self) -> &str {
        self.obj["kind"].as_str().unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.obj["metadata"]["name"].as_str().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.obj["metadata"]["namespace"].as_str().unwrap_or("")
    }

    /// (group, version) of apiVersion.
    pub fn group_version(&self) -> (String, String) {
        let av = self.obj["apiVersion"].as_str().unwrap_or("");
        match av.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), av.to_string()),
        }
    }
}

/// Build the kustomization in `dir`: the objects in output order.
/// kustomize's warnings (deprecated fields) are collected in `warnings`, for
/// stderr, whether or not the build succeeds.
pub fn build(dir: &Path, warnings: &mut Vec<String>) -> Result<Vec<Value>, String> {
    let mut resources = load::accumulate(dir, warnings, 0)?;
    generate::add_hashes(&mut resources)?;
    nameref::fix(&mut resources);
    order::legacy_sort(&mut resources);
    Ok(resources.into_iter().map(|r| r.obj).collect())
}

/// The build as `kubectl kustomize` prints it: YAML documents separated by `---`.
pub fn render(objects: &[Value]) -> String {
    objects.iter().map(crate::printers::yaml::to_string).collect::<Vec<_>>().join("---\n")
}

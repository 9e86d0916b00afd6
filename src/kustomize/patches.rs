//! `patches`, `patchesStrategicMerge` and `patchesJson6902`: strategic merge
//! patches (matched by kind and name, or by a target) and JSON 6902 patches
//! (by a target), from files or inline.

use serde_json::Value;

use super::kustomization::Kustomization;
use super::Res;

/// A patch's text: a file below the kustomization, or inline YAML.
fn patch_text(k: &Kustomization, path: Option<&str>, inline: Option<&str>) -> Result<String, String> {
    if let Some(p) = path.filter(|p| !p.is_empty()) {
        let full = super::load::within(&k.dir, &k.dir.join(p))?;
        return std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()));
    }
    inline.map(String::from).ok_or_else(|| "a patch needs a path or an inline patch".into())
}

/// `patchesStrategicMerge`: each entry a file or an inline patch; every
/// document names its target by kind and name.
pub fn strategic_merge_files(k: &Kustomization, out: &mut Vec<Res>) -> Result<(), String> {
    for entry in k.list("patchesStrategicMerge")? {
        let s = entry.as_str().unwrap_or("");
        let text = if !s.contains('\n') && k.dir.join(s).is_file() { patch_text(k, Some(s), None)? } else { s.to_string() };
        for doc in super::load::parse_objects(&text)? {
            strategic(out, &doc, None)?;
        }
    }
    Ok(())
}

/// `patches`: strategic merge or JSON 6902 (a list of operations), for the
/// target's matches or, without a target, the object the patch names.
pub fn patches(k: &Kustomization, out: &mut Vec<Res>) -> Result<(), String> {
    for entry in k.list("patches")? {
        let text = patch_text(k, entry["path"].as_str(), entry["patch"].as_str())?;
        let target = entry.get("target").filter(|t| t.is_object());
        let parsed = crate::yaml::to_json_v3_bools(&text).map_err(|e| format!("unable to parse patch: {e}"))?;
        if parsed.is_array() {
            let target = target.ok_or("missing target for a JSON 6902 patch")?;
            json(out, target, &parsed)?;
        } else {
            for doc in super::load::parse_objects(&text)? {
                strategic(out, &doc, target)?;
            }
        }
    }
    Ok(())
}

pub fn json6902(k: &Kustomization, out: &mut [Res]) -> Result<(), String> {
    for entry in k.list("patchesJson6902")? {
        let text = patch_text(k, entry["path"].as_str(), entry["patch"].as_str())?;
        let ops = crate::yaml::to_json_v3_bools(&text).map_err(|e| format!("unable to parse patch: {e}"))?;
        let target = entry.get("target").filter(|t| t.is_object()).ok_or("missing target for a JSON 6902 patch")?;
        json(out, target, &ops)?;
    }
    Ok(())
}

fn json(out: &mut [Res], target: &Value, ops: &Value) -> Result<(), String> {
    for r in out.iter_mut().filter(|r| selected(r, target)) {
        r.obj = crate::patch::apply_json_patch(&r.obj, ops).map_err(|e| format!("unable to apply JSON patch to {}/{}: {e}", r.kind(), r.name()))?;
    }
    Ok(())
}

fn strategic(out: &mut Vec<Res>, patch: &Value, target: Option<&Value>) -> Result<(), String> {
    let matches: Vec<usize> = match target {
        Some(t) => out.iter().enumerate().filter(|(_, r)| selected(r, t)).map(|(i, _)| i).collect(),
        None => {
            let (kind, name) = (patch["kind"].as_str().unwrap_or(""), patch["metadata"]["name"].as_str().unwrap_or(""));
            let ns = patch["metadata"]["namespace"].as_str();
            let found: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind() == kind && r.known_as(name) && ns.is_none_or(|n| r.namespace() == n || r.orig_namespace == n))
                .map(|(i, _)| i)
                .collect();
            if found.is_empty() {
                return Err(format!("no resource matches strategic merge patch \"{kind}.{name}\""));
            }
            found
        }
    };
    let delete = patch["$patch"] == "delete" || patch["$patch"] == "Delete";
    let mut removed = Vec::new();
    for i in matches {
        if delete {
            removed.push(i);
            continue;
        }
        let r = &mut out[i];
        let mut p = patch.clone();
        if target.is_some() {
            // A targeted patch's own name and kind do not rename its targets.
            if let Some(m) = p["metadata"].as_object_mut() {
                m.remove("name");
                m.remove("namespace");
            }
            if let Some(m) = p.as_object_mut() {
                m.remove("kind");
                m.remove("apiVersion");
            }
        }
        let schema = crate::patch::BuiltinSchema::for_kind(r.kind());
        let (name, namespace) = (r.obj["metadata"]["name"].clone(), r.obj["metadata"]["namespace"].clone());
        r.obj = crate::patch::apply_strategic(&r.obj, &p, &schema).map_err(|e| format!("unable to apply strategic merge patch to {}/{}: {e}", r.kind(), r.name()))?;
        // A patch naming its target by an earlier name does not rename it.
        if let Some(m) = r.obj["metadata"].as_object_mut() {
            for (key, value) in [("name", name), ("namespace", namespace)] {
                match value {
                    Value::Null => m.remove(key),
                    v => m.insert(key.to_string(), v),
                };
            }
        }
    }
    for i in removed.into_iter().rev() {
        out.remove(i);
    }
    Ok(())
}

/// A patch target: group, version, kind, name (a regular expression
/// matched whole), namespace, label and annotation selectors.
fn selected(r: &Res, t: &Value) -> bool {
    let (group, version) = r.group_version();
    let field = |k: &str| t[k].as_str().filter(|s| !s.is_empty());
    let regex_match = |pattern: &str, value: &str| regex::Regex::new(&format!("^(?:{pattern})$")).map(|re| re.is_match(value)).unwrap_or(pattern == value);
    if field("group").is_some_and(|g| g != group) || field("version").is_some_and(|v| v != version) {
        return false;
    }
    if field("kind").is_some_and(|k| !regex_match(k, r.kind())) {
        return false;
    }
    if field("name").is_some_and(|n| !regex_match(n, r.name()) && !r.previous_names.iter().any(|p| regex_match(n, p))) {
        return false;
    }
    let or_default = |ns: &str| if ns.is_empty() { "default".to_string() } else { ns.to_string() };
    if field("namespace").is_some_and(|n| !regex_match(n, &or_default(r.namespace())) && !regex_match(n, &or_default(&r.orig_namespace))) {
        return false;
    }
    for (key, meta) in [("labelSelector", "labels"), ("annotationSelector", "annotations")] {
        if let Some(sel) = field(key) {
            // The selector reads `metadata.labels`: give it the map asked for.
            let view = serde_json::json!({"metadata": {"labels": r.obj["metadata"][meta]}});
            match crate::selector::Selector::parse(sel) {
                Ok(s) if s.matches(&view) => {}
                _ => return false,
            }
        }
    }
    true
}

//! Which files are read and how they merge (client-go's `ClientConfigLoadingRules`).

use std::path::{Component, Path, PathBuf};

use super::types::{AuthInfo, Cluster, Config};
use super::{decode, yaml};

/// Read and decode one kubeconfig file; every entry remembers `path` as its origin.
/// `Ok(None)` when the file does not exist.
pub fn load_file(path: &Path) -> Result<Option<Config>, String> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", path, &e)),
    };
    let mut cfg = parse(&data)?;
    let origin = path.to_string_lossy().into_owned();
    for c in cfg.clusters.values_mut() {
        c.location_of_origin = origin.clone();
    }
    for a in cfg.auth_infos.values_mut() {
        a.location_of_origin = origin.clone();
    }
    for c in cfg.contexts.values_mut() {
        c.location_of_origin = origin.clone();
    }
    Ok(Some(cfg))
}

/// Decode kubeconfig bytes (YAML or JSON). Empty input is an empty config.
pub fn parse(data: &[u8]) -> Result<Config, String> {
    if data.is_empty() {
        return Ok(Config::default());
    }
    let text = String::from_utf8_lossy(data);
    let value = yaml::to_json(&text)?;
    decode::decode(&value)
}

/// Go's `*PathError` text: `open /x: no such file or directory`.
pub fn io_error(op: &str, path: &Path, e: &std::io::Error) -> String {
    let msg = match e.raw_os_error() {
        Some(code) => os_error_text(code),
        None => e.to_string(),
    };
    let op = if e.raw_os_error() == Some(libc::EISDIR) { "read" } else { op };
    format!("{op} {}: {msg}", path.display())
}

/// strerror text the way Go spells it (lower case, no "(os error N)").
pub fn os_error_text(code: i32) -> String {
    let s = std::io::Error::from_raw_os_error(code).to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

/// Merge files in precedence order: the first file to define a name wins the whole
/// entry; `current-context` and preferences come from the first file that sets them.
pub fn merge(configs: Vec<Config>) -> Config {
    let mut out = Config::default();
    for cfg in configs {
        if out.current_context.is_empty() {
            out.current_context = cfg.current_context;
        }
        if !out.preferences.colors {
            out.preferences.colors = cfg.preferences.colors;
        }
        for (k, v) in cfg.preferences.extensions {
            out.preferences.extensions.entry(k).or_insert(v);
        }
        for (k, v) in cfg.clusters {
            out.clusters.entry(k).or_insert(v);
        }
        for (k, v) in cfg.auth_infos {
            out.auth_infos.entry(k).or_insert(v);
        }
        for (k, v) in cfg.contexts {
            out.contexts.entry(k).or_insert(v);
        }
        for (k, v) in cfg.extensions {
            out.extensions.entry(k).or_insert(v);
        }
    }
    out
}

/// Lexically clean a path like Go's `filepath.Clean`.
pub fn clean(p: &Path) -> PathBuf {
    let abs = p.is_absolute();
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                if parts.last().is_some_and(|l| l != "..") {
                    parts.pop();
                } else if !abs {
                    parts.push("..".into());
                }
            }
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if abs {
        PathBuf::from(format!("/{joined}"))
    } else if joined.is_empty() {
        PathBuf::from(".")
    } else {
        PathBuf::from(joined)
    }
}

/// `filepath.Abs(filepath.Dir(file))`.
pub fn base_dir(file: &str) -> PathBuf {
    let dir = Path::new(file).parent().map(Path::to_path_buf).unwrap_or_default();
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    abs(&dir)
}

pub fn abs(p: &Path) -> PathBuf {
    if p.is_absolute() {
        clean(p)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        clean(&cwd.join(p))
    }
}

/// `ResolvePaths`: relative references become `base/ref` (cleaned).
pub fn resolve_path(r: &mut String, base: &Path) {
    if !r.is_empty() && !Path::new(r.as_str()).is_absolute() {
        *r = clean(&base.join(r.as_str())).to_string_lossy().into_owned();
    }
}

/// `filepath.Rel(base, target)` for two cleaned absolute paths.
pub fn rel(base: &Path, target: &Path) -> String {
    let b: Vec<_> = base.components().collect();
    let t: Vec<_> = target.components().collect();
    let mut i = 0;
    while i < b.len() && i < t.len() && b[i] == t[i] {
        i += 1;
    }
    let mut parts: Vec<String> = Vec::new();
    for _ in i..b.len() {
        parts.push("..".into());
    }
    for c in &t[i..] {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `RelativizePathWithNoBacksteps` after resolving against `base`.
pub fn relativize(r: &mut String, base: &Path) {
    resolve_path(r, base);
    if r.is_empty() {
        return;
    }
    let rp = rel(base, Path::new(r.as_str()));
    if rp.starts_with("../") {
        return;
    }
    *r = rp;
}

pub fn auth_info_refs(a: &mut AuthInfo) -> Vec<&mut String> {
    let mut v = vec![&mut a.client_certificate, &mut a.client_key, &mut a.token_file];
    if let Some(e) = a.exec.as_mut() {
        if e.command.contains('/') {
            v.push(&mut e.command);
        }
    }
    v
}

pub fn cluster_refs(c: &mut Cluster) -> Vec<&mut String> {
    vec![&mut c.certificate_authority]
}

/// `ResolveLocalPaths`: make file references absolute, relative to the file that defined them.
pub fn resolve_local_paths(cfg: &mut Config) {
    for c in cfg.clusters.values_mut() {
        if c.location_of_origin.is_empty() {
            continue;
        }
        let base = base_dir(&c.location_of_origin);
        for r in cluster_refs(c) {
            resolve_path(r, &base);
        }
    }
    for a in cfg.auth_infos.values_mut() {
        if a.location_of_origin.is_empty() {
            continue;
        }
        let base = base_dir(&a.location_of_origin);
        for r in auth_info_refs(a) {
            resolve_path(r, &base);
        }
    }
}

/// client-go migrates `~/.kube/.kubeconfig` to `~/.kube/config` when only the old one exists.
pub fn migrate(home_file: &Path) {
    let Some(dir) = home_file.parent() else { return };
    let old = dir.join(".kubeconfig");
    match std::fs::metadata(home_file) {
        Ok(_) => return,
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return,
        Err(_) => {}
    }
    match std::fs::metadata(&old) {
        Ok(m) if m.is_file() => {
            if let Ok(data) = std::fs::read(&old) {
                let _ = std::fs::write(home_file, data);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(clean(Path::new("/a/b/../c/./d")), PathBuf::from("/a/c/d"));
        assert_eq!(clean(Path::new("a/../../b")), PathBuf::from("../b"));
        assert_eq!(rel(Path::new("/a/b"), Path::new("/a/b/c/d")), "c/d");
        assert_eq!(rel(Path::new("/a/b"), Path::new("/a/x")), "../x");
        let mut r = "/a/b/c.crt".to_string();
        relativize(&mut r, Path::new("/a/b"));
        assert_eq!(r, "c.crt");
        let mut r = "/x/c.crt".to_string();
        relativize(&mut r, Path::new("/a/b"));
        assert_eq!(r, "/x/c.crt");
        let mut r = "../c.crt".to_string();
        resolve_path(&mut r, Path::new("/a/b"));
        assert_eq!(r, "/a/c.crt");
    }

    #[test]
    fn merge_first_wins() {
        let a = parse(b"clusters:\n- name: s\n  cluster: {server: one}\ncontexts:\n- name: c1\n  context: {cluster: s}\n").unwrap();
        let b = parse(b"current-context: c2\nclusters:\n- name: s\n  cluster: {server: two}\n- name: t\n  cluster: {server: t}\ncontexts:\n- name: c1\n  context: {cluster: t}\n").unwrap();
        let m = merge(vec![a, b]);
        assert_eq!(m.clusters["s"].server, "one");
        assert_eq!(m.clusters["t"].server, "t");
        assert_eq!(m.contexts["c1"].cluster, "s");
        assert_eq!(m.current_context, "c2");
    }
}

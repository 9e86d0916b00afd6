//! Writing kubeconfig changes back (client-go's `ModifyConfig`): each changed entry
//! goes to the file it came from, new entries to the default file; files are
//! rewritten atomically under `<file>.lock` lock files.
//!
//! Unlike client-go, the starting config is re-read and the change re-applied
//! while the locks are held, so concurrent writers never lose each other's updates.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::load::{self, auth_info_refs, base_dir, cluster_refs, io_error};
use super::types::Config;
use super::{load_files, KubeconfigError, LoadingRules};

/// The files `kubectl config` reads and writes (client-go's `PathOptions`).
#[derive(Debug, Clone)]
pub struct ConfigAccess {
    pub rules: LoadingRules,
}

impl ConfigAccess {
    pub fn new(explicit: Option<PathBuf>) -> Self {
        ConfigAccess { rules: LoadingRules::from_env(explicit) }
    }

    pub fn is_explicit(&self) -> bool {
        self.rules.explicit.is_some()
    }

    pub fn explicit_file(&self) -> Option<&Path> {
        self.rules.explicit.as_deref()
    }

    pub fn precedence(&self) -> Vec<PathBuf> {
        self.rules.precedence()
    }

    pub fn default_filename(&self) -> PathBuf {
        self.rules.default_filename()
    }

    /// The merged config without path resolution; a missing file is an empty config.
    pub fn starting_config(&self) -> Result<Config, KubeconfigError> {
        load_files(&self.precedence(), false)
    }
}

/// Read one file for rewriting (`getConfigFromFile`): missing means empty.
fn config_from_file(path: &Path) -> Result<Config, KubeconfigError> {
    match load::load_file(path) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Ok(Config::default()),
        Err(e) => Err(KubeconfigError::msg(e)),
    }
}

/// Apply `change` to the starting config and persist the difference.
///
/// `change` runs once before locking (so its errors come first, as in kubectl) and
/// once more on a fresh read while the locks are held; the second result is returned.
pub fn modify_config<T, E>(
    access: &ConfigAccess,
    relativize: bool,
    mut change: impl FnMut(&mut Config) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<KubeconfigError>,
{
    let start = access.starting_config()?;
    let mut new = start.clone();
    change(&mut new)?;

    let _locks = LockSet::acquire(&access.precedence())?;
    let start = access.starting_config()?;
    let mut new = start.clone();
    let out = change(&mut new)?;
    write_changes(access, &start, &new, relativize)?;
    Ok(out)
}

fn dest_for(origin: &str, access: &ConfigAccess) -> PathBuf {
    if origin.is_empty() {
        access.default_filename()
    } else {
        PathBuf::from(origin)
    }
}

/// The body of client-go's `ModifyConfig` once the starting config is known.
pub fn write_changes(access: &ConfigAccess, start: &Config, new: &Config, relativize: bool) -> Result<(), KubeconfigError> {
    if start == new {
        return Ok(());
    }
    if start.current_context != new.current_context {
        write_current_context(access, start, &new.current_context)?;
    }
    if start.preferences != new.preferences {
        write_preferences(access, new)?;
    }
    for (key, cluster) in &new.clusters {
        if start.clusters.get(key) == Some(cluster) {
            continue;
        }
        let dest = dest_for(&cluster.location_of_origin, access);
        let mut cfg = config_from_file(&dest)?;
        let mut t = cluster.clone();
        t.location_of_origin = dest.to_string_lossy().into_owned();
        if relativize {
            let base = base_dir(&t.location_of_origin);
            for r in cluster_refs(&mut t) {
                load::relativize(r, &base);
            }
        }
        cfg.clusters.insert(key.clone(), t);
        write_to_file(&cfg, &dest)?;
    }
    let mut seen: BTreeMap<PathBuf, Config> = BTreeMap::new();
    for (key, ctx) in &new.contexts {
        if start.contexts.get(key) == Some(ctx) {
            continue;
        }
        let dest = dest_for(&ctx.location_of_origin, access);
        if !seen.contains_key(&dest) {
            seen.insert(dest.clone(), config_from_file(&dest)?);
        }
        seen.get_mut(&dest).unwrap().contexts.insert(key.clone(), ctx.clone());
    }
    for (dest, cfg) in &seen {
        write_to_file(cfg, dest)?;
    }
    for (key, user) in &new.auth_infos {
        if start.auth_infos.get(key) == Some(user) {
            continue;
        }
        let dest = dest_for(&user.location_of_origin, access);
        let mut cfg = config_from_file(&dest)?;
        let mut t = user.clone();
        t.location_of_origin = dest.to_string_lossy().into_owned();
        if relativize {
            let base = base_dir(&t.location_of_origin);
            for r in auth_info_refs(&mut t) {
                load::relativize(r, &base);
            }
        }
        cfg.auth_infos.insert(key.clone(), t);
        write_to_file(&cfg, &dest)?;
    }
    for (key, cluster) in &start.clusters {
        if !new.clusters.contains_key(key) {
            let dest = dest_for(&cluster.location_of_origin, access);
            let mut cfg = config_from_file(&dest)?;
            cfg.clusters.remove(key);
            write_to_file(&cfg, &dest)?;
        }
    }
    for (key, ctx) in &start.contexts {
        if !new.contexts.contains_key(key) {
            let dest = dest_for(&ctx.location_of_origin, access);
            let mut cfg = config_from_file(&dest)?;
            cfg.contexts.remove(key);
            write_to_file(&cfg, &dest)?;
        }
    }
    for (key, user) in &start.auth_infos {
        if !new.auth_infos.contains_key(key) {
            let dest = dest_for(&user.location_of_origin, access);
            let mut cfg = config_from_file(&dest)?;
            cfg.auth_infos.remove(key);
            write_to_file(&cfg, &dest)?;
        }
    }
    Ok(())
}

/// `current-context` goes to the explicit file, else the default file; clearing it
/// clears the first file in the chain that sets it.
fn write_current_context(access: &ConfigAccess, start: &Config, new_cc: &str) -> Result<(), KubeconfigError> {
    if start.current_context == new_cc {
        return Ok(());
    }
    if let Some(file) = access.explicit_file() {
        let mut cfg = config_from_file(file)?;
        cfg.current_context = new_cc.to_string();
        return write_to_file(&cfg, file);
    }
    if !new_cc.is_empty() {
        let dest = access.default_filename();
        let mut cfg = config_from_file(&dest)?;
        cfg.current_context = new_cc.to_string();
        return write_to_file(&cfg, &dest);
    }
    for file in access.precedence() {
        if std::fs::metadata(&file).is_ok() {
            let mut cfg = config_from_file(&file)?;
            if !cfg.current_context.is_empty() {
                cfg.current_context = String::new();
                return write_to_file(&cfg, &file);
            }
        }
    }
    Err(KubeconfigError::msg("no config found to write context"))
}

fn write_preferences(access: &ConfigAccess, new: &Config) -> Result<(), KubeconfigError> {
    if let Some(file) = access.explicit_file() {
        let mut cfg = config_from_file(file)?;
        cfg.preferences = new.preferences.clone();
        return write_to_file(&cfg, file);
    }
    for file in access.precedence() {
        let mut cfg = config_from_file(&file)?;
        if cfg.preferences != new.preferences {
            cfg.preferences = new.preferences.clone();
            return write_to_file(&cfg, &file);
        }
    }
    Err(KubeconfigError::msg("no config found to write preferences"))
}

/// Write `cfg` to `path` the way kubectl formats it: a temporary file in the same
/// directory, fsync, rename. New files get mode 0600; existing files keep theirs.
pub fn write_to_file(cfg: &Config, path: &Path) -> Result<(), KubeconfigError> {
    let content = cfg.to_yaml();
    write_atomic(path, content.as_bytes()).map_err(KubeconfigError::msg)
}

fn ensure_parent(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::metadata(dir).is_err() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o755)
                .create(dir)
                .map_err(|e| io_error("mkdir", dir, &e))?;
        }
    }
    Ok(())
}

pub fn write_atomic(path: &Path, data: &[u8]) -> Result<(), String> {
    ensure_parent(path)?;
    // Write through symlinks: replace the file the link points at.
    let target = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let mode = std::fs::metadata(&target).map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o600);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.kctl-{}-{}.tmp", std::process::id(), unique()));
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| io_error("open", path, &e))?;
        f.write_all(data).map_err(|e| io_error("write", path, &e))?;
        f.set_permissions(std::fs::Permissions::from_mode(mode)).map_err(|e| io_error("chmod", path, &e))?;
        f.sync_all().map_err(|e| io_error("sync", path, &e))?;
        drop(f);
        std::fs::rename(&tmp, &target).map_err(|e| io_error("rename", path, &e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64).unwrap_or(0);
    t ^ (N.fetch_add(1, Ordering::Relaxed) << 32)
}

/// client-go's lock files (`<file>.lock`, created exclusively). kubectl fails at once
/// when one exists; kctl waits for it (up to `KCTL_LOCK_TIMEOUT` seconds, default 10)
/// so that concurrent kctl runs queue up, then fails with kubectl's message.
pub struct LockSet {
    held: Vec<PathBuf>,
}

fn lock_timeout() -> Duration {
    std::env::var("KCTL_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(10))
}

impl LockSet {
    pub fn acquire(files: &[PathBuf]) -> Result<LockSet, KubeconfigError> {
        let mut files: Vec<PathBuf> = files.to_vec();
        files.sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
        files.dedup();
        let mut set = LockSet { held: Vec::new() };
        let deadline = Instant::now() + lock_timeout();
        for f in files {
            ensure_parent(&f).map_err(KubeconfigError::msg)?;
            let lock = PathBuf::from(format!("{}.lock", f.display()));
            let mut delay = Duration::from_millis(1);
            loop {
                match OpenOptions::new().write(true).create_new(true).mode(0o000).open(&lock) {
                    Ok(_) => {
                        set.held.push(lock);
                        break;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && Instant::now() < deadline => {
                        std::thread::sleep(delay);
                        delay = (delay * 2).min(Duration::from_millis(25));
                    }
                    Err(e) => return Err(KubeconfigError::msg(io_error("open", &lock, &e))),
                }
            }
        }
        Ok(set)
    }
}

impl Drop for LockSet {
    fn drop(&mut self) {
        for l in self.held.iter().rev() {
            let _ = std::fs::remove_file(l);
        }
    }
}

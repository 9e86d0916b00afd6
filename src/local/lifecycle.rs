//! `up`, `down`, `status`, `reset`: the server's life, seen from the CLI.
//!
//! Liveness is the server's exclusive lock on `server.lock` (released by the
//! kernel even on `kill -9`); readiness is `server.json`, written atomically
//! once the store is loaded and the port is listening.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::server::{INFO_FILE, LOCK_FILE};
use crate::kubeconfig::types::{AuthInfo, Cluster, Context};
use crate::kubeconfig::write::{modify_config, ConfigAccess};
use crate::kubeconfig::KubeconfigError;

pub const CONTEXT: &str = "kctl-local";

pub struct Running {
    pub pid: u32,
    pub port: u16,
}

/// The running server of `dir`, if any.
pub fn running(dir: &Path) -> Option<Running> {
    let lock = std::fs::File::options().write(true).open(dir.join(LOCK_FILE)).ok()?;
    if fs4::fs_std::FileExt::try_lock_exclusive(&lock).unwrap_or(false) {
        // We got the lock: nobody holds it. Dropping the file releases it.
        return None;
    }
    let info: Value = serde_json::from_slice(&std::fs::read(dir.join(INFO_FILE)).ok()?).ok()?;
    Some(Running { pid: info["pid"].as_u64()? as u32, port: info["port"].as_u64()? as u16 })
}

fn lock_free(dir: &Path) -> bool {
    match std::fs::File::options().write(true).open(dir.join(LOCK_FILE)) {
        Ok(f) => fs4::fs_std::FileExt::try_lock_exclusive(&f).unwrap_or(false),
        Err(_) => true,
    }
}

fn log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    log.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Start the server detached and wait until it is ready; returns its port.
pub fn start(dir: &Path, port: Option<u16>) -> Result<Running, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    super::certs::ensure(dir)?;
    let _ = std::fs::remove_file(dir.join(INFO_FILE));
    // Reuse the last port, so contexts copied elsewhere stay valid.
    let port = port.or_else(|| std::fs::read_to_string(dir.join("port")).ok().and_then(|s| s.trim().parse().ok())).unwrap_or(0);
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let log = std::fs::File::options().create(true).append(true).open(dir.join("server.log")).map_err(|e| e.to_string())?;
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("__local-server").arg(dir).arg(port.to_string());
    cmd.stdin(std::process::Stdio::null()).stdout(log.try_clone().map_err(|e| e.to_string())?).stderr(log);
    {
        use std::os::unix::process::CommandExt;
        // A new session: the server outlives the terminal and the shell's job control.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| format!("starting the server: {e}"))?;
    let started = Instant::now();
    loop {
        if let Some(r) = running(dir) {
            let _ = std::fs::write(dir.join("port"), r.port.to_string());
            return Ok(r);
        }
        if let Ok(Some(status)) = child.try_wait() {
            if port != 0 && log_tail(dir).contains("Address already in use") {
                // The remembered port was taken meanwhile: let the OS choose.
                if std::fs::read_to_string(dir.join("port")).is_ok_and(|p| p.trim() == port.to_string()) {
                    let _ = std::fs::remove_file(dir.join("port"));
                    return start(dir, None);
                }
            }
            return Err(format!("the kctl local server exited ({status}):\n{}", log_tail(dir)));
        }
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("the kctl local server did not become ready in 20s; see {}", dir.join("server.log").display()));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Stop the server: SIGTERM, then SIGKILL after 5 s. Returns whether one was running.
pub fn stop(dir: &Path) -> Result<bool, String> {
    let Some(r) = running(dir) else { return Ok(false) };
    unsafe {
        libc::kill(r.pid as i32, libc::SIGTERM);
    }
    let started = Instant::now();
    while !lock_free(dir) {
        if started.elapsed() > Duration::from_secs(5) {
            unsafe {
                libc::kill(r.pid as i32, libc::SIGKILL);
            }
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("the kctl local server (pid {}) did not stop", r.pid));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = std::fs::remove_file(dir.join(INFO_FILE));
    Ok(true)
}

/// Remove the stored objects (certificates are kept, so the context stays valid).
pub fn wipe(dir: &Path) -> Result<(), String> {
    let data = dir.join("data");
    match std::fs::remove_dir_all(&data) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", data.display())),
    }
}

/// Write the `kctl-local` cluster, user and context, and make it current.
pub fn write_kubeconfig(kubeconfig: Option<PathBuf>, dir: &Path, port: u16) -> Result<(), String> {
    let pki = super::certs::load(dir)?;
    let access = ConfigAccess::new(kubeconfig);
    modify_config(&access, false, |cfg| {
        let cluster = cfg.clusters.entry(CONTEXT.to_string()).or_insert_with(Cluster::default);
        cluster.server = format!("https://127.0.0.1:{port}");
        cluster.certificate_authority_data = pki.ca_cert.as_bytes().to_vec();
        cluster.certificate_authority.clear();
        cluster.insecure_skip_tls_verify = false;
        let user = cfg.auth_infos.entry(CONTEXT.to_string()).or_insert_with(AuthInfo::default);
        user.client_certificate_data = pki.client_cert.as_bytes().to_vec();
        user.client_key_data = pki.client_key.as_bytes().to_vec();
        user.client_certificate.clear();
        user.client_key.clear();
        let ctx = cfg.contexts.entry(CONTEXT.to_string()).or_insert_with(Context::default);
        ctx.cluster = CONTEXT.to_string();
        ctx.auth_info = CONTEXT.to_string();
        cfg.current_context = CONTEXT.to_string();
        Ok::<(), KubeconfigError>(())
    })
    .map_err(|e| e.to_string())
}

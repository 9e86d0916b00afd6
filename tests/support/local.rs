//! A `kctl local` server for one test: its own temporary `KCTL_LOCAL_DIR` and
//! kubeconfig, on a port the OS picks; stopped when dropped.

use std::path::PathBuf;

use super::{Invocation, Output};

pub struct Local {
    _tmp: tempfile::TempDir,
    pub state: PathBuf,
    pub kubeconfig: PathBuf,
}

impl Local {
    pub fn new() -> Local {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let kubeconfig = tmp.path().join("kubeconfig");
        Local { _tmp: tmp, state, kubeconfig }
    }

    pub fn cmd<I, S>(&self, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Invocation::new(args)
            .env("KCTL_LOCAL_DIR", self.state.display().to_string())
            .kubeconfig(&self.kubeconfig)
    }

    pub fn kctl(&self, args: &[&str]) -> Output {
        self.cmd(args).kctl()
    }

    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.cmd(args).kubectl()
    }

    pub fn up(&self) -> Output {
        let out = self.kctl(&["local", "up"]);
        assert_eq!(out.code, 0, "local up: {out:?}");
        out
    }

    pub fn server_pid(&self) -> i32 {
        let info: serde_json::Value = serde_json::from_slice(&std::fs::read(self.state.join("server.json")).unwrap()).unwrap();
        info["pid"].as_i64().unwrap() as i32
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = self.kctl(&["local", "down"]);
    }
}

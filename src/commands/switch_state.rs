//! Where `kctl ctx -` and `kctl ns -` find the previous context and namespace.
//!
//! One small JSON file, `$HOME/.kube/kctl/switch-state.json` (or under
//! `$KCTL_STATE_DIR` when set): `{"previousContext": "...", "previousNamespaces":
//! {"<context>": "<namespace>"}}`. It lives next to the kubeconfig rather than in the
//! discovery cache so that clearing caches does not lose it, and namespaces are kept
//! per context, as kubens does. Writes go through a temporary file and a rename, so a
//! concurrent reader sees the old or the new state, never half of one.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::CliError;

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SwitchState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_context: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub previous_namespaces: BTreeMap<String, String>,
}

pub fn state_file() -> PathBuf {
    let dir = match std::env::var_os("KCTL_STATE_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => dirs::home_dir().unwrap_or_else(|| PathBuf::from(".")).join(".kube").join("kctl"),
    };
    dir.join("switch-state.json")
}

/// A missing or unreadable state is an empty one: it only ever serves `-`.
pub fn load() -> SwitchState {
    std::fs::read(state_file()).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

pub fn save(state: &SwitchState) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt;
    let file = state_file();
    let dir = file.parent().expect("state file has a directory");
    let fail = |e: std::io::Error| CliError::msg(format!("saving {}: {e}", file.display()));
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(fail)?;
    let tmp = dir.join(format!(".switch-state.{}.tmp", std::process::id()));
    let mut body = serde_json::to_vec_pretty(state).expect("state serializes");
    body.push(b'\n');
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&body).and_then(|_| f.sync_all()));
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, &file)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// Lists of names for `ctx` and `ns`: plain on a pipe (so scripts and fuzzy finders
/// get bare names), the current one marked with `*` on a terminal.
pub fn render_names<'a>(names: impl Iterator<Item = &'a str>, current: &str, tty: bool) -> String {
    let mut out = String::new();
    for n in names {
        if tty {
            out.push_str(if n == current { "* " } else { "  " });
        }
        out.push_str(n);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_marked_only_on_a_terminal() {
        let names = ["a", "b"];
        assert_eq!(render_names(names.iter().copied(), "b", false), "a\nb\n");
        assert_eq!(render_names(names.iter().copied(), "b", true), "  a\n* b\n");
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut s = SwitchState { previous_context: Some("x".into()), ..Default::default() };
        s.previous_namespaces.insert("x".into(), "kube-system".into());
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(text, r#"{"previousContext":"x","previousNamespaces":{"x":"kube-system"}}"#);
        assert_eq!(serde_json::from_str::<SwitchState>(&text).unwrap(), s);
        assert_eq!(serde_json::from_str::<SwitchState>("{}").unwrap(), SwitchState::default());
    }
}

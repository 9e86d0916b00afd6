//! Unknown subcommands run plugins: executables named `kctl-NAME` or `kubectl-NAME`
//! on PATH, found and invoked the way kubectl does it. Without a plugin, kctl
//! answers as kubectl does for an unknown command, with cobra's suggestions.
//!
//! Lookup order for `kctl foo bar baz`: every `kctl-` candidate, longest first
//! (`kctl-foo-bar-baz`, `kctl-foo-bar`, `kctl-foo`), then the `kubectl-` ones in the
//! same order, so a plugin written for kctl always wins over a kubectl one. As in
//! kubectl, only the words before the first flag take part, dashes inside a word
//! become underscores (`foo-bar` → `kctl-foo_bar`), the words not consumed by the
//! name are passed on, and the plugin replaces the kctl process (exec), so its exit
//! code is kctl's.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::CliError;
use crate::settings::Settings;

/// File name prefixes of plugins, in order of preference.
pub const PREFIXES: [&str; 2] = ["kctl", "kubectl"];

pub fn run_external(argv: Vec<String>, _settings: &Settings) -> Result<(), CliError> {
    let name = argv.first().cloned().unwrap_or_default();
    // kubectl only looks for plugins among the leading words; a global flag in
    // front of the name is an error there rather than an unknown command.
    if let Some(first) = std::env::args_os().nth(1).map(|a| a.to_string_lossy().into_owned()).filter(|a| a.starts_with('-')) {
        return Err(CliError::Raw(format!("Error: flags cannot be placed before plugin name: {first}\n")));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if let Some((plugin, consumed)) = find_plugin(&argv, &path) {
        return exec_plugin(&plugin, &argv[consumed..]);
    }
    let names: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
    Err(CliError::Raw(unknown_command_message(&name, &names)))
}

/// kubectl's `create` subcommands (by name; cobra does not consult aliases here).
const KUBECTL_CREATE_SUBCOMMANDS: &[&str] = &[
    "clusterrole", "clusterrolebinding", "configmap", "cronjob", "deployment", "ingress", "job", "namespace",
    "poddisruptionbudget", "priorityclass", "quota", "role", "rolebinding", "secret", "service", "serviceaccount", "token",
];

/// kubectl 1.32 lets plugins add `create` subcommands: `kubectl create foo x` runs
/// `kubectl-create-foo` when `foo` is not a built-in generator (never a bare
/// `kubectl-create`, and only when `create` is the first argument). Called before
/// parsing; returns only when no plugin applies or it could not be started.
pub fn exec_create_plugin(args: &[OsString]) -> Option<CliError> {
    let words: Vec<String> = args.iter().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    let sub = words.get(1)?;
    if words[0] != "create" || sub.starts_with('-') || KUBECTL_CREATE_SUBCOMMANDS.contains(&sub.as_str()) {
        return None;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let (plugin, consumed) = find_plugin_min(&words, &path, 2)?;
    Some(match exec_plugin(&plugin, &words[consumed..]) {
        Err(e) => e,
        Ok(()) => unreachable!("exec returns only on failure"),
    })
}

/// The plugin to run for `argv` and how many of its words the name consumed.
pub fn find_plugin(argv: &[String], path_var: &std::ffi::OsStr) -> Option<(PathBuf, usize)> {
    find_plugin_min(argv, path_var, 1)
}

/// As [`find_plugin`], with names of at least `min_words` words.
fn find_plugin_min(argv: &[String], path_var: &std::ffi::OsStr, min_words: usize) -> Option<(PathBuf, usize)> {
    let words: Vec<String> = argv.iter().take_while(|a| !a.starts_with('-')).map(|a| a.replace('-', "_")).collect();
    for prefix in PREFIXES {
        for n in (min_words..=words.len()).rev() {
            let file = format!("{prefix}-{}", words[..n].join("-"));
            if let Some(found) = look_path(&file, path_var) {
                return Some((found, n));
            }
        }
    }
    None
}

/// Go's `exec.LookPath`: the first PATH entry holding an executable regular file
/// of that name (an empty entry is the working directory).
pub fn look_path(file: &str, path_var: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path_var).find_map(|dir| {
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let candidate = dir.join(file);
        let meta = std::fs::metadata(&candidate).ok()?;
        (!meta.is_dir() && meta.permissions().mode() & 0o111 != 0).then_some(candidate)
    })
}

/// Replace this process with the plugin, argv[0] being its path as kubectl passes it.
fn exec_plugin(plugin: &Path, rest: &[String]) -> Result<(), CliError> {
    use std::os::unix::process::CommandExt;
    crate::output::flush_stdout();
    let err = std::process::Command::new(plugin).arg0(OsString::from(plugin)).args(rest).exec();
    Err(CliError::msg(go_errno_text(&err)))
}

/// Go words errno failures in lower case without Rust's "(os error N)" suffix.
fn go_errno_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

pub fn unknown_command_message(name: &str, commands: &[String]) -> String {
    let mut msg = format!("Error: unknown command \"{name}\" for \"kctl\"\n");
    let suggestions = suggest(name, commands);
    if !suggestions.is_empty() {
        msg.push_str("\nDid you mean this?\n");
        for s in suggestions {
            msg.push('\t');
            msg.push_str(&s);
            msg.push('\n');
        }
    }
    msg
}

/// cobra's rule: Levenshtein distance of at most 2 (case-insensitive), or a prefix.
fn suggest(typed: &str, commands: &[String]) -> Vec<String> {
    let t = typed.to_lowercase();
    commands
        .iter()
        .filter(|c| levenshtein(&t, &c.to_lowercase()) <= 2 || c.to_lowercase().starts_with(&t))
        .cloned()
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_cobra() {
        let cmds: Vec<String> = ["top", "get", "version"].iter().map(|s| s.to_string()).collect();
        assert_eq!(suggest("foo", &cmds), vec!["top"]);
        assert_eq!(suggest("ver", &cmds), vec!["get", "version"]);
        assert_eq!(suggest("versio", &cmds), vec!["version"]);
        assert!(suggest("xyzzy", &cmds).is_empty());
        assert_eq!(
            unknown_command_message("xyzzy", &cmds),
            "Error: unknown command \"xyzzy\" for \"kctl\"\n"
        );
    }

    fn touch(dir: &Path, name: &str, mode: u32) {
        let p = dir.join(name);
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn lookup_prefers_kctl_then_longest_name() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        touch(a.path(), "kubectl-foo-bar", 0o755);
        touch(b.path(), "kctl-foo", 0o755);
        touch(a.path(), "kubectl-x_y", 0o755);
        touch(a.path(), "kctl-off", 0o644);
        let path = std::env::join_paths([a.path(), b.path()]).unwrap();
        let argv = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(find_plugin(&argv(&["foo", "bar", "z"]), &path), Some((b.path().join("kctl-foo"), 1)));
        assert_eq!(find_plugin(&argv(&["x-y", "z"]), &path), Some((a.path().join("kubectl-x_y"), 1)));
        // Flags end the name: `foo --bar x` cannot reach kubectl-foo-x.
        assert_eq!(find_plugin(&argv(&["x_y", "--flag"]), &path), Some((a.path().join("kubectl-x_y"), 1)));
        assert_eq!(find_plugin(&argv(&["off"]), &path), None);
        std::fs::remove_file(b.path().join("kctl-foo")).unwrap();
        assert_eq!(find_plugin(&argv(&["foo", "bar", "z"]), &path), Some((a.path().join("kubectl-foo-bar"), 2)));
        // `create` plugins need a subcommand word: a bare kubectl-create never runs.
        touch(a.path(), "kubectl-create", 0o755);
        assert_eq!(find_plugin_min(&argv(&["create", "zzz"]), &path, 2), None);
        touch(a.path(), "kubectl-create-zzz", 0o755);
        assert_eq!(find_plugin_min(&argv(&["create", "zzz", "q"]), &path, 2), Some((a.path().join("kubectl-create-zzz"), 2)));
    }
}

//! `kctl plugin list`: the plugins on PATH with kubectl's output and warnings.
//!
//! kctl runs both `kctl-*` and `kubectl-*` plugins, so it lists both. Warnings keep
//! kubectl's wording; "overwrites existing command" names the kctl command, and a
//! file that loses to another one of the same command name (an earlier PATH entry,
//! or a `kctl-` plugin shadowing a `kubectl-` one) is reported as overshadowed.

use std::collections::HashMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::config::go_quote;
use super::plugin::PREFIXES;
use crate::error::CliError;
use crate::output;
use crate::settings::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<PluginCommand>,
}

#[derive(Debug, clap::Subcommand)]
pub enum PluginCommand {
    /// List all visible plugin executables on a user's PATH
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// If true, display only the binary name of each plugin, rather than its full path
    #[arg(long = "name-only", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub name_only: Option<bool>,
}

pub fn run(args: Args, _settings: &Settings) -> Result<(), CliError> {
    match args.command {
        Some(PluginCommand::List(l)) => list(l.name_only.unwrap_or(false)),
        // kubectl prints the help on stderr and fails when no subcommand is given.
        None => {
            let mut cmd = crate::cli::Cli::command();
            cmd.build();
            let mut sub = cmd.find_subcommand("plugin").cloned().expect("plugin command");
            eprint!("{}", sub.render_help());
            Err(CliError::Exit(1))
        }
    }
}

/// One plugin file found on PATH.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub dir: PathBuf,
    pub file: String,
}

impl Found {
    fn path(&self) -> PathBuf {
        self.dir.join(&self.file)
    }
    /// The command name the file provides (`kctl-foo_bar` → `foo_bar`).
    fn command(&self) -> &str {
        PREFIXES.iter().find_map(|p| self.file.strip_prefix(&format!("{p}-"))).unwrap_or(&self.file)
    }
    fn prefix(&self) -> &str {
        PREFIXES.iter().find(|p| self.file.starts_with(&format!("{p}-"))).copied().unwrap_or("kubectl")
    }
}

/// The result of scanning PATH: what to print on stdout, stderr notes, and errors.
#[derive(Debug, Default, PartialEq)]
pub struct Listing {
    pub stdout: String,
    pub stderr: String,
    pub errors: Vec<String>,
}

fn list(name_only: bool) -> Result<(), CliError> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<String> = std::env::split_paths(&path).map(|p| p.to_string_lossy().into_owned()).collect();
    let mut root = crate::cli::Cli::command();
    root.build();
    let listing = scan(&dirs, name_only, &|segments| overwritten_command(&root, segments));
    output::print(&listing.stdout);
    eprint!("{}", listing.stderr);
    if listing.errors.is_empty() {
        return Ok(());
    }
    Err(CliError::Raw(listing.errors.iter().map(|e| format!("{e}\n")).collect()))
}

/// Walk the PATH entries (duplicates once, blank ones skipped), as kubectl does.
/// `overwrites` maps a plugin's name segments to the built-in command it hides.
pub fn scan(dirs: &[String], name_only: bool, overwrites: &dyn Fn(&[&str]) -> Option<String>) -> Listing {
    let mut out = Listing::default();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut found: Vec<Found> = Vec::new();
    for dir in dirs {
        if !seen_dirs.insert(dir.clone()) || dir.trim().is_empty() {
            continue;
        }
        let entries = match read_dir_sorted(Path::new(dir)) {
            Ok(e) => e,
            Err(err) => {
                out.stderr.push_str(&format!("Unable to read directory {} from your PATH: {err}. Skipping...\n", go_quote(dir)));
                continue;
            }
        };
        for (file, is_dir) in entries {
            if is_dir || !PREFIXES.iter().any(|p| file.starts_with(&format!("{p}-"))) {
                continue;
            }
            found.push(Found { dir: PathBuf::from(dir), file });
        }
    }
    if found.is_empty() {
        out.errors.push("error: unable to find any kubectl plugins in your PATH".into());
        return out;
    }
    // The file that runs for each command name: the first kctl- one, else the first kubectl- one.
    let mut winner: HashMap<&str, PathBuf> = HashMap::new();
    for prefix in PREFIXES {
        for f in found.iter().filter(|f| f.prefix() == prefix) {
            winner.entry(f.command()).or_insert_with(|| f.path());
        }
    }
    out.stdout.push_str("The following compatible plugins are available:\n\n");
    let mut warnings = 0;
    for f in &found {
        let full = f.path();
        out.stdout.push_str(&if name_only { f.file.clone() } else { full.display().to_string() });
        out.stdout.push('\n');
        let mut problems = Vec::new();
        match std::fs::metadata(&full) {
            Ok(m) if m.is_dir() || m.permissions().mode() & 0o111 == 0 => problems.push(format!(
                "warning: {} identified as a {} plugin, but it is not executable",
                full.display(),
                f.prefix()
            )),
            Ok(_) => {}
            Err(e) => problems.push(format!(
                "error: unable to identify {} as an executable file: stat {}: {}",
                full.display(),
                full.display(),
                go_io_reason(&e)
            )),
        }
        if let Some(w) = winner.get(f.command()).filter(|w| **w != full) {
            problems.push(format!("warning: {} is overshadowed by a similarly named plugin: {}", full.display(), w.display()));
        }
        let segments: Vec<&str> = f.command().split('-').collect();
        if let Some(cmd) = overwrites(&segments) {
            problems.push(format!("warning: {} overwrites existing command: {}", f.file, go_quote(&cmd)));
        }
        for p in problems {
            out.stderr.push_str(&format!("  - {p}\n"));
            warnings += 1;
        }
    }
    match warnings {
        0 => {}
        1 => out.errors.push("error: one plugin warning was found".into()),
        n => out.errors.push(format!("error: {n} plugin warnings were found")),
    }
    out
}

/// Entries sorted by name, with whether each is a directory (not following
/// symlinks), or Go's `open DIR: reason` error.
fn read_dir_sorted(dir: &Path) -> Result<Vec<(String, bool)>, String> {
    let fail = |e: std::io::Error| format!("open {}: {}", dir.display(), go_io_reason(&e));
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        entries.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    entries.sort();
    Ok(entries)
}

fn go_io_reason(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ENOENT) => "no such file or directory".into(),
        Some(libc::EACCES) => "permission denied".into(),
        Some(libc::ENOTDIR) => "not a directory".into(),
        _ => e.to_string(),
    }
}

/// cobra's `Find` on the plugin's name segments: a match of the first segment at
/// the root, then as deep as the following segments lead; the command's path.
pub fn overwritten_command(root: &clap::Command, segments: &[&str]) -> Option<String> {
    let mut cmd = root.find_subcommand(segments.first()?)?;
    let mut path = vec![root.get_name().to_string(), cmd.get_name().to_string()];
    for s in &segments[1..] {
        match cmd.find_subcommand(s) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                cmd = sub;
            }
            _ => break,
        }
    }
    Some(path.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str, mode: u32) {
        let p = dir.join(name);
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn kctl_plugins_shadow_kubectl_ones_and_warnings_are_counted() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        touch(a.path(), "kubectl-foo", 0o755);
        touch(b.path(), "kctl-foo", 0o755);
        touch(b.path(), "kctl-off", 0o644);
        touch(b.path(), "other", 0o755);
        let dirs = vec![a.path().display().to_string(), b.path().display().to_string(), a.path().display().to_string()];
        let l = scan(&dirs, true, &|s| (s == ["get"]).then(|| "kctl get".to_string()));
        assert_eq!(l.stdout, "The following compatible plugins are available:\n\nkubectl-foo\nkctl-foo\nkctl-off\n");
        assert_eq!(
            l.stderr,
            format!(
                "  - warning: {a}/kubectl-foo is overshadowed by a similarly named plugin: {b}/kctl-foo\n  - warning: {b}/kctl-off identified as a kctl plugin, but it is not executable\n",
                a = a.path().display(),
                b = b.path().display()
            )
        );
        assert_eq!(l.errors, vec!["error: 2 plugin warnings were found".to_string()]);
        let none = scan(&["/nonexistent-kctl-dir".to_string()], false, &|_| None);
        assert_eq!(none.stderr, "Unable to read directory \"/nonexistent-kctl-dir\" from your PATH: open /nonexistent-kctl-dir: no such file or directory. Skipping...\n");
        assert_eq!(none.errors, vec!["error: unable to find any kubectl plugins in your PATH".to_string()]);
    }
}

//! The user's editor, chosen and started as kubectl's `editor` package does:
//! `KUBE_EDITOR`, then `EDITOR`, else `vi`. A value without spaces is one
//! program; with spaces but no quotes or backslashes it is split on single
//! spaces; anything else is handed to `$SHELL -c` (default `/bin/bash`) with
//! the file name appended, Go-quoted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to start the editor: the words, and whether the last one is a shell
/// command line that still needs the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub args: Vec<String>,
    pub shell: bool,
}

impl Editor {
    /// From the environment, as kubectl's `NewDefaultEditor`.
    pub fn from_env() -> Editor {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let value = var("KUBE_EDITOR").or_else(|| var("EDITOR"));
        Editor::parse(value.as_deref(), var("SHELL").as_deref())
    }

    pub fn parse(value: Option<&str>, shell: Option<&str>) -> Editor {
        let editor = value.unwrap_or("vi");
        if !editor.contains(' ') {
            return Editor { args: vec![editor.to_string()], shell: false };
        }
        if !editor.contains(['"', '\'', '\\']) {
            return Editor { args: editor.split(' ').map(String::from).collect(), shell: false };
        }
        let shell = shell.unwrap_or("/bin/bash");
        Editor { args: vec![shell.to_string(), "-c".to_string(), editor.to_string()], shell: true }
    }

    /// The command line for editing `path` (absolute).
    pub fn command_line(&self, path: &str) -> Vec<String> {
        let mut args = self.args.clone();
        if self.shell {
            let last = args.pop().unwrap_or_default();
            args.push(format!("{last} {}", crate::yaml::go_quote(path)));
        } else {
            args.push(path.to_string());
        }
        args
    }

    /// Run the editor on `path` with the terminal handed over; kubectl's two
    /// failure messages.
    pub fn launch(&self, path: &Path) -> Result<(), String> {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let argv = self.command_line(&abs.to_string_lossy());
        let joined = self.args.join(" ");
        crate::output::flush_stdout();
        let _ = std::io::stderr().flush();
        match Command::new(&argv[0]).args(&argv[1..]).status() {
            Ok(status) if status.success() => Ok(()),
            // Go reports "not found" only for a bare name looked up in PATH.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !argv[0].contains('/') => {
                Err(format!("unable to launch the editor {}", crate::yaml::go_quote(&joined)))
            }
            _ => Err(format!("there was a problem with the editor {}", crate::yaml::go_quote(&joined))),
        }
    }
}

/// A new file for the buffer, named like Go's `os.CreateTemp(dir, "kubectl-edit-*.yaml")`
/// with the program's own name, readable only by the user.
pub fn temp_file(program: &str, ext: &str, content: &[u8]) -> Result<PathBuf, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = std::env::temp_dir();
    let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) ^ ((std::process::id() as u64) << 32);
    for _ in 0..10000 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let path = dir.join(format!("{program}-edit-{}{ext}", (seed >> 32) as u32));
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
            Ok(mut f) => {
                f.write_all(content).map_err(|e| crate::kubeconfig::load::io_error("write", &path, &e))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(crate::kubeconfig::load::io_error("open", &path, &e)),
        }
    }
    Err("could not create a temporary file".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_kubectl() {
        assert_eq!(Editor::parse(None, None), Editor { args: vec!["vi".into()], shell: false });
        assert_eq!(Editor::parse(Some("nano -w"), None), Editor { args: vec!["nano".into(), "-w".into()], shell: false });
        // Split on single spaces: doubled spaces leave an empty word, as in Go.
        assert_eq!(Editor::parse(Some("a  b"), None).args, vec!["a", "", "b"]);
        let e = Editor::parse(Some("sed -i 's/a/b/'"), Some("/bin/sh"));
        assert_eq!(e, Editor { args: vec!["/bin/sh".into(), "-c".into(), "sed -i 's/a/b/'".into()], shell: true });
        assert_eq!(e.command_line("/tmp/x y.yaml"), vec!["/bin/sh", "-c", "sed -i 's/a/b/' \"/tmp/x y.yaml\""]);
        assert_eq!(Editor::parse(Some("ed"), None).command_line("/tmp/f"), vec!["ed", "/tmp/f"]);
        assert_eq!(Editor::parse(Some("a\\b c"), None).args[0], "/bin/bash");
    }

    #[test]
    fn temp_files_are_fresh() {
        let a = temp_file("kctl-test", ".yaml", b"x").unwrap();
        let b = temp_file("kctl-test", ".yaml", b"y").unwrap();
        assert_ne!(a, b);
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("kctl-test-edit-") && name.ends_with(".yaml"), "{name}");
        assert_eq!(std::fs::read(&b).unwrap(), b"y");
        let _ = std::fs::remove_file(a);
        let _ = std::fs::remove_file(b);
    }
}

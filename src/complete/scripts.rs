//! The shell scripts `kctl completion SHELL` prints. They are thin: every answer
//! comes from `kctl __complete`, so they never drift from the CLI definition.
//! `completions/` holds the same bytes; a test fails when the two differ.

pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell"];

pub fn script(shell: &str) -> Option<&'static str> {
    Some(match shell {
        "bash" => include_str!("shell/bash.sh"),
        "zsh" => include_str!("shell/zsh.zsh"),
        "fish" => include_str!("shell/fish.fish"),
        "powershell" => include_str!("shell/powershell.ps1"),
        _ => return None,
    })
}

/// The file name under `completions/` for each shell, as packagers install them.
pub fn file_name(shell: &str) -> &'static str {
    match shell {
        "bash" => "kctl.bash",
        "zsh" => "_kctl",
        "fish" => "kctl.fish",
        _ => "kctl.ps1",
    }
}

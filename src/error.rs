//! The top-level error: how every failure is printed and which exit code it maps to.
//!
//! Module errors (kubeconfig, client, discovery, printers) convert into [`CliError`];
//! the conversion decides the kubectl-compatible wording.

use std::fmt;

#[derive(Debug)]
pub enum CliError {
    /// Printed as `error: {0}` (kubectl's generic form), exit 1.
    Message(String),
    /// Printed exactly as given, exit 1 (e.g. `Error from server (NotFound): ...`).
    Raw(String),
    /// Already reported on stderr; exit with this code.
    Exit(i32),
}

impl CliError {
    pub fn msg(s: impl Into<String>) -> Self {
        CliError::Message(s.into())
    }

    /// Print to stderr and return the exit code.
    pub fn report(&self) -> i32 {
        match self {
            CliError::Message(m) => {
                eprintln!("error: {m}");
                1
            }
            CliError::Raw(m) => {
                if m.ends_with('\n') {
                    eprint!("{m}");
                } else {
                    eprintln!("{m}");
                }
                1
            }
            CliError::Exit(code) => *code,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Message(m) => write!(f, "error: {m}"),
            CliError::Raw(m) => f.write_str(m),
            CliError::Exit(code) => write!(f, "exit status {code}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError::Message(err.to_string())
    }
}

/// Clap parse errors, worded like kubectl's (cobra's) where scripts may look at them.
/// `args` locate the subcommand for the "See 'kctl get --help'" hint.
pub fn report_clap(err: clap::Error, args: &[std::ffi::OsString]) -> i32 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            0
        }
        ErrorKind::UnknownArgument => {
            let arg = err
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_default();
            let flag = arg.split('=').next().unwrap_or(&arg).to_string();
            if flag.starts_with("--") {
                eprintln!("Error: unknown flag: {flag}");
            } else {
                let short = flag.trim_start_matches('-').chars().next().unwrap_or('?');
                eprintln!("Error: unknown shorthand flag: '{short}' in {flag}");
            }
            eprintln!("See '{}' for usage.", help_path(args));
            1
        }
        _ => {
            let rendered = err.render().to_string();
            let rendered = rendered.trim_end();
            let body = rendered.strip_prefix("error: ").unwrap_or(rendered);
            eprintln!("error: {body}");
            1
        }
    }
}

/// `kctl config view --help`: the command path the user typed, for cobra's hint.
fn help_path(args: &[std::ffi::OsString]) -> String {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    // Subcommands are deferred; build them all for this (error-only) walk.
    cmd.build();
    let mut path = vec!["kctl".to_string()];
    for a in args.iter().skip(1) {
        let a = a.to_string_lossy();
        if a.starts_with('-') {
            continue;
        }
        match cmd.find_subcommand(a.as_ref()) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                let next = sub.clone();
                cmd = next;
            }
            // Before the subcommand, a bare word is a global flag's value (`-n ns`).
            None if path.len() == 1 => continue,
            None => break,
        }
    }
    path.push("--help".into());
    path.join(" ")
}

//! Unknown subcommands. Plugin lookup (kctl-NAME / kubectl-NAME on PATH) comes with the
//! completions issue; until then kctl answers the way kubectl does for an unknown command,
//! with cobra's "Did you mean this?" suggestions.

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::CliError;
use crate::settings::Settings;

pub fn run_external(argv: Vec<String>, _settings: &Settings) -> Result<(), CliError> {
    let name = argv.first().cloned().unwrap_or_default();
    let names: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect();
    Err(CliError::Raw(unknown_command_message(&name, &names)))
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
}

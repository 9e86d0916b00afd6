//! `kctl __complete ARGS... TO_COMPLETE`: cobra's completion protocol, so the
//! shell scripts (and anything written for kubectl's) can ask kctl what to offer.
//! One candidate per line (`value\tdescription`), then `:DIRECTIVE`; the directive's
//! name goes to stderr as cobra prints it.
//!
//! Flags and subcommands come from the clap definition; values come from
//! `values.rs` (kubeconfig, discovery, the live server with a short timeout).
//! Completion never fails loudly: a failed lookup simply offers nothing.

mod line;
pub mod scripts;
mod values;

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;
use line::Pending;

pub const DEFAULT: u32 = 0;
pub const ERROR: u32 = 1;
pub const NO_SPACE: u32 = 2;
pub const NO_FILE_COMP: u32 = 4;
pub const FILTER_FILE_EXT: u32 = 8;
pub const FILTER_DIRS: u32 = 16;

#[derive(Debug, Default, PartialEq)]
pub struct Completion {
    /// `(value, description)`; an empty description prints no tab.
    pub candidates: Vec<(String, String)>,
    pub directive: u32,
}

impl Completion {
    fn values(values: Vec<String>, directive: u32) -> Self {
        Completion { candidates: values.into_iter().map(|v| (v, String::new())).collect(), directive }
    }
}

/// Entry point for `kctl __complete` and `kctl __completeNoDesc`.
pub fn run(args: &[String], descriptions: bool) -> i32 {
    let completion = complete(args);
    let mut out = String::new();
    for (value, desc) in &completion.candidates {
        out.push_str(value);
        if descriptions && !desc.is_empty() {
            out.push('\t');
            // Only the first line: the shells show one line per candidate.
            out.push_str(desc.lines().next().unwrap_or(""));
        }
        out.push('\n');
    }
    out.push_str(&format!(":{}\n", completion.directive));
    let _ = std::io::stdout().write_all(out.as_bytes());
    eprintln!("Completion ended with directive: {}", directive_names(completion.directive));
    0
}

pub fn complete(args: &[String]) -> Completion {
    let (to_complete, typed) = match args.split_last() {
        Some((last, rest)) => (last.as_str(), rest),
        None => ("", &[][..]),
    };
    let mut root = Cli::command();
    root.build();
    let line = line::walk(&root, typed);
    let cmd = line.command(&root);

    if let Pending::FlagValue(flag) = &line.pending {
        return values::flag_value(&line, flag, to_complete);
    }
    if to_complete.starts_with('-') && !line.after_double_dash {
        if let Some((flag, value)) = line::flag_with_inline_value(cmd, to_complete) {
            return values::flag_value(&line, &flag, &value);
        }
        return Completion { candidates: line::flags(cmd, &line, to_complete), directive: NO_FILE_COMP };
    }
    if cmd.has_subcommands() && line.positionals.is_empty() {
        let mut subs: Vec<(String, String)> = cmd
            .get_subcommands()
            .filter(|c| !c.is_hide_set() && c.get_name().starts_with(to_complete))
            .map(|c| (c.get_name().to_string(), c.get_about().map(|a| a.to_string()).unwrap_or_default()))
            .collect();
        subs.sort();
        return Completion { candidates: subs, directive: NO_FILE_COMP };
    }
    let mut c = values::positional(&line, to_complete);
    // cobra offers required flags that are not set yet, ahead of the arguments.
    if to_complete.is_empty() {
        let mut required = line::unset_required_flags(cmd, &line);
        if !required.is_empty() {
            required.append(&mut c.candidates);
            c.candidates = required;
        }
    }
    c
}

fn directive_names(d: u32) -> String {
    let names = [
        (ERROR, "ShellCompDirectiveError"),
        (NO_SPACE, "ShellCompDirectiveNoSpace"),
        (NO_FILE_COMP, "ShellCompDirectiveNoFileComp"),
        (FILTER_FILE_EXT, "ShellCompDirectiveFilterFileExt"),
        (FILTER_DIRS, "ShellCompDirectiveFilterDirs"),
        (32, "ShellCompDirectiveKeepOrder"),
    ];
    let set: Vec<&str> = names.iter().filter(|(bit, _)| d & bit != 0).map(|(_, n)| *n).collect();
    if set.is_empty() {
        "ShellCompDirectiveDefault".to_string()
    } else {
        set.join(", ")
    }
}

#[cfg(test)]
mod tests;

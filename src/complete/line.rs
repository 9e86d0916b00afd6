//! What has been typed so far: the subcommand path, the flags with their values,
//! and the positional arguments, read against the clap definition.

use clap::{Arg, ArgAction, Command};

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub id: String,
    pub long: Option<String>,
    pub short: Option<char>,
}

impl Flag {
    fn of(arg: &Arg) -> Flag {
        Flag { id: arg.get_id().to_string(), long: arg.get_long().map(str::to_string), short: arg.get_short() }
    }

    pub fn is(&self, long: &str) -> bool {
        self.long.as_deref() == Some(long)
    }
}

#[derive(Debug, Default, PartialEq)]
pub enum Pending {
    #[default]
    None,
    /// The last typed token was a flag whose value is being completed.
    FlagValue(Flag),
}

#[derive(Debug, Default)]
pub struct Line {
    /// Subcommand names below the root, e.g. `["rollout", "status"]`.
    pub path: Vec<String>,
    pub positionals: Vec<String>,
    /// Flags seen, by long name (or id), with their value when they take one.
    pub flags: Vec<(Flag, Option<String>)>,
    pub pending: Pending,
    pub after_double_dash: bool,
}

impl Line {
    pub fn command<'a>(&self, root: &'a Command) -> &'a Command {
        let mut cmd = root;
        for name in &self.path {
            match cmd.find_subcommand(name) {
                Some(c) => cmd = c,
                None => break,
            }
        }
        cmd
    }

    pub fn path_str(&self) -> String {
        self.path.join(" ")
    }

    /// The last value given for a flag, by long name.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(f, _)| f.is(long)).and_then(|(_, v)| v.as_deref())
    }

    pub fn is_set(&self, long: &str) -> bool {
        self.flags.iter().any(|(f, v)| f.is(long) && v.as_deref() != Some("false"))
    }
}

/// A flag that reads its value from the next word: not a boolean, and not one of
/// kubectl's `--flag[=value]` optional-value flags.
fn takes_separate_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
        && !arg.is_require_equals_set()
        && arg.get_num_args().is_none_or(|r| r.min_values() > 0)
}

fn find_long<'a>(cmd: &'a Command, long: &str) -> Option<&'a Arg> {
    cmd.get_arguments().find(|a| a.get_long() == Some(long) || a.get_all_aliases().is_some_and(|al| al.contains(&long)))
}

fn find_short(cmd: &Command, short: char) -> Option<&Arg> {
    cmd.get_arguments().find(|a| a.get_short() == Some(short))
}

pub fn walk(root: &Command, typed: &[String]) -> Line {
    let mut line = Line::default();
    let mut cmd = root;
    for token in typed {
        if let Pending::FlagValue(flag) = std::mem::take(&mut line.pending) {
            line.flags.push((flag, Some(token.clone())));
            continue;
        }
        if line.after_double_dash {
            line.positionals.push(token.clone());
            continue;
        }
        if token == "--" {
            line.after_double_dash = true;
        } else if let Some(rest) = token.strip_prefix("--") {
            let (name, inline) = match rest.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (rest, None),
            };
            if let Some(arg) = find_long(cmd, name) {
                if inline.is_none() && takes_separate_value(arg) {
                    line.pending = Pending::FlagValue(Flag::of(arg));
                } else {
                    line.flags.push((Flag::of(arg), inline));
                }
            }
        } else if token.len() > 1 && token.starts_with('-') {
            // Short flags may be grouped (`-it`); a value-taking one ends the group.
            let chars: Vec<char> = token[1..].chars().collect();
            for (i, c) in chars.iter().enumerate() {
                let Some(arg) = find_short(cmd, *c) else { break };
                if arg.get_action().takes_values() && !arg.is_require_equals_set() {
                    let rest: String = chars[i + 1..].iter().collect();
                    let rest = rest.strip_prefix('=').unwrap_or(&rest).to_string();
                    if rest.is_empty() {
                        line.pending = Pending::FlagValue(Flag::of(arg));
                    } else {
                        line.flags.push((Flag::of(arg), Some(rest)));
                    }
                    break;
                }
                line.flags.push((Flag::of(arg), None));
            }
        } else if line.positionals.is_empty() && cmd.get_subcommands().any(|s| s.get_name() == token || s.get_all_aliases().any(|a| a == token)) {
            cmd = cmd.find_subcommand(token).expect("just matched");
            line.path.push(cmd.get_name().to_string());
        } else {
            line.positionals.push(token.clone());
        }
    }
    line
}

/// `--flag=partial` or `-o=partial`: the flag whose value is being typed inline.
/// (cobra completes nothing for `-opartial`, and neither does kctl.)
pub fn flag_with_inline_value(cmd: &Command, token: &str) -> Option<(Flag, String)> {
    let arg = if let Some(rest) = token.strip_prefix("--") {
        find_long(cmd, rest.split_once('=')?.0)?
    } else {
        let (name, _) = token[1..].split_once('=')?;
        let mut chars = name.chars();
        let short = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        find_short(cmd, short)?
    };
    let value = token.split_once('=')?.1;
    arg.get_action().takes_values().then(|| (Flag::of(arg), value.to_string()))
}

/// Flag names matching `prefix`, as cobra lists them: inherited (global) flags
/// first, then the command's own, each sorted, long name before short; flags
/// already given are left out unless they may repeat.
pub fn flags(cmd: &Command, line: &Line, prefix: &str) -> Vec<(String, String)> {
    let visible = |a: &&Arg| !a.is_hide_set() && !a.is_positional();
    let repeatable = |a: &Arg| matches!(a.get_action(), ArgAction::Append | ArgAction::Count);
    let used = |a: &Arg| line.flags.iter().any(|(f, _)| f.id == a.get_id().as_str());
    let mut global: Vec<&Arg> = cmd.get_arguments().filter(visible).filter(|a| a.is_global_set()).collect();
    let mut local: Vec<&Arg> = cmd.get_arguments().filter(visible).filter(|a| !a.is_global_set()).collect();
    let key = |a: &&Arg| a.get_long().map(str::to_string).unwrap_or_else(|| a.get_short().map(String::from).unwrap_or_default());
    global.sort_by_key(key);
    local.sort_by_key(key);
    let long_only = prefix.starts_with("--");
    let mut out = Vec::new();
    for arg in global.into_iter().chain(local) {
        if used(arg) && !repeatable(arg) {
            continue;
        }
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if let Some(long) = arg.get_long() {
            let name = format!("--{long}");
            if name.starts_with(prefix) {
                out.push((name, help.clone()));
            }
        }
        if let (Some(short), false) = (arg.get_short(), long_only) {
            let name = format!("-{short}");
            if name.starts_with(prefix) {
                out.push((name, help));
            }
        }
    }
    out
}

/// The flags kubectl marks required, offered before arguments while unset.
const REQUIRED: &[(&str, &[&str])] = &[
    ("scale", &["replicas"]),
    ("create deployment", &["image"]),
    ("create deploy", &["image"]),
    ("create cronjob", &["image", "schedule"]),
    ("create cj", &["image", "schedule"]),
    ("create service externalname", &["external-name"]),
    ("create svc externalname", &["external-name"]),
    ("create clusterrolebinding", &["clusterrole"]),
];

pub fn unset_required_flags(cmd: &Command, line: &Line) -> Vec<(String, String)> {
    let path = line.path_str();
    let Some((_, names)) = REQUIRED.iter().find(|(p, _)| *p == path) else { return Vec::new() };
    names
        .iter()
        .filter(|n| !line.flags.iter().any(|(f, _)| f.is(n)))
        .filter_map(|n| find_long(cmd, n))
        .map(|a| (format!("--{}", a.get_long().unwrap_or_default()), a.get_help().map(|h| h.to_string()).unwrap_or_default()))
        .collect()
}

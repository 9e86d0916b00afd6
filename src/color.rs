//! Colour for people at a terminal (what kubecolor adds to kubectl): table headers
//! and status words, describe keys and diffs (log prefixes pick their own palette
//! in `commands/logs`). Piped output is never
//! coloured unless `--color=always`, so scripts see kubectl's exact bytes.
//!
//! The choice is made once, when settings are resolved; printers stay pure and
//! callers pass their text through these functions.

use std::sync::atomic::{AtomicBool, Ordering};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// `--color=auto|always|never`; auto means stdout is a terminal, `NO_COLOR` is
/// unset or empty, and `TERM` is not `dumb`.
pub fn resolve(flag: &str, stdout_is_tty: bool, no_color: Option<&str>, term: Option<&str>) -> Result<bool, String> {
    match flag {
        "always" => Ok(true),
        "never" => Ok(false),
        "auto" => Ok(stdout_is_tty && no_color.is_none_or(str::is_empty) && term != Some("dumb")),
        other => Err(format!("invalid argument {other:?} for \"--color\" flag: must be one of auto, always, never")),
    }
}

pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

fn paint(out: &mut String, style: &str, text: &str) {
    out.push_str(style);
    out.push_str(text);
    out.push_str(RESET);
}

fn status_style(word: &str) -> Option<&'static str> {
    // A word such as `Init:0/1` or `Init:Error` is judged by its last part.
    let word = word.rsplit(':').next().unwrap_or(word);
    match word {
        "Running" | "Completed" | "Succeeded" | "Ready" | "Active" | "Bound" | "Available" | "Complete" | "True" | "Normal" => Some(GREEN),
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "Unknown" | "Released" | "SchedulingDisabled" | "Waiting" => Some(YELLOW),
        "Error" | "Failed" | "CrashLoopBackOff" | "ImagePullBackOff" | "ErrImagePull" | "OOMKilled" | "Evicted" | "NotReady" | "Lost"
        | "False" | "Warning" | "CreateContainerConfigError" | "InvalidImageName" => Some(RED),
        _ => None,
    }
}

/// An aligned table: the header bold, status words coloured. Colour codes go in
/// after alignment, so the columns stay where kubectl puts them.
pub fn table(text: &str, has_header: bool) -> String {
    if !enabled() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if i == 0 && has_header {
            paint(&mut out, BOLD, body);
        } else {
            paint_words(&mut out, body);
        }
        out.push_str(nl);
    }
    out
}

fn paint_words(out: &mut String, line: &str) {
    let mut rest = line;
    while !rest.is_empty() {
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let (word, tail) = rest.split_at(word_end);
        match status_style(word) {
            Some(style) if !word.is_empty() => paint(out, style, word),
            _ => out.push_str(word),
        }
        let spaces = tail.len() - tail.trim_start_matches(' ').len();
        out.push_str(&tail[..spaces]);
        rest = &tail[spaces..];
    }
}

/// A unified diff: headers bold, hunks cyan, removals red, additions green.
pub fn diff(text: &str) -> String {
    if !enabled() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let style = if body.starts_with("diff ") || body.starts_with("--- ") || body.starts_with("+++ ") {
            Some(BOLD)
        } else if body.starts_with("@@") {
            Some(CYAN)
        } else if body.starts_with('-') {
            Some(RED)
        } else if body.starts_with('+') {
            Some(GREEN)
        } else {
            None
        };
        match style {
            Some(s) => paint(&mut out, s, body),
            None => out.push_str(body),
        }
        out.push_str(nl);
    }
    out
}

/// `kctl describe`: the keys (`Name:`, `  Image:`) in cyan, values as they are.
pub fn describe(text: &str) -> String {
    if !enabled() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        // A key starts with a letter and ends at the first `:`, before any space run.
        let key_end = rest.find(':').filter(|&i| i > 0 && rest.as_bytes()[0].is_ascii_alphabetic() && !rest[..i].contains("  "));
        match key_end {
            Some(i) => {
                out.push_str(&line[..indent]);
                paint(&mut out, CYAN, &rest[..=i]);
                out.push_str(&rest[i + 1..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_follows_the_terminal_and_no_color() {
        assert_eq!(resolve("auto", true, None, Some("xterm")), Ok(true));
        assert_eq!(resolve("auto", false, None, None), Ok(false));
        assert_eq!(resolve("auto", true, Some("1"), None), Ok(false));
        assert_eq!(resolve("auto", true, Some(""), None), Ok(true));
        assert_eq!(resolve("auto", true, None, Some("dumb")), Ok(false));
        assert_eq!(resolve("always", false, Some("1"), None), Ok(true));
        assert_eq!(resolve("never", true, None, None), Ok(false));
        assert!(resolve("sometimes", true, None, None).is_err());
    }

    #[test]
    fn painting_keeps_the_text_and_its_alignment() {
        set_enabled(true);
        let table_text = "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          5m\nweb-1   0/1     Error     2          5m\n";
        let painted = table(table_text, true);
        let strip = regex_lite_strip(&painted);
        assert_eq!(strip, table_text);
        assert!(painted.contains("\x1b[32mRunning\x1b[0m   0"));
        assert!(painted.contains("\x1b[31mError\x1b[0m"));
        assert!(painted.starts_with("\x1b[1mNAME"));
        let d = diff("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n");
        assert_eq!(regex_lite_strip(&d), "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n");
        assert!(d.contains("\x1b[31m-x\x1b[0m\n\x1b[32m+y\x1b[0m"));
        let desc = describe("Name:         web\nLabels:       app=web\n  Image:      nginx\nEvents:  <none>\n");
        assert!(desc.contains("\x1b[36mName:\x1b[0m         web"));
        assert!(desc.contains("  \x1b[36mImage:\x1b[0m      nginx"));
        assert_eq!(regex_lite_strip(&desc), "Name:         web\nLabels:       app=web\n  Image:      nginx\nEvents:  <none>\n");
        set_enabled(false);
        assert_eq!(table(table_text, true), table_text);
    }

    fn regex_lite_strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

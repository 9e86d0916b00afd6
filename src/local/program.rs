//! What a simulated container "runs": kctl local starts no processes, so the
//! kubelet reads a tiny subset of the container's `command`/`args` to decide
//! what the container prints, how long it lives and how it exits. This is the
//! documented way to practise crash loops:
//!
//! ```yaml
//! command: ["sh", "-c", "echo starting; sleep 3; echo oops >&2; exit 1"]
//! ```
//!
//! Understood, in `sh -c` scripts (statements separated by `;`, `&&`, `||` or
//! newlines) and as a whole command: `echo [-n|-e] WORDS` (a log line;
//! `$HOSTNAME` is the pod name), `sleep N` (seconds; `s`/`m`/`h` suffixes,
//! `infinity`), `exit K`, `true`, `false`, `:`, and `while true; do ...; done`
//! (repeats its body forever). A script ends with the status of its last
//! command; the first statement not understood (say `nginx -g ...`) is a
//! long-running server: the container runs from there on.
//!
//! Containers with no command run forever and log like the test cluster's
//! node-sim (`<pod> <container> line <n>`, see `logs`). As in node-sim, the
//! annotations `sim.kctl.dev/terminate-after-seconds` and
//! `sim.kctl.dev/exit-code` make every container exit (here whatever the
//! restartPolicy; node-sim ignores them under `Always`), and Job pods without a
//! command exit 0 after one second.

use serde_json::Value;

pub const ANN_TERMINATE_AFTER: &str = "sim.kctl.dev/terminate-after-seconds";
pub const ANN_EXIT_CODE: &str = "sim.kctl.dev/exit-code";
/// Cap on the lines a looping program is expanded to.
const MAX_LINES: usize = 100_000;

/// Log lines at ms offsets.
pub type Lines = Vec<(u64, String)>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    /// Lines printed before any loop, at ms offsets from the start.
    pub lines: Vec<(u64, String)>,
    /// A body repeated forever from `.1` ms on, every `.2` ms.
    pub repeat: Option<(Lines, u64, u64)>,
    /// When (ms after the start) and with which code the container exits.
    pub exit: Option<(u64, i32)>,
    /// No command: node-sim's generated log lines.
    pub generated: bool,
}

impl Program {
    /// The lines printed in the first `until_ms` ms (all of them when None
    /// and the program ends).
    pub fn lines_until(&self, until_ms: u64) -> Vec<(u64, String)> {
        let mut out: Vec<(u64, String)> = self.lines.iter().filter(|(t, _)| *t <= until_ms).cloned().collect();
        if let Some((body, start, period)) = &self.repeat {
            if body.is_empty() {
                return out;
            }
            let mut base = *start;
            'outer: while base <= until_ms {
                for (t, l) in body {
                    if base + t > until_ms || out.len() >= MAX_LINES {
                        break 'outer;
                    }
                    out.push((base + t, l.clone()));
                }
                base += period;
            }
        }
        out
    }
}

/// The program of `container` in `pod`.
pub fn of(pod: &Value, container: &Value) -> Program {
    let argv: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|f| container[*f].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect::<Vec<_>>())
        .collect();
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or("");
    let mut prog = if argv.is_empty() {
        Program { generated: true, ..Default::default() }
    } else {
        let shell = argv[0].rsplit('/').next().unwrap_or("");
        if matches!(shell, "sh" | "bash" | "ash" | "dash") && argv.get(1).is_some_and(|a| a == "-c") {
            script(argv.get(2).map(String::as_str).unwrap_or(""), pod_name)
        } else {
            run(vec![argv.into_iter().map(|w| w.replace("$HOSTNAME", pod_name)).collect()])
        }
    };
    let ann = &pod["metadata"]["annotations"];
    let code = ann[ANN_EXIT_CODE].as_str().and_then(|s| s.trim().parse().ok());
    if let Some(secs) = ann[ANN_TERMINATE_AFTER].as_str().and_then(|s| s.trim().parse::<f64>().ok()) {
        prog.exit = Some(((secs * 1000.0) as u64, code.unwrap_or(0)));
    } else if prog.generated && pod["spec"]["restartPolicy"] != "Always" && owned_by_job(pod) {
        prog.exit = Some((1000, code.unwrap_or(0)));
    }
    prog
}

fn owned_by_job(pod: &Value) -> bool {
    pod["metadata"]["ownerReferences"].as_array().into_iter().flatten().any(|r| r["kind"] == "Job" && r["controller"] == true)
}

/// Splits a shell script into statements of words (quotes honoured, no expansion
/// but `$HOSTNAME`).
fn statements(script: &str, pod: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let end_word = |words: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            words.push(std::mem::take(word).replace("${HOSTNAME}", pod).replace("$HOSTNAME", pod));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$')) => word.push(chars.next().unwrap()),
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    if c != '\n' {
                        word.push(c);
                    }
                }
            }
            '&' if word.ends_with(['>', '<']) => word.push(c),
            ';' | '\n' | '&' | '|' => {
                end_word(&mut words, &mut word, &mut in_word);
                if matches!(c, '&' | '|') && chars.peek() == Some(&c) {
                    chars.next();
                }
                if !words.is_empty() {
                    out.push(std::mem::take(&mut words));
                }
            }
            '#' if !in_word => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                end_word(&mut words, &mut word, &mut in_word);
                if !words.is_empty() {
                    out.push(std::mem::take(&mut words));
                }
            }
            c if c.is_whitespace() => end_word(&mut words, &mut word, &mut in_word),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut words, &mut word, &mut in_word);
    if !words.is_empty() {
        out.push(words);
    }
    out
}

fn script(text: &str, pod: &str) -> Program {
    run(statements(text, pod))
}

/// Seconds of `sleep`'s argument, None for `infinity` or nonsense.
fn sleep_ms(arg: &str) -> Option<u64> {
    let (num, mult) = match arg.chars().last() {
        Some('s') => (&arg[..arg.len() - 1], 1.0),
        Some('m') => (&arg[..arg.len() - 1], 60.0),
        Some('h') => (&arg[..arg.len() - 1], 3600.0),
        Some('d') => (&arg[..arg.len() - 1], 86400.0),
        _ => (arg, 1.0),
    };
    let n: f64 = num.parse().ok().filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    Some((n * mult * 1000.0) as u64)
}

enum Step {
    Line(String),
    Sleep(u64),
    Status(i32),
    Exit(i32),
    Forever,
}

fn step(words: &[String]) -> Step {
    // Redirections do not change what the simulated log shows.
    let words: Vec<&str> = words.iter().map(String::as_str).filter(|w| !(w.starts_with('>') || w.starts_with("1>") || w.starts_with("2>"))).collect();
    match words.as_slice() {
        ["echo", rest @ ..] => {
            let rest: Vec<&str> = rest.iter().copied().skip_while(|w| matches!(*w, "-n" | "-e" | "-ne" | "-en")).collect();
            Step::Line(rest.join(" "))
        }
        ["printf", fmt, ..] => Step::Line(fmt.trim_end_matches("\\n").to_string()),
        ["sleep", arg] => sleep_ms(arg).map(Step::Sleep).unwrap_or(Step::Forever),
        ["exit"] => Step::Exit(0),
        ["exit", code] => Step::Exit(code.parse::<i32>().map(|c| c.rem_euclid(256)).unwrap_or(2)),
        ["true"] | [":"] => Step::Status(0),
        ["false"] => Step::Status(1),
        _ => Step::Forever,
    }
}

fn run(stmts: Vec<Vec<String>>) -> Program {
    let mut p = Program::default();
    let mut t = 0u64;
    let mut status = 0;
    let mut i = 0;
    while i < stmts.len() {
        let s = &stmts[i];
        if s.len() >= 2 && s[0] == "while" && matches!(s[1].as_str(), "true" | ":") {
            // `while true; do BODY; done`: the body (words after `do`) repeats forever.
            let mut body = Vec::new();
            let mut j = i + 1;
            let mut first = true;
            while j < stmts.len() && stmts[j].first().map(String::as_str) != Some("done") {
                let mut words = stmts[j].clone();
                if first && words.first().map(String::as_str) == Some("do") {
                    words.remove(0);
                }
                first = false;
                if !words.is_empty() {
                    body.push(words);
                }
                j += 1;
            }
            let mut lines = Vec::new();
            let mut bt = 0u64;
            for words in &body {
                match step(words) {
                    Step::Line(l) => lines.push((bt, l)),
                    Step::Sleep(ms) => bt += ms,
                    Step::Exit(code) if bt == 0 && lines.is_empty() => {
                        p.exit = Some((t, code));
                        return p;
                    }
                    Step::Status(_) | Step::Exit(_) | Step::Forever => {}
                }
            }
            // A loop that never sleeps would flood the log: one round a second.
            p.repeat = Some((lines, t, bt.max(1000)));
            return p;
        }
        match step(s) {
            Step::Line(l) => {
                p.lines.push((t, l));
                status = 0;
            }
            Step::Sleep(ms) => {
                t += ms;
                status = 0;
            }
            Step::Status(c) => status = c,
            Step::Exit(c) => {
                p.exit = Some((t, c));
                return p;
            }
            Step::Forever => return p,
        }
        i += 1;
    }
    p.exit = Some((t, status));
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prog(cmd: Value) -> Program {
        of(&json!({"metadata": {"name": "web-1"}, "spec": {"restartPolicy": "Always"}}), &json!({"name": "c", "command": cmd}))
    }

    #[test]
    fn shell_scripts() {
        let p = prog(json!(["sh", "-c", "echo starting; sleep 3; echo \"it's $HOSTNAME\" >&2; exit 1"]));
        assert_eq!(p.lines, vec![(0, "starting".to_string()), (3000, "it's web-1".to_string())]);
        assert_eq!(p.exit, Some((3000, 1)));
        assert_eq!(prog(json!(["/bin/sh", "-c", "sleep 2 && false"])).exit, Some((2000, 1)));
        assert_eq!(prog(json!(["sh", "-c", "echo hi"])).exit, Some((0, 0)));
        let server = prog(json!(["sh", "-c", "echo up; nginx -g 'daemon off;'"]));
        assert_eq!((server.lines.len(), server.exit), (1, None));
        assert_eq!(prog(json!(["sleep", "infinity"])).exit, None);
        assert_eq!(prog(json!(["false"])).exit, Some((0, 1)));
        assert!(prog(json!(["nginx"])).exit.is_none());
    }

    #[test]
    fn loops_repeat() {
        let p = prog(json!(["sh", "-c", "echo begin\nwhile true; do echo tick; sleep 5; done"]));
        assert_eq!(p.exit, None);
        let l = p.lines_until(12_000);
        assert_eq!(l.iter().map(|(t, s)| (*t, s.as_str())).collect::<Vec<_>>(), vec![(0, "begin"), (0, "tick"), (5000, "tick"), (10000, "tick")]);
    }

    #[test]
    fn annotations_and_jobs() {
        let pod = json!({"metadata": {"name": "p", "annotations": {ANN_TERMINATE_AFTER: "2", ANN_EXIT_CODE: "3"}}, "spec": {"restartPolicy": "Always"}});
        assert_eq!(of(&pod, &json!({"name": "c"})).exit, Some((2000, 3)));
        let job = json!({"metadata": {"name": "p", "ownerReferences": [{"kind": "Job", "controller": true}]}, "spec": {"restartPolicy": "Never"}});
        let p = of(&job, &json!({"name": "c"}));
        assert!(p.generated && p.exit == Some((1000, 0)));
    }
}

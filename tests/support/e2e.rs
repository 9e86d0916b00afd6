//! The normalisation shared by the end-to-end suite (tests/e2e.rs), which runs
//! the same scenarios on the real control plane and on `kctl local`.
//!
//! It is narrow on purpose: only values two clusters legitimately choose
//! differently are replaced, each by a fixed placeholder; everything else
//! (names, columns, messages, exit codes) must match byte for byte.
//!
//! - generated name parts: pod-template hashes and ReplicaSet/pod suffixes
//!   (`web-6749fd76d9-pgwxm`), and the suffixes of pods of the named
//!   generators (Jobs: `migrate-ksn2x`);
//! - ages (`5s`, `3m2s`) and timestamps (RFC 3339 and describe's RFC 1123Z);
//! - IPv4 addresses (cluster IPs, pod IPs, endpoints), container IDs (runtime and id);
//! - uids (also inside `pvc-<uid>` volume names) and resourceVersions;
//! - node names (`kctl-node-1` in the test cluster, `kctl-local` locally);
//! - the width of padding between columns, which follows from the values above
//!   (a 13-character IP widens its column): interior runs of two or more spaces
//!   become two. Leading indentation is kept.

use std::sync::OnceLock;

use regex::Regex;

use super::Output;

/// The characters of apiserver-generated suffixes and hashes (k8s.io/apimachinery
/// `rand.SafeEncodeString`): no vowels, no 0, 1 or 3.
const SAFE: &str = "[bcdfghjklmnpqrstvwxz2456789]";

pub struct Normaliser {
    rules: Vec<(Regex, String)>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap()
}

impl Normaliser {
    /// `generators`: names of objects whose children get a random 5-character
    /// suffix with no hash in between (Jobs, generateName prefixes).
    pub fn new(generators: &[&str]) -> Normaliser {
        let mut rules: Vec<(Regex, String)> = Vec::new();
        // RFC 3339 first, so that the IP rule does not see its digits.
        rules.push((re(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"), "<TIME>".into()));
        rules.push((re(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"), "<TIME>".into()));
        rules.push((re(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<UID>".into()));
        rules.push((re(r#"(resourceVersion"?:\s*"?)\d+"#), "${1}<RV>".into()));
        rules.push((re(r"\b(containerd|docker|cri-o|kctl)://[0-9a-f]{32,64}\b"), "<CONTAINER-ID>".into()));
        rules.push((re(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"), "<IP>".into()));
        rules.push((re(r"\bkctl-(node-\d+|local)\b"), "<NODE>".into()));
        // `pod-template-hash=...`, `pod-template-hash: "..."`, `controller-revision-hash`.
        rules.push((re(&format!(r#"((?:pod-template|controller-revision)-hash["']?[=:]\s*["']?)(?:[a-z0-9-]*-)?{SAFE}{{6,10}}\b"#)), "${1}<HASH>".into()));
        // `web-6749fd76d9-pgwxm` and `web-6749fd76d9` (a hash holds a digit in practice;
        // requiring one keeps words like `web-frontend` out).
        rules.push((re(&format!(r"\b([a-z][a-z0-9]*(?:-[a-z0-9]+)*?)-({SAFE}{{6,10}})(-{SAFE}{{5}})?\b")), "HASHED".into()));
        for g in generators {
            rules.push((re(&format!(r"\b({})-{SAFE}{{5}}\b", regex::escape(g))), "${1}-<SUF>".into()));
        }
        Normaliser { rules }
    }

    pub fn text(&self, s: &str) -> String {
        let mut s = s.to_string();
        for (r, rep) in &self.rules {
            s = if rep == "HASHED" {
                r.replace_all(&s, |c: &regex::Captures| {
                    let hash = &c[2];
                    if !hash.bytes().any(|b| b.is_ascii_digit()) {
                        return c[0].to_string();
                    }
                    let suffix = if c.get(3).is_some() { "-<SUF>" } else { "" };
                    format!("{}-<HASH>{suffix}", &c[1])
                })
                .into_owned()
            } else {
                r.replace_all(&s, rep.as_str()).into_owned()
            };
        }
        collapse_padding(&normalize_ages(&s))
    }

    pub fn output(&self, o: &Output) -> Output {
        Output { stdout: self.text(&o.stdout), stderr: self.text(&o.stderr), code: o.code }
    }
}

/// Tokens that read as kubectl ages become `<AGE>`, as `Norm::Age` does.
fn normalize_ages(text: &str) -> String {
    static AGE: OnceLock<Regex> = OnceLock::new();
    let age = AGE.get_or_init(|| re(r"^(\d+[ydhms](\d+[dhms])?|<invalid>)$"));
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut token = String::new();
        for c in line.chars().chain(std::iter::once('\n')) {
            if c == ' ' || c == '\t' || c == '\n' {
                out.push_str(if age.is_match(&token) { "<AGE>" } else { &token });
                token.clear();
                if c != '\n' {
                    out.push(c);
                }
            } else {
                token.push(c);
            }
        }
    }
    out
}

fn collapse_padding(text: &str) -> String {
    static PAD: OnceLock<Regex> = OnceLock::new();
    let pad = PAD.get_or_init(|| re(r"(\S)[ \t]{2,}"));
    let lines: Vec<String> = text.split('\n').map(|l| pad.replace_all(l.trim_end(), "$1  ").into_owned()).collect();
    lines.join("\n")
}

//! Differential test against the real kubectl: random objects full of
//! awkward strings, keys and numbers are printed by kubectl (offline, via
//! `kubectl annotate --local`) and by us, and must match byte for byte.
//!
//! Ignored by default since it needs kubectl on PATH:
//! `cargo test --bin kctl printers::differential -- --ignored`
//! (`KCTL_DIFF_CASES` sets the number of objects, `KCTL_DIFF_SEED` the seed).

use std::io::Write;
use std::process::Command;

use serde_json::{json, Map, Value};

use super::yaml::sort_is_deterministic;
use super::{json as json_printer, yaml};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PIECES: &[&str] = &[
    "a",
    "b",
    "z",
    "word",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n",
    "\t",
    ":",
    ": ",
    " #",
    "#",
    "-",
    "- ",
    "'",
    "\"",
    "\\",
    "?",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "0",
    "1",
    "9",
    "0x",
    "e3",
    ".",
    "_",
    "+",
    "~",
    "é",
    "日本",
    "\u{a0}",
    "😀",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "\0",
    "\u{1b}",
    "\r",
    "yes",
    "null",
    "true",
    "2024-01-15",
    "T10:00:00Z",
    "1:20",
    "---",
    "...",
    "<",
    "&amp;",
];

const WORDS: &[&str] = &[
    "", "y", "no", "on", "~", "0644", "1e3", ".5", "0x1F", "1_0", "12:30", "-", "<<", "a: b",
];

fn random_string(rng: &mut Rng, key: bool) -> String {
    if rng.below(8) == 0 {
        return rng.pick(WORDS).to_string();
    }
    let pieces = *rng.pick(&[0, 1, 2, 3, 5, 8, 13, 30, 60]);
    let mut s = String::new();
    for _ in 0..pieces {
        s.push_str(rng.pick::<&str>(PIECES));
    }
    if rng.below(6) == 0 {
        // Long runs of words exercise the 80-column folding.
        let words = 10 + rng.below(40);
        for i in 0..words {
            s.push_str(if i % 7 == 3 { "  " } else { " " });
            s.push_str(&"w".repeat(1 + rng.below(12)));
        }
    }
    if key {
        // Raw NEL in keys makes kubectl fail; the fixtures cover that.
        s = s.replace('\u{85}', "");
    }
    s
}

fn random_number(rng: &mut Rng) -> Value {
    match rng.below(4) {
        0 => json!(rng.next() as i64 >> rng.below(64)),
        1 => json!(*rng.pick(&[
            0.5,
            1.5,
            1e6 + 0.5,
            1e21,
            1e-7,
            123456.789,
            -2.5e-5,
            1e300,
            0.1
        ])),
        2 => json!(f64::from_bits(rng.next() >> 2) * if rng.below(2) == 0 { 1.0 } else { -1.0 }),
        _ => json!(rng.below(1000)),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let kind = if depth >= 4 {
        rng.below(4)
    } else {
        rng.below(7)
    };
    match kind {
        0 | 1 => Value::String(random_string(rng, false)),
        2 => random_number(rng),
        3 => json!(*rng.pick(&[Value::Null, json!(true), json!(false)])),
        4 | 5 => Value::Object(random_map(rng, depth + 1)),
        _ => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

fn random_map(rng: &mut Rng, depth: usize) -> Map<String, Value> {
    (0..rng.below(6))
        .map(|_| (random_string(rng, true), random_value(rng, depth)))
        .collect()
}

fn random_object(rng: &mut Rng, i: usize) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": format!("fuzz-{i}"), "annotations": {"fixture": "x"}},
        "data": random_map(rng, 1),
        "spec": random_value(rng, 1),
    })
}

/// kubectl's output (or "error: ..." message) for the object in `path`.
fn kubectl(path: &std::path::Path, format: &str) -> Result<String, String> {
    let out = Command::new("kubectl")
        .args(["annotate", "--local", "--overwrite", "-f"])
        .arg(path)
        .args(["fixture=x", "-o", format])
        .output()
        .expect("run kubectl");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).expect("UTF-8 output"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
#[ignore = "needs kubectl on PATH"]
fn random_objects_match_kubectl() {
    let cases: usize = std::env::var("KCTL_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("KCTL_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut compared, mut failures) = (0, Vec::new());
    for i in 0..cases {
        let value = random_object(&mut rng, i);
        // With an intransitive key order kubectl's own output is random.
        if !sort_is_deterministic(&value) {
            continue;
        }
        let path = dir.path().join(format!("case-{i}.json"));
        let mut file = std::fs::File::create(&path).expect("create case file");
        file.write_all(serde_json::to_string(&value).unwrap().as_bytes())
            .unwrap();
        drop(file);

        let want_yaml = kubectl(&path, "yaml");
        let got_yaml = yaml::try_to_string(&value).map_err(|e| format!("error: {e}\n"));
        let want_json = kubectl(&path, "json");
        let got_json = Ok(json_printer::to_string(&value));
        compared += 1;
        if want_yaml != got_yaml || want_json != got_json {
            let keep = std::env::temp_dir().join(format!("kctl-diff-{seed}-{i}.json"));
            std::fs::copy(&path, &keep).expect("keep failing case");
            failures.push(format!(
                "{}:\nyaml want {want_yaml:?}\nyaml got  {got_yaml:?}\njson ok: {}",
                keep.display(),
                want_json == got_json
            ));
        }
    }
    assert!(
        compared > cases / 2,
        "too few comparable cases ({compared})"
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

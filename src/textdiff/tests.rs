//! Byte-for-byte comparison with GNU diff (`/usr/bin/diff -u -N`) on the
//! corpus in testdata/textdiff (see scripts/gen-textdiff-corpus.py) and on
//! seeded random line edits. When /usr/bin/diff is missing, the corpus is
//! still checked against the blessed expected.diff files
//! (`TEXTDIFF_BLESS=1 cargo test --bin kctl textdiff` rewrites them).
//! The random test runs 50 batches of 200 cases from two fixed seeds;
//! `TEXTDIFF_RANDOM_BATCHES=N` and `TEXTDIFF_RANDOM_SEED=S` widen it.

use super::*;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

const GNU_DIFF: &str = "/usr/bin/diff";

fn gnu_available() -> bool {
    Path::new(GNU_DIFF).exists()
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/textdiff")
}

/// `diff -u -N live merged`: (stdout, exit status).
fn run_gnu(live: &Path, merged: &Path) -> (Vec<u8>, i32) {
    let out = Command::new(GNU_DIFF)
        .arg("-u")
        .arg("-N")
        .arg(live)
        .arg(merged)
        .output()
        .expect("run diff");
    assert!(
        out.status.code() != Some(2),
        "diff failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, out.status.code().unwrap_or(-1))
}

fn set_mtime(path: &Path, secs: i64, nsec: i64) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    let ts = [
        libc::timespec {
            tv_sec: secs as libc::time_t,
            tv_nsec: nsec as _,
        },
        libc::timespec {
            tv_sec: secs as libc::time_t,
            tv_nsec: nsec as _,
        },
    ];
    // SAFETY: valid NUL-terminated path and a two-element timespec array.
    let rc = unsafe { libc::utimensat(libc::AT_FDCWD, c.as_ptr(), ts.as_ptr(), 0) };
    assert_eq!(rc, 0, "utimensat {}", path.display());
}

/// Copy a corpus side into `dst` (created even when `src` is missing),
/// giving every file a distinct, deterministic nanosecond mtime.
fn copy_side(src: &Path, dst: &Path, stamp: &mut i64) {
    fs::create_dir_all(dst).unwrap();
    let Ok(rd) = fs::read_dir(src) else { return };
    let mut ents: Vec<_> = rd.map(|e| e.unwrap()).collect();
    ents.sort_by_key(|e| e.file_name());
    for e in ents {
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_side(&e.path(), &to, stamp);
        } else {
            fs::copy(e.path(), &to).unwrap();
            *stamp += 1;
            set_mtime(
                &to,
                1_714_557_600 + *stamp * 3_677,
                (*stamp * 123_456_789) % 1_000_000_000,
            );
        }
    }
}

/// Replace the temp dir and the label timestamps so outputs can be stored.
fn normalise(out: &[u8], root: &Path) -> String {
    let s = String::from_utf8_lossy(out).replace(&format!("{}/", root.display()), "");
    let re = regex::Regex::new(
        r"(?m)^((?:---|\+\+\+) .*)\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}$",
    )
    .unwrap();
    re.replace_all(&s, "$1\tTIME").into_owned()
}

fn corpus_cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(corpus_root())
        .expect("testdata/textdiff")
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    cases.sort();
    cases
}

#[test]
fn textdiff_corpus_matches_gnu_diff() {
    let bless = std::env::var_os("TEXTDIFF_BLESS").is_some();
    let gnu = gnu_available();
    let cases = corpus_cases();
    assert!(
        cases.len() >= 40,
        "corpus missing: run scripts/gen-textdiff-corpus.py"
    );
    let mut failures = Vec::new();
    for case in &cases {
        let tmp = tempfile::tempdir().unwrap();
        let (live, merged) = (tmp.path().join("LIVE-1234"), tmp.path().join("MERGED-5678"));
        let mut stamp = 0;
        copy_side(&corpus_root().join(case).join("LIVE"), &live, &mut stamp);
        copy_side(
            &corpus_root().join(case).join("MERGED"),
            &merged,
            &mut stamp,
        );

        let (ours, differ) = diff_dirs_bytes(&live, &merged).unwrap();
        let expected_path = corpus_root().join(case).join("expected.diff");
        if gnu {
            let (theirs, code) = run_gnu(&live, &merged);
            if ours != theirs || differ != (code == 1) {
                failures.push(format!(
                    "{case}: differ={differ} gnu exit={code}\n--- gnu\n{}\n--- ours\n{}",
                    String::from_utf8_lossy(&theirs),
                    String::from_utf8_lossy(&ours)
                ));
            }
            if bless {
                fs::write(&expected_path, normalise(&theirs, tmp.path())).unwrap();
            }
        }
        if let Ok(expected) = fs::read_to_string(&expected_path) {
            let got = normalise(&ours, tmp.path());
            if got != expected {
                failures.push(format!("{case}: differs from expected.diff\n{got}"));
            }
        } else if !bless {
            failures.push(format!("{case}: no expected.diff"));
        }

        // unified_pair over the same files, concatenated, gives the same bytes
        // for cases without subdirectories, binaries or odd names.
        if !["subdirs", "binary", "name_escaping"].contains(&case.as_str()) {
            assert_eq!(
                String::from_utf8_lossy(&ours),
                pairs_via_api(&live, &merged),
                "{case}: unified_pair"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "textdiff corpus: {} cases identical to GNU diff (gnu run: {gnu})",
        cases.len()
    );
}

/// The directory comparison rebuilt from `unified_pair` calls.
fn pairs_via_api(live: &Path, merged: &Path) -> String {
    let mut names: Vec<String> = Vec::new();
    for d in [live, merged] {
        for e in fs::read_dir(d).unwrap() {
            let n = e.unwrap().file_name().into_string().unwrap();
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names.sort();
    let mut out = String::new();
    for n in names {
        let read = |d: &Path| {
            let p = d.join(&n);
            let text = fs::read_to_string(&p).ok();
            let mtime = fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(UNIX_EPOCH);
            (p.to_str().unwrap().to_string(), text, mtime)
        };
        let (p0, t0, m0) = read(live);
        let (p1, t1, m1) = read(merged);
        out += &unified_pair(
            &FileSide {
                path: &p0,
                text: t0.as_deref(),
                mtime: m0,
            },
            &FileSide {
                path: &p1,
                text: t1.as_deref(),
                mtime: m1,
            },
        );
    }
    out
}

#[test]
fn textdiff_pair_api_basics() {
    let t = UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 5);
    let same = unified_pair(
        &FileSide {
            path: "L/x",
            text: Some("a\n"),
            mtime: t,
        },
        &FileSide {
            path: "M/x",
            text: Some("a\n"),
            mtime: t,
        },
    );
    assert_eq!(same, "");
    let absent = unified_pair(
        &FileSide {
            path: "L/x",
            text: None,
            mtime: t,
        },
        &FileSide {
            path: "M/x",
            text: Some(""),
            mtime: t,
        },
    );
    assert_eq!(absent, "");
    let created = unified_pair(
        &FileSide {
            path: "L/x",
            text: None,
            mtime: t,
        },
        &FileSide {
            path: "M/x",
            text: Some("a\nb"),
            mtime: t,
        },
    );
    let stamp = unified::format_mtime(1_700_000_000, 5);
    let epoch = unified::format_mtime(0, 0);
    assert_eq!(
        created,
        format!(
            "diff -u -N L/x M/x\n--- L/x\t{epoch}\n+++ M/x\t{stamp}\n@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n"
        )
    );
    assert!(stamp.ends_with(".000000005 +0000") || !stamp.contains("+0000"));
    assert_eq!(file_name_concat(b"/tmp/LIVE-1/", b"x"), b"/tmp/LIVE-1/x");
    assert_eq!(file_name_concat(b"/tmp/LIVE-1//", b"x"), b"/tmp/LIVE-1/x");
    assert_eq!(file_name_concat(b"/", b"x"), b"/x");
    assert_eq!(unified::c_escape(b"a b"), b"\"a b\"");
    assert_eq!(unified::c_escape("é".as_bytes()), b"\"\\303\\251\"");
}

/// xorshift64* — deterministic, no crate needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const YAML_POOL: &[&str] = &[
    "- name: x",
    "  value: \"1\"",
    "",
    "spec:",
    "  replicas: 3",
    "---",
    "}",
    "  - containerPort: 80",
    "    protocol: TCP",
    "metadata:",
    "  labels:",
    "    app: web",
    "\tindented: tab",
    "trailing ",
];

/// One random line: from a small pool (many repeats), a per-case tiny
/// alphabet, or unique.
fn random_line(rng: &mut Rng, alphabet: usize) -> String {
    match rng.below(10) {
        0..=3 => YAML_POOL[rng.below(YAML_POOL.len())].to_string(),
        4..=7 => format!("k{}", rng.below(alphabet)),
        _ => format!("unique-{}", rng.next() % 100_000),
    }
}

/// Lines unique to one side (always discarded) mixed with lines frequent
/// in both (provisionally discardable): exercises discard_confusing_lines.
fn discard_stress_pair(rng: &mut Rng) -> (Vec<String>, Vec<String>) {
    let len = if rng.chance(80) {
        10 + rng.below(300)
    } else {
        1000 + rng.below(3000)
    };
    let freq = 1 + rng.below(3);
    let shared = 1 + rng.below(40);
    let pf = 5 + rng.below(40);
    let pu = (10 + rng.below(90)).min(100 - pf);
    let line = |rng: &mut Rng, side: &str| {
        let r = rng.below(100);
        if r < pf {
            format!("- name: f{}", rng.below(freq))
        } else if r < pf + pu {
            format!("{side}-only-{}", rng.next() % 1_000_000)
        } else {
            format!("s{}", rng.below(shared))
        }
    };
    let old: Vec<String> = (0..len).map(|_| line(rng, "old")).collect();
    let keep = 30 + rng.below(70);
    let mut new = Vec::new();
    for l in &old {
        if rng.chance(keep) {
            new.push(l.clone());
        } else if rng.chance(50) {
            new.push(line(rng, "new"));
        }
        if rng.chance(10) {
            new.push(line(rng, "new"));
        }
    }
    (old, new)
}

fn random_pair(rng: &mut Rng) -> (Option<String>, Option<String>) {
    if rng.chance(30) {
        let (old, new) = discard_stress_pair(rng);
        let join = |v: &[String]| v.iter().map(|l| format!("{l}\n")).collect::<String>();
        return (Some(join(&old)), Some(join(&new)));
    }
    let len = match rng.below(20) {
        0 => 0,
        1..=13 => rng.below(30),
        14..=18 => 30 + rng.below(270),
        _ => 300 + rng.below(1200),
    };
    let alphabet = [1, 2, 3, 5, 10, 40][rng.below(6)];
    let old: Vec<String> = (0..len).map(|_| random_line(rng, alphabet)).collect();
    let mut new = old.clone();
    let edits = 1 + rng.below(if len > 100 { 30 } else { 6 });
    for _ in 0..edits {
        let at = rng.below(new.len() + 1);
        let n = 1 + rng.below(4);
        match rng.below(6) {
            0 | 1 => {
                for _ in 0..n {
                    new.insert(at.min(new.len()), random_line(rng, alphabet));
                }
            }
            2 | 3 => {
                let end = (at + n).min(new.len());
                new.drain(at.min(end)..end);
            }
            4 => {
                if at < new.len() {
                    new[at] = random_line(rng, alphabet);
                }
            }
            _ => {
                // Move or duplicate a block.
                let end = (at + n).min(new.len());
                let block: Vec<String> = new[at.min(end)..end].to_vec();
                if rng.chance(50) {
                    new.drain(at.min(end)..end);
                }
                let to = rng.below(new.len() + 1);
                for (k, l) in block.into_iter().enumerate() {
                    new.insert(to + k, l);
                }
            }
        }
    }
    let join = |v: &[String], rng: &mut Rng| {
        let mut s: String = v.iter().map(|l| format!("{l}\n")).collect();
        if !s.is_empty() && rng.chance(12) {
            s.pop();
        }
        s
    };
    let mut a = Some(join(&old, rng));
    let mut b = Some(join(&new, rng));
    if rng.chance(3) {
        a = None;
    } else if rng.chance(3) {
        b = None;
    }
    (a, b)
}

/// Split a directory-mode output into per-file pieces keyed by header.
fn pieces(out: &[u8]) -> Vec<String> {
    let s = String::from_utf8_lossy(out);
    let mut v: Vec<String> = Vec::new();
    for line in s.split_inclusive('\n') {
        if line.starts_with("diff -u -N ") || v.is_empty() {
            v.push(String::new());
        }
        v.last_mut().unwrap().push_str(line);
    }
    v
}

fn random_batches(seed: u64, batches: usize, per_batch: usize) -> (usize, Vec<String>) {
    let mut rng = Rng(seed);
    let mut passed = 0;
    let mut failures = Vec::new();
    for batch in 0..batches {
        let tmp = tempfile::tempdir().unwrap();
        let (live, merged) = (tmp.path().join("LIVE-r"), tmp.path().join("MERGED-r"));
        fs::create_dir_all(&live).unwrap();
        fs::create_dir_all(&merged).unwrap();
        let mut cases = Vec::new();
        for k in 0..per_batch {
            let name = format!("case{k:04}");
            let (a, b) = random_pair(&mut rng);
            for (dir, text) in [(&live, &a), (&merged, &b)] {
                if let Some(t) = text {
                    let p = dir.join(&name);
                    fs::write(&p, t).unwrap();
                    set_mtime(
                        &p,
                        1_600_000_000 + rng.below(400_000_000) as i64,
                        rng.below(1_000_000_000) as i64,
                    );
                }
            }
            cases.push((name, a, b));
        }
        let (ours, differ) = diff_dirs_bytes(&live, &merged).unwrap();
        let (theirs, code) = run_gnu(&live, &merged);
        if ours == theirs && differ == (code == 1) {
            passed += per_batch;
            continue;
        }
        // Find the differing files.
        let (po, pt) = (pieces(&ours), pieces(&theirs));
        let mut bad = 0;
        for (name, a, b) in &cases {
            let find = |v: &[String]| {
                v.iter()
                    .find(|p| p.starts_with("diff -u -N ") && p.contains(&format!("/{name}\t")))
                    .cloned()
            };
            if find(&po) != find(&pt) {
                bad += 1;
                if failures.len() < 5 {
                    failures.push(format!(
                        "seed {seed} batch {batch} {name}\n=== old {a:?}\n=== new {b:?}\n=== gnu\n{}\n=== ours\n{}",
                        find(&pt).unwrap_or_default(),
                        find(&po).unwrap_or_default()
                    ));
                }
            }
        }
        if bad == 0 {
            failures.push(format!("seed {seed} batch {batch}: outputs differ outside file pieces (exit {code} vs {differ})"));
            bad = per_batch;
        }
        passed += per_batch - bad;
    }
    (passed, failures)
}

#[test]
fn textdiff_random_edits_match_gnu_diff() {
    if !gnu_available() {
        eprintln!("textdiff random: {GNU_DIFF} not installed, skipped");
        return;
    }
    let (batches, per) = match std::env::var("TEXTDIFF_RANDOM_BATCHES") {
        Ok(v) => (v.parse().unwrap(), 200),
        Err(_) => (50, 200),
    };
    let mut total_pass = 0;
    let mut failures = Vec::new();
    let seeds = match std::env::var("TEXTDIFF_RANDOM_SEED") {
        Ok(v) => [
            v.parse::<u64>().unwrap(),
            v.parse::<u64>().unwrap().wrapping_mul(31).wrapping_add(7),
        ],
        Err(_) => [0x9E37_79B9_7F4A_7C15u64, 0xD1B5_4A32_D192_ED03],
    };
    for seed in seeds {
        let (p, f) = random_batches(seed, batches / 2, per);
        total_pass += p;
        failures.extend(f);
    }
    let total = (batches / 2) * 2 * per;
    eprintln!("textdiff random: {total_pass}/{total} cases identical to GNU diff");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Edit scripts long enough to hit diffseq.h's `too_expensive` cut-off.
#[test]
fn textdiff_too_expensive_matches_gnu_diff() {
    if !gnu_available() {
        return;
    }
    let mut rng = Rng(42);
    let tmp = tempfile::tempdir().unwrap();
    let (live, merged) = (tmp.path().join("LIVE"), tmp.path().join("MERGED"));
    fs::create_dir_all(&live).unwrap();
    fs::create_dir_all(&merged).unwrap();
    for (name, n, alphabet) in [("a", 12_000, 10), ("b", 9_000, 4)] {
        for dir in [&live, &merged] {
            let text: String = (0..n)
                .map(|_| format!("l{}\n", rng.below(alphabet)))
                .collect();
            fs::write(dir.join(name), text).unwrap();
        }
    }
    let (ours, differ) = diff_dirs_bytes(&live, &merged).unwrap();
    let (theirs, code) = run_gnu(&live, &merged);
    assert!(differ && code == 1);
    assert!(ours == theirs, "too_expensive output differs");
}

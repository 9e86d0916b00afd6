//! A built-in replacement for the `diff -u -N LIVE-XXXX MERGED-XXXX` that
//! `kubectl diff` runs: the same bytes as GNU diffutils 3.8, without the
//! external program.
//!
//! The edit script is GNU diff's own (see [`analyze`]): identical
//! prefix/suffix trimming with 3 horizon lines, `discard_confusing_lines`,
//! Myers' O(ND) `diag`/`compareseq` from gnulib's `diffseq.h` with the same
//! tie-breaking and `too_expensive` cut-off, and `shift_boundaries`, so
//! ambiguous edits (moved or repeated YAML lines) mark the same lines as
//! GNU diff does. Output (see [`unified`]) is `diff -u`'s: per-pair
//! `diff -u -N a b` header line in directory mode, `---`/`+++` labels with
//! local-time nanosecond mtimes (the epoch for an absent file),
//! `@@ -a,b +c,d @@` ranges, 3 lines of context, hunks merged when at most
//! 6 unchanged lines separate them, `\ No newline at end of file`.
//!
//! Directory mode follows `diff -u -N DIR1 DIR2` without `-r`: entries are
//! sorted with the locale's collation (`strcoll`, as diff does after
//! `setlocale(LC_ALL, "")`, ties by bytes); a file missing on one side is
//! compared with an empty file; subdirectories are reported as
//! `Common subdirectories: …` / `Only in …: …`; files whose first block
//! holds a NUL byte are reported as `Binary files … differ`.

// The API is consumed by `kctl diff`, written alongside this module.
#![allow(dead_code)]

mod analyze;
mod discard;
mod unified;

#[cfg(test)]
mod tests;

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The options kubectl passes, echoed by diff in each per-pair header.
const SWITCHES: &str = " -u -N";

/// diff's first read (`st_blksize`) decides whether a file is binary.
const DEFAULT_BLKSIZE: usize = 4096;

/// One side of a file comparison.
pub struct FileSide<'a> {
    /// The name diff prints (e.g. `/tmp/LIVE-123/apps.v1.Deployment.default.web`).
    pub path: &'a str,
    /// The contents; `None` = absent (`-N` treats it as empty).
    pub text: Option<&'a str>,
    /// Modification time, printed in the `---`/`+++` label (ignored when absent).
    pub mtime: SystemTime,
}

/// Output of `diff -u -N dir1 dir2` for one pair of files (including the
/// `diff -u -N a b` line GNU diff prints before each differing pair when
/// comparing directories), or "" when identical.
pub fn unified_pair(old: &FileSide, new: &FileSide) -> String {
    let sides = [side_of(old), side_of(new)];
    let mut out = Vec::new();
    diff_pair(&mut out, &sides[0], &sides[1]);
    String::from_utf8_lossy(&out).into_owned()
}

/// The whole `diff -u -N dir1 dir2` comparison of two directories, in GNU
/// diff's order, and whether there were differences (diff's exit status 1).
pub fn diff_dirs(dir1: &Path, dir2: &Path) -> io::Result<(String, bool)> {
    let (out, differ) = diff_dirs_bytes(dir1, dir2)?;
    let s = match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok((s, differ))
}

/// [`diff_dirs`] as raw bytes (for files that are not UTF-8).
pub fn diff_dirs_bytes(dir1: &Path, dir2: &Path) -> io::Result<(Vec<u8>, bool)> {
    let d1 = dir1.as_os_str().as_bytes();
    let d2 = dir2.as_os_str().as_bytes();
    let mut names = [read_names(dir1)?, read_names(dir2)?];
    let collator = Collator::from_env();
    for n in names.iter_mut() {
        n.sort_by(|a, b| collator.compare(a, b));
    }

    let mut out = Vec::new();
    let mut differ = false;
    let (mut i, mut j) = (0, 0);
    while i < names[0].len() || j < names[1].len() {
        let order = if i == names[0].len() {
            std::cmp::Ordering::Greater
        } else if j == names[1].len() {
            std::cmp::Ordering::Less
        } else {
            collator.compare(&names[0][i], &names[1][j])
        };
        let name0 = (order != std::cmp::Ordering::Greater).then(|| names[0][i].clone());
        let name1 = (order != std::cmp::Ordering::Less).then(|| names[1][j].clone());
        if name0.is_some() {
            i += 1;
        }
        if name1.is_some() {
            j += 1;
        }
        differ |= compare_entry(&mut out, d1, d2, name0.as_deref(), name1.as_deref())?;
    }
    Ok((out, differ))
}

/// A side as the comparison sees it.
struct Side<'a> {
    name: &'a [u8],
    /// `None` = nonexistent (empty, epoch mtime).
    text: Option<&'a [u8]>,
    mtime: (i64, u32),
    blksize: usize,
}

fn side_of<'a>(f: &FileSide<'a>) -> Side<'a> {
    Side {
        name: f.path.as_bytes(),
        text: f.text.map(str::as_bytes),
        mtime: split_time(f.mtime),
        blksize: DEFAULT_BLKSIZE,
    }
}

fn split_time(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            if d.subsec_nanos() == 0 {
                (-(d.as_secs() as i64), 0)
            } else {
                (-(d.as_secs() as i64) - 1, 1_000_000_000 - d.subsec_nanos())
            }
        }
    }
}

/// diff_2_files for one pair in directory mode; returns whether they differ.
fn diff_pair(out: &mut Vec<u8>, s0: &Side, s1: &Side) -> bool {
    if s0.text.is_none() && s1.text.is_none() {
        return false;
    }
    let t0 = s0.text.unwrap_or(b"");
    let t1 = s1.text.unwrap_or(b"");

    // io.c sip/binary_file_p: a NUL in the first block means binary.
    let binary =
        |s: &Side, t: &[u8]| s.text.is_some() && t[..t.len().min(s.blksize.max(1))].contains(&0);
    if binary(s0, t0) || binary(s1, t1) {
        if t0 == t1 {
            return false;
        }
        out.extend_from_slice(b"Binary files ");
        out.extend_from_slice(s0.name);
        out.extend_from_slice(b" and ");
        out.extend_from_slice(s1.name);
        out.extend_from_slice(b" differ\n");
        return true;
    }

    let p0 = analyze::Prepared::new(t0);
    let p1 = analyze::Prepared::new(t1);
    let analysis = analyze::analyze(&p0, &p1);
    if analysis.script.is_empty() {
        return false;
    }

    let n0 = unified::c_escape(s0.name);
    let n1 = unified::c_escape(s1.name);
    out.extend_from_slice(b"diff");
    out.extend_from_slice(SWITCHES.as_bytes());
    out.push(b' ');
    out.extend_from_slice(&n0);
    out.push(b' ');
    out.extend_from_slice(&n1);
    out.push(b'\n');
    for (mark, name, side) in [(&b"---"[..], &n0, s0), (&b"+++"[..], &n1, s1)] {
        let (secs, nsec) = if side.text.is_some() {
            side.mtime
        } else {
            (0, 0)
        };
        out.extend_from_slice(mark);
        out.push(b' ');
        out.extend_from_slice(name);
        out.push(b'\t');
        out.extend_from_slice(unified::format_mtime(secs, nsec).as_bytes());
        out.push(b'\n');
    }
    unified::print_hunks(out, &p0.lines(), &p1.lines(), &analysis.script);
    true
}

/// The names in a directory (without `.` and `..`); a nonexistent
/// directory reads as empty (`-N`).
fn read_names(dir: &Path) -> io::Result<Vec<Vec<u8>>> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for ent in rd {
        names.push(ent?.file_name().into_vec());
    }
    Ok(names)
}

/// gnulib `file_name_concat(dir, name)`.
fn file_name_concat(dir: &[u8], name: &[u8]) -> Vec<u8> {
    // last_component: skip leading slashes, then the last slash-separated part.
    let lead = dir.iter().take_while(|&&c| c == b'/').count();
    let mut base = lead;
    let mut saw_slash = false;
    for (p, &c) in dir.iter().enumerate().skip(lead) {
        if c == b'/' {
            saw_slash = true;
        } else if saw_slash {
            base = p;
            saw_slash = false;
        }
    }
    // base_len: strip trailing slashes (keeping one character).
    let mut baselen = dir.len() - base;
    while 1 < baselen && dir[base + baselen - 1] == b'/' {
        baselen -= 1;
    }
    let dirlen = base + baselen;
    let mut out = dir[..dirlen].to_vec();
    let name_slash = name.first() == Some(&b'/');
    if baselen != 0 {
        if dir[dirlen - 1] != b'/' && !name_slash {
            out.push(b'/');
        }
    } else if name_slash {
        out.push(b'.');
    }
    out.extend_from_slice(name);
    out
}

/// gnulib `file_type`, for "File X is a … while file Y is a …".
fn file_type(md: &std::fs::Metadata) -> &'static str {
    let ft = md.file_type();
    if ft.is_file() {
        if md.len() == 0 {
            "regular empty file"
        } else {
            "regular file"
        }
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_char_device() {
        "character special file"
    } else if ft.is_block_device() {
        "block special file"
    } else {
        "weird file"
    }
}

/// diff.c `compare_files` for one directory entry (no `-r`, with `-N`).
fn compare_entry(
    out: &mut Vec<u8>,
    d0: &[u8],
    d1: &[u8],
    name0: Option<&[u8]>,
    name1: Option<&[u8]>,
) -> io::Result<bool> {
    let name = name0.or(name1).expect("one side has the entry");
    let paths = [
        file_name_concat(d0, name0.unwrap_or(name)),
        file_name_concat(d1, name1.unwrap_or(name)),
    ];
    let mut md: [Option<std::fs::Metadata>; 2] = [None, None];
    for (f, present) in [name0.is_some(), name1.is_some()].into_iter().enumerate() {
        if present {
            md[f] = Some(std::fs::metadata(OsStr::from_bytes(&paths[f]))?);
        }
    }
    // -N: an inaccessible empty regular file counts as nonexistent.
    for m in md.iter_mut() {
        if let Some(x) = m {
            if x.is_file() && x.mode() & 0o777 == 0 && x.len() == 0 {
                *m = None;
            }
        }
    }
    let is_dir = |m: &Option<std::fs::Metadata>, other: &Option<std::fs::Metadata>| {
        m.as_ref().or(other.as_ref()).is_some_and(|x| x.is_dir())
    };
    let is_reg = |m: &Option<std::fs::Metadata>, other: &Option<std::fs::Metadata>| {
        m.as_ref().or(other.as_ref()).is_some_and(|x| x.is_file())
    };
    let (dir0, dir1) = (is_dir(&md[0], &md[1]), is_dir(&md[1], &md[0]));
    let lossy = |b: &[u8]| {
        OsString::from_vec(b.to_vec())
            .to_string_lossy()
            .into_owned()
    };

    if md[0].is_none() && md[1].is_none() {
        return Ok(false);
    }
    // With -N a missing side takes the other side's mode, so a directory
    // present on one side only is also reported as a common subdirectory.
    if dir0 && dir1 {
        out.extend_from_slice(
            format!(
                "Common subdirectories: {} and {}\n",
                lossy(&paths[0]),
                lossy(&paths[1])
            )
            .as_bytes(),
        );
        return Ok(false);
    }
    if dir0 || dir1 || !(is_reg(&md[0], &md[1]) && is_reg(&md[1], &md[0])) {
        if md[0].is_none() || md[1].is_none() {
            let dir = if md[0].is_none() { d1 } else { d0 };
            out.extend_from_slice(format!("Only in {}: {}\n", lossy(dir), lossy(name)).as_bytes());
        } else {
            out.extend_from_slice(
                format!(
                    "File {} is a {} while file {} is a {}\n",
                    lossy(&paths[0]),
                    file_type(md[0].as_ref().unwrap()),
                    lossy(&paths[1]),
                    file_type(md[1].as_ref().unwrap())
                )
                .as_bytes(),
            );
        }
        return Ok(true);
    }

    let mut texts: [Option<Vec<u8>>; 2] = [None, None];
    let mut mtimes = [(0i64, 0u32); 2];
    let mut blk = [DEFAULT_BLKSIZE; 2];
    for f in 0..2 {
        if let Some(m) = &md[f] {
            texts[f] = Some(std::fs::read(OsStr::from_bytes(&paths[f]))?);
            mtimes[f] = (m.mtime(), m.mtime_nsec() as u32);
            blk[f] = m.blksize() as usize;
        }
    }
    let s0 = Side {
        name: &paths[0],
        text: texts[0].as_deref(),
        mtime: mtimes[0],
        blksize: blk[0],
    };
    let s1 = Side {
        name: &paths[1],
        text: texts[1].as_deref(),
        mtime: mtimes[1],
        blksize: blk[1],
    };
    Ok(diff_pair(out, &s0, &s1))
}

extern "C" {
    fn strcoll_l(
        a: *const libc::c_char,
        b: *const libc::c_char,
        loc: libc::locale_t,
    ) -> libc::c_int;
}

/// dir.c `compare_names`: `strcoll` in the environment's locale (diff calls
/// `setlocale(LC_ALL, "")`), ties broken by byte order.
struct Collator {
    loc: libc::locale_t,
}

impl Collator {
    fn from_env() -> Self {
        // SAFETY: newlocale with an empty name reads LC_ALL/LC_*/LANG; a null
        // result means the locale is unavailable, and diff stays in "C".
        let loc = unsafe { libc::newlocale(libc::LC_ALL_MASK, c"".as_ptr(), std::ptr::null_mut()) };
        Collator { loc }
    }

    fn compare(&self, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
        if !self.loc.is_null() {
            if let (Ok(ca), Ok(cb)) = (CString::new(a), CString::new(b)) {
                // SAFETY: both strings are NUL-terminated; `loc` is a valid locale.
                let r = unsafe { strcoll_l(ca.as_ptr(), cb.as_ptr(), self.loc) };
                if r != 0 {
                    return r.cmp(&0);
                }
            }
        }
        a.cmp(b)
    }
}

impl Drop for Collator {
    fn drop(&mut self) {
        if !self.loc.is_null() {
            // SAFETY: `loc` came from newlocale and is freed once.
            unsafe { libc::freelocale(self.loc) };
        }
    }
}

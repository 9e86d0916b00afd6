//! Unified-format output of GNU diffutils 3.8 (`context.c`
//! `pr_unidiff_hunk`/`find_hunk`/`print_context_label`, `util.c`
//! `begin_output`/`print_1_line_nl`/`c_escape`).

use super::analyze::{Change, CONTEXT};

/// util.c `c_escape`: names containing a space, a control byte, `"` or `\`
/// (or any byte >= 0x80, which is a negative `char`) are printed quoted,
/// with C escapes.
pub(crate) fn c_escape(name: &[u8]) -> Vec<u8> {
    fn escape_char(c: u8) -> Option<u8> {
        match c {
            0x07 => Some(b'a'),
            0x08 => Some(b'b'),
            b'\t' => Some(b't'),
            b'\n' => Some(b'n'),
            0x0b => Some(b'v'),
            0x0c => Some(b'f'),
            b'\r' => Some(b'r'),
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            _ => None,
        }
    }
    // `c < 32` on a signed char: control bytes and bytes >= 0x80.
    let octal = |c: u8| !(32..0x80).contains(&c);
    let needs = name
        .iter()
        .any(|&c| c == b' ' || escape_char(c).is_some() || octal(c));
    if !needs {
        return name.to_vec();
    }
    let mut out = Vec::with_capacity(name.len() + 2);
    out.push(b'"');
    for &c in name {
        if let Some(e) = escape_char(c) {
            out.push(b'\\');
            out.push(e);
        } else if c != b' ' && octal(c) {
            out.push(b'\\');
            out.push(b'0' + ((c >> 6) & 3));
            out.push(b'0' + ((c >> 3) & 7));
            out.push(b'0' + (c & 7));
        } else {
            out.push(c);
        }
    }
    out.push(b'"');
    out
}

extern "C" {
    fn tzset();
}

/// `%Y-%m-%d %H:%M:%S.%N %z` in the local time zone (as diff's
/// `localtime` + `nstrftime`), or diff's `SECONDS.NANOS` fallback when the
/// time cannot be broken down.
pub(crate) fn format_mtime(secs: i64, nsec: u32) -> String {
    let t = secs as libc::time_t;
    // SAFETY: tzset/localtime_r only read the environment and tz data;
    // `tm` is a plain C struct fully written by a successful localtime_r.
    let tm = unsafe {
        tzset();
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return format!("{secs}.{nsec:09}");
        }
        tm
    };
    let off = tm.tm_gmtoff as i64;
    let sign = if off < 0 { '-' } else { '+' };
    let a = off.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:09} {}{:02}{:02}",
        tm.tm_year as i64 + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        nsec,
        sign,
        a / 3600,
        a / 60 % 60
    )
}

/// Print one line as diff does: an incomplete last line is followed by
/// `\ No newline at end of file`.
fn put_line(out: &mut Vec<u8>, flag: u8, line: &[u8]) {
    out.push(flag);
    out.extend_from_slice(line);
    if line.last() != Some(&b'\n') {
        out.extend_from_slice(b"\n\\ No newline at end of file\n");
    }
}

/// context.c `print_unidiff_number_range` for 0-based inclusive `a..=b`.
fn number_range(out: &mut Vec<u8>, a: isize, b: isize) {
    let (ta, tb) = (a + 1, b + 1);
    let s = if tb <= ta {
        if tb < ta {
            format!("{tb},0")
        } else {
            format!("{tb}")
        }
    } else {
        format!("{},{}", ta, tb - ta + 1)
    };
    out.extend_from_slice(s.as_bytes());
}

/// Print the hunks of `script` (context.c `print_script` with `find_hunk`
/// and `pr_unidiff_hunk`). Line numbers in `script` are absolute.
pub(crate) fn print_hunks(
    out: &mut Vec<u8>,
    lines0: &[&[u8]],
    lines1: &[&[u8]],
    script: &[Change],
) {
    let mut k = 0;
    while k < script.len() {
        // find_hunk: extend while fewer than 2*CONTEXT+1 unchanged lines
        // separate consecutive changes.
        let start = k;
        loop {
            let top0 = script[k].line0 + script[k].deleted;
            if k + 1 < script.len() && script[k + 1].line0 - top0 < 2 * CONTEXT + 1 {
                k += 1;
            } else {
                break;
            }
        }
        let hunk = &script[start..=k];
        k += 1;

        let last = hunk[hunk.len() - 1];
        let mut first0 = hunk[0].line0;
        let mut first1 = hunk[0].line1;
        let mut last0 = last.line0 + last.deleted - 1;
        let mut last1 = last.line1 + last.inserted - 1;
        let (valid0, valid1) = (lines0.len() as isize, lines1.len() as isize);
        first0 = (first0 - CONTEXT).max(0);
        first1 = (first1 - CONTEXT).max(0);
        last0 = if last0 < valid0 - CONTEXT {
            last0 + CONTEXT
        } else {
            valid0 - 1
        };
        last1 = if last1 < valid1 - CONTEXT {
            last1 + CONTEXT
        } else {
            valid1 - 1
        };

        out.extend_from_slice(b"@@ -");
        number_range(out, first0, last0);
        out.extend_from_slice(b" +");
        number_range(out, first1, last1);
        out.extend_from_slice(b" @@\n");

        let mut next = 0;
        let mut i = first0;
        let mut j = first1;
        while i <= last0 || j <= last1 {
            if next >= hunk.len() || i < hunk[next].line0 {
                put_line(out, b' ', lines0[i as usize]);
                i += 1;
                j += 1;
            } else {
                for _ in 0..hunk[next].deleted {
                    put_line(out, b'-', lines0[i as usize]);
                    i += 1;
                }
                for _ in 0..hunk[next].inserted {
                    put_line(out, b'+', lines1[j as usize]);
                    j += 1;
                }
                next += 1;
            }
        }
    }
}

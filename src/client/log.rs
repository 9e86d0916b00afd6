//! klog-style lines on stderr, so `-v=6..9` output reads like kubectl's.

use std::io::Write;
use std::time::SystemTime;

/// `E1127 12:03:31.019348   20385 file.go:265] msg`
pub fn klog_line(severity: char, location: &str, msg: &str) -> String {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let days = secs.div_euclid(86400);
    let tod = secs.rem_euclid(86400);
    let (_, m, d) = crate::calendar::civil_from_days(days);
    format!(
        "{severity}{m:02}{d:02} {:02}:{:02}:{:02}.{:06} {:>7} {location}] {msg}\n",
        tod / 3600,
        (tod / 60) % 60,
        tod % 60,
        now.subsec_micros(),
        std::process::id()
    )
}

pub fn emit(severity: char, location: &str, msg: &str) {
    let line = klog_line(severity, location, msg);
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}


/// A klog structured value: quoted, or for multi-line text klog's `<\n\t…\n >` block.
pub fn kv_value(s: &str) -> String {
    if !s.contains('\n') {
        return go_quote(s);
    }
    let mut out = String::from("<\n");
    for line in s.trim_end_matches('\n').split('\n') {
        out.push('\t');
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(" >");
    out
}

pub use crate::gostr::quote as go_quote;


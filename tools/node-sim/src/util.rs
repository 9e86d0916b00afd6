//! Small helpers: logging, Kubernetes time formats, JSON accessors.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// Concise stderr logging with a UTC timestamp.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        eprintln!(
            "{} node-sim: {}",
            chrono::Utc::now().format("%H:%M:%S%.3f"),
            format!($($arg)*)
        )
    };
}

/// metav1.Time (RFC3339, whole seconds).
pub fn k8s_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// metav1.MicroTime (RFC3339 with microseconds).
pub fn k8s_micro_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The kubelet's log timestamp format (RFC3339Nano with fixed 9 digits).
pub fn log_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

pub fn now_k8s() -> String {
    k8s_time(Utc::now())
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// `v[a][b]...` as &str, or "".
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

/// 64 hex digits derived deterministically from `parts` (FNV-1a based; only
/// needs to look like a container/image digest, not be cryptographic).
pub fn hex_digest(parts: &[&str]) -> String {
    let mut out = String::with_capacity(64);
    for round in 0u64..4 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0u8)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// Percent-decode one URL path segment / query value.
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Go's strconv.ParseBool.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

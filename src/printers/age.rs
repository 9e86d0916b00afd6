//! kubectl's human-readable durations (the AGE column).

use std::time::SystemTime;

/// apimachinery's HumanDuration: `45s`, `3m20s`, `5h`, `3d4h`, `2y10d`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 { format!("{}y", hours / 24 / 365) } else { format!("{}y{dy}d", hours / 24 / 365) };
    }
    format!("{}y", hours / 24 / 365)
}

/// Age of an RFC 3339 timestamp relative to now, or `<unknown>` when absent.
pub fn age_of(timestamp: Option<&str>) -> String {
    let Some(ts) = timestamp.and_then(crate::client::exec::parse_rfc3339) else {
        return "<unknown>".into();
    };
    let now = SystemTime::now();
    let secs = match now.duration_since(ts) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    human_duration(secs)
}

#[cfg(test)]
mod tests {
    use super::human_duration as h;

    #[test]
    fn kubectl_durations() {
        assert_eq!(h(-5), "<invalid>");
        assert_eq!(h(-1), "0s");
        assert_eq!(h(59), "59s");
        assert_eq!(h(119), "119s");
        assert_eq!(h(120), "2m");
        assert_eq!(h(200), "3m20s");
        assert_eq!(h(600), "10m");
        assert_eq!(h(3 * 3600), "3h");
        assert_eq!(h(3 * 3600 + 60), "3h1m");
        assert_eq!(h(47 * 3600), "47h");
        assert_eq!(h(3 * 86400 + 4 * 3600), "3d4h");
        assert_eq!(h(30 * 86400), "30d");
        assert_eq!(h(800 * 86400), "2y70d");
        assert_eq!(h(9 * 365 * 86400), "9y");
    }
}

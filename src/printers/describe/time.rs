//! Timestamps as describe prints them: Go's `time.RFC1123Z` layout
//! (`Mon, 02 Jan 2006 15:04:05 -0700`) in the local time zone, which Go
//! takes from `TZ` or /etc/localtime (TZif files).

use std::sync::OnceLock;

/// Seconds since the epoch of an RFC 3339 timestamp.
pub fn unix_seconds(ts: &str) -> Option<i64> {
    let t = crate::client::exec::parse_rfc3339(ts)?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs() as i64)
}

/// `t.Format(time.RFC1123Z)` of an RFC 3339 timestamp; the text as given
/// when it does not parse.
pub fn rfc1123z(ts: &str) -> String {
    match unix_seconds(ts) {
        Some(secs) => format_rfc1123z(secs, local_zone(secs).0),
        None => ts.to_string(),
    }
}

/// Go's `time.Time.String()` of an RFC 3339 timestamp in the local zone:
/// `2006-01-02 15:04:05 -0700 MST`.
pub fn go_string(ts: &str) -> String {
    let secs = unix_seconds(ts).unwrap_or(-62135596800);
    let (offset, abbr) = local_zone(secs);
    let local = secs + offset as i64;
    let (y, m, d) = crate::calendar::civil_from_days(local.div_euclid(86400));
    let rem = local.rem_euclid(86400);
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.abs();
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} {sign}{:02}{:02} {abbr}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        off / 3600,
        off % 3600 / 60
    )
}

pub fn format_rfc1123z(secs: i64, offset: i32) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let local = secs + offset as i64;
    let days = local.div_euclid(86400);
    let rem = local.rem_euclid(86400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let sign = if offset < 0 { '-' } else { '+' };
    let off = offset.abs();
    format!(
        "{weekday}, {d:02} {} {y:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        off / 3600,
        off % 3600 / 60
    )
}

/// Go's `Format(time.RFC3339)`: seconds, and `Z` when the offset is zero.
pub fn format_rfc3339(secs: i64, offset: i32) -> String {
    let local = secs + offset as i64;
    let (y, m, d) = crate::calendar::civil_from_days(local.div_euclid(86400));
    let rem = local.rem_euclid(86400);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let o = offset.abs();
        format!("{sign}{:02}:{:02}", o / 3600, (o % 3600) / 60)
    };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}", rem / 3600, (rem % 3600) / 60, rem % 60)
}


/// The local zone's UTC offset (seconds east) and abbreviation at `secs`.
pub fn local_zone(secs: i64) -> (i32, String) {
    static ZONE: OnceLock<Option<Zone>> = OnceLock::new();
    ZONE.get_or_init(load_local).as_ref().map_or((0, "UTC".to_string()), |z| z.at(secs))
}

/// Go's rules: no TZ means /etc/localtime; an empty TZ or "UTC" means UTC;
/// an absolute path is read as is; other names come from the zoneinfo database.
fn load_local() -> Option<Zone> {
    let path = match std::env::var("TZ") {
        Err(_) => "/etc/localtime".to_string(),
        Ok(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(&tz).to_string();
            if tz.is_empty() || tz == "UTC" {
                return None;
            }
            if tz.starts_with('/') {
                tz
            } else {
                format!("/usr/share/zoneinfo/{tz}")
            }
        }
    };
    Zone::parse(&std::fs::read(path).ok()?)
}

/// The parts of a TZif file needed for offsets: transitions (to local time
/// types: offset and abbreviation), and for times after the last one, the
/// footer's standard time (a fixed zone's rule; daylight-saving rules in the
/// footer are not evaluated).
struct Zone {
    types: Vec<(i32, String)>,
    transitions: Vec<(i64, usize)>,
    after: Option<(i32, String)>,
}

impl Zone {
    fn parse(data: &[u8]) -> Option<Zone> {
        let header = |d: &[u8]| -> Option<[usize; 6]> {
            if d.len() < 44 || &d[..4] != b"TZif" {
                return None;
            }
            let mut c = [0usize; 6];
            for (i, v) in c.iter_mut().enumerate() {
                *v = u32::from_be_bytes(d[20 + 4 * i..24 + 4 * i].try_into().ok()?) as usize;
            }
            Some(c)
        };
        let [isut, isstd, leap, time, typ, chars] = header(data)?;
        let v1_len = 44 + time * 5 + typ * 6 + chars + leap * 8 + isstd + isut;
        let (body, width) = if data[4] >= b'2' && data.len() > v1_len {
            (&data[v1_len..], 8)
        } else {
            (data, 4)
        };
        let [isut, isstd, leap, time, typ, chars] = header(body)?;
        let mut p = 44;
        let read_time = |b: &[u8]| -> i64 {
            if width == 8 {
                i64::from_be_bytes(b.try_into().unwrap())
            } else {
                i32::from_be_bytes(b.try_into().unwrap()) as i64
            }
        };
        let times: Vec<i64> = (0..time).map(|i| body.get(p + i * width..p + (i + 1) * width).map(read_time)).collect::<Option<_>>()?;
        p += time * width;
        let idx = body.get(p..p + time)?.to_vec();
        p += time;
        let type_bytes = body.get(p..p + typ * 6)?;
        let abbrs = body.get(p + typ * 6..p + typ * 6 + chars)?;
        let types: Vec<(i32, String)> = type_bytes
            .chunks(6)
            .map(|t| {
                let offset = i32::from_be_bytes(t[..4].try_into().unwrap());
                let start = (t[5] as usize).min(abbrs.len());
                let end = abbrs[start..].iter().position(|c| *c == 0).map_or(abbrs.len(), |e| start + e);
                (offset, String::from_utf8_lossy(&abbrs[start..end]).into_owned())
            })
            .collect();
        p += typ * 6 + chars + leap * (width + 4) + isstd + isut;
        let transitions = times.into_iter().zip(idx).map(|(t, i)| ((i as usize) < types.len()).then_some((t, i as usize))).collect::<Option<Vec<_>>>()?;
        types.first()?;
        let after = if width == 8 { body.get(p..).and_then(footer_zone) } else { None };
        Some(Zone { types, transitions, after })
    }

    fn at(&self, secs: i64) -> (i32, String) {
        match self.transitions.iter().rposition(|(t, _)| *t <= secs) {
            None => self.types[0].clone(),
            Some(i) if i + 1 == self.transitions.len() => self.after.clone().unwrap_or_else(|| self.types[self.transitions[i].1].clone()),
            Some(i) => self.types[self.transitions[i].1].clone(),
        }
    }
}

/// The zone of a footer like `\nJST-9\n` or `\n<+0530>-5:30\n`, when it
/// has no daylight-saving part.
fn footer_zone(b: &[u8]) -> Option<(i32, String)> {
    let s = std::str::from_utf8(b).ok()?.trim_matches('\n');
    let (abbr, rest) = if let Some(r) = s.strip_prefix('<') {
        let close = r.find('>')?;
        (&r[..close], &r[close + 1..])
    } else {
        let end = s.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(s.len());
        (&s[..end], &s[end..])
    };
    let end = rest.find(|c: char| c.is_ascii_alphabetic() || c == '<' || c == ',').unwrap_or(rest.len());
    if end != rest.len() {
        return None;
    }
    let (sign, num) = match rest.strip_prefix('-') {
        Some(n) => (1, n),
        None => (-1, rest.strip_prefix('+').unwrap_or(rest)),
    };
    let mut parts = num.split(':').map(|p| p.parse::<i32>().ok());
    let h = parts.next()??;
    let m = parts.next().flatten().unwrap_or(0);
    Some((sign * (h * 3600 + m * 60), abbr.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339() {
        assert_eq!(super::format_rfc3339(1_795_789_682, 0), "2026-11-27T14:28:02Z");
        assert_eq!(super::format_rfc3339(0, 3600), "1970-01-01T01:00:00+01:00");
    }

    use super::*;

    #[test]
    fn formats_rfc1123z() {
        let secs = unix_seconds("2026-11-27T14:27:19Z").unwrap();
        assert_eq!(format_rfc1123z(secs, 0), "Fri, 27 Nov 2026 14:27:19 +0000");
        assert_eq!(format_rfc1123z(secs, -5 * 3600 - 1800), "Fri, 27 Nov 2026 08:57:19 -0530");
        assert_eq!(format_rfc1123z(0, 3600), "Thu, 01 Jan 1970 01:00:00 +0100");
    }

    #[test]
    fn fixed_footers() {
        assert_eq!(footer_zone(b"\nJST-9\n"), Some((9 * 3600, "JST".to_string())));
        assert_eq!(footer_zone(b"\n<-03>3\n"), Some((-3 * 3600, "-03".to_string())));
        assert_eq!(footer_zone(b"\nCET-1CEST,M3.5.0,M10.5.0/3\n"), None);
    }
}

//! The PodLogOptions a `logs` invocation asks for, and the flag values that
//! feed them (Go durations and RFC 3339 times, with Go's error wording). Pure.

use crate::client::Request;

/// What one log request asks of the kubelet (core/v1 PodLogOptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    pub container: String,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub since_seconds: Option<i64>,
    /// Unix seconds (metav1.Time travels with whole seconds).
    pub since_time: Option<i64>,
    pub tail_lines: Option<i64>,
    pub limit_bytes: Option<i64>,
    pub insecure_skip_tls_verify_backend: bool,
}

impl LogOptions {
    /// `GET …/pods/NAME/log` with the options as client-go's parameter codec
    /// encodes them (zero values left out).
    pub fn request(&self, namespace: &str, pod: &str) -> Request {
        let mut r = Request::get(format!("/api/v1/namespaces/{namespace}/pods/{pod}/log"));
        if !self.container.is_empty() {
            r = r.query("container", self.container.clone());
        }
        if self.follow {
            r = r.query("follow", "true");
        }
        if self.previous {
            r = r.query("previous", "true");
        }
        if let Some(s) = self.since_seconds {
            r = r.query("sinceSeconds", s.to_string());
        }
        if let Some(t) = self.since_time {
            r = r.query("sinceTime", format_rfc3339(t, None));
        }
        if self.timestamps {
            r = r.query("timestamps", "true");
        }
        if let Some(t) = self.tail_lines {
            r = r.query("tailLines", t.to_string());
        }
        if let Some(b) = self.limit_bytes {
            r = r.query("limitBytes", b.to_string());
        }
        if self.insecure_skip_tls_verify_backend {
            r = r.query("insecureSkipTLSVerifyBackend", "true");
        }
        r
    }
}

/// Go's `time.ParseDuration`, signed, as nanoseconds; the error is Go's text.
pub fn parse_duration(s: &str) -> Result<i128, String> {
    let quoted = crate::printers::jsonpath::gofmt::quote(s);
    let invalid = || format!("time: invalid duration {quoted}");
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." {
            return Err(invalid());
        }
        let value: f64 = num.parse().map_err(|_| invalid())?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let scale = match unit {
            "" => return Err(format!("time: missing unit in duration {quoted}")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => {
                return Err(format!("time: unknown unit {} in duration {quoted}", crate::printers::jsonpath::gofmt::quote(other)))
            }
        };
        total += value * scale;
    }
    let nanos = total.round() as i128;
    Ok(if neg { -nanos } else { nanos })
}

/// `Duration.Round(time.Second)` in seconds: halves round away from zero.
pub fn round_to_seconds(nanos: i128) -> i64 {
    let s = 1_000_000_000i128;
    let q = nanos / s;
    let r = nanos % s;
    let q = if r.abs() * 2 >= s { q + r.signum() } else { q };
    q as i64
}

/// kubectl's `util.ParseRFC3339` (RFC3339Nano, then RFC3339): unix seconds and
/// nanoseconds. The error repeats Go's `time.Parse` wording for the RFC3339 layout.
pub fn parse_since_time(value: &str) -> Result<(i64, u32), String> {
    const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";
    let q = crate::printers::jsonpath::gofmt::quote;
    let cannot = |rest: &str, elem: &str| format!("parsing time {} as {}: cannot parse {} as {}", q(value), q(LAYOUT), q(rest), q(elem));
    let range = |what: &str| format!("parsing time {}: {what} out of range", q(value));
    let mut rest = value;
    // Each layout element: the literal before it, then a number of 4 or 2 digits.
    let fields: [(&str, &str, usize); 6] = [("", "2006", 4), ("-", "01", 2), ("-", "02", 2), ("T", "15", 2), (":", "04", 2), (":", "05", 2)];
    let mut nums = [0i64; 6];
    for (i, (lit, elem, width)) in fields.iter().enumerate() {
        if !lit.is_empty() {
            match rest.strip_prefix(lit) {
                Some(r) => rest = r,
                None => return Err(cannot(rest, lit)),
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        // The hour may have one digit; everything else is fixed width.
        let take = if *elem == "15" { digits.min(2) } else { *width };
        if digits < take || take == 0 {
            return Err(cannot(rest, elem));
        }
        nums[i] = rest[..take].parse().unwrap_or(0);
        rest = &rest[take..];
    }
    let [year, month, day, hour, minute, second] = nums;
    if !(1..=12).contains(&month) {
        return Err(range("month"));
    }
    if hour > 23 {
        return Err(range("hour"));
    }
    if minute > 59 {
        return Err(range("minute"));
    }
    if second > 59 {
        return Err(range("second"));
    }
    let mut nanos = 0u32;
    if rest.len() >= 2 && (rest.starts_with('.') || rest.starts_with(',')) && rest.as_bytes()[1].is_ascii_digit() {
        let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
        let digits = &rest[1..1 + n];
        nanos = format!("{:0<9}", &digits[..n.min(9)]).parse().unwrap_or(0);
        rest = &rest[1 + n..];
    }
    let offset = if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let b = rest.as_bytes();
        let ok = b.len() >= 6 && (b[0] == b'+' || b[0] == b'-') && b[3] == b':' && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit());
        if !ok {
            return Err(cannot(rest, "Z07:00"));
        }
        let h: i64 = rest[1..3].parse().unwrap_or(0);
        let m: i64 = rest[4..6].parse().unwrap_or(0);
        if h > 24 || m > 60 {
            return Err(range("time zone offset"));
        }
        let sign = if b[0] == b'-' { -1 } else { 1 };
        rest = &rest[6..];
        sign * (h * 3600 + m * 60)
    };
    if !rest.is_empty() {
        return Err(format!("parsing time {}: extra text: {}", q(value), q(rest)));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(range("day"));
    }
    let secs = crate::calendar::days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
    Ok((secs, nanos))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}



/// UTC RFC 3339: whole seconds (metav1.Time) or with nine digits (the kubelet's
/// log timestamps).
pub fn format_rfc3339(secs: i64, nanos: Option<u32>) -> String {
    let (y, mo, d) = crate::calendar::civil_from_days(secs.div_euclid(86400));
    let tod = secs.rem_euclid(86400);
    let frac = nanos.map(|n| format!(".{n:09}")).unwrap_or_default();
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z", tod / 3600, (tod / 60) % 60, tod % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(parse_duration("5s"), Ok(5_000_000_000));
        assert_eq!(parse_duration("-1s"), Ok(-1_000_000_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert_eq!(parse_duration("3x").unwrap_err(), r#"time: unknown unit "x" in duration "3x""#);
        assert_eq!(parse_duration("3").unwrap_err(), r#"time: missing unit in duration "3""#);
        assert_eq!(parse_duration("bogus").unwrap_err(), r#"time: invalid duration "bogus""#);
        assert_eq!(round_to_seconds(1_500_000_000), 2);
        assert_eq!(round_to_seconds(1_499_999_999), 1);
        assert_eq!(round_to_seconds(-1_500_000_000), -2);
        assert_eq!(round_to_seconds(400_000_000), 0);
    }

    #[test]
    fn since_time_like_go() {
        assert_eq!(parse_since_time("2020-01-01T00:00:00Z").unwrap(), (1577836800, 0));
        assert_eq!(parse_since_time("2020-01-01T02:00:00.5+02:00").unwrap(), (1577836800, 500_000_000));
        assert_eq!(
            parse_since_time("bogus").unwrap_err(),
            r#"parsing time "bogus" as "2006-01-02T15:04:05Z07:00": cannot parse "bogus" as "2006""#
        );
        assert_eq!(
            parse_since_time("2020-01-01").unwrap_err(),
            r#"parsing time "2020-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#
        );
        assert_eq!(parse_since_time("2020-13-01T00:00:00Z").unwrap_err(), r#"parsing time "2020-13-01T00:00:00Z": month out of range"#);
        assert_eq!(parse_since_time("2020-01-01T00:00:00Zx").unwrap_err(), r#"parsing time "2020-01-01T00:00:00Zx": extra text: "x""#);
        assert_eq!(format_rfc3339(1577836800, None), "2020-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1577836800, Some(5)), "2020-01-01T00:00:00.000000005Z");
    }

    #[test]
    fn request_encodes_only_set_options() {
        let o = LogOptions { container: "c".into(), tail_lines: Some(10), since_time: Some(1577836800), ..Default::default() };
        assert_eq!(
            o.request("ns", "p").path_and_query(),
            "/api/v1/namespaces/ns/pods/p/log?container=c&sinceTime=2020-01-01T00%3A00%3A00Z&tailLines=10"
        );
        let o = LogOptions { container: "c".into(), follow: true, previous: true, timestamps: true, limit_bytes: Some(5), ..Default::default() };
        assert_eq!(o.request("ns", "p").path_and_query(), "/api/v1/namespaces/ns/pods/p/log?container=c&follow=true&limitBytes=5&previous=true&timestamps=true");
    }
}

//! Settings resolved once, before any command runs: flags, environment and kubeconfig.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::client::Client;
use crate::error::CliError;
use crate::kubeconfig::{self, LoadedKubeconfig, RestConfig};

pub struct Settings {
    pub global: GlobalArgs,
    /// `--request-timeout`, parsed; `None` means no timeout.
    pub request_timeout: Option<Duration>,
    pub cache_dir: PathBuf,
    pub verbosity: u8,
    loaded: OnceCell<LoadedKubeconfig>,
}

impl Settings {
    pub fn resolve(global: GlobalArgs) -> Result<Self, CliError> {
        let request_timeout = parse_request_timeout(&global.request_timeout)?;
        let cache_dir = global.cache_dir.clone().unwrap_or_else(default_cache_dir);
        let color_flag = if global.color.is_empty() { "auto" } else { global.color.as_str() };
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        crate::color::set_enabled(crate::color::resolve(color_flag, tty, no_color.as_deref(), term.as_deref()).map_err(CliError::msg)?);
        Ok(Settings {
            verbosity: global.verbosity,
            global,
            request_timeout,
            cache_dir,
            loaded: OnceCell::new(),
        })
    }

    /// The merged kubeconfig, loaded on first use (`version --client` never reads it).
    pub fn kubeconfig(&self) -> Result<&LoadedKubeconfig, CliError> {
        if let Some(l) = self.loaded.get() {
            return Ok(l);
        }
        let rules = kubeconfig::LoadingRules::from_env(self.global.kubeconfig.clone());
        let loaded = kubeconfig::load(&rules)?;
        if self.verbosity >= 6 {
            for f in loaded.files.iter().filter(|f| f.exists()) {
                crate::client::log::emit('I', "loader.go:402", &format!("Config loaded from file:  {}", f.display()));
            }
        }
        Ok(self.loaded.get_or_init(|| loaded))
    }

    /// Connection settings for the selected context, with flag overrides applied.
    pub fn rest_config(&self) -> Result<RestConfig, CliError> {
        let loaded = self.kubeconfig()?;
        let overrides = kubeconfig::Overrides::from_global(&self.global);
        Ok(kubeconfig::resolve(loaded, &overrides)?)
    }

    /// A client for the selected context. With `--match-server-version`, the
    /// server's version is checked first, as kubectl does.
    pub fn client(&self) -> Result<Client, CliError> {
        let config = self.rest_config()?;
        let client = Client::new(config, self.request_timeout, self.verbosity)?;
        if self.global.match_server_version.unwrap_or(false) {
            crate::commands::version::check_server_version(&client)?;
        }
        Ok(client)
    }
}

fn default_cache_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KUBECACHEDIR") {
        if !dir.is_empty() {
            return PathBuf::from(dir);
        }
    }
    dirs::home_dir().unwrap_or_else(|| PathBuf::from(".")).join(".kube").join("cache")
}

/// kubectl accepts a bare integer (seconds) or a Go duration such as `1m30s`.
pub fn parse_request_timeout(s: &str) -> Result<Option<Duration>, CliError> {
    let invalid = || {
        CliError::msg(
            "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)",
        )
    };
    if s.is_empty() || s == "0" {
        return Ok(None);
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(if secs == 0 { None } else { Some(Duration::from_secs(secs)) });
    }
    let d = parse_go_duration(s).ok_or_else(invalid)?;
    if d.is_zero() {
        Ok(None)
    } else {
        Ok(Some(d))
    }
}

/// Go's `time.ParseDuration` for non-negative values: `300ms`, `1.5h`, `2h45m`.
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    if rest == "0" {
        return Some(Duration::ZERO);
    }
    if rest.is_empty() || rest.starts_with('-') {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let value: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        let nanos = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        total += value * nanos;
    }
    Some(Duration::from_nanos(total as u64))
}

/// Go's `time.Duration.String()`: `1s`, `1m30s`, `1h0m0s`, `500ms`.
pub fn format_go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        let (unit, div) = if nanos < 1_000 { ("ns", 1) } else if nanos < 1_000_000 { ("µs", 1_000) } else { ("ms", 1_000_000) };
        return format!("{}{unit}", trim_fraction(nanos as f64 / div as f64));
    }
    let total_secs = d.as_secs();
    let frac = d.subsec_nanos();
    let (h, m, s) = (total_secs / 3600, (total_secs / 60) % 60, total_secs % 60);
    let secs = if frac == 0 { format!("{s}") } else { trim_fraction(s as f64 + frac as f64 / 1e9) };
    match (h, m) {
        (0, 0) => format!("{secs}s"),
        (0, m) => format!("{m}m{secs}s"),
        (h, m) => format!("{h}h{m}m{secs}s"),
    }
}

fn trim_fraction(v: f64) -> String {
    let s = format!("{v:.9}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_timeouts() {
        assert_eq!(parse_request_timeout("0").unwrap(), None);
        assert_eq!(parse_request_timeout("5").unwrap(), Some(Duration::from_secs(5)));
        assert_eq!(parse_request_timeout("1m30s").unwrap(), Some(Duration::from_secs(90)));
        assert_eq!(parse_request_timeout("250ms").unwrap(), Some(Duration::from_millis(250)));
        assert!(parse_request_timeout("abc").is_err());
        assert!(parse_request_timeout("5x").is_err());
    }

    #[test]
    fn go_duration_strings() {
        assert_eq!(format_go_duration(Duration::from_secs(1)), "1s");
        assert_eq!(format_go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_go_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(format_go_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(format_go_duration(Duration::from_millis(1500)), "1.5s");
    }
}

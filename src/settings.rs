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
        Ok(self.loaded.get_or_init(|| loaded))
    }

    /// Connection settings for the selected context, with flag overrides applied.
    pub fn rest_config(&self) -> Result<RestConfig, CliError> {
        let loaded = self.kubeconfig()?;
        let overrides = kubeconfig::Overrides::from_global(&self.global);
        Ok(kubeconfig::resolve(loaded, &overrides)?)
    }

    /// A client for the selected context.
    pub fn client(&self) -> Result<Client, CliError> {
        let config = self.rest_config()?;
        Ok(Client::new(config, self.request_timeout, self.verbosity)?)
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
}

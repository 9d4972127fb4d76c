//! `--retry` and friends, resolved: how many times, on what, and how long to wait.

use std::time::Duration;

use anyhow::{bail, Result};

/// The statuses retried unless `--retry-on` says otherwise (urllib3's `status_forcelist` as
/// most scripts set it, and curl's transient errors).
pub const DEFAULT_RETRY_ON: &str = "408,429,500,502,503,504";

/// The retry policy of a run. `max == 0`: never retry.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt, per request.
    pub max: u32,
    /// Statuses that are retried.
    pub on: StatusSet,
    /// The first delay; it doubles with each attempt (full jitter: a random wait up to it).
    pub backoff: Duration,
    /// The longest wait: neither the backoff nor a server's demand goes past it.
    pub max_delay: Duration,
    /// Retry POST, PATCH and other methods that are not idempotent.
    pub all_methods: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max: 0,
            on: parse_statuses(DEFAULT_RETRY_ON).unwrap_or_default(),
            backoff: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            all_methods: false,
        }
    }
}

/// A set of statuses: codes and classes (`5xx`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSet {
    codes: Vec<u16>,
    /// Hundreds digits of whole classes (`5` for `5xx`).
    classes: Vec<u16>,
}

impl StatusSet {
    pub fn contains(&self, status: u16) -> bool {
        self.codes.contains(&status) || self.classes.contains(&(status / 100))
    }
}

/// `--retry-on 429,5xx`: codes from 100 to 599 and classes `1xx` to `5xx`.
pub fn parse_statuses(text: &str) -> Result<StatusSet> {
    let mut set = StatusSet::default();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let lower = part.to_ascii_lowercase();
        if let Some(class) = lower.strip_suffix("xx") {
            match class.parse::<u16>() {
                Ok(c @ 1..=5) => set.classes.push(c),
                _ => bail!("--retry-on: '{part}' is not a status class (1xx to 5xx)"),
            }
            continue;
        }
        match part.parse::<u16>() {
            Ok(code @ 100..=599) => set.codes.push(code),
            _ => bail!(
                "--retry-on: '{part}' is not an HTTP status (100 to 599) or a class such as 5xx"
            ),
        }
    }
    Ok(set)
}

/// At most this many retries: a retry storm against a server is not a wish.
const MAX_RETRIES: u32 = 100;

pub fn policy(
    retry: Option<u32>,
    on: Option<&str>,
    backoff: Option<Duration>,
    max_delay: Option<Duration>,
    all_methods: bool,
) -> Result<RetryPolicy> {
    let default = RetryPolicy::default();
    let max = retry.unwrap_or(0);
    if max > MAX_RETRIES {
        bail!("--retry must be from 0 to {MAX_RETRIES}, not {max}");
    }
    Ok(RetryPolicy {
        max,
        on: match on {
            Some(text) => parse_statuses(text)?,
            None => default.on,
        },
        backoff: backoff.unwrap_or(default.backoff),
        max_delay: max_delay.unwrap_or(default.max_delay),
        all_methods,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_classes() {
        let set = parse_statuses("429, 5xx").unwrap();
        assert!(set.contains(429) && set.contains(500) && set.contains(599));
        assert!(!set.contains(404) && !set.contains(428));
        let default = RetryPolicy::default().on;
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(default.contains(code), "{code}");
        }
        assert!(!default.contains(501));
        for bad in ["abc", "600", "99", "6xx", "0xx", "5x"] {
            assert!(parse_statuses(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_bounds() {
        assert_eq!(policy(None, None, None, None, false).unwrap().max, 0);
        assert_eq!(policy(Some(3), None, None, None, false).unwrap().max, 3);
        assert!(policy(Some(1000), None, None, None, false).is_err());
        let p = policy(Some(1), Some("503"), None, None, true).unwrap();
        assert!(p.on.contains(503) && !p.on.contains(500) && p.all_methods);
    }
}

//! When to try a request again, and how long to wait first: pure functions over the policy,
//! the request and what came back, with the clock and the randomness passed in.
//!
//! The wait is exponential backoff with full jitter (a random wait up to `backoff × 2^n`,
//! capped), unless the server says how long to wait: `Retry-After` (RFC 9110 §10.2.3, seconds or
//! an HTTP date), or a rate-limit reset when nothing is left: `X-RateLimit-Reset` (epoch
//! seconds, as GitHub sends it) or `RateLimit-Reset` (seconds, the IETF httpapi draft).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::options::RetryPolicy;
use crate::spec::RequestSpec;
use crate::transport::errors::TransportError;
use crate::transport::redirect;
use crate::wire::ResponseHead;

/// Methods safe to send twice (RFC 9110 §9.2.2).
const IDEMPOTENT: &[&str] = &["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// Why this request is never retried, whatever happens to it.
pub(super) fn never_retried(policy: &RetryPolicy, spec: &RequestSpec) -> Option<String> {
    if let Some(problem) = redirect::replay_problem(spec) {
        return Some(problem.to_string());
    }
    let idempotent = IDEMPOTENT
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&spec.method));
    (!idempotent && !policy.all_methods).then(|| {
        format!(
            "{} is not idempotent and may have been acted on; --retry-all-methods retries it too",
            spec.method
        )
    })
}

/// The backoff before retry number `done + 1`: a random wait up to
/// `min(max_delay, backoff × 2^done)`; `jitter` is uniform in [0, 1).
pub fn backoff(policy: &RetryPolicy, done: u32, jitter: f64) -> Duration {
    let ceiling = policy.backoff.as_secs_f64() * 2f64.powi(done.min(62) as i32);
    let ceiling = ceiling.min(policy.max_delay.as_secs_f64());
    Duration::from_secs_f64((ceiling * jitter.clamp(0.0, 1.0)).max(0.0))
}

/// How long the server asks us to wait, and which header said so.
pub fn server_wait(head: &ResponseHead, now: SystemTime) -> Option<(Duration, &'static str)> {
    let text = |name: &str| {
        head.header(name)
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(str::trim)
    };
    if let Some(value) = text("Retry-After") {
        if let Ok(secs) = value.parse::<u64>() {
            return Some((Duration::from_secs(secs), "Retry-After"));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            let wait = when.duration_since(now).unwrap_or_default();
            return Some((wait, "Retry-After"));
        }
    }
    let exhausted = |name: &str| text(name).is_some_and(|v| v == "0");
    if exhausted("X-RateLimit-Remaining") {
        if let Some(reset) = text("X-RateLimit-Reset").and_then(|v| v.parse::<u64>().ok()) {
            let when = UNIX_EPOCH + Duration::from_secs(reset);
            let wait = when.duration_since(now).unwrap_or_default();
            return Some((wait, "X-RateLimit-Reset"));
        }
    }
    if exhausted("RateLimit-Remaining") {
        if let Some(secs) = text("RateLimit-Reset").and_then(|v| v.parse::<u64>().ok()) {
            return Some((Duration::from_secs(secs), "RateLimit-Reset"));
        }
    }
    None
}

/// What to do about a response whose status the policy retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterResponse {
    /// Wait this long, then send the request again.
    Wait(Duration),
    /// The server asks for a longer wait than `--retry-max-delay`: this answer stands.
    TooLong {
        asked: Duration,
        header: &'static str,
    },
    /// The policy would retry, but this request may not be sent again; says why.
    Refused(String),
}

/// What to do after a failed exchange the policy retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterError {
    /// Wait this long, then send the request again.
    Wait(Duration),
    /// The policy would retry, but this request may not be sent again; says why.
    Refused(String),
}

/// The retry after a response, if there is one: `done` retries were made for this request.
pub fn after_response(
    policy: &RetryPolicy,
    done: u32,
    spec: &RequestSpec,
    head: &ResponseHead,
    now: SystemTime,
    jitter: f64,
) -> Option<AfterResponse> {
    if done >= policy.max || !policy.on.contains(head.status) {
        return None;
    }
    if let Some(why) = never_retried(policy, spec) {
        return Some(AfterResponse::Refused(why));
    }
    if matches!(head.status, 429 | 503) {
        if let Some((asked, header)) = server_wait(head, now) {
            return Some(match asked > policy.max_delay {
                true => AfterResponse::TooLong { asked, header },
                false => AfterResponse::Wait(asked),
            });
        }
    }
    Some(AfterResponse::Wait(backoff(policy, done, jitter)))
}

/// The retry after a failed exchange, if the policy retries it.
pub fn after_error(
    policy: &RetryPolicy,
    done: u32,
    spec: &RequestSpec,
    error: &TransportError,
    jitter: f64,
) -> Option<AfterError> {
    if done >= policy.max || !error.is_retryable() {
        return None;
    }
    Some(match never_retried(policy, spec) {
        Some(why) => AfterError::Refused(why),
        None => AfterError::Wait(backoff(policy, done, jitter)),
    })
}

/// A number in [0, 1) from the OS's randomness (0.5 if it has none to give).
pub fn jitter() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

/// `1.2s`, `0.35s`, `45s`: how a wait is shown.
pub fn shown(wait: Duration) -> String {
    let secs = wait.as_secs_f64();
    match secs {
        s if s >= 10.0 => format!("{}s", s.round() as u64),
        s => format!("{}s", (s * 100.0).round() / 100.0),
    }
}

#[cfg(test)]
mod tests;

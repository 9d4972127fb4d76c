//! ureq's errors, told to the user: what failed, and where.
//!
//! DNS failures and TLS errors both arrive as `Error::Io`; the OS resolver's message is the only
//! way to tell the former apart (see ureq notes §10).

use crate::exit::{ExitStatus, Fatal};

/// A one-line description of a failed exchange with `authority` (host:port).
pub fn describe(
    err: ureq::Error,
    authority: &str,
    timeout: Option<std::time::Duration>,
) -> anyhow::Error {
    use ureq::Error as E;
    let host = authority
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(authority);
    let msg = match err {
        E::Timeout(_) => {
            let secs = timeout
                .map(|t| format_secs(t.as_secs_f64()))
                .unwrap_or_else(|| "30".into());
            return Fatal::new(ExitStatus::Timeout, format!("Request timed out ({secs}s).")).into();
        }
        E::HostNotFound => format!("Couldn't resolve host '{host}': no usable address"),
        E::Io(io) => io_message(&io, host, authority),
        E::Protocol(p) => format!("Malformed response from {authority}: {p}"),
        E::LargeResponseHeader(n, limit) => {
            format!("Response headers from {authority} are too large ({n} bytes, limit {limit})")
        }
        E::BodyExceedsLimit(n) => format!("Response body from {authority} exceeds {n} bytes"),
        E::ConnectionFailed => format!("Couldn't connect to {authority}"),
        other => format!("Request to {authority} failed: {other}"),
    };
    anyhow::Error::msg(msg)
}

fn io_message(io: &std::io::Error, host: &str, authority: &str) -> String {
    use std::io::ErrorKind as K;
    let text = io.to_string();
    if text.contains("failed to lookup address") || text.contains("Name or service not known") {
        return format!("Couldn't resolve host '{host}': {text}");
    }
    match io.kind() {
        K::ConnectionRefused => format!("Couldn't connect to {authority}: connection refused"),
        K::ConnectionReset => format!("Connection to {authority} was reset by the server"),
        K::UnexpectedEof => {
            format!("Connection to {authority} closed before the response was complete")
        }
        K::InvalidData => format!("TLS or protocol error with {authority}: {text}"),
        K::TimedOut => format!("Connection to {authority} timed out: {text}"),
        _ => format!("Error talking to {authority}: {text}"),
    }
}

/// `3` for 3.0, `0.3` for 0.3: how the user would have typed it.
pub fn format_secs(secs: f64) -> String {
    if secs.fract() == 0.0 {
        format!("{}", secs as u64)
    } else {
        format!("{secs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_look_typed() {
        assert_eq!(format_secs(3.0), "3");
        assert_eq!(format_secs(0.3), "0.3");
        assert_eq!(format_secs(1.5), "1.5");
    }

    #[test]
    fn timeouts_exit_2() {
        let err = describe(
            ureq::Error::Timeout(ureq::Timeout::PerRead),
            "h:1",
            Some(std::time::Duration::from_secs(3)),
        );
        assert_eq!(crate::exit::status_of(&err), ExitStatus::Timeout);
        assert_eq!(err.to_string(), "Request timed out (3s).");
    }
}

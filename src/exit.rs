//! Exit statuses and the one error type whose kind a caller must tell apart.
//!
//! Scripts branch on these numbers (`--check-status`), so they are part of the interface and
//! match HTTPie's `ExitStatus`: usage errors are 1 (not clap's 2, which means "timeout" here).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success = 0,
    Error = 1,
    Timeout = 2,
    Http3xx = 3,
    Http4xx = 4,
    Http5xx = 5,
    TooManyRedirects = 6,
    CtrlC = 130,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The `--check-status` mapping of a final response status.
    pub fn for_http_status(status: u16) -> ExitStatus {
        match status {
            300..=399 => ExitStatus::Http3xx,
            400..=499 => ExitStatus::Http4xx,
            500..=599 => ExitStatus::Http5xx,
            _ => ExitStatus::Success,
        }
    }
}

/// An error that must end the program with a specific status (anything else is status 1).
#[derive(Debug)]
pub struct Fatal {
    pub status: ExitStatus,
    pub message: String,
}

impl Fatal {
    pub fn new(status: ExitStatus, message: impl Into<String>) -> Self {
        Fatal {
            status,
            message: message.into(),
        }
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fatal {}

/// The exit status an error asks for: a [`Fatal`] anywhere in the chain decides, else 1.
pub fn status_of(err: &anyhow::Error) -> ExitStatus {
    err.chain()
        .find_map(|e| e.downcast_ref::<Fatal>())
        .map(|f| f.status)
        .unwrap_or(ExitStatus::Error)
}

/// The error and its causes on one line, without repeating a cause already in the message.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text.replace(['\r', '\n'], " ")
}

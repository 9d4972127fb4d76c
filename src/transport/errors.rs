//! What can go wrong on the way to a server, kept typed until the edge.
//!
//! ureq reports most failures as `Error::Io`; the kind of failure is recovered from the error's
//! structure (its `io::ErrorKind`, or a marker type we put inside it where we call out: the
//! resolver, the upload reader), never from the text of an OS message. The user's message and
//! the exit code are both derived here, from [`TransportError`], and so is whether trying again
//! could help ([`TransportError::is_retryable`]).

use std::fmt;
use std::io;
use std::time::Duration;

use super::recorder::{HeadFault, MAX_INTERIM, MAX_TRAILERS};
use super::tls::errors::tls_failure;
pub use super::tls::errors::CertProblem;
use super::tls::TlsFailure;
use crate::exit::ExitStatus;
use crate::options::LimitSource;

/// The HTTP engine (ureq-proto) refuses a response head with more header lines than this.
pub const ENGINE_MAX_HEADERS: usize = ureq_proto::client::MAX_RESPONSE_HEADERS;

/// How far the exchange had got when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before any byte of the request was written: the server cannot have acted on it.
    Request,
    /// The request (or part of it) was written and nothing has come back: the server may have
    /// acted on it, or answered without reading all of it.
    Sent,
    /// While the response head was arriving.
    Head,
    /// While the response body was arriving.
    Body,
}

/// A failed exchange with `authority` (host:port).
#[derive(Debug)]
pub enum TransportError {
    /// The host name did not resolve (`detail` is the resolver's own words).
    Dns {
        host: String,
        detail: String,
    },
    Refused {
        authority: String,
    },
    Unreachable {
        authority: String,
        detail: String,
    },
    /// No connection within the connect timeout (DNS + TCP + TLS), set by `source`.
    ConnectTimeout {
        secs: String,
        source: LimitSource,
    },
    /// The server went silent longer than `--timeout`.
    IdleTimeout {
        secs: String,
    },
    /// A response head began but was not complete within the head deadline (the connect
    /// budget), though bytes kept coming.
    HeadTimeout {
        authority: String,
        secs: String,
        source: LimitSource,
    },
    /// More interim (1xx) responses than we accept before the final one.
    TooManyInterim {
        authority: String,
        limit: usize,
    },
    /// The run took longer than `--max-time`.
    MaxTime {
        secs: String,
    },
    /// The TLS handshake or the TLS layer failed; `reason` says how, and what to do.
    Tls {
        authority: String,
        reason: String,
    },
    /// The server's certificate is not trusted: `problem` names why and how to fix it.
    Certificate {
        authority: String,
        problem: CertProblem,
    },
    Reset {
        authority: String,
        phase: Phase,
    },
    Closed {
        authority: String,
        phase: Phase,
    },
    /// The server broke HTTP (a malformed head, bad framing).
    Protocol {
        authority: String,
        detail: String,
    },
    /// The response has more header lines than `--max-headers` (or the engine's own limit).
    TooManyHeaders {
        authority: String,
        limit: usize,
    },
    /// The response head is larger than we accept.
    HeadTooLarge {
        authority: String,
        size: usize,
        limit: usize,
    },
    /// The request head is larger than we send.
    RequestHeadTooLarge {
        size: usize,
        limit: usize,
    },
    /// Reading a local file (or stdin) for the request body failed.
    LocalFile {
        detail: String,
    },
    /// The request cannot be put into HTTP (found before anything is sent).
    InvalidRequest {
        detail: String,
    },
    /// The connection broke while we were writing to it (the server closed its side).
    Broken {
        authority: String,
        detail: String,
        phase: Phase,
    },
    /// The operating system gave up on the connection (TCP retransmissions, keep-alive).
    OsTimeout {
        authority: String,
        detail: String,
        phase: Phase,
    },
    /// The response body is larger than the engine was told to accept.
    BodyTooLarge {
        authority: String,
        limit: u64,
    },
    /// Writing what is printed failed (a full disk, a closed terminal): ours, not the server's.
    Output {
        detail: String,
    },
    /// The proxy asked for credentials (407), or refused the ones sent (`sent`).
    ProxyAuth {
        /// The proxy as `scheme://host:port`, never with its credentials.
        proxy: String,
        sent: bool,
    },
    /// Reaching the proxy, or going through it, failed.
    Proxy {
        proxy: String,
        detail: String,
        retryable: bool,
    },
    /// An I/O error that fits none of the above.
    Other {
        authority: String,
        detail: String,
    },
    /// A failure ureq reports that fits none of the above.
    Failed {
        authority: String,
        detail: String,
    },
}

impl TransportError {
    /// The exit status: 2 for every timeout (HTTPie), 1 otherwise.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            TransportError::ConnectTimeout { .. }
            | TransportError::IdleTimeout { .. }
            | TransportError::HeadTimeout { .. }
            | TransportError::MaxTime { .. } => ExitStatus::Timeout,
            _ => ExitStatus::Error,
        }
    }

    /// Whether the same request may succeed if sent again: the network or the server's
    /// connection failed, not the request, the local files or the TLS setup. (Whether it is
    /// safe to send again is the caller's question: see [`TransportError::phase`].)
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            TransportError::Refused { .. }
                | TransportError::Unreachable { .. }
                | TransportError::ConnectTimeout { .. }
                | TransportError::IdleTimeout { .. }
                | TransportError::Reset { .. }
                | TransportError::Closed { .. }
                | TransportError::Broken { .. }
                | TransportError::OsTimeout { .. }
                | TransportError::Proxy {
                    retryable: true,
                    ..
                }
        )
    }

    /// How far the exchange got, where that is known: only a failure in [`Phase::Request`]
    /// means the server cannot have acted on the request.
    // Not asked yet: retries follow the method's idempotency, as the retry options say. Kept
    // for what the server may have seen (messages and a future `--retry-connect-all`).
    #[allow(dead_code)]
    pub fn phase(&self) -> Option<Phase> {
        match self {
            TransportError::Dns { .. }
            | TransportError::Refused { .. }
            | TransportError::Unreachable { .. }
            | TransportError::ConnectTimeout { .. }
            | TransportError::RequestHeadTooLarge { .. }
            | TransportError::InvalidRequest { .. }
            | TransportError::ProxyAuth { .. }
            | TransportError::Proxy { .. } => Some(Phase::Request),
            TransportError::Reset { phase, .. }
            | TransportError::Closed { phase, .. }
            | TransportError::Broken { phase, .. }
            | TransportError::OsTimeout { phase, .. } => Some(*phase),
            _ => None,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TransportError as T;
        match self {
            T::Dns { host, detail } => write!(f, "Couldn't resolve host '{host}': {detail}"),
            T::Refused { authority } => {
                write!(f, "Couldn't connect to {authority}: connection refused")
            }
            T::Unreachable { authority, detail } if detail.is_empty() => {
                write!(f, "Couldn't connect to {authority}")
            }
            T::Unreachable { authority, detail } => {
                write!(f, "Couldn't connect to {authority}: {detail}")
            }
            T::ConnectTimeout { secs, source } => {
                let by = match source {
                    LimitSource::ConnectTimeout => format!("--connect-timeout={secs}"),
                    LimitSource::Timeout => format!("--timeout={secs}"),
                    LimitSource::Default => "the default; see --connect-timeout".into(),
                };
                write!(f, "Connection timed out after {secs}s ({by}).")
            }
            T::IdleTimeout { secs } => {
                write!(
                    f,
                    "Request timed out: no data for {secs}s (--timeout={secs})."
                )
            }
            T::HeadTimeout {
                authority,
                secs,
                source,
            } => {
                let by = match source {
                    LimitSource::ConnectTimeout => format!("--connect-timeout={secs}"),
                    LimitSource::Timeout => format!("--timeout={secs}"),
                    LimitSource::Default => "the default; see --connect-timeout".into(),
                };
                write!(
                    f,
                    "Response head from {authority} not complete {secs}s after its first byte \
                     ({by}); the server is sending it too slowly."
                )
            }
            T::TooManyInterim { authority, limit } => write!(
                f,
                "Malformed response from {authority}: more than {limit} interim (1xx) \
                 responses before a final one"
            ),
            T::MaxTime { secs } => {
                write!(
                    f,
                    "The run took longer than --max-time={secs} and was stopped."
                )
            }
            T::TooManyHeaders { authority, limit } if *limit == ENGINE_MAX_HEADERS => write!(
                f,
                "Too many response headers from {authority}: got more than {limit} headers \
                 (the most this client reads)"
            ),
            T::TooManyHeaders { authority, limit } => write!(
                f,
                "Too many response headers from {authority}: got more than {limit} headers \
                 (--max-headers)"
            ),
            T::Tls { authority, reason } => {
                write!(f, "TLS or protocol error with {authority}: {reason}")
            }
            T::Certificate { authority, problem } => {
                write!(f, "TLS certificate of {authority} {problem}")
            }
            T::Reset { authority, .. } => {
                write!(f, "Connection to {authority} was reset by the server")
            }
            T::Closed { authority, .. } => write!(
                f,
                "Connection to {authority} closed before the response was complete"
            ),
            T::Protocol { authority, detail } => {
                write!(f, "Malformed response from {authority}: {detail}")
            }
            T::HeadTooLarge {
                authority,
                size,
                limit,
            } => write!(
                f,
                "Response headers from {authority} are too large ({size} bytes, limit {limit})"
            ),
            T::RequestHeadTooLarge { size, limit } => write!(
                f,
                "The request head is too large to send ({size} bytes; the limit is {} KiB)",
                limit / 1024
            ),
            T::LocalFile { detail } => write!(f, "cannot read the request body: {detail}"),
            T::InvalidRequest { detail } => f.write_str(detail),
            T::Other { authority, detail }
            | T::Broken {
                authority, detail, ..
            } => {
                write!(f, "Error talking to {authority}: {detail}")
            }
            T::OsTimeout {
                authority, detail, ..
            } => write!(f, "Connection to {authority} timed out: {detail}"),
            T::BodyTooLarge { authority, limit } => {
                write!(f, "Response body from {authority} exceeds {limit} bytes")
            }
            T::Output { detail } => write!(f, "cannot write the output: {detail}"),
            T::Failed { authority, detail } => write!(f, "Request to {authority} failed: {detail}"),
            T::ProxyAuth { proxy, sent: true } => write!(
                f,
                "The proxy {proxy} refused the credentials it was sent \
                 (407 Proxy Authentication Required)"
            ),
            T::ProxyAuth { proxy, sent: false } => write!(
                f,
                "The proxy {proxy} requires authentication (407 Proxy Authentication \
                 Required): put the credentials in the proxy URL, e.g. {}",
                proxy.replacen("://", "://USER:PASS@", 1)
            ),
            T::Proxy { proxy, detail, .. } => {
                write!(f, "Couldn't connect through the proxy {proxy}: {detail}")
            }
        }
    }
}

impl std::error::Error for TransportError {}

/// Put inside the `io::Error` our resolver returns, so a DNS failure is known by type.
#[derive(Debug)]
pub struct DnsFailure(pub io::Error);

impl fmt::Display for DnsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for DnsFailure {}

/// Put inside the `io::Error` the request-body tee returns when printing the body fails.
#[derive(Debug)]
pub struct OutputFailure(pub String);

impl fmt::Display for OutputFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputFailure {}

/// Put inside the `io::Error` the upload reader returns when a local file fails.
#[derive(Debug)]
pub struct LocalReadFailure(pub String);

impl fmt::Display for LocalReadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LocalReadFailure {}

/// Put inside the `io::Error` the proxy connector returns: the failure happened on the way to
/// the proxy or in its handshake, so the message names the proxy, not the origin.
#[derive(Debug)]
pub struct ProxyFailure {
    /// The proxy as `scheme://host:port`, never with its credentials.
    pub proxy: String,
    pub problem: ProxyProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyProblem {
    /// 407 Proxy Authentication Required; `sent`: credentials were sent and refused.
    Auth { sent: bool },
    /// Anything else; `retryable` when the network or the proxy's connection failed.
    Failed { detail: String, retryable: bool },
}

impl fmt::Display for ProxyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            ProxyProblem::Auth { .. } => write!(f, "{}: 407", self.proxy),
            ProxyProblem::Failed { detail, .. } => write!(f, "{}: {detail}", self.proxy),
        }
    }
}

impl std::error::Error for ProxyFailure {}

impl ProxyFailure {
    fn into_error(self) -> TransportError {
        let proxy = self.proxy;
        match self.problem {
            ProxyProblem::Auth { sent } => TransportError::ProxyAuth { proxy, sent },
            ProxyProblem::Failed { detail, retryable } => TransportError::Proxy {
                proxy,
                detail,
                retryable,
            },
        }
    }
}

/// The time limits of a run, to say which one was hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// `--timeout`: the longest silence.
    pub idle: Option<Duration>,
    pub connect: Duration,
    pub connect_source: LimitSource,
    /// `--max-time`.
    pub max_time: Option<Duration>,
}

/// Where the failure happened, for the message and the phase.
pub struct Context<'a> {
    /// host:port.
    pub authority: &'a str,
    pub limits: &'a Limits,
    pub phase: Phase,
}

fn secs(d: Option<Duration>) -> String {
    d.map(|t| format_secs(t.as_secs_f64())).unwrap_or_default()
}

impl Context<'_> {
    fn connect_timeout(&self) -> TransportError {
        TransportError::ConnectTimeout {
            secs: secs(Some(self.limits.connect)),
            source: self.limits.connect_source,
        }
    }

    fn idle_timeout(&self) -> TransportError {
        // Without --timeout no read limit is set, so an idle timeout can only come from the
        // engine's own limits; the message then names no number.
        TransportError::IdleTimeout {
            secs: secs(self.limits.idle),
        }
    }

    /// `--max-time` was hit.
    pub fn max_time(&self) -> TransportError {
        TransportError::MaxTime {
            secs: secs(self.limits.max_time),
        }
    }
}

/// Classifies a ureq error.
pub fn classify(err: ureq::Error, at: &Context) -> TransportError {
    use ureq::Error as E;
    let authority = at.authority.to_string();
    match err {
        E::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => at.connect_timeout(),
        E::Timeout(ureq::Timeout::Global) => at.max_time(),
        E::Timeout(_) => at.idle_timeout(),
        E::Protocol(ureq_proto::Error::HttpParseTooManyHeaders) => TransportError::TooManyHeaders {
            authority,
            limit: ENGINE_MAX_HEADERS,
        },
        E::HostNotFound => TransportError::Dns {
            host: host_of(at.authority).to_string(),
            detail: "no usable address".into(),
        },
        E::Io(io) => classify_io(io, at),
        E::Protocol(p) => TransportError::Protocol {
            authority,
            detail: p.to_string(),
        },
        E::LargeResponseHeader(size, limit) => TransportError::HeadTooLarge {
            authority,
            size,
            limit,
        },
        E::ConnectionFailed => TransportError::Unreachable {
            authority,
            detail: String::new(),
        },
        E::BodyExceedsLimit(limit) => TransportError::BodyTooLarge { authority, limit },
        other => TransportError::Failed {
            authority,
            detail: other.to_string(),
        },
    }
}

/// Classifies an error met while reading a body through ureq's reader.
pub fn classify_read(err: io::Error, at: &Context) -> TransportError {
    classify(ureq::Error::from(err), at)
}

fn classify_io(io: io::Error, at: &Context) -> TransportError {
    use io::ErrorKind as K;
    let authority = at.authority.to_string();
    if inner::<ProxyFailure>(&io).is_some() {
        if let Some(Ok(failure)) = io.into_inner().map(|e| e.downcast::<ProxyFailure>()) {
            return (*failure).into_error();
        }
        return TransportError::Other {
            authority,
            detail: "the proxy failed".into(),
        };
    }
    if let Some(fault) = inner::<HeadFault>(&io) {
        return match fault {
            HeadFault::Slow { limit } => TransportError::HeadTimeout {
                authority,
                secs: secs(Some(*limit)),
                source: match at.limits.connect_source {
                    LimitSource::ConnectTimeout => LimitSource::ConnectTimeout,
                    _ => LimitSource::Default,
                },
            },
            HeadFault::TooManyInterim => TransportError::TooManyInterim {
                authority,
                limit: MAX_INTERIM,
            },
            HeadFault::SlowTrailers { limit } => TransportError::Protocol {
                authority,
                detail: format!(
                    "the trailer section after the chunked body was not complete {}s after it \
                     began",
                    secs(Some(*limit))
                ),
            },
            HeadFault::TrailersTooLarge => TransportError::Protocol {
                authority,
                detail: format!(
                    "the trailer section after the chunked body is larger than {} KiB",
                    MAX_TRAILERS / 1024
                ),
            },
        };
    }
    if let Some(dns) = inner::<DnsFailure>(&io) {
        return TransportError::Dns {
            host: host_of(at.authority).to_string(),
            detail: dns.to_string(),
        };
    }
    if let Some(local) = inner::<LocalReadFailure>(&io) {
        return TransportError::LocalFile {
            detail: local.to_string(),
        };
    }
    if let Some(out) = inner::<OutputFailure>(&io) {
        return TransportError::Output {
            detail: out.to_string(),
        };
    }
    if let Some(failure) = inner::<TlsFailure>(&io) {
        return tls_failure(failure, authority);
    }
    if let Some(tls) = inner::<rustls::Error>(&io) {
        return TransportError::Tls {
            authority,
            reason: tls.to_string(),
        };
    }
    let detail = io.to_string();
    match io.kind() {
        K::ConnectionRefused => TransportError::Refused { authority },
        K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable => {
            TransportError::Unreachable { authority, detail }
        }
        K::ConnectionReset => TransportError::Reset {
            authority,
            phase: at.phase,
        },
        K::ConnectionAborted | K::BrokenPipe => TransportError::Broken {
            authority,
            detail,
            phase: at.phase,
        },
        K::UnexpectedEof => TransportError::Closed {
            authority,
            phase: at.phase,
        },
        // TLS failures carry a rustls::Error (above); other invalid data comes from the layers
        // around it, hence the broad wording.
        K::InvalidData => TransportError::Tls {
            authority,
            reason: detail,
        },
        K::TimedOut => TransportError::OsTimeout {
            authority,
            detail,
            phase: at.phase,
        },
        _ => TransportError::Other { authority, detail },
    }
}

/// The error of type `T` inside an `io::Error`, if that is what it carries.
fn inner<T: std::error::Error + 'static>(io: &io::Error) -> Option<&T> {
    io.get_ref().and_then(|e| e.downcast_ref::<T>())
}

/// `example.org:443` → `example.org` (IPv6 stays bracketed).
fn host_of(authority: &str) -> &str {
    crate::url_input::split_host_port(authority).0
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

    const LIMITS: Limits = Limits {
        idle: Some(Duration::from_secs(3)),
        connect: Duration::from_secs(5),
        connect_source: LimitSource::ConnectTimeout,
        max_time: Some(Duration::from_millis(2500)),
    };

    fn at(phase: Phase) -> Context<'static> {
        Context {
            authority: "h.test:80",
            limits: &LIMITS,
            phase,
        }
    }

    #[test]
    fn seconds_look_typed() {
        assert_eq!(format_secs(3.0), "3");
        assert_eq!(format_secs(0.3), "0.3");
        assert_eq!(format_secs(1.5), "1.5");
    }

    #[test]
    fn timeouts_exit_2_and_may_be_retried() {
        let idle = classify(
            ureq::Error::Timeout(ureq::Timeout::PerRead),
            &at(Phase::Body),
        );
        assert!(matches!(idle, TransportError::IdleTimeout { .. }));
        assert_eq!(idle.exit_status(), ExitStatus::Timeout);
        assert_eq!(
            idle.to_string(),
            "Request timed out: no data for 3s (--timeout=3)."
        );
        assert!(idle.is_retryable());
        let connect = classify(
            ureq::Error::Timeout(ureq::Timeout::Connect),
            &at(Phase::Request),
        );
        assert!(matches!(connect, TransportError::ConnectTimeout { .. }));
        assert_eq!(connect.phase(), Some(Phase::Request));
        assert_eq!(
            connect.to_string(),
            "Connection timed out after 5s (--connect-timeout=5)."
        );
        let whole = classify(
            ureq::Error::Timeout(ureq::Timeout::Global),
            &at(Phase::Body),
        );
        assert_eq!(whole.exit_status(), ExitStatus::Timeout);
        assert_eq!(
            whole.to_string(),
            "The run took longer than --max-time=2.5 and was stopped."
        );
        let too_many = classify(
            ureq::Error::Protocol(ureq_proto::Error::HttpParseTooManyHeaders),
            &at(Phase::Head),
        );
        assert!(matches!(
            too_many,
            TransportError::TooManyHeaders { limit: 128, .. }
        ));
    }

    #[test]
    fn io_errors_are_told_apart_by_kind_and_marker_not_by_text() {
        let io = |kind, text: &str| ureq::Error::Io(io::Error::new(kind, text.to_string()));
        let refused = classify(
            io(io::ErrorKind::ConnectionRefused, "x"),
            &at(Phase::Request),
        );
        assert!(matches!(refused, TransportError::Refused { .. }));
        assert_eq!(
            refused.to_string(),
            "Couldn't connect to h.test:80: connection refused"
        );
        let reset = classify(io(io::ErrorKind::ConnectionReset, "x"), &at(Phase::Head));
        assert_eq!(reset.phase(), Some(Phase::Head));
        let closed = classify(io(io::ErrorKind::UnexpectedEof, "x"), &at(Phase::Body));
        assert!(matches!(
            closed,
            TransportError::Closed {
                phase: Phase::Body,
                ..
            }
        ));
        // A DNS failure is recognised by the marker our resolver puts in, whatever the text.
        let os = io::Error::other("failed to lookup address information");
        let dns = io::Error::other(DnsFailure(os));
        let dns = classify(ureq::Error::Io(dns), &at(Phase::Request));
        assert!(matches!(dns, TransportError::Dns { ref host, .. } if host == "h.test"));
        assert!(!dns.is_retryable());
        // The same text without the marker is not taken for DNS.
        let plain = classify(
            io(io::ErrorKind::Other, "failed to lookup address information"),
            &at(Phase::Request),
        );
        assert!(matches!(plain, TransportError::Other { .. }));
        let local = io::Error::other(LocalReadFailure("'big.bin': Input/output error".into()));
        let local = classify(ureq::Error::Io(local), &at(Phase::Request));
        assert!(matches!(local, TransportError::LocalFile { .. }));
        assert!(!local.is_retryable());
    }

    #[test]
    fn proxy_failures_name_the_proxy_not_the_origin() {
        let failure = |problem| {
            let marker = ProxyFailure {
                proxy: "http://127.0.0.1:3128".into(),
                problem,
            };
            let io = io::Error::new(io::ErrorKind::ConnectionRefused, marker);
            classify(ureq::Error::Io(io), &at(Phase::Request))
        };
        let refused = failure(ProxyProblem::Failed {
            detail: "connection refused".into(),
            retryable: true,
        });
        assert_eq!(
            refused.to_string(),
            "Couldn't connect through the proxy http://127.0.0.1:3128: connection refused"
        );
        assert!(refused.is_retryable());
        assert_eq!(refused.phase(), Some(Phase::Request));
        assert_eq!(refused.exit_status(), ExitStatus::Error);
        let ask = failure(ProxyProblem::Auth { sent: false });
        assert_eq!(
            ask.to_string(),
            "The proxy http://127.0.0.1:3128 requires authentication (407 Proxy \
             Authentication Required): put the credentials in the proxy URL, e.g. \
             http://USER:PASS@127.0.0.1:3128"
        );
        let refused_creds = failure(ProxyProblem::Auth { sent: true });
        assert!(matches!(
            refused_creds,
            TransportError::ProxyAuth { sent: true, .. }
        ));
        assert!(!refused_creds.is_retryable());
        assert_eq!(refused_creds.exit_status(), ExitStatus::Error);
    }

    #[test]
    fn head_too_large_and_protocol_errors_are_final() {
        let big = classify(
            ureq::Error::LargeResponseHeader(70_000, 65_536),
            &at(Phase::Head),
        );
        assert!(matches!(
            big,
            TransportError::HeadTooLarge { size: 70_000, .. }
        ));
        assert!(!big.is_retryable());
        assert_eq!(big.exit_status(), ExitStatus::Error);
    }
}

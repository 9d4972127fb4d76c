//! A transport layer that records the request head as written and the response head as read.
//!
//! ureq parses responses into an `http::HeaderMap`, which lower-cases names, groups repeated
//! headers and drops the reason phrase. To show what went over the wire we sit above TLS in the
//! connector chain and copy the plaintext bytes of both heads; bodies pass through unrecorded,
//! so memory stays bounded whatever their size.

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};
use ureq::Error;

use crate::options::LimitSource;

/// Response heads larger than this are not recorded further (ureq refuses them anyway).
const MAX_HEAD: usize = super::MAX_RESPONSE_HEAD;

/// At most this many interim (1xx) responses before the final one: RFC 9110 §15.2 lets a server
/// send several, but an endless run of them must end.
pub const MAX_INTERIM: usize = 10;

/// How long a response head may take from its first byte when `--connect-timeout` is not given.
pub const DEFAULT_HEAD_LIMIT: Duration = Duration::from_secs(30);

/// How long a response head may take from its first byte to its blank line: `--connect-timeout`
/// when given, else [`DEFAULT_HEAD_LIMIT`] (never `--timeout`, which bounds silences only).
pub fn head_limit(connect: Duration, source: LimitSource) -> Duration {
    match source {
        LimitSource::ConnectTimeout => connect,
        _ => DEFAULT_HEAD_LIMIT,
    }
}

/// Why the recorder stopped an exchange while its response head was arriving. Carried inside
/// the `io::Error` it returns, so the error classification knows it by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadFault {
    /// A head had begun but was not complete within the head deadline (bytes kept trickling).
    Slow { limit: Duration },
    /// More than [`MAX_INTERIM`] 1xx responses came before a final one.
    TooManyInterim,
    /// The trailer section of a chunked body grew past [`MAX_TRAILERS`].
    TrailersTooLarge,
    /// A trailer section had begun but was not complete within the head deadline.
    SlowTrailers { limit: Duration },
}

/// The most bytes of trailer fields after a chunked body's last chunk (RFC 9112 §7.1.2) we
/// read: as much as a response head.
pub const MAX_TRAILERS: usize = super::MAX_RESPONSE_HEAD;

impl fmt::Display for HeadFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadFault::Slow { limit } => write!(f, "response head not complete within {limit:?}"),
            HeadFault::TooManyInterim => write!(f, "more than {MAX_INTERIM} 1xx responses"),
            HeadFault::TrailersTooLarge => write!(f, "trailers larger than {MAX_TRAILERS} bytes"),
            HeadFault::SlowTrailers { limit } => {
                write!(f, "trailers not complete within {limit:?}")
            }
        }
    }
}

impl std::error::Error for HeadFault {}

impl HeadFault {
    fn into_error(self) -> Error {
        let kind = match self {
            HeadFault::Slow { .. } | HeadFault::SlowTrailers { .. } => io::ErrorKind::TimedOut,
            HeadFault::TooManyInterim | HeadFault::TrailersTooLarge => io::ErrorKind::InvalidData,
        };
        Error::Io(io::Error::new(kind, self))
    }
}

/// Called with the request head once it has been written to the connection.
pub type HeadHook = Box<dyn FnMut(&[u8]) + Send>;

#[derive(Default)]
pub struct Tape {
    sent: Vec<u8>,
    sent_done: bool,
    received: Vec<u8>,
    /// How much of `received` was searched for the head's end already: a head that arrives a
    /// byte at a time is scanned once, not once per byte.
    scanned: usize,
    received_done: bool,
    on_request_head: Option<HeadHook>,
    /// When the first byte of the response head being received arrived.
    head_started: Option<Instant>,
    /// Interim (1xx) responses skipped so far.
    interim: usize,
    /// Follows a chunked body's framing, to bound its trailer section.
    chunks: Option<Chunks>,
    /// When the trailer section began: like a head, it must end in time.
    trailers_started: Option<Instant>,
}

/// Where a chunked body is (RFC 9112 §7.1): only far enough to count trailer bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chunks {
    /// In a chunk-size line; `size` so far, `ext` once past the digits.
    Size {
        size: u64,
        ext: bool,
    },
    /// In chunk data, this many bytes left.
    Data(u64),
    /// After chunk data, up to its line end.
    DataEnd,
    /// In the trailer section: bytes so far, and the length of the current line.
    Trailers {
        total: usize,
        line: usize,
    },
    Done,
}

impl Chunks {
    fn start() -> Chunks {
        Chunks::Size {
            size: 0,
            ext: false,
        }
    }

    /// Follows `bytes` of the body; refuses an oversized trailer section.
    fn feed(&mut self, mut bytes: &[u8]) -> Result<(), HeadFault> {
        while let Some((&b, rest)) = bytes.split_first() {
            match self {
                Chunks::Data(left) => {
                    let n = (*left).min(bytes.len() as u64) as usize;
                    *left -= n as u64;
                    bytes = &bytes[n..];
                    if *left == 0 {
                        *self = Chunks::DataEnd;
                    }
                    continue;
                }
                Chunks::Size { size, ext } => match b {
                    b'\n' if *size == 0 => *self = Chunks::Trailers { total: 0, line: 0 },
                    b'\n' => *self = Chunks::Data(*size),
                    _ if *ext => {}
                    _ => match (b as char).to_digit(16) {
                        // A malformed size is the engine's to refuse; we only stop counting.
                        Some(d) => match size.checked_mul(16) {
                            Some(v) => *size = v + u64::from(d),
                            None => *self = Chunks::Done,
                        },
                        None => *ext = true,
                    },
                },
                Chunks::DataEnd => {
                    if b == b'\n' {
                        *self = Chunks::start();
                    }
                }
                Chunks::Trailers { total, line } => {
                    *total += 1;
                    if *total > MAX_TRAILERS {
                        return Err(HeadFault::TrailersTooLarge);
                    }
                    match b {
                        b'\n' if *line == 0 => *self = Chunks::Done,
                        b'\n' => *line = 0,
                        b'\r' if *line == 0 => {}
                        _ => *line += 1,
                    }
                }
                Chunks::Done => return Ok(()),
            }
            bytes = rest;
        }
        Ok(())
    }
}

impl Tape {
    /// Start recording a new exchange.
    pub fn reset(&mut self, on_request_head: Option<HeadHook>) {
        *self = Tape {
            on_request_head,
            ..Tape::default()
        };
    }

    /// The final (non-1xx) response head, CRLF CRLF included, once it has been read.
    pub fn response_head(&self) -> Option<&[u8]> {
        self.received_done.then_some(&self.received[..])
    }

    /// Some bytes of the request have been handed to the connection in this exchange.
    pub fn sent_any(&self) -> bool {
        !self.sent.is_empty()
    }

    /// Some bytes of a response have arrived in this exchange.
    pub fn received_any(&self) -> bool {
        !self.received.is_empty() || self.received_done
    }

    #[cfg(test)]
    pub fn request_head(&self) -> Option<&[u8]> {
        self.sent_done.then_some(&self.sent[..])
    }

    /// Returns the complete request head the first time it is seen.
    fn record_sent(&mut self, bytes: &[u8]) -> Option<Vec<u8>> {
        if self.sent_done {
            return None;
        }
        self.sent.extend_from_slice(bytes);
        let end = head_end(&self.sent)?;
        self.sent.truncate(end);
        self.sent_done = true;
        Some(self.sent.clone())
    }

    /// Records response bytes; refuses an endless run of interim responses.
    fn record_received(&mut self, bytes: &[u8], now: Instant) -> Result<(), HeadFault> {
        if let Some(chunks) = &mut self.chunks {
            chunks.feed(bytes)?;
            if self.trailers_started.is_none() && matches!(chunks, Chunks::Trailers { .. }) {
                self.trailers_started = Some(now);
            }
            return Ok(());
        }
        if self.received_done || self.received.len() > MAX_HEAD {
            return Ok(());
        }
        self.received.extend_from_slice(bytes);
        if self.head_started.is_none() && !bytes.is_empty() {
            self.head_started = Some(now);
        }
        // Interim 1xx heads (100 Continue, 103 Early Hints) are skipped, as ureq skips them.
        while let Some(end) = head_end_after(&self.received, self.scanned) {
            if is_interim(&self.received[..end]) {
                self.received.drain(..end);
                self.scanned = 0;
                self.interim += 1;
                if self.interim > MAX_INTERIM {
                    return Err(HeadFault::TooManyInterim);
                }
                // Each head has its own deadline, from its first byte.
                self.head_started = (!self.received.is_empty()).then_some(now);
                continue;
            }
            let body = self.received.split_off(end);
            self.received_done = true;
            if is_chunked(&self.received) && !self.sent.starts_with(b"HEAD ") {
                let mut chunks = Chunks::start();
                chunks.feed(&body)?;
                self.chunks = Some(chunks);
            }
            return Ok(());
        }
        self.scanned = self.received.len();
        Ok(())
    }

    /// When the response head being received must be complete, once it has begun.
    fn head_deadline(&self, limit: Duration) -> Option<Instant> {
        if self.received_done {
            return None;
        }
        self.head_started.map(|t| t + limit)
    }

    /// When a chunked body's trailer section must be complete, once it has begun (trailers are
    /// head fields too, RFC 9112 §7.1.2: the same bound applies).
    fn trailers_deadline(&self, limit: Duration) -> Option<Instant> {
        match self.chunks {
            Some(Chunks::Trailers { .. }) => self.trailers_started.map(|t| t + limit),
            _ => None,
        }
    }
}

/// [`head_end`], when the first `scanned` bytes are known to hold no blank line (the search
/// starts 3 bytes before them, where a `\r\n\r\n` could have begun).
fn head_end_after(bytes: &[u8], scanned: usize) -> Option<usize> {
    let from = scanned.saturating_sub(3).min(bytes.len());
    head_end(&bytes[from..]).map(|end| from + end)
}

/// The length of the head at the start of `bytes`, blank line included.
pub fn head_end(bytes: &[u8]) -> Option<usize> {
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4);
    let lf = bytes.windows(2).position(|w| w == b"\n\n").map(|i| i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A final head whose body is chunked (RFC 9112 §6.1); 204 and 304 have no body.
fn is_chunked(head: &[u8]) -> bool {
    if head.len() < 12 || matches!(&head[9..12], b"204" | b"304") {
        return false;
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.lines().any(|l| {
        l.split_once(':').is_some_and(|(name, value)| {
            name.trim() == "transfer-encoding" && value.contains("chunked")
        })
    })
}

/// An interim head (RFC 9110 §15.2) to skip before the final answer: "HTTP/1.1 1xx", but a
/// 101 Switching Protocols is final.
pub(crate) fn is_interim(head: &[u8]) -> bool {
    head.len() > 12 && head.starts_with(b"HTTP/") && head[9] == b'1' && &head[9..12] != b"101"
}

pub type SharedTape = Arc<Mutex<Tape>>;

/// Poisoning only means another thread panicked mid-record; the bytes are still usable.
pub fn lock(tape: &SharedTape) -> MutexGuard<'_, Tape> {
    tape.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug, Clone)]
pub struct RecordingConnector {
    pub tape: SharedTape,
    /// How long a response head may take from its first byte to its blank line.
    pub head_limit: Duration,
}

impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape")
            .field("sent", &self.sent.len())
            .field("received", &self.received.len())
            .finish()
    }
}

impl<In: Transport> Connector<In> for RecordingConnector {
    type Out = RecordingTransport<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        Ok(chained.map(|inner| RecordingTransport {
            inner,
            tape: self.tape.clone(),
            head_limit: self.head_limit,
        }))
    }
}

#[derive(Debug)]
pub struct RecordingTransport<T> {
    inner: T,
    tape: SharedTape,
    head_limit: Duration,
}

impl<T: Transport> Transport for RecordingTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let head = {
            let output = &self.inner.buffers().output()[..amount];
            lock(&self.tape).record_sent(output)
        };
        self.inner.transmit_output(amount, timeout)?;
        if let Some(head) = head {
            // Take the hook out so it runs without the lock held.
            let hook = lock(&self.tape).on_request_head.take();
            if let Some(mut hook) = hook {
                hook(&head);
            }
        }
        Ok(())
    }

    fn await_input(&mut self, mut timeout: NextTimeout) -> Result<bool, Error> {
        // A head that has begun must end in time, however slowly its bytes keep coming (the
        // idle timeout alone never fires while they do).
        let (head, trailers) = {
            let tape = lock(&self.tape);
            (
                tape.head_deadline(self.head_limit),
                tape.trailers_deadline(self.head_limit),
            )
        };
        let deadline = head.or(trailers);
        let limit = self.head_limit;
        let slow = || match head {
            Some(_) => HeadFault::Slow { limit },
            None => HeadFault::SlowTrailers { limit },
        };
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(slow().into_error());
            }
            timeout.after = timeout.after.min(left.into());
        }
        let before = self.inner.buffers().input().len();
        let progressed = match self.inner.await_input(timeout) {
            Err(Error::Timeout(_)) if deadline.is_some_and(|d| Instant::now() >= d) => {
                return Err(slow().into_error());
            }
            other => other?,
        };
        let input = self.inner.buffers().input();
        if input.len() > before {
            let mut tape = lock(&self.tape);
            // Only while heads are awaited does the unread input start at a head.
            let heads = !tape.received_done;
            tape.record_received(&input[before..], Instant::now())
                .map_err(HeadFault::into_error)?;
            drop(tape);
            if heads {
                self.skip_continue_with_fields();
            }
        }
        Ok(progressed)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

impl<T: Transport> RecordingTransport<T> {
    /// RFC 9110 §15.2 allows header fields on a 1xx response, but the engine refuses a
    /// `100 Continue` that has any: such a head, complete at the start of the unread input, is
    /// consumed here, before the engine parses it (the tape has already skipped it).
    fn skip_continue_with_fields(&mut self) {
        loop {
            let input = self.inner.buffers().input();
            let Some(end) = head_end(input) else { return };
            let head = &input[..end];
            let is_continue = head.len() > 12
                && head.starts_with(b"HTTP/1.")
                && &head[9..12] == b"100"
                && matches!(head[12], b' ' | b'\r' | b'\n');
            let has_fields = head.iter().filter(|&&b| b == b'\n').count() > 2;
            if !(is_continue && has_fields) {
                return;
            }
            self.inner.buffers().input_consume(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_fed_a_byte_at_a_time_ends_where_it_ends_whole() {
        for head in [
            &b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody"[..],
            b"HTTP/1.1 200 OK\nA: b\n\nbody",
        ] {
            let whole = head_end(head);
            let mut scanned = 0;
            let mut found = None;
            for n in 1..=head.len() {
                found = head_end_after(&head[..n], scanned);
                if found.is_some() {
                    break;
                }
                scanned = n;
            }
            assert_eq!(found, whole);
        }
        assert_eq!(head_end_after(b"ab", 10), None);
    }

    #[test]
    fn request_head_is_cut_at_the_blank_line_and_reported_once() {
        let mut tape = Tape::default();
        assert!(tape.record_sent(b"POST / HTTP/1.1\r\nA: b").is_none());
        let head = tape.record_sent(b"\r\n\r\nbody").unwrap();
        assert_eq!(head, b"POST / HTTP/1.1\r\nA: b\r\n\r\n");
        assert!(tape.record_sent(b"more").is_none());
        assert_eq!(tape.request_head().unwrap(), &head[..]);
    }

    #[test]
    fn interim_heads_are_skipped() {
        let mut tape = Tape::default();
        let now = Instant::now();
        tape.record_received(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 2",
            now,
        )
        .unwrap();
        assert!(tape.response_head().is_none());
        tape.record_received(b"00 OK\r\nX: 1\r\n\r\nbody", now)
            .unwrap();
        assert_eq!(
            tape.response_head().unwrap(),
            b"HTTP/1.1 200 OK\r\nX: 1\r\n\r\n"
        );
    }

    #[test]
    fn interim_heads_are_capped_and_each_head_has_a_deadline() {
        let mut tape = Tape::default();
        let start = Instant::now();
        let limit = Duration::from_secs(5);
        assert_eq!(tape.head_deadline(limit), None);
        tape.record_received(b"HTTP/1.1 1", start).unwrap();
        assert_eq!(tape.head_deadline(limit), Some(start + limit));
        let later = start + Duration::from_secs(1);
        tape.record_received(b"02 Processing\r\n\r\n", later)
            .unwrap();
        assert_eq!(tape.head_deadline(limit), None);
        let many = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(MAX_INTERIM - 1);
        tape.record_received(&many, later).unwrap();
        assert_eq!(
            tape.record_received(b"HTTP/1.1 100 Continue\r\n\r\n", later),
            Err(HeadFault::TooManyInterim)
        );
    }

    #[test]
    fn chunked_trailers_are_bounded() {
        let now = Instant::now();
        let mut tape = Tape::default();
        let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        tape.record_received(head, now).unwrap();
        tape.record_received(b"5;x=1\r\n0\r\n\n\r\n0\r\nA: b\r\n", now)
            .unwrap();
        let flood = b"X-T: y\r\n".repeat(MAX_TRAILERS / 8);
        assert_eq!(
            tape.record_received(&flood, now),
            Err(HeadFault::TrailersTooLarge)
        );
        let mut ok = Chunks::start();
        ok.feed(b"3\r\nabc\r\n0\r\nA: b\r\n\r\n").unwrap();
        assert_eq!(ok, Chunks::Done);
    }

    #[test]
    fn a_trailer_section_has_a_deadline_once_it_begins() {
        let now = Instant::now();
        let limit = Duration::from_secs(2);
        let mut tape = Tape::default();
        tape.record_received(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            now,
        )
        .unwrap();
        tape.record_received(b"2\r\nok\r\n", now).unwrap();
        assert_eq!(tape.trailers_deadline(limit), None, "still in the body");
        let later = now + Duration::from_secs(1);
        tape.record_received(b"0\r\nX-T: 1\r\n", later).unwrap();
        assert_eq!(tape.trailers_deadline(limit), Some(later + limit));
        tape.record_received(b"\r\n", later).unwrap();
        assert_eq!(tape.trailers_deadline(limit), None, "complete");
    }

    #[test]
    fn the_head_limit_is_connect_timeout_when_given_never_timeout() {
        let s = Duration::from_secs;
        assert_eq!(head_limit(s(2), LimitSource::ConnectTimeout), s(2));
        assert_eq!(head_limit(s(2), LimitSource::Timeout), DEFAULT_HEAD_LIMIT);
        assert_eq!(head_limit(s(30), LimitSource::Default), DEFAULT_HEAD_LIMIT);
    }

    #[test]
    fn bare_lf_heads_end_too() {
        assert_eq!(head_end(b"HTTP/1.0 200 OK\nA: b\n\nbody"), Some(22));
        assert_eq!(head_end(b"HTTP/1.0 200 OK\r\n"), None);
    }
}

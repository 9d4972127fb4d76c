//! Where the time of one exchange went, measured where it is spent, not estimated.
//!
//! A timed resolver and timed connectors mark instants in a [`Clock`] shared by the whole run
//! (reset before each request, like the recorder's tape and the TLS slot): the name lookups,
//! the connection (TCP, or the whole way through a proxy: its TCP connection, its TLS, the
//! SOCKS handshake or the CONNECT exchange), the TLS handshake with the origin, the request
//! bytes handed to the connection, and the first byte of the response. The body reader marks
//! the end of the body. [`Marks::phases`] turns those instants into per-phase durations.
//!
//! The phases follow curl's `--write-out` timers (`time_namelookup`, `time_connect`,
//! `time_appconnect`, `time_posttransfer`, `time_starttransfer`, `time_total`), which curl
//! gives as running totals from the start; here each is the duration of its own phase:
//!
//! | phase | from | to |
//! |---|---|---|
//! | `dns` | the first lookup started | the last lookup returned |
//! | `connect` | the connectors called for a new connection | the connection (or the tunnel through the proxy) open |
//! | `tls` | the handshake with the origin started | it completed |
//! | `sent` | the phase before ended (ureq then prepares its buffers and the head) | the last byte of the request written |
//! | `first_byte` | the request written | the first byte of the response |
//! | `body` | the first byte of the response | the end of the body (or now, if it was not read to its end) |
//! | `total` | the request handed to the transport | the same end |
//!
//! A reused connection has no connect and no TLS phase (both 0, and [`Phases::reused`]); ureq
//! looks the name up before it searches its pool, so `dns` is measured all the same. Phases are
//! kept in the order above: each is cut to what lies between the end of the phase before it
//! and the end of the exchange, so none is negative, none is counted twice (a proxy's lookup,
//! done inside the connect phase, is in `dns` only; the TLS of an `https://` proxy is in
//! `connect`) and together they are at most `total`.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport,
};

use super::tls::TlsTransport;

/// A phase that was seen to start and end.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

/// The instants marked during one exchange.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Marks {
    /// The request was handed to the transport.
    pub start: Option<Instant>,
    /// From the first lookup's start to the last one's end (a proxy and its target may both
    /// be looked up).
    pub dns: Span,
    pub connect: Span,
    /// The TLS handshake with the origin (a proxy's own TLS is part of `connect`).
    pub tls: Span,
    /// From the first byte of the request head written to the last byte of the request (the
    /// `sent` phase itself runs from the end of the phase before it, see the module table).
    pub sent: Span,
    /// The first byte of the response (an interim 1xx response's included).
    pub first_byte: Option<Instant>,
}

/// How long each phase of one exchange took (see the module documentation).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Phases {
    pub dns: Duration,
    pub connect: Duration,
    pub tls: Duration,
    pub sent: Duration,
    pub first_byte: Duration,
    pub body: Duration,
    pub total: Duration,
    /// The request went over a pooled connection: no connection was made for it.
    pub reused: bool,
}

impl Marks {
    /// The phases of an exchange that ended at `end` (the end of its body, or when the body
    /// stopped being read).
    pub fn phases(&self, end: Instant) -> Phases {
        let start = self.start.unwrap_or(end);
        let end = end.max(start);
        // The end of the phase before: each phase lies between it and `end`.
        let mut floor = start;
        let mut measure = |span: Span| -> Duration {
            let Some(to) = span.end else {
                return Duration::ZERO;
            };
            let to = to.max(floor).min(end);
            let from = span.start.unwrap_or(floor).max(floor).min(to);
            floor = to;
            to.saturating_duration_since(from)
        };
        let dns = measure(self.dns);
        let connect = measure(self.connect);
        let tls = measure(self.tls);
        // From the connection ready: ureq prepares its buffers and the head just before
        // writing, and that is part of sending the request.
        let sent = measure(Span {
            start: None,
            end: self.sent.end,
        });
        let first_byte = measure(Span {
            start: None,
            end: self.first_byte,
        });
        let body = measure(Span {
            start: None,
            end: Some(end),
        });
        Phases {
            dns,
            connect,
            tls,
            sent,
            first_byte,
            body,
            total: end.saturating_duration_since(start),
            reused: self.connect.end.is_none(),
        }
    }
}

impl Phases {
    /// The phases in order with their names, `total` last.
    pub fn fields(&self) -> [(&'static str, Duration); 7] {
        [
            ("dns", self.dns),
            ("connect", self.connect),
            ("tls", self.tls),
            ("sent", self.sent),
            ("first_byte", self.first_byte),
            ("body", self.body),
            ("total", self.total),
        ]
    }
}

/// `dns=0.052ms connect=0.113ms ... total=5.498ms`: every value in milliseconds with three
/// decimals, cut (not rounded) to the microsecond, so the printed phases never add up to more
/// than the printed total.
impl fmt::Display for Phases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.fields().into_iter().enumerate() {
            let micros = value.as_micros();
            let sep = if i == 0 { "" } else { " " };
            write!(f, "{sep}{name}={}.{:03}ms", micros / 1000, micros % 1000)?;
        }
        Ok(())
    }
}

/// The marks of the exchange being sent, shared by the resolver and every connection.
pub type Clock = Arc<Mutex<Marks>>;

/// Poisoning only means another thread panicked mid-mark; the instants are still usable.
fn lock(clock: &Clock) -> MutexGuard<'_, Marks> {
    clock.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts timing a new exchange, begun at `start`.
pub fn reset(clock: &Clock, start: Instant) {
    *lock(clock) = Marks {
        start: Some(start),
        ..Marks::default()
    };
}

/// The marks so far.
pub fn read(clock: &Clock) -> Marks {
    *lock(clock)
}

/// When the body of one exchange was read to its end; set by the body reader.
pub type BodyEnd = Arc<OnceLock<Instant>>;

/// What was measured of one exchange: its marks up to the response head, and the end of its
/// body once it has been read.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub marks: Marks,
    pub body_end: BodyEnd,
}

impl Measured {
    /// The phases, the body ending now if it has not been read to its end.
    pub fn phases(&self) -> Phases {
        let end = self.body_end.get().copied().unwrap_or_else(Instant::now);
        self.marks.phases(end)
    }
}

/// The resolver, timed.
#[derive(Debug)]
pub struct TimedResolver<R> {
    pub inner: R,
    pub clock: Clock,
}

impl<R: Resolver> Resolver for TimedResolver<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let started = Instant::now();
        let resolved = self.inner.resolve(uri, config, timeout);
        let mut marks = lock(&self.clock);
        marks.dns.start.get_or_insert(started);
        marks.dns.end = Some(Instant::now());
        resolved
    }

    fn empty(&self) -> ResolvedSocketAddrs {
        self.inner.empty()
    }
}

/// The connectors that make a connection (to the server, or through a proxy), timed. ureq
/// calls them only for a new connection.
#[derive(Debug)]
pub struct TimedConnect<C> {
    pub inner: C,
    pub clock: Clock,
}

impl<C: Connector<()>> Connector<()> for TimedConnect<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let started = Instant::now();
        let connected = self.inner.connect(details, chained)?;
        if connected.is_some() {
            lock(&self.clock).connect = Span {
                start: Some(started),
                end: Some(Instant::now()),
            };
        }
        Ok(connected)
    }
}

/// The TLS connector, timed when it made a handshake (https, and not TLS already below).
#[derive(Debug)]
pub struct TimedTls<C> {
    pub inner: C,
    pub clock: Clock,
}

impl<In, C> Connector<In> for TimedTls<C>
where
    In: Transport,
    C: Connector<In, Out = Either<In, TlsTransport>>,
{
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let started = Instant::now();
        let connected = self.inner.connect(details, chained)?;
        if let Some(Either::B(_)) = &connected {
            lock(&self.clock).tls = Span {
                start: Some(started),
                end: Some(Instant::now()),
            };
        }
        Ok(connected)
    }
}

/// Times the bytes of each request written and the first byte of its response read, on every
/// connection (a pooled one marks the exchange it serves now).
#[derive(Debug, Clone)]
pub struct TimedIoConnector {
    pub clock: Clock,
}

impl<In: Transport> Connector<In> for TimedIoConnector {
    type Out = TimedIo<In>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| TimedIo {
            inner,
            clock: self.clock.clone(),
        }))
    }
}

#[derive(Debug)]
pub struct TimedIo<T> {
    inner: T,
    clock: Clock,
}

impl<T: Transport> Transport for TimedIo<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let started = Instant::now();
        self.inner.transmit_output(amount, timeout)?;
        let mut marks = lock(&self.clock);
        marks.sent.start.get_or_insert(started);
        marks.sent.end = Some(Instant::now());
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let before = self.inner.buffers().input().len();
        let progressed = self.inner.await_input(timeout)?;
        if self.inner.buffers().input().len() > before {
            let now = Instant::now();
            lock(&self.clock).first_byte.get_or_insert(now);
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

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Marks at these millisecond offsets from a start.
    struct At(Instant);

    impl At {
        fn new() -> At {
            At(Instant::now())
        }
        fn t(&self, ms: u32) -> Option<Instant> {
            Some(self.0 + ms * MS)
        }
        fn span(&self, from: u32, to: u32) -> Span {
            Span {
                start: self.t(from),
                end: self.t(to),
            }
        }
        fn end(&self, ms: u32) -> Instant {
            self.0 + ms * MS
        }
    }

    fn sum(p: &Phases) -> Duration {
        p.fields()[..6].iter().map(|(_, d)| *d).sum()
    }

    fn consistent(p: &Phases) {
        assert!(sum(p) <= p.total, "{p:?}");
    }

    #[test]
    fn a_new_connection_in_order() {
        let at = At::new();
        let marks = Marks {
            start: at.t(0),
            dns: at.span(1, 3),
            connect: at.span(3, 7),
            tls: at.span(7, 17),
            sent: at.span(18, 20),
            first_byte: at.t(50),
        };
        let p = marks.phases(at.end(60));
        assert_eq!(
            p,
            Phases {
                dns: 2 * MS,
                connect: 4 * MS,
                tls: 10 * MS,
                sent: 3 * MS,
                first_byte: 30 * MS,
                body: 10 * MS,
                total: 60 * MS,
                reused: false,
            }
        );
        consistent(&p);
    }

    #[test]
    fn a_reused_connection_has_no_connect_and_no_tls() {
        let at = At::new();
        let marks = Marks {
            start: at.t(0),
            dns: at.span(0, 1),
            sent: at.span(1, 2),
            first_byte: at.t(5),
            ..Marks::default()
        };
        let p = marks.phases(at.end(6));
        assert!(p.reused);
        assert_eq!((p.connect, p.tls), (Duration::ZERO, Duration::ZERO));
        assert_eq!((p.first_byte, p.body, p.total), (3 * MS, MS, 6 * MS));
        consistent(&p);
    }

    #[test]
    fn a_lookup_inside_the_connect_phase_is_counted_once() {
        // Through a proxy: the connectors start, then look the proxy up, then connect.
        let at = At::new();
        let marks = Marks {
            start: at.t(0),
            dns: at.span(2, 5),
            connect: at.span(1, 9),
            sent: at.span(9, 10),
            first_byte: at.t(12),
            ..Marks::default()
        };
        let p = marks.phases(at.end(12));
        assert_eq!((p.dns, p.connect), (3 * MS, 4 * MS));
        consistent(&p);
    }

    #[test]
    fn a_handshake_inside_the_connect_phase_is_not_counted_again() {
        let at = At::new();
        let marks = Marks {
            start: at.t(0),
            connect: at.span(0, 10),
            tls: at.span(2, 8),
            sent: at.span(10, 11),
            first_byte: at.t(12),
            ..Marks::default()
        };
        let p = marks.phases(at.end(13));
        assert_eq!((p.connect, p.tls), (10 * MS, Duration::ZERO));
        consistent(&p);
    }

    #[test]
    fn an_answer_before_the_request_is_written_never_goes_negative() {
        // The server answered (say, 413) while the body was still being sent.
        let at = At::new();
        let marks = Marks {
            start: at.t(0),
            sent: at.span(1, 40),
            first_byte: at.t(10),
            ..Marks::default()
        };
        let p = marks.phases(at.end(50));
        assert_eq!(
            (p.sent, p.first_byte, p.body),
            (40 * MS, Duration::ZERO, 10 * MS)
        );
        consistent(&p);
    }

    #[test]
    fn marks_out_of_order_or_beyond_the_end_are_cut() {
        let at = At::new();
        // Everything backwards, some past the end.
        let marks = Marks {
            start: at.t(10),
            dns: at.span(30, 20),
            connect: at.span(15, 5),
            tls: at.span(100, 200),
            sent: at.span(50, 40),
            first_byte: at.t(1),
        };
        for end in [0, 10, 25, 60, 500] {
            let p = marks.phases(at.end(end));
            consistent(&p);
            assert_eq!(p.total, at.end(end).saturating_duration_since(at.end(10)));
        }
        // No marks at all, and an end before the start.
        let p = Marks::default().phases(at.end(3));
        assert_eq!(
            p,
            Phases {
                reused: true,
                ..Phases::default()
            }
        );
        let p = Marks {
            start: at.t(5),
            ..Marks::default()
        }
        .phases(at.end(0));
        assert_eq!(p.total, Duration::ZERO);
    }

    #[test]
    fn any_marks_give_phases_that_fit_in_the_total() {
        // Marks anywhere (before the start, past the end, missing), from a fixed-seed LCG.
        let at = At::new();
        let origin = at.0;
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let r = (seed >> 33) as u32;
            (!r.is_multiple_of(8)).then_some(at.end(r % 100))
        };
        for _ in 0..10_000 {
            let marks = Marks {
                start: next(),
                dns: Span {
                    start: next(),
                    end: next(),
                },
                connect: Span {
                    start: next(),
                    end: next(),
                },
                tls: Span {
                    start: next(),
                    end: next(),
                },
                sent: Span {
                    start: next(),
                    end: next(),
                },
                first_byte: next(),
            };
            let end = next().unwrap_or(origin);
            let p = marks.phases(end);
            consistent(&p);
            assert_eq!(p.reused, marks.connect.end.is_none());
            if let Some(start) = marks.start {
                assert_eq!(p.total, end.saturating_duration_since(start));
            }
        }
    }

    #[test]
    fn the_printed_sum_never_exceeds_the_printed_total() {
        // Phases of 0.9996 ms: rounded, five would print as 1.000 and the sum (6.999) would
        // exceed the total (6.997).
        let at = At::new();
        let us = Duration::from_nanos(999_600);
        let base = at.0;
        let step = |n: u32| Some(base + us * n);
        let marks = Marks {
            start: Some(base),
            dns: Span {
                start: step(0),
                end: step(1),
            },
            connect: Span {
                start: step(1),
                end: step(2),
            },
            tls: Span {
                start: step(2),
                end: step(3),
            },
            sent: Span {
                start: step(3),
                end: step(4),
            },
            first_byte: step(5),
        };
        let p = marks.phases(base + us * 7);
        let line = p.to_string();
        assert_eq!(
            line,
            "dns=0.999ms connect=0.999ms tls=0.999ms sent=0.999ms first_byte=0.999ms \
             body=1.999ms total=6.997ms"
        );
        let micros =
            |v: &str| -> u64 { v.trim_end_matches("ms").replace('.', "").parse().unwrap() };
        let values: Vec<u64> = line
            .split(' ')
            .map(|kv| micros(kv.split_once('=').unwrap().1))
            .collect();
        assert!(values[..6].iter().sum::<u64>() <= values[6]);
    }

    #[test]
    fn long_phases_print_in_milliseconds() {
        let p = Phases {
            first_byte: Duration::from_micros(12_345_678),
            total: Duration::from_secs(13),
            ..Phases::default()
        };
        assert_eq!(
            p.to_string(),
            "dns=0.000ms connect=0.000ms tls=0.000ms sent=0.000ms first_byte=12345.678ms \
             body=0.000ms total=13000.000ms"
        );
    }

    #[test]
    fn body_end_is_now_until_the_body_is_read() {
        let measured = Measured {
            marks: Marks {
                start: Some(Instant::now()),
                ..Marks::default()
            },
            body_end: BodyEnd::default(),
        };
        let open = measured.phases();
        let end = Instant::now();
        let _ = measured.body_end.set(end);
        let done = measured.phases();
        std::thread::sleep(MS);
        assert_eq!(measured.phases(), done);
        assert!(open.total <= done.total);
    }
}

//! Sending a [`RequestSpec`] through ureq, with every safety default set explicitly.
//!
//! ureq's defaults suit a library, not a CLI: no timeouts, statuses as errors,
//! redirects that keep secrets, env proxies that ignore the scheme, its own lower-cased
//! headers. Here: statuses are responses, nothing is followed, ureq reads no proxy variable
//! (each request gets the proxy of its own scheme: see `proxy.rs`), ureq adds no header of its
//! own (the spec holds them all, in the user's case), and timeouts are set.

pub mod errors;
pub mod forward;
mod net;
pub mod proxy;
pub mod recorder;
pub mod redirect;
pub mod timing;
pub mod tls;
pub mod upload;

use std::borrow::Cow;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use ureq::http;
use ureq::unversioned::transport::{Connector, TcpConnector};
use ureq::{Agent, SendBody};

use crate::options::proxy::{Proxies, Route};
use crate::options::{ClientOptions, IpFamily};
use crate::spec::RequestSpec;
use crate::wire::ResponseHead;
use errors::{Limits, Phase, TransportError};
use forward::ForwardConnector;
use net::{NetConnector, NetResolver};
use proxy::{Plan, ProxyConnector, SharedHop};
use recorder::{lock, HeadHook, RecordingConnector, SharedTape};
use timing::{Clock, TimedConnect, TimedIoConnector, TimedResolver, TimedTls};
use tls::{TlsConnector, TlsInfo, TlsSlot};

/// The largest request head we send. ureq writes the head into one output buffer; a bigger
/// head would fail there with a message about the response, so it is refused up front.
pub const MAX_REQUEST_HEAD: usize = 1024 * 1024;

/// The largest response head we read (status line and headers). A header flood ends here with
/// a clear error, in bounded memory (ureq's default, made explicit).
pub const MAX_RESPONSE_HEAD: usize = 64 * 1024;

/// What the exchange loop needs from a protocol engine: send one request, get its head and a
/// body stream. One client serves a whole run, so hops to the same origin reuse its pooled
/// connection. ureq's HTTP/1.1 ([`Transport`]) is the one engine today; an HTTP/2 engine
/// would implement this too, without touching the loop.
pub trait Client {
    /// Sends the request; `on_request_head` sees the head bytes once they are written.
    fn send(
        &self,
        spec: &RequestSpec,
        body: Option<upload::BodyReader>,
        on_request_head: Option<HeadHook>,
    ) -> Result<Response, TransportError>;

    /// What is left of `--max-time`, if it was given.
    fn time_left(&self) -> Option<Duration>;

    /// The error for a run that ran out of `--max-time`.
    fn out_of_time(&self) -> TransportError;
}

/// A response whose head has arrived; the body is still on the connection. Errors read from
/// `body` carry a [`TransportError`] inside the `io::Error`.
pub struct Response {
    /// The head exactly as received (case, order, reason phrase).
    pub head: ResponseHead,
    pub body: Box<dyn Read + Send>,
    /// Recorded by every engine: `-vv` and `-p m` print the phases.
    pub timings: Timings,
    /// The negotiated TLS version and cipher suite; `None` over plain http.
    pub tls: Option<TlsInfo>,
}

/// When things happened in one exchange.
#[derive(Debug, Clone)]
pub struct Timings {
    /// Where the time went, phase by phase (`measured.phases()`), the body included once read.
    pub measured: timing::Measured,
}

/// ureq over HTTP/1.1, with every safety default set explicitly.
pub struct Transport {
    agent: Agent,
    tape: SharedTape,
    limits: Limits,
    /// When `--max-time` runs out, counted from the client's creation.
    deadline: Option<Instant>,
    max_headers: Option<usize>,
    tls: TlsSlot,
    /// The proxy for each target scheme, and `no_proxy`.
    proxies: Proxies,
    /// What the proxy connectors need to know about the exchange being sent.
    hop: SharedHop,
    /// Where the time of the exchange being sent goes, marked by the resolver and connectors.
    clock: Clock,
}

impl Transport {
    /// The run's client. TLS files (CA bundles, the client certificate) are read here, so a
    /// problem with them is reported before anything is sent; `ask` is asked for the
    /// passphrase of an encrypted client key when none was given.
    pub fn new(
        options: &ClientOptions,
        ask: tls::identity::AskPassphrase,
    ) -> anyhow::Result<Transport> {
        let limits = Limits {
            idle: options.timeout,
            connect: options.connect_timeout,
            connect_source: options.connect_source,
            max_time: options.max_time,
        };
        let address = &options.addressing;
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("")
            .accept("")
            .accept_encoding("")
            .proxy(None)
            .allow_non_standard_methods(true)
            .timeout_resolve(Some(options.connect_timeout))
            .timeout_connect(Some(options.connect_timeout))
            .timeout_per_read(options.timeout)
            .timeout_per_write(options.timeout)
            .max_response_header_size(MAX_RESPONSE_HEAD)
            .ip_family(match address.family {
                IpFamily::Any => ureq::config::IpFamily::Any,
                IpFamily::V4 => ureq::config::IpFamily::Ipv4Only,
                IpFamily::V6 => ureq::config::IpFamily::Ipv6Only,
            })
            .output_buffer_size(MAX_REQUEST_HEAD + 64 * 1024)
            // Matches the download loop's chunk: half as many reads and writes per GiB.
            .input_buffer_size(256 * 1024)
            .build();
        let bind = match &address.interface {
            Some(interface) => {
                net::local_addresses(interface).map_err(|e| anyhow::anyhow!("--interface: {e}"))?
            }
            None => Vec::new(),
        };
        let tape = SharedTape::default();
        let tls = TlsSlot::default();
        let tls_connector = TlsConnector::new(&options.tls, tls.clone(), ask)?;
        let hop = SharedHop::default();
        let clock = Clock::default();
        // The proxy connector reaches an https:// proxy with the same TLS as origins (timed as
        // part of the connection, not as the origin's handshake).
        let connect = ProxyConnector::new(hop.clone(), tls_connector.for_proxy(), bind.clone())
            .chain(NetConnector {
                unix_socket: address.unix_socket.clone(),
                bind,
            })
            .chain(TcpConnector::default());
        let connector = TimedConnect {
            inner: connect,
            clock: clock.clone(),
        }
        .chain(TimedTls {
            inner: tls_connector,
            clock: clock.clone(),
        })
        .chain(RecordingConnector {
            tape: tape.clone(),
            head_limit: recorder::head_limit(options.connect_timeout, options.connect_source),
        })
        .chain(TimedIoConnector {
            clock: clock.clone(),
        })
        .chain(ForwardConnector { hop: hop.clone() });
        let resolver = TimedResolver {
            inner: NetResolver {
                overrides: address.resolve.clone(),
                family: address.family,
                unix_socket: address.unix_socket.is_some(),
                inner: Default::default(),
            },
            clock: clock.clone(),
        };
        Ok(Transport {
            agent: Agent::with_parts(config, connector, resolver),
            tape,
            limits,
            deadline: options.max_time.map(|t| Instant::now() + t),
            max_headers: options.max_headers,
            tls,
            proxies: options.proxies.clone(),
            hop,
            clock,
        })
    }

    /// The request for ureq, with the route's proxy as its own (request-level) proxy; and
    /// the proxy connectors told about this exchange.
    fn routed(
        &self,
        request: http::Request<SendBody<'static>>,
        route: Route,
        plan: &Plan,
    ) -> Result<http::Request<SendBody<'static>>, TransportError> {
        let mut hop = proxy::lock(&self.hop);
        hop.generation = hop.generation.wrapping_add(1);
        hop.proxy = route.proxy().map(ToString::to_string).unwrap_or_default();
        hop.proxy_authorization = plan.proxy_authorization.clone();
        let Some(p) = route.proxy() else {
            return Ok(request);
        };
        let proxy = proxy::ureq_proxy(p).map_err(|e| TransportError::Proxy {
            proxy: p.to_string(),
            detail: format!("not a usable proxy ({e})"),
            retryable: false,
        })?;
        Ok(self
            .agent
            .configure_request(request)
            .proxy(Some(proxy))
            .build())
    }

    fn request(
        &self,
        spec: &RequestSpec,
        body: Option<upload::BodyReader>,
    ) -> Result<http::Request<SendBody<'static>>, TransportError> {
        let uri = format!(
            "{}://{}{}",
            spec.url.scheme(),
            crate::url_input::host_header(&spec.url),
            spec.target
        );
        let invalid = |detail: String| TransportError::InvalidRequest { detail };
        let method = http::Method::from_bytes(spec.method.as_bytes())
            .map_err(|_| invalid(format!("invalid method {:?}", spec.method)))?;
        let mut builder = http::Request::builder().method(method).uri(&uri);
        for h in &spec.headers {
            builder = ureq_proto::client::header_raw(builder, &h.name, h.value.as_bytes());
        }
        let body = match body {
            Some(reader) => SendBody::from_owned_reader(reader),
            None => SendBody::none(),
        };
        builder
            .body(body)
            .map_err(|e| invalid(format!("cannot build the request for {uri}: {e}")))
    }
}

impl Client for Transport {
    fn time_left(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    fn out_of_time(&self) -> TransportError {
        self.context("", Phase::Request).max_time()
    }

    fn send(
        &self,
        spec: &RequestSpec,
        body: Option<upload::BodyReader>,
        on_request_head: Option<HeadHook>,
    ) -> Result<Response, TransportError> {
        let started = Instant::now();
        let route = self.proxies.route(&spec.url);
        let (plan, spec) = planned(route, spec)?;
        let spec = spec.as_ref();
        let authority = match route {
            // A forwarded request's connection is the proxy's: its failures are said so.
            Route::Forward(proxy) => {
                format!("{} via the proxy {proxy}", authority_with_port(&spec.url))
            }
            _ => authority_with_port(&spec.url),
        };
        let mut request = self.routed(self.request(spec, body)?, route, &plan)?;
        if let Some(left) = self.time_left() {
            // Every hop gets what is left of the run's budget.
            if left.is_zero() {
                return Err(self.context(&authority, Phase::Request).max_time());
            }
            request = self
                .agent
                .configure_request(request)
                .timeout_global(Some(left))
                .build();
        }
        lock(&self.tape).reset(proxy::hiding_hook(on_request_head, &plan));
        tls::clear_slot(&self.tls);
        timing::reset(&self.clock, started);
        let response = self.agent.run(request).map_err(|e| {
            let tape = lock(&self.tape);
            let phase = if tape.received_any() {
                Phase::Head
            } else if tape.sent_any() {
                Phase::Sent
            } else {
                Phase::Request
            };
            drop(tape);
            errors::classify(e, &self.context(&authority, phase))
        })?;
        let raw = lock(&self.tape).response_head().map(<[u8]>::to_vec);
        let raw = raw.ok_or_else(|| TransportError::Protocol {
            authority: authority.clone(),
            detail: "the response head was not recorded".into(),
        })?;
        let head = ResponseHead::parse(&raw).map_err(|e| TransportError::Protocol {
            authority: authority.clone(),
            detail: e.to_string(),
        })?;
        if let (Route::Forward(p), 407) = (route, head.status) {
            // The proxy's own answer to a forwarded request, as it would be to a CONNECT.
            return Err(TransportError::ProxyAuth {
                proxy: p.to_string(),
                sent: plan.proxy_authorization.is_some()
                    || spec.header("Proxy-Authorization").is_some(),
            });
        }
        if let Some(limit) = self.max_headers.filter(|n| head.headers.len() > *n) {
            return Err(TransportError::TooManyHeaders { authority, limit });
        }
        let measured = timing::Measured {
            marks: timing::read(&self.clock),
            body_end: timing::BodyEnd::default(),
        };
        Ok(Response {
            head,
            body: Box::new(BodyReader {
                inner: response.into_body().into_reader(),
                authority,
                limits: self.limits,
                end: measured.body_end.clone(),
            }),
            timings: Timings { measured },
            tls: tls::read_slot(&self.tls),
        })
    }
}

impl Transport {
    fn context<'a>(&'a self, authority: &'a str, phase: Phase) -> errors::Context<'a> {
        errors::Context {
            authority,
            limits: &self.limits,
            phase,
        }
    }
}

/// What the request sends where on `route`, and the request as its first hop gets it (without
/// the items that went on a CONNECT), its head checked against [`MAX_REQUEST_HEAD`].
fn planned<'a>(
    route: Route,
    spec: &'a RequestSpec,
) -> Result<(Plan, Cow<'a, RequestSpec>), TransportError> {
    let plan = proxy::plan(route, spec);
    let spec = match plan.strip_typed {
        true => Cow::Owned(proxy::without_typed(spec)),
        false => Cow::Borrowed(spec),
    };
    let head_len = proxy::head_len(&spec, &plan);
    if head_len > MAX_REQUEST_HEAD {
        return Err(TransportError::RequestHeadTooLarge {
            size: head_len,
            limit: MAX_REQUEST_HEAD,
        });
    }
    Ok((plan, spec))
}

/// A response body whose read errors are classified [`TransportError`]s, and whose end is
/// timed.
struct BodyReader<R> {
    inner: R,
    authority: String,
    limits: Limits,
    end: timing::BodyEnd,
}

impl<R: Read> Read for BodyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf);
        if matches!(read, Ok(0)) && !buf.is_empty() {
            let _ = self.end.set(Instant::now());
        }
        read.map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            let kind = e.kind();
            let at = errors::Context {
                authority: &self.authority,
                limits: &self.limits,
                phase: Phase::Body,
            };
            io::Error::new(kind, errors::classify_read(e, &at))
        })
    }
}

/// host:port with the scheme's default port spelled out, for messages.
pub fn authority_with_port(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    format!("{host}:{}", url.port_or_known_default().unwrap_or(80))
}

//! Sending a [`RequestSpec`] through ureq, with every safety default set explicitly.
//!
//! ureq's defaults suit a library, not a CLI: no timeouts, statuses as errors,
//! redirects that keep secrets, env proxies that ignore the scheme, its own lower-cased
//! headers. Here: statuses are responses, nothing is followed, ureq reads no proxy variable
//! (each request gets the proxy of its own scheme: see `proxy.rs`), ureq adds no header of its
//! own (the spec holds them all, in the user's case), and timeouts are set.

pub mod errors;
pub mod forward;
pub mod proxy;
pub mod recorder;
pub mod redirect;
pub mod upload;

use std::borrow::Cow;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use ureq::http;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{Connector, NextTimeout, RustlsConnector, TcpConnector};
use ureq::{Agent, SendBody};

use crate::options::proxy::{Proxies, Route};
use crate::options::ClientOptions;
use crate::spec::RequestSpec;
use crate::wire::ResponseHead;
use errors::{DnsFailure, Phase, TransportError};
use forward::ForwardConnector;
use proxy::{Plan, ProxyConnector, SharedHop};
use recorder::{lock, HeadHook, RecordingConnector, SharedTape};

/// The largest request head we send. ureq writes the head into one output buffer; a bigger
/// head would fail there with a message about the response, so it is refused up front.
pub const MAX_REQUEST_HEAD: usize = 1024 * 1024;

/// How long to wait for a connection when `--timeout` is not given.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

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
}

/// A response whose head has arrived; the body is still on the connection. Errors read from
/// `body` carry a [`TransportError`] inside the `io::Error`.
pub struct Response {
    /// The head exactly as received (case, order, reason phrase).
    pub head: ResponseHead,
    pub body: Box<dyn Read + Send>,
    // Read by the timing and retry work that builds on this interface (`-vv` timings,
    // Retry-After budgets); recorded by every engine from the start.
    #[allow(dead_code)]
    pub timings: Timings,
}

/// When things happened in one exchange.
#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // see `Response::timings`
pub struct Timings {
    /// From the start of `send` until the response head had arrived.
    pub head: Duration,
}

/// ureq over HTTP/1.1, with every safety default set explicitly.
pub struct Transport {
    agent: Agent,
    tape: SharedTape,
    timeout: Option<Duration>,
    /// The proxy for each target scheme, and `no_proxy`.
    proxies: Proxies,
    /// What the proxy connectors need to know about the exchange being sent.
    hop: SharedHop,
}

impl Transport {
    pub fn new(options: &ClientOptions) -> Transport {
        let timeout = options.timeout;
        let connect = timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent("")
            .accept("")
            .accept_encoding("")
            .proxy(None)
            .allow_non_standard_methods(true)
            .timeout_resolve(Some(connect))
            .timeout_connect(Some(connect))
            .timeout_per_read(timeout)
            .timeout_per_write(timeout)
            .output_buffer_size(MAX_REQUEST_HEAD + 64 * 1024)
            // Matches the download loop's chunk: half as many reads and writes per GiB.
            .input_buffer_size(256 * 1024)
            .build();
        let tape = SharedTape::default();
        let hop = SharedHop::default();
        // The proxy connector reaches an https:// proxy with the same TLS as origins.
        let connector = ProxyConnector::new(hop.clone(), RustlsConnector::default())
            .chain(TcpConnector::default())
            .chain(RustlsConnector::default())
            .chain(RecordingConnector { tape: tape.clone() })
            .chain(ForwardConnector { hop: hop.clone() });
        Transport {
            agent: Agent::with_parts(config, connector, MarkingResolver::default()),
            tape,
            timeout,
            proxies: options.proxies.clone(),
            hop,
        }
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
        let request = self.routed(self.request(spec, body)?, route, &plan)?;
        let authority = authority_with_port(&spec.url);
        lock(&self.tape).reset(proxy::hiding_hook(on_request_head, &plan));
        let response = self.agent.run(request).map_err(|e| {
            // Bytes of a head had arrived: the server had begun to answer.
            let phase = match lock(&self.tape).received_any() {
                true => Phase::Head,
                false => Phase::Request,
            };
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
        Ok(Response {
            head,
            body: Box::new(BodyReader {
                inner: response.into_body().into_reader(),
                authority,
                timeout: self.timeout,
            }),
            timings: Timings {
                head: started.elapsed(),
            },
        })
    }
}

impl Transport {
    fn context<'a>(&self, authority: &'a str, phase: Phase) -> errors::Context<'a> {
        errors::Context {
            authority,
            timeout: self.timeout,
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

/// A response body whose read errors are classified [`TransportError`]s.
struct BodyReader<R> {
    inner: R,
    authority: String,
    timeout: Option<Duration>,
}

impl<R: Read> Read for BodyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            let kind = e.kind();
            let at = errors::Context {
                authority: &self.authority,
                timeout: self.timeout,
                phase: Phase::Body,
            };
            io::Error::new(kind, errors::classify_read(e, &at))
        })
    }
}

/// ureq's resolver, with its failures marked as DNS failures (see [`DnsFailure`]), so they are
/// told apart from connection errors by type, not by the OS's wording.
#[derive(Debug, Default)]
struct MarkingResolver(DefaultResolver);

impl Resolver for MarkingResolver {
    fn resolve(
        &self,
        uri: &http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout).map_err(|e| match e {
            ureq::Error::Io(io) => ureq::Error::Io(io::Error::other(DnsFailure(io))),
            other => other,
        })
    }
}

/// host:port with the scheme's default port spelled out, for messages.
pub fn authority_with_port(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    format!("{host}:{}", url.port_or_known_default().unwrap_or(80))
}

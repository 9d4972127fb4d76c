//! Reaching a target through a proxy, chosen per request.
//!
//! ureq takes one proxy for every request and always tunnels with CONNECT, even to plain
//! http targets. Here each request gets the proxy of its own scheme ([`Route`], decided by
//! the options layer), set as that request's ureq proxy (so pooled connections are never
//! shared between proxies or credentials), and [`ProxyConnector`], first in the connector
//! chain, opens the way:
//! * an HTTP proxy (`http://`, or `https://` with TLS to the proxy): a TCP connection to it;
//!   for an https target a CONNECT tunnel (RFC 9110 §9.3.6) carrying the proxy's
//!   `Proxy-Authorization`, never anything of the origin's; for an http target the request
//!   itself goes to the proxy in absolute-form (see `forward.rs`);
//! * a SOCKS proxy: ureq's own SOCKS4/4a/5/5h handshake (RFC 1928, RFC 1929 credentials).
//!
//! A failure on the way names the proxy (without its credentials), not the origin.

use std::fmt;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};

use ureq::http::uri::Scheme;
use ureq::http::Uri;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, NextTimeout, SocksConnector, TcpConnector, Transport,
};
use ureq::{Error, Proxy, ProxyProtocol};

use super::errors::{DnsFailure, ProxyFailure, ProxyProblem};
use super::recorder::{head_end, HeadHook};
use super::recorder::{is_interim, MAX_INTERIM};
use crate::options::proxy::{ProxyScheme, ProxyUrl, Route};
use crate::spec::RequestSpec;

/// The largest answer to a CONNECT we read before giving up on the proxy.
const MAX_CONNECT_ANSWER: usize = 64 * 1024;

/// What the connectors need to know about the exchange being sent; `Transport::send` sets it
/// before each one.
#[derive(Debug, Default)]
pub struct Hop {
    /// Counts exchanges: the forwarding transport rewrites the first head of each.
    pub generation: u64,
    /// The proxy of this exchange as `scheme://host:port`, for messages.
    pub proxy: String,
    /// The `Proxy-Authorization` for an HTTP proxy: on the CONNECT, or added to the head of
    /// a forwarded request.
    pub proxy_authorization: Option<String>,
}

pub type SharedHop = Arc<Mutex<Hop>>;

/// Poisoning only means another thread panicked mid-update; the values are still usable.
pub fn lock(hop: &SharedHop) -> MutexGuard<'_, Hop> {
    hop.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one request sends where, given its route (pure).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// `http://authority` for an absolute-form request line (a forwarded http request).
    pub absolute: Option<String>,
    /// What the HTTP proxy gets as `Proxy-Authorization`: on the CONNECT for a tunnel, added
    /// to the head of a forwarded request.
    pub proxy_authorization: Option<String>,
    /// Added to the head by us (from the proxy URL), so hidden when the head is shown.
    pub added_to_head: bool,
    /// The user's `Proxy-Authorization` items are taken off the request: they went on the
    /// CONNECT, and the origin behind the tunnel must not get them.
    pub strip_typed: bool,
}

/// The user's `Proxy-Authorization` header item is for the first HTTP hop: the proxy when one
/// is used (on the CONNECT for an https target, in the request for an http one, then instead
/// of the proxy URL's credentials), otherwise the origin, as HTTPie sends it.
pub fn plan(route: Route, spec: &RequestSpec) -> Plan {
    let typed = spec.header("Proxy-Authorization").map(str::to_string);
    match route {
        Route::Forward(proxy) => Plan {
            absolute: Some(format!(
                "{}://{}",
                spec.url.scheme(),
                crate::url_input::host_header(&spec.url)
            )),
            added_to_head: typed.is_none() && proxy.basic_authorization().is_some(),
            proxy_authorization: match typed {
                Some(_) => None,
                None => proxy.basic_authorization(),
            },
            strip_typed: false,
        },
        Route::Tunnel(proxy) => Plan {
            strip_typed: typed.is_some(),
            proxy_authorization: typed.or_else(|| proxy.basic_authorization()),
            ..Plan::default()
        },
        Route::Direct | Route::Socks(_) => Plan::default(),
    }
}

/// How an added `Proxy-Authorization` value is shown: its scheme, not its credentials.
pub fn hidden(value: &str) -> String {
    let scheme = value.split_whitespace().next().unwrap_or("");
    format!("{scheme} <hidden>")
}

/// The request head as shown to the user (`-v`, `--offline`): as the first hop gets it, with
/// the credentials we add from a proxy URL hidden.
pub fn shown_head(spec: &RequestSpec, route: Route) -> Vec<u8> {
    let plan = plan(route, spec);
    let stripped;
    let spec = match plan.strip_typed {
        true => {
            stripped = without_typed(spec);
            &stripped
        }
        false => spec,
    };
    let shown = plan.proxy_authorization.as_deref().map(hidden);
    let extra: Vec<(&str, &str)> = match (&shown, plan.added_to_head) {
        (Some(value), true) => vec![("Proxy-Authorization", value.as_str())],
        _ => Vec::new(),
    };
    crate::wire::render_request_head_as(spec, plan.absolute.as_deref(), &extra)
}

/// The size of the head the first hop gets (`spec` already without stripped items).
pub fn head_len(spec: &RequestSpec, plan: &Plan) -> usize {
    let added = match (&plan.proxy_authorization, plan.added_to_head) {
        (Some(value), true) => vec![("Proxy-Authorization", value.as_str())],
        _ => Vec::new(),
    };
    crate::wire::render_request_head_as(spec, plan.absolute.as_deref(), &added).len()
}

/// The request-head hook, seeing the credentials we added to the head hidden.
pub fn hiding_hook(hook: Option<HeadHook>, plan: &Plan) -> Option<HeadHook> {
    match (hook, &plan.proxy_authorization, plan.added_to_head) {
        (Some(mut hook), Some(value), true) => {
            let value = value.clone();
            Some(Box::new(move |head: &[u8]| hook(&hide_added(head, &value))))
        }
        (hook, _, _) => hook,
    }
}

/// `head` with the `Proxy-Authorization: value` line we added last shown as [`hidden`].
fn hide_added(head: &[u8], value: &str) -> Vec<u8> {
    let added = format!("Proxy-Authorization: {value}\r\n\r\n");
    match head.strip_suffix(added.as_bytes()) {
        Some(rest) => {
            let mut out = rest.to_vec();
            out.extend_from_slice(
                format!("Proxy-Authorization: {}\r\n\r\n", hidden(value)).as_bytes(),
            );
            out
        }
        None => head.to_vec(),
    }
}

/// `spec` without the user's `Proxy-Authorization` items.
pub fn without_typed(spec: &RequestSpec) -> RequestSpec {
    let mut spec = spec.clone();
    spec.headers
        .retain(|h| !h.name.eq_ignore_ascii_case("Proxy-Authorization"));
    spec
}

/// The ureq proxy for a route's proxy: it makes ureq leave name resolution to the proxy
/// where it should, keys the connection pool, and drives the SOCKS handshake.
pub fn ureq_proxy(proxy: &ProxyUrl) -> Result<Proxy, Error> {
    let protocol = match proxy.scheme {
        ProxyScheme::Http => ProxyProtocol::Http,
        ProxyScheme::Https => ProxyProtocol::Https,
        ProxyScheme::Socks4 => ProxyProtocol::Socks4,
        ProxyScheme::Socks4a => ProxyProtocol::Socks4A,
        ProxyScheme::Socks5 => ProxyProtocol::Socks5,
        ProxyScheme::Socks5h => ProxyProtocol::Socks5h,
    };
    let mut builder = Proxy::builder(protocol)
        .host(&proxy.uri_host())
        .port(proxy.port);
    if proxy.username.is_some() || proxy.password.is_some() {
        builder = builder.username(proxy.username.as_deref().unwrap_or(""));
        if let Some(password) = &proxy.password {
            builder = builder.password(password);
        }
    }
    builder.build()
}

/// First in the connector chain: when the request has a proxy, connects to it (TLS by `tls`
/// for an https proxy) and through it; otherwise lets the next connector connect direct.
pub struct ProxyConnector<Tls> {
    hop: SharedHop,
    tls: Tls,
    /// `--interface`: the local addresses connections to an HTTP proxy are made from.
    bind: Vec<std::net::IpAddr>,
}

impl<Tls> ProxyConnector<Tls> {
    pub fn new(hop: SharedHop, tls: Tls, bind: Vec<std::net::IpAddr>) -> Self {
        ProxyConnector { hop, tls, bind }
    }
}

impl<Tls> fmt::Debug for ProxyConnector<Tls> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConnector").finish()
    }
}

impl<Tls: Connector<Box<dyn Transport>>> Connector<()> for ProxyConnector<Tls> {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _chained: Option<()>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(proxy) = details.config.proxy() else {
            return Ok(None);
        };
        let (name, auth) = {
            let hop = lock(&self.hop);
            (hop.proxy.clone(), hop.proxy_authorization.clone())
        };
        let socks = !matches!(proxy.protocol(), ProxyProtocol::Http | ProxyProtocol::Https);
        let transport = match socks {
            true => via_socks(details).map_err(|e| named(&name, e, true))?,
            false => self.via_http(details, proxy, &name, auth.as_deref())?,
        };
        Ok(Some(Box::new(Proxied(transport))))
    }
}

impl<Tls: Connector<Box<dyn Transport>>> ProxyConnector<Tls> {
    fn via_http(
        &self,
        details: &ConnectionDetails,
        proxy: &Proxy,
        name: &str,
        auth: Option<&str>,
    ) -> Result<Box<dyn Transport>, Error> {
        let tls = proxy.protocol() == ProxyProtocol::Https;
        let scheme = if tls { "https" } else { "http" };
        let uri: Uri = format!("{scheme}://{}:{}", proxy.host(), proxy.port())
            .parse()
            .map_err(|_| failed(name, "the proxy address is not valid".into(), false))?;
        let named = |e| named(name, e, false);
        let addrs = details
            .resolver
            .resolve(&uri, details.config, details.timeout)
            .map_err(named)?;
        let leg = ConnectionDetails {
            uri: &uri,
            addrs,
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: details.register_shutdown.clone(),
        };
        let none = || failed(name, "no connection was made".into(), false);
        let mut transport: Box<dyn Transport> = match self.bind.is_empty() {
            true => {
                let tcp = TcpConnector::default().connect(&leg, None::<Box<dyn Transport>>);
                Box::new(tcp.map_err(named)?.ok_or_else(none)?)
            }
            false => {
                let net = super::net::NetConnector {
                    unix_socket: None,
                    bind: self.bind.clone(),
                };
                let bound = net.connect(&leg, None::<Box<dyn Transport>>);
                Box::new(bound.map_err(named)?.ok_or_else(none)?)
            }
        };
        if tls {
            let wrapped = self.tls.connect(&leg, Some(transport)).map_err(named)?;
            transport = Box::new(wrapped.ok_or_else(none)?);
        }
        if details.uri.scheme() == Some(&Scheme::HTTPS) {
            tunnel(&mut transport, details, auth, name)?;
        }
        Ok(transport)
    }
}

fn via_socks(details: &ConnectionDetails) -> Result<Box<dyn Transport>, Error> {
    let connected = SocksConnector::default().connect(details, None::<Box<dyn Transport>>)?;
    match connected {
        Some(transport) => Ok(Box::new(transport)),
        None => Err(Error::ConnectionFailed),
    }
}

/// Opens a CONNECT tunnel to the target of `details` through the proxy on `transport`.
fn tunnel(
    transport: &mut Box<dyn Transport>,
    details: &ConnectionDetails,
    auth: Option<&str>,
    name: &str,
) -> Result<(), Error> {
    let authority = connect_authority(details.uri)
        .ok_or_else(|| failed(name, "the target has no host".into(), false))?;
    // What is left of the one connect budget: TCP and TLS to the proxy came out of it.
    let timeout = || super::tls::remaining(details);
    let request = connect_request(&authority, auth);
    let output = transport.buffers().output();
    if request.len() > output.len() {
        return Err(failed(
            name,
            "the CONNECT request is too large".into(),
            false,
        ));
    }
    output[..request.len()].copy_from_slice(&request);
    let named = |e| named(name, e, false);
    transport
        .transmit_output(request.len(), timeout())
        .map_err(named)?;
    let head = read_answer(transport.as_mut(), timeout, name)?;
    connect_answer(&head, auth.is_some(), &authority).map_err(|problem| proxy_error(name, problem))
}

/// Reads the proxy's answer head, leaving anything after it for the tunnel.
fn read_answer(
    transport: &mut dyn Transport,
    timeout: impl Fn() -> NextTimeout,
    name: &str,
) -> Result<Vec<u8>, Error> {
    let mut interim = 0;
    loop {
        let input = transport.buffers().input();
        if let Some(end) = head_end(input) {
            let head = input[..end].to_vec();
            transport.buffers().input_consume(end);
            if !is_interim(&head) {
                return Ok(head);
            }
            interim += 1;
            if interim > MAX_INTERIM {
                let why = "it sent only interim (1xx) answers to CONNECT".into();
                return Err(failed(name, why, false));
            }
            continue;
        }
        if input.len() > MAX_CONNECT_ANSWER {
            let why = format!("its answer to CONNECT is over {MAX_CONNECT_ANSWER} bytes");
            return Err(failed(name, why, false));
        }
        transport.buffers().input_consume(0);
        let progressed = transport
            .await_input(timeout())
            .map_err(|e| named(name, e, false))?;
        if !progressed {
            let why = "the proxy closed the connection before answering CONNECT".into();
            return Err(failed(name, why, true));
        }
    }
}

/// `host:port` of a URI, the port spelled out (RFC 9110 §9.3.6: authority-form).
fn connect_authority(uri: &Uri) -> Option<String> {
    let host = uri.host()?;
    let https = uri.scheme() == Some(&Scheme::HTTPS);
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    Some(format!("{host}:{port}"))
}

/// The CONNECT request: nothing of the origin's request, the proxy's credentials only.
fn connect_request(authority: &str, auth: Option<&str>) -> Vec<u8> {
    let mut out = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(auth) = auth {
        out.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Whether the proxy's answer opens the tunnel: any 2xx does (RFC 9110 §9.3.6).
fn connect_answer(head: &[u8], sent_auth: bool, authority: &str) -> Result<(), ProxyProblem> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let parsed = response.parse(head);
    let status = match (parsed, response.code) {
        (Ok(httparse::Status::Complete(_)), Some(code)) => code,
        _ => {
            return Err(ProxyProblem::Failed {
                detail: "its answer to CONNECT is not HTTP".into(),
                retryable: false,
            })
        }
    };
    let reason: String = response
        .reason
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(80)
        .collect();
    match status {
        200..=299 => Ok(()),
        407 => Err(ProxyProblem::Auth { sent: sent_auth }),
        _ => Err(ProxyProblem::Failed {
            detail: format!("it answered {status} {reason} to CONNECT {authority}")
                .trim_end()
                .to_string(),
            retryable: matches!(status, 502..=504),
        }),
    }
}

/// A transport through a proxy: whatever TLS it has is the proxy's, not the target's, so the
/// TLS connector after it still wraps it for an https target.
#[derive(Debug)]
struct Proxied(Box<dyn Transport>);

impl Transport for Proxied {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.0.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        false
    }
}

fn proxy_error(name: &str, problem: ProxyProblem) -> Error {
    let kind = match problem {
        ProxyProblem::Auth { .. } => io::ErrorKind::PermissionDenied,
        ProxyProblem::Failed { .. } => io::ErrorKind::Other,
    };
    let failure = ProxyFailure {
        proxy: name.to_string(),
        problem,
    };
    Error::Io(io::Error::new(kind, failure))
}

fn failed(name: &str, detail: String, retryable: bool) -> Error {
    proxy_error(name, ProxyProblem::Failed { detail, retryable })
}

/// A ureq error met on the way to or through the proxy, marked as the proxy's. Timeouts stay
/// timeouts (exit 2, like any other connect timeout).
fn named(name: &str, err: Error, socks: bool) -> Error {
    match err {
        Error::Timeout(_) => err,
        Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => Error::Io(io),
        Error::Io(io) => {
            let (detail, retryable) = describe_io(&io, socks);
            failed(name, detail, retryable)
        }
        Error::HostNotFound => failed(name, "its host name has no usable address".into(), false),
        Error::ConnectionFailed => failed(name, "no address of it could be reached".into(), true),
        other => failed(name, other.to_string(), false),
    }
}

fn describe_io(io: &io::Error, socks: bool) -> (String, bool) {
    use io::ErrorKind as K;
    let inner = io.get_ref();
    if let Some(dns) = inner.and_then(|e| e.downcast_ref::<DnsFailure>()) {
        return (format!("cannot resolve its host name: {dns}"), false);
    }
    if let Some(failure) = inner.and_then(|e| e.downcast_ref::<super::tls::TlsFailure>()) {
        // The same one line as for a server: the problem, and the option that fixes it.
        let told = super::tls::errors::tls_failure(failure, "the proxy".into());
        return (format!("TLS with the proxy failed: {told}"), false);
    }
    if let Some(tls) = inner.and_then(|e| e.downcast_ref::<rustls::Error>()) {
        return (format!("TLS with the proxy failed: {tls}"), false);
    }
    match io.kind() {
        K::ConnectionRefused => ("connection refused".into(), true),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            ("the proxy closed the connection".into(), true)
        }
        K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable => (io.to_string(), true),
        _ if socks => (format!("SOCKS handshake failed: {io}"), false),
        _ => (io.to_string(), false),
    }
}

#[cfg(test)]
mod tests;

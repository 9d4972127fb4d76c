//! TLS for https, our own connector in ureq's chain, in place of ureq's rustls one: it builds
//! the rustls client configuration from the options (trust, client certificate, versions,
//! cipher suites), turns handshake failures into errors that say which trust was used, and
//! records the negotiated version and cipher suite of the connection each request used.
//!
//! Like ureq's connector, it wraps the transport below it (TCP, or a proxy tunnel) in TLS when
//! the URL is https and that transport is not TLS already.

pub mod errors;
pub mod identity;
pub mod pem;
pub mod trust;

use std::fmt;
use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use rustls::version::{TLS12, TLS13};
use rustls::{ClientConfig, ClientConnection, ProtocolVersion, StreamOwned};
use ureq::unversioned::transport::time::{Duration, Instant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

use crate::options::tls::{cipher_by_rustls_name, TlsOptions, TlsVersion, Trust};
use identity::AskPassphrase;

/// What was negotiated on a TLS connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsInfo {
    /// `TLSv1.3`, as OpenSSL and curl name it.
    pub version: &'static str,
    /// The IANA name of the cipher suite (`TLS_AES_256_GCM_SHA384`).
    pub cipher: &'static str,
}

impl TlsInfo {
    fn of(conn: &ClientConnection) -> TlsInfo {
        let version = match conn.protocol_version() {
            Some(ProtocolVersion::TLSv1_3) => "TLSv1.3",
            Some(ProtocolVersion::TLSv1_2) => "TLSv1.2",
            _ => "unknown",
        };
        let rustls_name = conn
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or("unknown");
        let cipher = cipher_by_rustls_name(rustls_name).map_or(rustls_name, |c| c.iana);
        TlsInfo { version, cipher }
    }
}

/// The TLS details of the connection the current request went over; `None` for plain http.
/// Reset before each request, written by the TLS transport as it sends.
pub type TlsSlot = Arc<Mutex<Option<TlsInfo>>>;

pub fn read_slot(slot: &TlsSlot) -> Option<TlsInfo> {
    *slot.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn clear_slot(slot: &TlsSlot) {
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Put inside the `io::Error` of a failed handshake or TLS read: rustls's reason, plus what a
/// message needs to say how to fix it.
#[derive(Debug)]
pub struct TlsFailure {
    pub error: rustls::Error,
    /// Which certificates were trusted ("the system trust store", "--verify /x/ca.pem").
    pub trust: Arc<str>,
    /// The versions offered ("TLS 1.2 and 1.3", "TLS 1.3").
    pub versions: &'static str,
    /// A client certificate was configured.
    pub client_cert: bool,
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for TlsFailure {}

/// The connector: one rustls configuration for the whole run.
#[derive(Clone)]
pub struct TlsConnector {
    config: Arc<ClientConfig>,
    /// For the leg to an https:// proxy (see [`TlsConnector::for_proxy`]).
    proxy_config: Arc<ClientConfig>,
    slot: TlsSlot,
    context: Arc<FailureContext>,
}

struct FailureContext {
    trust: Arc<str>,
    versions: &'static str,
    client_cert: bool,
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector").finish()
    }
}

impl TlsConnector {
    /// Reads the CA files and the client certificate (asking for a key's passphrase through
    /// `ask`) and builds the configuration; every problem with them is reported here, before
    /// any connection.
    pub fn new(options: &TlsOptions, slot: TlsSlot, ask: AskPassphrase) -> Result<TlsConnector> {
        let provider = Arc::new(provider(options));
        let versions = versions(options);
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .context("no usable TLS version and cipher suite")?;
        let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match &options.trust {
            Trust::System => Arc::new(trust::Verifier::system(provider.clone())),
            Trust::Off => Arc::new(trust::Verifier::off(provider.clone())),
            Trust::Roots(paths) => {
                let roots = Arc::new(trust::load_roots(paths)?);
                rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .context("cannot use the CA certificates")?
            }
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        // An https:// proxy is verified as an origin is, but gets no client certificate: it is
        // meant for the server (curl keeps a separate --proxy-cert for the proxy).
        let mut proxy_config = builder.clone().with_no_client_auth();
        proxy_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let mut config = match &options.client_cert {
            Some(cert) => {
                let key = identity::load(cert, &provider, ask)?;
                builder
                    .with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(key)))
            }
            None => builder.with_no_client_auth(),
        };
        // HTTP/1.1 is all we speak; saying so lets a server that needs ALPN answer plainly
        // (RFC 7301).
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsConnector {
            config: Arc::new(config),
            proxy_config: Arc::new(proxy_config),
            slot,
            context: Arc::new(FailureContext {
                trust: trust_name(&options.trust).into(),
                versions: match versions.len() {
                    1 if versions[0] == &TLS13 => "TLS 1.3",
                    1 => "TLS 1.2",
                    _ => "TLS 1.2 and 1.3",
                },
                client_cert: options.client_cert.is_some(),
            }),
        })
    }

    /// The connector for the TLS leg to an https:// proxy: no client certificate, and its
    /// version and cipher never shown as the exchange's (`-vv` is about the server's TLS).
    pub fn for_proxy(&self) -> TlsConnector {
        TlsConnector {
            config: self.proxy_config.clone(),
            proxy_config: self.proxy_config.clone(),
            slot: TlsSlot::default(),
            context: self.context.clone(),
        }
    }

    fn failure(&self, error: io::Error) -> ureq::Error {
        tls_error(error, &self.context)
    }
}

/// ring's suites, narrowed and ordered by `--ciphers`.
fn provider(options: &TlsOptions) -> CryptoProvider {
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(chosen) = &options.ciphers {
        let all = std::mem::take(&mut provider.cipher_suites);
        provider.cipher_suites = chosen
            .iter()
            .filter_map(|c| {
                all.iter()
                    .find(|s| s.suite().as_str() == Some(c.rustls))
                    .copied()
            })
            .collect();
    }
    provider
}

/// The versions offered: from `--ssl`'s minimum up, and only those `--ciphers` left a suite for.
fn versions(options: &TlsOptions) -> Vec<&'static rustls::SupportedProtocolVersion> {
    let mut out = Vec::new();
    for (version, rustls_version) in [(TlsVersion::Tls13, &TLS13), (TlsVersion::Tls12, &TLS12)] {
        let has_suite = options
            .ciphers
            .as_ref()
            .is_none_or(|c| c.iter().any(|c| c.version == version));
        if version >= options.min_version && has_suite {
            out.push(rustls_version);
        }
    }
    out
}

/// The trust, as messages name it.
fn trust_name(trust: &Trust) -> String {
    match trust {
        Trust::System => "the system trust store".into(),
        Trust::Off => "nothing (--verify=no)".into(),
        Trust::Roots(paths) => {
            let names: Vec<String> = paths
                .iter()
                .map(|p| format!("{} {}", p.from, p.path.display()))
                .collect();
            names.join(", ")
        }
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(below) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || below.is_tls() {
            return Ok(Some(Either::A(below)));
        }
        let name = server_name(details.uri)?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let below: Box<dyn Transport> = Box::new(below);
        let mut sock = TransportAdapter::new(below, details.current_time.clone());
        sock.set_timeout(remaining(details));
        if let Err(e) = conn.complete_io(&mut sock) {
            // rustls makes one attempt to send its alert, and our transport takes a record
            // piece by piece: send the rest, so the server learns why (RFC 8446 §6.2).
            while conn.wants_write() && conn.write_tls(&mut sock).is_ok_and(|n| n > 0) {}
            return Err(self.failure(e));
        }
        let info = TlsInfo::of(&conn);
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream: StreamOwned::new(conn, sock),
            info,
            slot: self.slot.clone(),
            context: self.context.clone(),
        })))
    }
}

/// The name the certificate must be valid for (and the SNI, for a DNS name): the URL's host,
/// without the brackets of an IPv6 address.
fn server_name(uri: &ureq::http::Uri) -> Result<ServerName<'static>, ureq::Error> {
    let host = uri.host().unwrap_or("");
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ServerName::try_from(bare.to_string())
        .map_err(|_| ureq::Error::BadUri(format!("'{host}' is not a valid TLS server name")))
}

/// The connect budget left after the TCP connection: the handshake shares it.
pub(crate) fn remaining(details: &ConnectionDetails) -> NextTimeout {
    let mut timeout = details.timeout;
    if let (Duration::Exact(budget), Instant::Exact(start), Instant::Exact(now)) =
        (timeout.after, details.now, (details.current_time)())
    {
        let spent = now.saturating_duration_since(start);
        timeout.after = Duration::Exact(budget.saturating_sub(spent));
    }
    timeout
}

/// An I/O error of the TLS layer as ureq should see it: rustls's errors wrapped with their
/// context, ureq's own (timeouts) unwrapped, the rest as they are.
fn tls_error(error: io::Error, context: &FailureContext) -> ureq::Error {
    let is_rustls = error
        .get_ref()
        .is_some_and(|e| e.downcast_ref::<rustls::Error>().is_some());
    if !is_rustls {
        return ureq::Error::from(error);
    }
    let kind = error.kind();
    let Some(Ok(inner)) = error.into_inner().map(|e| e.downcast::<rustls::Error>()) else {
        return ureq::Error::Io(io::Error::from(kind));
    };
    ureq::Error::Io(io::Error::new(
        kind,
        TlsFailure {
            error: *inner,
            trust: context.trust.clone(),
            versions: context.versions,
            client_cert: context.client_cert,
        },
    ))
}

/// A TLS connection, speaking through the transport below it.
pub struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
    info: TlsInfo,
    slot: TlsSlot,
    context: Arc<FailureContext>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport")
            .field("info", &self.info)
            .finish()
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        self.stream
            .write_all(output)
            .map_err(|e| tls_error(e, &self.context))?;
        // After the write: a TLS layer below this one (a proxy's) has written its own by now.
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.info);
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self
            .stream
            .read(input)
            .map_err(|e| tls_error(e, &self.context))?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;

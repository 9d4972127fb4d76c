//! A TLS test server and the certificates it needs, made at test time with rcgen.
//!
//! [`TlsServer`] terminates TLS (rustls, server side) on 127.0.0.1 and forwards the plaintext of
//! each connection to a scripted [`Server`] on a connection of its own, so the scripted replies,
//! the exact request bytes and the connection counts all work as for plain http. It records
//! each handshake: the version and cipher suite negotiated, whether the client sent a
//! certificate, or how the handshake failed.
//!
//! [`Pki`] is one test CA with its leaves (valid, expired, for the wrong names), a CA for
//! client certificates and a client certificate, generated once per test process.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ServerConfig, ServerConnection, SupportedProtocolVersion};

use super::server::{Reply, Server};

/// A connection (handshake included) with no traffic for this long is dropped.
const MAX_IDLE: Duration = Duration::from_secs(30);
const TICK: Duration = Duration::from_millis(5);

/// The subject of the test CA (its hashed file name is computed from it).
pub const CA_NAME: &str = "courier test CA";

/// A certificate and its private key, as PEM.
pub struct Pem {
    pub cert: String,
    pub key: String,
}

/// The test certificates.
pub struct Pki {
    /// The CA that signs the server leaves.
    pub ca: String,
    /// For `127.0.0.1` and `localhost`.
    pub leaf: Pem,
    /// For the same names, valid only during 2020.
    pub expired: Pem,
    /// For `other.example` and `www.other.example` only.
    pub wrong_name: Pem,
    /// The CA that signs client certificates.
    pub client_ca: String,
    /// A client certificate (CN "courier client").
    pub client: Pem,
    /// A key that belongs to none of these certificates.
    pub stray_key: String,
}

/// The certificates, made on first use.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(make_pki)
}

fn make_pki() -> Pki {
    let (ca, ca_issuer) = make_ca(CA_NAME);
    let (client_ca, client_issuer) = make_ca("courier test client CA");
    let localhost = ["127.0.0.1", "localhost"];
    let mut expired = params(&localhost, ExtendedKeyUsagePurpose::ServerAuth);
    expired.not_before = rcgen::date_time_ymd(2020, 1, 1);
    expired.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let mut client = params(&[], ExtendedKeyUsagePurpose::ClientAuth);
    client
        .distinguished_name
        .push(DnType::CommonName, "courier client");
    Pki {
        ca,
        leaf: signed(
            params(&localhost, ExtendedKeyUsagePurpose::ServerAuth),
            &ca_issuer,
        ),
        expired: signed(expired, &ca_issuer),
        wrong_name: signed(
            params(
                &["other.example", "www.other.example"],
                ExtendedKeyUsagePurpose::ServerAuth,
            ),
            &ca_issuer,
        ),
        client_ca,
        client: signed(client, &client_issuer),
        stray_key: KeyPair::generate().unwrap().serialize_pem(),
    }
}

fn make_ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

fn params(names: &[&str], usage: ExtendedKeyUsagePurpose) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.extended_key_usages = vec![usage];
    params
}

fn signed(params: CertificateParams, issuer: &Issuer<'_, KeyPair>) -> Pem {
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    Pem {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

/// The name `openssl rehash` gives a CA file: the subject hash (OpenSSL's `X509_NAME_hash`: the
/// first four bytes, little-endian, of the SHA-1 of the canonical subject), then `.0`. Only
/// for a subject of one CN of printable ASCII, as the test CA's.
pub fn hashed_name(common_name: &str) -> String {
    fn der(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 128);
        [&[tag, content.len() as u8], content].concat()
    }
    // Canonical form: lower case, inner spaces collapsed, as a UTF8String.
    let canon = common_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let attribute = [
        &[0x06, 0x03, 0x55, 0x04, 0x03][..],
        &der(0x0c, canon.as_bytes()),
    ]
    .concat();
    let rdn = der(0x31, &der(0x30, &attribute));
    let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &rdn);
    let hash = u32::from_le_bytes([
        sha1.as_ref()[0],
        sha1.as_ref()[1],
        sha1.as_ref()[2],
        sha1.as_ref()[3],
    ]);
    format!("{hash:08x}.0")
}

/// A server configuration: this certificate, these versions, and client certificates from
/// `client_ca` required when given.
pub fn server_config(
    leaf: &Pem,
    versions: &[&'static SupportedProtocolVersion],
    client_ca: Option<&str>,
) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(cert_der(ca)).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pem_der(&leaf.key)));
    Arc::new(
        builder
            .with_single_cert(vec![cert_der(&leaf.cert)], key)
            .unwrap(),
    )
}

fn cert_der(pem: &str) -> CertificateDer<'static> {
    CertificateDer::from(pem_der(pem))
}

/// The DER of the first block of a PEM text.
pub fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    decode_base64(&b64)
}

fn decode_base64(text: &str) -> Vec<u8> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = T.iter().position(|t| *t == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// How one TLS connection began.
#[derive(Clone, Debug)]
pub enum Handshake {
    Done {
        /// `TLSv1_3`, as rustls names it.
        version: String,
        /// rustls's name of the suite (`TLS13_AES_256_GCM_SHA384`).
        cipher: String,
        /// The client sent a certificate (and, when one was required, it was verified).
        client_cert: bool,
    },
    Failed(String),
}

/// A TLS front for a scripted [`Server`].
pub struct TlsServer {
    addr: SocketAddr,
    inner: Server,
    shared: Arc<Shared>,
    accept: Option<thread::JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    shutdown: AtomicBool,
}

#[derive(Default)]
struct State {
    handshakes: Vec<Handshake>,
    /// Connections whose handshake is not recorded yet.
    busy: usize,
    empty_polls: u64,
}

impl TlsServer {
    /// Starts on 127.0.0.1 with an ephemeral port; the plaintext gets these `replies`.
    pub fn start(config: Arc<ServerConfig>, replies: Vec<Reply>) -> TlsServer {
        let inner = Server::start(replies);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared::default());
        let (sh, backend) = (shared.clone(), inner.addr());
        let accept = thread::spawn(move || accept_loop(listener, config, backend, sh));
        TlsServer {
            addr,
            inner,
            shared,
            accept: Some(accept),
        }
    }

    /// The default server: the CA-signed leaf for 127.0.0.1, TLS 1.2 and 1.3, no client
    /// certificates, answering `reply`.
    pub fn trusted(reply: Reply) -> TlsServer {
        TlsServer::start(
            server_config(&pki().leaf, rustls::ALL_VERSIONS, None),
            vec![reply],
        )
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `https://127.0.0.1:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }

    /// The scripted server behind the TLS front: its requests are what the client sent.
    pub fn plain(&self) -> &Server {
        &self.inner
    }

    /// The handshakes so far, after waiting (up to 3 s) for those still in progress.
    pub fn handshakes(&self) -> Vec<Handshake> {
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut st = self.shared.state.lock().unwrap();
        let polls = st.empty_polls;
        while !(st.busy == 0 && st.empty_polls >= polls + 2) && Instant::now() < deadline {
            st = self
                .shared
                .changed
                .wait_timeout(st, Duration::from_millis(20))
                .unwrap()
                .0;
        }
        st.handshakes.clone()
    }

    /// The only handshake; panics if there were none or several.
    pub fn only_handshake(&self) -> Handshake {
        let all = self.handshakes();
        assert_eq!(all.len(), 1, "expected one handshake, got {all:?}");
        all.into_iter().next().unwrap()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    backend: SocketAddr,
    sh: Arc<Shared>,
) {
    while !sh.shutdown.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((tcp, _)) => {
                sh.state.lock().unwrap().busy += 1;
                let (sh2, config) = (sh.clone(), config.clone());
                thread::spawn(move || serve(tcp, config, backend, sh2));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                sh.state.lock().unwrap().empty_polls += 1;
                sh.changed.notify_all();
                thread::sleep(TICK);
            }
            Err(_) => thread::sleep(TICK),
        }
    }
}

fn record(sh: &Shared, handshake: Handshake) {
    let mut st = sh.state.lock().unwrap();
    st.handshakes.push(handshake);
    st.busy -= 1;
    drop(st);
    sh.changed.notify_all();
}

/// One connection: the handshake, then plaintext both ways until either side closes.
fn serve(mut tcp: TcpStream, config: Arc<ServerConfig>, backend: SocketAddr, sh: Arc<Shared>) {
    let _ = tcp.set_nonblocking(false);
    let _ = tcp.set_read_timeout(Some(TICK));
    let mut conn = ServerConnection::new(config).unwrap();
    if let Err(e) = handshake(&mut conn, &mut tcp, &sh) {
        record(&sh, Handshake::Failed(e));
        return;
    }
    record(
        &sh,
        Handshake::Done {
            version: format!("{:?}", conn.protocol_version().unwrap()),
            cipher: format!("{:?}", conn.negotiated_cipher_suite().unwrap().suite()),
            client_cert: conn.peer_certificates().is_some_and(|c| !c.is_empty()),
        },
    );
    let Ok(mut plain) = TcpStream::connect(backend) else {
        return;
    };
    let _ = plain.set_read_timeout(Some(TICK));
    pump(&mut conn, &mut tcp, &mut plain, &sh);
}

fn handshake(conn: &mut ServerConnection, tcp: &mut TcpStream, sh: &Shared) -> Result<(), String> {
    let deadline = Instant::now() + MAX_IDLE;
    while conn.is_handshaking() {
        if sh.shutdown.load(Ordering::SeqCst) || Instant::now() > deadline {
            return Err("gave up waiting".into());
        }
        match conn.complete_io(tcp) {
            Ok((0, 0)) if conn.is_handshaking() && !conn.wants_write() => {
                return Err("the client closed the connection".into())
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

/// Forwards plaintext between the TLS client and the scripted server.
fn pump(conn: &mut ServerConnection, tcp: &mut TcpStream, plain: &mut TcpStream, sh: &Shared) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut last = Instant::now();
    while !sh.shutdown.load(Ordering::SeqCst) && last.elapsed() < MAX_IDLE {
        match conn.read_tls(tcp) {
            Ok(0) => {
                let _ = plain.shutdown(Shutdown::Write);
            }
            Ok(_) => {
                last = Instant::now();
                if conn.process_new_packets().is_err() {
                    let _ = conn.write_tls(tcp);
                    return;
                }
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
        loop {
            match conn.reader().read(&mut buf) {
                Ok(0) => {
                    let _ = plain.shutdown(Shutdown::Write);
                    break;
                }
                Ok(n) => {
                    if plain.write_all(&buf[..n]).is_err() {
                        return;
                    }
                }
                Err(_) => break,
            }
        }
        match plain.read(&mut buf) {
            Ok(0) => {
                conn.send_close_notify();
                let _ = conn.write_tls(tcp);
                return;
            }
            Ok(n) => {
                last = Instant::now();
                let _ = conn.writer().write_all(&buf[..n]);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
        while conn.wants_write() {
            if conn.write_tls(tcp).is_err() {
                return;
            }
        }
    }
}

/// Writes a test file and returns its path.
pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

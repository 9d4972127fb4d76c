//! Proxies for the end-to-end tests, on 127.0.0.1, that record exactly what they received:
//!
//! * [`HttpProxy`]: an HTTP proxy. An absolute-form request (`GET http://host:port/path`,
//!   RFC 9112 §3.2.2) is forwarded to the origin in origin-form without its
//!   `Proxy-Authorization` (which is the proxy's, RFC 9110 §11.7.2), and the answer relayed;
//!   a `CONNECT host:port` (RFC 9110 §9.3.6) opens a tunnel whose client-to-origin bytes are
//!   recorded. It can require credentials (407 otherwise).
//! * [`SocksProxy`]: a SOCKS5 proxy (RFC 1928) with optional username/password
//!   authentication (RFC 1929), recording the credentials and the target it was asked for.
//!
//! Both connect onward only to loopback (any other target is refused): tests never leave
//! 127.0.0.1. Everything is bounded: heads up to 64 KiB, sockets time out after
//! [`IO_TIMEOUT`] of silence, and dropping a proxy stops its accept loop.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A socket silent this long is given up.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request or response head read.
const MAX_HEAD: usize = 64 * 1024;
/// How much of each tunnel's client-to-origin traffic is kept.
const MAX_TUNNEL_RECORD: usize = 64 * 1024;

/// A request head as the HTTP proxy received it.
#[derive(Clone, Debug)]
pub struct ProxyRequest {
    /// Index of the connection (in accept order, from 0) that carried it.
    pub conn: usize,
    /// The head, request line through the blank line.
    pub head: String,
    /// The client's address on that connection.
    pub peer: Option<SocketAddr>,
}

impl ProxyRequest {
    pub fn request_line(&self) -> &str {
        self.head.split("\r\n").next().unwrap_or("")
    }

    /// All values of a header (name compared case-insensitively).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.head
            .split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// The value of a header sent at most once.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut all = self.header_all(name);
        assert!(
            all.len() <= 1,
            "{name} sent {} times:\n{}",
            all.len(),
            self.head
        );
        all.pop()
    }
}

#[derive(Default)]
struct HttpLog {
    connections: usize,
    requests: Vec<ProxyRequest>,
    /// Per CONNECT tunnel, the first bytes the client sent through it.
    tunnels: Vec<Arc<Mutex<Vec<u8>>>>,
}

/// The HTTP proxy (see the module documentation). Dropping it stops it.
pub struct HttpProxy {
    addr: SocketAddr,
    log: Arc<Mutex<HttpLog>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl HttpProxy {
    /// A proxy that asks for no credentials.
    pub fn start() -> HttpProxy {
        HttpProxy::launch(None, Duration::ZERO)
    }

    /// A proxy that answers 407 unless `Proxy-Authorization` is exactly `expected`.
    pub fn requiring(expected: &str) -> HttpProxy {
        HttpProxy::launch(Some(expected.to_string()), Duration::ZERO)
    }

    /// A proxy that waits `delay` before answering each CONNECT.
    pub fn slow_to_connect(delay: Duration) -> HttpProxy {
        HttpProxy::launch(None, delay)
    }

    fn launch(expected: Option<String>, connect_delay: Duration) -> HttpProxy {
        let log = Arc::new(Mutex::new(HttpLog::default()));
        let log2 = Arc::clone(&log);
        let expected = Arc::new(expected);
        let (addr, stop, accept) = serve(move |stream| {
            handle_http(stream, &log2, expected.as_deref(), connect_delay);
        });
        HttpProxy {
            addr,
            log,
            stop,
            accept: Some(accept),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://USERINFO@127.0.0.1:PORT` (`userinfo` as it goes in a URL, percent-encoded).
    pub fn url_with(&self, userinfo: &str) -> String {
        format!("http://{userinfo}@{}", self.addr)
    }

    /// Every request head received, in order.
    pub fn requests(&self) -> Vec<ProxyRequest> {
        settle();
        self.log.lock().unwrap().requests.clone()
    }

    /// What the client sent through each CONNECT tunnel (the first 64 KiB of each).
    pub fn tunnelled(&self) -> Vec<Vec<u8>> {
        settle();
        let log = self.log.lock().unwrap();
        log.tunnels
            .iter()
            .map(|t| t.lock().unwrap().clone())
            .collect()
    }
}

impl Drop for HttpProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

/// Lets connection threads finish recording what the client's last bytes carried.
fn settle() {
    thread::sleep(Duration::from_millis(50));
}

/// Accepts connections on 127.0.0.1 until stopped, each handled on its own thread.
fn serve(
    handle: impl Fn(TcpStream) + Send + Sync + 'static,
) -> (SocketAddr, Arc<AtomicBool>, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = Arc::clone(&stop);
    let handle = Arc::new(handle);
    let accept = thread::spawn(move || {
        while !stop2.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((stream, _)) => {
                    let handle = Arc::clone(&handle);
                    thread::spawn(move || {
                        if prepare(&stream) {
                            handle(stream);
                        }
                    });
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    thread::sleep(Duration::from_millis(5))
                }
                Err(_) => thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (addr, stop, accept)
}

fn prepare(stream: &TcpStream) -> bool {
    stream.set_nonblocking(false).is_ok()
        && stream.set_read_timeout(Some(IO_TIMEOUT)).is_ok()
        && stream.set_write_timeout(Some(IO_TIMEOUT)).is_ok()
}

/// Reads up to and including the blank line; `None` on EOF, timeout or an oversized head.
fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > MAX_HEAD || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(head)
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_string())
}

/// Connects to a loopback `host:port` only, always on 127.0.0.1 (where test servers listen,
/// whether the client resolved `localhost` to 127.0.0.1 or ::1).
fn connect_loopback(host: &str, port: u16) -> Option<TcpStream> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = match host {
        "localhost" => true,
        other => other.parse::<IpAddr>().ok()?.is_loopback(),
    };
    if !loopback {
        return None;
    }
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT).ok()?;
    prepare(&stream).then_some(stream)
}

fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let (host, port) = authority.rsplit_once(':')?;
    Some((host, port.parse().ok()?))
}

fn handle_http(
    mut client: TcpStream,
    log: &Mutex<HttpLog>,
    expected: Option<&str>,
    connect_delay: Duration,
) {
    let conn = {
        let mut log = log.lock().unwrap();
        log.connections += 1;
        log.connections - 1
    };
    while let Some(head) = read_head(&mut client) {
        let head = String::from_utf8_lossy(&head).into_owned();
        let request = ProxyRequest {
            conn,
            head: head.clone(),
            peer: client.peer_addr().ok(),
        };
        log.lock().unwrap().requests.push(request);
        let line = head.split("\r\n").next().unwrap_or("").to_string();
        let mut parts = line.split(' ');
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let auth = header_value(&head, "Proxy-Authorization");
        if expected.is_some() && auth.as_deref() != expected {
            let _ = client.write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\
                  Connection: close\r\n\r\n",
            );
            return;
        }
        if method == "CONNECT" {
            thread::sleep(connect_delay);
            return tunnel(client, target, log);
        }
        if !forward(&mut client, &head, method, target) {
            return;
        }
    }
}

fn tunnel(mut client: TcpStream, authority: &str, log: &Mutex<HttpLog>) {
    let origin = split_authority(authority).and_then(|(h, p)| connect_loopback(h, p));
    let Some(origin) = origin else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let record = Arc::new(Mutex::new(Vec::new()));
    log.lock().unwrap().tunnels.push(Arc::clone(&record));
    relay(client, origin, Some(record));
}

/// Forwards one absolute-form request to its origin and relays the answer; false when the
/// connection to the client should end.
fn forward(client: &mut TcpStream, head: &str, method: &str, target: &str) -> bool {
    let Some(rest) = target.strip_prefix("http://") else {
        let _ = client.write_all(b"HTTP/1.1 400 Not absolute-form\r\nContent-Length: 0\r\n\r\n");
        return false;
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let origin = split_authority(authority)
        .or(Some((authority, 80)))
        .and_then(|(h, p)| connect_loopback(h, p));
    let Some(mut origin) = origin else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return false;
    };
    let Some(body) = read_request_body(client, head) else {
        return false;
    };
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for line in head.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or("").trim();
        if !name.eq_ignore_ascii_case("Proxy-Authorization") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    let mut request = out.into_bytes();
    request.extend_from_slice(&body);
    if origin.write_all(&request).is_err() {
        return false;
    }
    let Some(answer) = read_head(&mut origin) else {
        return false;
    };
    let answer_head = String::from_utf8_lossy(&answer).into_owned();
    let length: usize = header_value(&answer_head, "Content-Length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(16 * 1024 * 1024)];
    if origin.read_exact(&mut body).is_err() {
        return false;
    }
    client.write_all(&answer).is_ok() && client.write_all(&body).is_ok()
}

/// A request body as framed on the wire: `Content-Length` bytes, or chunks through the last.
fn read_request_body(client: &mut TcpStream, head: &str) -> Option<Vec<u8>> {
    let chunked = header_value(head, "Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if !chunked {
        let length: usize = header_value(head, "Content-Length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length.min(16 * 1024 * 1024)];
        client.read_exact(&mut body).ok()?;
        return Some(body);
    }
    let mut body = Vec::new();
    loop {
        let line = read_line(client)?;
        body.extend_from_slice(&line);
        let text = String::from_utf8_lossy(&line);
        let size = usize::from_str_radix(text.trim().split(';').next()?, 16).ok()?;
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let line = read_line(client)?;
                body.extend_from_slice(&line);
                if line == b"\r\n" {
                    return Some(body);
                }
            }
        }
        let mut chunk = vec![0u8; size.min(16 * 1024 * 1024) + 2];
        client.read_exact(&mut chunk).ok()?;
        body.extend_from_slice(&chunk);
    }
}

/// One line, CRLF included (at most 64 KiB).
fn read_line(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        if line.len() > MAX_HEAD || stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        line.push(byte[0]);
    }
    Some(line)
}

/// Copies both ways until either side closes; `record` keeps the first bytes `a` sent.
fn relay(a: TcpStream, b: TcpStream, record: Option<Arc<Mutex<Vec<u8>>>>) {
    let (Ok(a2), Ok(b2)) = (a.try_clone(), b.try_clone()) else {
        return;
    };
    let back = thread::spawn(move || copy(b2, a2, None));
    copy(a, b, record);
    let _ = back.join();
}

fn copy(mut from: TcpStream, mut to: TcpStream, record: Option<Arc<Mutex<Vec<u8>>>>) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if let Some(record) = &record {
            let mut r = record.lock().unwrap();
            let room = MAX_TUNNEL_RECORD.saturating_sub(r.len());
            r.extend_from_slice(&buf[..n.min(room)]);
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

/// What a SOCKS5 client was asked for a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocksTarget {
    /// An address (ATYP 1 or 4): the client resolved the name itself.
    Ip(IpAddr),
    /// A host name (ATYP 3): left to the proxy to resolve.
    Domain(String),
}

/// One SOCKS5 session as the proxy saw it.
#[derive(Clone, Debug, Default)]
pub struct SocksSession {
    /// The authentication methods the client offered (0: none, 2: username/password).
    pub methods: Vec<u8>,
    /// The RFC 1929 credentials sent, if any.
    pub credentials: Option<(String, String)>,
    /// The CONNECT target and port, once asked.
    pub target: Option<(SocksTarget, u16)>,
}

/// The SOCKS5 proxy (see the module documentation). Dropping it stops it.
pub struct SocksProxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<SocksSession>>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl SocksProxy {
    /// A proxy that requires these RFC 1929 credentials.
    pub fn requiring(user: &str, pass: &str) -> SocksProxy {
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = Arc::clone(&log);
        let expected = (user.to_string(), pass.to_string());
        let (addr, stop, accept) = serve(move |stream| socks_session(stream, &log2, &expected));
        SocksProxy {
            addr,
            log,
            stop,
            accept: Some(accept),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every session, in the order they began.
    pub fn sessions(&self) -> Vec<SocksSession> {
        settle();
        self.log.lock().unwrap().clone()
    }
}

impl Drop for SocksProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn socks_session(
    mut client: TcpStream,
    log: &Mutex<Vec<SocksSession>>,
    expected: &(String, String),
) {
    let index = {
        let mut log = log.lock().unwrap();
        log.push(SocksSession::default());
        log.len() - 1
    };
    let update = |f: &dyn Fn(&mut SocksSession)| f(&mut log.lock().unwrap()[index]);
    let Some(methods) = socks_greeting(&mut client) else {
        return;
    };
    update(&|s| s.methods = methods.clone());
    if !methods.contains(&2) {
        let _ = client.write_all(&[5, 0xff]);
        return;
    }
    if client.write_all(&[5, 2]).is_err() {
        return;
    }
    let Some(creds) = socks_credentials(&mut client) else {
        return;
    };
    update(&|s| s.credentials = Some(creds.clone()));
    let ok = &creds == expected;
    if client.write_all(&[1, if ok { 0 } else { 1 }]).is_err() || !ok {
        return;
    }
    let Some((target, port)) = socks_request(&mut client) else {
        return;
    };
    update(&|s| s.target = Some((target.clone(), port)));
    let host = match &target {
        SocksTarget::Ip(ip) => ip.to_string(),
        SocksTarget::Domain(name) => name.clone(),
    };
    let Some(origin) = connect_loopback(&host, port) else {
        let _ = client.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]); // host unreachable
        return;
    };
    if client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).is_ok() {
        relay(client, origin, None);
    }
}

/// Version 5 and the offered methods.
fn socks_greeting(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head).ok()?;
    if head[0] != 5 {
        return None;
    }
    let mut methods = vec![0u8; usize::from(head[1])];
    client.read_exact(&mut methods).ok()?;
    Some(methods)
}

/// RFC 1929: version 1, ULEN, UNAME, PLEN, PASSWD.
fn socks_credentials(client: &mut TcpStream) -> Option<(String, String)> {
    let read_field = |client: &mut TcpStream| -> Option<String> {
        let mut len = [0u8; 1];
        client.read_exact(&mut len).ok()?;
        let mut field = vec![0u8; usize::from(len[0])];
        client.read_exact(&mut field).ok()?;
        Some(String::from_utf8_lossy(&field).into_owned())
    };
    let mut version = [0u8; 1];
    client.read_exact(&mut version).ok()?;
    let user = read_field(client)?;
    let pass = read_field(client)?;
    (version[0] == 1).then_some((user, pass))
}

/// VER CMD RSV ATYP DST.ADDR DST.PORT, CONNECT only.
fn socks_request(client: &mut TcpStream) -> Option<(SocksTarget, u16)> {
    let mut head = [0u8; 4];
    client.read_exact(&mut head).ok()?;
    if head[0] != 5 || head[1] != 1 {
        return None;
    }
    let target = match head[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).ok()?;
            SocksTarget::Ip(IpAddr::from(ip))
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip).ok()?;
            SocksTarget::Ip(IpAddr::from(ip))
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).ok()?;
            let mut name = vec![0u8; usize::from(len[0])];
            client.read_exact(&mut name).ok()?;
            SocksTarget::Domain(String::from_utf8_lossy(&name).into_owned())
        }
        _ => return None,
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).ok()?;
    Some((target, u16::from_be_bytes(port)))
}

//! A scripted raw-TCP HTTP/1.x test server (std only: threads and `std::net`).
//!
//! It exists because a real HTTP server library can only send well-formed HTTP: this one sends
//! exactly the bytes a test scripts, well-formed or not, and records exactly the bytes it received.
//!
//! ```ignore
//! let srv = Server::start(vec![Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")]);
//! // ... run the client against srv.url("/path") ...
//! let reqs = srv.requests();          // waits briefly for requests still being read
//! assert_eq!(reqs[0].request_line(), "GET /path HTTP/1.1");
//! ```
//!
//! * Replies are used in order, one per request (across all connections): request `n` gets
//!   `replies[n]`, or the last reply once the script is exhausted ("repeat last").
//! * How request `n` is read is decided by its reply: by default HTTP framing (head up to the
//!   blank line, then `Content-Length` bytes or a chunked body); `Reply::read_until_idle` takes
//!   whatever arrives until the peer is silent for a while or closes (for non-HTTP clients, e.g. a
//!   TLS ClientHello).
//! * A reply is a list of [`Step`]s. If it does not end the connection (`Close`, `Reset`, `Hang`),
//!   the connection stays open for the next request (keep-alive).
//! * Everything is bounded in time: a connection is dropped after [`MAX_IDLE`] without traffic,
//!   `Hang` lasts at most [`MAX_HANG`], and dropping the `Server` stops every thread.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A connection with no traffic at all for this long is dropped by the server.
pub const MAX_IDLE: Duration = Duration::from_secs(30);
/// `Step::Hang` never lasts longer than this.
pub const MAX_HANG: Duration = Duration::from_secs(30);
/// Granularity at which server threads notice shutdown and idleness.
const TICK: Duration = Duration::from_millis(10);

/// One thing the server does while replying.
#[derive(Clone, Debug)]
pub enum Step {
    /// Write these bytes at once.
    Send(Vec<u8>),
    /// Write these bytes one at a time, sleeping `Duration` before each.
    Drip(Vec<u8>, Duration),
    /// Sleep.
    Sleep(Duration),
    /// Close the connection (FIN).
    Close,
    /// Abort the connection: RST instead of FIN (SO_LINGER 0; plain close where unsupported).
    Reset,
    /// Keep the connection open, reading and discarding, never answering (until `MAX_HANG` or
    /// the server is dropped).
    Hang,
}

/// How the server decides that a request is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadMode {
    /// HTTP/1.1 framing: head, then `Content-Length` bytes or a chunked body (or nothing).
    Http,
    /// Everything until the peer is silent for this long, or closes.
    UntilIdle(Duration),
}

/// The scripted answer to one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub steps: Vec<Step>,
    pub read: ReadMode,
}

impl Reply {
    /// Send `bytes` verbatim, keep the connection open.
    pub fn raw(bytes: impl AsRef<[u8]>) -> Reply {
        Reply::steps(vec![Step::Send(bytes.as_ref().to_vec())])
    }

    /// A well-formed response: `head` is the status line and header lines *without* the final
    /// CRLF (e.g. `"HTTP/1.1 404 Not Found\r\nX-A: 1"`); `Content-Length` and the blank line are
    /// appended, then `body`.
    pub fn http(head: &str, body: impl AsRef<[u8]>) -> Reply {
        Reply::raw(http_response(head, body.as_ref()))
    }

    /// `HTTP/1.1 200 OK` with this body and a `Content-Length`.
    pub fn ok(body: impl AsRef<[u8]>) -> Reply {
        Reply::http("HTTP/1.1 200 OK", body)
    }

    /// Never answer.
    pub fn hang() -> Reply {
        Reply::steps(vec![Step::Hang])
    }

    /// An arbitrary script.
    pub fn steps(steps: Vec<Step>) -> Reply {
        Reply {
            steps,
            read: ReadMode::Http,
        }
    }

    /// Sleep before the first step.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.steps.insert(0, Step::Sleep(d));
        self
    }

    /// Close the connection after the last step.
    pub fn then_close(mut self) -> Reply {
        self.steps.push(Step::Close);
        self
    }

    /// Reset (RST) the connection after the last step.
    pub fn then_reset(mut self) -> Reply {
        self.steps.push(Step::Reset);
        self
    }

    /// Read the request as "whatever arrives until `idle` of silence or close".
    pub fn read_until_idle(mut self, idle: Duration) -> Reply {
        self.read = ReadMode::UntilIdle(idle);
        self
    }
}

/// Build `head` + `Content-Length` + blank line + `body` (see [`Reply::http`]).
pub fn http_response(head: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{head}\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// What the server received for one request.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// Index of the connection (in accept order, from 0) that carried it.
    pub conn: usize,
    /// The client's address on that connection (`None` for requests parsed from output).
    pub peer: Option<SocketAddr>,
    /// When the request had been read in full.
    pub at: Instant,
    /// Every byte of this request as received (head, framing, body).
    pub raw: Vec<u8>,
    /// The head as text (lossy UTF-8), request line through the terminating blank line included
    /// (i.e. it ends with "\r\n\r\n" when the request had a complete head).
    pub head: String,
    /// The payload: the body bytes with chunked framing removed.
    pub body: Vec<u8>,
    /// The bytes after the head exactly as received (chunked framing included).
    pub wire_body: Vec<u8>,
    /// False when the peer closed before the request was complete (then `raw` has what arrived).
    pub complete: bool,
}

impl RecordedRequest {
    /// `"GET /path HTTP/1.1"`.
    pub fn request_line(&self) -> &str {
        self.head.split("\r\n").next().unwrap_or("")
    }

    /// `"GET"`.
    pub fn method(&self) -> &str {
        self.request_line().split(' ').next().unwrap_or("")
    }

    /// `"/path?query"`.
    pub fn target(&self) -> &str {
        self.request_line().split(' ').nth(1).unwrap_or("")
    }

    /// Header lines in wire order, names as sent, values with surrounding spaces trimmed.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.head
            .split("\r\n")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(|l| match l.split_once(':') {
                Some((n, v)) => (n.to_string(), v.trim_matches([' ', '\t']).to_string()),
                None => (l.to_string(), String::new()),
            })
            .collect()
    }

    /// All values of a header (name compared case-insensitively), in wire order.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers()
            .into_iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .collect()
    }

    /// The value of a header that must appear at most once (panics if repeated).
    pub fn header(&self, name: &str) -> Option<String> {
        let mut all = self.header_all(name);
        assert!(
            all.len() <= 1,
            "header {name} sent {} times in:\n{}",
            all.len(),
            self.head
        );
        all.pop()
    }

    /// Header names exactly as sent, in wire order.
    pub fn header_names(&self) -> Vec<String> {
        self.headers().into_iter().map(|(n, _)| n).collect()
    }

    /// Parse a request message as *printed* by the client (e.g. `--offline` output): the head up
    /// to the blank line, then everything else as the body, taken verbatim.
    pub fn from_printed(bytes: &[u8]) -> RecordedRequest {
        let head_end = find(bytes, b"\r\n\r\n")
            .map(|p| p + 4)
            .unwrap_or(bytes.len());
        RecordedRequest {
            conn: usize::MAX,
            peer: None,
            at: Instant::now(),
            raw: bytes.to_vec(),
            head: String::from_utf8_lossy(&bytes[..head_end]).into_owned(),
            body: bytes[head_end..].to_vec(),
            wire_body: bytes[head_end..].to_vec(),
            complete: head_end < bytes.len() || bytes.ends_with(b"\r\n\r\n"),
        }
    }
}

/// The running server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<thread::JoinHandle<()>>,
}

/// Computes the reply to request `n` (0-based, across connections) from the request itself.
pub type Handler = dyn Fn(usize, &RecordedRequest) -> Reply + Send + Sync;

struct Shared {
    replies: Vec<Reply>,
    /// When set ([`Server::start_fn`]), it picks every reply instead of `replies`.
    handler: Option<Box<Handler>>,
    state: Mutex<State>,
    changed: Condvar,
    shutdown: AtomicBool,
}

#[derive(Default)]
struct State {
    requests: Vec<RecordedRequest>,
    /// Connections accepted so far.
    connections: usize,
    /// Requests started so far (a request starts with its first byte); picks the reply.
    started: usize,
    /// Connections that may hold bytes not yet turned into a `RecordedRequest`.
    busy: usize,
    /// How many times the accept loop found the backlog empty.
    empty_polls: u64,
}

impl Server {
    /// Start on 127.0.0.1 with an ephemeral port.
    pub fn start(replies: Vec<Reply>) -> Server {
        Server::start_at("127.0.0.1:0", replies).expect("bind 127.0.0.1:0")
    }

    /// Start on the given local address (e.g. `"[::1]:0"`); `Err` if it cannot be bound.
    pub fn start_at(addr: &str, replies: Vec<Reply>) -> std::io::Result<Server> {
        assert!(!replies.is_empty(), "a server needs at least one reply");
        Server::launch(addr, replies, None)
    }

    /// Start on 127.0.0.1 with an ephemeral port; each reply is computed by `handler` from the
    /// request's index and the complete request as recorded (read with HTTP framing). For
    /// challenge-response exchanges (Digest) and chains that need ports known only later.
    pub fn start_fn(
        handler: impl Fn(usize, &RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> Server {
        // The placeholder reply only fixes the read mode (HTTP framing).
        Server::launch("127.0.0.1:0", vec![Reply::raw("")], Some(Box::new(handler)))
            .expect("bind 127.0.0.1:0")
    }

    fn launch(
        addr: &str,
        replies: Vec<Reply>,
        handler: Option<Box<Handler>>,
    ) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            replies,
            handler,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            shutdown: AtomicBool::new(false),
        });
        let sh = Arc::clone(&shared);
        let accept = thread::spawn(move || accept_loop(listener, sh));
        Ok(Server {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `"127.0.0.1:PORT"` (`"[::1]:PORT"` for IPv6).
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// `"http://127.0.0.1:PORT/path"`; `path` should start with `/` (or be empty).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests received so far, in the order they were completed, after waiting (up to 3 s)
    /// until no connection is in the middle of a request and the accept backlog is empty.
    /// Call it after the client has exited.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.quiesce();
        self.shared.state.lock().unwrap().requests.clone()
    }

    /// The only request received; panics (showing them) if there were zero or several.
    pub fn only_request(&self) -> RecordedRequest {
        let reqs = self.requests();
        assert_eq!(
            reqs.len(),
            1,
            "expected exactly one request, got {}: {:#?}",
            reqs.len(),
            reqs.iter().map(|r| &r.head).collect::<Vec<_>>()
        );
        reqs.into_iter().next().unwrap()
    }

    /// Connections accepted so far (after the same wait as [`Server::requests`]).
    pub fn connections(&self) -> usize {
        self.quiesce();
        self.shared.state.lock().unwrap().connections
    }

    fn quiesce(&self) {
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut st = self.shared.state.lock().unwrap();
        let polls_at_start = st.empty_polls;
        while !(st.busy == 0 && st.empty_polls >= polls_at_start + 2) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = self
                .shared
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap()
                .0;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: TcpListener, sh: Arc<Shared>) {
    while !sh.shutdown.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, peer)) => {
                let conn = {
                    let mut st = sh.state.lock().unwrap();
                    st.connections += 1;
                    st.busy += 1; // until its first empty read: bytes may already be queued
                    st.connections - 1
                };
                sh.changed.notify_all();
                let sh2 = Arc::clone(&sh);
                thread::spawn(move || {
                    let mut c = Conn {
                        stream,
                        peer: Some(peer),
                        sh: sh2,
                        conn,
                        busy: true,
                        buf: Vec::new(),
                        peer_closed: false,
                    };
                    c.run();
                    c.set_busy(false);
                });
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                sh.state.lock().unwrap().empty_polls += 1;
                sh.changed.notify_all();
                thread::sleep(Duration::from_millis(5));
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

struct Conn {
    stream: TcpStream,
    peer: Option<SocketAddr>,
    sh: Arc<Shared>,
    conn: usize,
    busy: bool,
    /// Bytes received and not yet part of a recorded request (pipelining leftovers included).
    buf: Vec<u8>,
    /// The peer closed its side (EOF seen).
    peer_closed: bool,
}

enum Outcome {
    /// The connection is finished (closed, reset, hung up, or the server is stopping).
    Done,
    /// Keep reading the next request.
    KeepAlive,
}

impl Conn {
    fn set_busy(&mut self, busy: bool) {
        if self.busy != busy {
            self.busy = busy;
            let mut st = self.sh.state.lock().unwrap();
            if busy {
                st.busy += 1;
            } else {
                st.busy -= 1;
            }
            drop(st);
            self.sh.changed.notify_all();
        }
    }

    fn stopping(&self) -> bool {
        self.sh.shutdown.load(Ordering::SeqCst)
    }

    fn run(&mut self) {
        if self.stream.set_nonblocking(false).is_err()
            || self.stream.set_read_timeout(Some(TICK)).is_err()
        {
            return;
        }
        let _ = self.stream.set_nodelay(true);
        loop {
            let Some((req, index)) = self.read_request() else {
                return;
            };
            let incomplete = !req.complete;
            let computed = match &self.sh.handler {
                Some(handler) if !incomplete && !self.peer_closed => Some(handler(index, &req)),
                _ => None,
            };
            self.sh.state.lock().unwrap().requests.push(req);
            self.set_busy(false);
            self.sh.changed.notify_all();
            if incomplete || self.peer_closed {
                return; // nobody left to answer
            }
            let reply = computed.unwrap_or_else(|| {
                let r = &self.sh.replies;
                r[index.min(r.len() - 1)].clone()
            });
            match self.play(&reply) {
                Outcome::Done => return,
                Outcome::KeepAlive => {}
            }
        }
    }

    /// Read one request. `None` when the connection ended (or idled out) with no byte of a new
    /// request; a request cut short by EOF is returned with `complete == false`.
    fn read_request(&mut self) -> Option<(RecordedRequest, usize)> {
        let mut index: Option<usize> = None;
        let mut mode = ReadMode::Http;
        let mut last_data = Instant::now();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if !self.buf.is_empty() && index.is_none() {
                let mut st = self.sh.state.lock().unwrap();
                let i = st.started;
                st.started += 1;
                drop(st);
                let r = &self.sh.replies;
                mode = r[i.min(r.len() - 1)].read;
                index = Some(i);
                self.set_busy(true);
            }
            if let Some(i) = index {
                if mode == ReadMode::Http {
                    if let Some(end) = http_request_len(&self.buf) {
                        let raw: Vec<u8> = self.buf.drain(..end).collect();
                        return Some((self.record(raw, true), i));
                    }
                }
            }
            if self.stopping() {
                return None;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    let i = index?;
                    let raw = std::mem::take(&mut self.buf);
                    // "Until idle or closed": a close ends such a request normally.
                    let complete = matches!(mode, ReadMode::UntilIdle(_));
                    self.peer_closed = true;
                    return Some((self.record(raw, complete), i));
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    last_data = Instant::now();
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if self.buf.is_empty() {
                        self.set_busy(false);
                        if last_data.elapsed() > MAX_IDLE {
                            return None;
                        }
                    } else if let ReadMode::UntilIdle(idle) = mode {
                        if last_data.elapsed() >= idle {
                            let raw = std::mem::take(&mut self.buf);
                            return Some((self.record(raw, true), index.unwrap()));
                        }
                    } else if last_data.elapsed() > MAX_IDLE {
                        let raw = std::mem::take(&mut self.buf);
                        return Some((self.record(raw, false), index.unwrap()));
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => {
                    if let Some(i) = index {
                        let raw = std::mem::take(&mut self.buf);
                        return Some((self.record(raw, false), i));
                    }
                    return None;
                }
            }
        }
    }

    fn record(&self, raw: Vec<u8>, complete: bool) -> RecordedRequest {
        let head_end = find(&raw, b"\r\n\r\n").map(|p| p + 4).unwrap_or(raw.len());
        let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
        let wire_body = raw[head_end..].to_vec();
        let chunked = header_values(&raw[..head_end], "transfer-encoding")
            .iter()
            .any(|v| v.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(&wire_body).map(|(b, _)| b).unwrap_or_default()
        } else {
            wire_body.clone()
        };
        RecordedRequest {
            conn: self.conn,
            peer: self.peer,
            at: Instant::now(),
            raw,
            head,
            body,
            wire_body,
            complete,
        }
    }

    fn play(&mut self, reply: &Reply) -> Outcome {
        for step in &reply.steps {
            if self.stopping() {
                return Outcome::Done;
            }
            match step {
                Step::Send(bytes) => {
                    if self.stream.write_all(bytes).is_err() {
                        return Outcome::Done;
                    }
                    let _ = self.stream.flush();
                }
                Step::Drip(bytes, every) => {
                    for b in bytes {
                        self.sleep(*every);
                        if self.stopping() || self.stream.write_all(&[*b]).is_err() {
                            return Outcome::Done;
                        }
                    }
                }
                Step::Sleep(d) => self.sleep(*d),
                Step::Close => {
                    let _ = self.stream.shutdown(Shutdown::Both);
                    return Outcome::Done;
                }
                Step::Reset => {
                    reset(&self.stream);
                    return Outcome::Done;
                }
                Step::Hang => {
                    let start = Instant::now();
                    let mut sink = [0u8; 4096];
                    while !self.stopping() && start.elapsed() < MAX_HANG {
                        match self.stream.read(&mut sink) {
                            Ok(0) => return Outcome::Done,
                            Ok(_) => {}
                            Err(e)
                                if matches!(
                                    e.kind(),
                                    ErrorKind::WouldBlock
                                        | ErrorKind::TimedOut
                                        | ErrorKind::Interrupted
                                ) => {}
                            Err(_) => return Outcome::Done,
                        }
                    }
                    return Outcome::Done;
                }
            }
        }
        Outcome::KeepAlive
    }

    fn sleep(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.stopping() {
            let now = Instant::now();
            if now >= end {
                break;
            }
            thread::sleep((end - now).min(TICK));
        }
    }
}

/// Close with RST (SO_LINGER = 0) where we know how; otherwise a plain close.
fn reset(stream: &TcpStream) {
    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    {
        use std::os::fd::AsRawFd;
        #[repr(C)]
        struct Linger {
            l_onoff: i32,
            l_linger: i32,
        }
        extern "C" {
            fn setsockopt(fd: i32, level: i32, name: i32, val: *const Linger, len: u32) -> i32;
        }
        const SOL_SOCKET: i32 = 1;
        const SO_LINGER: i32 = 13;
        let l = Linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: a valid socket fd, a pointer to a live `struct linger` and its exact size.
        unsafe {
            setsockopt(
                stream.as_raw_fd(),
                SOL_SOCKET,
                SO_LINGER,
                &l,
                std::mem::size_of::<Linger>() as u32,
            );
        }
    }
    #[cfg(not(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )))]
    {
        let _ = stream.shutdown(Shutdown::Both);
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Values of a header (case-insensitive name) in a raw head.
fn header_values(head: &[u8], name: &str) -> Vec<String> {
    String::from_utf8_lossy(head)
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

/// Length of the first complete HTTP/1.x request in `buf`, if it is complete.
fn http_request_len(buf: &[u8]) -> Option<usize> {
    let head_end = find(buf, b"\r\n\r\n")? + 4;
    let head = &buf[..head_end];
    let chunked = header_values(head, "transfer-encoding")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        return dechunk(&buf[head_end..]).map(|(_, used)| head_end + used);
    }
    match header_values(head, "content-length").first() {
        Some(v) => {
            let n: usize = v.parse().ok()?;
            (buf.len() >= head_end + n).then_some(head_end + n)
        }
        None => Some(head_end),
    }
}

/// Decode a complete chunked body: `(payload, bytes consumed incl. trailers)`, or `None` when
/// incomplete or malformed.
pub fn dechunk(data: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        let line_end = pos + find(&data[pos..], b"\r\n")?;
        let line = std::str::from_utf8(&data[pos..line_end]).ok()?;
        let size_txt = line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_txt, 16).ok()?;
        pos = line_end + 2;
        if size == 0 {
            // Trailers: lines until an empty one.
            loop {
                let end = pos + find(&data[pos..], b"\r\n")?;
                let empty = end == pos;
                pos = end + 2;
                if empty {
                    return Some((out, pos));
                }
            }
        }
        if data.len() < pos + size + 2 {
            return None;
        }
        out.extend_from_slice(&data[pos..pos + size]);
        if &data[pos + size..pos + size + 2] != b"\r\n" {
            return None;
        }
        pos += size + 2;
    }
}

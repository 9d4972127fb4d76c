//! Where connections go and come from: `--resolve` and `-4`/`-6` in the resolver, and
//! `--unix-socket` and `--interface` in a connector that opens the socket itself (ureq's TCP
//! connector can neither bind a local address nor speak over a Unix socket).

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
};

use super::errors::DnsFailure;
use crate::options::{IpFamily, ResolveEntry};

/// ureq's resolver, with `--resolve` entries first and `-4`/`-6` applied to them, and its own
/// failures marked as DNS failures (see [`DnsFailure`]) so they are told apart by type.
#[derive(Debug, Default)]
pub struct NetResolver {
    pub overrides: Vec<ResolveEntry>,
    pub family: IpFamily,
    /// With `--unix-socket` nothing is resolved: the URL's host names no machine.
    pub unix_socket: bool,
    pub inner: DefaultResolver,
}

impl NetResolver {
    fn port_of(uri: &Uri) -> u16 {
        uri.port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            })
    }

    fn listed(&self, addrs: impl IntoIterator<Item = SocketAddr>) -> ResolvedSocketAddrs {
        let mut out = self.empty();
        let wanted = addrs.into_iter().filter(|a| match self.family {
            IpFamily::Any => true,
            IpFamily::V4 => a.is_ipv4(),
            IpFamily::V6 => a.is_ipv6(),
        });
        for addr in wanted.take(16) {
            out.push(addr);
        }
        out
    }
}

impl Resolver for NetResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let port = Self::port_of(uri);
        if self.unix_socket {
            return Ok(self.listed([SocketAddr::from(([127, 0, 0, 1], port))]));
        }
        let host = uri.host().unwrap_or("");
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Some(entry) = self.overrides.iter().find(|e| e.matches(host, port)) {
            let listed = self.listed(entry.addrs.iter().map(|ip| SocketAddr::new(*ip, port)));
            if listed.is_empty() {
                return Err(ureq::Error::HostNotFound);
            }
            return Ok(listed);
        }
        self.inner
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(io) => ureq::Error::Io(io::Error::other(DnsFailure(io))),
                other => other,
            })
    }
}

/// Opens connections itself when `--unix-socket` or `--interface` asks for it; otherwise
/// leaves them to the next connector in the chain (ureq's TCP connector).
#[derive(Debug, Default)]
pub struct NetConnector {
    pub unix_socket: Option<PathBuf>,
    /// Local addresses to bind before connecting (one of the target's family is used).
    pub bind: Vec<IpAddr>,
}

impl<In: Transport> Connector<In> for NetConnector {
    type Out = Either<In, NetTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if chained.is_some() {
            return Ok(chained.map(Either::A));
        }
        let config = details.config;
        let buffers = || LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        if let Some(path) = &self.unix_socket {
            let timeout = details.timeout.not_zero().map(|d| *d);
            let stream = connect_unix(path, timeout)?;
            return Ok(Some(Either::B(NetTransport::Unix(StreamTransport {
                stream,
                buffers: buffers(),
            }))));
        }
        if self.bind.is_empty() {
            return Ok(None);
        }
        let timeout = details.timeout.not_zero().map(|d| *d);
        let stream = connect_bound(&details.addrs, &self.bind, timeout)?;
        stream.set_nodelay(config.no_delay())?;
        Ok(Some(Either::B(NetTransport::Tcp(StreamTransport {
            stream,
            buffers: buffers(),
        }))))
    }
}

/// Connects to a Unix socket within the connect budget (a listener whose backlog is full would
/// otherwise block forever); errors name the socket, not the URL's host.
fn connect_unix(
    path: &std::path::Path,
    timeout: Option<Duration>,
) -> Result<UnixStream, ureq::Error> {
    use socket2::{Domain, SockAddr, Socket, Type};
    let named = |e: io::Error| {
        io::Error::new(
            e.kind(),
            format!("cannot connect to the Unix socket {}: {e}", path.display()),
        )
    };
    // A non-blocking connect to a Unix listener with a full backlog says EAGAIN at once
    // (it has no "in progress" state), so a full backlog is waited out here, until the budget.
    let started = std::time::Instant::now();
    loop {
        let attempt = (|| {
            let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            socket.connect(&SockAddr::unix(path)?)?;
            socket.set_nonblocking(false)?;
            Ok::<_, io::Error>(UnixStream::from(std::os::fd::OwnedFd::from(socket)))
        })();
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if timeout.is_some_and(|t| started.elapsed() >= t) {
                    return Err(ureq::Error::Timeout(ureq::Timeout::Connect));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(ureq::Error::Io(named(e))),
        }
    }
}

/// Connects to the first address that answers, from a local address of the same family.
fn connect_bound(
    addrs: &[SocketAddr],
    bind: &[IpAddr],
    timeout: Option<Duration>,
) -> Result<TcpStream, ureq::Error> {
    use socket2::{Domain, Protocol, SockAddr, Socket, Type};
    let mut last = None;
    for addr in addrs {
        let Some(local) = bind.iter().find(|l| l.is_ipv4() == addr.is_ipv4()) else {
            continue;
        };
        let attempt = (|| {
            let socket = Socket::new(
                Domain::for_address(*addr),
                Type::STREAM,
                Some(Protocol::TCP),
            )?;
            socket.bind(&SockAddr::from(SocketAddr::new(*local, 0)))?;
            match timeout {
                Some(t) => socket.connect_timeout(&SockAddr::from(*addr), t)?,
                None => socket.connect(&SockAddr::from(*addr))?,
            }
            Ok::<_, io::Error>(TcpStream::from(socket))
        })();
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                return Err(ureq::Error::Timeout(ureq::Timeout::Connect))
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => e.into(),
        None => ureq::Error::Io(io::Error::new(
            io::ErrorKind::AddrNotAvailable,
            "no local address of the server's address family on --interface",
        )),
    })
}

/// A TCP connection (bound by us) or a Unix socket connection.
#[derive(Debug)]
pub enum NetTransport {
    Tcp(StreamTransport<TcpStream>),
    Unix(StreamTransport<UnixStream>),
}

impl Transport for NetTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        match self {
            NetTransport::Tcp(t) => t.buffers(),
            NetTransport::Unix(t) => t.buffers(),
        }
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        match self {
            NetTransport::Tcp(t) => t.transmit_output(amount, timeout),
            NetTransport::Unix(t) => t.transmit_output(amount, timeout),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        match self {
            NetTransport::Tcp(t) => t.await_input(timeout),
            NetTransport::Unix(t) => t.await_input(timeout),
        }
    }

    fn is_open(&mut self) -> bool {
        match self {
            NetTransport::Tcp(t) => t.is_open(),
            NetTransport::Unix(t) => t.is_open(),
        }
    }
}

/// What a stream socket must offer to carry HTTP: timeouts and a non-blocking probe.
pub trait Socket: Read + Write + Send + Sync + 'static {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()>;
    fn set_nonblocking(&self, on: bool) -> io::Result<()>;
}

macro_rules! socket {
    ($t:ty) => {
        impl Socket for $t {
            fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
                <$t>::set_read_timeout(self, t)
            }
            fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
                <$t>::set_write_timeout(self, t)
            }
            fn set_nonblocking(&self, on: bool) -> io::Result<()> {
                <$t>::set_nonblocking(self, on)
            }
        }
    };
}
socket!(TcpStream);
socket!(UnixStream);

/// HTTP/1.1 over a stream socket we opened (ureq's own TCP transport is private).
pub struct StreamTransport<S> {
    stream: S,
    buffers: LazyBuffers,
}

impl<S> std::fmt::Debug for StreamTransport<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamTransport").finish()
    }
}

/// The error for an expired wait, or the I/O error as ureq expects it.
fn io_or_timeout(e: io::Error, timeout: &NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => e.into(),
    }
}

impl<S: Socket> Transport for StreamTransport<S> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        self.stream
            .set_write_timeout(timeout.not_zero().map(|d| *d))?;
        let output = &self.buffers.output()[..amount];
        self.stream
            .write_all(output)
            .map_err(|e| io_or_timeout(e, &timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        self.stream
            .set_read_timeout(timeout.not_zero().map(|d| *d))?;
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match self.stream.read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other.map_err(|e| io_or_timeout(e, &timeout))?,
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // Open when reading would block: no EOF, no unasked-for bytes waiting.
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let probe = self.stream.read(&mut [0u8]);
        let open = matches!(probe, Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        open && self.stream.set_nonblocking(false).is_ok()
    }
}

/// The local addresses `--interface NAME` stands for, or the address given.
pub fn local_addresses(interface: &crate::options::Interface) -> io::Result<Vec<IpAddr>> {
    use crate::options::Interface;
    match interface {
        Interface::Addr(ip) => Ok(vec![*ip]),
        Interface::Name(name) => {
            let addrs: Vec<IpAddr> = if_addrs::get_if_addrs()?
                .into_iter()
                .filter(|i| &i.name == name)
                .map(|i| i.ip())
                .collect();
            if addrs.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no network interface named '{name}' with an address"),
                ));
            }
            Ok(addrs)
        }
    }
}

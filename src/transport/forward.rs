//! Plain-http requests through an HTTP proxy, in absolute-form.
//!
//! A proxy forwarding a plain-http request expects its request line to carry the whole URL
//! (`GET http://host:port/path HTTP/1.1`, RFC 9112 §3.2.2), as curl, requests and Go send it;
//! ureq writes the origin-form (`GET /path`) only. [`ForwardConnector`], last in the
//! connector chain (outside the recorder, so `-v` shows what the proxy got), wraps the
//! connection to the proxy in [`ForwardTransport`], which rewrites the request line of each
//! request head it transmits and adds the proxy's `Proxy-Authorization`. The rewritten head is
//! copied into the inner transport's output buffer, in as many pieces as it takes.

use std::fmt;

use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, Transport,
};
use ureq::{Error, ProxyProtocol};

use super::proxy::{lock, SharedHop};
use super::recorder::head_end;
use super::MAX_REQUEST_HEAD;

/// Puts forwarded plain-http requests into absolute-form (see the module documentation).
pub struct ForwardConnector {
    pub hop: SharedHop,
}

impl fmt::Debug for ForwardConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForwardConnector").finish()
    }
}

impl<In: Transport> Connector<In> for ForwardConnector {
    type Out = Either<In, ForwardTransport<In>>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, Error> {
        let Some(inner) = chained else {
            return Ok(None);
        };
        let http_proxy = details
            .config
            .proxy()
            .is_some_and(|p| matches!(p.protocol(), ProxyProtocol::Http | ProxyProtocol::Https));
        let authority = details.uri.authority().map(|a| a.as_str().to_string());
        match (http_proxy, details.uri.scheme_str(), authority) {
            (true, Some("http"), Some(authority)) => Ok(Some(Either::B(ForwardTransport {
                inner,
                hop: self.hop.clone(),
                origin: format!("http://{authority}"),
                seen: None,
                pending: None,
            }))),
            _ => Ok(Some(Either::A(inner))),
        }
    }
}

/// A connection to an HTTP proxy that sends request heads in absolute-form.
pub struct ForwardTransport<T> {
    inner: T,
    hop: SharedHop,
    /// `http://authority` of the target this connection serves.
    origin: String,
    /// The exchange whose head was (or is being) rewritten.
    seen: Option<u64>,
    /// Bytes of a head not yet complete (ureq writes a head in one piece; this is the rest).
    pending: Option<Vec<u8>>,
}

impl<T> fmt::Debug for ForwardTransport<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForwardTransport")
            .field("origin", &self.origin)
            .finish()
    }
}

impl<T: Transport> ForwardTransport<T> {
    /// Sends `bytes` through the inner transport, one output buffer at a time.
    fn send_all(&mut self, bytes: &[u8], timeout: NextTimeout) -> Result<(), Error> {
        let mut rest = bytes;
        while !rest.is_empty() {
            let output = self.inner.buffers().output();
            let n = rest.len().min(output.len());
            if n == 0 {
                return Err(Error::Protocol(ureq_proto::Error::OutputOverflow));
            }
            output[..n].copy_from_slice(&rest[..n]);
            self.inner.transmit_output(n, timeout)?;
            rest = &rest[n..];
        }
        Ok(())
    }
}

impl<T: Transport> Transport for ForwardTransport<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let (generation, auth) = {
            let hop = lock(&self.hop);
            (hop.generation, hop.proxy_authorization.clone())
        };
        if self.seen != Some(generation) {
            // A new exchange: what follows starts with its head.
            self.seen = Some(generation);
            self.pending = Some(Vec::new());
        }
        let Some(pending) = self.pending.as_mut() else {
            return self.inner.transmit_output(amount, timeout);
        };
        pending.extend_from_slice(&self.inner.buffers().output()[..amount]);
        let Some(end) = head_end(pending) else {
            if pending.len() > MAX_REQUEST_HEAD {
                return Err(Error::Protocol(ureq_proto::Error::OutputOverflow));
            }
            return Ok(());
        };
        let bytes = self.pending.take().unwrap_or_default();
        let mut out =
            to_absolute_form(&bytes[..end], &self.origin, auth.as_deref()).ok_or_else(|| {
                let why = "the request head cannot be put in absolute-form for the proxy";
                Error::Other(why.into())
            })?;
        out.extend_from_slice(&bytes[end..]);
        self.send_all(&out, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// `head` (a request head, blank line included) with its request-target in absolute-form for
/// `origin` and `Proxy-Authorization: auth` added last; `None` when the first line is not a
/// request line.
pub fn to_absolute_form(head: &[u8], origin: &str, auth: Option<&str>) -> Option<Vec<u8>> {
    let line_end = head.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&head[..line_end]).ok()?;
    let mut parts = line.splitn(3, ' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let target = crate::wire::request_target(target, Some(origin));
    let mut out = format!("{method} {target} {version}").into_bytes();
    let rest = &head[line_end..];
    match auth {
        Some(auth) => {
            let headers = rest.strip_suffix(b"\r\n")?;
            out.extend_from_slice(headers);
            out.extend_from_slice(format!("Proxy-Authorization: {auth}\r\n\r\n").as_bytes());
        }
        None => out.extend_from_slice(rest),
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_line_becomes_absolute_and_credentials_come_last() {
        let head = b"GET /a?b=1 HTTP/1.1\r\nHost: h.test:8080\r\nX: y\r\n\r\n";
        let out = to_absolute_form(head, "http://h.test:8080", None).unwrap();
        assert_eq!(
            out,
            b"GET http://h.test:8080/a?b=1 HTTP/1.1\r\nHost: h.test:8080\r\nX: y\r\n\r\n"
        );
        let out = to_absolute_form(head, "http://h.test:8080", Some("Basic dTpw")).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "GET http://h.test:8080/a?b=1 HTTP/1.1\r\nHost: h.test:8080\r\nX: y\r\n\
             Proxy-Authorization: Basic dTpw\r\n\r\n"
        );
        let bare = to_absolute_form(b"OPTIONS * HTTP/1.1\r\n\r\n", "http://h.test", Some("B x"));
        assert_eq!(
            bare.unwrap(),
            b"OPTIONS http://h.test HTTP/1.1\r\nProxy-Authorization: B x\r\n\r\n"
        );
    }

    #[test]
    fn not_a_request_line_is_refused() {
        assert!(to_absolute_form(b"garbage\r\n\r\n", "http://h", None).is_none());
        assert!(to_absolute_form(b"GET /\r\n\r\n", "http://h", None).is_none());
        assert!(to_absolute_form(b"no line end", "http://h", None).is_none());
    }
}

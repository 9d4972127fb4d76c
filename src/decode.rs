//! Content-Encoding decoding of response bodies, in our hands rather than ureq's: streaming
//! (memory stays bounded on a decompression bomb), stack depth capped, and corrupt data
//! reported as an error that names the encoding.

use std::io::{self, Read};

use anyhow::{bail, Result};

use crate::transport::errors::TransportError;
use crate::wire::ResponseHead;

/// More stacked encodings than this is an attack, not a server (curl uses the same cap).
pub const MAX_ENCODINGS: usize = 5;

pub type BodyRead = Box<dyn Read + Send>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
        }
    }
}

/// The codings to undo, in the order they were applied. `None` when one is unknown to us:
/// then the body is passed on as it came rather than half-decoded.
pub fn codings(head: &ResponseHead) -> Result<Option<Vec<Coding>>> {
    let mut out = Vec::new();
    let mut unknown = false;
    for (name, value) in &head.headers {
        if !name.eq_ignore_ascii_case("Content-Encoding") {
            continue;
        }
        for token in String::from_utf8_lossy(value).split(',') {
            match token.trim().to_ascii_lowercase().as_str() {
                "" | "identity" => {}
                "gzip" | "x-gzip" => out.push(Coding::Gzip),
                "deflate" => out.push(Coding::Deflate),
                "br" => out.push(Coding::Brotli),
                _ => unknown = true,
            }
            if out.len() > MAX_ENCODINGS {
                bail!(
                    "Refusing a response with more than {MAX_ENCODINGS} stacked Content-Encodings"
                );
            }
        }
    }
    Ok((!unknown).then_some(out))
}

/// Wraps the body in decoders for its Content-Encoding.
pub fn decode(head: &ResponseHead, body: BodyRead) -> Result<BodyRead> {
    let Some(codings) = codings(head)? else {
        return Ok(body);
    };
    let mut reader = body;
    for coding in codings.into_iter().rev() {
        reader = Box::new(Lazy {
            coding,
            state: State::Pending(Some(reader)),
        });
    }
    Ok(reader)
}

/// Marks an error as coming from a decoder, so the message can say "(gzip)".
#[derive(Debug)]
pub struct DecodeError {
    pub coding: &'static str,
    pub source: io::Error,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Error decoding the response body: {} ({})",
            self.source, self.coding
        )
    }
}

impl std::error::Error for DecodeError {}

/// The decoder is built on the first byte, so an empty body with a Content-Encoding is just an
/// empty body (servers send those for 204s and HEADs) instead of "unexpected end of file".
struct Lazy {
    coding: Coding,
    state: State,
}

enum State {
    Pending(Option<BodyRead>),
    Active(BodyRead),
}

struct Source {
    first: Option<Vec<u8>>,
    inner: BodyRead,
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(first) = self.first.take() {
            let n = first.len().min(buf.len());
            buf[..n].copy_from_slice(&first[..n]);
            if n < first.len() {
                self.first = Some(first[n..].to_vec());
            }
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

fn decoder(coding: Coding, source: Source) -> BodyRead {
    match coding {
        Coding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(source)),
        Coding::Brotli => Box::new(brotli_decompressor::Decompressor::new(source, 64 * 1024)),
        Coding::Deflate => {
            // "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
            let zlib = source.first.as_ref().is_some_and(|b| {
                b.len() >= 2
                    && b[0] & 0x0f == 8
                    && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0
            });
            if zlib {
                Box::new(flate2::read::ZlibDecoder::new(source))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(source))
            }
        }
    }
}

impl Read for Lazy {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match &mut self.state {
                State::Active(reader) => {
                    return reader.read(buf).map_err(|e| {
                        if is_connection_error(&e) {
                            e
                        } else {
                            io::Error::new(
                                io::ErrorKind::InvalidData,
                                DecodeError {
                                    coding: self.coding.name(),
                                    source: e,
                                },
                            )
                        }
                    });
                }
                State::Pending(inner) => {
                    let Some(mut inner) = inner.take() else {
                        return Ok(0);
                    };
                    let mut first = vec![0u8; 8192];
                    let n = inner.read(&mut first)?;
                    if n == 0 {
                        return Ok(0);
                    }
                    first.truncate(n);
                    let source = Source {
                        first: Some(first),
                        inner,
                    };
                    self.state = State::Active(decoder(self.coding, source));
                }
            }
        }
    }
}

/// Errors from the connection below (timeouts, resets) arrive classified by the transport, or
/// are the kinds a socket produces; everything else met while decoding is bad data.
fn is_connection_error(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<TransportError>() || inner.is::<DecodeError>())
        || matches!(
            e.kind(),
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::TimedOut
                | io::ErrorKind::BrokenPipe
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn head(encoding: &str) -> ResponseHead {
        let raw = format!("HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\n\r\n");
        ResponseHead::parse(raw.as_bytes()).unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn run(encoding: &str, body: Vec<u8>) -> io::Result<Vec<u8>> {
        let mut r = decode(&head(encoding), Box::new(io::Cursor::new(body))).unwrap();
        let mut out = Vec::new();
        r.read_to_end(&mut out).map(|_| out)
    }

    #[test]
    fn stacked_gzip_and_deflate_variants() {
        assert_eq!(run("gzip, gzip", gzip(&gzip(b"hello"))).unwrap(), b"hello");
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"zlib").unwrap();
        assert_eq!(run("deflate", z.finish().unwrap()).unwrap(), b"zlib");
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        d.write_all(b"raw").unwrap();
        assert_eq!(run("deflate", d.finish().unwrap()).unwrap(), b"raw");
    }

    #[test]
    fn empty_body_with_encoding_is_fine() {
        assert_eq!(run("gzip", vec![]).unwrap(), b"");
        assert_eq!(run("br", vec![]).unwrap(), b"");
    }

    #[test]
    fn corrupt_data_names_the_encoding() {
        let err = run("gzip", b"definitely not gzip".to_vec()).unwrap_err();
        assert!(err.to_string().contains("(gzip)"), "{err}");
        let mut truncated = gzip(&[7u8; 5000]);
        truncated.truncate(truncated.len() / 2);
        assert!(run("gzip", truncated)
            .unwrap_err()
            .to_string()
            .contains("(gzip)"));
        assert!(run("br", vec![0xff; 64])
            .unwrap_err()
            .to_string()
            .contains("(br)"));
    }

    #[test]
    fn too_many_layers_and_unknown_codings() {
        assert!(codings(&head("gzip,gzip,gzip,gzip,gzip,gzip")).is_err());
        assert_eq!(codings(&head("zstd")).unwrap(), None);
        assert_eq!(run("identity", b"x".to_vec()).unwrap(), b"x");
    }
}

//! The request body as a stream: parts chained, files opened as they come, optionally deflated,
//! optionally copied to the printer as ureq reads them (so `-v` shows what was sent without
//! holding it in memory).

use std::fs::File;
use std::io::{self, Cursor, Read, Write};

use anyhow::{Context, Result};

use super::errors::{LocalReadFailure, OutputFailure};
use crate::spec::{Body, Part};

pub type BodyReader = Box<dyn Read + Send>;

pub fn body_reader(body: &Body, tee: Option<Box<dyn Write + Send>>) -> Result<BodyReader> {
    let mut reader: BodyReader = Box::new(io::empty());
    for part in &body.parts {
        let next: BodyReader = match part {
            Part::Bytes(b) => Box::new(Cursor::new(b.clone())),
            Part::File { path, .. } => Box::new(Local {
                inner: File::open(path)
                    .with_context(|| format!("cannot open '{}'", path.display()))?,
                what: format!("'{}'", path.display()),
            }),
            Part::Stdin { read_ahead, at_eof } => {
                let ahead = Cursor::new(read_ahead.clone());
                if *at_eof {
                    Box::new(ahead)
                } else {
                    Box::new(ahead.chain(Local {
                        inner: io::stdin(),
                        what: "stdin".into(),
                    }))
                }
            }
        };
        reader = Box::new(reader.chain(next));
    }
    if body.deflate_stream {
        reader = Box::new(flate2::read::ZlibEncoder::new(
            reader,
            flate2::Compression::default(),
        ));
    }
    if let Some(out) = tee {
        reader = Box::new(Tee { inner: reader, out });
    }
    Ok(reader)
}

/// A local source of the body: its read errors are marked as local, so they are not taken
/// for the connection's (see [`LocalReadFailure`]).
struct Local<R> {
    inner: R,
    /// How the source is named in a message.
    what: String,
}

impl<R: Read> Read for Local<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            let what = format!("{}: {e}", self.what);
            io::Error::new(e.kind(), LocalReadFailure(what))
        })
    }
}

/// Counts bytes read into an upload progress bar.
pub struct Counted {
    pub inner: BodyReader,
    pub progress: crate::progress::Progress,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}

struct Tee {
    inner: BodyReader,
    out: Box<dyn Write + Send>,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        // A failure to print is ours, not the connection's: marked so it is told as such.
        let printed = match n {
            0 => self.out.flush(),
            _ => self.out.write_all(&buf[..n]),
        };
        printed.map_err(|e| io::Error::new(e.kind(), OutputFailure(e.to_string())))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn parts_are_chained_and_teed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, b"FILE").unwrap();
        let body = Body {
            parts: vec![
                Part::Bytes(b"a-".to_vec()),
                Part::File { path, len: Some(4) },
                Part::Bytes(b"-z".to_vec()),
            ],
            ..Body::default()
        };
        let seen = Shared::default();
        let mut r = body_reader(&body, Some(Box::new(seen.clone()))).unwrap();
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"a-FILE-z");
        assert_eq!(*seen.0.lock().unwrap(), b"a-FILE-z");
    }

    #[test]
    fn deflate_stream_round_trips() {
        let body = Body {
            parts: vec![Part::Bytes(vec![b'x'; 10_000])],
            deflate_stream: true,
            chunked: true,
        };
        let mut packed = Vec::new();
        body_reader(&body, None)
            .unwrap()
            .read_to_end(&mut packed)
            .unwrap();
        assert!(packed.len() < 100);
        let mut plain = Vec::new();
        flate2::read::ZlibDecoder::new(&packed[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain.len(), 10_000);
    }
}

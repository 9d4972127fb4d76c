//! The printing steps of an exchange: the request as it is sent (head from the recorder,
//! body teed as ureq reads it), and the response as it arrives, or into a download.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};

use super::{drain, Exchanger, Outcome};
use crate::decode;
use crate::mask::Mask;
use crate::output::{PrintSet, Printer};
use crate::pretty::body::BodySink;
use crate::pretty::Display;
use crate::progress::Progress;
use crate::spec::RequestSpec;
use crate::transport::errors::TransportError;
use crate::transport::{upload, Response};

/// Bodies at least this large get an upload progress bar on a terminal.
const UPLOAD_PROGRESS_MIN: u64 = 1_000_000;

impl Exchanger<'_> {
    /// Sends one request, printing its head and body as they are written (the signer's
    /// secret headers masked).
    pub(super) fn send(&self, spec: &RequestSpec) -> Result<Response> {
        self.send_shown(spec, self.print, &self.mask(), None)
    }

    /// Sends one request, printing what `print` asks: its head with `mask` applied, and its
    /// body as written, or `shown_body` instead when the body holds a secret.
    pub(super) fn send_shown(
        &self,
        spec: &RequestSpec,
        print: PrintSet,
        mask: &Mask,
        shown_body: Option<&[u8]>,
    ) -> Result<Response> {
        let printer = self.printer;
        let head_hook = print.any_request().then(|| {
            let printer = printer.clone();
            let display = self.display.clone();
            let print_head = print.request_head;
            let mask = mask.clone();
            Box::new(move |head: &[u8]| {
                let _ = printer.begin();
                if print_head {
                    let _ = printer.write(&display.head(&mask.head(head)));
                }
            }) as Box<dyn FnMut(&[u8]) + Send>
        });
        let req_sink = SharedSink(Arc::new(Mutex::new(None)));
        let bar = self.upload_bar(spec);
        let body = if spec.body.is_empty() {
            None
        } else {
            let tee = (print.request_body && shown_body.is_none()).then(|| {
                *req_sink.lock() = Some(request_sink(spec, self.display, print, printer));
                Box::new(req_sink.clone()) as Box<dyn Write + Send>
            });
            let reader = upload::body_reader(&spec.body, tee)?;
            Some(match &bar {
                Some(progress) => Box::new(upload::Counted {
                    inner: reader,
                    progress: progress.clone(),
                }) as upload::BodyReader,
                None => reader,
            })
        };
        let response = self.client.send(spec, body, head_hook);
        if let Some(bar) = &bar {
            match (&response, spec.body.len()) {
                (Ok(_), Some(len)) => bar.done(len),
                _ => bar.abandon(),
            }
        }
        let response = response?;
        let sink = req_sink.lock().take();
        if let Some(sink) = sink {
            sink.finish()?;
        }
        if let Some(shown) = shown_body.filter(|_| print.request_body) {
            print_request_body(spec, self.display, print, printer, Some(shown))?;
        }
        if print.any_request() {
            printer.end(print.request_body)?;
        }
        Ok(response)
    }

    /// A progress bar for a large upload, when stderr is a terminal (HTTPie has none: #685).
    fn upload_bar(&self, spec: &RequestSpec) -> Option<Progress> {
        if !self.upload_progress || spec.body.is_empty() {
            return None;
        }
        let len = spec.body.len();
        if len.is_some_and(|l| l < UPLOAD_PROGRESS_MIN) {
            return None;
        }
        Some(Progress::start(
            &format!("Uploading to {}", crate::url_input::host_header(&spec.url)),
            len,
            0,
            true,
        ))
    }

    pub(super) fn print_response(
        &self,
        response: Response,
        started: Instant,
        last: bool,
    ) -> Result<Outcome> {
        let (print, printer, display) = (self.print, self.printer, self.display);
        let head = response.head;
        let tls = response.tls;
        let measured = response.timings.measured;
        if print.any_response() {
            printer.begin()?;
        }
        if print.response_head {
            printer.write(&display.head(&head.raw))?;
        }
        if let Some(download) = self.download {
            // In download mode only the head may be printed.
            if print.any_response() {
                printer.end(false)?;
            }
            if !last {
                // An intermediate response (a redirect): its body is never saved.
                drain(response.body);
                return Ok(Outcome {
                    status: head.status,
                    reason: head.reason,
                    download: None,
                    warning: None,
                });
            }
            printer.flush()?;
            let body = decode::decode(&head, response.body)?;
            let exit = download.receive(&head, body, &body_error)?;
            return Ok(Outcome {
                status: head.status,
                reason: head.reason,
                download: Some(exit),
                warning: None,
            });
        }
        if print.needs_response_body() {
            let content_type = head
                .header("Content-Type")
                .map(|v| String::from_utf8_lossy(v).into_owned());
            let mut sink = print.response_body.then(|| {
                BodySink::new(
                    display,
                    content_type.as_deref(),
                    print.response_head,
                    Box::new(printer.writer()),
                )
            });
            let body = decode::decode(&head, response.body)?;
            copy_body(body, sink.as_mut(), printer).map_err(body_error)?;
            if let Some(sink) = sink {
                sink.finish()?;
            }
        }
        if print.any_response() {
            printer.end(print.response_body)?;
        }
        if print.meta {
            printer.begin()?;
            let elapsed = started.elapsed();
            let mut lines: Vec<(&str, &str)> = tls
                .iter()
                .flat_map(|t| [("TLS version", t.version), ("TLS cipher", t.cipher)])
                .collect();
            // Where this exchange's time went (see transport/timing.rs), after the lines above.
            let phases = measured.phases();
            let timing = phases.to_string();
            lines.push(("Timing", &timing));
            lines.push((
                "Connection reused",
                if phases.reused { "yes" } else { "no" },
            ));
            printer.write(&display.meta(elapsed, &lines))?;
            printer.end(false)?;
        }
        Ok(Outcome {
            status: head.status,
            reason: head.reason,
            download: None,
            warning: None,
        })
    }
}

/// An error met while reading a response body: corrupt compressed data names its encoding;
/// anything else is the connection's (timeout, reset) and says where.
pub(super) fn body_error(e: io::Error) -> anyhow::Error {
    if e.get_ref().is_none() {
        // Reading errors arrive classified (transport or decoding); a bare one is from
        // writing what is printed.
        return anyhow::Error::new(TransportError::Output {
            detail: e.to_string(),
        });
    }
    let kind = e.kind();
    match e
        .into_inner()
        .map(|inner| inner.downcast::<TransportError>())
    {
        Some(Ok(failure)) => anyhow::Error::new(*failure),
        // DecodeError and the like: their message says it all.
        Some(Err(other)) => anyhow::Error::msg(other.to_string()),
        None => io::Error::from(kind).into(),
    }
}

/// The display pipeline for a request body (formatted like a response body of its type).
pub fn request_sink(
    spec: &RequestSpec,
    display: &Display,
    print: PrintSet,
    printer: &Printer,
) -> BodySink {
    BodySink::new(
        &display.for_request(),
        spec.header("Content-Type"),
        print.request_head,
        Box::new(printer.writer()),
    )
}

/// Lets the transport's body tee feed the request's display pipeline.
#[derive(Clone)]
struct SharedSink(Arc<Mutex<Option<BodySink>>>);

impl SharedSink {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<BodySink>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for SharedSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(sink) = self.lock().as_mut() {
            sink.push(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Streams the body through the display pipeline (or just drains it, for `m` alone) in large
/// chunks; stops reading once nothing more will be shown.
fn copy_body(
    mut body: Box<dyn Read + Send>,
    mut sink: Option<&mut BodySink>,
    printer: &Printer,
) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(sink) = sink.as_deref_mut() {
            sink.push(&buf[..n])?;
            if sink.done() || printer.closed() {
                return Ok(());
            }
        }
    }
}

/// Prints a request body after the fact: `shown_body` when given (a body with a secret in
/// it, shown masked), else the spec's body read again (`--offline`).
pub fn print_request_body(
    spec: &RequestSpec,
    display: &Display,
    print: PrintSet,
    printer: &Printer,
    shown_body: Option<&[u8]>,
) -> Result<()> {
    let mut body = match shown_body {
        Some(shown) => Box::new(io::Cursor::new(shown.to_vec())),
        None => upload::body_reader(&spec.body, None)?,
    };
    let mut sink = request_sink(spec, display, print, printer);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = body.read(&mut buf).context("reading the request body")?;
        if n == 0 {
            break;
        }
        sink.push(&buf[..n])?;
    }
    sink.finish()?;
    Ok(())
}

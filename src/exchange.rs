//! One run's exchanges: the request, then any redirects followed, each printed as it goes
//! over the wire. Only the final exchange is printed unless `--all` (or `-v`) asks for every
//! one; intermediate output is held and dropped, so nothing of a hop that turned out to be a
//! redirect leaks into the output (HTTPie bug #1082).

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::auth::netrc::Netrc;
use crate::auth::{self, digest, AuthType};
use crate::cookies::CookieJar;
use crate::decode::{self, DecodeError};
use crate::download::progress::Progress;
use crate::download::Download;
use crate::exit::{ExitStatus, Fatal};
use crate::options::Follow;
use crate::output::{PrintSet, Printer};
use crate::pretty::body::BodySink;
use crate::pretty::Display;
use crate::spec::{Header, RequestSpec};
use crate::transport::redirect::{self, BoundSecrets, Origin};
use crate::transport::{upload, Response, Transport};

/// How the run ends: the final response's status and reason.
pub struct Outcome {
    pub status: u16,
    pub reason: String,
    /// What the download decided (4/5 for an error status; success otherwise).
    pub download: Option<ExitStatus>,
}

/// Bodies at least this large get an upload progress bar on a terminal.
const UPLOAD_PROGRESS_MIN: u64 = 1_000_000;

pub struct Exchanger<'a> {
    /// The run's one client: every hop goes through it, so same-origin hops reuse its pool.
    pub client: &'a Transport,
    /// .netrc, consulted afresh for each host a redirect leads to (when no credentials were
    /// given explicitly).
    pub netrc: Option<&'a Netrc>,
    pub print: PrintSet,
    pub printer: &'a Printer,
    pub display: &'a Display,
    /// Print intermediate exchanges too.
    pub all: bool,
    pub follow: Follow,
    /// `--download`: the final body goes to a file instead of the printer.
    pub download: Option<&'a Download>,
    /// stderr is a terminal: large uploads show a progress bar.
    pub upload_progress: bool,
}

impl Exchanger<'_> {
    /// Runs the exchanges; `jar` holds the cookies before (a session's) and after.
    pub fn run(&self, first: &RequestSpec, jar: &mut CookieJar) -> Result<Outcome> {
        let started = Instant::now();
        let transport = self.client;
        let secrets = BoundSecrets::of(first);
        // Whether hops to other hosts may take .netrc credentials: yes unless the user gave
        // credentials (or typed an Authorization) themselves.
        let netrc_managed = match &first.auth {
            Some(a) if a.source == auth::Source::Netrc => Some(a.kind),
            Some(_) => None,
            None => secrets.authorization.is_none().then_some(AuthType::Basic),
        };
        let mut spec = first.clone();
        let mut redirects = 0u32;
        // A Digest challenge is answered once per hop; a second 401 is the final answer.
        let mut answered = false;
        loop {
            if !self.all {
                self.printer.hold();
            }
            with_cookies(&mut spec, jar, &secrets);
            let response = self.send(transport, &spec)?;
            let set_cookies: Vec<&[u8]> = response
                .head
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
                .map(|(_, v)| v.as_slice())
                .collect();
            jar.store_response(&spec.url, &set_cookies);
            let digest = if answered {
                None
            } else {
                self.digest_answer(&spec, &response, &secrets)?
            };
            answered = digest.is_some();
            let next = match digest {
                Some(next) => Some(next),
                None => self.next_hop(&spec, &response, &secrets, redirects, netrc_managed)?,
            };
            if next.is_some() && !answered {
                redirects += 1;
            }
            let Some(next) = next else {
                self.printer.release()?;
                let outcome = self.print_response(transport, &spec, response, started, true)?;
                self.printer.flush()?;
                return Ok(outcome);
            };
            if self.all {
                self.print_response(transport, &spec, response, started, false)?;
            } else {
                self.printer.drop_held();
                drain(response.body);
            }
            spec = next;
        }
    }

    /// The request that follows this response, if it is a redirect to follow.
    fn next_hop(
        &self,
        spec: &RequestSpec,
        response: &Response,
        secrets: &BoundSecrets,
        redirects: u32,
        netrc_managed: Option<AuthType>,
    ) -> Result<Option<RequestSpec>> {
        let status = response.head.status;
        if !self.follow.enabled || !redirect::is_redirect(status) {
            return Ok(None);
        }
        let Some(location) = response.head.header("Location") else {
            return Ok(None);
        };
        if redirects >= self.follow.max {
            return Err(Fatal::new(
                ExitStatus::TooManyRedirects,
                format!("Too many redirects (--max-redirects={}).", self.follow.max),
            )
            .into());
        }
        let next = redirect::location_target(&spec.url, location).map_err(anyhow::Error::msg)?;
        let mut next = redirect::follow(spec, status, next, secrets).map_err(anyhow::Error::msg)?;
        // Credentials the user gave stay with their origin (re-applied by `follow`); .netrc
        // ones are looked up again for the new host, and never carried to it.
        let home = secrets.origin.as_ref() == Some(&Origin::of(&next.url));
        if let (false, Some(kind)) = (home, netrc_managed) {
            let host = next.url.host_str().unwrap_or("").to_string();
            next.auth = auth::netrc_for(self.netrc, kind, &host);
            if let Some(value) = next.auth.as_ref().and_then(auth::Auth::header) {
                next.headers.push(Header::new("Authorization", &value));
            }
        } else if !home {
            next.auth = None;
        }
        Ok(Some(next))
    }

    /// Answers a `401` with a Digest challenge by sending the request again with credentials,
    /// when Digest auth was asked for and the challenge comes from the credentials' origin.
    fn digest_answer(
        &self,
        spec: &RequestSpec,
        response: &Response,
        secrets: &BoundSecrets,
    ) -> Result<Option<RequestSpec>> {
        let Some(auth) = spec.auth.as_ref().filter(|a| a.kind == AuthType::Digest) else {
            return Ok(None);
        };
        if response.head.status != 401 {
            return Ok(None);
        }
        let netrc_here = auth.source == auth::Source::Netrc;
        if !netrc_here && secrets.origin.as_ref() != Some(&Origin::of(&spec.url)) {
            return Ok(None);
        }
        let challenge = response
            .head
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("WWW-Authenticate"))
            .find_map(|(_, v)| digest::parse_challenge(&String::from_utf8_lossy(v)));
        let Some(challenge) = challenge else {
            return Ok(None);
        };
        let answer = digest::answer(
            &challenge,
            &auth.user,
            &auth.secret,
            &spec.method,
            &spec.target,
            &digest::new_cnonce(),
            1,
        )
        .ok_or_else(|| {
            anyhow::anyhow!("cannot answer the server's Digest challenge with these credentials")
        })?;
        let mut next = redirect::resend(spec).map_err(anyhow::Error::msg)?;
        next.headers
            .retain(|h| !h.name.eq_ignore_ascii_case("Authorization"));
        next.headers.push(Header::new("Authorization", &answer));
        Ok(Some(next))
    }

    /// Sends one request, printing its head and body as they are written.
    fn send(&self, transport: &Transport, spec: &RequestSpec) -> Result<Response> {
        let print = self.print;
        let printer = self.printer;
        let head_hook = print.any_request().then(|| {
            let printer = printer.clone();
            let display = self.display.clone();
            let print_head = print.request_head;
            Box::new(move |head: &[u8]| {
                let _ = printer.begin();
                if print_head {
                    let _ = printer.write(&display.head(head));
                }
            }) as Box<dyn FnMut(&[u8]) + Send>
        });
        let req_sink = SharedSink(Arc::new(Mutex::new(None)));
        let bar = self.upload_bar(spec);
        let body = if spec.body.is_empty() {
            None
        } else {
            let tee = print.request_body.then(|| {
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
        let response = transport.send(spec, body, head_hook);
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

    fn print_response(
        &self,
        transport: &Transport,
        spec: &RequestSpec,
        response: Response,
        started: Instant,
        last: bool,
    ) -> Result<Outcome> {
        let (print, printer, display) = (self.print, self.printer, self.display);
        let head = response.head;
        if print.any_response() {
            printer.begin()?;
        }
        if print.response_head {
            printer.write(&display.head(&head.raw))?;
        }
        if let Some(download) = self.download {
            if !last {
                // An intermediate response (a redirect) in download mode: its head may be
                // printed, its body is never saved.
                if print.any_response() {
                    printer.end(false)?;
                }
                drain(response.body);
                return Ok(Outcome {
                    status: head.status,
                    reason: head.reason,
                    download: None,
                });
            }
            if print.any_response() {
                printer.end(false)?;
            }
            printer.flush()?;
            let body = decode::decode(&head, Box::new(response.body.into_reader()))?;
            let exit = download.receive(&head, body, &|e| body_error(transport, spec, e))?;
            return Ok(Outcome {
                status: head.status,
                reason: head.reason,
                download: Some(exit),
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
            let body = decode::decode(&head, Box::new(response.body.into_reader()))?;
            copy_body(body, sink.as_mut(), printer).map_err(|e| body_error(transport, spec, e))?;
            if let Some(sink) = sink {
                sink.finish()?;
            }
        }
        if print.any_response() {
            printer.end(print.response_body)?;
        }
        if print.meta {
            printer.begin()?;
            printer.write(&display.meta(started.elapsed()))?;
            printer.end(false)?;
        }
        Ok(Outcome {
            status: head.status,
            reason: head.reason,
            download: None,
        })
    }
}

/// The `Cookie` header for a hop: the cookies the user typed (only on the origin they were
/// typed for) and the run's jar cookies that apply to this URL, in one header as RFC 6265
/// wants. When the jar has nothing to add, the user's lines are sent as typed.
pub fn with_cookies(spec: &mut RequestSpec, jar: &CookieJar, secrets: &BoundSecrets) {
    let home = secrets.origin.as_ref() == Some(&Origin::of(&spec.url));
    let typed: &[String] = if home { &secrets.cookies } else { &[] };
    let wanted: Vec<String> = match jar.cookie_header(&spec.url) {
        None => typed.to_vec(),
        Some(from_jar) => {
            let mut all: Vec<&str> = typed.iter().map(String::as_str).collect();
            all.push(&from_jar);
            vec![all.join("; ")]
        }
    };
    let current: Vec<&String> = spec
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Cookie"))
        .map(|h| &h.value)
        .collect();
    if current.iter().copied().eq(wanted.iter()) {
        return; // Already right: keep the user's lines where they typed them.
    }
    spec.headers
        .retain(|h| !h.name.eq_ignore_ascii_case("Cookie"));
    for value in &wanted {
        spec.headers.push(Header::new("Cookie", value));
    }
}

/// An error met while reading a response body: corrupt compressed data names its encoding;
/// anything else is the connection's (timeout, reset) and says where.
fn body_error(transport: &Transport, spec: &RequestSpec, e: io::Error) -> anyhow::Error {
    match e.get_ref() {
        Some(inner) if inner.is::<DecodeError>() => anyhow::Error::msg(inner.to_string()),
        _ => transport.body_error(e, spec),
    }
}

/// Reads an unprinted body to its end, so the connection can be reused for the next hop.
fn drain(body: ureq::Body) {
    let mut reader = body.into_reader();
    let _ = io::copy(&mut reader.by_ref().take(16 * 1024 * 1024), &mut io::sink());
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

/// Reads the request body for `--offline` printing.
pub fn print_offline_body(
    spec: &RequestSpec,
    display: &Display,
    print: PrintSet,
    printer: &Printer,
) -> Result<()> {
    let mut body = upload::body_reader(&spec.body, None)?;
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

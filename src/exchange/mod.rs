//! One run's exchanges: send, then decide what follows (done, a redirect, a challenge), until
//! the final response. Each hop is printed as it goes over the wire; only the final exchange
//! is shown unless `--all` (or `-v`) asks for every one. Intermediate output is held and
//! dropped, so nothing of a hop that turned out to be a redirect leaks into the output
//! (HTTPie bug #1082).
//!
//! With `--paginate`, each page is a final exchange in its own right, printed as it arrives
//! ([`pages`]), and the next page's request goes round the loop like a redirect's.
//!
//! The loop only sequences steps: [`decide`] (pure), cookies ([`with_cookies`] and the jar),
//! and printing ([`print`], [`pages`]).

pub mod decide;
mod pages;
mod print;
mod retry;

pub use print::print_request_body;

use std::io::{self, Read};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::auth::netrc::Netrc;
use crate::auth::oauth2;
use crate::auth::signer::{unix_now, OAuth2State, Signer};
use crate::auth::{digest, AuthType};
use crate::cookies::CookieJar;
use crate::decode;
use crate::download::Download;
use crate::exit::{one_line, ExitStatus};
use crate::mask::Mask;
use crate::options::{Follow, Paging, RetryPolicy};
use crate::output::{PrintSet, Printer};
use crate::pretty::Display;
use crate::spec::{Header, RequestSpec};
use crate::transport::errors::TransportError;
use crate::transport::redirect::BoundSecrets;
use crate::transport::{Client, Response};
use decide::{Chance, Decision, HopState, Pages, Policy};
use pages::{Slurp, SLURP_MAX};
use retry::AfterError;

/// How the run ends: the final response's status and reason.
pub struct Outcome {
    pub status: u16,
    pub reason: String,
    /// What the download decided (4/5 for an error status; success otherwise).
    pub download: Option<ExitStatus>,
    /// A warning to show after the output (why pagination stopped early).
    pub warning: Option<String>,
}

pub struct Exchanger<'a> {
    /// The run's one client: every hop goes through it, so same-origin hops reuse its pool.
    pub client: &'a dyn Client,
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
    pub retry: &'a RetryPolicy,
    /// Say on stderr what the loop does on its own (retries); off with `-q`.
    pub notices: bool,
    /// The program's name, for those lines.
    pub prog: &'static str,
    /// `--paginate`: follow `rel="next"` links from page to page.
    pub paging: Option<Paging>,
    /// oauth2, oauth1 or aws-sigv4: puts its credentials on each hop to their origin.
    pub signer: Option<&'a Signer>,
}

impl Exchanger<'_> {
    /// Runs the exchanges; `jar` holds the cookies before (a session's) and after.
    pub fn run(&self, first: &RequestSpec, jar: &mut CookieJar) -> Result<Outcome> {
        let mut started = Instant::now();
        let secrets = BoundSecrets::of(first);
        let oauth2 = self.signer.and_then(Signer::oauth2);
        if let Some(state) = oauth2.filter(|s| s.needs_token(unix_now(SystemTime::now()))) {
            self.fetch_token(state)?;
        }
        let policy = Policy::new(first, self.follow, &secrets, self.netrc, self.retry)
            .with_paging(self.paging)
            .with_token_refresh(oauth2.is_some_and(|s| s.from_session && s.client.can_fetch()));
        let mut pages = Pages::starting_at(&first.url);
        let mut slurp = self
            .paging
            .filter(|p| p.slurp)
            .map(|_| Slurp::new(SLURP_MAX));
        // Output is held only when a hop may turn out not to be the last.
        let digest = first
            .auth
            .as_ref()
            .is_some_and(|a| a.kind == AuthType::Digest);
        let hold = !self.all
            && (self.follow.enabled || digest || self.retry.max > 0 || policy.token_refresh);
        let mut spec = first.clone();
        let mut state = HopState::default();
        loop {
            if hold {
                self.printer.hold();
            }
            with_cookies(&mut spec, jar, &secrets);
            self.sign(&mut spec, &secrets)?;
            let response = match self.send(&spec) {
                Ok(response) => response,
                Err(error) => {
                    self.printer.drop_held();
                    let wait = self.retry_after_error(&spec, state, &error)?;
                    let after = one_line(&error);
                    self.pause(wait.ok_or(error)?, state.retries + 1, &after)?;
                    state = state.retried();
                    continue;
                }
            };
            store_cookies(jar, &spec, &response);
            let chance = Chance {
                cnonce: &digest::new_cnonce(),
                now: SystemTime::now(),
                jitter: retry::jitter(),
            };
            let decision = decide::decide(&policy, state, &pages, &spec, &response.head, chance)?;
            state = state.after(&decision);
            pages.after(&decision);
            let next = match decision {
                Decision::Done => {
                    match self.finish(response, &spec.url, started, slurp.take(), None) {
                        Ok(outcome) => return Ok(outcome),
                        Err(error) => {
                            let wait = self.resume_download(&mut spec, state, &error);
                            let after = one_line(&error);
                            self.pause(wait.ok_or(error)?, state.retries + 1, &after)?;
                            state = state.retried();
                            continue;
                        }
                    }
                }
                Decision::GiveUp { why } => {
                    self.notice(&format!("not retrying: {why}"));
                    return self.finish(response, &spec.url, started, slurp, None);
                }
                Decision::LastPage(why) => {
                    return self.finish(response, &spec.url, started, slurp, Some(why));
                }
                Decision::NextPage(next) => {
                    if let Some(end) = self.page(response, &spec.url, started, slurp.as_mut())? {
                        return Ok(end);
                    }
                    // Each page's elapsed time is its own.
                    started = Instant::now();
                    spec = next;
                    continue;
                }
                Decision::Retry { wait, after } => {
                    self.intermediate(response, started)?;
                    self.pause(wait, state.retries, &after)?;
                    continue;
                }
                Decision::RefreshToken(next) => {
                    self.intermediate(response, started)?;
                    if let Some(state) = oauth2 {
                        self.fetch_token(state)?;
                    }
                    spec = next;
                    continue;
                }
                Decision::Redirect(next) | Decision::Challenge(next) => next,
            };
            self.intermediate(response, started)?;
            spec = next;
        }
    }

    /// Puts the signer's credentials on a hop to their origin (afresh: a new signature per
    /// hop), and takes them off a hop elsewhere.
    fn sign(&self, spec: &mut RequestSpec, secrets: &BoundSecrets) -> Result<()> {
        let Some(signer) = self.signer else {
            return Ok(());
        };
        match secrets.is_home(&spec.url) {
            true => signer.sign(spec, SystemTime::now()),
            false => {
                signer.strip(spec);
                Ok(())
            }
        }
    }

    /// The signer's secret headers, hidden wherever a request is printed.
    fn mask(&self) -> Mask {
        Mask::headers(self.signer.map(Signer::masked_headers).unwrap_or_default())
    }

    /// Fetches an OAuth 2.0 token: an intermediate exchange (printed with `--all`, the client's
    /// secret and the token hidden), through the run's client (its TLS and proxy options).
    fn fetch_token(&self, state: &OAuth2State) -> Result<()> {
        let client = &state.client;
        let spec = client.token_request();
        let started = Instant::now();
        let print = match self.all {
            true => self.print,
            false => PrintSet::default(),
        };
        let shown = client.shown_request_body();
        let response = self.send_shown(
            &spec,
            print,
            &Mask::headers(["Authorization"]),
            Some(&shown),
        )?;
        let Response {
            head,
            body,
            timings,
            tls,
        } = response;
        let url = client.token_url.as_str();
        let mut bytes = Vec::new();
        decode::decode(&head, body)?
            .take(oauth2::MAX_TOKEN_RESPONSE + 1)
            .read_to_end(&mut bytes)
            .map_err(print::body_error)
            .with_context(|| format!("cannot read the token endpoint's answer ({url})"))?;
        if bytes.len() as u64 > oauth2::MAX_TOKEN_RESPONSE {
            bail!("the token endpoint {url} answered with more than 1 MiB; that is not a token response");
        }
        let token = oauth2::parse_response(
            &client.token_url,
            head.status,
            &bytes,
            unix_now(SystemTime::now()),
        );
        if self.all {
            let shown = Response {
                head,
                body: Box::new(io::Cursor::new(oauth2::shown_response_body(&bytes))),
                timings,
                tls,
            };
            self.print_response(shown, started, false)?;
        }
        state.set_token(token?);
        Ok(())
    }

    /// The wait before retrying after a failed exchange; `None` when it is not retried (a note
    /// says why when only the request's kind stood in the way).
    fn retry_after_error(
        &self,
        spec: &RequestSpec,
        state: HopState,
        error: &anyhow::Error,
    ) -> Result<Option<Duration>> {
        let Some(failure) = error.downcast_ref::<TransportError>() else {
            return Ok(None);
        };
        let jitter = retry::jitter();
        match retry::after_error(self.retry, state.retries, spec, failure, jitter) {
            Some(AfterError::Wait(wait)) => Ok(Some(wait)),
            Some(AfterError::Refused(why)) => {
                self.notice(&format!("not retrying: {why}"));
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// The wait before resuming a download cut short by the network (`--continue` asks for
    /// the rest); `None` when it is not retried.
    fn resume_download(
        &self,
        spec: &mut RequestSpec,
        state: HopState,
        error: &anyhow::Error,
    ) -> Option<Duration> {
        let download = self.download?;
        let failure = error
            .chain()
            .find_map(|e| e.downcast_ref::<TransportError>())?;
        let AfterError::Wait(wait) =
            retry::after_error(self.retry, state.retries, spec, failure, retry::jitter())?
        else {
            return None;
        };
        if !download.resume_again(spec) {
            self.notice("not retrying: the download was cut short; --continue resumes it");
            return None;
        }
        Some(wait)
    }

    /// Waits before retry number `n`, saying so; `--max-time` bounds the wait too.
    fn pause(&self, wait: Duration, n: u32, after: &str) -> Result<()> {
        if self.client.time_left().is_some_and(|left| wait >= left) {
            return Err(self.client.out_of_time().into());
        }
        self.notice(&format!(
            "retrying in {} ({n}/{}) after {after}",
            retry::shown(wait),
            self.retry.max
        ));
        std::thread::sleep(wait);
        Ok(())
    }

    fn notice(&self, text: &str) {
        if self.notices {
            eprintln!("{}: {text}", self.prog);
        }
    }

    /// A response that is not the last: printed with `--all`, otherwise dropped (its body
    /// read to the end so the connection can serve the next hop).
    fn intermediate(&self, response: Response, started: Instant) -> Result<()> {
        if self.all {
            self.print_response(response, started, false)?;
        } else {
            self.printer.drop_held();
            drain(response.body);
        }
        Ok(())
    }
}

/// Keeps the response's `Set-Cookie`s in the run's jar.
fn store_cookies(jar: &mut CookieJar, spec: &RequestSpec, response: &Response) {
    let set_cookies: Vec<&[u8]> = response
        .head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
        .map(|(_, v)| v.as_slice())
        .collect();
    jar.store_response(&spec.url, &set_cookies);
}

/// The `Cookie` header for a hop: the cookies the user typed (only on the origin they were
/// typed for) and the run's jar cookies that apply to this URL, in one header as RFC 6265
/// wants. When the jar has nothing to add, the user's lines are sent as typed.
pub fn with_cookies(spec: &mut RequestSpec, jar: &CookieJar, secrets: &BoundSecrets) {
    let home = secrets.is_home(&spec.url);
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

/// Reads an unprinted body to its end, so the connection can be reused for the next hop.
fn drain(mut body: Box<dyn Read + Send>) {
    let _ = io::copy(&mut body.by_ref().take(16 * 1024 * 1024), &mut io::sink());
}

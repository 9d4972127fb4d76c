//! What follows a response: the decision for one hop, a pure function of the request sent,
//! the response head and the run's policy. No network, no printing: unit tests drive it.
//!
//! A hop ends the run ([`Decision::Done`]), follows a redirect, answers a Digest challenge, goes
//! on to the next page (`--paginate`, rules in [`paging`]), or is sent again after a wait
//! ([`Decision::Retry`], rules in [`super::retry`]).

use std::time::{Duration, SystemTime};

use anyhow::Result;

use super::retry::{self, AfterResponse};
use crate::auth::netrc::Netrc;
use crate::auth::{self, digest, AuthType};
use crate::exit::{ExitStatus, Fatal};
use crate::options::{Follow, Paging, RetryPolicy};
use crate::pretty::sanitize::inert;
use crate::spec::{Header, RequestSpec};
use crate::transport::redirect::{self, BoundSecrets};
use crate::wire::ResponseHead;

mod paging;
pub use paging::Pages;

/// What the exchange loop does after a response.
#[derive(Debug)]
pub enum Decision {
    /// This response is the run's answer.
    Done,
    /// Follow a redirect with this request.
    Redirect(RequestSpec),
    /// Answer an authentication challenge with this request.
    Challenge(RequestSpec),
    /// Send the same request again after this wait; `after` says what went wrong.
    Retry { wait: Duration, after: String },
    /// This response stands, though the policy would retry it; `why` says why not.
    GiveUp { why: String },
    /// `--paginate`: this response is a page, printed as a final exchange; then fetch the next
    /// one with this request.
    NextPage(RequestSpec),
    /// `--paginate`: this page is the last, though it links to a next one; the warning says
    /// why (a link loop, `--max-pages`).
    LastPage(String),
    /// OAuth 2.0: the session's token was refused (401); fetch a new one, then send this
    /// request again (once).
    RefreshToken(RequestSpec),
}

/// The run's rules for deciding, fixed before the first hop.
pub struct Policy<'a> {
    pub follow: Follow,
    /// Secrets bound to the first request's origin.
    pub secrets: &'a BoundSecrets,
    /// .netrc, consulted afresh for each host a redirect leads to.
    pub netrc: Option<&'a Netrc>,
    /// Whether hops to other hosts may take .netrc credentials (and of which type): yes
    /// unless the user gave credentials (or typed an Authorization) themselves.
    pub netrc_managed: Option<AuthType>,
    pub retry: &'a RetryPolicy,
    /// `--paginate`: follow `rel="next"` links.
    pub paging: Option<Paging>,
    /// OAuth 2.0 with the session's token and the client's secret: a 401 from the token's
    /// origin fetches a new token and tries once more.
    pub token_refresh: bool,
}

impl<'a> Policy<'a> {
    pub fn new(
        first: &RequestSpec,
        follow: Follow,
        secrets: &'a BoundSecrets,
        netrc: Option<&'a Netrc>,
        retry: &'a RetryPolicy,
    ) -> Policy<'a> {
        let netrc_managed = match &first.auth {
            Some(a) if a.source == auth::Source::Netrc => Some(a.kind),
            Some(_) => None,
            None => secrets.authorization.is_none().then_some(AuthType::Basic),
        };
        Policy {
            follow,
            secrets,
            netrc,
            netrc_managed,
            retry,
            paging: None,
            token_refresh: false,
        }
    }

    /// The policy, paginating as `paging` says.
    pub fn with_paging(self, paging: Option<Paging>) -> Policy<'a> {
        Policy { paging, ..self }
    }

    /// The policy, refreshing a stale OAuth 2.0 token on a 401 when `refresh` says so.
    pub fn with_token_refresh(self, token_refresh: bool) -> Policy<'a> {
        Policy {
            token_refresh,
            ..self
        }
    }
}

/// What the loop has done so far.
#[derive(Debug, Clone, Copy, Default)]
pub struct HopState {
    /// Redirects followed.
    pub redirects: u32,
    /// The request just sent answered a challenge: a second 401 is the final answer.
    pub answered_challenge: bool,
    /// Retries made of the request now being sent.
    pub retries: u32,
    /// An OAuth 2.0 token was refreshed after a 401 (a second 401 stands).
    pub refreshed_token: bool,
}

impl HopState {
    /// The state after acting on `decision`.
    pub fn after(self, decision: &Decision) -> HopState {
        match decision {
            Decision::Redirect(_) => HopState {
                redirects: self.redirects + 1,
                answered_challenge: false,
                retries: 0,
                ..self
            },
            Decision::RefreshToken(_) => HopState {
                refreshed_token: true,
                ..self
            },
            Decision::Challenge(_) => HopState {
                answered_challenge: true,
                ..self
            },
            Decision::Retry { .. } => self.retried(),
            // A new page is a new request: its redirects, challenge and retries are its own.
            Decision::NextPage(_) => HopState::default(),
            Decision::Done | Decision::GiveUp { .. } | Decision::LastPage(_) => self,
        }
    }

    /// The state after sending the same request again.
    pub fn retried(self) -> HopState {
        HopState {
            retries: self.retries + 1,
            ..self
        }
    }
}

/// What a decision may depend on besides the exchange: the time and chance (random in a run,
/// fixed in tests).
#[derive(Debug, Clone, Copy)]
pub struct Chance<'a> {
    /// The client nonce a Digest answer would use.
    pub cnonce: &'a str,
    pub now: SystemTime,
    /// Uniform in [0, 1): where a backoff wait falls (full jitter).
    pub jitter: f64,
}

/// Decides what follows `head`, the response to `spec`; `pages` are the pages so far.
pub fn decide(
    policy: &Policy,
    state: HopState,
    pages: &Pages,
    spec: &RequestSpec,
    head: &ResponseHead,
    chance: Chance,
) -> Result<Decision> {
    if !state.answered_challenge {
        if let Some(next) = digest_answer(spec, head, policy.secrets, chance.cnonce)? {
            return Ok(Decision::Challenge(next));
        }
    }
    if let Some(next) = token_refresh(policy, state, spec, head)? {
        return Ok(Decision::RefreshToken(next));
    }
    let after = || format!("HTTP {} {}", head.status, inert(&head.reason));
    match retry::after_response(
        policy.retry,
        state.retries,
        spec,
        head,
        chance.now,
        chance.jitter,
    ) {
        Some(AfterResponse::Wait(wait)) => {
            return Ok(Decision::Retry {
                wait,
                after: after(),
            })
        }
        Some(AfterResponse::TooLong { asked, header }) => {
            let why = format!(
                "the server asked to wait {} ({header}), longer than --retry-max-delay={}",
                retry::shown(asked),
                retry::shown(policy.retry.max_delay)
            );
            return Ok(Decision::GiveUp { why });
        }
        Some(AfterResponse::Refused(why)) => return Ok(Decision::GiveUp { why }),
        None => {}
    }
    Ok(match redirect_hop(policy, state, spec, head)? {
        Some(next) => Decision::Redirect(next),
        None => paging::next_page(policy, pages, spec, head)?.unwrap_or(Decision::Done),
    })
}

/// The same request again with a new OAuth 2.0 token, when the session's token was refused
/// by its origin and has not been refreshed yet.
fn token_refresh(
    policy: &Policy,
    state: HopState,
    spec: &RequestSpec,
    head: &ResponseHead,
) -> Result<Option<RequestSpec>> {
    let home = policy.secrets.is_home(&spec.url);
    if !policy.token_refresh || state.refreshed_token || head.status != 401 || !home {
        return Ok(None);
    }
    redirect::resend(spec).map(Some).map_err(anyhow::Error::msg)
}

/// The request that follows a redirect response, if it is one to follow.
fn redirect_hop(
    policy: &Policy,
    state: HopState,
    spec: &RequestSpec,
    head: &ResponseHead,
) -> Result<Option<RequestSpec>> {
    let follow = policy.follow;
    if !follow.enabled || !redirect::is_redirect(head.status) {
        return Ok(None);
    }
    let Some(location) = head.header("Location") else {
        return Ok(None);
    };
    if state.redirects >= follow.max {
        return Err(Fatal::new(
            ExitStatus::TooManyRedirects,
            format!("Too many redirects (--max-redirects={}).", follow.max),
        )
        .into());
    }
    let next = redirect::location_target(&spec.url, location).map_err(anyhow::Error::msg)?;
    let mut next =
        redirect::follow(spec, head.status, next, policy.secrets).map_err(anyhow::Error::msg)?;
    netrc_step(policy, &mut next);
    Ok(Some(next))
}

/// Credentials the user gave stay with their origin (re-applied by `redirect::follow`);
/// .netrc ones are looked up again for the new host, and never carried to it.
fn netrc_step(policy: &Policy, next: &mut RequestSpec) {
    let home = policy.secrets.is_home(&next.url);
    match (home, policy.netrc_managed) {
        (true, _) => {}
        (false, Some(kind)) => {
            let host = next.url.host_str().unwrap_or("").to_string();
            next.auth = auth::netrc_for(policy.netrc, kind, &host);
            if let Some(value) = next.auth.as_ref().and_then(auth::Auth::header) {
                next.headers.push(Header::new("Authorization", &value));
            }
        }
        (false, None) => next.auth = None,
    }
}

/// Answers a `401` with a Digest challenge by sending the request again with credentials,
/// when Digest auth was asked for and the challenge comes from the credentials' origin.
fn digest_answer(
    spec: &RequestSpec,
    head: &ResponseHead,
    secrets: &BoundSecrets,
    cnonce: &str,
) -> Result<Option<RequestSpec>> {
    let Some(auth) = spec.auth.as_ref().filter(|a| a.kind == AuthType::Digest) else {
        return Ok(None);
    };
    if head.status != 401 {
        return Ok(None);
    }
    let netrc_here = auth.source == auth::Source::Netrc;
    if !netrc_here && !secrets.is_home(&spec.url) {
        return Ok(None);
    }
    let challenge = head
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
        cnonce,
        1,
    )
    .ok_or_else(|| {
        anyhow::anyhow!("cannot answer the server's Digest challenge with these credentials")
    })?;
    let mut next = redirect::resend(spec).map_err(anyhow::Error::msg)?;
    next.set_header("Authorization", &answer);
    Ok(Some(next))
}

#[cfg(test)]
mod tests;

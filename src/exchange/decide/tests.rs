use super::*;
use crate::auth::{Auth, Source};
use crate::spec::Body;
use std::time::Duration;
use url::Url;

fn spec(url: &str, auth: Option<Auth>, headers: &[(&str, &str)]) -> RequestSpec {
    let url = Url::parse(url).unwrap();
    let mut hs = vec![Header::new("Host", &crate::url_input::host_header(&url))];
    hs.extend(headers.iter().map(|(n, v)| Header::new(n, v)));
    RequestSpec {
        method: "GET".into(),
        target: crate::url_input::target(&url),
        url,
        headers: hs,
        body: Body::default(),
        auth,
    }
}

fn head(text: &str) -> ResponseHead {
    ResponseHead::parse(format!("{text}\r\n\r\n").as_bytes()).unwrap()
}

fn chance() -> Chance<'static> {
    Chance {
        cnonce: "0a4f113b",
        now: std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        jitter: 1.0,
    }
}

fn follow(max: u32) -> Follow {
    Follow { enabled: true, max }
}

fn digest_auth() -> Auth {
    Auth {
        kind: AuthType::Digest,
        user: "u".into(),
        secret: "p".into(),
        source: Source::CommandLine,
    }
}

fn run(
    first: &RequestSpec,
    follow: Follow,
    netrc: Option<&Netrc>,
    state: HopState,
    sent: &RequestSpec,
    response: &str,
) -> Result<Decision> {
    let secrets = BoundSecrets::of(first);
    let retry = RetryPolicy::default();
    let policy = Policy::new(first, follow, &secrets, netrc, &retry);
    decide(
        &policy,
        state,
        &Pages::default(),
        sent,
        &head(response),
        chance(),
    )
}

/// The decision on the first hop of `s`, following up to 5 redirects, without .netrc.
fn first_hop(s: &RequestSpec, response: &str) -> Decision {
    run(s, follow(5), None, HopState::default(), s, response).unwrap()
}

#[test]
fn a_plain_response_is_done() {
    let s = spec("http://a.test/", None, &[]);
    assert!(matches!(first_hop(&s, "HTTP/1.1 200 OK"), Decision::Done));
}

#[test]
fn redirects_only_when_following() {
    let s = spec("http://a.test/x", None, &[]);
    let moved = "HTTP/1.1 302 Found\r\nLocation: /y";
    let off = Follow {
        enabled: false,
        max: 5,
    };
    let d = run(&s, off, None, HopState::default(), &s, moved).unwrap();
    assert!(matches!(d, Decision::Done));
    let d = first_hop(&s, moved);
    let Decision::Redirect(next) = d else {
        panic!("expected a redirect, got {d:?}")
    };
    assert_eq!(next.url.as_str(), "http://a.test/y");
    // A 3xx without Location is an answer, not a redirect.
    assert!(matches!(
        first_hop(&s, "HTTP/1.1 302 Found"),
        Decision::Done
    ));
}

#[test]
fn the_redirect_limit_is_exit_6() {
    let s = spec("http://a.test/x", None, &[]);
    let state = HopState {
        refreshed_token: false,
        redirects: 2,
        ..HopState::default()
    };
    let err = run(
        &s,
        follow(2),
        None,
        state,
        &s,
        "HTTP/1.1 301 Moved\r\nLocation: /y",
    )
    .unwrap_err();
    assert_eq!(crate::exit::status_of(&err), ExitStatus::TooManyRedirects);
    assert_eq!(err.to_string(), "Too many redirects (--max-redirects=2).");
}

#[test]
fn a_digest_challenge_is_answered_once() {
    let s = spec("http://a.test/p", Some(digest_auth()), &[]);
    let challenge = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"";
    let d = run(&s, follow(5), None, HopState::default(), &s, challenge).unwrap();
    let Decision::Challenge(next) = &d else {
        panic!("expected a challenge answer, got {d:?}")
    };
    let answer = next.header("Authorization").unwrap();
    assert!(answer.starts_with("Digest username=\"u\""), "{answer}");
    assert!(answer.contains("cnonce=\"0a4f113b\""), "{answer}");
    let state = HopState::default().after(&d);
    assert!(state.answered_challenge);
    assert_eq!(state.redirects, 0);
    // The answer's 401 is final.
    let d = run(&s, follow(5), None, state, next, challenge).unwrap();
    assert!(matches!(d, Decision::Done));
}

#[test]
fn no_digest_answer_to_another_origin() {
    let first = spec("http://a.test/p", Some(digest_auth()), &[]);
    let other = spec("http://b.test/p", Some(digest_auth()), &[]);
    let challenge =
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"n\"";
    let d = run(
        &first,
        follow(5),
        None,
        HopState::default(),
        &other,
        challenge,
    )
    .unwrap();
    assert!(matches!(d, Decision::Done));
}

#[test]
fn netrc_credentials_are_looked_up_per_host_on_redirect() {
    let (netrc, _) = crate::auth::netrc::parse(b"machine b.test login bob password pw\n");
    let s = spec("http://a.test/x", None, &[]);
    let moved = "HTTP/1.1 302 Found\r\nLocation: http://b.test/y";
    let d = run(&s, follow(5), Some(&netrc), HopState::default(), &s, moved).unwrap();
    let Decision::Redirect(next) = d else {
        panic!("expected a redirect")
    };
    assert_eq!(
        next.header("Authorization"),
        Some(crate::auth::basic("bob", "pw").as_str())
    );
    // Credentials the user typed are never replaced by .netrc ones for another host.
    let typed = spec("http://a.test/x", None, &[("Authorization", "Bearer t")]);
    let d = run(
        &typed,
        follow(5),
        Some(&netrc),
        HopState::default(),
        &typed,
        moved,
    )
    .unwrap();
    let Decision::Redirect(next) = d else {
        panic!("expected a redirect")
    };
    assert_eq!(next.header("Authorization"), None);
}

#[test]
fn state_counts_redirects_and_resets_the_challenge() {
    let s = spec("http://a.test/", None, &[]);
    let state = HopState {
        refreshed_token: false,
        redirects: 1,
        answered_challenge: true,
        retries: 2,
    };
    let after = state.after(&Decision::Redirect(s));
    assert_eq!(after.redirects, 2);
    assert!(!after.answered_challenge);
    assert_eq!(after.retries, 0, "a new request gets its own retries");
}

#[test]
fn retries_come_before_redirects_and_respect_the_policy() {
    let s = spec("http://a.test/x", None, &[]);
    let secrets = BoundSecrets::of(&s);
    let retry = crate::options::retry::policy(Some(2), None, None, None, false).unwrap();
    let policy = Policy::new(&s, follow(5), &secrets, None, &retry);
    let busy = head("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 4");
    let d = decide(
        &policy,
        HopState::default(),
        &Pages::default(),
        &s,
        &busy,
        chance(),
    )
    .unwrap();
    let Decision::Retry { wait, after } = &d else {
        panic!("expected a retry, got {d:?}")
    };
    assert_eq!(*wait, Duration::from_secs(4));
    assert_eq!(after, "HTTP 503 Service Unavailable");
    let state = HopState::default().after(&d).after(&d);
    assert_eq!(state.retries, 2);
    let d = decide(&policy, state, &Pages::default(), &s, &busy, chance()).unwrap();
    assert!(matches!(d, Decision::Done), "retries used up: {d:?}");
    // A server asking for longer than --retry-max-delay ends the retries with a reason.
    let long = head("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 600");
    let d = decide(
        &policy,
        HopState::default(),
        &Pages::default(),
        &s,
        &long,
        chance(),
    )
    .unwrap();
    let Decision::GiveUp { why } = d else {
        panic!("expected to give up")
    };
    assert!(why.contains("600s (Retry-After)"), "{why}");
    // A POST gets a note rather than a silent final answer.
    let mut post = s.clone();
    post.method = "POST".into();
    let d = decide(
        &policy,
        HopState::default(),
        &Pages::default(),
        &post,
        &busy,
        chance(),
    )
    .unwrap();
    assert!(
        matches!(d, Decision::GiveUp { ref why } if why.contains("POST")),
        "{d:?}"
    );
}

#[test]
fn a_refused_session_token_is_refreshed_once_on_its_origin() {
    let first = spec(
        "http://api.test/x",
        None,
        &[("Authorization", "Bearer old")],
    );
    let secrets = BoundSecrets::of(&first);
    let retry = RetryPolicy::default();
    let decide_with = |refresh: bool, state: HopState, sent: &RequestSpec, response: &str| {
        let policy =
            Policy::new(&first, follow(5), &secrets, None, &retry).with_token_refresh(refresh);
        decide(
            &policy,
            state,
            &Pages::default(),
            sent,
            &head(response),
            chance(),
        )
        .unwrap()
    };
    let d = decide_with(
        true,
        HopState::default(),
        &first,
        "HTTP/1.1 401 Unauthorized",
    );
    let Decision::RefreshToken(next) = &d else {
        panic!("{d:?}")
    };
    assert_eq!(next.url, first.url);
    let state = HopState::default().after(&d);
    assert!(state.refreshed_token);
    // Once only; not without the policy; not for another status or another origin.
    let again = decide_with(true, state, &first, "HTTP/1.1 401 Unauthorized");
    assert!(matches!(again, Decision::Done), "{again:?}");
    assert!(matches!(
        decide_with(
            false,
            HopState::default(),
            &first,
            "HTTP/1.1 401 Unauthorized"
        ),
        Decision::Done
    ));
    assert!(matches!(
        decide_with(true, HopState::default(), &first, "HTTP/1.1 403 Forbidden"),
        Decision::Done
    ));
    let elsewhere = spec("http://other.test/x", None, &[]);
    assert!(matches!(
        decide_with(
            true,
            HopState::default(),
            &elsewhere,
            "HTTP/1.1 401 Unauthorized"
        ),
        Decision::Done
    ));
}

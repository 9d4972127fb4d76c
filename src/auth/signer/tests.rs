use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::*;
use crate::spec::Header;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn oauth2_auth(secret: &str, source: Source) -> Auth {
    Auth {
        kind: AuthType::OAuth2,
        user: "client".into(),
        secret: secret.into(),
        source,
    }
}

fn params(url: Option<&str>, scopes: &[&str]) -> SchemeParams {
    SchemeParams {
        token_url: url.map(|u| url::Url::parse(u).unwrap()),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        ..SchemeParams::default()
    }
}

fn stored(token: &str, expires_at: u64) -> StoredAuth {
    StoredAuth {
        kind: AuthType::OAuth2,
        raw: "client".into(),
        scheme: StoredScheme {
            token_url: Some("https://auth.test/token".into()),
            scope: Some("read".into()),
            token_auth: Some("body".into()),
            access_token: Some(token.into()),
            expires_at: Some(expires_at),
            ..StoredScheme::default()
        },
    }
}

fn state(signer: Option<Signer>) -> OAuth2State {
    match signer {
        Some(Signer::OAuth2(state)) => state,
        _ => panic!("not oauth2"),
    }
}

#[test]
fn the_sessions_token_is_reused_for_the_same_client_while_usable() {
    let auth = oauth2_auth("sec", Source::CommandLine);
    let kept = stored("tok", 10_000);
    // Nothing typed but -a: endpoint, scopes and client auth come from the session.
    let s = state(Signer::new(Some(&auth), &params(None, &[]), Some(&kept), at(5_000)).unwrap());
    assert_eq!(s.token().unwrap().access_token, "tok");
    assert!(s.from_session && !s.needs_token(5_000));
    assert_eq!(s.client.scopes, ["read"]);
    assert_eq!(s.client.token_auth, TokenAuth::Body);
    // Inside the expiry margin, or for other scopes or another endpoint: fetched anew.
    let late = state(Signer::new(Some(&auth), &params(None, &[]), Some(&kept), at(9_990)).unwrap());
    assert!(late.token().is_none() && late.needs_token(9_990));
    let other_scope = params(Some("https://auth.test/token"), &["admin"]);
    let s = state(Signer::new(Some(&auth), &other_scope, Some(&kept), at(5_000)).unwrap());
    assert!(s.token().is_none());
    let other_url = params(Some("https://other.test/token"), &[]);
    let s = state(Signer::new(Some(&auth), &other_url, Some(&kept), at(5_000)).unwrap());
    assert!(s.token().is_none() && s.client.scopes.is_empty());
    // Another client's token is never borrowed; its endpoint and scopes still apply.
    let other = Auth {
        user: "other".into(),
        ..auth
    };
    let s = state(Signer::new(Some(&other), &params(None, &[]), Some(&kept), at(5_000)).unwrap());
    assert!(s.token().is_none() && s.client.scopes == ["read"]);
}

#[test]
fn without_the_secret_only_a_usable_token_will_do() {
    let auth = oauth2_auth("", Source::Session);
    let kept = stored("tok", 10_000);
    let s = state(Signer::new(Some(&auth), &params(None, &[]), Some(&kept), at(5_000)).unwrap());
    assert!(!s.client.can_fetch());
    let err = Signer::new(Some(&auth), &params(None, &[]), Some(&kept), at(20_000))
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("give -a CLIENT_ID:CLIENT_SECRET"), "{err}");
    let no_url = Signer::new(
        Some(&oauth2_auth("s", Source::CommandLine)),
        &params(None, &[]),
        None,
        at(0),
    );
    assert!(no_url.err().unwrap().to_string().contains("--token-url"));
}

#[test]
fn what_the_session_keeps() {
    let auth = oauth2_auth("sec", Source::CommandLine);
    let signer = Signer::new(
        Some(&auth),
        &params(Some("https://auth.test/token"), &["a", "b"]),
        None,
        at(0),
    )
    .unwrap()
    .unwrap();
    signer.oauth2().unwrap().set_token(Token {
        access_token: "fresh".into(),
        expires_at: Some(3_600),
    });
    let kept = signer.stored();
    assert_eq!(kept.access_token.as_deref(), Some("fresh"));
    assert_eq!(kept.scope.as_deref(), Some("a b"));
    assert_eq!(kept.expires_at, Some(3_600));
    assert_eq!(kept.token_auth.as_deref(), Some("basic"));
    assert_eq!(signer.masked_headers(), ["Authorization"]);
}

fn spec(headers: &[(&str, &str)]) -> RequestSpec {
    RequestSpec {
        method: "GET".into(),
        url: url::Url::parse("https://api.test/x").unwrap(),
        target: "/x".into(),
        headers: headers.iter().map(|(n, v)| Header::new(n, v)).collect(),
        body: crate::spec::Body::default(),
        auth: None,
    }
}

#[test]
fn sigv4_signs_afresh_and_strips_its_headers_elsewhere() {
    let auth = Auth {
        kind: AuthType::AwsSigV4,
        user: "AKID".into(),
        secret: "SECRET".into(),
        source: Source::Environment,
    };
    let mut p = params(None, &[]);
    p.aws_scope = Some("aws:amz:us-east-1:execute-api".into());
    p.aws_env.session_token = Some("TOKEN".into());
    let signer = Signer::new(Some(&auth), &p, None, at(0)).unwrap().unwrap();
    let mut s = spec(&[
        ("Host", "api.test"),
        ("X-Amz-Date", "stale"),
        ("x-amz-date", "stale2"),
    ]);
    signer.sign(&mut s, at(1_440_000_000)).unwrap();
    let dates: Vec<_> = s
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("x-amz-date"))
        .collect();
    assert_eq!(dates.len(), 1, "{:?}", s.headers);
    assert_eq!(dates[0].value, "20150819T160000Z");
    assert_eq!(s.header("X-Amz-Security-Token"), Some("TOKEN"));
    assert_eq!(
        s.header("X-Amz-Content-Sha256"),
        Some(crate::auth::sigv4::EMPTY_SHA256)
    );
    assert!(s.header("Authorization").unwrap().starts_with(
        "AWS4-HMAC-SHA256 Credential=AKID/20150819/us-east-1/execute-api/aws4_request"
    ));
    signer.strip(&mut s);
    assert_eq!(s.headers, [Header::new("Host", "api.test")]);
    assert_eq!(signer.masked_headers(), ["X-Amz-Security-Token"]);
    // Keys typed with -a never pick up the variables' session token.
    let typed = Auth {
        source: Source::CommandLine,
        ..auth
    };
    let signer = Signer::new(Some(&typed), &p, None, at(0)).unwrap().unwrap();
    let mut s = spec(&[("Host", "api.test")]);
    signer.sign(&mut s, at(1_440_000_000)).unwrap();
    assert_eq!(s.header("X-Amz-Security-Token"), None);
}

#[test]
fn oauth1_signs_form_bodies_only() {
    let auth = Auth {
        kind: AuthType::OAuth1,
        user: "ck".into(),
        secret: "cs".into(),
        source: Source::CommandLine,
    };
    let signer = Signer::new(Some(&auth), &SchemeParams::default(), None, at(0))
        .unwrap()
        .unwrap();
    let mut form = spec(&[
        ("Host", "api.test"),
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ]);
    form.body.parts.push(Part::Bytes(b"a=1".to_vec()));
    assert_eq!(form_body(&form).as_deref(), Some(&b"a=1"[..]));
    let mut json = form.clone();
    json.headers[1] = Header::new("Content-Type", "application/json");
    assert_eq!(form_body(&json), None);
    signer.sign(&mut form, at(1)).unwrap();
    let first = form.header("Authorization").unwrap().to_string();
    signer.sign(&mut form, at(1)).unwrap();
    assert_ne!(
        form.header("Authorization").unwrap(),
        first,
        "a fresh nonce per hop"
    );
    assert_eq!(
        form.headers
            .iter()
            .filter(|h| h.name == "Authorization")
            .count(),
        1
    );
    assert!(signer.masked_headers().is_empty());
}

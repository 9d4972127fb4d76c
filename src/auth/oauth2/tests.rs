use super::*;

fn client(auth: TokenAuth) -> Client {
    Client {
        id: "my app".into(),
        secret: "s3cr:et&".into(),
        token_url: url::Url::parse("https://auth.test:8443/oauth/token?tenant=a").unwrap(),
        scopes: vec!["read".into(), "write:all".into()],
        token_auth: auth,
    }
}

fn body(spec: &RequestSpec) -> String {
    String::from_utf8(spec.body.as_bytes().unwrap()).unwrap()
}

#[test]
fn token_request_with_basic_client_auth() {
    let spec = client(TokenAuth::Basic).token_request();
    assert_eq!(spec.method, "POST");
    assert_eq!(spec.target, "/oauth/token?tenant=a");
    assert_eq!(spec.header("Host"), Some("auth.test:8443"));
    assert_eq!(
        spec.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        body(&spec),
        "grant_type=client_credentials&scope=read+write%3Aall"
    );
    assert_eq!(spec.header("Content-Length"), Some("52"));
    // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
    assert_eq!(
        spec.header("Authorization").unwrap(),
        crate::auth::basic("my+app", "s3cr%3Aet%26")
    );
}

#[test]
fn token_request_with_the_client_in_the_body() {
    let c = client(TokenAuth::Body);
    let spec = c.token_request();
    assert_eq!(spec.header("Authorization"), None);
    assert_eq!(
        body(&spec),
        "grant_type=client_credentials&scope=read+write%3Aall&client_id=my+app&client_secret=s3cr%3Aet%26"
    );
    let shown = String::from_utf8(c.shown_request_body()).unwrap();
    assert!(shown.ends_with("client_secret=%3Credacted%3E"), "{shown}");
    assert!(!shown.contains("s3cr"));
    // Without scopes, no scope parameter.
    let mut bare = client(TokenAuth::Basic);
    bare.scopes.clear();
    assert_eq!(body(&bare.token_request()), "grant_type=client_credentials");
}

fn url() -> url::Url {
    url::Url::parse("https://auth.test/token").unwrap()
}

#[test]
fn token_responses() {
    let ok = parse_response(
        &url(),
        200,
        br#"{"access_token":"abc","token_type":"bearer","expires_in":3600}"#,
        1000,
    )
    .unwrap();
    assert_eq!(ok.access_token, "abc");
    assert_eq!(ok.expires_at, Some(4600));
    let no_expiry = parse_response(&url(), 200, br#"{"access_token":"abc"}"#, 1000).unwrap();
    assert_eq!(no_expiry.expires_at, None);
    let text_expiry =
        parse_response(&url(), 200, br#"{"access_token":"a","expires_in":"60"}"#, 0).unwrap();
    assert_eq!(text_expiry.expires_at, Some(60));
}

#[test]
fn token_endpoint_errors_name_the_url_and_the_error() {
    let err = |status, body: &[u8]| {
        parse_response(&url(), status, body, 0)
            .unwrap_err()
            .to_string()
    };
    let refused = err(
        401,
        br#"{"error":"invalid_client","error_description":"bad secret"}"#,
    );
    assert!(refused.contains("https://auth.test/token"), "{refused}");
    assert!(refused.contains("invalid_client: bad secret"), "{refused}");
    assert!(err(500, b"<html>oops</html>").contains("HTTP 500"));
    assert!(err(200, b"<html>oops</html>").contains("not answer with a JSON object"));
    assert!(err(200, br#"{"token_type":"bearer"}"#).contains("without an access_token"));
    assert!(err(200, br#"{"access_token":""}"#).contains("without an access_token"));
    assert!(err(200, br#"{"access_token":"a\r\nX: y"}"#).contains("cannot be sent"));
    assert!(err(200, br#"{"access_token":"a","token_type":"mac"}"#).contains("only Bearer"));
    assert!(err(200, br#"{"access_token":"a","expires_in":-5}"#).contains("expires_in"));
    // A server's words are clipped and made inert.
    let long = format!(r#"{{"error":"{}\u001b[2J"}}"#, "x".repeat(500));
    let shown = err(400, long.as_bytes());
    assert!(shown.len() < 400 && !shown.contains('\u{1b}'), "{shown}");
}

#[test]
fn usable_until_shortly_before_expiry() {
    let token = |at| Token {
        access_token: "t".into(),
        expires_at: at,
    };
    assert!(token(Some(1000)).usable(1000 - EXPIRY_MARGIN_SECS - 1));
    assert!(!token(Some(1000)).usable(1000 - EXPIRY_MARGIN_SECS));
    assert!(!token(Some(1000)).usable(2000));
    assert!(token(None).usable(u64::MAX));
}

#[test]
fn printed_token_responses_hide_the_tokens() {
    let shown =
        shown_response_body(br#"{"access_token":"abc","refresh_token":"def","expires_in":60}"#);
    let text = String::from_utf8(shown).unwrap();
    assert!(!text.contains("abc") && !text.contains("def"), "{text}");
    assert!(text.contains("\"expires_in\":60"));
    assert_eq!(shown_response_body(b"not json"), b"not json");
}

#[test]
fn debug_hides_secrets() {
    let shown = format!(
        "{:?} {:?}",
        client(TokenAuth::Basic),
        Token {
            access_token: "tok123".into(),
            expires_at: None
        }
    );
    assert!(
        !shown.contains("s3cr") && !shown.contains("tok123"),
        "{shown}"
    );
}

//! `-A oauth2` (OAuth 2.0 client credentials, RFC 6749 §4.4) end to end through the real
//! binary, against the token endpoint and Bearer-protected API of
//! [`crate::support::auth_servers::TokenServer`]: the token request (client auth by Basic or in
//! the body, scopes), the Bearer on the API, tokens kept in sessions (never the secret), reuse,
//! refresh on expiry and once on a 401, token-endpoint errors, redirects to other origins,
//! secrets kept out of every output, `--offline`, `--curl`, option errors and proxies.
//!
//! No test sleeps: expiry is exercised with `expires_in` values inside the client's 30 s margin.

use crate::support::auth_servers::{ClientAuth, TokenReply, TokenServer, TokenServerConfig};
use crate::support::proxy::HttpProxy;
use crate::support::server::{RecordedRequest, Server};
use crate::support::{base64, closed_port, http, ok, Run};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const ID: &str = "client-id";
const SECRET: &str = "client-secret";
const CREDS: &str = "client-id:client-secret";

// ---- Harness --------------------------------------------------------------------------------

use crate::support::config_env::ConfigEnv as Env;

/// `http --session=s -a CREDS --token-url=URL ARGS...` in `env`.
fn session_run(env: &Env, turl: &str, args: &[&str]) -> Run {
    env.http()
        .args(["--session=s", "-a", CREDS, turl])
        .args(args)
        .run()
}

/// `--token-url=URL` of the server.
fn token_url_arg(srv: &TokenServer) -> String {
    format!("--token-url={}", srv.token_url())
}

/// The `Authorization` values a request carried.
fn authorization(req: &RecordedRequest) -> Vec<String> {
    req.header_all("Authorization")
}

/// The session file, parsed.
fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read session file {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("session file {} is not JSON ({e}):\n{text}", path.display()))
}

/// Every string value (and key) of a JSON document, recursively.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// The value of `key` wherever it is in the document (first found, depth first).
fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(o) => o.get(key).or_else(|| o.values().find_map(|x| find(x, key))),
        Value::Array(a) => a.iter().find_map(|x| find(x, key)),
        _ => None,
    }
}

/// The secret in every form it could leak: plain, as the Basic credentials, form-encoded.
fn secret_forms() -> Vec<String> {
    vec![SECRET.to_string(), base64(CREDS.as_bytes())]
}

/// Asserts none of `needles` is in the run's stdout or stderr.
fn absent_from_output(run: &Run, needles: &[String]) {
    for n in needles {
        assert!(
            !run.stdout_str().contains(n.as_str()) && !run.stderr_str().contains(n.as_str()),
            "{n:?} leaked into the output:\n{}",
            run.describe()
        );
    }
}

/// How many times `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

// ---- 1. The token request and the Bearer ------------------------------------------------------

#[test]
fn basic_client_auth_fetches_one_token_and_sends_it_as_bearer() {
    let srv = TokenServer::start();
    let run = http()
        .args(["-a", CREDS, &token_url_arg(&srv), &srv.url("/data")])
        .run();
    run.success();
    let tokens = srv.token_requests();
    assert_eq!(tokens.len(), 1, "one token request:\n{}", run.describe());
    assert_eq!(tokens[0].auth, ClientAuth::Basic);
    assert_eq!(tokens[0].client_id.as_deref(), Some(ID));
    assert_eq!(tokens[0].grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(tokens[0].scope, None, "no --scope, no scope parameter");
    assert_eq!(tokens[0].raw.method(), "POST");
    let api = srv.api_requests();
    assert_eq!(api.len(), 1);
    assert_eq!(authorization(&api[0]), vec!["Bearer tok-1".to_string()]);
    assert!(
        run.stdout_str().contains("\"ok\": true") || run.stdout_str().contains("\"ok\":true"),
        "the API's 200 is the output:\n{}",
        run.describe()
    );
}

#[test]
fn token_auth_body_sends_the_client_in_the_form_and_scopes_are_joined() {
    let srv = TokenServer::start();
    http()
        .args([
            "-A",
            "oauth2",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            "--token-auth=body",
            "--scope",
            "a",
            "--scope",
            "b c",
            &srv.url("/data"),
        ])
        .run()
        .success();
    let tokens = srv.token_requests();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].auth, ClientAuth::Body, "{:?}", tokens[0].raw);
    assert_eq!(tokens[0].client_id.as_deref(), Some(ID));
    assert_eq!(tokens[0].scope.as_deref(), Some("a b c"));
    assert!(
        tokens[0].raw.header("Authorization").is_none(),
        "body client auth sends no Basic header"
    );
    assert_eq!(
        authorization(&srv.api_requests()[0]),
        vec!["Bearer tok-1".to_string()]
    );
}

#[test]
fn a_client_id_alone_prompts_and_without_a_terminal_fails_cleanly() {
    // `-a CLIENT_ID` asks for the secret; with no terminal to ask on, one error line and no
    // token request.
    let srv = TokenServer::start();
    let run = http()
        .args(["-a", ID, &token_url_arg(&srv), &srv.url("/data")])
        .run();
    let line = run.error_line();
    assert!(line.contains(ID), "{line}");
    assert!(srv.token_requests().is_empty());
    assert!(srv.api_requests().is_empty());
}

// ---- 2. Sessions ------------------------------------------------------------------------------

#[test]
fn the_session_keeps_the_token_but_never_the_secret_and_reuses_it() {
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    assert_eq!(srv.token_requests().len(), 1);

    let file = env.named(&srv.host_port(), "s");
    let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "session file mode");
    let text = fs::read_to_string(&file).unwrap();
    let json = load(&file);
    assert_eq!(
        find(&json, "access_token").and_then(Value::as_str),
        Some("tok-1"),
        "{text}"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires_at = find(&json, "expires_at")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("expires_at missing or not a number:\n{text}"));
    assert!(
        expires_at >= now + 3500 && expires_at <= now + 3700,
        "expires_at {expires_at} is not about now ({now}) + 3600:\n{text}"
    );
    assert_eq!(
        find(&json, "token_url").and_then(Value::as_str),
        Some(srv.token_url().as_str()),
        "{text}"
    );
    assert_eq!(
        find(&json, "raw_auth").and_then(Value::as_str),
        Some(ID),
        "raw_auth is the client id only:\n{text}"
    );
    assert_eq!(
        find(&json, "type").and_then(Value::as_str),
        Some("oauth2"),
        "{text}"
    );
    for secret in secret_forms() {
        assert!(
            !text.contains(&secret),
            "the session holds {secret:?}:\n{text}"
        );
    }
    let mut all = Vec::new();
    strings(&json, &mut all);
    assert!(!all.iter().any(|s| s.contains(SECRET)), "{text}");

    // Same session, -a again: the stored token is reused.
    session_run(&env, &turl, &[&srv.url("/2")]).success();
    // Same session without -a (nor --token-url): the stored token, while it is valid.
    let run = env.run(&["--session=s", &srv.url("/3")]);
    run.success();
    assert_eq!(srv.token_requests().len(), 1, "{}", run.describe());
    let api = srv.api_requests();
    assert_eq!(api.len(), 3);
    for req in &api {
        assert_eq!(
            authorization(req),
            vec!["Bearer tok-1".to_string()],
            "{}",
            req.head
        );
    }
    // The secret never reached the file on any run.
    let text = fs::read_to_string(&file).unwrap();
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn a_token_inside_the_expiry_margin_is_fetched_anew_and_without_a_it_asks_for_a() {
    // expires_in 10 is inside the 30 s margin: the stored token is not used again.
    let srv = TokenServer::start_with(TokenServerConfig {
        expires_in: Some(10),
        ..TokenServerConfig::default()
    });
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    session_run(&env, &turl, &[&srv.url("/2")]).success();
    let tokens = srv.token_requests();
    assert_eq!(tokens.len(), 2, "refresh on expiry");
    let api = srv.api_requests();
    assert_eq!(authorization(&api[1]), vec!["Bearer tok-2".to_string()]);
    let file = env.named(&srv.host_port(), "s");
    assert_eq!(
        find(&load(&file), "access_token").and_then(Value::as_str),
        Some("tok-2"),
        "the new token replaced the old one"
    );

    // Without -a the secret is unknown: one line asking for -a, nothing sent.
    let run = env.run(&["--session=s", &srv.url("/3")]);
    let line = run.error_line();
    assert!(line.contains("-a"), "{line}");
    assert!(line.contains(ID), "names the client: {line}");
    assert_eq!(srv.token_requests().len(), 2, "no token request");
    assert_eq!(srv.api_requests().len(), 2, "no API request");
}

// ---- 3. A 401 with a stored token -------------------------------------------------------------

#[test]
fn a_revoked_stored_token_is_refreshed_once_and_the_request_retried() {
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    srv.revoke_all();
    let run = session_run(&env, &turl, &["--check-status", &srv.url("/2")]);
    run.success();
    assert_eq!(srv.token_requests().len(), 2, "exactly one new token");
    let api = srv.api_requests();
    assert_eq!(api.len(), 3, "1 + the 401 + the retry");
    assert_eq!(authorization(&api[1]), vec!["Bearer tok-1".to_string()]);
    assert_eq!(authorization(&api[2]), vec!["Bearer tok-2".to_string()]);
    assert_eq!(api[2].target(), "/2");
    let out = run.stdout_str();
    assert!(out.contains("tok-2") && out.contains("true"), "{out}");
    assert!(!out.contains("false"), "the 401 is not printed: {out}");
    let file = env.named(&srv.host_port(), "s");
    assert_eq!(
        find(&load(&file), "access_token").and_then(Value::as_str),
        Some("tok-2")
    );
}

#[test]
fn an_api_that_always_says_401_gets_one_refresh_only() {
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    srv.set_api_always_401(true);
    let run = session_run(&env, &turl, &["--check-status", &srv.url("/2")]);
    run.code_is(4);
    assert_eq!(srv.token_requests().len(), 2, "one refresh, no loop");
    assert_eq!(srv.api_requests().len(), 3, "1 + 401 + one retry (401)");
}

#[test]
fn a_stored_token_refused_without_the_secret_is_not_refreshed() {
    let srv = TokenServer::start();
    let env = Env::new();
    env.run(&[
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&srv),
        &srv.url("/1"),
    ])
    .success();
    srv.revoke_all();
    let run = env.run(&["--check-status", "--session=s", &srv.url("/2")]);
    run.code_is(4);
    assert_eq!(srv.token_requests().len(), 1, "no secret, no token request");
    assert_eq!(srv.api_requests().len(), 2);
}

// ---- 4. A fresh token that gets a 401 ----------------------------------------------------------

#[test]
fn a_freshly_fetched_token_that_gets_401_is_not_refreshed() {
    let srv = TokenServer::start();
    srv.set_api_always_401(true);
    let env = Env::new();
    let run = env.run(&[
        "--check-status",
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&srv),
        &srv.url("/data"),
    ]);
    run.code_is(4);
    assert_eq!(srv.token_requests().len(), 1);
    assert_eq!(srv.api_requests().len(), 1);
    // And without a session.
    let run = http()
        .args([
            "--check-status",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &srv.url("/data"),
        ])
        .run();
    run.code_is(4);
    assert_eq!(srv.token_requests().len(), 2);
    assert_eq!(srv.api_requests().len(), 2);
}

// ---- 5. Token endpoint errors -----------------------------------------------------------------

/// Runs against a token endpoint answering `reply` first; returns the error line.
fn token_error(reply: Option<TokenReply>, creds: &str) -> (TokenServer, String) {
    let srv = TokenServer::start();
    if let Some(reply) = reply {
        srv.script_token_replies(vec![reply]);
    }
    let run = http()
        .args(["-a", creds, &token_url_arg(&srv), &srv.url("/data")])
        .run();
    let line = run.error_line();
    assert!(
        line.contains(&srv.token_url()),
        "the error names the token URL: {line}"
    );
    assert_eq!(srv.token_requests().len(), 1, "{}", run.describe());
    assert!(
        srv.api_requests().is_empty(),
        "the API is never contacted:\n{}",
        run.describe()
    );
    absent_from_output(&run, &secret_forms());
    (srv, line)
}

#[test]
fn token_endpoint_errors_end_in_one_line_naming_the_url_and_the_error() {
    let (_, line) = token_error(
        Some(TokenReply::JsonError(401, "invalid_client".into())),
        CREDS,
    );
    assert!(line.contains("invalid_client"), "{line}");
    let (_, line) = token_error(
        Some(TokenReply::JsonError(400, "invalid_scope".into())),
        CREDS,
    );
    assert!(line.contains("invalid_scope"), "{line}");
    let (_, line) = token_error(Some(TokenReply::Html500), CREDS);
    assert!(line.contains("500"), "{line}");
    assert!(!line.contains("<html>"), "{line}");
    let (_, line) = token_error(Some(TokenReply::NoAccessToken), CREDS);
    assert!(line.contains("access_token"), "{line}");
    // A wrong secret: the real endpoint's invalid_client.
    let (_, line) = token_error(None, "client-id:wrong-secret");
    assert!(line.contains("invalid_client"), "{line}");
    assert!(!line.contains("wrong-secret"), "{line}");
}

// ---- 6. Redirects -----------------------------------------------------------------------------

#[test]
fn a_redirect_to_another_origin_carries_no_bearer() {
    let srv = TokenServer::start();
    let other = Server::start(vec![ok()]);
    let run = http()
        .args([
            "--follow",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &srv.url(&format!("/redirect-to?url={}", other.url("/elsewhere"))),
        ])
        .run();
    run.success();
    let api = srv.api_requests();
    assert_eq!(api.len(), 1);
    assert_eq!(authorization(&api[0]), vec!["Bearer tok-1".to_string()]);
    let there = other.only_request();
    assert_eq!(there.target(), "/elsewhere");
    assert!(
        authorization(&there).is_empty(),
        "the other origin got an Authorization:\n{}",
        there.head
    );
    assert!(!there.head.contains("tok-1"), "{}", there.head);
}

#[test]
fn a_same_origin_redirect_keeps_the_bearer() {
    let srv = TokenServer::start();
    let run = http()
        .args([
            "--follow",
            "--check-status",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &srv.url(&format!("/redirect-to?url={}", srv.url("/final"))),
        ])
        .run();
    run.success();
    let api = srv.api_requests();
    assert_eq!(api.len(), 2);
    assert_eq!(api[1].target(), "/final");
    assert_eq!(authorization(&api[1]), vec!["Bearer tok-1".to_string()]);
    assert_eq!(srv.token_requests().len(), 1, "one token for both hops");
}

// ---- 7. Secrets in output ---------------------------------------------------------------------

#[test]
fn verbose_shows_the_token_exchange_with_every_secret_hidden() {
    let srv = TokenServer::start();
    // The API on another server that does not echo the token back.
    let api = Server::start(vec![ok()]);
    for flags in [&["-v"][..], &["-v", "--all"], &["--all", "--print=HhBb"]] {
        let run = http()
            .args(flags)
            .args(["-a", CREDS, &token_url_arg(&srv), &api.url("/x")])
            .run();
        run.success();
        let out = run.stdout_str();
        let mut leaks = secret_forms();
        leaks.push("tok-1".into());
        absent_from_output(&run, &leaks);
        assert!(out.contains("POST /token"), "{out}");
        assert!(out.contains("Authorization: Basic <redacted>"), "{out}");
        assert!(out.contains("Authorization: Bearer <redacted>"), "{out}");
        assert!(
            out.contains("grant_type=client_credentials"),
            "the token request's body: {out}"
        );
        assert!(
            out.contains("access_token") && out.contains("<redacted>"),
            "the token response, its token hidden: {out}"
        );
    }
    // The API did get the real token.
    let reqs = api.requests();
    assert!(!reqs.is_empty());
    assert_eq!(authorization(&reqs[0]), vec!["Bearer tok-1".to_string()]);
}

#[test]
fn verbose_with_body_client_auth_hides_the_secret_in_the_form() {
    let srv = TokenServer::start();
    let api = Server::start(vec![ok()]);
    let run = http()
        .args([
            "-v",
            "-a",
            CREDS,
            "--token-auth=body",
            &token_url_arg(&srv),
            &api.url("/x"),
        ])
        .run();
    run.success();
    let mut leaks = secret_forms();
    leaks.push("tok-1".into());
    absent_from_output(&run, &leaks);
    let out = run.stdout_str();
    assert!(out.contains("client_id=client-id"), "{out}");
    assert!(out.contains("client_secret="), "{out}");
    assert_eq!(srv.token_requests()[0].auth, ClientAuth::Body);
}

#[test]
fn without_all_the_token_exchange_is_not_printed() {
    let srv = TokenServer::start();
    let api = Server::start(vec![ok()]);
    let run = http()
        .args([
            "--print=HhBb",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &api.url("/x"),
        ])
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(!out.contains("/token"), "{out}");
    assert!(!out.contains("access_token"), "{out}");
    assert_eq!(count(&out, "HTTP/1.1 200"), 1, "{out}");
    assert!(out.contains("Authorization: Bearer <redacted>"), "{out}");
    let mut leaks = secret_forms();
    leaks.push("tok-1".into());
    absent_from_output(&run, &leaks);
    assert_eq!(srv.token_requests().len(), 1);
}

#[test]
fn debug_and_offline_never_show_the_secret_or_the_token() {
    let srv = TokenServer::start();
    let api = Server::start(vec![ok()]);
    let mut leaks = secret_forms();
    leaks.push("tok-1".into());
    let run = http()
        .args([
            "--debug",
            "-v",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &api.url("/x"),
        ])
        .run();
    run.success();
    absent_from_output(&run, &leaks);
    assert_eq!(srv.token_requests().len(), 1);

    // --offline with a session token: the token hidden.
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    for args in [
        vec![
            "--offline",
            "--session=s",
            "-a",
            CREDS,
            &turl,
            &srv.url("/2"),
        ],
        vec!["--offline", "--session=s", &srv.url("/2")],
        vec!["--offline", "--debug", "-a", CREDS, &turl, &srv.url("/2")],
    ] {
        let run = env.run(&args);
        run.success();
        absent_from_output(&run, &leaks);
        assert!(
            run.stdout_str().contains("Authorization: Bearer <"),
            "{}",
            run.describe()
        );
    }
    assert_eq!(srv.token_requests().len(), 2, "--offline fetched nothing");
    assert_eq!(srv.api_requests().len(), 1, "--offline sent nothing");
}

// ---- 8. --offline and --curl ------------------------------------------------------------------

#[test]
fn offline_without_a_token_prints_the_token_request_and_a_placeholder() {
    let port = closed_port();
    let token_url = format!("http://127.0.0.1:{port}/token");
    let run = http()
        .args([
            "--offline",
            "-a",
            CREDS,
            "--scope=read",
            &format!("--token-url={token_url}"),
            &format!("http://127.0.0.1:{port}/api"),
        ])
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(out.contains("POST /token HTTP/1.1"), "{out}");
    assert!(out.contains("Authorization: Basic <redacted>"), "{out}");
    assert!(
        out.contains("grant_type=client_credentials&scope=read"),
        "{out}"
    );
    assert!(out.contains("GET /api HTTP/1.1"), "{out}");
    assert!(
        out.contains(&format!("Authorization: Bearer <token from {token_url}>")),
        "{out}"
    );
    absent_from_output(&run, &secret_forms());
}

#[test]
fn curl_uses_the_session_token_or_notes_the_token_url() {
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    // No token yet: a note about the token URL, no network.
    let run = env.run(&["--curl", "-a", CREDS, &turl, &srv.url("/x")]);
    run.success();
    let out = run.stdout_str();
    assert!(
        out.lines()
            .any(|l| l.starts_with('#') && l.contains(&srv.token_url())),
        "{out}"
    );
    assert!(!out.contains("--oauth2-bearer tok"), "{out}");
    assert!(srv.token_requests().is_empty());

    session_run(&env, &turl, &[&srv.url("/1")]).success();
    let run = env.run(&["--curl", "--session=s", &srv.url("/x")]);
    run.success();
    let out = run.stdout_str();
    assert!(out.contains("--oauth2-bearer"), "{out}");
    assert!(out.contains("tok-1"), "curl needs the token itself: {out}");
    assert!(!out.contains(SECRET), "{out}");
    assert_eq!(srv.token_requests().len(), 1);
    assert_eq!(srv.api_requests().len(), 1, "--curl sent nothing");
}

// ---- 9. Option errors -------------------------------------------------------------------------

#[test]
fn option_errors_are_one_line_and_exit_1() {
    let port = closed_port();
    let api = format!("http://127.0.0.1:{port}/");
    let token = format!("--token-url=http://127.0.0.1:{port}/token");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["-A", "basic", "-a", "u:p", &token, &api],
            "--token-url",
        ),
        (
            vec!["-A", "oauth1", "-a", "u:p", "--scope", "a", &api],
            "--scope",
        ),
        (
            vec!["-a", "id:s", "--token-url=ftp://x/token", &api],
            "--token-url",
        ),
        (
            vec!["-a", "id:s", "--token-url=http://u:p@127.0.0.1/token", &api],
            "--token-url",
        ),
        (vec!["-A", "oauth2", "-a", "id:s", &api], "--token-url"),
        (
            vec!["-a", "id:s", &token, "--token-auth=header", &api],
            "--token-auth",
        ),
    ];
    for (args, mentions) in cases {
        let run = http().args(&args).run();
        let line = run.error_line();
        assert!(line.contains(mentions), "{args:?}: {line}");
        assert!(!line.contains("u:p@"), "{line}");
    }
}

// ---- 10. Proxies ------------------------------------------------------------------------------

#[test]
fn the_token_request_goes_through_the_proxy() {
    let srv = TokenServer::start();
    let proxy = HttpProxy::start();
    let run = http()
        .args([
            &format!("--proxy=http:{}", proxy.url()),
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &srv.url("/data"),
        ])
        .run();
    run.success();
    let lines: Vec<String> = proxy
        .requests()
        .iter()
        .map(|r| r.request_line().to_string())
        .collect();
    assert_eq!(
        lines,
        vec![
            format!("POST {} HTTP/1.1", srv.token_url()),
            format!("GET {} HTTP/1.1", srv.url("/data")),
        ]
    );
    assert_eq!(srv.token_requests().len(), 1);
    assert_eq!(
        authorization(&srv.api_requests()[0]),
        vec!["Bearer tok-1".to_string()]
    );
}

// ---- Bugs found while writing these tests -----------------------------------------------------

#[test]
fn a_session_token_of_another_client_is_not_used() {
    // The session's token was issued to client-id; a run as another client must not send it
    // (the endpoint refuses that client: the run fails, and tok-1 never goes out again).
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    let run = env.run(&[
        "--session=s",
        "-a",
        "other-id:other-secret",
        &turl,
        &srv.url("/2"),
    ]);
    let line = run.error_line();
    assert!(line.contains("invalid_client"), "{line}");
    let tokens = srv.token_requests();
    assert_eq!(
        tokens.len(),
        2,
        "a token for the other client was asked for"
    );
    assert_eq!(tokens[1].client_id.as_deref(), Some("other-id"));
    assert_eq!(
        srv.api_requests().len(),
        1,
        "tok-1 was not sent for the other client"
    );
}

#[test]
fn a_session_token_of_another_endpoint_or_scope_is_not_used() {
    let srv = TokenServer::start();
    let other = TokenServer::start();
    let env = Env::new();
    env.run(&[
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&srv),
        &srv.url("/1"),
    ])
    .success();
    // Other scopes: a new token.
    env.run(&[
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&srv),
        "--scope=write",
        &srv.url("/2"),
    ])
    .success();
    assert_eq!(srv.token_requests().len(), 2);
    assert_eq!(srv.token_requests()[1].scope.as_deref(), Some("write"));
    // Another token endpoint: a token from it (its own tok-1, which srv also issued, not the
    // session's tok-2).
    let run = env.run(&[
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&other),
        &srv.url("/3"),
    ]);
    run.success();
    assert_eq!(other.token_requests().len(), 1);
    assert_eq!(srv.token_requests().len(), 2);
    assert_eq!(
        authorization(srv.api_requests().last().unwrap()),
        vec!["Bearer tok-1".to_string()],
        "the other endpoint's tok-1"
    );
}

// ---- More edges -------------------------------------------------------------------------------

#[test]
fn a_refresh_shown_with_verbose_hides_both_tokens() {
    let srv = TokenServer::start();
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    srv.revoke_all();
    // Response bodies off: the API echoes the token it was given.
    let run = session_run(&env, &turl, &["-v", "--print=HhB", &srv.url("/2")]);
    run.success();
    let out = run.stdout_str();
    let mut leaks = secret_forms();
    leaks.extend(["tok-1".to_string(), "tok-2".to_string()]);
    absent_from_output(&run, &leaks);
    assert_eq!(
        count(&out, "POST /token"),
        1,
        "the refresh's token request: {out}"
    );
    assert_eq!(count(&out, "GET /2 "), 2, "the 401 and the retry: {out}");
    assert_eq!(count(&out, "Authorization: Bearer <redacted>"), 2, "{out}");
    assert!(out.contains("401 Unauthorized"), "{out}");
    assert_eq!(srv.token_requests().len(), 2);
}

#[test]
fn a_401_from_another_origin_after_a_redirect_fetches_no_token() {
    let srv = TokenServer::start();
    let other = Server::start(vec![crate::support::server::Reply::http(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"x\"",
        "no",
    )]);
    let env = Env::new();
    let turl = token_url_arg(&srv);
    session_run(&env, &turl, &[&srv.url("/1")]).success();
    let run = session_run(
        &env,
        &turl,
        &[
            "--follow",
            "--check-status",
            &srv.url(&format!("/redirect-to?url={}", other.url("/x"))),
        ],
    );
    run.code_is(4);
    assert_eq!(
        srv.token_requests().len(),
        1,
        "no refresh for another origin's 401"
    );
    let there = other.only_request();
    assert!(authorization(&there).is_empty(), "{}", there.head);
}

#[test]
fn a_secret_with_reserved_characters_is_sent_form_encoded_in_basic_and_never_shown() {
    let secret = "s3:cr/e+t %&=";
    let srv = TokenServer::start_with(TokenServerConfig {
        client_secret: secret.into(),
        ..TokenServerConfig::default()
    });
    let api = Server::start(vec![ok()]);
    let creds = format!("{ID}:{secret}");
    for extra in [None, Some("--token-auth=body")] {
        let run = http()
            .arg("-v")
            .args(extra)
            .args(["-a", &creds, &token_url_arg(&srv), &api.url("/x")])
            .run();
        run.success();
        let encoded: String = url_encode(secret);
        absent_from_output(
            &run,
            &[
                secret.to_string(),
                encoded.clone(),
                base64(creds.as_bytes()),
                base64(format!("{ID}:{encoded}").as_bytes()),
            ],
        );
    }
    let tokens = srv.token_requests();
    assert_eq!(tokens.len(), 2);
    assert!(tokens.iter().all(|t| t.issued.is_some()), "{tokens:?}");
}

/// `application/x-www-form-urlencoded` as the WHATWG URL standard writes it.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn switching_the_session_to_basic_drops_the_stored_token() {
    let srv = TokenServer::start();
    let env = Env::new();
    env.run(&[
        "--session=s",
        "-a",
        CREDS,
        &token_url_arg(&srv),
        &srv.url("/1"),
    ])
    .success();
    let run = env.run(&[
        "--session=s",
        "-A",
        "basic",
        "-a",
        "alice:pw",
        &srv.url("/2"),
    ]);
    run.success(); // the API's 401 to Basic, not --check-status
    assert_eq!(
        authorization(srv.api_requests().last().unwrap()),
        vec![crate::support::basic("alice", "pw")]
    );
    let file = env.named(&srv.host_port(), "s");
    let text = fs::read_to_string(&file).unwrap();
    assert!(!text.contains("tok-1"), "{text}");
    assert!(!text.contains("access_token"), "{text}");
    assert!(text.contains("alice:pw"), "{text}");
}

#[test]
fn the_token_request_times_out_with_timeout() {
    let srv = TokenServer::start_with(TokenServerConfig {
        token_delay: std::time::Duration::from_secs(5),
        ..TokenServerConfig::default()
    });
    let run = http()
        .args([
            "--timeout=0.5",
            "-a",
            CREDS,
            &token_url_arg(&srv),
            &srv.url("/data"),
        ])
        .run();
    run.code_is(2);
    run.single_error_line();
    assert!(
        run.elapsed < std::time::Duration::from_secs(4),
        "{:?}",
        run.elapsed
    );
    assert!(srv.api_requests().is_empty());
}

//! The signing schemes end to end (issue 14, points 2–4): `-A oauth1` (RFC 5849 HMAC-SHA1)
//! and `-A aws-sigv4` through the real binary, every request checked by the independent
//! verifiers of `support::auth_servers` (they recompute the signature from the bytes the
//! server received). Also: re-signing on redirects and retries, nothing signed for another
//! origin, `--offline`, `--curl`, sessions, bad values, and secrets never printed.

use crate::support::auth_servers::{
    sha256_hex, verify_oauth1, verify_sigv4, OAuth1Params, SigV4Params,
};
use crate::support::config_env::ConfigEnv;
use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{http, Cmd, Fixtures, Run};

const CK: &str = "consumer-key-1";
const CS: &str = "Consumer-S3cret~kiwi";
const TK: &str = "user-token-1";
const TS: &str = "Token-S3cret~mango";

const AK: &str = "AKIDEXAMPLE";
const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
const ENV_AK: &str = "ASIAENVEXAMPLE";
const ENV_SK: &str = "EnvSecretKey/Zebra+Quokka0123456789abcd";
const ENV_TOKEN: &str = "EnvSessionToken//Fwo=GIBBON=plenty+of+chars";

const REGION: &str = "us-east-1";
const SCOPE: &str = "aws:amz:us-east-1:execute-api";

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `http://127.0.0.1:PORT`, the origin the verifiers want.
fn origin(srv: &Server) -> String {
    srv.url("")
}

fn ok_server() -> Server {
    Server::start(vec![Reply::ok("ok")])
}

/// Asserts none of `secrets` appears in stdout or stderr.
fn assert_no_secrets(r: &Run, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !r.stdout_str().contains(s) && !r.stderr_str().contains(s),
            "secret {s:?} printed:\n{}",
            r.describe()
        );
    }
}

fn oauth1_ok(req: &RecordedRequest, srv: &Server, token_secret: Option<&str>) -> OAuth1Params {
    verify_oauth1(req, &origin(srv), CS, token_secret)
        .unwrap_or_else(|e| panic!("OAuth1 verification failed: {e}\n{}", req.head))
}

fn sigv4_ok(req: &RecordedRequest, secret: &str, service: &str) -> SigV4Params {
    verify_sigv4(req, secret, REGION, service)
        .unwrap_or_else(|e| panic!("SigV4 verification failed: {e}\n{}", req.head))
}

/// The canonical URI (second line of the canonical request).
fn canonical_uri(p: &SigV4Params) -> &str {
    p.canonical_request.lines().nth(1).unwrap_or("")
}

/// A printed request (`--offline`, LF line ends) as the server would have received it.
fn printed_request(stdout: &str) -> RecordedRequest {
    let text = if stdout.contains("\r\n") {
        stdout.to_string()
    } else {
        stdout.replace('\n', "\r\n")
    };
    let head_end = text.find("\r\n\r\n").map(|p| p + 4).unwrap_or(text.len());
    // The body printed after the head (an empty GET has none; drop trailing newlines).
    let body = text[head_end..].trim_end_matches("\r\n");
    RecordedRequest::from_printed(format!("{}{body}", &text[..head_end]).as_bytes())
}

fn aws_env(cmd: &mut Cmd) -> &mut Cmd {
    cmd.env("AWS_ACCESS_KEY_ID", ENV_AK)
        .env("AWS_SECRET_ACCESS_KEY", ENV_SK)
        .env("AWS_SESSION_TOKEN", ENV_TOKEN)
}

// ---- OAuth 1.0a ------------------------------------------------------------------------------

#[test]
fn oauth1_get_with_space_tilde_and_multi_value_query() {
    for (with_token, path) in [(false, "/a b/~c"), (true, "/a%20b/~c")] {
        let srv = ok_server();
        let mut args = vec![
            "-v".to_string(),
            "-A".into(),
            "oauth1".into(),
            "-a".into(),
            format!("{CK}:{CS}"),
        ];
        if with_token {
            args.extend(["--oauth1-token".into(), format!("{TK}:{TS}")]);
        }
        args.extend([srv.url(path), "q==2".into(), "q==1".into(), "a==x".into()]);
        let r = http().args(&args).run();
        r.success();
        assert_no_secrets(&r, &[CS, TS]);
        let req = srv.only_request();
        let target = req.target().to_string();
        assert!(target.starts_with("/a%20b/~c?"), "{target}");
        let p = oauth1_ok(&req, &srv, with_token.then_some(TS));
        assert_eq!(p.consumer_key, CK);
        assert_eq!(p.token.as_deref(), with_token.then_some(TK));
        // The multi-value query is in the base string, sorted by name then value.
        assert!(
            p.base_string.contains("a%3Dx")
                && p.base_string.contains("q%3D1%26q%3D2")
                && p.base_string.contains("a%2520b%2F~c"),
            "{}",
            p.base_string
        );
        // A wrong token secret (or none where one was used) must fail: the token is signed.
        let wrong = if with_token { None } else { Some(TS) };
        assert!(verify_oauth1(&req, &origin(&srv), CS, wrong).is_err());
    }
}

#[test]
fn oauth1_form_fields_are_signed_json_and_multipart_are_not() {
    let fx = Fixtures::new();
    let file = fx.write("up.txt", "file content\n");
    // A urlencoded form: its fields are part of the base string.
    let srv = ok_server();
    let r = http()
        .args([
            "-v",
            "--form",
            "-a",
            &format!("{CK}:{CS}"),
            "--oauth1-token",
            &format!("{TK}:{TS}"),
            "POST",
            &srv.url("/form"),
            "z==9",
            "name=a b",
            "sym=~!*",
            "name=second",
        ])
        .run();
    r.success();
    assert_no_secrets(&r, &[CS, TS]);
    let req = srv.only_request();
    assert!(req
        .header("Content-Type")
        .unwrap_or_default()
        .starts_with("application/x-www-form-urlencoded"));
    let p = oauth1_ok(&req, &srv, Some(TS));
    assert!(
        p.base_string.contains("name%3Da%2520b")
            && p.base_string.contains("name%3Dsecond")
            && p.base_string.contains("sym%3D~%2521%252A")
            && p.base_string.contains("z%3D9"),
        "{}",
        p.base_string
    );

    // JSON and multipart bodies are not signed (the verifier, like RFC 5849, leaves them out).
    for mode in ["--json", "--multipart"] {
        let srv = ok_server();
        let mut args = vec![
            mode.to_string(),
            "-a".into(),
            format!("{CK}:{CS}"),
            "--oauth1-token".into(),
            format!("{TK}:{TS}"),
            "POST".into(),
            srv.url("/body"),
            "name=value".into(),
        ];
        if mode == "--multipart" {
            args.push(format!("up@{}", file.display()));
        }
        http().args(&args).run().success();
        let req = srv.only_request();
        assert!(!req.body.is_empty(), "{mode}: no body");
        let p = oauth1_ok(&req, &srv, Some(TS));
        assert!(
            !p.base_string.contains("name%3Dvalue"),
            "{mode}: body signed: {}",
            p.base_string
        );
    }
}

/// A server whose first answer is a redirect with `head` (`HTTP/1.1 307 ...\r\nLocation: ..`).
fn redirect_then_ok(head: &'static str) -> Server {
    Server::start_fn(move |i, _| match i {
        0 => Reply::http(head, ""),
        _ => Reply::ok("ok"),
    })
}

#[test]
fn oauth1_same_origin_redirects_are_signed_afresh() {
    for (status, method) in [("307 Temporary Redirect", "POST"), ("302 Found", "GET")] {
        let head: &'static str =
            Box::leak(format!("HTTP/1.1 {status}\r\nLocation: /next/~x?page=2").into_boxed_str());
        let srv = redirect_then_ok(head);
        let mut args = vec![
            "-v".to_string(),
            "--follow".into(),
            "-a".into(),
            format!("{CK}:{CS}"),
            "--oauth1-token".into(),
            format!("{TK}:{TS}"),
        ];
        if method == "POST" {
            args.push("--form".into());
        }
        args.extend([method.to_string(), srv.url("/first"), "q==1".into()]);
        if method == "POST" {
            args.push("field=v 1".into());
        }
        let r = http().args(&args).run();
        r.success();
        assert_no_secrets(&r, &[CS, TS]);
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2, "{status}");
        let first = oauth1_ok(&reqs[0], &srv, Some(TS));
        assert!(reqs[1].target().starts_with("/next/~x?page=2"), "{status}");
        assert_eq!(reqs[1].method(), method, "{status}");
        let second = oauth1_ok(&reqs[1], &srv, Some(TS));
        assert_ne!(first.nonce, second.nonce, "{status}: nonce reused");
        assert!(second.base_string.contains("page%3D2"), "{status}");
        if method == "POST" {
            assert!(
                second.base_string.contains("field%3Dv%25201"),
                "{status}: the resent form is not signed: {}",
                second.base_string
            );
        }
    }
}

#[test]
fn oauth1_cross_origin_redirect_carries_no_authorization() {
    let other = ok_server();
    let target = other.url("/elsewhere");
    let srv = Server::start(vec![Reply::http(
        &format!("HTTP/1.1 302 Found\r\nLocation: {target}"),
        "",
    )]);
    let r = http()
        .args([
            "--follow",
            "-a",
            &format!("{CK}:{CS}"),
            "--oauth1-token",
            &format!("{TK}:{TS}"),
            &srv.url("/start"),
        ])
        .run();
    r.success();
    oauth1_ok(&srv.only_request(), &srv, Some(TS));
    let hop = other.only_request();
    assert_eq!(hop.header("Authorization"), None, "{}", hop.head);
}

#[test]
fn oauth1_retry_after_503_is_signed_afresh() {
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0", "busy"),
        Reply::ok("ok"),
    ]);
    let r = http()
        .args([
            "-v",
            "--retry",
            "2",
            "--retry-backoff",
            "0.05",
            "-a",
            &format!("{CK}:{CS}"),
            "-A",
            "oauth1",
            &srv.url("/r"),
            "x==1",
        ])
        .run();
    r.success();
    assert_no_secrets(&r, &[CS]);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    let a = oauth1_ok(&reqs[0], &srv, None);
    let b = oauth1_ok(&reqs[1], &srv, None);
    assert_ne!(a.nonce, b.nonce, "the retry reused the nonce");
}

// ---- AWS SigV4 -------------------------------------------------------------------------------

#[test]
fn sigv4_get_with_space_tilde_and_multi_value_query() {
    let srv = ok_server();
    let r = sigv4_http()
        .args(["-v", &srv.url("/a b/~c"), "q==2", "q==1", "a==x"])
        .run();
    r.success();
    assert_no_secrets(&r, &[SK]);
    let req = srv.only_request();
    assert!(req.target().starts_with("/a%20b/~c?"), "{}", req.target());
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_eq!(p.access_key, AK);
    for h in ["host", "x-amz-date", "x-amz-content-sha256"] {
        assert!(p.signed_headers.iter().any(|s| s == h), "{h} not signed");
    }
    assert_eq!(p.payload_hash, EMPTY_SHA256);
    assert_eq!(p.security_token, None);
    // Not S3: the path is encoded twice; the query is sorted.
    assert_eq!(canonical_uri(&p), "/a%2520b/~c");
    assert_eq!(p.canonical_request.lines().nth(2), Some("a=x&q=1&q=2"));
    // A different secret does not verify.
    assert!(verify_sigv4(&req, "not-the-secret", REGION, "execute-api").is_err());
}

#[test]
fn sigv4_json_body_from_a_file_hashes_the_file() {
    let fx = Fixtures::new();
    let json = "{\"name\": \"space and ~tilde\", \"n\": [1, 2, 3]}\n";
    let file = fx.write("body.json", json);
    let srv = ok_server();
    let r = sigv4_http()
        .args([
            "-v",
            "POST",
            &srv.url("/items"),
            "Content-Type:application/json",
            &format!("@{}", file.display()),
        ])
        .run();
    r.success();
    assert_no_secrets(&r, &[SK]);
    let req = srv.only_request();
    assert_eq!(req.body, json.as_bytes());
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_eq!(p.payload_hash, sha256_hex(json.as_bytes()));

    // A JSON file embedded with `:=@`: the hash is of the body actually sent.
    let srv = ok_server();
    sigv4_http()
        .args([
            "PUT",
            &srv.url("/items/1"),
            &format!("doc:=@{}", file.display()),
        ])
        .run()
        .success();
    let req = srv.only_request();
    assert!(!req.body.is_empty());
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_eq!(p.payload_hash, sha256_hex(&req.body));
}

#[test]
fn sigv4_stdin_small_is_hashed_large_is_unsigned() {
    // Stdin read to EOF ahead of sending (under 1 MiB): hashed like any body.
    let body = b"raw body from stdin\n".to_vec();
    let srv = ok_server();
    sigv4_http()
        .args(["POST", &srv.url("/raw")])
        .stdin_bytes(&body)
        .run()
        .success();
    let req = srv.only_request();
    assert_eq!(req.body, body);
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_eq!(p.payload_hash, sha256_hex(&body));

    // Stdin longer than the read-ahead streams on: UNSIGNED-PAYLOAD (src/auth/signer.rs).
    let big: Vec<u8> = (0..(1024 * 1024 + 200 * 1024))
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    let srv = ok_server();
    sigv4_http()
        .args(["POST", &srv.url("/raw")])
        .stdin_bytes(&big)
        .run()
        .success();
    let req = srv.only_request();
    assert_eq!(req.body.len(), big.len());
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_eq!(p.payload_hash, "UNSIGNED-PAYLOAD");
}

#[test]
fn sigv4_s3_path_with_a_space_is_encoded_once() {
    let srv = ok_server();
    let r = http()
        .args([
            "-v",
            "--aws-sigv4",
            "aws:amz:us-east-1:s3",
            "-a",
            &format!("{AK}:{SK}"),
            &srv.url("/bucket/my key~1.txt"),
        ])
        .run();
    r.success();
    assert_no_secrets(&r, &[SK]);
    let req = srv.only_request();
    let p = sigv4_ok(&req, SK, "s3");
    assert_eq!(canonical_uri(&p), "/bucket/my%20key~1.txt");
    assert_eq!(p.service, "s3");
}

#[test]
fn sigv4_env_credentials_with_session_token() {
    let srv = ok_server();
    let r = aws_env(&mut http())
        .args(["-v", "--aws-sigv4", SCOPE, &srv.url("/env")])
        .run();
    r.success();
    assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
    assert!(
        r.stdout_str().contains("X-Amz-Security-Token: <redacted>"),
        "{}",
        r.describe()
    );
    let req = srv.only_request();
    let p = sigv4_ok(&req, ENV_SK, "execute-api");
    assert_eq!(p.access_key, ENV_AK);
    assert_eq!(p.security_token.as_deref(), Some(ENV_TOKEN));
    assert!(p.signed_headers.iter().any(|h| h == "x-amz-security-token"));

    // --debug shows neither the secret key nor the session token.
    let srv = ok_server();
    let r = aws_env(&mut http())
        .args(["--debug", "-v", "--aws-sigv4", SCOPE, &srv.url("/env")])
        .run();
    r.success();
    assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
    sigv4_ok(&srv.only_request(), ENV_SK, "execute-api");
}

#[test]
fn sigv4_same_origin_redirect_is_signed_afresh() {
    let srv = redirect_then_ok("HTTP/1.1 302 Found\r\nLocation: /next%20page/~y?b=2&a=1");
    let r = aws_env(&mut http())
        .args(["-v", "--follow", "--aws-sigv4", SCOPE, &srv.url("/first")])
        .run();
    r.success();
    assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    let a = sigv4_ok(&reqs[0], ENV_SK, "execute-api");
    let b = sigv4_ok(&reqs[1], ENV_SK, "execute-api");
    assert_eq!(canonical_uri(&b), "/next%2520page/~y");
    assert_eq!(b.canonical_request.lines().nth(2), Some("a=1&b=2"));
    assert_ne!(a.signature, b.signature);
    assert_eq!(b.security_token.as_deref(), Some(ENV_TOKEN));
}

#[test]
fn sigv4_cross_origin_redirect_carries_nothing_signed() {
    let other = ok_server();
    let target = other.url("/elsewhere");
    let srv = Server::start(vec![Reply::http(
        &format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}"),
        "",
    )]);
    let r = aws_env(&mut http())
        .args([
            "--follow",
            "--aws-sigv4",
            SCOPE,
            "POST",
            &srv.url("/start"),
            "k=v",
        ])
        .run();
    r.success();
    sigv4_ok(&srv.only_request(), ENV_SK, "execute-api");
    let hop = other.only_request();
    for h in [
        "Authorization",
        "X-Amz-Security-Token",
        "X-Amz-Date",
        "X-Amz-Content-Sha256",
    ] {
        assert_eq!(
            hop.header(h),
            None,
            "{h} sent to another origin:\n{}",
            hop.head
        );
    }
    assert!(!String::from_utf8_lossy(&hop.raw).contains(ENV_TOKEN));
}

#[test]
fn sigv4_offline_prints_a_signed_request() {
    let srv = ok_server(); // never contacted
    let url = srv.url("/off line/~z");
    let r = sigv4_http().args(["--offline", &url, "q==2", "q==1"]).run();
    r.success();
    assert_no_secrets(&r, &[SK]);
    let out = r.stdout_str();
    assert!(
        out.contains("Authorization: AWS4-HMAC-SHA256 Credential="),
        "{out}"
    );
    let printed = printed_request(&out);
    let p = sigv4_ok(&printed, SK, "execute-api");
    assert_eq!(p.access_key, AK);
    assert!(srv.requests().is_empty());

    // With environment credentials the token is masked in the printed request.
    let r = aws_env(&mut http())
        .args(["--offline", "--aws-sigv4", SCOPE, &url])
        .run();
    r.success();
    assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
    assert!(r.stdout_str().contains("X-Amz-Security-Token: <redacted>"));
}

/// Whether a `--curl` command line has `opt value`, the value quoted or not (it needs no quotes).
fn curl_has(out: &str, opt: &str, value: &str) -> bool {
    out.contains(&format!("{opt} {value}")) || out.contains(&format!("{opt} '{value}'"))
}

#[test]
fn sigv4_curl_prints_curls_options_and_never_env_secrets() {
    let url = "http://127.0.0.1:9/api";
    let r = sigv4_http().args(["--curl", url]).run();
    r.success();
    let out = r.stdout_str();
    assert!(curl_has(&out, "--aws-sigv4", SCOPE), "{out}");
    assert!(curl_has(&out, "-u", &format!("{AK}:{SK}")), "{out}");

    let r = aws_env(&mut http())
        .args(["--curl", "--aws-sigv4", SCOPE, url])
        .run();
    r.success();
    assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
    let out = r.stdout_str();
    assert!(curl_has(&out, "--aws-sigv4", SCOPE), "{out}");
    assert!(out.contains("AWS_SECRET_ACCESS_KEY"), "{out}");
}

#[test]
fn oauth1_curl_prints_the_signed_header_and_a_note() {
    let url = "http://127.0.0.1:9/api";
    let r = http()
        .args([
            "--curl",
            "-a",
            &format!("{CK}:{CS}"),
            "--oauth1-token",
            &format!("{TK}:{TS}"),
            url,
        ])
        .run();
    r.success();
    assert_no_secrets(&r, &[CS, TS]);
    let out = r.stdout_str();
    assert!(out.contains("Authorization: OAuth "), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with('#') && l.contains("oauth1")),
        "{out}"
    );
}

// ---- Bad values ------------------------------------------------------------------------------

/// The exit code of a plain usage error, for comparison.
fn usage_error_code() -> i32 {
    http()
        .args(["--timeout", "nope", "http://127.0.0.1:9/"])
        .run()
        .code()
        .expect("exit code")
}

#[test]
fn bad_signing_values_are_one_line_errors() {
    let usage = usage_error_code();
    let srv = ok_server();
    let url = srv.url("/");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--aws-sigv4".into(),
                "".into(),
                "-a".into(),
                format!("{AK}:{SK}"),
            ],
            "--aws-sigv4",
        ),
        (
            vec![
                "--aws-sigv4".into(),
                "a:b:c:d:e".into(),
                "-a".into(),
                format!("{AK}:{SK}"),
            ],
            "--aws-sigv4",
        ),
        (vec!["-A".into(), "aws-sigv4".into()], "aws-sigv4"),
        (
            vec![
                "-a".into(),
                format!("{CK}:{CS}"),
                "--oauth1-token".into(),
                "no-colon".into(),
            ],
            "--oauth1-token",
        ),
    ];
    for (mut args, says) in cases {
        args.push(url.clone());
        let r = http().args(&args).run();
        r.code_is(usage);
        let line = r.single_error_line();
        assert!(line.contains(says), "{args:?}: {line}");
        assert_no_secrets(&r, &[SK, CS]);
    }
    assert!(srv.requests().is_empty(), "a request was sent");
}

// ---- Sessions --------------------------------------------------------------------------------

/// The named session `name` of `srv` in `env`, as text.
fn session_text(env: &ConfigEnv, srv: &Server, name: &str) -> String {
    std::fs::read_to_string(env.named(&srv.host_port(), name)).unwrap()
}

#[test]
fn oauth1_session_keeps_the_token_and_signs_later_runs() {
    let env = ConfigEnv::new();
    let srv = ok_server();
    let run = |args: &[String]| env.http().args(args).run();
    run(&[
        "--session=s".into(),
        "-a".into(),
        format!("{CK}:{CS}"),
        "--oauth1-token".into(),
        format!("{TK}:{TS}"),
        srv.url("/one"),
    ])
    .success();
    let stored = session_text(&env, &srv, "s");
    assert!(
        stored.contains("\"oauth1_token\"") && stored.contains(&format!("{TK}:{TS}")),
        "{stored}"
    );
    let r = run(&[
        "-v".into(),
        "--session=s".into(),
        srv.url("/two"),
        "p==1".into(),
    ]);
    r.success();
    assert_no_secrets(&r, &[CS, TS]);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    let a = oauth1_ok(&reqs[0], &srv, Some(TS));
    let b = oauth1_ok(&reqs[1], &srv, Some(TS));
    assert_eq!(b.consumer_key, CK);
    assert_eq!(b.token.as_deref(), Some(TK));
    assert_ne!(a.nonce, b.nonce);
}

#[test]
fn sigv4_session_keeps_the_scope_and_signs_later_runs() {
    let env = ConfigEnv::new();
    let srv = ok_server();
    let run = |args: &[&str]| env.run(args);
    let creds = format!("{AK}:{SK}");
    run(&[
        "--session=s",
        "--aws-sigv4",
        SCOPE,
        "-a",
        &creds,
        &srv.url("/one"),
    ])
    .success();
    let stored = session_text(&env, &srv, "s");
    assert!(stored.contains("\"aws_sigv4\""), "{stored}");
    assert!(stored.contains(SCOPE), "{stored}");
    // Without -a nor --aws-sigv4: the session's keys and scope sign the request.
    let r = run(&["-v", "--session=s", &srv.url("/two b"), "k==v"]);
    r.success();
    assert_no_secrets(&r, &[SK]);
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let p = sigv4_ok(req, SK, "execute-api");
        assert_eq!(p.access_key, AK);
    }
}

#[test]
fn sigv4_session_with_env_credentials_stores_no_secret() {
    let env = ConfigEnv::new();
    let srv = ok_server();
    let run = |args: &[&str]| aws_env(&mut env.http()).args(args).run();
    // Credentials from the environment are not stored at all (as for .netrc's): neither the
    // secret key, nor the session token, nor the access key.
    for path in ["/one", "/two"] {
        let r = run(&["-v", "--session=s", "--aws-sigv4", SCOPE, &srv.url(path)]);
        r.success();
        assert_no_secrets(&r, &[ENV_SK, ENV_TOKEN]);
        let stored = session_text(&env, &srv, "s");
        for secret in [ENV_SK, ENV_TOKEN, ENV_AK] {
            assert!(!stored.contains(secret), "{secret} stored:\n{stored}");
        }
    }
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        let p = sigv4_ok(req, ENV_SK, "execute-api");
        assert_eq!(p.security_token.as_deref(), Some(ENV_TOKEN));
    }
}

// ---- Edge cases --------------------------------------------------------------------------------

/// `http --aws-sigv4 SCOPE -a AK:SK`, to which a test adds its own arguments.
fn sigv4_http() -> Cmd {
    let mut cmd = http();
    cmd.args(["--aws-sigv4", SCOPE, "-a", &format!("{AK}:{SK}")]);
    cmd
}

/// `--aws-sigv4 SCOPE -a AK:SK` then `extra`.
fn sigv4_args(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "--aws-sigv4".into(),
        SCOPE.into(),
        "-a".into(),
        format!("{AK}:{SK}"),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

#[test]
fn sigv4_awkward_query_values_and_header_spacing_verify() {
    let srv = ok_server();
    let url = srv.url("/p/a%2Fb/c");
    http()
        .args(sigv4_args(&[
            &url,
            "q==a b",
            "r==a+b",
            "s==é",
            "t==*'()!",
            "u==",
            "v==~-._",
            "X-Custom:a   b",
            "x-amz-meta-foo:  z  y  ",
        ]))
        .run()
        .success();
    let p = sigv4_ok(&srv.only_request(), SK, "execute-api");
    assert!(p.signed_headers.iter().any(|h| h == "x-amz-meta-foo"));
}

#[test]
fn sigv4_typed_signing_headers_are_replaced_and_a_typed_host_is_signed() {
    let srv = ok_server();
    let r = http()
        .args(sigv4_args(&[
            &srv.url("/h"),
            "Host:api.example.test",
            "X-Amz-Date:20000101T000000Z",
            "Authorization:typed",
        ]))
        .run();
    r.success();
    let req = srv.only_request();
    let p = sigv4_ok(&req, SK, "execute-api");
    assert_ne!(p.amz_date, "20000101T000000Z");
    assert!(p.canonical_request.contains("\nhost:api.example.test\n"));
}

#[test]
fn sigv4_compressed_and_chunked_bodies_hash_what_is_sent() {
    let fx = Fixtures::new();
    let file = fx.write("f.bin", vec![7u8; 5000]);
    let at_file = format!("@{}", file.display());
    let long = format!("a={}", "b".repeat(200));
    for extra in [
        vec!["-x", "POST", "URL", long.as_str()],
        vec!["--chunked", "POST", "URL", at_file.as_str()],
    ] {
        let srv = ok_server();
        let url = srv.url("/up");
        let args: Vec<&str> = extra
            .iter()
            .map(|a| if *a == "URL" { url.as_str() } else { a })
            .collect();
        http().args(sigv4_args(&args)).run().success();
        let req = srv.only_request();
        let p = sigv4_ok(&req, SK, "execute-api");
        assert_eq!(p.payload_hash, sha256_hex(&req.body), "{extra:?}");
        if extra[0] == "-x" {
            assert_eq!(req.header("Content-Encoding").as_deref(), Some("deflate"));
            assert!(p.signed_headers.iter().any(|h| h == "content-encoding"));
        }
    }
}

#[test]
fn oauth1_awkward_query_and_form_values_verify() {
    let srv = ok_server();
    http()
        .args([
            "-A",
            "oauth1",
            "-a",
            &format!("{CK}:{CS}"),
            "--form",
            "POST",
            &srv.url("/p/a%2Fb/c"),
            "q==a b",
            "r==a+b",
            "s==é",
            "t==*'()!",
            "u==",
            "a b=c+d",
            "é=&",
            "x=1=2",
        ])
        .run()
        .success();
    let p = oauth1_ok(&srv.only_request(), &srv, None);
    assert!(
        p.base_string.contains("a%2520b%3Dc%252Bd"),
        "{}",
        p.base_string
    );
}

/// RFC 5849 §3.4.1.2: the base string URI's authority is the `Host` header's. A typed `Host:`
/// was ignored (the URL's host was signed), so the server could never verify.
#[test]
fn oauth1_signs_the_authority_of_a_typed_host_header() {
    let srv = ok_server();
    http()
        .args([
            "-A",
            "oauth1",
            "-a",
            &format!("{CK}:{CS}"),
            &srv.url("/vhost"),
            "Host:API.example.test:8080",
            "k==v",
        ])
        .run()
        .success();
    let req = srv.only_request();
    let p = verify_oauth1(&req, "http://api.example.test:8080", CS, None)
        .unwrap_or_else(|e| panic!("{e}\n{}", req.head));
    assert!(
        p.base_string
            .starts_with("GET&http%3A%2F%2Fapi.example.test%3A8080%2Fvhost&"),
        "{}",
        p.base_string
    );
}

//! Exit codes and error reporting (HTTPie's exit statuses): statuses are responses,
//! `--check-status`, usage errors, timeouts, network failures, hostile server framing.
//! Every error must be one `http: error: ...` line on stderr, never a panic, never a hang.

use crate::support::server::{Reply, Server, Step};
use crate::support::{closed_port, http, interrupt_http, Fixtures};
use std::time::Duration;

#[test]
fn success_is_zero() {
    let srv = Server::start(vec![Reply::ok("fine")]);
    http()
        .arg(srv.url("/"))
        .run()
        .success()
        .stdout_is("fine")
        .stderr_empty();
}

#[test]
fn error_statuses_are_responses_without_check_status() {
    for head in [
        "HTTP/1.1 500 Internal Server Error",
        "HTTP/1.1 404 Not Found",
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere",
    ] {
        let srv = Server::start(vec![Reply::http(head, "body")]);
        http()
            .arg(srv.url("/"))
            .run()
            .success()
            .stdout_is("body")
            .stderr_empty();
        assert_eq!(srv.requests().len(), 1, "{head}: redirect followed?");
    }
}

#[test]
fn check_status_maps_3xx_4xx_5xx() {
    let cases = [
        (
            "HTTP/1.1 301 Moved Permanently\r\nLocation: /x",
            3,
            "HTTP 301 Moved Permanently",
        ),
        ("HTTP/1.1 404 Not Found", 4, "HTTP 404 Not Found"),
        (
            "HTTP/1.1 418 I'm a Teapot, Really",
            4,
            "HTTP 418 I'm a Teapot, Really",
        ),
        (
            "HTTP/1.1 500 Internal Server Error",
            5,
            "HTTP 500 Internal Server Error",
        ),
        (
            "HTTP/1.1 503 Slow Down Please",
            5,
            "HTTP 503 Slow Down Please",
        ),
    ];
    for (head, code, warning) in cases {
        let srv = Server::start(vec![Reply::http(head, "payload")]);
        let r = http().args(["--check-status", &srv.url("/")]).run();
        r.code_is(code).stdout_is("payload");
        let err = r.stderr_str();
        let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(
            lines,
            [format!("http: warning: {warning}")],
            "{}",
            r.describe()
        );
    }
}

#[test]
fn check_status_warning_survives_quiet_when_redirected() {
    let srv = Server::start(vec![Reply::http("HTTP/1.1 404 Not Found", "gone")]);
    let r = http().args(["-q", "--check-status", &srv.url("/")]).run();
    r.code_is(4).stdout_is("");
    assert_eq!(
        r.stderr_str().trim(),
        "http: warning: HTTP 404 Not Found",
        "{}",
        r.describe()
    );
    // -qq silences warnings too (HTTPie's rule); the exit status still tells.
    let srv = Server::start(vec![Reply::http("HTTP/1.1 404 Not Found", "gone")]);
    let r = http().args(["-qq", "--check-status", &srv.url("/")]).run();
    r.code_is(4).stdout_is("").stderr_empty();
}

#[test]
fn check_status_with_2xx_is_zero_and_quiet() {
    for head in ["HTTP/1.1 200 OK", "HTTP/1.1 204 No Content"] {
        let srv = Server::start(vec![Reply::http(head, "")]);
        http()
            .args(["--check-status", &srv.url("/")])
            .run()
            .success()
            .stderr_empty();
    }
}

#[test]
fn unknown_options_exit_1_not_2() {
    for args in [
        vec!["--no-such-option", "example.org"],
        vec!["-Z", "example.org"],
        vec!["--print=z", "example.org"],
        vec!["--timeout", "notanumber", "example.org"],
        vec![],
    ] {
        let r = http().args(&args).run();
        r.code_is(1);
        assert!(
            r.stderr_str()
                .lines()
                .any(|l| l.starts_with("http: error:")),
            "no `http: error:` line for {args:?}:\n{}",
            r.describe()
        );
    }
}

#[test]
fn timeout_exits_2() {
    let srv = Server::start(vec![Reply::hang()]);
    let r = http().args(["--timeout", "1", &srv.url("/slow")]).run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Request timed out: no data for 1s (--timeout=1)."
    );
    assert!(
        r.elapsed >= Duration::from_millis(900) && r.elapsed < Duration::from_secs(6),
        "took {:?}",
        r.elapsed
    );
    assert_eq!(srv.requests().len(), 1, "the request was not even sent");
}

#[test]
fn timeout_while_waiting_for_the_rest_of_the_headers() {
    let srv = Server::start(vec![Reply::steps(vec![
        Step::Send(b"HTTP/1.1 200 OK\r\nX-Partial: 1\r\n".to_vec()),
        Step::Hang,
    ])]);
    let r = http().args(["--timeout", "1", &srv.url("/")]).run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Request timed out: no data for 1s (--timeout=1)."
    );
}

#[test]
fn fractional_timeout_is_accepted() {
    let srv = Server::start(vec![Reply::hang()]);
    let r = http().args(["--timeout=0.5", &srv.url("/")]).run();
    r.code_is(2);
    assert_eq!(
        r.single_error_line(),
        "http: error: Request timed out: no data for 0.5s (--timeout=0.5)."
    );
    assert!(r.elapsed < Duration::from_secs(4));
}

#[test]
fn slow_but_steady_server_is_not_a_timeout() {
    // The timeout bounds each wait, not the whole exchange.
    let body = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndrip!\n".to_vec();
    let srv = Server::start(vec![Reply::steps(vec![Step::Drip(
        body,
        Duration::from_millis(40),
    )])]);
    let r = http().args(["--timeout", "1", &srv.url("/")]).run();
    r.success().stdout_is("drip!\n");
}

#[test]
fn connection_refused_names_host_and_port() {
    let port = closed_port();
    let r = http()
        .args(["--timeout", "5", &format!("http://127.0.0.1:{port}/")])
        .run();
    let line = r.error_line();
    assert!(line.contains(&format!("127.0.0.1:{port}")), "{line}");
    assert!(line.to_lowercase().contains("refused"), "{line}");
}

#[test]
fn dns_failure_says_host_could_not_be_resolved() {
    let r = http()
        .args(["--timeout", "5", "http://nonexistent.invalid/"])
        .run();
    let line = r.error_line();
    assert!(line.contains("nonexistent.invalid"), "{line}");
    assert!(line.to_lowercase().contains("resolve"), "{line}");
}

#[test]
fn missing_body_file_names_the_path() {
    let fx = Fixtures::new();
    let missing = fx.path().join("nope.json");
    let r = http()
        .args([
            "--offline",
            "example.org",
            &format!("@{}", missing.display()),
        ])
        .run();
    assert!(r.error_line().contains(&missing.display().to_string()));
}

/// A hostile reply must end with exit 1, one error line, promptly, without a panic.
fn assert_hostile(reply: Reply) -> String {
    let srv = Server::start(vec![reply]);
    let r = http().args(["--timeout", "5", &srv.url("/")]).run();
    let line = r.error_line();
    assert!(r.elapsed < Duration::from_secs(4), "took {:?}", r.elapsed);
    line
}

#[test]
fn hostile_invalid_chunk_size() {
    assert_hostile(
        Reply::raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        )
        .then_close(),
    );
}

#[test]
fn hostile_overflowing_chunk_size() {
    assert_hostile(
        Reply::raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n",
        )
        .then_close(),
    );
}

#[test]
fn hostile_truncated_chunked_body_then_close() {
    assert_hostile(
        Reply::raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part")
            .then_close(),
    );
}

#[test]
fn hostile_missing_last_chunk_then_close() {
    assert_hostile(
        Reply::raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            .then_close(),
    );
}

#[test]
fn hostile_reset_mid_headers() {
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Ty").then_reset());
}

#[test]
fn hostile_reset_mid_body() {
    assert_hostile(
        Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst ten.").then_reset(),
    );
}

#[test]
fn hostile_headers_without_final_crlf_then_close() {
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n").then_close());
}

#[test]
fn hostile_close_before_any_byte() {
    assert_hostile(Reply::steps(vec![Step::Close]));
}

#[test]
fn hostile_content_length_not_a_number() {
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello").then_close());
}

#[test]
fn hostile_negative_and_list_content_length() {
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello").then_close());
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 1,2\r\n\r\nhello").then_close());
}

#[test]
fn hostile_conflicting_content_lengths() {
    assert_hostile(
        Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 3\r\n\r\nhello")
            .then_close(),
    );
}

#[test]
fn hostile_body_shorter_than_content_length_then_close() {
    assert_hostile(Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort").then_close());
}

#[test]
fn hostile_garbage_status_line() {
    assert_hostile(Reply::raw(b"SMTP ready\r\n\r\n").then_close());
}

#[test]
fn hostile_nul_in_header() {
    assert_hostile(
        Reply::raw(b"HTTP/1.1 200 OK\r\nX-Bad: a\0b\r\nContent-Length: 2\r\n\r\nhi").then_close(),
    );
}

#[test]
fn hostile_corrupt_gzip_body() {
    assert_hostile(Reply::raw(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\nnot gzip!!",
    ));
}

#[test]
fn empty_body_with_content_encoding_is_fine() {
    let srv = Server::start(vec![Reply::raw(
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n",
    )]);
    http().arg(srv.url("/")).run().success().stdout_is("");
}

#[test]
fn ctrl_c_exits_130_with_a_clean_line() {
    let srv = Server::start(vec![Reply::hang()]);
    let url = srv.url("/wait");
    // Interrupt once the request has reached the server, so the handler is surely installed.
    let out = interrupt_http(&[url.as_ref()], || !srv.requests().is_empty());
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert_eq!(
        out.stderr, b"\n",
        "only a newline, to leave the terminal tidy"
    );
}

/// A gzip body that stalls halfway: the timeout is the connection's, not bad data (exit 2),
/// whether the body is printed or downloaded.
#[test]
fn timeout_inside_a_compressed_body_exits_2() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &[b'x'; 50_000]).unwrap();
    let packed = gz.finish().unwrap();
    let half = packed.len() / 2;
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        packed.len()
    );
    let mut first = head.into_bytes();
    first.extend_from_slice(&packed[..half]);
    for download in [false, true] {
        let fx = Fixtures::new();
        let srv = Server::start(vec![Reply::steps(vec![
            Step::Send(first.clone()),
            Step::Hang,
        ])]);
        let out = fx.path().join("out.bin");
        let mut cmd = http();
        cmd.args(["--timeout", "0.5"]);
        if download {
            cmd.args(["-d", "-o", out.to_str().unwrap()]);
        }
        let r = cmd.args([srv.url("/")]).run();
        r.code_is(2);
        let err = r.stderr_str();
        let line = err.lines().last().unwrap_or_default();
        assert!(line.starts_with("http: error: "), "{line}");
        assert!(
            line.contains("Request timed out: no data for 0.5s (--timeout=0.5)."),
            "download={download}: {line}"
        );
        assert!(!line.contains("decoding"), "{line}");
    }
}

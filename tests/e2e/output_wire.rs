//! What is printed (HTTPie's `--print`): heads exactly as on the wire, byte-exact bodies, `--print`
//! and its shortcuts, separators between messages, content decoding, `--offline`.

use crate::support::server::{Reply, Server};
use crate::support::{cat, http, Fixtures, VERSION};
use std::time::Duration;

const CUSTOM_HEAD: &[u8] = b"HTTP/1.1 299 Totally Custom Reason\r\n\
X-Mixed-CASE: 1\r\n\
Set-Cookie: a=1\r\n\
x-other: 2\r\n\
set-cookie: b=2\r\n\
X-Mixed-CASE: 3\r\n\
Content-Length: 2\r\n\r\n";

fn custom() -> Reply {
    Reply::raw(cat(&[CUSTOM_HEAD, b"hi"]))
}

#[test]
fn default_output_is_the_body_only_without_trailing_newline() {
    let srv = Server::start(vec![custom()]);
    http().arg(srv.url("/")).run().success().stdout_is("hi");
}

#[test]
fn binary_body_is_byte_exact() {
    let body: Vec<u8> = (0u8..=255).rev().chain([0, 0, b'\n', 0]).collect();
    let srv = Server::start(vec![Reply::http(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream",
        &body,
    )]);
    http().arg(srv.url("/bin")).run().success().stdout_is(&body);
}

#[test]
fn large_body_is_byte_exact() {
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let srv = Server::start(vec![Reply::http("HTTP/1.1 200 OK", &body)]);
    http().arg(srv.url("/big")).run().success().stdout_is(&body);
}

#[test]
fn response_head_is_printed_exactly_as_received() {
    for flag in ["-h", "--headers", "--print=h", "-ph"] {
        let srv = Server::start(vec![custom()]);
        http()
            .args([flag, &srv.url("/")])
            .run()
            .success()
            .stdout_is(CUSTOM_HEAD);
    }
}

#[test]
fn http10_close_delimited_response() {
    let head: &[u8] = b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(cat(&[head, b"until close"])).then_close()]);
    http()
        .args(["-p", "hb", &srv.url("/")])
        .run()
        .success()
        .stdout_is(cat(&[head, b"until close"]));
}

#[test]
fn chunked_response_is_printed_decoded() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(cat(&[
        head,
        b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
    ]))]);
    http()
        .args(["-p", "hb", &srv.url("/")])
        .run()
        .success()
        .stdout_is(cat(&[head, b"hello, world"]));
}

#[test]
fn verbose_post_is_byte_identical_to_the_wire() {
    let srv = Server::start(vec![custom()]);
    let r = http()
        .args(["-v", &srv.url("/v"), "X-CamelCase:1", "hello=world"])
        .run();
    r.success();
    let req = srv.only_request();
    r.stdout_is(cat(&[&req.raw, b"\n\n", CUSTOM_HEAD, b"hi"]));
    assert_eq!(req.body, br#"{"hello": "world"}"#);
}

#[test]
fn verbose_get_separates_messages() {
    // HTTPie 3.2.4 writes the separator after the (empty) request body part as well.
    let srv = Server::start(vec![custom()]);
    let r = http().args(["--verbose", &srv.url("/v")]).run();
    r.success();
    let req = srv.only_request();
    r.stdout_is(cat(&[req.head.as_bytes(), b"\n\n", CUSTOM_HEAD, b"hi"]));
}

#[test]
fn print_heads_only() {
    let srv = Server::start(vec![custom()]);
    let r = http().args(["-p", "Hh", &srv.url("/"), "a=b"]).run();
    r.success();
    let req = srv.only_request();
    r.stdout_is(cat(&[req.head.as_bytes(), CUSTOM_HEAD]));
}

#[test]
fn print_request_head_only() {
    let srv = Server::start(vec![custom()]);
    let r = http().args(["--print=H", &srv.url("/"), "a=b"]).run();
    r.success();
    r.stdout_is(srv.only_request().head.as_bytes());
}

#[test]
fn print_bodies_only() {
    let srv = Server::start(vec![custom()]);
    let r = http().args(["-pBb", &srv.url("/"), "a=b"]).run();
    r.success().stdout_is(b"{\"a\": \"b\"}\n\nhi");
}

#[test]
fn print_request_body_only() {
    let srv = Server::start(vec![custom()]);
    http()
        .args(["-p", "B", &srv.url("/"), "a=b"])
        .run()
        .success()
        .stdout_is(br#"{"a": "b"}"#);
}

#[test]
fn body_flag() {
    for flag in ["-b", "--body", "--print=b"] {
        let srv = Server::start(vec![custom()]);
        http()
            .args([flag, &srv.url("/")])
            .run()
            .success()
            .stdout_is("hi");
    }
}

#[test]
fn print_rejects_unknown_chars() {
    let r = http()
        .args(["--print=Hz", "--offline", "example.org"])
        .run();
    r.code_is(1);
}

#[test]
fn quiet_prints_nothing_but_sends() {
    for flag in ["-q", "--quiet"] {
        let srv = Server::start(vec![custom()]);
        http()
            .args([flag, &srv.url("/q")])
            .run()
            .success()
            .stdout_is("")
            .stderr_empty();
        assert_eq!(srv.only_request().target(), "/q");
    }
}

#[test]
fn offline_prints_the_request_and_connects_nowhere() {
    let srv = Server::start(vec![custom()]);
    let r = http()
        .args(["--offline", &srv.url("/post"), "hello=world"])
        .run();
    r.success();
    assert_eq!(srv.connections(), 0, "--offline opened a connection");
    let out = r.stdout();
    let text = r.stdout_str();
    assert!(text.starts_with("POST /post HTTP/1.1\r\n"), "{text}");
    assert!(out.ends_with(b"\r\n\r\n{\"hello\": \"world\"}"), "{text:?}");
    for line in [
        "\r\nContent-Length: 18\r\n",
        "\r\nContent-Type: application/json\r\n",
        "\r\nAccept: application/json, */*;q=0.5\r\n",
        "\r\nAccept-Encoding: gzip, deflate, br\r\n",
        &format!("\r\nHost: {}\r\n", srv.host_port()),
        &format!("\r\nUser-Agent: courier/{}\r\n", VERSION),
    ] {
        assert!(text.contains(line), "missing {line:?} in {text:?}");
    }
}

#[test]
fn offline_print_matches_what_would_be_sent() {
    // The same command once offline and once live: the printed request equals the wire bytes.
    let args = [
        "PUT",
        "/p?x=1",
        "X-CamelCase:1",
        "Cookie:one",
        "Cookie:two",
        "a:=[1]",
    ];
    let srv = Server::start(vec![custom()]);
    let with_url: Vec<String> = args
        .iter()
        .map(|a| {
            if a.starts_with('/') {
                srv.url(a)
            } else {
                a.to_string()
            }
        })
        .collect();
    let off = http().arg("--offline").args(&with_url).run();
    off.success();
    http().args(&with_url).run().success();
    let req = srv.only_request();
    off.stdout_is(&req.raw);
}

#[test]
fn offline_multipart_with_file() {
    let fx = Fixtures::new();
    let (txt, _) = fx.httpie_files();
    let r = http()
        .args([
            "--offline",
            "--print=B",
            "-f",
            "--boundary=B",
            "pie.dev/post",
            &format!("cv@{};type=text/markdown", txt.display()),
            "name=John",
        ])
        .run();
    r.success().stdout_is(
        "--B\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"text.txt\"\r\n\
         Content-Type: text/markdown\r\n\r\nJohn is a nice guy who likes pies.\n\r\n\
         --B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJohn\r\n--B--\r\n",
    );
}

#[test]
fn head_response_has_no_body_despite_content_length() {
    let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(head)]); // connection stays open, no body follows
    let r = http()
        .args(["--timeout", "5", "-p", "hb", "HEAD", &srv.url("/")])
        .run();
    r.success().stdout_is(head);
    assert!(r.elapsed < Duration::from_secs(3), "took {:?}", r.elapsed);
    assert_eq!(srv.only_request().method(), "HEAD");
}

#[test]
fn no_content_response_has_no_body() {
    for status in ["204 No Content", "304 Not Modified"] {
        let head = format!("HTTP/1.1 {status}\r\nX-A: 1\r\n\r\n");
        let srv = Server::start(vec![Reply::raw(&head)]); // kept open: must not wait for a body
        let r = http()
            .args(["--timeout", "5", "-p", "hb", &srv.url("/")])
            .run();
        r.success().stdout_is(&head);
        assert!(r.elapsed < Duration::from_secs(3), "took {:?}", r.elapsed);
    }
}

#[test]
fn redirects_are_not_followed() {
    let head: &[u8] = b"HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 5\r\n\r\n";
    let srv = Server::start(vec![Reply::raw(cat(&[head, b"moved"])), Reply::ok("next")]);
    http()
        .args(["-p", "hb", &srv.url("/start")])
        .run()
        .success()
        .stdout_is(cat(&[head, b"moved"]));
    assert_eq!(srv.only_request().target(), "/start");
}

const GZIP_HELLO: &[u8] = &[
    31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 87, 72, 175, 202, 44, 80, 40, 207, 47,
    202, 73, 225, 2, 0, 62, 86, 0, 232, 17, 0, 0, 0,
];
const DEFLATE_HELLO: &[u8] = &[
    120, 156, 203, 72, 205, 201, 201, 87, 72, 73, 77, 203, 73, 44, 73, 85, 40, 207, 47, 202, 73,
    225, 2, 0, 80, 5, 7, 92,
];
const BROTLI_HELLO: &[u8] = &[
    11, 9, 128, 104, 101, 108, 108, 111, 32, 98, 114, 111, 116, 108, 105, 32, 119, 111, 114, 108,
    100, 10, 3,
];

#[test]
fn encoded_responses_are_decoded() {
    for (coding, data, plain) in [
        ("gzip", GZIP_HELLO, "hello gzip world\n"),
        ("deflate", DEFLATE_HELLO, "hello deflate world\n"),
        ("br", BROTLI_HELLO, "hello brotli world\n"),
    ] {
        let srv = Server::start(vec![Reply::http(
            &format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: {coding}"),
            data,
        )]);
        http().arg(srv.url("/")).run().success().stdout_is(plain);
    }
}

#[test]
fn encoded_response_head_is_still_printed_as_received() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        GZIP_HELLO.len()
    );
    let srv = Server::start(vec![Reply::raw(cat(&[head.as_bytes(), GZIP_HELLO]))]);
    http()
        .args(["-p", "hb", &srv.url("/")])
        .run()
        .success()
        .stdout_is(cat(&[head.as_bytes(), b"hello gzip world\n"]));
}

/// Without a possible second hop nothing is held back, so no temporary file is needed; with
/// one, a missing temporary directory makes the exchange show as it goes instead of failing.
#[test]
fn large_printed_bodies_need_no_temporary_file() {
    let fx = Fixtures::new();
    let body = "b".repeat(3 << 20);
    let file = fx.write("big.txt", &body);
    let at = format!("@{}", file.display());
    for follow in [false, true] {
        let srv = Server::start(vec![Reply::ok("done")]);
        let mut cmd = http();
        cmd.env("TMPDIR", "/nonexistent/courier-tmp");
        if follow {
            cmd.args(["--follow"]);
        }
        let r = cmd.args(["-p", "Bb", "POST", &srv.url("/up"), &at]).run();
        r.success();
        let out = r.stdout_str();
        assert!(
            out.starts_with(&body),
            "follow={follow}: body not printed whole"
        );
        assert!(out.ends_with("done"), "follow={follow}");
        assert_eq!(srv.only_request().body.len(), body.len());
    }
}

/// A failure to write what is printed is ours, and says so (not "error talking to" the server).
#[test]
fn output_write_failures_are_not_blamed_on_the_server() {
    let fx = Fixtures::new();
    let file = fx.write("body.txt", "x".repeat(200_000));
    let srv = Server::start(vec![Reply::ok("ok")]);
    let r = http()
        .args(["-v", "-o", "/dev/full", "POST", &srv.url("/")])
        .arg(format!("@{}", file.display()))
        .run();
    r.code_is(1);
    let line = r.single_error_line();
    assert!(
        line.starts_with("http: error: cannot write the output: "),
        "{line}"
    );
}

//! Redirects (RFC 9110 §15.4; secrets bound to their origin): `--follow`, `--max-redirects`, how
//! `Location` resolves and which ones are refused, method/body rewriting, what `--all` prints,
//! and the cross-origin rule for Authorization, Cookie, Proxy-Authorization and Host.

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{basic, http, port_of, Fixtures, Run, Stdin};
use std::sync::{Arc, OnceLock};

fn reason(status: u16) -> &'static str {
    match status {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        _ => "Redirect",
    }
}

/// A `status` response with this `Location` and an empty body.
fn redirect(status: u16, location: &str) -> Reply {
    redirect_with_body(status, location, "")
}

fn redirect_with_body(status: u16, location: &str, body: &str) -> Reply {
    Reply::http(
        &format!(
            "HTTP/1.1 {status} {}\r\nLocation: {location}",
            reason(status)
        ),
        body,
    )
}

/// A server answering `redirect(status, location)`, then `ok_body`.
fn redirect_then_ok(status: u16, location: &str, ok_body: &str) -> Server {
    Server::start(vec![redirect(status, location), Reply::ok(ok_body)])
}

/// Two servers: `a` answers `redirect(status, b/path)`, `b` answers `b`. Returns `(a, b)`.
fn a_to_b(status: u16, path: &str) -> (Server, Server) {
    let b = Server::start(vec![Reply::ok("b")]);
    let a = Server::start(vec![redirect(status, &b.url(path))]);
    (a, b)
}

/// Two servers: `a` redirects to `b/away`, which redirects back to `a/back`, where `a` answers
/// `home_body`. Returns `(a, b)`.
fn away_and_back(home_body: &'static str) -> (Server, Server) {
    let b_url: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
    let b_url2 = Arc::clone(&b_url);
    let a = Server::start_fn(move |i, _| match i {
        0 => redirect(302, b_url2.get().expect("b's url")),
        _ => Reply::ok(home_body),
    });
    let b = Server::start(vec![redirect(302, &a.url("/back"))]);
    b_url.set(b.url("/away")).unwrap();
    (a, b)
}

/// Request lines of the requests printed on stdout (e.g. `GET /x HTTP/1.1`).
fn printed_request_lines(run: &Run) -> Vec<String> {
    run.stdout_str()
        .lines()
        .filter(|l| {
            ["GET ", "POST ", "PUT ", "HEAD ", "DELETE "]
                .iter()
                .any(|m| l.starts_with(m))
                && l.ends_with(" HTTP/1.1")
        })
        .map(str::to_string)
        .collect()
}

/// Status lines of the responses printed on stdout.
fn printed_status_lines(run: &Run) -> Vec<String> {
    run.stdout_str()
        .lines()
        .filter(|l| l.starts_with("HTTP/1.1 "))
        .map(str::to_string)
        .collect()
}

fn targets(srv: &Server) -> Vec<String> {
    srv.requests()
        .iter()
        .map(|r| r.target().to_string())
        .collect()
}

/// A server at 127.0.0.1:PORT whose first reply redirects to `http://localhost:PORT{path}`
/// (another host on the same port, the same socket), then answers `ok`.
fn to_localhost_same_port(status: u16, path: &'static str) -> Server {
    Server::start_fn(move |i, req| {
        if i == 0 {
            redirect(status, &format!("http://localhost:{}{path}", port_of(req)))
        } else {
            Reply::ok("ok")
        }
    })
}

// ---- Following and resolving Location -------------------------------------------------------

#[test]
fn follow_absolute_path_location() {
    let srv = redirect_then_ok(302, "/next?x=1", "final");
    http()
        .args(["--follow", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("final")
        .stderr_empty();
    assert_eq!(targets(&srv), ["/start", "/next?x=1"]);
}

/// Three same-origin redirects and the final answer travel on one TCP connection: the run's
/// one client keeps it pooled between hops (redirect bodies are read to the end so it can).
#[test]
fn same_origin_redirects_reuse_one_connection() {
    for extra in [None, Some("--all")] {
        let srv = Server::start(vec![
            redirect_with_body(302, "/b", "first"),
            redirect_with_body(301, "/c", "second"),
            redirect(307, "/d"),
            Reply::ok("done"),
        ]);
        let mut cmd = http();
        cmd.args(["--follow"]);
        if let Some(flag) = extra {
            cmd.args([flag]);
        }
        let r = cmd.args([srv.url("/a")]).run();
        r.success();
        assert!(r.stdout_str().ends_with("done"), "{}", r.describe());
        assert_eq!(targets(&srv), ["/a", "/b", "/c", "/d"]);
        assert_eq!(srv.connections(), 1, "{extra:?}: {}", r.describe());
    }
}

#[test]
fn short_flag_f_follows() {
    let srv = redirect_then_ok(301, "/b", "b");
    http()
        .args(["-F", &srv.url("/a")])
        .run()
        .success()
        .stdout_is("b");
    assert_eq!(targets(&srv), ["/a", "/b"]);
}

#[test]
fn relative_locations_resolve_against_the_current_url() {
    for (location, expected) in [
        ("next", "/dir/next"),
        ("../up", "/up"),
        ("./same/x", "/dir/same/x"),
        ("?q=2", "/dir/page?q=2"),
        ("/abs?y=%20z", "/abs?y=%20z"),
    ] {
        let srv = Server::start(vec![redirect(302, location), Reply::ok("final")]);
        http()
            .args(["--follow", &srv.url("/dir/page?x=1")])
            .run()
            .success()
            .stdout_is("final");
        assert_eq!(
            targets(&srv),
            ["/dir/page?x=1", expected],
            "Location: {location}"
        );
    }
}

#[test]
fn location_fragment_is_not_sent() {
    let srv = redirect_then_ok(302, "/next#frag", "final");
    http().args(["--follow", &srv.url("/")]).run().success();
    assert_eq!(targets(&srv), ["/", "/next"]);
}

#[test]
fn protocol_relative_location_goes_to_the_other_server() {
    let b = Server::start(vec![Reply::ok("from b")]);
    let a = Server::start(vec![redirect(
        302,
        &format!("//{}/there?k=v", b.host_port()),
    )]);
    http()
        .args(["--follow", &a.url("/here")])
        .run()
        .success()
        .stdout_is("from b");
    assert_eq!(targets(&a), ["/here"]);
    let req = b.only_request();
    assert_eq!(req.request_line(), "GET /there?k=v HTTP/1.1");
    assert_eq!(req.header("Host"), Some(b.host_port()));
}

#[test]
fn absolute_location_goes_to_the_other_server() {
    let b = Server::start(vec![Reply::ok("from b")]);
    let a = Server::start(vec![redirect(301, &b.url("/x"))]);
    http()
        .args(["--follow", &a.url("/")])
        .run()
        .success()
        .stdout_is("from b");
    assert_eq!(b.only_request().request_line(), "GET /x HTTP/1.1");
}

#[test]
fn all_five_redirect_statuses_are_followed() {
    for status in [301, 302, 303, 307, 308] {
        let srv = redirect_then_ok(status, "/next", "final");
        http()
            .args(["--follow", &srv.url("/")])
            .run()
            .success()
            .stdout_is("final");
        assert_eq!(targets(&srv), ["/", "/next"], "status {status}");
    }
}

#[test]
fn without_follow_a_redirect_is_the_response() {
    for extra in [vec![], vec!["--max-redirects=0"]] {
        let srv = Server::start(vec![
            redirect_with_body(302, "/next", "moved"),
            Reply::ok("no"),
        ]);
        http()
            .args(&extra)
            .arg(srv.url("/"))
            .run()
            .success()
            .stdout_is("moved")
            .stderr_empty();
        assert_eq!(targets(&srv), ["/"], "{extra:?}");
    }
}

#[test]
fn check_status_on_3xx_without_follow_is_exit_3() {
    let srv = Server::start(vec![redirect_with_body(302, "/next", "moved")]);
    let r = http().args(["--check-status", &srv.url("/")]).run();
    r.code_is(3).stdout_is("moved");
    assert_eq!(r.stderr_str().trim(), "http: warning: HTTP 302 Found");
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn check_status_judges_the_final_response() {
    let srv = redirect_then_ok(302, "/ok", "fine");
    http()
        .args(["--follow", "--check-status", &srv.url("/")])
        .run()
        .success()
        .stdout_is("fine")
        .stderr_empty();

    let srv = Server::start(vec![
        redirect(302, "/missing"),
        Reply::http("HTTP/1.1 404 Not Found", "nope"),
    ]);
    let r = http()
        .args(["--follow", "--check-status", &srv.url("/")])
        .run();
    r.code_is(4).stdout_is("nope");
    assert_eq!(r.stderr_str().trim(), "http: warning: HTTP 404 Not Found");
}

#[test]
fn a_3xx_without_location_is_final() {
    let srv = Server::start(vec![
        Reply::http("HTTP/1.1 302 Found", "no location"),
        Reply::ok("no"),
    ]);
    http()
        .args(["--follow", &srv.url("/")])
        .run()
        .success()
        .stdout_is("no location");
    assert_eq!(srv.requests().len(), 1);

    let srv = Server::start(vec![Reply::http("HTTP/1.1 301 Moved Permanently", "")]);
    http()
        .args(["--follow", "--check-status", &srv.url("/")])
        .run()
        .code_is(3);
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn not_modified_and_multiple_choices_are_never_followed() {
    for status in [304, 300] {
        let body = if status == 304 { "" } else { "choices" };
        let srv = Server::start(vec![
            redirect_with_body(status, "/elsewhere", body),
            Reply::ok("no"),
        ]);
        http()
            .args(["--follow", &srv.url("/")])
            .run()
            .success()
            .stdout_is(body);
        assert_eq!(targets(&srv), ["/"], "status {status}");
    }
}

// ---- --max-redirects ------------------------------------------------------------------------

#[test]
fn default_max_redirects_is_30_and_31_is_too_many() {
    // Exactly 30 redirects: followed.
    let mut replies: Vec<Reply> = (1..=30)
        .map(|i| redirect(302, &format!("/hop{i}")))
        .collect();
    replies.push(Reply::ok("end"));
    let srv = Server::start(replies);
    http()
        .args(["--follow", &srv.url("/hop0")])
        .run()
        .success()
        .stdout_is("end");
    assert_eq!(srv.requests().len(), 31);

    // A loop: the 31st redirect is one too many.
    let srv = Server::start(vec![redirect(302, "/loop")]);
    let r = http().args(["--follow", &srv.url("/loop")]).run();
    r.code_is(6);
    assert_eq!(
        r.single_error_line(),
        "http: error: Too many redirects (--max-redirects=30)."
    );
    assert_eq!(srv.requests().len(), 31);
    assert_eq!(r.stdout_str(), "", "nothing of the hops is printed");
}

#[test]
fn exactly_n_redirects_are_followed() {
    let srv = Server::start(vec![
        redirect(302, "/1"),
        redirect(301, "/2"),
        redirect(307, "/3"),
        Reply::ok("three hops"),
    ]);
    http()
        .args(["--follow", "--max-redirects=3", &srv.url("/0")])
        .run()
        .success()
        .stdout_is("three hops");
    assert_eq!(targets(&srv), ["/0", "/1", "/2", "/3"]);
}

#[test]
fn n_plus_one_redirects_is_exit_6() {
    let srv = Server::start(vec![
        redirect(302, "/1"),
        redirect(302, "/2"),
        redirect(302, "/3"),
        redirect(302, "/4"),
        Reply::ok("never"),
    ]);
    let r = http()
        .args(["--follow", "--max-redirects", "3", &srv.url("/0")])
        .run();
    r.code_is(6);
    assert_eq!(
        r.single_error_line(),
        "http: error: Too many redirects (--max-redirects=3)."
    );
    assert_eq!(targets(&srv), ["/0", "/1", "/2", "/3"]);
}

#[test]
fn max_redirects_zero_refuses_the_first_redirect() {
    let srv = redirect_then_ok(302, "/next", "never");
    let r = http()
        .args(["--follow", "--max-redirects=0", &srv.url("/")])
        .run();
    r.code_is(6);
    assert_eq!(
        r.single_error_line(),
        "http: error: Too many redirects (--max-redirects=0)."
    );
    assert_eq!(targets(&srv), ["/"]);

    // No redirect at all: 0 is fine.
    let srv = Server::start(vec![Reply::ok("direct")]);
    http()
        .args(["--follow", "--max-redirects=0", &srv.url("/")])
        .run()
        .success()
        .stdout_is("direct");
}

#[test]
fn redirect_loop_between_two_servers_is_exit_6() {
    let a_url: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
    let a_url2 = Arc::clone(&a_url);
    let b = Server::start_fn(move |_, _| redirect(302, a_url2.get().expect("a's url")));
    let a = Server::start(vec![redirect(302, &b.url("/b"))]);
    a_url.set(a.url("/a")).unwrap();
    let r = http()
        .args(["--follow", "--max-redirects=5", &a.url("/a")])
        .run();
    r.code_is(6);
    assert_eq!(
        r.single_error_line(),
        "http: error: Too many redirects (--max-redirects=5)."
    );
    assert_eq!(a.requests().len() + b.requests().len(), 6);
}

// ---- Refused Locations -----------------------------------------------------------------------

/// Runs `--follow` against a server whose first answer is `first_reply`; asserts exit 1 with one
/// error line and that nothing else was requested. Returns the error line.
fn refused(first_reply: Reply) -> String {
    let srv = Server::start(vec![first_reply, Reply::ok("never")]);
    let r = http().args(["--follow", &srv.url("/start")]).run();
    let line = r.error_line();
    assert_eq!(targets(&srv), ["/start"], "{}", r.describe());
    assert_eq!(r.stdout_str(), "", "{}", r.describe());
    line
}

/// [`refused`] for a 302 to `location`; asserts the error line contains `expected`.
fn refused_location(location: &str, expected: &str) {
    let line = refused(redirect(302, location));
    assert!(line.contains(expected), "{location:?}: {line}");
}

#[test]
fn empty_location_is_an_error() {
    for raw in [
        "HTTP/1.1 302 Found\r\nLocation: \r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 302 Found\r\nLocation:\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 302 Found\r\nLocation:   \r\nContent-Length: 0\r\n\r\n",
    ] {
        let line = refused(Reply::raw(raw));
        assert!(line.to_lowercase().contains("empty"), "{raw:?}: {line}");
    }
}

#[test]
fn unparsable_location_is_an_error() {
    for location in [
        "http://[::1",
        "http://",
        "http://exa mple.com/",
        "http://:80/x",
    ] {
        refused_location(location, "redirect");
    }
}

#[test]
fn non_http_schemes_are_refused() {
    for location in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "data:text/plain,hi",
        "javascript:alert(1)",
        "mailto:a@b.c",
        "gopher://127.0.0.1:70/",
    ] {
        refused_location(location, "unsupported scheme");
    }
}

#[test]
fn control_characters_in_location_are_refused() {
    // TAB is legal in a header value on the wire but not in a URL we would follow.
    let line = refused(redirect(302, "/a\tb"));
    assert!(line.contains("control"), "{line}");
    // A bare CR inside the value: an error either way (malformed head or refused Location).
    refused(Reply::raw(
        "HTTP/1.1 302 Found\r\nLocation: /a\rX-Evil: 1\r\nContent-Length: 0\r\n\r\n",
    ));
}

#[test]
fn percent_encoded_crlf_in_location_cannot_inject_headers() {
    let srv = redirect_then_ok(302, "/a%0d%0aX-Evil:%201", "final");
    http().args(["--follow", &srv.url("/")]).run().success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].target(), "/a%0d%0aX-Evil:%201");
    assert!(reqs[1].header("X-Evil").is_none(), "{}", reqs[1].head);
}

#[test]
fn userinfo_in_location_is_never_used_as_credentials() {
    let b = Server::start(vec![Reply::ok("b")]);
    let a = Server::start(vec![redirect(
        302,
        &format!("http://evil:pw@{}/x", b.host_port()),
    )]);
    http().args(["--follow", &a.url("/")]).run().success();
    let req = b.only_request();
    assert_eq!(req.header("Authorization"), None, "{}", req.head);
    assert_eq!(req.header("Host"), Some(b.host_port()));
}

// ---- Method and body -------------------------------------------------------------------------

#[test]
fn post_becomes_get_without_body_on_301_302_303() {
    for status in [301, 302, 303] {
        let srv = redirect_then_ok(status, "/next", "final");
        http()
            .args(["--follow", &srv.url("/"), "a=b", "X-Custom:kept"])
            .run()
            .success()
            .stdout_is("final");
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].method(), "POST");
        assert_eq!(reqs[0].body, b"{\"a\": \"b\"}");
        let second = &reqs[1];
        assert_eq!(second.request_line(), "GET /next HTTP/1.1", "{status}");
        assert!(second.body.is_empty(), "{status}: {:?}", second.raw);
        for gone in ["Content-Type", "Content-Length", "Transfer-Encoding"] {
            assert_eq!(second.header(gone), None, "{status}: {}", second.head);
        }
        assert_eq!(second.header("X-Custom"), Some("kept".into()));
    }
}

#[test]
fn put_and_delete_become_get_on_302_and_303() {
    for (method, status) in [("PUT", 302), ("DELETE", 303), ("PATCH", 301)] {
        let srv = redirect_then_ok(status, "/next", "final");
        http()
            .args(["--follow", method, &srv.url("/"), "--raw", "payload"])
            .run()
            .success();
        let reqs = srv.requests();
        assert_eq!(reqs[0].method(), method);
        assert_eq!(reqs[1].method(), "GET", "{method} {status}");
        assert!(reqs[1].body.is_empty());
        assert_eq!(reqs[1].header("Content-Length"), None);
    }
}

#[test]
fn head_stays_head() {
    for status in [301, 302, 303, 307, 308] {
        let srv = Server::start(vec![
            Reply::raw(format!(
                "HTTP/1.1 {status} {}\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
                reason(status)
            )),
            Reply::raw("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        ]);
        http()
            .args(["--follow", "HEAD", &srv.url("/")])
            .run()
            .success();
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2, "{status}");
        assert_eq!(reqs[1].request_line(), "HEAD /next HTTP/1.1", "{status}");
    }
}

#[test]
fn method_and_body_are_resent_on_307_and_308() {
    for status in [307, 308] {
        for method in ["POST", "PUT"] {
            let srv = redirect_then_ok(status, "/next", "final");
            http()
                .args([
                    "--follow",
                    method,
                    &srv.url("/"),
                    "a=b",
                    "n:=1",
                    "X-Custom:kept",
                ])
                .run()
                .success()
                .stdout_is("final");
            let reqs = srv.requests();
            assert_eq!(reqs.len(), 2);
            let (first, second) = (&reqs[0], &reqs[1]);
            assert_eq!(second.request_line(), format!("{method} /next HTTP/1.1"));
            assert_eq!(second.body, first.body, "{status} {method}");
            assert_eq!(second.body, b"{\"a\": \"b\", \"n\": 1}");
            assert_eq!(
                second.header("Content-Type"),
                first.header("Content-Type"),
                "{status}"
            );
            assert_eq!(second.header("Content-Length"), Some("18".into()));
            assert_eq!(second.header("X-Custom"), Some("kept".into()));
        }
    }
}

#[test]
fn file_body_is_sent_again_in_full_on_307() {
    let fx = Fixtures::new();
    let content: Vec<u8> = (0..3 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let file = fx.write("big.bin", &content);
    let srv = redirect_then_ok(307, "/next", "final");
    http()
        .args(["--follow", "PUT", &srv.url("/")])
        .arg(format!("@{}", file.display()))
        .run()
        .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body.len(), content.len());
    assert!(reqs[1].body == content, "second body differs");
    assert_eq!(reqs[1].method(), "PUT");
}

#[test]
fn multipart_file_upload_is_sent_again_on_308() {
    let fx = Fixtures::new();
    let file = fx.write("up.txt", "file content\n");
    let srv = redirect_then_ok(308, "/next", "final");
    http()
        .args(["--follow", "--form", &srv.url("/"), "name=x"])
        .arg(format!("f@{}", file.display()))
        .run()
        .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].method(), "POST");
    assert_eq!(reqs[1].body, reqs[0].body);
    assert_eq!(
        reqs[1].header("Content-Type"),
        reqs[0].header("Content-Type")
    );
    assert!(String::from_utf8_lossy(&reqs[1].body).contains("file content"));
}

#[test]
fn small_stdin_body_is_replayed_on_307() {
    let body: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let srv = redirect_then_ok(307, "/next", "final");
    http()
        .args(["--follow", "POST", &srv.url("/")])
        .stdin(Stdin::Bytes(body.clone()))
        .run()
        .success()
        .stdout_is("final");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].body == body);
    assert!(reqs[1].body == body, "stdin body not replayed");
}

#[test]
fn stdin_body_of_exactly_1_mib_is_replayed_on_307() {
    // Fully buffered (≤ 1 MiB read ahead), so it can be sent again.
    let body = vec![b'z'; 1024 * 1024];
    let srv = redirect_then_ok(307, "/next", "final");
    let r = http()
        .args(["--follow", "POST", &srv.url("/")])
        .stdin(Stdin::Bytes(body.clone()))
        .run();
    r.success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].body == body);
}

#[test]
fn streamed_stdin_body_cannot_follow_307_and_says_why() {
    let body = vec![b'y'; 2 * 1024 * 1024 + 17];
    let srv = redirect_then_ok(307, "/next", "never");
    let r = http()
        .args(["--follow", "POST", &srv.url("/")])
        .stdin(Stdin::Bytes(body.clone()))
        .run();
    let line = r.error_line();
    assert!(line.contains("stdin"), "{line}");
    assert!(line.contains("307"), "{line}");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 1, "nothing resent");
    assert!(reqs[0].body == body, "the first request streamed it all");
}

#[test]
fn streamed_stdin_body_is_fine_on_303() {
    let body = vec![b'y'; 2 * 1024 * 1024];
    let srv = redirect_then_ok(303, "/next", "final");
    http()
        .args(["--follow", "POST", &srv.url("/")])
        .stdin(Stdin::Bytes(body))
        .run()
        .success()
        .stdout_is("final");
    let reqs = srv.requests();
    assert_eq!(reqs[1].request_line(), "GET /next HTTP/1.1");
    assert!(reqs[1].body.is_empty());
    assert_eq!(reqs[1].header("Transfer-Encoding"), None);
}

// ---- What is printed -------------------------------------------------------------------------

fn moved_then_final() -> Server {
    Server::start(vec![
        redirect_with_body(302, "/final", "moved"),
        Reply::ok("final"),
    ])
}

#[test]
fn only_the_final_exchange_is_printed_without_all() {
    let srv = moved_then_final();
    http()
        .args(["--follow", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("final");

    let srv = moved_then_final();
    let r = http()
        .args(["--follow", "--print=h", &srv.url("/start")])
        .run();
    r.success();
    assert_eq!(
        printed_status_lines(&r),
        ["HTTP/1.1 200 OK"],
        "{}",
        r.describe()
    );
}

#[test]
fn follow_with_print_request_head_prints_only_the_final_request() {
    // HTTPie bug #1082: intermediate requests were printed with --follow --print=H.
    for print in ["--print=H", "--print=HB", "--print=Hh"] {
        let srv = moved_then_final();
        let r = http().args(["--follow", print, &srv.url("/start")]).run();
        r.success();
        assert_eq!(
            printed_request_lines(&r),
            ["GET /final HTTP/1.1"],
            "{print}:\n{}",
            r.describe()
        );
        assert!(!r.stdout_str().contains("/start"), "{}", r.describe());
        assert!(!r.stdout_str().contains("302"), "{}", r.describe());
    }
}

#[test]
fn all_prints_every_exchange() {
    let srv = moved_then_final();
    http()
        .args(["--follow", "--all", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("moved\n\nfinal");

    let srv = moved_then_final();
    let r = http()
        .args(["--follow", "--all", "--print=Hh", &srv.url("/start")])
        .run();
    r.success();
    assert_eq!(
        printed_request_lines(&r),
        ["GET /start HTTP/1.1", "GET /final HTTP/1.1"]
    );
    assert_eq!(
        printed_status_lines(&r),
        ["HTTP/1.1 302 Found", "HTTP/1.1 200 OK"]
    );
    let out = r.stdout_str();
    assert!(out.find("302 Found").unwrap() < out.find("GET /final").unwrap());
}

#[test]
fn verbose_implies_all() {
    let srv = moved_then_final();
    let r = http().args(["-v", "--follow", &srv.url("/start")]).run();
    r.success();
    assert_eq!(
        printed_request_lines(&r),
        ["GET /start HTTP/1.1", "GET /final HTTP/1.1"]
    );
    assert_eq!(
        printed_status_lines(&r),
        ["HTTP/1.1 302 Found", "HTTP/1.1 200 OK"]
    );
    let out = r.stdout_str();
    assert!(out.contains("moved") && out.ends_with("final"), "{out}");
}

#[test]
fn all_without_follow_prints_the_one_exchange() {
    let srv = moved_then_final();
    http()
        .args(["--all", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("moved");
}

#[test]
fn printed_final_request_is_the_one_sent() {
    let (a, b) = a_to_b(302, "/there");
    let r = http()
        .args(["--follow", "--print=H", &a.url("/"), "X-Api-Key:k"])
        .run();
    r.success();
    let printed = RecordedRequest::from_printed(r.stdout());
    let sent = b.only_request();
    assert_eq!(printed.head, sent.head);
}

// ---- Cross-origin rule -----------------------------------------------------------------------

/// The secrets a user can type, plus a custom header that is kept everywhere.
const SECRET_ITEMS: [&str; 4] = [
    "Cookie:sid=typed",
    "Proxy-Authorization:Basic cHJveHk6cHc=",
    "X-Api-Key:k3y",
    "Private-Token:t0k",
];

fn assert_no_secrets(req: &RecordedRequest) {
    for name in ["Authorization", "Cookie", "Proxy-Authorization"] {
        assert_eq!(req.header(name), None, "{name} leaked:\n{}", req.head);
    }
}

fn assert_custom_kept(req: &RecordedRequest) {
    assert_eq!(req.header("X-Api-Key"), Some("k3y".into()), "{}", req.head);
    assert_eq!(
        req.header("Private-Token"),
        Some("t0k".into()),
        "{}",
        req.head
    );
}

#[test]
fn other_port_gets_no_credentials_cookie_or_proxy_auth() {
    for status in [301, 302, 303, 307, 308] {
        let (a, b) = a_to_b(status, "/b");
        http()
            .args(["--follow", "-a", "user:pass", &a.url("/a")])
            .args(SECRET_ITEMS)
            .run()
            .success()
            .stdout_is("b");
        let first = a.only_request();
        assert_eq!(first.header("Authorization"), Some(basic("user", "pass")));
        assert_eq!(first.header("Cookie"), Some("sid=typed".into()));
        assert!(first.header("Proxy-Authorization").is_some());
        let second = b.only_request();
        assert_no_secrets(&second);
        assert_custom_kept(&second);
        assert_eq!(second.header("Host"), Some(b.host_port()));
    }
}

#[test]
fn other_host_same_port_gets_no_credentials() {
    // 127.0.0.1:P -> localhost:P: same socket, another host, so another origin.
    let srv = to_localhost_same_port(302, "/b");
    http()
        .args(["--follow", "-a", "user:pass", &srv.url("/a")])
        .args(SECRET_ITEMS)
        .run()
        .success()
        .stdout_is("ok");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Authorization"), Some(basic("user", "pass")));
    assert_eq!(
        reqs[1].header("Host"),
        Some(format!("localhost:{}", srv.port()))
    );
    assert_no_secrets(&reqs[1]);
    assert_custom_kept(&reqs[1]);
}

#[test]
fn same_origin_redirect_keeps_credentials_cookie_and_proxy_auth() {
    let srv = redirect_then_ok(302, "/b", "ok");
    http()
        .args(["--follow", "-a", "user:pass", &srv.url("/a")])
        .args(SECRET_ITEMS)
        .run()
        .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        assert_eq!(req.header("Authorization"), Some(basic("user", "pass")));
        assert_eq!(req.header("Cookie"), Some("sid=typed".into()));
        assert_eq!(
            req.header("Proxy-Authorization"),
            Some("Basic cHJveHk6cHc=".into())
        );
        assert_custom_kept(req);
    }
}

#[test]
fn returning_to_the_first_origin_restores_its_secrets() {
    let (a, b) = away_and_back("home again");
    http()
        .args(["--follow", "-a", "user:pass", &a.url("/start")])
        .args(SECRET_ITEMS)
        .run()
        .success()
        .stdout_is("home again");
    let away = b.only_request();
    assert_no_secrets(&away);
    let home = a.requests();
    assert_eq!(home.len(), 2);
    assert_eq!(home[1].target(), "/back");
    assert_eq!(home[1].header("Authorization"), Some(basic("user", "pass")));
    assert_eq!(home[1].header("Cookie"), Some("sid=typed".into()));
    assert_eq!(
        home[1].header("Proxy-Authorization"),
        Some("Basic cHJveHk6cHc=".into())
    );
    assert_eq!(home[1].header("Host"), Some(a.host_port()));
}

#[test]
fn url_credentials_stay_with_their_origin() {
    // Relative hop: same origin, the (percent-decoded) credentials are sent again.
    let srv = redirect_then_ok(302, "/next", "ok");
    let url = format!("http://us%65r:p%23x@{}/start", srv.host_port());
    http().args(["--follow", &url]).run().success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        assert_eq!(req.header("Authorization"), Some(basic("user", "p#x")));
        assert_eq!(req.header("Host"), Some(srv.host_port()), "{}", req.head);
    }

    // Absolute hop to another origin: none.
    let (a, b) = a_to_b(302, "/b");
    let url = format!("http://user:pw@{}/a", a.host_port());
    http().args(["--follow", &url]).run().success();
    assert_eq!(
        a.only_request().header("Authorization"),
        Some(basic("user", "pw"))
    );
    assert_no_secrets(&b.only_request());
}

#[test]
fn bearer_token_stays_with_its_origin() {
    let (a, b) = a_to_b(302, "/b");
    http()
        .args(["--follow", "-A", "bearer", "-a", "T0KEN", &a.url("/a")])
        .run()
        .success();
    assert_eq!(
        a.only_request().header("Authorization"),
        Some("Bearer T0KEN".into())
    );
    assert_no_secrets(&b.only_request());
}

#[test]
fn typed_authorization_header_stays_with_its_origin() {
    let (a, b) = a_to_b(307, "/b");
    http()
        .args(["--follow", &a.url("/a"), "Authorization:Token s3cr3t"])
        .run()
        .success();
    assert_eq!(
        a.only_request().header("Authorization"),
        Some("Token s3cr3t".into())
    );
    let req = b.only_request();
    assert_no_secrets(&req);
    assert!(!req.head.contains("s3cr3t"), "{}", req.head);
}

#[test]
fn typed_host_header_is_not_carried_to_another_origin() {
    let b = Server::start(vec![Reply::ok("b")]);
    let a = Server::start(vec![redirect(302, "/same"), redirect(302, &b.url("/b"))]);
    http()
        .args(["--follow", &a.url("/a"), "Host:vhost.test"])
        .run()
        .success()
        .stdout_is("b");
    let reqs = a.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("Host"), Some("vhost.test".into()));
    assert_eq!(reqs[1].header("Host"), Some("vhost.test".into()));
    assert_eq!(b.only_request().header("Host"), Some(b.host_port()));
}

#[test]
fn no_referer_with_userinfo_or_fragment() {
    let srv = redirect_then_ok(302, "/next", "ok");
    let url = format!("http://user:pw@{}/start#frag", srv.host_port());
    http().args(["--follow", &url]).run().success();
    for req in srv.requests() {
        if let Some(referer) = req.header("Referer") {
            assert!(
                !referer.contains("pw") && !referer.contains('@') && !referer.contains('#'),
                "{referer}"
            );
        }
    }
}

#[test]
fn spaces_in_location_are_percent_encoded() {
    let srv = redirect_then_ok(302, "/a b?c d", "ok");
    http().args(["--follow", &srv.url("/")]).run().success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].request_line(), "GET /a%20b?c%20d HTTP/1.1");
}

#[test]
fn non_utf8_location_is_an_error() {
    let line = refused(Reply::raw(
        b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9\r\nContent-Length: 0\r\n\r\n",
    ));
    assert!(
        line.contains("redirect") || line.contains("Location"),
        "{line}"
    );
}

#[test]
fn absolute_location_to_the_same_origin_keeps_credentials() {
    for spell in ["http://{own}/next", "HTTP://{own}/next", "//{own}/next"] {
        // The Location names this very server (scheme and host spelled differently).
        let srv = Server::start_fn(move |i, req| {
            if i == 0 {
                let own = req.header("Host").unwrap_or_default();
                redirect(302, &spell.replace("{own}", &own))
            } else {
                Reply::ok("ok")
            }
        });
        http()
            .args(["--follow", "-a", "u:p", &srv.url("/"), "Cookie:t=1"])
            .run()
            .success();
        let reqs = srv.requests();
        assert_eq!(reqs.len(), 2, "{spell}");
        assert_eq!(
            reqs[1].header("Authorization"),
            Some(basic("u", "p")),
            "{spell}"
        );
        assert_eq!(reqs[1].header("Cookie"), Some("t=1".into()), "{spell}");
    }
}

#[test]
fn verbose_with_explicit_print_keeps_all() {
    let srv = moved_then_final();
    http()
        .args(["-v", "--print=b", "--follow", &srv.url("/start")])
        .run()
        .success()
        .stdout_is("moved\n\nfinal");
}

#[test]
fn typed_host_comes_back_with_its_origin() {
    let (a, b) = away_and_back("home");
    http()
        .args(["--follow", &a.url("/"), "Host:vhost.test"])
        .run()
        .success()
        .stdout_is("home");
    assert_eq!(b.only_request().header("Host"), Some(b.host_port()));
    let home = a.requests();
    assert_eq!(home[0].header("Host"), Some("vhost.test".into()));
    assert_eq!(home[1].header("Host"), Some("vhost.test".into()));
}

#[test]
fn folded_location_cannot_inject_a_header() {
    // obs-fold: a continuation line. Refused as malformed or folded into the URL (encoded);
    // never a header line of the next request.
    let srv = Server::start(vec![
        Reply::raw("HTTP/1.1 302 Found\r\nLocation: /a\r\n X-Evil: 1\r\nContent-Length: 0\r\n\r\n"),
        Reply::ok("ok"),
    ]);
    let r = http().args(["--follow", &srv.url("/")]).run();
    r.no_panic();
    assert!(matches!(r.code(), Some(0 | 1)), "{}", r.describe());
    for req in srv.requests() {
        assert_eq!(req.header("X-Evil"), None, "{}", req.head);
        assert!(!req.target().contains(' '), "{}", req.head);
    }
}

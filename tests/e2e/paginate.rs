//! Pagination: `--paginate` follows `Link: <...>; rel="next"` (RFC 8288) from page to page on
//! the run's one connection, `--max-pages` and link loops stop it with a warning, an error status
//! ends it with that page's exit code, `--slurp` merges JSON array pages, and a next page on
//! another origin gets no credentials.

use std::io::Write;
use std::sync::{Arc, OnceLock};

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{basic, http, port_of, Run};

/// A `200 OK` JSON page with this body, linking to `next` when there is one.
fn page(body: &str, next: Option<&str>) -> Reply {
    let mut head = "HTTP/1.1 200 OK\r\nContent-Type: application/json".to_string();
    if let Some(next) = next {
        head.push_str(&format!("\r\nLink: <{next}>; rel=\"next\""));
    }
    Reply::http(&head, body)
}

fn targets(srv: &Server) -> Vec<String> {
    srv.requests()
        .iter()
        .map(|r| r.target().to_string())
        .collect()
}

/// The warning lines on stderr.
fn warnings(run: &Run) -> Vec<String> {
    run.stderr_str()
        .lines()
        .filter(|l| l.starts_with("http: warning: "))
        .map(str::to_string)
        .collect()
}

/// Three pages, the links in GitHub's form (several links in one field, `rel` quoted), on one
/// TCP connection, each body printed in order with the separator between messages.
#[test]
fn three_pages_in_order_on_one_connection() {
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
             Link: </items?page=2>; rel=\"next\", </items?page=3>; rel=\"last\"",
            "[1]",
        ),
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
             Link: </items?page=1>; rel=\"prev\"\r\nLink: </items?page=3>; rel=\"next\"",
            "[2]",
        ),
        page("[3]", None),
    ]);
    let run = http()
        .args(["--paginate", &srv.url("/items"), "X-Api-Key:k"])
        .run();
    run.success().stdout_is("[1]\n\n[2]\n\n[3]").stderr_empty();
    assert_eq!(targets(&srv), ["/items", "/items?page=2", "/items?page=3"]);
    assert_eq!(
        srv.connections(),
        1,
        "every page on the run's one connection"
    );
    for req in srv.requests() {
        assert_eq!(req.method(), "GET");
        assert_eq!(req.header("X-Api-Key").as_deref(), Some("k"));
    }
}

/// Without `--paginate`, a next link is only a header.
#[test]
fn without_paginate_one_page() {
    let srv = Server::start(vec![page("[1]", Some("/p2")), page("[2]", None)]);
    http().arg(srv.url("/p1")).run().success().stdout_is("[1]");
    assert_eq!(targets(&srv), ["/p1"]);
}

/// Heads too when the print set has them: each page is a whole exchange.
#[test]
fn every_page_is_printed_whole_with_its_head() {
    let srv = Server::start(vec![page("[1]", Some("/p2")), page("[2]", None)]);
    let run = http()
        .args(["--paginate", "-p", "Hhb", &srv.url("/p1")])
        .run();
    run.success();
    let out = run.stdout_str();
    let request_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("GET ")).collect();
    assert_eq!(request_lines, ["GET /p1 HTTP/1.1", "GET /p2 HTTP/1.1"]);
    let first = out.find("[1]").expect("page 1's body");
    let second_request = out.find("GET /p2").unwrap();
    let second = out.find("[2]").expect("page 2's body");
    assert!(first < second_request && second_request < second, "{out}");
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
}

#[test]
fn a_link_loop_stops_with_a_warning() {
    let srv = Server::start(vec![
        page("[1]", Some("/items?page=2")),
        page("[2]", Some("/items?page=3")),
        // Back to the second page (with a fragment, which does not make it another URL).
        page("[3]", Some("/items?page=2#top")),
        page("[\"fetched again\"]", Some("/items?page=3")),
    ]);
    let run = http().args(["--paginate", &srv.url("/items?page=1")]).run();
    run.success().stdout_is("[1]\n\n[2]\n\n[3]");
    assert_eq!(
        targets(&srv),
        ["/items?page=1", "/items?page=2", "/items?page=3"]
    );
    let port = srv.port();
    assert_eq!(
        warnings(&run),
        [format!(
            "http: warning: stopped paginating: the next page of \
             http://127.0.0.1:{port}/items?page=3 is http://127.0.0.1:{port}/items?page=2, \
             which was already fetched (a link loop)"
        )]
    );

    // Back to the very first URL.
    let srv = Server::start(vec![page("[1]", Some("/p2")), page("[2]", Some("/p1"))]);
    let run = http().args(["--paginate", &srv.url("/p1")]).run();
    run.success().stdout_is("[1]\n\n[2]");
    assert_eq!(warnings(&run).len(), 1);
}

/// Relative links resolve against the URL of the page they came from: the one it was fetched
/// at after any redirect, which is still followed (and counted) within each page.
#[test]
fn relative_links_resolve_against_the_page_url() {
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: /api/v1/items",
            "",
        ),
        page("[1]", Some("items?page=2")),
        page("[2]", Some("../v2/more")),
        Reply::http("HTTP/1.1 302 Found\r\nLocation: /api/v2/more/", ""),
        page("[3]", Some("./?page=2")),
        page("[4]", None),
    ]);
    let run = http()
        .args([
            "--paginate",
            "--follow",
            "--max-redirects=1",
            &srv.url("/old"),
        ])
        .run();
    run.success()
        .stdout_is("[1]\n\n[2]\n\n[3]\n\n[4]")
        .stderr_empty();
    assert_eq!(
        targets(&srv),
        [
            "/old",
            "/api/v1/items",
            "/api/v1/items?page=2",
            "/api/v2/more",
            "/api/v2/more/",
            "/api/v2/more/?page=2",
        ]
    );
}

/// An error status ends pagination with that page, printed, and its exit code (with
/// `--check-status`); its own next link is not followed.
#[test]
fn an_error_on_page_two_stops_with_its_exit_code() {
    let error_page = || {
        Reply::http(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n\
             Link: </p3>; rel=\"next\"",
            "{\"error\": \"busy\"}",
        )
    };
    let srv = Server::start(vec![page("[1]", Some("/p2")), error_page()]);
    let run = http()
        .args(["--paginate", "--check-status", &srv.url("/p1")])
        .run();
    run.code_is(5).stdout_is("[1]\n\n{\"error\": \"busy\"}");
    assert_eq!(
        warnings(&run),
        ["http: warning: HTTP 503 Service Unavailable"]
    );
    assert_eq!(targets(&srv), ["/p1", "/p2"]);

    // Without --check-status the run succeeds, and still stops there.
    let srv = Server::start(vec![page("[1]", Some("/p2")), error_page()]);
    http()
        .args(["--paginate", &srv.url("/p1")])
        .run()
        .success()
        .stdout_is("[1]\n\n{\"error\": \"busy\"}");
    assert_eq!(targets(&srv), ["/p1", "/p2"]);

    // A 404 on page 2: exit 4.
    let srv = Server::start(vec![
        page("[1]", Some("/p2")),
        Reply::http("HTTP/1.1 404 Not Found", "gone"),
    ]);
    http()
        .args(["--paginate", "--check-status", &srv.url("/p1")])
        .run()
        .code_is(4);
}

/// An endless API: page N links to page N+1.
fn endless() -> Server {
    Server::start_fn(|i, _| page(&format!("[{}]", i + 1), Some(&format!("/p{}", i + 2))))
}

#[test]
fn max_pages_stops_with_a_warning() {
    let srv = endless();
    let run = http()
        .args(["--paginate", "--max-pages=3", &srv.url("/p1")])
        .run();
    run.success().stdout_is("[1]\n\n[2]\n\n[3]");
    assert_eq!(targets(&srv), ["/p1", "/p2", "/p3"]);
    assert_eq!(
        warnings(&run),
        [format!(
            "http: warning: stopped paginating after 3 pages (--max-pages=3); the last one \
             links to http://127.0.0.1:{}/p4",
            srv.port()
        )]
    );

    // The default bound is 100 pages; -qq silences the warning.
    let srv = endless();
    let run = http().args(["--paginate", "-qq", &srv.url("/p1")]).run();
    run.success().stderr_empty();
    assert_eq!(srv.requests().len(), 100);
    assert_eq!(srv.connections(), 1);
}

#[test]
fn slurp_merges_three_arrays_into_one() {
    let pages = || {
        vec![
            page("[1, 2]", Some("/p2")),
            page(" [ {\"a\": 3} ]\n", Some("/p3")),
            page("[4]", None),
        ]
    };
    // Redirected output: the merged array, elements as sent.
    let srv = Server::start(pages());
    http()
        .args(["--paginate", "--slurp", &srv.url("/p1")])
        .run()
        .success()
        .stdout_is("[1, 2,{\"a\": 3},4]")
        .stderr_empty();
    assert_eq!(targets(&srv), ["/p1", "/p2", "/p3"]);
    assert_eq!(srv.connections(), 1);

    // Formatted like any JSON body of the response's type.
    let srv = Server::start(pages());
    http()
        .args(["--paginate", "--slurp", "--pretty=format", &srv.url("/p1")])
        .run()
        .success()
        .stdout_is("[\n    1,\n    2,\n    {\n        \"a\": 3\n    },\n    4\n]");

    // Each page's head as it arrives, the merged body once, after the last.
    let srv = Server::start(pages());
    let run = http()
        .args(["--paginate", "--slurp", "-p", "hb", &srv.url("/p1")])
        .run();
    run.success();
    let out = run.stdout_str();
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 3, "{out}");
    assert!(out.ends_with("\r\n\r\n[1, 2,{\"a\": 3},4]"), "{out:?}");
    assert_eq!(out.matches('[').count(), 1, "one merged body only: {out:?}");
}

/// Pages in gzip are decoded before they are merged.
#[test]
fn slurp_decodes_each_page() {
    let gzip = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
             Link: </p2>; rel=next",
            gzip(b"[\"a\"]"),
        ),
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip",
            gzip(b"[\"b\"]"),
        ),
    ]);
    http()
        .args(["--paginate", "--slurp", "-p", "b", &srv.url("/p1")])
        .run()
        .success()
        .stdout_is("[\"a\",\"b\"]");
}

#[test]
fn slurp_refuses_a_page_that_is_not_an_array() {
    let srv = Server::start(vec![
        page("[1]", Some("/p2")),
        page("{\"items\": [2]}", Some("/p3")),
        page("[3]", None),
    ]);
    let run = http()
        .args(["--paginate", "--slurp", &srv.url("/p1")])
        .run();
    let line = run.error_line();
    assert_eq!(
        line,
        format!(
            "http: error: --slurp: the page http://127.0.0.1:{}/p2 is not a JSON array (it is \
             an object)",
            srv.port()
        )
    );
    run.stdout_is("");
    assert_eq!(targets(&srv), ["/p1", "/p2"]);
}

/// With `--slurp`, an error page is printed as it is, not merged.
#[test]
fn slurp_shows_an_error_page_as_it_is() {
    let srv = Server::start(vec![
        page("[1]", Some("/p2")),
        Reply::http(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json",
            "{\"error\": 1}",
        ),
    ]);
    http()
        .args(["--paginate", "--slurp", "--check-status", &srv.url("/p1")])
        .run()
        .code_is(5)
        .stdout_is("{\"error\": 1}");
}

/// A next page on another origin gets none of the secrets given for the first (as on a
/// redirect); custom headers go along, and the credentials come back with a page back home.
#[test]
fn a_next_link_to_another_origin_does_not_carry_authorization() {
    let a_url: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
    let a_url2 = Arc::clone(&a_url);
    let b = Server::start_fn(move |_, _| {
        page(
            "[2]",
            Some(&format!("{}/back?page=3", a_url2.get().unwrap())),
        )
    });
    let b_next = b.url("/away?page=2");
    let a = Server::start_fn(move |i, _| match i {
        0 => page("[1]", Some(&b_next)),
        _ => page("[3]", None),
    });
    a_url.set(a.url("")).unwrap();
    let run = http()
        .args([
            "--paginate",
            "-a",
            "user:pw",
            &a.url("/items"),
            "Cookie:sid=1",
            "Proxy-Authorization:Basic cHJveHk=",
            "X-Api-Key:k",
        ])
        .run();
    run.success().stdout_is("[1]\n\n[2]\n\n[3]");
    let away: RecordedRequest = b.only_request();
    assert_eq!(away.target(), "/away?page=2");
    for secret in ["Authorization", "Cookie", "Proxy-Authorization"] {
        assert_eq!(away.header(secret), None, "{secret} went to another origin");
    }
    assert_eq!(away.header("X-Api-Key").as_deref(), Some("k"));
    assert_eq!(
        away.header("Host"),
        Some(format!("127.0.0.1:{}", port_of(&away)))
    );
    let home = a.requests();
    assert_eq!(home.len(), 2);
    assert_eq!(home[1].target(), "/back?page=3");
    for req in &home {
        assert_eq!(
            req.header("Authorization").as_deref(),
            Some(basic("user", "pw").as_str())
        );
        assert_eq!(req.header("Cookie").as_deref(), Some("sid=1"));
    }
}

/// A next page is a GET of the link, without the first request's body.
#[test]
fn next_pages_are_gets_without_the_body() {
    let srv = Server::start(vec![page("[1]", Some("/search?page=2")), page("[2]", None)]);
    http()
        .args(["--paginate", &srv.url("/search"), "q=courier"])
        .run()
        .success()
        .stdout_is("[1]\n\n[2]");
    let reqs = srv.requests();
    assert_eq!(reqs[0].method(), "POST");
    assert_eq!(reqs[0].body, b"{\"q\": \"courier\"}");
    assert_eq!(reqs[1].request_line(), "GET /search?page=2 HTTP/1.1");
    assert!(reqs[1].body.is_empty());
    assert_eq!(reqs[1].header("Content-Type"), None);
    assert_eq!(reqs[1].header("Content-Length"), None);
}

/// A next link the client will not follow is an error that names it, after the page.
#[test]
fn a_hostile_next_link_is_an_error() {
    let srv = Server::start(vec![page("[1]", Some("file:///etc/passwd"))]);
    let run = http().args(["--paginate", &srv.url("/p1")]).run();
    let line = run.error_line();
    assert!(
        line.contains("refusing to follow a next page link to the unsupported scheme 'file'"),
        "{line}"
    );
    assert_eq!(srv.requests().len(), 1);
}

#[test]
fn pagination_flags_are_checked() {
    for (args, message) in [
        (
            &["--slurp", "x.test"][..],
            "http: error: --slurp only works with --paginate",
        ),
        (
            &["--max-pages=3", "x.test"][..],
            "http: error: --max-pages only works with --paginate",
        ),
        (
            &["--paginate", "--max-pages=0", "x.test"][..],
            "http: error: --max-pages must be a number of pages from 1 to 100000, not 0",
        ),
        (
            &["--paginate", "--max-pages=100001", "x.test"][..],
            "http: error: --max-pages must be a number of pages from 1 to 100000, not 100001",
        ),
        (
            &["--paginate", "--download", "x.test"][..],
            "http: error: --paginate cannot be used with --download (a download saves one response)",
        ),
    ] {
        let run = http().args(args).run();
        assert_eq!(run.error_line(), message, "{args:?}");
    }
    let run = http()
        .args(["--paginate", "--max-pages=-1", "x.test"])
        .run();
    assert!(run.error_line().contains("--max-pages"));
}

/// The run's cookie jar spans pages: a cookie set by one page goes with the next.
#[test]
fn cookies_set_by_a_page_go_with_the_next() {
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 200 OK\r\nSet-Cookie: cursor=abc; Path=/\r\nLink: </p2>; rel=next",
            "[1]",
        ),
        page("[2]", None),
    ]);
    http()
        .args(["--paginate", &srv.url("/p1")])
        .run()
        .success()
        .stdout_is("[1]\n\n[2]");
    let reqs = srv.requests();
    assert_eq!(reqs[0].header("Cookie"), None);
    assert_eq!(reqs[1].header("Cookie").as_deref(), Some("cursor=abc"));
}

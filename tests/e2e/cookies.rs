//! The run's cookie jar across redirect hops (RFC 6265), through the
//! binary: Set-Cookie on one hop, Cookie on the next, by RFC 6265 rules (host-only, Domain,
//! Path, Secure, expiry), public-suffix and foreign-Domain super-cookies refused, garbage and
//! floods capped, and the user's typed `Cookie:` merged into one header on its own origin only.
//!
//! Two hosts: `127.0.0.1:PORT` and `localhost:PORT` (one socket, two host names).

use crate::support::http;
use crate::support::server::{RecordedRequest, Reply, Server};

/// A redirect to `location` that sets these cookies.
fn set_and_redirect(location: &str, cookies: &[&str]) -> Reply {
    let mut head = format!("HTTP/1.1 302 Found\r\nLocation: {location}");
    for c in cookies {
        head.push_str("\r\nSet-Cookie: ");
        head.push_str(c);
    }
    Reply::http(&head, "")
}

/// Runs `http --follow URL` and returns the requests the server saw.
fn follow(srv: &Server, url: &str, extra: &[&str]) -> Vec<RecordedRequest> {
    http().args(["--follow", url]).args(extra).run().success();
    srv.requests()
}

fn cookie_lines(req: &RecordedRequest) -> Vec<String> {
    req.header_all("Cookie")
}

/// The cookie pairs of the one `Cookie` line, or none.
fn cookies(req: &RecordedRequest) -> Vec<String> {
    let lines = cookie_lines(req);
    assert!(lines.len() <= 1, "several Cookie lines:\n{}", req.head);
    lines
        .first()
        .map(|l| l.split("; ").map(str::to_string).collect())
        .unwrap_or_default()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A server whose first reply (to 127.0.0.1:PORT) sets `set` and redirects to
/// `http://localhost:PORT/b`; later replies are 200.
fn set_then_to_localhost(set: &'static [&'static str]) -> Server {
    Server::start_fn(move |i, req| {
        if i == 0 {
            let host = req.header("Host").unwrap_or_default();
            let port = host.rsplit(':').next().unwrap_or("").to_string();
            set_and_redirect(&format!("http://localhost:{port}/b"), set)
        } else {
            Reply::ok("ok")
        }
    })
}

#[test]
fn a_cookie_from_one_hop_is_sent_on_the_next() {
    let srv = Server::start(vec![
        set_and_redirect("/next", &["sid=abc123; Path=/; HttpOnly; SameSite=Lax"]),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/start"), &[]);
    assert_eq!(reqs.len(), 2);
    assert_eq!(cookie_lines(&reqs[0]), Vec::<String>::new());
    assert_eq!(cookies(&reqs[1]), ["sid=abc123"]);
}

#[test]
fn cookies_accumulate_along_the_chain_in_one_header() {
    let srv = Server::start(vec![
        set_and_redirect("/2", &["a=1", "b=2"]),
        set_and_redirect("/3", &["c=3"]),
        set_and_redirect("/4", &["a=updated"]),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(reqs.len(), 4);
    assert_eq!(sorted(cookies(&reqs[1])), ["a=1", "b=2"]);
    assert_eq!(sorted(cookies(&reqs[2])), ["a=1", "b=2", "c=3"]);
    assert_eq!(sorted(cookies(&reqs[3])), ["a=updated", "b=2", "c=3"]);
}

#[test]
fn path_attribute_limits_where_a_cookie_goes() {
    let srv = Server::start(vec![
        set_and_redirect("/b/1", &["c=1; Path=/a"]),
        set_and_redirect("/ab", &[]),
        set_and_redirect("/a/2", &[]),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/a/start"), &[]);
    let targets: Vec<&str> = reqs.iter().map(|r| r.target()).collect();
    assert_eq!(targets, ["/a/start", "/b/1", "/ab", "/a/2"]);
    assert_eq!(cookies(&reqs[1]), Vec::<String>::new(), "/b/1");
    assert_eq!(cookies(&reqs[2]), Vec::<String>::new(), "/ab");
    assert_eq!(cookies(&reqs[3]), ["c=1"], "/a/2");
}

#[test]
fn default_path_is_the_directory_of_the_setting_url() {
    let srv = Server::start(vec![
        set_and_redirect("/other", &["d=1"]),
        set_and_redirect("/dir/sub", &[]),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/dir/page"), &[]);
    assert_eq!(cookies(&reqs[1]), Vec::<String>::new(), "/other");
    assert_eq!(cookies(&reqs[2]), ["d=1"], "/dir/sub");
}

#[test]
fn max_age_zero_and_past_expires_delete() {
    let srv = Server::start(vec![
        set_and_redirect("/2", &["a=1", "b=2", "c=3"]),
        set_and_redirect(
            "/3",
            &[
                "a=gone; Max-Age=0",
                "b=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ],
        ),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(sorted(cookies(&reqs[1])), ["a=1", "b=2", "c=3"]);
    assert_eq!(cookies(&reqs[2]), ["c=3"]);
}

#[test]
fn already_expired_cookies_are_never_sent() {
    let srv = Server::start(vec![
        set_and_redirect(
            "/2",
            &[
                "old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
                "neg=1; Max-Age=-5",
                "fresh=1; Max-Age=3600",
            ],
        ),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(cookies(&reqs[1]), ["fresh=1"]);
}

#[test]
fn secure_cookie_is_not_sent_over_plain_http() {
    let srv = Server::start(vec![
        set_and_redirect("/2", &["s=secret; Secure", "p=plain"]),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(cookies(&reqs[1]), ["p=plain"]);
}

#[test]
fn secure_cookie_is_sent_to_localhost() {
    let srv = Server::start(vec![
        set_and_redirect("/2", &["s=secret; Secure", "p=plain"]),
        Reply::ok("ok"),
    ]);
    let url = format!("http://localhost:{}/1", srv.port());
    let reqs = follow(&srv, &url, &[]);
    assert_eq!(sorted(cookies(&reqs[1])), ["p=plain", "s=secret"]);
}

#[test]
fn cookie_of_one_host_is_never_sent_to_another_after_a_redirect() {
    // 127.0.0.1 -> localhost (same port).
    let srv = set_then_to_localhost(&["h=1", "d=2; Domain=127.0.0.1", "p=3; Path=/"]);
    let reqs = follow(&srv, &srv.url("/a"), &[]);
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[1].header("Host"),
        Some(format!("localhost:{}", srv.port()))
    );
    assert_eq!(
        cookie_lines(&reqs[1]),
        Vec::<String>::new(),
        "{}",
        reqs[1].head
    );

    // localhost -> 127.0.0.1.
    let srv = Server::start_fn(|i, req| {
        if i == 0 {
            let host = req.header("Host").unwrap_or_default();
            let port = host.rsplit(':').next().unwrap_or("").to_string();
            set_and_redirect(
                &format!("http://127.0.0.1:{port}/b"),
                &["h=1", "d=2; Domain=localhost"],
            )
        } else {
            Reply::ok("ok")
        }
    });
    let url = format!("http://localhost:{}/a", srv.port());
    let reqs = follow(&srv, &url, &[]);
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        cookie_lines(&reqs[1]),
        Vec::<String>::new(),
        "{}",
        reqs[1].head
    );
}

#[test]
fn cookies_are_not_isolated_by_port() {
    // RFC 6265 §8.5: a cookie for a host goes to every port of that host. Another port is another
    // origin for the *typed* Cookie header, but the jar follows the RFC.
    let b = Server::start(vec![Reply::ok("b")]);
    let a = Server::start(vec![set_and_redirect(&b.url("/b"), &["jar=1"])]);
    http()
        .args(["--follow", &a.url("/a"), "Cookie:typed=1"])
        .run()
        .success();
    assert_eq!(cookies(&a.only_request()), ["typed=1"]);
    assert_eq!(cookies(&b.only_request()), ["jar=1"]);
}

#[test]
fn super_cookies_from_an_ip_host_are_ignored() {
    let srv = Server::start(vec![
        set_and_redirect(
            "/2",
            &[
                "a=1; Domain=example.com",
                "b=1; Domain=com",
                "c=1; Domain=co.uk",
                "d=1; Domain=.0.0.1",
                "e=1; Domain=0.0.1",
                "f=1; Domain=localhost",
                "ok=1",
            ],
        ),
        Reply::ok("ok"),
    ]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(cookies(&reqs[1]), ["ok=1"]);
}

#[test]
fn public_suffix_and_foreign_domains_from_localhost_are_ignored() {
    let srv = Server::start(vec![
        set_and_redirect(
            "/2",
            &[
                "a=1; Domain=com",
                "b=1; Domain=co.uk",
                "c=1; Domain=CO.UK",
                "d=1; Domain=example.com",
                "e=1; Domain=localhost.",
                "g=1; Domain=127.0.0.1",
                "ok=1",
            ],
        ),
        Reply::ok("ok"),
    ]);
    let url = format!("http://localhost:{}/1", srv.port());
    let reqs = follow(&srv, &url, &[]);
    assert_eq!(cookies(&reqs[1]), ["ok=1"]);
}

#[test]
fn domain_equal_to_the_host_is_accepted() {
    let srv = Server::start(vec![
        set_and_redirect("/2", &["d=1; Domain=localhost"]),
        Reply::ok("ok"),
    ]);
    let url = format!("http://localhost:{}/1", srv.port());
    let reqs = follow(&srv, &url, &[]);
    assert_eq!(cookies(&reqs[1]), ["d=1"]);
}

#[test]
fn typed_cookie_and_jar_cookie_share_one_header_on_the_same_origin() {
    let srv = Server::start(vec![set_and_redirect("/2", &["jar=1"]), Reply::ok("ok")]);
    let reqs = follow(&srv, &srv.url("/1"), &["Cookie:typed=1; other=2"]);
    assert_eq!(cookie_lines(&reqs[0]), ["typed=1; other=2"]);
    let lines = cookie_lines(&reqs[1]);
    assert_eq!(lines.len(), 1, "{}", reqs[1].head);
    assert_eq!(sorted(cookies(&reqs[1])), ["jar=1", "other=2", "typed=1"]);
}

#[test]
fn typed_cookie_is_not_sent_to_another_host_but_its_jar_cookies_are() {
    // The typed Cookie stays on 127.0.0.1; localhost gets only what its own Set-Cookie stored.
    let srv = Server::start_fn(|i, req| {
        let host = req.header("Host").unwrap_or_default();
        let port = host.rsplit(':').next().unwrap_or("").to_string();
        match i {
            0 => set_and_redirect(&format!("http://localhost:{port}/b"), &["mine=1"]),
            1 => set_and_redirect("/c", &["lh=1"]),
            _ => Reply::ok("ok"),
        }
    });
    let reqs = follow(&srv, &srv.url("/a"), &["Cookie:typed=1"]);
    assert_eq!(reqs.len(), 3);
    assert_eq!(
        cookie_lines(&reqs[1]),
        Vec::<String>::new(),
        "{}",
        reqs[1].head
    );
    assert_eq!(cookies(&reqs[2]), ["lh=1"], "{}", reqs[2].head);
}

#[test]
fn garbage_cookies_are_ignored() {
    // What an HTTP parser lets through to the jar: TAB (legal in a field value), bytes that are
    // not UTF-8, an empty name, a 5000-byte value.
    let big = format!("big={}", "v".repeat(5000));
    let mut head = String::from("HTTP/1.1 302 Found\r\nLocation: /2");
    for c in ["tab=a\tb", "=noname", big.as_str(), "good=1"] {
        head.push_str("\r\nSet-Cookie: ");
        head.push_str(c);
    }
    let mut raw = head.into_bytes();
    raw.extend_from_slice(b"\r\nSet-Cookie: latin=caf\xe9\r\nContent-Length: 0\r\n\r\n");
    let srv = Server::start(vec![Reply::raw(raw), Reply::ok("ok")]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(reqs.len(), 2);
    assert_eq!(cookies(&reqs[1]), ["good=1"], "{}", reqs[1].head);
}

#[test]
fn control_bytes_in_set_cookie_never_crash() {
    // \x01 and DEL are not legal in a field value: the response may be refused as a whole
    // (one error line) or the cookie dropped; never a panic, never the cookie sent.
    for bad in ["ctl=a\x01b", "del=a\x7fb", "nul=a\x00b"] {
        let srv = Server::start(vec![
            set_and_redirect("/2", &[bad, "good=1"]),
            Reply::ok("ok"),
        ]);
        let r = http().args(["--follow", &srv.url("/1")]).run();
        r.no_panic();
        match r.code() {
            Some(0) => {
                let reqs = srv.requests();
                assert_eq!(cookies(&reqs[1]), ["good=1"], "{bad:?}");
            }
            _ => {
                r.error_line();
                assert_eq!(srv.requests().len(), 1, "{bad:?}");
            }
        }
    }
}

#[test]
fn a_cookie_flood_is_capped() {
    // 120 cookies of ~400 bytes (under ureq's 128 header lines and 64 KiB head).
    let flood: Vec<String> = (0..120)
        .map(|i| format!("c{i:03}={}", "x".repeat(400)))
        .collect();
    let refs: Vec<&str> = flood.iter().map(String::as_str).collect();
    let srv = Server::start(vec![set_and_redirect("/2", &refs), Reply::ok("ok")]);
    let reqs = follow(&srv, &srv.url("/1"), &[]);
    assert_eq!(reqs.len(), 2);
    let line = cookie_lines(&reqs[1]).pop().unwrap_or_default();
    assert!(line.len() <= 8190, "Cookie header of {} bytes", line.len());
    assert!(
        line.split("; ").count() <= 50,
        "{} cookies",
        line.split("; ").count()
    );
    assert!(!line.is_empty(), "no cookie at all");
}

#[test]
fn cookies_set_on_a_digest_challenge_go_with_the_answer() {
    let srv = Server::start(vec![
        Reply::http(
            "HTTP/1.1 401 Unauthorized\r\nSet-Cookie: chal=1\r\n\
             WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", qop=\"auth\"",
            "",
        ),
        Reply::ok("ok"),
    ]);
    http()
        .args(["-A", "digest", "-a", "u:p", &srv.url("/")])
        .run()
        .success();
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(cookies(&reqs[1]), ["chal=1"]);
}

#[test]
fn without_follow_set_cookie_changes_nothing_sent() {
    let srv = Server::start(vec![set_and_redirect("/2", &["a=1"])]);
    http()
        .args([&srv.url("/1"), "Cookie:typed=1"])
        .run()
        .success();
    assert_eq!(cookie_lines(&srv.only_request()), ["typed=1"]);
}

//! Proxies: `--proxy PROTOCOL:URL` and the `*_proxy` variables, chosen per target scheme;
//! plain-http requests in absolute-form (RFC 9112 §3.2.2), https targets through CONNECT
//! (RFC 9110 §9.3.6), SOCKS5 with RFC 1929 credentials; `no_proxy` as curl reads it; proxy
//! credentials only ever going to their own proxy (curl CVE-2003-1605, requests
//! CVE-2023-32681); and one-line errors that name the proxy without its password.
//!
//! Everything runs on 127.0.0.1: the proxies of `support::proxy` connect onward to loopback only.

use std::time::Duration;

use crate::support::proxy::{HttpProxy, SocksProxy, SocksTarget};
use crate::support::server::{Reply, Server};
use crate::support::{base64, basic, closed_port, http, ok, redirect, Run};

/// A plain TCP server standing in for an https origin: it records the TLS handshake the
/// client starts, then closes, so the client fails with one error line.
fn tls_origin() -> Server {
    Server::start(vec![Reply::raw(b"")
        .read_until_idle(Duration::from_millis(300))
        .then_close()])
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Asserts the run's stdout and stderr never show `secret`, nor it in base64 as `user:secret`.
fn never_shows(run: &Run, user: &str, secret: &str) {
    let b64 = base64(format!("{user}:{secret}").as_bytes());
    for (name, out) in [("stdout", run.stdout_str()), ("stderr", run.stderr_str())] {
        assert!(
            !out.contains(secret) && !out.contains(&b64),
            "{name} shows the proxy password:\n{}",
            run.describe()
        );
    }
}

#[test]
fn an_http_target_goes_to_the_proxy_in_absolute_form_with_its_credentials() {
    let origin = Server::start(vec![Reply::ok("via proxy")]);
    let proxy = HttpProxy::requiring(&basic("us@er", "p:ss"));
    let run = http()
        .arg(format!("--proxy=http:{}", proxy.url_with("us%40er:p%3Ass")))
        .arg(origin.url("/path?q=1"))
        .arg("X-Test:1")
        .run();
    run.success().stdout_is("via proxy");
    let got = proxy.requests();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(
        got[0].request_line(),
        format!("GET {} HTTP/1.1", origin.url("/path?q=1"))
    );
    assert_eq!(got[0].header("Host"), Some(origin.host_port()));
    assert_eq!(
        got[0].header("Proxy-Authorization"),
        Some(basic("us@er", "p:ss"))
    );
    let at_origin = origin.only_request();
    assert_eq!(at_origin.request_line(), "GET /path?q=1 HTTP/1.1");
    assert_eq!(at_origin.header("Proxy-Authorization"), None);
    assert_eq!(at_origin.header("Authorization"), None);
    assert_eq!(at_origin.header("X-Test").as_deref(), Some("1"));
}

#[test]
fn every_request_on_a_kept_alive_proxy_connection_is_in_absolute_form() {
    // A same-origin redirect reuses the connection to the proxy: its second head is
    // rewritten too, and request bodies (sized and chunked) pass through unchanged.
    let origin = Server::start_fn(|_, req| match req.target() {
        "/first" => redirect("/second"),
        _ => Reply::ok("done"),
    });
    let proxy = HttpProxy::start();
    for extra in [&[][..], &["--chunked"][..]] {
        http()
            .args(["--follow", &format!("--proxy=http:{}", proxy.url())])
            .args(extra)
            .args(["PUT", &origin.url("/first"), "a=b"])
            .run()
            .success()
            .stdout_is("done");
    }
    let got = proxy.requests();
    let lines: Vec<&str> = got.iter().map(|r| r.request_line()).collect();
    let first = format!("PUT {} HTTP/1.1", origin.url("/first"));
    let second = format!("GET {} HTTP/1.1", origin.url("/second"));
    assert_eq!(lines, [&first, &second, &first, &second]);
    assert_eq!(
        got[0].conn, got[1].conn,
        "the proxy connection was not reused"
    );
    assert_eq!(
        got[2].conn, got[3].conn,
        "the proxy connection was not reused"
    );
    let at_origin = origin.requests();
    assert_eq!(at_origin[0].body, br#"{"a": "b"}"#);
    assert_eq!(at_origin[2].body, br#"{"a": "b"}"#);
    assert!(at_origin[2].wire_body.starts_with(b"a\r\n"), "not chunked");
}

#[test]
fn verbose_shows_what_the_proxy_got_with_the_credentials_hidden() {
    let origin = Server::start(vec![ok()]);
    let proxy = HttpProxy::requiring(&basic("u", "hunter2"));
    let run = http()
        .arg("-v")
        .arg(format!("--proxy=http:{}", proxy.url_with("u:hunter2")))
        .arg(origin.url("/v"))
        .run();
    run.success();
    never_shows(&run, "u", "hunter2");
    let got = proxy.requests();
    let as_shown = got[0]
        .head
        .replace(&basic("u", "hunter2"), "Basic <hidden>");
    assert!(
        run.stdout_str().starts_with(&as_shown),
        "-v must show the head the proxy received, credentials hidden:\n{as_shown}\n{}",
        run.describe()
    );
    assert!(as_shown.starts_with(&format!("GET {} HTTP/1.1\r\n", origin.url("/v"))));
    assert!(as_shown.contains("\r\nProxy-Authorization: Basic <hidden>\r\n"));
}

#[test]
fn offline_verbose_shows_the_request_line_a_proxy_would_get() {
    let proxy = "--proxy=all:http://u:hunter2@proxy.invalid:3128";
    let run = http()
        .args(["--offline", "-v", proxy, "http://example.test/x", "a==1"])
        .run();
    run.success();
    never_shows(&run, "u", "hunter2");
    let out = run.stdout_str();
    assert!(
        out.starts_with("GET http://example.test/x?a=1 HTTP/1.1\r\n"),
        "{out}"
    );
    assert!(
        out.contains("\r\nProxy-Authorization: Basic <hidden>\r\n"),
        "{out}"
    );
    // An https target goes through a tunnel: the origin-form line, no proxy credentials.
    let run = http()
        .args(["--offline", "-v", proxy, "https://example.test/x"])
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(out.starts_with("GET /x HTTP/1.1\r\n"), "{out}");
    assert!(!out.contains("Proxy-Authorization"), "{out}");
    // A host no_proxy sends direct keeps the origin-form.
    let run = http()
        .args(["--offline", proxy, "http://example.test/x"])
        .env("no_proxy", ".example.test")
        .run();
    run.success();
    assert!(run.stdout_str().starts_with("GET /x HTTP/1.1\r\n"));
}

#[test]
fn an_https_target_is_tunnelled_with_connect_and_the_credentials_stay_at_the_proxy() {
    let origin = tls_origin();
    let proxy = HttpProxy::requiring(&basic("u", "hunter2"));
    let target = format!("https://127.0.0.1:{}/secret-path", origin.port());
    let run = http()
        .args(["--timeout", "5"])
        .arg(format!("--proxy=https:{}", proxy.url_with("u:hunter2")))
        .arg(&target)
        .run();
    run.error_line(); // our origin speaks no TLS
    never_shows(&run, "u", "hunter2");
    let got = proxy.requests();
    assert_eq!(got.len(), 1, "{got:#?}");
    let authority = format!("127.0.0.1:{}", origin.port());
    assert_eq!(
        got[0].request_line(),
        format!("CONNECT {authority} HTTP/1.1")
    );
    assert_eq!(got[0].header("Host"), Some(authority));
    assert_eq!(
        got[0].header("Proxy-Authorization"),
        Some(basic("u", "hunter2"))
    );
    assert!(!got[0].head.contains("secret-path"), "{}", got[0].head);
    // The tunnel carried the TLS handshake to the origin, and nothing of the proxy's.
    let tunnelled = proxy.tunnelled();
    let at_origin = origin.only_request();
    assert_eq!(at_origin.raw.first(), Some(&0x16), "not a TLS record");
    assert_eq!(tunnelled, vec![at_origin.raw.clone()]);
    for secret in ["hunter2", &base64(b"u:hunter2"), "Proxy-Authorization"] {
        assert!(
            !contains(&at_origin.raw, secret),
            "{secret} reached the origin"
        );
    }
}

#[test]
fn a_typed_proxy_authorization_goes_to_the_proxy_never_behind_it() {
    // https target: on the CONNECT (taken off the tunnelled request).
    let origin = tls_origin();
    let proxy = HttpProxy::start();
    let run = http()
        .args(["--timeout", "5", &format!("--proxy=https:{}", proxy.url())])
        .arg(format!("https://127.0.0.1:{}/", origin.port()))
        .arg("Proxy-Authorization:Bearer mine")
        .run();
    run.error_line();
    let got = proxy.requests();
    assert!(got[0].request_line().starts_with("CONNECT "));
    assert_eq!(
        got[0].header("Proxy-Authorization").as_deref(),
        Some("Bearer mine")
    );
    // http target: in the forwarded request, instead of the URL's credentials.
    let origin = Server::start(vec![ok()]);
    let proxy = HttpProxy::requiring("Bearer mine");
    let run = http()
        .arg(format!("--proxy=http:{}", proxy.url_with("u:p")))
        .arg(origin.url("/"))
        .arg("Proxy-Authorization:Bearer mine")
        .run();
    run.success().stdout_is("ok");
    let got = proxy.requests();
    assert_eq!(got[0].header_all("Proxy-Authorization"), ["Bearer mine"]);
}

#[test]
fn socks5_resolves_here_and_socks5h_leaves_the_name_to_the_proxy() {
    for scheme in ["socks5", "socks5h"] {
        let origin = Server::start(vec![ok()]);
        let socks = SocksProxy::requiring("alice", "s3cr:t");
        let run = http()
            .arg(format!(
                "--proxy=all:{scheme}://alice:s3cr%3At@127.0.0.1:{}",
                socks.port()
            ))
            .arg(format!("http://localhost:{}/s", origin.port()))
            .run();
        run.success().stdout_is("ok");
        let sessions = socks.sessions();
        assert_eq!(sessions.len(), 1, "{scheme}: {sessions:#?}");
        let session = &sessions[0];
        assert!(session.methods.contains(&2), "{scheme}: {session:?}");
        assert_eq!(
            session.credentials,
            Some(("alice".to_string(), "s3cr:t".to_string())),
            "{scheme}"
        );
        match (scheme, &session.target) {
            ("socks5h", Some((SocksTarget::Domain(name), port))) => {
                assert_eq!((name.as_str(), *port), ("localhost", origin.port()))
            }
            ("socks5", Some((SocksTarget::Ip(ip), port))) => {
                assert!(ip.is_loopback() && *port == origin.port(), "{ip}:{port}")
            }
            other => panic!("{scheme}: unexpected target {other:?}"),
        }
        let at_origin = origin.only_request();
        assert_eq!(at_origin.request_line(), "GET /s HTTP/1.1", "{scheme}");
        assert_eq!(
            at_origin.header("Host"),
            Some(format!("localhost:{}", origin.port()))
        );
        assert_eq!(at_origin.header("Proxy-Authorization"), None);
    }
}

#[test]
fn a_refused_socks_password_is_one_line_naming_the_proxy() {
    let socks = SocksProxy::requiring("alice", "right");
    let run = http()
        .arg(format!(
            "--proxy=http:socks5://alice:wrong-pw@127.0.0.1:{}",
            socks.port()
        ))
        .arg(format!("http://127.0.0.1:{}/", closed_port()))
        .run();
    let line = run.error_line();
    assert!(
        line.contains(&format!(
            "Couldn't connect through the proxy socks5://127.0.0.1:{}: ",
            socks.port()
        )),
        "{line}"
    );
    assert!(line.contains("authentication failed"), "{line}");
    never_shows(&run, "alice", "wrong-pw");
}

#[test]
fn http_proxy_is_for_http_targets_only() {
    let proxy = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    http()
        .arg(origin.url("/a"))
        .env("http_proxy", proxy.url())
        .run()
        .success();
    let got = proxy.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].request_line(),
        format!("GET {} HTTP/1.1", origin.url("/a"))
    );
    // An https target goes direct: the handshake reaches the origin, not the proxy.
    let tls = tls_origin();
    let run = http()
        .args([
            "--timeout",
            "5",
            &format!("https://127.0.0.1:{}/", tls.port()),
        ])
        .env("http_proxy", proxy.url())
        .run();
    run.error_line();
    assert_eq!(tls.only_request().raw.first(), Some(&0x16));
    assert_eq!(proxy.requests().len(), 1, "http_proxy was used for https");
}

#[test]
fn https_proxy_is_for_https_targets_only() {
    let proxy = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    http()
        .arg(origin.url("/direct"))
        .env("HTTPS_PROXY", proxy.url())
        .run()
        .success();
    assert_eq!(origin.only_request().request_line(), "GET /direct HTTP/1.1");
    assert!(proxy.requests().is_empty(), "https_proxy was used for http");
    let tls = tls_origin();
    let run = http()
        .args([
            "--timeout",
            "5",
            &format!("https://127.0.0.1:{}/", tls.port()),
        ])
        .env("HTTPS_PROXY", proxy.url())
        .run();
    run.error_line();
    let got = proxy.requests();
    assert_eq!(
        got[0].request_line(),
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", tls.port())
    );
}

/// Runs `http URL` with `http_proxy` and `no_proxy`; returns whether the proxy was used.
fn proxied_with_no_proxy(no_proxy: &str) -> bool {
    let proxy = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    http()
        .arg(origin.url("/n"))
        .env("http_proxy", proxy.url())
        .env(
            "no_proxy",
            no_proxy.replace("{port}", &origin.port().to_string()),
        )
        .run()
        .success();
    let at_origin = origin.only_request();
    let used = !proxy.requests().is_empty();
    // Either way the origin gets the origin-form: from the proxy, or from us directly.
    assert_eq!(at_origin.request_line(), "GET /n HTTP/1.1");
    used
}

#[test]
fn no_proxy_sends_matching_hosts_direct() {
    for direct in [
        "127.0.0.1",
        "127.0.0.0/8",
        "127.0.0.1:{port}",
        "*",
        "example.test, 127.0.0.1",
    ] {
        assert!(
            !proxied_with_no_proxy(direct),
            "no_proxy={direct} was proxied"
        );
    }
    for proxied in [
        "127.0.0.2",
        "127.0.0.1:1",
        "10.0.0.0/8",
        "localhost",
        ".0.0.1",
    ] {
        assert!(
            proxied_with_no_proxy(proxied),
            "no_proxy={proxied} went direct"
        );
    }
}

#[test]
fn the_proxy_flag_overrides_the_environment() {
    let from_env = HttpProxy::start();
    let from_flag = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    for flag in ["http", "all"] {
        http()
            .arg(format!("--proxy={flag}:{}", from_flag.url()))
            .arg(origin.url("/o"))
            .env("http_proxy", from_env.url())
            .env("all_proxy", from_env.url())
            .run()
            .success();
    }
    assert_eq!(from_flag.requests().len(), 2);
    assert!(from_env.requests().is_empty());
}

#[test]
fn upper_case_http_proxy_is_ignored_under_cgi() {
    let proxy = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    http()
        .arg(origin.url("/cgi"))
        .env("HTTP_PROXY", proxy.url())
        .env("REQUEST_METHOD", "GET")
        .run()
        .success();
    assert!(proxy.requests().is_empty(), "HTTP_PROXY used under CGI");
    http()
        .arg(origin.url("/not-cgi"))
        .env("HTTP_PROXY", proxy.url())
        .run()
        .success();
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn a_407_from_the_proxy_is_one_line_and_exit_1() {
    // On the CONNECT for an https target, with credentials the proxy refuses.
    let proxy = HttpProxy::requiring("Basic bm8=");
    let run = http()
        .arg(format!("--proxy=https:{}", proxy.url_with("u:hunter2")))
        .arg(format!("https://127.0.0.1:{}/", closed_port()))
        .run();
    let line = run.error_line();
    assert_eq!(
        line,
        format!(
            "http: error: The proxy http://127.0.0.1:{} refused the credentials it was sent \
             (407 Proxy Authentication Required)",
            proxy.port()
        )
    );
    never_shows(&run, "u", "hunter2");
    // To a forwarded http request, with none given.
    let run = http()
        .arg(format!("--proxy=http:{}", proxy.url()))
        .arg(format!("http://127.0.0.1:{}/", closed_port()))
        .run();
    let line = run.error_line();
    assert!(
        line.contains(&format!(
            "The proxy http://127.0.0.1:{} requires authentication",
            proxy.port()
        )) && line.contains("http://USER:PASS@127.0.0.1:"),
        "{line}"
    );
}

#[test]
fn a_redirect_to_another_scheme_never_takes_the_first_proxy_credentials_along() {
    let tls = tls_origin();
    let first = Server::start(vec![redirect(&format!(
        "https://127.0.0.1:{}/next",
        tls.port()
    ))]);
    let a = HttpProxy::requiring(&basic("ua", "pass-a"));
    let b = HttpProxy::requiring(&basic("ub", "pass-b"));
    let run = http()
        .args(["--follow", "--timeout", "5"])
        .arg(format!("--proxy=http:{}", a.url_with("ua:pass-a")))
        .arg(format!("--proxy=https:{}", b.url_with("ub:pass-b")))
        .arg(first.url("/start"))
        .run();
    run.error_line(); // the https origin speaks no TLS
    let at_a = a.requests();
    assert_eq!(at_a.len(), 1, "{at_a:#?}");
    assert_eq!(
        at_a[0].request_line(),
        format!("GET {} HTTP/1.1", first.url("/start"))
    );
    let at_b = b.requests();
    assert_eq!(at_b.len(), 1, "{at_b:#?}");
    assert_eq!(
        at_b[0].request_line(),
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", tls.port())
    );
    assert_eq!(
        at_b[0].header("Proxy-Authorization"),
        Some(basic("ub", "pass-b"))
    );
    assert!(!at_b[0].head.contains(&base64(b"ua:pass-a")));
    let at_tls = tls.only_request();
    assert!(!contains(&at_tls.raw, &base64(b"ua:pass-a")));
    assert_eq!(first.only_request().header("Proxy-Authorization"), None);
}

#[test]
fn a_typed_proxy_authorization_stays_with_its_origin_across_redirects() {
    let second = Server::start(vec![ok()]);
    let first = Server::start(vec![redirect(&second.url("/b"))]);
    let proxy = HttpProxy::start();
    http()
        .args(["--follow", &format!("--proxy=http:{}", proxy.url())])
        .arg(first.url("/a"))
        .arg("Proxy-Authorization:Bearer for-a")
        .run()
        .success();
    let got = proxy.requests();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(
        got[0].header("Proxy-Authorization").as_deref(),
        Some("Bearer for-a")
    );
    assert_eq!(
        got[1].request_line(),
        format!("GET {} HTTP/1.1", second.url("/b"))
    );
    assert_eq!(got[1].header("Proxy-Authorization"), None);
}

#[test]
fn an_unreachable_proxy_is_named_not_the_origin() {
    let origin = Server::start(vec![ok()]);
    let port = closed_port();
    for (arg, shown) in [
        (
            format!("--proxy=http:http://u:hunter2@127.0.0.1:{port}"),
            format!("http://127.0.0.1:{port}"),
        ),
        (
            format!("--proxy=all:socks5h://u:hunter2@127.0.0.1:{port}"),
            format!("socks5h://127.0.0.1:{port}"),
        ),
    ] {
        let run = http().arg(&arg).arg(origin.url("/")).run();
        let line = run.error_line();
        assert_eq!(
            line,
            format!("http: error: Couldn't connect through the proxy {shown}: connection refused")
        );
        never_shows(&run, "u", "hunter2");
    }
    assert!(origin.requests().is_empty());
}

#[test]
fn bad_proxy_values_are_one_line_errors_without_the_password() {
    // (arguments, environment, what the error says)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 6] = [
        (&["--proxy", "x"], &[], "--proxy 'x': expected PROTOCOL:URL"),
        (
            &["--proxy=ftp:http://p.test"],
            &[],
            "the protocol must be http, https or all",
        ),
        (
            &["--proxy=http:gopher://u:hunter2@p.test"],
            &[],
            "the proxy URL scheme must be http, https, socks4, socks4a, socks5 or socks5h",
        ),
        (
            &["--proxy=http://u:hunter2@p.test"],
            &[],
            "--proxy=all:http://***@p.test",
        ),
        (
            &[],
            &[("https_proxy", "http://u:hunter2@p.test/path")],
            "https_proxy 'http://***@p.test/path': a proxy URL has no path",
        ),
        (
            &["--proxy=all:socks4://u:hunter2@p.test"],
            &[],
            "SOCKS4 has no password",
        ),
    ];
    for (args, vars, want) in cases {
        let mut cmd = http();
        cmd.args(args).arg("http://127.0.0.1:1/");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let run = cmd.run();
        let line = run.error_line();
        assert!(line.contains(want), "{args:?} {vars:?}: {line}");
        never_shows(&run, "u", "hunter2");
    }
}

#[test]
fn an_https_proxy_is_reached_over_tls() {
    // Our stand-in proxy speaks no TLS: the client's first bytes to it must be a TLS
    // handshake, and the failure names the proxy.
    let fake = tls_origin();
    let origin = Server::start(vec![ok()]);
    let run = http()
        .args(["--timeout", "5"])
        .arg(format!(
            "--proxy=http:https://u:hunter2@127.0.0.1:{}",
            fake.port()
        ))
        .arg(origin.url("/"))
        .run();
    let line = run.error_line();
    assert!(
        line.starts_with(&format!(
            "http: error: Couldn't connect through the proxy https://127.0.0.1:{}: ",
            fake.port()
        )),
        "{line}"
    );
    never_shows(&run, "u", "hunter2");
    let hello = fake.only_request();
    assert_eq!(hello.raw.first(), Some(&0x16), "not a TLS record");
    assert!(!contains(&hello.raw, "hunter2"));
    assert!(origin.requests().is_empty());
}

#[test]
fn a_proxy_refusing_or_flooding_a_connect_is_one_line_naming_it() {
    let target = format!("https://127.0.0.1:{}/", closed_port());
    let flood = format!("HTTP/1.1 200 OK\r\n{}", "X-Flood: y\r\n".repeat(10_000));
    for (reply, want) in [
        (
            Reply::http("HTTP/1.1 403 Forbidden", "no"),
            "it answered 403 Forbidden to CONNECT 127.0.0.1:",
        ),
        (
            Reply::raw(flood),
            "its answer to CONNECT is over 65536 bytes",
        ),
        (
            Reply::raw("SSH-2.0-OpenSSH_9.6\r\n\r\n"),
            "its answer to CONNECT is not HTTP",
        ),
    ] {
        let fake = Server::start(vec![reply]);
        let run = http()
            .args(["--timeout", "5", &format!("--proxy=https:{}", fake.url(""))])
            .arg(&target)
            .run();
        let line = run.error_line();
        let prefix = format!(
            "http: error: Couldn't connect through the proxy http://127.0.0.1:{}: ",
            fake.port()
        );
        assert!(line.starts_with(&prefix) && line.contains(want), "{line}");
        assert!(fake.only_request().request_line().starts_with("CONNECT "));
    }
}

/// A whole https exchange through an HTTP proxy: CONNECT with the proxy's credentials, then TLS
/// end to end with the origin (verified against its CA), which sees nothing of the proxy's.
#[test]
fn an_https_exchange_through_connect_reaches_the_verified_origin() {
    use crate::support::tls::{pki, write, TlsServer};
    let fx = crate::support::Fixtures::new();
    let ca = write(fx.path(), "ca.pem", &pki().ca);
    let origin = TlsServer::trusted(Reply::ok("through the tunnel"));
    let proxy = HttpProxy::start();
    let r = http()
        .args([
            "-v",
            &format!("--verify={}", ca.display()),
            &format!("--proxy=https:{}", proxy.url_with("alice:pw")),
            &origin.url("/secret"),
        ])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(out.ends_with("through the tunnel"), "{}", r.describe());
    assert!(!out.contains("Proxy-Authorization"), "{out}");
    let got = proxy.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].request_line(),
        format!("CONNECT 127.0.0.1:{} HTTP/1.1", origin.port())
    );
    assert_eq!(
        got[0].header("Proxy-Authorization").as_deref(),
        Some(basic("alice", "pw").as_str())
    );
    let at_origin = origin.plain().only_request();
    assert_eq!(at_origin.request_line(), "GET /secret HTTP/1.1");
    assert_eq!(at_origin.header("Proxy-Authorization"), None);
    assert_eq!(origin.handshakes().len(), 1);
}

/// `--interface` binds the connection to the proxy too (as curl does).
#[test]
fn interface_binds_the_connection_to_an_http_proxy() {
    let proxy = HttpProxy::start();
    let origin = Server::start(vec![ok()]);
    http()
        .args([
            "--interface",
            "127.0.0.3",
            &format!("--proxy=http:{}", proxy.url()),
            &origin.url("/b"),
        ])
        .run()
        .success();
    let got = proxy.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].peer.unwrap().ip().to_string(), "127.0.0.3");
}

/// A proxy password typed with an unencoded `/`, `?` or `#` makes the URL invalid; the error
/// still hides it.
#[test]
fn an_invalid_proxy_url_never_shows_its_password() {
    for value in [
        "all:http://u:se/cr3t@127.0.0.1:8888",
        "all:http://u:se?cr3t@127.0.0.1:8888",
        "all:http://u:se#cr3t@127.0.0.1:8888",
    ] {
        let r = http()
            .args(["--offline", "--proxy", value, "http://example.test/"])
            .run();
        let err = r.stderr_str();
        assert!(!err.contains("cr3t"), "{value}: {err}");
    }
    let r = http()
        .args(["--offline", "http://example.test/"])
        .env("http_proxy", "http://u:se/cr3t@127.0.0.1:8888")
        .run();
    assert!(!r.stderr_str().contains("cr3t"), "{}", r.describe());
}

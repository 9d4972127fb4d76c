//! URLs: default scheme, localhost shorthand, IPv6 literals, IDN hosts, query params, dot
//! segments, refusal of control characters, and credentials (`-a`, `-A bearer`, userinfo).

use crate::support::server::{Reply, Server};
use crate::support::{base64, exchange, http, offline, ok, Fixtures};
use std::time::Duration;

#[test]
fn default_scheme_is_http() {
    let srv = Server::start(vec![ok()]);
    http()
        .arg(format!("127.0.0.1:{}/x?y=1", srv.port()))
        .run()
        .success()
        .stdout_is("ok");
    let req = srv.only_request();
    assert_eq!(req.request_line(), "GET /x?y=1 HTTP/1.1");
    assert_eq!(req.header("Host"), Some(srv.host_port()));
}

#[test]
fn leading_colon_slash_slash_is_stripped() {
    let srv = Server::start(vec![ok()]);
    http()
        .arg(format!("://127.0.0.1:{}/s", srv.port()))
        .run()
        .success();
    assert_eq!(srv.only_request().target(), "/s");
}

#[test]
fn default_scheme_option_selects_tls() {
    let srv = Server::start(vec![Reply::raw(b"")
        .read_until_idle(Duration::from_millis(300))
        .then_close()]);
    let r = http()
        .args([
            "--timeout",
            "5",
            "--default-scheme=https",
            &format!("127.0.0.1:{}/", srv.port()),
        ])
        .run();
    r.error_line();
    assert_eq!(srv.only_request().raw.first(), Some(&0x16), "not TLS");
}

#[test]
fn localhost_shorthand_with_port_and_path() {
    let srv = Server::start(vec![ok()]);
    http().arg(format!(":{}/bar", srv.port())).run().success();
    let req = srv.only_request();
    assert_eq!(req.request_line(), "GET /bar HTTP/1.1");
    assert_eq!(
        req.header("Host"),
        Some(format!("localhost:{}", srv.port()))
    );
}

#[test]
fn a9_localhost_shorthand_offline() {
    let (_, req) = offline(&[":3000/bar"]);
    assert_eq!(req.request_line(), "GET /bar HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("localhost:3000"));
    let (_, req) = offline(&[":/foo"]);
    assert_eq!(req.request_line(), "GET /foo HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("localhost"));
    let (_, req) = offline(&[":"]);
    assert_eq!(req.request_line(), "GET / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("localhost"));
    let (_, req) = offline(&["localhost:8080"]);
    assert_eq!(req.request_line(), "GET / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("localhost:8080"));
}

#[test]
fn ipv6_literal_offline() {
    let (_, req) = offline(&["[::1]:8080/x"]);
    assert_eq!(req.request_line(), "GET /x HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("[::1]:8080"));
    let (_, req) = offline(&["http://[::1]/"]);
    assert_eq!(req.header("Host").as_deref(), Some("[::1]"));
}

#[test]
fn ipv6_literal_live() {
    let Ok(srv) = Server::start_at("[::1]:0", vec![ok()]) else {
        eprintln!("IPv6 loopback unavailable; skipped");
        return;
    };
    http()
        .arg(format!("[::1]:{}/six", srv.port()))
        .run()
        .success()
        .stdout_is("ok");
    let req = srv.only_request();
    assert_eq!(req.request_line(), "GET /six HTTP/1.1");
    assert_eq!(req.header("Host"), Some(format!("[::1]:{}", srv.port())));
}

#[test]
fn idn_host_is_punycoded() {
    let (_, req) = offline(&["http://bücher.example/ä"]);
    assert_eq!(req.header("Host").as_deref(), Some("xn--bcher-kva.example"));
    assert_eq!(req.request_line(), "GET /%C3%A4 HTTP/1.1");
    let (_, req) = offline(&["münchen.example:8080"]);
    assert_eq!(
        req.header("Host").as_deref(),
        Some("xn--mnchen-3ya.example:8080")
    );
}

#[test]
fn a22_params_are_appended_after_the_url_query() {
    let (_, req) = exchange(ok(), &["{url}/get?a=1&a=2", "a==3", "b=="]);
    assert_eq!(req.request_line(), "GET /get?a=1&a=2&a=3&b= HTTP/1.1");
}

#[test]
fn a8_params_are_form_encoded() {
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/search/repositories",
            "q==httpie",
            "per_page==1",
            "q2==a b&c",
        ],
    );
    assert_eq!(
        req.request_line(),
        "GET /search/repositories?q=httpie&per_page=1&q2=a+b%26c HTTP/1.1"
    );
}

#[test]
fn a10_dot_segments_are_normalised() {
    let (_, req) = exchange(ok(), &["{url}/./../../etc/password"]);
    assert_eq!(req.request_line(), "GET /etc/password HTTP/1.1");
    let (_, req) = exchange(ok(), &["{url}/a/../b/./c"]);
    assert_eq!(req.request_line(), "GET /b/c HTTP/1.1");
}

#[test]
fn a10_path_as_is() {
    let (_, req) = exchange(ok(), &["--path-as-is", "{url}/./../../etc/password"]);
    assert_eq!(req.request_line(), "GET /./../../etc/password HTTP/1.1");
    let (_, req) = exchange(
        ok(),
        &["--path-as-is", "{url}/../../etc/password", "param==value"],
    );
    assert_eq!(
        req.request_line(),
        "GET /../../etc/password?param=value HTTP/1.1"
    );
}

/// A command line with a control character must be refused before anything is sent.
fn assert_refused(args: &[String]) {
    let srv = Server::start(vec![ok()]);
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{url}", &srv.url("")))
        .collect();
    let r = http().args(&args).run();
    r.error_line();
    assert_eq!(srv.connections(), 0, "something was sent for {args:?}");
}

#[test]
fn control_characters_in_url_are_refused() {
    for url in [
        "{url}/a\r\nX-Injected: 1",
        "{url}/a\nb",
        "{url}/a\tb",
        "{url}/a\rb",
        "{url}/?q=1\r\n",
    ] {
        assert_refused(&[url.to_string()]);
    }
}

#[test]
fn control_characters_in_method_are_refused() {
    for method in ["GET\r\n", "GE\tT", "GET /x HTTP/1.1\r\nX:"] {
        assert_refused(&[method.to_string(), "{url}/".to_string()]);
    }
}

#[test]
fn control_characters_in_header_names_and_values_are_refused() {
    for item in [
        "X-A:a\r\nHost: evil",
        "X-A:a\nb",
        "X-A:a\rb",
        "X-A:a\tb",
        "X\r\nEvil:1",
        "X\tY:1",
        "X-E\n;",
    ] {
        assert_refused(&["{url}/".to_string(), item.to_string()]);
    }
}

#[test]
fn control_characters_from_header_files_are_refused() {
    let fx = Fixtures::new();
    let crlf = fx.write("crlf.txt", "a\r\nInjected: 1\n");
    let nul = fx.write("nul.txt", b"a\0b\n");
    for f in [crlf, nul] {
        assert_refused(&["{url}/".to_string(), format!("X-F:@{}", f.display())]);
    }
}

#[test]
fn control_characters_in_credentials_are_refused() {
    for cred in ["user:pa\nss", "us\r\ner:pass", "user:pass\r\nX-Injected: 1"] {
        assert_refused(&["-a".to_string(), cred.to_string(), "{url}/".to_string()]);
    }
    assert_refused(&[
        "-A".to_string(),
        "bearer".to_string(),
        "-a".to_string(),
        "tok\r\nen".to_string(),
        "{url}/".to_string(),
    ]);
}

#[test]
fn basic_auth() {
    let (_, req) = exchange(ok(), &["-a", "user:pass", "{url}/basic-auth/user/pass"]);
    assert_eq!(
        req.header("Authorization").as_deref(),
        Some("Basic dXNlcjpwYXNz")
    );
    let (_, req) = exchange(ok(), &["--auth=u:", "{url}/"]);
    assert_eq!(req.header("Authorization").as_deref(), Some("Basic dTo="));
    let (_, req) = exchange(ok(), &["-a", "user:pa:ss", "{url}/"]);
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Basic {}", base64(b"user:pa:ss")))
    );
}

#[test]
fn bearer_auth() {
    let (_, req) = exchange(ok(), &["-A", "bearer", "-a", "TOKEN", "{url}/"]);
    assert_eq!(req.header("Authorization").as_deref(), Some("Bearer TOKEN"));
    let (_, req) = exchange(ok(), &["--auth-type=bearer", "--auth=a:b", "{url}/"]);
    assert_eq!(req.header("Authorization").as_deref(), Some("Bearer a:b"));
}

#[test]
fn url_credentials_are_percent_decoded_and_kept_out_of_host() {
    let srv = Server::start(vec![ok()]);
    http()
        .arg(format!("http://user:p%40ss@127.0.0.1:{}/x", srv.port()))
        .run()
        .success();
    let req = srv.only_request();
    assert_eq!(
        req.header("Authorization"),
        Some(format!("Basic {}", base64(b"user:p@ss")))
    );
    assert_eq!(req.header("Host"), Some(srv.host_port()));
    assert!(!req.head.contains("p%40ss") && !req.head.contains("user:"));
    assert_eq!(req.request_line(), "GET /x HTTP/1.1");
}

#[test]
fn url_user_without_password() {
    let srv = Server::start(vec![ok()]);
    http()
        .arg(format!("http://user@127.0.0.1:{}/", srv.port()))
        .run()
        .success();
    assert_eq!(
        srv.only_request().header("Authorization"),
        Some(format!("Basic {}", base64(b"user:")))
    );
}

#[test]
fn auth_option_wins_over_url_credentials() {
    let srv = Server::start(vec![ok()]);
    http()
        .args([
            "-a",
            "a:b",
            &format!("http://user:pw@127.0.0.1:{}/", srv.port()),
        ])
        .run()
        .success();
    let req = srv.only_request();
    assert_eq!(req.header_all("Authorization"), ["Basic YTpi"]);
    assert_eq!(req.header("Host"), Some(srv.host_port()));
}

#[test]
fn a16_offline_auth_forms() {
    let (_, req) = offline(&["user:pw@example.org/x"]);
    assert_eq!(
        req.header("Authorization").as_deref(),
        Some("Basic dXNlcjpwdw==")
    );
    assert_eq!(req.header("Host").as_deref(), Some("example.org"));
}

/// A password holding `#`, `/` or `?` makes the URL malformed; the error still hides it.
#[test]
fn malformed_urls_never_show_their_password() {
    for url in [
        "http://user:p#ss@host/",
        "http://user:p/ss@host/",
        "http://user:p?ss@host/x",
        "http://us er:pass word@ho st/",
    ] {
        let r = http().args(["--offline", url]).run();
        r.code_is(1);
        let line = r.single_error_line();
        assert!(line.contains(":***@"), "{url}: {line}");
        for secret in ["p#ss", "p/ss", "p?ss", "pass word"] {
            assert!(!line.contains(secret), "{url}: {line}");
        }
    }
}

//! Command-line core: method inference and casing, positional disambiguation, default and
//! user headers, `--version`, and the `https` binary.

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{exchange, http, https, offline, ok, Fixtures, VERSION};

#[test]
fn get_when_no_data() {
    let (run, req) = exchange(ok(), &["{url}/get"]);
    run.stdout_is("ok");
    assert_eq!(req.request_line(), "GET /get HTTP/1.1");
    assert_eq!(req.header("Content-Length"), None);
    assert_eq!(req.header("Transfer-Encoding"), None);
    assert!(req.raw.ends_with(b"\r\n\r\n") && req.body.is_empty());
}

#[test]
fn post_inferred_from_every_data_item_kind() {
    let fx = Fixtures::new();
    let txt = fx.write("v.txt", "text\n");
    let json = fx.write("v.json", "[1]");
    let txt = txt.to_str().unwrap();
    let json = json.to_str().unwrap();
    let cases: Vec<Vec<String>> = vec![
        vec!["a=b".into()],
        vec!["a:=1".into()],
        vec![format!("a=@{txt}")],
        vec![format!("a:=@{json}")],
        vec![format!("@{txt}")],
        vec!["--raw".into(), "x".into()],
        vec!["--raw".into(), "".into()],
    ];
    for items in cases {
        let srv = Server::start(vec![ok()]);
        let r = http().arg(srv.url("/p")).args(&items).run();
        r.success();
        assert_eq!(
            srv.only_request().request_line(),
            "POST /p HTTP/1.1",
            "items {items:?}"
        );
    }
}

#[test]
fn headers_and_params_alone_keep_get() {
    let fx = Fixtures::new();
    let f = fx.write("h.txt", "v\n");
    let f = f.to_str().unwrap();
    let (_, req) = exchange(
        ok(),
        &[
            "{url}/g",
            "X-A:1",
            "X-E;",
            &format!("X-F:@{f}"),
            "q==1",
            &format!("r==@{f}"),
        ],
    );
    assert_eq!(req.request_line(), "GET /g?q=1&r=v HTTP/1.1");
    assert!(req.body.is_empty());
}

#[test]
fn explicit_method_is_upper_cased() {
    for (typed, sent) in [("put", "PUT"), ("Delete", "DELETE"), ("patch", "PATCH")] {
        let (_, req) = exchange(ok(), &[typed, "{url}/m", "a=b"]);
        assert_eq!(req.method(), sent);
        assert_eq!(req.body, br#"{"a": "b"}"#);
    }
}

#[test]
fn head_and_options_without_body() {
    let (_, req) = exchange(
        Reply::raw(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
        &["OPTIONS", "{url}/"],
    );
    assert_eq!(req.request_line(), "OPTIONS / HTTP/1.1");
    // A17: no `Content-Length: 0` on a bodiless OPTIONS.
    assert_eq!(req.header("Content-Length"), None);
}

#[test]
fn non_standard_methods_are_sent_as_typed_upper_cased() {
    for (typed, sent) in [
        ("PROPFIND", "PROPFIND"),
        ("PURGE", "PURGE"),
        ("purge", "PURGE"),
    ] {
        let (_, req) = exchange(ok(), &[typed, "{url}/dav"]);
        assert_eq!(req.request_line(), format!("{sent} /dav HTTP/1.1"));
    }
    // With a body too.
    let (_, req) = exchange(ok(), &["PROPFIND", "{url}/dav", "depth:=1"]);
    assert_eq!(req.request_line(), "PROPFIND /dav HTTP/1.1");
    assert_eq!(req.body, br#"{"depth": 1}"#);
}

#[test]
fn bare_word_before_an_item_is_the_url_not_a_method() {
    // Fixed HTTPie bug: `http localhost a=b` must POST to localhost, not send method LOCALHOST.
    let (_, req) = offline(&["localhost", "a=b"]);
    assert_eq!(req.request_line(), "POST / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("localhost"));
    assert_eq!(req.body, br#"{"a": "b"}"#);

    let (_, req) = offline(&["example", "X-A:1"]);
    assert_eq!(req.request_line(), "GET / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("example"));
}

#[test]
fn all_letters_word_before_a_url_is_a_method() {
    let (_, req) = offline(&["purge", "example.org/x"]);
    assert_eq!(req.request_line(), "PURGE /x HTTP/1.1");
    let (_, req) = offline(&["AHOY", "example.org", "a=b"]);
    assert_eq!(req.request_line(), "AHOY / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("example.org"));
}

#[test]
fn default_headers() {
    let (_, req) = exchange(ok(), &["{url}/h"]);
    let port = req.header("Host").unwrap();
    assert!(port.starts_with("127.0.0.1:"), "Host: {port}");
    assert_eq!(
        req.header("User-Agent").as_deref(),
        Some(format!("courier/{VERSION}").as_str())
    );
    assert_eq!(
        req.header("Accept-Encoding").as_deref(),
        Some("gzip, deflate, br")
    );
    assert_eq!(req.header("Accept").as_deref(), Some("*/*"));
}

#[test]
fn version_matches_user_agent() {
    let r = http().arg("--version").run();
    r.success();
    let v = r.stdout_str();
    assert!(v.trim().ends_with(VERSION), "--version printed {v:?}");
    let (_, req) = exchange(ok(), &["{url}/"]);
    let ua = req.header("User-Agent").unwrap();
    assert_eq!(
        ua,
        format!("courier/{}", v.split_whitespace().last().unwrap())
    );
}

#[test]
fn help_exits_zero() {
    let r = http().arg("--help").run();
    r.success();
    assert!(r.stdout_str().contains("URL"), "{}", r.describe());
}

#[test]
fn header_names_keep_the_case_typed() {
    let (_, req) = exchange(
        ok(),
        &["{url}/", "X-CamelCase:1", "x-lower:2", "X-UPPER-CASE:3"],
    );
    let names = req.header_names();
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("{n} not sent as typed; sent {names:?}"))
    };
    assert!(pos("X-CamelCase") < pos("x-lower") && pos("x-lower") < pos("X-UPPER-CASE"));
    assert_eq!(req.header("X-CamelCase").as_deref(), Some("1"));
}

#[test]
fn user_header_replaces_default_and_keeps_its_spelling() {
    let (_, req) = exchange(
        ok(),
        &["{url}/", "User-Agent:custom/1.0", "ACCEPT:text/plain"],
    );
    assert_eq!(req.header_all("user-agent"), ["custom/1.0"]);
    assert_eq!(req.header_all("accept"), ["text/plain"]);
    assert!(req.header_names().contains(&"ACCEPT".to_string()));
}

#[test]
fn host_header_can_be_overridden() {
    let (_, req) = exchange(ok(), &["{url}/", "Host:example.com"]);
    assert_eq!(req.header_all("host"), ["example.com"]);
}

#[test]
fn options_may_follow_positionals() {
    let (run, req) = exchange(ok(), &["{url}/o", "a=b", "--form", "-h"]);
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(req.body, b"a=b");
    assert!(run.stdout_str().starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn https_binary_defaults_to_https_offline() {
    let r = https().args(["--offline", "example.org"]).run();
    r.success();
    let req = RecordedRequest::from_printed(r.stdout());
    assert_eq!(req.request_line(), "GET / HTTP/1.1");
    assert_eq!(req.header("Host").as_deref(), Some("example.org"));
}

#[test]
fn https_binary_error_prefix() {
    let r = https()
        .args(["--offline", "example.org", "a:=nojson"])
        .run();
    let line = r.error_line();
    assert!(line.contains("a:=nojson"), "{line}");
}

#[test]
fn https_binary_speaks_tls_to_a_schemeless_url() {
    // Our server is plain TCP: what it receives first must be a TLS handshake record (0x16).
    let srv = Server::start(vec![Reply::raw(b"")
        .read_until_idle(std::time::Duration::from_millis(300))
        .then_close()]);
    let r = https()
        .args(["--timeout", "5", &format!("127.0.0.1:{}/", srv.port())])
        .run();
    r.error_line(); // "https: error: ..."
    let req = srv.only_request();
    assert_eq!(
        req.raw.first(),
        Some(&0x16),
        "not a TLS record: {:?}",
        req.raw
    );
}

/// A custom method followed by a URL with a port: the URL is not the header item `host: port`
/// (HTTPie and xh send `FOO /x`).
#[test]
fn a_custom_method_before_a_url_with_a_port() {
    let r = http()
        .args(["--offline", "FOO", "example.com:8080/x"])
        .run();
    r.success();
    let out = r.stdout_str();
    assert!(
        out.starts_with("FOO /x HTTP/1.1\r\nHost: example.com:8080\r\n"),
        "{out}"
    );
    let r = http().args(["--offline", "PURGE", "localhost:3000"]).run();
    assert!(r
        .stdout_str()
        .starts_with("PURGE / HTTP/1.1\r\nHost: localhost:3000\r\n"));
    // A header item with a number after a URL stays a header.
    let r = http().args(["--offline", "localhost", "X-Count:5"]).run();
    let out = r.stdout_str();
    assert!(out.starts_with("GET / HTTP/1.1\r\n"), "{out}");
    assert!(out.contains("\r\nX-Count: 5\r\n"), "{out}");
}

/// `-q` silences the screen; `-o FILE` is not the screen: the body is written there (HTTPie).
#[test]
fn quiet_still_writes_the_output_file() {
    let srv = Server::start(vec![Reply::ok("the body")]);
    let fx = Fixtures::new();
    let out = fx.path().join("out.txt");
    http()
        .args(["-q", "-o"])
        .arg(&out)
        .arg(srv.url("/"))
        .run()
        .success()
        .stdout_is("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the body");
}

#[test]
fn help_ends_with_examples_and_mentions_the_localhost_shorthand() {
    let r = http().arg("--help").run();
    r.success();
    let out = r.stdout_str();
    for heading in ["Content types:", "Output:", "Sessions:", "Request items:"] {
        assert!(out.contains(heading), "--help lacks {heading}");
    }
    let examples = out.rfind("Examples:").expect("an Examples section");
    assert!(
        examples > out.rfind("Request items:").unwrap(),
        "Examples come last"
    );
    let tail = &out[examples..];
    for example in [
        "http :3000/",
        ":=",
        "--form",
        "file@",
        "--session=",
        "--download",
        "-a ",
        "--check-status",
    ] {
        assert!(tail.contains(example), "Examples lack {example}:\n{tail}");
    }
    assert!(
        out.contains("`:3000/x` is http://localhost:3000/x"),
        "{out}"
    );
}

#[test]
fn print_help_lists_all_five_letters() {
    let out = http().arg("--help").run().stdout_str();
    let at = out.find("--print <WHAT>").unwrap();
    let text = out[at..].split("\n\n").next().unwrap().replace('\n', " ");
    for letter in [
        "H request",
        "B request",
        "h response",
        "b response",
        "m response",
    ] {
        assert!(text.contains(letter), "--print help lacks {letter}: {text}");
    }
}

#[test]
fn short_v_and_abbreviations_print_the_bare_version() {
    for flag in ["-V", "--version", "--vers"] {
        let r = http().arg(flag).run();
        r.success();
        assert_eq!(r.stdout_str().trim(), VERSION, "{flag}");
    }
}

#[test]
fn mistyped_option_keeps_clap_suggestion_with_one_hint() {
    let r = http().args(["--folow", "example.org"]).run();
    r.code_is(1);
    let line = r.single_error_line();
    assert!(
        line.contains("similar argument") && line.contains("--follow"),
        "{line}"
    );
    assert_eq!(line.matches("--help").count(), 1, "{line}");
}

#[test]
fn invalid_value_has_one_hint() {
    let r = http().args(["--pretty=bad", "example.org"]).run();
    r.code_is(1);
    let line = r.single_error_line();
    assert!(line.contains("possible values"), "{line}");
    assert!(!line.contains("For more information"), "{line}");
    assert_eq!(line.matches("--help").count(), 1, "{line}");
}

#[test]
fn ambiguous_abbreviation_names_the_candidates() {
    let r = http().args(["--ver", "example.org"]).run();
    r.code_is(1);
    let line = r.single_error_line();
    for option in ["ambiguous", "--verbose", "--verify", "--version"] {
        assert!(line.contains(option), "{line}");
    }
    // A unique prefix still works.
    let r = http().args(["--offl", "example.org"]).run();
    r.success();
    // The --no-FLAG forms are named too.
    let r = http().args(["--no-fo", "example.org"]).run();
    r.code_is(1);
    let line = r.single_error_line();
    for option in ["ambiguous", "--no-form", "--no-follow"] {
        assert!(line.contains(option), "{line}");
    }
}

#[test]
fn https_help_names_https_in_its_usage() {
    let r = https().arg("--help").run();
    r.success();
    assert!(
        r.stdout_str()
            .contains("Usage: https [OPTIONS] [METHOD] URL"),
        "{}",
        r.describe()
    );
}

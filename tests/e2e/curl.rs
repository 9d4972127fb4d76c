//! `--curl`: the printed command, run by a real shell (`sh -c`) and the real curl, sends the
//! request `http` itself sends.
//!
//! Each case runs `http --curl ARGS` against one test server and runs what it printed through
//! `sh -c` with `/usr/bin/curl`; then runs `http ARGS` against another server; and compares the
//! two recorded requests: method, target, header names and values in order, exact body bytes.
//! The differences allowed are the documented ones (README, "curl command lines"): the port in
//! Host (two servers), curl's own Accept-Encoding list with `--compressed`, where curl writes
//! the headers it makes itself (Content-Length, `-u`'s Authorization, Proxy-Authorization, a
//! multipart Content-Type), and the multipart boundary, normalised away before comparing.
//! Without `/usr/bin/curl` the round trips are skipped with a printed note.

use std::path::Path;

use crate::support::server::{RecordedRequest, Reply, Server};
use crate::support::{http, ok, Cmd, Fixtures};

const CURL: &str = "/usr/bin/curl";

fn have_curl() -> bool {
    let found = Path::new(CURL).is_file();
    if !found {
        crate::support::tool_missing(&format!("{CURL} (the --curl round trip)"));
    }
    found
}

/// What a server received, made comparable: the port in Host and the multipart boundary
/// replaced by placeholders.
#[derive(Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn seen(req: RecordedRequest, srv: &Server) -> Seen {
    let host = srv.host_port();
    let mut headers: Vec<(String, String)> = req
        .headers()
        .into_iter()
        .map(|(n, v)| (n, v.replace(&host, "HOST:PORT")))
        .collect();
    let mut body = req.body.clone();
    let boundary = headers.iter().find_map(|(n, v)| {
        let v = v.strip_prefix("multipart/form-data; boundary=")?;
        n.eq_ignore_ascii_case("Content-Type")
            .then(|| v.to_string())
    });
    if let Some(b) = boundary {
        for (n, v) in headers.iter_mut() {
            if n.eq_ignore_ascii_case("Content-Type") {
                *v = v.replace(&b, "BOUNDARY");
            }
        }
        body = replace(&body, b.as_bytes(), b"BOUNDARY");
    }
    Seen {
        method: req.method().to_string(),
        target: req.target().replace(&host, "HOST:PORT"),
        headers,
        body,
    }
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// `{url}` in an argument becomes the server's base URL, `{hostport}` its address.
fn subst(args: &[&str], srv: &Server) -> Vec<String> {
    args.iter()
        .map(|a| {
            a.replace("{url}", &srv.url(""))
                .replace("{hostport}", &srv.host_port())
        })
        .collect()
}

/// Runs the round trip for `args` in `dir`, with `stdin` for both programs; returns the
/// printed command and what each server saw.
fn round_trip(args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> (String, Seen, Seen) {
    let for_curl = Server::start(vec![ok()]);
    let mut printer = http();
    printer
        .arg("--curl")
        .args(subst(args, &for_curl))
        .current_dir(dir);
    if let Some(bytes) = stdin {
        printer.stdin_bytes(bytes);
    }
    let printed = printer.run();
    printed.success();
    let command = printed.stdout_str();

    let mut sh = Cmd::program("sh", "/bin/sh");
    sh.args(["-c", &command])
        .env("PATH", "/usr/bin:/bin")
        .current_dir(dir);
    if let Some(bytes) = stdin {
        sh.stdin_bytes(bytes);
    }
    let ran = sh.run();
    assert_eq!(ran.code(), Some(0), "curl failed:\n{}", ran.describe());
    let by_curl = seen(for_curl.only_request(), &for_curl);

    let for_http = Server::start(vec![ok()]);
    let mut direct = http();
    direct.args(subst(args, &for_http)).current_dir(dir);
    if let Some(bytes) = stdin {
        direct.stdin_bytes(bytes);
    }
    direct.run().success();
    let by_http = seen(for_http.only_request(), &for_http);
    (command, by_curl, by_http)
}

/// Asserts that curl and http sent the same request, but for the documented differences.
fn assert_same(command: &str, curl: &Seen, ours: &Seen) {
    let ctx = format!(
        "--- command ---\n{command}--- curl sent ---\n{curl:#?}\n--- http sent ---\n{ours:#?}"
    );
    assert_eq!(curl.method, ours.method, "method\n{ctx}");
    assert_eq!(curl.target, ours.target, "target\n{ctx}");
    assert!(curl.body == ours.body, "body\n{ctx}");
    let multipart = ours
        .headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("Content-Type") && v.starts_with("multipart/"));
    // Headers curl writes in a place of its own: compared by value, not by position.
    let placed = |name: &str| {
        [
            "Content-Length",
            "Authorization",
            "Proxy-Authorization",
            "Accept-Encoding",
        ]
        .iter()
        .any(|p| p.eq_ignore_ascii_case(name))
            || (multipart && name.eq_ignore_ascii_case("Content-Type"))
    };
    let in_order = |s: &Seen| -> Vec<(String, String)> {
        s.headers
            .iter()
            .filter(|(n, _)| !placed(n))
            .cloned()
            .collect()
    };
    assert_eq!(in_order(curl), in_order(ours), "headers in order\n{ctx}");
    let values = |s: &Seen, name: &str| -> Vec<String> {
        s.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    };
    for name in [
        "Content-Length",
        "Authorization",
        "Proxy-Authorization",
        "Accept-Encoding",
        "Content-Type",
    ] {
        let (c, o) = (values(curl, name), values(ours, name));
        match name {
            // curl's own list of encodings.
            "Accept-Encoding" if command.contains("--compressed") => {
                assert_eq!(c.len(), o.len(), "{name}\n{ctx}")
            }
            // Each is its own body's length (the boundaries differ before normalising).
            "Content-Length" if multipart => {
                assert_eq!(c.len(), o.len(), "{name}\n{ctx}");
                assert_eq!(c.len(), 1, "{name}\n{ctx}");
            }
            _ => assert_eq!(c, o, "{name}\n{ctx}"),
        }
    }
}

/// The whole check for one case; false when curl is missing.
fn check(args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Option<String> {
    if !have_curl() {
        return None;
    }
    let (command, curl, ours) = round_trip(args, dir, stdin);
    assert_same(&command, &curl, &ours);
    Some(command)
}

#[test]
fn json_with_nested_items_query_and_headers() {
    let fx = Fixtures::new();
    let Some(command) = check(
        &[
            "POST",
            "{url}/api/v1?x=1",
            "user[name]=Ann O'Neil",
            "user[tags][]=a b",
            "user[tags][]=$HOME `id`",
            "user[age]:=36",
            "user[ok]:=true",
            "note=back\\slash \"quoted\"\nsecond line é ☃",
            "q==a b&c=d",
            "é==ü ß",
            "X-Custom:it's $x",
            "X-Empty;",
        ],
        fx.path(),
        None,
    ) else {
        return;
    };
    assert!(command.contains("--data-raw '"), "{command}");
}

#[test]
fn urlencoded_form() {
    let fx = Fixtures::new();
    check(
        &[
            "-f",
            "{url}/form",
            "name=John Smith",
            "sym=a&b=c%d+e",
            "quote=it's",
            "n:=3",
        ],
        fx.path(),
        None,
    );
}

#[test]
fn multipart_with_files() {
    let fx = Fixtures::new();
    fx.write("my notes.txt", "hello\r\nworld\n");
    fx.write("conf.json", "{\"a\": 1}");
    fx.write("odd;\"name\",x.txt", "odd");
    let Some(command) = check(
        &[
            "--multipart",
            "{url}/upload",
            "title=Ann's \"report\"; v2",
            "say \"hi\"=hello",
            "at=\\@not-a-file",
            "doc@my notes.txt",
            "cfg@conf.json;type=application/vnd.example+json; charset=utf-8",
            "odd@odd;\"name\",x.txt",
        ],
        fx.path(),
        None,
    ) else {
        return;
    };
    assert!(
        command.contains("-F 'doc=@\"my notes.txt\";type=text/plain'"),
        "{command}"
    );
}

#[test]
fn custom_headers_empty_and_removed() {
    let fx = Fixtures::new();
    let Some(command) = check(
        &[
            "{url}/h",
            "X-A:1",
            "X-Empty;",
            "User-Agent:agent/1.0 (test)",
            "Accept:",
            "X-B:two words; and \"quotes\"",
            "Cookie:a=1; b=2",
            "Host:example.test",
        ],
        fx.path(),
        None,
    ) else {
        return;
    };
    assert!(command.contains("-H 'Accept:'"), "{command}");
}

#[test]
fn query_params_and_a_literal_path() {
    let fx = Fixtures::new();
    check(
        &[
            "--path-as-is",
            "{url}/a/./b/../c?list[0]=x&{braces}",
            "q==[1] {2}",
            "amp==a&b",
        ],
        fx.path(),
        None,
    );
}

#[test]
fn basic_auth_from_the_command_line() {
    let fx = Fixtures::new();
    let Some(command) = check(
        &["-a", "ann:s3 cr'et$:x", "{url}/private", "X-After:1"],
        fx.path(),
        None,
    ) else {
        return;
    };
    assert!(command.contains(r"-u 'ann:s3 cr'\''et$:x'"), "{command}");
}

#[test]
fn bearer_auth_and_url_credentials_as_headers() {
    let fx = Fixtures::new();
    check(
        &["-A", "bearer", "-a", "tok.en", "{url}/b"],
        fx.path(),
        None,
    );
    check(&["http://u:p%40ss@{hostport}/u"], fx.path(), None);
}

#[test]
fn a_file_body() {
    let fx = Fixtures::new();
    fx.write("body data.json", "{\"exact\": \"bytes\"}\n\r\n");
    let Some(command) = check(&["PUT", "{url}/put", "@body data.json"], fx.path(), None) else {
        return;
    };
    assert!(
        command.contains("--data-binary '@body data.json'"),
        "{command}"
    );
}

#[test]
fn a_large_file_body_without_expect() {
    let fx = Fixtures::new();
    let big: Vec<u8> = (0..1_100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    fx.write("big.txt", big);
    let Some(command) = check(&["{url}/big", "@big.txt"], fx.path(), None) else {
        return;
    };
    assert!(command.contains("-H 'Expect:'"), "{command}");
}

#[test]
fn raw_text_and_binary_bodies() {
    let fx = Fixtures::new();
    check(
        &[
            "--raw",
            "héllo $x `id` 'q' \\ \"dq\"\nline two\ttab",
            "{url}/raw",
            "Content-Type:text/plain; charset=utf-8",
        ],
        fx.path(),
        None,
    );
    // -xx deflates the body: binary bytes, written through printf.
    let Some(command) = check(&["-xx", "{url}/z", "a=b", "n:=1"], fx.path(), None) else {
        return;
    };
    assert!(command.starts_with("printf '"), "{command}");
}

#[test]
fn methods_without_a_body() {
    let fx = Fixtures::new();
    check(&["DELETE", "{url}/items/7"], fx.path(), None);
    check(&["POST", "{url}/empty"], fx.path(), None);
    check(&["OPTIONS", "{url}/o"], fx.path(), None);
}

#[test]
fn a_body_from_stdin() {
    let fx = Fixtures::new();
    let Some(command) = check(
        &["POST", "{url}/s"],
        fx.path(),
        Some(b"{\"from\": \"stdin\"}\n"),
    ) else {
        return;
    };
    assert!(command.contains("--data-binary @-"), "{command}");
    assert!(
        command.contains("# the body is http's standard input"),
        "{command}"
    );
}

#[test]
fn through_a_forwarding_proxy() {
    let fx = Fixtures::new();
    check(
        &[
            "--proxy=http:http://pro%40xy:pa%20s$s@{hostport}",
            "http://origin.test/x?y=1",
            "a=b",
        ],
        fx.path(),
        None,
    );
}

#[test]
fn session_headers_and_cookies_are_in_the_command_and_the_session_is_not_written() {
    if !have_curl() {
        return;
    }
    let fx = Fixtures::new();
    let session = fx.write(
        "s.json",
        r#"{"headers": {"X-From-Session": "yes"}, "cookies": {"sid": {"value": "abc"}}, "auth": {}}"#,
    );
    let before = std::fs::read(&session).unwrap();
    let srv = Server::start(vec![Reply::ok("ok")]);
    let run = http()
        .args(["--curl", "--session", session.to_str().unwrap()])
        .arg(srv.url("/s"))
        .arg("X-Typed:1")
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(out.contains("-H 'X-From-Session: yes'"), "{out}");
    assert!(out.contains("-H 'Cookie: sid=abc'"), "{out}");
    assert!(out.contains("# --session:"), "{out}");
    assert_eq!(std::fs::read(&session).unwrap(), before);
    assert_eq!(srv.connections(), 0);
}

#[test]
fn nothing_is_sent_and_no_password_is_asked() {
    let srv = Server::start(vec![ok()]);
    let run = http()
        .args(["--curl", "-a", "ann", "--check-status", "--pretty=all"])
        .arg(srv.url("/x"))
        .run();
    run.success().stderr_empty();
    let out = run.stdout_str();
    assert!(out.contains("\n  -u ann \\\n"), "{out}");
    assert!(out.contains("# --check-status: "), "{out}");
    assert!(out.contains("# --pretty: "), "{out}");
    assert_eq!(srv.connections(), 0);
}

#[test]
fn netrc_credentials_stay_in_the_netrc() {
    let fx = Fixtures::new();
    let srv = Server::start(vec![ok()]);
    let netrc = fx.write("netrc", "machine 127.0.0.1 login ann password hunter2\n");
    let run = http()
        .arg("--curl")
        .arg(srv.url("/n"))
        .env("NETRC", &netrc)
        .run();
    run.success();
    let out = run.stdout_str();
    assert!(
        !out.contains("hunter2") && !out.contains("Authorization"),
        "{out}"
    );
    assert!(
        out.contains(&format!("--netrc-file {}", netrc.display())),
        "{out}"
    );
}

//! Request bodies as the server receives them: JSON, forms, multipart, `--raw`, `@file`,
//! `--json`, `--chunked`, `--compress`, and standard input.

use crate::support::server::{dechunk, RecordedRequest, Server};
use crate::support::{
    assert_json_headers, exchange, exchange_stdin, http, ok, s, text, Fixtures, Stdin, DATA_JSON,
    TEXT_TXT,
};
use std::io::Read;
use std::time::Duration;

/// [`exchange_stdin`] with these bytes piped in; returns the request.
fn piped(args: &[&str], stdin: impl AsRef<[u8]>) -> RecordedRequest {
    exchange_stdin(ok(), args, Stdin::Bytes(stdin.as_ref().to_vec())).1
}

/// Runs `http ARGS` (`{url}` is a fresh server's) with this stdin; asserts the error line and
/// that the server saw no connection (`case` names the case in that failure). Returns the line.
fn refused_unsent(args: &[&str], stdin: Stdin, case: &str) -> String {
    let srv = Server::start(vec![ok()]);
    let r = http()
        .args(args.iter().map(|a| a.replace("{url}", &srv.url(""))))
        .stdin(stdin)
        .run();
    let line = r.error_line();
    assert_eq!(srv.connections(), 0, "{case}");
    line
}

/// zlib-inflate (the `deflate` content coding).
fn inflate(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_end(&mut out)
        .expect("body is not a zlib stream");
    out
}

#[test]
fn a1_json_by_default() {
    let (_, req) = exchange(ok(), &["{url}/post", "hello=world"]);
    assert_eq!(req.request_line(), "POST /post HTTP/1.1");
    assert_eq!(req.body, br#"{"hello": "world"}"#);
    assert_eq!(req.header("Content-Length").as_deref(), Some("18"));
    assert_json_headers(&req);
}

#[test]
fn json_text_is_python_json_dumps() {
    let (_, req) = exchange(ok(), &["{url}/", "name=John", "age:=29"]);
    assert_eq!(text(&req.body), r#"{"name": "John", "age": 29}"#);
    let (_, req) = exchange(ok(), &["{url}/", "name=é", "q=\"quoted\"\ttab"]);
    assert_eq!(
        text(&req.body),
        r#"{"name": "\u00e9", "q": "\"quoted\"\ttab"}"#
    );
}

#[test]
fn a3_form_urlencoded() {
    let (_, req) = exchange(
        ok(),
        &[
            "-f",
            "POST",
            "{url}/post",
            "name=John Smith",
            "foo=bar",
            "foo=baz",
        ],
    );
    assert_eq!(req.body, b"name=John+Smith&foo=bar&foo=baz");
    assert_eq!(req.header("Content-Length").as_deref(), Some("31"));
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    assert_eq!(req.header("Accept").as_deref(), Some("*/*"));
}

#[test]
fn form_values_are_percent_encoded() {
    let (_, req) = exchange(ok(), &["--form", "{url}/", "a=b c", "d=e&f", "g=h=i/j"]);
    assert_eq!(req.body, b"a=b+c&d=e%26f&g=h%3Di%2Fj");
}

#[test]
fn a5_form_with_file_is_multipart() {
    let fx = Fixtures::new();
    let (txt, _) = fx.httpie_files();
    let (_, req) = exchange(
        ok(),
        &[
            "-f",
            "--boundary=B",
            "{url}/post",
            &format!("cv@{};type=text/markdown", s(&txt)),
            "name=John",
        ],
    );
    let expected = format!(
        "--B\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"text.txt\"\r\n\
         Content-Type: text/markdown\r\n\r\n{TEXT_TXT}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nJohn\r\n--B--\r\n"
    );
    assert_eq!(text(&req.body), expected);
    assert_eq!(req.header("Content-Length").as_deref(), Some("202"));
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("multipart/form-data; boundary=B")
    );
    assert_eq!(req.method(), "POST");
}

#[test]
fn multipart_file_part_type_guessed_from_extension() {
    let fx = Fixtures::new();
    let f = fx.write("d.json", r#"{"a":1}"#);
    let (_, req) = exchange(
        ok(),
        &["-f", "--boundary=B", "{url}/", &format!("up@{}", s(&f))],
    );
    assert_eq!(
        text(&req.body),
        "--B\r\nContent-Disposition: form-data; name=\"up\"; filename=\"d.json\"\r\n\
         Content-Type: application/json\r\n\r\n{\"a\":1}\r\n--B--\r\n"
    );
}

#[test]
fn a4_multipart_flag() {
    let (_, req) = exchange(
        ok(),
        &["--multipart", "--boundary=xoxo", "{url}/", "hello=world"],
    );
    assert_eq!(
        text(&req.body),
        "--xoxo\r\nContent-Disposition: form-data; name=\"hello\"\r\n\r\nworld\r\n--xoxo--\r\n"
    );
    assert_eq!(req.header("Content-Length").as_deref(), Some("73"));
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("multipart/form-data; boundary=xoxo")
    );
}

#[test]
fn multipart_custom_content_type_gets_the_boundary() {
    let (_, req) = exchange(
        ok(),
        &[
            "--multipart",
            "--boundary=xoxo",
            "{url}/",
            "hello=world",
            "Content-Type:multipart/letter",
        ],
    );
    assert_eq!(
        req.header_all("Content-Type"),
        ["multipart/letter; boundary=xoxo"]
    );
}

#[test]
fn multipart_random_boundary_is_used_consistently() {
    let (_, req) = exchange(ok(), &["--multipart", "{url}/", "a=b"]);
    let ct = req.header("Content-Type").unwrap();
    let boundary = ct
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("Content-Type: {ct}"));
    assert!(boundary.len() >= 16, "weak boundary {boundary:?}");
    assert_eq!(
        text(&req.body),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--{boundary}--\r\n"
        )
    );
    // Another run draws another boundary.
    let (_, req2) = exchange(ok(), &["--multipart", "{url}/", "a=b"]);
    assert_ne!(req2.header("Content-Type").unwrap(), ct);
}

#[test]
fn a14_raw_body() {
    let (_, req) = exchange(ok(), &["--raw", r#"{"name": "John"}"#, "{url}/post"]);
    assert_eq!(req.request_line(), "POST /post HTTP/1.1");
    assert_eq!(req.body, br#"{"name": "John"}"#);
    assert_eq!(req.header("Content-Length").as_deref(), Some("16"));
    assert_json_headers(&req);
}

#[test]
fn raw_body_keeps_utf8_and_explicit_content_type() {
    let (_, req) = exchange(
        ok(),
        &[
            "PUT",
            "{url}/",
            "--raw",
            "héllo\nwörld",
            "Content-Type:text/plain",
        ],
    );
    assert_eq!(req.body, "héllo\nwörld".as_bytes());
    assert_eq!(req.header_all("Content-Type"), ["text/plain"]);
    assert_eq!(req.method(), "PUT");
}

#[test]
fn a15_file_body_with_type_from_extension() {
    let fx = Fixtures::new();
    let (_, json) = fx.httpie_files();
    let xml = fx.write("doc.xml", "<a>1</a>\n");
    let txt = fx.write("notes.txt", "plain\n");
    let bin = fx.write("blob.bin", [0u8, 1, 2, 0xff, b'\n', 0]);
    for (path, ctype, content) in [
        (&json, "application/json", DATA_JSON.as_bytes()),
        (&xml, "application/xml", b"<a>1</a>\n".as_slice()),
        (&txt, "text/plain", b"plain\n".as_slice()),
    ] {
        let (_, req) = exchange(ok(), &["{url}/post", &format!("@{}", s(path))]);
        assert_eq!(req.request_line(), "POST /post HTTP/1.1");
        assert_eq!(req.body, content, "{path:?}");
        assert_eq!(
            req.header("Content-Type").as_deref(),
            Some(ctype),
            "{path:?}"
        );
        assert_eq!(
            req.header("Content-Length"),
            Some(content.len().to_string())
        );
    }
    // Binary file bodies are sent byte for byte.
    let (_, req) = exchange(ok(), &["{url}/", &format!("@{}", s(&bin))]);
    assert_eq!(req.body, [0u8, 1, 2, 0xff, b'\n', 0]);
}

#[test]
fn a19_json_flag_without_data() {
    let (_, req) = exchange(ok(), &["--json", "{url}/"]);
    assert_eq!(req.request_line(), "GET / HTTP/1.1");
    assert_eq!(
        req.header("Accept").as_deref(),
        Some("application/json, */*;q=0.5")
    );
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/json")
    );
    assert!(req.body.is_empty());
    let (_, req) = exchange(ok(), &["-j", "{url}/"]);
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/json")
    );
}

#[test]
fn last_request_type_flag_wins() {
    let (_, req) = exchange(ok(), &["--form", "--json", "{url}/", "a=b"]);
    assert_eq!(req.body, br#"{"a": "b"}"#);
    let (_, req) = exchange(ok(), &["--json", "--form", "{url}/", "a=b"]);
    assert_eq!(req.body, b"a=b");
}

#[test]
fn chunked_json_body() {
    let (_, req) = exchange(ok(), &["--chunked", "{url}/post", "hello=world"]);
    assert_eq!(req.header("Transfer-Encoding").as_deref(), Some("chunked"));
    assert_eq!(req.header("Content-Length"), None, "CL together with TE");
    let (payload, used) = dechunk(&req.wire_body).expect("body is not chunked framing");
    assert_eq!(used, req.wire_body.len());
    assert_eq!(payload, br#"{"hello": "world"}"#);
}

#[test]
fn chunked_file_and_stdin_bodies() {
    let fx = Fixtures::new();
    let (txt, _) = fx.httpie_files();
    let (_, req) = exchange(ok(), &["--chunked", "{url}/", &format!("@{}", s(&txt))]);
    assert_eq!(req.header("Transfer-Encoding").as_deref(), Some("chunked"));
    assert_eq!(req.body, TEXT_TXT.as_bytes());
    assert_ne!(req.wire_body, req.body);

    let req = piped(&["--chunked", "{url}/"], "from stdin");
    assert_eq!(req.header("Transfer-Encoding").as_deref(), Some("chunked"));
    assert_eq!(req.body, b"from stdin");
}

#[test]
fn compress_deflates_when_smaller() {
    let big = format!("data={}", "a".repeat(2000));
    let (_, req) = exchange(ok(), &["-x", "{url}/", &big]);
    assert_eq!(req.header("Content-Encoding").as_deref(), Some("deflate"));
    assert_eq!(
        req.header("Content-Length"),
        Some(req.body.len().to_string())
    );
    assert!(
        req.body.len() < 200,
        "not compressed: {} bytes",
        req.body.len()
    );
    assert_eq!(
        text(&inflate(&req.body)),
        format!(r#"{{"data": "{}"}}"#, "a".repeat(2000))
    );
}

#[test]
fn compress_skipped_when_not_smaller_unless_forced() {
    let (_, req) = exchange(ok(), &["--compress", "{url}/", "a=b"]);
    assert_eq!(req.header("Content-Encoding"), None);
    assert_eq!(req.body, br#"{"a": "b"}"#);

    let (_, req) = exchange(ok(), &["-xx", "{url}/", "a=b"]);
    assert_eq!(req.header("Content-Encoding").as_deref(), Some("deflate"));
    assert_eq!(inflate(&req.body), br#"{"a": "b"}"#);
    assert_eq!(
        req.header("Content-Length"),
        Some(req.body.len().to_string())
    );
}

#[test]
fn compress_applies_to_raw_and_form_bodies() {
    let big = "z".repeat(1000);
    let (_, req) = exchange(ok(), &["-x", "--raw", &big, "{url}/"]);
    assert_eq!(req.header("Content-Encoding").as_deref(), Some("deflate"));
    assert_eq!(inflate(&req.body), big.as_bytes());
    let (_, req) = exchange(ok(), &["-x", "-f", "{url}/", &format!("k={big}")]);
    assert_eq!(inflate(&req.body), format!("k={big}").as_bytes());
}

#[test]
fn stdin_is_the_body() {
    let req = piped(&["{url}/in"], b"{\"from\": \"stdin\"}\n");
    assert_eq!(req.request_line(), "POST /in HTTP/1.1");
    assert_eq!(req.body, b"{\"from\": \"stdin\"}\n");
    assert_eq!(
        req.header("Content-Type").as_deref(),
        Some("application/json")
    );
    assert_eq!(req.header("Content-Length").as_deref(), Some("18"));
}

#[test]
fn stdin_binary_body_is_byte_exact() {
    let payload: Vec<u8> = (0u8..=255).chain(0u8..=255).collect();
    let req = piped(
        &["PUT", "{url}/b", "Content-Type:application/octet-stream"],
        &payload,
    );
    assert_eq!(req.body, payload);
    assert_eq!(req.header_all("Content-Type"), ["application/octet-stream"]);
}

#[test]
fn empty_piped_stdin_is_an_empty_body() {
    let req = piped(&["{url}/"], "");
    assert_eq!(req.method(), "POST");
    assert!(req.body.is_empty());
}

#[test]
fn ignore_stdin_flag() {
    for flag in ["-I", "--ignore-stdin"] {
        let req = piped(&[flag, "{url}/"], "ignored");
        assert_eq!(req.method(), "GET", "{flag}");
        assert!(req.body.is_empty());
    }
    // And data items then take priority without a conflict.
    assert_eq!(
        piped(&["-I", "{url}/", "a=b"], "ignored").body,
        br#"{"a": "b"}"#
    );
}

#[test]
fn dev_null_stdin_is_not_a_body() {
    let (_, req) = exchange_stdin(ok(), &["{url}/"], Stdin::Null);
    assert_eq!(req.method(), "GET");
    assert_eq!(req.header("Content-Type"), None);
    assert_eq!(req.header("Accept").as_deref(), Some("*/*"));
}

#[test]
fn closed_stdin_is_not_a_body() {
    let srv = Server::start(vec![ok()]);
    let r = http().arg(srv.url("/")).stdin(Stdin::Closed).run();
    r.success();
    assert_eq!(srv.only_request().method(), "GET");
    // Data items work with a closed stdin too (no "cannot be mixed").
    let (_, req) = exchange_stdin(ok(), &["{url}/", "a=b"], Stdin::Closed);
    assert_eq!(req.body, br#"{"a": "b"}"#);
}

#[test]
fn stdin_and_data_items_cannot_be_mixed() {
    let line = refused_unsent(&["{url}/", "a=b"], Stdin::Bytes(b"data".to_vec()), "");
    assert!(line.contains("cannot be mixed"), "{line}");
}

#[test]
fn other_body_sources_cannot_be_mixed() {
    let fx = Fixtures::new();
    let (txt, _) = fx.httpie_files();
    let at = format!("@{}", s(&txt));
    let cases: Vec<Vec<&str>> = vec![
        vec!["--raw", "x", "a=b"],
        vec![&at, "a=b"],
        vec!["--raw", "x", &at],
    ];
    for items in cases {
        let args: Vec<&str> = ["{url}/"]
            .into_iter()
            .chain(items.iter().copied())
            .collect();
        refused_unsent(&args, Stdin::Null, &format!("{items:?}"));
    }
    // --raw plus stdin.
    refused_unsent(&["--raw", "x", "{url}/"], Stdin::Bytes(b"y".to_vec()), "");
}

#[test]
fn silent_stdin_warns_after_the_threshold() {
    let srv = Server::start(vec![ok()]);
    let r = http()
        .arg(srv.url("/slow"))
        .env("COURIER_STDIN_READ_WARN_THRESHOLD", "1")
        .stdin(Stdin::Delayed(
            Duration::from_millis(2000),
            b"late".to_vec(),
        ))
        .run();
    r.success();
    assert!(
        r.stderr_str()
            .contains("no stdin data read in 1.0s (perhaps you want to --ignore-stdin)"),
        "{}",
        r.describe()
    );
    let req = srv.only_request();
    assert_eq!(req.method(), "POST");
    assert_eq!(req.body, b"late");
    assert!(r.elapsed >= Duration::from_millis(1900));
}

#[test]
fn prompt_stdin_does_not_warn() {
    let srv = Server::start(vec![ok()]);
    let r = http()
        .arg(srv.url("/"))
        .env("COURIER_STDIN_READ_WARN_THRESHOLD", "1")
        .stdin_bytes("quick")
        .run();
    r.success().stderr_empty();
    assert_eq!(srv.only_request().body, b"quick");
}

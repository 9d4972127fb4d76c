//! Nothing a server sends may drive the user's terminal (README
//! "Output processing"), and binary bodies are never dumped to it (HTTPie's binary-data note).
//!
//! With `COURIER_ASSUME_TTY=stdout`, hostile status lines, header values and bodies must come
//! out with no raw ESC except our own SGR color sequences, no BEL/BS/DEL or other C0 control
//! (but `\t`, `\n` and the CR of a CRLF), no raw C1 control (U+0080–U+009F) and no bare CR,
//! while the escaped text stays visible. Redirected output with `--pretty=none` passes the same
//! bytes through unchanged.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::output::{run, strip_sgr, tty, typed};
use crate::support::server::{Reply, Server};
use crate::support::{cat, http, Fixtures, Run};

/// HTTPie's box for binary bodies on a terminal.
const BOX: &str = "+-----------------------------------------+\n\
| NOTE: binary data not shown in terminal |\n\
+-----------------------------------------+";

/// Why `out` is not safe for a terminal, if it is not.
fn terminal_hazard(out: &[u8]) -> Option<String> {
    let plain = strip_sgr(out);
    let text = match std::str::from_utf8(&plain) {
        Ok(t) => t,
        Err(e) => return Some(format!("invalid UTF-8 at byte {}", e.valid_up_to())),
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(at, c)) in chars.iter().enumerate() {
        let bad = match c {
            '\t' | '\n' => false,
            '\r' => chars.get(k + 1).map(|&(_, n)| n) != Some('\n'),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
            _ => false,
        };
        if bad {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(20)
                .map_or(0, |(i, _)| i);
            let context: String = text[from..].chars().take(40).collect();
            return Some(format!(
                "raw {c:?} at byte {at} (after removing SGR) in {context:?}"
            ));
        }
    }
    None
}

/// Asserts that stdout (and stderr) of `r` cannot act on a terminal.
fn assert_safe(r: &Run) {
    r.no_panic();
    assert!(!r.killed, "did not finish:\n{}", r.describe());
    if let Some(why) = terminal_hazard(r.stdout()) {
        panic!("stdout is not terminal-safe: {why}\n{}", r.describe());
    }
    if let Some(why) = terminal_hazard(&r.output.stderr) {
        panic!("stderr is not terminal-safe: {why}\n{}", r.describe());
    }
}

/// Asserts that `marker` appears in the output preceded by a visible escape of the control
/// character that came before it (`\x1b`, `\u001b`, `\u{1b}`, ...).
fn assert_visible(r: &Run, escapes: &[&str], marker: &str) {
    let out = String::from_utf8_lossy(&strip_sgr(r.stdout())).into_owned();
    assert!(
        escapes
            .iter()
            .any(|e| out.contains(&format!("{e}{marker}"))),
        "{marker:?} not shown with one of the escapes {escapes:?}:\n{}",
        r.describe()
    );
}

const ESC_FORMS: &[&str] = &["\\x1b", "\\u001b", "\\u{1b}", "\\e", "^["];
const CSI_FORMS: &[&str] = &["\\u{9b}", "\\u009b", "\\x9b", "\\xc2\\x9b", "\u{fffd}"];

/// Every hostile terminal sequence (ECMA-48 C0 and C1 controls, OSC, DCS) in one text body.
const HOSTILE_TEXT: &[u8] = b"title:\x1b]0;pwned\x07\n\
clip:\x1b]52;c;ZXZpbA==\x07\n\
clear:\x1b[2J\x1bc\n\
c1:\xc2\x9b31mred\n\
bell:\x07 bs:a\x08b del:c\x7fd\n\
safe\rEVIL\n\
crlf line\r\n\
tab\there\n\
fake color:\x1b[31mred\x1b[0m\n";

#[test]
fn hostile_text_body_is_inert_on_a_terminal() {
    for args in [
        &["{url}"][..],
        &["-b", "{url}"],
        &["--pretty=none", "{url}"],
        &["--pretty=colors", "-b", "{url}"],
        &["--pretty=format", "-b", "{url}"],
        &["--pretty=all", "-b", "{url}"],
        &["-s", "monochrome", "-b", "{url}"],
        &["--stream", "-b", "{url}"],
        &["-v", "{url}"],
    ] {
        let r = run(tty(), typed("text/plain", HOSTILE_TEXT), args);
        r.success();
        assert_safe(&r);
        assert_visible(&r, ESC_FORMS, "]0;pwned");
        assert_visible(&r, ESC_FORMS, "]52;c;ZXZpbA==");
        assert_visible(&r, ESC_FORMS, "[2J");
        assert_visible(&r, CSI_FORMS, "31mred");
        let plain = String::from_utf8_lossy(&strip_sgr(r.stdout())).into_owned();
        assert!(plain.contains("EVIL"), "{args:?}: {plain:?}");
    }
}

#[test]
fn crlf_text_is_shown_with_single_line_breaks_on_a_terminal() {
    // CRLF line endings are text, not an attack: making a bare CR inert must not double them.
    for (ct, body, first, second) in [
        (
            "text/plain",
            "line one\r\nline two\r\n",
            "line one",
            "line two",
        ),
        ("text/html", "<p>\r\n</p>\r\n", "<p>", "</p>"),
        (
            "application/json",
            "{\"a\":1,\r\n\"b\":2} x",
            "{\"a\":1,",
            "\"b\":2} x",
        ),
    ] {
        for args in [
            &["-b", "{url}"][..],
            &["--pretty=format", "-b", "{url}"],
            &["--pretty=none", "-b", "{url}"],
            &["--stream", "-b", "{url}"],
        ] {
            let r = run(tty(), typed(ct, body), args);
            r.success();
            assert_safe(&r);
            let plain = String::from_utf8_lossy(&strip_sgr(r.stdout())).into_owned();
            assert!(
                plain.contains(&format!("{first}\r\n{second}"))
                    || plain.contains(&format!("{first}\n{second}")),
                "{ct} {args:?}: line break altered: {plain:?}"
            );
        }
    }
}

#[test]
fn hostile_body_of_other_types_is_inert_on_a_terminal() {
    for ct in [
        "text/html",
        "application/xml",
        "application/octet-stream",
        "application/x-custom",
        "text/event-stream",
        "text/plain; charset=utf-8",
    ] {
        for args in [&["-b", "{url}"][..], &["--pretty=none", "-b", "{url}"]] {
            let r = run(tty(), typed(ct, HOSTILE_TEXT), args);
            r.success();
            assert_safe(&r);
            assert_visible(&r, ESC_FORMS, "]0;pwned");
        }
    }
}

#[test]
fn hostile_valid_json_is_inert_on_a_terminal() {
    // Valid JSON: control characters as JSON escapes, and a raw U+009B, which JSON allows
    // unescaped inside strings (Python's json.dumps would print it raw).
    let body =
        "{\"k\\u001b[2J\": \"\\u001b]0;pwned\\u0007\", \"c1\": \"\u{9b}31mraw \\u009b32mesc\", \
                \"bs\": \"a\\bb\\rc\", \"list\": [\"\\u001b]52;c;ZXZpbA==\\u0007\"]}";
    for args in [
        &["{url}"][..],
        &["-b", "{url}"],
        &["--pretty=format", "-b", "{url}"],
        &["--pretty=colors", "-b", "{url}"],
        &["--pretty=none", "-b", "{url}"],
        &["--unsorted", "-b", "{url}"],
        &["--stream", "-b", "{url}"],
        &["--format-options=json.indent:0", "-b", "{url}"],
    ] {
        for ct in ["application/json", "text/plain", "application/vnd.x+json"] {
            let r = run(tty(), typed(ct, body), args);
            r.success();
            assert_safe(&r);
            assert_visible(&r, ESC_FORMS, "]0;pwned");
            assert_visible(&r, ESC_FORMS, "[2J");
            assert_visible(&r, CSI_FORMS, "31mraw");
            assert_visible(&r, CSI_FORMS, "32mesc");
        }
    }
}

#[test]
fn json_escaped_del_is_inert_on_a_terminal() {
    // `\u007f` is a JSON escape for DEL: formatting must not turn it into a raw DEL byte.
    let body = r#"{"del": "a\u007fb", "esc": "\u001b"}"#;
    for args in [
        &["-b", "{url}"][..],
        &["--pretty=format", "-b", "{url}"],
        &["--stream", "-b", "{url}"],
    ] {
        let r = run(tty(), typed("application/json", body), args);
        r.success();
        assert_safe(&r);
    }
}

#[test]
fn raw_del_inside_a_json_string_is_inert_on_a_terminal() {
    // JSON allows a raw DEL (0x7f) inside strings.
    let body = b"{\"del\": \"a\x7fb\"}";
    for args in [&["-b", "{url}"][..], &["--pretty=format", "-b", "{url}"]] {
        let r = run(tty(), typed("application/json", body), args);
        r.success();
        assert_safe(&r);
    }
}

#[test]
fn hostile_invalid_json_is_inert_on_a_terminal() {
    // Raw control characters inside strings make it invalid JSON: printed as is, but inert.
    let bodies: [&[u8]; 3] = [
        b"{\"a\": \"\x1b]0;pwned\x07\"}",
        b"{\"a\": \"\x1b]0;pwned\x07\", oops",
        b"\x1b]0;pwned\x07{\"a\": 1}",
    ];
    for body in bodies {
        for args in [
            &["{url}"][..],
            &["--pretty=format", "-b", "{url}"],
            &["--pretty=colors", "-b", "{url}"],
            &["--stream", "-b", "{url}"],
        ] {
            let r = run(tty(), typed("application/json", body), args);
            r.success();
            assert_safe(&r);
            assert_visible(&r, ESC_FORMS, "]0;pwned");
        }
    }
}

#[test]
fn hostile_ndjson_stream_is_inert_on_a_terminal() {
    let body = b"{\"a\": \"\\u001b]0;pwned\\u0007\"}\n{\"b\": \"\xc2\x9b31m\"}\nnot json \x1b[2J\n";
    for ct in [
        "application/x-ndjson",
        "application/json",
        "text/event-stream",
    ] {
        let r = run(tty(), typed(ct, body), &["-S", "-b", "{url}"]);
        r.success();
        assert_safe(&r);
        assert_visible(&r, ESC_FORMS, "]0;pwned");
        assert_visible(&r, ESC_FORMS, "[2J");
    }
}

#[test]
fn hostile_xml_is_inert_on_a_terminal() {
    for body in [
        // Valid XML: U+009B is an allowed XML character.
        &b"<a><b>\xc2\x9b31mred</b><c/></a>"[..],
        // Invalid XML (a raw ESC): printed as is.
        b"<a><b>\x1b]0;pwned\x07</b><c/></a>",
        b"<?xml version=\"1.0\"?><a x=\"\xc2\x9b2J\">\x1b[2J</a>",
    ] {
        for args in [&["-b", "{url}"][..], &["--pretty=format", "-b", "{url}"]] {
            let r = run(tty(), typed("application/xml", body), args);
            r.success();
            assert_safe(&r);
        }
    }
}

#[test]
fn c1_controls_from_a_charset_are_inert_on_a_terminal() {
    // ISO-8859-2 maps bytes 0x80-0x9F to the C1 controls U+0080-U+009F.
    let body = b"x\x9b31mred \x1b]0;pwned\x07 \x85 end\n";
    for args in [
        &["-b", "{url}"][..],
        &["--pretty=none", "-b", "{url}"],
        &["--stream", "-b", "{url}"],
    ] {
        let r = run(tty(), typed("text/plain; charset=iso-8859-2", body), args);
        r.success();
        assert_safe(&r);
        assert_visible(&r, ESC_FORMS, "]0;pwned");
        assert_visible(&r, CSI_FORMS, "31mred");
    }
    let r = run(
        tty(),
        typed("text/plain", body),
        &["--response-charset=iso-8859-2", "-b", "{url}"],
    );
    r.success();
    assert_safe(&r);
}

#[test]
fn invalid_utf8_is_never_written_to_a_terminal() {
    let body = b"ok \xff\xfe \x9b31m \xc2 end";
    for args in [&["-b", "{url}"][..], &["--pretty=none", "-b", "{url}"]] {
        let r = run(tty(), typed("text/plain; charset=utf-8", body), args);
        r.success();
        assert_safe(&r);
    }
}

/// A reason phrase or header value with C0 controls may be refused as malformed (httparse is
/// strict); if it is accepted, it must be shown inert. Either way nothing raw reaches the
/// terminal, and a refusal is one clean error line.
fn assert_refused_or_inert(r: &Run, escapes: &[&str], marker: &str) {
    assert_safe(r);
    match r.code() {
        Some(0) => assert_visible(r, escapes, marker),
        Some(1) => {
            r.single_error_line();
        }
        other => panic!("unexpected exit {other:?}:\n{}", r.describe()),
    }
}

#[test]
fn hostile_reason_phrase_with_c0_controls() {
    // (reason phrase, text that must follow a visible escape if the response is accepted)
    const BS_FORMS: &[&str] = &["\\x08", "\\u0008", "\\b", "\\u{8}"];
    for (reason, escapes, marker) in [
        (&b"OK\x1b]0;pwned\x07"[..], ESC_FORMS, "]0;pwned"),
        (b"OK \x1b[2J\x1bc", ESC_FORMS, "[2J"),
        (b"OK a\x08b\x7fc", BS_FORMS, "b"),
    ] {
        let head = cat(&[b"HTTP/1.1 200 ", reason, b"\r\nContent-Length: 2\r\n\r\nhi"]);
        for args in [&["{url}"][..], &["--pretty=none", "-h", "{url}"]] {
            let r = run(tty(), Reply::raw(&head), args);
            assert_refused_or_inert(&r, escapes, marker);
        }
    }
}

#[test]
fn hostile_reason_phrase_with_c1_controls() {
    let head = b"HTTP/1.1 200 OK \xc2\x9b31mred \x9b2J\r\nContent-Length: 2\r\n\r\nhi";
    for args in [
        &["{url}"][..],
        &["-h", "{url}"],
        &["--pretty=none", "-h", "{url}"],
        &["--pretty=format", "-h", "{url}"],
    ] {
        let r = run(tty(), Reply::raw(head), args);
        r.success();
        assert_safe(&r);
        assert_visible(&r, CSI_FORMS, "31mred");
        assert_visible(&r, CSI_FORMS, "2J");
    }
}

#[test]
fn hostile_header_values_with_c0_controls() {
    for (name, value, marker) in [
        ("X-Clip", &b"\x1b]52;c;ZXZpbA==\x07"[..], "]52;c;ZXZpbA=="),
        ("X-Clear", b"\x1b[2J\x1bc", "[2J"),
        ("X-Title", b"a\x1b]0;pwned\x07b", "]0;pwned"),
        ("Location", b"/x\x1b]0;pwned\x07", "]0;pwned"),
    ] {
        let head = cat(&[
            b"HTTP/1.1 200 OK\r\n",
            name.as_bytes(),
            b": ",
            value,
            b"\r\nContent-Length: 2\r\n\r\nhi",
        ]);
        for args in [&["{url}"][..], &["--pretty=none", "-h", "{url}"]] {
            let r = run(tty(), Reply::raw(&head), args);
            assert_refused_or_inert(&r, ESC_FORMS, marker);
        }
    }
}

#[test]
fn hostile_header_values_with_c1_controls() {
    let head = b"HTTP/1.1 200 OK\r\n\
X-C1: \xc2\x9b31mred\r\n\
X-Raw: \x9b2J\r\n\
X-Mixed: caf\xc3\xa9 \xc2\x9d0;pwned\xc2\x9c\r\n\
Content-Length: 2\r\n\r\nhi";
    for args in [
        &["{url}"][..],
        &["-h", "{url}"],
        &["--pretty=none", "-h", "{url}"],
        &["--pretty=colors", "-h", "{url}"],
        &["--unsorted", "-h", "{url}"],
    ] {
        let r = run(tty(), Reply::raw(head), args);
        r.success();
        assert_safe(&r);
        assert_visible(&r, CSI_FORMS, "31mred");
        assert_visible(&r, CSI_FORMS, "2J");
        let plain = String::from_utf8_lossy(&strip_sgr(r.stdout())).into_owned();
        assert!(plain.contains("café"), "{args:?}: {plain:?}");
    }
}

#[test]
fn hostile_intermediate_responses_are_inert() {
    let first = b"HTTP/1.1 302 Found \xc2\x9b2J\r\nLocation: /next\r\nX-Evil: \xc2\x9b31m\r\nContent-Length: 8\r\n\r\n\x1b]0;pwn\x07".to_vec();
    let srv = Server::start(vec![Reply::raw(first), typed("text/plain", "\x1b[2Jfinal")]);
    let r = tty().args(["--follow", "--all", &srv.url("/")]).run();
    r.success();
    assert_safe(&r);
    assert_visible(&r, ESC_FORMS, "[2Jfinal");
}

#[test]
fn stderr_warning_with_a_hostile_reason_is_inert() {
    // `--check-status` with stdout redirected writes `http: warning: HTTP 404 ...` to stderr,
    // which is typically still a terminal.
    let head = b"HTTP/1.1 404 Not \xc2\x9b2J Found\r\nContent-Length: 2\r\n\r\nhi";
    let r = run(http(), Reply::raw(head), &["--check-status", "{url}"]);
    r.code_is(4);
    assert_safe(&r);
}

#[test]
fn hostile_bytes_pass_through_unchanged_when_redirected() {
    let head = b"HTTP/1.1 200 OK \xc2\x9b31m \x9b\r\nX-C1: \xc2\x9b31mred\r\nX-Raw: \x9b2J\r\n\
Content-Type: text/plain\r\nContent-Length: ";
    let wire = cat(&[
        head,
        HOSTILE_TEXT.len().to_string().as_bytes(),
        b"\r\n\r\n",
        HOSTILE_TEXT,
    ]);
    let r = run(
        http(),
        Reply::raw(&wire),
        &["--pretty=none", "-p", "hb", "{url}"],
    );
    r.success().stdout_is(&wire);
    let r = run(http(), Reply::raw(&wire), &["{url}"]);
    r.success().stdout_is(HOSTILE_TEXT);
    let r = run(http(), Reply::raw(&wire), &["--stream", "{url}"]);
    r.success().stdout_is(HOSTILE_TEXT);
    // JSON and XML types too.
    for ct in ["application/json", "application/xml", "text/event-stream"] {
        let r = run(http(), typed(ct, HOSTILE_TEXT), &["{url}"]);
        r.success().stdout_is(HOSTILE_TEXT);
    }
}

#[test]
fn hostile_gzip_body_is_decoded_byte_exact_when_redirected_and_inert_on_a_terminal() {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(HOSTILE_TEXT).unwrap();
    let gz = e.finish().unwrap();
    let reply = Reply::http(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip",
        &gz,
    );
    let r = run(http(), reply.clone(), &["{url}"]);
    r.success().stdout_is(HOSTILE_TEXT);
    let r = run(tty(), reply, &["{url}"]);
    r.success();
    assert_safe(&r);
    assert_visible(&r, ESC_FORMS, "]0;pwned");
}

// ---------------------------------------------------------------------------------------------
// Binary bodies
// ---------------------------------------------------------------------------------------------

fn binary() -> Vec<u8> {
    let mut b = b"\x1b]0;pwned\x07 abc".to_vec();
    b.extend(0u8..=255);
    b.extend_from_slice(b"\0\0\n\0tail");
    b
}

#[test]
fn binary_body_shows_the_note_on_a_terminal() {
    let r = run(
        tty(),
        typed("application/octet-stream", binary()),
        &["-b", "{url}"],
    );
    r.success().stdout_is(format!("\n{BOX}\n\n"));
}

#[test]
fn binary_body_after_a_head_on_a_terminal() {
    let r = run(
        tty(),
        typed("application/octet-stream", binary()),
        &["{url}"],
    );
    r.success();
    assert_safe(&r);
    let plain = String::from_utf8_lossy(&strip_sgr(r.stdout())).into_owned();
    assert!(plain.starts_with("HTTP/1.1 200 OK\r\n"), "{plain:?}");
    assert!(
        plain.ends_with(&format!("\r\n\r\n\n\n{BOX}\n\n")),
        "{plain:?}"
    );
}

#[test]
fn binary_body_is_never_dumped_to_a_terminal_whatever_the_options() {
    for ct in [
        "application/octet-stream",
        "text/plain",
        "application/json",
        "application/xml",
        "image/png",
    ] {
        for args in [
            &["-b", "{url}"][..],
            &["--pretty=none", "-b", "{url}"],
            &["--pretty=colors", "-b", "{url}"],
            &["--pretty=format", "-b", "{url}"],
            &["--stream", "-b", "{url}"],
            &["-v", "{url}"],
        ] {
            let r = run(tty(), typed(ct, binary()), args);
            r.success();
            assert!(
                !r.stdout().contains(&0),
                "{ct} {args:?}: NUL written\n{}",
                r.describe()
            );
            assert_safe(&r);
            assert!(
                r.stdout_str().contains(BOX),
                "{ct} {args:?}: no binary note\n{}",
                r.describe()
            );
        }
    }
}

#[test]
fn binary_data_after_text_is_not_dumped_to_a_terminal() {
    // 200 KB of text lines, then a NUL: whatever was shown before, no binary byte follows.
    let mut body = "line of text\n".repeat(16_000).into_bytes();
    body.extend_from_slice(b"bin\0\x1b]0;pwned\x07\xff\xfe more\n");
    body.extend_from_slice(&"trailing text\n".repeat(100).into_bytes());
    for args in [
        &["-b", "{url}"][..],
        &["--pretty=none", "-b", "{url}"],
        &["--stream", "-b", "{url}"],
    ] {
        let r = run(tty(), typed("text/plain", &body), args);
        r.success();
        assert!(!r.stdout().contains(&0), "{args:?}: NUL written");
        assert_safe(&r);
        assert!(r.stdout_str().contains(BOX), "{args:?}: no binary note");
    }
}

#[test]
fn binary_request_body_is_not_dumped_to_a_terminal() {
    let fx = Fixtures::new();
    let file = fx.write("blob.bin", binary());
    let srv = Server::start(vec![Reply::ok("done")]);
    let r = tty()
        .args(["-v", &srv.url("/up"), &format!("@{}", file.display())])
        .run();
    r.success();
    assert!(!r.stdout().contains(&0), "NUL written\n{}", r.describe());
    assert_safe(&r);
    assert!(r.stdout_str().contains(BOX), "{}", r.describe());
    assert_eq!(
        srv.only_request().body,
        binary(),
        "the body sent was altered"
    );
}

#[test]
fn gzipped_binary_and_a_gzip_bomb_on_a_terminal_show_the_note() {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..20 {
        e.write_all(&zeros).unwrap();
    }
    let bomb = e.finish().unwrap();
    let r = run(
        tty(),
        Reply::http(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip",
            &bomb,
        ),
        &["-b", "{url}"],
    );
    r.success().stdout_is(format!("\n{BOX}\n\n"));
}

#[test]
fn binary_body_redirected_is_raw() {
    for args in [
        &["{url}"][..],
        &["--pretty=none", "{url}"],
        &["-S", "{url}"],
    ] {
        for ct in ["application/octet-stream", "text/plain", "application/json"] {
            let r = run(http(), typed(ct, binary()), args);
            r.success().stdout_is(binary());
        }
    }
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        binary().len()
    );
    let r = run(
        http(),
        Reply::raw(cat(&[head.as_bytes(), &binary()])),
        &["-p", "hb", "{url}"],
    );
    r.success().stdout_is(cat(&[head.as_bytes(), &binary()]));
}

#[test]
fn binary_body_with_pretty_redirected_shows_the_note_as_httpie() {
    for pretty in ["--pretty=format", "--pretty=all"] {
        let r = run(
            http(),
            typed("application/octet-stream", binary()),
            &[pretty, "{url}"],
        );
        r.success();
        assert_eq!(
            String::from_utf8_lossy(&strip_sgr(r.stdout())),
            format!("\n{BOX}"),
            "{}",
            r.describe()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Output amplification
// ---------------------------------------------------------------------------------------------

/// Runs `http ARGS` (hermetic environment, stdin null, stdout treated as a terminal) and counts
/// its output without keeping it; the child is killed once it has printed more than `limit`
/// bytes or after 20 s. Returns (bytes printed, exit code if it exited by itself, stderr).
fn run_counting(args: &[String], limit: usize) -> (usize, Option<i32>, String) {
    let home = tempfile::TempDir::new().unwrap();
    let config = home.path().join("courier-config");
    std::fs::create_dir_all(&config).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_http"));
    cmd.env_clear()
        .env("HOME", home.path())
        .env("COURIER_CONFIG_DIR", &config)
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env("COURIER_ASSUME_TTY", "stdout")
        .current_dir(home.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = std::env::var_os("PATH") {
        cmd.env("PATH", p);
    }
    let mut child = cmd.spawn().expect("spawn http");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let mut total = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    let mut over = false;
    loop {
        match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
        if total > limit || start.elapsed() > Duration::from_secs(20) {
            over = true;
            let _ = child.kill();
            break;
        }
    }
    drop(stdout);
    let status = child.wait().expect("wait http");
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    (total, (!over).then(|| status.code()).flatten(), stderr)
}

#[test]
fn deeply_nested_json_does_not_flood_the_terminal() {
    // 40 KB of nesting would format to gigabytes (four spaces per level on every line):
    // formatting must stop somewhere (HTTPie's json module gives up at ~1000 levels) and the
    // output stay within a sane multiple of the body.
    const DEPTH: usize = 20_000;
    const LIMIT: usize = 10 * 1024 * 1024;
    for body in [
        format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH)),
    ] {
        let srv = Server::start(vec![typed("application/json", &body)]);
        let (printed, code, stderr) = run_counting(&["-b".into(), srv.url("/")], LIMIT);
        assert!(
            printed <= LIMIT,
            "a {} byte body printed more than {LIMIT} bytes (killed): nesting depth is unbounded",
            body.len()
        );
        assert_eq!(code, Some(0), "stderr: {stderr}");
        assert!(printed >= body.len(), "body missing: {printed} bytes");
    }
}
